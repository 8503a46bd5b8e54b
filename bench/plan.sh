#!/usr/bin/env bash
# Planner benchmark: 90 days of the demo's three active streams (9, 10 and 7
# nodes) over 1M leads / ~10M events. Prints each run's time (run 1 loads
# the index: lead ids, the fields the streams and planner read, all events),
# the process's peak memory, and the time to write the full CSV of sends.
# Usage: bench/plan.sh [WORKDIR]   (after cargo build --release -p leadstream-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/data}
cli=${LEADSTREAM_CLI:-target/release/leadstream}  # another build: LEADSTREAM_CLI=/path/to/leadstream
db=$work/1m.leadstream
mkdir -p "$work"
if [ ! -f "$db" ]; then
  "$cli" --db "$db" demo --leads 1000000 --events-per-lead 10 --anchor 2026-11-01
fi
"$cli" --db "$db" streams list

echo "== plan --summary --repeat 3 (summary only)"
/usr/bin/time -f "process: %e s wall, %M KiB peak RSS" \
  "$cli" --db "$db" plan --from 2026-11-02 --days 90 --summary --repeat 3 > "$work/plan-summary.txt"
head -3 "$work/plan-summary.txt"

echo "== plan, every send as CSV"
/usr/bin/time -f "process: %e s wall, %M KiB peak RSS" \
  "$cli" --db "$db" plan --from 2026-11-02 --days 90 > "$work/plan.csv"
echo "$(($(wc -l < "$work/plan.csv") - 1)) sends, $(du -h "$work/plan.csv" | cut -f1)"
