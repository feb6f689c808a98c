"""Numba-style programs (tests/numba_compat/programs.py) against plain Python."""
import ctypes
import math
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import programs as P  # noqa: E402

import swiftjit as numba  # noqa: E402


def test_go_fast():
    x = np.arange(100.0).reshape(10, 10)
    np.testing.assert_allclose(P.go_fast(x), P.go_fast.py_func(x), rtol=1e-15)


def test_sum2d_and_signatures():
    a = np.arange(12.0).reshape(3, 4)
    assert P.sum2d(a) == P.sum2d.py_func(a)
    assert P.sum1d_sig(np.arange(5.0)) == 10.0
    assert P.sum1d_sig.nopython_signatures == [(numba.types.float64[:],)]
    c = np.arange(6.0).reshape(2, 3)
    assert P.row_sum(c, 1) == P.row_sum.py_func(c, 1)
    with pytest.raises(TypeError):
        P.row_sum(np.asfortranarray(c), 1)


def test_multi_signature():
    assert P.f_multi(1, 2) == 3 and type(P.f_multi(1, 2)) is int
    assert P.f_multi(1.5, 2.0) == 3.5
    assert len(P.f_multi.overloads) == 2


def test_prange():
    a = np.arange(100.0)
    assert P.parallel_sum(a) == P.parallel_sum.py_func(a)
    assert P.prange_imported(50) == P.prange_imported.py_func(50)


def test_recursion_and_sort():
    assert P.fib(20) == P.fib.py_func(20) == 6765
    rng = np.random.default_rng(0)
    a = rng.random(50)
    b = a.copy()
    P.bubblesort(a)
    P.bubblesort.py_func(b)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.sort(b))


def test_mandelbrot():
    img = np.zeros((24, 36), dtype=np.uint8)
    ref = np.zeros((24, 36), dtype=np.uint8)
    P.create_fractal(-2.0, 1.0, -1.0, 1.0, img, 20)
    P.create_fractal.py_func(-2.0, 1.0, -1.0, 1.0, ref, 20)
    np.testing.assert_array_equal(img, ref)


def test_pairwise():
    X = np.random.default_rng(1).random((8, 3))
    np.testing.assert_allclose(P.pairwise_dist(X), P.pairwise_dist.py_func(X), rtol=1e-14)


def test_tuple_return_signature():
    a = np.array([3.0, -1.0, 7.5, 2.0])
    assert P.min_max(a) == P.min_max.py_func(a) == (-1.0, 7.5)


def test_defaults():
    assert P.newton_sqrt(2.0) == pytest.approx(math.sqrt(2.0), rel=1e-12)
    assert P.newton_sqrt(2.0, tol=1e-3) == P.newton_sqrt.py_func(2.0, tol=1e-3)


def test_vectorize_doc_example():
    assert isinstance(P.vec_add, np.ufunc)
    a = np.arange(6, dtype=np.int32)
    r = P.vec_add(a, a)
    assert r.dtype == np.int32 and list(r) == list(a + a)
    np.testing.assert_array_equal(P.vec_add(np.arange(6.0), 0.5), np.arange(6.0) + 0.5)
    assert P.vec_add.reduce(np.arange(10)) == 45
    np.testing.assert_array_equal(P.vec_add.accumulate(np.arange(5)), np.cumsum(np.arange(5)))
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(P.vec_hypot(m, 1.0), np.hypot(m, 1.0), rtol=1e-15)
    np.testing.assert_array_equal(P.vec_lazy(np.arange(4), 3), np.arange(4) * 3 + 1)


def test_cfunc_doc_example():
    assert P.c_add.ctypes(4.0, 5.0) == 9.0
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double)
    assert proto(P.c_add.address)(1.0, 2.0) == 3.0


def test_cfunc_with_scipy_low_level_callable():
    integrate = pytest.importorskip("scipy.integrate")
    LowLevelCallable = pytest.importorskip("scipy").LowLevelCallable
    fast = integrate.quad(LowLevelCallable(P.integrand.ctypes), 1, np.inf)
    slow = integrate.quad(P.integrand.py_func, 1, np.inf)
    assert fast[0] == pytest.approx(slow[0], rel=1e-12)


def test_typeof_and_config():
    assert numba.typeof(np.zeros((2, 2))) == numba.types.float64[:, ::1]
    assert numba.typeof(1.0) == numba.float64
    assert numba.config.DISABLE_JIT in (True, False)


def test_numba_namespaces():
    assert numba.core.errors.TypingError is numba.errors.TypingError
    assert numba.core.types.float64[:] == numba.types.float64[:]
    with pytest.raises(numba.core.errors.TypingError):
        @numba.njit("float64(float64)")
        def f(x):
            return x + "a"


def test_explicit_signatures_with_locals_option():
    @numba.jit("float64(float64)", nopython=True, locals={"y": numba.float64}, cache=False)
    def f(x):
        y = x * 2
        return y
    assert f(2) == 4.0


def test_number_types_as_casts():
    assert P.casts(3.9) == pytest.approx(P.casts.py_func(3.9))
    assert P.casts(3.9) == 1.5 + 3 + 3.9  # float32(x) computes as float64 in compiled code


def test_guvectorize_doc_examples():
    a = np.arange(5)
    np.testing.assert_array_equal(P.g(a, 2), a + 2)
    m = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(P.g(m, 10), m + 10)
    np.testing.assert_array_equal(P.g(m, np.array([1, 5])), m + np.array([[1], [5]]))
    x = np.random.default_rng(0).random((1000, 16))
    np.testing.assert_allclose(P.row_dot(x, x), (x * x).sum(axis=1), rtol=1e-13)


def test_parallel_doc_examples():
    x = np.linspace(-3, 3, 50_000)
    np.testing.assert_array_equal(P.f_parallel(x, x), x + x)
    np.testing.assert_allclose(P.ident_parallel(x), np.ones_like(x), rtol=1e-14)
    assert "parallelized" in P.ident_parallel.parallel_diagnostics()
