//! The browser reads internally tagged enums through an externally tagged twin
//! (`faultline_core::scenario::tagged`), natively serde's derive reads them. Both must accept the
//! same values, give the same result, and refuse the same damaged ones: checked here on every
//! such value in every lesson, on one value per variant, and on each value damaged in the ways a
//! hand-edited link is (no tag, an unknown or non-string tag, an unknown field, a missing field,
//! a field of the wrong type).

use std::fmt::Debug;

use faultline_core::engine::{Fault, Latency, MixtureComponent, Pattern};
use faultline_core::patterns::breaker::{BreakerConfig, BreakerSim, BreakerSpec, HystrixConfig, PollyConfig, WaitInterval};
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::patterns::ring::RingSim;
use faultline_core::patterns::saga::sim::{FaultSpec, SagaSim};
use faultline_core::patterns::stampede::StampedeSim;
use faultline_core::scenario::tagged::TaggedEnum;
use faultline_core::scenario::{Answer, Scenario};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The damaged forms of `json` (an object with `tag`) that a hand-edited link could carry.
fn damaged(json: &Value, tag: &str) -> Vec<Value> {
    let Value::Object(fields) = json else { panic!("a tagged enum serialises as an object: {json}") };
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut copy = fields.clone();
        f(&mut copy);
        Value::Object(copy)
    };
    out.push(with(&|m| {
        m.remove(tag);
    }));
    out.push(with(&|m| {
        m.insert(tag.into(), Value::from("no_such_variant"));
    }));
    out.push(with(&|m| {
        m.insert(tag.into(), Value::from(3));
    }));
    out.push(with(&|m| {
        m.insert("no_such_field".into(), Value::from(1));
    }));
    for name in fields.keys().filter(|k| *k != tag) {
        out.push(with(&|m| {
            m.remove(name);
        }));
        out.push(with(&|m| {
            m.insert(name.clone(), Value::from("not this type"));
        }));
    }
    out.push(Value::from("a string"));
    out.push(Value::Null);
    out
}

fn both_read_alike<T: TaggedEnum + Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_value(value).unwrap();
    assert_eq!(T::from_tagged_value(json.clone()).unwrap(), *value, "the twin reads back {json}");
    for bad in damaged(&json, T::TAG) {
        let derived = serde_json::from_value::<T>(bad.clone());
        let twin = T::from_tagged_value(bad.clone());
        match (derived, twin) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "both accept {bad} but read it differently"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("serde's derive gives {a:?} and the twin {b:?} for {bad}"),
        }
    }
}

fn presets<P: Pattern>() -> Vec<Scenario<P>> {
    P::presets().into_iter().map(|(_, s)| s).collect()
}

/// The scenario-level values of one widget's lessons: faults, commands, questions.
fn check_lessons<P: Pattern>()
where
    P::Command: TaggedEnum + DeserializeOwned + PartialEq + Debug,
{
    let lessons = presets::<P>();
    assert!(!lessons.is_empty());
    for scenario in &lessons {
        scenario.faults.iter().for_each(|f| both_read_alike(&f.fault));
        scenario.actions.iter().for_each(|a| both_read_alike(&a.command));
        scenario.moments.iter().filter_map(|m| m.question.as_ref()).for_each(|q| both_read_alike(&q.answer));
    }
}

#[test]
fn every_lesson_reads_alike_both_ways() {
    check_lessons::<RingSim>();
    check_lessons::<QuorumSim>();
    check_lessons::<SagaSim>();
    check_lessons::<StampedeSim>();
    check_lessons::<BreakerSim>();
}

#[test]
fn every_variant_of_the_shared_enums_reads_alike() {
    let slow = Latency::Exponential { mean_ms: 5.0 };
    let latencies = [
        Latency::Constant { ms: 1.0 },
        Latency::Uniform { min_ms: 1.0, max_ms: 2.0 },
        slow.clone(),
        Latency::Pareto { xm_ms: 1.0, alpha: 2.0 },
        Latency::Shifted { offset_ms: 3.0, inner: Box::new(slow.clone()) },
        Latency::Mixture { components: vec![MixtureComponent { weight: 1.0, latency: slow.clone() }] },
    ];
    latencies.iter().for_each(both_read_alike);
    let faults = [
        Fault::Crash { node: 1 },
        Fault::Restart { node: 1 },
        Fault::Partition { groups: vec![vec![0, 1], vec![2]] },
        Fault::Heal,
        Fault::SlowLink { from: 0, to: 1, latency: slow, both_ways: true },
        Fault::LossyLink { from: 0, to: 1, drop_probability: 0.5, both_ways: false },
        Fault::RestoreLink { from: 0, to: 1, both_ways: false },
        Fault::DropRate { probability: 0.1 },
    ];
    faults.iter().for_each(both_read_alike);
    both_read_alike(&Answer::Choice { choices: vec!["a".into(), "b".into()], correct: 1 });
    both_read_alike(&Answer::Number { value: 3.0, tolerance: 0.5 });
    for fault in [FaultSpec::Business, FaultSpec::Transient { times: 2 }, FaultSpec::Timeout { times: 1 }] {
        both_read_alike(&fault);
    }
}

#[test]
fn every_widget_enum_in_the_lessons_params_reads_alike() {
    for scenario in presets::<BreakerSim>() {
        both_read_alike(&scenario.params.breaker);
        both_read_alike(&scenario.params.downstream.latency);
        if let BreakerSpec::Resilience4j(config) = &scenario.params.breaker {
            config.wait_interval_function_in_open_state.iter().for_each(both_read_alike);
        }
    }
    both_read_alike(&BreakerSpec::Polly(PollyConfig::default()));
    both_read_alike(&BreakerSpec::Hystrix(HystrixConfig::default()));
    both_read_alike(&WaitInterval::Fixed { interval_ms: 1000 });
    both_read_alike(&WaitInterval::ExponentialBackoff { initial_interval_ms: 1000, multiplier: 2.0, max_interval_ms: Some(16_000) });
    let _ = BreakerConfig::default();
    for scenario in presets::<RingSim>() {
        both_read_alike(&scenario.params.workload);
    }
    for scenario in presets::<QuorumSim>() {
        both_read_alike(&scenario.params.coordinator);
    }
    for scenario in presets::<SagaSim>() {
        scenario.params.faults.iter().for_each(|f| both_read_alike(&f.fault));
    }
    for scenario in presets::<StampedeSim>() {
        both_read_alike(&scenario.params.popularity);
        both_read_alike(&scenario.params.protection);
        both_read_alike(&scenario.params.recompute);
    }
}
