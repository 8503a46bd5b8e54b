#!/usr/bin/env bash
# Fails when the committed TypeScript bindings (ui/src/bindings) differ from
# what ts-rs generates from the Rust types now: regenerates them into a
# temporary folder and compares, so stale, changed and missing files all
# count, and checks the folder against the last commit.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
TS_RS_EXPORT_DIR="$fresh" cargo test --quiet -p leadstream-core export_bindings >/dev/null
if ! diff -r "$fresh" ui/src/bindings; then
  echo "error: ui/src/bindings is out of date. Run 'cargo test -p leadstream-core export_bindings' and commit the result." >&2
  exit 1
fi
# `cargo test` also writes the bindings into the tree; what counts is what is
# committed, so the tree must not differ from the last commit either.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
    git status --short -- ui/src/bindings
    echo "error: ui/src/bindings differs from the committed bindings. Commit the regenerated files." >&2
    exit 1
  fi
fi
echo "bindings match the Rust types ($(ls "$fresh" | wc -l) files)"
