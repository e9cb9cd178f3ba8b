//! The browser half of the determinism check: the same presets, run inside headless Chromium,
//! must produce the trace hashes pinned by the native run. Also prints the engine's throughput
//! in the browser, headless (hashing) and through the page's player (not hashing): figures for
//! the report, never a pass/fail threshold.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use faultline_core::headless;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn preset_trace_hashes_in_the_browser_match_the_native_golden_file() {
    let golden: BTreeMap<String, String> = serde_json::from_str(include_str!("golden/trace_hashes.json")).unwrap();
    assert!(!golden.is_empty());
    for (name, expected) in &golden {
        let json = headless::preset_json(name).unwrap_or_else(|| panic!("preset {name} missing in the wasm build"));
        let report = headless::run_json(&json, None).unwrap();
        assert_eq!(&format!("{} events {}", report.trace_hash, report.events), expected, "preset {name}");
    }
}

#[wasm_bindgen_test]
fn engine_throughput_in_the_browser() {
    // A breaker preset: thousands of events, messages, timers and faults. Timed on both paths,
    // like `core/benches/engine.rs`: a headless run (every event serialised and hashed) and the
    // page's player (the last 400 typed entries kept, nothing serialised or hashed).
    let name = "breaker-outage";
    let json = headless::preset_json(name).unwrap();
    let start = js_sys::Date::now();
    let mut events = 0u64;
    let mut runs = 0;
    while runs < 3 || js_sys::Date::now() - start < 1_000.0 {
        events += headless::run_json(&json, None).unwrap().events;
        runs += 1;
    }
    let seconds = (js_sys::Date::now() - start) / 1000.0;
    assert!(events > 0);
    console_log!("BENCH browser engine: {:.0} events/s ({runs} runs of preset {name})", events as f64 / seconds);

    use faultline_core::patterns::breaker::BreakerSim;
    use faultline_core::player::Player;
    // The page's `TRACE_RETAIN` (src/web/frame.rs).
    const BROWSER_TRACE_RETAIN: usize = 400;
    let scenario = faultline_core::scenario::scenario_from_json::<BreakerSim>(&json).unwrap();
    let start = js_sys::Date::now();
    let mut events = 0u64;
    let mut runs = 0;
    while runs < 3 || js_sys::Date::now() - start < 1_000.0 {
        let mut player = Player::new(scenario.clone(), BROWSER_TRACE_RETAIN).unwrap();
        player.seek(u64::MAX);
        assert_eq!(player.sim().trace().hash_hex(), None, "the player does not hash");
        events += player.sim().trace().count();
        runs += 1;
    }
    let seconds = (js_sys::Date::now() - start) / 1000.0;
    assert!(events > 0);
    console_log!(
        "BENCH browser player: {:.0} events/s ({runs} player runs of preset {name}, retain {BROWSER_TRACE_RETAIN}, no hash)",
        events as f64 / seconds
    );
}

#[wasm_bindgen_test]
fn pbs_monte_carlo_trials_per_second_in_the_browser() {
    use faultline_core::patterns::quorum::pbs::{parse_latency_model, PbsConfig, PbsRun, WritePropagation};
    let config = PbsConfig {
        n: 3,
        r: 1,
        w: 1,
        latency: parse_latency_model("lnkd-disk").unwrap(),
        t_ms: vec![0.0, 1.0, 10.0, 100.0],
        trials: 1_000_000,
        seed: 7,
        write_propagation: WritePropagation::AllReplicas,
    };
    let mut run = PbsRun::new(config).unwrap();
    let start = js_sys::Date::now();
    let mut chunks = 0;
    // The page runs PBS in chunks like these between frames, so it never freezes.
    while run.run_trials(50_000) > 0 {
        chunks += 1;
    }
    let seconds = (js_sys::Date::now() - start) / 1000.0;
    let report = run.report();
    assert_eq!(report.trials_run, 1_000_000);
    assert!(report.staleness_curve[0].p_consistent < report.staleness_curve[3].p_consistent);
    console_log!("BENCH browser PBS: 10^6 trials (N=3, R=W=1, LNKD-DISK) in {seconds:.3} s = {:.0} trials/s, {chunks} chunks of 50k", 1e6 / seconds);
}
