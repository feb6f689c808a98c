/// The opcodes that exist only in some CPython versions (3.10's per-operator
/// opcodes and stack rotations, 3.12's slices and intrinsics, 3.13's
/// superinstructions and TO_BOOL), and the call protocols of each version.
///
/// The value stack of each version, as far as calls go:
///   3.10  CALL_FUNCTION n:  callable, args                 (no NULL)
///         CALL_METHOD n:    NULL, callable, args  or  method, self, args
///   3.11, 3.12 CALL n:      NULL, callable, args  or  method, self, args
///   3.13  CALL n:           callable, NULL, args  or  method, self, args
/// The translator pushes bound methods as one value (getattr) next to a NULL
/// marker, so a call finds its callee as the non-NULL one of the two slots.
extension Translator {
    /// The operator of 3.10's BINARY_* and INPLACE_* opcodes.
    static let operatorOfOpcode310: [String: BinaryOperator] = [
        "ADD": .add, "SUBTRACT": .sub, "MULTIPLY": .mul, "TRUE_DIVIDE": .trueDiv,
        "FLOOR_DIVIDE": .floorDiv, "MODULO": .mod, "POWER": .pow, "LSHIFT": .lshift,
        "RSHIFT": .rshift, "AND": .and, "OR": .or, "XOR": .xor, "MATRIX_MULTIPLY": .matmul,
    ]

    /// Feature names of opcodes of other versions that nopython mode rejects.
    static let featureOfOpcodeByVersion: [String: String] = [
        "SETUP_FINALLY": "try/except", "SETUP_WITH": "with statements",
        "SETUP_ASYNC_WITH": "async with statements", "JUMP_IF_NOT_EXC_MATCH": "try/except",
        "FORMAT_SIMPLE": "f-strings", "FORMAT_WITH_SPEC": "f-strings", "CONVERT_VALUE": "f-strings",
        "LOAD_CLOSURE": "inner functions and lambdas",
        "RETURN_GENERATOR": "generators", "GEN_START": "generators", "YIELD_FROM": "generators",
        "LOAD_SUPER_ATTR": "super()", "LOAD_FROM_DICT_OR_DEREF": "class bodies",
        "LOAD_FROM_DICT_OR_GLOBALS": "class bodies",
        "CALL_INTRINSIC_2": "generic type parameters",
    ]

    /// A call with `argc` values on top of the two callee slots; the last
    /// `keywords.count` values are passed by keyword.
    mutating func emitCall(argc: Int, keywords: [String], calleeSlots: Int, ins: Instruction,
                           stack: inout [Var?], block: inout Block) throws {
        func pop() throws -> Var? {
            guard let v = stack.popLast() else {
                throw CompileError(.internal, "value stack underflow at \(ins.name)", at: ins.position, stage: "frontend")
            }
            return v
        }
        var args: [Var] = []
        for _ in 0..<argc {
            guard let v = try pop() else {
                throw CompileError(.internal, "NULL argument at \(ins.name)", at: ins.position, stage: "frontend")
            }
            args.append(v)
        }
        args.reverse()
        let callee: Var
        if calleeSlots == 1 {
            guard let f = try pop() else {
                throw CompileError(.internal, "call of NULL", at: ins.position, stage: "frontend")
            }
            callee = f
        } else {
            let second = try pop()
            let first = try pop()
            switch (first, second) {
            case (let f?, let s?):
                callee = f
                args.insert(s, at: 0)
            case (nil, let s?): callee = s
            case (let f?, nil): callee = f
            case (nil, nil):
                throw CompileError(.internal, "call of NULL", at: ins.position, stage: "frontend")
            }
        }
        let v = temp()
        block.statements.append(Located(.assign(v, .call(callee, args: args, keywords: keywords)), ins.position))
        stack.append(v)
    }

    /// The keyword names of a call whose tuple was pushed by the instruction
    /// before `index` (LOAD_CONST of a tuple of strings: 3.10 CALL_FUNCTION_KW, 3.13 CALL_KW).
    func keywordNames(before index: Int, _ ins: Instruction) throws -> [String] {
        guard index > 0 else {
            throw CompileError(.internal, "\(ins.name) without keyword names", at: ins.position, stage: "frontend")
        }
        let previous = cfg.instructions[index - 1]
        guard previous.name == "LOAD_CONST", previous.arg < code.constants.count,
              case .tuple(let items) = code.constants[previous.arg] else {
            throw CompileError(.internal, "\(ins.name) without a constant tuple of keyword names", at: ins.position,
                               stage: "frontend")
        }
        return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }

    /// Removes the assignment of the keyword-name tuple just popped (the names are part of
    /// the call expression; the tuple itself would be a str value nobody reads, which
    /// nogil functions could not hold).
    func dropKeywordNames(_ v: Var?, _ block: inout Block) {
        guard let v = v, let last = block.statements.last, case .assign(v, .const) = last.node else { return }
        block.statements.removeLast()
    }

    /// Translates an opcode of one of the versions other than 3.11 that only
    /// moves values on the stack or emits statements; false when `ins` is none of them.
    mutating func translateVersionSpecific(_ ins: Instruction, index: Int, stack: inout [Var?],
                                           block: inout Block) throws -> Bool {
        func pop() throws -> Var? {
            guard let v = stack.popLast() else {
                throw CompileError(.internal, "value stack underflow at \(ins.name)", at: ins.position, stage: "frontend")
            }
            return v
        }
        func popValue() throws -> Var {
            guard let v = try pop() else {
                throw CompileError(.internal, "NULL where a value was expected at \(ins.name)", at: ins.position,
                                   stage: "frontend")
            }
            return v
        }
        func push(_ e: Expr) {
            let v = temp()
            block.statements.append(Located(.assign(v, e), ins.position))
            stack.append(v)
        }
        func local(_ i: Int) throws -> Var {
            guard i < locals.count else { throw unsupported("closures over cells", ins) }
            return localVar(i)
        }
        func need(_ n: Int) throws {
            guard stack.count >= n else {
                throw CompileError(.internal, "\(ins.name) beyond the stack", at: ins.position, stage: "frontend")
            }
        }
        let name = ins.name
        switch name {
        // 3.10
        case "ROT_TWO":
            try need(2)
            stack.swapAt(stack.count - 1, stack.count - 2)
        case "ROT_THREE", "ROT_FOUR":
            let n = name == "ROT_THREE" ? 3 : 4
            try need(n)
            let top = stack.removeLast()
            stack.insert(top, at: stack.count - (n - 1))
        case "DUP_TOP":
            try need(1)
            stack.append(stack[stack.count - 1])
        case "DUP_TOP_TWO":
            try need(2)
            stack.append(contentsOf: stack[(stack.count - 2)...])
        case "CALL_FUNCTION":
            try emitCall(argc: ins.arg, keywords: [], calleeSlots: 1, ins: ins, stack: &stack, block: &block)
        case "CALL_FUNCTION_KW":
            let names = try keywordNames(before: index, ins)
            dropKeywordNames(try pop(), &block)
            try emitCall(argc: ins.arg, keywords: names, calleeSlots: 1, ins: ins, stack: &stack, block: &block)
        case "CALL_METHOD":
            try emitCall(argc: ins.arg, keywords: [], calleeSlots: 2, ins: ins, stack: &stack, block: &block)
        // 3.12
        case "BINARY_SLICE":
            let end = try popValue(), start = try popValue(), container = try popValue()
            let slice = sliceOf(start, end, ins, &block)
            push(.getitem(container, slice))
        case "STORE_SLICE":
            let end = try popValue(), start = try popValue(), container = try popValue(), value = try popValue()
            let slice = sliceOf(start, end, ins, &block)
            block.statements.append(Located(.setitem(target: container, index: slice, value: value), ins.position))
        case "END_FOR":
            // 3.12: pops the exhausted iterator and the marker FOR_ITER left;
            // 3.13: only the marker (a POP_TOP follows).
            _ = try pop()
            if code.version.minor == 12 { _ = try pop() }
        case "CALL_INTRINSIC_1":
            switch ins.arg {
            case 5: push(.unary(.pos, try popValue()))  // INTRINSIC_UNARY_POSITIVE
            case 6: throw unsupported("tuple(...) of lists", ins)  // INTRINSIC_LIST_TO_TUPLE
            case 3, 4: throw unsupported("generators", ins)
            case 2: throw unsupported("import statements", ins)
            case 1: throw unsupported("interactive expressions", ins)
            default: throw unsupported("generic type parameters", ins)
            }
        // 3.13
        case "TO_BOOL":
            // Its users (conditional jumps, UNARY_NOT) take the truth of any value.
            try need(1)
        case "CALL_KW":
            let names = try keywordNames(before: index, ins)
            dropKeywordNames(try pop(), &block)
            try emitCall(argc: ins.arg, keywords: names, calleeSlots: 2, ins: ins, stack: &stack, block: &block)
        case "LOAD_FAST_LOAD_FAST":
            _ = try local(ins.arg >> 4)
            _ = try local(ins.arg & 15)
            push(fastLoad(ins.arg >> 4))
            push(fastLoad(ins.arg & 15))
        case "STORE_FAST_STORE_FAST":
            let first = try popValue()
            block.statements.append(Located(.assign(try local(ins.arg >> 4), .copy(first)), ins.position))
            let second = try popValue()
            block.statements.append(Located(.assign(try local(ins.arg & 15), .copy(second)), ins.position))
        case "STORE_FAST_LOAD_FAST":
            let v = try popValue()
            block.statements.append(Located(.assign(try local(ins.arg >> 4), .copy(v)), ins.position))
            push(.copy(try local(ins.arg & 15)))
        // 3.10 BINARY_ADD, INPLACE_ADD, ...
        case _ where name.hasPrefix("BINARY_") || name.hasPrefix("INPLACE_"):
            let inplace = name.hasPrefix("INPLACE_")
            guard let op = Self.operatorOfOpcode310[String(name.dropFirst(inplace ? 8 : 7))] else { return false }
            let rhs = try popValue(), lhs = try popValue()
            push(.binary(op, lhs, rhs, inplace: inplace))
        default:
            return false
        }
        return true
    }

    /// The slice `start:end` of BINARY_SLICE / STORE_SLICE (3.12+), placed where
    /// 3.11's BUILD_SLICE is, at `start:end` (the span of the statements that
    /// computed the bounds, when they are on the slice's line), for the same error carets.
    mutating func sliceOf(_ start: Var, _ end: Var, _ ins: Instruction, _ block: inout Block) -> Var {
        func where_(_ v: Var) -> SourcePosition? {
            for st in block.statements.reversed() {
                if case .assign(v, _) = st.node { return st.position }
            }
            return nil
        }
        var pos = ins.position
        if let a = where_(start), let z = where_(end), a.line == z.line, a.line == pos.line,
           a.column >= 0, z.endColumn >= a.column {
            pos = SourcePosition(line: a.line, column: min(a.column, z.column), endColumn: max(a.endColumn, z.endColumn))
        }
        let slice = temp()
        block.statements.append(Located(.assign(slice, .buildSlice([start, end])), pos))
        return slice
    }

    /// 3.10 has no exception table: try blocks and with statements start with SETUP_* opcodes.
    static func rejectSetupBlocks310(_ instructions: [Instruction], _ code: CodeObject,
                                     mode: String = "nopython mode") throws {
        guard code.version.minor <= 10,
              let setup = instructions.first(where: { $0.name.hasPrefix("SETUP_") }) else { return }
        let isWith = setup.name == "SETUP_WITH" || setup.name == "SETUP_ASYNC_WITH"
        var pos = setup.position
        if !isWith, let handler = setup.jumpTarget,
           let h = instructions.firstIndex(where: { $0.offset >= handler }) {
            // The handler's first instruction with a line: its `except` clause.
            pos = instructions[h...].first { $0.position.line >= 0 }?.position ?? pos
        }
        throw CompileError(.unsupported,
                           isWith ? "with statements are not supported in \(mode)" + (mode == "object mode" ? " on Python 3.10" : "")
                                  : "try/except/finally is not supported in \(mode) on Python 3.10"
                                    + (mode == "object mode" ? "" : " (Python 3.11+ compiles it)"),
                           at: pos.line >= 0 ? pos : SourcePosition(line: code.firstLineNumber), stage: "frontend")
    }

    /// 3.12+ inline comprehensions, with an exception table entry that only
    /// restores the comprehension's variables: true when that is all the table is
    /// for (the handlers are never reached), so translation can go on.
    static func onlyComprehensionCleanup(_ instructions: [Instruction], _ code: CodeObject) -> Bool {
        guard code.version.minor >= 12 else { return false }
        let handlers: Set<String> = ["PUSH_EXC_INFO", "BEFORE_WITH", "BEFORE_ASYNC_WITH", "CHECK_EXC_MATCH",
                                     "CHECK_EG_MATCH", "SETUP_FINALLY", "SETUP_CLEANUP", "SETUP_WITH"]
        return !instructions.contains(where: { handlers.contains($0.name) })
        return true
    }
}
