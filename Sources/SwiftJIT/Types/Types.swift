/// The types of nopython mode.
public indirect enum JITType: Hashable, Sendable, CustomStringConvertible {
    case boolean
    case int64
    case float64
    case none
    case tuple([JITType])
    /// A `range(start, stop, step)` object over int64.
    case range
    /// The iterator of a range.
    case rangeIter
    /// A module such as `math`, used only for attribute lookups.
    case module(String)
    /// A known callable: a builtin (`range`, `abs`), a module function (`math.sqrt`).
    case function(String)
    /// An exception class (`ValueError`), and an instance of it made by a call.
    case exceptionClass(String)
    case exceptionInstance(String)
    /// A value that is None on some paths.
    case optional(JITType)
    /// A string constant; only usable as an exception message (strings come later).
    case literalString(String)
    /// A NumPy ndarray.
    case array(ArrayType)
    /// A NumPy dtype object used as an argument (`np.float64` in `np.zeros(n, np.float64)`).
    case dtypeObject(DType)
    /// Iterator over the first axis of an array.
    case arrayIter(ArrayType)
    /// A slice `start:stop:step` (missing parts are None).
    case slice
    /// A method looked up on a value (`a.sum`); its value is the receiver.
    case boundMethod(JITType, String)
    /// A complex number: two float64s (real, imag).
    case complex128
    /// The iterator of a tuple, `enumerate` or `zip`; the payload is the iterable's type.
    case iterator(JITType)
    /// `enumerate(iterable)`, usable in for loops.
    case enumerate(JITType)
    /// `zip(iterables...)`, usable in for loops.
    case zip([JITType])
    /// A slice with constant bounds (`t[1:3]`); nil stands for an omitted bound.
    case literalSlice(Int64?, Int64?, Int64?)
    /// Another jitted function (a global that is a swiftjit Dispatcher).
    case dispatcher(JITCallee)
    /// A Python str (a PyUnicode object; see ContainerTypes.swift).
    case string
    /// A Python list whose elements all have one type.
    case list(JITType)
    /// A Python dict with one key type and one value type.
    case dict(JITType, JITType)
    /// A Python set with one element type.
    case set(JITType)
    /// The element type of an empty container literal, until a use tells it.
    case undetermined
    /// A live view `d.keys()` / `d.values()` / `d.items()` of a dict of this type (ListExtrasTypes.swift).
    case dictView(DictViewKind, JITType)

    public var description: String {
        switch self {
        case .boolean: return "bool"
        case .int64: return "int64"
        case .float64: return "float64"
        case .none: return "none"
        case .tuple(let items): return "tuple(" + items.map { $0.description }.joined(separator: ", ") + ")"
        case .range: return "range(int64)"
        case .rangeIter: return "range_iterator(int64)"
        case .module(let m): return "module(\(m))"
        case .function(let f): return "function(\(f))"
        case .exceptionClass(let c): return "class(\(c))"
        case .exceptionInstance(let c): return c
        case .optional(let t): return "optional(\(t))"
        case .literalString: return "literal string"
        case .array(let a): return a.description
        case .dtypeObject(let d): return "dtype(\(d.rawValue))"
        case .arrayIter(let a): return "iter(\(a))"
        case .slice: return "slice"
        default: return languageDescription
        }
    }

    /// Rank of a number type in the promotion order bool < int64 < float64.
    var numericRank: Int? {
        switch self {
        case .boolean: return 0
        case .int64: return 1
        case .float64: return 2
        default: return nil
        }
    }

    public var isNumber: Bool { numericRank != nil }
    public var isArray: Bool { if case .array = self { return true } else { return false } }
    public var isSlice: Bool {
        switch self {
        case .slice, .literalSlice: return true
        default: return false
        }
    }
    public var isArrayIter: Bool { if case .arrayIter = self { return true } else { return false } }
    /// The receiver of a bound method (the type itself otherwise).
    public var receiver: JITType { if case .boundMethod(let r, _) = self { return r } else { return self } }

    /// Types that can be passed into and returned from compiled code.
    public var isFirstClass: Bool {
        switch self {
        case .boolean, .int64, .float64, .none, .complex128: return true
        case .tuple(let items): return items.allSatisfy { $0.isFirstClass }
        case .optional(let t): return t.isFirstClass
        case .array: return true
        case .string, .literalString: return true
        case .list(let e), .set(let e): return e.isFirstClass
        case .dict(let k, let v): return k.isFirstClass && v.isFirstClass
        default: return false
        }
    }

    /// The smallest type holding both, or nil when there is none.
    public static func unify(_ a: JITType, _ b: JITType) -> JITType? {
        if a == b { return a }
        if let c = unifyContainers(a, b) { return c }
        if let ra = a.numericRank, let rb = b.numericRank { return ra >= rb ? a : b }
        switch (a, b) {
        case (.complex128, let t), (let t, .complex128):
            if t.isNumber { return .complex128 }
            if t == .none { return .optional(.complex128) }
            if case .optional(let x) = t { return unify(x, .complex128).map { .optional($0) } }
            return nil
        case (.none, .optional), (.optional, .none): return a == .none ? b : a
        case (.none, let t), (let t, .none):
            return t.isFirstClass ? .optional(t) : nil
        case (.optional(let x), .optional(let y)):
            return unify(x, y).map { .optional($0) }
        case (.optional(let x), let y), (let y, .optional(let x)):
            return unify(x, y).map { .optional($0) }
        case (.array(let x), .array(let y)) where x.dtype == y.dtype && x.ndim == y.ndim:
            return .array(ArrayType(dtype: x.dtype, ndim: x.ndim, layout: x.layout == y.layout ? x.layout : .any,
                                    writable: x.writable && y.writable))
        case (.tuple(let xs), .tuple(let ys)) where xs.count == ys.count:
            var out: [JITType] = []
            for (x, y) in Swift.zip(xs, ys) {
                guard let u = unify(x, y) else { return nil }
                out.append(u)
            }
            return .tuple(out)
        default:
            return nil
        }
    }
}

/// What a global name (or a free variable) refers to at compile time.
public enum GlobalValue: Hashable, Sendable {
    case builtin(String)
    case module(String)
    case exceptionClass(String)
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case none
    case tuple([GlobalValue])
    case complex(Double, Double)
    /// Another jitted function.
    case dispatcher(JITCallee)
    /// An exception class defined in Python code (not a builtin); `address` is
    /// the class object, kept alive by the dispatcher that resolved it.
    case userExceptionClass(name: String, address: UInt64)
    /// Something nopython mode cannot use; the text names its type.
    case unsupported(typeName: String)
    /// The name is not defined.
    case undefined
}
