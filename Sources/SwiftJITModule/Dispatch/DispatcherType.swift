import CPython
import SwiftJIT

typealias DispatcherObject = UnsafeMutablePointer<SwiftJITDispatcherObject>

/// The `swiftjit._swiftjit.Dispatcher` type: a callable with vectorcall whose
/// state lives in a `DispatcherCore`.
enum DispatcherType {
    nonisolated(unsafe) static var type: UnsafeMutablePointer<PyTypeObject>?

    @inline(__always)
    static func object(_ o: PyPtr) -> DispatcherObject {
        UnsafeMutableRawPointer(o).assumingMemoryBound(to: SwiftJITDispatcherObject.self)
    }
    @inline(__always)
    static func core(_ o: PyPtr) -> DispatcherCore? {
        guard let c = object(o).pointee.core else { return nil }
        return Unmanaged<DispatcherCore>.fromOpaque(c).takeUnretainedValue()
    }
    static func isDispatcher(_ o: PyPtr) -> Bool {
        guard let t = type else { return false }
        return swiftjit_type(o) == t
    }

    static let vectorcall: vectorcallfunc = { callable, args, nargsf, kwnames in
        let obj = DispatcherType.object(callable!)
        guard let raw = obj.pointee.core else {
            PyErr_SetString(PyExc_RuntimeError, "this dispatcher has been cleared")
            return nil
        }
        let nargs = swiftjit_nargs(nargsf)
        return Unmanaged<DispatcherCore>.fromOpaque(raw)._withUnsafeGuaranteedRef { core in
            if kwnames == nil, nargs == core.fastPathArgCount, let a = args {
                if let entry = core.lookup(a, nargs) { return entry(a, nargs) }
                // Object mode: one entry for all argument types, no binding needed.
                if nargs == core.argCount, let om = core.objectMode { return om.call(a, nargs) }
            }
            let result = core.slowCall(args, nargs, kwnames)
            installObjectModeEntry(obj, core)
            return result
        }
    }

    /// forceobj: once the object-mode entry exists, calls go through
    /// `swiftjit_objmode_vectorcall` (C, no signature lookup: the entry takes any types).
    private static func installObjectModeEntry(_ obj: DispatcherObject, _ core: DispatcherCore) {
        guard core.modeOptions.mode == .force, obj.pointee.om_entry == nil, let om = core.objectMode,
              core.fastPathArgCount == core.argCount else { return }
        obj.pointee.om_entry = om.entry
        obj.pointee.om_data = om.data
        obj.pointee.om_nargs = core.argCount
        obj.pointee.om_slow = vectorcall
        obj.pointee.vectorcall = swiftjit_objmode_vectorcall
    }

    static let dealloc: destructor = { o in
        let obj = DispatcherType.object(o!)
        PyObject_GC_UnTrack(o)
        if obj.pointee.weaklist != nil { PyObject_ClearWeakRefs(o) }
        if let d = obj.pointee.dict { obj.pointee.dict = nil; Py_DecRef(d) }
        obj.pointee.om_entry = nil
        obj.pointee.vectorcall = vectorcall
        if let c = obj.pointee.core {
            obj.pointee.core = nil
            Unmanaged<DispatcherCore>.fromOpaque(c).release()
        }
        let tp = swiftjit_type(o)!
        tp.pointee.tp_free(UnsafeMutableRawPointer(o))
        Py_DecRef(UnsafeMutableRawPointer(tp).assumingMemoryBound(to: PyObject.self))
    }

    static let traverse: traverseproc = { o, visit, arg in
        let obj = DispatcherType.object(o!)
        if let d = obj.pointee.dict {
            let r = visit!(d, arg)
            if r != 0 { return r }
        }
        if let c = DispatcherType.core(o!), let f = c.pyFunc {
            let r = visit!(f, arg)
            if r != 0 { return r }
        }
        return visit!(UnsafeMutableRawPointer(swiftjit_type(o)).assumingMemoryBound(to: PyObject.self), arg)
    }

    static let clear: inquiry = { o in
        let obj = DispatcherType.object(o!)
        if let d = obj.pointee.dict { obj.pointee.dict = nil; Py_DecRef(d) }
        if let c = DispatcherType.core(o!), let f = c.pyFunc { c.pyFunc = nil; Py_DecRef(f) }
        return 0
    }

    static func signatureKey(_ c: CompiledFunction) -> PyPtr? {
        let t = PyTuple_New(c.signature.count)!
        for (i, s) in c.signature.enumerated() { PyTuple_SetItem(t, i, typeObject(s)) }
        return t
    }

    /// A `swiftjit.types` object for a type (its name as a str when the hook is missing).
    static func typeObject(_ t: JITType) -> PyPtr? {
        let name = Py.str(t.description)
        guard let hook = Hooks.typeFromName, let n = name else { return name }
        defer { Py_DecRef(n) }
        let r = PyObject_CallOneArg(hook, n)
        if r == nil { PyErr_Clear(); return Py.str(t.description) }
        return r
    }

    /// dict signature -> text, built from one field of each overload.
    static func textBySignature(_ o: PyPtr, _ field: (CompiledFunction) -> String) -> PyPtr? {
        guard let core = core(o) else { return PyDict_New() }
        let d = PyDict_New()!
        for c in core.compiled {
            let key = signatureKey(c), value = Py.str(field(c))
            PyDict_SetItem(d, key, value)
            Py_DecRef(key); Py_DecRef(value)
        }
        return d
    }

    static func makeGetSet() -> UnsafeMutablePointer<PyGetSetDef> {
        let defs = UnsafeMutablePointer<PyGetSetDef>.allocate(capacity: 5)
        defs[0] = PyGetSetDef(name: strdup("py_func"), get: { o, _ in
            guard let c = DispatcherType.core(o!), let f = c.pyFunc else { Py_IncRef(swiftjit_none()); return swiftjit_none() }
            Py_IncRef(f)
            return f
        }, set: nil, doc: strdup("The original Python function."), closure: nil)
        defs[1] = PyGetSetDef(name: strdup("signatures"), get: { o, _ in
            let list = PyList_New(0)!
            if let c = DispatcherType.core(o!) {
                for f in c.compiled {
                    let k = DispatcherType.signatureKey(f)
                    PyList_Append(list, k)
                    Py_DecRef(k)
                }
            }
            return list
        }, set: nil, doc: strdup("Argument types of each compiled specialization, in compile order."), closure: nil)
        defs[2] = PyGetSetDef(name: strdup("stats"), get: { o, _ in
            let d = PyDict_New()!
            if let c = DispatcherType.core(o!) {
                let n = PyLong_FromLong(c.compiled.count), ms = PyFloat_FromDouble(c.compileMilliseconds)
                let hits = PyLong_FromLong(c.cacheHits), misses = PyLong_FromLong(c.cacheMisses)
                PyDict_SetItemString(d, "compiled", n)
                PyDict_SetItemString(d, "compile_ms", ms)
                PyDict_SetItemString(d, "cache_hits", hits)
                PyDict_SetItemString(d, "cache_misses", misses)
                Py_DecRef(n); Py_DecRef(ms); Py_DecRef(hits); Py_DecRef(misses)
            }
            return d
        }, set: nil, doc: strdup("Statistics: specializations compiled, milliseconds spent compiling, disk cache hits and misses."), closure: nil)
        defs[3] = PyGetSetDef(name: strdup("__dict__"), get: PyObject_GenericGetDict, set: PyObject_GenericSetDict,
                              doc: nil, closure: nil)
        defs[4] = PyGetSetDef(name: nil, get: nil, set: nil, doc: nil, closure: nil)
        return defs
    }

    static func makeMethods() -> UnsafeMutablePointer<PyMethodDef> {
        let defs = UnsafeMutablePointer<PyMethodDef>.allocate(capacity: 6 + ExplicitMethods.methods.count)
        func method(_ name: String, _ doc: String, _ f: PyCFunction) -> PyMethodDef {
            PyMethodDef(ml_name: strdup(name), ml_meth: f, ml_flags: METH_NOARGS, ml_doc: strdup(doc))
        }
        defs[0] = method("inspect_llvm", "dict: signature -> optimized LLVM IR of that specialization.") { o, _ in
            DispatcherType.textBySignature(o!) { $0.llvmText }
        }
        defs[1] = method("inspect_types", "dict: signature -> typed IR of that specialization.") { o, _ in
            DispatcherType.textBySignature(o!) { $0.typedIRText }
        }
        defs[2] = method("inspect_ir", "dict: signature -> untyped IR (the frontend's output).") { o, _ in
            DispatcherType.textBySignature(o!) { $0.irText }
        }
        defs[3] = method("_timings", "dict: signature -> milliseconds per compiler stage.") { o, _ in
            DispatcherType.textBySignature(o!) { c in
                c.timings.map { "\($0.0)=\(String(format3: $0.1))" }.joined(separator: " ")
            }
        }
        defs[4] = method("parallel_diagnostics", "Text: which prange loops of each specialization run in parallel, and why the others do not.") { o, _ in
            guard let core = DispatcherType.core(o!) else { return Py.str("") }
            if core.compiled.isEmpty { return Py.str("no compiled specializations yet (call the function first)") }
            let text = core.compiled.map { c in
                "(" + c.signature.map { $0.description }.joined(separator: ", ") + "):\n  "
                    + c.parallelDiagnostics.split(separator: "\n").joined(separator: "\n  ")
            }.joined(separator: "\n")
            return Py.str(text)
        }
        for (i, m) in ExplicitMethods.methods.enumerated() { defs[5 + i] = m }
        defs[5 + ExplicitMethods.methods.count] = PyMethodDef(ml_name: nil, ml_meth: nil, ml_flags: 0, ml_doc: nil)
        return defs
    }

    static func initialize() -> Bool {
        guard type == nil else { return true }
        guard let t = swiftjit_make_dispatcher_type(vectorcall, dealloc, traverse, clear, makeGetSet(), makeMethods()) else {
            return false
        }
        type = t
        return true
    }

    /// A new Dispatcher for `function`.
    static func make(function: PyPtr, options: CompileOptions) -> PyPtr? {
        guard let t = type else { return nil }
        guard let code = Py.attr(function, "__code__") else {
            PyErr_SetString(PyExc_TypeError, "jit needs a Python function, got \(Py.typeName(function))")
            return nil
        }
        let argCount = (Py.intAttr(code, "co_argcount") ?? 0) + (Py.intAttr(code, "co_kwonlyargcount") ?? 0)
        let kwonly = Py.intAttr(code, "co_kwonlyargcount") ?? 0
        Py_DecRef(code)
        guard let o = PyType_GenericAlloc(t, 0) else { return nil }
        let obj = object(o)
        obj.pointee.vectorcall = vectorcall
        // Keyword-only parameters always go through binding.
        let core = DispatcherCore(pyFunc: function, options: options, argCount: argCount,
                                  fastPathArgCount: kwonly == 0 ? argCount : -1)
        obj.pointee.core = Unmanaged.passRetained(core).toOpaque()
        return o
    }
}

extension String {
    init(format3 v: Double) {
        let scaled = (v * 1000).rounded() / 1000
        self = "\(scaled)"
    }
}
