#if canImport(Glibc)
import Glibc
#endif
import CPython
import SwiftJIT

/// The wrapper entry generated in LLVM for each overload.
typealias WrapperEntry = @convention(c) (UnsafePointer<PyPtr?>?, Int) -> PyPtr?

/// Python callables the Python package registers at import (`_set_hooks`).
struct Hooks {
    /// make_error(kind, message, funcname, filename, line, col, endcol, stage) -> exception instance
    nonisolated(unsafe) static var makeError: PyPtr?
    /// bind(py_func, args_tuple, kwargs_dict_or_None) -> tuple of all arguments
    nonisolated(unsafe) static var bind: PyPtr?
    /// type_from_name(str) -> swiftjit.types object
    nonisolated(unsafe) static var typeFromName: PyPtr?
    /// The category of swiftjit's warnings (swiftjit.errors.SwiftJITWarning).
    nonisolated(unsafe) static var warningCategory: PyPtr?
}

/// The state behind one `Dispatcher` object: the Python function, its options
/// and the table of compiled overloads.
final class DispatcherCore {
    var pyFunc: PyPtr?
    let options: CompileOptions
    /// Number of arguments of the compiled function (positional + keyword-only).
    let argCount: Int
    /// Only positional calls with exactly this many arguments take the fast path.
    let fastPathArgCount: Int
    var code: CodeObject?

    /// Fast-path keys: `argCount` type pointers per overload (0 = not keyable).
    var keys: UnsafeMutablePointer<UInt> = .allocate(capacity: 0)
    var entries: UnsafeMutablePointer<WrapperEntry?> = .allocate(capacity: 0)
    var count = 0
    var compiled: [CompiledFunction] = []
    var compileMilliseconds = 0.0
    var cacheHits = 0
    var cacheMisses = 0
    /// Objects compiled code refers to by address (exception classes defined in Python).
    var keepAlive: [PyPtr] = []
    /// Explicit signatures were given: calls convert to them or raise TypeError, never compile.
    var explicitSignatures = false
    /// `@jit` may fall back to object mode; `forceobj=True`; `looplift` (ObjectModeDispatch.swift).
    var modeOptions = ObjectModeOptions()
    /// The object-mode code, once compiled: every call that misses the fast path runs it.
    var objectMode: ObjectModeEntry? = nil
    /// Signatures being compiled right now, innermost last (dispatcher id, argument types).
    nonisolated(unsafe) static var compiling: [(UInt, [JITType])] = []

    init(pyFunc: PyPtr, options: CompileOptions, argCount: Int, fastPathArgCount: Int) {
        self.pyFunc = pyFunc
        Py_IncRef(pyFunc)
        self.options = options
        self.argCount = argCount
        self.fastPathArgCount = fastPathArgCount
    }

    deinit {
        if let f = pyFunc { Py_DecRef(f) }
        for o in keepAlive { Py_DecRef(o) }
        keys.deallocate()
        entries.deallocate()
    }

    /// The exact types whose objects the wrapper unboxes by type identity alone.
    static let keyableTypes: Set<UInt> = [
        UInt(bitPattern: withUnsafeMutablePointer(to: &PyLong_Type) { $0 }),
        UInt(bitPattern: withUnsafeMutablePointer(to: &PyFloat_Type) { $0 }),
        UInt(bitPattern: withUnsafeMutablePointer(to: &PyBool_Type) { $0 }),
        UInt(bitPattern: swiftjit_type(swiftjit_none())),
        UInt(bitPattern: withUnsafeMutablePointer(to: &PyComplex_Type) { $0 }),
        UInt(bitPattern: withUnsafeMutablePointer(to: &PyUnicode_Type) { $0 }),
    ]

    /// The exact Python type whose objects have nopython type `t`, 0 when there is none.
    static func key(of t: JITType) -> UInt {
        switch t {
        case .int64: return UInt(bitPattern: withUnsafeMutablePointer(to: &PyLong_Type) { $0 })
        case .float64: return UInt(bitPattern: withUnsafeMutablePointer(to: &PyFloat_Type) { $0 })
        case .boolean: return UInt(bitPattern: withUnsafeMutablePointer(to: &PyBool_Type) { $0 })
        case .complex128: return UInt(bitPattern: withUnsafeMutablePointer(to: &PyComplex_Type) { $0 })
        case .none: return UInt(bitPattern: swiftjit_type(swiftjit_none()))
        case .string: return UInt(bitPattern: withUnsafeMutablePointer(to: &PyUnicode_Type) { $0 })
        default: return 0
        }
    }

    func add(_ c: CompiledFunction, sample: UnsafePointer<PyPtr?>) {
        add(c) { a in
            let t = UInt(bitPattern: swiftjit_type(sample[a]!))
            if DispatcherCore.keyableTypes.contains(t) { return t }
            let typed = DispatcherCore.typedContainerKey(sample[a]!)
            if typed != 0 { return typed }
            let declared = DeclaredContainerClasses.key(sample[a]!)  // typed.List[str] ...: exact type
            if declared != 0 { return declared }
            if let nd = swiftjit_ndarray_type(), swiftjit_type(sample[a]!) == nd {
                return UInt(swiftjit_array_key(sample[a]!))
            }
            return 0
        }
    }

    /// Adds an overload compiled for a call from other compiled code (keys from its types).
    func add(_ c: CompiledFunction) {
        add(c) { a in a < c.signature.count ? DispatcherCore.key(of: c.signature[a]) : 0 }
    }

    func add(_ c: CompiledFunction, key: (Int) -> UInt) {
        let n = argCount
        let newKeys = UnsafeMutablePointer<UInt>.allocate(capacity: (count + 1) * max(n, 1))
        newKeys.update(from: keys, count: count * n)
        for a in 0..<n { newKeys[count * n + a] = key(a) }
        let newEntries = UnsafeMutablePointer<WrapperEntry?>.allocate(capacity: count + 1)
        newEntries.update(from: entries, count: count)
        newEntries[count] = unsafeBitCast(UInt(c.wrapperAddress), to: WrapperEntry.self)
        // Publish the new tables before freeing the old ones (single-threaded under the GIL).
        let oldKeys = keys, oldEntries = entries
        keys = newKeys
        entries = newEntries
        compiled.append(c)
        count += 1
        oldKeys.deallocate()
        oldEntries.deallocate()
    }

    /// The fast path: exact type identity of every argument.
    @inline(__always)
    func lookup(_ args: UnsafePointer<PyPtr?>, _ n: Int) -> WrapperEntry? {
        var i = 0
        outer: while i < count {
            let base = keys + i * n
            for a in 0..<n {
                let key = base[a]
                let t = swiftjit_type(args[a]!)
                if key == UInt(bitPattern: t) { continue }
                // Arrays are keyed by dtype, ndim, layout and flags (the high bit marks such keys).
                if key >> 63 == 1, t == DispatcherCore.ndarrayType, UInt(swiftjit_array_key(args[a]!)) == key { continue }
                // typed.List / typed.Dict: keyed by their element kinds (bit 62 marks such keys).
                if key >> 62 == 1, DispatcherCore.typedContainerKey(args[a]!) == key { continue }
                i += 1
                continue outer
            }
            return entries[i]
        }
        return nil
    }

    /// numpy.ndarray, once an array has been seen.
    nonisolated(unsafe) static var ndarrayType: UnsafeMutablePointer<PyTypeObject>? = nil

    // MARK: slow path

    func slowCall(_ args: UnsafePointer<PyPtr?>?, _ nargs: Int, _ kwnames: PyPtr?) -> PyPtr? {
        guard let pyFunc = pyFunc else {
            PyErr_SetString(PyExc_RuntimeError, "this dispatcher has been cleared")
            return nil
        }
        // Bind keyword arguments and defaults with the Python helper.
        var bound: PyPtr? = nil
        defer { if let b = bound { Py_DecRef(b) } }
        var argv: UnsafePointer<PyPtr?>
        if kwnames != nil || nargs != argCount || fastPathArgCount != argCount {  // keyword-only parameters: always bind
            guard let bind = Hooks.bind else {
                PyErr_SetString(PyExc_RuntimeError, "swiftjit is not initialized")
                return nil
            }
            let npos = nargs
            let argsTuple = PyTuple_New(npos)!
            for i in 0..<npos {
                Py_IncRef(args![i]); PyTuple_SetItem(argsTuple, i, args![i])
            }
            var kwargs: PyPtr? = nil
            if let kw = kwnames {
                kwargs = PyDict_New()
                for k in 0..<PyTuple_Size(kw) {
                    PyDict_SetItem(kwargs, PyTuple_GetItem(kw, k), args![npos + k])
                }
            }
            let callArgs: [PyPtr?] = [pyFunc, argsTuple, kwargs ?? swiftjit_none()]
            bound = callArgs.withUnsafeBufferPointer { PyObject_Vectorcall(bind, $0.baseAddress, 3, nil) }
            Py_DecRef(argsTuple)
            if let k = kwargs { Py_DecRef(k) }
            guard let b = bound else { return nil }
            guard PyTuple_Size(b) == argCount else {
                PyErr_SetString(PyExc_TypeError, "argument binding gave the wrong number of arguments")
                return nil
            }
            argv = UnsafeRawPointer(b).advanced(by: MemoryLayout<PyVarObject>.size).assumingMemoryBound(to: PyPtr?.self)
        } else {
            argv = args!
        }
        // Fast key lookup again (bound arguments may now match).
        if let e = lookup(argv, argCount) { return e(argv, argCount) }
        // Object mode: one entry for all argument types.
        if let om = objectMode { return om.call(argv, argCount) }
        if modeOptions.mode == .force { return objectModeEntry()?.call(argv, argCount) }
        // Type the arguments.
        var types: [JITType] = []
        for i in 0..<argCount {
            guard let t = typeOf(argv[i]!, argument: i) else {
                if modeOptions.mode == .fallback, !explicitSignatures { return fallBack(argv) }
                return untypableArgument(argv)
            }
            types.append(t)
        }
        if let index = compiled.firstIndex(where: { $0.signature == types }) {
            let entry = unsafeBitCast(UInt(compiled[index].wrapperAddress), to: WrapperEntry.self)
            // A typed.List/Dict meeting a specialization first compiled for a plain list/dict:
            // key it too, so that the next calls take the fast path (TypedContainers.swift).
            if (0..<argCount).contains(where: {
                DispatcherCore.typedContainerKey(argv[$0]!) != 0 || DeclaredContainerClasses.key(argv[$0]!) != 0
            }) {
                addAlias(entry: entry, sample: argv)
            }
            return entry(argv, argCount)
        }
        if explicitSignatures { return callConverted(argv, types) }
        // Another thread may be compiling: wait for it (with the GIL released), then look again.
        swiftjit_compile_lock()
        defer { swiftjit_compile_unlock() }
        if let index = compiled.firstIndex(where: { $0.signature == types }) {
            let entry = unsafeBitCast(UInt(compiled[index].wrapperAddress), to: WrapperEntry.self)
            return entry(argv, argCount)
        }
        guard let c = compile(types) else { return fallBack(argv) }
        add(c, sample: argv)
        let entry = unsafeBitCast(UInt(c.wrapperAddress), to: WrapperEntry.self)
        return entry(argv, argCount)
    }

    func argName(_ i: Int) -> String {
        if let c = code, i < c.varnames.count { return c.varnames[i] }
        return "#\(i)"
    }

    /// The nopython type of an argument, or nil with a Python exception set.
    func typeOf(_ o: PyPtr, argument i: Int) -> JITType? {
        if o == swiftjit_none() { return JITType.none }
        if o == swiftjit_true() || o == swiftjit_false() { return .boolean }
        if swiftjit_is_long(o) != 0 {
            var overflow: Int32 = 0
            _ = PyLong_AsLongLongAndOverflow(o, &overflow)
            if overflow != 0 {
                _ = ensureCode()
                PyErr_SetString(PyExc_OverflowError, "argument '\(argName(i))' does not fit in int64 (nopython mode uses 64-bit integers)")
                return nil
            }
            return .int64
        }
        if swiftjit_is_float(o) != 0 { return .float64 }
        // NumPy scalars type as the scalar they compute as (np.int32 -> int64, np.float32 -> float64).
        if let name = swiftjit_type(o).pointee.tp_name, strncmp(name, "numpy.", 6) == 0 {
            let tn = String(cString: name)
            if tn == "numpy.bool" || tn == "numpy.bool_" { return .boolean }
            if tn.contains("int") { return .int64 }
            if tn.contains("float") && !tn.contains("longdouble") && !tn.contains("float128") { return .float64 }
        }
        if swiftjit_is_complex(o) != 0 { return .complex128 }
        if let t = arrayType(o, argument: i) { return t }
        if PyErr_Occurred() != nil { return nil }
        if swiftjit_is_tuple(o) != 0 {
            var items: [JITType] = []
            for k in 0..<PyTuple_Size(o) {
                guard let t = typeOf(PyTuple_GetItem(o, k)!, argument: i) else { return nil }
                items.append(t)
            }
            return .tuple(items)
        }
        if let t = containerType(o, argument: i) { return t }
        if PyErr_Occurred() != nil { return nil }
        _ = ensureCode()
        setCompileError(CompileError(.typing,
            "argument '\(argName(i))' is a \(Py.typeName(o)), which nopython mode does not support "
            + "(supported: int, float, complex, bool, None, str, NumPy arrays, and tuples, lists, dicts and sets of "
            + "supported values)",
            at: SourcePosition(line: code?.firstLineNumber ?? -1), stage: "typing"))
        return nil
    }

    /// The type of an ndarray argument; nil (with no error set) when `o` is not one.
    func arrayType(_ o: PyPtr, argument i: Int) -> JITType? {
        // Only look at NumPy when numpy has been imported by someone.
        guard PyImport_GetModuleDict() != nil, PyDict_GetItemString(PyImport_GetModuleDict(), "numpy") != nil else {
            return nil
        }
        if DispatcherCore.ndarrayType == nil {
            if swiftjit_numpy_init() < 0 { return nil }
            DispatcherCore.ndarrayType = swiftjit_ndarray_type()
        }
        guard let nd = DispatcherCore.ndarrayType, PyObject_TypeCheck(o, nd) != 0 else { return nil }
        let key = swiftjit_array_key(o)
        let dtypeNumber = Int(key & 0xFFFF)
        guard key != 0, let dtype = DType(typeNumber: dtypeNumber) else {
            _ = ensureCode()
            let d = Py.attr(o, "dtype").map { r -> String in
                defer { Py_DecRef(r) }
                return "\(Py.stringAttr(r, "name") ?? "?") ('\(Py.stringAttr(r, "str") ?? "?")')"
            } ?? "?"
            setCompileError(CompileError(.typing,
                "argument '\(argName(i))' is an array of dtype \(d), which nopython mode does not support "
                + "(supported: bool, int8-64, uint8-64, float32, float64, in native byte order)",
                at: SourcePosition(line: code?.firstLineNumber ?? -1), stage: "typing"))
            return nil
        }
        let ndim = Int((key >> 16) & 0xFF)
        let layoutBits = (key >> 24) & 0xF
        let layout: Layout = layoutBits == 1 ? .c : layoutBits == 2 ? .f : .any
        let writable = (key >> 28) & 1 == 1
        return .array(ArrayType(dtype: dtype, ndim: ndim, layout: ndim == 0 ? .c : layout, writable: writable))
    }

    /// Compiles a new overload (not added to the table).
    func compileOrThrow(_ types: [JITType], returnType: JITType? = nil) throws -> CompiledFunction {
        guard let pyFunc = pyFunc else {
            throw CompileError(.internal, "this dispatcher has been cleared", stage: "compiler")
        }
        // Every compile (first calls, explicit signatures, callees of compiled code) holds the lock.
        swiftjit_compile_lock()
        defer { swiftjit_compile_unlock() }
        if swiftjit_compile_abandoned() != 0 {
            // A forked child: the thread that was compiling does not exist here.
            DispatcherCore.compiling.removeAll()
        }
        let start = Clock.now()
        defer { compileMilliseconds += Clock.now() - start }
        let code: CodeObject
        if let c = self.code { code = c } else {
            code = try CodeReader.read(function: pyFunc)
            self.code = code
        }
        let resolver = GlobalResolver(function: pyFunc, code: code, owner: self)
        defer { resolver.release() }
        DispatcherCore.compiling.append((id, types))
        defer { DispatcherCore.compiling.removeLast() }
        var options = self.options
        options.returnType = returnType
        let c = try Compiler.compile(code, argTypes: types, options: options) { resolver.resolve($0) }
        if c.cacheStatus == "hit" { cacheHits += 1 }
        if c.cacheStatus == "miss" { cacheMisses += 1 }
        return c
    }

    func ensureCode() -> CodeObject? {
        if let c = code { return c }
        guard let f = pyFunc else { return nil }
        code = try? CodeReader.read(function: f)
        return code
    }

    /// Compiles a new overload, or sets a Python exception and returns nil.
    func compile(_ types: [JITType], returnType: JITType? = nil) -> CompiledFunction? {
        do {
            let c = try compileOrThrow(types, returnType: returnType)
            debugDump(c)
            for w in c.warnings {
                if PyErr_WarnEx(Hooks.warningCategory ?? PyExc_RuntimeWarning, "swiftjit: \(w)", 1) < 0 { return nil }
            }
            return c
        } catch let e as CompileError {
            setCompileError(e)
        } catch {
            setCompileError(CompileError(.internal, "\(error)", stage: "compiler"))
        }
        return nil
    }

    func setCompileError(_ e: CompileError) {
        let filename = code?.filename ?? "<unknown>"
        let funcname = code?.qualname ?? "<unknown>"
        guard let make = Hooks.makeError else {
            PyErr_SetString(PyExc_RuntimeError, e.description)
            return
        }
        let kind = e.kind.rawValue
        let pyArgs: [PyPtr?] = [
            Py.str(kind), Py.str(e.message), Py.str(funcname), Py.str(filename),
            PyLong_FromLong(e.position.line), PyLong_FromLong(e.position.column),
            PyLong_FromLong(e.position.endColumn), Py.str(e.stage),
        ]
        defer { for a in pyArgs { if let a = a { Py_DecRef(a) } } }
        guard let exc = pyArgs.withUnsafeBufferPointer({ PyObject_Vectorcall(make, $0.baseAddress, pyArgs.count, nil) }) else {
            return  // the hook raised; keep its exception
        }
        PyErr_SetObject(UnsafeMutableRawPointer(swiftjit_type(exc)).assumingMemoryBound(to: PyObject.self), exc)
        Py_DecRef(exc)
    }
}

/// Answers what global and free-variable names of a function refer to, at compile time.
final class GlobalResolver {
    var globals: PyPtr?
    var builtins: PyPtr?
    var closure: [String: PyPtr] = [:]
    /// The dispatcher compiling; it keeps alive the objects compiled code refers to.
    weak var owner: DispatcherCore?

    init(function: PyPtr, code: CodeObject, owner: DispatcherCore? = nil) {
        self.owner = owner
        globals = Py.attr(function, "__globals__")
        builtins = Py.attr(function, "__builtins__")
        if let b = builtins, swiftjit_is_module(b) != 0 {
            let d = PyModule_GetDict(b)!
            Py_IncRef(d)
            Py_DecRef(b)
            builtins = d
        }
        if let cells = Py.attr(function, "__closure__") {
            if swiftjit_is_tuple(cells) != 0 {
                for (i, name) in code.freevars.enumerated() where i < PyTuple_Size(cells) {
                    if let contents = PyCell_Get(PyTuple_GetItem(cells, i)) {
                        closure[name] = contents
                    } else {
                        PyErr_Clear()
                    }
                }
            }
            Py_DecRef(cells)
        }
    }

    /// Whether `o` is `swiftjit.prange`.
    static func isPrange(_ o: PyPtr) -> Bool {
        Py.stringAttr(o, "__module__") == "swiftjit.decorators" && Py.stringAttr(o, "__qualname__") == "prange"
    }

    func release() {
        if let g = globals { Py_DecRef(g) }
        if let b = builtins { Py_DecRef(b) }
        for (_, v) in closure { Py_DecRef(v) }
        globals = nil; builtins = nil; closure = [:]
    }

    func resolve(_ name: String) -> GlobalValue {
        if let v = closure[name] { return value(v) }
        if let g = globals, swiftjit_is_dict(g) != 0, let v = PyDict_GetItemString(g, name) {
            return value(v)
        }
        if let b = builtins, swiftjit_is_dict(b) != 0, let v = PyDict_GetItemString(b, name) {
            return value(v)
        }
        if let core = DispatcherCore.beingDecorated(name, globals: globals) { return .dispatcher(core.callee) }
        return .undefined
    }

    /// A global's meaning; other jitted functions and exception classes
    /// defined in Python are recognized here, the rest by CodeReader.
    func value(_ o: PyPtr) -> GlobalValue {
        if DispatcherType.isDispatcher(o), let core = DispatcherType.core(o) {
            return .dispatcher(core.callee)
        }
        // Objects built on a dispatcher (cfunc, lazy vectorize) are called through it from compiled code.
        if swiftjit_is_module(o) == 0, let d = Py.attr(o, "__swiftjit_dispatcher__") {
            defer { Py_DecRef(d) }
            if DispatcherType.isDispatcher(d), let core = DispatcherType.core(d) { return .dispatcher(core.callee) }
        }
        // A numpy.ufunc made by swiftjit.vectorize: its kernel's dispatcher (swiftjit._native._ufunc_dispatchers).
        if Py.typeName(o) == "ufunc", let modules = PyImport_GetModuleDict(),
           let native = PyDict_GetItemString(modules, "swiftjit._native"),
           let table = Py.attr(native, "_ufunc_dispatchers") {
            defer { Py_DecRef(table) }
            if swiftjit_is_dict(table) != 0, let d = PyDict_GetItem(table, o), DispatcherType.isDispatcher(d),
               let core = DispatcherType.core(d) {
                return .dispatcher(core.callee)
            }
        }
        // swiftjit.types number types called in compiled code are casts (float64(x) is float(x)).
        if swiftjit_is_module(o) == 0, let b = Py.attr(o, "__swiftjit_builtin__") {
            defer { Py_DecRef(b) }
            if let name = Py.string(b) { return .builtin(name) }
        }
        // swiftjit.prange: the compiler types it as range and, with parallel=True, plans the loop.
        let g = CodeReader.globalValue(o, builtins: builtins)
        if case .unsupported = g, GlobalResolver.isPrange(o) { return .builtin("prange") }
        if case .unsupported = g, swiftjit_is_exception_class(o) != 0 {
            let name = Py.stringAttr(o, "__name__") ?? "Exception"
            if let owner = owner, !owner.keepAlive.contains(o) {
                Py_IncRef(o)
                owner.keepAlive.append(o)
            }
            return .userExceptionClass(name: name, address: UInt64(UInt(bitPattern: o)))
        }
        return g
    }
}

/// A monotonic clock in milliseconds.
enum Clock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }
}
