"""A self-contained install (issue 10.2): the extension needs only the system's
libraries (LLVM 19, libc, libstdc++ ...) at run time, nothing from the source tree,
the SwiftPM build folder or the Swift toolchain; the package runs from a copy
outside the source tree; `pip wheel .` gives a wheel that installs and runs in a
fresh virtual environment.
"""
import glob
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import swiftjit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTENSION = swiftjit._swiftjit.__file__
FORBIDDEN = [ROOT, "/opt/swift", "/.build", "swift-6", "usr/lib/swift"]

PROGRAM = textwrap.dedent('''
    import os, sys
    import numpy as np
    import swiftjit
    from swiftjit import njit, prange

    @njit(cache=True)
    def total(a):
        s = 0.0
        for x in a:
            s += x
        return s

    @njit(parallel=True)
    def psum(n):
        s = 0
        for i in prange(n):
            s += i
        return s

    assert total(np.arange(10.0)) == 45.0 and psum(1000) == 499500
    print("FROM", os.path.dirname(swiftjit.__file__))
    print("MODULES", sorted({os.path.dirname(getattr(m, "__file__", None) or "")
                             for m in list(sys.modules.values()) if "swiftjit" in getattr(m, "__name__", "")}))
    print("STATS", total.stats["cache_misses"] + total.stats["cache_hits"])
''')


def test_extension_needs_only_system_libraries():
    if shutil.which("ldd") is None:
        pytest.skip("no ldd on this system")
    out = subprocess.run(["ldd", EXTENSION], capture_output=True, text=True, check=True).stdout
    assert "not found" not in out, out
    paths = [line.split("=>")[1].split("(")[0].strip() for line in out.splitlines() if "=>" in line]
    assert paths, out
    for p in paths:
        assert not any(f in p for f in FORBIDDEN), f"the extension loads {p}:\n{out}"
    assert any("libLLVM" in p for p in paths), out
    assert not any("libswift" in p or "libFoundation" in p for p in paths), "the Swift runtime must be linked statically"


def test_runpath_has_no_build_folders():
    if shutil.which("readelf") is None:
        pytest.skip("no readelf on this system")
    out = subprocess.run(["readelf", "-d", EXTENSION], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if "RPATH" in line or "RUNPATH" in line:
            entries = line.split("[", 1)[1].rstrip("]").split(":")
            for e in entries:
                assert e == "$ORIGIN" or e.startswith("/usr/lib"), f"run path entry {e!r} in {line}"


def test_package_runs_from_a_copy_outside_the_source_tree(tmp_path):
    """The package folder alone (Python files and this interpreter's extension), copied
    elsewhere, imports and compiles with the source tree out of reach."""
    site = tmp_path / "site"
    target = site / "swiftjit"
    target.mkdir(parents=True)
    package = os.path.dirname(swiftjit.__file__)
    for f in glob.glob(os.path.join(package, "*.py")):
        shutil.copy(f, target)
    shutil.copy(EXTENSION, target)
    work = tmp_path / "work"
    work.mkdir()
    (work / "prog.py").write_text(PROGRAM)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SWIFTJIT"))}
    env["PYTHONPATH"] = str(site)
    env["SWIFTJIT_CACHE_DIR"] = str(tmp_path / "cache")
    p = subprocess.run([sys.executable, "prog.py"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"FROM {target}" in p.stdout, p.stdout
    assert ROOT not in p.stdout.split("MODULES", 1)[1], p.stdout
    assert "STATS 1" in p.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="Linux wheels only")
def test_wheel_installs_and_runs_in_a_fresh_venv(tmp_path):
    """`pip wheel .` (reusing this interpreter's build folder, so only a relink), then a
    new venv that installs the wheel and runs a program from an unrelated folder."""
    if os.environ.get("SWIFTJIT_SKIP_WHEEL_TEST") == "1":
        pytest.skip("SWIFTJIT_SKIP_WHEEL_TEST=1")
    wheels = tmp_path / "wheels"
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps",
                        "-w", str(wheels), ROOT], capture_output=True, text=True, timeout=1200)
    assert p.returncode == 0, p.stdout + p.stderr[-3000:]
    found = glob.glob(str(wheels / "swiftjit-*.whl"))
    assert len(found) == 1, found
    tag = "cp%d%d" % sys.version_info[:2]
    assert tag in os.path.basename(found[0]), found
    venv = tmp_path / "venv"
    # No pip inside (ensurepip is slow): this interpreter's pip installs into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    # NumPy (the one run-time dependency) from this interpreter's installation, without
    # a download: a .pth line naming the folder that holds it.
    import numpy
    venv_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(venv_site, "numpy_from_host.pth"), "w") as f:
        f.write(os.path.dirname(os.path.dirname(numpy.__file__)) + "\n")
    p = subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index",
                        found[0]], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    work = tmp_path / "work"
    work.mkdir()
    (work / "prog.py").write_text(PROGRAM)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SWIFTJIT"))}
    env["SWIFTJIT_CACHE_DIR"] = str(tmp_path / "cache")
    p = subprocess.run([python, "prog.py"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"FROM {os.path.join(venv_site, 'swiftjit')}" in p.stdout, (venv_site, p.stdout)
    assert ROOT not in p.stdout.split("MODULES", 1)[1], p.stdout
