import CLLVM

/// The arguments a wrapper converted for compiled code: the caller's object, the
/// converted one (a new reference) and the type descriptor of the conversion.
final class ConvertedArguments {
    var items: [(original: LLVMValueRef, converted: LLVMValueRef, descriptor: String)] = []
}

/// Lists of numbers at the wrapper boundary (issue 11 point 9): a `list` argument
/// whose type holds lists of numbers is converted to native lists before the call;
/// after it, whether the function returned or raised, what compiled code did is
/// reflected into the caller's objects (a list is refilled in place only when its
/// contents changed), as Numba's reflected lists do. Returned values are exported:
/// native lists become new `list` objects.
extension WrapperLowering {
    func importArgument(_ obj: LLVMValueRef, _ t: JITType, fn: LLVMValueRef, fail: LLVMBasicBlockRef) -> LLVMValueRef {
        let descriptor = t.nativeListDescriptor
        let conv = c("swiftjit_nl_import", b.ptr, [b.ptr, b.ptr], [obj, b.cString(descriptor)])
        let ok = b.appendBlock(fn, "import.ok"), bad = b.appendBlock(fn, "import.failed")
        b.condBr(LLVMBuildIsNull(b.builder, conv, "")!, bad, ok)
        b.position(at: bad)
        // Release the arguments converted before this one.
        for item in converted.items { _ = c("Py_DecRef", b.void, [b.ptr], [item.converted]) }
        b.br(fail)
        b.position(at: ok)
        converted.items.append((obj, conv, descriptor))
        return conv
    }

    /// Reflects and releases the converted arguments; the i1 "reflection failed" (an
    /// exception is set), or nil when there are none.
    func reflectConvertedArguments() -> LLVMValueRef? {
        guard !converted.items.isEmpty else { return nil }
        var failed = b.bool(false)
        for item in converted.items {
            let r = c("swiftjit_nl_reflect", b.i32, [b.ptr, b.ptr, b.ptr],
                      [item.original, item.converted, b.cString(item.descriptor)])
            _ = c("Py_DecRef", b.void, [b.ptr], [item.converted])
            failed = b.or(failed, b.icmp(LLVMIntSLT, r, b.int(0, b.i32)))
        }
        return failed
    }
}
