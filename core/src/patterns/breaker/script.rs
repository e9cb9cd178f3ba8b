//! A scripted-call runner: a breaker spec plus timed steps in, one report per step out.
//!
//! A call step asks for permission at `at_ms` and, if permitted, reports its outcome at the
//! same instant (`duration_ms` only decides whether it was slow). A transition step applies a
//! manual transition. A step with neither just lets time pass (timers due by then fire).
//! Before each step, every timer due at or before it fires at its own time, and the
//! transitions it causes are reported with that step.

use serde::{Deserialize, Serialize};

use super::machine::ErrorKind;
use super::presets::{BreakerSpec, CommonMetrics, ManualTransition};
use super::state::{State, Transition};
use crate::engine::time::{ticks_from_ms, Tick};

/// How a scripted call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    Success,
    Failure,
    IgnoredError,
}

/// One timed step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct ScriptStep {
    pub at_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StepOutcome>,
    #[serde(default)]
    pub duration_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<ManualTransition>,
}

/// The runner's input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerScript {
    pub breaker: BreakerSpec,
    pub steps: Vec<ScriptStep>,
}

/// What happened at one step.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct StepReport {
    pub index: usize,
    pub at_ms: f64,
    /// For call steps: whether the breaker let the call through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permitted: Option<bool>,
    /// For transition steps the breaker refused (an illegal transition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub state: State,
    pub metrics: CommonMetrics,
    /// Transitions that fired during this step (including timers due before it).
    pub transitions: Vec<Transition>,
    /// The same transitions as the UI prints them.
    pub transition_lines: Vec<String>,
}

/// The runner's output.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct ScriptReport {
    pub steps: Vec<StepReport>,
    pub final_state: State,
}

/// Why a script could not run: the crate-wide error that names the offending field.
pub type ScriptError = crate::error::FieldError;

/// Most steps a script may have, and the latest time one may be at (a scenario's limits).
pub const MAX_STEPS: usize = crate::scenario::MAX_ACTIONS;
pub const MAX_STEP_MS: f64 = crate::scenario::MAX_DURATION_MS;

fn validate_steps(steps: &[ScriptStep]) -> Result<(), ScriptError> {
    if steps.len() > MAX_STEPS {
        return Err(ScriptError { field: "steps".into(), message: format!("at most {MAX_STEPS} steps, got {}", steps.len()) });
    }
    let mut previous = 0.0f64;
    for (i, step) in steps.iter().enumerate() {
        let err = |field: &str, message: String| Err(ScriptError { field: format!("steps[{i}].{field}"), message });
        if !(step.at_ms.is_finite() && (0.0..=MAX_STEP_MS).contains(&step.at_ms)) {
            return err("at_ms", format!("must be a time in [0, {MAX_STEP_MS}] ms, got {}", step.at_ms));
        }
        if step.at_ms < previous {
            return err("at_ms", format!("steps must be in time order, got {} after {previous}", step.at_ms));
        }
        previous = step.at_ms;
        if !(step.duration_ms.is_finite() && (0.0..=MAX_STEP_MS).contains(&step.duration_ms)) {
            return err("duration_ms", format!("must be a time in [0, {MAX_STEP_MS}] ms, got {}", step.duration_ms));
        }
        if step.outcome.is_some() && step.transition.is_some() {
            return err("transition", "a step is either a call (outcome) or a transition, not both".into());
        }
    }
    Ok(())
}

/// Runs a script. Errors only for invalid input; illegal transitions are reported per step.
pub fn run_script(script: &BreakerScript) -> Result<ScriptReport, ScriptError> {
    let mut breaker = script.breaker.build(0).map_err(|e| e.within("breaker"))?;
    validate_steps(&script.steps)?;
    let mut reports = Vec::with_capacity(script.steps.len());
    for (index, step) in script.steps.iter().enumerate() {
        let now: Tick = ticks_from_ms(step.at_ms);
        let duration = ticks_from_ms(step.duration_ms);
        breaker.on_tick(now);
        let mut permitted = None;
        let mut error = None;
        if let Some(outcome) = step.outcome {
            let allowed = breaker.try_acquire_permission(now);
            if allowed {
                match outcome {
                    StepOutcome::Success => breaker.on_success(now, duration),
                    StepOutcome::Failure => breaker.on_error(now, duration, ErrorKind::Recorded),
                    StepOutcome::IgnoredError => breaker.on_error(now, duration, ErrorKind::Ignored),
                }
            }
            permitted = Some(allowed);
        } else if let Some(to) = step.transition {
            if let Err(e) = breaker.transition(now, to) {
                error = Some(e.to_string());
            }
        }
        let transitions = breaker.drain_transitions();
        reports.push(StepReport {
            index,
            at_ms: step.at_ms,
            permitted,
            error,
            state: breaker.state(),
            metrics: breaker.metrics(now),
            transition_lines: transitions.iter().map(|t| t.to_string()).collect(),
            transitions,
        });
    }
    Ok(ScriptReport { final_state: breaker.state(), steps: reports })
}

/// `"widget": "breaker_script"` files for `faultline run`: the registry's scripted form of the
/// breaker. One trace line per step, hashed like every other trace.
pub struct BreakerScriptForm;

impl crate::headless::ScriptForm for BreakerScriptForm {
    const WIDGET: &'static str = "breaker_script";

    fn run(value: serde_json::Value, trace: Option<&mut dyn std::io::Write>) -> Result<serde_json::Value, crate::headless::RunError> {
        let script: BreakerScript = crate::headless::read_script(value, Self::WIDGET)?;
        let report = run_script(&script).map_err(crate::headless::RunError::Invalid)?;
        crate::headless::step_report(Self::WIDGET, &report.steps, &report, trace)
    }
}
