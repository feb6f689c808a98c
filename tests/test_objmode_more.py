"""Object mode (issue 5), session 3: `raise X from Y`, starred unpacking, the fast paths
(global lookups cached per call site, comparisons feeding a branch, constant-key dicts,
attributes through the type slots) and cache=True. Differential: jitted vs plain Python,
values and raised exceptions (type and message, and here also __cause__ / __context__).
"""
import subprocess
import sys
import textwrap
import warnings

import pytest

from swiftjit import errors, jit

from jitcheck import Raised, outcome, same_outcome, show


def compile_obj(f):
    return jit(forceobj=True)(f)


def check(pyfunc, *argsets):
    jf = compile_obj(pyfunc)
    for args in argsets:
        if not isinstance(args, tuple):
            args = (args,)
        expected, got = outcome(pyfunc, *args), outcome(jf, *args)
        assert same_outcome(expected, got), f"{pyfunc.__name__}{args!r}: python {show(expected)}, jit {show(got)}"
    assert jf.object_mode
    return jf


def exception_chain(f, *args):
    """(type, message, cause type/message, context type, suppress_context) of what f raises."""
    try:
        f(*args)
    except Exception as e:  # noqa: BLE001
        cause = e.__cause__
        return (type(e), str(e), type(cause), str(cause) if cause is not None else None,
                type(e.__context__), e.__suppress_context__)
    return None


# ------------------------------------------------------------------ raise X from Y


def raise_from(kind, x):
    try:
        return 10 // x
    except ZeroDivisionError as e:
        if kind == 0:
            raise ValueError("bad x") from e
        if kind == 1:
            raise ValueError from None
        if kind == 2:
            raise KeyError("k") from KeyError
        if kind == 3:
            raise ValueError("v") from 5
        if kind == 4:
            raise 5 from e
        raise RuntimeError("plain")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="try/except needs 3.11+ in object mode")
@pytest.mark.parametrize("kind", range(6))
@pytest.mark.parametrize("x", [0, 2])
def test_raise_from(kind, x):
    jf = check(raise_from, (kind, x))
    assert exception_chain(jf, kind, x) == exception_chain(raise_from, kind, x)


def raise_from_outside(x, cause):
    if x > 0:
        raise ValueError(x) from cause
    return -x


@pytest.mark.parametrize("cause", [None, KeyError("c"), KeyError, TypeError("t"), "not an exception", 3])
@pytest.mark.parametrize("x", [1, -1])
def test_raise_from_without_handler(x, cause):
    jf = check(raise_from_outside, (x, cause))
    assert exception_chain(jf, x, cause) == exception_chain(raise_from_outside, x, cause)


# ------------------------------------------------------------------ starred unpacking


def star_middle(xs):
    a, *b, c = xs
    return a, b, c


def star_first(xs):
    *a, b = xs
    return a, b


def star_last(xs):
    a, b, *c = xs
    return a, b, c


def star_loop(pairs):
    out = []
    for head, *tail in pairs:
        out.append((head, tail))
    return out


SEQS = [(), (1,), (1, 2), (1, 2, 3), [1, 2, 3, 4, 5], "abcd", range(6), {"k": 1, "j": 2}, None, 5, b"xyz"]


@pytest.mark.parametrize("f", [star_middle, star_first, star_last])
def test_starred_unpacking(f):
    check(f, *[(s,) for s in SEQS])
    jf = compile_obj(f)
    for items in ([7, 8, 9], [1], []):  # iterators: each call gets a fresh one
        assert same_outcome(outcome(jf, iter(items)), outcome(f, iter(items)))


def test_starred_unpacking_in_loops():
    check(star_loop, ([(1, 2, 3), "ab", [4]],), ([(1,), ()],), ([5],))


# ------------------------------------------------------------------ global lookups cached per site

G = 1


def read_global(x):
    return G + x + len([x])


def set_global(v):
    global G
    G = v


def test_global_cache_sees_changes():
    jf = compile_obj(read_global)
    global G
    old = G
    try:
        for v in [1, 2, "s", 2.5, None]:
            G = v
            assert outcome(jf, 1) == outcome(read_global, 1) or isinstance(outcome(jf, 1), Raised)
            assert same_outcome(outcome(jf, 1), outcome(read_global, 1))
        # A store from compiled code, then a deleted global (NameError), then a builtin shadowed.
        js = compile_obj(set_global)
        js(40)
        assert jf(2) == read_global(2) == 43
        del G
        assert same_outcome(outcome(jf, 1), outcome(read_global, 1))
        G = 0
        globals()["len"] = lambda v: 100
        try:
            assert jf(1) == read_global(1) == 101
        finally:
            del globals()["len"]
        assert jf(1) == read_global(1) == 2
        import builtins
        saved = builtins.len
        builtins.len = lambda v: -5
        try:
            assert jf(1) == read_global(1) == -4
        finally:
            builtins.len = saved
        assert jf(1) == read_global(1) == 2
    finally:
        G = old


# ------------------------------------------------------------------ compare + branch, dict displays, attributes


def compare_branch(a, b):
    out = []
    if a < b:
        out.append("lt")
    if a <= b:
        out.append("le")
    if a == b:
        out.append("eq")
    if a != b:
        out.append("ne")
    if a > b:
        out.append("gt")
    if a >= b:
        out.append("ge")
    return out


class WeirdCompare:
    def __lt__(self, other):
        return []  # falsy, not a bool

    def __gt__(self, other):
        raise ArithmeticError("no >")

    __le__ = __ge__ = __lt__


class BadBool:
    def __bool__(self):
        raise TypeError("no truth")


class ReturnsBadBool:
    def __lt__(self, other):
        return BadBool()

    __le__ = __gt__ = __ge__ = __lt__


BIG = 2 ** 70


@pytest.mark.parametrize("a,b", [(1, 2), (2, 1), (3, 3), (-1, -1), (BIG, 1), (1, BIG), (BIG, BIG), (-BIG, BIG),
                                 (2 ** 63 - 1, -2 ** 63), (1.5, 1.5), (float("nan"), 1.0), (float("nan"),
                                 float("nan")), (0.0, -0.0), (1, 1.0), (True, 1), ("a", "b"), ((1, 2), (1, 3)),
                                 (1, "a"), (WeirdCompare(), 1), (ReturnsBadBool(), 1), (None, None)])
def test_compare_branch(a, b):
    check(compare_branch, (a, b))


def const_key_dict(a, b):
    return {"a": a, "b": b, 3: a}, {"x": a}


class Slots:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v


class Prop:
    def __init__(self):
        self._x = 0

    @property
    def x(self):
        return self._x * 10

    @x.setter
    def x(self, v):
        if v < 0:
            raise ValueError("negative")
        self._x = v


def attributes(o, v):
    o.v = v
    o.v = o.v + 1
    return o.v


def property_use(p, v):
    p.x = v
    return p.x


def test_const_key_dicts_and_attributes():
    check(const_key_dict, (1, 2), ([1], None))
    check(attributes, (Slots(1), 2), (Slots(1), "s"), (Prop(), 1), (3, 1))
    check(property_use, (Prop(), 2), (Prop(), -1), (Slots(0), 1))


# ------------------------------------------------------------------ cache=True


def test_cache_true_warns_once_for_object_mode(tmp_path):
    module = tmp_path / "om_cached.py"
    module.write_text(textwrap.dedent("""
        import warnings
        from swiftjit import jit

        @jit(cache=True, forceobj=True)
        def f(d, k):
            return {**d, k: f"{k}!"}

        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            print(f({}, "a"), f({"b": 1}, "c"), f({}, "d"))
        msgs = [str(x.message) for x in w if "cache=True" in str(x.message)]
        print(len(msgs), type(w[0].message).__name__ if w else None)
        print(msgs[0] if msgs else "")
    """))
    for _ in range(2):  # a second process compiles again (and warns again)
        p = subprocess.run([sys.executable, str(module)], capture_output=True, text=True, cwd=str(tmp_path),
                           timeout=120)
        assert p.returncode == 0, p.stderr
        lines = p.stdout.splitlines()
        assert lines[0] == "{'a': 'a!'} {'b': 1, 'c': 'c!'} {'d': 'd!'}"
        assert lines[1] == "1 SwiftJITWarning"
        assert "does not store object-mode code" in lines[2] and "'f'" in lines[2]


# ------------------------------------------------------------------ attribute and method caches


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)


def point_ops(p, v):
    p.x = v
    a = p.x + p.y
    return a, p.norm1()


def fresh_class():
    class P:
        def __init__(self, x, y):
            self.x = x
            self.y = y

        def norm1(self):
            return abs(self.x) + abs(self.y)
    return P


def test_attribute_caches_follow_class_and_instance_changes():
    P = fresh_class()
    jf = compile_obj(point_ops)

    def same(p_jit, p_py, v):
        assert same_outcome(outcome(jf, p_jit, v), outcome(point_ops, p_py, v))
        assert vars(p_jit) == vars(p_py) if hasattr(p_jit, "__dict__") else True

    for v in range(3):  # warm the caches
        same(P(1, 2), P(1, 2), v)
    a, b = P(1, 2), P(1, 2)
    same(a, b, 5)
    # An instance attribute deleted: the cached slot is empty -> AttributeError as Python.
    a, b = P(1, 2), P(1, 2)
    del a.y, b.y
    same(a, b, 1)
    # The instance dict materialized (vars()) and changed through it.
    a, b = P(1, 2), P(1, 2)
    vars(a)["y"] = 10
    vars(b)["y"] = 10
    same(a, b, 1)
    # An instance attribute shadowing the method.
    a, b = P(1, 2), P(1, 2)
    shadow = lambda: "shadow"  # noqa: E731
    a.norm1 = b.norm1 = shadow
    same(a, b, 3)
    same(P(1, 2), P(1, 2), 3)
    # The method replaced in the class.
    P.norm1 = lambda self: "replaced"
    same(P(1, 2), P(1, 2), 4)
    # A data descriptor (property) for y added to the class takes precedence over the instance value.
    P.y = property(lambda self: 100)
    a, b = P.__new__(P), P.__new__(P)
    a.x = b.x = 1
    same(a, b, 2)
    # __setattr__ / __getattribute__ added later.
    del P.y
    P.__setattr__ = lambda self, k, v: object.__setattr__(self, k, v * 2)
    same(P(1, 2), P(1, 2), 3)
    P.__getattribute__ = lambda self, k: 7 if k == "x" else object.__getattribute__(self, k)
    same(P(1, 2), P(1, 2), 3)
    # Other types at the same sites.
    same(Slots(1), Slots(1), 2)
    ns1, ns2 = __import__("types").SimpleNamespace(x=1, y=2), __import__("types").SimpleNamespace(x=1, y=2)
    same(ns1, ns2, 5)


def test_attribute_caches_keep_reference_counts():
    jf = compile_obj(point_ops)
    p = Point(1, 2)
    v = 123456789
    jf(p, v)
    before = (sys.getrefcount(p), sys.getrefcount(v), sys.getrefcount(Point.norm1))
    for _ in range(10000):
        jf(p, v)
    assert (sys.getrefcount(p), sys.getrefcount(v), sys.getrefcount(Point.norm1)) == before


# ------------------------------------------------------------------ loops inside try blocks


def loop_in_try(n, d):
    s = 0.0
    try:
        for i in range(n):
            s += i * 0.5
        d["x"] = s
    except KeyError:
        s = -1.0
    return s, {"s": s}


def loop_in_try_raising(n, k):
    t = 0
    try:
        for i in range(n):
            t += 10 // (i - k)
        r = t
    except ZeroDivisionError as e:
        r = str(e)
    return r


def loop_in_try_handler_reads(n, k):
    t = 0
    try:
        for i in range(n):
            t += 10 // (i - k)
    except ZeroDivisionError:
        return "caught", t   # reads what the loop assigned: the loop stays in object mode
    return t


@pytest.mark.skipif(sys.version_info < (3, 11), reason="try/except needs 3.11+ in object mode")
def test_loops_inside_try_blocks_are_lifted_when_the_handler_allows():
    jf = check(loop_in_try, (10, {}), (0, {}), (5, None), (3, {}))
    assert len(jf.lifted_loops) == 1 and jf.lifted_loops[0]["signatures"]
    jr = check(loop_in_try_raising, (10, 3), (10, 20), (0, 0), (4, 3), (2 ** 70, 3))
    assert len(jr.lifted_loops) == 1 and jr.lifted_loops[0]["signatures"]
    jh = check(loop_in_try_handler_reads, (10, 3), (10, 20), (0, 0), (4, 3))
    assert jh.lifted_loops == []


def lifted_sum(n):
    t = 0
    for i in range(n):
        t += i % 7
    return t, str(n)


def test_lifted_loop_with_an_int_beyond_int64_runs_in_object_mode():
    jf = check(lifted_sum, 10, 0, 1000)  # compiled for int64 first
    assert jf.lifted_loops[0]["signatures"] == ["(int64, int64)"]
    # Ints beyond int64 (negative: range() is empty, so the object-mode loop ends at once)
    # must not reach the int64 loop, whose argument conversion would raise OverflowError.
    for n in (-2 ** 63 - 1, -2 ** 70, -2 ** 200):
        assert same_outcome(outcome(jf, n), outcome(lifted_sum, n)), n
    check(lifted_sum, 10, -2 ** 63)
