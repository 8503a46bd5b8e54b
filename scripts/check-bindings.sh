#!/usr/bin/env bash
# Fails when the committed TypeScript bindings (ui/src/bindings) differ from
# what ts-rs generates from the Rust types now: regenerates them into a
# temporary folder and compares, so stale, changed and missing files all count.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
TS_RS_EXPORT_DIR="$fresh" cargo test --quiet -p leadstream-core export_bindings >/dev/null
if ! diff -r "$fresh" ui/src/bindings; then
  echo "error: ui/src/bindings is out of date. Run 'cargo test -p leadstream-core export_bindings' and commit the result." >&2
  exit 1
fi
echo "bindings match the Rust types ($(ls "$fresh" | wc -l) files)"
