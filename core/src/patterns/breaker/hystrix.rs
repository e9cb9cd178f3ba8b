//! Netflix Hystrix 1.5's `HystrixCircuitBreakerImpl` with its `HealthCountsStream`, sans-IO.
//!
//! How it differs from resilience4j and Polly, on purpose:
//! * the breaker does not look at calls as they finish: a health stream cuts time into
//!   buckets of `health_snapshot_interval_ms` (default 500 ms, counted from when the stream
//!   started) and, each time a bucket completes, sums the last
//!   `rolling_window_ms / health_snapshot_interval_ms` completed buckets (default 20 × 500 ms
//!   = the 10 s rolling window); only then can CLOSED → OPEN happen, so tripping lags by up
//!   to one interval. (Hystrix's `metrics.rollingStats.numBuckets` shapes other dashboards,
//!   not the breaker, so it is not modelled.)
//! * a snapshot trips when `requests ≥ request_volume_threshold` and
//!   `error_percentage ≥ error_threshold_percentage`, where the percentage is an **integer,
//!   truncated**: `(int) (errors / total * 100)`; 9 errors of 19 calls is 47 %, not 47.4 %.
//! * OPEN → HALF_OPEN on the first call strictly after `opened + sleep_window` (that call is
//!   the single probe, everything else is short-circuited); the probe's success closes and
//!   restarts the health stream from empty; any non-success (including an ignored
//!   `HystrixBadRequestException`) re-opens with a fresh sleep window.
//! * ignored errors are never counted in the health numbers.
//! * `force_open` / `force_closed` are flags over the real status; shown as FORCED_OPEN /
//!   DISABLED. With `force_closed` the health stream and status keep evolving underneath.
//!
//! Modelling choice: a call finishing exactly on a bucket boundary belongs to the new bucket
//! (the boundary's evaluation runs first).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::config::{ms, ConfigError, MAX_WINDOW_SIZE};
use super::state::{State, Transition, TransitionReason};
use crate::engine::time::Tick;

/// `HystrixCommandProperties` for the breaker, durations in whole milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct HystrixConfig {
    /// `circuitBreaker.errorThresholdPercentage`, 0..=100. Default 50.
    pub error_threshold_percentage: u32,
    /// `circuitBreaker.requestVolumeThreshold`. Default 20.
    pub request_volume_threshold: u32,
    /// `circuitBreaker.sleepWindowInMilliseconds`. Default 5 000.
    pub sleep_window_ms: u64,
    /// `metrics.rollingStats.timeInMilliseconds`. Default 10 000.
    pub rolling_window_ms: u64,
    /// `metrics.healthSnapshot.intervalInMilliseconds`. Default 500.
    pub health_snapshot_interval_ms: u64,
}

impl Default for HystrixConfig {
    fn default() -> Self {
        HystrixConfig {
            error_threshold_percentage: 50,
            request_volume_threshold: 20,
            sleep_window_ms: 5_000,
            rolling_window_ms: 10_000,
            health_snapshot_interval_ms: 500,
        }
    }
}

impl HystrixConfig {
    /// Hystrix checks little itself (a 0 ms interval throws); the rest keeps the model sane.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.error_threshold_percentage > 100 {
            return Err(ConfigError::new("error_threshold_percentage", format!("must be in [0, 100], got {}", self.error_threshold_percentage)));
        }
        if self.health_snapshot_interval_ms < 1 {
            return Err(ConfigError::new("health_snapshot_interval_ms", "must be at least 1 ms, got 0"));
        }
        let buckets = self.rolling_window_ms / self.health_snapshot_interval_ms;
        if !(1..=MAX_WINDOW_SIZE as u64).contains(&buckets) {
            return Err(ConfigError::new(
                "rolling_window_ms",
                format!(
                    "must hold between 1 and {MAX_WINDOW_SIZE} health snapshot intervals ({} ms), got {}",
                    self.health_snapshot_interval_ms, self.rolling_window_ms
                ),
            ));
        }
        Ok(())
    }

    pub fn number_of_health_buckets(&self) -> usize {
        (self.rolling_window_ms / self.health_snapshot_interval_ms) as usize
    }
}

/// Hystrix `HealthCounts`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct HealthCounts {
    pub total_requests: u64,
    pub error_count: u64,
    /// `(int) ((double) errors / total * 100)`, 0 when empty.
    pub error_percentage: u32,
}

impl HealthCounts {
    pub fn new(total_requests: u64, error_count: u64) -> Self {
        let error_percentage = if total_requests > 0 { (error_count as f64 / total_requests as f64 * 100.0) as u32 } else { 0 };
        HealthCounts { total_requests, error_count, error_percentage }
    }
}

/// One health bucket: requests and errors counted during one snapshot interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct HealthBucket {
    /// Bucket `k` covers `[stream_start + k·interval, stream_start + (k+1)·interval)`.
    pub index: u64,
    pub requests: u64,
    pub errors: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
enum Status {
    Closed,
    Open,
    HalfOpen,
}

/// A Hystrix circuit breaker.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct HystrixBreaker {
    config: HystrixConfig,
    status: Status,
    circuit_opened: Option<Tick>,
    force_open: bool,
    force_closed: bool,
    stream_start: Tick,
    /// Completed buckets, oldest first, at most `number_of_health_buckets`.
    completed: VecDeque<HealthBucket>,
    current: HealthBucket,
    /// The counts the breaker last saw (the last emission of the health stream).
    last_snapshot: HealthCounts,
    not_permitted_calls: u64,
    transitions: Vec<Transition>,
}

impl HystrixBreaker {
    pub fn new(config: HystrixConfig, now: Tick) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut breaker = HystrixBreaker {
            config,
            status: Status::Closed,
            circuit_opened: None,
            force_open: false,
            force_closed: false,
            stream_start: now,
            completed: VecDeque::new(),
            current: HealthBucket::default(),
            last_snapshot: HealthCounts::default(),
            not_permitted_calls: 0,
            transitions: Vec::new(),
        };
        // The stream starts with an emission of empty counts (it matters only with a volume
        // threshold of 0).
        breaker.evaluate(now);
        Ok(breaker)
    }

    pub fn config(&self) -> &HystrixConfig {
        &self.config
    }

    /// The state as shown: the force flags win over the real status.
    pub fn state(&self) -> State {
        if self.force_open {
            State::ForcedOpen
        } else if self.force_closed {
            State::Disabled
        } else {
            match self.status {
                Status::Closed => State::Closed,
                Status::Open => State::Open,
                Status::HalfOpen => State::HalfOpen,
            }
        }
    }

    /// The health counts the breaker last evaluated.
    pub fn health_counts(&self) -> HealthCounts {
        self.last_snapshot
    }

    /// The completed buckets in the rolling window, oldest first, plus the one filling now.
    pub fn health_buckets(&self) -> (Vec<HealthBucket>, HealthBucket) {
        (self.completed.iter().copied().collect(), self.current)
    }

    pub fn not_permitted_calls(&self) -> u64 {
        self.not_permitted_calls
    }

    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    pub fn drain_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }

    fn interval(&self) -> Tick {
        ms(self.config.health_snapshot_interval_ms)
    }

    fn boundary(&self, index: u64) -> Tick {
        self.stream_start.saturating_add(self.interval().saturating_mul(index.saturating_add(1)))
    }

    /// The next health snapshot that could change something: only while the real status is
    /// CLOSED and there is something (or, with volume 0, nothing) to count.
    pub fn next_wakeup(&self) -> Option<Tick> {
        if self.status != Status::Closed {
            return None;
        }
        let anything = self.current.requests > 0 || self.completed.iter().any(|b| b.requests > 0);
        (anything || self.config.request_volume_threshold == 0).then(|| self.boundary(self.current.index))
    }

    /// Completes every bucket whose end is at or before `now`, evaluating after each.
    pub fn on_tick(&mut self, now: Tick) {
        let n = self.config.number_of_health_buckets();
        let mut closed_empty_in_a_row = 0usize;
        while self.boundary(self.current.index) <= now {
            let end = self.boundary(self.current.index);
            let finished = self.current;
            closed_empty_in_a_row = if finished.requests == 0 { closed_empty_in_a_row + 1 } else { 0 };
            self.completed.push_back(finished);
            while self.completed.len() > n {
                self.completed.pop_front();
            }
            self.current = HealthBucket { index: finished.index + 1, requests: 0, errors: 0 };
            self.evaluate(end);
            // After a full window of empty buckets every further snapshot is identical: skip
            // to the last boundary at or before `now`.
            if closed_empty_in_a_row > n {
                let interval = self.interval().max(1);
                let last_index = (now - self.stream_start) / interval; // bucket containing `now`
                if last_index > self.current.index {
                    self.current.index = last_index;
                    for (i, b) in self.completed.iter_mut().rev().enumerate() {
                        b.index = last_index - 1 - i as u64;
                    }
                }
            }
        }
    }

    /// The health stream's subscriber in `HystrixCircuitBreakerImpl`.
    fn evaluate(&mut self, at: Tick) {
        let (requests, errors) = self.completed.iter().fold((0, 0), |(r, e), b| (r + b.requests, e + b.errors));
        let counts = HealthCounts::new(requests, errors);
        self.last_snapshot = counts;
        if counts.total_requests < self.config.request_volume_threshold as u64 || counts.error_percentage < self.config.error_threshold_percentage {
            return;
        }
        if self.status == Status::Closed {
            let reason = TransitionReason::ErrorPercentageExceeded {
                requests: counts.total_requests,
                error_percentage: counts.error_percentage,
                threshold: self.config.error_threshold_percentage,
            };
            self.set_status(at, Status::Open, Some(at), reason);
        }
    }

    fn set_status(&mut self, at: Tick, status: Status, opened: Option<Tick>, reason: TransitionReason) {
        let from = self.state();
        self.status = status;
        self.circuit_opened = opened;
        let to = self.state();
        if from != to {
            self.transitions.push(Transition { at, from, to, reason });
        }
    }

    fn set_flags(&mut self, at: Tick, force_open: bool, force_closed: bool) {
        let from = self.state();
        self.force_open = force_open;
        self.force_closed = force_closed;
        let to = self.state();
        if from != to {
            self.transitions.push(Transition { at, from, to, reason: TransitionReason::Manual });
        }
    }

    /// `attemptExecution`.
    pub fn try_acquire_permission(&mut self, now: Tick) -> bool {
        self.on_tick(now);
        if self.force_open {
            self.not_permitted_calls += 1;
            return false;
        }
        if self.force_closed {
            return true;
        }
        let Some(opened) = self.circuit_opened else {
            return true;
        };
        let after_sleep_window = now > opened.saturating_add(ms(self.config.sleep_window_ms));
        if after_sleep_window && self.status == Status::Open {
            let reason = TransitionReason::WaitElapsed { waited: now - opened, automatic: false };
            self.set_status(now, Status::HalfOpen, Some(opened), reason);
            return true;
        }
        self.not_permitted_calls += 1;
        false
    }

    fn count(&mut self, now: Tick, error: bool) {
        self.on_tick(now);
        self.current.requests += 1;
        if error {
            self.current.errors += 1;
        }
    }

    /// SUCCESS: counted; `markSuccess` closes a HALF_OPEN circuit and restarts the stream.
    pub fn on_success(&mut self, now: Tick) {
        self.count(now, false);
        if self.status == Status::HalfOpen {
            self.stream_start = now;
            self.completed.clear();
            self.current = HealthBucket::default();
            self.set_status(now, Status::Closed, None, TransitionReason::ProbeSucceeded);
            self.evaluate(now);
        }
    }

    /// FAILURE: counted; `markNonSuccess` re-opens a HALF_OPEN circuit.
    pub fn on_failure(&mut self, now: Tick) {
        self.count(now, true);
        self.mark_non_success(now, TransitionReason::ProbeFailed);
    }

    /// BAD_REQUEST: not counted, but still `markNonSuccess`.
    pub fn on_ignored_error(&mut self, now: Tick) {
        self.on_tick(now);
        self.mark_non_success(now, TransitionReason::ProbeIgnoredError);
    }

    fn mark_non_success(&mut self, now: Tick, reason: TransitionReason) {
        if self.status == Status::HalfOpen {
            self.set_status(now, Status::Open, Some(now), reason);
        }
    }

    /// `circuitBreaker.forceOpen = true`.
    pub fn force_open(&mut self, now: Tick) {
        self.on_tick(now);
        self.set_flags(now, true, self.force_closed);
    }

    /// `circuitBreaker.forceClosed = true` (force_open, if set, still wins, as in Hystrix).
    pub fn force_closed(&mut self, now: Tick) {
        self.on_tick(now);
        self.set_flags(now, self.force_open, true);
    }

    /// Clears both flags; the real status shows through again.
    pub fn clear_forced(&mut self, now: Tick) {
        self.on_tick(now);
        self.set_flags(now, false, false);
    }
}
