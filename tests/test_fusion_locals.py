"""Fusion through named locals (issue 7; Lowering/ArrayFusion.swift): `t = a * b` then
`t + c` is one loop when `t` is assigned once in the function and read once, later in the
same block, with nothing but inert statements in between. Differential: serial and
parallel=True against plain NumPy; locals read twice, reassigned, mutated around or read
after a branch keep their arrays and give the same results."""
import numpy as np
import pytest

import swiftjit
from fusion_support import SIZES, allocations, compiled
from swiftjit import njit


def arrays(n, k, dtype=np.float64, seed=0):
    g = np.random.default_rng(seed + n)
    if np.dtype(dtype).kind == "f":
        return [(g.standard_normal(n) * 10).astype(dtype) for _ in range(k)]
    return [g.integers(-100, 100, n).astype(dtype) for _ in range(k)]


def same(x, y):
    assert isinstance(x, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape, (x, y)
    np.testing.assert_array_equal(x, y)


def one_local(a, b, c):
    t = a * b
    return t + c


def chain_of_locals(a, b, c):
    t = a * b
    u = np.sqrt(np.abs(t))
    v = u - c
    return v * 0.5


def local_into_sum(a, b):
    t = a - b
    sq = t * 3.0
    return sq.sum()


def squared_local(a, b):
    t = a - b
    sq = t * t  # t is read twice: it stays an array, sq is fused into the sum
    return sq.sum()


def local_into_function(a, b):
    t = a * 2.0
    return np.max(t)


def local_into_method(a, b):
    u = b + 1.0
    return u.mean()


@pytest.mark.parametrize("n", SIZES)
def test_one_local(n):
    a, b, c = arrays(n, 3)
    for j in compiled(one_local):
        same(j(a, b, c), one_local(a, b, c))
        assert allocations(j) == 1


@pytest.mark.parametrize("n", SIZES)
def test_chain_of_locals(n):
    a, b, c = arrays(n, 3)
    for j in compiled(chain_of_locals):
        same(j(a, b, c), chain_of_locals(a, b, c))
        assert allocations(j) == 1


@pytest.mark.parametrize("n", [1, 3, 8192, 100_003])
def test_local_into_reductions(n):
    a, b = arrays(n, 2)
    for j in compiled(local_into_sum):
        assert j(a, b) == pytest.approx(local_into_sum(a, b), rel=1e-12)
        assert allocations(j) == 0
    for j in compiled(squared_local):
        assert j(a, b) == pytest.approx(squared_local(a, b), rel=1e-12)
        assert allocations(j) == 1
    for j in compiled(local_into_function):
        assert j(a, b) == local_into_function(a, b)
        assert allocations(j) == 0
    for j in compiled(local_into_method):
        assert j(a, b) == pytest.approx(local_into_method(a, b), rel=1e-12)
        assert allocations(j) == 0


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.uint8, np.float32])
def test_small_dtypes_through_a_local(dtype):
    # int8 * int8 wraps in the local's dtype before the addition, as NumPy's temporary does.
    a, b, c = arrays(5000, 3, dtype)
    for j in compiled(one_local):
        same(j(a, b, c), one_local(a, b, c))


def test_empty_reduction_through_a_local_raises():
    def f(a):
        t = a * 2.0
        return t.max()

    for j in compiled(f):
        with pytest.raises(ValueError, match="zero-size array"):
            j(np.zeros(0))


def test_broadcast_error_through_a_local():
    def f(a, b):
        t = a * 2.0
        return t + b

    for j in compiled(f):
        with pytest.raises(ValueError, match="could not be broadcast"):
            j(np.ones(3), np.ones(4))


# ---------------------------------------------------------------- not fused: same results

def read_twice(a, b):
    t = a * b
    return t + 1.0, t - 1.0


def reassigned(a, b):
    t = a * b
    t = t + 1.0
    return t * b


def assigned_on_two_paths(a, b, flag):
    if flag:
        t = a * b
    else:
        t = a - b
    return t + 1.0


def mutated_between(a, b):
    t = a + 1.0
    b[0] = 100.0
    return t * b


def read_after_branch(a, b):
    t = a * b
    s = (t + 1.0).sum()
    if s > 0:
        return t
    return t * 0.0


def in_a_loop(a, b, n):
    acc = 0.0
    for k in range(n):
        t = a * k
        acc += (t + b).sum()
    return acc


@pytest.mark.parametrize("n", [0, 5, 9000])
def test_locals_that_keep_their_arrays(n):
    a, b = arrays(n, 2)
    for j in compiled(read_twice):
        for x, y in zip(j(a, b), read_twice(a, b)):
            same(x, y)
    for j in compiled(reassigned):
        same(j(a, b), reassigned(a, b))
    for j in compiled(assigned_on_two_paths):
        for flag in (True, False):
            same(j(a, b, flag), assigned_on_two_paths(a, b, flag))
    for j in compiled(read_after_branch):
        same(j(a, b), read_after_branch(a, b))
    for j in compiled(in_a_loop):
        assert j(a, b, 4) == pytest.approx(in_a_loop(a, b, 4), rel=1e-12, abs=1e-9)


def test_mutation_between_keeps_the_array():
    for j in compiled(mutated_between):
        a, b = np.arange(5.0), np.arange(5.0)
        a2, b2 = a.copy(), b.copy()
        same(j(a, b), mutated_between(a2, b2))
        assert np.array_equal(b, b2)


def test_local_in_prange_body():
    def f(a, b):
        s = 0.0
        for i in swiftjit.prange(a.shape[0]):
            t = a[i] * b[i]
            s += (t + 1.0).sum()
        return s

    g = np.random.default_rng(3)
    a, b = g.standard_normal((300, 40)), g.standard_normal((300, 40))
    for j in compiled(f):
        assert j(a, b) == pytest.approx(f(a, b), rel=1e-12)


def test_diagnostics_count_the_fused_operations():
    j = njit(parallel=True)(chain_of_locals)
    j(*arrays(10, 3))
    assert "fused array expression (5 operations)" in j.parallel_diagnostics()
