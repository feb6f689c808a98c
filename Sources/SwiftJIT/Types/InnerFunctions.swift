/// Inner functions and lambdas (defined with no defaults and no closure inside a
/// jitted function): a compile-time function value whose calls compile the
/// nested code object for their argument types, as a separate native function
/// (which LLVM may inline) resolving globals as the enclosing function does, with
/// its boundscheck, fastmath and nogil options.
enum InnerFunctions {
    /// Boxes the enclosing function's global resolver for the `@Sendable` callback;
    /// it is only called during the enclosing function's compilation, on its thread.
    struct Resolver: @unchecked Sendable {
        let resolve: (String) -> GlobalValue
    }

    /// A captured constant as the value of a free variable (nil for types nopython mode has no global form of).
    static func globalValue(of c: Constant) -> GlobalValue? {
        switch c {
        case .none: return GlobalValue.none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .complex(let r, let i): return .complex(r, i)
        case .tuple(let items):
            var out: [GlobalValue] = []
            for item in items {
                guard let g = globalValue(of: item) else { return nil }
                out.append(g)
            }
            return .tuple(out)
        default: return nil
        }
    }

    /// The options an inner function is compiled with: the enclosing function's code-generation
    /// options (boundscheck, fastmath, nogil, optimization level), as Numba compiles inner
    /// functions as part of the function that defines them; no wrapper, cache, declared return
    /// type or parallel loops of their own.
    static func options(inheriting outer: CompileOptions) -> CompileOptions {
        var options = CompileOptions(fastmath: outer.fastmath, boundscheck: outer.boundscheck, nogil: outer.nogil,
                                     optLevel: outer.optLevel)
        options.withWrapper = false
        options.tracebacks = outer.tracebacks
        return options
    }

    /// The callee standing for `code` inside a function compiled with `options` whose globals
    /// `resolveGlobal` answers.
    static func callee(_ code: CodeObject, options outer: CompileOptions,
                       resolveGlobal: @escaping (String) -> GlobalValue) -> JITCallee {
        let captured = code.closureConstants
        let resolver = Resolver(resolve: { name in
            if let c = captured[name], let g = globalValue(of: c) { return g }
            return resolveGlobal(name)
        })
        let key = Compiler.canonical(code)
        var h = Hasher()
        h.combine(key)
        let id = UInt(bitPattern: h.finalize()) | 1  // odd: never a dispatcher's (aligned) address
        let parameters = Array(code.varnames.prefix(code.totalArgCount))
        return JITCallee(id: id, name: code.qualname, parameters: parameters,
                         defaults: Array(repeating: nil, count: parameters.count)) { types in
            let options = InnerFunctions.options(inheriting: outer)
            do {
                let c = try Compiler.compile(code, argTypes: types, options: options, resolveGlobal: resolver.resolve)
                return .compiled(symbol: c.nativeName, returnType: c.returnType, direct: c.direct)
            } catch var e as CompileError {
                let sig = types.map { $0.description }.joined(separator: ", ")
                e.message = "cannot compile the inner function \(code.qualname)(\(sig)): \(e.message)"
                    + (e.position.line > 0 ? " (line \(e.position.line))" : "")
                e.position = .unknown
                throw e
            }
        }
    }
}
