#!/usr/bin/env bash
# The ICE table with suggestions on the 1M-lead / 10M-event workspace: the
# ranked table of every segment and stream plus every suggestion (90-day
# performance of every segment, member sets, field completeness, consent,
# content coverage), cold (run 1 loads the index) and warm (--repeat), and
# the peak memory of the process. Works on a COPY of the workspace: opening
# it migrates it and scores are set on it.
# Usage: bench/ice.sh SOURCE.leadstream WORKDIR
#        (after cargo build --release -p leadstream-cli; LEADSTREAM_CLI overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:-/tmp/bench/1m.leadstream}
work=${2:-bench/data/ice}
cli=${LEADSTREAM_CLI:-target/release/leadstream}
mkdir -p "$work"
db="$work/ice.leadstream"
if [ ! -s "$db" ]; then
  for suffix in "" -wal -shm; do
    if [ -e "$source$suffix" ]; then cp "$source$suffix" "$db$suffix"; fi
  done
fi
# The first opening migrates the copy and refreshes its scores: not timed.
"$cli" --db "$db" segment ice > /dev/null
# A few scored rows, as the demo has.
ids=$("$cli" --db "$db" segment list --json | grep -o '"id": [0-9]*' | head -5 | grep -o '[0-9]*')
n=3
for id in $ids; do
  "$cli" --db "$db" segment ice set "$id" --impact $((n + 2)) --confidence $((n + 1)) --ease $n > /dev/null
  n=$((n + 1))
done
timed() {
  echo "== $*"
  /usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$cli" --db "$db" "$@" > "$work/last.out"
  head -4 "$work/last.out" | sed 's/^/   /'
}
timed segment ice
timed segment ice --suggest --repeat 4
timed segment ice --json
