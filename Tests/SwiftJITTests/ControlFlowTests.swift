import XCTest
@testable import SwiftJIT

final class ControlFlowTests: XCTestCase {
    func cfg(_ code: CodeObject) throws -> ControlFlowGraph {
        try ControlFlowGraph(instructions: try Decoder(version: code.version).decode(code))
    }

    /// Each block as "offset: OPNAME OPNAME ...".
    func render(_ g: ControlFlowGraph) -> [String] {
        g.blocks.map { b in "\(b.offset): " + g.instructions[b.range].map(\.name).joined(separator: " ") }
    }

    func testIfElse() throws {
        let g = try cfg(try PythonFixture.code("branch", in: Corpus.source))
        XCTAssertEqual(render(g), [
            "0: RESUME LOAD_FAST POP_JUMP_FORWARD_IF_FALSE",   // if x:
            "6: LOAD_CONST STORE_FAST JUMP_FORWARD",           //     y = 1
            "12: LOAD_CONST STORE_FAST",                       // else: y = 2
            "16: LOAD_FAST RETURN_VALUE",                      // return y
        ])
        XCTAssertEqual(g.instructions[g.blocks[0].range.last!].jumpTarget, 12)
        XCTAssertEqual(g.instructions[g.blocks[1].range.last!].jumpTarget, 16)
    }

    func testWhile() throws {
        // 3.11 tests the condition before the loop and again at the bottom of the body.
        let g = try cfg(try PythonFixture.code("loop_while", in: Corpus.source))
        XCTAssertEqual(render(g), [
            "0: RESUME LOAD_CONST STORE_FAST LOAD_FAST LOAD_FAST COMPARE_OP POP_JUMP_FORWARD_IF_FALSE",
            "18: LOAD_FAST LOAD_CONST BINARY_OP STORE_FAST LOAD_FAST LOAD_FAST COMPARE_OP POP_JUMP_BACKWARD_IF_TRUE",
            "40: LOAD_FAST RETURN_VALUE",
        ])
        XCTAssertEqual(g.instructions[g.blocks[1].range.last!].jumpTarget, 18, "the loop jumps back to its own start")
    }

    func testFor() throws {
        let g = try cfg(try PythonFixture.code("loop_for", in: Corpus.source))
        XCTAssertEqual(render(g), [
            "0: RESUME LOAD_CONST STORE_FAST LOAD_GLOBAL LOAD_FAST PRECALL CALL GET_ITER",
            "36: FOR_ITER",
            "38: STORE_FAST LOAD_FAST LOAD_FAST BINARY_OP STORE_FAST JUMP_BACKWARD",
            "52: LOAD_FAST RETURN_VALUE",
        ])
        XCTAssertEqual(g.instructions[g.blocks[1].range.last!].jumpTarget, 52, "FOR_ITER exits past the loop")
        XCTAssertEqual(g.instructions[g.blocks[2].range.last!].jumpTarget, 36, "the body jumps back to FOR_ITER")
    }

    func testRaiseEndsABlock() throws {
        let g = try cfg(try PythonFixture.code("raising", in: Corpus.source))
        let rendered = render(g)
        let raises = rendered.filter { $0.contains("RAISE_VARARGS") }
        XCTAssertEqual(raises.count, 2, "raise ValueError and the failing assert: \(rendered)")
        for r in raises { XCTAssertTrue(r.hasSuffix("RAISE_VARARGS"), r) }
    }

    func testBlockAtExtendedArgPrefix() throws {
        let code = try PythonFixture.code("ext", in: ExtendedArgSource.all)
        let g = try cfg(code)
        let back = try XCTUnwrap(g.instructions.first { $0.name == "POP_JUMP_BACKWARD_IF_TRUE" })
        let target = try XCTUnwrap(back.jumpTarget)
        let index = try XCTUnwrap(g.block(atOffset: target))
        XCTAssertEqual(g.blocks[index].offset, target, "the block starts at the EXTENDED_ARG prefix")
        XCTAssertEqual(g.block(atOffset: target + 2), index, "and is found by its instruction's own offset too")
        XCTAssertEqual(g.instructions[g.blocks[index].range.first!].arg, 300)
    }

    /// Structural properties on every function: blocks partition the
    /// instructions, start exactly at jump targets, after jumps and after
    /// instructions that do not fall through, and hold no jump but their last.
    func testBlockInvariantsOnCorpus() throws {
        let fns = try PythonFixture.functions(Corpus.source + "\n" + ExtendedArgSource.all)
        let stops: Set<String> = ["RETURN_VALUE", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD", "JUMP_BACKWARD",
                                  "JUMP_BACKWARD_NO_INTERRUPT"]
        for (name, f) in fns.sorted(by: { $0.key < $1.key }) {
            let g = try cfg(f.code)
            XCTAssertEqual(g.blocks.first?.range.lowerBound, 0, name)
            XCTAssertEqual(g.blocks.last?.range.upperBound, g.instructions.count, name)
            for (a, b) in zip(g.blocks, g.blocks.dropFirst()) {
                XCTAssertEqual(a.range.upperBound, b.range.lowerBound, "\(name): blocks are contiguous")
            }
            var expectedLeaders: Set<Int> = [0]
            for (i, ins) in g.instructions.enumerated() {
                if let t = ins.jumpTarget { expectedLeaders.insert(t) }
                if (ins.jumpTarget != nil || stops.contains(ins.name)), i + 1 < g.instructions.count {
                    expectedLeaders.insert(g.instructions[i + 1].startOffset)
                }
            }
            XCTAssertEqual(Set(g.blocks.map(\.offset)), expectedLeaders, name)
            for (k, block) in g.blocks.enumerated() {
                XCTAssertFalse(block.range.isEmpty, name)
                XCTAssertEqual(block.offset, g.instructions[block.range.lowerBound].startOffset, name)
                XCTAssertEqual(g.block(atOffset: block.offset), k, name)
                for i in block.range.dropLast() {
                    let ins = g.instructions[i]
                    XCTAssertTrue(ins.jumpTarget == nil && !stops.contains(ins.name), "\(name): \(ins) inside a block")
                }
            }
        }
    }
}
