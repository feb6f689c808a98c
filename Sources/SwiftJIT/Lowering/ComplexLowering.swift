import CLLVM

/// complex128 values `{double real, double imag}`: arithmetic as CPython 3.11
/// does it (mixed operands are converted to complex first), division and
/// powers through the runtime helpers that port CPython's algorithms.
extension FunctionLowering {
    func complexValue(_ re: LLVMValueRef, _ im: LLVMValueRef) -> LLVMValueRef {
        b.insert(b.insert(LLVMGetUndef(ty(.complex128)), re, 0), im, 1)
    }

    func languageCast(_ v: LLVMValueRef, from: JITType, to: JITType) throws -> LLVMValueRef {
        if to == .complex128, from.isNumber {
            return complexValue(try cast(v, from: from, to: .float64), b.double(0))
        }
        if case .literalString(let s) = from, to == .string { return stringConstant(s) }
        if from.isObject, to.isObject { return v }  // element types widen; the object is the same
        if from == .none, to.isObject { throw fail("None where \(to) is expected") }
        throw fail("cannot convert \(from) to \(to)")
    }

    func languageTruth(_ v: LLVMValueRef, _ t: JITType) throws -> LLVMValueRef {
        guard t == .complex128 else { throw fail("no truth value for \(t)") }
        return b.or(b.fcmp(LLVMRealUNE, b.extract(v, 0), b.double(0)), b.fcmp(LLVMRealUNE, b.extract(v, 1), b.double(0)))
    }

    /// Calls a runtime helper `i32 name(double..., ptr out)` writing a complex result; returns (status, result).
    func complexHelper(_ name: String, _ args: [LLVMValueRef]) -> (LLVMValueRef, LLVMValueRef) {
        let out = entryAlloca(ty(.complex128), "complex.out")
        let ft = b.functionType(b.i32, Array(repeating: b.f64, count: args.count) + [b.ptr])
        let status = b.call(ft, b.declare(name, ft), args + [out])
        return (status, b.load(ty(.complex128), out))
    }

    func complexBinary(_ op: BinaryOperator, _ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef,
                       _ ty_: JITType) throws -> LLVMValueRef {
        let a = try cast(x, from: tx, to: .complex128), c = try cast(y, from: ty_, to: .complex128)
        let ar = b.extract(a, 0), ai = b.extract(a, 1), cr = b.extract(c, 0), ci = b.extract(c, 1)
        let bb = b.builder
        switch op {
        case .add: return complexValue(LLVMBuildFAdd(bb, ar, cr, "")!, LLVMBuildFAdd(bb, ai, ci, "")!)
        case .sub: return complexValue(LLVMBuildFSub(bb, ar, cr, "")!, LLVMBuildFSub(bb, ai, ci, "")!)
        case .mul:
            let re = LLVMBuildFSub(bb, LLVMBuildFMul(bb, ar, cr, "")!, LLVMBuildFMul(bb, ai, ci, "")!, "")!
            let im = LLVMBuildFAdd(bb, LLVMBuildFMul(bb, ar, ci, "")!, LLVMBuildFMul(bb, ai, cr, "")!, "")!
            return complexValue(re, im)
        case .trueDiv:
            let (status, r) = complexHelper("swiftjit_cdiv", [ar, ai, cr, ci])
            raiseIf(b.icmp(LLVMIntNE, status, b.int(0, b.i32)), "ZeroDivisionError", "complex division by zero")
            return r
        case .pow:
            let (status, r) = complexHelper("swiftjit_cpow", [ar, ai, cr, ci])
            raiseIf(b.icmp(LLVMIntEQ, status, b.int(1, b.i32)), "ZeroDivisionError", "0.0 to a negative or complex power")
            raiseIf(b.icmp(LLVMIntEQ, status, b.int(2, b.i32)), "OverflowError", "complex exponentiation")
            return r
        default:
            throw fail("complex operator \(op.rawValue)")
        }
    }

    /// abs() of a complex: hypot, raising OverflowError when a finite value overflows.
    func complexAbs(_ z: LLVMValueRef) -> LLVMValueRef {
        let re = b.extract(z, 0), im = b.extract(z, 1)
        let r = b.libm("hypot", [re, im])
        let inf = b.double(.infinity)
        let finite = b.and(b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [re]), inf),
                           b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [im]), inf))
        raiseIf(b.and(finite, b.fcmp(LLVMRealOEQ, r, inf)), "OverflowError", "absolute value too large")
        return r
    }

    func cmath(_ name: String, _ args: [LLVMValueRef], _ types: [JITType]) throws -> LLVMValueRef {
        switch name {
        case "log" where args.count == 2:
            // log(z) / log(base). CPython looks at errno once, after both logs and the division,
            // and the base's log resets it: a zero z gives a value; a zero base or base 1 raise.
            let z = try cast(args[0], from: types[0], to: .complex128)
            let base = try cast(args[1], from: types[1], to: .complex128)
            let (_, lz) = complexHelper("swiftjit_clog", [b.extract(z, 0), b.extract(z, 1)])
            let (s2, lb) = complexHelper("swiftjit_clog", [b.extract(base, 0), b.extract(base, 1)])
            let (s3, q) = complexHelper("swiftjit_cdiv", [b.extract(lz, 0), b.extract(lz, 1), b.extract(lb, 0), b.extract(lb, 1)])
            let failed = b.icmp(LLVMIntNE, b.or(s2, s3), b.int(0, b.i32))
            raiseIf(failed, "ValueError", "math domain error")
            return q
        case "sqrt", "exp", "log":
            let z = try cast(args[0], from: types[0], to: .complex128)
            let (status, r) = complexHelper("swiftjit_c\(name)", [b.extract(z, 0), b.extract(z, 1)])
            if name == "exp" {
                raiseIf(b.icmp(LLVMIntEQ, status, b.int(1, b.i32)), "OverflowError", "math range error")
                raiseIf(b.icmp(LLVMIntEQ, status, b.int(2, b.i32)), "ValueError", "math domain error")
            } else {
                raiseIf(b.icmp(LLVMIntNE, status, b.int(0, b.i32)), "ValueError", "math domain error")
            }
            return r
        case "phase":
            let z = try cast(args[0], from: types[0], to: .complex128)
            let re = b.extract(z, 0), im = b.extract(z, 1)
            let phi = b.libm("atan2", [im, re])
            // CPython reports libm's errno: glibc's atan2 sets ERANGE when a non-zero angle
            // underflows to zero (a tiny imaginary part over a finite real one).
            let underflow = b.and(b.fcmp(LLVMRealOEQ, phi, b.double(0)),
                                  b.and(b.fcmp(LLVMRealUNE, im, b.double(0)),
                                        b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [re]), b.double(.infinity))))
            raiseIf(underflow, "OverflowError", "math range error")
            return phi
        case "polar":
            let z = try cast(args[0], from: types[0], to: .complex128)
            let r = complexAbs(z)
            let phi = b.libm("atan2", [b.extract(z, 1), b.extract(z, 0)])
            let t = LLVMGetUndef(ty(.tuple([.float64, .float64])))!
            return b.insert(b.insert(t, r, 0), phi, 1)
        case "rect":
            // r * cis(phi), with CPython's special values for infinite or nan inputs.
            let r = try cast(args[0], from: types[0], to: .float64), phi = try cast(args[1], from: types[1], to: .float64)
            let (status, z) = complexHelper("swiftjit_crect", [r, phi])
            raiseIf(b.icmp(LLVMIntNE, status, b.int(0, b.i32)), "ValueError", "math domain error")
            return z
        default:
            throw fail("cmath.\(name)")
        }
    }
}
