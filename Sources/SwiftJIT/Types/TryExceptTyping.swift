/// Typing of nopython try/except (Frontend/TranslatorExceptions.swift).
enum TryExceptTyping {
    /// Whether an `except` clause may name a value of type `t`: an exception class
    /// (builtin or defined in Python) or a tuple of them.
    static func isExceptionClassOrTuple(_ t: JITType) -> Bool {
        switch t {
        case .exceptionClass: return true
        case .tuple(let items): return !items.isEmpty && items.allSatisfy { if case .exceptionClass = $0 { return true } else { return false } }
        default: return false
        }
    }

    /// The class names an `except` clause of type `t` lists.
    static func classNames(_ t: JITType) -> [String] {
        switch t {
        case .exceptionClass(let n): return [n]
        case .tuple(let items): return items.flatMap { classNames($0) }
        default: return []
        }
    }
}
