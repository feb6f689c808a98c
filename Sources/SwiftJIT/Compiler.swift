#if canImport(Glibc)
import Glibc
#endif
import CLLVM

/// One compiled specialization of a function.
public struct CompiledFunction: Sendable {
    public var signature: [JITType]
    public var returnType: JITType
    /// Address of `PyObject *wrapper(PyObject *const *args, Py_ssize_t nargs)`.
    public var wrapperAddress: UInt64
    /// Address of the native entry `i32 native(ptr ret, ptr exc, args...)`.
    public var nativeAddress: UInt64
    public var nativeName: String
    public var wrapperName: String
    /// Text dumps kept for inspection.
    public var irText: String
    public var typedIRText: String
    public var llvmText: String
    /// Milliseconds spent in each stage.
    public var timings: [(String, Double)]
}

/// The pipeline: bytecode -> IR -> types -> LLVM IR -> optimized -> JIT.
public enum Compiler {
    nonisolated(unsafe) static var counter = 0

    /// Compiles `code` for `argTypes`. `resolveGlobal` answers what global names refer to.
    public static func compile(_ code: CodeObject, argTypes: [JITType], options: CompileOptions = CompileOptions(),
                               resolveGlobal: @escaping (String) -> GlobalValue) throws -> CompiledFunction {
        var timings: [(String, Double)] = []
        var clock = Clock()
        let ir = try Translator.translate(code)
        timings.append(("frontend", clock.lap()))
        let typed = try TypeInference.infer(ir, argTypes: argTypes, resolveGlobal: resolveGlobal)
        timings.append(("typing", clock.lap()))
        for (i, t) in argTypes.enumerated() where !t.isFirstClass {
            throw CompileError(.typing, "argument '\(ir.argNames[i])' of type \(t) cannot be passed", stage: "typing")
        }
        let backend: Backend
        switch Backend.shared {
        case .success(let b): backend = b
        case .failure(let e): throw CompileError(.internal, e.message, stage: "backend")
        }
        counter += 1
        let base = "swiftjit." + code.qualname.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + ".\(counter)"
        let nativeName = base + ".native"
        let wrapperName = base + ".wrapper"

        // The module is compiled to object code here and the JIT only links it,
        // so a plain context that dies with this call is enough.
        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let module = LLVMModuleCreateWithNameInContext(base, context)!
        let builderRef = LLVMCreateBuilderInContext(context)!
        defer {
            LLVMDisposeBuilder(builderRef)
            LLVMDisposeModule(module)
        }
        backend.prepare(module)
        let b = IRBuilder(context: context, module: module, builder: builderRef)
        let lowering = FunctionLowering(builder: b, typed: typed, name: nativeName, options: options)
        try lowering.lower()
        if options.withWrapper {
            _ = try WrapperLowering(b: b, typed: typed, native: lowering.fn, options: options).generate(name: wrapperName)
        }
        timings.append(("lowering", clock.lap()))
        if let problem = backend.verify(module) {
            throw CompileError(.internal, "LLVM rejected the generated code: \(problem)", stage: "lowering")
        }
        do {
            let light = !ir.hasLoops && options.optLevel > 0
            try backend.optimize(module, level: options.optLevel, pipeline: light ? Backend.lightPipeline : nil)
        } catch let e as BackendError {
            throw CompileError(.internal, e.message, stage: "backend")
        }
        timings.append(("optimize", clock.lap()))
        let text = LLVMPrintModuleToString(module)!
        let llvmText = String(cString: text)
        LLVMDisposeMessage(text)
        do {
            // Code generation at the full level only where there are loops to make fast.
            let object = try backend.emitObject(module, level: ir.hasLoops ? options.optLevel : min(options.optLevel, 1))
            timings.append(("codegen", clock.lap()))
            try backend.addObject(object)
            let wrapper = options.withWrapper ? try backend.lookup(wrapperName) : 0
            let native = try backend.lookup(nativeName)
            timings.append(("link", clock.lap()))
            return CompiledFunction(signature: argTypes, returnType: typed.returnType, wrapperAddress: wrapper,
                                    nativeAddress: native, nativeName: nativeName, wrapperName: wrapperName,
                                    irText: ir.dump(), typedIRText: typed.dump(), llvmText: llvmText,
                                    timings: timings)
        } catch let e as BackendError {
            throw CompileError(.internal, e.message, stage: "backend")
        }
    }
}

/// A monotonic stopwatch in milliseconds.
struct Clock {
    var last = Clock.now()
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }
    mutating func lap() -> Double {
        let t = Clock.now()
        defer { last = t }
        return t - last
    }
}
