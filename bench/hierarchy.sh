#!/usr/bin/env bash
# Times `hierarchy assign` of a 20-segment hierarchy (every built-in segment,
# behaviour and relative-date ones included) on a COPY of the 1M-lead
# benchmark workspace: run 1 is cold (a new process builds its index), runs
# 2-6 are warm. Usage: bash bench/hierarchy.sh BENCH_DIR [WORK_DIR]
# (BENCH_DIR holds 1m.leadstream; it is copied, never written).
set -euo pipefail
bench=${1:?usage: bench/hierarchy.sh BENCH_DIR [WORK_DIR]}
work=${2:-$(mktemp -d)}
bin=${LEADSTREAM_CLI:-target/release/leadstream}
cp "$bench"/1m.leadstream* "$work"/
db="$work/1m.leadstream"
ids=$("$bin" --db "$db" segment list --json --as-of 2026-11-01 | python3 -c 'import json,sys; print(",".join(str(s["segment"]["id"]) for s in json.load(sys.stdin)))')
echo "{\"name\":\"Bench: every built-in\",\"segments\":[$ids]}" > "$work/h.json"
id=$("$bin" --db "$db" hierarchy save "$work/h.json")
"$bin" --db "$db" hierarchy assign "$id" --as-of 2026-11-01 --repeat 6
