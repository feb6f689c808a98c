"""Dispatchers pickle (by reference or by value) and work in multiprocessing pools,
with the fork and spawn start methods, including after parallel loops ran."""
import concurrent.futures
import multiprocessing
import os
import pickle
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import mp_kernels  # noqa: E402
from swiftjit import njit  # noqa: E402


def test_module_function_pickles_by_reference():
    mp_kernels.square(3)
    clone = pickle.loads(pickle.dumps(mp_kernels.square))
    assert clone is mp_kernels.square


def test_closure_pickles_by_value_with_options():
    pytest.importorskip("cloudpickle")
    k = 7

    @njit(fastmath=True)
    def add_k(x):
        return x + k

    clone = pickle.loads(pickle.dumps(add_k))
    assert clone is not add_k
    assert clone(5) == 12 and clone.py_func(5) == 12
    assert clone.targetoptions["fastmath"] is True and clone.targetoptions["nopython"] is True


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_map(method):
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        assert pool.map(mp_kernels.square, range(20)) == [x * x for x in range(20)]


def test_process_pool_executor_with_arrays():
    a = np.arange(12.0).reshape(4, 3)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        results = list(ex.map(mp_kernels.row_sums, [a, a * 2]))
    np.testing.assert_array_equal(results[0], a.sum(axis=1))
    np.testing.assert_array_equal(results[1], (a * 2).sum(axis=1))


def _child(queue):
    # Already compiled in the parent, a new specialization, and a parallel loop.
    queue.put((mp_kernels.parallel_sum(1000), mp_kernels.square(2.5), mp_kernels.parallel_sum(10)))


def test_fork_after_parallel_loops():
    expected = sum(i * 0.5 for i in range(1000))
    assert mp_kernels.parallel_sum(1000) == pytest.approx(expected)  # starts the thread pool
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    p = ctx.Process(target=_child, args=(queue,))
    p.start()
    p.join(60)
    assert p.exitcode == 0, "the forked child deadlocked or crashed"
    big, sq, small = queue.get(timeout=5)
    assert big == pytest.approx(expected) and sq == 6.25 and small == pytest.approx(22.5)
