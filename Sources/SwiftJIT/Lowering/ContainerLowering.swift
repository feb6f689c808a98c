import CLLVM

/// Lowering of str, list, dict and set values (issue 11): CPython objects
/// (`PyObject *`) reached through the C API and the helpers of
/// Sources/CPython/containers.c.
///
/// Reference counting: every variable of a managed type (`JITType.isManaged`:
/// these objects, and tuples, optionals and iterator states holding them) owns
/// one reference. Expressions produce new references (values read from another
/// variable are retained, see `producesNewReference`); an assignment releases the
/// value the variable held; every exit of the native entry (return, raise, an
/// exception from a callee or the C API) releases all such variables after the
/// return value has been retained. Arguments are borrowed from the wrapper, the
/// result is handed to it as a new reference. Elements are boxed when stored and
/// unboxed (checked against the static type) when read.
extension FunctionLowering {
    // MARK: helpers

    /// Calls a C function of the runtime or of CPython by name.
    @discardableResult
    func rt(_ name: String, _ ret: LLVMTypeRef, _ params: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
        let ft = b.functionType(ret, params)
        return b.call(ft, b.declare(name, ft), args)
    }

    /// Py_XINCREF / Py_XDECREF: inline on CPython 3.10 and 3.11 (a plain count at offset 0),
    /// through the runtime elsewhere (3.12+ has immortal objects and other layouts).
    func incref(_ p: LLVMValueRef) {
        guard PythonVersion.running.minor <= 11 else { rt("swiftjit_incref", b.void, [b.ptr], [p]); return }
        let go = b.appendBlock(fn, "incref"), done = b.appendBlock(fn, "incref.done")
        b.condBr(LLVMBuildIsNotNull(b.builder, p, "")!, go, done)
        b.position(at: go)
        b.store(LLVMBuildAdd(b.builder, b.load(b.i64, p), b.int(1), "")!, p)
        b.br(done)
        b.position(at: done)
    }
    func decref(_ p: LLVMValueRef) {
        guard PythonVersion.running.minor <= 11 else { rt("swiftjit_decref", b.void, [b.ptr], [p]); return }
        let go = b.appendBlock(fn, "decref"), free = b.appendBlock(fn, "decref.free"), done = b.appendBlock(fn, "decref.done")
        b.condBr(LLVMBuildIsNotNull(b.builder, p, "")!, go, done)
        b.position(at: go)
        let n = LLVMBuildSub(b.builder, b.load(b.i64, p), b.int(1), "")!
        b.store(n, p)
        b.condBr(b.icmp(LLVMIntEQ, n, b.int(0)), free, done)
        b.position(at: free)
        rt("_Py_Dealloc", b.void, [b.ptr], [p])
        b.br(done)
        b.position(at: done)
    }

    /// The object pointers inside a value of type `t` (null where an optional is None).
    func managedLeaves(_ v: LLVMValueRef, _ t: JITType) -> [LLVMValueRef] {
        switch t {
        case .string, .list, .dict, .set, .dictView: return [v]
        case .tuple(let items):
            return items.enumerated().flatMap { (i, it) in it.isManaged ? managedLeaves(b.extract(v, i), it) : [] }
        case .optional(let inner):
            guard inner.isManaged else { return [] }
            let flag = b.extract(v, 0)
            return managedLeaves(b.extract(v, 1), inner).map { b.select(flag, $0, LLVMConstNull(b.ptr)) }
        case .iterator(let x): return stateLeaves(v, x)
        case .enumerate(let x): return x.isManaged ? managedLeaves(b.extract(v, 1), x) : []
        case .zip(let xs):
            return xs.enumerated().flatMap { (i, x) in x.isManaged ? managedLeaves(b.extract(v, i), x) : [] }
        case .boundMethod(let r, _): return managedLeaves(v, r)
        default: return []
        }
    }

    /// The object pointers inside the state of an iterator over `x`.
    func stateLeaves(_ v: LLVMValueRef, _ x: JITType) -> [LLVMValueRef] {
        if x.nativeListKind != nil { return [b.extract(v, 0)] }
        switch x {
        case .string, .list, .dict, .set, .dictView: return [v]
        case .tuple: return x.isManaged ? managedLeaves(b.extract(v, 1), x) : []
        case .enumerate(let y): return y.iteratorStateIsManaged ? stateLeaves(b.extract(v, 1), y) : []
        case .zip(let ys):
            return ys.enumerated().flatMap { (i, y) in y.iteratorStateIsManaged ? stateLeaves(b.extract(v, i), y) : [] }
        default: return []
        }
    }

    func retain(_ v: LLVMValueRef, _ t: JITType) {
        guard t.isManaged else { return }
        for p in managedLeaves(v, t) { incref(p) }
    }

    func release(_ v: LLVMValueRef, _ t: JITType) {
        guard t.isManaged else { return }
        for p in managedLeaves(v, t) { decref(p) }
    }

    /// Releases the references held by every variable (before leaving the native entry).
    func releaseAllSlots() {
        for (i, t) in typed.varTypes.enumerated() {
            guard let t = t, t.isManaged, let s = slots[i] else { continue }
            release(b.load(ty(t), s), t)
        }
    }

    /// Whether any variable holds references.
    var hasManagedSlots: Bool { typed.varTypes.contains { $0?.isManaged ?? false } }

    /// Ends the current block: the Python exception is set already (raised by the C API).
    func raisePending() {
        let pendingKey = currentHandlerBlock == nil ? position.line : -1 - (position.line << 20 | currentIRBlock)
        if let target = pendingBlocks[pendingKey] { b.br(target); return }
        let here = b.currentBlock
        let target = b.appendBlock(fn, "raise.pending")
        b.position(at: target)
        b.store(b.externalGlobal("swiftjit_pending_exception", b.i8), LLVMGetParam(fn, 1))
        recordTraceEntry()
        exceptionExit()
        pendingBlocks[pendingKey] = target
        b.position(at: here)
        b.br(target)
    }

    /// Raises the pending Python exception when `condition` holds; continues otherwise.
    func failIf(_ condition: LLVMValueRef) {
        let fail = b.appendBlock(fn, "c.fail"), cont = b.appendBlock(fn, "c.ok")
        let expect = b.intrinsic("llvm.expect", [b.i1], [condition, b.bool(false)])
        b.condBr(expect, fail, cont)
        b.position(at: fail)
        raisePending()
        b.position(at: cont)
    }

    func failIfNull(_ p: LLVMValueRef) { failIf(LLVMBuildIsNull(b.builder, p, "")!) }
    func failIfNegative(_ r: LLVMValueRef) {
        failIf(b.icmp(LLVMIntSLT, r, LLVMConstInt(LLVMTypeOf(r), 0, 0)))
    }

    /// A str constant (made once per process): a new reference.
    func stringConstant(_ s: String) -> LLVMValueRef {
        let cache = LLVMAddGlobal(b.module, b.ptr, "strcache")!
        LLVMSetInitializer(cache, LLVMConstNull(b.ptr))
        LLVMSetLinkage(cache, LLVMPrivateLinkage)
        let r = rt("swiftjit_str_const", b.ptr, [b.ptr, b.ptr, b.i64], [cache, b.cString(s), b.int(Int64(s.utf8.count))])
        failIfNull(r)
        return r
    }

    // MARK: boxing

    /// A new reference to a Python object for the native value `v` of type `t`.
    func boxValue(_ v: LLVMValueRef, _ t: JITType) throws -> LLVMValueRef {
        switch t {
        case .int64: return rt("PyLong_FromLongLong", b.ptr, [b.i64], [v])
        case .float64: return rt("PyFloat_FromDouble", b.ptr, [b.f64], [v])
        case .boolean: return rt("swiftjit_box_bool", b.ptr, [b.i64], [LLVMBuildZExt(b.builder, v, b.i64, "")!])
        case .none: return rt("swiftjit_none_ref", b.ptr, [], [])
        case .complex128:
            return rt("PyComplex_FromDoubles", b.ptr, [b.f64, b.f64], [b.extract(v, 0), b.extract(v, 1)])
        case .literalString(let s): return stringConstant(s)
        case .string, .list, .dict, .set, .dictView:
            incref(v)
            return v
        case .array(let a):
            return try boxArrayValue(v, a)
        case .tuple(let items):
            let tuple = rt("PyTuple_New", b.ptr, [b.i64], [b.int(Int64(items.count))])
            failIfNull(tuple)
            for (i, it) in items.enumerated() {
                let item = try boxValue(b.extract(v, i), it)
                rt("PyTuple_SetItem", b.i32, [b.ptr, b.i64, b.ptr], [tuple, b.int(Int64(i)), item])
            }
            return tuple
        case .range:
            // `list(range(...))`, `sorted(range(...))`: a Python range.
            let array = entryAlloca(LLVMArrayType2(b.ptr, 3)!, "range.args")
            for i in 0..<3 {
                b.store(rt("PyLong_FromLongLong", b.ptr, [b.i64], [b.extract(v, i)]), b.gep(b.ptr, array, [b.int(Int64(i))]))
            }
            let r = rt("swiftjit_call_builtin", b.ptr, [b.ptr, b.ptr, b.i64, b.ptr],
                       [b.cString("range"), array, b.int(3), LLVMConstNull(b.ptr)])
            failIfNull(r)
            return r
        case .optional(let inner):
            let some = b.appendBlock(fn, "box.some"), none = b.appendBlock(fn, "box.none"), join = b.appendBlock(fn, "box.join")
            b.condBr(b.extract(v, 0), some, none)
            b.position(at: some)
            let boxed = try boxValue(b.extract(v, 1), inner)
            let someEnd = b.currentBlock
            b.br(join)
            b.position(at: none)
            let noneObj = rt("swiftjit_none_ref", b.ptr, [], [])
            b.br(join)
            b.position(at: join)
            return phi(b.ptr, [(boxed, someEnd), (noneObj, none)])
        default:
            throw fail("cannot store \(t) in a Python container")
        }
    }

    func phi(_ t: LLVMTypeRef, _ incoming: [(LLVMValueRef, LLVMBasicBlockRef)]) -> LLVMValueRef {
        let p = LLVMBuildPhi(b.builder, t, "")!
        var vals: [LLVMValueRef?] = incoming.map { $0.0 }
        var blocks: [LLVMBasicBlockRef?] = incoming.map { $0.1 }
        LLVMAddIncoming(p, &vals, &blocks, UInt32(incoming.count))
        return p
    }

    /// The boxed value of a variable (a new reference).
    func boxed(_ v: Var) throws -> LLVMValueRef { try boxValue(try load(v), typed.type(of: v)) }

    /// The native value of type `t` for the object `obj`, consuming the reference
    /// `obj` (a new one); raises TypeError when the object does not have that type.
    func unboxNew(_ obj: LLVMValueRef, _ t: JITType) throws -> LLVMValueRef {
        func kindCheck(_ kind: Int64, _ size: Int64 = 0) {
            let r = rt("swiftjit_check_kind", b.i32, [b.ptr, b.i64, b.i64], [obj, b.int(kind), b.int(size)])
            let bad = b.icmp(LLVMIntSLT, r, b.int(0, b.i32))
            let fail = b.appendBlock(fn, "unbox.bad"), cont = b.appendBlock(fn, "unbox.ok")
            b.condBr(bad, fail, cont)
            b.position(at: fail)
            decref(obj)
            raisePending()
            b.position(at: cont)
        }
        switch t {
        case .string: kindCheck(1); return obj
        case .list where t.nativeListKind != nil: return nlUnboxNew(obj, t.nativeListKind ?? 0)
        case .list: kindCheck(2); return obj
        case .dict where t.isNativeDict: return coerceNativeDict(obj, t)
        case .dict: kindCheck(3); return obj
        case .set: kindCheck(4); return obj
        case .dictView: return obj  // only compiled code makes views
        case .array(let a): return try unboxArrayObject(obj, a)
        case .int64, .float64:
            let flag = entryAlloca(b.i32, "unbox.failed")
            let v = t == .int64 ? rt("swiftjit_unbox_int", b.i64, [b.ptr, b.ptr], [obj, flag])
                                : rt("swiftjit_unbox_float", b.f64, [b.ptr, b.ptr], [obj, flag])
            decref(obj)
            failIf(b.icmp(LLVMIntNE, b.load(b.i32, flag), b.int(0, b.i32)))
            return v
        case .boolean:
            let r = rt("swiftjit_truth", b.i32, [b.ptr], [obj])
            decref(obj)
            failIfNegative(r)
            return b.icmp(LLVMIntNE, r, b.int(0, b.i32))
        case .none:
            decref(obj)
            return LLVMConstNull(b.i8)
        case .complex128:
            let re = rt("PyComplex_RealAsDouble", b.f64, [b.ptr], [obj])
            let im = rt("PyComplex_ImagAsDouble", b.f64, [b.ptr], [obj])
            decref(obj)
            return complexValue(re, im)
        case .tuple(let items):
            kindCheck(5, Int64(items.count))
            var out = LLVMGetUndef(ty(t))!
            for (i, it) in items.enumerated() {
                let item = rt("PyTuple_GetItem", b.ptr, [b.ptr, b.i64], [obj, b.int(Int64(i))])
                incref(item)
                out = b.insert(out, try unboxNew(item, it), i)
            }
            decref(obj)
            return out
        case .optional(let inner):
            let isNone = b.icmp(LLVMIntEQ, obj, b.externalGlobal("_Py_NoneStruct", b.i8))
            let some = b.appendBlock(fn, "unbox.some"), none = b.appendBlock(fn, "unbox.none"), join = b.appendBlock(fn, "unbox.join")
            b.condBr(isNone, none, some)
            b.position(at: some)
            let v = try unboxNew(obj, inner)
            let someValue = b.insert(b.insert(LLVMConstNull(ty(t)), b.bool(true), 0), v, 1)
            let someEnd = b.currentBlock
            b.br(join)
            b.position(at: none)
            decref(obj)
            let noneEnd = b.currentBlock  // decref adds blocks on 3.10/3.11
            b.br(join)
            b.position(at: join)
            return phi(ty(t), [(someValue, someEnd), (LLVMConstNull(ty(t)), noneEnd)])
        default:
            throw fail("cannot read \(t) from a Python container")
        }
    }

    /// An array of boxed arguments on the stack.
    func boxedArray(_ vars: [Var]) throws -> LLVMValueRef {
        let array = entryAlloca(LLVMArrayType2(b.ptr, UInt64(max(vars.count, 1)))!, "args")
        for (i, v) in vars.enumerated() {
            b.store(try boxed(v), b.gep(b.ptr, array, [b.int(Int64(i))]))
        }
        return array
    }

    /// Start, stop and step of a slice value (INT64_MIN for an omitted bound).
    func sliceParts(_ v: Var) throws -> [LLVMValueRef] {
        switch typed.type(of: v) {
        case .literalSlice(let a, let c, let s):
            return [b.int(a ?? Int64.min), b.int(c ?? Int64.min), b.int(s ?? 1)]
        default:
            let s = try load(v)
            return [b.extract(s, 0), b.extract(s, 1), b.extract(s, 2)]
        }
    }

    static let pyCompareOps: [CompareOperator: Int64] = [.lt: 0, .le: 1, .eq: 2, .ne: 3, .gt: 4, .ge: 5]
    static let pyBinaryOps: [BinaryOperator: Int64] = [.add: 0, .sub: 1, .mul: 2, .or: 3, .and: 4, .xor: 5, .mod: 6]

    /// Whether the expression lowered by the other stages yields a new reference
    /// (otherwise its value is read from a variable and must be retained).
    func producesNewReference(_ e: Expr, _ ref: StmtRef) -> Bool {
        switch e {
        case .getiter, .const: return true
        case .call:
            if case .language(.jitted)? = typed.calls[ref]?.impl { return true }
            return false
        default: return false
        }
    }

    // MARK: expressions

    /// Lowers `e` when it is a container operation; the value is a new reference.
    func lowerContainerExpr(_ e: Expr, _ t: JITType, _ ref: StmtRef) throws -> LLVMValueRef? {
        func tv(_ v: Var) -> JITType { typed.type(of: v) }
        if let v = try lowerNativeDictExpr(e, t, ref) { return v }
        switch e {
        case .buildTuple(let items) where items.contains(where: { if case .literalString = tv($0) { return true } else { return false } }):
            // String constants become str objects: every item is a new reference.
            var out = LLVMGetUndef(ty(t))!
            for (i, v) in items.enumerated() {
                let value = try load(v)
                retain(value, tv(v))
                out = b.insert(out, try cast(value, from: tv(v), to: tv(v).asValue), i)
            }
            return out
        case .buildList(let items):
            if let kind = t.nativeListKind { return try nlBuild(items, t, kind) }
            let list = rt("swiftjit_list_new", b.ptr, [b.i64], [b.int(Int64(items.count))])
            failIfNull(list)
            for (i, v) in items.enumerated() {
                rt("swiftjit_list_init", b.void, [b.ptr, b.i64, b.ptr], [list, b.int(Int64(i)), try boxed(v)])
            }
            return list
        case .buildSet(let items):
            let set = rt("PySet_New", b.ptr, [b.ptr], [LLVMConstNull(b.ptr)])
            failIfNull(set)
            for v in items {
                failIfNegative(rt("swiftjit_set_add_steal", b.i32, [b.ptr, b.ptr], [set, try boxed(v)]))
            }
            return set
        case .buildMap(let keys, let values):
            let d = rt("PyDict_New", b.ptr, [], [])
            failIfNull(d)
            for (k, v) in zip(keys, values) {
                failIfNegative(rt("swiftjit_dict_setitem_steal", b.i32, [b.ptr, b.ptr, b.ptr], [d, try boxed(k), try boxed(v)]))
            }
            return d
        case .buildString(let parts):
            let array = try boxedArray(parts)
            let r = rt("swiftjit_join_steal", b.ptr, [b.ptr, b.i64], [array, b.int(Int64(parts.count))])
            failIfNull(r)
            return r
        case .formatValue(let v, let conversion, let spec):
            let r = rt("swiftjit_format_steal", b.ptr, [b.ptr, b.i64, b.ptr],
                       [try boxed(v), b.int(Int64(conversion)), try spec.map { try boxed($0) } ?? LLVMConstNull(b.ptr)])
            failIfNull(r)
            return r
        case .getattr(let v, _):
            guard case .boundMethod(let recv, _) = t, recv.isObject else { return nil }
            return try boxed(v)
        case .truth(let v), .unary(.not, let v):
            guard tv(v).asValue.isObject else { return nil }
            let o = try boxed(v)
            let r = rt("swiftjit_truth", b.i32, [b.ptr], [o])
            decref(o)
            failIfNegative(r)
            var isNot = false
            if case .unary = e { isNot = true }
            return b.icmp(isNot ? LLVMIntEQ : LLVMIntNE, r, b.int(0, b.i32))
        case .getiter(let v) where tv(v).asValue.nativeListKind != nil:
            return nlIteratorStart(try load(v))
        case .getiter(let v):
            guard tv(v).asValue.isObject else { return nil }
            let o = try boxed(v)
            let it = rt("swiftjit_getiter", b.ptr, [b.ptr], [o])
            decref(o)
            failIfNull(it)
            return it
        case .getitem(let v, let i):
            let container = tv(v).asValue
            guard container.isObject else { return nil }
            let index = tv(i)
            if index.isSlice {
                let o = try boxed(v)
                let parts = try sliceParts(i)
                let r = rt("swiftjit_slice", b.ptr, [b.ptr, b.i64, b.i64, b.i64], [o] + parts)
                decref(o)
                failIfNull(r)
                return t.nativeListKind != nil ? try unboxNew(r, t) : r
            }
            if let kind = container.nativeListKind {
                let list = try load(v)
                return nlLoad(list, nlIndex(list, try cast(try load(i), from: index, to: .int64), "list index out of range"), kind)
            }
            if case .list = container {
                let item = rt("swiftjit_list_getitem", b.ptr, [b.ptr, b.i64], [try load(v), try cast(try load(i), from: index, to: .int64)])
                failIfNull(item)
                return try unboxNew(item, t)
            }
            let o = try boxed(v), key = try boxed(i)
            let item = container.isDict ? rt("swiftjit_dict_getitem", b.ptr, [b.ptr, b.ptr], [o, key])
                                        : rt("swiftjit_getitem", b.ptr, [b.ptr, b.ptr], [o, key])
            decref(o); decref(key)
            failIfNull(item)
            return try unboxNew(item, t)
        case .binary(let op, let x, let y, let inplace):
            guard tv(x).asValue.isObject || tv(y).asValue.isObject else { return nil }
            guard let code = FunctionLowering.pyBinaryOps[op] else { throw fail("operator \(op.rawValue) on objects") }
            let a = try boxed(x), c = try boxed(y)
            let r = rt("swiftjit_binop", b.ptr, [b.ptr, b.ptr, b.i64], [a, c, b.int(code + (inplace ? 16 : 0))])
            decref(a); decref(c)
            failIfNull(r)
            return try unboxNew(r, t)
        case .compare(let op, let x, let y):
            let tx = tv(x).asValue, ty_ = tv(y).asValue
            if op == .in || op == .notIn {
                var objectTuple = false
                if case .tuple(let items) = ty_, tx == .string || items.contains(where: { $0.asValue.isObject }) { objectTuple = true }
                guard ty_.isObject || objectTuple else { return nil }
                let container = try boxed(y)
                let r = rt("swiftjit_contains_steal", b.i32, [b.ptr, b.ptr], [container, try boxed(x)])
                decref(container)
                failIfNegative(r)
                return b.icmp(op == .in ? LLVMIntNE : LLVMIntEQ, r, b.int(0, b.i32))
            }
            guard tx.isObject || ty_.isObject, let code = FunctionLowering.pyCompareOps[op] else { return nil }
            let a = try boxed(x), c = try boxed(y)
            let r = rt("swiftjit_compare", b.i32, [b.ptr, b.ptr, b.i64], [a, c, b.int(code)])
            decref(a); decref(c)
            failIfNegative(r)
            return b.icmp(LLVMIntNE, r, b.int(0, b.i32))
        case .call(let f, let args, let keywords):
            guard case .container(let c)? = typed.calls[ref]?.impl else { return nil }
            return try containerCall(c, f, args, keywords, t)
        default:
            return nil
        }
    }

    func containerCall(_ c: ContainerCall, _ f: Var, _ args: [Var], _ keywords: [String], _ t: JITType,
                       generic: Bool = false) throws -> LLVMValueRef {
        let kwname: LLVMValueRef = keywords.first.map { b.cString($0) } ?? LLVMConstNull(b.ptr)
        switch c {
        case .builtin(let name, false) where !generic && isNativeReduction(name, args):
            return try nativeListReduction(name, args[0], t)
        case .len where typed.type(of: args[0]).asValue.nativeListKind != nil:
            return nlLength(try load(args[0]))
        case .listAppend where typed.type(of: f).receiver.nativeListKind != nil:
            let recv = typed.type(of: f).receiver
            try nlAppend(try load(f), args[0], recv, recv.nativeListKind ?? 0)
            return LLVMConstNull(b.i8)
        case .method("pop", false) where typed.type(of: f).receiver.nativeListKind != nil:
            return try nlPop(try load(f), args.first, typed.type(of: f).receiver.nativeListKind ?? 0)
        case .len:
            let o = try boxed(args[0])
            let n = rt("swiftjit_len", b.i64, [b.ptr], [o])
            decref(o)
            failIfNegative(n)
            return n
        case .truth:
            let o = try boxed(args[0])
            let r = rt("swiftjit_truth", b.i32, [b.ptr], [o])
            decref(o)
            failIfNegative(r)
            return b.icmp(LLVMIntNE, r, b.int(0, b.i32))
        case .listAppend:
            failIfNegative(rt("swiftjit_list_append_steal", b.i32, [b.ptr, b.ptr], [try load(f), try boxed(args[0])]))
            return LLVMConstNull(b.i8)
        case .method("get", false) where typed.type(of: f).receiver.isDict:
            let dflt: LLVMValueRef = try args.count > 1 ? boxed(args[1]) : LLVMConstNull(b.ptr)!
            let r = rt("swiftjit_dict_get_steal", b.ptr, [b.ptr, b.ptr, b.ptr], [try load(f), try boxed(args[0]), dflt])
            failIfNull(r)
            return try unboxNew(r, t)
        case .method(let name, let toList):
            let array = try boxedArray(args)
            let cache = LLVMAddGlobal(b.module, b.ptr, "namecache")!
            LLVMSetInitializer(cache, LLVMConstNull(b.ptr))
            LLVMSetLinkage(cache, LLVMPrivateLinkage)
            var r = rt("swiftjit_call_method", b.ptr, [b.ptr, b.ptr, b.ptr, b.i64, b.ptr, b.ptr],
                       [try load(f), b.cString(name), array, b.int(Int64(args.count)), kwname, cache])
            failIfNull(r)
            if toList { r = toPyList(r) }
            return try unboxNew(r, t)
        case .builtin(let name, _) where name.hasPrefix("swiftjit.typed."):
            return try typedContainerNew(t)  // TypedContainerLowering.swift
        case .builtin(let name, let toList):
            let array = try boxedArray(args)
            var r = rt("swiftjit_call_builtin", b.ptr, [b.ptr, b.ptr, b.i64, b.ptr],
                       [b.cString(name), array, b.int(Int64(args.count)), kwname])
            failIfNull(r)
            if toList { r = toPyList(r) }
            return try unboxNew(r, t)
        case .keyed(let k):
            return try keyedCall(k, f, args, t)
        case .strToInt, .strToFloat:
            let o = try boxed(args[0])
            let flag = entryAlloca(b.i32, "conv.failed")
            let v = c == .strToInt ? rt("swiftjit_str_to_int", b.i64, [b.ptr, b.ptr], [o, flag])
                                   : rt("swiftjit_str_to_float", b.f64, [b.ptr, b.ptr], [o, flag])
            decref(o)
            failIf(b.icmp(LLVMIntNE, b.load(b.i32, flag), b.int(0, b.i32)))
            return v
        }
    }

    /// `list(r)`, consuming `r`.
    func toPyList(_ r: LLVMValueRef) -> LLVMValueRef {
        let array = entryAlloca(LLVMArrayType2(b.ptr, 1)!, "listarg")
        b.store(r, b.gep(b.ptr, array, [b.int(0)]))
        let l = rt("swiftjit_call_builtin", b.ptr, [b.ptr, b.ptr, b.i64, b.ptr],
                   [b.cString("list"), array, b.int(1), LLVMConstNull(b.ptr)])
        failIfNull(l)
        return l
    }

    // MARK: statements

    /// Lowers the statements that change containers; false when `s` is not one.
    func lowerContainerStatement(_ s: Stmt) throws -> Bool {
        if try lowerNativeDictStatement(s) { return true }
        switch s {
        case .listAppend(let l, let v) where typed.type(of: l).nativeListKind != nil:
            try nlAppend(try load(l), v, typed.type(of: l), typed.type(of: l).nativeListKind ?? 0)
        case .listAppend(let l, let v):
            failIfNegative(rt("swiftjit_list_append_steal", b.i32, [b.ptr, b.ptr], [try load(l), try boxed(v)]))
        case .setAdd(let set, let v):
            failIfNegative(rt("swiftjit_set_add_steal", b.i32, [b.ptr, b.ptr], [try load(set), try boxed(v)]))
        case .mapAdd(let d, let k, let v):
            failIfNegative(rt("swiftjit_dict_setitem_steal", b.i32, [b.ptr, b.ptr, b.ptr], [try load(d), try boxed(k), try boxed(v)]))
        case .delitem(let target, let index):
            let key: LLVMValueRef
            if typed.type(of: index).isSlice {
                key = rt("swiftjit_slice_object", b.ptr, [b.i64, b.i64, b.i64], try sliceParts(index))
                failIfNull(key)
            } else {
                key = try boxed(index)
            }
            failIfNegative(rt("swiftjit_delitem_steal", b.i32, [b.ptr, b.ptr], [try load(target), key]))
        case .setitem(let target, let index, let value):
            switch typed.type(of: target) {
            case .list:
                if typed.type(of: index).isSlice {
                    let key = rt("swiftjit_slice_object", b.ptr, [b.i64, b.i64, b.i64], try sliceParts(index))
                    failIfNull(key)
                    // Python takes any iterable; a list is made of the value first.
                    let v = toPyList(try boxed(value))
                    failIfNegative(rt("swiftjit_setitem_steal", b.i32, [b.ptr, b.ptr, b.ptr], [try load(target), key, v]))
                } else if let kind = typed.type(of: target).nativeListKind {
                    let list = try load(target)
                    let i = nlIndex(list, try cast(try load(index), from: typed.type(of: index), to: .int64),
                                    "list assignment index out of range")
                    nlStore(list, i, try cast(try load(value), from: typed.type(of: value), to: nlElement(typed.type(of: target))), kind)
                } else {
                    let i = try cast(try load(index), from: typed.type(of: index), to: .int64)
                    failIfNegative(rt("swiftjit_list_setitem_steal", b.i32, [b.ptr, b.i64, b.ptr], [try load(target), i, try boxed(value)]))
                }
            case .dict:
                failIfNegative(rt("swiftjit_dict_setitem_steal", b.i32, [b.ptr, b.ptr, b.ptr],
                                  [try load(target), try boxed(index), try boxed(value)]))
            default:
                return false
            }
        default:
            return false
        }
        return true
    }
}

extension JITType {
    var isDict: Bool { if case .dict = self { return true } else { return false } }
}
