"""Jitted functions called where CPython runs code at odd moments (issue 9.3): from
signal handlers, from destructors (__del__ by reference count and by the cycle
collector, weakref callbacks, weakref.finalize), from atexit handlers and from
__del__ during interpreter shutdown, and from daemon threads still running when
the interpreter exits.

Each case runs in its own interpreter: the test asserts its exit status (0, or
the status the script chose), what it printed, and that nothing crashed (no
signal death, no fatal error). Compiles happen inside the handlers too (first
calls of new specializations), since that is where reentrancy problems live.
"""
import os
import subprocess
import sys
import textwrap

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

PRELUDE = '''
import gc, os, signal, sys, threading, weakref, atexit
import numpy as np
from swiftjit import njit

@njit
def f(x):
    return x * 2 + 1

@njit
def div(a, b):
    return a // b

@njit(nogil=True)
def spin(n):
    s = 0.0
    for i in range(n):
        s += (i % 7) * 0.5
    return s

def say(*parts):
    # os.write works even while sys.stdout is being torn down at shutdown.
    os.write(1, (" ".join(str(p) for p in parts) + "\\n").encode())
'''


def run(body, timeout=120):
    code = PRELUDE + textwrap.dedent(body)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=HERE)
    assert p.returncode >= 0, f"killed by signal {-p.returncode}:\n{p.stdout}\n{p.stderr[-3000:]}"
    assert "Fatal Python error" not in p.stderr, p.stderr[-3000:]
    assert "Segmentation fault" not in p.stderr, p.stderr[-3000:]
    return p


def lines(p):
    return p.stdout.splitlines()


# ---------------------------------------------------------------- signal handlers

def test_signal_handler_calls_compiled_and_new_specializations():
    p = run('''
        got = []
        def handler(signum, frame):
            got.append(f(len(got)))      # compiled before the signal
            got.append(f(0.5))           # first float call: compiles inside the handler
            got.append(f((1 + 2j)))      # and complex
        signal.signal(signal.SIGUSR1, handler)
        f(1)
        for _ in range(3):
            os.kill(os.getpid(), signal.SIGUSR1)
        signal.raise_signal(signal.SIGUSR1)
        say("GOT", got)
        say("SIGS", sorted(map(str, f.signatures)))
    ''')
    assert p.returncode == 0, p.stderr
    expected = []
    for k in range(4):
        expected += [len(expected) * 2 + 1, 2.0, (1 + 2j) * 2 + 1]
    assert lines(p)[0] == f"GOT {expected}"
    assert len(eval(lines(p)[1][len("SIGS "):])) == 3


def test_signal_during_long_native_calls():
    """SIGALRM every 2 ms while the main thread runs native loops (with and without
    the GIL released): each handler call runs jitted code of its own."""
    p = run('''
        @njit
        def spin_gil(n):
            s = 0
            for i in range(n):
                s += i % 3
            return s
        count = [0]
        def handler(signum, frame):
            count[0] += 1
            k = count[0] % 1000          # local: handlers nest when signals come faster than they run
            assert f(k) == 2 * k + 1
            assert div(7, 2) == 3
            assert spin(100) == spin.py_func(100)
        signal.signal(signal.SIGALRM, handler)
        spin(10); spin_gil(10)
        expected, expected_gil = spin.py_func(20000), spin_gil.py_func(20000)
        signal.setitimer(signal.ITIMER_REAL, 0.002, 0.002)
        try:
            for k in range(200):
                assert spin(20000) == expected
                assert spin_gil(20000) == expected_gil
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
        say("HANDLED", count[0] > 0, spin(20000) == spin.py_func(20000))
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p)[-1] == "HANDLED True True"


def test_exception_from_jitted_code_in_signal_handler_propagates():
    p = run('''
        def handler(signum, frame):
            div(1, 0)                    # ZeroDivisionError raised by compiled code
        signal.signal(signal.SIGUSR1, handler)
        try:
            os.kill(os.getpid(), signal.SIGUSR1)
            for _ in range(100):
                pass
        except ZeroDivisionError as e:
            say("CAUGHT", type(e).__name__, e)
        say("AFTER", div(9, 2))
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["CAUGHT ZeroDivisionError integer division or modulo by zero", "AFTER 4"]


def test_keyboard_interrupt_during_native_loop():
    """Native loops are not interruptible (as in Numba): SIGINT raises KeyboardInterrupt
    as soon as the call returns, and the call's result is intact."""
    p = run('''
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        signal.signal(signal.SIGALRM, lambda *a: os.kill(os.getpid(), signal.SIGINT))
        r = None
        try:
            while True:
                r = spin(3_000_000)
        except KeyboardInterrupt:
            say("INTERRUPTED", r is None or r == spin.py_func(3_000_000))
        say("STILL WORKS", f(20))
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["INTERRUPTED True", "STILL WORKS 41"]


def test_signals_while_compiling():
    """A 0.2 ms interval timer while the main thread compiles: handlers run inside the
    Python parts of compilation (keyword binding, error formatting) and compile too."""
    p = run('''
        from swiftjit.errors import TypingError
        handled = [0]
        seen = set()
        def handler(signum, frame):
            handled[0] += 1
            k = handled[0] % 4
            v = [1, 2.5, True, 1j][k]
            assert f(v) == v * 2 + 1
            seen.add(type(v).__name__)
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
        ok = 0
        for i in range(40):
          try:
            ns = {}
            exec(f"def g(x, y=2):\\n    return x * {i} + y\\n", ns)
            g = njit(ns["g"])
            assert g(3, y=1) == 3 * i + 1
            assert g(1.5) == 1.5 * i + 2
            try:
                g("a")
            except TypingError:
                ok += 1
          finally:
            if i == 39:
                signal.setitimer(signal.ITIMER_REAL, 0, 0)
        say("DONE", ok, handled[0] > 0)
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p)[-1] == "DONE 40 True"


# ---------------------------------------------------------------- destructors

def test_del_calls_jitted_function():
    p = run('''
        out = []
        class Holder:
            def __init__(self, v):
                self.v = v
            def __del__(self):
                out.append(f(self.v))    # int compiled earlier; float and bool compile here
        f(1)
        for v in (3, 0.25, True):
            h = Holder(v)
            del h
        say("OUT", out)
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["OUT [7, 1.5, 3]"]


def test_cycle_collector_runs_jitted_destructors_inside_compiles():
    """gc threshold 1: the collector runs at nearly every allocation, including those
    made while the dispatcher binds arguments and compiles; the destructors of the
    collected cycles call and compile jitted functions (a compile nested in a compile)."""
    p = run('''
        out = []
        @njit
        def h(x):
            return x - 1
        class Cyclic:
            def __init__(self, v):
                self.me = self
                self.v = v
            def __del__(self):
                out.append((f(self.v), h(self.v)))
        gc.set_threshold(1, 1, 1)
        made = 0
        for i in range(60):
            Cyclic([1, 2.0, True, 3j][i % 4]); Cyclic(i)
            made += 2
            ns = {}
            exec(f"def g(x):\\n    return x + {i}\\n", ns)
            g = njit(ns["g"])
            assert g(i) == 2 * i and g(0.5) == 0.5 + i
        gc.set_threshold(700, 10, 10)
        gc.collect()
        good = all(b * 2 + 3 == a for a, b in out)
        say("COLLECTED", len(out) == made, good, sorted({type(a).__name__ for a, b in out}))
    ''')
    assert p.returncode == 0, p.stderr
    # f(True) is the int 3: bools come back as ints.
    assert lines(p)[-1] == "COLLECTED True True ['complex', 'float', 'int']", p.stdout


def test_weakref_callbacks_and_finalize_call_jitted_functions():
    p = run('''
        out = []
        class Thing:
            pass
        a, b = Thing(), Thing()
        r = weakref.ref(a, lambda ref: out.append(("ref", f(2.5))))
        weakref.finalize(b, lambda: out.append(("finalize", div(17, 5))))
        del a, b
        c = Thing()
        weakref.finalize(c, lambda: out.append(("at exit", f(4))))
        say("OUT", out)
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["OUT [('ref', 6.0), ('finalize', 3)]"]


def test_atexit_handler_calls_and_compiles():
    p = run('''
        @atexit.register
        def bye():
            say("ATEXIT", f(5), f(0.5), div(-7, 2))   # f(0.5) and div compile at exit
        f(1)
        say("MAIN")
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["MAIN", "ATEXIT 11 2.0 -4"]


def test_del_during_interpreter_shutdown():
    """Objects alive until the interpreter finalizes: their __del__ runs while modules
    are being torn down (one of them only when the final collection breaks its cycle)."""
    p = run('''
        class Late:
            def __init__(self, fn, arg, tag):
                self.fn, self.arg, self.tag = fn, arg, tag
            def __del__(self):
                try:
                    say(self.tag, self.fn(self.arg))
                except BaseException as e:
                    say(self.tag, "raised", type(e).__name__)
        f(1)
        late_compiled = Late(f, 20, "LATE-COMPILED")
        late_new = Late(div, (9, 2), "LATE-NEW")  # wrong arity on purpose: a TypeError path
        late_cycle = Late(f, 3, "LATE-CYCLE"); late_cycle.me = late_cycle
        late_compile = Late(spin, 10, "LATE-COMPILE")
        sys.modules["__main__"].keep = [late_compiled]
        say("MAIN")
    ''')
    assert p.returncode == 0, p.stderr
    out = lines(p)
    assert out[0] == "MAIN"
    # Every destructor ran: compiled calls and a compile at shutdown work; the wrong
    # call raises its TypeError as it would at any other time.
    assert sorted(out[1:]) == ["LATE-COMPILE 12.0", "LATE-COMPILED 41", "LATE-CYCLE 7", "LATE-NEW raised TypeError"], out


def test_daemon_threads_running_jitted_code_at_exit():
    """Daemon threads in native code (GIL released), compiling and calling while the
    main thread exits: the process ends with status 0."""
    p = run('''
        @njit(nogil=True)
        def work(n, k):
            s = 0
            for i in range(n):
                s += (i * k) % 11
            return s
        started = threading.Barrier(5)
        def loop(k):
            started.wait()
            i = 0
            while True:
                work(200_000, k)
                work(1000, float(k) + i)     # int and float specializations
                ns = {}
                exec(f"def g(x):\\n    return x * {i % 50} + {k}\\n", ns)
                njit(ns["g"])(i)
                i += 1
        for k in range(4):
            threading.Thread(target=loop, args=(k,), daemon=True).start()
        started.wait()
        spin(100000)
        say("EXITING")
        sys.exit(3)
    ''')
    assert p.returncode == 3, p.stderr
    assert lines(p) == ["EXITING"]


def test_daemon_thread_in_parallel_loop_at_exit():
    p = run('''
        from swiftjit import prange
        @njit(parallel=True)
        def psum(n):
            s = 0.0
            for i in prange(n):
                s += i * 0.5
            return s
        def loop():
            while True:
                psum(2_000_000)
        psum(10)
        threading.Thread(target=loop, daemon=True).start()
        spin(100000)
        say("EXITING", psum(1000))
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["EXITING 249750.0"]


def test_del_in_other_threads():
    """Destructors run in whichever thread drops the last reference, several at once."""
    p = run('''
        out = []
        lock = threading.Lock()
        class Holder:
            def __init__(self, v):
                self.v = v
            def __del__(self):
                r = f(self.v)
                with lock:
                    out.append(r)
        def worker(k):
            for i in range(500):
                Holder([i, i * 0.5, bool(i & 1)][(i + k) % 3])
        ts = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in ts: t.start()
        for t in ts: t.join()
        say("COUNT", len(out))
    ''')
    assert p.returncode == 0, p.stderr
    assert lines(p) == ["COUNT 2000"]
