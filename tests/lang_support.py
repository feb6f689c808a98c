"""Differential checks for the language tests: a jitted function must give the
same value, of the same type, as the plain Python function (or raise the same
exception with the same message)."""
import cmath
import math


def same(a, b, approx=False):
    """True when a and b are equal values of the same type (recursively for tuples)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y, approx) for x, y in zip(a, b))
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if approx:
            return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, complex):
        return same(a.real, b.real, approx) and same(a.imag, b.imag, approx)
    return a == b


def outcome(f, args):
    try:
        return ("value", f(*args))
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return ("raise", type(e), str(e))


def check(jitted, *args, approx=False):
    """Calls the jitted function and its Python original with args and compares."""
    expected = outcome(jitted.py_func, args)
    got = outcome(jitted, args)
    if expected[0] == "value" and got[0] == "value":
        assert same(expected[1], got[1], approx), f"{jitted.__name__}{args}: expected {expected[1]!r}, got {got[1]!r}"
    else:
        assert expected == got, f"{jitted.__name__}{args}: expected {expected}, got {got}"
    return got


__all__ = ["same", "check", "cmath"]
