import CLLVM

/// Traceback entries for exceptions leaving nopython code.
///
/// Every status exit that starts or passes on an exception (a raise, a failed check, a
/// helper that failed, a jitted callee that failed) first calls
/// `swiftjit_trace_add(ctx, &location)` (Sources/CPython/traceback.c) with a private constant
/// `SwiftJITLocation {ptr name, ptr file, i64 line}` for the statement being lowered. The
/// call sits on the cold path only; the wrapper turns the recorded locations into
/// `_PyTraceback_Add` entries after it has set the exception (`WrapperLowering.setException`).
/// Exits that only pass on what an outlined part of the same function recorded (a parallel
/// loop's chunks, a whole-array loop on the pool) add nothing, so a function shows once.
extension FunctionLowering {
    /// The name a traceback shows for this function: the code object's name (outlined prange
    /// bodies are named `f.par0`, lifted loops keep `f`).
    var tracebackName: String {
        let name = typed.ir.name
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The constant location of the statement being lowered (one per line and function).
    func locationGlobal() -> LLVMValueRef {
        let line = max(position.line, 0)
        if let g = locationGlobals[line] { return g }
        let t = b.structType([b.ptr, b.ptr, b.i64])
        var fields: [LLVMValueRef?] = [b.cString(tracebackName), b.cString(typed.ir.filename), b.int(Int64(line))]
        let value = fields.withUnsafeMutableBufferPointer { LLVMConstNamedStruct(t, $0.baseAddress, 3) }!
        let g = LLVMAddGlobal(b.module, t, "loc")!
        LLVMSetInitializer(g, value)
        LLVMSetGlobalConstant(g, 1)
        LLVMSetLinkage(g, LLVMPrivateLinkage)
        locationGlobals[line] = g
        return g
    }

    /// Records the current statement in the context's traceback (status convention only;
    /// emit just before the exit that returns the failure).
    func recordTraceEntry() {
        guard options.tracebacks, convention == .status, position.line > 0 else { return }
        let ft = b.functionType(b.void, [b.ptr, b.ptr])
        let call = b.call(ft, b.declare("swiftjit_trace_add", ft), [context, locationGlobal()])
        let cold = LLVMCreateEnumAttribute(b.context, LLVMGetEnumAttributeKindForName("cold", 4), 0)
        LLVMAddCallSiteAttribute(call, UInt32.max, cold)
    }
}

extension WrapperLowering {
    /// Adds the locations recorded in the context to the traceback of the exception just set.
    static func addTraceEntries(fromContext ctx: LLVMValueRef, _ b: IRBuilder) {
        let ft = b.functionType(b.void, [b.ptr])
        b.call(ft, b.declare("swiftjit_trace_raise", ft), [ctx])
    }
}
