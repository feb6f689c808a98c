"""Random numbers in nopython mode (issue 11, point 5), with Numba's semantics:
np.random.* and the standard library's random.* each have a generator state of
their own per thread, seeded by calling np.random.seed / random.seed inside
jitted code (seeding NumPy from plain Python does not touch them).

The streams are bit for bit those of NumPy's legacy RandomState (MT19937 with
init_genrand seeding of an int, random_sample from two 32-bit draws, legacy
polar Box-Muller gauss with its cached second value, masked-rejection
bounded integers, Fisher-Yates shuffle with random_interval, choice through
randint/permutation) and of CPython's random.Random (init_by_array of the
seed's 32-bit words, getrandbits rejection in randint).  So every test here is
differential: the jitted function against the same calls on a
np.random.RandomState(seed) / random.Random(seed).
"""
import random
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from swiftjit import njit
from swiftjit.errors import TypingError

SEEDS = [0, 1, 42, 12345, 2**31, 2**32 - 1]


def same(expected, got):
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == expected.dtype and got.shape == expected.shape, (expected, got)
        assert np.array_equal(got, expected, equal_nan=True), (expected, got)
    elif isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for e, g in zip(expected, got):
            same(e, g)
    else:
        assert type(got) in (int, float, bool, type(None)), type(got)
        assert got == expected or (got != got and expected != expected), (expected, got)
        if isinstance(expected, (float, np.floating)):
            assert type(got) is float
        elif isinstance(expected, (int, np.integer)) and not isinstance(expected, bool):
            assert type(got) is int


# ---------------------------------------------------------------- np.random scalars
@njit
def j_scalars(seed):
    np.random.seed(seed)
    return (np.random.random(), np.random.random_sample(), np.random.rand(), np.random.randn(),
            np.random.randn(), np.random.randn(), np.random.normal(), np.random.normal(2.0, 3.0),
            np.random.normal(1.0), np.random.uniform(), np.random.uniform(-2.0, 5.0), np.random.uniform(3, 3),
            np.random.randint(10), np.random.randint(-5, 5), np.random.randint(0, 2**40),
            np.random.randint(-2**62, 2**62), np.random.randint(7, 8), np.random.random(),
            np.random.sample(), np.random.ranf(), np.random.standard_normal(), np.random.exponential(),
            np.random.exponential(2.5))


def py_scalars(seed):
    r = np.random.RandomState(seed)
    return (r.random(), r.random_sample(), r.rand(), r.randn(), r.randn(), r.randn(), r.normal(),
            r.normal(2.0, 3.0), r.normal(1.0), r.uniform(), r.uniform(-2.0, 5.0), r.uniform(3, 3),
            int(r.randint(10)), int(r.randint(-5, 5)), int(r.randint(0, 2**40)), int(r.randint(-2**62, 2**62)),
            int(r.randint(7, 8)), r.random(), r.random_sample(), r.random_sample(), r.standard_normal(),
            r.exponential(), r.exponential(2.5))


@pytest.mark.parametrize("seed", SEEDS)
def test_scalars_match_legacy_randomstate(seed):
    same(tuple(float(x) if isinstance(x, np.floating) else x for x in py_scalars(seed)), j_scalars(seed))


@njit
def j_arrays(seed, n):
    np.random.seed(seed)
    return (np.random.random(n), np.random.random((2, 3)), np.random.rand(n), np.random.rand(2, 3, 2),
            np.random.randn(n), np.random.randn(3, 1), np.random.normal(5.0, 0.5, n), np.random.normal(0.0, 1.0, (2, 2)),
            np.random.uniform(1.0, 2.0, n), np.random.uniform(-1, 1, (3, 2)), np.random.randint(0, 100, n),
            np.random.randint(-3, 3, (2, 5)), np.random.randint(5, size=4), np.random.standard_normal(n),
            np.random.sample((2, 2)), np.random.exponential(3.0, n))


def py_arrays(seed, n):
    r = np.random.RandomState(seed)
    return (r.random(n), r.random((2, 3)), r.rand(n), r.rand(2, 3, 2), r.randn(n), r.randn(3, 1),
            r.normal(5.0, 0.5, n), r.normal(0.0, 1.0, (2, 2)), r.uniform(1.0, 2.0, n), r.uniform(-1, 1, (3, 2)),
            r.randint(0, 100, n).astype(np.int64), r.randint(-3, 3, (2, 5)).astype(np.int64), r.randint(5, size=4).astype(np.int64),
            r.standard_normal(n), r.random_sample((2, 2)), r.exponential(3.0, n))


@pytest.mark.parametrize("seed", SEEDS[:4])
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_arrays_match_legacy_randomstate(seed, n):
    same(py_arrays(seed, n), j_arrays(seed, n))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(-2**63, 2**63 - 2), st.integers(1, 2**63 - 1))
def test_randint_bounds_hypothesis(seed, low, width):
    high = min(low + width, 2**63 - 1)
    if high <= low:
        return
    r = np.random.RandomState(seed)
    expected = r.randint(low, high, size=5, dtype=np.int64)
    got = j_randint_size(seed, low, high)
    same(expected, got)
    assert ((got >= low) & (got < high)).all()


@njit
def j_randint_size(seed, low, high):
    np.random.seed(seed)
    return np.random.randint(low, high, 5)


# ---------------------------------------------------------------- shuffle, permutation, choice
@njit
def j_shuffle(seed, x):
    np.random.seed(seed)
    np.random.shuffle(x)


@njit
def j_perm_choice(seed, a):
    np.random.seed(seed)
    return (np.random.permutation(10), np.random.permutation(a), np.random.choice(a), np.random.choice(7),
            np.random.choice(a, 5), np.random.choice(4, (2, 3)), np.random.choice(a, 3, False),
            np.random.choice(6, 6, False), np.random.choice(a, 4, True))


def py_perm_choice(seed, a):
    r = np.random.RandomState(seed)
    return (r.permutation(10).astype(np.int64), r.permutation(a), a.dtype.type(r.choice(a)).item(), int(r.choice(7)),
            r.choice(a, 5), r.choice(4, (2, 3)).astype(np.int64), r.choice(a, 3, False),
            r.choice(6, 6, False).astype(np.int64), r.choice(a, 4, True))


@pytest.mark.parametrize("seed", SEEDS[:4])
@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.uint8, np.bool_])
def test_shuffle_permutation_choice(seed, dtype):
    for x in [np.arange(1), np.arange(13), np.arange(300)]:
        x = x.astype(dtype)
        py, jit = x.copy(), x.copy()
        np.random.RandomState(seed).shuffle(py)
        j_shuffle(seed, jit)
        same(py, jit)
    a = (np.arange(9) * 3).astype(dtype)
    same(py_perm_choice(seed, a), j_perm_choice(seed, a))


def test_shuffle_views_and_2d():
    for make in [lambda: np.arange(20.0)[::3], lambda: np.arange(12).reshape(4, 3), lambda: np.arange(12).reshape(3, 4).T,
                 lambda: np.arange(24.0).reshape(2, 3, 4)]:
        py_base, jit_base = make(), make()
        np.random.RandomState(9).shuffle(py_base)
        j_shuffle(9, jit_base)
        same(py_base, jit_base)
    same(np.random.RandomState(4).permutation(np.arange(12).reshape(4, 3)), j_perm2d(4, np.arange(12).reshape(4, 3)))
    for n in [0, -3]:
        same(np.random.RandomState(4).permutation(n).astype(np.int64), j_perm2d(4, n))


@njit
def j_perm2d(seed, a):
    np.random.seed(seed)
    return np.random.permutation(a)


@njit
def j_choice_errors(kind):
    if kind == 0:
        return np.random.choice(np.arange(0), 3)
    if kind == 1:
        return np.random.choice(0, 3)
    if kind == 2:
        return np.random.choice(3, 5, False)
    return np.random.choice(np.arange(3)[:0], 0)


def test_errors():
    for kind, cls in [(0, ValueError), (1, ValueError), (2, ValueError)]:
        with pytest.raises(cls):
            j_choice_errors(kind)
    assert j_choice_errors(3).shape == (0,)

    @njit
    def seed_with(s):
        np.random.seed(s)

    for bad in [-1, 2**32]:
        with pytest.raises(ValueError, match="Seed must be between 0 and 2\\*\\*32 - 1"):
            seed_with(bad)

    @njit
    def randint(lo, hi):
        return np.random.randint(lo, hi)

    with pytest.raises(ValueError, match="low >= high"):
        randint(5, 5)

    @njit
    def normal(scale):
        return np.random.normal(0.0, scale)

    with pytest.raises(ValueError, match="scale < 0"):
        normal(-1.0)

    @njit
    def shuffle_float(x):
        np.random.shuffle(x)

    with pytest.raises(TypingError, match="x must be an array"):
        shuffle_float(1.0)

    @njit
    def float_seed(x):
        np.random.seed(x)

    with pytest.raises(TypingError, match="seed must be an int"):
        float_seed(1.5)


# ---------------------------------------------------------------- the standard library's random
@njit
def j_stdlib(seed):
    random.seed(seed)
    return (random.random(), random.randint(1, 6), random.randint(-10**12, 10**12), random.random(),
            random.uniform(2.0, 4.0), random.randint(0, 0), random.randint(-2**62, 2**62), random.random(),
            random.gauss(0.0, 1.0), random.gauss(5.0, 2.0), random.gauss(1.0, 0.5), random.random())


def py_stdlib(seed):
    r = random.Random(seed)
    return (r.random(), r.randint(1, 6), r.randint(-10**12, 10**12), r.random(), r.uniform(2.0, 4.0),
            r.randint(0, 0), r.randint(-2**62, 2**62), r.random(), r.gauss(0.0, 1.0), r.gauss(5.0, 2.0),
            r.gauss(1.0, 0.5), r.random())


@pytest.mark.parametrize("seed", SEEDS + [-7, 2**40 + 3, 2**63 - 1])
def test_stdlib_random_matches_cpython(seed):
    same(py_stdlib(seed), j_stdlib(seed))


def test_stdlib_randint_empty_range():
    @njit
    def f(a, b):
        return random.randint(a, b)

    with pytest.raises(ValueError):
        f(3, 2)


# ---------------------------------------------------------------- Numba's state semantics
@njit
def j_draw(n):
    return np.random.random(n)


@njit
def j_seed(s):
    np.random.seed(s)


def test_state_persists_between_calls_and_is_separate_from_numpy():
    j_seed(5)
    np.random.seed(999)  # NumPy's own global state: does not touch the jitted generator
    first, second = j_draw(3), j_draw(3)
    r = np.random.RandomState(5)
    same(r.random(3), first)
    same(r.random(3), second)


def test_np_and_stdlib_states_are_separate():
    @njit
    def both(s):
        np.random.seed(s)
        random.seed(s)
        a = np.random.random()
        b = random.random()
        return a, b

    a, b = both(3)
    assert a == np.random.RandomState(3).random() and b == random.Random(3).random()


def test_state_per_thread():
    j_seed(21)
    expected = np.random.RandomState(21).random(4)
    results = {}

    def worker(name, seed):
        if seed is not None:
            j_seed(seed)
        results[name] = j_draw(4)

    threads = [threading.Thread(target=worker, args=("seeded", 21)), threading.Thread(target=worker, args=("fresh", None))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    same(expected, results["seeded"])  # a thread seeded alike draws alike
    assert not np.array_equal(results["fresh"], expected)  # an unseeded thread has its own random state
    same(expected, j_draw(4))  # this thread's state was not advanced by the others


def test_unseeded_statistics():
    x = j_draw(200_000)
    assert 0.0 <= x.min() and x.max() < 1.0
    assert abs(x.mean() - 0.5) < 0.01 and abs(x.var() - 1 / 12) < 0.01

    @njit
    def normals(n):
        return np.random.randn(n)

    z = normals(200_000)
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_fork_gives_the_child_its_own_stream():
    import os
    j_seed(77)
    j_draw(1)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report its next draws, then leave without running pytest's teardown
        try:
            os.write(w, j_draw(4).tobytes())
        finally:
            os._exit(0)
    os.close(w)
    child = np.frombuffer(os.read(r, 32), dtype=np.float64)
    os.close(r)
    os.waitpid(pid, 0)
    parent = j_draw(4)
    expected = np.random.RandomState(77).random(5)[1:]
    same(expected, parent)  # the parent's stream goes on
    assert child.shape == (4,) and not np.array_equal(child, parent)  # the child does not repeat it


# ---------------------------------------------------------------- choice(p=...)
@njit
def j_choice_p(seed, a, p):
    np.random.seed(seed)
    return np.random.choice(a, 7, p=p), np.random.choice(a, p=p), np.random.choice(len(p), (2, 3), p=p)


def py_choice_p(seed, a, p):
    r = np.random.RandomState(seed)
    return (r.choice(a, 7, p=p), a.dtype.type(r.choice(a, p=p)).item(),
            r.choice(len(p), (2, 3), p=p).astype(np.int64))


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_choice_with_p(seed):
    for p in [np.array([1.0]), np.array([0.1, 0.2, 0.3, 0.15, 0.25]), np.array([0.0, 1.0, 0.0]),
              np.array([0.25, 0.25, 0.25, 0.25], dtype=np.float32), np.full(10, 0.1)[::-1]]:
        a = (np.arange(len(p)) * 10).astype(np.int64)
        same(py_choice_p(seed, a, p), j_choice_p(seed, a, p))
        same(py_choice_p(seed, a.astype(np.float64), p), j_choice_p(seed, a.astype(np.float64), p))


@settings(max_examples=30, deadline=None)
@given(weights=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=12).filter(lambda w: sum(w) > 0),
       seed=st.integers(0, 2**32 - 1))
def test_choice_with_p_hypothesis(weights, seed):
    p = np.array(weights) / np.sum(weights)
    a = np.arange(len(p)) * 3
    if abs(p.sum() - 1.0) > 1e-8:
        return
    same(py_choice_p(seed, a, p), j_choice_p(seed, a, p))


def test_choice_with_bad_p():
    a = np.arange(5)
    for p in [np.array([0.5, 0.5, 0.1, 0.0, 0.0]), np.array([np.nan, 0.0, 0.0, 0.0, 1.0]),
              np.array([-0.1, 0.1, 0.5, 0.5, 0.0]), np.array([0.5, 0.5])]:
        with pytest.raises(ValueError) as want:
            np.random.RandomState(1).choice(a, 7, p=p)
        with pytest.raises(ValueError) as got:
            j_choice_p(1, a, p)
        assert str(got.value) == str(want.value)

    @njit
    def with_replace(a, p):
        return np.random.choice(a, 3, False, p)

    with pytest.raises(TypingError, match="replace=True only"):
        with_replace(a, np.full(5, 0.2))
