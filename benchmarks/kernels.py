"""Benchmark definitions shared by run.py and _worker.py.

Every kernel is Python source text. The worker executes it in a namespace where
``jit`` is swiftjit's, Numba's, or a do-nothing decorator (plain Python), so the
very same text is measured under every backend. This module must import nothing
beyond the standard library: the Numba worker runs it in a venv without swiftjit.

To add a kernel, append a dict to KERNELS:
    name         short id (also the JSON key)
    label        row title in the table
    source       Python source defining `entry`, decorated with @jit(nopython=True)
    entry        name of the function to call
    args         arguments of the timed call (JIT backends)
    warmup_args  arguments of the first (compiling) call; same types as args
    check_args   arguments of a call whose result every backend must agree on
    python_args  optional: smaller arguments for plain Python ...
    python_scale ... and the factor its time is multiplied by (work ratio)
    note         optional remark printed under the table
"""

KERNELS = [
    {
        "name": "seed_sum",
        "label": "seed sum, n=1e8",
        "source": '''
@jit(nopython=True)
def pure_sum(n):
    s = 0
    for i in range(n):
        s += i
    return s
''',
        "entry": "pure_sum",
        "args": (100_000_000,),
        "warmup_args": (10,),
        "check_args": (1_000_003,),
        "python_args": (10_000_000,),
        "python_scale": 10.0,
        "note": "LLVM (in both JITs) turns this loop into a closed formula: the JIT "
                "columns are essentially call overhead, not loop speed",
    },
    {
        "name": "harmonic",
        "label": "harmonic sum (float), n=1e7",
        "source": '''
@jit(nopython=True)
def harmonic(n):
    s = 0.0
    for i in range(1, n + 1):
        s += 1.0 / i
    return s
''',
        "entry": "harmonic",
        "args": (10_000_000,),
        "warmup_args": (10,),
        "check_args": (100_000,),
        "python_args": (1_000_000,),
        "python_scale": 10.0,
    },
    {
        "name": "collatz",
        "label": "collatz steps, n=1e5",
        "source": '''
@jit(nopython=True)
def collatz(n):
    total = 0
    for k in range(1, n):
        x = k
        while x != 1:
            if x % 2 == 0:
                x = x // 2
            else:
                x = 3 * x + 1
            total += 1
    return total
''',
        "entry": "collatz",
        "args": (100_000,),
        "warmup_args": (10,),
        "check_args": (1_000,),
    },
]

# prange kernels take `prange` from the backend's package (swiftjit.prange,
# numba.prange); plain Python gets range.
PRANGE_PRELUDE = '''
import math, sys
prange = getattr(sys.modules.get(getattr(jit, "__module__", "").split(".")[0]), "prange", range)
'''

for _parallel in (False, True):
    KERNELS.append({
        "name": "sqrt_sum_" + ("parallel" if _parallel else "serial"),
        "label": f"sum of sqrt, prange, parallel={_parallel}, n=1e7",
        "source": PRANGE_PRELUDE + f'''
@jit(nopython=True, parallel={_parallel})
def sqrt_sum(n):
    s = 0.0
    for i in prange(n):
        s += math.sqrt(i + 0.5)
    return s
''',
        "entry": "sqrt_sum",
        "args": (10_000_000,),
        "warmup_args": (10,),
        # Two terms add up the same way in any chunking, so every backend agrees exactly.
        "check_args": (2,),
        "python_args": (1_000_000,),
        "python_scale": 10.0,
        "note": "speedup of parallel=True over parallel=False on this machine's cores; "
                "benchmarks/parallel.py measures the same over a NumPy array, and prange's overhead"
                if _parallel else None,
    })
    if KERNELS[-1]["note"] is None:
        del KERNELS[-1]["note"]
del _parallel

# Compile latency: the first function is compiled in a fresh process right
# after the import; the second, different one right after, in the same process.
COMPILE_FIRST = {
    "source": '''
@jit(nopython=True)
def first(a, b):
    return a * b + a - b
''',
    "entry": "first",
    "args": (3, 4),
}

COMPILE_SECOND = {
    "source": '''
@jit(nopython=True)
def second(n):
    s = 0.0
    for i in range(n):
        x = i * 0.5
        if x > 10.0:
            x = 10.0
        s += x
    return s
''',
    "entry": "second",
    "args": (100,),
}

# Dispatch overhead: calls of an identity function, per argument kind.
DISPATCH = {
    "source": '''
@jit(nopython=True)
def identity(x):
    return x
''',
    "entry": "identity",
    "args": {"int": 7, "float": 2.5},
}
