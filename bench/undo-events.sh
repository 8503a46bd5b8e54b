#!/usr/bin/env bash
# The undo of an events import at 1M leads, then the six-condition count of
# bench/segments.sh and a quick search in fresh processes, for one or more
# builds in turn. The file is a week of pricing-page views: one per lead
# among every 50th lead with an e-mail (NEW_EVENTS, 20,000 unless set),
# which the six-condition segment's behaviour rule reads.
# Prints how long the import and its undo take with what follows them (the
# score run and segment history), how many derived parts the file holds
# after each, and how long the next fresh process needs to count and to
# search (it loads the parts, or builds them from SQL).
# Usage: bench/undo-events.sh WORKSPACE SIX_JSON CLI...
#   WORKSPACE  a 1M-lead demo workspace whose parts and search keys are
#              stored (as for bench/merge.sh)
#   SIX_JSON   the six-condition segment (bench/segments.sh writes WORKDIR/six.json)
# Each build runs on a fresh copy of WORKSPACE beside it (about 2 GB, and as
# much again for the backup the import takes first). Needs sqlite3.
set -euo pipefail
db=${1:?usage: bench/undo-events.sh WORKSPACE SIX_JSON CLI...}
six=${2:?six.json}
shift 2
dir=$(dirname "$db")
copy=$dir/undo-events-bench.leadstream
file=$dir/undo-events-bench.csv
trap 'rm -rf "$copy" "$copy"-* "$dir"/undo-events-bench.leadstream.backups "$file"' EXIT
sqlite3 -csv -header "$db" "SELECT email AS Email, 'page_view' AS Event,
  '2026-10-' || printf('%02d', 20 + id % 7) AS Date, '/pricing' AS url
  FROM leads WHERE email IS NOT NULL AND id % 50 = 0 LIMIT ${NEW_EVENTS:-20000}" > "$file"
source "$(dirname "$0")/next-reads.sh"
uptime
for cli in "$@"; do
  echo "== $cli"
  rm -rf "$copy" "$copy"-* "$dir"/undo-events-bench.leadstream.backups
  cp "$db" "$copy"
  sync
  echo "parts before: $(parts)"
  next_reads
  import_and_undo events events events "$file" --unknown-leads reject --map url=property:url
done
