#!/usr/bin/env bash
# A merge of two leads and its undo at 1M leads, then the six-condition count
# of bench/segments.sh and a quick search in fresh processes, for one or more
# builds in turn: how long the merge and the undo take with what follows
# them (the backup before, the score run and segment history after), how
# many derived parts the file holds after, and how long the next fresh
# process needs to count and to search (it loads the parts, or builds them
# from SQL).
# Usage: bench/merge.sh WORKSPACE SIX_JSON CLI...
#   WORKSPACE  a 1M-lead demo workspace whose parts and search keys are
#              stored (bench/segments.sh makes WORKDIR/1m.leadstream; a
#              `segment list`, a count of SIX_JSON and a `leads search`
#              store them)
#   SIX_JSON   the six-condition segment (bench/segments.sh writes WORKDIR/six.json)
# Each build runs on a fresh copy of WORKSPACE beside it (about 2 GB, and as
# much again for the backup the merge takes first). Needs sqlite3.
# BESIDE=1 keeps a sqlite3 shell's connection open on the copy during the
# merge, as the app's connections are: the merge then writes through the
# log with its backup copied beside it, instead of in place after it.
set -euo pipefail
db=${1:?usage: bench/merge.sh WORKSPACE SIX_JSON CLI...}
six=${2:?six.json}
shift 2
copy=$(dirname "$db")/merge-bench.leadstream
trap 'rm -rf "$copy" "$copy"-* "$(dirname "$db")"/merge-bench.leadstream.backups' EXIT
source "$(dirname "$0")/next-reads.sh"
uptime
for cli in "$@"; do
  echo "== $cli"
  rm -rf "$copy" "$copy"-* "$(dirname "$db")"/merge-bench.leadstream.backups
  cp "$db" "$copy"
  sync
  echo "parts before: $(parts)"
  holder=
  if [ "${BESIDE:-0}" = 1 ]; then
    exec {holder}> >(sqlite3 "$copy" > /dev/null)
    echo "SELECT count(*) FROM leads;" >&"$holder"
    sleep 2
  fi
  started=$(date +%s%N)
  change=$("$cli" --db "$copy" leads merge 1000 2000 | sed -n 's/^change \([0-9]*\):.*/\1/p')
  echo "merge (backup, merge, score run, history): $(ms "$started") ms; parts after: $(parts)"
  # The shell reads the end of its input, and closes the file.
  if [ -n "$holder" ]; then exec {holder}>&-; sleep 1; fi
  next_reads
  started=$(date +%s%N)
  "$cli" --db "$copy" imports undo "$change" > /dev/null
  echo "undo (with score run and history): $(ms "$started") ms; parts after: $(parts)"
  next_reads
done
