import CLLVM

/// One operand (input or output) of a generalized ufunc loop (`@guvectorize`).
public struct GufuncOperand: Sendable {
    /// The NumPy dtype of the operand's elements.
    public var dtype: DType
    /// Its core dimensions, as indices into the loop's core sizes (`dims[1 + index]`).
    public var coreDims: [Int]
    public init(dtype: DType, coreDims: [Int]) { self.dtype = dtype; self.coreDims = coreDims }
}

/// NumPy ufunc inner loops `void loop(char **args, npy_intp const *dims, npy_intp const *steps, void *data)`
/// (`@vectorize`, `@guvectorize`, also with `target="parallel"`).
///
/// Every loop is made of a chunk function `i32 chunk(ptr env, i64 start, i64 end, ptr red, ptr ctx)`
/// (the thread pool's ABI, `swiftjit_parallel_for`) running the outer loop's iterations
/// `[start, end)`, with `env = {args, dims, steps}`; the loop calls it once over
/// `[0, dims[0])`, or, for target="parallel", splits that range over the thread pool
/// (loops of little work run in the calling thread). An exception raised by the kernel
/// stops its chunk and is set as the Python error once the loop is done.
extension Adapters {
    /// Outer loops of less work than this (elements times core sizes) do not wake the pool.
    static let parallelLoopThreshold: Int64 = 4096

    /// A ufunc loop applying `c` elementwise: inputs of dtypes `inputs`, one output of dtype `output`.
    public static func ufuncLoop(_ c: CompiledFunction, inputs: [DType], output: DType, parallel: Bool) throws -> UInt64 {
        guard inputs.count == c.signature.count else {
            throw CompileError(.internal, "vectorize: wrong number of input types", stage: "adapter")
        }
        return try outerLoop(c, kind: "ufunc", parallel: parallel, coreDimCount: 0, ufuncInputs: inputs.count) { b, i, argv, _, steps, ctx, retSlot in
            func element(_ k: Int) -> LLVMValueRef {
                let base = b.load(b.ptr, b.gep(b.ptr, argv, [b.int(Int64(k))]))
                let stride = b.load(b.i64, b.gep(b.i64, steps, [b.int(Int64(k))]))
                return b.gep(b.i8, base, [LLVMBuildMul(b.builder, i, stride, "")])
            }
            var args: [LLVMValueRef] = [retSlot, ctx]
            for (k, d) in inputs.enumerated() {
                args.append(try widen(b.load(cType(d, b), element(k)), d, to: c.signature[k], b))
            }
            return (args, { b in
                let retType = FunctionLowering.llvmType(c.returnType, b)
                b.store(try narrow(b.load(retType, retSlot), c.returnType, to: output, b), element(inputs.count))
            })
        }
    }

    /// A generalized ufunc loop calling `c` once per outer iteration with one argument per operand:
    /// an array over the operand's core dimensions (built from the loop's pointer, core sizes and
    /// core strides; extra leading dimensions of size 1 when the kernel's array has more), or the
    /// element itself for a scalar kernel argument of an operand without core dimensions.
    public static func gufuncLoop(_ c: CompiledFunction, operands: [GufuncOperand], parallel: Bool) throws -> UInt64 {
        guard operands.count == c.signature.count else {
            throw CompileError(.typing, "guvectorize: the layout has \(operands.count) operands; the kernel takes "
                               + "\(c.signature.count) arguments", stage: "adapter")
        }
        for (k, (op, t)) in zip(operands, c.signature).enumerated() {
            switch t {
            case .array(let a):
                guard a.dtype == op.dtype else {
                    throw CompileError(.typing, "guvectorize: argument \(k + 1) is an array of \(a.dtype.rawValue), the loop's "
                                       + "operand is \(op.dtype.rawValue)", stage: "adapter")
                }
                guard a.ndim >= op.coreDims.count else {
                    throw CompileError(.typing, "guvectorize: argument \(k + 1) has \(a.ndim) dimension(s); its layout "
                                       + "has \(op.coreDims.count) core dimension(s)", stage: "adapter")
                }
            default:
                guard op.coreDims.isEmpty else {
                    throw CompileError(.typing, "guvectorize: argument \(k + 1) is a scalar (\(t)) but its layout has core "
                                       + "dimensions; declare it as an array", stage: "adapter")
                }
            }
        }
        let nargs = operands.count
        let coreDimCount = (operands.flatMap { $0.coreDims }.max() ?? -1) + 1
        // Position of each operand's first core stride in steps[nargs...].
        var coreStrideStart: [Int] = []
        var next = nargs
        for op in operands { coreStrideStart.append(next); next += op.coreDims.count }
        return try outerLoop(c, kind: "gufunc", parallel: parallel, coreDimCount: coreDimCount) { b, i, argv, dims, steps, ctx, retSlot in
            var args: [LLVMValueRef] = [retSlot, ctx]
            for (k, op) in operands.enumerated() {
                let base = b.load(b.ptr, b.gep(b.ptr, argv, [b.int(Int64(k))]))
                let stride = b.load(b.i64, b.gep(b.i64, steps, [b.int(Int64(k))]))
                let p = b.gep(b.i8, base, [LLVMBuildMul(b.builder, i, stride, "")])
                guard case .array(let a) = c.signature[k] else {
                    args.append(try widen(b.load(cType(op.dtype, b), p), op.dtype, to: c.signature[k], b))
                    continue
                }
                let pad = a.ndim - op.coreDims.count
                var shape: [LLVMValueRef] = Array(repeating: b.int(1), count: pad)
                var strides: [LLVMValueRef] = Array(repeating: b.int(0), count: pad)
                for (j, d) in op.coreDims.enumerated() {
                    shape.append(b.load(b.i64, b.gep(b.i64, dims, [b.int(Int64(1 + d))])))
                    strides.append(b.load(b.i64, b.gep(b.i64, steps, [b.int(Int64(coreStrideStart[k] + j))])))
                }
                var v = LLVMGetUndef(FunctionLowering.arrayStruct(a.ndim, b))!
                v = b.insert(v, p, 0)
                for (j, s) in shape.enumerated() { v = b.insert(v, s, 1, j) }
                for (j, s) in strides.enumerated() { v = b.insert(v, s, 2, j) }
                args.append(b.insert(v, LLVMConstNull(b.ptr), 3))  // no owner: the operand belongs to NumPy
            }
            return (args, { _ in })
        }
    }

    /// Builds the loop around a per-iteration call of `c`: `iteration(b, i, args, dims, steps, ctx, retSlot)`
    /// returns the native call's arguments and the code storing its result.
    ///
    /// With `ufuncInputs` (an elementwise ufunc loop), a parallel loop runs serially when its output
    /// has step 0 or overlaps an input other than exactly (`reduce` and `accumulate` call the loop
    /// with the accumulator aliased: each iteration depends on the previous one).
    static func outerLoop(_ c: CompiledFunction, kind: String, parallel: Bool, coreDimCount: Int, ufuncInputs: Int? = nil,
                          iteration: (IRBuilder, LLVMValueRef, LLVMValueRef, LLVMValueRef, LLVMValueRef, LLVMValueRef,
                                      LLVMValueRef) throws -> ([LLVMValueRef], (IRBuilder) throws -> Void)) throws -> UInt64 {
        let name = uniqueName(c, parallel ? kind + "par" : kind)
        return try build(name) { b in
            let envType = b.structType([b.ptr, b.ptr, b.ptr])
            // The chunk function.
            let chunkType = b.functionType(b.i32, [b.ptr, b.i64, b.i64, b.ptr, b.ptr])
            let chunk = LLVMAddFunction(b.module, name + ".chunk", chunkType)!
            LLVMSetLinkage(chunk, LLVMInternalLinkage)
            let entry = b.appendBlock(chunk, "entry"), head = b.appendBlock(chunk, "head"), body = b.appendBlock(chunk, "body"),
                done = b.appendBlock(chunk, "done"), failed = b.appendBlock(chunk, "failed")
            b.position(at: entry)
            let env = LLVMGetParam(chunk, 0)!, start = LLVMGetParam(chunk, 1)!, end = LLVMGetParam(chunk, 2)!
            let ctx = LLVMGetParam(chunk, 4)!
            let argv = b.load(b.ptr, b.gep(envType, env, [b.int(0, b.i32), b.int(0, b.i32)]))
            let dims = b.load(b.ptr, b.gep(envType, env, [b.int(0, b.i32), b.int(1, b.i32)]))
            let steps = b.load(b.ptr, b.gep(envType, env, [b.int(0, b.i32), b.int(2, b.i32)]))
            let retType = FunctionLowering.llvmType(c.returnType, b)
            let retSlot = LLVMBuildAlloca(b.builder, retType, "ret")!
            let counter = LLVMBuildAlloca(b.builder, b.i64, "i")!
            b.store(start, counter)
            let (native, ft) = declareNative(c, b)
            b.br(head)
            b.position(at: head)
            let i = b.load(b.i64, counter)
            b.condBr(b.icmp(LLVMIntSLT, i, end), body, done)
            b.position(at: body)
            let (args, store) = try iteration(b, i, argv, dims, steps, ctx, retSlot)
            let status = b.call(ft, native, args)
            let ok = b.appendBlock(chunk, "ok")
            b.condBr(b.icmp(LLVMIntEQ, status, b.int(0, b.i32)), ok, failed)
            b.position(at: ok)
            try store(b)
            b.store(LLVMBuildAdd(b.builder, i, b.int(1), ""), counter)
            b.br(head)
            b.position(at: done)
            LLVMBuildRet(b.builder, b.int(0, b.i32))
            b.position(at: failed)
            LLVMBuildRet(b.builder, b.int(1, b.i32))

            // The loop NumPy calls.
            let fn = LLVMAddFunction(b.module, name, b.functionType(b.void, [b.ptr, b.ptr, b.ptr, b.ptr]))!
            b.position(at: b.appendBlock(fn, "entry"))
            let ctxType = FunctionLowering.contextType(b)
            let loopCtx = LLVMBuildAlloca(b.builder, ctxType, "ctx")!
            Adapters.initContext(loopCtx, ctxType, b)
            let loopEnv = LLVMBuildAlloca(b.builder, envType, "env")!
            for k in 0..<3 {
                b.store(LLVMGetParam(fn, UInt32(k))!, b.gep(envType, loopEnv, [b.int(0, b.i32), b.int(Int64(k), b.i32)]))
            }
            let red = LLVMBuildAlloca(b.builder, b.i64, "red")!
            let n = b.load(b.i64, LLVMGetParam(fn, 1))
            let raised: LLVMValueRef
            if parallel {
                var work = n
                for d in 0..<coreDimCount {
                    let size = b.load(b.i64, b.gep(b.i64, LLVMGetParam(fn, 1), [b.int(Int64(1 + d))]))
                    let atLeastOne = b.select(b.icmp(LLVMIntSGT, size, b.int(1)), size, b.int(1))
                    work = LLVMBuildMul(b.builder, work, atLeastOne, "")
                }
                var serial = b.or(b.icmp(LLVMIntSLT, work, b.int(parallelLoopThreshold)), b.icmp(LLVMIntSLT, n, b.int(2)))
                if let nin = ufuncInputs {
                    let argvP = LLVMGetParam(fn, 0)!, stepsP = LLVMGetParam(fn, 2)!
                    let last = LLVMBuildSub(b.builder, n, b.int(1), "")!
                    func operand(_ k: Int) -> (ptr: LLVMValueRef, step: LLVMValueRef, lo: LLVMValueRef, hi: LLVMValueRef) {
                        let p = LLVMBuildPtrToInt(b.builder, b.load(b.ptr, b.gep(b.ptr, argvP, [b.int(Int64(k))])), b.i64, "")!
                        let st = b.load(b.i64, b.gep(b.i64, stepsP, [b.int(Int64(k))]))
                        let ext = LLVMBuildMul(b.builder, last, st, "")!
                        let neg = b.icmp(LLVMIntSLT, ext, b.int(0))
                        let lo = LLVMBuildAdd(b.builder, p, b.select(neg, ext, b.int(0)), "")!
                        let hi = LLVMBuildAdd(b.builder, LLVMBuildAdd(b.builder, p, b.select(neg, b.int(0), ext), "")!, b.int(16), "")!
                        return (p, st, lo, hi)
                    }
                    let out = operand(nin)
                    var unsafe = b.icmp(LLVMIntEQ, out.step, b.int(0))
                    for k in 0..<nin {
                        let x = operand(k)
                        let same = b.and(b.icmp(LLVMIntEQ, x.ptr, out.ptr), b.icmp(LLVMIntEQ, x.step, out.step))
                        let disjoint = b.or(b.icmp(LLVMIntSLE, x.hi, out.lo), b.icmp(LLVMIntSLE, out.hi, x.lo))
                        unsafe = b.or(unsafe, b.not(b.or(same, disjoint)))
                    }
                    serial = b.or(serial, unsafe)
                }
                let result = LLVMBuildAlloca(b.builder, b.i1, "raised")!
                let small = b.appendBlock(fn, "small"), pooled = b.appendBlock(fn, "pool"), joined = b.appendBlock(fn, "join")
                b.condBr(serial, small, pooled)
                b.position(at: small)
                b.store(b.icmp(LLVMIntNE, b.call(chunkType, chunk, [loopEnv, b.int(0), n, red, loopCtx]), b.int(0, b.i32)), result)
                b.br(joined)
                b.position(at: pooled)
                let runType = b.functionType(b.i64, [b.ptr, b.ptr, b.i64, b.ptr, b.i64, b.ptr])
                let chunks = b.call(runType, b.declare("swiftjit_parallel_for", runType), [chunk, loopEnv, n, red, b.int(0), loopCtx])
                b.store(b.icmp(LLVMIntSLT, chunks, b.int(0)), result)
                b.br(joined)
                b.position(at: joined)
                raised = b.load(b.i1, result)
            } else {
                raised = b.icmp(LLVMIntNE, b.call(chunkType, chunk, [loopEnv, b.int(0), n, red, loopCtx]), b.int(0, b.i32))
            }
            let raise = b.appendBlock(fn, "raise"), exit = b.appendBlock(fn, "exit")
            b.condBr(raised, raise, exit)
            b.position(at: raise)
            Adapters.raise(loopCtx, unraisable: false, b, fn)
            b.br(exit)
            b.position(at: exit)
            releaseContext(loopCtx, ctxType, b, fn)
            LLVMBuildRetVoid(b.builder)
        }
    }
}
