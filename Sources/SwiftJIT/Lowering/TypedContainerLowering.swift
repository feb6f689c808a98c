import CLLVM

extension FunctionLowering {
    /// A typed container made by compiled code (`List.empty_list(T)`, `Dict.empty(K, V)`;
    /// TypedContainerTyping.swift): a new `typed.List`/`typed.Dict` object of the static
    /// type `t`, made by `swiftjit_typed_new` (nativelist.c) for the native storage, else by
    /// `swiftjit_typed_object_new` (typed.py's class per type). The type arguments need no code.
    func typedContainerNew(_ t: JITType) throws -> LLVMValueRef {
        let isDict: Int64, kinds: Int64
        if let kind = t.nativeListKind {
            (isDict, kinds) = (0, Int64(kind))
        } else if t.isNativeDict {
            (isDict, kinds) = (1, t.nativeDictKinds)
        } else {
            // Boxed elements (str items, keys or values; float keys): typed.py's class for the
            // type, whose name (`JITType.description`, "dict(str, int64)") it parses.
            let r = rt("swiftjit_typed_object_new", b.ptr, [b.ptr], [b.cString(t.description)])
            failIfNull(r)
            return r
        }
        let r = rt("swiftjit_typed_new", b.ptr, [b.i64, b.i64], [b.int(isDict), b.int(kinds)])
        failIfNull(r)
        return r
    }
}
