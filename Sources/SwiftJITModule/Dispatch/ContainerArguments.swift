import CPython
import SwiftJIT

/// Types of str, list, dict and set arguments (issue 11).
///
/// A plain list, dict or set is typed from its elements: every element is looked at
/// (O(n) per call that misses the fast path, which such arguments always do),
/// and their types are unified (int and float give float). A `swiftjit.typed`
/// List or Dict is typed by its class alone, in O(1) (TypedContainers.swift), and
/// takes the fast path.
extension DispatcherCore {
    /// The type of a str/list/dict/set argument; nil when `o` is none of these
    /// (or with a Python exception set when it cannot be typed).
    func containerType(_ o: PyPtr, argument i: Int) -> JITType? {
        if PyObject_TypeCheck(o, &PyUnicode_Type) != 0 { return .string }
        if let declared = DeclaredContainerClasses.type(of: o) { return declared }  // typed.List[str] ...
        if let typed = typedContainerType(o, argument: i) { return typed }
        if PyErr_Occurred() != nil { return nil }
        let isList = PyObject_TypeCheck(o, &PyList_Type) != 0
        let isDict = PyObject_TypeCheck(o, &PyDict_Type) != 0
        let isSet = PyObject_TypeCheck(o, &PySet_Type) != 0
        guard isList || isDict || isSet else { return nil }
        // A list/dict subclass declaring its element types (`_swiftjit_type`, names parsed by ExplicitSignatures).
        if let declared = declaredTypes(o, argument: i) { return declared }
        if PyErr_Occurred() != nil { return nil }
        func fail(_ message: String) -> JITType? {
            _ = ensureCode()
            setCompileError(CompileError(.typing, "argument '\(argName(i))': " + message,
                                         at: SourcePosition(line: code?.firstLineNumber ?? -1), stage: "typing"))
            return nil
        }
        func unifyAll(_ items: PyPtr) -> JITType?? {
            var u: JITType? = nil
            let n = PyList_Size(items)
            for k in 0..<n {
                guard let t = elementType(PyList_GetItem(items, k)!, argument: i) else { return .some(nil) }
                let next: JITType?
                if let prev = u { next = JITType.unifyElement(prev, t) } else { next = t }
                guard let next = next else {
                    return .some(fail("the \(Py.typeName(o)) mixes \(u!) and \(t); nopython mode needs one element type "
                                      + "(use a tuple for values of mixed types)"))
                }
                u = next
            }
            return u.map { .some($0) } ?? nil
        }
        if isDict {
            guard PyDict_Size(o) > 0 else {
                return fail("an empty dict has no element types: pass swiftjit.typed.Dict.empty(key_type=..., value_type=...)")
            }
            guard let keys = PyDict_Keys(o), let values = PyDict_Values(o) else { return nil }
            defer { Py_DecRef(keys); Py_DecRef(values) }
            guard let k = unifyAll(keys), let kt = k else { return nil }
            guard let v = unifyAll(values), let vt = v else { return nil }
            return .dict(kt, vt)
        }
        let items: PyPtr? = isList ? { Py_IncRef(o); return o }() : PySequence_List(o)
        guard let list = items else { return nil }
        defer { Py_DecRef(list) }
        guard PyList_Size(list) > 0 else {
            return fail(isList ? "an empty list has no element type: pass swiftjit.typed.List.empty_list(item_type)"
                               : "an empty set has no element type: pass a non-empty set")
        }
        guard let e = unifyAll(list), let et = e else { return nil }
        return isList ? .list(et) : .set(et)
    }

    /// The type of an element of a container argument.
    func elementType(_ o: PyPtr, argument i: Int) -> JITType? {
        if o == swiftjit_none() { return JITType.none }
        if o == swiftjit_true() || o == swiftjit_false() { return .boolean }
        if swiftjit_is_long(o) != 0 {
            var overflow: Int32 = 0
            _ = PyLong_AsLongLongAndOverflow(o, &overflow)
            if overflow != 0 {
                PyErr_SetString(PyExc_OverflowError, "an element of argument '\(argName(i))' does not fit in int64")
                return nil
            }
            return .int64
        }
        if swiftjit_is_float(o) != 0 { return .float64 }
        if swiftjit_is_complex(o) != 0 { return .complex128 }
        if swiftjit_is_tuple(o) != 0 {
            var items: [JITType] = []
            for k in 0..<PyTuple_Size(o) {
                guard let t = elementType(PyTuple_GetItem(o, k)!, argument: i) else { return nil }
                items.append(t)
            }
            return .tuple(items)
        }
        if let t = containerType(o, argument: i) { return t }
        if PyErr_Occurred() != nil { return nil }
        if let t = arrayType(o, argument: i) { return t }  // lists of arrays (ListExtrasLowering.swift)
        _ = ensureCode()
        setCompileError(CompileError(.typing,
            "argument '\(argName(i))' holds a \(Py.typeName(o)), which nopython containers cannot hold "
            + "(supported: numbers, str, arrays, tuples and other lists, dicts and sets)",
            at: SourcePosition(line: code?.firstLineNumber ?? -1), stage: "typing"))
        return nil
    }

    /// Element types declared by a swiftjit.typed container (`_swiftjit_type`: a type name), or nil.
    func declaredTypes(_ o: PyPtr, argument i: Int) -> JITType? {
        guard let attr = PyObject_GetAttrString(o, "_swiftjit_type") else { PyErr_Clear(); return nil }
        defer { Py_DecRef(attr) }
        guard let name = Py.string(attr), !name.isEmpty else { return nil }
        return TypeNameParser.parse(name)
    }
}
