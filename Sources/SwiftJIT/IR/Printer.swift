/// A readable text form of the IR, used by tests and `inspect_ir()`.
///
///     block0:                    # offset 0
///       a = arg(0)
///       $3 = binary(+, a, b)
///       return $3
extension IRFunction: CustomStringConvertible {
    public var description: String { dump() }

    /// The function as text; `types`, when given, annotates each assigned variable.
    public func dump(types: [Var: String]? = nil) -> String {
        var out = "function \(qualname)(\(argNames.joined(separator: ", "))):\n"
        for block in blocks {
            out += "\(block.label):"
            if block.offset >= 0 { out += "  # offset \(block.offset)" }
            if let h = block.handler { out += "  # except -> \(h.label)" }
            out += "\n"
            for s in block.statements {
                out += "    " + render(s.node, types: types) + "\n"
            }
            out += "    " + render(block.terminator.node) + "\n"
        }
        return out
    }

    private func n(_ v: Var) -> String { varNames[v.id] }
    private func list(_ vs: [Var]) -> String { vs.map(n).joined(separator: ", ") }

    func render(_ e: Expr) -> String {
        switch e {
        case .arg(let i): return "arg(\(i))"
        case .const(let c): return "const(\(c))"
        case .copy(let v): return n(v)
        case .global(let name): return "global(\(name))"
        case .freevar(let name): return "freevar(\(name))"
        case .getattr(let v, let a): return "getattr(\(n(v)), \(a))"
        case .binary(let op, let a, let b, let inplace):
            return "\(inplace ? "inplace_binary" : "binary")(\(op.rawValue), \(n(a)), \(n(b)))"
        case .unary(let op, let a): return "unary(\(op.rawValue), \(n(a)))"
        case .compare(let op, let a, let b): return "compare(\(op.rawValue), \(n(a)), \(n(b)))"
        case .truth(let v): return "truth(\(n(v)))"
        case .call(let f, let args, let kws):
            var s = "call \(n(f))(\(list(args)))"
            if !kws.isEmpty { s += " kw=[\(kws.joined(separator: ", "))]" }
            return s
        case .buildTuple(let vs): return "build_tuple(\(list(vs)))"
        case .getitem(let a, let i): return "getitem(\(n(a)), \(n(i)))"
        case .staticGetitem(let a, let i): return "static_getitem(\(n(a)), \(i))"
        case .getiter(let v): return "getiter(\(n(v)))"
        case .buildSlice(let vs): return "build_slice(\(list(vs)))"
        case .buildList(let vs): return "build_list(\(list(vs)))"
        case .buildSet(let vs): return "build_set(\(list(vs)))"
        case .buildMap(let k, let v): return "build_map(" + zip(k, v).map { "\(n($0)): \(n($1))" }.joined(separator: ", ") + ")"
        case .buildString(let vs): return "build_string(\(list(vs)))"
        case .formatValue(let v, let c, let spec): return "format_value(\(n(v)), \(c)\(spec.map { ", " + n($0) } ?? ""))"
        case .importName(let name, let f, let l): return "import_name(\(name), \(n(f)), \(n(l)))"
        case .importFrom(let m, let name): return "import_from(\(n(m)), \(name))"
        case .makeFunction(let c, let d, let k, let cl):
            return "make_function(" + ([n(c)] + [d, k, cl].map { $0.map(n) ?? "-" }).joined(separator: ", ") + ")"
        case .callEx(let f, let a, let k): return "call_ex \(n(f))(*\(n(a))\(k.map { ", **" + n($0) } ?? ""))"
        case .unpack(let v, let c): return "unpack(\(n(v)), \(c))"
        case .listToTuple(let v): return "list_to_tuple(\(n(v)))"
        case .liftedLoop(let i, let vs): return "lifted_loop\(i)(\(list(vs)))"
        case .makeCell(let v): return "make_cell(\(n(v)))"
        case .cellGet(let v, _): return "cell_get(\(n(v)))"
        case .freevarCell(let name): return "freevar_cell(\(name))"
        case .handledException: return "handled_exception()"
        case .caughtException: return "caught_exception()"
        case .exceptionMatches(let e, let t): return "exception_matches(\(n(e)), \(n(t)))"
        case .beforeWith(let m): return "before_with(\(n(m)))"
        case .withExceptStart(let x, let e): return "with_except_start(\(n(x)), \(n(e)))"
        case .exceptionWithCause(let x, let c): return "exception_with_cause(\(n(x)), \(n(c)))"
        case .unpackEx(let v, let before, let after): return "unpack_ex(\(n(v)), \(before), \(after))"
        case .takeLocal(let v): return "take_local(\(n(v)))"
        }
    }

    func render(_ s: Stmt, types: [Var: String]?) -> String {
        switch s {
        case .assign(let v, let e):
            var lhs = n(v)
            if let t = types?[v] { lhs += ": \(t)" }
            return "\(lhs) = \(render(e))"
        case .setitem(let t, let i, let v): return "\(n(t))[\(n(i))] = \(n(v))"
        case .setattr(let t, let name, let v): return "\(n(t)).\(name) = \(n(v))"
        case .discard(let v): return "discard \(n(v))"
        case .delete(let v): return "del \(n(v))"
        case .listAppend(let l, let v): return "list_append(\(n(l)), \(n(v)))"
        case .setAdd(let l, let v): return "set_add(\(n(l)), \(n(v)))"
        case .mapAdd(let d, let k, let v): return "map_add(\(n(d)), \(n(k)), \(n(v)))"
        case .delitem(let t, let i): return "del \(n(t))[\(n(i))]"
        case .delattr(let t, let name): return "del \(n(t)).\(name)"
        case .listExtend(let l, let v): return "list_extend(\(n(l)), \(n(v)))"
        case .setUpdate(let l, let v): return "set_update(\(n(l)), \(n(v)))"
        case .dictUpdate(let d, let v, let m): return "\(m ? "dict_merge" : "dict_update")(\(n(d)), \(n(v)))"
        case .storeGlobal(let name, let v): return "global(\(name)) = \(n(v))"
        case .deleteGlobal(let name): return "del global(\(name))"
        case .cellSet(let c, let v): return "cell_set(\(n(c)), \(n(v)))"
        case .setHandledException(let v): return "set_handled_exception(\(n(v)))"
        case .reraise(let v): return "reraise \(n(v))"
        case .clearException(let v): return "clear_exception(\(n(v)))"
        case .reraiseCaught(let v, let entry): return "reraise_caught \(n(v))\(entry ? " (new entry)" : "")"
        }
    }

    func render(_ t: Terminator) -> String {
        switch t {
        case .jump(let l): return "jump \(l)"
        case .branch(let c, let a, let b): return "branch \(n(c)), \(a), \(b)"
        case .ret(let v): return "return \(n(v))"
        case .forIter(let it, let v, let body, let exit): return "for_iter \(n(v)) <- \(n(it)), \(body), \(exit)"
        case .raise(let v): return v.map { "raise \(n($0))" } ?? "raise"
        case .unreachable: return "unreachable"
        }
    }
}
