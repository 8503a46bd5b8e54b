#!/usr/bin/env bash
# Imports into a big workspace, then the first count in a fresh process, for
# one or more builds run in alternation (compare within a round):
#  - leads: a re-import of every fifth lead with an e-mail (lifecycle stage
#    and job title changed, about 198k updates at 1M) plus 20,000 new leads;
#  - events: one download for every tenth lead with an e-mail (about 99k)
#    plus 5,000 page views of unknown visitors, which create leads.
# Each import runs on a fresh copy of WORKSPACE, with what follows it (scores,
# segment history), and prints its time, the stored parts before and after,
# and the six-condition count of bench/segments.sh in a fresh process.
# Usage: bench/import-into.sh WORKSPACE SIX_JSON ROUNDS CLI...
#   WORKSPACE  a 1M-lead demo workspace (bench/segments.sh makes WORKDIR/1m.leadstream)
#   SIX_JSON   the six-condition segment (bench/segments.sh writes WORKDIR/six.json)
# Needs sqlite3 and python3.
set -euo pipefail
db=${1:?usage: bench/import-into.sh WORKSPACE SIX_JSON ROUNDS CLI...}
six=${2:?six.json}
rounds=${3:?rounds}
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sqlite3 -csv -header "$db" "SELECT email AS Email, 'Customer' AS \"Lifecycle Stage\",
  'Head of ' || coalesce(job_title, 'Ops') AS \"Job Title\"
  FROM leads WHERE email IS NOT NULL AND id % 5 = 0" > "$work/leads.csv"
sqlite3 -csv -header "$db" "SELECT email AS Email, 'Download' AS Event, '2026-10-20 10:00' AS Timestamp
  FROM leads WHERE email IS NOT NULL AND id % 10 = 3" > "$work/events.csv"
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
with open(f"{work}/leads.csv", "a") as f:
    for i in range(20000):
        f.write(f"fresh.{i}@newco.example,Prospect,Analyst\n")
with open(f"{work}/events.csv", "a") as f:
    for i in range(5000):
        f.write(f"visitor.{i}@anon.example,Page View,2026-10-21 09:00\n")
PY
uptime
for round in $(seq 1 "$rounds"); do
  for kind in leads events; do
    for cli in "$@"; do
      copy="$work/copy.leadstream"
      rm -rf "$copy"*
      cp "$db" "$copy"
      sync
      before=$(sqlite3 "$copy" "SELECT count(*) FROM derived_cache")
      started=$(date +%s.%N)
      "$cli" --db "$copy" import "$kind" "$work/$kind.csv" > "$work/out.txt"
      ended=$(date +%s.%N)
      after=$(sqlite3 "$copy" "SELECT count(*) FROM derived_cache")
      count=$("$cli" --db "$copy" segment count "$six" --as-of 2026-11-01 --repeat 2 2>&1 | tr '\n' ' ')
      printf "round %s, %s, %s: import and what follows %.2f s; parts %s -> %s; next process: %s\n" \
        "$round" "$kind" "$cli" "$(echo "$ended - $started" | bc)" "$before" "$after" "$count"
    done
  done
done
rm -rf "$work"/copy.leadstream*
uptime
