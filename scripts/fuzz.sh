#!/usr/bin/env bash
# The long fuzz run (figures, not a gate): many mutated presets, scripts and permalinks through
# the same checks as the quick version in `cargo test` (core/tests/fuzz_bounded.rs), then the
# time the release CLI takes on a scenario of each widget just under the work cap. Writes
# target/reports/fuzz.txt. FUZZ_CASES sets the number of cases per property (default 20000).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FAULTLINE_ROOT"
"$FAULTLINE_ROOT/scripts/setup.sh"
mkdir -p target/reports target/tmp/fuzz
cases=${FUZZ_CASES:-20000}
report=target/reports/fuzz.txt
{
    echo "Faultline fuzz run, $(date -u +%Y-%m-%dT%H:%MZ), $cases cases per property"
    echo
} > "$report"
start=$(date +%s)
FUZZ_CASES=$cases cargo test --release -p faultline-core --test fuzz_bounded 2>&1 | tee target/tmp/fuzz/test.txt
echo "properties: $(grep -o 'test result: .*' target/tmp/fuzz/test.txt) in $(( $(date +%s) - start )) s" >> "$report"

# Scenarios near the cap: how long the worst accepted run of each widget takes natively.
cargo build --quiet --release --bin faultline
cli=target/release/faultline
[ -n "${CARGO_TARGET_DIR:-}" ] && cli="$CARGO_TARGET_DIR/release/faultline"
near_cap() { # name preset node-script-editing-s
    "$cli" preset "$2" > target/tmp/fuzz/base.json
    node -e "const fs=require('fs'); const s=JSON.parse(fs.readFileSync('target/tmp/fuzz/base.json')); delete s.moments; $3; fs.writeFileSync('target/tmp/fuzz/$1.json', JSON.stringify(s))"
    local t0 t1 out
    t0=$(date +%s%N)
    out=$("$cli" run "target/tmp/fuzz/$1.json" 2>&1 | grep -E '"events"|faultline:' | tr -d ' ,' | head -1)
    t1=$(date +%s%N)
    printf '  %-34s %8d ms  %s\n' "$1" $(( (t1 - t0) / 1000000 )) "$out" >> "$report"
}
echo >> "$report"
echo "near the 2 000 000-event cap (release CLI; a browser takes about 2x):" >> "$report"
near_cap breaker-1000rps-158s breaker-outage "s.params.requests_per_second=1000; s.duration_ms=158000"
near_cap quorum-9-replicas-2000ops-21s quorum-strict "Object.assign(s.params,{replicas:9,n:9,r:5,w:5,writes_per_second:1000,reads_per_second:1000,timeout_ms:1,hint_retry_ms:60000}); s.faults=[]; s.actions=[]; s.duration_ms=21600"
near_cap ring-200k-tokens-118-weights ring-vnodes "Object.assign(s.params,{nodes:200,vnodes:1000,keys:10000000}); s.actions=Array.from({length:118},(_,i)=>({at_ms:1+i/1000,command:{kind:'set_weight',node:i%200,weight:500+i}}))"
cat "$report"
