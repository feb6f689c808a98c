"""complex128 in nopython mode: arithmetic, abs, attributes, comparisons,
complex(), cmath functions, boxing and unboxing."""
import cmath

import pytest
from hypothesis import given, settings, strategies as st

from swiftjit import njit
from lang_support import check

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e150, max_value=1e150)
complexes = st.builds(complex, finite, finite)


@njit
def identity(z):
    return z


@njit
def arith(a, b):
    return a + b, a - b, a * b, -a, +b


@njit
def div(a, b):
    return a / b


@njit
def power(a, b):
    return a ** b


@njit
def mixed(z, x, n):
    return z + x, x * z, z - n, n / z, z * True, z == x, z != n


@njit
def parts(z):
    return z.real, z.imag, z.conjugate(), abs(z), z == z.conjugate(), bool(z), not z


@njit
def construct(x, y):
    return complex(x, y), complex(x), complex(), complex(complex(x, y), y)


@njit
def cm(z):
    return cmath.sqrt(z), cmath.exp(z), cmath.phase(z), cmath.polar(z)


@njit
def cm_log(z):
    return cmath.log(z)


@njit
def rect(r, phi):
    return cmath.rect(r, phi)


@njit
def literal():
    z = 1 + 2j
    return z * 3j, z


@njit
def accumulate(n):
    z = 0j
    for k in range(n):
        z = z * (0.5 + 0.25j) + k
    return z


@njit
def in_tuple(t):
    a, b = t
    return (a * b, b), len(t)


@given(complexes)
@settings(max_examples=50, deadline=None)
def test_roundtrip(z):
    check(identity, z)


@given(complexes, complexes)
@settings(max_examples=100, deadline=None)
def test_arith(a, b):
    check(arith, a, b)


@given(complexes, complexes)
@settings(max_examples=100, deadline=None)
def test_div(a, b):
    check(div, a, b)


@pytest.mark.parametrize("a,b", [(1 + 1j, 0j), (0j, 0j), (1 + 1j, 1e-300j), (3 + 4j, 2 - 1j)])
def test_div_edges(a, b):
    check(div, a, b)


@pytest.mark.parametrize("a,b", [
    (1 + 2j, 2 + 0j), (1 + 2j, -3 + 0j), (1 + 2j, 0.5 + 0j), (1 + 2j, 1 + 1j), (0j, -1 + 0j), (0j, 1j), (0j, 0j),
    (0j, 2 + 0j), (1e200 + 1e200j, 3 + 0j), (2 + 0j, 101 + 0j), (-1 + 0j, 0.5 + 0j), (1j, 100 + 0j),
])
def test_pow(a, b):
    check(power, a, b)


@given(complexes, finite, st.integers(-1000, 1000))
@settings(max_examples=60, deadline=None)
def test_mixed(z, x, n):
    check(mixed, z, x, n)


@given(complexes)
@settings(max_examples=60, deadline=None)
def test_parts(z):
    check(parts, z)


@pytest.mark.parametrize("z", [0j, 1e308 + 1e308j, complex(0.0, -0.0), 3 + 4j])
def test_parts_edges(z):
    check(parts, z)


@given(finite, finite)
@settings(max_examples=40, deadline=None)
def test_construct(x, y):
    check(construct, x, y)
    check(construct, int(x) % 1000, True)


@given(complexes)
@settings(max_examples=100, deadline=None)
def test_cmath(z):
    check(cm, z)
    if z != 0:
        check(cm_log, z)


@pytest.mark.parametrize("z", [1 + 0j, -1 + 0j, 1j, -1j, 1e-310 + 1e-310j, 0.9 + 0.3j, 1e300 + 1e300j, 4 + 0j, -4 + 0j])
def test_cmath_edges(z):
    check(cm, z)
    check(cm_log, z)


def test_cmath_errors():
    check(cm_log, 0j)
    check(cm, 800 + 1j)


@given(finite, st.floats(min_value=-10, max_value=10))
@settings(max_examples=50, deadline=None)
def test_rect(r, phi):
    check(rect, r, phi)


def test_literals_and_loops():
    check(literal)
    check(accumulate, 10)
    check(accumulate, 0)
    check(in_tuple, (1 + 2j, 3j))


def test_complex_ordering_is_a_typing_error():
    from swiftjit.errors import TypingError

    @njit
    def bad(a, b):
        return a < b
    with pytest.raises(TypingError, match="complex numbers cannot be ordered"):
        bad(1j, 2j)
