#!/usr/bin/env bash
# Builds the release .deb (icon and app metadata from src-tauri/tauri.conf.json)
# with the Tauri CLI pinned in ui/package.json, and prints its size and
# installed size.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd ui && npm run --silent build)
ui/node_modules/.bin/tauri build --bundles deb --config '{"build":{"beforeBuildCommand":""}}'
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
echo "built $deb"
echo "file size: $(du -h "$deb" | cut -f1)"
echo "installed size: $(dpkg-deb -f "$deb" Installed-Size) KiB"
