import CLLVM

/// Lowering of `a.astype(dtype)`, reductions along an axis and the numpy functions of
/// `Types/ArrayLibTyping.swift` (flip, eye, diag, triu, round, vstack, isclose, ...), as
/// LLVM loops over the array values. `ArrayLowering` calls `arrayLibMethod` and
/// `arrayLibCall` first; they return nil for what they leave to it.
extension FunctionLowering {
    // MARK: dispatch

    /// Array methods handled here (astype, reductions with an axis); nil otherwise.
    func arrayLibMethod(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, _ v: [LLVMValueRef], _ t: [JITType],
                        result: JITType) throws -> LLVMValueRef? {
        if name == "astype" {
            guard case .array(let r) = result else { throw fail("astype") }
            return try astype(arr, a, to: r.dtype)
        }
        guard ArrayLibTyping.axisReductions.contains(name), let axisType = t.first, axisType != .none else { return nil }
        return try reduceAlong(name, arr, a, axis: v[0], axisType, result: result)
    }

    /// A reduction with an axis: an array of one dimension less, or for a 1-d array the
    /// whole-array reduction (after checking the axis).
    func reduceAlong(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, axis: LLVMValueRef, _ axisType: JITType,
                     result: JITType) throws -> LLVMValueRef {
        let k = try normalizedAxis(try cast(axis, from: axisType, to: .int64), ndim: a.ndim)
        guard case .array(let r) = result else {
            return try arrayMethod(name, arr, a, [], [], result: result)
        }
        return try axisReduction(name, arr, a, axis: k, r)
    }

    /// `np.<name>(...)` for the functions typed by ArrayLibTyping; nil to leave the call to ArrayLowering.
    func arrayLibCall(_ name: String, _ v: [LLVMValueRef], _ t: [JITType], present: [Bool],
                      result: JITType) throws -> LLVMValueRef? {
        func has(_ i: Int) -> Bool { i < present.count && present[i] && t[i] != .none }
        func intArg(_ i: Int, _ otherwise: Int64) throws -> LLVMValueRef {
            has(i) ? try cast(v[i], from: t[i], to: .int64) : b.int(otherwise)
        }
        let reduction = name == "amin" ? "min" : name == "amax" ? "max" : name
        if ArrayLibTyping.axisReductions.contains(reduction) {
            guard has(1), case .array(let a) = t[0] else { return nil }
            return try reduceAlong(reduction, v[0], a, axis: v[1], t[1], result: result)
        }
        guard ArrayLibTyping.functions[name] != nil else { return nil }
        switch name {
        case "ravel":
            guard case .array(let a) = t[0] else { throw fail("np.ravel") }
            return try flattened(v[0], a).0
        case "flip", "flipud", "fliplr":
            guard case .array(let a) = t[0] else { throw fail("np.\(name)") }
            var axis: LLVMValueRef? = nil
            if name == "flipud" { axis = b.int(0) }
            if name == "fliplr" { axis = b.int(1) }
            if name == "flip", has(1) { axis = try normalizedAxis(try cast(v[1], from: t[1], to: .int64), ndim: a.ndim) }
            return flipped(v[0], a, axis: axis)
        case "count_nonzero":
            guard case .array(let a) = t[0] else { throw fail("np.count_nonzero") }
            return try countTrue(v[0], a)
        case "trace":
            guard case .array(let a) = t[0] else { throw fail("np.trace") }
            let s = shape(v[0], 2)
            let n = b.select(b.icmp(LLVMIntSLT, s[0], s[1]), s[0], s[1])
            let acc = variable(ty(result), result == .float64 ? b.double(0)
                               : result == .complex128 ? complexValue(b.double(0), b.double(0)) : b.int(0))
            try loopNest([n]) { i in
                let x = loadElement(elementPointer(v[0], a, [i[0], i[0]]), a.dtype)
                let cur = b.load(ty(result), acc)
                b.store(result == .complex128 ? try complexBinary(.add, cur, result, x, a.dtype.scalar)
                        : try binary(.add, cur, result, x, a.dtype.scalar, result: result), acc)
            }
            return b.load(ty(result), acc)
        case "eye", "identity":
            guard case .array(let r) = result else { throw fail("np.\(name)") }
            let n = try cast(v[0], from: t[0], to: .int64)
            let m = name == "eye" && has(1) ? try cast(v[1], from: t[1], to: .int64) : n
            let k = name == "eye" ? try intArg(2, 0) : b.int(0)
            raiseIf(b.or(b.icmp(LLVMIntSLT, n, b.int(0)), b.icmp(LLVMIntSLT, m, b.int(0))), "ValueError",
                    "negative dimensions are not allowed")
            let out = newArray(r.dtype, [n, m], zero: true)
            let one = try toElement(b.int(1), .int64, r.dtype)
            try loopNest([n]) { i in
                let j = LLVMBuildAdd(b.builder, i[0], k, "")!
                when(b.and(b.icmp(LLVMIntSGE, j, b.int(0)), b.icmp(LLVMIntSLT, j, m))) {
                    storeRaw(one, elementPointer(out, r, [i[0], j]), r.dtype)
                }
            }
            return out
        case "diag":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.diag") }
            let k = try intArg(1, 0)
            let zero = b.int(0)
            let rowShift = b.select(b.icmp(LLVMIntSLT, k, zero), LLVMBuildSub(b.builder, zero, k, "")!, zero)
            let colShift = b.select(b.icmp(LLVMIntSGT, k, zero), k, zero)
            if a.ndim == 1 {
                let n = shape(v[0], 1)[0]
                let size = LLVMBuildAdd(b.builder, n, LLVMBuildAdd(b.builder, rowShift, colShift, "")!, "")!
                let out = newArray(r.dtype, [size, size], zero: true)
                try loopNest([n]) { i in
                    copyRaw(elementPointer(v[0], a, i), elementPointer(out, r, [LLVMBuildAdd(b.builder, i[0], rowShift, "")!,
                                                                                LLVMBuildAdd(b.builder, i[0], colShift, "")!]), a.dtype)
                }
                return out
            }
            let s = shape(v[0], 2)
            let rows = LLVMBuildSub(b.builder, s[0], rowShift, "")!, cols = LLVMBuildSub(b.builder, s[1], colShift, "")!
            let shorter = b.select(b.icmp(LLVMIntSLT, rows, cols), rows, cols)
            let n = b.select(b.icmp(LLVMIntSLT, shorter, zero), zero, shorter)
            let out = newArray(r.dtype, [n])
            try loopNest([n]) { i in
                copyRaw(elementPointer(v[0], a, [LLVMBuildAdd(b.builder, i[0], rowShift, "")!, LLVMBuildAdd(b.builder, i[0], colShift, "")!]),
                        elementPointer(out, r, i), a.dtype)
            }
            return out
        case "triu", "tril":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.\(name)") }
            let k = try intArg(1, 0)
            let s = shape(v[0], 2)
            let out = newArray(r.dtype, s)
            let zero = LLVMConstNull(elementType(a.dtype))!
            try loopNest(s) { ij in
                let diff = LLVMBuildSub(b.builder, ij[1], ij[0], "")!
                let keep = name == "triu" ? b.icmp(LLVMIntSGE, diff, k) : b.icmp(LLVMIntSLE, diff, k)
                let x = b.load(elementType(a.dtype), elementPointer(v[0], a, ij))
                LLVMSetAlignment(x, UInt32(a.dtype.isComplex ? a.dtype.itemSize / 2 : a.dtype.itemSize))
                storeRaw(b.select(keep, x, zero), elementPointer(out, r, ij), a.dtype)
            }
            return out
        case "round", "around":
            let decimals = try intArg(1, 0)
            guard case .array(let a) = t[0], case .array(let r) = result else {
                if t[0] == .float64 { return roundFloat(v[0], decimals) }
                return try roundInt(try cast(v[0], from: t[0], to: .int64), decimals)
            }
            let out = newArray(r.dtype, shape(v[0], a.ndim))
            try loopNest(shape(v[0], a.ndim)) { idx in
                let x = loadElement(elementPointer(v[0], a, idx), a.dtype, checkUnsigned: false)
                let y: LLVMValueRef, yt: JITType
                if a.dtype.isFloat { y = roundFloat(x, decimals); yt = .float64 }
                else if a.dtype == .bool { y = x; yt = .boolean }
                else { y = try roundInt(x, decimals); yt = .int64 }
                try storeElement(elementPointer(out, r, idx), r.dtype, y, yt)
            }
            return out
        case "vstack", "hstack", "column_stack":
            guard case .tuple(let items) = t[0], case .array(let first)? = items.first else { throw fail("np.\(name)") }
            switch (name, first.ndim) {
            case ("vstack", 1): return try stack(v[0], t[0], axis: b.int(0), result: result)
            case ("vstack", _): return try concatenate(v[0], t[0], axis: b.int(0), result: result)
            case ("hstack", 1): return try concatenate(v[0], t[0], axis: b.int(0), result: result)
            case ("hstack", _): return try concatenate(v[0], t[0], axis: b.int(1), result: result)
            case ("column_stack", 1): return try stack(v[0], t[0], axis: b.int(1), result: result)
            default: return try concatenate(v[0], t[0], axis: b.int(1), result: result)
            }
        case "nansum", "nanmean", "nanmin", "nanmax":
            guard case .array(let a) = t[0] else { throw fail("np.\(name)") }
            return try nanReduction(name, v[0], a, result: result)
        case "isclose", "allclose":
            return try isclose(name == "allclose", v, t, has: has, result: result)
        case "repeat", "tile":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.\(name)") }
            let reps = try cast(v[1], from: t[1], to: .int64)
            raiseIf(b.icmp(LLVMIntSLT, reps, b.int(0)), "ValueError", "negative dimensions are not allowed")
            let (flat, ft) = try flattened(v[0], a)
            let n = shape(flat, 1)[0]
            let out = newArray(r.dtype, [LLVMBuildMul(b.builder, n, reps, "")!])
            try loopNest([n, reps]) { ij in
                let (i, j) = (ij[0], ij[1])
                let at = name == "repeat" ? LLVMBuildAdd(b.builder, LLVMBuildMul(b.builder, i, reps, "")!, j, "")!
                                          : LLVMBuildAdd(b.builder, LLVMBuildMul(b.builder, j, n, "")!, i, "")!
                copyRaw(elementPointer(flat, ft, [i]), b.gep(elementType(r.dtype), data(out), [at]), r.dtype)
            }
            return out
        case "roll":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.roll") }
            let shift = try cast(v[1], from: t[1], to: .int64)
            let (flat, ft) = try flattened(v[0], a)
            let n = shape(flat, 1)[0]
            let out = newArray(r.dtype, shape(v[0], a.ndim))
            let safeN = b.select(b.icmp(LLVMIntEQ, n, b.int(0)), b.int(1), n)
            // Python's modulo: the shift made non-negative.
            let m = LLVMBuildSRem(b.builder, shift, safeN, "")!
            let s = b.select(b.icmp(LLVMIntSLT, m, b.int(0)), LLVMBuildAdd(b.builder, m, safeN, "")!, m)
            try loopNest([n]) { i in
                var at = LLVMBuildAdd(b.builder, i[0], s, "")!
                at = b.select(b.icmp(LLVMIntSGE, at, n), LLVMBuildSub(b.builder, at, n, "")!, at)
                copyRaw(elementPointer(flat, ft, i), b.gep(elementType(r.dtype), data(out), [at]), r.dtype)
            }
            return out
        case "real", "imag", "conj", "conjugate":
            let conj = name == "conj" || name == "conjugate"
            guard case .array(let a) = t[0], case .array(let r) = result else {
                switch (name, t[0]) {
                case ("real", .complex128): return b.extract(v[0], 0)
                case ("imag", .complex128): return b.extract(v[0], 1)
                case (_, .complex128): return complexValue(b.extract(v[0], 0), LLVMBuildFNeg(b.builder, b.extract(v[0], 1), "")!)
                case ("imag", _): return try cast(b.int(0), from: .int64, to: result)
                default: return v[0]
                }
            }
            if conj {
                let out = newArray(r.dtype, shape(v[0], a.ndim))
                try loopNest(shape(v[0], a.ndim)) { idx in
                    var x = b.load(elementType(a.dtype), elementPointer(v[0], a, idx))
                    LLVMSetAlignment(x, UInt32(a.dtype.isComplex ? a.dtype.itemSize / 2 : a.dtype.itemSize))
                    if a.dtype.isComplex { x = b.insert(x, LLVMBuildFNeg(b.builder, b.extract(x, 1), "")!, 1) }
                    storeRaw(x, elementPointer(out, r, idx), r.dtype)
                }
                return out
            }
            guard a.dtype.isComplex else {
                return name == "real" ? v[0] : newArray(r.dtype, shape(v[0], a.ndim), zero: true)
            }
            let offset = name == "imag" ? Int64(a.dtype.itemSize / 2) : 0
            return makeArray(a.ndim, data: b.gep(b.i8, data(v[0]), [b.int(offset)]), shape: shape(v[0], a.ndim),
                             strides: strides(v[0], a.ndim), owner: b.extract(v[0], 3))
        case "argwhere":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.argwhere") }
            let count = try countTrue(v[0], a)
            let out = newArray(.int64, [count, b.int(Int64(a.ndim))])
            let k = variable(b.i64, b.int(0))
            try loopNest(shape(v[0], a.ndim)) { idx in
                try when(try truth(loadElement(elementPointer(v[0], a, idx), a.dtype), a.dtype.scalar)) {
                    let at = b.load(b.i64, k)
                    for (d, i) in idx.enumerated() { b.store(i, elementPointer(out, r, [at, b.int(Int64(d))])) }
                    b.store(LLVMBuildAdd(b.builder, at, b.int(1), "")!, k)
                }
            }
            return out
        case "bincount":
            guard case .array(let a) = t[0], case .array(let r) = result else { throw fail("np.bincount") }
            let n = shape(v[0], 1)[0]
            let top = variable(b.i64, b.int(-1))
            try loopNest([n]) { i in
                let x = loadElement(elementPointer(v[0], a, i), a.dtype)
                raiseIf(b.icmp(LLVMIntSLT, x, b.int(0)), "ValueError", "'list' argument must have no negative elements")
                let cur = b.load(b.i64, top)
                b.store(b.select(b.icmp(LLVMIntSGT, x, cur), x, cur), top)
            }
            var size = LLVMBuildAdd(b.builder, b.load(b.i64, top), b.int(1), "")!
            if has(2) {
                let m = try cast(v[2], from: t[2], to: .int64)
                raiseIf(b.icmp(LLVMIntSLT, m, b.int(0)), "ValueError", "'minlength' must not be negative")
                size = b.select(b.icmp(LLVMIntSGT, m, size), m, size)
            }
            let out = newArray(r.dtype, [size], zero: true)
            var weights: (LLVMValueRef, ArrayType)? = nil
            if has(1), case .array(let wa) = t[1] {
                raiseIf(b.icmp(LLVMIntNE, shape(v[1], 1)[0], n), "ValueError", "The weights and list don't have the same length.")
                weights = (v[1], wa)
            }
            try loopNest([n]) { i in
                let x = loadElement(elementPointer(v[0], a, i), a.dtype)
                let p = b.gep(elementType(r.dtype), data(out), [x])
                if let pair = weights {
                    let (wv, wa) = pair
                    let w = try cast(loadElement(elementPointer(wv, wa, i), wa.dtype), from: wa.dtype.scalar, to: .float64)
                    b.store(LLVMBuildFAdd(b.builder, b.load(b.f64, p), w, "")!, p)
                } else {
                    b.store(LLVMBuildAdd(b.builder, b.load(b.i64, p), b.int(1), "")!, p)
                }
            }
            return out
        case "average":
            guard case .array(let a) = t[0] else { throw fail("np.average") }
            guard has(1), case .array(let wa) = t[1] else {
                return try arrayMethod("mean", v[0], a, [], [], result: .float64)
            }
            let s = shape(v[0], a.ndim), ws = shape(v[1], wa.ndim)
            for d in 0..<a.ndim {
                raiseIf(b.icmp(LLVMIntNE, s[d], ws[d]), "TypeError", "Axis must be specified when shapes of a and weights differ.")
            }
            let num = variable(b.f64, b.double(0)), den = variable(b.f64, b.double(0))
            try loopNest(s) { idx in
                let x = try cast(loadElement(elementPointer(v[0], a, idx), a.dtype), from: a.dtype.scalar, to: .float64)
                let w = try cast(loadElement(elementPointer(v[1], wa, idx), wa.dtype), from: wa.dtype.scalar, to: .float64)
                b.store(LLVMBuildFAdd(b.builder, b.load(b.f64, num), LLVMBuildFMul(b.builder, x, w, "")!, "")!, num)
                b.store(LLVMBuildFAdd(b.builder, b.load(b.f64, den), w, "")!, den)
            }
            let total = b.load(b.f64, den)
            raiseIf(b.fcmp(LLVMRealOEQ, total, b.double(0)), "ZeroDivisionError", "Weights sum to zero, can't be normalized")
            return LLVMBuildFDiv(b.builder, b.load(b.f64, num), total, "")
        case "interp":
            return try interp(v, t, result: result)
        default:
            throw fail("np.\(name)")
        }
    }

    // MARK: helpers

    func storeRaw(_ value: LLVMValueRef, _ p: LLVMValueRef, _ d: DType) {
        let s = LLVMBuildStore(b.builder, value, p)!
        LLVMSetAlignment(s, UInt32(d.isComplex ? d.itemSize / 2 : d.itemSize))
    }

    /// A view with the given axis (nil: every axis) reversed.
    func flipped(_ arr: LLVMValueRef, _ a: ArrayType, axis: LLVMValueRef?) -> LLVMValueRef {
        let s = shape(arr, a.ndim), st = strides(arr, a.ndim)
        var offset = b.int(0)
        var newStrides: [LLVMValueRef] = []
        for d in 0..<a.ndim {
            let last = LLVMBuildSub(b.builder, s[d], b.int(1), "")!
            let safeLast = b.select(b.icmp(LLVMIntSLT, last, b.int(0)), b.int(0), last)
            let flip = axis.map { b.icmp(LLVMIntEQ, $0, b.int(Int64(d))) } ?? b.bool(true)
            offset = LLVMBuildAdd(b.builder, offset, b.select(flip, LLVMBuildMul(b.builder, safeLast, st[d], "")!, b.int(0)), "")!
            newStrides.append(b.select(flip, LLVMBuildSub(b.builder, b.int(0), st[d], "")!, st[d]))
        }
        return makeArray(a.ndim, data: b.gep(b.i8, data(arr), [offset]), shape: s, strides: newStrides, owner: b.extract(arr, 3))
    }

    /// 10.0 ** n for an int n.
    func powerOfTen(_ n: LLVMValueRef) -> LLVMValueRef {
        b.libm("pow", [b.double(10), LLVMBuildSIToFP(b.builder, n, b.f64, "")!])
    }

    /// NumPy's round of a float: `rint(x * 10**d) / 10**d` (`rint(x / 10**-d) * 10**-d` for d < 0), ties to even.
    func roundFloat(_ x: LLVMValueRef, _ decimals: LLVMValueRef) -> LLVMValueRef {
        let negative = b.icmp(LLVMIntSLT, decimals, b.int(0))
        let f = powerOfTen(b.select(negative, LLVMBuildSub(b.builder, b.int(0), decimals, "")!, decimals))
        let up = LLVMBuildFDiv(b.builder, b.intrinsic("llvm.roundeven", [b.f64], [LLVMBuildFMul(b.builder, x, f, "")!]), f, "")!
        let down = LLVMBuildFMul(b.builder, b.intrinsic("llvm.roundeven", [b.f64], [LLVMBuildFDiv(b.builder, x, f, "")!]), f, "")!
        return b.select(negative, down, up)
    }

    /// NumPy's round of an integer: unchanged for decimals >= 0, else to a multiple of 10**-d, ties to even.
    func roundInt(_ x: LLVMValueRef, _ decimals: LLVMValueRef) throws -> LLVMValueRef {
        let negative = b.icmp(LLVMIntSLT, decimals, b.int(0))
        let fx = LLVMBuildSIToFP(b.builder, x, b.f64, "")!
        let rounded = roundFloat(fx, decimals)
        return b.select(negative, b.intrinsic("llvm.fptosi.sat", [b.i64, b.f64], [rounded]), x)
    }

    // MARK: astype

    /// An element of dtype `s` at `p` converted to the in-memory value of dtype `d`, as NumPy's
    /// unsafe casting: float -> int truncates toward zero (saturating; NaN gives 0), int -> int
    /// wraps, complex -> real takes the real part, anything -> bool is `!= 0`.
    func convertRaw(_ p: LLVMValueRef, from s: DType, to d: DType) -> LLVMValueRef {
        var raw = b.load(elementType(s), p)
        LLVMSetAlignment(raw, UInt32(s.isComplex ? s.itemSize / 2 : s.itemSize))
        if s == d { return raw }
        let f32 = LLVMFloatTypeInContext(b.context)!
        if d == .bool {
            let nonzero: LLVMValueRef
            if s.isComplex {
                let z = LLVMConstNull(s == .complex64 ? f32 : b.f64)!
                nonzero = b.or(b.fcmp(LLVMRealUNE, b.extract(raw, 0), z), b.fcmp(LLVMRealUNE, b.extract(raw, 1), z))
            } else if s.isFloat {
                nonzero = b.fcmp(LLVMRealUNE, raw, LLVMConstNull(elementType(s))!)
            } else {
                nonzero = b.icmp(LLVMIntNE, raw, LLVMConstNull(elementType(s))!)
            }
            return LLVMBuildZExt(b.builder, nonzero, b.i8, "")
        }
        if d.isComplex {
            let part = d == .complex64 ? f32 : b.f64
            let partType: DType = d == .complex64 ? .float32 : .float64
            let re: LLVMValueRef, im: LLVMValueRef
            if s.isComplex {
                re = realConvert(b.extract(raw, 0), from: s == .complex64 ? .float32 : .float64, to: partType)
                im = realConvert(b.extract(raw, 1), from: s == .complex64 ? .float32 : .float64, to: partType)
            } else {
                re = realConvert(raw, from: s, to: partType)
                im = LLVMConstNull(part)!
            }
            return b.insert(b.insert(LLVMGetUndef(elementType(d))!, re, 0), im, 1)
        }
        var from = s
        if s.isComplex {
            raw = b.extract(raw, 0)
            from = s == .complex64 ? .float32 : .float64
        }
        return realConvert(raw, from: from, to: d)
    }

    /// A real (bool, integer, float) in-memory value converted between dtypes.
    func realConvert(_ raw: LLVMValueRef, from s: DType, to d: DType) -> LLVMValueRef {
        if s == d { return raw }
        let et = elementType(d)
        let bb = b.builder
        switch (s.isFloat, d.isFloat) {
        case (true, true):
            return s.itemSize < d.itemSize ? LLVMBuildFPExt(bb, raw, et, "") : LLVMBuildFPTrunc(bb, raw, et, "")
        case (true, false):
            let x = s == .float32 ? LLVMBuildFPExt(bb, raw, b.f64, "")! : raw
            let i = d == .uint64 ? b.intrinsic("llvm.fptoui.sat", [b.i64, b.f64], [x])
                                 : b.intrinsic("llvm.fptosi.sat", [b.i64, b.f64], [x])
            return d.itemSize < 8 ? LLVMBuildTrunc(bb, i, et, "") : i
        case (false, true):
            return s.isSigned ? LLVMBuildSIToFP(bb, raw, et, "") : LLVMBuildUIToFP(bb, raw, et, "")
        case (false, false):
            if s.itemSize == d.itemSize { return raw }
            if s.itemSize > d.itemSize { return LLVMBuildTrunc(bb, raw, et, "") }
            return s.isSigned ? LLVMBuildSExt(bb, raw, et, "") : LLVMBuildZExt(bb, raw, et, "")
        }
    }

    /// `a.astype(d)`: a new C array of dtype d (always a copy, as Numba).
    func astype(_ arr: LLVMValueRef, _ a: ArrayType, to d: DType) throws -> LLVMValueRef {
        let r = ArrayType(dtype: d, ndim: a.ndim, layout: .c)
        let dims = shape(arr, a.ndim)
        let out = newArray(d, dims)
        if a.layout == .c {
            try loopNest([product(dims)]) { i in
                storeRaw(convertRaw(b.gep(elementType(a.dtype), data(arr), i), from: a.dtype, to: d),
                         b.gep(elementType(d), data(out), i), d)
            }
            return out
        }
        try loopNest(dims) { idx in
            storeRaw(convertRaw(elementPointer(arr, a, idx), from: a.dtype, to: d), elementPointer(out, r, idx), d)
        }
        return out
    }

    // MARK: reductions

    /// `sum`, `prod`, `mean`, `min`, `max`, `argmin`, `argmax`, `any`, `all` along axis `axis`
    /// (a runtime value in 0..<ndim) of an array of 2 or more dimensions.
    func axisReduction(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, axis: LLVMValueRef, _ r: ArrayType) throws -> LLVMValueRef {
        let n = a.ndim
        let s = shape(arr, n)
        func isBefore(_ k: Int) -> LLVMValueRef { b.icmp(LLVMIntSGT, axis, b.int(Int64(k))) }
        let outDims = (0..<(n - 1)).map { k in b.select(isBefore(k), s[k], s[k + 1]) }
        var length = b.int(0)
        for d in 0..<n { length = b.select(b.icmp(LLVMIntEQ, axis, b.int(Int64(d))), s[d], length) }
        let outSize = product(outDims)
        // NumPy raises for a zero-length reduced axis even when the result is empty too.
        let empty = b.icmp(LLVMIntEQ, length, b.int(0))
        switch name {
        case "min", "max":
            raiseIf(empty, "ValueError", "zero-size array to reduction operation \(name == "min" ? "minimum" : "maximum") which has no identity")
        case "argmin", "argmax":
            raiseIf(empty, "ValueError", "attempt to get \(name) of an empty sequence")
        default: break
        }
        let out = newArray(r.dtype, outDims, zero: true)
        if name == "prod" || name == "all" { try fill(out, r, b.int(1), .int64) }
        // argmin/argmax keep the best values beside the indices.
        let best = name.hasPrefix("arg") ? newArray(a.dtype, outDims) : nil
        let bestType = ArrayType(dtype: a.dtype, ndim: n - 1, layout: .c)
        let acc: JITType = r.dtype.isComplex ? .complex128 : r.dtype.scalar == .boolean ? .boolean : r.dtype.isFloat ? .float64 : .int64
        // Wrapping sums and products of 64-bit integers are exact on the bits of uint64 elements.
        let exact = (r.dtype == .uint64 || r.dtype == .int64) && (name == "sum" || name == "prod")
        let join = b.appendBlock(fn, "reduce.join")
        if !name.hasPrefix("arg") {
            // Along the last axis: one scalar accumulator per output element (no memory round trip).
            let rows = b.appendBlock(fn, "reduce.rows"), general = b.appendBlock(fn, "reduce.general")
            b.condBr(b.icmp(LLVMIntEQ, axis, b.int(Int64(n - 1))), rows, general)
            b.position(at: rows)
            let xt = a.dtype.scalar
            let accType: JITType = (name == "min" || name == "max") ? xt : (name == "any" || name == "all") ? .boolean : acc
            let start: LLVMValueRef
            switch name {
            case "prod": start = accType == .complex128 ? complexValue(b.double(1), b.double(0)) : accType == .float64 ? b.double(1) : b.int(1)
            case "all": start = b.bool(true)
            case "any": start = b.bool(false)
            default: start = accType == .complex128 ? complexValue(b.double(0), b.double(0)) : LLVMConstNull(ty(accType))
            }
            try loopNest(outDims) { o in
                let total = variable(ty(accType), start)
                try loopNest([length]) { j in
                    let x = loadElement(elementPointer(arr, a, o + [j[0]]), a.dtype, checkUnsigned: !exact)
                    let cur = b.load(ty(accType), total)
                    let next: LLVMValueRef
                    switch name {
                    case "sum", "prod", "mean":
                        let op: BinaryOperator = name == "prod" ? .mul : .add
                        next = accType == .complex128 ? try complexBinary(op, cur, accType, x, xt) : try binary(op, cur, accType, x, xt, result: accType)
                    case "any": next = b.or(cur, try truth(x, xt))
                    case "all": next = b.and(cur, try truth(x, xt))
                    default:
                        var better = try compare(name == "max" ? .gt : .lt, x, xt, cur, xt)
                        if xt == .float64 { better = b.and(b.or(better, b.fcmp(LLVMRealUNO, x, x)), b.fcmp(LLVMRealORD, cur, cur)) }
                        next = b.select(b.or(b.icmp(LLVMIntEQ, j[0], b.int(0)), better), x, cur)
                    }
                    b.store(next, total)
                }
                try storeElement(elementPointer(out, r, o), r.dtype, b.load(ty(accType), total), accType)
            }
            b.br(join)
            b.position(at: general)
        }
        try loopNest(s) { idx in
            let outIdx = (0..<(n - 1)).map { k in b.select(isBefore(k), idx[k], idx[k + 1]) }
            var j = b.int(0)
            for d in 0..<n { j = b.select(b.icmp(LLVMIntEQ, axis, b.int(Int64(d))), idx[d], j) }
            let first = b.icmp(LLVMIntEQ, j, b.int(0))
            let p = elementPointer(out, r, outIdx)
            let x = loadElement(elementPointer(arr, a, idx), a.dtype, checkUnsigned: !exact)
            let xt = a.dtype.scalar
            switch name {
            case "sum", "prod", "mean":
                let op: BinaryOperator = name == "prod" ? .mul : .add
                let cur = loadElement(p, r.dtype, checkUnsigned: false)
                let next = acc == .complex128 ? try complexBinary(op, cur, acc, x, xt) : try binary(op, cur, acc, x, xt, result: acc)
                try storeElement(p, r.dtype, next, acc)
            case "any", "all":
                let cur = loadElement(p, .bool)
                let truthy = try truth(x, xt)
                try storeElement(p, .bool, name == "any" ? b.or(cur, truthy) : b.and(cur, truthy), .boolean)
            case "min", "max":
                let cur = loadElement(p, r.dtype, checkUnsigned: false)
                var better = try compare(name == "max" ? .gt : .lt, x, xt, cur, xt)
                if xt == .float64 { better = b.and(b.or(better, b.fcmp(LLVMRealUNO, x, x)), b.fcmp(LLVMRealORD, cur, cur)) }
                try storeElement(p, r.dtype, b.select(b.or(first, better), x, cur), xt)
            default:  // argmin, argmax
                guard let best = best else { throw fail("argmin") }
                let bp = elementPointer(best, bestType, outIdx)
                let cur = loadElement(bp, a.dtype, checkUnsigned: !exact)
                var better = try compare(name == "argmax" ? .gt : .lt, x, xt, cur, xt)
                if xt == .float64 { better = b.and(b.or(better, b.fcmp(LLVMRealUNO, x, x)), b.fcmp(LLVMRealORD, cur, cur)) }
                let take = b.or(first, better)
                try storeElement(bp, a.dtype, b.select(take, x, cur), xt)
                try storeElement(p, .int64, b.select(take, j, loadElement(p, .int64)), .int64)
            }
        }
        b.br(join)
        b.position(at: join)
        if name == "mean" {
            let count = acc == .complex128 ? complexValue(LLVMBuildSIToFP(b.builder, length, b.f64, "")!, b.double(0))
                                           : LLVMBuildSIToFP(b.builder, length, b.f64, "")!
            try loopNest([outSize]) { i in
                let p = b.gep(elementType(r.dtype), data(out), i)
                let cur = loadElement(p, r.dtype)
                let q = acc == .complex128 ? try complexBinary(.trueDiv, cur, acc, count, .complex128)
                                           : LLVMBuildFDiv(b.builder, cur, count, "")!
                try storeElement(p, r.dtype, q, acc)
            }
        }
        return out
    }

    /// nansum, nanmean, nanmin, nanmax of a whole array: NaN elements are skipped.
    func nanReduction(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, result: JITType) throws -> LLVMValueRef {
        guard a.dtype.isFloat else {
            // No NaN in integer arrays: the plain reductions.
            let plain = String(name.dropFirst(3))
            let valueType: JITType = plain == "mean" ? .float64 : plain == "sum" ? .int64 : a.dtype.scalar
            let value = try arrayMethod(plain, arr, a, [], [], result: valueType)
            return try cast(value, from: valueType, to: result)
        }
        let size = product(shape(arr, a.ndim))
        switch name {
        case "nansum", "nanmean":
            let total = variable(b.f64, b.double(0)), count = variable(b.i64, b.int(0))
            try forEachElement(arr, a) { x, _ in
                let ok = b.fcmp(LLVMRealORD, x, x)
                b.store(LLVMBuildFAdd(b.builder, b.load(b.f64, total), b.select(ok, x, b.double(0)), "")!, total)
                b.store(LLVMBuildAdd(b.builder, b.load(b.i64, count), LLVMBuildZExt(b.builder, ok, b.i64, "")!, "")!, count)
            }
            let sum = b.load(b.f64, total)
            if name == "nansum" { return sum }
            return LLVMBuildFDiv(b.builder, sum, LLVMBuildSIToFP(b.builder, b.load(b.i64, count), b.f64, "")!, "")
        default:
            raiseIf(b.icmp(LLVMIntEQ, size, b.int(0)), "ValueError",
                    "zero-size array to reduction operation \(name == "nanmin" ? "fmin" : "fmax") which has no identity")
            let best = variable(b.f64, b.double(.nan))
            try forEachElement(arr, a) { x, _ in
                let cur = b.load(b.f64, best)
                let better = b.fcmp(name == "nanmax" ? LLVMRealOGT : LLVMRealOLT, x, cur)
                // The first non-NaN element replaces the NaN start.
                let take = b.or(better, b.and(b.fcmp(LLVMRealUNO, cur, cur), b.fcmp(LLVMRealORD, x, x)))
                b.store(b.select(take, x, cur), best)
            }
            return b.load(b.f64, best)
        }
    }

    /// np.isclose / np.allclose: `|a - b| <= atol + rtol * |b|` for finite values, equality
    /// for infinities, NaN equal to NaN only with equal_nan.
    func isclose(_ all: Bool, _ v: [LLVMValueRef], _ t: [JITType], has: (Int) -> Bool, result: JITType) throws -> LLVMValueRef {
        let rtol = has(2) ? try cast(v[2], from: t[2], to: .float64) : b.double(1e-05)
        let atol = has(3) ? try cast(v[3], from: t[3], to: .float64) : b.double(1e-08)
        let equalNan = has(4) ? v[4] : b.bool(false)
        func close(_ x: LLVMValueRef, _ y: LLVMValueRef) -> LLVMValueRef {
            let fabs = { (z: LLVMValueRef) in self.b.intrinsic("llvm.fabs", [self.b.f64], [z]) }
            let bound = LLVMBuildFAdd(b.builder, atol, LLVMBuildFMul(b.builder, rtol, fabs(y), "")!, "")!
            let near = b.fcmp(LLVMRealOLE, fabs(LLVMBuildFSub(b.builder, x, y, "")!), bound)
            let inf = b.double(.infinity)
            let finite = b.and(b.fcmp(LLVMRealOLT, fabs(x), inf), b.fcmp(LLVMRealOLT, fabs(y), inf))
            let bothNan = b.and(b.fcmp(LLVMRealUNO, x, x), b.fcmp(LLVMRealUNO, y, y))
            return b.or(b.select(finite, near, b.fcmp(LLVMRealOEQ, x, y)), b.and(equalNan, bothNan))
        }
        let rank = ArrayTyping.broadcastRank(t[0], t[1])
        if rank == 0 {
            return close(try cast(v[0], from: t[0], to: .float64), try cast(v[1], from: t[1], to: .float64))
        }
        let (outShape, inputs) = broadcast([v[0], v[1]], [t[0], t[1]], ndim: rank)
        func operand(_ k: Int, _ idx: [LLVMValueRef]) throws -> LLVMValueRef {
            guard let a = inputs[k].1 else { return try cast(inputs[k].0, from: t[k], to: .float64) }
            return try cast(loadElement(elementPointer(inputs[k].0, a, Array(idx.suffix(a.ndim))), a.dtype), from: a.dtype.scalar, to: .float64)
        }
        if all {
            let acc = variable(b.i1, b.bool(true))
            try loopNest(outShape) { idx in
                b.store(b.and(b.load(b.i1, acc), close(try operand(0, idx), try operand(1, idx))), acc)
            }
            return b.load(b.i1, acc)
        }
        guard case .array(let r) = result else { throw fail("np.isclose") }
        let out = newArray(.bool, outShape)
        try loopNest(outShape) { idx in
            try storeElement(elementPointer(out, r, idx), .bool, close(try operand(0, idx), try operand(1, idx)), .boolean)
        }
        return out
    }

    /// np.interp(x, xp, fp): NumPy's piecewise-linear interpolation (fp[0] left of xp[0], fp[-1]
    /// right of xp[-1], NaN x gives NaN), with a binary search for each x.
    func interp(_ v: [LLVMValueRef], _ t: [JITType], result: JITType) throws -> LLVMValueRef {
        guard case .array(let xa) = t[1], case .array(let fa) = t[2] else { throw fail("np.interp") }
        let xp = v[1], fp = v[2]
        let n = shape(xp, 1)[0]
        raiseIf(b.icmp(LLVMIntEQ, n, b.int(0)), "ValueError", "array of sample points is empty")
        raiseIf(b.icmp(LLVMIntNE, shape(fp, 1)[0], n), "ValueError", "fp and xp are not of the same length.")
        func px(_ i: LLVMValueRef) throws -> LLVMValueRef {
            try cast(loadElement(elementPointer(xp, xa, [i]), xa.dtype), from: xa.dtype.scalar, to: .float64)
        }
        func pf(_ i: LLVMValueRef) throws -> LLVMValueRef {
            try cast(loadElement(elementPointer(fp, fa, [i]), fa.dtype), from: fa.dtype.scalar, to: .float64)
        }
        let last = LLVMBuildSub(b.builder, n, b.int(1), "")!
        let left = try pf(b.int(0)), right = try pf(last)
        let first = try px(b.int(0)), end = try px(last)
        func one(_ x: LLVMValueRef) throws -> LLVMValueRef {
            // j: the last index with xp[j] <= x (binary search over [0, n)).
            let lo = variable(b.i64, b.int(0)), hi = variable(b.i64, n)
            let head = b.appendBlock(fn, "interp.search"), body = b.appendBlock(fn, "interp.step"), done = b.appendBlock(fn, "interp.found")
            b.br(head)
            b.position(at: head)
            let l = b.load(b.i64, lo), h = b.load(b.i64, hi)
            b.condBr(b.icmp(LLVMIntSLT, LLVMBuildAdd(b.builder, l, b.int(1), "")!, h), body, done)
            b.position(at: body)
            let mid = LLVMBuildSDiv(b.builder, LLVMBuildAdd(b.builder, l, h, "")!, b.int(2), "")!
            let le = b.fcmp(LLVMRealOLE, try px(mid), x)
            b.store(b.select(le, mid, l), lo)
            b.store(b.select(le, h, mid), hi)
            b.br(head)
            b.position(at: done)
            let j = b.load(b.i64, lo)
            let jNext = b.select(b.icmp(LLVMIntSLT, j, last), LLVMBuildAdd(b.builder, j, b.int(1), "")!, j)
            let xj = try px(j), xj1 = try px(jNext), fj = try pf(j), fj1 = try pf(jNext)
            let slope = LLVMBuildFDiv(b.builder, LLVMBuildFSub(b.builder, fj1, fj, "")!, LLVMBuildFSub(b.builder, xj1, xj, "")!, "")!
            var inner = LLVMBuildFAdd(b.builder, LLVMBuildFMul(b.builder, slope, LLVMBuildFSub(b.builder, x, xj, "")!, "")!, fj, "")!
            // NumPy: a NaN from the slope is retried from the right end, then taken as fp[j] when both ends are equal.
            let retry = LLVMBuildFAdd(b.builder, LLVMBuildFMul(b.builder, slope, LLVMBuildFSub(b.builder, x, xj1, "")!, "")!, fj1, "")!
            inner = b.select(b.fcmp(LLVMRealUNO, inner, inner), retry, inner)
            inner = b.select(b.and(b.fcmp(LLVMRealUNO, inner, inner), b.fcmp(LLVMRealOEQ, fj, fj1)), fj, inner)
            let exact = b.or(b.icmp(LLVMIntEQ, j, last), b.fcmp(LLVMRealOEQ, xj, x))
            var r = b.select(exact, fj, inner)
            r = b.select(b.fcmp(LLVMRealOLT, x, first), left, r)
            r = b.select(b.fcmp(LLVMRealOGT, x, end), right, r)
            return b.select(b.fcmp(LLVMRealUNO, x, x), x, r)
        }
        guard case .array(let a) = t[0], case .array(let r) = result else {
            return try one(try cast(v[0], from: t[0], to: .float64))
        }
        let out = newArray(.float64, shape(v[0], a.ndim))
        try loopNest(shape(v[0], a.ndim)) { idx in
            let x = try cast(loadElement(elementPointer(v[0], a, idx), a.dtype), from: a.dtype.scalar, to: .float64)
            try storeElement(elementPointer(out, r, idx), .float64, try one(x), .float64)
        }
        return out
    }
}
