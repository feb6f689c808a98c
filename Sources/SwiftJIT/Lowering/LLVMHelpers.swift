import CLLVM

/// Small conveniences over LLVM's C API used by the lowering stages.
struct IRBuilder {
    let context: LLVMContextRef
    let module: LLVMModuleRef
    let builder: LLVMBuilderRef

    var i1: LLVMTypeRef { LLVMInt1TypeInContext(context) }
    var i8: LLVMTypeRef { LLVMInt8TypeInContext(context) }
    var i32: LLVMTypeRef { LLVMInt32TypeInContext(context) }
    var i64: LLVMTypeRef { LLVMInt64TypeInContext(context) }
    var f64: LLVMTypeRef { LLVMDoubleTypeInContext(context) }
    var ptr: LLVMTypeRef { LLVMPointerTypeInContext(context, 0) }
    var void: LLVMTypeRef { LLVMVoidTypeInContext(context) }

    func int(_ v: Int64, _ t: LLVMTypeRef? = nil) -> LLVMValueRef {
        LLVMConstInt(t ?? i64, UInt64(bitPattern: v), 1)
    }
    func bool(_ b: Bool) -> LLVMValueRef { LLVMConstInt(i1, b ? 1 : 0, 0) }
    func double(_ d: Double) -> LLVMValueRef { LLVMConstReal(f64, d) }

    func structType(_ fields: [LLVMTypeRef]) -> LLVMTypeRef {
        var f = fields.map { Optional($0) }
        return f.withUnsafeMutableBufferPointer { LLVMStructTypeInContext(context, $0.baseAddress, UInt32(fields.count), 0) }
    }
    func functionType(_ ret: LLVMTypeRef, _ params: [LLVMTypeRef]) -> LLVMTypeRef {
        var p = params.map { Optional($0) }
        return p.withUnsafeMutableBufferPointer { LLVMFunctionType(ret, $0.baseAddress, UInt32(params.count), 0) }
    }

    /// Declares (or finds) an external function.
    func declare(_ name: String, _ type: LLVMTypeRef) -> LLVMValueRef {
        if let f = LLVMGetNamedFunction(module, name) { return f }
        return LLVMAddFunction(module, name, type)
    }
    /// Declares (or finds) an external global variable.
    func externalGlobal(_ name: String, _ type: LLVMTypeRef) -> LLVMValueRef {
        if let g = LLVMGetNamedGlobal(module, name) { return g }
        return LLVMAddGlobal(module, type, name)
    }

    @discardableResult
    func call(_ type: LLVMTypeRef, _ fn: LLVMValueRef, _ args: [LLVMValueRef], _ name: String = "") -> LLVMValueRef {
        var a = args.map { Optional($0) }
        return a.withUnsafeMutableBufferPointer {
            LLVMBuildCall2(builder, type, fn, $0.baseAddress, UInt32(args.count), name)
        }
    }
    /// Calls an LLVM intrinsic overloaded on `types`.
    @discardableResult
    func intrinsic(_ name: String, _ types: [LLVMTypeRef], _ args: [LLVMValueRef]) -> LLVMValueRef {
        let id = LLVMLookupIntrinsicID(name, name.utf8.count)
        var t = types.map { Optional($0) }
        let fn = t.withUnsafeMutableBufferPointer { LLVMGetIntrinsicDeclaration(module, id, $0.baseAddress, types.count) }!
        let ft = t.withUnsafeMutableBufferPointer { LLVMIntrinsicGetType(context, id, $0.baseAddress, types.count) }!
        return call(ft, fn, args)
    }
    /// Calls a libm function `double name(double...)`.
    func libm(_ name: String, _ args: [LLVMValueRef]) -> LLVMValueRef {
        let ft = functionType(f64, Array(repeating: f64, count: args.count))
        return call(ft, declare(name, ft), args)
    }

    func gep(_ elem: LLVMTypeRef, _ base: LLVMValueRef, _ indices: [LLVMValueRef], _ name: String = "") -> LLVMValueRef {
        var i = indices.map { Optional($0) }
        return i.withUnsafeMutableBufferPointer {
            LLVMBuildInBoundsGEP2(builder, elem, base, $0.baseAddress, UInt32(indices.count), name)
        }
    }
    func load(_ t: LLVMTypeRef, _ p: LLVMValueRef, _ name: String = "") -> LLVMValueRef { LLVMBuildLoad2(builder, t, p, name) }
    func store(_ v: LLVMValueRef, _ p: LLVMValueRef) { LLVMBuildStore(builder, v, p) }
    func extract(_ agg: LLVMValueRef, _ i: Int) -> LLVMValueRef { LLVMBuildExtractValue(builder, agg, UInt32(i), "") }
    /// Element `j` of the array field `i` of an aggregate.
    func extract(_ agg: LLVMValueRef, _ i: Int, _ j: Int) -> LLVMValueRef { extract(extract(agg, i), j) }
    func insert(_ agg: LLVMValueRef, _ v: LLVMValueRef, _ i: Int, _ j: Int) -> LLVMValueRef {
        insert(agg, insert(extract(agg, i), v, j), i)
    }
    func insert(_ agg: LLVMValueRef, _ v: LLVMValueRef, _ i: Int) -> LLVMValueRef {
        LLVMBuildInsertValue(builder, agg, v, UInt32(i), "")
    }
    func icmp(_ p: LLVMIntPredicate, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildICmp(builder, p, a, b, "") }
    func fcmp(_ p: LLVMRealPredicate, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildFCmp(builder, p, a, b, "") }
    func select(_ c: LLVMValueRef, _ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildSelect(builder, c, a, b, "") }
    func and(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildAnd(builder, a, b, "") }
    func or(_ a: LLVMValueRef, _ b: LLVMValueRef) -> LLVMValueRef { LLVMBuildOr(builder, a, b, "") }
    func not(_ a: LLVMValueRef) -> LLVMValueRef { LLVMBuildNot(builder, a, "") }

    func appendBlock(_ fn: LLVMValueRef, _ name: String) -> LLVMBasicBlockRef { LLVMAppendBasicBlockInContext(context, fn, name) }
    func position(at block: LLVMBasicBlockRef) { LLVMPositionBuilderAtEnd(builder, block) }
    var currentBlock: LLVMBasicBlockRef { LLVMGetInsertBlock(builder) }
    func br(_ b: LLVMBasicBlockRef) { LLVMBuildBr(builder, b) }
    func condBr(_ c: LLVMValueRef, _ t: LLVMBasicBlockRef, _ f: LLVMBasicBlockRef) { LLVMBuildCondBr(builder, c, t, f) }

    /// A private constant C string.
    func cString(_ s: String) -> LLVMValueRef {
        let length = UInt32(s.utf8.count)
        let c = LLVMConstStringInContext(context, s, length, 0)!
        let g = LLVMAddGlobal(module, LLVMTypeOf(c), "str")!
        LLVMSetInitializer(g, c)
        LLVMSetGlobalConstant(g, 1)
        LLVMSetLinkage(g, LLVMPrivateLinkage)
        LLVMSetUnnamedAddr(g, 1)
        return g
    }

    /// Adds an enum attribute (`noalias`, `nocapture`, `nounwind`, ...) at an index (0 = return, ~0 = function).
    func addAttribute(_ fn: LLVMValueRef, _ name: String, at index: UInt32) {
        let kind = LLVMGetEnumAttributeKindForName(name, name.utf8.count)
        let attr = LLVMCreateEnumAttribute(context, kind, 0)
        LLVMAddAttributeAtIndex(fn, index, attr)
    }
}
