import CLLVM

/// How a native function returns.
///
/// - `status`: `i32 name.native(ptr ret, ptr ctx, args...)` stores the result through `ret`
///   and returns 0, or stores an exception descriptor in the context and returns 1.
/// - `direct`: `T name.direct(ptr unused, ptr ctx, args...)` returns the value itself. Only
///   functions that cannot raise get one (no raise, assert, boundscheck, ZeroDivisionError or
///   overflow checks, C API calls, calls of callees that may raise), so a caller needs no status
///   check after the call. The one exception they may meet is the stack running out in deep
///   recursion: their stack check then *marks* the context (bit 63 of its stack limit, which
///   also makes every later stack check fail at once) and returns a meaningless zero; every
///   frame above returns as soon as it reaches its own check, and the first status function
///   above (at the latest the `.native` shim) sees the mark after its call, clears it and
///   raises RecursionError. Functions whose code could be harmed by such a meaningless value
///   (loops, memory, side effects) check the mark after each call that may set it
///   (`garbageSafe` false); loop-free scalar functions such as fib skip even that.
///
/// Which functions cannot raise is decided on the call graph: callees are compiled first and
/// their `DirectEntry` travels with the call (`LanguageCall.jitted(direct:)`); a self-recursive
/// function is lowered with the status convention assuming its self-calls do not raise, and if
/// its only exits besides returns are RecursionErrors and those self-calls, the assumption holds
/// (a fixed point): it is lowered again as a direct function, and its `.native` entry becomes a
/// shim calling it.
enum NativeConvention: Equatable {
    case status
    case direct(garbageSafe: Bool)
}

extension FunctionLowering {
    /// The message of the RecursionError raised when the stack runs out.
    static let stackExhaustedMessage = "maximum recursion depth exceeded in compiled code"

    /// Whether raising `cls(message)` is the stack check's RecursionError.
    func isStackExhaustion(_ cls: String, _ message: String?) -> Bool {
        guard cls == "RecursionError", message == FunctionLowering.stackExhaustedMessage else { return false }
        for case .userExceptionClass(let name, _) in typed.globals.values where name == cls { return false }
        return true
    }

    /// The address of the context's stack limit field.
    var stackLimitField: LLVMValueRef {
        b.gep(FunctionLowering.contextType(b), context, [b.int(0, b.i32), b.int(4, b.i32)])
    }

    /// Sets bit 63 of the context's stack limit: the stack is exhausted, every later stack
    /// check fails, and the status caller above raises RecursionError.
    func markStackExhausted() {
        let field = stackLimitField
        let limit = b.load(b.i64, field)
        b.store(LLVMBuildOr(b.builder, limit, b.int(Int64.min), "")!, field)
    }

    /// After a call of a direct function that may have exhausted the stack: a status function
    /// clears the mark and raises RecursionError; a direct one that is not garbage-safe returns
    /// at once (keeping the mark); a garbage-safe one goes on.
    func checkStackMarkAfterCall() {
        if case .direct(let garbageSafe) = convention, garbageSafe { return }
        let field = stackLimitField
        let limit = b.load(b.i64, field)
        let marked = b.icmp(LLVMIntSLT, limit, b.int(0))
        let exhausted = b.appendBlock(fn, "stack.exhausted"), cont = b.appendBlock(fn, "stack.ok")
        b.condBr(b.intrinsic("llvm.expect", [b.i1], [marked, b.bool(false)]), exhausted, cont)
        b.position(at: exhausted)
        if convention == .status {
            b.store(b.and(limit, b.int(Int64.max)), field)
            raise("RecursionError", FunctionLowering.stackExhaustedMessage)
        } else {
            releaseAllSlots()
            LLVMBuildRet(b.builder, LLVMConstNull(LLVMGetReturnType(LLVMGlobalGetValueType(fn))))
        }
        b.position(at: cont)
    }

    /// Calls a direct entry (`target`: this very function, or the callee's symbol).
    func directCall(_ entry: DirectEntry?, target: LLVMValueRef?, _ callArgs: [LLVMValueRef],
                    argTypes: [JITType], result: JITType) throws -> LLVMValueRef {
        let returned = entry == nil ? typed.returnType : result
        let ft = b.functionType(ty(returned), [b.ptr, b.ptr] + argTypes.map { ty($0) })
        let callee: LLVMValueRef
        if let t = target { callee = t } else if let e = entry { callee = b.declare(e.symbol, ft) } else {
            throw fail("direct call without a target")
        }
        let value = b.call(ft, callee, [LLVMGetUndef(b.ptr)!, context] + callArgs)
        if entry?.mayOverflow ?? true { checkStackMarkAfterCall() }
        return try cast(value, from: returned, to: result)
    }

    /// Whether this (status) lowering shows the function cannot raise: every `ret` returns 0
    /// or passes on a RecursionError, nothing outside the function refers to it, and no
    /// value it holds is reference-counted.
    var canGoDirect: Bool {
        guard convention == .status, !options.parallel, parallelLoops.isEmpty, !typed.returnType.isManaged,
              !typed.varTypes.contains(where: { $0?.isManaged ?? false }) else { return false }
        var use = LLVMGetFirstUse(fn)
        while let u = use {
            guard let user = LLVMGetUser(u), LLVMIsAInstruction(user) != nil,
                  let block = LLVMGetInstructionParent(user), LLVMGetBasicBlockParent(block) == fn else { return false }
            use = LLVMGetNextUse(u)
        }
        var block = LLVMGetFirstBasicBlock(fn)
        while let bb = block {
            block = LLVMGetNextBasicBlock(bb)
            guard let term = LLVMGetBasicBlockTerminator(bb), LLVMGetInstructionOpcode(term) == LLVMRet else { continue }
            let value = LLVMGetOperand(term, 0)!
            if LLVMIsAConstantInt(value) != nil, LLVMConstIntGetZExtValue(value) == 0 { continue }
            if recursionExits.contains(term) { continue }
            return false
        }
        return true
    }

    /// Whether a meaningless result of a call (after the stack ran out) is harmless here: no
    /// loops, only scalar and tuple values (no arrays, containers or memory), no side effects,
    /// and callees of the same kind.
    static func isGarbageSafe(_ typed: TypedFunction) -> Bool {
        guard !typed.ir.hasLoops else { return false }
        func plain(_ t: JITType) -> Bool {
            switch t {
            case .boolean, .int64, .float64, .complex128, .none, .range, .module, .function, .dispatcher,
                 .exceptionClass, .literalSlice:
                return true
            case .tuple(let items): return items.allSatisfy(plain)
            case .optional(let inner): return plain(inner)
            default: return false
            }
        }
        guard typed.varTypes.allSatisfy({ $0.map(plain) ?? true }) else { return false }
        for call in typed.calls.values {
            switch call.impl {
            case .range, .abs, .minMax, .toInt, .toFloat, .toBool, .math:
                continue
            case .language(.jitted(let symbol, _, _, let direct)):
                if symbol != nil && !(direct?.garbageSafe ?? false) { return false }
            case .language(.print), .language(.jittedSlot):
                return false
            case .language:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// Gives the function of `status` (a status lowering for which `canGoDirect` holds) a direct
    /// entry named `directName`: lowers it again, then replaces the status function by a shim of
    /// the same name that calls the direct one. nil (nothing changed) when direct lowering fails.
    static func makeDirect(_ status: FunctionLowering, nativeName: String, directName: String)
        -> (native: LLVMValueRef, entry: DirectEntry)? {
        let b = status.b
        let garbageSafe = isGarbageSafe(status.typed)
        let direct = FunctionLowering(builder: b, typed: status.typed, name: directName, options: status.options,
                                      convention: .direct(garbageSafe: garbageSafe))
        do { try direct.lower() } catch {
            LLVMDeleteFunction(direct.fn)
            return nil
        }
        if direct.directViolation {
            LLVMDeleteFunction(direct.fn)
            return nil
        }
        LLVMDeleteFunction(status.fn)
        let mayOverflow = status.typed.callsJittedFunctions
        let entry = DirectEntry(symbol: directName, mayOverflow: mayOverflow, garbageSafe: garbageSafe)
        return (shim(b, status.typed, name: nativeName, direct: direct.fn, mayOverflow: mayOverflow), entry)
    }

    /// The status entry `i32 name(ptr ret, ptr ctx, args...)` over a direct function: stores its
    /// value, or raises RecursionError when the call left the stack mark.
    static func shim(_ b: IRBuilder, _ typed: TypedFunction, name: String, direct: LLVMValueRef,
                     mayOverflow: Bool) -> LLVMValueRef {
        let params = [b.ptr, b.ptr] + typed.argTypes.map { llvmType($0, b) }
        let fn = LLVMAddFunction(b.module, name, b.functionType(b.i32, params))!
        setEntryAttributes(fn, b)
        b.position(at: b.appendBlock(fn, "entry"))
        let args = (0..<UInt32(params.count)).map { LLVMGetParam(fn, $0)! }
        let value = b.call(LLVMGlobalGetValueType(direct), direct, [LLVMGetUndef(b.ptr)!] + args.dropFirst())
        if mayOverflow {
            let field = b.gep(contextType(b), args[1], [b.int(0, b.i32), b.int(4, b.i32)])
            let limit = b.load(b.i64, field)
            let exhausted = b.appendBlock(fn, "stack.exhausted"), ok = b.appendBlock(fn, "ok")
            b.condBr(b.icmp(LLVMIntSLT, limit, b.int(0)), exhausted, ok)
            b.position(at: exhausted)
            b.store(b.and(limit, b.int(Int64.max)), field)
            let descType = b.structType([b.ptr, b.ptr])
            var fields: [LLVMValueRef?] = [b.externalGlobal("PyExc_RecursionError", b.ptr),
                                           b.cString(stackExhaustedMessage)]
            let c = fields.withUnsafeMutableBufferPointer { LLVMConstNamedStruct(descType, $0.baseAddress, 2) }!
            let g = LLVMAddGlobal(b.module, descType, "exc")!
            LLVMSetInitializer(g, c)
            LLVMSetGlobalConstant(g, 1)
            LLVMSetLinkage(g, LLVMPrivateLinkage)
            b.store(g, args[1])
            LLVMBuildRet(b.builder, b.int(1, b.i32))
            b.position(at: ok)
        }
        b.store(value, args[0])
        LLVMBuildRet(b.builder, b.int(0, b.i32))
        return fn
    }
}
