/// The opcodes only object mode translates: containers, f-strings, imports,
/// attribute and item deletion, globals, `f(*a, **k)`, inner functions and
/// cells. Every value is a Python object there, so these become IR expressions
/// (`Expr.buildList`, ...) that `ObjectLowering` turns into CPython C API calls;
/// the nopython stages reject them with a clear error.

/// What `translateObjectMode` did with an instruction.
enum ObjectModeStep {
    case notHandled, handled
    /// The block ended (its terminator is set).
    case terminated
}

/// Where a LOAD_DEREF / STORE_DEREF / LOAD_CLOSURE / MAKE_CELL argument points.
enum DerefSlot {
    /// A cell variable of this function: the variable holding its cell.
    case cell(Var, name: String)
    /// A free variable (a cell of the enclosing function).
    case free(String)
}

extension Translator {
    /// The slot a cell/free-variable opcode argument names (3.11+: an index into
    /// the "fast locals plus" array; 3.10: into cellvars + freevars).
    mutating func derefSlot(_ arg: Int, _ ins: Instruction) throws -> DerefSlot {
        func cellVar(_ name: String) -> Var {
            if let i = code.varnames.firstIndex(of: name) { return locals[i] }
            if let v = cellVars[name] { return v }
            let v = function.newVar(name)
            cellVars[name] = v
            return v
        }
        if code.version.minor <= 10 {
            if arg < code.cellvars.count { return .cell(cellVar(code.cellvars[arg]), name: code.cellvars[arg]) }
            let f = arg - code.cellvars.count
            guard f >= 0, f < code.freevars.count else {
                throw CompileError(.internal, "bad cell index \(arg)", at: ins.position, stage: "frontend")
            }
            return .free(code.freevars[f])
        }
        if arg < code.varnames.count { return .cell(locals[arg], name: code.varnames[arg]) }
        let cellsNotArgs = code.cellvars.filter { !code.varnames.contains($0) }
        let j = arg - code.varnames.count
        if j < cellsNotArgs.count { return .cell(cellVar(cellsNotArgs[j]), name: cellsNotArgs[j]) }
        let f = j - cellsNotArgs.count
        guard f >= 0, f < code.freevars.count else {
            throw CompileError(.internal, "bad cell index \(arg)", at: ins.position, stage: "frontend")
        }
        return .free(code.freevars[f])
    }

    /// Translates `ins` when object mode handles it differently from nopython
    /// mode or nopython mode does not handle it at all.
    mutating func translateObjectMode(_ ins: Instruction, index: Int, b: Int, stack: inout [Var?],
                                      block: inout Block) throws -> ObjectModeStep {
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
        func popValues(_ n: Int) throws -> [Var] {
            var items: [Var] = []
            for _ in 0..<n { items.append(try popValue()) }
            return items.reversed()
        }
        func emit(_ v: Var, _ e: Expr) { block.statements.append(Located(.assign(v, e), ins.position)) }
        func push(_ e: Expr) { let v = temp(); emit(v, e); stack.append(v) }
        func stmt(_ s: Stmt) { block.statements.append(Located(s, ins.position)) }
        /// The value `depth` entries below the top (1 = the top), after the pops.
        func peek(_ depth: Int) throws -> Var {
            guard depth >= 1, depth <= stack.count, let v = stack[stack.count - depth] else {
                throw CompileError(.internal, "\(ins.name) beyond the stack", at: ins.position, stage: "frontend")
            }
            return v
        }
        func name(_ i: Int) throws -> String {
            guard i >= 0, i < code.names.count else {
                throw CompileError(.internal, "name index out of range", at: ins.position, stage: "frontend")
            }
            return code.names[i]
        }

        switch ins.name {
        case "LOAD_CONST":
            guard ins.arg < code.constants.count else {
                throw CompileError(.internal, "constant index out of range", at: ins.position, stage: "frontend")
            }
            push(.const(code.constants[ins.arg]))
        case "LOAD_FAST_AND_CLEAR":
            guard ins.arg < locals.count else { throw unsupported("closures over cells", ins) }
            push(.takeLocal(locals[ins.arg]))
        case "BUILD_LIST": push(.buildList(try popValues(ins.arg)))
        case "BUILD_SET": push(.buildSet(try popValues(ins.arg)))
        case "BUILD_MAP":
            let items = try popValues(2 * ins.arg)
            push(.buildMap(keys: stride(from: 0, to: items.count, by: 2).map { items[$0] },
                           values: stride(from: 1, to: items.count, by: 2).map { items[$0] }))
        case "BUILD_CONST_KEY_MAP":
            let keys = try popValue()
            let values = try popValues(ins.arg)
            var keyVars: [Var] = []
            for i in 0..<ins.arg {
                let k = temp()
                emit(k, .staticGetitem(keys, i))
                keyVars.append(k)
            }
            push(.buildMap(keys: keyVars, values: values))
        case "LIST_APPEND":
            let v = try popValue()
            stmt(.listAppend(list: try peek(ins.arg), value: v))
        case "SET_ADD":
            let v = try popValue()
            stmt(.setAdd(set: try peek(ins.arg), value: v))
        case "MAP_ADD":
            let value = try popValue(), key = try popValue()
            stmt(.mapAdd(dict: try peek(ins.arg), key: key, value: value))
        case "LIST_EXTEND":
            let v = try popValue()
            stmt(.listExtend(try peek(ins.arg), v))
        case "SET_UPDATE":
            let v = try popValue()
            stmt(.setUpdate(try peek(ins.arg), v))
        case "DICT_UPDATE", "DICT_MERGE":
            let v = try popValue()
            stmt(.dictUpdate(try peek(ins.arg), v, merge: ins.name == "DICT_MERGE"))
        case "LIST_TO_TUPLE":
            push(.listToTuple(try popValue()))
        case "FORMAT_VALUE":
            let spec = ins.arg & 4 != 0 ? try popValue() : nil
            push(.formatValue(try popValue(), conversion: ins.arg & 3, spec: spec))
        case "BUILD_STRING":
            push(.buildString(try popValues(ins.arg)))
        case "IMPORT_NAME":
            let fromlist = try popValue(), level = try popValue()
            push(.importName(try name(ins.arg), fromlist: fromlist, level: level))
        case "IMPORT_FROM":
            push(.importFrom(try peek(1), try name(ins.arg)))
        case "STORE_ATTR":
            let obj = try popValue(), value = try popValue()
            stmt(.setattr(target: obj, name: try name(ins.arg), value: value))
        case "DELETE_ATTR":
            stmt(.delattr(target: try popValue(), name: try name(ins.arg)))
        case "DELETE_SUBSCR":
            let index = try popValue(), obj = try popValue()
            stmt(.delitem(target: obj, index: index))
        case "STORE_GLOBAL":
            stmt(.storeGlobal(try name(ins.arg), try popValue()))
        case "DELETE_GLOBAL":
            stmt(.deleteGlobal(try name(ins.arg)))
        case "UNPACK_SEQUENCE":
            let seq = try popValue()
            let t = temp()
            emit(t, .unpack(seq, count: ins.arg))
            for i in (0..<ins.arg).reversed() { push(.staticGetitem(t, i)) }
        case "LOAD_BUILD_CLASS":
            push(.global("__build_class__"))
        case "CALL_FUNCTION_EX":
            let kwargs = ins.arg & 1 != 0 ? try popValue() : nil
            let args = try popValue()
            let callee: Var
            if code.version.minor <= 10 {
                callee = try popValue()
            } else {
                let second = try pop(), first = try pop()
                guard let f = first ?? second else {
                    throw CompileError(.internal, "call of NULL", at: ins.position, stage: "frontend")
                }
                callee = f
            }
            push(.callEx(callee, args: args, kwargs: kwargs))
        // (each pattern needs its own `where`: a case's `where` guards only its last pattern)
        case "LOAD_FAST" where code.version.minor >= 13 && ins.arg >= code.varnames.count,
             "LOAD_FAST_CHECK" where code.version.minor >= 13 && ins.arg >= code.varnames.count:
            // 3.13 builds closures with LOAD_FAST of the cell (no LOAD_CLOSURE any more).
            switch try derefSlot(ins.arg, ins) {
            case .cell(let v, _): push(.copy(v))
            case .free(let n): push(.freevarCell(n))
            }
        case "MAKE_FUNCTION" where code.version.minor >= 13:
            // 3.13: the code object only; SET_FUNCTION_ATTRIBUTE adds defaults and the closure.
            push(.makeFunction(code: try popValue(), defaults: nil, kwdefaults: nil, closure: nil))
        case "SET_FUNCTION_ATTRIBUTE":
            let f = try popValue(), value = try popValue()
            // The function is the MAKE_FUNCTION just before (in this block): its attribute joins that expression.
            guard let i = block.statements.lastIndex(where: {
                if case .assign(f, .makeFunction) = $0.node { return true }
                return false
            }), case .assign(_, .makeFunction(let c, var defaults, var kwdefaults, var closure)) = block.statements[i].node
            else {
                throw CompileError(.internal, "SET_FUNCTION_ATTRIBUTE without its MAKE_FUNCTION", at: ins.position,
                                   stage: "frontend")
            }
            switch ins.arg {
            case 1: defaults = value
            case 2: kwdefaults = value
            case 4: break  // annotations: not kept (as MAKE_FUNCTION's flag 4 before 3.13)
            case 8: closure = value
            default:
                throw CompileError(.internal, "SET_FUNCTION_ATTRIBUTE \(ins.arg)", at: ins.position, stage: "frontend")
            }
            block.statements[i] = Located(.assign(f, .makeFunction(code: c, defaults: defaults, kwdefaults: kwdefaults,
                                                                   closure: closure)), block.statements[i].position)
            stack.append(f)
        case "MAKE_FUNCTION":
            if code.version.minor == 10 { _ = try popValue() }  // the qualified name (the code object has one)
            let codeVar = try popValue()
            let closure = ins.arg & 8 != 0 ? try popValue() : nil
            if ins.arg & 4 != 0 { _ = try popValue() }  // annotations: not kept
            let kwdefaults = ins.arg & 2 != 0 ? try popValue() : nil
            let defaults = ins.arg & 1 != 0 ? try popValue() : nil
            push(.makeFunction(code: codeVar, defaults: defaults, kwdefaults: kwdefaults, closure: closure))
        case "MAKE_CELL":
            guard case .cell(let v, _) = try derefSlot(ins.arg, ins) else {
                throw CompileError(.internal, "MAKE_CELL of a free variable", at: ins.position, stage: "frontend")
            }
            emit(v, .makeCell(v))
        case "LOAD_CLOSURE":
            switch try derefSlot(ins.arg, ins) {
            case .cell(let v, _): push(.copy(v))
            case .free(let n): push(.freevarCell(n))
            }
        case "LOAD_DEREF":
            switch try derefSlot(ins.arg, ins) {
            case .cell(let v, let n): push(.cellGet(v, name: n))
            case .free(let n): push(.freevar(n))
            }
        case "STORE_DEREF":
            let value = try popValue()
            switch try derefSlot(ins.arg, ins) {
            case .cell(let v, _): stmt(.cellSet(v, value))
            case .free(let n):
                let cell = temp()
                emit(cell, .freevarCell(n))
                stmt(.cellSet(cell, value))
            }
        case "PUSH_EXC_INFO":
            let exc = try popValue()
            push(.handledException)
            stmt(.setHandledException(exc))
            stack.append(exc)
        case "POP_EXCEPT":
            stmt(.setHandledException(try popValue()))
        case "CHECK_EXC_MATCH":
            let type = try popValue()
            push(.exceptionMatches(try peek(1), type))
        case "RERAISE":
            stmt(.reraise(try popValue()))
            block.terminator = Located(.unreachable, ins.position)
            return .terminated
        case "BEFORE_WITH":
            let mgr = try popValue()
            let pair = temp()
            emit(pair, .beforeWith(mgr))
            push(.staticGetitem(pair, 0))
            push(.staticGetitem(pair, 1))
        case "WITH_EXCEPT_START":
            push(.withExceptStart(exit: try peek(4), exception: try peek(1)))
        case "RAISE_VARARGS" where ins.arg == 2:
            let cause = try popValue(), exc = try popValue()
            let e = temp()
            emit(e, .exceptionWithCause(exc, cause))
            block.terminator = Located(.raise(e), ins.position)
            return .terminated
        case "UNPACK_EX":
            let seq = try popValue()
            let before = ins.arg & 0xFF, after = ins.arg >> 8
            let t = temp()
            emit(t, .unpackEx(seq, before: before, after: after))
            for i in (0..<(before + 1 + after)).reversed() { push(.staticGetitem(t, i)) }
        case "CHECK_EG_MATCH", "PREP_RERAISE_STAR":
            throw unsupported("except* clauses", ins)
        case "BEFORE_ASYNC_WITH":
            throw unsupported("async with statements", ins)
        default:
            return .notHandled
        }
        return .handled
    }
}

/// One entry of a 3.11+ exception table: instructions at byte offsets `start..<end`
/// send their exceptions to `target`, with the value stack cut to `depth` entries
/// (plus the raising instruction's offset when `lasti`) and the exception pushed.
struct ExceptionTableEntry: Hashable, Sendable {
    var start: Int, end: Int, target: Int, depth: Int, lasti: Bool

    /// The entries of `code.exceptionTable` (3.11+: varints of 6 bits, 0x40 continues,
    /// 0x80 starts an entry; offsets in code units).
    static func parse(_ code: CodeObject) -> [ExceptionTableEntry] {
        guard code.version.minor >= 11 else { return [] }
        let bytes = code.exceptionTable
        var i = 0
        func varint() -> Int? {
            guard i < bytes.count else { return nil }
            var b = Int(bytes[i]); i += 1
            var v = b & 63
            while b & 64 != 0 {
                guard i < bytes.count else { return nil }
                b = Int(bytes[i]); i += 1
                v = (v << 6) | (b & 63)
            }
            return v
        }
        var out: [ExceptionTableEntry] = []
        while i < bytes.count {
            guard let start = varint(), let length = varint(), let target = varint(), let dl = varint() else { break }
            out.append(ExceptionTableEntry(start: start * 2, end: (start + length) * 2, target: target * 2,
                                           depth: dl >> 1, lasti: dl & 1 == 1))
        }
        return out
    }
}

extension Translator {
    /// Object mode: when the block starting with `ins` is covered by an exception table
    /// entry, records the handler on the block and passes the stack below the entry's
    /// depth to the handler (the exception itself is stored by the lowering).
    mutating func enterHandlerRange(_ ins: Instruction, stack: [Var?], block: inout Block) throws {
        handlerPrefix = []
        handlerCopied = []
        guard let h = handlers.first(where: { $0.start <= ins.offset && ins.offset < $0.end }) else { return }
        guard let target = cfg.block(atOffset: h.target) else {
            throw CompileError(.internal, "exception handler at \(h.target) starts no block", at: ins.position,
                               stage: "frontend")
        }
        guard h.depth <= stack.count else {
            throw CompileError(.internal, "exception handler deeper than the stack", at: ins.position, stage: "frontend")
        }
        let l = label(for: target)
        var phis: [Var?]
        if let existing = entryStacks[target] {
            guard existing.count == h.depth + (h.lasti ? 1 : 0) + 1 else {
                throw CompileError(.internal, "exception handler entered with different stacks", at: ins.position,
                                   stage: "frontend")
            }
            phis = existing
        } else {
            phis = []
            for slot in 0..<(h.depth + (h.lasti ? 1 : 0) + 1) {
                phis.append(slot < h.depth && stack[slot] == nil ? nil
                            : function.newVar("$phi\(cfg.blocks[target].offset)_\(slot)"))
            }
            entryStacks[target] = phis
            worklist.append(target)
        }
        handlerPrefix = Array(phis[0..<h.depth])
        handlerCopied = Array(repeating: nil, count: h.depth)
        syncHandlerStack(stack, &block, ins)
        guard let exc = phis[phis.count - 1] else {
            throw CompileError(.internal, "exception handler without an exception slot", at: ins.position, stage: "frontend")
        }
        block.handler = ExceptionHandler(label: l, exception: exc, lasti: h.lasti ? phis[h.depth] : nil)
    }
}

extension Translator {
    /// Keeps the handler's stack variables equal to the values below the handler's depth,
    /// as they are before `ins` runs (PUSH_EXC_INFO changes them inside a covered range).
    mutating func syncHandlerStack(_ stack: [Var?], _ block: inout Block, _ ins: Instruction) {
        for slot in 0..<handlerPrefix.count where slot < stack.count {
            if let p = handlerPrefix[slot], let v = stack[slot], p != v, handlerCopied[slot] != v {
                block.statements.append(Located(.assign(p, .copy(v)), ins.position))
                handlerCopied[slot] = v
            }
        }
    }
}

extension Translator {
    /// 3.10 has no MAKE_CELL: the frame makes the cells of cell variables (holding the
    /// argument of the same name, if any) before the first instruction.
    mutating func makeCells310(_ entry: inout Block, _ pos: SourcePosition) {
        guard code.version.minor <= 10 else { return }
        for name in code.cellvars {
            let v: Var
            if let i = code.varnames.firstIndex(of: name) {
                v = locals[i]
            } else if let c = cellVars[name] {
                v = c
            } else {
                v = function.newVar(name)
                cellVars[name] = v
            }
            entry.statements.append(Located(.assign(v, .makeCell(v)), pos))
        }
    }
}
