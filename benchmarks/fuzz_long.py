"""Long differential fuzz run of swiftjit against plain Python (issue 9).

    python3 benchmarks/fuzz_long.py --programs 10000 --seed N [--batch 200] [--out report.txt]

Programs come from tests/fuzz/generator.py (program i uses seed N*1000000+i).  Each
batch runs in a child interpreter, so an interpreter crash (signal, abort) counts as
a crash of the program that was running and the run continues with the next one.
Mismatches are shrunk in the child; crashes are shrunk afterwards in fresh
interpreters (up to --shrink-crashes of them).  Prints "N programs, M mismatches, K crashes".
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.join(os.path.dirname(HERE), "tests", "fuzz")

CHILD = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, %r)
import generator
for s in range(int(sys.argv[1]), int(sys.argv[2])):
    print(json.dumps({"start": s}), flush=True)
    r = generator.run_program(s)
    print(json.dumps({"done": s, "status": r.status, "detail": r.detail}), flush=True)
"""


def run_batch(lo, hi, timeout):
    """Yield (seed, status, detail) for seeds lo..hi-1, restarting after a crash."""
    while lo < hi:
        p = subprocess.Popen([sys.executable, "-c", CHILD % FUZZ, str(lo), str(hi)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        started, done = None, set()
        for line in out.splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            if "start" in d:
                started = d["start"]
            else:
                done.add(d["done"])
                yield d["done"], d["status"], d["detail"]
        if p.returncode == 0:
            return
        if started is None or started in done:  # died outside a program
            started = lo if started is None else started + 1
            yield started, "crash", f"exit {p.returncode}: {err[-2000:]}"
        else:
            yield started, "crash", f"exit {p.returncode}: {err[-2000:]}"
        lo = started + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--programs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--shrink-crashes", type=int, default=5)
    ap.add_argument("--out", default=None, help="write reproducers to this file")
    a = ap.parse_args()
    base = a.seed * 1000000
    n = mism = crash = err = 0
    reports, crash_seeds = [], []
    for lo in range(base, base + a.programs, a.batch):
        hi = min(lo + a.batch, base + a.programs)
        for seed, status, detail in run_batch(lo, hi, a.timeout):
            n += 1
            if status == "mismatch":
                mism += 1
                reports.append(detail)
            elif status == "crash":
                crash += 1
                crash_seeds.append((seed, detail))
            elif status == "error":
                err += 1
                reports.append(f"# seed {seed}: generator/runner error\n{detail}")
        print(f"... {n} programs, {mism} mismatches, {crash} crashes", file=sys.stderr, flush=True)
    sys.path.insert(0, FUZZ)
    import generator
    for seed, detail in crash_seeds[:a.shrink_crashes]:
        rep = generator.shrink_crash(seed)
        reports.append(rep or f"# seed {seed}: crash not reproducible alone ({detail.splitlines()[0]})")
    text = "\n\n".join(reports)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    print(f"{n} programs, {mism} mismatches, {crash} crashes" + (f", {err} runner errors" if err else ""))


if __name__ == "__main__":
    main()
