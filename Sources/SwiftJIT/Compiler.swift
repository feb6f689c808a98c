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
    /// The direct entry, when the function cannot raise (other than RecursionError).
    public var direct: DirectEntry? = nil
    /// Text dumps kept for inspection.
    public var irText: String
    public var typedIRText: String
    public var llvmText: String
    /// Milliseconds spent in each stage.
    public var timings: [(String, Double)]
    /// The content key of this specialization (hex).
    public var key: String = ""
    /// "hit" (loaded from the disk cache), "miss" (compiled and stored), "off", or "memory"
    /// (the same code was already compiled in this process).
    public var cacheStatus: String = "off"
    /// Problems worth a warning (a corrupt cache file, a cache folder that cannot be written).
    public var warnings: [String] = []
    /// Which prange loops run in parallel and why the others do not.
    public var parallelDiagnostics: String = ""
}

/// Versions that go into every cache key.
public enum Versions {
    public static let swiftjit = "0.1.0"
    public static var llvm: String {
        var major: UInt32 = 0, minor: UInt32 = 0, patch: UInt32 = 0
        LLVMGetVersion(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

/// The pipeline: bytecode -> IR -> types -> LLVM IR -> optimized -> JIT.
public enum Compiler {
    /// Specializations already in the JIT, by key (their symbols exist once per process).
    nonisolated(unsafe) static var loaded: [String: CompiledFunction] = [:]

    /// The content key of a specialization: everything its machine code depends on.
    static func cacheKey(_ code: CodeObject, _ typed: TypedFunction, options: CompileOptions, backend: Backend) -> String {
        var h1 = StableHasher(), h2 = StableHasher()
        h2.combine("second hash")
        func add(_ s: String) { h1.combine(s); h2.combine(s) }
        add("swiftjit \(Versions.swiftjit) llvm \(Versions.llvm) python \(code.version)")
        add("\(backend.triple) \(backend.cpuName) \(backend.cpuFeatures)")
        add("opt=\(options.optLevel) fastmath=\(options.fastmath) boundscheck=\(options.boundscheck) nogil=\(options.nogil)" + (options.parallel ? " parallel" : ""))
        if let r = options.returnType { add("returns=\(r)") }
        add(canonical(code))
        if typed.ir.qualname != code.qualname { add(typed.ir.dump()) }  // a lifted loop
        for (name, value) in typed.globals.sorted(by: { $0.key < $1.key }) { add("\(name)=\(value)") }
        // Calls of other jitted functions name their native symbols, which carry the callees' keys.
        for (ref, call) in typed.calls.sorted(by: { ($0.key.block, $0.key.index) < ($1.key.block, $1.key.index) }) {
            add("call \(ref.block).\(ref.index) \(call.impl)")
        }
        add(typed.argTypes.map { $0.description }.joined(separator: ","))
        return String(h1.value, radix: 16).leftPadded(16) + String(h2.value, radix: 16).leftPadded(16)
    }

    /// A complete, stable text form of a code object (nested code objects included).
    static func canonical(_ code: CodeObject) -> String {
        var parts = [code.qualname, code.name, String(code.argCount), String(code.positionalOnlyArgCount),
                     String(code.keywordOnlyArgCount), String(code.flags.rawValue),
                     code.varnames.joined(separator: ","), code.names.joined(separator: ","),
                     code.freevars.joined(separator: ","), code.cellvars.joined(separator: ","),
                     code.code.map { String($0) }.joined(separator: " ")]
        // Traceback entries name the file and lines of raising statements (Lowering/Traceback.swift).
        parts.append("\(code.filename):\(code.firstLineNumber) " + code.lineTable.map { String($0) }.joined(separator: " "))
        parts.append(code.constants.map(canonical).joined(separator: "|"))
        return parts.joined(separator: "\n")
    }

    static func canonical(_ c: Constant) -> String {
        switch c {
        case .float(let d): return "f\(d.bitPattern)"
        case .complex(let r, let i): return "c\(r.bitPattern),\(i.bitPattern)"
        case .tuple(let items): return "(" + items.map(canonical).joined(separator: ",") + ")"
        case .code(let inner): return "code{" + canonical(inner) + "}"
        case .string(let s): return "s\(s.utf8.count):\(s)"
        default: return c.description
        }
    }

    /// Compiles `code` for `argTypes`. `resolveGlobal` answers what global names refer to.
    /// `lifted`: compile this IR (a loop lifted out of an object-mode function) instead of `code`'s.
    public static func compile(_ code: CodeObject, argTypes: [JITType], options: CompileOptions = CompileOptions(),
                               lifted: IRFunction? = nil,
                               resolveGlobal: @escaping (String) -> GlobalValue) throws -> CompiledFunction {
        var timings: [(String, Double)] = []
        var clock = Clock()
        let ir = try lifted ?? Translator.translate(code)
        timings.append(("frontend", clock.lap()))
        // `prange` types as `range`; the parallel planner looks for the names bound to it.
        let pranges = PrangeNames()
        var typed = try TypeInference.infer(ir, argTypes: argTypes, options: options) { name in
            let g = resolveGlobal(name)
            if g == .builtin("prange") { pranges.names.insert(name); return .builtin("range") }
            return g
        }
        if let declared = options.returnType, declared != typed.returnType {
            // An explicit signature's return type: the inferred one must convert to it safely.
            guard JITType.unify(typed.returnType, declared) == declared else {
                throw CompileError(.typing, "the function returns \(typed.returnType), which does not convert to the "
                                   + "declared return type \(declared)", stage: "typing")
            }
            typed.returnType = declared
        }
        try ContainerTyping.checkGIL(typed, options: options, hasPrange: !pranges.names.isEmpty)
        var plan = ParallelPlanner.plan(typed, prangeNames: pranges.names, parallel: options.parallel)
        timings.append(("typing", clock.lap()))
        for (i, t) in argTypes.enumerated() where !t.isFirstClass {
            throw CompileError(.typing, "argument '\(ir.argNames[i])' of type \(t) cannot be passed", stage: "typing")
        }
        let backend: Backend
        switch Backend.shared {
        case .success(let b): backend = b
        case .failure(let e): throw CompileError(.internal, e.message, stage: "backend")
        }
        let key = cacheKey(code, typed, options: options, backend: backend)
        if let known = loaded[key] {
            var c = known
            c.cacheStatus = "memory"
            return c
        }
        let base = "swiftjit." + (lifted?.qualname ?? code.qualname).map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "." + key
        let nativeName = base + ".native"
        let wrapperName = base + ".wrapper"
        var warnings: [String] = []
        if let cache = options.cache, options.withWrapper {
            switch cache.load(key: key) {
            case .hit(let info, let bytes):
                do {
                    let buffer = bytes.withUnsafeBufferPointer {
                        $0.withMemoryRebound(to: CChar.self) {
                            LLVMCreateMemoryBufferWithMemoryRangeCopy($0.baseAddress, $0.count, base)!
                        }
                    }
                    try backend.addObject(buffer)
                    let wrapper = try backend.lookup(info.wrapperName)
                    let native = try backend.lookup(info.nativeName)
                    timings.append(("cache load", clock.lap()))
                    let c = CompiledFunction(signature: argTypes, returnType: typed.returnType, wrapperAddress: wrapper,
                                             nativeAddress: native, nativeName: info.nativeName, wrapperName: info.wrapperName,
                                             direct: info.direct,
                                             irText: ir.dump(), typedIRText: typed.dump(),
                                             llvmText: "; loaded from the cache: \(cache.path(forKey: key))\n",
                                             timings: timings, key: key, cacheStatus: "hit",
                                             parallelDiagnostics: plan.text)
                    loaded[key] = c
                    return c
                } catch let e as BackendError {
                    warnings.append("cannot load the cached code (\(e.message)); recompiling")
                }
            case .invalid(let why):
                warnings.append("ignoring a bad cache entry: \(why); recompiling")
            case .miss:
                break
            }
        }

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
        lowering.parallelLoops = plan.loops
        try lowering.lower()
        for (header, reason) in lowering.parallelFailures { plan.demote(header: header, reason: reason) }
        plan.diagnostics += lowering.parallelArrayNotes
        // A function that cannot raise gets a direct entry, and `.native` calls it.
        var native = lowering.fn
        var direct: DirectEntry? = nil
        if lowering.canGoDirect,
           let made = FunctionLowering.makeDirect(lowering, nativeName: nativeName, directName: base + ".direct") {
            (native, direct) = (made.native, made.entry)
        }
        if options.withWrapper {
            _ = try WrapperLowering(b: b, typed: typed, native: native, options: options).generate(name: wrapperName)
        }
        timings.append(("lowering", clock.lap()))
        // Loops, and calls of jitted functions (recursion above all), repay the full pipelines;
        // straight-line code gets the light one.
        // Loops the lowering made for array expressions count too.
        let worthFullPipeline = ir.hasLoops || typed.callsJittedFunctions || lowering.emittedLoops
        if let problem = backend.verify(module) {
            throw CompileError(.internal, "LLVM rejected the generated code: \(problem)", stage: "lowering")
        }
        do {
            let light = !worthFullPipeline && options.optLevel > 0
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
            let object = try backend.emitObject(module, level: worthFullPipeline ? options.optLevel : 0)
            timings.append(("codegen", clock.lap()))
            var cacheStatus = "off"
            if let cache = options.cache, options.withWrapper {
                let start = LLVMGetBufferStart(object)!
                let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(start), count: LLVMGetBufferSize(object))
                do {
                    try cache.store(key: key, info: CacheEntryInfo(nativeName: nativeName, wrapperName: wrapperName,
                                                                    returnType: typed.returnType.description,
                                                                    direct: direct), object: bytes)
                    cacheStatus = "miss"
                } catch {
                    warnings.append("cannot write the cache: \(error)")
                }
            }
            try backend.addObject(object)
            let wrapper = options.withWrapper ? try backend.lookup(wrapperName) : 0
            let nativeAddress = try backend.lookup(nativeName)
            timings.append(("link", clock.lap()))
            var c = CompiledFunction(signature: argTypes, returnType: typed.returnType, wrapperAddress: wrapper,
                                     nativeAddress: nativeAddress, nativeName: nativeName, wrapperName: wrapperName,
                                     irText: ir.dump(), typedIRText: typed.dump(), llvmText: llvmText,
                                     timings: timings, key: key, cacheStatus: cacheStatus, warnings: warnings,
                                     parallelDiagnostics: plan.text)
            c.direct = direct
            loaded[key] = c
            return c
        } catch let e as BackendError {
            throw CompileError(.internal, e.message, stage: "backend")
        }
    }
}

/// Global names found bound to `swiftjit.prange` while typing.
final class PrangeNames: @unchecked Sendable {
    var names = Set<String>()
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

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
