"""Array-expression fusion (issue 7): a tree of element-wise operations is one loop with no
temporary arrays, and a reduction of such a tree is one reducing loop. Differential: each
pattern compiled with parallel=False and parallel=True against plain NumPy, on empty, tiny
and pool-sized arrays; element-wise results bit for bit, float sums to reassociation."""
import numpy as np
import pytest

import swiftjit
from fusion_support import SIZES, allocations, compiled, same_array
from swiftjit import njit


def same_scalar(x, y, exact):
    assert type(x) is type(y.item() if isinstance(y, np.generic) else y) or isinstance(x, type(y)), (type(x), type(y))
    if isinstance(y, (float, np.floating)) and np.isnan(y):
        assert np.isnan(x)
    elif exact:
        assert x == y
    else:
        assert x == pytest.approx(y, rel=1e-12, abs=1e-12)


def rng_arrays(n, k, dtype=np.float64, seed=0):
    g = np.random.default_rng(seed + n)
    if np.dtype(dtype).kind == "f":
        return [(g.standard_normal(n) * 10).astype(dtype) for _ in range(k)]
    info = np.iinfo(dtype)
    return [g.integers(max(info.min, -1000), min(info.max, 1000), n).astype(dtype) for _ in range(k)]


# ---------------------------------------------------------------- element-wise trees

def arith(a, b, c):
    return a + b * c


def deep(a, b):
    return np.sqrt(np.abs(a * b - 1.5)) + np.exp(-a * a) / (b + 3.0)


def compare_tree(a, b):
    return (a * 2 + 1) < b - 0.5


def ints(a, b):
    return (a * 3 - b) % 7 + a // 5 - (b & 12)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("f,k", [(arith, 3), (deep, 2), (compare_tree, 2)])
def test_float_trees(f, k, n):
    args = rng_arrays(n, k)
    for j in compiled(f):
        same_array(j(*args), f(*args))


@pytest.mark.parametrize("n", SIZES)
def test_int_tree_exact(n):
    args = rng_arrays(n, 2, np.int64)
    for j in compiled(ints):
        same_array(j(*args), ints(*args))


def test_fused_means_one_allocation():
    a, b, c = rng_arrays(10, 3)
    for j in compiled(arith):
        j(a, b, c)
        assert allocations(j) == 1  # the result only; no temporary for b * c
    for j in compiled(deep):
        j(a, b)
        assert allocations(j) == 1


def test_int64_wraps_like_numpy():
    big = np.array([2 ** 62, -(2 ** 62), 2 ** 63 - 1, 7, 0], dtype=np.int64)
    one = np.array([3, 5, 2, -1, 1], dtype=np.int64)

    def f(a, b):
        return a * b + a - b * 4

    def s(a, b):
        return (a * b + a).sum()

    with np.errstate(over="ignore"):
        expected, total = f(big, one), s(big, one)
    for j in compiled(f):
        same_array(j(big, one), expected)
    for j in compiled(s):
        assert j(big, one) == total


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.float32, np.bool_])
def test_small_dtypes_round_through_each_step(dtype):
    # Each intermediate array has the dtype NumPy gives it: int8 products wrap, float32 rounds.
    g = np.random.default_rng(3)
    if dtype is np.bool_:
        a, b = g.integers(0, 2, 1000).astype(bool), g.integers(0, 2, 1000).astype(bool)

        def f(a, b):
            return (a & b) | (a ^ b)
    else:
        a = g.integers(0, 100, 1000).astype(dtype)
        b = g.integers(1, 100, 1000).astype(dtype)

        def f(a, b):
            return a * b + a * a - b
    with np.errstate(over="ignore"):
        expected = f(a, b)
    for j in compiled(f):
        same_array(j(a, b), expected)


@pytest.mark.parametrize("n", [0, 1, 9000])
def test_broadcast_scalar_and_shapes(n):
    def f(a, row, s):
        return (a * s + row) * 0.5 - s

    g = np.random.default_rng(n)
    a = g.standard_normal((n, 4))
    row = g.standard_normal(4)
    col = g.standard_normal((n, 1))
    for j in compiled(f):
        same_array(j(a, row, 2.5), f(a, row, 2.5))
        same_array(j(a, col, 3), f(a, col, 3))


def test_non_contiguous_operands():
    def f(a, b):
        return a * 2.0 + np.sqrt(np.abs(b)) - 1.0

    g = np.random.default_rng(1)
    a = g.standard_normal((300, 200))
    b = g.standard_normal((200, 300))
    for j in compiled(f):
        same_array(j(a, b.T), f(a, b.T))
        same_array(j(a[::2], b.T[1::2]), f(a[::2], b.T[1::2]))


def test_broadcast_mismatch_raises():
    def f(a, b, c):
        return a + b * c

    a, b, c = np.ones(3), np.ones(4), np.ones(4)
    for j in compiled(f):
        with pytest.raises(ValueError, match="could not be broadcast"):
            j(a, b, c)
    for j in compiled(f):
        with pytest.raises(ValueError, match="could not be broadcast"):
            j(b, c, a)


def test_reused_temporary_is_not_fused_wrongly():
    # A named intermediate read twice stays an array; the result is the same.
    def f(a, b):
        t = a * b
        return t + t * 2.0, (t - 1.0).sum()

    a, b = rng_arrays(5000, 2)
    for j in compiled(f):
        r, s = j(a, b)
        er, es = f(a, b)
        same_array(r, er)
        assert s == pytest.approx(es, rel=1e-12)


def test_mutation_between_is_respected():
    def f(a, b):
        t = a + 1.0
        b[0] = 100.0
        return t * b

    for j in compiled(f):
        a, b = np.arange(5.0), np.arange(5.0)
        a2, b2 = a.copy(), b.copy()
        same_array(j(a, b), f(a2, b2))


# ---------------------------------------------------------------- reductions

def sum_sqrt(x):
    return np.sqrt(x).sum()


def np_sum(a, b):
    return np.sum(a * b + 1)


def mean_tree(a, b):
    return (a - b).mean()


def prod_tree(a):
    return (a * 0.5 + 1.0).prod()


def max_tree(a, b):
    return (a * b - a).max()


def min_tree(a, b):
    return np.min(a - 2 * b)


def amax_tree(a, b):
    return np.amax(np.abs(a) + b)


@pytest.mark.parametrize("n", [1, 3, 17, 8192, 100_003])
@pytest.mark.parametrize("f,k", [(np_sum, 2), (mean_tree, 2), (max_tree, 2), (min_tree, 2), (amax_tree, 2)])
def test_float_reductions(f, k, n):
    args = rng_arrays(n, k)
    exact = f in (max_tree, min_tree, amax_tree)
    for j in compiled(f):
        same_scalar(j(*args), f(*args), exact)
        assert allocations(j) == 0


@pytest.mark.parametrize("n", SIZES)
def test_sum_of_sqrt(n):
    x = np.abs(rng_arrays(n, 1)[0])
    for j in compiled(sum_sqrt):
        same_scalar(j(x), sum_sqrt(x), exact=n == 0)
        assert allocations(j) == 0


def test_prod_tree():
    a = np.random.default_rng(2).uniform(0.9, 1.1, 20000)
    for j in compiled(prod_tree):
        assert j(a) == pytest.approx(prod_tree(a), rel=1e-10)


@pytest.mark.parametrize("n", [0, 1, 9000])
def test_int_reductions_exact(n):
    def s(a, b):
        return (a * b - 3).sum()

    def mx(a, b):
        return np.max(a * b - 3) if a.size else 0

    def mn(a, b):
        return (a % 5 - b).min() if a.size else 0

    def count(a, b):
        return (a > b).sum()

    args = rng_arrays(n, 2, np.int64)
    for f in (s, mx, mn, count):
        for j in compiled(f):
            r, e = j(*args), f(*args)
            assert r == e and isinstance(r, int), (f.__name__, r, e)


def test_int_sum_wraps():
    a = np.full(10, 2 ** 62, dtype=np.int64)

    def f(a):
        return (a * 2).sum()

    with np.errstate(over="ignore"):
        expected = int(f(a))
    for j in compiled(f):
        assert j(a) == expected


@pytest.mark.parametrize("where", [0, 5, 9999, 19999])
def test_nan_propagates_in_max_min(where):
    a = np.random.default_rng(where).standard_normal(20000)
    a[where] = np.nan

    def mx(a):
        return (a * 2.0).max()

    def mn(a):
        return np.min(a + 1.0)

    for f in (mx, mn):
        for j in compiled(f):
            assert np.isnan(j(a))
    b = np.array([-np.inf, -np.inf])
    for j in compiled(mx):
        assert j(b) == -np.inf


def test_empty_reductions():
    e = np.empty(0)

    def s(a):
        return (a * 2.0).sum()

    def mx(a):
        return (a * 2.0).max()

    def mn(a):
        return np.min(a + 1.0)

    for j in compiled(s):
        assert j(e) == 0.0
    for f, word in ((mx, "maximum"), (mn, "minimum")):
        for j in compiled(f):
            with pytest.raises(ValueError, match=f"zero-size array to reduction operation {word}"):
                j(e)


def test_2d_reduction_contiguous_and_strided():
    def f(a, b):
        return (a * b + 1.0).sum()

    g = np.random.default_rng(4)
    a, b = g.standard_normal((400, 300)), g.standard_normal((300, 400))
    for j in compiled(f):
        assert j(a, b.T) == pytest.approx(f(a, b.T), rel=1e-12)
        assert j(a, a) == pytest.approx(f(a, a), rel=1e-12)


def test_parallel_diagnostics_name_fused_loops():
    j = njit(parallel=True)(sum_sqrt)
    j(np.ones(10))
    assert "fused sum()" in j.parallel_diagnostics()


def test_fused_inside_prange_body():
    # Array expressions in a prange body run fused and serially in the body's thread.
    def f(a, b):
        s = 0.0
        for i in swiftjit.prange(a.shape[0]):
            s += (a[i] * b[i] + 1.0).sum()
        return s

    g = np.random.default_rng(5)
    a, b = g.standard_normal((300, 50)), g.standard_normal((300, 50))
    for j in compiled(f):
        assert j(a, b) == pytest.approx(f(a, b), rel=1e-12)


def test_fused_in_a_loop_and_branches():
    def f(a, b, n):
        acc = 0.0
        for k in range(n):
            if k % 2:
                acc += np.sqrt(np.abs(a - k)).max()
            else:
                acc += ((a * k) < b).sum()
        return acc

    a, b = rng_arrays(5000, 2)
    for j in compiled(f):
        assert j(a, b, 5) == pytest.approx(f(a, b, 5), rel=1e-12)
