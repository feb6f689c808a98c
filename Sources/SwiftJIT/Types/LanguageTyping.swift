/// Typing of tuples (indexing, slicing, comparison, concatenation, iteration),
/// complex numbers, `enumerate`/`zip`/`reversed`, more builtins and calls of
/// other jitted functions. `TypeInference.typeExpr` asks here first.

/// How a language-level operation or call is lowered (inside `CallImpl.language`).
public enum LanguageCall: Hashable, Sendable {
    /// A call of another jitted function's native entry; `symbol` nil calls the function itself.
    /// `direct`: the callee cannot raise and is called through its direct entry.
    case jitted(symbol: String?, arguments: [CallArgument], types: [JITType], direct: DirectEntry? = nil)
    /// A call, through a slot holding its native entry's address, of a jitted function whose
    /// compilation is in progress (mutual recursion through an explicit signature).
    case jittedSlot(slot: UInt64, name: String, arguments: [CallArgument], types: [JITType])
    /// `t[k]` with a constant index (out of range: raises IndexError), or with a runtime index (nil).
    case tupleIndex(Int?)
    /// `t[a:b:c]` with constant bounds: the items taken.
    case tupleSlice([Int])
    case round(withDigits: Bool)
    case divmod
    case pow(modulo: Bool)
    case len
    case enumerate, zip, reversed
    case sum
    case print
    case makeComplex
    /// `min(t)` / `max(t)` over a tuple.
    case reduceMinMax(isMax: Bool)
    case conjugate
    case absComplex
    case cmath(String)
    /// Creating an instance of an exception class defined in Python.
    case makeUserException(String)
}

/// Where an argument of a jitted call comes from.
public enum CallArgument: Hashable, Sendable {
    /// The call's argument number `n` (positional, then keyword).
    case argument(Int)
    /// A parameter's default value.
    case constant(GlobalValue)
}

enum LanguageTyping {
    static let builtins: Set<String> = [
        "round", "divmod", "pow", "len", "enumerate", "zip", "reversed", "sum", "print", "complex",
    ]
    static let cmathFunctions: Set<String> = ["sqrt", "exp", "log", "phase", "polar", "rect"]
    static let cmathConstants: [String: Double] = Registry.mathConstants

    static func fail(_ message: String) -> CompileError { CompileError(.typing, message, stage: "typing") }

    /// The type of the values a for loop over `iterable` takes, nil when it cannot be iterated.
    static func yieldType(_ iterable: JITType) -> JITType? {
        if let y = ContainerTyping.yieldType(iterable) { return y }
        switch iterable {
        case .range: return .int64
        case .array(let a) where a.ndim >= 1: return try? ArrayTyping.getitem(a, .int64)
        case .tuple(let items):
            guard iterable.isHomogeneousTuple else { return nil }
            return items.first ?? JITType.none
        case .enumerate(let x): return yieldType(x).map { .tuple([.int64, $0]) }
        case .zip(let xs):
            var out: [JITType] = []
            for x in xs {
                guard let y = yieldType(x) else { return nil }
                out.append(y)
            }
            return .tuple(out)
        default: return nil
        }
    }

    static func notIterable(_ t: JITType) -> CompileError {
        if case .tuple = t {
            return fail("iterating over \(t) is not supported: a for loop needs a tuple whose items all have one type; "
                        + "unpack it instead (a, b = t) or use a homogeneous tuple")
        }
        return fail("iterating over \(t) is not supported in nopython mode (iterate over a range, a homogeneous tuple, "
                    + "enumerate(...) or zip(...))")
    }

    /// Both can be ordered with `<` (numbers, or tuples of orderable items).
    static func orderable(_ a: JITType, _ b: JITType) -> Bool {
        if a.isNumber && b.isNumber { return true }
        if case .tuple(let xs) = a, case .tuple(let ys) = b {
            return zip(xs, ys).allSatisfy { orderable($0, $1) }
        }
        return false
    }

    /// Python's slice.indices for constant bounds, as the list of indices taken.
    static func sliceIndices(count n: Int, _ start: Int64?, _ stop: Int64?, _ step: Int64?) throws -> [Int] {
        let st = step ?? 1
        guard st != 0 else { throw fail("slice step cannot be zero") }
        let len = Int64(n)
        func clamp(_ v: Int64?, _ dflt: Int64) -> Int64 {
            guard var x = v else { return dflt }
            x = max(min(x, Int64.max / 4), Int64.min / 4)
            if x < 0 {
                x += len
                if x < 0 { x = st < 0 ? -1 : 0 }
            } else if x >= len {
                x = st < 0 ? len - 1 : len
            }
            return x
        }
        let a = clamp(start, st < 0 ? len - 1 : 0)
        let b = clamp(stop, st < 0 ? -1 : len)
        var out: [Int] = []
        var i = a
        while st > 0 ? i < b : i > b {
            out.append(Int(i))
            i += st
        }
        return out
    }

    /// Result of a binary operator when a tuple or a complex number is involved; nil when not ours.
    static func binary(_ op: BinaryOperator, _ a: JITType, _ b: JITType) -> JITType? {
        if case .tuple(let xs) = a, case .tuple(let ys) = b, op == .add { return .tuple(xs + ys) }
        let complexInvolved = a == .complex128 || b == .complex128
        if complexInvolved, a == .complex128 || a.isNumber, b == .complex128 || b.isNumber {
            switch op {
            case .add, .sub, .mul, .trueDiv, .pow: return .complex128
            default: return nil
            }
        }
        return nil
    }

    static func compare(_ op: CompareOperator, _ a: JITType, _ b: JITType) throws -> JITType? {
        switch op {
        case .in, .notIn:
            if case .tuple = b { return .boolean }
            return nil
        case .eq, .ne:
            if case .tuple = a, case .tuple = b { return .boolean }
            if a == .complex128 || b == .complex128, a == .complex128 || a.isNumber, b == .complex128 || b.isNumber {
                return .boolean
            }
            return nil
        case .lt, .le, .gt, .ge:
            if case .tuple = a, case .tuple = b {
                guard orderable(a, b) else {
                    throw fail("cannot compare \(a) and \(b) with '\(op.rawValue)': their items cannot be ordered")
                }
                return .boolean
            }
            if a == .complex128 || b == .complex128 {
                throw fail("complex numbers cannot be ordered ('\(op.rawValue)' between \(a) and \(b))")
            }
            return nil
        default:
            return nil
        }
    }

    /// Types a call of a builtin or cmath function handled here; nil when not ours.
    static func call(_ name: String, _ args: [JITType], keywords: [String],
                     literal: (Int) -> Constant?) throws -> CallResolution? {
        let sig = "(" + args.map { $0.description }.joined(separator: ", ") + ")"
        func ok(_ t: JITType, _ c: LanguageCall) -> CallResolution { CallResolution(result: t, impl: .language(c)) }
        func isInt(_ t: JITType) -> Bool { t == .int64 || t == .boolean }
        let handled = builtins.contains(name) || name.hasPrefix("cmath.")
            || ((name == "min" || name == "max") && args.count == 1)
            || (name == "abs" && args.first == .complex128)
        guard handled else { return nil }
        if !keywords.isEmpty { throw fail("keyword arguments are not supported for \(name)() in nopython mode") }
        switch name {
        case "len":
            guard args.count == 1 else { throw fail("len() takes exactly one argument (\(args.count) given)") }
            switch args[0] {
            case .tuple, .range: return ok(.int64, .len)
            case .array(let a) where a.ndim >= 1: return ok(.int64, .len)
            case .array: throw fail("len() of a 0-d array")
            default: throw fail("len\(sig) is not supported: nopython mode knows the length of tuples, ranges and arrays")
            }
        case "round":
            guard (1...2).contains(args.count), args[0].isNumber else {
                throw fail("round\(sig) is not supported: round takes a number and an optional integer number of digits")
            }
            if args.count == 1 { return ok(.int64, .round(withDigits: false)) }
            guard isInt(args[1]) else { throw fail("round\(sig): the number of digits must be an integer") }
            return ok(args[0] == .float64 ? .float64 : .int64, .round(withDigits: true))
        case "divmod":
            guard args.count == 2, args.allSatisfy({ $0.isNumber }) else {
                throw fail("divmod\(sig) is not supported: divmod takes two numbers")
            }
            let t: JITType = args.contains(.float64) ? .float64 : .int64
            return ok(.tuple([t, t]), .divmod)
        case "pow":
            if args.count == 2 {
                guard let r = Registry.binary(.pow, args[0], args[1]) ?? binary(.pow, args[0], args[1]) else {
                    throw fail("pow\(sig) is not supported: pow takes two numbers")
                }
                return ok(r, .pow(modulo: false))
            }
            guard args.count == 3 else { throw fail("pow() takes 2 or 3 arguments (\(args.count) given)") }
            guard args.allSatisfy(isInt) else {
                throw fail("pow\(sig) is not supported: pow() 3rd argument not allowed unless all arguments are integers")
            }
            return ok(.int64, .pow(modulo: true))
        case "enumerate":
            guard (1...2).contains(args.count) else { throw fail("enumerate() takes 1 or 2 arguments (\(args.count) given)") }
            guard yieldType(args[0]) != nil else { throw notIterable(args[0]) }
            if args.count == 2, !isInt(args[1]) { throw fail("enumerate\(sig): the start must be an integer") }
            return ok(.enumerate(args[0]), .enumerate)
        case "zip":
            for a in args where yieldType(a) == nil { throw notIterable(a) }
            return ok(.zip(args), .zip)
        case "reversed":
            guard args.count == 1 else { throw fail("reversed() takes exactly one argument (\(args.count) given)") }
            switch args[0] {
            case .range: return ok(.range, .reversed)
            case .tuple(let items): return ok(.tuple(items.reversed()), .reversed)
            default: throw fail("reversed\(sig) is not supported: nopython mode reverses ranges and tuples")
            }
        case "sum":
            guard (1...2).contains(args.count) else { throw fail("sum() takes 1 or 2 arguments (\(args.count) given)") }
            var acc: JITType = args.count == 2 ? args[1] : .int64
            guard acc.isNumber || acc == .complex128 else { throw fail("sum\(sig): the start must be a number") }
            let items: [JITType]
            switch args[0] {
            case .range: items = [.int64]
            case .tuple(let xs): items = xs
            default: throw fail("sum\(sig) is not supported: nopython mode sums ranges and tuples of numbers")
            }
            for x in items {
                guard let r = Registry.binary(.add, acc, x) ?? binary(.add, acc, x) else {
                    throw fail("sum\(sig) is not supported: cannot add \(acc) and \(x)")
                }
                acc = r
            }
            if acc == .boolean { acc = .int64 }
            return ok(acc, .sum)
        case "print":
            for a in args {
                if case .literalString = a { continue }
                guard a.isFirstClass else { throw fail("print\(sig): values of type \(a) cannot be printed") }
            }
            return ok(.none, .print)
        case "complex":
            guard args.count <= 2, args.allSatisfy({ $0.isNumber || $0 == .complex128 }) else {
                throw fail("complex\(sig) is not supported: complex takes up to two numbers")
            }
            return ok(.complex128, .makeComplex)
        case "min", "max":
            guard case .tuple(let items) = args[0] else {
                throw fail("\(name)\(sig) is not supported: \(name) takes a tuple or two or more numbers")
            }
            guard items.allSatisfy({ $0.isNumber }) else {
                throw fail("\(name)\(sig) is not supported: the tuple's items must be numbers")
            }
            var t: JITType = items.first ?? JITType.none
            for x in items { t = JITType.unify(t, x) ?? t }
            return ok(t, .reduceMinMax(isMax: name == "max"))
        case "abs":
            guard args.count == 1 else { throw fail("abs() takes exactly one argument (\(args.count) given)") }
            return ok(.float64, .absComplex)
        default:
            break
        }
        // cmath
        let f = String(name.dropFirst("cmath.".count))
        let numeric = args.allSatisfy { $0.isNumber || $0 == .complex128 }
        switch f {
        case "log" where args.count == 2:
            guard numeric else { throw fail("cmath.log\(sig) is not supported: it takes a number and a base") }
            return ok(.complex128, .cmath(f))
        case "sqrt", "exp", "log":
            guard args.count == 1, numeric else { throw fail("cmath.\(f)\(sig) is not supported: it takes one number") }
            return ok(.complex128, .cmath(f))
        case "phase":
            guard args.count == 1, numeric else { throw fail("cmath.phase\(sig) is not supported: it takes one number") }
            return ok(.float64, .cmath(f))
        case "polar":
            guard args.count == 1, numeric else { throw fail("cmath.polar\(sig) is not supported: it takes one number") }
            return ok(.tuple([.float64, .float64]), .cmath(f))
        case "rect":
            guard args.count == 2, args.allSatisfy({ $0.isNumber }) else {
                throw fail("cmath.rect\(sig) is not supported: it takes two real numbers")
            }
            return ok(.complex128, .cmath(f))
        default:
            throw fail("cmath.\(f)\(sig) is not supported in nopython mode")
        }
    }
}

extension TypeInference {
    /// Variables assigned exactly once with a constant (directly or by copying one).
    static func literals(of ir: IRFunction) -> [Var: Constant] {
        var count: [Var: Int] = [:]
        var source: [Var: Expr] = [:]
        for block in ir.blocks {
            for s in block.statements {
                if case .assign(let v, let e) = s.node { count[v, default: 0] += 1; source[v] = e }
            }
            if case .forIter(_, let v, _, _) = block.terminator.node { count[v, default: 0] += 2 }
        }
        for (i, _) in ir.argNames.enumerated() { count[Var(i), default: 0] += 2 }
        var out: [Var: Constant] = [:]
        func resolve(_ v: Var, depth: Int) -> Constant? {
            guard depth < 64, count[v] == 1, let e = source[v] else { return nil }
            switch e {
            case .const(let c): return c
            case .copy(let w): return resolve(w, depth: depth + 1)
            default: return nil
            }
        }
        for v in source.keys { if let c = resolve(v, depth: 0) { out[v] = c } }
        return out
    }

    func literalInt(_ v: Var) -> Int64? {
        switch literals[v] {
        case .int(let i)?: return i
        case .bool(let b)?: return b ? 1 : 0
        default: return nil
        }
    }

    /// Types `e` when it involves the language features of this file.
    /// Returns nil when the expression is not handled here, `.some(nil)` when
    /// it is but an operand has no type yet.
    mutating func typeLanguage(_ e: Expr, _ pos: SourcePosition, call: inout CallResolution?) throws -> JITType?? {
        func t(_ v: Var) -> JITType? { varTypes[v.id] }
        let pending: JITType?? = .some(nil)
        switch e {
        case .const(.complex): return .complex128
        case .const(.code(let inner)):
            return .dispatcher(InnerFunctions.callee(inner, options: options, resolveGlobal: resolveGlobal))
        case .getattr(let v, let attr):
            guard let vt = t(v) else { return pending }
            switch vt {
            case .complex128:
                switch attr {
                case "real", "imag": return .float64
                case "conjugate": return .boundMethod(.complex128, attr)
                default: throw err("complex128 has no attribute '\(attr)' in nopython mode", pos)
                }
            case .module("cmath"):
                if LanguageTyping.cmathConstants[attr] != nil { return .float64 }
                if LanguageTyping.cmathFunctions.contains(attr) { return .function("cmath.\(attr)") }
                throw err("cmath.\(attr) is not supported in nopython mode", pos)
            default:
                return nil
            }
        case .binary(let op, let a, let b, _):
            guard let ta = t(a), let tb = t(b) else { return nil }
            return LanguageTyping.binary(op, ta, tb).map { .some($0) }
        case .unary(let op, let a):
            guard let ta = t(a), ta == .complex128 else { return nil }
            switch op {
            case .neg, .pos: return .complex128
            case .not: return .boolean
            case .invert: throw err("unary ~ is not supported for complex128", pos)
            }
        case .compare(let op, let a, let b):
            guard let ta = t(a), let tb = t(b) else { return nil }
            do {
                return try LanguageTyping.compare(op, ta, tb).map { .some($0) }
            } catch var e as CompileError {
                e.position = pos
                throw e
            }
        case .truth(let v):
            guard t(v) == .complex128 else { return nil }
            return .boolean
        case .buildSlice(let items):
            var bounds: [Int64?] = []
            for v in items {
                if literals[v] == Constant.none { bounds.append(nil); continue }
                guard let i = literalInt(v) else {
                    if t(v) == nil { return pending }
                    // Runtime bounds: an ordinary slice (arrays take it; tuples reject it when indexed).
                    return nil
                }
                bounds.append(i)
            }
            return .literalSlice(bounds.first ?? nil, bounds.count > 1 ? bounds[1] : nil, bounds.count > 2 ? bounds[2] : nil)
        case .getitem(let v, let i):
            guard let tv = t(v), let ti = t(i) else { return nil }
            guard case .tuple(let items) = tv else { return nil }
            if case .literalSlice(let a, let b, let c) = ti {
                let taken: [Int]
                do { taken = try LanguageTyping.sliceIndices(count: items.count, a, b, c) } catch var e as CompileError {
                    e.position = pos
                    throw e
                }
                call = CallResolution(result: .tuple(taken.map { items[$0] }), impl: .language(.tupleSlice(taken)))
                return .tuple(taken.map { items[$0] })
            }
            if ti == .slice {
                throw err("tuple slices need constant integer bounds in nopython mode (the result's type depends on them)", pos)
            }
            guard ti == .int64 || ti == .boolean else {
                throw err("tuple indices must be integers, not \(ti)", pos)
            }
            let homogeneous = tv.isHomogeneousTuple
            if let k = literalInt(i) {
                let n = Int64(items.count)
                let index = k < 0 ? k + n : k
                let result: JITType
                if index >= 0 && index < n {
                    result = items[Int(index)]
                } else {
                    result = homogeneous ? (items.first ?? JITType.none) : .none  // raises IndexError when run
                }
                call = CallResolution(result: result, impl: .language(.tupleIndex(index >= 0 && index < n ? Int(index) : -1)))
                return result
            }
            guard homogeneous else {
                throw err("indexing \(tv) with a non-constant index needs a tuple whose items all have one type; "
                          + "use a constant index or a homogeneous tuple", pos)
            }
            let result = items.first ?? JITType.none
            call = CallResolution(result: result, impl: .language(.tupleIndex(nil)))
            return result
        case .getiter(let v):
            guard let tv = t(v) else { return nil }
            switch tv {
            case .tuple, .enumerate, .zip:
                guard LanguageTyping.yieldType(tv) != nil else {
                    var e = LanguageTyping.notIterable(tv)
                    e.position = pos
                    throw e
                }
                return .iterator(tv)
            default:
                return nil
            }
        case .call(let f, let args, let keywords):
            guard let tf = t(f) else { return nil }
            var argTypes: [JITType] = []
            for a in args {
                guard let ta = t(a) else { return pending }
                argTypes.append(ta)
            }
            do {
                switch tf {
                case .dispatcher(let callee):
                    let r = try typeJittedCall(callee, argTypes, keywords: keywords)
                    call = r.map { $0 }
                    return .some(r?.result)
                case .boundMethod(let recv, let m) where !recv.isArray:
                    guard recv == .complex128, m == "conjugate", args.isEmpty else {
                        throw LanguageTyping.fail("\(recv).\(m)() takes no arguments")
                    }
                    call = CallResolution(result: .complex128, impl: .language(.conjugate))
                    return .complex128
                case .exceptionClass(let n) where !Registry.builtinExceptions.contains(n):
                    if args.isEmpty {
                        call = CallResolution(result: .exceptionInstance(n), impl: .makeException(""))
                        return .exceptionInstance(n)
                    }
                    if args.count == 1, keywords.isEmpty, case .string(let s)? = literals[args[0]] ?? constants[args[0]] {
                        call = CallResolution(result: .exceptionInstance(n), impl: .makeException(s))
                        return .exceptionInstance(n)
                    }
                    throw LanguageTyping.fail("\(n)(...): exception arguments must be one constant string in nopython mode")
                case .function(let name):
                    let lits = literals
                    guard let r = try LanguageTyping.call(name, argTypes, keywords: keywords, literal: { lits[args[$0]] }) else {
                        return nil
                    }
                    call = r
                    return r.result
                default:
                    return nil
                }
            } catch var e as CompileError {
                if e.position == .unknown { e.position = pos }
                throw e
            }
        default:
            return nil
        }
    }

    /// Binds the arguments of a call of another jitted function to its
    /// parameters and compiles it; nil while the return type of a
    /// self-recursive call is not known yet.
    mutating func typeJittedCall(_ callee: JITCallee, _ args: [JITType], keywords: [String]) throws -> CallResolution? {
        let npos = args.count - keywords.count
        let params = callee.parameters
        guard npos <= params.count else {
            throw LanguageTyping.fail("\(callee.name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") "
                                      + "but \(npos) were given")
        }
        var sources: [CallArgument] = []
        var types: [JITType] = []
        for (i, p) in params.enumerated() {
            if i < npos {
                sources.append(.argument(i)); types.append(args[i].asValue)
            } else if let k = keywords.firstIndex(of: p) {
                sources.append(.argument(npos + k)); types.append(args[npos + k].asValue)
            } else if i < callee.defaults.count, let d = callee.defaults[i] {
                sources.append(.constant(d))
                types.append(try typeOfGlobal(d, name: p, .unknown))
            } else {
                throw LanguageTyping.fail("\(callee.name)() missing required argument '\(p)'")
            }
        }
        for k in keywords where !params.contains(k) {
            throw LanguageTyping.fail("\(callee.name)() got an unexpected keyword argument '\(k)'")
        }
        for (i, k) in keywords.enumerated() where params.firstIndex(of: k).map({ $0 < npos }) ?? false {
            _ = i
            throw LanguageTyping.fail("\(callee.name)() got multiple values for argument '\(k)'")
        }
        for (p, t) in zip(params, types) where !t.isFirstClass {
            throw LanguageTyping.fail("argument '\(p)' of \(callee.name)() cannot be \(t)")
        }
        switch try callee.resolve(types) {
        case .compiled(let symbol, let r, let direct):
            return CallResolution(result: r, impl: .language(.jitted(symbol: symbol, arguments: sources, types: types,
                                                                     direct: direct)))
        case .recursive:
            guard let r = returnEstimate else { return nil }
            return CallResolution(result: r, impl: .language(.jitted(symbol: nil, arguments: sources, types: types)))
        case .declared(let slot, let r):
            return CallResolution(result: r, impl: .language(.jittedSlot(slot: slot, name: callee.name,
                                                                         arguments: sources, types: types)))
        }
    }

    func typeOfLanguageGlobal(_ g: GlobalValue, name: String, _ pos: SourcePosition) throws -> JITType {
        switch g {
        case .complex: return .complex128
        case .dispatcher(let c): return .dispatcher(c)
        case .userExceptionClass(let n, _): return .exceptionClass(n)
        default: throw CompileError(.internal, "global \(name) has no type", at: pos, stage: "typing")
        }
    }
}
