//! Engine throughput: simulated events per second on a preset scenario, on both paths a run
//! takes. `headless` is `faultline run` (every event serialised and hashed); `player` is the
//! browser's (a [`Player`] keeping the last 400 typed entries for the event log, no hashing).
//! The same scenario is timed in headless Chromium by `tests/determinism_wasm.rs`;
//! `scripts/bench.sh` prints both.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use faultline_core::headless;
use faultline_core::patterns::breaker::BreakerSim;
use faultline_core::player::Player;
use faultline_core::scenario::scenario_from_json;

/// The browser's `TRACE_RETAIN` (`src/web/frame.rs`).
const BROWSER_TRACE_RETAIN: usize = 400;

fn engine_throughput(c: &mut Criterion) {
    // A breaker preset: thousands of events, messages, timers and faults.
    let name = "breaker-outage";
    let json = headless::preset_json(name).expect("preset exists");
    let events = headless::run_json(&json, None).expect("preset runs").events;
    let scenario = scenario_from_json::<BreakerSim>(&json).expect("a breaker preset");
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(events));
    group.bench_function(format!("headless preset {name} ({events} events)"), |b| {
        b.iter(|| headless::run_json(std::hint::black_box(&json), None).unwrap().events)
    });
    group.bench_function(format!("player preset {name} ({events} events)"), |b| {
        b.iter(|| {
            let mut player = Player::new(std::hint::black_box(scenario.clone()), BROWSER_TRACE_RETAIN).unwrap();
            player.seek(u64::MAX);
            assert_eq!(player.sim().trace().count(), events, "both paths process the same events");
            player.sim().trace().count()
        })
    });
    group.finish();
}

criterion_group!(benches, engine_throughput);
criterion_main!(benches);
