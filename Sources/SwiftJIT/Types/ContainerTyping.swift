/// Typing of str, list, dict and set operations (issue 11). `TypeInference.typeExpr`
/// asks `typeContainer` first; statements that change a container (`l.append(x)`,
/// `d[k] = v`, comprehension appends) refine the element types of the variable
/// that holds it, so that an empty `[]` or `{}` takes its types from later uses.

/// How a container operation that is a call is lowered (inside `CallImpl.container`).
public enum ContainerCall: Hashable, Sendable {
    /// `len(x)`
    case len
    /// `list.append(x)`
    case listAppend
    /// A method called through `PyObject_VectorcallMethod`; `toList` converts the
    /// result (a dict view) to a list.
    case method(String, toList: Bool)
    /// A builtin called through its Python object (`str`, `sorted`, `list`, ...);
    /// `toList` converts the result to a list (`reversed`).
    case builtin(String, toList: Bool)
    /// `int(s)` and `float(s)` of a str.
    case strToInt, strToFloat
    /// `bool(x)` of a container.
    case truth
    /// `sort`/`sorted`/`min`/`max` with `key=` (ListExtrasTypes.swift).
    case keyed(KeyedCall)
}

enum ContainerTyping {
    /// Builtins that exist only for containers and strings.
    static let builtins: Set<String> = ["str", "list", "dict", "set", "sorted", "repr", "ord", "chr", "frozenset"]

    static func fail(_ message: String) -> CompileError { CompileError(.typing, message, stage: "typing") }

    /// The type of the values a for loop over a container takes.
    static func yieldType(_ t: JITType) -> JITType? {
        switch t {
        case .string: return .string
        case .literalString: return .string
        case .list(let e), .set(let e): return e
        case .dict(let k, _): return k
        case .dictView: return t.dictViewYield
        default: return nil
        }
    }

    /// Whether values of `t` can be stored in a container (boxed and unboxed).
    static func storable(_ t: JITType) -> Bool {
        switch t {
        case .boolean, .int64, .float64, .complex128, .none, .string, .literalString, .undetermined: return true
        case .array: return true  // an ndarray object (ListExtrasLowering.swift)
        case .list(let e), .set(let e): return storable(e)
        case .dict(let k, let v): return storable(k) && storable(v)
        case .tuple(let items): return items.allSatisfy(storable)
        case .optional(let t): return storable(t)
        default: return false
        }
    }

    static func hashable(_ t: JITType) -> Bool {
        switch t {
        case .boolean, .int64, .float64, .complex128, .none, .string, .literalString, .undetermined: return true
        case .tuple(let items): return items.allSatisfy(hashable)
        case .optional(let t): return hashable(t)
        default: return false
        }
    }

    static func checkElement(_ t: JITType, in what: String) throws {
        guard storable(t) else {
            throw fail("\(what) cannot hold \(t) in nopython mode (supported: numbers, str, tuples and other containers)")
        }
    }

    static func checkKey(_ t: JITType, in what: String) throws {
        guard hashable(t) else { throw fail("\(t) cannot be a \(what) (unhashable type)") }
    }

    /// The element type of a list/set built from items of these types.
    static func unifyItems(_ items: [JITType], _ what: String) throws -> JITType {
        var u: JITType = .undetermined
        for t in items {
            guard let next = JITType.unifyElement(u, t) else {
                throw fail("the items of this \(what) have different types (\(u) and \(t.asValue)); a \(what) holds "
                           + "one type in nopython mode: use a tuple for values of mixed types")
            }
            u = next
        }
        return u
    }

    /// Result types of the methods of str.
    static func stringMethod(_ m: String, _ args: [JITType], keywords: [String]) throws -> JITType {
        let strs = args.allSatisfy { $0.asValue == .string }
        func need(_ counts: ClosedRange<Int>, _ ok: Bool = true) throws {
            guard counts.contains(args.count), ok else {
                throw fail("str.\(m)(" + args.map { $0.description }.joined(separator: ", ") + ") is not supported in nopython mode")
            }
        }
        let ints = args.dropFirst().allSatisfy { $0 == .int64 || $0 == .boolean }
        switch m {
        case "upper", "lower", "capitalize", "title", "swapcase", "casefold":
            try need(0...0); return .string
        case "strip", "lstrip", "rstrip":
            try need(0...1, args.allSatisfy { $0.asValue == .string || $0 == .none }); return .string
        case "replace":
            try need(2...3, args.prefix(2).allSatisfy { $0.asValue == .string }
                     && args.dropFirst(2).allSatisfy { $0 == .int64 || $0 == .boolean }); return .string
        case "center", "ljust", "rjust":
            try need(1...2, args[0] == .int64 && args.dropFirst().allSatisfy { $0.asValue == .string }); return .string
        case "zfill":
            try need(1...1, args[0] == .int64); return .string
        case "startswith", "endswith":
            let prefixOK = args.first.map { $0.asValue == .string || $0.asValue == .tuple([]) ||
                ($0.asValue.isHomogeneousTuple && $0.asValue != .tuple([]) && { if case .tuple(let xs) = $0.asValue { return xs[0] == .string } else { return false } }($0)) } ?? false
            try need(1...3, prefixOK && ints); return .boolean
        case "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal",
             "isidentifier", "istitle", "isascii", "isprintable":
            try need(0...0); return .boolean
        case "find", "rfind", "index", "rindex", "count":
            try need(1...3, args[0].asValue == .string && ints); return .int64
        case "split", "rsplit":
            try need(0...2, (args.first.map { $0.asValue == .string || $0 == .none } ?? true)
                     && args.dropFirst().allSatisfy { $0 == .int64 })
            return .list(.string)
        case "splitlines":
            try need(0...1, args.allSatisfy { $0 == .boolean }); return .list(.string)
        case "partition", "rpartition":
            try need(1...1, strs); return .tuple([.string, .string, .string])
        case "join":
            guard args.count == 1, let y = yieldType(args[0]) ?? LanguageTyping.yieldType(args[0]), y.asValue == .string else {
                throw fail("str.join() takes one iterable of str in nopython mode")
            }
            return .string
        case "format":
            for a in args where !storable(a) { throw fail("str.format() cannot format \(a)") }
            return .string
        default:
            throw fail("str has no method '\(m)' in nopython mode")
        }
    }
}

extension TypeInference {
    /// The variable a value comes from, following the translator's copies.
    func containerRoot(_ v: Var) -> Var {
        var v = v
        var seen = 0
        // Temporaries are copies of a local: the local is what gets refined.
        while seen < 64, ir.name(of: v).hasPrefix("$"), let e = copySource[v] { v = e; seen += 1 }
        return v
    }

    /// Widens the type of the variable holding a container (`root` of `v`) to `t`.
    mutating func refine(_ v: Var, to t: JITType, _ what: String, _ pos: SourcePosition) throws {
        let root = containerRoot(v)
        // A temporary computed once takes its expression's type: nothing to refine there.
        if singleAssignment.contains(root.id), ir.name(of: root).hasPrefix("$") { return }
        guard let old = varTypes[root.id] else { return }
        guard let u = JITType.unify(old, t) else {
            throw err("\(what): \(name(root)) is \(old), which cannot hold it (a container holds one type "
                      + "in nopython mode; use a tuple for values of mixed types)", pos)
        }
        if u != old {
            varTypes[root.id] = u
            containerRefined = true
        }
    }

    /// Refines container element types from statements that change containers.
    mutating func refineContainerStatement(_ s: Stmt, _ pos: SourcePosition) throws {
        switch s {
        case .listAppend(let l, let v):
            guard let tv = varTypes[v.id] else { return }
            try ContainerTyping.checkElement(tv, in: "a list")
            try refine(l, to: .list(tv.asValue), "cannot append \(tv.asValue)", pos)
        case .setAdd(let s, let v):
            guard let tv = varTypes[v.id] else { return }
            try ContainerTyping.checkKey(tv, in: "set element")
            try refine(s, to: .set(tv.asValue), "cannot add \(tv.asValue)", pos)
        case .mapAdd(let d, let k, let v):
            guard let tk = varTypes[k.id], let tv = varTypes[v.id] else { return }
            try ContainerTyping.checkKey(tk, in: "dict key")
            try ContainerTyping.checkElement(tv, in: "a dict")
            try refine(d, to: .dict(tk.asValue, tv.asValue), "cannot store \(tk.asValue): \(tv.asValue)", pos)
        case .setitem(let target, let index, let value):
            guard let tt = varTypes[target.id], let ti = varTypes[index.id], let tv = varTypes[value.id] else { return }
            switch tt {
            case .dict:
                try ContainerTyping.checkKey(ti, in: "dict key")
                try ContainerTyping.checkElement(tv, in: "a dict")
                try refine(target, to: .dict(ti.asValue, tv.asValue), "cannot store \(ti.asValue): \(tv.asValue)", pos)
            case .list:
                if ti.isSlice {
                    guard let y = ContainerTyping.yieldType(tv) ?? LanguageTyping.yieldType(tv) else { return }
                    try refine(target, to: .list(y.asValue), "cannot assign \(tv)", pos)
                } else {
                    try refine(target, to: .list(tv.asValue), "cannot store \(tv.asValue)", pos)
                }
            default: return
            }
        default:
            return
        }
    }

    /// Final checks of the statements that change containers.
    func checkContainerStatement(_ s: Stmt, _ pos: SourcePosition) throws -> Bool {
        func known(_ v: Var) throws -> JITType {
            guard let t = varTypes[v.id] else { throw err("\(name(v)) has no type here: it may be used before it is assigned", pos) }
            return t
        }
        switch s {
        case .listAppend(let l, _):
            guard case .list = try known(l) else { throw err("list_append to \(try known(l))", pos) }
        case .setAdd(let s, _):
            guard case .set = try known(s) else { throw err("set_add to \(try known(s))", pos) }
        case .mapAdd(let d, _, _):
            guard case .dict = try known(d) else { throw err("map_add to \(try known(d))", pos) }
        case .delitem(let target, let index):
            let tt = try known(target), ti = try known(index)
            switch tt {
            case .list: guard ti == .int64 || ti == .boolean || ti.isSlice else { throw err("list indices must be integers or slices, not \(ti)", pos) }
            case .dict: break
            default: throw err("'del x[i]' is not supported for \(tt) in nopython mode", pos)
            }
        case .setitem(let target, let index, let value):
            let tt = try known(target), ti = try known(index), tv = try known(value)
            switch tt {
            case .list(let e):
                if ti.isSlice {
                    guard ContainerTyping.yieldType(tv) != nil || LanguageTyping.yieldType(tv) != nil else {
                        throw err("can only assign an iterable to a list slice, not \(tv)", pos)
                    }
                } else {
                    guard ti == .int64 || ti == .boolean else { throw err("list indices must be integers or slices, not \(ti)", pos) }
                    guard JITType.unifyElement(e, tv) == e else { throw err("cannot store \(tv) in \(tt)", pos) }
                }
            case .dict(let k, let v):
                guard JITType.unifyElement(k, ti) == k, JITType.unifyElement(v, tv) == v else {
                    throw err("cannot store \(ti.asValue): \(tv.asValue) in \(tt)", pos)
                }
            case .string:
                throw err("'str' object does not support item assignment", pos)
            default:
                return false
            }
        default:
            return false
        }
        return true
    }

    /// Types `e` when it involves str, list, dict or set values. Returns nil when
    /// the expression is not one of these, `.some(nil)` while an operand has no type.
    mutating func typeContainer(_ e: Expr, _ pos: SourcePosition, call: inout CallResolution?) throws -> JITType?? {
        func t(_ v: Var) -> JITType? { varTypes[v.id] }
        if let typedContainer = try typeTypedContainer(e, pos, call: &call) { return .some(typedContainer) }
        let pending: JITType?? = .some(nil)
        func wrap<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch var e as CompileError {
                if e.position == .unknown { e.position = pos }
                throw e
            }
        }
        switch e {
        case .buildList(let items), .buildSet(let items):
            var ts: [JITType] = []
            for i in items {
                guard let ti = t(i) else { return pending }
                ts.append(ti)
            }
            let isList: Bool
            if case .buildList = e { isList = true } else { isList = false }
            let elem = try wrap { try ContainerTyping.unifyItems(ts, isList ? "list" : "set") }
            for x in ts {
                if isList { try wrap { try ContainerTyping.checkElement(x, in: "a list") } }
                else { try wrap { try ContainerTyping.checkKey(x, in: "set element") } }
            }
            return isList ? .list(elem) : .set(elem)
        case .buildMap(let keys, let values):
            var ks: [JITType] = [], vs: [JITType] = []
            for k in keys { guard let tk = t(k) else { return pending }; ks.append(tk) }
            for v in values { guard let tv = t(v) else { return pending }; vs.append(tv) }
            let k = try wrap { try ContainerTyping.unifyItems(ks, "dict's keys") }
            let v = try wrap { try ContainerTyping.unifyItems(vs, "dict's values") }
            for x in ks { try wrap { try ContainerTyping.checkKey(x, in: "dict key") } }
            for x in vs { try wrap { try ContainerTyping.checkElement(x, in: "a dict") } }
            return .dict(k, v)
        case .buildString(let parts):
            for p in parts { guard t(p) != nil else { return pending } }
            return .string
        case .formatValue(let v, _, let spec):
            guard let tv = t(v) else { return pending }
            if let s = spec { guard t(s) != nil else { return pending } }
            guard ContainerTyping.storable(tv) else { throw err("cannot format \(tv) in an f-string in nopython mode", pos) }
            return .string
        case .getattr(let v, let attr):
            guard let tv = t(v) else { return nil }
            switch tv.asValue {
            case .string, .list, .dict, .set, .dictView:
                return .boundMethod(tv.asValue, attr)
            default: return nil
            }
        case .truth(let v), .unary(.not, let v):
            guard let tv = t(v), tv.asValue.isObject else { return nil }
            return .boolean
        case .getiter(let v):
            guard let tv = t(v), ContainerTyping.yieldType(tv) != nil else { return nil }
            return .iterator(tv.asValue)
        case .getitem(let v, let i):
            guard let tv = t(v), let ti = t(i) else { return nil }
            switch tv.asValue {
            case .string:
                if ti.isSlice { return .string }
                guard ti == .int64 || ti == .boolean else { throw err("string indices must be integers, not \(ti)", pos) }
                return .string
            case .list(let el):
                if ti.isSlice { return tv.asValue }
                guard ti == .int64 || ti == .boolean else { throw err("list indices must be integers or slices, not \(ti)", pos) }
                if el == .undetermined { return pending }
                return el
            case .dict(let k, let val):
                guard JITType.unifyElement(k, ti) != nil else { throw err("a key of \(tv) cannot be \(ti)", pos) }
                if val == .undetermined { return pending }
                return val
            case .set:
                throw err("'set' object is not subscriptable", pos)
            default: return nil
            }
        case .binary(let op, let a, let b, _):
            guard let ta = t(a)?.asValue, let tb = t(b)?.asValue else { return nil }
            guard ta.isObject || tb.isObject else { return nil }
            switch (op, ta, tb) {
            case (.add, .string, .string): return .string
            case (.mul, .string, .int64), (.mul, .int64, .string), (.mul, .string, .boolean), (.mul, .boolean, .string):
                return .string
            case (.mod, .string, _): return .string
            case (.add, .list(let x), .list(let y)):
                guard let u = JITType.unifyElement(x, y) else { throw err("cannot add \(ta) and \(tb)", pos) }
                return .list(u)
            case (.mul, .list, .int64), (.mul, .list, .boolean): return ta
            case (.mul, .int64, .list), (.mul, .boolean, .list): return tb
            case (.or, .set(let x), .set(let y)), (.and, .set(let x), .set(let y)), (.sub, .set(let x), .set(let y)),
                 (.xor, .set(let x), .set(let y)):
                guard let u = JITType.unifyElement(x, y) else { throw err("cannot combine \(ta) and \(tb)", pos) }
                return .set(u)
            case (.or, .dictView, _), (.and, .dictView, _), (.sub, .dictView, _), (.xor, .dictView, _),
                 (.or, _, .dictView), (.and, _, .dictView), (.sub, _, .dictView), (.xor, _, .dictView):
                return try viewSetOperation(op, ta, tb, pos)
            case (.or, .dict(let k1, let v1), .dict(let k2, let v2)):
                guard let k = JITType.unifyElement(k1, k2), let v = JITType.unifyElement(v1, v2) else {
                    throw err("cannot merge \(ta) and \(tb)", pos)
                }
                return .dict(k, v)
            default:
                throw err("cannot \(Registry.verb(op)) \(ta) and \(tb)", pos)
            }
        case .compare(let op, let a, let b):
            guard let ta = t(a)?.asValue, let tb = t(b)?.asValue else { return nil }
            switch op {
            case .in, .notIn:
                if tb.isObject { return .boolean }
                if case .tuple(let items) = tb, ta == .string || items.contains(where: { $0.asValue.isObject }) {
                    return .boolean
                }
                return nil
            case .is, .isNot:
                return nil
            default:
                guard ta.isObject || tb.isObject else { return nil }
                return .boolean
            }
        case .call(let f, let args, let keywords):
            guard let tf = t(f) else { return nil }
            var argTypes: [JITType] = []
            for a in args {
                guard let ta = t(a) else { return pending }
                argTypes.append(ta)
            }
            switch tf {
            case .boundMethod(let recv, let m) where recv.isObject:
                let r = try wrap { try typeMethod(recv, m, argTypes, keywords: keywords, receiverVar: f, pos) }
                guard let r = r else { return pending }
                call = r
                return r.result
            case .function(let name) where ["sorted", "min", "max"].contains(name) && keywords.contains("key"):
                let r = try wrap { try typeKeyedBuiltin(name, argTypes, keywords: keywords, pos) }
                guard let r = r else { return pending }
                call = r
                return r.result
            case .function(let name):
                let r = try wrap { try typeContainerBuiltin(name, argTypes, keywords: keywords) }
                guard let r = r else { return nil }
                call = r
                return r.result
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// The receiver variable of a bound method value (`$m = getattr(l, append)`), also through
    /// the copies the translator makes of stack values (a 3.12+ inline comprehension in the arguments).
    func methodReceiver(_ f: Var) -> Var? {
        var v = f
        for _ in 0..<64 {
            switch definitions[v] {
            case .getattr(let r, _)?: return r
            case .copy(let w)?: v = w
            default: return nil
            }
        }
        return nil
    }

    func ok(_ t: JITType, _ c: ContainerCall) -> CallResolution { CallResolution(result: t, impl: .container(c)) }

    mutating func typeMethod(_ recv: JITType, _ m: String, _ args: [JITType], keywords: [String],
                             receiverVar f: Var, _ pos: SourcePosition) throws -> CallResolution? {
        let sig = "\(recv).\(m)(" + args.map { $0.description }.joined(separator: ", ") + ")"
        func bad() -> CompileError { ContainerTyping.fail("\(sig) is not supported in nopython mode") }
        let receiver = methodReceiver(f)
        func refineReceiver(_ t: JITType, _ what: String) throws {
            guard let r = receiver else { return }
            try refine(r, to: t, what, pos)
        }
        let isInt: (JITType) -> Bool = { $0 == .int64 || $0 == .boolean }
        if recv.isList, m == "sort", keywords.contains("key") {
            return try typeKeyedSort(recv, args, keywords: keywords, pos)
        }
        if !keywords.isEmpty, !(recv.isList && m == "sort" && keywords == ["reverse"]) {
            throw ContainerTyping.fail("keyword arguments are not supported for \(recv).\(m)() in nopython mode")
        }
        switch recv {
        case .string:
            return ok(try ContainerTyping.stringMethod(m, args, keywords: keywords), .method(m, toList: false))
        case .list(let e):
            switch m {
            case "append":
                guard args.count == 1 else { throw bad() }
                try ContainerTyping.checkElement(args[0], in: "a list")
                try refineReceiver(.list(args[0].asValue), "cannot append \(args[0].asValue)")
                return ok(.none, .listAppend)
            case "extend":
                guard args.count == 1, let y = ContainerTyping.yieldType(args[0]) ?? LanguageTyping.yieldType(args[0]) else { throw bad() }
                if y != .undetermined { try refineReceiver(.list(y.asValue), "cannot extend it with \(args[0])") }
                return ok(.none, .method(m, toList: false))
            case "insert":
                guard args.count == 2, isInt(args[0]) else { throw bad() }
                try refineReceiver(.list(args[1].asValue), "cannot insert \(args[1].asValue)")
                return ok(.none, .method(m, toList: false))
            case "pop":
                guard args.count <= 1, args.allSatisfy(isInt) else { throw bad() }
                return e == .undetermined ? nil : ok(e, .method(m, toList: false))
            case "remove":
                guard args.count == 1 else { throw bad() }
                return ok(.none, .method(m, toList: false))
            case "index", "count":
                guard (1...3).contains(args.count), args.dropFirst().allSatisfy(isInt) else { throw bad() }
                return ok(.int64, .method(m, toList: false))
            case "reverse", "clear":
                guard args.isEmpty else { throw bad() }
                return ok(.none, .method(m, toList: false))
            case "sort":
                guard args.count == keywords.count, keywords.allSatisfy({ $0 == "reverse" }) else {
                    throw ContainerTyping.fail("\(sig): only the reverse= keyword is supported by list.sort() in nopython mode")
                }
                return ok(.none, .method(m, toList: false))
            case "copy":
                guard args.isEmpty else { throw bad() }
                return ok(recv, .method(m, toList: false))
            default:
                throw ContainerTyping.fail("list has no method '\(m)' in nopython mode")
            }
        case .dict(let k, let v):
            switch m {
            case "get":
                guard (1...2).contains(args.count) else { throw bad() }
                // `d.get(k, 0) + 1` on an empty dict: the default tells the value type.
                if v == .undetermined, args.count == 2 { return ok(args[1].asValue, .method(m, toList: false)) }
                if v == .undetermined { return nil }
                if args.count == 1 { return ok(v == .none ? .none : .optional(v), .method(m, toList: false)) }
                guard let u = JITType.unifyElement(v, args[1]) else { throw bad() }
                return ok(u, .method(m, toList: false))
            case "setdefault":
                guard args.count == 2 else { throw bad() }
                try refineReceiver(.dict(args[0].asValue, args[1].asValue), "cannot store \(args[1].asValue)")
                return ok(v == .undetermined ? args[1].asValue : v, .method(m, toList: false))
            case "pop":
                guard (1...2).contains(args.count) else { throw bad() }
                if v == .undetermined { return nil }
                if args.count == 1 { return ok(v, .method(m, toList: false)) }
                guard let u = JITType.unifyElement(v, args[1]) else { throw bad() }
                return ok(u, .method(m, toList: false))
            case "keys", "values", "items":
                guard args.isEmpty else { throw bad() }
                _ = (k, v)
                let kind: DictViewKind = m == "keys" ? .keys : m == "values" ? .values : .items
                return ok(.dictView(kind, recv), .method(m, toList: false))
            case "popitem": guard args.isEmpty else { throw bad() }; return ok(.tuple([k, v]), .method(m, toList: false))
            case "copy": guard args.isEmpty else { throw bad() }; return ok(recv, .method(m, toList: false))
            case "clear": guard args.isEmpty else { throw bad() }; return ok(.none, .method(m, toList: false))
            case "update":
                guard args.count == 1, case .dict(let k2, let v2) = args[0] else { throw bad() }
                try refineReceiver(.dict(k2, v2), "cannot update it with \(args[0])")
                return ok(.none, .method(m, toList: false))
            default:
                throw ContainerTyping.fail("dict has no method '\(m)' in nopython mode")
            }
        case .dictView(let kind, _):
            guard m == "isdisjoint", kind != .values, args.count == 1,
                  ContainerTyping.yieldType(args[0]) ?? LanguageTyping.yieldType(args[0]) != nil else {
                throw ContainerTyping.fail("\(recv) has no method '\(m)' in nopython mode (views support iteration, len, in, "
                                           + "comparisons, set operators and isdisjoint)")
            }
            return ok(.boolean, .method(m, toList: false))
        case .set(let e):
            switch m {
            case "add":
                guard args.count == 1 else { throw bad() }
                try ContainerTyping.checkKey(args[0], in: "set element")
                try refineReceiver(.set(args[0].asValue), "cannot add \(args[0].asValue)")
                return ok(.none, .method(m, toList: false))
            case "discard", "remove":
                guard args.count == 1 else { throw bad() }
                return ok(.none, .method(m, toList: false))
            case "pop":
                guard args.isEmpty else { throw bad() }
                return e == .undetermined ? nil : ok(e, .method(m, toList: false))
            case "clear": guard args.isEmpty else { throw bad() }; return ok(.none, .method(m, toList: false))
            case "copy": guard args.isEmpty else { throw bad() }; return ok(recv, .method(m, toList: false))
            case "union", "intersection", "difference", "symmetric_difference":
                var u = e
                for a in args {
                    guard let y = ContainerTyping.yieldType(a) ?? LanguageTyping.yieldType(a),
                          let w = JITType.unifyElement(u, y) else { throw bad() }
                    u = w
                }
                return ok(.set(u), .method(m, toList: false))
            case "update", "intersection_update", "difference_update", "symmetric_difference_update":
                for a in args {
                    guard let y = ContainerTyping.yieldType(a) ?? LanguageTyping.yieldType(a) else { throw bad() }
                    if m == "update" { try refineReceiver(.set(y.asValue), "cannot update it with \(a)") }
                }
                return ok(.none, .method(m, toList: false))
            case "issubset", "issuperset", "isdisjoint":
                guard args.count == 1, ContainerTyping.yieldType(args[0]) ?? LanguageTyping.yieldType(args[0]) != nil else { throw bad() }
                return ok(.boolean, .method(m, toList: false))
            default:
                throw ContainerTyping.fail("set has no method '\(m)' in nopython mode")
            }
        default:
            return nil
        }
    }

    /// Builtins over containers and strings; nil when the call is not one of them.
    func typeContainerBuiltin(_ name: String, _ args: [JITType], keywords: [String]) throws -> CallResolution? {
        let sig = "\(name)(" + args.map { $0.description }.joined(separator: ", ") + ")"
        func bad(_ why: String = "") -> CompileError { ContainerTyping.fail("\(sig) is not supported in nopython mode" + why) }
        let anyObject = args.contains { $0.asValue.isObject || $0.asValue.hasUndetermined }
        func elements(_ t: JITType) -> JITType? { ContainerTyping.yieldType(t) ?? LanguageTyping.yieldType(t) }
        let ours: Set<String> = ["len", "bool", "int", "float", "reversed", "sum", "min", "max"]
        guard ContainerTyping.builtins.contains(name) || (ours.contains(name) && anyObject) else { return nil }
        if !keywords.isEmpty, !(name == "sorted" && keywords == ["reverse"]) {
            throw ContainerTyping.fail("keyword arguments are not supported for \(name)() in nopython mode")
        }
        switch name {
        case "len":
            guard anyObject else { return nil }
            guard args.count == 1, args[0].asValue.isObject else { throw bad() }
            return ok(.int64, .len)
        case "bool":
            guard anyObject, args.count == 1 else { return nil }
            return ok(.boolean, .truth)
        case "str", "repr":
            if args.isEmpty, name == "str" { return ok(.string, .builtin(name, toList: false)) }
            guard args.count == 1, ContainerTyping.storable(args[0]) else { throw bad() }
            return ok(.string, .builtin(name, toList: false))
        case "int":
            guard args.count == 1, args[0].asValue == .string else {
                if anyObject { throw bad() }
                return nil
            }
            return ok(.int64, .strToInt)
        case "float":
            guard args.count == 1, args[0].asValue == .string else {
                if anyObject { throw bad() }
                return nil
            }
            return ok(.float64, .strToFloat)
        case "ord":
            guard args.count == 1, args[0].asValue == .string else { throw bad() }
            return ok(.int64, .builtin(name, toList: false))
        case "chr":
            guard args.count == 1, args[0] == .int64 || args[0] == .boolean else { throw bad() }
            return ok(.string, .builtin(name, toList: false))
        case "list", "set", "frozenset":
            if args.isEmpty { return ok(name == "list" ? .list(.undetermined) : .set(.undetermined), .builtin(name == "frozenset" ? "set" : name, toList: false)) }
            guard args.count == 1, let y = elements(args[0]) else { throw bad(": the argument must be iterable") }
            return ok(name == "list" ? .list(y.asValue) : .set(y.asValue), .builtin(name == "frozenset" ? "set" : name, toList: false))
        case "dict":
            if args.count == 1, let y = elements(args[0]), case .tuple(let kv) = y.asValue, kv.count == 2 {
                // dict(pairs): a list of (key, value) tuples, a generator expression of pairs, d.items().
                try ContainerTyping.checkKey(kv[0], in: "dict key")
                try ContainerTyping.checkElement(kv[1], in: "a dict")
                return ok(.dict(kv[0], kv[1]), .builtin(name, toList: false))
            }
            guard args.isEmpty else { throw bad(": dict() takes no arguments or one iterable of (key, value) pairs here") }
            return ok(.dict(.undetermined, .undetermined), .builtin(name, toList: false))
        case "sorted":
            guard args.count == 1 + keywords.count, let y = elements(args[0]) else { throw bad(": the argument must be iterable") }
            return ok(.list(y.asValue), .builtin(name, toList: false))
        case "reversed":
            guard anyObject else { return nil }
            guard args.count == 1, case .list(let e) = args[0].asValue else { throw bad() }
            return ok(.list(e), .builtin(name, toList: true))
        case "sum":
            guard anyObject else { return nil }
            guard (1...2).contains(args.count), let y = elements(args[0]), y.isNumber else { throw bad() }
            var r: JITType = y == .boolean ? .int64 : y
            if args.count == 2 { guard let u = JITType.unify(r, args[1]), u.isNumber else { throw bad() }; r = u == .boolean ? .int64 : u }
            return ok(r, .builtin(name, toList: false))
        case "min", "max":
            guard anyObject else { return nil }
            guard args.count == 1, let y = elements(args[0]) else { throw bad() }
            return ok(y.asValue, .builtin(name, toList: false))
        default:
            return nil
        }
    }
}

extension TypeInference {
    /// An empty container whose element types no use determines gets the readable error with the fix.
    func checkDetermined(_ v: Var, _ e: Expr, _ pos: SourcePosition) throws {
        // Temporaries keep the literal's own type; the locals they are stored in are refined.
        guard let t = varTypes[v.id], t.hasUndetermined, !ir.name(of: v).hasPrefix("$") else { return }
        let what: String
        let fix: String
        switch t {
        case .dict:
            what = "this empty dict"
            fix = "store a key and value in it in this function, or create it with "
                + "swiftjit.typed.Dict.empty(key_type=..., value_type=...) and pass it in"
        case .set:
            what = "this empty set"
            fix = "add an element to it in this function"
        default:
            what = "this empty list"
            fix = "append to it in this function, or create it with swiftjit.typed.List.empty_list(item_type) and pass it in"
        }
        switch e {
        case .buildList, .buildSet, .buildMap, .call, .copy:
            throw err("cannot infer the element type of \(what) (\(t)): \(fix)", pos)
        default:
            return
        }
    }
}

extension JITType {
    var isList: Bool { if case .list = self { return true } else { return false } }
}

extension ContainerTyping {
    /// str/list/dict/set values are Python objects: they need the GIL, so functions
    /// compiled with nogil=True, and parallel functions with prange loops, cannot use them.
    static func checkGIL(_ typed: TypedFunction, options: CompileOptions, hasPrange: Bool) throws {
        guard options.nogil || (options.parallel && hasPrange) else { return }
        for (i, t) in typed.varTypes.enumerated() {
            guard let t = t, t.isManaged else { continue }
            let name = typed.ir.varNames[i]
            let what = name.hasPrefix("$") ? "a \(t) value" : "variable '\(name)' (\(t))"
            var position = SourcePosition(line: typed.ir.firstLine)
            search: for block in typed.ir.blocks {
                for s in block.statements {
                    if case .assign(let v, _) = s.node, v.id == i { position = s.position; break search }
                }
            }
            let fix = options.nogil ? "remove nogil=True" : "keep them out of functions with prange loops, or use parallel=False"
            throw CompileError(.typing, "\(what): str/list/dict/set values need the GIL; \(fix)", at: position, stage: "typing")
        }
    }
}
