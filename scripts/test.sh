#!/usr/bin/env bash
# Installs everything (scripts/setup.sh), then runs all tests (README command 2, CI):
#   1. swift test (the Swift unit tests);
#   2. builds swiftjit for the other supported interpreters (SWIFTJIT_OTHER_VERSIONS,
#      default "3.10 3.12 3.13"; their venvs are prepared from PyPI in the background
#      while Swift builds);
#   3. pytest: the whole suite on $PYTHON (3.11 here); its tests/test_versions.py runs
#      the end-to-end smoke script on every version and fails (not skips) when one of
#      them is missing (SWIFTJIT_REQUIRE_VERSIONS);
#   4. the end-to-end differential test files (SWIFTJIT_OTHER_VERSION_TESTS) on each
#      other version.
# Extra arguments go to step 3's pytest. SWIFTJIT_OTHER_VERSIONS="" skips steps 2 and 4.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
OTHER="${SWIFTJIT_OTHER_VERSIONS-3.10 3.12 3.13}"
E2E="${SWIFTJIT_OTHER_VERSION_TESTS-tests/test_scalars.py tests/test_arrays.py tests/test_lang_calls.py tests/test_lang_exceptions.py tests/test_control_flow.py tests/fuzz/test_fuzz_sample.py tests/test_lang_comprehensions.py tests/test_lang_lists_more.py tests/test_lang_tracebacks.py tests/test_lang_optional.py tests/test_objmode.py tests/test_objmode_more.py tests/test_objmode_fastpaths.py tests/test_typed_containers.py tests/test_typed_containers_obj.py tests/test_array_fusion.py tests/test_fusion_locals.py tests/test_fusion_where.py tests/test_fusion_arg_truth.py tests/test_np_ufunc_functions.py tests/test_lang_generators_fused.py tests/test_lang_try.py tests/test_array_indexing_adv.py tests/test_array_lib_more.py}"
START=$(date +%s)
stamp() { echo "test: [$(( $(date +%s) - START )) s] $*"; }

venv_log="$(mktemp)"
if [ -n "$OTHER" ]; then
    ( for v in $OTHER; do SWIFTJIT_VENV_ONLY=1 bash scripts/build_version.sh "$v" >/dev/null || true; done ) \
        >"$venv_log" 2>&1 &
    venvs=$!
fi

bash scripts/setup.sh
stamp "swift test"
swift test

if [ -n "$OTHER" ]; then
    wait "$venvs" || true
    cat "$venv_log"
    for v in $OTHER; do
        stamp "building for Python $v"
        bash scripts/build_version.sh "$v" >/dev/null
    done
fi
rm -f "$venv_log"

THIS="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if ! "$PYTHON" -c "import dask.distributed" >/dev/null 2>&1; then
    echo "test: WARNING: dask.distributed does not import: tests/test_dask.py will be SKIPPED" >&2
fi
stamp "pytest on Python $THIS (the whole suite)"
SWIFTJIT_REQUIRE_VERSIONS="$THIS $OTHER" "$PYTHON" -m pytest tests -q -rs -p no:cacheprovider "$@"

for v in $OTHER; do
    py=".venv-${v/./}/bin/python"
    stamp "pytest on Python $v: $E2E"
    "$py" -m pytest -q -p no:cacheprovider $E2E
done
stamp "all tests passed"
