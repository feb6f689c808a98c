/// Generator expressions consumed at once in nopython mode (issue 11).
///
/// A generator expression is a nested code object called with the iterator of its first
/// `for` clause, as comprehensions were up to 3.11 (on every version): the translator inlines
/// it the same way (`inlineComprehension`). What its YIELD_VALUE does depends on the call
/// that consumes it, found on the value stack below the generator's function:
///
/// - `any(...)` / `all(...)`: fused: each value's truth is tested where it is yielded and the
///   loop is left at the first true (false) one, as Python stops the generator there; the
///   consuming call is replaced by the result (`fusedResults`).
/// - `sum`, `min`, `max`, `sorted`, `list`, `set`, `dict` and `str.join`: the values are
///   appended to a list (`<genexpr>`) that the call receives instead of the generator; these
///   consumers take every value, so only the list is extra.
/// - Anything else (stored, returned, passed to another function): an UnsupportedError
///   naming the supported consumers.
enum GenexprMode: Sendable {
    /// Append each value to this list.
    case collect(Var)
    /// any() (true) or all() (false), fused.
    case anyAll(Bool)
}

extension Translator {
    /// Builtins that may consume a generator expression.
    static let genexprConsumers: Set<String> = ["sum", "min", "max", "any", "all", "sorted", "list", "set", "dict"]

    static func isGenexpr(_ c: CodeObject) -> Bool { c.name == "<genexpr>" }

    func genexprError(_ ins: Instruction) -> CompileError {
        let pos = ins.position.line >= 0 ? ins.position : SourcePosition(line: code.firstLineNumber)
        return CompileError(.unsupported, "a generator expression is supported in nopython mode only as the argument of "
                            + "sum(), min(), max(), any(), all(), sorted(), list(), set(), dict() or str.join(); "
                            + "use a list comprehension to keep its values ([x for x in a] rather than (x for x in a))",
                            at: pos, stage: "frontend")
    }

    /// The consumer of the generator expression that `stack` (..., callee slots, function,
    /// iterator) is about to call: a builtin of `genexprConsumers` or "join"; nil otherwise.
    func genexprConsumer(_ stack: [Var?], block: Block) -> String? { genexprCallee(stack, block: block)?.name }

    /// The consumer's name and the index of the statement that loads it.
    func genexprCallee(_ stack: [Var?], block: Block) -> (name: String, statement: Int)? {
        let n = stack.count, minor = code.version.minor
        let calleeIndex = minor >= 13 ? n - 4 : n - 3
        guard calleeIndex >= 0, let callee = stack[calleeIndex] else { return nil }
        if minor >= 11 {
            // The call's NULL slot: below the callable up to 3.12, above it in 3.13.
            let nullIndex = minor >= 13 ? n - 3 : n - 4
            guard nullIndex >= 0, stack[nullIndex] == nil else { return nil }
        }
        guard let (i, e) = definition(of: callee, in: block) else { return nil }
        switch e {
        case .global(let name) where Self.genexprConsumers.contains(name): return (name, i)
        case .getattr(_, "join"): return ("join", i)
        default: return nil
        }
    }

    /// Whether the instruction after `index` (past PRECALL and caches) is a call with one argument.
    func nextIsSingleArgumentCall(after index: Int) -> Bool {
        var i = index + 1
        while i < cfg.instructions.count, ["PRECALL", "CACHE", "EXTENDED_ARG", "NOP"].contains(cfg.instructions[i].name) { i += 1 }
        guard i < cfg.instructions.count else { return false }
        let c = cfg.instructions[i]
        return ["CALL", "CALL_FUNCTION", "CALL_METHOD"].contains(c.name) && c.arg == 1
    }

    /// How the generator expression called at `index` is lowered; statements it needs first
    /// (the list it fills) are appended to `block`. Throws for a generator that escapes.
    mutating func chooseGenexprMode(_ ins: Instruction, index: Int, stack: [Var?], block: inout Block) throws -> GenexprMode {
        guard let (consumer, statement) = genexprCallee(stack, block: block) else { throw genexprError(ins) }
        if consumer == "any" || consumer == "all", nextIsSingleArgumentCall(after: index) {
            // The call is replaced by the loop's result: the builtin itself is never used.
            if case .assign(let v, _) = block.statements[statement].node {
                block.statements[statement] = Located(.assign(v, .const(.none)), block.statements[statement].position)
            }
            return .anyAll(consumer == "any")
        }
        let acc = function.newVar("<genexpr>")
        block.statements.append(Located(.assign(acc, .buildList([])), ins.position))
        return .collect(acc)
    }

    /// A call whose only argument is the result of a fused any()/all().
    func callsFusedGenexpr(_ stack: [Var?], argc: Int) -> Bool {
        guard argc == 1, let top = stack.last, let v = top else { return false }
        return fusedResults.contains(v)
    }

    /// Replaces that call by its argument (the any()/all() result computed by the loop).
    mutating func replaceFusedCall(_ ins: Instruction, stack: inout [Var?], block: inout Block) throws {
        guard let top = stack.popLast(), let result = top else {
            throw CompileError(.internal, "malformed any()/all() call", at: ins.position, stage: "frontend")
        }
        let slots = code.version.minor <= 10 ? 1 : 2
        guard stack.count >= slots else {
            throw CompileError(.internal, "value stack underflow at \(ins.name)", at: ins.position, stage: "frontend")
        }
        stack.removeLast(slots)
        let v = temp()
        block.statements.append(Located(.assign(v, .copy(result)), ins.position))
        stack.append(v)
    }

    /// GEN_START, RETURN_GENERATOR and YIELD_VALUE inside an inlined generator expression;
    /// true when the instruction ended `block`.
    mutating func translateGenexprOp(_ ins: Instruction, index: Int, b: Int, stack: inout [Var?],
                                     block: inout Block) throws -> Bool {
        func constNone() -> Var {
            let v = temp()
            block.statements.append(Located(.assign(v, .const(.none)), ins.position))
            return v
        }
        switch ins.name {
        case "GEN_START":
            return false  // 3.10: pops the first value sent in, which is never pushed here
        case "RETURN_GENERATOR":
            stack.append(constNone())  // the value sent in when the generator starts (POP_TOP follows)
            return false
        default:
            break
        }
        guard let top = stack.popLast(), let value = top, let mode = genexprMode,
              let (result, exit) = returnTarget else {
            throw CompileError(.internal, "malformed generator expression", at: ins.position, stage: "frontend")
        }
        switch mode {
        case .collect(let acc):
            block.statements.append(Located(.listAppend(list: acc, value: value), ins.position))
            stack.append(constNone())  // the value of the yield expression
            return false
        case .anyAll(let isAny):
            let truth = temp()
            block.statements.append(Located(.assign(truth, .truth(value)), ins.position))
            let none = constNone()
            // Decided: any() found a true value, all() a false one.
            let decided = Label(nextLabel)
            nextLabel += 1
            var done = Block(label: decided, offset: -1)
            done.statements.append(Located(.assign(result, .const(.bool(isAny))), ins.position))
            done.terminator = Located(.jump(exit), ins.position)
            inlinedBlocks.append(done)
            // Otherwise the generator goes on after the yield.
            let key = -(continuations.count + 1)
            continuations[key] = (b, index + 1)
            entryStacks[key] = stack + [none]
            entryOverrides[key] = localOverrides
            let goOn = label(for: key)
            worklist.append(key)
            block.terminator = Located(.branch(truth, ifTrue: isAny ? decided : goOn, ifFalse: isAny ? goOn : decided),
                                       ins.position)
            return true
        }
    }

    /// The value an inlined generator expression's return gives its consumer.
    func genexprResult(_ mode: GenexprMode) -> Expr {
        switch mode {
        case .collect(let acc): return .copy(acc)
        case .anyAll(let isAny): return .const(.bool(!isAny))  // the loop ended: any() false, all() true
        }
    }
}
