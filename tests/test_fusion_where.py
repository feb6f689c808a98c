"""np.where(cond, x, y) inside fused trees (issue 7; Lowering/ArrayFusion.swift): the
condition and both sides are element-wise trees evaluated per element into one loop (NumPy
computes both sides too). Differential against NumPy, serial and parallel=True."""
import numpy as np
import pytest

from fusion_support import SIZES, allocations, compiled


def same(x, y):
    assert isinstance(x, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape, (x, y)
    np.testing.assert_array_equal(x, y)


def relu_scaled(a, b):
    return np.where(a > 0, a * 2.0, b - 1.0)


def where_sum(a, b):
    return np.where(a > b, a, b).sum()


def where_into_tree(a, b):
    return np.sqrt(np.abs(np.where(a < 0.5, a, b))) + 1.0


def where_scalars(a, b):
    return np.where(a * b > 0, 1.0, -1.0) * 3.0


@pytest.mark.parametrize("n", SIZES)
def test_where_trees(n):
    g = np.random.default_rng(n)
    a, b = g.standard_normal(n), g.standard_normal(n)
    for f in (relu_scaled, where_into_tree, where_scalars):
        for j in compiled(f):
            same(j(a, b), f(a, b))
            assert allocations(j) == 1, f.__name__
    for j in compiled(where_sum):
        assert j(a, b) == pytest.approx(where_sum(a, b), rel=1e-12, abs=1e-12)
        assert allocations(j) == 0


def test_int_sides_and_bool_condition_array():
    def f(a, b, m):
        return np.where(m, a + 1, b * 2)

    g = np.random.default_rng(1)
    a = g.integers(-50, 50, 9000)
    b = g.integers(-50, 50, 9000)
    m = g.random(9000) > 0.3
    for j in compiled(f):
        same(j(a, b, m), f(a, b, m))


def test_mixed_int_float_sides():
    def f(a, x):
        return np.where(a > 0, a * 2, x * 0.5)

    g = np.random.default_rng(2)
    a = g.integers(-5, 5, 9000)
    x = g.standard_normal(9000)
    for j in compiled(f):
        same(j(a, x), f(a, x))


def test_nan_condition_is_true():
    def f(a, b):
        return np.where(a * 1.0, a, b)

    a = np.array([0.0, np.nan, 1.0, -0.0, 2.0])
    b = np.arange(5.0)
    for j in compiled(f):
        same(j(a, b), f(a, b))


def test_broadcast_and_strided():
    g = np.random.default_rng(3)
    a = g.standard_normal((200, 30))
    col = g.standard_normal((200, 1))
    row = g.standard_normal(30)
    for j in compiled(relu_scaled):
        same(j(a, row), relu_scaled(a, row))
        same(j(a, col), relu_scaled(a, col))
        same(j(a.T, a.T), relu_scaled(a.T, a.T))
    for j in compiled(relu_scaled):
        with pytest.raises(ValueError, match="could not be broadcast"):
            j(np.ones(3), np.ones(4))


def test_plain_where_unchanged():
    def f(c, a, b):
        return np.where(c, a, b)

    c = np.array([True, False, True])
    for j in compiled(f):
        same(j(c, np.arange(3.0), np.zeros(3)), f(c, np.arange(3.0), np.zeros(3)))
