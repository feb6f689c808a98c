/// Typing rules of NumPy's ufunc-style functions beyond the unary math table of
/// `ArrayTyping`: the binary ufuncs (`np.add`, `np.maximum`, `np.hypot`, ...), more unary
/// ones (`np.sign`, `np.reciprocal`, `np.rint`, ...), `np.clip`, and the reductions and
/// products `np.std`, `np.var`, `np.outer`. Element-wise ones become `ElementwiseOp` nodes
/// (so they fuse, `Lowering/ArrayFusion.swift`); lowering: `Lowering/UfuncLowering.swift`.
enum UfuncTyping {
    /// How a binary ufunc computes its result dtype and element.
    enum Binary {
        /// The array operator's rules (`np.add` is `+`).
        case op(BinaryOperator)
        /// The dtype of `+`, the element a choice between the operands (`maximum`, `fmin`).
        case choose
        /// Float results: ints compute in float64 (16- and 8-bit ints in float32, as Numba).
        case float
        /// Always float64 (`float_power`).
        case double
        /// Comparisons: bool results.
        case compare(CompareOperator)
        /// Logical combinations: bool results.
        case logical
        /// Integer/float functions with the dtype of `+` but their own element (`power`, `fmod`).
        case own
    }

    static let binary: [String: Binary] = [
        "add": .op(.add), "subtract": .op(.sub), "multiply": .op(.mul), "true_divide": .op(.trueDiv),
        "divide": .op(.trueDiv), "floor_divide": .op(.floorDiv), "remainder": .op(.mod), "mod": .op(.mod),
        "bitwise_and": .op(.and), "bitwise_or": .op(.or), "bitwise_xor": .op(.xor),
        "power": .own, "fmod": .own,
        "maximum": .choose, "minimum": .choose, "fmax": .choose, "fmin": .choose,
        "hypot": .float, "arctan2": .float, "copysign": .float, "logaddexp": .float, "logaddexp2": .float,
        "nextafter": .float, "float_power": .double,
        "left_shift": .op(.lshift), "right_shift": .op(.rshift),
        "greater": .compare(.gt), "greater_equal": .compare(.ge), "less": .compare(.lt),
        "less_equal": .compare(.le), "equal": .compare(.eq), "not_equal": .compare(.ne),
        "logical_and": .logical, "logical_or": .logical, "logical_xor": .logical,
    ]

    /// Unary functions typed here (the classic ones live in `ArrayTyping.unaryUfuncs`).
    enum Unary {
        /// Keeps the input's dtype (bool rejected).
        case same
        /// Float results as `np.sqrt`.
        case float
        /// Bool results.
        case predicate
        /// Keeps the dtype, bool included (`np.invert`).
        case bits
    }

    static let unary: [String: Unary] = [
        "sign": .same, "reciprocal": .same, "positive": .same,
        "rint": .float, "exp2": .float, "cbrt": .float, "arcsinh": .float, "arccosh": .float, "arctanh": .float,
        "deg2rad": .float, "rad2deg": .float, "degrees": .float, "radians": .float,
        "signbit": .predicate, "logical_not": .predicate,
        "invert": .bits, "bitwise_not": .bits,
    ]

    /// numpy functions typed here and their parameter names (for keyword arguments).
    static let functions: [String: [String]] = {
        var f: [String: [String]] = [
            "clip": ["a", "a_min", "a_max", "out"], "std": ["a", "ddof"], "var": ["a", "ddof"], "outer": ["a", "b"],
        ]
        for k in binary.keys { f[k] = ["x1", "x2", "out"] }
        for k in unary.keys { f[k] = ["x", "out"] }
        return f
    }()

    /// Array methods typed here.
    static let methods: Set<String> = ["std", "var", "clip"]

    static func err(_ m: String) -> CompileError { CompileError(.typing, m, stage: "typing") }

    static func isOperand(_ t: JITType?) -> Bool {
        guard let t = t else { return false }
        if case .array(let a) = t { return !a.dtype.isComplex }
        return t == .int64 || t == .float64 || t == .boolean
    }

    /// The element-wise result dtype of binary ufunc `name` (nil: unsupported operand dtypes).
    static func binaryDType(_ kind: Binary, _ a: JITType, _ b: JITType) -> DType? {
        switch kind {
        case .op(let o):
            let d = ArrayTyping.resultDType(o, a, b)
            // NumPy computes these of booleans in int8.
            return d == .bool && [.floorDiv, .mod].contains(o) ? .int8 : d
        case .choose: return ArrayTyping.resultDType(.add, a, b)
        case .own:
            guard let d = ArrayTyping.resultDType(.add, a, b) else { return nil }
            return d == .bool ? .int8 : d
        case .compare, .logical: return .bool
        case .double: return ArrayTyping.resultDType(.add, a, b).map { _ in .float64 }
        case .float:
            guard let d = ArrayTyping.resultDType(.add, a, b) else { return nil }
            switch d {
            case .float32, .float64: return d
            case .bool, .int8, .uint8, .int16, .uint16: return .float32
            default: return .float64
            }
        }
    }

    static func unaryDType(_ kind: Unary, _ d: DType) -> DType? {
        switch kind {
        case .same: return d == .bool ? nil : d
        case .bits: return d.isFloat ? nil : d
        case .predicate: return .bool
        // NumPy's float16 loop for bool and 8-bit ints is Numba's float32 one.
        case .float: return [.float32, .bool, .int8, .uint8, .int16, .uint16].contains(d) ? .float32 : .float64
        }
    }

    /// The result of an element-wise call of `name` over `operands` (an array when any operand is
    /// one, else a scalar), ignoring `out`.
    static func elementResult(_ name: String, _ operands: [JITType], _ sig: String) throws -> JITType {
        guard operands.allSatisfy({ isOperand($0) }) else {
            throw err("np.\(name)\(sig): the arguments must be numbers or arrays of real numbers")
        }
        var d: DType?
        if let kind = binary[name] {
            d = binaryDType(kind, operands[0], operands[1])
        } else if let kind = unary[name] {
            d = DType.of(operands[0]).flatMap { unaryDType(kind, $0) }
            if case .array(let a) = operands[0] { d = unaryDType(kind, a.dtype) }
        } else if name == "clip" {
            // minimum(maximum(a, a_min), a_max): the dtype of `+` over the three.
            func combine(_ x: JITType?, _ y: JITType) -> JITType? {
                guard let x = x, let r = ArrayTyping.resultDType(.add, x, y) else { return nil }
                return (x.isArray || y.isArray) ? .array(ArrayType(dtype: r, ndim: 1, layout: .c)) : r.scalar
            }
            let t = operands.dropFirst().reduce(Optional(operands[0])) { combine($0, $1) }
            if case .array(let a)? = t { d = a.dtype } else { d = t.flatMap { DType.of($0) } }
        }
        guard let dt = d else { throw err("np.\(name)\(sig) is not supported for these argument types") }
        let rank = ArrayTyping.broadcastRankAll(operands)
        if operands.contains(where: { $0.isArray }) { return .array(ArrayType(dtype: dt, ndim: rank, layout: .c)) }
        return dt.scalar
    }

    /// Whether a value of dtype `from` may be stored into an `out` array of dtype `to`
    /// (NumPy's 'same_kind' casting).
    static func sameKind(_ from: DType, _ to: DType) -> Bool {
        func kind(_ d: DType) -> Int {
            switch d {
            case .bool: return 0
            case .uint8, .uint16, .uint32, .uint64: return 1
            case .int8, .int16, .int32, .int64: return 2
            case .float32, .float64: return 3
            default: return 4
            }
        }
        let (a, b) = (kind(from), kind(to))
        if a == 1 && b == 2 { return true }
        if a == 2 && b == 1 { return false }
        return a <= b
    }

    /// Types `np.<name>(args)` (arguments in parameter order, nil where absent).
    static func call(_ name: String, _ args: [JITType?]) throws -> JITType {
        func arg(_ i: Int) -> JITType? { i < args.count ? args[i] : nil }
        let sig = "(" + args.map { $0?.description ?? "-" }.joined(separator: ", ") + ")"
        switch name {
        case "std", "var":
            guard case .array(let a)? = arg(0) else { throw err("np.\(name)\(sig): the argument must be an array") }
            guard !a.dtype.isComplex else { throw err("np.\(name)\(sig) of complex arrays is not supported in nopython mode") }
            if let d = arg(1), d != .none, d != .int64 && d != .float64 && d != .boolean {
                throw err("np.\(name)\(sig): ddof must be a number")
            }
            return .float64
        case "outer":
            guard case .array(let a)? = arg(0), case .array(let b)? = arg(1) else {
                throw err("np.outer\(sig) needs two arrays")
            }
            guard let d = ArrayTyping.resultDType(.mul, .array(a), .array(b)) else {
                throw err("np.outer\(sig) is not supported for these dtypes")
            }
            return .array(ArrayType(dtype: d, ndim: 2, layout: .c))
        default:
            break
        }
        guard let plan = elementwisePlan(name, args) else {
            throw err("np.\(name)\(sig): wrong number of arguments")
        }
        let result = try elementResult(name, plan.operands.map { args[$0]! }, sig)
        guard let out = arg(plan.outIndex), out != .none else { return result }
        guard case .array(let o) = out else { throw err("np.\(name)\(sig): out must be an array") }
        guard o.writable else { throw err("np.\(name)\(sig): out is a read-only array") }
        let rd: DType, rank: Int
        if case .array(let r) = result { (rd, rank) = (r.dtype, r.ndim) } else { (rd, rank) = (DType.of(result) ?? .float64, 0) }
        guard rank <= o.ndim else {
            throw err("np.\(name)\(sig): out has \(o.ndim) dimensions but the result has \(rank)")
        }
        guard sameKind(rd, o.dtype) else {
            throw err("np.\(name)\(sig): cannot cast the result from \(rd) to out's dtype \(o.dtype) with casting rule 'same_kind'")
        }
        return out
    }

    /// Which parameters of element-wise function `name` are its operands (None bounds of
    /// `clip` left out), the element-wise operation, and the index of `out`; nil when
    /// arguments are missing.
    static func elementwisePlan(_ name: String, _ args: [JITType?]) -> (op: ElementwiseOp, operands: [Int], outIndex: Int)? {
        func present(_ i: Int) -> Bool { i < args.count && args[i] != nil && args[i] != JITType.none }
        if let kind = binary[name] {
            guard present(0), present(1) else { return nil }
            let op: ElementwiseOp
            switch kind {
            case .op(let o): op = .binary(o)
            case .compare(let c): op = .compare(c)
            default: op = .ufunc(name)
            }
            return (op, [0, 1], 2)
        }
        if unary[name] != nil {
            guard present(0) else { return nil }
            return (.ufunc(name), [0], 1)
        }
        if name == "clip" {
            guard present(0), args.count > 2 || present(1) else { return nil }
            switch (present(1), present(2)) {
            case (true, true): return (.ufunc("clip"), [0, 1, 2], 3)
            case (true, false): return (.ufunc("maximum"), [0, 1], 3)
            case (false, true): return (.ufunc("minimum"), [0, 2], 3)
            default: return nil
            }
        }
        return nil
    }

    /// Types `array.name(args)` for the methods above.
    static func method(_ a: ArrayType, _ name: String, _ args: [JITType]) throws -> JITType {
        switch name {
        case "std", "var":
            guard args.isEmpty else { throw err("\(name)() with arguments is not supported yet; use np.\(name)(a, ddof=...)") }
            return try call(name, [.array(a)])
        default:
            guard args.count == 2 || args.count == 3 else { throw err("clip() takes a_min and a_max") }
            return try call("clip", [.array(a)] + args.map { Optional($0) })
        }
    }
}

extension ArrayTyping {
    /// The broadcast rank of any number of operands.
    static func broadcastRankAll(_ ts: [JITType]) -> Int {
        ts.reduce(0) { n, t in
            if case .array(let a) = t { return max(n, a.ndim) }
            return n
        }
    }
}
