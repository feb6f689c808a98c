/// Inner functions and lambdas: `MAKE_FUNCTION` over a constant code object
/// with no defaults, closure, keyword defaults or annotations gives a
/// compile-time function value, the code object itself (typed as a jitted
/// callee by `LanguageTyping`, compiled for each call's argument types).
extension Translator {
    /// Translates `ins` when it makes a function; false when it is another opcode.
    mutating func translateFunctionOpcode(_ ins: Instruction, stack: inout [Var?], block: inout Block) throws -> Bool {
        guard ins.name == "MAKE_FUNCTION" else { return false }
        // 3.13 passes defaults and closures through SET_FUNCTION_ATTRIBUTE (rejected there).
        let flags = code.version.minor >= 13 ? 0 : ins.arg
        guard flags == 0 else {
            let what = flags & 0x08 != 0 ? "inner functions that capture variables of the enclosing function (closures)"
                                         : "inner functions with default values or annotations"
            throw unsupported(what, ins)
        }
        // 3.10 pushes the qualified name above the code object.
        if code.version.minor <= 10 { _ = stack.popLast() }
        guard let top = stack.popLast(), let codeVar = top else {
            throw CompileError(.internal, "malformed MAKE_FUNCTION", at: ins.position, stage: "frontend")
        }
        let v = temp()
        block.statements.append(Located(.assign(v, .copy(codeVar)), ins.position))
        stack.append(v)
        return true
    }
}
