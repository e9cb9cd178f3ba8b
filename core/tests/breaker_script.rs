//! The headless script runner: JSON in, per-step reports out.

use faultline_core::patterns::breaker::{run_script, BreakerScript, State};

fn parse(json: &str) -> BreakerScript {
    serde_json::from_str(json).expect("valid script JSON")
}

#[test]
fn a_resilience4j_script_step_by_step() {
    let script = parse(
        r#"{
        "breaker": { "library": "resilience4j", "sliding_window_size": 4, "minimum_number_of_calls": 4,
                     "wait_duration_in_open_state_ms": 1000 },
        "steps": [
            { "at_ms": 0,    "outcome": "failure" },
            { "at_ms": 10,   "outcome": "success" },
            { "at_ms": 20,   "outcome": "failure" },
            { "at_ms": 30,   "outcome": "success", "duration_ms": 5 },
            { "at_ms": 500,  "outcome": "success" },
            { "at_ms": 1030, "outcome": "success" },
            { "at_ms": 1031, "outcome": "success" },
            { "at_ms": 1032, "transition": "forced_open" },
            { "at_ms": 1033, "transition": "metrics_only" },
            { "at_ms": 1034, "transition": "open" },
            { "at_ms": 1035, "outcome": "ignored_error" }
        ]
    }"#,
    );
    let report = run_script(&script).unwrap();
    let s = &report.steps;
    assert_eq!(s.len(), 11);

    assert_eq!((s[0].permitted, s[0].state), (Some(true), State::Closed));
    assert_eq!((s[0].metrics.failure_rate, s[0].metrics.buffered, s[0].metrics.failed), (-1.0, 1, 1));

    // F S F S: 50 % ≥ 50 % on the fourth call.
    assert_eq!(s[3].state, State::Open);
    assert_eq!(s[3].transition_lines, vec!["4 calls, 50% ≥ 50% → OPEN"]);
    assert_eq!((s[3].metrics.failure_rate, s[3].metrics.buffered, s[3].metrics.failed), (50.0, 4, 2));

    assert_eq!((s[4].permitted, s[4].metrics.not_permitted), (Some(false), 1));
    // Opened at 30 ms with a 1 s wait: 1030 ms is not *after* the wait.
    assert_eq!((s[5].permitted, s[5].metrics.not_permitted, s[5].state), (Some(false), 2, State::Open));
    assert_eq!((s[6].permitted, s[6].state), (Some(true), State::HalfOpen));
    assert_eq!(s[6].transition_lines, vec!["waited 1001 ms (next call) → HALF_OPEN"]);
    assert_eq!((s[6].metrics.buffered, s[6].metrics.failure_rate), (1, -1.0));

    assert_eq!((s[7].permitted, s[7].state), (None, State::ForcedOpen));
    assert_eq!(s[7].transition_lines, vec!["manual → FORCED_OPEN"]);
    assert_eq!(s[8].state, State::MetricsOnly);
    assert_eq!(s[9].error.as_deref(), Some("illegal state transition from METRICS_ONLY to OPEN"));
    assert_eq!(s[9].state, State::MetricsOnly);
    assert!(s[9].transitions.is_empty());
    assert_eq!((s[10].permitted, s[10].metrics.buffered), (Some(true), 0));
    assert_eq!(report.final_state, State::MetricsOnly);

    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains(r#""state":"HALF_OPEN""#));
    assert!(json.contains(r#""not_permitted":2"#));
    assert!(json.contains(r#""final_state":"METRICS_ONLY""#));
}

#[test]
fn timers_fire_between_steps_and_are_reported_with_the_next_step() {
    let script = parse(
        r#"{
        "breaker": { "library": "resilience4j", "sliding_window_size": 1, "minimum_number_of_calls": 1,
                     "wait_duration_in_open_state_ms": 1000,
                     "automatic_transition_from_open_to_half_open_enabled": true },
        "steps": [
            { "at_ms": 0, "outcome": "failure" },
            { "at_ms": 5000 }
        ]
    }"#,
    );
    let report = run_script(&script).unwrap();
    let step = &report.steps[1];
    assert_eq!((step.permitted, step.state), (None, State::HalfOpen));
    assert_eq!(step.transitions[0].at, 1_000_000);
    assert_eq!(step.transition_lines, vec!["waited 1000 ms (timer) → HALF_OPEN"]);
}

#[test]
fn the_same_calls_under_three_libraries() {
    // Two failures, then a call at exactly the end of a 1 s (r4j/Polly) break.
    let steps = r#"[
        { "at_ms": 0, "outcome": "failure" },
        { "at_ms": 0, "outcome": "failure" },
        { "at_ms": 1000, "outcome": "success" }
    ]"#;
    let r4j = parse(&format!(
        r#"{{ "breaker": {{ "library": "resilience4j", "sliding_window_size": 2, "minimum_number_of_calls": 2,
             "wait_duration_in_open_state_ms": 1000 }}, "steps": {steps} }}"#
    ));
    let polly = parse(&format!(
        r#"{{ "breaker": {{ "library": "polly", "failure_ratio": 0.5, "minimum_throughput": 2,
             "break_duration_ms": 1000 }}, "steps": {steps} }}"#
    ));
    let hystrix = parse(&format!(
        r#"{{ "breaker": {{ "library": "hystrix", "request_volume_threshold": 2,
             "sleep_window_ms": 1000 }}, "steps": {steps} }}"#
    ));
    let r = run_script(&r4j).unwrap();
    assert_eq!(r.steps[1].state, State::Open);
    assert_eq!(r.steps[2].permitted, Some(false)); // strictly after
    let p = run_script(&polly).unwrap();
    assert_eq!(p.steps[1].state, State::Open);
    assert_eq!((p.steps[2].permitted, p.steps[2].state), (Some(true), State::Closed)); // ≥, probe closes
    let h = run_script(&hystrix).unwrap();
    // Hystrix has not even opened yet at 0 ms: the snapshot comes at 500 ms; then it sleeps
    // until strictly after 1500 ms.
    assert_eq!(h.steps[1].state, State::Closed);
    assert_eq!((h.steps[2].permitted, h.steps[2].state), (Some(false), State::Open));
    assert_eq!(h.steps[2].transitions[0].at, 500_000);
}

#[test]
fn bad_scripts_are_errors_that_name_the_field() {
    let bad_config = parse(r#"{ "breaker": { "library": "resilience4j", "failure_rate_threshold": 0 }, "steps": [] }"#);
    let e = run_script(&bad_config).unwrap_err();
    assert_eq!(e.to_string(), "breaker.failure_rate_threshold: must be in (0, 100], got 0");

    let out_of_order = parse(r#"{ "steps": [ { "at_ms": 5, "outcome": "success" }, { "at_ms": 4, "outcome": "success" } ] }"#);
    assert_eq!(run_script(&out_of_order).unwrap_err().field, "steps[1].at_ms");

    let both = parse(r#"{ "steps": [ { "at_ms": 5, "outcome": "success", "transition": "open" } ] }"#);
    assert_eq!(run_script(&both).unwrap_err().field, "steps[0].transition");

    assert!(serde_json::from_str::<BreakerScript>(r#"{ "steps": [ { "at_ms": 1, "outcom": "success" } ] }"#).is_err());
    assert!(serde_json::from_str::<BreakerScript>(r#"{ "breaker": { "library": "sentinel" } }"#).is_err());
    assert!(serde_json::from_str::<BreakerScript>(r#"{ "breaker": { "library": "polly", "failure_rate_threshold": 5 } }"#).is_err());
}
