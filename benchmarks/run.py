"""swiftjit vs Numba vs plain Python, in one run, as one table.

    python3 benchmarks/run.py                 # full run (~1-2 minutes)
    python3 benchmarks/run.py --quick         # fewer repeats
    python3 benchmarks/run.py --json out.json # also write every sample

Numba is measured when benchmarks/.venv-numba exists (bash benchmarks/setup_numba.sh);
otherwise its column says n/a. Every backend runs in its own subprocess
(benchmarks/_worker.py), so no backend's import or JIT state leaks into another's.
Kernels live in benchmarks/kernels.py as source text shared by all backends.

Measures:
  kernels   median time of one call after the compiling first call
  compile   first call of a small function in a fresh process, right after the
            import; then the first call of a second, different function
  dispatch  timeit of identity(x) per call, int and float argument; plain Python
            is an ordinary function call (timeit loop overhead included in all)
  import    `import swiftjit` / `import numba` in a fresh interpreter
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kernels  # noqa: E402

WORKER = os.path.join(HERE, "_worker.py")
NUMBA_PYTHON = os.path.join(HERE, ".venv-numba", "bin", "python")
BACKENDS = ("python", "swiftjit", "numba")
IMPORT_NAME = {"swiftjit": "swiftjit", "numba": "numba"}


def interpreter(backend):
    return NUMBA_PYTHON if backend == "numba" else sys.executable


def run_json(cmd, timeout=600):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(cmd[1:4])}... exited {proc.returncode}: " + " | ".join(tail))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def worker(backend, task, *extra):
    return run_json([interpreter(backend), WORKER, "--backend", backend, "--task", task, *extra])


def measure_import(backend, samples):
    code = ("import time; t = time.perf_counter(); import {0}; "
            "print(time.perf_counter() - t)").format(IMPORT_NAME[backend])
    cmd = [interpreter(backend), "-c", code]
    subprocess.run(cmd, capture_output=True, check=True)  # warm .pyc files; discarded
    times = []
    for _ in range(samples):
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return {"median": statistics.median(times), "samples": times}


def measure_compile(backend, samples):
    firsts, seconds, errors, version = [], [], [], None
    for _ in range(samples):
        r = worker(backend, "compile")
        version = r["version"]
        res = r["result"]
        for key in ("first", "second"):
            if res.get(key + "_error"):
                errors.append(f"{key}: {res[key + '_error']['error']}")
        if res.get("first") is not None:
            firsts.append(res["first"])
        if res.get("second") is not None:
            seconds.append(res["second"])
    return {"first": statistics.median(firsts) if firsts else None,
            "second": statistics.median(seconds) if seconds else None,
            "first_samples": firsts, "second_samples": seconds,
            "errors": sorted(set(errors)), "version": version}


# ---------------------------------------------------------------- formatting

def fmt_time(seconds):
    if seconds is None:
        return "n/a"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            digits = 0 if value >= 100 else 1 if value >= 10 else 2
            return f"{value:.{digits}f} {unit}"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}x"
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x"


def print_table(rows):
    header = ["measure", "Python", "swiftjit", "Numba", "swiftjit/Numba", "Python/swiftjit"]
    body = []
    for row in rows:
        if row is None:
            body.append(None)
            continue
        label, py, sj, nb = row
        body.append([label, fmt_time(py), fmt_time(sj), fmt_time(nb),
                     fmt_ratio(sj, nb), fmt_ratio(py, sj)])
    widths = [max(len(header[i]), *(len(r[i]) for r in body if r)) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                         for i, c in enumerate(cells))

    rule = "-" * len(line(header))
    print(line(header))
    print(rule)
    for r in body:
        print(rule if r is None else line(r))


# ---------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats and shorter samples")
    p.add_argument("--json", metavar="FILE", help="write all results and samples as JSON")
    p.add_argument("--no-numba", action="store_true", help="skip Numba even if its venv exists")
    opts = p.parse_args()

    repeats = 3 if opts.quick else 7
    py_repeats = 3 if opts.quick else 5
    proc_samples = 3 if opts.quick else 5
    min_time = "0.02" if opts.quick else "0.1"
    number = "200000" if opts.quick else "1000000"

    have_numba = (not opts.no_numba) and os.path.exists(NUMBA_PYTHON)
    backends = [b for b in BACKENDS if b != "numba" or have_numba]
    t_start = time.perf_counter()
    results = {b: {} for b in BACKENDS}
    problems = []

    def step(what, backend, fn):
        print(f"  {what:<9} {backend:<9}", end="", flush=True, file=sys.stderr)
        t0 = time.perf_counter()
        try:
            value = fn()
        except Exception as exc:
            problems.append(f"{backend} {what}: {exc}")
            value = None
        print(f" {time.perf_counter() - t0:6.1f} s", file=sys.stderr)
        return value

    print(f"running on {platform.node() or '?'} ({os.cpu_count()} cores), "
          f"Python {platform.python_version()}; Numba: "
          f"{'yes' if have_numba else 'n/a (run benchmarks/setup_numba.sh)'}", file=sys.stderr)
    for b in backends:
        r = step("kernels", b, lambda: worker(
            b, "kernels", "--repeats", str(py_repeats if b == "python" else repeats),
            "--min-time", min_time))
        if r:
            results[b]["version"] = r["version"]
            results[b]["kernels"] = r["result"]
        r = step("dispatch", b, lambda: worker(
            b, "dispatch", "--repeats", str(repeats), "--number", number))
        if r:
            results[b]["dispatch"] = r["result"]
        if b != "python":
            results[b]["compile"] = step("compile", b, lambda: measure_compile(b, proc_samples))
            results[b]["import"] = step("import", b, lambda: measure_import(b, proc_samples))

    def get(b, *path):
        node = results.get(b)
        for key in path:
            if not isinstance(node, dict) or node.get(key) is None:
                return None
            node = node[key]
        return node

    # Kernel results must agree between backends (on check_args).
    rows = []
    dispatch_rows = []  # kernels with section "dispatch" go below the identity() rows
    notes = []
    for spec in kernels.KERNELS:
        name = spec["name"]
        checks = {}
        for b in backends:
            k = get(b, "kernels", name)
            if k and "error" in k:
                problems.append(f"{b} kernel {name}: {k['error']}")
            elif k:
                checks[b] = k["check"]
        if len({repr(v) for v in checks.values()}) > 1:
            problems.append(f"kernel {name}: results differ on {spec['check_args']}: {checks}")
        label = spec["label"]
        if "python_args" in spec:
            label += " *"
            notes.append(f"* {name}: plain Python timed at args={spec['python_args']} and scaled "
                         f"x{spec.get('python_scale', 1.0):g} to args={spec['args']}")
        if spec.get("note"):
            notes.append(f"{name}: {spec['note']}")
        calls = spec.get("calls", 1)  # the entry makes `calls` calls: show time per call
        row = (label, *[None if v is None else v / calls
                        for v in (get(b, "kernels", name, "median") for b in BACKENDS)])
        (dispatch_rows if spec.get("section") == "dispatch" else rows).append(row)
    rows.append(None)
    rows.append(("compile: 1st function, fresh process", None,
                 get("swiftjit", "compile", "first"), get("numba", "compile", "first")))
    rows.append(("compile: 2nd function, same process", None,
                 get("swiftjit", "compile", "second"), get("numba", "compile", "second")))
    for b in ("swiftjit", "numba"):
        for err in get(b, "compile", "errors") or []:
            problems.append(f"{b} compile {err}")
    rows.append(None)
    for kind in kernels.DISPATCH["args"]:
        ns = [get(b, "dispatch", kind, "median_ns") for b in BACKENDS]
        rows.append((f"dispatch: identity({kind}) per call",
                     *[None if v is None else v * 1e-9 for v in ns]))
        for b in backends:
            err = get(b, "dispatch", kind, "error")
            if err:
                problems.append(f"{b} dispatch {kind}: {err}")
    rows.extend(dispatch_rows)
    loop_ns = get("python", "dispatch", "loop_overhead_ns")
    if loop_ns is not None:
        notes.append(f"dispatch rows include the timeit loop itself (~{loop_ns:.0f} ns per iteration); "
                     f"Python column = plain function call")
    rows.append(None)
    rows.append(("import time", None, get("swiftjit", "import", "median"),
                 get("numba", "import", "median")))
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        notes.append("PYTHONDONTWRITEBYTECODE is set: modules without a .pyc already on disk "
                     "(e.g. an editable swiftjit) are compiled from source at every import")

    print()
    versions = ", ".join(f"{b} {results[b]['version']}" for b in backends if results[b].get("version"))
    print(f"medians ({'quick' if opts.quick else 'full'} run: {repeats} repeats, Python kernels "
          f"{py_repeats}, {proc_samples} fresh processes for compile/import); {versions}")
    print("swiftjit/Numba < 1 means swiftjit is faster; Python/swiftjit is swiftjit's speed-up")
    print()
    print_table(rows)
    for n in notes:
        print(n)
    if problems:
        print("\nPROBLEMS:")
        for prob in problems:
            print("  - " + prob)
    elapsed = time.perf_counter() - t_start
    print(f"\ntotal benchmark time {elapsed:.0f} s")

    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"meta": {"quick": opts.quick, "python": platform.python_version(),
                                "machine": platform.machine(), "cpus": os.cpu_count(),
                                "numba": have_numba, "elapsed_s": elapsed},
                       "results": results, "problems": problems,
                       "table": [None if r is None else dict(zip(
                           ["measure", "python_s", "swiftjit_s", "numba_s"], r)) for r in rows]},
                      f, indent=2)
        print(f"wrote {opts.json}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
