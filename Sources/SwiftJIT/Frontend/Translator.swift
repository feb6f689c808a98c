/// Turns bytecode into IR by abstract interpretation of CPython's value stack.
///
/// Each bytecode block becomes an IR block. Values left on the stack at the end
/// of a block are passed to its successors through "stack variables"
/// (`$phi<block>_<slot>`), assigned by every predecessor before it jumps;
/// type inference unifies them and LLVM's mem2reg makes them SSA phis.
public struct Translator {
    let code: CodeObject
    let cfg: ControlFlowGraph
    var function: IRFunction
    /// Local variable of each co_varnames entry.
    var locals: [Var] = []
    /// IR label of each CFG block, assigned on first visit.
    var labels: [Int: Label] = [:]
    /// Stack variables at entry of each CFG block (nil entries are NULL markers).
    var entryStacks: [Int: [Var?]] = [:]
    var built: [Int: Block] = [:]
    var worklist: [Int] = []
    var tempCounter = 0
    /// Translating for object mode (more opcodes, see TranslatorObjectMode.swift).
    var objectMode = false
    /// Object mode: the variable of each cell variable that is not also an argument or local.
    var cellVars: [String: Var] = [:]
    /// Object mode: the code object's exception table.
    var handlers: [ExceptionTableEntry] = []
    /// Object mode, in a block with a handler: the handler's stack variables below its depth,
    /// and the values last copied into them.
    var handlerPrefix: [Var?] = []
    var handlerCopied: [Var?] = []
    /// Nopython try/except (TranslatorExceptions.swift): where caught exceptions are handled,
    /// and the variable holding the exception being handled (for a bare `raise`).
    var handledPoints: Set<Int> = []
    var cleanupPops: Set<Int> = []
    var handledVar: Var? = nil
    /// The next IR label to give (shared with the translators of inlined comprehensions).
    var nextLabel = 1
    /// Comprehensions (TranslatorComprehensions.swift): blocks that continue a bytecode block
    /// after an inlined comprehension, by negative key: (bytecode block, first instruction).
    var continuations: [Int: (block: Int, start: Int)] = [:]
    /// The blocks of inlined comprehensions.
    var inlinedBlocks: [Block] = []
    /// A comprehension being inlined: where RETURN_VALUE puts its value and goes.
    var returnTarget: (result: Var, label: Label)? = nil
    /// Functions made from comprehension code objects, not yet called.
    var comprehensionCodes: [Var: CodeObject] = [:]
    /// 3.12+ inline comprehensions: locals isolated by LOAD_FAST_AND_CLEAR (slot -> variable),
    /// now and at the entry of each block.
    var localOverrides: [Int: Var] = [:]
    var entryOverrides: [Int: [Int: Var]] = [:]
    /// 3.10: the variable of each cell and free variable (LOAD_DEREF numbering), when
    /// only comprehensions capture them.
    var cells310: [Var] = []
    /// Statements an inlined comprehension needs before its first block (free variables).
    var prelude: [Located<Stmt>] = []
    /// Comprehension results being built: they stay on the stack as themselves, without phis.
    var pinned: Set<Var> = []
    /// An inlined generator expression: what its YIELD_VALUE does (TranslatorGenerators.swift).
    var genexprMode: GenexprMode? = nil
    /// Results of fused any()/all() generator expressions, whose consuming call is replaced.
    var fusedResults: Set<Var> = []

    /// `objectMode`: translate for object mode (`Lowering/ObjectLowering.swift`), which
    /// also takes the opcodes of `TranslatorObjectMode.swift`.
    public static func translate(_ code: CodeObject, objectMode: Bool = false) throws -> IRFunction {
        let mode = objectMode ? "object mode" : "nopython mode"
        if code.flags.contains(.generator) || code.flags.contains(.asyncGenerator) {
            throw CompileError(.unsupported, "generator functions are not supported in \(mode)",
                               at: SourcePosition(line: code.firstLineNumber), stage: "frontend")
        }
        if code.flags.contains(.coroutine) || code.flags.contains(.iterableCoroutine) {
            throw CompileError(.unsupported, "coroutines (async def) are not supported in \(mode)",
                               at: SourcePosition(line: code.firstLineNumber), stage: "frontend")
        }
        if code.flags.contains(.varargs) || code.flags.contains(.varkeywords) {
            throw CompileError(.unsupported, "*args and **kwargs parameters are not supported in \(mode)",
                               at: SourcePosition(line: code.firstLineNumber), stage: "frontend")
        }
        let instructions = try Decoder(version: code.version).decode(code)
        try rejectSetupBlocks310(instructions, code, mode: mode)
        var handlers = objectMode ? ExceptionTableEntry.parse(code) : []
        var handled = Set<Int>()
        if !objectMode, !code.exceptionTable.isEmpty, !Self.onlyComprehensionCleanup(instructions, code) {
            let isWith = instructions.contains { $0.name == "BEFORE_WITH" || $0.name == "BEFORE_ASYNC_WITH" }
            if isWith {
                // The handler's first instruction with a line (PUSH_EXC_INFO itself has none).
                let start = instructions.firstIndex { $0.name == "BEFORE_WITH" || $0.name == "BEFORE_ASYNC_WITH" } ?? 0
                let pos = instructions[start...].first { $0.position.line >= 0 }?.position
                throw CompileError(.unsupported, "with statements are not supported in \(mode)",
                                   at: pos ?? SourcePosition(line: code.firstLineNumber), stage: "frontend")
            }
            // try/except/else/finally (TranslatorExceptions.swift).
            handlers = Self.nopythonHandlers(instructions, code)
            handled = Self.handledPoints(instructions)
            try Self.rejectExceptionObjectReads(instructions, code, handled: handled)
        }
        var leaders = Set<Int>()
        for h in handlers { leaders.formUnion([h.start, h.end, h.target]) }
        var t = try Translator(code: code, cfg: ControlFlowGraph(instructions: instructions, extraLeaders: leaders))
        t.objectMode = objectMode
        t.handlers = handlers
        t.handledPoints = handled
        t.cleanupPops = Self.cleanupPopExcepts(instructions)
        return try t.run()
    }

    init(code: CodeObject, cfg: ControlFlowGraph) throws {
        self.code = code
        self.cfg = cfg
        let argNames = Array(code.varnames.prefix(code.totalArgCount))
        function = IRFunction(name: code.name, qualname: code.qualname, filename: code.filename,
                              firstLine: code.firstLineNumber, argNames: argNames, freevars: code.freevars)
        for name in code.varnames { locals.append(function.newVar(name)) }
        // 3.11+: cells that are not arguments follow the locals (captured by inner functions).
        if code.version.minor >= 11 {
            for name in code.cellvars where !code.varnames.contains(name) { locals.append(function.newVar(name)) }
        }
        if code.version.minor <= 10, Self.onlyComprehensionsCapture(code) {
            cells310 = code.cellvars.map { name in code.varnames.firstIndex(of: name).map { locals[$0] } ?? function.newVar(name) }
        }
    }

    mutating func temp() -> Var {
        tempCounter += 1
        return function.newVar("$\(tempCounter)")
    }

    mutating func label(for block: Int) -> Label {
        if let l = labels[block] { return l }
        // Labels are given in visiting order; block 0 is the synthetic entry.
        let l = Label(nextLabel)
        nextLabel += 1
        labels[block] = l
        return l
    }

    mutating func run() throws -> IRFunction {
        // Entry block: bind arguments, then jump to the first bytecode block.
        var entry = Block(label: Label(0), offset: -1)
        let pos = SourcePosition(line: code.firstLineNumber)
        for i in 0..<code.totalArgCount {
            entry.statements.append(Located(.assign(locals[i], .arg(i)), pos))
        }
        if objectMode { makeCells310(&entry, pos) } else { try rejectCapturedArguments310() }
        if !objectMode, !handlers.isEmpty {
            entry.statements.append(Located(.assign(handledVariable(), .const(.int(0))), pos))
        }
        guard !cfg.blocks.isEmpty else {
            throw CompileError(.internal, "function has no bytecode", stage: "frontend")
        }
        entry.terminator = Located(.jump(label(for: 0)), pos)
        entryStacks[0] = []
        worklist.append(0)
        while let b = worklist.popLast() {
            if built[b] != nil { continue }
            built[b] = try translateBlock(b)
        }
        var blocks = [entry] + (Array(built.values) + inlinedBlocks).sorted { $0.label < $1.label }
        // Renumber labels so that blocks are in index order.
        var renumber: [Label: Label] = [:]
        for (i, b) in blocks.enumerated() { renumber[b.label] = Label(i) }
        for i in blocks.indices {
            blocks[i].label = renumber[blocks[i].label]!
            blocks[i].terminator.node = relabel(blocks[i].terminator.node, renumber)
        }
        function.blocks = blocks
        return function
    }

    func relabel(_ t: Terminator, _ map: [Label: Label]) -> Terminator {
        switch t {
        case .jump(let l): return .jump(map[l]!)
        case .branch(let c, let a, let b): return .branch(c, ifTrue: map[a]!, ifFalse: map[b]!)
        case .forIter(let it, let v, let body, let exit): return .forIter(iterator: it, value: v, body: map[body]!, exit: map[exit]!)
        default: return t
        }
    }

    func unsupported(_ what: String, _ ins: Instruction) -> CompileError {
        // Some instructions (MAKE_CELL, COPY_FREE_VARS) have no position: point at the def line.
        let pos = ins.position.line >= 0 ? ins.position : SourcePosition(line: code.firstLineNumber)
        return CompileError(.unsupported, "\(what) \(what.hasSuffix("s") ? "are" : "is") not supported in "
                            + (objectMode ? "object mode" : "nopython mode")
                            + Suggestions.forFeature(what), at: pos, stage: "frontend")
    }

    /// Feature names for opcodes nopython mode does not handle yet.
    static let featureOfOpcode: [String: String] = [
        "BUILD_LIST": "lists", "LIST_APPEND": "list comprehensions", "LIST_EXTEND": "lists",
        "LIST_TO_TUPLE": "tuple(...) of lists",
        "BUILD_MAP": "dicts", "BUILD_CONST_KEY_MAP": "dicts", "MAP_ADD": "dict comprehensions",
        "DICT_UPDATE": "dicts", "DICT_MERGE": "dicts",
        "BUILD_SET": "sets", "SET_ADD": "set comprehensions", "SET_UPDATE": "sets",
        "FORMAT_VALUE": "f-strings", "BUILD_STRING": "f-strings",
        "YIELD_VALUE": "generators", "GET_YIELD_FROM_ITER": "generators", "SEND": "generators",
        "IMPORT_NAME": "import statements", "IMPORT_FROM": "import statements", "IMPORT_STAR": "import statements",
        "LOAD_BUILD_CLASS": "class definitions", "MAKE_FUNCTION": "inner functions and lambdas",
        "STORE_GLOBAL": "assignments to globals", "DELETE_GLOBAL": "deleting globals",
        "STORE_ATTR": "attribute assignment", "DELETE_ATTR": "attribute deletion",
        "STORE_DEREF": "assignments to variables of an enclosing function",
        "MAKE_CELL": "variables captured by inner functions",
        "BEFORE_WITH": "with statements", "BEFORE_ASYNC_WITH": "async with statements",
        "PUSH_EXC_INFO": "try/except", "CHECK_EXC_MATCH": "try/except",
        "CALL_FUNCTION_EX": "calls with *args or **kwargs",
        "MATCH_CLASS": "match statements", "MATCH_MAPPING": "match statements",
        "MATCH_SEQUENCE": "match statements", "MATCH_KEYS": "match statements",
        "GET_AWAITABLE": "await", "GET_AITER": "async for", "GET_ANEXT": "async for",
        "DELETE_SUBSCR": "del of items", "SETUP_ANNOTATIONS": "annotations",
        "LOAD_CLASSDEREF": "class bodies", "LOAD_NAME": "module-level code", "STORE_NAME": "module-level code",
        "PRINT_EXPR": "interactive expressions",
    ]

    /// Translates the bytecode block `key`, or for a negative key the rest of a bytecode
    /// block after an inlined comprehension.
    mutating func translateBlock(_ key: Int) throws -> Block {
        let (b, start) = key >= 0 ? (key, cfg.blocks[key].range.lowerBound) : continuations[key]!
        let cfgBlock = cfg.blocks[b]
        let ins0 = cfg.instructions[start]
        var block = Block(label: label(for: key), offset: returnTarget != nil ? -1 : ins0.startOffset)
        var stack: [Var?] = entryStacks[key] ?? []
        localOverrides = entryOverrides[key] ?? [:]
        var kwnames: [String] = []
        var lastPos = ins0.position
        let nopythonTry = !objectMode && !handlers.isEmpty
        if nopythonTry, key >= 0 { enterHandlerTarget(ins0, stack: stack, block: &block) }
        if objectMode || nopythonTry { try enterHandlerRange(ins0, stack: stack, block: &block) }

        func pop(_ ins: Instruction) throws -> Var? {
            guard let v = stack.popLast() else {
                throw CompileError(.internal, "value stack underflow at \(ins.name)", at: ins.position, stage: "frontend")
            }
            return v
        }
        func popValue(_ ins: Instruction) throws -> Var {
            guard let v = try pop(ins) else {
                throw CompileError(.internal, "NULL where a value was expected at \(ins.name)", at: ins.position, stage: "frontend")
            }
            return v
        }
        func emit(_ v: Var, _ e: Expr, _ ins: Instruction) {
            block.statements.append(Located(.assign(v, e), ins.position))
        }

        for index in start..<cfgBlock.range.upperBound {
            var ins = cfg.instructions[index]
            if ins.position.line >= 0 { lastPos = ins.position } else { ins.position = lastPos }
            func push(_ e: Expr) { let v = temp(); emit(v, e, ins); stack.append(v) }
            if objectMode {
                syncHandlerStack(stack, &block, ins)
                switch try translateObjectMode(ins, index: index, b: b, stack: &stack, block: &block) {
                case .handled: continue
                case .terminated: return block
                case .notHandled: break
                }
            } else if nopythonTry {
                syncHandlerStack(stack, &block, ins)
                switch try translateTryOpcode(ins, stack: &stack, block: &block) {
                case .handled: continue
                case .terminated: return block
                case .notHandled: break
                }
            }
            switch ins.name {
            case "NOP", "RESUME", "CACHE", "PRECALL", "COPY_FREE_VARS", "EXTENDED_ARG":
                break
            case "LOAD_FAST_AND_CLEAR" where ins.arg < locals.count:
                // 3.12+ inline comprehension: its variable is a new one until the restoring STORE_FAST.
                localOverrides[ins.arg] = function.newVar(function.name(of: locals[ins.arg]))
                stack.append(nil)
            case "STORE_FAST" where stack.last.map({ $0 == nil }) == true && localOverrides[ins.arg] != nil:
                stack.removeLast()
                localOverrides[ins.arg] = nil
            case "LOAD_FAST", "LOAD_FAST_CHECK":
                guard ins.arg < locals.count else { throw unsupported("closures over cells", ins) }
                push(fastLoad(ins.arg))
            case "STORE_FAST":
                let v = try popValue(ins)
                guard ins.arg < locals.count else { throw unsupported("closures over cells", ins) }
                emit(localVar(ins.arg), .copy(v), ins)
            case "DELETE_FAST":
                block.statements.append(Located(.delete(localVar(ins.arg)), ins.position))
            case "LOAD_CONST":
                guard ins.arg < code.constants.count else {
                    throw CompileError(.internal, "constant index out of range", at: ins.position, stage: "frontend")
                }
                push(.const(code.constants[ins.arg]))
            case "RETURN_CONST":
                let v = temp()
                emit(v, .const(code.constants[ins.arg]), ins)
                block.terminator = returnTerminator(v, ins, &block)
                return block
            case "LOAD_GLOBAL":
                // 3.11+: bit 0 pushes a NULL for a call, before the value up to 3.12, after it from 3.13.
                let nameIndex = code.version.minor >= 11 ? ins.arg >> 1 : ins.arg
                let withNull = code.version.minor >= 11 && ins.arg & 1 == 1
                if withNull, code.version.minor <= 12 { stack.append(nil) }
                push(.global(code.names[nameIndex]))
                if withNull, code.version.minor >= 13 { stack.append(nil) }
            case "LOAD_DEREF" where cellName(ins.arg) != nil:
                // A cell of this function: a plain local (see TranslatorFunctions.swift).
                push(.copy(cellVariable(cellName(ins.arg) ?? "")))
            case "LOAD_DEREF" where code.version.minor <= 10 && ins.arg < cells310.count:
                push(.copy(cells310[ins.arg]))  // an inlined comprehension's free variable (3.10)
            case "LOAD_DEREF" where code.version.minor >= 11 && ins.arg < locals.count:
                push(.copy(locals[ins.arg]))  // an inlined comprehension's free variable
            case "LOAD_DEREF":
                let cellsNotArgs = code.cellvars.filter { !code.varnames.contains($0) }
                // 3.10 numbers cells and free variables apart from the locals.
                let i = code.version.minor <= 10 ? ins.arg - code.cellvars.count
                                                 : ins.arg - code.varnames.count - cellsNotArgs.count
                guard i >= 0, i < code.freevars.count else { throw unsupported("variables captured by inner functions", ins) }
                push(.freevar(code.freevars[i]))
            case "LOAD_ASSERTION_ERROR":
                push(.global("AssertionError"))
            case "LOAD_ATTR":
                let obj = try popValue(ins)
                // 3.12+: bit 0 asks for a method and a NULL (as LOAD_METHOD did), in call order.
                let method = code.version.minor >= 12 && ins.arg & 1 == 1
                let name = code.names[code.version.minor >= 12 ? ins.arg >> 1 : ins.arg]
                if method, code.version.minor == 12 { stack.append(nil) }
                push(.getattr(obj, name))
                if method, code.version.minor >= 13 { stack.append(nil) }
            case "LOAD_METHOD":
                let obj = try popValue(ins)
                stack.append(nil)
                push(.getattr(obj, code.names[ins.arg]))
            case "PUSH_NULL":
                stack.append(nil)
            case "KW_NAMES":
                guard case .tuple(let items) = code.constants[ins.arg] else {
                    throw CompileError(.internal, "KW_NAMES without a tuple", at: ins.position, stage: "frontend")
                }
                kwnames = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            case "BUILD_LIST" where isAccumulator(index), "BUILD_SET" where isAccumulator(index),
                 "BUILD_MAP" where isAccumulator(index):
                let acc = function.newVar(ins.name == "BUILD_LIST" ? "<listcomp>" : ins.name == "BUILD_SET" ? "<setcomp>" : "<dictcomp>")
                emit(acc, ins.name == "BUILD_LIST" ? .buildList([]) : ins.name == "BUILD_SET" ? .buildSet([])
                                                   : .buildMap(keys: [], values: []), ins)
                pinned.insert(acc)
                stack.append(acc)
            case "YIELD_VALUE" where genexprMode != nil, "GEN_START" where genexprMode != nil,
                 "RETURN_GENERATOR" where genexprMode != nil:
                if try translateGenexprOp(ins, index: index, b: b, stack: &stack, block: &block) { return block }
            case "CALL" where callsFusedGenexpr(stack, argc: ins.arg),
                 "CALL_FUNCTION" where callsFusedGenexpr(stack, argc: ins.arg):
                try replaceFusedCall(ins, stack: &stack, block: &block)
            case "CALL" where comprehensionCall(stack, argc: ins.arg) != nil,
                 "CALL_FUNCTION" where comprehensionCall(stack, argc: ins.arg) != nil:
                let inlinedBefore = inlinedBlocks.count
                try inlineComprehension(ins, index: index, b: b, stack: &stack, block: &block)
                // Inside a try: exceptions of the inlined comprehension go to the same handler.
                if let h = block.handler {
                    for i in inlinedBefore..<inlinedBlocks.count where inlinedBlocks[i].handler == nil {
                        inlinedBlocks[i].handler = h
                    }
                }
                return block
            case "CALL":
                try emitCall(argc: ins.arg, keywords: kwnames, calleeSlots: 2, ins: ins, stack: &stack, block: &block)
                kwnames = []
            case "BINARY_OP":
                guard let (op, inplace) = BinaryOperator.fromBinaryOpArg(ins.arg) else {
                    throw CompileError(.internal, "unknown BINARY_OP \(ins.arg)", at: ins.position, stage: "frontend")
                }
                let rhs = try popValue(ins), lhs = try popValue(ins)
                push(.binary(op, lhs, rhs, inplace: inplace))
            case "COMPARE_OP":
                guard let op = CompareOperator.fromCompareOpArg(ins.arg, version: code.version) else {
                    throw CompileError(.internal, "unknown COMPARE_OP \(ins.arg)", at: ins.position, stage: "frontend")
                }
                let rhs = try popValue(ins), lhs = try popValue(ins)
                push(.compare(op, lhs, rhs))
            case "IS_OP":
                let rhs = try popValue(ins), lhs = try popValue(ins)
                push(.compare(ins.arg == 0 ? .is : .isNot, lhs, rhs))
            case "CONTAINS_OP":
                let rhs = try popValue(ins), lhs = try popValue(ins)
                push(.compare(ins.arg == 0 ? .in : .notIn, lhs, rhs))
            case "UNARY_NEGATIVE": push(.unary(.neg, try popValue(ins)))
            case "UNARY_POSITIVE": push(.unary(.pos, try popValue(ins)))
            case "UNARY_NOT": push(.unary(.not, try popValue(ins)))
            case "UNARY_INVERT": push(.unary(.invert, try popValue(ins)))
            case "POP_TOP":
                _ = try pop(ins)
            case "COPY":
                guard ins.arg >= 1, ins.arg <= stack.count else {
                    throw CompileError(.internal, "COPY beyond the stack", at: ins.position, stage: "frontend")
                }
                stack.append(stack[stack.count - ins.arg])
            case "SWAP":
                guard ins.arg >= 1, ins.arg <= stack.count else {
                    throw CompileError(.internal, "SWAP beyond the stack", at: ins.position, stage: "frontend")
                }
                stack.swapAt(stack.count - 1, stack.count - ins.arg)
            case "BUILD_TUPLE":
                var items: [Var] = []
                for _ in 0..<ins.arg { items.append(try popValue(ins)) }
                push(.buildTuple(items.reversed()))
            case "BUILD_SLICE":
                var items: [Var] = []
                for _ in 0..<ins.arg { items.append(try popValue(ins)) }
                push(.buildSlice(items.reversed()))
            case "UNPACK_SEQUENCE":
                let seq = try popValue(ins)
                for i in (0..<ins.arg).reversed() { push(.staticGetitem(seq, i)) }
            case "BINARY_SUBSCR":
                let index = try popValue(ins), obj = try popValue(ins)
                push(.getitem(obj, index))
            case "STORE_SUBSCR":
                let index = try popValue(ins), obj = try popValue(ins), value = try popValue(ins)
                block.statements.append(Located(.setitem(target: obj, index: index, value: value), ins.position))
            case "GET_ITER":
                push(.getiter(try popValue(ins)))
            case "FOR_ITER":
                guard let target = ins.jumpTarget, let exitBlock = cfg.block(atOffset: target),
                      let it = stack.last, let iter = it else {
                    throw CompileError(.internal, "malformed FOR_ITER", at: ins.position, stage: "frontend")
                }
                let value = temp()
                let bodyBlock = b + 1
                var bodyStack = stack
                bodyStack.append(value)
                var exitStack = stack
                if cfg.instructions[cfg.blocks[exitBlock].range.lowerBound].name == "END_FOR" {
                    // 3.12+: the exit is END_FOR, which pops the iterator and a value (a NULL marker here).
                    // Only FOR_ITER reaches it: it takes this stack as it is, so that no copy of the
                    // iterator is added to the loop header (the parallel planner wants it empty).
                    exitStack.append(nil)
                    if entryStacks[exitBlock] == nil {
                        entryStacks[exitBlock] = exitStack
                        entryOverrides[exitBlock] = localOverrides
                        worklist.append(exitBlock)
                    }
                } else {
                    exitStack.removeLast()
                }
                // The body is entered only from here, and `value` is set by the
                // terminator itself, so the body takes this stack as it is.
                guard bodyBlock < cfg.blocks.count, entryStacks[bodyBlock] == nil else {
                    throw CompileError(.unsupported, "a for loop body reached from elsewhere", at: ins.position, stage: "frontend")
                }
                entryStacks[bodyBlock] = bodyStack
                entryOverrides[bodyBlock] = localOverrides
                worklist.append(bodyBlock)
                let bodyLabel = label(for: bodyBlock)
                let exitLabel = try flow(to: exitBlock, stack: exitStack, into: &block, ins)
                block.terminator = Located(.forIter(iterator: iter, value: value, body: bodyLabel, exit: exitLabel), ins.position)
                return block
            case "RETURN_VALUE":
                block.terminator = returnTerminator(try popValue(ins), ins, &block)
                return block
            case "RAISE_VARARGS":
                switch ins.arg {
                case 0: block.terminator = Located(.raise(nil), ins.position)
                case 1: block.terminator = Located(.raise(try popValue(ins)), ins.position)
                default: throw unsupported("raise ... from ...", ins)
                }
                return block
            case "JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_ABSOLUTE", "JUMP", "JUMP_NO_INTERRUPT":
                guard let t = ins.jumpTarget, let tb = cfg.block(atOffset: t) else {
                    throw CompileError(.internal, "jump without target", at: ins.position, stage: "frontend")
                }
                block.terminator = Located(.jump(try flow(to: tb, stack: stack, into: &block, ins)), ins.position)
                return block
            case "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_IF_FALSE",
                 "POP_JUMP_FORWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_IF_TRUE",
                 "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NONE", "POP_JUMP_IF_NONE",
                 "POP_JUMP_FORWARD_IF_NOT_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE", "POP_JUMP_IF_NOT_NONE":
                let v = try popValue(ins)
                let cond = temp()
                let jumpsWhenTrue: Bool
                if ins.name.hasSuffix("_NONE") {
                    let none = temp()
                    emit(none, .const(.none), ins)
                    emit(cond, .compare(.is, v, none), ins)
                    jumpsWhenTrue = !ins.name.hasSuffix("NOT_NONE")
                } else {
                    emit(cond, .truth(v), ins)
                    jumpsWhenTrue = ins.name.hasSuffix("TRUE")
                }
                block.terminator = try conditional(cond, jumpsWhenTrue: jumpsWhenTrue, ins: ins, b: b,
                                                   jumpStack: stack, fallStack: stack, into: &block)
                return block
            case "JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP":
                guard let top = stack.last, let v = top else {
                    throw CompileError(.internal, "malformed \(ins.name)", at: ins.position, stage: "frontend")
                }
                let cond = temp()
                emit(cond, .truth(v), ins)
                var fall = stack
                fall.removeLast()
                block.terminator = try conditional(cond, jumpsWhenTrue: ins.name == "JUMP_IF_TRUE_OR_POP", ins: ins,
                                                   b: b, jumpStack: stack, fallStack: fall, into: &block)
                return block
            default:
                if try translateContainerOp(ins, stack: &stack, block: &block) { break }
                if try translateFunctionOpcode(ins, stack: &stack, block: &block) { break }
                if try translateVersionSpecific(ins, index: index, stack: &stack, block: &block) { break }
                if let feature = Self.featureOfOpcode[ins.name] ?? Self.featureOfOpcodeByVersion[ins.name] {
                    throw unsupported(feature, ins)
                }
                throw CompileError(.unsupported, "the bytecode instruction \(ins.name) is not supported in "
                                   + (objectMode ? "object mode" : "nopython mode"),
                                   at: ins.position, stage: "frontend")
            }
        }
        // Fell off the end of the block into the next one.
        let next = b + 1
        guard next < cfg.blocks.count else {
            throw CompileError(.internal, "control falls off the end of the function", at: lastPos, stage: "frontend")
        }
        block.terminator = Located(.jump(try flow(to: next, stack: stack, into: &block, ins0)), lastPos)
        return block
    }

    mutating func conditional(_ cond: Var, jumpsWhenTrue: Bool, ins: Instruction, b: Int,
                              jumpStack: [Var?], fallStack: [Var?], into block: inout Block) throws -> Located<Terminator> {
        guard let t = ins.jumpTarget, let tb = cfg.block(atOffset: t) else {
            throw CompileError(.internal, "branch without target", at: ins.position, stage: "frontend")
        }
        let jumpLabel = try flow(to: tb, stack: jumpStack, into: &block, ins)
        let fallLabel = try flow(to: b + 1, stack: fallStack, into: &block, ins)
        return Located(jumpsWhenTrue ? .branch(cond, ifTrue: jumpLabel, ifFalse: fallLabel)
                                     : .branch(cond, ifTrue: fallLabel, ifFalse: jumpLabel), ins.position)
    }

    /// Records an edge to `target` with the given outgoing stack: assigns the
    /// target's stack variables and queues it for translation.
    mutating func flow(to target: Int, stack: [Var?], into block: inout Block, _ ins: Instruction) throws -> Label {
        guard target < cfg.blocks.count else {
            throw CompileError(.internal, "edge to a block past the end", at: ins.position, stage: "frontend")
        }
        let l = label(for: target)
        if let existing = entryStacks[target] {
            guard existing.count == stack.count else {
                throw CompileError(.unsupported, "this control flow leaves different numbers of values on the stack",
                                   at: ins.position, stage: "frontend")
            }
            for (slot, (phi, v)) in zip(existing, stack).enumerated() {
                switch (phi, v) {
                case (nil, nil): continue
                case (let p?, let v?): if p != v { block.statements.append(Located(.assign(p, .copy(v)), ins.position)) }
                default:
                    throw CompileError(.internal, "stack slot \(slot) is NULL on one edge only", at: ins.position, stage: "frontend")
                }
            }
        } else {
            var phis: [Var?] = []
            for (slot, v) in stack.enumerated() {
                guard let v = v else { phis.append(nil); continue }
                if pinned.contains(v) { phis.append(v); continue }
                let p = function.newVar("$phi\(cfg.blocks[target].offset)_\(slot)")
                block.statements.append(Located(.assign(p, .copy(v)), ins.position))
                phis.append(p)
            }
            entryStacks[target] = phis
            entryOverrides[target] = localOverrides
            worklist.append(target)
            for (v, p) in zip(stack, phis) {
                if let v = v, let p = p, let c = comprehensionCodes[v] { comprehensionCodes[p] = c }
            }
        }
        return l
    }
}
