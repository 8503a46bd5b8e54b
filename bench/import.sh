#!/usr/bin/env bash
# Import benchmark: a leads file and an events file imported into a fresh
# workspace (every check, de-duplication and index Leadstream keeps),
# against the sqlite3 shell's plain .import and DuckDB's read_csv of the
# same files, one after the other in the same run. Prints wall time, peak
# memory and the ratios, and the import transaction's share of the CLI
# command (the rest is what follows an import: scores, segment history).
#
# Usage: bench/import.sh [demo|crm|crm-full] [WORKDIR] [CLI]
#   demo      1M leads (~30 columns) and ~10.1M events from `leadstream demo` (default)
#   crm       a HubSpot-style export: 200,000 leads with 27 columns (7 custom)
#             and 1,000,000 events keyed by e-mail (bench/crm-export.py)
#   crm-full  the same kind at 1M leads and 10M events
# CLI defaults to target/release/leadstream (cargo build --release -p leadstream-cli);
# needs sqlite3 and the duckdb Python package (pip install duckdb).
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-demo}
work=${2:-bench/data}
cli=$(realpath "${3:-${CARGO_TARGET_DIR:-target}/release/leadstream}")
mkdir -p "$work"

case $bench in
  demo)
    leads=$work/leads.csv events=$work/events.csv
    if [ ! -f "$work/source.leadstream" ]; then
      "$cli" --db "$work/source.leadstream" demo --leads 1000000 --events-per-lead 10 --anchor 2026-11-01
    fi
    [ -s "$leads" ] || "$cli" --db "$work/source.leadstream" leads export --format csv > "$leads"
    if [ ! -s "$events" ]; then
      sqlite3 -csv -header "$work/source.leadstream" "
        SELECT l.email AS email, e.type AS event,
               strftime('%Y-%m-%dT%H:%M:%SZ', e.occurred_at, 'unixepoch') AS timestamp,
               json_extract(e.properties, '\$.url') AS url, json_extract(e.properties, '\$.asset') AS asset,
               json_extract(e.properties, '\$.campaign') AS campaign, json_extract(e.properties, '\$.value') AS value
        FROM events e JOIN leads l ON l.id = e.lead_id WHERE l.email IS NOT NULL ORDER BY e.id" > "$events"
    fi ;;
  crm | crm-full)
    [ "$bench" = crm ] && sizes="200000 1000000" || sizes="1000000 10000000"
    work=$work/$bench; mkdir -p "$work"
    leads=$work/crm-leads.csv events=$work/crm-events.csv
    [ -s "$events" ] || python3 bench/crm-export.py "$work" $sizes ;;
  *) echo "unknown bench $bench (demo, crm or crm-full)" >&2; exit 2 ;;
esac
echo "$(basename "$leads"): $(du -h "$leads" | cut -f1), $(($(wc -l < "$leads") - 1)) rows"
echo "$(basename "$events"): $(du -h "$events" | cut -f1), $(($(wc -l < "$events") - 1)) rows"
echo "cli: $cli; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"

declare -A wall
measure() { # key, label, command...
  local key=$1 label=$2; shift 2
  sync
  LEADSTREAM_IMPORT_TIMINGS=1 /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt"
  read -r seconds kib < <(tail -n1 "$work/time.txt")
  wall[$key]=$seconds
  printf '%-36s %8.2f s  %6d MiB peak\n' "$label" "$seconds" "$((kib / 1024))"
  grep -h '^timings' "$work/err.txt" | sed 's/^/    /' || true
}

rm -rf "$work"/target.leadstream* "$work/target.sqlite" "$work/target.duckdb"
"$cli" --db "$work/target.leadstream" init > /dev/null
measure ls_leads "leadstream import leads" "$cli" --db "$work/target.leadstream" import leads "$leads" --json
cat "$work/out.txt"
measure ls_events "leadstream import events" "$cli" --db "$work/target.leadstream" import events "$events" --json
cat "$work/out.txt"
measure sq_leads "sqlite3 .import leads" sqlite3 "$work/target.sqlite" ".import --csv $leads leads"
measure sq_events "sqlite3 .import events" sqlite3 "$work/target.sqlite" ".import --csv $events events"
measure dd_leads "duckdb read_csv leads" python3 -c "import duckdb; duckdb.connect('$work/target.duckdb').execute(\"CREATE TABLE leads AS SELECT * FROM read_csv('$leads')\")"
measure dd_events "duckdb read_csv events" python3 -c "import duckdb; duckdb.connect('$work/target.duckdb').execute(\"CREATE TABLE events AS SELECT * FROM read_csv('$events')\")"
for file in leads events; do
  awk -v f=$file -v l="${wall[ls_$file]}" -v s="${wall[sq_$file]}" -v d="${wall[dd_$file]}" \
    'BEGIN { printf "%-7s leadstream / sqlite3 = %.2f   leadstream / duckdb = %.2f\n", f, l / s, l / d }'
done
rm -rf "$work"/target.leadstream* "$work/target.sqlite" "$work/target.duckdb"
