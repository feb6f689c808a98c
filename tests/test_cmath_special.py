"""cmath basics over a grid of special values (issue 4.2): every component drawn from
zeros of both signs, infinities, nan, tiny (subnormal) and huge finite values and a few
ordinary ones; the jitted result must be CPython's cmath result bit for bit (the sign of
zero included, nan matching nan), or the same exception with the same message.

Exact equality is asked where the result is a special value (zero, infinite, nan) or the
function is exact (abs, phase, polar's angle, sqrt); finite results of exp, log and rect
may differ from CPython by libm's last-bit rounding, so those are compared to 1e-15."""
import cmath
import math

import pytest

from swiftjit import njit
from lang_support import outcome

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, math.inf, -math.inf, math.nan,
           1e308, -1e308, 5e-324, -5e-324, 1e-310, 710.0, -710.0, math.pi]
GRID = [complex(x, y) for x in SPECIAL for y in SPECIAL]


def close(a, b, exact):
    if isinstance(a, tuple):
        return type(b) is tuple and len(a) == len(b) and all(close(x, y, exact) for x, y in zip(a, b))
    if isinstance(a, complex):
        return type(b) is complex and close(a.real, b.real, exact) and close(a.imag, b.imag, exact)
    if type(a) is not type(b):
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == 0 or b == 0 or math.isinf(a) or math.isinf(b) or exact:
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return math.isclose(a, b, rel_tol=1e-15)


@njit
def c_sqrt(z):
    return cmath.sqrt(z)


@njit
def c_exp(z):
    return cmath.exp(z)


@njit
def c_log(z):
    return cmath.log(z)


@njit
def c_phase(z):
    return cmath.phase(z)


@njit
def c_polar(z):
    return cmath.polar(z)


@njit
def c_abs(z):
    return abs(z)


@njit
def c_rect(r, phi):
    return cmath.rect(r, phi)


def run_grid(jitted, args_list, exact):
    bad = []
    for args in args_list:
        want, got = outcome(jitted.py_func, args), outcome(jitted, args)
        if want[0] == "value" and got[0] == "value":
            ok = close(want[1], got[1], exact)
        else:
            ok = want == got
        if not ok:
            bad.append(f"{jitted.__name__}{args}: Python {want}, swiftjit {got}")
    assert not bad, f"{len(bad)} of {len(args_list)} differ:\n" + "\n".join(bad[:40])


@pytest.mark.parametrize("jitted,exact", [(c_sqrt, True), (c_exp, False), (c_log, False),
                                          (c_phase, True), (c_polar, True), (c_abs, True)],
                         ids=["sqrt", "exp", "log", "phase", "polar", "abs"])
def test_special_value_grid(jitted, exact):
    run_grid(jitted, [(z,) for z in GRID], exact)


def test_rect_special_value_grid():
    run_grid(c_rect, [(r, phi) for r in SPECIAL for phi in SPECIAL], False)


@njit
def c_log_base(z, base):
    return cmath.log(z, base)


def test_log_with_base_grid():
    values = [0.0, -0.0, 1.0, -1.0, 2.5, math.inf, -math.inf, math.nan, 1e-310]
    zs = [complex(x, y) for x in values for y in values]
    bases = [complex(x, y) for x in values[:6] for y in (0.0, 1.0)] + [2.0 + 0j, 10.0 + 0j]
    run_grid(c_log_base, [(z, base) for z in zs[::3] for base in bases], False)


def test_real_arguments_take_the_complex_path():
    # A float argument is converted to complex first, as cmath does.
    run_grid(c_sqrt, [(x,) for x in SPECIAL], True)
    run_grid(c_exp, [(x,) for x in SPECIAL], False)
    run_grid(c_log, [(x,) for x in SPECIAL], False)
    run_grid(c_phase, [(x,) for x in SPECIAL], True)
