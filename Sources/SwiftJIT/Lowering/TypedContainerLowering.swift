import CLLVM

extension FunctionLowering {
    /// A typed container made by compiled code (`List.empty_list(T)`, `Dict.empty(K, V)`;
    /// TypedContainerTyping.swift): a new `typed.List`/`typed.Dict` object of the static
    /// type `t`, made by `swiftjit_typed_new` (nativelist.c). The type arguments need no code.
    func typedContainerNew(_ t: JITType) throws -> LLVMValueRef {
        let isDict: Int64, kinds: Int64
        if let kind = t.nativeListKind {
            (isDict, kinds) = (0, Int64(kind))
        } else if t.isNativeDict {
            (isDict, kinds) = (1, t.nativeDictKinds)
        } else {
            throw CompileError(.internal, "a typed container of \(t) cannot be made natively", stage: "lowering")
        }
        let r = rt("swiftjit_typed_new", b.ptr, [b.i64, b.i64], [b.int(isDict), b.int(kinds)])
        failIfNull(r)
        return r
    }
}
