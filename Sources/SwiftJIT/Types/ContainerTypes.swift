/// str, list, dict and set values in nopython mode (issue 11).
///
/// These values are CPython objects (`PyObject *`) whose element types are
/// known statically. Every variable of such a type owns one reference (see
/// `ContainerLowering.swift` for the reference-counting rules).

extension JITType {
    /// Descriptions of the container cases.
    var containerDescription: String {
        switch self {
        case .string: return "str"
        case .list(let e): return "list(\(e))"
        case .dict(let k, let v): return "dict(\(k), \(v))"
        case .set(let e): return "set(\(e))"
        case .undetermined: return "undetermined"
        case .dictView(let kind, let d): return "\(kind.pythonName)(\(d))"
        default: return "?"
        }
    }

    /// Whether the value is a CPython object compiled code holds a reference to.
    public var isObject: Bool {
        switch self {
        case .string, .list, .dict, .set, .dictView: return true
        default: return false
        }
    }

    /// Whether a value of this type holds object references anywhere (tuples,
    /// optionals and iterator states included), so that copies and drops count them.
    public var isManaged: Bool {
        switch self {
        case .string, .list, .dict, .set, .dictView: return true
        case .tuple(let items): return items.contains { $0.isManaged }
        case .optional(let t): return t.isManaged
        case .iterator(let x): return x.iteratorStateIsManaged
        case .enumerate(let x): return x.isManaged
        case .zip(let xs): return xs.contains { $0.isManaged }
        case .boundMethod(let r, _): return r.isManaged
        default: return false
        }
    }

    /// Whether the state of an iterator over this iterable holds references.
    var iteratorStateIsManaged: Bool {
        switch self {
        case .string, .list, .dict, .set, .dictView: return true
        case .tuple: return isManaged
        case .enumerate(let x): return x.iteratorStateIsManaged
        case .zip(let xs): return xs.contains { $0.iteratorStateIsManaged }
        default: return false
        }
    }

    /// A string constant used as a value is a str.
    public var asValue: JITType {
        switch self {
        case .literalString: return .string
        case .tuple(let items): return .tuple(items.map { $0.asValue })
        default: return self
        }
    }

    /// Whether an element type is not known yet anywhere inside.
    public var hasUndetermined: Bool {
        switch self {
        case .undetermined: return true
        case .list(let e), .set(let e), .optional(let e): return e.hasUndetermined
        case .dict(let k, let v): return k.hasUndetermined || v.hasUndetermined
        case .tuple(let items): return items.contains { $0.hasUndetermined }
        default: return false
        }
    }

    /// Element types stored in containers: anything first-class except literal strings.
    public static func unifyElement(_ a: JITType, _ b: JITType) -> JITType? {
        if a == .undetermined { return b.asValue }
        if b == .undetermined { return a.asValue }
        return unify(a.asValue, b.asValue)
    }

    /// Unification of container types (nil when neither is one).
    static func unifyContainers(_ a: JITType, _ b: JITType) -> JITType? {
        switch (a, b) {
        case (.literalString, .literalString), (.literalString, .string), (.string, .literalString):
            return .string
        case (.literalString, _), (_, .literalString):
            return unify(a.asValue, b.asValue)  // a string constant stored with other values is a str
        case (.list(let x), .list(let y)): return unifyElement(x, y).map { .list($0) }
        case (.set(let x), .set(let y)): return unifyElement(x, y).map { .set($0) }
        case (.dict(let k1, let v1), .dict(let k2, let v2)):
            guard let k = unifyElement(k1, k2), let v = unifyElement(v1, v2) else { return nil }
            return .dict(k, v)
        default:
            return nil
        }
    }
}
