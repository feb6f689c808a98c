"""The classic demo: a Python loop, interpreted vs compiled by swiftjit.

    python3 examples/seed_sum.py            # n = 100_000_000 (plain Python takes ~5 s)
    python3 examples/seed_sum.py --n 1e6    # quick run

``cache=True`` keeps the compiled code in ``examples/__pycache__``: a second run
loads it instead of compiling.
"""
import sys
import time

from swiftjit import jit


def pure_sum(n):
    s = 0
    for i in range(n):
        s += i
    return s


jit_sum = jit(nopython=True, cache=True)(pure_sum)


def parse_n(argv, default=100_000_000):
    n = default
    for i, arg in enumerate(argv):
        if arg.startswith("--n="):
            n = arg.split("=", 1)[1]
        elif arg == "--n" and i + 1 < len(argv):
            n = argv[i + 1]
    return int(float(str(n).replace("_", "")))


def main():
    n = parse_n(sys.argv[1:])

    t0 = time.perf_counter()
    jit_sum(10)  # compiles the int64 specialization
    compile_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    expected = pure_sum(n)
    python_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    got = jit_sum(n)
    jit_s = time.perf_counter() - t0

    assert got == expected, (got, expected)
    print(f"pure_sum({n:_}) = {got}")
    print(f"  compile (first call):  {compile_s * 1e3:10.2f} ms")
    print(f"  plain Python:          {python_s:10.4f} s")
    print(f"  swiftjit:              {jit_s:10.6f} s")
    print(f"  speed-up:              {python_s / jit_s:10.0f}x")
    print("  (LLVM turns this loop into a closed formula, so the jitted time is mostly call overhead)")


if __name__ == "__main__":
    main()
