"""dict values in nopython mode (issue 11, point 2): differential against plain Python."""
import pytest
from hypothesis import given, settings, strategies as st

import swiftjit
from container_support import check
from swiftjit import njit


def count(xs):
    d = {}
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return d
def literal(): return {"a": 1, "b": 2}, {1: 1.5, 2: 2.5}, {(1, 2): "x"}
def ops(d, k):
    has = k in d
    v = d.get(k, -1)
    d[k] = 7
    n = len(d)
    return has, v, n, d[k], k not in d
def iteration(d):
    keys = []
    total = 0
    for k in d:
        keys.append(k)
    for k, v in d.items():
        total += k * v
    return keys, total, list(d.keys()), list(d.values())
def pop_del(d, k):
    a = d.pop(k, 0)
    if k + 1 in d:
        del d[k + 1]
    return a, d
def missing(d, k): return d[k]
def setdefault(words):
    groups = {}
    for w in words:
        groups.setdefault(len(w), 0)
        groups[len(w)] += 1
    return groups
def word_count(text):
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return counts
def comprehension_like(n):
    d = {}
    for i in range(n):
        d[i] = str(i)
    return d
def truth(d): return bool(d), not d
def copy_clear(d):
    e = d.copy()
    d.clear()
    return e, d


def test_basics():
    check(literal)
    for xs in ([1], [3, 1, 3, 3, 2, 1]):
        check(count, xs)
    for n in (0, 1, 10):
        check(comprehension_like, n)


@pytest.mark.parametrize("d", [{1: 2}, {1: 2, 3: 4, 5: 6}, {-1: 0, 2: -5}])
def test_operations(d):
    for k in (1, 2, 3, -1):
        check(ops, d, k)
        check(pop_del, d, k)
        check(missing, d, k)
    check(iteration, d)
    check(truth, d)
    check(copy_clear, d)


def test_strings():
    check(word_count, "the cat and the hat and the bat")
    check(word_count, "")
    check(word_count, "ünïcode wörds ünïcode")
    check(setdefault, ["a", "bb", "cc", "ddd"])
    check(missing, {"a": 1}, "b")


def test_typed_empty_dict_error():
    def f():
        d = {}
        return len(d)
    with pytest.raises(swiftjit.TypingError, match="Dict.empty"):
        njit(f)()


def test_reflection():
    d = {1: 2}
    njit(ops)(d, 5)
    assert d == {1: 2, 5: 7}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=40))
def test_hypothesis_count(xs):
    check(count, xs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "é", "日本", ""]), max_size=20))
def test_hypothesis_words(ws):
    check(word_count, " ".join(ws))


def test_typed_dict_and_list():
    from swiftjit import typed, types

    @njit
    def fill(d, xs, n):
        for i in range(n):
            d[str(i)] = i
            xs.append(i * 0.5)
        return len(d), len(xs)

    d = typed.Dict.empty(key_type=types.unicode_type, value_type=types.int64)
    xs = typed.List.empty_list(types.float64)
    assert fill(d, xs, 3) == (3, 3)
    assert d == {"0": 0, "1": 1, "2": 2} and xs == [0.0, 0.5, 1.0]
    # str keys: a dict subclass copied and written back; float items: the native list itself
    assert isinstance(d, dict) and isinstance(d, typed.Dict) and isinstance(xs, typed.List)


def test_nogil_rejects_containers():
    from swiftjit import jit

    def f(n):
        xs = [n]
        return len(xs)

    with pytest.raises(swiftjit.TypingError, match="need the GIL; remove nogil=True"):
        jit(nopython=True, nogil=True)(f)(3)
    assert njit(f)(3) == 1


def test_mixed_types_error():
    def f():
        return [1, "a"]

    with pytest.raises(swiftjit.TypingError, match="use a tuple"):
        njit(f)()

    def g(flag):
        xs = [1]
        xs.append("a")
        return xs

    with pytest.raises(swiftjit.TypingError, match="one type"):
        njit(g)(True)
