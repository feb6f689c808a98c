/// parallel=True: finds the `for ... in prange(...)` loops of a typed function
/// that can run in parallel, and outlines the body of each into a function of
/// its own over a chunk of the iteration space.
///
/// A loop is parallelized when it is the outermost prange loop of its nest, has
/// no `break` or `return`, and every variable assigned in its body is either a
/// reduction (`s += e`, `s -= e`, `s *= e`, `s = min(s, e)`, `s = max(s, e)` on
/// int or float, `s` not otherwise read in the body) or private: assigned
/// before it is read in every iteration and not read after the loop.
///
/// The outlined function takes the variables the body reads (by value) then
/// `kstart, kend, base, step`, runs iterations `k` in `[kstart, kend)` with the
/// loop variable `base + k * step`, and returns the tuple of its partial
/// reductions (sums and products start from their identity, min and max from
/// the value before the loop). `FunctionLowering.lowerParallelLoop` replaces
/// the loop by a call to `swiftjit_parallel_for` and combines the partial
/// results in chunk order.

public enum ReductionKind: String, Sendable {
    case sum = "+", product = "*", min = "min", max = "max"
}

/// One loop to run in parallel.
public struct ParallelLoop: Sendable {
    /// The block whose `for_iter` starts the loop.
    public var header: Int
    public var iterator: Var
    public var exit: Label
    /// Variables read by the body, passed by value (the outlined function's arguments, in order).
    public var liveIns: [Var]
    public var reductions: [(Var, ReductionKind)]
    /// The outlined body: arguments `liveIns..., kstart, kend, base, step`; returns the reductions' tuple.
    public var body: TypedFunction
    public var line: Int
    /// Index of this loop's line in `ParallelPlan.diagnostics`.
    public var diagnostic = 0
}

public struct ParallelPlan: Sendable {
    public var loops: [Int: ParallelLoop] = [:]
    public var diagnostics: [String] = []
    public var text: String { diagnostics.joined(separator: "\n") }

    /// Notes that a planned loop runs serially after all (its body failed to lower).
    public mutating func demote(header: Int, reason: String) {
        guard let p = loops.removeValue(forKey: header) else { return }
        diagnostics[p.diagnostic] = "prange loop at line \(p.line): not parallelized: \(reason)"
    }
}

public enum ParallelPlanner {
    /// `prangeNames`: global names bound to swiftjit.prange; `parallel`: the dispatcher's option.
    public static func plan(_ typed: TypedFunction, prangeNames: Set<String>, parallel: Bool) -> ParallelPlan {
        var plan = ParallelPlan()
        let ir = typed.ir
        let g = Graph(ir)
        // Every prange loop: header block -> (region, line).
        var loops: [(header: Int, region: Set<Int>, line: Int)] = []
        for (bi, block) in ir.blocks.enumerated() {
            guard case .forIter(let it, _, let body, _) = block.terminator.node else { continue }
            let region = g.reachable(from: body.id, avoiding: bi)
            guard g.isPrangeIterator(it, prangeNames, outside: region) else { continue }
            loops.append((bi, region, block.terminator.position.line))
        }
        if loops.isEmpty {
            plan.diagnostics.append(parallel ? "no prange loops: nothing to parallelize"
                                             : "parallel=False: no prange loops")
            return plan
        }
        if !parallel {
            for l in loops { plan.diagnostics.append("prange loop at line \(l.line): runs serially (parallel=False)") }
            return plan
        }
        for (i, l) in loops.enumerated() {
            if let outer = loops.enumerated().first(where: { $0.offset != i && $0.element.region.contains(l.header) }) {
                plan.diagnostics.append("prange loop at line \(l.line): runs serially, nested in the parallel loop at line \(outer.element.line)")
                continue
            }
            switch analyze(typed, g, header: l.header, region: l.region, index: plan.loops.count) {
            case .success(let p):
                var text = "prange loop at line \(l.line): parallelized"
                if !p.reductions.isEmpty {
                    text += "; reductions: " + p.reductions.map { "\(ir.name(of: $0.0)) (\($0.1.rawValue))" }.joined(separator: ", ")
                }
                var p = p
                p.diagnostic = plan.diagnostics.count
                plan.diagnostics.append(text)
                plan.loops[l.header] = p
            case .failure(let why):
                plan.diagnostics.append("prange loop at line \(l.line): not parallelized: \(why.message)")
            }
        }
        return plan
    }

    struct Reason: Error { var message: String }

    static func analyze(_ typed: TypedFunction, _ g: Graph, header: Int, region: Set<Int>, index: Int)
        -> Result<ParallelLoop, Reason> {
        let ir = typed.ir
        let headerBlock = ir.blocks[header]
        guard case .forIter(let iterator, let value, let bodyLabel, let exit) = headerBlock.terminator.node else {
            return .failure(Reason(message: "internal: not a loop"))
        }
        guard headerBlock.statements.isEmpty else { return .failure(Reason(message: "unsupported loop shape")) }
        guard typed.type(of: iterator) == .rangeIter else { return .failure(Reason(message: "not a range loop")) }
        let exitSide = g.reachable(from: exit.id, avoiding: header)
        if !exitSide.isDisjoint(with: region) {
            return .failure(Reason(message: "the loop has a 'break' (or an 'else' clause)"))
        }
        for bi in region {
            if case .ret = ir.blocks[bi].terminator.node {
                return .failure(Reason(message: "the loop body has a 'return'"))
            }
        }
        // Variables assigned and read in the loop.
        var assigned = Set<Var>([value]), used = Set<Var>()
        for bi in region {
            for s in ir.blocks[bi].statements {
                if case .assign(let v, _) = s.node { assigned.insert(v) }
                used.formUnion(Graph.uses(s.node))
            }
            used.formUnion(Graph.uses(ir.blocks[bi].terminator.node))
        }
        // Reductions.
        var reductions: [(Var, ReductionKind)] = []
        for v in assigned.sorted() where !ir.name(of: v).hasPrefix("$") {
            if let kind = reduction(v, typed, g, region: region) { reductions.append((v, kind)) }
        }
        let reductionVars = Set(reductions.map { $0.0 })
        // Private variables must not carry values between iterations, nor out of the loop.
        let exposed = g.upwardExposed(region: region, entry: bodyLabel.id, header: header, defined: [value])
        // Iterators (the loop's own, carried around the body as a stack value, and
        // inner loops', created in the body) are not values of the iteration.
        func isIterator(_ v: Var) -> Bool {
            switch typed.type(of: v) {
            case .rangeIter, .arrayIter, .iterator: return true
            default: return false
            }
        }
        for v in exposed.sorted() where assigned.contains(v) && !reductionVars.contains(v) && !isIterator(v) {
            let n = ir.name(of: v)
            return .failure(Reason(message: n.hasPrefix("$") ? "a value flows from one iteration to the next"
                : "variable '\(n)' is read before it is assigned in an iteration (a dependency between iterations)"))
        }
        let liveAtExit = g.liveIn[exit.id]
        for v in assigned.sorted() where liveAtExit.contains(v) && !reductionVars.contains(v) && !isIterator(v) {
            let n = ir.name(of: v)
            return .failure(Reason(message: n.hasPrefix("$") ? "a value computed in the loop is used after it"
                : "variable '\(n)' is assigned in the loop and used after it"))
        }
        for (v, _) in reductions where typed.type(of: v) != .int64 && typed.type(of: v) != .float64 {
            return .failure(Reason(message: "reduction variable '\(ir.name(of: v))' is \(typed.type(of: v)), not int or float"))
        }
        let liveIns = used.filter { v in
            typed.varTypes[v.id] != nil && (!assigned.contains(v) || reductions.contains { $0.0 == v && ($0.1 == .min || $0.1 == .max) })
        }.sorted()
        let body = outline(typed, g, header: header, region: region, liveIns: liveIns, reductions: reductions,
                           value: value, bodyLabel: bodyLabel, index: index)
        return .success(ParallelLoop(header: header, iterator: iterator, exit: exit, liveIns: liveIns,
                                     reductions: reductions, body: body, line: headerBlock.terminator.position.line))
    }

    /// The kind of reduction `v` is in the loop, or nil.
    static func reduction(_ v: Var, _ typed: TypedFunction, _ g: Graph, region: Set<Int>) -> ReductionKind? {
        let ir = typed.ir
        // Reads of v in the loop must be copies `$k = v` feeding the reduction operations.
        var copies = Set<Var>()
        var kinds = Set<ReductionKind>()
        var stmts: [(Var, Expr)] = []
        for bi in region {
            for s in ir.blocks[bi].statements {
                if case .assign(let t, let e) = s.node { stmts.append((t, e)) }
                else if Graph.uses(s.node).contains(v) { return nil }
            }
            if Graph.uses(ir.blocks[bi].terminator.node).contains(v) { return nil }
        }
        for (t, e) in stmts {
            if case .copy(let src) = e, src == v, t != v, ir.name(of: t).hasPrefix("$"), g.defs[t]?.count == 1 { copies.insert(t) }
        }
        func isV(_ x: Var) -> Bool { x == v || copies.contains(x) }
        var consumed = Set<Var>()
        var reductionTemps = Set<Var>()
        // Each operation combining v with a value that does not involve v.
        func kind(of e: Expr) -> ReductionKind? {
            switch e {
            case .binary(let op, let a, let b, _):
                if op == .add || op == .sub || op == .mul, isV(a), !isV(b) {
                    consumed.insert(a)
                    return op == .mul ? .product : .sum
                }
                if op == .add || op == .mul, isV(b), !isV(a) {
                    consumed.insert(b)
                    return op == .mul ? .product : .sum
                }
                return nil
            case .call(let f, let args, let keywords) where keywords.isEmpty && args.count == 2:
                guard let fd = g.singleDef(f), case .global(let name) = fd, case .builtin(let bn)? = typed.globals[name],
                      bn == "min" || bn == "max" else { return nil }
                guard isV(args[0]) != isV(args[1]) else { return nil }
                consumed.insert(isV(args[0]) ? args[0] : args[1])
                return bn == "min" ? .min : .max
            default:
                return nil
            }
        }
        var writes = 0
        for (t, e) in stmts where t == v {
            writes += 1
            var expr = e
            if case .copy(let r) = e, let d = g.singleDef(r), ir.name(of: r).hasPrefix("$") {
                expr = d
                reductionTemps.insert(r)
            }
            guard let k = kind(of: expr) else { return nil }
            kinds.insert(k)
        }
        guard writes > 0, kinds.count == 1, let k = kinds.first else { return nil }
        // Every read of v (directly or through a copy) is an operand of a reduction.
        for (t, e) in stmts {
            let operands = Graph.uses(.assign(t, e))
            if copies.contains(t) { continue }  // `$k = v`
            let readsV = operands.contains { isV($0) }
            if !readsV { continue }
            if t == v || reductionTemps.contains(t) { continue }
            return nil
        }
        // Copies must not be read elsewhere.
        for c in copies where !consumed.contains(c) { return nil }
        return k
    }

    /// Builds the outlined body function.
    static func outline(_ typed: TypedFunction, _ g: Graph, header: Int, region: Set<Int>, liveIns: [Var],
                        reductions: [(Var, ReductionKind)], value: Var, bodyLabel: Label, index: Int) -> TypedFunction {
        let parent = typed.ir
        let pos = parent.blocks[header].terminator.position
        var ir = IRFunction(name: parent.name + ".par\(index)", qualname: parent.qualname + ".<parallel loop \(index)>",
                            filename: parent.filename, firstLine: parent.firstLine,
                            argNames: liveIns.map { parent.name(of: $0) } + ["$kstart", "$kend", "$base", "$step"],
                            varNames: parent.varNames, blocks: [], freevars: parent.freevars)
        var varTypes = typed.varTypes
        var exprTypes: [StmtRef: JITType] = [:]
        var calls: [StmtRef: CallResolution] = [:]
        func newVar(_ name: String, _ t: JITType) -> Var {
            let v = ir.newVar(name)
            varTypes.append(t)
            return v
        }
        let k = newVar("$par.k", .int64), kend = newVar("$par.kend", .int64)
        let base = newVar("$par.base", .int64), step = newVar("$par.step", .int64)
        let one = newVar("$par.one", .int64), cond = newVar("$par.cond", .boolean), scaled = newVar("$par.t", .int64)
        let resultType = JITType.tuple(reductions.map { typed.type(of: $0.0) })
        let result = newVar("$par.result", resultType)
        let ordered = region.sorted()
        let bodyStart = 3
        var labelMap: [Int: Label] = [header: Label(1)]
        for (i, bi) in ordered.enumerated() { labelMap[bi] = Label(bodyStart + i) }
        let exitLabel = Label(bodyStart + ordered.count)

        var blocks: [Block] = []
        var entry = Block(label: Label(0), offset: -1)
        func add(_ block: inout Block, _ s: Stmt, _ t: JITType) {
            exprTypes[StmtRef(block: block.label.id, index: block.statements.count)] = t
            block.statements.append(Located(s, pos))
        }
        let constants = g.singleConstants
        for (i, v) in liveIns.enumerated() {
            if let c = constants[v], reductions.allSatisfy({ $0.0 != v }), let t = typed.exprTypes[g.defRefs[v]!.first!] {
                add(&entry, .assign(v, .const(c)), t)
            } else {
                add(&entry, .assign(v, .arg(i)), typed.type(of: v))
            }
        }
        for (v, kind) in reductions where kind == .sum || kind == .product {
            let isFloat = typed.type(of: v) == .float64
            let c: Constant = isFloat ? .float(kind == .sum ? 0 : 1) : .int(kind == .sum ? 0 : 1)
            add(&entry, .assign(v, .const(c)), isFloat ? .float64 : .int64)
        }
        let n = liveIns.count
        add(&entry, .assign(k, .arg(n)), .int64)
        add(&entry, .assign(kend, .arg(n + 1)), .int64)
        add(&entry, .assign(base, .arg(n + 2)), .int64)
        add(&entry, .assign(step, .arg(n + 3)), .int64)
        add(&entry, .assign(one, .const(.int(1))), .int64)
        entry.terminator = Located(.jump(Label(1)), pos)
        blocks.append(entry)

        var check = Block(label: Label(1), offset: -1)
        add(&check, .assign(cond, .compare(.lt, k, kend)), .boolean)
        check.terminator = Located(.branch(cond, ifTrue: Label(2), ifFalse: exitLabel), pos)
        blocks.append(check)

        var advance = Block(label: Label(2), offset: -1)
        add(&advance, .assign(scaled, .binary(.mul, k, step, inplace: false)), .int64)
        add(&advance, .assign(value, .binary(.add, base, scaled, inplace: false)), .int64)
        add(&advance, .assign(k, .binary(.add, k, one, inplace: false)), .int64)
        advance.terminator = Located(.jump(labelMap[bodyLabel.id]!), pos)
        blocks.append(advance)

        for bi in ordered {
            var block = parent.blocks[bi]
            let newIndex = labelMap[bi]!.id
            for si in block.statements.indices {
                let old = StmtRef(block: bi, index: si), new = StmtRef(block: newIndex, index: si)
                exprTypes[new] = typed.exprTypes[old]
                calls[new] = typed.calls[old]
            }
            block.label = labelMap[bi]!
            func map(_ l: Label) -> Label { labelMap[l.id] ?? exitLabel }
            switch block.terminator.node {
            case .jump(let l): block.terminator.node = .jump(map(l))
            case .branch(let c, let t, let f): block.terminator.node = .branch(c, ifTrue: map(t), ifFalse: map(f))
            case .forIter(let it, let v, let b, let e): block.terminator.node = .forIter(iterator: it, value: v, body: map(b), exit: map(e))
            default: break
            }
            blocks.append(block)
        }
        var exitBlock = Block(label: exitLabel, offset: -1)
        add(&exitBlock, .assign(result, .buildTuple(reductions.map { $0.0 })), resultType)
        exitBlock.terminator = Located(.ret(result), pos)
        blocks.append(exitBlock)
        ir.blocks = blocks

        var argTypes = liveIns.map { typed.type(of: $0) }
        argTypes += [.int64, .int64, .int64, .int64]
        return TypedFunction(ir: ir, argTypes: argTypes, returnType: resultType, varTypes: varTypes,
                             exprTypes: exprTypes, calls: calls, globals: typed.globals)
    }
}

/// Control flow and def-use facts of an IR function.
struct Graph {
    let ir: IRFunction
    var successors: [[Int]] = []
    /// Assignments of each variable (expressions) and where they are.
    var defs: [Var: [Expr]] = [:]
    var defRefs: [Var: [StmtRef]] = [:]
    /// Variables live at the start of each block.
    var liveIn: [Set<Var>] = []

    init(_ ir: IRFunction) {
        self.ir = ir
        successors = ir.blocks.map { $0.successors.map { $0.id } }
        for (bi, block) in ir.blocks.enumerated() {
            for (si, s) in block.statements.enumerated() {
                if case .assign(let v, let e) = s.node {
                    defs[v, default: []].append(e)
                    defRefs[v, default: []].append(StmtRef(block: bi, index: si))
                }
            }
        }
        liveIn = liveness()
    }

    func singleDef(_ v: Var) -> Expr? {
        guard let d = defs[v], d.count == 1 else { return nil }
        return d[0]
    }

    /// Variables assigned exactly once, from a constant.
    var singleConstants: [Var: Constant] {
        var out: [Var: Constant] = [:]
        for (v, d) in defs where d.count == 1 {
            if case .const(let c) = d[0] { out[v] = c }
        }
        return out
    }

    /// Whether the iterator variable comes from `iter(prange(...))`.
    /// Assignments of the loop's own iterator inside the loop (stack values
    /// carried around the body) are not looked at.
    func isPrangeIterator(_ it: Var, _ names: Set<String>, outside region: Set<Int>) -> Bool {
        var v = it
        for _ in 0..<8 {
            let outer = zip(defs[v] ?? [], defRefs[v] ?? []).filter { !region.contains($0.1.block) }
            guard outer.count == 1 else { return false }
            let d = outer[0].0
            switch d {
            case .copy(let src): v = src
            case .getiter(let r):
                guard let rd = singleDef(r), case .call(let f, _, _) = rd, let fd = singleDef(f),
                      case .global(let name) = fd else { return false }
                return names.contains(name)
            default: return false
            }
        }
        return false
    }

    /// Blocks reachable from `start` without going through `avoiding`.
    func reachable(from start: Int, avoiding: Int) -> Set<Int> {
        var seen = Set<Int>()
        var stack = [start]
        while let b = stack.popLast() {
            if b == avoiding || seen.contains(b) { continue }
            seen.insert(b)
            stack.append(contentsOf: successors[b])
        }
        return seen
    }

    static func uses(_ e: Expr) -> [Var] { e.operands }

    static func uses(_ s: Stmt) -> [Var] {
        switch s {
        case .assign(_, let e): return uses(e)
        case .setitem(let t, let i, let v): return [t, i, v]
        case .setattr(let t, _, let v): return [t, v]
        case .discard(let v): return [v]
        case .delete: return []
        case .listAppend(let a, let b), .setAdd(let a, let b), .delitem(let a, let b): return [a, b]
        case .mapAdd(let d, let k, let v): return [d, k, v]
        }
    }

    static func uses(_ t: Terminator) -> [Var] {
        switch t {
        case .branch(let c, _, _): return [c]
        case .ret(let v): return [v]
        case .forIter(let it, _, _, _): return [it]
        case .raise(let v): return v.map { [$0] } ?? []
        case .jump, .unreachable: return []
        }
    }

    /// Uses before definitions, and definitions, of one block.
    func summary(_ bi: Int) -> (uses: Set<Var>, defs: Set<Var>) {
        var u = Set<Var>(), d = Set<Var>()
        let block = ir.blocks[bi]
        for s in block.statements {
            for v in Graph.uses(s.node) where !d.contains(v) { u.insert(v) }
            if case .assign(let v, _) = s.node { d.insert(v) }
        }
        for v in Graph.uses(block.terminator.node) where !d.contains(v) { u.insert(v) }
        if case .forIter(_, let v, _, _) = block.terminator.node { d.insert(v) }
        return (u, d)
    }

    func liveness() -> [Set<Var>] {
        let sums = ir.blocks.indices.map { summary($0) }
        var live = [Set<Var>](repeating: [], count: ir.blocks.count)
        var changed = true
        while changed {
            changed = false
            for bi in ir.blocks.indices.reversed() {
                var out = Set<Var>()
                for s in successors[bi] { out.formUnion(live[s]) }
                let new = sums[bi].uses.union(out.subtracting(sums[bi].defs))
                if new != live[bi] { live[bi] = new; changed = true }
            }
        }
        return live
    }

    /// Variables read in one iteration (from `entry`, within `region`, back to
    /// `header`) before they are assigned in it; `defined` are set by the header.
    func upwardExposed(region: Set<Int>, entry: Int, header: Int, defined: Set<Var>) -> Set<Var> {
        var live: [Int: Set<Var>] = [:]
        var sums: [Int: (uses: Set<Var>, defs: Set<Var>)] = [:]
        for bi in region { sums[bi] = summary(bi) }
        var changed = true
        while changed {
            changed = false
            for bi in region.sorted().reversed() {
                var out = Set<Var>()
                for s in successors[bi] where s != header && region.contains(s) { out.formUnion(live[s] ?? []) }
                let new = sums[bi]!.uses.union(out.subtracting(sums[bi]!.defs))
                if new != live[bi] { live[bi] = new; changed = true }
            }
        }
        return (live[entry] ?? []).subtracting(defined)
    }
}
