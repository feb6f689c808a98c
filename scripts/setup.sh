#!/usr/bin/env bash
# Installs what a fresh machine lacks (LLVM 19, Python test packages), then
# builds the Swift core and installs swiftjit into the chosen interpreter.
#
#   scripts/setup.sh            # uses python3 on PATH
#   PYTHON=python3.12 scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

if [ ! -e /usr/lib/llvm-19/include/llvm-c/Core.h ] || [ ! -e /usr/lib/llvm-19/lib/libLLVM-19.so ]; then
    echo "setup: installing llvm-19-dev with apt-get"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q llvm-19-dev
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain (swift) is not on PATH; install Swift 6 first" >&2
    exit 1
fi

echo "setup: Python packages (the test suite's, and dask[distributed] for tests/test_dask.py)"
"$PYTHON" -m pip install -q --disable-pip-version-check numpy pytest hypothesis cloudpickle "setuptools>=64" wheel
if ! "$PYTHON" -m pip install -q --disable-pip-version-check "dask[array,distributed]"; then
    echo "setup: WARNING: could not install dask[distributed]; tests/test_dask.py will be skipped" >&2
fi

echo "setup: building and installing swiftjit (swift build -c release)"
"$PYTHON" -m pip install -q --disable-pip-version-check --no-build-isolation -e .
"$PYTHON" -c "import swiftjit, sys; print('setup: swiftjit', swiftjit.__version__, 'on Python', sys.version.split()[0])"
