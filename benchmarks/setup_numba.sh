#!/usr/bin/env bash
# Creates benchmarks/.venv-numba, a separate virtualenv with Numba and NumPy
# from PyPI, used by benchmarks/run.py as the reference JIT.
# Idempotent: does nothing when the venv exists and `import numba` works there.
#
#   bash benchmarks/setup_numba.sh            # uses python3
#   PYTHON=python3.11 bash benchmarks/setup_numba.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-numba"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import numba" >/dev/null 2>&1; then
    echo "setup_numba: $venv already has numba $("$venv/bin/python" -c 'import numba; print(numba.__version__)')"
    exit 0
fi

echo "setup_numba: creating $venv with $("$python" --version 2>&1)"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet numba numpy
"$venv/bin/python" -c "import numba, numpy; print('setup_numba: numba', numba.__version__, 'numpy', numpy.__version__)"
