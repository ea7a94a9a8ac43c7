#!/usr/bin/env bash
# make up: start 'cdcbridge dev' in the background (no demo workload, no live view) and wait until it is ready.
set -euo pipefail
state="${CDCBRIDGE_STATE_DIR:-.cdcbridge}"
mkdir -p "$state"
log="$state/dev.log"
if [ -f "$state/dev.pid" ] && kill -0 "$(cat "$state/dev.pid")" 2>/dev/null; then
  echo "The embedded stack already runs (pid $(cat "$state/dev.pid")); 'make down' stops it."
  exit 0
fi
rm -f "$state/endpoints.json"
# setsid: the stack must not die with this shell or get the terminal's Ctrl+C; 'make down' stops it.
setsid ./cdcbridge dev --quiet --state-dir "$state" "$@" >"$log" 2>&1 < /dev/null &
pid=$!
for _ in $(seq 1 600); do
  if grep -q "CdcBridge embedded stack is up." "$log" 2>/dev/null; then
    sed -n '/CdcBridge embedded stack is up./,$p' "$log"
    echo "Running in the background (log: $log). Stop it with: make down"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "The embedded stack did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "The embedded stack did not come up within 120 s; see $log" >&2
exit 1
