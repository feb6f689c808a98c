import CLLVM

/// parallel=True for whole-array operations: the loops `ArrayLowering.swift` emits for
/// element-wise expressions (`a + b * c`, `np.sqrt(a)`) and reductions (`a.sum()`,
/// `a.prod()`, `a.mean()`, `a.min()`, `a.max()`) are outlined into a helper function
/// over a range of their outermost dimension (all elements for a C-contiguous
/// reduction) and run in chunks on the thread pool of prange loops
/// (`swiftjit_parallel_for`, `Sources/CPython/parallel.c`). Partial results of a
/// reduction are combined in chunk order. Loops of fewer than
/// `parallelArrayThreshold` elements call the helper once in the calling thread.
extension FunctionLowering {
    /// Below this many elements a whole-array loop does not wake the pool.
    static let parallelArrayThreshold: Int64 = 8192

    /// Runs `body` over the range `[0, n)` of an outer index, in chunks on the thread pool
    /// when `work` (the loop's element count) reaches the threshold.
    ///
    /// - `captures`: values the body needs; they are passed through an environment and
    ///   given to `body` as loaded in the helper function.
    /// - `body(L, captures, start, end)`: emits the loop of one chunk with the helper's
    ///   lowering `L`; returns the chunk's partial results (of types `partials`).
    /// - `combine(L, acc, partial)`: emitted in this function; folds a later chunk's
    ///   partial results into the accumulated ones.
    /// Returns the combined partial results (empty when `partials` is).
    func runChunked(_ what: String, n: LLVMValueRef, work: LLVMValueRef, captures: [LLVMValueRef],
                    partials: [LLVMTypeRef],
                    body: (FunctionLowering, [LLVMValueRef], LLVMValueRef, LLVMValueRef) throws -> [LLVMValueRef],
                    combine: ([LLVMValueRef], [LLVMValueRef]) throws -> [LLVMValueRef]) throws -> [LLVMValueRef] {
        let here = b.currentBlock
        let parentName = String(cString: LLVMGetValueName(fn))
        let index = parallelArrayNotes.count
        emittedLoops = true
        let envType = b.structType(captures.isEmpty ? [b.i8] : captures.map { LLVMTypeOf($0)! })
        let redType = b.structType(partials.isEmpty ? [b.i8] : partials)

        // The helper `i32 (ptr env, ptr ctx, i64 start, i64 end, ptr red)` holding the loop.
        let helper = FunctionLowering(helperOf: self, name: parentName + ".arr\(index)", extraParams: [b.i64, b.i64, b.ptr])
        b.position(at: LLVMGetEntryBasicBlock(helper.fn))
        let env = LLVMGetParam(helper.fn, 0)!
        let loaded = captures.enumerated().map { i, v in
            b.load(LLVMTypeOf(v), b.gep(envType, env, [b.int(0, b.i32), b.int(Int64(i), b.i32)]))
        }
        let results = try body(helper, loaded, LLVMGetParam(helper.fn, 2), LLVMGetParam(helper.fn, 3))
        let red = LLVMGetParam(helper.fn, 4)!
        for (j, r) in results.enumerated() {
            b.store(r, b.gep(redType, red, [b.int(0, b.i32), b.int(Int64(j), b.i32)]))
        }
        LLVMBuildRet(b.builder, b.int(0, b.i32))

        // The chunk entry of the runtime: `i32 (ptr env, i64 start, i64 end, ptr red, ptr ctx)`.
        let chunkType = b.functionType(b.i32, [b.ptr, b.i64, b.i64, b.ptr, b.ptr])
        let chunk = LLVMAddFunction(b.module, parentName + ".arr\(index).chunk", chunkType)!
        LLVMSetLinkage(chunk, LLVMInternalLinkage)
        b.position(at: b.appendBlock(chunk, "entry"))
        let helperType = LLVMGlobalGetValueType(helper.fn)!
        LLVMBuildRet(b.builder, b.call(helperType, helper.fn, [LLVMGetParam(chunk, 0), LLVMGetParam(chunk, 4),
                                                               LLVMGetParam(chunk, 1), LLVMGetParam(chunk, 2),
                                                               LLVMGetParam(chunk, 3)]))

        // The call site: small loops call the helper directly (one chunk), large ones go to the pool.
        b.position(at: here)
        let envSlot = entryAlloca(envType, "arr.env")
        for (i, v) in captures.enumerated() {
            b.store(v, b.gep(envType, envSlot, [b.int(0, b.i32), b.int(Int64(i), b.i32)]))
        }
        let redBuffer = entryAlloca(LLVMArrayType2(redType, FunctionLowering.maxChunks), "arr.red")
        let chunks = entryAlloca(b.i64, "arr.chunks")
        let small = b.appendBlock(fn, "arr.small"), pooled = b.appendBlock(fn, "arr.pool"), joined = b.appendBlock(fn, "arr.join")
        b.condBr(b.icmp(LLVMIntSLT, work, b.int(FunctionLowering.parallelArrayThreshold)), small, pooled)
        b.position(at: small)
        let status = b.call(helperType, helper.fn, [envSlot, context, b.int(0), n, redBuffer])
        b.store(b.select(b.icmp(LLVMIntEQ, status, b.int(0, b.i32)), b.int(1), b.int(-1)), chunks)
        b.br(joined)
        b.position(at: pooled)
        let runType = b.functionType(b.i64, [b.ptr, b.ptr, b.i64, b.ptr, b.i64, b.ptr])
        b.store(b.call(runType, b.declare("swiftjit_parallel_for", runType),
                       [chunk, envSlot, n, redBuffer, LLVMSizeOf(redType), context]), chunks)
        b.br(joined)
        b.position(at: joined)
        let count = b.load(b.i64, chunks)
        let failed = b.appendBlock(fn, "arr.raised"), ok = b.appendBlock(fn, "arr.ok")
        b.condBr(b.icmp(LLVMIntSLT, count, b.int(0)), failed, ok)
        b.position(at: failed)
        exceptionExit(release: false)  // the exception is in the context
        b.position(at: ok)
        parallelArrayNotes.append("\(what) at line \(position.line): parallelized (whole-array loop on the thread pool)")
        if partials.isEmpty { return [] }

        // Fold the chunks' partial results in chunk order (at least one chunk ran: n > 0 here,
        // or the helper ran once over the empty range).
        func partial(_ c: LLVMValueRef, _ j: Int) -> LLVMValueRef {
            b.load(partials[j], b.gep(redType, redBuffer, [c, b.int(Int64(j), b.i32)]))
        }
        let accs = partials.enumerated().map { j, t in variable(t, partial(b.int(0), j)) }
        let counter = variable(b.i64, b.int(1))
        let check = b.appendBlock(fn, "arr.check"), step = b.appendBlock(fn, "arr.fold"), done = b.appendBlock(fn, "arr.done")
        b.br(check)
        b.position(at: check)
        let c = b.load(b.i64, counter)
        b.condBr(b.icmp(LLVMIntSLT, c, count), step, done)
        b.position(at: step)
        let current = zip(accs, partials).map { b.load($1, $0) }
        let folded = try combine(current, partials.indices.map { partial(c, $0) })
        for (slot, v) in zip(accs, folded) { b.store(v, slot) }
        b.store(LLVMBuildAdd(b.builder, c, b.int(1), "")!, counter)
        b.br(check)
        b.position(at: done)
        return zip(accs, partials).map { b.load($1, $0) }
    }

    /// Emits `for k in [start, end)` calling `body(k)`.
    func loopRange(_ start: LLVMValueRef, _ end: LLVMValueRef, _ body: (LLVMValueRef) throws -> Void) throws {
        try loopNest([LLVMBuildSub(b.builder, end, start, "")!]) { idx in
            try body(LLVMBuildAdd(b.builder, idx[0], start, "")!)
        }
    }

    /// The outer extent a reduction over `arr` is split along: every element of a C-contiguous
    /// array (a flat loop), else the first dimension.
    func reductionExtent(_ arr: LLVMValueRef, _ a: ArrayType) -> LLVMValueRef {
        a.layout == .c ? product(shape(arr, a.ndim)) : b.extract(arr, 1, 0)
    }

    /// Calls `body` with each element of chunk `[start, end)` of `arr` along `reductionExtent`.
    func forEachElement(_ arr: LLVMValueRef, _ a: ArrayType, from start: LLVMValueRef, to end: LLVMValueRef,
                        _ body: (LLVMValueRef) throws -> Void) throws {
        if a.layout == .c {
            try loopRange(start, end) { k in
                try body(loadElement(b.gep(elementType(a.dtype), data(arr), [k]), a.dtype))
            }
            return
        }
        let rest = Array(shape(arr, a.ndim).dropFirst())
        try loopRange(start, end) { i0 in
            try loopNest(rest) { idx in
                try body(loadElement(elementPointer(arr, a, [i0] + idx), a.dtype))
            }
        }
    }

    /// The first element of chunk `[start, ...)` of `arr` along `reductionExtent`.
    func firstElement(_ arr: LLVMValueRef, _ a: ArrayType, at start: LLVMValueRef) -> LLVMValueRef {
        if a.layout == .c { return loadElement(b.gep(elementType(a.dtype), data(arr), [start]), a.dtype) }
        return loadElement(elementPointer(arr, a, [start] + Array(repeating: b.int(0), count: a.ndim - 1)), a.dtype)
    }

    /// sum / prod / mean of a real array on the thread pool.
    func parallelRealReduction(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType, _ size: LLVMValueRef) throws -> LLVMValueRef {
        let acc: JITType = a.dtype.isFloat || name == "mean" ? .float64 : .int64
        let op: BinaryOperator = name == "prod" ? .mul : .add
        let identity = name == "prod" ? (acc == .float64 ? b.double(1) : b.int(1)) : (acc == .float64 ? b.double(0) : b.int(0))
        let total = try runChunked("a.\(name)()", n: reductionExtent(arr, a), work: size, captures: [arr], partials: [ty(acc)],
            body: { L, cap, start, end in
                let t = L.variable(L.ty(acc), identity)
                try L.forEachElement(cap[0], a, from: start, to: end) { x in
                    L.b.store(try L.binary(op, L.b.load(L.ty(acc), t), acc, x, a.dtype.scalar, result: acc), t)
                }
                return [L.b.load(L.ty(acc), t)]
            },
            combine: { cur, part in [try binary(op, cur[0], acc, part[0], acc, result: acc)] })[0]
        if name == "mean" {
            return LLVMBuildFDiv(b.builder, total, LLVMBuildSIToFP(b.builder, size, b.f64, "")!, "")
        }
        return total
    }

    /// min / max of a real array (size > 0, checked by the caller) on the thread pool; NaN propagates.
    func parallelMinMax(isMax: Bool, _ arr: LLVMValueRef, _ a: ArrayType, _ size: LLVMValueRef) throws -> LLVMValueRef {
        let st = a.dtype.scalar
        func pick(_ L: FunctionLowering, _ x: LLVMValueRef, _ cur: LLVMValueRef) throws -> LLVMValueRef {
            var better = try L.compare(isMax ? .gt : .lt, x, st, cur, st)
            if st == .float64 {
                better = L.b.and(L.b.or(better, L.b.fcmp(LLVMRealUNO, x, x)), L.b.fcmp(LLVMRealORD, cur, cur))
            }
            return L.b.select(better, x, cur)
        }
        return try runChunked("a.\(isMax ? "max" : "min")()", n: reductionExtent(arr, a), work: size, captures: [arr],
                              partials: [ty(st)],
            body: { L, cap, start, end in
                let best = L.variable(L.ty(st), L.firstElement(cap[0], a, at: start))
                try L.forEachElement(cap[0], a, from: start, to: end) { x in
                    L.b.store(try pick(L, x, L.b.load(L.ty(st), best)), best)
                }
                return [L.b.load(L.ty(st), best)]
            },
            combine: { cur, part in [try pick(self, part[0], cur[0])] })[0]
    }

    /// The element-wise loop of `elementwise` on the thread pool, split along the result's first axis.
    func parallelElementwise(_ op: ElementwiseOp, inputs: [(LLVMValueRef, ArrayType?)], scalarTypes: [JITType],
                             out: LLVMValueRef, _ r: ArrayType, outShape: [LLVMValueRef], bitExact: Bool) throws {
        let captures = inputs.map { $0.0 } + [out]
        _ = try runChunked("array expression (\(op.summary))", n: outShape[0], work: product(outShape), captures: captures,
                           partials: [],
            body: { L, cap, start, end in
                let outL = cap[inputs.count]
                let rest = Array(L.shape(outL, r.ndim).dropFirst())
                try L.loopRange(start, end) { i0 in
                    try L.loopNest(rest) { inner in
                        try L.elementwiseStep(op, inputs.enumerated().map { (cap[$0.offset], $0.element.1) }, scalarTypes,
                                              out: outL, r, idx: [i0] + inner, bitExact: bitExact)
                    }
                }
                return []
            },
            combine: { _, _ in [] })
    }
}

extension ElementwiseOp {
    /// A short description for diagnostics.
    var summary: String {
        switch self {
        case .binary(let o): return "operator \(o.rawValue)"
        case .unary(let o): return "unary \(o.rawValue)"
        case .compare(let o): return "comparison \(o.rawValue)"
        case .math(let name): return "np.\(name)"
        case .cast: return "cast"
        case .select: return "np.where"
        case .ufunc(let name): return "np.\(name)"
        }
    }
}
