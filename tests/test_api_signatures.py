"""Explicit signatures: eager compilation, conversions, TypeError, return types (issue 8)."""
import os
import subprocess
import sys

import numpy as np
import pytest

from swiftjit import njit, jit, types
from swiftjit.errors import TypingError


def test_compiles_at_decoration():
    @njit("float64(float64[:], int64)")
    def scaled_sum(a, k):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * k
        return s
    assert scaled_sum.stats["compiled"] == 1
    assert scaled_sum.signatures == [(types.float64[:], types.int64)]
    a = np.arange(5.0)
    assert scaled_sum(a, 3) == scaled_sum.py_func(a, 3) == 30.0
    # C-contiguous, strided and read-only-free arrays all convert to the 'A' signature
    assert scaled_sum(a[::2], 2) == scaled_sum.py_func(a[::2], 2)
    assert scaled_sum.stats["compiled"] == 1


def test_typing_error_at_decoration():
    with pytest.raises(TypingError):
        @njit("float64(float64)")
        def bad(x):
            return x + (1, 2)


def test_no_matching_definition_lists_signatures():
    @njit(["int64(int64, int64)", "float64(float64, float64)"])
    def add(a, b):
        return a + b
    with pytest.raises(TypeError) as e:
        add(np.zeros(2), 1)
    msg = str(e.value)
    assert "No matching definition for argument type(s) array(float64, 1d, C), int64" in msg
    assert "(int64, int64) -> int64" in msg and "(float64, float64) -> float64" in msg
    assert add.stats["compiled"] == 2
    with pytest.raises(TypeError):
        add(1j, 2)  # complex does not convert down
    assert add.stats["compiled"] == 2


def test_safe_conversions():
    @njit("float64(float64)")
    def half(x):
        return x / 2
    assert half(3) == 1.5 and type(half(3)) is float
    assert half(True) == 0.5
    assert half(np.int32(7)) == 3.5
    for _ in range(3):
        assert half(5) == 2.5  # later calls go through the fast path alias
    assert half.stats["compiled"] == 1

    @njit("int64(int64)")
    def twice(x):
        return 2 * x
    assert twice(True) == 2
    with pytest.raises(TypeError):
        twice(2.5)  # float -> int is not a safe conversion (as Numba)

    @njit("complex128(complex128)")
    def sq(z):
        return z * z
    assert sq(3) == 9 + 0j and sq(1.5) == 2.25 + 0j and sq(1j) == -1 + 0j


def test_first_compatible_signature_wins_exact_first():
    @njit(["float64(float64)", "int64(int64)"])
    def ident(x):
        return x
    assert type(ident(3)) is int  # exact match preferred over conversion
    assert type(ident(3.0)) is float
    assert type(ident(True)) is float  # bool converts to the first compatible overload


def test_return_type_is_converted():
    @njit("float64(int64, int64)")
    def add(a, b):
        return a + b
    r = add(2, 3)
    assert r == 5.0 and type(r) is float
    assert add.overloads[(types.int64, types.int64)].return_type == types.float64

    @njit(types.complex128(types.float64))
    def c(x):
        return x
    assert c(2.0) == 2 + 0j and type(c(2.0)) is complex


def test_return_type_that_does_not_convert():
    with pytest.raises(TypingError, match="does not convert to the declared return type int64"):
        @njit("int64(float64)")
        def f(x):
            return x * 2.0


def test_narrow_scalars_compute_as_64_bit():
    @njit("int32(int32, int32)")
    def add(a, b):
        return a + b
    assert add.signatures == [(types.int64, types.int64)]
    assert add(2**40, 1) == 2**40 + 1  # documented: scalars compute as int64

    @njit("float32(float32)")
    def third(x):
        return x / 3
    assert third(1.0) == 1.0 / 3  # float64 arithmetic


def test_array_signatures_layouts_and_dtypes():
    @njit("void(float64[:, ::1], float64)")
    def fill(a, v):
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                a[i, j] = v
    a = np.zeros((2, 3))
    fill(a, 4.0)
    assert (a == 4.0).all()
    with pytest.raises(TypeError):
        fill(np.zeros((3, 2)).T, 1.0)  # F order does not match C
    with pytest.raises(TypeError):
        fill(np.zeros((2, 3), np.float32), 1.0)  # dtypes do not convert

    @njit("int64(int32[:])")
    def total(a):
        s = 0
        for x in a:
            s += x
        return s
    x = np.arange(10, dtype=np.int32)
    assert total(x) == 45
    assert total.signatures == [(types.int32[:],)]


def test_readonly_arrays():
    @njit(types.float64(types.Array(types.float64, 1, "A", readonly=True)))
    def first(a):
        return a[0]
    ro = np.arange(3.0)
    ro.flags.writeable = False
    assert first(ro) == 0.0
    assert first(np.arange(3.0) + 1) == 1.0  # writable converts to readonly

    @njit("float64(float64[:])")
    def first_w(a):
        return a[0]
    with pytest.raises(TypeError):
        first_w(ro)  # readonly does not convert to writable


def test_tuple_signature():
    @njit("float64(UniTuple(float64, 2))")
    def norm1(t):
        return abs(t[0]) + abs(t[1])
    assert norm1((1.0, -2.0)) == 3.0
    assert norm1((1, -2)) == 3.0  # int items convert


def test_signature_forms():
    def f(a, b):
        return a * b
    for sig in ["f8(f8, i8)", types.float64(types.float64, types.int64), (types.float64, types.int64),
                ["f8(f8, i8)"]]:
        d = njit(sig)(f)
        assert d.signatures == [(types.float64, types.int64)], sig
        assert d(2.0, 3) == 6.0
    d = jit("float64(float64, int64)", nopython=True, nogil=True)(f)
    assert d(1.5, 2) == 3.0 and d.targetoptions["nogil"]


def test_wrong_arity_signature():
    with pytest.raises(TypeError, match="2 argument"):
        @njit("float64(float64, float64)")
        def f(x):
            return x


def test_lazy_dispatcher_compile_method():
    @njit
    def mul(a, b):
        return a * b
    mul.compile("float64(float64, float64)")
    assert mul.signatures == [(types.float64, types.float64)]
    assert mul(2, 3) == 6  # a lazy dispatcher still compiles new types
    assert mul.signatures[-1] == (types.int64, types.int64)


def test_disable_jit_with_signature():
    code = ("import swiftjit\n"
            "@swiftjit.njit('float64(float64)')\n"
            "def f(x):\n    return x + 1\n"
            "print(type(f).__name__, f(1.0))\n")
    env = dict(os.environ, SWIFTJIT_DISABLE_JIT="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["function", "2.0"]


def test_explicit_callee_from_compiled_code():
    @njit("float64(float64[:])")
    def total(a):
        s = 0.0
        for x in a:
            s += x
        return s

    @njit
    def caller(a):
        return total(a) + total(a[::2])  # C and A layouts share the 'A' overload
    a = np.arange(6.0)
    assert caller(a) == caller.py_func(a)
    assert total.stats["compiled"] == 1

    @njit("float64(float64)")
    def half(x):
        return x / 2

    @njit
    def bad(n):
        return half(n)
    with pytest.raises(TypingError, match="explicit signatures"):
        bad(3)
    assert half.signatures == [(types.float64,)]

    @njit
    def good(n):
        return half(float(n))
    assert good(3) == 1.5


def test_conversion_aliases_do_not_grow():
    @njit("float64(float64, UniTuple(float64, 2))")
    def f(x, t):
        return x + t[0] + t[1]
    for _ in range(20):
        assert f(1, (1, 2)) == 4.0  # a tuple is never keyed: no alias
    assert f._fast_path_size() == 1
    for _ in range(20):
        assert f(1.0, (1.0, 2.0)) == 4.0
    assert f._fast_path_size() == 1

    @njit("float64(float64[:])")
    def g(a):
        return a[0]
    for _ in range(20):
        g(np.ones(3))  # C layout -> one alias of the A overload, then the fast path
    assert g._fast_path_size() == 2


def test_optional_argument_rejected_clearly():
    with pytest.raises(TypeError, match="not supported in signatures"):
        @njit("bool(Optional(int64))")
        def f(x):
            return x is None

    @njit("Optional(int64)(int64)")
    def g(x):
        if x > 0:
            return x
        return None
    assert g(3) == 3 and g(-1) is None


def test_void_signature_with_a_returned_value_is_an_error():
    with pytest.raises(TypingError, match="declared return type none"):
        @njit("void(int64)")
        def f(x):
            return x


def test_explicit_signature_with_disk_cache(tmp_path):
    src = tmp_path / "modc.py"
    src.write_text("import swiftjit\n"
                   "@swiftjit.njit('float64(int64, int64)', cache=True)\n"
                   "def add(a, b):\n    return a + b\n"
                   "r = add(2, 3)\n"
                   "print(r, type(r).__name__, add.stats['cache_hits'], add.stats['cache_misses'])\n")
    env = {k: v for k, v in os.environ.items() if k != "SWIFTJIT_CACHE_DIR"}
    first = subprocess.run([sys.executable, str(src)], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run([sys.executable, str(src)], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.split() == ["5.0", "float", "0", "1"]
    assert second.stdout.split() == ["5.0", "float", "1", "0"]


def test_untypable_argument_is_type_error_with_signatures():
    @njit("float64(float64, float64)")
    def kw(a, b=2.0):
        return a * b
    assert kw(3.0) == 6.0 and kw(3, b=4) == 12.0 and kw(b=1, a=2) == 2.0
    with pytest.raises(TypeError, match=r"No matching definition for argument type\(s\) str, float64"):
        kw("x")
    with pytest.raises(TypeError, match="No matching definition"):
        kw([1.0], 2.0)

    @njit
    def lazy(a):
        return a
    with pytest.raises(TypingError):
        lazy(b"x")  # without signatures it stays a TypingError (str compiles since issue 11)


def test_zero_argument_signature():
    @njit("int64()")
    def answer():
        return 42
    assert answer() == 42 and answer.signatures == [()]
