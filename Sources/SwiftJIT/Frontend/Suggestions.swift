/// Hints appended to error messages where the fix is obvious.
enum Suggestions {
    /// A hint for an unsupported feature named by the frontend ("lists", "dicts", ...), with a leading "; ".
    static func forFeature(_ feature: String) -> String {
        switch feature {
        case "lists", "list comprehensions", "tuple(...) of lists":
            return "; use a tuple or a NumPy array"
        case "dicts", "dict comprehensions":
            return "; use a tuple of values or a NumPy array indexed by integers"
        case "sets", "set comprehensions":
            return "; use a tuple and 'in', or a NumPy array"
        case "generators", "generator expressions":
            return "; write a for loop that accumulates the result"
        case "f-strings":
            return "; compute numbers in the jitted function and format them in Python"
        case "import statements":
            return "; import the module at module level and use it as a global"
        case "inner functions and lambdas":
            return "; define the function at module level and decorate it with @njit"
        case "assignments to globals":
            return "; return the value and assign the global in Python"
        default:
            return ""
        }
    }

    /// The feature of a comprehension whose code object is constant `index`, nil for other constants.
    static func comprehension(_ constants: [Constant], _ index: Int) -> String? {
        guard index >= 0, index < constants.count, case .code(let c) = constants[index] else { return nil }
        switch c.name {
        case "<listcomp>": return "list comprehensions"
        case "<dictcomp>": return "dict comprehensions"
        case "<setcomp>": return "set comprehensions"
        case "<genexpr>": return "generator expressions"
        default: return nil
        }
    }

    /// A hint for a global of an unsupported type.
    static func forGlobal(_ typeName: String) -> String {
        switch typeName {
        case "list": return " (use a tuple: globals are frozen when the function is compiled)"
        case "dict", "set": return " (use a tuple: globals are frozen when the function is compiled)"
        case "function", "builtin_function_or_method":
            return " (decorate it with @njit to call it from jitted code)"
        case "str": return " (strings are supported only as constant exception messages and print() arguments)"
        default: return ""
        }
    }

    /// A hint for a binary operator between types that do not combine.
    static func forOperands(_ a: JITType, _ b: JITType) -> String {
        if case .literalString = a { return " (strings are supported only as constant exception messages and print() arguments)" }
        if case .literalString = b { return " (strings are supported only as constant exception messages and print() arguments)" }
        if a == .none || b == .none { return " (one operand is None: check for None first)" }
        if case .optional = a { return " (the value may be None: check 'is not None' first)" }
        if case .optional = b { return " (the value may be None: check 'is not None' first)" }
        return ""
    }
}
