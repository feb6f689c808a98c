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
    calls        optional: the entry makes this many calls per timed call; the row shows
                 time per call (every column divided by it)
    section      optional: "dispatch" puts the row among the dispatch rows
"""

KERNELS = [
    # ---------------------------------------------------------------- language (issue 4)
    {
        "name": "fib",
        "label": "fib(30), recursive",
        "source": '''
@jit(nopython=True)
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
''',
        "entry": "fib",
        "args": (30,),
        "warmup_args": (5,),
        "check_args": (20,),
        "python_args": (22,),
        "python_scale": 47.0,
    },
    {
        "name": "monte_carlo_pi",
        "label": "Monte Carlo pi, LCG, 1e7 samples",
        "source": '''
@jit(nopython=True)
def monte_carlo_pi(n):
    state = 12345
    inside = 0
    for i in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
        x = (state >> 11) / 4503599627370496.0
        state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
        y = (state >> 11) / 4503599627370496.0
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / n
''',
        "entry": "monte_carlo_pi",
        "args": (10_000_000,),
        "warmup_args": (10,),
        "check_args": (10_000,),
        "python_args": (200_000,),
        "python_scale": 50.0,
        "note": "monte_carlo_pi: Python ints do not wrap, so the LCG is masked to 63 bits to give every backend the same sequence",
    },
    {
        "name": "mandelbrot",
        "label": "mandelbrot 200x200, complex, max 100 iterations",
        "source": '''
@jit(nopython=True)
def escape(c, limit):
    z = 0j
    for i in range(limit):
        z = z * z + c
        if z.real * z.real + z.imag * z.imag > 4.0:
            return i
    return limit

@jit(nopython=True)
def mandelbrot(size, limit):
    total = 0
    for y in range(size):
        for x in range(size):
            c = complex(-2.0 + 3.0 * x / size, -1.5 + 3.0 * y / size)
            total += escape(c, limit)
    return total
''',
        "entry": "mandelbrot",
        "args": (200, 100),
        "warmup_args": (2, 2),
        "check_args": (50, 50),
        "python_args": (50, 100),
        "python_scale": 16.0,
    },
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
    # ---------------------------------------------------------------- NumPy arrays
    # The source text imports NumPy itself (this module must not). `entry` is a plain
    # Python wrapper: it builds the input arrays once per argument tuple (cached, so
    # the timed calls measure the kernel only) and returns a scalar, which is what the
    # backends' results are compared on. Its own cost (~0.1 us) is negligible next to
    # these kernels; the per-call rows (``calls``) loop inside the wrapper instead.
    {
        "name": "array_sum",
        "label": "array sum loop (float64), n=1e7",
        "source": '''
import numpy as np

@jit(nopython=True)
def array_sum(a):
    s = 0.0
    for i in range(len(a)):
        s += a[i]
    return s

_inputs = {}

def entry(n):
    a = _inputs.get(n)
    if a is None:
        a = _inputs[n] = np.sin(np.arange(n, dtype=np.float64))
    return array_sum(a)
''',
        "entry": "entry",
        "args": (10_000_000,),
        "warmup_args": (10,),
        "check_args": (100_003,),
        "python_args": (1_000_000,),
        "python_scale": 10.0,
    },
    {
        "name": "pairwise",
        "label": "pairwise distances, 1000x3 points",
        "source": '''
import math
import numpy as np

@jit(nopython=True)
def pairwise(X):
    n, d = X.shape
    D = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = X[i, k] - X[j, k]
                s += t * t
            D[i, j] = math.sqrt(s)
    return D

_inputs = {}

def entry(n):
    X = _inputs.get(n)
    if X is None:
        X = _inputs[n] = np.cos(np.arange(n * 3, dtype=np.float64)).reshape(n, 3) * 10.0
    D = pairwise(X)
    return float(D[n - 1, 0] + D[n // 2, n // 3] + D[1, n - 2])
''',
        "entry": "entry",
        "args": (1000,),
        "warmup_args": (3,),
        "check_args": (101,),
        "python_args": (200,),
        "python_scale": 25.0,
    },
    {
        "name": "stencil",
        "label": "5-point stencil 1000x1000, 10 sweeps",
        "source": '''
import numpy as np

@jit(nopython=True)
def stencil(u, v, sweeps):
    n, m = u.shape
    for s in range(sweeps):
        if s % 2 == 0:
            src, dst = u, v
        else:
            src, dst = v, u
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                dst[i, j] = 0.25 * (src[i - 1, j] + src[i + 1, j] + src[i, j - 1] + src[i, j + 1])
    return u[n // 2, m // 2] + v[n // 2, m // 2] + u[1, 1]

_inputs = {}

def entry(n, sweeps):
    uv = _inputs.get(n)
    if uv is None:
        u = np.zeros((n, n))
        u[0, :] = 1.0
        u[:, 0] = 2.0
        uv = _inputs[n] = (u, u.copy())
    return stencil(uv[0], uv[1], sweeps)
''',
        "entry": "entry",
        "args": (1000, 10),
        "warmup_args": (4, 2),
        "check_args": (101, 10),
        "python_args": (200, 10),
        "python_scale": 25.0,
        "note": "Jacobi sweeps alternating u->v and v->u, in place",
    },
    {
        "name": "matmul",
        "label": "matmul triple loop, 200x200",
        "source": '''
import numpy as np

@jit(nopython=True)
def matmul(A, B):
    n, m = A.shape
    m2, p = B.shape
    C = np.zeros((n, p))
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += A[i, k] * B[k, j]
            C[i, j] = s
    return C

_inputs = {}

def entry(n):
    AB = _inputs.get(n)
    if AB is None:
        A = np.sin(np.arange(n * n, dtype=np.float64)).reshape(n, n)
        AB = _inputs[n] = (A, np.cos(A))
    C = matmul(AB[0], AB[1])
    return float(C[0, 0] + C[n - 1, n // 2] + C[n // 3, n - 1])
''',
        "entry": "entry",
        "args": (200,),
        "warmup_args": (2,),
        "check_args": (37,),
        "python_args": (50,),
        "python_scale": 64.0,
    },
    {
        "name": "black_scholes",
        "label": "Black-Scholes (exp/log/sqrt/erf), n=1e6",
        "source": '''
import math
import numpy as np

@jit(nopython=True)
def black_scholes(S, K, T, r, sigma, out):
    for i in range(len(S)):
        sqrt_t = math.sqrt(T[i])
        d1 = (math.log(S[i] / K[i]) + (r + 0.5 * sigma * sigma) * T[i]) / (sigma * sqrt_t)
        d2 = d1 - sigma * sqrt_t
        cnd1 = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
        cnd2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
        out[i] = S[i] * cnd1 - K[i] * math.exp(-r * T[i]) * cnd2

_inputs = {}

def entry(n):
    arrays = _inputs.get(n)
    if arrays is None:
        x = np.arange(n, dtype=np.float64)
        arrays = _inputs[n] = (50.0 + 50.0 * np.abs(np.sin(x)), 60.0 + 40.0 * np.abs(np.cos(x)),
                               0.25 + 2.0 * np.abs(np.sin(0.5 * x)), np.empty(n))
    S, K, T, out = arrays
    black_scholes(S, K, T, 0.02, 0.3, out)
    return round(float(out[0] + out[n // 2] + out[n - 1]), 9)
''',
        "entry": "entry",
        "args": (1_000_000,),
        "warmup_args": (3,),
        "check_args": (1001,),
        "python_args": (100_000,),
        "python_scale": 10.0,
    },
    # ---------------------------------------------------------------- NumPy sorting/statistics (issue 11)
    # The plain-Python column runs the same np.sort / np.argsort / np.median calls, so it
    # is NumPy's own implementation (C, SIMD where NumPy has it), not an interpreted loop.
    {
        "name": "np_sort",
        "label": "np.sort, 1e6 random float64",
        "source": '''
import numpy as np

@jit(nopython=True)
def sort_kernel(a):
    s = np.sort(a)
    return s[0] + s[len(s) // 2] + s[-1]

_inputs = {}

def entry(n):
    a = _inputs.get(n)
    if a is None:
        a = _inputs[n] = np.random.RandomState(0).random_sample(n)
    return sort_kernel(a)
''',
        "entry": "entry",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (100_001,),
        "note": "np.sort/np.argsort/np.median rows: the python column is NumPy's own C implementation",
    },
    {
        "name": "np_argsort",
        "label": "np.argsort (quicksort), 1e6 random float64",
        "source": '''
import numpy as np

@jit(nopython=True)
def argsort_kernel(a):
    idx = np.argsort(a)
    return a[idx[0]] + a[idx[len(idx) // 2]] + a[idx[-1]]

_inputs = {}

def entry(n):
    a = _inputs.get(n)
    if a is None:
        a = _inputs[n] = np.random.RandomState(1).random_sample(n)
    return argsort_kernel(a)
''',
        "entry": "entry",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (100_001,),
    },
    {
        "name": "np_argsort_stable",
        "label": "np.argsort (mergesort), 1e6 random float64",
        "source": '''
import numpy as np

@jit(nopython=True)
def argsort_stable_kernel(a):
    idx = np.argsort(a, kind="mergesort")
    return float(idx[0] + idx[len(idx) // 2] + idx[-1])

_inputs = {}

def entry(n):
    a = _inputs.get(n)
    if a is None:
        a = _inputs[n] = np.random.RandomState(2).random_sample(n)
    return argsort_stable_kernel(a)
''',
        "entry": "entry",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (100_001,),
    },
    {
        "name": "np_median",
        "label": "np.median, 1e6 random float64",
        "source": '''
import numpy as np

@jit(nopython=True)
def median_kernel(a):
    return np.median(a)

_inputs = {}

def entry(n):
    a = _inputs.get(n)
    if a is None:
        a = _inputs[n] = np.random.RandomState(3).random_sample(n)
    return median_kernel(a)
''',
        "entry": "entry",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (100_001,),
    },
    {
        "name": "new_array",
        "label": "np.empty(1000) filled + returned, per call",
        "source": '''
import numpy as np

@jit(nopython=True)
def fill_new(n):
    x = np.empty(n)
    for i in range(n):
        x[i] = i * 0.5
    return x

def entry(n, calls):
    f = fill_new
    for _ in range(calls):
        x = f(n)
    return float(x[-1]) + len(x)
''',
        "entry": "entry",
        "args": (1000, 1000),
        "warmup_args": (3, 1),
        "check_args": (1000, 1),
        "calls": 1000,
        "note": "per-call rows time a loop of `calls` calls in one timed call and divide; "
                "the loop's own ~15 ns per iteration is included, as in the timeit dispatch rows",
    },
    {
        "name": "dispatch_array",
        "label": "dispatch: len(a), one 1-D array arg, per call",
        "section": "dispatch",
        "source": '''
import numpy as np

@jit(nopython=True)
def array_len(a):
    return len(a)

_inputs = {}

def entry(n, calls):
    a = _inputs.get(n)
    if a is None:
        a = _inputs[n] = np.ones(n)
    f = array_len
    for _ in range(calls):
        f(a)
    return f(a)
''',
        "entry": "entry",
        "args": (100, 100_000),
        "warmup_args": (100, 1),
        "check_args": (100, 1),
        "calls": 100_000,
    },
]

# prange kernels take `prange` from the backend's package (swiftjit.prange,
# numba.prange); plain Python gets range.
from kernels_lists import LIST_KERNELS  # noqa: E402 (lists, generators, key sorts)

KERNELS += LIST_KERNELS

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
