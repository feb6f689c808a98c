"""Kernels over lists, generator expressions and key sorts (issue 11), in kernels.py's format.

Numba 0.68 compiles no generator expression: where the swiftjit source uses one, the Numba
worker runs the same work written as loops (the source picks its variant by the decorator's
module). Listed in kernels.KERNELS, so run.py and paired.py time them like the others:

    python3 benchmarks/paired.py genexpr_sum genexpr_reduce np_array_list np_array_list2d sort_key sorted_key
"""

NUMBA = 'NUMBA = getattr(jit, "__module__", "").startswith("numba")\n'

LIST_KERNELS = [
    {
        "name": "genexpr_sum",
        "label": "sum(x*x for x in xs) + any(...), 1e6 floats",
        "source": NUMBA + '''
if NUMBA:
    @jit(nopython=True)
    def genexpr_sum(n):
        xs = [i * 0.5 for i in range(n)]
        s = 0.0
        for x in xs:
            s += x * x
        found = False
        for x in xs:
            if x < 0.0:
                found = True
                break
        return s + found
else:
    @jit(nopython=True)
    def genexpr_sum(n):
        xs = [i * 0.5 for i in range(n)]
        return sum(x * x for x in xs) + any(x < 0.0 for x in xs)
''',
        "entry": "genexpr_sum",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (1000,),
    },
    {
        "name": "genexpr_reduce",
        "label": "sum/min/max of generators over range(1e6)",
        "source": NUMBA + '''
if NUMBA:
    @jit(nopython=True)
    def genexpr_reduce(n):
        s = 0.0
        for i in range(n):
            s += (i % 1000) * 0.5
        lo = 0
        for i in range(n):
            v = (i * 7919 + 5003) % 10007
            if i == 0 or v < lo:
                lo = v
        hi = 0.0
        for i in range(n):
            v = (i % 977) * 1.5
            if i == 0 or v > hi:
                hi = v
        return s + lo + hi
else:
    @jit(nopython=True)
    def genexpr_reduce(n):
        return (sum((i % 1000) * 0.5 for i in range(n)) + min((i * 7919 + 5003) % 10007 for i in range(n))
                + max((i % 977) * 1.5 for i in range(n)))
''',
        "entry": "genexpr_reduce",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (1000,),
    },
    {
        "name": "np_array_list",
        "label": "np.array of a list of 1e6 floats",
        "source": '''
import numpy as np

@jit(nopython=True)
def np_array_list(n):
    xs = [i * 0.5 for i in range(n)]
    return np.array(xs).sum()
''',
        "entry": "np_array_list",
        "args": (1_000_000,),
        "warmup_args": (10,),
        "check_args": (1000,),
    },
    {
        "name": "np_array_list2d",
        "label": "np.array of 1e5 lists of 8 floats (2-D)",
        "source": '''
import numpy as np

@jit(nopython=True)
def np_array_list2d(n):
    rows = [[i * 0.5 + j for j in range(8)] for i in range(n)]
    return np.array(rows).sum()
''',
        "entry": "np_array_list2d",
        "args": (100_000,),
        "warmup_args": (10,),
        "check_args": (1000,),
    },
    {
        "name": "sort_key",
        "label": "list.sort(key=lambda) of 2e5 floats",
        "source": '''
@jit(nopython=True)
def sort_key(n):
    xs = [((i * 7919) % 100003) * 0.5 for i in range(n)]
    xs.sort(key=lambda x: -x)
    return xs[0] + xs[-1]
''',
        "entry": "sort_key",
        "args": (200_000,),
        "warmup_args": (10,),
        "check_args": (1000,),
    },
    {
        "name": "sorted_key",
        "label": "sorted(xs, key=lambda) of 2e5 floats",
        "source": '''
@jit(nopython=True)
def sorted_key(n):
    xs = [((i * 7919) % 100003) * 0.5 for i in range(n)]
    ys = sorted(xs, key=lambda x: abs(x - 25000.0))
    return ys[0] + ys[-1] + xs[0]
''',
        "entry": "sorted_key",
        "args": (200_000,),
        "warmup_args": (10,),
        "check_args": (1000,),
    },
]
