import CLLVM

/// Array-expression fusion: a tree of element-wise operations (`a + b * c`,
/// `np.sqrt(x) * 2 < y`) is lowered as ONE loop that computes every element of the
/// result from the leaves, with no temporary arrays; a reduction (`.sum()`, `np.sum`,
/// `.prod()`, `.mean()`, `.min()`, `.max()`) of such a tree is one reducing loop that
/// allocates nothing. With parallel=True the fused loop is the one run in chunks on the
/// thread pool (`runChunked`, ArrayParallel.swift), with a partial result per chunk.
///
/// Planning (`FusionPlan`) looks at the IR of the function: a temporary (`$`-named)
/// array produced by an element-wise operation is *deferred* when it is read exactly
/// once, later in the same block, by another element-wise operation or a reduction, and
/// every statement in between is free of side effects on arrays (constants, globals,
/// attribute reads, other element-wise operations, non-raising scalar arithmetic). The
/// read may go through copies into named locals assigned once in the function and read
/// once (`t = a * b` then `t + c`): those are deferred with it.
/// Lowering a deferred statement records its tree instead of emitting a loop; the
/// consumer evaluates the whole tree per element. Semantics are those of the unfused
/// code: each intermediate value is converted to its array's dtype (float32 rounding,
/// int8 wrap) exactly as storing and reloading it would; the broadcast of all leaves
/// is checked before the loop (same ValueError). Complex and uint64 operands, 0-d
/// results and in-place operators are not fused.
struct FusionPlan {
    /// Temporaries whose statement records a tree instead of computing an array.
    var deferred: Set<Var> = []
    /// Trees of deferred variables lowered so far (a bound reduction method maps to its receiver's tree).
    var trees: [Var: FusedTree] = [:]

    static let reductions: Set<String> = ["sum", "prod", "mean", "min", "max", "amin", "amax", "argmin", "argmax",
                                          "any", "all"]
    static let mathUfuncs: Set<String> = Set(ArrayTyping.unaryUfuncs.keys)
        .union(["abs", "absolute", "negative", "square", "floor", "ceil", "trunc"])
}

/// An element-wise expression tree: leaves are arrays (any layout, broadcast) or scalars.
indirect enum FusedTree {
    case leaf(LLVMValueRef, JITType)
    case node(ElementwiseOp, [FusedTree], ArrayType)

    /// The leaves, left to right.
    var leaves: [(LLVMValueRef, JITType)] {
        switch self {
        case .leaf(let v, let t): return [(v, t)]
        case .node(_, let kids, _): return kids.flatMap { $0.leaves }
        }
    }

    /// The number of operations in the tree.
    var operations: Int {
        if case .node(_, let kids, _) = self { return 1 + kids.reduce(0) { $0 + $1.operations } }
        return 0
    }
}

extension FunctionLowering {
    // MARK: planning

    /// The element-wise operation a statement computes into an array (fusible kinds only), with
    /// the variables it reads as operands.
    func fusibleOperation(_ e: Expr, _ ref: StmtRef) -> (ElementwiseOp, [Var])? {
        guard let t = typed.exprTypes[ref], case .array(let r) = t, fusibleDType(r.dtype), r.ndim > 0 else { return nil }
        let op: ElementwiseOp, args: [Var]
        switch e {
        case .binary(let o, let x, let y, let inplace):
            guard !inplace, o != .matmul else { return nil }
            op = .binary(o); args = [x, y]
        case .unary(let o, let x):
            guard o != .not else { return nil }
            op = .unary(o); args = [x]
        case .compare(let o, let x, let y):
            guard [.lt, .le, .eq, .ne, .gt, .ge].contains(o) else { return nil }
            op = .compare(o); args = [x, y]
        case .call(_, let callArgs, _) where ufuncOperation(callArgs, ref) != nil:
            // np.maximum, np.hypot, np.clip, ... (UfuncLowering.swift), without out=.
            guard let (o, a) = ufuncOperation(callArgs, ref) else { return nil }
            op = o; args = a
        case .call(_, let callArgs, let keywords) where callArgs.count == 3:
            // np.where(cond, x, y): both sides are computed per element, as NumPy computes both arrays.
            guard keywords.isEmpty, let res = typed.calls[ref], case .numpy("where") = res.impl,
                  res.parameters.isEmpty || res.parameters == [0, 1, 2] else { return nil }
            op = .select; args = callArgs
        case .call(_, let callArgs, let keywords):
            guard keywords.isEmpty, callArgs.count == 1, let res = typed.calls[ref], positionalFirst(res),
                  case .numpy(let name) = res.impl, FusionPlan.mathUfuncs.contains(name) else { return nil }
            op = .math(ArrayTyping.unaryUfuncs[name] ?? name); args = callArgs
        default:
            return nil
        }
        for v in args {
            switch typed.type(of: v) {
            case .array(let a): guard fusibleDType(a.dtype) else { return nil }
            case .int64, .float64, .boolean: break
            default: return nil
            }
        }
        return (op, args)
    }

    private func fusibleDType(_ d: DType) -> Bool { !d.isComplex && d != .uint64 }

    /// Whether a resolved call passes its first argument as the first parameter and nothing else.
    private func positionalFirst(_ r: CallResolution) -> Bool {
        r.parameters.isEmpty || (r.parameters.first == 0 && r.parameters.dropFirst().allSatisfy { $0 == nil })
    }

    /// The reduction (`sum`, `min`, ...) a call statement applies to an array, and that array.
    func fusibleReduction(_ e: Expr, _ ref: StmtRef) -> (String, Var)? {
        guard case .call(let callee, let args, let keywords) = e, keywords.isEmpty,
              let res = typed.calls[ref] else { return nil }
        switch res.impl {
        case .arrayMethod(let m) where FusionPlan.reductions.contains(m) && args.isEmpty:
            return (m, callee)
        case .numpy(let m) where FusionPlan.reductions.contains(m) && args.count == 1 && positionalFirst(res):
            return (m, args[0])
        default:
            return nil
        }
    }

    /// Whether evaluating `e` later than written cannot change what the program observes
    /// (no array writes, no calls, no exceptions other than those of fused operations).
    private func isInert(_ e: Expr, _ ref: StmtRef) -> Bool {
        switch e {
        case .const, .global, .freevar, .arg, .copy, .getattr, .buildTuple, .staticGetitem:
            return true
        case .binary(let o, _, _, let inplace) where !(typed.exprTypes[ref]?.isArray ?? false):
            return !inplace && [.add, .sub, .mul, .and, .or, .xor].contains(o)
        case .unary, .compare:
            return true
        default:
            return fusibleOperation(e, ref) != nil
        }
    }

    /// Finds the temporaries to defer (see `FusionPlan`).
    func planFusion() -> FusionPlan {
        var plan = FusionPlan()
        var uses: [Var: Int] = [:]
        var site: [Var: (Int, Int)] = [:]
        for (bi, block) in typed.ir.blocks.enumerated() {
            for (si, s) in block.statements.enumerated() {
                for v in s.node.operands { uses[v, default: 0] += 1; site[v] = (bi, si) }
                if case .delete(let v) = s.node { uses[v, default: 0] += 2 }
            }
            var read: [Var] = []
            switch block.terminator.node {
            case .branch(let v, _, _), .ret(let v): read = [v]
            case .forIter(let it, _, _, _): read = [it]
            case .raise(let v?): read = [v]
            default: break
            }
            for v in read { uses[v, default: 0] += 1; site[v] = (bi, block.statements.count) }
        }
        var defs: [Var: Int] = [:]
        for block in typed.ir.blocks {
            for s in block.statements { if case .assign(let v, _) = s.node { defs[v, default: 0] += 1 } }
        }
        /// Temporaries, and named locals assigned once in the function (`t = a * b`): a value
        /// read exactly once can then be read only by that reader.
        func forwardable(_ v: Var) -> Bool { typed.ir.name(of: v).hasPrefix("$") || defs[v] == 1 }
        /// The statement index of the single later read of `v` in block `bi` after `si`, when
        /// all statements in between are inert.
        func soleReader(_ v: Var, _ bi: Int, _ si: Int) -> Int? {
            guard forwardable(v), uses[v] == 1, let (ub, us) = site[v], ub == bi, us > si,
                  us < typed.ir.blocks[bi].statements.count else { return nil }
            let stmts = typed.ir.blocks[bi].statements
            for k in (si + 1)..<us {
                guard case .assign(_, let e) = stmts[k].node, isInert(e, StmtRef(block: bi, index: k)) else { return nil }
            }
            return us
        }
        for (bi, block) in typed.ir.blocks.enumerated() {
            for (si, s) in block.statements.enumerated() {
                let ref = StmtRef(block: bi, index: si)
                guard case .assign(let v0, let e) = s.node, fusibleOperation(e, ref) != nil,
                      let et = typed.exprTypes[ref], typed.type(of: v0) == et,
                      var us = soleReader(v0, bi, si) else { continue }
                // Through copies (`t = $3; $6 = t`: a named local between the operation and its
                // reader), each read once, later in the block, with inert statements in between.
                var v = v0, chain = [v0]
                while case .assign(let w, .copy(let src)) = block.statements[us].node, src == v,
                      typed.type(of: w) == et, let next = soleReader(w, bi, us) {
                    v = w
                    chain.append(w)
                    us = next
                }
                guard case .assign(let w, let ue) = block.statements[us].node else { continue }
                let uref = StmtRef(block: bi, index: us)
                if let (_, args) = fusibleOperation(ue, uref), args.contains(v) {
                    plan.deferred.formUnion(chain)
                } else if let (_, arg) = fusibleReduction(ue, uref), arg == v {
                    plan.deferred.formUnion(chain)
                } else if case .getattr(_, let m) = ue, FusionPlan.reductions.contains(m),
                          case .boundMethod(.array, m) = typed.type(of: w), let cs = soleReader(w, bi, us),
                          case .assign(_, let ce) = block.statements[cs].node,
                          let (_, callee) = fusibleReduction(ce, StmtRef(block: bi, index: cs)), callee == w {
                    plan.deferred.formUnion(chain)
                    plan.deferred.insert(w)
                }
            }
        }
        return plan
    }

    // MARK: lowering hooks

    /// A deferred statement records its tree (nothing is emitted but the operands' loads);
    /// returns whether `s` was one.
    func deferFusedStatement(_ s: Stmt, _ ref: StmtRef) throws -> Bool {
        guard case .assign(let v, let e) = s, fusion.deferred.contains(v) else { return false }
        if case .copy(let x) = e {
            guard let tree = fusion.trees.removeValue(forKey: x) else { throw fail("fused copy of \(typed.ir.name(of: x)) has no tree") }
            fusion.trees[v] = tree
            return true
        }
        if case .getattr(let x, _) = e {
            guard let tree = fusion.trees.removeValue(forKey: x) else { throw fail("fused receiver \(typed.ir.name(of: x)) has no tree") }
            fusion.trees[v] = tree
            return true
        }
        guard let (op, args) = fusibleOperation(e, ref), case .array(let r)? = typed.exprTypes[ref] else {
            throw fail("deferred statement is not element-wise")
        }
        fusion.trees[v] = .node(op, try args.map { try fusedOperand($0) }, r)
        return true
    }

    private func fusedOperand(_ v: Var) throws -> FusedTree {
        if let t = fusion.trees.removeValue(forKey: v) { return t }
        return .leaf(try load(v), typed.type(of: v))
    }

    /// Lowers an element-wise operation or reduction reading a deferred tree as one fused
    /// loop; nil when `e` reads none.
    func lowerFusedExpr(_ e: Expr, _ t: JITType, _ ref: StmtRef) throws -> LLVMValueRef? {
        if fusion.trees.isEmpty { return nil }
        if let (op, args) = fusibleOperation(e, ref), args.contains(where: { fusion.trees[$0] != nil }),
           case .array(let r) = t {
            return try fusedElementwise(.node(op, try args.map { try fusedOperand($0) }, r), r)
        }
        if let (name, arg) = fusibleReduction(e, ref), let tree = fusion.trees.removeValue(forKey: arg) {
            if name == "argmin" || name == "argmax" { return try fusedArgReduction(isMax: name == "argmax", tree) }
            return try fusedReduction(name, tree, result: t)
        }
        return nil
    }

    /// A deferred value read by something other than its planned consumer: computed into an
    /// array after all (kept in its slot).
    func materializeDeferred(_ v: Var) throws {
        guard let tree = fusion.trees.removeValue(forKey: v) else { return }
        guard case .node(_, _, let r) = tree else { return }
        b.store(try fusedElementwise(tree, r), try slot(v))
    }

    // MARK: fused loops

    /// The leaves of `tree` broadcast to `ndim` dimensions, and whether they all are C-contiguous
    /// arrays of exactly the result's shape (then one flat loop over the data runs).
    private func fusedOperands(_ tree: FusedTree, ndim: Int)
        -> (shape: [LLVMValueRef], leaves: [(LLVMValueRef, ArrayType?)], scalarTypes: [JITType], flat: LLVMValueRef) {
        let leaves = tree.leaves
        let (outShape, inputs) = broadcast(leaves.map { $0.0 }, leaves.map { $0.1 }, ndim: ndim)
        var flat = b.bool(true)
        for (v, t) in leaves {
            guard case .array(let a) = t else { continue }
            guard a.ndim == ndim else { flat = b.bool(false); continue }
            if a.layout == .c {
                for (k, s) in shape(v, ndim).enumerated() { flat = b.and(flat, b.icmp(LLVMIntEQ, s, outShape[k])) }
                continue
            }
            let s = shape(v, ndim), st = strides(v, ndim)
            var expected = b.int(Int64(a.dtype.itemSize))
            for k in stride(from: ndim - 1, through: 0, by: -1) {
                flat = b.and(flat, b.and(b.icmp(LLVMIntEQ, s[k], outShape[k]), b.icmp(LLVMIntEQ, st[k], expected)))
                expected = LLVMBuildMul(b.builder, expected, s[k], "")!
            }
        }
        let scalarTypes = zip(leaves, inputs).map { l, inp in inp.1?.dtype.scalar ?? l.1 }
        return (outShape, inputs, scalarTypes, flat)
    }

    /// The value of `tree` at one element: leaf `k` of `leaves` is read at `idx` (or at flat
    /// position `flatIndex`). Intermediate results are converted through their dtype as a
    /// store and reload would; the root's value is returned with its scalar type.
    private func evaluate(_ tree: FusedTree, _ leaves: [(LLVMValueRef, ArrayType?)], _ scalarTypes: [JITType],
                          idx: [LLVMValueRef], flatIndex: LLVMValueRef?, root: Bool = true,
                          next: inout Int) throws -> (LLVMValueRef, JITType) {
        switch tree {
        case .leaf:
            let k = next
            next += 1
            let (v, a) = leaves[k]
            guard let a = a else { return (v, scalarTypes[k]) }
            let p = flatIndex.map { b.gep(elementType(a.dtype), data(v), [$0]) }
                ?? elementPointer(v, a, Array(idx.suffix(a.ndim)))
            return (loadElement(p, a.dtype), a.dtype.scalar)
        case .node(let op, let kids, let r):
            var values: [LLVMValueRef] = [], types: [JITType] = []
            for kid in kids {
                let (v, t) = try evaluate(kid, leaves, scalarTypes, idx: idx, flatIndex: flatIndex, root: false, next: &next)
                values.append(v); types.append(t)
            }
            let (v, vt) = try scalarOp(op, values, types, resultDType: r.dtype)
            if root { return (v, vt) }
            return (try throughElement(v, vt, r.dtype), r.dtype.scalar)
        }
    }

    /// `v` stored as an element of dtype `d` and loaded back (without memory).
    private func throughElement(_ v: LLVMValueRef, _ t: JITType, _ d: DType) throws -> LLVMValueRef {
        if t == d.scalar && (d == .int64 || d == .float64 || d == .bool) { return v }
        let raw = try toElement(v, t, d)
        switch d {
        case .bool: return b.icmp(LLVMIntNE, raw, LLVMConstInt(b.i8, 0, 0))
        case .int8, .int16, .int32: return LLVMBuildSExt(b.builder, raw, b.i64, "")
        case .uint8, .uint16, .uint32: return LLVMBuildZExt(b.builder, raw, b.i64, "")
        case .float32: return LLVMBuildFPExt(b.builder, raw, b.f64, "")
        default: return raw
        }
    }

    /// Runs `body(L, leaves, idx, flatIndex)` for every element of a fused tree's iteration space
    /// of chunk `[start, end)`: a flat range of elements when `flat`, else of the first axis.
    private func fusedLoop(_ L: FunctionLowering, shape: [LLVMValueRef], flat: LLVMValueRef,
                           start: LLVMValueRef, end: LLVMValueRef,
                           _ body: (LLVMValueRef?, [LLVMValueRef]) throws -> Void) throws {
        let flatBlock = L.b.appendBlock(L.fn, "fused.flat"), nested = L.b.appendBlock(L.fn, "fused.nested"),
            done = L.b.appendBlock(L.fn, "fused.done")
        L.b.condBr(flat, flatBlock, nested)
        L.b.position(at: flatBlock)
        try L.loopRange(start, end) { k in try body(k, []) }
        L.b.br(done)
        L.b.position(at: nested)
        try L.loopRange(start, end) { i0 in
            try L.loopNest(Array(shape.dropFirst())) { inner in try body(nil, [i0] + inner) }
        }
        L.b.br(done)
        L.b.position(at: done)
    }

    /// The fused element-wise loop of `tree` into a new C array of type `r`.
    func fusedElementwise(_ tree: FusedTree, _ r: ArrayType) throws -> LLVMValueRef {
        let (outShape, leaves, scalarTypes, flat) = fusedOperands(tree, ndim: r.ndim)
        let out = newArray(r.dtype, outShape)
        let size = product(outShape)
        let n = b.select(flat, size, outShape[0])
        let what = "fused array expression (\(tree.operations) operations)"
        let body: (FunctionLowering, [LLVMValueRef], LLVMValueRef, LLVMValueRef) throws -> [LLVMValueRef] = { L, cap, start, end in
            let ls = zip(leaves, cap).map { ($1, $0.1) }
            let outL = cap[leaves.count]
            try self.fusedLoop(L, shape: L.shape(outL, r.ndim), flat: cap[leaves.count + 1], start: start, end: end) { k, idx in
                var next = 0
                let (v, vt) = try L.evaluate(tree, ls, scalarTypes, idx: idx, flatIndex: k, next: &next)
                let p = k.map { L.b.gep(L.elementType(r.dtype), L.data(outL), [$0]) } ?? L.elementPointer(outL, r, idx)
                try L.storeElement(p, r.dtype, v, vt)
            }
            return []
        }
        let captures = leaves.map { $0.0 } + [out, flat]
        if arrayParallelism {
            _ = try runChunked(what, n: n, work: size, captures: captures, partials: [], body: body, combine: { _, _ in [] })
        } else {
            _ = try body(self, captures, b.int(0), n)
        }
        return out
    }

    /// A reduction (`sum`, `prod`, `mean`, `min`, `max`, `any`, `all`) of `tree` in one loop, no array allocated.
    func fusedReduction(_ name: String, _ tree: FusedTree, result: JITType, what: String? = nil) throws -> LLVMValueRef {
        guard case .node(_, _, let r) = tree else { throw fail("fused reduction of a leaf") }
        let (outShape, leaves, scalarTypes, flat) = fusedOperands(tree, ndim: r.ndim)
        let size = product(outShape)
        let n = b.select(flat, size, outShape[0])
        let st = r.dtype.scalar
        let isMinMax = ["min", "max", "amin", "amax"].contains(name)
        let isTruth = name == "any" || name == "all"
        let isMax = name.hasSuffix("max")
        if isMinMax {
            raiseIf(b.icmp(LLVMIntEQ, size, b.int(0)), "ValueError",
                    "zero-size array to reduction operation \(isMax ? "maximum" : "minimum") which has no identity")
        }
        let acc: JITType = isTruth ? .boolean : isMinMax ? st : (r.dtype.isFloat || name == "mean" ? .float64 : .int64)
        let op: BinaryOperator = name == "prod" ? .mul : .add
        func identity(_ L: FunctionLowering) -> LLVMValueRef {
            if isTruth { return L.b.bool(name == "all") }
            if isMinMax {
                switch st {
                case .float64: return L.b.double(isMax ? -.infinity : .infinity)
                case .boolean: return L.b.bool(!isMax)
                default: return L.b.int(isMax ? Int64.min : Int64.max)
                }
            }
            if acc == .float64 { return L.b.double(name == "prod" ? 1 : 0) }
            return L.b.int(name == "prod" ? 1 : 0)
        }
        func fold(_ L: FunctionLowering, _ cur: LLVMValueRef, _ x: LLVMValueRef, _ xt: JITType) throws -> LLVMValueRef {
            if isTruth {
                let t = try L.truth(x, xt)
                return name == "any" ? L.b.or(cur, t) : L.b.and(cur, t)
            }
            guard isMinMax else { return try L.binary(op, cur, acc, x, xt, result: acc) }
            // NaN propagates, as in NumPy.
            var better = try L.compare(isMax ? .gt : .lt, x, st, cur, st)
            if st == .float64 {
                better = L.b.and(L.b.or(better, L.b.fcmp(LLVMRealUNO, x, x)), L.b.fcmp(LLVMRealORD, cur, cur))
            }
            return L.b.select(better, x, cur)
        }
        // A float sum over the flat range keeps `lanes` partial sums (as NumPy's pairwise sum keeps
        // 8): the additions are independent, so the tree's operations vectorize (results agree
        // with the sequential order to rounding, as NumPy's own do).
        let lanes = (st == .float64 && !isMinMax && !isTruth && name != "prod") ? 4 : 0
        let body: (FunctionLowering, [LLVMValueRef], LLVMValueRef, LLVMValueRef) throws -> [LLVMValueRef] = { L, cap, start, end in
            let ls = zip(leaves, cap).map { ($1, $0.1) }
            let total = L.variable(L.ty(acc), identity(L))
            func element(_ k: LLVMValueRef?, _ idx: [LLVMValueRef]) throws -> LLVMValueRef {
                var next = 0
                let (v, vt) = try L.evaluate(tree, ls, scalarTypes, idx: idx, flatIndex: k, next: &next)
                return try L.throughElement(v, vt, r.dtype)
            }
            let flatBlock = L.b.appendBlock(L.fn, "fused.flat"), nested = L.b.appendBlock(L.fn, "fused.nested"),
                done = L.b.appendBlock(L.fn, "fused.done")
            L.b.condBr(cap[leaves.count], flatBlock, nested)
            L.b.position(at: flatBlock)
            var tailStart = start
            if lanes > 0 {
                let bb = L.b.builder
                let vecType = LLVMVectorType(L.b.f64, UInt32(lanes))!
                let partial = L.variable(vecType, LLVMConstNull(vecType))
                let groups = LLVMBuildSDiv(bb, LLVMBuildSub(bb, end, start, "")!, L.b.int(Int64(lanes)), "")!
                try L.loopRange(L.b.int(0), groups) { g in
                    let k0 = LLVMBuildAdd(bb, start, LLVMBuildMul(bb, g, L.b.int(Int64(lanes)), "")!, "")!
                    var vec = LLVMGetUndef(vecType)!
                    for lane in 0..<lanes {
                        let x = try element(LLVMBuildAdd(bb, k0, L.b.int(Int64(lane)), "")!, [])
                        vec = LLVMBuildInsertElement(bb, vec, x, L.b.int(Int64(lane), L.b.i32), "")!
                    }
                    L.b.store(LLVMBuildFAdd(bb, L.b.load(vecType, partial), vec, "")!, partial)
                }
                let v = L.b.load(vecType, partial)
                func lane(_ i: Int) -> LLVMValueRef { LLVMBuildExtractElement(bb, v, L.b.int(Int64(i), L.b.i32), "")! }
                let sum = LLVMBuildFAdd(bb, LLVMBuildFAdd(bb, lane(0), lane(1), "")!, LLVMBuildFAdd(bb, lane(2), lane(3), "")!, "")!
                L.b.store(LLVMBuildFAdd(bb, L.b.load(L.ty(acc), total), sum, "")!, total)
                tailStart = LLVMBuildAdd(bb, start, LLVMBuildMul(bb, groups, L.b.int(Int64(lanes)), "")!, "")!
            }
            try L.loopRange(tailStart, end) { k in
                L.b.store(try fold(L, L.b.load(L.ty(acc), total), try element(k, []), st), total)
            }
            L.b.br(done)
            L.b.position(at: nested)
            try L.loopRange(start, end) { i0 in
                try L.loopNest(Array(L.shapeCaptured(cap, leaves.count, r.ndim).dropFirst())) { inner in
                    L.b.store(try fold(L, L.b.load(L.ty(acc), total), try element(nil, [i0] + inner), st), total)
                }
            }
            L.b.br(done)
            L.b.position(at: done)
            return [L.b.load(L.ty(acc), total)]
        }
        // The iteration shape travels as a tuple of i64 after the leaves and the flat flag.
        var shapeTuple = LLVMGetUndef(b.structType(Array(repeating: b.i64, count: r.ndim)))!
        for (k, s) in outShape.enumerated() { shapeTuple = b.insert(shapeTuple, s, k) }
        let captures = leaves.map { $0.0 } + [flat, shapeTuple]
        let total: LLVMValueRef
        if arrayParallelism {
            total = try runChunked(what ?? "fused \(name)() of an array expression (\(tree.operations) operations)", n: n, work: size,
                                   captures: captures, partials: [ty(acc)], body: body,
                                   combine: { cur, part in [try fold(self, cur[0], part[0], acc)] })[0]
        } else {
            total = try body(self, captures, b.int(0), n)[0]
        }
        if name == "mean" {
            return LLVMBuildFDiv(b.builder, total, LLVMBuildSIToFP(b.builder, size, b.f64, "")!, "")
        }
        return try cast(total, from: acc, to: result)
    }

    /// `argmin` / `argmax` of `tree` in one loop, no array allocated: the C-order position of the
    /// first smallest (largest) element of the tree's result, the first NaN if there is one (as
    /// NumPy). Each chunk starts from the worst value at its first position, so a chunk of equal
    /// values reports its first one; chunks are folded in order, earlier ones winning ties.
    func fusedArgReduction(isMax: Bool, _ tree: FusedTree, what: String? = nil) throws -> LLVMValueRef {
        guard case .node(_, _, let r) = tree else { throw fail("fused reduction of a leaf") }
        let (outShape, leaves, scalarTypes, flat) = fusedOperands(tree, ndim: r.ndim)
        let size = product(outShape)
        let n = b.select(flat, size, outShape[0])
        let st = r.dtype.scalar
        let name = isMax ? "argmax" : "argmin"
        raiseIf(b.icmp(LLVMIntEQ, size, b.int(0)), "ValueError", "attempt to get \(name) of an empty sequence")
        func worst(_ L: FunctionLowering) -> LLVMValueRef {
            switch st {
            case .float64: return L.b.double(isMax ? -.infinity : .infinity)
            case .boolean: return L.b.bool(!isMax)
            default: return L.b.int(isMax ? Int64.min : Int64.max)
            }
        }
        func better(_ L: FunctionLowering, _ x: LLVMValueRef, _ cur: LLVMValueRef) throws -> LLVMValueRef {
            let strict = try L.compare(isMax ? .gt : .lt, x, st, cur, st)
            guard st == .float64 else { return strict }
            return L.b.and(L.b.or(strict, L.b.fcmp(LLVMRealUNO, x, x)), L.b.fcmp(LLVMRealORD, cur, cur))
        }
        let body: (FunctionLowering, [LLVMValueRef], LLVMValueRef, LLVMValueRef) throws -> [LLVMValueRef] = { L, cap, start, end in
            let bb = L.b.builder
            let ls = zip(leaves, cap).map { ($1, $0.1) }
            let shape = L.shapeCaptured(cap, leaves.count, r.ndim)
            let rowSize = L.product(Array(shape.dropFirst()))
            let best = L.variable(L.ty(st), worst(L))
            let bestIndex = L.variable(L.b.i64, L.b.select(cap[leaves.count], start, LLVMBuildMul(bb, start, rowSize, "")!))
            try self.fusedLoop(L, shape: shape, flat: cap[leaves.count], start: start, end: end) { k, idx in
                var position = k ?? idx[0]
                if k == nil {
                    for d in 1..<r.ndim { position = LLVMBuildAdd(bb, LLVMBuildMul(bb, position, shape[d], "")!, idx[d], "")! }
                }
                var next = 0
                let (v, vt) = try L.evaluate(tree, ls, scalarTypes, idx: idx, flatIndex: k, next: &next)
                let x = try L.throughElement(v, vt, r.dtype)
                let cur = L.b.load(L.ty(st), best)
                let c = try better(L, x, cur)
                L.b.store(L.b.select(c, x, cur), best)
                L.b.store(L.b.select(c, position, L.b.load(L.b.i64, bestIndex)), bestIndex)
            }
            return [L.b.load(L.ty(st), best), L.b.load(L.b.i64, bestIndex)]
        }
        var shapeTuple = LLVMGetUndef(b.structType(Array(repeating: b.i64, count: r.ndim)))!
        for (k, s) in outShape.enumerated() { shapeTuple = b.insert(shapeTuple, s, k) }
        let captures = leaves.map { $0.0 } + [flat, shapeTuple]
        if arrayParallelism {
            return try runChunked(what ?? "fused \(name)() of an array expression (\(tree.operations) operations)", n: n, work: size,
                                  captures: captures, partials: [ty(st), b.i64], body: body,
                                  combine: { cur, part in
                                      let c = try better(self, part[0], cur[0])
                                      return [self.b.select(c, part[0], cur[0]), self.b.select(c, part[1], cur[1])]
                                  })[1]
        }
        return try body(self, captures, b.int(0), n)[1]
    }

    /// `argmin`/`argmax`/`any`/`all` of a plain array under parallel=True: the fused reduction
    /// loops over a one-leaf tree, on the pool; nil when they do not apply (complex or uint64
    /// elements, 0-d arrays, serial lowering), and the caller runs its serial loop.
    func parallelArrayReduction(_ name: String, _ arr: LLVMValueRef, _ a: ArrayType) throws -> LLVMValueRef? {
        guard arrayParallelism, a.ndim > 0, fusibleDType(a.dtype) else { return nil }
        let tree = FusedTree.node(.cast, [.leaf(arr, .array(a))], a)
        switch name {
        case "argmin", "argmax": return try fusedArgReduction(isMax: name == "argmax", tree, what: "a.\(name)()")
        case "any", "all": return try fusedReduction(name, tree, result: .boolean, what: "a.\(name)()")
        default: return nil
        }
    }

    /// The iteration shape captured after the leaves and the flat flag (`fusedReduction`).
    fileprivate func shapeCaptured(_ cap: [LLVMValueRef], _ leafCount: Int, _ ndim: Int) -> [LLVMValueRef] {
        (0..<ndim).map { b.extract(cap[leafCount + 1], $0) }
    }
}
