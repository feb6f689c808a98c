/// Types of the Python language in nopython mode beyond numbers: complex
/// numbers, iterators over tuples, `enumerate` and `zip`, constant slices,
/// bound methods and other jitted functions.

/// What the compiler needs to call another jitted function: its parameters and
/// defaults, and a callback that compiles it for given argument types.
///
/// Two callees are equal when they stand for the same dispatcher (`id`).
public struct JITCallee: Hashable, Sendable, CustomStringConvertible {
    /// Identity of the dispatcher.
    public let id: UInt
    /// The function's qualified name, for messages.
    public let name: String
    /// Parameter names, positional then keyword-only.
    public let parameters: [String]
    /// The default value of each parameter, nil where there is none.
    public let defaults: [GlobalValue?]
    /// Compiles (or finds) the specialization for the argument types.
    public let resolve: @Sendable ([JITType]) throws -> CalleeResolution

    public init(id: UInt, name: String, parameters: [String], defaults: [GlobalValue?],
                resolve: @escaping @Sendable ([JITType]) throws -> CalleeResolution) {
        self.id = id; self.name = name; self.parameters = parameters; self.defaults = defaults; self.resolve = resolve
    }

    public static func == (a: JITCallee, b: JITCallee) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public var description: String { name }
}

/// The answer of `JITCallee.resolve`.
public enum CalleeResolution: Sendable {
    /// A compiled specialization: the native entry's symbol and its return type, and its
    /// direct entry when it cannot raise (`DirectEntry`, Lowering/DirectCalls.swift).
    case compiled(symbol: String, returnType: JITType, direct: DirectEntry? = nil)
    /// The function is being compiled for these very argument types: a self-recursive call.
    case recursive
    /// The function is being compiled (a cycle of calls) for an explicit signature: it is
    /// called through `slot`, the address of a word that receives its native entry's
    /// address once it is compiled (null until then, or if that compilation fails).
    case declared(slot: UInt64, returnType: JITType)
}

/// The direct entry of a specialization that cannot raise (other than RecursionError):
/// `T name.direct(ptr unused, ptr ctx, args...)` returns its value, so callers skip the
/// status check (Lowering/DirectCalls.swift).
public struct DirectEntry: Hashable, Sendable, CustomStringConvertible {
    /// The direct function's symbol.
    public var symbol: String
    /// Whether it makes jitted calls, so it may find the stack exhausted and mark the
    /// context's stack limit (bit 63): callers check the mark after the call.
    public var mayOverflow: Bool
    /// Whether a call may go on after the stack was exhausted with a meaningless result without
    /// any harm: no loops, no memory, no side effects, only callees of the same kind.
    public var garbageSafe: Bool
    public init(symbol: String, mayOverflow: Bool, garbageSafe: Bool) {
        self.symbol = symbol; self.mayOverflow = mayOverflow; self.garbageSafe = garbageSafe
    }
    public var description: String { "direct(\(symbol)\(mayOverflow ? " overflow" : "")\(garbageSafe ? " safe" : ""))" }
}

extension JITType {
    /// Descriptions of the cases defined for the language features.
    var languageDescription: String {
        switch self {
        case .complex128: return "complex128"
        case .iterator(let x): return "iterator(\(x))"
        case .enumerate(let x): return "enumerate(\(x))"
        case .zip(let xs): return "zip(" + xs.map { $0.description }.joined(separator: ", ") + ")"
        case .literalSlice(let a, let b, let c):
            func s(_ v: Int64?) -> String { v.map { String($0) } ?? "None" }
            return "slice(\(s(a)), \(s(b)), \(s(c)))"
        case .boundMethod(let r, let m): return "method(\(r).\(m))"
        case .dispatcher(let c): return "jitted function(\(c.name))"
        default: return containerDescription
        }
    }

    /// Whether every item of a tuple has the same type (empty tuples count).
    var isHomogeneousTuple: Bool {
        guard case .tuple(let items) = self else { return false }
        return items.allSatisfy { $0 == items.first }
    }
}
