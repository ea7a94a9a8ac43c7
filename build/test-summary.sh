#!/usr/bin/env bash
# Runs the whole test suite and ends with one summary line: "tests: N passed, N failed, N skipped".
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A test that hangs is stopped after 8 minutes and named in the output (blame), instead of holding CI for its whole budget.
dotnet test CdcBridge.sln -c Release --no-build --blame-hang-timeout 8m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# dotnet test prints one line per test assembly: "Passed!  - Failed: 0, Passed: 44, Skipped: 0, Total: 44, ..."
summary=$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6; n++ }
  END { printf "%d %d %d %d", passed, failed, skipped, n }')
read -r passed failed skipped assemblies <<<"$summary"
if [ "${assemblies:-0}" -eq 0 ]; then
  echo "tests: no test assembly reported results" >&2
  exit 1
fi
# CI shows only the end of the output: name the failed tests (with the first lines of each message) right above the summary.
if [ "${failed:-0}" -gt 0 ]; then
  echo "failed tests:"
  grep -E -A6 '^ +Failed [A-Za-z_]' "$log" | grep -v -E '^ +Stack Trace:' | head -60
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
