"""Errors: runtime exceptions raised by jitted code (same type and message as
Python), compile errors (``swiftjit.errors.TypingError`` at the first call,
with a message naming function, file, line, source line and cause), and
arguments that do not fit int64 (OverflowError).

PYTEST_DONT_REWRITE: the jitted functions use ``assert``; pytest must not rewrite them.
"""
import inspect
import linecache
import math
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jitcheck import INT64_MAX, INT64_MIN, Raised, check, check_all, outcome
import swiftjit
from swiftjit import errors, njit
from swiftjit.errors import TypingError


# ------------------------------------------------------------------ division by zero
def floordiv(a, b):
    return a // b


def mod(a, b):
    return a % b


def truediv(a, b):
    return a / b


def augmented_div(a, b):
    x = a
    x //= b
    return x


J_FLOORDIV, J_MOD, J_TRUEDIV, J_AUG = njit(floordiv), njit(mod), njit(truediv), njit(augmented_div)

# Messages that changed between CPython versions (swiftjit follows the running one).
FLOAT_MOD = "float modulo by zero" if sys.version_info >= (3, 13) else "float modulo"
INT_MOD = "integer modulo by zero" if sys.version_info >= (3, 11) else "integer division or modulo by zero"


@pytest.mark.parametrize("a,b,func,message", [
    (1, 0, floordiv, None), (1, 0, mod, None), (1, 0, truediv, "division by zero"),
    (0, 0, floordiv, None), (-7, 0, mod, None), (True, False, floordiv, None),
    (1.0, 0.0, truediv, "float division by zero"), (1, 0.0, truediv, "float division by zero"),
    (1.0, 0, truediv, "float division by zero"),
    (1.0, 0.0, floordiv, "float floor division by zero"), (1, 0.0, floordiv, "float floor division by zero"),
    (1.0, 0.0, mod, FLOAT_MOD), (-0.0, -0.0, mod, FLOAT_MOD), (math.inf, 0.0, mod, FLOAT_MOD),
    (math.nan, 0.0, truediv, "float division by zero"), (5, 0, augmented_div, None),
])
def test_zero_division(a, b, func, message):
    jf = {floordiv: J_FLOORDIV, mod: J_MOD, truediv: J_TRUEDIV, augmented_div: J_AUG}[func]
    expected = check(func, jf, a, b)           # same type and message as Python
    assert isinstance(expected, Raised) and expected.type is ZeroDivisionError
    if message is not None:
        assert expected.message == message
    else:   # int // 0 and int % 0: Python's message depends on the version
        assert expected.message in ("integer division or modulo by zero", "integer modulo by zero")


def test_int_zero_division_messages_literal():
    """The messages listed in the spec, checked against this Python version."""
    with pytest.raises(ZeroDivisionError) as info:
        J_FLOORDIV(1, 0)
    assert str(info.value) == "integer division or modulo by zero"
    with pytest.raises(ZeroDivisionError) as info:
        J_MOD(1, 0)
    assert str(info.value) == INT_MOD


def test_dispatcher_usable_after_exception():
    for _ in range(3):
        with pytest.raises(ZeroDivisionError):
            J_FLOORDIV(10, 0)
        assert J_FLOORDIV(10, 3) == 3


# ------------------------------------------------------------------ raise and assert
def raise_with_message(x):
    if x < 0:
        raise ValueError("negative input: bad")
    return x


def raise_class(x):
    if x < 0:
        raise ValueError
    return x


def raise_no_args(x):
    if x < 0:
        raise ValueError()
    return x


def raise_other_builtins(x):
    if x == 1:
        raise TypeError("type")
    if x == 2:
        raise RuntimeError("runtime")
    if x == 3:
        raise IndexError
    if x == 4:
        raise ZeroDivisionError("custom zero")
    if x == 5:
        raise OverflowError("too big")
    if x == 6:
        raise KeyError("key")
    if x == 7:
        raise NotImplementedError("later")
    return x


def assert_plain(x):
    assert x > 0
    return x


def assert_message(x):
    assert x > 0, "x must be positive"
    return x * 2


def assert_in_loop(n):
    s = 0
    for i in range(n):
        assert i < 50, "loop too long"
        s += i
    return s


def raise_deep(n):
    i = 0
    while True:
        for j in range(n):
            if i * j > 100:
                raise ValueError("deep")
        i += 1
        if i > n:
            return i


J_RAISE = {f: njit(f) for f in (raise_with_message, raise_class, raise_no_args, raise_other_builtins,
                                assert_plain, assert_message, assert_in_loop, raise_deep)}


@pytest.mark.parametrize("func", [raise_with_message, raise_class, raise_no_args, assert_plain, assert_message],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [-5, -1, 0, 1, 2.5, -0.5, math.nan, True, False])
def test_raise_and_assert(func, x):
    check(func, J_RAISE[func], x)


@pytest.mark.parametrize("x", range(9))
def test_raise_other_builtin_exceptions(x):
    check(raise_other_builtins, J_RAISE[raise_other_builtins], x)


@given(st.integers(-3, 80))
def test_assert_in_loop(n):
    check(assert_in_loop, J_RAISE[assert_in_loop], n)


@given(st.integers(-3, 40))
def test_raise_from_nested_loops(n):
    check(raise_deep, J_RAISE[raise_deep], n)


def test_raised_exception_is_fresh_instance():
    f = J_RAISE[raise_with_message]
    excs = []
    for _ in range(2):
        try:
            f(-1)
        except ValueError as e:
            excs.append(e)
    assert excs[0] is not excs[1]
    assert excs[0].args == ("negative input: bad",)


# ------------------------------------------------------------------ TypingError: constructs
def uses_list(n):
    xs = [1, "two", n]  # err (a list holds one type)
    return n


def uses_dict(n):
    d = {1: n, "a": n}  # err (one key type)
    return n


def uses_set(n):
    return {n, (1, [2])}  # err (unhashable element)


def uses_string_op(n):
    s = "abc"
    return s + n  # err


def uses_string_mul(n):
    return "ab" * 1.5  # err


def uses_generator(n):  # err
    yield n  # err


def uses_try(n):
    try:
        n = n + 1
    except ValueError as e:
        n = len(str(e))  # err
    return n


def uses_with(n):
    with open("/dev/null") as fh:  # err
        fh.read()
    return n


def adds_tuple(a):
    return a + (1, 2)  # err


def uses_lambda(n):
    f = lambda x, k=1: x + k  # err  # noqa: E731
    return f(n)


def calls_plain_function(n):
    return uses_list(n)  # err


def uses_unknown_math(n):
    return math.nope(n)  # err


CONSTRUCTS = [
    (uses_list, (1,), "list"),
    (uses_dict, (1,), "dict"),
    (uses_set, (1,), "set"),
    (uses_string_op, (1,), "cannot add str and int64"),
    (uses_string_mul, (3,), "cannot multiply str and float64"),
    (uses_generator, (1,), "generator"),
    (uses_try, (1,), "except ... as e"),  # try/except itself compiles (tests/test_lang_try.py)
    (uses_with, (1,), "with"),
    (adds_tuple, (1,), "cannot add int64 and tuple(int64, int64)"),
    (uses_lambda, (1,), "lambda"),
    (calls_plain_function, (1,), "uses_list"),
    (uses_unknown_math, (1.0,), "math.nope"),
]


def marked_lines(func):
    lines, start = inspect.getsourcelines(func)
    return {start + i for i, text in enumerate(lines) if "# err" in text}


@pytest.mark.parametrize("func,args,cause", CONSTRUCTS, ids=lambda v: getattr(v, "__name__", None))
def test_typing_error_for_unsupported_construct(func, args, cause):
    jf = njit(func)                          # decorating never raises
    with pytest.raises(TypingError) as info:
        jf(*args)                            # the first call compiles and raises
    err = info.value
    msg = str(err)
    name = func.__name__
    assert f"'{name}'" in msg, msg
    assert __file__ in msg, msg
    assert cause.lower() in msg.lower(), msg
    assert err.function == name
    assert err.filename == __file__
    assert cause.lower() in (err.cause or "").lower()
    assert err.lineno in marked_lines(func), f"line {err.lineno} is not a line of the construct:\n{msg}"
    assert f"line {err.lineno}" in msg, msg
    source = linecache.getline(__file__, err.lineno).strip()
    assert source in msg, msg
    assert jf.signatures == []                # nothing was compiled


def test_typing_error_names_the_cause_exactly():
    with pytest.raises(TypingError) as info:
        njit(adds_tuple)(1)
    assert info.value.cause == "cannot add int64 and tuple(int64, int64)"
    assert "return a + (1, 2)" in str(info.value)


def test_jit_without_nopython_falls_back_to_object_mode():
    """Plain @jit compiles what nopython mode rejects in object mode, with a FallbackWarning
    carrying the TypingError's cause; nopython=True still raises."""
    with pytest.warns(errors.FallbackWarning, match="a list holds one type in nopython mode"):
        assert swiftjit.jit(uses_list)(1) == 1
    with pytest.raises(TypingError):
        swiftjit.jit(uses_list, nopython=True)(1)


def test_typing_error_is_raised_again_on_every_call():
    jf = njit(uses_dict)
    for _ in range(3):
        with pytest.raises(TypingError):
            jf(1)


def test_typing_error_class_hierarchy():
    assert issubclass(TypingError, errors.SwiftJITError)
    assert issubclass(errors.UnsupportedError, TypingError)
    with pytest.raises(errors.SwiftJITError):
        njit(uses_generator)(1)


def only_ints(a):
    return a + 1


def test_failed_signature_does_not_break_others():
    jf = njit(only_ints)
    assert jf(1) == 2
    with pytest.raises(TypingError):
        jf((1, 2))                # tuple + int
    assert jf(2.5) == 3.5
    assert [tuple(str(t) for t in sig) for sig in jf.signatures] == [("int64",), ("float64",)]


# ------------------------------------------------------------------ TypingError: argument types
def two_args(a, b):
    return a


# str, list, dict and set arguments compile since issue 11; empty or mixed ones cannot be typed.
@pytest.mark.parametrize("value,typename", [([], "list"), ([1, "a"], "list"), ({}, "dict"),
                                            (object(), "object"), ((1, [object()]), "list"), (b"x", "bytes")])
def test_unsupported_argument_type(value, typename):
    jf = njit(two_args)
    with pytest.raises(TypingError) as info:
        jf(1, value)
    msg = str(info.value)
    assert "'two_args'" in msg and "'b'" in msg and typename in msg, msg
    assert info.value.function == "two_args"


def test_unsupported_argument_type_names_file_and_line():
    """The message names the file and (def) line of the function, like other TypingErrors."""
    with pytest.raises(TypingError) as info:
        njit(two_args)(1, [])
    msg = str(info.value)
    line = inspect.getsourcelines(two_args)[1]
    assert __file__ in msg and f"line {line}" in msg, msg


# ------------------------------------------------------------------ int arguments beyond int64
def ident(x):
    return x


J_IDENT = njit(ident)


@pytest.mark.parametrize("value", [2 ** 63, -(2 ** 63) - 1, 2 ** 64, 2 ** 100, -(2 ** 200)])
def test_int_argument_overflow(value):
    with pytest.raises(OverflowError):
        J_IDENT(value)


@pytest.mark.parametrize("value", [(2 ** 63,), (1, (2, -(2 ** 64)))])
def test_int_in_tuple_argument_overflow(value):
    with pytest.raises(OverflowError):
        J_IDENT(value)


def kwarg_func(a, b=1):
    return a + b


def test_int_keyword_argument_overflow():
    jf = njit(kwarg_func)
    with pytest.raises(OverflowError):
        jf(1, b=2 ** 63)
    with pytest.raises(OverflowError):
        jf(a=-(2 ** 63) - 1)
    assert jf(1, b=2) == 3


@pytest.mark.parametrize("value", [INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1])
def test_int64_limits_are_accepted(value):
    got = J_IDENT(value)
    assert type(got) is int and got == value


def test_int_overflow_after_compiled_signature():
    """The fast path (int64 signature already compiled) must still reject big ints."""
    assert J_IDENT(5) == 5
    for _ in range(3):
        with pytest.raises(OverflowError):
            J_IDENT(2 ** 63)
    assert J_IDENT(-5) == -5


def test_bool_int_subclass_is_not_confused():
    jf = njit(ident)
    check_all([(ident, jf, (True,)), (ident, jf, (False,)), (ident, jf, (1,)), (ident, jf, (0,))])


def test_outcome_of_overflow_is_not_a_wrong_value():
    got = outcome(J_IDENT, 2 ** 63)
    assert isinstance(got, Raised) and got.type is OverflowError
