/// Types of the list and dict features beyond plain containers (issue 11): dict views,
/// sorting and min/max with a key function. Typing: `ListExtrasTyping.swift`;
/// lowering: `Lowering/ListExtrasLowering.swift`; C helpers: `Sources/CPython/listextras.c`.

/// Which view of a dict `d.keys()`, `d.values()` or `d.items()` is.
public enum DictViewKind: Int, Hashable, Sendable {
    case keys = 0, values = 1, items = 2

    /// The Python type's name (`dict_keys`, ...).
    public var pythonName: String {
        switch self {
        case .keys: return "dict_keys"
        case .values: return "dict_values"
        case .items: return "dict_items"
        }
    }
}

/// `xs.sort(key=f)`, `sorted(xs, key=f)`, `min/max(xs, key=f)`: the keys are computed by
/// calling the jitted key function on each element; the order is Python's own (listextras.c).
public struct KeyedCall: Hashable, Sendable {
    public enum Operation: Hashable, Sendable { case sort, sorted, min, max }
    /// What is done with the keys.
    public var operation: Operation
    /// The call of the key function for one element (its `.argument(0)` is the element).
    public var key: LanguageCall
    /// The key function's result type, and the element type it is called with.
    public var keyType: JITType
    public var element: JITType
    /// The call's argument holding `reverse=` (sort and sorted), if given.
    public var reverseArgument: Int?
}

extension JITType {
    /// The element type a for loop over the view takes.
    var dictViewYield: JITType? {
        guard case .dictView(let kind, .dict(let k, let v)) = self else { return nil }
        switch kind {
        case .keys: return k
        case .values: return v
        case .items: return .tuple([k, v])
        }
    }

    var isDictView: Bool { if case .dictView = self { return true } else { return false } }
}
