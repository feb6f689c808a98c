"""Differential-testing helpers of the foundation tests (test_scalars, test_control_flow, ...).

End-to-end tests are differential: a plain Python function is compiled with
``njit`` and both are called with the same arguments.  The outcomes must be
identical: same value *and* same type (int / float / bool / None / tuple),
floats bitwise equal (``-0.0`` is not ``0.0``) or both nan, and exceptions of
the same type with the same message.
"""
import math
import os
import subprocess
import sys
import textwrap

from hypothesis import strategies as st

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1


# ---------------------------------------------------------------- comparison
def same(a, b):
    """True when ``a`` and ``b`` are the same value of the very same type."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


class Raised:
    """The outcome of a call that raised."""

    __slots__ = ("type", "message")

    def __init__(self, exc):
        self.type = type(exc)
        self.message = str(exc)

    def __eq__(self, other):
        return isinstance(other, Raised) and (self.type, self.message) == (other.type, other.message)

    def __repr__(self):
        return f"raise {self.type.__name__}({self.message!r})"


def outcome(func, *args, **kwargs):
    """The value returned by ``func(*args, **kwargs)``, or a ``Raised``."""
    try:
        return func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any exception is an outcome
        return Raised(exc)


def same_outcome(a, b):
    if isinstance(a, Raised) or isinstance(b, Raised):
        return a == b
    return same(a, b)


def show(value):
    if isinstance(value, Raised):
        return repr(value)
    return f"{value!r} ({type(value).__name__})"


def check(pyfunc, jitfunc, *args, **kwargs):
    """Asserts the jitted function behaves exactly as the Python function."""
    expected = outcome(pyfunc, *args, **kwargs)
    got = outcome(jitfunc, *args, **kwargs)
    assert same_outcome(expected, got), (
        f"{pyfunc.__name__}{args!r}{kwargs or ''}: python -> {show(expected)}, "
        f"swiftjit -> {show(got)}")
    return expected


def mismatch(pyfunc, jitfunc, *args, **kwargs):
    """None when both functions behave the same on the arguments, else a description."""
    expected = outcome(pyfunc, *args, **kwargs)
    got = outcome(jitfunc, *args, **kwargs)
    if same_outcome(expected, got):
        return None
    return (f"{pyfunc.__name__}{args!r}{kwargs or ''}: python -> {show(expected)}, "
            f"swiftjit -> {show(got)}")


def check_all(cases):
    """Runs every (pyfunc, jitfunc, args) case and asserts that none differs (lists all that do)."""
    problems = [m for m in (mismatch(p, j, *a) for p, j, a in cases) if m]
    assert not problems, f"{len(problems)} of {len(cases)} cases differ:\n" + "\n".join(problems[:40])


def fits_int64(value):
    """False when ``value`` (or an int inside a tuple) does not fit in int64."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return True
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, tuple):
        return all(fits_int64(v) for v in value)
    return True


def wrap64(value):
    """``value`` reduced to int64 two's complement (the documented wraparound)."""
    return ((value - INT64_MIN) % 2 ** 64) + INT64_MIN


# ---------------------------------------------------------------- strategies
EDGE_INTS = [0, 1, -1, 2, -2, 3, -3, 7, -7, 10, 255, -256, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 1,
             2 ** 62, -(2 ** 62), 2 ** 62 - 1, -(2 ** 62) + 1, 2 ** 62 + 1, -(2 ** 62) - 1]
EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.0, 1e-308, 5e-324, -5e-324,
               1e308, -1e308, 1.7976931348623157e308, math.inf, -math.inf, math.nan, math.pi,
               2.0 ** 53, 2.0 ** 62, -(2.0 ** 62), 0.1, 1e16, 123456.789]


def ints(lo=-(2 ** 62), hi=2 ** 62):
    """int64 values in [lo, hi], biased towards edge cases."""
    edges = [v for v in EDGE_INTS if lo <= v <= hi]
    return st.one_of(st.sampled_from(edges), st.integers(lo, hi), st.integers(-1000, 1000).filter(
        lambda v: lo <= v <= hi))


def floats(allow_special=True):
    edges = EDGE_FLOATS if allow_special else [f for f in EDGE_FLOATS if math.isfinite(f)]
    return st.one_of(st.sampled_from(edges),
                     st.floats(allow_nan=allow_special, allow_infinity=allow_special),
                     st.floats(-1e6, 1e6))


bools = st.booleans()

SCALAR_KINDS = {
    "int": ints,
    "float": floats,
    "bool": lambda: bools,
}


def scalars(kind):
    return SCALAR_KINDS[kind]()


# ---------------------------------------------------------------- subprocess
def run_python(code, timeout=30, env=None):
    """Runs ``code`` in a fresh interpreter; returns CompletedProcess or None on timeout."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    try:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, env=full_env)
    except subprocess.TimeoutExpired:
        return None



def unified_type(*values):
    """The type nopython mode gives a value that may come from any of ``values``
    (documented: bool < int64 < float64 unify to the widest, as in Numba)."""
    kinds = {type(v) for v in values if v is not None}
    if float in kinds:
        return float
    if int in kinds:
        return int
    return bool if kinds else type(None)


def check_unified(pyfunc, jitfunc, *args, candidates):
    """Same value as Python; the type is the unification of ``candidates``."""
    expected = outcome(pyfunc, *args)
    got = outcome(jitfunc, *args)
    if isinstance(expected, Raised) or isinstance(got, Raised):
        assert same_outcome(expected, got), f"python -> {expected!r}, swiftjit -> {got!r}"
        return
    if expected is None:
        assert got is None, f"python -> None, swiftjit -> {got!r}"
        return
    want = unified_type(*candidates)
    assert type(got) is want, f"python -> {expected!r}, swiftjit -> {got!r}: expected a {want.__name__}"
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected, f"python -> {expected!r}, swiftjit -> {got!r}"


RSS_PRELUDE = """\
import resource
from swiftjit import njit

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

"""


def check_memory_flat(body, limit_mb=20, timeout=600):
    """Runs ``body`` in a fresh interpreter with ``njit`` and ``rss_mb()`` defined; the
    body sets ``grown`` (MB); asserts it finished and that ``grown`` stays below the limit."""
    code = RSS_PRELUDE + textwrap.dedent(body) + "\nprint('grown', grown)\n"
    r = run_python(code, timeout=timeout)
    assert r is not None, "timed out"
    assert r.returncode == 0, r.stdout + r.stderr
    grown = float(r.stdout.strip().splitlines()[-1].split()[1])
    assert grown < limit_mb, f"memory grew by {grown:.1f} MB"
