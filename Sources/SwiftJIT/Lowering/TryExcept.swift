import CLLVM

/// try/except in nopython code (Frontend/TranslatorExceptions.swift builds the IR).
///
/// Every error exit of a status-convention function leaves the exception descriptor in the
/// context (`ctx->exc`) and its traceback entries in `ctx->trace`. Inside a block covered by a
/// handler, `exceptionExit` branches to the handler instead of releasing the slots and
/// returning the failure; the handler reads the descriptor (`caught_exception()`), tests its
/// class (`exception_matches`: `PyType_IsSubtype` of the descriptor's class, or
/// `PyErr_ExceptionMatches` for an error the C API left pending) and, once it handles it,
/// forgets the traceback entries and the pending error (`clear_exception`). A RERAISE puts
/// the descriptor back and takes the exit again, so an exception no clause matches goes on
/// as if there were no try, with its traceback entries.
extension FunctionLowering {
    /// The LLVM block of the handler covering the IR block being lowered, if any.
    var currentHandlerBlock: LLVMBasicBlockRef? {
        guard currentIRBlock >= 0, currentIRBlock < typed.ir.blocks.count,
              let h = typed.ir.blocks[currentIRBlock].handler, h.label.id < blocks.count,
              case .assign(_, .caughtException)? = typed.ir.blocks[h.label.id].statements.first?.node else { return nil }
        return blocks[h.label.id]
    }

    /// A suffix that keeps shared raising blocks apart for code under different handlers.
    var handlerKeySuffix: String {
        guard currentIRBlock >= 0, currentIRBlock < typed.ir.blocks.count,
              let h = typed.ir.blocks[currentIRBlock].handler else { return "" }
        return "\u{0}h\(h.label.id)"
    }

    /// Ends the current block with the exception in the context: a jump to the handler
    /// covering it, or (`release`: after releasing the owned slots) a return of `status`
    /// (1 by default). Returns the `ret` instruction, if any.
    @discardableResult
    func exceptionExit(_ status: LLVMValueRef? = nil, release: Bool = true) -> LLVMValueRef? {
        if let h = currentHandlerBlock {
            b.br(h)
            return nil
        }
        if release { releaseAllSlots() }
        return LLVMBuildRet(b.builder, status ?? b.int(1, b.i32))
    }

    /// `caught_exception()`: the address of the descriptor in the context.
    func lowerCaughtException() -> LLVMValueRef {
        LLVMBuildPtrToInt(b.builder, b.load(b.ptr, context), b.i64, "caught")!
    }

    /// The descriptor held by a caught-exception variable.
    func descriptor(_ v: Var) throws -> LLVMValueRef {
        LLVMBuildIntToPtr(b.builder, try load(v), b.ptr, "desc")!
    }

    /// `exception_matches(exc, cls)`: whether the caught exception is an instance of `cls`
    /// (or of one of a tuple of classes), subclasses included as in Python.
    func lowerExceptionMatches(_ exc: Var, _ cls: Var) throws -> LLVMValueRef {
        let names = TryExceptTyping.classNames(typed.type(of: cls))
        guard !names.isEmpty else { throw fail("except clause without exception classes") }
        let desc = try descriptor(exc)
        // The descriptor holds the address of the variable holding the class; a variable
        // holding NULL stands for an error the C API left pending (swiftjit_pending_exception).
        let actual = b.load(b.ptr, b.load(b.ptr, desc))
        let result = entryAlloca(b.i1, "exc.match")
        let pending = b.appendBlock(fn, "exc.pending"), known = b.appendBlock(fn, "exc.known")
        let done = b.appendBlock(fn, "exc.matched")
        b.condBr(LLVMBuildIsNull(b.builder, actual, "")!, pending, known)

        // An error the C API left pending (GIL held: only C API calls leave one).
        b.position(at: pending)
        let matchesType = b.functionType(b.i32, [b.ptr])
        var any = b.bool(false)
        for n in names {
            let target = b.load(b.ptr, exceptionClassVariable(n))
            let r = b.call(matchesType, b.declare("PyErr_ExceptionMatches", matchesType), [target])
            any = b.or(any, b.icmp(LLVMIntNE, r, b.int(0, b.i32)))
        }
        b.store(any, result)
        b.br(done)

        // A descriptor naming its class.
        b.position(at: known)
        let subtypeType = b.functionType(b.i32, [b.ptr, b.ptr])
        any = b.bool(false)
        for n in names {
            let target = b.load(b.ptr, exceptionClassVariable(n))
            let r = b.call(subtypeType, b.declare("PyType_IsSubtype", subtypeType), [actual, target])
            any = b.or(any, b.icmp(LLVMIntNE, r, b.int(0, b.i32)))
        }
        b.store(any, result)
        b.br(done)
        b.position(at: done)
        return b.load(b.i1, result)
    }

    /// `clear_exception(exc)`: the exception is handled; its traceback entries and a pending
    /// Python error are forgotten.
    func lowerClearException(_ exc: Var) throws {
        let desc = try descriptor(exc)
        let some = b.appendBlock(fn, "exc.clear"), done = b.appendBlock(fn, "exc.cleared")
        b.condBr(LLVMBuildIsNull(b.builder, desc, "")!, done, some)  // nothing handled: nothing to do
        b.position(at: some)
        let actual = b.load(b.ptr, b.load(b.ptr, desc))  // NULL: a pending Python error
        let pending = b.appendBlock(fn, "exc.clear.pending"), trace = b.appendBlock(fn, "exc.clear.trace")
        b.condBr(LLVMBuildIsNull(b.builder, actual, "")!, pending, trace)
        b.position(at: pending)
        let clearType = b.functionType(b.void, [])
        b.call(clearType, b.declare("PyErr_Clear", clearType), [])
        b.br(trace)
        b.position(at: trace)
        // ctx->trace (field 5): free(NULL) is a no-op.
        let ctxType = FunctionLowering.contextType(b)
        let field = b.gep(ctxType, context, [b.int(0, b.i32), b.int(5, b.i32)])
        let freeType = b.functionType(b.void, [b.ptr])
        b.call(freeType, b.declare("free", freeType), [b.load(b.ptr, field)])
        b.store(LLVMConstNull(b.ptr), field)
        b.br(done)
        b.position(at: done)
    }

    /// `reraise_caught exc`: raises the caught exception again. A bare `raise` (`newEntry`)
    /// records its own line; with nothing being handled it is Python's RuntimeError.
    func lowerReraise(_ exc: Var, newEntry: Bool) throws {
        let desc = try descriptor(exc)
        let none = b.appendBlock(fn, "reraise.none"), some = b.appendBlock(fn, "reraise.some")
        b.condBr(LLVMBuildIsNull(b.builder, desc, "")!, none, some)
        b.position(at: none)
        raise("RuntimeError", "No active exception to reraise")
        b.position(at: some)
        b.store(desc, context)
        if newEntry { recordTraceEntry() }
        exceptionExit()
        // The IR block ends `unreachable`: give it a block of its own.
        b.position(at: b.appendBlock(fn, "after.reraise"))
    }
}
