//! Polly v8's advanced circuit breaker (`Polly.Core/CircuitBreaker`: `CircuitStateController`,
//! `AdvancedCircuitBehavior`, `RollingHealthMetrics`), sans-IO.
//!
//! How it differs from resilience4j, on purpose:
//! * only a **failure** can break the circuit, and only in CLOSED: after counting it, the
//!   circuit breaks when `throughput ≥ minimum_throughput && failure_ratio ≥ threshold`
//!   (both inclusive, ratio in 0..=1, double precision);
//! * the window is time based: `sampling_duration` split into 10 sub-windows, each starting at
//!   the first call at least `sampling_duration / 10` after the previous one started (not
//!   aligned to seconds); a sub-window is dropped once `now - started ≥ sampling_duration`;
//! * metrics are **not** reset when the circuit opens, only when it closes;
//! * OPEN → HALF_OPEN happens on the first call at `now ≥ blocked_until` (inclusive), and that
//!   call is the **single** probe: every other call is rejected until it finishes;
//!   success closes, failure re-opens for `break_duration`;
//! * errors the strategy does not handle ("ignored") are outcomes like any success: they count
//!   as successes and a probe ending in one closes the circuit;
//! * no slow-call notion (durations are ignored);
//! * manual control: `Isolate` (shown as FORCED_OPEN) and `Close`, from any state.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::config::{ms, ConfigError};
use super::state::{State, Transition, TransitionReason};
use crate::engine::time::Tick;

const NUMBER_OF_WINDOWS: u64 = 10;
const MIN_DURATION_MS: u64 = 500;
const MAX_DURATION_MS: u64 = 24 * 60 * 60 * 1000;

/// `CircuitBreakerStrategyOptions`, durations in whole milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct PollyConfig {
    /// In [0, 1]. Default 0.1.
    pub failure_ratio: f64,
    /// At least 2. Default 100.
    pub minimum_throughput: u32,
    /// In [500 ms, 1 day]. Default 30 000 ms.
    pub sampling_duration_ms: u64,
    /// In [500 ms, 1 day]. Default 5 000 ms.
    pub break_duration_ms: u64,
}

impl Default for PollyConfig {
    fn default() -> Self {
        PollyConfig { failure_ratio: 0.1, minimum_throughput: 100, sampling_duration_ms: 30_000, break_duration_ms: 5_000 }
    }
}

impl PollyConfig {
    /// Polly's `[Range]` attributes.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(0.0..=1.0).contains(&self.failure_ratio) {
            return Err(ConfigError::new("failure_ratio", format!("must be in [0, 1], got {}", self.failure_ratio)));
        }
        if self.minimum_throughput < 2 {
            return Err(ConfigError::new("minimum_throughput", format!("must be at least 2, got {}", self.minimum_throughput)));
        }
        for (field, v) in [("sampling_duration_ms", self.sampling_duration_ms), ("break_duration_ms", self.break_duration_ms)] {
            if !(MIN_DURATION_MS..=MAX_DURATION_MS).contains(&v) {
                return Err(ConfigError::new(field, format!("must be in [500, 86400000] ms, got {v}")));
            }
        }
        Ok(())
    }
}

/// One of the rolling sub-windows (`RollingHealthMetrics.HealthWindow`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct HealthWindow {
    pub started_at: Tick,
    pub successes: u32,
    pub failures: u32,
}

/// Polly's health numbers (`HealthInfo`): throughput and failure ratio in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct HealthInfo {
    pub throughput: u32,
    pub failures: u32,
    pub failure_ratio: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
struct RollingHealth {
    sampling_duration: Tick,
    window_duration: Tick,
    /// Oldest first; the back is the current window when `has_current`.
    windows: VecDeque<HealthWindow>,
    has_current: bool,
}

impl RollingHealth {
    fn new(sampling_duration: Tick) -> Self {
        RollingHealth { sampling_duration, window_duration: sampling_duration / NUMBER_OF_WINDOWS, windows: VecDeque::new(), has_current: false }
    }

    fn current(&mut self, now: Tick) -> &mut HealthWindow {
        let start_new = match self.windows.back() {
            Some(w) if self.has_current => now.saturating_sub(w.started_at) >= self.window_duration,
            _ => true,
        };
        if start_new {
            self.windows.push_back(HealthWindow { started_at: now, successes: 0, failures: 0 });
            self.has_current = true;
        }
        while let Some(front) = self.windows.front() {
            if now.saturating_sub(front.started_at) >= self.sampling_duration {
                self.windows.pop_front();
            } else {
                break;
            }
        }
        self.windows.back_mut().expect("the current window was just ensured")
    }

    fn reset(&mut self) {
        self.windows.clear();
        self.has_current = false;
    }

    /// What `GetHealthInfo` would report at `now`, without creating a window.
    fn info_at(&self, now: Tick) -> HealthInfo {
        let (mut successes, mut failures) = (0u32, 0u32);
        for w in self.windows.iter().filter(|w| now.saturating_sub(w.started_at) < self.sampling_duration) {
            successes += w.successes;
            failures += w.failures;
        }
        let throughput = successes + failures;
        let failure_ratio = if throughput == 0 { 0.0 } else { failures as f64 / throughput as f64 };
        HealthInfo { throughput, failures, failure_ratio }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
enum PollyState {
    Closed,
    Open,
    HalfOpen,
    Isolated,
}

/// A Polly v8 advanced circuit breaker.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct PollyBreaker {
    config: PollyConfig,
    state: PollyState,
    blocked_until: Tick,
    opened_at: Tick,
    half_open_attempts: u32,
    health: RollingHealth,
    not_permitted_calls: u64,
    transitions: Vec<Transition>,
}

impl PollyBreaker {
    pub fn new(config: PollyConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let health = RollingHealth::new(ms(config.sampling_duration_ms));
        Ok(PollyBreaker {
            config,
            state: PollyState::Closed,
            blocked_until: 0,
            opened_at: 0,
            half_open_attempts: 0,
            health,
            not_permitted_calls: 0,
            transitions: Vec::new(),
        })
    }

    pub fn config(&self) -> &PollyConfig {
        &self.config
    }

    pub fn state(&self) -> State {
        match self.state {
            PollyState::Closed => State::Closed,
            PollyState::Open => State::Open,
            PollyState::HalfOpen => State::HalfOpen,
            PollyState::Isolated => State::ForcedOpen,
        }
    }

    pub fn health(&self, now: Tick) -> HealthInfo {
        self.health.info_at(now)
    }

    /// The sub-windows still inside the sampling duration at `now`, oldest first.
    pub fn health_windows(&self, now: Tick) -> Vec<HealthWindow> {
        let sampling = self.health.sampling_duration;
        self.health.windows.iter().copied().filter(|w| now.saturating_sub(w.started_at) < sampling).collect()
    }

    /// Faultline's count of rejected calls (Polly itself only reports them as exceptions).
    pub fn not_permitted_calls(&self) -> u64 {
        self.not_permitted_calls
    }

    /// While OPEN: the instant from which the next call becomes the probe.
    pub fn blocked_until(&self) -> Option<Tick> {
        (self.state == PollyState::Open).then_some(self.blocked_until)
    }

    /// Number of half-open probes since the last close (Polly passes it to a break-duration
    /// generator; we only report it).
    pub fn half_open_attempts(&self) -> u32 {
        self.half_open_attempts
    }

    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    pub fn drain_transitions(&mut self) -> Vec<Transition> {
        std::mem::take(&mut self.transitions)
    }

    fn set_state(&mut self, now: Tick, to: PollyState, reason: TransitionReason) {
        let from = self.state();
        self.state = to;
        let to = self.state();
        if from != to {
            self.transitions.push(Transition { at: now, from, to, reason });
        }
    }

    /// `OnActionPreExecuteAsync`: may turn OPEN into HALF_OPEN with this call as the probe.
    pub fn try_acquire_permission(&mut self, now: Tick) -> bool {
        if self.state == PollyState::Open && now >= self.blocked_until {
            self.blocked_until = now.saturating_add(ms(self.config.break_duration_ms));
            self.half_open_attempts += 1;
            let waited = now - self.opened_at;
            self.set_state(now, PollyState::HalfOpen, TransitionReason::WaitElapsed { waited, automatic: false });
            return true;
        }
        if self.state == PollyState::Closed {
            return true;
        }
        self.not_permitted_calls += 1;
        false
    }

    /// An outcome the strategy does not handle: a success, or an ignored error.
    pub fn on_success(&mut self, now: Tick) {
        self.health.current(now).successes += 1;
        if self.state == PollyState::HalfOpen {
            self.close(now, TransitionReason::ProbeSucceeded);
        }
    }

    /// A handled outcome (a failure).
    pub fn on_failure(&mut self, now: Tick) {
        match self.state {
            PollyState::Closed => {
                self.health.current(now).failures += 1;
                let info = self.health.info_at(now);
                if info.throughput >= self.config.minimum_throughput && info.failure_ratio >= self.config.failure_ratio {
                    let reason = TransitionReason::FailureRatioExceeded {
                        throughput: info.throughput,
                        failure_ratio: info.failure_ratio,
                        threshold: self.config.failure_ratio,
                    };
                    self.open(now, reason);
                }
            }
            PollyState::Open | PollyState::Isolated => self.health.current(now).failures += 1,
            // The probe's failure is not counted, only acted on.
            PollyState::HalfOpen => self.open(now, TransitionReason::ProbeFailed),
        }
    }

    fn open(&mut self, now: Tick, reason: TransitionReason) {
        self.blocked_until = now.saturating_add(ms(self.config.break_duration_ms));
        self.opened_at = now;
        self.set_state(now, PollyState::Open, reason);
    }

    fn close(&mut self, now: Tick, reason: TransitionReason) {
        self.blocked_until = 0;
        self.half_open_attempts = 0;
        self.health.reset();
        self.set_state(now, PollyState::Closed, reason);
    }

    /// `CircuitBreakerManualControl.IsolateAsync`: open until closed by hand.
    pub fn isolate(&mut self, now: Tick) {
        self.blocked_until = Tick::MAX;
        self.opened_at = now;
        self.set_state(now, PollyState::Isolated, TransitionReason::Manual);
    }

    /// `CircuitBreakerManualControl.CloseAsync`: closed with fresh metrics, from any state.
    pub fn close_manually(&mut self, now: Tick) {
        self.close(now, TransitionReason::Manual);
    }
}
