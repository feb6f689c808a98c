"""Object mode benchmarks (issue 5), medians of several timed runs.

    python benchmarks/objmode.py                 # swiftjit vs plain CPython
    /path/to/numba-venv/bin/python benchmarks/objmode.py --backend numba

1. A lifted loop: an object-mode function (it builds a dict and an f-string around
   a numeric loop) against the same loop compiled with njit. Target: within 1.2x.
2. Object-mode code without loops (attribute access, calls, dicts, f-strings):
   compiled object mode against CPython running the same function. Target: no slower.
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


def timed(f, *args, number, repeat=7):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            f(*args)
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def timed_pair(f, g, *args, number, repeat=15):
    """Medians of f and g timed alternately (the machine's load affects both alike)."""
    tf, tg = [], []
    for _ in range(repeat):
        tf.append(timed(f, *args, number=number, repeat=1))
        tg.append(timed(g, *args, number=number, repeat=1))
    return statistics.median(tf), statistics.median(tg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="swiftjit", choices=["swiftjit", "numba"])
    ap.add_argument("--n", type=int, default=1_000_000)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    if args.backend == "numba":
        import numba as backend
    else:
        import swiftjit as backend
    jit, njit = backend.jit, backend.njit
    print(f"{args.backend} {backend.__version__}, Python {sys.version.split()[0]}")

    lifted = jit(forceobj=True)(report)
    native = njit(loop_only)
    n = args.n
    assert abs(lifted(n, "x")[1]["total"] - native(n)) < 1e-6 * n
    t_lifted = timed(lifted, n, "x", number=10, repeat=15)
    t_native = timed(native, n, number=10, repeat=15)
    t_python = timed(report, n, "x", number=1, repeat=3)
    print(f"lifted loop, n={n}: object mode + lifted loop {t_lifted * 1e3:.3f} ms, "
          f"njit loop {t_native * 1e3:.3f} ms -> ratio {t_lifted / t_native:.2f}x "
          f"(CPython {t_python * 1e3:.1f} ms)")

    objmode = jit(forceobj=True, looplift=False)(no_loops)
    acct = Account("ann", 900)
    tags = ["a", "b"]
    assert objmode(acct, 200, tags) == no_loops(acct, 200, tags)
    number = 200_000
    t_obj, t_cpy = timed_pair(objmode, no_loops, acct, 200, tags, number=number // 10)
    print(f"object mode without loops: compiled {t_obj * 1e9:.0f} ns/call, CPython {t_cpy * 1e9:.0f} ns/call "
          f"-> ratio {t_obj / t_cpy:.2f}x")


if __name__ == "__main__":
    main()
