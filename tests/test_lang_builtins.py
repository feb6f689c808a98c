"""Builtins in nopython mode: round, divmod, pow, len, enumerate, zip,
reversed, sum, print, min/max over tuples."""
import pytest
from hypothesis import given, settings, strategies as st

from swiftjit import njit
from lang_support import check

ints = st.integers(min_value=-2**40, max_value=2**40)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e300, max_value=1e300)


@njit
def round1(x):
    return round(x)


@njit
def round2(x, n):
    return round(x, n)


@njit
def divmod_(a, b):
    return divmod(a, b)


@njit
def pow2(a, b):
    return pow(a, b)


@njit
def pow3(a, b, m):
    return pow(a, b, m)


@njit
def lens(n):
    return len(range(n)), len(range(0, n, 3)), len(range(n, 0, -2)), len((1, 2.0)), len(())


@njit
def enum_range(n):
    s = 0
    for i, x in enumerate(range(3, n)):
        s += i * 1000 + x
    for i, x in enumerate(range(n), 10):
        s -= i * x
    return s


@njit
def enum_tuple(t):
    out = 0.0
    for i, x in enumerate(t):
        out += i * x
    return out


@njit
def zips(n, t):
    s = 0
    for a, b in zip(range(n), t):
        s = s * 7 + a * b
    for a, b, c in zip(t, reversed(range(n)), range(1, 100)):
        s += a - b * c
    return s


@njit
def nested_iterators(t):
    s = 0
    for i, (a, b) in enumerate(zip(t, t)):
        s += i + a * b
    return s


@njit
def reversed_range(a, b, c):
    s = 0
    k = 0
    for x in reversed(range(a, b, c)):
        s = s * 3 + x
        k += 1
    return s, k


@njit
def reversed_tuple(t):
    return reversed(t)


@njit
def sums(n, t):
    return sum(range(n)), sum(range(1, n, 3)), sum(t), sum(t, 0.5), sum(()), sum((True, True, False))


@njit
def minmax(t):
    return min(t), max(t)


@njit
def printer(x, y):
    print("values:", x, y, (x, y), None, True)
    print()
    print(1.0 / 3.0, 1e100, 0.1, -0.0, 1e-7, 123456789012345678.0)
    return x


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-9e18, max_value=9e18))
@settings(max_examples=100, deadline=None)
def test_round1_float(x):
    # (results beyond int64 saturate: nopython mode's ints are 64-bit)
    check(round1, x)


@pytest.mark.parametrize("x", [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3, True, -7, 1e18, float("nan"), float("inf"), -float("inf")])
def test_round1_edges(x):
    check(round1, x)


@given(floats, st.integers(min_value=-20, max_value=20))
@settings(max_examples=150, deadline=None)
def test_round2_float(x, n):
    check(round2, x, n)


@pytest.mark.parametrize("x,n", [
    (2.675, 2), (2.5, 0), (3.5, 0), (-2.5, 0), (0.125, 2), (0.375, 2), (1234.5, -1), (15.0, -1), (25.0, -1),
    (1.7976931348623157e308, -308), (1e308, -308), (5e-324, 400), (0.1, 400), (123.456, -400), (-0.4, 0),
    (float("inf"), 2), (float("nan"), 1), (0.0, 3), (-0.0, -3),
])
def test_round2_float_edges(x, n):
    check(round2, x, n)


@given(ints, st.integers(min_value=-20, max_value=5))
@settings(max_examples=100, deadline=None)
def test_round2_int(x, n):
    check(round2, x, n)


@pytest.mark.parametrize("x,n", [(15, -1), (25, -1), (-15, -1), (-25, -1), (150, -2), (250, -2), (7, 3), (True, -1)])
def test_round2_int_edges(x, n):
    check(round2, x, n)


@given(ints, ints)
@settings(max_examples=100, deadline=None)
def test_divmod_int(a, b):
    check(divmod_, a, b)


@given(floats, floats)
@settings(max_examples=100, deadline=None)
def test_divmod_float(a, b):
    check(divmod_, a, b)


@pytest.mark.parametrize("a,b", [(7, 0), (7.0, 0.0), (-7, 2), (7, -2), (-7.5, 2), (7, 2.5), (True, 3), (0.0, -1.0)])
def test_divmod_edges(a, b):
    check(divmod_, a, b)


# (int ** negative int follows Numba and gives an int, like the ** operator)
@pytest.mark.parametrize("a,b", [(2, 10), (2.0, -1), (2.0, 0.5), (3, 2.0), (-8, 3), (True, 5), (0.0, -1.0)])
def test_pow2(a, b):
    check(pow2, a, b)


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=-50, max_value=10**6),
       st.integers(min_value=-10**12, max_value=10**12))
@settings(max_examples=150, deadline=None)
def test_pow3(a, b, m):
    check(pow3, a, b, m)


@pytest.mark.parametrize("a,b,m", [(2, 10, 0), (2, -1, 4), (3, -1, 7), (5, 3, 1), (5, 3, -1), (-3, 3, -7), (0, 0, 5),
                                   (2**40, 2**40, 2**61 - 1), (7, -3, -11)])
def test_pow3_edges(a, b, m):
    check(pow3, a, b, m)


@pytest.mark.parametrize("n", [0, 1, 5, 17, -3])
def test_len(n):
    check(lens, n)


@pytest.mark.parametrize("n", [0, 3, 10])
def test_enumerate(n):
    check(enum_range, n)
    check(enum_tuple, (1.5, 2.5, -3.0))


@pytest.mark.parametrize("n", [0, 2, 3, 6])
def test_zip(n):
    check(zips, n, (4, 5, 6))
    check(nested_iterators, (1, 2, 3))


@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-5, 5).filter(lambda c: c != 0))
@settings(max_examples=100, deadline=None)
def test_reversed_range(a, b, c):
    check(reversed_range, a, b, c)


def test_reversed_tuple():
    assert reversed_tuple((1, 2.5, None)) == (None, 2.5, 1)


@given(st.integers(-1000, 1000), st.tuples(ints, ints, ints))
@settings(max_examples=50, deadline=None)
def test_sum(n, t):
    check(sums, n, t)


@given(st.tuples(floats, floats, floats))
@settings(max_examples=30, deadline=None)
def test_sum_floats(t):
    check(sums, 5, t)


@given(st.tuples(ints, ints, ints, ints))
@settings(max_examples=50, deadline=None)
def test_minmax(t):
    check(minmax, t)


@pytest.mark.parametrize("t", [(1.5, 2.5, -3.0), (3.0, 3.0, float("nan")), (-1.5,), (True, False)])
def test_minmax_homogeneous(t):
    check(minmax, t)


def test_minmax_mixed_unifies():
    # The result of min/max over a mixed tuple has the unified type (as in Numba).
    assert minmax((1, 2.5, True)) == (1.0, 2.5)


def test_minmax_empty():
    check(minmax, ())


def test_print(capsys):
    printer.py_func(3, 2.5)
    expected = capsys.readouterr().out
    printer(3, 2.5)
    assert capsys.readouterr().out == expected


@given(floats)
@settings(max_examples=50, deadline=None)
def test_print_float_repr(x):
    import io
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        printer(x, x)
    got = buf.getvalue()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        printer.py_func(x, x)
    assert got == buf.getvalue()


# math.gcd and math.factorial over ints (issue 4's "gcd, factorial for small ints").
import math  # noqa: E402

from jitcheck import check as check_against  # noqa: E402  (pyfunc, jitfunc, *args)


def gcd2(a, b):
    return math.gcd(a, b)


def gcd_n(a, b, c):
    return math.gcd(a, b, c), math.gcd(a), math.gcd(True, b)


def factorial(n):
    return math.factorial(n)


@settings(max_examples=200, deadline=None)
@given(ints, ints)
def test_gcd_hypothesis(a, b):
    check_against(gcd2, njit(gcd2), a, b)


@pytest.mark.parametrize("args", [(0, 0), (0, 5), (-12, 18), (12, -18), (-7, -7), (2**62, 2**40), (1, -2**63 + 1),
                                  (-2**63 + 1, 0)])
def test_gcd_edges(args):
    check_against(gcd2, njit(gcd2), *args)
    check_against(gcd_n, njit(gcd_n), *args, 30)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 19, 20, -1, -100, True, False])
def test_factorial(n):
    check_against(factorial, njit(factorial), n)


def test_factorial_beyond_int64_is_an_overflow_error():
    # Python's 21! is a bigger int; nopython ints are int64: a clear OverflowError, not a wrapped value.
    with pytest.raises(OverflowError, match="does not fit in int64"):
        njit(factorial)(21)


def test_factorial_of_a_float_is_a_typing_error():
    from swiftjit.errors import TypingError
    with pytest.raises(TypingError, match="math.factorial"):
        njit(factorial)(3.0)
