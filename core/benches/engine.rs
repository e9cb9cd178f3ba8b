//! Engine throughput: simulated events per second on a preset scenario. The same scenario is
//! timed in headless Chromium by `tests/determinism_wasm.rs`; `scripts/bench.sh` prints both.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use faultline_core::headless;

fn engine_throughput(c: &mut Criterion) {
    // A breaker preset: thousands of events, messages, timers and faults.
    let name = "breaker-outage";
    let json = headless::preset_json(name).expect("preset exists");
    let events = headless::run_json(&json, None).expect("preset runs").events;
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(events));
    group.bench_function(format!("preset {name} ({events} events)"), |b| {
        b.iter(|| headless::run_json(std::hint::black_box(&json), None).unwrap().events)
    });
    group.finish();
}

criterion_group!(benches, engine_throughput);
criterion_main!(benches);
