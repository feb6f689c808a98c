"""parallel=True, target="parallel" and nogil, side by side with Numba (issue 7, issue 8).

    python3 benchmarks/parallel_numba.py [--repeats 11] [--only name,name] [--no-numba]

Runs the same kernels, written once against the common API (`njit`, `prange`,
`vectorize`, `guvectorize`), in a fresh interpreter per backend: swiftjit with this
Python, Numba with benchmarks/.venv-numba/bin/python (bash benchmarks/setup_numba.sh).
For each kernel the serial and the parallel version are called alternately
(`--repeats` times each, after a warm-up call) so that load from other processes
slows both alike; the table shows medians (ms), the speedup (median serial /
median parallel), "cpu": total CPU time of 5 parallel calls over the busiest
thread's (the speedup the split of the work allows on idle cores, whatever the
load), and the load average before and after.

A reference row measures the machine rather than a compiler: NumPy's sin over 1e7 floats
in one call vs over the two halves on 2 threads (the fill's work split 2 ways in C); its
speedup is what the cores give at that moment (shared and noisy hosts give less than 2).

Kernels: sum of sqrt over 1e7 float64 (prange loop, and the array expression
np.sqrt(x).sum()), a + b * c over 1e7, a row-wise 2-D kernel (norm of each of
2000 rows of 5000), a prange fill of 1e7, the empty prange call (us per call),
vectorize cpu vs parallel over 1e7, guvectorize cpu vs parallel (100000 dots of 100),
and nogil: a kernel run 8 times from 1 thread vs 2 threads (ThreadPoolExecutor),
with nogil=True and nogil=False (throughput ratio of 2 threads over 1).
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NUMBA_PYTHON = os.path.join(HERE, ".venv-numba", "bin", "python")


def kernels(lib):
    import numpy as np
    njit, prange = lib.njit, lib.prange

    def sqrt_sum(x):
        s = 0.0
        for i in prange(x.shape[0]):
            s += math.sqrt(x[i])
        return s

    def sqrt_sum_expr(x):
        return np.sqrt(x).sum()

    def axpy(a, b, c):
        return a + b * c

    def row_norms(a, out):
        for i in prange(a.shape[0]):
            s = 0.0
            for j in range(a.shape[1]):
                s += a[i, j] * a[i, j]
            out[i] = math.sqrt(s)
        return out

    def fill(out):
        for i in prange(out.shape[0]):
            out[i] = math.sin(i * 0.001) * 2.0
        return out

    def empty(n):
        s = 0
        for i in prange(n):
            s += i
        return s

    def poly(x, y):
        return math.sqrt(x * x + y * y) + math.sin(x)

    def dot(x, y, out):
        s = 0.0
        for i in range(x.shape[0]):
            s += x[i] * y[i]
        out[0] = s

    r = np.random.default_rng(0)
    x = r.random(10_000_000)
    y = r.random(10_000_000)
    z = r.random(10_000_000)
    m = r.random((2000, 5000))
    g1, g2 = r.random((100_000, 100)), r.random((100_000, 100))
    out_rows, out_fill = np.zeros(2000), np.zeros(10_000_000)

    def pair(f, **kw):
        return njit(parallel=False, **kw)(f), njit(parallel=True, **kw)(f)

    # The machine's own ceiling for a 2-way split of the fill's work, with no compiler involved:
    # NumPy's sin (C, releases the GIL) over the whole array vs over its halves on 2 threads.
    from concurrent.futures import ThreadPoolExecutor
    angles = np.arange(10_000_000) * 0.001
    pool = ThreadPoolExecutor(2)
    half = angles.shape[0] // 2

    def sin_whole(out):
        return np.sin(angles, out=out)

    def sin_halves(out):
        parts = [pool.submit(np.sin, angles[:half], out=out[:half]), pool.submit(np.sin, angles[half:], out=out[half:])]
        for p in parts:
            p.result()
        return out

    sigs = ["float64(float64, float64)"]
    gsig = ["void(float64[:], float64[:], float64[:])"]
    return {
        "sqrt_sum prange (1e7)": (pair(sqrt_sum), (x,)),
        "np.sqrt(x).sum() (1e7)": (pair(sqrt_sum_expr), (x,)),
        "a + b * c (1e7)": (pair(axpy), (x, y, z)),
        "row norms 2000x5000": (pair(row_norms), (m, out_rows)),
        "prange fill (1e7)": (pair(fill), (out_fill,)),
        "reference: np.sin halves, 2 threads": ((sin_whole, sin_halves), (out_fill,)),
        "vectorize cpu/parallel (1e7)": ((lib.vectorize(sigs)(poly), lib.vectorize(sigs, target="parallel")(poly)), (x, y)),
        "guvectorize cpu/parallel 1e5x100": ((lib.guvectorize(gsig, "(n),(n)->()")(dot),
                                              lib.guvectorize(gsig, "(n),(n)->()", target="parallel")(dot)), (g1, g2)),
    }, pair(empty)


def nogil_measure(lib, repeats):
    """Throughput of 2 threads over 1 thread, 8 calls of a kernel, with nogil=True and False."""
    import numpy as np
    from concurrent.futures import ThreadPoolExecutor

    def work(x):
        s = 0.0
        for i in range(x.shape[0]):
            s += math.sqrt(x[i]) * 1.0000001
        return s

    x = np.random.default_rng(1).random(3_000_000)
    out = {}
    for nogil in (True, False):
        f = lib.njit(nogil=nogil)(work)
        f(x)
        ones, twos = [], []
        with ThreadPoolExecutor(2) as pool:
            for _ in range(repeats):
                t0 = time.perf_counter()
                for _ in range(8):
                    f(x)
                ones.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                list(pool.map(f, [x] * 8))
                twos.append(time.perf_counter() - t0)
        out[f"nogil={nogil}"] = (statistics.median(ones) * 1e3, statistics.median(twos) * 1e3)
    return out


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


def cpu_bound(f, args, calls=5):
    """Total CPU seconds over the busiest thread's for `calls` calls: the speedup the split
    of the work allows on idle cores, whatever the load of the machine."""
    before = thread_cpu()
    for _ in range(calls):
        f(*args)
    after = thread_cpu()
    used = [after[t] - before.get(t, 0.0) for t in after]
    used = [u for u in used if u > 0]
    return sum(used) / max(used) if used else float("nan")


def worker(backend, repeats, only):
    if backend == "numba":
        import numba as lib
    else:
        import swiftjit as lib
    table, (empty_s, empty_p) = kernels(lib)
    res = {"threads": lib.get_num_threads(), "version": lib.__version__, "load_before": os.getloadavg()[0]}
    for name, ((serial, parallel), args) in table.items():
        if only and not any(o in name for o in only):
            continue
        import numpy as np
        a, b = float(np.sum(serial(*args))), float(np.sum(parallel(*args)))
        ok = abs(a - b) <= 1e-9 * (1 + abs(a))
        ts, tp = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            serial(*args)
            ts.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            parallel(*args)
            tp.append(time.perf_counter() - t0)
        res[name] = {"serial_ms": statistics.median(ts) * 1e3, "parallel_ms": statistics.median(tp) * 1e3, "same": ok,
                     "cpu_bound": cpu_bound(parallel, args)}
    if not only or any("empty" in o for o in only):
        import timeit
        empty_s(0), empty_p(0)
        number = 100_000
        s = statistics.median(timeit.repeat(lambda: empty_s(0), number=number, repeat=7)) / number * 1e6
        p = statistics.median(timeit.repeat(lambda: empty_p(0), number=number, repeat=7)) / number * 1e6
        p1 = statistics.median(timeit.repeat(lambda: empty_p(1), number=number, repeat=7)) / number * 1e6
        p1000 = statistics.median(timeit.repeat(lambda: empty_p(1000), number=number // 10, repeat=7)) / (number // 10) * 1e6
        res["empty prange call (us)"] = {"serial_us": s, "parallel_us": p, "parallel_n1_us": p1, "parallel_n1000_us": p1000}
    if not only or any("nogil" in o for o in only):
        res["nogil"] = nogil_measure(lib, max(3, repeats // 2))
    res["load_after"] = os.getloadavg()[0]
    print(json.dumps(res))


def run_backend(backend, opts):
    python = NUMBA_PYTHON if backend == "numba" else sys.executable
    cmd = [python, os.path.abspath(__file__), "--worker", backend, "--repeats", str(opts.repeats)]
    if opts.only:
        cmd += ["--only", opts.only]
    env = dict(os.environ)
    if backend == "swiftjit":
        env["PYTHONPATH"] = os.path.join(os.path.dirname(HERE), "python") + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=11)
    p.add_argument("--only", default="")
    p.add_argument("--no-numba", action="store_true")
    p.add_argument("--worker", default=None)
    opts = p.parse_args()
    only = [o for o in opts.only.split(",") if o]
    if opts.worker:
        return worker(opts.worker, opts.repeats, only)
    backends = ["swiftjit"] + ([] if opts.no_numba or not os.path.exists(NUMBA_PYTHON) else ["numba"])
    results = {b: run_backend(b, opts) for b in backends}
    for b, r in results.items():
        if r:
            print(f"{b} {r['version']}: {r['threads']} threads, load average {r['load_before']:.2f} -> {r['load_after']:.2f}")
    names = [k for k in (results.get("swiftjit") or {}) if isinstance(results["swiftjit"][k], dict)
             and "serial_ms" in results["swiftjit"][k]]
    print(f"{'kernel (median ms)':36} {'swiftjit ser':>12} {'par':>8} {'x':>6} {'cpu':>5}   {'numba ser':>10} {'par':>8} {'x':>6} {'cpu':>5}")
    for name in names:
        row = f"{name:36}"
        for b in backends:
            r = (results.get(b) or {}).get(name)
            if r:
                row += (f" {r['serial_ms']:12.2f} {r['parallel_ms']:8.2f} {r['serial_ms'] / r['parallel_ms']:6.2f}"
                        f" {r['cpu_bound']:5.2f}")
                row += "" if r["same"] else " (DIFFERENT RESULTS)"
                row += "  "
        print(row)
    for b in backends:
        r = results.get(b) or {}
        e = r.get("empty prange call (us)")
        if e:
            print(f"{b}: prange call n=0: serial {e['serial_us']:.3f} us, parallel {e['parallel_us']:.3f} us; "
                  f"n=1 {e['parallel_n1_us']:.3f} us; n=1000 {e['parallel_n1000_us']:.3f} us")
        ng = r.get("nogil")
        if ng:
            for k, (one, two) in ng.items():
                print(f"{b}: {k}: 8 calls from 1 thread {one:.1f} ms, from 2 threads {two:.1f} ms: "
                      f"throughput x{one / two:.2f}")


if __name__ == "__main__":
    main()
