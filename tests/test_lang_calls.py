"""Calls between jitted functions: direct native calls, defaults and keywords,
self-recursion, exceptions propagating from the callee."""
import pytest
from hypothesis import given, settings, strategies as st

from swiftjit import njit
from swiftjit.errors import TypingError
from lang_support import check


@njit
def square(x):
    return x * x


@njit
def scaled(x, k=2, *, offset=0.5):
    return x * k + offset


@njit
def checked(x):
    if x < 0:
        raise ValueError("negative input")
    return x + 1


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def fib_float(n):
    if n < 2.0:
        return 1.0
    return fib_float(n - 1.0) + fib_float(n - 2.0)


@njit
def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


@njit
def gcd(a, b):
    if b == 0:
        return a
    return gcd(b, a % b)


@njit
def caller(x):
    return square(x) + square(x + 1)


@njit
def caller_mixed(x):
    return square(x), square(2.5), square(True)


@njit
def caller_defaults(x):
    return scaled(x), scaled(x, 3), scaled(x, k=4), scaled(x, offset=1.0), scaled(k=5, x=x)


@njit
def caller_raises(x):
    s = 0
    for i in range(3):
        s += checked(x - i)
    return s


@njit
def caller_tuple(t):
    return square(t[0]) + square(t[1])


@njit
def loop_caller(n):
    s = 0
    for i in range(n):
        s += gcd(i, 12)
    return s


@given(st.integers(min_value=-10**6, max_value=10**6))
@settings(max_examples=40, deadline=None)
def test_caller(x):
    check(caller, x)


def test_caller_mixed_types():
    check(caller_mixed, 3)
    check(caller_mixed, 3.5)


def test_callee_compiled_through_caller_is_reused():
    caller(2)
    assert any(str(s) == "(int64,)" for s in square.signatures)
    assert square(7) == 49


@pytest.mark.parametrize("x", [0, 1, -3, 2.5])
def test_defaults_and_keywords(x):
    check(caller_defaults, x)


@pytest.mark.parametrize("x", [0, 1, 2, 5, 10])
def test_exception_propagates_from_callee(x):
    check(caller_raises, x)


def test_exception_message_from_callee():
    with pytest.raises(ValueError, match="^negative input$"):
        caller_raises(1)


@pytest.mark.parametrize("n", [0, 1, 2, 10, 20])
def test_fib(n):
    check(fib, n)


@pytest.mark.parametrize("n", [0.0, 1.0, 5.0, 10.5])
def test_fib_float(n):
    check(fib_float, n)


@pytest.mark.parametrize("m,n", [(0, 0), (1, 2), (2, 3), (3, 3)])
def test_ackermann(m, n):
    check(ackermann, m, n)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
@settings(max_examples=50, deadline=None)
def test_gcd(a, b):
    check(gcd, a, b)


def test_call_in_loop_and_tuples():
    check(loop_caller, 50)
    check(caller_tuple, (3, 4.5))


def test_wrong_argument_count_is_a_typing_error():
    @njit
    def bad(x):
        return square(x, x)
    with pytest.raises(TypingError, match="takes 1 argument but 2 were given"):
        bad(1)


def test_callee_typing_error_names_the_callee():
    @njit
    def broken(x):
        return x + (1, 2)

    @njit
    def uses_broken(x):
        return broken(x)
    with pytest.raises(TypingError, match="broken"):
        uses_broken(1)


def test_recursion_without_base_case_type_is_an_error():
    @njit
    def forever(n):
        return forever(n - 1)
    with pytest.raises(TypingError):
        forever(3)


def test_closure_over_jitted_function():
    def make():
        inner = njit(lambda x: x * 3)

        @njit
        def outer(x):
            return inner(x) + 1
        return outer
    check(make(), 5)
