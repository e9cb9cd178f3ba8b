//! The live stampede model: each protection does what its reference promises, and bad input
//! gets one line naming the field.

use faultline_core::engine::{Fault, Latency, NetworkConfig, Simulation};
use faultline_core::headless;
use faultline_core::patterns::stampede::{DbParams, LockScope, Protection, StampedeMetrics, StampedeParams, StampedeSim};
use faultline_core::scenario::{Scenario, TimedFault};

fn hot(protection: Protection) -> StampedeParams {
    StampedeParams {
        requests_per_second: 300.0,
        keys: 1,
        app_servers: 4,
        ttl_ms: 1_000.0,
        recompute: Latency::Constant { ms: 100.0 },
        db: DbParams { concurrency: 128, queue_limit: 1_000, timeout_ms: 1_000.0 },
        protection,
        ..StampedeParams::default()
    }
}

fn run(params: StampedeParams, ms: f64, faults: Vec<TimedFault>) -> StampedeMetrics {
    let mut s = Scenario::<StampedeSim>::new(3, ms, params);
    s.faults = faults;
    s.validate().unwrap();
    let mut sim = Simulation::<StampedeSim>::start(&s.params, s.seed, s.network_config(), 0);
    sim.run_until(s.duration(), &s.schedule());
    sim.metrics()
}

#[test]
fn without_protection_every_expiry_is_a_herd() {
    let m = run(hot(Protection::None), 20_000.0, vec![]);
    assert!(m.largest_herd > 15, "{m:?}");
    assert!(m.db_peak_concurrency > 15);
}

#[test]
fn a_distributed_lock_lets_exactly_one_rebuild_per_expiry() {
    let m = run(hot(Protection::Lock { scope: LockScope::Distributed, lease_ms: 2_000.0, retry_ms: 10.0, serve_stale: false }), 20_000.0, vec![]);
    assert_eq!(m.largest_herd, 1);
    assert_eq!(m.db_peak_concurrency, 1);
    assert!(m.counts.retries > 0, "the others waited");
    assert_eq!(m.counts.errors, 0);
}

#[test]
fn a_local_lock_rebuilds_at_most_once_per_server() {
    let m = run(hot(Protection::Lock { scope: LockScope::Local, lease_ms: 2_000.0, retry_ms: 10.0, serve_stale: false }), 20_000.0, vec![]);
    assert!(m.largest_herd <= 4 && m.largest_herd >= 2, "{}", m.largest_herd);
}

#[test]
fn lock_with_stale_answers_the_waiters_at_once() {
    let m = run(hot(Protection::Lock { scope: LockScope::Distributed, lease_ms: 2_000.0, retry_ms: 10.0, serve_stale: true }), 20_000.0, vec![]);
    assert_eq!(m.largest_herd, 1);
    assert!(m.counts.stale > 0);
    assert_eq!(m.counts.retries, 0, "nobody waits when a stale value exists");
}

#[test]
fn leases_give_one_token_per_expiry_and_hot_misses_retry() {
    let m = run(hot(Protection::Lease { interval_ms: 2_000.0, retry_ms: 10.0, serve_stale: false }), 20_000.0, vec![]);
    assert_eq!(m.largest_herd, 1);
    assert!(m.counts.retries > 0);
    let stale = run(hot(Protection::Lease { interval_ms: 2_000.0, retry_ms: 10.0, serve_stale: true }), 20_000.0, vec![]);
    assert!(stale.counts.stale > 0 && stale.counts.retries == 0);
}

#[test]
fn singleflight_merges_within_each_server_only() {
    let m = run(hot(Protection::Singleflight), 20_000.0, vec![]);
    assert!(m.largest_herd <= 4);
    assert!(m.counts.shared > 0);
}

#[test]
fn xfetch_recomputes_before_expiry_so_nobody_waits_for_a_miss() {
    let m = run(hot(Protection::Xfetch { beta: 1.0, singleflight: false }), 20_000.0, vec![]);
    assert!(m.counts.early_recomputes > 0);
    assert!(m.hot_key_mean_lead_ms.unwrap() > 50.0);
    // With singleflight the early recomputes of one server merge: never more than one per server.
    let sf = run(hot(Protection::Xfetch { beta: 1.0, singleflight: true }), 20_000.0, vec![]);
    assert!(sf.largest_herd <= 4);
}

#[test]
fn stale_while_revalidate_serves_stale_and_refreshes_once() {
    let m = run(hot(Protection::Swr { swr_ms: 1_000.0, sie_ms: 0.0 }), 20_000.0, vec![]);
    assert_eq!(m.counts.misses, 0, "after the warm start nobody waits");
    assert!(m.counts.stale > 0);
    assert_eq!(m.largest_herd, 1);
}

#[test]
fn stale_if_error_turns_a_db_outage_into_stale_answers() {
    let outage =
        vec![TimedFault { at_ms: 2_000.0, fault: Fault::Crash { node: 6 } }, TimedFault { at_ms: 6_000.0, fault: Fault::Restart { node: 6 } }];
    let with = run(hot(Protection::Swr { swr_ms: 200.0, sie_ms: 30_000.0 }), 10_000.0, outage.clone());
    assert_eq!(with.counts.errors, 0);
    assert!(with.counts.db_timeouts > 0);
    let without = run(hot(Protection::Swr { swr_ms: 200.0, sie_ms: 0.0 }), 10_000.0, outage);
    assert!(without.counts.errors > 100, "{:?}", without.counts);
}

#[test]
fn a_crashed_lock_holder_blocks_the_key_until_its_lease_runs_out() {
    let json = headless::preset_json("stampede-lock-holder-crash").unwrap();
    let report = headless::run_json(&json, None).unwrap();
    let m = &report.metrics;
    assert!(m["counts"]["errors"].as_u64().unwrap() > 100, "the waiters gave up");
    assert!(m["largest_herd"].as_u64().unwrap() <= 2);
}

#[test]
fn jitter_spreads_the_mass_expiry_the_unjittered_ghost_suffers() {
    let mut p = StampedeParams {
        requests_per_second: 400.0,
        keys: 200,
        ttl_ms: 5_000.0,
        recompute: Latency::Exponential { mean_ms: 80.0 },
        db: DbParams { concurrency: 16, queue_limit: 500, timeout_ms: 1_000.0 },
        ..hot(Protection::None)
    };
    p.ttl_jitter = 0.4;
    let m = run(p, 8_000.0, vec![]);
    assert!(m.db_peak_qps * 1.5 < m.ghost_db_peak_qps, "jittered {} vs ghost {}", m.db_peak_qps, m.ghost_db_peak_qps);
}

#[test]
fn a_cache_crash_leaves_it_cold() {
    let m = run(
        hot(Protection::None),
        3_000.0,
        vec![TimedFault { at_ms: 500.0, fault: Fault::Crash { node: 5 } }, TimedFault { at_ms: 1_000.0, fault: Fault::Restart { node: 5 } }],
    );
    // Cold at 0.5 s, before the 1 s expiry: a herd while it is down, and one on restart.
    assert!(m.counts.db_queries > 100, "{:?}", m.counts);
}

#[test]
fn bad_parameters_name_their_field() {
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (serde_json::json!({"keys": 0}), "params.keys"),
        (serde_json::json!({"requests_per_second": 1e9}), "params.requests_per_second"),
        (serde_json::json!({"protection": {"kind": "xfetch", "beta": 0}}), "params.protection.beta"),
        (serde_json::json!({"protection": {"kind": "lock", "scope": "local", "lease_ms": 100, "retry_ms": 0}}), "params.protection.retry_ms"),
        (serde_json::json!({"ttl_jitter": 2}), "params.ttl_jitter"),
        (serde_json::json!({"db": {"concurrency": 0}}), "params.db.concurrency"),
        (serde_json::json!({"cache_capacity": 5000}), "params.cache_capacity"),
        (serde_json::json!({"popularity": {"kind": "zipf", "exponent": 9}}), "params.popularity.exponent"),
    ];
    for (params, field) in cases {
        let text = serde_json::json!({"widget": "stampede", "version": 1, "seed": 1, "duration_ms": 1000, "params": params}).to_string();
        let err = headless::run_json(&text, None).unwrap_err().to_string();
        assert!(err.contains(field), "{field}: {err}");
        assert_eq!(err.lines().count(), 1);
    }
    let text = serde_json::json!({"widget": "stampede", "version": 1, "seed": 1, "duration_ms": 1000,
        "actions": [{"at_ms": 10, "command": {"kind": "delete", "key": 5}}]})
    .to_string();
    assert!(headless::run_json(&text, None).unwrap_err().to_string().contains("actions[0].command.key"));
    let _ = NetworkConfig::default();
}

#[test]
fn the_sweep_runs_every_cell_in_slices_and_ranks_the_protections() {
    use faultline_core::engine::DerivedWork;
    use faultline_core::patterns::stampede::sweep::{StampedeSweep, SWEEP_PROTECTIONS, SWEEP_RATES};
    use faultline_core::patterns::stampede::ProtectionKind;
    let mut sweep = StampedeSweep::start(&hot(Protection::None));
    let mut slices = 0;
    loop {
        let mut budget = 5_000;
        slices += 1;
        if sweep.advance(&mut budget) {
            break;
        }
        assert!(slices < 10_000, "the sweep finishes");
    }
    assert!(slices > 5, "it took several slices: {slices}");
    assert_eq!(sweep.cells().len(), SWEEP_PROTECTIONS.len() * SWEEP_RATES.len());
    let peak = |k: ProtectionKind| sweep.cell(k, 400.0).unwrap().db_peak_concurrency;
    // 1 + λδ ≈ 41 at 400/s without protection; one query under a lock, a lease or SWR.
    assert!(peak(ProtectionKind::None) > 25, "{}", peak(ProtectionKind::None));
    assert_eq!(peak(ProtectionKind::Lock), 1);
    assert_eq!(peak(ProtectionKind::Lease), 1);
    assert_eq!(peak(ProtectionKind::Swr), 1);
    assert!(peak(ProtectionKind::Singleflight) <= 4);
    // The herd grows with the rate.
    assert!(
        sweep.cell(ProtectionKind::None, 800.0).unwrap().db_peak_concurrency > sweep.cell(ProtectionKind::None, 50.0).unwrap().db_peak_concurrency
    );
}

#[test]
fn refresh_ahead_renews_the_value_before_anyone_misses() {
    let m = run(hot(Protection::RefreshAhead { ahead_ms: 500.0 }), 20_000.0, vec![]);
    assert_eq!(m.counts.misses, 0, "{:?}", m.counts);
    assert_eq!(m.largest_herd, 1);
    assert!(m.cycles >= 15);
    // 1 − e^(−300 × 0.5) ≈ 1: the closed form expects one refresh per expiry.
    assert!((m.theory.expected_recomputes.unwrap() - 1.0).abs() < 1e-9);
}

#[test]
fn a_bounded_cache_evicts_the_least_recently_used_and_never_holds_more() {
    let p = StampedeParams {
        requests_per_second: 400.0,
        keys: 60,
        popularity: faultline_core::patterns::stampede::Popularity::Zipf { exponent: 1.2 },
        cache_capacity: 8,
        ..hot(Protection::None)
    };
    let s = Scenario::<StampedeSim>::new(5, 5_000.0, p);
    let mut sim = Simulation::<StampedeSim>::start(&s.params, s.seed, s.network_config(), 0);
    let mut hot_key_cached = 0;
    for step in 1..=50u64 {
        sim.run_until(step * 100_000, &[]);
        let held = (0..60).filter(|&k| sim.model().entry(k).is_some()).count();
        assert!(held <= 8, "{held} values in a cache of 8");
        hot_key_cached += sim.model().entry(0).is_some() as u32;
    }
    let m = sim.metrics();
    assert!(m.evictions > 50, "{}", m.evictions);
    // Key 0 gets a fifth of the requests: LRU keeps it nearly always.
    assert!(hot_key_cached >= 40, "key 0 cached at {hot_key_cached} of 50 checks");
    let unbounded = run(StampedeParams { cache_capacity: 0, ..s.params.clone() }, 5_000.0, vec![]);
    assert!(m.counts.db_queries > 2 * unbounded.counts.db_queries, "{} vs {}", m.counts.db_queries, unbounded.counts.db_queries);
}

/// The jitter lesson's 6 s caption quotes the run: the unjittered ghost's queries per second
/// peak there at 168 (its line counts each last second, so the 5 s wall shows at 6 s), and the
/// jittered run stays under 95 until the flush.
#[test]
fn the_jitter_lessons_caption_quotes_its_peaks_where_the_chart_shows_them() {
    use faultline_core::engine::{ticks_from_ms, Pattern};
    use faultline_core::player::Player;
    let (_, lesson) = StampedeSim::presets().into_iter().find(|(name, _)| *name == "stampede-jitter").expect("the jitter lesson");
    let caption = lesson.moments.iter().find(|m| m.caption.contains("168 queries/s")).expect("a caption quoting 168 queries/s").clone();
    let mut player = Player::new(lesson, 0).unwrap();
    player.seek(player.duration());
    let ghost = StampedeSim::SERIES.iter().position(|s| s.name == "DB queries without protection").unwrap();
    let own = StampedeSim::SERIES.iter().position(|s| s.name == "DB queries").unwrap();
    let peak = player.samples().iter().max_by(|a, b| a.values[ghost].total_cmp(&b.values[ghost])).unwrap();
    assert_eq!(peak.values[ghost], 168.0);
    assert_eq!(peak.at, ticks_from_ms(caption.at_ms), "the caption sits where the dashed line peaks");
    // Until the 9 s flush, which jitter cannot help with (the next caption says so).
    let mut before_flush = player.samples().iter().filter(|s| s.at < ticks_from_ms(9_000.0));
    assert!(before_flush.all(|s| s.values[own] < 95.0), "the jittered run stays under 95 queries/s");
}
