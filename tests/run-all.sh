#!/usr/bin/env bash
# `make test` (after deps and the normal build): unit tests under ASan/UBSan,
# then the integration tests, then one closing line "N passed, N failed" with
# the totals of both. Exit status 1 when anything failed or when pytest ran
# no test at all.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

PYTHON=${HALYARD_PYTHON:-/usr/bin/python3}
# A bound for the whole integration run, well inside CI's limit; SIGINT lets
# pytest run its teardown (the stack fixture stops every process it started).
IT_TIMEOUT=${HALYARD_IT_TIMEOUT:-3600}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- unit
echo "=== unit tests (make unit)"
make --no-print-directory unit 2>&1 | tee "$tmp/unit.log"
unit_rc=${PIPESTATUS[0]}
unit_line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' "$tmp/unit.log" | tail -n1)
if [[ -n $unit_line ]]; then
    unit_passed=$(sed -E 's/^unit: ([0-9]+) passed.*/\1/' <<<"$unit_line")
    unit_failed=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$unit_line")
else
    unit_passed=0
    unit_failed=0
fi
# make failed before the runner reported (a compile error): one failure.
if ((unit_rc != 0 && unit_failed == 0)); then
    echo "unit: make unit failed (exit $unit_rc) before any test ran"
    unit_failed=1
fi

# --- integration
echo "=== integration tests (pytest)"
timeout -s INT -k 120 "$IT_TIMEOUT" \
    "$PYTHON" -m pytest -q -ra tests/integration 2>&1 | tee "$tmp/it.log"
it_rc=${PIPESTATUS[0]}

# pytest's summary, e.g. "12 passed, 1 failed, 2 skipped in 30.1s" or
# "== 3 passed, 1 error in 2.0s ==". Errors count as failures.
summary=$(grep -E '[0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)|no tests ran' \
    "$tmp/it.log" | grep -E ' in [0-9.]+s' | tail -n1)
count() { grep -oE "[0-9]+ $1" <<<"$summary" | awk '{s += $1} END {print s + 0}'; }
it_passed=$(count passed)
it_failed=$(($(count failed) + $(count 'errors?')))
if ((it_rc == 124)); then
    echo "integration: timed out after ${IT_TIMEOUT}s"
fi
if ((it_rc == 5)) || ((it_passed + it_failed == 0 && it_rc == 0)); then
    echo "integration: pytest ran no test"
    it_failed=$((it_failed + 1))
elif ((it_rc != 0 && it_failed == 0)); then
    # Interrupted, internal error, usage error, timeout: not a pass.
    echo "integration: pytest exited $it_rc"
    it_failed=1
fi

passed=$((unit_passed + it_passed))
failed=$((unit_failed + it_failed))
echo
echo "unit $unit_passed passed, $unit_failed failed; integration $it_passed passed, $it_failed failed"
echo "$passed passed, $failed failed"
((failed == 0))
