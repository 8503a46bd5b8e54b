#!/usr/bin/env bash
# The erasure of one person and a retention run (delete, 12 months) at 1M
# leads, then the six-condition count of bench/segments.sh and a quick
# search in fresh processes, for one or more builds in turn: how long each
# write takes with what follows it (the backup before, the score run and
# segment history after), how many derived parts the file holds after, and
# how long the next fresh process needs to count and to search (it loads
# the parts, or builds them from SQL).
# Usage: bench/privacy-next.sh WORKSPACE SIX_JSON CLI...
#   WORKSPACE  a 1M-lead demo workspace whose parts and search keys are
#              stored (as for bench/merge.sh)
#   SIX_JSON   the six-condition segment (bench/segments.sh writes WORKDIR/six.json)
# Each build runs on a fresh copy of WORKSPACE beside it (about 2 GB, and
# as much again for each backup taken first). Needs sqlite3.
# BESIDE=1 keeps a sqlite3 shell's connection open on the copy during the
# erasure and the retention run, as the app's connections are: each then
# has its backup copied beside it instead of the file's bytes copied first.
set -euo pipefail
db=${1:?usage: bench/privacy-next.sh WORKSPACE SIX_JSON CLI...}
six=${2:?six.json}
shift 2
dir=$(dirname "$db")
copy=$dir/privacy-bench.leadstream
trap 'rm -rf "$copy" "$copy"-* "$dir"/privacy-bench.leadstream.backups' EXIT
source "$(dirname "$0")/next-reads.sh"
# With BESIDE=1, a shell holds the copy open from `hold` to `release`.
holder=""
hold() {
  if [ "${BESIDE:-0}" = 1 ]; then
    exec {holder}> >(sqlite3 "$copy" > /dev/null)
    echo "SELECT count(*) FROM leads;" >&"$holder"
    sleep 2
  fi
}
release() {
  # The shell reads the end of its input, and closes the file.
  if [ -n "$holder" ]; then exec {holder}>&-; holder=""; sleep 1; fi
}
uptime
for cli in "$@"; do
  echo "== $cli"
  rm -rf "$copy" "$copy"-* "$dir"/privacy-bench.leadstream.backups
  cp "$db" "$copy"
  sync
  email=$(sqlite3 "$copy" "SELECT email FROM leads WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET 1000")
  echo "parts before: $(parts)"
  hold
  started=$(date +%s%N)
  "$cli" --db "$copy" person erase "$email" --yes > /dev/null
  echo "person erase (backup, erasure here and in the backup, score run, history): $(ms "$started") ms; parts after: $(parts)"
  release
  next_reads
  rm -rf "$dir"/privacy-bench.leadstream.backups
  hold
  started=$(date +%s%N)
  summary=$("$cli" --db "$copy" retention run --inactive-months "${MONTHS:-12}" | head -1)
  echo "retention run (backup, delete, score run, history): $(ms "$started") ms; parts after: $(parts); $summary"
  release
  next_reads
done
