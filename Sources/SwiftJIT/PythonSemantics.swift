/// Behaviour of builtins that changed between CPython versions, keyed by the
/// version of the interpreter the compiled code runs in.
extension PythonVersion {
    /// The interpreter swiftjit runs in; the extension module sets it when it
    /// is imported. Compiled code follows this version's builtins.
    nonisolated(unsafe) public static var running = PythonVersion(major: 3, minor: 11)

    /// 3.12+: `sum()` of floats uses Neumaier's compensated summation.
    public var compensatedFloatSum: Bool { major > 3 || (major == 3 && minor >= 12) }

    /// The ValueError message of `min(())` / `max(())`.
    public func emptyMinMaxMessage(_ function: String) -> String {
        major == 3 && minor <= 11 ? "\(function)() arg is an empty sequence"
                                  : "\(function)() iterable argument is empty"
    }

    /// The ZeroDivisionError message of `float % 0.0` (3.13: "float modulo by zero").
    public var floatModuloByZeroMessage: String {
        major > 3 || (major == 3 && minor >= 13) ? "float modulo by zero" : "float modulo"
    }

    /// The ZeroDivisionError message of `int % 0` (3.10 shares floor division's).
    public var intModuloByZeroMessage: String {
        major == 3 && minor <= 10 ? "integer division or modulo by zero" : "integer modulo by zero"
    }

    /// The UnboundLocalError message of reading an unassigned local.
    public func unboundLocalMessage(_ name: String) -> String {
        major == 3 && minor <= 10 ? "local variable '\(name)' referenced before assignment"
                                  : "cannot access local variable '\(name)' where it is not associated with a value"
    }
}
