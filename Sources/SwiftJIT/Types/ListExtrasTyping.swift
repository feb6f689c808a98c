/// Typing of the list and dict features beyond plain containers (issue 11): `sort`/`sorted`/
/// `min`/`max` with `key=`, set operators on dict views, and `np.array`/`np.asarray` of lists.
/// Types: `ListExtrasTypes.swift`; lowering: `Lowering/ListExtrasLowering.swift`.
enum ListExtrasTyping {
    /// numpy functions typed here and their parameter names.
    static let numpyFunctions: [String: [String]] = ["array": ["object", "dtype"], "asarray": ["a", "dtype"]]

    static func fail(_ m: String) -> CompileError { CompileError(.typing, m, stage: "typing") }

    /// The dtype and number of dimensions NumPy gives a list/tuple of this type (nil: not an array).
    static func arrayShape(_ t: JITType) -> (DType, Int)? {
        switch t {
        case .boolean: return (.bool, 0)
        case .int64: return (.int64, 0)
        case .float64: return (.float64, 0)
        case .complex128: return (.complex128, 0)
        case .undetermined: return (.float64, 0)  // np.array([]) is float64
        case .array(let a): return (a.dtype, a.ndim)
        case .list(let e):
            guard let (d, n) = arrayShape(e) else { return nil }
            return (d, n + 1)
        case .tuple(let items):
            guard let first = items.first else { return (.float64, 1) }
            guard let (d0, n) = arrayShape(first) else { return nil }
            var d = d0
            for it in items.dropFirst() {
                guard let (di, ni) = arrayShape(it), ni == n else { return nil }
                d = DType.promote(d, di)
            }
            return (d, n + 1)
        default:
            return nil
        }
    }

    /// Types `np.array(x, dtype)` / `np.asarray(x, dtype)` (arguments in parameter order).
    static func numpyCall(_ name: String, _ args: [JITType?]) throws -> JITType {
        guard let x = args.first ?? nil else { throw fail("np.\(name)() needs an argument") }
        var dtype: DType? = nil
        if args.count > 1, let t = args[1], t != .none {
            guard let d = ArrayTyping.dtype(t) else { throw fail("np.\(name)(): unsupported dtype \(t)") }
            dtype = d
        }
        if case .array(let a) = x {
            // asarray keeps the array itself when no conversion is asked for; array copies it.
            if name == "asarray", dtype == nil || dtype == a.dtype { return x }
            return .array(ArrayType(dtype: dtype ?? a.dtype, ndim: a.ndim, layout: .c))
        }
        let sequence: Bool
        switch x { case .list, .tuple: sequence = true; default: sequence = false }
        guard sequence, let (d, n) = arrayShape(x), n >= 1 else {
            throw fail("np.\(name)(\(x)) is not supported in nopython mode: the argument must be an array, a list or "
                       + "tuple of numbers, or a list of equal-length lists or tuples of numbers")
        }
        return .array(ArrayType(dtype: dtype ?? d, ndim: n, layout: .c))
    }
}

extension TypeInference {
    /// `xs.sort(key=f[, reverse=r])`.
    mutating func typeKeyedSort(_ recv: JITType, _ args: [JITType], keywords: [String],
                                _ pos: SourcePosition) throws -> CallResolution? {
        guard case .list(let e) = recv else { return nil }
        guard args.count == keywords.count, keywords.allSatisfy({ $0 == "key" || $0 == "reverse" }) else {
            throw ListExtrasTyping.fail("list.sort() takes only the key= and reverse= keyword arguments")
        }
        if e == .undetermined { return nil }
        return try typeKeyed(.sort, element: e, args, keywords: keywords, result: .none)
    }

    /// `sorted(xs, key=f[, reverse=r])`, `min(xs, key=f)`, `max(xs, key=f)`.
    mutating func typeKeyedBuiltin(_ name: String, _ args: [JITType], keywords: [String],
                                   _ pos: SourcePosition) throws -> CallResolution? {
        let allowed: Set<String> = name == "sorted" ? ["key", "reverse"] : ["key"]
        guard args.count == keywords.count + 1, keywords.allSatisfy({ allowed.contains($0) }) else {
            throw ListExtrasTyping.fail("\(name)() with key= takes one iterable and the keyword arguments "
                                        + allowed.sorted().joined(separator: ", ") + " in nopython mode")
        }
        guard let y = ContainerTyping.yieldType(args[0]) ?? LanguageTyping.yieldType(args[0]) else {
            throw ListExtrasTyping.fail("\(name)(): the argument must be iterable, not \(args[0])")
        }
        if y.hasUndetermined { return nil }
        guard ContainerTyping.storable(y) else { throw ListExtrasTyping.fail("\(name)() cannot sort \(y) values") }
        let op: KeyedCall.Operation = name == "sorted" ? .sorted : name == "min" ? .min : .max
        return try typeKeyed(op, element: y.asValue, args, keywords: keywords,
                             result: name == "sorted" ? .list(y.asValue) : y.asValue)
    }

    /// Resolves the key function for the element type; nil while its return type is unknown.
    mutating func typeKeyed(_ op: KeyedCall.Operation, element: JITType, _ args: [JITType], keywords: [String],
                            result: JITType) throws -> CallResolution? {
        let npos = args.count - keywords.count
        guard let ki = keywords.firstIndex(of: "key") else { return nil }
        let reverse = keywords.firstIndex(of: "reverse").map { npos + $0 }
        if let r = reverse, args[r] != .boolean, args[r] != .int64 {
            throw ListExtrasTyping.fail("reverse= must be a bool, not \(args[r])")
        }
        guard case .dispatcher(let callee) = args[npos + ki] else {
            throw ListExtrasTyping.fail("key= must be a jitted function, a lambda or an inner function in nopython mode, "
                                        + "not \(args[npos + ki])")
        }
        guard let r = try typeJittedCall(callee, [element], keywords: []) else { return nil }
        guard case .language(let call) = r.impl, case .jitted(let symbol, _, _, _) = call, symbol != nil else {
            throw ListExtrasTyping.fail("key= cannot be the function being compiled or a function of a cycle of calls")
        }
        guard ContainerTyping.storable(r.result), r.result != .none else {
            throw ListExtrasTyping.fail("the key function \(callee.name) returns \(r.result), which cannot be a sort key")
        }
        let keyed = KeyedCall(operation: op, key: call, keyType: r.result, element: element, reverseArgument: reverse)
        return CallResolution(result: result, impl: .container(.keyed(keyed)))
    }

    /// `d.keys() & s`, `|`, `-`, `^` (and the reflected forms): a set, as Python's views give.
    func viewSetOperation(_ op: BinaryOperator, _ a: JITType, _ b: JITType, _ pos: SourcePosition) throws -> JITType {
        func element(_ t: JITType) throws -> JITType {
            switch t {
            case .dictView(.values, _):
                throw err("unsupported operand type(s) for \(op.rawValue): 'dict_values' (only keys() and items() "
                          + "views are set-like)", pos)
            case .dictView: return t.dictViewYield ?? .undetermined
            case .set(let e), .list(let e): return e
            default: throw err("unsupported operand types for \(op.rawValue): \(a) and \(b)", pos)
            }
        }
        guard let u = JITType.unifyElement(try element(a), try element(b)) else {
            throw err("cannot combine \(a) and \(b): the elements have different types", pos)
        }
        return .set(u)
    }
}
