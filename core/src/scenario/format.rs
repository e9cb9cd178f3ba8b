//! The scenario file format, version 1.
//!
//! A scenario is everything needed to reproduce a run: which widget, its parameters, the seed,
//! the network, the fault schedule and the scripted (or recorded) user commands. It is what a
//! permalink encodes, what `faultline run` executes and what tests replay.

use serde::{Deserialize, Serialize};

use super::challenge::Challenge;
use crate::engine::{ticks_from_ms, Fault, NetworkConfig, Pattern, Scheduled, ScheduledItem, Tick, MAX_RUN_EVENTS};
use crate::error::FieldError;

/// The format version this build writes and the newest it reads.
pub const SCENARIO_VERSION: u32 = 1;

/// Longest run a scenario may ask for: one simulated day.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;

/// Shortest run: one millisecond (a shorter one rounds to almost no ticks and shows nothing).
pub const MIN_DURATION_MS: f64 = 1.0;

/// Most scheduled faults and commands one scenario may carry. Lessons use a handful and a
/// session of edits a few dozen; each command can cost as much as a full recomputation (a
/// ring weight change re-places every key), so the count is what bounds a long link's work.
pub const MAX_FAULTS: usize = 500;
pub const MAX_ACTIONS: usize = 1_000;

/// A fault at a time.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct TimedFault {
    pub at_ms: f64,
    pub fault: Fault,
}

/// A command at a time.
#[derive(Clone, Debug, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields, bound = "")]
pub struct TimedCommand<P: Pattern> {
    pub at_ms: f64,
    pub command: P::Command,
}

/// Most moments a lesson may mark, and the longest caption.
pub const MAX_MOMENTS: usize = 24;
pub const MAX_CAPTION_CHARS: usize = 280;

/// A marked instant of a lesson: the player stops there while playing, and the caption says
/// what to look at and why. Moments change nothing in the run (no trace event, no hash).
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Moment {
    pub at_ms: f64,
    pub caption: String,
    /// Predict, then reveal: a question the player waits on at this moment (a workshop host
    /// writes their own and shares them in a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
}

/// Most choices a question offers, and the longest question, choice and explanation.
pub const MAX_CHOICES: usize = 6;
pub const MAX_QUESTION_CHARS: usize = 280;
pub const MAX_CHOICE_CHARS: usize = 120;
pub const MAX_EXPLANATION_CHARS: usize = 600;

/// A question about what happens next, with its answer and why.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: String,
    pub answer: Answer,
    /// Shown once answered, right or wrong: what happens and which events prove it.
    pub explanation: String,
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// One of `choices`; `correct` is its index.
    Choice { choices: Vec<String>, correct: usize },
    /// A number, right when within `tolerance` of `value`.
    Number { value: f64, tolerance: f64 },
}

/// What someone answered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Given {
    Choice(usize),
    Number(f64),
}

impl Question {
    /// Whether `given` is the right answer.
    pub fn is_right(&self, given: Given) -> bool {
        match (&self.answer, given) {
            (Answer::Choice { correct, .. }, Given::Choice(i)) => *correct == i,
            (Answer::Number { value, tolerance }, Given::Number(v)) => v.is_finite() && (v - value).abs() <= *tolerance,
            _ => false,
        }
    }

    fn validate(&self) -> Result<(), FieldError> {
        let text = |field: &str, s: &str, max: usize| {
            let n = s.chars().count();
            if n == 0 || n > max {
                Err(FieldError::new(field, format!("must be 1 to {max} characters, got {n}")))
            } else {
                Ok(())
            }
        };
        text("ask", &self.ask, MAX_QUESTION_CHARS)?;
        text("explanation", &self.explanation, MAX_EXPLANATION_CHARS)?;
        match &self.answer {
            Answer::Choice { choices, correct } => {
                if !(2..=MAX_CHOICES).contains(&choices.len()) {
                    return Err(FieldError::new("answer.choices", format!("must offer 2 to {MAX_CHOICES} choices, got {}", choices.len())));
                }
                for (i, c) in choices.iter().enumerate() {
                    text(&format!("answer.choices[{i}]"), c, MAX_CHOICE_CHARS)?;
                }
                if *correct >= choices.len() {
                    return Err(FieldError::new(
                        "answer.correct",
                        format!("must name one of the {} choices (0..{}), got {correct}", choices.len(), choices.len() - 1),
                    ));
                }
            }
            Answer::Number { value, tolerance } => {
                if !value.is_finite() {
                    return Err(FieldError::new("answer.value", "must be a finite number"));
                }
                if !(tolerance.is_finite() && *tolerance >= 0.0) {
                    return Err(FieldError::new("answer.tolerance", "must be a finite number ≥ 0"));
                }
            }
        }
        Ok(())
    }
}

/// A scenario for one pattern `P`. On disk it also carries `"widget": P::WIDGET`.
#[derive(Clone, Debug, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields, bound = "")]
pub struct Scenario<P: Pattern> {
    pub version: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub seed: u64,
    /// How long `faultline run` runs it, and the length of the player's timeline.
    pub duration_ms: f64,
    #[serde(default)]
    pub params: P::Params,
    /// Network defaults; absent means the pattern's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<TimedFault>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<TimedCommand<P>>,
    /// Where a shared link puts the player (ignored by `faultline run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_ms: Option<f64>,
    /// A lesson's moments, in time order (ignored by `faultline run`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moments: Vec<Moment>,
    /// A goal the core checks against the run's chart series (ignored by `faultline run`;
    /// `faultline check` gives its verdict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Challenge>,
}

// Written out because a derive would demand `P: PartialEq` of the pattern's state.
impl<P: Pattern> PartialEq for TimedCommand<P> {
    fn eq(&self, other: &Self) -> bool {
        self.at_ms == other.at_ms && self.command == other.command
    }
}

impl<P: Pattern> PartialEq for Scenario<P> {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && self.title == other.title
            && self.seed == other.seed
            && self.duration_ms == other.duration_ms
            && self.params == other.params
            && self.network == other.network
            && self.faults == other.faults
            && self.actions == other.actions
            && self.cursor_ms == other.cursor_ms
            && self.moments == other.moments
            && self.challenge == other.challenge
    }
}

impl<P: Pattern> Scenario<P> {
    /// A fresh scenario with default parameters.
    pub fn new(seed: u64, duration_ms: f64, params: P::Params) -> Self {
        Self {
            version: SCENARIO_VERSION,
            title: String::new(),
            seed,
            duration_ms,
            params,
            network: None,
            faults: Vec::new(),
            actions: Vec::new(),
            cursor_ms: None,
            moments: Vec::new(),
            challenge: None,
        }
    }

    /// The same scenario with these lesson moments (`(at_ms, caption)`, in time order).
    pub fn with_moments(mut self, moments: &[(f64, &str)]) -> Self {
        self.moments = moments.iter().map(|&(at_ms, caption)| Moment { at_ms, caption: caption.to_string(), question: None }).collect();
        self
    }

    /// The same scenario with `question` asked at its moment at `at_ms` (which must exist).
    pub fn with_question(mut self, at_ms: f64, question: Question) -> Self {
        if let Some(m) = self.moments.iter_mut().find(|m| m.at_ms == at_ms) {
            m.question = Some(question);
        }
        self
    }

    /// The same scenario with a challenge.
    pub fn with_challenge(mut self, challenge: Challenge) -> Self {
        self.challenge = Some(challenge);
        self
    }

    /// The network this scenario runs on.
    pub fn network_config(&self) -> NetworkConfig {
        self.network.clone().unwrap_or_else(|| P::network(&self.params))
    }

    pub fn duration(&self) -> Tick {
        ticks_from_ms(self.duration_ms)
    }

    /// Checks every field; the error names the first bad one. What does not depend on the
    /// pattern is checked by functions compiled once, not once per widget.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_header(self.version, self.duration_ms, self.faults.len(), self.actions.len())?;
        P::validate(&self.params).map_err(|e| e.within("params"))?;
        self.network_config().validate().map_err(|e| e.within("network"))?;
        check_faults(&self.faults, P::node_names(&self.params).len(), self.duration_ms)?;
        for (i, timed) in self.actions.iter().enumerate() {
            let at = format!("actions[{i}]");
            check_time("at_ms", timed.at_ms, self.duration_ms).map_err(|e| e.within(&at))?;
            P::validate_command(&self.params, &timed.command).map_err(|e| e.within("command").within(&at))?;
        }
        let estimate = P::work_estimate(self) + (self.faults.len() + self.actions.len()) as f64;
        // NaN (a pattern's estimate from odd numbers) counts as too much.
        if estimate.is_nan() || estimate > MAX_RUN_EVENTS as f64 {
            // Name what to change: the commands, when the run without them would fit.
            let without_actions = Self { actions: Vec::new(), ..self.clone() };
            let fits_without_actions = P::work_estimate(&without_actions) <= MAX_RUN_EVENTS as f64 / 2.0;
            return Err(too_much_work(estimate, fits_without_actions));
        }
        check_timeline(self.cursor_ms, &self.moments, self.duration_ms)?;
        if let Some(challenge) = &self.challenge {
            challenge.validate::<P>(self.duration_ms).map_err(|e| e.within("challenge"))?;
        }
        Ok(())
    }

    /// Faults and commands merged into one time-ordered schedule. At equal times faults come
    /// first, then commands, each in file order (a stable sort keeps that order).
    pub fn schedule(&self) -> Vec<Scheduled<P>> {
        let mut schedule: Vec<Scheduled<P>> = self
            .faults
            .iter()
            .map(|f| Scheduled { at: ticks_from_ms(f.at_ms), item: ScheduledItem::Fault(f.fault.clone()) })
            .chain(self.actions.iter().map(|a| Scheduled { at: ticks_from_ms(a.at_ms), item: ScheduledItem::Command(a.command.clone()) }))
            .collect();
        crate::order::sort_by_key(&mut schedule, |s| s.at);
        schedule
    }
}

fn check_time(field: &str, ms: f64, max: f64) -> Result<(), FieldError> {
    if !ms.is_finite() || ms < 0.0 {
        return Err(FieldError::new(field, format!("must be a finite time ≥ 0 ms, got {ms}")));
    }
    if ms > max {
        return Err(FieldError::new(field, format!("must be ≤ {max} ms, got {ms}")));
    }
    Ok(())
}

/// The version, the duration and how many faults and commands: the first checks of a scenario.
#[inline(never)]
fn check_header(version: u32, duration_ms: f64, faults: usize, actions: usize) -> Result<(), FieldError> {
    if version == 0 || version > SCENARIO_VERSION {
        return Err(FieldError::new("version", format!("this Faultline reads scenario versions 1..={SCENARIO_VERSION}, got {version}")));
    }
    check_time("duration_ms", duration_ms, MAX_DURATION_MS)?;
    if duration_ms < MIN_DURATION_MS {
        return Err(FieldError::new("duration_ms", format!("must be ≥ {MIN_DURATION_MS} ms, got {duration_ms}")));
    }
    if faults > MAX_FAULTS {
        return Err(FieldError::new("faults", format!("at most {MAX_FAULTS} faults, got {faults}")));
    }
    if actions > MAX_ACTIONS {
        return Err(FieldError::new("actions", format!("at most {MAX_ACTIONS} commands, got {actions}")));
    }
    Ok(())
}

/// Each fault: in the run, and naming nodes the pattern has.
#[inline(never)]
fn check_faults(faults: &[TimedFault], node_count: usize, duration_ms: f64) -> Result<(), FieldError> {
    for (i, timed) in faults.iter().enumerate() {
        let at = format!("faults[{i}]");
        check_time("at_ms", timed.at_ms, duration_ms).map_err(|e| e.within(&at))?;
        timed.fault.validate(node_count).map_err(|e| e.within("fault").within(&at))?;
    }
    Ok(())
}

#[inline(never)]
fn too_much_work(estimate: f64, fits_without_actions: bool) -> FieldError {
    let (field, advice) =
        if fits_without_actions { ("actions", "use fewer commands") } else { ("duration_ms", "shorten the run or lower its rates") };
    FieldError::new(field, format!("this run would take about {estimate:.2e} events, more than the {MAX_RUN_EVENTS} Faultline allows: {advice}"))
}

/// The cursor and the lesson's moments: in the run, in time order, captions of a sane length.
#[inline(never)]
fn check_timeline(cursor_ms: Option<f64>, moments: &[Moment], duration_ms: f64) -> Result<(), FieldError> {
    if let Some(cursor) = cursor_ms {
        check_time("cursor_ms", cursor, duration_ms)?;
    }
    if moments.len() > MAX_MOMENTS {
        return Err(FieldError::new("moments", format!("at most {MAX_MOMENTS} moments, got {}", moments.len())));
    }
    let mut previous = 0.0;
    for (i, moment) in moments.iter().enumerate() {
        let at = format!("moments[{i}]");
        check_time("at_ms", moment.at_ms, duration_ms).map_err(|e| e.within(&at))?;
        if moment.at_ms < previous {
            return Err(FieldError::new("at_ms", "moments must be in time order").within(&at));
        }
        previous = moment.at_ms;
        let chars = moment.caption.chars().count();
        if chars == 0 || chars > MAX_CAPTION_CHARS {
            return Err(FieldError::new("caption", format!("must be 1 to {MAX_CAPTION_CHARS} characters, got {chars}")).within(&at));
        }
        if let Some(q) = &moment.question {
            q.validate().map_err(|e| e.within("question").within(&at))?;
        }
    }
    Ok(())
}
