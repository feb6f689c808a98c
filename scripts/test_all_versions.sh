#!/usr/bin/env bash
# Builds and tests swiftjit on every supported CPython version, one after the
# other (builds take minutes and are not run in parallel), then prints a summary.
#
#   scripts/test_all_versions.sh             # 3.10 3.11 3.12 3.13
#   VERSIONS="3.12 3.13" scripts/test_all_versions.sh -x
#
# A version whose interpreter is missing is reported as skipped. Exits non-zero
# when a version fails.
set -uo pipefail
cd "$(dirname "$0")/.."
VERSIONS="${VERSIONS:-3.10 3.11 3.12 3.13}"
declare -A RESULT
status=0
for v in $VERSIONS; do
    echo "=== Python $v"
    log="$(mktemp)"
    bash scripts/test_version.sh "$v" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    # pytest's last line: "2 failed, 313 passed in 11.09s" (absent when the build failed)
    summary="$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped).* in [0-9.]+s' "$log" | tail -n 1 | tr -d '=')"
    rm -f "$log"
    case $rc in
        0) RESULT[$v]="ok      ${summary}" ;;
        3) RESULT[$v]="skipped (no interpreter)" ;;
        *) RESULT[$v]="FAILED  ${summary:-build or setup failed (exit $rc)}"; status=1 ;;
    esac
done
echo
echo "=== summary"
for v in $VERSIONS; do
    printf '  Python %-5s %s\n' "$v" "${RESULT[$v]}"
done
exit $status
