#!/usr/bin/env bash
# Fetch the Material Design Icons SVG set (npm package @mdi/svg, Apache-2.0) into data/cache/mdi/
# for the tell-tale classifier's training data (synth/telltales/mdi.py). Install-time only: nothing at
# run time needs it, and training falls back to our own drawings when it is absent. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${MDI_VERSION:-7.4.47}
DEST=data/cache/mdi
if [ -f "$DEST/package/package.json" ] && grep -q "\"version\": \"$VERSION\"" "$DEST/package/package.json"; then
  echo "fetch_mdi_icons: @mdi/svg@$VERSION already in $DEST"
  exit 0
fi
mkdir -p "$DEST"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@mdi/svg@$VERSION" --silent >/dev/null)
rm -rf "$DEST/package"
tar -xzf "$tmp"/mdi-svg-"$VERSION".tgz -C "$DEST"
echo "fetch_mdi_icons: @mdi/svg@$VERSION unpacked to $DEST/package ($(ls "$DEST/package/svg" | wc -l) icons, licence: $DEST/package/LICENSE)"
