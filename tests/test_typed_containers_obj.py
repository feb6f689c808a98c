"""swiftjit.typed.List / typed.Dict of element types the native storage does not hold
(issue 11 points 1-2): str, tuples, arrays, nested typed containers, float/str/tuple keys.

Such a container is an instance of a list/dict subclass made once per declared type
(``ListType[unicode_type]``, ``DictType[unicode_type,int64]`` ...). Compiled code takes the
object itself (no copy in, no write-back out); the dispatcher types it by its class alone,
so a call costs the same for 10 or 10**5 items. Stores made from Python are checked (and
cast where Numba casts), so compiled code never meets an item of another type.

Differential: the same function runs as plain Python on a plain list/dict and compiled on the
typed container; results and the containers afterwards must agree.
"""
import copy
import gc
import pickle
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from swiftjit import njit, typed, types
from jitcheck import Raised, check_memory_flat, outcome

List, Dict = typed.List, typed.Dict

WORDS = ["ünïcödé", "straße", "日本語", "a", "", "b", "a", "日本語", "𝔘𝔫𝔦", "straße", "a"]


def plain(x):
    """A plain copy of a typed container (nested ones too), for the Python side of a check."""
    if isinstance(x, List):
        return [plain(v) for v in x]
    if isinstance(x, Dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return x.copy()
    return x


def same(a, b):
    """Same structure and values; typed containers compare as their plain copies."""
    a, b = plain(a), plain(b)
    if isinstance(a, Raised) or isinstance(b, Raised):
        return a == b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def check(func, typed_args):
    """Runs `func` in Python on plain copies and compiled on `typed_args`; the outcomes and the
    arguments afterwards must agree. Returns the compiled outcome."""
    plain_args = [plain(a) for a in typed_args]
    expected = outcome(func, *plain_args)
    got = outcome(njit(func), *typed_args)
    assert same(got, expected), (got, expected)
    for t, p in zip(typed_args, plain_args):
        assert same(t, p), (t, p)
    return got


# ---------------------------------------------------------------- classes, repr, pickle

def test_one_class_per_declared_type():
    a, b = List(["x"]), List.empty_list(types.unicode_type)
    assert type(a) is type(b) and type(a).__name__ == "ListType[unicode_type]"
    assert isinstance(a, List) and isinstance(a, list) and not isinstance(a, Dict)
    assert type(List([(1, "a")])) is type(List.empty_list(types.Tuple((types.int64, types.unicode_type))))
    assert type(List([(1, 2)])) is type(List.empty_list(types.UniTuple(types.int64, 2)))
    d = Dict.empty(types.unicode_type, types.int64)
    assert type(d) is type(Dict({"a": 1})) and isinstance(d, Dict) and isinstance(d, dict)
    assert type(Dict({1.5: "x"})) is type(Dict.empty(types.float64, types.unicode_type))
    assert a.item_type == "unicode_type" and (d.key_type, d.value_type) == ("unicode_type", "int64")


def test_repr_str_and_pickle():
    cases = [
        (List(["a", "é"]), "ListType[unicode_type](['a', 'é'])"),
        (List([(1, "a")]), "ListType[Tuple(int64, unicode_type)]([(1, 'a')])"),
        (Dict({"k": 1}), "DictType[unicode_type,int64]({'k': 1})"),
        (Dict({(1, 2): 0.5}), "DictType[UniTuple(int64, 2),float64]({(1, 2): 0.5})"),
        (List([List(["a"])]), "ListType[ListType[unicode_type]]([ListType[unicode_type](['a'])])"),
        (List.empty_list(types.float64[::1]), "ListType[array(float64, 1d, C)]([])"),
    ]
    for obj, text in cases:
        assert repr(obj) == text
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is type(obj) and same(back, obj) and repr(back) == text
        c = copy.deepcopy(obj)
        assert type(c) is type(obj) and same(c, obj)
    assert str(List(["a"])) == "['a']" and str(Dict({"k": 1})) == "{'k': 1}"


def test_typeof():
    from swiftjit import typeof
    assert typeof(List(["a"])) == types.ListType(types.unicode_type)
    assert typeof(List(["a"])).name == "ListType[unicode_type]"
    assert typeof(Dict({(1, "a"): np.zeros(2)})).compiler_name == "dict(tuple(int64, unicode_type), array(float64, 1d, C))"
    assert typeof(List([List([1.5])])) == types.ListType(types.ListType(types.float64))
    assert typeof(Dict({1: 2})) == types.DictType(types.int64, types.int64)


def test_item_types_from_items_unified_as_compiled_code_does():
    assert List([1, 2.5, "x"][2:]).item_type == "unicode_type"
    assert List([(1, 2.0), (1.5, 2)]).item_type == "UniTuple(float64, 2)"
    assert repr(List([np.zeros(2), np.zeros(4)[::2]])) .startswith("ListType[array(float64, 1d, A)]")
    nested = List([["a"], ["b", "c"]])  # plain lists inside the argument become typed lists
    assert repr(nested) == ("ListType[ListType[unicode_type]]([ListType[unicode_type](['a']), "
                            "ListType[unicode_type](['b', 'c'])])")
    with pytest.raises(TypeError, match="mix unicode_type and int64"):
        List(["a", 1])
    with pytest.raises(TypeError, match="mix"):
        Dict({"a": 1, 2: 1})
    with pytest.raises(TypeError, match="cannot hold a set"):
        List([{1}])


# ---------------------------------------------------------------- differential, from jitted code

def word_count(words, counts):
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return len(counts)


def test_word_count_into_a_typed_dict_argument():
    words = List(WORDS)
    counts = Dict.empty(key_type=types.unicode_type, value_type=types.int64)
    check(word_count, [words, counts])
    assert counts["a"] == 3 and counts["日本語"] == 2 and list(counts) == list(dict.fromkeys(WORDS))
    check(word_count, [words, counts])  # again, into the same dict: counts double
    assert counts["a"] == 6


def sort_pairs(xs):
    xs.sort()
    xs.append((0, "zzz"))
    xs.reverse()
    return xs[0]


def test_list_of_tuples_sorted_in_jitted_code():
    xs = List([(3, "c"), (1, "é"), (2, "b"), (1, "a"), (-5, "")])
    assert check(sort_pairs, [xs]) == (0, "zzz")


def sum_and_grow(arrays):
    total = 0.0
    for a in arrays:
        total += float(a.sum())
    arrays.append(arrays[0] * 2.0)
    arrays[0][0] = -1.0
    return total


def test_list_of_arrays():
    arrays = List([np.arange(3.0), np.ones(3), np.linspace(0, 1, 3)])
    first = arrays[0]
    check(sum_and_grow, [arrays])
    assert arrays[0] is first and first[0] == -1.0  # the caller's array was written, not a copy
    assert len(arrays) == 4 and type(arrays[3]) is np.ndarray


def str_keys(d, keys):
    out = 0
    for k in keys:
        if k in d:
            out += d[k]
        d[k + "!"] = len(k)
    for k, v in d.items():
        out += v * len(k)
    return out


def test_str_keys_with_non_ascii_text():
    d = Dict({"ünï": 1, "日本": 2, "": 3})
    check(str_keys, [d, List(["ünï", "x", "日本", "𝔘"])])
    assert "日本!" in d and d["𝔘!"] == 1


def fill_empty(xs, d, n):
    for i in range(n):
        s = str(i) * (i % 3)
        xs.append(s)
        d[(i, s)] = float(i) / 2
    return len(xs) + len(d)


def test_empty_containers_made_with_empty_list_and_empty():
    xs = List.empty_list(types.unicode_type)
    d = Dict.empty(types.Tuple((types.int64, types.unicode_type)), types.float64)
    check(fill_empty, [xs, d, 7])
    assert xs[2] == "22" and d[(4, "4")] == 2.0
    assert check(fill_empty, [List.empty_list(str), Dict.empty((types.int64, str), float), 0]) == 0


def float_keys(d):
    d[0.5] = "half"
    d[2] = "two"  # an int key into float64 keys: cast, as Numba does
    return d[1.0] + d[2.0]


def test_float_keys():
    check(float_keys, [Dict({1.0: "one", -0.0: "zero"})])


def nested_ops(groups, index):
    groups[0].append("new")
    index["x"].append("y")
    n = 0
    for g in groups:
        n += len(g)
    return n + len(index["x"])


def test_nested_typed_containers():
    groups = List([List(["a"]), List(["b", "c"])])
    index = Dict({"x": List(["é"]), "z": List.empty_list(types.unicode_type)})
    inner, inner2 = groups[0], index["x"]
    check(nested_ops, [groups, index])
    assert groups[0] is inner and inner[-1] == "new" and index["x"] is inner2 and inner2 == ["é", "y"]


def test_nested_numeric_lists_keep_identity():
    nn = List([List([1, 2]), List([3])])
    inner = nn[0]

    @njit
    def grow(xs):
        xs[0].append(10)
        xs.append([4, 5])  # a list made in compiled code: a native list of int64
        return xs

    assert grow(nn) is nn and nn[0] is inner and list(inner) == [1, 2, 10]
    assert len(nn) == 3 and list(nn[2]) == [4, 5]
    nn.append(nn[2])  # what compiled code stored may be stored again from Python
    with pytest.raises(TypeError):
        nn.append([1])  # a plain list is not a typed List of int64
    with pytest.raises(TypeError):
        nn.append(List([1.5]))
    d = Dict({"a": List([1.5])})
    assert njit(lambda d: d)(d) is d

    @njit
    def total(xss):
        t = 0.0
        for xs in xss:
            for ys in xs:
                for y in ys:
                    t += y
        return t

    # Typed lists of other item kinds inside one plain list: refused, not misread.
    with pytest.raises(TypeError, match="typed List of int64 is used where compiled code expects"):
        total([List([List([1])]), List([List([0.5])])])


def test_nested_numeric_dicts_keep_identity():
    ld = List([Dict({1: 1}), Dict({2: 2})])
    inner = ld[0]
    sd = Dict({"x": Dict({1: 0.5})})

    @njit
    def bump(xs, d):
        xs[0][1] = xs[0].get(1, 0) + 1
        xs.append({5: 6})  # a dict made in compiled code: a native dict of int64 -> int64
        d["x"][2] = 1.5
        d["y"] = {7: 0.25}
        return xs

    assert bump(ld, sd) is ld and ld[0] is inner and inner[1] == 2 and dict(ld[2]) == {5: 6}
    assert dict(sd["x"]) == {1: 0.5, 2: 1.5} and dict(sd["y"]) == {7: 0.25}
    ld.append(ld[2])
    sd["z"] = sd["y"]
    with pytest.raises(TypeError):
        ld.append({1: 1})
    with pytest.raises(TypeError):
        sd["w"] = Dict({1: 1})  # int64 values where float64 ones are declared
    assert len(bump(ld, sd)) == 5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=6), max_size=30))
def test_word_count_hypothesis(words):
    xs = List(words) if words else List.empty_list(types.unicode_type)
    check(word_count, [xs, Dict.empty(types.unicode_type, types.int64)])


def count_words_made_inside(words):
    counts = Dict.empty(key_type=types.unicode_type, value_type=types.int64)
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def make_inside(n):
    names = List.empty_list(types.unicode_type)
    by_float = Dict.empty(types.float64, types.unicode_type)
    lengths = Dict.empty(str, int)
    for i in range(n):
        s = "é" * i
        names.append(s)
        by_float[i / 2] = s
        lengths[s] = len(s)
    return names, by_float, lengths


def test_typed_containers_made_in_jitted_code():
    words = List(WORDS)
    got = njit(count_words_made_inside)(words)
    assert type(got) is type(Dict.empty(types.unicode_type, types.int64))
    assert same(got, count_words_made_inside(list(WORDS)))
    names, by_float, lengths = njit(make_inside)(4)
    assert repr(names) == "ListType[unicode_type](['', 'é', 'éé', 'ééé'])"
    assert repr(by_float) == "DictType[float64,unicode_type]({0.0: '', 0.5: 'é', 1.0: 'éé', 1.5: 'ééé'})"
    assert type(lengths) is type(got) and same(lengths, {"": 0, "é": 1, "éé": 2, "ééé": 3})
    # They are typed containers like the ones made in Python: checked stores, passed back as they are.
    with pytest.raises(TypeError):
        names.append(1)
    assert njit(word_count)(names, got) == len(got)


OPS = st.lists(st.tuples(st.sampled_from(["append", "insert", "extend", "set", "slice", "pop", "del", "sort",
                                            "reverse", "iadd", "imul", "remove", "clear"]),
                         st.integers(-5, 5), st.lists(st.text(max_size=4), max_size=3)), max_size=25)


def joined(xs):
    out = ""
    for x in xs:
        out += x + "|"
    return out


@settings(max_examples=60, deadline=None)
@given(OPS)
def test_python_side_operations_differential(ops):
    """The same operations from Python on a plain list and on a typed List[str]; after each,
    the compiled function sees the same items as plain Python."""
    ref, xs = ["a", "ü"], List(["a", "ü"])
    compiled = njit(joined)
    for op, i, vals in ops:
        for target in (ref, xs):
            v = vals[0] if vals else "v"
            try:
                if op == "append":
                    target.append(v)
                elif op == "insert":
                    target.insert(i, v)
                elif op == "extend":
                    target.extend(vals)
                elif op == "set":
                    target[i] = v
                elif op == "slice":
                    target[i:i + 2] = vals
                elif op == "pop":
                    target.pop(i)
                elif op == "del":
                    del target[i:i + 1]
                elif op == "sort":
                    target.sort(reverse=i < 0)
                elif op == "reverse":
                    target.reverse()
                elif op == "iadd":
                    target += vals
                elif op == "imul":
                    target *= max(i, 0) % 3
                elif op == "remove":
                    target.remove(v)
                else:
                    target.clear()
            except (IndexError, ValueError):
                pass
        assert list(xs) == ref and type(xs) is type(List(["z"]))
        assert compiled(xs) == joined(ref)


DICT_OPS = st.lists(st.tuples(st.sampled_from(["set", "update", "setdefault", "pop", "popitem", "del", "ior",
                                                 "clear", "fromkeys"]),
                              st.text(max_size=3), st.integers(-3, 3)), max_size=25)


def weighted(d):
    out = 0
    for k, v in d.items():
        out = (out * 7 + len(k) * v) % 1000003
    return out


@settings(max_examples=60, deadline=None)
@given(DICT_OPS)
def test_python_side_dict_operations_differential(ops):
    ref, d = {"é": 1}, Dict({"é": 1})
    compiled = njit(weighted)
    for op, k, v in ops:
        results = []
        for target in (ref, d):
            try:
                if op == "set":
                    target[k] = v
                elif op == "update":
                    target.update({k: v, k + "x": v + 1})
                elif op == "setdefault":
                    results.append(target.setdefault(k, v))
                elif op == "pop":
                    results.append(target.pop(k, None))
                elif op == "popitem":
                    results.append(target.popitem())
                elif op == "del":
                    del target[k]
                elif op == "ior":
                    target |= {k: v}
                elif op == "fromkeys":
                    results.append(dict(type(target).fromkeys([k, "z"], v)))
                else:
                    target.clear()
            except KeyError:
                results.append("KeyError")
        assert results[:1] == results[1:] or len(results) == 0
        assert dict(d) == ref and list(d) == list(ref) and type(d) is type(Dict({"a": 1}))
        assert compiled(d) == weighted(ref)


# ---------------------------------------------------------------- identity, no conversion

def test_returned_containers_are_the_same_objects():
    @njit
    def ident(xs, d):
        xs.append("k")
        d["k"] = len(xs)
        return xs, d

    xs, d = List(["a"]), Dict.empty(types.unicode_type, types.int64)
    rx, rd = ident(xs, d)
    assert rx is xs and rd is d and xs == ["a", "k"] and d == {"k": 2}


def test_plain_and_typed_arguments_share_one_specialization():
    @njit
    def first(xs):
        xs.append("end")
        return xs[0]

    plain_list = ["p", "q"]
    assert first(plain_list) == "p" and plain_list == ["p", "q", "end"]  # reflected, as Numba does
    typed_list = List(["t"])
    for _ in range(3):
        assert first(typed_list) == "t"
    assert typed_list == ["t", "end", "end", "end"] and len(first.signatures) == 1


def test_mutations_are_seen_through_every_reference():
    @njit
    def both(a, b):
        a.append("x")
        return len(b)  # the same object: the append is seen at once

    xs = List(["a"])
    assert both(xs, xs) == 2 and xs == ["a", "x"]


def test_call_cost_does_not_depend_on_length():
    @njit
    def n_items(xs):
        return len(xs)

    cases = [
        (List([str(i) for i in range(10)]), List([str(i) for i in range(100_000)])),
        (List([(i, str(i)) for i in range(10)]), List([(i, str(i)) for i in range(100_000)])),
        (Dict({str(i): i for i in range(10)}), Dict({str(i): i for i in range(100_000)})),
        (Dict({(i, 0.5): np.zeros(1) for i in range(10)}), Dict({(i, 0.5): np.zeros(1) for i in range(100_000)})),
        (List([List([i]) for i in range(10)]), List([List([i]) for i in range(100_000)])),
        (Dict({str(i): List([1.5]) for i in range(10)}), Dict({str(i): List([1.5]) for i in range(100_000)})),
        (List([Dict({1: i}) for i in range(10)]), List([Dict({1: i}) for i in range(100_000)])),
    ]

    def median_time(arg, calls=300):
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(calls):
                n_items(arg)
            runs.append(time.perf_counter() - t0)
        return sorted(runs)[2]

    for small, big in cases:
        assert n_items(small) == 10 and n_items(big) == 100_000
        t_small, t_big = median_time(small), median_time(big)
        # Typing 1e5 items per call would cost ~1000x; allow a lot of noise.
        assert t_big < 20 * t_small, (type(small).__name__, t_small, t_big)


# ---------------------------------------------------------------- stores from Python are checked

def test_wrong_type_stores_from_python_raise_type_error():
    xs = List(["a", "b"])
    before = list(xs)
    bad_ops = [
        lambda: xs.append(1), lambda: xs.insert(0, b"x"), lambda: xs.extend(["c", 2]),
        lambda: xs.__setitem__(0, None), lambda: xs.__setitem__(slice(0, 1), ["c", 3.0]),
        lambda: xs.__iadd__(["c", ("t",)]), lambda: xs + [1],
    ]
    for op in bad_ops:
        with pytest.raises(TypeError, match="typed List of unicode_type cannot hold"):
            op()
    assert xs == before  # a refused store changed nothing
    xs += ["c"]
    assert type(xs) is type(List(["z"])) and xs == ["a", "b", "c"]

    d = Dict.empty(types.unicode_type, types.int64)
    for op in [lambda: d.__setitem__(1, 1), lambda: d.__setitem__("a", "1"), lambda: d.update({"a": 1, "b": 1.5}),
               lambda: d.update([("a", 1), (2, 2)]), lambda: d.setdefault(3, 0), lambda: d.setdefault("a", "x"),
               lambda: d.update(a=None), lambda: d.__ior__({"c": []})]:
        with pytest.raises(TypeError, match="typed Dict with (unicode_type keys|int64 values) cannot take"):
            op()
    assert d == {}
    with pytest.raises(OverflowError):
        d["big"] = 2 ** 63

    t = List.empty_list(types.Tuple((types.int64, types.unicode_type)))
    for v in [(1,), (1, "a", 2), ("a", 1), [1, "a"], (1.5, "a")]:
        with pytest.raises(TypeError):
            t.append(v)
    arrays = List.empty_list(types.float64[::1])
    for v in [np.zeros(3, dtype=np.int64), np.zeros((2, 2)), np.zeros(6)[::2], [1.0]]:
        with pytest.raises(TypeError, match="array\\(float64, 1d, C\\)"):
            arrays.append(v)
    nested = List.empty_list(types.ListType(types.unicode_type))
    for v in [["a"], List([1]), List([(1, "a")]), "a"]:
        with pytest.raises(TypeError):
            nested.append(v)
    assert len(t) == 0 and len(arrays) == 0 and len(nested) == 0


def test_casts_where_numba_casts():
    xs = List.empty_list(types.Tuple((types.float64, types.unicode_type)))
    xs.append((1, "a"))
    xs.append((True, "b"))
    xs.append((np.float32(0.5), "c"))
    assert [type(a) for a, _ in xs] == [float, float, float] and xs[0] == (1.0, "a")
    ints = List.empty_list(types.UniTuple(types.int64, 2))
    ints.append((np.int32(3), True))
    assert ints[0] == (3, 1) and type(ints[0][1]) is int
    d = Dict.empty(types.float64, types.unicode_type)
    d[1] = "x"
    assert type(next(iter(d))) is float

    class S(str):
        pass

    s = List(["a"])
    s.append(S("b"))
    assert type(s[1]) is str


def test_a_refused_store_cannot_reach_compiled_code():
    @njit
    def total_length(xs):
        n = 0
        for x in xs:
            n += len(x)
        return n

    xs = List(["ab", "c"])
    assert total_length(xs) == 3
    for bad in (5, 2.5, None, ("a",), ["a"], np.zeros(3)):
        with pytest.raises(TypeError):
            xs.append(bad)
        with pytest.raises(TypeError):
            xs[0] = bad
    assert total_length(xs) == 3  # still only str items: no crash, no wrong answer

    @njit
    def first_sum(pairs):
        return pairs[0][0] + pairs[0][1]

    pairs = List([(1, 2)])
    with pytest.raises(TypeError):
        pairs[0] = (1,)  # a short tuple would be read past its end
    assert first_sum(pairs) == 3


def test_subclass_of_a_typed_class_is_still_typed_correctly():
    cls = type(List(["a"]))

    class Mine(cls):
        __slots__ = ()

    @njit
    def count(xs):
        return len(xs)

    m = Mine(["a", "b"])
    assert count(m) == 2 and count(List(["x"])) == 1


# ---------------------------------------------------------------- refcounts and memory

def test_refcounts_flat_over_100k_calls():
    @njit
    def work(xs, d):
        xs.append("tmp")
        xs.pop()
        d["n"] = d.get("n", 0) + 1
        return xs

    word = "ü" * 10
    xs, d = List([word, "b"]), Dict.empty(types.unicode_type, types.int64)
    work(xs, d)
    gc.collect()
    before = sys.getrefcount(xs), sys.getrefcount(d), sys.getrefcount(word), sys.getrefcount(type(xs))
    for _ in range(100_000):
        work(xs, d)
    gc.collect()
    assert (sys.getrefcount(xs), sys.getrefcount(d), sys.getrefcount(word), sys.getrefcount(type(xs))) == before
    assert d["n"] == 100_001 and xs == [word, "b"]


def test_memory_flat():
    check_memory_flat("""
        from swiftjit import typed, types
        @njit
        def work(xs, d):
            xs.append("x" * 5)
            d[(len(xs), "k")] = xs[-1]
            return len(xs)
        xs = typed.List.empty_list(types.unicode_type)
        d = typed.Dict.empty(types.Tuple((types.int64, types.unicode_type)), types.unicode_type)
        work(xs, d)
        base = rss_mb()
        for i in range(200_000):
            xs.clear()
            d.clear()
            work(xs, d)
            typed.List(["a", "b"]); typed.Dict({"a": (1, "b")})
        grown = rss_mb() - base
    """)
