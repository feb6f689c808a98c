import CPython
import SwiftJIT

/// Reads a live Python function into the compiler's value types.
enum CodeReader {
    static func version() -> PythonVersion {
        PythonVersion(major: Int(PY_MAJOR_VERSION), minor: Int(PY_MINOR_VERSION))
    }

    /// `func.__code__` as a CodeObject.
    static func read(function: PyPtr) throws -> CodeObject {
        guard let code = Py.attr(function, "__code__") else {
            throw CompileError(.unsupported, "\(Py.typeName(function)) objects cannot be compiled: pass a Python function",
                               stage: "bytecode")
        }
        defer { Py_DecRef(code) }
        return try read(code: code)
    }

    static func read(code: PyPtr) throws -> CodeObject {
        guard swiftjit_is_code(code) != 0 else {
            throw CompileError(.internal, "not a code object", stage: "bytecode")
        }
        var constants: [Constant] = []
        if let consts = Py.attr(code, "co_consts") {
            defer { Py_DecRef(consts) }
            for i in 0..<PyTuple_Size(consts) {
                constants.append(try constant(PyTuple_GetItem(consts, i)!))
            }
        }
        return CodeObject(
            version: version(),
            name: Py.stringAttr(code, "co_name") ?? "<unknown>",
            qualname: Py.stringAttr(code, "co_qualname"),
            filename: Py.stringAttr(code, "co_filename") ?? "<unknown>",
            firstLineNumber: Py.intAttr(code, "co_firstlineno") ?? 1,
            argCount: Py.intAttr(code, "co_argcount") ?? 0,
            positionalOnlyArgCount: Py.intAttr(code, "co_posonlyargcount") ?? 0,
            keywordOnlyArgCount: Py.intAttr(code, "co_kwonlyargcount") ?? 0,
            flags: CodeFlags(rawValue: Py.intAttr(code, "co_flags") ?? 0),
            varnames: Py.stringTuple(code, "co_varnames"),
            cellvars: Py.stringTuple(code, "co_cellvars"),
            freevars: Py.stringTuple(code, "co_freevars"),
            names: Py.stringTuple(code, "co_names"),
            constants: constants,
            code: Py.bytesAttr(code, "co_code") ?? [],
            lineTable: Py.bytesAttr(code, "co_linetable") ?? [],
            exceptionTable: Py.bytesAttr(code, "co_exceptiontable") ?? [])
    }

    static func constant(_ o: PyPtr) throws -> Constant {
        if o == swiftjit_none() { return .none }
        if o == swiftjit_true() { return .bool(true) }
        if o == swiftjit_false() { return .bool(false) }
        let tn = Py.typeName(o)
        switch tn {
        case "int":
            var overflow: Int32 = 0
            let v = PyLong_AsLongLongAndOverflow(o, &overflow)
            if overflow != 0 {
                let r = PyObject_Repr(o)
                defer { Py_DecRef(r) }
                return .bigInt(Py.string(r) ?? "?")
            }
            return .int(Int64(v))
        case "float": return .float(PyFloat_AsDouble(o))
        case "complex": return .complex(PyComplex_RealAsDouble(o), PyComplex_ImagAsDouble(o))
        case "str": return .string(Py.string(o) ?? "")
        case "bytes":
            let n = PyBytes_Size(o)
            let p = PyBytes_AsString(o)!
            return .bytes(p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) })
        case "tuple", "frozenset" where swiftjit_is_tuple(o) != 0:
            return .tuple(try (0..<PyTuple_Size(o)).map { try constant(PyTuple_GetItem(o, $0)!) })
        case "frozenset":
            // `x in {1, 2}` and set literals `{1, 2, 3}` (BUILD_SET + SET_UPDATE): the items as a tuple.
            guard let t = PySequence_Tuple(o) else { PyErr_Clear(); return .other(typeName: tn) }
            defer { Py_DecRef(t) }
            return .tuple(try (0..<PyTuple_Size(t)).map { try constant(PyTuple_GetItem(t, $0)!) })
        case "code": return .code(try read(code: o))
        case "ellipsis": return .ellipsis
        default: return .other(typeName: tn)
        }
    }

    /// What a Python value means to the compiler when used as a global or free variable.
    static func globalValue(_ o: PyPtr, builtins: PyPtr?) -> GlobalValue {
        if o == swiftjit_none() { return .none }
        if o == swiftjit_true() { return .bool(true) }
        if o == swiftjit_false() { return .bool(false) }
        if swiftjit_is_module(o) != 0 { return .module(Py.stringAttr(o, "__name__") ?? "?") }
        let tn = Py.typeName(o)
        switch tn {
        case "int":
            var overflow: Int32 = 0
            let v = PyLong_AsLongLongAndOverflow(o, &overflow)
            return overflow != 0 ? .unsupported(typeName: "int too large for int64") : .int(Int64(v))
        case "float":
            return .float(PyFloat_AsDouble(o))
        case "complex":
            return .complex(PyComplex_RealAsDouble(o), PyComplex_ImagAsDouble(o))
        case "tuple":
            return .tuple((0..<PyTuple_Size(o)).map { globalValue(PyTuple_GetItem(o, $0)!, builtins: builtins) })
        default:
            break
        }
        // swiftjit.typed.List / typed.Dict imported by name (TypedContainerTyping.swift).
        if let list = swiftjit_typed_class(0), o == list { return .builtin("typed.List") }
        if let dict = swiftjit_typed_class(1), o == dict { return .builtin("typed.Dict") }
        // A builtin function or type, if it is the very object builtins holds under its name.
        if let name = Py.stringAttr(o, "__name__"), let b = builtins,
           let inBuiltins = PyDict_GetItemString(b, name), inBuiltins == o {
            if swiftjit_is_exception_class(o) != 0 {
                return .exceptionClass(name)
            }
            return .builtin(name)
        }
        // A function of math or cmath imported by name (`from math import sqrt`).
        if tn == "builtin_function_or_method", let name = Py.stringAttr(o, "__name__"),
           let module = Py.stringAttr(o, "__module__"), module == "math" || module == "cmath",
           let moduleName = Py.str(module) {
            defer { Py_DecRef(moduleName) }
            guard let m = PyImport_GetModule(moduleName) else { PyErr_Clear(); return .unsupported(typeName: tn) }
            defer { Py_DecRef(m) }
            if let same = Py.attr(m, name) {
                defer { Py_DecRef(same) }
                if same == o { return .builtin("\(module).\(name)") }
            }
        }
        return .unsupported(typeName: tn)
    }
}
