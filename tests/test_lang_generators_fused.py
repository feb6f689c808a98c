"""sum/min/max of generator expressions computed without a list, and key sorts (issue 11).

Differential: each jitted function against the same function run by plain Python (values
and types, floats compared by repr so sums must be bit-identical, exceptions by type and
message). The fused reductions (Lowering/FusedReductions.swift) are also checked to make
no list: their LLVM IR calls none of the native list's helpers.
"""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from container_support import check as container_check
from jitcheck import check_memory_flat
from swiftjit import njit

CONFIG = settings(max_examples=40, deadline=None)
NAN, INF = float("nan"), float("inf")


def normalize(x):
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.shape, x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (list, tuple)):
        return type(x)(normalize(v) for v in x)
    return x


def check(pyfunc, *args):
    return container_check(pyfunc, *args, normalize=normalize)


# ------------------------------------------------------------------ sum / min / max, fused

def sum_ints(xs): return sum(x * 3 - 7 for x in xs)
def sum_floats(xs): return sum(x / 3.0 for x in xs)
def sum_bools(xs): return sum(x > 0 for x in xs)
def sum_filtered(xs): return sum(x for x in xs if x % 2 == 0)
def sum_start_int(xs, s): return sum((x for x in xs), s)
def sum_start_float_const(xs): return sum((x * 0.1 for x in xs), 0.5)
def sum_start_zero_floats(xs): return sum((x * 0.1 for x in xs), 0)
def sum_ints_float_start(xs): return sum((x for x in xs), 1.25)
def sum_start_range(n, s): return sum((i for i in range(n)), s)
def start_consts_range(n): return sum((i * 0.1 for i in range(n)), 0.5), sum((i for i in range(n)), 1.25), sum((i * 0.1 for i in range(n + 1)), 0)
def sum_float_start_variable(xs, s): return sum((x * 0.1 for x in xs), s)  # not fused: the list path
def min_ints(xs): return min(x - 1 for x in xs), max(-x for x in xs)
def min_floats(xs): return min(x for x in xs), max(x for x in xs)
def min_bools(xs): return min(x > 1 for x in xs), max(x > 1 for x in xs)
def min_ties(xs): return min(abs(x) for x in xs), max(x % 3 for x in xs)
def min_empty(n): return min(i * 2 for i in range(n))
def max_empty_floats(n): return max(i * 0.5 for i in range(n))
def sum_empty_ints(n): return sum(i for i in range(n))
def over_range(n): return sum(i * i for i in range(n)), min(i % 7 - 3 for i in range(n)), max(i // 2 for i in range(n))
def over_string(s): return sum(ord(c) for c in s), min(ord(c) for c in s), max(len(w) for w in s.split())
def over_dict_items(d): return sum(v for k, v in d.items()), min(k * v for k, v in d.items()), max(d[k] for k in d)
def over_rows(a): return sum(row.sum() for row in a), min(row[0] for row in a), max(row.max() for row in a)
def over_array(a): return sum(x for x in a), min(x for x in a), max(x * 2 for x in a)
def nested(rows): return sum(sum(v for v in r) for r in rows), max(min(v for v in r) for r in rows)
def two_fors(n): return sum(i * j for i in range(n) for j in range(i)), min(i - j for i in range(1, n) for j in range(i))
def in_loop(n):
    t = 0
    for k in range(1, n):
        t += sum(j * k for j in range(k)) + min(j - k for j in range(k)) + max(j % 3 for j in range(k))
    return t
def captured(xs, k): return sum(x * k for x in xs if x > k), min((x - k for x in xs), key=lambda v: -v)
def mixed_consumers(xs): return sum(x for x in xs), sorted(x % 3 for x in xs), any(x > 2 for x in xs), list(x for x in xs)
def sum_overflow_list_and_gen(xs): return sum(x for x in xs), sum(xs)
def int_float_yields(xs): return sum(x if x > 0 else 0.5 for x in xs)


CASES = [
    (sum_ints, ([1, 2, 3, -4],)), (sum_ints, ([0],)), (sum_floats, ([1.0, 2.0, 3.5, -0.25],)),
    (sum_floats, ([1e16, 1.0, -1e16],)), (sum_floats, ([-0.0],)), (sum_floats, ([INF, 1.0],)),
    (sum_floats, ([INF, -INF],)), (sum_floats, ([NAN, 1.0],)), (sum_floats, ([1e308, 1e308, -1e308],)),
    (sum_bools, ([1, -2, 3, 0],)), (sum_filtered, ([1, 2, 3, 4, 6],)), (sum_filtered, ([1, 3],)),
    (sum_start_int, ([1, 2, 3], 10)), (sum_start_range, (0, -4)), (sum_start_range, (5, 7)), (sum_start_int, ([2 ** 62, 2 ** 62], -2 ** 62)),
    (sum_start_float_const, ([1, 2, 3],)), (start_consts_range, (0,)), (start_consts_range, (9,)), (sum_start_zero_floats, ([1, 2, 3],)),
    (sum_ints_float_start, ([1, 2, 3],)), (sum_float_start_variable, ([1, 2], 0.5)),
    (min_ints, ([3, -1, 4, 1, -5],)), (min_ints, ([7],)),
    (min_floats, ([NAN, 1.0, 2.0],)), (min_floats, ([1.0, NAN, 0.5],)), (min_floats, ([2.0, 1.0, NAN],)),
    (min_floats, ([0.0, -0.0],)), (min_floats, ([-0.0, 0.0],)), (min_floats, ([-INF, INF, 3.0],)),
    (min_bools, ([1, 2, 3],)), (min_bools, ([0, 1],)), (min_ties, ([-2, 2, 1, -1, 3, 0],)),
    (min_empty, (0,)), (min_empty, (5,)), (max_empty_floats, (0,)), (max_empty_floats, (3,)),
    (sum_empty_ints, (0,)), (sum_empty_ints, (10,)),
    (over_range, (1,)), (over_range, (50,)), (over_string, ("héllo wörld ab",)),
    (over_dict_items, ({1: 2, 3: -4, 5: 6},)), (over_rows, (np.arange(12.0).reshape(3, 4) - 5.0,)),
    (over_array, (np.array([3, -1, 7, 2]),)), (over_array, (np.array([2.5, NAN, -1.0]),)),
    (nested, ([[1, 2], [3, -4], [5]],)), (two_fors, (6,)), (in_loop, (7,)), (captured, ([1, 5, 9, 3], 2)),
    (mixed_consumers, ([1, 2, 3, 4],)), (sum_overflow_list_and_gen, ([2 ** 62, 2 ** 62, -5],)),
    (sum_overflow_list_and_gen, ([-2 ** 63, 5, -5],)), (int_float_yields, ([1, -2, 3],)),
]


@pytest.mark.parametrize("func,args", CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_fused_reductions(func, args):
    check(func, *args)


def test_empty_min_max_raise_pythons_value_error():
    for f in (min_empty, max_empty_floats):
        with pytest.raises(ValueError) as py:
            f(0)
        with pytest.raises(ValueError) as jit:
            njit(f)(0)
        assert str(jit.value) == str(py.value)


def test_sum_of_empty_float_generator_is_a_float_zero():
    # Python gives the int 0 for an empty sum; compiled code has one static type per
    # expression, so a sum of float values is the float 0.0 (as Numba's).
    def f(n):
        return sum(i / 3.0 for i in range(n))
    assert f(0) == 0 and type(f(0)) is int
    r = njit(f)(0)
    assert r == 0.0 and type(r) is float and math.copysign(1.0, r) == 1.0


def test_int_sum_beyond_int64_raises_like_sum_of_a_list():
    # Python's total is a big int; compiled code, whose ints are int64, raises the same
    # OverflowError for the generator as for sum() of a list (an int64 total is exact even
    # when the running total leaves int64 on the way).
    f = njit(sum_overflow_list_and_gen)
    with pytest.raises(OverflowError, match="int too big to convert"):
        f([2 ** 62, 2 ** 62])

    def gen_only(xs):
        return sum(x for x in xs)
    with pytest.raises(OverflowError, match="int too big to convert"):
        njit(gen_only)([2 ** 63 - 1, 1])
    with pytest.raises(OverflowError, match="int too big to convert"):
        njit(gen_only)([-2 ** 63, -1])
    assert njit(gen_only)([2 ** 63 - 1, 2 ** 63 - 1, -2 ** 63, -2 ** 63 + 1]) == -1


@CONFIG
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=30))
def test_float_reductions_like_python(xs):
    def f(xs):
        s = sum(x * 1.0 for x in xs)
        return s, min(x for x in xs), max(x + 0.0 for x in xs)
    got = njit(f)(list(xs))
    want = f(list(xs))
    assert repr(tuple(float(v) for v in got)) == repr(tuple(float(v) for v in want))


@CONFIG
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40), st.floats(-10.0, 10.0))
def test_float_sums_with_start_like_python(xs, k):
    def f(xs, k):
        return sum((x * k for x in xs), 0.5), sum((x - k for x in xs), 0), sum(x / 7.0 for x in xs if x > k) + 0.0
    check(f, xs, k)


@CONFIG
@given(st.lists(st.integers(-2 ** 40, 2 ** 40), min_size=1, max_size=30), st.integers(-2 ** 60, 2 ** 60))
def test_int_reductions_like_python(xs, start):
    def f(xs, start):
        return (sum(x * 3 for x in xs), sum((x for x in xs), start), min(x % 1000 - 500 for x in xs),
                max(-x for x in xs), sum(x > 0 for x in xs))
    check(f, xs, start)


def _ir(func, *args):
    d = njit(func)
    d(*args)
    (ir,) = d.inspect_llvm().values()
    return ir


@pytest.mark.parametrize("func,args", [(sum_ints, ([1, 2],)), (sum_floats, ([1.0],)), (min_floats, ([1.0],)),
                                       (sum_start_int, ([1], 2)), (over_range, (4,))])
def test_fused_reductions_make_no_list(func, args):
    ir = _ir(func, *args)
    assert "swiftjit_nl_grow" not in ir and "swiftjit_nl_make" not in ir, "the generator's values were collected"


def test_non_numeric_and_variable_start_keep_the_list():
    # Strings and a float start held in a variable still go through the list (and stay correct).
    def strings(ws):
        return min(w.upper() for w in ws), max(w for w in ws if w)
    check(strings, ["b", "a", "", "c"])
    assert "swiftjit_nl_make" in _ir(sum_float_start_variable, [1, 2], 0.5)


def test_fused_reduction_in_a_loop_keeps_memory_flat():
    def f(n):
        t = 0.0
        for k in range(n):
            t += sum(j * 0.5 for j in range(k % 50)) + max(j for j in range(k % 50 + 1))
        return t
    check(f, 200)
    check_memory_flat("""
        @njit
        def f(n):
            t = 0.0
            for k in range(n):
                t += sum(j * 0.5 for j in range(k % 50)) + max(j for j in range(k % 50 + 1))
            return t
        f(10)
        before = rss_mb()
        for _ in range(20):
            f(20_000)
        grown = rss_mb() - before
    """)


# ------------------------------------------------------------------ sort / sorted with key=

def sort_float_key(xs, rev):
    ys = list(xs)
    ys.sort(key=lambda x: -x, reverse=rev)
    return ys


def sorted_int_key(xs, rev): return sorted(xs, key=lambda x: x % 5 - 2, reverse=rev)
def sorted_float_key_of_floats(xs, rev): return sorted(xs, key=lambda x: abs(x), reverse=rev)
def sorted_tuple_key(xs, rev): return sorted(xs, key=lambda x: (x % 3, -x), reverse=rev)
def sort_bools_by_key(n): return sorted([i % 3 == 0 for i in range(n)], key=lambda b: 0 if b else 1)
def sort_index_by_key(n): return sorted(range(n), key=lambda i: ((i * 7919) % 1009) * 0.5)


def test_sort_keys_signed_zero_and_negatives_are_stable():
    # -0.0 and 0.0 are equal keys: a stable sort keeps their order.
    check(sort_float_key, [0.0, -0.0, 1.0, -0.0, 0.0, -1.0], False)
    check(sort_float_key, [0.0, -0.0, 1.0, -0.0, 0.0, -1.0], True)
    check(sorted_float_key_of_floats, [-0.0, 0.0, -2.5, 2.5, -1e-300, 1e-300, INF, -INF], False)
    check(sorted_int_key, [-(2 ** 63), 2 ** 63 - 1, -1, 0, 1, -5, 5], True)


@pytest.mark.parametrize("n", [1, 2, 47, 48, 49, 300, 5000])
def test_sort_sizes_both_algorithms(n):
    # short inputs: insertion sort; longer: radix passes (some skipped when a byte is shared).
    xs = [((i * 7919) % 1009) * 0.25 - 100.0 for i in range(n)]
    ys = [(i * 104729) % 2003 - 1000 for i in range(n)]
    for rev in (False, True):
        check(sort_float_key, xs, rev)
        check(sorted_int_key, ys, rev)
        check(sorted_float_key_of_floats, xs, rev)
        check(sorted_tuple_key, ys, rev)
    check(sort_index_by_key, n)
    check(sort_bools_by_key, n)


@CONFIG
@given(st.lists(st.one_of(st.integers(-3, 3), st.integers(-2 ** 63, 2 ** 63 - 1)), min_size=1, max_size=200), st.booleans())
def test_int_key_sorts_like_python(xs, rev):
    check(sorted_int_key, xs, rev)
    check(sorted_tuple_key, [x for x in xs if x != -2 ** 63] or [0], rev)  # -x of -2**63 wraps in int64


@CONFIG
@given(st.lists(st.one_of(st.floats(allow_nan=False), st.sampled_from([0.0, -0.0, 1.5, -1.5])),
                min_size=1, max_size=200), st.booleans())
def test_float_key_sorts_like_python(xs, rev):
    check(sort_float_key, xs, rev)
    check(sorted_float_key_of_floats, xs, rev)


def test_sorted_copies_a_native_list_and_keeps_the_argument():
    def f(n):
        xs = [i * 1.5 for i in range(n)]
        ys = sorted(xs, key=lambda x: -x)
        ys.append(0.25)
        return xs, ys
    check(f, 0)
    check(f, 100)

    def g(xs):
        ys = sorted(xs, key=lambda x: -x)
        return ys, xs
    check(g, [3.0, 1.0, 2.0])


# ------------------------------------------------------------------ np.array of lists

def array_of_comprehension(n):
    xs = [i * 0.5 for i in range(n)]
    return np.array(xs)


def array_then_list_used(n):
    xs = [i * 0.5 for i in range(n)]
    a = np.array(xs)
    xs.append(7.0)
    xs[0] = -1.0
    return a, xs


def asarray_ints_and_bools(n):
    ks = [i * 3 - 5 for i in range(n)]
    bs = [i % 3 == 0 for i in range(n)]
    return np.asarray(ks), np.array(bs), np.array([complex(i, 1) for i in range(n)])


def array_other_dtype(n):
    xs = [i - 2 for i in range(n)]
    return np.array(xs, dtype=np.float64), np.array([i % 2 == 1 for i in range(n)], dtype=np.int64)


def array_written_and_summed(n):
    a = np.array([i * 1.5 for i in range(n)])
    a[0] = 100.0
    return a.sum(), a


def rows_2d(n, m):
    return np.array([[i * 0.5 + j for j in range(m)] for i in range(n)])


def rows_2d_ints_to_float(n, m):
    return np.array([[i * m + j for j in range(m)] for i in range(n)], dtype=np.float64)


def rows_ragged(n):
    return np.array([[float(j) for j in range(i + 1)] for i in range(n)])


ARRAY_CASES = [
    (array_of_comprehension, (0,)), (array_of_comprehension, (5,)), (array_of_comprehension, (100_000,)),
    (array_then_list_used, (4,)), (asarray_ints_and_bools, (7,)),
    (array_other_dtype, (5,)), (array_written_and_summed, (6,)),
    (rows_2d, (3, 4)), (rows_2d, (1, 0)), (rows_2d, (50, 8)), (rows_2d_ints_to_float, (4, 3)),
    (rows_ragged, (1,)), (rows_ragged, (3,)),
]


@pytest.mark.parametrize("func,args", ARRAY_CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(ARRAY_CASES)])
def test_np_array_of_lists(func, args):
    check(func, *args)


def test_np_array_takes_the_buffer_of_a_dead_list():
    # The list is never used again: the array is made over its buffer (no copy); its base keeps it.
    assert "swiftjit_array_adopt_list" in _ir(array_of_comprehension, 3)
    a = njit(array_of_comprehension)(1000)
    assert a.flags.c_contiguous and a.flags.writeable and a.base is not None
    a[:] = 1.0  # the array's own memory from now on
    assert a.sum() == 1000.0
    # Used after the call: copied, so the later changes to the list do not reach the array.
    assert "swiftjit_array_adopt_list" not in _ir(array_then_list_used, 3)


def test_np_array_of_dead_lists_keeps_memory_flat():
    check_memory_flat("""
        import numpy as np

        @njit
        def f(n):
            xs = [i * 0.5 for i in range(n)]
            return np.array(xs)
        f(10)
        before = rss_mb()
        for _ in range(200):
            a = f(100_000)
        del a
        grown = rss_mb() - before
    """)


# ------------------------------------------------------------------ comprehensions over a range (reserved)

def comp_range_steps(a, b, c): return [i * 0.5 for i in range(a, b, c)], [i for i in range(b, a, -c)]
def comp_kinds(n): return [i % 2 == 0 for i in range(n)], [complex(i, -i) for i in range(n)], [i * i for i in range(n)]
def comp_nested(n): return [[j * 1.5 for j in range(i)] for i in range(n)], sum([i for i in range(n)])
def comp_raises(n): return [10 // (i - 3) for i in range(n)]
def comp_then_append(n):
    xs = [i for i in range(n)]
    xs.append(-1)
    xs += [7 for _ in range(3)]
    return xs, len(xs)
def comp_filtered(n): return [i for i in range(n) if i % 3], [i * 2.0 for i in range(n)][::2]


RESERVED_CASES = [
    (comp_range_steps, (0, 10, 3)), (comp_range_steps, (5, 5, 1)), (comp_range_steps, (-7, 20, 4)),
    (comp_kinds, (0,)), (comp_kinds, (9,)), (comp_nested, (5,)), (comp_raises, (2,)), (comp_raises, (6,)),
    (comp_then_append, (0,)), (comp_then_append, (50,)), (comp_filtered, (10,)),
]


@pytest.mark.parametrize("func,args", RESERVED_CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(RESERVED_CASES)])
def test_comprehensions_over_ranges(func, args):
    check(func, *args)


def test_reserved_comprehension_is_filled_in_place():
    def f(n):
        return len([i * 0.5 for i in range(n)])
    ir = _ir(f, 3)
    assert "swiftjit_nl_make_reserved" in ir and "swiftjit_nl_grow" not in ir
    check_memory_flat("""
        @njit
        def f(n):
            return len([10.0 / (i - n + 2) for i in range(n)])
        f(1)
        before = rss_mb()
        for _ in range(300):
            try:
                f(50_000)  # raises ZeroDivisionError near the end: the partial list is freed
            except ZeroDivisionError:
                pass
        grown = rss_mb() - before
    """)
