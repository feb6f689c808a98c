import CLLVM

/// Lowering of the list and dict features beyond plain containers (issue 11), typed in
/// `Types/ListExtrasTyping.swift`, with the C helpers of `Sources/CPython/listextras.c`:
///
/// - arrays stored in containers are ndarray objects (`swiftjit_array_box`: the owner itself,
///   or a view of it, so `xs[i][j] = v` writes the array the list holds); an array read from a
///   container is checked against the static type and kept alive by the call's context;
/// - `np.array`/`np.asarray` of a list or tuple: NumPy converts the boxed value;
/// - `sort`/`sorted`/`min`/`max` with `key=`: a loop calls the key function on each element
///   and collects the boxed keys in a `list`; Python's own sort/min/max over the indices
///   gives the order (stable, Python's comparisons), applied in place to the list.
extension FunctionLowering {
    // MARK: arrays in containers

    /// An array as a Python object (a new reference) for storing in a container.
    func boxArrayValue(_ v: LLVMValueRef, _ a: ArrayType) throws -> LLVMValueRef {
        let dimsType = LLVMArrayType2(b.i64, UInt64(max(a.ndim, 1)))!
        let shape = entryAlloca(dimsType, "box.shape"), strides = entryAlloca(dimsType, "box.strides")
        for d in 0..<a.ndim {
            b.store(b.extract(v, 1, d), b.gep(dimsType, shape, [b.int(0), b.int(Int64(d))]))
            b.store(b.extract(v, 2, d), b.gep(dimsType, strides, [b.int(0), b.int(Int64(d))]))
        }
        let r = rt("swiftjit_array_box", b.ptr, [b.ptr, b.i64, b.i64, b.ptr, b.ptr, b.ptr],
                   [b.extract(v, 3), b.int(Int64(a.dtype.typeNumber)), b.int(Int64(a.ndim)), shape, strides, b.extract(v, 0)])
        failIfNull(r)
        return r
    }

    /// The array value of an object read from a container, consuming the reference `obj`:
    /// TypeError when it is not an array of the static type; the context keeps it alive.
    func unboxArrayObject(_ obj: LLVMValueRef, _ a: ArrayType) throws -> LLVMValueRef {
        let layout: Int64 = a.layout == .c ? 1 : a.layout == .f ? 2 : 0
        let r = rt("swiftjit_array_from_container", b.ptr, [b.ptr, b.ptr, b.i64, b.i64, b.i64, b.i64],
                   [context, obj, b.int(Int64(a.dtype.typeNumber)), b.int(Int64(a.ndim)), b.int(layout),
                    b.int(a.writable ? 1 : 0)])
        let bad = b.appendBlock(fn, "unbox.array.bad"), ok = b.appendBlock(fn, "unbox.array.ok")
        b.condBr(LLVMBuildIsNull(b.builder, r, "")!, bad, ok)
        b.position(at: bad)
        decref(obj)
        raisePending()
        b.position(at: ok)
        decref(obj)  // the context holds a reference until the call ends
        return unboxArray(obj, a.ndim)
    }

    // MARK: np.array / np.asarray

    func numpyArrayOf(_ name: String, _ v: [LLVMValueRef], _ t: [JITType], present: [Bool],
                      result: JITType) throws -> LLVMValueRef {
        guard case .array(let r) = result, let source = t.first else { throw fail("np.\(name)") }
        if case .array(let a) = source {
            if name == "asarray", result == source { return v[0] }
            return try copyArray(v[0], a, to: r.dtype)
        }
        let obj = try boxValue(v[0], source)
        failIfNull(obj)
        let descriptor = source.asValue.nativeListDescriptor
        let desc: LLVMValueRef = descriptor.contains("n") && source.nativeListKind == nil
            ? b.cString(descriptor) : LLVMConstNull(b.ptr)
        let arr = rt("swiftjit_array_from_list", b.ptr, [b.ptr, b.ptr, b.i64, b.i64, b.ptr],
                     [context, obj, b.int(Int64(r.dtype.typeNumber)), b.int(Int64(r.ndim)), desc])
        decref(obj)
        failIfNull(arr)
        return unboxArray(arr, r.ndim)
    }

    // MARK: sort / sorted / min / max with key=

    func keyedCall(_ k: KeyedCall, _ f: Var, _ args: [Var], _ t: JITType) throws -> LLVMValueRef {
        var reverse = b.int(0)
        if let i = k.reverseArgument { reverse = try cast(try load(args[i]), from: typed.type(of: args[i]), to: .int64) }
        switch k.operation {
        case .sort:
            let recv = typed.type(of: f).receiver
            let list = try load(f)
            let keys = try computeKeys(list, recv.nativeListKind, k, cleanup: [])
            let r = rt("swiftjit_sort_by_keys", b.i32, [b.ptr, b.ptr, b.i64], [list, keys, reverse])
            decref(keys)
            failIfNegative(r)
            return LLVMConstNull(b.i8)
        case .sorted:
            if let copy = try nativeListCopy(args[0], as: t) {
                // A native list of numbers: sorted in a copy of its buffer, never boxed.
                let keys = try computeKeys(copy, t.nativeListKind, k, cleanup: [copy])
                let r = rt("swiftjit_sort_by_keys", b.i32, [b.ptr, b.ptr, b.i64], [copy, keys, reverse])
                decref(keys)
                failIf(b.icmp(LLVMIntSLT, r, b.int(0, b.i32)), releasing: copy)
                return copy
            }
            let list = toPyList(try boxed(args[0]))
            let keys = try computeKeys(list, nil, k, cleanup: [list])
            let r = rt("swiftjit_sort_by_keys", b.i32, [b.ptr, b.ptr, b.i64], [list, keys, reverse])
            decref(keys)
            failIf(b.icmp(LLVMIntSLT, r, b.int(0, b.i32)), releasing: list)
            return try unboxNew(list, t)
        case .min, .max:
            let list = toPyList(try boxed(args[0]))
            let keys = try computeKeys(list, nil, k, cleanup: [list])
            let index = rt("swiftjit_best_index", b.i64, [b.ptr, b.i64], [keys, b.int(k.operation == .max ? 1 : 0)])
            decref(keys)
            failIf(b.icmp(LLVMIntSLT, index, b.int(0)), releasing: list)
            let item = rt("swiftjit_list_getitem", b.ptr, [b.ptr, b.i64], [list, index])
            decref(list)
            failIfNull(item)
            return try unboxNew(item, t)
        }
    }

    /// A new native list (a new reference) with the elements of `v`, when `v` is a native list of the
    /// same element kind as the list type `t`; nil otherwise.
    func nativeListCopy(_ v: Var, as t: JITType) throws -> LLVMValueRef? {
        guard let kind = typed.type(of: v).asValue.nativeListKind, kind == t.nativeListKind, kind <= 3 else { return nil }
        let source = try load(v)
        let n = nlLength(source)
        let copy = rt("swiftjit_nl_make", b.ptr, [b.i64, b.i64], [b.int(kind), n])
        failIfNull(copy)
        let size: Int64 = kind == 0 ? 1 : kind == 3 ? 16 : 8
        let bytes = LLVMBuildMul(b.builder, n, b.int(size), "")!
        _ = b.intrinsic("llvm.memcpy", [b.ptr, b.ptr, b.i64], [nlData(copy), nlData(source), bytes, b.bool(false)])
        return copy
    }

    /// Raises the pending Python exception when `condition` holds, releasing `object` first.
    func failIf(_ condition: LLVMValueRef, releasing object: LLVMValueRef) {
        let bad = b.appendBlock(fn, "keyed.fail"), ok = b.appendBlock(fn, "keyed.ok")
        b.condBr(condition, bad, ok)
        b.position(at: bad)
        decref(object)
        raisePending()
        b.position(at: ok)
    }

    /// The keys of the elements of `list` (a native list of `kind`, or a `list` when `kind` is nil):
    /// a native list for int/float keys, else a `list` of the boxed keys. `cleanup` are objects to
    /// release if the key function raises.
    func computeKeys(_ list: LLVMValueRef, _ kind: Int64?, _ k: KeyedCall, cleanup: [LLVMValueRef]) throws -> LLVMValueRef {
        let n = kind != nil ? nlLength(list) : rt("PyList_Size", b.i64, [b.ptr], [list])
        // int and float keys stay unboxed in a native list (ordered natively by listextras.c).
        let keyKind: Int64? = k.keyType == .int64 ? 1 : k.keyType == .float64 ? 2 : nil
        let keys = keyKind.map { rt("swiftjit_nl_make", b.ptr, [b.i64, b.i64], [b.int($0), n]) }
            ?? rt("PyList_New", b.ptr, [b.i64], [b.int(0)])
        failIfNull(keys)
        let counter = entryAlloca(b.i64, "keys.i")
        b.store(b.int(0), counter)
        let head = b.appendBlock(fn, "keys.head"), body = b.appendBlock(fn, "keys.body"), done = b.appendBlock(fn, "keys.done")
        b.br(head)
        b.position(at: head)
        let i = b.load(b.i64, counter)
        b.condBr(b.icmp(LLVMIntSLT, i, n), body, done)
        b.position(at: body)
        let element: LLVMValueRef
        if let kind = kind {
            element = nlLoad(list, i, kind)
        } else {
            let item = rt("swiftjit_list_getitem", b.ptr, [b.ptr, b.i64], [list, i])
            failIfNull(item)
            element = try unboxNew(item, k.element)
        }
        let key = try callKey(k, element, cleanup: [keys] + cleanup)
        release(element, k.element)
        if let kk = keyKind {
            nlStore(keys, i, key, kk)
        } else {
            let boxedKey = try boxValue(key, k.keyType)
            release(key, k.keyType)
            failIfNegative(rt("swiftjit_list_append_steal", b.i32, [b.ptr, b.ptr], [keys, boxedKey]))
        }
        b.store(LLVMBuildAdd(b.builder, i, b.int(1), "")!, counter)
        b.br(head)
        b.position(at: done)
        return keys
    }

    /// Calls the key function on one element; an exception it raises propagates after
    /// `cleanup` and the element are released.
    func callKey(_ k: KeyedCall, _ element: LLVMValueRef, cleanup: [LLVMValueRef]) throws -> LLVMValueRef {
        guard case .jitted(let symbol?, let arguments, let argTypes, let direct) = k.key else {
            throw fail("the key function of sort/sorted/min/max")
        }
        if direct != nil {  // cannot raise
            return try jittedCall(symbol, arguments, argTypes, [element], [k.element], result: k.keyType, direct: direct)
        }
        var callArgs: [LLVMValueRef] = []
        for (source, pt) in zip(arguments, argTypes) {
            switch source {
            case .argument: callArgs.append(try cast(element, from: k.element, to: pt))
            case .constant(let g): callArgs.append(try globalValue(g, pt))
            }
        }
        stackCheck()
        let ft = b.functionType(b.i32, [b.ptr, b.ptr] + argTypes.map { ty($0) })
        let retSlot = entryAlloca(ty(k.keyType), "key.ret")
        let status = b.call(ft, b.declare(symbol, ft), [retSlot, LLVMGetParam(fn, 1)] + callArgs)
        let raised = b.appendBlock(fn, "key.raised"), ok = b.appendBlock(fn, "key.ok")
        b.condBr(b.icmp(LLVMIntNE, status, b.int(0, b.i32)), raised, ok)
        b.position(at: raised)
        for o in cleanup { decref(o) }
        release(element, k.element)
        exceptionExit(status)
        b.position(at: ok)
        return b.load(ty(k.keyType), retSlot)
    }
}

extension FunctionLowering {
    /// Whether `sum`/`min`/`max` of this argument runs as a loop over a native list's buffer.
    func isNativeReduction(_ name: String, _ args: [Var]) -> Bool {
        guard ["sum", "min", "max"].contains(name), args.count == 1,
              let kind = typed.type(of: args[0]).asValue.nativeListKind else { return false }
        return kind <= 2  // bool, int64, float64
    }

    /// `sum(xs)`, `min(xs)`, `max(xs)` of a native list of bool/int/float (also the list a generator
    /// expression fills), as Python computes them: sum adds left to right from the int 0 (3.12+:
    /// floats through Neumaier's compensated summation, as CPython's float path); min/max keep the
    /// first element and replace it by each one that is smaller (larger). An empty list goes to
    /// Python's builtin for its ValueError.
    func nativeListReduction(_ name: String, _ arg: Var, _ t: JITType) throws -> LLVMValueRef {
        let listType = typed.type(of: arg).asValue
        guard let kind = listType.nativeListKind else { throw fail("\(name) of \(listType)") }
        let list = try load(arg)
        let n = nlLength(list)
        let bb = b.builder
        let isFloat = kind == 2
        let counter = entryAlloca(b.i64, "red.i")
        let accType: LLVMTypeRef = isFloat ? b.f64 : b.i64
        let acc = entryAlloca(accType, "red.acc"), comp = entryAlloca(b.f64, "red.c")
        func element(_ i: LLVMValueRef) -> LLVMValueRef {
            let v = nlLoad(list, i, kind)
            return kind == 0 ? LLVMBuildZExt(bb, v, b.i64, "")! : v
        }
        if name == "sum" {
            b.store(isFloat ? b.double(0) : b.int(0), acc)
            b.store(b.double(0), comp)
            b.store(b.int(0), counter)
        } else {
            let empty = b.appendBlock(fn, "red.empty"), start = b.appendBlock(fn, "red.start")
            b.condBr(b.icmp(LLVMIntEQ, n, b.int(0)), empty, start)
            b.position(at: empty)
            // Python's own min()/max() raises its ValueError (whose text depends on the version).
            let r = try containerCall(.builtin(name, toList: false), arg, [arg], [], t, generic: true)
            _ = r
            LLVMBuildUnreachable(bb)
            b.position(at: start)
            b.store(element(b.int(0)), acc)
            b.store(b.int(1), counter)
        }
        let head = b.appendBlock(fn, "red.head"), body = b.appendBlock(fn, "red.body"), done = b.appendBlock(fn, "red.done")
        b.br(head)
        b.position(at: head)
        let i = b.load(b.i64, counter)
        b.condBr(b.icmp(LLVMIntSLT, i, n), body, done)
        b.position(at: body)
        let x = element(i)
        let a = b.load(accType, acc)
        let checked = name == "sum" && !isFloat
        let overflowed = checked ? b.appendBlock(fn, "red.overflow") : nil
        if name == "sum" {
            if let slow = overflowed {
                // An int total beyond int64: Python's own sum, whose big result cannot be unboxed
                // (OverflowError), rather than a wrapped total.
                let r = b.intrinsic("llvm.sadd.with.overflow", [b.i64], [a, x])
                let ok = b.appendBlock(fn, "red.ok")
                b.condBr(b.extract(r, 1), slow, ok)
                b.position(at: ok)
                b.store(b.extract(r, 0), acc)
            } else if PythonVersion.running.compensatedFloatSum {
                func fabs(_ v: LLVMValueRef) -> LLVMValueRef { b.intrinsic("llvm.fabs", [b.f64], [v]) }
                let s = LLVMBuildFAdd(bb, a, x, "")!
                let accBigger = b.fcmp(LLVMRealOGE, fabs(a), fabs(x))
                let ifBigger = LLVMBuildFAdd(bb, LLVMBuildFSub(bb, a, s, "")!, x, "")!
                let ifSmaller = LLVMBuildFAdd(bb, LLVMBuildFSub(bb, x, s, "")!, a, "")!
                b.store(LLVMBuildFAdd(bb, b.load(b.f64, comp), b.select(accBigger, ifBigger, ifSmaller), "")!, comp)
                b.store(s, acc)
            } else {
                b.store(LLVMBuildFAdd(bb, a, x, "")!, acc)
            }
        } else {
            let better = isFloat ? b.fcmp(name == "min" ? LLVMRealOLT : LLVMRealOGT, x, a)
                                 : b.icmp(name == "min" ? LLVMIntSLT : LLVMIntSGT, x, a)
            b.store(b.select(better, x, a), acc)
        }
        b.store(LLVMBuildAdd(bb, i, b.int(1), "")!, counter)
        b.br(head)
        b.position(at: done)
        var result = b.load(accType, acc)
        if name == "sum", isFloat, PythonVersion.running.compensatedFloatSum {
            let c = b.load(b.f64, comp)
            let use = b.and(b.fcmp(LLVMRealONE, c, b.double(0)),
                            b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [c]), b.double(.infinity)))
            result = b.select(use, LLVMBuildFAdd(bb, result, c, "")!, result)
        }
        let resultType: JITType = isFloat ? .float64 : (name != "sum" && kind == 0 ? .boolean : .int64)
        if resultType == .boolean { result = b.icmp(LLVMIntNE, result, b.int(0)) }
        let value = try cast(result, from: resultType, to: t)
        guard let slow = overflowed else { return value }
        let out = entryAlloca(ty(t), "red.out"), join = b.appendBlock(fn, "red.join")
        b.store(value, out)
        b.br(join)
        b.position(at: slow)
        b.store(try containerCall(.builtin(name, toList: false), arg, [arg], [], t, generic: true), out)
        b.br(join)
        b.position(at: join)
        return b.load(ty(t), out)
    }
}
