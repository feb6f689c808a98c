import CPython

/// A strong reference to a Python object, released when the Swift value goes away.
typealias PyPtr = UnsafeMutablePointer<PyObject>

/// Small helpers over the C API used by the extension (always with the GIL held).
enum Py {
    /// A new str; nil on failure.
    static func str(_ s: String) -> PyPtr? { PyUnicode_FromString(s) }

    /// Swift string of a str object.
    static func string(_ o: PyPtr?) -> String? {
        guard let o = o, swiftjit_is_unicode(o) != 0, let c = PyUnicode_AsUTF8(o) else { return nil }
        return String(cString: c)
    }

    /// `getattr(o, name)` as a new reference (clears the error when missing).
    static func attr(_ o: PyPtr, _ name: String) -> PyPtr? {
        let r = PyObject_GetAttrString(o, name)
        if r == nil { PyErr_Clear() }
        return r
    }

    static func stringAttr(_ o: PyPtr, _ name: String) -> String? {
        guard let a = attr(o, name) else { return nil }
        defer { Py_DecRef(a) }
        return string(a)
    }

    static func intAttr(_ o: PyPtr, _ name: String) -> Int? {
        guard let a = attr(o, name) else { return nil }
        defer { Py_DecRef(a) }
        let v = PyLong_AsLongLong(a)
        if v == -1 && PyErr_Occurred() != nil { PyErr_Clear(); return nil }
        return Int(v)
    }

    static func bytesAttr(_ o: PyPtr, _ name: String) -> [UInt8]? {
        guard let a = attr(o, name) else { return nil }
        defer { Py_DecRef(a) }
        guard swiftjit_is_bytes(a) != 0 else { return nil }
        let n = PyBytes_Size(a)
        guard let p = PyBytes_AsString(a) else { PyErr_Clear(); return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    /// Items of a tuple attribute as strings.
    static func stringTuple(_ o: PyPtr, _ name: String) -> [String] {
        guard let a = attr(o, name) else { return [] }
        defer { Py_DecRef(a) }
        guard swiftjit_is_tuple(a) != 0 else { return [] }
        return (0..<PyTuple_Size(a)).compactMap { string(PyTuple_GetItem(a, $0)) }
    }

    /// The name of an object's type.
    static func typeName(_ o: PyPtr) -> String {
        let t = UnsafeMutableRawPointer(Py_TYPE(o)).assumingMemoryBound(to: PyObject.self)
        return stringAttr(t, "__name__") ?? "object"
    }

    /// Sets a Python exception of class `type` with `message`.
    static func raise(_ type: PyPtr?, _ message: String) {
        PyErr_SetString(type, message)
    }

    static func isType(_ o: PyPtr, _ t: UnsafeMutablePointer<PyTypeObject>) -> Bool {
        Py_TYPE(o) == t
    }
}
