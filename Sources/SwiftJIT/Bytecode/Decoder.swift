/// One decoded bytecode instruction.
public struct Instruction: Hashable, Sendable, CustomStringConvertible {
    /// Byte offset of the instruction itself (after its EXTENDED_ARG prefixes).
    public var offset: Int
    /// Byte offset of the first EXTENDED_ARG prefix, or `offset` when none;
    /// jumps land here.
    public var startOffset: Int
    public var opcode: UInt8
    public var name: String
    /// The argument with EXTENDED_ARG prefixes folded in.
    public var arg: Int
    /// Byte offset of the next instruction (after inline caches).
    public var nextOffset: Int
    /// Jump target (byte offset) for jump instructions.
    public var jumpTarget: Int?
    public var position: SourcePosition

    public var description: String {
        var s = "\(offset) \(name) \(arg)"
        if let t = jumpTarget { s += " -> \(t)" }
        return s
    }
}

/// Errors found while decoding bytecode.
public enum BytecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    case unsupportedVersion(PythonVersion)
    case unknownOpcode(UInt8, offset: Int)
    case truncated(offset: Int)

    public var description: String {
        switch self {
        case .unsupportedVersion(let v): return "Python \(v) bytecode is not supported (supported: 3.11)"
        case .unknownOpcode(let op, let off): return "unknown opcode \(op) at offset \(off)"
        case .truncated(let off): return "bytecode ends in the middle of an instruction at offset \(off)"
        }
    }
}

/// Turns `co_code` into instructions: folds EXTENDED_ARG, skips CACHE entries,
/// resolves jump targets to byte offsets and attaches source positions.
public struct Decoder {
    public let table: OpcodeTable

    public init(version: PythonVersion) throws {
        guard let t = OpcodeTable.forVersion(version) else { throw BytecodeError.unsupportedVersion(version) }
        table = t
    }

    public func decode(_ code: CodeObject) throws -> [Instruction] {
        let bytes = code.code
        guard bytes.count % 2 == 0 else { throw BytecodeError.truncated(offset: bytes.count - 1) }
        let positions = LineTable.positions(table: code.lineTable, firstLine: code.firstLineNumber,
                                            codeUnits: bytes.count / 2)
        var result: [Instruction] = []
        var i = 0
        var extended = 0
        var start: Int? = nil  // offset of the first EXTENDED_ARG prefix (which may carry 0)
        while i < bytes.count {
            let op = bytes[i]
            let rawArg = Int(bytes[i + 1])
            guard let entry = table.entry(op) else { throw BytecodeError.unknownOpcode(op, offset: i) }
            if entry.name == "EXTENDED_ARG" {
                if start == nil { start = i }
                extended = (extended | rawArg) << 8
                i += 2
                continue
            }
            let arg = extended | rawArg
            let startOffset = start ?? i
            extended = 0
            start = nil
            let next = i + 2 + 2 * entry.cacheEntries
            var target: Int? = nil
            if entry.relativeJump {
                let backward = entry.name.contains("BACKWARD")
                // 3.11: relative to the instruction after this one, caches excluded;
                // 3.12+: relative to the one after the caches.
                let base = table.version.minor >= 12 ? next : i + 2
                target = backward ? base - 2 * arg : base + 2 * arg
            } else if entry.absoluteJump {
                target = 2 * arg
            }
            let pos = i / 2 < positions.count ? positions[i / 2] : .unknown
            result.append(Instruction(offset: i, startOffset: startOffset, opcode: op, name: entry.name,
                                      arg: arg, nextOffset: next, jumpTarget: target, position: pos))
            i = next
        }
        return result
    }
}
