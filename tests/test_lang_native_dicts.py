"""Native dicts (issue 11, point 2 and the dict benchmark of point 9): dicts with int or
bool keys and int, float or bool values are held natively (swiftjit._NativeDict).
Differential against plain Python: results, exceptions and the arguments after the
call (a dict argument's changes are written back to the caller's dict)."""
import sys

import pytest
from hypothesis import given, settings, strategies as st

from container_support import check
from jitcheck import check_memory_flat
from swiftjit import njit, typed, types

I64_MIN, I64_MAX = -2**63, 2**63 - 1


def build(n):
    d = {}
    for i in range(n):
        d[i * 7 - 3] = i * 0.5
    return d
def build_int(n):
    d = {}
    for i in range(n):
        d[(i * 7919) % 1000 - 500] = i
    return d
def count(xs):
    d = {}
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return d
def count_into(xs, d):
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return len(d)
def getitem(d, k): return d[k]
def setitem(d, k, v):
    d[k] = v
    return len(d)
def contains(d, k): return k in d, k not in d
def get1(d, k):
    r = d.get(k)
    return -999 if r is None else r
def get2(d, k): return d.get(k, -1)
def delete(d, k):
    del d[k]
    return len(d)
def pop1(d, k): return d.pop(k)
def pop2(d, k): return d.pop(k, -7)
def setdefault(d, k): return d.setdefault(k, 42), len(d)
def delete_reinsert(n):
    d = {}
    for i in range(n):
        d[i] = i * i
    for i in range(0, n, 3):
        del d[i]
    for i in range(0, n, 6):
        d[i] = -i
    return list(d.keys()), list(d.values())
def iterate(d):
    ks = []
    for k in d:
        ks.append(k)
    total = 0
    for k, v in d.items():
        total += v * 3 + (k & 255)
    vs = []
    for v in d.values():
        vs.append(v)
    return ks, total, vs, list(d.keys()), list(d.values()), list(d.items())
def views(d):
    return len(d.keys()), len(d.values()), len(d.items()), sum(d.values()), sorted(d.keys()), 3 in d.keys()
def equal(d):
    e = {}
    for k in d:
        e[k] = d[k]
    f = d.copy()
    f[123456] = 1
    return d == e, d != e, d == f, e == f
def update(d):
    e = {1: 10, 99: 990}
    d.update(e)
    return len(d)
def copy_clear(d):
    e = d.copy()
    d.clear()
    d[5] = 55
    return e, len(e), len(d)
def popitem(d):
    out = []
    while len(d) > 0:
        out.append(d.popitem())
    return out
def constructors(n):
    d = dict()
    for i in range(n):
        d[i] = i + 0.5
    e = {1: 2, 3: 4}
    return d, e, len(dict())
def truth(d): return bool(d), not d
def union(d):
    e = {100: 1, 1: -1}
    f = d | e
    d |= e
    return f, len(d)
def helper(d, k):
    d[k] = d.get(k, 0) + 10
    return len(d)
def calls_jitted(d):
    n = 0
    for k in range(3):
        n += jitted_helper(d, k)
    return n, d
def bools():
    d = {True: 1, False: 0}
    e = {1: True, 2: False}
    e[3] = True
    return d, e, d[True], e[1], e.get(9, False)
def extremes():
    d = {}
    d[-9223372036854775807 - 1] = 1
    d[9223372036854775807] = 2
    d[0] = 3
    d[-1] = 4
    return d, d[-9223372036854775807 - 1], d[9223372036854775807]
def powers_of_two(n):
    d = {}
    for i in range(n):
        d[i << 20] = i
    s = 0
    for i in range(n):
        s += d[i << 20]
    return s, len(d)
def returned_in_list(n):
    out = []
    for i in range(n):
        out.append({i: i * 1.5})
    return out
def nested_arg(ds):
    for d in ds:
        d[100] = len(d)
    return len(ds)
def float_values():
    d = {1: 1.0}
    d[2] = 2.5
    return d, d[1] + d[2]


jitted_helper = njit(helper)

INT_DICTS = [{1: 2}, {1: 2, 3: 4, 5: 6}, {-1: 0, 2: -5}, {I64_MIN: 1, I64_MAX: -1, 0: 0}]
KEYS = [1, 2, 3, -1, 0, I64_MIN, I64_MAX]


def test_build_and_count():
    for n in (0, 1, 5, 100, 5000):  # 5000 keys: many resizes
        check(build, n)
        check(build_int, n)
    for xs in ([1], [3, 1, 3, 3, 2, 1], [I64_MIN, I64_MAX, I64_MIN]):
        check(count, xs)


@pytest.mark.parametrize("d", INT_DICTS)
def test_operations(d):
    for k in KEYS:
        for f in (getitem, contains, get1, get2, delete, pop1, pop2, setdefault):
            check(f, d, k)
        check(setitem, d, k, 9)
    for f in (iterate, views, equal, update, copy_clear, popitem, truth, union, calls_jitted):
        check(f, d)


def test_empty_typed_dict():
    def empty():
        return typed.Dict.empty(key_type=types.int64, value_type=types.int64)
    for f in (iterate, views, copy_clear, popitem, truth, update):
        check(f, empty(), jitfunc=njit(f))
    for k in KEYS:
        for f in (getitem, contains, get2, delete, pop1, pop2, setdefault):
            check(f, empty(), k, jitfunc=njit(f))


def test_deletion_then_reinsertion_keeps_insertion_order():
    for n in (0, 1, 7, 50, 1000):
        check(delete_reinsert, n)


def test_constructors_bools_extremes_floats():
    check(constructors, 0)
    check(constructors, 10)
    check(bools)
    check(extremes)
    check(powers_of_two, 2000)
    check(float_values)


def test_key_error_names_the_key():
    with pytest.raises(KeyError) as e:
        njit(getitem)({1: 2}, -12345)
    assert e.value.args == (-12345,)
    with pytest.raises(KeyError) as e:
        njit(delete)({1: 2}, 7)
    assert e.value.args == (7,)
    with pytest.raises(KeyError) as e:
        njit(pop1)({1: 2}, 8)
    assert e.value.args == (8,)


def test_reflection_visible_in_the_caller():
    d = {1: 5}
    assert njit(count_into)([1, 2, 2, 3], d) == 3
    assert d == {1: 6, 2: 2, 3: 1} and list(d) == [1, 2, 3]
    td = typed.Dict.empty(key_type=types.int64, value_type=types.int64)
    f = njit(count_into)
    assert f([4, 4, 5], td) == 2
    assert td == {4: 2, 5: 1} and isinstance(td, typed.Dict)
    assert f([5], td) == 2 and td == {4: 2, 5: 2}
    # Changes made before an exception are visible too, as in Python.
    def fails(d):
        d[10] = 1
        return d[11]
    d = {1: 1}
    with pytest.raises(KeyError):
        njit(fails)(d)
    assert d == {1: 1, 10: 1}


def aliased(d1, d2):
    d1[5] = 1
    d2[6] = len(d1)
    return len(d1) + len(d2), d1.get(6, -1)


def test_same_dict_passed_twice():
    e = {1: 1}
    expected = aliased(e, e)
    d = {1: 1}
    assert njit(aliased)(d, d) == expected and d == e
    check(aliased, {1: 1}, {2: 2})


def test_returned_dicts_are_python_dicts():
    r = njit(build)(3)
    assert type(r) is dict
    out = njit(returned_in_list)(3)
    assert all(type(x) is dict for x in out) and out == returned_in_list(3)
    ds = [{1: 1}, {2: 2, 3: 3}]
    assert njit(nested_arg)(ds) == 2
    assert ds == [{1: 1, 100: 1}, {2: 2, 3: 3, 100: 2}] and all(type(x) is dict for x in ds)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(I64_MIN, I64_MAX) | st.integers(-5, 5), min_size=1, max_size=60))
def test_hypothesis_count(xs):
    check(count, xs)
    check(count_into, xs, {0: 1})


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(-20, 20), st.integers(-9, 9), min_size=1, max_size=20), st.integers(-20, 20))
def test_hypothesis_operations(d, k):
    for f in (getitem, delete, pop2, setdefault):
        check(f, d, k)
    check(iterate, d)


def test_refcounts_unchanged_over_many_calls():
    f = njit(count_into)
    d = {1: 1}
    xs = [1, 2, 3]
    before = (sys.getrefcount(d), sys.getrefcount(xs))
    for _ in range(100_000):
        f(xs, d)
    assert (sys.getrefcount(d), sys.getrefcount(xs)) == before
    assert d == {1: 100_001, 2: 100_000, 3: 100_000}


def test_million_native_dicts_keep_memory_flat():
    check_memory_flat("""
        @njit
        def churn(n):
            total = 0
            for i in range(n):
                d = {i: 1.5, i + 1: 2.5}
                d[i + 2] = 3.5
                total += len(d)
            return total

        @njit
        def make(i):
            return {i: i, i + 1: 2}

        churn(10)
        before = rss_mb()
        assert churn(1_000_000) == 3_000_000
        for i in range(100_000):
            make(i)
        grown = rss_mb() - before
    """)
