"""str values in nopython mode (issue 11, point 4): differential against plain Python."""
import pytest
from hypothesis import given, settings, strategies as st

from container_support import check
from swiftjit import njit

TEXTS = ["", "a", "hello world", "  padded\t\n", "héllo wörld", "日本語のテキスト", "emoji 🎉 ok", "a,b,,c", "12345",
         "-42", "3.5e2", "MiXeD CaSe", "x" * 100]


def concat(a, b): return a + b
def repeat(a, n): return a * n
def length(a): return len(a)
def index(a, i): return a[i]
def slicing(a, i, j): return a[i:j], a[::2], a[::-1], a[1:], a[:-1]
def compare(a, b): return a == b, a != b, a < b, a <= b, a > b, a >= b
def contains(a, b): return b in a, b not in a
def methods(a): return (a.upper(), a.lower(), a.strip(), a.lstrip(), a.rstrip(), a.isdigit(), a.isalpha(),
                        a.isspace(), a.capitalize(), a.title(), a.swapcase())
def search(a, b): return a.find(b), a.rfind(b), a.count(b), a.startswith(b), a.endswith(b)
def splitting(a): return a.split(), a.split(","), a.rsplit(" ", 1), a.splitlines()
def joining(a): return "-".join(a.split(",")), "".join(a.split())
def replacing(a, b): return a.replace(b, "<>"), a.replace("a", "", 1)
def iterate(a):
    out = ""
    for ch in a:
        out = ch + out
    return out
def count_chars(a):
    n = 0
    for ch in a:
        if ch == "a" or ch == "é":
            n += 1
    return n
def to_str(i, x, b): return str(i), str(x), str(b), repr(x)
def parse_int(s): return int(s)
def parse_float(s): return float(s)
def fstring(i, x, s): return f"{i}|{x}|{s}|{x:.3f}|{i:>5}|{s!r}|{i:x}"
def truth(a): return bool(a), not a, (1 if a else 2)
def build(n):
    s = ""
    for i in range(n):
        s += str(i)
    return s
def literal_return(): return "constant ünïcode"
def literal_var(flag):
    s = "one"
    if flag:
        s = "two"
    return s
def ords(a):
    total = 0
    for ch in a:
        total += ord(ch)
    return total, chr(97), chr(233)


@pytest.mark.parametrize("a", TEXTS)
def test_unary(a):
    for f in (length, methods, splitting, joining, iterate, count_chars, truth):
        check(f, a)


@pytest.mark.parametrize("a", TEXTS)
@pytest.mark.parametrize("b", ["", "a", "l", "wör", ",", "zzz"])
def test_binary(a, b):
    for f in (concat, compare, contains, search, replacing):
        check(f, a, b)


@pytest.mark.parametrize("a", TEXTS)
def test_index_and_slice(a):
    for i in (-20, -3, -1, 0, 1, 2, 50):
        check(index, a, i)
        check(slicing, a, i, i + 3)
    for n in (-1, 0, 1, 3):
        check(repeat, a, n)


def test_conversions():
    for i, x, b in [(0, 0.0, False), (-5, 2.5, True), (12345678901, -1e300, False), (7, float("nan"), True),
                    (1, float("inf"), False), (3, 0.1, True)]:
        check(to_str, i, x, b)
        check(fstring, i, x, "txt")
    for s in ["0", "-17", " 42 ", "1_000", "abc", "", "٣", "9223372036854775807"]:
        check(parse_int, s)
    # nopython ints are int64: a bigger one is an OverflowError, not a wrong value.
    with pytest.raises(OverflowError):
        njit(parse_int)("99999999999999999999")
    for s in ["1.5", "-0.0", "inf", "nan", "1e308", "x", " 2 "]:
        check(parse_float, s)


def test_build_and_literals():
    for n in (0, 1, 10, 200):
        check(build, n)
    check(literal_return)
    check(literal_var, True)
    check(literal_var, False)
    for a in TEXTS:
        check(ords, a)


@settings(max_examples=150, deadline=None)
@given(st.text(), st.text(max_size=3))
def test_hypothesis_text(a, b):
    for f in (concat, compare, contains, search, replacing):
        check(f, a, b)
    for f in (length, methods, iterate):
        check(f, a)


def test_returned_string_is_python_str():
    got = njit(concat)("a", "é")
    assert type(got) is str and got == "aé"


def tuple_of_strings(w):
    t = ("x", "yé", w)
    n = 0
    for s in t:
        n += len(s)
    return n, w in t, "x" in t, t
def optional_string(flag):
    x = None
    if flag:
        x = "set"
    return x
def branch_on_string(s):
    if s == "a":
        return 1
    elif s.startswith("b"):
        return 2
    return 3


def test_strings_in_tuples_optionals_branches():
    for w in ("", "x", "zz"):
        check(tuple_of_strings, w)
        check(branch_on_string, w)
    check(branch_on_string, "bc")
    check(branch_on_string, "a")
    check(optional_string, True)
    check(optional_string, False)
