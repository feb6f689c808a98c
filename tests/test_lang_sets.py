"""set values in nopython mode (issue 11, point 3): differential against plain Python."""
import pytest

from container_support import check
from swiftjit import njit


def build(xs):
    s = set()
    for x in xs:
        s.add(x)
    return s, len(s)
def literal(): return {1, 2, 3}, {"a", "b"}, 2 in {1, 2, 3}
def ops(a, b): return a | b, a & b, a - b, a ^ b, a.union(b), a.intersection(b), a.issubset(b), a == b
def membership(s, x):
    s.discard(x)
    s.add(x + 1)
    return x in s, x + 1 in s, len(s)
def remove_missing(s, x):
    s.remove(x)
    return s
def iterate(s):
    total = 0
    for x in s:
        total += x
    return total
def unique_words(text):
    seen = set()
    for w in text.split():
        seen.add(w)
    return len(seen), "b" in seen


@pytest.mark.parametrize("xs", [[1], [3, 3, 1], list(range(10))])
def test_sets(xs):
    check(build, xs)
    check(ops, set(xs), {1, 2, 99})
    check(membership, set(xs), 3)
    check(remove_missing, set(xs), 3)
    check(iterate, set(xs))


def test_literals_and_strings():
    check(literal)
    check(unique_words, "a b c a b")
    check(unique_words, "")
