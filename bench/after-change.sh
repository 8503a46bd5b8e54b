#!/usr/bin/env bash
# What follows a change in a big workspace, for one or more builds run in
# alternation (this machine's speed drifts, so compare within a round):
#  - import: 1M events into a copy of the 1M-lead demo workspace; prints the
#    import transaction, what follows it (scores re-run, segment history) and
#    the whole command with its peak memory;
#  - day: the first `segment list` of a new day on another copy (the scores
#    made a day old and today's snapshots removed, so opening re-runs the
#    scores and records the day's history before the list is counted), then
#    the next process's list. A day's decay is stood in for by moving every
#    stored engagement score by 0.001 (and dropping the score columns' cached
#    parts, which sqlite3 does not know to drop), so that the re-run, as of
#    the same end of today, rewrites every lead as a real new day does;
#  - fixes: on another copy, `fix normalise country` then `fix normalise
#    industry` (each re-runs the scores and records the segment history, as
#    in the app), the undo of the second, then the next process's list.
# Usage: bench/after-change.sh WORKSPACE EVENTS_CSV ROUNDS CLI...
#   WORKSPACE   a 1M-lead demo workspace with its scoring model active
#               (bench/segments.sh makes one: WORKDIR/1m.leadstream)
#   EVENTS_CSV  events to import, e.g. the first 1M rows of bench/import.sh demo's
#               events.csv: head -1000001 WORKDIR/events.csv > ev1m.csv
set -euo pipefail
workspace=$(realpath "$1") events=$(realpath "$2") rounds=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/after-change.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy() { rm -rf "$work"/w.leadstream*; cp "$workspace" "$work/w.leadstream"; sync; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
for round in $(seq "$rounds"); do
  for cli in "$@"; do
    name=$(basename "$cli")
    copy
    timings=$( { LEADSTREAM_IMPORT_TIMINGS=1 /usr/bin/time -f "whole %e s, peak %M KiB" \
      "$cli" --db "$work/w.leadstream" import events "$events" --json > /dev/null; } 2>&1 |
      grep -E '^(timings|whole)' | tr '\n' ' ')
    echo "round $round $name import: $timings"
    copy
    sqlite3 "$work/w.leadstream" "
      UPDATE settings SET value = json_set(value, '\$.ran_at', json_extract(value, '\$.ran_at') - 200000)
       WHERE key = 'score_last_run';
      UPDATE leads SET score_engagement = score_engagement + 0.001 WHERE score_engagement IS NOT NULL;
      DELETE FROM derived_cache WHERE name LIKE 'segment-index/v1/field/score_%';
      DELETE FROM segment_snapshots WHERE taken_at >= strftime('%s', 'now', 'start of day');"
    first=$( { /usr/bin/time -f "%e s, peak %M KiB" "$cli" --db "$work/w.leadstream" segment list > /dev/null; } 2>&1 | tail -n1)
    next=$( { /usr/bin/time -f "%e s" "$cli" --db "$work/w.leadstream" segment list > /dev/null; } 2>&1 | tail -n1)
    echo "round $round $name day: first list of the day $first; next process $next"
    copy
    fixes=""
    for field in country industry; do
      fixes+="$field $( { /usr/bin/time -f "%e s, peak %M KiB" "$cli" --db "$work/w.leadstream" fix normalise "$field" > "$work/fix.out"; } 2>&1 | tail -n1); "
    done
    last=$(sed -n 's/.*`imports undo \([0-9]*\)`.*/\1/p' "$work/fix.out")
    fixes+="undo of the industry fix $( { /usr/bin/time -f "%e s" "$cli" --db "$work/w.leadstream" imports undo "$last" > /dev/null; } 2>&1 | tail -n1); "
    next=$( { /usr/bin/time -f "%e s" "$cli" --db "$work/w.leadstream" segment list > /dev/null; } 2>&1 | tail -n1)
    echo "round $round $name fixes: $fixes""next process's list $next"
  done
done
