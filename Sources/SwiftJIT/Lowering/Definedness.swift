/// Which Python locals are certainly assigned when each IR block starts: a forward
/// "must" dataflow (intersection over predecessors) over `assign` and `delete`.
/// Reads of such locals need no UnboundLocalError check, so a function that only
/// reads what it assigned has no exception exit left (which also lets it return
/// its value directly, DirectCalls.swift).
enum Definedness {
    /// For each block (by label id), the tracked locals assigned on every path to it.
    static func atEntry(_ ir: IRFunction, tracked: Set<Var>) -> [Set<Var>] {
        let n = ir.blocks.count
        guard n > 0 else { return [] }
        var entry = [Set<Var>](repeating: tracked, count: n)
        var reached = [Bool](repeating: false, count: n)
        entry[0] = []
        reached[0] = true
        var work = [0]
        while let bi = work.popLast() {
            var defined = entry[bi]
            // An exception may leave the block before any of its assignments (try/except):
            // its handler only gets what held at entry and was never deleted in the block.
            var atRaise = entry[bi]
            for s in ir.blocks[bi].statements {
                switch s.node {
                case .assign(let v, _) where tracked.contains(v): defined.insert(v)
                case .delete(let v): defined.remove(v); atRaise.remove(v)
                default: break
                }
            }
            let handler = ir.blocks[bi].handler?.label
            for succ in ir.blocks[bi].successors where succ.id < n {
                let out = succ == handler ? atRaise : defined
                let next = reached[succ.id] ? entry[succ.id].intersection(out) : out
                if !reached[succ.id] || next != entry[succ.id] {
                    reached[succ.id] = true
                    entry[succ.id] = next
                    work.append(succ.id)
                }
            }
        }
        return entry
    }
}
