import CLLVM

extension Backend {
    /// Defines the runtime helpers in the JIT's main library.
    func defineRuntime() throws {
        let flags = LLVMJITSymbolFlags(
            GenericFlags: UInt8(LLVMJITSymbolGenericFlagsExported.rawValue | LLVMJITSymbolGenericFlagsCallable.rawValue),
            TargetFlags: 0)
        var pairs = Runtime.symbols.map { (name, address) in
            LLVMOrcCSymbolMapPair(Name: LLVMOrcLLJITMangleAndIntern(jit, name),
                                  Sym: LLVMJITEvaluatedSymbol(Address: address, Flags: flags))
        }
        let unit = pairs.withUnsafeMutableBufferPointer { LLVMOrcAbsoluteSymbols($0.baseAddress, $0.count) }
        if let m = consume(LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), unit)) {
            throw BackendError(message: "cannot define the runtime helpers: \(m)")
        }
    }
}
