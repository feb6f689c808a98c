import CPython
import SwiftJIT

/// `swiftjit.typed.List` and `typed.Dict` arguments held natively (issue 11 points 1-2).
///
/// A typed.List of bool/int64/float64/complex128 items is an instance of a subclass of
/// the native list type, and a typed.Dict with int64/bool keys and int64/float64/bool
/// values one of the native dict type: compiled code takes the object itself (no copy,
/// no write-back). Their types come from the element kinds the objects record, read in
/// O(1), and the fast path keys them by those kinds (`swiftjit_nl/nd_typed_key`: bit 62
/// set, the kinds in the low bits), so a call with such an argument costs the same
/// whatever its length.
extension DispatcherCore {
    /// The fast-path key of a natively held typed.List/Dict, 0 for any other object.
    @inline(__always)
    static func typedContainerKey(_ o: PyPtr) -> UInt {
        let list = swiftjit_nl_typed_key(o)
        return UInt(list != 0 ? list : swiftjit_nd_typed_key(o))
    }

    /// The type of a natively held typed.List/Dict argument; nil when `o` is not one
    /// (or, with a compile error set, when it has no element types yet).
    func typedContainerType(_ o: PyPtr, argument i: Int) -> JITType? {
        let key = DispatcherCore.typedContainerKey(o)
        guard key != 0 else {
            if let lt = swiftjit_nl_type_object(), PyObject_IsInstance(o, lt) == 1 {
                return untyped("an empty swiftjit.typed.List() has no item type: "
                               + "make it with List.empty_list(item_type)", argument: i)
            }
            if let dt = swiftjit_nd_type_object(), PyObject_IsInstance(o, dt) == 1 {
                return untyped("an empty swiftjit.typed.Dict() has no key and value types: "
                               + "make it with Dict.empty(key_type=..., value_type=...)", argument: i)
            }
            return nil
        }
        let scalars: [JITType] = [.boolean, .int64, .float64, .complex128]
        if key & (1 << 8) == 0 {
            let kind = Int(key & 0xFF) - 1
            guard kind >= 0, kind < scalars.count else { return nil }
            return .list(scalars[kind])
        }
        let values: [JITType] = [.int64, .float64, .boolean]
        let vtag = Int(key & 0xF), ktag = Int((key >> 4) & 0xF)
        guard vtag < values.count, ktag < 2 else { return nil }
        return .dict(ktag == 1 ? .boolean : .int64, values[vtag])
    }

    private func untyped(_ message: String, argument i: Int) -> JITType? {
        _ = ensureCode()
        setCompileError(CompileError(.typing, "argument '\(argName(i))': " + message,
                                     at: SourcePosition(line: code?.firstLineNumber ?? -1), stage: "typing"))
        return nil
    }
}

/// `swiftjit.typed.List`/`typed.Dict` of element types the native storage does not hold
/// (str, tuples, arrays, nested containers, float/str/tuple keys ...): `list`/`dict`
/// subclasses, one class per declared type (python/swiftjit/typed.py `_object_class`), which
/// compiled code takes as they are (lists and dicts of boxed objects).
///
/// Such a class states its type in its own `__dict__` (`_swiftjit_type`, a compiler type name);
/// it is parsed once per class and memoized here by the type object's address (the class is
/// kept alive, so the address is never reused). The fast path keys these arguments by the
/// exact type object, as it does ints and floats: a call costs the same whatever the
/// container holds. Python's stores into these classes are checked (typed.py), so the items
/// always have the declared type without the dispatcher looking at them.
enum DeclaredContainerClasses {
    /// Declared classes seen so far: type object address -> the type of their instances.
    nonisolated(unsafe) static var known: [UInt: JITType] = [:]

    /// The declared type of `o` when its exact class is a typed-container class, else nil.
    /// Subclasses of those classes (which may override the checked stores) are not keyed.
    static func type(of o: PyPtr) -> JITType? {
        guard let tp = swiftjit_type(o) else { return nil }
        if let t = known[UInt(bitPattern: tp)] { return t }
        let flags = UInt(PyType_GetFlags(tp))
        guard flags & UInt(Py_TPFLAGS_HEAPTYPE) != 0,
              let dict = tp.pointee.tp_dict,
              let attr = PyDict_GetItemString(dict, "_swiftjit_type"),  // borrowed; own dict only
              let name = Py.string(attr), !name.isEmpty,
              let t = TypeNameParser.parse(name) else { return nil }
        switch t {
        case .list where flags & UInt(Py_TPFLAGS_LIST_SUBCLASS) != 0,
             .dict where flags & UInt(Py_TPFLAGS_DICT_SUBCLASS) != 0:
            return remember(tp, t)
        default:
            return nil
        }
    }

    private static func remember(_ tp: UnsafeMutablePointer<PyTypeObject>, _ t: JITType) -> JITType {
        Py_IncRef(UnsafeMutableRawPointer(tp).assumingMemoryBound(to: PyObject.self))
        known[UInt(bitPattern: tp)] = t
        return t
    }

    /// The fast-path key of `o` when it is an instance of a declared class (its exact type), else 0.
    static func key(_ o: PyPtr) -> UInt {
        type(of: o) != nil ? UInt(bitPattern: swiftjit_type(o)) : 0
    }
}
