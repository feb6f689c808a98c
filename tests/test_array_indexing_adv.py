"""Differential tests of advanced indexing with one array index (Numba's subset), against NumPy.

a[mask] (boolean array of the array's shape: a 1-d copy in C order), a[idx] with a 1-d
integer array (negative indices wrap, out of range raises IndexError), m[idx] selecting
rows, m[i, idx], m[idx, 1:], m[:, idx], 3-d mixes (NumPy's placement of the selected axis),
a 1-d boolean array on one axis, and the same indices as assignment targets
(a[mask] = scalar/array, a[idx] = ..., a[mask] += v).  Dtypes, layouts, empty arrays,
hypothesis for masks and index arrays, and a flat-memory check.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jitcheck import check_memory_flat
from swiftjit import njit
from swiftjit.errors import TypingError
from test_arrays import ALL, IDS, INTS, check, check_mutating, data, layouts_1d, layouts_2d

DTYPES = ALL + [np.complex128]


def arr(dtype, shape):
    if np.dtype(dtype).kind == "c":
        return data(np.float64, shape) + 1j * data(np.float64, shape, start=3)
    return data(dtype, shape)


# ---------------------------------------------------------------- a[mask]
def mask_get(a, m):
    return a[m]


def mask_positive(a):
    return a[a > 1]


j_mask_get, j_mask_positive = njit(mask_get), njit(mask_positive)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_mask_1d_dtypes(dtype):
    a = arr(dtype, (9,))
    m = np.arange(9) % 3 != 1
    check(mask_get, j_mask_get, a, m)
    check(mask_get, j_mask_get, a, np.zeros(9, bool))
    check(mask_get, j_mask_get, a, np.ones(9, bool))
    if np.dtype(dtype).kind != "c":
        check(mask_positive, j_mask_positive, a)


@pytest.mark.parametrize("layout", list(layouts_1d(np.float64)))
def test_mask_1d_layouts(layout):
    a = layouts_1d(np.float64)[layout]
    for m in [a > 0, (a > 0)[::-1].copy(), np.repeat(a > 0, 2)[::2]]:
        check(mask_get, j_mask_get, a, m)


@pytest.mark.parametrize("layout", list(layouts_2d(np.int32)))
@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.bool_], ids=IDS)
def test_mask_2d_layouts(layout, dtype):
    a = layouts_2d(dtype)[layout]
    m = data(np.float64, a.shape) > 0
    check(mask_get, j_mask_get, a, m)
    check(mask_get, j_mask_get, a, np.asfortranarray(m))


def test_mask_3d_and_empty():
    a = data(np.float64, (3, 4, 5))
    check(mask_get, j_mask_get, a, a > 0)
    e = np.zeros((0, 4))
    check(mask_get, j_mask_get, e, e > 0)
    check(mask_get, j_mask_get, np.zeros(0), np.zeros(0, bool))


def test_mask_nan():
    a = np.array([1.0, np.nan, -2.0, np.inf, np.nan])
    check(mask_get, j_mask_get, a, a == a)
    check(mask_get, j_mask_get, a, np.isnan(a))


def test_mask_shape_mismatch_raises_indexerror():
    check(mask_get, j_mask_get, np.arange(5.0), np.ones(4, bool), message=False)
    check(mask_get, j_mask_get, np.ones((3, 4)), np.ones((4, 3), bool), message=False)


def test_mask_result_is_a_copy():
    @njit
    def f(a):
        b = a[a > 0]
        b[0] = 100.0
        return a
    a = np.array([1.0, -1.0, 2.0])
    assert np.array_equal(f(a.copy()), a)


# ---------------------------------------------------------------- a[idx]
def idx_get(a, i):
    return a[i]


j_idx_get = njit(idx_get)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_int_index_1d_dtypes(dtype):
    a = arr(dtype, (7,))
    for idx in [np.array([0, 3, -1, -7, 3, 6]), np.array([], np.int64), np.array([5])]:
        check(idx_get, j_idx_get, a, idx)


@pytest.mark.parametrize("itype", INTS, ids=IDS)
def test_index_array_dtypes(itype):
    a = data(np.float64, (10,))
    idx = np.array([0, 9, 4, 4, 1], dtype=itype)
    check(idx_get, j_idx_get, a, idx)
    check(idx_get, j_idx_get, a, idx[::-2])


@pytest.mark.parametrize("layout", list(layouts_1d(np.int64)))
def test_int_index_1d_layouts(layout):
    a = layouts_1d(np.int64)[layout]
    check(idx_get, j_idx_get, a, np.array([8, 0, -2, 3]))


def test_int_index_out_of_range_raises_indexerror():
    a = np.arange(5.0)
    for bad in [np.array([0, 5]), np.array([-6]), np.array([2, 100, 1])]:
        check(idx_get, j_idx_get, a, bad)
    check(idx_get, j_idx_get, np.zeros(0), np.array([0]))
    check(idx_get, j_idx_get, np.ones((3, 2)), np.array([3]))


@pytest.mark.parametrize("layout", list(layouts_2d(np.float64)))
def test_int_index_rows_2d(layout):
    a = layouts_2d(np.float64)[layout]
    check(idx_get, j_idx_get, a, np.array([3, 0, -1, 1, 1]))
    check(idx_get, j_idx_get, a, np.array([], np.int64))


def rows_mask(a, m):
    return a[m]


def test_bool_vector_selects_rows():
    a = data(np.int64, (4, 3))
    check(idx_get, j_idx_get, a, np.array([True, False, True, True]))
    check(idx_get, j_idx_get, a, np.array([True, False]), message=False)  # wrong length: IndexError


def mixed(a, i, idx):
    return a[i, idx], a[idx, 1:], a[:, idx], a[idx, i], a[::-1, idx]


j_mixed = njit(mixed)


@pytest.mark.parametrize("layout", list(layouts_2d(np.float64)))
def test_mixed_2d(layout):
    a = layouts_2d(np.float64)[layout]
    check(mixed, j_mixed, a, 2, np.array([4, 0, -1]))
    check(mixed, j_mixed, a, -1, np.array([1, 1]))


def mixed3(a, idx):
    return a[1:, idx, 0], a[idx, :, 0], a[0, :, idx], a[:, 1, idx], a[idx], a[1, idx], a[:, idx]


j_mixed3 = njit(mixed3)


def test_mixed_3d_placement():
    a = data(np.int64, (3, 4, 5))
    check(mixed3, j_mixed3, a, np.array([0, 2, -1]))
    check(mixed3, j_mixed3, np.asfortranarray(a), np.array([1]))


# ---------------------------------------------------------------- assignment
def set_mask_scalar(a, m, v):
    a[m] = v
    return a


def set_mask_array(a, v):
    a[a > 1] = v
    return a


def add_mask(a, v):
    a[a > 1] += v
    return a


def set_idx(a, idx, v):
    a[idx] = v
    return a


j_set_mask_scalar, j_set_mask_array, j_add_mask, j_set_idx = (
    njit(set_mask_scalar), njit(set_mask_array), njit(add_mask), njit(set_idx))


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_set_mask_scalar(dtype):
    for v in [0, 7, 2.5, True]:
        check_mutating(set_mask_scalar, j_set_mask_scalar, lambda: (data(dtype, (3, 4)), data(np.int64, (3, 4)) > 5, v))


@pytest.mark.parametrize("layout", list(layouts_2d(np.float64)))
def test_set_mask_layouts(layout):
    def make():
        a = layouts_2d(np.float64)[layout]
        big = np.zeros((a.shape[0] * 2, a.shape[1] * 2))
        view = big[::2, ::2] if layout != "C" else a.copy()
        view[...] = a
        return (view, view > 0, -9.0)
    check_mutating(set_mask_scalar, j_set_mask_scalar, make)


def test_set_mask_array_and_broadcast():
    check_mutating(set_mask_array, j_set_mask_array, lambda: (np.array([0.0, 5.0, 3.0, 1.0]), np.array([10.0, 20.0])))
    check_mutating(set_mask_array, j_set_mask_array, lambda: (np.array([0.0, 5.0, 3.0, 1.0]), np.array([7.0])))
    # Wrong count: a ValueError, as NumPy's.
    with pytest.raises(ValueError):
        j_set_mask_array(np.array([0.0, 5.0, 3.0, 1.0]), np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint16, np.float32, np.float64], ids=IDS)
def test_augmented_mask(dtype):
    check_mutating(add_mask, j_add_mask, lambda: (data(dtype, (12,)), 3))


def test_set_idx():
    check_mutating(set_idx, j_set_idx, lambda: (np.arange(6.0), np.array([0, -1, 2]), 9.0))
    check_mutating(set_idx, j_set_idx, lambda: (np.arange(6.0), np.array([0, -1, 2]), np.array([1.0, 2.0, 3.0])))
    check_mutating(set_idx, j_set_idx, lambda: (np.arange(6), np.array([1, 1, 1]), np.array([4, 5, 6])))  # last wins
    check_mutating(set_idx, j_set_idx, lambda: (np.arange(6.0), np.array([6]), 1.0))  # IndexError
    check_mutating(set_idx, j_set_idx, lambda: (np.zeros((3, 2)), np.array([2, 0]), np.array([1.0, 2.0])))  # rows, broadcast
    check_mutating(set_idx, j_set_idx, lambda: (np.zeros((3, 2)), np.array([2, 0]), np.ones((2, 2))))
    with pytest.raises(ValueError):
        j_set_idx(np.zeros((3, 2)), np.array([2, 0]), np.ones((3, 2)))


def test_set_from_overlapping_source():
    @njit
    def f(a):
        a[np.array([0, 1, 2])] = a[::-1][:3]
        return a
    x = np.arange(5.0)
    y = x.copy()
    y[np.array([0, 1, 2])] = y[::-1][:3]
    assert np.array_equal(f(x), y)


# ---------------------------------------------------------------- hypothesis
@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(0, 30), elements=st.floats(allow_nan=True, width=64)), st.data())
def test_hypothesis_masks(a, draw):
    m = draw.draw(hnp.arrays(np.bool_, a.shape))
    check(mask_get, j_mask_get, a, m)
    check_mutating(set_mask_scalar, j_set_mask_scalar, lambda: (a.copy(), m, 1.5))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 20), st.data())
def test_hypothesis_index_arrays(n, draw):
    a = np.arange(n, dtype=np.int64) * 3 - 7
    idx = draw.draw(hnp.arrays(np.int64, st.integers(0, 25), elements=st.integers(-n - 2, n + 1)))
    check(idx_get, j_idx_get, a, idx)
    check_mutating(set_idx, j_set_idx, lambda: (a.copy(), idx, -1))


# ---------------------------------------------------------------- errors and memory
def test_two_array_indices_are_a_typing_error():
    @njit
    def f(a, i, j):
        return a[i, j]
    with pytest.raises(TypingError, match="only one array index"):
        f(np.ones((3, 3)), np.array([0, 1]), np.array([1, 2]))


def test_float_index_array_is_a_typing_error():
    @njit
    def f(a, i):
        return a[i]
    with pytest.raises(TypingError, match="integer or boolean"):
        f(np.ones(3), np.array([0.0]))


def test_memory_flat():
    check_memory_flat("""
import numpy as np
@njit
def f(a, idx):
    b = a[a > 0.5]
    c = a[idx]
    a[idx] = c * 2.0
    return b.sum() + c.sum()
a = np.random.rand(5000)
idx = np.arange(0, 5000, 3)
for _ in range(50):
    f(a, idx)
before = rss_mb()
for _ in range(3000):
    f(a, idx)
grown = rss_mb() - before
""")
