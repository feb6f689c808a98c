"""argmin / argmax / any / all of an element-wise tree as one fused loop (issue 7;
Lowering/ArrayFusion.swift): no temporary array, chunks on the pool with parallel=True.
Differential against NumPy, serial and parallel: first index on ties, first NaN, all-equal
and extreme values, empty arrays, 2-D contiguous, broadcast and strided operands."""
import numpy as np
import pytest

from fusion_support import allocations, compiled
from swiftjit import njit

SIZES = [1, 3, 17, 8191, 8192, 100_003]


def argmax_tree(a, b):
    return (a - b * 0.5).argmax()


def argmin_tree(a, b):
    return np.argmin(np.abs(a) + b)


def argmax_compare(a, b):
    return (a > b).argmax()


def argmin_compare(a, b):
    return (a > b).argmin()


def any_tree(a, b):
    return (a * b > 0.5).any()


def all_tree(a, b):
    return np.all(a + b >= -3.0)


def any_float(a, b):
    return (a * b).any()


def all_float(a, b):
    return (a - b).all()


ALL = [argmax_tree, argmin_tree, argmax_compare, argmin_compare, any_tree, all_tree, any_float, all_float]


def arrays(n, seed=0):
    g = np.random.default_rng(seed + n)
    return g.standard_normal(n), g.standard_normal(n)


def same(got, want):
    assert type(got) in (int, bool), type(got)
    assert got == want, (got, want)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("f", ALL)
def test_against_numpy(f, n):
    a, b = arrays(n)
    for j in compiled(f):
        same(j(a, b), f(a, b))
        assert allocations(j) == 0


@pytest.mark.parametrize("f", [argmax_tree, argmin_tree, argmax_compare, argmin_compare])
def test_ties_give_the_first_index(f):
    g = np.random.default_rng(7)
    for n in (5, 9000, 100_003):
        a, b = g.integers(-2, 3, n).astype(float), g.integers(-2, 3, n).astype(float)
        for j in compiled(f):
            same(j(a, b), f(a, b))


@pytest.mark.parametrize("where", [[0], [5], [99_999], [60_000, 7_000], [100_002, 50_000, 3]])
@pytest.mark.parametrize("f", [argmax_tree, argmin_tree, any_float, all_float])
def test_nan(f, where):
    a, b = arrays(100_003)
    for w in where:
        a[w] = np.nan
    for j in compiled(f):
        same(j(a, b), f(a, b))


@pytest.mark.parametrize("value", [np.inf, -np.inf, 0.0, 1.0])
def test_all_equal(value):
    a = np.full(20_000, value)
    b = np.zeros(20_000)
    for f in ALL:
        for j in compiled(f):
            same(j(a, b), f(a, b))


def test_extreme_ints():
    def argmax_int(a, b):
        return (a | b).argmax()

    def argmin_int(a, b):
        return (a & b).argmin()

    lo, hi = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    for a in (np.full(10_000, lo), np.full(10_000, hi), np.array([lo, hi, lo, hi]), np.array([3])):
        b = a.copy()
        for f in (argmax_int, argmin_int):
            for j in compiled(f):
                same(j(a, b), f(a, b))


def test_small_dtypes_go_through_each_step():
    # int8 + int8 wraps before the comparison, as NumPy's temporary does.
    def f(a, b):
        return (a + b).argmax()

    a = np.array([100, 1, 120, -128], dtype=np.int8)
    b = np.array([100, 1, 10, -1], dtype=np.int8)
    for j in compiled(f):
        same(j(a, b), f(a, b))


def test_empty():
    a, b = np.zeros(0), np.zeros(0)
    for f in (any_tree, all_tree, any_float, all_float):
        for j in compiled(f):
            same(j(a, b), f(a, b))
    for f, name in ((argmax_tree, "argmax"), (argmin_tree, "argmin")):
        for j in compiled(f):
            with pytest.raises(ValueError, match=f"attempt to get {name} of an empty sequence"):
                j(a, b)
    a2 = np.zeros((3, 0))
    for j in compiled(argmax_tree):
        with pytest.raises(ValueError, match="empty sequence"):
            j(a2, a2)


@pytest.mark.parametrize("f", ALL)
def test_2d_contiguous_broadcast_and_strided(f):
    g = np.random.default_rng(11)
    a = g.standard_normal((300, 70))
    b = g.standard_normal((300, 70))
    row = g.standard_normal(70)
    col = g.standard_normal((300, 1))
    for j in compiled(f):
        same(j(a, b), f(a, b))                  # flat loop
        same(j(a, row), f(a, row))              # broadcast row
        same(j(a, col), f(a, col))              # broadcast column
        same(j(a.T, b.T), f(a.T, b.T))          # strided: C-order position of the result
        same(j(a[::3, 1:], b[::3, 1:]), f(a[::3, 1:], b[::3, 1:]))


def test_diagnostics():
    j = njit(parallel=True)(argmax_tree)
    j(*arrays(10))
    assert "fused argmax() of an array expression" in j.parallel_diagnostics()
    j = njit(parallel=True)(any_tree)
    j(*arrays(10))
    assert "fused any() of an array expression" in j.parallel_diagnostics()


# ---------------------------------------------------------------- plain arrays on the pool

def plain_argmax(a):
    return a.argmax()


def plain_argmin(a):
    return np.argmin(a)


def plain_any(a):
    return a.any()


def plain_all(a):
    return np.all(a)


PLAIN = [plain_argmax, plain_argmin, plain_any, plain_all]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int8, np.bool_])
@pytest.mark.parametrize("n", [1, 2, 9, 8191, 8192, 100_003])
def test_plain_arrays(n, dtype):
    g = np.random.default_rng(n)
    a = (g.integers(-3, 4, n) if np.dtype(dtype).kind != "f" else g.standard_normal(n)).astype(dtype)
    for f in PLAIN:
        for j in compiled(f):
            same(j(a), f(a))
            same(j(a[::-2]), f(a[::-2]))
            same(j(np.zeros_like(a)), f(np.zeros_like(a)))


def test_plain_arrays_nan_2d_and_empty():
    g = np.random.default_rng(4)
    a = g.standard_normal((400, 300))
    a[250, 7] = np.nan
    a[399, 0] = np.nan
    for f in PLAIN:
        for j in compiled(f):
            same(j(a), f(a))
            same(j(a.T), f(a.T))
            same(j(a[:, ::7]), f(a[:, ::7]))
    for f in (plain_any, plain_all):
        for j in compiled(f):
            same(j(np.zeros(0)), f(np.zeros(0)))
    for j in compiled(plain_argmax):
        with pytest.raises(ValueError, match="attempt to get argmax of an empty sequence"):
            j(np.zeros(0))


def test_plain_arrays_diagnostics():
    j = njit(parallel=True)(plain_argmax)
    j(np.ones(10))
    assert "a.argmax() at line" in j.parallel_diagnostics()
