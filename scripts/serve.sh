#!/usr/bin/env bash
# Installs whatever is missing, then serves the playground on http://127.0.0.1:8080
# (rebuilding on change). The embedding demo is at http://127.0.0.1:8080/demo.html.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"
"$FAULTLINE_ROOT/scripts/setup.sh"
log "serving on http://127.0.0.1:8080 (Ctrl-C to stop)"
if [ -n "${FAULTLINE_WASM_CARGO_ENV:-}" ]; then
    exec env "$FAULTLINE_WASM_CARGO_ENV" trunk serve --release --offline --address 127.0.0.1 --port 8080
else
    exec trunk serve --release --offline --address 127.0.0.1 --port 8080
fi
