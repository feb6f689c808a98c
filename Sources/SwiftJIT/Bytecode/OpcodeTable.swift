/// One CPython version's opcodes: names, inline cache sizes and jump kinds.
public struct OpcodeTable: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var cacheEntries: Int
        public var relativeJump: Bool
        public var absoluteJump: Bool
    }
    public let version: PythonVersion
    public let haveArgument: Int
    private var entries: [Entry?]

    public init(version: PythonVersion, haveArgument: Int,
                rows: [(Int, String, Int, Bool, Bool)]) {
        self.version = version
        self.haveArgument = haveArgument
        var table = [Entry?](repeating: nil, count: 256)
        for (num, name, caches, rel, abs) in rows {
            table[num] = Entry(name: name, cacheEntries: caches, relativeJump: rel, absoluteJump: abs)
        }
        entries = table
    }

    public func entry(_ opcode: UInt8) -> Entry? { entries[Int(opcode)] }

    /// The table for a Python version, or nil when that version is not supported.
    public static func forVersion(_ v: PythonVersion) -> OpcodeTable? {
        switch (v.major, v.minor) {
        case (3, 10): return .python310
        case (3, 11): return .python311
        case (3, 12): return .python312
        case (3, 13): return .python313
        default: return nil
        }
    }

    /// The versions `forVersion` knows, for messages.
    public static let supportedVersions = "3.10, 3.11, 3.12, 3.13"
}
