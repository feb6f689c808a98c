"""Object mode's fast paths (issue 5's speed target) give exactly what plain Python gives:
LOAD_METHOD without bound methods, method caches of dict-less types, method descriptors,
builtin len/isinstance and str/tuple/type(x) called directly, compact-int add/sub/compare,
constant-key dicts, borrowed copies of locals and constants, and the forceobj dispatcher's
direct entry. Differential: each function runs in plain Python and compiled, with edge cases
(cache misses, shadowing, rebinding, errors raised in between)."""
import copy
import sys
import warnings

import pytest

from swiftjit import jit

from jitcheck import outcome, same_outcome, show


def compile_obj(f):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jit(forceobj=True, looplift=False)(f)


def check(pyfunc, *argsets, jf=None):
    jf = jf or compile_obj(pyfunc)
    for args in argsets:
        if not isinstance(args, tuple):
            args = (args,)
        # each side gets its own copy: the functions mutate their arguments
        expected, got = outcome(pyfunc, *copy.deepcopy(args)), outcome(jf, *copy.deepcopy(args))
        assert same_outcome(expected, got), f"{pyfunc.__name__}{args!r}: python {show(expected)}, jit {show(got)}"
    assert jf.object_mode
    return jf


# ---------------------------------------------------------------- method calls

def method_args_can_fail(s, xs, i):
    # the arguments can fail, so the method is looked up first (LOAD_METHOD), called after
    return s.replace(xs[i], xs[i + 1]).split(xs[0])


def test_load_method_with_failing_arguments():
    check(method_args_can_fail, ("a-b-c", ["-", "+"], 0), ("a-b-c", ["-", "+"], 1), ("abc", ["b", "x", "y"], 1),
          ("abc", [], 0), (b"a-b", [b"-", b"+"], 0), ("a", [1, 2], 0), (5, ["a", "b"], 0))


def lookup_before_arguments(o, log):
    return o.missing(log.append(1)), log


def test_attribute_error_comes_before_the_arguments():
    for o in ("abc", [1], {"a": 1}, 3):
        log_py, log_jit = [], []
        expected = outcome(lookup_before_arguments, o, log_py)
        got = outcome(compile_obj(lookup_before_arguments), o, log_jit)
        assert same_outcome(expected, got), (show(expected), show(got))
        assert log_py == log_jit == []


def builtin_methods(s, lst, d, k):
    out = [s.strip(), s.upper(), s.startswith("a"), s.find("b", 1), s.split(","), s.encode()]
    lst.append(len(out))
    lst.extend(out[:1])
    out.append(lst.pop())
    out.append(lst.index(lst[0]))
    out.append(d.get(k, "none"))
    out.append(d.setdefault(k, len(out)))
    out.append(sorted(d.keys()))
    out.append(d.pop(k))
    return out, lst, d


def test_builtin_type_methods():
    check(builtin_methods, (" abc,b ", [1], {"x": 1}, "x"), ("a,b", [0], {}, "k"), ("", [2, 3], {1: 2}, 1),
          (" abc,b ", [], {"x": 1}, "x"), (" abc,b ", [1], {"x": 1}, ["unhashable"]))


def descriptor_calls(s, n):
    return str.upper(s), list.__len__(n), str.count(s, "a"), str.split(s, sep="a", maxsplit=1)


def test_unbound_method_descriptors():
    check(descriptor_calls, ("banana", [1, 2]), ("", []), (5, [1]), ("aaa", "not a list"), ("a", None))


def method_wrong_arguments(s, lst, v):
    return s.upper(v), lst.append(v, v)


def test_method_descriptor_argument_errors():
    check(method_wrong_arguments, ("a", [], 1), ("a", [], None))


class Slotted:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def get(self, k):
        return self.v + k


def slotted_call(o, k):
    return o.get(k) + o.get(k + 1)


def test_method_cache_sees_class_changes():
    jf = check(slotted_call, (Slotted(1), 2), (Slotted(10), -1))
    original = Slotted.get
    try:
        Slotted.get = lambda self, k: self.v * k
        check(slotted_call, (Slotted(3), 2), jf=jf)
    finally:
        Slotted.get = original
    check(slotted_call, (Slotted(3), 2), jf=jf)


class MyStr(str):
    def upper(self):
        return "mine"


class WithDict:
    def m(self):
        return "class"


def upper_of(s):
    return s.upper(), s.strip()


def m_of(o):
    return o.m()


def test_method_cache_sees_subclasses_and_shadowing():
    check(upper_of, "ab ", MyStr("ab "), "x", MyStr("y"), b"ab ")
    shadowed = WithDict()
    shadowed.m = lambda: "instance"
    check(m_of, WithDict(), shadowed, WithDict(), shadowed)


# ---------------------------------------------------------------- builtins called directly

def builtins_direct(x, t):
    return len(x), isinstance(x, t), str(x), tuple(x), type(x)


def test_len_isinstance_str_tuple_type():
    check(builtins_direct, ([1, 2], list), ("ab", (int, str)), ({}, dict), ((1,), tuple), (5, int), ([1], 3),
          (iter([1, 2]), object), ("", str))


def len_of(x):
    return len(x)


def test_shadowed_len_global():
    jf = check(len_of, [1, 2], "abc")
    g = len_of.__globals__
    try:
        g["len"] = lambda x: -1
        check(len_of, [1, 2], jf=jf)
    finally:
        del g["len"]
    check(len_of, [1, 2, 3], 5, jf=jf)


def str_of(x):
    return str(x), str(x, "ascii") if isinstance(x, bytes) else str()


def test_str_calls_with_other_arities():
    check(str_of, 5, b"ab", "x", [1])


# ---------------------------------------------------------------- ints

def arith(a, b):
    c = a + b
    d = a - b
    c += 1
    d -= b
    return c, d, a < b, a >= b, a == b


def test_compact_int_add_sub_compare():
    edges = [0, 1, -1, 2 ** 30 - 1, -(2 ** 30 - 1), 2 ** 30, -(2 ** 30), 2 ** 31, 2 ** 63, -(2 ** 64), 10 ** 30]
    check(arith, *[(a, b) for a in edges for b in edges])
    check(arith, (True, 1), (1, False), (1.5, 2), (2, 0.25), ("a", "b"), ([1], [2]), (1, "x"), (None, 1))


def inplace_list(a, b):
    c = a
    a += b
    return a is c, a


def test_inplace_add_keeps_mutation():
    check(inplace_list, ([1], [2]), ((1,), (2,)), (1, 2))


# ---------------------------------------------------------------- dicts, borrowed values

def const_keys(a, b):
    return {"a": a, "b": b, 1: a}, {"k": a, "k": b}, {(1, 2): a}


def test_constant_key_dicts():
    check(const_keys, (1, 2), ("x", None), ([1], {}))


def rebinding(x, y):
    x = x + 1
    x, y = y, x
    z = x
    del x
    return z, y, (y := y * 2), y


def test_rebinding_locals():
    check(rebinding, (1, 2), ("a", "b"), ([1], [2]), (1, "b"))


class Acct:
    def __init__(self, v):
        self.v = v

    def f(self, other):
        return self.v, other.v


def walrus_in_method_args(acct, other):
    return acct.f((acct := other)), acct.v


def unbound_after_del(x, flag):
    if flag:
        del x
    return x + 1


def test_walrus_and_unbound_locals():
    check(walrus_in_method_args, (Acct(1), Acct(2)))
    check(unbound_after_del, (1, False), (1, True))


def test_reference_counts_unchanged():
    f = compile_obj(builtin_methods)
    arith_j = compile_obj(arith)
    s, k = " abc,b ", "x"
    big = 10 ** 30
    before = sys.getrefcount(s), sys.getrefcount(k), sys.getrefcount(big)
    for _ in range(2000):
        f(s, [1], {"x": 1}, k)
        arith_j(big, 3)
        arith_j(5, big)
    assert (sys.getrefcount(s), sys.getrefcount(k), sys.getrefcount(big)) == before


# ---------------------------------------------------------------- the dispatcher's direct entry

def defaults(a, b=2, c=None):
    return a, b, c


def plain(a, b):
    return a - b


def test_forceobj_direct_entry_and_binding():
    jf = compile_obj(plain)
    assert jf(5, 3) == 2
    assert jf(5, 3) == 2  # the direct entry
    assert jf(b=1, a=4) == 3
    for args in [(1,), (1, 2, 3), ()]:
        assert same_outcome(outcome(plain, *args), outcome(jf, *args))
    check(defaults, (1,), (1, 5), (1, 5, 6), (1, 5, 6, 7))
    jd = compile_obj(defaults)
    assert jd(1, c=3) == (1, 2, 3) and jd(1, 2, 3) == (1, 2, 3)


def recurse(n):
    return 0 if n <= 0 else 1 + recurse(n - 1)


def test_forceobj_recursion_and_recursion_error():
    jf = compile_obj(recurse)
    g = recurse.__globals__
    g["recurse"] = jf
    try:
        assert jf(50) == 50
        with pytest.raises(RecursionError):
            jf(10 ** 6)
    finally:
        g["recurse"] = recurse
