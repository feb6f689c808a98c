"""parallel=True vs parallel=False on the same prange kernel, and the cost of prange.

    python3 benchmarks/parallel.py [--n 10000000] [--repeats 15]

Prints: the threads used, the best and median time of a sum of sqrt over a
NumPy array of n floats with parallel=False and parallel=True (and the speedup),
and the time of a call whose prange loop is empty, or has 1 and 2 iterations,
against the same function compiled without parallel.
"""
import argparse
import math
import os
import statistics
import sys
import time
import timeit

import numpy as np

import swiftjit
from swiftjit import njit, prange


def sqrt_sum(x):
    s = 0.0
    for i in prange(x.shape[0]):
        s += math.sqrt(x[i])
    return s


def tiny(n):
    s = 0
    for i in prange(n):
        s += i
    return s


def best_of(f, arg, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f(arg)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def thread_cpu():
    """CPU seconds of each thread of this process (Linux /proc; {} elsewhere)."""
    out = {}
    try:
        tick = os.sysconf("SC_CLK_TCK")
        for t in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{t}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[t] = (int(fields[11]) + int(fields[12])) / tick
    except OSError:
        return {}
    return out


def cpu_split(f, arg, calls):
    """Per-thread CPU seconds spent in `calls` calls (threads that did work only)."""
    before = thread_cpu()
    for _ in range(calls):
        f(arg)
    after = thread_cpu()
    used = {t: after[t] - before.get(t, 0.0) for t in after}
    return sorted((v for v in used.values() if v > 0), reverse=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=10_000_000)
    p.add_argument("--repeats", type=int, default=15)
    opts = p.parse_args()
    x = np.random.default_rng(0).random(opts.n)
    serial, parallel = njit(parallel=False)(sqrt_sum), njit(parallel=True)(sqrt_sum)
    a, b = serial(x), parallel(x)
    assert math.isclose(a, b, rel_tol=1e-12), (a, b)
    print(f"threads: {swiftjit.get_num_threads()}  (python {sys.version.split()[0]})")
    print(parallel.parallel_diagnostics())
    # Interleave the two so that a busy machine slows both alike.
    rs, rp = [], []
    for _ in range(opts.repeats):
        rs.append(best_of(serial, x, 1)[0])
        rp.append(best_of(parallel, x, 1)[0])
    print(f"sum of sqrt, n={opts.n:.0e}: parallel=False best {min(rs) * 1e3:.2f} ms (median {statistics.median(rs) * 1e3:.2f}),"
          f" parallel=True best {min(rp) * 1e3:.2f} ms (median {statistics.median(rp) * 1e3:.2f})")
    print(f"speedup: best {min(rs) / min(rp):.2f}x, median {statistics.median(rs) / statistics.median(rp):.2f}x")
    # On a busy machine wall times say little: the CPU time of each thread shows
    # how the work was split, and the speedup it allows on idle cores.
    calls = 20
    serial_cpu = cpu_split(serial, x, calls)
    parallel_cpu = cpu_split(parallel, x, calls)
    if serial_cpu and parallel_cpu:
        print(f"CPU seconds for {calls} calls: parallel=False {[round(v, 2) for v in serial_cpu]}, "
              f"parallel=True per thread {[round(v, 2) for v in parallel_cpu]}; "
              f"speedup on idle cores <= {sum(serial_cpu) / parallel_cpu[0]:.2f}x")
    ts, tp = njit(tiny), njit(parallel=True)(tiny)
    for n in (0, 1, 2, 1000):
        ts(n), tp(n)
        number = 200_000 if n < 1000 else 20_000
        s = min(timeit.repeat(lambda: ts(n), number=number, repeat=5)) / number * 1e9
        q = min(timeit.repeat(lambda: tp(n), number=number, repeat=5)) / number * 1e9
        print(f"prange({n}) call: parallel=False {s:.0f} ns, parallel=True {q:.0f} ns (overhead {q - s:+.0f} ns)")


if __name__ == "__main__":
    main()
