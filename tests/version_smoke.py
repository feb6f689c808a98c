"""Smoke test of swiftjit on the interpreter that runs this script (any of
CPython 3.10 to 3.13): compiles functions that exercise each version's
bytecode differences (calls and methods, keywords, slices, comparisons,
short-circuits, loops with break/else, unary plus, superinstructions ...),
checks their results against plain Python, and checks swiftjit's decoder
against `dis` (names, arguments, jump targets, lines).

Run by tests/test_versions.py as `python version_smoke.py`; prints
"SMOKE OK <version> <count>" and exits 0 when everything matches.
"""
import cmath
import dis
import math
import sys

import numpy as np

import swiftjit
from swiftjit import njit
from swiftjit import _swiftjit


def loops(n, x):
    s = 0
    for i in range(n):
        if i % 3 == 0 and x:
            continue
        if i > 50:
            break
        s += i
    else:
        s += 1000
    while s > 10:
        s -= 3
    return s


def calls(x, y):
    a = math.sqrt(abs(x)) + math.floor(y)
    b = max(x, y) - min(x, y, 0.5)
    c = divmod(int(x), 3)
    return a, b, c, round(y, 2), float(int(y)), bool(x)


def methods(z, x):
    w = complex(x, 2.0)
    return z.conjugate(), w.real, z.imag, abs(w), cmath.sqrt(w)


def keywords(x):
    return helper(x), helper(x, scale=3.0), helper(scale=0.5, x=x)


@njit
def helper(x, scale=2.0):
    return x * scale


def unary_and_bool(x, y):
    return +x, -x, ~int(x), not x, (x and y), (x or y), (x if x > y else y)


def comparisons(a, b, c):
    return a < b < c, a == b, a != c, a <= b >= c, a is None, b is not None


def tuples(t):
    a, b, c = t
    d = t[1:]
    e = t[:2]
    f = t[::2]
    x, y = b, a
    return d, e, f, x + y, len(t), c in t, sum(t), t[-1]


def arrays(a):
    a[1:3] = 5.0
    b = a[2:4]
    return b[0] + b[1] + a[::2][1], len(a[1:])


def array_methods(a):
    z = np.zeros(3)
    z[0] = a.sum()
    return z[0], np.sum(a), a.mean(), a.max(), z.shape[0]


def iterate(t, n):
    s = 0.0
    for i, v in enumerate(t):
        s += i * v
    for x, y in zip(t, t):
        s += x - y
    k = 0
    while True:
        k += 1
        if k >= n:
            break
    for i in range(n):
        if i == 4:
            return s, k, i
    if not n:
        return s, k, -1
    return s, k, n


def optional_value(n):
    r = None
    for i in range(n):
        if i == 3:
            r = i
    if r is None:
        return -1
    return r


def exceptions(x):
    if x < 0:
        raise ValueError("negative")
    assert x != 7, "seven"
    return 10 // x


def nested_loops(n):
    total = 0.0
    for i in range(n):
        for j in range(i):
            if (i + j) % 2:
                total += i * j
            else:
                total -= 0.5
    return total


# Jumps longer than 255 instructions need EXTENDED_ARG.
LONG_SOURCE = ("def long_loop(n, x):\n    s = 0.0\n    for i in range(n):\n        if x > i:\n"
               + "            s += i * x\n" * 120 + "        s -= 1.0\n    return s\n")
exec(compile(LONG_SOURCE, "<long_loop>", "exec"))


CASES = [
    (long_loop, [(5, 2.5), (3, 0.0)]),  # noqa: F821 - defined by exec

    (loops, [(10, 1.0), (100, 0.0), (0, 1)]),
    (calls, [(2.5, 7.25), (-9.0, 1.0)]),
    (methods, [(1 + 2j, 3.0)]),
    (keywords, [(2.75,)]),
    (unary_and_bool, [(2.0, 3.0), (0.0, 1.5), (-1.5, -1.5)]),
    (comparisons, [(1, 2, 3), (3, 2, 1), (2, 2, 2)]),
    (tuples, [((1, 2, 3),), ((4.0, 5.0, 6.0),)]),
    (arrays, [(np.arange(6.0),)]),
    (array_methods, [(np.arange(6.0),)]),
    (iterate, [((1.0, 2.0, 3.5), 3), ((1.0, 2.0, 3.5), 9), ((2.0,), 0)]),
    (optional_value, [(2,), (10,)]),
    (exceptions, [(3,), (-1,), (7,), (0,)]),
    (nested_loops, [(20,)]),
]


def outcome(f, args):
    try:
        return ("value", f(*args))
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return ("raise", type(e).__name__, str(e))


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def lines_of(code):
    lines = {}
    for start, end, line in code.co_lines():
        for off in range(start, end, 2):
            lines[off] = line
    return lines


def check_decoder(func):
    """swiftjit's decoded instructions against dis of this interpreter."""
    code = func.__code__
    ours = {ins[0]: ins for ins in _swiftjit._decode(code)}
    lines = lines_of(code)
    jumps = set(dis.hasjrel) | set(dis.hasjabs)
    problems = []
    for ins in dis.get_instructions(code):
        if ins.opname in ("EXTENDED_ARG", "CACHE"):
            continue
        mine = ours.pop(ins.offset, None)
        if mine is None:
            problems.append(f"{ins.offset} {ins.opname}: not decoded")
            continue
        _, name, arg, target, line = mine
        if name != ins.opname:
            problems.append(f"{ins.offset}: {name} instead of {ins.opname}")
        if ins.arg is not None and arg != ins.arg:
            problems.append(f"{ins.offset} {name}: arg {arg} instead of {ins.arg}")
        if ins.opcode in jumps and target != ins.argval:
            problems.append(f"{ins.offset} {name}: target {target} instead of {ins.argval}")
        if line != lines.get(ins.offset):
            problems.append(f"{ins.offset} {name}: line {line} instead of {lines.get(ins.offset)}")
    if ours:
        problems.append(f"decoded but not in dis: {sorted(ours)}")
    return problems


def all_code_objects(code):
    yield code
    for c in code.co_consts:
        if hasattr(c, "co_code"):
            yield from all_code_objects(c)


def check_decoder_on_files():
    """The decoder against dis on every code object of the test suite's files
    (try/except, with, comprehensions, long functions with EXTENDED_ARG ...)."""
    import glob
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    problems = []
    files = sorted(glob.glob(os.path.join(here, "*.py")) + glob.glob(os.path.join(here, "golden_errors", "*.py")))
    for path in files:
        with open(path) as f:
            source = f.read()
        try:
            module = compile(source, path, "exec")
        except SyntaxError:
            continue  # syntax of a newer Python
        for code in all_code_objects(module):
            problems += [f"{os.path.basename(path)}:{code.co_name}: decoder: {p}"
                         for p in check_decoder(type("F", (), {"__code__": code}))]
    return problems


def main():
    failures = check_decoder_on_files()
    count = 0
    for func, arg_lists in CASES:
        problems = check_decoder(func)
        failures += [f"{func.__name__}: decoder: {p}" for p in problems]
        jitted = njit(func)
        for args in arg_lists:
            expected = outcome(func, args)
            got = outcome(jitted, args)
            count += 1
            ok = (expected[0] == got[0] == "value" and same(expected[1], got[1])) or expected == got
            if not ok:
                failures.append(f"{func.__name__}{args}: expected {expected!r}, got {got!r}")
    version = "%d.%d" % sys.version_info[:2]
    if failures:
        print(f"SMOKE FAILED {version}")
        for f in failures:
            print("  " + f)
        return 1
    print(f"SMOKE OK {version} {count} swiftjit {swiftjit.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
