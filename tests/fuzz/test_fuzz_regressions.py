"""Minimal reproducers of swiftjit bugs found by the differential fuzzer (issue 9).

Each test asserts Python's behaviour (xfail(strict=True) while the bug is open).
"""
import pytest

import swiftjit


def test_int_float_comparison_is_exact():
    """Fuzz seed 1000403: int64 vs float64 comparisons used to convert the int to float
    (inexact above 2**53); they now compare exactly, as CPython does."""
    def f(p0, y):
        return p0 >= y

    def g(x, y):
        return x == y

    assert swiftjit.njit(f)(2 ** 63 - 1, 2.0 ** 63) == f(2 ** 63 - 1, 2.0 ** 63)  # False
    assert swiftjit.njit(g)(2 ** 53 + 1, 2.0 ** 53) == g(2 ** 53 + 1, 2.0 ** 53)  # False
