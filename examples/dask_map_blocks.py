"""A jitted kernel over a Dask array, on a dask.distributed cluster of worker processes.

    pip install .[dask]                      # dask[distributed], an optional extra
    python examples/dask_map_blocks.py       # 2 worker processes, a fresh cache folder
    python examples/dask_map_blocks.py --size 4000 --chunk 500 --cache-dir /shared/swiftjit

What it shows:

1. `Array.map_blocks(kernel)` runs an `@njit(cache=True)` function on every block, in
   worker processes of a `LocalCluster`; the result is checked against NumPy.
2. The compiled code travels through the disk cache, not through pickles: a dispatcher
   pickles by reference (module and name, see docs/USER_GUIDE.md), each worker process
   compiles or loads its own specializations. With `SWIFTJIT_CACHE_DIR` on a folder all
   workers see (here a temporary folder; on a real cluster a shared file system), the
   first worker compiles and writes the cache, and a worker started later loads the
   code from it instead of compiling. The dispatchers' statistics (`kernel.stats`),
   gathered from every worker with `client.run`, show which did what.

The workers import this file as the module `dask_map_blocks` (its folder is put on
PYTHONPATH), so tasks refer to `dask_map_blocks.kernel` by name.

Exit status 0 and a last line "DASK EXAMPLE OK" when everything matched.
"""
import argparse
import logging
import math
import os
import sys
import tempfile
import time

import numpy as np

from swiftjit import njit

HERE = os.path.dirname(os.path.abspath(__file__))


@njit(cache=True)
def kernel(block):
    """A damped response per element: branches and math calls, compiled per block dtype."""
    out = np.empty(block.shape)
    for i in range(block.shape[0]):
        for j in range(block.shape[1]):
            x = block[i, j]
            if x > 0.0:
                out[i, j] = 2.0 * math.sqrt(x) + x * x
            else:
                out[i, j] = -x * math.exp(x)
    return out


def reference(a):
    """The same computation with NumPy."""
    return np.where(a > 0.0, 2.0 * np.sqrt(np.abs(a)) + a * a, -a * np.exp(np.minimum(a, 0.0)))


def worker_report():
    """Run on each worker by client.run: this process's view of the kernel."""
    import dask_map_blocks as module  # the same module the tasks use
    stats = dict(module.kernel.stats)
    stats["pid"] = os.getpid()
    stats["signatures"] = [str(s) for s in module.kernel.signatures]
    stats["cache_dir"] = os.environ.get("SWIFTJIT_CACHE_DIR", "")
    return stats


def show(title, reports):
    print(title)
    for address, r in sorted(reports.items()):
        print(f"  worker {address} pid {r['pid']}: compiled={r['compiled']} cache_hits={r['cache_hits']} "
              f"cache_misses={r['cache_misses']} compile_ms={r['compile_ms']:.1f} signatures={r['signatures']}")


def run(size, chunk, cache_dir):
    # Workers inherit the environment: the shared cache folder and the import path.
    os.environ["SWIFTJIT_CACHE_DIR"] = cache_dir
    os.environ["PYTHONPATH"] = HERE + os.pathsep + os.environ.get("PYTHONPATH", "")
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import dask.array as da
    from dask.distributed import Client, LocalCluster

    import dask_map_blocks as module  # the kernel by its importable name (not __main__'s copy)

    # Random blocks made by the workers themselves (deterministic for a seed).
    x = da.random.default_rng(0).standard_normal((size, size), chunks=(chunk, chunk)) * 3.0
    # meta= tells Dask the result type; with dtype= alone it would call the kernel on an
    # empty array here, in the client, to find out (compiling it in this process too).
    y = x.map_blocks(module.kernel, meta=np.empty((0, 0), dtype=np.float64))
    blocks = x.numblocks[0] * x.numblocks[1]

    started = time.perf_counter()
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        print(f"cluster up in {time.perf_counter() - started:.1f} s; array {size}x{size} in {blocks} blocks "
              f"of {chunk}x{chunk}; SWIFTJIT_CACHE_DIR={cache_dir}")

        a = x.compute()
        expected = reference(a)
        # 1. One worker: it compiles the kernel and writes the cache.
        got = y.compute()
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)
        first = client.run(worker_report)
        show("after the first computation (1 worker):", first)
        (first_address, first_report), = first.items()
        # One miss per specialization (block layouts may differ: views of the array or copies).
        assert first_report["cache_hits"] == 0, first_report
        assert first_report["cache_misses"] == first_report["compiled"] >= 1, first_report

        # 2. A second worker process started now: it finds the code in the cache.
        cluster.scale(2)
        client.wait_for_workers(2, timeout=120)
        second_address = next(w for w in client.scheduler_info()["workers"] if w != first_address)
        got = client.compute(y, workers=[second_address], allow_other_workers=False).result()
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)
        later = client.run(worker_report)
        show("after a computation on the worker started later:", later)
        new_report = later[second_address]
        assert new_report["pid"] != first_report["pid"]
        assert new_report["cache_misses"] == 0, new_report
        assert new_report["cache_hits"] == new_report["compiled"] >= 1, new_report
        assert later[first_address] == first_report

        # 3. Both workers together, the result against NumPy once more.
        got = y.compute()
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=0)
        total = client.run(worker_report)
        compiled_from_scratch = sum(r["cache_misses"] for r in total.values())
        loaded = sum(r["cache_hits"] for r in total.values())
    assert module.kernel.stats["compiled"] == 0, "the client process compiled the kernel"
    entries = sorted(f for f in os.listdir(cache_dir) if f.endswith(".swiftjit"))
    print(f"cache entries: {entries}")
    print(f"workers compiled the kernel {compiled_from_scratch} time(s) and loaded it from the cache "
          f"{loaded} time(s); results match NumPy (max abs error "
          f"{np.max(np.abs(got - expected)):.3g}); {time.perf_counter() - started:.1f} s in all")
    print("DASK EXAMPLE OK")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=800, help="the array is size x size (default 800)")
    parser.add_argument("--chunk", type=int, default=200, help="block edge (default 200)")
    parser.add_argument("--cache-dir", help="SWIFTJIT_CACHE_DIR for all workers (default: a new temporary folder)")
    args = parser.parse_args(argv)
    if args.cache_dir:
        os.makedirs(args.cache_dir, exist_ok=True)
        run(args.size, args.chunk, args.cache_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="swiftjit-dask-") as d:
            run(args.size, args.chunk, d)


if __name__ == "__main__":
    main()
