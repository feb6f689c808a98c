"""Differential checks for str/list/dict/set code (issue 11): the jitted function and the
plain Python function get deep copies of the same arguments; results, exceptions and
the arguments after the call (lists and dicts are reflected) must be the same."""
import copy

from jitcheck import Raised, outcome

from swiftjit import njit


def deep_same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (a != a and b != b) or (a == b and str(a) == str(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(deep_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(deep_same(a[k], b[k]) for k in a)
    return a == b


def check(pyfunc, *args, jitfunc=None, normalize=lambda x: x):
    """Same result (or exception) and same arguments afterwards; ``normalize`` maps values
    (results and arguments) to the form compared, e.g. arrays to (dtype, shape, items)."""
    jitfunc = jitfunc or njit(pyfunc)
    pa, ja = copy.deepcopy(args), copy.deepcopy(args)
    expected = outcome(pyfunc, *pa)
    got = outcome(jitfunc, *ja)
    if isinstance(expected, Raised) or isinstance(got, Raised):
        assert expected == got, f"{pyfunc.__name__}{args!r}: python -> {expected!r}, swiftjit -> {got!r}"
    else:
        assert deep_same(normalize(expected), normalize(got)), \
            f"{pyfunc.__name__}{args!r}: python -> {expected!r}, swiftjit -> {got!r}"
    assert deep_same(normalize(list(pa)), normalize(list(ja))), \
        f"{pyfunc.__name__}{args!r}: arguments after the call differ: {pa!r} vs {ja!r}"
    return got
