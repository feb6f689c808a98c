/// List, set and dict comprehensions in nopython mode.
///
/// Up to 3.11 a comprehension is a nested code object called once with the iterator
/// of its first `for` clause as its argument `.0` (MAKE_FUNCTION, the iterable,
/// GET_ITER, CALL). The translator inlines that call: a translator of its own
/// translates the nested code into blocks of this function, sharing its variables
/// and labels. The comprehension's locals become new variables, `.0` is the
/// iterator value, its free variables (the closure cells of 3.10/3.11) are the
/// enclosing function's variables of the same names, and its RETURN_VALUE assigns
/// the call's result and jumps to a block that continues the caller's bytecode
/// block after the CALL (`continuations`). Nested comprehensions inline recursively.
///
/// 3.12+ compiles comprehensions inline (PEP 709): LOAD_FAST_AND_CLEAR saves a
/// variable the comprehension uses and a STORE_FAST of the saved value restores it.
/// In between, that slot is a new variable (`localOverrides`), so the
/// comprehension's variables stay apart from the function's ones of the same name.
extension Translator {
    /// Names of the code objects of comprehensions (3.10, 3.11).
    static let comprehensionNames: Set<String> = ["<listcomp>", "<setcomp>", "<dictcomp>"]

    /// Comprehensions and generator expressions: both are inlined.
    static func isComprehension(_ c: CodeObject) -> Bool { comprehensionNames.contains(c.name) || isGenexpr(c) }

    /// Names captured by nested code objects other than comprehensions, directly or
    /// through comprehensions (those are inlined; other inner functions take cells).
    static func capturedByInnerFunctions(_ code: CodeObject) -> Set<String> {
        var names = Set<String>()
        for case .code(let inner) in code.constants {
            if isComprehension(inner) {
                names.formUnion(capturedByInnerFunctions(inner))
            } else {
                names.formUnion(inner.freevars)
            }
        }
        return names
    }

    /// True when every nested code object that captures a cell of `code` is a comprehension.
    static func onlyComprehensionsCapture(_ code: CodeObject) -> Bool {
        capturedByInnerFunctions(code).isDisjoint(with: code.cellvars)
    }

    /// The variable of local slot `i` (a 3.12+ comprehension's own variable inside it).
    func localVar(_ i: Int) -> Var { localOverrides[i] ?? locals[i] }

    /// The variable of this function named `name` that a comprehension's free variable
    /// refers to; nil when `name` is a free variable of the compiled function itself.
    func variable(named name: String) -> Var? {
        if code.version.minor <= 10 {
            if let i = code.cellvars.firstIndex(of: name), i < cells310.count { return cells310[i] }
            if let i = code.freevars.firstIndex(of: name), code.cellvars.count + i < cells310.count {
                return cells310[code.cellvars.count + i]
            }
            return code.varnames.firstIndex(of: name).map { locals[$0] }
        }
        let names = code.varnames + code.cellvars.filter { !code.varnames.contains($0) } + code.freevars
        guard let i = names.firstIndex(of: name), i < locals.count else { return nil }
        return locals[i]
    }

    /// A translator for comprehension `c`, inlined into `parent`: `.0` is `iterator`,
    /// RETURN_VALUE assigns `returnTo.result` and jumps to `returnTo.label`.
    init(inlining c: CodeObject, into parent: Translator, iterator: Var,
         returnTo: (result: Var, label: Label)) throws {
        let instructions = try Decoder(version: c.version).decode(c)
        try self.init(code: c, cfg: ControlFlowGraph(instructions: instructions))
        function = parent.function
        tempCounter = parent.tempCounter
        nextLabel = parent.nextLabel
        pinned = parent.pinned
        returnTarget = returnTo
        locals = []
        for (i, name) in c.varnames.enumerated() { locals.append(i == 0 ? iterator : function.newVar(name)) }
        var free: [Var] = []
        for name in c.freevars {
            if let v = parent.variable(named: name) {
                free.append(v)
            } else {
                // A free variable of the compiled function itself: its value at compile time.
                let v = function.newVar("$\(name)")
                prelude.append(Located(.assign(v, .freevar(name)), SourcePosition(line: c.firstLineNumber)))
                free.append(v)
            }
        }
        if c.version.minor >= 11 {
            for name in c.cellvars where !c.varnames.contains(name) { locals.append(function.newVar(name)) }
            locals += free
        } else {
            cells310 = c.cellvars.map { name in c.varnames.firstIndex(of: name).map { locals[$0] } ?? function.newVar(name) }
                + free
        }
    }

    /// MAKE_FUNCTION of a comprehension's code object: the function value is a
    /// placeholder the CALL after it inlines (`inlineComprehension`). False for other functions;
    /// generator expressions are an UnsupportedError.
    mutating func makeComprehension(_ ins: Instruction, stack: inout [Var?], block: inout Block) throws -> Bool {
        guard !objectMode else { return false }
        // 3.10 pushes the qualified name above the code object.
        let above = code.version.minor <= 10 ? 1 : 0
        guard stack.count > above, let codeVar = stack[stack.count - 1 - above],
              let (i, e) = definition(of: codeVar, in: block), case .const(.code(let c)) = e else { return false }
        guard Self.isComprehension(c) else { return false }
        if above == 1, let q = stack.last ?? nil, let (j, _) = definition(of: q, in: block), j > i {
            block.statements.remove(at: j)  // a str nobody reads (nogil functions could not hold it)
        }
        block.statements.remove(at: i)
        stack.removeLast(above + 1)
        let flags = code.version.minor >= 13 ? 0 : ins.arg
        if flags & 0x08 != 0 { _ = stack.popLast() }  // the closure's cells: found by name instead
        let v = temp()
        block.statements.append(Located(.assign(v, .const(.none)), ins.position))
        comprehensionCodes[v] = c
        stack.append(v)
        return true
    }

    /// Whether the empty BUILD_LIST/SET/MAP at instruction `index` makes a comprehension's
    /// result: its loop (FOR_ITER) follows, after `.0` (3.10, 3.11) or a SWAP (3.12+).
    func isAccumulator(_ index: Int) -> Bool {
        guard !objectMode, index + 2 < cfg.instructions.count, cfg.instructions[index].arg == 0 else { return false }
        let a = cfg.instructions[index + 1], b = cfg.instructions[index + 2]
        guard b.name == "FOR_ITER" else { return false }
        if code.version.minor >= 12 { return a.name == "SWAP" && a.arg == 2 }
        return returnTarget != nil && a.name == "LOAD_FAST" && a.arg == 0
    }

    /// The comprehension a call on this stack calls: 3.10 CALL_FUNCTION 1 and 3.11
    /// CALL 0 with the comprehension's function under its iterator.
    func comprehensionCall(_ stack: [Var?], argc: Int) -> CodeObject? {
        guard !objectMode, stack.count >= 2, argc == (code.version.minor <= 10 ? 1 : 0),
              let f = stack[stack.count - 2] else { return nil }
        return comprehensionCodes[f]
    }

    /// Inlines the comprehension called by `ins` (instruction `index` of bytecode block `b`)
    /// and ends `block` with a jump into it; the rest of block `b` continues after it.
    mutating func inlineComprehension(_ ins: Instruction, index: Int, b: Int, stack: inout [Var?],
                                      block: inout Block) throws {
        guard let c = comprehensionCall(stack, argc: ins.arg), let top = stack.popLast(), let iterator = top else {
            throw CompileError(.internal, "malformed comprehension call", at: ins.position, stage: "frontend")
        }
        stack.removeLast()
        var mode: GenexprMode? = nil
        if Self.isGenexpr(c) { mode = try chooseGenexprMode(ins, index: index, stack: stack + [nil, iterator], block: &block) }
        let result = temp()
        if case .anyAll? = mode { fusedResults.insert(result) }
        let key = -(continuations.count + 1)
        continuations[key] = (b, index + 1)
        let after = label(for: key)
        // The continuation is entered only from the comprehension's returns: it takes this stack as it is.
        entryStacks[key] = stack + [result]
        entryOverrides[key] = localOverrides
        var sub = try Translator(inlining: c, into: self, iterator: iterator, returnTo: (result, after))
        sub.genexprMode = mode
        let entry = sub.label(for: 0)
        sub.entryStacks[0] = []
        sub.worklist = [0]
        while let k = sub.worklist.popLast() {
            if sub.built[k] == nil { sub.built[k] = try sub.translateBlock(k) }
        }
        function = sub.function
        tempCounter = sub.tempCounter
        nextLabel = sub.nextLabel
        pinned = sub.pinned
        inlinedBlocks += Array(sub.built.values) + sub.inlinedBlocks
        block.statements += sub.prelude
        block.terminator = Located(.jump(entry), ins.position)
        worklist.append(key)
    }

    /// The terminator of a return: a comprehension being inlined gives its value to the caller.
    func returnTerminator(_ v: Var, _ ins: Instruction, _ block: inout Block) -> Located<Terminator> {
        guard let (result, label) = returnTarget else { return Located(.ret(v), ins.position) }
        block.statements.append(Located(.assign(result, genexprMode.map(genexprResult) ?? .copy(v)), ins.position))
        return Located(.jump(label), ins.position)
    }
}
