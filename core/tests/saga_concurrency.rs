//! Several sagas in flight on the same services' state: the anomalies sagas allow (lost
//! update, dirty read) and Richardson's countermeasures (semantic lock, commutative updates,
//! reread value / version check), through the scripted form (100 ms links, so the
//! interleavings below are exact) and, as properties, over the live network.

#![cfg(feature = "saga")]

use faultline_core::engine::{Latency, NetworkConfig, Pattern, Simulation};
use faultline_core::headless::run_any_json;
use faultline_core::patterns::saga::definition::Definition;
use faultline_core::patterns::saga::sim::{Coordination, Countermeasure, MAX_SAGAS};
use faultline_core::patterns::saga::{EngineKind, EngineSpec, FaultSpec, SagaParams, SagaSim, StepFault};
use faultline_core::scenario::Scenario;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Two money transfers of 30 from Alice (100) to Bob (20), `spacing_ms` apart.
fn two_transfers(countermeasure: &str, spacing_ms: f64, outcomes: &[&str]) -> Value {
    let script = json!({
        "widget": "saga_script", "version": 1, "definition": "money_transfer", "engine": "temporal",
        "sagas": 2, "spacing_ms": spacing_ms, "countermeasure": countermeasure, "outcomes": outcomes,
    });
    run_any_json(&script.to_string(), None).unwrap()
}

fn rules(m: &Value) -> Vec<&str> {
    m["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap()).collect()
}

fn why(m: &Value, rule: &str) -> String {
    m["violations"].as_array().unwrap().iter().find(|v| v["rule"] == rule).map(|v| v["why"].as_str().unwrap().to_string()).unwrap_or_default()
}

fn cell(m: &Value, service: &str, cell: &str) -> i64 {
    m["end_state"][service]["cells"][cell].as_i64().unwrap()
}

fn histories(m: &Value) -> Vec<String> {
    m["sagas"].as_array().unwrap().iter().map(|s| s["final_history"].as_str().unwrap().to_string()).collect()
}

#[test]
fn without_a_countermeasure_two_sagas_lose_an_update() {
    // Links are 100 ms. Saga 1's read of alice reaches BankA at 100 ms, its write (computed
    // at the orchestrator at 200) at 300 ms. Saga 2 starts at 100 ms: its read lands at 200 ms,
    // before saga 1's write, so it too reads 100 and writes 100 − 30 = 70 over saga 1's 70.
    let m = two_transfers("none", 100.0, &[]);
    assert_eq!(histories(&m), ["T1 T2", "T1 T2"], "both sagas complete: nothing fails, the damage is silent");
    assert_eq!(cell(&m, "BankA", "alice"), 70, "two withdrawals of 30 from 100, but only one is counted");
    assert_eq!(cell(&m, "BankB", "bob"), 50, "two deposits of 30 onto 20, but only one is counted");
    assert_eq!(
        why(&m, "lost_update"),
        "Lost update: saga 2 wrote BankA.alice 70 over saga 1's 70 (saga 1's T1 withdraw); saga 2's T1 withdraw had read 100 before that write, so 30 taken twice is now counted once"
    );
    // Money in the group still sums to 120 (both legs lost one update), so only the ledger of
    // what the sagas did catches it: the histories count 2 × −30 on alice.
    assert!(
        why(&m, "conservation").starts_with("BankA.alice is 70 at rest, but the sagas' histories account for 40 (start 100, 2 × T1 withdraw -30)")
    );
    assert_eq!(m["counts"], json!({ "completed": 2, "rolled_back": 0, "failed": 0, "running": 0 }));
}

#[test]
fn every_countermeasure_makes_the_same_race_end_with_both_transfers_counted() {
    for countermeasure in ["semantic_lock", "commutative_updates", "version_check"] {
        let m = two_transfers(countermeasure, 100.0, &[]);
        assert_eq!(histories(&m), ["T1 T2", "T1 T2"], "{countermeasure}");
        assert_eq!((cell(&m, "BankA", "alice"), cell(&m, "BankB", "bob")), (40, 80), "{countermeasure}: 100 − 2 × 30 and 20 + 2 × 30");
        assert_eq!(rules(&m), Vec::<&str>::new(), "{countermeasure}: {}", m["violations"]);
    }
}

#[test]
fn the_version_check_refuses_the_stale_write_and_the_retry_rereads() {
    let m = two_transfers("version_check", 100.0, &[]);
    let attempts = m["sagas"][1]["final_history"].as_str().unwrap();
    assert_eq!(attempts, "T1 T2");
    let second: Vec<&str> = m["entries"].as_array().unwrap().iter().map(|e| e["label"].as_str().unwrap()).collect();
    assert_eq!(second, ["T1", "T2"], "the first saga's own history has no retry: it won the race");
    // Saga 2's write was computed from version 0 while saga 1 had made version 1: refused as a
    // passing error, so Temporal's retry policy waits 1 s and T1 reads again (now 70) and writes 40.
    let ended = m["sagas"][1]["ended_at_ms"].as_f64().unwrap();
    assert!(ended > 1_000.0, "saga 2 waited out one retry interval: ended at {ended}");
}

#[test]
fn the_semantic_lock_makes_the_second_saga_wait_for_the_first() {
    let m = two_transfers("semantic_lock", 100.0, &[]);
    // Saga 1 holds alice from its read (100 ms) until its unlock lands after it ends (800 ms +
    // 100 ms); saga 2's read at 200 ms is refused, retried after 1 s and 2 s.
    let first_end = m["sagas"][0]["ended_at_ms"].as_f64().unwrap();
    let second_end = m["sagas"][1]["ended_at_ms"].as_f64().unwrap();
    assert_eq!(first_end, 800.0, "saga 1 runs as if alone: two read-then-write steps of 4 × 100 ms");
    assert!(second_end > first_end + 1_000.0, "saga 2 ends after saga 1 and a retry wait: {second_end}");
}

#[test]
fn a_dirty_read_is_flagged_and_only_the_semantic_lock_or_increments_prevent_it() {
    // Saga 1's deposit is refused, so it refunds; saga 2 starts 300 ms later and reads alice
    // after saga 1's withdrawal (at 300 ms) but before its refund: it reads 70, a value that
    // never committed.
    for countermeasure in ["none", "version_check"] {
        let m = two_transfers(countermeasure, 300.0, &["saga 1: T2 fails (business)"]);
        assert_eq!(histories(&m), ["T1 T2✗ C1", "T1 T2"], "{countermeasure}");
        assert_eq!(
            why(&m, "dirty_read"),
            "Dirty read: saga 2's T1 withdraw read BankA.alice = 70, written by saga 1's T1 withdraw, which saga 1 later undid (C1 refund): it acted on a value that never committed",
            "{countermeasure}"
        );
    }
    for countermeasure in ["semantic_lock", "commutative_updates"] {
        let m = two_transfers(countermeasure, 300.0, &["saga 1: T2 fails (business)"]);
        assert_eq!(rules(&m), Vec::<&str>::new(), "{countermeasure}: {}", m["violations"]);
        assert_eq!((cell(&m, "BankA", "alice"), cell(&m, "BankB", "bob")), (70, 50), "{countermeasure}: only saga 2's transfer stands");
    }
}

#[test]
fn a_fault_for_one_saga_leaves_the_others_alone() {
    let m = two_transfers("commutative_updates", 100.0, &["saga 2: T1 fails"]);
    assert_eq!(histories(&m), ["T1 T2", "T1✗"]);
    assert_eq!(m["counts"], json!({ "completed": 1, "rolled_back": 1, "failed": 0, "running": 0 }));
}

#[test]
fn one_saga_reports_as_before() {
    let script = json!({ "widget": "saga_script", "version": 1, "definition": "money_transfer", "engine": "temporal", "countermeasure": "none" });
    let m = run_any_json(&script.to_string(), None).unwrap();
    assert!(m.get("sagas").is_none() && m.get("counts").is_none(), "no per-saga table for a single saga");
    assert_eq!((cell(&m, "BankA", "alice"), cell(&m, "BankB", "bob")), (70, 50), "read-then-write alone is correct");
    assert_eq!(rules(&m), Vec::<&str>::new());
}

#[test]
fn invalid_concurrency_names_the_field() {
    let check = |edit: &dyn Fn(&mut SagaParams)| {
        let mut p = SagaParams::default();
        edit(&mut p);
        SagaSim::validate(&p).unwrap_err().field
    };
    assert_eq!(check(&|p| p.sagas = 0), "sagas");
    assert_eq!(check(&|p| p.sagas = MAX_SAGAS + 1), "sagas");
    assert_eq!(check(&|p| p.spacing_ms = -1.0), "spacing_ms");
    assert_eq!(check(&|p| p.spacing_ms = f64::NAN), "spacing_ms");
    assert_eq!(
        check(&|p| {
            p.countermeasure = Countermeasure::VersionCheck;
            p.coordination = Coordination::Choreography;
        }),
        "countermeasure"
    );
    assert_eq!(
        check(&|p| {
            p.sagas = 2;
            p.faults = vec![StepFault { step: 1, compensation: false, fault: FaultSpec::Business, saga: Some(3) }];
        }),
        "faults[0].saga"
    );
    let err = run_any_json(&json!({ "widget": "saga", "version": 1, "seed": 1, "duration_ms": 7000.0, "params": { "sagas": 9 } }).to_string(), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("sagas"), "{err}");
}

#[test]
fn the_work_estimate_grows_with_the_sagas_in_flight() {
    let one = Scenario::<SagaSim>::new(1, 7_000.0, SagaParams::default());
    let mut eight = one.clone();
    eight.params.sagas = MAX_SAGAS;
    assert_eq!(SagaSim::work_estimate(&eight), f64::from(MAX_SAGAS) * (SagaSim::work_estimate(&one) - 64.0) + 64.0);
}

fn live(params: SagaParams, seed: u64, latency: Latency) -> faultline_core::patterns::saga::sim::SagaMetrics {
    let mut s = Scenario::new(seed, 3_600_000.0, params);
    s.network = Some(NetworkConfig { latency, drop_probability: 0.0 });
    let mut sim = Simulation::<SagaSim>::start(&s.params, s.seed, s.network_config(), 0);
    sim.run_until(s.duration(), &s.schedule());
    sim.metrics()
}

const DEFINITIONS: [&str; 3] = ["create_order", "trip_booking", "money_transfer"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// With a countermeasure on, however many sagas start however close together, and whichever
    /// of them meets a business failure, no update is lost, every cell equals what the sagas'
    /// histories account for, and every conserved sum holds at rest. Engines that retry a
    /// refused compensation (Temporal, Garcia-Molina & Salem) only: see the next test.
    #[test]
    fn with_a_countermeasure_conservation_always_holds(
        def in 0usize..3, gms: bool, sagas in 2u32..=MAX_SAGAS, spacing in 0.0f64..1_500.0, seed in 0u64..1_000,
        cm in prop::sample::select(vec![Countermeasure::SemanticLock, Countermeasure::CommutativeUpdates, Countermeasure::VersionCheck]),
        failing in prop::option::of((1u32..=MAX_SAGAS, 0usize..6)),
    ) {
        let definition = Definition::builtin(DEFINITIONS[def]).unwrap();
        let pivot = definition.pivot().unwrap_or(0);
        let faults = failing
            .filter(|&(saga, step)| saga <= sagas && step <= pivot)
            .map(|(saga, step)| StepFault { step: step + 1, compensation: false, fault: FaultSpec::Business, saga: Some(saga) })
            .into_iter()
            .collect();
        let kind = if gms { EngineKind::GarciaMolinaSalem } else { EngineKind::Temporal };
        let params = SagaParams { definition, engine: EngineSpec { kind, ..EngineSpec::default() }, sagas, spacing_ms: spacing, countermeasure: cm, faults, ..SagaParams::default() };
        let m = live(params, seed, Latency::Uniform { min_ms: 50.0, max_ms: 250.0 });
        let broken: Vec<_> = m.violations.iter().filter(|v| matches!(v.rule, "lost_update" | "conservation")).collect();
        prop_assert!(broken.is_empty(), "{cm} with {sagas} sagas {spacing} ms apart: {broken:?}");
        prop_assert!(m.counts.unwrap().running == 0, "every saga ends: {:?}", m.sagas);
    }

    /// Without one, read-then-write loses updates whenever sagas overlap: started at the same
    /// instant on equal links, every saga reads the same value before any writes.
    #[test]
    fn without_a_countermeasure_simultaneous_sagas_always_lose_an_update(def in 0usize..3, sagas in 2u32..=MAX_SAGAS, seed in 0u64..1_000) {
        let definition = Definition::builtin(DEFINITIONS[def]).unwrap();
        let params = SagaParams { definition, sagas, spacing_ms: 0.0, countermeasure: Countermeasure::None, ..SagaParams::default() };
        let m = live(params, seed, Latency::Constant { ms: 100.0 });
        prop_assert!(m.violations.iter().any(|v| v.rule == "lost_update"), "{:?}", m.violations);
        prop_assert!(m.violations.iter().any(|v| v.rule == "conservation"), "{:?}", m.violations);
    }
}

#[test]
fn under_eventuate_a_version_conflict_fails_the_step_and_the_saga_rolls_back() {
    // Eventuate Tram retries nothing: the refused write is a failed step, and saga 2 ends
    // rolled back (its failed T1 changed nothing, so there is nothing to compensate).
    let script = json!({
        "widget": "saga_script", "version": 1, "definition": "money_transfer", "engine": "eventuate_tram",
        "sagas": 2, "spacing_ms": 100.0, "countermeasure": "version_check",
    });
    let m = run_any_json(&script.to_string(), None).unwrap();
    assert_eq!(histories(&m), ["T1 T2", "T1✗"]);
    assert_eq!((cell(&m, "BankA", "alice"), cell(&m, "BankB", "bob")), (70, 50), "only saga 1's transfer happened");
    assert_eq!(rules(&m), Vec::<&str>::new(), "consistent: the conflict was refused, not lost");
}

#[test]
fn the_last_car_is_reserved_twice_only_without_a_countermeasure() {
    // trip_booking has one car. Read-then-write: both sagas read cars = 1 and write 0, so two
    // trips hold one car. With any countermeasure the second reservation finds 0 left and is
    // refused (a debit never leaves a cell below zero), so saga 2 compensates its hotel and
    // flight, in reverse.
    let run = |countermeasure: &str| {
        let script = json!({
            "widget": "saga_script", "version": 1, "definition": "trip_booking", "engine": "temporal",
            "sagas": 2, "spacing_ms": 100.0, "countermeasure": countermeasure,
        });
        run_any_json(&script.to_string(), None).unwrap()
    };
    let m = run("none");
    assert_eq!(histories(&m), ["T1 T2 T3 T4", "T1 T2 T3 T4"]);
    assert_eq!(m["end_state"]["Car"]["rows"], json!({ "trip-1": "RESERVED", "trip-2": "RESERVED" }), "one car, two reservations");
    assert!(why(&m, "lost_update").contains("Lost update: saga 2 wrote Flight.seats 2 over saga 1's 2"));
    assert!(m["violations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["why"].as_str().unwrap().starts_with("Car.cars is 0 at rest, but the sagas' histories account for -1")));
    for countermeasure in ["semantic_lock", "commutative_updates", "version_check"] {
        let m = run(countermeasure);
        assert_eq!(histories(&m), ["T1 T2 T3 T4", "T1 T2 T3✗ C2 C1"], "{countermeasure}");
        assert_eq!(cell(&m, "Car", "cars"), 0, "{countermeasure}");
        assert_eq!((cell(&m, "Flight", "seats"), cell(&m, "Hotel", "rooms")), (2, 1), "{countermeasure}: saga 2's flight and hotel are given back");
        assert_eq!(rules(&m), Vec::<&str>::new(), "{countermeasure}: {}", m["violations"]);
    }
}

#[test]
fn what_to_notice_counts_the_sagas_and_names_the_countermeasure() {
    let params = SagaParams {
        definition: Definition::builtin("trip_booking").unwrap(),
        sagas: 2,
        countermeasure: Countermeasure::CommutativeUpdates,
        ..SagaParams::default()
    };
    let s = Scenario::new(1, 7_000.0, params);
    let mut sim = Simulation::<SagaSim>::start(&s.params, s.seed, s.network_config(), 0);
    sim.run_until(s.duration(), &s.schedule());
    let notes = sim.model().notes(s.duration());
    // The example increment is this definition's first one (book flight: seats −1), not money.
    assert!(notes.iter().any(|n| n.starts_with("2 sagas, 100 ms apart, send increments (seats -1)")), "{notes:#?}");
    // One car: the second trip is refused it and rolls back.
    assert!(notes.iter().any(|n| n == "Sagas: 1 completed, 1 rolled back, 0 failed, 0 running."), "{notes:#?}");
}
