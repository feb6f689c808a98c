"""swiftjit on a Dask cluster (issue 10.5): examples/dask_map_blocks.py runs a jitted
kernel with map_blocks on a dask.distributed LocalCluster of 2 worker processes,
checks the result against NumPy, and shows through the workers' dispatcher
statistics that a worker started after another had compiled loads the kernel
from the shared cache (SWIFTJIT_CACHE_DIR) instead of compiling it.

Dask is an optional extra (`pip install .[dask]`); scripts/setup.sh installs it
for CI. Without it this test is skipped, with a warning in the summary.
"""
import os
import re
import subprocess
import sys
import warnings

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "dask_map_blocks.py")


def _dask_missing():
    try:
        import dask.array  # noqa: F401
        import dask.distributed  # noqa: F401
    except ImportError as e:
        return str(e)
    return None


def test_dask_map_blocks_example(tmp_path):
    missing = _dask_missing()
    if missing:
        message = (f"DASK IS NOT INSTALLED ({missing}): the Dask test did not run. "
                   "Install it with `pip install .[dask]` (scripts/setup.sh does).")
        warnings.warn(message)
        print("\n" + "!" * 78 + "\n" + message + "\n" + "!" * 78, file=sys.__stderr__)
        pytest.skip(message)
    cache = tmp_path / "shared-cache"
    p = subprocess.run([sys.executable, EXAMPLE, "--size", "400", "--chunk", "100", "--cache-dir", str(cache)],
                       capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    print(p.stdout)
    assert p.returncode == 0, p.stdout + p.stderr[-4000:]
    out = p.stdout
    assert out.rstrip().endswith("DASK EXAMPLE OK"), out
    # Two worker processes reported; the first compiled, the one started later loaded.
    workers = re.findall(r"worker (\S+) pid (\d+): compiled=(\d+) cache_hits=(\d+) cache_misses=(\d+)",
                         out.split("worker started later:")[1])
    assert len(workers) == 2 and workers[0][1] != workers[1][1], out
    stats = sorted((int(h), int(m)) for _, _, _, h, m in workers)
    assert stats == [(0, 1), (1, 0)], out
    assert "workers compiled the kernel 1 time(s) and loaded it from the cache 1 time(s)" in out
    entries = [f for f in os.listdir(cache) if f.endswith(".swiftjit")]
    assert len(entries) == 1 and entries[0].startswith("dask_map_blocks.kernel."), entries
