#!/usr/bin/env bash
# A restore and a passphrase change at 1M leads, then the six-condition count
# of bench/segments.sh in a fresh process, for one or more builds in turn:
# how long each takes with what follows it (the restore's score run and
# segment history), how many parts the file holds after, and whether the
# next count loads them or rebuilds the index from SQL.
# Usage: bench/restore-and-passphrase.sh WORKSPACE SIX_JSON CLI...
#   WORKSPACE  a 1M-lead demo workspace (bench/segments.sh makes WORKDIR/1m.leadstream)
#   SIX_JSON   the six-condition segment (bench/segments.sh writes WORKDIR/six.json)
# Each step runs on a fresh copy of WORKSPACE beside it (about 2 GB, and as
# much again for each backup: the daily one, and the one restored). Needs sqlite3.
set -euo pipefail
db=${1:?usage: bench/restore-and-passphrase.sh WORKSPACE SIX_JSON CLI...}
six=${2:?six.json}
shift 2
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
copy=$(dirname "$db")/restore-bench.leadstream
trap 'rm -rf "$copy" "$copy"-*' EXIT
uptime
for cli in "$@"; do
  echo "== $cli"
  rm -rf "$copy" "$copy"-*; cp "$db" "$copy"
  backup=$("$cli" --db "$copy" backup create --reason bench 2> /dev/null)
  started=$(date +%s%N)
  "$cli" --db "$copy" backup restore "$backup" --yes > /dev/null
  echo "restore and what follows: $(ms "$started") ms; parts after: $(sqlite3 "$copy" "SELECT count(*) FROM derived_cache")"
  started=$(date +%s%N)
  runs=$("$cli" --db "$copy" segment count "$six" --as-of 2026-11-01 --repeat 2 2>&1 | tr '\n' ' ')
  echo "  the next count, fresh process: $(ms "$started") ms ($runs)"
  rm -rf "$copy" "$copy"-*; cp "$db" "$copy"
  started=$(date +%s%N)
  LEADSTREAM_NEW_PASSPHRASE='bench passphrase 1' "$cli" --db "$copy" passphrase set > /dev/null
  echo "passphrase set: $(ms "$started") ms"
  started=$(date +%s%N)
  runs=$(LEADSTREAM_PASSPHRASE='bench passphrase 1' "$cli" --db "$copy" segment count "$six" --as-of 2026-11-01 --repeat 2 2>&1 | tr '\n' ' ')
  echo "  the next count, fresh process: $(ms "$started") ms ($runs)"
done
