/// Loop lifting for object mode: each outermost loop whose statements nopython
/// mode knows (no containers, f-strings, imports, returns ...) is extracted into
/// its own `IRFunction`, whose arguments are the loop's live-in variables and
/// whose result is the tuple of its live-out variables. The object-mode function
/// calls it through `Expr.liftedLoop`; when the call answers None (the loop does
/// not type-check for the runtime types, or a live-in is unbound) the original
/// loop, kept in place, runs in object mode instead.
///
///     P:  ...prefix...; $r = lifted_loop0(a, n, s); $c = compare(is, $r, None); branch $c, P2, U
///     P2: ...suffix (range(n), getiter)...; jump H       (the loop as it was, in object mode)
///     U:  s = static_getitem($r, 0); jump E              (the loop's exit)

/// A loop extracted from an object-mode function.
public struct LiftedLoop: Hashable, Sendable {
    /// The loop as a function of its live-in variables, returning the tuple of its
    /// live-out variables (None when there are none).
    public var function: IRFunction
    public var liveIns: [String]
    public var liveOuts: [String]
    /// The source line of the loop's header.
    public var line: Int
}

enum LoopLifter {
    /// The function with its liftable loops replaced by calls, and those loops.
    static func lift(_ ir: IRFunction) -> (IRFunction, [LiftedLoop]) {
        let n = ir.blocks.count
        guard n > 0 else { return (ir, []) }
        var preds = [[Int]](repeating: [], count: n)
        for (i, block) in ir.blocks.enumerated() {
            for s in block.successors { preds[s.id].append(i) }
        }
        // Back edges by depth-first search (Python's control flow is reducible).
        var state = [UInt8](repeating: 0, count: n)
        var backEdges: [(Int, Int)] = []
        var stack: [(Int, Int)] = [(0, 0)]
        state[0] = 1
        while let (blk, next) = stack.last {
            let succ = ir.blocks[blk].successors
            if next < succ.count {
                stack[stack.count - 1].1 += 1
                let s = succ[next].id
                if state[s] == 1 { backEdges.append((blk, s)) }
                if state[s] == 0 { state[s] = 1; stack.append((s, 0)) }
            } else {
                state[blk] = 2
                stack.removeLast()
            }
        }
        var bodies: [Int: Set<Int>] = [:]
        for (u, h) in backEdges {
            var body = bodies[h] ?? [h]
            var work = [u]
            while let x = work.popLast() {
                if body.insert(x).inserted { work.append(contentsOf: preds[x]) }
            }
            bodies[h] = body
        }
        let liveness = Liveness(ir)
        var chosen: [Plan] = []
        var taken = Set<Int>()
        for (h, body) in bodies.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
            if !body.isDisjoint(with: taken) { continue }
            guard let plan = Plan.make(ir, header: h, body: body, preds: preds, liveness: liveness) else { continue }
            taken.formUnion(body)
            taken.insert(plan.preheader)
            chosen.append(plan)
        }
        guard !chosen.isEmpty else { return (ir, []) }
        var out = ir
        var loops: [LiftedLoop] = []
        for plan in chosen.sorted(by: { $0.header < $1.header }) {
            loops.append(plan.extract(ir, index: loops.count))
            plan.rewrite(&out, index: loops.count - 1)
        }
        return (out, loops)
    }

    /// Upward-exposed uses and definitions per block, and the variables live at each block's entry.
    struct Liveness {
        var liveIn: [Set<Var>]

        init(_ ir: IRFunction) {
            let n = ir.blocks.count
            var uses = [Set<Var>](repeating: [], count: n), defs = [Set<Var>](repeating: [], count: n)
            for (i, block) in ir.blocks.enumerated() {
                for s in block.statements {
                    for v in s.node.operands where !defs[i].contains(v) { uses[i].insert(v) }
                    if case .makeCell(let v) = s.node.assignedExpr, !defs[i].contains(v) { uses[i].insert(v) }
                    if case .takeLocal(let v) = s.node.assignedExpr, !defs[i].contains(v) { uses[i].insert(v) }
                    if let d = s.node.assigned { defs[i].insert(d) }
                }
                for v in block.terminator.node.operands where !defs[i].contains(v) { uses[i].insert(v) }
            }
            liveIn = uses
            var changed = true
            while changed {
                changed = false
                for i in (0..<n).reversed() {
                    var out = Set<Var>()
                    for s in ir.blocks[i].successors { out.formUnion(liveIn[s.id]) }
                    // A for loop's value is set on the edge into the body only.
                    if case .forIter(_, let v, _, _) = ir.blocks[i].terminator.node { out.remove(v) }
                    let new = uses[i].union(out.subtracting(defs[i]))
                    if new != liveIn[i] { liveIn[i] = new; changed = true }
                }
            }
        }
    }

    /// One loop to lift.
    struct Plan {
        var header: Int
        var body: Set<Int>
        var preheader: Int
        var exit: Int
        /// Index of the first statement of the preheader that moves into the lifted function.
        var suffixStart: Int
        var liveIns: [Var]
        var liveOuts: [Var]

        static func make(_ ir: IRFunction, header h: Int, body: Set<Int>, preds: [[Int]], liveness: Liveness) -> Plan? {
            let outside = preds[h].filter { !body.contains($0) }
            guard outside.count == 1, let p = outside.first else { return nil }
            // A preheader that only jumps to the loop gives its trailing statements to the lifted
            // function; one that branches (the test before a `while` loop) keeps them all.
            let onlyJumps: Bool
            switch ir.blocks[p].terminator.node {
            case .jump: onlyJumps = true
            case .branch(_, let a, let b) where a != b: onlyJumps = false
            default: return nil
            }
            var exits = Set<Int>()
            // Inside a try block, the exception edge to the handler of the entry is no exit: the
            // call of the lifted loop is covered by the same handler (checked below).
            let handler = ir.blocks[p].handler?.label
            for b in body {
                for s in ir.blocks[b].successors where !body.contains(s.id) && s != handler { exits.insert(s.id) }
                switch ir.blocks[b].terminator.node {
                case .ret, .raise(nil), .unreachable: return nil
                default: break
                }
                if ir.blocks[b].statements.contains(where: { $0.node.isObjectModeOnly || isDelete($0.node) }) { return nil }
            }
            guard exits.count == 1, let e = exits.first, e != p else { return nil }
            // The whole loop inside the same try block as its entry (or outside any).
            if body.contains(where: { ir.blocks[$0].handler != ir.blocks[p].handler }) { return nil }
            // The preheader's trailing statements that compute what the header needs
            // (the stack variables it receives: `getiter(range(n))` of a for loop).
            let pre = ir.blocks[p].statements
            var needed = Set<Var>()
            var start = pre.count
            for (i, s) in pre.enumerated().reversed() where onlyJumps {
                guard let d = s.node.assigned else { continue }
                let name = ir.name(of: d)
                if name.hasPrefix("$phi") || (name.hasPrefix("$") && needed.contains(d)) {
                    start = i
                    for v in s.node.operands where ir.name(of: v).hasPrefix("$") { needed.insert(v) }
                }
            }
            let suffix = pre[start...]
            if suffix.contains(where: { $0.node.isObjectModeOnly || isDelete($0.node) }) { return nil }
            // Variables read and written by the region (the suffix and the loop).
            var used = Set<Var>(), defined = Set<Var>()
            var suffixUses = Set<Var>(), suffixDefs = Set<Var>()
            for s in suffix {
                for v in s.node.operands where !suffixDefs.contains(v) { suffixUses.insert(v) }
                if let d = s.node.assigned { suffixDefs.insert(d) }
                used.formUnion(s.node.operands)
            }
            defined.formUnion(suffixDefs)
            for b in body {
                for s in ir.blocks[b].statements {
                    used.formUnion(s.node.operands)
                    if let d = s.node.assigned { defined.insert(d) }
                }
                used.formUnion(ir.blocks[b].terminator.node.operands)
                if case .forIter(_, let v, _, _) = ir.blocks[b].terminator.node { defined.insert(v) }
            }
            // An exception in the lifted loop reaches the handler with the variables as they were
            // before the loop (live-outs come back only on a normal exit): the handler must not
            // read any variable the loop assigns.
            if let hl = handler, !liveness.liveIn[hl.id].isDisjoint(with: defined) { return nil }
            let liveAtStart = suffixUses.union(liveness.liveIn[h].subtracting(suffixDefs))
            let liveOuts = liveness.liveIn[e].intersection(defined).sorted()
            let liveIns = liveAtStart.intersection(used.union(liveOuts)).sorted()
            return Plan(header: h, body: body, preheader: p, exit: e, suffixStart: start,
                        liveIns: liveIns, liveOuts: liveOuts)
        }

        static func isDelete(_ s: Stmt) -> Bool {
            if case .delete = s { return true }
            return false
        }

        /// The lifted function.
        func extract(_ ir: IRFunction, index: Int) -> LiftedLoop {
            var f = IRFunction(name: ir.name, qualname: "\(ir.qualname).<loop\(index)>", filename: ir.filename,
                               firstLine: ir.blocks[header].terminator.position.line,
                               argNames: liveIns.map { ir.name(of: $0) })
            var map: [Var: Var] = [:]
            func v(_ x: Var) -> Var {
                if let m = map[x] { return m }
                let m = f.newVar(ir.name(of: x))
                map[x] = m
                return m
            }
            let order = body.sorted()
            var labels: [Int: Label] = [:]
            for (i, b) in order.enumerated() { labels[b] = Label(i + 1) }
            let exitLabel = Label(order.count + 1)
            func l(_ x: Label) -> Label { labels[x.id] ?? exitLabel }
            let pre = ir.blocks[preheader]
            var entry = Block(label: Label(0), offset: -1)
            let pos = pre.terminator.position
            for (i, x) in liveIns.enumerated() { entry.statements.append(Located(.assign(v(x), .arg(i)), pos)) }
            for s in pre.statements[suffixStart...] { entry.statements.append(Located(s.node.renamed(v), s.position)) }
            entry.terminator = Located(.jump(l(Label(header))), pos)
            var blocks = [entry]
            for b in order {
                let src = ir.blocks[b]
                var nb = Block(label: labels[b]!, offset: src.offset)
                nb.statements = src.statements.map { Located($0.node.renamed(v), $0.position) }
                nb.terminator = Located(src.terminator.node.renamed(v, l), src.terminator.position)
                blocks.append(nb)
            }
            var exitBlock = Block(label: exitLabel, offset: -1)
            let result = f.newVar("$lifted_result")
            let exitPos = ir.blocks[exit].terminator.position
            exitBlock.statements.append(Located(.assign(result, liveOuts.isEmpty ? .const(.none)
                                                                : .buildTuple(liveOuts.map(v))), exitPos))
            exitBlock.terminator = Located(.ret(result), exitPos)
            blocks.append(exitBlock)
            f.blocks = blocks
            return LiftedLoop(function: f, liveIns: liveIns.map { ir.name(of: $0) },
                              liveOuts: liveOuts.map { ir.name(of: $0) }, line: f.firstLine)
        }

        /// Replaces the loop's entry in `ir` by the call of lifted loop `index`, keeping the
        /// original loop as the path taken when the call answers None.
        func rewrite(_ ir: inout IRFunction, index: Int) {
            let pre = ir.blocks[preheader]
            let pos = pre.terminator.position
            let r = ir.newVar("$lifted\(index)"), none = ir.newVar("$lifted\(index)_none"), isNone = ir.newVar("$lifted\(index)_failed")
            let call = Label(ir.blocks.count), fallback = Label(ir.blocks.count + 1), unpack = Label(ir.blocks.count + 2)
            var p = pre
            p.statements = Array(pre.statements[..<suffixStart])
            p.terminator.node = pre.terminator.node.renamed({ $0 }, { $0.id == header ? call : $0 })
            var c = Block(label: call, offset: -1)
            c.statements.append(Located(.assign(r, .liftedLoop(index, liveIns)), pos))
            c.statements.append(Located(.assign(none, .const(.none)), pos))
            c.statements.append(Located(.assign(isNone, .compare(.is, r, none)), pos))
            c.terminator = Located(.branch(isNone, ifTrue: fallback, ifFalse: unpack), pos)
            var fb = Block(label: fallback, offset: -1)
            fb.statements = Array(pre.statements[suffixStart...])
            fb.terminator = Located(.jump(Label(header)), pos)
            var up = Block(label: unpack, offset: -1)
            for (i, x) in liveOuts.enumerated() { up.statements.append(Located(.assign(x, .staticGetitem(r, i)), pos)) }
            up.terminator = Located(.jump(Label(exit)), pos)
            c.handler = pre.handler
            fb.handler = pre.handler
            up.handler = pre.handler
            ir.blocks[preheader] = p
            ir.blocks.append(c)
            ir.blocks.append(fb)
            ir.blocks.append(up)
        }
    }
}

extension Stmt {
    /// The variable an assignment writes.
    var assigned: Var? {
        if case .assign(let v, _) = self { return v }
        return nil
    }
    var assignedExpr: Expr? {
        if case .assign(_, let e) = self { return e }
        return nil
    }

    /// The statement with its variables renamed.
    func renamed(_ f: (Var) -> Var) -> Stmt {
        switch self {
        case .assign(let v, let e): return .assign(f(v), e.renamed(f))
        case .setitem(let t, let i, let v): return .setitem(target: f(t), index: f(i), value: f(v))
        case .setattr(let t, let n, let v): return .setattr(target: f(t), name: n, value: f(v))
        case .discard(let v): return .discard(f(v))
        case .delete(let v): return .delete(f(v))
        case .listAppend(let a, let b): return .listAppend(list: f(a), value: f(b))
        case .setAdd(let a, let b): return .setAdd(set: f(a), value: f(b))
        case .mapAdd(let a, let b, let c): return .mapAdd(dict: f(a), key: f(b), value: f(c))
        case .delitem(let t, let i): return .delitem(target: f(t), index: f(i))
        case .delattr(let t, let n): return .delattr(target: f(t), name: n)
        case .listExtend(let a, let b): return .listExtend(f(a), f(b))
        case .setUpdate(let a, let b): return .setUpdate(f(a), f(b))
        case .dictUpdate(let a, let b, let m): return .dictUpdate(f(a), f(b), merge: m)
        case .storeGlobal(let n, let v): return .storeGlobal(n, f(v))
        case .deleteGlobal: return self
        case .cellSet(let a, let b): return .cellSet(f(a), f(b))
        case .setHandledException(let v): return .setHandledException(f(v))
        case .reraise(let v): return .reraise(f(v))
        case .clearException(let v): return .clearException(f(v))
        case .reraiseCaught(let v, let e): return .reraiseCaught(f(v), newEntry: e)
        }
    }
}

extension Expr {
    /// The expression with its variables renamed.
    func renamed(_ f: (Var) -> Var) -> Expr {
        func o(_ v: Var?) -> Var? { v.map(f) }
        switch self {
        case .arg, .const, .global, .freevar, .freevarCell: return self
        case .copy(let v): return .copy(f(v))
        case .getattr(let v, let n): return .getattr(f(v), n)
        case .binary(let op, let a, let b, let i): return .binary(op, f(a), f(b), inplace: i)
        case .unary(let op, let v): return .unary(op, f(v))
        case .compare(let op, let a, let b): return .compare(op, f(a), f(b))
        case .truth(let v): return .truth(f(v))
        case .call(let g, let args, let kw): return .call(f(g), args: args.map(f), keywords: kw)
        case .buildTuple(let vs): return .buildTuple(vs.map(f))
        case .getitem(let a, let b): return .getitem(f(a), f(b))
        case .staticGetitem(let v, let i): return .staticGetitem(f(v), i)
        case .getiter(let v): return .getiter(f(v))
        case .buildSlice(let vs): return .buildSlice(vs.map(f))
        case .buildList(let vs): return .buildList(vs.map(f))
        case .buildSet(let vs): return .buildSet(vs.map(f))
        case .buildMap(let k, let v): return .buildMap(keys: k.map(f), values: v.map(f))
        case .buildString(let vs): return .buildString(vs.map(f))
        case .formatValue(let v, let c, let s): return .formatValue(f(v), conversion: c, spec: o(s))
        case .importName(let n, let a, let b): return .importName(n, fromlist: f(a), level: f(b))
        case .importFrom(let v, let n): return .importFrom(f(v), n)
        case .makeFunction(let c, let d, let k, let cl):
            return .makeFunction(code: f(c), defaults: o(d), kwdefaults: o(k), closure: o(cl))
        case .callEx(let g, let a, let k): return .callEx(f(g), args: f(a), kwargs: o(k))
        case .unpack(let v, let c): return .unpack(f(v), count: c)
        case .listToTuple(let v): return .listToTuple(f(v))
        case .liftedLoop(let i, let vs): return .liftedLoop(i, vs.map(f))
        case .makeCell(let v): return .makeCell(f(v))
        case .cellGet(let v, let n): return .cellGet(f(v), name: n)
        case .handledException, .caughtException: return self
        case .exceptionMatches(let a, let b): return .exceptionMatches(f(a), f(b))
        case .beforeWith(let v): return .beforeWith(f(v))
        case .withExceptStart(let a, let b): return .withExceptStart(exit: f(a), exception: f(b))
        case .takeLocal(let v): return .takeLocal(f(v))
        case .exceptionWithCause(let a, let b): return .exceptionWithCause(f(a), f(b))
        case .unpackEx(let v, let before, let after): return .unpackEx(f(v), before: before, after: after)
        }
    }
}

extension Terminator {
    /// The variables a terminator reads.
    var operands: [Var] {
        switch self {
        case .branch(let v, _, _), .ret(let v), .raise(let v?): return [v]
        case .forIter(let it, _, _, _): return [it]
        case .jump, .raise(nil), .unreachable: return []
        }
    }

    /// The terminator with its variables and labels renamed.
    func renamed(_ f: (Var) -> Var, _ l: (Label) -> Label) -> Terminator {
        switch self {
        case .jump(let x): return .jump(l(x))
        case .branch(let v, let a, let b): return .branch(f(v), ifTrue: l(a), ifFalse: l(b))
        case .ret(let v): return .ret(f(v))
        case .forIter(let it, let v, let body, let exit): return .forIter(iterator: f(it), value: f(v), body: l(body), exit: l(exit))
        case .raise(let v): return .raise(v.map(f))
        case .unreachable: return self
        }
    }
}
