#!/usr/bin/env bash
# The README's test command, and all that CI runs: installs what is missing,
# then formatting, lints, Rust tests, the IPC bindings drift check, UI type
# checks, lint and unit tests, and the end-to-end tests of the real app window under
# Xvfb. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
started=$SECONDS
step() { printf '\n==> [%4ss] %s\n' "$((SECONDS - started))" "$*"; }

step "Installing what is missing"
bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "Building the UI (the shell embeds it)"
(cd ui && npm run --silent build)

step "cargo clippy (whole workspace, warnings are errors)"
cargo clippy --workspace --all-targets --features leadstream-app/custom-protocol -- -D warnings

step "IPC bindings drift check (ts-rs)"
bash scripts/check-bindings.sh

step "cargo test"
cargo test --workspace --exclude leadstream-app

step "cargo test of the shell's own unit tests (state, path allowlist)"
cargo test -p leadstream-app --features custom-protocol

step "UI: tsc --noEmit"
(cd ui && npx --yes tsc --noEmit)

step "UI: ESLint (typescript-eslint, hooks rules, only ipc.ts imports @tauri-apps)"
(cd ui && npm run --silent lint)

step "UI: Prettier (formatting)"
(cd ui && npm run --silent format:check)

step "UI: vitest"
(cd ui && npx --yes vitest run)

step "Building the app and CLI for the end-to-end tests"
cargo build -p leadstream-app --features custom-protocol
cargo build -p leadstream-cli

step "End-to-end tests of the real window (tauri-driver + WebKitWebDriver, Xvfb)"
export LEADSTREAM_SCREENSHOTS="$PWD/tests/e2e/screenshots"
rm -rf "$LEADSTREAM_SCREENSHOTS"
echo "Screenshots go to $LEADSTREAM_SCREENSHOTS"
if ! (cd tests/e2e && xvfb-run -a --server-args="-screen 0 1280x800x24" node run.mjs); then
  echo "End-to-end tests failed. Screenshots and the window's text of each failing test: $LEADSTREAM_SCREENSHOTS/failures" >&2
  ls -1 "$LEADSTREAM_SCREENSHOTS/failures" 2>/dev/null >&2 || true
  # A window that vanished: how the app ended and what it said last.
  for log in "$LEADSTREAM_SCREENSHOTS"/failures/*.log; do
    [ -e "$log" ] && { echo "--- $log" >&2; tail -n 25 "$log" >&2; }
  done
  exit 1
fi

step "All checks passed in $((SECONDS - started)) s"
