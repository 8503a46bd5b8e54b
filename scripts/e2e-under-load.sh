#!/usr/bin/env bash
# Runs the whole end-to-end suite RUNS times in a row (default 10) while
# stress-ng keeps every core busy, as on a laptop doing other work or a shared
# CI machine, and stops at the first failing run. A test that fails only under
# load has found a race in the app. Expects the debug app and CLI built by
# scripts/test.sh (or scripts/build-app.sh); installs stress-ng when missing.
#
#   bash scripts/e2e-under-load.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}

if ! command -v stress-ng >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends stress-ng
fi
for binary in target/debug/leadstream-app target/debug/leadstream; do
  [ -x "$binary" ] || { echo "error: $binary is missing; run scripts/test.sh first" >&2; exit 1; }
done
[ -d tests/e2e/node_modules/webdriverio ] ||
  { echo "error: tests/e2e's packages are missing; run scripts/setup.sh (or scripts/test.sh) first" >&2; exit 1; }

cores=$(nproc)
stress-ng --cpu "$cores" --timeout 0 --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null || true' EXIT
echo "stress-ng keeps $cores cores busy (pid $stress)"

export LEADSTREAM_SCREENSHOTS="$PWD/tests/e2e/screenshots"
started=$SECONDS
for ((run = 1; run <= runs; run++)); do
  rm -rf "$LEADSTREAM_SCREENSHOTS"
  run_started=$SECONDS
  if (cd tests/e2e && xvfb-run -a --server-args="-screen 0 1280x800x24" \
      node run.mjs) >"/tmp/leadstream-e2e-run-$run.log" 2>&1; then
    echo "run $run/$runs passed in $((SECONDS - run_started)) s ($(grep -E '^e2e: ' "/tmp/leadstream-e2e-run-$run.log" | tr '\n' ' '))"
  else
    echo "run $run/$runs FAILED after $((SECONDS - run_started)) s; log: /tmp/leadstream-e2e-run-$run.log; captures: $LEADSTREAM_SCREENSHOTS/failures" >&2
    grep -E '^e2e: |^✖' "/tmp/leadstream-e2e-run-$run.log" >&2 || true
    exit 1
  fi
done
echo "$runs of $runs runs passed under load in $((SECONDS - started)) s"
