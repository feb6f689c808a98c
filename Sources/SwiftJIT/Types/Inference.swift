/// Identifies a statement of an IR function: `index == -1` is the terminator.
public struct StmtRef: Hashable, Sendable {
    public var block: Int
    public var index: Int
    public init(block: Int, index: Int) { self.block = block; self.index = index }
}

/// An IR function with a type for every variable and every operation resolved.
public struct TypedFunction: Sendable {
    public var ir: IRFunction
    public var argTypes: [JITType]
    public var returnType: JITType
    /// The type of each variable (by id); nil for variables never assigned.
    public var varTypes: [JITType?]
    /// The type of each assignment's right-hand side, before conversion to the variable's type.
    public var exprTypes: [StmtRef: JITType]
    public var calls: [StmtRef: CallResolution]
    /// Globals and free variables used, with their compile-time values.
    public var globals: [String: GlobalValue]

    public func type(of v: Var) -> JITType { varTypes[v.id] ?? .none }

    /// Whether the function calls other jitted functions (itself included).
    public var callsJittedFunctions: Bool {
        calls.values.contains {
            switch $0.impl {
            case .language(.jitted), .language(.jittedSlot): return true
            default: return false
            }
        }
    }

    /// The IR with types, as text.
    public func dump() -> String {
        var map: [Var: String] = [:]
        for (i, t) in varTypes.enumerated() { if let t = t { map[Var(i)] = t.description } }
        return "returns \(returnType)\n" + ir.dump(types: map)
    }
}

/// Type inference: propagates argument types through the IR to a fixpoint,
/// unifying all assignments of each variable, then resolves every operation.
public struct TypeInference {
    /// Casts spelled with swiftjit's number types (`swiftjit.float64(x)`, `types.int32(x)`).
    static let swiftjitCasts: [String: String] = {
        var t: [String: String] = ["boolean": "bool", "bool_": "bool", "b1": "bool",
                                   "complex64": "complex", "complex128": "complex", "c8": "complex", "c16": "complex",
                                   "float32": "float", "float64": "float", "double": "float", "float_": "float",
                                   "f4": "float", "f8": "float"]
        for n in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp",
                  "intc", "uintc", "int_", "byte", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"] { t[n] = "int" }
        return t
    }()

    let ir: IRFunction
    let argTypes: [JITType]
    let resolveGlobal: (String) -> GlobalValue
    var varTypes: [JITType?]
    var globals: [String: GlobalValue] = [:]
    /// Constant assigned to each variable that holds one (for literal arguments).
    var constants: [Var: Constant] = [:]
    /// Variables assigned exactly once with a constant (constant tuple indices and slice bounds).
    var literals: [Var: Constant] = [:]
    /// The return type known so far, for the calls of a self-recursive function.
    var returnEstimate: JITType? = nil
    /// Variables with exactly one assignment (the translator's temporaries): their
    /// type is that of their one expression, recomputed as its operands widen.
    var singleAssignment: Set<Int> = []
    /// The expression of each variable assigned once, and the variable each such copy reads
    /// (containers refine the type of the variable they come from; ContainerTyping.swift).
    var definitions: [Var: Expr] = [:]
    var copySource: [Var: Var] = [:]
    /// Set when a statement widened a container variable's type during the fixpoint.
    var containerRefined = false
    /// The options of the function being compiled: inner functions defined in it are compiled
    /// with them (boundscheck, fastmath, nogil), as Numba compiles them as part of it.
    var options = CompileOptions()
    /// Temporaries reading a variable where it is certainly not None (Narrowing.swift): typed
    /// as the optional's inner type.
    var narrowedReads: Set<Var> = []

    /// Types `ir` for `argTypes`; `options` are the compile options (passed on to inner functions).
    public static func infer(_ ir: IRFunction, argTypes: [JITType], options: CompileOptions = CompileOptions(),
                             resolveGlobal: @escaping (String) -> GlobalValue) throws -> TypedFunction {
        guard argTypes.count == ir.argNames.count else {
            throw CompileError(.internal, "\(argTypes.count) argument types for \(ir.argNames.count) arguments", stage: "typing")
        }
        // `is None` tests: branches the argument types decide, reads proven not None (Narrowing.swift).
        let (ir, narrowed) = NoneNarrowing.apply(ir, argTypes: argTypes)
        var inf = TypeInference(ir: ir, argTypes: argTypes, resolveGlobal: resolveGlobal,
                                varTypes: Array(repeating: nil, count: ir.varNames.count))
        inf.options = options
        inf.narrowedReads = narrowed
        inf.literals = TypeInference.literals(of: ir)
        var definitions: [Int: Int] = [:]
        for block in ir.blocks {
            for s in block.statements { if case .assign(let v, _) = s.node { definitions[v.id, default: 0] += 1 } }
            if case .forIter(_, let value, _, _) = block.terminator.node { definitions[value.id, default: 0] += 1 }
        }
        inf.singleAssignment = Set(definitions.filter { $0.value == 1 }.keys)
        for block in ir.blocks {
            for s in block.statements {
                guard case .assign(let v, let e) = s.node, inf.singleAssignment.contains(v.id) else { continue }
                inf.definitions[v] = e
                if case .copy(let w) = e { inf.copySource[v] = w }
            }
        }
        return try inf.run()
    }

    func err(_ message: String, _ pos: SourcePosition) -> CompileError {
        CompileError(.typing, message, at: pos, stage: "typing")
    }

    func name(_ v: Var) -> String {
        let n = ir.name(of: v)
        return n.hasPrefix("$") ? "a temporary value" : "variable '\(n)'"
    }

    mutating func global(_ name: String, _ pos: SourcePosition) throws -> GlobalValue {
        if let g = globals[name] { return g }
        let g = resolveGlobal(name)
        globals[name] = g
        return g
    }

    func typeOfGlobal(_ g: GlobalValue, name: String, _ pos: SourcePosition) throws -> JITType {
        switch g {
        case .builtin(let f):
            if f.hasPrefix("math.") || f.hasPrefix("cmath.") { return .function(f) }
            guard Registry.builtinFunctions.contains(f) || LanguageTyping.builtins.contains(f)
                    || ContainerTyping.builtins.contains(f) || TypedContainerTyping.classes.contains(f)
                    || f == TypedContainerTyping.unicodeType else {
                throw err("the builtin '\(f)' is not supported in nopython mode", pos)
            }
            return .function(f)
        case .module(let m):
            guard m == "math" || m == "cmath" || m == "numpy" || m == "numpy.random" || m == "random" || m == "swiftjit" || m == "swiftjit.types" || m == "swiftjit.typed" else { throw err("the module '\(m)' is not supported in nopython mode", pos) }
            return .module(m)
        case .exceptionClass(let c): return .exceptionClass(c)
        case .int: return .int64
        case .float: return .float64
        case .bool: return .boolean
        case .none: return .none
        case .tuple(let items): return .tuple(try items.map { try typeOfGlobal($0, name: name, pos) })
        case .unsupported(let t):
            throw err("global name '\(name)' is a \(t), which nopython mode cannot use" + Suggestions.forGlobal(t), pos)
        case .undefined:
            throw err("name '\(name)' is not defined", pos)
        default:
            return try typeOfLanguageGlobal(g, name: name, pos)
        }
    }

    func typeOfConstant(_ c: Constant, _ pos: SourcePosition) throws -> JITType {
        switch c {
        case .none: return .none
        case .bool: return .boolean
        case .int: return .int64
        case .bigInt(let s): throw err("the integer constant \(s) does not fit in int64", pos)
        case .float: return .float64
        case .string(let s): return .literalString(s)
        // Strings inside a constant tuple are str values (so that ("a", "b") is homogeneous).
        case .tuple(let items): return .tuple(try items.map { try typeOfConstant($0, pos).asValue })
        default: throw err("constants of type \(c) are not supported in nopython mode", pos)
        }
    }

    /// The type of `e`, nil when an operand is not typed yet. `call` receives the call resolution.
    mutating func typeExpr(_ e: Expr, _ pos: SourcePosition, call: inout CallResolution?) throws -> JITType? {
        func t(_ v: Var) -> JITType? { varTypes[v.id] }
        if let handled = try typeContainer(e, pos, call: &call) { return handled }
        if let handled = try typeLanguage(e, pos, call: &call) { return handled }
        switch e {
        case .arg(let i): return argTypes[i]
        case .const(let c): return try typeOfConstant(c, pos)
        case .copy(let v): return t(v)
        case .global(let n), .freevar(let n):
            return try typeOfGlobal(try global(n, pos), name: n, pos)
        case .getattr(let v, let attr):
            guard let vt = t(v) else { return nil }
            if case .array(let a) = vt {
                do { return try ArrayTyping.getattr(a, attr) } catch var e as CompileError { e.position = pos; throw e }
            }
            if case .module("numpy") = vt {
                if ArrayTyping.numpyFunctions[attr] != nil || NumpyLibTyping.functions[attr] != nil
                    || ListExtrasTyping.numpyFunctions[attr] != nil || UfuncTyping.functions[attr] != nil
                    || ArrayLibTyping.functions[attr] != nil {
                    return .function("np.\(attr)")
                }
                if attr == "random" { return .module("numpy.random") }
                if let d = ArrayTyping.dtypeNames[attr] { return .dtypeObject(d) }
                if Registry.mathConstants[attr] != nil { return .float64 }
                throw err("numpy.\(attr) is not supported in nopython mode", pos)
            }
            if case .module("numpy.random") = vt {
                if NumpyLibTyping.functions["random.\(attr)"] != nil { return .function("np.random.\(attr)") }
                throw err("numpy.random.\(attr) is not supported in nopython mode", pos)
            }
            if case .module("random") = vt {
                if NumpyLibTyping.stdlibRandom.contains(attr) { return .function("random.\(attr)") }
                throw err("random.\(attr) is not supported in nopython mode", pos)
            }
            if case .module(let m) = vt {
                if m == "swiftjit" || m == "swiftjit.types" {
                    // `numba.prange` with `import swiftjit as numba`: a range (loops run serially);
                    // number types called as casts (`numba.float64(x)` is `float(x)`).
                    if attr == "prange", m == "swiftjit" { return .function("range") }  // see docs/PARALLEL.md
                    if let cast = Self.swiftjitCasts[attr] { return .function(cast) }
                    if attr == "unicode_type" { return .function(TypedContainerTyping.unicodeType) }
                    throw err("\(m).\(attr) is not supported in nopython mode (only prange and the number types are)", pos)
                }
                if Registry.mathConstants[attr] != nil { return .float64 }
                let all = Registry.mathFloatUnary.union(Registry.mathFloatBinary).union(Registry.mathPredicates)
                    .union(Registry.mathToInt).union(Registry.mathIntegers)
                if all.contains(attr) { return .function("\(m).\(attr)") }
                throw err("\(m).\(attr) is not supported in nopython mode", pos)
            }
            throw err("\(vt) has no attribute '\(attr)' in nopython mode", pos)
        case .binary(let op, let a, let b, _):
            guard let ta = t(a), let tb = t(b) else { return nil }
            if ta.isArray || tb.isArray {
                guard let d = ArrayTyping.resultDType(op, ta, tb) else {
                    throw err("cannot \(Registry.verb(op)) \(ta) and \(tb)", pos)
                }
                return .array(ArrayType(dtype: d, ndim: ArrayTyping.broadcastRank(ta, tb), layout: .c))
            }
            guard let r = Registry.binary(op, ta, tb) else {
                throw err("cannot \(Registry.verb(op)) \(ta) and \(tb)" + Suggestions.forOperands(ta, tb), pos)
            }
            return r
        case .unary(let op, let a):
            guard let ta = t(a) else { return nil }
            if case .array(let arr) = ta, op == .neg || op == .pos || op == .invert {
                if op == .invert && (arr.dtype.isFloat || arr.dtype.isComplex) { throw err("unary ~ is not supported for \(ta)", pos) }
                return .array(ArrayType(dtype: arr.dtype == .bool && op != .invert ? .int64 : arr.dtype, ndim: arr.ndim, layout: .c))
            }
            guard let r = Registry.unary(op, ta) else {
                throw err("unary \(op.rawValue) is not supported for \(ta)", pos)
            }
            return r
        case .compare(let op, let a, let b):
            guard let ta = t(a), let tb = t(b) else { return nil }
            if (ta.isArray || tb.isArray) && ![.is, .isNot, .in, .notIn].contains(op) {
                guard ArrayTyping.resultDType(.sub, ta, tb) != nil else {
                    throw err("cannot compare \(ta) and \(tb) with '\(op.rawValue)'", pos)
                }
                return .array(ArrayType(dtype: .bool, ndim: ArrayTyping.broadcastRank(ta, tb), layout: .c))
            }
            guard let r = Registry.compare(op, ta, tb) else {
                throw err("cannot compare \(ta) and \(tb) with '\(op.rawValue)'", pos)
            }
            return r
        case .truth(let v):
            guard let tv = t(v) else { return nil }
            guard Registry.truthTestable(tv) else { throw err("\(tv) cannot be used as a condition", pos) }
            return .boolean
        case .call(let f, let args, let keywords):
            guard let tf = t(f) else { return nil }
            var argTypes: [JITType] = []
            for a in args {
                guard let ta = t(a) else { return nil }
                argTypes.append(ta)
            }
            let calleeName: String
            switch tf {
            case .function(let n): calleeName = n
            case .exceptionClass(let n): calleeName = n
            case .boundMethod(.array, let n):
                calleeName = "array.\(n)"
                argTypes.insert(tf.receiver, at: 0)
            default: throw err("\(tf) is not callable in nopython mode", pos)
            }
            do {
                let consts = constants
                let r = try Registry.call(calleeName, argTypes, keywords: keywords) { i in consts[args[i]] }
                call = r
                return r.result
            } catch var e as CompileError {
                e.position = pos
                throw e
            }
        case .buildTuple(let items):
            var ts: [JITType] = []
            for i in items {
                guard let ti = t(i) else { return nil }
                ts.append(ti.asValue)  // string constants in a tuple are str values
            }
            return .tuple(ts)
        case .staticGetitem(let v, let i):
            guard let tv = t(v) else { return nil }
            guard case .tuple(let items) = tv else { throw err("cannot unpack \(tv)", pos) }
            guard i < items.count else { throw err("cannot unpack \(tv) into more than \(items.count) values", pos) }
            return items[i]
        case .getitem(let v, let i):
            guard let tv = t(v), let ti = t(i) else { return nil }
            if case .array(let a) = tv {
                do { return try ArrayTyping.getitem(a, ti) } catch var e as CompileError { e.position = pos; throw e }
            }
            throw err("indexing \(tv) with \(ti) is not supported in nopython mode", pos)
        case .getiter(let v):
            guard let tv = t(v) else { return nil }
            if tv == .range { return .rangeIter }
            if case .array(let a) = tv, a.ndim >= 1 { return .arrayIter(a) }
            throw err("iterating over \(tv) is not supported in nopython mode", pos)
        case .buildSlice(let parts):
            for p in parts {
                guard let tp = t(p) else { return nil }
                guard tp == .int64 || tp == .boolean || tp == .none else {
                    throw err("slice bounds must be integers or None, not \(tp)", pos)
                }
            }
            return .slice
        case .buildList, .buildSet, .buildMap, .buildString, .formatValue:
            return nil  // typed by typeContainer
        case .caughtException:
            return .int64  // the exception descriptor's address (Frontend/TranslatorExceptions.swift)
        case .exceptionMatches(_, let cls):
            guard let tc = t(cls) else { return nil }
            guard TryExceptTyping.isExceptionClassOrTuple(tc) else {
                throw err("an except clause needs an exception class or a tuple of them, not \(tc)", pos)
            }
            return .boolean
        default:
            throw CompileError(.unsupported, "\(e.objectModeFeature) are not supported in nopython mode", at: pos, stage: "typing")
        }
    }

    mutating func assign(_ v: Var, _ t: JITType, _ pos: SourcePosition) throws -> Bool {
        guard let old = varTypes[v.id] else {
            varTypes[v.id] = t
            return true
        }
        if singleAssignment.contains(v.id) {
            // A value computed once (for example a bound method of a local whose
            // type widened, as in a tail CPython 3.12 duplicates into both arms of an if).
            if t == old { return false }
            // A container refined by later uses keeps its element types (ContainerTyping.refine).
            if old.isObject, t.isObject, JITType.unifyContainers(old, t) == old { return false }
            varTypes[v.id] = t
            return true
        }
        guard let u = JITType.unify(old, t) else {
            throw err("\(name(v)) is \(old) on one path and \(t) on another, and these cannot be unified"
                      + " (use a separate variable for each type)", pos)
        }
        if u != old { varTypes[v.id] = u; return true }
        return false
    }

    mutating func run() throws -> TypedFunction {
        var exprTypes: [StmtRef: JITType] = [:]
        var calls: [StmtRef: CallResolution] = [:]
        var returnType: JITType? = nil
        // Fixpoint: types only widen, so this terminates.
        var changed = true
        var rounds = 0
        while changed {
            changed = false
            rounds += 1
            if rounds > 1000 { throw CompileError(.internal, "type inference does not converge", stage: "typing") }
            for (bi, block) in ir.blocks.enumerated() {
                for (si, s) in block.statements.enumerated() {
                    guard case .assign(let v, let e) = s.node else {
                        do { try refineContainerStatement(s.node, s.position) } catch {}  // reported below
                        if containerRefined { containerRefined = false; changed = true }
                        continue
                    }
                    if case .const(let c) = e { constants[v] = c }
                    var call: CallResolution? = nil
                    let t: JITType?
                    do { t = try typeAssigned(v, e, s.position, call: &call) } catch { continue }  // reported below
                    if containerRefined { containerRefined = false; changed = true }
                    if let t = t {
                        exprTypes[StmtRef(block: bi, index: si)] = t
                        if let c = call { calls[StmtRef(block: bi, index: si)] = c }
                        if try assign(v, t, s.position) { changed = true }
                    }
                }
                if case .forIter(let it, let value, _, _) = block.terminator.node, let ti = varTypes[it.id] {
                    let yield: JITType
                    switch ti {
                    case .rangeIter: yield = .int64
                    case .arrayIter(let a): yield = try ArrayTyping.getitem(a, .int64)
                    case .iterator(let x): yield = LanguageTyping.yieldType(x) ?? ContainerTyping.yieldType(x) ?? JITType.none
                    default: throw err("iterating over \(ti) is not supported in nopython mode", block.terminator.position)
                    }
                    if try assign(value, yield, block.terminator.position) { changed = true }
                }
                if case .ret(let v) = block.terminator.node, let t = varTypes[v.id] {
                    let u = returnEstimate.map { JITType.unify($0, t) ?? $0 } ?? t
                    if u != returnEstimate { returnEstimate = u; changed = true }
                }
            }
        }
        // Final pass: every operation must type with the final types.
        for (bi, block) in ir.blocks.enumerated() {
            for (si, s) in block.statements.enumerated() {
                switch s.node {
                case .assign(let assigned, let e):
                    var call: CallResolution? = nil
                    let typed: JITType?
                    do { typed = try typeAssigned(assigned, e, s.position, call: &call) } catch let error as CompileError {
                        throw mayBeNone(error, e)
                    }
                    guard let t = typed else {
                        let unknown = operands(e).first { varTypes[$0.id] == nil }
                        let what = unknown.map { name($0) } ?? "an operand"
                        throw err("\(what) has no type here: it may be used before it is assigned", s.position)
                    }
                    exprTypes[StmtRef(block: bi, index: si)] = t
                    if let c = call { calls[StmtRef(block: bi, index: si)] = c }
                    try checkDetermined(assigned, e, s.position)
                case let st where try checkContainerStatement(st, s.position):
                    break
                case .listAppend, .setAdd, .mapAdd, .delitem:
                    break
                case .setitem(let target, let index, let value):
                    let tt = varTypes[target.id]
                    guard case .array(let a)? = tt, let ti = varTypes[index.id], let tv = varTypes[value.id] else {
                        throw err("item assignment to \(tt?.description ?? "this value") is not supported in nopython mode", s.position)
                    }
                    guard a.writable else { throw err("cannot assign to an element of a read-only array \(a)", s.position) }
                    let slot: JITType
                    do { slot = try ArrayTyping.getitem(a, ti) } catch var e as CompileError { e.position = s.position; throw e }
                    switch (slot, tv) {
                    case (_, let v) where v.isNumber || v == .complex128: break
                    case (.array(let dst), .array(let src)) where src.ndim <= dst.ndim: break
                    default: throw err("cannot assign \(tv) to \(slot)", s.position)
                    }
                case .setattr(let target, let n, _):
                    let tt = varTypes[target.id].map { $0.description } ?? "this value"
                    throw err("setting attribute '\(n)' of \(tt) is not supported in nopython mode", s.position)
                case .discard, .delete, .clearException, .reraiseCaught:
                    break
                default:
                    throw CompileError(.unsupported, "this statement is not supported in nopython mode", at: s.position,
                                       stage: "typing")
                }
            }
            switch block.terminator.node {
            case .ret(let v):
                guard let t = varTypes[v.id] else {
                    throw err("the return value has no type", block.terminator.position)
                }
                guard t.isFirstClass else {
                    throw err("cannot return \(t) from a nopython function", block.terminator.position)
                }
                if let r = returnType {
                    guard let u = JITType.unify(r, t) else {
                        throw err("the function returns \(r) on one path and \(t) on another, and these cannot be unified",
                                  block.terminator.position)
                    }
                    returnType = u
                } else {
                    returnType = t
                }
            case .branch(let c, _, _):
                guard varTypes[c.id] == .boolean else {
                    throw CompileError(.internal, "branch on a non-bool", at: block.terminator.position, stage: "typing")
                }
            case .raise(let v):
                if let v = v {
                    let t = varTypes[v.id]
                    switch t {
                    case .exceptionClass?, .exceptionInstance?: break
                    default:
                        throw err("cannot raise \(t?.description ?? "this value"): only exception classes and instances can be raised",
                                  block.terminator.position)
                    }
                } else {
                    throw err("a bare 'raise' (re-raise) is not supported in nopython mode", block.terminator.position)
                }
            default:
                break
            }
        }
        return TypedFunction(ir: ir, argTypes: argTypes, returnType: (returnType ?? .none).asValue, varTypes: varTypes,
                             exprTypes: exprTypes, calls: calls, globals: globals)
    }

    func operands(_ e: Expr) -> [Var] { e.operands }

    /// The type of `e` assigned to `v`: a narrowed read is the optional's inner type.
    mutating func typeAssigned(_ v: Var, _ e: Expr, _ pos: SourcePosition, call: inout CallResolution?) throws -> JITType? {
        if narrowedReads.contains(v), case .copy(let w) = e, let tw = varTypes[w.id] {
            if case .optional(let inner) = tw { return inner }
            return tw
        }
        return try typeExpr(e, pos, call: &call)
    }

    /// A typing error of an operation on a value that may be None, said so: the operand is a
    /// read of a local whose `is None` tests do not prove it is not None at this point.
    func mayBeNone(_ error: CompileError, _ e: Expr) -> CompileError {
        guard error.kind == .typing else { return error }
        for v in operands(e) {
            guard case .optional? = varTypes[v.id] else { continue }
            var source = v
            while ir.name(of: source).hasPrefix("$"), let w = copySource[source] { source = w }
            let local = ir.name(of: source)
            guard !local.hasPrefix("$") else { continue }
            var out = error
            let hint = " (the value may be None: check 'is not None' first)"  // Suggestions.forOperands
            let base = error.message.hasSuffix(hint) ? String(error.message.dropLast(hint.count)) : error.message
            out.message = "variable '\(local)' may be None here: \(base)"
                + " (test '\(local) is not None' first, or give it a value on every path)"
            return out
        }
        return error
    }
}
