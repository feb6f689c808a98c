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
        // The same list passed twice (`f(xs, xs)`) is converted once, so both see every change.
        var shared: LLVMValueRef = LLVMConstNull(b.ptr)
        for item in converted.items where item.descriptor == descriptor {
            shared = b.select(b.icmp(LLVMIntEQ, obj, item.original), item.converted, shared)
        }
        let reuse = b.appendBlock(fn, "import.shared"), fresh = b.appendBlock(fn, "import.fresh"),
            join = b.appendBlock(fn, "import.join")
        b.condBr(LLVMBuildIsNotNull(b.builder, shared, "")!, reuse, fresh)
        b.position(at: reuse)
        _ = c("Py_IncRef", b.void, [b.ptr], [shared])
        b.br(join)
        b.position(at: fresh)
        let made = c("swiftjit_nl_import", b.ptr, [b.ptr, b.ptr], [obj, b.cString(descriptor)])
        let ok = b.appendBlock(fn, "import.ok"), bad = b.appendBlock(fn, "import.failed")
        b.condBr(LLVMBuildIsNull(b.builder, made, "")!, bad, ok)
        b.position(at: bad)
        // Release the arguments converted before this one.
        for item in converted.items { _ = c("Py_DecRef", b.void, [b.ptr], [item.converted]) }
        b.br(fail)
        b.position(at: ok)
        b.br(join)
        b.position(at: join)
        let conv = LLVMBuildPhi(b.builder, b.ptr, "")!
        var vals: [LLVMValueRef?] = [shared, made]
        var blocks: [LLVMBasicBlockRef?] = [reuse, ok]
        LLVMAddIncoming(conv, &vals, &blocks, 2)
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
