"""The dispatcher API: decorator forms and options, py_func, signatures,
functools.update_wrapper attributes, inspect_llvm, argument binding (wrong
counts, keywords, defaults) and reference counting."""
import functools
import gc
import inspect
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import swiftjit
from jitcheck import Raised, check, check_all, ints, outcome, run_python, same
from swiftjit import jit, njit, types


def add(a, b):
    """Adds two numbers."""
    return a + b


# ------------------------------------------------------------------ decorator forms
def test_njit_call_form():
    f = njit(add)
    assert isinstance(f, swiftjit.Dispatcher)
    assert f(1, 2) == 3


def test_decorator_forms():
    @jit
    def bare_jit(x):
        return x + 1

    @jit()
    def jit_empty(x):
        return x + 1

    @jit(nopython=True)
    def jit_nopython(x):
        return x + 1

    @njit
    def bare_njit(x):
        return x + 1

    @njit()
    def njit_empty(x):
        return x + 1

    @njit(fastmath=False, nogil=True, cache=False, boundscheck=False, error_model="python", inline="never")
    def njit_options(x):
        return x + 1

    for f in (bare_jit, jit_empty, jit_nopython, bare_njit, njit_empty, njit_options):
        assert isinstance(f, swiftjit.Dispatcher), f
        assert same(f(1), 2) and same(f(1.5), 2.5) and same(f(True), 2)


def test_njit_sets_nopython_option():
    assert njit(add).targetoptions["nopython"] is True
    assert jit(add).targetoptions["nopython"] is False
    assert njit(nogil=True)(add).targetoptions["nogil"] is True


@pytest.mark.parametrize("options", [{"foo": 1}, {"nopythn": True}, {"fastmath": True, "parallell": True}])
def test_unknown_options_raise_type_error(options):
    with pytest.raises(TypeError) as info:
        jit(**options)
    for name in options:
        if name not in ("fastmath",):
            assert name in str(info.value)
    with pytest.raises(TypeError):
        njit(**options)(add)
    with pytest.raises(TypeError):
        jit(add, **options)


def test_jit_rejects_non_functions():
    with pytest.raises(TypeError):
        jit(len)
    with pytest.raises(TypeError):
        njit(42)


def test_lambda_can_be_jitted():
    f = njit(lambda x, y: x * y - 1)
    check_all([(lambda x, y: x * y - 1, f, (3, 4)), (lambda x, y: x * y - 1, f, (2.5, 4))])


def test_decorating_does_not_compile():
    f = njit(add)
    assert f.signatures == []


# ------------------------------------------------------------------ wrapper attributes
def test_py_func_and_wrapper_attributes():
    f = njit(add)
    assert f.py_func is add
    assert f.__wrapped__ is add
    assert f.__name__ == "add"
    assert f.__qualname__ == add.__qualname__
    assert f.__doc__ == "Adds two numbers."
    assert f.__module__ == add.__module__
    for attr in functools.WRAPPER_ASSIGNMENTS:
        if hasattr(add, attr):
            assert getattr(f, attr) == getattr(add, attr), attr


def test_wrapper_copies_function_dict():
    def g(x):
        return x

    g.custom = 41
    f = njit(g)
    assert f.custom == 41


def test_inspect_signature_follows_wrapped():
    def g(a, b=2, *, c=3.0):
        return a + b + c

    assert str(inspect.signature(njit(g))) == "(a, b=2, *, c=3.0)"


def test_py_func_still_callable():
    f = njit(add)
    assert f.py_func("a", "b") == "ab"      # the original Python function is untouched


# ------------------------------------------------------------------ signatures
def test_signatures_one_per_specialization():
    f = njit(add)
    assert f.signatures == []
    f(1, 2)
    assert f.signatures == [(types.int64, types.int64)]
    f(3, 4)                                   # same types: no new specialization
    assert f.signatures == [(types.int64, types.int64)]
    f(1.0, 2)
    assert f.signatures == [(types.int64, types.int64), (types.float64, types.int64)]
    f(1, 2.0)
    f(True, False)
    f(1.0, 2.0)
    f(1, 2)
    assert [tuple(str(t) for t in s) for s in f.signatures] == [
        ("int64", "int64"), ("float64", "int64"), ("int64", "float64"), ("bool", "bool"),
        ("float64", "float64")]
    assert all(isinstance(s, tuple) and all(isinstance(t, types.Type) for t in s) for s in f.signatures)


def test_signature_of_none_and_tuples():
    def first(t, n):
        a, b = t
        return a if n is None else b

    f = njit(first)
    assert f((1, 2.5), None) == 1
    assert f((1, 2.5), 3) == 2.5
    names = [tuple(str(t) for t in s) for s in f.signatures]
    assert names == [("tuple(int64, float64)", "none"), ("tuple(int64, float64)", "int64")]


def test_signatures_list_is_a_copy():
    f = njit(add)
    f(1, 2)
    sigs = f.signatures
    sigs.append("junk")
    assert f.signatures == [(types.int64, types.int64)]


def test_types_objects():
    assert types.int64 == types.from_name("int64")
    assert repr(types.float64) == "float64"
    assert hash(types.boolean) == hash(types.from_name("bool"))
    assert types.none != types.int64


# ------------------------------------------------------------------ inspect_llvm
def test_inspect_llvm():
    f = njit(add)
    assert f.inspect_llvm() == {}
    f(1, 2)
    f(1.5, 2.5)
    ir = f.inspect_llvm()
    assert isinstance(ir, dict)
    assert set(ir) == set(f.signatures)
    for sig, text in ir.items():
        assert isinstance(text, str)
        assert "define" in text
    assert ir[(types.int64, types.int64)] != ir[(types.float64, types.float64)]
    assert "fadd" in ir[(types.float64, types.float64)]


# ------------------------------------------------------------------ argument binding
def two(a, b):
    return a - b


def with_defaults(a, b=2, c=3.5):
    return a + b * c


def kwonly(a, *, b=1, c):
    return a * 100 + b * 10 + c


def posonly(a, b, /, c=0):
    return a - b + c


def no_args():
    return 42


J_TWO, J_DEFAULTS, J_KWONLY, J_POSONLY, J_NOARGS = (njit(two), njit(with_defaults), njit(kwonly),
                                                    njit(posonly), njit(no_args))


@pytest.mark.parametrize("func,jf,args,kwargs", [
    (two, J_TWO, (), {}),
    (two, J_TWO, (1,), {}),
    (two, J_TWO, (1, 2, 3), {}),
    (two, J_TWO, (1,), {"c": 2}),
    (two, J_TWO, (1, 2), {"a": 1}),
    (two, J_TWO, (), {"b": 1}),
    (with_defaults, J_DEFAULTS, (), {}),
    (with_defaults, J_DEFAULTS, (1, 2, 3, 4), {}),
    (with_defaults, J_DEFAULTS, (1,), {"d": 4}),
    (kwonly, J_KWONLY, (1, 2), {"c": 3}),
    (kwonly, J_KWONLY, (1,), {}),
    (posonly, J_POSONLY, (), {"a": 1, "b": 2}),
    (no_args, J_NOARGS, (1,), {}),
], ids=lambda v: v.__name__ if inspect.isfunction(v) else (repr(v) if isinstance(v, (tuple, dict)) else ""))
def test_wrong_arguments_raise_pythons_type_error(func, jf, args, kwargs):
    expected = outcome(func, *args, **kwargs)
    assert isinstance(expected, Raised) and expected.type is TypeError
    check(func, jf, *args, **kwargs)             # same type and same message


def test_wrong_argument_count_after_compilation():
    assert J_TWO(5, 3) == 2                      # compiled (int64, int64)
    check(two, J_TWO, 5)
    check(two, J_TWO, 5, 3, 1)


@given(ints(-2 ** 40, 2 ** 40), st.one_of(st.none(), ints(-2 ** 20, 2 ** 20)),
       st.one_of(st.none(), st.floats(-1e6, 1e6)))
def test_keywords_and_defaults(a, b, c):
    kwargs = {}
    if b is not None:
        kwargs["b"] = b
    if c is not None:
        kwargs["c"] = c
    check(with_defaults, J_DEFAULTS, a, **kwargs)
    check(with_defaults, J_DEFAULTS, a=a, **kwargs)
    if b is not None:
        check(with_defaults, J_DEFAULTS, a, b)
        if c is not None:
            check(with_defaults, J_DEFAULTS, a, b, c)
            check(with_defaults, J_DEFAULTS, c=c, b=b, a=a)


def test_keyword_only_and_positional_only():
    check(kwonly, J_KWONLY, 1)                   # missing c: TypeError
    assert J_KWONLY(1, c=3) == 113
    assert J_KWONLY(1, b=2, c=3) == 123
    assert J_KWONLY(c=3, a=1) == 113
    assert J_POSONLY(5, 3) == 2
    assert J_POSONLY(5, 3, c=1) == 3
    assert J_POSONLY(5, 3, 1) == 3
    assert J_NOARGS() == 42


def test_default_types_make_signatures():
    f = njit(with_defaults)
    assert f(1) == with_defaults(1)
    assert [tuple(str(t) for t in s) for s in f.signatures] == [("int64", "int64", "float64")]


# ------------------------------------------------------------------ reference counts
N_CALLS = 100_000


def ident(x):
    return x


def first_of(t):
    a, b = t
    return a


@pytest.mark.parametrize("value", [10 ** 15 + 12345, 1.2345e300, True, None, (10 ** 15 + 1, 2.5e300, None)],
                         ids=["int", "float", "bool", "none", "tuple"])
def test_argument_refcounts_unchanged(value):
    f = njit(ident)
    f(value)
    gc.collect()
    before = sys.getrefcount(value)
    for _ in range(N_CALLS):
        f(value)
    gc.collect()
    assert sys.getrefcount(value) == before


def test_argument_refcounts_two_args_and_keywords():
    f = njit(add)
    x, y = 10 ** 15 + 7, 3.25e200
    f(x, y)
    before = sys.getrefcount(x), sys.getrefcount(y)
    for _ in range(N_CALLS // 2):
        f(x, y)
        f(a=x, b=y)
    assert (sys.getrefcount(x), sys.getrefcount(y)) == before


def test_argument_refcounts_when_raising():
    f = njit(two_div)
    x = 10 ** 15 + 9
    with pytest.raises(ZeroDivisionError):
        f(x, 0)
    before = sys.getrefcount(x)
    for _ in range(10_000):
        try:
            f(x, 0)
        except ZeroDivisionError:
            pass
    assert sys.getrefcount(x) == before


def two_div(a, b):
    return a // b


def test_tuple_argument_refcount_of_elements():
    f = njit(first_of)
    big = 10 ** 16 + 3
    t = (big, 2.5)
    f(t)
    before = sys.getrefcount(big), sys.getrefcount(t)
    for _ in range(N_CALLS):
        f(t)
    assert (sys.getrefcount(big), sys.getrefcount(t)) == before


@pytest.mark.parametrize("value", [10 ** 15 + 12345, 1.2345e300, (10 ** 15 + 1, 2.5e300)], ids=["int", "float", "tuple"])
def test_returned_values_are_fresh(value):
    f = njit(ident)
    r = f(value)
    assert r == value
    assert r is not value                 # unboxed then boxed again: a new object
    assert sys.getrefcount(r) == 2        # only `r` (and the getrefcount argument) refer to it


def test_returned_value_is_freed():
    f = njit(add)
    results = [f(10 ** 15, i) for i in range(1000)]
    assert all(sys.getrefcount(results[i]) == 2 for i in range(1000))   # the list + the argument


def test_dispatcher_is_garbage_collected():
    import weakref

    def g(x):
        return x + 1

    f = njit(g)
    assert f(1) == 2
    ref = weakref.ref(f)
    del f
    gc.collect()
    assert ref() is None


# ------------------------------------------------------------------ config
def test_disable_jit_environment_variable():
    code = ("import swiftjit\n"
            "def f(x):\n"
            "    return x + 1\n"
            "g = swiftjit.njit(f)\n"
            "print(g is f, g('a') if False else g(1))\n")
    proc = run_python(code, env={"SWIFTJIT_DISABLE_JIT": "1"})
    assert proc is not None and proc.returncode == 0, proc and proc.stderr
    assert proc.stdout.strip() == "True 2"
