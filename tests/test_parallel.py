"""parallel=True and prange (issue 7): every prange kernel must give what the
plain Python loop gives (exactly for ints, approximately for float sums), for
empty, tiny, fewer-than-threads and large iteration spaces."""
import math

import numpy as np
import pytest

import swiftjit
from swiftjit import njit, prange

from lang_support import check

SIZES = [0, 1, 2, 3, 7, 1000, 100_003]


@pytest.fixture(autouse=True)
def all_threads():
    n = swiftjit.get_num_threads()
    yield
    swiftjit.set_num_threads(n)


def par(f):
    return njit(parallel=True)(f)


# ---- reductions of each kind ------------------------------------------------

def int_sum(n):
    s = 0
    for i in prange(n):
        s += i * i - 3 * i
    return s


def float_sum(n):
    s = 0.5
    for i in prange(n):
        s += math.sqrt(i + 0.25)
    return s


def sub_reduction(n):
    s = 10
    t = 1.0
    for i in prange(n):
        s -= i
        t -= 0.5 * i
    return s, t


def mixed_add_sub(n):
    s = 0
    for i in prange(n):
        s += 3 * i
        s -= i
    return s


def product(n):
    p = 1
    q = 1.0
    for i in prange(n):
        p *= -1 if i % 7 == 3 else 1
        p *= 2 if i % 9973 == 0 else 1
        q *= 1.0 + 1e-6 * (i % 3)
    return p, q


def minimum(n):
    m = 10 ** 9
    x = 1e300
    for i in prange(n):
        m = min(m, (i * 7919) % 1009 - 500)
        x = min(x, math.cos(i * 0.1))
    return m, x


def maximum(n):
    m = -(10 ** 9)
    x = -1e300
    for i in prange(n):
        m = max((i * 7919) % 1009 - 500, m)
        x = max(x, math.sin(i * 0.1))
    return m, x


def several(n):
    a = 0
    b = 0.0
    c = 1
    lo = n
    hi = -n
    for i in prange(n):
        k = (i * 31) % 17
        a += k
        b += k * 0.5
        c *= 1 if k else -1
        lo = min(lo, k)
        hi = max(hi, k)
    return a, b, c, lo, hi


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kernel", [int_sum, sub_reduction, mixed_add_sub, product, minimum, maximum, several])
def test_reductions(kernel, n):
    f = par(kernel)
    check(f, n, approx=True)
    assert "parallelized" in f.parallel_diagnostics()


@pytest.mark.parametrize("n", SIZES)
def test_float_sum(n):
    f = par(float_sum)
    check(f, n, approx=True)
    assert "reductions: s (+)" in f.parallel_diagnostics()


@pytest.mark.parametrize("n", [0, 1, 3, 10_000])
def test_same_as_serial_option(n):
    serial = njit(parallel=False)(several)
    parallel = par(several)
    assert serial(n) == parallel(n) == several(n)
    assert "parallel=False" in serial.parallel_diagnostics()


def test_int_reduction_wraps_like_serial():
    def f(n):
        p = 1
        for i in prange(n):
            p *= 3
        return p
    assert par(f)(100) == njit(f)(100) == -2984622845537545263


@pytest.mark.parametrize("args", [(0, 100, 3), (5, 50, 7), (100, 0, -3), (10, -10, -1), (0, 10, 100), (5, 5, 1),
                                  (7, 3, 1), (-1000, 1000, 13)])
def test_start_stop_step(args):
    def f(a, b, c):
        s = 0
        m = -(10 ** 9)
        for i in prange(a, b, c):
            s += i
            m = max(m, i)
        return s, m
    check(par(f), *args)


def test_step_zero_raises():
    def f(n):
        s = 0
        for i in prange(0, n, 0):
            s += i
        return s
    check(par(f), 10)


@pytest.mark.parametrize("threads", [1, 2])
def test_set_num_threads(threads):
    if threads > swiftjit.get_num_threads():
        pytest.skip("pool too small")
    swiftjit.set_num_threads(threads)
    assert swiftjit.get_num_threads() == threads
    check(par(several), 10_001)


def test_set_num_threads_rejects_bad_values():
    with pytest.raises(ValueError):
        swiftjit.set_num_threads(0)
    with pytest.raises(ValueError):
        swiftjit.set_num_threads(10_000)


def test_prange_is_range_in_python():
    assert list(prange(3)) == [0, 1, 2]
    assert list(prange(1, 10, 4)) == [1, 5, 9]


def test_prange_without_parallel_is_range():
    f = njit(int_sum)
    for n in SIZES:
        check(f, n)
    assert "runs serially (parallel=False)" in f.parallel_diagnostics()


# ---- arrays -----------------------------------------------------------------

@pytest.mark.parametrize("n", SIZES)
def test_fill_array(n):
    @njit(parallel=True)
    def fill(out):
        for i in prange(out.shape[0]):
            out[i] = i * i + 0.5
    a = np.zeros(n)
    fill(a)
    assert np.array_equal(a, np.arange(n) ** 2 + 0.5)


def test_fill_2d_and_reduce():
    @njit(parallel=True)
    def f(a):
        total = 0.0
        for i in prange(a.shape[0]):
            for j in range(a.shape[1]):
                a[i, j] = i * 10 + j
                total += a[i, j]
        return total
    a = np.zeros((37, 5))
    t = f(a)
    expected = np.add.outer(np.arange(37) * 10, np.arange(5)).astype(float)
    assert np.array_equal(a, expected)
    assert t == pytest.approx(expected.sum())


def test_read_array_sum_of_sqrt():
    @njit(parallel=True)
    def f(x):
        s = 0.0
        for i in prange(x.shape[0]):
            s += math.sqrt(x[i])
        return s
    x = np.random.default_rng(1).random(200_001)
    assert f(x) == pytest.approx(np.sqrt(x).sum(), rel=1e-12)


def test_arrays_created_in_body():
    @njit(parallel=True)
    def f(n):
        s = 0.0
        for i in prange(n):
            t = np.zeros(3)
            t[1] = i
            s += t[1] + t.sum()
        return s
    assert f(1000) == float(f.py_func(1000)) == 999000.0
    assert f(0) == 0.0


def test_output_array_created_outside():
    @njit(parallel=True)
    def f(n):
        out = np.empty(n)
        for i in prange(n):
            out[i] = math.sqrt(i)
        return out
    assert np.array_equal(f(1001), np.sqrt(np.arange(1001.0)))


# ---- nests --------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 3, 60])
def test_nested_prange_inner_serial(n):
    @njit(parallel=True)
    def f(n):
        s = 0
        for i in prange(n):
            for j in prange(i):
                s += i * j
        return s
    check(f, n)
    d = f.parallel_diagnostics()
    assert "line" in d and "parallelized" in d and "nested in the parallel loop" in d


def test_prange_inside_serial_loop():
    @njit(parallel=True)
    def f(n):
        total = 0
        for t in range(4):
            s = 0
            for i in prange(n):
                s += i * t
            total += s
        return total
    check(f, 1000)
    assert "parallelized" in f.parallel_diagnostics()


def test_private_variables_and_branches():
    @njit(parallel=True)
    def f(n):
        s = 0.0
        for i in prange(n):
            x = i * 0.5
            if i % 3 == 0:
                y = x * 2.0
            else:
                y = -x
            z = y + 1.0
            s += z
        return s
    check(f, 1001, approx=True)
    assert "parallelized" in f.parallel_diagnostics()


def test_calls_jitted_function():
    @njit
    def g(x):
        return x * x + 1

    @njit(parallel=True)
    def f(n):
        s = 0
        for i in prange(n):
            s += g(i)
        return s
    check(f, 10_000)


# ---- exceptions ---------------------------------------------------------------

# For n = 1001 the bad iteration sits at the edges of the first and last chunks of the
# guided chunk plan (tests/test_parallel_chunks.py) and in the middle.
@pytest.mark.parametrize("n, bads", [(5, (3, 1, 10)), (50, (48, 1, 55)), (100_000, (99_998, 1, 100_005)),
                                     (1001, (0, 1, 63, 64, 999, 1000, -1))])
def test_exception_in_body(n, bads):
    @njit(parallel=True)
    def f(n, bad):
        s = 0
        for i in prange(n):
            if i == bad:
                raise ValueError("bad iteration")
            s += i
        return s
    for bad in bads:
        check(f, n, bad)


def test_zero_division_in_body():
    @njit(parallel=True)
    def f(n, k):
        s = 0
        for i in prange(n):
            s += 100 // (i - k)
        return s
    check(f, 1000, 777)
    check(f, 1000, -1)


def test_index_error_in_body():
    @njit(parallel=True, boundscheck=True)
    def f(a, n):
        s = 0.0
        for i in prange(n):
            s += a[i]
        return s
    a = np.ones(10)
    assert f(a, 10) == 10.0
    with pytest.raises(IndexError, match="out of bounds"):
        f(a, 1000)


def test_exception_then_normal_call():
    @njit(parallel=True)
    def f(n):
        s = 0
        for i in prange(n):
            if i == 500:
                raise KeyError
            s += i
        return s
    with pytest.raises(KeyError):
        f(1000)
    assert f(500) == sum(range(500))


# ---- loops that stay serial -----------------------------------------------------

def test_break_stays_serial():
    @njit(parallel=True)
    def f(n):
        s = 0
        for i in prange(n):
            if i > 10:
                break
            s += i
        return s
    check(f, 100)
    # CPython 3.10 and 3.12+ copy the short code after the loop (`return s`) to
    # where the break was, so the loop body returns instead: serial all the same.
    diag = f.parallel_diagnostics()
    assert "break" in diag or "'return'" in diag, diag


def test_loop_carried_dependency_stays_serial():
    @njit(parallel=True)
    def f(n):
        x = 0
        s = 0
        for i in prange(n):
            s += x
            x = i
        return s
    check(f, 100)
    assert "variable 'x'" in f.parallel_diagnostics()


def test_loop_variable_used_after_stays_serial():
    @njit(parallel=True)
    def f(n):
        s = 0
        i = -1
        for i in prange(n):
            s += i
        return s + i
    check(f, 100)
    assert "variable 'i' is assigned in the loop and used after it" in f.parallel_diagnostics()


def test_return_in_body_stays_serial():
    @njit(parallel=True)
    def f(n):
        for i in prange(n):
            if i == 7:
                return i
        return -1
    check(f, 100)
    check(f, 3)
    assert "return" in f.parallel_diagnostics()


def test_non_reduction_update_stays_serial():
    @njit(parallel=True)
    def f(n):
        s = 0
        for i in prange(n):
            s = s * 2 + i
        return s
    check(f, 40)
    assert "not parallelized" in f.parallel_diagnostics()


def test_no_prange():
    @njit(parallel=True)
    def f(n):
        s = 0
        for i in range(n):
            s += i
        return s
    check(f, 10)
    assert "no prange loops" in f.parallel_diagnostics()


# ---- with nogil and threads -------------------------------------------------------

def test_parallel_nogil_from_threads():
    import threading

    @njit(parallel=True, nogil=True)
    def f(n):
        s = 0
        for i in prange(n):
            s += i % 7
        return s
    results = []

    def run():
        results.append(f(200_000))
    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [sum(i % 7 for i in range(200_000))] * 4


def test_print_in_body(capfd):
    @njit(parallel=True)
    def f(n):
        for i in prange(n):
            print(i)
        return 0
    f(20)
    # Python's print writes the value and the newline separately: lines of
    # two threads may interleave, so compare the characters printed.
    out = capfd.readouterr().out
    assert sorted(out.replace("\n", "")) == sorted("".join(str(i) for i in range(20)))
    assert out.count("\n") == 20


def test_diagnostics_before_first_call():
    f = njit(parallel=True)(int_sum)
    assert "no compiled specializations" in f.parallel_diagnostics()


def test_parallel_function_called_in_parallel_loop():
    @njit(parallel=True)
    def inner(k):
        s = 0
        for j in prange(k):
            s += j
        return s

    @njit(parallel=True)
    def outer(n):
        s = 0
        for i in prange(n):
            s += inner(i)
        return s
    assert outer(300) == sum(i * (i - 1) // 2 for i in range(300))


def test_many_calls_stress():
    f = par(several)
    expected = several(5000)
    for _ in range(300):
        assert f(5000) == expected


def test_int_variable_becomes_float():
    @njit(parallel=True)
    def f(n):
        s = 0
        m = 100
        for i in prange(n):
            s += 0.25 * i
            m = min(m, i * 0.5 - 3)
        return s, m
    for n in (1, 5, 1000):
        check(f, n, approx=True)
    assert f(0) == (0.0, 100.0)  # the variables are float64 on every path, as with range


def test_num_threads_from_environment():
    import subprocess
    import sys
    code = ("import swiftjit\n"
            "from swiftjit import njit, prange\n"
            "@njit(parallel=True)\n"
            "def f(n):\n"
            "    s = 0\n"
            "    for i in prange(n):\n"
            "        s += i\n"
            "    return s\n"
            "print(swiftjit.get_num_threads(), f(100_001), f(5))\n")
    env = dict(__import__("os").environ, SWIFTJIT_NUM_THREADS="5")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["5", str(sum(range(100_001))), "10"]


class ChunkError(Exception):
    pass


def test_user_exception_in_body():
    @njit(parallel=True)
    def f(n):
        s = 0
        for i in prange(n):
            if i == n // 2:
                raise ChunkError("from a chunk")
            s += i
        return s
    with pytest.raises(ChunkError, match="from a chunk"):
        f(10_000)


def test_disk_cache_roundtrip(tmp_path):
    import subprocess
    import sys
    mod = tmp_path / "parmod.py"
    mod.write_text(
        "import swiftjit\n"
        "from swiftjit import njit, prange\n"
        "@njit(parallel=True, cache=True)\n"
        "def f(n):\n"
        "    s = 0.0\n"
        "    m = 0\n"
        "    for i in prange(n):\n"
        "        s += i * 0.5\n"
        "        m = max(m, i % 1000)\n"
        "    return s, m\n"
        "r = f(100_000)\n"
        "print(r[0] == sum(i * 0.5 for i in range(100_000)), r[1], f.stats['cache_hits'], f.stats['cache_misses'])\n"
        "print('parallelized' in f.parallel_diagnostics())\n")
    env = dict(__import__("os").environ, SWIFTJIT_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, str(mod)], env=env, capture_output=True, text=True, check=True,
                           cwd=tmp_path).stdout.split() for _ in range(2)]
    assert runs[0] == ["True", "999", "0", "1", "True"]
    assert runs[1] == ["True", "999", "1", "0", "True"]


def test_body_that_cannot_be_outlined_runs_serially():
    @njit(parallel=True)
    def f(n):
        err = ValueError("too big")
        s = 0
        for i in prange(n):
            if i > 50:
                raise err
            s += i
        return s
    check(f, 10)
    check(f, 100)
    assert "not parallelized: the parallel body cannot be compiled" in f.parallel_diagnostics()


# ---- float sums vectorized inside a chunk (reassociated like the chunks' partials) ----

def array_sums(x):
    s = 0.0
    t = 100.0
    for i in prange(x.shape[0]):
        s += math.sqrt(abs(x[i])) * 0.5
        t -= x[i]
    return s, t


@pytest.mark.parametrize("n", [0, 1, 3, 5, 8191, 100_003])
def test_vectorized_float_sums_match_serial(n):
    x = np.random.default_rng(n).standard_normal(n) * 100
    p, s = njit(parallel=True)(array_sums), njit(parallel=False)(array_sums)
    got, want = p(x), s(x)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-9)
    assert got == pytest.approx(array_sums(x), rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("special", [math.nan, math.inf, -math.inf])
def test_vectorized_float_sums_special_values(special):
    x = np.random.default_rng(1).standard_normal(50_001)
    x[31_337] = special
    got, want = njit(parallel=True)(array_sums)(x), array_sums(x)
    for g, w in zip(got, want):
        assert (math.isnan(g) and math.isnan(w)) or g == w
