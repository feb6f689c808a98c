"""Serves timed samples of benchmark kernels for paired.py, one backend per process.

    python _paired_worker.py --backend {swiftjit,numba,python}

Protocol (one line each way): the driver writes a kernel name, the worker answers
with a JSON object {"name", "seconds"} for one sample (the kernel called `loops`
times, loops fixed per kernel at its first request so a sample lasts about
--sample-time seconds), timed in CPU time of this thread (time.thread_time), which
leaves out the time the OS gave to other processes on a shared machine (kernels
whose name ends in "_parallel" use wall time: their work is on other threads); the first
request of a kernel compiles it and answers {"name", "ready", "loops"} instead.
"""
import argparse
import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _worker  # noqa: E402
import kernels  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--backend", required=True, choices=["python", "swiftjit", "numba"])
    p.add_argument("--sample-time", type=float, default=0.03)
    opts = p.parse_args()
    jit, version, _ = _worker.load_backend(opts.backend)
    specs = {s["name"]: s for s in kernels.KERNELS}
    ready = {}
    clocks = {}
    print(json.dumps({"backend": opts.backend, "version": version}), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        try:
            if name not in ready:
                spec = specs[name]
                func = _worker.define(spec, jit)
                func(*spec["warmup_args"])
                check = func(*spec["check_args"])
                args = spec["args"]
                loops = 1
                while True:
                    t = time.thread_time()
                    for _ in range(loops):
                        func(*args)
                    t = time.thread_time() - t
                    if t >= opts.sample_time or loops >= 1 << 20:
                        break
                    loops *= 2
                ready[name] = (func, args, loops, spec.get("calls", 1))
                clocks[name] = time.perf_counter if name.endswith("_parallel") else time.thread_time
                print(json.dumps({"name": name, "ready": True, "loops": loops, "check": check}), flush=True)
                continue
            func, args, loops, calls = ready[name]
            clock = clocks[name]
            gc.disable()
            t = clock()
            for _ in range(loops):
                func(*args)
            t = clock() - t
            gc.enable()
            print(json.dumps({"name": name, "seconds": t / loops / calls}), flush=True)
        except Exception as exc:  # reported to the driver, never hidden
            print(json.dumps({"name": name, "error": f"{type(exc).__name__}: {exc}"}), flush=True)


if __name__ == "__main__":
    main()
