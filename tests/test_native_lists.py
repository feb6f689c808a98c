"""Native storage for lists of numbers (issue 11 point 9): lists of bool, int64, float64 and
complex128 live unboxed in compiled code (swiftjit._NativeList). Differential checks of every
list operation on such lists (the jitted function vs plain Python, arguments compared after
the call: changes are reflected into the caller's list), plus boundary, memory and
reference-count checks."""
import math
import sys

import pytest

from container_support import check, deep_same
from jitcheck import check_memory_flat
from swiftjit import njit

I64_MAX, I64_MIN = 2**63 - 1, -2**63
NAN = float("nan")
LISTS = {
    "int": [[7], [3, -1, 2, 0, 5], [I64_MAX, I64_MIN, 0, -1, 1, I64_MAX]],
    "float": [[0.5], [2.5, -1.0, math.inf, 0.0, -0.0, 1e300], [NAN, 1.0, -math.inf, NAN, 3.25]],
    "bool": [[True], [True, False, False, True]],
    "complex": [[1j], [1 + 2j, -3.5 + 0j, complex(0, -1), 2 + 2j]],
}
ALL = [(k, xs) for k, lists in LISTS.items() for xs in lists]
IDS = [f"{k}{i}" for i, (k, _) in enumerate(ALL)]


def get(xs, i): return xs[i]
def set_and_read(xs, i, v):
    xs[i] = v
    return xs[i], len(xs)
def iterate(xs):
    out = []
    for x in xs:
        out.append(x)
    return out, len(out)
def iterate_enumerate(xs):
    n = 0
    for i, x in enumerate(xs):
        if x == xs[i]:
            n += 1
    return n
def append_self(xs, v):
    for _ in range(40):  # grows the buffer several times
        xs.append(v)
    return len(xs), xs[-1]
def pop_all(xs):
    out = []
    while len(xs) > 0:
        out.append(xs.pop())
    return out
def pop_at(xs, i): return xs.pop(i), xs
def pop_empty(xs):
    xs.clear()
    return xs.pop()
def rare(xs, v):
    ys = xs[1:] + xs[:1]
    ys.insert(0, v)
    ys.extend(xs)
    ys.reverse()
    c = ys.count(v)
    ys.remove(v)
    zs = ys * 2
    zs += [v]
    return ys, zs, c, v in xs, xs == ys, len(zs), xs.copy()
def slice_assign(xs, v):
    xs[1:2] = [v, v]
    del xs[0]
    return xs
def return_fresh(n, v):
    xs = [v]
    for _ in range(n):
        xs.append(v)
    return xs
def aliasing(xs, v):
    ys = xs
    ys.append(v)
    return len(xs), xs is ys
def truthiness(xs):
    ys = xs[:0]
    return bool(xs), bool(ys), not ys
def text(xs): return str(xs), f"{xs}"


@pytest.mark.parametrize("kind,xs", ALL, ids=IDS)
def test_indexing_and_iteration(kind, xs):
    for i in (-len(xs) - 1, -len(xs), -1, 0, len(xs) - 1, len(xs), 10**6):
        check(get, xs, i)
        check(set_and_read, xs, i, xs[0])
        check(pop_at, xs, i)
    check(iterate, xs)
    check(iterate_enumerate, xs)
    check(append_self, xs, xs[-1])
    check(pop_all, xs)
    check(pop_empty, xs)
    check(aliasing, xs, xs[0])
    check(truthiness, xs)
    check(text, xs)
    check(return_fresh, 0, xs[0])
    check(return_fresh, 100, xs[-1])


@pytest.mark.parametrize("kind,xs", [a for a in ALL if len(a[1]) >= 2], ids=[i for i, a in zip(IDS, ALL) if len(a[1]) >= 2])
def test_generic_operations(kind, xs):
    check(rare, xs, xs[1])
    check(slice_assign, xs, xs[0])


def sort_it(xs):
    xs.sort()
    return xs
def sort_reverse(xs):
    xs.sort(reverse=True)
    return sorted(xs), min(xs), max(xs)


@pytest.mark.parametrize("xs", LISTS["int"] + LISTS["float"] + LISTS["bool"])
def test_sorting_reflects_python_order(xs):
    # list.sort with NaN keeps Python's order (comparisons with NaN are false).
    check(sort_it, xs)
    check(sort_reverse, xs)


def test_reflection_visible_in_caller():
    @njit
    def change(xs):
        xs.append(4.5)
        xs[0] = -1.0
        xs.pop(1)
        xs.sort()

    xs = [3.0, 2.0, 1.0]
    alias = xs
    change(xs)
    assert xs is alias and xs == [-1.0, 1.0, 4.5]

    @njit
    def untouched(xs):
        return xs[0] + xs[-1]

    ys = [1.0, NAN, 2.0]
    items = [id(y) for y in ys]
    assert untouched(ys) == 3.0
    assert [id(y) for y in ys] == items  # not changed: the caller's list is left alone

    @njit
    def fails(xs):
        xs.append(1)
        raise ValueError("after the append")

    zs = [0]
    with pytest.raises(ValueError, match="after the append"):
        fails(zs)
    assert zs == [0, 1]  # reflected when the function raises too


def test_same_list_passed_twice():
    @njit
    def two(xs, ys):
        xs.append(1)
        ys.append(2)
        return len(xs), len(ys), xs[-1]

    b = [0]
    assert two(b, b) == (3, 3, 2)
    assert b == [0, 1, 2]
    c, d = [0], [0]
    assert two(c, d) == (2, 2, 1)
    assert c == [0, 1] and d == [0, 2]


def test_returned_lists_are_plain_lists():
    @njit
    def make(n):
        xs = [0.5]
        bs = [True]
        cs = [1j]
        ns = [n]
        for i in range(n):
            xs.append(i * 0.5)
            ns.append(i)
        return xs, bs, cs, ns, [xs, xs]

    r = make(3)
    for x in r:
        assert type(x) is list
    assert r[0] == [0.5, 0.0, 0.5, 1.0] and r[3] == [3, 0, 1, 2]
    assert type(r[4][0]) is list and r[4][0] == r[0]

    @njit
    def passthrough(xs):
        return xs

    a = [1, 2]
    b = passthrough(a)
    assert type(b) is list and b == a


def test_lists_of_lists_share_inner_lists():
    @njit
    def grid(n):
        rows = []
        for i in range(n):
            rows.append([float(i)])
        for row in rows:
            row.append(-1.0)
        first = rows[0]
        first.append(9.0)
        return rows

    assert grid(3) == [[0.0, -1.0, 9.0], [1.0, -1.0], [2.0, -1.0]]

    @njit
    def bump(rows):
        rows[0].append(7)
        return len(rows[0])

    rows = [[1, 2], [3]]
    assert bump(rows) == 3
    assert rows == [[1, 2, 7], [3]]


def test_mixing_element_types_is_a_clear_error():
    @njit
    def mixed(flag):
        a = [1, 2]
        b = [0.5]
        c = a if flag else b
        return c

    with pytest.raises(Exception, match="list of int64 is used where a list of float64"):
        mixed(True)


def test_refcounts_unchanged_over_many_calls():
    @njit
    def touch(xs, ys):
        xs.append(1.5)
        xs.pop()
        ys[0] = ys[0]
        return xs, len(ys)

    xs, ys = [0.5, 2.5], [1, 2, 3]
    touch(xs, ys)
    before = (sys.getrefcount(xs), sys.getrefcount(ys), [sys.getrefcount(x) for x in xs])
    for _ in range(100_000):
        r = touch(xs, ys)
    del r
    assert (sys.getrefcount(xs), sys.getrefcount(ys), [sys.getrefcount(x) for x in xs]) == before


SCRIPT = """
    @njit
    def build_drop(n):
        total = 0.0
        for i in range(n):
            xs = [i * 0.5]
            for k in range(20):
                xs.append(k * 1.0)
            ys = xs[2:5]
            total += xs.pop() + len(ys)
        return total

    @njit
    def big(n):
        xs = []
        for i in range(n):
            xs.append(i)
        return len(xs)

    @njit
    def roundtrip(xs):
        xs.append(1.0)
        return xs

    build_drop(10); big(10); roundtrip([0.5])
    before = rss_mb()
    build_drop(1_000_000)
    for _ in range(20):
        big(1_000_000)
    arg = [0.5] * 1000
    for _ in range(20_000):
        roundtrip(arg)
        arg.pop()
    grown = rss_mb() - before
"""


def test_million_native_lists_keep_memory_flat():
    check_memory_flat(SCRIPT)


def test_lists_inside_dict_and_tuple_arguments_are_reflected():
    @njit
    def in_dict(d):
        d[1].append(5.0)
        return len(d[1])

    d = {1: [1.0], 2: [2.0]}
    assert in_dict(d) == 2 and d == {1: [1.0, 5.0], 2: [2.0]}

    @njit
    def in_tuple(p):
        p[0].append(1)
        p[1][0] = 2.5
        return p

    q = ([1], [0.5])
    r = q[0]
    assert in_tuple(q) == ([1, 1], [2.5])
    assert q == ([1, 1], [2.5]) and q[0] is r  # the caller's lists, changed in place
