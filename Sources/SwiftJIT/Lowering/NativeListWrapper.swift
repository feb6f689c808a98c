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
        let earlier = converted.items.filter { $0.descriptor == descriptor }.map { ($0.original, $0.converted) }
        let conv = convertOnce(obj, earlier: earlier, fn: fn, fail: fail) {
            c("swiftjit_nl_import", b.ptr, [b.ptr, b.ptr], [obj, b.cString(descriptor)])
        }
        converted.items.append((obj, conv, descriptor))
        return conv
    }

    /// Argument `obj` converted for compiled code, once per object: when an earlier argument
    /// converted the same way was this very object (`f(xs, xs)`), its converted value (a new
    /// reference), so that changes made through one are seen through the other; otherwise
    /// `convert()`, a new reference or NULL with an exception set. On NULL every argument
    /// converted so far (native lists and dicts) is released and control goes to `fail`.
    func convertOnce(_ obj: LLVMValueRef, earlier: [(LLVMValueRef, LLVMValueRef)], fn: LLVMValueRef,
                     fail: LLVMBasicBlockRef, convert: () -> LLVMValueRef) -> LLVMValueRef {
        var shared: LLVMValueRef = LLVMConstNull(b.ptr)
        for (original, conv) in earlier {
            shared = b.select(b.icmp(LLVMIntEQ, obj, original), conv, shared)
        }
        let reuse = b.appendBlock(fn, "convert.shared"), fresh = b.appendBlock(fn, "convert.fresh"),
            join = b.appendBlock(fn, "convert.join")
        b.condBr(LLVMBuildIsNotNull(b.builder, shared, "")!, reuse, fresh)
        b.position(at: reuse)
        _ = c("Py_IncRef", b.void, [b.ptr], [shared])
        b.br(join)
        b.position(at: fresh)
        let made = convert()
        let ok = b.appendBlock(fn, "convert.ok"), bad = b.appendBlock(fn, "convert.failed")
        b.condBr(LLVMBuildIsNull(b.builder, made, "")!, bad, ok)
        b.position(at: bad)
        for item in converted.items { _ = c("Py_DecRef", b.void, [b.ptr], [item.converted]) }
        for (_, native) in nativeDicts.pairs { _ = c("Py_DecRef", b.void, [b.ptr], [native]) }
        b.br(fail)
        b.position(at: ok)
        b.br(join)
        b.position(at: join)
        let result = LLVMBuildPhi(b.builder, b.ptr, "")!
        var vals: [LLVMValueRef?] = [shared, made]
        var blocks: [LLVMBasicBlockRef?] = [reuse, ok]
        LLVMAddIncoming(result, &vals, &blocks, 2)
        return result
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
