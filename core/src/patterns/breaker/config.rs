//! resilience4j's `CircuitBreakerConfig`, with its defaults and its builder's checks.
//!
//! Every duration is a whole number of **milliseconds** (`u64`), like the `long` millis
//! resilience4j keeps internally (its interval functions truncate to whole milliseconds at
//! each backoff step, which only integer milliseconds reproduce exactly). They become ticks
//! with [`ms`] at use.

use serde::{Deserialize, Serialize};

use super::state::State;
use crate::engine::time::{Tick, TICKS_PER_MS};

/// Upper bound on window sizes and half-open permits, so hostile input cannot allocate
/// gigabytes (a Faultline limit, not a resilience4j one).
pub const MAX_WINDOW_SIZE: u32 = 100_000;

const DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS: u64 = 60_000;

/// The widget's backoff switch: each re-open doubles the wait…
pub const BACKOFF_MULTIPLIER: f64 = 2.0;
/// …up to a minute.
pub const BACKOFF_MAX_INTERVAL_MS: u64 = 60_000;

/// Milliseconds to ticks, saturating.
pub fn ms(millis: u64) -> Tick {
    millis.saturating_mul(TICKS_PER_MS)
}

/// `COUNT_BASED` (last N calls) or `TIME_BASED` (last N seconds).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlidingWindowType {
    #[default]
    CountBased,
    TimeBased,
}

impl SlidingWindowType {
    pub const ALL: [SlidingWindowType; 2] = [SlidingWindowType::CountBased, SlidingWindowType::TimeBased];

    /// resilience4j's (and serde's) spelling.
    pub fn name(self) -> &'static str {
        match self {
            SlidingWindowType::CountBased => "COUNT_BASED",
            SlidingWindowType::TimeBased => "TIME_BASED",
        }
    }

    /// What the window size counts.
    pub fn size_unit(self) -> &'static str {
        match self {
            SlidingWindowType::CountBased => "calls",
            SlidingWindowType::TimeBased => "s",
        }
    }
}

crate::names::name_table!(SlidingWindowType, "sliding_window_type", "sliding window type");

/// The wait in OPEN as a function of the attempt number (resilience4j `IntervalFunction`).
///
/// The attempt is 1 for the first opening after CLOSED and grows by one each time the
/// breaker re-opens from HALF_OPEN (or is forced open / opened again without closing);
/// CLOSED, DISABLED and METRICS_ONLY reset it, so backoff starts over after a close.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum WaitInterval {
    /// `IntervalFunction.of(interval)`: the same wait for every attempt.
    Fixed { interval_ms: u64 },
    /// `IntervalFunction.ofExponentialBackoff(initial, multiplier[, max])`: attempt 1 waits
    /// `initial`, each further attempt multiplies the previous wait and truncates to whole
    /// milliseconds (`(long) (x * multiplier)`); the result is capped at `max` if given.
    ExponentialBackoff {
        initial_interval_ms: u64,
        multiplier: f64,
        #[serde(default)]
        max_interval_ms: Option<u64>,
    },
}

impl WaitInterval {
    /// The wait in milliseconds for `attempt` (values below 1 are treated as 1).
    pub fn wait_ms(&self, attempt: u32) -> u64 {
        match self {
            WaitInterval::Fixed { interval_ms } => *interval_ms,
            WaitInterval::ExponentialBackoff { initial_interval_ms, multiplier, max_interval_ms } => {
                let mut wait = *initial_interval_ms;
                for _ in 1..attempt.max(1) {
                    let next = java_long_from_f64(wait as f64 * multiplier);
                    if next == wait {
                        break; // a fixed point: every further step gives the same value
                    }
                    wait = next;
                }
                match max_interval_ms {
                    Some(max) => wait.min(*max),
                    None => wait,
                }
            }
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let field = "wait_interval_function_in_open_state";
        match self {
            WaitInterval::Fixed { interval_ms } => at_least_1ms(&format!("{field}.interval_ms"), *interval_ms),
            WaitInterval::ExponentialBackoff { initial_interval_ms, multiplier, max_interval_ms } => {
                at_least_1ms(&format!("{field}.initial_interval_ms"), *initial_interval_ms)?;
                // `IntervalFunction.checkMultiplier` throws for multiplier < 1.0 (a shrinking
                // backoff); NaN and infinity are refused too.
                if !(multiplier.is_finite() && *multiplier >= 1.0) {
                    return Err(ConfigError::new(
                        format!("{field}.multiplier"),
                        format!("must be a finite number ≥ 1 (resilience4j's checkMultiplier), got {multiplier}"),
                    ));
                }
                if let Some(max) = max_interval_ms {
                    at_least_1ms(&format!("{field}.max_interval_ms"), *max)?;
                }
                Ok(())
            }
        }
    }
}

// Java's `(long) d`: truncation toward zero, NaN → 0, saturating at the i64 range.
fn java_long_from_f64(d: f64) -> u64 {
    if d.is_nan() || d <= 0.0 {
        0
    } else if d >= i64::MAX as f64 {
        i64::MAX as u64
    } else {
        d as u64
    }
}

fn at_least_1ms(field: &str, v: u64) -> Result<(), ConfigError> {
    if v >= 1 {
        Ok(())
    } else {
        Err(ConfigError::new(field, format!("must be at least 1 ms, got {v}")))
    }
}

/// A configuration value out of range: the crate-wide error that names the field.
pub type ConfigError = crate::error::FieldError;

/// resilience4j `CircuitBreakerConfig` (the parts that shape behaviour; exception predicates
/// are replaced by the caller saying which kind of error happened).
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerConfig {
    /// Percent; opens when the failure rate is ≥ this. Default 50.
    pub failure_rate_threshold: f32,
    /// Percent; opens when the slow-call rate is ≥ this. Default 100.
    pub slow_call_rate_threshold: f32,
    /// A call is slow when its duration is strictly greater than this. Default 60 000 ms.
    pub slow_call_duration_threshold_ms: u64,
    /// Trial calls allowed in HALF_OPEN. Default 10.
    pub permitted_number_of_calls_in_half_open_state: u32,
    /// How long HALF_OPEN may last before going to
    /// `transition_to_state_after_wait_duration`; 0 = wait forever. Default 0.
    pub max_wait_duration_in_half_open_state_ms: u64,
    /// Where a HALF_OPEN that timed out goes: OPEN (default) or CLOSED.
    pub transition_to_state_after_wait_duration: State,
    pub sliding_window_type: SlidingWindowType,
    /// Calls (COUNT_BASED) or seconds (TIME_BASED). Default 100.
    pub sliding_window_size: u32,
    /// Rates are -1 (and nothing trips) until this many calls are in the window. Default 100.
    /// For COUNT_BASED windows the effective value is `min(this, sliding_window_size)`.
    pub minimum_number_of_calls: u32,
    /// Fixed OPEN wait. Default 60 000 ms. Must stay at the default when
    /// `wait_interval_function_in_open_state` is set (resilience4j refuses both).
    pub wait_duration_in_open_state_ms: u64,
    /// Optional backoff for the OPEN wait; overrides `wait_duration_in_open_state_ms`.
    pub wait_interval_function_in_open_state: Option<WaitInterval>,
    /// OPEN → HALF_OPEN by timer (true) or on the first call after the wait (false, default).
    pub automatic_transition_from_open_to_half_open_enabled: bool,
    /// The state a new breaker starts in. Default CLOSED.
    pub initial_state: State,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration_threshold_ms: 60_000,
            permitted_number_of_calls_in_half_open_state: 10,
            max_wait_duration_in_half_open_state_ms: 0,
            transition_to_state_after_wait_duration: State::Open,
            sliding_window_type: SlidingWindowType::CountBased,
            sliding_window_size: 100,
            minimum_number_of_calls: 100,
            wait_duration_in_open_state_ms: DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS,
            wait_interval_function_in_open_state: None,
            automatic_transition_from_open_to_half_open_enabled: false,
            initial_state: State::Closed,
        }
    }
}

fn percent_threshold(field: &str, v: f32) -> Result<(), ConfigError> {
    // resilience4j: `threshold <= 0 || threshold > 100` is rejected (NaN slips through
    // there; we reject it too).
    if v > 0.0 && v <= 100.0 {
        Ok(())
    } else {
        Err(ConfigError::new(field, format!("must be in (0, 100], got {v}")))
    }
}

fn count_in_range(field: &str, v: u32) -> Result<(), ConfigError> {
    if (1..=MAX_WINDOW_SIZE).contains(&v) {
        Ok(())
    } else {
        Err(ConfigError::new(field, format!("must be in [1, {MAX_WINDOW_SIZE}], got {v}")))
    }
}

impl BreakerConfig {
    /// The builder's checks, in the same spirit and with the field named.
    pub fn validate(&self) -> Result<(), ConfigError> {
        percent_threshold("failure_rate_threshold", self.failure_rate_threshold)?;
        percent_threshold("slow_call_rate_threshold", self.slow_call_rate_threshold)?;
        at_least_1ms("slow_call_duration_threshold_ms", self.slow_call_duration_threshold_ms)?;
        count_in_range("permitted_number_of_calls_in_half_open_state", self.permitted_number_of_calls_in_half_open_state)?;
        if !matches!(self.transition_to_state_after_wait_duration, State::Open | State::Closed) {
            return Err(ConfigError::new(
                "transition_to_state_after_wait_duration",
                format!("must be OPEN or CLOSED, got {}", self.transition_to_state_after_wait_duration),
            ));
        }
        count_in_range("sliding_window_size", self.sliding_window_size)?;
        if self.minimum_number_of_calls < 1 {
            return Err(ConfigError::new("minimum_number_of_calls", "must be at least 1, got 0"));
        }
        at_least_1ms("wait_duration_in_open_state_ms", self.wait_duration_in_open_state_ms)?;
        if let Some(interval) = &self.wait_interval_function_in_open_state {
            interval.validate()?;
            // resilience4j refuses a builder given both (`createWaitIntervalFunctionCounter > 1`);
            // we can only see that the fixed wait was moved off its default.
            if self.wait_duration_in_open_state_ms != DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS {
                return Err(ConfigError::new(
                    "wait_interval_function_in_open_state",
                    "cannot be combined with wait_duration_in_open_state_ms; set only one",
                ));
            }
        }
        Ok(())
    }

    /// The first OPEN wait in ms: the interval function's first step when there is one
    /// (the fixed wait then stays at its default), else the fixed wait.
    pub fn first_wait_ms(&self) -> u64 {
        match &self.wait_interval_function_in_open_state {
            Some(WaitInterval::ExponentialBackoff { initial_interval_ms: first, .. } | WaitInterval::Fixed { interval_ms: first }) => *first,
            None => self.wait_duration_in_open_state_ms,
        }
    }

    /// This config with the first OPEN wait set to `ms`, wherever [`Self::first_wait_ms`]
    /// reads it from, so a wait slider never trips resilience4j's "set only one" check.
    pub fn with_first_wait_ms(mut self, ms: u64) -> Self {
        match &mut self.wait_interval_function_in_open_state {
            Some(WaitInterval::ExponentialBackoff { initial_interval_ms: first, .. } | WaitInterval::Fixed { interval_ms: first }) => *first = ms,
            None => self.wait_duration_in_open_state_ms = ms,
        }
        self
    }

    /// This config with exponential backoff of the OPEN wait on (×[`BACKOFF_MULTIPLIER`] per
    /// re-open from the current first wait, capped at [`BACKOFF_MAX_INTERVAL_MS`]) or off
    /// (a fixed wait equal to the first one). resilience4j refuses a fixed wait next to an
    /// interval function, so the wait moves into the function and back out of it.
    pub fn with_exponential_backoff(mut self, on: bool) -> Self {
        let first = self.first_wait_ms();
        if on {
            self.wait_interval_function_in_open_state = Some(WaitInterval::ExponentialBackoff {
                initial_interval_ms: first,
                multiplier: BACKOFF_MULTIPLIER,
                max_interval_ms: Some(BACKOFF_MAX_INTERVAL_MS),
            });
            self.wait_duration_in_open_state_ms = DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS;
        } else {
            self.wait_interval_function_in_open_state = None;
            self.wait_duration_in_open_state_ms = first;
        }
        self
    }

    /// The OPEN wait for `attempt`, in ticks.
    pub fn wait_in_open_state(&self, attempt: u32) -> Tick {
        match &self.wait_interval_function_in_open_state {
            Some(f) => ms(f.wait_ms(attempt)),
            None => ms(self.wait_duration_in_open_state_ms),
        }
    }

    /// `minimumNumberOfCalls` as the CLOSED metrics use it.
    pub fn effective_minimum_number_of_calls(&self) -> u32 {
        match self.sliding_window_type {
            SlidingWindowType::CountBased => self.minimum_number_of_calls.min(self.sliding_window_size),
            SlidingWindowType::TimeBased => self.minimum_number_of_calls,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_backoff_truncates_each_step_and_caps() {
        let f = WaitInterval::ExponentialBackoff { initial_interval_ms: 5000, multiplier: 1.5, max_interval_ms: None };
        assert_eq!([f.wait_ms(1), f.wait_ms(2), f.wait_ms(3), f.wait_ms(4)], [5000, 7500, 11250, 16875]);
        // 16875 * 1.5 = 25312.5 → 25312 (truncated), then 37968
        assert_eq!([f.wait_ms(5), f.wait_ms(6)], [25312, 37968]);
        let capped = WaitInterval::ExponentialBackoff { initial_interval_ms: 1000, multiplier: 2.0, max_interval_ms: Some(5000) };
        assert_eq!([capped.wait_ms(1), capped.wait_ms(3), capped.wait_ms(4), capped.wait_ms(60)], [1000, 4000, 5000, 5000]);
        // (long)(1 * 1.5) == 1: stuck at 1 ms forever, as in Java.
        let stuck = WaitInterval::ExponentialBackoff { initial_interval_ms: 1, multiplier: 1.5, max_interval_ms: None };
        assert_eq!(stuck.wait_ms(10), 1);
    }

    #[test]
    fn validation_names_the_field() {
        let c = BreakerConfig { failure_rate_threshold: 0.0, ..Default::default() };
        assert_eq!(c.validate().unwrap_err().to_string(), "failure_rate_threshold: must be in (0, 100], got 0");
        let c = BreakerConfig { sliding_window_size: 0, ..Default::default() };
        assert_eq!(c.validate().unwrap_err().field, "sliding_window_size");
        assert!(BreakerConfig::default().validate().is_ok());
    }

    #[test]
    fn serde_spells_every_window_type_as_its_name() {
        for window in SlidingWindowType::ALL {
            assert_eq!(serde_json::to_value(window).unwrap(), serde_json::Value::from(window.name()));
            assert_eq!(window.name().parse::<SlidingWindowType>().unwrap(), window);
        }
        assert_eq!("time-based".parse::<SlidingWindowType>().unwrap(), SlidingWindowType::TimeBased);
        assert_eq!("hourly".parse::<SlidingWindowType>().unwrap_err().field, "sliding_window_type");
    }

    #[test]
    fn backoff_on_moves_the_wait_into_the_function_and_off_moves_it_back() {
        let fixed = BreakerConfig { wait_duration_in_open_state_ms: 5_000, ..Default::default() };
        let backoff = fixed.clone().with_exponential_backoff(true);
        backoff.validate().unwrap();
        assert_eq!(
            backoff.wait_interval_function_in_open_state,
            Some(WaitInterval::ExponentialBackoff { initial_interval_ms: 5_000, multiplier: 2.0, max_interval_ms: Some(60_000) })
        );
        assert_eq!(backoff.wait_duration_in_open_state_ms, DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS);
        assert_eq!([backoff.wait_in_open_state(1), backoff.wait_in_open_state(2)], [ms(5_000), ms(10_000)]);
        assert_eq!(backoff.wait_in_open_state(10), ms(60_000), "capped");
        let back = backoff.with_exponential_backoff(false);
        back.validate().unwrap();
        assert_eq!(back, fixed);
        assert_eq!(fixed.clone().with_exponential_backoff(false), fixed, "already off: unchanged");
        // On from a fixed interval function: the backoff starts from its wait.
        let interval = BreakerConfig { wait_interval_function_in_open_state: Some(WaitInterval::Fixed { interval_ms: 3_000 }), ..Default::default() };
        let on = interval.clone().with_exponential_backoff(true);
        on.validate().unwrap();
        assert_eq!(on.first_wait_ms(), 3_000);
        let off = interval.with_exponential_backoff(false);
        off.validate().unwrap();
        assert_eq!((off.wait_duration_in_open_state_ms, off.wait_interval_function_in_open_state), (3_000, None));
    }

    #[test]
    fn the_first_wait_is_set_where_it_lives() {
        let fixed = BreakerConfig::default().with_first_wait_ms(2_500);
        fixed.validate().unwrap();
        assert_eq!((fixed.wait_duration_in_open_state_ms, fixed.first_wait_ms()), (2_500, 2_500));
        let backoff = BreakerConfig::default().with_exponential_backoff(true).with_first_wait_ms(2_500);
        backoff.validate().unwrap();
        assert_eq!(backoff.first_wait_ms(), 2_500);
        assert_eq!(backoff.wait_duration_in_open_state_ms, DEFAULT_WAIT_DURATION_IN_OPEN_STATE_MS, "the fixed wait stays at its default");
    }
}
