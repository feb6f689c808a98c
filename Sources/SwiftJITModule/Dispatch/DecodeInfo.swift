import CPython
import SwiftJIT

/// `_swiftjit._decode(code)` -> [(offset, opname, arg, jump_target or None, line or None)]:
/// the instructions swiftjit's decoder reads from a code object, for tests that
/// compare them with `dis` of the running interpreter.
let decodeMethod: _PyCFunctionFast = { _, args, nargs in
    guard nargs == 1, let a = args, let code = a[0] else {
        PyErr_SetString(PyExc_TypeError, "_decode(code)")
        return nil
    }
    let instructions: [Instruction]
    do {
        let value = try CodeReader.read(code: code)
        instructions = try Decoder(version: value.version).decode(value)
    } catch {
        Py.raise(PyExc_ValueError, "\(error)")
        return nil
    }
    let list = PyList_New(0)!
    func object(_ i: Int?) -> PyPtr {
        guard let i = i else { Py_IncRef(swiftjit_none()); return swiftjit_none() }
        return PyLong_FromLongLong(Int64(i))
    }
    for ins in instructions {
        let t = PyTuple_New(5)!
        PyTuple_SetItem(t, 0, object(ins.offset))
        PyTuple_SetItem(t, 1, Py.str(ins.name))
        PyTuple_SetItem(t, 2, object(ins.arg))
        PyTuple_SetItem(t, 3, object(ins.jumpTarget))
        PyTuple_SetItem(t, 4, object(ins.position.line >= 0 ? ins.position.line : nil))
        PyList_Append(list, t)
        Py_DecRef(t)
    }
    return list
}
