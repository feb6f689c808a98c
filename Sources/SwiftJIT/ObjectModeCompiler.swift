import CLLVM

/// A function compiled in object mode (`Lowering/ObjectLowering.swift`).
public struct ObjectModeFunction: Sendable {
    /// Address of `PyObject *f(PyObject *const *args, Py_ssize_t nargs, PyObject **data)`.
    public var address: UInt64
    /// What the caller must put in each entry of `data`, kept alive while the code can run.
    public var data: [ObjectModeDatum]
    /// Loops lifted out to nopython mode, in the order `Expr.liftedLoop` numbers them.
    public var liftedLoops: [LiftedLoop]
    public var irText: String
    public var llvmText: String
    public var timings: [(String, Double)]
}

extension Compiler {
    /// Object-mode functions compiled in this process (their symbols must be unique).
    nonisolated(unsafe) static var objectModeCount = 0

    /// Compiles `code` in object mode: every value is a Python object and every
    /// operation a CPython C API call; with `looplift`, loops whose statements
    /// nopython mode knows are lifted into their own functions (compiled later,
    /// for the runtime types of their live-in variables, by the caller).
    /// Object-mode code is not stored in the on-disk cache.
    public static func compileObjectMode(_ code: CodeObject, options: CompileOptions, looplift: Bool) throws
        -> ObjectModeFunction {
        var timings: [(String, Double)] = []
        var clock = Clock()
        var ir = try Translator.translate(code, objectMode: true)
        var loops: [LiftedLoop] = []
        if looplift {
            (ir, loops) = LoopLifter.lift(ir)
        }
        timings.append(("frontend", clock.lap()))
        let backend: Backend
        switch Backend.shared {
        case .success(let b): backend = b
        case .failure(let e): throw CompileError(.internal, e.message, stage: "backend")
        }
        objectModeCount += 1
        let name = "swiftjit.obj." + code.qualname.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
            + ".\(objectModeCount)"
        let context = LLVMContextCreate()!
        defer { LLVMContextDispose(context) }
        let module = LLVMModuleCreateWithNameInContext(name, context)!
        let builderRef = LLVMCreateBuilderInContext(context)!
        defer {
            LLVMDisposeBuilder(builderRef)
            LLVMDisposeModule(module)
        }
        backend.prepare(module)
        let b = IRBuilder(context: context, module: module, builder: builderRef)
        let lowering = ObjectLowering(builder: b, ir: ir, code: code, name: name)
        _ = try lowering.lower()
        timings.append(("lowering", clock.lap()))
        if let problem = backend.verify(module) {
            throw CompileError(.internal, "LLVM rejected the generated object-mode code: \(problem)", stage: "object lowering")
        }
        do {
            // The C API calls dominate: a light pipeline (mem2reg and clean-ups) is enough.
            try backend.optimize(module, level: options.optLevel,
                                 pipeline: options.optLevel > 0 ? "always-inline," + Backend.lightPipeline : nil)
            timings.append(("optimize", clock.lap()))
            let text = LLVMPrintModuleToString(module)!
            let llvmText = String(cString: text)
            LLVMDisposeMessage(text)
            let object = try backend.emitObject(module, level: min(options.optLevel, 1))
            try backend.addObject(object)
            let address = try backend.lookup(name)
            timings.append(("codegen", clock.lap()))
            return ObjectModeFunction(address: address, data: lowering.data, liftedLoops: loops, irText: ir.dump(),
                                      llvmText: llvmText, timings: timings)
        } catch let e as BackendError {
            throw CompileError(.internal, e.message, stage: "backend")
        }
    }
}
