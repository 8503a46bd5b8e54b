# Sourced by bench/merge.sh, bench/undo-import.sh and bench/undo-events.sh:
# what a fresh process meets after a write, on the copy "$copy" with the
# build "$cli".
#   ms START_NS   milliseconds since START_NS (`date +%s%N`)
#   parts         how many derived parts the copy's file holds
#   next_reads    the six-condition count of "$six" (two runs), then a quick
#                 search for "müller" (two runs), each in a fresh process
#   import_and_undo WHAT TABLE KIND FILE [OPTION...]
#                 `import KIND FILE OPTION...` on the copy, then `imports undo`
#                 of it, each timed and followed by next_reads; WHAT names the
#                 file's rows, TABLE is counted after the undo
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
import_and_undo() {
  local what=$1 table=$2 kind=$3 file=$4 started change
  shift 4
  started=$(date +%s%N)
  "$cli" --db "$copy" import "$kind" "$file" "$@" > /dev/null
  change=$(sqlite3 "$copy" "SELECT max(id) FROM imports")
  echo "import of $(($(wc -l < "$file") - 1)) $what (with backup, score run, history): $(ms "$started") ms; parts after: $(parts)"
  next_reads
  started=$(date +%s%N)
  "$cli" --db "$copy" imports undo "$change" > /dev/null
  echo "undo (with score run and history): $(ms "$started") ms; parts after: $(parts); $table: $(sqlite3 "$copy" "SELECT count(*) FROM $table")"
  next_reads
}
