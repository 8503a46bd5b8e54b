#!/usr/bin/env bash
# Builds the UI and then the desktop app (debug profile, UI embedded) and the
# CLI. The UI must exist before cargo compiles the shell: Tauri embeds ui/dist.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ui && npm run --silent build)
cargo build -p leadstream-app --features custom-protocol
cargo build -p leadstream-cli
