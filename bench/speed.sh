#!/usr/bin/env bash
# Issue 16's goals, each by its own benchmark, one after the other on the
# same machine (run it on an idle one: every figure is a ratio to the sqlite3
# shell or DuckDB measured in the same run, or an absolute time goal).
#   import ≤ sqlite3 .import (stretch 2× DuckDB)  bench/import.sh crm | crm-full | demo
#     and what SQLite alone needs for that import   bench/import-floor.sh crm | crm-full
#   first count, fresh process ≤ 2× sqlite3         bench/segments.sh (also segment list < 1 s)
#   warm live count < 10 ms, segment list < 1 s     bench/segments.sh
#   90-day plan warm < 1.3 s                        bench/plan.sh
#   quick search at 1M < 150 ms                     bench/search.sh
#   the app: Segments list with counts < 1 s       bench/segments-app.mjs (needs a release app)
# Usage: bench/speed.sh [WORKDIR]   after `cargo build --release -p leadstream-cli`
#        and `cargo build --release -p leadstream-app --features custom-protocol`;
#        needs sqlite3, xvfb-run, node and the duckdb Python package.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-bench/data}
mkdir -p "$work"
target=${CARGO_TARGET_DIR:-target}
export LEADSTREAM_CLI=$target/release/leadstream

for kind in crm crm-full demo; do
  echo "== import: $kind"
  bash bench/import.sh "$kind" "$work/import" "$LEADSTREAM_CLI"
done
for kind in crm crm-full; do
  echo "== import floor: $kind"
  bash bench/import-floor.sh "$kind" "$work/import" "$LEADSTREAM_CLI"
done
echo "== segment counts (cold and warm) and the segment list"
bash bench/segments.sh "$work"
echo "== 90-day plan"
bash bench/plan.sh "$work"
echo "== quick search"
cp "$work/1m.leadstream" "$work/1m-search.leadstream"
bash bench/search.sh "$work/1m-search.leadstream" "$work"
echo "== the app: Segments list with counts after the first screen (three launches)"
cp "$work/1m.leadstream" "$work/1m-app.leadstream"
# The index's parts as an import leaves them (segments.sh dropped some).
"$LEADSTREAM_CLI" --db "$work/1m-app.leadstream" segment list > /dev/null
# The first launch also counts the fields' completeness and stores it (once
# per change of the data); the next two find it stored.
for _ in 1 2 3; do
  LEADSTREAM_APP=$target/release/leadstream-app xvfb-run -a --server-args="-screen 0 1280x800x24" \
    node bench/segments-app.mjs "$work/1m-app.leadstream" 0
done
# -r: a launch that lived 30 s took its daily backup into a folder beside.
rm -rf "$work"/1m-search.leadstream* "$work"/1m-app.leadstream*
