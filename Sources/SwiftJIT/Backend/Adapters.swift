import CLLVM

/// Native adapters around a compiled specialization, for the Numba-compatible
/// API (issue 8): C callbacks (`@cfunc`) and NumPy ufunc inner loops
/// (`@vectorize`). Both call the native entry `i32 native(ptr ret, ptr ctx, args...)`
/// with a zeroed context `{ptr exc, ptr objects, i64 count, i64 capacity, ptr stack_limit}`
/// whose stack limit is set for the calling thread.
///
/// C-level values are NumPy dtypes (`int32`, `float32`, `bool` as one byte ...);
/// they are widened to the scalar the compiler computes with (int64, float64,
/// bool) on the way in and narrowed on the way out.
public enum Adapters {
    nonisolated(unsafe) static var counter = 0

    static func backend() throws -> Backend {
        switch Backend.shared {
        case .success(let b): return b
        case .failure(let e): throw CompileError(.internal, e.message, stage: "backend")
        }
    }

    static func cType(_ d: DType, _ b: IRBuilder) -> LLVMTypeRef { FunctionLowering.elementType(d, b) }

    /// A C value of dtype `d` as the compiler's scalar `t`.
    static func widen(_ v: LLVMValueRef, _ d: DType, to t: JITType, _ b: IRBuilder) throws -> LLVMValueRef {
        switch (d, t) {
        case (.complex128, .complex128): return v
        case (.complex64, .complex128):
            let re = LLVMBuildFPExt(b.builder, b.extract(v, 0), b.f64, "")!
            let im = LLVMBuildFPExt(b.builder, b.extract(v, 1), b.f64, "")!
            return b.insert(b.insert(LLVMGetUndef(b.structType([b.f64, b.f64])), re, 0), im, 1)
        case (.complex64, _), (.complex128, _):
            throw CompileError(.typing, "cannot pass a C \(d.rawValue) as \(t)", stage: "adapter")
        case (.bool, .boolean): return b.icmp(LLVMIntNE, v, b.int(0, b.i8))
        case (.bool, .int64): return LLVMBuildZExt(b.builder, b.icmp(LLVMIntNE, v, b.int(0, b.i8)), b.i64, "")
        case (.float32, .float64): return LLVMBuildFPExt(b.builder, v, b.f64, "")
        case (.float64, .float64): return v
        case (_, .int64) where !d.isFloat:
            if d.itemSize == 8 { return v }
            return d.isSigned ? LLVMBuildSExt(b.builder, v, b.i64, "") : LLVMBuildZExt(b.builder, v, b.i64, "")
        case (_, .float64) where !d.isFloat:
            let wide = d == .bool ? LLVMBuildZExt(b.builder, v, b.i64, "")! : try widen(v, d, to: .int64, b)
            return d == .uint64 ? LLVMBuildUIToFP(b.builder, wide, b.f64, "") : LLVMBuildSIToFP(b.builder, wide, b.f64, "")
        default:
            throw CompileError(.typing, "cannot pass a C \(d.rawValue) as \(t)", stage: "adapter")
        }
    }

    /// The compiler's scalar `t` as a C value of dtype `d`.
    static func narrow(_ v: LLVMValueRef, _ t: JITType, to d: DType, _ b: IRBuilder) throws -> LLVMValueRef {
        switch (t, d) {
        case (.complex128, .complex128): return v
        case (.complex128, .complex64):
            let f32 = LLVMFloatTypeInContext(b.context)!
            let re = LLVMBuildFPTrunc(b.builder, b.extract(v, 0), f32, "")!
            let im = LLVMBuildFPTrunc(b.builder, b.extract(v, 1), f32, "")!
            return b.insert(b.insert(LLVMGetUndef(b.structType([f32, f32])), re, 0), im, 1)
        case (_, .complex64), (_, .complex128), (.complex128, _):
            throw CompileError(.typing, "cannot return \(t) as a C \(d.rawValue)", stage: "adapter")
        case (.boolean, .bool): return LLVMBuildZExt(b.builder, v, b.i8, "")
        case (.boolean, _) where !d.isFloat:
            return d.itemSize == 1 ? LLVMBuildZExt(b.builder, v, b.i8, "") : LLVMBuildZExt(b.builder, v, cType(d, b), "")
        case (.boolean, _): return LLVMBuildUIToFP(b.builder, v, cType(d, b), "")
        case (.int64, .bool): return LLVMBuildZExt(b.builder, b.icmp(LLVMIntNE, v, b.int(0)), b.i8, "")
        case (.int64, _) where !d.isFloat:
            return d.itemSize == 8 ? v : LLVMBuildTrunc(b.builder, v, cType(d, b), "")
        case (.int64, _): return LLVMBuildSIToFP(b.builder, v, cType(d, b), "")
        case (.float64, .float64): return v
        case (.float64, .float32): return LLVMBuildFPTrunc(b.builder, v, cType(d, b), "")
        case (.float64, .bool): return LLVMBuildZExt(b.builder, b.fcmp(LLVMRealUNE, v, b.double(0)), b.i8, "")
        case (.float64, _):
            return d.isSigned ? LLVMBuildFPToSI(b.builder, v, cType(d, b), "") : LLVMBuildFPToUI(b.builder, v, cType(d, b), "")
        default:
            throw CompileError(.typing, "cannot return \(t) as a C \(d.rawValue)", stage: "adapter")
        }
    }

    /// Declares the native entry of `c` in the adapter module (resolved by the JIT at link time).
    static func declareNative(_ c: CompiledFunction, _ b: IRBuilder) -> (LLVMValueRef, LLVMTypeRef) {
        let params = [b.ptr, b.ptr] + c.signature.map { FunctionLowering.llvmType($0, b) }
        let ft = b.functionType(b.i32, params)
        return (b.declare(c.nativeName, ft), ft)
    }

    /// Reports the exception of a failed native call as a Python exception (taking the GIL);
    /// with `unraisable`, prints it through `sys.unraisablehook` and clears it.
    static func raise(_ ctx: LLVMValueRef, unraisable: Bool, _ b: IRBuilder, _ fn: LLVMValueRef) {
        func c(_ name: String, _ ret: LLVMTypeRef, _ params: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
            let ft = b.functionType(ret, params)
            return b.call(ft, b.declare(name, ft), args)
        }
        let gil = c("PyGILState_Ensure", b.i32, [], [])
        WrapperLowering.setException(fromContext: ctx, b, fn)
        if unraisable { _ = c("PyErr_WriteUnraisable", b.void, [b.ptr], [LLVMConstNull(b.ptr)]) }
        _ = c("PyGILState_Release", b.void, [b.i32], [gil])
    }

    /// Releases objects the native code created, when there are any (taking the GIL).
    static func releaseContext(_ ctx: LLVMValueRef, _ ctxType: LLVMTypeRef, _ b: IRBuilder, _ fn: LLVMValueRef) {
        WrapperLowering.releaseContext(ctx, ctxType, b, fn, takeGIL: true)
    }

    /// Zeroes a call context and sets its stack limit for this thread, so that deep
    /// recursion in the native code raises RecursionError here too (cfuncs and ufunc
    /// loops may run on any thread, with any stack).
    static func initContext(_ ctx: LLVMValueRef, _ ctxType: LLVMTypeRef, _ b: IRBuilder) {
        b.store(LLVMConstNull(ctxType), ctx)
        let ft = b.functionType(b.ptr, [])
        let limit = b.call(ft, b.declare("swiftjit_stack_limit", ft), [])
        b.store(limit, b.gep(ctxType, ctx, [b.int(0, b.i32), b.int(4, b.i32)]))
    }

    /// Builds, optimizes and links a module made by `body`; returns the address of `name`.
    static func build(_ name: String, _ body: (IRBuilder) throws -> Void) throws -> UInt64 {
        let backend = try backend()
        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let module = LLVMModuleCreateWithNameInContext(name, context)!
        let builderRef = LLVMCreateBuilderInContext(context)!
        defer { LLVMDisposeBuilder(builderRef); LLVMDisposeModule(module) }
        backend.prepare(module)
        let b = IRBuilder(context: context, module: module, builder: builderRef)
        try body(b)
        if let problem = backend.verify(module) {
            throw CompileError(.internal, "LLVM rejected the adapter: \(problem)", stage: "adapter")
        }
        do {
            try backend.optimize(module, level: 2)
            let object = try backend.emitObject(module, level: 2)
            try backend.addObject(object)
            return try backend.lookup(name)
        } catch let e as BackendError {
            throw CompileError(.internal, e.message, stage: "backend")
        }
    }

    static func uniqueName(_ c: CompiledFunction, _ kind: String) -> String {
        counter += 1
        let base = c.nativeName.hasSuffix(".native") ? String(c.nativeName.dropLast(7)) : c.nativeName
        return base + ".\(kind)\(counter)"
    }

    /// A C function `ret f(args...)` calling `c`'s native entry; `returns` nil makes it `void`.
    /// An exception in the native code is printed as unraisable and the result is zero.
    public static func cfunc(_ c: CompiledFunction, arguments: [DType], returns: DType?) throws -> UInt64 {
        guard arguments.count == c.signature.count else {
            throw CompileError(.internal, "cfunc: wrong number of argument types", stage: "adapter")
        }
        let name = uniqueName(c, "cfunc")
        return try build(name) { b in
            let retC = returns.map { cType($0, b) } ?? b.void
            let fn = LLVMAddFunction(b.module, name, b.functionType(retC, arguments.map { cType($0, b) }))!
            let entry = b.appendBlock(fn, "entry")
            b.position(at: entry)
            let ctxType = FunctionLowering.contextType(b)
            let ctx = LLVMBuildAlloca(b.builder, ctxType, "ctx")!
            initContext(ctx, ctxType, b)
            let retType = FunctionLowering.llvmType(c.returnType, b)
            let retSlot = LLVMBuildAlloca(b.builder, retType, "ret")!
            b.store(LLVMConstNull(retType), retSlot)
            var args: [LLVMValueRef] = [retSlot, ctx]
            for (i, d) in arguments.enumerated() {
                args.append(try widen(LLVMGetParam(fn, UInt32(i))!, d, to: c.signature[i], b))
            }
            let (native, ft) = declareNative(c, b)
            let status = b.call(ft, native, args)
            let ok = b.appendBlock(fn, "ok"), failed = b.appendBlock(fn, "failed"), done = b.appendBlock(fn, "done")
            b.condBr(b.icmp(LLVMIntEQ, status, b.int(0, b.i32)), ok, failed)
            b.position(at: failed)
            raise(ctx, unraisable: true, b, fn)
            b.store(LLVMConstNull(retType), retSlot)
            b.br(ok)
            b.position(at: ok)
            releaseContext(ctx, ctxType, b, fn)
            b.br(done)
            b.position(at: done)
            if let r = returns {
                LLVMBuildRet(b.builder, try narrow(b.load(retType, retSlot), c.returnType, to: r, b))
            } else {
                LLVMBuildRetVoid(b.builder)
            }
        }
    }

    /// Native assembly for the text of an optimized LLVM module (as kept in `CompiledFunction.llvmText`).
    public static func assembly(ofIR text: String) throws -> String {
        let backend = try backend()
        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let buffer = text.withCString { LLVMCreateMemoryBufferWithMemoryRangeCopy($0, text.utf8.count, "ir")! }
        var module: LLVMModuleRef? = nil
        var message: UnsafeMutablePointer<CChar>? = nil
        // Takes ownership of the buffer.
        if LLVMParseIRInContext(context, buffer, &module, &message) != 0 {
            defer { LLVMDisposeMessage(message) }
            throw CompileError(.internal, "cannot parse the kept LLVM IR: " + (message.map { String(cString: $0) } ?? "?"),
                               stage: "backend")
        }
        guard let m = module else { return "" }
        defer { LLVMDisposeModule(m) }
        return backend.assembly(m)
    }
}
