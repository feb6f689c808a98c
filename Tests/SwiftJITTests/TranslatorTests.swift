import XCTest
@testable import SwiftJIT

/// Bytecode -> IR, checked against golden text dumps (Python in, IR text out).
///
/// Block 0 binds the arguments; the other blocks are numbered in the order the
/// translator first reaches them (a branch's jump target before its
/// fall-through), and each names the bytecode offset it starts at. Temporaries
/// are `$n`; values left on the stack across blocks are `$phi<offset>_<slot>`.
final class TranslatorTests: XCTestCase {
    func ir(_ source: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Translator.translate(try PythonFixture.code(name, in: source, file: file, line: line)).dump()
    }

    func check(_ source: String, _ name: String, _ expected: String,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let got = try ir(source, name, file: file, line: line)
        XCTAssertEqual(got, expected, "IR of \(name):\n\(got)", file: file, line: line)
    }

    func testAdd() throws {
        try check("""
        def add(a, b):
            return a + b
        """, "add", """
        function add(a, b):
        block0:
            a = arg(0)
            b = arg(1)
            jump block1
        block1:  # offset 0
            $1 = a
            $2 = b
            $3 = binary(+, $1, $2)
            return $3

        """)
    }

    func testIfElse() throws {
        try check(Corpus.source, "branch", """
        function branch(x):
        block0:
            x = arg(0)
            jump block1
        block1:  # offset 0
            $1 = x
            $2 = truth($1)
            branch $2, block3, block2
        block2:  # offset 12
            $5 = const(2)
            y = $5
            jump block4
        block3:  # offset 6
            $3 = const(1)
            y = $3
            jump block4
        block4:  # offset 16
            $4 = y
            return $4

        """)
    }

    func testWhileLoop() throws {
        try check(Corpus.source, "loop_while", """
        function loop_while(n):
        block0:
            n = arg(0)
            jump block1
        block1:  # offset 0
            $1 = const(0)
            i = $1
            $2 = i
            $3 = n
            $4 = compare(<, $2, $3)
            $5 = truth($4)
            branch $5, block3, block2
        block2:  # offset 40
            $13 = i
            return $13
        block3:  # offset 18
            $6 = i
            $7 = const(1)
            $8 = inplace_binary(+, $6, $7)
            i = $8
            $9 = i
            $10 = n
            $11 = compare(<, $9, $10)
            $12 = truth($11)
            branch $12, block3, block2

        """)
    }

    func testForLoop() throws {
        try check(Corpus.source, "loop_for", """
        function loop_for(n):
        block0:
            n = arg(0)
            jump block1
        block1:  # offset 0
            $1 = const(0)
            s = $1
            $2 = global(range)
            $3 = n
            $4 = call $2($3)
            $5 = getiter($4)
            $phi36_0 = $5
            jump block2
        block2:  # offset 36
            for_iter $6 <- $phi36_0, block3, block4
        block3:  # offset 38
            i = $6
            $8 = s
            $9 = i
            $10 = inplace_binary(+, $8, $9)
            s = $10
            jump block2
        block4:  # offset 52
            $7 = s
            return $7

        """)
    }

    func testShortCircuitKeepsTheValueOnTheStack() throws {
        // `a and b or -a`: the value of `b` flows into the return through a stack variable.
        try check("""
        def pick(a, b):
            return a and b or -a
        """, "pick", """
        function pick(a, b):
        block0:
            a = arg(0)
            b = arg(1)
            jump block1
        block1:  # offset 0
            $1 = a
            $2 = truth($1)
            branch $2, block3, block2
        block2:  # offset 10
            $5 = a
            $6 = unary(-, $5)
            $phi14_0 = $6
            jump block4
        block3:  # offset 6
            $3 = b
            $4 = truth($3)
            $phi14_0 = $3
            branch $4, block4, block2
        block4:  # offset 14
            return $phi14_0

        """)
    }

    func testUnpackCallsAndRaise() throws {
        try check("""
        def unpack(t):
            a, b = t
            return b, a

        def checked(x):
            if x is None:
                raise ValueError("no value")
            return math.sqrt(x, key=1)
        """, "unpack", """
        function unpack(t):
        block0:
            t = arg(0)
            jump block1
        block1:  # offset 0
            $1 = t
            $2 = static_getitem($1, 1)
            $3 = static_getitem($1, 0)
            a = $3
            b = $2
            $4 = b
            $5 = a
            $6 = build_tuple($4, $5)
            return $6

        """)
        try check("""
        def unpack(t):
            a, b = t
            return b, a

        def checked(x):
            if x is None:
                raise ValueError("no value")
            return math.sqrt(x, key=1)
        """, "checked", """
        function checked(x):
        block0:
            x = arg(0)
            jump block1
        block1:  # offset 0
            $1 = x
            $3 = const(None)
            $2 = compare(is, $1, $3)
            branch $2, block3, block2
        block2:  # offset 36
            $7 = global(math)
            $8 = getattr($7, sqrt)
            $9 = x
            $10 = const(1)
            $11 = call $8($9, $10) kw=[key]
            return $11
        block3:  # offset 6
            $4 = global(ValueError)
            $5 = const('no value')
            $6 = call $4($5)
            raise $6

        """)
    }

    func testStatementsKeepSourcePositions() throws {
        let fn = try Translator.translate(try PythonFixture.code("branch", in: Corpus.source))
        let firstLine = 4  // `def branch(x):` in Corpus.source
        let lines = fn.blocks.map { $0.statements.map(\.position.line) }
        XCTAssertEqual(lines, [[firstLine], [firstLine + 1, firstLine + 1], [firstLine + 4, firstLine + 4],
                               [firstLine + 2, firstLine + 2], [firstLine + 5]])
        XCTAssertEqual(fn.blocks.last?.terminator.position.line, firstLine + 5)
        XCTAssertEqual(fn.argNames, ["x"])
        XCTAssertEqual(fn.blocks.map(\.label), (0..<5).map(Label.init))
    }

    // MARK: unsupported constructs

    /// Translating `name` fails with an `.unsupported` error mentioning `message`,
    /// located on one of `lines` (a construct may span several lines).
    func assertUnsupported(_ source: String, _ name: String, _ message: String, line expectedLines: ClosedRange<Int>,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let code = try PythonFixture.code(name, in: source, file: file, line: line)
        XCTAssertThrowsError(try Translator.translate(code), file: file, line: line) { error in
            guard let e = error as? CompileError else {
                return XCTFail("not a CompileError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(e.kind, .unsupported, "\(e)", file: file, line: line)
            XCTAssertEqual(e.stage, "frontend", file: file, line: line)
            XCTAssertTrue(e.message.contains(message), "'\(e.message)' should mention '\(message)'", file: file, line: line)
            XCTAssertTrue(expectedLines.contains(e.position.line), "\(e): expected a line in \(expectedLines)",
                          file: file, line: line)
        }
    }

    func testGeneratorIsUnsupported() throws {
        try assertUnsupported("def gen(n):\n    yield n\n", "gen", "generator", line: 1...2)
    }

    /// try/except translates on 3.11+ (TranslatorExceptions.swift): the covered blocks record
    /// their handler, which receives `caught_exception()` and tests the class.
    func testTryExceptTranslates() throws {
        let source = """
        def guarded(x):
            y = 1
            try:
                y = 1 // x
            except ZeroDivisionError:
                y = 0
            return y
        """
        let text = try ir(source, "guarded")
        XCTAssertTrue(text.contains("caught_exception()"), text)
        XCTAssertTrue(text.contains("exception_matches("), text)
        XCTAssertTrue(text.contains("clear_exception("), text)
    }

    /// `except E as e` binds the exception, but it is not a value nopython code can read.
    func testExceptAsNameReadIsUnsupported() throws {
        let source = """
        def named(x):
            try:
                return 1 // x
            except ZeroDivisionError as e:
                return e
        """
        try assertUnsupported(source, "named", "as e", line: 5...5)
    }

    func testWithIsUnsupported() throws {
        let source = """
        def opened(lock):
            with lock:
                return 1
        """
        try assertUnsupported(source, "opened", "with statements", line: 2...2)
    }

    /// Container literals and f-strings translate to their IR expressions (issue 11).
    func testContainerLiteralsTranslate() throws {
        let source = """
        def listing(a, b):
            c = a + b
            return [a, b, c]
        """
        XCTAssertTrue(try ir(source, "listing").contains("build_list("))
        XCTAssertTrue(try ir("def consts():\n    x = 0\n    return [1, 2, 3]\n", "consts").contains("build_list("))
        XCTAssertTrue(try ir("def d(a):\n    return {a: 1}\n", "d").contains("build_map("))
        XCTAssertTrue(try ir("def fs(a):\n    return f'{a}'\n", "fs").contains("format_value("))
        XCTAssertTrue(try ir("def dl(a, i):\n    del a[i]\n", "dl").contains("del "))
    }

    func testOtherUnsupportedConstructs() throws {
        try assertUnsupported("def s(*args):\n    return 1\n", "s", "*args", line: 1...1)
        try assertUnsupported("async def co(a):\n    return a\n", "co", "coroutines", line: 1...1)
        try assertUnsupported("def m(a):\n    import math\n    return a\n", "m", "import", line: 2...2)
    }

    /// Closures capture only variables assigned once with a constant; an argument is not one.
    func testCapturedArgumentIsUnsupported() throws {
        try assertUnsupported("def l(a):\n    return lambda: a\n", "l", "captures the variable 'a'",
                              line: 1...2)
    }
}
