#!/usr/bin/env bash
# Run each cmocka unit test binary given as an argument, show its output and
# add up cmocka's "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" lines.
# A binary that exits non-zero without reporting a failure (a crash, an
# ASan/UBSan report, a missing file) counts as one failed test.
# Last line: "unit: N passed, N failed"; exit status 1 when any failed.
set -uo pipefail

passed=0
failed=0
broken=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for bin in "$@"; do
    echo "=== $bin"
    rc=0
    if [[ -x $bin ]]; then
        "$bin" >"$out" 2>&1 </dev/null || rc=$?
    else
        echo "not an executable: $bin" >"$out"
        rc=127
    fi
    cat "$out"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$out" | awk '{s += $1} END {print s + 0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" | awk '{s += $1} END {print s + 0}')
    if ((rc != 0 && f == 0)); then
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    ((f == 0)) || broken+=("$bin (exit $rc)")
done

for b in "${broken[@]}"; do
    echo "FAILED: $b"
done
echo "unit: $passed passed, $failed failed"
((failed == 0))
