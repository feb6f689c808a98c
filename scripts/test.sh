#!/usr/bin/env bash
# Installs everything (scripts/setup.sh), then runs all tests:
# the Swift unit tests (swift test) and the Python suite (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
bash scripts/setup.sh

echo "test: swift test"
swift test

echo "test: pytest"
"$PYTHON" -m pytest tests -q -p no:cacheprovider "$@"
