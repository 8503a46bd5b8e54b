#!/usr/bin/env bash
# Lead scoring on the 1M-lead / 10M-event workspace: a 10-rule model (fit and
# engagement with a 30-day half-life, bench/scoring-model.json) scored for
# every lead (`score evaluate`: every lead scored, plus the report), a
# back-test, an explanation and suggested points, warm times from --repeat and
# the peak memory of each process. Works on a COPY of the workspace: saving
# the model writes to it.
# Usage: bench/scoring.sh SOURCE.leadstream WORKDIR
#        (after cargo build --release -p leadstream-cli; LEADSTREAM_CLI overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source=${1:-/tmp/bench/1m.leadstream}
work=${2:-bench/data/scoring}
cli=${LEADSTREAM_CLI:-target/release/leadstream}
mkdir -p "$work"
db="$work/scoring.leadstream"
if [ ! -s "$db" ]; then
  for suffix in "" -wal -shm; do
    if [ -e "$source$suffix" ]; then cp "$source$suffix" "$db$suffix"; fi
  done
fi
model=$("$cli" --db "$db" score model list --json | grep -c '"Fit and engagement (10 rules)"' || true)
if [ "$model" = 0 ]; then
  id=$("$cli" --db "$db" score model save bench/scoring-model.json)
  "$cli" --db "$db" score model activate "$id"
fi
timed() {
  echo "== $*"
  /usr/bin/time -f "   %e s wall, %M KiB peak RSS" "$cli" --db "$db" "$@" > "$work/last.out"
  head -4 "$work/last.out" | sed 's/^/   /'
}
timed score evaluate --outcome-field lifecycle_stage=Customer --as-of 2026-11-01 --repeat 5
timed score backtest --at 2026-08-01 --window 60 --repeat 5
timed score backtest --at 2026-08-01 --window 60 --json
timed score explain --lead 123456 --as-of 2026-11-01
timed score suggest --at 2026-08-01 --window 60
