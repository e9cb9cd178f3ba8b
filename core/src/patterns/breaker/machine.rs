//! resilience4j's `CircuitBreakerStateMachine`, sans-IO: every method takes `now`, and the
//! two timers resilience4j schedules (automatic OPEN → HALF_OPEN, and
//! `maxWaitDurationInHalfOpenState`) are exposed through [`CircuitBreaker::next_wakeup`] and
//! fired by [`CircuitBreaker::on_tick`]. Every input first fires the timers due at or before
//! its `now`, each at its own due time, so a caller that never ticks still sees them in order.

use serde::{Deserialize, Serialize};

use super::config::{ms, BreakerConfig, ConfigError};
use super::metrics::{BreakerMetrics, MetricsSnapshot, ThresholdCheck};
use super::state::{CallNotPermitted, IllegalStateTransition, State, Transition, TransitionReason};
use super::window::{Aggregation, SlidingWindow};
use crate::engine::time::Tick;

/// How an error is treated (resilience4j's exception predicates, decided by the caller).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Matches `recordExceptions`: counted as a failure.
    Recorded,
    /// Matches `ignoreExceptions`: not counted, and a HALF_OPEN permit is given back.
    Ignored,
    /// Matches neither: resilience4j counts it as a *success*.
    NotRecorded,
}

/// The result of a finished call, for [`CircuitBreaker::on_result`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    Success,
    Failure,
    IgnoredError,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(tag = "state", rename_all = "SCREAMING_SNAKE_CASE")]
enum Inner {
    Closed {
        metrics: BreakerMetrics,
    },
    Open {
        attempts: u32,
        metrics: BreakerMetrics,
        opened_at: Tick,
        /// Calls are permitted again strictly after this instant (Java `isAfter`).
        retry_after: Tick,
    },
    HalfOpen {
        attempts: u32,
        metrics: BreakerMetrics,
        entered_at: Tick,
        permits_left: u32,
    },
    Disabled {
        metrics: BreakerMetrics,
    },
    ForcedOpen {
        attempts: u32,
        metrics: BreakerMetrics,
    },
    MetricsOnly {
        metrics: BreakerMetrics,
    },
}

impl Inner {
    fn state(&self) -> State {
        match self {
            Inner::Closed { .. } => State::Closed,
            Inner::Open { .. } => State::Open,
            Inner::HalfOpen { .. } => State::HalfOpen,
            Inner::Disabled { .. } => State::Disabled,
            Inner::ForcedOpen { .. } => State::ForcedOpen,
            Inner::MetricsOnly { .. } => State::MetricsOnly,
        }
    }

    fn metrics(&self) -> &BreakerMetrics {
        match self {
            Inner::Closed { metrics }
            | Inner::Open { metrics, .. }
            | Inner::HalfOpen { metrics, .. }
            | Inner::Disabled { metrics }
            | Inner::ForcedOpen { metrics, .. }
            | Inner::MetricsOnly { metrics } => metrics,
        }
    }

    /// resilience4j's `attempts()`: 0 in CLOSED, DISABLED and METRICS_ONLY.
    fn attempts(&self) -> u32 {
        match self {
            Inner::Open { attempts, .. } | Inner::HalfOpen { attempts, .. } | Inner::ForcedOpen { attempts, .. } => *attempts,
            _ => 0,
        }
    }
}

/// A resilience4j circuit breaker.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    inner: Inner,
    transitions: Vec<Transition>,
}

impl CircuitBreaker {
    /// A breaker in `config.initial_state`, created at `now`.
    pub fn new(config: BreakerConfig, now: Tick) -> Result<Self, ConfigError> {
        config.validate()?;
        let inner = match config.initial_state {
            State::Closed => Inner::Closed { metrics: BreakerMetrics::for_closed(&config, now) },
            State::Open => Self::open_state(&config, 1, BreakerMetrics::for_closed(&config, now), now, None),
            State::HalfOpen => Self::half_open_state(&config, 1, now),
            State::Disabled => Inner::Disabled { metrics: BreakerMetrics::empty(&config) },
            State::ForcedOpen => Inner::ForcedOpen { attempts: 1, metrics: BreakerMetrics::empty(&config) },
            State::MetricsOnly => Inner::MetricsOnly { metrics: BreakerMetrics::for_closed(&config, now) },
        };
        Ok(CircuitBreaker { config, inner, transitions: Vec::new() })
    }

    fn open_state(config: &BreakerConfig, attempts: u32, metrics: BreakerMetrics, now: Tick, wait: Option<Tick>) -> Inner {
        let wait = wait.unwrap_or_else(|| config.wait_in_open_state(attempts));
        Inner::Open { attempts, metrics, opened_at: now, retry_after: now.saturating_add(wait) }
    }

    fn half_open_state(config: &BreakerConfig, attempts: u32, now: Tick) -> Inner {
        Inner::HalfOpen {
            attempts,
            metrics: BreakerMetrics::for_half_open(config),
            entered_at: now,
            permits_left: config.permitted_number_of_calls_in_half_open_state,
        }
    }

    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    pub fn state(&self) -> State {
        self.inner.state()
    }

    /// The backoff attempt counter (1 on the first opening after CLOSED).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts()
    }

    /// The metrics of the current state as seen at `now`.
    pub fn metrics(&self, now: Tick) -> MetricsSnapshot {
        self.inner.metrics().snapshot(now)
    }

    /// The current state's window, for drawing.
    pub fn window(&self) -> &SlidingWindow {
        self.inner.metrics().window()
    }

    /// In OPEN: the instant after which the next call moves to HALF_OPEN.
    pub fn retry_after(&self) -> Option<Tick> {
        match self.inner {
            Inner::Open { retry_after, .. } => Some(retry_after),
            _ => None,
        }
    }

    /// In HALF_OPEN: trial permits still available.
    pub fn half_open_permits_left(&self) -> Option<u32> {
        match self.inner {
            Inner::HalfOpen { permits_left, .. } => Some(permits_left),
            _ => None,
        }
    }

    /// Every transition so far, oldest first.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// Takes the transition log, leaving it empty.
    pub fn drain_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }

    /// When a timer is due: the automatic OPEN → HALF_OPEN (if enabled) or the HALF_OPEN
    /// maximum wait (if ≥ 1 ms).
    pub fn next_wakeup(&self) -> Option<Tick> {
        match self.inner {
            Inner::Open { retry_after, .. } if self.config.automatic_transition_from_open_to_half_open_enabled => Some(retry_after),
            Inner::HalfOpen { entered_at, .. } if self.config.max_wait_duration_in_half_open_state_ms >= 1 => {
                Some(entered_at.saturating_add(ms(self.config.max_wait_duration_in_half_open_state_ms)))
            }
            _ => None,
        }
    }

    /// Fires every timer due at or before `now`, each at its own due time.
    pub fn on_tick(&mut self, now: Tick) {
        while let Some(due) = self.next_wakeup() {
            if due > now {
                break;
            }
            match self.inner {
                Inner::Open { opened_at, .. } => {
                    let reason = TransitionReason::WaitElapsed { waited: due - opened_at, automatic: true };
                    self.enter_half_open(due, reason);
                }
                Inner::HalfOpen { entered_at, .. } => {
                    let reason = TransitionReason::HalfOpenWaitElapsed { waited: due - entered_at };
                    match self.config.transition_to_state_after_wait_duration {
                        State::Closed => self.enter_closed(due, reason),
                        _ => self.enter_open(due, reason, None),
                    }
                }
                _ => break,
            }
        }
    }

    /// resilience4j `tryAcquirePermission`; counts a not-permitted call when refusing.
    pub fn try_acquire_permission(&mut self, now: Tick) -> bool {
        self.on_tick(now);
        if let Inner::Open { retry_after, opened_at, .. } = self.inner {
            if now > retry_after {
                let reason = TransitionReason::WaitElapsed { waited: now - opened_at, automatic: false };
                self.enter_half_open(now, reason);
                // As resilience4j does: the new HALF_OPEN state decides this call.
            }
        }
        match &mut self.inner {
            Inner::Closed { .. } | Inner::Disabled { .. } | Inner::MetricsOnly { .. } => true,
            Inner::HalfOpen { permits_left, .. } if *permits_left > 0 => {
                *permits_left -= 1;
                true
            }
            Inner::HalfOpen { metrics, .. } | Inner::Open { metrics, .. } | Inner::ForcedOpen { metrics, .. } => {
                metrics.on_call_not_permitted();
                false
            }
        }
    }

    /// resilience4j `acquirePermission`: an error instead of `false`.
    pub fn acquire_permission(&mut self, now: Tick) -> Result<(), CallNotPermitted> {
        if self.try_acquire_permission(now) {
            Ok(())
        } else {
            Err(CallNotPermitted { state: self.state() })
        }
    }

    /// resilience4j `releasePermission`: gives a HALF_OPEN permit back (no-op elsewhere).
    pub fn release_permission(&mut self, now: Tick) {
        self.on_tick(now);
        if let Inner::HalfOpen { permits_left, .. } = &mut self.inner {
            // An unconditional increment, as Java's `incrementAndGet`.
            *permits_left = permits_left.saturating_add(1);
        }
    }

    /// A call finished successfully after `duration`.
    pub fn on_success(&mut self, now: Tick, duration: Tick) {
        self.on_tick(now);
        self.record(now, duration, false);
    }

    /// A call failed after `duration`.
    pub fn on_error(&mut self, now: Tick, duration: Tick, kind: ErrorKind) {
        self.on_tick(now);
        match kind {
            ErrorKind::Recorded => self.record(now, duration, true),
            ErrorKind::NotRecorded => self.record(now, duration, false),
            ErrorKind::Ignored => self.release_permission(now),
        }
    }

    /// Dispatches on a call's result.
    pub fn on_result(&mut self, now: Tick, duration: Tick, result: CallResult) {
        match result {
            CallResult::Success => self.on_success(now, duration),
            CallResult::Failure => self.on_error(now, duration, ErrorKind::Recorded),
            CallResult::IgnoredError => self.on_error(now, duration, ErrorKind::Ignored),
        }
    }

    fn record(&mut self, now: Tick, duration: Tick, failed: bool) {
        let state = self.state();
        let (check, total) = match &mut self.inner {
            // Not operating: nothing is recorded.
            Inner::Disabled { .. } | Inner::ForcedOpen { .. } => return,
            // Late results of calls permitted before the breaker opened still count.
            Inner::Open { metrics, .. } => {
                metrics.record(now, duration, failed);
                return;
            }
            // Records, but never transitions (resilience4j only publishes events).
            Inner::MetricsOnly { metrics } => {
                metrics.record(now, duration, failed);
                return;
            }
            Inner::Closed { metrics } | Inner::HalfOpen { metrics, .. } => metrics.record(now, duration, failed),
        };
        if check.exceeded() {
            let reason = self.exceeded_reason(check, &total);
            self.enter_open(now, reason, None);
        } else if check == ThresholdCheck::BelowThresholds && state == State::HalfOpen {
            let reason = self.rates_reason(&total);
            self.enter_closed(now, reason);
        }
    }

    fn exceeded_reason(&self, check: ThresholdCheck, total: &Aggregation) -> TransitionReason {
        let m = self.inner.metrics();
        match check {
            ThresholdCheck::FailureRateAboveThreshold => TransitionReason::FailureRateExceeded {
                calls: total.calls,
                failure_rate: total.failure_rate(),
                threshold: m.failure_rate_threshold(),
            },
            ThresholdCheck::SlowCallRateAboveThreshold => TransitionReason::SlowCallRateExceeded {
                calls: total.calls,
                slow_call_rate: total.slow_call_rate(),
                threshold: m.slow_call_rate_threshold(),
            },
            _ => TransitionReason::BothRatesExceeded {
                calls: total.calls,
                failure_rate: total.failure_rate(),
                failure_rate_threshold: m.failure_rate_threshold(),
                slow_call_rate: total.slow_call_rate(),
                slow_call_rate_threshold: m.slow_call_rate_threshold(),
            },
        }
    }

    fn rates_reason(&self, total: &Aggregation) -> TransitionReason {
        let m = self.inner.metrics();
        TransitionReason::BelowThresholds {
            calls: total.calls,
            failure_rate: total.failure_rate(),
            failure_rate_threshold: m.failure_rate_threshold(),
            slow_call_rate: total.slow_call_rate(),
            slow_call_rate_threshold: m.slow_call_rate_threshold(),
        }
    }

    fn log(&mut self, at: Tick, from: State, to: State, reason: TransitionReason) {
        // resilience4j publishes no event for X → X ("internal") transitions.
        if from != to {
            self.transitions.push(Transition { at, from, to, reason });
        }
    }

    // The internal moves below are the ones resilience4j makes itself; they are always legal.

    fn enter_open(&mut self, now: Tick, reason: TransitionReason, wait: Option<Tick>) {
        let from = self.state();
        let attempts = if wait.is_some() { self.inner.attempts() } else { self.inner.attempts() + 1 };
        let metrics = self.inner.metrics().clone();
        self.inner = Self::open_state(&self.config, attempts, metrics, now, wait);
        self.log(now, from, State::Open, reason);
    }

    fn enter_half_open(&mut self, now: Tick, reason: TransitionReason) {
        let from = self.state();
        self.inner = Self::half_open_state(&self.config, self.inner.attempts(), now);
        self.log(now, from, State::HalfOpen, reason);
    }

    fn enter_closed(&mut self, now: Tick, reason: TransitionReason) {
        let from = self.state();
        self.inner = Inner::Closed { metrics: BreakerMetrics::for_closed(&self.config, now) };
        self.log(now, from, State::Closed, reason);
    }

    fn check_legal(&mut self, now: Tick, to: State) -> Result<State, IllegalStateTransition> {
        self.on_tick(now);
        let from = self.state();
        if from.can_transition_to(to) {
            Ok(from)
        } else {
            Err(IllegalStateTransition { from, to })
        }
    }

    /// Manual CLOSED: fresh metrics (also when already CLOSED), attempts reset.
    pub fn transition_to_closed(&mut self, now: Tick) -> Result<(), IllegalStateTransition> {
        self.check_legal(now, State::Closed)?;
        self.enter_closed(now, TransitionReason::Manual);
        Ok(())
    }

    /// Manual OPEN: attempts + 1, keeps the current metrics, waits per the interval function.
    pub fn transition_to_open(&mut self, now: Tick) -> Result<(), IllegalStateTransition> {
        self.check_legal(now, State::Open)?;
        self.enter_open(now, TransitionReason::Manual, None);
        Ok(())
    }

    /// resilience4j `transitionToOpenStateFor`: OPEN for exactly `wait`, attempts unchanged.
    pub fn transition_to_open_for(&mut self, now: Tick, wait: Tick) -> Result<(), IllegalStateTransition> {
        self.check_legal(now, State::Open)?;
        self.enter_open(now, TransitionReason::Manual, Some(wait));
        Ok(())
    }

    /// Manual HALF_OPEN: fresh trial window, attempts carried over.
    pub fn transition_to_half_open(&mut self, now: Tick) -> Result<(), IllegalStateTransition> {
        self.check_legal(now, State::HalfOpen)?;
        self.enter_half_open(now, TransitionReason::Manual);
        Ok(())
    }

    pub fn transition_to_disabled(&mut self, now: Tick) -> Result<(), IllegalStateTransition> {
        let from = self.check_legal(now, State::Disabled)?;
        self.inner = Inner::Disabled { metrics: BreakerMetrics::empty(&self.config) };
        self.log(now, from, State::Disabled, TransitionReason::Manual);
        Ok(())
    }

    /// FORCED_OPEN: rejects everything; attempts + 1 like OPEN.
    pub fn transition_to_forced_open(&mut self, now: Tick) -> Result<(), IllegalStateTransition> {
        let from = self.check_legal(now, State::ForcedOpen)?;
        let attempts = self.inner.attempts() + 1;
        self.inner = Inner::ForcedOpen { attempts, metrics: BreakerMetrics::empty(&self.config) };
        self.log(now, from, State::ForcedOpen, TransitionReason::Manual);
        Ok(())
    }

    pub fn transition_to_metrics_only(&mut self, now: Tick) -> Result<(), IllegalStateTransition> {
        let from = self.check_legal(now, State::MetricsOnly)?;
        self.inner = Inner::MetricsOnly { metrics: BreakerMetrics::for_closed(&self.config, now) };
        self.log(now, from, State::MetricsOnly, TransitionReason::Manual);
        Ok(())
    }

    /// Goes to `to` by the matching `transition_to_*`.
    pub fn transition_to(&mut self, now: Tick, to: State) -> Result<(), IllegalStateTransition> {
        match to {
            State::Closed => self.transition_to_closed(now),
            State::Open => self.transition_to_open(now),
            State::HalfOpen => self.transition_to_half_open(now),
            State::Disabled => self.transition_to_disabled(now),
            State::ForcedOpen => self.transition_to_forced_open(now),
            State::MetricsOnly => self.transition_to_metrics_only(now),
        }
    }

    /// resilience4j `reset`: a fresh CLOSED state from anywhere (no legality check).
    pub fn reset(&mut self, now: Tick) {
        self.on_tick(now);
        let from = self.state();
        self.inner = Inner::Closed { metrics: BreakerMetrics::for_closed(&self.config, now) };
        self.log(now, from, State::Closed, TransitionReason::Reset);
    }
}
