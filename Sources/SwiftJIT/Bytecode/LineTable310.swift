/// The line table of CPython 3.10 (`co_linetable`, PEP 626): pairs of
/// (byte-offset delta: unsigned byte, line delta: signed byte, -128 for "no
/// line"). Each pair covers the next `delta` bytes of `co_code`. There are no
/// columns, so positions carry the line only (columns -1: no caret).
extension LineTable {
    public static func positions310(table: [UInt8], firstLine: Int, codeUnits: Int) -> [SourcePosition] {
        var result = [SourcePosition](repeating: .unknown, count: codeUnits)
        var line = firstLine
        var end = 0
        var i = 0
        while i + 1 < table.count {
            let start = end
            end += Int(table[i])
            let delta = Int(Int8(bitPattern: table[i + 1]))
            i += 2
            var pos = SourcePosition.unknown
            if delta != -128 {
                line += delta
                pos = SourcePosition(line: line)
            }
            var unit = start / 2
            while unit < end / 2 && unit < codeUnits {
                result[unit] = pos
                unit += 1
            }
        }
        return result
    }

    /// The positions of `code`, in the format of its Python version.
    public static func positions(of code: CodeObject) -> [SourcePosition] {
        let units = code.code.count / 2
        if code.version.major == 3 && code.version.minor <= 10 {
            return positions310(table: code.lineTable, firstLine: code.firstLineNumber, codeUnits: units)
        }
        return positions(table: code.lineTable, firstLine: code.firstLineNumber, codeUnits: units)
    }
}
