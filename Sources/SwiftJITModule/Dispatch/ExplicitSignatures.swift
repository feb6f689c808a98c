#if canImport(Glibc)
import Glibc
#endif
import CPython
import SwiftJIT

/// Type names as printed by `JITType.description`, read back (`int64`, `tuple(int64, float64)`,
/// `array(float64, 2d, C, readonly)`, `optional(int64)`).
enum TypeNameParser {
    static func parse(_ text: String) -> JITType? {
        var p = Parser(chars: Array(text.filter { $0 != " " }), i: 0)
        guard let t = p.type(), p.i == p.chars.count else { return nil }
        return t
    }

    struct Parser {
        let chars: [Character]
        var i: Int

        mutating func word() -> String {
            var s = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { s.append(chars[i]); i += 1 }
            return s
        }
        mutating func eat(_ c: Character) -> Bool {
            if i < chars.count, chars[i] == c { i += 1; return true }
            return false
        }
        mutating func type() -> JITType? {
            let w = word()
            switch w {
            case "int64": return .int64
            case "float64": return .float64
            case "bool": return .boolean
            case "none": return JITType.none
            case "complex128": return .complex128
            case "tuple":
                guard eat("(") else { return nil }
                var items: [JITType] = []
                if eat(")") { return .tuple([]) }
                repeat {
                    guard let t = type() else { return nil }
                    items.append(t)
                } while eat(",")
                return eat(")") ? .tuple(items) : nil
            case "optional":
                guard eat("("), let t = type(), eat(")") else { return nil }
                return .optional(t)
            case "str", "unicode_type": return .string
            case "list", "set":
                guard eat("("), let t = type(), eat(")") else { return nil }
                return w == "list" ? .list(t) : .set(t)
            case "dict":
                guard eat("("), let k = type(), eat(","), let v = type(), eat(")") else { return nil }
                return .dict(k, v)
            case "array":
                guard eat("("), let dtype = DType(rawValue: word()), eat(",") else { return nil }
                let dims = word()
                guard dims.hasSuffix("d"), let ndim = Int(dims.dropLast()), eat(",") else { return nil }
                let layout: Layout
                switch word() {
                case "C": layout = .c
                case "F": layout = .f
                case "A": layout = .any
                default: return nil
                }
                var writable = true
                if eat(",") {
                    guard word() == "readonly" else { return nil }
                    writable = false
                }
                guard eat(")") else { return nil }
                return .array(ArrayType(dtype: dtype, ndim: ndim, layout: layout, writable: writable))
            default:
                return nil
            }
        }
    }
}

extension DispatcherCore {
    /// The fast-path key of an argument of type `t` (arrays: dtype, ndim, layout, writable, aligned).
    static func fastKey(of t: JITType) -> UInt {
        if case .array(let a) = t {
            let layout: UInt = a.layout == .c ? 1 : a.layout == .f ? 2 : 3
            return (1 << 63) | UInt(a.dtype.typeNumber) | (UInt(a.ndim) << 16) | (layout << 24)
                | ((a.writable ? 1 : 0) << 28) | (1 << 29)
        }
        return key(of: t)
    }

    /// Compiles the overload for `types` (declared return type `returns`) unless it exists; adds it to the table.
    func compileExplicit(_ types: [JITType], returns: JITType?) -> CompiledFunction? {
        if let c = compiled.first(where: { $0.signature == types }) {
            if returns == nil || c.returnType == returns { return c }
        }
        // While it compiles, functions it calls may call it back through its declared signature.
        let key = DeclaredCall(id: id, types: types)
        let outer = DispatcherCore.declaredInProgress[key]
        DispatcherCore.declaredInProgress[key] = returns.map { .some($0) } ?? .some(nil)
        DispatcherCore.explicitInProgress.append(self)
        defer {
            DispatcherCore.declaredInProgress[key] = outer
            DispatcherCore.explicitInProgress.removeLast()
        }
        guard let c = compile(types, returnType: returns) else { return nil }
        add(c) { a in a < types.count ? DispatcherCore.fastKey(of: types[a]) : 0 }
        if let slot = DispatcherCore.declaredSlots[key] { slot.pointee = c.nativeAddress }
        return c
    }

    /// Adds fast-path keys for an existing overload (another argument layout that converts to it).
    /// Only when every argument has a key (a tuple argument, say, never takes the fast path,
    /// and an alias for it would be added again on every call).
    func addAlias(entry: WrapperEntry?, sample: UnsafePointer<PyPtr?>) {
        let n = argCount
        var aliasKeys: [UInt] = []
        for a in 0..<n {
            let t = UInt(bitPattern: swiftjit_type(sample[a]!))
            var k: UInt = 0
            if DispatcherCore.keyableTypes.contains(t) { k = t }
            else if let nd = DispatcherCore.ndarrayType, swiftjit_type(sample[a]!) == nd { k = UInt(swiftjit_array_key(sample[a]!)) }
            else if DeclaredContainerClasses.key(sample[a]!) != 0 { k = t }
            else { k = DispatcherCore.typedContainerKey(sample[a]!) }
            if k == 0 { return }
            aliasKeys.append(k)
        }
        let newKeys = UnsafeMutablePointer<UInt>.allocate(capacity: (count + 1) * max(n, 1))
        newKeys.update(from: keys, count: count * n)
        for a in 0..<n { newKeys[count * n + a] = aliasKeys[a] }
        let newEntries = UnsafeMutablePointer<WrapperEntry?>.allocate(capacity: count + 1)
        newEntries.update(from: entries, count: count)
        newEntries[count] = entry
        let oldKeys = keys, oldEntries = entries
        keys = newKeys
        entries = newEntries
        count += 1
        oldKeys.deallocate()
        oldEntries.deallocate()
    }

    /// Forgets every overload (for `recompile()`).
    func clearOverloads() {
        keys.deallocate()
        entries.deallocate()
        keys = .allocate(capacity: 0)
        entries = .allocate(capacity: 0)
        count = 0
        compiled = []
    }

    /// Whether a value of type `from` may be passed where an explicit signature says `to`
    /// (Numba's safe conversions), and whether the Python object must be converted first.
    static func conversion(_ from: JITType, _ to: JITType) -> (ok: Bool, rebox: Bool) {
        if from == to { return (true, false) }
        switch (from, to) {
        case (.boolean, .int64), (.boolean, .float64), (.int64, .float64): return (true, false)
        case (.boolean, .complex128), (.int64, .complex128), (.float64, .complex128): return (true, true)
        case (.array(let a), .array(let b)):
            let ok = a.dtype == b.dtype && a.ndim == b.ndim && (b.layout == .any || a.layout == b.layout)
                && (a.writable || !b.writable)
            return (ok, false)
        case (.tuple(let xs), .tuple(let ys)) where xs.count == ys.count:
            for (x, y) in zip(xs, ys) {
                let c = conversion(x, y)
                if !c.ok || c.rebox { return (false, false) }
            }
            return (true, false)
        default:
            return (false, false)
        }
    }

    /// A call whose argument types match no explicit signature exactly: use the first overload
    /// the arguments convert to, or raise TypeError listing the accepted signatures.
    func callConverted(_ argv: UnsafePointer<PyPtr?>, _ types: [JITType]) -> PyPtr? {
        for c in compiled {
            var ok = true, rebox = false
            for (t, s) in zip(types, c.signature) {
                let conv = DispatcherCore.conversion(t, s)
                ok = ok && conv.ok
                rebox = rebox || conv.rebox
            }
            guard ok else { continue }
            let entry = unsafeBitCast(UInt(c.wrapperAddress), to: WrapperEntry.self)
            if !rebox {
                addAlias(entry: entry, sample: argv)
                return entry(argv, argCount)
            }
            var converted: [PyPtr?] = []
            defer { for o in converted { if let o = o { Py_DecRef(o) } } }
            for (i, s) in c.signature.enumerated() {
                if s == .complex128 && types[i] != .complex128 {
                    let v = PyFloat_AsDouble(argv[i])
                    if v == -1, PyErr_Occurred() != nil { return nil }
                    converted.append(PyComplex_FromDoubles(v, 0))
                } else {
                    Py_IncRef(argv[i]); converted.append(argv[i])
                }
            }
            return converted.withUnsafeBufferPointer { entry($0.baseAddress, argCount) }
        }
        return noMatchingDefinition(types.map { $0.description }.joined(separator: ", "))
    }

    /// TypeError: the arguments (`given`, type names) fit no explicit signature.
    func noMatchingDefinition(_ given: String) -> PyPtr? {
        let accepted = compiled.map { c in
            "  (" + c.signature.map { $0.description }.joined(separator: ", ") + ") -> \(c.returnType)"
        }.joined(separator: "\n")
        let name = ensureCode()?.qualname ?? "?"
        PyErr_SetString(PyExc_TypeError, "No matching definition for argument type(s) \(given) of \(name)(); "
                        + "accepted signatures:\n\(accepted)")
        return nil
    }

    /// With explicit signatures, an argument nopython mode cannot type is a TypeError too (as Numba).
    func untypableArgument(_ argv: UnsafePointer<PyPtr?>) -> PyPtr? {
        guard explicitSignatures else { return nil }
        PyErr_Clear()
        let given = (0..<argCount).map { i -> String in
            if let t = typeOf(argv[i]!, argument: i) { return t.description }
            PyErr_Clear()
            return "pyobject(\(Py.typeName(argv[i]!)))"
        }.joined(separator: ", ")
        return noMatchingDefinition(given)
    }

    /// SWIFTJIT_DEBUG_IR / SWIFTJIT_DEBUG_LLVM: dump a new specialization to stderr.
    func debugDump(_ c: CompiledFunction) {
        func on(_ name: String) -> Bool {
            guard let v = getenv(name) else { return false }
            let s = String(cString: v)
            return !s.isEmpty && s != "0"
        }
        let name = ensureCode()?.qualname ?? "?"
        let sig = c.signature.map { $0.description }.joined(separator: ", ")
        if on("SWIFTJIT_DEBUG_IR") {
            fputs("---- typed IR of \(name)(\(sig)) -> \(c.returnType) ----\n\(c.typedIRText)\n", stderr)
        }
        if on("SWIFTJIT_DEBUG_LLVM") {
            fputs("---- LLVM IR of \(name)(\(sig)) -> \(c.returnType) ----\n\(c.llvmText)\n", stderr)
        }
        fflush(stderr)
    }
}

/// The private methods of Dispatcher behind the Python-level API (python/swiftjit/_api.py).
enum ExplicitMethods {
    static func names(_ seq: PyPtr) -> [String]? {
        guard let fast = PySequence_Fast(seq, "expected a sequence of type names") else { return nil }
        defer { Py_DecRef(fast) }
        var out: [String] = []
        for k in 0..<PySequence_Size(fast) {
            guard let item = PySequence_GetItem(fast, k) else { return nil }
            defer { Py_DecRef(item) }
            guard let s = Py.string(item) else {
                PyErr_SetString(PyExc_TypeError, "type names must be strings")
                return nil
            }
            out.append(s)
        }
        return out
    }

    static func types(_ seq: PyPtr) -> [JITType]? {
        guard let ns = names(seq) else { return nil }
        var out: [JITType] = []
        for n in ns {
            guard let t = TypeNameParser.parse(n) else {
                PyErr_SetString(PyExc_TypeError, "unknown nopython type name '\(n)'")
                return nil
            }
            out.append(t)
        }
        return out
    }

    static func dtypes(_ seq: PyPtr) -> [DType]? {
        guard let ns = names(seq) else { return nil }
        var out: [DType] = []
        for n in ns {
            guard let d = DType(rawValue: n) else {
                PyErr_SetString(PyExc_TypeError, "unsupported C type '\(n)' (supported: bool, int8-64, uint8-64, float32, float64)")
                return nil
            }
            out.append(d)
        }
        return out
    }

    static func none() -> PyPtr? { Py_IncRef(swiftjit_none()); return swiftjit_none() }

    static func overload(_ core: DispatcherCore, _ index: PyPtr?) -> CompiledFunction? {
        let i = PyLong_AsLong(index)
        if i == -1, PyErr_Occurred() != nil { return nil }
        guard i >= 0, i < core.compiled.count else {
            PyErr_SetString(PyExc_IndexError, "no overload \(i)")
            return nil
        }
        return core.compiled[i]
    }

    static func setCompileError(_ core: DispatcherCore, _ error: Error) {
        if let e = error as? CompileError { core.setCompileError(e) } else {
            core.setCompileError(CompileError(.internal, "\(error)", stage: "adapter"))
        }
    }

    static func fast(_ name: String, _ doc: String, _ f: _PyCFunctionFast) -> PyMethodDef {
        PyMethodDef(ml_name: strdup(name), ml_meth: unsafeBitCast(f, to: PyCFunction.self), ml_flags: METH_FASTCALL,
                    ml_doc: strdup(doc))
    }

    static let methods: [PyMethodDef] = [
        fast("_compile", "_compile(arg_type_names, return_type_name_or_None) -> index of the overload") { o, a, n in
            guard n == 2, let a = a, let core = DispatcherType.core(o!) else {
                PyErr_SetString(PyExc_TypeError, "_compile(arg_type_names, return_type_name)")
                return nil
            }
            guard let ts = types(a[0]!) else { return nil }
            guard ts.count == core.argCount else {
                PyErr_SetString(PyExc_TypeError, "the signature has \(ts.count) argument(s); the function takes \(core.argCount)")
                return nil
            }
            var ret: JITType? = nil
            if a[1] != swiftjit_none() {
                guard let s = Py.string(a[1]), let t = TypeNameParser.parse(s) else {
                    PyErr_SetString(PyExc_TypeError, "unknown nopython return type name")
                    return nil
                }
                ret = t
            }
            guard let c = core.compileExplicit(ts, returns: ret) else { return nil }
            return PyLong_FromLong(core.compiled.firstIndex(where: { $0.key == c.key && $0.signature == c.signature }) ?? -1)
        },
        fast("_set_explicit", "_set_explicit(flag): with explicit signatures, calls never compile new overloads") { o, a, n in
            guard n == 1, let a = a, let core = DispatcherType.core(o!) else { return nil }
            core.explicitSignatures = PyObject_IsTrue(a[0]) == 1
            return none()
        },
        fast("_overload_info", "list of (signature, return type, native address, wrapper address, native name, cache status)") { o, _, _ in
            let list = PyList_New(0)!
            guard let core = DispatcherType.core(o!) else { return list }
            for c in core.compiled {
                let item: [PyPtr?] = [DispatcherType.signatureKey(c), DispatcherType.typeObject(c.returnType),
                                      PyLong_FromUnsignedLongLong(c.nativeAddress), PyLong_FromUnsignedLongLong(c.wrapperAddress),
                                      Py.str(c.nativeName), Py.str(c.cacheStatus)]
                let t = PyTuple_New(item.count)!
                for (i, x) in item.enumerated() { PyTuple_SetItem(t, i, x) }
                PyList_Append(list, t)
                Py_DecRef(t)
            }
            return list
        },
        fast("_clear_overloads", "Forgets every compiled overload (the next call compiles again).") { o, _, _ in
            DispatcherType.core(o!)?.clearOverloads()
            return none()
        },
        fast("_fast_path_size", "Number of entries of the fast-path table (overloads and aliases).") { o, _, _ in
            PyLong_FromLong(DispatcherType.core(o!)?.count ?? 0)
        },
        fast("_asm", "_asm(index) -> native assembly of an overload") { o, a, n in
            guard n == 1, let a = a, let core = DispatcherType.core(o!), let c = overload(core, a[0]) else { return nil }
            if c.llvmText.hasPrefix("; loaded from the cache") {
                return Py.str("; loaded from the disk cache: no LLVM IR kept, no assembly\n")
            }
            do { return Py.str(try Adapters.assembly(ofIR: c.llvmText)) } catch {
                setCompileError(core, error)
                return nil
            }
        },
        fast("_cfunc", "_cfunc(index, arg_dtype_names, return_dtype_name_or_None) -> address of a C function") { o, a, n in
            guard n == 3, let a = a, let core = DispatcherType.core(o!), let c = overload(core, a[0]),
                  let args = dtypes(a[1]!) else { return nil }
            var ret: DType? = nil
            if a[2] != swiftjit_none() {
                guard let s = Py.string(a[2]), let d = DType(rawValue: s) else {
                    PyErr_SetString(PyExc_TypeError, "unsupported C return type")
                    return nil
                }
                ret = d
            }
            do { return PyLong_FromUnsignedLongLong(try Adapters.cfunc(c, arguments: args, returns: ret)) } catch {
                setCompileError(core, error)
                return nil
            }
        },
        fast("_ufunc_loop", "_ufunc_loop(index, input_dtype_names, output_dtype_name[, parallel]) -> address of a ufunc inner loop") { o, a, n in
            guard n == 3 || n == 4, let a = a, let core = DispatcherType.core(o!), let c = overload(core, a[0]),
                  let ins = dtypes(a[1]!), let s = Py.string(a[2]) else { return nil }
            guard let out = DType(rawValue: s) else {
                PyErr_SetString(PyExc_TypeError, "unsupported output dtype '\(s)'")
                return nil
            }
            let parallel = n == 4 && PyObject_IsTrue(a[3]) == 1
            do { return PyLong_FromUnsignedLongLong(try Adapters.ufuncLoop(c, inputs: ins, output: out, parallel: parallel)) } catch {
                setCompileError(core, error)
                return nil
            }
        },
        fast("_gufunc_loop", "_gufunc_loop(index, operand_dtype_names, core_dims, parallel) -> address of a generalized ufunc loop; "
             + "core_dims: per operand, its core dimension indices as space-separated ints") { o, a, n in
            guard n == 4, let a = a, let core = DispatcherType.core(o!), let c = overload(core, a[0]),
                  let ds = dtypes(a[1]!), let dimTexts = names(a[2]!) else { return nil }
            guard ds.count == dimTexts.count else {
                PyErr_SetString(PyExc_ValueError, "one core dimension list per operand expected")
                return nil
            }
            var operands: [GufuncOperand] = []
            for (d, text) in zip(ds, dimTexts) {
                let parts = text.split(separator: " ").map { Int($0) }
                guard parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                    PyErr_SetString(PyExc_ValueError, "bad core dimension list '\(text)'")
                    return nil
                }
                operands.append(GufuncOperand(dtype: d, coreDims: parts.compactMap { $0 }))
            }
            let parallel = PyObject_IsTrue(a[3]) == 1
            do { return PyLong_FromUnsignedLongLong(try Adapters.gufuncLoop(c, operands: operands, parallel: parallel)) } catch {
                setCompileError(core, error)
                return nil
            }
        },
    ]
}
