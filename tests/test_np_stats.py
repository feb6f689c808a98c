"""Differential tests of NumPy statistics in nopython mode (issue 11, point 5):
np.median, np.percentile, np.quantile (NumPy's default linear method) and
np.histogram (int bins, range), against NumPy over dtypes, layouts, NaN
(any NaN gives nan), empty arrays, even and odd sizes, and q arrays.
Integer interpolation is exact in float64 (NumPy's wraps around in narrow
integer dtypes for values far apart, see test_percentile_quantile).

swiftjit computes these in float64.  For float32 input NumPy computes the
median/percentile in float32 and bins histograms with float32 edges, so those
cases compare with a float32 tolerance (each use says so).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from swiftjit import njit
from swiftjit.errors import TypingError
from test_arrays import ALL, IDS, check


def samples(dtype):
    d = np.dtype(dtype)
    rng = np.random.default_rng(11)
    if d == np.bool_:
        return [np.array([True]), np.array([True, False, False, True, True])]
    if d.kind == "f":
        x = rng.standard_normal(101).astype(d)
        return [np.array([2.5], d), x, x[:100], x[::3], x[::-1], np.array([1.0, np.inf], d),
                np.array([-np.inf, np.inf], d), np.array([3.0, np.nan, 1.0], d), np.ones(6, d),
                np.array([0.0, -0.0], d)]
    info = np.iinfo(d)
    lo, hi = max(info.min, -1000), min(info.max, 1000)
    x = rng.integers(lo, hi, 77, dtype=d)
    return [np.array([7], d), x, x[:76], x[::2], np.full(4, hi, d), np.array([info.min, info.max], d)[: 2 if d.itemsize < 8 else 1]]


def tolerance(dtype):
    return dict(approx=True, rtol=1e-6) if np.dtype(dtype) == np.float32 else {}


# ---------------------------------------------------------------- median
@njit
def j_median(a):
    return np.median(a)


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_median(dtype):
    for a in samples(dtype):
        check(np.median, j_median, a, **tolerance(dtype))
    m = (np.arange(30) * 7 % 11).astype(dtype).reshape(5, 6)
    check(np.median, j_median, m, **tolerance(dtype))
    check(np.median, j_median, m.T, **tolerance(dtype))


def test_median_empty_is_nan():
    import math
    assert math.isnan(j_median(np.array([])))


def test_median_large():
    a = np.random.default_rng(3).random(1_000_001)
    check(np.median, j_median, a)
    check(np.median, j_median, a[:-1])


def test_large_contiguous_float64_shapes():
    # large contiguous float64 data takes the one-pass sampled selection (n >= 65536)
    rng = np.random.default_rng(8)
    n = 100_001
    cases = [rng.random(n), np.sort(rng.random(n)), np.sort(rng.random(n))[::-1].copy(),
             np.repeat(rng.random(n // 100 + 1), 100)[:n], rng.integers(0, 3, n).astype(float), np.full(n, -0.0),
             np.concatenate([np.full(n // 2, -np.inf), rng.random(n // 2 + 1)])]
    for a in cases:
        for x in (a, a[:-1]):
            check(np.median, j_median, x)
            for q in [0, 0.5, 25.0, 50, 99.999, 100]:
                check(np.percentile, j_percentile, x, q)
    b = rng.random(n)
    b[n - 7] = np.nan
    check(np.median, j_median, b)
    check(np.quantile, j_quantile, b, 0.3)


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 50), elements=st.floats(-1e6, 1e6) | st.sampled_from([0.0, -0.0, np.nan])))
def test_median_hypothesis(a):
    check(np.median, j_median, a)


# ---------------------------------------------------------------- percentile / quantile
@njit
def j_percentile(a, q):
    return np.percentile(a, q)


@njit
def j_quantile(a, q):
    return np.quantile(a, q)


@pytest.mark.parametrize("dtype", ALL[1:], ids=IDS)
def test_percentile_quantile(dtype):
    # NumPy interpolates integers with b - a in the array's dtype, which wraps around for
    # int8 [-128, 127] (with a RuntimeWarning); swiftjit (like Numba) computes in float64,
    # so the extreme-values sample is left out for integers.
    cases = samples(dtype) if np.dtype(dtype).kind == "f" else samples(dtype)[:-1]
    for a in cases:
        for q in [0, 0.0, 10, 25.0, 33.3, 50, 99.9, 100]:
            check(np.percentile, j_percentile, a, q, **tolerance(dtype))
            check(np.quantile, j_quantile, a, q / 100, **tolerance(dtype))
        qs = np.array([0.0, 12.5, 50.0, 75.0, 100.0, 3.0])
        check(np.percentile, j_percentile, a, qs, **tolerance(dtype))
        check(np.quantile, j_quantile, a, qs / 100, **tolerance(dtype))
        check(np.percentile, j_percentile, a, np.array([10, 90]), **tolerance(dtype))
        check(np.percentile, j_percentile, a, (25, 50.0, 75), **tolerance(dtype))
        check(np.quantile, j_quantile, a, (0.5,), **tolerance(dtype))
        check(np.percentile, j_percentile, a, [10, 50.5, 90], **tolerance(dtype))
        check(np.quantile, j_quantile, a, [0.0, 1.0], **tolerance(dtype))
        check(np.percentile, j_percentile, a, [0, 100], **tolerance(dtype))


def test_percentile_errors():
    a = np.arange(5.0)
    for q in [-1.0, 100.5, float("nan")]:
        check(np.percentile, j_percentile, a, q)
    for q in [-0.1, 1.5]:
        check(np.quantile, j_quantile, a, q)
    check(np.percentile, j_percentile, a, np.array([10.0, 101.0]))
    check(np.percentile, j_percentile, np.array([]), 50.0)
    check(np.percentile, j_percentile, a, [10, 101])  # a list q: the same ValueError
    check(np.quantile, j_quantile, a, [True, False])


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e6, 1e6) | st.just(np.nan)),
       st.floats(0, 100))
def test_percentile_hypothesis(a, q):
    check(np.percentile, j_percentile, a, q)
    check(np.quantile, j_quantile, a, q / 100)


# ---------------------------------------------------------------- histogram
@njit
def j_hist(a):
    return np.histogram(a)


@njit
def j_hist_bins(a, bins):
    return np.histogram(a, bins)


@njit
def j_hist_range(a, bins, lo, hi):
    return np.histogram(a, bins, (lo, hi))


def py_hist_range(a, bins, lo, hi):
    return np.histogram(a, bins, (lo, hi))


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint64, np.float64], ids=IDS)
def test_histogram(dtype):
    for a in samples(dtype):
        if np.dtype(dtype).kind == "f" and not np.isfinite(a).all():
            check(np.histogram, j_hist, a, message=False)  # ValueError: range not finite
            continue
        check(np.histogram, j_hist, a)
        for bins in [1, 3, 7, 50]:
            check(np.histogram, j_hist_bins, a, bins)
        check(py_hist_range, j_hist_range, a, 5, -1.0, 2.5)
        check(py_hist_range, j_hist_range, a, 4, 0, 100)


def test_histogram_edges_and_errors():
    a = np.array([0.0, 0.1, 0.2, 0.3, 0.7, 1.0, 1.0])
    for bins in [1, 3, 10, 13]:
        check(np.histogram, j_hist_bins, a, bins)
    check(np.histogram, j_hist, np.array([]))
    check(np.histogram, j_hist, np.full(5, 3.0))
    check(np.histogram, j_hist_bins, a, 0)
    check(py_hist_range, j_hist_range, a, 3, 2.0, 1.0)
    check(py_hist_range, j_hist_range, a, 3, 0.0, float("inf"), message=False)


def test_histogram_float32_edges():
    a = np.random.default_rng(4).standard_normal(1000).astype(np.float32)
    counts, edges = j_hist_bins(a, 20)
    ecounts, eedges = np.histogram(a, 20)
    assert counts.sum() == 1000 and edges.dtype == np.float64
    np.testing.assert_allclose(edges, eedges, rtol=1e-6, atol=1e-6)  # NumPy keeps float32 edges
    assert np.abs(counts - ecounts).sum() <= 2  # values on a float32/float64 edge may move bins


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 60), elements=st.floats(-1e3, 1e3)), st.integers(1, 12))
def test_histogram_hypothesis(a, bins):
    check(np.histogram, j_hist_bins, a, bins)


def test_typing_errors():
    @njit
    def complex_median(a):
        return np.median(a)

    with pytest.raises(TypingError, match="complex"):
        complex_median(np.array([1j]))

    @njit
    def hist_array_bins(a):
        return np.histogram(a, a)

    with pytest.raises(TypingError, match="booleans"):  # NumPy: TypeError (boolean subtract)
        j_percentile(np.array([True, False]), 50.0)

    with pytest.raises(TypingError, match="bins must be an int"):
        hist_array_bins(np.arange(3.0))
