import CLLVM

/// Lowering of NumPy's sorting, searching, statistics and random functions and of
/// the standard library's `random` (typed by `Types/NumpyLibTyping.swift`). The
/// algorithms run in the C helpers of `Sources/CPython/nplib.c`, called on the
/// arrays' element buffers; new arrays are made as the creation functions make them.
extension FunctionLowering {
    // MARK: helpers

    /// Calls the C helper `name` of type `ret (params...)`.
    @discardableResult
    func callHelper(_ name: String, _ ret: LLVMTypeRef, _ params: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
        let ft = b.functionType(ret, params)
        return b.call(ft, b.declare(name, ft), args)
    }

    /// Returns 1 from the native function when a helper's status is negative (it set ctx->exc).
    func propagateIfNegative(_ status: LLVMValueRef) {
        let zero = LLVMConstInt(LLVMTypeOf(status), 0, 0)!
        let fail = b.appendBlock(fn, "helper.fail"), ok = b.appendBlock(fn, "helper.ok")
        b.condBr(b.intrinsic("llvm.expect", [b.i1], [b.icmp(LLVMIntSLT, status, zero), b.bool(false)]), fail, ok)
        b.position(at: fail)
        recordTraceEntry()
        exceptionExit(release: false)
        b.position(at: ok)
    }

    /// The array itself when C-contiguous, else a C-contiguous copy.
    func contiguous(_ arr: LLVMValueRef, _ a: ArrayType) throws -> (LLVMValueRef, ArrayType) {
        if a.layout == .c { return (arr, a) }
        return (try copyArray(arr, a), ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
    }

    /// (rows, row length) of an array seen as rows along its last axis.
    func rowsAndLength(_ arr: LLVMValueRef, _ a: ArrayType) -> (LLVMValueRef, LLVMValueRef) {
        let s = shape(arr, a.ndim)
        return (product(Array(s.dropLast())), s[a.ndim - 1])
    }

    /// An i64 array in memory holding `values` (for shape and stride arguments).
    func i64Buffer(_ values: [LLVMValueRef], _ name: String) -> LLVMValueRef {
        let t = LLVMArrayType2(b.i64, UInt64(max(values.count, 1)))!
        let p = entryAlloca(t, name)
        for (i, v) in values.enumerated() { b.store(v, b.gep(t, p, [b.int(0), b.int(Int64(i))])) }
        return p
    }

    func isStableKind(_ t: JITType?) -> Bool {
        if case .literalString(let s)? = t { return s == "mergesort" || s == "stable" }
        return false
    }

    // MARK: dispatch

    /// `np.<name>(...)` and `random.<name>(...)` for the functions of NumpyLibTyping.
    func numpyLib(_ name: String, _ v: [LLVMValueRef], _ t: [JITType], present: [Bool],
                  result: JITType) throws -> LLVMValueRef {
        func has(_ i: Int) -> Bool { i < present.count && present[i] && t[i] != .none }
        let i64 = b.i64, ptr = b.ptr, f64 = b.f64, i32 = b.i32
        switch name {
        case "sort", "argsort":
            guard case .array(var a) = t[0], case .array(let r) = result else { throw fail("np.\(name)") }
            let stable = b.int(isStableKind(has(2) ? t[2] : nil) ? 1 : 0)
            var input = v[0]
            if r.ndim == 1, a.ndim > 1 {
                // axis=None: the flattened array (a C-order copy seen as 1-d).
                (input, a) = try flattened(input, a)
            }
            if has(1) {
                // Another axis: sort the view with that axis and the last swapped, then swap back.
                let axis = try normalizedAxis(try cast(v[1], from: t[1], to: .int64), ndim: a.ndim)
                if a.ndim > 1 {
                    let view = swapWithLast(input, a.ndim, axis)
                    let vt = ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .any)
                    var v2 = v, t2 = t, p2 = present
                    v2[0] = view; t2[0] = .array(vt); t2[1] = .none; p2[1] = false
                    let sorted = try numpyLib(name, v2, t2, present: p2, result: result)
                    return try copyArray(swapWithLast(sorted, a.ndim, axis), ArrayType(dtype: r.dtype, ndim: a.ndim, layout: .any))
                }
            }
            if name == "sort" {
                let out = try copyArray(input, a)
                let (rows, n) = rowsAndLength(out, a)
                propagateIfNegative(callHelper("swiftjit_np_sort", i32, [ptr, ptr, i64, i64, i64, i64],
                                               [context, data(out), rows, n, b.int(Int64(a.dtype.typeNumber)), stable]))
                return out
            }
            let (c, _) = try contiguous(input, a)
            let out = newArray(.int64, shape(c, a.ndim))
            let (rows, n) = rowsAndLength(c, a)
            propagateIfNegative(callHelper("swiftjit_np_argsort", i32, [ptr, ptr, i64, i64, i64, i64, ptr],
                                           [context, data(c), rows, n, b.int(Int64(a.dtype.typeNumber)), stable, data(out)]))
            return out
        case "median":
            guard case .array(let a) = t[0] else { throw fail("np.median") }
            let (p, n, stride) = try flatView(v[0], a)
            let out = entryAlloca(f64, "median")
            propagateIfNegative(callHelper("swiftjit_np_median", i32, [ptr, ptr, i64, i64, i64, ptr],
                                           [context, p, n, stride, b.int(Int64(a.dtype.typeNumber)), out]))
            return b.load(f64, out)
        case "percentile", "quantile":
            guard case .array(let a) = t[0] else { throw fail("np.\(name)") }
            let (p, n, stride) = try flatView(v[0], a)
            let percent = b.int(name == "percentile" ? 1 : 0)
            let args: (LLVMValueRef, LLVMValueRef, LLVMValueRef)
            let out: LLVMValueRef
            var outArray: LLVMValueRef? = nil
            if case .array(let qa) = t[1] {
                let q = qa.dtype == .float64 && qa.layout == .c ? v[1] : try copyArray(v[1], qa, to: .float64)
                let nq = shape(q, 1)[0]
                let arr = newArray(.float64, [nq])
                outArray = arr
                out = data(arr)
                args = (data(q), nq, b.int(1))
            } else if case .list(let e) = t[1], let kind = t[1].nativeListKind {
                // A list of numbers (native storage): its items as float64, then as an array q.
                let nq = nlLength(v[1])
                let qs = newArray(.float64, [nq])
                try loopRange(b.int(0), nq) { i in
                    b.store(try cast(nlLoad(v[1], i, kind), from: e, to: .float64), b.gep(f64, data(qs), [i]))
                }
                let arr = newArray(.float64, [nq])
                outArray = arr
                out = data(arr)
                args = (data(qs), nq, b.int(1))
            } else if case .tuple(let items) = t[1] {
                let buffer = entryAlloca(LLVMArrayType2(f64, UInt64(items.count))!, "qs")
                for (i, it) in items.enumerated() {
                    b.store(try cast(b.extract(v[1], i), from: it, to: .float64), b.gep(f64, buffer, [b.int(Int64(i))]))
                }
                let arr = newArray(.float64, [b.int(Int64(items.count))])
                outArray = arr
                out = data(arr)
                args = (buffer, b.int(Int64(items.count)), b.int(1))
            } else {
                let q = entryAlloca(f64, "q")
                b.store(try cast(v[1], from: t[1], to: .float64), q)
                out = entryAlloca(f64, "quantile")
                args = (q, b.int(1), b.int(0))
            }
            propagateIfNegative(callHelper("swiftjit_np_quantile", i32, [ptr, ptr, i64, i64, i64, ptr, i64, i64, i64, ptr],
                                           [context, p, n, stride, b.int(Int64(a.dtype.typeNumber)), args.0, args.1, args.2,
                                            percent, out]))
            return outArray ?? b.load(f64, out)
        case "unique":
            guard case .array(let a) = t[0] else { throw fail("np.unique") }
            let c = try copyArray(v[0], a)
            let size = product(shape(c, a.ndim))
            let m = callHelper("swiftjit_np_unique", i64, [ptr, ptr, i64, i64],
                               [context, data(c), size, b.int(Int64(a.dtype.typeNumber))])
            propagateIfNegative(m)
            return makeArray(1, data: data(c), shape: [m], strides: [b.int(Int64(a.dtype.itemSize))], owner: b.extract(c, 3))
        case "cumsum", "cumprod":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.\(name)") }
            return try accumulate(name == "cumsum" ? .add : .mul, v[0], a, r)
        case "diff":
            guard case .array(let a) = t[0] else { throw fail("np.diff") }
            return try diff(v[0], a, order: has(1) ? try cast(v[1], from: t[1], to: .int64) : b.int(1))
        case "searchsorted":
            guard case .array(let a) = t[0] else { throw fail("np.searchsorted") }
            var right = false
            if has(2), case .literalString(let s) = t[2] { right = s == "right" }
            func search(_ x: LLVMValueRef, _ xt: JITType) throws -> LLVMValueRef {
                let isInt = xt != .float64
                let vf = isInt ? b.double(0) : x
                let vi = isInt ? try cast(x, from: xt, to: .int64) : b.int(0)
                return callHelper("swiftjit_np_searchsorted", i64, [ptr, i64, i64, i64, f64, i64, i64, i64],
                                  [data(v[0]), shape(v[0], 1)[0], strides(v[0], 1)[0],
                                   b.int(Int64(a.dtype.typeNumber)), vf, vi, b.int(isInt ? 1 : 0), b.int(right ? 1 : 0)])
            }
            guard case .array(let va) = t[1] else { return try search(v[1], t[1]) }
            let out = newArray(.int64, shape(v[1], va.ndim))
            let ot = ArrayType(dtype: .int64, ndim: va.ndim, layout: .c)
            try loopNest(shape(v[1], va.ndim)) { idx in
                let x = loadElement(elementPointer(v[1], va, idx), va.dtype)
                try storeElement(elementPointer(out, ot, idx), .int64, try search(x, va.dtype.scalar), .int64)
            }
            return out
        case "nonzero":
            return try nonzero(v[0], t[0], result: result)
        case "where":
            if !has(1) && !has(2) { return try nonzero(v[0], t[0], result: result) }
            return try whereSelect(Array(v.prefix(3)), Array(t.prefix(3)), result: result)
        case "concatenate":
            return try concatenate(v[0], t[0], axis: has(1) ? try cast(v[1], from: t[1], to: .int64) : b.int(0), result: result)
        case "stack":
            return try stack(v[0], t[0], axis: has(1) ? try cast(v[1], from: t[1], to: .int64) : b.int(0), result: result)
        case "histogram":
            return try histogram(v, t, has: has, result: result)
        default:
            if name.hasPrefix("random.") { return try npRandom(String(name.dropFirst(7)), v, t, has: has, result: result) }
            if name.hasPrefix("py.") { return try pyRandom(String(name.dropFirst(3)), v, t) }
            throw fail("np.\(name)")
        }
    }

    /// `a.sort()`, `a.argsort()`, `a.cumsum()`, `a.cumprod()`.
    func numpyLibMethod(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, result: JITType) throws -> LLVMValueRef {
        switch name {
        case "sort":
            let ptr = b.ptr, i64 = b.i64
            let (c, ct) = try contiguous(arr, a)
            let (rows, n) = rowsAndLength(c, ct)
            propagateIfNegative(callHelper("swiftjit_np_sort", b.i32, [ptr, ptr, i64, i64, i64, i64],
                                           [context, data(c), rows, n, b.int(Int64(a.dtype.typeNumber)), b.int(0)]))
            if a.layout != .c {
                try assignArray(arr, ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .any), c, ct)
            }
            return LLVMConstNull(b.i8)
        default:
            return try numpyLib(name, [arr], [.array(a)], present: [true], result: result)
        }
    }

    /// (data, count, byte stride) of an array's elements in C order: 1-d arrays as they are, others copied.
    func flatView(_ arr: LLVMValueRef, _ a: ArrayType) throws -> (LLVMValueRef, LLVMValueRef, LLVMValueRef) {
        if a.ndim == 1 { return (data(arr), shape(arr, 1)[0], strides(arr, 1)[0]) }
        let (c, _) = try contiguous(arr, a)
        return (data(c), product(shape(c, a.ndim)), b.int(Int64(a.dtype.itemSize)))
    }

    // MARK: accumulations and differences

    func accumulate(_ op: BinaryOperator, _ arr: LLVMValueRef, _ a: ArrayType, _ r: ArrayType) throws -> LLVMValueRef {
        let size = product(shape(arr, a.ndim))
        let out = newArray(r.dtype, [size])
        let acc: JITType = r.dtype.scalar
        let initial: LLVMValueRef
        switch acc {
        case .complex128: initial = complexValue(b.double(op == .mul ? 1 : 0), b.double(0))
        case .float64: initial = b.double(op == .mul ? 1 : 0)
        default: initial = b.int(op == .mul ? 1 : 0)
        }
        let total = variable(ty(acc), initial)
        let counter = variable(b.i64, b.int(0))
        try loopNest(shape(arr, a.ndim)) { idx in
            let x = try cast(loadElement(elementPointer(arr, a, idx), a.dtype, checkUnsigned: false), from: a.dtype.scalar, to: acc)
            let cur = b.load(ty(acc), total)
            var next: LLVMValueRef
            if acc == .complex128 {
                next = try complexBinary(op, cur, acc, x, acc)
            } else if acc == .float64 {
                next = op == .add ? LLVMBuildFAdd(b.builder, cur, x, "")! : LLVMBuildFMul(b.builder, cur, x, "")!
                if r.dtype == .float32 {  // NumPy accumulates float32 in float32
                    let f32 = LLVMFloatTypeInContext(b.context)!
                    next = LLVMBuildFPExt(b.builder, LLVMBuildFPTrunc(b.builder, next, f32, "")!, b.f64, "")!
                }
            } else {
                next = op == .add ? LLVMBuildAdd(b.builder, cur, x, "")! : LLVMBuildMul(b.builder, cur, x, "")!
            }
            b.store(next, total)
            let k = b.load(b.i64, counter)
            try storeElement(b.gep(elementType(r.dtype), data(out), [k]), r.dtype, next, acc)
            b.store(LLVMBuildAdd(b.builder, k, b.int(1), "")!, counter)
        }
        return out
    }

    /// np.diff of a 1-d array, `order` times: wrapping integer arithmetic in the
    /// array's dtype, `!=` for booleans.
    /// np.diff(a, n) along the last axis: each row of a C-order copy differenced in place `n` times.
    func diff(_ arr: LLVMValueRef, _ a: ArrayType, order: LLVMValueRef) throws -> LLVMValueRef {
        raiseIf(b.icmp(LLVMIntSLT, order, b.int(0)), "ValueError", "order must be non-negative")
        let copy = try copyArray(arr, a)
        let s = shape(copy, a.ndim)
        let n = s[a.ndim - 1]
        let steps = b.select(b.icmp(LLVMIntSLT, order, n), order, n)
        let item = b.int(Int64(a.dtype.itemSize))
        try loopNest([product(Array(s.dropLast()))]) { r in
            let start = b.gep(b.i8, data(copy), [LLVMBuildMul(b.builder, LLVMBuildMul(b.builder, r[0], n, "")!, item, "")!])
            let row = makeArray(1, data: start, shape: [n], strides: [item], owner: b.extract(copy, 3))
            try diffRow(row, a, n: n, steps: steps)
        }
        let view = makeArray(a.ndim, data: data(copy), shape: Array(s.dropLast()) + [LLVMBuildSub(b.builder, n, steps, "")!],
                             strides: strides(copy, a.ndim), owner: b.extract(copy, 3))
        if a.ndim == 1 { return view }
        return try copyArray(view, ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .any))
    }

    /// Differences the 1-d C array `c` of `n` elements in place, `steps` times.
    func diffRow(_ c: LLVMValueRef, _ a: ArrayType, n: LLVMValueRef, steps: LLVMValueRef) throws {
        let ct = ArrayType(dtype: a.dtype, ndim: 1, layout: .c)
        let st = a.dtype.scalar
        try loopNest([steps]) { p in
            let count = LLVMBuildSub(b.builder, LLVMBuildSub(b.builder, n, b.int(1), "")!, p[0], "")!
            try loopNest([count]) { i in
                let pi = elementPointer(c, ct, [i[0]])
                let pj = elementPointer(c, ct, [LLVMBuildAdd(b.builder, i[0], b.int(1), "")!])
                let x = loadElement(pi, a.dtype, checkUnsigned: false), y = loadElement(pj, a.dtype, checkUnsigned: false)
                let d: LLVMValueRef
                switch st {
                case .boolean: d = LLVMBuildXor(b.builder, y, x, "")
                case .float64: d = LLVMBuildFSub(b.builder, y, x, "")
                default: d = LLVMBuildSub(b.builder, y, x, "")
                }
                try storeElement(pi, a.dtype, d, st)
            }
        }
    }

    /// An axis argument checked against `ndim` (ValueError as NumPy's AxisError) and made non-negative.
    func normalizedAxis(_ axis: LLVMValueRef, ndim: Int) throws -> LLVMValueRef {
        let nd = b.int(Int64(ndim))
        raiseIf(b.or(b.icmp(LLVMIntSGE, axis, nd), b.icmp(LLVMIntSLT, axis, b.int(Int64(-ndim)))), "ValueError",
                "axis out of bounds for an array of \(ndim) dimension\(ndim == 1 ? "" : "s")")
        return b.select(b.icmp(LLVMIntSLT, axis, b.int(0)), LLVMBuildAdd(b.builder, axis, nd, "")!, axis)
    }

    /// A view of `arr` with axis `axis` (a runtime value in 0..<ndim) and the last axis swapped.
    func swapWithLast(_ arr: LLVMValueRef, _ ndim: Int, _ axis: LLVMValueRef) -> LLVMValueRef {
        let s = shape(arr, ndim), st = strides(arr, ndim)
        var axisShape = b.int(0), axisStride = b.int(0)
        for d in 0..<ndim {
            let isAxis = b.icmp(LLVMIntEQ, axis, b.int(Int64(d)))
            axisShape = b.select(isAxis, s[d], axisShape)
            axisStride = b.select(isAxis, st[d], axisStride)
        }
        func swapped(_ v: [LLVMValueRef], _ atAxis: LLVMValueRef) -> [LLVMValueRef] {
            (0..<ndim).map { d in
                d == ndim - 1 ? atAxis : b.select(b.icmp(LLVMIntEQ, axis, b.int(Int64(d))), v[ndim - 1], v[d])
            }
        }
        return makeArray(ndim, data: data(arr), shape: swapped(s, axisShape), strides: swapped(st, axisStride),
                         owner: b.extract(arr, 3))
    }

    /// The elements of `arr` in C order as a 1-d C array (the array itself when it is C-contiguous).
    func flattened(_ arr: LLVMValueRef, _ a: ArrayType) throws -> (LLVMValueRef, ArrayType) {
        let (c, _) = try contiguous(arr, a)
        let flat = makeArray(1, data: data(c), shape: [product(shape(c, a.ndim))], strides: [b.int(Int64(a.dtype.itemSize))],
                             owner: b.extract(c, 3))
        return (flat, ArrayType(dtype: a.dtype, ndim: 1, layout: .c))
    }

    // MARK: searching

    func nonzero(_ arr: LLVMValueRef, _ t: JITType, result: JITType) throws -> LLVMValueRef {
        guard case .array(let a) = t else { throw fail("np.nonzero") }
        let ptr = b.ptr, i64 = b.i64
        let shp = i64Buffer(shape(arr, a.ndim), "nz.shape"), st = i64Buffer(strides(arr, a.ndim), "nz.strides")
        let common = [data(arr), b.int(Int64(a.ndim)), shp, st, b.int(Int64(a.dtype.typeNumber)), b.int(Int64(a.dtype.itemSize))]
        let count = callHelper("swiftjit_np_count_nonzero", i64, [ptr, i64, ptr, ptr, i64, i64], common)
        let outsType = LLVMArrayType2(ptr, UInt64(a.ndim))!
        let outs = entryAlloca(outsType, "nz.outs")
        var tuple = LLVMGetUndef(ty(result))!
        for d in 0..<a.ndim {
            let o = newArray(.int64, [count])
            b.store(data(o), b.gep(outsType, outs, [b.int(0), b.int(Int64(d))]))
            tuple = b.insert(tuple, o, d)
        }
        callHelper("swiftjit_np_nonzero", b.void, [ptr, i64, ptr, ptr, i64, i64, ptr], common + [outs])
        return tuple
    }

    /// np.where(c, x, y) with broadcasting.
    func whereSelect(_ v: [LLVMValueRef], _ t: [JITType], result: JITType) throws -> LLVMValueRef {
        guard case .array(let r) = result else { throw fail("np.where") }
        let (outShape, inputs) = broadcast(v, t, ndim: r.ndim)
        let out = newArray(r.dtype, outShape)
        let rs: JITType = r.dtype.scalar
        try loopNest(outShape) { idx in
            var ops: [(LLVMValueRef, JITType)] = []
            for ((x, a), xt) in zip(inputs, t) {
                if let a = a {
                    ops.append((loadElement(elementPointer(x, a, Array(idx.suffix(a.ndim))), a.dtype, checkUnsigned: false), a.dtype.scalar))
                } else {
                    ops.append((x, xt))
                }
            }
            let cond = try truth(ops[0].0, ops[0].1)
            let x = try cast(ops[1].0, from: ops[1].1, to: rs), y = try cast(ops[2].0, from: ops[2].1, to: rs)
            try storeElement(elementPointer(out, r, idx), r.dtype, b.select(cond, x, y), rs)
        }
        return out
    }

    // MARK: joining

    func concatenate(_ tuple: LLVMValueRef, _ t: JITType, axis rawAxis: LLVMValueRef, result: JITType) throws -> LLVMValueRef {
        guard case .tuple(let items) = t, case .array(let r) = result else { throw fail("np.concatenate") }
        let nd = r.ndim
        let ndv = b.int(Int64(nd))
        raiseIf(b.or(b.icmp(LLVMIntSGE, rawAxis, ndv), b.icmp(LLVMIntSLT, rawAxis, LLVMBuildNeg(b.builder, ndv, "")!)),
                "ValueError", "axis out of bounds for the arrays to concatenate")
        let axis = b.select(b.icmp(LLVMIntSLT, rawAxis, b.int(0)), LLVMBuildAdd(b.builder, rawAxis, ndv, "")!, rawAxis)
        let arrays = items.indices.map { b.extract(tuple, $0) }
        let shapes = arrays.map { shape($0, nd) }
        var outShape: [LLVMValueRef] = []
        for d in 0..<nd {
            let isAxis = b.icmp(LLVMIntEQ, axis, b.int(Int64(d)))
            var total = shapes[0][d]
            for s in shapes.dropFirst() {
                raiseIf(b.and(b.not(isAxis), b.icmp(LLVMIntNE, s[d], shapes[0][d])), "ValueError",
                        "all the input array dimensions except for the concatenation axis must match exactly")
                total = LLVMBuildAdd(b.builder, total, s[d], "")!
            }
            outShape.append(b.select(isAxis, total, shapes[0][d]))
        }
        let out = newArray(r.dtype, outShape)
        let outStrides = strides(out, nd)
        var axisStride = b.int(0)
        for d in 0..<nd { axisStride = b.select(b.icmp(LLVMIntEQ, axis, b.int(Int64(d))), outStrides[d], axisStride) }
        var offset = b.int(0)
        for (i, arr) in arrays.enumerated() {
            guard case .array(let a) = items[i] else { throw fail("np.concatenate") }
            let view = makeArray(nd, data: b.gep(b.i8, data(out), [LLVMBuildMul(b.builder, offset, axisStride, "")!]),
                                 shape: shapes[i], strides: outStrides, owner: b.extract(out, 3))
            try assignArray(view, ArrayType(dtype: r.dtype, ndim: nd, layout: .any), arr, a)
            var along = b.int(0)
            for d in 0..<nd { along = b.select(b.icmp(LLVMIntEQ, axis, b.int(Int64(d))), shapes[i][d], along) }
            offset = LLVMBuildAdd(b.builder, offset, along, "")!
        }
        return out
    }

    /// np.stack(arrays, axis): the new axis of length len(arrays) goes at `axis` (negative counts from the end).
    func stack(_ tuple: LLVMValueRef, _ t: JITType, axis rawAxis: LLVMValueRef, result: JITType) throws -> LLVMValueRef {
        guard case .tuple(let items) = t, case .array(let r) = result else { throw fail("np.stack") }
        let nd = r.ndim - 1
        let axis = try normalizedAxis(rawAxis, ndim: r.ndim)
        let arrays = items.indices.map { b.extract(tuple, $0) }
        let shapes = arrays.map { shape($0, nd) }
        for s in shapes.dropFirst() {
            for d in 0..<nd {
                raiseIf(b.icmp(LLVMIntNE, s[d], shapes[0][d]), "ValueError", "all input arrays must have the same shape")
            }
        }
        func before(_ d: Int) -> LLVMValueRef { b.icmp(LLVMIntSLT, b.int(Int64(d)), axis) }
        func at(_ d: Int) -> LLVMValueRef { b.icmp(LLVMIntEQ, b.int(Int64(d)), axis) }
        let count = b.int(Int64(items.count))
        let outShape = (0...nd).map { d in
            b.select(at(d), count, d < nd ? b.select(before(d), shapes[0][d], d > 0 ? shapes[0][d - 1] : shapes[0][d])
                                          : (nd > 0 ? shapes[0][nd - 1] : count))
        }
        let out = newArray(r.dtype, outShape)
        let outStrides = strides(out, r.ndim)
        var axisStride = b.int(0)
        for d in 0...nd { axisStride = b.select(at(d), outStrides[d], axisStride) }
        // The view of item i skips the new axis: dimensions before it keep their stride, the others take the next one.
        let viewStrides = (0..<nd).map { d in b.select(before(d), outStrides[d], outStrides[d + 1]) }
        for (i, arr) in arrays.enumerated() {
            guard case .array(let a) = items[i] else { throw fail("np.stack") }
            let view = makeArray(nd, data: b.gep(b.i8, data(out), [LLVMBuildMul(b.builder, b.int(Int64(i)), axisStride, "")!]),
                                 shape: shapes[0], strides: viewStrides, owner: b.extract(out, 3))
            try assignArray(view, ArrayType(dtype: r.dtype, ndim: nd, layout: .any), arr, a)
        }
        return out
    }

    // MARK: histogram

    func histogram(_ v: [LLVMValueRef], _ t: [JITType], has: (Int) -> Bool, result: JITType) throws -> LLVMValueRef {
        guard case .array(let a) = t[0] else { throw fail("np.histogram") }
        let bins = has(1) ? try cast(v[1], from: t[1], to: .int64) : b.int(10)
        raiseIf(b.icmp(LLVMIntSLT, bins, b.int(1)), "ValueError", "`bins` must be positive, when an integer")
        var lo = b.double(0), hi = b.double(0)
        if has(2), case .tuple(let rt) = t[2] {
            lo = try cast(b.extract(v[2], 0), from: rt[0], to: .float64)
            hi = try cast(b.extract(v[2], 1), from: rt[1], to: .float64)
        }
        let counts = newArray(.int64, [bins], zero: true)
        let edges = newArray(.float64, [LLVMBuildAdd(b.builder, bins, b.int(1), "")!])
        let (p, n, stride) = try flatView(v[0], a)
        let ptr = b.ptr, i64 = b.i64, f64 = b.f64
        propagateIfNegative(callHelper("swiftjit_np_histogram", b.i32, [ptr, ptr, i64, i64, i64, i64, i64, f64, f64, ptr, ptr],
                                       [context, p, n, stride, b.int(Int64(a.dtype.typeNumber)), bins, b.int(has(2) ? 1 : 0),
                                        lo, hi, data(counts), data(edges)]))
        var tuple = LLVMGetUndef(ty(result))!
        tuple = b.insert(tuple, counts, 0)
        return b.insert(tuple, edges, 1)
    }

    // MARK: random numbers

    func npRandom(_ name: String, _ v: [LLVMValueRef], _ t: [JITType], has: (Int) -> Bool,
                  result: JITType) throws -> LLVMValueRef {
        let ptr = b.ptr, i64 = b.i64, f64 = b.f64, i32 = b.i32
        /// Fills `count` doubles at `out` (kind 0 random_sample, 1 uniform, 2 normal).
        func fill(_ kind: Int64, _ p: LLVMValueRef, _ q: LLVMValueRef, _ out: LLVMValueRef, _ count: LLVMValueRef) {
            propagateIfNegative(callHelper("swiftjit_np_random_fill", i32, [ptr, i64, f64, f64, ptr, i64],
                                           [context, b.int(kind), p, q, out, count]))
        }
        /// A scalar, or an array of the given shape, of doubles.
        func doubles(_ kind: Int64, _ p: LLVMValueRef, _ q: LLVMValueRef, shapeArg: Int?) throws -> LLVMValueRef {
            if let s = shapeArg {
                let dims = try shapeValues(v[s], t[s])
                let out = newArray(.float64, dims)
                fill(kind, p, q, data(out), product(dims))
                return out
            }
            let slot = entryAlloca(f64, "random")
            fill(kind, p, q, slot, b.int(1))
            return b.load(f64, slot)
        }
        func param(_ i: Int, _ d: Double) throws -> LLVMValueRef { has(i) ? try cast(v[i], from: t[i], to: .float64) : b.double(d) }
        switch name {
        case "seed":
            propagateIfNegative(callHelper("swiftjit_np_random_seed", i32, [ptr, i64], [context, try cast(v[0], from: t[0], to: .int64)]))
            return LLVMConstNull(b.i8)
        case "random", "random_sample", "sample", "ranf":
            return try doubles(0, b.double(0), b.double(0), shapeArg: has(0) ? 0 : nil)
        case "standard_normal":
            return try doubles(2, b.double(0), b.double(1), shapeArg: has(0) ? 0 : nil)
        case "rand", "randn":
            let kind: Int64 = name == "rand" ? 0 : 2
            let dims = try (0..<5).filter { has($0) }.map { try cast(v[$0], from: t[$0], to: .int64) }
            if dims.isEmpty {
                return name == "rand" ? callHelper("swiftjit_np_random_sample", f64, [], [])
                                      : callHelper("swiftjit_np_random_gauss", f64, [], [])
            }
            let out = newArray(.float64, dims)
            fill(kind, b.double(0), b.double(1), data(out), product(dims))
            return out
        case "normal":
            return try doubles(2, try param(0, 0), try param(1, 1), shapeArg: has(2) ? 2 : nil)
        case "uniform":
            return try doubles(1, try param(0, 0), try param(1, 1), shapeArg: has(2) ? 2 : nil)
        case "exponential":
            return try doubles(3, b.double(0), try param(0, 1), shapeArg: has(1) ? 1 : nil)
        case "randint":
            var low = try cast(v[0], from: t[0], to: .int64), high: LLVMValueRef
            if has(1) { high = try cast(v[1], from: t[1], to: .int64) } else { high = low; low = b.int(0) }
            return try randint(low, high, shape: has(2) ? try shapeValues(v[2], t[2]) : nil)
        case "shuffle":
            guard case .array(let a) = t[0] else { throw fail("shuffle") }
            try shuffleRows(v[0], a)
            return LLVMConstNull(b.i8)
        case "permutation":
            guard case .array(let r) = result else { throw fail("permutation") }
            if case .array(let a) = t[0] {
                let c = try copyArray(v[0], a)
                try shuffleRows(c, ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
                return c
            }
            // permutation(n) is a shuffled arange(n): empty for n <= 0.
            let raw = try cast(v[0], from: t[0], to: .int64)
            let n = b.select(b.icmp(LLVMIntSLT, raw, b.int(0)), b.int(0), raw)
            let out = newArray(.int64, [n])
            try loopNest([n]) { i in b.store(i[0], b.gep(b.i64, data(out), [i[0]])) }
            try shuffleRows(out, r)
            return out
        case "choice":
            return try choice(v, t, has: has, result: result)
        default:
            throw fail("np.random.\(name)")
        }
    }

    /// Integers of NumPy's legacy randint stream in [low, high): a scalar, or an array of `shape`.
    func randint(_ low: LLVMValueRef, _ high: LLVMValueRef, shape dims: [LLVMValueRef]?) throws -> LLVMValueRef {
        let ptr = b.ptr, i64 = b.i64
        if let dims = dims {
            let out = newArray(.int64, dims)
            propagateIfNegative(callHelper("swiftjit_np_random_randint", b.i32, [ptr, i64, i64, ptr, i64],
                                           [context, low, high, data(out), product(dims)]))
            return out
        }
        let slot = entryAlloca(i64, "randint")
        propagateIfNegative(callHelper("swiftjit_np_random_randint", b.i32, [ptr, i64, i64, ptr, i64],
                                       [context, low, high, slot, b.int(1)]))
        return b.load(i64, slot)
    }

    /// Shuffles an array along its first axis in place (NumPy's legacy algorithm).
    func shuffleRows(_ arr: LLVMValueRef, _ a: ArrayType) throws {
        let ptr = b.ptr, i64 = b.i64
        if a.ndim == 1 || a.layout == .c {
            let s = shape(arr, a.ndim)
            let rowBytes = LLVMBuildMul(b.builder, product(Array(s.dropFirst())), b.int(Int64(a.dtype.itemSize)), "")!
            propagateIfNegative(callHelper("swiftjit_np_random_shuffle", b.i32, [ptr, ptr, i64, i64, i64],
                                           [context, data(arr), s[0], strides(arr, a.ndim)[0], rowBytes]))
            return
        }
        let c = try copyArray(arr, a)
        try shuffleRows(c, ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
        try assignArray(arr, ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .any), c, ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .c))
    }

    /// np.random.choice(a, size=None, replace=True) as NumPy's legacy RandomState draws it.
    func choice(_ v: [LLVMValueRef], _ t: [JITType], has: (Int) -> Bool, result: JITType) throws -> LLVMValueRef {
        let source: (LLVMValueRef, ArrayType)?
        let pop: LLVMValueRef
        if case .array(let a) = t[0] {
            source = (v[0], a)
            pop = shape(v[0], 1)[0]
        } else {
            source = nil
            pop = try cast(v[0], from: t[0], to: .int64)
        }
        let emptyMessage = source == nil ? "a must be greater than 0 unless no samples are taken"
                                         : "a cannot be empty unless no samples are taken"
        func pick(_ idx: LLVMValueRef) -> LLVMValueRef {
            guard let (arr, a) = source else { return idx }
            return loadElement(elementPointer(arr, a, [idx]), a.dtype)
        }
        guard has(1) else {
            raiseIf(b.icmp(LLVMIntSLE, pop, b.int(0)), "ValueError", emptyMessage)
            if let draw = try probabilities(v, t, has: has, population: pop) { return pick(draw()) }
            return pick(try randint(b.int(0), pop, shape: nil))
        }
        guard case .array(let r) = result else { throw fail("choice") }
        let dims = try shapeValues(v[1], t[1])
        let count = product(dims)
        raiseIf(b.and(b.icmp(LLVMIntSLE, pop, b.int(0)), b.icmp(LLVMIntSGT, count, b.int(0))), "ValueError", emptyMessage)
        if source == nil { raiseIf(b.icmp(LLVMIntSLT, pop, b.int(0)), "ValueError", emptyMessage) }
        let idxType = ArrayType(dtype: .int64, ndim: r.ndim, layout: .c)
        if let draw = try probabilities(v, t, has: has, population: pop) {
            let idx = newArray(.int64, dims)
            try loopNest([count]) { i in b.store(draw(), b.gep(b.i64, data(idx), [i[0]])) }
            return try gather(idx, count, source, result: r)
        }
        let replace = has(2) ? try truth(v[2], t[2]) : b.bool(true)
        let slot = variable(ty(.array(idxType)), LLVMGetUndef(ty(.array(idxType)))!)
        let withBlock = b.appendBlock(fn, "choice.replace"), withoutBlock = b.appendBlock(fn, "choice.noreplace"),
            join = b.appendBlock(fn, "choice.join")
        b.condBr(replace, withBlock, withoutBlock)
        b.position(at: withBlock)
        b.store(try randint(b.int(0), b.select(b.icmp(LLVMIntSGT, pop, b.int(0)), pop, b.int(1)), shape: dims), slot)
        b.br(join)
        b.position(at: withoutBlock)
        raiseIf(b.icmp(LLVMIntSGT, count, pop), "ValueError",
                "Cannot take a larger sample than population when 'replace=False'")
        let perm = newArray(.int64, [pop])
        try loopNest([pop]) { i in b.store(i[0], b.gep(b.i64, data(perm), [i[0]])) }
        try shuffleRows(perm, ArrayType(dtype: .int64, ndim: 1, layout: .c))
        let idx = newArray(.int64, dims)
        try loopNest([count]) { i in
            b.store(b.load(b.i64, b.gep(b.i64, data(perm), [i[0]])), b.gep(b.i64, data(idx), [i[0]]))
        }
        b.store(idx, slot)
        b.br(join)
        b.position(at: join)
        return try gather(b.load(ty(.array(idxType)), slot), count, source, result: r)
    }

    /// choice's p=: checks the probabilities and makes their cumulative distribution as NumPy's
    /// legacy RandomState does; nil without p, else a function drawing one index (random_sample,
    /// then the first cdf entry above it).
    func probabilities(_ v: [LLVMValueRef], _ t: [JITType], has: (Int) -> Bool,
                       population: LLVMValueRef) throws -> (() -> LLVMValueRef)? {
        guard has(3), case .array(let pa) = t[3] else { return nil }
        let p = pa.dtype == .float64 && pa.layout == .c ? v[3] : try copyArray(v[3], pa, to: .float64)
        let n = shape(p, 1)[0]
        let cdf = newArray(.float64, [n])
        // NumPy's tolerance for the sum: sqrt(eps) of float64, or of the float dtype of p when larger.
        let atol = pa.dtype == .float32 ? Double(Float.ulpOfOne.squareRoot()) : Double.ulpOfOne.squareRoot()
        propagateIfNegative(callHelper("swiftjit_np_choice_cdf", b.i32, [b.ptr, b.ptr, b.i64, b.i64, b.f64, b.ptr],
                                       [context, data(p), n, population, b.double(atol), data(cdf)]))
        return { [self] in
            let u = callHelper("swiftjit_np_random_sample", b.f64, [], [])
            return callHelper("swiftjit_np_choice_pick", b.i64, [b.ptr, b.i64, b.f64], [data(cdf), n, u])
        }
    }

    /// The result of choice: the indices themselves (a population given as an int) or the source's elements.
    func gather(_ indices: LLVMValueRef, _ count: LLVMValueRef, _ source: (LLVMValueRef, ArrayType)?,
                result r: ArrayType) throws -> LLVMValueRef {
        guard let (arr, a) = source else { return indices }
        let out = newArray(r.dtype, shape(indices, r.ndim))
        try loopNest([count]) { i in
            let k = b.load(b.i64, b.gep(b.i64, data(indices), [i[0]]))
            let x = loadElement(elementPointer(arr, a, [k]), a.dtype, checkUnsigned: false)
            try storeElement(b.gep(elementType(r.dtype), data(out), [i[0]]), r.dtype, x, a.dtype.scalar)
        }
        return out
    }

    /// The standard library's random.random/seed/randint/uniform (a state of their own per thread).
    func pyRandom(_ name: String, _ v: [LLVMValueRef], _ t: [JITType]) throws -> LLVMValueRef {
        let f64 = b.f64, i64 = b.i64
        switch name {
        case "random":
            return callHelper("swiftjit_py_random_random", f64, [], [])
        case "seed":
            callHelper("swiftjit_py_random_seed", b.void, [i64], [try cast(v[0], from: t[0], to: .int64)])
            return LLVMConstNull(b.i8)
        case "randint":
            let slot = entryAlloca(i64, "randint")
            propagateIfNegative(callHelper("swiftjit_py_random_randint", b.i32, [b.ptr, i64, i64, b.ptr],
                                           [context, try cast(v[0], from: t[0], to: .int64), try cast(v[1], from: t[1], to: .int64), slot]))
            return b.load(i64, slot)
        case "gauss":
            return callHelper("swiftjit_py_random_gauss", f64, [f64, f64],
                              [try cast(v[0], from: t[0], to: .float64), try cast(v[1], from: t[1], to: .float64)])
        case "uniform":
            let lo = try cast(v[0], from: t[0], to: .float64), hi = try cast(v[1], from: t[1], to: .float64)
            let u = callHelper("swiftjit_py_random_random", f64, [], [])
            return LLVMBuildFAdd(b.builder, lo, LLVMBuildFMul(b.builder, LLVMBuildFSub(b.builder, hi, lo, "")!, u, "")!, "")
        default:
            throw fail("random.\(name)")
        }
    }
}
