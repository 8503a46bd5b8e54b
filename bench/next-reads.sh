# Sourced by bench/merge.sh and bench/undo-import.sh: what a fresh process
# meets after a write, on the copy "$copy" with the build "$cli".
#   ms START_NS   milliseconds since START_NS (`date +%s%N`)
#   parts         how many derived parts the copy's file holds
#   next_reads    the six-condition count of "$six" (two runs), then a quick
#                 search for "müller" (two runs), each in a fresh process
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
parts() { sqlite3 "$copy" "SELECT count(*) FROM derived_cache"; }
next_reads() {
  local started runs
  started=$(date +%s%N)
  runs=$("$cli" --db "$copy" segment count "$six" --as-of 2026-11-01 --repeat 2 2>&1 | tr '\n' ' ')
  echo "  the next count, fresh process: $(ms "$started") ms ($runs)"
  started=$(date +%s%N)
  runs=$("$cli" --db "$copy" leads search "müller" --limit 100 --repeat 2 2>&1 >/dev/null | tr '\n' ' ')
  echo "  then a quick search, fresh process: $(ms "$started") ms ($runs)"
}
