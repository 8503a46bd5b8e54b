#!/usr/bin/env bash
# Measures the custom-field storage choice on a generated workspace: the
# field-clustered table `custom_values` against a JSON column on each lead,
# for the two queries segments run most (a numeric comparison and a list
# membership), in the sqlite3 shell.
# Usage: bench/custom-fields.sh WORKSPACE.leadstream
set -euo pipefail
db=${1:?usage: bench/custom-fields.sh WORKSPACE.leadstream}
copy=$(mktemp --suffix=.db)
trap 'rm -f "$copy"' EXIT
sqlite3 "$db" "VACUUM INTO '$copy'"

echo "== building the JSON-column alternative (one JSON object per lead)"
sqlite3 "$copy" <<'SQL'
.timer on
CREATE TABLE lead_json AS
  SELECT l.id AS id, json_group_object(f.key, json(CASE WHEN f.type = 'list' THEN cv.value ELSE json_quote(cv.value) END)) AS custom
  FROM leads l JOIN custom_values cv ON cv.lead_id = l.id JOIN fields f ON f.id = cv.field_id
  GROUP BY l.id;
SQL
budget=$(sqlite3 "$copy" "SELECT id FROM fields WHERE key = 'budget'")
tech=$(sqlite3 "$copy" "SELECT id FROM fields WHERE key = 'technologies'")

run() {
  local label=$1 sql=$2
  # Warm the cache once, then time three runs.
  sqlite3 "$copy" "$sql" >/dev/null
  echo "-- $label"
  for _ in 1 2 3; do
    printf '.timer on\n%s\n' "$sql" | sqlite3 "$copy" | tr '\n' ' '
    echo
  done
}

run "budget > 100000, clustered custom_values" \
  "SELECT count(*) FROM custom_values WHERE field_id = $budget AND value > 100000;"
run "budget > 100000, JSON column" \
  "SELECT count(*) FROM lead_json WHERE json_extract(custom, '\$.budget') > 100000;"
run "technologies has AWS, clustered custom_values" \
  "SELECT count(*) FROM custom_values cv WHERE cv.field_id = $tech AND EXISTS (SELECT 1 FROM json_each(cv.value) j WHERE j.value = 'AWS');"
run "technologies has AWS, JSON column" \
  "SELECT count(*) FROM lead_json lj WHERE EXISTS (SELECT 1 FROM json_each(lj.custom, '\$.technologies') j WHERE j.value = 'AWS');"
run "one field for every lead (join back to leads), clustered custom_values" \
  "SELECT count(*) FROM leads l JOIN custom_values cv ON cv.field_id = $budget AND cv.lead_id = l.id WHERE l.country = 'Germany' AND cv.value > 50000;"
run "one field for every lead (join back to leads), JSON column" \
  "SELECT count(*) FROM leads l JOIN lead_json j ON j.id = l.id WHERE l.country = 'Germany' AND json_extract(j.custom, '\$.budget') > 50000;"
