"""Object mode keeps exact reference counts: 100,000 calls leave sys.getrefcount of
arguments and results unchanged and the process's memory flat (run in a subprocess)."""
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(r'''
    import gc, sys, warnings
    warnings.simplefilter("ignore")
    from swiftjit import jit

    def rss_kb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * (__import__("os").sysconf("SC_PAGE_SIZE") // 1024)

    class Box:
        def __init__(self, v):
            self.v = v

    @jit(forceobj=True)
    def work(d, xs, s, box):
        out = {}
        for k in d:
            out[k] = d[k] * 2
        total = 0
        for x in xs:
            total = total + x
        box.v = box.v
        t = (s, f"{s}-{total}", [x for x in xs], {1, 2})
        try_missing = d.get("missing", None)
        return out, total, t, try_missing, box

    @jit(forceobj=True)
    def raises(d, key):
        return d[key]

    class Ctx:
        def __enter__(self):
            return self
        def __exit__(self, *a):
            return False

    def handlers(d, key, s):
        out = []
        try:
            out.append(d[key])
        except KeyError as e:
            out.append(e.args[0] is key)
        finally:
            out.append(s)
        with Ctx() as c:
            out.append(c is not None)
        try:
            with Ctx():
                return d[key]
        except KeyError:
            pass
        return out

    if sys.version_info >= (3, 11):     # try/with in object mode need 3.11+
        handlers = jit(forceobj=True)(handlers)

    @jit(forceobj=True)
    def identity(x):
        y = x
        return y

    @jit(forceobj=True)
    def lifted(n, xs):
        tag = {"n": n}
        s = 0.0
        for i in range(n):
            s += i * 0.5
        return s, tag, xs

    d = {"a": 1, "b": 2}
    xs = [1, 2, 3]
    s = "str" + str(id(d))           # a non-interned string
    box = Box(object())
    key = "k" + str(id(xs))
    args = [d, xs, s, box, box.v, key]
    N = int(sys.argv[1])

    def counts():
        return [sys.getrefcount(a) for a in args]

    # warm up (compilation, caches, lifted loop specialization)
    for _ in range(100):
        work(d, xs, s, box)
        identity(s)
        lifted(10, xs)
        handlers(d, key, s)
        try:
            raises(d, key)
        except KeyError:
            pass
    result = work(d, xs, s, box)     # the result holds references to s and box
    gc.collect()
    before = counts()
    r0 = rss_kb()
    for _ in range(N):
        result = work(d, xs, s, box)
        identity(s)
        lifted(10, xs)
        assert handlers(d, key, s) == [True, s, True]
        try:
            raises(d, key)
        except KeyError as e:
            assert e.args == (key,)
    res_count = sys.getrefcount(result)
    inner_count = sys.getrefcount(result[0])
    for _ in range(1000):
        result = work(d, xs, s, box)
    gc.collect()
    after = counts()
    r1 = rss_kb()
    assert sys.getrefcount(result) == res_count, (sys.getrefcount(result), res_count)
    assert sys.getrefcount(result[0]) == inner_count
    print("counts", before, after)
    print("rss_kb", r0, r1)
    assert before == after, (before, after)
    assert r1 - r0 < 4096, (r0, r1)   # flat: well under 4 MB of growth over all the calls
    print("OK")
''')


def test_refcounts_and_memory_stay_flat_over_100000_calls(tmp_path):
    path = tmp_path / "refcount_script.py"
    path.write_text(SCRIPT)
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, str(path), "100000"], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK" in proc.stdout
