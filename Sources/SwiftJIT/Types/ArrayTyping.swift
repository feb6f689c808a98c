/// Typing rules of NumPy arrays: indexing, attributes, methods and the numpy
/// functions nopython mode supports.
enum ArrayTyping {
    /// numpy functions and the names of their parameters (for keyword arguments).
    static let numpyFunctions: [String: [String]] = [
        "empty": ["shape", "dtype", "order"], "zeros": ["shape", "dtype", "order"], "ones": ["shape", "dtype", "order"],
        "full": ["shape", "fill_value", "dtype", "order"],
        "empty_like": ["prototype", "dtype"], "zeros_like": ["a", "dtype"], "ones_like": ["a", "dtype"],
        "full_like": ["a", "fill_value", "dtype"],
        "arange": ["start", "stop", "step", "dtype"], "linspace": ["start", "stop", "num"],
        "sum": ["a"], "prod": ["a"], "min": ["a"], "max": ["a"], "amin": ["a"], "amax": ["a"], "mean": ["a"],
        "argmin": ["a"], "argmax": ["a"], "any": ["a"], "all": ["a"], "dot": ["a", "b"], "copy": ["a"],
        "sqrt": ["x"], "exp": ["x"], "log": ["x"], "log2": ["x"], "log10": ["x"], "sin": ["x"], "cos": ["x"],
        "tan": ["x"], "arcsin": ["x"], "arccos": ["x"], "arctan": ["x"], "sinh": ["x"], "cosh": ["x"],
        "tanh": ["x"], "abs": ["x"], "absolute": ["x"], "fabs": ["x"], "floor": ["x"], "ceil": ["x"],
        "trunc": ["x"], "expm1": ["x"], "log1p": ["x"], "isnan": ["x"], "isinf": ["x"], "isfinite": ["x"],
        "negative": ["x"], "square": ["x"],
    ]
    /// Element-wise numpy functions, by the scalar function implementing them.
    static let unaryUfuncs: [String: String] = [
        "sqrt": "sqrt", "exp": "exp", "log": "log", "log2": "log2", "log10": "log10", "sin": "sin", "cos": "cos",
        "tan": "tan", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh",
        "tanh": "tanh", "expm1": "expm1", "log1p": "log1p", "fabs": "fabs",
        "isnan": "isnan", "isinf": "isinf", "isfinite": "isfinite",
    ]
    static let dtypeNames: [String: DType] = [
        "bool_": .bool, "bool": .bool, "int8": .int8, "int16": .int16, "int32": .int32, "int64": .int64,
        "intp": .int64, "uint8": .uint8, "uint16": .uint16, "uint32": .uint32, "uint64": .uint64,
        "float32": .float32, "float64": .float64, "double": .float64, "single": .float32,
        "complex64": .complex64, "complex128": .complex128, "cdouble": .complex128, "csingle": .complex64,
    ]
    static let methods: Set<String> = [
        "sum", "prod", "min", "max", "mean", "argmin", "argmax", "any", "all", "copy", "fill", "reshape",
        "ravel", "flatten", "transpose", "dot",
    ]

    static func err(_ m: String) -> CompileError { CompileError(.typing, m, stage: "typing") }

    /// Type of `array[index]`.
    static func getitem(_ a: ArrayType, _ index: JITType) throws -> JITType {
        if let advanced = try ArrayIndexingTyping.getitem(a, index) { return advanced }
        let parts: [JITType]
        if case .tuple(let items) = index { parts = items } else { parts = [index] }
        guard parts.count <= a.ndim else {
            throw err("too many indices for \(a): \(parts.count) given")
        }
        var integerCount = 0
        for p in parts {
            switch p {
            case .int64, .boolean: integerCount += 1
            case .slice, .literalSlice: break
            default: throw err("cannot index \(a) with \(p): only integers and slices are supported")
            }
        }
        if integerCount == a.ndim { return a.dtype.scalar }
        let ndim = a.ndim - integerCount
        // Fixing leading indices of a C array keeps it C-contiguous.
        let leadingIntegers = parts.prefix { !$0.isSlice }.count
        let layout: Layout = (a.layout == .c && integerCount == parts.count && leadingIntegers == parts.count) ? .c : .any
        return .array(ArrayType(dtype: a.dtype, ndim: ndim, layout: layout, writable: a.writable))
    }

    /// Type of `array.name`.
    static func getattr(_ a: ArrayType, _ name: String) throws -> JITType {
        switch name {
        case "shape", "strides": return .tuple(Array(repeating: .int64, count: a.ndim))
        case "size", "ndim", "itemsize", "nbytes": return .int64
        case "T":
            let layout: Layout = a.layout == .c ? .f : a.layout == .f ? .c : .any
            return .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: a.ndim == 1 ? a.layout : layout, writable: a.writable))
        default:
            if methods.contains(name) || NumpyLibTyping.methods.contains(name) || UfuncTyping.methods.contains(name)
                || ArrayLibTyping.methods.contains(name) {
                return .boundMethod(.array(a), name)
            }
            throw err("\(a) has no attribute '\(name)' in nopython mode")
        }
    }

    /// A `shape` argument: an int or a tuple of ints; returns the number of dimensions.
    static func shapeRank(_ t: JITType) -> Int? {
        switch t {
        case .int64, .boolean: return 1
        case .tuple(let items) where items.allSatisfy({ $0 == .int64 || $0 == .boolean }): return items.count
        default: return nil
        }
    }

    /// A `dtype` argument.
    static func dtype(_ t: JITType) -> DType? {
        switch t {
        case .dtypeObject(let d): return d
        case .literalString(let s): return dtypeNames[s]
        case .function(let f) where f.hasPrefix("builtin.") || ["int", "float", "bool"].contains(f):
            switch f { case "int": return .int64; case "float": return .float64; case "bool": return .bool; default: return nil }
        default: return nil
        }
    }

    /// The result dtype of element-wise arithmetic between an array and a scalar or array.
    static func resultDType(_ op: BinaryOperator, _ a: JITType, _ b: JITType) -> DType? {
        func dt(_ t: JITType) -> (DType, Bool)? {  // (dtype, isArray)
            if case .array(let x) = t { return (x.dtype, true) }
            if let d = DType.of(t) { return (d, false) }
            return nil
        }
        guard let (da, aa) = dt(a), let (db, ba) = dt(b) else { return nil }
        var d: DType
        if aa && ba {
            d = DType.promote(da, db)
        } else {
            // A scalar adapts to the array's kind (NumPy 2's weak scalars).
            let (arr, sc) = aa ? (da, db) : (db, da)
            if sc == .complex128 && !arr.isComplex { d = .complex128 }
            else if sc == .float64 && !arr.isFloat && !arr.isComplex { d = .float64 }
            else if sc == .int64 && arr == .bool { d = .int64 }
            else { d = arr }
        }
        switch op {
        case .trueDiv:
            if !d.isFloat && !d.isComplex { d = .float64 }
        case .and, .or, .xor, .lshift, .rshift:
            if d.isFloat || d.isComplex { return nil }
        case .floorDiv, .mod:
            if d.isComplex { return nil }
        case .matmul:
            return nil
        default:
            if d == .bool && op != .mul { d = (op == .add) ? .bool : .int64 }
        }
        return d
    }

    static func broadcastRank(_ a: JITType, _ b: JITType) -> Int {
        var n = 0
        if case .array(let x) = a { n = max(n, x.ndim) }
        if case .array(let y) = b { n = max(n, y.ndim) }
        return n
    }

    /// Types a call of `np.<name>` (positional arguments already in parameter order).
    static func numpyCall(_ name: String, _ args: [JITType?]) throws -> JITType {
        func arg(_ i: Int) -> JITType? { i < args.count ? args[i] : nil }
        if let r = try ArrayLibTyping.numpyCall(name, args) { return r }
        let sig = "(" + args.map { $0?.description ?? "-" }.joined(separator: ", ") + ")"
        switch name {
        case "empty", "zeros", "ones", "full":
            guard let s = arg(0), let rank = shapeRank(s) else {
                throw err("np.\(name)\(sig): the shape must be an int or a tuple of ints")
            }
            let dtypeIndex = name == "full" ? 2 : 1
            var d = DType.float64
            if let t = arg(dtypeIndex) {
                guard let x = dtype(t) else { throw err("np.\(name)\(sig): unsupported dtype \(t)") }
                d = x
            } else if name == "full", let v = arg(1) {
                guard let x = DType.of(v) else { throw err("np.full\(sig): the fill value must be a number") }
                d = x
            }
            if name == "full", let v = arg(1), !v.isNumber { throw err("np.full\(sig): the fill value must be a number") }
            return .array(ArrayType(dtype: d, ndim: rank, layout: .c))
        case "empty_like", "zeros_like", "ones_like", "full_like":
            guard case .array(let a)? = arg(0) else { throw err("np.\(name)\(sig): the first argument must be an array") }
            var d = a.dtype
            if let t = arg(name == "full_like" ? 2 : 1) {
                guard let x = dtype(t) else { throw err("np.\(name)\(sig): unsupported dtype \(t)") }
                d = x
            }
            if name == "full_like", !(arg(1)?.isNumber ?? false) { throw err("np.full_like\(sig): the fill value must be a number") }
            // order='K': a Fortran-ordered prototype gives a Fortran-ordered result.
            return .array(ArrayType(dtype: d, ndim: a.ndim, layout: a.layout == .f && a.ndim > 1 ? .f : .c))
        case "arange":
            let nums = args.prefix(3).compactMap { $0 }
            guard !nums.isEmpty, nums.allSatisfy({ $0.isNumber }) else { throw err("np.arange\(sig): arguments must be numbers") }
            var d: DType = nums.contains(.float64) ? .float64 : .int64
            if let t = arg(3) {
                guard let x = dtype(t) else { throw err("np.arange\(sig): unsupported dtype \(t)") }
                d = x
            }
            return .array(ArrayType(dtype: d, ndim: 1, layout: .c))
        case "linspace":
            guard let a = arg(0), let b = arg(1), a.isNumber, b.isNumber else {
                throw err("np.linspace\(sig): start and stop must be numbers")
            }
            if let n = arg(2), n != .int64 && n != .boolean { throw err("np.linspace\(sig): num must be an int") }
            return .array(ArrayType(dtype: .float64, ndim: 1, layout: .c))
        case "sum", "prod", "min", "max", "amin", "amax", "mean", "argmin", "argmax", "any", "all", "copy":
            guard case .array(let a)? = arg(0) else {
                if name == "min" || name == "max" || name == "sum" { throw err("np.\(name)\(sig) needs an array") }
                throw err("np.\(name)\(sig): the argument must be an array")
            }
            return try method(a, name == "amin" ? "min" : name == "amax" ? "max" : name, [])
        case "dot":
            guard case .array(let a)? = arg(0), case .array(let b)? = arg(1) else { throw err("np.dot\(sig) needs two arrays") }
            return try dot(a, b)
        case "abs", "absolute", "negative", "square":
            guard let x = arg(0) else { throw err("np.\(name)\(sig) needs an argument") }
            if case .array(let a) = x { return .array(ArrayType(dtype: a.dtype == .bool ? .int64 : a.dtype, ndim: a.ndim, layout: .c)) }
            guard let r = x.numericRank else { throw err("np.\(name)\(sig) is not supported") }
            return r == 0 ? .int64 : x
        case "floor", "ceil", "trunc":
            // NumPy 2 keeps integer inputs as they are.
            guard let x = arg(0) else { throw err("np.\(name)\(sig) needs an argument") }
            if case .array(let a) = x { return .array(ArrayType(dtype: a.dtype == .bool ? .bool : a.dtype, ndim: a.ndim, layout: .c)) }
            guard x.isNumber else { throw err("np.\(name)\(sig) is not supported") }
            return x
        default:
            if let scalarName = unaryUfuncs[name] {
                guard let x = arg(0) else { throw err("np.\(name)\(sig) needs an argument") }
                let predicate = ["isnan", "isinf", "isfinite"].contains(scalarName)
                if case .array(let a) = x {
                    // NumPy's loops: float32 input, or 16-bit integers, stay in float32.
                    let small = a.dtype == .float32 || a.dtype == .int16 || a.dtype == .uint16
                    let d: DType = predicate ? .bool : (small ? .float32 : .float64)
                    return .array(ArrayType(dtype: d, ndim: a.ndim, layout: .c))
                }
                guard x.isNumber else { throw err("np.\(name)\(sig) is not supported") }
                return predicate ? .boolean : .float64
            }
            if UfuncTyping.functions[name] != nil { return try UfuncTyping.call(name, args) }
            if NumpyLibTyping.functions[name] != nil { return try NumpyLibTyping.call(name, args) }
            if ListExtrasTyping.numpyFunctions[name] != nil { return try ListExtrasTyping.numpyCall(name, args) }
            throw err("np.\(name) is not supported in nopython mode")
        }
    }

    static func dot(_ a: ArrayType, _ b: ArrayType) throws -> JITType {
        let d = DType.promote(a.dtype, b.dtype)
        switch (a.ndim, b.ndim) {
        case (1, 1): return d.scalar
        case (2, 1): return .array(ArrayType(dtype: d, ndim: 1, layout: .c))
        case (1, 2): return .array(ArrayType(dtype: d, ndim: 1, layout: .c))
        case (2, 2): return .array(ArrayType(dtype: d, ndim: 2, layout: .c))
        default: throw err("np.dot of \(a.ndim)-d and \(b.ndim)-d arrays is not supported")
        }
    }

    /// Types `array.name(args)`.
    static func method(_ a: ArrayType, _ name: String, _ args: [JITType]) throws -> JITType {
        switch name {
        case "sum", "prod":
            guard args.isEmpty else { throw err("\(name)() with arguments (axis=...) is not supported yet") }
            switch a.dtype {
            case .float32, .float64: return .float64
            case .complex64, .complex128: return .complex128
            default: return .int64
            }
        case "min", "max":
            guard !a.dtype.isComplex else { throw err("\(name)() of complex arrays is not supported in nopython mode") }
            guard args.isEmpty else { throw err("\(name)() with arguments is not supported yet") }
            return a.dtype.scalar
        case "mean":
            guard args.isEmpty else { throw err("mean() with arguments is not supported yet") }
            return a.dtype.isComplex ? .complex128 : .float64
        case "argmin", "argmax":
            guard !a.dtype.isComplex else { throw err("\(name)() of complex arrays is not supported in nopython mode") }
            guard args.isEmpty else { throw err("\(name)() with arguments is not supported yet") }
            return .int64
        case "any", "all":
            guard args.isEmpty else { throw err("\(name)() with arguments is not supported yet") }
            return .boolean
        case "copy", "flatten":
            guard args.isEmpty else { throw err("\(name)() with arguments is not supported yet") }
            return .array(ArrayType(dtype: a.dtype, ndim: name == "flatten" ? 1 : a.ndim, layout: .c))
        case "ravel":
            guard args.isEmpty else { throw err("ravel() with arguments is not supported yet") }
            guard a.layout == .c else { throw err("ravel() is only supported on C-contiguous arrays; use flatten()") }
            return .array(ArrayType(dtype: a.dtype, ndim: 1, layout: .c, writable: a.writable))
        case "reshape":
            guard a.layout == .c else { throw err("reshape() is only supported on C-contiguous arrays") }
            let rank: Int?
            if args.count == 1 { rank = shapeRank(args[0]) }
            else { rank = args.allSatisfy({ $0 == .int64 || $0 == .boolean }) && !args.isEmpty ? args.count : nil }
            guard let r = rank else { throw err("reshape() takes an int or a tuple of ints") }
            return .array(ArrayType(dtype: a.dtype, ndim: r, layout: .c, writable: a.writable))
        case "transpose":
            guard args.isEmpty else { throw err("transpose() with axes is not supported yet") }
            return try getattr(a, "T")
        case "fill":
            guard args.count == 1, args[0].isNumber else { throw err("fill() takes one number") }
            guard a.writable else { throw err("cannot fill a read-only array") }
            return .none
        case "dot":
            guard args.count == 1, case .array(let b) = args[0] else { throw err("dot() takes one array") }
            return try dot(a, b)
        default:
            if NumpyLibTyping.methods.contains(name) { return try NumpyLibTyping.method(a, name, args) }
            if UfuncTyping.methods.contains(name) { return try UfuncTyping.method(a, name, args) }
            throw err("\(a).\(name)() is not supported in nopython mode")
        }
    }
}
