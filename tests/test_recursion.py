"""Recursion in compiled code: results equal plain Python's, and recursion too deep for
the stack raises RecursionError (never a crash) on every path into native code: the
dispatcher's wrapper, other threads with small stacks, prange worker threads, cfuncs.

The guard is one compare of the stack pointer with the thread's limit at the entry of
every function that calls jitted functions (Lowering.swift); these tests run each deep
case in a subprocess so that a crash is a failure, not the end of the test run."""
import subprocess
import sys
import textwrap

import pytest

from swiftjit import njit
from lang_support import check


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def depth_sum(n):
    if n <= 0:
        return 0
    return n + depth_sum(n - 1)


@njit
def fact_float(x):
    if x <= 1.0:
        return 1.0
    return x * fact_float(x - 1.0)


@njit
def binomial(n, k):
    if k == 0 or k == n:
        return 1
    return binomial(n - 1, k - 1) + binomial(n - 1, k)


@njit
def uses_fib(n):
    total = 0
    for i in range(n):
        total += fib(i)
    return total


@pytest.mark.parametrize("n", [-3, 0, 1, 2, 3, 10, 20, 25])
def test_fib(n):
    check(fib, n)


@pytest.mark.parametrize("args", [(0, 0), (5, 2), (10, 5), (16, 8), (20, 1), (20, 20)])
def test_binomial(args):
    check(binomial, *args)


@pytest.mark.parametrize("x", [-1.0, 0.5, 1.0, 5.0, 20.0, 170.0, 171.0])
def test_float_recursion(x):
    check(fact_float, x)


def test_recursive_callee_in_a_loop():
    check(uses_fib, 20)


def test_deeper_than_python_allows():
    # Python's own limit (sys.getrecursionlimit(), 1000 by default) does not apply to native
    # frames: only the thread's real stack does.
    assert depth_sum(50_000) == 50_000 * 50_001 // 2


def run(code):
    """Runs `code` in a fresh interpreter; returns its stdout lines (fails if it died)."""
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"the process died (code {p.returncode}): {p.stderr[-2000:]}"
    return p.stdout.split()


PRELUDE = '''
import threading
import numpy as np
from swiftjit import njit, cfunc, prange

@njit
def deep(n):
    if n == 0:
        return 0
    return deep(n - 1) + 1

def outcome(f, *args):
    try:
        return str(f(*args))
    except RecursionError as e:
        return "RecursionError" if "maximum recursion depth" in str(e) else "other:" + str(e)
    except Exception as e:
        return "other:" + type(e).__name__
'''


def test_too_deep_raises_and_the_function_still_works():
    out = run(PRELUDE + '''
print(outcome(deep, 10**8))
print(outcome(deep, 1000))
print(outcome(deep, 10**8))
''')
    assert out == ["RecursionError", "1000", "RecursionError"]


@pytest.mark.parametrize("stack_kb", [256, 1024, 8192])
def test_threads_with_small_stacks(stack_kb):
    # Each thread checks against its own stack, whatever its size.
    out = run(PRELUDE + f'''
threading.stack_size({stack_kb} * 1024)
results = []
def work():
    results.append(outcome(deep, 10**8))
    results.append(outcome(deep, 100))
threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(*results)
''')
    assert sorted(out) == ["100", "100", "RecursionError", "RecursionError"]


def test_prange_worker_threads():
    out = run(PRELUDE + '''
@njit(parallel=True)
def many(depths):
    s = 0
    for i in prange(len(depths)):
        s += deep(depths[i])
    return s
print(outcome(many, np.full(8, 200)))
print(outcome(many, np.array([10, 10**8, 10, 10, 10, 10, 10, 10])))
print(outcome(many, np.full(8, 300)))
''')
    assert out == ["1600", "RecursionError", "2400"]


def test_cfunc():
    out = run(PRELUDE + '''
@cfunc("int64(int64)")
def c_deep(n):
    return deep(n)
print(c_deep(500))
print(outcome(c_deep.ctypes, 10**8))
''')
    # A cfunc cannot raise: the error is reported as unraisable and the result is 0.
    assert out == ["500", "0"]
