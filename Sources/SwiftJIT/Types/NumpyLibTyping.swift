/// Typing rules of NumPy's sorting, searching, statistics and random functions
/// (`np.sort`, `np.median`, `np.random.normal`, ...) and of the standard library's
/// `random` module in nopython mode. Lowering: `Lowering/NumpyLibLowering.swift`;
/// the algorithms themselves: `Sources/CPython/nplib.c`.
enum NumpyLibTyping {
    /// Functions of numpy (and numpy.random, as "random.<name>") and their parameter names.
    static let functions: [String: [String]] = [
        "sort": ["a", "axis", "kind"], "argsort": ["a", "axis", "kind"],
        "median": ["a"], "percentile": ["a", "q"], "quantile": ["a", "q"], "unique": ["ar"],
        "cumsum": ["a"], "cumprod": ["a"], "diff": ["a", "n"], "searchsorted": ["a", "v", "side"],
        "where": ["condition", "x", "y"], "nonzero": ["a"], "concatenate": ["arrays", "axis"],
        "stack": ["arrays", "axis"], "histogram": ["a", "bins", "range"],
        "random.seed": ["seed"], "random.random": ["size"], "random.random_sample": ["size"],
        "random.sample": ["size"], "random.ranf": ["size"], "random.standard_normal": ["size"],
        "random.exponential": ["scale", "size"],
        "random.rand": ["d0", "d1", "d2", "d3", "d4"], "random.randn": ["d0", "d1", "d2", "d3", "d4"],
        "random.normal": ["loc", "scale", "size"], "random.uniform": ["low", "high", "size"],
        "random.randint": ["low", "high", "size"], "random.shuffle": ["x"], "random.permutation": ["x"],
        "random.choice": ["a", "size", "replace", "p"],
    ]
    /// Functions of the standard library's `random` module.
    static let stdlibRandom: Set<String> = ["random", "randint", "seed", "uniform", "gauss"]
    /// Array methods typed here.
    static let methods: Set<String> = ["sort", "argsort", "cumsum", "cumprod"]

    static func err(_ m: String) -> CompileError { CompileError(.typing, m, stage: "typing") }

    static func isInt(_ t: JITType?) -> Bool { t == .int64 || t == .boolean }

    /// The dtype cumsum/cumprod accumulate in (NumPy: small integers widen to the platform integer).
    static func accumulateDType(_ d: DType) -> DType {
        switch d {
        case .bool, .int8, .int16, .int32, .int64: return .int64
        case .uint8, .uint16, .uint32, .uint64: return .uint64
        default: return d
        }
    }

    static func realArray(_ t: JITType?, _ what: String) throws -> ArrayType {
        guard case .array(let a)? = t else { throw err("\(what): the argument must be an array") }
        guard !a.dtype.isComplex else { throw err("\(what) is not supported for complex arrays in nopython mode") }
        return a
    }

    /// The result rank of a `size` argument (int or tuple of ints); nil when absent.
    static func sizeRank(_ t: JITType?, _ what: String) throws -> Int? {
        guard let t = t, t != .none else { return nil }
        guard let r = ArrayTyping.shapeRank(t) else { throw err("\(what): size must be an int or a tuple of ints") }
        return r
    }

    static func floats(_ rank: Int?) -> JITType {
        rank.map { .array(ArrayType(dtype: .float64, ndim: $0, layout: .c)) } ?? .float64
    }

    /// Types `np.<name>(args)` for the functions above (arguments in parameter order).
    static func call(_ name: String, _ args: [JITType?]) throws -> JITType {
        func arg(_ i: Int) -> JITType? { i < args.count ? args[i] : nil }
        let sig = "(" + args.map { $0?.description ?? "-" }.joined(separator: ", ") + ")"
        let what = "np.\(name)\(sig)"
        switch name {
        case "sort", "argsort":
            let a = try realArray(arg(0), what)
            guard a.ndim >= 1 else { throw err("\(what): the array must have at least one dimension") }
            var ndim = a.ndim
            if let axis = arg(1) {
                if axis == .none { ndim = 1 }  // axis=None: the flattened array
                else if !isInt(axis) { throw err("\(what): axis must be an int or None") }
            }
            if let k = arg(2), k != .none {
                guard case .literalString(let s) = k, ["quicksort", "mergesort", "stable", "heapsort"].contains(s) else {
                    throw err("\(what): kind must be a constant string: 'quicksort', 'mergesort', 'stable' or 'heapsort'")
                }
            }
            return .array(ArrayType(dtype: name == "sort" ? a.dtype : .int64, ndim: ndim, layout: .c))
        case "median":
            _ = try realArray(arg(0), what)
            return .float64
        case "percentile", "quantile":
            guard try realArray(arg(0), what).dtype != .bool else {
                throw err("\(what): NumPy does not interpolate booleans (convert the array to int or float)")
            }
            guard let q = arg(1) else { throw err("\(what) needs q") }
            if q.isNumber { return .float64 }
            if case .array(let qa) = q, qa.ndim == 1, !qa.dtype.isComplex {
                return .array(ArrayType(dtype: .float64, ndim: 1, layout: .c))
            }
            if case .tuple(let items) = q, !items.isEmpty, items.allSatisfy({ $0.isNumber }) {
                return .array(ArrayType(dtype: .float64, ndim: 1, layout: .c))
            }
            if case .list(let e) = q, e == .int64 || e == .float64 || e == .boolean {
                return .array(ArrayType(dtype: .float64, ndim: 1, layout: .c))
            }
            throw err("\(what): q must be a number, a tuple or list of numbers or a 1-d array")
        case "unique":
            let a = try realArray(arg(0), what)
            return .array(ArrayType(dtype: a.dtype, ndim: 1, layout: .c))
        case "cumsum", "cumprod":
            guard case .array(let a)? = arg(0) else { throw err("\(what): the argument must be an array") }
            return .array(ArrayType(dtype: accumulateDType(a.dtype), ndim: 1, layout: .c))
        case "diff":
            let a = try realArray(arg(0), what)
            guard a.ndim >= 1 else { throw err("\(what): diff requires input that is at least one dimensional") }
            if let n = arg(1), !isInt(n) { throw err("\(what): n must be an int") }
            return .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
        case "searchsorted":
            let a = try realArray(arg(0), what)
            guard a.ndim == 1 else { throw err("\(what): the sorted array must be 1-d") }
            if let s = arg(2), s != .none {
                guard case .literalString(let side) = s, side == "left" || side == "right" else {
                    throw err("\(what): side must be the constant 'left' or 'right'")
                }
            }
            guard let v = arg(1) else { throw err("\(what) needs v") }
            if v.isNumber { return .int64 }
            if case .array(let va) = v, !va.dtype.isComplex { return .array(ArrayType(dtype: .int64, ndim: va.ndim, layout: .c)) }
            throw err("\(what): v must be a number or an array of numbers")
        case "nonzero":
            guard case .array(let a)? = arg(0), a.ndim >= 1 else { throw err("\(what): the argument must be an array of at least one dimension") }
            return .tuple(Array(repeating: .array(ArrayType(dtype: .int64, ndim: 1, layout: .c)), count: a.ndim))
        case "where":
            let x = arg(1), y = arg(2)
            if x == nil && y == nil { return try call("nonzero", [arg(0)]) }
            guard let c = arg(0), let x = x, let y = y else { throw err("\(what): either both or neither of x and y should be given") }
            func dt(_ t: JITType) -> DType? {
                if case .array(let a) = t { return a.dtype }
                return DType.of(t)
            }
            guard dt(c) != nil, let dx = dt(x), let dy = dt(y) else { throw err("\(what): the arguments must be arrays or numbers") }
            let rank = max(ArrayTyping.broadcastRank(c, x), ArrayTyping.broadcastRank(x, y))
            guard rank > 0 else { throw err("\(what): at least one argument must be an array in nopython mode") }
            // Scalars adapt to the array's kind as in arithmetic (NumPy 2's weak scalars).
            let d: DType
            switch (x.isArray, y.isArray) {
            case (true, true): d = DType.promote(dx, dy)
            case (true, false): d = ArrayTyping.resultDType(.add, x, y).map { dx == .bool && dy == .bool ? .bool : $0 } ?? dx
            case (false, true): d = ArrayTyping.resultDType(.add, x, y).map { dx == .bool && dy == .bool ? .bool : $0 } ?? dy
            default: d = DType.promote(dx, dy)
            }
            return .array(ArrayType(dtype: d, ndim: rank, layout: .c))
        case "concatenate", "stack":
            guard case .tuple(let items)? = arg(0), !items.isEmpty else {
                throw err("\(what): the arrays must be given as a non-empty tuple of arrays")
            }
            var arrays: [ArrayType] = []
            for it in items {
                guard case .array(let a) = it else { throw err("\(what): every item must be an array") }
                arrays.append(a)
            }
            let ndim = arrays[0].ndim
            guard arrays.allSatisfy({ $0.ndim == ndim }) else {
                throw err("\(what): all the input arrays must have the same number of dimensions")
            }
            if let axis = arg(1), axis != .none, !isInt(axis) { throw err("\(what): axis must be an int") }
            if name == "concatenate" { guard ndim >= 1 else { throw err("\(what): zero-dimensional arrays cannot be concatenated") } }
            let d = arrays.dropFirst().reduce(arrays[0].dtype) { DType.promote($0, $1.dtype) }
            return .array(ArrayType(dtype: d, ndim: name == "stack" ? ndim + 1 : ndim, layout: .c))
        case "histogram":
            _ = try realArray(arg(0), what)
            if let bins = arg(1), bins != .none, !isInt(bins) {
                throw err("\(what): bins must be an int in nopython mode")
            }
            if let r = arg(2), r != .none {
                guard case .tuple(let items) = r, items.count == 2, items.allSatisfy({ $0.isNumber }) else {
                    throw err("\(what): range must be a tuple of two numbers")
                }
            }
            return .tuple([.array(ArrayType(dtype: .int64, ndim: 1, layout: .c)),
                           .array(ArrayType(dtype: .float64, ndim: 1, layout: .c))])
        case "random.seed":
            guard isInt(arg(0)) else { throw err("\(what): the seed must be an int") }
            return .none
        case "random.random", "random.random_sample", "random.sample", "random.ranf", "random.standard_normal":
            return floats(try sizeRank(arg(0), what))
        case "random.rand", "random.randn":
            let dims = args.prefix { $0 != nil }
            guard dims.allSatisfy({ isInt($0) }) else { throw err("\(what): the dimensions must be ints") }
            return floats(dims.isEmpty ? nil : dims.count)
        case "random.normal", "random.uniform":
            for i in 0..<2 { if let p = arg(i), p != .none, !p.isNumber { throw err("\(what): the parameters must be numbers") } }
            return floats(try sizeRank(arg(2), what))
        case "random.exponential":
            if let p = arg(0), p != .none, !p.isNumber { throw err("\(what): the scale must be a number") }
            return floats(try sizeRank(arg(1), what))
        case "random.randint":
            guard isInt(arg(0)) else { throw err("\(what): low must be an int") }
            if let h = arg(1), h != .none, !isInt(h) { throw err("\(what): high must be an int") }
            return try sizeRank(arg(2), what).map { .array(ArrayType(dtype: .int64, ndim: $0, layout: .c)) } ?? .int64
        case "random.shuffle":
            guard case .array(let a)? = arg(0), a.ndim >= 1 else { throw err("\(what): x must be an array") }
            guard a.writable else { throw err("\(what): cannot shuffle a read-only array") }
            return .none
        case "random.permutation":
            if isInt(arg(0)) { return .array(ArrayType(dtype: .int64, ndim: 1, layout: .c)) }
            guard case .array(let a)? = arg(0), a.ndim >= 1 else { throw err("\(what): x must be an int or an array") }
            return .array(ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
        case "random.choice":
            let element: DType
            if isInt(arg(0)) { element = .int64 }
            else if case .array(let a)? = arg(0), a.ndim == 1 { element = a.dtype }
            else { throw err("\(what): a must be an int or a 1-d array") }
            if let r = arg(2), r != .none, r != .boolean { throw err("\(what): replace must be a bool") }
            if let p = arg(3), p != .none {
                guard case .array(let pa) = p, pa.ndim == 1, !pa.dtype.isComplex else {
                    throw err("\(what): p must be a 1-d array of probabilities")
                }
                if let r = arg(2), r != .none {
                    throw err("\(what): p= is supported with the default replace=True only (leave replace out)")
                }
            }
            if let rank = try sizeRank(arg(1), what) { return .array(ArrayType(dtype: element, ndim: rank, layout: .c)) }
            if let r = arg(2), r != .none { throw err("\(what): replace needs a size") }
            return element.scalar
        default:
            throw err("np.\(name) is not supported in nopython mode")
        }
    }

    /// Types `array.name(args)` for sort, argsort, cumsum and cumprod.
    static func method(_ a: ArrayType, _ name: String, _ args: [JITType]) throws -> JITType {
        switch name {
        case "sort":
            guard args.isEmpty else { throw err("sort() with arguments is not supported in nopython mode") }
            guard a.writable else { throw err("cannot sort a read-only array in place") }
            _ = try call("sort", [.array(a)])
            return .none
        case "argsort":
            guard args.isEmpty else { throw err("argsort() with arguments is not supported in nopython mode (use np.argsort(a, kind=...))") }
            return try call("argsort", [.array(a)])
        case "cumsum", "cumprod":
            guard args.isEmpty else { throw err("\(name)() with arguments (axis=...) is not supported yet") }
            return try call(name, [.array(a)])
        default:
            throw err("\(a).\(name)() is not supported in nopython mode")
        }
    }

    /// Types a call of the standard library's `random.<name>`.
    static func stdlibCall(_ name: String, _ args: [JITType], keywords: [String]) throws -> CallResolution {
        let sig = "(" + args.map { $0.description }.joined(separator: ", ") + ")"
        guard keywords.isEmpty else { throw err("random.\(name)() takes no keyword arguments in nopython mode") }
        switch name {
        case "random":
            guard args.isEmpty else { throw err("random.random\(sig) takes no arguments") }
            return CallResolution(result: .float64, impl: .numpy("py.random"))
        case "seed":
            guard args.count == 1, isInt(args[0]) else { throw err("random.seed\(sig): the seed must be an int in nopython mode") }
            return CallResolution(result: .none, impl: .numpy("py.seed"))
        case "randint":
            guard args.count == 2, args.allSatisfy({ isInt($0) }) else { throw err("random.randint\(sig) takes two ints") }
            return CallResolution(result: .int64, impl: .numpy("py.randint"))
        case "uniform":
            guard args.count == 2, args.allSatisfy({ $0.isNumber }) else { throw err("random.uniform\(sig) takes two numbers") }
            return CallResolution(result: .float64, impl: .numpy("py.uniform"))
        case "gauss":
            guard args.count == 2, args.allSatisfy({ $0.isNumber }) else { throw err("random.gauss\(sig) takes two numbers (mu, sigma)") }
            return CallResolution(result: .float64, impl: .numpy("py.gauss"))
        default:
            throw err("random.\(name) is not supported in nopython mode")
        }
    }
}
