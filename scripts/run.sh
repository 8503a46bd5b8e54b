#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and launches
# Leadstream. On first launch the app generates and opens the demo workspace.
# Pass a workspace file to open it instead: scripts/run.sh my.leadstream
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-app.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "==> No display found: starting a virtual one (Xvfb :99). Screenshot with: DISPLAY=:99 import -window root shot.png"
  Xvfb :99 -screen 0 1280x800x24 -nolisten tcp &
  export DISPLAY=:99
  sleep 1
fi
exec ./target/debug/leadstream-app "$@"
