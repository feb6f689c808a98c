/// Inner functions and lambdas: `MAKE_FUNCTION` over a constant code object
/// with no defaults, keyword defaults or annotations gives a compile-time
/// function value, the code object itself (typed as a jitted callee by
/// `LanguageTyping`, compiled for each call's argument types). Closures
/// may capture variables of the enclosing function assigned exactly once, with a
/// constant: their values go with the code object (`closureConstants`).
extension Translator {
    /// The enclosing function's cell variables that are not arguments.
    var cellsNotArgs: [String] { code.cellvars.filter { !code.varnames.contains($0) } }

    /// The name of the cell a cell opcode's argument names (3.11+: an index into the locals
    /// followed by the cells that are not arguments; 3.10: an index into cellvars + freevars),
    /// nil for a free variable.
    func cellName(_ arg: Int) -> String? {
        if code.version.minor <= 10 { return arg < code.cellvars.count ? code.cellvars[arg] : nil }
        if arg < code.varnames.count { return code.varnames[arg] }
        let k = arg - code.varnames.count
        return k < cellsNotArgs.count ? cellsNotArgs[k] : nil
    }

    /// The variable standing for a cell: the argument of that name, or a plain local
    /// (3.11+: the locals after the arguments; 3.10: made on first use).
    mutating func cellVariable(_ name: String) -> Var {
        if let i = code.varnames.firstIndex(of: name) { return locals[i] }
        // 3.10 cells captured only by comprehensions (TranslatorComprehensions.swift).
        if code.version.minor <= 10, let i = code.cellvars.firstIndex(of: name), i < cells310.count { return cells310[i] }
        if code.version.minor >= 11, let k = cellsNotArgs.firstIndex(of: name), code.varnames.count + k < locals.count {
            return locals[code.varnames.count + k]
        }
        if let v = cellVars[name] { return v }
        let v = function.newVar(name)
        cellVars[name] = v
        return v
    }

    /// What LOAD_FAST of local slot `arg` reads: 3.13 loads a cell that is not an argument with
    /// LOAD_FAST only to build a closure (LOAD_CLOSURE before), which needs no value here (the
    /// variable may even be assigned after the inner function is made).
    func fastLoad(_ arg: Int) -> Expr {
        if code.version.minor >= 13, arg >= code.varnames.count { return .const(.none) }
        return .copy(localVar(arg))
    }

    /// The enclosing function's cell variables (not arguments) assigned exactly once,
    /// with a constant: name -> value.
    func constantCells() -> [String: Constant] {
        var stores: [String: Int] = [:]
        var values: [String: Constant] = [:]
        var previous: Instruction? = nil
        for ins in cfg.instructions {
            defer { if ins.name != "CACHE" && ins.name != "EXTENDED_ARG" { previous = ins } }
            guard ins.name == "STORE_DEREF", let name = cellName(ins.arg), cellsNotArgs.contains(name) else { continue }
            stores[name, default: 0] += 1
            if let p = previous, p.name == "LOAD_CONST", p.arg < code.constants.count {
                values[name] = code.constants[p.arg]
            } else {
                values[name] = nil
            }
        }
        return values.filter { stores[$0.key] == 1 }
    }

    /// 3.10 has no MAKE_CELL: an argument captured by an inner function (not a comprehension,
    /// which is inlined) is rejected before the first instruction, at the def line, as 3.11+
    /// do at its MAKE_CELL.
    func rejectCapturedArguments310() throws {
        guard code.version.minor <= 10 else { return }
        let captured = Self.capturedByInnerFunctions(code)
        guard let arg = code.cellvars.first(where: { code.varnames.contains($0) && captured.contains($0) })
        else { return }
        throw captureError(arg, at: SourcePosition(line: code.firstLineNumber))
    }

    /// Why a captured variable cannot be used, for the error message.
    func captureError(_ name: String, _ ins: Instruction) -> CompileError {
        captureError(name, at: ins.position.line >= 0 ? ins.position : SourcePosition(line: code.firstLineNumber))
    }

    func captureError(_ name: String, at pos: SourcePosition) -> CompileError {
        CompileError(.unsupported, "an inner function captures the variable '\(name)', which is not assigned "
                            + "exactly once with a constant; nopython mode supports only closures over such constants "
                            + "(pass the value as an argument instead)", at: pos, stage: "frontend")
    }

    /// The code object a variable was assigned from a constant in this block, if any.
    func codeConstant(_ v: Var, in block: Block) -> CodeObject? {
        for s in block.statements.reversed() {
            if case .assign(let w, .const(.code(let c))) = s.node, w == v { return c }
        }
        return nil
    }

    /// `code` with the values of the free variables it captures (which must be constant cells).
    func withCapturedConstants(_ code: CodeObject, _ ins: Instruction) throws -> CodeObject {
        var c = code
        let constants = constantCells()
        for name in c.freevars {
            guard let k = constants[name] else { throw captureError(name, ins) }
            c.closureConstants[name] = k
        }
        return c
    }

    /// Translates `ins` when it makes a function or handles a cell; false for other opcodes.
    /// Cells are plain locals here (only constants are captured). 3.10 and 3.11/3.12 build a
    /// closure as MAKE_FUNCTION with flag 8 over a tuple of LOAD_CLOSUREs; 3.13 loads the
    /// cells with LOAD_FAST and sets the closure with SET_FUNCTION_ATTRIBUTE 8.
    mutating func translateFunctionOpcode(_ ins: Instruction, stack: inout [Var?], block: inout Block) throws -> Bool {
        switch ins.name {
        case "MAKE_CELL":
            // Arguments captured by an inner function are not constants.
            if ins.arg < code.varnames.count, code.cellvars.contains(code.varnames[ins.arg]),
               objectMode || Self.capturedByInnerFunctions(code).contains(code.varnames[ins.arg]) {
                throw captureError(code.varnames[ins.arg], ins)
            }
            return true
        case "STORE_DEREF":
            guard let name = cellName(ins.arg) else { return false }
            guard let top = stack.popLast(), let v = top else {
                throw CompileError(.internal, "malformed STORE_DEREF", at: ins.position, stage: "frontend")
            }
            block.statements.append(Located(.assign(cellVariable(name), .copy(v)), ins.position))
            return true
        case "LOAD_CLOSURE":
            // The cells themselves are not values here: MAKE_FUNCTION takes the captured constants.
            let v = temp()
            block.statements.append(Located(.assign(v, .const(.none)), ins.position))
            stack.append(v)
            return true
        case "SET_FUNCTION_ATTRIBUTE":
            // 3.13: function on top, the attribute's value below it.
            guard ins.arg == 0x08 else { throw unsupported("inner functions and lambdas with default values or annotations", ins) }
            guard let top = stack.popLast(), let fnVar = top, stack.popLast() != nil else {
                throw unsupported("closures (inner functions that capture variables)", ins)
            }
            // A generator expression to inline: its free variables are found by name.
            if comprehensionCodes[fnVar] != nil { stack.append(fnVar); return true }
            guard let inner = codeConstant(fnVar, in: block) else {
                throw unsupported("closures (inner functions that capture variables)", ins)
            }
            let v = temp()
            block.statements.append(Located(.assign(v, .const(.code(try withCapturedConstants(inner, ins)))), ins.position))
            stack.append(v)
            return true
        case "MAKE_FUNCTION":
            if try makeComprehension(ins, stack: &stack, block: &block) { return true }
        default:
            return false
        }
        // 3.13 passes defaults and closures through SET_FUNCTION_ATTRIBUTE.
        let flags = code.version.minor >= 13 ? 0 : ins.arg
        guard flags & ~0x08 == 0 else {
            throw unsupported("inner functions and lambdas with default values or annotations", ins)
        }
        // 3.10 pushes the qualified name above the code object.
        if code.version.minor <= 10 { _ = stack.popLast() }
        guard let top = stack.popLast(), let codeVar = top else {
            throw CompileError(.internal, "malformed MAKE_FUNCTION", at: ins.position, stage: "frontend")
        }
        var value: Expr = .copy(codeVar)
        if flags & 0x08 != 0 {
            _ = stack.popLast()  // the closure's cells
            guard let inner = codeConstant(codeVar, in: block) else {
                throw unsupported("closures (inner functions that capture variables)", ins)
            }
            value = .const(.code(try withCapturedConstants(inner, ins)))
        } else if code.version.minor >= 13, let inner = codeConstant(codeVar, in: block) {
            value = .const(.code(inner))  // SET_FUNCTION_ATTRIBUTE may follow
        }
        let v = temp()
        block.statements.append(Located(.assign(v, value), ins.position))
        stack.append(v)
        return true
    }
}
