"""More list and dict features in nopython mode (issue 11), differential against plain Python
and NumPy: sort/sorted/min/max with key=, lists of arrays, dict views, generator expressions
consumed at once, and np.array/np.asarray of lists. Runs on 3.10-3.13 (scripts/test.sh)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from container_support import check as container_check
from jitcheck import check_memory_flat
from swiftjit import njit
from swiftjit.errors import TypingError, UnsupportedError

CONFIG = settings(max_examples=30, deadline=None)


def normalize(x):
    """Values compared across Python and swiftjit: arrays by dtype, shape and contents."""
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.shape, x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, list):
        return [normalize(v) for v in x]
    if isinstance(x, tuple):
        return tuple(normalize(v) for v in x)
    if isinstance(x, dict):
        return {k: normalize(v) for k, v in x.items()}
    return x


def check(pyfunc, *args, jitfunc=None):
    """container_support.check comparing arrays by dtype, shape and contents."""
    return container_check(pyfunc, *args, jitfunc=jitfunc, normalize=normalize)


# ------------------------------------------------------------------ 1. sort with key=

def sort_lambda(xs):
    xs.sort(key=lambda x: x % 3)
    return xs


def sort_lambda_reverse(xs):
    xs.sort(key=lambda x: x % 3, reverse=True)
    return xs


def sort_inner(xs):
    def k(x):
        return -abs(x)
    ys = list(xs)
    ys.sort(key=k)
    return ys


def sorted_key(xs): return sorted(xs, key=lambda x: (x % 4, -x))
def sorted_key_reverse(xs): return sorted(xs, key=lambda x: x % 4, reverse=True)
def sorted_reverse_only(xs): return sorted(xs, reverse=True)
def sorted_strings(xs): return sorted(xs, key=lambda s: len(s))
def sorted_strings_reverse(xs): return sorted(xs, key=lambda s: s[-1:], reverse=True)
def sorted_tuples(xs): return sorted(xs, key=lambda t: t[1])
def sort_tuples_by_first(xs):
    xs.sort(key=lambda t: t[0], reverse=True)
    return xs
def sorted_floats(xs): return sorted(xs, key=lambda x: -x)
def sorted_of_tuple(t): return sorted(t, key=lambda x: -x)
def sorted_of_range(n): return sorted(range(n), key=lambda i: (i * 7) % 5)
def sorted_of_set(s): return sorted(s, key=lambda x: -x)
def sorted_of_keys(d): return sorted(d.keys(), key=lambda k: -k), sorted(d.items(), key=lambda kv: kv[1])
def sorted_to_string_key(xs): return sorted(xs, key=lambda x: str(x))
def min_key(xs): return min(xs, key=lambda x: abs(x - 3))
def max_key(xs): return max(xs, key=lambda x: x % 4)
def min_max_strings(xs): return min(xs, key=lambda s: len(s)), max(xs, key=lambda s: len(s))
def min_empty(xs): return min(xs, key=lambda x: x)
def raising_key(xs): return sorted(xs, key=lambda x: 10 // x)


@njit
def jitted_key(t):
    return t[0] * 10 - t[1]


def sorted_jitted_key(xs): return sorted(xs, key=jitted_key, reverse=True)


def sort_jitted_key(xs):
    xs.sort(key=jitted_key)
    return xs


SORT_CASES = [
    (sort_lambda, ([5, 3, 8, 1, 9, 2, 6, 4, 7],)),
    (sort_lambda, ([],)),
    (sort_lambda_reverse, ([5, 3, 8, 1, 9, 2, 6, 4, 7],)),
    (sort_inner, ([3, -4, 1, -1, 0, 4, -3],)),
    (sorted_key, ([5, 3, 8, 1, 9, 2, 6, 4, 7, 3],)),
    (sorted_key_reverse, ([5, 3, 8, 1, 9, 2, 6, 4, 7, 3],)),
    (sorted_reverse_only, ([5, 3, 8, 1],)),
    (sorted_strings, (["ccc", "a", "bb", "dd", "e", "", "é"],)),
    (sorted_strings_reverse, (["ab", "ba", "ca", "cb", "zz"],)),
    (sorted_tuples, ([(1, "b"), (2, "a"), (3, "b"), (4, "a")],)),
    (sort_tuples_by_first, ([(1, 2.5), (3, 1.0), (1, 0.5), (3, 4.0)],)),
    (sorted_floats, ([3.0, float("nan"), 1.0, -0.0, 0.0, 2.0],)),
    (sorted_of_tuple, ((4, 1, 3),)),
    (sorted_of_range, (11,)),
    (sorted_of_set, ({4, 9, 1},)),
    (sorted_of_keys, ({1: 3.0, 2: 1.0, 3: 2.0},)),
    (sorted_to_string_key, ([10, 9, 100, 1],)),
    (min_key, ([5, 1, 8, 2, 4, 3],)),
    (max_key, ([5, 1, 8, 2, 7, 3],)),
    (min_max_strings, (["bb", "a", "cc", "d"],)),
    (min_empty, ([1.5][:0],)),
    (raising_key, ([1, 0, 2],)),
    (sorted_jitted_key, ([(1, 2), (3, 1), (1, 0), (3, 5)],)),
    (sort_jitted_key, ([(1, 2), (3, 1), (1, 0), (3, 5)],)),
]


@pytest.mark.parametrize("func,args", SORT_CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(SORT_CASES)])
def test_sort_with_key(func, args):
    if args == ([1.5][:0],):
        args = ([],)
        with pytest.raises(TypingError):  # an empty list argument has no element type
            njit(func)(*args)
        return
    check(func, *args)


def test_min_empty_list_made_inside():
    def f(n):
        xs = [i * 1.5 for i in range(n)]
        return min(xs, key=lambda x: -x)
    check(f, 0)
    check(f, 4)


@CONFIG
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=30), st.integers(1, 7), st.booleans())
def test_sort_key_stable_like_python(xs, m, rev):
    def f(xs, m, rev):
        ys = list(xs)
        ys.sort(key=lambda x: x % 7, reverse=rev)
        return ys, sorted(xs, key=lambda x: -(x % 5), reverse=rev), min(xs + [m], key=lambda x: x % 3)
    check(f, xs, m, rev)


@CONFIG
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 1.5])),
                min_size=1, max_size=25), st.booleans())
def test_sort_float_keys_like_python(xs, rev):
    # Float keys are sorted natively when none is NaN; with NaN, Python's own sort orders them.
    def f(xs, rev):
        ys = list(xs)
        ys.sort(key=lambda x: x * 2.0, reverse=rev)
        return (ys, sorted(xs, key=lambda x: -x, reverse=rev), min(xs, key=lambda x: x + 1.0),
                max(xs, key=lambda x: abs(x)), sorted(range(len(xs)), key=lambda i: i % 3, reverse=rev))
    check(f, xs, rev)


def test_sort_key_errors():
    def not_jitted(xs):
        return sorted(xs, key=len)
    with pytest.raises(TypingError, match="key= must be a jitted function"):
        njit(not_jitted)(["a"])


# ------------------------------------------------------------------ 2. lists of arrays

def build_arrays(n):
    xs = [np.zeros(3) for _ in range(n)]
    xs.append(np.ones(3))
    xs[0][1] = 5.0
    row = xs[1]
    row[2] = -1.0  # shared with the list's array, as in Python
    total = 0.0
    for a in xs:
        total += a.sum()
    last = xs.pop()
    return total, len(xs), last, xs


def arrays_2d(n):
    xs = [np.ones((2, 2)) * i for i in range(n)]
    xs[0][1, 1] = 7.0
    return [a.sum() for a in xs], xs


def append_to_argument(xs, n):
    for i in range(n):
        xs.append(np.full(2, float(i)))
    xs[0][0] = 99.0
    return len(xs)


def modify_argument_arrays(xs):
    for a in xs:
        a[0] += 1
    return xs[-1][0]


def return_ranges(n): return [np.arange(i) for i in range(n)]


def empty_then_append(n):
    xs = []
    for i in range(n):
        xs.append(np.arange(i, i + 3))
    return xs, len(xs)


def arrays_in_tuple_list(n):
    pairs = [(i, np.ones(2) * i) for i in range(n)]
    return [p[1].sum() + p[0] for p in pairs]


def index_error(xs): return xs[5]


def test_list_of_arrays_built_inside():
    check(build_arrays, 3)
    check(arrays_2d, 3)
    check(return_ranges, 4)
    check(empty_then_append, 3)
    check(arrays_in_tuple_list, 3)


def test_list_of_arrays_argument_is_reflected():
    xs = [np.zeros(2), np.ones(2)]
    first = xs[0]
    n = njit(append_to_argument)(xs, 3)
    assert n == 5 and len(xs) == 5
    assert first[0] == 99.0 and xs[0] is first  # the caller's array itself was written
    assert [a.tolist() for a in xs[2:]] == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    ys = [np.arange(3), np.arange(3, 6)]
    assert njit(modify_argument_arrays)(ys) == 4
    assert ys[0].tolist() == [1, 1, 2]
    check(index_error, [np.zeros(1)])


def test_list_of_arrays_mixed_types_are_rejected():
    with pytest.raises(TypingError):
        njit(modify_argument_arrays)([np.zeros(2), np.zeros(2, dtype=np.int64)])
    with pytest.raises(TypingError):
        njit(modify_argument_arrays)([np.zeros(2), np.zeros((2, 2))])


def test_list_of_arrays_non_contiguous():
    a = np.arange(10.0)

    def f(xs):
        return [x.sum() for x in xs]
    check(f, [a[::2], a[1:4]])


# ------------------------------------------------------------------ 3. dict views

def keys_compare(d):
    return d.keys() == {1, 2}, d.keys() != {1}, {2, 1} == d.keys(), d.keys() <= {1, 2, 3}, d.keys() > {1}


def items_compare(d):
    return d.items() == {(1, 2.0), (2, 3.0)}, (1, 2.0) in d.items(), (1, 9.0) in d.items()


def view_basics(d):
    k, v, it = d.keys(), d.values(), d.items()
    return len(k), len(v), len(it), 2 in k, 7 in k, 3.0 in v, list(k), list(v), list(it), sorted(v), set(k)


def view_iteration(d):
    ks = []
    for k in d.keys():
        ks.append(k)
    total = 0.0
    for v in d.values():
        total += v
    pairs = []
    for k, v in d.items():
        pairs.append((k, v))
    return ks, total, pairs


def views_are_live(n):
    d = {}
    k, v, it = d.keys(), d.values(), d.items()
    for i in range(n):
        d[i] = i * 2
    del d[0]
    return len(k), sorted(k), sum(v), len(it), 1 in k, 0 in k


def view_set_operations(d):
    return d.keys() & {1, 5}, d.keys() | {9}, d.keys() - {1}, d.keys() ^ {1, 7}, d.items() & {(1, 2.0)}, \
        d.keys().isdisjoint([5]), {1, 5} & d.keys()


def values_identity(d):
    v = d.values()
    return v == v, d.values() == d.values()


def str_dict_views(d):
    return d.keys() == {"a", "b"}, sorted(d.items()), "a" in d.keys(), d.keys() - {"a"}, list(d.values())


def string_view_items(d):
    return [k + str(v) for k, v in d.items()]


@pytest.mark.parametrize("func", [keys_compare, items_compare, view_basics, view_iteration, view_set_operations,
                                  values_identity])
@pytest.mark.parametrize("d", [{1: 2.0, 2: 3.0}, {2: 3.0, 1: 2.0}, {1: 2.0}])
def test_dict_views(func, d):
    check(func, d)


def test_dict_views_live_and_str_keys():
    check(views_are_live, 5)
    check(views_are_live, 1)
    check(str_dict_views, {"a": 1, "b": 2})
    check(str_dict_views, {"b": 2})
    check(string_view_items, {"x": 1.5, "y": 2.0})


def test_dict_view_not_returned():
    def f(d):
        return d.keys()
    with pytest.raises(TypingError, match="cannot return dict_keys"):
        njit(f)({1: 2})


# ------------------------------------------------------------------ 4. generator expressions

def gen_sum(xs): return sum(x * x for x in xs)
def gen_sum_empty(n): return sum(i for i in range(n) if i > 2), sum(i * 0.5 for i in range(n + 1))
def gen_sum_floats(xs): return sum(x / 3 for x in xs)
def gen_min_max(xs): return min(x - 1 for x in xs), max(-x for x in xs if x != 2)
def gen_any_all(xs): return any(x > 2 for x in xs), all(x > 0 for x in xs), any(x > 100 for x in xs), all(x < 3 for x in xs)
def gen_any_empty(n): return any(i > 0 for i in range(n)), all(i > 0 for i in range(n))
def gen_collect(xs): return list(x for x in xs), sorted(x % 3 for x in xs), set(x % 2 for x in xs)
def gen_dict(xs): return dict((x, x * 2) for x in xs)
def gen_join(words): return ",".join(w.upper() for w in words if w)
def gen_nested(rows): return sum(sum(v for v in r) for r in rows)
def gen_capture(xs, k): return sum(x * k for x in xs if x > k)
def gen_over_range(n): return sum(i for i in range(n) if i % 3 == 0)
def gen_two_fors(n): return sum(i * j for i in range(n) for j in range(i))
def gen_strings(s): return sum(1 for c in s if c in "aeiou")
def gen_short_circuit_any(xs): return any(10 // x > 2 for x in xs)
def gen_short_circuit_all(xs): return all(10 // x < 20 for x in xs)
def gen_min_empty(n): return min(i for i in range(n))
def sum_overflow(xs): return sum(x for x in xs), sum(xs), min(xs), max(xs)
def gen_in_loop(n):
    t = 0
    for k in range(n):
        t += sum(j * k for j in range(k))
        if any(j == 3 for j in range(k)):
            t += 1
    return t


GEN_CASES = [
    (gen_sum, ([1, 2, 3],)), (gen_sum_empty, (0,)), (gen_sum_floats, ([1.0, 2.0, 3.5],)),
    (gen_min_max, ([1, 2, 3],)), (gen_any_all, ([1, 2, 3],)), (gen_any_all, ([5],)),
    (gen_any_empty, (0,)), (gen_any_empty, (3,)), (gen_collect, ([1, 2, 3, 4],)), (gen_dict, ([1, 2, 3],)),
    (gen_join, (["a", "", "bé"],)), (gen_nested, ([[1, 2], [3, 4], [5]],)), (gen_capture, ([1, 5, 9], 2)),
    (gen_over_range, (10,)), (gen_two_fors, (5,)), (gen_strings, ("education",)),
    (gen_short_circuit_any, ([1, 0],)), (gen_short_circuit_any, ([5, 0],)),
    (gen_short_circuit_all, ([1, 0],)), (gen_short_circuit_all, ([5, 0],)),
    (gen_min_empty, (0,)), (gen_min_empty, (3,)), (gen_in_loop, (6,)),
    (sum_overflow, ([2 ** 62, 2 ** 62, -5],)), (sum_overflow, ([2 ** 62, -2 ** 62, 3],)),
    (sum_overflow, ([True, False, True],)), (sum_overflow, ([1.5, -0.0, 1e308, 1e308],)),
]


@pytest.mark.parametrize("func,args", GEN_CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(GEN_CASES)])
def test_generator_expressions(func, args):
    check(func, *args)


@CONFIG
@given(st.lists(st.integers(-20, 20), min_size=1, max_size=20), st.integers(-5, 5))
def test_generator_expressions_hypothesis(xs, k):
    def f(xs, k):
        return (sum(x * k for x in xs), any(x == k for x in xs), all(x != k for x in xs),
                sorted(x % 4 for x in xs if x > k))
    check(f, xs, k)


def test_escaping_generator_is_an_error():
    def stored(xs):
        g = (x for x in xs)
        return sum(g)

    def passed(xs):
        return len(x for x in xs)
    for f in (stored, passed):
        with pytest.raises(UnsupportedError, match="generator expression is supported in nopython mode only"):
            njit(f)([1, 2])


# ------------------------------------------------------------------ 5. np.array of lists

def arr(xs): return np.array(xs)
def arr_f32(xs): return np.array(xs, dtype=np.float32)
def arr_int(xs): return np.array(xs, dtype=np.int64)
def asarr(xs): return np.asarray(xs)
def arr_made_inside(n): return np.array([i * 0.5 for i in range(n)]), np.array([(i, i + 1) for i in range(n)])
def arr_sum(xs): return np.array(xs).sum()


def asarray_same(a):
    b = np.asarray(a)
    b[0] = 7
    return b


ARRAY_CASES = [
    (arr, ([1, 2, 3],)), (arr, ([1.5, 2.0],)), (arr, ([True, False],)), (arr, ([1j, 2.0],)),
    (arr, ([[1, 2], [3, 4]],)), (arr, ([(1, 2.5), (3, 4.0)],)), (arr, ((1, 2, 3),)), (arr, ([[1.5], [2.5]],)),
    (arr, ([[1, 2], [3]],)), (arr_f32, ([1, 2],)), (arr_int, ([1.7, -2.7],)),
    (asarr, ([[1, 2], [3, 4]],)), (arr_made_inside, (3,)), (arr_sum, ([1, 2, 3],)),
    (arr, ([np.ones(2), np.zeros(2)],)), (arr, ([np.ones(2), np.zeros(3)],)),
]


@pytest.mark.parametrize("func,args", ARRAY_CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(ARRAY_CASES)])
def test_np_array_of_lists(func, args):
    check(func, *args)


def test_asarray_of_array_is_the_array():
    a = np.arange(3)
    b = njit(asarray_same)(a)
    assert a[0] == 7 and b.tolist() == [7, 1, 2]

    def copy_of(a):
        b = np.array(a)
        b[0] = 9
        return b
    x = np.arange(3.0)
    assert njit(copy_of)(x).tolist() == [9.0, 1.0, 2.0] and x[0] == 0.0


def test_np_array_of_empty_list_keeps_the_static_type():
    # NumPy sees no element and gives float64 of shape (0,); compiled code knows the element type.
    a, b = njit(arr_made_inside)(0)
    assert (a.dtype, a.shape) == (np.float64, (0,))
    assert (b.dtype, b.shape) == (np.int64, (0, 0))


def test_np_array_rejects_non_lists():
    with pytest.raises(TypingError, match="np.array"):
        njit(arr)(3)


# ------------------------------------------------------------------ memory

MEMORY_SCRIPT = """
    import numpy as np

    @njit
    def in_loop(n):
        total = 0
        for i in range(n):
            d = {i: 1.5, i + 1: 2.5, -i: 0.5}
            s = {"a": i, "bb": i + 1}
            total += len(d.keys()) + (d.keys() == {i, i + 1, -i}) + len(sorted(s.items(), key=lambda kv: kv[1]))
            xs = [i % 7, 3, 1]
            xs.sort(key=lambda x: -x)
            ws = sorted(["bb", "a", str(i)], key=lambda w: len(w))
            total += xs[0] + len(ws) + sum(x * 2 for x in xs) + any(x > 5 for x in xs) + len(",".join(w for w in ws))
        return total

    @njit
    def per_call(n):
        arrays = [np.zeros(4) for _ in range(n)]
        arrays[0][1] = 2.0
        a = np.array([[1.0, 2.0], [3.0, 4.0]])
        return sum(x.sum() for x in arrays) + a.sum() + min(arrays, key=lambda x: x[1])[1]

    in_loop(10)
    per_call(3)
    before = rss_mb()
    in_loop(200_000)
    for _ in range(20_000):
        per_call(5)
    grown = rss_mb() - before
"""


def test_memory_stays_flat():
    check_memory_flat(MEMORY_SCRIPT)
