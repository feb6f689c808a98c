#!/usr/bin/env bash
# Builds swiftjit for one Python interpreter and runs the whole pytest suite on it.
#
#   scripts/test_version.sh 3.12                 # python3.12 on PATH, else pyenv's 3.12.x
#   scripts/test_version.sh /path/to/python3.13  # that interpreter
#   scripts/test_version.sh 3.12 -k tuples       # extra arguments go to pytest
#
# The build (venv .venv-3XY, scratch .build-py3XY, extension module per version)
# is scripts/build_version.sh's. Set SWIFTJIT_SKIP_BUILD=1 to reuse the built extension.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
    echo "usage: $0 VERSION|PYTHON [pytest args...]" >&2
    exit 2
fi
WANT="$1"
shift
# build_version.sh reports on stderr and prints only the venv's python on stdout.
rc=0
PY="$(bash scripts/build_version.sh "$WANT")" || rc=$?
if [ "$rc" != 0 ]; then
    exit "$rc"
fi
echo "test_version: pytest on $("$PY" -c 'import sys; print(sys.version.split()[0])')"
"$PY" -m pytest tests -q -p no:cacheprovider "$@"
