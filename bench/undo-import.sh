#!/usr/bin/env bash
# The undo of a leads import at 1M leads, then the six-condition count of
# bench/segments.sh and a quick search in fresh processes, for one or more
# builds in turn. The file is a list from a fair: NEW_LEADS new leads
# (20,000 unless set) and the leads already there among every 500th lead
# with an e-mail (1,984 at 1M), made customers.
# Prints how long the import and its undo take with what follows them (the
# score run and segment history), how many derived parts the file holds
# after each, and how long the next fresh process needs to count and to
# search (it loads the parts, or builds them from SQL).
# Usage: bench/undo-import.sh WORKSPACE SIX_JSON CLI...
#   WORKSPACE  a 1M-lead demo workspace whose parts and search keys are
#              stored (as for bench/merge.sh)
#   SIX_JSON   the six-condition segment (bench/segments.sh writes WORKDIR/six.json)
# Each build runs on a fresh copy of WORKSPACE beside it (about 2 GB, and as
# much again for the backup the import takes first). Needs sqlite3.
set -euo pipefail
db=${1:?usage: bench/undo-import.sh WORKSPACE SIX_JSON CLI...}
six=${2:?six.json}
shift 2
dir=$(dirname "$db")
copy=$dir/undo-bench.leadstream
file=$dir/undo-bench-fair.csv
trap 'rm -rf "$copy" "$copy"-* "$dir"/undo-bench.leadstream.backups "$file"' EXIT
sqlite3 -csv -header "$db" "SELECT email AS Email, 'Customer' AS \"Lifecycle Stage\"
  FROM leads WHERE email IS NOT NULL AND id % 500 = 0 LIMIT 2000" > "$file"
for i in $(seq 1 "${NEW_LEADS:-20000}"); do echo "fair.$i@newco.example,Lead"; done >> "$file"
source "$(dirname "$0")/next-reads.sh"
uptime
for cli in "$@"; do
  echo "== $cli"
  rm -rf "$copy" "$copy"-* "$dir"/undo-bench.leadstream.backups
  cp "$db" "$copy"
  sync
  echo "parts before: $(parts)"
  import_and_undo rows leads leads "$file"
done
