/// try/except/else/finally in nopython mode (3.11+, from the code's exception table).
///
/// Blocks covered by an exception table entry record their handler (`Block.handler`, as in
/// object mode); lowering sends their error exits there instead of returning the failure
/// (`Lowering/TryExcept.swift`). Exceptions are not objects in nopython mode: the value a
/// handler receives is the exception descriptor's address (an int64, `caught_exception()`).
///
/// - PUSH_EXC_INFO: the previous handled exception is pushed below the exception, and
///   `$handled` (this function's "exception being handled", for a bare `raise`) becomes it;
///   POP_EXCEPT restores `$handled` from the popped value.
/// - CHECK_EXC_MATCH: `exception_matches(exc, class or tuple of classes)`.
/// - The POP_TOP (or `as e` STORE_FAST) that follows a matching clause, or starts a bare
///   `except:`, is where the exception is handled: `clear_exception(exc)` forgets its
///   traceback entries and a pending Python error.
/// - RERAISE: `reraise_caught exc` (the exception goes on as it was); a bare `raise` in a
///   handler re-raises `$handled` and records the line of the `raise`.
/// - `except ... as e`: the name is bound, but reading it is an UnsupportedError (exception
///   objects are not nopython values, as in Numba).
extension Translator {
    /// The exception table entries nopython mode follows. 3.12+ inline comprehensions have
    /// entries of their own (a cleanup that restores the comprehension's variables and
    /// re-raises): their ranges go straight to the handler that covers that cleanup, if any.
    static func nopythonHandlers(_ instructions: [Instruction], _ code: CodeObject) -> [ExceptionTableEntry] {
        let entries = ExceptionTableEntry.parse(code)
        func first(at offset: Int) -> Instruction? { instructions.first { $0.offset >= offset } }
        var out: [ExceptionTableEntry] = []
        for e in entries {
            guard first(at: e.target)?.name == "SWAP" else { out.append(e); continue }
            // A comprehension's cleanup: what covers it receives the exception.
            if let outer = entries.first(where: { $0.start <= e.target && e.target < $0.end }),
               first(at: outer.target)?.name != "SWAP" {
                out.append(ExceptionTableEntry(start: e.start, end: e.end, target: outer.target,
                                               depth: outer.depth, lasti: outer.lasti))
            }
        }
        return out
    }

    /// Offsets of the instructions where a caught exception is handled: the POP_TOP or
    /// STORE_FAST after a matching `except` clause, and the POP_TOP of a bare `except:`.
    static func handledPoints(_ instructions: [Instruction]) -> Set<Int> {
        var out = Set<Int>()
        for (j, ins) in instructions.enumerated() {
            if ins.name == "CHECK_EXC_MATCH", j + 2 < instructions.count {
                let next = instructions[j + 2]
                if next.name == "POP_TOP" || next.name == "STORE_FAST" { out.insert(next.offset) }
                if let t = instructions[j + 1].jumpTarget,
                   let k = instructions.firstIndex(where: { $0.offset == t || $0.startOffset == t }),
                   instructions[k].name == "POP_TOP" {
                    out.insert(instructions[k].offset)
                }
            } else if ins.name == "PUSH_EXC_INFO", j + 1 < instructions.count, instructions[j + 1].name == "POP_TOP" {
                out.insert(instructions[j + 1].offset)
            }
        }
        return out
    }

    /// Offsets of the POP_EXCEPTs of cleanup handlers (`COPY 3; POP_EXCEPT; RERAISE 1`), which
    /// pass a new exception on rather than finish handling one.
    static func cleanupPopExcepts(_ instructions: [Instruction]) -> Set<Int> {
        var out = Set<Int>()
        for (j, ins) in instructions.enumerated() where ins.name == "POP_EXCEPT" && j > 0 {
            if instructions[j - 1].name == "COPY" && instructions[j - 1].arg == 3 { out.insert(ins.offset) }
        }
        return out
    }

    /// `except E as e`: reading `e` is rejected (exception objects are not nopython values).
    static func rejectExceptionObjectReads(_ instructions: [Instruction], _ code: CodeObject,
                                           handled: Set<Int>) throws {
        var bound = Set<Int>()
        for ins in instructions where ins.name == "STORE_FAST" && handled.contains(ins.offset) { bound.insert(ins.arg) }
        guard !bound.isEmpty else { return }
        for ins in instructions {
            var reads: [Int] = []
            switch ins.name {
            case "LOAD_FAST", "LOAD_FAST_CHECK": reads = [ins.arg]
            case "LOAD_FAST_LOAD_FAST": reads = [ins.arg >> 4, ins.arg & 15]
            case "STORE_FAST_LOAD_FAST": reads = [ins.arg & 15]
            case "LOAD_CLOSURE", "MAKE_CELL": reads = code.version.minor >= 11 ? [ins.arg] : []
            default: continue
            }
            if let r = reads.first(where: { bound.contains($0) }) {
                let name = r < code.varnames.count ? code.varnames[r] : "e"
                throw CompileError(.unsupported,
                                   "the exception bound by 'except ... as \(name)' cannot be used in nopython mode "
                                   + "(exceptions are not objects there, as in Numba): test the class with "
                                   + "separate except clauses instead",
                                   at: ins.position.line >= 0 ? ins.position : SourcePosition(line: code.firstLineNumber),
                                   stage: "frontend")
            }
        }
    }

    /// The variable holding the exception being handled (0: none), for a bare `raise`.
    mutating func handledVariable() -> Var {
        if let v = handledVar { return v }
        let v = function.newVar("$handled")
        handledVar = v
        return v
    }

    /// At the start of a handler block: its exception slot receives the caught exception,
    /// its lasti slot (cleanup handlers) a meaningless 0.
    mutating func enterHandlerTarget(_ ins: Instruction, stack: [Var?], block: inout Block) {
        guard let h = handlers.first(where: { $0.target == ins.offset || $0.target == ins.startOffset }),
              stack.count == h.depth + (h.lasti ? 1 : 0) + 1 else { return }
        if let exc = stack[stack.count - 1] {
            block.statements.append(Located(.assign(exc, .caughtException), ins.position))
        }
        if h.lasti, let l = stack[h.depth] {
            block.statements.append(Located(.assign(l, .const(.int(0))), ins.position))
        }
    }

    /// The nopython opcodes of try/except; `.notHandled` lets the main switch go on.
    mutating func translateTryOpcode(_ ins: Instruction, stack: inout [Var?],
                                     block: inout Block) throws -> ObjectModeStep {
        func stmt(_ s: Stmt) { block.statements.append(Located(s, ins.position)) }
        func popValue() throws -> Var {
            guard let v = stack.popLast(), let value = v else {
                throw CompileError(.internal, "value stack underflow at \(ins.name)", at: ins.position, stage: "frontend")
            }
            return value
        }
        switch ins.name {
        case "PUSH_EXC_INFO":
            let exc = try popValue()
            let handled = handledVariable()
            let prev = temp()
            stmt(.assign(prev, .copy(handled)))
            stmt(.assign(handled, .copy(exc)))
            stack.append(prev)
            stack.append(exc)
        case "POP_EXCEPT":
            let prev = try popValue()
            // Leaving a handler other than by the cleanup that re-raises a new exception (COPY 3
            // before it): the handled exception is done with, also when no clause cleared it
            // (a `finally` body that returns or breaks swallows it).
            if !cleanupPops.contains(ins.offset) { stmt(.clearException(handledVariable())) }
            stmt(.assign(handledVariable(), .copy(prev)))
        case "CHECK_EXC_MATCH":
            let cls = try popValue()
            guard let top = stack.last, let exc = top else {
                throw CompileError(.internal, "CHECK_EXC_MATCH without an exception", at: ins.position, stage: "frontend")
            }
            let v = temp()
            stmt(.assign(v, .exceptionMatches(exc, cls)))
            stack.append(v)
        case "POP_TOP" where handledPoints.contains(ins.offset):
            stmt(.clearException(try popValue()))
        case "STORE_FAST" where handledPoints.contains(ins.offset):
            // `except E as e`: handled, then bound as usual (reads are rejected beforehand).
            guard let top = stack.last, let exc = top else { return .notHandled }
            stmt(.clearException(exc))
            return .notHandled
        case "RERAISE":
            stmt(.reraiseCaught(try popValue(), newEntry: false))
            block.terminator = Located(.unreachable, ins.position)
            return .terminated
        case "RAISE_VARARGS" where ins.arg == 0:
            stmt(.reraiseCaught(handledVariable(), newEntry: true))
            block.terminator = Located(.unreachable, ins.position)
            return .terminated
        case "BEFORE_WITH", "WITH_EXCEPT_START":
            throw unsupported("with statements", ins)
        case "CHECK_EG_MATCH", "PREP_RERAISE_STAR":
            throw unsupported("except* clauses", ins)
        default:
            return .notHandled
        }
        return .handled
    }
}
