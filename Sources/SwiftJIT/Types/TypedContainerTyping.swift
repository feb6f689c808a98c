/// `swiftjit.typed.List.empty_list(T)` and `swiftjit.typed.Dict.empty(K, V)` inside compiled
/// code (issue 11 points 1-2): they make a typed container (a `typed.List`/`typed.Dict`
/// object: the native storage of lists of numbers and int-keyed dicts of numbers, or for
/// str items, keys or values and float keys the list/dict subclass typed.py makes per
/// declared type), which goes back to Python as that typed object, as Numba's do.
///
/// Values: the module `swiftjit.typed` is `.module("swiftjit.typed")`; its classes (also
/// imported by name, `from swiftjit.typed import List`) are `.function("typed.List")` and
/// `.function("typed.Dict")`; their constructors `.function("typed.List.empty_list")` and
/// `.function("typed.Dict.empty")`. Item types are the number casts the type names resolve
/// to (`types.int64`, `swiftjit.float64`, `int`, `float`, `bool`, `complex`) and
/// `types.unicode_type` (`unicodeType`). The call is a
/// `ContainerCall.builtin("swiftjit.typed.*")`, lowered by `FunctionLowering.typedContainerNew`.
enum TypedContainerTyping {
    /// Global names of the classes (`GlobalValue.builtin`).
    static let classes: Set<String> = ["typed.List", "typed.Dict"]

    /// `swiftjit.types.unicode_type` as a value in compiled code (a global imported by name,
    /// whose `__swiftjit_builtin__` is this, or `types.unicode_type`): only a type argument.
    static let unicodeType = "typed.type.str"

    /// The element type a type argument stands for.
    static func elementType(_ t: JITType) -> JITType? {
        switch t {
        case .function("int"): return .int64
        case .function("float"): return .float64
        case .function("bool"): return .boolean
        case .function("complex"): return .complex128
        case .function(unicodeType), .function("str"): return .string
        default: return nil
        }
    }

    static func fail(_ message: String) -> CompileError { CompileError(.typing, message, stage: "typing") }
}

extension TypeInference {
    /// Attribute lookups and calls of `swiftjit.typed`; nil when `e` is none of them.
    func typeTypedContainer(_ e: Expr, _ pos: SourcePosition, call: inout CallResolution?) throws -> JITType? {
        func t(_ v: Var) -> JITType? { varTypes[v.id] }
        switch e {
        case .getattr(let v, let attr):
            switch t(v) {
            case .module("swiftjit.typed")?:
                guard attr == "List" || attr == "Dict" else {
                    throw err("swiftjit.typed.\(attr) is not supported in nopython mode (List and Dict are)", pos)
                }
                return .function("typed.\(attr)")
            case .function("typed.List")?:
                guard attr == "empty_list" else {
                    throw err("typed.List.\(attr) is not supported in nopython mode (use List.empty_list(item_type))", pos)
                }
                return .function("typed.List.empty_list")
            case .function("typed.Dict")?:
                guard attr == "empty" else {
                    throw err("typed.Dict.\(attr) is not supported in nopython mode (use Dict.empty(key_type, value_type))", pos)
                }
                return .function("typed.Dict.empty")
            default:
                return nil
            }
        case .call(let f, let args, let keywords):
            guard case .function(let name)? = t(f), name.hasPrefix("typed.") else { return nil }
            var types: [JITType] = []
            for a in args {
                guard let ta = t(a) else { return nil }
                types.append(ta)
            }
            let result = try typedContainerCall(name, types, keywords: keywords, pos)
            call = CallResolution(result: result, impl: .container(.builtin("swiftjit.\(name)", toList: false)))
            return result
        default:
            return nil
        }
    }

    private func typedContainerCall(_ name: String, _ args: [JITType], keywords: [String],
                                    _ pos: SourcePosition) throws -> JITType {
        func element(_ t: JITType, _ role: String) throws -> JITType {
            guard let e = TypedContainerTyping.elementType(t) else {
                throw err("\(name)(): the \(role) \(t) is not one compiled code can make a typed container of "
                          + "(int64, float64, bool, complex128 and unicode_type items, keys and values); make it "
                          + "in Python and pass it in", pos)
            }
            return e
        }
        switch name {
        case "typed.List.empty_list":
            let given = Array(args.prefix(args.count - keywords.count))
            var item = given.first
            for (k, t) in zip(keywords, args.suffix(keywords.count)) {
                if k == "item_type" { item = t } else if k != "allocated" {
                    throw err("List.empty_list() got an unexpected keyword argument '\(k)'", pos)
                }
            }
            guard let it = item else { throw err("List.empty_list() needs the item type", pos) }
            let e = try element(it, "item type")
            return .list(e)
        case "typed.Dict.empty":
            let given = Array(args.prefix(args.count - keywords.count))
            var key = given.count > 0 ? given[0] : nil, value = given.count > 1 ? given[1] : nil
            for (k, t) in zip(keywords, args.suffix(keywords.count)) {
                switch k {
                case "key_type": key = t
                case "value_type": value = t
                case "n_keys": break
                default: throw err("Dict.empty() got an unexpected keyword argument '\(k)'", pos)
                }
            }
            guard let kt = key, let vt = value else { throw err("Dict.empty() needs key_type and value_type", pos) }
            let k = try element(kt, "key type"), v = try element(vt, "value type")
            return .dict(k, v)
        case "typed.List", "typed.Dict":
            let short = name.dropFirst("typed.".count)
            throw err("\(short)() without types cannot be made in compiled code: use "
                      + (short == "List" ? "List.empty_list(item_type)" : "Dict.empty(key_type, value_type)"), pos)
        default:
            throw err("\(name) is not supported in nopython mode", pos)
        }
    }
}
