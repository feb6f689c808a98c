"""@vectorize: real NumPy ufuncs with inner loops generated in LLVM (issue 8)."""
import math

import numpy as np
import pytest

from swiftjit import vectorize


@vectorize(["float64(float64, float64)", "int64(int64, int64)", "float32(float32, float32)"])
def axpy(x, y):
    return 2 * x + y


def py_axpy(x, y):
    return 2 * x + y


def test_is_a_numpy_ufunc():
    assert isinstance(axpy, np.ufunc)
    assert axpy.nin == 2 and axpy.nout == 1 and axpy.ntypes == 3
    assert axpy.types == ["dd->d", "ll->l", "ff->f"]
    assert axpy.__name__ == "axpy"


def test_elementwise_and_dtypes():
    a, b = np.arange(6.0), np.linspace(0, 1, 6)
    np.testing.assert_array_equal(axpy(a, b), py_axpy(a, b))
    i = np.arange(6)
    r = axpy(i, i)
    assert r.dtype == np.int64
    np.testing.assert_array_equal(r, py_axpy(i, i))
    f = np.arange(6, dtype=np.float32)
    r = axpy(f, f)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, py_axpy(f, f))


def test_broadcasting_scalars_and_strides():
    m = np.arange(12.0).reshape(3, 4)
    row = np.arange(4.0)
    np.testing.assert_array_equal(axpy(m, row), py_axpy(m, row))
    np.testing.assert_array_equal(axpy(m.T, 1.5), py_axpy(m.T, 1.5))
    np.testing.assert_array_equal(axpy(m[:, ::2], m[:, 1::2]), py_axpy(m[:, ::2], m[:, 1::2]))
    assert axpy(2.0, 3.0) == 7.0


def test_out_and_dtype_arguments():
    a = np.arange(5.0)
    out = np.empty(5)
    r = axpy(a, a, out=out)
    assert r is out
    np.testing.assert_array_equal(out, 3 * a)
    r = axpy(np.arange(5), np.arange(5), dtype=np.float64)
    assert r.dtype == np.float64


def test_reduce_accumulate_outer():
    a = np.arange(1.0, 6.0)
    expected = a[0]
    for x in a[1:]:
        expected = py_axpy(expected, x)
    assert axpy.reduce(a) == expected
    np.testing.assert_array_equal(axpy.accumulate(a)[-1], expected)
    np.testing.assert_array_equal(axpy.outer(a, a), py_axpy(a[:, None], a[None, :]))
    m = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(axpy.reduce(m, axis=0), py_axpy(m[0], m[1]))


@vectorize(["float64(float64, float64)"], identity=0)
def plus(x, y):
    return x + y


def test_identity():
    assert plus.identity == 0
    assert plus.reduce(np.array([])) == 0.0
    assert plus.reduce(np.arange(10.0).reshape(2, 5), axis=None) == 45.0


@vectorize(["float64(float64)"])
def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


@vectorize(["int64(int64, int64, int64)"])
def clamp(x, lo, hi):
    return min(max(x, lo), hi)


def test_one_and_three_inputs():
    x = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(sigmoid(x), [1 / (1 + math.exp(-v)) for v in x], rtol=1e-15)
    v = np.arange(-5, 6)
    np.testing.assert_array_equal(clamp(v, -2, 3), np.clip(v, -2, 3))


@vectorize(["int32(int32, int32)"])
def narrow(x, y):
    return x + y


@vectorize(["bool(float64, float64)", "bool(bool, bool)"])
def greater(x, y):
    return x > y


def test_int32_and_bool_loops():
    a = np.array([2**31 - 1, 5], dtype=np.int32)
    r = narrow(a, np.array([1, 1], dtype=np.int32))
    assert r.dtype == np.int32 and list(r) == [-(2**31), 6]  # computed in int64, stored as int32 (wraps)
    r = greater(np.array([0.0, 1.0]), np.array([0.0, -2.0]))
    assert r.dtype == np.bool_ and list(r) == [False, True]
    r = greater(np.array([True, True, False]), np.array([False, True, True]))
    assert r.dtype == np.bool_ and list(r) == [True, False, False]


@vectorize(["int64(int64, int64)"])
def floordiv(x, y):
    return x // y


def test_exception_propagates():
    with pytest.raises(ZeroDivisionError):
        floordiv(np.arange(5), np.array([1, 1, 0, 1, 1]))
    np.testing.assert_array_equal(floordiv(np.arange(5), 2), np.arange(5) // 2)


def test_lazy_vectorize():
    @vectorize
    def hyp(x, y):
        return math.sqrt(x * x + y * y)
    np.testing.assert_allclose(hyp(np.array([3.0, 5.0]), np.array([4.0, 12.0])), [5.0, 13.0])
    r = hyp(np.array([3, 5]), np.array([4, 12]))
    np.testing.assert_allclose(r, [5.0, 13.0])
    assert r.dtype == np.float64
    assert hyp.ufunc.ntypes == 2
    assert hyp.reduce(np.array([3.0, 4.0])) == 5.0


def test_errors():
    with pytest.raises(TypeError):
        vectorize(["(float64,)"])
    with pytest.raises(NotImplementedError):
        vectorize(["float64(float64)"], target="cuda")
    with pytest.raises(TypeError):
        @vectorize(["complex128(complex128)"])
        def f(z):
            return z


from hypothesis import given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402


@vectorize(["float64(float64, float64)", "int64(int64, int64)"])
def mixed(x, y):
    if x > y:
        return x - y
    return x * y + 1


@given(hnp.arrays(np.float64, st.integers(0, 30), elements=st.floats(-1e6, 1e6)),
       st.floats(-1e6, 1e6))
@settings(max_examples=60, deadline=None)
def test_property_float_loop_matches_python(a, y):
    expected = np.array([py_mixed(float(x), y) for x in a])
    np.testing.assert_array_equal(mixed(a, y), expected.astype(np.float64))


@given(hnp.arrays(np.int64, st.integers(0, 30), elements=st.integers(-10**6, 10**6)),
       hnp.arrays(np.int64, st.integers(0, 30), elements=st.integers(-10**6, 10**6)))
@settings(max_examples=60, deadline=None)
def test_property_int_loop_matches_python(a, b):
    n = min(a.size, b.size)
    a, b = a[:n], b[:n]
    r = mixed(a, b)
    assert r.dtype == np.int64
    assert list(r) == [py_mixed(int(x), int(y)) for x, y in zip(a, b)]


def py_mixed(x, y):
    if x > y:
        return x - y
    return x * y + 1


@vectorize(["float64(float64, float64)"], identity="reorderable")
def fmax2(x, y):
    return x if x > y else y


def test_reorderable_identity_and_where():
    m = np.array([[1.0, 7.0], [3.0, -2.0]])
    assert fmax2.identity is None
    assert fmax2.reduce(m, axis=None) == 7.0  # several axes need a reorderable ufunc
    out = np.zeros(2)
    fmax2(np.array([1.0, 5.0]), np.array([2.0, 3.0]), out=out, where=np.array([True, False]))
    assert list(out) == [2.0, 0.0]


def test_lazy_vectorize_scalar_call_from_jitted_code():
    from swiftjit import njit

    @vectorize
    def scale(x, k):
        return x * k

    @njit
    def use(n):
        s = 0.0
        for i in range(n):
            s += scale(i * 1.0, 2.0)
        return s
    assert use(5) == use.py_func(5) == 20.0
    np.testing.assert_array_equal(scale(np.arange(3.0), 2.0), [0.0, 2.0, 4.0])


def test_explicit_ufunc_called_from_jitted_code():
    from swiftjit import njit

    @njit
    def use_scalar(n):
        s = 0
        for i in range(n):
            s += axpy(i, 1)
        return s
    assert use_scalar(4) == use_scalar.py_func(4) == 16

    @njit
    def use_arrays(a, b):
        return axpy(a, b)  # the kernel body, compiled for arrays
    a = np.arange(4.0)
    np.testing.assert_array_equal(use_arrays(a, a), axpy(a, a))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                                   "float32", "float64", "bool"])
def test_every_dtype_matches_numpy_arithmetic(dtype):
    if dtype == "bool":
        @vectorize(["bool(bool, bool)"])
        def op(x, y):
            return x != y
        a = np.array([True, False, True, False])
        b = np.array([True, True, False, False])
        expected = a != b
    else:
        @vectorize([f"{dtype}({dtype}, {dtype})"])
        def op(x, y):
            return x + y
        info = np.iinfo(dtype) if dtype[0] in "iu" else np.finfo(dtype)
        rng = np.random.default_rng(7)
        if dtype[0] in "iu":
            a = rng.integers(info.min, info.max, 64, dtype=dtype, endpoint=True)
            b = rng.integers(info.min, info.max, 64, dtype=dtype, endpoint=True)
        else:
            a = (rng.standard_normal(64) * 1e3).astype(dtype)
            b = (rng.standard_normal(64) * 1e-3).astype(dtype)
        with np.errstate(over="ignore"):
            expected = a + b  # NumPy wraps integers and rounds float32 the same way
    r = op(a, b)
    assert r.dtype == expected.dtype
    np.testing.assert_array_equal(r, expected)
