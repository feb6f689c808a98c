"""Mutual recursion in nopython mode: a cycle of calls between jitted functions
compiles when one of them has an explicit signature with a return type (it is
called through that signature while it is being compiled); without one, a
TypingError says to give one. Differential against plain Python."""
import pytest

import swiftjit
from swiftjit import njit
from jitcheck import check


# ---- plain Python references
def py_is_odd(n):
    return False if n == 0 else py_is_even(n - 1)


def py_is_even(n):
    return True if n == 0 else py_is_odd(n - 1)


def py_hof_f(n):
    return 1 if n == 0 else n - py_hof_m(py_hof_f(n - 1))


def py_hof_m(n):
    return 0 if n == 0 else n - py_hof_f(py_hof_m(n - 1))


def py_ping(x, k):
    if k <= 0:
        return x
    return py_pong(x * 0.5 + 1.0, k - 1)


def py_pong(x, k):
    if k <= 0:
        return -x
    return py_ping(x - 0.25, k - 1) + 1.0


# ---- jitted: the function without signature first, the one with a signature after it
@njit
def is_odd(n):
    return False if n == 0 else is_even(n - 1)


@njit("boolean(int64)")
def is_even(n):
    return True if n == 0 else is_odd(n - 1)


@njit
def hof_m(n):
    return 0 if n == 0 else n - hof_f(hof_m(n - 1))


@njit("int64(int64)")
def hof_f(n):
    return 1 if n == 0 else n - hof_m(hof_f(n - 1))


@njit
def pong(x, k):
    if k <= 0:
        return -x
    return ping(x - 0.25, k - 1) + 1.0


@njit("float64(float64, int64)")
def ping(x, k):
    if k <= 0:
        return x
    return pong(x * 0.5 + 1.0, k - 1)


@pytest.mark.parametrize("n", list(range(0, 40)) + [101, 500])
def test_even_odd(n):
    check(py_is_even, is_even, n)
    check(py_is_odd, is_odd, n)


@pytest.mark.parametrize("n", range(0, 25))
def test_hofstadter(n):
    check(py_hof_f, hof_f, n)
    check(py_hof_m, hof_m, n)


@pytest.mark.parametrize("x", [0.0, -0.0, 1.5, -3.25, 1e300, float("inf"), float("nan")])
@pytest.mark.parametrize("k", [0, 1, 2, 7, 30])
def test_float_cycle(x, k):
    check(py_ping, ping, x, k)
    check(py_pong, pong, x, k)


def test_both_compiled_once():
    assert is_even.signatures == [(swiftjit.types.int64,)]
    assert is_odd.signatures == [(swiftjit.types.int64,)]


def test_deep_cycle_raises_recursion_error():
    with pytest.raises(RecursionError):
        is_even(10 ** 8)


@njit
def cyc_a(n):
    return 0 if n <= 0 else cyc_b(n - 1) + 1


@njit
def cyc_b(n):
    return 0 if n <= 0 else cyc_a(n - 2) + 2


def test_cycle_without_signature_is_a_typing_error():
    with pytest.raises(swiftjit.errors.TypingError, match="give one of the functions in the cycle an explicit signature"):
        cyc_a(5)


def test_signature_without_return_type_is_a_typing_error():
    src = '''
import swiftjit
from swiftjit import njit, types
@njit
def q(n):
    return 0 if n <= 0 else p(n - 1)
@njit((types.int64,))
def p(n):
    return 1 if n <= 0 else q(n - 1)
'''
    ns = {}
    with pytest.raises(swiftjit.errors.TypingError, match="has no return type; declare one"):
        exec(compile(src, "<mutual>", "exec"), ns)
