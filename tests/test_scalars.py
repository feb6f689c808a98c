"""Differential tests of scalar expressions: arithmetic, bitwise, comparisons,
builtins, conversions, math functions, constants, globals and tuples.

Every test compares the jitted function with the plain Python function: same
value, same type, floats bitwise equal or both nan, same exception and message.
Documented intentional differences (int64 wraparound, int ** negative int,
math domain errors, int/float comparison through float) are tested on their
own at the end, against the documented behaviour.
"""
import math
import os

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from jitcheck import (check_unified, EDGE_FLOATS, EDGE_INTS, INT64_MAX, INT64_MIN, Raised, check, check_all, fits_int64, floats, ints,
                     outcome, run_python, same, scalars, show, wrap64)
from swiftjit import njit


# ------------------------------------------------------------------ functions
def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def truediv(a, b):
    return a / b


def floordiv(a, b):
    return a // b


def mod(a, b):
    return a % b


def power(a, b):
    return a ** b


def lshift(a, b):
    return a << b


def rshift(a, b):
    return a >> b


def bitand(a, b):
    return a & b


def bitor(a, b):
    return a | b


def bitxor(a, b):
    return a ^ b


def lt(a, b):
    return a < b


def le(a, b):
    return a <= b


def eq(a, b):
    return a == b


def ne(a, b):
    return a != b


def gt(a, b):
    return a > b


def ge(a, b):
    return a >= b


def neg(a):
    return -a


def pos(a):
    return +a


def invert(a):
    return ~a


def not_(a):
    return not a


def abs_(a):
    return abs(a)


def min2(a, b):
    return min(a, b)


def max2(a, b):
    return max(a, b)


def min3(a, b, c):
    return min(a, b, c)


def max4(a, b, c, d):
    return max(a, b, c, d)


def to_int(a):
    return int(a)


def to_float(a):
    return float(a)


def to_bool(a):
    return bool(a)


ARITH = [add, sub, mul, truediv, floordiv, mod]
BITWISE = [bitand, bitor, bitxor]
COMPARE = [lt, le, eq, ne, gt, ge]
JIT = {f: njit(f) for f in ARITH + BITWISE + COMPARE + [
    power, lshift, rshift, neg, pos, invert, not_, abs_, min2, max2, min3, max4, to_int, to_float, to_bool]}

#: hypothesis settings of the many operator x type-combination grids (edge cases
#: are covered exhaustively by the explicit parametrized tests).
GRID = settings(max_examples=60)

KIND_PAIRS = [("int", "int"), ("int", "float"), ("float", "int"), ("float", "float"),
              ("bool", "int"), ("int", "bool"), ("bool", "float"), ("float", "bool"), ("bool", "bool")]


def diff(func, *args):
    """check() for functions whose int results might overflow: skips those inputs."""
    expected = outcome(func, *args)
    assume(isinstance(expected, Raised) or fits_int64(expected))
    check(func, JIT[func], *args)


def diff_many(funcs, *args):
    """Compares every function of ``funcs`` on ``args``; int64 overflows are skipped."""
    cases = []
    for func in funcs:
        expected = outcome(func, *args)
        if isinstance(expected, Raised) or fits_int64(expected):
            cases.append((func, JIT[func], args))
    check_all(cases)


# ------------------------------------------------------------------ arithmetic
@pytest.mark.parametrize("kinds", KIND_PAIRS, ids="-".join)
def test_arithmetic(kinds):
    @GRID
    @given(scalars(kinds[0]), scalars(kinds[1]))
    def run(a, b):
        diff_many([add, sub, mul, floordiv, mod], a, b)

    run()


@pytest.mark.parametrize("kinds", KIND_PAIRS, ids="-".join)
def test_true_division(kinds):
    # Large ints are covered by test_int_true_division_is_correctly_rounded.
    strat = {"int": ints(-(2 ** 53), 2 ** 53), "float": floats(), "bool": st.booleans()}

    @GRID
    @given(strat[kinds[0]], strat[kinds[1]])
    def run(a, b):
        diff(truediv, a, b)

    run()


INT_DIVISORS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 2 ** 62, -(2 ** 62), INT64_MAX, INT64_MIN]


@pytest.mark.parametrize("a", EDGE_INTS + [INT64_MAX, INT64_MIN, INT64_MIN + 1])
def test_int_division_edges(a):
    for b in INT_DIVISORS:
        diff_many([floordiv, mod], a, b)
        if abs(a) <= 2 ** 53 and abs(b) <= 2 ** 53:
            check(truediv, JIT[truediv], a, b)


@pytest.mark.parametrize("a", EDGE_FLOATS)
def test_float_arith_edges(a):
    cases = []
    for b in EDGE_FLOATS + [0, 1, -1, 3, True]:
        for func in ARITH:
            cases.append((func, JIT[func], (a, b)))
            cases.append((func, JIT[func], (b, a)))
    check_all(cases)


@pytest.mark.parametrize("a,b", [
    (9007199254740993, 3),        # 2**53 + 1
    (2 ** 62 + 1, 7),
    (INT64_MAX, 3),
    (INT64_MAX, INT64_MAX - 1),
    (-(2 ** 62) - 3, 2 ** 61 + 1),
])
def test_int_true_division_is_correctly_rounded(a, b):
    """Python's int / int is correctly rounded even beyond 2**53."""
    check(truediv, JIT[truediv], a, b)


@pytest.mark.parametrize("a,b", [(1, 0), (0, 0), (-5, 0), (1.0, 0), (1, 0.0), (1.0, 0.0), (-0.0, 0.0),
                                 (math.inf, 0.0), (math.nan, 0.0), (True, False), (1.5, False)])
def test_division_by_zero_messages(a, b):
    for func in ARITH[3:]:
        expected = check(func, JIT[func], a, b)
        assert isinstance(expected, Raised) and expected.type is ZeroDivisionError


# ------------------------------------------------------------------ power
@given(ints(-(2 ** 62), 2 ** 62), st.integers(0, 70))
@example(2, 62)
@example(-2, 63)
@example(-1, 0)
@example(0, 0)
@example(3, 39)
@example(INT64_MIN, 1)
def test_int_power(a, b):
    diff(power, a, b)


@given(st.sampled_from([0, 1, -1]), st.integers(0, 2 ** 62))
@example(-1, 2 ** 62 + 1)
@example(1, 2 ** 62)
@example(0, 2 ** 62)
def test_int_power_huge_exponent(a, b):
    diff(power, a, b)


@given(floats(), floats())
@example(0.0, -math.inf)
@example(-0.0, -math.inf)
@example(0.0, -1.0)
@example(-0.0, -1.0)
@example(-0.0, -3.0)
@example(-0.0, 3.0)
@example(math.nan, 0.0)
@example(1.0, math.nan)
@example(-1.0, math.inf)
@example(-8.0, 3.0)
@example(math.inf, -1.0)
@example(-math.inf, 3.0)
@example(-math.inf, 0.5)
def test_float_power(a, b):
    expected = outcome(power, a, b)
    # complex results and OverflowError: see the two dedicated tests below.
    assume(not isinstance(expected, complex))
    assume(not (isinstance(expected, Raised) and expected.type is OverflowError))
    check(power, JIT[power], a, b)


@given(floats(), ints(-(2 ** 62), 2 ** 62))
@example(0.0, -1)
@example(2.0, -1075)
@example(-2.0, 3)
def test_float_int_power(a, b):
    expected = outcome(power, a, b)
    assume(not (isinstance(expected, Raised) and expected.type is OverflowError))
    check(power, JIT[power], a, b)


@given(ints(-(2 ** 62), 2 ** 62), floats())
@example(0, -math.inf)
@example(0, -1.0)
@example(0, -0.5)
@example(-8, 0.5)
def test_int_float_power(a, b):
    expected = outcome(power, a, b)
    assume(not isinstance(expected, complex))
    assume(not (isinstance(expected, Raised) and expected.type is OverflowError))
    check(power, JIT[power], a, b)


@pytest.mark.parametrize("a,b", [(-8.0, 1 / 3), (-2.0, 0.5), (-1.0, 0.5), (-8, 1 / 3)])
def test_negative_base_fractional_exponent(a, b):
    """Python returns a complex number; nopython mode has no complex result for float ** float,
    so it raises a ValueError saying so instead of returning something else."""
    assert isinstance(power(a, b), complex)
    with pytest.raises(ValueError, match="negative number cannot be raised to a fractional power"):
        JIT[power](a, b)


@pytest.mark.parametrize("a,b", [(10.0, 400.0), (1e308, 2.0), (-10.0, 309.0), (10, 400.0), (10.0, 400)])
def test_float_power_overflow_raises(a, b):
    """Python raises OverflowError (34, 'Numerical result out of range')."""
    check(power, JIT[power], a, b)


# ------------------------------------------------------------------ bitwise and shifts
@pytest.mark.parametrize("func", BITWISE, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kinds", [("int", "int"), ("bool", "bool"), ("int", "bool"), ("bool", "int")],
                         ids="-".join)
def test_bitwise(func, kinds):
    strat = {"int": ints(INT64_MIN, INT64_MAX), "bool": st.booleans()}

    @GRID
    @given(strat[kinds[0]], strat[kinds[1]])
    def run(a, b):
        check(func, JIT[func], a, b)

    run()


@given(ints(INT64_MIN, INT64_MAX), st.integers(-3, 200))
@example(-1, 63)
@example(-1, 64)
@example(INT64_MIN, 63)
@example(INT64_MAX, 62)
@example(5, -1)
@example(0, -1)
def test_right_shift(a, b):
    check(rshift, JIT[rshift], a, b)


@given(ints(-(2 ** 62), 2 ** 62), st.integers(-3, 62))
@example(1, 62)
@example(-1, 63)
@example(5, -1)
@example(True, 3)
def test_left_shift(a, b):
    diff(lshift, a, b)


# ------------------------------------------------------------------ comparisons
@pytest.mark.parametrize("kinds", KIND_PAIRS, ids="-".join)
def test_comparisons(kinds):
    # ints that convert to float exactly; beyond 2**53 see test_int_float_comparison_*.
    limit = 2 ** 53 if "float" in kinds else 2 ** 63 - 1
    strat = {"int": ints(-limit, limit), "float": floats(), "bool": st.booleans()}

    @GRID
    @given(strat[kinds[0]], strat[kinds[1]])
    def run(a, b):
        check_all([(func, JIT[func], (a, b)) for func in COMPARE])

    run()


@pytest.mark.parametrize("func", COMPARE, ids=lambda f: f.__name__)
def test_comparisons_int64_extremes(func):
    values = [INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX]
    for a in values:
        for b in values:
            check(func, JIT[func], a, b)


def chained(a, b, c):
    return a < b < c


def chained_mixed(a, b, c):
    return a <= b == c != a


JIT_CHAINED = njit(chained)
JIT_CHAINED_MIXED = njit(chained_mixed)


@given(ints(-100, 100), ints(-100, 100), ints(-100, 100))
@example(1, 2, 3)
@example(3, 2, 1)
@example(1, 1, 1)
def test_chained_comparisons_int(a, b, c):
    check(chained, JIT_CHAINED, a, b, c)
    check(chained_mixed, JIT_CHAINED_MIXED, a, b, c)


@given(floats(), floats(), floats())
def test_chained_comparisons_float(a, b, c):
    check(chained, JIT_CHAINED, a, b, c)
    check(chained_mixed, JIT_CHAINED_MIXED, a, b, c)


def is_none(a):
    return a is None


def is_not_none(a):
    return a is not None


JIT_IS_NONE = njit(is_none)
JIT_IS_NOT_NONE = njit(is_not_none)


@pytest.mark.parametrize("value", [None, 0, 1, 0.0, math.nan, False, True, (1, 2)])
def test_is_none(value):
    check(is_none, JIT_IS_NONE, value)
    check(is_not_none, JIT_IS_NOT_NONE, value)


# ------------------------------------------------------------------ unary operators
@pytest.mark.parametrize("kind", ["int", "float", "bool"])
def test_unary(kind):
    @given(scalars(kind))
    def run(a):
        check_all([(func, JIT[func], (a,)) for func in (neg, pos, not_, abs_)])

    run()


@pytest.mark.parametrize("kind", ["int", "bool"])
def test_invert(kind):
    @GRID
    @given(ints(INT64_MIN, INT64_MAX) if kind == "int" else st.booleans())
    @example(INT64_MIN)
    @example(INT64_MAX)
    def run(a):
        check(invert, JIT[invert], a)

    run()


@pytest.mark.parametrize("value", EDGE_FLOATS + [INT64_MAX, INT64_MIN + 1, None])
def test_not(value):
    check(not_, JIT[not_], value)


# ------------------------------------------------------------------ min / max
@pytest.mark.parametrize("kind", ["int", "float", "bool"])
def test_min_max_same_type(kind):
    @given(scalars(kind), scalars(kind), scalars(kind), scalars(kind))
    def run(a, b, c, d):
        check(min2, JIT[min2], a, b)
        check(max2, JIT[max2], a, b)
        check(min3, JIT[min3], a, b, c)
        check(max4, JIT[max4], a, b, c, d)

    run()


@pytest.mark.parametrize("a,b", [(0.0, -0.0), (-0.0, 0.0), (math.nan, 1.0), (1.0, math.nan),
                                 (math.inf, math.nan), (-math.inf, math.inf)])
def test_min_max_float_edges(a, b):
    check(min2, JIT[min2], a, b)
    check(max2, JIT[max2], a, b)


# (Ints above 2**53 mixed with floats are not exact after unification to float64.)
@pytest.mark.parametrize("a,b", [(1, 2.0), (2.0, 1), (3, 2.5), (True, 2), (2, True), (False, 0.5)])
def test_min_max_mixed_types(a, b):
    """Python returns one of its arguments unchanged; nopython mode (like Numba) returns
    the value in the unified type of the arguments (documented in README/LANGUAGE.md)."""
    check_unified(min2, JIT[min2], a, b, candidates=(a, b))
    check_unified(max2, JIT[max2], a, b, candidates=(a, b))


# ------------------------------------------------------------------ int() float() bool()
@given(floats())
@example(2.0 ** 62)
@example(-(2.0 ** 63))
@example(-0.5)
@example(0.9999999999999999)
def test_int_of_float(a):
    expected = outcome(to_int, a)
    assume(isinstance(expected, Raised) or fits_int64(expected))   # out of range: see below
    check(to_int, JIT[to_int], a)


@pytest.mark.parametrize("kind", ["int", "bool"])
def test_conversions_of_ints(kind):
    @given(ints(INT64_MIN, INT64_MAX) if kind == "int" else st.booleans())
    @example(2 ** 53 + 1)
    @example(INT64_MAX)
    @example(INT64_MIN)
    def run(a):
        check(to_int, JIT[to_int], a)
        check(to_float, JIT[to_float], a)
        check(to_bool, JIT[to_bool], a)

    run()


def test_bool_of_none():
    check(to_bool, JIT[to_bool], None)


@given(floats())
def test_float_and_bool_of_float(a):
    check(to_float, JIT[to_float], a)
    check(to_bool, JIT[to_bool], a)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_int_of_nonfinite_float_raises(value):
    expected = check(to_int, JIT[to_int], value)
    assert isinstance(expected, Raised)


@pytest.mark.parametrize("value", [1e308, -1e308, 2.0 ** 63, -(2.0 ** 64), 1e19])
def test_int_of_float_out_of_int64_range(value):
    """The exact result does not fit int64: swiftjit must not return a wrong int silently."""
    got = outcome(JIT[to_int], value)
    assert isinstance(got, Raised) and got.type is OverflowError, (
        f"int({value!r}): python -> {int(value)}, swiftjit -> {show(got)}")


# ------------------------------------------------------------------ math module
def _unary_math(name):
    ns = {}
    exec(f"import math\ndef math_{name}(x):\n    return math.{name}(x)\n", ns)
    return ns[f"math_{name}"]


def _binary_math(name):
    ns = {}
    exec(f"import math\ndef math_{name}(x, y):\n    return math.{name}(x, y)\n", ns)
    return ns[f"math_{name}"]


UNARY_MATH = ["sqrt", "exp", "log", "log10", "log2", "log1p", "expm1", "sin", "cos", "tan", "asin",
              "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "floor", "ceil", "trunc",
              "fabs", "erf", "erfc", "gamma", "lgamma", "degrees", "radians", "isnan", "isinf",
              "isfinite"]
BINARY_MATH = ["pow", "atan2", "hypot", "fmod", "copysign"]


# CPython computes these with algorithms of its own; swiftjit, like Numba, calls the C
# library, which can be a few ulp away (documented). They are compared within 16 ulp.
LIBM_DIFFERS = {"gamma", "lgamma", "hypot"}


def check_ulps(pyf, jf, *args, ulps=16):
    expected, got = outcome(pyf, *args), outcome(jf, *args)
    assert type(got) is type(expected), f"{args}: python -> {expected!r}, swiftjit -> {got!r}"
    if math.isnan(expected) or math.isinf(expected):
        assert (math.isnan(got) and math.isnan(expected)) or got == expected, f"{args}: {expected!r} vs {got!r}"
        return
    # Relative to the value, or absolute near zero (lgamma has roots at 1 and 2).
    scale = max(1.0, abs(expected))
    assert abs(got - expected) <= ulps * math.ulp(scale), f"{args}: python -> {expected!r}, swiftjit -> {got!r}"


@pytest.mark.parametrize("name", UNARY_MATH)
def test_math_unary(name):
    """Inputs where Python returns a value; domain/range errors are tested separately."""
    pyf = _unary_math(name)
    jf = njit(pyf)

    @GRID
    @given(st.one_of(floats(), ints(-(2 ** 62), 2 ** 62), st.booleans()))
    @example(0.5)
    @example(-0.0)
    @example(3)
    @example(True)
    @example(0.5)
    def run(x):
        expected = outcome(pyf, x)
        assume(not isinstance(expected, Raised))
        assume(fits_int64(expected))          # floor/ceil/trunc of huge floats: see int() tests
        if name in LIBM_DIFFERS:
            check_ulps(pyf, jf, x)
        else:
            check(pyf, jf, x)

    run()


@pytest.mark.parametrize("name", BINARY_MATH)
def test_math_binary(name):
    pyf = _binary_math(name)
    jf = njit(pyf)

    @given(st.one_of(floats(), ints()), st.one_of(floats(), ints()))
    @example(0.0, -0.0)
    @example(-0.0, -0.0)
    @example(3, 4)
    @example(2, 0.5)
    @example(79, 79)
    @example(265, 590)
    @example(0.0, -math.inf)
    @example(0, -math.inf)
    def run(x, y):
        expected = outcome(pyf, x, y)
        assume(not isinstance(expected, Raised))
        if name in LIBM_DIFFERS:
            check_ulps(pyf, jf, x, y)
        else:
            check(pyf, jf, x, y)

    run()


def math_constants():
    return math.pi, math.e, math.tau, math.inf, -math.inf, math.nan


def test_math_constants():
    check(math_constants, njit(math_constants))


def math_mix(x, y):
    r = math.sqrt(x * x + y * y)
    return math.floor(r) + math.ceil(r) + math.trunc(-r), math.isnan(r), math.atan2(y, x) * 2 / math.pi


JIT_MATH_MIX = njit(math_mix)


@given(floats(allow_special=False), floats(allow_special=False))
def test_math_in_expressions(x, y):
    assume(abs(x) < 1e18 and abs(y) < 1e18)
    check(math_mix, JIT_MATH_MIX, x, y)


@pytest.mark.parametrize("name,arg,expected", [
    # Documented (Numba behaviour): math functions return the C library's IEEE
    # result instead of raising ValueError / OverflowError.
    ("sqrt", -1.0, math.nan), ("sqrt", -1, math.nan), ("sqrt", -math.inf, math.nan),
    ("log", 0.0, -math.inf), ("log", 0, -math.inf), ("log", -0.0, -math.inf), ("log", -1.0, math.nan),
    ("log10", 0.0, -math.inf), ("log2", -2.0, math.nan), ("log1p", -1.0, -math.inf),
    ("exp", 1000.0, math.inf), ("sin", math.inf, math.nan), ("cos", -math.inf, math.nan),
    ("acos", 2.0, math.nan), ("asin", -2.0, math.nan), ("atanh", 1.0, math.inf),
    ("cosh", 1000.0, math.inf),
])
def test_math_domain_and_range_errors_follow_numba(name, arg, expected):
    got = njit(_unary_math(name))(arg)
    assert same(got, expected), f"math.{name}({arg!r}) -> {got!r}, documented {expected!r}"
    with pytest.raises((ValueError, OverflowError)):
        getattr(math, name)(arg)        # while Python raises


def test_math_function_imported_by_name():
    """``from math import sqrt`` at module level, then ``sqrt(x)`` in the function."""
    ns = {}
    exec("from math import sqrt, floor\ndef f(x):\n    return sqrt(x) + floor(x)\n", ns)
    check(ns["f"], njit(ns["f"]), 6.25)


# ------------------------------------------------------------------ constants and globals
G_INT = 7
G_FLOAT = 2.5
G_BOOL = True
G_NEG = -(2 ** 62)
G_TUPLE = (1, 2.5, False, None)


def use_globals(x):
    a, b, c, d = G_TUPLE
    if G_BOOL and not c and d is None:
        return x * G_INT + G_FLOAT + a + b + G_NEG
    return 0.0


JIT_USE_GLOBALS = njit(use_globals)


@given(ints(-1000, 1000))
def test_globals(x):
    check(use_globals, JIT_USE_GLOBALS, x)


def test_globals_frozen_at_compile_time():
    global G_INT
    jf = njit(use_globals)
    assert jf(2) == use_globals(2)
    saved = G_INT
    try:
        G_INT = 100
        assert jf(2) == 2 * 7 + 2.5 + 1 + 2.5 - 2 ** 62   # the compiled code keeps the old value
        assert use_globals(2) == 2 * 100 + 2.5 + 1 + 2.5 - 2 ** 62
    finally:
        G_INT = saved


def constants():
    return 1, -1, 0, 2.5, -0.0, True, False, None, 2 ** 62 + 12345, -(2 ** 63), 1e308, 5e-324


def test_constants():
    check(constants, njit(constants))


# ------------------------------------------------------------------ tuples
def ident(x):
    return x


def swap(t):
    a, b = t
    return b, a


def nested(t):
    (a, b), c = t
    return c, (b, a), a + b


def build(a, b):
    return (a + b, a - b), a * b, (a < b,)


def index_tuple(t):
    return t[0] + t[1] * t[-1]


JIT_IDENT = njit(ident)
JIT_SWAP = njit(swap)
JIT_NESTED = njit(nested)
JIT_BUILD = njit(build)


@pytest.mark.parametrize("value", [(), (1,), (1, 2.5), (True, None, 0.0), ((1, 2), (3.5, (None, False))),
                                   (INT64_MAX, INT64_MIN, -0.0, math.nan), (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)])
def test_tuple_roundtrip(value):
    check(ident, JIT_IDENT, value)


@given(st.tuples(st.one_of(ints(), floats(), st.booleans(), st.none()),
                 st.one_of(ints(), floats(), st.booleans(), st.none())))
def test_tuple_unpack(t):
    check(swap, JIT_SWAP, t)


@given(st.tuples(st.tuples(ints(-2 ** 61, 2 ** 61), ints(-2 ** 61, 2 ** 61)), st.one_of(floats(), st.none())))
def test_nested_tuple(t):
    check(nested, JIT_NESTED, t)


def test_tuple_of_tuples_and_scalar_compiles():
    """Minimal reproducer, run in a subprocess because it used to abort the interpreter
    ("LLVM ERROR: Instruction Combining did not reach a fixpoint")."""
    code = ("from swiftjit import njit\n"
            "@njit\n"
            "def f(a):\n"
            "    return (a,), 0, (True,)\n"
            "print(f(1))\n")
    proc = run_python(code)
    assert proc is not None, "timed out"
    assert proc.returncode == 0 and proc.stdout.strip() == "((1,), 0, (True,))", proc.stderr[-500:]


def test_build_tuple():
    # The compile of build() aborts the process with an LLVM error: check in a subprocess first.
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from test_scalars import JIT_BUILD\n"
            "print(JIT_BUILD(1, 2))\n") % os.path.dirname(__file__)
    proc = run_python(code)
    assert proc is not None and proc.returncode == 0, (proc.stderr[-500:] if proc else "timed out")

    @given(ints(-2 ** 31, 2 ** 31), ints(-2 ** 31, 2 ** 31))
    def run(a, b):
        check(build, JIT_BUILD, a, b)

    run()


@pytest.mark.parametrize("t", [(1, 2, 3), (1.5, 2, -1.0), (True, 3, 2)])
def test_tuple_constant_index(t):
    check(index_tuple, njit(index_tuple), t)


# ------------------------------------------------------------------ augmented assignment
def aug_int(a, b):
    x = a
    x += b
    x *= 3
    x -= b
    x //= 7
    x %= 1000003
    x **= 2
    x &= 0xFFFFF
    x |= 16
    x ^= b & 255
    x <<= 3
    x >>= 2
    return x


def aug_float(a, b):
    x = a
    x += b
    x *= 2.5
    x -= b
    x /= 3
    x //= 0.25
    x %= 7.5
    x **= 2
    return x


JIT_AUG_INT = njit(aug_int)
JIT_AUG_FLOAT = njit(aug_float)


@given(ints(-2 ** 40, 2 ** 40), ints(-2 ** 40, 2 ** 40))
def test_augmented_int(a, b):
    check(aug_int, JIT_AUG_INT, a, b)


@given(floats(allow_special=False), st.one_of(floats(allow_special=False), ints(-1000, 1000)))
@example(1.0, -1.0)
def test_augmented_float(a, b):
    assume(abs(a) < 1e100 and abs(b) < 1e100)
    check(aug_float, JIT_AUG_FLOAT, a, b)


def int_then_float(a):
    x = a
    x = x + 0.5
    return x


def test_local_changes_type():
    check(int_then_float, njit(int_then_float), 3)


# ------------------------------------------------------------------ documented differences
@pytest.mark.parametrize("func,a,b", [
    (add, INT64_MAX, 1), (add, INT64_MIN, -1), (sub, INT64_MIN, 1), (sub, 0, INT64_MIN),
    (mul, 2 ** 62, 4), (mul, INT64_MIN, -1), (mul, 3037000500, 3037000500),
    (floordiv, INT64_MIN, -1), (power, 2, 63), (power, 3, 40), (power, -3, 41), (lshift, 1, 63),
    (lshift, 3, 62),
])
def test_int64_wraparound(func, a, b):
    """Documented: int64 arithmetic wraps around (two's complement)."""
    assert not fits_int64(func(a, b))
    got = JIT[func](a, b)
    assert type(got) is int and got == wrap64(func(a, b))


@given(ints(INT64_MIN, INT64_MAX), ints(INT64_MIN, INT64_MAX))
def test_int64_wraparound_random(a, b):
    for func in (add, sub, mul):
        got = JIT[func](a, b)
        assert type(got) is int and got == wrap64(func(a, b))


def test_wraparound_examples():
    assert JIT[add](2 ** 63 - 1, 1) == -(2 ** 63)
    assert JIT[neg](INT64_MIN) == INT64_MIN
    assert JIT[abs_](INT64_MIN) == INT64_MIN
    assert JIT[mod](INT64_MIN, -1) == 0


@given(st.integers(-50, 50), st.integers(-70, -1))
@example(1, -1)
@example(-1, -1)
@example(-1, -2)
@example(2, -1)
@example(-2, -1)
def test_int_power_negative_exponent_follows_numba(a, b):
    """Documented: int ** negative int is an int: 0 unless the base is 1 or -1."""
    if a == 0:
        with pytest.raises(ZeroDivisionError):
            JIT[power](a, b)
        return
    got = JIT[power](a, b)
    if a == 1:
        expected = 1
    elif a == -1:
        expected = -1 if b % 2 else 1
    else:
        expected = 0
    assert type(got) is int and got == expected


@pytest.mark.parametrize("a,b", [(2 ** 53 + 1, 2.0 ** 53), (2 ** 62 + 1, 2.0 ** 62), (INT64_MAX, 2.0 ** 63)])
def test_int_float_comparison_is_exact(a, b):
    """int vs float compares exactly, as in Python (not through float(int))."""
    for func in COMPARE:
        got = JIT[func](a, b)
        assert type(got) is bool and got == func(a, b)
        got = JIT[func](b, a)
        assert type(got) is bool and got == func(b, a)
