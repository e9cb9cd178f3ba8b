//! Scenario files and permalinks: round trips, and errors that name the field.

mod support;

use faultline_core::engine::{Fault, Latency, NetworkConfig};
use faultline_core::scenario::*;
use proptest::prelude::*;
use support::{Gossip, GossipCommand, GossipParams};

fn sample() -> Scenario<Gossip> {
    let mut s = Scenario::new(42, 2_000.0, GossipParams { nodes: 5, fanout: 3, heartbeat_ms: 20 });
    s.title = "partition lesson".into();
    s.network = Some(NetworkConfig { latency: Latency::Pareto { xm_ms: 0.235, alpha: 10.0 }, drop_probability: 0.01 });
    s.faults.push(TimedFault { at_ms: 10.5, fault: Fault::Partition { groups: vec![vec![0, 1], vec![2]] } });
    s.actions.push(TimedCommand { at_ms: 0.25, command: GossipCommand::Start { node: 1, rumour: 2 } });
    s.cursor_ms = Some(123.456);
    s
}

#[test]
fn json_round_trips_exactly_and_starts_with_the_widget() {
    let s = sample();
    let json = scenario_to_json(&s, true);
    assert!(json.trim_start().starts_with("{\n  \"widget\": \"gossip\""), "{json}");
    assert_eq!(scenario_from_json::<Gossip>(&json).unwrap(), s);
}

#[test]
fn permalink_round_trips_exactly_and_is_url_safe() {
    let json = scenario_to_json(&sample(), false);
    let link = encode_permalink(&json);
    assert!(link.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{link}");
    assert!(link.len() < json.len(), "compression should pay off: {} vs {}", link.len(), json.len());
    assert_eq!(decode_permalink(&link).unwrap(), json);
}

#[test]
fn a_broken_permalink_is_an_error_not_a_panic() {
    assert_eq!(decode_permalink("!!!").unwrap_err().field, "link");
    assert_eq!(decode_permalink("AAAA").unwrap_err().field, "link");
}

fn error_field(json: &str) -> String {
    scenario_from_json::<Gossip>(json).unwrap_err().field
}

#[test]
fn each_kind_of_bad_input_names_its_field() {
    let ok = r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100}"#;
    assert!(scenario_from_json::<Gossip>(ok).is_ok());
    let cases = [
        (r#"{"version":1}"#, "widget"),
        (r#"{"widget":"ring","version":1,"seed":1,"duration_ms":100}"#, "widget"),
        (r#"{"widget":"gossip","version":9,"seed":1,"duration_ms":100}"#, "version"),
        (r#"{"widget":"gossip","seed":1,"duration_ms":100}"#, "version"),
        (r#"{"widget":"gossip","version":1,"seed":-1,"duration_ms":100}"#, "seed"),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":0}"#, "duration_ms"),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"colour":"red"}"#, "colour"),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"params":{"nodes":1}}"#, "params.nodes"),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"params":{"nodes":"many"}}"#, "params.nodes"),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"network":{"drop_probability":2}}"#, "network.drop_probability"),
        (
            r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"network":{"latency":{"kind":"uniform","min_ms":5,"max_ms":1}}}"#,
            "network.latency.max_ms",
        ),
        (
            r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"faults":[{"at_ms":1,"fault":{"kind":"heal"}},{"at_ms":500,"fault":{"kind":"heal"}}]}"#,
            "faults[1].at_ms",
        ),
        (
            r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"faults":[{"at_ms":1,"fault":{"kind":"crash","node":8}}]}"#,
            "faults[0].fault.node",
        ),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"faults":[{"at_ms":1,"fault":{"kind":"meteor"}}]}"#, "faults[0].fault.kind"),
        (
            r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"actions":[{"at_ms":1,"command":{"kind":"start","node":9,"rumour":1}}]}"#,
            "actions[0].command.node",
        ),
        (r#"{"widget":"gossip","version":1,"seed":1,"duration_ms":100,"cursor_ms":101}"#, "cursor_ms"),
        ("not json", ""),
    ];
    for (json, field) in cases {
        assert_eq!(error_field(json), field, "for {json}");
    }
    let unknown = scenario_from_json::<Gossip>(cases[6].0).unwrap_err();
    assert!(unknown.message.contains("colour"), "the message names the unknown field: {unknown}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_valid_scenario_survives_json_and_permalink(
        seed in any::<u64>(),
        duration in 1.0f64..1e6,
        crash_at in 0.0f64..1.0,
        node in 0u32..5,
        p in 0.0f64..=1.0,
        mean in 0.001f64..1e4,
    ) {
        let mut s = Scenario::<Gossip>::new(seed, duration, GossipParams { nodes: 5, ..Default::default() });
        s.network = Some(NetworkConfig { latency: Latency::Exponential { mean_ms: mean }, drop_probability: p });
        s.faults.push(TimedFault { at_ms: crash_at * duration, fault: Fault::Crash { node } });
        let json = scenario_to_json(&s, false);
        let back = scenario_from_json::<Gossip>(&decode_permalink(&encode_permalink(&json)).unwrap()).unwrap();
        prop_assert_eq!(back, s);
    }
}

/// Issue 12, predict then reveal: a question rides on a moment, survives a link, is graded by
/// the core, and a malformed one is refused naming its field.
#[test]
fn questions_round_trip_are_graded_and_are_validated() {
    let mut s = sample();
    s.duration_ms = 10_000.0;
    s.moments = vec![Moment { at_ms: 1_000.0, caption: "1 s: look".into(), question: None }];
    let choice = Question {
        ask: "Which one?".into(),
        answer: Answer::Choice { choices: vec!["a".into(), "b".into(), "c".into()], correct: 2 },
        explanation: "c, because.".into(),
    };
    let s = s.with_question(1_000.0, choice.clone());
    s.validate().unwrap();
    let back: Scenario<Gossip> = scenario_from_json(&decode_permalink(&encode_permalink(&scenario_to_json(&s, false))).unwrap()).unwrap();
    assert_eq!(back, s, "a question survives a link");
    assert!(choice.is_right(Given::Choice(2)));
    assert!(!choice.is_right(Given::Choice(0)));
    assert!(!choice.is_right(Given::Number(2.0)), "a number does not answer a choice");
    let number = Question { ask: "How many?".into(), answer: Answer::Number { value: 31.0, tolerance: 2.0 }, explanation: "31".into() };
    assert!(number.is_right(Given::Number(29.0)) && number.is_right(Given::Number(33.0)));
    assert!(!number.is_right(Given::Number(33.5)) && !number.is_right(Given::Number(f64::NAN)));

    let mut bad = s.clone();
    bad.moments[0].question.as_mut().unwrap().answer = Answer::Choice { choices: vec!["a".into(), "b".into()], correct: 2 };
    assert_eq!(bad.validate().unwrap_err().field, "moments[0].question.answer.correct");
    let mut bad = s.clone();
    bad.moments[0].question.as_mut().unwrap().answer = Answer::Choice { choices: vec!["only".into()], correct: 0 };
    assert_eq!(bad.validate().unwrap_err().field, "moments[0].question.answer.choices");
    let mut bad = s;
    bad.moments[0].question.as_mut().unwrap().ask = String::new();
    assert_eq!(bad.validate().unwrap_err().field, "moments[0].question.ask");
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    // Strings with the characters the re-indenter must not mistake for structure.
    let text = || proptest::string::string_regex(r#"[a-z{}\[\]:,"\\ é\n]{0,8}"#).unwrap();
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(text(), inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn indent_lays_out_compact_json_exactly_as_serde_json_pretty(value in json_value()) {
        let compact = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(indent(&compact), serde_json::to_string_pretty(&value).unwrap());
    }
}
