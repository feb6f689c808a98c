/// A source position: 1-based line, 0-based columns (end exclusive), as CPython reports them.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var endLine: Int
    public var column: Int
    public var endColumn: Int
    public init(line: Int, endLine: Int? = nil, column: Int = -1, endColumn: Int = -1) {
        self.line = line; self.endLine = endLine ?? line; self.column = column; self.endColumn = endColumn
    }
    public static let unknown = SourcePosition(line: -1)
    public var description: String { "\(line):\(column)-\(endColumn)" }
}

/// Decodes the location table of CPython 3.11+ (`co_linetable`, PEP 657) into
/// one position per code unit (two bytes of `co_code`).
public enum LineTable {
    public static func positions(table: [UInt8], firstLine: Int, codeUnits: Int) -> [SourcePosition] {
        var result = [SourcePosition](repeating: .unknown, count: codeUnits)
        var reader = Reader(bytes: table)
        var line = firstLine
        var unit = 0
        while let first = reader.next() {
            guard first & 0x80 != 0 else { break }  // corrupt: every entry starts with bit 7
            let code = Int((first >> 3) & 0x0F)
            let length = Int(first & 0x07) + 1
            var pos = SourcePosition.unknown
            switch code {
            case 15:
                pos = .unknown
            case 14:
                line += reader.signedVarint()
                let endLine = line + reader.varint()
                let col = reader.varint() - 1
                let endCol = reader.varint() - 1
                pos = SourcePosition(line: line, endLine: endLine, column: col, endColumn: endCol)
            case 13:
                line += reader.signedVarint()
                pos = SourcePosition(line: line)
            case 10, 11, 12:
                line += code - 10
                let col = Int(reader.next() ?? 0)
                let endCol = Int(reader.next() ?? 0)
                pos = SourcePosition(line: line, column: col, endColumn: endCol)
            default:
                let second = Int(reader.next() ?? 0)
                let col = code * 8 + ((second >> 4) & 7)
                pos = SourcePosition(line: line, column: col, endColumn: col + (second & 15))
            }
            for _ in 0..<length where unit < codeUnits {
                result[unit] = pos
                unit += 1
            }
        }
        return result
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0
        mutating func next() -> UInt8? {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }
        mutating func varint() -> Int {
            var value = 0
            var shift = 0
            while let b = next() {
                value |= Int(b & 0x3F) << shift
                shift += 6
                if b & 0x40 == 0 || shift > 56 { break }
            }
            return value
        }
        mutating func signedVarint() -> Int {
            let v = varint()
            return (v & 1) != 0 ? -(v >> 1) : (v >> 1)
        }
    }
}
