"""Runtime behaviour of arrays in nopython mode: reference counts, memory,
lifetime of returned views, read-only arrays, bounds checking and the
TypingError for unsupported dtypes."""
import gc
import os
import sys
import weakref

import numpy as np
import pytest

from swiftjit import njit
from swiftjit.errors import TypingError


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# ------------------------------------------------------------------ jitted functions
@njit
def first(a):
    return a[0]


@njit
def tail_view(a):
    return a[1:]


@njit
def same(a):
    return a


@njit
def plus_one_sum(a):
    return (a * 2.0 + 1.0).sum()


@njit
def new_filled(n):
    x = np.empty(n)
    for i in range(n):
        x[i] = i * 0.5
    return x


@njit
def new_reversed(n):
    x = np.arange(n * 1.0)
    return x[::-1]


@njit
def new_transposed(n):
    x = np.arange(n * 2.0).reshape(2, n)
    return x.T


@njit
def new_row(n):
    x = np.ones((3, n))
    x[1] = 7.0
    y = x[1:]
    row = y[1]
    for r in y:
        row = r
        break
    return row


@njit
def inner_block(a):
    return a[1:-1, ::2]


@njit(boundscheck=True)
def get1(a, i):
    return a[i]


@njit(boundscheck=True)
def get2(a, i, j):
    return a[i, j]


@njit(boundscheck=True)
def get2_chained(a, i, j):
    return a[i][j]


@njit(boundscheck=True)
def get3(a, i, j, k):
    return a[i, j, k]


@njit(boundscheck=True)
def set1(a, i, v):
    a[i] = v
    return a


@njit(boundscheck=True)
def addto2(a, i, j, v):
    a[i, j] += v
    return a


# ------------------------------------------------------------------ reference counts
@pytest.mark.parametrize("func", [first, tail_view, same, plus_one_sum], ids=lambda f: f.__name__)
def test_argument_refcount_unchanged(func):
    a = np.arange(1.0, 6.0)
    func(a)  # compile
    before = sys.getrefcount(a)
    for _ in range(10000):
        func(a)
    assert sys.getrefcount(a) == before


@pytest.mark.parametrize("layout", ["F", "reversed"])
def test_argument_refcount_unchanged_views(layout):
    base = np.arange(12.0).reshape(3, 4)
    a = np.asfortranarray(base) if layout == "F" else base[::-1, ::-1]
    inner_block(a)
    before, before_base = sys.getrefcount(a), sys.getrefcount(base)
    for _ in range(10000):
        inner_block(a)
    assert sys.getrefcount(a) == before and sys.getrefcount(base) == before_base


def test_argument_refcount_unchanged_after_exceptions():
    a = np.arange(3.0)
    get1(a, 0)
    before = sys.getrefcount(a)
    for _ in range(10000):
        with pytest.raises(IndexError):
            get1(a, 5)
    assert sys.getrefcount(a) == before


def test_returned_view_holds_exactly_one_reference():
    a = np.arange(5.0)
    before = sys.getrefcount(a)
    v = tail_view(a)
    assert v.base is a
    assert sys.getrefcount(a) == before + 1
    del v
    assert sys.getrefcount(a) == before


def test_returned_argument_is_the_argument():
    a = np.arange(3)
    before = sys.getrefcount(a)
    b = same(a)
    assert b is a and sys.getrefcount(a) == before + 1
    del b
    assert sys.getrefcount(a) == before


# ------------------------------------------------------------------ memory
def _rss_growth(call, n, warm=20000):
    for _ in range(warm):
        call()
    gc.collect()
    before = rss_bytes()
    for _ in range(n):
        call()
    gc.collect()
    return rss_bytes() - before


def test_new_array_no_leak_1e6_calls():
    # 1,000,000 arrays of 10 float64 (+ headers): a leak of even the 80 data bytes would be 80 MB
    growth = _rss_growth(lambda: new_filled(10), 1_000_000)
    assert growth < 4 * 2 ** 20, f"RSS grew by {growth / 2 ** 20:.1f} MB"


@pytest.mark.parametrize("call", [
    lambda a: tail_view(a),
    lambda a: plus_one_sum(a),
    lambda a: new_reversed(8),
    lambda a: new_transposed(4),
    lambda a: inner_block(a.reshape(4, 4)),
], ids=["view_of_argument", "temporaries", "view_of_new", "transposed_new", "view_2d"])
def test_no_leak_200k_calls(call):
    a = np.arange(16.0)
    growth = _rss_growth(lambda: call(a), 200_000, warm=5000)
    assert growth < 4 * 2 ** 20, f"RSS grew by {growth / 2 ** 20:.1f} MB"


def test_exceptions_no_leak():
    a = np.arange(3.0)

    def call():
        try:
            get1(a, 7)
        except IndexError:
            pass
    growth = _rss_growth(call, 100_000, warm=2000)
    assert growth < 4 * 2 ** 20, f"RSS grew by {growth / 2 ** 20:.1f} MB"


def test_new_array_is_freed():
    x = new_filled(1000)
    r = weakref.ref(x)
    del x
    gc.collect()
    assert r() is None


def test_internal_base_freed_with_its_view():
    v = new_reversed(1000)
    base = v.base
    assert isinstance(base, np.ndarray)
    r = weakref.ref(base)
    del base
    del v
    gc.collect()
    assert r() is None


# ------------------------------------------------------------------ lifetime of returned arrays
def _churn():
    # reuse freed memory, so that a dangling view would show garbage
    return [np.full(64, -1.0) for _ in range(200)] + [np.full((8, 8), -2.0) for _ in range(200)]


def test_view_keeps_input_alive():
    a = np.arange(20.0).reshape(4, 5)
    expected = a[1:-1, ::2].copy()
    v = inner_block(a)
    del a
    gc.collect()
    junk = _churn()
    np.testing.assert_array_equal(v, expected)
    assert v.base is not None
    del junk


def test_view_of_1d_input_keeps_it_alive():
    v = tail_view(np.arange(64.0))
    gc.collect()
    junk = _churn()
    np.testing.assert_array_equal(v, np.arange(1.0, 64.0))
    del junk


@pytest.mark.parametrize("func, expected", [
    (new_reversed, np.arange(64.0)[::-1]),
    (new_transposed, np.arange(128.0).reshape(2, 64).T),
    (new_row, np.full(64, 7.0)),
], ids=["reversed", "transposed", "row_of_iteration"])
def test_view_of_new_array_keeps_it_alive(func, expected):
    v = func(64)
    gc.collect()
    junk = _churn()
    np.testing.assert_array_equal(v, expected)
    assert not v.flags.owndata and v.base is not None
    v[(0,) * v.ndim] = 123.0  # writable
    assert v[(0,) * v.ndim] == 123.0
    del junk


def test_new_array_flags():
    x = new_filled(7)
    assert x.flags.owndata and x.flags.writeable and x.flags.aligned and x.flags.c_contiguous
    assert x.base is None
    np.testing.assert_array_equal(x, np.arange(7) * 0.5)
    x[:] = 1.0  # NumPy can write into it
    assert x.sum() == 7.0


# ------------------------------------------------------------------ read-only arrays
def _readonly(a):
    a.flags.writeable = False
    return a


def test_readonly_write_is_typing_error():
    @njit
    def setter(a):
        a[0] = 1.0

    with pytest.raises(TypingError, match="read-only"):
        setter(_readonly(np.zeros(3)))


@pytest.mark.parametrize("src", ["a[1] += 2.0", "a[:] = 1.0", "a[0, :] = 1.0", "a[1:, 0] = a[:-1, 0]"])
def test_readonly_writes_are_typing_errors(src):
    ns = {"np": np}
    exec(f"def f(a):\n    {src}\n    return 0\n", ns)
    with pytest.raises(TypingError):
        njit(ns["f"])(_readonly(np.zeros((3, 3))))


def test_readonly_reads_work():
    a = _readonly(np.arange(5.0))
    assert first(a) == 0.0
    assert plus_one_sum(a) == 25.0


def test_readonly_after_writeable_specialization():
    """A specialization compiled for a writable array must not be reused for a read-only one."""
    @njit
    def setter(a):
        a[0] = 1.0
        return a

    setter(np.zeros(3))
    ro = _readonly(np.zeros(3))
    with pytest.raises(TypingError):
        setter(ro)
    assert ro[0] == 0.0


def test_view_of_readonly_is_readonly():
    a = _readonly(np.arange(5.0))
    v = tail_view(a)
    assert not v.flags.writeable
    with pytest.raises(ValueError):
        v[0] = 1.0
    assert same(a) is a


def test_broadcast_to_is_readonly():
    @njit
    def setter(a):
        a[0, 0] = 1.0

    with pytest.raises(TypingError):
        setter(np.broadcast_to(np.zeros(3), (2, 3)))


# ------------------------------------------------------------------ boundscheck
def _numpy_error(func, *args):
    try:
        func(*args)
    except IndexError as exc:
        return str(exc)
    raise AssertionError("NumPy did not raise")


@pytest.mark.parametrize("i", [3, 5, -4, 100, -100])
def test_boundscheck_1d(i):
    a = np.zeros(3)
    with pytest.raises(IndexError) as info:
        get1(a, i)
    assert str(info.value) == _numpy_error(lambda: a[i]) == f"index {i} is out of bounds for axis 0 with size 3"


def test_boundscheck_message_of_brief():
    with pytest.raises(IndexError, match=r"^index 5 is out of bounds for axis 0 with size 3$"):
        get1(np.zeros(3), 5)


@pytest.mark.parametrize("i, j", [(3, 0), (0, 4), (-4, 0), (0, -5), (3, 4)])
def test_boundscheck_2d(i, j):
    a = np.zeros((3, 4))
    with pytest.raises(IndexError) as info:
        get2(a, i, j)
    assert str(info.value) == _numpy_error(lambda: a[i, j])
    with pytest.raises(IndexError) as info:
        get2_chained(a, i, j)
    assert str(info.value) == _numpy_error(lambda: a[i][j])


def test_boundscheck_3d_and_views():
    a = np.zeros((2, 3, 4))
    with pytest.raises(IndexError) as info:
        get3(a, 1, 2, 4)
    assert str(info.value) == "index 4 is out of bounds for axis 2 with size 4"
    v = np.zeros(10)[::3]  # size 4
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 with size 4"):
        get1(v, 4)
    with pytest.raises(IndexError, match="index 0 is out of bounds for axis 0 with size 0"):
        get1(np.zeros(0), 0)


def test_boundscheck_setitem():
    with pytest.raises(IndexError, match="^index 3 is out of bounds for axis 0 with size 3$"):
        set1(np.zeros(3), 3, 1.0)
    with pytest.raises(IndexError, match="^index -5 is out of bounds for axis 1 with size 4$"):
        addto2(np.zeros((3, 4)), 0, -5, 1.0)


def test_boundscheck_in_range_ok():
    a = np.arange(12.0).reshape(3, 4)
    assert get2(a, -3, -4) == 0.0 and get2(a, 2, 3) == 11.0
    assert get1(np.arange(3), -3) == 0
    np.testing.assert_array_equal(set1(np.zeros(3), -1, 2.0), [0, 0, 2.0])


def test_boundscheck_does_not_affect_slices():
    @njit(boundscheck=True)
    def sl(a):
        return a[1:100], a[-100:2], a[5:]

    got = sl(np.arange(4.0))
    for g, e in zip(got, (np.arange(1.0, 4.0), np.arange(2.0), np.zeros(0))):
        np.testing.assert_array_equal(g, e)


def test_boundscheck_in_loop():
    @njit(boundscheck=True)
    def total(a, n):
        s = 0.0
        for i in range(n):
            s += a[i]
        return s

    assert total(np.ones(4), 4) == 4.0
    with pytest.raises(IndexError, match="^index 4 is out of bounds for axis 0 with size 4$"):
        total(np.ones(4), 5)


# ------------------------------------------------------------------ unsupported dtypes
UNSUPPORTED = {
    "object": lambda: np.array([1, "x"], dtype=object),
    "datetime64": lambda: np.zeros(3, "datetime64[ns]"),
    "timedelta64": lambda: np.zeros(3, "timedelta64[s]"),
    "float16": lambda: np.zeros(3, np.float16),
    "str": lambda: np.array(["a", "bc"]),
    "bytes": lambda: np.array([b"a"]),
    "structured": lambda: np.zeros(3, [("x", "f8"), ("y", "i4")]),
    "big_endian": lambda: np.arange(3, dtype=">f8"),
    "longdouble": lambda: np.zeros(3, np.longdouble),
}


@pytest.mark.parametrize("kind", list(UNSUPPORTED))
def test_unsupported_dtype_is_typing_error(kind):
    @njit
    def f(a):
        return len(a)

    a = UNSUPPORTED[kind]()
    with pytest.raises(TypingError, match="dtype"):
        f(a)
    assert f(np.zeros(3)) == 3  # the dispatcher still works afterwards


def test_unsupported_dtype_message_names_the_dtype():
    @njit
    def f(a):
        return len(a)

    for kind in ("object", "datetime64", "big_endian"):
        a = UNSUPPORTED[kind]()
        with pytest.raises(TypingError) as info:
            f(a)
        assert str(a.dtype) in str(info.value) or a.dtype.str in str(info.value), str(info.value)


def test_unsupported_dtype_message_names_the_function():
    @njit
    def takes_float16(a):
        return len(a)

    with pytest.raises(TypingError) as info:
        takes_float16(np.zeros(3, np.float16))
    assert "takes_float16" in str(info.value), str(info.value)


# ------------------------------------------------------------------ fresh process
FRESH_CASES = {
    "zeros": "f = njit(lambda n: np.zeros(n))\nr = f(3)\nassert r.tolist() == [0.0, 0.0, 0.0], r",
    "arange": "f = njit(lambda n: np.arange(n))\nr = f(3)\nassert r.tolist() == [0, 1, 2], r",
    "linspace": "f = njit(lambda n: np.linspace(0.0, 1.0, n))\nr = f(3)\nassert r.tolist() == [0.0, 0.5, 1.0], r",
    "array_arg": "f = njit(lambda a: a * 2)\nr = f(np.ones(2))\nassert r.tolist() == [2.0, 2.0], r",
}


@pytest.mark.parametrize("case", list(FRESH_CASES))
def test_first_call_in_fresh_process(case):
    """The first jitted call of a process may create an array without ever having
    received one (NumPy's C API must be ready for that)."""
    import subprocess
    code = "import numpy as np\nfrom swiftjit import njit\n" + FRESH_CASES[case] + "\nprint('ok')\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", \
        f"exit code {proc.returncode}: {proc.stderr.strip()[-500:]}"


# ------------------------------------------------------------------ arrays across jitted calls
@njit
def _make(n):
    return np.arange(n * 1.0)


@njit
def _view(a):
    return a[1:]


@njit
def _caller(a):
    return _make(len(a)).sum() + _view(a).sum()


@njit
def _caller_returning_view(a):
    return _view(_make(len(a)))


def test_arrays_through_jitted_calls():
    a = np.arange(10.0)
    assert _caller(a) == 90.0
    np.testing.assert_array_equal(_caller_returning_view(a), np.arange(1.0, 10.0))
    before = sys.getrefcount(a)

    def call():
        _caller(a)
        _caller_returning_view(a)
    growth = _rss_growth(call, 100_000, warm=5000)
    assert sys.getrefcount(a) == before
    assert growth < 4 * 2 ** 20, f"RSS grew by {growth / 2 ** 20:.1f} MB"
    v = _caller_returning_view(a)
    gc.collect()
    junk = _churn()
    np.testing.assert_array_equal(v, np.arange(1.0, 10.0))
    del junk
