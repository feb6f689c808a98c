"""Differential tests of NumPy arrays in nopython mode.

Every test runs the same function plainly (NumPy) and under ``njit`` and
compares the outcomes with ``assert_same``:

* arrays: same dtype, same shape, same values (``assert_array_equal``, which
  treats nan == nan); ``approx=True`` switches to ``assert_allclose`` and every
  such use says why float rounding may legitimately differ;
* scalars: NumPy returns NumPy scalars, swiftjit (like Numba) plain Python
  ones, so the *kind* must match (np.integer -> int, np.floating -> float,
  np.bool_ -> bool) and the value must be equal (floats: bitwise, or both nan);
* exceptions: same type (and, where swiftjit promises it, the same message).

Inputs are covered across dtypes (bool, int8..uint64, float32, float64),
layouts (C, F, strided, reversed, non-contiguous 2-D views, transposes), empty
arrays and 0-length axes, and NaN in reductions.  Mutating functions get fresh
copies of their arguments on each side, and the mutated arguments are compared
too.

Each jitted function is created once at module level so that its compiled
specializations are shared between the parametrized cases (compiling is the
bulk of this file's run time).
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from swiftjit import njit

# ------------------------------------------------------------------ support
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
FLOATS = [np.float32, np.float64]
NUMERIC = INTS + FLOATS
ALL = [np.bool_] + NUMERIC
IDS = lambda d: np.dtype(d).name  # noqa: E731


class Raised:
    def __init__(self, exc):
        self.type, self.message = type(exc), str(exc)

    def __repr__(self):
        return f"raise {self.type.__name__}({self.message!r})"


def outcome(func, *args):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NumPy's RuntimeWarnings (mean of empty, 0/0, ...)
            with np.errstate(all="ignore"):
                return func(*args)
    except Exception as exc:  # noqa: BLE001 - an exception is an outcome
        return Raised(exc)


def scalar_kind(x):
    if isinstance(x, (bool, np.bool_)):
        return bool
    if isinstance(x, (int, np.integer)):
        return int
    if isinstance(x, (float, np.floating)):
        return float
    return type(x)


def assert_same(expected, got, approx=False, rtol=1e-12, message=True, path="result", zero_sign=True):
    if isinstance(expected, Raised) or isinstance(got, Raised):
        assert isinstance(expected, Raised) and isinstance(got, Raised), \
            f"{path}: python -> {expected!r}, swiftjit -> {got!r}"
        assert got.type is expected.type, f"{path}: python -> {expected!r}, swiftjit -> {got!r}"
        if message:
            assert got.message == expected.message, f"{path}: python -> {expected!r}, swiftjit -> {got!r}"
        return
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), \
            f"{path}: python -> {expected!r}, swiftjit -> {got!r}"
        for i, (e, g) in enumerate(zip(expected, got)):
            assert_same(e, g, approx, rtol, message, f"{path}[{i}]", zero_sign)
        return
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray), f"{path}: swiftjit returned {type(got).__name__}, not an array"
        assert got.dtype == expected.dtype, f"{path}: dtype {got.dtype}, NumPy gives {expected.dtype}"
        assert got.shape == expected.shape, f"{path}: shape {got.shape}, NumPy gives {expected.shape}"
        if approx:
            np.testing.assert_allclose(got, expected, rtol=rtol, err_msg=path)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=path, strict=True)
        return
    assert scalar_kind(got) is scalar_kind(expected) and not isinstance(got, np.generic), \
        f"{path}: python -> {expected!r}, swiftjit -> {got!r} ({type(got).__name__})"
    if scalar_kind(expected) is float:
        e, g = float(expected), float(got)
        if math.isnan(e):
            assert math.isnan(g), f"{path}: python -> nan, swiftjit -> {g!r}"
        elif approx:
            assert g == pytest.approx(e, rel=rtol), f"{path}: python -> {e!r}, swiftjit -> {g!r}"
        else:
            assert g == e and (not zero_sign or math.copysign(1, g) == math.copysign(1, e)), \
                f"{path}: python -> {e!r}, swiftjit -> {g!r}"
    else:
        assert got == expected, f"{path}: python -> {expected!r}, swiftjit -> {got!r}"


def check(pyfunc, jitfunc, *args, approx=False, rtol=1e-12, message=True, zero_sign=True):
    """Calls both on the same (not mutated) arguments and compares."""
    expected = outcome(pyfunc, *args)
    got = outcome(jitfunc, *args)
    assert_same(expected, got, approx, rtol, message, zero_sign=zero_sign)
    return got


def check_mutating(pyfunc, jitfunc, make_args, approx=False):
    """Calls both on fresh arguments from ``make_args()``; compares results and the arguments."""
    py_args, jit_args = make_args(), make_args()
    expected = outcome(pyfunc, *py_args)
    got = outcome(jitfunc, *jit_args)
    assert_same(expected, got, approx)
    for i, (e, g) in enumerate(zip(py_args, jit_args)):
        if isinstance(e, np.ndarray):
            assert_same(e, g, approx, path=f"argument {i} after the call")
    return got


def data(dtype, shape, start=1):
    """Deterministic, dtype-appropriate, non-zero test data of the given shape."""
    n = int(np.prod(shape))
    if np.dtype(dtype) == np.bool_:
        return (np.arange(n) % 3 != 1).reshape(shape)
    if np.dtype(dtype).kind == "f":
        return ((np.arange(n) * 7 % 11 - 5) * 0.75 + 0.25 * start).astype(dtype).reshape(shape)
    vals = np.arange(n) * 7 % 23 + start
    if np.dtype(dtype).kind == "i":
        vals = vals - 11  # negatives, but never 0 when start=1 (for divisors see nonzero())
    return vals.astype(dtype).reshape(shape)


def nonzero(a):
    """``a`` with zeros replaced by ones (for divisors)."""
    a = a.copy()
    a[a == 0] = 1
    return a


def layouts_2d(dtype):
    """A dict of 2-D arrays with the same values in different memory layouts."""
    c = data(dtype, (4, 5))
    big = np.zeros((8, 10), dtype)
    big[::2, 1::2] = c
    rev = np.ascontiguousarray(c[::-1, ::-1])[::-1, ::-1]
    return {
        "C": c,
        "F": np.asfortranarray(c),
        "strided": big[::2, 1::2],
        "reversed": rev,
        "transposed": np.ascontiguousarray(c.T).T,
        "rows": np.repeat(c, 2, axis=0)[::2],
    }


def layouts_1d(dtype):
    c = data(dtype, (9,))
    big = np.zeros((9, 3), dtype)
    big[:, 1] = c
    return {
        "C": c,
        "strided": np.repeat(c, 2)[::2],
        "reversed": np.ascontiguousarray(c[::-1])[::-1],
        "column": big[:, 1],
    }


LAYOUTS_2D = list(layouts_2d(np.float64))
LAYOUTS_1D = list(layouts_1d(np.float64))


def test_layout_fixtures_are_what_they_say():
    l2 = layouts_2d(np.float64)
    assert l2["C"].flags.c_contiguous and l2["F"].flags.f_contiguous and not l2["F"].flags.c_contiguous
    for name in ("strided", "reversed", "rows"):
        assert not l2[name].flags.c_contiguous and not l2[name].flags.f_contiguous, name
    assert l2["reversed"].strides[0] < 0 and l2["reversed"].strides[1] < 0
    for a in l2.values():
        np.testing.assert_array_equal(a, l2["C"])
    l1 = layouts_1d(np.float64)
    assert l1["reversed"].strides[0] < 0
    for a in l1.values():
        np.testing.assert_array_equal(a, l1["C"])


# ------------------------------------------------------------------ element access
def copy_loop_2d(a):
    out = np.empty_like(a)
    n, m = a.shape
    for i in range(n):
        for j in range(m):
            out[i, j] = a[i, j]
    return out


def copy_loop_1d(a):
    out = np.zeros_like(a)
    for i in range(len(a)):
        out[i] = a[i]
    return out


def sum_loop_2d(a):
    s = 0.0
    n, m = a.shape
    for i in range(n):
        for j in range(m):
            s += a[i, j]
    return s


def isum_loop_2d(a):
    s = 0
    n, m = a.shape
    for i in range(n):
        for j in range(m):
            s += a[i, j]
    return s


def sum_loop_shape0(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def read_indices(a, i, j):
    return a[i, j], a[i][j], a[-1, -1], a[-i - 1, j], a[0, -j - 1]


copy_loop_2d_j = njit(copy_loop_2d)
copy_loop_1d_j = njit(copy_loop_1d)
sum_loop_2d_j = njit(sum_loop_2d)
isum_loop_2d_j = njit(isum_loop_2d)
sum_loop_shape0_j = njit(sum_loop_shape0)
read_indices_j = njit(read_indices)


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_copy_loop_all_dtypes(dtype):
    check(copy_loop_2d, copy_loop_2d_j, data(dtype, (3, 4)))


@pytest.mark.parametrize("layout", LAYOUTS_2D)
@pytest.mark.parametrize("dtype", [np.float64, np.int16, np.bool_], ids=IDS)
def test_copy_loop_layouts(dtype, layout):
    check(copy_loop_2d, copy_loop_2d_j, layouts_2d(dtype)[layout])


@pytest.mark.parametrize("layout", LAYOUTS_1D)
@pytest.mark.parametrize("dtype", [np.float32, np.uint8], ids=IDS)
def test_copy_loop_1d_layouts(dtype, layout):
    check(copy_loop_1d, copy_loop_1d_j, layouts_1d(dtype)[layout])


@pytest.mark.parametrize("layout", LAYOUTS_2D)
def test_float_sum_loop_layouts(layout):
    # same summation order on both sides: exact
    check(sum_loop_2d, sum_loop_2d_j, layouts_2d(np.float64)[layout])


@pytest.mark.parametrize("dtype", [np.int64, np.float64], ids=IDS)
def test_int_sum_loop(dtype):
    check(isum_loop_2d, isum_loop_2d_j, data(dtype, (5, 3)))


def test_small_int_reads_compute_as_int64():
    # Python would wrap the int8 sum; swiftjit (like Numba) reads elements as int64
    a = np.full((4, 4), 100, np.int8)
    assert isum_loop_2d_j(a) == 1600
    assert isum_loop_2d_j(np.full((2, 2), 60000, np.uint16)) == 240000
    assert type(isum_loop_2d_j(a)) is int


def test_float32_reads_compute_as_float64():
    a = np.full((1, 3), 0.1, np.float32)
    assert sum_loop_2d_j(a) == 3 * float(np.float32(0.1))


def test_shape_index():
    """a.shape[0] (indexing the shape tuple with a constant) is the commonest array idiom."""
    check(sum_loop_shape0, sum_loop_shape0_j, np.arange(5.0))


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_read_indices(dtype):
    check(read_indices, read_indices_j, data(dtype, (3, 4)), 1, 2)


@pytest.mark.parametrize("layout", ["F", "reversed"])
def test_read_indices_layouts(layout):
    a = layouts_2d(np.float64)[layout]
    for i in range(3):
        check(read_indices, read_indices_j, a, i, 3 - i)


def test_read_uint64_above_int64_max():
    """uint64 elements above 2**63-1 do not fit nopython's int64: reading one raises
    OverflowError (documented) instead of coming back negative; smaller ones read exactly."""
    a = np.array([2 ** 64 - 1, 2 ** 63, 2 ** 63 - 1], np.uint64).reshape(1, 3)
    with pytest.raises(OverflowError, match="uint64"):
        read_indices_j(a, 0, 0)
    with pytest.raises(OverflowError, match="uint64"):
        read_indices_j(a, 0, 1)
    one = njit(lambda a, j: a[0, j])
    assert one(a, 2) == 2 ** 63 - 1 and type(one(a, 2)) is int


def test_zero_strided_broadcast_view():
    a = np.broadcast_to(np.arange(5.0), (3, 5))  # strides (0, 8), read-only
    assert a.strides[0] == 0
    check(copy_loop_2d, copy_loop_2d_j, a)
    check(sum_loop_2d, sum_loop_2d_j, a)


# ------------------------------------------------------------------ element writes and casting
def set_and_add(a, v):
    a[0, 0] = v
    a[1, 2] += v
    a[-1, -1] *= v
    a[1][0] = v
    return a


set_and_add_j = njit(set_and_add)


def _values_for(dtype):
    kind = np.dtype(dtype).kind
    if kind == "b":
        return [True, 1]
    if kind == "u":
        return [5, 2.75]
    return [-3, 2.75, True] if kind == "i" else [-3, -1.5, True]


@pytest.mark.parametrize("dtype", ALL, ids=IDS)
def test_setitem_casting(dtype):
    for v in _values_for(dtype):
        check_mutating(set_and_add, set_and_add_j, lambda: (data(dtype, (3, 4)), v))


@pytest.mark.parametrize("layout", LAYOUTS_2D)
def test_setitem_layouts(layout):
    check_mutating(set_and_add, set_and_add_j, lambda: (layouts_2d(np.int32)[layout].copy(order="K")
                                                        if layout in ("C", "F")
                                                        else layouts_2d(np.int32)[layout], 7))


def test_setitem_wraps_like_c():
    # NumPy raises OverflowError for an out-of-range Python int; swiftjit (like Numba) wraps
    a = set_and_add_j(np.zeros((3, 4), np.int8), 300)
    assert a[0, 0] == 44 and a[1, 2] == 44 and a[2, 3] == 0


# ------------------------------------------------------------------ attributes
def attrs(a):
    return len(a), a.shape, a.size, a.ndim, a.strides, a.itemsize, a.nbytes


def unpack3(a):
    x, y, z = a.shape
    return x * 100 + y * 10 + z


attrs_j = njit(attrs)
unpack3_j = njit(unpack3)


@pytest.mark.parametrize("layout", LAYOUTS_2D)
@pytest.mark.parametrize("dtype", [np.int8, np.float64], ids=IDS)
def test_attributes_2d(dtype, layout):
    check(attrs, attrs_j, layouts_2d(dtype)[layout])


@pytest.mark.parametrize("shape", [(7,), (0,), (2, 0), (0, 3), (2, 3, 4), (1, 1, 1, 1)])
@pytest.mark.parametrize("dtype", [np.uint16, np.float32], ids=IDS)
def test_attributes_shapes(dtype, shape):
    check(attrs, attrs_j, np.zeros(shape, dtype))


def test_attributes_3d_views():
    a = np.arange(60.0).reshape(3, 4, 5)
    for v in (a, a[::-1, 1:3, ::2], np.asfortranarray(a), a.transpose(2, 0, 1)):
        check(attrs, attrs_j, v)
        check(unpack3, unpack3_j, v)


# ------------------------------------------------------------------ T, copy, reshape, ravel, flatten
def methods(a):
    return a.T, a.transpose(), a.copy(), a.flatten(), a.T.copy(), a.T.flatten()


def c_methods(a):
    return a.reshape(-1), a.reshape(a.size), a.ravel(), a.reshape(2, -1), a.reshape((-1, 2)), a.reshape(1, 2, -1)


methods_j = njit(methods)
c_methods_j = njit(c_methods)


@pytest.mark.parametrize("layout", LAYOUTS_2D)
def test_methods_layouts(layout):
    got = check(methods, methods_j, layouts_2d(np.float64)[layout])
    assert got[2].flags.c_contiguous and got[2].flags.owndata  # copy() is a fresh C array


@pytest.mark.parametrize("dtype", [np.bool_, np.int32, np.uint64, np.float32], ids=IDS)
def test_methods_dtypes(dtype):
    check(methods, methods_j, data(dtype, (3, 4)))


@pytest.mark.parametrize("dtype", [np.int64, np.float64], ids=IDS)
def test_c_methods(dtype):
    check(c_methods, c_methods_j, data(dtype, (4, 6)))


def test_transpose_is_a_view():
    a = np.zeros((2, 3))
    t = methods_j(a)[0]
    t[2, 1] = 5.0
    assert a[1, 2] == 5.0


def test_reshape_is_a_view_of_c_array():
    a = np.zeros((4, 6))
    r = c_methods_j(a)[3]
    r[1, 0] = 5.0
    assert a[2, 0] == 5.0


def test_reshape_bad_size_raises_value_error():
    check(lambda a: a.reshape(5, -1), njit(lambda a: a.reshape(5, -1)), np.zeros(12), message=False)


def test_reshape_3d_to_1d():
    check(c_methods, c_methods_j, np.arange(24.0).reshape(2, 3, 4))


# ------------------------------------------------------------------ iteration
def iter_1d(a):
    s = 0.0
    k = 0
    for x in a:
        s += x * k
        k += 1
    return s


def iter_rows(a):
    out = np.zeros(len(a))
    k = 0
    for row in a:
        out[k] = row.sum()
        k += 1
    return out


def iter_nested(a):
    s = 0
    for plane in a:
        for row in plane:
            for x in row:
                s = s * 3 + x
    return s


iter_1d_j = njit(iter_1d)
iter_rows_j = njit(iter_rows)
iter_nested_j = njit(iter_nested)


@pytest.mark.parametrize("layout", LAYOUTS_1D)
def test_iter_1d(layout):
    check(iter_1d, iter_1d_j, layouts_1d(np.float64)[layout])


@pytest.mark.parametrize("dtype", [np.int8, np.float32, np.bool_], ids=IDS)
def test_iter_1d_dtypes(dtype):
    # int8 * Python int stays int8 in NumPy: use float data check only for float/bool dtypes
    a = data(dtype, (6,))
    if np.dtype(dtype).kind == "i":
        assert iter_1d_j(a) == sum(float(x) * k for k, x in enumerate(a))
    else:
        check(iter_1d, iter_1d_j, a.astype(np.float64))
        assert iter_1d_j(a) == sum(float(x) * k for k, x in enumerate(a))


@pytest.mark.parametrize("layout", LAYOUTS_2D)
def test_iter_rows(layout):
    # row.sum() over 5 small dyadic values: exact in any order
    check(iter_rows, iter_rows_j, layouts_2d(np.float64)[layout])


def test_iter_nested_3d():
    a = np.arange(24, dtype=np.int64).reshape(2, 3, 4) % 5
    check(iter_nested, iter_nested_j, a)
    check(iter_nested, iter_nested_j, a[:, ::-1, 1:])


def test_iter_empty():
    check(iter_1d, iter_1d_j, np.zeros(0))
    check(iter_rows, iter_rows_j, np.zeros((0, 3)))
    check(iter_rows, iter_rows_j, np.zeros((3, 0)))


# ------------------------------------------------------------------ slicing
def slices(a):
    return a[1:-1], a[::2], a[::-1], a[1, :], a[:, 2], a[1:, :-1], a[::-1, ::-2], a[5:2], a[:, 3:3], a[-2:]


def slices_1d(a):
    return a[1:-1], a[::2], a[::-1], a[2:], a[:-3], a[-3::-2], a[100:], a[3:1]


def write_through_views(a):
    v = a[1:, ::2]
    v[0, 0] = 100
    r = a[::-1]
    r[0, 1] = -100
    a[:, 1][0] = 7
    return v.sum()


slices_j = njit(slices)
slices_1d_j = njit(slices_1d)
write_through_views_j = njit(write_through_views)


@pytest.mark.parametrize("layout", LAYOUTS_2D)
def test_slices_2d(layout):
    got = check(slices, slices_j, layouts_2d(np.float64)[layout])
    assert not any(g.flags.owndata for g in got)  # views, not copies


@pytest.mark.parametrize("dtype", [np.bool_, np.int16, np.uint32, np.float32], ids=IDS)
def test_slices_dtypes(dtype):
    check(slices, slices_j, data(dtype, (5, 4)))


@pytest.mark.parametrize("layout", LAYOUTS_1D)
def test_slices_1d(layout):
    check(slices_1d, slices_1d_j, layouts_1d(np.int64)[layout])


@pytest.mark.parametrize("layout", ["C", "F", "strided", "reversed"])
def test_write_through_views(layout):
    check_mutating(write_through_views, write_through_views_j,
                   lambda: (layouts_2d(np.int64)[layout].copy(order="K") if layout in "CF"
                            else layouts_2d(np.int64)[layout],))


def assign_scalar(a):
    a[1:3] = 5
    a[:, -1] = -1.5
    a[::2, ::2] += 1
    return a


def assign_array(a, b):
    a[0] = b            # row from a 1-D array
    a[1:3, :] = a[:2]   # overlapping? no: rows 1..2 from rows 0..1 (NumPy copies if overlapping)
    a[:, 0] = 9
    a[-1, :] = b[::-1]
    return a


def assign_broadcast(a, col):
    a[:, :] = col       # (n, 1) broadcast over columns
    a[1:, 1:] = a[0, 1:]
    return a


assign_scalar_j = njit(assign_scalar)
assign_array_j = njit(assign_array)
assign_broadcast_j = njit(assign_broadcast)


@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.uint8], ids=IDS)
def test_slice_assign_scalar(dtype):
    if np.dtype(dtype).kind == "u":
        # NumPy: -1.5 -> uint8 is undefined behaviour in C; only compare the rest
        out = assign_scalar_j(data(dtype, (4, 5)))
        assert (out[1:3, :-1] == 5 + np.array([[0, 0, 0, 0], [1, 0, 1, 0]])).all()
        return
    check_mutating(assign_scalar, assign_scalar_j, lambda: (data(dtype, (4, 5)),))


@pytest.mark.parametrize("layout", ["C", "F", "reversed"])
def test_slice_assign_array(layout):
    check_mutating(assign_array, assign_array_j,
                   lambda: (layouts_2d(np.float64)[layout].copy(order="K") if layout in "CF"
                            else layouts_2d(np.float64)[layout], np.arange(5.0)))


def test_slice_assign_array_casting():
    check_mutating(assign_array, assign_array_j, lambda: (np.zeros((4, 5), np.int16), np.arange(5.0) * 1.7))


def test_slice_assign_broadcast():
    check_mutating(assign_broadcast, assign_broadcast_j,
                   lambda: (np.zeros((4, 5)), np.arange(4.0).reshape(4, 1)))


def test_slice_assign_overlapping():
    """a[1:] = a[:-1] must behave as if the source was copied first (NumPy semantics)."""
    def shift(a):
        a[1:] = a[:-1]
        return a

    check_mutating(shift, njit(shift), lambda: (np.arange(6.0),))


def test_slice_assign_shape_mismatch_raises():
    def bad(a, b):
        a[1:3] = b
        return a

    with pytest.raises(ValueError):  # message differs from NumPy's (no shapes): not checked
        njit(bad)(np.zeros(5), np.ones(3))
    with pytest.raises(ValueError):
        bad(np.zeros(5), np.ones(3))


# ------------------------------------------------------------------ creation
def create_float(n):
    return (np.zeros(n), np.ones(n), np.full(n, 2.5), np.empty(n).shape, np.zeros((n, 2)),
            np.ones((2, n), np.float32), np.zeros(n, dtype=np.float32), np.full((n, n), -1.0, np.float64),
            np.zeros(n, 'float32'), np.ones(n, dtype='float64'))


def create_int(n):
    return (np.zeros(n, np.int8), np.ones(n, dtype=np.int16), np.zeros((n, 3), np.int32),
            np.ones(n, np.int64), np.zeros(n, np.uint8), np.ones(n, np.uint16), np.zeros(n, np.uint32),
            np.ones(n, np.uint64), np.full(n, 7, np.int32), np.full(n, 300, dtype=np.int64),
            np.full((2, n), 2.9, dtype='int16'), np.zeros(n, dtype='uint8'), np.full(n, 3))


def create_bool(n):
    return np.zeros(n, np.bool_), np.ones((n, 2), dtype=np.bool_), np.full(n, True), np.full(n, 0, np.bool_)


def create_like(a):
    return (np.zeros_like(a), np.ones_like(a), np.full_like(a, 3), np.empty_like(a).shape,
            np.full_like(a, 2.5), np.zeros_like(a).strides)


def create_arange(n):
    return (np.arange(n), np.arange(2, n), np.arange(1, n, 3), np.arange(n, 0, -2), np.arange(n, dtype=np.float32),
            np.arange(0.5, n), np.arange(0.0, 1.0, 0.125), np.arange(n, dtype=np.uint8),
            np.arange(1, n, 2, dtype=np.int16), np.arange(-n, n, 0.5))


def create_linspace(n):
    return np.linspace(0, 1, n), np.linspace(-2.5, 7.5, n), np.linspace(5, 1, n)


create_float_j = njit(create_float)
create_int_j = njit(create_int)
create_bool_j = njit(create_bool)
create_like_j = njit(create_like)
create_arange_j = njit(create_arange)
create_linspace_j = njit(create_linspace)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_create(n):
    for f, j in ((create_float, create_float_j), (create_int, create_int_j), (create_bool, create_bool_j)):
        got = check(f, j, n)
        for g in got:
            if isinstance(g, np.ndarray):
                assert g.flags.c_contiguous and g.flags.owndata and g.flags.writeable


def test_create_negative_size_raises():
    check(create_float, create_float_j, -1)


@pytest.mark.parametrize("layout", ["C", "F", "reversed"])
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.uint32, np.float32], ids=IDS)
def test_create_like(dtype, layout):
    check(create_like, create_like_j, layouts_2d(dtype)[layout])


@pytest.mark.parametrize("n", [0, 1, 2, 7, -3])
def test_arange(n):
    check(create_arange, create_arange_j, n)


@pytest.mark.parametrize("n", [0, 2, 5, 50])
def test_linspace(n):
    # NumPy computes start + i*step (and sets the end point exactly); allow 1 ulp-ish
    check(create_linspace, create_linspace_j, n, approx=True, rtol=1e-15)


def test_linspace_num_1():
    """np.linspace(a, b, 1) is [a]."""
    check(create_linspace, create_linspace_j, 1)


def test_arange_zero_step_raises():
    f = lambda n: np.arange(0, 5, n)  # noqa: E731
    check(f, njit(f), 0, message=False)


# ------------------------------------------------------------------ arithmetic and broadcasting
def binops(a, b):
    return a + b, a - b, a * b, a / b, a // b, a % b, b + a, b * 2 - a


def power_ops(a, b):
    return a ** b, a ** 2, b ** 3


def cmp_ops(a, b):
    return a < b, a <= b, a == b, a != b, a > b, a >= b, a == 2, 1 < a


def unary_ops(a):
    return -a, -(-a), a * 1, 0 - a


def scalar_ops(a, s):
    return a + s, s + a, a * s, s - a, a - s, a / s, s / a, a < s, s == a


binops_j = njit(binops)
power_ops_j = njit(power_ops)
cmp_ops_j = njit(cmp_ops)
unary_ops_j = njit(unary_ops)
scalar_ops_j = njit(scalar_ops)


@pytest.mark.parametrize("dtype", NUMERIC, ids=IDS)
def test_binops_same_dtype(dtype):
    a, b = data(dtype, (3, 4)), nonzero(data(dtype, (3, 4), start=5))
    check(binops, binops_j, a, b)
    check(cmp_ops, cmp_ops_j, a, b)
    check(unary_ops, unary_ops_j, a)


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.float32, np.float64], ids=IDS)
def test_power(dtype):
    a = data(dtype, (6,)) % 5 if np.dtype(dtype).kind != "f" else data(dtype, (6,))
    b = (np.arange(6) % 4).astype(dtype)
    # float pow via libm on both sides, but NumPy may use its own SIMD pow for float32
    check(power_ops, power_ops_j, a, b, approx=np.dtype(dtype) == np.float32, rtol=1e-6)


MIXED = [(np.int8, np.int64), (np.uint8, np.int8), (np.int16, np.uint16), (np.int32, np.float32),
         (np.int64, np.float32), (np.uint32, np.int32), (np.float32, np.float64), (np.uint8, np.float64),
         (np.int64, np.uint64)]


@pytest.mark.parametrize("da, db", MIXED, ids=lambda d: np.dtype(d).name)
def test_binops_mixed_dtypes(da, db):
    a, b = data(da, (2, 5)), nonzero(data(db, (2, 5), start=3))
    if np.dtype(db).kind == "u" and np.dtype(da).kind == "i":
        a = np.abs(a).astype(da)
    check(binops, binops_j, a, b)
    check(cmp_ops, cmp_ops_j, a, b)


def test_bool_arrays():
    a, b = data(np.bool_, (7,)), data(np.bool_, (7,))[::-1].copy()
    f = lambda a, b: (a + b, a * b, a == b, a < b, a * 1.5, a + 1)  # noqa: E731
    check(f, njit(f), a, b)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.int64, np.float32, np.float64], ids=IDS)
@pytest.mark.parametrize("scalar", [3, 2.5, True], ids=["int", "float", "bool"])
def test_array_scalar_ops(dtype, scalar):
    # NumPy 2 (NEP 50): a Python scalar does not widen the array's dtype (int8 + 3 -> int8)
    check(scalar_ops, scalar_ops_j, nonzero(data(dtype, (5,))), scalar)


@pytest.mark.parametrize("sa, sb", [((3, 4), (4,)), ((3, 1), (1, 4)), ((3, 4), (3, 1)), ((1,), (5,)),
                                     ((2, 1, 4), (3, 1)), ((0, 4), (4,)), ((3, 0), (3, 1))])
def test_broadcasting(sa, sb):
    a, b = data(np.float64, sa), nonzero(data(np.float64, sb, start=2))
    check(binops, binops_j, a, b)
    check(binops, binops_j, b, a)


def test_broadcasting_mismatch_raises():
    check(binops, binops_j, np.ones(3), np.ones(4), message=False)
    check(binops, binops_j, np.ones((2, 3)), np.ones((3, 2)), message=False)


@pytest.mark.parametrize("la, lb", [("F", "C"), ("reversed", "strided"), ("transposed", "rows")])
def test_binops_layouts(la, lb):
    a, b = layouts_2d(np.float64)[la], nonzero(layouts_2d(np.float64)[lb])
    check(binops, binops_j, a, b)
    check(binops, binops_j, a.astype(np.int32) if la == "C" else a, b)


def test_result_layout_of_f_inputs():
    # not required to match NumPy's (F) layout, but must be a valid, own array
    a = np.asfortranarray(data(np.float64, (3, 4)))
    got = binops_j(a, a)[0]
    assert got.flags.owndata and (got.flags.c_contiguous or got.flags.f_contiguous)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=IDS)
def test_float_division_by_zero_elementwise(dtype):
    """NumPy semantics: x/0 -> inf/nan, never ZeroDivisionError (Numba agrees)."""
    a = np.array([1.0, -2.0, 0.0, 3.0], dtype)
    b = np.array([0.0, 0.0, 0.0, 2.0], dtype)
    check(binops, binops_j, a, b)


def test_int_division_by_zero_elementwise():
    """NumPy semantics: integer x // 0 and x % 0 give 0 (with a RuntimeWarning), never raise."""
    a = np.array([1, -2, 0, 7])
    b = np.array([0, 0, 0, 2])
    check(binops, binops_j, a, b)


def test_float_expression_not_contracted():
    """a * b + c must round twice like NumPy (no fused multiply-add)."""
    f = lambda a, b, c: a * b + c  # noqa: E731
    a = np.array([0.1, 1.0 / 3.0, 1e16 + 2])
    b = np.array([10.0, 3.0, 1.0 - 2 ** -53])
    c = np.array([-1.0, -1.0, -1e16])
    check(f, njit(f), a, b, c)


@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=6)),
       st.floats(allow_nan=True, allow_infinity=True))
def test_elementwise_hypothesis(a, s):
    f = elementwise_expr
    check(f, elementwise_expr_j, a, s)


def elementwise_expr(a, s):
    return a * s - a / 3.0, np.abs(a) + s, a < s, -a


elementwise_expr_j = njit(elementwise_expr)


# ------------------------------------------------------------------ ufuncs
def ufuncs(a):
    return (np.sqrt(a), np.exp(a), np.log(a), np.sin(a), np.cos(a), np.tan(a), np.abs(a),
            np.floor(a), np.ceil(a))


def ufuncs_scalar(x):
    return (np.sqrt(x), np.exp(x), np.log(x), np.sin(x), np.cos(x), np.tan(x), np.abs(x),
            np.floor(x), np.ceil(x))


ufuncs_j = njit(ufuncs)
ufuncs_scalar_j = njit(ufuncs_scalar)


def test_ufuncs_float64():
    a = np.array([0.0, -0.0, 0.5, 1.0, 2.5, -2.5, 100.0, -700.0, 1e-300, np.inf, -np.inf, np.nan])
    # transcendental functions: NumPy has its own (SIMD) implementations, swiftjit calls libm;
    # both are faithfully rounded, so allow a couple of ulps
    got = check(ufuncs, ufuncs_j, a, approx=True, rtol=4e-16)
    with np.errstate(all="ignore"):
        for exact, g in zip((np.sqrt(a), np.abs(a), np.floor(a), np.ceil(a)), (got[0], got[6], got[7], got[8])):
            np.testing.assert_array_equal(g, exact)  # correctly rounded ones: exact
            assert (np.signbit(g) == np.signbit(exact)).all()


def test_ufuncs_float32():
    # float32 sin/exp/...: NumPy's float32 kernels vs libm in double rounded to float: ~1 ulp
    check(ufuncs, ufuncs_j, np.array([0.5, 1.0, 2.5, -2.5, 10.0, 0.0], np.float32), approx=True, rtol=2e-7)


def transcendental(a):
    return np.sqrt(a), np.exp(a), np.log(a), np.sin(a), np.cos(a), np.tan(a), np.abs(a)


def floor_ceil(a):
    return np.floor(a), np.ceil(a)


transcendental_j = njit(transcendental)
floor_ceil_j = njit(floor_ceil)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint16], ids=IDS)
def test_ufuncs_int(dtype):
    """np.sqrt(int64/int32 array) -> float64, but (u)int16 -> float32 (NumPy's loop selection;
    Numba agrees); np.abs keeps the dtype.  (int8 -> float16 in NumPy: float16 is unsupported.)"""
    a = np.array([1, 2, 3, 4, 100], dtype)
    # float32 results: swiftjit computes in float64 and rounds once (correctly rounded);
    # NumPy's float32 SIMD loops may differ by 1 ulp (~1.2e-7 relative).
    rtol = 2.5e-7 if dtype == np.uint16 else 4e-16
    check(transcendental, transcendental_j, a, approx=True, rtol=rtol)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8], ids=IDS)
def test_floor_ceil_of_ints_keep_dtype(dtype):
    """NumPy 2 (and Numba) return the integer dtype for np.floor/np.ceil of integer arrays."""
    check(floor_ceil, floor_ceil_j, np.array([1, 2, 3], dtype))


def test_ufuncs_scalars():
    for x in (2.0, 0.25, -1.5):
        check(ufuncs_scalar, ufuncs_scalar_j, x, approx=True, rtol=4e-16)
    # int scalar: sqrt/exp/... -> float, abs -> int
    check(transcendental, transcendental_j, 3, approx=True, rtol=4e-16)


def test_floor_ceil_of_int_scalar():
    """np.floor(3) is an integer in NumPy 2 (and Numba)."""
    check(floor_ceil, floor_ceil_j, 3)


def test_abs_int_min_wraps():
    a = np.array([-128, -5, 5], np.int8)
    check(lambda a: np.abs(a), njit(lambda a: np.abs(a)), a)


# ------------------------------------------------------------------ reductions
def reductions(a):
    return (a.sum(), np.sum(a), a.min(), a.max(), np.min(a), np.max(a), np.mean(a),
            np.argmin(a), np.argmax(a), np.prod(a), np.any(a), np.all(a))


def safe_reductions(a):  # the ones defined for empty arrays
    return a.sum(), np.sum(a), np.mean(a), np.prod(a), np.any(a), np.all(a)


reductions_j = njit(reductions)
safe_reductions_j = njit(safe_reductions)


@pytest.mark.parametrize("dtype", [np.bool_] + INTS, ids=IDS)
def test_reductions_ints(dtype):
    a = data(dtype, (7,)) if dtype is not np.bool_ else data(dtype, (7,))
    if np.dtype(dtype).kind != "b":
        a = (a % 6 + (np.dtype(dtype).kind == "u")).astype(dtype)  # small: no product overflow
    check(reductions, reductions_j, a)


@pytest.mark.parametrize("dtype", FLOATS, ids=IDS)
def test_reductions_floats(dtype):
    # sum/mean/prod: NumPy sums pairwise (float32 in float32), swiftjit in order -> allclose
    a = data(dtype, (9,))
    check(reductions, reductions_j, a, approx=True, rtol=1e-6 if dtype is np.float32 else 1e-13)


@pytest.mark.parametrize("layout", LAYOUTS_2D)
@pytest.mark.parametrize("dtype", [np.int32, np.float64], ids=IDS)
def test_reductions_layouts(dtype, layout):
    # the float data are multiples of 0.25 with small sums: exact in any order
    check(reductions, reductions_j, layouts_2d(dtype)[layout])


def test_reductions_3d_view():
    a = data(np.float64, (3, 4, 5))
    check(reductions, reductions_j, a[::-1, 1:, ::2])


def test_reductions_ties_take_first():
    a = np.array([3.0, 1.0, 5.0, 1.0, 5.0])
    check(reductions, reductions_j, a)
    check(reductions, reductions_j, np.array([2, 2, 2], np.int16))


@pytest.mark.parametrize("pos", [0, 2, 4])
def test_reductions_nan(pos):
    a = np.array([3.0, 1.0, 5.0, -2.0, 4.0])
    a[pos] = np.nan
    check(reductions, reductions_j, a)
    b = a.copy()
    b[(pos + 2) % 5] = np.nan  # two nans: argmin/argmax give the first
    check(reductions, reductions_j, b)


def test_reductions_nan_float32_and_2d():
    a = data(np.float32, (3, 4))
    a[1, 2] = np.nan
    check(reductions, reductions_j, a, approx=True, rtol=1e-6)
    check(reductions, reductions_j, np.asfortranarray(a), approx=True, rtol=1e-6)


def test_reductions_inf_and_signed_zero():
    check(reductions, reductions_j, np.array([np.inf, -np.inf, 0.0]))
    check(reductions, reductions_j, np.array([np.inf, 1.0]))
    # which zero min/max return among equal zeros is unspecified: values only
    check(reductions, reductions_j, np.array([-0.0, 0.0]), zero_sign=False)
    check(reductions, reductions_j, np.array([0.0, -0.0]), zero_sign=False)


def test_any_all_nan():
    check(safe_reductions, safe_reductions_j, np.array([0.0, np.nan]))
    check(safe_reductions, safe_reductions_j, np.array([np.nan]))


def test_sum_int_overflow_wraps():
    a = np.array([2 ** 62, 2 ** 62, 2 ** 62], np.int64)
    check(safe_reductions, safe_reductions_j, a, approx=True)  # mean: float64 of a wrapped vs exact


def test_reductions_uint64_large():
    """uint64 above 2**63: NumPy's min/max are unsigned; nopython mode raises OverflowError
    rather than comparing them as negative int64s (documented)."""
    a = np.array([2 ** 64 - 1, 2 ** 63, 5], np.uint64)
    with pytest.raises(OverflowError, match="uint64"):
        njit(lambda a: (a.min(), a.max(), np.argmin(a), np.argmax(a)))(a)


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.bool_], ids=IDS)
@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0)])
def test_reductions_empty(dtype, shape):
    a = np.zeros(shape, dtype)
    check(safe_reductions, safe_reductions_j, a)
    for f in (lambda a: a.min(), lambda a: np.max(a), lambda a: np.argmin(a), lambda a: np.argmax(a)):
        check(f, njit(f), a)  # ValueError with NumPy's message


@given(hnp.arrays(np.float64, st.integers(1, 12),
                  elements=st.one_of(st.floats(-10, 10), st.just(np.nan), st.sampled_from([np.inf, -np.inf]))))
def test_min_max_argmin_argmax_hypothesis(a):
    check(minmax, minmax_j, a, zero_sign=False)  # min(0.0, -0.0): either zero


def minmax(a):
    return a.min(), a.max(), np.argmin(a), np.argmax(a), np.any(a), np.all(a)


minmax_j = njit(minmax)


# ------------------------------------------------------------------ dot
def dots(a, b):
    return np.dot(a, b), a.dot(b)


dots_j = njit(dots)


@pytest.mark.parametrize("sa, sb", [((5,), (5,)), ((3, 5), (5,)), ((5,), (5, 4)), ((3, 5), (5, 4)),
                                     ((0,), (0,)), ((3, 0), (0, 4)), ((0, 5), (5, 2))])
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.float32, np.int32], ids=IDS)
def test_dot(dtype, sa, sb):
    # BLAS (NumPy) vs a loop: different order of float additions -> allclose
    a, b = data(dtype, sa), data(dtype, sb, start=3)
    check(dots, dots_j, a, b, approx=np.dtype(dtype).kind == "f",
          rtol=1e-5 if dtype is np.float32 else 1e-13)


@pytest.mark.parametrize("la, lb", [("F", "C"), ("reversed", "transposed"), ("strided", "F")])
def test_dot_layouts(la, lb):
    a, b = layouts_2d(np.float64)[la], layouts_2d(np.float64)[lb].T
    check(dots, dots_j, a, b, approx=True, rtol=1e-13)  # BLAS vs loop order
    check(dots, dots_j, a[1], b, approx=True, rtol=1e-13)
    check(dots, dots_j, a, b[:, 1], approx=True, rtol=1e-13)


def test_dot_shape_mismatch_raises():
    check(dots, dots_j, np.ones(3), np.ones(4), message=False)
    check(dots, dots_j, np.ones((2, 3)), np.ones((2, 3)), message=False)


# ------------------------------------------------------------------ empty arrays, 0-length axes
def empty_ops(a):
    return a + 1, a * a, np.sqrt(a), a.T, a.copy(), a.flatten(), a[1:], a[:, 1:], -a


empty_ops_j = njit(empty_ops)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_empty_2d(shape):
    check(empty_ops, empty_ops_j, np.zeros(shape))
    check(copy_loop_2d, copy_loop_2d_j, np.zeros(shape))
    check(sum_loop_2d, sum_loop_2d_j, np.zeros(shape))
    check(attrs, attrs_j, np.zeros(shape))


def test_empty_1d():
    a = np.zeros(0, np.int32)
    check(copy_loop_1d, copy_loop_1d_j, a)
    check(slices_1d, slices_1d_j, np.zeros(0, np.int64))
    check(iter_1d, iter_1d_j, np.zeros(0))


def test_empty_views_of_non_empty():
    a = np.arange(12.0).reshape(3, 4)
    check(empty_ops, empty_ops_j, a[2:1])
    check(empty_ops, empty_ops_j, a[:, 4:])
    check(reductions, reductions_j, a[1:, 3:])  # non-empty control


# ------------------------------------------------------------------ returning arguments and views
def identity(a):
    return a


def pair(a, b):
    return b, a


identity_j = njit(identity)
pair_j = njit(pair)


@pytest.mark.parametrize("layout", LAYOUTS_2D)
def test_return_argument_is_same_object(layout):
    a = layouts_2d(np.float64)[layout]
    assert identity_j(a) is a
    b = np.arange(3)
    assert pair_j(a, b)[0] is b and pair_j(a, b)[1] is a


# ------------------------------------------------------------------ typing of array-valued expressions
def pick_view(a, flag):
    b = a[:, 1:] if flag else a
    return b.sum()


def pick_view_stmt(a, flag):
    if flag:
        b = a[::2]
    else:
        b = a
    return b.sum()


def test_conditional_expression_unifies_layouts():
    """An array (C) and a view of it (A) in the two arms must unify to layout A."""
    a = np.arange(12.0).reshape(3, 4)
    check(pick_view, njit(pick_view), a, True)


def test_if_statement_unifies_layouts():
    a = np.arange(12.0).reshape(3, 4)
    j = njit(pick_view_stmt)
    check(pick_view_stmt, j, a, True)
    check(pick_view_stmt, j, a, False)


@njit(nogil=True)
def _zeros_keyword_nogil(n):
    return np.zeros((n, 2), dtype=np.float64).sum() + np.full(n, 1.5, dtype=np.float64).sum()


def test_keyword_call_in_nogil_function():
    # 3.10 (CALL_FUNCTION_KW) and 3.13 (CALL_KW) put the keyword names on the stack as a
    # constant tuple of str; it is part of the call, not a str value needing the GIL.
    for n in (0, 1, 7):
        assert _zeros_keyword_nogil(n) == 0.0 + 1.5 * n
