"""list values in nopython mode (issue 11, point 1): differential against plain Python,
including reflection (changes to a list argument are visible to the caller)."""
import sys

import pytest
from hypothesis import given, settings, strategies as st

import swiftjit
from container_support import check
from swiftjit import njit

INT_LISTS = [[1], [3, 1, 2], [5, -1, 5, 0, 7, -1], list(range(20))]
FLOAT_LISTS = [[0.5], [2.5, -1.0, float("inf"), 0.0], [1e300, -1e-300, 3.25]]


def literal(): return [1, 2, 3], [1.5], ["a", "b"], [(1, 2.0), (3, 4.5)], [[1], [2, 3]]
def build_append(n):
    out = []
    for i in range(n):
        out.append(i * i)
    return out
def build_floats_sum(n):
    xs = []
    for i in range(n):
        xs.append(i * 0.5)
    s = 0.0
    for x in xs:
        s += x
    return s, len(xs)
def index_neg(xs, i): return xs[i], xs[-1]
def slices(xs, i, j): return xs[i:j], xs[::-1], xs[1:], xs[::2]
def setitem(xs, i, v):
    xs[i] = v
    return xs
def methods(xs):
    xs.append(10)
    xs.insert(0, -3)
    xs.extend([7, 8])
    a = xs.pop()
    b = xs.pop(0)
    xs.remove(10)
    c = xs.count(7)
    xs.reverse()
    return a, b, c, xs.index(7), len(xs)
def sorting(xs):
    ys = sorted(xs)
    zs = sorted(xs, reverse=True)
    xs.sort()
    return ys, zs, xs
def sort_reverse(xs):
    xs.sort(reverse=True)
    return xs
def contains(xs, v): return v in xs, v not in xs
def arith(xs, ys): return xs + ys, xs * 2, 3 * ys
def compare(xs, ys): return xs == ys, xs != ys, xs < ys
def reflect(xs):
    xs.append(99)
    xs[0] = -1
def reflect_float(xs):
    xs.append(99.0)
    xs[0] = -1.0
def del_items(xs):
    del xs[0]
    del xs[-1]
    return xs
def aggregates(xs): return sum(xs), min(xs), max(xs), len(xs), bool(xs)
def enumerate_zip(xs):
    total = 0
    for i, x in enumerate(xs):
        total += i * x
    for a, b in zip(xs, xs):
        total += a - b
    return total
def strings(words):
    out = []
    for w in words:
        if len(w) > 1:
            out.append(w.upper())
    return out
def nested(n):
    grid = []
    for i in range(n):
        row = []
        for j in range(n):
            row.append(i * j)
        grid.append(row)
    return grid, grid[n - 1][n - 1] if n else 0
def list_of_tuples(xs):
    out = []
    for i in range(len(xs)):
        out.append((i, xs[i]))
    return out
def empty_then_list_call(xs): return list(xs), list(range(4)), list("abc")
def clear_copy(xs):
    ys = xs.copy()
    xs.clear()
    return ys, xs
def mixed_number_append(n):
    xs = [0.5]
    for i in range(n):
        xs.append(i)
    return xs


def test_literals_and_building():
    check(literal)
    for n in (0, 1, 5, 100):
        check(build_append, n)
        check(build_floats_sum, n)
        check(nested, min(n, 6))
        # A list of float64 stores floats (as Numba's typed lists do): ints appended to it
        # read back as floats of the same value.
        got, expected = njit(mixed_number_append)(n), mixed_number_append(n)
        assert got == expected and all(type(x) is float for x in got), (n, got)


@pytest.mark.parametrize("xs", INT_LISTS + FLOAT_LISTS)
def test_operations(xs):
    for i in (-10, -1, 0, 1, 5):
        check(index_neg, xs, i)
        check(slices, xs, i, i + 2)
        check(setitem, xs, i, xs[0])
        check(contains, xs, xs[0] if i == 0 else i)
    for f in (methods, sorting, sort_reverse, del_items, aggregates, enumerate_zip, reflect, list_of_tuples,
              empty_then_list_call, clear_copy):
        if f is methods and isinstance(xs[0], float):
            continue
        if f is reflect and isinstance(xs[0], float):
            f = reflect_float  # a list of float64 stores floats: ints stored in it read back as floats
        check(f, xs)
    check(arith, xs, xs)
    check(compare, xs, xs[::-1])


def test_strings_in_lists():
    for words in [["a"], ["ab", "c", "déf", ""], ["x" * 5] * 3]:
        check(strings, words)
        check(sorting, words)


def test_reflection_is_the_same_object():
    f = njit(reflect)
    xs = [1, 2, 3]
    f(xs)
    assert xs == [-1, 2, 3, 99]


def test_returned_list_is_python_list():
    got = njit(build_append)(4)
    assert type(got) is list and got == [0, 1, 4, 9]


def test_errors():
    check(index_neg, [1, 2], 5)  # IndexError, same message
    check(methods, [1])
    with pytest.raises(swiftjit.TypingError, match="empty list"):
        njit(aggregates)([])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-2**40, 2**40), min_size=1, max_size=30), st.integers(-40, 40))
def test_hypothesis(xs, i):
    check(index_neg, xs, i)
    check(slices, xs, i, i + 3)
    check(sorting, xs)
    check(aggregates, xs)
    check(contains, xs, i)


def test_refcounts_stay_flat():
    f = njit(reflect)
    g = njit(build_append)
    xs = [1, 2, 3]
    f(xs)
    before = sys.getrefcount(xs)
    for _ in range(10000):
        f(xs)
        g(3)
    assert sys.getrefcount(xs) == before
    out = g(3)
    assert sys.getrefcount(out) == 2
