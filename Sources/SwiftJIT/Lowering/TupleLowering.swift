import CLLVM

/// Lowering of the language features typed in `LanguageTyping`: the hook
/// `lowerLanguageExpr` is asked first for every expression; tuples are here.
extension FunctionLowering {
    static func languageLLVMType(_ t: JITType, _ b: IRBuilder) -> LLVMTypeRef {
        switch t {
        case .complex128: return b.structType([b.f64, b.f64])
        case .iterator(let x): return iteratorStateType(x, b)
        case .enumerate(let x): return b.structType([b.i64, llvmType(x, b)])
        case .zip(let xs): return b.structType(xs.map { llvmType($0, b) })
        case .boundMethod(let receiver, _): return llvmType(receiver, b)
        case .string, .list, .dict, .set, .dictView: return b.ptr
        default: return b.i8
        }
    }

    /// Ends the current path with an unconditional raise and returns a placeholder of type `t`.
    func raiseAlways(_ cls: String, _ message: String, placeholder t: JITType) -> LLVMValueRef {
        raiseIf(b.bool(true), cls, message)
        return LLVMGetUndef(ty(t))
    }

    func lowerLanguageExpr(_ e: Expr, _ t: JITType, _ ref: StmtRef, target: Var) throws -> LLVMValueRef? {
        switch e {
        case .const(.complex(let r, let i)):
            return complexValue(b.double(r), b.double(i))
        case .getattr(let v, let attr):
            switch typed.type(of: v) {
            case .complex128:
                let z = try load(v)
                switch attr {
                case "real": return b.extract(z, 0)
                case "imag": return b.extract(z, 1)
                default: return z  // a bound method holds its receiver
                }
            case .module("cmath"):
                if let c = LanguageTyping.cmathConstants[attr] { return b.double(c) }
                return LLVMConstNull(ty(t))
            default:
                return nil
            }
        case .binary(let op, let x, let y, _):
            let tx = typed.type(of: x), ty_ = typed.type(of: y)
            if case .tuple(let xs) = tx, case .tuple(let ys) = ty_, op == .add {
                let xv = try load(x), yv = try load(y)
                var out = LLVMGetUndef(ty(t))!
                for i in 0..<xs.count { out = b.insert(out, b.extract(xv, i), i) }
                for i in 0..<ys.count { out = b.insert(out, b.extract(yv, i), xs.count + i) }
                return out
            }
            if t == .complex128 { return try complexBinary(op, try load(x), tx, try load(y), ty_) }
            return nil
        case .unary(let op, let x):
            guard typed.type(of: x) == .complex128 else { return nil }
            let z = try load(x)
            switch op {
            case .neg: return complexValue(LLVMBuildFNeg(b.builder, b.extract(z, 0), "")!,
                                           LLVMBuildFNeg(b.builder, b.extract(z, 1), "")!)
            case .pos: return z
            default: return b.not(try languageTruth(z, .complex128))
            }
        case .compare(let op, let x, let y):
            let tx = typed.type(of: x), ty_ = typed.type(of: y)
            var involved = tx == .complex128 || ty_ == .complex128
            if case .tuple = tx { involved = true }
            if case .tuple = ty_ { involved = true }
            guard involved, op != .is, op != .isNot else { return nil }
            return try compareValues(op, try load(x), tx, try load(y), ty_)
        case .truth(let v):
            guard typed.type(of: v) == .complex128 else { return nil }
            return try languageTruth(try load(v), .complex128)
        case .buildSlice:
            // A slice with constant bounds is all in its type; runtime slices are the arrays' business.
            guard case .literalSlice = t else { return nil }
            return LLVMConstNull(b.i8)
        case .getitem(let v, let i):
            guard case .language(let c)? = typed.calls[ref]?.impl else { return nil }
            let tup = try load(v)
            switch c {
            case .tupleSlice(let taken):
                var out = LLVMGetUndef(ty(t))!
                for (k, index) in taken.enumerated() { out = b.insert(out, b.extract(tup, index), k) }
                return out
            case .tupleIndex(let k?):
                if k < 0 { return raiseAlways("IndexError", "tuple index out of range", placeholder: t) }
                return b.extract(tup, k)
            case .tupleIndex(nil):
                let index = try cast(try load(i), from: typed.type(of: i), to: .int64)
                return tupleItem(tup, typed.type(of: v), index: index)
            default:
                throw fail("unexpected lowering of an index")
            }
        case .getiter(let v):
            guard case .iterator(let x) = t else { return nil }
            return try iteratorStart(try load(v), x)
        case .call(let f, let args, _):
            guard case .language(let c)? = typed.calls[ref]?.impl else { return nil }
            return try lowerLanguageCall(c, callee: f, args: args, result: t)
        default:
            return nil
        }
    }

    /// Item `index` (an i64, may be negative) of a homogeneous tuple, raising IndexError when out of range.
    func tupleItem(_ tup: LLVMValueRef, _ tt: JITType, index: LLVMValueRef) -> LLVMValueRef {
        guard case .tuple(let items) = tt, let first = items.first else {
            return raiseAlways("IndexError", "tuple index out of range", placeholder: .none)
        }
        let n = b.int(Int64(items.count))
        let adjusted = b.select(b.icmp(LLVMIntSLT, index, b.int(0)), LLVMBuildAdd(b.builder, index, n, "")!, index)
        raiseIf(b.icmp(LLVMIntUGE, adjusted, n), "IndexError", "tuple index out of range")
        let elem = ty(first)
        let slot = entryAlloca(ty(tt), "tuple")
        b.store(tup, slot)
        let array = LLVMArrayType2(elem, UInt64(items.count))!
        return b.load(elem, b.gep(array, slot, [b.int(0), adjusted]))
    }

    /// `x == y` for any two values (false when Python would compare unequal types).
    func equalValues(_ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef, _ ty_: JITType) throws -> LLVMValueRef {
        if case .tuple(let xs) = tx, case .tuple(let ys) = ty_ {
            guard xs.count == ys.count else { return b.bool(false) }
            var r = b.bool(true)
            for i in 0..<xs.count {
                r = b.and(r, try equalValues(b.extract(x, i), xs[i], b.extract(y, i), ys[i]))
            }
            return r
        }
        if tx == .complex128 || ty_ == .complex128 {
            guard tx == .complex128 || tx.isNumber, ty_ == .complex128 || ty_.isNumber else { return b.bool(false) }
            let a = try cast(x, from: tx, to: .complex128), c = try cast(y, from: ty_, to: .complex128)
            return b.and(b.fcmp(LLVMRealOEQ, b.extract(a, 0), b.extract(c, 0)),
                         b.fcmp(LLVMRealOEQ, b.extract(a, 1), b.extract(c, 1)))
        }
        guard Registry.compare(.eq, tx, ty_) != nil else { return b.bool(false) }
        return try compare(.eq, x, tx, y, ty_)
    }

    /// Comparisons involving tuples or complex numbers (`==`, `!=`, ordering, `in`).
    func compareValues(_ op: CompareOperator, _ x: LLVMValueRef, _ tx: JITType, _ y: LLVMValueRef,
                       _ ty_: JITType) throws -> LLVMValueRef {
        switch op {
        case .eq: return try equalValues(x, tx, y, ty_)
        case .ne: return b.not(try equalValues(x, tx, y, ty_))
        case .in, .notIn:
            guard case .tuple(let items) = ty_ else { throw fail("'in' needs a tuple") }
            var found = b.bool(false)
            for (i, it) in items.enumerated() { found = b.or(found, try equalValues(x, tx, b.extract(y, i), it)) }
            return op == .in ? found : b.not(found)
        case .lt, .le, .gt, .ge:
            guard case .tuple(let xs) = tx, case .tuple(let ys) = ty_ else { return try compare(op, x, tx, y, ty_) }
            // Lexicographic: the first differing items decide, else the lengths do.
            let lengths: Bool
            switch op {
            case .lt: lengths = xs.count < ys.count
            case .le: lengths = xs.count <= ys.count
            case .gt: lengths = xs.count > ys.count
            default: lengths = xs.count >= ys.count
            }
            var r = b.bool(lengths)
            for i in (0..<min(xs.count, ys.count)).reversed() {
                let xi = b.extract(x, i), yi = b.extract(y, i)
                let same = try equalValues(xi, xs[i], yi, ys[i])
                let strict: CompareOperator = (op == .lt || op == .le) ? .lt : .gt
                let decided = try compareValues(strict, xi, xs[i], yi, ys[i])
                r = b.select(same, r, decided)
            }
            return r
        default:
            throw fail("compare \(op.rawValue) of \(tx) and \(ty_)")
        }
    }

    func languageConstant(_ c: Constant, _ t: JITType) throws -> LLVMValueRef {
        switch (c, t) {
        case (.complex(let r, let i), .complex128): return complexValue(b.double(r), b.double(i))
        case (.code, .dispatcher): return LLVMGetUndef(ty(t))  // a compile-time function value
        default: throw fail("constant \(c) as \(t)")
        }
    }
}
