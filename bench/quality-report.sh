#!/usr/bin/env bash
# The data-quality report on the 1M-lead / 10M-event workspace: time and
# peak memory of `quality report --json` (completeness of every field, every
# e-mail, phone and country checked, hard bounces and last activity from the
# events, last imports), and for a ratio the completeness of one field in
# the sqlite3 shell on the same file. Works on a COPY of the workspace:
# opening it with this build migrates it.
# Usage: bench/quality-report.sh SOURCE.leadstream WORKDIR
#        (after cargo build --release -p leadstream-cli; LEADSTREAM_CLI overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:-/tmp/bench/1m.leadstream}
work=${2:-bench/data/quality}
cli=${LEADSTREAM_CLI:-target/release/leadstream}
mkdir -p "$work"
db="$work/quality.leadstream"
if [ ! -s "$db" ]; then
  for suffix in "" -wal -shm; do
    if [ -e "$source$suffix" ]; then cp "$source$suffix" "$db$suffix"; fi
  done
fi
# The first opening migrates the copy and refreshes its scores: not timed.
"$cli" --db "$db" leads count > /dev/null
for run in 1 2 3; do
  echo "== quality report --json (run $run)"
  /usr/bin/time -f "   %e s wall, %U s user, %M KiB peak RSS" \
    "$cli" --db "$db" quality report --json > "$work/report.json"
done
echo "== quality report (text), first lines"
"$cli" --db "$db" quality report | head -3 | sed 's/^/   /'
echo "== sqlite3: completeness of one standard field (industry), one pass"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" sqlite3 "$db" \
  "SELECT count(*), sum(CASE WHEN trim(CAST(industry AS TEXT)) NOT IN ('', '[]') THEN 1 ELSE 0 END) FROM leads;"
echo "== sqlite3: last activity per lead (the stale check's event pass)"
/usr/bin/time -f "   %e s wall, %M KiB peak RSS" sqlite3 "$db" \
  "SELECT count(*) FROM (SELECT lead_id, max(occurred_at) FROM events GROUP BY lead_id);"
