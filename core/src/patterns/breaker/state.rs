//! Breaker states, resilience4j's legal transition table, and the transition log entries.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::time::{ms_from_ticks, Tick};

/// The states, named as resilience4j names them (`CircuitBreaker.State`).
///
/// Polly's `Isolated` is shown as `FORCED_OPEN`, and Hystrix's `forceOpen` / `forceClosed`
/// flags as `FORCED_OPEN` / `DISABLED` (see the Polly and Hystrix modules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    Closed,
    Open,
    HalfOpen,
    Disabled,
    ForcedOpen,
    MetricsOnly,
}

impl State {
    pub const ALL: [State; 6] = [State::Closed, State::Open, State::HalfOpen, State::Disabled, State::ForcedOpen, State::MetricsOnly];

    pub fn name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Open => "OPEN",
            State::HalfOpen => "HALF_OPEN",
            State::Disabled => "DISABLED",
            State::ForcedOpen => "FORCED_OPEN",
            State::MetricsOnly => "METRICS_ONLY",
        }
    }

    /// resilience4j's `StateTransition` table: every pair is legal (including staying in the
    /// same state) except CLOSED → HALF_OPEN, METRICS_ONLY → OPEN and METRICS_ONLY → HALF_OPEN.
    pub fn can_transition_to(self, to: State) -> bool {
        !matches!((self, to), (State::Closed, State::HalfOpen) | (State::MetricsOnly, State::Open) | (State::MetricsOnly, State::HalfOpen))
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A transition resilience4j's table forbids (its `IllegalStateTransitionException`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct IllegalStateTransition {
    pub from: State,
    pub to: State,
}

impl fmt::Display for IllegalStateTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "illegal state transition from {} to {}", self.from, self.to)
    }
}

impl std::error::Error for IllegalStateTransition {}

/// A call was rejected (resilience4j's `CallNotPermittedException`, Polly's
/// `BrokenCircuitException`/`IsolatedCircuitException`, Hystrix's short-circuit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct CallNotPermitted {
    pub state: State,
}

impl fmt::Display for CallNotPermitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call not permitted: breaker is {}", self.state)
    }
}

impl std::error::Error for CallNotPermitted {}

/// Why a transition happened; `Display` gives the short line the UI prints.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransitionReason {
    /// resilience4j: failure rate (percent) reached the threshold over `calls` calls.
    FailureRateExceeded { calls: u32, failure_rate: f32, threshold: f32 },
    /// resilience4j: slow-call rate reached the threshold.
    SlowCallRateExceeded { calls: u32, slow_call_rate: f32, threshold: f32 },
    /// resilience4j: both rates reached their thresholds.
    BothRatesExceeded { calls: u32, failure_rate: f32, failure_rate_threshold: f32, slow_call_rate: f32, slow_call_rate_threshold: f32 },
    /// resilience4j HALF_OPEN → CLOSED: enough trial calls and both rates below threshold.
    BelowThresholds { calls: u32, failure_rate: f32, failure_rate_threshold: f32, slow_call_rate: f32, slow_call_rate_threshold: f32 },
    /// OPEN → HALF_OPEN after the wait; `automatic` when a timer fired rather than a call.
    WaitElapsed { waited: Tick, automatic: bool },
    /// resilience4j: HALF_OPEN lasted `maxWaitDurationInHalfOpenState`.
    HalfOpenWaitElapsed { waited: Tick },
    /// Polly: a failure made the failure ratio reach the threshold with enough throughput.
    FailureRatioExceeded { throughput: u32, failure_ratio: f64, threshold: f64 },
    /// Hystrix: a health snapshot showed enough requests and error percentage ≥ threshold.
    ErrorPercentageExceeded { requests: u64, error_percentage: u32, threshold: u32 },
    /// Polly / Hystrix: the single HALF_OPEN probe succeeded.
    ProbeSucceeded,
    /// Polly / Hystrix: the single HALF_OPEN probe failed.
    ProbeFailed,
    /// Hystrix: an ignored error (`HystrixBadRequestException`) still fails the probe.
    ProbeIgnoredError,
    /// A `transition_to_*` call.
    Manual,
    /// `reset()`.
    Reset,
}

/// Formats a percentage the way a person would: "60%", "66.67%".
pub(crate) fn percent(v: f64) -> String {
    let rounded = libm::round(v * 100.0) / 100.0;
    let mut s = format!("{rounded:.2}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    format!("{s}%")
}

fn cmp(v: f32, threshold: f32) -> &'static str {
    if v >= threshold {
        "≥"
    } else {
        "<"
    }
}

impl fmt::Display for TransitionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TransitionReason::*;
        let p = |v: f32| percent(v as f64);
        match self {
            FailureRateExceeded { calls, failure_rate, threshold } => {
                write!(f, "{calls} calls, {} ≥ {}", p(*failure_rate), p(*threshold))
            }
            SlowCallRateExceeded { calls, slow_call_rate, threshold } => {
                write!(f, "{calls} calls, {} slow ≥ {}", p(*slow_call_rate), p(*threshold))
            }
            BothRatesExceeded { calls, failure_rate, failure_rate_threshold, slow_call_rate, slow_call_rate_threshold } => {
                write!(
                    f,
                    "{calls} calls, {} ≥ {} and {} slow ≥ {}",
                    p(*failure_rate),
                    p(*failure_rate_threshold),
                    p(*slow_call_rate),
                    p(*slow_call_rate_threshold)
                )
            }
            BelowThresholds { calls, failure_rate, failure_rate_threshold, slow_call_rate, slow_call_rate_threshold } => {
                write!(
                    f,
                    "{calls} calls, {} {} {} and {} slow {} {}",
                    p(*failure_rate),
                    cmp(*failure_rate, *failure_rate_threshold),
                    p(*failure_rate_threshold),
                    p(*slow_call_rate),
                    cmp(*slow_call_rate, *slow_call_rate_threshold),
                    p(*slow_call_rate_threshold)
                )
            }
            WaitElapsed { waited, automatic } => {
                let how = if *automatic { "timer" } else { "next call" };
                // One decimal at most: enough to show a wait just past its 5000 ms, not microseconds.
                write!(f, "waited {} ms ({how})", (ms_from_ticks(*waited) * 10.0).round() / 10.0)
            }
            HalfOpenWaitElapsed { waited } => write!(f, "half-open for {} ms", ms_from_ticks(*waited)),
            FailureRatioExceeded { throughput, failure_ratio, threshold } => {
                write!(f, "{throughput} calls, failure ratio {} ≥ {}", round4(*failure_ratio), round4(*threshold))
            }
            ErrorPercentageExceeded { requests, error_percentage, threshold } => {
                write!(f, "{requests} requests, {error_percentage}% errors ≥ {threshold}%")
            }
            ProbeSucceeded => f.write_str("probe succeeded"),
            ProbeFailed => f.write_str("probe failed"),
            ProbeIgnoredError => f.write_str("probe ended in an ignored error"),
            Manual => f.write_str("manual"),
            Reset => f.write_str("reset"),
        }
    }
}

fn round4(v: f64) -> f64 {
    libm::round(v * 10_000.0) / 10_000.0
}

/// One entry of a breaker's transition log.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct Transition {
    pub at: Tick,
    pub from: State,
    pub to: State,
    pub reason: TransitionReason,
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {}", self.reason, self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_three_transitions_are_illegal() {
        let illegal: Vec<(State, State)> =
            State::ALL.iter().flat_map(|&a| State::ALL.iter().map(move |&b| (a, b))).filter(|(a, b)| !a.can_transition_to(*b)).collect();
        assert_eq!(illegal, vec![(State::Closed, State::HalfOpen), (State::MetricsOnly, State::Open), (State::MetricsOnly, State::HalfOpen)]);
    }

    #[test]
    fn reasons_print_like_the_ui_wants() {
        let t = Transition {
            at: 0,
            from: State::Closed,
            to: State::Open,
            reason: TransitionReason::FailureRateExceeded { calls: 5, failure_rate: 60.0, threshold: 50.0 },
        };
        assert_eq!(t.to_string(), "5 calls, 60% ≥ 50% → OPEN");
        assert_eq!(percent(200.0 / 3.0), "66.67%");
    }
}
