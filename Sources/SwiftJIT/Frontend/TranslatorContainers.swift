/// Translation of the opcodes that build and change lists, sets, dicts and
/// strings (issue 11): literals, comprehension appends, f-strings, `del x[i]`.
extension Translator {
    /// The statement of the current block that assigns `v`, if any.
    func definition(of v: Var, in block: Block) -> (Int, Expr)? {
        for (i, s) in block.statements.enumerated().reversed() {
            if case .assign(let w, let e) = s.node, w == v { return (i, e) }
        }
        return nil
    }

    /// Translates `ins` when it is a container or string opcode; false otherwise.
    mutating func translateContainerOp(_ ins: Instruction, stack: inout [Var?], block: inout Block) throws -> Bool {
        func popValue() throws -> Var {
            guard let top = stack.popLast(), let v = top else {
                throw CompileError(.internal, "value stack underflow at \(ins.name)", at: ins.position, stage: "frontend")
            }
            return v
        }
        func popValues(_ n: Int) throws -> [Var] {
            var items: [Var] = []
            for _ in 0..<n { items.append(try popValue()) }
            return items.reversed()
        }
        func emit(_ v: Var, _ e: Expr) { block.statements.append(Located(.assign(v, e), ins.position)) }
        func push(_ e: Expr) { let v = temp(); emit(v, e); stack.append(v) }
        func peek(_ depth: Int) throws -> Var {
            guard depth >= 1, depth <= stack.count, let v = stack[stack.count - depth] else {
                throw CompileError(.internal, "\(ins.name) beyond the stack", at: ins.position, stage: "frontend")
            }
            return v
        }
        /// Variables holding the items of a constant tuple, when `v` is one.
        func constantItems(_ v: Var) -> [Var]? {
            guard let (_, e) = definition(of: v, in: block), case .const(.tuple(let items)) = e else { return nil }
            return items.map { c in let t = temp(); emit(t, .const(c)); return t }
        }
        switch ins.name {
        case "BUILD_LIST":
            push(.buildList(try popValues(ins.arg)))
        case "BUILD_SET":
            push(.buildSet(try popValues(ins.arg)))
        case "BUILD_MAP":
            let flat = try popValues(2 * ins.arg)
            push(.buildMap(keys: stride(from: 0, to: flat.count, by: 2).map { flat[$0] },
                           values: stride(from: 1, to: flat.count, by: 2).map { flat[$0] }))
        case "BUILD_CONST_KEY_MAP":
            let keysVar = try popValue()
            let values = try popValues(ins.arg)
            guard let keys = constantItems(keysVar), keys.count == values.count else {
                throw CompileError(.internal, "BUILD_CONST_KEY_MAP without constant keys", at: ins.position, stage: "frontend")
            }
            push(.buildMap(keys: keys, values: values))
        case "LIST_EXTEND", "SET_UPDATE":
            // `[1, 2, 3]` and `{1, 2, 3}` are an empty literal extended by a constant: fold them.
            let seq = try popValue()
            let target = try peek(ins.arg)
            if let items = constantItems(seq), let (i, e) = definition(of: target, in: block) {
                switch e {
                case .buildList(let old) where ins.name == "LIST_EXTEND":
                    // The item variables are assigned after the literal: build it after them instead.
                    emit(target, .buildList(old + items))
                    block.statements.remove(at: i)
                    return true
                case .buildSet(let old) where ins.name == "SET_UPDATE":
                    emit(target, .buildSet(old + items))
                    block.statements.remove(at: i)
                    return true
                default: break
                }
            }
            let method = temp(), result = temp()
            emit(method, .getattr(target, ins.name == "LIST_EXTEND" ? "extend" : "update"))
            emit(result, .call(method, args: [seq], keywords: []))
            block.statements.append(Located(.discard(result), ins.position))
        case "LIST_APPEND":
            let v = try popValue()
            block.statements.append(Located(.listAppend(list: try peek(ins.arg), value: v), ins.position))
        case "SET_ADD":
            let v = try popValue()
            block.statements.append(Located(.setAdd(set: try peek(ins.arg), value: v), ins.position))
        case "MAP_ADD":
            let value = try popValue(), key = try popValue()
            block.statements.append(Located(.mapAdd(dict: try peek(ins.arg), key: key, value: value), ins.position))
        case "FORMAT_VALUE":
            // flags & 3: conversion (none, str, repr, ascii); flags & 4: a format spec is on the stack.
            let spec = ins.arg & 4 != 0 ? try popValue() : nil
            push(.formatValue(try popValue(), conversion: ins.arg & 3, spec: spec))
        case "CONVERT_VALUE":  // 3.13
            push(.formatValue(try popValue(), conversion: ins.arg, spec: nil))
        case "FORMAT_SIMPLE":  // 3.13
            push(.formatValue(try popValue(), conversion: 0, spec: nil))
        case "FORMAT_WITH_SPEC":  // 3.13
            let spec = try popValue()
            push(.formatValue(try popValue(), conversion: 0, spec: spec))
        case "BUILD_STRING":
            push(.buildString(try popValues(ins.arg)))
        case "DELETE_SUBSCR":
            let index = try popValue(), target = try popValue()
            block.statements.append(Located(.delitem(target: target, index: index), ins.position))
        default:
            return false
        }
        return true
    }
}
