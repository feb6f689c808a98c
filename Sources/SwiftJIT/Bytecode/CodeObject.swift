/// A CPython version, as far as bytecode is concerned.
public struct PythonVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    public var description: String { "\(major).\(minor)" }
}

/// A constant from `co_consts`, converted to plain Swift values.
public indirect enum Constant: Hashable, Sendable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int64)
    /// An int that does not fit in 64 bits, kept as its decimal text.
    case bigInt(String)
    case float(Double)
    case complex(Double, Double)
    case string(String)
    case bytes([UInt8])
    case tuple([Constant])
    /// A nested code object (inner function, lambda, comprehension).
    case code(CodeObject)
    case ellipsis
    /// Any other object, described by its type name.
    case other(typeName: String)

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .float(let d): return formatFloat(d)
        case .complex(let r, let i): return "(\(formatFloat(r))+\(formatFloat(i))j)"
        case .string(let s): return "'\(s)'"
        case .bytes(let b): return "b<\(b.count) bytes>"
        case .tuple(let items):
            if items.count == 1 { return "(\(items[0]),)" }
            return "(" + items.map { $0.description }.joined(separator: ", ") + ")"
        case .code(let c): return "<code \(c.name)>"
        case .ellipsis: return "Ellipsis"
        case .other(let t): return "<\(t)>"
        }
    }
}

/// Formats a double the way Python's repr does for the common cases.
public func formatFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == d.rounded(), abs(d) < 1e16 { return String(Int64(d)) + ".0" }
    return "\(d)"
}

/// Flags from `co_flags` that change how a function can be compiled.
public struct CodeFlags: OptionSet, Hashable, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let varargs = CodeFlags(rawValue: 0x04)
    public static let varkeywords = CodeFlags(rawValue: 0x08)
    public static let nested = CodeFlags(rawValue: 0x10)
    public static let generator = CodeFlags(rawValue: 0x20)
    public static let coroutine = CodeFlags(rawValue: 0x80)
    public static let iterableCoroutine = CodeFlags(rawValue: 0x100)
    public static let asyncGenerator = CodeFlags(rawValue: 0x200)
}

/// Everything the compiler reads from a Python code object, as a value.
///
/// The extension module fills it from a live `PyCodeObject`; tests build it
/// from JSON dumps. No compiler stage touches CPython objects.
public struct CodeObject: Hashable, Sendable {
    public var version: PythonVersion
    public var name: String
    public var qualname: String
    public var filename: String
    public var firstLineNumber: Int
    public var argCount: Int
    public var positionalOnlyArgCount: Int
    public var keywordOnlyArgCount: Int
    public var flags: CodeFlags
    public var varnames: [String]
    public var cellvars: [String]
    public var freevars: [String]
    public var names: [String]
    public var constants: [Constant]
    /// Raw `co_code` (with inline CACHE entries).
    public var code: [UInt8]
    /// Raw `co_linetable` (3.11+ location table format).
    public var lineTable: [UInt8]
    /// Raw `co_exceptiontable`.
    public var exceptionTable: [UInt8]
    /// For the code object of an inner function made in compiled code: the constant values
    /// of the enclosing function's variables it captures (by free variable name).
    public var closureConstants: [String: Constant] = [:]

    public init(version: PythonVersion, name: String, qualname: String? = nil, filename: String = "<unknown>",
                firstLineNumber: Int = 1, argCount: Int, positionalOnlyArgCount: Int = 0,
                keywordOnlyArgCount: Int = 0, flags: CodeFlags = [], varnames: [String],
                cellvars: [String] = [], freevars: [String] = [], names: [String],
                constants: [Constant], code: [UInt8], lineTable: [UInt8] = [], exceptionTable: [UInt8] = []) {
        self.version = version
        self.name = name
        self.qualname = qualname ?? name
        self.filename = filename
        self.firstLineNumber = firstLineNumber
        self.argCount = argCount
        self.positionalOnlyArgCount = positionalOnlyArgCount
        self.keywordOnlyArgCount = keywordOnlyArgCount
        self.flags = flags
        self.varnames = varnames
        self.cellvars = cellvars
        self.freevars = freevars
        self.names = names
        self.constants = constants
        self.code = code
        self.lineTable = lineTable
        self.exceptionTable = exceptionTable
    }

    /// Number of arguments the compiled function takes (positional and keyword-only).
    public var totalArgCount: Int { argCount + keywordOnlyArgCount }
}
