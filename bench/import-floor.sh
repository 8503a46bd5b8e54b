#!/usr/bin/env bash
# What SQLite itself needs to store an import in Leadstream's layout: the
# rows a Leadstream import of the CRM export wrote (leads, custom values,
# consent statements; events) are copied into plain tables, then the sqlite3
# shell writes them into a fresh workspace the way the import does (one
# transaction on the rollback journal with synchronous FULL, as an import
# alone on its file writes; a 256 MiB cache, foreign keys off; the identity
# and secondary indexes dropped and rebuilt with the import's sorter
# settings) and commits. No CSV is parsed and no Leadstream code runs, so
# this is a floor for any import that keeps this layout. Then the same with
# the layout's largest change that was never made, each custom field a
# column of `leads` instead of rows of `custom_values`, which is a floor
# for any import that keeps what Leadstream keeps in any layout of these
# tables. Beside them: the shell's own `.import --csv` of the same files,
# and the insert alone of the rows `.import` made (its parse is the rest),
# in WAL and rollback mode.
#
# Usage: bench/import-floor.sh [crm|crm-full] [WORKDIR] [CLI]   (KEEP_FLOOR=1 keeps WORKDIR/KIND/floor to look at)
# The CSV files are made as bench/import.sh makes them (bench/crm-export.py).
# Each `INSERT … SELECT` has a WHERE clause: without one SQLite copies a
# table with the same layout page by page (the transfer optimisation),
# which no import can do.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${1:-crm}
work=${2:-bench/data}/$bench
cli=$(realpath "${3:-${CARGO_TARGET_DIR:-target}/release/leadstream}")
mkdir -p "$work"
leads=$work/crm-leads.csv events=$work/crm-events.csv
case $bench in
  crm) sizes="200000 1000000" ;;
  crm-full) sizes="1000000 10000000" ;;
  *) echo "unknown bench $bench (crm or crm-full)" >&2; exit 2 ;;
esac
[ -s "$events" ] || python3 bench/crm-export.py "$work" $sizes
echo "cli: $cli; sqlite3 $(sqlite3 --version | cut -d' ' -f1); load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"

floor=$work/floor
rm -rf "$floor"; mkdir -p "$floor"
# The rows, as a Leadstream import writes them.
"$cli" --db "$floor/source.leadstream" init > /dev/null
"$cli" --db "$floor/source.leadstream" import leads "$leads" > /dev/null
"$cli" --db "$floor/source.leadstream" import events "$events" > /dev/null
sqlite3 "$floor/rows.db" "
  ATTACH '$floor/source.leadstream' AS source;
  CREATE TABLE fields_rows AS SELECT * FROM source.fields;
  CREATE TABLE imports_rows AS SELECT * FROM source.imports;
  CREATE TABLE leads_rows AS SELECT * FROM source.leads ORDER BY id;
  CREATE TABLE custom_rows AS SELECT * FROM source.custom_values ORDER BY field_id, lead_id;
  CREATE TABLE consent_rows AS SELECT * FROM source.consent_events ORDER BY id;
  CREATE TABLE events_rows AS SELECT * FROM source.events ORDER BY id;
  CREATE INDEX custom_rows_lead ON custom_rows (lead_id, field_id);"
"$cli" --db "$floor/empty.leadstream" init > /dev/null
# The wide layout: each custom field a column at the end of the lead row.
add_custom_columns="" custom_cells=""
for field in $(sqlite3 "$floor/rows.db" "SELECT DISTINCT field_id FROM custom_rows ORDER BY 1"); do
  add_custom_columns+="ALTER TABLE leads ADD COLUMN custom_$field;"
  custom_cells+=", (SELECT value FROM custom_rows c WHERE c.lead_id = l.id AND c.field_id = $field)"
done
sqlite3 "$floor/rows.db" "CREATE TABLE wide_rows AS SELECT l.* $custom_cells FROM leads_rows l ORDER BY l.id"

# Runs SQL on a copy of the empty workspace; prints the sum of the wall
# times of the statements after `.timer on`, the COMMIT's (the last), and
# each statement's in order.
timed() { # label, sql
  local label=$1 sql=$2
  rm -f "$floor"/w.leadstream*
  cp "$floor/empty.leadstream" "$floor/w.leadstream"
  printf '%s\n' "$sql" | sqlite3 "$floor/w.leadstream" |
    awk -v label="$label" '/^Run Time/ { sum += $4; last = $4; each = each " " $4 }
      END { printf "%-44s %6.2f s   (of which the commit %.2f s)\n    each statement:%s\n", label, sum, last, each }'
}
setup="PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144; PRAGMA foreign_keys=OFF;
ATTACH '$floor/rows.db' AS r;
INSERT INTO fields SELECT * FROM r.fields_rows WHERE id NOT IN (SELECT id FROM main.fields);
INSERT INTO imports SELECT * FROM r.imports_rows WHERE 1;"
# The sorter settings of Leadstream's index rebuild (store::tables,
# DeferredIndexes::rebuild): small runs in temporary files, two helper threads.
rebuild_settings="PRAGMA temp_store=FILE; PRAGMA cache_size=-4096; PRAGMA threads=2;"
usual_settings="PRAGMA cache_size=-262144; PRAGMA threads=0;"
# The lead side, given the statements that fill leads and custom values and
# the indexes on them to rebuild (store::tables::SECONDARY_INDEXES; the
# consent indexes are kept up, as the import keeps them).
lead_side() { # fill, rebuild
  echo "BEGIN;
DROP INDEX leads_external_id; DROP INDEX leads_email_key;
DROP INDEX leads_last_name; DROP INDEX leads_company; DROP INDEX leads_created_at;
DROP INDEX custom_values_lead;
$1
INSERT INTO consent_events SELECT * FROM r.consent_rows WHERE 1;
$rebuild_settings
CREATE UNIQUE INDEX leads_external_id ON leads (external_id);
CREATE UNIQUE INDEX leads_email_key ON leads (email_key);
CREATE INDEX leads_last_name ON leads (last_name);
CREATE INDEX leads_company ON leads (company);
CREATE INDEX leads_created_at ON leads (created_at);
$2
$usual_settings
COMMIT;"
}
event_side="BEGIN;
DROP INDEX events_lead_time;
INSERT INTO events SELECT * FROM r.events_rows WHERE 1;
$rebuild_settings
CREATE INDEX events_lead_time ON events (lead_id, occurred_at);
$usual_settings
COMMIT;"
timed "floor: leads, custom values, consent" "$setup
.timer on
$(lead_side "INSERT INTO leads SELECT * FROM r.leads_rows WHERE 1;
INSERT INTO custom_values SELECT * FROM r.custom_rows WHERE 1;" \
  "CREATE INDEX custom_values_lead ON custom_values (lead_id);")"
timed "floor, custom values as lead columns" "$setup
$add_custom_columns
.timer on
$(lead_side "INSERT INTO leads SELECT * FROM r.wide_rows WHERE 1;" "")"
timed "floor: events (into the leads above)" "$setup
INSERT INTO leads SELECT * FROM r.leads_rows WHERE 1;
.timer on
$event_side"

# The sqlite3 shell's .import, whole and its insert alone.
for file in leads events; do
  csv=$work/crm-$file.csv
  rm -f "$floor"/plain*.db*
  start=$(date +%s.%N)
  sqlite3 "$floor/plain.db" ".import --csv $csv t"
  end=$(date +%s.%N)
  printf '%-44s %6.2f s\n' "sqlite3 .import $file (parse and insert)" "$(echo "$end - $start" | bc)"
  for mode in DELETE WAL; do
    rm -f "$floor"/plain2.db*
    start=$(date +%s.%N)
    sqlite3 "$floor/plain2.db" "PRAGMA journal_mode=$mode;" "ATTACH '$floor/plain.db' AS p;" \
      "CREATE TABLE t AS SELECT * FROM p.t WHERE 0;" "INSERT INTO t SELECT * FROM p.t WHERE 1;" > /dev/null
    end=$(date +%s.%N)
    printf '%-44s %6.2f s\n' "  its insert alone, journal $mode" "$(echo "$end - $start" | bc)"
  done
done
[ -n "${KEEP_FLOOR:-}" ] || rm -rf "$floor"
