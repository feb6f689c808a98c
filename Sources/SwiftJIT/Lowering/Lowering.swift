import CLLVM

/// Options that change generated code.
public struct CompileOptions: Hashable, Sendable {
    public var fastmath = false
    public var boundscheck = false
    public var nogil = false
    /// Run `prange` loops on the thread pool (`parallel=True`).
    public var parallel = false
    /// 0...3, the LLVM optimization level.
    public var optLevel = 3
    /// Generate the CPython wrapper entry (off only for tests that run without CPython).
    public var withWrapper = true
    /// Record traceback locations on error exits (Lowering/Traceback.swift); off only for
    /// tests that run native code without the runtime's call context.
    public var tracebacks = true
    /// Where compiled code is kept between processes (`cache=True`), or nil.
    public var cache: ObjectCache? = nil
    /// The return type declared by an explicit signature (`@jit("float64(int64)")`), or nil to infer it.
    public var returnType: JITType? = nil
    public init(fastmath: Bool = false, boundscheck: Bool = false, nogil: Bool = false, optLevel: Int = 3) {
        self.fastmath = fastmath; self.boundscheck = boundscheck; self.nogil = nogil; self.optLevel = optLevel
    }
}

/// Lowers a typed function to an LLVM function in `module`.
///
/// The native entry has the signature `i32 name(ptr ret, ptr exc, args...)`:
/// it stores the result through `ret` and returns 0, or stores a pointer to an
/// exception descriptor `{ptr class_variable, ptr message_or_null}` through
/// `exc` and returns 1.
final class FunctionLowering {
    let b: IRBuilder
    let typed: TypedFunction
    let options: CompileOptions
    let fn: LLVMValueRef
    var slots: [LLVMValueRef?] = []
    var blocks: [LLVMBasicBlockRef] = []
    var raiseBlocks: [String: LLVMBasicBlockRef] = [:]
    /// The blocks that leave with the Python exception the C API has set, by source line
    /// (ContainerLowering.swift).
    var pendingBlocks: [Int: LLVMBasicBlockRef] = [:]
    /// Traceback locations of this function, by line (Traceback.swift).
    var locationGlobals: [Int: LLVMValueRef] = [:]
    /// Exception class and message of variables holding exception instances.
    var exceptionOf: [Var: (String, String?)] = [:]
    var position: SourcePosition = .unknown
    /// Whether each Python local (other than arguments) has been assigned.
    var definedFlags: [Var: LLVMValueRef] = [:]
    /// The flagged locals certainly assigned at this point of the block being lowered
    /// (`Definedness`): reading them needs no check.
    var definedHere: Set<Var> = []
    /// Loops to run in parallel, by header block (`ParallelLowering.swift`).
    var parallelLoops: [Int: ParallelLoop] = [:]
    /// Planned parallel loops lowered serially after all, with the reason.
    var parallelFailures: [Int: String] = [:]
    /// Whole-array loops (element-wise operations, reductions) run on the thread pool
    /// (`ArrayParallel.swift`): parallel=True, outside prange bodies and helper functions.
    var arrayParallelism = false
    /// One line per whole-array loop made parallel, for `parallel_diagnostics()`.
    var parallelArrayNotes: [String] = []
    /// Whether lowering emitted loops of its own (array expressions): worth the full pipelines.
    var emittedLoops = false
    /// Array-expression fusion: deferred temporaries and their trees (`ArrayFusion.swift`).
    lazy var fusion: FusionPlan = planFusion()
    /// sum/min/max of generator expressions computed without their list (`FusedReductions.swift`).
    lazy var fusedReductions: FusedReductionPlan = planFusedReductions()
    /// Float sum reductions of a parallel loop body (and their copies): their additions may be
    /// reassociated, so the chunk's loop vectorizes (`ParallelLowering.swift`).
    var reassociableSums: Set<Var> = []
    /// The IR block being lowered, and the last one whose jitted calls are already
    /// preceded by a stack check (`stackCheck()`, CallLowering.swift).
    var currentIRBlock = -1
    var stackCheckedBlock = -1
    /// How the native function returns (Lowering/DirectCalls.swift).
    let convention: NativeConvention
    /// `ret` instructions that only pass on a RecursionError (stack checks, a self-call's
    /// failure): the function still counts as one that cannot raise (DirectCalls.swift).
    var recursionExits: Set<LLVMValueRef> = []
    /// Set when direct lowering met an exit other than RecursionError (the status lowering
    /// said there was none): the direct function is then dropped.
    var directViolation = false
    /// Variables assigned exactly once, from a constant (temporaries of LOAD_CONST).
    lazy var constants: [Var: Constant] = {
        var count: [Var: Int] = [:]
        var value: [Var: Constant] = [:]
        for block in typed.ir.blocks {
            for s in block.statements {
                guard case .assign(let v, let e) = s.node else { continue }
                count[v, default: 0] += 1
                if case .const(let c) = e { value[v] = c }
            }
        }
        return value.filter { count[$0.key] == 1 }
    }()

    init(builder: IRBuilder, typed: TypedFunction, name: String, options: CompileOptions,
         convention: NativeConvention = .status) {
        b = builder
        self.typed = typed
        self.options = options
        self.convention = convention
        let params = [builder.ptr, builder.ptr] + typed.argTypes.map { FunctionLowering.llvmType($0, builder) }
        let result = convention == .status ? builder.i32 : FunctionLowering.llvmType(typed.returnType, builder)
        fn = LLVMAddFunction(builder.module, name, builder.functionType(result, params))
        FunctionLowering.setEntryAttributes(fn, b)
        arrayParallelism = options.parallel
    }

    /// Attributes of native entries (status and direct).
    static func setEntryAttributes(_ fn: LLVMValueRef, _ b: IRBuilder) {
        // Protected: exported for the JIT's lookups and other modules, but known to be this
        // definition (dso_local), so a self-call is a direct call, not one through the GOT.
        LLVMSetVisibility(fn, LLVMProtectedVisibility)
        b.addAttribute(fn, "noalias", at: 1)
        b.addAttribute(fn, "nocapture", at: 1)
        b.addAttribute(fn, "noalias", at: 2)
        b.addAttribute(fn, "nocapture", at: 2)
        b.addAttribute(fn, "nounwind", at: UInt32.max)
    }

    /// A lowering of an internal helper function `i32 name(ptr env, ptr ctx, extra...)` that
    /// shares `parent`'s typed function (outlined array loops, `ArrayParallel.swift`); the
    /// context is parameter 1 as in a native entry, so raising works the same way.
    init(helperOf parent: FunctionLowering, name: String, extraParams: [LLVMTypeRef]) {
        b = parent.b
        typed = parent.typed
        options = parent.options
        convention = .status
        fn = LLVMAddFunction(b.module, name, b.functionType(b.i32, [b.ptr, b.ptr] + extraParams))
        LLVMSetLinkage(fn, LLVMInternalLinkage)
        b.addAttribute(fn, "nounwind", at: UInt32.max)
        position = parent.position
        _ = b.appendBlock(fn, "entry")
    }

    static func llvmType(_ t: JITType, _ b: IRBuilder) -> LLVMTypeRef {
        switch t {
        case .boolean: return b.i1
        case .int64: return b.i64
        case .float64: return b.f64
        case .range, .rangeIter: return b.structType([b.i64, b.i64, b.i64])
        case .tuple(let items): return b.structType(items.map { llvmType($0, b) })
        case .optional(let inner): return b.structType([b.i1, llvmType(inner, b)])
        case .none, .module, .function, .exceptionClass, .exceptionInstance, .literalString, .dtypeObject: return b.i8
        case .array(let a): return arrayStruct(a.ndim, b)
        case .arrayIter(let a): return b.structType([arrayStruct(a.ndim, b), b.i64])
        case .slice: return b.structType([b.i64, b.i64, b.i64])
        default: return languageLLVMType(t, b)
        }
    }
    func ty(_ t: JITType) -> LLVMTypeRef { FunctionLowering.llvmType(t, b) }

    /// The iterator state `{cur, remaining, step}` of a range `{start, stop, step}`.
    func rangeIterator(_ r: LLVMValueRef) -> LLVMValueRef {
        b.insert(r, rangeLength(r), 1)
    }

    /// `{ptr data, [n x i64] shape, [n x i64] strides, ptr owner}`
    static func arrayStruct(_ ndim: Int, _ b: IRBuilder) -> LLVMTypeRef {
        let dims = LLVMArrayType2(b.i64, UInt64(ndim))!
        return b.structType([b.ptr, dims, dims, b.ptr])
    }

    /// A stack slot in the entry block (so that mem2reg can promote it).
    func entryAlloca(_ t: LLVMTypeRef, _ name: String = "") -> LLVMValueRef {
        let entry = LLVMGetEntryBasicBlock(fn)!
        let tmp = LLVMCreateBuilderInContext(b.context)!
        defer { LLVMDisposeBuilder(tmp) }
        if let first = LLVMGetFirstInstruction(entry) { LLVMPositionBuilderBefore(tmp, first) } else { LLVMPositionBuilderAtEnd(tmp, entry) }
        return LLVMBuildAlloca(tmp, t, name)
    }
    /// `SwiftJITContext {exc, objects, count, capacity, stack_limit, trace}` (runtime.h).
    static func contextType(_ b: IRBuilder) -> LLVMTypeRef { b.structType([b.ptr, b.ptr, b.i64, b.i64, b.ptr, b.ptr]) }

    /// The context parameter (`SwiftJITContext *`).
    var context: LLVMValueRef { LLVMGetParam(fn, 1) }

    func fail(_ message: String) -> CompileError {
        CompileError(.internal, message, at: position, stage: "lowering")
    }

    // MARK: driver

    func lower() throws {
        let entry = b.appendBlock(fn, "entry")
        for block in typed.ir.blocks { blocks.append(b.appendBlock(fn, "L\(block.label.id)")) }
        b.position(at: entry)
        slots = typed.varTypes.enumerated().map { (i, t) in
            guard let t = t else { return nil }
            let slot = LLVMBuildAlloca(b.builder, ty(t), typed.ir.varNames[i])!
            // Zero-initialize so that a variable read before assignment on some path is defined.
            LLVMBuildStore(b.builder, LLVMConstNull(ty(t)), slot)
            return slot
        }
        // Python locals other than arguments may be read before any assignment
        // (a loop variable after an empty loop): a flag per local says whether it holds a value.
        for (i, name) in typed.ir.varNames.enumerated()
        where i >= typed.ir.argNames.count && !name.hasPrefix("$") && slots[i] != nil {
            let flag = LLVMBuildAlloca(b.builder, b.i1, "\(name).defined")!
            LLVMBuildStore(b.builder, b.bool(false), flag)
            definedFlags[Var(i)] = flag
        }
        b.br(blocks[0])
        let definedAtEntry = Definedness.atEntry(typed.ir, tracked: Set(definedFlags.keys))
        for (bi, block) in typed.ir.blocks.enumerated() {
            b.position(at: blocks[bi])
            currentIRBlock = bi
            definedHere = bi < definedAtEntry.count ? definedAtEntry[bi] : []
            for (si, s) in block.statements.enumerated() {
                position = s.position
                try lowerStatement(s.node, StmtRef(block: bi, index: si))
            }
            position = block.terminator.position
            if let p = parallelLoops[bi] { try lowerParallelLoop(p); continue }
            try lowerTerminator(block.terminator.node)
        }
    }

    func slot(_ v: Var) throws -> LLVMValueRef {
        guard v.id < slots.count, let s = slots[v.id] else { throw fail("variable \(typed.ir.name(of: v)) has no storage") }
        return s
    }
    func load(_ v: Var) throws -> LLVMValueRef {
        if fusion.trees[v] != nil { try materializeDeferred(v) }
        return b.load(ty(typed.type(of: v)), try slot(v))
    }

    func lowerStatement(_ s: Stmt, _ ref: StmtRef) throws {
        if try deferFusedStatement(s, ref) { return }
        if try lowerFusedReductionStatement(s, ref) { return }
        switch s {
        case .assign(let v, let e):
            guard let et = typed.exprTypes[ref] else { throw fail("untyped statement") }
            let vt = typed.type(of: v)
            var value: LLVMValueRef
            if let owned = try lowerContainerExpr(e, nlBuildType(e, et, vt), ref) {
                value = owned
            } else {
                value = try lowerExpr(e, et, ref, target: v)
                // Values read from other variables: this one owns a reference of its own.
                if et.isManaged && !producesNewReference(e, ref) { retain(value, et) }
            }
            value = nlAdopt(value, e, from: et, to: vt)
            let converted = try cast(convertDictRepresentation(value, from: et, to: vt), from: et, to: vt)
            if vt.isManaged {
                let old = b.load(ty(vt), try slot(v))
                b.store(converted, try slot(v))
                release(old, vt)
            } else {
                b.store(converted, try slot(v))
            }
            if let flag = definedFlags[v] {
                b.store(b.bool(true), flag)
                definedHere.insert(v)
            }
        case .delete(let v):
            if let flag = definedFlags[v] {
                if !definedHere.contains(v) {
                    raiseIf(b.not(b.load(b.i1, flag)), "UnboundLocalError",
                            PythonVersion.running.unboundLocalMessage(typed.ir.name(of: v)))
                }
                b.store(b.bool(false), flag)
                definedHere.remove(v)
            }
            let vt = typed.type(of: v)
            if vt.isManaged {
                release(b.load(ty(vt), try slot(v)), vt)
                b.store(LLVMConstNull(ty(vt)), try slot(v))
            }
        case let s where try lowerContainerStatement(s):
            break
        case .listAppend, .setAdd, .mapAdd, .delitem:
            throw fail("container statement on \(s)")
        case .discard:
            break
        case .setitem(let target, let index, let value):
            guard case .array(let a) = typed.type(of: target) else { throw fail("setitem on \(typed.type(of: target))") }
            try arraySetitem(try load(target), a, try load(index), typed.type(of: index), try load(value), typed.type(of: value))
        case .setattr:
            throw fail("attribute assignment is not lowered yet")
        case .clearException(let v):
            try lowerClearException(v)
        case .reraiseCaught(let v, let newEntry):
            try lowerReraise(v, newEntry: newEntry)
        default:
            throw fail("an object-mode statement reached nopython lowering")
        }
    }

    func lowerTerminator(_ t: Terminator) throws {
        switch t {
        case .jump(let l):
            b.br(blocks[l.id])
        case .branch(let c, let yes, let no):
            b.condBr(try load(c), blocks[yes.id], blocks[no.id])
        case .ret(let v):
            let raw = try load(v)
            retain(raw, typed.type(of: v))  // the caller's reference
            let value = try cast(raw, from: typed.type(of: v), to: typed.returnType)
            releaseAllSlots()
            if convention != .status {
                LLVMBuildRet(b.builder, value)
                return
            }
            b.store(value, LLVMGetParam(fn, 0))
            LLVMBuildRet(b.builder, b.int(0, b.i32))
        case .forIter(let it, let value, let body, let exit) where typed.type(of: it).isArrayIter:
            try arrayForIter(it, value, body, exit)
        case .forIter(let it, let value, let body, let exit):
            if typed.type(of: it) != .rangeIter { return try lowerIteratorStep(it, value: value, body: body, exit: exit) }
            let stateSlot = try slot(it)
            // State {cur, remaining, step}: counting the remaining values keeps loops near
            // the int64 limits exact, and gives LLVM a plain trip count.
            let state = b.load(ty(.rangeIter), stateSlot)
            let cur = b.extract(state, 0), remaining = b.extract(state, 1), step = b.extract(state, 2)
            let advance = b.appendBlock(fn, "for.next")
            b.condBr(b.icmp(LLVMIntSGT, remaining, b.int(0)), advance, blocks[exit.id])
            b.position(at: advance)
            b.store(cur, try slot(value))
            var next = LLVMGetUndef(ty(.rangeIter))!
            next = b.insert(next, LLVMBuildAdd(b.builder, cur, step, "")!, 0)
            next = b.insert(next, LLVMBuildSub(b.builder, remaining, b.int(1), "")!, 1)
            next = b.insert(next, step, 2)
            b.store(next, stateSlot)
            b.br(blocks[body.id])
        case .raise(let v):
            guard let v = v else { throw fail("bare raise") }
            let (cls, msg): (String, String?)
            if let info = exceptionOf[v] {
                (cls, msg) = info
            } else if case .exceptionClass(let c) = typed.type(of: v) {
                (cls, msg) = (c, nil)
            } else {
                throw fail("cannot tell which exception is raised")
            }
            raise(cls, msg)
        case .unreachable:
            LLVMBuildUnreachable(b.builder)
        }
    }

    // MARK: conversions

    func cast(_ v: LLVMValueRef, from: JITType, to: JITType) throws -> LLVMValueRef {
        if from == to { return v }
        switch (from, to) {
        case (.boolean, .int64): return LLVMBuildZExt(b.builder, v, b.i64, "")
        case (.boolean, .float64): return LLVMBuildUIToFP(b.builder, v, b.f64, "")
        case (.int64, .float64): return LLVMBuildSIToFP(b.builder, v, b.f64, "")
        case (.none, .optional(let inner)):
            return b.insert(LLVMGetUndef(ty(.optional(inner))), b.bool(false), 0)
        case (.optional(let x), .optional(let y)):
            let valid = b.extract(v, 0)
            let inner = try cast(b.extract(v, 1), from: x, to: y)
            return b.insert(b.insert(LLVMGetUndef(ty(to)), valid, 0), inner, 1)
        case (_, .optional(let inner)):
            let value = try cast(v, from: from, to: inner)
            return b.insert(b.insert(LLVMGetUndef(ty(to)), b.bool(true), 0), value, 1)
        case (.array(let x), .array(let y)) where x.dtype == y.dtype && x.ndim == y.ndim:
            return v  // same representation; only what the compiler may assume differs
        case (.list(let x), .list(let y)) where x != .undetermined && from.nativeListKind != to.nativeListKind:
            // Lists of numbers store their elements unboxed: one list cannot be seen as both.
            throw fail("a list of \(x) is used where a list of \(y) is expected; build it with \(y) elements")
        case (.tuple(let xs), .tuple(let ys)) where xs.count == ys.count:
            var out = LLVMGetUndef(ty(to))!
            for i in 0..<xs.count { out = b.insert(out, try cast(b.extract(v, i), from: xs[i], to: ys[i]), i) }
            return out
        default:
            return try languageCast(v, from: from, to: to)
        }
    }

    /// Python truth of a value.
    func truth(_ v: LLVMValueRef, _ t: JITType) throws -> LLVMValueRef {
        switch t {
        case .boolean: return v
        case .int64: return b.icmp(LLVMIntNE, v, b.int(0))
        case .float64: return b.fcmp(LLVMRealUNE, v, b.double(0))
        case .none: return b.bool(false)
        case .tuple(let items): return b.bool(!items.isEmpty)
        case .optional(let inner):
            let valid = b.extract(v, 0)
            return b.and(valid, try truth(b.extract(v, 1), inner))
        default: return try languageTruth(v, t)
        }
    }

    // MARK: expressions

    func lowerExpr(_ e: Expr, _ t: JITType, _ ref: StmtRef, target: Var) throws -> LLVMValueRef {
        if let v = try lowerFusedExpr(e, t, ref) { return v }
        if let v = try lowerLanguageExpr(e, t, ref, target: target) { return v }
        switch e {
        case .arg(let i):
            return LLVMGetParam(fn, UInt32(i + 2))
        case .const(let c):
            return try constant(c, t)
        case .copy(let v):
            if let info = exceptionOf[v] { exceptionOf[target] = info }
            if let flag = definedFlags[v], !definedHere.contains(v) {
                raiseIf(b.not(b.load(b.i1, flag)), "UnboundLocalError",
                        PythonVersion.running.unboundLocalMessage(typed.ir.name(of: v)))
            }
            // A read narrowed by an `is None` test (Types/Narrowing.swift): the value itself.
            if case .optional(let inner) = typed.type(of: v), t == inner { return b.extract(try load(v), 1) }
            return try load(v)
        case .global(let name), .freevar(let name):
            guard let g = typed.globals[name] else { throw fail("unresolved global \(name)") }
            return try globalValue(g, t)
        case .getattr(let obj, let attr):
            if case .array(let a) = typed.type(of: obj) {
                if case .boundMethod = t { return try load(obj) }
                return try arrayAttribute(try load(obj), a, attr, result: t)
            }
            if let c = Registry.mathConstants[attr], t == .float64 { return b.double(c) }
            return LLVMConstNull(ty(t))
        case .binary(let op, let x, let y, _) where t.isArray:
            return try elementwise(.binary(op), [try load(x), try load(y)], [typed.type(of: x), typed.type(of: y)], result: t)
        case .unary(let op, let x) where t.isArray:
            return try elementwise(.unary(op), [try load(x)], [typed.type(of: x)], result: t)
        case .compare(let op, let x, let y) where t.isArray:
            return try elementwise(.compare(op), [try load(x), try load(y)], [typed.type(of: x), typed.type(of: y)], result: t)
        case .binary(let op, let x, let y, _):
            if t == .int64, op == .floorDiv || op == .mod, typed.type(of: x) == .int64,
               case .int(let divisor)? = constants[y], divisor > 0, divisor & (divisor - 1) == 0 {
                // Floor division and modulo by a power of two are a shift and a mask in two's complement.
                let shift = Int64(divisor.trailingZeroBitCount)
                let a = try load(x)
                return op == .floorDiv ? LLVMBuildAShr(b.builder, a, b.int(shift), "")
                                       : b.and(a, b.int(divisor - 1))
            }
            let value = try binary(op, try load(x), typed.type(of: x), try load(y), typed.type(of: y), result: t)
            if reassociableSums.contains(x) || reassociableSums.contains(y) { allowReassociation(value) }
            return value
        case .unary(let op, let x):
            return try unary(op, try load(x), typed.type(of: x), result: t)
        case .compare(let op, let x, let y):
            return try compare(op, try load(x), typed.type(of: x), try load(y), typed.type(of: y))
        case .truth(let v):
            return try truth(try load(v), typed.type(of: v))
        case .call(let callee, let args, _):
            guard let resolution = typed.calls[ref] else { throw fail("unresolved call") }
            var values = try args.map { try load($0) }
            var types = args.map { typed.type(of: $0) }
            if case .boundMethod(let receiver, _) = typed.type(of: callee) {
                values.insert(try load(callee), at: 0)
                types.insert(receiver, at: 0)
            }
            if !resolution.parameters.isEmpty {
                let given = values, givenTypes = types
                values = []; types = []
                var present: [Bool] = []
                for p in resolution.parameters {
                    present.append(p != nil)
                    values.append(p.map { given[$0] } ?? LLVMConstNull(b.i8))
                    types.append(p.map { givenTypes[$0] } ?? .none)
                }
                return try numpyCall(resolution.impl, values, types, present: present, result: t)
            }
            if case .makeException(let message) = resolution.impl, case .exceptionInstance(let cls) = t {
                exceptionOf[target] = (cls, args.isEmpty ? nil : message)
                return LLVMConstNull(b.i8)
            }
            return try call(resolution.impl, values, types, result: t)
        case .buildTuple(let items):
            var out = LLVMGetUndef(ty(t))!
            for (i, v) in items.enumerated() { out = b.insert(out, try load(v), i) }
            return out
        case .staticGetitem(let v, let i):
            return b.extract(try load(v), i)
        case .getiter(let v):
            if case .array = typed.type(of: v) {
                return b.insert(b.insert(LLVMGetUndef(ty(t)), try load(v), 0), b.int(0), 1)
            }
            return rangeIterator(try load(v))
        case .getitem(let v, let i):
            guard case .array(let a) = typed.type(of: v) else { throw fail("getitem on \(typed.type(of: v))") }
            return try arrayGetitem(try load(v), a, try load(i), typed.type(of: i), result: t)
        case .buildSlice(let parts):
            return try buildSlice(parts)
        case .buildList, .buildSet, .buildMap, .buildString, .formatValue:
            throw fail("a container expression reached the general lowering")
        case .caughtException:
            return lowerCaughtException()
        case .exceptionMatches(let exc, let cls):
            return try lowerExceptionMatches(exc, cls)
        default:
            throw fail("\(e.objectModeFeature) reached nopython lowering")
        }
    }

    func constant(_ c: Constant, _ t: JITType) throws -> LLVMValueRef {
        switch (c, t) {
        case (.none, _): return LLVMConstNull(ty(t))
        case (.bool(let v), .boolean): return b.bool(v)
        case (.int(let v), .int64): return b.int(v)
        case (.float(let v), .float64): return b.double(v)
        case (.string(let s), .string): return stringConstant(s)  // a new reference
        case (.string, _): return LLVMConstNull(b.i8)
        case (.tuple(let items), .tuple(let types)):
            var out = LLVMGetUndef(ty(t))!
            for (i, (item, it)) in zip(items, types).enumerated() { out = b.insert(out, try constant(item, it), i) }
            return out
        default: return try languageConstant(c, t)
        }
    }

    func globalValue(_ g: GlobalValue, _ t: JITType) throws -> LLVMValueRef {
        switch (g, t) {
        case (.int(let v), .int64): return b.int(v)
        case (.float(let v), .float64): return b.double(v)
        case (.bool(let v), .boolean): return b.bool(v)
        case (.tuple(let items), .tuple(let types)):
            var out = LLVMGetUndef(ty(t))!
            for (i, (item, it)) in zip(items, types).enumerated() { out = b.insert(out, try globalValue(item, it), i) }
            return out
        case (.complex(let r, let i), .complex128): return complexValue(b.double(r), b.double(i))
        default: return LLVMConstNull(ty(t))
        }
    }

    // MARK: calls

    func call(_ impl: CallImpl, _ args: [LLVMValueRef], _ types: [JITType], result: JITType) throws -> LLVMValueRef {
        switch impl {
        case .range:
            let ints = try zip(args, types).map { try cast($0, from: $1, to: .int64) }
            let (start, stop, step): (LLVMValueRef, LLVMValueRef, LLVMValueRef)
            switch ints.count {
            case 1: (start, stop, step) = (b.int(0), ints[0], b.int(1))
            case 2: (start, stop, step) = (ints[0], ints[1], b.int(1))
            default:
                (start, stop, step) = (ints[0], ints[1], ints[2])
                raiseIf(b.icmp(LLVMIntEQ, step, b.int(0)), "ValueError", "range() arg 3 must not be zero")
            }
            var r = LLVMGetUndef(ty(.range))!
            r = b.insert(r, start, 0); r = b.insert(r, stop, 1); r = b.insert(r, step, 2)
            return r
        case .abs:
            if result == .float64 { return b.intrinsic("llvm.fabs", [b.f64], [args[0]]) }
            let v = try cast(args[0], from: types[0], to: .int64)
            let neg = LLVMBuildSub(b.builder, b.int(0), v, "")!
            return b.select(b.icmp(LLVMIntSLT, v, b.int(0)), neg, v)
        case .minMax(let isMax):
            // Python's semantics: keep the current value unless the next one is strictly better.
            var best = try cast(args[0], from: types[0], to: result)
            for (v, t) in zip(args.dropFirst(), types.dropFirst()) {
                let c = try cast(v, from: t, to: result)
                let better = try compare(isMax ? .gt : .lt, c, result, best, result)
                best = b.select(better, c, best)
            }
            return best
        case .toInt:
            switch types[0] {
            case .float64: return floatToInt(args[0])
            default: return try cast(args[0], from: types[0], to: .int64)
            }
        case .toFloat:
            return try cast(args[0], from: types[0], to: .float64)
        case .toBool:
            return try truth(args[0], types[0])
        case .math(let name):
            return try math(name, args, types)
        case .makeException:
            return LLVMConstNull(b.i8)
        case .numpy, .arrayMethod:
            return try numpyCall(impl, args, types, present: Array(repeating: true, count: args.count), result: result)
        case .language:
            throw fail("a language call reached the registry's lowering")
        case .container:
            throw fail("a container call reached the registry's lowering")
        }
    }

    /// float -> int64 as Python's int() does, raising for NaN and infinities.
    func floatToInt(_ v: LLVMValueRef) -> LLVMValueRef {
        raiseIf(b.fcmp(LLVMRealUNO, v, v), "ValueError", "cannot convert float NaN to integer")
        let inf = b.fcmp(LLVMRealOEQ, b.intrinsic("llvm.fabs", [b.f64], [v]), b.double(.infinity))
        raiseIf(inf, "OverflowError", "cannot convert float infinity to integer")
        // Python would give a bigger int; nopython ints are int64.
        let outside = b.or(b.fcmp(LLVMRealOGE, v, b.double(9223372036854775808.0)),
                           b.fcmp(LLVMRealOLT, v, b.double(-9223372036854775808.0)))
        raiseIf(outside, "OverflowError", "float value too large to convert to int64")
        return b.intrinsic("llvm.fptosi.sat", [b.i64, b.f64], [v])
    }

    func math(_ name: String, _ args: [LLVMValueRef], _ types: [JITType]) throws -> LLVMValueRef {
        if Registry.mathIntegers.contains(name) { return try mathInteger(name, args, types) }
        let xs = try zip(args, types).map { try cast($0, from: $1, to: .float64) }
        let x = xs[0]
        switch name {
        case "sqrt", "exp", "log", "log2", "log10", "sin", "cos":
            return b.intrinsic("llvm.\(name)", [b.f64], [x])
        case "fabs": return b.intrinsic("llvm.fabs", [b.f64], [x])
        case "floor", "ceil", "trunc":
            // Python's math.floor and friends return an int.
            if types[0] != .float64 { return try cast(args[0], from: types[0], to: .int64) }
            return floatToInt(b.intrinsic("llvm.\(name)", [b.f64], [x]))
        case "pow": return b.intrinsic("llvm.pow", [b.f64], [x, xs[1]])
        case "copysign": return b.intrinsic("llvm.copysign", [b.f64], [x, xs[1]])
        case "fmod": return LLVMBuildFRem(b.builder, x, xs[1], "")
        case "degrees": return LLVMBuildFMul(b.builder, x, b.double(180.0 / Double.pi), "")
        case "radians": return LLVMBuildFMul(b.builder, x, b.double(Double.pi / 180.0), "")
        case "isnan": return b.fcmp(LLVMRealUNO, x, x)
        case "isinf": return b.fcmp(LLVMRealOEQ, b.intrinsic("llvm.fabs", [b.f64], [x]), b.double(.infinity))
        case "isfinite": return b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [x]), b.double(.infinity))
        case "gamma": return b.libm("tgamma", [x])
        case "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "expm1", "log1p",
             "erf", "erfc", "lgamma", "atan2", "hypot":
            return b.libm(name, xs)
        default:
            throw fail("math.\(name)")
        }
    }
}
