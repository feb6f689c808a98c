"""Differential tests of control flow: if/elif/else, while, for over range,
break/continue, early return, optional (None or number) returns, and/or as
values, nested loops and exceptions raised from inside loops.

PYTEST_DONT_REWRITE: the jitted functions use ``assert``; pytest must not rewrite them.
"""
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jitcheck import check_unified, INT64_MAX, INT64_MIN, check, check_all, floats, ints
from swiftjit import njit


# ------------------------------------------------------------------ if / elif / else
def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    elif x == 0:
        return 0
    else:
        return 2          # nan


def classify(x, y):
    r = 0
    if x > y:
        r = 1
        if x > 2 * y:
            r += 10
    elif x == y:
        r = 2
    else:
        if y - x > 100:
            r = 3
        else:
            r = 4
    return r


def ternary(x):
    return x * 2 if x > 3 else -x


def truthiness(x):
    if x:
        return 1
    if not x:
        return 2
    return 3


@given(st.one_of(ints(-2 ** 61, 2 ** 61), floats(), st.booleans()))
@example(math.nan)
@example(-0.0)
def test_if_elif_else(x):
    check_all([(sign, JIT_SIGN, (x,)), (ternary, JIT_TERNARY, (x,)), (truthiness, JIT_TRUTHINESS, (x,))])


@given(ints(-2 ** 61, 2 ** 61), ints(-2 ** 61, 2 ** 61))
def test_nested_if(x, y):
    check(classify, JIT_CLASSIFY, x, y)


@given(floats(), floats())
def test_nested_if_float(x, y):
    check(classify, JIT_CLASSIFY, x, y)


# ------------------------------------------------------------------ and / or / not as values
def and_(a, b):
    return a and b


def or_(a, b):
    return a or b


def and_or(a, b, c):
    return a and b or c


def not_and(a, b):
    return not (a and b)


def cond_and(a, b):
    if a > 0 and b > 0:
        return 1
    if a > 0 or b > 0:
        return 2
    return 3


@pytest.mark.parametrize("kind", ["int", "float", "bool"])
def test_and_or_values_same_type(kind):
    strat = {"int": ints(), "float": floats(), "bool": st.booleans()}[kind]

    @given(strat, strat, strat)
    def run(a, b, c):
        check_all([(and_, JIT_AND, (a, b)), (or_, JIT_OR, (a, b)), (and_or, JIT_AND_OR, (a, b, c)),
                   (not_and, JIT_NOT_AND, (a, b)), (cond_and, JIT_COND_AND, (a, b))])

    run()


@pytest.mark.parametrize("a,b", [(0, 2.5), (3, 2.5), (0.0, 5), (math.nan, 1), (False, 2), (True, 2),
                                 (0, True), (2, None), (0, None), (None, 1)])
def test_and_or_values_mixed_types(a, b):
    """Python returns one of the operands unchanged; nopython mode (like Numba) returns it
    in the unified type of both operands (documented)."""
    check_unified(and_, JIT_AND, a, b, candidates=(a, b))
    check_unified(or_, JIT_OR, a, b, candidates=(a, b))


# ------------------------------------------------------------------ for over range
def range1(n):
    s = 0
    for i in range(n):
        s += i * i - 3 * i
    return s


def range2(a, b):
    s = 0
    for i in range(a, b):
        s = (s * 31 + i) % 1000003
    return s


def range3(a, b, c):
    s = 0
    count = 0
    for i in range(a, b, c):
        s = (s * 31 + i) % 1000003
        count += 1
    return s, count


def range_last(a, b, c):
    last = 12345
    for i in range(a, b, c):
        last = i
    return last


def range_float_acc(n):
    x = 0.0
    for i in range(n):
        x += 1.0 / (i + 1)
    return x


def range_loop_var_after(n):
    i = -1
    for i in range(n):
        pass
    return i


@given(st.integers(-5, 300))
@example(0)
@example(1)
def test_range_stop(n):
    check_all([(range1, JIT_RANGE1, (n,)), (range_float_acc, JIT_RANGE_FLOAT_ACC, (n,)),
               (range_loop_var_after, JIT_RANGE_LOOP_VAR_AFTER, (n,))])


@given(st.integers(-300, 300), st.integers(-300, 300))
def test_range_start_stop(a, b):
    check(range2, JIT_RANGE2, a, b)


@given(st.integers(-300, 300), st.integers(-300, 300), st.integers(-50, 50).filter(lambda c: c != 0))
@example(0, 10, 3)
@example(10, 0, -3)
@example(10, 0, -1)
@example(0, 10, -1)
@example(5, 5, 1)
@example(5, 5, -1)
@example(-10, 10, 7)
def test_range_step(a, b, c):
    check_all([(range3, JIT_RANGE3, (a, b, c)), (range_last, JIT_RANGE_LAST, (a, b, c))])


def test_range_step_zero():
    check(range3, JIT_RANGE3, 0, 10, 0)      # ValueError: range() arg 3 must not be zero


RANGE_LIMIT_CASES = [
    (INT64_MAX - 10, INT64_MAX, 3),
    (INT64_MIN, INT64_MIN + 10, 3),
    (INT64_MIN + 10, INT64_MIN, -3),
    (-(2 ** 62), 2 ** 62, 2 ** 61),
    (2 ** 62, -(2 ** 62), -(2 ** 61)),
    (INT64_MIN, INT64_MAX, 2 ** 62),
    (INT64_MAX, INT64_MIN, -(2 ** 62)),
    (0, INT64_MAX, 2 ** 62),               # i + step would wrap past INT64_MAX
    (INT64_MAX - 7, INT64_MAX, 5),
    (-1, INT64_MIN, -(2 ** 62)),           # i + step would wrap past INT64_MIN
    (INT64_MIN + 7, INT64_MIN, -5),
    (0, INT64_MAX, INT64_MAX),
    (INT64_MAX - 1, INT64_MAX, 1),
]


def range_walk(a, b, c, limit):
    """(count, last value) of range(a, b, c); gives up after ``limit`` values so that
    a range that runs past its stop cannot loop forever."""
    n = 0
    last = 0
    for i in range(a, b, c):
        n += 1
        last = i
        if n > limit:
            break
    return n, last


JIT_RANGE_WALK = njit(range_walk)


def walk_case(a, b, c):
    return (range_walk, JIT_RANGE_WALK, (a, b, c, len(range(a, b, c)) + 2))


def test_range_near_int64_limits():
    """range() never yields values outside [start, stop): no wraparound past INT64_MAX/MIN
    (a wrapping induction variable would loop forever; range_walk gives up instead)."""
    check_all([walk_case(*case) for case in RANGE_LIMIT_CASES])


@given(st.integers(0, 2 ** 62), st.integers(0, 2 ** 62), st.integers(1, 2 ** 63 - 1), st.booleans())
def test_range_near_int64_limits_random(start_gap, stop_gap, step, down):
    if down:
        a, b, c = INT64_MIN + start_gap, INT64_MIN + stop_gap, -step
        a, b = max(a, b), min(a, b)
    else:
        a, b, c = INT64_MAX - start_gap, INT64_MAX - stop_gap, step
        a, b = min(a, b), max(a, b)
    if len(range(a, b, c)) > 10 ** 6:
        return
    pyfunc, jitfunc, args = walk_case(a, b, c)
    check(pyfunc, jitfunc, *args)


# ------------------------------------------------------------------ while, break, continue
def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n //= 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def while_break_continue(n):
    i = 0
    s = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 3 == 0:
            continue
        if i % 7 == 0:
            s -= i
            continue
        s += i
    return s, i


def for_break_continue(n, stop):
    s = 0
    for i in range(n):
        if i % 2:
            continue
        if i >= stop:
            break
        s += i
    return s


def nested_loops(n, m):
    total = 0
    for i in range(n):
        j = 0
        while j < m:
            if (i * j) % 5 == 4:
                break
            if j % 2:
                j += 1
                continue
            total += i * j
            j += 1
        else:
            total += 1000
    return total


def for_else(n, k):
    for i in range(n):
        if i == k:
            r = i
            break
    else:
        r = -1
    return r


def while_float(x):
    n = 0
    while x > 1.0:
        x = x / 2.0
        n += 1
    return n, x


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


@given(st.integers(1, 10 ** 6))
@example(1)
@example(27)
def test_collatz(n):
    check(collatz, JIT_COLLATZ, n)


@given(st.integers(-5, 200), st.integers(-5, 200))
def test_break_continue(n, stop):
    check_all([(while_break_continue, JIT_WHILE_BREAK_CONTINUE, (n,)),
               (for_break_continue, JIT_FOR_BREAK_CONTINUE, (n, stop)),
               (for_else, JIT_FOR_ELSE, (n, stop))])


@given(st.integers(0, 40), st.integers(0, 40))
def test_nested_loops(n, m):
    check(nested_loops, JIT_NESTED_LOOPS, n, m)


@given(st.floats(0, 1e300))
@example(1e308)
def test_while_float(x):
    check(while_float, JIT_WHILE_FLOAT, x)


@given(ints(-2 ** 62, 2 ** 62), ints(-2 ** 62, 2 ** 62))
def test_gcd(a, b):
    check(gcd, JIT_GCD, a, b)


# ------------------------------------------------------------------ early return, optional results
def first_multiple(n, k):
    for i in range(1, n):
        if i % k == 0:
            return i
    return -1


def find_or_none(n, k):
    for i in range(1, n):
        if i * i > k:
            return i
    return None


def implicit_none(x):
    if x > 0:
        return x * 2


def float_or_none(x):
    if x > 0.5:
        return x
    if x < -0.5:
        return None
    return 0.0


def returns_nothing(x):
    y = x + 1   # noqa: F841


def return_in_while(x):
    while True:
        if x > 100:
            return x
        x = x * 2 + 1


def mixed_numeric_returns(x):
    if x > 0:
        return 1.5
    elif x < 0:
        return 2
    return None


@given(st.integers(-5, 100), st.integers(1, 20))
def test_early_return(n, k):
    check_all([(first_multiple, JIT_FIRST_MULTIPLE, (n, k)), (find_or_none, JIT_FIND_OR_NONE, (n, k))])


@given(st.one_of(ints(-2 ** 61, 2 ** 61), floats()))
def test_optional_returns(x):
    check_all([(implicit_none, JIT_IMPLICIT_NONE, (x,)), (returns_nothing, JIT_RETURNS_NOTHING, (x,))])


@given(floats())
def test_float_or_none(x):
    check(float_or_none, JIT_FLOAT_OR_NONE, x)


@given(st.integers(-2 ** 40, 2 ** 40))
def test_return_in_while(x):
    check(return_in_while, JIT_RETURN_IN_WHILE, max(x, 0))


@pytest.mark.parametrize("x", [1, -1, 0])
def test_mixed_numeric_returns(x):
    """Python returns 1.5 (float), 2 (int) or None; nopython mode unifies the returns to
    optional(float64), so 2 comes back as 2.0 (documented)."""
    check_unified(mixed_numeric_returns, JIT_MIXED_NUMERIC_RETURNS, x, candidates=(1.5, 2))


@pytest.mark.parametrize("n", [0, -3])
def test_loop_variable_unbound_after_empty_loop(n):
    """Python raises UnboundLocalError: the loop never bound ``i``."""
    def last_index(n):
        for i in range(n):
            pass
        return i   # noqa: F821

    check(last_index, njit(last_index), n)


# ------------------------------------------------------------------ raising from loops
def find_bad(n, bad):
    s = 0
    for i in range(n):
        if i == bad:
            raise ValueError("found the bad value")
        assert i < 1000, "too many iterations"
        s += i
    return s


@given(st.integers(0, 1200), st.integers(-1, 1200))
@example(2000, -1)
def test_raise_inside_loop(n, bad):
    check(find_bad, JIT_FIND_BAD, n, bad)


# ------------------------------------------------------------------ a larger function
def simpson(a, b, n):
    """Simpson integration of x*sin(x) + exp(-x*x)."""
    if n % 2:
        n += 1
    h = (b - a) / n
    s = 0.0
    for i in range(n + 1):
        x = a + i * h
        fx = x * math.sin(x) + math.exp(-x * x)
        if i == 0 or i == n:
            s += fx
        elif i % 2:
            s += 4 * fx
        else:
            s += 2 * fx
    return s * h / 3


@settings(max_examples=50)
@given(st.floats(-10, 10), st.floats(-10, 10), st.integers(1, 500))
def test_simpson(a, b, n):
    check(simpson, JIT_SIMPSON, a, b, n)


JIT_SIGN = njit(sign)
JIT_CLASSIFY = njit(classify)
JIT_TERNARY = njit(ternary)
JIT_TRUTHINESS = njit(truthiness)
JIT_AND = njit(and_)
JIT_OR = njit(or_)
JIT_AND_OR = njit(and_or)
JIT_NOT_AND = njit(not_and)
JIT_COND_AND = njit(cond_and)
JIT_RANGE1 = njit(range1)
JIT_RANGE2 = njit(range2)
JIT_RANGE3 = njit(range3)
JIT_RANGE_LAST = njit(range_last)
JIT_RANGE_FLOAT_ACC = njit(range_float_acc)
JIT_RANGE_LOOP_VAR_AFTER = njit(range_loop_var_after)
JIT_COLLATZ = njit(collatz)
JIT_WHILE_BREAK_CONTINUE = njit(while_break_continue)
JIT_FOR_BREAK_CONTINUE = njit(for_break_continue)
JIT_NESTED_LOOPS = njit(nested_loops)
JIT_FOR_ELSE = njit(for_else)
JIT_WHILE_FLOAT = njit(while_float)
JIT_GCD = njit(gcd)
JIT_FIRST_MULTIPLE = njit(first_multiple)
JIT_FIND_OR_NONE = njit(find_or_none)
JIT_IMPLICIT_NONE = njit(implicit_none)
JIT_FLOAT_OR_NONE = njit(float_or_none)
JIT_RETURNS_NOTHING = njit(returns_nothing)
JIT_RETURN_IN_WHILE = njit(return_in_while)
JIT_MIXED_NUMERIC_RETURNS = njit(mixed_numeric_returns)
JIT_FIND_BAD = njit(find_bad)
JIT_SIMPSON = njit(simpson)
