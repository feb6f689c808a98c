import CPython
import SwiftJIT

/// A reference that may cross into the compiler's `@Sendable` callback; all
/// uses happen on the thread that holds the GIL.
struct UncheckedReference<T: AnyObject>: @unchecked Sendable {
    weak var object: T?
}

/// A specialization of a dispatcher, by its argument types.
struct DeclaredCall: Hashable {
    var id: UInt
    var types: [JITType]
}

/// Calls between jitted functions: the compiler asks the callee's dispatcher
/// for a specialization through `JITCallee.resolve`.
extension DispatcherCore {
    /// Explicit signatures being compiled now, with their declared return types (nil when the
    /// signature has none): a cycle of calls may call them back before they are compiled.
    nonisolated(unsafe) static var declaredInProgress: [DeclaredCall: JITType?] = [:]
    /// Words that hold the native entry of such a specialization once it is compiled;
    /// compiled code of the cycle calls through them (they live as long as the process).
    nonisolated(unsafe) static var declaredSlots: [DeclaredCall: UnsafeMutablePointer<UInt64>] = [:]

    /// Dispatchers compiling an explicit signature at decoration, innermost last.
    nonisolated(unsafe) static var explicitInProgress: [DispatcherCore] = []

    /// The dispatcher being decorated with an explicit signature whose function is named
    /// `name` in the module dictionary `globals`: its name is bound only when decoration
    /// returns, but the functions it calls may already call it back (mutual recursion).
    static func beingDecorated(_ name: String, globals: PyPtr?) -> DispatcherCore? {
        guard let g = globals else { return nil }
        return explicitInProgress.last { core in
            guard let f = core.pyFunc, Py.stringAttr(f, "__name__") == name,
                  let fg = Py.attr(f, "__globals__") else { return false }
            defer { Py_DecRef(fg) }
            return fg == g
        }
    }

    /// Identity of this dispatcher.
    var id: UInt { UInt(bitPattern: ObjectIdentifier(self)) }

    /// What the compiler needs to call this function from other compiled code.
    var callee: JITCallee {
        let code = ensureCode()
        let parameters = Array((code?.varnames ?? []).prefix(argCount))
        let ref = UncheckedReference(object: self)
        return JITCallee(id: id, name: code?.qualname ?? "?", parameters: parameters, defaults: defaults(parameters),
                         resolve: { types in
                             guard let core = ref.object else {
                                 throw CompileError(.internal, "a called jitted function is gone", stage: "typing")
                             }
                             return try core.resolveCall(types)
                         })
    }

    /// Default values of the parameters (positional `__defaults__`, then `__kwdefaults__`).
    func defaults(_ parameters: [String]) -> [GlobalValue?] {
        var out = [GlobalValue?](repeating: nil, count: parameters.count)
        guard let f = pyFunc, let code = code else { return out }
        let builtins = Py.attr(f, "__builtins__")
        defer { if let b = builtins { Py_DecRef(b) } }
        var builtinsDict: PyPtr? = nil
        if let b = builtins { builtinsDict = swiftjit_is_module(b) != 0 ? PyModule_GetDict(b) : b }
        if let d = Py.attr(f, "__defaults__") {
            if swiftjit_is_tuple(d) != 0 {
                let n = PyTuple_Size(d)
                for k in 0..<n {
                    let index = code.argCount - n + k
                    if index >= 0, index < out.count, let item = PyTuple_GetItem(d, k) {
                        out[index] = CodeReader.globalValue(item, builtins: builtinsDict)
                    }
                }
            }
            Py_DecRef(d)
        }
        if let kw = Py.attr(f, "__kwdefaults__") {
            if swiftjit_is_dict(kw) != 0 {
                for (i, name) in parameters.enumerated() where i >= code.argCount {
                    if let item = PyDict_GetItemString(kw, name) {
                        out[i] = CodeReader.globalValue(item, builtins: builtinsDict)
                    }
                }
            }
            Py_DecRef(kw)
        }
        return out
    }

    /// The specialization for `types`: an existing one, a new one, or this
    /// very compilation (self-recursion).
    func resolveCall(_ types: [JITType]) throws -> CalleeResolution {
        if let c = compiled.first(where: { $0.signature == types }) {
            return .compiled(symbol: c.nativeName, returnType: c.returnType, direct: c.direct)
        }
        if let last = DispatcherCore.compiling.last, last.0 == id, last.1 == types {
            return .recursive
        }
        if explicitSignatures {
            // Explicit signatures: no new specialization. Arrays of another layout share the
            // representation; scalar conversions are not made for calls from compiled code.
            if let c = compiled.first(where: { c in
                zip(types, c.signature).allSatisfy { t, s in
                    t == s || (t.isArray && DispatcherCore.conversion(t, s).ok)
                }
            }) {
                return .compiled(symbol: c.nativeName, returnType: c.returnType, direct: c.direct)
            }
            let given = types.map { $0.description }.joined(separator: ", ")
            let accepted = compiled.map { "(" + $0.signature.map { $0.description }.joined(separator: ", ") + ")" }
                .joined(separator: ", ")
            throw CompileError(.typing, "\(code?.qualname ?? "?")() was compiled for explicit signatures \(accepted); "
                               + "none takes (\(given)) (calls from compiled code do not convert scalars: "
                               + "convert the arguments, e.g. float(x), or add a signature)", stage: "typing")
        }
        if DispatcherCore.compiling.contains(where: { $0.0 == id }) {
            let name = code?.qualname ?? "?"
            let key = DeclaredCall(id: id, types: types)
            if let declared = DispatcherCore.declaredInProgress[key] {
                // Mutual recursion through an explicit signature: call it through a slot
                // that receives its address when its compilation ends.
                guard let returnType = declared else {
                    throw CompileError(.typing, "\(name)() is called while it is being compiled (mutual recursion) "
                                       + "and its explicit signature has no return type; declare one, "
                                       + "e.g. \"int64(int64)\"", stage: "typing")
                }
                let slot: UnsafeMutablePointer<UInt64>
                if let s = DispatcherCore.declaredSlots[key] { slot = s } else {
                    slot = .allocate(capacity: 1)
                    slot.initialize(to: 0)
                    DispatcherCore.declaredSlots[key] = slot
                }
                return .declared(slot: UInt64(UInt(bitPattern: slot)), returnType: returnType)
            }
            let sig = types.map { $0.description }.joined(separator: ", ")
            if DispatcherCore.compiling.contains(where: { $0.0 == id && $0.1 == types }) {
                throw CompileError(.typing, "\(name)() is called while it is being compiled for (\(sig)) (mutual "
                                   + "recursion): its return type cannot be inferred; give one of the functions in "
                                   + "the cycle an explicit signature, e.g. @njit(\"int64(int64)\"), and define "
                                   + "it after the others", stage: "typing")
            }
            throw CompileError(.unsupported, "\(name)() is called with (\(sig)) while it is being compiled for other "
                               + "argument types (recursion through other types), which nopython mode does not "
                               + "support; convert the arguments to the types of the outer call", stage: "typing")
        }
        let c: CompiledFunction
        do {
            c = try compileOrThrow(types)
        } catch var e as CompileError {
            let name = code?.qualname ?? "?"
            let sig = types.map { $0.description }.joined(separator: ", ")
            var where_ = ""
            if e.position.line > 0 { where_ = " (file \"\(code?.filename ?? "?")\", line \(e.position.line))" }
            // The position is in the callee's file: name it in the message, not as the caller's position.
            e.message = "cannot compile the called function \(name)(\(sig)): \(e.message)\(where_)"
            e.position = .unknown
            throw e
        }
        add(c)
        return .compiled(symbol: c.nativeName, returnType: c.returnType, direct: c.direct)
    }
}
