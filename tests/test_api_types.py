"""swiftjit.types: Numba's type names, array and tuple types, signatures, typeof (issue 8)."""
import numpy as np
import pytest

import swiftjit
from swiftjit import types


@pytest.mark.parametrize("t, compiler", [
    (types.int8, "int64"), (types.int16, "int64"), (types.int32, "int64"), (types.int64, "int64"),
    (types.uint8, "int64"), (types.uint64, "int64"), (types.float32, "float64"), (types.float64, "float64"),
    (types.complex64, "complex128"), (types.complex128, "complex128"), (types.boolean, "bool"),
    (types.void, "none"), (types.none, "none"), (types.intp, "int64"),
])
def test_scalar_compiler_names(t, compiler):
    assert t.compiler_name == compiler


def test_scalar_names_and_aliases():
    assert str(types.int32) == "int32"
    assert types.f8 is types.float64 and types.i4 is types.int32 and types.b1 is types.boolean
    assert types.void is types.none
    assert swiftjit.float64 is types.float64 and swiftjit.int64 is types.int64
    assert types.int64 == swiftjit.types.from_name("int64")
    assert types.boolean == types.from_name("bool")


@pytest.mark.parametrize("expr, name", [
    (lambda: types.float64[:], "array(float64, 1d, A)"),
    (lambda: types.float64[::1], "array(float64, 1d, C)"),
    (lambda: types.float64[:, :], "array(float64, 2d, A)"),
    (lambda: types.float64[:, ::1], "array(float64, 2d, C)"),
    (lambda: types.float64[::1, :], "array(float64, 2d, F)"),
    (lambda: types.int32[:, :, ::1], "array(int32, 3d, C)"),
    (lambda: types.Array(types.float32, 2, "F", readonly=True), "array(float32, 2d, F, readonly)"),
    (lambda: types.boolean[:], "array(bool, 1d, A)"),
])
def test_array_types(expr, name):
    t = expr()
    assert isinstance(t, types.Array)
    assert t.name == name == t.compiler_name


def test_array_type_errors():
    with pytest.raises(TypeError):
        types.float64[1:2]
    with pytest.raises(TypeError):
        types.float64[:, ::1, :]
    with pytest.raises(TypeError):
        types.complex128[:]


def test_tuples():
    u = types.UniTuple(types.int32, 3)
    assert u.name == "tuple(int32, int32, int32)"
    assert u.compiler_name == "tuple(int64, int64, int64)"
    assert len(u) == 3 and u.dtype == types.int32
    t = types.Tuple((types.int64, types.float64[:]))
    assert t.compiler_name == "tuple(int64, array(float64, 1d, A))"
    assert isinstance(types.Tuple((types.int64, types.int64)), types.UniTuple)


@pytest.mark.parametrize("text, ret, args", [
    ("float64(float64[:], int64)", "float64", ["array(float64, 1d, A)", "int64"]),
    ("f8(f8[:, ::1], i4)", "float64", ["array(float64, 2d, C)", "int32"]),
    ("void(int64)", "none", ["int64"]),
    ("UniTuple(int64, 2)(b1,)", "tuple(int64, int64)", ["bool"]),
    ("(f8, i8)", None, ["float64", "int64"]),
])
def test_signature_strings(text, ret, args):
    sig = types.parse_signature(text)
    assert (None if sig.return_type is None else sig.return_type.name) == ret
    assert [a.name for a in sig.args] == args


def test_signature_calls():
    sig = types.float64(types.float64[:], types.int64)
    assert isinstance(sig, types.Signature)
    assert sig.return_type is types.float64
    assert sig.args == (types.float64[:], types.int64)
    assert sig == types.parse_signature("float64(float64[:], int64)")
    assert str(sig) == "float64(array(float64, 1d, A), int64)"
    assert types.parse_signature((types.int64, types.float64)).args == (types.int64, types.float64)


def test_bad_signature_strings():
    with pytest.raises(TypeError):
        types.parse_signature("float64(notatype)")
    with pytest.raises(TypeError):
        types.parse_signature("__import__('os')")


@pytest.mark.parametrize("value, name", [
    (1, "int64"), (1.5, "float64"), (True, "bool"), (None, "none"), (1j, "complex128"),
    ((1, 2.0), "tuple(int64, float64)"), ((1, 2), "tuple(int64, int64)"),
    (np.zeros(3), "array(float64, 1d, C)"), (np.zeros((2, 3), order="F"), "array(float64, 2d, F)"),
    (np.zeros((4, 4), np.int32)[:, ::2], "array(int32, 2d, A)"),
    (np.float32(1), "float32"), (np.int16(1), "int16"),
])
def test_typeof(value, name):
    assert swiftjit.typeof(value).name == name


def test_typeof_readonly_and_unsupported():
    a = np.zeros(3)
    a.flags.writeable = False
    assert swiftjit.typeof(a).name == "array(float64, 1d, C, readonly)"
    with pytest.raises(ValueError):
        swiftjit.typeof([1, 2])
    with pytest.raises(ValueError):
        swiftjit.typeof(1 << 70)


def test_typeof_agrees_with_dispatcher():
    @swiftjit.njit
    def ident(x):
        return x
    for v in (1, 2.5, True, (1, 2.0), np.zeros((2, 2)), np.zeros(5)[::2]):
        ident(v)
        assert ident.signatures[-1] == (swiftjit.typeof(v),)


def test_number_types_cast_values():
    import numpy as np
    assert types.float32(1) == np.float32(1.0) and type(types.float32(1)) is np.float32
    assert types.int16(7) == 7 and type(types.int16(7)) is np.int16
    assert types.boolean(0) == np.False_
    assert isinstance(types.float64(types.int64), types.Signature)


def test_number_types_cast_in_compiled_code():
    from swiftjit import njit

    @njit
    def f(x, n):
        return swiftjit.float64(n) / 2 + swiftjit.int64(x) + types.int32(x) + types.boolean(n)
    assert f(2.7, 3) == 1.5 + 2 + 2 + 1
    assert f.py_func(2.7, 3) == 1.5 + 2 + 2 + 1
