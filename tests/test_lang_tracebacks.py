"""Tracebacks of exceptions raised in compiled code (issue 4, point 4).

Differential: the same source is run by plain Python and compiled by swiftjit (every
function of the namespace decorated, so jitted functions call jitted callees), and the
frames *inside* the functions under test (names and line numbers, from
``traceback.extract_tb``) must be identical, as must the exception's class and message.
"""
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest

from swiftjit import jit, njit, prange

FILENAME = "<swiftjit traceback cases>"

SOURCE = '''
class MyError(Exception):
    pass

def raise_message(x):
    if x > 3:
        raise ValueError("x is too big")
    return x

def raise_class(x):
    y = x * 2
    if y > 3:
        raise KeyError
    return y

def custom(x):
    for i in range(x):
        if i == 4:
            raise MyError("four")
    return x

def asserts(x):
    assert x < 5, "x must be small"
    assert x != 2
    return x

def divides(a, b):
    q = a // b
    r = a % b
    return q + r

def fdivides(a, b):
    return a / b

def multi_line(x):
    if x:
        raise ValueError(
            "spread over "
            "three lines")
    return 0

def leaf(x):
    if x < 0:
        raise ValueError("negative")
    return x + 1

def middle(x):
    y = x - 1
    z = leaf(y)
    return z * 2

def outer(x):
    total = 0
    total += middle(x)
    return total

def countdown(n):
    if n == 0:
        raise MyError("bottom")
    if n < 0:
        return 0
    return countdown(n - 1) + 1

def with_inner(x):
    def helper(v):
        if v > 2:
            raise ValueError("inner " + "helper")
        return v
    return helper(x) + 1

def factorial_error(n):
    import_free = n - 1
    return math.factorial(import_free)

def tuple_index(t, i):
    s = 0
    s += t[i]
    return s

def list_index(n, i):
    items = [k for k in range(n)]
    v = items[i]
    return v

def dict_key(k):
    d = {1: 2.0, 3: 4.0}
    return d[k]

def multi_call(x):
    r = leaf(
        x - 1)
    return r

def with_lambda(x):
    f = lambda v: 10 // v
    return f(x) + 1

def in_loop(n):
    s = 0
    for i in range(n):
        s += 10 // (5 - i)
    return s
'''

ARRAY_SOURCE = '''
def index_array(a, i):
    s = 0.0
    s += a[i]
    return s

def index_2d(a, i, j):
    return a[i, j]

def calls_indexer(a, i):
    t = 1.0
    t = t + index_array(a, i)
    return t
'''

PARALLEL_SOURCE = '''
def prange_raise(n):
    s = 0
    for i in prange(n):
        if i == 7:
            raise ValueError("seven")
        s += i
    return s

def prange_callee(n):
    s = 0
    for i in prange(n):
        s += leaf(5 - i)
    return s

def leaf(x):
    if x < 0:
        raise ValueError("negative")
    return x + 1
'''


def namespaces(source, **options):
    """(plain namespace, jitted namespace) of `source`; in the jitted one every function
    is compiled with `options`, and calls between them go to the jitted versions."""
    import math
    code = compile(source, FILENAME, "exec")
    plain = {"math": math, "prange": range}
    exec(code, plain)
    jitted = {"math": math, "prange": prange}
    exec(code, jitted)
    for name, value in list(jitted.items()):
        if name != "prange" and callable(value) and getattr(value, "__code__", None) is not None:
            jitted[name] = njit(**options)(value)
    return plain, jitted


def inner_frames(func, *args):
    """Class, message and (name, line) of the frames below the caller, or None."""
    try:
        func(*args)
    except Exception as exc:  # noqa: BLE001 - any exception is an outcome
        frames = traceback.extract_tb(exc.__traceback__)[1:]
        return type(exc).__name__, str(exc), [(f.name, f.lineno) for f in frames], frames
    return None


def check_same(plain, jitted, name, *args):
    want = inner_frames(plain[name], *args)
    got = inner_frames(jitted[name], *args)
    assert want is not None, f"{name}{args} does not raise in Python"
    assert got is not None, f"{name}{args} did not raise when compiled"
    assert got[:3] == want[:3], f"{name}{args}: {got[:3]} != {want[:3]}"
    assert all(f.filename == FILENAME for f in got[3]), [f.filename for f in got[3]]


PLAIN, JITTED = namespaces(SOURCE)

CASES = [
    ("raise_message", 4), ("raise_message", 100),
    ("raise_class", 2), ("raise_class", 7),
    ("custom", 5), ("custom", 9),
    ("asserts", 5), ("asserts", 2),
    ("divides", 7, 0), ("divides", -3, 0),
    ("fdivides", 1.5, 0.0),
    ("multi_line", 1),
    ("leaf", -1), ("middle", 0), ("outer", -4), ("outer", 0),
    ("countdown", 0), ("countdown", 1), ("countdown", 5),
    ("with_inner", 3),
    ("factorial_error", 0), ("factorial_error", -3),
    ("tuple_index", (1, 2, 3), 3), ("tuple_index", (1, 2, 3), -4),
    ("list_index", 3, 5),
    ("dict_key", 2),
    ("in_loop", 9),
    ("multi_call", 0), ("with_lambda", 0),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{c[1:]}")
def test_frames_match_python(case):
    check_same(PLAIN, JITTED, case[0], *case[1:])


def test_successful_calls_are_unchanged():
    for name, args in [("raise_message", (1,)), ("outer", (3,)), ("countdown", (0,))]:
        if name == "countdown":
            continue
        assert JITTED[name](*args) == PLAIN[name](*args)
    assert JITTED["divides"](7, 2) == PLAIN["divides"](7, 2)


def test_repeated_raises_do_not_accumulate_entries():
    for _ in range(3):
        check_same(PLAIN, JITTED, "outer", -4)
        check_same(PLAIN, JITTED, "custom", 5)


@pytest.mark.parametrize("case", [
    ("index_array", np.arange(4.0), 4), ("index_array", np.arange(4.0), -5),
    ("index_2d", np.zeros((2, 3)), 1, 3), ("index_2d", np.zeros((2, 3)), 2, 0),
    ("calls_indexer", np.arange(3.0), 10),
], ids=lambda c: f"{c[0]}{c[2:]}")
def test_boundscheck_frames(case):
    plain, jitted = namespaces(ARRAY_SOURCE, boundscheck=True)
    want = inner_frames(plain[case[0]], *case[1:])
    got = inner_frames(jitted[case[0]], *case[1:])
    assert want[0] == got[0] == "IndexError"
    # NumPy's message differs from ours ("index 4 is out of bounds for axis 0 with size 4"
    # is the same text): compare where the exception comes from.
    assert got[2] == want[2]


@pytest.mark.parametrize("options", [{"nogil": True}, {"parallel": True}, {"cache": False}])
def test_frames_with_options(options):
    plain, jitted = namespaces(SOURCE, **options)
    for case in [("raise_message", 9), ("outer", -1), ("divides", 1, 0), ("countdown", 3)]:
        check_same(plain, jitted, case[0], *case[1:])


@pytest.mark.parametrize("name,arg", [("prange_raise", 20), ("prange_callee", 20)])
def test_prange_bodies(name, arg):
    plain, jitted = namespaces(PARALLEL_SOURCE, parallel=True)
    check_same(plain, jitted, name, arg)


def lifted(n):
    out = []
    s = 0
    for i in range(n):
        s += 10 // (3 - i)
    out.append(s)
    return out


def test_lifted_loop_in_object_mode():
    jf = jit(lifted)
    want = inner_frames(lifted, 5)
    got = inner_frames(jf, 5)
    assert got[:3] == want[:3]


def test_cached_functions_keep_file_and_lines(tmp_path):
    """A function loaded from the disk cache reports the right file and lines; moving it
    down the file (same bytecode) is a new cache entry with the new lines."""
    body = textwrap.dedent('''
        import json, sys, traceback
        from swiftjit import njit

        @njit(cache=True)
        def leaf(x):
            if x < 0:
                raise ValueError("negative")
            return x

        @njit(cache=True)
        def top(x):
            y = leaf(x - 1)
            return y

        try:
            top(0)
        except ValueError as e:
            tb = traceback.extract_tb(e.__traceback__)[1:]
            print(json.dumps({"frames": [[f.name, f.lineno, f.filename] for f in tb],
                              "hits": top.stats["cache_hits"]}))
    ''')
    path = tmp_path / "cached_tb.py"

    def run(text):
        path.write_text(text)
        p = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        import json
        return json.loads(p.stdout.strip().splitlines()[-1])

    first = run(body)
    assert first["hits"] == 0
    assert first["frames"] == [["top", 13, str(path)], ["leaf", 8, str(path)]]
    second = run(body)
    assert second["hits"] == 1
    assert second["frames"] == first["frames"]
    moved = run("\n\n" + body)
    assert moved["hits"] == 0
    assert moved["frames"] == [["top", 15, str(path)], ["leaf", 10, str(path)]]


def test_index_error_releases_references_once():
    """The boundscheck IndexError exit releases the function's references once (it used to
    release them twice)."""
    @njit(boundscheck=True)
    def pick(a, i, names):
        keep = names
        return a[i] + len(keep)

    names = ["x", "y"]
    a = np.arange(3.0)
    assert pick(a, 1, names) == 3.0
    before = sys.getrefcount(names)
    for _ in range(20):
        frames = inner_frames(pick, a, 7, names)
        assert frames[0] == "IndexError"
        assert [name for name, _ in frames[2]] == ["pick"]
        del frames
    assert sys.getrefcount(names) == before
