#!/usr/bin/env bash
# Installs whatever is missing, builds the site (scripts/build.sh) and serves dist/ on
# http://127.0.0.1:8080. The embedding demo is at http://127.0.0.1:8080/demo.html.
# Run it again after a change (each widget is its own bundle, so one Trunk watcher cannot
# rebuild them all).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"
"$FAULTLINE_ROOT/scripts/setup.sh"
"$FAULTLINE_ROOT/scripts/build.sh"
log "serving dist/ on http://127.0.0.1:8080 (Ctrl-C to stop)"
exec node --input-type=module -e 'const h = await import(process.argv[1]); await h.serve(8080);' "$FAULTLINE_ROOT/tests/e2e/harness.mjs"
