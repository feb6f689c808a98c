import CLLVM

/// Lowering of advanced indexing with one array index (typed by `Types/ArrayIndexingTyping.swift`):
/// `a[mask]`, `a[idx]`, `m[i, idx]`, `m[idx, 1:]` read into a new C array, and the same
/// indices as assignment targets (`a[mask] = v`, `a[idx] = values`). Index arrays are always
/// bounds-checked (IndexError, as NumPy and Numba), whatever the boundscheck option.
extension FunctionLowering {
    /// How each source axis gets its index from a result index.
    enum AxisSource {
        /// A fixed (already wrapped) integer index.
        case fixed(LLVMValueRef)
        /// `start + step * j` for the result index at `position`.
        case slice(start: LLVMValueRef, step: LLVMValueRef, position: Int)
        /// The wrapped, checked element `j` of the positions array, for the result index at `position`.
        case positions(LLVMValueRef, ArrayType, size: LLVMValueRef, position: Int)
    }

    /// A prepared selection: the result's shape and where each source index comes from.
    struct Selection {
        var dims: [LLVMValueRef]
        var sources: [AxisSource]
        /// For a full boolean mask: the mask and its type (then `sources` is empty).
        var mask: (LLVMValueRef, ArrayType)?
    }

    /// An element copied bit for bit (no conversion, no uint64 check).
    func copyRaw(_ from: LLVMValueRef, _ to: LLVMValueRef, _ d: DType) {
        let align = UInt32(d.isComplex ? d.itemSize / 2 : d.itemSize)
        let v = b.load(elementType(d), from)
        LLVMSetAlignment(v, align)
        let s = LLVMBuildStore(b.builder, v, to)!
        LLVMSetAlignment(s, align)
    }

    /// Runs `body` only where `condition` holds.
    func when(_ condition: LLVMValueRef, _ body: () throws -> Void) rethrows {
        let then = b.appendBlock(fn, "when"), done = b.appendBlock(fn, "when.end")
        b.condBr(condition, then, done)
        b.position(at: then)
        try body()
        b.br(done)
        b.position(at: done)
    }

    /// Number of true elements of a boolean (or any) array.
    func countTrue(_ arr: LLVMValueRef, _ a: ArrayType) throws -> LLVMValueRef {
        let n = variable(b.i64, b.int(0))
        try forEachElement(arr, a) { x, _ in
            let t = LLVMBuildZExt(b.builder, try truth(x, a.dtype.scalar), b.i64, "")!
            b.store(LLVMBuildAdd(b.builder, b.load(b.i64, n), t, "")!, n)
        }
        return b.load(b.i64, n)
    }

    /// An index from an index array: negative values wrap, anything outside is an IndexError.
    func checkedArrayIndex(_ i: LLVMValueRef, size: LLVMValueRef, axis: Int) -> LLVMValueRef {
        let wrapped = b.select(b.icmp(LLVMIntSLT, i, b.int(0)), LLVMBuildAdd(b.builder, i, size, "")!, i)
        let bad = b.or(b.icmp(LLVMIntSLT, wrapped, b.int(0)), b.icmp(LLVMIntSGE, wrapped, size))
        let failBlock = b.appendBlock(fn, "fancy.index.error"), ok = b.appendBlock(fn, "fancy.index.ok")
        b.condBr(b.intrinsic("llvm.expect", [b.i1], [bad, b.bool(false)]), failBlock, ok)
        b.position(at: failBlock)
        let ft = b.functionType(b.void, [b.ptr, b.i64, b.i64, b.i64])
        b.call(ft, b.declare("swiftjit_index_error", ft), [context, i, b.int(Int64(axis)), size])
        recordTraceEntry()
        releaseAllSlots()
        LLVMBuildRet(b.builder, b.int(1, b.i32))
        b.position(at: ok)
        return wrapped
    }

    /// Prepares the selection of `arr[index]` for an advanced index.
    func advancedSelection(_ arr: LLVMValueRef, _ a: ArrayType, _ index: LLVMValueRef, _ it: JITType,
                           _ kind: ArrayIndexingTyping.Kind) throws -> Selection {
        let parts = indexParts(index, it)
        let shp = shape(arr, a.ndim)
        switch kind {
        case .fullMask:
            guard case .array(let m) = parts[0].1 else { throw fail("mask index") }
            let ms = shape(parts[0].0, m.ndim)
            for k in 0..<a.ndim {
                raiseIf(b.icmp(LLVMIntNE, ms[k], shp[k]), "IndexError",
                        "boolean index did not match indexed array along axis \(k)")
            }
            return Selection(dims: [try countTrue(parts[0].0, m)], sources: [], mask: (parts[0].0, m))
        case .oneArray(let axis):
            let types = parts.map { $0.1 }
            let (position, ndim) = ArrayIndexingTyping.placement(a, types, axis: axis)
            guard case .array(var ia) = types[axis] else { throw fail("index array") }
            var positions = parts[axis].0
            if ia.dtype == .bool {
                // A boolean array on one axis selects the positions of its true elements.
                let len = shape(positions, 1)[0]
                raiseIf(b.icmp(LLVMIntNE, len, shp[axis]), "IndexError",
                        "boolean index did not match indexed array along axis \(axis)")
                let count = try countTrue(positions, ia)
                let out = newArray(.int64, [count])
                let k = variable(b.i64, b.int(0))
                let mask = positions, maskType = ia
                try loopNest([len]) { j in
                    when(try truth(loadElement(elementPointer(mask, maskType, j), .bool), .boolean)) {
                        let at = b.load(b.i64, k)
                        b.store(j[0], b.gep(b.i64, data(out), [at]))
                        b.store(LLVMBuildAdd(b.builder, at, b.int(1), "")!, k)
                    }
                }
                positions = out
                ia = ArrayType(dtype: .int64, ndim: 1, layout: .c)
            }
            let n = shape(positions, 1)[0]
            // Result positions of the axes kept by slices (or not indexed), in order, skipping
            // the array's position.
            var free = (0..<ndim).filter { $0 != position }.makeIterator()
            var dims: [LLVMValueRef] = Array(repeating: b.int(0), count: ndim)
            dims[position] = n
            var sources: [AxisSource] = []
            for k in 0..<a.ndim {
                if k == axis {
                    sources.append(.positions(positions, ia, size: shp[k], position: position))
                    continue
                }
                if k < parts.count, !parts[k].1.isSlice {
                    let i = wrapIndex(try cast(parts[k].0, from: parts[k].1, to: .int64), size: shp[k], axis: k)
                    sources.append(.fixed(i))
                    continue
                }
                guard let p = free.next() else { throw fail("advanced index placement") }
                if k < parts.count {
                    let (start, step, count) = sliceBounds(parts[k].0, length: shp[k])
                    dims[p] = count
                    sources.append(.slice(start: start, step: step, position: p))
                } else {
                    dims[p] = shp[k]
                    sources.append(.slice(start: b.int(0), step: b.int(1), position: p))
                }
            }
            return Selection(dims: dims, sources: sources, mask: nil)
        }
    }

    /// Calls `body(source element pointer, result index)` for each selected element, in the
    /// result's C order.
    func walkSelection(_ arr: LLVMValueRef, _ a: ArrayType, _ sel: Selection,
                       _ body: (LLVMValueRef, [LLVMValueRef]) throws -> Void) throws {
        if let selected = sel.mask {
            let (mask, m) = selected
            let k = variable(b.i64, b.int(0))
            try loopNest(shape(arr, a.ndim)) { idx in
                try when(loadElement(elementPointer(mask, m, idx), .bool)) {
                    let at = b.load(b.i64, k)
                    try body(elementPointer(arr, a, idx), [at])
                    b.store(LLVMBuildAdd(b.builder, at, b.int(1), "")!, k)
                }
            }
            return
        }
        try loopNest(sel.dims) { out in
            var src: [LLVMValueRef] = []
            for (axis, s) in sel.sources.enumerated() {
                switch s {
                case .fixed(let i):
                    src.append(i)
                case .slice(let start, let step, let p):
                    src.append(LLVMBuildAdd(b.builder, start, LLVMBuildMul(b.builder, out[p], step, "")!, "")!)
                case .positions(let arrIdx, let ia, let size, let p):
                    let raw = loadElement(elementPointer(arrIdx, ia, [out[p]]), ia.dtype)
                    src.append(checkedArrayIndex(raw, size: size, axis: axis))
                }
            }
            try body(elementPointer(arr, a, src), out)
        }
    }

    /// `arr[index]` for an advanced index (nil for basic indexing): a new C array.
    func advancedGetitem(_ arr: LLVMValueRef, _ a: ArrayType, _ index: LLVMValueRef, _ it: JITType,
                         result: JITType) throws -> LLVMValueRef? {
        guard let kind = try ArrayIndexingTyping.kind(a, it) else { return nil }
        guard case .array(let r) = result else { throw fail("advanced index result") }
        let sel = try advancedSelection(arr, a, index, it, kind)
        let out = newArray(r.dtype, sel.dims)
        try walkSelection(arr, a, sel) { p, idx in
            copyRaw(p, elementPointer(out, r, idx), a.dtype)
        }
        return out
    }

    /// `arr[index] = value` for an advanced index; false for basic indexing.
    func advancedSetitem(_ arr: LLVMValueRef, _ a: ArrayType, _ index: LLVMValueRef, _ it: JITType,
                         _ value: LLVMValueRef, _ vt: JITType) throws -> Bool {
        guard let kind = try ArrayIndexingTyping.kind(a, it) else { return false }
        let sel = try advancedSelection(arr, a, index, it, kind)
        // As NumPy: every index is checked before anything is written.
        for (axis, s) in sel.sources.enumerated() {
            guard case .positions(let arrIdx, let ia, let size, _) = s else { continue }
            try loopNest([shape(arrIdx, 1)[0]]) { j in
                _ = checkedArrayIndex(loadElement(elementPointer(arrIdx, ia, j), ia.dtype), size: size, axis: axis)
            }
        }
        guard case .array(let s) = vt else {
            let element = try toElement(value, vt, a.dtype)
            let align = UInt32(a.dtype.isComplex ? a.dtype.itemSize / 2 : a.dtype.itemSize)
            try walkSelection(arr, a, sel) { p, _ in
                let st = LLVMBuildStore(b.builder, element, p)!
                LLVMSetAlignment(st, align)
            }
            return true
        }
        // The values broadcast (right-aligned) to the selection's shape; values sharing memory
        // with the target are copied first.
        let n = sel.dims.count
        guard s.ndim <= n else { throw fail("advanced assignment of a higher-dimensional array") }
        let srcSlot = variable(ty(vt), value)
        try when(b.icmp(LLVMIntEQ, b.extract(arr, 3), b.extract(value, 3))) {
            b.store(try copyArray(value, s), srcSlot)
        }
        let source = b.load(ty(vt), srcSlot)
        let ss = shape(source, s.ndim)
        var st = strides(source, s.ndim)
        for k in 0..<s.ndim {
            let d = sel.dims[n - s.ndim + k]
            let ok = b.or(b.icmp(LLVMIntEQ, ss[k], d), b.icmp(LLVMIntEQ, ss[k], b.int(1)))
            raiseIf(b.not(ok), "ValueError", "shape mismatch: value array could not be broadcast to indexing result")
            st[k] = b.select(b.icmp(LLVMIntEQ, ss[k], b.int(1)), b.int(0), st[k])
        }
        let bsrc = makeArray(s.ndim, data: data(source), shape: ss, strides: st, owner: b.extract(source, 3))
        let bt = ArrayType(dtype: s.dtype, ndim: s.ndim, layout: .any)
        try walkSelection(arr, a, sel) { p, idx in
            let x = loadElement(elementPointer(bsrc, bt, Array(idx.suffix(s.ndim))), s.dtype,
                                checkUnsigned: a.dtype != .uint64 && a.dtype != .int64)
            try storeElement(p, a.dtype, x, s.dtype.scalar)
        }
        return true
    }
}
