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


MAIN_SCRIPT = '''
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from swiftjit import njit

K = 3

@njit(fastmath=True)
def f(x):
    return x * K + 1

def make_closure(k):
    @njit
    def g(x):
        return x - k
    return g

if __name__ == "__main__":
    for method in ("spawn", "forkserver", "fork"):
        with multiprocessing.get_context(method).Pool(2) as p:
            print(method, p.map(f, range(5)), p.map(make_closure(10), [1.5, 2]))
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        print("executor", list(ex.map(f, [1.5, 2.5])))
'''


def test_functions_of_main_and_closures_in_pools(tmp_path):
    """Dispatchers defined in __main__ and closures travel by value (cloudpickle) to
    spawn, forkserver and fork workers, with their options, and compile there."""
    pytest.importorskip("cloudpickle")
    script = tmp_path / "main_pool.py"
    script.write_text(MAIN_SCRIPT)
    import subprocess
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr[-3000:]
    lines = p.stdout.splitlines()
    for i, method in enumerate(("spawn", "forkserver", "fork")):
        assert lines[i] == f"{method} [1, 4, 7, 10, 13] [-8.5, -8]", lines
    assert lines[3] == "executor [5.5, 8.5]"


FORK_WHILE_COMPILING = '''
import os, signal, sys, threading, time
from swiftjit import njit
from swiftjit.errors import TypingError

stop = False
def compiling():
    # Typing errors: the error message is made by Python code while the compile lock is
    # held, so the GIL passes to the forking thread with the lock taken.
    i = 0
    while not stop:
        ns = {}
        exec(f"def bad(x):\\n    return x + (1, {i})\\n", ns)
        try:
            njit(ns["bad"])(1)
        except TypingError:
            pass
        i += 1

threading.Thread(target=compiling, daemon=True).start()
time.sleep(0.2)
bad = 0
for k in range(30):
    pid = os.fork()
    if pid == 0:
        signal.alarm(20)                 # a deadlocked child dies of SIGALRM
        @njit
        def g(x):
            return x * 2
        @njit("float64(float64)")
        def h(x):
            return x + 0.5
        os._exit(0 if (g(21), h(1.0), g(1.5)) == (42, 1.5, 3.0) else 1)
    _, status = os.waitpid(pid, 0)
    bad += status != 0
stop = True
print("BAD CHILDREN", bad)
'''


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_while_another_thread_compiles():
    """A child forked while another thread holds the compile lock compiles normally
    (the lock starts over in the child) instead of waiting forever."""
    import subprocess
    p = subprocess.run([sys.executable, "-c", FORK_WHILE_COMPILING], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr[-3000:]
    assert "BAD CHILDREN 0" in p.stdout, p.stdout
