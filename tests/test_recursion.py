"""Recursion in compiled code: results equal plain Python's, and recursion too deep for
the stack raises RecursionError (never a crash) on every path into native code: the
dispatcher's wrapper, other threads with small stacks, prange worker threads, cfuncs.

The guard is one compare of the stack pointer with the thread's limit before the jitted
calls of a function (CallLowering.stackCheck); functions that cannot raise otherwise return
their value directly and report an exhausted stack through a mark in the call's context
(Lowering/DirectCalls.swift). These tests run each deep case in a subprocess so that a crash
is a failure, not the end of the test run."""
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
    # Not `deep(n - 1) + 1`: LLVM turns that accumulator recursion into a loop
    # (test_accumulator_recursion_becomes_a_loop).
    if n == 0:
        return 0
    r = deep(n - 1)
    if r < 0:
        return r
    return r + 1

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


def test_accumulator_recursion_becomes_a_loop():
    # `f(n - 1) + 1` cannot raise, so it returns its value directly and LLVM turns the
    # recursion into a loop: any depth gives the right result (plain Python would raise).
    out = run(PRELUDE + '''
@njit
def acc(n):
    if n == 0:
        return 0
    return acc(n - 1) + 1
print(outcome(acc, 10**8))
''')
    assert out == ["100000000"]


def test_direct_functions_with_loops_stop_at_the_mark():
    # spin cannot raise, so it is a direct function; after its callee ran out of stack it
    # must not go on with a meaningless result (here: 10**8 more iterations of its loop).
    out = run(PRELUDE + '''
@njit
def spin(n):
    k = 0
    while deep(n) + k != n + 3:
        k += 1
    return k

@njit
def walker(n):
    # recursive, loops, cannot raise: checks the mark after each call
    if n == 0:
        return 0
    s = 0
    for i in range(2):
        s += walker(n - 1) if i == 0 else 1
    return s

print(outcome(spin, 5), outcome(spin, 10**8), outcome(spin, 7))
print(outcome(walker, 1000), outcome(walker, 10**8), outcome(walker, 10))
''')
    assert out == ["3", "RecursionError", "3", "1000", "RecursionError", "10"]


def test_raising_caller_of_a_direct_callee():
    # The status caller (assert) sees the mark after calling the direct recursive callee.
    out = run(PRELUDE + '''
@njit
def checked(n):
    assert n >= 0, "negative"
    return deep(n) * 2

print(outcome(checked, 50), outcome(checked, 10**8), outcome(checked, 60), outcome(checked, -1))
''')
    assert out == ["100", "RecursionError", "120", "other:AssertionError"]
