"""List, set and dict comprehensions in nopython mode (issue 11, point 1): differential
against plain Python on 3.10-3.13 (3.10/3.11 compile a comprehension to a nested code
object that the translator inlines; 3.12+ compiles it inline, PEP 709)."""
import copy

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from container_support import check, deep_same
from jitcheck import Raised, outcome
from swiftjit import njit

CONFIG = settings(max_examples=40, deadline=None)


def squares(n): return [i * 2 for i in range(n)]
def filtered(n): return [i * i for i in range(n) if i % 3 != 1]
def two_conditions(n): return [i for i in range(n) if i % 2 == 0 if i % 3 == 0]
def two_fors(n): return [(i, j) for i in range(n) for j in range(i)]
def nested(n): return [[i * j for j in range(i)] for i in range(n)]
def nested_in_iterable(n): return [x + 1 for x in [y * 2 for y in range(n)]]
def set_comp(xs): return {x % 5 for x in xs}
def dict_comp(xs): return {x: x * x for x in xs}
def dict_comp_items(d): return {v: k for k, v in d.items()}
def over_list(xs): return [x * 0.5 for x in xs if x > 0]
def over_string(s): return [c for c in s if c != "a"]
def chars_to_index(s): return {c: i for i, c in enumerate(s)}
def over_zip(xs, ys): return [x - y for x, y in zip(xs, ys)]
def over_enumerate(xs): return [i * x for i, x in enumerate(xs)]
def over_items(d): return [k * v for k, v in d.items()]
def over_keys_values(d): return sorted([k for k in d]), sorted([v for v in d.values()])
def upper_words(words): return [w.upper() for w in words if len(w) > 1]
def tuples_out(n): return [(i, i * 0.5) for i in range(n)]
def sum_of(n): return sum([i * i for i in range(n)])
def len_of_set(xs): return len({x for x in xs})


def captures(xs, k):
    offset = k * 2
    return [x * k + offset for x in xs]


def captures_nested(xs, k):
    return [[x * y * k for y in xs] for x in xs if x > 0]


def variable_kept_apart(n):
    x = -7
    r = [x for x in range(n)]
    return x, r


def loop_variable_same_name(n):
    out = 0
    for i in range(n):
        out += len([i for i in range(i)])
    return out


def comprehension_in_loop(n):
    total = 0
    for k in range(n):
        total += sum([j * k for j in range(k)])
    return total


def empty_list_result(n): return [i for i in range(n) if i < 0]


def conditional_expression(xs): return [x if x > 0 else -x for x in xs]


def uses_result(n):
    ys = [i * 3 for i in range(n)]
    ys.append(-1)
    return ys, len(ys)


def in_method_arguments(n):
    out = []
    for i in range(n):
        if i % 2:
            out.append(sum([j for j in range(i)]))
        else:
            out.append(len({j % 3 for j in range(i)}))
    return out


def dict_of_lists(n): return {i: [j for j in range(i)] for i in range(n)}
def list_of_rows(n): return [[0.0] * 3 for _ in range(n)]
def over_split(s): return [w for w in s.split(" ") if w]


def over_conditional_iterable(xs, ys, c):
    return [x * 2 for x in (xs if c else ys)]


def inner_function_in_comprehension(n):
    k = 3
    g = lambda y: y + 1  # noqa: E731
    return [g(i) * k for i in range(n)]


SCALAR_CASES = [in_method_arguments, dict_of_lists, list_of_rows, inner_function_in_comprehension, squares, filtered, two_conditions, two_fors, nested, nested_in_iterable, tuples_out,
                sum_of, variable_kept_apart, loop_variable_same_name, comprehension_in_loop,
                empty_list_result, uses_result]


@pytest.mark.parametrize("fn", SCALAR_CASES, ids=lambda f: f.__name__)
def test_range_comprehensions(fn):
    for n in [0, 1, 2, 5, 13]:
        check(fn, n)


@pytest.mark.parametrize("fn", SCALAR_CASES, ids=lambda f: f.__name__)
@CONFIG
@given(n=st.integers(-3, 40))
def test_range_comprehensions_hypothesis(fn, n):
    check(fn, n)


@pytest.mark.parametrize("fn", [set_comp, dict_comp, over_list, over_enumerate, len_of_set,
                                conditional_expression], ids=lambda f: f.__name__)
@CONFIG
@given(xs=st.lists(st.integers(-50, 50), min_size=1, max_size=30))  # an empty list argument has no type
def test_over_int_lists(fn, xs):
    check(fn, xs)


@pytest.mark.parametrize("fn", [over_list, conditional_expression], ids=lambda f: f.__name__)
def test_over_float_lists(fn):
    for xs in [[1.5], [-0.0, 2.5, float("inf"), -1e300], [float("nan"), 3.0]]:
        check(fn, xs)


@CONFIG
@given(xs=st.lists(st.integers(-50, 50), min_size=1, max_size=20), k=st.integers(-5, 5))
def test_captured_variables(xs, k):
    check(captures, xs, k)
    check(captures_nested, xs, k)


@CONFIG
@given(s=st.text(max_size=20))
def test_over_strings(s):
    check(over_string, s)
    check(chars_to_index, s)


def test_other_iterables():
    for s in ["", "a b  c", " déjà vu "]:
        check(over_split, s)
    for c in [True, False]:
        check(over_conditional_iterable, [1, 2], [3], c)


def test_over_words():
    for words in [["a"], ["ab", "c", "déjà", "übung", "ab"]]:
        check(upper_words, words)


@CONFIG
@given(d=st.dictionaries(st.integers(-20, 20), st.integers(-20, 20), min_size=1, max_size=15))
def test_over_dicts(d):
    check(over_items, d)
    check(dict_comp_items, d)
    check(over_keys_values, d)


@CONFIG
@given(xs=st.lists(st.integers(-9, 9), min_size=1, max_size=10), ys=st.lists(st.integers(-9, 9), min_size=1, max_size=10))
def test_over_zip(xs, ys):
    check(over_zip, xs, ys)


# ---------------------------------------------------------------- arrays
def arr_scaled(a, k): return [x * k for x in a]
def arr_positive(a): return [x for x in a if x > 0]
def arr_rows(a): return [r.sum() for r in a]
def arr_zip(a, b): return [x * y for x, y in zip(a, b)]
def arr_enumerate(a): return {i: x for i, x in enumerate(a) if x != 0}
def arr_set(a): return {x for x in a}


def check_array_fn(fn, *args):
    jit = njit(fn)
    pa, ja = copy.deepcopy(args), copy.deepcopy(args)
    expected, got = outcome(fn, *pa), outcome(jit, *ja)
    if isinstance(expected, Raised) or isinstance(got, Raised):
        assert expected == got, f"{fn.__name__}: python -> {expected!r}, swiftjit -> {got!r}"
        return
    # NumPy scalars come back as Python numbers from nopython mode (as in Numba).
    expected = [e.item() if isinstance(e, np.generic) else e for e in expected] if isinstance(expected, list) \
        else expected
    if isinstance(expected, dict):
        expected = {k: v.item() for k, v in expected.items()}
    if isinstance(expected, set):
        expected = {x.item() for x in expected}
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and np.array_equal(expected, got), f"{fn.__name__}: {expected} vs {got}"
        return
    assert deep_same(expected, got), f"{fn.__name__}{args!r}: python -> {expected!r}, swiftjit -> {got!r}"


@CONFIG
@given(xs=st.lists(st.integers(-100, 100), max_size=20))
def test_over_arrays(xs):
    a = np.array(xs, dtype=np.int64)
    f = np.array(xs, dtype=np.float64)
    check_array_fn(arr_scaled, a, 3)
    check_array_fn(arr_scaled, f, 0.5)
    check_array_fn(arr_positive, f)
    check_array_fn(arr_zip, a, f[::-1].copy())
    check_array_fn(arr_enumerate, a)
    check_array_fn(arr_set, a)


def test_over_2d_array_rows():
    for shape in [(0, 3), (1, 4), (3, 2)]:
        check_array_fn(arr_rows, np.arange(np.prod(shape), dtype=np.float64).reshape(shape))




# ---------------------------------------------------------------- errors
def mixed_types(n): return [i if i % 2 else "x" for i in range(n)]


def test_mixed_element_types_are_a_typing_error():
    from swiftjit.errors import TypingError
    with pytest.raises(TypingError, match="cannot be unified"):
        njit(mixed_types)(3)


def test_comprehension_inside_object_mode_fallback_not_used():
    """A comprehension compiles in nopython mode (no silent fallback to Python)."""
    jit = njit(squares)
    assert jit(4) == [0, 2, 4, 6]
    assert len(jit.signatures) == 1
