/// Typing of more array features Numba supports in nopython mode: `a.astype(dtype)`,
/// reductions along an axis (`a.sum(axis=1)`, `np.mean(a, 0)`, ...) and more numpy
/// functions (`np.flip`, `np.eye`, `np.trace`, `np.round`, `np.vstack`, ...).
/// Lowering: `Lowering/ArrayLibLowering.swift`. `Registry` and `ArrayTyping` ask here first.
enum ArrayLibTyping {
    /// numpy functions typed here and their parameter names; entries also in
    /// `ArrayTyping.numpyFunctions` (sum, mean, ...) gain an `axis` parameter.
    static let functions: [String: [String]] = [
        "sum": ["a", "axis"], "prod": ["a", "axis"], "mean": ["a", "axis"], "min": ["a", "axis"],
        "max": ["a", "axis"], "amin": ["a", "axis"], "amax": ["a", "axis"], "argmin": ["a", "axis"],
        "argmax": ["a", "axis"], "any": ["a", "axis"], "all": ["a", "axis"],
        "ravel": ["a"], "flip": ["m", "axis"], "flipud": ["m"], "fliplr": ["m"], "count_nonzero": ["a"],
        "trace": ["a"], "eye": ["N", "M", "k", "dtype"], "identity": ["n", "dtype"], "diag": ["v", "k"],
        "triu": ["m", "k"], "tril": ["m", "k"], "round": ["a", "decimals"], "around": ["a", "decimals"],
        "vstack": ["tup"], "hstack": ["tup"], "column_stack": ["tup"],
        "nansum": ["a"], "nanmean": ["a"], "nanmin": ["a"], "nanmax": ["a"],
        "isclose": ["a", "b", "rtol", "atol", "equal_nan"], "allclose": ["a", "b", "rtol", "atol", "equal_nan"],
        "repeat": ["a", "repeats"], "tile": ["A", "reps"], "roll": ["a", "shift"],
        "argwhere": ["a"], "bincount": ["x", "weights", "minlength"], "average": ["a", "weights"],
        "interp": ["x", "xp", "fp"], "real": ["val"], "imag": ["val"], "conj": ["x"], "conjugate": ["x"],
    ]
    /// Reductions that take `axis`.
    static let axisReductions: Set<String> = ["sum", "prod", "mean", "min", "max", "argmin", "argmax", "any", "all"]
    /// Array methods typed here.
    static let methods: Set<String> = ["astype"]
    /// dtype strings (`a.astype("f8")`) besides the names of `ArrayTyping.dtypeNames`.
    static let dtypeCodes: [String: DType] = [
        "?": .bool, "b1": .bool, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
        "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "f4": .float32, "f8": .float64,
        "c8": .complex64, "c16": .complex128, "int": .int64, "float": .float64, "complex": .complex128,
    ]

    static func err(_ m: String) -> CompileError { CompileError(.typing, m, stage: "typing") }
    static func isInt(_ t: JITType?) -> Bool { t == .int64 || t == .boolean }

    /// A dtype argument: np.float32, float, "float32", "f4", ...
    static func dtype(_ t: JITType) -> DType? {
        if case .literalString(let s) = t {
            var code = s
            if code.hasPrefix("<") || code.hasPrefix("=") || code.hasPrefix("|") { code.removeFirst() }
            return dtypeCodes[code] ?? ArrayTyping.dtypeNames[code]
        }
        if case .function("complex") = t { return .complex128 }
        return ArrayTyping.dtype(t)
    }

    /// Maps positional and keyword arguments onto `params`: the index of each parameter's argument.
    static func mapArguments(_ params: [String], count: Int, keywords: [String], what: String) throws -> [Int?] {
        let positional = count - keywords.count
        guard positional <= params.count else { throw err("\(what): too many arguments") }
        var map: [Int?] = Array(repeating: nil, count: params.count)
        for i in 0..<positional { map[i] = i }
        for (k, kw) in keywords.enumerated() {
            guard let p = params.firstIndex(of: kw) else { throw err("\(what) got an unexpected keyword argument '\(kw)'") }
            guard map[p] == nil else { throw err("\(what) got multiple values for argument '\(kw)'") }
            map[p] = positional + k
        }
        return map
    }

    /// `a.<name>(args)` for the methods typed here (astype, reductions with an axis); nil otherwise.
    /// `args` include the receiver first.
    static func methodCall(_ a: ArrayType, _ name: String, _ args: [JITType], keywords: [String]) throws -> CallResolution? {
        let params: [String]
        if name == "astype" { params = ["self", "dtype"] }
        else if axisReductions.contains(name), args.count > 1 { params = ["self", "axis"] }
        else { return nil }
        let map = try mapArguments(params, count: args.count, keywords: keywords, what: "\(name)()")
        let given = map.map { $0.map { args[$0] } }
        let result: JITType
        if name == "astype" {
            guard let t = given[1], let d = dtype(t) else {
                throw err("astype() needs a dtype: np.float32, np.int64, float, \"f8\", ...")
            }
            result = .array(ArrayType(dtype: d, ndim: a.ndim, layout: .c))
        } else {
            result = try reduction(a, name, axis: given[1])
        }
        return CallResolution(result: result, impl: .arrayMethod(name), parameters: keywords.isEmpty ? [] : map)
    }

    /// The type of reduction `name` of `a` along `axis` (an int; None: the whole array).
    static func reduction(_ a: ArrayType, _ name: String, axis: JITType?) throws -> JITType {
        guard let axis = axis, axis != .none, a.ndim > 1 else {
            if let axis = axis, axis != .none, !isInt(axis) { throw err("\(name)(): axis must be an int") }
            return try ArrayTyping.method(a, name, [])
        }
        guard isInt(axis) else { throw err("\(name)(): axis must be an int (a tuple of axes is not supported)") }
        let d: DType
        switch name {
        case "sum", "prod":
            switch a.dtype {
            case .bool, .int8, .int16, .int32, .int64: d = .int64
            case .uint8, .uint16, .uint32, .uint64: d = .uint64
            default: d = a.dtype
            }
        case "mean":
            d = a.dtype.isFloat || a.dtype.isComplex ? a.dtype : .float64
        case "min", "max":
            guard !a.dtype.isComplex else { throw err("\(name)() of complex arrays is not supported in nopython mode") }
            d = a.dtype
        case "argmin", "argmax":
            guard !a.dtype.isComplex else { throw err("\(name)() of complex arrays is not supported in nopython mode") }
            d = .int64
        default:
            d = .bool
        }
        return .array(ArrayType(dtype: d, ndim: a.ndim - 1, layout: .c))
    }

    static func array(_ t: JITType?, _ what: String) throws -> ArrayType {
        guard case .array(let a)? = t else { throw err("\(what): the argument must be an array") }
        return a
    }

    /// The arrays of a tuple argument (vstack, hstack, column_stack).
    static func arraySequence(_ t: JITType?, _ what: String) throws -> [ArrayType] {
        switch t {
        case .tuple(let items)?:
            let arrays = items.compactMap { x -> ArrayType? in if case .array(let a) = x { return a } else { return nil } }
            guard arrays.count == items.count, !arrays.isEmpty else { throw err("\(what): the argument must be a tuple of arrays") }
            return arrays
        default:
            throw err("\(what): the argument must be a tuple of arrays")
        }
    }

    /// Types `np.<name>(args)` (arguments in parameter order) for the functions here; nil to
    /// leave the call to `ArrayTyping` (a reduction without an axis).
    static func numpyCall(_ name: String, _ args: [JITType?]) throws -> JITType? {
        func arg(_ i: Int) -> JITType? { i < args.count ? args[i] : nil }
        func given(_ i: Int) -> JITType? { arg(i).flatMap { $0 == .none ? nil : $0 } }
        let sig = "(" + args.map { $0?.description ?? "-" }.joined(separator: ", ") + ")"
        let what = "np.\(name)\(sig)"
        if axisReductions.contains(name) || name == "amin" || name == "amax" {
            guard let axis = given(1) else { return nil }
            let a = try array(arg(0), what)
            return try reduction(a, name == "amin" ? "min" : name == "amax" ? "max" : name, axis: axis)
        }
        switch name {
        case "ravel":
            let a = try array(arg(0), what)
            return .array(ArrayType(dtype: a.dtype, ndim: 1, layout: .c, writable: a.layout == .c ? a.writable : true))
        case "flip", "flipud", "fliplr":
            let a = try array(arg(0), what)
            if name == "flip", let ax = given(1), !isInt(ax) { throw err("\(what): axis must be an int or None") }
            if name == "flipud", a.ndim < 1 { throw err("\(what): the array must be at least 1-d") }
            if name == "fliplr", a.ndim < 2 { throw err("\(what): the array must be at least 2-d") }
            return .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: a.ndim == 0 ? a.layout : .any, writable: a.writable))
        case "count_nonzero":
            _ = try array(arg(0), what)
            return .int64
        case "trace":
            let a = try array(arg(0), what)
            guard a.ndim == 2 else { throw err("\(what): only 2-d arrays are supported") }
            return try ArrayTyping.method(ArrayType(dtype: a.dtype, ndim: 1, layout: .any), "sum", [])
        case "eye", "identity":
            let n = name == "eye" ? 3 : 1
            guard isInt(arg(0)) else { throw err("\(what): the size must be an int") }
            if name == "eye" {
                if let m = given(1), !isInt(m) { throw err("\(what): M must be an int or None") }
                if let k = given(2), !isInt(k) { throw err("\(what): k must be an int") }
            }
            var d = DType.float64
            if let t = given(n) {
                guard let x = dtype(t) else { throw err("\(what): unsupported dtype \(t)") }
                d = x
            }
            return .array(ArrayType(dtype: d, ndim: 2, layout: .c))
        case "diag":
            let a = try array(arg(0), what)
            if let k = given(1), !isInt(k) { throw err("\(what): k must be an int") }
            guard a.ndim == 1 || a.ndim == 2 else { throw err("\(what): the input must be 1-d or 2-d") }
            return .array(ArrayType(dtype: a.dtype, ndim: a.ndim == 1 ? 2 : 1, layout: .c))
        case "triu", "tril":
            let a = try array(arg(0), what)
            guard a.ndim == 2 else { throw err("\(what): only 2-d arrays are supported") }
            if let k = given(1), !isInt(k) { throw err("\(what): k must be an int") }
            return .array(ArrayType(dtype: a.dtype, ndim: 2, layout: .c))
        case "round", "around":
            if let d = given(1), !isInt(d) { throw err("\(what): decimals must be an int") }
            guard let x = arg(0) else { throw err("\(what) needs an argument") }
            if case .array(let a) = x {
                guard !a.dtype.isComplex else { throw err("\(what): complex arrays are not supported") }
                return .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
            }
            guard x == .int64 || x == .float64 || x == .boolean else { throw err("\(what): the argument must be a number or an array") }
            return x == .boolean ? .int64 : x
        case "vstack", "hstack", "column_stack":
            let arrays = try arraySequence(arg(0), what)
            let first = arrays[0]
            guard arrays.allSatisfy({ $0.ndim == first.ndim }), first.ndim >= 1 else {
                throw err("\(what): the arrays must have the same number of dimensions (at least 1)")
            }
            let d = arrays.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
            let ndim: Int
            switch name {
            case "hstack": ndim = first.ndim
            default: ndim = max(first.ndim, 2)
            }
            if name == "column_stack", first.ndim > 2 { throw err("\(what): only 1-d and 2-d arrays are supported") }
            return .array(ArrayType(dtype: d, ndim: ndim, layout: .c))
        case "nansum", "nanmean", "nanmin", "nanmax":
            let a = try array(arg(0), what)
            guard !a.dtype.isComplex else { throw err("\(what): complex arrays are not supported") }
            switch name {
            case "nanmean": return .float64
            case "nansum": return a.dtype.isFloat ? .float64 : .int64
            default: return a.dtype.scalar
            }
        case "isclose", "allclose":
            guard let x = arg(0), let y = arg(1) else { throw err("\(what) needs two arguments") }
            for v in [x, y] {
                if case .array(let a) = v, a.dtype.isComplex { throw err("\(what): complex arrays are not supported") }
                if !v.isArray && !(v.isNumber && v != .complex128) { throw err("\(what): the arguments must be real numbers or arrays") }
            }
            for i in 2..<4 { if let t = given(i), !t.isNumber || t == .complex128 { throw err("\(what): rtol and atol must be numbers") } }
            if let e = given(4), e != .boolean { throw err("\(what): equal_nan must be a bool") }
            if name == "allclose" { return .boolean }
            let rank = ArrayTyping.broadcastRank(x, y)
            return rank == 0 ? .boolean : .array(ArrayType(dtype: .bool, ndim: rank, layout: .c))
        case "repeat":
            let a = try array(arg(0), what)
            guard isInt(arg(1)) else { throw err("\(what): repeats must be an int (arrays of repeats are not supported)") }
            return .array(ArrayType(dtype: a.dtype, ndim: 1, layout: .c))
        case "tile":
            let a = try array(arg(0), what)
            guard a.ndim == 1, isInt(arg(1)) else { throw err("\(what): only a 1-d array and an int number of repetitions are supported") }
            return .array(ArrayType(dtype: a.dtype, ndim: 1, layout: .c))
        case "roll":
            let a = try array(arg(0), what)
            guard isInt(arg(1)) else { throw err("\(what): shift must be an int (no axis)") }
            return .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
        case "real", "imag", "conj", "conjugate":
            guard let x = arg(0) else { throw err("\(what) needs an argument") }
            guard case .array(let a) = x else {
                guard x.isNumber || x == .complex128 else { throw err("\(what): the argument must be a number or an array") }
                if name == "conj" || name == "conjugate" { return x == .boolean ? .boolean : x }
                return x == .complex128 ? .float64 : x == .boolean && name == "imag" ? .boolean : x
            }
            if name == "conj" || name == "conjugate" {
                // NumPy's conjugate loops: bool gives int8.
                return .array(ArrayType(dtype: a.dtype == .bool ? .int8 : a.dtype, ndim: a.ndim, layout: .c))
            }
            guard a.dtype.isComplex else {
                // Real input: real() is the array itself, imag() new zeros.
                return name == "real" ? x : .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
            }
            // A view of the real or imaginary parts (strides of the complex array).
            return .array(ArrayType(dtype: a.dtype == .complex64 ? .float32 : .float64, ndim: a.ndim,
                                    layout: a.ndim == 0 ? a.layout : .any, writable: a.writable))
        case "argwhere":
            let a = try array(arg(0), what)
            guard a.ndim >= 1 else { throw err("\(what): the array must be at least 1-d") }
            return .array(ArrayType(dtype: .int64, ndim: 2, layout: .c))
        case "bincount":
            let a = try array(arg(0), what)
            guard a.ndim == 1, !a.dtype.isFloat, !a.dtype.isComplex else { throw err("\(what): x must be a 1-d array of integers") }
            if let m = given(2), !isInt(m) { throw err("\(what): minlength must be an int") }
            if let w = given(1) {
                guard case .array(let wa) = w, wa.ndim == 1, !wa.dtype.isComplex else { throw err("\(what): weights must be a 1-d real array") }
                return .array(ArrayType(dtype: .float64, ndim: 1, layout: .c))
            }
            return .array(ArrayType(dtype: .int64, ndim: 1, layout: .c))
        case "average":
            let a = try array(arg(0), what)
            guard !a.dtype.isComplex else { throw err("\(what): complex arrays are not supported") }
            if let w = given(1) {
                guard case .array(let wa) = w, wa.ndim == a.ndim, !wa.dtype.isComplex else {
                    throw err("\(what): weights must be a real array of the same shape (no axis)")
                }
            }
            return .float64
        case "interp":
            guard let x = arg(0) else { throw err("\(what) needs x") }
            let xp = try array(arg(1), what), fp = try array(arg(2), what)
            guard xp.ndim == 1, fp.ndim == 1, !xp.dtype.isComplex, !fp.dtype.isComplex else {
                throw err("\(what): xp and fp must be 1-d real arrays")
            }
            if case .array(let xa) = x {
                guard !xa.dtype.isComplex else { throw err("\(what): x must be real") }
                return .array(ArrayType(dtype: .float64, ndim: xa.ndim, layout: .c))
            }
            guard x.isNumber, x != .complex128 else { throw err("\(what): x must be a real number or array") }
            return .float64
        default:
            return nil
        }
    }
}
