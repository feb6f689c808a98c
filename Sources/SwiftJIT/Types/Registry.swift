/// The typing registry: result types of operators and calls, and which
/// lowering implements each. Later issues add numpy, strings and containers here.

/// How a call is lowered, chosen by type inference.
public enum CallImpl: Hashable, Sendable {
    case range
    case abs
    case minMax(isMax: Bool)
    case toInt, toFloat, toBool
    /// A `math` function lowered to an LLVM intrinsic or a libm call.
    case math(String)
    /// Creating an exception instance with a constant message.
    case makeException(String)
    /// A numpy function `np.<name>`.
    case numpy(String)
    /// A method of an array (`a.sum()`); the receiver is the callee's value.
    case arrayMethod(String)
    /// Tuples, complex numbers, iterators, more builtins, jitted calls (LanguageTyping).
    case language(LanguageCall)
    /// str, list, dict and set operations (ContainerTyping).
    case container(ContainerCall)
}

public struct CallResolution: Hashable, Sendable {
    public var result: JITType
    public var impl: CallImpl
    /// For calls with keyword arguments: the index in the call's argument list of
    /// each parameter, in parameter order (nil when not given). Empty: positional.
    public var parameters: [Int?] = []
    public init(result: JITType, impl: CallImpl, parameters: [Int?] = []) {
        self.result = result; self.impl = impl; self.parameters = parameters
    }
}

enum Registry {
    /// Functions of `math` taking floats and returning a float.
    static let mathFloatUnary: Set<String> = [
        "sqrt", "exp", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin", "acos", "atan",
        "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "fabs", "erf", "erfc", "gamma", "lgamma",
        "degrees", "radians",
    ]
    static let mathFloatBinary: Set<String> = ["pow", "atan2", "hypot", "copysign", "fmod"]
    static let mathPredicates: Set<String> = ["isnan", "isinf", "isfinite"]
    static let mathToInt: Set<String> = ["floor", "ceil", "trunc"]
    /// Functions of `math` over ints returning an int (`Lowering/MathIntegers.swift`).
    static let mathIntegers: Set<String> = ["gcd", "factorial"]
    static let mathConstants: [String: Double] = [
        "pi": Double.pi, "e": 2.718281828459045, "tau": 2 * Double.pi, "inf": Double.infinity, "nan": Double.nan,
    ]
    static let builtinExceptions: Set<String> = [
        "Exception", "ValueError", "TypeError", "IndexError", "KeyError", "ZeroDivisionError", "OverflowError",
        "ArithmeticError", "AssertionError", "RuntimeError", "NotImplementedError", "LookupError",
        "FloatingPointError", "StopIteration", "UnboundLocalError", "NameError", "AttributeError",
    ]
    static let builtinFunctions: Set<String> = ["range", "abs", "min", "max", "int", "float", "bool"]

    static func verb(_ op: BinaryOperator) -> String {
        switch op {
        case .add: return "add"
        case .sub: return "subtract"
        case .mul: return "multiply"
        case .trueDiv: return "divide"
        case .floorDiv: return "floor-divide"
        case .mod: return "take the modulo of"
        case .pow: return "raise to a power"
        case .lshift, .rshift: return "shift"
        case .and: return "bitwise-and"
        case .or: return "bitwise-or"
        case .xor: return "bitwise-xor"
        case .matmul: return "matrix-multiply"
        }
    }

    static func binary(_ op: BinaryOperator, _ a: JITType, _ b: JITType) -> JITType? {
        guard let ra = a.numericRank, let rb = b.numericRank else { return nil }
        let top = max(ra, rb)
        switch op {
        case .trueDiv:
            return .float64
        case .add, .sub, .mul, .floorDiv, .mod, .pow:
            return top == 2 ? .float64 : .int64
        case .and, .or, .xor:
            if top == 2 { return nil }
            return top == 0 ? .boolean : .int64
        case .lshift, .rshift:
            return top == 2 ? nil : .int64
        case .matmul:
            return nil
        }
    }

    static func unary(_ op: UnaryOperator, _ a: JITType) -> JITType? {
        switch op {
        case .not:
            return truthTestable(a) ? .boolean : nil
        case .neg, .pos:
            guard let r = a.numericRank else { return nil }
            return r == 0 ? .int64 : a
        case .invert:
            guard let r = a.numericRank, r < 2 else { return nil }
            return .int64
        }
    }

    static func truthTestable(_ t: JITType) -> Bool {
        switch t {
        case .boolean, .int64, .float64, .none, .tuple, .complex128: return true
        case .optional(let inner): return truthTestable(inner)
        default: return false
        }
    }

    static func compare(_ op: CompareOperator, _ a: JITType, _ b: JITType) -> JITType? {
        switch op {
        case .is, .isNot:
            return .boolean
        case .in, .notIn:
            return nil
        default:
            if a.isNumber && b.isNumber { return .boolean }
            if op == .eq || op == .ne {
                if case .optional(let x) = a, b == .none || b == x || (x.isNumber && b.isNumber) { return .boolean }
                if case .optional(let x) = b, a == .none || a == x || (x.isNumber && a.isNumber) { return .boolean }
                if a == .none && b == .none { return .boolean }
                // A number is never equal to None.
                if (a == .none && b.isNumber) || (b == .none && a.isNumber) { return .boolean }
            }
            return nil
        }
    }

    /// Types a call of `callee` with positional `args`.
    static func call(_ name: String, _ args: [JITType], keywords: [String],
                     literal: (Int) -> Constant?) throws -> CallResolution {
        func fail(_ why: String) -> CompileError {
            CompileError(.typing, why, stage: "typing")
        }
        let sig = "(" + args.map { $0.description }.joined(separator: ", ") + ")"
        if name.hasPrefix("np.") {
            let f = String(name.dropFirst(3))
            guard let params = ArrayLibTyping.functions[f] ?? ArrayTyping.numpyFunctions[f] ?? NumpyLibTyping.functions[f]
                    ?? ListExtrasTyping.numpyFunctions[f] ?? UfuncTyping.functions[f] else {
                throw fail("np.\(f) is not supported in nopython mode")
            }
            let positional = args.count - keywords.count
            guard positional <= params.count else { throw fail("np.\(f)\(sig): too many arguments") }
            var map: [Int?] = Array(repeating: nil, count: params.count)
            for i in 0..<positional { map[i] = i }
            for (k, kw) in keywords.enumerated() {
                guard let p = params.firstIndex(of: kw) else {
                    throw fail("np.\(f)() got an unexpected keyword argument '\(kw)'")
                }
                guard map[p] == nil else { throw fail("np.\(f)() got multiple values for argument '\(kw)'") }
                map[p] = positional + k
            }
            if f == "arange", keywords.isEmpty || map[1] == nil, positional == 1 {
                // arange(stop): the single positional argument is the stop.
                map[1] = map[0]; map[0] = nil
            }
            let result = try ArrayTyping.numpyCall(f, map.map { $0.map { args[$0] } })
            return CallResolution(result: result, impl: .numpy(f), parameters: map)
        }
        if name.hasPrefix("random.") {
            return try NumpyLibTyping.stdlibCall(String(name.dropFirst(7)), args, keywords: keywords)
        }
        if name.hasPrefix("array.") {
            if case .array(let a)? = args.first,
               let r = try ArrayLibTyping.methodCall(a, String(name.dropFirst(6)), args, keywords: keywords) { return r }
            guard keywords.isEmpty, case .array(let a)? = args.first else {
                throw fail("keyword arguments are not supported for array methods")
            }
            let m = String(name.dropFirst(6))
            return CallResolution(result: try ArrayTyping.method(a, m, Array(args.dropFirst())), impl: .arrayMethod(m))
        }
        if !keywords.isEmpty {
            throw fail("keyword arguments are not supported for \(name)()")
        }
        if builtinExceptions.contains(name) {
            if args.isEmpty { return CallResolution(result: .exceptionInstance(name), impl: .makeException("")) }
            if args.count == 1, case .string(let s)? = literal(0) {
                return CallResolution(result: .exceptionInstance(name), impl: .makeException(s))
            }
            throw fail("\(name)\(sig): exception arguments must be one constant string in nopython mode "
                       + "(write raise \(name)(\"message\"))")
        }
        switch name {
        case "range":
            guard (1...3).contains(args.count), args.allSatisfy({ $0 == .int64 || $0 == .boolean }) else {
                throw fail("range\(sig) is not supported: range takes 1 to 3 integer arguments")
            }
            return CallResolution(result: .range, impl: .range)
        case "abs":
            guard args.count == 1, let r = args[0].numericRank else {
                throw fail("abs\(sig) is not supported: abs takes one number")
            }
            return CallResolution(result: r == 0 ? .int64 : args[0], impl: .abs)
        case "min", "max":
            guard args.count >= 2, args.allSatisfy({ $0.isNumber }) else {
                throw fail("\(name)\(sig) is not supported: \(name) takes two or more numbers here")
            }
            var t = args[0]
            for a in args.dropFirst() { t = JITType.unify(t, a) ?? t }
            return CallResolution(result: t, impl: .minMax(isMax: name == "max"))
        case "int":
            guard args.count == 1, args[0].isNumber else { throw fail("int\(sig) is not supported: int takes one number") }
            return CallResolution(result: .int64, impl: .toInt)
        case "float":
            guard args.count == 1, args[0].isNumber else { throw fail("float\(sig) is not supported: float takes one number") }
            return CallResolution(result: .float64, impl: .toFloat)
        case "bool":
            guard args.count == 1, truthTestable(args[0]) else { throw fail("bool\(sig) is not supported") }
            return CallResolution(result: .boolean, impl: .toBool)
        default:
            break
        }
        if name.hasPrefix("math.") {
            let f = String(name.dropFirst(5))
            let allNumbers = args.allSatisfy { $0.isNumber }
            if mathFloatUnary.contains(f), args.count == 1, allNumbers {
                return CallResolution(result: .float64, impl: .math(f))
            }
            if mathFloatBinary.contains(f), args.count == 2, allNumbers {
                return CallResolution(result: .float64, impl: .math(f))
            }
            if mathPredicates.contains(f), args.count == 1, allNumbers {
                return CallResolution(result: .boolean, impl: .math(f))
            }
            if mathToInt.contains(f), args.count == 1, allNumbers {
                return CallResolution(result: .int64, impl: .math(f))
            }
            let allInts = args.allSatisfy { $0 == .int64 || $0 == .boolean }
            if f == "gcd", allInts {
                return CallResolution(result: .int64, impl: .math(f))
            }
            if f == "factorial", args.count == 1, allInts {
                return CallResolution(result: .int64, impl: .math(f))
            }
            throw fail("math.\(f)\(sig) is not supported in nopython mode")
        }
        throw fail("calling \(name) is not supported in nopython mode")
    }
}
