import Foundation
import XCTest
import CLLVM
@testable import SwiftJIT

/// Real CPython 3.11 code objects for the tests, produced by
/// `Fixtures/dump_code.py` run with the `python3` on PATH.
///
/// Every test that needs one calls `PythonFixture.functions(_:)`, which throws
/// `XCTSkip` (the test is reported as skipped, with the reason) when python3
/// is missing or is not CPython 3.11.
enum PythonFixture {
    static let version311 = PythonVersion(major: 3, minor: 11)

    static var scriptURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent("dump_code.py")
    }

    /// One dumped function: the code object plus what CPython itself reports about it.
    struct Function {
        var code: CodeObject
        /// `list(co_positions())`, one entry per code unit; nil stands for None.
        var positions: [(Int?, Int?, Int?, Int?)]
        /// `dis.get_instructions(co)`: offset, opname, arg (nil when none), jump target.
        var dis: [(offset: Int, name: String, arg: Int?, target: Int?)]
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: [String: Function]] = [:]
    nonisolated(unsafe) private static var pythonProblem: String?? = nil

    /// nil when python3 is CPython 3.11; otherwise why the tests are skipped.
    static func problem() -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let p = pythonProblem { return p }
        let p: String?
        do {
            // Also resolves the interpreter behind python3 (often a pyenv shim
            // costing ~80 ms a call) so that fixtures run it directly.
            let out = try run(["-c", "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"])
            let lines = out.split(separator: "\n").map(String.init)
            let v = lines.first ?? "?"
            if lines.count > 1, FileManager.default.isExecutableFile(atPath: lines[1]) { executable = lines[1] }
            p = v == "3.11" ? nil : "python3 on PATH is \(v), these tests need CPython 3.11 bytecode"
        } catch {
            p = "python3 is not available: \(error)"
        }
        pythonProblem = .some(p)
        return p
    }

    /// The interpreter: `python3` looked up on PATH, until `problem()` resolves it.
    nonisolated(unsafe) private static var executable: String?

    struct ProcessFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `python3 args...` with `stdin`, returns stdout; throws on a non-zero exit.
    static func run(_ args: [String], stdin: String = "") throws -> String {
        let process = Process()
        if let exe = executable {
            process.executableURL = URL(fileURLWithPath: exe)
            process.arguments = args
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + args
        }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProcessFailure(description: "python3 exited with \(process.terminationStatus): "
                                 + String(decoding: err, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The top-level functions of `source`, by name. `pythonOptions` go before
    /// the script (for example `["-X", "no_debug_ranges"]`).
    static func functions(_ source: String, pythonOptions: [String] = [],
                          file: StaticString = #filePath, line: UInt = #line) throws -> [String: Function] {
        if let p = problem() { throw XCTSkip(p, file: file, line: line) }
        let key = pythonOptions.joined(separator: " ") + "\n" + source
        lock.lock()
        if let hit = cache[key] { lock.unlock(); return hit }
        lock.unlock()
        // -S: the script needs only the standard library; skipping site saves time.
        let out = try run(["-S"] + pythonOptions + [scriptURL.path], stdin: source)
        guard let root = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
              let fns = root["functions"] as? [String: Any] else {
            throw ProcessFailure(description: "unexpected output of dump_code.py: \(out.prefix(200))")
        }
        var result: [String: Function] = [:]
        for (name, value) in fns {
            guard let dict = value as? [String: Any] else { continue }
            result[name] = try function(dict)
        }
        lock.lock()
        cache[key] = result
        lock.unlock()
        return result
    }

    /// The single function `name` of `source`.
    static func function(_ name: String, in source: String, pythonOptions: [String] = [],
                         file: StaticString = #filePath, line: UInt = #line) throws -> Function {
        let fns = try functions(source, pythonOptions: pythonOptions, file: file, line: line)
        guard let f = fns[name] else {
            throw ProcessFailure(description: "no function \(name) in the fixture (have \(fns.keys.sorted()))")
        }
        return f
    }

    static func code(_ name: String, in source: String, file: StaticString = #filePath,
                     line: UInt = #line) throws -> CodeObject {
        try function(name, in: source, file: file, line: line).code
    }

    // MARK: JSON -> values

    static func int(_ x: Any?) -> Int? {
        if x is NSNull { return nil }
        return (x as? NSNumber)?.intValue
    }
    static func ints(_ x: Any?) -> [Int] { ((x as? [Any]) ?? []).compactMap { int($0) } }
    static func bytes(_ x: Any?) -> [UInt8] { ints(x).map { UInt8($0) } }
    static func strings(_ x: Any?) -> [String] { ((x as? [Any]) ?? []).compactMap { $0 as? String } }

    static func constant(_ x: Any) throws -> Constant {
        guard let d = x as? [String: Any], let (tag, v) = d.first else {
            throw ProcessFailure(description: "bad constant \(x)")
        }
        switch tag {
        case "none": return .none
        case "bool": return .bool((v as! NSNumber).boolValue)
        case "int": return .int((v as! NSNumber).int64Value)
        case "bigint": return .bigInt(v as! String)
        case "float":
            guard let s = v as? String, let d = Double(s) else { throw ProcessFailure(description: "bad float \(v)") }
            return .float(d)
        case "str": return .string(v as! String)
        case "bytes": return .bytes(bytes(v))
        case "tuple": return .tuple(try (v as! [Any]).map(constant))
        case "code": return .code(try function(v as! [String: Any]).code)
        case "ellipsis": return .ellipsis
        case "other": return .other(typeName: v as! String)
        default: throw ProcessFailure(description: "unknown constant tag \(tag)")
        }
    }

    static func function(_ d: [String: Any]) throws -> Function {
        let code = CodeObject(
            version: version311,
            name: d["co_name"] as! String,
            qualname: d["co_qualname"] as? String,
            filename: d["co_filename"] as? String ?? "<test>",
            firstLineNumber: int(d["co_firstlineno"]) ?? 1,
            argCount: int(d["co_argcount"]) ?? 0,
            positionalOnlyArgCount: int(d["co_posonlyargcount"]) ?? 0,
            keywordOnlyArgCount: int(d["co_kwonlyargcount"]) ?? 0,
            flags: CodeFlags(rawValue: int(d["co_flags"]) ?? 0),
            varnames: strings(d["co_varnames"]),
            cellvars: strings(d["co_cellvars"]),
            freevars: strings(d["co_freevars"]),
            names: strings(d["co_names"]),
            constants: try ((d["co_consts"] as? [Any]) ?? []).map(constant),
            code: bytes(d["co_code"]),
            lineTable: bytes(d["co_linetable"]),
            exceptionTable: bytes(d["co_exceptiontable"]))
        let positions = ((d["co_positions"] as? [Any]) ?? []).map { p -> (Int?, Int?, Int?, Int?) in
            let a = (p as? [Any]) ?? []
            return (int(a[0]), int(a[1]), int(a[2]), int(a[3]))
        }
        let dis = ((d["dis"] as? [Any]) ?? []).map { i -> (offset: Int, name: String, arg: Int?, target: Int?) in
            let a = i as! [Any]
            return (int(a[0])!, a[1] as! String, int(a[2]), int(a[3]))
        }
        return Function(code: code, positions: positions, dis: dis)
    }
}

/// A catalogue of small functions covering the constructs the stages handle,
/// shared by the decoder, line table and control-flow tests.
enum Corpus {
    static let source = """
    def add(a, b):
        return a + b

    def branch(x):
        if x:
            y = 1
        else:
            y = 2
        return y

    def loop_while(n):
        i = 0
        while i < n:
            i += 1
        return i

    def loop_for(n):
        s = 0
        for i in range(n):
            s += i
        return s

    def calls(x):
        import math
        return math.sqrt(abs(x)) + max(x, 1) + x.real

    def nested_loops(n):
        t = 0
        for i in range(n):
            for j in range(i):
                if j % 3 == 0:
                    continue
                if j > 50:
                    break
                t += i * j
        return t

    def boolean_ops(a, b, c):
        return (a and b) or (not c and a is None)

    def multiline(a,
                  b):
        return (a
                +
                b) * (
            a - b)

    def far_lines(a):
        x = a


        # several blank lines: the line delta needs the long forms


        y = x
        return y

    def subscripts(t, i):
        a, b = t
        return t[i] + a - b

    def raising(x):
        if x < 0:
            raise ValueError("negative")
        assert x != 3, "three"
        return x

    def with_try(x):
        try:
            return 1 // x
        except ZeroDivisionError:
            return 0

    def gen(n):
        yield n

    def comprehension(n):
        return [i * i for i in range(n)]

    def kwonly(a, *, b=2):
        return a + b

    def closure(a):
        def inner():
            return a
        return inner
    """

    static let longLine = "def long_line(a):\n    return " + (0..<100).map { _ in "a" }.joined(separator: " + ") + "\n"
}

/// Compiles with `withWrapper = false` and calls the native entry directly.
enum Native {
    /// Class and message of the exception descriptor the native code stores through `exc`.
    struct Raised: Equatable {
        var classAddress: UInt
        var message: String?
    }

    static func compile(_ code: CodeObject, _ argTypes: [JITType],
                        globals: [String: GlobalValue] = [:]) throws -> CompiledFunction {
        ExceptionSymbols.install()
        var options = CompileOptions()
        options.withWrapper = false
        options.tracebacks = false  // no runtime context here
        return try Compiler.compile(code, argTypes: argTypes, options: options) { name in
            if let g = globals[name] { return g }
            switch name {
            case "range", "abs", "min", "max", "int", "float", "bool": return .builtin(name)
            case _ where Registry.builtinExceptions.contains(name): return .exceptionClass(name)
            default: return .undefined
            }
        }
    }

    static func raised(_ exc: UnsafeRawPointer?) -> Raised? {
        guard let exc = exc else { return nil }
        let fields = exc.assumingMemoryBound(to: UnsafeRawPointer?.self)
        let cls = UInt(bitPattern: fields[0])
        let msg = fields[1].map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
        return Raised(classAddress: cls, message: msg)
    }
}

/// Stand-ins for CPython's exception class variables (`PyExc_ValueError`, ...).
///
/// Native code raises by storing the address of `PyExc_<Class>` in its
/// exception descriptor, so the JIT must resolve those symbols even without
/// the wrapper. The test process has no libpython, so the first compile checks
/// whether native code links without them (`probe`), then defines each symbol
/// in the JIT as one pointer-sized slot of `slots`, which lets tests check
/// which class was raised by address.
enum ExceptionSymbols {
    struct State {
        /// nil when `def f(a, b): return a // b` compiled and linked with no
        /// CPython symbols defined; otherwise the error.
        var probeError: String?
        var addresses: [String: UInt] = [:]
    }

    static let names = Registry.builtinExceptions.sorted()

    /// Hand-assembled CPython 3.11 bytecode of `def f(a, b): return a // b`.
    static let floorDivCode = CodeObject(
        version: PythonFixture.version311, name: "probe_floordiv", argCount: 2, varnames: ["a", "b"], names: [],
        constants: [.none],
        code: [151, 0, 124, 0, 124, 1, 122, 2, 0, 0, 83, 0])

    static let state: State = {
        var state = State()
        var options = CompileOptions()
        options.withWrapper = false
        options.tracebacks = false  // no runtime context here
        do {
            _ = try Compiler.compile(floorDivCode, argTypes: [.int64, .int64], options: options) { _ in .undefined }
        } catch {
            state.probeError = "\(error)"
        }
        guard case .success(let backend) = Backend.shared else { return state }
        let slots = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: names.count)
        slots.initialize(repeating: nil, count: names.count)
        let session = LLVMOrcLLJITGetExecutionSession(backend.jit)
        var pairs: [LLVMOrcCSymbolMapPair] = []
        for (i, name) in names.enumerated() {
            let symbol = "PyExc_" + name
            let address = UInt(bitPattern: slots + i)
            state.addresses[name] = address
            let flags = LLVMJITSymbolFlags(GenericFlags: UInt8(LLVMJITSymbolGenericFlagsExported.rawValue),
                                           TargetFlags: 0)
            pairs.append(LLVMOrcCSymbolMapPair(
                Name: LLVMOrcExecutionSessionIntern(session, symbol),
                Sym: LLVMJITEvaluatedSymbol(Address: LLVMOrcExecutorAddress(address), Flags: flags)))
        }
        do {
            // Fails as a whole when the backend already defines one of them;
            // then the addresses are looked up below.
            let unit = pairs.withUnsafeMutableBufferPointer { LLVMOrcAbsoluteSymbols($0.baseAddress, $0.count) }
            if let error = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(backend.jit), unit) {
                LLVMConsumeError(error)
                LLVMOrcDisposeMaterializationUnit(unit)
                state.addresses = [:]
            }
        }
        for name in names where state.addresses[name] == nil {
            if let a = try? backend.lookup("PyExc_" + name) { state.addresses[name] = UInt(a) }
        }
        return state
    }()

    static func install() { _ = state }

    /// Address of the `PyExc_<name>` variable the JIT links against.
    static func address(of name: String) -> UInt? { state.addresses[name] }
}
