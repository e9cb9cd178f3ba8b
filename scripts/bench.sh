#!/usr/bin/env bash
# Benchmarks and figures (never pass/fail): engine events/s natively and in headless Chromium
# on the same scenario, ring lookups against a crates.io ring and a raw binary search, PBS
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
{
    echo "Engine throughput, same scenario (events/s):"
    echo "  native : $(grep -A3 '^engine/' target/reports/bench-engine.txt | grep -o 'thrpt:.*' | head -1)"
    echo "  browser: $(grep -o 'BENCH browser engine: .*' target/reports/bench-browser.txt | head -1)"
    echo "Ring lookups and PBS trials: see bench-ring.txt and bench-pbs.txt"
} | tee target/reports/bench.txt
