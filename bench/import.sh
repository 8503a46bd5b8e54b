#!/usr/bin/env bash
# Import benchmark: 1M leads (~28 columns) and ~10M events from CSV into a
# fresh workspace, with validation and de-duplication, against the sqlite3
# shell's .import and DuckDB's read_csv of the same files, in the same run.
# Prints wall time and peak memory of each.
# Usage: bench/import.sh [WORKDIR]   (after cargo build --release -p leadstream-cli;
#        needs sqlite3 and the duckdb Python package: pip install duckdb)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/data}
cli=target/release/leadstream
mkdir -p "$work"

if [ ! -f "$work/source.leadstream" ]; then
  "$cli" --db "$work/source.leadstream" demo --leads 1000000 --events-per-lead 10 --anchor 2026-11-01
fi
[ -s "$work/leads.csv" ] || "$cli" --db "$work/source.leadstream" leads export --format csv > "$work/leads.csv"
if [ ! -s "$work/events.csv" ]; then
  sqlite3 -csv -header "$work/source.leadstream" "
    SELECT l.email AS email, e.type AS event,
           strftime('%Y-%m-%dT%H:%M:%SZ', e.occurred_at, 'unixepoch') AS timestamp,
           json_extract(e.properties, '\$.url') AS url, json_extract(e.properties, '\$.asset') AS asset,
           json_extract(e.properties, '\$.campaign') AS campaign, json_extract(e.properties, '\$.value') AS value
    FROM events e JOIN leads l ON l.id = e.lead_id WHERE l.email IS NOT NULL ORDER BY e.id" > "$work/events.csv"
fi
echo "leads.csv: $(du -h "$work/leads.csv" | cut -f1), $(($(wc -l < "$work/leads.csv") - 1)) rows"
echo "events.csv: $(du -h "$work/events.csv" | cut -f1), $(($(wc -l < "$work/events.csv") - 1)) rows"

measure() { # label, command...
  local label=$1; shift
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out.txt"
  read -r seconds kib < "$work/time.txt"
  printf '%-44s %8.2f s  %6d MiB peak\n' "$label" "$seconds" "$((kib / 1024))"
}

rm -f "$work"/target.leadstream* "$work/target.sqlite" "$work/target.duckdb"
"$cli" --db "$work/target.leadstream" init > /dev/null
measure "leadstream import leads (1M)" "$cli" --db "$work/target.leadstream" import leads "$work/leads.csv" --json
cat "$work/out.txt"
measure "leadstream import events (~10M)" "$cli" --db "$work/target.leadstream" import events "$work/events.csv" --json
cat "$work/out.txt"
measure "sqlite3 .import leads" sqlite3 "$work/target.sqlite" ".import --csv $work/leads.csv leads"
measure "sqlite3 .import events" sqlite3 "$work/target.sqlite" ".import --csv $work/events.csv events"
measure "duckdb read_csv leads" python3 -c "import duckdb; duckdb.connect('$work/target.duckdb').execute(\"CREATE TABLE leads AS SELECT * FROM read_csv('$work/leads.csv')\")"
measure "duckdb read_csv events" python3 -c "import duckdb; duckdb.connect('$work/target.duckdb').execute(\"CREATE TABLE events AS SELECT * FROM read_csv('$work/events.csv')\")"
