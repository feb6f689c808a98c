import CPython
import SwiftJIT

/// `PyObject *f(PyObject *const *args, Py_ssize_t nargs, PyObject **data)`: an object-mode entry.
typealias ObjectModeEntryFunction = @convention(c) (UnsafePointer<PyPtr?>?, Int, UnsafeMutablePointer<PyPtr?>?) -> PyPtr?
/// The helper object-mode code calls for a lifted loop.
typealias LiftedLoopCall = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafePointer<PyPtr?>?, Int) -> PyPtr?

/// How a dispatcher treats functions that nopython mode cannot compile.
struct ObjectModeOptions {
    enum Mode: Int { case nopython = 0, fallback = 1, force = 2 }
    var mode: Mode = .nopython
    var looplift = true
}

enum ObjectModeSupport {
    /// The object-mode helpers of objmode.c and the lifted-loop entry, for the JIT's symbol table.
    static func runtimeSymbols() -> [(String, UInt64)] {
        var symbols: [(String, UInt64)] = []
        var i: Int32 = 0
        while true {
            var name: UnsafePointer<CChar>? = nil
            guard let address = swiftjit_objmode_symbol(i, &name), let n = name else { break }
            symbols.append((String(cString: n), UInt64(UInt(bitPattern: address))))
            i += 1
        }
        let call: LiftedLoopCall = swiftjit_obj_lifted_loop
        symbols.append(("swiftjit_obj_lifted_loop", UInt64(UInt(bitPattern: unsafeBitCast(call, to: UnsafeRawPointer.self)))))
        return symbols
    }

    /// swiftjit.errors.<name> (a new reference), or nil.
    static func errorClass(_ name: String) -> PyPtr? {
        guard let m = PyImport_ImportModule("swiftjit.errors") else { PyErr_Clear(); return nil }
        defer { Py_DecRef(m) }
        let c = Py.attr(m, name)
        if c == nil { PyErr_Clear() }
        return c
    }

    /// A Python object for a constant that is not in co_consts (made by the translator).
    static func object(_ k: Constant) -> PyPtr? {
        switch k {
        case .none: Py_IncRef(swiftjit_none()); return swiftjit_none()
        case .bool(let v): return PyBool_FromLong(v ? 1 : 0)
        case .int(let v): return PyLong_FromLongLong(v)
        case .bigInt(let s): return PyLong_FromString(s, nil, 10)
        case .float(let d): return PyFloat_FromDouble(d)
        case .complex(let r, let i): return PyComplex_FromDoubles(r, i)
        case .string(let s): return PyUnicode_FromString(s)
        case .bytes(let b): return b.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { PyBytes_FromStringAndSize($0.baseAddress, $0.count) } }
        case .tuple(let items):
            guard let t = PyTuple_New(items.count) else { return nil }
            for (i, item) in items.enumerated() {
                guard let o = object(item) else { Py_DecRef(t); return nil }
                PyTuple_SetItem(t, i, o)
            }
            return t
        case .ellipsis:
            guard let b = PyEval_GetBuiltins(), let e = PyDict_GetItemString(b, "Ellipsis") else { return nil }
            Py_IncRef(e)
            return e
        case .code, .other:
            PyErr_SetString(PyExc_RuntimeError, "swiftjit: object-mode constant \(k) is not in co_consts")
            return nil
        }
    }
}

/// The object-mode code of a dispatcher, with the data array it reads (kept alive here).
final class ObjectModeEntry {
    let function: ObjectModeFunction
    let entry: ObjectModeEntryFunction
    let data: UnsafeMutablePointer<PyPtr?>
    let count: Int
    let loops: LiftedLoopTable
    /// Data entries that are not objects (the loop table's address).
    var rawEntries = Set<Int>()

    init(function: ObjectModeFunction, core: DispatcherCore, code: CodeObject) {
        self.function = function
        entry = unsafeBitCast(UInt(function.address), to: ObjectModeEntryFunction.self)
        count = function.data.count
        data = .allocate(capacity: max(count, 1))
        data.initialize(repeating: nil, count: max(count, 1))
        loops = LiftedLoopTable(owner: core, code: code, loops: function.liftedLoops)
    }

    /// Fills the data array; false with a Python exception set.
    func fill(pyFunc: PyPtr, code: CodeObject) -> Bool {
        let consts = Py.attr(pyFunc, "__code__").flatMap { c -> PyPtr? in defer { Py_DecRef(c) }; return Py.attr(c, "co_consts") }
        defer { if let c = consts { Py_DecRef(c) } }
        let closure = Py.attr(pyFunc, "__closure__")
        defer { if let c = closure { Py_DecRef(c) } }
        for (i, d) in function.data.enumerated() {
            var o: PyPtr? = nil
            switch d {
            case .globals:
                o = Py.attr(pyFunc, "__globals__")
            case .builtins:
                if let b = Py.attr(pyFunc, "__builtins__") {
                    if swiftjit_is_module(b) != 0 {
                        o = PyModule_GetDict(b)
                        Py_IncRef(o)
                        Py_DecRef(b)
                    } else {
                        o = b
                    }
                }
            case .constant(let index, let k):
                if let index = index, let c = consts, swiftjit_is_tuple(c) != 0, index < PyTuple_Size(c) {
                    o = PyTuple_GetItem(c, index)
                    Py_IncRef(o)
                } else {
                    o = ObjectModeSupport.object(k)
                }
            case .name(let s):
                o = PyUnicode_InternFromString(s)
            case .names(let names):
                if let t = PyTuple_New(names.count) {
                    for (j, s) in names.enumerated() { PyTuple_SetItem(t, j, PyUnicode_InternFromString(s)) }
                    o = t
                }
            case .freevarCell(let name):
                if let c = closure, swiftjit_is_tuple(c) != 0, let j = code.freevars.firstIndex(of: name), j < PyTuple_Size(c) {
                    o = PyTuple_GetItem(c, j)
                    Py_IncRef(o)
                } else {
                    PyErr_SetString(PyExc_RuntimeError, "swiftjit: no closure cell for free variable '\(name)'")
                }
            case .liftedLoops:
                rawEntries.insert(i)
                data[i] = UnsafeMutableRawPointer(Unmanaged.passUnretained(loops).toOpaque()).assumingMemoryBound(to: PyObject.self)
                continue
            }
            guard let object = o else {
                if PyErr_Occurred() == nil {
                    PyErr_SetString(PyExc_RuntimeError, "swiftjit: cannot prepare object-mode data \(d)")
                }
                return false
            }
            data[i] = object
        }
        return true
    }

    deinit {
        for i in 0..<count where !rawEntries.contains(i) {
            if let o = data[i] { Py_DecRef(o) }
        }
        data.deallocate()
    }

    @inline(__always)
    func call(_ args: UnsafePointer<PyPtr?>?, _ n: Int) -> PyPtr? { swiftjit_objmode_enter(entry, args, n, data) }
}

/// The loops lifted out of one object-mode function, each with its own small
/// overload table keyed by the exact types of its live-in values.
final class LiftedLoopTable {
    weak var owner: DispatcherCore?
    let code: CodeObject
    var loops: [LiftedLoopState]

    init(owner: DispatcherCore, code: CodeObject, loops: [LiftedLoop]) {
        self.owner = owner
        self.code = code
        self.loops = loops.map { LiftedLoopState(loop: $0) }
    }

    /// Runs loop `index` natively: the tuple of live-outs, None when it cannot run
    /// natively for these values, or NULL with the exception the loop raised.
    func call(_ index: Int, _ args: UnsafePointer<PyPtr?>, _ n: Int) -> PyPtr? {
        guard index < loops.count else { return none() }
        let state = loops[index]
        var key: [UInt] = []
        key.reserveCapacity(n)
        for i in 0..<n {
            guard let a = args[i] else { return none() }  // an unbound live-in: the object-mode loop raises
            let t = UInt(bitPattern: swiftjit_type(a))
            if DispatcherCore.keyableTypes.contains(t) {
                // An int beyond int64 cannot enter the native loop (its conversion would raise):
                // the loop runs in object mode, as Python.
                if swiftjit_is_long(a) != 0, a != swiftjit_true(), a != swiftjit_false() {
                    var overflow: Int32 = 0
                    _ = PyLong_AsLongLongAndOverflow(a, &overflow)
                    if overflow != 0 { return none() }
                }
                key.append(t)
            } else if let nd = DispatcherCore.ndarrayType, swiftjit_type(a) == nd {
                let k = UInt(swiftjit_array_key(a))
                if k == 0 { return none() }
                key.append(k)
            } else if swiftjit_type(a) == swiftjit_ndarray_type() || Py.typeName(a) == "ndarray" {
                key.append(0)  // first array seen: typed below
            } else {
                return none()
            }
        }
        if !key.contains(0), let known = state.table[key] {
            guard let entry = known else { return none() }
            return entry(args, n)
        }
        guard let owner = owner else { return none() }
        var types: [JITType] = []
        for i in 0..<n {
            guard let t = owner.typeOf(args[i]!, argument: 0) else { PyErr_Clear(); return none() }
            types.append(t)
        }
        if key.contains(0) {
            // Arrays are keyed once numpy.ndarray is known.
            key = (0..<n).map { i in
                let a = args[i]!
                let t = UInt(bitPattern: swiftjit_type(a))
                return DispatcherCore.keyableTypes.contains(t) ? t : UInt(swiftjit_array_key(a))
            }
        }
        swiftjit_compile_lock()
        defer { swiftjit_compile_unlock() }
        do {
            guard let pyFunc = owner.pyFunc else { return none() }
            let resolver = GlobalResolver(function: pyFunc, code: code, owner: owner)
            defer { resolver.release() }
            var options = owner.options
            options.cache = nil
            let c = try Compiler.compile(code, argTypes: types, options: options, lifted: state.loop.function) {
                resolver.resolve($0)
            }
            let entry = unsafeBitCast(UInt(c.wrapperAddress), to: WrapperEntry.self)
            state.table[key] = entry
            state.compiled.append(c)
            return entry(args, n)
        } catch let e as CompileError {
            state.table[key] = .some(nil)
            state.failures.append("(" + types.map { $0.description }.joined(separator: ", ") + "): " + e.message
                                  + (e.position.line > 0 ? " (line \(e.position.line))" : ""))
            return none()
        } catch {
            state.table[key] = .some(nil)
            state.failures.append("\(error)")
            return none()
        }
    }

    private func none() -> PyPtr? {
        Py_IncRef(swiftjit_none())
        return swiftjit_none()
    }
}

/// One lifted loop and the specializations compiled for it.
final class LiftedLoopState {
    let loop: LiftedLoop
    /// Live-in type keys -> wrapper entry; a nil entry: the loop does not compile for those types.
    var table: [[UInt]: WrapperEntry?] = [:]
    var compiled: [CompiledFunction] = []
    var failures: [String] = []
    init(loop: LiftedLoop) { self.loop = loop }
}

@_cdecl("swiftjit_obj_lifted_loop")
func swiftjit_obj_lifted_loop(_ table: UnsafeMutableRawPointer?, _ index: Int, _ args: UnsafePointer<PyPtr?>?,
                              _ n: Int) -> PyPtr? {
    guard let table = table, let args = args else {
        PyErr_SetString(PyExc_SystemError, "swiftjit: lifted loop called without its table")
        return nil
    }
    return Unmanaged<LiftedLoopTable>.fromOpaque(table).takeUnretainedValue().call(index, args, n)
}

extension DispatcherCore {
    /// Compiles this dispatcher's function in object mode (once); nil with a Python exception set.
    func objectModeEntry() -> ObjectModeEntry? {
        if let om = objectMode { return om }
        guard let pyFunc = pyFunc else {
            PyErr_SetString(PyExc_RuntimeError, "this dispatcher has been cleared")
            return nil
        }
        let start = Clock.now()
        defer { compileMilliseconds += Clock.now() - start }
        do {
            let code: CodeObject
            if let c = self.code { code = c } else {
                code = try CodeReader.read(function: pyFunc)
                self.code = code
            }
            let f = try Compiler.compileObjectMode(code, options: options, looplift: modeOptions.looplift)
            let entry = ObjectModeEntry(function: f, core: self, code: code)
            guard entry.fill(pyFunc: pyFunc, code: code) else { return nil }
            objectMode = entry
            if options.cache != nil {
                // Object-mode code refers to this process's objects through its data array and
                // its lifted loops are compiled per call types: it is not stored on disk (once per function).
                let message = "swiftjit: cache=True does not store object-mode code: function '\(code.qualname)' "
                    + "is compiled in object mode again in each process"
                if PyErr_WarnEx(Hooks.warningCategory ?? PyExc_UserWarning, message, 1) < 0 { return nil }
            }
            return entry
        } catch let e as CompileError {
            _ = ensureCode()
            var e = e
            if e.kind != .internal { e.stage = "object mode" }
            setCompileError(e)
        } catch {
            setCompileError(CompileError(.internal, "\(error)", stage: "object mode"))
        }
        return nil
    }

    /// Nopython mode failed with the Python exception now set: when this dispatcher may fall
    /// back and the failure is a typing one, compiles in object mode, warns once, and calls it.
    func fallBack(_ argv: UnsafePointer<PyPtr?>) -> PyPtr? {
        guard modeOptions.mode == .fallback else { return nil }
        var type: PyPtr? = nil, value: PyPtr? = nil, tb: PyPtr? = nil
        PyErr_Fetch(&type, &value, &tb)
        PyErr_NormalizeException(&type, &value, &tb)
        defer { Py_DecRef(type); Py_DecRef(value); Py_DecRef(tb) }
        // Only typing failures fall back (an OverflowError of an int argument counts as one).
        if let typingError = ObjectModeSupport.errorClass("TypingError") {
            defer { Py_DecRef(typingError) }
            guard PyErr_GivenExceptionMatches(type, typingError) != 0
                    || PyErr_GivenExceptionMatches(type, PyExc_OverflowError) != 0 else {
                Py_IncRef(type); Py_IncRef(value); Py_IncRef(tb)
                PyErr_Restore(type, value, tb)
                return nil
            }
        }
        var cause = "nopython mode failed"
        if let v = value, let s = PyObject_Str(v) {
            cause = Py.string(s) ?? cause
            Py_DecRef(s)
        }
        PyErr_Clear()
        guard let om = objectModeEntry() else { return nil }
        let name = code?.qualname ?? "?"
        let category = ObjectModeSupport.errorClass("FallbackWarning")
        defer { if let c = category { Py_DecRef(c) } }
        let message = "swiftjit: function '\(name)' is compiled in object mode because nopython mode failed"
            + (modeOptions.looplift ? " (loops that type-check are lifted to nopython mode)" : "") + ":\n" + cause
        if PyErr_WarnEx(category ?? Hooks.warningCategory ?? PyExc_UserWarning, message, 1) < 0 { return nil }
        return om.call(argv, argCount)
    }

    /// `_object_mode_info()`: None for a dispatcher without object-mode code, else a dict
    /// {"ir", "llvm", "lifted_loops": [{"line", "live_ins", "live_outs", "signatures", "failures", "ir"}]}.
    func objectModeInfo() -> PyPtr? {
        guard let om = objectMode else { Py_IncRef(swiftjit_none()); return swiftjit_none() }
        let d = PyDict_New()!
        func set(_ dict: PyPtr, _ key: String, _ value: PyPtr?) {
            if let v = value { PyDict_SetItemString(dict, key, v); Py_DecRef(v) }
        }
        func strings(_ items: [String]) -> PyPtr? {
            let l = PyList_New(0)!
            for s in items { let o = Py.str(s); PyList_Append(l, o); Py_DecRef(o) }
            return l
        }
        set(d, "ir", Py.str(om.function.irText))
        set(d, "llvm", Py.str(om.function.llvmText))
        let loops = PyList_New(0)!
        for state in om.loops.loops {
            let l = PyDict_New()!
            set(l, "line", PyLong_FromLong(state.loop.line))
            set(l, "live_ins", strings(state.loop.liveIns))
            set(l, "live_outs", strings(state.loop.liveOuts))
            set(l, "signatures", strings(state.compiled.map { "(" + $0.signature.map { $0.description }.joined(separator: ", ") + ")" }))
            set(l, "failures", strings(state.failures))
            set(l, "ir", Py.str(state.loop.function.dump()))
            PyList_Append(loops, l)
            Py_DecRef(l)
        }
        set(d, "lifted_loops", loops)
        return d
    }
}
