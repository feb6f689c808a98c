"""Runs one benchmark task under one backend and prints a JSON object on stdout.

    python _worker.py --backend {python,swiftjit,numba} --task {kernels,compile,dispatch}
                      [--repeats N] [--min-time S] [--number N] [--only a,b]

Started by run.py: with python3 for the python and swiftjit backends, and with
benchmarks/.venv-numba/bin/python for numba. Uses only the standard library
besides the backend itself.
"""
import argparse
import gc
import json
import os
import statistics
import sys
import time
import timeit
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels  # noqa: E402


def _plain_jit(*args, **options):
    """Stand-in for ``jit`` under plain Python: returns the function unchanged."""
    if len(args) == 1 and callable(args[0]) and not options:
        return args[0]
    return lambda func: func


def load_backend(name):
    """(jit, version, import seconds) of a backend."""
    t0 = time.perf_counter()
    if name == "python":
        jit, version = _plain_jit, sys.version.split()[0]
    elif name == "swiftjit":
        import swiftjit
        jit, version = swiftjit.jit, swiftjit.__version__
    elif name == "numba":
        import numba
        jit, version = numba.jit, numba.__version__
    else:
        raise SystemExit(f"unknown backend {name!r}")
    return jit, version, time.perf_counter() - t0


def define(spec, jit):
    # A real module in sys.modules: Numba resolves a recursive function's own name
    # through its module (with a bare dict namespace, fib aborts with "unresolved symbol").
    name = "bench_" + spec["entry"]
    module = types.ModuleType(name)
    module.jit = jit
    sys.modules[name] = module
    exec(compile(spec["source"], f"<kernel {spec['entry']}>", "exec"), module.__dict__)
    return module.__dict__[spec["entry"]]


def _loop(func, args, loops):
    t0 = time.perf_counter()
    for _ in range(loops):
        func(*args)
    return time.perf_counter() - t0


def time_calls(func, args, repeats, min_time):
    """Median seconds per call; loops per sample grow until a sample lasts min_time."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        loops = 1
        while True:
            t = _loop(func, args, loops)
            if t >= min_time or loops >= 10_000_000:
                break
            loops *= 10 if t < min_time / 10 else 2
        samples = [_loop(func, args, loops) / loops for _ in range(repeats)]
    finally:
        if gc_was_enabled:
            gc.enable()
    return {"median": statistics.median(samples), "min": min(samples),
            "samples": samples, "loops": loops}


def _error(exc):
    return {"error": f"{type(exc).__name__}: {exc}".strip(),
            "traceback": traceback.format_exc(limit=4)}


def task_kernels(backend, jit, opts):
    only = set(opts.only.split(",")) if opts.only else None
    out = {}
    for spec in kernels.KERNELS:
        if only and spec["name"] not in only:
            continue
        res = {}
        try:
            func = define(spec, jit)
            t0 = time.perf_counter()
            func(*spec["warmup_args"])
            res["first_call"] = time.perf_counter() - t0
            res["check"] = func(*spec["check_args"])
            args, scale = spec["args"], 1.0
            if backend == "python" and "python_args" in spec:
                args, scale = spec["python_args"], spec.get("python_scale", 1.0)
            timing = time_calls(func, args, opts.repeats, opts.min_time)
            res.update(timing)
            res["args"] = list(args)
            res["scale"] = scale
            res["median"] *= scale
            res["min"] *= scale
        except Exception as exc:  # reported, never hidden
            res.update(_error(exc))
        out[spec["name"]] = res
    return out


def task_compile(backend, jit, opts):
    out = {}
    for key, spec in (("first", kernels.COMPILE_FIRST), ("second", kernels.COMPILE_SECOND)):
        try:
            func = define(spec, jit)
            t0 = time.perf_counter()
            func(*spec["args"])
            out[key] = time.perf_counter() - t0
            t0 = time.perf_counter()
            func(*spec["args"])
            out[key + "_warm_call"] = time.perf_counter() - t0
        except Exception as exc:
            out[key] = None
            out[key + "_error"] = _error(exc)
    return out


def task_dispatch(backend, jit, opts):
    spec = kernels.DISPATCH
    out = {}
    try:
        func = define(spec, jit)
    except Exception as exc:
        return {"error": _error(exc)}
    empty = timeit.Timer("pass").repeat(repeat=opts.repeats, number=opts.number)
    out["loop_overhead_ns"] = statistics.median(empty) / opts.number * 1e9
    for kind, value in spec["args"].items():
        try:
            if func(value) != value:
                raise AssertionError(f"identity({value!r}) returned {func(value)!r}")
            timer = timeit.Timer("f(x)", globals={"f": func, "x": value})
            samples = [t / opts.number * 1e9 for t in timer.repeat(repeat=opts.repeats, number=opts.number)]
            out[kind] = {"median_ns": statistics.median(samples), "min_ns": min(samples),
                         "samples_ns": samples}
        except Exception as exc:
            out[kind] = _error(exc)
    return out


TASKS = {"kernels": task_kernels, "compile": task_compile, "dispatch": task_dispatch}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--backend", required=True, choices=["python", "swiftjit", "numba"])
    p.add_argument("--task", required=True, choices=sorted(TASKS))
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--min-time", type=float, default=0.05)
    p.add_argument("--number", type=int, default=1_000_000)
    p.add_argument("--only", default="")
    opts = p.parse_args()
    jit, version, import_s = load_backend(opts.backend)
    result = {"backend": opts.backend, "version": version, "python": sys.version.split()[0],
              "import_s": import_s, "task": opts.task,
              "result": TASKS[opts.task](opts.backend, jit, opts)}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
