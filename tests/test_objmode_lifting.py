"""Loop lifting (issue 5): loops of object-mode functions that type-check in nopython
mode run natively, compiled for the runtime types of their live-in variables."""
import warnings

import numpy as np
import pytest

from swiftjit import errors, jit


def report(n, label):
    stats = {"label": label}
    total = 0
    for i in range(n):
        total += i * i % 7
    stats["total"] = total
    return f"{label}: {total}", stats


def test_lifted_loop_gives_the_same_result_and_is_lifted():
    jf = jit(forceobj=True)(report)
    for n in [0, 1, 10, 1000]:
        assert jf(n, "x") == report(n, "x")
    loops = jf.lifted_loops
    assert len(loops) == 1
    assert loops[0]["live_ins"] == ["n", "total"] or set(loops[0]["live_ins"]) == {"n", "total"}
    assert loops[0]["live_outs"] == ["total"]
    assert loops[0]["signatures"] == ["(int64, int64)"]   # proof: compiled natively for (n, total)
    assert loops[0]["failures"] == []


def test_fallback_from_jit_lifts_loops():
    jf = jit(report)
    with pytest.warns(errors.FallbackWarning, match="lifted"):
        assert jf(100, "y") == report(100, "y")
    assert jf.lifted_loops[0]["signatures"]


def test_looplift_false_keeps_loops_in_object_mode():
    jf = jit(forceobj=True, looplift=False)(report)
    assert jf(50, "z") == report(50, "z")
    assert jf.lifted_loops == []


def float_accumulate(xs, scale):
    meta = {"n": len(xs)}
    s = 0.0
    for i in range(len(xs)):
        s += xs[i] * scale
    return s, meta


def test_array_loop_is_lifted():
    jf = jit(forceobj=True)(float_accumulate)
    a = np.arange(100, dtype=np.float64)
    assert jf(a, 0.5) == float_accumulate(a, 0.5)
    assert jf.lifted_loops[0]["signatures"]


def test_loop_that_does_not_type_check_stays_in_object_mode():
    def f(xs):
        out = {}
        s = 0
        for x in range(3):
            s += len(xs)          # xs is a list: nopython mode cannot type it
        out["s"] = s
        return out
    jf = jit(forceobj=True)(f)
    assert jf([1, 2]) == f([1, 2])
    loop = jf.lifted_loops[0]
    assert loop["signatures"] == []          # never compiled natively ...
    assert jf([1]) == f([1])                 # ... and still right


def test_types_that_fail_once_are_remembered_and_others_still_lift():
    def f(x, n):
        tag = [x]
        for i in range(n):
            x = x + i
        return x, tag
    jf = jit(forceobj=True)(f)
    assert jf(1, 5) == f(1, 5)
    assert jf(1.5, 5) == f(1.5, 5)
    assert jf("a", 0) == f("a", 0)           # str live-in: object mode
    assert sorted(jf.lifted_loops[0]["signatures"]) == ["(float64, int64)", "(int64, int64)"]


def test_unbound_live_in_runs_the_object_mode_loop():
    def f(n):
        d = {}
        for i in range(n):
            d[i] = i
        for j in range(n):
            last = j
        return last, d
    jf = jit(forceobj=True)(f)
    assert jf(3) == f(3)
    with pytest.raises(UnboundLocalError):
        jf(0)
    with pytest.raises(UnboundLocalError):
        f(0)


def test_exceptions_inside_a_lifted_loop_propagate():
    def f(n, d):
        tag = {"n": n}
        acc = 0
        for i in range(n):
            acc += 10 // (d - i)
        return acc, tag
    jf = jit(forceobj=True)(f)
    assert jf(3, 10) == f(3, 10)
    with pytest.raises(ZeroDivisionError):
        jf(5, 3)
    assert jf.lifted_loops[0]["signatures"]


def test_break_and_nested_loops():
    def f(n):
        names = ["a", "b"]
        found = -1
        for i in range(n):
            for j in range(i):
                if i * j == 12:
                    found = i * 100 + j
                    break
            if found >= 0:
                break
        return names, found
    jf = jit(forceobj=True)(f)
    for n in [0, 3, 10]:
        assert jf(n) == f(n)


def test_while_loop_is_lifted():
    def f(n):
        label = f"n={n}"
        i = 0
        s = 0
        while i < n:
            s += i
            i += 1
        return label, s, i
    jf = jit(forceobj=True)(f)
    for n in [0, 1, 100]:
        assert jf(n) == f(n)
    assert jf.lifted_loops and jf.lifted_loops[0]["signatures"]
