import CLLVM

/// Calls typed by `LanguageTyping`: other jitted functions, and the builtins
/// round, divmod, pow, len, enumerate, zip, reversed, sum, print, complex,
/// min/max over a tuple and the cmath functions.
extension FunctionLowering {
    func lowerLanguageCall(_ c: LanguageCall, callee: Var, args: [Var], result t: JITType) throws -> LLVMValueRef {
        let values = try args.map { try load($0) }
        let types = args.map { typed.type(of: $0) }
        switch c {
        case .jitted(let symbol, let arguments, let argTypes, let direct):
            return try jittedCall(symbol, arguments, argTypes, values, types, result: t, direct: direct)
        case .jittedSlot(let slot, let name, let arguments, let argTypes):
            return try jittedCall(nil, arguments, argTypes, values, types, result: t, slot: (slot, name))
        case .round(let withDigits):
            return try round(values, types, withDigits: withDigits, result: t)
        case .divmod:
            let r: JITType = t == .tuple([.float64, .float64]) ? .float64 : .int64
            let x = try cast(values[0], from: types[0], to: r), y = try cast(values[1], from: types[1], to: r)
            let (div, mod): (LLVMValueRef, LLVMValueRef)
            if r == .float64 {
                raiseIf(b.fcmp(LLVMRealOEQ, y, b.double(0)), "ZeroDivisionError", "float divmod()")
                (div, mod) = floatDivmod(x, y)
            } else {
                raiseIf(b.icmp(LLVMIntEQ, y, b.int(0)), "ZeroDivisionError", "integer division or modulo by zero")
                (div, mod) = intDivmod(x, y)
            }
            return b.insert(b.insert(LLVMGetUndef(ty(t)), div, 0), mod, 1)
        case .pow(let modulo):
            if !modulo {
                if t == .complex128 { return try complexBinary(.pow, values[0], types[0], values[1], types[1]) }
                return try binary(.pow, values[0], types[0], values[1], types[1], result: t)
            }
            let ints = try zip(values, types).map { try cast($0, from: $1, to: .int64) }
            let status = entryAlloca(b.i32, "powmod.status")
            b.store(b.int(0, b.i32), status)
            let ft = b.functionType(b.i64, [b.i64, b.i64, b.i64, b.ptr])
            let r = b.call(ft, b.declare("swiftjit_powmod", ft), ints + [status])
            let s = b.load(b.i32, status)
            raiseIf(b.icmp(LLVMIntEQ, s, b.int(1, b.i32)), "ValueError", "pow() 3rd argument cannot be 0")
            raiseIf(b.icmp(LLVMIntEQ, s, b.int(2, b.i32)), "ValueError", "base is not invertible for the given modulus")
            return r
        case .len:
            if case .tuple(let items) = types[0] { return b.int(Int64(items.count)) }
            if case .array = types[0] { return b.extract(values[0], 1, 0) }  // shape[0]
            return rangeLength(values[0])
        case .enumerate:
            let start = values.count > 1 ? try cast(values[1], from: types[1], to: .int64) : b.int(0)
            return b.insert(b.insert(LLVMGetUndef(ty(t)), start, 0), values[0], 1)
        case .zip:
            var out = LLVMGetUndef(ty(t))!
            for (i, v) in values.enumerated() { out = b.insert(out, v, i) }
            return out
        case .reversed:
            if case .tuple(let items) = types[0] {
                var out = LLVMGetUndef(ty(t))!
                for i in 0..<items.count { out = b.insert(out, b.extract(values[0], items.count - 1 - i), i) }
                return out
            }
            return reversedRange(values[0])
        case .sum:
            return try sum(values, types, result: t)
        case .print:
            try printValues(values, types)
            return LLVMConstNull(ty(.none))
        case .makeComplex:
            // CPython's complex_new: real parts are taken as they are (keeping the sign of
            // zeros); only complex arguments mix in: re -= imag.imag, imag += real.imag.
            guard !values.isEmpty else { return complexValue(b.double(0), b.double(0)) }
            let bb = b.builder
            let first = try cast(values[0], from: types[0], to: .complex128)
            var re = b.extract(first, 0)
            var im = types[0] == .complex128 ? b.extract(first, 1) : b.double(0)
            if values.count > 1 {
                let second = try cast(values[1], from: types[1], to: .complex128)
                if types[1] == .complex128 { re = LLVMBuildFSub(bb, re, b.extract(second, 1), "")! }
                im = types[0] == .complex128 ? LLVMBuildFAdd(bb, im, b.extract(second, 0), "")! : b.extract(second, 0)
            }
            return complexValue(re, im)
        case .reduceMinMax(let isMax):
            guard case .tuple(let items) = types[0], !items.isEmpty else {
                return raiseAlways("ValueError", PythonVersion.running.emptyMinMaxMessage(isMax ? "max" : "min"), placeholder: t)
            }
            var best = try cast(b.extract(values[0], 0), from: items[0], to: t)
            for i in 1..<items.count {
                let v = try cast(b.extract(values[0], i), from: items[i], to: t)
                let better = try compare(isMax ? .gt : .lt, v, t, best, t)
                best = b.select(better, v, best)
            }
            return best
        case .conjugate:
            let z = try load(callee)
            return complexValue(b.extract(z, 0), LLVMBuildFNeg(b.builder, b.extract(z, 1), "")!)
        case .absComplex:
            return complexAbs(values[0])
        case .cmath(let name):
            return try cmath(name, values, types)
        case .makeUserException, .tupleIndex, .tupleSlice:
            return LLVMConstNull(ty(t))
        }
    }

    /// Calls another jitted function's native entry and propagates its exception.
    /// With `slot`, the callee's address is loaded from that word (a function of the same
    /// cycle of calls still being compiled); a null address raises RuntimeError.
    func jittedCall(_ symbol: String?, _ arguments: [CallArgument], _ argTypes: [JITType], _ values: [LLVMValueRef],
                    _ types: [JITType], result: JITType, slot: (UInt64, String)? = nil,
                    direct: DirectEntry? = nil) throws -> LLVMValueRef {
        var callArgs: [LLVMValueRef] = []
        for (source, pt) in zip(arguments, argTypes) {
            switch source {
            case .argument(let i):
                guard i < values.count else { throw fail("jitted call argument \(i) missing") }
                callArgs.append(try cast(values[i], from: types[i], to: pt))
            case .constant(let g):
                callArgs.append(try globalValue(g, pt))
            }
        }
        stackCheck()
        // A callee that cannot raise returns its value; so does this function calling itself
        // when it is being lowered as a direct function (DirectCalls.swift).
        if let d = direct, slot == nil, symbol != nil {
            return try directCall(d, target: nil, callArgs, argTypes: argTypes, result: result)
        }
        if symbol == nil, slot == nil, convention != .status {
            return try directCall(nil, target: fn, callArgs, argTypes: argTypes, result: result)
        }
        let ft = b.functionType(b.i32, [b.ptr, b.ptr] + argTypes.map { ty($0) })
        var target: LLVMValueRef = symbol.map { b.declare($0, ft) } ?? fn
        if let (address, name) = slot {
            let word = LLVMConstIntToPtr(LLVMConstInt(b.i64, address, 0), b.ptr)!
            target = b.load(b.ptr, word)
            raiseIf(LLVMBuildIsNull(b.builder, target, "")!, "RuntimeError",
                    "\(name)() could not be compiled for its explicit signature, so it cannot be called")
        }
        let retSlot = entryAlloca(ty(result), "call.ret")
        let status = b.call(ft, target, [retSlot, LLVMGetParam(fn, 1)] + callArgs)
        // The callee stored its exception descriptor through our own `exc`: pass it on.
        let propagate = b.appendBlock(fn, "call.raised"), cont = b.appendBlock(fn, "call.ok")
        let failed = b.intrinsic("llvm.expect", [b.i1], [b.icmp(LLVMIntNE, status, b.int(0, b.i32)), b.bool(false)])
        b.condBr(failed, propagate, cont)
        b.position(at: propagate)
        recordTraceEntry()  // the caller's line, after the callee's own entries
        // Return the callee's own (non-zero) status rather than a constant 1: the value is
        // already in the return register, so no register has to keep a 1 alive across calls.
        // (Inside a try the exit goes to the handler instead, TryExcept.swift.)
        let exit = exceptionExit(status)
        // A self-call fails only as this function does: if nothing else raises here, nothing
        // raises at all but RecursionError (the fixed point of DirectCalls.swift).
        if let exit = exit, symbol == nil && slot == nil { recursionExits.insert(exit) }
        b.position(at: cont)
        return b.load(ty(result), retSlot)
    }

    /// Deep recursion raises RecursionError instead of overflowing the C stack: before the
    /// first jitted call of each IR block, the stack pointer is compared with the thread's
    /// limit in the context (set by the wrapper, a prange worker or a cfunc/ufunc adapter).
    /// Every cycle of calls passes such a check at each level, and between two checks there
    /// is at most this frame plus callees that make no jitted calls, far less than the limit's
    /// margin (runtime.c). Functions and paths without calls pay nothing: fib's leaves
    /// (half of its calls) and the base case's early return need no frame at all.
    func stackCheck() {
        guard stackCheckedBlock != currentIRBlock else { return }
        stackCheckedBlock = currentIRBlock
        let limit = b.load(b.ptr, b.gep(FunctionLowering.contextType(b), context, [b.int(0, b.i32), b.int(4, b.i32)]))
        // The stack pointer itself (llvm.stacksave only reads it here): one compare, no probe
        // alloca, so LLVM can still shrink-wrap the prologue.
        let sp = b.intrinsic("llvm.stacksave", [b.ptr], [])
        let below = b.icmp(LLVMIntULT, LLVMBuildPtrToInt(b.builder, sp, b.i64, "")!,
                           LLVMBuildPtrToInt(b.builder, limit, b.i64, "")!)
        raiseIf(below, "RecursionError", FunctionLowering.stackExhaustedMessage)
    }

    func round(_ values: [LLVMValueRef], _ types: [JITType], withDigits: Bool, result: JITType) throws -> LLVMValueRef {
        if !withDigits {
            guard types[0] == .float64 else { return try cast(values[0], from: types[0], to: .int64) }
            return floatToInt(b.intrinsic("llvm.roundeven", [b.f64], [values[0]]))
        }
        let digits = try cast(values[1], from: types[1], to: .int64)
        if result == .float64 {
            let x = values[0]
            let ft = b.functionType(b.f64, [b.f64, b.i64])
            let r = b.call(ft, b.declare("swiftjit_round_ndigits", ft), [x, digits])
            let inf = b.double(.infinity)
            let finite = b.fcmp(LLVMRealOLT, b.intrinsic("llvm.fabs", [b.f64], [x]), inf)
            let overflow = b.fcmp(LLVMRealOEQ, b.intrinsic("llvm.fabs", [b.f64], [r]), inf)
            raiseIf(b.and(finite, overflow), "OverflowError", "rounded value too large to represent")
            return r
        }
        let x = try cast(values[0], from: types[0], to: .int64)
        let ft = b.functionType(b.i64, [b.i64, b.i64])
        return b.call(ft, b.declare("swiftjit_round_int", ft), [x, digits])
    }

    /// len(range(start, stop, step)).
    func rangeLength(_ r: LLVMValueRef) -> LLVMValueRef {
        let bb = b.builder
        let start = b.extract(r, 0), stop = b.extract(r, 1), step = b.extract(r, 2)
        let positive = b.icmp(LLVMIntSGT, step, b.int(0))
        let nonEmpty = b.select(positive, b.icmp(LLVMIntSLT, start, stop), b.icmp(LLVMIntSGT, start, stop))
        let diff = b.select(positive, LLVMBuildSub(bb, stop, start, "")!, LLVMBuildSub(bb, start, stop, "")!)
        let absStep = b.select(positive, step, LLVMBuildSub(bb, b.int(0), step, "")!)
        let n = LLVMBuildAdd(bb, LLVMBuildUDiv(bb, LLVMBuildSub(bb, diff, b.int(1), "")!, absStep, "")!, b.int(1), "")!
        return b.select(nonEmpty, n, b.int(0))
    }

    /// reversed(range(...)) as a range going the other way.
    func reversedRange(_ r: LLVMValueRef) -> LLVMValueRef {
        let bb = b.builder
        let start = b.extract(r, 0), step = b.extract(r, 2)
        let n = rangeLength(r)
        let last = LLVMBuildAdd(bb, start, LLVMBuildMul(bb, LLVMBuildSub(bb, n, b.int(1), "")!, step, "")!, "")!
        let empty = b.icmp(LLVMIntEQ, n, b.int(0))
        var out = LLVMGetUndef(ty(.range))!
        out = b.insert(out, b.select(empty, b.int(0), last), 0)
        out = b.insert(out, b.select(empty, b.int(0), LLVMBuildSub(bb, start, step, "")!), 1)
        out = b.insert(out, b.select(empty, b.int(1), LLVMBuildSub(bb, b.int(0), step, "")!), 2)
        return out
    }

    /// `x op y` for numbers and complex numbers, with the result type of the registry.
    func arithmetic(_ op: BinaryOperator, _ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef, _ ty_: JITType) throws
        -> (LLVMValueRef, JITType) {
        if let r = LanguageTyping.binary(op, tx, ty_), r == .complex128 {
            return (try complexBinary(op, x, tx, y, ty_), r)
        }
        guard let r = Registry.binary(op, tx, ty_) else { throw fail("cannot \(op.rawValue) \(tx) and \(ty_)") }
        return (try binary(op, x, tx, y, ty_, result: r), r)
    }

    func sum(_ values: [LLVMValueRef], _ types: [JITType], result: JITType) throws -> LLVMValueRef {
        var acc = values.count > 1 ? values[1] : b.int(0)
        var accType = values.count > 1 ? types[1] : JITType.int64
        switch types[0] {
        case .tuple(let items) where PythonVersion.running.compensatedFloatSum:
            (acc, accType) = try compensatedTupleSum(items: items, tuple: values[0], start: acc, startType: accType)
        case .tuple(let items):
            for (i, it) in items.enumerated() {
                (acc, accType) = try arithmetic(.add, acc, accType, b.extract(values[0], i), it)
            }
        default:
            // A range: n * start + step * n * (n - 1) / 2, wrapping like the loop would.
            let bb = b.builder
            let r = values[0]
            let n = rangeLength(r)
            let nMinus1 = LLVMBuildSub(bb, n, b.int(1), "")!
            let even = b.icmp(LLVMIntEQ, b.and(n, b.int(1)), b.int(0))
            let tri = b.select(even, LLVMBuildMul(bb, LLVMBuildSDiv(bb, n, b.int(2), "")!, nMinus1, "")!,
                               LLVMBuildMul(bb, n, LLVMBuildSDiv(bb, nMinus1, b.int(2), "")!, "")!)
            let total = LLVMBuildAdd(bb, LLVMBuildMul(bb, n, b.extract(r, 0), "")!,
                                     LLVMBuildMul(bb, b.extract(r, 2), tri, "")!, "")!
            (acc, accType) = try arithmetic(.add, acc, accType, total, .int64)
        }
        return try cast(acc, from: accType, to: result)
    }

    /// print(...) through Python's own print, holding the GIL for the call.
    func printValues(_ values: [LLVMValueRef], _ types: [JITType]) throws {
        let wrapper = WrapperLowering(b: b, typed: typed, native: fn, options: options)
        let gil = wrapper.c("PyGILState_Ensure", b.i32, [], [])
        let tuple = wrapper.c("PyTuple_New", b.ptr, [b.i64], [b.int(Int64(values.count))])
        for (i, (v, t)) in zip(values, types).enumerated() {
            let obj: LLVMValueRef
            if case .literalString(let s) = t {
                obj = wrapper.c("PyUnicode_FromString", b.ptr, [b.ptr], [b.cString(s)])
            } else {
                retain(v, t)  // the tuple takes a reference of its own
                obj = try wrapper.box(v, t, fn: fn)
            }
            _ = wrapper.c("PyTuple_SetItem", b.i32, [b.ptr, b.i64, b.ptr], [tuple, b.int(Int64(i)), obj])
        }
        let builtins = wrapper.c("PyEval_GetBuiltins", b.ptr, [], [])
        let printFn = wrapper.c("PyDict_GetItemString", b.ptr, [b.ptr, b.ptr], [builtins, b.cString("print")])
        let r = wrapper.c("PyObject_Call", b.ptr, [b.ptr, b.ptr, b.ptr], [printFn, tuple, LLVMConstNull(b.ptr)])
        let failed = b.appendBlock(fn, "print.failed"), done = b.appendBlock(fn, "print.done"), ok = b.appendBlock(fn, "print.ok")
        b.condBr(LLVMBuildIsNull(b.builder, r, ""), failed, ok)
        b.position(at: failed)
        _ = wrapper.c("PyErr_Clear", b.void, [], [])
        b.br(done)
        b.position(at: ok)
        _ = wrapper.c("Py_DecRef", b.void, [b.ptr], [r])
        b.br(done)
        b.position(at: done)
        _ = wrapper.c("Py_DecRef", b.void, [b.ptr], [tuple])
        _ = wrapper.c("PyGILState_Release", b.void, [b.i32], [gil])
    }

    /// The variable holding an exception class: `PyExc_<Name>` for builtins, a
    /// private global holding the class object's address for classes defined in Python.
    func exceptionClassVariable(_ cls: String) -> LLVMValueRef {
        for case .userExceptionClass(let name, let address) in typed.globals.values where name == cls {
            let symbol = "swiftjit.exc.\(name).\(address)"
            if let g = LLVMGetNamedGlobal(b.module, symbol) { return g }
            let g = LLVMAddGlobal(b.module, b.ptr, symbol)!
            LLVMSetInitializer(g, LLVMConstIntToPtr(LLVMConstInt(b.i64, address, 0), b.ptr))
            LLVMSetGlobalConstant(g, 1)
            LLVMSetLinkage(g, LLVMPrivateLinkage)
            return g
        }
        return b.externalGlobal("PyExc_\(cls)", b.ptr)
    }
}
