//! The limits table against the validation code, and a regression test for every way a valid
//! link once hung a tab or cost minutes (issue: "Every accepted scenario finishes").

use faultline_core::engine::{Pattern, Simulation, MAX_RUN_EVENTS};
use faultline_core::headless::{self, RunError};
use faultline_core::limits;
use faultline_core::scenario::{decode_permalink, encode_permalink, scenario_from_json, Scenario};
use faultline_core::widgets::{self, WidgetFn};
use serde_json::{json, Value};

/// The first preset of a widget, as JSON.
fn first_preset(widget: &str) -> Value {
    let name = headless::presets().into_iter().find(|p| p.widget == widget).expect("every widget has a preset").name;
    serde_json::from_str(&headless::preset_json(&name).unwrap()).unwrap()
}

fn set_path(value: &mut Value, path: &str, to: Value) {
    let mut at = value;
    for part in path.split('.') {
        at = at.get_mut(part).unwrap_or_else(|| panic!("no field {path}"));
    }
    *at = to;
}

/// A number as JSON: whole numbers as integers, so integer fields take them too.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

fn run(value: &Value) -> Result<headless::Report, RunError> {
    headless::run_json(&value.to_string(), None)
}

#[test]
fn the_docs_hold_the_limits_table_verbatim() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/scenarios.md")).unwrap();
    let start = docs.find("<!-- limits:begin -->\n").expect("docs/scenarios.md marks the table") + "<!-- limits:begin -->\n".len();
    let end = docs.find("<!-- limits:end -->").unwrap();
    assert_eq!(&docs[start..end], limits::markdown_table(), "regenerate the table with `faultline limits`");
}

#[test]
fn every_numeric_limit_refuses_just_outside_and_accepts_inside() {
    let mut probed = 0;
    for limit in limits::all() {
        let Some(probe) = limit.probe else { continue };
        let widgets: Vec<&str> = if limit.scope == "scenario" { widgets::WIDGETS.iter().map(|w| w.name).collect() } else { vec![limit.scope] };
        for widget in widgets {
            let mut refused = first_preset(widget);
            set_path(&mut refused, limit.field, number(probe.refused));
            match run(&refused) {
                Err(RunError::Invalid(e)) => assert_eq!(e.field, limit.field, "{widget}: {e}"),
                other => panic!("{widget} {} = {} was not refused: {:?}", limit.field, probe.refused, other.map(|r| r.events)),
            }
            if let Some(accepted) = probe.accepted {
                let mut ok = first_preset(widget);
                set_path(&mut ok, limit.field, number(accepted));
                if let Err(e) = run(&ok) {
                    panic!("{widget} {} = {accepted} was refused: {e}", limit.field);
                }
            }
            probed += 1;
        }
    }
    assert!(probed >= 15, "the table probes its numeric limits ({probed})");
}

#[test]
fn counts_of_faults_and_actions_are_capped() {
    let mut value = first_preset("breaker");
    let heal = json!({ "at_ms": 0.0, "fault": { "kind": "heal" } });
    value["faults"] = Value::Array(vec![heal; faultline_core::scenario::MAX_FAULTS + 1]);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("too many faults accepted") };
    assert_eq!(e.field, "faults");
    let mut value = first_preset("breaker");
    value["faults"] = json!([]);
    let command = json!({ "at_ms": 0.0, "command": { "kind": "set_failure_probability", "probability": 0.5 } });
    value["actions"] = Value::Array(vec![command; faultline_core::scenario::MAX_ACTIONS + 1]);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("too many actions accepted") };
    assert_eq!(e.field, "actions");
}

/// Case 1 of the issue: a retry interval that rounded to 0 ticks re-armed at the instant it
/// fired, so virtual time never advanced. Refused now, and the shortest accepted one ends.
#[test]
fn a_sub_tick_hint_retry_is_refused_and_the_shortest_allowed_finishes() {
    let mut value = first_preset("quorum");
    value["params"]["sloppy_quorum"] = json!(true);
    value["faults"] = json!([{ "at_ms": 100.0, "fault": { "kind": "crash", "node": 0 } }]);
    value["params"]["hint_retry_ms"] = json!(0.0004);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("a 0.4 µs retry was accepted") };
    assert_eq!(e.field, "params.hint_retry_ms");
    value["params"]["hint_retry_ms"] = json!(1.0);
    let report = run(&value).expect("a 1 ms retry runs");
    assert!(report.events > 0);
}

/// Case 2: a Hystrix script step at 10^17 ms never ended.
#[test]
fn a_script_step_beyond_a_day_is_refused() {
    let script = json!({
        "widget": "breaker_script", "version": 1,
        "breaker": { "library": "hystrix", "health_snapshot_interval_ms": 1, "rolling_window_ms": 10 },
        "steps": [{ "at_ms": 1e17, "outcome": "failure" }]
    });
    let Err(RunError::Invalid(e)) = headless::run_any_json(&script.to_string(), None) else { panic!("accepted") };
    assert_eq!(e.field, "steps[0].at_ms");
    // The latest allowed step, with the finest snapshot interval, still ends.
    let mut script = script;
    script["steps"][0]["at_ms"] = json!(faultline_core::scenario::MAX_DURATION_MS);
    headless::run_any_json(&script.to_string(), None).expect("a step at one day runs");
}

/// Case 3: a ring link with a huge Maglev table and another algorithm: the comparison used it.
#[test]
fn a_maglev_table_size_is_checked_whatever_the_algorithm() {
    let mut value = first_preset("ring");
    assert_ne!(value["params"]["algorithm"], "maglev");
    value["params"]["maglev_table_size"] = json!(10_000_019u64);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "params.maglev_table_size");
    value["params"]["maglev_table_size"] = json!(65_537u64);
    value["params"]["load_factor_c"] = json!(-1.0);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "params.load_factor_c");
}

/// Case 4: a quorum at 1,000 writes/s with a 60 s timeout grew without bound; a day of
/// traffic is refused by the event estimate.
#[test]
fn work_that_would_take_minutes_is_refused_naming_a_field() {
    let mut value = first_preset("quorum");
    value["params"]["writes_per_second"] = json!(1000.0);
    value["params"]["timeout_ms"] = json!(60_000.0);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "params.writes_per_second", "{e}");
    let mut value = first_preset("quorum");
    value["params"]["reads_per_second"] = json!(1000.0);
    value["duration_ms"] = json!(faultline_core::scenario::MAX_DURATION_MS);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "duration_ms", "{e}");
    assert!(!e.to_string().contains('\n'));
}

/// Case 7: nonsense that was silently accepted.
#[test]
fn duplicate_keys_overflowing_weights_and_zero_tick_runs_are_refused() {
    let text = r#"{"widget":"ring","version":1,"seed":1,"seed":2,"duration_ms":10}"#;
    let e = scenario_from_json::<faultline_core::patterns::ring::RingSim>(text).unwrap_err();
    assert!(e.message.contains("\"seed\" appears twice"), "{e}");

    let mut value = first_preset("breaker");
    value["params"]["downstream"]["latency"] = json!({ "kind": "mixture", "components": [
        { "weight": 1e308, "latency": { "kind": "constant", "ms": 1.0 } },
        { "weight": 1e308, "latency": { "kind": "constant", "ms": 2.0 } }
    ]});
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "params.downstream.latency.components[0].weight");

    let mut value = first_preset("breaker");
    value["duration_ms"] = json!(0.0004);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "duration_ms");
}

/// Case 6: an oversize link, and bytes after the compressed stream.
#[test]
fn permalinks_refuse_oversize_and_trailing_bytes_in_one_line() {
    let json = headless::preset_json("breaker-outage").unwrap();
    let link = encode_permalink(&json);
    assert_eq!(decode_permalink(&link).unwrap(), json);

    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut bytes = engine.decode(&link).unwrap();
    bytes.extend_from_slice(b"junk");
    let e = decode_permalink(&engine.encode(&bytes)).unwrap_err();
    assert!(e.message.contains("stray bytes"), "{e}");

    let huge = " ".repeat(faultline_core::scenario::MAX_SCENARIO_BYTES + 10);
    let e = decode_permalink(&encode_permalink(&huge)).unwrap_err();
    assert!(e.message.contains("larger than"), "{e}");
    assert!(!e.to_string().contains('\n'));
}

/// The estimate each pattern gives is an upper estimate of the events its presets process,
/// and no preset comes near the cap.
#[test]
fn work_estimates_cover_every_preset() {
    struct Check(String);
    impl WidgetFn for Check {
        type Output = ();
        fn call<P: Pattern>(self) {
            for (name, scenario) in P::presets() {
                let processed = processed_events(&scenario);
                let estimate = P::work_estimate(&scenario) + (scenario.faults.len() + scenario.actions.len()) as f64;
                assert!(processed as f64 <= estimate.max(16.0), "{}/{name}: {processed} events, estimated {estimate}", self.0);
                assert!(estimate < MAX_RUN_EVENTS as f64 / 10.0, "{name}: {estimate}");
            }
        }
    }
    for w in widgets::WIDGETS {
        widgets::dispatch(w.name, Check(w.name.to_string())).unwrap();
    }
}

fn processed_events<P: Pattern>(scenario: &Scenario<P>) -> u64 {
    let schedule = scenario.schedule();
    let mut sim = Simulation::<P>::start(&scenario.params, scenario.seed, scenario.network_config(), 0);
    sim.run_until(scenario.duration(), &schedule);
    sim.processed()
}

/// Case 4 again: thousands of ring weight changes (a 5 KB link once ran for minutes) are
/// refused by the count cap, and a few hundred on the largest ring by the work estimate,
/// naming the commands as what to change.
#[test]
fn many_ring_commands_are_refused_naming_the_actions() {
    let mut value = first_preset("ring");
    let weights: Vec<Value> =
        (0..15_000).map(|i| json!({ "at_ms": 1.0, "command": { "kind": "set_weight", "node": i % 8, "weight": 100 + i % 300 } })).collect();
    value["actions"] = Value::Array(weights);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "actions");

    let mut value = first_preset("ring");
    value["params"]["algorithm"] = json!("ring");
    value["params"]["nodes"] = json!(200);
    value["params"]["vnodes"] = json!(1000);
    value["params"]["keys"] = json!(10_000_000u64);
    let weights: Vec<Value> =
        (0..900).map(|i| json!({ "at_ms": 1.0, "command": { "kind": "set_weight", "node": i % 200, "weight": 500 + i } })).collect();
    value["actions"] = Value::Array(weights);
    value["moments"] = json!([]);
    let Err(RunError::Invalid(e)) = run(&value) else { panic!("accepted") };
    assert_eq!(e.field, "actions", "{e}");
}
