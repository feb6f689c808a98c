"""Object mode benchmarks (issue 5), medians of several timed runs.

    python benchmarks/objmode.py                 # swiftjit vs plain CPython
    /path/to/numba-venv/bin/python benchmarks/objmode.py --backend numba

1. A lifted loop: an object-mode function (it builds a dict and an f-string around
   a numeric loop) against the same loop compiled with njit. Target: within 1.2x.
2. Object-mode code without loops, compiled object mode against CPython running the same
   function, CPU time and wall time, alternating rounds. Target: no slower. Kernels:
   no_loops (attributes, a Python method call, a dict, an f-string), shapes (a small class:
   instances made and methods called in Python code), text (str methods, slicing,
   f-strings, join), records (dict/list copy, insert, get, pop, sort, slices).
   --kernels a,b picks some; --no-lifted skips part 1.
"""
import argparse
import statistics
import sys
import time
import warnings


def report(n, label):
    stats = {"label": label}
    total = 0.0
    for i in range(n):
        total += (i % 7) * 0.5 + i * 1e-9
    stats["total"] = total
    return f"{label}: {round(total, 3)}", stats


def loop_only(n):
    total = 0.0
    for i in range(n):
        total += (i % 7) * 0.5 + i * 1e-9
    return total


class Account:
    def __init__(self, owner, balance):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        self.balance += amount
        return self.balance


def no_loops(acct, amount, tags):
    b = acct.deposit(amount)
    info = {"owner": acct.owner, "balance": b, "tags": tags}
    key = f"{acct.owner}:{b}"
    if b > 1000:
        info["rich"] = True
    acct.balance -= amount
    return key, info, len(tags) + 1


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def dot(self, other):
        return self.x * other.x + self.y * other.y


def shapes(a, b, scale):
    """Class-heavy: instances made, methods called, attributes read."""
    c = a.add(b)
    d = Vec(c.x * scale, c.y - scale)
    n = d.dot(a)
    kind = "big" if n > 100 else "small"
    return d.x, d.y, n, kind, isinstance(d, Vec)


def text(name, count, sep):
    """String processing: str methods, slicing, f-strings, join."""
    s = name.strip().lower()
    parts = s.split(sep)
    head = parts[0].capitalize()
    line = f"{head} has {count} items ({len(parts)} parts, last={parts[-1]!r})"
    if line.startswith("A"):
        line = line.replace("A", "a", 1)
    return line.upper(), sep.join(parts[::-1]), s[1:4] + str(count)


def records(d, key, value):
    """Dict/list manipulation: copy, insert, get, pop, sort, slices."""
    e = dict(d)
    e[key] = value
    old = e.get("a", 0)
    e["a"] = old + value
    keys = sorted(e)
    stack = [keys[0], value, old]
    stack.append(len(e))
    stack.extend(keys[-2:])
    last = e.pop(key)
    e.setdefault("z", last)
    return stack, e, "a" in e, tuple(keys)


#: name -> (function, arguments) for the no-loop kernels.
KERNELS = {
    "no_loops": (no_loops, lambda: (Account("ann", 900), 200, ["a", "b"])),
    "shapes": (shapes, lambda: (Vec(3, 4), Vec(5, -2), 7)),
    "text": (text, lambda: ("  Alpha.Beta.Gamma  ", 42, ".")),
    "records": (records, lambda: ({"a": 1, "b": 2, "c": 3}, "k", 10)),
}


def kernel_args(name):
    f, make = KERNELS[name]
    return f, make()


def timed(f, *args, number, repeat=7, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        t0 = clock()
        for _ in range(number):
            f(*args)
        times.append((clock() - t0) / number)
    return statistics.median(times)


def timed_pair(f, g, *args, number, repeat=15, clock=time.perf_counter):
    """f and g timed alternately (the machine's load affects both alike): the medians
    of each and the median of the per-round ratios f/g."""
    tf, tg = [], []
    for _ in range(repeat):
        tf.append(timed(f, *args, number=number, repeat=1, clock=clock))
        tg.append(timed(g, *args, number=number, repeat=1, clock=clock))
    return statistics.median(tf), statistics.median(tg), statistics.median(a / b for a, b in zip(tf, tg))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="swiftjit", choices=["swiftjit", "numba"])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--kernels", default=",".join(KERNELS), help="comma-separated no-loop kernels")
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--no-lifted", action="store_true", help="skip the lifted-loop benchmark")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    if args.backend == "numba":
        import numba as backend
    else:
        import swiftjit as backend
    jit, njit = backend.jit, backend.njit
    print(f"{args.backend} {backend.__version__}, Python {sys.version.split()[0]}")

    if not args.no_lifted:
        lifted_loop(jit, njit, args.n)
    no_loop_kernels(jit, args)


def lifted_loop(jit, njit, n):
    lifted = jit(forceobj=True)(report)
    native = njit(loop_only)
    assert abs(lifted(n, "x")[1]["total"] - native(n)) < 1e-6 * n
    t_lifted = timed(lifted, n, "x", number=10, repeat=15)
    t_native = timed(native, n, number=10, repeat=15)
    t_python = timed(report, n, "x", number=1, repeat=3)
    print(f"lifted loop, n={n}: object mode + lifted loop {t_lifted * 1e3:.3f} ms, "
          f"njit loop {t_native * 1e3:.3f} ms -> ratio {t_lifted / t_native:.2f}x "
          f"(CPython {t_python * 1e3:.1f} ms)")


def no_loop_kernels(jit, args):
    # CPU time (time.process_time) is what the target is about: on a shared machine wall
    # time also counts other processes. Both are printed; each round times 20,000 calls
    # of the compiled function, then 20,000 of the plain one.
    for name in args.kernels.split(","):
        py, make = KERNELS[name]
        objmode = jit(forceobj=True, looplift=False)(py)
        assert objmode(*make()) == py(*make())
        call_args = make()
        for label, clock in (("CPU", time.process_time), ("wall", time.perf_counter)):
            t_obj, t_cpy, ratio = timed_pair(objmode, py, *call_args, number=20_000, repeat=args.rounds, clock=clock)
            print(f"object mode without loops, {name:8} {label:4}: compiled {t_obj * 1e9:.0f} ns/call, "
                  f"CPython {t_cpy * 1e9:.0f} ns/call -> ratio {t_obj / t_cpy:.2f}x "
                  f"(median of per-round ratios {ratio:.2f}x, {args.rounds} rounds)")


if __name__ == "__main__":
    main()
