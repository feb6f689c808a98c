"""@cfunc: C callbacks generated in LLVM around the native entry (issue 8)."""
import ctypes
import math

import pytest

import swiftjit
from swiftjit import cfunc, types


def test_float_callback_through_ctypes():
    @cfunc("float64(float64, float64)")
    def hypot(x, y):
        return math.sqrt(x * x + y * y)
    assert isinstance(hypot.address, int) and hypot.address > 0
    assert hypot.ctypes(3.0, 4.0) == 5.0
    assert hypot(5.0, 12.0) == 13.0
    # A ctypes function pointer made from the bare address works the same.
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double)
    assert proto(hypot.address)(8.0, 15.0) == 17.0
    assert hypot.py_func(3.0, 4.0) == 5.0


def test_narrow_c_types():
    @cfunc("int32(int32, int32)")
    def add(a, b):
        return a + b
    assert add.ctypes.restype is ctypes.c_int32
    assert add(2, 3) == 5
    assert add(-7, 2) == -5
    assert add(2**31 - 1, 1) == -(2**31)  # the int64 result is truncated to int32 on return

    @cfunc(types.float32(types.float32))
    def half(x):
        return x / 2
    assert half(3.0) == 1.5

    @cfunc("uint8(uint8)")
    def inc(x):
        return x + 1
    assert inc(255) == 0 and inc(254) == 255

    @cfunc("bool(int64)")
    def is_even(n):
        return n % 2 == 0
    assert is_even(4) is True and is_even(3) is False


def test_void_and_int_to_float():
    @cfunc("void(int64)")
    def nothing(n):
        x = n * 2  # noqa: F841
    assert nothing(3) is None

    @cfunc("float64(int64)")
    def f(n):
        return n // 2
    assert f(7) == 3.0


def test_callback_used_by_foreign_code():
    """Pass the cfunc to C code that calls it: libc's qsort with an int32 comparator is not
    expressible (no pointers), so use a ctypes-level integrator calling the C pointer."""
    @cfunc("float64(float64)")
    def integrand(x):
        return x * x
    fn = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(integrand.address)
    n = 1000
    total = sum(fn((i + 0.5) / n) for i in range(n)) / n
    assert abs(total - 1 / 3) < 1e-6


def test_exception_is_unraisable_and_result_zero():
    @cfunc("int64(int64, int64)")
    def div(a, b):
        return a // b
    seen = []
    import sys
    old = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(u.exc_type)
    try:
        assert div(7, 0) == 0
    finally:
        sys.unraisablehook = old
    assert seen == [ZeroDivisionError]
    assert div(7, 2) == 3


def test_cfunc_errors():
    with pytest.raises(TypeError):
        cfunc("(float64,)")  # no return type
    with pytest.raises(TypeError):
        @cfunc("float64(float64[:])")
        def f(a):
            return a[0]
    with pytest.raises(swiftjit.TypingError):
        @cfunc("float64(float64)")
        def g(x):
            return x + (1,)


def test_inspect():
    @cfunc("float64(float64)")
    def sq(x):
        return x * x
    assert "define" in sq.inspect_llvm()
    assert "float64" in sq.inspect_types()
    assert "CFunc" in repr(sq)


def test_cfunc_called_from_jitted_code():
    @cfunc("float64(float64, float64)")
    def weighted(x, w):
        return x * w

    @swiftjit.njit
    def total(n):
        s = 0.0
        for i in range(n):
            s += weighted(float(i), 0.5)
        return s
    assert total(10) == total.py_func(10) == 22.5


@pytest.mark.parametrize("dtype, bits, signed", [
    ("int8", 8, True), ("int16", 16, True), ("int32", 32, True), ("int64", 64, True),
    ("uint8", 8, False), ("uint16", 16, False), ("uint32", 32, False), ("uint64", 64, False),
])
def test_integer_c_types_wrap_like_c(dtype, bits, signed):
    @cfunc(f"{dtype}({dtype}, {dtype})")
    def add(a, b):
        return a + b
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)

    def c_add(a, b):
        r = (a + b) & ((1 << bits) - 1)
        return r - (1 << bits) if signed and r > hi else r
    for a, b in [(hi, 1), (lo, -1 if signed else 0), (hi, hi), (lo, lo), (3, 4), (hi // 2, hi // 3)]:
        assert add(a, b) == c_add(a, b), (a, b)
