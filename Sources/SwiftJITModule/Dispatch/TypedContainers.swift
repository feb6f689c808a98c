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
