import CLLVM

/// Element-wise operations on arrays.
enum ElementwiseOp {
    case binary(BinaryOperator)
    case unary(UnaryOperator)
    case compare(CompareOperator)
    /// A scalar math function applied to each element (`np.sqrt`).
    case math(String)
    case cast
    /// `np.where(cond, x, y)` per element (only in fused trees, `ArrayFusion.swift`).
    case select
    /// A NumPy ufunc's element (`np.maximum`, `np.hypot`, `np.clip`, ...: `UfuncLowering.swift`).
    case ufunc(String)
}

/// Lowering of NumPy arrays: the array value is
/// `{ptr data, [n x i64] shape, [n x i64] strides (bytes), ptr owner}`;
/// new arrays are made by NumPy through the runtime helper `swiftjit_array_new`
/// and owned by the call's context until the wrapper releases them.
extension FunctionLowering {
    // MARK: fields

    func shape(_ arr: LLVMValueRef, _ ndim: Int) -> [LLVMValueRef] { (0..<ndim).map { b.extract(arr, 1, $0) } }
    func strides(_ arr: LLVMValueRef, _ ndim: Int) -> [LLVMValueRef] { (0..<ndim).map { b.extract(arr, 2, $0) } }
    func data(_ arr: LLVMValueRef) -> LLVMValueRef { b.extract(arr, 0) }

    func makeArray(_ ndim: Int, data: LLVMValueRef, shape: [LLVMValueRef], strides: [LLVMValueRef],
                   owner: LLVMValueRef) -> LLVMValueRef {
        var v = LLVMGetUndef(FunctionLowering.arrayStruct(ndim, b))!
        v = b.insert(v, data, 0)
        for (i, s) in shape.enumerated() { v = b.insert(v, s, 1, i) }
        for (i, s) in strides.enumerated() { v = b.insert(v, s, 2, i) }
        return b.insert(v, owner, 3)
    }

    func elementType(_ d: DType) -> LLVMTypeRef { FunctionLowering.elementType(d, b) }

    /// The in-memory LLVM type of one element of dtype `d` (C's representation).
    static func elementType(_ d: DType, _ b: IRBuilder) -> LLVMTypeRef {
        switch d {
        case .bool, .int8, .uint8: return b.i8
        case .int16, .uint16: return LLVMInt16TypeInContext(b.context)
        case .int32, .uint32: return b.i32
        case .int64, .uint64: return b.i64
        case .float32: return LLVMFloatTypeInContext(b.context)
        case .float64: return b.f64
        case .complex64: return b.structType([LLVMFloatTypeInContext(b.context), LLVMFloatTypeInContext(b.context)])
        case .complex128: return b.structType([b.f64, b.f64])
        }
    }

    func product(_ values: [LLVMValueRef]) -> LLVMValueRef {
        values.reduce(b.int(1)) { LLVMBuildMul(b.builder, $0, $1, "")! }
    }

    // MARK: elements

    /// Loads an element as its scalar type (bool, int64 or float64).
    /// `checkUnsigned: false` where the value only travels bit for bit into another 64-bit
    /// integer (copies, wrapping + - * of uint64 arrays), which is exact as it is.
    func loadElement(_ p: LLVMValueRef, _ d: DType, checkUnsigned: Bool = true) -> LLVMValueRef {
        let raw = b.load(elementType(d), p)
        LLVMSetAlignment(raw, UInt32(d.isComplex ? d.itemSize / 2 : d.itemSize))
        switch d {
        case .complex128: return raw
        case .complex64:
            return complexValue(LLVMBuildFPExt(b.builder, b.extract(raw, 0), b.f64, "")!,
                                LLVMBuildFPExt(b.builder, b.extract(raw, 1), b.f64, "")!)
        case .bool: return b.icmp(LLVMIntNE, raw, LLVMConstInt(b.i8, 0, 0))
        case .int8, .int16, .int32: return LLVMBuildSExt(b.builder, raw, b.i64, "")
        case .uint8, .uint16, .uint32: return LLVMBuildZExt(b.builder, raw, b.i64, "")
        case .uint64 where !checkUnsigned:
            return raw
        case .uint64:
            // nopython integers are int64: a value above 2**63-1 cannot be represented, so it
            // raises instead of wrapping around.
            raiseIf(b.icmp(LLVMIntSLT, raw, b.int(0)), "OverflowError",
                    "a uint64 element above 2**63-1 does not fit in int64 (nopython mode computes integers as int64)")
            return raw
        case .int64, .float64: return raw
        case .float32: return LLVMBuildFPExt(b.builder, raw, b.f64, "")
        }
    }

    /// Converts a scalar to an element of dtype `d` (NumPy's unsafe casting, saturating for floats).
    func toElement(_ v: LLVMValueRef, _ t: JITType, _ d: DType) throws -> LLVMValueRef {
        let et = elementType(d)
        switch d {
        case .complex64, .complex128:
            let z = try cast(v, from: t, to: .complex128)
            guard d == .complex64 else { return z }
            let f32 = LLVMFloatTypeInContext(b.context)!
            let re = LLVMBuildFPTrunc(b.builder, b.extract(z, 0), f32, "")!
            let im = LLVMBuildFPTrunc(b.builder, b.extract(z, 1), f32, "")!
            return b.insert(b.insert(LLVMGetUndef(et), re, 0), im, 1)
        case .bool:
            return LLVMBuildZExt(b.builder, try truth(v, t), b.i8, "")
        case .float32, .float64:
            let f = try cast(v, from: t == .boolean ? .boolean : t, to: .float64)
            return d == .float32 ? LLVMBuildFPTrunc(b.builder, f, et, "") : f
        default:
            var i: LLVMValueRef
            switch t {
            case .float64: i = b.intrinsic("llvm.fptosi.sat", [b.i64, b.f64], [v])
            default: i = try cast(v, from: t, to: .int64)
            }
            if d.itemSize < 8 { i = LLVMBuildTrunc(b.builder, i, et, "") }
            return i
        }
    }

    func storeElement(_ p: LLVMValueRef, _ d: DType, _ v: LLVMValueRef, _ t: JITType) throws {
        let s = LLVMBuildStore(b.builder, try toElement(v, t, d), p)!
        LLVMSetAlignment(s, UInt32(d.isComplex ? d.itemSize / 2 : d.itemSize))
    }

    /// Address of the element at (already wrapped) `indices`.
    func elementPointer(_ arr: LLVMValueRef, _ a: ArrayType, _ indices: [LLVMValueRef]) -> LLVMValueRef {
        let bb = b.builder
        if a.layout == .c {
            // Row-major linear index: the strides are implied, so LLVM sees unit steps.
            var linear = b.int(0)
            for (d, i) in indices.enumerated() {
                linear = d == 0 ? i : LLVMBuildAdd(bb, LLVMBuildMul(bb, linear, b.extract(arr, 1, d), "")!, i, "")!
            }
            return b.gep(elementType(a.dtype), data(arr), [linear])
        }
        var offset = b.int(0)
        for (d, i) in indices.enumerated() {
            offset = LLVMBuildAdd(bb, offset, LLVMBuildMul(bb, i, b.extract(arr, 2, d), "")!, "")!
        }
        return b.gep(b.i8, data(arr), [offset])
    }

    /// Python's negative index wrap, and with boundscheck an IndexError naming index, axis and size.
    func wrapIndex(_ i: LLVMValueRef, size: LLVMValueRef, axis: Int) -> LLVMValueRef {
        let negative = b.icmp(LLVMIntSLT, i, b.int(0))
        let wrapped = b.select(negative, LLVMBuildAdd(b.builder, i, size, "")!, i)
        if options.boundscheck {
            let bad = b.or(b.icmp(LLVMIntSLT, wrapped, b.int(0)), b.icmp(LLVMIntSGE, wrapped, size))
            let fail = b.appendBlock(fn, "index.error"), ok = b.appendBlock(fn, "index.ok")
            b.condBr(b.intrinsic("llvm.expect", [b.i1], [bad, b.bool(false)]), fail, ok)
            b.position(at: fail)
            let ft = b.functionType(b.void, [b.ptr, b.i64, b.i64, b.i64])
            b.call(ft, b.declare("swiftjit_index_error", ft), [context, i, b.int(Int64(axis)), size])
            recordTraceEntry()
            exceptionExit()
            b.position(at: ok)
        }
        return wrapped
    }

    // MARK: loops

    /// Emits nested loops over `shape` (row-major order) calling `body` with the indices.
    func loopNest(_ shape: [LLVMValueRef], _ body: ([LLVMValueRef]) throws -> Void) throws {
        emittedLoops = true
        var indices: [LLVMValueRef] = []
        func level(_ d: Int) throws {
            if d == shape.count { try body(indices); return }
            let counter = entryAlloca(b.i64, "i\(d)")
            b.store(b.int(0), counter)
            let header = b.appendBlock(fn, "loop\(d)"), inner = b.appendBlock(fn, "loop\(d).body"),
                exit = b.appendBlock(fn, "loop\(d).end")
            b.br(header)
            b.position(at: header)
            let i = b.load(b.i64, counter)
            b.condBr(b.icmp(LLVMIntSLT, i, shape[d]), inner, exit)
            b.position(at: inner)
            indices.append(i)
            try level(d + 1)
            indices.removeLast()
            b.store(LLVMBuildAdd(b.builder, i, b.int(1), "")!, counter)
            b.br(header)
            b.position(at: exit)
        }
        try level(0)
    }

    /// Calls `body` with every element (as its scalar type) in row-major order.
    func forEachElement(_ arr: LLVMValueRef, _ a: ArrayType, _ body: (LLVMValueRef, [LLVMValueRef]) throws -> Void) throws {
        if a.layout == .c {
            // One flat loop: C-contiguous memory in order.
            let size = product(shape(arr, a.ndim))
            try loopNest([size]) { idx in
                try body(loadElement(b.gep(elementType(a.dtype), data(arr), [idx[0]]), a.dtype), idx)
            }
            return
        }
        try loopNest(shape(arr, a.ndim)) { idx in
            try body(loadElement(elementPointer(arr, a, idx), a.dtype), idx)
        }
    }

    /// A value that lives across loop iterations (promoted to a register by mem2reg).
    func variable(_ t: LLVMTypeRef, _ initial: LLVMValueRef) -> LLVMValueRef {
        let slot = entryAlloca(t)
        b.store(initial, slot)
        return slot
    }

    // MARK: creation

    /// Returns 1 from the native function when `value` is null (the helper set ctx->exc).
    func propagateIfNull(_ value: LLVMValueRef) {
        let fail = b.appendBlock(fn, "alloc.fail"), ok = b.appendBlock(fn, "alloc.ok")
        b.condBr(b.intrinsic("llvm.expect", [b.i1], [LLVMBuildIsNull(b.builder, value, "")!, b.bool(false)]), fail, ok)
        b.position(at: fail)
        recordTraceEntry()
        exceptionExit()
        b.position(at: ok)
    }

    /// A new NumPy array of `shape` (owned by the call's context).
    func newArray(_ d: DType, _ shape: [LLVMValueRef], fortran: Bool = false, zero: Bool = false) -> LLVMValueRef {
        let n = shape.count
        let dimsType = LLVMArrayType2(b.i64, UInt64(max(n, 1)))!
        let dims = entryAlloca(dimsType, "dims")
        for (i, s) in shape.enumerated() { b.store(s, b.gep(dimsType, dims, [b.int(0), b.int(Int64(i))])) }
        let ft = b.functionType(b.ptr, [b.ptr, b.i64, b.ptr, b.i64, b.i64, b.i64])
        let obj = b.call(ft, b.declare("swiftjit_array_new", ft),
                         [context, b.int(Int64(n)), dims, b.int(Int64(d.typeNumber)), b.int(fortran ? 1 : 0), b.int(zero ? 1 : 0)])
        propagateIfNull(obj)
        return unboxArray(obj, n)
    }

    /// Reads data, shape and strides of an ndarray object (PyArrayObject layout).
    func unboxArray(_ obj: LLVMValueRef, _ ndim: Int) -> LLVMValueRef {
        let dataPtr = b.load(b.ptr, b.gep(b.i8, obj, [b.int(16)]))
        let dims = b.load(b.ptr, b.gep(b.i8, obj, [b.int(32)]))
        let strs = b.load(b.ptr, b.gep(b.i8, obj, [b.int(40)]))
        let shp = (0..<ndim).map { b.load(b.i64, b.gep(b.i64, dims, [b.int(Int64($0))])) }
        let st = (0..<ndim).map { b.load(b.i64, b.gep(b.i64, strs, [b.int(Int64($0))])) }
        return makeArray(ndim, data: dataPtr, shape: shp, strides: st, owner: obj)
    }

    /// Shape values from a shape argument (an int or a tuple of ints).
    func shapeValues(_ v: LLVMValueRef, _ t: JITType) throws -> [LLVMValueRef] {
        if case .tuple(let items) = t {
            return try items.enumerated().map { try cast(b.extract(v, $0.offset), from: $0.element, to: .int64) }
        }
        return [try cast(v, from: t, to: .int64)]
    }

    func fill(_ arr: LLVMValueRef, _ a: ArrayType, _ v: LLVMValueRef, _ t: JITType) throws {
        let element = try toElement(v, t, a.dtype)
        try loopNest(shape(arr, a.ndim)) { idx in
            let s = LLVMBuildStore(b.builder, element, elementPointer(arr, a, idx))!
            LLVMSetAlignment(s, UInt32(a.dtype.isComplex ? a.dtype.itemSize / 2 : a.dtype.itemSize))
        }
    }

    /// A C-contiguous copy of an array.
    func copyArray(_ arr: LLVMValueRef, _ a: ArrayType, to d: DType? = nil) throws -> LLVMValueRef {
        let dst = ArrayType(dtype: d ?? a.dtype, ndim: a.ndim, layout: .c)
        let out = newArray(dst.dtype, shape(arr, a.ndim))
        try loopNest(shape(arr, a.ndim)) { idx in
            let v = loadElement(elementPointer(arr, a, idx), a.dtype, checkUnsigned: dst.dtype.itemSize < 8 || dst.dtype.isFloat)
            try storeElement(elementPointer(out, dst, idx), dst.dtype, v, a.dtype.scalar)
        }
        return out
    }

    // MARK: attributes

    func arrayAttribute(_ arr: LLVMValueRef, _ a: ArrayType, _ attr: String, result: JITType) throws -> LLVMValueRef {
        switch attr {
        case "shape", "strides":
            var t = LLVMGetUndef(ty(result))!
            for i in 0..<a.ndim { t = b.insert(t, b.extract(arr, attr == "shape" ? 1 : 2, i), i) }
            return t
        case "size": return product(shape(arr, a.ndim))
        case "ndim": return b.int(Int64(a.ndim))
        case "itemsize": return b.int(Int64(a.dtype.itemSize))
        case "nbytes": return LLVMBuildMul(b.builder, product(shape(arr, a.ndim)), b.int(Int64(a.dtype.itemSize)), "")
        case "T": return transpose(arr, a.ndim)
        default: throw fail("array attribute \(attr)")
        }
    }

    func transpose(_ arr: LLVMValueRef, _ ndim: Int) -> LLVMValueRef {
        makeArray(ndim, data: data(arr), shape: shape(arr, ndim).reversed(), strides: strides(arr, ndim).reversed(),
                  owner: b.extract(arr, 3))
    }

    // MARK: indexing

    func buildSlice(_ parts: [Var]) throws -> LLVMValueRef {
        // Missing start/stop are INT64_MIN; a missing step is 1.
        var values: [LLVMValueRef] = [b.int(Int64.min), b.int(Int64.min), b.int(1)]
        for (i, p) in parts.prefix(3).enumerated() {
            let t = typed.type(of: p)
            if t == .none { continue }
            values[i] = try cast(try load(p), from: t, to: .int64)
        }
        var s = LLVMGetUndef(ty(.slice))!
        for (i, v) in values.enumerated() { s = b.insert(s, v, i) }
        return s
    }

    /// Python's slice.indices(length): (start, step, count).
    func sliceBounds(_ s: LLVMValueRef, length n: LLVMValueRef) -> (LLVMValueRef, LLVMValueRef, LLVMValueRef) {
        let bb = b.builder
        let step = b.extract(s, 2)
        raiseIf(b.icmp(LLVMIntEQ, step, b.int(0)), "ValueError", "slice step cannot be zero")
        let negStep = b.icmp(LLVMIntSLT, step, b.int(0))
        let missing = b.int(Int64.min)
        func clamp(_ v: LLVMValueRef, defaultValue: LLVMValueRef) -> LLVMValueRef {
            let isMissing = b.icmp(LLVMIntEQ, v, missing)
            let neg = b.icmp(LLVMIntSLT, v, b.int(0))
            let plus = LLVMBuildAdd(bb, v, n, "")!
            let lowFix = b.select(negStep, b.int(-1), b.int(0))
            let highFix = b.select(negStep, LLVMBuildSub(bb, n, b.int(1), "")!, n)
            let fromNeg = b.select(b.icmp(LLVMIntSLT, plus, b.int(0)), lowFix, plus)
            let fromPos = b.select(b.icmp(LLVMIntSGE, v, n), highFix, v)
            return b.select(isMissing, defaultValue, b.select(neg, fromNeg, fromPos))
        }
        let start = clamp(b.extract(s, 0), defaultValue: b.select(negStep, LLVMBuildSub(bb, n, b.int(1), "")!, b.int(0)))
        let stop = clamp(b.extract(s, 1), defaultValue: b.select(negStep, b.int(-1), n))
        // count = step > 0 ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
        let posCount = LLVMBuildSDiv(bb, LLVMBuildSub(bb, LLVMBuildAdd(bb, LLVMBuildSub(bb, stop, start, "")!, step, "")!, b.int(1), "")!, step, "")!
        let negStepAbs = LLVMBuildSub(bb, b.int(0), step, "")!
        let negCount = LLVMBuildSDiv(bb, LLVMBuildSub(bb, LLVMBuildAdd(bb, LLVMBuildSub(bb, start, stop, "")!, negStepAbs, "")!, b.int(1), "")!, negStepAbs, "")!
        let raw = b.select(negStep, negCount, posCount)
        let count = b.select(b.icmp(LLVMIntSLT, raw, b.int(0)), b.int(0), raw)
        return (start, step, count)
    }

    /// The parts of an index (one per axis), with constant slices made runtime slices.
    func indexParts(_ index: LLVMValueRef, _ it: JITType) -> [(LLVMValueRef, JITType)] {
        var parts: [(LLVMValueRef, JITType)] = []
        if case .tuple(let items) = it {
            for (i, t) in items.enumerated() { parts.append((b.extract(index, i), t)) }
        } else {
            parts.append((index, it))
        }
        return parts.map { v, t in
            guard case .literalSlice(let start, let stop, let step) = t else { return (v, t) }
            var s = LLVMGetUndef(ty(.slice))!
            s = b.insert(s, b.int(start ?? Int64.min), 0)
            s = b.insert(s, b.int(stop ?? Int64.min), 1)
            s = b.insert(s, b.int(step ?? 1), 2)
            return (s, .slice)
        }
    }

    /// `arr[index]`: an element, or a view when some axes stay.
    func arrayGetitem(_ arr: LLVMValueRef, _ a: ArrayType, _ index: LLVMValueRef, _ it: JITType,
                      result: JITType) throws -> LLVMValueRef {
        if let advanced = try advancedGetitem(arr, a, index, it, result: result) { return advanced }
        let parts = indexParts(index, it)
        let shp = shape(arr, a.ndim), st = strides(arr, a.ndim)
        if !result.isArray {
            let idx = try parts.enumerated().map { (axis, p) in
                wrapIndex(try cast(p.0, from: p.1, to: .int64), size: shp[axis], axis: axis)
            }
            return loadElement(elementPointer(arr, a, idx), a.dtype)
        }
        // A view: fold integer indices into the data pointer, slices into shape and strides.
        var offset = b.int(0)
        var newShape: [LLVMValueRef] = [], newStrides: [LLVMValueRef] = []
        for axis in 0..<a.ndim {
            guard axis < parts.count else {
                newShape.append(shp[axis]); newStrides.append(st[axis]); continue
            }
            let (v, t) = parts[axis]
            if t == .slice {
                let (start, step, count) = sliceBounds(v, length: shp[axis])
                offset = LLVMBuildAdd(b.builder, offset, LLVMBuildMul(b.builder, start, st[axis], "")!, "")!
                newShape.append(count)
                newStrides.append(LLVMBuildMul(b.builder, st[axis], step, "")!)
            } else {
                let i = wrapIndex(try cast(v, from: t, to: .int64), size: shp[axis], axis: axis)
                offset = LLVMBuildAdd(b.builder, offset, LLVMBuildMul(b.builder, i, st[axis], "")!, "")!
            }
        }
        guard case .array(let r) = result else { throw fail("view type") }
        return makeArray(r.ndim, data: b.gep(b.i8, data(arr), [offset]), shape: newShape, strides: newStrides,
                         owner: b.extract(arr, 3))
    }

    func arraySetitem(_ arr: LLVMValueRef, _ a: ArrayType, _ index: LLVMValueRef, _ it: JITType,
                      _ value: LLVMValueRef, _ vt: JITType) throws {
        if try advancedSetitem(arr, a, index, it, value, vt) { return }
        let target = try ArrayTyping.getitem(a, it)
        if !target.isArray {
            let parts = indexParts(index, it)
            let shp = shape(arr, a.ndim)
            let idx = try parts.enumerated().map { (axis, p) in
                wrapIndex(try cast(p.0, from: p.1, to: .int64), size: shp[axis], axis: axis)
            }
            try storeElement(elementPointer(arr, a, idx), a.dtype, value, vt)
            return
        }
        guard case .array(let va) = target else { return }
        let view = try arrayGetitem(arr, a, index, it, result: target)
        let viewType = ArrayType(dtype: va.dtype, ndim: va.ndim, layout: .any)
        if case .array(let src) = vt {
            try assignArray(view, viewType, value, src)
        } else {
            try fill(view, viewType, value, vt)
        }
    }

    /// dst[...] = src with broadcasting; a source sharing memory with the destination is copied first.
    func assignArray(_ dst: LLVMValueRef, _ d: ArrayType, _ src: LLVMValueRef, _ s: ArrayType) throws {
        let dshape = shape(dst, d.ndim)
        let sshape = shape(src, s.ndim)
        // Shapes must broadcast to the destination's.
        var srcStrides = strides(src, s.ndim)
        for k in 0..<s.ndim {
            let dd = dshape[d.ndim - s.ndim + k], sd = sshape[k]
            let ok = b.or(b.icmp(LLVMIntEQ, dd, sd), b.icmp(LLVMIntEQ, sd, b.int(1)))
            raiseIf(b.not(ok), "ValueError", "could not broadcast input array into the destination's shape")
            srcStrides[k] = b.select(b.icmp(LLVMIntEQ, sd, b.int(1)), b.int(0), srcStrides[k])
        }
        let sameOwner = b.icmp(LLVMIntEQ, b.extract(dst, 3), b.extract(src, 3))
        let copyBlock = b.appendBlock(fn, "assign.copy"), join = b.appendBlock(fn, "assign.join")
        let srcSlot = variable(ty(.array(s)), src)
        b.condBr(sameOwner, copyBlock, join)
        b.position(at: copyBlock)
        b.store(try copyArray(src, s), srcSlot)
        b.br(join)
        b.position(at: join)
        let source = b.load(ty(.array(s)), srcSlot)
        var srcStrides2 = strides(source, s.ndim)
        for k in 0..<s.ndim {
            srcStrides2[k] = b.select(b.icmp(LLVMIntEQ, sshape[k], b.int(1)), b.int(0), srcStrides2[k])
        }
        let bsrc = makeArray(s.ndim, data: data(source), shape: sshape, strides: srcStrides2, owner: b.extract(source, 3))
        let bsrcType = ArrayType(dtype: s.dtype, ndim: s.ndim, layout: .any)
        try loopNest(dshape) { idx in
            let v = loadElement(elementPointer(bsrc, bsrcType, Array(idx.suffix(s.ndim))), s.dtype,
                                checkUnsigned: d.dtype != .uint64 && d.dtype != .int64)
            try storeElement(elementPointer(dst, d, idx), d.dtype, v, s.dtype.scalar)
        }
    }

    func arrayForIter(_ it: Var, _ value: Var, _ body: Label, _ exit: Label) throws {
        guard case .arrayIter(let a) = typed.type(of: it) else { return }
        let slotPtr = try slot(it)
        let state = b.load(ty(.arrayIter(a)), slotPtr)
        let arr = b.extract(state, 0), i = b.extract(state, 1)
        let advance = b.appendBlock(fn, "for.next")
        b.condBr(b.icmp(LLVMIntSLT, i, b.extract(arr, 1, 0)), advance, blocks[exit.id])
        b.position(at: advance)
        let elementType = try ArrayTyping.getitem(a, .int64)
        let element = try arrayGetitem(arr, a, i, .int64, result: elementType)
        b.store(try cast(element, from: elementType, to: typed.type(of: value)), try slot(value))
        b.store(LLVMBuildAdd(b.builder, i, b.int(1), "")!, b.gep(ty(.arrayIter(a)), slotPtr, [b.int(0, b.i32), b.int(1, b.i32)]))
        b.br(blocks[body.id])
    }

    // MARK: element-wise

    /// The right-aligned broadcast shape of the array operands (ValueError when they do not
    /// broadcast), and each operand as a broadcast view (stride 0 along axes of size 1);
    /// scalars pass through with a nil array type.
    func broadcast(_ values: [LLVMValueRef], _ types: [JITType], ndim: Int)
        -> (shape: [LLVMValueRef], inputs: [(LLVMValueRef, ArrayType?)]) {
        var outShape: [LLVMValueRef] = Array(repeating: b.int(1), count: ndim)
        for (v, t) in zip(values, types) {
            guard case .array(let a) = t else { continue }
            let s = shape(v, a.ndim)
            for k in 0..<a.ndim {
                let o = ndim - a.ndim + k
                let cur = outShape[o]
                let ok = b.or(b.or(b.icmp(LLVMIntEQ, cur, s[k]), b.icmp(LLVMIntEQ, cur, b.int(1))), b.icmp(LLVMIntEQ, s[k], b.int(1)))
                raiseIf(b.not(ok), "ValueError", "operands could not be broadcast together")
                outShape[o] = b.select(b.icmp(LLVMIntEQ, cur, b.int(1)), s[k], cur)
            }
        }
        var inputs: [(LLVMValueRef, ArrayType?)] = []
        for (v, t) in zip(values, types) {
            guard case .array(let a) = t else { inputs.append((v, nil)); continue }
            let s = shape(v, a.ndim)
            var st = strides(v, a.ndim)
            for k in 0..<a.ndim { st[k] = b.select(b.icmp(LLVMIntEQ, s[k], b.int(1)), b.int(0), st[k]) }
            inputs.append((makeArray(a.ndim, data: data(v), shape: s, strides: st, owner: b.extract(v, 3)),
                           ArrayType(dtype: a.dtype, ndim: a.ndim, layout: .any)))
        }
        return (outShape, inputs)
    }

    /// Broadcasts operands (arrays or scalars) and applies `op` element by element into a new C array.
    func elementwise(_ op: ElementwiseOp, _ values: [LLVMValueRef], _ types: [JITType], result: JITType) throws -> LLVMValueRef {
        guard case .array(let r) = result else { throw fail("element-wise result \(result)") }
        let (outShape, inputs) = broadcast(values, types, ndim: r.ndim)
        let out = newArray(r.dtype, outShape)
        // Wrapping + - * (and bitwise ops) into a 64-bit integer result are exact on the
        // bits of uint64 elements.
        var bitExact = r.dtype == .uint64 || r.dtype == .int64
        switch op {
        case .binary(let o): bitExact = bitExact && [.add, .sub, .mul, .and, .or, .xor, .lshift].contains(o)
        case .unary(let o): bitExact = bitExact && (o == .neg || o == .pos || o == .invert)
        default: bitExact = false
        }
        // Scalar types the operation is computed in.
        let scalarTypes: [JITType] = zip(types, inputs).map { t, inp in inp.1?.dtype.scalar ?? t }
        if arrayParallelism && r.ndim > 0 {
            try parallelElementwise(op, inputs: inputs, scalarTypes: scalarTypes, out: out, r, outShape: outShape,
                                    bitExact: bitExact)
            return out
        }
        try loopNest(outShape) { idx in
            try elementwiseStep(op, inputs, scalarTypes, out: out, r, idx: idx, bitExact: bitExact)
        }
        return out
    }

    /// One element of `elementwise`: loads the operands at `idx` (broadcast), computes, stores.
    func elementwiseStep(_ op: ElementwiseOp, _ inputs: [(LLVMValueRef, ArrayType?)], _ scalarTypes: [JITType],
                         out: LLVMValueRef, _ r: ArrayType, idx: [LLVMValueRef], bitExact: Bool) throws {
        var operands: [LLVMValueRef] = []
        for (v, a) in inputs {
            if let a = a {
                operands.append(loadElement(elementPointer(v, a, Array(idx.suffix(a.ndim))), a.dtype,
                                            checkUnsigned: !bitExact))
            } else {
                operands.append(v)
            }
        }
        let (value, vt) = try scalarOp(op, operands, scalarTypes, resultDType: r.dtype)
        try storeElement(elementPointer(out, r, idx), r.dtype, value, vt)
    }

    /// One element of an element-wise operation; returns the value and its scalar type.
    func scalarOp(_ op: ElementwiseOp, _ v: [LLVMValueRef], _ t: [JITType], resultDType: DType) throws -> (LLVMValueRef, JITType) {
        switch op {
        case .binary(let o):
            var rt = resultDType.scalar
            if rt == .boolean && ![.and, .or, .xor].contains(o) { rt = .int64 }
            if o == .trueDiv { rt = .float64 }
            if resultDType.isComplex {
                return (try complexBinary(o, v[0], t[0], v[1], t[1]), .complex128)
            }
            if let r = try numpyDivision(o, v[0], t[0], v[1], t[1], result: rt) { return (r, rt) }
            return (try binary(o, v[0], t[0], v[1], t[1], result: rt), rt)
        case .unary(let o) where t[0] == .complex128:
            guard o == .neg || o == .pos else { throw fail("unary \(o.rawValue) of complex") }
            if o == .pos { return (v[0], .complex128) }
            return (complexValue(LLVMBuildFNeg(b.builder, b.extract(v[0], 0), "")!,
                                 LLVMBuildFNeg(b.builder, b.extract(v[0], 1), "")!), .complex128)
        case .unary(let o):
            let rt: JITType = t[0] == .boolean && o != .not ? .int64 : t[0]
            return (try unary(o, v[0], t[0], result: rt), rt)
        case .compare(let o):
            if t[0] == .complex128 || t[1] == .complex128 {
                return (try compareValues(o, v[0], t[0], v[1], t[1]), .boolean)
            }
            return (try compare(o, v[0], t[0], v[1], t[1]), .boolean)
        case .math(let name):
            switch name {
            case "abs", "absolute":
                return (try call(.abs, [v[0]], [t[0]], result: t[0] == .boolean ? .int64 : t[0]), t[0] == .boolean ? .int64 : t[0])
            case "negative":
                let rt: JITType = t[0] == .boolean ? .int64 : t[0]
                return (try unary(.neg, v[0], t[0], result: rt), rt)
            case "square":
                let rt: JITType = t[0] == .boolean ? .int64 : t[0]
                return (try binary(.mul, v[0], t[0], v[0], t[0], result: rt), rt)
            case "floor", "ceil", "trunc":
                if t[0] != .float64 { return (v[0], t[0]) }
                return (b.intrinsic("llvm.\(name)", [b.f64], [v[0]]), .float64)
            case "isnan", "isinf", "isfinite":
                return (try math(name, [v[0]], [t[0]]), .boolean)
            default:
                return (try math(name, [v[0]], [t[0]]), .float64)
            }
        case .cast:
            return (v[0], t[0])
        case .ufunc(let name):
            return try ufuncElement(name, v, t, resultDType: resultDType)
        case .select:
            let rt = resultDType.scalar
            return (b.select(try truth(v[0], t[0]), try cast(v[1], from: t[1], to: rt), try cast(v[2], from: t[2], to: rt)), rt)
        }
    }

    /// Division and modulo by zero inside array operations follow NumPy: no
    /// exception; inf/nan for floats, 0 for integers.
    func numpyDivision(_ o: BinaryOperator, _ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef, _ ty_: JITType,
                       result rt: JITType) throws -> LLVMValueRef? {
        let bb = b.builder
        switch (o, rt) {
        case (.trueDiv, _):
            return LLVMBuildFDiv(bb, try cast(x, from: tx, to: .float64), try cast(y, from: ty_, to: .float64), "")
        case (.floorDiv, .float64), (.mod, .float64):
            let a = try cast(x, from: tx, to: .float64), c = try cast(y, from: ty_, to: .float64)
            let zero = b.fcmp(LLVMRealOEQ, c, b.double(0))
            let safe = b.select(zero, b.double(1), c)
            let (div, mod) = floatDivmod(a, safe)
            let atZero = o == .floorDiv ? LLVMBuildFDiv(bb, a, c, "")! : b.double(.nan)
            return b.select(zero, atZero, o == .floorDiv ? div : mod)
        case (.floorDiv, .int64), (.mod, .int64):
            let a = try cast(x, from: tx, to: .int64), c = try cast(y, from: ty_, to: .int64)
            let zero = b.icmp(LLVMIntEQ, c, b.int(0))
            let (div, mod) = intDivmod(a, b.select(zero, b.int(1), c))
            return b.select(zero, b.int(0), o == .floorDiv ? div : mod)
        default:
            return nil
        }
    }

    // MARK: numpy functions and array methods

    func numpyCall(_ impl: CallImpl, _ v: [LLVMValueRef], _ t: [JITType], present: [Bool],
                   result: JITType) throws -> LLVMValueRef {
        func has(_ i: Int) -> Bool { i < present.count && present[i] }
        switch impl {
        case .numpy(let name):
            if let r = try arrayLibCall(name, v, t, present: present, result: result) { return r }
            switch name {
            case "empty", "zeros", "ones", "full":
                guard case .array(let r) = result else { throw fail("np.\(name)") }
                let fortran = false
                let arr = newArray(r.dtype, try shapeValues(v[0], t[0]), fortran: fortran, zero: name == "zeros")
                if name == "ones" { try fill(arr, r, b.int(1), .int64) }
                if name == "full" { try fill(arr, r, v[1], t[1]) }
                return arr
            case "empty_like", "zeros_like", "ones_like", "full_like":
                guard case .array(let r) = result, case .array(let a) = t[0] else { throw fail("np.\(name)") }
                let arr = newArray(r.dtype, shape(v[0], a.ndim), fortran: r.layout == .f, zero: name == "zeros_like")
                if name == "ones_like" { try fill(arr, r, b.int(1), .int64) }
                if name == "full_like" { try fill(arr, r, v[1], t[1]) }
                return arr
            case "arange":
                return try arange(v, t, present: present, result: result)
            case "linspace":
                return try linspace(v, t, present: present)
            case "dot":
                return try dot(v[0], t[0], v[1], t[1], result: result)
            default:
                if UfuncTyping.functions[name] != nil {
                    return try ufuncCall(name, v, t, present: present, result: result)
                }
                if ListExtrasTyping.numpyFunctions[name] != nil {
                    return try numpyArrayOf(name, v, t, present: present, result: result)
                }
                if NumpyLibTyping.functions[name] != nil || name.hasPrefix("py.") {
                    return try numpyLib(name, v, t, present: present, result: result)
                }
                if ArrayTyping.unaryUfuncs[name] != nil || ["abs", "absolute", "negative", "square", "floor", "ceil", "trunc"].contains(name) {
                    if result.isArray {
                        return try elementwise(.math(ArrayTyping.unaryUfuncs[name] ?? name), [v[0]], [t[0]], result: result)
                    }
                    let (value, vt) = try scalarOp(.math(ArrayTyping.unaryUfuncs[name] ?? name), [v[0]], [t[0]],
                                                   resultDType: DType.of(result) ?? .float64)
                    return try cast(value, from: vt, to: result)
                }
                guard case .array(let a) = t[0] else { throw fail("np.\(name)") }
                return try arrayMethod(name, v[0], a, [], [], result: result)
            }
        case .arrayMethod(let name):
            guard case .array(let a) = t[0] else { throw fail("method \(name)") }
            return try arrayMethod(name, v[0], a, Array(v.dropFirst()), Array(t.dropFirst()), result: result)
        default:
            throw fail("numpy call \(impl)")
        }
    }

    func arange(_ v: [LLVMValueRef], _ t: [JITType], present: [Bool], result: JITType) throws -> LLVMValueRef {
        guard case .array(let r) = result else { throw fail("arange") }
        func has(_ i: Int) -> Bool { i < present.count && present[i] }
        let isFloat = (0..<3).contains { has($0) && t[$0] == .float64 } || r.dtype.isFloat
        let ct: JITType = isFloat ? .float64 : .int64
        let start = has(0) ? try cast(v[0], from: t[0], to: ct) : (isFloat ? b.double(0) : b.int(0))
        let stop = try cast(v[1], from: t[1], to: ct)
        let step = has(2) ? try cast(v[2], from: t[2], to: ct) : (isFloat ? b.double(1) : b.int(1))
        let count: LLVMValueRef
        if isFloat {
            raiseIf(b.fcmp(LLVMRealOEQ, step, b.double(0)), "ZeroDivisionError", "division by zero")
            let c = b.intrinsic("llvm.ceil", [b.f64], [LLVMBuildFDiv(b.builder, LLVMBuildFSub(b.builder, stop, start, "")!, step, "")!])
            let ci = b.intrinsic("llvm.fptosi.sat", [b.i64, b.f64], [c])
            count = b.select(b.icmp(LLVMIntSLT, ci, b.int(0)), b.int(0), ci)
        } else {
            raiseIf(b.icmp(LLVMIntEQ, step, b.int(0)), "ZeroDivisionError", "division by zero")
            // Same as len(range(start, stop, step)).
            let r = try call(.range, [start, stop, step], [.int64, .int64, .int64], result: .range)
            _ = r
            let pos = b.icmp(LLVMIntSGT, step, b.int(0))
            let span = b.select(pos, LLVMBuildSub(b.builder, stop, start, "")!, LLVMBuildSub(b.builder, start, stop, "")!)
            let absStep = b.select(pos, step, LLVMBuildSub(b.builder, b.int(0), step, "")!)
            let n = LLVMBuildSDiv(b.builder, LLVMBuildAdd(b.builder, span, LLVMBuildSub(b.builder, absStep, b.int(1), "")!, "")!, absStep, "")!
            count = b.select(b.icmp(LLVMIntSLT, n, b.int(0)), b.int(0), n)
        }
        let out = newArray(r.dtype, [count])
        try loopNest([count]) { idx in
            let value: LLVMValueRef
            if isFloat {
                value = LLVMBuildFAdd(b.builder, start, LLVMBuildFMul(b.builder, LLVMBuildSIToFP(b.builder, idx[0], b.f64, "")!, step, "")!, "")!
            } else {
                value = LLVMBuildAdd(b.builder, start, LLVMBuildMul(b.builder, idx[0], step, "")!, "")!
            }
            try storeElement(elementPointer(out, r, idx), r.dtype, value, ct)
        }
        return out
    }

    func linspace(_ v: [LLVMValueRef], _ t: [JITType], present: [Bool]) throws -> LLVMValueRef {
        let start = try cast(v[0], from: t[0], to: .float64), stop = try cast(v[1], from: t[1], to: .float64)
        let num = present.count > 2 && present[2] ? try cast(v[2], from: t[2], to: .int64) : b.int(50)
        raiseIf(b.icmp(LLVMIntSLT, num, b.int(0)), "ValueError", "Number of samples, -1, must be non-negative.")
        let r = ArrayType(dtype: .float64, ndim: 1, layout: .c)
        let out = newArray(.float64, [num])
        let div = LLVMBuildSIToFP(b.builder, LLVMBuildSub(b.builder, num, b.int(1), "")!, b.f64, "")!
        let rawStep = LLVMBuildFDiv(b.builder, LLVMBuildFSub(b.builder, stop, start, "")!, div, "")!
        // One sample is just `start`.
        let step = b.select(b.icmp(LLVMIntSGT, num, b.int(1)), rawStep, b.double(0))
        let last = LLVMBuildSub(b.builder, num, b.int(1), "")!
        try loopNest([num]) { idx in
            let x = LLVMBuildFAdd(b.builder, start, LLVMBuildFMul(b.builder, LLVMBuildSIToFP(b.builder, idx[0], b.f64, "")!, step, "")!, "")!
            // NumPy makes the last sample exactly `stop`.
            let value = b.select(b.and(b.icmp(LLVMIntEQ, idx[0], last), b.icmp(LLVMIntSGT, num, b.int(1))), stop, x)
            try storeElement(elementPointer(out, r, idx), .float64, value, .float64)
        }
        return out
    }

    func dot(_ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef, _ ty_: JITType, result: JITType) throws -> LLVMValueRef {
        guard case .array(let a) = tx, case .array(let c) = ty_ else { throw fail("dot") }
        let d = DType.promote(a.dtype, c.dtype)
        let acc: JITType = d.scalar == .boolean ? .int64 : d.scalar
        let sa = shape(x, a.ndim), sc = shape(y, c.ndim)
        let inner = sa[a.ndim - 1], innerB = sc[c.ndim == 1 ? 0 : 0]
        raiseIf(b.icmp(LLVMIntNE, inner, innerB), "ValueError", "shapes not aligned for dot")
        func sumProducts(_ rowA: (LLVMValueRef) -> [LLVMValueRef], _ colB: (LLVMValueRef) -> [LLVMValueRef]) throws -> LLVMValueRef {
            let total = variable(ty(acc), acc == .float64 ? b.double(0) : b.int(0))
            try loopNest([inner]) { k in
                let p = loadElement(elementPointer(x, a, rowA(k[0])), a.dtype)
                let q = loadElement(elementPointer(y, c, colB(k[0])), c.dtype)
                let prod = try binary(.mul, p, a.dtype.scalar, q, c.dtype.scalar, result: acc)
                b.store(try binary(.add, b.load(ty(acc), total), acc, prod, acc, result: acc), total)
            }
            return b.load(ty(acc), total)
        }
        switch (a.ndim, c.ndim) {
        case (1, 1):
            return try cast(try sumProducts({ [$0] }, { [$0] }), from: acc, to: result)
        case (2, 1):
            guard case .array(let r) = result else { throw fail("dot") }
            let out = newArray(r.dtype, [sa[0]])
            try loopNest([sa[0]]) { i in
                try storeElement(elementPointer(out, r, i), r.dtype, try sumProducts({ [i[0], $0] }, { [$0] }), acc)
            }
            return out
        case (1, 2):
            guard case .array(let r) = result else { throw fail("dot") }
            let out = newArray(r.dtype, [sc[1]])
            try loopNest([sc[1]]) { j in
                try storeElement(elementPointer(out, r, j), r.dtype, try sumProducts({ [$0] }, { [$0, j[0]] }), acc)
            }
            return out
        default:
            guard case .array(let r) = result else { throw fail("dot") }
            let out = newArray(r.dtype, [sa[0], sc[1]])
            try loopNest([sa[0], sc[1]]) { ij in
                try storeElement(elementPointer(out, r, ij), r.dtype,
                                 try sumProducts({ [ij[0], $0] }, { [$0, ij[1]] }), acc)
            }
            return out
        }
    }

    /// sum, prod and mean of a real (bool, integer or float) array.
    func realReduction(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, _ size: LLVMValueRef) throws -> LLVMValueRef {
        let acc: JITType = a.dtype.isFloat || name == "mean" ? .float64 : .int64
        let total = variable(ty(acc), name == "prod" ? (acc == .float64 ? b.double(1) : b.int(1))
                                                     : (acc == .float64 ? b.double(0) : b.int(0)))
        try forEachElement(arr, a) { x, _ in
            let cur = b.load(ty(acc), total)
            b.store(try binary(name == "prod" ? .mul : .add, cur, acc, x, a.dtype.scalar, result: acc), total)
        }
        let value = b.load(ty(acc), total)
        if name == "mean" {
            return LLVMBuildFDiv(b.builder, value, LLVMBuildSIToFP(b.builder, size, b.f64, "")!, "")
        }
        return value
    }

    func arrayMethod(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, _ v: [LLVMValueRef], _ t: [JITType],
                     result: JITType) throws -> LLVMValueRef {
        if let r = try arrayLibMethod(name, arr, a, v, t, result: result) { return r }
        let size = product(shape(arr, a.ndim))
        switch name {
        case "sum", "prod", "mean":
            if arrayParallelism && !a.dtype.isComplex && a.ndim > 0 { return try parallelRealReduction(name, arr, a, size) }
            guard a.dtype.isComplex else { return try realReduction(name, arr, a, size) }
            let acc = variable(ty(.complex128), complexValue(b.double(name == "prod" ? 1 : 0), b.double(0)))
            try forEachElement(arr, a) { x, _ in
                b.store(try complexBinary(name == "prod" ? .mul : .add, b.load(ty(.complex128), acc), .complex128, x, .complex128), acc)
            }
            let total = b.load(ty(.complex128), acc)
            if name == "mean" {
                return try complexBinary(.trueDiv, total, .complex128, LLVMBuildSIToFP(b.builder, size, b.f64, "")!, .float64)
            }
            return total
        case "min", "max", "amin", "amax":
            raiseIf(b.icmp(LLVMIntEQ, size, b.int(0)), "ValueError",
                    "zero-size array to reduction operation \(name.hasSuffix("min") ? "minimum" : "maximum") which has no identity")
            let isMax = name.hasSuffix("max")
            if arrayParallelism && !a.dtype.isComplex && a.ndim > 0 { return try parallelMinMax(isMax: isMax, arr, a, size) }
            let st = a.dtype.scalar
            let best = variable(ty(st), loadElement(data(arr), a.dtype))
            try forEachElement(arr, a) { x, _ in
                let cur = b.load(ty(st), best)
                // NaN propagates, as in NumPy.
                var better = try compare(isMax ? .gt : .lt, x, st, cur, st)
                if st == .float64 { better = b.or(better, b.fcmp(LLVMRealUNO, x, x)) ; better = b.and(better, b.fcmp(LLVMRealORD, cur, cur)) }
                b.store(b.select(better, x, cur), best)
            }
            return b.load(ty(st), best)
        case "argmin", "argmax":
            if let r = try parallelArrayReduction(name, arr, a) { return r }
            raiseIf(b.icmp(LLVMIntEQ, size, b.int(0)), "ValueError", "attempt to get \(name) of an empty sequence")
            let st = a.dtype.scalar
            let best = variable(ty(st), loadElement(data(arr), a.dtype))
            let bestIndex = variable(b.i64, b.int(0))
            let counter = variable(b.i64, b.int(0))
            try forEachElement(arr, a) { x, _ in
                let cur = b.load(ty(st), best)
                var better = try compare(name == "argmax" ? .gt : .lt, x, st, cur, st)
                if st == .float64 { better = b.and(b.or(better, b.fcmp(LLVMRealUNO, x, x)), b.fcmp(LLVMRealORD, cur, cur)) }
                let k = b.load(b.i64, counter)
                b.store(b.select(better, x, cur), best)
                b.store(b.select(better, k, b.load(b.i64, bestIndex)), bestIndex)
                b.store(LLVMBuildAdd(b.builder, k, b.int(1), "")!, counter)
            }
            return b.load(b.i64, bestIndex)
        case "any", "all":
            if let r = try parallelArrayReduction(name, arr, a) { return r }
            let acc = variable(b.i1, b.bool(name == "all"))
            try forEachElement(arr, a) { x, _ in
                let truthy = try truth(x, a.dtype.scalar)
                let cur = b.load(b.i1, acc)
                b.store(name == "any" ? b.or(cur, truthy) : b.and(cur, truthy), acc)
            }
            return b.load(b.i1, acc)
        case "copy", "flatten":
            let c = try copyArray(arr, a)
            if name == "flatten" {
                return makeArray(1, data: data(c), shape: [size], strides: [b.int(Int64(a.dtype.itemSize))], owner: b.extract(c, 3))
            }
            return c
        case "ravel":
            return makeArray(1, data: data(arr), shape: [size], strides: [b.int(Int64(a.dtype.itemSize))], owner: b.extract(arr, 3))
        case "reshape":
            guard case .array(let r) = result else { throw fail("reshape") }
            var dims: [LLVMValueRef]
            if v.count == 1 { dims = try shapeValues(v[0], t[0]) } else { dims = try zip(v, t).map { try cast($0, from: $1, to: .int64) } }
            // One dimension may be -1: inferred from the others.
            var known = b.int(1)
            var unknownCount = b.int(0)
            for d in dims {
                let isUnknown = b.icmp(LLVMIntEQ, d, b.int(-1))
                known = b.select(isUnknown, known, LLVMBuildMul(b.builder, known, d, "")!)
                unknownCount = LLVMBuildAdd(b.builder, unknownCount, LLVMBuildZExt(b.builder, isUnknown, b.i64, "")!, "")!
            }
            let safeKnown = b.select(b.icmp(LLVMIntEQ, known, b.int(0)), b.int(1), known)
            let inferred = LLVMBuildSDiv(b.builder, size, safeKnown, "")!
            dims = dims.map { b.select(b.icmp(LLVMIntEQ, $0, b.int(-1)), inferred, $0) }
            raiseIf(b.icmp(LLVMIntUGT, unknownCount, b.int(1)), "ValueError", "can only specify one unknown dimension")
            raiseIf(b.icmp(LLVMIntNE, product(dims), size), "ValueError", "cannot reshape array: the total size must stay the same")
            var strides: [LLVMValueRef] = Array(repeating: b.int(Int64(a.dtype.itemSize)), count: r.ndim)
            for k in stride(from: r.ndim - 2, through: 0, by: -1) {
                strides[k] = LLVMBuildMul(b.builder, strides[k + 1], dims[k + 1], "")!
            }
            return makeArray(r.ndim, data: data(arr), shape: dims, strides: strides, owner: b.extract(arr, 3))
        case "transpose":
            return transpose(arr, a.ndim)
        case "fill":
            try fill(arr, a, v[0], t[0])
            return LLVMConstNull(b.i8)
        case "dot":
            return try dot(arr, .array(a), v[0], t[0], result: result)
        default:
            if NumpyLibTyping.methods.contains(name) { return try numpyLibMethod(name, arr, a, result: result) }
            if UfuncTyping.methods.contains(name) { return try ufuncMethod(name, arr, a, v, t, result: result) }
            throw fail("array method \(name)")
        }
    }
}
