import XCTest
@testable import SwiftJIT

final class LineTableTests: XCTestCase {
    /// Decodes `f`'s co_linetable and compares every code unit with co_positions().
    func checkPositions(_ name: String, _ f: PythonFixture.Function,
                        file: StaticString = #filePath, line: UInt = #line) {
        let units = f.code.code.count / 2
        let decoded = LineTable.positions(table: f.code.lineTable, firstLine: f.code.firstLineNumber, codeUnits: units)
        XCTAssertEqual(decoded.count, units, file: file, line: line)
        XCTAssertEqual(f.positions.count, units, "co_positions() has one entry per code unit", file: file, line: line)
        var mismatches: [String] = []
        for (i, (p, e)) in zip(decoded, f.positions).enumerated() {
            let got = [p.line, p.endLine, p.column, p.endColumn].map { $0 < 0 ? nil : $0 }
            let want = [e.0, e.1, e.2, e.3]
            if got != want { mismatches.append("unit \(i): \(got) != \(want)") }
        }
        XCTAssertTrue(mismatches.isEmpty, "\(name): \(mismatches.prefix(5).joined(separator: "; "))",
                      file: file, line: line)
    }

    /// The entry kinds (bits 3-6 of each entry's first byte) a location table uses.
    func entryKinds(_ table: [UInt8]) -> Set<Int> {
        var kinds = Set<Int>()
        var i = 0
        func skipVarint() { while table[i] & 0x40 != 0 { i += 1 }; i += 1 }
        while i < table.count {
            let kind = Int(table[i] >> 3) & 15
            kinds.insert(kind)
            i += 1
            switch kind {
            case 15: break
            case 14: for _ in 0..<4 { skipVarint() }
            case 13: skipVarint()
            case 10, 11, 12: i += 2
            default: i += 1
            }
        }
        return kinds
    }

    func testMatchesCoPositionsOnCorpus() throws {
        let fns = try PythonFixture.functions(Corpus.source + "\n" + Corpus.longLine + "\n" + ExtendedArgSource.all)
        var kinds = Set<Int>()
        for (name, f) in fns.sorted(by: { $0.key < $1.key }) {
            checkPositions(name, f)
            kinds.formUnion(entryKinds(f.code.lineTable))
        }
        // The corpus exercises every entry kind of the format, so the comparison covers them all:
        // short forms 0-9, one-line forms 10-12, no-column 13, long 14, none 15.
        XCTAssertEqual(kinds, Set(0...15))
    }

    func testLongLinesAndFarLines() throws {
        let fns = try PythonFixture.functions(Corpus.source + "\n" + Corpus.longLine)
        let long = try XCTUnwrap(fns["long_line"])
        checkPositions("long_line", long)
        // Columns past 255 need the long form with multi-byte varints.
        let last = LineTable.positions(table: long.code.lineTable, firstLine: long.code.firstLineNumber,
                                       codeUnits: long.code.code.count / 2).last
        XCTAssertEqual(last, SourcePosition(line: long.code.firstLineNumber + 1, column: 4, endColumn: 11 + 100 * 4 - 3))
        let far = try XCTUnwrap(fns["far_lines"])
        checkPositions("far_lines", far)
        let lines = Set(try Decoder(version: far.code.version).decode(far.code).map(\.position.line))
        let first = far.code.firstLineNumber
        XCTAssertEqual(lines, [first, first + 1, first + 7, first + 8])
    }

    func testNoColumnsForm() throws {
        // Without debug ranges CPython writes only lines (entry kind 13).
        let source = Corpus.source + "\n" + Corpus.longLine
        let fns = try PythonFixture.functions(source, pythonOptions: ["-X", "no_debug_ranges"])
        var kinds = Set<Int>()
        for (name, f) in fns.sorted(by: { $0.key < $1.key }) {
            checkPositions(name, f)
            kinds.formUnion(entryKinds(f.code.lineTable))
        }
        XCTAssertTrue(kinds.isSubset(of: [13, 15]), "\(kinds)")
        XCTAssertTrue(kinds.contains(13))
        let add = try XCTUnwrap(fns["add"])
        let positions = LineTable.positions(table: add.code.lineTable, firstLine: 1, codeUnits: add.code.code.count / 2)
        XCTAssertEqual(positions.last, SourcePosition(line: 2))
        XCTAssertEqual(positions.last?.column, -1)
    }

    func testHandWrittenEntries() {
        // firstLine 10. Entries:
        //  short form (kind 1, 1 unit): column 8 + 2 = 10, end 10 + 3          -> 10:10-13
        //  one-line form (kind 11, 2 units): line + 1, column 4, end 9          -> 11:4-9 (twice)
        //  long form (kind 14, 1 unit): line - 3 (zigzag 7), end line + 2,
        //    column 99 (varint 100 = 0x64 0x01), end column 4 (varint 5)       -> 8-10, 99-4
        //  none (kind 15, 1 unit)                                               -> unknown
        //  no-column form (kind 13, 1 unit): line + 5 (zigzag 10)              -> 13
        let table: [UInt8] = [
            0x80 | 1 << 3 | 0, 0x23,
            0x80 | 11 << 3 | 1, 4, 9,
            0x80 | 14 << 3 | 0, 7, 2, 0x64, 0x01, 5,
            0x80 | 15 << 3 | 0,
            0x80 | 13 << 3 | 0, 10,
        ]
        let p = LineTable.positions(table: table, firstLine: 10, codeUnits: 7)
        XCTAssertEqual(p, [
            SourcePosition(line: 10, column: 10, endColumn: 13),
            SourcePosition(line: 11, column: 4, endColumn: 9),
            SourcePosition(line: 11, column: 4, endColumn: 9),
            SourcePosition(line: 8, endLine: 10, column: 99, endColumn: 4),
            .unknown,
            SourcePosition(line: 13),
        ] + [.unknown], "units past the table's end stay unknown")
        XCTAssertEqual(LineTable.positions(table: [], firstLine: 5, codeUnits: 2), [.unknown, .unknown])
    }
}
