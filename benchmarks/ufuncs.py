"""NumPy ufunc functions (np.clip, np.maximum, np.hypot, np.var, ...) compiled serially:
swiftjit vs Numba, medians of short repeated calls on 10**6 float64 elements.

    python3 benchmarks/ufuncs.py                    # swiftjit, then Numba when its venv exists
    python3 benchmarks/ufuncs.py swiftjit|numba     # one backend (run by the line above)
"""
import os
import statistics
import subprocess
import sys
import time

import numpy as np

N = 1_000_000
REPEATS = 25


def clip_sum(a, b):
    return np.clip(a, 0.0, 1.0).sum()


def max_scaled(a, b):
    return np.maximum(a, b) * 2.0


def hypot_arctan2(a, b):
    return np.hypot(a, b) + np.arctan2(a, b)


def fmin_logaddexp(a, b):
    return np.logaddexp(np.fmin(a, b), b)


def var(a, b):
    return np.var(a)


KERNELS = [clip_sum, max_scaled, hypot_arctan2, fmin_logaddexp, var]


def measure(backend):
    if backend == "numba":
        from numba import njit
    else:
        from swiftjit import njit
    g = np.random.default_rng(0)
    a, b = g.standard_normal(N), g.standard_normal(N)
    for f in KERNELS:
        j = njit(f)
        j(a, b)
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            j(a, b)
            times.append(time.perf_counter() - t0)
        print(f"{f.__name__} {statistics.median(times) * 1e3:.3f}", flush=True)


def main():
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return
    here = os.path.dirname(os.path.abspath(__file__))
    rows = {}
    numba_python = os.environ.get("NUMBA_PYTHON", os.path.join(here, ".venv-numba", "bin", "python"))
    runs = [("swiftjit", sys.executable)] + ([("numba", numba_python)] if os.path.exists(numba_python) else [])
    for backend, python in runs:
        out = subprocess.run([python, __file__, backend], capture_output=True, text=True, check=True).stdout
        for line in out.split("\n"):
            if line:
                name, ms = line.split()
                rows.setdefault(name, {})[backend] = float(ms)
    print(f"{'kernel (n=10**6, median ms)':32} {'swiftjit':>10} {'numba':>10}")
    for name, r in rows.items():
        print(f"{name:32} {r.get('swiftjit', float('nan')):10.3f} {r.get('numba', float('nan')):10.3f}")


if __name__ == "__main__":
    main()
