import CLLVM

/// Error exits of nopython code: `raise` ends the current block with an exception (a
/// constant `{class, message}` descriptor stored in the context, the traceback entry
/// recorded, the owned slots released, status 1 returned), `raiseIf` branches to one
/// shared raising block per exception and line. Traceback.swift records the locations.
extension FunctionLowering {
    /// Ends the current block by raising `cls(message)`.
    func raise(_ cls: String, _ message: String?) {
        if convention != .status {
            // A direct function: only the stack check raises (it marks the context), any
            // other exit means the status lowering's verdict does not hold.
            if !isStackExhaustion(cls, message) { directViolation = true }
            markStackExhausted()
            releaseAllSlots()
            LLVMBuildRet(b.builder, LLVMConstNull(LLVMGetReturnType(LLVMGlobalGetValueType(fn))))
            return
        }
        let descType = b.structType([b.ptr, b.ptr])
        let clsVar = exceptionClassVariable(cls)
        let msg = message.map { b.cString($0) } ?? LLVMConstNull(b.ptr)!
        var fields: [LLVMValueRef?] = [clsVar, msg]
        let c = fields.withUnsafeMutableBufferPointer { LLVMConstNamedStruct(descType, $0.baseAddress, 2) }!
        let g = LLVMAddGlobal(b.module, descType, "exc")!
        LLVMSetInitializer(g, c)
        LLVMSetGlobalConstant(g, 1)
        LLVMSetLinkage(g, LLVMPrivateLinkage)
        b.store(g, LLVMGetParam(fn, 1))
        recordTraceEntry()
        // Inside a try: to the handler (TryExcept.swift); otherwise release and return 1.
        if let exit = exceptionExit(), isStackExhaustion(cls, message) { recursionExits.insert(exit) }
    }

    /// Branches to a block raising `cls(message)` when `condition` holds; continues otherwise.
    func raiseIf(_ condition: LLVMValueRef, _ cls: String, _ message: String) {
        // One block per exception and line: the block records the line's traceback entry.
        let key = cls + "\u{0}" + message + "\u{0}\(position.line)" + handlerKeySuffix
        let target: LLVMBasicBlockRef
        let here = b.currentBlock
        if let existing = raiseBlocks[key] {
            target = existing
        } else {
            target = b.appendBlock(fn, "raise.\(cls)")
            b.position(at: target)
            raise(cls, message)
            raiseBlocks[key] = target
        }
        b.position(at: here)
        let cont = b.appendBlock(fn, "cont")
        let expect = b.intrinsic("llvm.expect", [b.i1], [condition, b.bool(false)])
        b.condBr(expect, target, cont)
        b.position(at: cont)
    }
}
