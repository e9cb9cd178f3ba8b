//! Every preset scenario's trace hash is pinned in `tests/golden/trace_hashes.json`. The same
//! file is checked inside headless Chromium (`tests/determinism_wasm.rs`), so a pass on both
//! means native and browser runs are byte-identical.
//!
//! After an intended behaviour change: `UPDATE_GOLDEN=1 cargo test --test determinism_native`.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use faultline_core::headless;

fn current_hashes() -> BTreeMap<String, String> {
    headless::presets()
        .into_iter()
        .map(|p| {
            let json = headless::preset_json(&p.name).expect("listed preset exists");
            let report = headless::run_json(&json, None).unwrap_or_else(|e| panic!("preset {} fails: {e}", p.name));
            (p.name, format!("{} events {}", report.trace_hash, report.events))
        })
        .collect()
}

#[test]
fn preset_trace_hashes_match_the_golden_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/trace_hashes.json");
    let current = current_hashes();
    assert!(!current.is_empty(), "there are presets to pin");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, serde_json::to_string_pretty(&current).unwrap() + "\n").unwrap();
    }
    let golden: BTreeMap<String, String> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(current, golden, "trace hashes changed; if intended, rerun with UPDATE_GOLDEN=1");
}

#[test]
fn running_twice_gives_the_same_hash_and_a_different_seed_a_different_one() {
    // A preset that draws random numbers from the scenario seed (the ring's default workload,
    // `key-0 ..`, uses no randomness at all, so its trace does not depend on the seed).
    let json = headless::preset_json("breaker-outage").unwrap();
    let a = headless::run_json(&json, None).unwrap();
    let b = headless::run_json(&json, None).unwrap();
    assert_eq!(a.trace_hash, b.trace_hash);
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["seed"] = serde_json::json!(a.seed + 1);
    let c = headless::run_json(&value.to_string(), None).unwrap();
    assert_ne!(a.trace_hash, c.trace_hash);
}
