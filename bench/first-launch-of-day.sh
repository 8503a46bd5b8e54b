#!/usr/bin/env bash
# The app's first launch of a new day, for one or more release apps run in
# alternation. Each launch gets a fresh copy of WORKSPACE as a workspace
# last used yesterday looks: its scores run by CLI as of the end of
# yesterday (UTC), its segment index's parts stored by a `segment list`,
# then the last run's `ran_at` moved back a day and today's snapshots
# removed with the sqlite3 shell (neither is data the index reads). Then
# bench/first-launch-of-day.mjs launches APP on it with the page cache
# dropped.
# Usage: bench/first-launch-of-day.sh WORKSPACE ROUNDS CLI APP...
set -euo pipefail
workspace=$(realpath "$1") rounds=$2 cli=$(realpath "$3")
shift 3
yesterday_ends="$(date -u -d yesterday +%F)T23:59:59Z"
work=$(mktemp -d "${TMPDIR:-/tmp}/first-launch.XXXXXX")
trap 'rm -rf "$work"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
for round in $(seq "$rounds"); do
  for app in "$@"; do
    rm -rf "$work"/w.leadstream*
    cp "$workspace" "$work/w.leadstream"
    "$cli" --db "$work/w.leadstream" score run --as-of "$yesterday_ends" > /dev/null
    "$cli" --db "$work/w.leadstream" segment list > /dev/null
    sqlite3 "$work/w.leadstream" "
      UPDATE settings SET value = json_set(value, '\$.ran_at', json_extract(value, '\$.ran_at') - 86400)
       WHERE key = 'score_last_run';
      DELETE FROM segment_snapshots WHERE taken_at >= strftime('%s', 'now', 'start of day');"
    sync
    result=$(LEADSTREAM_APP=$(realpath "$app") xvfb-run -a --server-args="-screen 0 1280x800x24" \
      node "$here/first-launch-of-day.mjs" "$work/w.leadstream" 2>/dev/null | grep -E "leads: first rows" || echo "failed")
    echo "round $round $app: $result"
  done
done
