#!/usr/bin/env bash
# Builds swiftjit for one Python interpreter, in its own virtual environment.
#
#   scripts/build_version.sh 3.12                 # python3.12 on PATH, else pyenv's newest 3.12.x
#   scripts/build_version.sh /path/to/python3.13  # that interpreter
#
# Each version gets a virtual environment (.venv-3XY, created with numpy, pytest,
# hypothesis and cloudpickle when missing), its own SwiftPM scratch folder
# (.build-py3XY, see setup.py) and its own extension module
# (python/swiftjit/_swiftjit.cpython-3XY-*.so), so versions coexist in one tree.
#
#   SWIFTJIT_SKIP_BUILD=1   only make the venv (reuse the built extension)
#   SWIFTJIT_VENV_ONLY=1    same; used by scripts/test.sh to prepare venvs early
#
# Reports on stderr; prints only the venv's python on stdout. Exit status 3 when no
# interpreter is found.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    echo "usage: $0 VERSION|PYTHON" >&2
    exit 2
fi
WANT="$1"

find_python() {
    local want="$1"
    if [[ "$want" == */* ]]; then
        [ -x "$want" ] && { echo "$want"; return; }
        return 1
    fi
    # A pyenv shim on PATH may name a version that pyenv does not select: try it.
    local onpath
    if onpath="$(command -v "python$want" 2>/dev/null)" && "$onpath" -c pass >/dev/null 2>&1; then
        "$onpath" -c 'import sys; print(sys.executable)'
        return
    fi
    local root="${PYENV_ROOT:-$HOME/.pyenv}"
    local candidate
    for candidate in $(ls -d "$root"/versions/"$want".* 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/bin/python$want" ]; then
            echo "$candidate/bin/python$want"
            return
        fi
    done
    return 1
}

if ! BASE="$(find_python "$WANT")"; then
    echo "build_version: no interpreter for '$WANT' (not on PATH, not in pyenv)" >&2
    exit 3
fi
TAG="$("$BASE" -c 'import sys; print("%d%d" % sys.version_info[:2])')"
VENV=".venv-$TAG"
PY="$VENV/bin/python"

if [ ! -x "$PY" ]; then
    echo "build_version: creating $VENV from $BASE" >&2
    "$BASE" -m venv "$VENV"
fi
if ! "$PY" -c "import numpy, pytest, hypothesis, setuptools, wheel, cloudpickle" >/dev/null 2>&1; then
    echo "build_version: installing numpy pytest hypothesis cloudpickle into $VENV" >&2
    "$PY" -m pip install -q --disable-pip-version-check numpy pytest hypothesis cloudpickle "setuptools>=64" wheel >&2
fi

if [ "${SWIFTJIT_SKIP_BUILD:-0}" != 1 ] && [ "${SWIFTJIT_VENV_ONLY:-0}" != 1 ]; then
    echo "build_version: building swiftjit for $("$PY" -c 'import sys; print(sys.version.split()[0])') (scratch .build-py$TAG)" >&2
    "$PY" -m pip install -q --disable-pip-version-check --no-build-isolation -e . >&2
fi
echo "$PY"
