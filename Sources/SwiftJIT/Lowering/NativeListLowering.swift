import CLLVM

/// Native storage for lists of numbers (issue 11 point 9).
///
/// A list of bool, int64, float64 or complex128 is a `swiftjit._NativeList`
/// (Sources/CPython/nativelist.c): a CPython object, so it is reference-counted
/// like every other container, whose elements live unboxed in one buffer.
/// `len`, indexing, item assignment, iteration, `append` and `pop` are lowered
/// inline on the fields `length` (offset 16), `capacity` (24) and `data` (32);
/// other operations reach the generic helpers of containers.c, which work on a
/// `list` made from the buffer and copy changes back.
extension JITType {
    /// The storage kind of a list of numbers (0 bool, 1 int64, 2 float64, 3 complex128);
    /// nil for every other type.
    public var nativeListKind: Int64? {
        guard case .list(let e) = self else { return nil }
        switch e {
        case .boolean: return 0
        case .int64: return 1
        case .float64: return 2
        case .complex128: return 3
        default: return nil
        }
    }

    /// The descriptor nativelist.c's conversions walk (`swiftjit_nl_import`, ...):
    /// "n<kind>" a native list, "l<item>" a list, "m<key><value>" a dict,
    /// "t<count>;<items>" a tuple, "o" anything else.
    var nativeListDescriptor: String {
        if let k = nativeListKind { return "n\(k)" }
        switch self {
        case .list(let e): return "l" + e.nativeListDescriptor
        case .dict(let k, let v): return "m" + k.nativeListDescriptor + v.nativeListDescriptor
        case .tuple(let items): return "t\(items.count);" + items.map { $0.nativeListDescriptor }.joined()
        default: return "o"
        }
    }

    /// Whether a list or dict value holds native lists (and so must be converted at the boundary).
    var holdsNativeLists: Bool {
        switch self {
        case .list, .dict: return nativeListDescriptor.contains("n")
        default: return false
        }
    }
}

/// Field offsets of `NativeList` (checked by static assertions in nativelist.c).
enum NativeListLayout {
    static let length: Int64 = 16
    static let capacity: Int64 = 24
    static let data: Int64 = 32
}

extension FunctionLowering {
    /// The LLVM type of one stored element (bool is a byte).
    func nlElementType(_ kind: Int64) -> LLVMTypeRef {
        switch kind {
        case 0: return b.i8
        case 1: return b.i64
        case 2: return b.f64
        default: return ty(.complex128)
        }
    }

    func nlLength(_ list: LLVMValueRef) -> LLVMValueRef {
        b.load(b.i64, b.gep(b.i8, list, [b.int(NativeListLayout.length)]))
    }

    func nlData(_ list: LLVMValueRef) -> LLVMValueRef {
        b.load(b.ptr, b.gep(b.i8, list, [b.int(NativeListLayout.data)]))
    }

    /// Element `i` (in range) as a value of the element type.
    func nlLoad(_ list: LLVMValueRef, _ i: LLVMValueRef, _ kind: Int64) -> LLVMValueRef {
        let v = b.load(nlElementType(kind), b.gep(nlElementType(kind), nlData(list), [i]))
        return kind == 0 ? b.icmp(LLVMIntNE, v, LLVMConstInt(b.i8, 0, 0)) : v
    }

    func nlStore(_ list: LLVMValueRef, _ i: LLVMValueRef, _ v: LLVMValueRef, _ kind: Int64) {
        let stored = kind == 0 ? LLVMBuildZExt(b.builder, v, b.i8, "")! : v
        b.store(stored, b.gep(nlElementType(kind), nlData(list), [i]))
    }

    /// The index `i` (negative from the end) checked against the length: IndexError with `message`.
    func nlIndex(_ list: LLVMValueRef, _ i: LLVMValueRef, _ message: String) -> LLVMValueRef {
        let n = nlLength(list)
        let negative = b.icmp(LLVMIntSLT, i, b.int(0))
        let index = b.select(negative, LLVMBuildAdd(b.builder, i, n, "")!, i)
        raiseIf(b.icmp(LLVMIntUGE, index, n), "IndexError", message)
        return index
    }

    /// The element type of the native list type `t`.
    func nlElement(_ t: JITType) -> JITType {
        if case .list(let e) = t { return e }
        return .undetermined
    }

    /// A new native list of `t` holding `items`.
    func nlBuild(_ items: [Var], _ t: JITType, _ kind: Int64) throws -> LLVMValueRef {
        let list = rt("swiftjit_nl_make", b.ptr, [b.i64, b.i64], [b.int(kind), b.int(Int64(items.count))])
        failIfNull(list)
        for (i, v) in items.enumerated() {
            let value = try cast(try load(v), from: typed.type(of: v), to: nlElement(t))
            nlStore(list, b.int(Int64(i)), value, kind)
        }
        return list
    }

    /// `list.append(v)`: a store and a new length while there is room, the C helper grows the buffer.
    func nlAppend(_ list: LLVMValueRef, _ value: Var, _ t: JITType, _ kind: Int64) throws {
        let v = try cast(try load(value), from: typed.type(of: value), to: nlElement(t))
        let lengthPtr = b.gep(b.i8, list, [b.int(NativeListLayout.length)])
        let n = b.load(b.i64, lengthPtr)
        let cap = b.load(b.i64, b.gep(b.i8, list, [b.int(NativeListLayout.capacity)]))
        let grow = b.appendBlock(fn, "nl.grow"), store = b.appendBlock(fn, "nl.store")
        let full = b.intrinsic("llvm.expect", [b.i1], [b.icmp(LLVMIntSGE, n, cap), b.bool(false)])
        b.condBr(full, grow, store)
        b.position(at: grow)
        failIfNegative(rt("swiftjit_nl_grow", b.i32, [b.ptr], [list]))
        b.br(store)
        b.position(at: store)
        nlStore(list, n, v, kind)
        b.store(LLVMBuildAdd(b.builder, n, b.int(1), "")!, lengthPtr)
    }

    /// `list.pop()` / `list.pop(i)`: the element, the ones after it moved down by one.
    func nlPop(_ list: LLVMValueRef, _ index: Var?, _ kind: Int64) throws -> LLVMValueRef {
        let n = nlLength(list)
        raiseIf(b.icmp(LLVMIntEQ, n, b.int(0)), "IndexError", "pop from empty list")
        let last = LLVMBuildSub(b.builder, n, b.int(1), "")!
        var i = last
        if let index = index {
            i = nlIndex(list, try cast(try load(index), from: typed.type(of: index), to: .int64), "pop index out of range")
        }
        let v = nlLoad(list, i, kind)
        let move = b.appendBlock(fn, "nl.pop.move"), done = b.appendBlock(fn, "nl.pop.done")
        b.condBr(b.icmp(LLVMIntSLT, i, last), move, done)
        b.position(at: move)
        let size = kind == 0 ? 1 : kind == 3 ? 16 : 8
        let data = nlData(list)
        let dst = b.gep(nlElementType(kind), data, [i])
        let src = b.gep(nlElementType(kind), data, [LLVMBuildAdd(b.builder, i, b.int(1), "")!])
        let bytes = LLVMBuildMul(b.builder, LLVMBuildSub(b.builder, last, i, "")!, b.int(Int64(size)), "")!
        _ = LLVMBuildMemMove(b.builder, dst, 1, src, 1, bytes)
        b.br(done)
        b.position(at: done)
        b.store(last, b.gep(b.i8, list, [b.int(NativeListLayout.length)]))
        return v
    }

    /// The native list for `obj` (a list or native list read from a container or returned by
    /// Python code), consuming the reference.
    func nlUnboxNew(_ obj: LLVMValueRef, _ kind: Int64) -> LLVMValueRef {
        let r = rt("swiftjit_nl_unbox_steal", b.ptr, [b.ptr, b.i64], [obj, b.int(kind)])
        failIfNull(r)
        return r
    }

    /// The iterator state over a native list: `{list (one reference), next index}`.
    func nlIteratorStateType() -> LLVMTypeRef { b.structType([b.ptr, b.i64]) }

    func nlIteratorStart(_ list: LLVMValueRef) -> LLVMValueRef {
        incref(list)  // the state holds the list
        return b.insert(b.insert(LLVMGetUndef(nlIteratorStateType()), list, 0), b.int(0), 1)
    }

    /// The next element: reads the length each step, as a list iterator does (appends in the loop are seen).
    func nlIteratorNext(_ p: LLVMValueRef, _ kind: Int64) -> (valid: LLVMValueRef, value: LLVMValueRef) {
        let st = nlIteratorStateType()
        let list = b.load(b.ptr, field(st, p, 0))
        let indexPtr = field(st, p, 1)
        let index = b.load(b.i64, indexPtr)
        let valid = b.icmp(LLVMIntSLT, index, nlLength(list))
        b.store(LLVMBuildAdd(b.builder, index, b.int(1), "")!, indexPtr)
        // The buffer always has room for one element: reading slot 0 past the end is harmless.
        let value = nlLoad(list, b.select(valid, index, b.int(0)), kind)
        return (valid, value)
    }
}

extension FunctionLowering {
    /// The type a list display is built with: the variable's when the display's own element
    /// type is still open (`xs = []` then `xs.append(0.5)`).
    func nlBuildType(_ e: Expr, _ et: JITType, _ vt: JITType) -> JITType {
        if case .buildList = e, vt.nativeListKind != nil, et.nativeListKind == nil { return vt }
        return et
    }

    /// A list value (owned) stored into a variable of native list type: made native when the
    /// expression's type left the element type open.
    func nlAdopt(_ value: LLVMValueRef, _ e: Expr, from et: JITType, to vt: JITType) -> LLVMValueRef {
        guard let kind = vt.nativeListKind, et.nativeListKind == nil, case .list = et else { return value }
        if case .buildList = e { return value }  // built native already
        return nlUnboxNew(value, kind)
    }
}
