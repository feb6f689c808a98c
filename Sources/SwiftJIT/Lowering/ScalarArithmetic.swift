import CLLVM

/// Arithmetic and comparisons of scalars (ints, floats, bools, complex) with Python's
/// semantics: true and floor division, modulo and divmod with Python's signs, integer
/// powers, ordering of ints against floats exactly (no rounding through double).
extension FunctionLowering {
    func fastmath(_ v: LLVMValueRef) -> LLVMValueRef {
        if options.fastmath, LLVMCanValueUseFastMathFlags(v) != 0 { LLVMSetFastMathFlags(v, LLVMFastMathFlags(LLVMFastMathAll)) }
        return v
    }

    func binary(_ op: BinaryOperator, _ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef, _ ty_: JITType,
                result: JITType) throws -> LLVMValueRef {
        let bb = b.builder
        if op == .trueDiv {
            let fx = try cast(x, from: tx, to: .float64), fy = try cast(y, from: ty_, to: .float64)
            let isFloat = tx == .float64 || ty_ == .float64
            raiseIf(b.fcmp(LLVMRealOEQ, fy, b.double(0)), "ZeroDivisionError",
                    isFloat ? "float division by zero" : "division by zero")
            if !isFloat {
                // Python divides ints exactly and rounds once; doubles are exact only up to 2**53.
                let ix = try cast(x, from: tx, to: .int64), iy = try cast(y, from: ty_, to: .int64)
                let limit = b.int(1 << 53)
                func small(_ v: LLVMValueRef) -> LLVMValueRef {
                    b.icmp(LLVMIntULE, LLVMBuildAdd(bb, v, limit, "")!, b.int(1 << 54))
                }
                let exact = b.and(small(ix), small(iy))
                let fast = LLVMBuildFDiv(bb, fx, fy, "")!
                let here = b.currentBlock
                let slowBlock = b.appendBlock(fn, "truediv.big"), join = b.appendBlock(fn, "truediv.join")
                b.condBr(b.intrinsic("llvm.expect", [b.i1], [exact, b.bool(true)]), join, slowBlock)
                b.position(at: slowBlock)
                let ft = b.functionType(b.f64, [b.i64, b.i64])
                let slow = b.call(ft, b.declare("swiftjit_int_truediv", ft), [ix, iy])
                b.br(join)
                b.position(at: join)
                let phi = LLVMBuildPhi(bb, b.f64, "")!
                var vals: [LLVMValueRef?] = [fast, slow]
                var from: [LLVMBasicBlockRef?] = [here, slowBlock]
                LLVMAddIncoming(phi, &vals, &from, 2)
                return phi
            }
            return fastmath(LLVMBuildFDiv(bb, fx, fy, "")!)
        }
        switch result {
        case .float64:
            let a = try cast(x, from: tx, to: .float64), c = try cast(y, from: ty_, to: .float64)
            switch op {
            case .add: return fastmath(LLVMBuildFAdd(bb, a, c, "")!)
            case .sub: return fastmath(LLVMBuildFSub(bb, a, c, "")!)
            case .mul: return fastmath(LLVMBuildFMul(bb, a, c, "")!)
            case .floorDiv:
                raiseIf(b.fcmp(LLVMRealOEQ, c, b.double(0)), "ZeroDivisionError", "float floor division by zero")
                return floatDivmod(a, c).div
            case .mod:
                raiseIf(b.fcmp(LLVMRealOEQ, c, b.double(0)), "ZeroDivisionError", PythonVersion.running.floatModuloByZeroMessage)
                return floatDivmod(a, c).mod
            case .pow:
                let zeroBase = b.fcmp(LLVMRealOEQ, a, b.double(0))
                let finiteNegExp = b.and(b.fcmp(LLVMRealOLT, c, b.double(0)),
                                         b.fcmp(LLVMRealONE, c, b.double(-.infinity)))
                raiseIf(b.and(zeroBase, finiteNegExp), "ZeroDivisionError", "0.0 cannot be raised to a negative power")
                // Python gives a complex number here; nopython float ** float cannot.
                let negBase = b.and(b.fcmp(LLVMRealOLT, a, b.double(0)), b.fcmp(LLVMRealONE, a, b.double(-.infinity)))
                let finiteExp = b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [c]), b.double(.infinity))
                let fractional = b.fcmp(LLVMRealONE, b.intrinsic("llvm.floor", [b.f64], [c]), c)
                raiseIf(b.and(b.and(negBase, finiteExp), fractional), "ValueError",
                        "negative number cannot be raised to a fractional power in nopython mode (Python's result is complex)")
                let r = b.intrinsic("llvm.pow", [b.f64], [a, c])
                // Like Python: a finite base and exponent giving an infinite result overflowed.
                func finite(_ v: LLVMValueRef) -> LLVMValueRef {
                    b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [v]), b.double(.infinity))
                }
                let overflow = b.and(b.and(finite(a), finite(c)), b.fcmp(LLVMRealOEQ, b.intrinsic("llvm.fabs", [b.f64], [r]), b.double(.infinity)))
                raiseIf(overflow, "OverflowError", "(34, 'Numerical result out of range')")
                return r
            default: throw fail("float operator \(op.rawValue)")
            }
        case .int64:
            let a = try cast(x, from: tx, to: .int64), c = try cast(y, from: ty_, to: .int64)
            switch op {
            case .add: return LLVMBuildAdd(bb, a, c, "")
            case .sub: return LLVMBuildSub(bb, a, c, "")
            case .mul: return LLVMBuildMul(bb, a, c, "")
            case .floorDiv, .mod:
                raiseIf(b.icmp(LLVMIntEQ, c, b.int(0)), "ZeroDivisionError",
                        op == .mod ? PythonVersion.running.intModuloByZeroMessage : "integer division or modulo by zero")
                let (div, mod) = intDivmod(a, c)
                return op == .mod ? mod : div
            case .pow: return intPow(a, c)
            case .and: return b.and(a, c)
            case .or: return b.or(a, c)
            case .xor: return LLVMBuildXor(bb, a, c, "")
            case .lshift, .rshift:
                raiseIf(b.icmp(LLVMIntSLT, c, b.int(0)), "ValueError", "negative shift count")
                let big = b.icmp(LLVMIntSGE, c, b.int(64))
                let safe = b.select(big, b.int(63), c)
                if op == .lshift {
                    return b.select(big, b.int(0), LLVMBuildShl(bb, a, safe, "")!)
                }
                return LLVMBuildAShr(bb, a, safe, "")
            default: throw fail("int operator \(op.rawValue)")
            }
        case .boolean:
            switch op {
            case .and: return b.and(x, y)
            case .or: return b.or(x, y)
            case .xor: return LLVMBuildXor(bb, x, y, "")
            default: throw fail("bool operator \(op.rawValue)")
            }
        default:
            throw fail("binary \(op.rawValue) producing \(result)")
        }
    }

    /// Python's floor division and modulo for int64 (signs follow the divisor);
    /// the divisor is known to be non-zero. `INT64_MIN // -1` wraps.
    func intDivmod(_ a: LLVMValueRef, _ c: LLVMValueRef) -> (div: LLVMValueRef, mod: LLVMValueRef) {
        let bb = b.builder
        let minusOne = b.icmp(LLVMIntEQ, c, b.int(-1))
        let safeC = b.select(minusOne, b.int(1), c)
        let q = LLVMBuildSDiv(bb, a, safeC, "")!
        let r = LLVMBuildSRem(bb, a, safeC, "")!
        // Adjust toward negative infinity when the remainder's sign differs from the divisor's.
        let rNonZero = b.icmp(LLVMIntNE, r, b.int(0))
        let signsDiffer = b.icmp(LLVMIntSLT, LLVMBuildXor(bb, r, safeC, "")!, b.int(0))
        let adjust = b.and(rNonZero, signsDiffer)
        let q2 = b.select(adjust, LLVMBuildSub(bb, q, b.int(1), "")!, q)
        let r2 = b.select(adjust, LLVMBuildAdd(bb, r, safeC, "")!, r)
        let negA = LLVMBuildSub(bb, b.int(0), a, "")!
        return (b.select(minusOne, negA, q2), b.select(minusOne, b.int(0), r2))
    }

    /// CPython's float_divmod; the divisor is known to be non-zero.
    func floatDivmod(_ vx: LLVMValueRef, _ wx: LLVMValueRef) -> (div: LLVMValueRef, mod: LLVMValueRef) {
        let bb = b.builder
        let zero = b.double(0)
        var mod = LLVMBuildFRem(bb, vx, wx, "")!
        var div = LLVMBuildFDiv(bb, LLVMBuildFSub(bb, vx, mod, "")!, wx, "")!
        let modNonZero = b.fcmp(LLVMRealUNE, mod, zero)
        let wNeg = b.fcmp(LLVMRealOLT, wx, zero)
        let modNeg = b.fcmp(LLVMRealOLT, mod, zero)
        let fix = b.and(modNonZero, LLVMBuildXor(bb, wNeg, modNeg, "")!)
        mod = b.select(fix, LLVMBuildFAdd(bb, mod, wx, "")!, mod)
        div = b.select(fix, LLVMBuildFSub(bb, div, b.double(1), "")!, div)
        // A zero remainder takes the sign of the divisor.
        mod = b.select(modNonZero, mod, b.intrinsic("llvm.copysign", [b.f64], [zero, wx]))
        let divNonZero = b.fcmp(LLVMRealUNE, div, zero)
        let floored = b.intrinsic("llvm.floor", [b.f64], [div])
        let roundUp = b.fcmp(LLVMRealOGT, LLVMBuildFSub(bb, div, floored, "")!, b.double(0.5))
        let fl = b.select(roundUp, LLVMBuildFAdd(bb, floored, b.double(1), "")!, floored)
        let q = LLVMBuildFDiv(bb, vx, wx, "")!
        let signedZero = b.intrinsic("llvm.copysign", [b.f64], [zero, q])
        div = b.select(divNonZero, fl, signedZero)
        return (div, mod)
    }

    /// int64 ** int64 with wraparound; a negative exponent gives Numba's integer
    /// result (0 unless the base is 1 or -1) and 0 ** negative raises.
    func intPow(_ a: LLVMValueRef, _ e: LLVMValueRef) -> LLVMValueRef {
        let negExp = b.icmp(LLVMIntSLT, e, b.int(0))
        raiseIf(b.and(negExp, b.icmp(LLVMIntEQ, a, b.int(0))), "ZeroDivisionError",
                "0.0 cannot be raised to a negative power")
        let helper = intPowHelper()
        let positive = b.call(LLVMGlobalGetValueType(helper), helper, [a, e])
        let odd = b.icmp(LLVMIntNE, b.and(e, b.int(1)), b.int(0))
        let negResult = b.select(b.icmp(LLVMIntEQ, a, b.int(1)), b.int(1),
                                 b.select(b.icmp(LLVMIntEQ, a, b.int(-1)), b.select(odd, b.int(-1), b.int(1)), b.int(0)))
        return b.select(negExp, negResult, positive)
    }

    func unary(_ op: UnaryOperator, _ x: LLVMValueRef, _ tx: JITType, result: JITType) throws -> LLVMValueRef {
        switch op {
        case .not: return b.not(try truth(x, tx))
        case .pos: return try cast(x, from: tx, to: result)
        case .neg:
            if result == .float64 { return LLVMBuildFNeg(b.builder, x, "") }
            return LLVMBuildSub(b.builder, b.int(0), try cast(x, from: tx, to: .int64), "")
        case .invert:
            return LLVMBuildXor(b.builder, try cast(x, from: tx, to: .int64), b.int(-1), "")
        }
    }

    func compare(_ op: CompareOperator, _ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef, _ ty_: JITType) throws -> LLVMValueRef {
        if op == .is || op == .isNot {
            var same: LLVMValueRef
            switch (tx, ty_) {
            case (.none, .none): same = b.bool(true)
            case (.optional, .none): same = b.not(b.extract(x, 0))
            case (.none, .optional): same = b.not(b.extract(y, 0))
            case (.boolean, .boolean): same = b.icmp(LLVMIntEQ, x, y)
            case (.list, .list), (.dict, .dict), (.set, .set), (.string, .string): same = b.icmp(LLVMIntEQ, x, y)
            default: same = b.bool(false)
            }
            return op == .is ? same : b.not(same)
        }
        // Optional operands: == and != against None or a number.
        if case .optional(let inner) = tx {
            let valid = b.extract(x, 0)
            if ty_ == .none { return op == .eq ? b.not(valid) : valid }
            let eq = try compare(op, b.extract(x, 1), inner, y, ty_)
            return op == .eq ? b.and(valid, eq) : b.or(b.not(valid), eq)
        }
        if case .optional = ty_ { return try compare(op, y, ty_, x, tx) }
        if tx == .none && ty_ == .none { return b.bool(op == .eq) }
        if tx == .none || ty_ == .none { return b.bool(op == .ne) }
        if (tx == .float64) != (ty_ == .float64), tx.numericRank != nil, ty_.numericRank != nil {
            // An int against a float compares exactly, as Python does (not via float(int)).
            let intOnLeft = tx != .float64
            let i = try cast(intOnLeft ? x : y, from: intOnLeft ? tx : ty_, to: .int64)
            let d = intOnLeft ? y : x
            let ordering = exactIntFloatOrder(i, d)  // -1: i < d, 0: equal, 1: i > d, 2: unordered (NaN)
            let flipped: CompareOperator
            switch op {
            case .lt: flipped = intOnLeft ? .lt : .gt
            case .le: flipped = intOnLeft ? .le : .ge
            case .gt: flipped = intOnLeft ? .gt : .lt
            case .ge: flipped = intOnLeft ? .ge : .le
            default: flipped = op
            }
            func is_(_ v: Int64) -> LLVMValueRef { b.icmp(LLVMIntEQ, ordering, b.int(v)) }
            switch flipped {
            case .lt: return is_(-1)
            case .le: return b.or(is_(-1), is_(0))
            case .eq: return is_(0)
            case .ne: return b.not(is_(0))
            case .gt: return is_(1)
            case .ge: return b.or(is_(1), is_(0))
            default: throw fail("compare \(op.rawValue)")
            }
        }
        if tx == .float64 || ty_ == .float64 {
            let a = try cast(x, from: tx, to: .float64), c = try cast(y, from: ty_, to: .float64)
            let p: LLVMRealPredicate
            switch op {
            case .lt: p = LLVMRealOLT
            case .le: p = LLVMRealOLE
            case .eq: p = LLVMRealOEQ
            case .ne: p = LLVMRealUNE
            case .gt: p = LLVMRealOGT
            case .ge: p = LLVMRealOGE
            default: throw fail("compare \(op.rawValue)")
            }
            return b.fcmp(p, a, c)
        }
        let a = try cast(x, from: tx, to: .int64), c = try cast(y, from: ty_, to: .int64)
        let p: LLVMIntPredicate
        switch op {
        case .lt: p = LLVMIntSLT
        case .le: p = LLVMIntSLE
        case .eq: p = LLVMIntEQ
        case .ne: p = LLVMIntNE
        case .gt: p = LLVMIntSGT
        case .ge: p = LLVMIntSGE
        default: throw fail("compare \(op.rawValue)")
        }
        return b.icmp(p, a, c)
    }

    /// Exact order of an int64 and a double: -1, 0, 1, or 2 when the double is NaN.
    func exactIntFloatOrder(_ i: LLVMValueRef, _ d: LLVMValueRef) -> LLVMValueRef {
        let bb = b.builder
        let nan = b.fcmp(LLVMRealUNO, d, d)
        let tooBig = b.fcmp(LLVMRealOGE, d, b.double(9223372036854775808.0))
        let tooSmall = b.fcmp(LLVMRealOLT, d, b.double(-9223372036854775808.0))
        // In range, the truncated double is an exact int64 and the rest an exact fraction.
        let t = b.intrinsic("llvm.fptosi.sat", [b.i64, b.f64], [d])
        let frac = LLVMBuildFSub(bb, d, LLVMBuildSIToFP(bb, t, b.f64, "")!, "")!
        let byInt = b.select(b.icmp(LLVMIntSLT, i, t), b.int(-1), b.select(b.icmp(LLVMIntSGT, i, t), b.int(1), b.int(0)))
        let byFrac = b.select(b.fcmp(LLVMRealOGT, frac, b.double(0)), b.int(-1),
                              b.select(b.fcmp(LLVMRealOLT, frac, b.double(0)), b.int(1), b.int(0)))
        let inRange = b.select(b.icmp(LLVMIntNE, i, t), byInt, byFrac)
        return b.select(nan, b.int(2), b.select(tooBig, b.int(-1), b.select(tooSmall, b.int(1), inRange)))
    }
}
