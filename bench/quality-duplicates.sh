#!/usr/bin/env bash
# Duplicate detection on a copy of a large workspace: time and peak memory of
# `quality duplicates --json` with the release CLI, and, for a ratio, the
# name+company block self-join done by the sqlite3 shell on the same file
# (plain lower() of the three columns: no accent folding, no phones, no
# provider rules, so a lower bound for what the detector does).
#
#   cargo build --release -p leadstream-cli
#   LEADSTREAM_CLI=target/release/leadstream bash bench/quality-duplicates.sh /tmp/bench/1m.leadstream /tmp/dupes-bench
#
# The workspace is copied first (opening it with newer code migrates it);
# the first run opens the copy once (migration, score refresh) before timing.
set -euo pipefail
source_db="${1:?usage: quality-duplicates.sh WORKSPACE WORKDIR}"
workdir="${2:?usage: quality-duplicates.sh WORKSPACE WORKDIR}"
cli="${LEADSTREAM_CLI:-target/release/leadstream}"
mkdir -p "$workdir"
db="$workdir/bench.leadstream"
if [ ! -f "$db" ]; then
  cp "$source_db" "$db"
  for suffix in -wal -shm; do
    if [ -f "$source_db$suffix" ]; then cp "$source_db$suffix" "$db$suffix"; fi
  done
  echo "first open (migration, score refresh):"
  /usr/bin/time -f "  %e s wall, %M KB peak" "$cli" --db "$db" imports list > /dev/null
fi
for run in 1 2 3; do
  echo "quality duplicates, run $run:"
  /usr/bin/time -f "  %e s wall, %M KB peak" "$cli" --db "$db" quality duplicates --limit 1000 --json > "$workdir/duplicates.json"
done
python3 - "$workdir/duplicates.json" <<'PY'
import json, sys, collections
report = json.load(open(sys.argv[1]))
kinds = collections.Counter(e["kind"] for p in report["pairs"] for e in p["evidence"])
print(f"  {report['leads_checked']} leads, {report['total_pairs']} pairs ({len(report['pairs'])} printed), evidence {dict(kinds)}, "
      f"{len(report['skipped_blocks'])} blocks skipped")
PY
echo "sqlite3 self-join on lower(first_name, last_name, company) (a nested loop: stopped after 10 minutes):"
/usr/bin/time -f "  %e s wall, %M KB peak" timeout 600 sqlite3 "$db" "
  SELECT count(*) FROM leads a JOIN leads b
    ON lower(a.first_name) = lower(b.first_name) AND lower(a.last_name) = lower(b.last_name)
   AND lower(a.company) = lower(b.company) AND a.id < b.id
  WHERE a.first_name IS NOT NULL AND a.last_name IS NOT NULL AND a.company IS NOT NULL;" \
  || echo "  did not finish"
echo "sqlite3 grouping on the same key (a hash/sort-based block, as the detector does):"
/usr/bin/time -f "  %e s wall, %M KB peak" sqlite3 "$db" "
  SELECT count(*), sum(n * (n - 1) / 2) FROM (
    SELECT count(*) AS n FROM leads
    WHERE first_name IS NOT NULL AND last_name IS NOT NULL AND company IS NOT NULL
    GROUP BY lower(first_name), lower(last_name), lower(company) HAVING n > 1);"
