/// The control flow graph of a decoded function: basic blocks as ranges of
/// instruction indices, split at jump targets and after jumps, returns and raises.
public struct ControlFlowGraph: Sendable {
    public struct BasicBlock: Sendable, Hashable {
        /// Byte offset of the block's first instruction (its EXTENDED_ARG prefix, if any).
        public var offset: Int
        /// Indices into `instructions`, half-open.
        public var range: Range<Int>
    }
    public let instructions: [Instruction]
    public private(set) var blocks: [BasicBlock] = []
    /// Block index by start offset.
    public private(set) var blockAtOffset: [Int: Int] = [:]

    /// Instructions after which control does not fall through.
    static let noFallthrough: Set<String> = [
        "JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP_ABSOLUTE", "JUMP",
        "JUMP_NO_INTERRUPT", "RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE",
    ]

    /// `extraLeaders`: byte offsets that must start a block (object mode: exception
    /// handlers and the bounds of the ranges they cover).
    public init(instructions: [Instruction], extraLeaders: Set<Int> = []) throws {
        self.instructions = instructions
        guard !instructions.isEmpty else { return }
        var offsets = Set<Int>()
        var indexOfOffset: [Int: Int] = [:]
        for (i, ins) in instructions.enumerated() {
            indexOfOffset[ins.startOffset] = i
            indexOfOffset[ins.offset] = i
        }
        var leaders: Set<Int> = [0]
        for o in extraLeaders { if let i = indexOfOffset[o] { leaders.insert(i) } }
        for (i, ins) in instructions.enumerated() {
            if let t = ins.jumpTarget {
                guard let ti = indexOfOffset[t] else {
                    throw CompileError(.internal, "jump from offset \(ins.offset) to \(t), which starts no instruction",
                                       at: ins.position, stage: "control flow")
                }
                leaders.insert(ti)
                if i + 1 < instructions.count { leaders.insert(i + 1) }
            }
            if Self.noFallthrough.contains(ins.name), i + 1 < instructions.count { leaders.insert(i + 1) }
        }
        let sorted = leaders.sorted()
        for (k, start) in sorted.enumerated() {
            let end = k + 1 < sorted.count ? sorted[k + 1] : instructions.count
            let off = instructions[start].startOffset
            offsets.insert(off)
            blockAtOffset[off] = blocks.count
            blockAtOffset[instructions[start].offset] = blocks.count
            blocks.append(BasicBlock(offset: off, range: start..<end))
        }
    }

    /// The block that starts at a jump target.
    public func block(atOffset offset: Int) -> Int? { blockAtOffset[offset] }
}
