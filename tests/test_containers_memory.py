"""Memory of str/list/dict/set values (issue 11, point 6): containers are reference-counted
and freed, so loops that build and drop a million of them keep the process's memory flat
(checked in a fresh interpreter), and calls leave the reference counts of arguments and
results unchanged."""
import sys

from jitcheck import check_memory_flat
from swiftjit import njit

SCRIPT = """
    @njit
    def lists(n):
        total = 0
        for i in range(n):
            xs = [i, i + 1, i + 2]
            xs.append(i)
            total += len(xs)
        return total

    @njit
    def dicts(n):
        total = 0
        for i in range(n):
            d = {i: 1.5, i + 1: 2.5}
            d[i + 2] = 0.5
            total += len(d)
        return total

    @njit
    def strings(n):
        total = 0
        for i in range(n):
            s = str(i) + "-" + "é"
            total += len(s.upper())
        return total

    @njit
    def sets(n):
        total = 0
        for i in range(n):
            s = {i, i + 1}
            total += len(s)
        return total

    for f in (lists, dicts, strings, sets):
        f(1000)  # compile
        before = rss_mb()
        f(1_000_000)
        grown = rss_mb() - before
        print(f.__name__ if hasattr(f, "__name__") else "f", round(grown, 1))
        assert grown < 20, f"memory grew by {grown:.1f} MB"
"""


def test_million_containers_keep_memory_flat():
    check_memory_flat(SCRIPT)


def test_refcounts_of_arguments_and_results():
    @njit
    def touch(s, xs, d):
        xs.append(len(s))
        d[s] = len(xs)
        xs.pop()
        return s + "!", xs

    s, xs, d = "héllo", [1], {"a": 1}
    touch(s, xs, d)
    before = (sys.getrefcount(s), sys.getrefcount(xs), sys.getrefcount(d))
    for _ in range(20_000):
        r = touch(s, xs, d)
    del r
    assert (sys.getrefcount(s), sys.getrefcount(xs), sys.getrefcount(d)) == before
    xs.clear()


def test_exception_paths_release_references():
    @njit
    def fails(xs, i):
        ys = [1, 2, 3]
        t = "abc" + "d"
        return xs[i] + ys[0] + len(t)

    xs = [1, 2]
    before = sys.getrefcount(xs)
    for _ in range(10000):
        try:
            fails(xs, 10)
        except IndexError:
            pass
    assert sys.getrefcount(xs) == before
