#!/usr/bin/env bash
# Segment count benchmark: a six-condition segment with one behaviour rule
# (docs/segment-rules.md, "A full example") over 1M leads and ~10M events,
# counted by Leadstream (cold: a new process, first without the index's
# parts in the workspace file, as after a write, so it builds them from SQL
# and stores them, then with them; warm: the same process again), by the
# equivalent hand-written SQL in the sqlite3 shell on the same workspace
# file, and by DuckDB on the same data loaded into its own tables. Prints
# the three counts, which must agree. Also the segment list (20 built-in
# segments with counts) in a fresh process.
# Usage: bench/segments.sh [WORKDIR]   (after cargo build --release -p leadstream-cli;
#        needs sqlite3 and the duckdb Python package: pip install duckdb)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/data}
cli=${LEADSTREAM_CLI:-target/release/leadstream}  # another build: LEADSTREAM_CLI=/path/to/leadstream
db=$work/1m.leadstream
as_of=2026-11-01
mkdir -p "$work"

if [ ! -f "$db" ]; then
  "$cli" --db "$db" demo --leads 1000000 --events-per-lead 10 --anchor "$as_of"
fi

cat > "$work/six.json" <<'EOF'
{"combinator": "and", "rules": [
  {"field": "persona", "operator": "=", "value": "Technical decision maker"},
  {"field": "country", "operator": "in", "value": ["Germany", "France"]},
  {"field": "industry", "operator": "=", "value": "Software"},
  {"field": "employees", "operator": ">=", "value": 200},
  {"field": "lifecycle_stage", "operator": "notIn", "value": ["Customer", "Former customer"]},
  {"field": "event", "operator": "performed",
   "value": {"type": "page_view", "inLast": {"amount": 30, "unit": "days"},
             "where": {"combinator": "and", "rules": [{"field": "url", "operator": "=", "value": "/pricing"}]}}}
]}
EOF

as_of_epoch=$(date -u -d "$as_of" +%s)
since_epoch=$((as_of_epoch - 30 * 86400))
# The same segment as an analyst would write it by hand. It is kinder to
# SQLite than Leadstream's semantics: exact-case comparisons instead of
# Unicode case folding (the demo data is consistently cased, so the counts
# agree).
read -r -d '' SEGMENT_SQL <<EOF || true
SELECT count(*) FROM leads l
WHERE l.persona = 'Technical decision maker'
  AND l.country IN ('Germany', 'France')
  AND l.industry = 'Software'
  AND l.employees >= 200
  AND (l.lifecycle_stage IS NULL OR l.lifecycle_stage NOT IN ('Customer', 'Former customer'))
  AND EXISTS (SELECT 1 FROM events e
              WHERE e.lead_id = l.id AND e.type = 'page_view'
                AND e.occurred_at BETWEEN $since_epoch AND $as_of_epoch
                AND json_extract(e.properties, '\$.url') = '/pricing');
EOF

# Emptying the cache by hand (the data generation stays) stands for any
# write, which empties it through the store.
drop_parts() { sqlite3 "$db" "DELETE FROM derived_cache"; }

echo "== Leadstream without the index's parts on disk: segment count --repeat 6 (run 1 builds lead ids, 5 columns, all events, one property from SQL and stores them)"
drop_parts
/usr/bin/time -f "process: %e s wall, %M KiB peak RSS" \
  "$cli" --db "$db" segment count "$work/six.json" --as-of "$as_of" --repeat 6

echo "== Leadstream with the parts on disk (a fresh process): segment count --repeat 6 (run 1 loads the parts)"
/usr/bin/time -f "process: %e s wall, %M KiB peak RSS" \
  "$cli" --db "$db" segment count "$work/six.json" --as-of "$as_of" --repeat 6

echo "== segment list (the 20 built-in segments with counts) in a fresh process: without the parts, then with them"
drop_parts
/usr/bin/time -f "process: %e s wall, %M KiB peak RSS" \
  "$cli" --db "$db" segment list --as-of "$as_of" > /dev/null
/usr/bin/time -f "process: %e s wall, %M KiB peak RSS" \
  "$cli" --db "$db" segment list --as-of "$as_of" > /dev/null
echo "parts on disk: $(sqlite3 "$db" "SELECT count(*) || ' parts, ' || (sum(length(bytes)) / 1048576) || ' MiB' FROM derived_cache")"

for source in "from SQL (parts dropped before each)" "from the parts on disk"; do
  echo "== Leadstream: the index build alone, by part, $source (each a fresh process, one rule)"
  # The six-condition count stores every part the rules below read.
  case $source in from\ the*) "$cli" --db "$db" segment count "$work/six.json" --as-of "$as_of" > /dev/null ;; esac
  for rule in \
    '{"field":"persona","operator":"=","value":"x"}' \
    '{"field":"employees","operator":">=","value":1}' \
    '{"field":"event","operator":"performed","value":{"type":"page_view"}}' \
    '{"field":"event","operator":"performed","value":{"type":"page_view","where":{"combinator":"and","rules":[{"field":"url","operator":"=","value":"/pricing"}]}}}'; do
    echo "{\"combinator\":\"and\",\"rules\":[$rule]}" > "$work/one.json"
    echo "-- $rule"
    case $source in from\ SQL*) drop_parts ;; esac
    /usr/bin/time -f "   process: %e s wall, %M KiB peak RSS" \
      "$cli" --db "$db" segment count "$work/one.json" --as-of "$as_of" --repeat 2
  done
done
echo "== sqlite3 shell, same file, same session (first run cold, then warm)"
sqlite3 "$db" <<EOF
.timer on
$SEGMENT_SQL
$SEGMENT_SQL
$SEGMENT_SQL
EOF

echo "== DuckDB (Python), same data copied into DuckDB tables"
if [ ! -f "$work/segments.duckdb" ]; then
  sqlite3 -csv -header "$db" "SELECT id, persona, country, industry, employees, lifecycle_stage FROM leads" > "$work/seg-leads.csv"
  sqlite3 -csv -header "$db" "SELECT lead_id, type, occurred_at, properties FROM events" > "$work/seg-events.csv"
  python3 - "$work" <<'EOF'
import sys, duckdb
work = sys.argv[1]
con = duckdb.connect(f"{work}/segments.duckdb")
con.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{work}/seg-leads.csv')")
con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{work}/seg-events.csv', types={{'properties': 'VARCHAR'}})")
EOF
fi
python3 - "$work" "$SEGMENT_SQL" <<'EOF'
import sys, time, duckdb
work, sql = sys.argv[1], sys.argv[2]
sql = sql.replace("json_extract(e.properties, '$.url')", "json_extract_string(e.properties, '$.url')")
con = duckdb.connect(f"{work}/segments.duckdb", read_only=True)
for run in range(1, 5):
    started = time.perf_counter()
    count = con.execute(sql).fetchone()[0]
    print(f"run {run}: {(time.perf_counter() - started) * 1000:.1f} ms  count {count}")
EOF
