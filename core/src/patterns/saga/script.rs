//! The scripted form, `"widget": "saga_script"`: a definition, an engine and per-step
//! outcomes in words ("T3 fails (business)", "C2 fails once", "T4 times out once") in; the
//! executed history (`T1 T2 T3✗ C2 C1`), the outcome and the participants' end state out.
//! It runs the same orchestrator as the widget, on a fault-free network with 100 ms links,
//! so retry schedules come out as exact times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::definition::{Definition, RetryPolicy};
use super::engine::{EngineKind, EngineSpec};
use super::sim::{FaultSpec, SagaParams, SagaSim, StepFault};
use crate::engine::{Latency, NetworkConfig};
use crate::error::FieldError;
use crate::scenario::Scenario;

/// One-way latency of every link in a script run.
pub const SCRIPT_LINK_MS: f64 = 100.0;
/// A script run stops here at the latest (a saga still running then is reported stuck).
pub const SCRIPT_HORIZON_MS: f64 = 3_600_000.0;

fn one() -> u32 {
    1
}

fn default_spacing() -> f64 {
    super::sim::DEFAULT_SPACING_MS
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(untagged)]
pub enum DefinitionRef {
    Builtin(String),
    Custom(Box<Definition>),
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(untagged)]
pub enum EngineRef {
    Name(String),
    Spec(EngineSpec),
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct SagaScript {
    pub definition: DefinitionRef,
    pub engine: EngineRef,
    #[serde(default)]
    pub retry: RetryPolicy,
    #[serde(default = "yes")]
    pub idempotency: bool,
    #[serde(default)]
    pub duplicate_delivery: bool,
    /// Overrides of the definition's saga inputs (conditions).
    #[serde(default)]
    pub inputs: BTreeMap<String, bool>,
    /// Per-step outcomes in words; unnamed steps succeed.
    #[serde(default)]
    pub outcomes: Vec<String>,
    /// Richardson's semantic lock countermeasure.
    #[serde(default)]
    pub semantic_lock: bool,
    /// `orchestration` (default) or `choreography`.
    #[serde(default)]
    pub coordination: super::sim::Coordination,
    /// Sagas in flight over the same services' state (1 to 8), started `spacing_ms` apart.
    #[serde(default = "one")]
    pub sagas: u32,
    #[serde(default = "default_spacing")]
    pub spacing_ms: f64,
    /// How shared cells are updated: `none` (read, then write), `semantic_lock`,
    /// `commutative_updates` (the default) or `version_check`.
    #[serde(default)]
    pub countermeasure: super::sim::Countermeasure,
    /// When the customer cancels the order, racing the saga.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_at_ms: Option<f64>,
}

fn yes() -> bool {
    true
}

fn count(word: &str) -> Option<u32> {
    match word {
        "once" => Some(1),
        "twice" => Some(2),
        n => n.parse().ok(),
    }
}

/// Reads "T3 fails (business)", "T2 fails 3 times", "C2 fails once", "T4 times out twice",
/// each optionally for one saga of several: "saga 2: T1 fails".
pub fn parse_outcome(text: &str) -> Result<StepFault, String> {
    let cleaned = text.trim().to_ascii_lowercase().replace(['(', ')', ':'], " ");
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut saga = None;
    if let ["saga", n, ..] = words[..] {
        saga = Some(n.parse::<u32>().map_err(|_| format!("{n:?} is not a saga number such as 2 in \"saga 2: T1 fails\""))?);
        words.drain(..2);
    }
    let usage = "expected e.g. \"T3 fails (business)\", \"T2 fails 3 times\", \"C2 fails once\" or \"T4 times out once\"";
    let (head, rest) = words.split_first().ok_or_else(|| format!("empty outcome; {usage}"))?;
    let compensation = match head.chars().next() {
        Some('t') => false,
        Some('c') => true,
        _ => return Err(format!("{text:?} must start with a step such as T3 or C2; {usage}")),
    };
    let step: usize = head[1..].parse().map_err(|_| format!("{head:?} is not a step such as T3 or C2; {usage}"))?;
    let times = |words: &[&str]| -> Result<u32, String> {
        match words {
            [] => Ok(1),
            [n] | [n, "times" | "time"] => count(n).ok_or_else(|| format!("{n:?} is not a count; {usage}")),
            _ => Err(format!("cannot read {text:?}; {usage}")),
        }
    };
    let fault = match rest {
        ["fails"] | ["fails", "business"] => FaultSpec::Business,
        ["fails", more @ ..] => {
            let more: Vec<&str> = more.iter().copied().filter(|w| *w != "transient").collect();
            FaultSpec::Transient { times: times(&more)? }
        }
        ["times", "out", more @ ..] => FaultSpec::Timeout { times: times(more)? },
        _ => return Err(format!("cannot read {text:?}; {usage}")),
    };
    Ok(StepFault { step, compensation, fault, saga })
}

impl SagaScript {
    /// The widget's parameters for this script.
    pub fn params(&self) -> Result<SagaParams, FieldError> {
        let mut definition = match &self.definition {
            DefinitionRef::Builtin(name) => Definition::builtin(name).ok_or_else(|| {
                let known: Vec<&str> = Definition::BUILTIN.iter().map(|b| b.0).collect();
                FieldError::new("definition", format!("no built-in saga {name:?}; known: {}", known.join(", ")))
            })?,
            DefinitionRef::Custom(d) => (**d).clone(),
        };
        for (flag, value) in &self.inputs {
            if !definition.inputs.contains_key(flag) {
                return Err(FieldError::new(format!("inputs.{flag}"), "the definition has no such input"));
            }
            definition.inputs.insert(flag.clone(), *value);
        }
        let engine = match &self.engine {
            EngineRef::Name(name) => {
                EngineSpec { kind: name.parse::<EngineKind>().map_err(|e| FieldError::new("engine", e.message))?, ..EngineSpec::default() }
            }
            EngineRef::Spec(spec) => *spec,
        };
        let faults = self
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, text)| parse_outcome(text).map_err(|m| FieldError::new(format!("outcomes[{i}]"), m)))
            .collect::<Result<Vec<_>, _>>()?;
        let params = SagaParams {
            definition,
            engine,
            retry: self.retry.clone(),
            idempotency: self.idempotency,
            duplicate_delivery: self.duplicate_delivery,
            semantic_lock: self.semantic_lock,
            coordination: self.coordination,
            faults,
            start_ms: 0.0,
            sagas: self.sagas,
            spacing_ms: self.spacing_ms,
            countermeasure: self.countermeasure,
        };
        <SagaSim as crate::engine::Pattern>::validate(&params).map_err(|e| match e.field.strip_prefix("faults") {
            Some(rest) => FieldError::new(format!("outcomes{rest}"), e.message),
            None => e,
        })?;
        Ok(params)
    }

    pub fn scenario(&self) -> Result<Scenario<SagaSim>, FieldError> {
        let mut s = Scenario::new(1, SCRIPT_HORIZON_MS, self.params()?);
        s.network = Some(NetworkConfig { latency: Latency::Constant { ms: SCRIPT_LINK_MS }, drop_probability: 0.0 });
        if let Some(at_ms) = self.cancel_at_ms {
            s.actions.push(crate::scenario::TimedCommand { at_ms, command: super::sim::SagaCommand::CancelOrder });
        }
        s.validate().map_err(|e| if e.field.starts_with("actions") { FieldError::new("cancel_at_ms", e.message) } else { e })?;
        Ok(s)
    }
}

/// `"widget": "saga_script"` files for `faultline run`.
pub struct SagaScriptForm;

impl crate::headless::ScriptForm for SagaScriptForm {
    const WIDGET: &'static str = "saga_script";

    fn run(value: serde_json::Value, trace: Option<&mut dyn std::io::Write>) -> Result<serde_json::Value, crate::headless::RunError> {
        use crate::headless::RunError;
        let script: SagaScript = crate::headless::read_script(value, Self::WIDGET)?;
        let scenario = script.scenario().map_err(RunError::Invalid)?;
        let report = crate::headless::run(&scenario, trace)?;
        let mut out = serde_json::Map::new();
        out.insert("widget".into(), Self::WIDGET.into());
        out.insert("seed".into(), report.seed.into());
        out.insert("events".into(), report.events.into());
        out.insert("trace_hash".into(), report.trace_hash.into());
        if let serde_json::Value::Object(metrics) = report.metrics {
            for key in ["definition", "engine", "outcome", "final_history", "history", "errors", "violations", "entries", "sagas", "counts"] {
                if let Some(v) = metrics.get(key) {
                    let name = match key {
                        "final_history" => "history",
                        "history" => "attempts",
                        "outcome" if v == "running" => {
                            out.insert("outcome".into(), "stuck".into());
                            continue;
                        }
                        k => k,
                    };
                    out.insert(name.into(), v.clone());
                }
            }
            if let Some(serde_json::Value::Array(ps)) = metrics.get("participants") {
                let end: serde_json::Map<String, serde_json::Value> = crate::order::map_of(ps.iter().filter_map(|p| {
                    let name = p.get("name")?.as_str()?.to_string();
                    Some((name, serde_json::json!({ "cells": p.get("cells")?, "rows": p.get("rows")? })))
                }));
                out.insert("end_state".into(), serde_json::Value::Object(end));
            }
        }
        Ok(serde_json::Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(parse_outcome("T3 fails (business)").unwrap(), StepFault { step: 3, compensation: false, fault: FaultSpec::Business, saga: None });
        assert_eq!(
            parse_outcome("C2 fails once").unwrap(),
            StepFault { step: 2, compensation: true, fault: FaultSpec::Transient { times: 1 }, saga: None }
        );
        assert_eq!(parse_outcome("saga 2: T1 fails").unwrap(), StepFault { step: 1, compensation: false, fault: FaultSpec::Business, saga: Some(2) });
        assert_eq!(parse_outcome("t2 fails 3 times (transient)").unwrap().fault, FaultSpec::Transient { times: 3 });
        assert_eq!(parse_outcome("T4 times out twice").unwrap().fault, FaultSpec::Timeout { times: 2 });
        assert!(parse_outcome("X3 explodes").is_err());
        assert!(parse_outcome("T3 fails sometimes").is_err());
    }
}
