#!/usr/bin/env bash
# Segment history on the 1M-lead / 10M-event workspace: a snapshot of every
# saved segment (its 23 built-in ones), the diff of one segment between two snapshots, and the storage per
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
# A snapshot of every saved segment (the times printed are the snapshot
# alone: one index pass over all segments, serialising, one transaction;
# run 1 includes loading the index, as the first snapshot after opening).
timed segment history --record --repeat 4
# Two snapshots a month apart, as of dates in the data (events end on
# 2026-10-31): relative windows move leads in and out between them.
timed segment history --record --as-of 2026-10-01
timed segment history --record --as-of 2026-10-31
id=$("$cli" --db "$db" segment list --json | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    if "inLast" in json.dumps(s["segment"]["rules"]):
        print(s["segment"]["id"]); break')
echo "segment $id: diff from 2026-10-01 to 2026-10-31"
timed segment diff "$id" --from 2026-10-01 --to 2026-10-31 --format json
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
