"""First call in a fresh process with a warm cache: swiftjit vs Numba (cache=True).

    python3 benchmarks/cache_bench.py [--runs 7]

For each backend a module with two cached functions (the seed sum and an array
kernel) is written to a temporary folder, run once to fill the cache, then run
in fresh processes; each process reports the import time of the JIT and the
time of the first call of each function (loading from the cache). Medians.
Numba runs with benchmarks/.venv-numba/bin/python when it exists.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NUMBA_PYTHON = os.path.join(HERE, ".venv-numba", "bin", "python")

MODULE = '''
import json, sys, time
t0 = time.perf_counter()
import numpy as np
t1 = time.perf_counter()
{import_line}
t2 = time.perf_counter()

@jit(nopython=True, cache=True)
def seed_sum(n):
    s = 0
    for i in range(n):
        s += i
    return s

@jit(nopython=True, cache=True)
def scale(a, out):
    for i in range(a.shape[0]):
        out[i] = a[i] * 2.0 + 1.0
    return out

a = np.arange(1000.0)
out = np.empty_like(a)
t3 = time.perf_counter()
r1 = seed_sum(1000)
t4 = time.perf_counter()
r2 = scale(a, out)
t5 = time.perf_counter()
assert r1 == 499500 and r2[3] == 7.0
print(json.dumps({{"import_ms": (t2 - t1) * 1e3, "seed_ms": (t4 - t3) * 1e3, "array_ms": (t5 - t4) * 1e3}}))
'''

BACKENDS = {
    "swiftjit": (sys.executable, "from swiftjit import jit"),
    "numba": (NUMBA_PYTHON, "from numba import jit"),
}


def measure(python, import_line, runs):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "cached_kernels.py")
        with open(path, "w") as f:
            f.write(MODULE.format(import_line=import_line))
        env = dict(os.environ)
        env.pop("SWIFTJIT_CACHE_DIR", None)
        env.pop("NUMBA_CACHE_DIR", None)
        subprocess.run([python, path], check=True, capture_output=True, env=env)  # fills the cache
        rows = []
        for _ in range(runs):
            p = subprocess.run([python, path], check=True, capture_output=True, text=True, env=env)
            rows.append(json.loads(p.stdout.strip().splitlines()[-1]))
        return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = {}
    for name, (python, line) in BACKENDS.items():
        if not os.path.exists(python):
            print(f"{name}: not installed (run benchmarks/setup_numba.sh)")
            continue
        results[name] = measure(python, line, args.runs)
    print(f"{'median of ' + str(args.runs) + ' fresh processes':40} {'swiftjit':>10} {'numba':>10} {'ratio':>8}")
    for key, label in [("import_ms", "import of the JIT (ms)"), ("seed_ms", "first call, seed sum, cached (ms)"),
                       ("array_ms", "first call, array kernel, cached (ms)")]:
        s = results.get("swiftjit", {}).get(key)
        n = results.get("numba", {}).get(key)
        ratio = f"{s / n:.2f}x" if s is not None and n else "n/a"
        fmt = lambda v: f"{v:10.2f}" if v is not None else f"{'n/a':>10}"
        print(f"{label:40} {fmt(s)} {fmt(n)} {ratio:>8}")


if __name__ == "__main__":
    main()
