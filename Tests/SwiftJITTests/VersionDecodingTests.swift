import XCTest
@testable import SwiftJIT

/// The decoder and translator on real code objects of CPython 3.10, 3.12 and
/// 3.13 (dumped by each interpreter from the same function), without needing
/// those interpreters:
///
///     def f(n, x):
///         s = 0
///         for i in range(n):
///             if i > x and x:
///                 break
///             s += i
///         return s
///
/// Expected rows are `dis` of that version: offset, name, jump target, line.
final class VersionDecodingTests: XCTestCase {
    static let code310: [UInt8] = [100, 1, 125, 2, 116, 0, 124, 0, 131, 1, 68, 0, 93, 15, 125, 3, 124, 3, 124, 1, 107, 4, 114, 17, 124, 1, 114, 17, 1, 0, 124, 2, 83, 0, 124, 2, 124, 3, 55, 0, 125, 2, 113, 6, 124, 2, 83, 0]
    static let lines310: [UInt8] = [4, 1, 12, 1, 12, 1, 2, 1, 4, 2, 10, 255, 4, 1]
    static let expected310: [(Int, String, Int?, Int)] = [(0, "LOAD_CONST", nil, 2), (2, "STORE_FAST", nil, 2), (4, "LOAD_GLOBAL", nil, 3), (6, "LOAD_FAST", nil, 3), (8, "CALL_FUNCTION", nil, 3), (10, "GET_ITER", nil, 3), (12, "FOR_ITER", 44, 3), (14, "STORE_FAST", nil, 3), (16, "LOAD_FAST", nil, 4), (18, "LOAD_FAST", nil, 4), (20, "COMPARE_OP", nil, 4), (22, "POP_JUMP_IF_FALSE", 34, 4), (24, "LOAD_FAST", nil, 4), (26, "POP_JUMP_IF_FALSE", 34, 4), (28, "POP_TOP", nil, 5), (30, "LOAD_FAST", nil, 7), (32, "RETURN_VALUE", nil, 7), (34, "LOAD_FAST", nil, 6), (36, "LOAD_FAST", nil, 6), (38, "INPLACE_ADD", nil, 6), (40, "STORE_FAST", nil, 6), (42, "JUMP_ABSOLUTE", 12, 6), (44, "LOAD_FAST", nil, 7), (46, "RETURN_VALUE", nil, 7)]
    static let names310 = ["range"]
    static let consts310: [Constant] = [.none, .int(0)]
    static let varnames310 = ["n", "x", "s", "i"]
    static let code312: [UInt8] = [151, 0, 100, 1, 125, 2, 116, 1, 0, 0, 0, 0, 0, 0, 0, 0, 124, 0, 171, 1, 0, 0, 0, 0, 0, 0, 68, 0, 93, 17, 0, 0, 125, 3, 124, 3, 124, 1, 107, 68, 0, 0, 114, 5, 124, 1, 114, 3, 1, 0, 124, 2, 83, 0, 124, 2, 124, 3, 122, 13, 0, 0, 125, 2, 140, 19, 4, 0, 124, 2, 83, 0]
    static let lines312: [UInt8] = [128, 0, 216, 8, 9, 128, 65, 220, 13, 18, 144, 49, 139, 88, 242, 0, 3, 5, 15, 136, 1, 216, 11, 12, 136, 113, 138, 53, 145, 81, 216, 12, 17, 224, 11, 12, 128, 72, 240, 3, 0, 9, 10, 136, 81, 137, 6, 137, 1, 240, 7, 3, 5, 15, 240, 8, 0, 12, 13, 128, 72]
    static let expected312: [(Int, String, Int?, Int)] = [(0, "RESUME", nil, 1), (2, "LOAD_CONST", nil, 2), (4, "STORE_FAST", nil, 2), (6, "LOAD_GLOBAL", nil, 3), (16, "LOAD_FAST", nil, 3), (18, "CALL", nil, 3), (26, "GET_ITER", nil, 3), (28, "FOR_ITER", 66, 3), (32, "STORE_FAST", nil, 3), (34, "LOAD_FAST", nil, 4), (36, "LOAD_FAST", nil, 4), (38, "COMPARE_OP", nil, 4), (42, "POP_JUMP_IF_FALSE", 54, 4), (44, "LOAD_FAST", nil, 4), (46, "POP_JUMP_IF_FALSE", 54, 4), (48, "POP_TOP", nil, 5), (50, "LOAD_FAST", nil, 7), (52, "RETURN_VALUE", nil, 7), (54, "LOAD_FAST", nil, 6), (56, "LOAD_FAST", nil, 6), (58, "BINARY_OP", nil, 6), (62, "STORE_FAST", nil, 6), (64, "JUMP_BACKWARD", 28, 6), (66, "END_FOR", nil, 3), (68, "LOAD_FAST", nil, 7), (70, "RETURN_VALUE", nil, 7)]
    static let names312 = ["range"]
    static let consts312: [Constant] = [.none, .int(0)]
    static let varnames312 = ["n", "x", "s", "i"]
    static let code313: [UInt8] = [149, 0, 83, 1, 110, 2, 91, 1, 0, 0, 0, 0, 0, 0, 0, 0, 85, 0, 53, 1, 0, 0, 0, 0, 0, 0, 19, 0, 72, 22, 0, 0, 110, 3, 88, 49, 58, 148, 0, 0, 97, 10, 0, 0, 85, 1, 40, 0, 0, 0, 0, 0, 0, 0, 97, 3, 0, 0, 32, 0, 85, 2, 36, 0, 88, 35, 45, 13, 0, 0, 110, 2, 77, 24, 0, 0, 11, 0, 32, 0, 85, 2, 36, 0]
    static let lines313: [UInt8] = [128, 0, 216, 8, 9, 128, 65, 220, 13, 18, 144, 49, 142, 88, 136, 1, 216, 11, 12, 139, 53, 150, 81, 216, 12, 17, 224, 11, 12, 128, 72, 240, 3, 0, 9, 10, 137, 6, 138, 1, 241, 7, 0, 14, 22, 240, 8, 0, 12, 13, 128, 72]
    static let expected313: [(Int, String, Int?, Int)] = [(0, "RESUME", nil, 1), (2, "LOAD_CONST", nil, 2), (4, "STORE_FAST", nil, 2), (6, "LOAD_GLOBAL", nil, 3), (16, "LOAD_FAST", nil, 3), (18, "CALL", nil, 3), (26, "GET_ITER", nil, 3), (28, "FOR_ITER", 76, 3), (32, "STORE_FAST", nil, 3), (34, "LOAD_FAST_LOAD_FAST", nil, 4), (36, "COMPARE_OP", nil, 4), (40, "POP_JUMP_IF_FALSE", 64, 4), (44, "LOAD_FAST", nil, 4), (46, "TO_BOOL", nil, 4), (54, "POP_JUMP_IF_FALSE", 64, 4), (58, "POP_TOP", nil, 5), (60, "LOAD_FAST", nil, 7), (62, "RETURN_VALUE", nil, 7), (64, "LOAD_FAST_LOAD_FAST", nil, 6), (66, "BINARY_OP", nil, 6), (70, "STORE_FAST", nil, 6), (72, "JUMP_BACKWARD", 28, 6), (76, "END_FOR", nil, 3), (78, "POP_TOP", nil, 3), (80, "LOAD_FAST", nil, 7), (82, "RETURN_VALUE", nil, 7)]
    static let names313 = ["range"]
    static let consts313: [Constant] = [.none, .int(0)]
    static let varnames313 = ["n", "x", "s", "i"]

    func code(_ minor: Int, _ bytes: [UInt8], _ lines: [UInt8], _ names: [String], _ consts: [Constant],
              _ varnames: [String]) -> CodeObject {
        CodeObject(version: PythonVersion(major: 3, minor: minor), name: "f", filename: "src.py", firstLineNumber: 1,
                   argCount: 2, varnames: varnames, names: names, constants: consts, code: bytes, lineTable: lines)
    }

    var all: [(CodeObject, [(Int, String, Int?, Int)])] {
        [(code(10, Self.code310, Self.lines310, Self.names310, Self.consts310, Self.varnames310), Self.expected310),
         (code(12, Self.code312, Self.lines312, Self.names312, Self.consts312, Self.varnames312), Self.expected312),
         (code(13, Self.code313, Self.lines313, Self.names313, Self.consts313, Self.varnames313), Self.expected313)]
    }

    func testDecoderMatchesDis() throws {
        for (code, expected) in all {
            let decoded = try Decoder(version: code.version).decode(code)
            XCTAssertEqual(decoded.count, expected.count, "\(code.version)")
            for (ins, row) in zip(decoded, expected) {
                XCTAssertEqual(ins.offset, row.0, "\(code.version) \(ins)")
                XCTAssertEqual(ins.name, row.1, "\(code.version) \(ins)")
                XCTAssertEqual(ins.jumpTarget, row.2, "\(code.version) \(ins)")
                XCTAssertEqual(ins.position.line, row.3, "\(code.version) \(ins)")
            }
        }
    }

    func testTranslates() throws {
        for (code, _) in all {
            let ir = try Translator.translate(code)
            let terminators = ir.blocks.map { $0.terminator.node }
            XCTAssertTrue(terminators.contains { if case .forIter = $0 { return true } else { return false } },
                          "\(code.version)\n\(ir.dump())")
            XCTAssertTrue(terminators.contains { if case .ret = $0 { return true } else { return false } },
                          "\(code.version)\n\(ir.dump())")
        }
    }

    func testUnsupportedVersion() {
        XCTAssertThrowsError(try Decoder(version: PythonVersion(major: 3, minor: 9))) { error in
            XCTAssertTrue("\(error)".contains("3.10, 3.11, 3.12, 3.13"), "\(error)")
        }
    }
}
