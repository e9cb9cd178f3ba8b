//! Golden tests of the scripted form: each expected value comes from the reference's
//! semantics (Go singleflight's source and tests, NSDI 2013 §3.2.1, RFC 5861), not from a run.

use faultline_core::headless::run_any_json;
use faultline_core::patterns::stampede::script::{run_script, ScriptReport, StampedeScript};
use serde_json::json;

fn run(script: serde_json::Value) -> ScriptReport {
    let script: StampedeScript = serde_json::from_value(script).unwrap();
    run_script(&script).unwrap()
}

fn results(report: &ScriptReport) -> Vec<&str> {
    report.calls.iter().map(|c| c.result.as_str()).collect()
}

#[test]
fn singleflight_concurrent_callers_share_one_execution_and_its_value() {
    // Go's TestDoDupSuppress: concurrent Do calls for one key run fn once; all get its value.
    let r = run(json!({"mode": "singleflight", "steps": [
        {"at_ms": 0, "op": "do", "key": "k", "backend_ms": 100},
        {"at_ms": 10, "op": "do", "key": "k", "backend_ms": 100},
        {"at_ms": 99, "op": "do", "key": "k", "backend_ms": 100},
    ]}));
    assert_eq!(results(&r), ["miss", "shared", "shared"]);
    assert_eq!(r.executions, 1);
    for c in &r.calls {
        assert_eq!(c.execution, Some(0));
        assert_eq!(c.returned_at_ms, Some(100.0), "every waiter returns when the one execution does");
        // Go returns shared = c.dups > 0 to every caller, the one that executed included.
        assert_eq!(c.shared, Some(true));
        assert_eq!(c.error, Some(false));
    }
}

#[test]
fn singleflight_shares_the_error_with_every_waiter() {
    // Go's TestDoErr: the error of the execution is what every caller of that call gets.
    let r = run(json!({"mode": "singleflight", "steps": [
        {"at_ms": 0, "op": "do", "key": "k", "backend_ms": 50, "fails": true},
        {"at_ms": 20, "op": "do", "key": "k", "backend_ms": 50, "fails": false},
    ]}));
    assert_eq!(results(&r), ["miss", "shared"]);
    assert!(r.calls.iter().all(|c| c.error == Some(true) && c.value.is_none()));
    assert_eq!(r.executions, 1);
}

#[test]
fn singleflight_caches_nothing_a_call_after_completion_executes_again() {
    let r = run(json!({"mode": "singleflight", "steps": [
        {"at_ms": 0, "op": "do", "key": "k", "backend_ms": 100},
        // The call returned at 100: a Do at that instant starts anew (the key left the map).
        {"at_ms": 100, "op": "do", "key": "k", "backend_ms": 100},
        {"at_ms": 500, "op": "do", "key": "k", "backend_ms": 100},
    ]}));
    assert_eq!(results(&r), ["miss", "miss", "miss"]);
    assert_eq!(r.executions, 3);
    // A lone caller is not shared.
    assert!(r.calls.iter().all(|c| c.shared == Some(false)));
    assert_eq!(r.calls[1].execution, Some(1));
}

#[test]
fn singleflight_forget_starts_a_new_execution_while_old_waiters_keep_theirs() {
    // Go's TestForget: after Forget, a Do runs fn again even though the first is in flight.
    let r = run(json!({"mode": "singleflight", "steps": [
        {"at_ms": 0, "op": "do", "key": "k", "backend_ms": 100},
        {"at_ms": 10, "op": "do", "key": "k", "backend_ms": 100},
        {"at_ms": 20, "op": "forget", "key": "k"},
        {"at_ms": 30, "op": "do", "key": "k", "backend_ms": 100},
        {"at_ms": 40, "op": "do", "key": "k", "backend_ms": 100},
    ]}));
    assert_eq!(results(&r), ["miss", "shared", "forgotten", "miss", "shared"]);
    assert_eq!(r.executions, 2);
    assert_eq!(r.calls[1].execution, Some(0));
    assert_eq!(r.calls[1].returned_at_ms, Some(100.0));
    assert_eq!(r.calls[4].execution, Some(1));
    assert_eq!(r.calls[4].returned_at_ms, Some(130.0));
}

#[test]
fn singleflight_keys_are_independent() {
    let r = run(json!({"mode": "singleflight", "steps": [
        {"at_ms": 0, "op": "do", "key": "a", "backend_ms": 100},
        {"at_ms": 1, "op": "do", "key": "b", "backend_ms": 100},
    ]}));
    assert_eq!(results(&r), ["miss", "miss"]);
    assert_eq!(r.executions, 2);
}

#[test]
fn lease_tokens_are_rate_limited_per_key_and_hot_misses_wait() {
    // NSDI 2013: a token per key at most once per interval; other misses get a hot miss.
    let r = run(json!({"mode": "lease", "interval_ms": 10000, "steps": [
        {"at_ms": 0, "op": "get", "key": "k"},
        {"at_ms": 1, "op": "get", "key": "k"},
        {"at_ms": 2, "op": "get", "key": "other"},
        {"at_ms": 9999.999, "op": "get", "key": "k"},
    ]}));
    assert_eq!(results(&r), ["miss", "hot_miss", "miss", "hot_miss"]);
    assert_eq!(r.calls[0].token, Some(1));
    assert_eq!(r.executions, 2);
}

#[test]
fn lease_a_holder_that_never_sets_is_replaced_after_the_interval() {
    let r = run(json!({"mode": "lease", "interval_ms": 10000, "steps": [
        {"at_ms": 0, "op": "get", "key": "k"},
        {"at_ms": 10000, "op": "get", "key": "k"},
        {"at_ms": 10001, "op": "set", "key": "k", "token": 1, "value": "late"},
        {"at_ms": 10002, "op": "set", "key": "k", "token": 2, "value": "v2"},
        {"at_ms": 10003, "op": "get", "key": "k"},
    ]}));
    assert_eq!(results(&r), ["miss", "miss", "rejected", "stored", "hit"]);
    assert_eq!(r.calls[1].token, Some(2));
    assert_eq!(r.calls[4].value.as_deref(), Some("v2"));
}

#[test]
fn lease_a_delete_between_miss_and_set_rejects_the_set() {
    // The paper's stale-set example: the delete voids the token, so the old value is not
    // written back; the deleted value is then offered as stale.
    let r = run(json!({"mode": "lease", "interval_ms": 10000, "steps": [
        {"at_ms": 0, "op": "get", "key": "k"},
        {"at_ms": 5, "op": "set", "key": "k", "token": 1, "value": "v1"},
        {"at_ms": 10, "op": "get", "key": "k"},
        {"at_ms": 20, "op": "delete", "key": "k"},
        {"at_ms": 21, "op": "get", "key": "k"},
        {"at_ms": 22, "op": "get", "key": "k"},
        {"at_ms": 23, "op": "delete", "key": "k"},
        {"at_ms": 30, "op": "set", "key": "k", "token": 2, "value": "from before the delete"},
        {"at_ms": 31, "op": "get", "key": "k"},
    ]}));
    assert_eq!(results(&r), ["miss", "stored", "hit", "deleted", "miss", "stale", "deleted", "rejected", "miss"]);
    assert_eq!(r.calls[5].value.as_deref(), Some("v1"), "the hot miss carries the stale value");
    assert_eq!(r.calls[4].token, Some(2));
    assert_eq!(r.calls[8].token, Some(3));
}

fn swr(steps: serde_json::Value) -> ScriptReport {
    // max-age 600 ms, stale-while-revalidate 30 ms, stale-if-error 100 ms (RFC 5861's example
    // scaled from seconds), backend 0 ms so boundaries are exact instants.
    run(json!({"mode": "swr", "max_age_ms": 600, "swr_ms": 30, "sie_ms": 100, "backend_ms": 0, "steps": steps}))
}

#[test]
fn swr_boundaries_fresh_then_stale_while_revalidate_then_a_fetch() {
    // Stored at 0: fresh while age < 600; stale at 600 exactly; served stale "up to" 30 ms
    // more (630 inclusive); at 630.001 it must be fetched.
    let r = swr(json!([
        {"at_ms": 0, "key": "k"},
        {"at_ms": 599.999, "key": "k"},
    ]));
    assert_eq!(results(&r), ["miss", "hit"]);
    let r = swr(json!([{"at_ms": 0, "key": "k"}, {"at_ms": 600, "key": "k"}]));
    assert_eq!(results(&r), ["miss", "stale"]);
    assert_eq!(r.executions, 2, "the stale answer started one background revalidation");
    let r = swr(json!([{"at_ms": 0, "key": "k"}, {"at_ms": 630, "key": "k"}]));
    assert_eq!(results(&r), ["miss", "stale"]);
    let r = swr(json!([{"at_ms": 0, "key": "k"}, {"at_ms": 630.001, "key": "k"}]));
    assert_eq!(results(&r), ["miss", "miss"]);
}

#[test]
fn swr_one_revalidation_in_flight_and_its_value_lands() {
    let r = run(json!({"mode": "swr", "max_age_ms": 600, "swr_ms": 300, "sie_ms": 0, "backend_ms": 50, "steps": [
        {"at_ms": 0, "key": "k"},
        {"at_ms": 700, "key": "k"},
        {"at_ms": 720, "key": "k"},
        {"at_ms": 750, "key": "k"},
    ]}));
    // First: fetched (returns at 50, stored at 50 → fresh until 650). 700: stale, revalidate
    // (lands at 750). 720: stale, already revalidating. 750: the new value has landed.
    assert_eq!(results(&r), ["miss", "stale", "stale", "hit"]);
    assert_eq!(r.executions, 2);
    assert_eq!(r.calls[0].returned_at_ms, Some(50.0));
}

#[test]
fn sie_boundaries_serve_stale_on_error_up_to_the_window() {
    // Expired at 600; a failed fetch may fall back on the stale value while staleness ≤ 100.
    let r = swr(json!([
        {"at_ms": 0, "key": "k"},
        {"at_ms": 700, "key": "k", "backend_fails": true},
    ]));
    assert_eq!(results(&r), ["miss", "stale"]);
    let r = swr(json!([
        {"at_ms": 0, "key": "k"},
        {"at_ms": 700.001, "key": "k", "backend_fails": true},
    ]));
    assert_eq!(results(&r), ["miss", "error"]);
    // Nothing cached: an error is an error.
    let r = swr(json!([{"at_ms": 0, "key": "k", "backend_fails": true}]));
    assert_eq!(results(&r), ["error"]);
}

#[test]
fn the_cli_form_runs_and_hashes_and_rejects_bad_input_with_a_field() {
    let text = json!({"widget": "stampede_script", "version": 1, "mode": "singleflight", "steps": [
        {"at_ms": 0, "op": "do", "key": "k", "backend_ms": 10},
        {"at_ms": 5, "op": "do", "key": "k"},
    ]})
    .to_string();
    let a = run_any_json(&text, None).unwrap();
    let b = run_any_json(&text, None).unwrap();
    assert_eq!(a["trace_hash"], b["trace_hash"]);
    assert_eq!(a["executions"], 1);
    let bad = json!({"widget": "stampede_script", "version": 1, "mode": "singleflight", "steps": [
        {"at_ms": 5, "op": "do", "key": "k"}, {"at_ms": 1, "op": "do", "key": "k"}]})
    .to_string();
    let err = run_any_json(&bad, None).unwrap_err().to_string();
    assert!(err.contains("steps[1].at_ms"), "{err}");
    let bad = json!({"widget": "stampede_script", "version": 1, "mode": "lease", "interval_ms": 5, "steps": [{"at_ms": 0, "op": "set", "key": "k"}]})
        .to_string();
    assert!(run_any_json(&bad, None).unwrap_err().to_string().contains("steps[0].token"));
}
