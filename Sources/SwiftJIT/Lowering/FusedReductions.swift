import CLLVM

/// Lists of numbers that lowering makes cheaper or never makes (issue 11), planned once per
/// function from the typed IR (`planFusedReductions`) and applied by `lowerFusedReductionStatement`,
/// the first hook of `lowerStatement`:
///
/// 1. `sum`/`min`/`max` of a generator expression: no list (below).
/// 2. `np.array(xs)`/`np.asarray(xs)` of a list made here and never used again: the array takes the
///    list's buffer (`adoptingCall`, `swiftjit_array_adopt_list`).
/// 3. A comprehension over a range with one append per iteration: the list is made with its final
///    capacity and filled through a cursor in locals (`reserves`, `swiftjit_nl_make_reserved`).
///
/// `sum`, `min` and `max` of a generator expression of bool/int/float values are computed
/// where each value is yielded.
///
/// The frontend inlines such a generator as a loop that appends every value to a list
/// (`<genexpr>`, `Frontend/TranslatorGenerators.swift`) and passes that list to the call.
/// When the list holds bool/int64/float64 values and is used only that way, lowering never
/// makes it: its `buildList` sets up an accumulator, each `listAppend` is one step of the
/// reduction and the call reads the result, with the semantics of Python's builtins:
///
/// - `sum`: ints are added exactly in 128 bits, so the result is Python's whenever it fits
///   in int64; a total beyond int64 raises the OverflowError that reading Python's big result
///   back as int64 raises (as `sum` of a list does). Floats are added left to right from the
///   start, through Neumaier's compensated summation on 3.12+ (CPython's float path), so the
///   result is bit-identical to Python's. `sum(gen, start)` is fused when the order of the
///   additions cannot depend on the start's value: int items with an int start (added at the
///   end), or a constant start (float, or the int 0 for float items); other starts keep the list.
/// - `min`/`max`: the first value, replaced by each later one that compares smaller (larger),
///   as Python keeps it (so `min(nan, 1.0)` is nan and `min(1.0, nan)` is 1.0); no value raises
///   Python's ValueError for the running version.
struct FusedReduction {
    enum Operation: String { case sum, min, max }
    let operation: Operation
    /// 0 bool, 1 int64, 2 float64: the list's element kind.
    let kind: Int64
    /// sum's start argument, when given.
    let start: Var?
    /// The start's constant value, when it is one.
    let startConstant: Constant?

    /// Whether the accumulator is a float (float items, or a float start).
    var floatAccumulator: Bool {
        if kind == 2 { return true }
        if case .float? = startConstant { return true }
        return false
    }
}

/// The fused reductions of one function: which statements they replace, and their state.
final class FusedReductionPlan {
    /// The generator's list variable -> its reduction.
    var byList: [Var: FusedReduction] = [:]
    /// The variables the generator's return copies the list to -> the list variable.
    var copies: [Var: Var] = [:]
    /// The consuming call -> the list variable.
    var calls: [StmtRef: Var] = [:]
    /// Accumulator, compensation and "has a value" slots, by list variable.
    var state: [Var: (acc: LLVMValueRef, comp: LLVMValueRef, has: LLVMValueRef)] = [:]
    /// `np.array(xs)` / `np.asarray(xs)` calls whose list is made in this function and never used
    /// again: the array takes the list's buffer instead of a copy (the list variable passed).
    var adoptions: [StmtRef: Var] = [:]
    /// Lists filled by a comprehension over a range, one append per iteration: the list variable ->
    /// the range iterator, whose remaining count is the list's capacity from the start.
    var reserves: [Var: Var] = [:]
    /// The buffer and length of each reserved list, kept in locals while the comprehension fills it.
    var cursors: [Var: (data: LLVMValueRef, length: LLVMValueRef)] = [:]
}

extension FunctionLowering {
    /// Finds the generator expressions consumed by `sum`/`min`/`max` that can be fused.
    func planFusedReductions() -> FusedReductionPlan {
        let plan = FusedReductionPlan()
        let ir = typed.ir
        var assignments: [Var: [(StmtRef, Expr)]] = [:]
        var uses: [Var: [StmtRef]] = [:]
        var usedByTerminators = Set<Var>()
        for (bi, block) in ir.blocks.enumerated() {
            for (si, s) in block.statements.enumerated() {
                let ref = StmtRef(block: bi, index: si)
                if case .assign(let v, let e) = s.node { assignments[v, default: []].append((ref, e)) }
                for v in s.node.operands { uses[v, default: []].append(ref) }
            }
            switch block.terminator.node {
            case .branch(let v, _, _), .ret(let v): usedByTerminators.insert(v)
            case .forIter(let it, let v, _, _): usedByTerminators.formUnion([it, v])
            case .raise(let v?): usedByTerminators.insert(v)
            default: break
            }
        }
        func statement(_ ref: StmtRef) -> Stmt { ir.blocks[ref.block].statements[ref.index].node }
        for (v, defs) in assignments where ir.name(of: v) == "<genexpr>" && defs.count == 1 {
            guard case .buildList(let items) = defs[0].1, items.isEmpty, !usedByTerminators.contains(v),
                  let kind = typed.type(of: v).asValue.nativeListKind, kind <= 2 else { continue }
            var copies: [Var] = []
            var fusable = true
            for ref in uses[v] ?? [] {
                switch statement(ref) {
                case .listAppend(let list, let value) where list == v && value != v: break
                case .assign(let r, .copy(v)): copies.append(r)
                default: fusable = false
                }
            }
            guard fusable, !copies.isEmpty else { continue }
            var calls: [(StmtRef, FusedReduction)] = []
            for r in copies {
                guard assignments[r]?.count == 1, !usedByTerminators.contains(r), let refs = uses[r], refs.count == 1,
                      case .assign(_, .call(_, let args, let keywords)) = statement(refs[0]), keywords.isEmpty,
                      args.first == r, !args.dropFirst().contains(r),
                      case .container(.builtin(let name, false))? = typed.calls[refs[0]]?.impl,
                      let op = FusedReduction.Operation(rawValue: name),
                      let reduction = fusedReduction(op, kind: kind, args: args) else { fusable = false; break }
                calls.append((refs[0], reduction))
            }
            guard fusable, let first = calls.first, calls.count == 1 else { continue }
            plan.byList[v] = first.1
            for r in copies { plan.copies[r] = v }
            plan.calls[first.0] = v
        }
        var predecessors: [Int: Set<Int>] = [:]
        for (bi, block) in ir.blocks.enumerated() {
            for l in block.successors { predecessors[l.id, default: []].insert(bi) }
        }
        for (a, defs) in assignments where defs.count == 1 {
            guard case .buildList(let items) = defs[0].1, items.isEmpty,
                  typed.type(of: a).asValue.nativeListKind != nil, plan.byList[a] == nil else { continue }
            // One append, first thing in the body of a loop over a range iterator that exists (and
            // has not moved) where the list is made: the list will hold exactly that many values.
            let appends = (uses[a] ?? []).filter { if case .listAppend(a, _) = statement($0) { return true }; return false }
            // The append's block is entered only from the loop's step, so it runs once per value.
            guard appends.count == 1, let append = appends.first, predecessors[append.block]?.count == 1 else { continue }
            let made = defs[0].0
            for block in ir.blocks {
                guard case .forIter(var it, _, let body, _) = block.terminator.node, body.id == append.block,
                      typed.type(of: it) == .rangeIter else { continue }
                // The iterator's state as made by getiter, through the copies that pass it to the loop.
                var itDefs = assignments[it] ?? []
                while itDefs.count == 1, case .copy(let source) = itDefs[0].1, typed.type(of: source) == .rangeIter {
                    it = source
                    itDefs = assignments[it] ?? []
                }
                guard itDefs.count == 1, case .getiter = itDefs[0].1 else { continue }
                let d = itDefs[0].0
                let before = (d.block == made.block && d.index < made.index)
                    || (predecessors[made.block] == [d.block] && ir.blocks[d.block].successors.map(\.id) == [made.block])
                if before { plan.reserves[a] = it }
            }
        }
        for (a, defs) in assignments where defs.count == 1 {
            guard case .buildList(let items) = defs[0].1, items.isEmpty, !usedByTerminators.contains(a),
                  let kind = typed.type(of: a).asValue.nativeListKind, plan.byList[a] == nil else { continue }
            if let (ref, arg) = adoptingCall(of: a, kind: kind, assignments: assignments, uses: uses,
                                             usedByTerminators: usedByTerminators, statement: statement) {
                plan.adoptions[ref] = arg
            }
        }
        return plan
    }

    /// The np.array/np.asarray call that is the only use (past the appends that fill it and copies
    /// to variables assigned once) of the list made by `a`, when its 1-D result has the list's own
    /// dtype; nil otherwise.
    private func adoptingCall(of a: Var, kind: Int64, assignments: [Var: [(StmtRef, Expr)]], uses: [Var: [StmtRef]],
                              usedByTerminators: Set<Var>, statement: (StmtRef) -> Stmt) -> (StmtRef, Var)? {
        let dtypes: [DType] = [.bool, .int64, .float64, .complex128]
        var chain: Set<Var> = [a], work = [a]
        var consumer: (StmtRef, Var)? = nil
        while let x = work.popLast() {
            for ref in uses[x] ?? [] {
                switch statement(ref) {
                case .listAppend(let list, let value) where list == a && x == a && value != a:
                    continue
                case .assign(let c, .copy(x)) where assignments[c]?.count == 1 && !chain.contains(c)
                        && !usedByTerminators.contains(c) && typed.type(of: c) == typed.type(of: a):
                    chain.insert(c)
                    work.append(c)
                case .assign(_, .call(_, let args, _)) where consumer == nil && args.first == x
                        && args.filter({ $0 == x }).count == 1:
                    guard case .numpy(let name)? = typed.calls[ref]?.impl, name == "array" || name == "asarray",
                          case .array(let r)? = typed.exprTypes[ref], r.ndim == 1,
                          kind < 4, r.dtype == dtypes[Int(kind)] else { return nil }
                    consumer = (ref, x)
                default:
                    return nil
                }
            }
        }
        guard let found = consumer else { return nil }
        // The call must not pass the list twice (say as its dtype) through another copy.
        if case .assign(_, .call(_, let args, _)) = statement(found.0), args.dropFirst().contains(where: chain.contains) {
            return nil
        }
        return found
    }

    /// The reduction `op(list, start?)` of a list of `kind`, or nil when it keeps the list.
    private func fusedReduction(_ op: FusedReduction.Operation, kind: Int64, args: [Var]) -> FusedReduction? {
        if args.count == 1 { return FusedReduction(operation: op, kind: kind, start: nil, startConstant: nil) }
        guard op == .sum, args.count == 2 else { return nil }
        let start = args[1], constant = constants[start]
        switch (typed.type(of: start), kind) {
        case (.int64, 0), (.int64, 1), (.boolean, 0), (.boolean, 1):
            return FusedReduction(operation: op, kind: kind, start: start, startConstant: nil)
        case (.int64, 2):
            // From the int 0, float items add up as without a start.
            guard case .int(0)? = constant else { return nil }
            return FusedReduction(operation: op, kind: kind, start: nil, startConstant: nil)
        case (.float64, _):
            // A float start: the float path from its value (Python adds int items to it plainly).
            guard case .float? = constant else { return nil }
            return FusedReduction(operation: op, kind: kind, start: start, startConstant: constant)
        default:
            return nil
        }
    }

    /// Lowers `s` when it belongs to a fused reduction; false for every other statement.
    func lowerFusedReductionStatement(_ s: Stmt, _ ref: StmtRef) throws -> Bool {
        let plan = fusedReductions
        guard !plan.byList.isEmpty || !plan.adoptions.isEmpty || !plan.reserves.isEmpty else { return false }
        switch s {
        case .assign(let v, .buildList) where plan.reserves[v] != nil:
            guard let it = plan.reserves[v], let kind = typed.type(of: v).nativeListKind else { return false }
            let remaining = b.extract(b.load(ty(.rangeIter), try slot(it)), 1)
            let list = rt("swiftjit_nl_make_reserved", b.ptr, [b.i64, b.i64], [b.int(kind), remaining])
            failIfNull(list)
            let cursor = reservedCursor(v)
            b.store(nlData(list), cursor.data)
            b.store(b.int(0), cursor.length)
            let old = b.load(b.ptr, try slot(v))
            b.store(list, try slot(v))
            release(old, typed.type(of: v))
            if let flag = definedFlags[v] {
                b.store(b.bool(true), flag)
                definedHere.insert(v)
            }
            return true
        case .assign(let v, .buildList) where plan.byList[v] != nil:
            guard let r = plan.byList[v] else { return false }
            startReduction(v, r)
            return true
        case .listAppend(let list, let value) where plan.reserves[list] != nil:
            // Room was reserved for every value: store and count, the buffer and length in locals
            // (so the loop does not reload them from the list), the list's length kept current.
            guard let kind = typed.type(of: list).asValue.nativeListKind else { return false }
            let cursor = reservedCursor(list)
            let x = try cast(try load(value), from: typed.type(of: value), to: nlElement(typed.type(of: list).asValue))
            let n = b.load(b.i64, cursor.length)
            b.store(kind == 0 ? LLVMBuildZExt(b.builder, x, b.i8, "")! : x,
                    b.gep(nlElementType(kind), b.load(b.ptr, cursor.data), [n]))
            let next = LLVMBuildNSWAdd(b.builder, n, b.int(1), "")!
            b.store(next, cursor.length)
            b.store(next, b.gep(b.i8, try load(list), [b.int(NativeListLayout.length)]))
            return true
        case .listAppend(let list, let value) where plan.byList[list] != nil:
            guard let r = plan.byList[list] else { return false }
            try stepReduction(list, r, value)
            return true
        case .assign(let v, .copy) where plan.copies[v] != nil:
            return true  // the list is never made: nothing to copy
        case .assign(let v, .call) where plan.adoptions[ref] != nil:
            guard let list = plan.adoptions[ref], case .array(let r)? = typed.exprTypes[ref] else { return false }
            let arr = rt("swiftjit_array_adopt_list", b.ptr, [b.ptr, b.ptr], [context, try load(list)])
            failIfNull(arr)
            b.store(try cast(unboxArray(arr, r.ndim), from: .array(r), to: typed.type(of: v)), try slot(v))
            if let flag = definedFlags[v] {
                b.store(b.bool(true), flag)
                definedHere.insert(v)
            }
            return true
        case .assign(let v, .call) where plan.calls[ref] != nil:
            guard let list = plan.calls[ref], let r = plan.byList[list], let et = typed.exprTypes[ref] else { return false }
            let value = try finishReduction(list, r, et)
            try storeFusedResult(v, value, et)
            return true
        default:
            return false
        }
    }

    /// The locals holding a reserved list's buffer and length while it is filled.
    private func reservedCursor(_ list: Var) -> (data: LLVMValueRef, length: LLVMValueRef) {
        if let c = fusedReductions.cursors[list] { return c }
        let c = (data: entryAlloca(b.ptr, "res.data"), length: entryAlloca(b.i64, "res.n"))
        fusedReductions.cursors[list] = c
        return c
    }

    private func reductionState(_ list: Var, _ r: FusedReduction) -> (acc: LLVMValueRef, comp: LLVMValueRef, has: LLVMValueRef) {
        if let s = fusedReductions.state[list] { return s }
        let accType: LLVMTypeRef
        switch r.operation {
        case .sum: accType = r.floatAccumulator ? b.f64 : LLVMInt128TypeInContext(b.context)
        case .min, .max: accType = r.kind == 2 ? b.f64 : b.i64
        }
        let s = (acc: entryAlloca(accType, "gen.\(r.operation).acc"), comp: entryAlloca(b.f64, "gen.sum.c"),
                 has: entryAlloca(b.i1, "gen.\(r.operation).has"))
        fusedReductions.state[list] = s
        return s
    }

    /// Where the generator starts: the empty accumulator.
    private func startReduction(_ list: Var, _ r: FusedReduction) {
        let s = reductionState(list, r)
        b.store(b.double(0), s.comp)
        b.store(b.bool(false), s.has)
        switch r.operation {
        case .sum:
            if case .float(let d)? = r.startConstant {
                b.store(b.double(d), s.acc)
            } else {
                b.store(r.floatAccumulator ? b.double(0) : LLVMConstInt(LLVMInt128TypeInContext(b.context), 0, 0), s.acc)
            }
        case .min, .max:
            b.store(r.kind == 2 ? b.double(0) : b.int(0), s.acc)
        }
    }

    /// One yielded value.
    private func stepReduction(_ list: Var, _ r: FusedReduction, _ value: Var) throws {
        let s = reductionState(list, r)
        let bb = b.builder
        let element = nlElement(typed.type(of: list).asValue)
        let x = try cast(try load(value), from: typed.type(of: value), to: element)
        switch r.operation {
        case .sum where r.kind == 2:
            let a = b.load(b.f64, s.acc)
            if PythonVersion.running.compensatedFloatSum {
                let t = LLVMBuildFAdd(bb, a, x, "")!
                let fabs = { (v: LLVMValueRef) in self.b.intrinsic("llvm.fabs", [self.b.f64], [v]) }
                let accBigger = b.fcmp(LLVMRealOGE, fabs(a), fabs(x))
                let ifBigger = LLVMBuildFAdd(bb, LLVMBuildFSub(bb, a, t, "")!, x, "")!
                let ifSmaller = LLVMBuildFAdd(bb, LLVMBuildFSub(bb, x, t, "")!, a, "")!
                b.store(LLVMBuildFAdd(bb, b.load(b.f64, s.comp), b.select(accBigger, ifBigger, ifSmaller), "")!, s.comp)
                b.store(t, s.acc)
            } else {
                b.store(LLVMBuildFAdd(bb, a, x, "")!, s.acc)
            }
        case .sum where r.floatAccumulator:
            // Int items added to a float total: plainly, as CPython's float path does.
            let d = try cast(x, from: element, to: .float64)
            b.store(LLVMBuildFAdd(bb, b.load(b.f64, s.acc), d, "")!, s.acc)
        case .sum:
            let i128 = LLVMInt128TypeInContext(b.context)!
            let wide = LLVMBuildSExt(bb, try cast(x, from: element, to: .int64), i128, "")!
            b.store(LLVMBuildAdd(bb, b.load(i128, s.acc), wide, "")!, s.acc)
        case .min, .max:
            let isFloat = r.kind == 2
            let v = isFloat ? x : try cast(x, from: element, to: .int64)
            let a = b.load(isFloat ? b.f64 : b.i64, s.acc)
            let better = isFloat ? b.fcmp(r.operation == .min ? LLVMRealOLT : LLVMRealOGT, v, a)
                                 : b.icmp(r.operation == .min ? LLVMIntSLT : LLVMIntSGT, v, a)
            let take = b.or(b.not(b.load(b.i1, s.has)), better)
            b.store(b.select(take, v, a), s.acc)
            b.store(b.bool(true), s.has)
        }
    }

    /// The call's result (of type `t`) once the generator has ended.
    private func finishReduction(_ list: Var, _ r: FusedReduction, _ t: JITType) throws -> LLVMValueRef {
        let s = reductionState(list, r)
        let bb = b.builder
        switch r.operation {
        case .sum where r.floatAccumulator:
            var total = b.load(b.f64, s.acc)
            if r.kind == 2, PythonVersion.running.compensatedFloatSum {
                // The compensation is added when it is finite and not zero (CPython's rule).
                let c = b.load(b.f64, s.comp)
                let use = b.and(b.fcmp(LLVMRealONE, c, b.double(0)),
                                b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [c]), b.double(.infinity)))
                total = b.select(use, LLVMBuildFAdd(bb, total, c, "")!, total)
            }
            return try cast(total, from: .float64, to: t)
        case .sum:
            let i128 = LLVMInt128TypeInContext(b.context)!
            var total = b.load(i128, s.acc)
            if let start = r.start {
                let st = try cast(try load(start), from: typed.type(of: start), to: .int64)
                total = LLVMBuildAdd(bb, total, LLVMBuildSExt(bb, st, i128, "")!, "")!
            }
            let narrow = LLVMBuildTrunc(bb, total, b.i64, "")!
            // Python's total is a big int here: reading it back as int64 fails as it does for sum(list).
            raiseIf(b.icmp(LLVMIntNE, LLVMBuildSExt(bb, narrow, i128, "")!, total), "OverflowError",
                    "int too big to convert")
            return try cast(narrow, from: .int64, to: t)
        case .min, .max:
            raiseIf(b.not(b.load(b.i1, s.has)), "ValueError",
                    PythonVersion.running.emptyMinMaxMessage(r.operation.rawValue))
            if r.kind == 2 { return try cast(b.load(b.f64, s.acc), from: .float64, to: t) }
            let v = b.load(b.i64, s.acc)
            if r.kind == 0 { return try cast(b.icmp(LLVMIntNE, v, b.int(0)), from: .boolean, to: t) }
            return try cast(v, from: .int64, to: t)
        }
    }

    /// Stores the call's result in its variable as an assignment does (numbers only: nothing to release).
    private func storeFusedResult(_ v: Var, _ value: LLVMValueRef, _ et: JITType) throws {
        let vt = typed.type(of: v)
        b.store(try cast(value, from: et, to: vt), try slot(v))
        if let flag = definedFlags[v] {
            b.store(b.bool(true), flag)
            definedHere.insert(v)
        }
    }
}
