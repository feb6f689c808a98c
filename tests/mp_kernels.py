"""Jitted functions importable by name, for the pickling and multiprocessing tests."""
import numpy as np

from swiftjit import njit, prange


@njit
def square(x):
    return x * x


@njit(parallel=True)
def parallel_sum(n):
    s = 0.0
    for i in prange(n):
        s += i * 0.5
    return s


@njit
def row_sums(a):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = a[i].sum()
    return out
