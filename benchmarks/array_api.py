"""Advanced indexing, astype and axis reductions: swiftjit against NumPy itself (and Numba
when installed). Prints the median of --repeats timings in ms per call.

    python benchmarks/array_api.py [--repeats 7] [--n 1000000]
"""
import argparse
import statistics
import time

import numpy as np

from swiftjit import njit

try:
    import numba
except ImportError:  # the comparison column is left out
    numba = None


def mask_select(a):
    return a[a > 0.5]


def index_select(a, idx):
    return a[idx]


def mask_assign(a):
    a[a > 0.9] = 0.0
    return a


def astype32(a):
    return a.astype(np.float32)


def sum_axis0(m):
    return m.sum(axis=0)


def sum_axis1(m):
    return m.sum(axis=1)


def max_axis0(m):
    return m.max(axis=0)


def median_ms(f, args, repeats):
    f(*args)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f(*args)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--n", type=int, default=1_000_000)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    a = rng.random(args.n)
    idx = rng.integers(0, args.n, args.n // 2)
    m = rng.random((args.n // 1000, 1000))
    cases = [("a[a > 0.5]", mask_select, (a,)), ("a[idx]", index_select, (a, idx)),
             ("a[a > 0.9] = 0", mask_assign, (a.copy(),)), ("a.astype(float32)", astype32, (a,)),
             ("m.sum(axis=0)", sum_axis0, (m,)), ("m.sum(axis=1)", sum_axis1, (m,)), ("m.max(axis=0)", max_axis0, (m,))]
    head = f"{'case':22} {'numpy':>9} {'swiftjit':>9}" + (f" {'numba':>9}" if numba else "")
    print(head)
    for name, f, fargs in cases:
        row = f"{name:22} {median_ms(f, fargs, args.repeats):9.3f} {median_ms(njit(f), fargs, args.repeats):9.3f}"
        if numba:
            row += f" {median_ms(numba.njit(f), fargs, args.repeats):9.3f}"
        print(row)


if __name__ == "__main__":
    main()
