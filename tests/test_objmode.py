"""Object mode (issue 5): differential tests, jitted (object mode) vs plain Python.

Every function here is compiled with ``forceobj=True`` (or falls back from ``@jit``)
and called with the same arguments as the original; results (value and type) and
raised exceptions (type and message) must be identical.
"""
import math
import os
import sys
import traceback
import warnings

import pytest

import swiftjit
from swiftjit import errors, jit, njit

from jitcheck import Raised, outcome

# try/except/finally and with follow the exception table of 3.11+ code objects; on 3.10
# (SETUP_* opcodes) they are a clear UnsupportedError (test_try_is_a_clear_error_on_310).
needs_exception_table = pytest.mark.skipif(sys.version_info < (3, 11),
                                           reason="try/except and with need Python 3.11+ in object mode")


def _same(a, b):
    if isinstance(a, Raised) or isinstance(b, Raised):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


# Inner functions, lambdas and generator expressions (MAKE_FUNCTION) are translated in object
# mode on 3.10-3.13 (3.13: SET_FUNCTION_ATTRIBUTE, closures through LOAD_FAST of the cell).
INNER_FUNCTIONS_SUPPORTED = True


def check(pyfunc, *argsets, makes_functions=False, **jitopts):
    """Compiles `pyfunc` in object mode and compares it with Python on every argument tuple."""
    jitopts.setdefault("forceobj", True)
    jf = jit(**jitopts)(pyfunc)
    if makes_functions and not INNER_FUNCTIONS_SUPPORTED:
        args = argsets[0] if isinstance(argsets[0], tuple) else (argsets[0],)
        with pytest.raises(errors.UnsupportedError, match="inner functions and lambdas are not supported"):
            jf(*args)
        return jf
    for args in argsets:
        if not isinstance(args, tuple):
            args = (args,)
        expected = outcome(pyfunc, *args)
        got = outcome(jf, *args)
        assert _same(got, expected), f"{pyfunc.__name__}{args}: jit {got!r} != python {expected!r}"
    assert jf.object_mode
    return jf


# ------------------------------------------------------------------ containers, strings


def dict_ops(d, k):
    d = dict(d)
    d[k] = d.get(k, 0) + 1
    total = 0
    for key, value in d.items():
        total += value
    if "x" in d:
        del d["x"]
    return {**d, "total": total}, sorted(d), len(d)


def test_dicts():
    check(dict_ops, ({"a": 1}, "a"), ({}, "x"), ({"x": 2, "y": 3}, "z"), ({"a": 1}, ["unhashable"]))


def mixed_list(n):
    xs = [1, "two", 3.0, None, (4, 5)]
    xs.append(n)
    xs.extend([n, n])
    ys = [*xs, *range(3)]
    return xs[n], ys[-1], xs[1:3], len(ys), [type(x).__name__ for x in xs]


def test_mixed_type_lists():
    check(mixed_list, 0, 1, 4, 5, 7, 100, -1, "a")


def sets(a, b):
    s = {a, b, 3}
    s.add(a)
    t = {x % 3 for x in range(10)}
    return s | t, s & t, a in s, frozenset(s) == frozenset(s)


def test_sets():
    check(sets, (1, 2), (3, 3), ("a", "b"), ([1], 2))


def fstrings(x, width):
    return f"{x}|{x!r}|{x!s:>{width}}|{x!a}|{'é'}|{x:{'^'}{width}}"


def test_fstrings():
    check(fstrings, (1, 5), (2.5, 8), ("héllo", 10), (None, 3), ([1, 2], 12), (1, "bad width"))


def string_methods(s):
    parts = s.split(",")
    return "-".join(p.strip().upper() for p in parts), s.startswith("a"), s[::-1], s * 2, "%s=%d" % (s, len(s))


def test_strings():
    check(string_methods, "a, b,c", "", "xyz", 5, makes_functions=True)


# ------------------------------------------------------------------ calls, classes, attributes


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self, scale=1):
        return math.hypot(self.x, self.y) * scale

    def __repr__(self):
        return f"Point({self.x}, {self.y})"


def helper(a, b=10, *args, c=3, **kw):
    return (a, b, args, c, sorted(kw.items()))


def calls(n):
    p = Point(n, 2 * n)
    return (helper(n), helper(n, 1, 2, 3, c=4, d=5), helper(*[n, n]), helper(**{"a": n, "z": 1}),
            p.norm(), p.norm(scale=2), repr(p), getattr(p, "x"), getattr(p, "missing", "default"),
            sorted([3, n, 1], key=lambda v: -v, reverse=True), max(n, 2, key=abs))


def test_calls_of_python_helpers_and_classes():
    check(calls, 0, 1, -3, 2.5, makes_functions=True)


def attributes(obj, name):
    obj.added = 1
    v = getattr(obj, name)
    del obj.added
    return v, hasattr(obj, "added")


def test_getattr_on_arbitrary_objects():
    check(attributes, (Point(1, 2), "x"), (Point(1, 2), "nope"), (Point(1, 2), "added"))
    check(attributes, (1, "real"))  # AttributeError: 'int' object has no attribute 'added'


def keywords(a, b=2, *, c=3):
    return a * 100 + b * 10 + c


def test_keyword_arguments_and_defaults():
    jf = jit(forceobj=True)(keywords)
    for args, kwargs in [((1,), {}), ((1, 5), {}), ((1,), {"c": 7}), ((), {"a": 4, "b": 0, "c": 1})]:
        assert jf(*args, **kwargs) == keywords(*args, **kwargs)
    with pytest.raises(TypeError):
        jf()
    with pytest.raises(TypeError):
        jf(1, 2, 3)


# ------------------------------------------------------------------ globals, closures, imports

COUNTER = 1


def reads_global(n):
    return COUNTER * n


def test_global_lookups_change_between_calls():
    global COUNTER
    jf = jit(forceobj=True)(reads_global)
    COUNTER = 1
    assert jf(3) == 3
    COUNTER = "ab"
    assert jf(2) == "abab"
    del COUNTER
    with pytest.raises(NameError, match="name 'COUNTER' is not defined"):
        jf(1)
    COUNTER = 1


def writes_global(n):
    global COUNTER
    COUNTER = n
    return COUNTER


def test_global_statement():
    jf = jit(forceobj=True)(writes_global)
    assert jf(42) == 42 and COUNTER == 42
    writes_global(1)


def closures(n):
    k = n + 1

    def inner(x):
        return x * k

    k += 1
    return inner(2), [inner(i) for i in range(3)], (lambda: k)()


def test_closures_and_comprehensions():
    check(closures, 0, 5, 2.5, makes_functions=True)


def imports(x):
    import math as m
    from os.path import join
    from collections import OrderedDict
    return m.floor(x), join("a", "b"), list(OrderedDict([(x, 1)]))


def test_imports_inside_the_function():
    check(imports, 1.5, -2.5)


def outer_factory(scale):
    def f(x):
        return x * scale
    return f


def test_closure_function_compiled():
    check(outer_factory(3), 1, "a", [1])


# ------------------------------------------------------------------ control flow and errors


def loops(xs):
    out = []
    i = 0
    while i < len(xs):
        if xs[i] is None:
            i += 1
            continue
        if xs[i] == "stop":
            break
        out.append(xs[i])
        i += 1
    else:
        out.append("no break")
    for a, b in zip(xs, reversed(xs)):
        out.append((a, b))
    return out


def test_loops_break_continue_else():
    check(loops, [], [1, None, "x"], [1, "stop", 2], ["a", None, None])


def unpacking(seq):
    a, b, c = seq
    return c, b, a


def test_unpacking_errors_match_python():
    jf = jit(forceobj=True)(unpacking)
    assert jf(iter([1, 2, 3])) == (3, 2, 1)
    with pytest.raises(ValueError, match=r"not enough values to unpack \(expected 3, got 2\)"):
        jf(iter([1, 2]))
    check(unpacking, (1, 2, 3), [1, 2, 3], "abc", (1, 2), [1, 2, 3, 4], 5, {1: 0, 2: 0, 3: 0})


def raises(kind):
    if kind == 0:
        raise ValueError("bad value")
    if kind == 1:
        raise KeyError
    if kind == 2:
        return 1 / 0
    if kind == 3:
        return undefined_name  # noqa: F821
    if kind == 4:
        raise 42
    return [][kind]


def test_exceptions_propagate_with_type_and_message():
    check(raises, 0, 1, 2, 3, 4, 5)


def test_original_exception_object_propagates():
    err = ValueError("mine")

    def f(e):
        raise e
    with pytest.raises(ValueError) as info:
        jit(forceobj=True)(f)(err)
    assert info.value is err


def fails_on_line(x):
    y = x + 1
    return y / 0


def test_traceback_points_to_the_failing_line():
    jf = jit(forceobj=True)(fails_on_line)
    try:
        jf(1)
    except ZeroDivisionError:
        frames = traceback.extract_tb(sys.exc_info()[2])
    last = frames[-1]
    assert last.name == "fails_on_line"
    assert last.lineno == fails_on_line.__code__.co_firstlineno + 2


def unbound(flag):
    if flag:
        value = 1
    return value


def test_unbound_local():
    check(unbound, True, False)


def operators(a, b):
    return (a + b, a - b, a * b, a / b, a // b, a % b, a ** 2, -a, +a, a < b, a <= b, a == b, a != b,
            a > b, a >= b, a is b, a is not b, not a, a and b, a or b)


def test_operators_on_python_numbers():
    check(operators, (7, 2), (7.5, -2), (2 ** 70, 3), (1, 0), (True, 2), (3 + 1j, 1))


def bitwise(a, b):
    x = a
    x <<= 2
    x |= b
    x ^= 5
    x &= 0xFF
    x >>= 1
    return ~x, x, a @ b if hasattr(a, "__matmul__") else None


def test_inplace_and_bitwise():
    check(bitwise, (1, 2), (2 ** 65, 7), (-3, 1))


# ------------------------------------------------------------------ the @jit fallback


def needs_objects(n):
    # Values of mixed types in one dict: nopython mode rejects it, object mode does not.
    return {"n": n, "items": [n] * 2, "name": "n" * n}


def test_fallback_warns_exactly_once_with_the_cause():
    jf = jit(needs_objects)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(5):
            assert jf(i) == needs_objects(i)
    fallbacks = [w for w in caught if issubclass(w.category, errors.FallbackWarning)]
    assert len(fallbacks) == 1
    message = str(fallbacks[0].message)
    assert "needs_objects" in message and "different types" in message
    assert issubclass(errors.FallbackWarning, errors.SwiftJITWarning)
    assert issubclass(errors.SwiftJITWarning, UserWarning)


def test_fallback_warning_is_filterable():
    jf = jit(needs_objects)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=errors.FallbackWarning)
        assert jf(1) == needs_objects(1)
    assert not [w for w in caught if issubclass(w.category, errors.FallbackWarning)]
    jf2 = jit(needs_objects)
    with warnings.catch_warnings():
        warnings.simplefilter("error", errors.FallbackWarning)
        with pytest.raises(errors.FallbackWarning):
            jf2(1)


def test_untypable_argument_falls_back():
    def total(xs):
        s = 0
        for x in xs:
            s += x
        return s
    jf = jit(total)

    class Box:
        def __init__(self, items):
            self.items = items

        def __iter__(self):
            return iter(self.items)

    with pytest.warns(errors.FallbackWarning, match="argument 'xs' is a Box"):
        assert jf(Box([1, 2, 3])) == 6
    assert jf(Box([1.5, 2])) == 3.5
    assert jf((1, 2)) == 3


def test_nopython_functions_keep_their_native_code():
    def add(a, b):
        return a + b
    jf = jit(add)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # no fallback, no warning
        assert jf(1, 2) == 3
    assert not jf.object_mode
    class V:
        def __init__(self, x):
            self.x = x

        def __add__(self, other):
            return V(self.x + other.x)

    with pytest.warns(errors.FallbackWarning):
        assert jf(V(1), V(2)).x == 3    # arguments of a Python class: object mode
    assert jf(1, 2) == 3                # the int specialization is still native
    assert jf.object_mode


def test_njit_and_nopython_never_fall_back():
    with pytest.raises(errors.TypingError):
        njit(needs_objects)(1)
    with pytest.raises(errors.TypingError):
        jit(nopython=True)(needs_objects)(1)


def test_forceobj_does_not_warn():
    def add(a, b):
        return a + b
    jf = jit(forceobj=True)(add)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert jf(1, 2) == 3
    assert jf.object_mode


def gen(n):
    yield n


def raise_from(x):
    try:
        return 1 / x
    except ZeroDivisionError as e:
        raise ValueError("bad") from e


@needs_exception_table
def test_unsupported_constructs_are_a_clear_error():
    # raise ... from ... is compiled since session 3 (tests/test_objmode_more.py); except* is not.
    assert jit(forceobj=True)(raise_from)(2) == 0.5
    ns = {}
    exec("def except_star(x):\n    r = 0\n    try:\n        r = 1 / x\n    except* ZeroDivisionError:\n"
         "        r = -1\n    return r\n", ns)
    with pytest.raises(errors.UnsupportedError, match=r"except\* clauses are not supported in object mode"):
        jit(forceobj=True)(ns["except_star"])(1)


def test_generators_are_a_clear_error():
    with pytest.raises(errors.UnsupportedError, match="generator functions are not supported in object mode"):
        jit(forceobj=True)(gen)(1)
    with pytest.raises(errors.UnsupportedError, match="generator"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jit(gen)(1)


def test_object_mode_is_compiled_code():
    jf = jit(forceobj=True)(needs_objects)
    jf(1)
    info = jf.inspect_objmode()
    assert "build_map" in info["ir"]
    assert "PyDict" in info["llvm"] or "swiftjit_obj_dict" in info["llvm"]


# ------------------------------------------------------------------ try/except/finally, with


def try_except(x):
    log = []
    try:
        log.append(10 / x)
    except ZeroDivisionError as e:
        log.append(("zde", str(e)))
    except (TypeError, ValueError) as e:
        log.append(type(e).__name__)
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log


@needs_exception_table
def test_try_except_else_finally():
    check(try_except, 1, 0, "a", 2.5)


def try_reraise(x):
    try:
        return {"a": 1}[x]
    except KeyError:
        if x == "b":
            return "b handled"
        raise
    finally:
        x = None


@needs_exception_table
def test_bare_raise_and_return_inside_try():
    check(try_reraise, "a", "b", "c", [])


def context_chain(x):
    try:
        raise ValueError(x)
    except ValueError:
        try:
            raise KeyError(x)
        except KeyError as e2:
            return repr(e2.__context__)


@needs_exception_table
def test_exception_context_chains():
    check(context_chain, 1, "a")


@needs_exception_table
def test_handled_exception_is_restored():
    jf = jit(forceobj=True)(try_reraise)
    with pytest.raises(KeyError):
        jf("c")
    assert sys.exc_info() == (None, None, None)
    try:
        raise RuntimeError("outer")
    except RuntimeError:
        assert jf("b") == "b handled"
        assert str(sys.exc_info()[1]) == "outer"


def catches_non_exception(x):
    try:
        return 1 / x
    except 42:
        return "no"


@needs_exception_table
def test_catching_a_non_exception_class_is_a_type_error():
    check(catches_non_exception, 1, 0)


class Manager:
    def __init__(self, log, swallow=False):
        self.log = log
        self.swallow = swallow

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, kind, value, tb):
        self.log.append(("exit", kind.__name__ if kind else None, str(value) if value else None))
        return self.swallow


def with_statement(x, swallow):
    log = []
    try:
        with Manager(log, swallow) as m:
            log.append(m is not None)
            log.append(10 // x)
        log.append("after")
    except ZeroDivisionError:
        log.append("caught")
    return log


@needs_exception_table
def test_with_statements():
    check(with_statement, (1, False), (0, False), (0, True), ("a", True))


def with_not_a_manager(x):
    with x:
        return 1


@needs_exception_table
def test_with_on_a_non_manager():
    check(with_not_a_manager, 1, Manager([]), None)


def traceback_in_try(x):
    try:
        return 1 / x
    except ZeroDivisionError:
        raise


@needs_exception_table
def test_reraise_keeps_one_traceback_entry():
    jf = jit(forceobj=True)(traceback_in_try)
    try:
        jf(0)
    except ZeroDivisionError:
        frames = [f for f in traceback.extract_tb(sys.exc_info()[2]) if f.name == "traceback_in_try"]
    assert [f.lineno for f in frames] == [traceback_in_try.__code__.co_firstlineno + 2]


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="3.10 only")
def test_try_is_a_clear_error_on_310():
    with pytest.raises(errors.UnsupportedError, match="try/except/finally is not supported in object mode on Python 3.10"):
        jit(forceobj=True)(try_except)(1)
