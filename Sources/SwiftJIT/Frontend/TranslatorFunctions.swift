/// Inner functions and lambdas: `MAKE_FUNCTION` over a constant code object
/// with no defaults, keyword defaults or annotations gives a compile-time
/// function value, the code object itself (typed as a jitted callee by
/// `LanguageTyping`, compiled for each call's argument types). Closures (3.11+)
/// may capture variables of the enclosing function assigned exactly once, with a
/// constant: their values go with the code object (`closureConstants`).
extension Translator {
    /// The enclosing function's cell variables (not arguments) assigned exactly once,
    /// with a constant: name -> value.
    func constantCells() -> [String: Constant] {
        var stores: [String: Int] = [:]
        var values: [String: Constant] = [:]
        let cellsNotArgs = code.cellvars.filter { !code.varnames.contains($0) }
        var previous: Instruction? = nil
        for ins in cfg.instructions {
            defer { if ins.name != "CACHE" && ins.name != "EXTENDED_ARG" { previous = ins } }
            guard ins.name == "STORE_DEREF" else { continue }
            let k = ins.arg - code.varnames.count
            guard k >= 0, k < cellsNotArgs.count else { continue }
            let name = cellsNotArgs[k]
            stores[name, default: 0] += 1
            if let p = previous, p.name == "LOAD_CONST", p.arg < code.constants.count {
                values[name] = code.constants[p.arg]
            } else {
                values[name] = nil
            }
        }
        return values.filter { stores[$0.key] == 1 }
    }

    /// Why a captured variable cannot be used, for the error message.
    func captureError(_ name: String, _ ins: Instruction) -> CompileError {
        let pos = ins.position.line >= 0 ? ins.position : SourcePosition(line: code.firstLineNumber)
        return CompileError(.unsupported, "an inner function captures the variable '\(name)', which is not assigned "
                            + "exactly once with a constant; nopython mode supports only closures over such constants "
                            + "(pass the value as an argument instead)", at: pos, stage: "frontend")
    }

    /// Translates `ins` when it makes a function or handles a cell; false for other opcodes.
    mutating func translateFunctionOpcode(_ ins: Instruction, stack: inout [Var?], block: inout Block) throws -> Bool {
        let modern = code.version.minor >= 11 && code.version.minor <= 12
        switch ins.name {
        case "MAKE_CELL" where modern:
            // Arguments captured by an inner function are not constants.
            if ins.arg < code.varnames.count, code.cellvars.contains(code.varnames[ins.arg]),
               objectMode || Self.capturedByInnerFunctions(code).contains(code.varnames[ins.arg]) {
                throw captureError(code.varnames[ins.arg], ins)
            }
            return true
        case "STORE_DEREF" where modern && ins.arg < locals.count:
            guard let top = stack.popLast(), let v = top else {
                throw CompileError(.internal, "malformed STORE_DEREF", at: ins.position, stage: "frontend")
            }
            block.statements.append(Located(.assign(locals[ins.arg], .copy(v)), ins.position))
            return true
        case "LOAD_DEREF" where modern && ins.arg < locals.count:
            let v = temp()
            block.statements.append(Located(.assign(v, .copy(locals[ins.arg])), ins.position))
            stack.append(v)
            return true
        case "LOAD_CLOSURE" where modern:
            let v = temp()
            block.statements.append(Located(.assign(v, .const(.none)), ins.position))
            stack.append(v)
            return true
        case "MAKE_FUNCTION":
            if try makeComprehension(ins, stack: &stack, block: &block) { return true }
        default:
            return false
        }
        // 3.13 passes defaults and closures through SET_FUNCTION_ATTRIBUTE (rejected there).
        let flags = code.version.minor >= 13 ? 0 : ins.arg
        guard flags & ~0x08 == 0, flags == 0 || modern else {
            let what = flags & 0x08 != 0 ? "closures (inner functions that capture variables)"
                                         : "inner functions and lambdas with default values or annotations"
            throw unsupported(what, ins)
        }
        // 3.10 pushes the qualified name above the code object.
        if code.version.minor <= 10 { _ = stack.popLast() }
        guard let top = stack.popLast(), let codeVar = top else {
            throw CompileError(.internal, "malformed MAKE_FUNCTION", at: ins.position, stage: "frontend")
        }
        var value: Expr = .copy(codeVar)
        if flags & 0x08 != 0 {
            _ = stack.popLast()  // the closure's cells
            var inner: CodeObject? = nil
            for s in block.statements.reversed() {
                if case .assign(let v, .const(.code(let c))) = s.node, v == codeVar { inner = c; break }
            }
            guard var c = inner else { throw unsupported("closures (inner functions that capture variables)", ins) }
            let constants = constantCells()
            for name in c.freevars {
                guard let k = constants[name] else { throw captureError(name, ins) }
                c.closureConstants[name] = k
            }
            value = .const(.code(c))
        }
        let v = temp()
        block.statements.append(Located(.assign(v, value), ins.position))
        stack.append(v)
        return true
    }
}
