import CLLVM

/// Integer helpers over int64: `math.gcd`, `math.factorial` (bools count as ints) and the
/// `**` of two ints (`intPowHelper`).
extension FunctionLowering {
    func mathInteger(_ name: String, _ args: [LLVMValueRef], _ types: [JITType]) throws -> LLVMValueRef {
        let ints = try zip(args, types).map { try cast($0, from: $1, to: .int64) }
        switch name {
        case "gcd":
            // gcd() is 0; gcd(a) is |a|; more arguments fold left, as Python's.
            guard var acc = ints.first else { return b.int(0) }
            let helper = gcdHelper()
            let ft = LLVMGlobalGetValueType(helper)!
            if ints.count == 1 { return b.call(ft, helper, [acc, b.int(0)]) }
            for x in ints.dropFirst() { acc = b.call(ft, helper, [acc, x]) }
            return acc
        case "factorial":
            let n = ints[0]
            raiseIf(b.icmp(LLVMIntSLT, n, b.int(0)), "ValueError", "factorial() not defined for negative values")
            // 20! is the largest that fits in int64; Python's larger results are bigger ints.
            raiseIf(b.icmp(LLVMIntSGT, n, b.int(20)), "OverflowError",
                    "factorial() of more than 20 does not fit in int64 in nopython mode")
            return b.load(b.i64, b.gep(b.i64, factorialTable(), [n]))
        default:
            throw fail("math.\(name)")
        }
    }

    /// `[21 x i64]` holding 0! ... 20!.
    func factorialTable() -> LLVMValueRef {
        let name = "swiftjit.factorials"
        if let g = LLVMGetNamedGlobal(b.module, name) { return g }
        var values: [LLVMValueRef?] = []
        var f: Int64 = 1
        for i in 0...20 {
            if i > 0 { f *= Int64(i) }
            values.append(b.int(f))
        }
        let c = values.withUnsafeMutableBufferPointer { LLVMConstArray2(b.i64, $0.baseAddress, UInt64(21)) }!
        let g = LLVMAddGlobal(b.module, LLVMTypeOf(c), name)!
        LLVMSetInitializer(g, c)
        LLVMSetGlobalConstant(g, 1)
        LLVMSetLinkage(g, LLVMPrivateLinkage)
        return g
    }

    /// `i64 swiftjit.gcd(i64 a, i64 b)`: Euclid's algorithm on the magnitudes (unsigned, so
    /// |INT64_MIN| works; a result of 2**63 wraps like other int64 results).
    func gcdHelper() -> LLVMValueRef {
        privateFunction("swiftjit.gcd", b.functionType(b.i64, [b.i64, b.i64])) { f in
            let entry = b.appendBlock(f, "entry"), loop = b.appendBlock(f, "loop"), done = b.appendBlock(f, "done")
            b.position(at: entry)
            func magnitude(_ v: LLVMValueRef) -> LLVMValueRef {
                b.select(b.icmp(LLVMIntSLT, v, b.int(0)), LLVMBuildSub(b.builder, b.int(0), v, "")!, v)
            }
            let a0 = magnitude(LLVMGetParam(f, 0)), b0 = magnitude(LLVMGetParam(f, 1))
            b.condBr(b.icmp(LLVMIntEQ, b0, b.int(0)), done, loop)
            b.position(at: loop)
            let a = LLVMBuildPhi(b.builder, b.i64, "a")!, r = LLVMBuildPhi(b.builder, b.i64, "b")!
            let rem = LLVMBuildURem(b.builder, a, r, "")!
            b.condBr(b.icmp(LLVMIntEQ, rem, b.int(0)), done, loop)
            var av: [LLVMValueRef?] = [a0, r], bv: [LLVMValueRef?] = [b0, rem]
            var from: [LLVMBasicBlockRef?] = [entry, loop]
            LLVMAddIncoming(a, &av, &from, 2)
            LLVMAddIncoming(r, &bv, &from, 2)
            b.position(at: done)
            let out = LLVMBuildPhi(b.builder, b.i64, "gcd")!
            var ov: [LLVMValueRef?] = [a0, r]
            var of: [LLVMBasicBlockRef?] = [entry, loop]
            LLVMAddIncoming(out, &ov, &of, 2)
            LLVMBuildRet(b.builder, out)
        }
    }

    /// `i64 swiftjit.ipow(i64 base, i64 exp)` by squaring, for exp >= 0 (other values give 1).
    func intPowHelper() -> LLVMValueRef {
        privateFunction("swiftjit.ipow", b.functionType(b.i64, [b.i64, b.i64])) { f in
            let entry = b.appendBlock(f, "entry"), loop = b.appendBlock(f, "loop"), done = b.appendBlock(f, "done")
            b.position(at: entry)
            let start = b.icmp(LLVMIntSGT, LLVMGetParam(f, 1), b.int(0))
            b.condBr(start, loop, done)
            b.position(at: loop)
            let result = LLVMBuildPhi(b.builder, b.i64, "r")!
            let base = LLVMBuildPhi(b.builder, b.i64, "b")!
            let exp = LLVMBuildPhi(b.builder, b.i64, "e")!
            let bit = b.icmp(LLVMIntNE, b.and(exp, b.int(1)), b.int(0))
            let r2 = b.select(bit, LLVMBuildMul(b.builder, result, base, "")!, result)
            let b2 = LLVMBuildMul(b.builder, base, base, "")!
            let e2 = LLVMBuildLShr(b.builder, exp, b.int(1), "")!
            let more = b.icmp(LLVMIntNE, e2, b.int(0))
            b.condBr(more, loop, done)
            b.position(at: done)
            let out = LLVMBuildPhi(b.builder, b.i64, "out")!
            var inVals: [LLVMValueRef?] = [b.int(1), r2]
            var inBlocks: [LLVMBasicBlockRef?] = [entry, loop]
            LLVMAddIncoming(out, &inVals, &inBlocks, 2)
            LLVMBuildRet(b.builder, out)
            var rv: [LLVMValueRef?] = [b.int(1), r2]
            var bv: [LLVMValueRef?] = [LLVMGetParam(f, 0), b2]
            var ev: [LLVMValueRef?] = [LLVMGetParam(f, 1), e2]
            var from: [LLVMBasicBlockRef?] = [entry, loop]
            LLVMAddIncoming(result, &rv, &from, 2)
            LLVMAddIncoming(base, &bv, &from, 2)
            LLVMAddIncoming(exp, &ev, &from, 2)
        }
    }

    /// The module's private function `name`, made on first use: `build` fills in its body
    /// (the builder's position is restored afterwards).
    func privateFunction(_ name: String, _ type: LLVMTypeRef, build: (LLVMValueRef) -> Void) -> LLVMValueRef {
        if let f = LLVMGetNamedFunction(b.module, name) { return f }
        let f = LLVMAddFunction(b.module, name, type)!
        LLVMSetLinkage(f, LLVMPrivateLinkage)
        let saved = b.currentBlock
        build(f)
        b.position(at: saved)
        return f
    }
}
