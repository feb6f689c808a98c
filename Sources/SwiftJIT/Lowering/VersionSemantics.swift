import CLLVM

/// Lowering of builtins whose results depend on the CPython version (see PythonSemantics.swift).
extension FunctionLowering {
    /// `sum(tuple, start)` as CPython 3.12+ computes it: integers are added as
    /// integers; once the total is a float, float items go through Neumaier's
    /// compensated summation and integers are added plainly; the compensation
    /// is added at the end when it is finite and non-zero. A complex item ends
    /// the float phase (the compensation is folded in first).
    func compensatedTupleSum(items: [JITType], tuple: LLVMValueRef, start acc0: LLVMValueRef,
                             startType: JITType) throws -> (LLVMValueRef, JITType) {
        var acc = acc0, accType = startType
        var c: LLVMValueRef? = nil   // the compensation, while in the float phase
        let bb = b.builder
        func fabs(_ x: LLVMValueRef) -> LLVMValueRef { b.intrinsic("llvm.fabs", [b.f64], [x]) }
        func finish() {
            guard let comp = c else { return }
            let use = b.and(b.fcmp(LLVMRealONE, comp, b.double(0)), b.fcmp(LLVMRealOLT, fabs(comp), b.double(.infinity)))
            acc = b.select(use, LLVMBuildFAdd(bb, acc, comp, "")!, acc)
            c = nil
        }
        for (i, it) in items.enumerated() {
            let x = b.extract(tuple, i)
            if accType == .float64, c == nil, it == .float64 || it == .int64 || it == .boolean {
                c = b.double(0)
            }
            if let comp = c {
                if it == .float64 {
                    let t = LLVMBuildFAdd(bb, acc, x, "")!
                    let accBigger = b.fcmp(LLVMRealOGE, fabs(acc), fabs(x))
                    let ifBigger = LLVMBuildFAdd(bb, LLVMBuildFSub(bb, acc, t, "")!, x, "")!
                    let ifSmaller = LLVMBuildFAdd(bb, LLVMBuildFSub(bb, x, t, "")!, acc, "")!
                    c = LLVMBuildFAdd(bb, comp, b.select(accBigger, ifBigger, ifSmaller), "")!
                    acc = t
                    continue
                }
                if it == .int64 || it == .boolean {
                    acc = LLVMBuildFAdd(bb, acc, try cast(x, from: it, to: .float64), "")!
                    continue
                }
                finish()
            }
            (acc, accType) = try arithmetic(.add, acc, accType, x, it)
        }
        finish()
        return (acc, accType)
    }
}
