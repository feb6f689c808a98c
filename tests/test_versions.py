"""swiftjit on every supported CPython version installed here.

For each of 3.10 to 3.13, runs tests/version_smoke.py with that interpreter
(its .venv-3XY when present, else the interpreter on PATH or in pyenv) against
the extension module built for it in this tree
(python/swiftjit/_swiftjit.cpython-3XY-*.so, see scripts/test_version.sh).
A version without an interpreter or without a built extension is skipped,
unless SWIFTJIT_REQUIRE_VERSIONS lists it (scripts/test.sh, CI: the versions
were built before the suite runs, so a missing one is a failure).
Also checks that importing swiftjit on an unsupported version (the 3.6 to 3.9
installed here, and a simulated 3.14) fails with an ImportError naming the
supported versions.
"""
import glob
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACKAGE = os.path.join(ROOT, "python")
SUPPORTED = ["3.10", "3.11", "3.12", "3.13"]
REQUIRED = os.environ.get("SWIFTJIT_REQUIRE_VERSIONS", "").split()


def skip_or_fail(version, why):
    """Skips, or fails when the CI requires this version."""
    if version in REQUIRED:
        pytest.fail(f"Python {version} is required (SWIFTJIT_REQUIRE_VERSIONS) but {why}")
    pytest.skip(why)


def interpreter(version):
    """The interpreter for version "3.X": this tree's venv, PATH, or pyenv; None if absent."""
    tag = version.replace(".", "")
    venv = os.path.join(ROOT, f".venv-{tag}", "bin", "python")
    if os.path.exists(venv):
        return venv
    if "%d.%d" % sys.version_info[:2] == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found and "/shims/" not in found:  # a pyenv shim may name a version it does not select
        return found
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for candidate in sorted(glob.glob(os.path.join(root, "versions", version + ".*")), reverse=True):
        exe = os.path.join(candidate, "bin", f"python{version}")
        if os.path.exists(exe):
            return exe
    return None


def built_extension(version):
    tag = version.replace(".", "")
    found = glob.glob(os.path.join(PACKAGE, "swiftjit", f"_swiftjit.cpython-{tag}-*.so"))
    return found[0] if found else None


def run(python, args, **kw):
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONHOME", None)
    return subprocess.run([python] + args, cwd=HERE, env=env, capture_output=True, text=True, timeout=600, **kw)


@pytest.mark.parametrize("version", SUPPORTED)
def test_smoke(version):
    python = interpreter(version)
    if python is None:
        skip_or_fail(version, f"no Python {version} interpreter installed")
    if built_extension(version) is None:
        skip_or_fail(version, f"swiftjit is not built for Python {version} (run scripts/test_version.sh {version})")
    extension = built_extension(version)
    newest = max(os.path.getmtime(f) for pattern in ("Sources/**/*.swift", "Sources/**/*.[ch]")
                 for f in glob.glob(os.path.join(ROOT, pattern), recursive=True))
    if os.path.getmtime(extension) < newest:
        skip_or_fail(version, f"the extension for Python {version} is older than the sources (rebuild it)")
    probe = run(python, ["-c", "import numpy"])
    if probe.returncode != 0:
        skip_or_fail(version, f"numpy is not installed for {python}")
    r = run(python, ["version_smoke.py"])
    assert r.returncode == 0, f"Python {version}:\n{r.stdout}\n{r.stderr}"
    assert f"SMOKE OK {version}" in r.stdout


def test_at_least_one_version_runs():
    """This interpreter's own version, at least, has an extension (the suite is running on it)."""
    assert built_extension("%d.%d" % sys.version_info[:2]) is not None


@pytest.mark.parametrize("version", ["3.6", "3.7", "3.8", "3.9"])
def test_unsupported_version_is_refused(version):
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} interpreter installed")
    r = run(python, ["-c", "import swiftjit"])
    assert r.returncode != 0
    assert "ImportError: swiftjit supports CPython 3.10 to 3.13; this is " + version in r.stderr, r.stderr


def test_newer_version_is_refused():
    """A future version (simulated: sys.version_info says 3.14) is refused before the
    extension module, built for another ABI, is loaded."""
    code = ("import sys; sys.version_info = (3, 14, 0, 'final', 0); sys.version = '3.14.0 (simulated)'\n"
            "try:\n    import swiftjit\nexcept ImportError as e:\n    print('REFUSED', e)\n"
            "print('LOADED', 'swiftjit._swiftjit' in sys.modules)")
    r = run(sys.executable, ["-c", code])
    assert r.returncode == 0, r.stderr
    assert "REFUSED swiftjit supports CPython 3.10 to 3.13; this is 3.14.0" in r.stdout, r.stdout
    assert "LOADED False" in r.stdout
