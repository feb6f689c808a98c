import CPython
import SwiftJIT

/// `_swiftjit.new_dispatcher(py_func, fastmath, boundscheck, nogil, opt_level, cache_dir, cache_prefix)`
/// (cache_dir None: no disk cache).
private let newDispatcher: _PyCFunctionFast = { _, args, nargs in
    guard (7...10).contains(nargs), let a = args else {
        PyErr_SetString(PyExc_TypeError,
                        "new_dispatcher(py_func, fastmath, boundscheck, nogil, opt_level, cache_dir, cache_prefix[, parallel[, mode[, looplift]]])")
        return nil
    }
    var options = CompileOptions()
    options.fastmath = PyObject_IsTrue(a[1]) == 1
    options.boundscheck = PyObject_IsTrue(a[2]) == 1
    options.nogil = PyObject_IsTrue(a[3]) == 1
    options.optLevel = Int(PyLong_AsLong(a[4]))
    options.parallel = nargs >= 8 && PyObject_IsTrue(a[7]) == 1
    if PyErr_Occurred() != nil { return nil }
    if let dir = Py.string(a[5]), let prefix = Py.string(a[6]) {
        options.cache = ObjectCache(directory: dir, prefix: prefix)
    }
    guard let d = DispatcherType.make(function: a[0]!, options: options) else { return nil }
    if nargs >= 9, let core = DispatcherType.core(d) {
        // mode: 0 nopython only, 1 fall back to object mode, 2 object mode (forceobj); looplift.
        core.modeOptions.mode = ObjectModeOptions.Mode(rawValue: Int(PyLong_AsLong(a[8]))) ?? .nopython
        core.modeOptions.looplift = nargs < 10 || PyObject_IsTrue(a[9]) == 1
    }
    return d
}

/// `_swiftjit._object_mode_info(dispatcher)`: None, or a dict describing its object-mode code.
private let objectModeInfo: PyCFunction = { _, arg in
    guard let o = arg, DispatcherType.isDispatcher(o), let core = DispatcherType.core(o) else {
        PyErr_SetString(PyExc_TypeError, "_object_mode_info() takes a Dispatcher")
        return nil
    }
    return core.objectModeInfo()
}

/// `_swiftjit.set_num_threads(n)`: threads parallel loops use, 1...pool size.
private let setNumThreads: PyCFunction = { _, arg in
    let n = PyLong_AsLongLong(arg)
    if n == -1, PyErr_Occurred() != nil { return nil }
    if swiftjit_set_num_threads(n) != 0 {
        PyErr_SetString(PyExc_ValueError, "the number of threads must be between 1 and \(swiftjit_pool_size()) (SWIFTJIT_NUM_THREADS)")
        return nil
    }
    Py_IncRef(swiftjit_none())
    return swiftjit_none()
}

/// `_swiftjit._set_hooks(make_error, bind, type_from_name, warning_category)`
private let setHooks: _PyCFunctionFast = { _, args, nargs in
    guard nargs == 4, let a = args else {
        PyErr_SetString(PyExc_TypeError, "_set_hooks(make_error, bind, type_from_name, warning_category)")
        return nil
    }
    for i in 0..<4 { Py_IncRef(a[i]) }
    Hooks.makeError = a[0]
    Hooks.bind = a[1]
    Hooks.typeFromName = a[2]
    Hooks.warningCategory = a[3]
    Py_IncRef(swiftjit_none())
    return swiftjit_none()
}

/// `_swiftjit.host_info()` -> dict with the LLVM triple, CPU name and features.
private let hostInfo: PyCFunction = { _, _ in
    switch Backend.shared {
    case .failure(let e):
        PyErr_SetString(PyExc_RuntimeError, e.message)
        return nil
    case .success(let b):
        let d = PyDict_New()!
        for (k, v) in [("triple", b.triple), ("cpu", b.cpuName), ("features", b.cpuFeatures)] {
            let s = Py.str(v)
            PyDict_SetItemString(d, k, s)
            Py_DecRef(s)
        }
        return d
    }
}

private func fastMethod(_ name: String, _ f: _PyCFunctionFast, _ doc: String) -> PyMethodDef {
    PyMethodDef(ml_name: strdup(name), ml_meth: unsafeBitCast(f, to: PyCFunction.self),
                ml_flags: METH_FASTCALL, ml_doc: strdup(doc))
}

/// Tells the backend where the runtime helpers are, before anything compiles.
private func registerRuntimeSymbols() {
    var symbols: [(String, UInt64)] = []
    var i: Int32 = 0
    while true {
        var name: UnsafePointer<CChar>? = nil
        guard let address = swiftjit_runtime_symbol(i, &name), let n = name else { break }
        symbols.append((String(cString: n), UInt64(UInt(bitPattern: address))))
        i += 1
    }
    i = 0
    while true {
        var name: UnsafePointer<CChar>? = nil
        guard let address = swiftjit_nplib_symbol(i, &name), let n = name else { break }
        symbols.append((String(cString: n), UInt64(UInt(bitPattern: address))))
        i += 1
    }
    i = 0
    while true {
        var name: UnsafePointer<CChar>? = nil
        guard let address = swiftjit_nativedict_symbol(i, &name), let n = name else { break }
        symbols.append((String(cString: n), UInt64(UInt(bitPattern: address))))
        i += 1
    }
    i = 0
    while true {
        var name: UnsafePointer<CChar>? = nil
        guard let address = swiftjit_listextras_symbol(i, &name), let n = name else { break }
        symbols.append((String(cString: n), UInt64(UInt(bitPattern: address))))
        i += 1
    }
    symbols += ObjectModeSupport.runtimeSymbols()
    Backend.runtimeSymbols = symbols
}

@_cdecl("PyInit__swiftjit")
public func PyInit__swiftjit() -> UnsafeMutablePointer<PyObject>? {
    registerRuntimeSymbols()
    PythonVersion.running = CodeReader.version()
    let methods = UnsafeMutablePointer<PyMethodDef>.allocate(capacity: 9)
    methods[0] = fastMethod("new_dispatcher", newDispatcher, "Creates a Dispatcher for a Python function.")
    methods[1] = fastMethod("_set_hooks", setHooks, "Registers the Python helpers the core calls back.")
    methods[2] = PyMethodDef(ml_name: strdup("host_info"), ml_meth: hostInfo, ml_flags: METH_NOARGS,
                             ml_doc: strdup("The LLVM target triple, CPU name and CPU features of this machine."))
    methods[3] = fastMethod("_decode", decodeMethod, "The decoded instructions of a code object (for tests).")
    methods[4] = PyMethodDef(ml_name: strdup("set_num_threads"), ml_meth: setNumThreads, ml_flags: METH_O,
                             ml_doc: strdup("Sets how many threads parallel loops use (1 to the pool size)."))
    methods[5] = PyMethodDef(ml_name: strdup("get_num_threads"), ml_meth: { _, _ in PyLong_FromLongLong(swiftjit_get_num_threads()) },
                             ml_flags: METH_NOARGS, ml_doc: strdup("How many threads parallel loops use."))
    methods[6] = PyMethodDef(ml_name: strdup("get_pool_size"), ml_meth: { _, _ in PyLong_FromLongLong(swiftjit_pool_size()) },
                             ml_flags: METH_NOARGS, ml_doc: strdup("Threads of the pool (SWIFTJIT_NUM_THREADS, default the number of cores)."))
    methods[7] = PyMethodDef(ml_name: strdup("_object_mode_info"), ml_meth: objectModeInfo, ml_flags: METH_O,
                             ml_doc: strdup("None, or a dict describing a dispatcher's object-mode code and lifted loops."))
    methods[8] = PyMethodDef(ml_name: nil, ml_meth: nil, ml_flags: 0, ml_doc: nil)
    let def = UnsafeMutablePointer<PyModuleDef>.allocate(capacity: 1)
    def.initialize(to: PyModuleDef(
        m_base: PyModuleDef_Base(ob_base: PyObject(), m_init: nil, m_index: 0, m_copy: nil),
        m_name: strdup("swiftjit._swiftjit"),
        m_doc: strdup("swiftjit's compiler core, written in Swift over LLVM."),
        m_size: -1, m_methods: methods, m_slots: nil, m_traverse: nil, m_clear: nil, m_free: nil))
    guard let module = PyModule_Create2(def, PYTHON_API_VERSION) else { return nil }
    guard DispatcherType.initialize(), let t = DispatcherType.type else {
        Py_DecRef(module)
        return nil
    }
    let typeObject = UnsafeMutableRawPointer(t).assumingMemoryBound(to: PyObject.self)
    Py_IncRef(typeObject)
    PyModule_AddObject(module, "Dispatcher", typeObject)
    // The bases of swiftjit.typed.List and typed.Dict (python/swiftjit/typed.py).
    for (name, type) in [("_NativeList", swiftjit_nl_type_object()), ("_NativeDict", swiftjit_nd_type_object())] {
        guard let type = type else { Py_DecRef(module); return nil }
        Py_IncRef(type)
        PyModule_AddObject(module, name, type)
    }
    return module
}
