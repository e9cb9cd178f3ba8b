//! Golden histories that pin each saga engine's rules, through the scripted form (the same
//! orchestrator the widget runs, on 100 ms links). Expected values come from the references:
//! Eventuate Tram's `AbstractSimpleSagaDefinition.nextStepToExecute` /
//! `handleFailedCompensatingTransaction`, Temporal's `io.temporal.workflow.Saga.compensate`
//! and `RetryOptions` defaults, and Garcia-Molina & Salem's backward/forward recovery.

#![cfg(feature = "saga")]

use faultline_core::engine::{Fault, Simulation};
use faultline_core::headless::run_any_json;
use faultline_core::patterns::saga::{SagaScript, SagaSim, ORCHESTRATOR};
use faultline_core::scenario::TimedFault;
use serde_json::{json, Value};

fn run(script: Value) -> Value {
    let mut script = script;
    script["widget"] = json!("saga_script");
    script["version"] = json!(1);
    run_any_json(&script.to_string(), None).unwrap_or_else(|e| panic!("{e}"))
}

fn history(r: &Value) -> (&str, &str) {
    (r["history"].as_str().unwrap(), r["outcome"].as_str().unwrap())
}

/// `(label, at_ms, result)` of every attempt.
fn entries(r: &Value) -> Vec<(String, f64, String)> {
    r["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["label"].as_str().unwrap().to_string(), e["at_ms"].as_f64().unwrap(), e["result"].as_str().unwrap().to_string()))
        .collect()
}

fn cell(r: &Value, service: &str, cell: &str) -> i64 {
    r["end_state"][service]["cells"][cell].as_i64().unwrap()
}

fn rules(r: &Value) -> Vec<String> {
    r["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap().to_string()).collect()
}

const ENGINES: [&str; 3] = ["eventuate_tram", "temporal", "garcia_molina_salem"];

#[test]
fn the_failed_step_is_not_compensated_and_compensations_run_in_reverse_under_every_engine() {
    for engine in ENGINES {
        let r = run(json!({ "definition": "trip_booking", "engine": engine, "outcomes": ["T3 fails (business)"] }));
        assert_eq!(history(&r), ("T1 T2 T3✗ C2 C1", "rolled back"), "{engine}");
        assert_eq!((cell(&r, "Flight", "seats"), cell(&r, "Hotel", "rooms"), cell(&r, "Car", "cars")), (3, 2, 1), "{engine}: all back");
        assert!(rules(&r).is_empty(), "{engine}: {:?}", r["violations"]);
        // Create Order: T2 verify consumer has no compensation, so there is no C2.
        let r = run(json!({ "definition": "create_order", "engine": engine, "outcomes": ["T3 fails (business)"] }));
        assert_eq!(history(&r), ("T1 T2 T3✗ C1", "rolled back"), "{engine}");
    }
}

#[test]
fn a_skipped_conditional_step_is_neither_run_nor_compensated() {
    for engine in ENGINES {
        let r = run(json!({ "definition": "trip_booking", "engine": engine, "inputs": { "needs_car": false }, "outcomes": ["T4 fails (business)"] }));
        assert_eq!(history(&r), ("T1 T2 T4✗ C2 C1", "rolled back"), "{engine}");
        assert_eq!(r["attempts"], "T1 T2 T3⊘ T4✗ C2 C1", "{engine}");
        assert_eq!(cell(&r, "Car", "cars"), 1);
    }
}

#[test]
fn a_failing_compensation_ends_eventuate_at_once_temporal_retries_it_gms_retries_until_it_works() {
    let outcomes = json!(["T3 fails (business)", "C2 fails once"]);
    // Eventuate: handleFailedCompensatingTransaction → failed end state; C1 never runs.
    let r = run(json!({ "definition": "trip_booking", "engine": "eventuate_tram", "outcomes": outcomes }));
    assert_eq!(history(&r), ("T1 T2 T3✗ C2✗", "failed"));
    assert_eq!(cell(&r, "Flight", "seats"), 2, "the flight stays booked");
    assert!(rules(&r).contains(&"left_in_effect".to_string()));
    // Temporal: a compensation is an activity; the default RetryOptions retry it after 1 s.
    let r = run(json!({ "definition": "trip_booking", "engine": "temporal", "outcomes": outcomes }));
    assert_eq!(history(&r), ("T1 T2 T3✗ C2 C1", "rolled back"));
    assert_eq!(r["attempts"], "T1 T2 T3✗ C2↻ C2 C1");
    // GMS: compensations must eventually commit.
    let r = run(json!({ "definition": "trip_booking", "engine": "garcia_molina_salem", "outcomes": outcomes }));
    assert_eq!(history(&r), ("T1 T2 T3✗ C2 C1", "rolled back"));
}

#[test]
fn temporal_without_retries_stops_at_the_first_failed_compensation_unless_continue_with_error() {
    let outcomes = json!(["T3 fails (business)", "C2 fails once"]);
    let one_attempt = json!({ "maximum_attempts": 1 });
    let r = run(json!({ "definition": "trip_booking", "engine": "temporal", "retry": one_attempt, "outcomes": outcomes }));
    assert_eq!(history(&r), ("T1 T2 T3✗ C2✗", "failed"), "compensate() rethrows: C1 is never run");
    let engine = json!({ "kind": "temporal", "continue_with_error": true });
    let r = run(json!({ "definition": "trip_booking", "engine": engine, "retry": one_attempt, "outcomes": outcomes }));
    assert_eq!(history(&r), ("T1 T2 T3✗ C2✗ C1", "failed"), "continueWithError goes on to C1");
    assert_eq!(cell(&r, "Flight", "seats"), 3);
    assert_eq!(cell(&r, "Hotel", "rooms"), 1, "the hotel stays booked: C2 failed");
}

#[test]
fn sequential_compensation_waits_for_each_reply_parallel_sends_all_at_once() {
    // 100 ms each way: T1 done at 200, T2 at 400, T3 refused at 600.
    let seq = run(json!({ "definition": "trip_booking", "engine": "temporal", "outcomes": ["T3 fails"] }));
    let times: Vec<(String, f64)> = entries(&seq).into_iter().map(|(l, t, _)| (l, t)).collect();
    let expect = |v: &[(&str, f64)]| v.iter().map(|(l, t)| (l.to_string(), *t)).collect::<Vec<_>>();
    assert_eq!(times, expect(&[("T1", 200.0), ("T2", 400.0), ("T3", 600.0), ("C2", 800.0), ("C1", 1_000.0)]));
    let engine = json!({ "kind": "temporal", "parallel_compensation": true });
    let par = run(json!({ "definition": "trip_booking", "engine": engine, "outcomes": ["T3 fails"] }));
    let times: Vec<f64> = entries(&par).iter().filter(|e| e.0.starts_with('C')).map(|e| e.1).collect();
    assert_eq!(times, vec![800.0, 800.0], "both compensations left at 600 and returned together");
    assert_eq!(history(&par).1, "rolled back");
}

#[test]
fn parallel_compensation_runs_every_compensation_and_aggregates_the_errors() {
    let engine = json!({ "kind": "temporal", "parallel_compensation": true });
    let r = run(json!({
        "definition": "trip_booking", "engine": engine, "retry": { "maximum_attempts": 1 },
        "outcomes": ["T3 fails", "C2 fails once", "C1 fails once"]
    }));
    assert_eq!(r["outcome"], "failed");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "one CompensationException carrying both: {errors:?}");
    // continueWithError does not matter in parallel: every compensation was fired.
    let engine = json!({ "kind": "temporal", "parallel_compensation": true, "continue_with_error": true });
    let again = run(json!({
        "definition": "trip_booking", "engine": engine, "retry": { "maximum_attempts": 1 },
        "outcomes": ["T3 fails", "C2 fails once", "C1 fails once"]
    }));
    assert_eq!(again["history"], r["history"]);
}

#[test]
fn temporal_retry_schedule_follows_the_default_retry_options() {
    // Default RetryOptions: 1 s, ×2, cap 100 s. Each attempt costs a 200 ms round trip.
    let r = run(json!({ "definition": "money_transfer", "engine": "temporal", "outcomes": ["T2 fails 3 times"] }));
    let t2: Vec<(f64, String)> = entries(&r).into_iter().filter(|e| e.0 == "T2").map(|e| (e.1, e.2)).collect();
    let mut sent = 200.0;
    let mut expected = Vec::new();
    for retry in 1..=3 {
        expected.push((sent + 200.0, "retrying".to_string()));
        sent += 200.0 + 1_000.0 * f64::powi(2.0, retry - 1);
    }
    expected.push((sent + 200.0, "done".to_string()));
    assert_eq!(t2, expected);
    assert_eq!(history(&r), ("T1 T2", "completed"));
    // A custom policy: 500 ms × 3, capped at 1 s: waits of 500, 1000, 1000.
    let r = run(json!({
        "definition": "money_transfer", "engine": "temporal",
        "retry": { "initial_interval_ms": 500, "backoff_coefficient": 3.0, "maximum_interval_ms": 1000 },
        "outcomes": ["T2 fails 3 times"]
    }));
    let t2: Vec<f64> = entries(&r).into_iter().filter(|e| e.0 == "T2").map(|e| e.1).collect();
    assert_eq!(t2, vec![400.0, 1_100.0, 2_300.0, 3_500.0]);
    // maximumAttempts 3 gives up after the third: the withdrawal is refunded.
    let r =
        run(json!({ "definition": "money_transfer", "engine": "temporal", "retry": { "maximum_attempts": 3 }, "outcomes": ["T2 fails 3 times"] }));
    assert_eq!(history(&r), ("T1 T2✗ C1", "rolled back"));
    assert_eq!((cell(&r, "BankA", "alice"), cell(&r, "BankB", "bob")), (100, 20));
}

#[test]
fn eventuate_neither_retries_nor_times_out() {
    let r = run(json!({ "definition": "money_transfer", "engine": "eventuate_tram", "outcomes": ["T2 fails 3 times"] }));
    assert_eq!(history(&r), ("T1 T2✗ C1", "rolled back"), "a failure reply compensates at once");
    // The late reply (timeout 2 s + 500 ms) is simply awaited: 200 + 100 + 2500 + 100.
    let r = run(json!({ "definition": "money_transfer", "engine": "eventuate_tram", "outcomes": ["T2 times out once"] }));
    assert_eq!(history(&r), ("T1 T2", "completed"));
    assert_eq!(entries(&r).last().unwrap().1, 2_900.0);
}

#[test]
fn after_the_pivot_gms_only_goes_forward_while_engines_without_a_pivot_compensate_past_it() {
    // Before the pivot GMS aborts into backward recovery; after it, it retries forward.
    let r = run(json!({ "definition": "create_order", "engine": "garcia_molina_salem", "outcomes": ["T2 fails 3 times"] }));
    assert_eq!(history(&r), ("T1 T2✗ C1", "rolled back"));
    let r = run(json!({ "definition": "create_order", "engine": "garcia_molina_salem", "outcomes": ["T5 fails 3 times"] }));
    assert_eq!(history(&r), ("T1 T2 T3 T4 T5 T6", "completed"));
    assert_eq!(r["attempts"], "T1 T2 T3 T4 T5↻ T5↻ T5↻ T5 T6");
    let r = run(json!({ "definition": "create_order", "engine": "garcia_molina_salem", "outcomes": ["T5 fails (business)"] }));
    assert_eq!(history(&r), ("T1 T2 T3 T4 T5✗", "failed"), "no compensation after the pivot");
    for engine in ["eventuate_tram", "temporal"] {
        let r = run(json!({ "definition": "create_order", "engine": engine, "outcomes": ["T5 fails (business)"] }));
        assert_eq!(history(&r), ("T1 T2 T3 T4 T5✗ C3 C1", "rolled back"), "{engine}: backwards over T4, which has no compensation");
        assert_eq!(cell(&r, "Accounting", "consumer"), 65, "{engine}: the card stays charged");
        assert!(rules(&r).contains(&"left_in_effect".to_string()), "{engine}");
    }
}

#[test]
fn a_late_reply_retried_without_idempotency_charges_twice_and_with_it_once() {
    for (idempotency, bob) in [(true, 50), (false, 80)] {
        let r = run(json!({ "definition": "money_transfer", "engine": "temporal", "idempotency": idempotency, "outcomes": ["T2 times out once"] }));
        assert_eq!(history(&r), ("T1 T2", "completed"));
        assert_eq!(cell(&r, "BankB", "bob"), bob, "idempotency {idempotency}");
        assert_eq!(rules(&r).is_empty(), idempotency, "{:?}", r["violations"]);
    }
    // Duplicate delivery alone: harmless with idempotency, a second withdrawal without.
    for (idempotency, alice) in [(true, 70), (false, 40)] {
        let r = run(json!({ "definition": "money_transfer", "engine": "eventuate_tram", "idempotency": idempotency, "duplicate_delivery": true }));
        assert_eq!(cell(&r, "BankA", "alice"), alice);
    }
}

#[test]
fn the_orchestrator_recovers_from_its_saga_log_and_the_resend_is_deduplicated() {
    // Crash while T3's reply is on its way (T3 leaves at 400 and is applied at 500), restart at 2 s.
    for idempotency in [true, false] {
        let script: SagaScript =
            serde_json::from_value(json!({ "definition": "create_order", "engine": "temporal", "idempotency": idempotency })).unwrap();
        let mut scenario = script.scenario().unwrap();
        scenario.faults = vec![
            TimedFault { at_ms: 550.0, fault: Fault::Crash { node: ORCHESTRATOR } },
            TimedFault { at_ms: 2_000.0, fault: Fault::Restart { node: ORCHESTRATOR } },
        ];
        let mut sim = Simulation::<SagaSim>::start(&scenario.params, 1, scenario.network_config(), 0);
        sim.run_until(scenario.duration(), &scenario.schedule());
        let m = sim.metrics();
        assert_eq!((m.final_history.as_str(), m.outcome.as_str()), ("T1 T2 T3 T4 T5 T6", "completed"));
        let kitchen = &m.participants[2];
        assert_eq!(kitchen.times_applied((0, (2, false))), if idempotency { 1 } else { 2 });
        assert_eq!(kitchen.deduplicated, u32::from(idempotency));
        assert_eq!(m.violations.is_empty(), idempotency);
    }
}

#[test]
fn bad_scripts_name_the_field() {
    let err = |v: Value| {
        let mut v = v;
        v["widget"] = json!("saga_script");
        v["version"] = json!(1);
        run_any_json(&v.to_string(), None).unwrap_err().to_string()
    };
    assert!(err(json!({ "definition": "nope", "engine": "temporal" })).contains("definition: no built-in saga"));
    assert!(err(json!({ "definition": "create_order", "engine": "camunda" })).contains("engine"));
    assert!(err(json!({ "definition": "create_order", "engine": "temporal", "outcomes": ["T9 fails"] })).contains("outcomes[0].step"));
    assert!(err(json!({ "definition": "create_order", "engine": "temporal", "outcomes": ["C2 fails"] })).contains("outcomes[0].compensation"));
    assert!(err(json!({ "definition": "create_order", "engine": "temporal", "outcomes": ["T1 melts"] })).contains("outcomes[0]"));
    assert!(err(json!({ "definition": "create_order", "engine": "temporal", "retry": { "backoff_coefficient": 0.5 } }))
        .contains("retry.backoff_coefficient"));
}

#[test]
fn a_cancel_racing_the_saga_is_cancelled_but_approved_without_the_semantic_lock_and_refused_with_it() {
    // T1 reaches Order at 100 ms, T6 at 1100 ms; a cancel sent at 300 ms lands at 400 ms, in between.
    let race = |lock: bool| run(json!({ "definition": "create_order", "engine": "temporal", "semantic_lock": lock, "cancel_at_ms": 300 }));
    let r = race(false);
    assert_eq!(r["end_state"]["Order"]["rows"]["order-1"], "APPROVED");
    let isolation: Vec<&Value> = r["violations"].as_array().unwrap().iter().filter(|v| v["rule"] == "isolation").collect();
    assert_eq!(isolation.len(), 1, "{:?}", r["violations"]);
    assert!(isolation[0]["why"].as_str().unwrap().starts_with("cancelled but APPROVED"));
    assert!(isolation[0]["why"].as_str().unwrap().contains("T6 approve order"));
    let r = race(true);
    assert_eq!(r["end_state"]["Order"]["rows"]["order-1"], "APPROVED");
    assert!(rules(&r).is_empty(), "{:?}", r["violations"]);
    // After the saga, the lock is released and the cancel goes through.
    let r = run(json!({ "definition": "create_order", "engine": "temporal", "semantic_lock": true, "cancel_at_ms": 1_300 }));
    assert_eq!(r["end_state"]["Order"]["rows"]["order-1"], "CANCELLED");
}

#[test]
fn choreography_gives_the_same_histories_with_retries_inside_each_service_and_no_recovery() {
    for engine in ENGINES {
        let r = run(json!({ "definition": "trip_booking", "engine": engine, "coordination": "choreography", "outcomes": ["T3 fails (business)"] }));
        assert_eq!(history(&r), ("T1 T2 T3✗ C2 C1", "rolled back"), "{engine}: the same rules, travelling as events");
        let r = run(
            json!({ "definition": "trip_booking", "engine": engine, "coordination": "choreography", "inputs": { "needs_car": false }, "outcomes": ["T4 fails (business)"] }),
        );
        assert_eq!(history(&r), ("T1 T2 T4✗ C2 C1", "rolled back"), "{engine}");
    }
    // The service retries its own transaction: no network round trip between attempts. T2's
    // first attempt runs at 300 ms; waits of 1, 2, 4 s; the done event reaches the bus 100 ms
    // after the fourth attempt (compare 8000 ms under orchestration).
    let r = run(json!({ "definition": "money_transfer", "engine": "temporal", "coordination": "choreography", "outcomes": ["T2 fails 3 times"] }));
    let t2: Vec<f64> = entries(&r).into_iter().filter(|e| e.0 == "T2").map(|e| e.1).collect();
    assert_eq!(t2, vec![300.0, 1_300.0, 3_300.0, 7_400.0]);
    // Nobody times out: a late event is simply awaited, as under Eventuate.
    let r = run(
        json!({ "definition": "money_transfer", "engine": "temporal", "coordination": "choreography", "idempotency": false, "outcomes": ["T2 times out once"] }),
    );
    assert_eq!(history(&r), ("T1 T2", "completed"));
    assert_eq!(cell(&r, "BankB", "bob"), 50, "no retry, so no double deposit");
}

#[test]
fn a_bus_restart_resends_nothing_while_an_orchestrator_recovers_from_its_log() {
    for (coordination, outcome) in [("orchestration", "completed"), ("choreography", "running")] {
        let script: SagaScript =
            serde_json::from_value(json!({ "definition": "create_order", "engine": "temporal", "coordination": coordination })).unwrap();
        let mut scenario = script.scenario().unwrap();
        scenario.faults = vec![
            TimedFault { at_ms: 550.0, fault: Fault::Crash { node: ORCHESTRATOR } },
            TimedFault { at_ms: 2_000.0, fault: Fault::Restart { node: ORCHESTRATOR } },
        ];
        let mut sim = Simulation::<SagaSim>::start(&scenario.params, 1, scenario.network_config(), 0);
        sim.run_until(scenario.duration(), &scenario.schedule());
        let m = sim.metrics();
        assert_eq!(m.outcome, outcome, "{coordination}: {}", m.history);
    }
}
