"""Differential tests (against NumPy) of a.astype, reductions along an axis and more numpy
functions in nopython mode: np.ravel, np.flip/flipud/fliplr, np.count_nonzero, np.trace,
np.eye/identity, np.diag, np.triu/tril, np.round/around, np.vstack/hstack/column_stack,
np.deg2rad/rad2deg, np.nansum/nanmean/nanmin/nanmax, np.isclose/allclose, np.repeat,
np.tile, np.roll.  Dtypes, layouts (C, F, strided, reversed), empty arrays, NaN."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jitcheck import check_memory_flat
from swiftjit import njit
from swiftjit.errors import TypingError
from test_arrays import ALL, IDS, INTS, check, data, layouts_1d, layouts_2d

COMPLEX = [np.complex64, np.complex128]


def carr(dtype, shape):
    return (data(np.float64, shape) + 1j * data(np.float64, shape, start=3)).astype(dtype)


# ---------------------------------------------------------------- astype
TARGETS = ["bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
           "complex64", "complex128"]


def source_function(src):
    """A plain Python function compiled from ``src`` (one function named f)."""
    ns = {"np": np}
    exec(src, ns)  # noqa: S102 - test functions generated per name
    return ns["f"]


def make_astype(name):
    return source_function(f"def f(a):\n    return a.astype(np.{name})\n")


ASTYPE = {n: (make_astype(n), njit(make_astype(n))) for n in TARGETS}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("source", ALL + COMPLEX, ids=IDS)
def test_astype_all_pairs(source, target):
    py, jf = ASTYPE[target]
    if np.dtype(source).kind == "c":
        if np.dtype(target).kind != "c" and np.dtype(target) != np.bool_:
            pytest.skip("complex -> real: NumPy warns and takes the real part (checked below)")
        a = carr(source, (3, 4))
    elif np.dtype(source).kind == "f" and np.dtype(target).kind in "iu":
        # In range of every integer target (out-of-range float -> int is undefined in NumPy).
        a = (np.arange(12) * 0.75).astype(source).reshape(3, 4)
    elif np.dtype(source).kind == "i" and np.dtype(target).kind == "u":
        a = data(source, (3, 4)) % 20  # negatives wrap in NumPy as in C: checked separately
    else:
        a = data(source, (3, 4))
    check(py, jf, a)
    check(py, jf, a[::-1, ::2])
    check(py, jf, np.asfortranarray(a))
    check(py, jf, a[:0])


def test_astype_float_truncates_and_int_wraps():
    py, jf = ASTYPE["int64"]
    check(py, jf, np.array([1.9, -1.9, 0.5, -0.5, 1e10, -0.0]))
    py, jf = ASTYPE["int8"]
    check(py, jf, np.array([127, 128, 255, -129, 300], dtype=np.int64))
    py, jf = ASTYPE["uint8"]
    check(py, jf, np.array([-1, 256, 257], dtype=np.int64))
    py, jf = ASTYPE["bool_"]
    check(py, jf, np.array([0.0, -0.0, np.nan, 0.1, np.inf]))
    py, jf = ASTYPE["float32"]
    check(py, jf, np.array([2**64 - 1, 2**63, 5], dtype=np.uint64))


def test_astype_complex_to_real_takes_real_part():
    @njit
    def f(a):
        return a.astype(np.float64)
    z = np.array([1.5 + 2j, -3 - 1j])
    assert np.array_equal(f(z), z.real)


def test_astype_nan_to_int_does_not_crash():
    py, jf = ASTYPE["int64"]
    out = jf(np.array([np.nan, np.inf, -np.inf]))
    assert out.dtype == np.int64 and out.shape == (3,)


def test_astype_spellings():
    @njit
    def f(a):
        return a.astype("f8"), a.astype("int32"), a.astype(float), a.astype(np.bool_), a.astype(dtype="u1")
    def g(a):
        return a.astype("f8"), a.astype("int32"), a.astype(float), a.astype(np.bool_), a.astype(dtype="u1")
    check(g, f, np.array([0, 1, 2, 300]))


def test_astype_bad_dtype_is_a_typing_error():
    @njit
    def f(a):
        return a.astype("not-a-dtype")
    with pytest.raises(TypingError, match="astype"):
        f(np.ones(2))


# ---------------------------------------------------------------- axis reductions
REDUCTIONS = ["sum", "prod", "mean", "min", "max", "argmin", "argmax", "any", "all"]


def make_method(name):
    return source_function(f"def f(a, k):\n    return a.{name}(axis=k)\n")


def make_function(name):
    return source_function(f"def f(a, k):\n    return np.{name}(a, k)\n")


METHODS = {n: (make_method(n), njit(make_method(n))) for n in REDUCTIONS}
FUNCTIONS = {n: (make_function(n), njit(make_function(n))) for n in REDUCTIONS}


def approx_for(name, dtype):
    return name in ("sum", "mean", "prod") and np.dtype(dtype).kind in "fc"


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dtype", ALL + [np.complex128], ids=IDS)
def test_axis_reduction_2d_dtypes(name, dtype):
    if np.dtype(dtype).kind == "c" and name in ("min", "max", "argmin", "argmax"):
        pytest.skip("not defined for complex in nopython mode")
    a = carr(dtype, (4, 5)) if np.dtype(dtype).kind == "c" else data(dtype, (4, 5))
    if name == "prod" and np.dtype(dtype).kind in "iu":
        a = (a % 3).astype(dtype)
    py, jf = METHODS[name]
    for k in [0, 1, -1, -2]:
        check(py, jf, a, k, approx=approx_for(name, dtype), rtol=1e-5)
    py, jf = FUNCTIONS[name]
    check(py, jf, a, 1, approx=approx_for(name, dtype), rtol=1e-5)


@pytest.mark.parametrize("layout", list(layouts_2d(np.float64)))
@pytest.mark.parametrize("name", REDUCTIONS)
def test_axis_reduction_layouts(layout, name):
    a = layouts_2d(np.float64)[layout]
    py, jf = METHODS[name]
    for k in [0, 1]:
        check(py, jf, a, k, approx=approx_for(name, np.float64))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_axis_reduction_3d(name):
    a = data(np.float64, (3, 4, 5))
    py, jf = METHODS[name]
    for src in [a, np.asfortranarray(a), a[::-1, 1:, ::2]]:
        for k in [0, 1, 2, -1, -3]:
            check(py, jf, src, k, approx=approx_for(name, np.float64))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_axis_reduction_nan_empty_and_bad_axis(name):
    py, jf = METHODS[name]
    a = np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, -1.0]])
    check(py, jf, a, 0, approx=True)
    check(py, jf, a, 1, approx=True)
    # Zero-length axes: identity for sum/prod/any/all, NaN for mean, ValueError for min/max/argmin/argmax.
    for shape, k in [((0, 3), 0), ((0, 3), 1), ((3, 0), 0), ((3, 0), 1), ((0, 0), 0), ((0, 0), 1)]:
        check(py, jf, np.zeros(shape), k, message=False)
    with pytest.raises(ValueError):
        jf(np.ones((2, 2)), 2)
    with pytest.raises(ValueError):
        jf(np.ones((2, 2)), -3)


def test_axis_on_1d_gives_a_scalar():
    py, jf = METHODS["sum"]
    check(py, jf, np.arange(5.0), 0)
    check(py, jf, np.arange(5), -1)
    py, jf = METHODS["max"]
    check(py, jf, np.arange(5.0), 0)


def test_axis_keyword_and_positional_forms():
    def f(a):
        return a.sum(0), np.sum(a, axis=1), a.mean(axis=-1), np.max(a, 0), np.amin(a, axis=1), a.argmax(1), np.all(a, 0)
    check(f, njit(f), data(np.float64, (3, 4)))


def test_uint_sums_wrap_as_numpy():
    py, jf = METHODS["sum"]
    check(py, jf, np.full((2, 3), 2**63 + 5, dtype=np.uint64), 0)
    check(py, jf, np.full((2, 3), 200, dtype=np.uint8), 1)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=3, min_side=0, max_side=5),
                  elements=st.floats(-1e6, 1e6)), st.data())
def test_hypothesis_axis_sums(a, draw):
    k = draw.draw(st.integers(-a.ndim, a.ndim - 1))
    for name in ["sum", "mean", "max", "argmin"]:
        py, jf = METHODS[name]
        check(py, jf, a, k, approx=True, rtol=1e-9, message=False)


# ---------------------------------------------------------------- functions
def views(a):
    return np.flip(a), np.flipud(a), np.ravel(a)


def views_2d(a):
    return np.flip(a), np.flipud(a), np.fliplr(a), np.flip(a, 0), np.flip(a, -1), np.ravel(a)


@pytest.mark.parametrize("layout", list(layouts_1d(np.int16)))
def test_flip_ravel_1d(layout):
    check(views, njit(views), layouts_1d(np.int16)[layout])
    check(views, njit(views), np.zeros(0))


@pytest.mark.parametrize("layout", list(layouts_2d(np.float32)))
def test_flip_ravel_2d(layout):
    check(views_2d, njit(views_2d), layouts_2d(np.float32)[layout])
    check(views_2d, njit(views_2d), np.zeros((0, 3)))


def test_flip_is_a_view():
    @njit
    def f(a):
        v = np.flip(a)
        v[0] = 99.0
        return a
    assert f(np.arange(3.0))[2] == 99.0


def counts(a):
    return np.count_nonzero(a), np.trace(a)


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_count_nonzero_trace(dtype):
    a = (data(dtype, (4, 5)) * (np.arange(20).reshape(4, 5) % 3 != 0)).astype(dtype)
    check(counts, njit(counts), a)
    check(counts, njit(counts), a.T)
    check(counts, njit(counts), np.zeros((0, 2), dtype))


def test_count_nonzero_trace_complex():
    z = carr(np.complex128, (3, 3))
    z[0, 0] = 0
    assert njit(counts)(z) == counts(z)


def eyes(n, m, k):
    return np.eye(n), np.eye(n, m), np.eye(n, m, k), np.eye(n, k=k, dtype=np.int32), np.identity(n), np.identity(n, np.bool_)


def test_eye_identity():
    for n, m, k in [(3, 3, 0), (3, 5, 1), (4, 2, -1), (0, 3, 0), (3, 3, 5), (3, 3, -5)]:
        check(eyes, njit(eyes), n, m, k)
    check(eyes, njit(eyes), -1, 2, 0, message=False)


def diags(a, k):
    return np.diag(a), np.diag(a, k), np.diag(a, -k)


@pytest.mark.parametrize("k", [0, 1, 2, 7])
def test_diag(k):
    check(diags, njit(diags), np.arange(1.0, 5.0), k)
    for layout, a in layouts_2d(np.int64).items():
        check(diags, njit(diags), a, k)


def tri(a, k):
    return np.triu(a), np.tril(a), np.triu(a, k), np.tril(a, k)


@pytest.mark.parametrize("k", [0, 1, -2, 9])
def test_triu_tril(k):
    for layout, a in layouts_2d(np.float64).items():
        check(tri, njit(tri), a, k)
    check(tri, njit(tri), np.ones((0, 3), np.int8), k)


def rounds(a, d):
    return np.round(a), np.round(a, d), np.around(a, decimals=d)


@pytest.mark.parametrize("d", [0, 1, 2, -1, -2])
def test_round_half_even(d):
    a = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.375, 1.005, 123.456, -7.25, np.nan, np.inf, -0.0, 15.0, 25.0, 150.0])
    check(rounds, njit(rounds), a, d)
    check(rounds, njit(rounds), a[::-2], d)
    check(rounds, njit(rounds), np.array([15, 25, -35, 149, 150, 251]), d)
    check(rounds, njit(rounds), a.astype(np.float32), d, approx=True, rtol=1e-6)
    for x in [2.5, 3.5, -1.25, 1234.5678, 7, -15]:
        check(rounds, njit(rounds), x, d)


def stacks(a, b):
    return np.vstack((a, b)), np.hstack((a, b)), np.column_stack((a, b))


def test_vstack_hstack_column_stack():
    check(stacks, njit(stacks), np.arange(3.0), np.arange(3.0, 6.0))
    check(stacks, njit(stacks), np.arange(6).reshape(2, 3), np.arange(6, 12).reshape(2, 3)[:, ::-1])
    check(stacks, njit(stacks), np.arange(3), np.arange(3.0))
    check(stacks, njit(stacks), np.arange(3.0), np.arange(4.0), message=False)


def angles(a):
    return np.deg2rad(a), np.rad2deg(a)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.uint16], ids=IDS)
def test_deg2rad_rad2deg(dtype):
    a = data(dtype, (3, 4))
    # np.deg2rad/rad2deg are the ufunc functions of UfuncTyping.swift (fused nodes); float32 results:
    # NumPy multiplies in float32, swiftjit in float64 rounded once (1 ulp apart at most).
    approx = dtype in (np.float32, np.uint16)
    check(angles, njit(angles), a, approx=approx, rtol=1e-6)
    check(angles, njit(angles), np.asfortranarray(a), approx=approx, rtol=1e-6)
    check(angles, njit(angles), 90.0)
    check(angles, njit(angles), 3)


def nans(a):
    return np.nansum(a), np.nanmean(a), np.nanmin(a), np.nanmax(a)


def test_nan_reductions():
    for a in [np.array([1.0, np.nan, -3.0, 2.0]), np.array([[np.nan, 4.0], [5.0, np.nan]]).T,
              np.array([np.nan, np.nan]), np.array([np.inf, np.nan, -np.inf]), np.arange(6.0)[::-2],
              np.arange(5), np.array([3, -1, 2], np.int8), np.array([1.0, np.nan], np.float32)]:
        check(nans, njit(nans), a, approx=True)
    check(nans, njit(nans), np.zeros(0), message=False)


def closes(a, b):
    return np.isclose(a, b), np.allclose(a, b), np.isclose(a, b, 0.1, 0.5), np.isclose(a, b, equal_nan=True), \
        np.allclose(a, b, rtol=0.0, atol=1.0, equal_nan=True)


def test_isclose_allclose():
    a = np.array([1.0, 1.0 + 1e-9, np.nan, np.inf, -np.inf, 1e-10, 100.0, 0.0])
    b = np.array([1.0, 1.0, np.nan, np.inf, np.inf, 0.0, 100.2, -0.0])
    check(closes, njit(closes), a, b)
    check(closes, njit(closes), a.reshape(2, 4), b[:4])
    check(closes, njit(closes), a, 1.0)
    check(closes, njit(closes), 1.0, 1.0 + 1e-6)
    check(closes, njit(closes), np.arange(4), np.arange(4.0)[::-1])


def reps(a, n):
    return np.repeat(a, n), np.roll(a, n), np.roll(a, -n)


def test_repeat_roll():
    for n in [0, 1, 3, 11, -13]:
        check(reps, njit(reps), np.arange(5.0), n, message=False)
        check(reps, njit(reps), np.arange(12).reshape(3, 4)[:, ::-1], n, message=False)
    check(reps, njit(reps), np.zeros(0), 2)


def tiles(a, n):
    return np.tile(a, n)


def test_tile():
    for n in [0, 1, 3]:
        check(tiles, njit(tiles), np.arange(4) % 3 == 0, n)
        check(tiles, njit(tiles), np.arange(6.0)[::-2], n)


def test_memory_flat():
    check_memory_flat("""
import numpy as np
@njit
def f(a):
    return (a.astype(np.float32).sum() + a.sum(axis=0).sum() + np.flip(a).sum() + np.triu(a).sum()
            + np.round(a, 2).sum() + np.vstack((a, a)).sum() + np.repeat(a, 2).sum() + np.roll(a, 3).sum())
a = np.random.rand(100, 50)
for _ in range(50):
    f(a)
before = rss_mb()
for _ in range(2000):
    f(a)
grown = rss_mb() - before
""")


def where_args(a):
    return np.argwhere(a)


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.float64], ids=IDS)
def test_argwhere(dtype):
    a = (data(np.int64, (3, 4)) % 3 == 0).astype(dtype)
    check(where_args, njit(where_args), a)
    check(where_args, njit(where_args), np.asfortranarray(a))
    check(where_args, njit(where_args), a[0])
    check(where_args, njit(where_args), np.zeros((0, 2), dtype))
    check(where_args, njit(where_args), np.array([np.nan, 0.0, -0.0, 1.0]))


def bins(x, w, m):
    return np.bincount(x), np.bincount(x, w), np.bincount(x, minlength=m), np.bincount(x, weights=w, minlength=m)


@pytest.mark.parametrize("itype", [np.int64, np.uint8, np.int32], ids=IDS)
def test_bincount(itype):
    x = np.array([0, 3, 3, 1, 7, 0], dtype=itype)
    w = np.linspace(0.5, 3.0, 6)
    for m in [0, 3, 12]:
        check(bins, njit(bins), x, w, m)
        check(bins, njit(bins), x[::-1], w[::-1], m)
    check(bins, njit(bins), np.array([1, -1]), np.ones(2), 0, message=False)
    check(bins, njit(bins), np.array([1, 2]), np.ones(3), 0, message=False)
    check(bins, njit(bins), np.array([1, 2]), np.ones(3), 0, message=False)


def test_bincount_empty_with_weights_is_float():
    # NumPy returns int64 zeros for an empty x even with weights (a value-dependent dtype);
    # compiled code keeps the static float64 of weighted counts: same values.
    got = njit(bins)(np.zeros(0, np.int64), np.ones(0), 2)
    expected = bins(np.zeros(0, np.int64), np.ones(0), 2)
    for g, e in zip(got, expected):
        assert np.array_equal(g, e)
    assert got[1].dtype == np.float64 and got[0].dtype == np.int64


def averages(a, w):
    return np.average(a), np.average(a, weights=w), np.average(a, None)


def test_average():
    a = data(np.float64, (3, 4))
    check(averages, njit(averages), a, np.arange(12.0).reshape(3, 4), approx=True)
    check(averages, njit(averages), a.T, np.ones((4, 3)), approx=True)
    check(averages, njit(averages), np.arange(5), np.array([1, 0, 2, 0, 1]), approx=True)
    check(averages, njit(averages), np.arange(3.0), np.array([1.0, -1.0, 0.0]), message=False)  # ZeroDivisionError


def interps(x, xp, fp):
    return np.interp(x, xp, fp)


def test_interp():
    xp = np.array([0.0, 1.0, 2.5, 4.0])
    fp = np.array([1.0, -2.0, 5.0, 0.5])
    xs = np.array([-1.0, 0.0, 0.3, 1.0, 2.0, 2.5, 3.9, 4.0, 7.0, np.nan, np.inf, -np.inf])
    check(interps, njit(interps), xs, xp, fp)
    check(interps, njit(interps), xs.reshape(3, 4)[:, ::-1], xp, fp)
    check(interps, njit(interps), xs[::-3], xp[::-1][::-1], fp)
    for x in [0.3, -5.0, 2.5, 10.0, 3]:
        check(interps, njit(interps), x, xp, fp)
    check(interps, njit(interps), np.arange(5), np.arange(0, 10, 2), np.arange(5) ** 2)
    check(interps, njit(interps), 1.0, np.zeros(0), np.zeros(0), message=False)
    check(interps, njit(interps), 1.0, xp, fp[:3], message=False)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(-100, 100), unique=True),
       hnp.arrays(np.float64, st.integers(0, 12), elements=st.floats(-150, 150)))
def test_hypothesis_interp(xp, x):
    xp = np.sort(xp)
    fp = np.cos(xp) * 10
    check(interps, njit(interps), x, xp, fp, approx=True, rtol=1e-9)


def parts(a):
    return np.real(a), np.imag(a), np.conj(a), np.conjugate(a)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.float64, np.float32, np.int64, np.bool_], ids=IDS)
def test_real_imag_conj_arrays(dtype):
    a = carr(dtype, (3, 4)) if np.dtype(dtype).kind == "c" else data(dtype, (3, 4))
    for x in [a, a[::-1, ::2], np.asfortranarray(a), a[:0]]:
        check(parts, njit(parts), x)


def test_real_imag_are_views_of_complex_arrays():
    @njit
    def f(z):
        r = np.real(z)
        i = np.imag(z)
        r[0] = 10.0
        i[1] = -5.0
        return z
    z = np.array([1 + 2j, 3 - 4j])
    assert np.array_equal(f(z), np.array([10 + 2j, 3 - 5j]))


def test_real_imag_conj_scalars():
    jf = njit(parts)
    for x in [1.5 + 2j, -3j, 2.5, 7]:
        got, expected = jf(x), parts(x)
        assert [complex(g) for g in got] == [complex(e) for e in expected]
        assert type(got[0]) is type(expected[0]) or isinstance(got[0], float)
