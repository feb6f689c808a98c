"""Complex arrays (complex64, complex128): differential against NumPy."""
import numpy as np
import pytest

from swiftjit import njit
from swiftjit.errors import TypingError


def arith(a, b):
    return a * b + 1, a - b, a / (b + 3), -a


def reductions(a):
    return a.sum(), a.prod(), a.mean(), np.sum(a)


def scale_into(a, out):
    for i in range(len(a)):
        out[i] = a[i] * 2j + a[i].real
    return out


def compare(a, b):
    return a == b, a != b


def element_sum(a):
    s = 0j
    for x in a:
        s += x * x.conjugate()
    return s


def values(dtype):
    return np.array([1 + 2j, -3.5 + 0.25j, 0j, 2 - 1j], dtype=dtype)


def close(expected, got, dtype):
    rtol = 1e-6 if dtype == np.complex64 else 1e-13
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for e, g in zip(expected, got):
            close(e, g, dtype)
        return
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray)
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
        np.testing.assert_allclose(got, expected, rtol=rtol)
    else:
        # Scalars come back as Python complex/bool (NumPy gives numpy scalars).
        assert complex(got) == pytest.approx(complex(expected), rel=rtol)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("func", [arith, compare], ids=lambda f: f.__name__)
def test_binary(dtype, func):
    a, b = values(dtype), values(dtype)[::-1].copy()
    close(func(a, b), njit(func)(a, b), dtype)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_reductions(dtype):
    a = values(dtype)
    close(reductions(a), njit(reductions)(a), dtype)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_store_and_iterate(dtype):
    a = values(dtype)
    close(scale_into(a, np.zeros_like(a)), njit(scale_into)(a, np.zeros_like(a)), dtype)
    close(element_sum(a), njit(element_sum)(a), dtype)


def test_mixed_with_float_arrays():
    a, b = values(np.complex64), np.array([0.5, 2.0, -1.0, 4.0])
    expected = a * b
    got = njit(lambda x, y: x * y)(a, b)
    assert got.dtype == expected.dtype == np.complex128
    np.testing.assert_allclose(got, expected)


def test_min_of_complex_is_a_typing_error():
    with pytest.raises(TypingError, match="complex"):
        njit(lambda a: a.min())(values(np.complex128))
