//! Challenges: a goal with pass criteria that the core checks against the run's own chart
//! series ("keep DB queries under 200/s between 10 s and 20 s"). Data in the scenario, so a
//! workshop host writes one and shares it as a link; `faultline check` and the widget give the
//! same verdict, from the same samples.

use serde::{Deserialize, Serialize};

use crate::engine::time::{ticks_from_ms, Tick};
use crate::engine::Pattern;
use crate::error::FieldError;
use crate::narrate::format_time;
use crate::player::Sample;

pub const MAX_CRITERIA: usize = 8;
pub const MAX_GOAL_CHARS: usize = 280;

/// What the learner is asked to achieve, and how the core decides it.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Challenge {
    /// One line: "Keep the database under 200 queries/s through the expiry storm".
    pub goal: String,
    /// A nudge shown with a failed verdict.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    /// Every one must hold.
    pub criteria: Vec<Criterion>,
    /// A claim to test ("no read is ever stale") rather than a goal to reach: a run where it
    /// fails is a counterexample, and the seed search looks for one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub claim: bool,
}

/// One measured figure of the run, bounded.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// A chart series of the widget (its name as the chart shows it, e.g. "DB queries").
    pub series: String,
    pub statistic: Statistic,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    /// The window it is measured over; absent ends mean the run's start and end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_ms: Option<f64>,
}

/// How a series' samples in the window become one figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// The peak.
    Max,
    /// The trough.
    Min,
    /// The mean of the samples.
    Mean,
    /// The value at the window's end.
    Last,
}

impl Statistic {
    fn describe(self) -> &'static str {
        match self {
            Statistic::Max => "peak",
            Statistic::Min => "lowest",
            Statistic::Mean => "mean",
            Statistic::Last => "final",
        }
    }
}

/// Where one criterion stands at the cursor.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// The cursor has not reached the end of the window yet.
    Waiting {
        until: Tick,
    },
    Passed {
        figure: f64,
    },
    Failed {
        figure: f64,
    },
}

/// A criterion with its plain-language line and where it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionStatus {
    /// "DB queries, peak between 10.00 s and 20.00 s: at most 200 /s".
    pub text: String,
    pub unit: &'static str,
    pub standing: Standing,
}

/// The challenge at the cursor: passed when every criterion passed, failed when one failed.
#[derive(Clone, Debug, PartialEq)]
pub struct ChallengeStatus {
    pub goal: String,
    pub hint: String,
    pub criteria: Vec<CriterionStatus>,
    pub claim: bool,
}

impl ChallengeStatus {
    /// `Some(true)` once every criterion passed, `Some(false)` once one failed, else `None`.
    pub fn verdict(&self) -> Option<bool> {
        if self.criteria.iter().any(|c| matches!(c.standing, Standing::Failed { .. })) {
            Some(false)
        } else if self.criteria.iter().all(|c| matches!(c.standing, Standing::Passed { .. })) {
            Some(true)
        } else {
            None
        }
    }

    /// One line per criterion, and the verdict: what `faultline check` prints.
    pub fn report(&self) -> String {
        let mut out = format!("{}: {}\n", if self.claim { "claim" } else { "challenge" }, self.goal);
        for c in &self.criteria {
            let state = match c.standing {
                Standing::Waiting { until } => format!("not reached (the run ends before {})", format_time(until)),
                Standing::Passed { figure } => format!("passed, measured {}", figure_text(figure, c.unit)),
                Standing::Failed { figure } => format!("failed, measured {}", figure_text(figure, c.unit)),
            };
            out.push_str(&format!("  {}: {state}\n", c.text));
        }
        out.push_str(match (self.verdict(), self.claim) {
            (Some(true), false) => "verdict: passed\n",
            (Some(false), false) => "verdict: failed\n",
            (Some(true), true) => "verdict: the claim held in this run\n",
            (Some(false), true) => "verdict: counterexample, the claim failed in this run\n",
            (None, _) => "verdict: not decided\n",
        });
        out
    }
}

/// A measured figure with its unit, rounded as the charts show it.
pub fn figure_text(figure: f64, unit: &str) -> String {
    let number = if figure.abs() >= 100.0 || figure.fract() == 0.0 { format!("{figure:.0}") } else { format!("{figure:.2}") };
    match unit {
        "" => number,
        "%" | "/s" | "×" => format!("{number}{unit}"),
        _ => format!("{number} {unit}"),
    }
}

impl Challenge {
    /// Checks the goal, the number of criteria, each series name (listing the widget's), each
    /// bound and window.
    pub fn validate<P: Pattern>(&self, duration_ms: f64) -> Result<(), FieldError> {
        let chars = self.goal.chars().count();
        if chars == 0 || chars > MAX_GOAL_CHARS {
            return Err(FieldError::new("goal", format!("must be 1 to {MAX_GOAL_CHARS} characters, got {chars}")));
        }
        if self.hint.chars().count() > MAX_GOAL_CHARS {
            return Err(FieldError::new("hint", format!("must be at most {MAX_GOAL_CHARS} characters")));
        }
        if self.criteria.is_empty() || self.criteria.len() > MAX_CRITERIA {
            return Err(FieldError::new("criteria", format!("must hold 1 to {MAX_CRITERIA} criteria, got {}", self.criteria.len())));
        }
        for (i, c) in self.criteria.iter().enumerate() {
            c.validate::<P>(duration_ms).map_err(|e| e.within(&format!("criteria[{i}]")))?;
        }
        Ok(())
    }

    /// Where each criterion stands, given the chart samples from 0 to `now`.
    /// The earliest sample at which some criterion is already lost: where a counterexample is
    /// worth looking at.
    pub fn first_broken<P: Pattern>(&self, samples: &[Sample], duration: Tick) -> Option<Tick> {
        self.criteria.iter().filter_map(|c| c.first_broken::<P>(samples, duration)).min()
    }

    pub fn status<P: Pattern>(&self, samples: &[Sample], now: Tick, duration: Tick) -> ChallengeStatus {
        let criteria = self.criteria.iter().map(|c| c.status::<P>(samples, now, duration)).collect();
        ChallengeStatus { goal: self.goal.clone(), hint: self.hint.clone(), criteria, claim: self.claim }
    }
}

impl Criterion {
    /// `statistic` of `series` over the whole run, at most `bound`: what most goals and claims are.
    pub fn at_most(series: &str, statistic: Statistic, bound: f64) -> Self {
        Self { series: series.into(), statistic, at_most: Some(bound), at_least: None, from_ms: None, to_ms: None }
    }

    fn series_index<P: Pattern>(&self) -> Option<usize> {
        P::SERIES.iter().position(|s| s.name == self.series)
    }

    fn validate<P: Pattern>(&self, duration_ms: f64) -> Result<(), FieldError> {
        if self.series_index::<P>().is_none() {
            let known: Vec<String> = P::SERIES.iter().map(|s| format!("\"{}\"", s.name)).collect();
            return Err(FieldError::new("series", format!("no chart series called \"{}\"; this widget has: {}", self.series, known.join(", "))));
        }
        if self.at_most.is_none() && self.at_least.is_none() {
            return Err(FieldError::new("at_most", "give at_most, at_least or both"));
        }
        for (field, bound) in [("at_most", self.at_most), ("at_least", self.at_least)] {
            if bound.is_some_and(|b| !b.is_finite()) {
                return Err(FieldError::new(field, "must be a finite number"));
            }
        }
        for (field, at) in [("from_ms", self.from_ms), ("to_ms", self.to_ms)] {
            if let Some(ms) = at {
                if !ms.is_finite() || ms < 0.0 || ms > duration_ms {
                    return Err(FieldError::new(field, format!("must be a time from 0 to the run's {duration_ms} ms, got {ms}")));
                }
            }
        }
        if let (Some(from), Some(to)) = (self.from_ms, self.to_ms) {
            if from > to {
                return Err(FieldError::new("to_ms", format!("must not come before from_ms ({from} ms), got {to} ms")));
            }
        }
        Ok(())
    }

    fn text(&self, unit: &str, duration: Tick) -> String {
        let from = self.from_ms.map(ticks_from_ms).unwrap_or(0);
        let to = self.to_ms.map(ticks_from_ms).unwrap_or(duration);
        let window = if from == 0 && to == duration {
            "over the whole run".to_string()
        } else {
            format!("between {} and {}", format_time(from), format_time(to))
        };
        let bound = match (self.at_least, self.at_most) {
            (Some(lo), Some(hi)) => format!("from {} to {}", figure_text(lo, unit), figure_text(hi, unit)),
            (None, Some(hi)) => format!("at most {}", figure_text(hi, unit)),
            (Some(lo), None) => format!("at least {}", figure_text(lo, unit)),
            (None, None) => String::new(),
        };
        format!("{}, {} {window}: {bound}", self.series, self.statistic.describe())
    }

    /// The first sample at which this criterion is already lost, for a peak that must stay
    /// under a bound or a trough that must stay over one (the others are only lost at the end).
    fn first_broken<P: Pattern>(&self, samples: &[Sample], duration: Tick) -> Option<Tick> {
        let index = self.series_index::<P>()?;
        let from = self.from_ms.map(ticks_from_ms).unwrap_or(0);
        let until = self.to_ms.map(ticks_from_ms).unwrap_or(duration);
        let breaks = |v: f64| match self.statistic {
            Statistic::Max => self.at_most.is_some_and(|hi| v > hi),
            Statistic::Min => self.at_least.is_some_and(|lo| v < lo),
            Statistic::Mean | Statistic::Last => false,
        };
        samples.iter().filter(|s| s.at >= from && s.at <= until).find(|s| s.values.get(index).is_some_and(|&v| breaks(v))).map(|s| s.at)
    }

    fn status<P: Pattern>(&self, samples: &[Sample], now: Tick, duration: Tick) -> CriterionStatus {
        let index = self.series_index::<P>().unwrap_or(0);
        let unit = P::SERIES.get(index).map_or("", |s| s.unit);
        let from = self.from_ms.map(ticks_from_ms).unwrap_or(0);
        let until = self.to_ms.map(ticks_from_ms).unwrap_or(duration);
        let text = self.text(unit, duration);
        // A peak over its bound (or a trough under it) is lost for good: said at once, not at
        // the window's end.
        let lost_already = self.first_broken::<P>(samples, duration).is_some_and(|at| at <= now);
        if now < until && !lost_already {
            return CriterionStatus { text, unit, standing: Standing::Waiting { until } };
        }
        let values: Vec<f64> =
            samples.iter().filter(|s| s.at >= from && s.at <= until).filter_map(|s| s.values.get(index).copied()).filter(|v| v.is_finite()).collect();
        let figure = match self.statistic {
            Statistic::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Statistic::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
            Statistic::Mean => values.iter().sum::<f64>() / values.len().max(1) as f64,
            Statistic::Last => values.last().copied().unwrap_or(f64::NAN),
        };
        let figure = if values.is_empty() { 0.0 } else { figure };
        let passed = self.at_most.is_none_or(|hi| figure <= hi) && self.at_least.is_none_or(|lo| figure >= lo);
        let standing = if passed { Standing::Passed { figure } } else { Standing::Failed { figure } };
        CriterionStatus { text, unit, standing }
    }
}
