/// Narrowing of values that may be None (issue 4), done on the IR before type inference.
///
/// Type inference is flow-insensitive: a variable has one type in the whole function, so a
/// local that is None on one path and an int on another is `optional(int64)` everywhere. This
/// pass follows, per program point, what is known about each variable — certainly None,
/// certainly not None, or unknown — from the argument types of the specialization, from
/// assignments, and from the edges of branches on `v is None`, `v is not None` and `v` (truth).
/// It yields:
///
/// - `narrowedReads`: temporaries `$t = copy(v)` (the translator's LOAD_FAST) reading `v` where
///   it is certainly not None. Inference types them as the optional's inner type, and lowering
///   reads the value out of the optional (`FunctionLowering.lowerExpr`, `.copy`), as Numba does
///   after an `is None` test.
/// - a pruned IR: a branch whose test the known state decides (`y is None` where the
///   specialization's `y` is `none`, or an int) becomes a jump, and the blocks only the other
///   edge reached are emptied (statements removed, `unreachable`), so the dead side is not typed:
///   `if y is None: return x` then `return x + y` compiles for `y=None` and for `y=3`.
///
/// A read where the value may still be None keeps the optional type; an operation that needs the
/// plain type then fails with "variable 'y' may be None here" (`TypeInference.mayBeNone`).
struct NoneNarrowing {
    /// What is known about a variable at a program point.
    enum State: Equatable {
        case none, notNone, unknown

        func join(_ other: State) -> State { self == other ? self : .unknown }
    }

    /// A refinement of a branch's edges: `variable` is `onTrue` on the true edge, `onFalse` on
    /// the false one (nil: nothing learned on that edge).
    struct Refinement {
        var variable: Var
        var onTrue: State?
        var onFalse: State?
    }

    let ir: IRFunction
    let argTypes: [JITType]
    /// The expression of each variable assigned exactly once.
    var definitions: [Var: Expr] = [:]
    var assignmentCount: [Var: Int] = [:]

    /// The pruned IR and the narrowed temporaries for a specialization with `argTypes`.
    static func apply(_ ir: IRFunction, argTypes: [JITType]) -> (IRFunction, Set<Var>) {
        var n = NoneNarrowing(ir: ir, argTypes: argTypes)
        n.collectDefinitions()
        guard n.hasNoneTests || argTypes.contains(where: { $0 == .none || $0.isOptional }) else { return (ir, []) }
        return n.run()
    }

    mutating func collectDefinitions() {
        var exprs: [Var: Expr] = [:]
        for block in ir.blocks {
            for s in block.statements {
                guard case .assign(let v, let e) = s.node else { continue }
                assignmentCount[v, default: 0] += 1
                exprs[v] = e
            }
            if case .forIter(_, let value, _, _) = block.terminator.node { assignmentCount[value, default: 0] += 2 }
        }
        definitions = exprs.filter { assignmentCount[$0.key] == 1 }
    }

    /// Whether the function compares anything with None at all.
    var hasNoneTests: Bool {
        ir.blocks.contains { block in
            block.statements.contains { s in
                guard case .assign(_, .compare(let op, let a, let b)) = s.node, op == .is || op == .isNot else { return false }
                return isNoneConstant(a) || isNoneConstant(b)
            }
        }
    }

    func isNoneConstant(_ v: Var) -> Bool {
        if case .const(.none)? = definitions[v] { return true }
        return false
    }

    /// The state of a variable assigned `e`, in state `s`.
    func assigned(_ e: Expr, _ s: [State]) -> State {
        switch e {
        case .arg(let i):
            guard i < argTypes.count else { return .unknown }
            if argTypes[i] == .none { return .none }
            return argTypes[i].isOptional ? .unknown : .notNone
        case .const(let c): return c == .none ? .none : .notNone
        case .copy(let w): return s[w.id]
        // Operations that never give None when they type at all.
        case .binary, .unary, .compare, .truth, .buildTuple, .buildList, .buildSet, .buildMap, .buildString,
             .formatValue, .buildSlice, .getiter:
            return .notNone
        default: return .unknown
        }
    }

    /// Runs the statements of block `bi` from state `s`; `visit` sees each statement's state before it.
    func transfer(_ bi: Int, _ s: [State], visit: ((Int, [State]) -> Void)? = nil) -> [State] {
        var s = s
        for (si, st) in ir.blocks[bi].statements.enumerated() {
            visit?(si, s)
            switch st.node {
            case .assign(let v, let e): s[v.id] = assigned(e, s)
            case .delete(let v): s[v.id] = .unknown
            default: break
            }
        }
        if case .forIter(_, let value, _, _) = ir.blocks[bi].terminator.node { s[value.id] = .unknown }
        return s
    }

    /// What the branch at the end of block `bi` on `c` tells about variables on each edge.
    func refinements(_ bi: Int, _ c: Var) -> [Refinement] {
        let statements = ir.blocks[bi].statements
        /// The statement of this block assigning `v` last, and its index.
        func definition(_ v: Var, before end: Int) -> (Int, Expr)? {
            guard definitions[v] != nil else { return nil }
            for i in stride(from: end - 1, through: 0, by: -1) {
                if case .assign(let w, let e) = statements[i].node, w == v { return (i, e) }
            }
            return nil
        }
        /// `v` and, when `v` copies a variable not reassigned since, that variable too.
        func subjects(_ v: Var, at index: Int) -> [Var] {
            guard let (i, e) = definition(v, before: index), case .copy(let src) = e else { return [v] }
            let reassigned = statements[(i + 1)..<statements.count].contains {
                if case .assign(let w, _) = $0.node { return w == src }
                if case .delete(let w) = $0.node { return w == src }
                return false
            }
            return reassigned ? [v] : [v] + subjects(src, at: i)
        }
        guard let (ci, ce) = definition(c, before: statements.count) else { return [] }
        var test = (ci, ce)
        if case .truth(let x) = ce {
            guard let (xi, xe) = definition(x, before: ci) else {
                return []
            }
            if case .compare = xe { test = (xi, xe) } else {
                // `if y:` — a truthy value is not None.
                return subjects(x, at: ci).map { Refinement(variable: $0, onTrue: .notNone, onFalse: nil) }
            }
        }
        guard case .compare(let op, let a, let b) = test.1, op == .is || op == .isNot else { return [] }
        let subject: Var
        if isNoneConstant(b) { subject = a } else if isNoneConstant(a) { subject = b } else { return [] }
        let (t, f): (State, State) = op == .is ? (.none, .notNone) : (.notNone, .none)
        return subjects(subject, at: test.0).map { Refinement(variable: $0, onTrue: t, onFalse: f) }
    }

    /// Whether an edge that makes `r.variable` `wanted` cannot be taken in state `s`.
    static func contradicts(_ s: [State], _ v: Var, _ wanted: State?) -> Bool {
        guard let w = wanted, s[v.id] != .unknown, w != .unknown else { return false }
        return s[v.id] != w
    }

    /// The successors of block `bi` leaving state `s`, each with its state (dead edges left out).
    func edges(_ bi: Int, _ s: [State]) -> [(Int, [State])] {
        let term = ir.blocks[bi].terminator.node
        let handler = ir.blocks[bi].handler?.label
        guard case .branch(let c, let yes, let no) = term else {
            return ir.blocks[bi].successors.filter { $0 != handler }.map { ($0.id, s) } + handlerEdge(bi, s)
        }
        let rs = refinements(bi, c)
        var out: [(Int, [State])] = []
        for (target, onTrue) in [(yes, true), (no, false)] {
            var t = s
            var dead = false
            for r in rs {
                let wanted = onTrue ? r.onTrue : r.onFalse
                // A truthy test says nothing on its false edge; on its true edge a None is impossible.
                if onTrue, r.onFalse == nil, s[r.variable.id] == .none { dead = true }
                if NoneNarrowing.contradicts(s, r.variable, wanted) { dead = true }
                if let w = wanted { t[r.variable.id] = w }
            }
            if !dead { out.append((target.id, t)) }
        }
        return out + handlerEdge(bi, s)
    }

    /// try/except: the edge to the block's exception handler. The exception may come before
    /// any statement of the block, so what the block assigns is unknown there.
    func handlerEdge(_ bi: Int, _ s: [State]) -> [(Int, [State])] {
        guard let h = ir.blocks[bi].handler?.label else { return [] }
        var t = s
        for st in ir.blocks[bi].statements {
            if case .assign(let v, _) = st.node { t[v.id] = .unknown }
            if case .delete(let v) = st.node { t[v.id] = .unknown }
        }
        return [(h.id, t)]
    }

    func run() -> (IRFunction, Set<Var>) {
        let count = ir.varNames.count
        var entry: [[State]?] = Array(repeating: nil, count: ir.blocks.count)
        guard !ir.blocks.isEmpty else { return (ir, []) }
        entry[0] = Array(repeating: .unknown, count: count)
        var work = [0]
        var rounds = 0
        while let bi = work.popLast() {
            rounds += 1
            if rounds > 100_000 { return (ir, []) }  // cannot happen (the lattice is finite); stay safe
            guard let s = entry[bi] else { continue }
            for (target, t) in edges(bi, transfer(bi, s)) {
                if let old = entry[target] {
                    let joined = zip(old, t).map { $0.join($1) }
                    if joined != old { entry[target] = joined; work.append(target) }
                } else {
                    entry[target] = t
                    work.append(target)
                }
            }
        }
        // Narrowed reads and decided branches, from the final states.
        var narrowed: Set<Var> = []
        var pruned = ir
        var decided = false
        for bi in ir.blocks.indices {
            guard let s = entry[bi] else { continue }
            let out = transfer(bi, s) { si, before in
                guard case .assign(let v, .copy(let w)) = ir.blocks[bi].statements[si].node,
                      ir.name(of: v).hasPrefix("$"), definitions[v] != nil, before[w.id] == .notNone else { return }
                narrowed.insert(v)
            }
            if case .branch(_, let yes, let no) = ir.blocks[bi].terminator.node {
                let live = edges(bi, out).map { $0.0 }
                if live.count == 1 && yes != no {
                    pruned.blocks[bi].terminator.node = .jump(live[0] == yes.id ? yes : no)
                    decided = true
                }
            }
        }
        if decided {
            // Blocks only the decided-away edges reached: not typed, never run.
            func reachable(_ f: IRFunction) -> Set<Int> {
                var seen = Set<Int>()
                var stack = [0]
                while let bi = stack.popLast() {
                    guard seen.insert(bi).inserted else { continue }
                    stack += f.blocks[bi].successors.map { $0.id }
                }
                return seen
            }
            let before = reachable(ir), after = reachable(pruned)
            for bi in pruned.blocks.indices where before.contains(bi) && !after.contains(bi) {
                pruned.blocks[bi].statements = []
                pruned.blocks[bi].terminator.node = .unreachable
            }
            // Reads inside emptied blocks are gone.
            narrowed = narrowed.filter { v in
                pruned.blocks.contains { $0.statements.contains { if case .assign(let w, _) = $0.node { return w == v }; return false } }
            }
        }
        return (pruned, narrowed)
    }
}

extension JITType {
    /// Whether this is `optional(T)`.
    var isOptional: Bool {
        if case .optional = self { return true }
        return false
    }
}
