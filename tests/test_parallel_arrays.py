"""parallel=True on whole-array expressions (issue 7): element-wise operations and
reductions run in chunks on the thread pool. Differential: the function compiled with
parallel=True against the same function run by plain Python with NumPy, and against
parallel=False (element-wise results bit for bit; sums to rounding)."""
import math
import threading

import numpy as np
import pytest

import swiftjit
from swiftjit import njit, prange

# Tiny arrays run the outlined loop in the calling thread; from 8192 elements the pool runs it.
SIZES = [0, 1, 2, 3, 17, 8191, 8192, 10_007, 100_003]


@pytest.fixture(autouse=True)
def all_threads():
    n = swiftjit.get_num_threads()
    yield
    swiftjit.set_num_threads(n)


def both(f):
    return njit(parallel=True)(f), njit(parallel=False)(f)


def same_array(x, y):
    assert isinstance(x, np.ndarray) and isinstance(y, np.ndarray)
    assert x.dtype == y.dtype and x.shape == y.shape
    if x.dtype.kind == "f":
        np.testing.assert_array_equal(np.isnan(x), np.isnan(y))
        assert np.array_equal(x[~np.isnan(x)], y[~np.isnan(y)])
    else:
        assert np.array_equal(x, y)


def close_array(x, y):
    assert x.dtype == y.dtype and x.shape == y.shape
    np.testing.assert_allclose(x, y, rtol=1e-13, atol=0, equal_nan=True)


def arith(a, b, c):
    return a + b * c


def mixed(a, b):
    return (a - 2.5) / (b + 1.0) * 3 - a // 7


def sqrt_exp(a):
    return np.sqrt(np.abs(a)) + np.exp(-a * a)


def int_ops(a, b):
    return (a * 3 - b) % 7 + a // 5


def compare(a, b):
    return a > b


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("n", SIZES)
def test_float_expressions(n):
    r = rng(n)
    a, b, c = r.standard_normal(n), r.standard_normal(n), r.standard_normal(n)
    for f, args in [(arith, (a, b, c)), (mixed, (a, b)), (sqrt_exp, (a,)), (compare, (a, b))]:
        p, s = both(f)
        got = p(*args)
        same_array(got, s(*args))
        if got.dtype.kind == "f":
            close_array(got, f(*args))
        else:
            same_array(got, f(*args))


@pytest.mark.parametrize("n", SIZES)
def test_int_expressions(n):
    r = rng(n + 1)
    a, b = r.integers(-10**6, 10**6, n), r.integers(-1000, 1000, n)
    p, s = both(int_ops)
    same_array(p(a, b), int_ops(a, b))
    same_array(p(a, b), s(a, b))
    p, s = both(arith)
    c = r.integers(-5, 5, n).astype(np.int32)
    same_array(p(a, b, c), arith(a, b, c))


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (1, 1), (3, 7000), (200, 61), (10_000, 1), (2, 3, 2000), (40, 30, 20)])
def test_multidimensional_broadcasting_and_layouts(shape):
    r = rng(len(shape))
    a = r.standard_normal(shape)
    row = r.standard_normal(shape[-1:])
    p, s = both(arith)
    same_array(p(a, row, 2.0), s(a, row, 2.0))
    close_array(p(a, row, 2.0), arith(a, row, 2.0))
    # Fortran order and non-contiguous views.
    f = np.asfortranarray(a)
    same_array(p(f, f, f), arith(f, f, f))
    v = a[..., ::2]
    same_array(p(v, v, 0.5), s(v, v, 0.5))
    close_array(p(v, v, 0.5), arith(v, v, 0.5))


def reductions(a):
    return a.sum(), a.prod(), a.mean(), np.sum(a)


def minmax(a):
    return a.min(), a.max(), np.min(a), np.max(a)


@pytest.mark.parametrize("n", SIZES[1:])
def test_float_reductions(n):
    a = rng(n).random(n) + 0.5
    p, s = both(reductions)
    for got, want in zip(p(a), reductions(a)):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-300)  # prod may underflow
    p, s = both(minmax)
    assert p(a) == minmax(a) == s(a)


def test_reductions_of_empty_arrays():
    p, _ = both(reductions)
    e = np.zeros(0)
    total, prod, mean, total2 = p(e)
    assert total == 0.0 and prod == 1.0 and math.isnan(mean) and total2 == 0.0
    p, _ = both(minmax)
    with pytest.raises(ValueError, match="zero-size array"):
        p(e)


@pytest.mark.parametrize("n", SIZES[1:])
def test_int_reductions_exact(n):
    a = rng(n).integers(-1000, 1000, n)
    p, s = both(reductions)
    got, want = p(a), s(a)
    assert got[0] == want[0] == int(a.sum()) and got[3] == want[3]
    assert got[1] == want[1]  # wrapping product: exact in any order
    p, _ = both(minmax)
    assert p(a) == minmax(a)


def test_reductions_of_2d_views():
    a = rng(5).standard_normal((300, 80))
    for v in (a, a.T, a[::3, 1::2], np.asfortranarray(a)):
        p, _ = both(reductions)
        for got, want in zip(p(v), reductions(v)):
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
        p, _ = both(minmax)
        assert p(v) == minmax(v)


def test_nan_propagates_through_min_max():
    a = np.arange(50_000, dtype=np.float64)
    a[33_333] = np.nan
    p, _ = both(minmax)
    assert all(math.isnan(x) for x in p(a))
    a[33_333] = -1.0
    assert p(a) == (-1.0, 49_999.0, -1.0, 49_999.0)


def sum_of_sqrt(a):
    return np.sqrt(a).sum()


def test_sum_of_sqrt_matches_numpy():
    a = rng(1).random(1_000_000)
    assert math.isclose(njit(parallel=True)(sum_of_sqrt)(a), np.sqrt(a).sum(), rel_tol=1e-12)


def test_broadcast_error_is_raised():
    p, _ = both(arith)
    with pytest.raises(ValueError, match="could not be broadcast"):
        p(np.zeros(10_000), np.zeros(9_999), 1.0)


def uint_mix(a):
    return a * 0.5


def test_exception_inside_a_chunk_propagates():
    # uint64 elements above 2**63-1 raise when read as int64 for float arithmetic.
    a = np.arange(100_000, dtype=np.uint64)
    a[77_777] = np.uint64(2**64 - 5)
    p, s = both(uint_mix)
    with pytest.raises(OverflowError) as e1:
        p(a)
    with pytest.raises(OverflowError) as e2:
        s(a)
    assert str(e1.value) == str(e2.value)
    ok = np.arange(100_000, dtype=np.uint64)
    same_array(p(ok), ok * 0.5)


def in_prange(a, out):
    for i in prange(a.shape[0]):
        row = a[i] * 2.0 + 1.0
        out[i] = row.sum()
    return out


def test_array_expressions_inside_prange_bodies():
    a = rng(2).standard_normal((50, 10_000))
    got = njit(parallel=True)(in_prange)(a, np.zeros(50))
    np.testing.assert_allclose(got, (a * 2.0 + 1.0).sum(axis=1), rtol=1e-12)


def test_one_thread_and_concurrent_callers():
    a = rng(3).standard_normal(200_000)
    p, s = both(arith)
    want = s(a, a, a)
    n = swiftjit.get_num_threads()
    swiftjit.set_num_threads(1)
    same_array(p(a, a, a), want)
    swiftjit.set_num_threads(n)
    results = [None] * 4

    def run(k):
        results[k] = p(a, a, a)
    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        same_array(r, want)


def test_diagnostics_list_array_loops():
    p = njit(parallel=True)(sum_of_sqrt)
    p(np.ones(10))
    d = p.parallel_diagnostics()
    # np.sqrt(a).sum() is fused (ArrayFusion.swift): one reducing loop on the pool.
    assert "fused sum() of an array expression" in d and "parallelized" in d
    t = njit(parallel=True)(lambda a: np.sqrt(a))
    t(np.ones(10))
    assert "array expression (np.sqrt)" in t.parallel_diagnostics()
    u = njit(parallel=True)(lambda a: a.sum())
    u(np.ones(10))
    assert "a.sum()" in u.parallel_diagnostics()
    s = njit(parallel=False)(sum_of_sqrt)
    s(np.ones(10))
    assert "array expression" not in s.parallel_diagnostics()


def test_arrays_stay_owned_by_numpy():
    p = njit(parallel=True)(arith)
    a = np.ones(50_000)
    out = p(a, a, a)
    assert out.flags.owndata and out.flags.c_contiguous
    del a
    assert out.sum() == 100_000.0


def make_closure_kernel(pr):
    def kernel(x):
        s = 0.0
        for i in pr(x.shape[0]):
            s += x[i]
        return s
    return kernel


def test_prange_bound_in_a_closure_is_parallel():
    f = njit(parallel=True)(make_closure_kernel(prange))
    x = np.arange(100_000, dtype=np.float64)
    assert f(x) == x.sum()
    assert "prange loop at line" in f.parallel_diagnostics() and "parallelized" in f.parallel_diagnostics()
