"""Exceptions in nopython mode: classes defined in Python, propagation from
jitted callees, ZeroDivisionError and OverflowError where Python raises them."""
import pytest

from swiftjit import njit
from lang_support import check


class MyError(Exception):
    pass


class MyValueError(ValueError):
    pass


@njit
def raise_custom(x):
    if x > 10:
        raise MyError("x is too big")
    if x < 0:
        raise MyValueError("x is negative")
    if x == 5:
        raise MyError
    if x == 6:
        raise MyError()
    return x * 2


@njit
def propagate(x):
    return raise_custom(x) + raise_custom(x - 1)


@njit
def deep(x):
    return propagate(x) * 2


@njit
def divide(a, b):
    return a / b, a // b, a % b


@njit
def to_int(x):
    return int(x)


@njit
def complex_div(a, b):
    return a / b


@pytest.mark.parametrize("x", [-1, 0, 3, 5, 6, 11, 100])
def test_custom_exceptions(x):
    check(raise_custom, x)


@pytest.mark.parametrize("x", [-1, 0, 1, 5, 6, 7, 11])
def test_propagation(x):
    check(propagate, x)
    check(deep, x)


def test_custom_exception_is_catchable_by_base_class():
    with pytest.raises(ValueError, match="negative"):
        raise_custom(-3)
    with pytest.raises(MyError) as info:
        deep(20)
    assert type(info.value) is MyError


@pytest.mark.parametrize("a,b", [(1, 0), (1.0, 0.0), (0, 0), (-5, 0.0), (True, False), (7, 2)])
def test_zero_division(a, b):
    check(divide, a, b)


@pytest.mark.parametrize("x", [float("inf"), -float("inf"), float("nan"), 1e10, -2.5])
def test_int_of_float(x):
    check(to_int, x)


def test_complex_zero_division():
    check(complex_div, 1j, 0j)
    check(complex_div, 1j, 0)


def test_exception_class_defined_in_a_function():
    class LocalError(Exception):
        pass

    @njit
    def f(x):
        if x:
            raise LocalError("local")
        return 1
    with pytest.raises(LocalError, match="^local$"):
        f(True)
    assert f(False) == 1
