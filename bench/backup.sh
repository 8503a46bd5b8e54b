#!/usr/bin/env bash
# Backups at 1M (issue 15): the time and size of a backup of a copy of the
# 1M-lead workspace, and of a restore, with the release CLI.
# Usage: bench/backup.sh [WORKSPACE] [CLI]
#   WORKSPACE: a 1M workspace to copy (default /tmp/bench/1m.leadstream);
#              never touched: the script works on a copy in a temporary folder.
#   CLI:       the release CLI (default target/release/leadstream).
set -euo pipefail
source_db=${1:-/tmp/bench/1m.leadstream}
cli=${2:-${CARGO_TARGET_DIR:-target}/release/leadstream}
work=$(mktemp -d "${TMPDIR:-/tmp}/leadstream-backup-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
db="$work/1m.leadstream"
cp "$source_db" "$db"
echo "workspace: $(du -h "$db" | cut -f1) ($(stat -c %s "$db") bytes)"

seconds() { local start=$1; echo "scale=2; ($(date +%s%N) - $start) / 1000000000" | bc; }

# The first open migrates the copy and refreshes scores and history: not measured.
start=$(date +%s%N); "$cli" --db "$db" leads count >/dev/null; echo "first open (migration, refresh): $(seconds "$start") s"
start=$(date +%s%N); "$cli" --db "$db" leads count >/dev/null; echo "open without a backup due: $(seconds "$start") s"

for run in 1 2; do
  start=$(date +%s%N)
  id=$("$cli" --db "$db" backup create --reason bench 2>/dev/null)
  echo "backup create #$run: $(seconds "$start") s (id $id)"
done
"$cli" --db "$db" backup list
start=$(date +%s%N); "$cli" --db "$db" backup list >/dev/null 2>&1; echo "backup list (lead count of each backup): $(seconds "$start") s"
start=$(date +%s%N)
"$cli" --db "$db" backup restore "$id" --yes
echo "backup restore (check, safety backup, copy, scores and history): $(seconds "$start") s"
du -sh "$db-backups"
