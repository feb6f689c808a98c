import CLLVM

/// `math.gcd` and `math.factorial` over int64 (bools count as ints).
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
        let name = "swiftjit.gcd"
        if let f = LLVMGetNamedFunction(b.module, name) { return f }
        let f = LLVMAddFunction(b.module, name, b.functionType(b.i64, [b.i64, b.i64]))!
        LLVMSetLinkage(f, LLVMPrivateLinkage)
        let saved = b.currentBlock
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
        b.position(at: saved)
        return f
    }
}
