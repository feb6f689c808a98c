"""NumPy ufunc-style functions in nopython mode (Types/UfuncTyping.swift,
Lowering/UfuncLowering.swift): np.add ... np.logaddexp, np.sign, np.clip, np.std/np.var
(ddof=), np.outer, the out= argument. Differential against NumPy over dtypes, shapes
(scalars, empty, 1-D, 2-D, broadcast, non-contiguous), NaN/inf/-0.0 and integer
overflow; element-wise ones fuse with the array operators and run on the pool under
parallel=True."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from swiftjit import TypingError, njit
from fusion_support import allocations, compiled

BINARY = ["add", "subtract", "multiply", "true_divide", "divide", "floor_divide", "power", "mod", "remainder",
          "fmod", "maximum", "minimum", "fmax", "fmin", "hypot", "arctan2", "copysign", "logaddexp",
          "logaddexp2", "nextafter", "greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
          "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "float_power"]
UNARY = ["sign", "reciprocal", "positive", "negative", "square", "rint", "exp2", "cbrt", "arcsinh", "arccosh",
         "arctanh", "deg2rad", "rad2deg", "degrees", "radians", "signbit", "logical_not", "invert", "bitwise_not"]
FLOAT_ONLY = {"hypot", "arctan2", "copysign", "logaddexp", "logaddexp2", "nextafter"}
BITWISE = {"bitwise_and", "bitwise_or", "bitwise_xor", "invert", "bitwise_not"}
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
DTYPES = ["bool"] + INTS + ["float32", "float64"]

_cache = {}


def jitted(name, nargs, parallel=False):
    """A compiled `lambda *args: np.<name>(*args)` (the function reads np.<name> as a global)."""
    key = (name, nargs, parallel)
    if key not in _cache:
        params = ", ".join(f"x{i}" for i in range(nargs))
        ns = {"np": np}
        exec(f"def f({params}):\n    return np.{name}({params})\n", ns)
        _cache[key] = (ns["f"], njit(parallel=parallel)(ns["f"]))
    return _cache[key][1]


def values(dtype, n, seed, shape=None):
    """Test values of `dtype` with the edge cases of the kind first (NaN, inf, -0.0, extremes)."""
    g = np.random.default_rng(seed)
    d = np.dtype(dtype)
    if d.kind == "b":
        v = g.random(n) > 0.5
    elif d.kind in "iu":
        info = np.iinfo(d)
        hi = min(int(info.max), 2 ** 63 - 1)
        v = g.integers(max(int(info.min), -100), min(hi, 100), n, endpoint=True).astype(d)
        edges = np.array([info.min, hi, 0, 1, info.min + 1 if info.min else 2, hi - 1], dtype=d)
        v[:min(n, len(edges))] = edges[:n]
    else:
        v = (g.standard_normal(n) * 3).astype(d)
        edges = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 0.5, -2.5], dtype=d)
        v[:min(n, len(edges))] = edges[:n]
    return v.reshape(shape) if shape else v


def expected_dtype(name, got, exp):
    """NumPy's result dtype, except float16 (not supported): Numba's float32 loop instead."""
    if exp == np.float16:
        return np.dtype(np.float32)
    return exp


def same_result(got, exp, name=""):
    exp_arr = np.asarray(exp)
    got_arr = np.asarray(got)
    assert got_arr.shape == exp_arr.shape, (name, got_arr.shape, exp_arr.shape)
    assert got_arr.dtype == expected_dtype(name, got_arr.dtype, exp_arr.dtype), (name, got_arr.dtype, exp_arr.dtype)
    if exp_arr.dtype.kind == "f" or got_arr.dtype.kind == "f":
        rtol = 2e-6 if got_arr.dtype == np.float32 else 1e-13
        np.testing.assert_allclose(got_arr.astype(np.float64), exp_arr.astype(np.float64), rtol=rtol, atol=0,
                                   equal_nan=True, err_msg=name)
    else:
        np.testing.assert_array_equal(got_arr, exp_arr, err_msg=name)


def numpy_result(name, *args):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = getattr(np, name)(*args)
        if getattr(r, "dtype", None) == np.float16:
            # No float16 in nopython mode: Numba's float32 loop.
            r = getattr(np, name)(*[x.astype(np.float32) if isinstance(x, np.ndarray) else x for x in args])
        return r


def applicable(name, *dtypes):
    kinds = {np.dtype(d).kind for d in dtypes}
    if name in BITWISE and "f" in kinds:
        return False
    if name in ("sign", "reciprocal", "positive", "negative", "subtract") and kinds == {"b"}:
        return False  # NumPy: TypeError for booleans
    if name in ("power", "fmod", "remainder", "mod", "floor_divide", "square") and kinds == {"b"}:
        return False  # NumPy computes these in int8
    return True


# ------------------------------------------------------------------ binary ufuncs over dtypes
PAIRS = [(d, d) for d in DTYPES] + [("int8", "uint8"), ("int32", "float32"), ("int64", "float64"),
                                    ("bool", "float64"), ("int16", "float32"), ("uint32", "int32"),
                                    ("float32", "float64"), ("uint8", "int64")]


@pytest.mark.parametrize("name", BINARY)
def test_binary_over_dtypes(name):
    j = jitted(name, 2)
    for da, db in PAIRS:
        if not applicable(name, da, db):
            continue
        a, b = values(da, 40, 1), values(db, 40, 2)
        if name == "power":
            if np.dtype(db).kind in "iu":
                b = np.abs(b.astype(np.int64) % 4).astype(db)  # NumPy raises for negative int powers
            if np.dtype(da).kind in "iu" and np.dtype(db).kind in "iu":
                a = (a.astype(np.int64) % 50).astype(da)
        with np.errstate(all="ignore"):
            same_result(j(a, b), numpy_result(name, a, b), f"{name}{da, db}")


@pytest.mark.parametrize("name", ["add", "maximum", "fmin", "true_divide", "floor_divide", "remainder", "hypot",
                                  "arctan2", "power", "copysign", "logaddexp", "greater", "logical_or"])
def test_binary_shapes(name):
    j = jitted(name, 2)
    g = np.random.default_rng(3)
    a2 = values("float64", 60, 4, (6, 10))
    cases = [
        (np.zeros(0), np.zeros(0)),
        (values("float64", 7, 5), values("float64", 7, 6)),
        (a2, values("float64", 60, 7, (6, 10))),
        (g.standard_normal((3, 1)), g.standard_normal(4)),           # broadcast to (3, 4)
        (a2[::2, ::3], a2[1::2, ::3]),                                # non-contiguous
        (a2.T, g.standard_normal(6)),                                  # Fortran order, broadcast
        (a2, 2.5), (1.5, a2), (values("int64", 9, 8), 3), (values("int32", 9, 9), 2.0),
        (np.zeros((2, 0)), np.ones(0)),
    ]
    for a, b in cases:
        if name == "power" and isinstance(b, int):
            b = abs(b)
        same_result(j(a, b), numpy_result(name, a, b), name)


def test_broadcast_mismatch_raises():
    j = jitted("maximum", 2)
    with pytest.raises(ValueError, match="broadcast"):
        j(np.ones(3), np.ones(4))


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "power",
                                  "maximum", "minimum", "fmax", "fmin", "hypot", "arctan2", "copysign", "logaddexp",
                                  "logaddexp2", "greater", "logical_and"])
def test_binary_scalars(name):
    j = jitted(name, 2)
    cases = [(1.5, -2.0), (3, 4), (-7, 2), (2.0, 3), (True, False), (0.0, -0.0), (math.nan, 1.0),
             (1.0, math.nan), (math.inf, -math.inf), (5, 0), (5.0, 0.0), (-0.0, 0.0)]
    for x, y in cases:
        if name == "power" and (y in (0, -0.0) and isinstance(y, int) or isinstance(y, int) and y < 0):
            continue
        if isinstance(x, bool) and (name == "subtract" or name in FLOAT_ONLY):
            continue  # NumPy: TypeError / a float16 result
        exp = numpy_result(name, x, y)
        got = j(x, y)
        assert isinstance(got, (bool, int, float)), (name, x, y, type(got))
        want = exp.item() if hasattr(exp, "item") else exp
        assert type(got) is type(want), (name, x, y, got, want)
        if isinstance(want, float) and math.isnan(want):
            assert math.isnan(got), (name, x, y, got)
        else:
            assert got == pytest.approx(want, rel=1e-13), (name, x, y, got, want)
            # fmax/fmin of 0.0 and -0.0: NumPy 2.2 gives -0.0 where 2.4 gives 0.0 (C's fmax leaves
            # the sign of equal zeros unspecified), so only the value is compared there.
            zeros = name in ("fmax", "fmin") and x == 0 and y == 0
            if isinstance(want, float) and want == 0 and not zeros:
                assert math.copysign(1, got) == math.copysign(1, want), (name, x, y, got, want)


def test_nan_handling_of_max_min():
    a = np.array([np.nan, 1.0, np.nan, -np.inf, 2.0, -0.0])
    b = np.array([1.0, np.nan, np.nan, np.nan, 3.0, 0.0])
    for name in ("maximum", "minimum", "fmax", "fmin"):
        got = jitted(name, 2)(a, b)
        same_result(got, getattr(np, name)(a, b), name)
    assert np.isnan(jitted("maximum", 2)(1.0, math.nan))
    assert jitted("fmax", 2)(1.0, math.nan) == 1.0
    assert jitted("fmin", 2)(math.nan, -3.0) == -3.0


def test_integer_overflow_wraps_as_numpy():
    for d in ("int8", "int16", "int32", "int64", "uint8", "uint32"):
        info = np.iinfo(d)
        a = np.array([info.max, info.min, info.max, 7], dtype=d)
        b = np.array([1, -1 if info.min else 1, info.max, 3], dtype=d)
        for name in ("add", "subtract", "multiply"):
            same_result(jitted(name, 2)(a, b), numpy_result(name, a, b), f"{name} {d}")


def test_integer_division_by_zero_as_array_operators():
    a = np.array([7, -7, 0, 5, np.iinfo(np.int64).min])
    z = np.array([0, 0, 0, -1, -1])
    for name in ("floor_divide", "remainder", "mod", "fmod"):
        same_result(jitted(name, 2)(a, z), numpy_result(name, a, z), name)
    # The same as the // and % operators on arrays.
    np.testing.assert_array_equal(jitted("floor_divide", 2)(a, z), njit(lambda x, y: x // y)(a, z))
    np.testing.assert_array_equal(jitted("remainder", 2)(a, z), njit(lambda x, y: x % y)(a, z))
    f = np.array([1.0, -1.0, 0.0, np.nan])
    for name in ("true_divide", "floor_divide", "remainder", "fmod"):
        same_result(jitted(name, 2)(f, np.zeros(4)), numpy_result(name, f, np.zeros(4)), name)


def test_shifts():
    for d in ("int8", "int32", "int64", "uint8", "uint16"):
        a = values(d, 40, 12)
        s = (np.arange(40) % 8).astype(d)
        for name in ("left_shift", "right_shift"):
            same_result(jitted(name, 2)(a, s), numpy_result(name, a, s), f"{name} {d}")
    assert jitted("left_shift", 2)(3, 4) == 48


def test_power_semantics():
    j = jitted("power", 2)
    # Floats: NumPy's NaN for a negative base to a fractional power, inf for 0 ** -1.
    a = np.array([-8.0, 0.0, 2.0, -2.0, np.nan, 1.0])
    b = np.array([1 / 3, -1.0, 0.5, 3.0, 0.0, np.nan])
    same_result(j(a, b), numpy_result("power", a, b))
    # Integers with a negative exponent: Numba's integer power (1, -1 or 0).
    got = j(np.array([1, -1, -1, 2, 5]), np.array([-3, -3, -2, -1, -2]))
    np.testing.assert_array_equal(got, [1, -1, 1, 0, 0])
    assert j(2, 10) == 1024 and type(j(2, 10)) is int
    assert j(2.0, -1) == 0.5


# ------------------------------------------------------------------ unary ufuncs
@pytest.mark.parametrize("name", UNARY)
def test_unary_over_dtypes(name):
    j = jitted(name, 1)
    for d in DTYPES:
        if not applicable(name, d):
            continue
        if name in ("sign", "reciprocal", "positive") and d == "bool":
            continue
        a = values(d, 30, 11)
        if name == "reciprocal" and np.dtype(d).kind in "iu":
            a = a[a != 0]  # NumPy: undefined for integer zero (swiftjit: 0)
        same_result(j(a), numpy_result(name, a), f"{name} {d}")
        same_result(j(a[::3]), numpy_result(name, a[::3]), f"{name} {d} strided")
    empty = np.zeros((0, 3), dtype=np.int64 if name in BITWISE else np.float64)
    same_result(j(empty), numpy_result(name, empty), name + " empty")


@pytest.mark.parametrize("name", ["sign", "reciprocal", "rint", "exp2", "cbrt", "arcsinh", "deg2rad", "signbit",
                                  "logical_not", "invert"])
def test_unary_scalars(name):
    j = jitted(name, 1)
    inputs = [3, -4, 0, True] if name == "invert" else [2.5, -0.0, 0.0, -3.5, math.inf, math.nan, 7, -2, 0.5, 1.5]
    for x in inputs:
        if name == "reciprocal" and x == 0 and isinstance(x, int):
            continue
        want = numpy_result(name, x)
        want = want.item() if hasattr(want, "item") else want
        got = j(x)
        assert type(got) is type(want), (name, x, got, want)
        if isinstance(want, float) and math.isnan(want):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(want, rel=1e-13), (name, x, got, want)


def test_unary_errors_name_the_cause():
    with pytest.raises(TypingError, match="np.sign"):
        jitted("sign", 1)(np.array([True, False]))
    with pytest.raises(TypingError, match="np.invert"):
        jitted("invert", 1)(np.ones(3))


# ------------------------------------------------------------------ clip
def test_clip_over_dtypes_and_bounds():
    def clip2(a, lo, hi):
        return np.clip(a, lo, hi)

    j = njit(clip2)
    for d in DTYPES:
        if d == "bool":
            continue
        a = values(d, 50, 21)
        lo, hi = (0.0, 1.0) if np.dtype(d).kind == "f" else (2, 60)
        same_result(j(a, lo, hi), np.clip(a, lo, hi), f"clip {d}")
    a = values("float64", 50, 22)
    same_result(j(a, -0.5, 0.5), np.clip(a, -0.5, 0.5))
    same_result(j(a, 1.0, -1.0), np.clip(a, 1.0, -1.0))                   # a_min > a_max: a_max
    same_result(j(values("int64", 20, 1), 0.5, 10.0), np.clip(values("int64", 20, 1), 0.5, 10.0))  # int -> float
    lo, hi = np.full(50, -1.0), np.linspace(0, 2, 50)
    same_result(j(a, lo, hi), np.clip(a, lo, hi))                           # array bounds
    m = values("float64", 12, 23).reshape(3, 4)
    same_result(j(m.T, np.zeros((4, 1)), 1.0), np.clip(m.T, np.zeros((4, 1)), 1.0))
    assert j(5.0, 0.0, 1.0) == 1.0 and math.isnan(j(math.nan, 0.0, 1.0))
    assert j(-3, 0, 10) == 0 and type(j(-3, 0, 10)) is int


def test_clip_none_bounds_keywords_and_method():
    a = values("float64", 30, 24)

    def lower(a):
        return np.clip(a, 0.0, None)

    def upper(a):
        return np.clip(a, a_min=None, a_max=0.25)

    def method(a):
        return a.clip(-1.0, 1.0)

    for f in (lower, upper, method):
        same_result(njit(f)(a), f(a), f.__name__)
    with pytest.raises(TypingError, match="np.clip"):
        njit(lambda a: np.clip(a))(a)


# ------------------------------------------------------------------ std / var
@pytest.mark.parametrize("name", ["std", "var"])
def test_std_var(name):
    def plain(a):
        return getattr(np, name)(a)

    src = f"def with_ddof(a, d):\n    return np.{name}(a, ddof=d)\ndef positional(a):\n    return np.{name}(a)\n" \
          f"def method(a):\n    return a.{name}()\n"
    ns = {"np": np}
    exec(src, ns)
    jd, jp, jm = njit(ns["with_ddof"]), njit(ns["positional"]), njit(ns["method"])
    for d in DTYPES:
        a = values(d, 40, 31)
        if np.dtype(d).kind == "f":
            a = a[np.isfinite(a)]
        for x in (a, a[::3], a[:12].reshape(3, 4).T):
            exp = numpy_result(name, x)
            assert jp(x) == pytest.approx(float(exp), rel=1e-5 if d == "float32" else 1e-12), (name, d)
            assert jm(x) == pytest.approx(float(exp), rel=1e-5 if d == "float32" else 1e-12), (name, d)
            for ddof in (0, 1, 2.5):
                exp = numpy_result(name, x.astype(np.float64), None, None, None, ddof)
                assert jd(x, ddof) == pytest.approx(float(exp), rel=1e-12), (name, d, ddof)
    # Edge cases: NaN propagates; empty and n - ddof <= 0 give nan / inf as NumPy.
    for x, ddof in ((np.array([1.0, np.nan]), 0), (np.zeros(0), 0), (np.array([3.0]), 1), (np.array([1.0, 2.0]), 2),
                    (np.array([1.0, 2.0]), 5)):
        got, exp = jd(x, ddof), float(numpy_result(name, x, None, None, None, ddof))
        assert (math.isnan(got) and math.isnan(exp)) or got == exp, (name, x, ddof, got, exp)
    with pytest.raises(TypingError, match=f"np.{name}"):
        jp(np.ones(3, dtype=np.complex128))


# ------------------------------------------------------------------ outer
def test_outer():
    j = njit(lambda a, b: np.outer(a, b))
    for da, db in [("float64", "float64"), ("int64", "int64"), ("int8", "uint8"), ("int32", "float32"),
                   ("bool", "bool"), ("float32", "float32")]:
        a, b = values(da, 7, 41), values(db, 5, 42)
        same_result(j(a, b), np.outer(a, b), f"outer {da} {db}")
    m = values("float64", 12, 43).reshape(3, 4)
    same_result(j(m, m[:, ::2]), np.outer(m, m[:, ::2]))           # n-d inputs are flattened (C order)
    same_result(j(m.T, np.zeros(0)), np.outer(m.T, np.zeros(0)))
    with pytest.raises(TypingError, match="np.outer"):
        j(np.ones(2), 3.0)


# ------------------------------------------------------------------ out=
def test_out_argument():
    def kw(a, b, o):
        return np.maximum(a, b, out=o)

    def pos(a, b, o):
        return np.add(a, b, o)

    def unary(a, o):
        return np.sign(a, out=o)

    def clip_out(a, o):
        return np.clip(a, 0.0, 1.0, out=o)

    g = np.random.default_rng(51)
    a, b = g.standard_normal(20), g.standard_normal(20)
    for f in (kw, pos):
        o, o2 = np.empty(20), np.empty(20)
        r = njit(f)(a, b, o)
        assert r is o or np.shares_memory(r, o)
        f(a, b, o2)
        np.testing.assert_array_equal(o, o2)
    o, o2 = np.empty(20), np.empty(20)
    njit(unary)(a, o)
    unary(a, o2)
    np.testing.assert_array_equal(o, o2)
    o, o2 = np.empty(20), np.empty(20)
    njit(clip_out)(a, o)
    clip_out(a, o2)
    np.testing.assert_array_equal(o, o2)
    # Broadcast into a bigger out, in-place aliasing, int result into a float out.
    o, o2 = np.empty((3, 20)), np.empty((3, 20))
    njit(kw)(a, b, o)
    kw(a, b, o2)
    np.testing.assert_array_equal(o, o2)
    x, y = a.copy(), a.copy()
    njit(pos)(x, x[::-1], x)
    pos(y, y[::-1], y)
    np.testing.assert_array_equal(x, y)
    o, o2 = np.empty(5), np.empty(5)
    njit(pos)(np.arange(5), np.arange(5), o)
    pos(np.arange(5), np.arange(5), o2)
    np.testing.assert_array_equal(o, o2)


def test_out_errors():
    def pos(a, b, o):
        return np.add(a, b, o)

    with pytest.raises(TypingError, match="same_kind"):
        njit(pos)(np.ones(3), np.ones(3), np.zeros(3, dtype=np.int64))
    with pytest.raises(TypingError, match="dimensions"):
        njit(pos)(np.ones((2, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="broadcast"):
        njit(pos)(np.ones(4), np.ones(4), np.zeros(3))


def test_wrong_arguments_name_the_function():
    with pytest.raises(TypingError, match="np.maximum"):
        njit(lambda a: np.maximum(a))(np.ones(3))
    with pytest.raises(TypingError, match="np.hypot"):
        njit(lambda a: np.hypot(a, a))(np.ones(3, dtype=np.complex128))


# ------------------------------------------------------------------ fusion and parallel
def max_scaled(a, b):
    return np.maximum(a, b) * 2.0


def clip_sum(a):
    return np.clip(a, 0.0, 1.0).sum()


def tree(a, b):
    return np.hypot(np.fmax(a, 0.0), b) + np.sign(a - b) * np.logaddexp(a, b)


def int_tree(a, b):
    return np.remainder(np.maximum(a, b), 7) - np.minimum(a * 3, b)


@pytest.mark.parametrize("n", [0, 1, 17, 8192, 100_003])
def test_fused_and_parallel(n):
    g = np.random.default_rng(n)
    a, b = g.standard_normal(n), g.standard_normal(n)
    if n > 2:
        a[:3] = [np.nan, -0.0, np.inf]
    ia, ib = g.integers(-100, 100, n), g.integers(-100, 100, n)
    for j in compiled(max_scaled):
        same_result(j(a, b), max_scaled(a, b))
        assert allocations(j) == 1
    for j in compiled(tree):
        same_result(j(a, b), numpy_result_f(tree, a, b))
        assert allocations(j) == 1
    for j in compiled(int_tree):
        same_result(j(ia, ib), int_tree(ia, ib))
        assert allocations(j) == 1
    c = np.abs(a)
    c = c[np.isfinite(c)]
    for j in compiled(clip_sum):
        assert j(c) == pytest.approx(clip_sum(c), rel=1e-12, abs=1e-12)
        assert allocations(j) == 0


def numpy_result_f(f, *args):
    with np.errstate(all="ignore"):
        return f(*args)


def test_fused_broadcast_2d():
    g = np.random.default_rng(61)
    a, col = g.standard_normal((50, 40)), g.standard_normal((50, 1))
    for j in compiled(tree):
        same_result(j(a, col), numpy_result_f(tree, a, col))
        same_result(j(a[::2, ::3], col[::2]), numpy_result_f(tree, a[::2, ::3], col[::2]))


def test_parallel_diagnostics_show_fused_ufuncs():
    j = njit(parallel=True)(max_scaled)
    j(np.ones(10), np.zeros(10))
    assert "fused array expression (2 operations)" in j.parallel_diagnostics()
    j = njit(parallel=True)(clip_sum)
    j(np.ones(10))
    assert "fused sum()" in j.parallel_diagnostics()
    # Unfused: a single ufunc runs on the pool as an array expression.
    j = njit(parallel=True)(lambda a, b: np.hypot(a, b))
    j(np.ones(10), np.ones(10))
    assert "np.hypot" in j.parallel_diagnostics()


# ------------------------------------------------------------------ hypothesis
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 30), elements=floats),
       st.sampled_from(["maximum", "minimum", "fmax", "fmin", "hypot", "arctan2", "copysign", "logaddexp",
                        "remainder", "floor_divide", "power", "nextafter", "fmod"]))
def test_hypothesis_binary(a, name):
    b = a[::-1].copy()
    same_result(jitted(name, 2)(a, b), numpy_result(name, a, b), name)
    if a.size:
        same_result(jitted(name, 2)(a, float(a[0])), numpy_result(name, a, float(a[0])), name)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.int64, st.integers(0, 30), elements=st.integers(-2 ** 63, 2 ** 63 - 1)),
       st.sampled_from(["add", "subtract", "multiply", "maximum", "minimum", "floor_divide", "remainder", "fmod",
                        "bitwise_xor", "greater"]))
def test_hypothesis_int64(a, name):
    b = a[::-1].copy()
    same_result(jitted(name, 2)(a, b), numpy_result(name, a, b), name)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 30), elements=floats), floats, floats)
def test_hypothesis_clip(a, lo, hi):
    f = jitted("clip", 3)
    same_result(f(a, lo, hi), np.clip(a, lo, hi), "clip")
