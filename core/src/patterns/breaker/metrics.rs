//! resilience4j's `CircuitBreakerMetrics`: a window plus the threshold check.

use serde::{Deserialize, Serialize};

use super::config::{ms, BreakerConfig, SlidingWindowType};
use super::window::{Aggregation, CountWindow, Outcome, SlidingWindow, TimeWindow};
use crate::engine::time::Tick;

/// What one recorded call says about the thresholds (resilience4j `CircuitBreakerMetrics.Result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdCheck {
    BelowThresholds,
    FailureRateAboveThreshold,
    SlowCallRateAboveThreshold,
    AboveThresholds,
    BelowMinimumCallsThreshold,
}

impl ThresholdCheck {
    pub fn exceeded(self) -> bool {
        matches!(self, ThresholdCheck::FailureRateAboveThreshold | ThresholdCheck::SlowCallRateAboveThreshold | ThresholdCheck::AboveThresholds)
    }
}

/// The numbers resilience4j's `CircuitBreaker.Metrics` reports.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct MetricsSnapshot {
    /// Percent, or -1 while fewer than `minimumNumberOfCalls` calls are buffered.
    pub failure_rate: f32,
    /// Percent, or -1 while fewer than `minimumNumberOfCalls` calls are buffered.
    pub slow_call_rate: f32,
    pub buffered_calls: u32,
    pub failed_calls: u32,
    pub successful_calls: u32,
    pub slow_calls: u32,
    pub slow_successful_calls: u32,
    pub slow_failed_calls: u32,
    pub not_permitted_calls: u64,
    /// The effective minimum the -1 rule uses.
    pub minimum_number_of_calls: u32,
}

/// A window and the thresholds it is judged against.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct BreakerMetrics {
    window: SlidingWindow,
    failure_rate_threshold: f32,
    slow_call_rate_threshold: f32,
    slow_call_duration_threshold: Tick,
    minimum_number_of_calls: u32,
    not_permitted_calls: u64,
}

impl BreakerMetrics {
    fn with_window(config: &BreakerConfig, window: SlidingWindow, minimum_number_of_calls: u32) -> Self {
        BreakerMetrics {
            window,
            failure_rate_threshold: config.failure_rate_threshold,
            slow_call_rate_threshold: config.slow_call_rate_threshold,
            slow_call_duration_threshold: ms(config.slow_call_duration_threshold_ms),
            minimum_number_of_calls,
            not_permitted_calls: 0,
        }
    }

    /// CLOSED and METRICS_ONLY: the configured window (a time window starts at `now`).
    pub fn for_closed(config: &BreakerConfig, now: Tick) -> Self {
        let size = config.sliding_window_size as usize;
        let window = match config.sliding_window_type {
            SlidingWindowType::CountBased => SlidingWindow::CountBased(CountWindow::new(size)),
            SlidingWindowType::TimeBased => SlidingWindow::TimeBased(TimeWindow::new(size, now)),
        };
        Self::with_window(config, window, config.effective_minimum_number_of_calls())
    }

    /// HALF_OPEN: always a count window of the permitted calls, and (as for every count
    /// window) minimum calls = `min(minimum_number_of_calls, permitted)`.
    pub fn for_half_open(config: &BreakerConfig) -> Self {
        let permitted = config.permitted_number_of_calls_in_half_open_state;
        let window = SlidingWindow::CountBased(CountWindow::new(permitted as usize));
        Self::with_window(config, window, config.minimum_number_of_calls.min(permitted))
    }

    /// DISABLED and FORCED_OPEN: an empty window that records nothing.
    pub fn empty(config: &BreakerConfig) -> Self {
        Self::with_window(config, SlidingWindow::CountBased(CountWindow::new(0)), 0)
    }

    /// Records one finished call; slow means duration strictly above the threshold.
    pub fn record(&mut self, now: Tick, duration: Tick, failed: bool) -> (ThresholdCheck, Aggregation) {
        let outcome = Outcome::classify(failed, duration > self.slow_call_duration_threshold);
        let total = self.window.record(now, outcome, duration);
        (self.check(&total), total)
    }

    pub fn on_call_not_permitted(&mut self) {
        self.not_permitted_calls += 1;
    }

    fn rates(&self, total: &Aggregation) -> (f32, f32) {
        if total.calls == 0 || total.calls < self.minimum_number_of_calls {
            (-1.0, -1.0)
        } else {
            (total.failure_rate(), total.slow_call_rate())
        }
    }

    fn check(&self, total: &Aggregation) -> ThresholdCheck {
        let (failure_rate, slow_call_rate) = self.rates(total);
        if failure_rate == -1.0 || slow_call_rate == -1.0 {
            return ThresholdCheck::BelowMinimumCallsThreshold;
        }
        let failures = failure_rate >= self.failure_rate_threshold;
        let slow = slow_call_rate >= self.slow_call_rate_threshold;
        match (failures, slow) {
            (true, true) => ThresholdCheck::AboveThresholds,
            (true, false) => ThresholdCheck::FailureRateAboveThreshold,
            (false, true) => ThresholdCheck::SlowCallRateAboveThreshold,
            (false, false) => ThresholdCheck::BelowThresholds,
        }
    }

    pub fn snapshot(&self, now: Tick) -> MetricsSnapshot {
        let total = self.window.total_at(now);
        let (failure_rate, slow_call_rate) = self.rates(&total);
        MetricsSnapshot {
            failure_rate,
            slow_call_rate,
            buffered_calls: total.calls,
            failed_calls: total.failed_calls,
            successful_calls: total.calls - total.failed_calls,
            slow_calls: total.slow_calls,
            slow_successful_calls: total.slow_calls - total.slow_failed_calls,
            slow_failed_calls: total.slow_failed_calls,
            not_permitted_calls: self.not_permitted_calls,
            minimum_number_of_calls: self.minimum_number_of_calls,
        }
    }

    pub fn window(&self) -> &SlidingWindow {
        &self.window
    }

    pub fn failure_rate_threshold(&self) -> f32 {
        self.failure_rate_threshold
    }

    pub fn slow_call_rate_threshold(&self) -> f32 {
        self.slow_call_rate_threshold
    }
}
