"""swiftjit.typed.List / typed.Dict held natively (issue 11 points 1 and 2).

A typed.List of bool/int64/float64/complex128 items and a typed.Dict with int/bool keys and
int/float/bool values are the native storage compiled code uses: they are passed without
conversion (no copy in, no reflection out) and come back as the same objects.

Differential: the same operations run on a plain list/dict and on the typed container,
from Python and from jitted code (the jitted function gets the typed container, the
Python function a plain copy); values, exceptions and the container afterwards must agree.
"""
import copy
import gc
import pickle
import random
import sys
import time

import pytest

import swiftjit
from swiftjit import njit, typed, types
from jitcheck import Raised, check_memory_flat, outcome

List, Dict = typed.List, typed.Dict


def same_items(a, b):
    """Same length, same values of the same types (floats compared by repr, so -0.0 != 0.0)."""
    a, b = list(a), list(b)
    return len(a) == len(b) and all(type(x) is type(y) and repr(x) == repr(y) for x, y in zip(a, b))


def same_value(a, b):
    if isinstance(a, Raised) or isinstance(b, Raised):
        return a == b
    if isinstance(a, List):
        a = list(a)
    if isinstance(b, List):
        b = list(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and same_items(a, b)
    return type(a) is type(b) and repr(a) == repr(b)


def make(kind, items):
    out = List.empty_list(kind)
    for x in items:
        out.append(x)
    return out


# ---------------------------------------------------------------- typed.List from Python

LIST_OPS = [
    ("append", lambda l, r: l.append(r.choice(VALUES[type(l[0]) if len(l) else int]))),
    ("pop", lambda l, r: l.pop()),
    ("pop_i", lambda l, r: l.pop(r.randint(-4, 4))),
    ("insert", lambda l, r: l.insert(r.randint(-6, 6), 7)),
    ("remove", lambda l, r: l.remove(r.choice([0, 1, 2, 3, 7]))),
    ("index", lambda l, r: l.index(r.choice([0, 1, 2, 7]))),
    ("count", lambda l, r: l.count(r.choice([0, 1, 2, 7]))),
    ("sort", lambda l, r: l.sort()),
    ("sort_rev", lambda l, r: l.sort(reverse=True)),
    ("sort_key", lambda l, r: l.sort(key=lambda x: -x)),
    ("reverse", lambda l, r: l.reverse()),
    ("getitem", lambda l, r: l[r.randint(-5, 5)]),
    ("setitem", lambda l, r: l.__setitem__(r.randint(-5, 5), 3)),
    ("delitem", lambda l, r: l.__delitem__(r.randint(-5, 5))),
    ("slice", lambda l, r: list(l[r.randint(-4, 4):r.randint(-4, 6):r.choice([1, 2, -1])])),
    ("setslice", lambda l, r: l.__setitem__(slice(1, 3), [5, 6, 7])),
    ("delslice", lambda l, r: l.__delitem__(slice(None, None, 2))),
    ("len", lambda l, r: len(l)),
    ("in", lambda l, r: r.choice([0, 1, 2, 7, 9]) in l),
    ("iter", lambda l, r: [x for x in l]),
    ("reversed", lambda l, r: list(reversed(l))),
    ("eq", lambda l, r: l == [1, 2, 3]),
    ("lt", lambda l, r: l < [1, 2, 3]),
    ("extend", lambda l, r: l.extend([r.randint(-3, 3) for _ in range(r.randint(0, 3))])),
    ("iadd", lambda l, r: l.__iadd__([4, 5])),
    ("copy", lambda l, r: list(l.copy())),
    ("clear", lambda l, r: l.clear() if r.random() < 0.1 else None),
    ("bool", lambda l, r: bool(l)),
    ("sum", lambda l, r: sum(l)),
]
VALUES = {int: [0, 1, 2, -5, 2 ** 62], float: [0.0, -0.0, 1.5, float("inf"), 2.0], bool: [True, False],
          complex: [1j, 2 + 0j, -1.5j]}


@pytest.mark.parametrize("kind,start", [
    (types.int64, [3, 1, 2, 1, 0, -7]),
    (types.float64, [3.5, -0.0, 2.0, 1.0, float("nan")]),
    (types.int64, []),
    (types.float64, [1.0]),
])
def test_list_operations_match_python_list(kind, start):
    r_py, r_tl = random.Random(7), random.Random(7)
    py, tl = list(start), make(kind, start)
    for step in range(600):
        name, op = LIST_OPS[r_py.randint(0, len(LIST_OPS) - 1)]
        r_tl.randint(0, len(LIST_OPS) - 1)
        if kind is types.float64 and name in ("append", "insert", "setitem", "setslice", "extend", "iadd"):
            # the float list stores these ints as floats: run the Python side on floats too
            expected = outcome(lambda: op(_FloatList(py), r_py))
        else:
            expected = outcome(op, py, r_py)
        got = outcome(op, tl, r_tl)
        assert same_value(expected, got), (step, name, expected, got, py, list(tl))
        assert same_items(py, tl), (step, name, py, list(tl))
        assert isinstance(tl, List)


class _FloatList:
    """A view of a Python list that stores numbers as floats (what a float64 typed List does)."""

    def __init__(self, items):
        self.items = items

    def append(self, v):
        self.items.append(float(v))

    def insert(self, i, v):
        self.items.insert(i, float(v))

    def __setitem__(self, i, v):
        self.items[i] = [float(x) for x in v] if isinstance(i, slice) else float(v)

    def extend(self, vs):
        self.items.extend(float(v) for v in vs)

    def __iadd__(self, vs):
        self.extend(vs)
        return self.items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def test_list_constructors_repr_and_types():
    assert repr(List([1, 2])) == "ListType[int64]([1, 2])"
    assert repr(List.empty_list(types.float64)) == "ListType[float64]([])"
    assert repr(List([True, False])) == "ListType[bool]([True, False])"
    assert repr(List([1, 2.5])) == "ListType[float64]([1.0, 2.5])"
    assert repr(List([1j])) == "ListType[complex128]([1j])"
    assert str(List([1, 2])) == "[1, 2]"
    empty = List()
    assert repr(empty) == "ListType[undefined]([])" and empty.item_type is None
    empty.append(2.5)
    assert empty.item_type == "float64" and list(empty) == [2.5]
    assert List(range(5)) == [0, 1, 2, 3, 4] and List(x * 0.5 for x in range(3)) == [0.0, 0.5, 1.0]
    assert List.empty_list(int).item_type == "int64" and List.empty_list(float).item_type == "float64"
    tl = List([1, 2, 3])
    assert isinstance(tl[1:], List) and tl[1:] == [2, 3] and tl[::-1] == [3, 2, 1]
    assert isinstance(tl.copy(), List) and tl.copy() is not tl
    assert tl == List([1, 2, 3]) and tl != List([1, 2])
    back = pickle.loads(pickle.dumps(tl))
    assert isinstance(back, List) and back == tl and back.item_type == "int64"
    assert copy.deepcopy(List.empty_list(types.float64)).item_type == "float64"
    with pytest.raises(TypeError):
        hash(tl)


def test_list_store_wrong_type_is_a_clear_type_error():
    ints = List.empty_list(types.int64)
    with pytest.raises(TypeError, match="typed List of int64 cannot hold a str"):
        ints.append("a")
    with pytest.raises(TypeError, match="typed List of int64 cannot hold a float"):
        ints.append(1.5)  # Numba: "cannot safely cast float64 to int64"
    ints.append(True)  # a bool is cast safely to int64, as in Numba
    assert same_items(ints, [1])
    with pytest.raises(TypeError):
        ints[0] = None
    with pytest.raises(TypeError):
        ints.extend([1, 2, "x"])
    assert same_items(ints, [1])  # extend is all or nothing
    with pytest.raises(TypeError):
        ints.insert(0, 2.0)
    with pytest.raises(TypeError):
        List.empty_list(types.boolean).append(1)
    floats = List.empty_list(types.float64)
    floats.append(1)
    floats.append(True)
    assert same_items(floats, [1.0, 1.0])
    with pytest.raises(TypeError):
        floats.append(1j)
    with pytest.raises(TypeError, match="List\\(\\) holds bool, int, float or complex"):
        List().append("x")
    with pytest.raises(IndexError, match="list index out of range"):
        List.empty_list(types.int64)[0]
    with pytest.raises(IndexError, match="pop from empty list"):
        List.empty_list(types.int64).pop()
    with pytest.raises(ValueError):
        List([1]).remove(5)
    with pytest.raises(OverflowError):
        ints.append(2 ** 64)


def test_other_item_types_keep_the_reflected_representation():
    strs = List.empty_list(types.unicode_type)
    assert isinstance(strs, List) and isinstance(strs, list)
    assert isinstance(List(["a", "b"]), List)
    d = Dict.empty(key_type=types.unicode_type, value_type=types.int64)
    assert isinstance(d, Dict) and isinstance(d, dict)

    @njit
    def fill(xs, d, n):
        for i in range(n):
            xs.append(str(i))
            d[str(i)] = i
        return len(xs)

    assert fill(strs, d, 3) == 3 and strs == ["0", "1", "2"] and d == {"0": 0, "1": 1, "2": 2}


# ---------------------------------------------------------------- typed.List in jitted code

def l_sum(xs):
    s = 0.0  # a float total for both item types (an int total would unify with float items)
    for x in xs:
        s += x
    return s


def l_append(xs, n):
    for i in range(n):
        xs.append(i * 2)
    return len(xs)


def l_index_neg(xs):
    return xs[-1] + xs[-len(xs)]


def l_set(xs):
    for i in range(len(xs)):
        xs[i] = xs[i] * 3 - 1
    return len(xs)


def l_pop(xs):
    return xs.pop()


def l_pop0(xs):
    return xs.pop(0)


def l_sort(xs):
    xs.sort()
    return len(xs)


def l_sort_rev(xs):
    xs.sort(reverse=True)
    return xs[0]


def l_reverse(xs):
    xs.reverse()
    return len(xs)


def l_insert(xs):
    xs.insert(1, 99)
    xs.insert(-1, 98)
    return len(xs)


def l_remove(xs):
    xs.remove(2)
    return len(xs)


def l_index(xs):
    return xs.index(2)


def l_count(xs):
    return xs.count(2)


def l_in(xs):
    return (2 in xs) + (99 in xs) * 2


def l_slice_len(xs):
    return len(xs[1:-1])


def l_extend_clear(xs):
    xs.extend([7, 8])
    n = len(xs)
    xs.clear()
    xs.append(n)
    return n


def l_oob(xs):
    return xs[len(xs)]


def l_max(xs):
    m = xs[0]
    for x in xs:
        if x > m:
            m = x
    return m


LIST_FUNCS = [l_sum, l_append, l_index_neg, l_set, l_pop, l_pop0, l_sort, l_sort_rev, l_reverse, l_insert,
              l_remove, l_index, l_count, l_in, l_slice_len, l_extend_clear, l_oob, l_max]
LIST_INPUTS = [[], [2], [3, 1, 2], [5, -3, 2, 2, 9, 0], list(range(50, -50, -3)) + [2]]


@pytest.mark.parametrize("func", LIST_FUNCS, ids=lambda f: f.__name__)
def test_jitted_on_typed_list_matches_python_on_list(func):
    jf = njit(func)
    for items in LIST_INPUTS:
        for kind, conv in ((types.int64, int), (types.float64, float)):
            py = [conv(x) for x in items]
            tl = make(kind, py)
            ident = id(tl)
            extra = (3,) if func is l_append else ()
            expected = outcome(func, py, *extra)
            got = outcome(jf, tl, *extra)
            if kind is types.float64 and func in (l_append, l_insert, l_extend_clear) and not isinstance(got, Raised):
                py = [float(x) for x in py]  # ints stored into a float64 list are floats
            assert same_value(expected, got), (func.__name__, items, expected, got)
            assert same_items(py, tl), (func.__name__, items, py, list(tl))
            assert id(tl) == ident and isinstance(tl, List)


def test_bool_and_complex_lists_in_jitted_code():
    @njit
    def flip(xs):
        n = 0
        for i in range(len(xs)):
            xs[i] = not xs[i]
            n += xs[i]
        xs.append(True)
        return n

    bs = List([True, False, False])
    assert flip(bs) == 2 and same_items(bs, [False, True, True, True])

    @njit
    def scale(zs):
        for i in range(len(zs)):
            zs[i] = zs[i] * 2j
        return zs[0]

    zs = List([1 + 1j, 2j])
    assert scale(zs) == (1 + 1j) * 2j and same_items(zs, [(1 + 1j) * 2j, -4 + 0j])


def test_what_comes_back_from_jitted_code():
    @njit
    def same(xs):
        return xs

    @njit
    def copied(xs):
        return xs.copy()

    @njit
    def sliced(xs):
        return xs[1:]

    @njit
    def comprehension(xs):
        return [x + 1 for x in xs]

    @njit
    def built(xs):
        out = [0]
        out.pop()
        for x in xs:
            out.append(x)
        return out

    @njit
    def in_tuple(xs):
        return (xs, len(xs))

    tl = List([1, 2, 3])
    assert same(tl) is tl
    c = copied(tl)
    assert isinstance(c, List) and c is not tl and c == [1, 2, 3]
    s = sliced(tl)
    assert isinstance(s, List) and s == [2, 3]
    r = comprehension(tl)
    assert type(r) is list and r == [2, 3, 4]  # a list made in compiled code is a Python list (as Numba)
    b = built(tl)
    assert type(b) is list and b == [1, 2, 3]
    t = in_tuple(tl)
    assert t[0] is tl and t[1] == 3
    # A plain list argument is still reflected, and returned as a new list.
    plain = [1, 2, 3]
    back = same(plain)
    assert type(back) is list and back == plain and back is not plain


def test_empty_untyped_list_argument_names_the_fix():
    @njit
    def n(xs):
        return len(xs)

    with pytest.raises(swiftjit.TypingError, match="List.empty_list"):
        n(List())
    assert n(List([1.5])) == 1


def test_typed_and_plain_lists_share_a_specialization_and_stay_distinct():
    @njit
    def add_one(xs):
        xs.append(1)
        return len(xs)

    plain, tl = [5], List([5])
    assert add_one(plain) == 2 and plain == [5, 1] and type(plain) is list
    assert add_one(tl) == 2 and tl == [5, 1] and isinstance(tl, List)
    assert add_one(plain) == 3 and add_one(tl) == 3
    floats = List([0.5])
    assert add_one(floats) == 2 and same_items(floats, [0.5, 1.0])
    assert len(add_one.signatures) == 2


def test_no_conversion_append_million_and_identity():
    @njit
    def fill(xs, n):
        for i in range(n):
            xs.append(i)
        return len(xs)

    tl = List.empty_list(types.int64)
    ident = id(tl)
    assert fill(tl, 1_000_000) == 1_000_000
    assert id(tl) == ident and len(tl) == 1_000_000 and tl[-1] == 999_999 and tl[123456] == 123456

    @njit
    def poke(xs):
        xs[0] = -1
        return 0

    poke(tl)
    assert tl[0] == -1  # seen at once: the caller's object is the storage


def test_call_time_does_not_depend_on_length():
    @njit
    def first(xs):
        return xs[0]

    small, big = List(range(10)), List(range(1_000_000))
    first(small), first(big)

    def median_time(arg, calls=2000):
        runs = []
        for _ in range(7):
            t0 = time.perf_counter()
            for _ in range(calls):
                first(arg)
            runs.append(time.perf_counter() - t0)
        return sorted(runs)[3]

    t_small, t_big = median_time(small), median_time(big)
    # A copy of 10**6 items would cost ~1000x; allow a lot of noise on a loaded machine.
    assert t_big < 50 * t_small, (t_small, t_big)


def test_refcounts_flat_over_many_calls():
    @njit
    def work(xs, d):
        xs.append(len(xs))
        xs.pop()
        d[1] = d.get(1, 0) + 1
        return xs

    tl, td = List([1, 2, 3]), Dict.empty(key_type=types.int64, value_type=types.int64)
    work(tl, td)
    gc.collect()
    before = sys.getrefcount(tl), sys.getrefcount(td)
    for _ in range(100_000):
        work(tl, td)
    gc.collect()
    assert (sys.getrefcount(tl), sys.getrefcount(td)) == before
    assert td[1] == 100_001 and tl == [1, 2, 3]


def test_memory_flat():
    check_memory_flat("""
        from swiftjit import typed, types
        @njit
        def work(xs, d):
            xs.append(1.5)
            d[len(xs)] = 2.0
            return xs
        @njit
        def make(n):
            return n
        tl = typed.List.empty_list(types.float64)
        td = typed.Dict.empty(key_type=types.int64, value_type=types.float64)
        work(tl, td)
        for _ in range(20000):
            x = typed.List([1.0, 2.0, 3.0]); x.append(4); x.sort(); y = x.copy(); del x[0]
            d = typed.Dict.empty(key_type=types.int64, value_type=types.float64); d[1] = 2.0; d.copy()
            work(x, d)
        start = rss_mb()
        for _ in range(200000):
            x = typed.List([1.0, 2.0, 3.0]); x.append(4); x.sort(); y = x.copy(); del x[0]
            d = typed.Dict.empty(key_type=types.int64, value_type=types.float64); d[1] = 2.0; d.copy()
            work(x, d)
            tl.clear(); td.clear()
            work(tl, td)
        grown = rss_mb() - start
    """)


# ---------------------------------------------------------------- typed.Dict from Python

DICT_OPS = [
    ("set", lambda d, r: d.__setitem__(r.randint(-5, 5), r.randint(-9, 9))),
    ("get", lambda d, r: d.get(r.randint(-5, 5))),
    ("get2", lambda d, r: d.get(r.randint(-5, 5), -1)),
    ("getitem", lambda d, r: d[r.randint(-5, 5)]),
    ("setdefault", lambda d, r: d.setdefault(r.randint(-5, 5), 4)),
    ("pop", lambda d, r: d.pop(r.randint(-5, 5))),
    ("pop2", lambda d, r: d.pop(r.randint(-5, 5), 0)),
    ("del", lambda d, r: d.__delitem__(r.randint(-5, 5))),
    ("in", lambda d, r: r.randint(-5, 5) in d),
    ("len", lambda d, r: len(d)),
    ("keys", lambda d, r: list(d.keys())),
    ("values", lambda d, r: list(d.values())),
    ("items", lambda d, r: list(d.items())),
    ("iter", lambda d, r: [k for k in d]),
    ("update", lambda d, r: d.update({r.randint(-5, 5): 1, 3: 2})),
    ("update_pairs", lambda d, r: d.update([(0, 5)])),
    ("popitem", lambda d, r: d.popitem()),
    ("eq", lambda d, r: d == {0: 5, 3: 2}),
    ("copy", lambda d, r: dict(d.copy())),
    ("clear", lambda d, r: d.clear() if r.random() < 0.05 else None),
    ("bool", lambda d, r: bool(d)),
]


def test_dict_operations_match_python_dict():
    r_py, r_td = random.Random(3), random.Random(3)
    py, td = {}, Dict.empty(key_type=types.int64, value_type=types.int64)
    for step in range(1500):
        name, op = DICT_OPS[r_py.randint(0, len(DICT_OPS) - 1)]
        r_td.randint(0, len(DICT_OPS) - 1)
        expected, got = outcome(op, py, r_py), outcome(op, td, r_td)
        assert same_value(expected, got), (step, name, expected, got)
        assert list(py.items()) == list(td.items()), (step, name)  # insertion order too
        assert isinstance(td, Dict)


def test_dict_constructors_repr_and_types():
    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    d[1] = 2
    d[3] = 4.5
    assert repr(d) == "DictType[int64,float64]({1: 2.0, 3: 4.5})" and str(d) == "{1: 2.0, 3: 4.5}"
    assert isinstance(d[1], float)
    u = Dict()
    assert repr(u) == "DictType[undefined]({})"
    u[True] = 1.5
    assert repr(u) == "DictType[bool,float64]({True: 1.5})"
    assert Dict({1: 2, 3: 4}) == {1: 2, 3: 4} and isinstance(Dict({1: 2}), Dict)
    assert isinstance(Dict({"a": 1}), Dict) and isinstance(Dict({"a": 1}), dict)  # reflected representation
    c = d.copy()
    assert isinstance(c, Dict) and c == d and c is not d
    back = pickle.loads(pickle.dumps(d))
    assert isinstance(back, Dict) and list(back.items()) == [(1, 2.0), (3, 4.5)]
    assert Dict.fromkeys([1, 2], 0) == {1: 0, 2: 0}


def test_dict_store_wrong_type_is_a_clear_type_error():
    d = Dict.empty(key_type=types.int64, value_type=types.int64)
    with pytest.raises(TypeError, match="int64 keys cannot take a str key"):
        d["x"] = 1
    with pytest.raises(TypeError, match="int64 values cannot take a float value"):
        d[1] = 1.5
    with pytest.raises(TypeError):
        d.setdefault(1)  # None value
    with pytest.raises(TypeError):
        d.update({2: "x"})
    assert len(d) == 0
    b = Dict.empty(key_type=types.boolean, value_type=types.boolean)
    with pytest.raises(TypeError):
        b[1] = True
    with pytest.raises(TypeError):
        b[True] = 1
    with pytest.raises(KeyError):
        d[5]
    with pytest.raises(TypeError, match="Dict\\(\\) holds int or bool keys"):
        Dict()["a"] = 1


# ---------------------------------------------------------------- typed.Dict in jitted code

def d_count(xs, d):
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return len(d)


def d_getitem(d, k):
    return d[k]


def d_pop(d, k):
    return d.pop(k)


def d_pop2(d, k):
    return d.pop(k, -7)


def d_del(d, k):
    del d[k]
    return len(d)


def d_setdefault(d, k):
    return d.setdefault(k, 11)


def d_iter(d):
    s = 0
    for k in d:
        s = s * 3 + k
    return s


def d_items(d):
    s = 0
    for k, v in d.items():
        s += k * v
    return s


def d_values_keys(d):
    return len(d.keys()) + len(d.values())


def d_in(d, k):
    return k in d


def d_update_clear(d):
    d.update({100: 1})
    n = len(d)
    d.clear()
    d[n] = n
    return n


DICT_FUNCS = [d_getitem, d_pop, d_pop2, d_del, d_setdefault, d_in]


def test_jitted_on_typed_dict_matches_python_on_dict():
    starts = [{}, {1: 2}, {5: -1, 2: 7, -3: 0, 9: 9}]
    for start in starts:
        for func in DICT_FUNCS:
            jf = njit(func)
            for k in (1, 2, -3, 42):
                py, td = dict(start), Dict.empty(key_type=types.int64, value_type=types.int64)
                td.update(start)
                ident = id(td)
                expected, got = outcome(func, py, k), outcome(jf, td, k)
                assert same_value(expected, got), (func.__name__, start, k, expected, got)
                assert list(py.items()) == list(td.items()) and id(td) == ident
        for func in (d_iter, d_items, d_values_keys, d_update_clear):
            py, td = dict(start), Dict(start) if start else Dict.empty(types.int64, types.int64)
            expected, got = outcome(func, py), outcome(njit(func), td)
            assert same_value(expected, got), (func.__name__, start, expected, got)
            assert list(py.items()) == list(td.items())
    xs = [random.Random(1).randint(0, 20) for _ in range(500)]
    py, td = {}, Dict.empty(key_type=types.int64, value_type=types.int64)
    assert d_count(xs, py) == njit(d_count)(xs, td)
    assert list(py.items()) == list(td.items())


def test_typed_dict_float_and_bool_values_in_jitted_code():
    @njit
    def acc(d, n):
        for i in range(n):
            d[i % 3] = d.get(i % 3, 0.0) + 0.5
        return d[0]

    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    assert acc(d, 7) == 1.5 and d == {0: 1.5, 1: 1.0, 2: 1.0} and isinstance(d[2], float)

    @njit
    def flags(d):
        d[False] = True
        return len(d)

    b = Dict.empty(key_type=types.boolean, value_type=types.boolean)
    assert flags(b) == 1 and list(b.items()) == [(False, True)]


def test_typed_dict_comes_back_as_itself():
    @njit
    def same(d):
        d[7] = 1
        return d

    @njit
    def copied(d):
        return d.copy()

    @njit
    def made(n):
        out = {0: 0}
        for i in range(n):
            out[i] = i
        return out

    td = Dict.empty(key_type=types.int64, value_type=types.int64)
    assert same(td) is td and td == {7: 1}
    c = copied(td)
    assert isinstance(c, Dict) and c == {7: 1} and c is not td
    assert type(made(3)) is dict
    plain = {1: 1}
    back = same(plain)
    assert type(back) is dict and back is not plain and plain == {1: 1, 7: 1}


def test_empty_untyped_dict_argument_names_the_fix():
    @njit
    def n(d):
        return len(d)

    with pytest.raises(swiftjit.TypingError, match="Dict.empty"):
        n(Dict())


def test_dict_call_time_does_not_depend_on_size():
    @njit
    def size(d):
        return len(d)

    small = Dict.empty(key_type=types.int64, value_type=types.int64)
    big = Dict.empty(key_type=types.int64, value_type=types.int64)
    for i in range(10):
        small[i] = i
    njit(d_count)(list(range(300_000)), big)
    assert len(big) == 300_000
    size(small), size(big)

    def median_time(arg, calls=2000):
        runs = []
        for _ in range(7):
            t0 = time.perf_counter()
            for _ in range(calls):
                size(arg)
            runs.append(time.perf_counter() - t0)
        return sorted(runs)[3]

    assert median_time(big) < 50 * median_time(small)


def test_typed_containers_inside_a_plain_list_argument_are_shared():
    @njit
    def grow(rows):
        for r in rows:
            r.append(len(r))
        return len(rows)

    a, b = List([1]), List([2, 3])
    rows = [a, b]
    assert grow(rows) == 2
    assert rows[0] is a and rows[1] is b and a == [1, 1] and b == [2, 3, 2]


def test_typed_lists_of_different_item_types_in_one_list_argument_are_refused():
    @njit
    def total(rows):
        s = 0.0
        for r in rows:
            r.append(1)
            s += len(r)
        return s

    rows = [List([1]), List([2.5])]  # unified as a list of float lists: the int list cannot be shared
    with pytest.raises(TypeError, match="typed List of int64 is used where compiled code expects a list of float64"):
        total(rows)
    assert rows[0] == [1] and rows[1] == [2.5]
    floats = [List([1.0]), List([2.5])]
    assert total(floats) == 4.0 and floats[0] == [1.0, 1.0]


def test_typed_list_layout_is_the_native_one():
    tl = List([1, 2])
    assert not hasattr(tl, "__dict__")
    assert type(tl).__basicsize__ == swiftjit._swiftjit._NativeList.__basicsize__
    with pytest.raises(AttributeError):
        tl.anything = 1


def test_iteration_sees_items_appended_during_the_loop_as_a_list_does():
    def walk(xs):
        out = []
        for x in xs:
            out.append(x)
            if x < 4:
                xs.append(x + 2)
        return out

    py, tl = [1, 2], List([1, 2])
    assert walk(py) == walk(tl) and py == tl
    it = iter(List([1.5]))
    assert next(it) == 1.5 and list(it) == [] and list(it) == []
    assert 2.0 in List([1, 2]) and "x" not in List([1]) and 3 not in List.empty_list(types.int64)


# ---------------------------------------------------------------- typed containers made in jitted code

def test_typed_containers_made_in_jitted_code_come_back_typed():
    from swiftjit.typed import List as L, Dict as D

    @njit
    def squares(n):
        out = typed.List.empty_list(types.int64)
        for i in range(n):
            out.append(i * i)
        return out

    r = squares(5)
    assert isinstance(r, List) and r.item_type == "int64" and r == [0, 1, 4, 9, 16]
    assert isinstance(squares(0), List) and len(squares(0)) == 0

    @njit
    def halves(n):
        d = D.empty(key_type=types.int64, value_type=types.float64)
        for i in range(n):
            d[i] = i * 0.5
        return d

    d = halves(3)
    assert isinstance(d, Dict) and repr(d) == "DictType[int64,float64]({0: 0.0, 1: 0.5, 2: 1.0})"
    d[7] = 1  # still typed after the return: an int is stored as a float
    assert d[7] == 1.0 and isinstance(d[7], float)
    with pytest.raises(TypeError):
        d["x"] = 1.0

    @njit
    def flags(n):
        l = L.empty_list(swiftjit.boolean)
        c = D.empty(bool, int)
        for i in range(n):
            l.append(i % 2 == 0)
            c[i % 2 == 0] = c.get(i % 2 == 0, 0) + 1
        return l, c

    l, c = flags(3)
    assert repr(l) == "ListType[bool]([True, False, True])" and repr(c) == "DictType[bool,int64]({True: 2, False: 1})"

    @njit
    def roundtrip(xs):
        ys = typed.List.empty_list(types.float64)
        for x in xs:
            ys.append(x)
        return ys

    back = roundtrip(List([1.5, 2.5]))
    assert isinstance(back, List) and back == [1.5, 2.5]


def test_typed_containers_made_in_jitted_code_errors_name_the_fix():
    @njit
    def untyped():
        return typed.List()

    with pytest.raises(swiftjit.TypingError, match="List.empty_list"):
        untyped()

    @njit
    def tuple_values():
        return typed.Dict.empty(types.int64, types.UniTuple(types.int64, 2))

    with pytest.raises(swiftjit.TypingError, match="UniTuple"):
        tuple_values()

    # str items, keys and values and float keys are made too (tests/test_typed_containers_obj.py).
    @njit
    def float_keys():
        return typed.Dict.empty(types.float64, types.int64)

    assert repr(float_keys()) == "DictType[float64,int64]({})"


def test_numpy_numbers_go_into_typed_lists():
    np = pytest.importorskip("numpy")
    a = List(np.arange(4))
    assert a.item_type == "int64" and same_items(a, [0, 1, 2, 3])
    f = List(np.linspace(0, 1, 3, dtype=np.float32))
    assert f.item_type == "float64" and same_items(f, [0.0, 0.5, 1.0])
    f.append(np.float32(2.5))
    f.append(np.int16(3))
    assert same_items(f[-2:], [2.5, 3.0])
    with pytest.raises(TypeError):
        a.append(np.float64(1.5))  # not a safe cast to int64
    with pytest.raises(TypeError):
        f.append("1.5")


def test_typed_dict_inside_a_list_argument_is_shared():
    @njit
    def bump(ds):
        for d in ds:
            d[0] = d.get(0, 0) + 1
        return len(ds)

    a = Dict.empty(key_type=types.int64, value_type=types.int64)
    rows = [a, Dict({5: 1})]
    assert bump(rows) == 2
    assert rows[0] is a and a == {0: 1} and list(rows[1].items()) == [(5, 1), (0, 1)]
    assert isinstance(rows[1], Dict)


def test_typed_argument_after_a_plain_one_gets_a_fast_path_key_once():
    @njit
    def n(xs):
        return len(xs)

    assert n([1, 2]) == 2  # compiled for list(int64) from a plain list: not keyable
    size = n._fast_path_size()
    tl = List([1, 2, 3])
    for _ in range(5):
        assert n(tl) == 3 and n([4]) == 1
    assert n._fast_path_size() == size + 1 and len(n.signatures) == 1


# ---------------------------------------------------------------- hypothesis: varied contents

from hypothesis import given, settings, strategies as st  # noqa: E402

_floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
_ints = st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)


def _sort_sum_slice(xs):
    xs.sort()
    total = 0.0
    for x in xs:
        total += x
    return total, len(xs[1:-1])


_sort_sum_slice_jit = njit(_sort_sum_slice)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.lists(_floats, max_size=30), st.lists(_ints, max_size=30)))
def test_hypothesis_jitted_sort_sum_slice_matches_python(items):
    kind = types.float64 if any(isinstance(x, float) for x in items) else types.int64
    py = [float(x) for x in items] if kind is types.float64 else list(items)
    tl = make(kind, py)
    expected, got = outcome(_sort_sum_slice, py), outcome(_sort_sum_slice_jit, tl)
    if isinstance(expected, tuple) and isinstance(got, tuple):
        assert repr(expected[0]) == repr(got[0]) and expected[1] == got[1], (items, expected, got)
    else:
        assert expected == got, (items, expected, got)  # e.g. an int overflow in the total
    assert same_items(py, tl)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 20), _ints), max_size=40), st.integers(-20, 20))
def test_hypothesis_typed_dict_from_python_and_jitted_code(pairs, probe):
    py, td = {}, Dict.empty(key_type=types.int64, value_type=types.int64)
    for k, v in pairs:
        py[k] = v
        td[k] = v
    assert list(py.items()) == list(td.items())
    for f in (d_getitem, d_pop2, d_setdefault, d_in):
        p2, t2 = dict(py), td.copy()
        expected, got = outcome(f, p2, probe), outcome(_jitted[f], t2, probe)
        assert same_value(expected, got), (f.__name__, pairs, probe, expected, got)
        assert list(p2.items()) == list(t2.items())


_jitted = {f: njit(f) for f in (d_getitem, d_pop2, d_setdefault, d_in)}
