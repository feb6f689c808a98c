import CLLVM

/// Lowering of a parallel loop (see `Frontend/Parallel.swift`): the loop's header
/// calls `swiftjit_parallel_for` with the outlined body, then combines the
/// partial reductions of the chunks in order and goes to the loop's exit.
extension FunctionLowering {
    static let maxChunks: UInt64 = 64  // SWIFTJIT_MAX_THREADS

    func lowerParallelLoop(_ p: ParallelLoop) throws {
        let here = b.currentBlock
        let parentName = String(cString: LLVMGetValueName(fn))
        let bodyName = parentName + ".par\(p.header)"
        // The outlined body, and its chunk entry `i32 (ptr env, i64 start, i64 end, ptr red, ptr ctx)`.
        let body = FunctionLowering(builder: b, typed: p.body, name: bodyName, options: options)
        body.arrayParallelism = false  // array operations in the body run in the body's thread
        body.reassociableSums = FunctionLowering.floatSums(p)
        do {
            try body.lower()
        } catch let e as CompileError {
            // Run the loop serially rather than fail the compilation.
            LLVMDeleteFunction(body.fn)
            b.position(at: here)
            parallelLoops[p.header] = nil
            parallelFailures[p.header] = "the parallel body cannot be compiled (\(e.message))"
            return try lowerTerminator(typed.ir.blocks[p.header].terminator.node)
        }
        LLVMSetLinkage(body.fn, LLVMInternalLinkage)
        let envType = b.structType(p.liveIns.map { ty(typed.type(of: $0)) } + [b.i64, b.i64])
        let chunkType = b.functionType(b.i32, [b.ptr, b.i64, b.i64, b.ptr, b.ptr])
        let chunk = LLVMAddFunction(b.module, bodyName + ".chunk", chunkType)!
        LLVMSetLinkage(chunk, LLVMInternalLinkage)
        b.position(at: b.appendBlock(chunk, "entry"))
        let env = LLVMGetParam(chunk, 0)!
        var args: [LLVMValueRef] = [LLVMGetParam(chunk, 3), LLVMGetParam(chunk, 4)]
        for (i, v) in p.liveIns.enumerated() {
            args.append(b.load(ty(typed.type(of: v)), b.gep(envType, env, [b.int(0, b.i32), b.int(Int64(i), b.i32)])))
        }
        let start = LLVMGetParam(chunk, 1)!
        args += [start, LLVMGetParam(chunk, 2)]
        let loadEnv = { (i: Int) in self.b.load(self.b.i64, self.b.gep(envType, env, [self.b.int(0, self.b.i32), self.b.int(Int64(i), self.b.i32)])) }
        let base = loadEnv(p.liveIns.count), stride = loadEnv(p.liveIns.count + 1)
        // `prange(n)` (base 0, step 1) gets a copy of the body where the loop variable is the
        // chunk index itself, known non-negative: negative-index wraps fold away and the loop
        // vectorizes as the serial one does. Other ranges run the general copy.
        b.addAttribute(body.fn, "alwaysinline", at: UInt32.max)
        let simple = b.appendBlock(chunk, "simple"), general = b.appendBlock(chunk, "general")
        b.condBr(b.and(b.icmp(LLVMIntEQ, base, b.int(0)), b.icmp(LLVMIntEQ, stride, b.int(1))), simple, general)
        b.position(at: simple)
        _ = b.intrinsic("llvm.assume", [], [b.icmp(LLVMIntSGE, start, b.int(0))])
        LLVMBuildRet(b.builder, b.call(LLVMGlobalGetValueType(body.fn), body.fn, args + [b.int(0), b.int(1)]))
        b.position(at: general)
        LLVMBuildRet(b.builder, b.call(LLVMGlobalGetValueType(body.fn), body.fn, args + [base, stride]))
        b.position(at: here)

        // Iterations left in the range iterator: {cur, remaining, step}.
        let state = b.load(ty(.rangeIter), try slot(p.iterator))
        let cur = b.extract(state, 0), remaining = b.extract(state, 1), step = b.extract(state, 2)
        let bb = b.builder
        let n = b.select(b.icmp(LLVMIntSGT, remaining, b.int(0)), remaining, b.int(0))

        let envSlot = entryAlloca(envType, "par.env")
        for (i, v) in p.liveIns.enumerated() {
            b.store(try load(v), b.gep(envType, envSlot, [b.int(0, b.i32), b.int(Int64(i), b.i32)]))
        }
        b.store(cur, b.gep(envType, envSlot, [b.int(0, b.i32), b.int(Int64(p.liveIns.count), b.i32)]))
        b.store(step, b.gep(envType, envSlot, [b.int(0, b.i32), b.int(Int64(p.liveIns.count + 1), b.i32)]))
        let redType = ty(p.body.returnType)
        let redBuffer = entryAlloca(LLVMArrayType2(redType, FunctionLowering.maxChunks), "par.red")
        let runType = b.functionType(b.i64, [b.ptr, b.ptr, b.i64, b.ptr, b.i64, b.ptr])
        let chunks = b.call(runType, b.declare("swiftjit_parallel_for", runType),
                            [chunk, envSlot, n, redBuffer, LLVMSizeOf(redType), context])
        let failed = b.appendBlock(fn, "par.raised"), combine = b.appendBlock(fn, "par.combine")
        b.condBr(b.icmp(LLVMIntSLT, chunks, b.int(0)), failed, combine)
        b.position(at: failed)
        exceptionExit(release: false)  // the runtime has stored the exception in the context (or a handler takes it)

        // Partial reductions, combined in chunk order.
        b.position(at: combine)
        let exit = blocks[p.exit.id]
        if p.reductions.isEmpty { b.br(exit); return }
        let counter = entryAlloca(b.i64, "par.c")
        b.store(b.int(0), counter)
        let check = b.appendBlock(fn, "par.check"), step1 = b.appendBlock(fn, "par.step")
        b.br(check)
        b.position(at: check)
        let c = b.load(b.i64, counter)
        b.condBr(b.icmp(LLVMIntSLT, c, chunks), step1, exit)
        b.position(at: step1)
        for (j, (v, kind)) in p.reductions.enumerated() {
            let t = typed.type(of: v)
            let partial = b.load(ty(t), b.gep(redType, redBuffer, [c, b.int(Int64(j), b.i32)]))
            let acc = try load(v)
            let combined: LLVMValueRef
            switch kind {
            case .sum: combined = try binary(.add, acc, t, partial, t, result: t)
            case .product: combined = try binary(.mul, acc, t, partial, t, result: t)
            case .min, .max: combined = try call(.minMax(isMax: kind == .max), [acc, partial], [t, t], result: t)
            }
            b.store(combined, try slot(v))
        }
        b.store(LLVMBuildAdd(bb, c, b.int(1), "")!, counter)
        b.br(check)
    }

    /// The float `+=`/`-=` reductions of a parallel loop and the temporaries copying them: the
    /// partial sums of chunks are already added in another order than the serial loop's, so
    /// the additions inside a chunk may be reassociated as well (LLVM then vectorizes the
    /// chunk's loop with several partial sums). Results agree with the serial loop to rounding.
    static func floatSums(_ p: ParallelLoop) -> Set<Var> {
        var sums = Set(p.reductions.filter { $0.1 == .sum && p.body.type(of: $0.0) == .float64 }.map { $0.0 })
        if sums.isEmpty { return sums }
        for block in p.body.ir.blocks {
            for s in block.statements {
                if case .assign(let t, .copy(let r)) = s.node, sums.contains(r) { sums.insert(t) }
            }
        }
        return sums
    }

    /// Marks a float addition or subtraction as reassociable.
    func allowReassociation(_ v: LLVMValueRef) {
        guard LLVMIsAInstruction(v) != nil else { return }
        let opcode = LLVMGetInstructionOpcode(v)
        guard opcode == LLVMFAdd || opcode == LLVMFSub else { return }
        let flags = LLVMGetFastMathFlags(v) | LLVMFastMathFlags(LLVMFastMathAllowReassoc)
        LLVMSetFastMathFlags(v, flags)
    }
}
