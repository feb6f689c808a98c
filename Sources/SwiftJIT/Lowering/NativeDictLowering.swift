import CLLVM

/// Native dicts (issue 11): a dict whose static type has int or bool keys and
/// int, float or bool values is a `swiftjit._NativeDict` (Sources/CPython/nativedict.c),
/// an insertion-ordered hash table of unboxed keys and values. It is still a
/// `PyObject *` with the same reference-counting rules as the other containers,
/// and it implements dict's methods with boxed values, so every operation that is
/// not lowered here goes through the generic paths of `ContainerLowering.swift`.
/// The hot operations (`d[k]`, `d[k] = v`, `d.get(k, default)`, `k in d`,
/// `len(d)`, `del d[k]`) call small C helpers with native keys and values.
extension JITType {
    /// Whether values of this type are native dicts.
    public var isNativeDict: Bool {
        guard case .dict(let k, let v) = self else { return false }
        return (k == .int64 || k == .boolean) && (v == .int64 || v == .float64 || v == .boolean)
    }

    /// Whether native dicts are inside values of this type (not counting the value itself).
    var holdsNativeDict: Bool {
        switch self {
        case .list(let e), .set(let e), .optional(let e): return e.isNativeDict || e.holdsNativeDict
        case .dict(let k, let v): return [k, v].contains { $0.isNativeDict || $0.holdsNativeDict }
        case .tuple(let items): return items.contains { $0.isNativeDict || $0.holdsNativeDict }
        default: return false
        }
    }

    /// The descriptor `swiftjit_nd_walk` follows (see nativedict.c).
    var nativeDictDescriptor: String {
        switch self {
        case .dict(let k, let v) where isNativeDict:
            return "N\(NativeDictKind.value(v))\(k == .boolean ? 1 : 0)"
        case .list(let e): return "L" + e.nativeDictDescriptor
        case .dict(let k, let v): return "D" + k.nativeDictDescriptor + v.nativeDictDescriptor
        case .tuple(let items): return "T\(items.count):" + items.map { $0.nativeDictDescriptor }.joined()
        case .optional(let e): return "O" + e.nativeDictDescriptor
        default: return "x"
        }
    }

    /// The kinds argument of the nativedict.c helpers: value kind | key kind << 4.
    var nativeDictKinds: Int64 {
        guard case .dict(let k, let v) = self else { return 0 }
        return NativeDictKind.value(v) | (k == .boolean ? 16 : 0)
    }
}

enum NativeDictKind {
    /// 0 int, 1 float, 2 bool; nil for other types.
    static func of(_ t: JITType) -> Int64? {
        switch t {
        case .int64: return 0
        case .float64: return 1
        case .boolean: return 2
        default: return nil
        }
    }
    static func value(_ t: JITType) -> Int64 { of(t) ?? 0 }
}

extension FunctionLowering {
    /// A key of static type int or bool as an int64.
    func nativeKey(_ v: Var) throws -> LLVMValueRef? {
        switch typed.type(of: v) {
        case .int64: return try load(v)
        case .boolean: return LLVMBuildZExt(b.builder, try load(v), b.i64, "")
        default: return nil
        }
    }

    /// A native value of type `t` as the 8 raw bytes the helpers take.
    func nativeBits(_ v: LLVMValueRef, _ t: JITType) -> LLVMValueRef {
        switch t {
        case .float64: return LLVMBuildBitCast(b.builder, v, b.i64, "")
        case .boolean: return LLVMBuildZExt(b.builder, v, b.i64, "")
        default: return v
        }
    }

    /// The 8 raw bytes a helper returned, as a value of type `t`.
    func fromNativeBits(_ v: LLVMValueRef, _ t: JITType) -> LLVMValueRef {
        switch t {
        case .float64: return LLVMBuildBitCast(b.builder, v, b.f64, "")
        case .boolean: return b.icmp(LLVMIntNE, v, b.int(0))
        default: return v
        }
    }

    /// `swiftjit_nd_get`: d[k] (`raising`) or d.get(k, default) read as type `t`.
    func nativeDictGet(_ d: LLVMValueRef, _ key: LLVMValueRef, default dflt: LLVMValueRef, _ t: JITType,
                       raising: Bool) -> LLVMValueRef {
        let status = entryAlloca(b.i32, "nd.status")
        let r = rt("swiftjit_nd_get", b.i64, [b.ptr, b.i64, b.i64, b.i64, b.i64, b.ptr],
                   [d, key, dflt, b.int(NativeDictKind.value(t)), b.int(raising ? 1 : 0), status])
        failIfNegative(b.load(b.i32, status))
        return fromNativeBits(r, t)
    }

    /// Lowers the expressions on native dicts this file handles; nil for the others.
    func lowerNativeDictExpr(_ e: Expr, _ t: JITType, _ ref: StmtRef) throws -> LLVMValueRef? {
        func tv(_ v: Var) -> JITType { typed.type(of: v) }
        switch e {
        case .buildMap(let keys, let values) where t.isNativeDict:
            guard case .dict(let kt, let vt) = t else { return nil }
            let d = rt("swiftjit_nd_new", b.ptr, [b.i64], [b.int(t.nativeDictKinds)])
            failIfNull(d)
            for (k, v) in zip(keys, values) {
                let key = try cast(try load(k), from: tv(k), to: kt)
                let value = try cast(try load(v), from: tv(v), to: vt)
                failIfNegative(rt("swiftjit_nd_set", b.i32, [b.ptr, b.i64, b.i64, b.i64],
                                  [d, nativeBits(key, kt == .boolean ? .boolean : .int64), nativeBits(value, vt),
                                   b.int(t.nativeDictKinds)]))
            }
            return d
        case .getitem(let v, let i) where tv(v).isNativeDict:
            guard NativeDictKind.of(t) != nil else { return nil }
            guard let key = try nativeKey(i) else {
                let o = try boxed(v), k = try boxed(i)
                let item = rt("swiftjit_getitem", b.ptr, [b.ptr, b.ptr], [o, k])
                decref(o); decref(k)
                failIfNull(item)
                return try unboxNew(item, t)
            }
            return nativeDictGet(try load(v), key, default: b.int(0), t, raising: true)
        case .compare(let op, let x, let y) where (op == .in || op == .notIn) && tv(y).isNativeDict:
            guard let key = try nativeKey(x) else { return nil }
            let r = rt("swiftjit_nd_contains", b.i32, [b.ptr, b.i64], [try load(y), key])
            return b.icmp(op == .in ? LLVMIntNE : LLVMIntEQ, r, b.int(0, b.i32))
        case .call(_, let args, _):
            guard case .container(let c)? = typed.calls[ref]?.impl else { return nil }
            switch c {
            case .len where args.count == 1 && tv(args[0]).isNativeDict:
                return rt("swiftjit_nd_len", b.i64, [b.ptr], [try load(args[0])])
            case .method("get", false):
                guard case .call(let f, _, _) = e, tv(f).receiver.isNativeDict else { return nil }
                guard args.count == 2, NativeDictKind.of(t) != nil, let key = try nativeKey(args[0]) else {
                    return try genericMethodCall("get", f, args, t)
                }
                let dflt = nativeBits(try cast(try load(args[1]), from: tv(args[1]), to: t), t)
                return nativeDictGet(try load(f), key, default: dflt, t, raising: false)
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// A method called through `PyObject_VectorcallMethod` (the generic path).
    func genericMethodCall(_ name: String, _ f: Var, _ args: [Var], _ t: JITType) throws -> LLVMValueRef {
        let array = try boxedArray(args)
        let cache = LLVMAddGlobal(b.module, b.ptr, "namecache")!
        LLVMSetInitializer(cache, LLVMConstNull(b.ptr))
        LLVMSetLinkage(cache, LLVMPrivateLinkage)
        let r = rt("swiftjit_call_method", b.ptr, [b.ptr, b.ptr, b.ptr, b.i64, b.ptr, b.ptr],
                   [try load(f), b.cString(name), array, b.int(Int64(args.count)), LLVMConstNull(b.ptr), cache])
        failIfNull(r)
        return try unboxNew(r, t)
    }

    /// Lowers the statements on native dicts; false for the others.
    func lowerNativeDictStatement(_ s: Stmt) throws -> Bool {
        switch s {
        case .mapAdd(let d, let k, let v), .setitem(let d, let k, let v):
            let dt = typed.type(of: d)
            guard dt.isNativeDict, case .dict(let kt, let vt) = dt, let key = try nativeKey(k) else { return false }
            _ = kt
            let value = try cast(try load(v), from: typed.type(of: v), to: vt)
            failIfNegative(rt("swiftjit_nd_set", b.i32, [b.ptr, b.i64, b.i64, b.i64],
                              [try load(d), key, nativeBits(value, vt), b.int(dt.nativeDictKinds)]))
            return true
        case .delitem(let d, let k):
            guard typed.type(of: d).isNativeDict, let key = try nativeKey(k) else { return false }
            failIfNegative(rt("swiftjit_nd_del", b.i32, [b.ptr, b.i64], [try load(d), key]))
            return true
        default:
            return false
        }
    }

    /// A dict value where a native dict is expected (consumes `obj`): taken as it is
    /// when native, copied from a Python dict otherwise.
    func coerceNativeDict(_ obj: LLVMValueRef, _ t: JITType) -> LLVMValueRef {
        let r = rt("swiftjit_nd_coerce_steal", b.ptr, [b.ptr, b.i64], [obj, b.int(t.nativeDictKinds)])
        failIfNull(r)
        return r
    }

    /// An owned dict value of type `from` stored in a variable of type `to`: converted
    /// (consumed, a new reference made) when the two types have different representations.
    func convertDictRepresentation(_ v: LLVMValueRef, from: JITType, to: JITType) -> LLVMValueRef {
        guard from.isDict, to.isDict, from.isNativeDict != to.isNativeDict else { return v }
        let r = rt("swiftjit_nd_convert_steal", b.ptr, [b.ptr, b.i64, b.i64],
                   [v, b.int(to.isNativeDict ? 1 : 0), b.int(to.nativeDictKinds)])
        failIfNull(r)
        return r
    }
}

/// The native dict arguments a wrapper made: (caller's dict, native copy).
final class NativeDictArguments {
    var pairs: [(LLVMValueRef, LLVMValueRef)] = []
    /// Container arguments holding native dicts, and their type descriptors.
    var nested: [(LLVMValueRef, String)] = []
}

extension WrapperLowering {
    /// A native dict argument: a native copy of the caller's dict, shared when the same
    /// dict is passed twice (`convertOnce`).
    func nativeDictArgument(_ obj: LLVMValueRef, _ t: JITType, fail: LLVMBasicBlockRef, fn: LLVMValueRef) -> LLVMValueRef {
        let native = convertOnce(obj, earlier: nativeDicts.pairs, fn: fn, fail: fail) {
            c("swiftjit_nd_from_dict", b.ptr, [b.ptr, b.i64], [obj, b.int(t.nativeDictKinds)])
        }
        nativeDicts.pairs.append((obj, native))
        return native
    }

    /// A list or dict argument holding native dicts: its dicts become native copies in place.
    func importNestedDicts(_ obj: LLVMValueRef, _ t: JITType, fail: LLVMBasicBlockRef, fn: LLVMValueRef) {
        let desc = t.nativeDictDescriptor
        let r = c("swiftjit_nd_walk", b.i32, [b.ptr, b.ptr, b.i64], [obj, b.cString(desc), b.int(1)])
        let ok = b.appendBlock(fn, "nd.nested.ok")
        b.condBr(b.icmp(LLVMIntSLT, r, b.int(0, b.i32)), fail, ok)
        b.position(at: ok)
        nativeDicts.nested.append((obj, desc))
    }

    /// A returned list or dict holding native dicts: they become Python dicts in place.
    func exportNestedDicts(_ obj: LLVMValueRef, _ t: JITType) {
        _ = c("swiftjit_nd_walk", b.i32, [b.ptr, b.ptr, b.i64], [obj, b.cString(t.nativeDictDescriptor), b.int(0)])
    }

    /// After the call: writes the native copies back to the caller's dicts (when changed)
    /// and releases them. Returns the status (-1 when a write-back failed with an exception).
    func finishNativeDictArguments() -> LLVMValueRef? {
        var failed: LLVMValueRef? = nil
        for (obj, desc) in nativeDicts.nested {
            _ = c("swiftjit_nd_walk", b.i32, [b.ptr, b.ptr, b.i64], [obj, b.cString(desc), b.int(0)])
        }
        for (orig, native) in nativeDicts.pairs {
            let r = c("swiftjit_nd_writeback", b.i32, [b.ptr, b.ptr], [orig, native])
            _ = c("Py_DecRef", b.void, [b.ptr], [native])
            let bad = b.icmp(LLVMIntSLT, r, b.int(0, b.i32))
            failed = failed.map { b.or($0, bad) } ?? bad
        }
        return failed
    }
}
