//! The browser writes and reads JSON through `faultline_core::json` (`derive(ToJson)`,
//! `derive(FromJson)`, from the same `#[serde]` attributes); natively serde reads files. The two
//! must agree: checked here on every lesson and default of every widget.
//!
//! - Writing: `json::to_string` gives serde_json's bytes, for the scenario and for every trace
//!   entry of a run (what permalinks and trace hashes are made of).
//! - Reading: the browser's `scenario_from_json` and the native one accept the same files with
//!   the same result, and refuse the same damaged ones: each file damaged in the ways a
//!   hand-edited link is (a field removed, an unknown field, a value of the wrong type, an
//!   unknown name), at every depth.

use std::fmt::Debug;

use faultline_core::engine::Pattern;
use faultline_core::json::{self, FromJson, Json, ToJson};
use faultline_core::patterns::breaker::BreakerSim;
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::patterns::ring::RingSim;
use faultline_core::patterns::saga::sim::SagaSim;
use faultline_core::patterns::stampede::StampedeSim;
use faultline_core::player::Player;
use faultline_core::scenario::codec::browser;
use faultline_core::scenario::{scenario_from_json, scenario_to_json};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Every damaged form of `value`: at each object and array inside it, one change at a time.
fn damaged(value: &Value, out: &mut Vec<Value>) {
    fn walk(value: &Value, rebuild: &dyn Fn(Value) -> Value, out: &mut Vec<Value>) {
        for replacement in [Value::from("not this type"), Value::Null, Value::from(-1), Value::from(1.5), Value::from(u64::MAX), Value::Array(vec![])]
        {
            // serde also reads a struct from an array of its fields in order, a form Faultline
            // never writes: the browser refuses it.
            let positional = value.is_object() && replacement.is_array();
            if replacement != *value && !positional {
                out.push(rebuild(replacement));
            }
        }
        match value {
            Value::String(_) => out.push(rebuild(Value::from("no_such_name"))),
            Value::Object(fields) => {
                let mut extra = fields.clone();
                extra.insert("no_such_field".into(), Value::from(1));
                out.push(rebuild(Value::Object(extra)));
                for (key, field) in fields {
                    let mut without = fields.clone();
                    without.remove(key);
                    out.push(rebuild(Value::Object(without)));
                    let inner = |v: Value| {
                        let mut copy = fields.clone();
                        copy.insert(key.clone(), v);
                        rebuild(Value::Object(copy))
                    };
                    walk(field, &inner, out);
                }
            }
            Value::Array(items) => {
                // The first two items stand for the rest: every action is alike.
                for (i, item) in items.iter().enumerate().take(2) {
                    let inner = |v: Value| {
                        let mut copy = items.clone();
                        copy[i] = v;
                        rebuild(Value::Array(copy))
                    };
                    walk(item, &inner, out);
                }
            }
            _ => {}
        }
    }
    walk(value, &|v| v, out);
}

/// Both readers on `text`: both accept it with the same scenario, or both refuse it.
fn read_alike<P: Pattern>(text: &str) -> bool {
    let native = scenario_from_json::<P>(text);
    let browser = browser::scenario_from_json::<P>(text);
    match (&native, &browser) {
        (Ok(a), Ok(b)) => {
            assert_eq!(scenario_to_json(a, false), scenario_to_json(b, false), "both read {text}");
            true
        }
        (Err(_), Err(_)) => false,
        _ => panic!("{}: serde and the browser disagree on\n{text}\nserde: {native:?}\nbrowser: {browser:?}", P::WIDGET),
    }
}

fn writes_alike<T: Serialize + ToJson + ?Sized>(value: &T, what: &str) {
    assert_eq!(json::to_string(value), serde_json::to_string(value).unwrap(), "{what}");
}

fn check_widget<P: Pattern>() {
    let mut scenarios = P::presets();
    scenarios.push(("default", P::default_scenario()));
    let (mut accepted, mut refused) = (0, 0);
    for (name, scenario) in scenarios {
        writes_alike(&scenario, name);
        let text = scenario_to_json(&scenario, false);
        assert!(read_alike::<P>(&text), "{name}: both read the lesson");
        let mut bad = Vec::new();
        damaged(&serde_json::from_str(&text).unwrap(), &mut bad);
        for value in bad {
            if read_alike::<P>(&value.to_string()) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }

        // A run's trace entries, written both ways.
        let mut player = Player::new(scenario.clone(), 300).unwrap();
        player.seek(u64::MAX);
        let entries: Vec<_> = player.sim().trace().recent().collect();
        assert!(!entries.is_empty(), "{name}: the run has events");
        for entry in entries {
            writes_alike(entry, name);
        }
    }
    // The damage reached both sides of the readers: some forms still read, most do not.
    assert!(accepted > 0 && refused > accepted, "{}: {accepted} damaged forms read, {refused} refused", P::WIDGET);
}

#[test]
fn ring_reads_and_writes_alike() {
    check_widget::<RingSim>();
}

#[test]
fn quorum_reads_and_writes_alike() {
    check_widget::<QuorumSim>();
}

#[test]
fn saga_reads_and_writes_alike() {
    check_widget::<SagaSim>();
}

#[test]
fn stampede_reads_and_writes_alike() {
    check_widget::<StampedeSim>();
}

#[test]
fn breaker_reads_and_writes_alike() {
    check_widget::<BreakerSim>();
}

/// What serde_json writes for each kind of value, and what it refuses to read.
#[test]
fn values_write_and_read_as_serde_json_does() {
    fn both<T: Serialize + DeserializeOwned + ToJson + FromJson + PartialEq + Debug>(value: T) {
        writes_alike(&value, &format!("{value:?}"));
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(json::from_str::<T>(&text).unwrap(), value, "{text}");
    }
    for x in [0.0, -0.0, 1.0, 0.1, 1.5e300, 1e-7, 123456789.125, 0.30000000000000004, f64::MIN_POSITIVE, 5e-324, 1e21, 1e16] {
        both(x);
    }
    both(u64::MAX);
    both(i64::MIN);
    both(String::from("quote \" backslash \\ newline \n tab \t bell \u{7} é ☃ 🦀 /"));
    both(vec![Some(1u32), None]);
    both((3i64, 4u32));
    for text in ["{\"a\":1,\"a\":2}", "[1,]", "01", "1.", "-", "\"\\x\"", "\"\u{1}\"", "[1] 2", "1e400", "\"\\ud800\"", "nul", "{\"a\" 1}"] {
        assert!(json::parse(text).is_err(), "{text} is refused");
        assert!(serde_json::from_str::<Value>(text).is_err() || text.contains("\"a\":1,\"a\""), "serde_json refuses {text} too");
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(json::parse(&deep).is_err(), "nesting is limited as serde_json limits it");
    assert_eq!(json::parse("-0").unwrap(), Json::Number(json::Number::Float(-0.0)));
    assert_eq!(json::parse(" {\"k\" : [true, null, \"\\u00e9\\ud83e\\udd80\"]} ").unwrap().to_string(), "{\"k\":[true,null,\"é🦀\"]}");
}

/// Where the browser's reader says a bad field is.
#[test]
fn errors_name_the_field_path() {
    let text = "{\"widget\":\"ring\",\"version\":1,\"seed\":1,\"duration_ms\":1000,\"params\":{\"vnodes\":\"many\"}}";
    let error = browser::scenario_from_json::<RingSim>(text).unwrap_err();
    assert_eq!(error.field, "params.vnodes", "{error}");
    let text = "{\"widget\":\"ring\",\"version\":1,\"seed\":1,\"duration_ms\":1000,\"faults\":[{\"at_ms\":1,\"fault\":{\"kind\":\"crash\"}}]}";
    let error = browser::scenario_from_json::<RingSim>(text).unwrap_err();
    assert_eq!(error.field, "faults[0].fault", "{error}");
    assert!(error.to_string().contains("missing field `node`"), "{error}");
}
