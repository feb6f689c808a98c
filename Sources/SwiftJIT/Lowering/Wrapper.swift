import CLLVM

/// Generates the wrapper entry `PyObject *name(PyObject *const *args, Py_ssize_t nargs)`:
/// unboxes the arguments (the dispatcher has already checked their types),
/// calls the native entry (releasing the GIL around it with `nogil`), then
/// boxes the result or sets the Python exception the native code raised.
///
/// CPython is reached only through exported symbols, resolved when the JIT links.
struct WrapperLowering {
    let b: IRBuilder
    let typed: TypedFunction
    let native: LLVMValueRef
    let options: CompileOptions
    /// Arguments converted for compiled code (lists of numbers made native): reflected
    /// into the caller's objects and released after the call (NativeListWrapper.swift).
    let converted = ConvertedArguments()
    /// Native dict arguments: (caller's dict, native copy), written back after the call.
    let nativeDicts = NativeDictArguments()

    /// Offset of `ob_fval` in PyFloatObject and of `ob_item` in PyTupleObject (64-bit builds).
    static let floatValueOffset: Int64 = 16
    static let tupleItemsOffset: Int64 = 24
    /// Offset of `cval` in PyComplexObject.
    static let complexValueOffset: Int64 = 16

    func c(_ name: String, _ ret: LLVMTypeRef, _ params: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
        let ft = b.functionType(ret, params)
        return b.call(ft, b.declare(name, ft), args)
    }

    func generate(name: String) throws -> LLVMValueRef {
        let fn = LLVMAddFunction(b.module, name, b.functionType(b.ptr, [b.ptr, b.i64]))!
        let entry = b.appendBlock(fn, "entry")
        let fail = b.appendBlock(fn, "fail")
        b.position(at: fail)
        LLVMBuildRet(b.builder, LLVMConstNull(b.ptr))
        b.position(at: entry)
        let retType = FunctionLowering.llvmType(typed.returnType, b)
        let retSlot = LLVMBuildAlloca(b.builder, retType, "ret")!
        // SwiftJITContext {exc, objects, count, capacity}
        let contextType = FunctionLowering.contextType(b)
        let excSlot = LLVMBuildAlloca(b.builder, contextType, "ctx")!
        b.store(LLVMConstNull(contextType), excSlot)
        if typed.callsJittedFunctions {
            let limit = c("swiftjit_stack_limit", b.ptr, [], [])
            b.store(limit, b.gep(contextType, excSlot, [b.int(0, b.i32), b.int(4, b.i32)]))
        }
        var args: [LLVMValueRef] = [retSlot, excSlot]
        let argv = LLVMGetParam(fn, 0)!
        for (i, t) in typed.argTypes.enumerated() {
            let obj = b.load(b.ptr, b.gep(b.ptr, argv, [b.int(Int64(i))]))
            args.append(try unbox(obj, t, fn: fn, fail: fail))
        }
        var saved: LLVMValueRef? = nil
        if options.nogil { saved = c("PyEval_SaveThread", b.ptr, [], []) }
        let status = b.call(LLVMGlobalGetValueType(native), native, args)
        // Keep the wrapper small: inlining a loop into it would compile it twice. (The native
        // entry itself stays inlinable, so recursion can be unrolled.)
        let noinline = LLVMCreateEnumAttribute(b.context, LLVMGetEnumAttributeKindForName("noinline", 8), 0)
        LLVMAddCallSiteAttribute(status, UInt32.max, noinline)  // the function index (~0)
        if let s = saved { _ = c("PyEval_RestoreThread", b.void, [b.ptr], [s]) }
        let writebackFailed = finishNativeDictArguments()
        let ok = b.appendBlock(fn, "ok"), raised = b.appendBlock(fn, "raised")
        b.condBr(b.icmp(LLVMIntEQ, status, b.int(0, b.i32)), ok, raised)

        b.position(at: raised)
        WrapperLowering.setException(fromContext: excSlot, b, fn)
        releaseContext(excSlot, contextType, fn: fn)
        _ = reflectConvertedArguments()
        b.br(fail)

        b.position(at: ok)
        let result = b.load(retType, retSlot)
        let boxed = try box(result, typed.returnType, fn: fn)
        releaseContext(excSlot, contextType, fn: fn)
        let failures = [writebackFailed, reflectConvertedArguments()].compactMap { $0 }
        if let first = failures.first {
            let failed = failures.dropFirst().reduce(first) { b.or($0, $1) }
            let bad = b.appendBlock(fn, "writeback.failed"), good = b.appendBlock(fn, "writeback.ok")
            b.condBr(failed, bad, good)
            b.position(at: bad)
            _ = c("Py_DecRef", b.void, [b.ptr], [boxed])
            b.br(fail)
            b.position(at: good)
        }
        LLVMBuildRet(b.builder, boxed)
        return fn
    }

    /// Releases the arrays created during the call, when there are any.
    func releaseContext(_ ctx: LLVMValueRef, _ contextType: LLVMTypeRef, fn: LLVMValueRef) {
        WrapperLowering.releaseContext(ctx, contextType, b, fn, takeGIL: false)
    }

    /// Releases the objects a context holds, when there are any; `takeGIL` for code
    /// that may run without the GIL (C callbacks, ufunc loops).
    static func releaseContext(_ ctx: LLVMValueRef, _ contextType: LLVMTypeRef, _ b: IRBuilder, _ fn: LLVMValueRef,
                               takeGIL: Bool) {
        let count = b.load(b.i64, b.gep(contextType, ctx, [b.int(0, b.i32), b.int(2, b.i32)]))
        let release = b.appendBlock(fn, "release"), done = b.appendBlock(fn, "release.done")
        b.condBr(b.icmp(LLVMIntNE, count, b.int(0)), release, done)
        b.position(at: release)
        let ensure = b.functionType(b.i32, []), restore = b.functionType(b.void, [b.i32])
        let gil = takeGIL ? b.call(ensure, b.declare("PyGILState_Ensure", ensure), []) : nil
        let ft = b.functionType(b.void, [b.ptr])
        b.call(ft, b.declare("swiftjit_context_release", ft), [ctx])
        if let g = gil { b.call(restore, b.declare("PyGILState_Release", restore), [g]) }
        b.br(done)
        b.position(at: done)
    }

    /// Sets the Python exception described by the context's exception descriptor
    /// `{ptr class variable, ptr message or null}` (needs the GIL).
    static func setException(fromContext ctx: LLVMValueRef, _ b: IRBuilder, _ fn: LLVMValueRef) {
        let desc = b.load(b.ptr, ctx)
        let cls = b.load(b.ptr, b.load(b.ptr, desc))
        let msg = b.load(b.ptr, b.gep(b.ptr, desc, [b.int(1)]))
        let withMsg = b.appendBlock(fn, "raise.msg"), noMsg = b.appendBlock(fn, "raise.nomsg"),
            end = b.appendBlock(fn, "raise.end"), check = b.appendBlock(fn, "raise.check")
        // A null class: the C API has set the Python exception already (swiftjit_pending_exception).
        b.condBr(LLVMBuildIsNull(b.builder, cls, ""), end, check)
        b.position(at: check)
        b.condBr(LLVMBuildIsNull(b.builder, msg, ""), noMsg, withMsg)
        b.position(at: withMsg)
        let setString = b.functionType(b.void, [b.ptr, b.ptr]), setNone = b.functionType(b.void, [b.ptr])
        b.call(setString, b.declare("PyErr_SetString", setString), [cls, msg])
        b.br(end)
        b.position(at: noMsg)
        b.call(setNone, b.declare("PyErr_SetNone", setNone), [cls])
        b.br(end)
        b.position(at: end)
        addTraceEntries(fromContext: ctx, b)
    }

    func unbox(_ obj: LLVMValueRef, _ t: JITType, fn: LLVMValueRef, fail: LLVMBasicBlockRef) throws -> LLVMValueRef {
        switch t {
        case .int64:
            let v = c("PyLong_AsLongLong", b.i64, [b.ptr], [obj])
            let maybe = b.icmp(LLVMIntEQ, v, b.int(-1))
            let check = b.appendBlock(fn, "unbox.check"), cont = b.appendBlock(fn, "unbox.ok")
            b.condBr(maybe, check, cont)
            b.position(at: check)
            let err = c("PyErr_Occurred", b.ptr, [], [])
            b.condBr(LLVMBuildIsNull(b.builder, err, ""), cont, fail)
            b.position(at: cont)
            return v
        case .float64:
            // Exact floats are read directly; other numbers (numpy.float32, ...) go through the C API.
            let typePtr = b.load(b.ptr, b.gep(b.i8, obj, [b.int(8)]))
            let exact = b.icmp(LLVMIntEQ, typePtr, b.externalGlobal("PyFloat_Type", b.i8))
            let direct = b.appendBlock(fn, "float.direct"), slow = b.appendBlock(fn, "float.slow"),
                join = b.appendBlock(fn, "float.join")
            b.condBr(exact, direct, slow)
            b.position(at: direct)
            let fast = b.load(b.f64, b.gep(b.i8, obj, [b.int(Self.floatValueOffset)]))
            b.br(join)
            b.position(at: slow)
            let converted = c("PyFloat_AsDouble", b.f64, [b.ptr], [obj])
            let failed = b.and(b.fcmp(LLVMRealOEQ, converted, b.double(-1)),
                               LLVMBuildIsNotNull(b.builder, c("PyErr_Occurred", b.ptr, [], []), "")!)
            let slowOK = b.appendBlock(fn, "float.slow.ok")
            b.condBr(failed, fail, slowOK)
            b.position(at: slowOK)
            b.br(join)
            b.position(at: join)
            let phi = LLVMBuildPhi(b.builder, b.f64, "")!
            var vals: [LLVMValueRef?] = [fast, converted]
            var blocks: [LLVMBasicBlockRef?] = [direct, slowOK]
            LLVMAddIncoming(phi, &vals, &blocks, 2)
            return phi
        case .boolean:
            let isTrue = b.icmp(LLVMIntEQ, obj, b.externalGlobal("_Py_TrueStruct", b.i8))
            let isFalse = b.icmp(LLVMIntEQ, obj, b.externalGlobal("_Py_FalseStruct", b.i8))
            let direct = b.appendBlock(fn, "bool.direct"), slow = b.appendBlock(fn, "bool.slow"),
                join = b.appendBlock(fn, "bool.join")
            b.condBr(b.or(isTrue, isFalse), direct, slow)
            b.position(at: slow)
            // numpy.bool_ and friends.
            let r = c("PyObject_IsTrue", b.i32, [b.ptr], [obj])
            let slowOK = b.appendBlock(fn, "bool.slow.ok")
            b.condBr(b.icmp(LLVMIntSLT, r, b.int(0, b.i32)), fail, slowOK)
            b.position(at: slowOK)
            let slowValue = b.icmp(LLVMIntSGT, r, b.int(0, b.i32))
            b.br(join)
            b.position(at: direct)
            b.br(join)
            b.position(at: join)
            let phi = LLVMBuildPhi(b.builder, b.i1, "")!
            var vals: [LLVMValueRef?] = [isTrue, slowValue]
            var blocks: [LLVMBasicBlockRef?] = [direct, slowOK]
            LLVMAddIncoming(phi, &vals, &blocks, 2)
            return phi
        case .none:
            return LLVMConstNull(b.i8)
        case .list where t.mixesNativeContainers, .dict where t.mixesNativeContainers:
            throw CompileError(.unsupported, "an argument of type \(t) holds both lists of numbers and dicts "
                               + "with int keys; pass them as separate arguments", stage: "wrapper")
        case .dict where t.isNativeDict:
            return nativeDictArgument(obj, t, fail: fail, fn: fn)
        case .list where t.holdsNativeLists, .dict where t.holdsNativeLists:
            return importArgument(obj, t, fn: fn, fail: fail)
        case .list where t.holdsNativeDict, .dict where t.holdsNativeDict:
            importNestedDicts(obj, t, fail: fail, fn: fn)
            return obj
        case .string, .list, .dict, .set:
            return obj  // borrowed: the dispatcher has checked the type, the caller keeps it alive
        case .complex128:
            let re = b.load(b.f64, b.gep(b.i8, obj, [b.int(Self.complexValueOffset)]))
            let im = b.load(b.f64, b.gep(b.i8, obj, [b.int(Self.complexValueOffset + 8)]))
            return b.insert(b.insert(LLVMGetUndef(FunctionLowering.llvmType(t, b)), re, 0), im, 1)
        case .tuple(let items):
            var out = LLVMGetUndef(FunctionLowering.llvmType(t, b))!
            for (i, it) in items.enumerated() {
                let item = b.load(b.ptr, b.gep(b.i8, obj, [b.int(Self.tupleItemsOffset + 8 * Int64(i))]))
                out = b.insert(out, try unbox(item, it, fn: fn, fail: fail), i)
            }
            return out
        case .array(let a):
            // PyArrayObject: data at 16, dimensions at 32, strides at 40 (stable NumPy ABI).
            let data = b.load(b.ptr, b.gep(b.i8, obj, [b.int(16)]))
            let dims = b.load(b.ptr, b.gep(b.i8, obj, [b.int(32)]))
            let strides = b.load(b.ptr, b.gep(b.i8, obj, [b.int(40)]))
            var v = LLVMGetUndef(FunctionLowering.llvmType(t, b))!
            v = b.insert(v, data, 0)
            for d in 0..<a.ndim {
                v = b.insert(v, b.load(b.i64, b.gep(b.i64, dims, [b.int(Int64(d))])), 1, d)
                v = b.insert(v, b.load(b.i64, b.gep(b.i64, strides, [b.int(Int64(d))])), 2, d)
            }
            return b.insert(v, obj, 3)
        default:
            throw CompileError(.internal, "cannot pass \(t) as an argument", stage: "wrapper")
        }
    }

    func newReference(_ global: String) -> LLVMValueRef {
        let g = b.externalGlobal(global, b.i8)
        _ = c("Py_IncRef", b.void, [b.ptr], [g])
        return g
    }

    func box(_ v: LLVMValueRef, _ t: JITType, fn: LLVMValueRef) throws -> LLVMValueRef {
        switch t {
        case .int64: return c("PyLong_FromLongLong", b.ptr, [b.i64], [v])
        case .float64: return c("PyFloat_FromDouble", b.ptr, [b.f64], [v])
        case .complex128: return c("PyComplex_FromDoubles", b.ptr, [b.f64, b.f64], [b.extract(v, 0), b.extract(v, 1)])
        case .boolean:
            let obj = b.select(v, b.externalGlobal("_Py_TrueStruct", b.i8), b.externalGlobal("_Py_FalseStruct", b.i8))
            _ = c("Py_IncRef", b.void, [b.ptr], [obj])
            return obj
        case .none:
            return newReference("_Py_NoneStruct")
        case .list where t.mixesNativeContainers, .dict where t.mixesNativeContainers:
            throw CompileError(.unsupported, "a return value of type \(t) holds both lists of numbers and "
                               + "dicts with int keys; return them separately", stage: "wrapper")
        case .dict where t.isNativeDict:
            // A dict returned to Python is a Python dict (the native one is released).
            return c("swiftjit_nd_export_steal", b.ptr, [b.ptr], [v])
        case .list where t.holdsNativeLists, .dict where t.holdsNativeLists:
            return c("swiftjit_nl_export_steal", b.ptr, [b.ptr, b.ptr], [v, b.cString(t.nativeListDescriptor)])
        case .list where t.holdsNativeDict, .dict where t.holdsNativeDict:
            exportNestedDicts(v, t)
            return v
        case .string, .list, .dict, .set:
            return v  // the native entry returned a new reference: hand it over
        case .optional(let inner):
            let some = b.appendBlock(fn, "box.some"), none = b.appendBlock(fn, "box.none"), join = b.appendBlock(fn, "box.join")
            b.condBr(b.extract(v, 0), some, none)
            b.position(at: some)
            let boxed = try box(b.extract(v, 1), inner, fn: fn)
            let someEnd = b.currentBlock
            b.br(join)
            b.position(at: none)
            let noneObj = newReference("_Py_NoneStruct")
            b.br(join)
            b.position(at: join)
            let phi = LLVMBuildPhi(b.builder, b.ptr, "")!
            var vals: [LLVMValueRef?] = [boxed, noneObj]
            var blocks: [LLVMBasicBlockRef?] = [someEnd, none]
            LLVMAddIncoming(phi, &vals, &blocks, 2)
            return phi
        case .array(let a):
            let dimsType = LLVMArrayType2(b.i64, UInt64(max(a.ndim, 1)))!
            let shape = LLVMBuildAlloca(b.builder, dimsType, "shape")!
            let strides = LLVMBuildAlloca(b.builder, dimsType, "strides")!
            for d in 0..<a.ndim {
                b.store(b.extract(v, 1, d), b.gep(dimsType, shape, [b.int(0), b.int(Int64(d))]))
                b.store(b.extract(v, 2, d), b.gep(dimsType, strides, [b.int(0), b.int(Int64(d))]))
            }
            return c("swiftjit_array_box", b.ptr, [b.ptr, b.i64, b.i64, b.ptr, b.ptr, b.ptr],
                     [b.extract(v, 3), b.int(Int64(a.dtype.typeNumber)), b.int(Int64(a.ndim)), shape, strides, b.extract(v, 0)])
        case .tuple(let items):
            let tuple = c("PyTuple_New", b.ptr, [b.i64], [b.int(Int64(items.count))])
            for (i, it) in items.enumerated() {
                let item = try box(b.extract(v, i), it, fn: fn)
                _ = c("PyTuple_SetItem", b.i32, [b.ptr, b.i64, b.ptr], [tuple, b.int(Int64(i)), item])
            }
            return tuple
        default:
            throw CompileError(.internal, "cannot return \(t) to Python", stage: "wrapper")
        }
    }
}

extension JITType {
    /// A list/dict holding both native lists and native dicts: the two boundary conversions
    /// (NativeListWrapper.swift, NativeDictLowering.swift) each walk the whole value, so
    /// such a value is rejected at the boundary instead of converted twice.
    var mixesNativeContainers: Bool { holdsNativeLists && holdsNativeDict }
}
