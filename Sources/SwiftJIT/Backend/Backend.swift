import CLLVM

/// Errors from LLVM itself (verification, code generation, linking).
public struct BackendError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Takes an LLVM error, returning its message and freeing it.
func consume(_ error: LLVMErrorRef?) -> String? {
    guard let error = error else { return nil }
    let cMessage = LLVMGetErrorMessage(error)
    defer { LLVMDisposeErrorMessage(cMessage) }
    return cMessage.map { String(cString: $0) } ?? "unknown LLVM error"
}

/// The host's target machine, the optimization pipeline and the one ORC LLJIT
/// of this process. Created on first use; all uses are serialized by the caller
/// (the dispatcher compiles while holding the GIL).
public final class Backend: @unchecked Sendable {
    public let triple: String
    public let cpuName: String
    public let cpuFeatures: String
    let targetMachine: LLVMTargetMachineRef
    /// Target machines for code generation, by LLVMCodeGenOptLevel (0...3).
    var codegenMachines: [LLVMTargetMachineRef?] = [nil, nil, nil, nil]
    let jit: LLVMOrcLLJITRef
    let dataLayout: String

    /// Host functions JIT code may call (runtime helpers of the extension module),
    /// set before the backend is first used.
    nonisolated(unsafe) public static var runtimeSymbols: [(String, UInt64)] = []

    /// The process-wide backend.
    public static let shared: Result<Backend, BackendError> = {
        do { return .success(try Backend()) } catch let e as BackendError { return .failure(e) } catch {
            return .failure(BackendError(message: "\(error)"))
        }
    }()

    init() throws {
        LLVMInitializeX86TargetInfo()
        LLVMInitializeX86Target()
        LLVMInitializeX86TargetMC()
        LLVMInitializeX86AsmPrinter()
        LLVMInitializeX86AsmParser()
        LLVMInitializeX86Disassembler()
        LLVMInitializeAArch64TargetInfo()
        LLVMInitializeAArch64Target()
        LLVMInitializeAArch64TargetMC()
        LLVMInitializeAArch64AsmPrinter()
        LLVMInitializeAArch64AsmParser()
        LLVMInitializeAArch64Disassembler()

        let tripleC = LLVMGetDefaultTargetTriple()!
        triple = String(cString: tripleC)
        LLVMDisposeMessage(tripleC)
        let cpuC = LLVMGetHostCPUName()!
        cpuName = String(cString: cpuC)
        LLVMDisposeMessage(cpuC)
        let featC = LLVMGetHostCPUFeatures()!
        cpuFeatures = String(cString: featC)
        LLVMDisposeMessage(featC)

        var target: LLVMTargetRef? = nil
        var errorMessage: UnsafeMutablePointer<CChar>? = nil
        if LLVMGetTargetFromTriple(triple, &target, &errorMessage) != 0 {
            let m = errorMessage.map { String(cString: $0) } ?? "?"
            LLVMDisposeMessage(errorMessage)
            throw BackendError(message: "no LLVM target for \(triple): \(m)")
        }
        let (t, cpu, features) = (triple, cpuName, cpuFeatures)
        // The small code model: ORC links our objects with JITLink, which lays out each
        // object in one block and reaches other objects and the process through GOT and
        // PLT stubs, so 32-bit PC-relative addressing is safe. Calls are then direct `call`s
        // (recursion above all) instead of a 64-bit address load and an indirect call.
        func makeMachine(_ level: LLVMCodeGenOptLevel, _ model: LLVMCodeModel = LLVMCodeModelSmall) -> LLVMTargetMachineRef? {
            LLVMCreateTargetMachine(target, t, cpu, features, level, LLVMRelocPIC, model)
        }
        // The IR is optimized at O3 before it reaches the JIT; instruction
        // selection at the default level costs less and loses little.
        let level = LLVMCodeGenLevelDefault
        guard let tm = makeMachine(LLVMCodeGenLevelAggressive), let jitTM = makeMachine(level, LLVMCodeModelJITDefault),
              let fast = makeMachine(LLVMCodeGenLevelLess), let fastest = makeMachine(LLVMCodeGenLevelNone) else {
            throw BackendError(message: "cannot create a target machine for \(cpuName)")
        }
        targetMachine = tm
        // Level 0 (fast instruction selection) serves straight-line code, whose few
        // instructions are already optimized IR; loops get the full code generator.
        codegenMachines = [fastest, fast, tm, tm]
        let layout = LLVMCreateTargetDataLayout(tm)!
        let layoutC = LLVMCopyStringRepOfTargetData(layout)!
        dataLayout = String(cString: layoutC)
        LLVMDisposeMessage(layoutC)
        LLVMDisposeTargetData(layout)

        let builder = LLVMOrcCreateLLJITBuilder()!
        LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jitTM))
        var jitRef: LLVMOrcLLJITRef? = nil
        if let m = consume(LLVMOrcCreateLLJIT(&jitRef, builder)) {
            throw BackendError(message: "cannot create the JIT: \(m)")
        }
        guard let j = jitRef else { throw BackendError(message: "cannot create the JIT") }
        jit = j
        // Resolve CPython's and libm's symbols from the running process.
        var generator: LLVMOrcDefinitionGeneratorRef? = nil
        if let m = consume(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
            &generator, LLVMOrcLLJITGetGlobalPrefix(j), nil, nil)) {
            throw BackendError(message: "cannot search the process for symbols: \(m)")
        }
        LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(j), generator)
        try defineSymbols(Runtime.symbols + Backend.runtimeSymbols)
    }

    /// Makes host functions (runtime helpers of the extension module) visible to
    /// JIT-compiled code under the given names.
    public func defineSymbols(_ symbols: [(String, UInt64)]) throws {
        var pairs: [LLVMOrcCSymbolMapPair] = symbols.map { name, address in
            let flags = LLVMJITSymbolFlags(GenericFlags: UInt8(LLVMJITSymbolGenericFlagsExported.rawValue |
                                                               LLVMJITSymbolGenericFlagsCallable.rawValue),
                                           TargetFlags: 0)
            return LLVMOrcCSymbolMapPair(Name: LLVMOrcLLJITMangleAndIntern(jit, name),
                                         Sym: LLVMJITEvaluatedSymbol(Address: address, Flags: flags))
        }
        let unit = pairs.withUnsafeMutableBufferPointer { LLVMOrcAbsoluteSymbols($0.baseAddress, $0.count) }
        if let m = consume(LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), unit)) {
            throw BackendError(message: "cannot define runtime symbols: \(m)")
        }
    }

    /// Sets the module's triple and data layout to the host's.
    public func prepare(_ module: LLVMModuleRef) {
        LLVMSetTarget(module, triple)
        LLVMSetDataLayout(module, dataLayout)
    }

    /// Runs LLVM's verifier; returns its message on failure.
    public func verify(_ module: LLVMModuleRef) -> String? {
        var message: UnsafeMutablePointer<CChar>? = nil
        let failed = LLVMVerifyModule(module, LLVMReturnStatusAction, &message) != 0
        defer { LLVMDisposeMessage(message) }
        return failed ? (message.map { String(cString: $0) } ?? "invalid module") : nil
    }

    /// The pass pipeline for straight-line code: promote variables to registers
    /// and simplify. Much cheaper to set up than the O2/O3 pipelines, which only
    /// pay off on loops.
    public static let lightPipeline = "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)"

    /// Optimizes with the new pass manager at `level` (0...3) for the host CPU;
    /// `pipeline` replaces the default pipeline when given.
    public func optimize(_ module: LLVMModuleRef, level: Int, pipeline custom: String? = nil) throws {
        let options = LLVMCreatePassBuilderOptions()!
        defer { LLVMDisposePassBuilderOptions(options) }
        LLVMPassBuilderOptionsSetLoopVectorization(options, level >= 2 ? 1 : 0)
        LLVMPassBuilderOptionsSetSLPVectorization(options, level >= 2 ? 1 : 0)
        LLVMPassBuilderOptionsSetLoopUnrolling(options, level >= 2 ? 1 : 0)
        LLVMPassBuilderOptionsSetLoopInterleaving(options, level >= 2 ? 1 : 0)
        let pipeline = custom ?? "default<O\(max(0, min(3, level)))>"
        if let m = consume(LLVMRunPasses(module, pipeline, targetMachine, options)) {
            throw BackendError(message: "optimization failed: \(m)")
        }
    }

    /// Hands a module to the JIT (which takes ownership of it and its context).
    public func add(_ module: LLVMModuleRef, context: LLVMOrcThreadSafeContextRef) throws {
        let tsm = LLVMOrcCreateNewThreadSafeModule(module, context)
        if let m = consume(LLVMOrcLLJITAddLLVMIRModule(jit, LLVMOrcLLJITGetMainJITDylib(jit), tsm)) {
            LLVMOrcDisposeThreadSafeModule(tsm)
            throw BackendError(message: "cannot add the module to the JIT: \(m)")
        }
    }

    /// Generates native object code for a module, at the given code generation level (0...3).
    public func emitObject(_ module: LLVMModuleRef, level: Int) throws -> LLVMMemoryBufferRef {
        var buffer: LLVMMemoryBufferRef? = nil
        var message: UnsafeMutablePointer<CChar>? = nil
        let tm = codegenMachines[max(0, min(3, level))] ?? targetMachine
        guard LLVMTargetMachineEmitToMemoryBuffer(tm, module, LLVMObjectFile, &message, &buffer) == 0,
              let buf = buffer else {
            defer { LLVMDisposeMessage(message) }
            throw BackendError(message: "code generation failed: " + (message.map { String(cString: $0) } ?? "?"))
        }
        return buf
    }

    /// Links an object file into the JIT (which takes ownership of the buffer).
    public func addObject(_ buffer: LLVMMemoryBufferRef) throws {
        if let m = consume(LLVMOrcLLJITAddObjectFile(jit, LLVMOrcLLJITGetMainJITDylib(jit), buffer)) {
            throw BackendError(message: "cannot link the object code: \(m)")
        }
    }

    /// The address of a compiled symbol (compiling its module on first lookup).
    public func lookup(_ name: String) throws -> UInt64 {
        var address: LLVMOrcExecutorAddress = 0
        if let m = consume(LLVMOrcLLJITLookup(jit, &address, name)) {
            throw BackendError(message: "cannot find \(name) in the JIT: \(m)")
        }
        return address
    }

    /// Native assembly for a module (before it goes to the JIT).
    public func assembly(_ module: LLVMModuleRef) -> String {
        var buffer: LLVMMemoryBufferRef? = nil
        var message: UnsafeMutablePointer<CChar>? = nil
        guard LLVMTargetMachineEmitToMemoryBuffer(targetMachine, module, LLVMAssemblyFile, &message, &buffer) == 0,
              let buf = buffer else {
            defer { LLVMDisposeMessage(message) }
            return message.map { String(cString: $0) } ?? ""
        }
        defer { LLVMDisposeMemoryBuffer(buf) }
        let start = LLVMGetBufferStart(buf)!
        let size = LLVMGetBufferSize(buf)
        return start.withMemoryRebound(to: UInt8.self, capacity: size) {
            String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
        }
    }
}
