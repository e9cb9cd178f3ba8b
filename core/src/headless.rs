//! Running scenarios without a browser: what `faultline run` and the golden tests use.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::engine::{ms_from_ticks, Pattern};
use crate::error::FieldError;
use crate::recording::Recording;
use crate::scenario::{scenario_from_value, scenario_to_json, Scenario};
use crate::widgets;

/// The JSON report of a headless run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub widget: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub seed: u64,
    pub duration_ms: f64,
    /// Number of trace events.
    pub events: u64,
    /// XXH3-64 of the trace's JSON lines (see `engine::trace`).
    pub trace_hash: String,
    pub metrics: Value,
    /// The "what to notice" notes at the end of the run.
    pub notes: Vec<String>,
}

/// Runs a validated scenario to its end; writes each trace line to `trace` if given.
pub fn run<P: Pattern>(scenario: &Scenario<P>, mut trace: Option<&mut dyn Write>) -> Result<Report, RunError> {
    // Every event is hashed; with a trace file, every line is handed over as it is recorded.
    // No typed entries are retained either way.
    let mut recording = Recording::new(scenario, trace.is_some());
    let end = scenario.duration();
    // Run in slices so trace lines stream out without holding the whole trace in memory.
    let mut done = false;
    while !done {
        let mut slice = 100_000;
        done = recording.advance(&mut slice);
        if let Some(out) = trace.as_deref_mut() {
            out.write_all(&recording.take_lines()).map_err(RunError::Io)?;
        }
    }
    let sim = recording.sim();
    if sim.exhausted() {
        return Err(RunError::Invalid(FieldError::new(
            "duration_ms",
            format!(
                "the run stopped at {} ms after {} events, Faultline's limit ({}'s estimate of this scenario's work is too low: please report it)",
                ms_from_ticks(sim.now()),
                crate::engine::MAX_RUN_EVENTS,
                P::WIDGET
            ),
        )));
    }
    let metrics = serde_json::to_value(sim.metrics()).unwrap_or(Value::Null);
    Ok(Report {
        widget: P::WIDGET.to_string(),
        title: scenario.title.clone(),
        seed: scenario.seed,
        duration_ms: ms_from_ticks(end),
        events: sim.trace().count(),
        trace_hash: recording.hash_hex(),
        metrics,
        notes: sim.model().notes(sim.now()),
    })
}

/// Why a headless run did not produce a report.
#[derive(Debug)]
pub enum RunError {
    Invalid(FieldError),
    Io(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Invalid(e) => write!(f, "invalid scenario: {e}"),
            RunError::Io(e) => write!(f, "cannot write the trace: {e}"),
        }
    }
}

/// Parses, validates and runs scenario JSON for whichever widget it names.
pub fn run_json(text: &str, trace: Option<&mut dyn Write>) -> Result<Report, RunError> {
    let (widget, value) = crate::scenario::parse_json(text).map_err(RunError::Invalid)?;
    run_value(&widget, value, trace)
}

fn run_value(widget: &str, value: Value, trace: Option<&mut dyn Write>) -> Result<Report, RunError> {
    widgets::dispatch(widget, RunJson { value, trace }).map_err(RunError::Invalid)?
}

struct RunJson<'a> {
    value: Value,
    trace: Option<&'a mut dyn Write>,
}

impl widgets::WidgetFn for RunJson<'_> {
    type Output = Result<Report, RunError>;
    fn call<P: Pattern>(self) -> Self::Output {
        let scenario = scenario_from_value::<P>(self.value).map_err(RunError::Invalid)?;
        run(&scenario, self.trace)
    }
}

/// Plays a scenario to its end as the widget does (the same chart samples) and judges its
/// challenge: what `faultline check` prints.
pub fn check<P: Pattern>(scenario: Scenario<P>) -> Result<crate::scenario::ChallengeStatus, FieldError> {
    if scenario.challenge.is_none() {
        return Err(FieldError::new("challenge", "this scenario has no challenge to check"));
    }
    let mut player = crate::player::Player::new(scenario, 0)?;
    player.seek(player.duration());
    Ok(player.challenge_status().expect("the scenario has a challenge"))
}

/// [`check`] for scenario JSON of whichever widget it names.
pub fn check_json(text: &str) -> Result<crate::scenario::ChallengeStatus, FieldError> {
    let (widget, value) = crate::scenario::parse_json(text)?;
    widgets::dispatch(&widget, CheckJson { value })?
}

struct CheckJson {
    value: Value,
}

impl widgets::WidgetFn for CheckJson {
    type Output = Result<crate::scenario::ChallengeStatus, FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        check(scenario_from_value::<P>(self.value)?)
    }
}

/// Plays scenario JSON of whichever widget it names to its cursor (else its end), as the
/// widget does, and returns each chart's name and the value it prints there: the figures a
/// test copied from the widget ("Copy as test") asserts.
pub fn figures_json(text: &str) -> Result<Vec<(&'static str, f64)>, FieldError> {
    let (widget, value) = crate::scenario::parse_json(text)?;
    widgets::dispatch(&widget, FiguresJson { value })?
}

struct FiguresJson {
    value: Value,
}

impl widgets::WidgetFn for FiguresJson {
    type Output = Result<Vec<(&'static str, f64)>, FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        let mut scenario = scenario_from_value::<P>(self.value)?;
        let cursor = scenario.cursor_ms.take().map(crate::engine::ticks_from_ms);
        let mut player = crate::player::Player::new(scenario, 0)?;
        player.seek(cursor.unwrap_or(player.duration()));
        Ok(player.figures())
    }
}

/// A preset's identity for listings.
#[derive(Clone, Debug, Serialize)]
pub struct PresetInfo {
    pub name: String,
    pub widget: String,
    pub title: String,
}

struct ListPresets;
impl widgets::WidgetFn for ListPresets {
    type Output = Vec<PresetInfo>;
    fn call<P: Pattern>(self) -> Self::Output {
        P::presets().into_iter().map(|(name, s)| PresetInfo { name: name.to_string(), widget: P::WIDGET.to_string(), title: s.title }).collect()
    }
}

/// Every preset of every widget, in widget order.
pub fn presets() -> Vec<PresetInfo> {
    widgets::WIDGETS.iter().flat_map(|w| widgets::dispatch(w.name, ListPresets).unwrap_or_default()).collect()
}

struct PresetJson<'a>(&'a str);
impl widgets::WidgetFn for PresetJson<'_> {
    type Output = Option<String>;
    fn call<P: Pattern>(self) -> Self::Output {
        P::presets().into_iter().find(|(name, _)| *name == self.0).map(|(_, s)| scenario_to_json(&s, true))
    }
}

/// The named preset as pretty JSON.
pub fn preset_json(name: &str) -> Option<String> {
    widgets::WIDGETS.iter().find_map(|w| widgets::dispatch(w.name, PresetJson(name)).ok().flatten())
}

/// A headless-only file format with its own `widget` name (e.g. `breaker_script`: a breaker's
/// exact decisions for scripted calls), listed in the registry beside the widgets.
pub trait ScriptForm {
    /// The `widget` value its files carry.
    const WIDGET: &'static str;
    /// Runs a parsed file (its `widget` and `version` still in it); writes trace lines if asked.
    fn run(value: Value, trace: Option<&mut dyn Write>) -> Result<Value, RunError>;
}

/// Reads a scripted form's file: its header checked and removed (a script has no version of
/// its own beyond the header), the rest read into `T` naming the field on error.
pub fn read_script<T: serde::de::DeserializeOwned>(mut value: Value, widget: &str) -> Result<T, RunError> {
    crate::scenario::take_header(&mut value, widget, 1).map_err(RunError::Invalid)?;
    if let Value::Object(map) = &mut value {
        map.remove("version");
    }
    crate::scenario::from_value_naming_field(value).map_err(RunError::Invalid)
}

/// The report of a scripted form that runs without the engine: one trace line per step,
/// hashed like every other trace (and written to `trace` if given), and the report with the
/// `widget`, `seed`, `events` and `trace_hash` every report has.
pub fn step_report<S: Serialize, R: Serialize>(widget: &str, steps: &[S], report: &R, trace: Option<&mut dyn Write>) -> Result<Value, RunError> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut sink = trace;
    for step in steps {
        let line = serde_json::to_string(step).unwrap_or_default();
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
        if let Some(out) = sink.as_deref_mut() {
            writeln!(out, "{line}").map_err(RunError::Io)?;
        }
    }
    let mut out = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut out {
        map.insert("widget".into(), widget.into());
        map.insert("seed".into(), 0u64.into());
        map.insert("events".into(), (steps.len() as u64).into());
        map.insert("trace_hash".into(), format!("{:016x}", hasher.digest()).into());
    }
    Ok(out)
}

/// Like [`run_json`], and also accepts the registry's scripted forms (`breaker_script`).
pub fn run_any_json(text: &str, trace: Option<&mut dyn Write>) -> Result<Value, RunError> {
    let (widget, value) = crate::scenario::parse_json(text).map_err(RunError::Invalid)?;
    if widgets::WIDGETS.iter().any(|w| w.name == widget) {
        let report = run_value(&widget, value, trace)?;
        return Ok(serde_json::to_value(report).unwrap_or(Value::Null));
    }
    widgets::run_script(&widget, value, trace).unwrap_or_else(|| Err(RunError::Invalid(widgets::unknown_widget(&widget))))
}
