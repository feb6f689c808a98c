"""The code shown in README.md and docs/*.md runs as shown, and the functions it defines
give what plain Python gives (each block is executed as written; then its functions are
called on sample inputs and compared with their `py_func`)."""
import os
import re
import warnings

import numpy as np
import pytest

from swiftjit import errors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = ["README.md", "docs/USER_GUIDE.md", "docs/LANGUAGE.md", "docs/PARALLEL.md"]


def blocks():
    out = []
    for path in DOCS:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"```python\n(.*?)```", text, re.S):
            out.append((f"{path}:{text[:m.start()].count(chr(10)) + 1}", m.group(1)))
    return out


BLOCKS = blocks()
# Blocks that need software the tests do not install (dask).
NEEDS = {"map_blocks": "dask"}


def run(code, where):
    ns = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", errors.FallbackWarning)
        exec(compile(code, where, "exec"), ns)
    return ns


@pytest.mark.parametrize("where, code", BLOCKS, ids=[w for w, _ in BLOCKS])
def test_block_runs(where, code):
    for marker, what in NEEDS.items():
        if marker in code:
            pytest.skip(f"needs {what}")
    run(code, where)


def block_defining(name):
    found = [(w, c) for w, c in BLOCKS if re.search(rf"^def {name}\(", c, re.M)]
    assert found, f"no documented block defines {name}()"
    return run(found[0][1], found[0][0])


def same(a, b):
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return type(a) is type(b) and (a == b or (a != a and b != b))


@pytest.mark.parametrize("name, calls", [
    ("scaled_sum", [(np.arange(5.0), 3), (np.array([]), 7), (np.array([-1.5, np.nan]), -2)]),
    ("pure_sum", [(0,), (1,), (10_000,)]),
    ("summary", [(np.random.default_rng(1).random(31), 3), (np.array([2.0]), 0)]),
    ("g", [(np.array([2.5, 1.0]), 4), (np.array([-3, 9]), 5)]),
])
def test_documented_function_matches_python(name, calls):
    f = block_defining(name)[name]
    assert hasattr(f, "py_func"), f"{name} is not a jitted function"
    for args in calls:
        got, want = f(*args), f.py_func(*args)
        if isinstance(want, (np.floating, np.integer)):
            want = want.item()
        if isinstance(want, tuple):
            want = tuple(w.item() if isinstance(w, (np.floating, np.integer)) else w for w in want)
        assert same(want, got), (name, args, want, got)
    assert f.signatures, f"{name} ran without compiling"


def test_documented_jit_options_example():
    ns = block_defining("f")
    f = ns["f"]
    assert f(3) == 6.0 and f(3.0, y=4.0) == 12.0
    assert len(f.signatures) == 2


def test_documented_ufunc_and_cfunc():
    ns = block_defining("add")
    assert ns["add"](np.arange(3.0), 1.5).tolist() == [1.5, 2.5, 3.5]
    assert ns["add"](np.arange(3), 2).tolist() == [2, 3, 4]
    assert ns["c"].ctypes(3.0) == 9.0
