"""Optional values narrowed by `is None` tests (issue 4).

Differential: each function runs in plain Python and compiled, with None and with numbers
(ints, floats, bools, edge values), and must give the same value of the same type or the
same exception. Where the value may still be None, the TypingError says so.
"""
import pytest

from swiftjit import njit
from swiftjit.errors import TypingError

from jitcheck import INT64_MAX, INT64_MIN, outcome, same_outcome


def return_early(x, y=None):
    if y is None:
        return x
    return x + y


def not_none_branch(x, y=None):
    if y is not None:
        return x + y
    return x


def default_zero(x, y=None):
    if y is None:
        y = 0
    return x + y


def raise_on_none(x, y=None):
    if y is None:
        raise ValueError("y is required")
    return x * y


def none_first(x, y=None):
    if None is y:
        return -x
    return y - x


def else_branch(x, y=None):
    if y is None:
        r = x
    else:
        r = x - y
    return r


def truthy(x, y=None):
    if y:
        return x + y
    return x


def optional_local(n):
    y = None
    if n > 0:
        y = n * 2
    if y is None:
        return -1
    return y + 1


def optional_local_default(n):
    best = None
    for i in range(n):
        if i % 3 == 1:
            best = i
    if best is None:
        best = -7
    return best * 2


def while_loop(n):
    cur = None
    if n > 0:
        cur = n
    total = 0
    while cur is not None:
        total += cur
        if cur > 1:
            cur = cur // 2
        else:
            cur = None
    return total


def search(n, target):
    found = None
    for i in range(n):
        if i * i >= target:
            found = i
            break
    if found is not None:
        return found * 10
    return -1


def both_args(a=None, b=None):
    if a is None:
        a = 1
    if b is None:
        b = 2.5
    return a * b


def not_and(x, y=None):
    if y is not None and y > x:
        return y - x
    return 0


def min_optional(n, cap=None):
    s = 0
    for i in range(n):
        if cap is not None and i >= cap:
            break
        s += i
    return s


NUMBERS = [0, 1, -1, 7, 3, INT64_MAX // 4, INT64_MIN // 4]
ARGUMENTS = {
    return_early: [(x, y) for x in NUMBERS for y in [None, 0, 5, -3, 2.5, True]] + [(4,)],
    not_none_branch: [(x, y) for x in NUMBERS for y in [None, 0, 5, -3, 2.5, False]] + [(4,)],
    default_zero: [(x, y) for x in NUMBERS for y in [None, 0, 5, -3]] + [(9,)],
    raise_on_none: [(x, y) for x in NUMBERS for y in [None, 2, -1, 0.5]],
    none_first: [(x, y) for x in [0, 3, -9] for y in [None, 4, 1.5]],
    else_branch: [(x, y) for x in [0, 3, -9] for y in [None, 4, -4]],
    truthy: [(x, y) for x in [0, 3, -9] for y in [None, 0, 4, -2, True, False]],
    optional_local: [(n,) for n in [-5, -1, 0, 1, 2, 100]],
    optional_local_default: [(n,) for n in [0, 1, 2, 3, 10]],
    while_loop: [(n,) for n in [-3, 0, 1, 2, 17, 1000, 10 ** 15]],
    search: [(n, t) for n in [0, 1, 5, 50] for t in [0, 3, 17, 10000]],
    both_args: [(), (None, None), (3,), (3, None), (None, 4), (2, 0.5), (None, -1.0)],
    not_and: [(x, y) for x in [0, 3] for y in [None, 1, 5]],
    min_optional: [(n, c) for n in [0, 5, 20] for c in [None, 0, 3, 100]],
}


@pytest.mark.parametrize("func", list(ARGUMENTS), ids=lambda f: f.__name__)
def test_differential(func):
    jf = njit(func)
    for args in ARGUMENTS[func]:
        want = outcome(func, *args)
        got = outcome(jf, *args)
        assert same_outcome(want, got), f"{func.__name__}{args}: python {want!r}, jitted {got!r}"


def test_keyword_and_default_calls():
    jf = njit(return_early)
    assert jf(3) == 3 and jf(3, y=4) == 7 and jf(x=3, y=None) == 3


def test_narrowing_inside_jitted_callee():
    inner = njit(default_zero)

    @njit
    def caller(a, b):
        return inner(a, None) + inner(a, b)

    assert caller(2, 5) == default_zero(2, None) + default_zero(2, 5)


def still_optional(n):
    y = None
    if n > 0:
        y = n
    return y + 1


def other_variable_tested(n, z=None):
    y = None
    if n > 0:
        y = n
    if z is None:
        return y + 1
    return 0


def reassigned_after_test(n):
    y = None
    if n > 0:
        y = n
    if y is not None:
        y = None if n > 5 else y
        return y + 1
    return 0


@pytest.mark.parametrize("func,args", [
    (still_optional, (3,)),
    (other_variable_tested, (3,)),
    (reassigned_after_test, (3,)),
])
def test_may_be_none_error(func, args):
    with pytest.raises(TypingError) as info:
        njit(func)(*args)
    message = str(info.value)
    assert "variable 'y' may be None here" in message
    assert "optional(int64)" in message


def test_none_argument_in_used_branch_is_still_an_error():
    def adds(x, y=None):
        return x + y

    with pytest.raises(TypingError) as info:
        njit(adds)(1, None)
    assert "None" in str(info.value)
