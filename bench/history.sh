#!/usr/bin/env bash
# Segment history on the 1M-lead / 10M-event workspace: a snapshot of every
# saved segment (the demo's 23 built-in ones plus the benchmark's own up to
# 20+), the diff of one segment between two snapshots, and the storage per
# snapshot and per year after thinning. Works on a COPY of the workspace:
# opening it migrates it and records the day's snapshot.
# Usage: bench/history.sh SOURCE.leadstream WORKDIR
#        (after cargo build --release -p leadstream-cli; LEADSTREAM_CLI overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:-/tmp/bench/1m.leadstream}
work=${2:-bench/data/history}
cli=${LEADSTREAM_CLI:-target/release/leadstream}
mkdir -p "$work"
db="$work/history.leadstream"
if [ ! -s "$db" ]; then
  for suffix in "" -wal -shm; do
    if [ -e "$source$suffix" ]; then cp "$source$suffix" "$db$suffix"; fi
  done
fi
timed() {
  echo "== $*"
  /usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$cli" --db "$db" "$@" > "$work/last.out"
  head -6 "$work/last.out" | sed 's/^/   /'
}
# The first open migrates, refreshes the scores and records the day's snapshot.
timed segment list
echo "segments: $("$cli" --db "$db" segment list --json | grep -c '"is_builtin"')"
# A snapshot of every saved segment (the time printed is the snapshot alone:
# one index pass over all segments, serialising and one transaction).
timed segment history --record
timed segment history --record
# Rewind the second snapshot a week, so that a diff spans two snapshots a
# week apart with time-based rules moving leads in and out (sqlite3 CLI).
id=$("$cli" --db "$db" segment list --json | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if "inLast" in json.dumps(s["segment"]["rules"]):
        print(s["segment"]["id"]); break')
first=$(sqlite3 "$db" "SELECT min(id) FROM segment_snapshots WHERE segment_id = $id")
sqlite3 "$db" "UPDATE segment_snapshots SET taken_at = taken_at - 7 * 86400 WHERE id = $first"
from=$(sqlite3 "$db" "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', taken_at, 'unixepoch') FROM segment_snapshots WHERE id = $first")
to=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "segment $id: diff from $from to $to"
timed segment diff "$id" --from "$from" --to "$to" --format json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
kinds = {}
for l in d["joined"] + d["left"]:
    kinds[l["reason"]["kind"]] = kinds.get(l["reason"]["kind"], 0) + 1
print("   joined", len(d["joined"]), "left", len(d["left"]), "reasons", kinds)' "$work/last.out"
timed segment history "$id"
echo "== storage"
sqlite3 "$db" "SELECT count(*) || ' rows, ' || sum(length(members)) || ' bytes of members' FROM segment_snapshots"
sqlite3 "$db" "SELECT 'per snapshot of all segments: ' || sum(length(members)) || ' bytes, ' || count(*) || ' segments' FROM segment_snapshots WHERE recorded_at = (SELECT max(recorded_at) FROM segment_snapshots)"
sqlite3 "$db" "SELECT 'largest segment snapshot: ' || max(length(members)) || ' bytes (' || member_count || ' members)' FROM segment_snapshots"
