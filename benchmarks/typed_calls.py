"""Call cost with typed.List / typed.Dict arguments of str, tuples and numbers (issue 11),
swiftjit side by side with Numba.

    python benchmarks/typed_calls.py [--rounds N] [--calls N]

Each backend runs in its own interpreter (Numba: benchmarks/.venv-numba or $NUMBA_PYTHON).
The kernel is `len(xs)`: what is measured is the call (dispatch, typing, unboxing), for a
container of 10 and of 10**5 items. Reported: the median over rounds of the time per call.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = '''
import json, statistics, time
{imports}

@njit
def kernel(xs):
    return len(xs)

def containers(n):
    return {{
        "typed.List[int64]": typed.List(list(range(n))),
        "typed.List[unicode_type]": typed.List([str(i) for i in range(n)]),
        "typed.List[Tuple(int64, unicode_type)]": typed.List([(i, str(i)) for i in range(n)]),
        "typed.Dict[unicode_type,int64]": typed.Dict({{str(i): i for i in range(n)}}) if {dict_ctor}
            else fill(typed.Dict.empty(types.unicode_type, types.int64), n),
    }}

def fill(d, n):
    for i in range(n):
        d[str(i)] = i
    return d

out = {{}}
for n in (10, 100_000):
    for name, xs in containers(n).items():
        kernel(xs)
        runs = []
        for _ in range({rounds}):
            t = time.perf_counter()
            for _ in range({calls}):
                kernel(xs)
            runs.append((time.perf_counter() - t) / {calls})
        out[f"{{name}} n={{n}}"] = statistics.median(runs)
print(json.dumps(out))
'''


def run(python, imports, dict_ctor, rounds, calls):
    code = SETUP.format(imports=imports, dict_ctor=dict_ctor, rounds=rounds, calls=calls)
    r = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        print(r.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--calls", type=int, default=2000)
    opts = p.parse_args()
    numba_python = os.environ.get("NUMBA_PYTHON", os.path.join(HERE, ".venv-numba", "bin", "python"))
    results = {"swiftjit": run(sys.executable, "from swiftjit import njit, typed, types", "True",
                               opts.rounds, opts.calls)}
    if os.path.exists(numba_python):
        # Numba's typed.Dict takes no mapping: it is filled item by item.
        results["numba"] = run(numba_python, "from numba import njit, typed, types", "False",
                               opts.rounds, opts.calls)
    names = list(results["swiftjit"])
    print(f"{'argument':48} " + " ".join(f"{b:>12}" for b in results))
    for n in names:
        cells = []
        for b in results:
            v = results[b].get(n) if results[b] else None
            cells.append(f"{v * 1e6:10.3f}us" if v is not None else f"{'-':>12}")
        print(f"{n:48} " + " ".join(cells))


if __name__ == "__main__":
    main()
