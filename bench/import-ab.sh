#!/usr/bin/env bash
# Alternating import runs of two or more CLI builds, to compare a change
# against the build before it on a machine whose speed drifts: each round
# imports the leads, then the events, of DIR/crm-leads.csv and
# DIR/crm-events.csv (made by `bash bench/import.sh crm|crm-full DIR`) into a
# fresh workspace with each build in turn, and prints the wall times
# (/usr/bin/time). With LEADSTREAM_IMPORT_TIMINGS=1 set, each build also
# prints its import transaction and the time after it.
# Usage: bench/import-ab.sh DIR ROUNDS CLI...   e.g. bench/import-ab.sh W 5 /tmp/before target/release/leadstream
set -euo pipefail
dir=$1 rounds=$2
shift 2
for _ in $(seq "$rounds"); do
  for cli in "$@"; do
    rm -rf "$dir"/ab.leadstream*
    "$cli" --db "$dir/ab.leadstream" init > /dev/null
    leads=$( { /usr/bin/time -f "%e" "$cli" --db "$dir/ab.leadstream" import leads "$dir/crm-leads.csv" > /dev/null; } 2>&1 | tail -1)
    events=$( { /usr/bin/time -f "%e" "$cli" --db "$dir/ab.leadstream" import events "$dir/crm-events.csv" > /dev/null; } 2>&1 | tail -1)
    echo "$cli leads $leads s events $events s"
  done
done
rm -rf "$dir"/ab.leadstream*
