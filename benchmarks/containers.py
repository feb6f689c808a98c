"""Container and string kernels (issue 11) side by side: plain Python, swiftjit, Numba.

    python benchmarks/containers.py [--repeat N] [kernel ...]

The typed_list kernels pass a typed.List of 1e6 floats (a plain list for Python): the
swiftjit one is the native storage itself, so the call does not copy it.
The dict kernels count into a dict passed in (a typed Dict for the JITs, so that
Numba, which cannot infer an empty `{}`, runs the same code; a plain dict for Python).
A kernel may give Numba its own source (the same work where Numba lacks the construct).
Each kernel's source runs in a fresh interpreter per backend (swiftjit: this
interpreter; Numba: benchmarks/.venv-numba, or $NUMBA_PYTHON); the first call
compiles, then the median of N timed calls is reported.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

KERNELS = {
    "list_sum": ("build and sum a list of 1e6 floats", '''
@jit(nopython=True)
def kernel(n):
    xs = []
    for i in range(n):
        xs.append(i * 0.5)
    total = 0.0
    for x in xs:
        total += x
    return total
''', "1_000_000", "10"),
    "dict_count": ("count 1e6 ints into a dict", '''
@jit(nopython=True)
def kernel(n, counts):
    for i in range(n):
        k = (i * 7919) % 1000
        counts[k] = counts.get(k, 0) + 1
    return len(counts)
''', "1_000_000, make_dict('int')", "10, make_dict('int')"),
    "word_count": ("word count over a 10 MB text", '''
@jit(nopython=True)
def kernel(text, counts):
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return len(counts)
''', "TEXT, make_dict('str')", "'a b a c', make_dict('str')"),
    "typed_list_sum": ("sum a typed.List argument of 1e6 floats", '''
@jit(nopython=True)
def kernel(xs):
    total = 0.0
    for x in xs:
        total += x
    return total
''', "TYPED_FLOATS", "TYPED_FLOATS"),
    "typed_list_call": ("call with a 1e6-item typed.List (len)", '''
@jit(nopython=True)
def kernel(xs):
    return len(xs)
''', "TYPED_FLOATS", "TYPED_FLOATS"),
    "sort_key": ("sort 2e5 floats with key=lambda", '''
@jit(nopython=True)
def kernel(n):
    xs = [((i * 7919) % 100003) * 0.5 for i in range(n)]
    xs.sort(key=lambda x: -x)
    return xs[0] + xs[-1]
''', "200_000", "10"),
    "genexpr_sum": ("sum(x*x for x in xs), any(...), 1e6", '''
@jit(nopython=True)
def kernel(n):
    xs = [i * 0.5 for i in range(n)]
    return sum(x * x for x in xs) + any(x < 0.0 for x in xs)
''', "1_000_000", "10", '''
@jit(nopython=True)
def kernel(n):
    # Numba 0.68 compiles neither generator expressions nor any(): the same work as loops.
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
'''),
    "np_array_list": ("np.array of a list of 1e6 floats", '''
@jit(nopython=True)
def kernel(n):
    xs = [i * 0.5 for i in range(n)]
    return np.array(xs).sum()
''', "1_000_000", "10"),
    "list_of_arrays": ("1e5 arrays in a list: write, sum", '''
@jit(nopython=True)
def kernel(n):
    xs = [np.zeros(8) for _ in range(n)]
    for i in range(n):
        xs[i][i % 8] = 1.0
    s = 0.0
    for a in xs:
        s += a.sum()
    return s
''', "100_000", "10"),
    "dict_values": ("fill a dict, sum over d.values(), 1e6", '''
@jit(nopython=True)
def kernel(n):
    d = {}
    for i in range(n):
        d[i] = i * 3
    s = 0
    for v in d.values():
        s += v
    return s + len(d.keys())
''', "1_000_000", "10"),
}

SETUP = '''
import time, statistics, json, sys
import numpy as np
words = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "eta", "theta", "iota", "kappa"]
TEXT = " ".join(words[(i * 7) % 10] + str(i % 5000) for i in range(1_250_000))[:10_000_000]
TYPED_FLOATS = make_list([i * 0.5 for i in range(1_000_000)])
'''

RUN = '''
kernel({warm})
times = []
for _ in range({repeat}):
    t = time.perf_counter(); r = kernel({args}); times.append(time.perf_counter() - t)
print(json.dumps({{"median": statistics.median(times), "result": r}}))
'''


def measure(python, decorator, source, args, warm, repeat):
    code = decorator + SETUP + source + RUN.format(args=args, warm=warm, repeat=repeat)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, timeout=1800)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr else "failed"
    return json.loads(r.stdout.strip().splitlines()[-1]), None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--only", nargs="*", help="kernel names to run (default: all)")
    p.add_argument("kernels", nargs="*", help="kernel names (default: all)")
    opts = p.parse_args()
    numba_python = os.environ.get("NUMBA_PYTHON", os.path.join(HERE, ".venv-numba", "bin", "python"))
    backends = {
        "python": (sys.executable, "def jit(**kw):\n    return lambda f: f\n"
                                   "def make_dict(k):\n    return {}\n"
                                   "def make_list(items):\n    return items\n"),
        "swiftjit": (sys.executable, "from swiftjit import jit, typed, types\n"
                                     "def make_dict(k):\n    return typed.Dict.empty("
                                     "types.unicode_type if k == 'str' else types.int64, types.int64)\n"
                                     "def make_list(items):\n    return typed.List(items)\n"),
    }
    if os.path.exists(numba_python):
        backends["numba"] = (numba_python, "from numba import jit, typed, types\n"
                                           "def make_dict(k):\n    return typed.Dict.empty("
                                           "types.unicode_type if k == 'str' else types.int64, types.int64)\n"
                                           "def make_list(items):\n    return typed.List(items)\n")
    print(f"{'kernel':40} " + " ".join(f"{b:>10}" for b in backends) + "   swiftjit/numba")
    for name, (label, source, args, warm, *numba_source) in KERNELS.items():
        selected = (opts.only or []) + opts.kernels
        if selected and name not in selected:
            continue
        row = {}
        for b, (python, decorator) in backends.items():
            src = numba_source[0] if b == "numba" and numba_source else source
            res, err = measure(python, decorator, src, args, warm, 1 if b == "python" else opts.repeat)
            row[b] = res["median"] if res else float("nan")
            if err:
                print(f"  {b}: {err}", file=sys.stderr)
        ratio = row["swiftjit"] / row["numba"] if "numba" in row else float("nan")
        print(f"{label:40} " + " ".join(_ms(row[b]) for b in backends) + f"   {ratio:.2f}x")


def _ms(seconds):
    return f"{seconds * 1e3:9.1f}ms" if seconds >= 1e-3 else f"{seconds * 1e6:9.2f}us"


if __name__ == "__main__":
    main()
