"""cache=True: every behaviour checked across real processes and temporary folders."""
import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

MODULE = '''
import json, sys
from swiftjit import njit
import swiftjit

SCALE = {scale}

@njit(cache=True)
def helper(x):
    return x * {helper_factor}

@njit(cache=True)
def kernel(n):
    s = 0
    for i in range(n):
        s += helper(i) + SCALE
    return s

if __name__ == "__main__":
    r = kernel(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    print(json.dumps({{"result": r, "stats": kernel.stats, "helper": helper.stats,
                      "entries": swiftjit.cache.entries(kernel)}}))
'''


def write_module(folder, scale=1, helper_factor=2, name="cached_mod.py"):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(MODULE.format(scale=scale, helper_factor=helper_factor))
    return path


def run(path, *args, env=None, check=True):
    e = dict(os.environ)
    e.pop("SWIFTJIT_CACHE_DIR", None)
    e["PYTHONDONTWRITEBYTECODE"] = "1"
    if env:
        e.update(env)
    p = subprocess.run([sys.executable, path, *args], capture_output=True, text=True, env=e, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    return (json.loads(lines[-1]) if lines else None), p


def expected(n, scale=1, helper_factor=2):
    return sum(i * helper_factor + scale for i in range(n))


def test_second_process_loads_from_cache(tmp_path):
    path = write_module(str(tmp_path))
    first, _ = run(path, "100")
    assert first["result"] == expected(100)
    assert first["stats"]["cache_misses"] == 1 and first["stats"]["cache_hits"] == 0
    assert len(first["entries"]) == 1 and os.path.isfile(first["entries"][0])
    assert os.path.dirname(first["entries"][0]) == os.path.join(str(tmp_path), "__pycache__")
    second, _ = run(path, "100")
    assert second["result"] == expected(100)
    assert second["stats"]["cache_hits"] == 1 and second["stats"]["cache_misses"] == 0
    assert second["helper"]["cache_hits"] == 1


@pytest.mark.parametrize("change", ["body", "callee", "global"])
def test_edits_invalidate(tmp_path, change):
    path = write_module(str(tmp_path))
    run(path, "50")
    if change == "body":
        src = open(path).read().replace("s += helper(i) + SCALE", "s += helper(i) + SCALE + 1")
        open(path, "w").write(src)
        want = expected(50) + 50
    elif change == "callee":
        write_module(str(tmp_path), helper_factor=3)
        want = expected(50, helper_factor=3)
    else:
        write_module(str(tmp_path), scale=7)
        want = expected(50, scale=7)
    after, _ = run(path, "50")
    assert after["result"] == want
    assert after["stats"]["cache_misses"] == 1, after


def test_other_argument_types_get_their_own_entries(tmp_path):
    src = textwrap.dedent('''
        import json
        from swiftjit import njit
        import swiftjit
        @njit(cache=True)
        def add(a, b):
            return a + b
        r = [add(1, 2), add(1.5, 2.0), add(True, False)]
        print(json.dumps({"result": r, "stats": add.stats, "entries": swiftjit.cache.entries(add)}))
    ''')
    path = tmp_path / "types_mod.py"
    path.write_text(src)
    first, _ = run(str(path))
    assert first["result"] == [3, 3.5, 1] and len(first["entries"]) == 3
    second, _ = run(str(path))
    assert second["result"] == [3, 3.5, 1] and second["stats"]["cache_hits"] == 3


@pytest.mark.parametrize("damage", ["truncate", "garble", "version", "empty"])
def test_bad_files_are_never_loaded(tmp_path, damage):
    path = write_module(str(tmp_path))
    first, _ = run(path, "20")
    entry = first["entries"][0]
    data = bytearray(open(entry, "rb").read())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garble":
        for i in range(len(data) - 64, len(data) - 32):
            data[i] ^= 0x5A
    elif damage == "version":
        data[len(b"SWIFTJIT-OBJ\n")] ^= 0xFF
    else:
        data = bytearray()
    open(entry, "wb").write(bytes(data))
    after, proc = run(path, "20")
    assert after["result"] == expected(20)
    assert after["stats"]["cache_hits"] == 0 and after["stats"]["cache_misses"] == 1
    if damage != "empty":
        assert "SwiftJITWarning" in proc.stderr and "bad cache entry" in proc.stderr, proc.stderr
    # The entry was rewritten and is good again.
    again, _ = run(path, "20")
    assert again["stats"]["cache_hits"] == 1


def test_concurrent_processes(tmp_path):
    path = write_module(str(tmp_path))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("SWIFTJIT_CACHE_DIR", None)
    procs = [subprocess.Popen([sys.executable, path, "1000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(8)]
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1])["result"] == expected(1000)
    # No temporary files left, and the cache is valid.
    names = os.listdir(os.path.join(str(tmp_path), "__pycache__"))
    assert not [n for n in names if ".tmp." in n], names
    after, _ = run(path, "1000")
    assert after["stats"]["cache_hits"] == 1


def test_unwritable_pycache_falls_back_to_user_cache(tmp_path):
    # A file named __pycache__ makes the folder impossible to create, for root too.
    src_dir = tmp_path / "src"
    src_dir.mkdir()
    (src_dir / "__pycache__").write_text("not a folder")
    path = write_module(str(src_dir))
    xdg = tmp_path / "xdg"
    first, _ = run(path, "10", env={"XDG_CACHE_HOME": str(xdg)})
    assert first["result"] == expected(10)
    assert first["entries"] and first["entries"][0].startswith(str(xdg / "swiftjit"))
    second, _ = run(path, "10", env={"XDG_CACHE_HOME": str(xdg)})
    assert second["stats"]["cache_hits"] == 1


def test_cache_dir_override(tmp_path):
    (tmp_path / "a").mkdir()
    path = write_module(str(tmp_path / "a"))
    target = tmp_path / "shared"
    first, _ = run(path, "10", env={"SWIFTJIT_CACHE_DIR": str(target)})
    assert first["entries"][0].startswith(str(target))
    second, _ = run(path, "10", env={"SWIFTJIT_CACHE_DIR": str(target)})
    assert second["stats"]["cache_hits"] == 1


def test_cache_folder_removed_between_runs(tmp_path):
    path = write_module(str(tmp_path))
    first, _ = run(path, "10")
    for name in os.listdir(os.path.join(str(tmp_path), "__pycache__")):
        os.remove(os.path.join(str(tmp_path), "__pycache__", name))
    os.rmdir(os.path.join(str(tmp_path), "__pycache__"))
    after, _ = run(path, "10")
    assert after["result"] == expected(10) and after["stats"]["cache_misses"] == 1


def test_unwritable_cache_warns_and_still_runs(tmp_path):
    target = tmp_path / "blocked"
    target.write_text("a file where the folder should be")
    (tmp_path / "mod").mkdir()
    path = write_module(str(tmp_path / "mod"))
    result, proc = run(path, "10", env={"SWIFTJIT_CACHE_DIR": str(target)})
    assert result["result"] == expected(10)
    assert result["stats"]["cache_hits"] == 0


def test_interactive_functions_are_not_cached(tmp_path):
    code = textwrap.dedent('''
        import json
        from swiftjit import njit
        import swiftjit
        ns = {}
        exec("def f(x):\\n    return x + 1\\n", ns)
        f = njit(cache=True)(ns["f"])
        print(json.dumps({"result": f(1), "stats": f.stats, "entries": swiftjit.cache.entries(f)}))
    ''')
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=str(tmp_path), timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["result"] == 2 and out["entries"] == [] and out["stats"]["cache_misses"] == 0


def test_clear(tmp_path):
    path = write_module(str(tmp_path))
    first, _ = run(path, "10")
    assert first["entries"]
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import cached_mod, swiftjit; " \
           f"print(swiftjit.cache.clear(cached_mod.kernel))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "1"
    assert not os.path.exists(first["entries"][0])
