"""Numba programs, written as for Numba, run with ``import swiftjit as numba``.

Each function is decorated exactly as Numba's documentation and common code
do; tests compare them with their ``py_func`` (plain Python)."""
import math

import numpy as np

import swiftjit as numba
from swiftjit import (cfunc, float32, float64, guvectorize, int32, int64, jit, njit, prange, types,  # noqa: F401
                      vectorize)


# 5 minute guide to Numba
@jit(nopython=True)
def go_fast(a):
    trace = 0.0
    for i in range(a.shape[0]):
        trace += np.tanh(a[i, i])
    return a + trace


@numba.jit
def sum2d(arr):
    M, N = arr.shape
    result = 0.0
    for i in range(M):
        for j in range(N):
            result += arr[i, j]
    return result


@numba.njit("float64(float64[:])")
def sum1d_sig(a):
    s = 0.0
    for x in a:
        s += x
    return s


@numba.njit(numba.types.float64(numba.types.float64[:, ::1], numba.types.int64))
def row_sum(a, i):
    s = 0.0
    for j in range(a.shape[1]):
        s += a[i, j]
    return s


@njit([int64(int64, int64), float64(float64, float64)])
def f_multi(x, y):
    return x + y


@numba.njit(parallel=True)
def parallel_sum(a):
    s = 0.0
    for i in numba.prange(a.shape[0]):
        s += a[i]
    return s


@njit(parallel=True, fastmath=False)
def prange_imported(n):
    acc = 0
    for i in prange(n):
        acc += i * i
    return acc


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def bubblesort(X):
    N = len(X)
    for end in range(N, 1, -1):
        for i in range(end - 1):
            cur = X[i]
            if cur > X[i + 1]:
                tmp = X[i]
                X[i] = X[i + 1]
                X[i + 1] = tmp


# Mandelbrot from Numba's examples
@njit
def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


@njit
def create_fractal(min_x, max_x, min_y, max_y, image, iters):
    height = image.shape[0]
    width = image.shape[1]
    pixel_size_x = (max_x - min_x) / width
    pixel_size_y = (max_y - min_y) / height
    for x in range(width):
        real = min_x + x * pixel_size_x
        for y in range(height):
            imag = min_y + y * pixel_size_y
            color = mandel(real, imag, iters)
            image[y, x] = color
    return image


@njit(nogil=True)
def pairwise_dist(X):
    M = X.shape[0]
    N = X.shape[1]
    D = np.empty((M, M), dtype=np.float64)
    for i in range(M):
        for j in range(M):
            d = 0.0
            for k in range(N):
                tmp = X[i, k] - X[j, k]
                d += tmp * tmp
            D[i, j] = np.sqrt(d)
    return D


@njit("UniTuple(float64, 2)(float64[:])")
def min_max(a):
    lo = a[0]
    hi = a[0]
    for x in a:
        if x < lo:
            lo = x
        if x > hi:
            hi = x
    return lo, hi


@njit
def newton_sqrt(x, tol=1e-12):
    g = x / 2.0
    while abs(g * g - x) > tol * x:
        g = 0.5 * (g + x / g)
    return g


# vectorize as in Numba's documentation
@vectorize([int32(int32, int32), int64(int64, int64), float32(float32, float32), float64(float64, float64)])
def vec_add(x, y):
    return x + y


@vectorize(["float64(float64, float64)"], identity=0)
def vec_hypot(x, y):
    return math.sqrt(x * x + y * y)


@vectorize
def vec_lazy(a, b):
    return a * b + 1


# cfunc as in Numba's documentation
@cfunc("float64(float64, float64)")
def c_add(x, y):
    return x + y


@cfunc("float64(float64)")
def integrand(t):
    return math.exp(-t) / t**2


@njit
def casts(x):
    return float64(int64(x)) / 2 + int32(x) + numba.float32(x)


# guvectorize as in Numba's documentation
@guvectorize([(int64[:], int64, int64[:])], "(n),()->(n)")
def g(x, y, res):
    for i in range(x.shape[0]):
        res[i] = x[i] + y


@guvectorize(["void(float64[:], float64[:], float64[:])"], "(n),(n)->()", target="parallel")
def row_dot(x, y, res):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * y[i]
    res[0] = acc


# parallel ufunc and array expressions (Numba's parallel documentation)
@vectorize(["float64(float64, float64)"], target="parallel")
def f_parallel(x, y):
    return x + y


@numba.njit(parallel=True)
def ident_parallel(x):
    return np.cos(x) ** 2 + np.sin(x) ** 2
