"""Tuples in nopython mode: build, index, slice, unpack, iterate, compare, in, +, len, nesting."""
import pytest
from hypothesis import given, settings, strategies as st

from swiftjit import njit
from swiftjit.errors import TypingError
from lang_support import check

ints = st.integers(min_value=-2**40, max_value=2**40)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@njit
def index_const(t):
    return t[0], t[1], t[-1], t[-2]


@njit
def index_runtime(t, i):
    return t[i]


@njit
def index_runtime_float(t, i):
    return t[i] * 2.0


@njit
def unpack(t):
    a, b, c = t
    return c, b, a


@njit
def nested(t):
    (a, b), c = t
    return ((c, a), (b,)), t[0][1], t[1]


@njit
def iterate(t):
    s = 0
    for x in t:
        s = s * 3 + x
    return s


@njit
def iterate_float(t):
    s = 0.0
    for x in t:
        s += x * x
    return s


@njit
def length(t):
    return len(t), len(()), len((t, t))


@njit
def compare(a, b):
    return a == b, a != b, a < b, a <= b, a > b, a >= b


@njit
def contains(x, t):
    return x in t, x not in t


@njit
def concat(a, b):
    return a + b, b + a + (1.5,)


@njit
def slices(t):
    return t[1:], t[:2], t[::-1], t[1:3], t[::2], t[-2:], t[5:], t[:-1], t[1:-1:2]


@njit
def build_and_return(a, b):
    t = (a, b, a + b)
    u = (t, (a,), ())
    return u


@njit
def index_out_of_range_const(t):
    return t[3]


@njit
def bool_index(t, flag):
    return t[flag]


@given(st.tuples(ints, ints, ints, ints))
@settings(max_examples=50, deadline=None)
def test_index_const(t):
    check(index_const, t)


@given(st.tuples(ints, ints, ints), st.integers(min_value=-5, max_value=5))
@settings(max_examples=80, deadline=None)
def test_index_runtime(t, i):
    check(index_runtime, t, i)


@pytest.mark.parametrize("i", [-4, -3, -1, 0, 2, 3, 100, -100])
def test_index_runtime_edges(i):
    check(index_runtime, (1.5, 2.5, 3.5), i)
    check(index_runtime_float, (1.5, 2.5, 3.5), i)
    check(index_runtime, ((1, 2), (3, 4)), i % 3 - 1)


def test_index_error_message():
    with pytest.raises(IndexError, match="^tuple index out of range$"):
        index_runtime((1, 2), 2)
    with pytest.raises(IndexError, match="^tuple index out of range$"):
        index_out_of_range_const((1, 2, 3))
    check(index_out_of_range_const, (1, 2, 3, 4))


def test_bool_index():
    check(bool_index, (10, 20), True)
    check(bool_index, (10, 20), False)


@given(st.tuples(ints, floats, st.booleans()))
@settings(max_examples=40, deadline=None)
def test_unpack(t):
    check(unpack, t)


@given(st.tuples(st.tuples(ints, floats), st.booleans()))
@settings(max_examples=40, deadline=None)
def test_nested(t):
    check(nested, t)


@given(st.tuples(ints, ints, ints, ints, ints))
@settings(max_examples=40, deadline=None)
def test_iterate(t):
    check(iterate, t)


@pytest.mark.parametrize("t", [(1.5,), (1.0, 2.0, -3.5)])
def test_iterate_float(t):
    check(iterate_float, t)


def test_len():
    check(length, (1, 2.0, None))
    check(length, ())


small = st.integers(min_value=-3, max_value=3)


@given(st.tuples(small, small, small), st.tuples(small, small, small))
@settings(max_examples=100, deadline=None)
def test_compare_same_length(a, b):
    check(compare, a, b)


@pytest.mark.parametrize("a,b", [
    ((1, 2), (1, 2, 3)), ((1, 2, 3), (1, 2)), ((), ()), ((), (1,)), ((1.5, 2), (1.5, 2.0)),
    ((1, (2, 3)), (1, (2, 4))), ((True, 2), (1, 2)), ((0.5,), (1,)),
])
def test_compare_mixed(a, b):
    check(compare, a, b)


def test_compare_with_none_items():
    eq = njit(lambda a, b: (a == b, a != b))
    check(eq, (1, None), (1, None))
    check(eq, (1, None), (1, 2))


@given(ints, st.tuples(ints, ints, ints))
@settings(max_examples=50, deadline=None)
def test_contains(x, t):
    check(contains, x, t)
    check(contains, t[1], t)


def test_contains_mixed():
    check(contains, 2.0, (1, 2, 3))
    check(contains, 2, (1.5, None, 2.0))
    check(contains, 7, ())


def test_concat():
    check(concat, (1, 2), (3.5, None))
    check(concat, (), ())
    check(concat, ((1, 2),), (True,))


@given(st.tuples(ints, ints, ints, ints))
@settings(max_examples=30, deadline=None)
def test_slices(t):
    check(slices, t)


def test_slices_heterogeneous():
    check(slices, (1, 2.5, None, True))
    check(slices, (1,))


def test_build_and_return():
    check(build_and_return, 2, 3)
    check(build_and_return, 2.5, True)


def test_runtime_index_of_heterogeneous_tuple_is_a_typing_error():
    with pytest.raises(TypingError, match="homogeneous"):
        index_runtime((1, 2.5), 0)


def test_iterating_heterogeneous_tuple_is_a_typing_error():
    with pytest.raises(TypingError, match="one type"):
        iterate((1, 2.5))


def test_ordering_incomparable_is_a_typing_error():
    with pytest.raises(TypingError, match="cannot be ordered"):
        compare((1, None), (1, None))


def test_tuple_index_in_loop():
    @njit
    def f(t, n):
        s = 0
        for i in range(n):
            s += t[i % 3] * t[-(i % 3) - 1]
        return s
    check(f, (3, 5, 7), 10)
    check(f, (3, 5, 7), 0)
