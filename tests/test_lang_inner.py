"""Inner functions and lambdas defined and called inside a jitted function
(no defaults; closures only over variables assigned once with a constant; globals are read as in the enclosing
function). Each call compiles the nested code object for its argument types.
Differential against plain Python. Closures over arguments or reassigned variables and inner
functions with defaults are rejected with a clear error."""
import math

import pytest

import swiftjit
from swiftjit import njit
from jitcheck import check

SCALE = 7


def inner_loop(n):
    def helper(x):
        return x * 3 + 1
    s = 0
    for i in range(n):
        s += helper(i)
    return s


def lambda_two_types(x):
    h = lambda y: y + 1  # noqa: E731
    return h(x) * h(2.5)


def lambda_math(x):
    sq = lambda y: math.sqrt(y) if y >= 0 else -1.0  # noqa: E731
    return sq(x)


def inner_uses_global(x):
    def scaled(v):
        return v * SCALE
    return scaled(x) + scaled(1)


def inner_two_args_keywords(a, b):
    def comb(p, q):
        return p * 10 - q
    return comb(a, b) + comb(q=a, p=b)


def inner_raises(x):
    def div(p, q):
        return p // q
    return div(100, x)


def inner_tuple(x):
    def pair(v):
        return (v, v * 2)
    a, b = pair(x)
    return a + b


def inner_calls_inner(x):
    def one(v):
        return v + 1
    def two(v):
        return v * 2
    return two(one(x)) + one(two(x))


def closure_constants(x):
    k = 3
    t = (1.5, 2)
    flag = True
    def h(y):
        return y * k + t[0] - t[1] if flag else 0.0
    return h(x) + k


def closure_lambda_in_loop(n):
    step = 2
    f = lambda i: i * step - 1  # noqa: E731
    s = 0
    for i in range(n):
        s += f(i)
    return s


def closure_assigned_after_def(x):
    def h(y):
        return y + k * 2
    k = 5
    return h(x)


def closure_two_inner_share(x):
    a = 2
    b = 3.5
    def f(y):
        return y * a
    def g(y):
        return y + b - a
    return g(f(x)) + f(1)


def closure_nested(x):
    k = 4
    def middle(y):
        m = 10
        def innermost(z):
            return z * m
        return innermost(y) + k
    return middle(x)


def closure_none_and_bool(x):
    nothing = None
    yes = True
    def h(y):
        if nothing is None and yes:
            return y * 2
        return y
    return h(x)


CASES = [
    (closure_assigned_after_def, [(0,), (3,), (-2.5,)]),
    (closure_two_inner_share, [(0,), (4,), (1.25,)]),
    (closure_nested, [(0,), (7,), (-1.5,)]),
    (closure_none_and_bool, [(0,), (9,), (2.5,)]),
    (closure_constants, [(0,), (2,), (-5,), (2.5,), (float("nan"),)]),
    (closure_lambda_in_loop, [(0,), (1,), (100,)]),
    (inner_loop, [(0,), (1,), (10,), (1000,)]),
    (lambda_two_types, [(0,), (3,), (-7,), (2.5,), (-0.0,), (float("inf"),)]),
    (lambda_math, [(0.0,), (2.0,), (-1.0,), (1e300,), (float("nan"),)]),
    (inner_uses_global, [(0,), (5,), (-3,), (1.5,)]),
    (inner_two_args_keywords, [(1, 2), (0, 0), (-5, 9), (1.5, 2)]),
    (inner_raises, [(1,), (7,), (-3,), (0,)]),
    (inner_tuple, [(1,), (0,), (2.5,)]),
    (inner_calls_inner, [(0,), (4,), (-9,), (0.5,)]),
]


# Closures on every version: 3.10 (cells numbered apart from the locals, MAKE_FUNCTION flag 8),
# 3.11/3.12 (MAKE_CELL, LOAD_CLOSURE) and 3.13 (cells loaded with LOAD_FAST, SET_FUNCTION_ATTRIBUTE).
@pytest.mark.parametrize("pyfunc,inputs", CASES, ids=[c[0].__name__ for c in CASES])
def test_inner_functions(pyfunc, inputs):
    jf = njit(pyfunc)
    for args in inputs:
        check(pyfunc, jf, *args)


def closure_over_argument(x):
    h = lambda y: y * x  # noqa: E731
    return h(2)


def closure_over_reassigned(x):
    k = 3
    h = lambda y: y * k  # noqa: E731
    k = x
    return h(x)


def inner_with_default(x):
    def h(y, z=2):
        return y * z
    return h(x)


@pytest.mark.parametrize("pyfunc", [closure_over_argument, closure_over_reassigned, inner_with_default])
def test_rejected_with_clear_error(pyfunc):
    with pytest.raises(swiftjit.errors.UnsupportedError, match="not supported in nopython mode|supports only closures over such constants"):
        njit(pyfunc)(2)


# Options: an inner function is compiled with the options of the function that defines it
# (as Numba, which compiles it as part of that function); a separately decorated callee
# keeps its own.
def inner_indexes(a, i):
    def at(x, k):
        return float(x[k] * 2)
    return at(a, i)


def inner_indexes_2d(a, i, j):
    get = lambda x, p, q: int(x[p, q])  # noqa: E731
    return get(a, i, j) + 1


@pytest.mark.parametrize("i", [0, 2, -3, 3, -4, 100, -(2**62)])
def test_inner_function_inherits_boundscheck(i):
    import numpy as np
    a = np.arange(3.0)
    check(inner_indexes, njit(boundscheck=True)(inner_indexes), a, i)


@pytest.mark.parametrize("i,j", [(0, 0), (1, 2), (-2, -3), (2, 0), (0, 3), (-3, 0)])
def test_lambda_inherits_boundscheck(i, j):
    import numpy as np
    a = np.arange(6).reshape(2, 3)
    check(inner_indexes_2d, njit(boundscheck=True)(inner_indexes_2d), a, i, j)


def test_called_function_keeps_its_own_boundscheck():
    import numpy as np

    def at(a, k):
        return a[k]
    checked = njit(boundscheck=True)(at)

    def caller(a, k):
        return checked(a, k) + 1
    jf = njit(caller)  # boundscheck off here: the callee still checks
    a = np.arange(4)
    assert jf(a, 3) == 4
    with pytest.raises(IndexError):
        jf(a, 4)
    with pytest.raises(IndexError):
        jf(a, -5)


def test_inner_function_inherits_nogil():
    # Inner code runs while the GIL is released too: str/list values are rejected in it as in
    # the enclosing function.
    def f(n):
        def g(k):
            return len([k, k + 1])
        return g(n)
    with pytest.raises(swiftjit.errors.TypingError, match="GIL|nogil"):
        njit(nogil=True)(f)(3)
    assert njit(f)(3) == f(3)
