import CLLVM

/// One entry of the data array an object-mode function receives: the Python
/// objects its code needs, made by the dispatcher once per function and kept
/// alive by it (so no object address is baked into the code).
public enum ObjectModeDatum: Hashable, Sendable {
    /// The function's `__globals__` dict and its builtins dict.
    case globals, builtins
    /// `co_consts[index]` when `index` is given, else an object built from the value.
    case constant(Int?, Constant)
    /// An (interned) str: attribute, global and import names.
    case name(String)
    /// A tuple of str: the keyword names of a call.
    case names([String])
    /// The cell of a free variable (from the function's `__closure__`).
    case freevarCell(String)
    /// Not an object: the address of the lifted loops' table (`LiftedLoopTable` in the extension).
    case liftedLoops
}

/// Lowers an `IRFunction` to object-mode LLVM IR:
/// `PyObject *name(PyObject *const *args, Py_ssize_t nargs, PyObject **data)`.
///
/// Every variable is a `PyObject *` slot that owns one reference (or is NULL
/// when unbound); assigning releases the old value, and every exit releases all
/// slots. Each operation is a call into the CPython C API (or a helper of
/// `Sources/CPython/objmode.c`) whose result is checked: NULL / -1 jumps to the
/// error exit, which adds a traceback entry for the failing line and returns
/// NULL with the exception left set.
final class ObjectLowering {
    let b: IRBuilder
    let ir: IRFunction
    let code: CodeObject
    let fn: LLVMValueRef
    /// What the dispatcher puts in each entry of the data array.
    private(set) var data: [ObjectModeDatum] = []
    private var dataIndex: [ObjectModeDatum: Int] = [:]
    private var slots: [LLVMValueRef] = []
    private var blocks: [LLVMBasicBlockRef] = []
    private let allocas: LLVMBuilderRef
    private let allocaBlock: LLVMBasicBlockRef
    private var errorBlock: LLVMBasicBlockRef! = nil
    /// Where failures of the block being lowered go: the error exit, or its handler's landing pad.
    private var errorTarget: LLVMBasicBlockRef! = nil
    private var exitBlock: LLVMBasicBlockRef! = nil
    private var resultSlot: LLVMValueRef! = nil
    private var lineSlot: LLVMValueRef! = nil
    private let minor: Int
    /// Temporaries read exactly once: released right after their use.
    private var singleUse: Set<Var> = []
    /// Truth values of `truth(x)` temporaries only a branch reads, kept as i1.
    private var pendingTruth: [Var: LLVMValueRef] = [:]
    /// `obj.name(...)`: the getattr temporaries only a call in the same block uses, which
    /// becomes `PyObject_VectorcallMethod` (no bound method is made, as CPython's LOAD_METHOD).
    private var methods: [Var: (object: Var, name: String)] = [:]
    /// `obj.name(...)` where something that can fail comes between the lookup and the call:
    /// the getattr is a LOAD_METHOD (`swiftjit_obj_load_method`) whose `self`, when the
    /// callable is the class's function, waits in its own slot (value) for the call.
    private var loadMethods: [Var: LLVMValueRef] = [:]
    private var selfSlots: [LLVMValueRef] = []
    /// `$t = copy(x)` of a local read once, before anything can change `x`: `$t` borrows
    /// x's reference (no incref/decref, no slot of its own; `read($t)` reads x's slot).
    private var borrowed: [Var: Var] = [:]
    /// `$t = const(k)` read once by a statement: `read($t)` is the data array's reference.
    private var borrowedConstants: [Var: Constant] = [:]
    /// `{k1: v1, ...}` with constant keys (BUILD_CONST_KEY_MAP): the dict's constant key
    /// tuple; its `const` and `static_getitem` statements (in `skipped`) are not lowered.
    private var constKeyMaps: [Var: Constant] = [:]
    private var skipped: Set<Var> = []
    /// `compare(op, l, r)` temporaries only a branch's `truth` reads: the comparison is made by
    /// that `truth` without a bool object (`swiftjit_obj_compare_truth`).
    private var fusedCompares: [Var: (op: CompareOperator, left: Var, right: Var)] = [:]
    /// The per-site caches of global lookups, each an internal global of the module.
    private lazy var globalCacheType: LLVMTypeRef = b.structType([b.ptr, b.i64, b.i64, b.ptr])
    /// The per-site caches of attribute loads, stores and method calls (`swiftjit_attr_cache`).
    private lazy var attrCacheType: LLVMTypeRef = b.structType([b.ptr, b.i64, b.ptr, b.i64, b.i64, b.ptr])

    /// A new zero-initialized internal global of `type`: one call site's cache.
    private func siteCache(_ type: LLVMTypeRef, _ name: String) -> LLVMValueRef {
        let cache = LLVMAddGlobal(b.module, type, name)!
        LLVMSetInitializer(cache, LLVMConstNull(type))
        LLVMSetLinkage(cache, LLVMInternalLinkage)
        return cache
    }

    init(builder: IRBuilder, ir: IRFunction, code: CodeObject, name: String) {
        self.b = builder
        self.ir = ir
        self.code = code
        self.minor = code.version.minor
        fn = LLVMAddFunction(builder.module, name, builder.functionType(builder.ptr, [builder.ptr, builder.i64, builder.ptr]))!
        allocas = LLVMCreateBuilderInContext(builder.context)!
        allocaBlock = builder.appendBlock(fn, "entry")
        LLVMPositionBuilderAtEnd(allocas, allocaBlock)
    }

    deinit { LLVMDisposeBuilder(allocas) }

    // MARK: small helpers

    private func c(_ name: String, _ ret: LLVMTypeRef, _ params: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
        let ft = b.functionType(ret, params)
        return b.call(ft, b.declare(name, ft), args)
    }
    private var null: LLVMValueRef { LLVMConstNull(b.ptr) }

    private func alloca(_ t: LLVMTypeRef, _ name: String) -> LLVMValueRef {
        LLVMBuildAlloca(allocas, t, name)!
    }

    private func datum(_ d: ObjectModeDatum) -> Int {
        if let i = dataIndex[d] { return i }
        data.append(d)
        dataIndex[d] = data.count - 1
        return data.count - 1
    }
    /// The object at a data entry (borrowed).
    private func load(_ d: ObjectModeDatum) -> LLVMValueRef {
        let p = b.gep(b.ptr, LLVMGetParam(fn, 2)!, [b.int(Int64(datum(d)))])
        return b.load(b.ptr, p)
    }
    private func constant(_ k: Constant) -> ObjectModeDatum {
        let key = Compiler.canonical(k)
        let index = code.constants.firstIndex { Compiler.canonical($0) == key }
        return .constant(index, k)
    }
    private func cString(_ s: String) -> LLVMValueRef {
        let bytes = Array(s.utf8) + [0]
        return bytes.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { c in
                let v = LLVMConstStringInContext(b.context, c.baseAddress, UInt32(bytes.count), 1)!
                let g = LLVMAddGlobal(b.module, LLVMTypeOf(v), "s")!
                LLVMSetInitializer(g, v)
                LLVMSetGlobalConstant(g, 1)
                LLVMSetLinkage(g, LLVMPrivateLinkage)
                return g
            }
        }
    }

    // Reference counting, inlined the way each CPython version's Py_INCREF / Py_DECREF do it.
    private lazy var increfFn: LLVMValueRef = makeRefcountFunction(increment: true)
    private lazy var decrefFn: LLVMValueRef = makeRefcountFunction(increment: false)

    private func makeRefcountFunction(increment: Bool) -> LLVMValueRef {
        let name = increment ? "swiftjit.obj.incref" : "swiftjit.obj.decref"
        let ft = b.functionType(b.void, [b.ptr])
        let f = LLVMAddFunction(b.module, name, ft)!
        LLVMSetLinkage(f, LLVMPrivateLinkage)
        b.addAttribute(f, "alwaysinline", at: UInt32.max)
        let saved = b.currentBlock
        let entry = b.appendBlock(f, "entry"), done = b.appendBlock(f, "done")
        b.position(at: done)
        LLVMBuildRetVoid(b.builder)
        b.position(at: entry)
        let o = LLVMGetParam(f, 0)!
        if increment {
            if minor <= 11 {
                let r = b.load(b.i64, o)
                b.store(LLVMBuildAdd(b.builder, r, b.int(1), ""), o)
                b.br(done)
            } else {
                // 3.12+: the low 32 bits; immortal objects (adding one would wrap to 0) stay as they are.
                let r = b.load(b.i32, o)
                let n = LLVMBuildAdd(b.builder, r, b.int(1, b.i32), "")!
                let store = b.appendBlock(f, "store")
                b.condBr(b.icmp(LLVMIntEQ, n, b.int(0, b.i32)), done, store)
                b.position(at: store)
                b.store(n, o)
                b.br(done)
            }
        } else {
            let r = b.load(b.i64, o)
            let dec = b.appendBlock(f, "dec")
            if minor >= 12 {
                // Immortal objects: the low 32 bits, read as signed, are negative.
                b.condBr(b.icmp(LLVMIntSLT, LLVMBuildTrunc(b.builder, r, b.i32, ""), b.int(0, b.i32)), done, dec)
            } else {
                b.br(dec)
            }
            b.position(at: dec)
            let n = LLVMBuildSub(b.builder, r, b.int(1), "")!
            b.store(n, o)
            let dealloc = b.appendBlock(f, "dealloc")
            b.condBr(b.icmp(LLVMIntEQ, n, b.int(0)), dealloc, done)
            b.position(at: dealloc)
            _ = c("_Py_Dealloc", b.void, [b.ptr], [o])
            b.br(done)
        }
        b.position(at: saved)
        return f
    }

    private func incref(_ o: LLVMValueRef) { b.call(LLVMGlobalGetValueType(increfFn), increfFn, [o]) }
    private func decref(_ o: LLVMValueRef) { b.call(LLVMGlobalGetValueType(decrefFn), decrefFn, [o]) }
    /// Py_XDECREF.
    private func xdecref(_ o: LLVMValueRef) {
        let yes = b.appendBlock(fn, "xdecref"), next = b.appendBlock(fn, "xdecref.done")
        b.condBr(b.icmp(LLVMIntEQ, o, null), next, yes)
        b.position(at: yes)
        decref(o)
        b.br(next)
        b.position(at: next)
    }

    /// Jumps to the error exit when `failed`.
    private func check(_ failed: LLVMValueRef) {
        let ok = b.appendBlock(fn, "ok")
        b.condBr(failed, errorTarget, ok)
        b.position(at: ok)
    }
    /// A new reference from the C API: checked for NULL.
    @discardableResult
    private func owned(_ v: LLVMValueRef) -> LLVMValueRef {
        check(b.icmp(LLVMIntEQ, v, null))
        return v
    }
    /// A status from the C API: checked for -1 (any negative value).
    private func status(_ v: LLVMValueRef) {
        check(b.icmp(LLVMIntSLT, v, LLVMConstInt(LLVMTypeOf(v), 0, 1)))
    }
    private func newRef(_ v: LLVMValueRef) -> LLVMValueRef {
        incref(v)
        return v
    }

    // MARK: variables

    private func isLocal(_ v: Var) -> Bool { !ir.name(of: v).hasPrefix("$") }

    /// The value of `v` (borrowed); an unbound Python local raises UnboundLocalError.
    private func read(_ v: Var) -> LLVMValueRef {
        if let x = borrowed[v] { return b.load(b.ptr, slots[x.id]) }  // bound: checked at the copy
        if let k = borrowedConstants[v] { return load(constant(k)) }
        let value = b.load(b.ptr, slots[v.id])
        if isLocal(v) {
            let unbound = b.appendBlock(fn, "unbound"), ok = b.appendBlock(fn, "bound")
            b.condBr(b.icmp(LLVMIntEQ, value, null), unbound, ok)
            b.position(at: unbound)
            _ = c("swiftjit_obj_unbound", b.void, [b.ptr, b.i32], [cString(ir.name(of: v)), b.int(Int64(minor), b.i32)])
            b.br(errorTarget)
            b.position(at: ok)
        }
        return value
    }

    /// Stores a new reference into `v`'s slot, releasing the old value.
    private func assign(_ v: Var, _ value: LLVMValueRef) {
        let old = b.load(b.ptr, slots[v.id])
        b.store(value, slots[v.id])
        xdecref(old)
    }

    /// Releases the single-use temporaries among `vars` (after their one use).
    private func releaseUsed(_ vars: [Var]) {
        for v in Set(vars) where singleUse.contains(v) && pendingTruth[v] == nil && borrowed[v] == nil
            && borrowedConstants[v] == nil {
            let old = b.load(b.ptr, slots[v.id])
            b.store(null, slots[v.id])
            xdecref(old)
        }
    }

    // MARK: driver

    func lower() throws -> LLVMValueRef {
        var useCount = [Int](repeating: 0, count: ir.varNames.count)
        var assignCount = [Int](repeating: 0, count: ir.varNames.count)
        for block in ir.blocks {
            for s in block.statements {
                for v in s.node.operands { useCount[v.id] += 1 }
                if case .assign(let v, let e) = s.node {
                    assignCount[v.id] += 1
                    if case .makeCell(let inner) = e { useCount[inner.id] += 1 }
                }
            }
            switch block.terminator.node {
            case .branch(let v, _, _), .ret(let v): useCount[v.id] += 1
            case .forIter(let it, let v, _, _): useCount[it.id] += 1; assignCount[v.id] += 1
            case .raise(let v?): useCount[v.id] += 1
            default: break
            }
        }
        for (i, name) in ir.varNames.enumerated()
        where name.hasPrefix("$") && !name.hasPrefix("$phi") && useCount[i] == 1 && assignCount[i] == 1 {
            singleUse.insert(Var(i))
        }
        for block in ir.blocks {
            var candidates: [Var: (object: Var, name: String)] = [:]
            var fusable: Set<Var> = []  // candidates with nothing that can fail since the lookup
            for s in block.statements {
                guard case .assign(let v, let e) = s.node else { fusable = []; continue }
                if case .getattr(let o, let name) = e, singleUse.contains(v) {
                    candidates[v] = (o, name)
                    if singleUse.contains(o) { fusable.insert(v) }
                } else if case .call(let f, let args, _) = e, let m = candidates[f], !args.contains(f) {
                    if fusable.contains(f) {
                        methods[f] = m
                    } else {
                        let selfSlot = alloca(b.ptr, "self.\(m.name)")
                        LLVMBuildStore(allocas, null, selfSlot)
                        loadMethods[f] = selfSlot
                        selfSlots.append(selfSlot)
                    }
                    candidates[f] = nil
                    fusable = []
                } else if !cannotFail(e) {
                    // The attribute is looked up before the arguments are evaluated: only
                    // arguments that cannot fail may come between a fused lookup and call.
                    fusable = []
                }
            }
        }
        for block in ir.blocks {
            let stmts = block.statements
            for (i, s) in stmts.enumerated() where i + 1 < stmts.count {
                guard case .assign(let c, .compare(let op, let l, let r)) = s.node,
                      ObjectLowering.compareCodes[op] != nil, singleUse.contains(c),
                      case .assign(let t, .truth(c)) = stmts[i + 1].node,
                      singleUse.contains(t), usedOnlyByBranch(t) else { continue }
                fusedCompares[c] = (op, l, r)
            }
        }
        for block in ir.blocks {
            findConstKeyMaps(block.statements, useCount: useCount)
            findBorrowedCopies(block.statements)
        }
        for (i, name) in ir.varNames.enumerated() {
            let s = alloca(b.ptr, "v.\(name)")
            LLVMBuildStore(allocas, null, s)
            slots.append(s)
            _ = i
        }
        resultSlot = alloca(b.ptr, "result")
        LLVMBuildStore(allocas, null, resultSlot)
        lineSlot = alloca(b.i64, "line")
        LLVMBuildStore(allocas, b.int(Int64(ir.firstLine)), lineSlot)
        errorBlock = b.appendBlock(fn, "error")
        exitBlock = b.appendBlock(fn, "exit")
        for block in ir.blocks { blocks.append(b.appendBlock(fn, "b\(block.label.id)")) }

        // Argument count check (the dispatcher binds arguments first, so this is a safety net).
        let start = b.appendBlock(fn, "start")
        b.position(at: start)
        let nargs = LLVMGetParam(fn, 1)!
        let wrong = b.appendBlock(fn, "wrong_args")
        b.condBr(b.icmp(LLVMIntEQ, nargs, b.int(Int64(code.totalArgCount))), blocks[0], wrong)
        b.position(at: wrong)
        _ = c("swiftjit_obj_wrong_args", b.void, [b.ptr, b.i64, b.i64],
              [cString(code.name), b.int(Int64(code.totalArgCount)), nargs])
        b.br(exitBlock)

        for (i, block) in ir.blocks.enumerated() {
            errorTarget = errorBlock
            if let h = block.handler {
                // Landing pad: a traceback entry for the failing line, then the exception
                // object goes into the handler's stack variable.
                let landing = b.appendBlock(fn, "landing\(i)")
                b.position(at: landing)
                _ = c("swiftjit_obj_traceback", b.void, [b.ptr, b.ptr, b.i64],
                      [cString(code.name), cString(code.filename), b.load(b.i64, lineSlot)])
                assign(h.exception, c("swiftjit_obj_fetch_exception", b.ptr, [], []))
                if let lasti = h.lasti { assign(lasti, newRef(load(.constant(nil, .none)))) }
                b.br(blocks[h.label.id])
                errorTarget = landing
            }
            b.position(at: blocks[i])
            for s in block.statements {
                setLine(s.position)
                try lower(s.node, position: s.position)
            }
            setLine(block.terminator.position)
            try lower(block.terminator.node)
        }

        // Error exit: a traceback entry for the failing line, then release everything.
        b.position(at: errorBlock)
        let line = b.load(b.i64, lineSlot)
        _ = c("swiftjit_obj_traceback", b.void, [b.ptr, b.ptr, b.i64],
              [cString(code.name), cString(code.filename), line])
        b.br(exitBlock)

        b.position(at: exitBlock)
        for s in slots + selfSlots {
            let v = b.load(b.ptr, s)
            xdecref(v)
        }
        LLVMBuildRet(b.builder, b.load(b.ptr, resultSlot))

        LLVMBuildBr(allocas, start)
        return fn
    }

    /// Fills `constKeyMaps` and `skipped` for one block: `K = const(tuple)`, `$ki =
    /// static_getitem(K, i)` for each key, `build_map($k0: v0, ...)`, each read only there.
    private func findConstKeyMaps(_ stmts: [Located<Stmt>], useCount: [Int]) {
        var constants: [Var: Constant] = [:], items: [Var: (tuple: Var, index: Int)] = [:]
        for s in stmts {
            guard case .assign(let v, let e) = s.node else { continue }
            switch e {
            case .const(let k):
                if case .tuple = k { constants[v] = k }
            case .staticGetitem(let t, let i) where constants[t] != nil && singleUse.contains(v):
                items[v] = (t, i)
            case .buildMap(let keys, _) where !keys.isEmpty:
                guard let first = items[keys[0]], let k = constants[first.tuple], case .tuple(let elements) = k,
                      elements.count == keys.count, useCount[first.tuple.id] == keys.count,
                      keys.enumerated().allSatisfy({ items[$0.element]?.tuple == first.tuple && items[$0.element]?.index == $0.offset })
                else { continue }
                constKeyMaps[v] = k
                skipped.formUnion(keys)
                skipped.insert(first.tuple)
            default:
                break
            }
        }
    }

    /// Fills `borrowed` for one block: a single-use `$t = copy(x)` whose reader is a later
    /// statement of the block that reads its operands through `read`, with no statement
    /// in between (nor the reader's evaluation) able to store into x's slot.
    private func findBorrowedCopies(_ stmts: [Located<Stmt>]) {
        for (i, s) in stmts.enumerated() {
            if case .assign(let t, .const(let k)) = s.node, singleUse.contains(t), !skipped.contains(t),
               let use = stmts[(i + 1)...].firstIndex(where: { $0.node.operands.contains(t) }),
               readsThroughRead(stmts[use].node) {
                borrowedConstants[t] = k  // the data array holds the constant while the code runs
                continue
            }
            guard case .assign(let t, .copy(let x)) = s.node, isLocal(x), singleUse.contains(t),
                  let use = stmts[(i + 1)...].firstIndex(where: { $0.node.operands.contains(t) }) else { continue }
            var reader = use
            // A fused method call reads its object at the call, not at the getattr.
            if case .assign(let m, .getattr) = stmts[use].node, methods[m] != nil {
                guard let call = stmts[(use + 1)...].firstIndex(where: { $0.node.operands.contains(m) }) else { continue }
                reader = call
            }
            guard readsThroughRead(stmts[reader].node),
                  !stmts[(i + 1)...reader].contains(where: { writesSlot(of: x, $0.node) }) else { continue }
            borrowed[t] = x
        }
    }

    /// Whether lowering `s` reads every operand with `read` (no direct slot access).
    private func readsThroughRead(_ s: Stmt) -> Bool {
        switch s {
        case .assign(_, let e):
            switch e {
            case .copy, .takeLocal, .makeCell, .cellGet, .liftedLoop, .freevarCell: return false
            default: return true
            }
        case .setitem, .setattr, .listAppend, .setAdd, .mapAdd, .delitem, .delattr, .listExtend, .setUpdate,
             .dictUpdate, .storeGlobal:
            return true
        default:
            return false
        }
    }

    /// Whether `s` can store into the slot of local `x` (other than through a call's effects,
    /// which cannot reach this function's slots).
    private func writesSlot(of x: Var, _ s: Stmt) -> Bool {
        switch s {
        case .assign(let v, let e):
            if v == x { return true }
            switch e {
            case .takeLocal(x), .makeCell(x): return true
            default: return false
            }
        case .delete(let v): return v == x
        case .discard, .setitem, .setattr, .listAppend, .setAdd, .mapAdd, .delitem, .delattr, .listExtend,
             .setUpdate, .dictUpdate, .storeGlobal, .deleteGlobal:
            return false
        default:
            return true
        }
    }

    private func setLine(_ p: SourcePosition) {
        guard p.line > 0 else { return }
        b.store(b.int(Int64(p.line)), lineSlot)
    }

    // MARK: statements

    private func lower(_ s: Stmt, position: SourcePosition) throws {
        switch s {
        case .assign(let v, let e):
            if fusedCompares[v] != nil { return }  // evaluated by the branch's truth below
            if case .truth(let x) = e, let f = fusedCompares[x] {
                let t = c("swiftjit_obj_compare_truth", b.i32, [b.ptr, b.ptr, b.i32],
                          [read(f.left), read(f.right), b.int(ObjectLowering.compareCodes[f.op]!, b.i32)])
                status(t)
                releaseUsed([f.left, f.right])
                pendingTruth[v] = b.icmp(LLVMIntNE, t, b.int(0, b.i32))
                return
            }
            if case .truth(let x) = e, singleUse.contains(v), usedOnlyByBranch(v) {
                let t = c("swiftjit_obj_truth", b.i32, [b.ptr], [read(x)])
                status(t)
                releaseUsed([x])
                pendingTruth[v] = b.icmp(LLVMIntNE, t, b.int(0, b.i32))
                return
            }
            if methods[v] != nil || skipped.contains(v) || borrowedConstants[v] != nil { return }  // evaluated by the call / the dict
            if let x = borrowed[v] {
                _ = read(x)  // UnboundLocalError here, as the copy would raise
                return
            }
            let value = try lower(e, target: v)
            releaseUsed(e.operands)
            if case .call(let f, _, _) = e, let m = methods[f] { releaseUsed([m.object]) }
            assign(v, value)
            return
        case .setitem(let t, let i, let v):
            status(c("PyObject_SetItem", b.i32, [b.ptr, b.ptr, b.ptr], [read(t), read(i), read(v)]))
        case .setattr(let t, let name, let v):
            status(c("swiftjit_obj_setattr_cached", b.i32, [b.ptr, b.ptr, b.ptr, b.ptr],
                     [read(t), load(.name(name)), read(v), siteCache(attrCacheType, "setattr.cache.\(name)")]))
        case .discard:
            break
        case .delete(let v):
            let old = read(v)
            b.store(null, slots[v.id])
            decref(old)
        case .listAppend(let l, let v):
            status(c("PyList_Append", b.i32, [b.ptr, b.ptr], [read(l), read(v)]))
        case .setAdd(let l, let v):
            status(c("PySet_Add", b.i32, [b.ptr, b.ptr], [read(l), read(v)]))
        case .mapAdd(let d, let k, let v):
            status(c("PyDict_SetItem", b.i32, [b.ptr, b.ptr, b.ptr], [read(d), read(k), read(v)]))
        case .delitem(let t, let i):
            status(c("PyObject_DelItem", b.i32, [b.ptr, b.ptr], [read(t), read(i)]))
        case .delattr(let t, let name):
            status(c("PyObject_SetAttr", b.i32, [b.ptr, b.ptr, b.ptr], [read(t), load(.name(name)), null]))
        case .listExtend(let l, let v):
            status(c("swiftjit_obj_list_extend", b.i32, [b.ptr, b.ptr], [read(l), read(v)]))
        case .setUpdate(let l, let v):
            status(c("swiftjit_obj_set_update", b.i32, [b.ptr, b.ptr], [read(l), read(v)]))
        case .dictUpdate(let d, let v, let merge):
            status(c("swiftjit_obj_dict_update", b.i32, [b.ptr, b.ptr, b.i64], [read(d), read(v), b.int(merge ? 1 : 0)]))
        case .storeGlobal(let name, let v):
            status(c("swiftjit_obj_store_global", b.i32, [b.ptr, b.ptr, b.ptr], [load(.globals), load(.name(name)), read(v)]))
        case .deleteGlobal(let name):
            status(c("swiftjit_obj_delete_global", b.i32, [b.ptr, b.ptr], [load(.globals), load(.name(name))]))
        case .cellSet(let cell, let v):
            status(c("PyCell_Set", b.i32, [b.ptr, b.ptr], [b.load(b.ptr, slots[cell.id]), read(v)]))
        case .setHandledException(let v):
            _ = c("swiftjit_obj_set_handled_exception", b.void, [b.ptr], [read(v)])
        case .reraise(let v):
            _ = c("swiftjit_obj_reraise", b.void, [b.ptr], [read(v)])
            b.store(b.int(0), lineSlot)  // the exception's traceback already has this function's entry
            b.br(errorTarget)
            b.position(at: b.appendBlock(fn, "after_reraise"))
            return
        case .clearException, .reraiseCaught:
            throw CompileError(.internal, "a nopython try/except statement reached object mode", at: position,
                               stage: "lowering")
        }
        releaseUsed(s.operands)
    }

    /// Whether evaluating `e` can neither fail nor have effects.
    private func cannotFail(_ e: Expr) -> Bool {
        switch e {
        case .const: return true
        case .copy(let v): return !isLocal(v) || ir.argNames.contains(ir.name(of: v)) && !deletesArguments
        default: return false
        }
    }
    private lazy var deletesArguments: Bool = ir.blocks.contains { block in
        block.statements.contains { if case .delete = $0.node { return true }; return false }
    }

    /// Whether the only reader of `v` is its block's branch.
    private func usedOnlyByBranch(_ v: Var) -> Bool {
        for block in ir.blocks {
            if case .branch(v, _, _) = block.terminator.node {
                return !block.statements.contains { $0.node.operands.contains(v) }
            }
        }
        return false
    }

    // MARK: expressions (each returns a new, non-NULL reference)

    private func array(_ vs: [Var], extra: Int = 0) -> LLVMValueRef {
        let arr = alloca(LLVMArrayType2(b.ptr, UInt64(max(vs.count + extra, 1))), "items")
        for (i, v) in vs.enumerated() {
            b.store(read(v), b.gep(b.ptr, arr, [b.int(Int64(i + extra))]))
        }
        return arr
    }

    static let binaryFunctions: [BinaryOperator: String] = [
        .add: "Add", .sub: "Subtract", .mul: "Multiply", .trueDiv: "TrueDivide", .floorDiv: "FloorDivide",
        .mod: "Remainder", .pow: "Power", .lshift: "Lshift", .rshift: "Rshift", .and: "And", .or: "Or",
        .xor: "Xor", .matmul: "MatrixMultiply",
    ]

    /// Py_LT ... Py_GE of the rich comparisons.
    static let compareCodes: [CompareOperator: Int64] = [.lt: 0, .le: 1, .eq: 2, .ne: 3, .gt: 4, .ge: 5]

    private func lower(_ e: Expr, target: Var) throws -> LLVMValueRef {
        let p = b.ptr
        switch e {
        case .arg(let i):
            return newRef(b.load(p, b.gep(p, LLVMGetParam(fn, 0)!, [b.int(Int64(i))])))
        case .const(let k):
            return newRef(load(constant(k)))
        case .copy(let v) where !isLocal(v):
            // A temporary may hold NULL (a local saved by `take_local`): copied as it is.
            let value = b.load(p, slots[v.id])
            let yes = b.appendBlock(fn, "xincref"), next = b.appendBlock(fn, "xincref.done")
            b.condBr(b.icmp(LLVMIntEQ, value, null), next, yes)
            b.position(at: yes)
            incref(value)
            b.br(next)
            b.position(at: next)
            return value
        case .copy(let v):
            return newRef(read(v))
        case .takeLocal(let v):
            let value = b.load(p, slots[v.id])
            b.store(null, slots[v.id])
            return value
        case .global(let name):
            if name == "__build_class__" {
                return owned(c("swiftjit_obj_builtin", p, [p, p], [load(.builtins), load(.name(name))]))
            }
            let cache = siteCache(globalCacheType, "global.cache.\(name)")
            return owned(c("swiftjit_obj_global_cached", p, [p, p, p, p],
                           [load(.globals), load(.builtins), load(.name(name)), cache]))
        case .freevar(let name):
            return owned(c("swiftjit_obj_cell_get", p, [p, p, b.i32, b.i32],
                           [load(.freevarCell(name)), cString(name), b.int(Int64(minor), b.i32), b.int(1, b.i32)]))
        case .freevarCell(let name):
            return newRef(load(.freevarCell(name)))
        case .cellGet(let v, let name):
            return owned(c("swiftjit_obj_cell_get", p, [p, p, b.i32, b.i32],
                           [b.load(p, slots[v.id]), cString(name), b.int(Int64(minor), b.i32), b.int(0, b.i32)]))
        case .makeCell(let v):
            return owned(c("PyCell_New", p, [p], [b.load(p, slots[v.id])]))
        case .getattr(let v, let name) where loadMethods[target] != nil:
            let selfSlot = loadMethods[target]!
            let old = b.load(p, selfSlot)
            b.store(null, selfSlot)
            xdecref(old)
            return owned(c("swiftjit_obj_load_method", p, [p, p, p, p],
                           [read(v), load(.name(name)), siteCache(attrCacheType, "method.cache.\(name)"), selfSlot]))
        case .getattr(let v, let name):
            return owned(c("swiftjit_obj_getattr_cached", p, [p, p, p],
                           [read(v), load(.name(name)), siteCache(attrCacheType, "getattr.cache.\(name)")]))
        case .binary(let op, let l, let r, let inplace) where op == .add || op == .sub:
            return owned(c("swiftjit_obj_add_sub", p, [p, p, b.i64, b.i64],
                           [read(l), read(r), b.int(op == .add ? 0 : 1), b.int(inplace ? 1 : 0)]))
        case .binary(let op, let l, let r, let inplace):
            let fname = "PyNumber_" + (inplace ? "InPlace" : "") + ObjectLowering.binaryFunctions[op]!
            if op == .pow {
                let none = load(.constant(nil, .none))
                return owned(c(fname, p, [p, p, p], [read(l), read(r), none]))
            }
            return owned(c(fname, p, [p, p], [read(l), read(r)]))
        case .unary(let op, let v):
            switch op {
            case .neg: return owned(c("PyNumber_Negative", p, [p], [read(v)]))
            case .pos: return owned(c("PyNumber_Positive", p, [p], [read(v)]))
            case .invert: return owned(c("PyNumber_Invert", p, [p], [read(v)]))
            case .not: return owned(c("swiftjit_obj_not", p, [p], [read(v)]))
            }
        case .compare(let op, let l, let r):
            let codes = ObjectLowering.compareCodes
            switch op {
            case .is, .isNot:
                let same = b.icmp(LLVMIntEQ, read(l), read(r))
                let truth = op == .is ? same : b.not(same)
                return c("swiftjit_obj_bool", p, [b.i64], [LLVMBuildZExt(b.builder, truth, b.i64, "")])
            case .in, .notIn:
                return owned(c("swiftjit_obj_contains", p, [p, p, b.i64], [read(l), read(r), b.int(op == .notIn ? 1 : 0)]))
            default:
                return owned(c("PyObject_RichCompare", p, [p, p, b.i32], [read(l), read(r), b.int(codes[op]!, b.i32)]))
            }
        case .truth(let v):
            let t = c("swiftjit_obj_truth", b.i32, [p], [read(v)])
            status(t)
            return c("swiftjit_obj_bool", p, [b.i64], [LLVMBuildZExt(b.builder, b.icmp(LLVMIntNE, t, b.int(0, b.i32)), b.i64, "")])
        case .call(let f, let args, let keywords) where methods[f] != nil:
            let m = methods[f]!
            let argv = array([m.object] + args, extra: 1)
            let positional = Int64(args.count - keywords.count + 1)
            let nargsf = LLVMConstInt(b.i64, UInt64(positional) | (1 << 63), 0)!  // | PY_VECTORCALL_ARGUMENTS_OFFSET
            let kwnames = keywords.isEmpty ? null : load(.names(keywords))
            return owned(c("swiftjit_obj_call_method_cached", p, [p, p, b.i64, p, p],
                           [load(.name(m.name)), b.gep(p, argv, [b.int(1)]), nargsf, kwnames,
                            siteCache(attrCacheType, "method.cache.\(m.name)")]))
        case .call(let f, let args, let keywords) where loadMethods[f] != nil:
            // argv = [spare, self, args...]: from self when the lookup gave one, else from args.
            let selfSlot = loadMethods[f]!
            let argv = array(args, extra: 2)
            let selfValue = b.load(p, selfSlot)
            b.store(selfValue, b.gep(p, argv, [b.int(1)]))
            let hasSelf = b.icmp(LLVMIntNE, selfValue, null)
            let start = LLVMBuildSelect(b.builder, hasSelf, b.gep(p, argv, [b.int(1)]), b.gep(p, argv, [b.int(2)]), "")!
            let positional = Int64(args.count - keywords.count)
            let count = LLVMBuildAdd(b.builder, b.int(positional), LLVMBuildZExt(b.builder, hasSelf, b.i64, ""), "")!
            let nargsf = LLVMBuildOr(b.builder, count, LLVMConstInt(b.i64, 1 << 63, 0), "")!  // | PY_VECTORCALL_ARGUMENTS_OFFSET
            let kwnames = keywords.isEmpty ? null : load(.names(keywords))
            let r = c("swiftjit_obj_vectorcall", p, [p, p, b.i64, p], [read(f), start, nargsf, kwnames])
            b.store(null, selfSlot)
            xdecref(selfValue)
            return owned(r)
        case .call(let f, let args, let keywords):
            let argv = array(args, extra: 1)
            let positional = Int64(args.count - keywords.count)
            let nargsf = LLVMConstInt(b.i64, UInt64(positional) | (1 << 63), 0)!  // | PY_VECTORCALL_ARGUMENTS_OFFSET
            let kwnames = keywords.isEmpty ? null : load(.names(keywords))
            return owned(c("swiftjit_obj_vectorcall", p, [p, p, b.i64, p],
                           [read(f), b.gep(p, argv, [b.int(1)]), nargsf, kwnames]))
        case .buildTuple(let vs):
            return owned(c("swiftjit_obj_tuple", p, [p, b.i64], [array(vs), b.int(Int64(vs.count))]))
        case .buildList(let vs):
            return owned(c("swiftjit_obj_list", p, [p, b.i64], [array(vs), b.int(Int64(vs.count))]))
        case .buildSet(let vs):
            return owned(c("swiftjit_obj_set", p, [p, b.i64], [array(vs), b.int(Int64(vs.count))]))
        case .buildString(let vs):
            return owned(c("swiftjit_obj_string", p, [p, b.i64], [array(vs), b.int(Int64(vs.count))]))
        case .buildMap(_, let values) where constKeyMaps[target] != nil:
            return owned(c("swiftjit_obj_dict_const_keys", p, [p, p, b.i64],
                           [load(constant(constKeyMaps[target]!)), array(values), b.int(Int64(values.count))]))
        case .buildMap(let keys, let values):
            return owned(c("swiftjit_obj_dict", p, [p, p, b.i64], [array(keys), array(values), b.int(Int64(keys.count))]))
        case .formatValue(let v, let conversion, let spec):
            return owned(c("swiftjit_obj_format", p, [p, b.i64, p],
                           [read(v), b.int(Int64(conversion)), spec.map { read($0) } ?? null]))
        case .getitem(let o, let i):
            return owned(c("PyObject_GetItem", p, [p, p], [read(o), read(i)]))
        case .staticGetitem(let o, let i):
            return owned(c("swiftjit_obj_static_getitem", p, [p, b.i64], [read(o), b.int(Int64(i))]))
        case .getiter(let v):
            return owned(c("PyObject_GetIter", p, [p], [read(v)]))
        case .buildSlice(let parts):
            guard parts.count == 2 || parts.count == 3 else {
                throw CompileError(.internal, "slice with \(parts.count) parts", stage: "object lowering")
            }
            return owned(c("PySlice_New", p, [p, p, p], [read(parts[0]), read(parts[1]), parts.count == 3 ? read(parts[2]) : null]))
        case .importName(let name, let fromlist, let level):
            return owned(c("swiftjit_obj_import_name", p, [p, p, p, p],
                           [load(.name(name)), load(.globals), read(fromlist), read(level)]))
        case .importFrom(let m, let name):
            return owned(c("swiftjit_obj_import_from", p, [p, p], [read(m), load(.name(name))]))
        case .makeFunction(let codeVar, let defaults, let kwdefaults, let closure):
            return owned(c("swiftjit_obj_make_function", p, [p, p, p, p, p],
                           [read(codeVar), load(.globals), defaults.map { read($0) } ?? null,
                            kwdefaults.map { read($0) } ?? null, closure.map { read($0) } ?? null]))
        case .callEx(let f, let args, let kwargs):
            return owned(c("swiftjit_obj_call_ex", p, [p, p, p], [read(f), read(args), kwargs.map { read($0) } ?? null]))
        case .unpack(let v, let count):
            return owned(c("swiftjit_obj_unpack", p, [p, b.i64], [read(v), b.int(Int64(count))]))
        case .listToTuple(let v):
            return owned(c("PyList_AsTuple", p, [p], [read(v)]))
        case .handledException:
            return owned(c("swiftjit_obj_handled_exception", p, [], []))
        case .caughtException:
            throw CompileError(.internal, "a nopython caught exception reached object mode", stage: "lowering")
        case .exceptionMatches(let e, let t):
            return owned(c("swiftjit_obj_exception_matches", p, [p, p], [read(e), read(t)]))
        case .beforeWith(let m):
            return owned(c("swiftjit_obj_before_with", p, [p], [read(m)]))
        case .exceptionWithCause(let x, let cause):
            return owned(c("swiftjit_obj_exception_with_cause", p, [p, p], [read(x), read(cause)]))
        case .unpackEx(let v, let before, let after):
            return owned(c("swiftjit_obj_unpack_ex", p, [p, b.i64, b.i64], [read(v), b.int(Int64(before)), b.int(Int64(after))]))
        case .withExceptStart(let x, let e):
            return owned(c("swiftjit_obj_with_except_start", p, [p, p], [read(x), read(e)]))
        case .liftedLoop(let index, let vs):
            // Live-ins are passed as they are: an unbound one (NULL) makes the loop run in object mode.
            let arr = alloca(LLVMArrayType2(b.ptr, UInt64(max(vs.count, 1))), "live_ins")
            for (i, v) in vs.enumerated() { b.store(b.load(p, slots[v.id]), b.gep(p, arr, [b.int(Int64(i))])) }
            let r = c("swiftjit_obj_lifted_loop", p, [p, b.i64, p, b.i64],
                      [load(.liftedLoops), b.int(Int64(index)), arr, b.int(Int64(vs.count))])
            // The loop's native code has added this function's entry for the failing line
            // (Lowering/Traceback.swift): no second entry for the loop's line.
            let failed = b.appendBlock(fn, "lifted.failed"), ok = b.appendBlock(fn, "lifted.ok")
            b.condBr(b.icmp(LLVMIntEQ, r, null), failed, ok)
            b.position(at: failed)
            b.store(b.int(0), lineSlot)
            b.br(errorTarget)
            b.position(at: ok)
            return r
        }
    }

    // MARK: terminators

    private func lower(_ t: Terminator) throws {
        switch t {
        case .jump(let l):
            b.br(blocks[l.id])
        case .branch(let v, let yes, let no):
            let cond: LLVMValueRef
            if let pending = pendingTruth[v] {
                cond = pending
            } else {
                let t = c("swiftjit_obj_truth", b.i32, [b.ptr], [read(v)])
                status(t)
                releaseUsed([v])
                cond = b.icmp(LLVMIntNE, t, b.int(0, b.i32))
            }
            b.condBr(cond, blocks[yes.id], blocks[no.id])
        case .ret(let v):
            let value = read(v)
            if singleUse.contains(v) {
                b.store(null, slots[v.id])  // the slot's reference moves to the caller
            } else {
                incref(value)
            }
            b.store(value, resultSlot)
            b.br(exitBlock)
        case .forIter(let it, let value, let body, let exit):
            let out = alloca(b.ptr, "next")
            let r = c("swiftjit_obj_next", b.i32, [b.ptr, b.ptr], [read(it), out])
            status(r)
            let got = b.appendBlock(fn, "for.value")
            b.condBr(b.icmp(LLVMIntEQ, r, b.int(0, b.i32)), blocks[exit.id], got)
            b.position(at: got)
            assign(value, b.load(b.ptr, out))
            b.br(blocks[body.id])
        case .raise(let v):
            _ = c("swiftjit_obj_raise", b.void, [b.ptr], [v.map { read($0) } ?? null])
            if v == nil { b.store(b.int(0), lineSlot) }  // a bare raise keeps the traceback it had
            b.br(errorTarget)
        case .unreachable:
            LLVMBuildUnreachable(b.builder)
        }
    }
}
