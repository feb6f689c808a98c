"""How the thread pool cuts a parallel loop into chunks (issue 7; Sources/CPython/parallel.c,
plan_chunks): guided chunks (large first, small last) with up to 8 threads, equal chunks
beyond, at most 64 chunks. Differential: every iteration runs exactly once, with the
loop value Python gives it, for iteration counts around every boundary of the plan
(fewer iterations than threads, not divisible by the thread count, just below and above
the size where the guided plan starts), negative steps, and other thread counts (in a
subprocess: the pool size is fixed per process)."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import swiftjit
from swiftjit import njit, prange


# With 2 threads the guided plan starts at 64 iterations (floor n / 64 >= 1); 16 * 64
# and 32 * 64 cross the sizes where the floor and the 1/(2 * threads) parts meet.
COUNTS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 127, 128, 129, 255, 257, 1000, 1023, 1025, 2049, 4097,
          65_537, 100_003]


@pytest.fixture(autouse=True)
def all_threads():
    n = swiftjit.get_num_threads()
    yield
    swiftjit.set_num_threads(n)


def visits(a, b, c):
    """Each iteration adds 1 at its own slot: a slot not at 1 afterwards ran 0 or 2+ times."""
    n = len(range(a, b, c))
    out = np.zeros(max(n, 1))
    s = 0
    t = 0.0
    lo = 1 << 62
    hi = -(1 << 62)
    for i in prange(a, b, c):
        k = (i - a) // c
        out[k] += 1.0
        s += i * 3 - 1
        t += 0.5 * i
        lo = min(lo, i)
        hi = max(hi, i)
    return out[:n].copy(), s, t, lo, hi


def check_visits(f, a, b, c):
    got = f(a, b, c)
    want = visits(a, b, c)
    assert np.array_equal(got[0], want[0]), f"iterations of range({a}, {b}, {c}) not run exactly once"
    assert got[1:] == want[1:]  # the float sum is exact: halves of ints below 2**53


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("n", COUNTS)
def test_every_iteration_once(n, threads):
    if threads > swiftjit.get_num_threads():
        pytest.skip("fewer cores")
    swiftjit.set_num_threads(threads)
    f = njit(parallel=True)(visits)
    check_visits(f, 0, n, 1)
    assert "parallelized" in f.parallel_diagnostics()


@pytest.mark.parametrize("args", [(10, 0, -1), (0, -1000, -3), (99_999, -1, -7), (-5, -70_000, -13), (3, 200_000, 9),
                                  (1000, 999, -1), (5, 5, -1), (0, 10, -1)])
def test_steps_and_starts(args):
    check_visits(njit(parallel=True)(visits), *args)


def float_sum(x):
    s = 0.0
    for i in prange(x.shape[0]):
        s += x[i] * 1.000001
    return s


@pytest.mark.parametrize("n", [65, 1000, 100_003])
def test_float_sum_is_the_same_on_every_call(n):
    """Chunk boundaries depend only on the count and the thread count: partial sums are
    combined in chunk order, so the result does not depend on which thread ran what."""
    x = np.random.default_rng(n).standard_normal(n) * 1e6
    f = njit(parallel=True)(float_sum)
    first = f(x)
    assert all(f(x) == first for _ in range(50))
    assert first == pytest.approx(float_sum(x), rel=1e-9)


def row_norms(a, out):
    for i in prange(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j] * a[i, j]
        out[i] = math.sqrt(s)
    return out


@pytest.mark.parametrize("shape", [(1, 5), (2, 3), (3, 1000), (63, 7), (65, 7), (129, 33), (2000, 50)])
def test_row_norms(shape):
    a = np.random.default_rng(shape[0]).standard_normal(shape)
    got = njit(parallel=True)(row_norms)(a, np.zeros(shape[0]))
    want = row_norms(a, np.zeros(shape[0]))
    assert np.array_equal(got, want)  # each row is summed serially, in Python's order


@pytest.mark.parametrize("n", [8191, 8192, 8193, 100_003])
def test_whole_array_expression_sizes(n):
    r = np.random.default_rng(n)
    a, b, c = r.random(n), r.random(n), r.random(n)
    f = njit(parallel=True)(lambda a, b, c: a + b * c)
    assert np.array_equal(f(a, b, c), a + b * c)
    g = njit(parallel=True)(lambda a: np.sqrt(a).sum())
    assert g(a) == pytest.approx(np.sqrt(a).sum(), rel=1e-12)


@pytest.mark.parametrize("threads", [3, 8, 9, 64])
def test_other_thread_counts(threads):
    """Guided plans up to 8 threads (capped at 64 chunks), equal chunks beyond."""
    code = (
        "import sys, numpy as np, swiftjit\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import test_parallel_chunks as t\n"
        "f = swiftjit.njit(parallel=True)(t.visits)\n"
        "for n in (1, 2, 7, 63, 64, 511, 512, 513, 1000, 5000, 100_003):\n"
        "    for a, b, c in ((0, n, 1), (n, 0, -1), (-n, 2 * n, 3)):\n"
        "        t.check_visits(f, a, b, c)\n"
        "print(swiftjit.get_num_threads())\n")
    env = dict(os.environ, SWIFTJIT_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", code, os.path.dirname(__file__)], env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(threads)]


def test_no_spinning_option():
    """SWIFTJIT_PARALLEL_SPIN_US=0: the workers sleep at once; results are the same."""
    code = (
        "import sys, swiftjit\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import test_parallel_chunks as t\n"
        "f = swiftjit.njit(parallel=True)(t.visits)\n"
        "for n in (0, 1, 5, 1000, 100_003):\n"
        "    for _ in range(20):\n"
        "        t.check_visits(f, 0, n, 1)\n"
        "print('ok')\n")
    env = dict(os.environ, SWIFTJIT_PARALLEL_SPIN_US="0")
    out = subprocess.run([sys.executable, "-c", code, os.path.dirname(__file__)], env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ok"]
