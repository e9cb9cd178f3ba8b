#!/usr/bin/env bash
# Release build of the site into dist/ (Trunk, offline, wasm-opt -Oz) and its size report.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"
if [ -n "${FAULTLINE_WASM_CARGO_ENV:-}" ]; then
    env "$FAULTLINE_WASM_CARGO_ENV" trunk build --release --offline
else
    trunk build --release --offline
fi
mkdir -p target/reports
{
    echo "Faultline transfer size (gzip -9), toolchain $FAULTLINE_TOOLCHAIN, $(date -u +%Y-%m-%d)"
    total=0
    for f in dist/faultline_bg.wasm dist/faultline.js dist/faultline.css; do
        raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
        printf '  %-24s %8d bytes raw  %8d bytes gzip\n' "$(basename "$f")" "$raw" "$gz"
    done
    printf '  %-24s %8s            %8d bytes gzip (%d KB; budget 250 KB with all five widgets)\n' "total" "" "$total" $((total / 1024))
} | tee target/reports/size.txt
