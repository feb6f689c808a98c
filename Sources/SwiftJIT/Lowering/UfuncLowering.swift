import CLLVM

/// Lowering of the functions typed by `Types/UfuncTyping.swift`: binary and unary ufuncs
/// (`np.maximum`, `np.hypot`, `np.sign`, ...) and `np.clip` as element-wise operations
/// (`ElementwiseOp.ufunc`, so they take part in fusion and parallel array loops), their
/// scalar forms, the `out=` argument, and `np.std`, `np.var`, `np.outer`.
///
/// Element semantics are NumPy's: `maximum`/`minimum` propagate NaN, `fmax`/`fmin` ignore
/// it, integer `fmod`/`reciprocal` by zero give 0 (as `//` and `%` on arrays), float
/// `power` of a negative base to a fractional exponent is NaN; integer `power` with a
/// negative exponent follows Numba (1, -1 or 0; `0 ** -1` raises ZeroDivisionError).
extension FunctionLowering {
    /// `np.<name>(...)` for a function of `UfuncTyping.functions` (arguments in parameter order).
    func ufuncCall(_ name: String, _ v: [LLVMValueRef], _ t: [JITType], present: [Bool],
                   result: JITType) throws -> LLVMValueRef {
        func has(_ i: Int) -> Bool { i < present.count && present[i] && t[i] != .none }
        switch name {
        case "std", "var":
            guard case .array(let a) = t[0] else { throw fail("np.\(name) of \(t[0])") }
            let ddof = has(1) ? try cast(v[1], from: t[1], to: .float64) : b.double(0)
            return try variance(v[0], a, ddof: ddof, std: name == "std")
        case "outer":
            guard case .array(let a) = t[0], case .array(let c) = t[1], case .array(let r) = result else {
                throw fail("np.outer")
            }
            return try outer(v[0], a, v[1], c, r)
        default:
            break
        }
        let slots: [JITType?] = t.indices.map { has($0) ? t[$0] : nil }
        guard let plan = UfuncTyping.elementwisePlan(name, slots) else { throw fail("np.\(name): arguments") }
        let values = plan.operands.map { v[$0] }, types = plan.operands.map { t[$0] }
        let computedType = try UfuncTyping.elementResult(name, types, "")
        let computed: LLVMValueRef
        if computedType.isArray {
            computed = try elementwise(plan.op, values, types, result: computedType)
        } else {
            guard let d = DType.of(computedType) else { throw fail("np.\(name) scalar result \(computedType)") }
            let (x, xt) = try scalarOp(plan.op, values, types, resultDType: d)
            computed = computedType == .boolean && xt == .int64
                ? b.icmp(LLVMIntNE, x, b.int(0)) : try cast(x, from: xt, to: computedType)
        }
        guard has(plan.outIndex), case .array(let o) = t[plan.outIndex] else { return computed }
        // out=: the result is computed, then written into `out` (broadcast to its shape, as NumPy).
        let out = v[plan.outIndex]
        if case .array(let r) = computedType {
            try assignArray(out, o, computed, r)
        } else {
            try fill(out, o, computed, computedType)
        }
        return out
    }

    /// `a.std()`, `a.var()`, `a.clip(a_min, a_max)`.
    func ufuncMethod(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, _ v: [LLVMValueRef], _ t: [JITType],
                     result: JITType) throws -> LLVMValueRef {
        try ufuncCall(name, [arr] + v, [.array(a)] + t, present: Array(repeating: true, count: v.count + 1), result: result)
    }

    /// The element-wise operation of a ufunc call statement and the variables it reads, when
    /// it is one without `out=` (a fusion candidate, `ArrayFusion.swift`).
    func ufuncOperation(_ callArgs: [Var], _ ref: StmtRef) -> (ElementwiseOp, [Var])? {
        guard let res = typed.calls[ref], case .numpy(let name) = res.impl, UfuncTyping.functions[name] != nil else {
            return nil
        }
        let slots: [Var?] = res.parameters.isEmpty ? callArgs.map { $0 } : res.parameters.map { $0.map { callArgs[$0] } }
        let types: [JITType?] = slots.map { $0.map { typed.type(of: $0) } }
        guard let plan = UfuncTyping.elementwisePlan(name, types) else { return nil }
        if plan.outIndex < types.count, let o = types[plan.outIndex], o != .none { return nil }
        let args = plan.operands.compactMap { slots[$0] }
        return args.count == plan.operands.count ? (plan.op, args) : nil
    }

    // MARK: elements

    /// One element of ufunc `name` over scalar values `v` of types `t` (bool, int64, float64);
    /// returns the value and its scalar type.
    func ufuncElement(_ name: String, _ v: [LLVMValueRef], _ t: [JITType], resultDType rd: DType) throws -> (LLVMValueRef, JITType) {
        let bb = b.builder
        func f(_ i: Int) throws -> LLVMValueRef { try cast(v[i], from: t[i], to: .float64) }
        func i(_ k: Int) throws -> LLVMValueRef { try cast(v[k], from: t[k], to: .int64) }
        switch name {
        case "maximum", "minimum", "fmax", "fmin":
            let rt = rd.scalar
            return (try choose(name, try cast(v[0], from: t[0], to: rt), try cast(v[1], from: t[1], to: rt), rt), rt)
        case "clip":
            let rt = rd.scalar
            let low = try choose("maximum", try cast(v[0], from: t[0], to: rt), try cast(v[1], from: t[1], to: rt), rt)
            return (try choose("minimum", low, try cast(v[2], from: t[2], to: rt), rt), rt)
        case "hypot": return (b.libm("hypot", [try f(0), try f(1)]), .float64)
        case "arctan2": return (b.libm("atan2", [try f(0), try f(1)]), .float64)
        case "copysign": return (b.intrinsic("llvm.copysign", [b.f64], [try f(0), try f(1)]), .float64)
        case "nextafter":
            if rd == .float32 {
                let f32 = LLVMFloatTypeInContext(b.context)!
                let ft = b.functionType(f32, [f32, f32])
                let x = LLVMBuildFPTrunc(bb, try f(0), f32, "")!, y = LLVMBuildFPTrunc(bb, try f(1), f32, "")!
                return (LLVMBuildFPExt(bb, b.call(ft, b.declare("nextafterf", ft), [x, y]), b.f64, "")!, .float64)
            }
            return (b.libm("nextafter", [try f(0), try f(1)]), .float64)
        case "logaddexp", "logaddexp2":
            return (try logAddExp(try f(0), try f(1), base2: name == "logaddexp2"), .float64)
        case "float_power": return (b.intrinsic("llvm.pow", [b.f64], [try f(0), try f(1)]), .float64)
        case "power":
            if rd.isFloat { return (b.intrinsic("llvm.pow", [b.f64], [try f(0), try f(1)]), .float64) }
            return (intPow(try i(0), try i(1)), .int64)
        case "fmod":
            if rd.isFloat { return (LLVMBuildFRem(bb, try f(0), try f(1), "")!, .float64) }
            let x = try i(0), y = try i(1)
            // C's remainder (sign of the dividend); by zero (and by -1, which cannot overflow then) 0.
            let zero = b.or(b.icmp(LLVMIntEQ, y, b.int(0)), b.icmp(LLVMIntEQ, y, b.int(-1)))
            return (b.select(zero, b.int(0), LLVMBuildSRem(bb, x, b.select(zero, b.int(1), y), "")!), .int64)
        case "logical_and", "logical_or", "logical_xor":
            let x = try truth(v[0], t[0]), y = try truth(v[1], t[1])
            switch name {
            case "logical_and": return (b.and(x, y), .boolean)
            case "logical_or": return (b.or(x, y), .boolean)
            default: return (LLVMBuildXor(bb, x, y, "")!, .boolean)
            }
        case "logical_not":
            return (b.not(try truth(v[0], t[0])), .boolean)
        case "sign":
            if t[0] == .float64 {
                let x = v[0]
                let s = b.select(b.fcmp(LLVMRealOGT, x, b.double(0)), b.double(1),
                                 b.select(b.fcmp(LLVMRealOLT, x, b.double(0)), b.double(-1),
                                          b.select(b.fcmp(LLVMRealOEQ, x, b.double(0)), b.double(0), x)))
                return (s, .float64)
            }
            let x = try i(0)
            let pos = LLVMBuildZExt(bb, b.icmp(LLVMIntSGT, x, b.int(0)), b.i64, "")!
            let neg = LLVMBuildZExt(bb, b.icmp(LLVMIntSLT, x, b.int(0)), b.i64, "")!
            return (LLVMBuildSub(bb, pos, neg, "")!, .int64)
        case "reciprocal":
            if t[0] == .float64 { return (LLVMBuildFDiv(bb, b.double(1), v[0], "")!, .float64) }
            let x = try i(0)
            let zero = b.icmp(LLVMIntEQ, x, b.int(0))
            return (b.select(zero, b.int(0), LLVMBuildSDiv(bb, b.int(1), b.select(zero, b.int(1), x), "")!), .int64)
        case "positive":
            return (v[0], t[0])
        case "invert", "bitwise_not":
            if t[0] == .boolean { return (b.not(v[0]), .boolean) }
            return (LLVMBuildXor(bb, try i(0), b.int(-1), "")!, .int64)
        case "signbit":
            switch t[0] {
            case .float64: return (b.icmp(LLVMIntSLT, LLVMBuildBitCast(bb, v[0], b.i64, "")!, b.int(0)), .boolean)
            case .int64: return (b.icmp(LLVMIntSLT, v[0], b.int(0)), .boolean)
            default: return (b.bool(false), .boolean)
            }
        case "rint": return (b.intrinsic("llvm.roundeven", [b.f64], [try f(0)]), .float64)
        case "exp2": return (b.intrinsic("llvm.exp2", [b.f64], [try f(0)]), .float64)
        case "cbrt": return (b.libm("cbrt", [try f(0)]), .float64)
        case "arcsinh", "arccosh", "arctanh":
            return (b.libm("a" + name.dropFirst(3), [try f(0)]), .float64)
        case "deg2rad", "radians": return (LLVMBuildFMul(bb, try f(0), b.double(Double.pi / 180.0), "")!, .float64)
        case "rad2deg", "degrees": return (LLVMBuildFMul(bb, try f(0), b.double(180.0 / Double.pi), "")!, .float64)
        default:
            throw fail("ufunc element \(name)")
        }
    }

    /// `maximum`/`minimum` (NaN propagates) or `fmax`/`fmin` (NaN ignored) of two values of type `rt`.
    private func choose(_ name: String, _ x: LLVMValueRef, _ y: LLVMValueRef, _ rt: JITType) throws -> LLVMValueRef {
        let isMax = name == "maximum" || name == "fmax"
        switch rt {
        case .boolean:
            return isMax ? b.or(x, y) : b.and(x, y)
        case .int64:
            return b.select(b.icmp(isMax ? LLVMIntSGE : LLVMIntSLE, x, y), x, y)
        case .float64:
            // As NumPy: maximum(0.0, -0.0) is -0.0 (strict), fmax(0.0, -0.0) is 0.0 (C's fmax).
            let ignoresNaN = name.hasPrefix("f")
            let ordered = b.fcmp(isMax ? (ignoresNaN ? LLVMRealOGE : LLVMRealOGT) : (ignoresNaN ? LLVMRealOLE : LLVMRealOLT), x, y)
            let keepX = ignoresNaN ? b.fcmp(LLVMRealUNO, y, y) : b.fcmp(LLVMRealUNO, x, x)
            return b.select(b.or(ordered, keepX), x, y)
        default:
            throw fail("np.\(name) of \(rt)")
        }
    }

    static let ln2 = 0.6931471805599453

    /// NumPy's logaddexp (log(e**x + e**y)) or logaddexp2 (log2(2**x + 2**y)), without overflow.
    private func logAddExp(_ x: LLVMValueRef, _ y: LLVMValueRef, base2: Bool) throws -> LLVMValueRef {
        let bb = b.builder
        let d = LLVMBuildFSub(bb, x, y, "")!
        func softplus(_ z: LLVMValueRef) -> LLVMValueRef {  // log(1 + e**z) for z <= 0, in the base
            if base2 {
                let l = b.libm("log1p", [b.intrinsic("llvm.exp2", [b.f64], [z])])
                return LLVMBuildFMul(bb, l, b.double(1 / FunctionLowering.ln2), "")!
            }
            return b.libm("log1p", [b.intrinsic("llvm.exp", [b.f64], [z])])
        }
        // max(x, y) + log(1 + e**-|x - y|): one exp and one log1p per element; NaN gives NaN.
        let larger = b.select(b.fcmp(LLVMRealOGT, d, b.double(0)), x, y)
        let tail = softplus(LLVMBuildFNeg(bb, b.intrinsic("llvm.fabs", [b.f64], [d]), "")!)
        let r = b.select(b.fcmp(LLVMRealUNO, d, d), d, LLVMBuildFAdd(bb, larger, tail, "")!)
        let same = LLVMBuildFAdd(bb, x, b.double(base2 ? 1 : FunctionLowering.ln2), "")!
        // Equal arguments (infinities included) give x + log(2).
        return b.select(b.fcmp(LLVMRealOEQ, x, y), same, r)
    }

    // MARK: reductions and products

    /// `np.var(a, ddof)` (or `np.std`): the mean of squared deviations from the mean, divided by
    /// max(n - ddof, 0) instead of n, computed in float64 in two passes.
    func variance(_ arr: LLVMValueRef, _ a: ArrayType, ddof: LLVMValueRef, std: Bool) throws -> LLVMValueRef {
        let bb = b.builder
        let shp = shape(arr, a.ndim)
        func element(_ idx: [LLVMValueRef]) throws -> LLVMValueRef {
            try cast(loadElement(elementPointer(arr, a, idx), a.dtype), from: a.dtype.scalar, to: .float64)
        }
        let sum = variable(b.f64, b.double(0))
        try loopNest(shp) { idx in b.store(LLVMBuildFAdd(bb, b.load(b.f64, sum), try element(idx), "")!, sum) }
        let n = LLVMBuildSIToFP(bb, product(shp), b.f64, "")!
        let mean = LLVMBuildFDiv(bb, b.load(b.f64, sum), n, "")!
        let ssd = variable(b.f64, b.double(0))
        try loopNest(shp) { idx in
            let d = LLVMBuildFSub(bb, try element(idx), mean, "")!
            b.store(LLVMBuildFAdd(bb, b.load(b.f64, ssd), LLVMBuildFMul(bb, d, d, "")!, "")!, ssd)
        }
        let dof = LLVMBuildFSub(bb, n, ddof, "")!
        let denominator = b.select(b.fcmp(LLVMRealOGT, dof, b.double(0)), dof, b.double(0))
        let v = LLVMBuildFDiv(bb, b.load(b.f64, ssd), denominator, "")!
        return std ? b.intrinsic("llvm.sqrt", [b.f64], [v]) : v
    }

    /// `np.outer(a, b)`: both arrays flattened (C order), `out[i, j] = a[i] * b[j]`.
    func outer(_ x: LLVMValueRef, _ a: ArrayType, _ y: LLVMValueRef, _ c: ArrayType, _ r: ArrayType) throws -> LLVMValueRef {
        let px = a.layout == .c ? data(x) : data(try copyArray(x, a))
        let py = c.layout == .c ? data(y) : data(try copyArray(y, c))
        let nx = product(shape(x, a.ndim)), ny = product(shape(y, c.ndim))
        let out = newArray(r.dtype, [nx, ny])
        try loopNest([nx, ny]) { idx in
            let u = loadElement(b.gep(elementType(a.dtype), px, [idx[0]]), a.dtype)
            let w = loadElement(b.gep(elementType(c.dtype), py, [idx[1]]), c.dtype)
            let (value, vt) = try scalarOp(.binary(.mul), [u, w], [a.dtype.scalar, c.dtype.scalar], resultDType: r.dtype)
            try storeElement(elementPointer(out, r, idx), r.dtype, value, vt)
        }
        return out
    }
}
