import XCTest
@testable import SwiftJIT

final class TypeInferenceTests: XCTestCase {
    static func resolve(_ name: String) -> GlobalValue {
        switch name {
        case "range", "abs", "min", "max", "int", "float", "bool": return .builtin(name)
        case "math": return .module("math")
        case "ValueError": return .exceptionClass(name)
        case "LIMIT": return .int(10)
        case "SCALE": return .float(0.5)
        case "PAIR": return .tuple([.int(1), .float(2)])
        case "open": return .builtin("open")
        case "os": return .module("os")
        case "handler": return .unsupported(typeName: "function")
        default: return .undefined
        }
    }

    func infer(_ source: String, _ name: String, _ args: [JITType],
               file: StaticString = #filePath, line: UInt = #line) throws -> TypedFunction {
        let ir = try Translator.translate(try PythonFixture.code(name, in: source, file: file, line: line))
        return try TypeInference.infer(ir, argTypes: args, resolveGlobal: Self.resolve)
    }

    /// The type inferred for the Python local `local`.
    func type(of local: String, in f: TypedFunction, file: StaticString = #filePath, line: UInt = #line) -> JITType? {
        guard let i = f.ir.varNames.firstIndex(of: local) else {
            XCTFail("no variable \(local)", file: file, line: line)
            return nil
        }
        return f.varTypes[i]
    }

    func assertTypingError(_ source: String, _ name: String, _ args: [JITType], contains message: String,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let code = try PythonFixture.code(name, in: source, file: file, line: line)
        let ir = try Translator.translate(code)
        XCTAssertThrowsError(try TypeInference.infer(ir, argTypes: args, resolveGlobal: Self.resolve),
                             file: file, line: line) { error in
            guard let e = error as? CompileError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.kind, .typing, "\(e)", file: file, line: line)
            XCTAssertEqual(e.stage, "typing", file: file, line: line)
            XCTAssertTrue(e.message.contains(message), "'\(e.message)' should contain '\(message)'", file: file, line: line)
            XCTAssertGreaterThanOrEqual(e.position.line, code.firstLineNumber, "\(e) has a source line",
                                        file: file, line: line)
        }
    }

    // MARK: unification

    func testIntPlusFloatIsFloat() throws {
        let f = try infer(Corpus.source, "add", [.int64, .float64])
        XCTAssertEqual(f.returnType, .float64)
        XCTAssertEqual(f.argTypes, [.int64, .float64])
        XCTAssertEqual(type(of: "a", in: f), .int64, "arguments keep their own types")
        let ints = try infer(Corpus.source, "add", [.int64, .int64])
        XCTAssertEqual(ints.returnType, .int64)
        let bools = try infer(Corpus.source, "add", [.boolean, .boolean])
        XCTAssertEqual(bools.returnType, .int64, "True + True is an int")
    }

    func testVariableAssignedIntAndFloatIsFloat() throws {
        let source = """
        def pick(x):
            if x:
                y = 1
            else:
                y = 2.5
            return y

        def accumulate(n):
            s = 0
            for i in range(n):
                s = s + 0.5
            return s
        """
        let f = try infer(source, "pick", [.boolean])
        XCTAssertEqual(type(of: "y", in: f), .float64)
        XCTAssertEqual(f.returnType, .float64)
        let g = try infer(source, "accumulate", [.int64])
        XCTAssertEqual(type(of: "s", in: g), .float64, "widened by the loop's back edge")
        XCTAssertEqual(type(of: "i", in: g), .int64)
        XCTAssertEqual(g.returnType, .float64)
    }

    func testNoneOrIntIsOptional() throws {
        let source = """
        def maybe(x):
            if x > 0:
                return x
            return None

        def implicit(x):
            if x > 0:
                return x

        def local(x):
            y = None
            if x:
                y = x
            return y
        """
        XCTAssertEqual(try infer(source, "maybe", [.int64]).returnType, .optional(.int64))
        XCTAssertEqual(try infer(source, "maybe", [.float64]).returnType, .optional(.float64))
        XCTAssertEqual(try infer(source, "implicit", [.int64]).returnType, .optional(.int64))
        let l = try infer(source, "local", [.int64])
        XCTAssertEqual(type(of: "y", in: l), .optional(.int64))
        XCTAssertEqual(l.returnType, .optional(.int64))
    }

    func testUnifyRules() {
        XCTAssertEqual(JITType.unify(.int64, .float64), .float64)
        XCTAssertEqual(JITType.unify(.boolean, .int64), .int64)
        XCTAssertEqual(JITType.unify(.none, .int64), .optional(.int64))
        XCTAssertEqual(JITType.unify(.optional(.int64), .float64), .optional(.float64))
        XCTAssertEqual(JITType.unify(.none, .optional(.boolean)), .optional(.boolean))
        XCTAssertEqual(JITType.unify(.tuple([.int64, .boolean]), .tuple([.float64, .int64])), .tuple([.float64, .int64]))
        XCTAssertNil(JITType.unify(.tuple([.int64]), .tuple([.int64, .int64])))
        XCTAssertNil(JITType.unify(.int64, .tuple([.int64])))
        XCTAssertNil(JITType.unify(.none, .range), "only first-class types become optional")
    }

    func testTypedDump() throws {
        let f = try infer(Corpus.source, "add", [.int64, .float64])
        XCTAssertEqual(f.dump(), """
        returns float64
        function add(a, b):
        block0:
            a: int64 = arg(0)
            b: float64 = arg(1)
            jump block1
        block1:  # offset 0
            $1: int64 = a
            $2: float64 = b
            $3: float64 = binary(+, $1, $2)
            return $3

        """)
    }

    func testGlobalsAndCalls() throws {
        let source = """
        def root(x):
            return math.sqrt(abs(x)) + math.pi

        def rounding(x):
            return math.floor(x) + int(x > 1)
        """
        let f = try infer("def scaled(x):\n    a, b = PAIR\n    return x * SCALE + LIMIT + a + b\n", "scaled", [.int64])
        XCTAssertEqual(f.returnType, .float64)
        XCTAssertEqual(f.globals["LIMIT"], .int(10))
        XCTAssertEqual(f.globals["PAIR"], .tuple([.int(1), .float(2)]))
        XCTAssertEqual(type(of: "b", in: f), .float64)
        let r = try infer(source, "root", [.int64])
        XCTAssertEqual(r.returnType, .float64)
        XCTAssertEqual(Set(r.calls.values.map(\.impl)), [.abs, .math("sqrt")])
        XCTAssertEqual(try infer(source, "rounding", [.float64]).returnType, .int64)
    }

    // MARK: errors

    func testAddingATupleIsATypingError() throws {
        try assertTypingError("def f(a):\n    return a + (1, 2)\n", "f", [.int64],
                              contains: "cannot add int64 and tuple(int64, int64)")
    }

    func testOtherTypingErrors() throws {
        try assertTypingError("def f(a):\n    return a + undefined_name\n", "f", [.int64],
                              contains: "name 'undefined_name' is not defined")
        // Which path is named first depends on block order; the message names both types.
        let variable = "def f(a):\n    if a:\n        y = 1\n    else:\n        y = (1, 2)\n    return y\n"
        try assertTypingError(variable, "f", [.boolean], contains: "variable 'y' is ")
        try assertTypingError(variable, "f", [.boolean], contains: "and these cannot be unified")
        let returns = "def f(a):\n    if a:\n        return 1\n    return (1, 2)\n"
        try assertTypingError(returns, "f", [.boolean], contains: "the function returns ")
        for (source, what) in [(variable, "variable"), (returns, "return")] {
            let ir = try Translator.translate(try PythonFixture.code("f", in: source))
            do {
                _ = try TypeInference.infer(ir, argTypes: [.boolean], resolveGlobal: Self.resolve)
                XCTFail("\(what): no error")
            } catch let e as CompileError {
                let m = e.message
                XCTAssertTrue(m.contains("int64 on one path and tuple(int64, int64) on another")
                              || m.contains("tuple(int64, int64) on one path and int64 on another"), m)
            }
        }
        try assertTypingError("def f(a):\n    return a - 1.5\n", "f", [.tuple([.int64])],
                              contains: "cannot subtract tuple(int64) and float64")
        try assertTypingError("def f(a):\n    return a << 1.0\n", "f", [.int64], contains: "cannot shift int64 and float64")
        try assertTypingError("def f(a):\n    open(a)\n", "f", [.int64], contains: "the builtin 'open' is not supported")
        try assertTypingError("def f(a):\n    return os.getpid() + a\n", "f", [.int64], contains: "the module 'os'")
        try assertTypingError("def f(a):\n    return handler(a)\n", "f", [.int64],
                              contains: "global name 'handler' is a function")
        try assertTypingError("def f(a):\n    return range(a, 1.5)\n", "f", [.int64], contains: "range(int64, float64)")
        try assertTypingError("def f(a):\n    return 1180591620717411303424 + a\n", "f", [.int64],
                              contains: "the integer constant 1180591620717411303424 does not fit in int64")
        try assertTypingError("def f(a):\n    raise a\n", "f", [.int64], contains: "cannot raise int64")
        try assertTypingError("def f(a):\n    for i in a:\n        pass\n    return 0\n", "f", [.float64],
                              contains: "iterating over float64")
    }

    func testArgumentCountMismatchIsInternal() throws {
        let ir = try Translator.translate(try PythonFixture.code("add", in: Corpus.source))
        XCTAssertThrowsError(try TypeInference.infer(ir, argTypes: [.int64], resolveGlobal: Self.resolve)) {
            XCTAssertEqual(($0 as? CompileError)?.kind, .internal)
        }
    }
}
