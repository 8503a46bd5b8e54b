#!/usr/bin/env bash
# Encryption at rest (issue 15): the cost of SQLCipher on the import and
# segment-count benchmarks. The same CSV files are imported into a plain
# workspace and into one protected with a passphrase, one after the other in
# the same run on the same machine, then the same segment is counted in
# each; and a whole workspace is protected (rewritten encrypted) once.
# Each measure runs in ROUNDS rounds (default 2), plain and encrypted
# alternating, so that a change of load on a shared machine falls on both;
# the ratios use each side's fastest run. Prints wall times, peak memory and
# the encrypted/plain ratios.
# Usage: bench/encryption.sh [WORKDIR] [LEADS] [EVENTS_PER_LEAD] [ROUNDS]
#        (after cargo build --release -p leadstream-cli; needs sqlite3;
#        another build: LEADSTREAM_CLI=/path/to/leadstream)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/data/encryption}
leads=${2:-200000}
events_per_lead=${3:-5}
rounds=${4:-2}
cli=${LEADSTREAM_CLI:-target/release/leadstream}
as_of=2026-11-01
mkdir -p "$work"
unset LEADSTREAM_PASSPHRASE LEADSTREAM_NEW_PASSPHRASE
secret="bench passphrase $$"

source_db=$work/source-$leads.leadstream
if [ ! -f "$source_db" ]; then
  "$cli" --db "$source_db" demo --leads "$leads" --events-per-lead "$events_per_lead" --anchor "$as_of" > /dev/null
fi
[ -s "$work/leads.csv" ] || "$cli" --db "$source_db" leads export --format csv > "$work/leads.csv"
if [ ! -s "$work/events.csv" ]; then
  sqlite3 -csv -header "$source_db" "
    SELECT l.email AS email, e.type AS event,
           strftime('%Y-%m-%dT%H:%M:%SZ', e.occurred_at, 'unixepoch') AS timestamp,
           json_extract(e.properties, '\$.url') AS url, json_extract(e.properties, '\$.asset') AS asset,
           json_extract(e.properties, '\$.campaign') AS campaign, json_extract(e.properties, '\$.value') AS value
    FROM events e JOIN leads l ON l.id = e.lead_id WHERE l.email IS NOT NULL ORDER BY e.id" > "$work/events.csv"
fi
echo "leads.csv: $(($(wc -l < "$work/leads.csv") - 1)) rows; events.csv: $(($(wc -l < "$work/events.csv") - 1)) rows"

cat > "$work/six.json" <<'JSON'
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
JSON

declare -A took
measure() { # key, label, command...
  local key=$1 label=$2; shift 2
  sync
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt"
  read -r seconds kib < "$work/time.txt"
  if [ -z "${took[$key]:-}" ] || awk -v a="$seconds" -v b="${took[$key]}" 'BEGIN { exit !(a < b) }'; then
    took[$key]=$seconds
  fi
  printf '%-52s %8.2f s  %6d MiB peak\n' "$label" "$seconds" "$((kib / 1024))"
}

for round in $(seq "$rounds"); do
echo "== round $round"
for mode in plain encrypted; do
  db=$work/target-$mode.leadstream
  rm -rf "$db" "$db"-wal "$db"-shm "$db"-backups
  "$cli" --db "$db" init > /dev/null
  if [ "$mode" = encrypted ]; then
    LEADSTREAM_NEW_PASSPHRASE=$secret "$cli" --db "$db" passphrase set > /dev/null
    export LEADSTREAM_PASSPHRASE=$secret
  fi
  measure "$mode-leads" "import leads ($mode)" "$cli" --db "$db" import leads "$work/leads.csv" --json
  measure "$mode-events" "import events ($mode)" "$cli" --db "$db" import events "$work/events.csv" --json
  measure "$mode-count" "segment count, six rules, 5 runs ($mode)" \
    "$cli" --db "$db" segment count "$work/six.json" --as-of "$as_of" --repeat 5
  sed 's/^/    /' "$work/err.txt"
  measure "$mode-open" "leads count (open + count) ($mode)" "$cli" --db "$db" leads count
  unset LEADSTREAM_PASSPHRASE
done
done

copy=$work/protect-me.leadstream
rm -rf "$copy" "$copy"-wal "$copy"-shm
cp "$work/target-plain.leadstream" "$copy"
measure protect "passphrase set on the imported workspace" \
  env LEADSTREAM_NEW_PASSPHRASE="$secret" "$cli" --db "$copy" passphrase set
echo "file sizes: plain $(du -h "$work/target-plain.leadstream" | cut -f1), encrypted $(du -h "$work/target-encrypted.leadstream" | cut -f1)"

ratio() { awk -v a="${took[encrypted-$1]}" -v b="${took[plain-$1]}" 'BEGIN { printf "%.2f", a / b }'; }
echo "fastest of $rounds: import leads plain ${took[plain-leads]} s, encrypted ${took[encrypted-leads]} s; import events plain ${took[plain-events]} s, encrypted ${took[encrypted-events]} s; segment count plain ${took[plain-count]} s, encrypted ${took[encrypted-count]} s; open plain ${took[plain-open]} s, encrypted ${took[encrypted-open]} s"
echo "encrypted / plain: import leads $(ratio leads), import events $(ratio events), segment count $(ratio count), open $(ratio open)"
