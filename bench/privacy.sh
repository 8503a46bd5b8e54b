#!/usr/bin/env bash
# Erasure of one person and a retention run (dry run, then delete) on a copy
# of a large workspace, with the release CLI: wall time and peak memory.
#
#   cargo build --release -p leadstream-cli
#   LEADSTREAM_CLI=target/release/leadstream bash bench/privacy.sh /tmp/bench/1m.leadstream /tmp/privacy-bench
#
# WORKSPACE may also be a number of leads: the workspace is then generated
# with `demo --leads N` (for machines without room for a 1M copy: each
# erasure and retention run also writes a whole backup beside it, so a 1.4 GB
# workspace needs about 4.5 GB free).
# The workspace is copied first (opening it with newer code migrates it);
# the first open (migration, score refresh) is timed apart.
set -euo pipefail
source_db="${1:?usage: privacy.sh WORKSPACE|LEADS WORKDIR}"
workdir="${2:?usage: privacy.sh WORKSPACE|LEADS WORKDIR}"
cli="${LEADSTREAM_CLI:-target/release/leadstream}"
t() { /usr/bin/time -f "  %e s wall, %M KB peak" "$@"; }
mkdir -p "$workdir"
db="$workdir/bench.leadstream"
rm -rf "$db" "$db-wal" "$db-shm" "$db-backups"
if [[ "$source_db" =~ ^[0-9]+$ ]]; then
  echo "demo --leads $source_db:"
  t "$cli" demo --db "$db" --leads "$source_db" > /dev/null
else
  cp "$source_db" "$db"
  for suffix in -wal -shm; do
    if [ -f "$source_db$suffix" ]; then cp "$source_db$suffix" "$db$suffix"; fi
  done
fi
echo "first open (migration, score refresh):"
t "$cli" --db "$db" imports list > /dev/null
leads=$("$cli" --db "$db" leads count 2>/dev/null || true)
echo "leads: ${leads:-?}; file: $(du -h "$db" | cut -f1)"
email=$(sqlite3 "$db" "SELECT email FROM leads WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET 1000")
echo "person export (JSON) of one lead:"
t "$cli" --db "$db" person export "$email" -o "$workdir/person.json" > /dev/null
echo "person erase of one lead (backup first, then erasure in the workspace and in that backup):"
t "$cli" --db "$db" person erase "$email" --yes > /dev/null
echo "retention dry run, 12 months:"
t "$cli" --db "$db" retention run --inactive-months 12 --dry-run | head -1
echo "retention run, 12 months, delete (backup first):"
t "$cli" --db "$db" retention run --inactive-months 12 | head -1
