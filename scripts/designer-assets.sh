#!/usr/bin/env bash
# The workflow designer's browser assets: installs bpmn-js (pinned in package-lock.json) with
# 'npm ci' when the lock file changed since the last copy, and copies its distribution into
# src/medtrace/static/vendor/bpmn-js/ (gitignored), served from the app's own /static path.
# Without node the app still runs; the designer page then says how to install its assets.
set -u
cd "$(dirname "$0")/.."
target=src/medtrace/static/vendor/bpmn-js
stamp="$target/.installed"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
   && [ -f "$target/bpmn-modeler.production.min.js" ]; then
  exit 0
fi
if ! scripts/ensure-node.sh; then
  echo "the workflow designer's assets are not installed (see README, 'The designer')" >&2
  exit 0
fi
set -e
if [ ! -f node_modules/.package-lock.json ] \
   || ! cmp -s <(sha256sum package-lock.json | cut -d' ' -f1) node_modules/.medtrace-lock; then
  npm ci --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.medtrace-lock
fi
dist=node_modules/bpmn-js/dist
rm -rf "$target"
mkdir -p "$target/assets"
cp "$dist/bpmn-modeler.production.min.js" "$target/"
cp "$dist/assets/diagram-js.css" "$dist/assets/bpmn-js.css" "$target/assets/"
cp -r "$dist/assets/bpmn-font" "$target/assets/"
cp node_modules/bpmn-js/LICENSE "$target/LICENSE" 2>/dev/null || true
echo "$want" > "$stamp"
echo "workflow designer assets copied to $target" >&2
