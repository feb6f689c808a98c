import CLLVM

/// For loops over tuples, `enumerate` and `zip` (ranges keep their own fast path).
///
/// An iterator's state mirrors its iterable: a tuple's is `{i64 index, tuple}`,
/// enumerate's `{i64 count, state of the inner iterator}`, zip's the states of
/// its iterators, a range's `{cur, remaining, step}`.
extension FunctionLowering {
    static func iteratorStateType(_ iterable: JITType, _ b: IRBuilder) -> LLVMTypeRef {
        if iterable.nativeListKind != nil { return b.structType([b.ptr, b.i64]) }
        switch iterable {
        case .range: return llvmType(.rangeIter, b)
        case .tuple: return b.structType([b.i64, llvmType(iterable, b)])
        case .enumerate(let x): return b.structType([b.i64, iteratorStateType(x, b)])
        case .zip(let xs): return b.structType(xs.map { iteratorStateType($0, b) })
        case .string, .list, .dict, .set, .dictView: return b.ptr
        case .array(let a): return llvmType(.arrayIter(a), b)
        default: return b.i8
        }
    }

    /// The initial state of an iterator over `value`.
    func iteratorStart(_ value: LLVMValueRef, _ iterable: JITType) throws -> LLVMValueRef {
        let st = FunctionLowering.iteratorStateType(iterable, b)
        if iterable.nativeListKind != nil { return nlIteratorStart(value) }
        switch iterable {
        case .range:
            return rangeIterator(value)
        case .tuple:
            retain(value, iterable)  // the state holds the tuple
            return b.insert(b.insert(LLVMGetUndef(st), b.int(0), 0), value, 1)
        case .string, .list, .dict, .set, .dictView:
            let it = rt("swiftjit_getiter", b.ptr, [b.ptr], [value])
            failIfNull(it)
            return it
        case .array:
            return b.insert(b.insert(LLVMGetUndef(st), value, 0), b.int(0), 1)
        case .enumerate(let x):
            let inner = try iteratorStart(b.extract(value, 1), x)
            return b.insert(b.insert(LLVMGetUndef(st), b.extract(value, 0), 0), inner, 1)
        case .zip(let xs):
            var out = LLVMGetUndef(st)!
            for (i, x) in xs.enumerated() { out = b.insert(out, try iteratorStart(b.extract(value, i), x), i) }
            return out
        default:
            throw fail("cannot iterate over \(iterable)")
        }
    }

    func field(_ st: LLVMTypeRef, _ p: LLVMValueRef, _ i: Int) -> LLVMValueRef {
        LLVMBuildStructGEP2(b.builder, st, p, UInt32(i), "")
    }

    /// Advances the iterator whose state is at `p`: whether it had a value, and the value.
    func iteratorNext(_ p: LLVMValueRef, _ iterable: JITType) throws -> (valid: LLVMValueRef, value: LLVMValueRef) {
        let st = FunctionLowering.iteratorStateType(iterable, b)
        if let kind = iterable.nativeListKind { return nlIteratorNext(p, kind) }
        switch iterable {
        case .range:
            let state = b.load(st, p)
            let cur = b.extract(state, 0), remaining = b.extract(state, 1), step = b.extract(state, 2)
            let valid = b.icmp(LLVMIntSGT, remaining, b.int(0))
            b.store(LLVMBuildAdd(b.builder, cur, step, "")!, field(st, p, 0))
            b.store(LLVMBuildSub(b.builder, remaining, b.int(1), "")!, field(st, p, 1))
            return (valid, cur)
        case .tuple(let items):
            let indexPtr = field(st, p, 0)
            let index = b.load(b.i64, indexPtr)
            b.store(LLVMBuildAdd(b.builder, index, b.int(1), "")!, indexPtr)
            guard let first = items.first else { return (b.bool(false), LLVMConstNull(ty(.none))) }
            let valid = b.icmp(LLVMIntULT, index, b.int(Int64(items.count)))
            let safe = b.select(valid, index, b.int(0))
            let elem = ty(first)
            let array = LLVMArrayType2(elem, UInt64(items.count))!
            let value = b.load(elem, b.gep(array, field(st, p, 1), [b.int(0), safe]))
            // A new reference for the loop variable (none past the end).
            for leaf in managedLeaves(value, first) { incref(b.select(valid, leaf, LLVMConstNull(b.ptr))) }
            return (valid, value)
        case .string, .list, .dict, .set, .dictView:
            guard let y = ContainerTyping.yieldType(iterable) else { throw fail("cannot iterate over \(iterable)") }
            let flag = entryAlloca(b.i32, "iter.failed")
            let item = rt("swiftjit_iternext", b.ptr, [b.ptr, b.ptr], [b.load(b.ptr, p), flag])
            failIf(b.icmp(LLVMIntNE, b.load(b.i32, flag), b.int(0, b.i32)))
            let valid = LLVMBuildIsNotNull(b.builder, item, "")!
            let some = b.appendBlock(fn, "iter.item"), join = b.appendBlock(fn, "iter.join")
            let before = b.currentBlock
            b.condBr(valid, some, join)
            b.position(at: some)
            let value = try unboxNew(item, y)
            let someEnd = b.currentBlock
            b.br(join)
            b.position(at: join)
            return (valid, phi(ty(y), [(value, someEnd), (LLVMGetUndef(ty(y)), before)]))
        case .array(let a):
            // An array inside enumerate/zip: {array, next index}, as a loop over the array itself.
            let arr = b.load(FunctionLowering.arrayStruct(a.ndim, b), field(st, p, 0))
            let indexPtr = field(st, p, 1)
            let index = b.load(b.i64, indexPtr)
            b.store(LLVMBuildAdd(b.builder, index, b.int(1), "")!, indexPtr)
            let valid = b.icmp(LLVMIntSLT, index, b.extract(arr, 1, 0))
            let y = try ArrayTyping.getitem(a, .int64)
            let some = b.appendBlock(fn, "iter.elem"), join = b.appendBlock(fn, "iter.join")
            let before = b.currentBlock
            b.condBr(valid, some, join)
            b.position(at: some)
            let value = try arrayGetitem(arr, a, index, .int64, result: y)
            let someEnd = b.currentBlock
            b.br(join)
            b.position(at: join)
            return (valid, phi(ty(y), [(value, someEnd), (LLVMGetUndef(ty(y)), before)]))
        case .enumerate(let x):
            let countPtr = field(st, p, 0)
            let count = b.load(b.i64, countPtr)
            let (valid, inner) = try iteratorNext(field(st, p, 1), x)
            b.store(LLVMBuildAdd(b.builder, count, b.int(1), "")!, countPtr)
            guard let y = LanguageTyping.yieldType(iterable) else { throw fail("enumerate yields nothing") }
            let pair = b.insert(b.insert(LLVMGetUndef(ty(y)), count, 0), inner, 1)
            return (valid, pair)
        case .zip(let xs):
            guard let y = LanguageTyping.yieldType(iterable) else { throw fail("zip yields nothing") }
            var valid = b.bool(!xs.isEmpty)
            var out = LLVMGetUndef(ty(y))!
            for (i, x) in xs.enumerated() {
                let (v, value) = try iteratorNext(field(st, p, i), x)
                valid = b.and(valid, v)
                out = b.insert(out, value, i)
            }
            return (valid, out)
        default:
            throw fail("cannot iterate over \(iterable)")
        }
    }

    /// The `for_iter` terminator for iterators other than a range's.
    func lowerIteratorStep(_ it: Var, value: Var, body: Label, exit: Label) throws {
        guard case .iterator(let x) = typed.type(of: it), let y = LanguageTyping.yieldType(x) else {
            throw fail("iterating over \(typed.type(of: it))")
        }
        let (valid, v) = try iteratorNext(try slot(it), x)
        let advance = b.appendBlock(fn, "iter.next")
        b.condBr(valid, advance, blocks[exit.id])
        b.position(at: advance)
        let vt = typed.type(of: value)
        let old = vt.isManaged ? b.load(ty(vt), try slot(value)) : nil
        b.store(try cast(v, from: y, to: vt), try slot(value))
        if let old = old { release(old, vt) }
        b.br(blocks[body.id])
    }
}
