#!/usr/bin/env bash
# Benchmarks and figures (never pass/fail): engine events/s natively and in headless Chromium
# on the same scenario, on both paths (headless runs that hash every event, and the page's
# player that does not), ring lookups against a crates.io ring and a raw binary search, PBS
# Monte Carlo trials/s. Writes target/reports/bench.txt.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"
"$FAULTLINE_ROOT/scripts/setup.sh"
mkdir -p target/reports
quick=(-- --warm-up-time 1 --measurement-time 3)
cargo bench -p faultline-core --bench engine "${quick[@]}" 2>&1 | tee target/reports/bench-engine.txt
export CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
wasm_cargo test --release --target wasm32-unknown-unknown --test determinism_wasm -- --nocapture 2>&1 | tee target/reports/bench-browser.txt
cargo bench -p faultline-core --bench ring_lookup "${quick[@]}" 2>&1 | tee target/reports/bench-ring.txt
cargo bench -p faultline-core --bench pbs "${quick[@]}" 2>&1 | tee target/reports/bench-pbs.txt
# The page benchmark needs the built site: drag sliders, report the longest frame.
[ -f dist/index.html ] || "$FAULTLINE_ROOT/scripts/build.sh"
node scripts/page-bench.mjs 2>&1 | tee target/reports/bench-page.txt
# Events/s of one criterion case (the middle of its `thrpt:` estimate), empty if it did not run.
native_eps() {
    grep -A3 "^engine/$1 " target/reports/bench-engine.txt | grep -o 'thrpt:.*' | head -1 |
        awk '{ m = ($5 ~ /^G/) ? 1e9 : ($5 ~ /^M/) ? 1e6 : ($5 ~ /^K/) ? 1e3 : 1; printf "%.0f", $4 * m }' || true
}
# Events/s of one `BENCH browser NAME: N events/s` line, empty if the browser run did not print it.
browser_eps() {
    grep -o "BENCH browser $1: [0-9.]*" target/reports/bench-browser.txt | head -1 | awk '{ printf "%.0f", $4 }' || true
}
ratio() {
    awk -v b="$1" -v n="$2" 'BEGIN { if (b > 0 && n > 0) printf "%.2f", b / n; else printf "n/a" }'
}
# Native (criterion) and browser (`tests/determinism_wasm.rs`) figures for one path.
engine_path() {
    local native browser
    native=$(native_eps "$2")
    browser=$(browser_eps "$3")
    echo "  $1"
    echo "    native : ${native:-n/a} events/s"
    echo "    browser: ${browser:-n/a} events/s (wasm/native $(ratio "${browser:-0}" "${native:-0}"))"
}
{
    echo "Engine throughput, preset breaker-outage (events/s):"
    engine_path "headless (every event serialised and hashed: faultline run, the golden tests):" headless engine
    engine_path "player (the page's path: last 400 typed entries kept, no JSON, no hash):" player player
    echo "Dragging sliders across their range in Chromium (1280×800):"
    grep '^PAGE' target/reports/bench-page.txt | sed 's/^PAGE /  /' || echo "  n/a"
    echo "Ring lookups and PBS trials: see bench-ring.txt and bench-pbs.txt"
} | tee target/reports/bench.txt
