//! The scripted form (`"widget": "stampede_script"`): calls at exact times against one
//! mechanism, and per call what happened — hit / miss / stale / shared / rejected — and how
//! many backend executions ran. Three modes:
//!
//! * `singleflight`: `do` (with the backend's duration and whether it fails) and `forget`.
//! * `lease`: memcache lease `get`, `set` with a token, `delete`.
//! * `swr`: gets against an RFC 5861 cache (`max-age`, `stale-while-revalidate`,
//!   `stale-if-error`) whose backend takes `backend_ms` and fails where a step says so.
//!
//! Time rule: an execution that completes at time t has completed for a step at t (a `do` at
//! the instant a call returns starts a new execution; a get at the instant a revalidation
//! lands sees its value).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::freshness::{Entry, Freshness};
use super::lease::{LeaseGet, LeaseSet, Leases, Token};
use super::singleflight::{Group, Joined};
use crate::engine::{ms_from_ticks, ticks_from_ms, Tick};
use crate::error::FieldError;

/// Most steps a script may have.
pub const MAX_STEPS: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum SingleflightOp {
    Do,
    Forget,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct SingleflightStep {
    pub at_ms: f64,
    pub op: SingleflightOp,
    pub key: String,
    /// How long the function runs if this call executes it.
    #[serde(default)]
    pub backend_ms: f64,
    /// Whether it returns an error if this call executes it.
    #[serde(default)]
    pub fails: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum LeaseOp {
    Get,
    Set,
    Delete,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct LeaseStep {
    pub at_ms: f64,
    pub op: LeaseOp,
    pub key: String,
    /// For `set`: the token a get returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Token>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct SwrStep {
    pub at_ms: f64,
    pub key: String,
    /// Whether the backend fetch this get starts (if any) fails.
    #[serde(default)]
    pub backend_fails: bool,
}

/// A script: one mechanism and its timed steps.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum StampedeScript {
    Singleflight { steps: Vec<SingleflightStep> },
    Lease { interval_ms: f64, steps: Vec<LeaseStep> },
    Swr { max_age_ms: f64, swr_ms: f64, sie_ms: f64, backend_ms: f64, steps: Vec<SwrStep> },
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct CallReport {
    pub index: usize,
    pub at_ms: f64,
    pub key: String,
    /// hit / miss / stale / shared / rejected, or for the other operations: hot_miss,
    /// stored, deleted, forgotten, error.
    pub result: String,
    /// When the caller got its answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_at_ms: Option<f64>,
    /// singleflight: the execution whose result the caller got, and Go's `shared` flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<bool>,
    /// lease: the token handed out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Token>,
    /// The value returned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// swr: the RFC 5861 rule that applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl CallReport {
    fn new(index: usize, at_ms: f64, key: &str, result: &str) -> Self {
        Self {
            index,
            at_ms,
            key: key.to_string(),
            result: result.to_string(),
            returned_at_ms: None,
            execution: None,
            shared: None,
            error: None,
            token: None,
            value: None,
            rule: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct ScriptReport {
    pub mode: String,
    pub calls: Vec<CallReport>,
    /// Backend executions that ran (singleflight executions, lease tokens granted, swr
    /// fetches).
    pub executions: u64,
}

fn check_times(times: impl Iterator<Item = f64>) -> Result<(), FieldError> {
    let mut previous = 0.0;
    for (i, at) in times.enumerate() {
        let field = format!("steps[{i}].at_ms");
        if !(at.is_finite() && (0.0..=crate::scenario::MAX_DURATION_MS).contains(&at)) {
            return Err(FieldError::new(field, format!("must be a finite time in [0, 86400000] ms, got {at}")));
        }
        if at < previous {
            return Err(FieldError::new(field, format!("steps must be in time order, got {at} after {previous}")));
        }
        previous = at;
    }
    Ok(())
}

fn check_duration(field: &str, v: f64) -> Result<(), FieldError> {
    if v.is_finite() && (0.0..=crate::scenario::MAX_DURATION_MS).contains(&v) {
        Ok(())
    } else {
        Err(FieldError::new(field, format!("must be a finite duration in [0, 86400000] ms, got {v}")))
    }
}

impl StampedeScript {
    pub fn validate(&self) -> Result<(), FieldError> {
        let len = match self {
            StampedeScript::Singleflight { steps } => steps.len(),
            StampedeScript::Lease { steps, .. } => steps.len(),
            StampedeScript::Swr { steps, .. } => steps.len(),
        };
        if len > MAX_STEPS {
            return Err(FieldError::new("steps", format!("at most {MAX_STEPS} steps, got {len}")));
        }
        match self {
            StampedeScript::Singleflight { steps } => {
                check_times(steps.iter().map(|s| s.at_ms))?;
                for (i, s) in steps.iter().enumerate() {
                    check_duration(&format!("steps[{i}].backend_ms"), s.backend_ms)?;
                }
            }
            StampedeScript::Lease { interval_ms, steps } => {
                check_duration("interval_ms", *interval_ms)?;
                check_times(steps.iter().map(|s| s.at_ms))?;
                for (i, s) in steps.iter().enumerate() {
                    if s.op == LeaseOp::Set && s.token.is_none() {
                        return Err(FieldError::new(format!("steps[{i}].token"), "a set needs the token a get returned"));
                    }
                }
            }
            StampedeScript::Swr { max_age_ms, swr_ms, sie_ms, backend_ms, steps } => {
                for (field, v) in [("max_age_ms", max_age_ms), ("swr_ms", swr_ms), ("sie_ms", sie_ms), ("backend_ms", backend_ms)] {
                    check_duration(field, *v)?;
                }
                check_times(steps.iter().map(|s| s.at_ms))?;
            }
        }
        Ok(())
    }
}

/// Runs a script. Errors only for invalid input.
pub fn run_script(script: &StampedeScript) -> Result<ScriptReport, FieldError> {
    script.validate()?;
    Ok(match script {
        StampedeScript::Singleflight { steps } => run_singleflight(steps),
        StampedeScript::Lease { interval_ms, steps } => run_lease(ticks_from_ms(*interval_ms), steps),
        StampedeScript::Swr { max_age_ms, swr_ms, sie_ms, backend_ms, steps } => {
            run_swr(ticks_from_ms(*max_age_ms), ticks_from_ms(*swr_ms), ticks_from_ms(*sie_ms), ticks_from_ms(*backend_ms), steps)
        }
    })
}

fn run_singleflight(steps: &[SingleflightStep]) -> ScriptReport {
    let mut group: Group<String, usize> = Group::default();
    // Executions in flight: call id → (completes at, fails).
    let mut running: BTreeMap<u64, (Tick, bool)> = BTreeMap::new();
    let mut calls: Vec<CallReport> = Vec::with_capacity(steps.len());
    let mut executions = 0;
    let finish = |group: &mut Group<String, usize>, calls: &mut Vec<CallReport>, id: u64, at: Tick, fails: bool| {
        if let Some(done) = group.complete(id) {
            for w in done.waiters {
                let c = &mut calls[w];
                c.returned_at_ms = Some(ms_from_ticks(at));
                c.shared = Some(done.shared);
                c.error = Some(fails);
                c.value = (!fails).then(|| format!("result of execution {id}"));
            }
        }
    };
    for (index, step) in steps.iter().enumerate() {
        let now = ticks_from_ms(step.at_ms);
        // Executions due by now return first (in completion order, then start order).
        let mut due: Vec<(Tick, u64, bool)> = running.iter().filter(|(_, (at, _))| *at <= now).map(|(&id, &(at, f))| (at, id, f)).collect();
        crate::order::sort(&mut due);
        for (at, id, fails) in due {
            running.remove(&id);
            finish(&mut group, &mut calls, id, at, fails);
        }
        match step.op {
            SingleflightOp::Forget => {
                group.forget(&step.key);
                calls.push(CallReport::new(index, step.at_ms, &step.key, "forgotten"));
            }
            SingleflightOp::Do => {
                let joined = group.call(step.key.clone(), index);
                let mut report = CallReport::new(index, step.at_ms, &step.key, "shared");
                report.execution = Some(joined.call());
                if let Joined::Started(id) = joined {
                    executions += 1;
                    report.result = "miss".into();
                    running.insert(id, (now + ticks_from_ms(step.backend_ms), step.fails));
                }
                calls.push(report);
            }
        }
    }
    let mut rest: Vec<(Tick, u64, bool)> = running.iter().map(|(&id, &(at, f))| (at, id, f)).collect();
    crate::order::sort(&mut rest);
    for (at, id, fails) in rest {
        finish(&mut group, &mut calls, id, at, fails);
    }
    ScriptReport { mode: "singleflight".into(), calls, executions }
}

fn run_lease(interval: Tick, steps: &[LeaseStep]) -> ScriptReport {
    let mut leases: Leases<String, String> = Leases::new(interval);
    let mut calls = Vec::with_capacity(steps.len());
    let mut executions = 0;
    for (index, step) in steps.iter().enumerate() {
        let now = ticks_from_ms(step.at_ms);
        let mut report = CallReport::new(index, step.at_ms, &step.key, "");
        match step.op {
            LeaseOp::Get => match leases.get(&step.key, now) {
                LeaseGet::Hit(v) => {
                    report.result = "hit".into();
                    report.value = Some(v);
                }
                LeaseGet::Miss { token } => {
                    executions += 1;
                    report.result = "miss".into();
                    report.token = Some(token);
                }
                LeaseGet::HotMiss { stale: Some(v) } => {
                    report.result = "stale".into();
                    report.value = Some(v);
                }
                LeaseGet::HotMiss { stale: None } => report.result = "hot_miss".into(),
            },
            LeaseOp::Set => {
                let value = step.value.clone().unwrap_or_default();
                report.token = step.token;
                report.result = match leases.set(&step.key, step.token.unwrap_or(0), value) {
                    LeaseSet::Stored => "stored".into(),
                    LeaseSet::Rejected => "rejected".into(),
                };
            }
            LeaseOp::Delete => {
                leases.delete(&step.key);
                report.result = "deleted".into();
            }
        }
        calls.push(report);
    }
    ScriptReport { mode: "lease".into(), calls, executions }
}

struct Revalidation {
    key: String,
    completes: Tick,
    fails: bool,
}

fn run_swr(max_age: Tick, swr: Tick, sie: Tick, backend: Tick, steps: &[SwrStep]) -> ScriptReport {
    let mut store: BTreeMap<String, Entry> = BTreeMap::new();
    let mut revalidating: Vec<Revalidation> = Vec::new();
    let mut calls = Vec::with_capacity(steps.len());
    let mut executions = 0u64;
    let mut version = 0u64;
    let mut store_value = |store: &mut BTreeMap<String, Entry>, key: &str, at: Tick| {
        version += 1;
        store.insert(key.to_string(), Entry { version, stored_at: at, expires_at: at + max_age, delta: backend });
    };
    for (index, step) in steps.iter().enumerate() {
        let now = ticks_from_ms(step.at_ms);
        // Background revalidations that landed by now.
        crate::order::sort_by_key(&mut revalidating, |r| r.completes);
        let (done, pending): (Vec<Revalidation>, Vec<Revalidation>) = revalidating.drain(..).partition(|r| r.completes <= now);
        revalidating = pending;
        for r in done {
            if !r.fails {
                store_value(&mut store, &r.key, r.completes);
            }
        }
        let mut report = CallReport::new(index, step.at_ms, &step.key, "");
        let entry = store.get(&step.key).copied();
        match entry.map(|e| e.freshness(now, swr)) {
            Some(Freshness::Fresh) => {
                report.result = "hit".into();
                report.rule = Some("fresh: age < max-age".into());
                report.returned_at_ms = Some(step.at_ms);
            }
            Some(Freshness::StaleWhileRevalidate) => {
                report.result = "stale".into();
                report.returned_at_ms = Some(step.at_ms);
                let already = revalidating.iter().any(|r| r.key == step.key);
                report.rule = Some(if already {
                    "stale-while-revalidate (a revalidation is already in flight)".into()
                } else {
                    "stale-while-revalidate: served stale, background revalidation started".into()
                });
                if !already {
                    executions += 1;
                    revalidating.push(Revalidation { key: step.key.clone(), completes: now + backend, fails: step.backend_fails });
                }
            }
            _ => {
                // Synchronous fetch: the caller waits for the backend.
                executions += 1;
                let at = now + backend;
                report.returned_at_ms = Some(ms_from_ticks(at));
                if !step.backend_fails {
                    store_value(&mut store, &step.key, at);
                    report.result = "miss".into();
                    report.rule =
                        Some(if entry.is_some() { "stale beyond stale-while-revalidate: fetched".into() } else { "not cached: fetched".into() });
                } else if entry.is_some_and(|e| e.usable_if_error(at, sie)) {
                    report.result = "stale".into();
                    report.rule = Some("stale-if-error: the fetch failed, served stale".into());
                } else {
                    report.result = "error".into();
                    report.error = Some(true);
                    report.rule = Some(if entry.is_some() {
                        "the fetch failed beyond stale-if-error".into()
                    } else {
                        "the fetch failed and nothing is cached".into()
                    });
                }
            }
        }
        // The value a hit or a stale answer carries (a miss waits for a new one).
        if let Some(e) = entry.filter(|_| matches!(report.result.as_str(), "hit" | "stale")) {
            report.value = Some(format!("version {}", e.version));
        }
        calls.push(report);
    }
    ScriptReport { mode: "swr".into(), calls, executions }
}

/// `"widget": "stampede_script"` files for `faultline run`. One trace line per call, hashed
/// like every other trace.
pub struct StampedeScriptForm;

impl crate::headless::ScriptForm for StampedeScriptForm {
    const WIDGET: &'static str = "stampede_script";

    fn run(value: serde_json::Value, trace: Option<&mut dyn std::io::Write>) -> Result<serde_json::Value, crate::headless::RunError> {
        let script: StampedeScript = crate::headless::read_script(value, Self::WIDGET)?;
        let report = run_script(&script).map_err(crate::headless::RunError::Invalid)?;
        crate::headless::step_report(Self::WIDGET, &report.calls, &report, trace)
    }
}
