"""swiftjit vs Numba, kernel by kernel, in paired samples: robust on a shared machine.

    python3 benchmarks/paired.py                       # every kernel of kernels.py, 15 pairs
    python3 benchmarks/paired.py stencil pairwise -n 31

run.py measures one backend after the other, so when other work on the machine comes
and goes the two columns see different machines (on this 2-core box, with other builds
running, a kernel's median moved 2x between runs). Here both backends stay loaded in
two worker processes (_paired_worker.py) and take turns: sample i of swiftjit is
followed at once by sample i of Numba (their order alternating), each timed in the
worker's own CPU time. The ratio of each pair is computed, and the table gives
the median of those ratios beside the median times.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kernels  # noqa: E402

WORKER = os.path.join(HERE, "_paired_worker.py")
NUMBA_PYTHON = os.path.join(HERE, ".venv-numba", "bin", "python")


class Worker:
    def __init__(self, backend, python, sample_time):
        self.proc = subprocess.Popen([python, WORKER, "--backend", backend, "--sample-time", str(sample_time)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.hello = json.loads(self.proc.stdout.readline())

    def ask(self, name):
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.hello.get('backend')} worker exited")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def fmt(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            v = seconds / scale
            return f"{v:.{0 if v >= 100 else 1 if v >= 10 else 2}f} {unit}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("kernels", nargs="*", help="kernel names (default: all in kernels.py)")
    p.add_argument("-n", "--pairs", type=int, default=15)
    p.add_argument("--sample-time", type=float, default=0.03, help="CPU seconds per sample")
    opts = p.parse_args()
    if not os.path.exists(NUMBA_PYTHON):
        raise SystemExit("no Numba venv: run benchmarks/setup_numba.sh")
    names = opts.kernels or [k["name"] for k in kernels.KERNELS]
    a = Worker("swiftjit", sys.executable, opts.sample_time)
    b = Worker("numba", NUMBA_PYTHON, opts.sample_time)
    print(f"swiftjit {a.hello['version']} vs Numba {b.hello['version']}; {opts.pairs} pairs per kernel, "
          f"CPU time per call", file=sys.stderr)
    header = f"{'kernel':<18} {'swiftjit':>10} {'Numba':>10} {'ratio':>7} {'ratio IQR':>13}"
    print(header)
    print("-" * len(header))
    ratios_all = []
    notes = []
    try:
        for name in names:
            ra, rb = a.ask(name), b.ask(name)
            if "error" in ra or "error" in rb:
                print(f"{name:<18} error: {ra.get('error') or rb.get('error')}")
                continue
            if ra.get("check") != rb.get("check"):
                # Timed anyway (same work), but said: one of the two computes something else.
                notes.append(f"{name}: results differ (swiftjit {ra.get('check')!r}, Numba {rb.get('check')!r})")
            ta, tb, ratios = [], [], []
            for i in range(opts.pairs):
                first, second = (a, b) if i % 2 == 0 else (b, a)
                r1, r2 = first.ask(name)["seconds"], second.ask(name)["seconds"]
                sa, sb = (r1, r2) if first is a else (r2, r1)
                ta.append(sa)
                tb.append(sb)
                ratios.append(sa / sb)
            q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
            r = statistics.median(ratios)
            ratios_all.append(r)
            print(f"{name:<18} {fmt(statistics.median(ta)):>10} {fmt(statistics.median(tb)):>10} "
                  f"{r:>6.2f}x {q[0]:>6.2f}-{q[2]:.2f}", flush=True)
    finally:
        a.close()
        b.close()
    for note in notes:
        print("note: " + note)
    if ratios_all:
        geo = statistics.geometric_mean(ratios_all)
        print(f"geomean of the median ratios over {len(ratios_all)} kernels: {geo:.2f}x")


if __name__ == "__main__":
    main()
