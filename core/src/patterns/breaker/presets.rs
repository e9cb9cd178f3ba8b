//! One interface over the three libraries' breakers, so a scenario can swap them.

use serde::{Deserialize, Serialize};

use super::config::{BreakerConfig, ConfigError};
use super::hystrix::{HystrixBreaker, HystrixConfig};
use super::machine::{CircuitBreaker, ErrorKind};
use super::polly::{PollyBreaker, PollyConfig};
use super::state::{IllegalStateTransition, State, Transition};
use crate::engine::time::Tick;

/// Which library, with its own parameters.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "library", rename_all = "snake_case")]
pub enum BreakerSpec {
    Resilience4j(BreakerConfig),
    Polly(PollyConfig),
    Hystrix(HystrixConfig),
}

/// Which library a [`BreakerSpec`] follows, without its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Library {
    Resilience4j,
    Polly,
    Hystrix,
}

impl Library {
    pub const ALL: [Library; 3] = [Library::Resilience4j, Library::Polly, Library::Hystrix];

    /// serde's `library` tag.
    pub fn name(self) -> &'static str {
        match self {
            Library::Resilience4j => "resilience4j",
            Library::Polly => "polly",
            Library::Hystrix => "hystrix",
        }
    }

    /// The library as its users know it (with the version whose rules are followed).
    pub fn title(self) -> &'static str {
        match self {
            Library::Resilience4j => "resilience4j",
            Library::Polly => "Polly v8",
            Library::Hystrix => "Hystrix",
        }
    }
}

/// One operator action a library offers: the transition, a button label, and the call that
/// does it in that library's API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    pub to: ManualTransition,
    pub label: &'static str,
    pub api: &'static str,
}

impl Library {
    /// The manual operations this library's API has, and only those: resilience4j's
    /// `transitionTo…State()` family and `reset()`, Polly v8's manual control (`IsolateAsync`,
    /// `CloseAsync`), Hystrix's `forceOpen` / `forceClosed` properties.
    pub fn operations(self) -> &'static [Operation] {
        match self {
            Library::Resilience4j => RESILIENCE4J_OPERATIONS,
            Library::Polly => POLLY_OPERATIONS,
            Library::Hystrix => HYSTRIX_OPERATIONS,
        }
    }
}

const fn op(to: ManualTransition, label: &'static str, api: &'static str) -> Operation {
    Operation { to, label, api }
}

const RESILIENCE4J_OPERATIONS: &[Operation] = &[
    op(ManualTransition::ForcedOpen, "Force open", "transitionToForcedOpenState()"),
    op(ManualTransition::Disabled, "Disable", "transitionToDisabledState()"),
    op(ManualTransition::MetricsOnly, "Metrics only", "transitionToMetricsOnlyState()"),
    op(ManualTransition::Open, "Open", "transitionToOpenState()"),
    op(ManualTransition::HalfOpen, "Half-open", "transitionToHalfOpenState()"),
    op(ManualTransition::Closed, "Close", "transitionToClosedState()"),
    op(ManualTransition::Reset, "Reset", "reset()"),
];
const POLLY_OPERATIONS: &[Operation] = &[
    op(ManualTransition::ForcedOpen, "Isolate", "CircuitBreakerManualControl.IsolateAsync()"),
    op(ManualTransition::Closed, "Close", "CircuitBreakerManualControl.CloseAsync()"),
];
const HYSTRIX_OPERATIONS: &[Operation] = &[
    op(ManualTransition::ForcedOpen, "Force open", "circuitBreaker.forceOpen = true"),
    op(ManualTransition::Disabled, "Force closed", "circuitBreaker.forceClosed = true"),
    op(ManualTransition::Closed, "Clear forcing", "forceOpen = forceClosed = false"),
];

crate::names::name_table!(Library, "library", "library");

impl Default for BreakerSpec {
    fn default() -> Self {
        BreakerSpec::Resilience4j(BreakerConfig::default())
    }
}

impl BreakerSpec {
    /// `library` with its defaults: what switching library in the widget starts from.
    pub fn for_library(library: Library) -> BreakerSpec {
        match library {
            Library::Resilience4j => BreakerSpec::Resilience4j(BreakerConfig::default()),
            Library::Polly => BreakerSpec::Polly(PollyConfig::default()),
            Library::Hystrix => BreakerSpec::Hystrix(HystrixConfig::default()),
        }
    }

    pub fn library(&self) -> Library {
        match self {
            BreakerSpec::Resilience4j(_) => Library::Resilience4j,
            BreakerSpec::Polly(_) => Library::Polly,
            BreakerSpec::Hystrix(_) => Library::Hystrix,
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        match self {
            BreakerSpec::Resilience4j(c) => c.validate(),
            BreakerSpec::Polly(c) => c.validate(),
            BreakerSpec::Hystrix(c) => c.validate(),
        }
    }

    pub fn build(&self, now: Tick) -> Result<Breaker, ConfigError> {
        Ok(match self {
            BreakerSpec::Resilience4j(c) => Breaker::Resilience4j(CircuitBreaker::new(c.clone(), now)?),
            BreakerSpec::Polly(c) => Breaker::Polly(PollyBreaker::new(c.clone())?),
            BreakerSpec::Hystrix(c) => Breaker::Hystrix(HystrixBreaker::new(c.clone(), now)?),
        })
    }
}

/// A manual transition request, named after the target state.
///
/// resilience4j accepts all six (subject to its table). Polly knows `forced_open` (Isolate)
/// and `closed` (Close). Hystrix knows `forced_open` (forceOpen flag), `disabled`
/// (forceClosed flag) and `closed` (clears both flags). Anything else is an
/// [`IllegalStateTransition`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum ManualTransition {
    Closed,
    Open,
    HalfOpen,
    Disabled,
    ForcedOpen,
    MetricsOnly,
    /// resilience4j `reset()`; Polly: Close; Hystrix: clears the flags.
    Reset,
}

impl ManualTransition {
    pub fn target(self) -> State {
        match self {
            ManualTransition::Closed | ManualTransition::Reset => State::Closed,
            ManualTransition::Open => State::Open,
            ManualTransition::HalfOpen => State::HalfOpen,
            ManualTransition::Disabled => State::Disabled,
            ManualTransition::ForcedOpen => State::ForcedOpen,
            ManualTransition::MetricsOnly => State::MetricsOnly,
        }
    }
}

/// The numbers every library can report, in one shape (JSON-friendly).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct CommonMetrics {
    /// Percent. resilience4j: -1 below its minimum number of calls. Hystrix: the integer
    /// error percentage of the last health snapshot. Polly: ratio × 100 over live sub-windows.
    pub failure_rate: f64,
    /// Percent; resilience4j only (-1 below the minimum), 0 for the others.
    pub slow_call_rate: f64,
    pub buffered: u64,
    pub failed: u64,
    pub slow: u64,
    pub not_permitted: u64,
}

/// A breaker from any of the three libraries.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(tag = "library", rename_all = "snake_case")]
pub enum Breaker {
    Resilience4j(CircuitBreaker),
    Polly(PollyBreaker),
    Hystrix(HystrixBreaker),
}

impl Breaker {
    /// Why the library would refuse `to` now (resilience4j refuses, e.g., CLOSED → HALF_OPEN),
    /// or `None` when it would do it. Tried on a copy, so nothing changes.
    pub fn refuses(&self, now: Tick, to: ManualTransition) -> Option<String> {
        self.clone().transition(now, to).err().map(|e| e.to_string())
    }

    pub fn state(&self) -> State {
        match self {
            Breaker::Resilience4j(b) => b.state(),
            Breaker::Polly(b) => b.state(),
            Breaker::Hystrix(b) => b.state(),
        }
    }

    pub fn try_acquire_permission(&mut self, now: Tick) -> bool {
        match self {
            Breaker::Resilience4j(b) => b.try_acquire_permission(now),
            Breaker::Polly(b) => b.try_acquire_permission(now),
            Breaker::Hystrix(b) => b.try_acquire_permission(now),
        }
    }

    pub fn on_success(&mut self, now: Tick, duration: Tick) {
        match self {
            Breaker::Resilience4j(b) => b.on_success(now, duration),
            Breaker::Polly(b) => b.on_success(now),
            Breaker::Hystrix(b) => b.on_success(now),
        }
    }

    /// A failed call; each library treats `ErrorKind::Ignored` its own way.
    pub fn on_error(&mut self, now: Tick, duration: Tick, kind: ErrorKind) {
        match (self, kind) {
            (Breaker::Resilience4j(b), kind) => b.on_error(now, duration, kind),
            (Breaker::Polly(b), ErrorKind::Recorded) => b.on_failure(now),
            // Unhandled outcomes are successes to Polly.
            (Breaker::Polly(b), _) => b.on_success(now),
            (Breaker::Hystrix(b), ErrorKind::Recorded) => b.on_failure(now),
            (Breaker::Hystrix(b), ErrorKind::Ignored) => b.on_ignored_error(now),
            (Breaker::Hystrix(b), ErrorKind::NotRecorded) => b.on_success(now),
        }
    }

    pub fn transition(&mut self, now: Tick, to: ManualTransition) -> Result<(), IllegalStateTransition> {
        let illegal = |b: &Breaker| Err(IllegalStateTransition { from: b.state(), to: to.target() });
        match self {
            Breaker::Resilience4j(b) => match to {
                ManualTransition::Reset => {
                    b.reset(now);
                    Ok(())
                }
                _ => b.transition_to(now, to.target()),
            },
            Breaker::Polly(b) => match to {
                ManualTransition::ForcedOpen => {
                    b.isolate(now);
                    Ok(())
                }
                ManualTransition::Closed | ManualTransition::Reset => {
                    b.close_manually(now);
                    Ok(())
                }
                _ => illegal(self),
            },
            Breaker::Hystrix(b) => match to {
                ManualTransition::ForcedOpen => {
                    b.force_open(now);
                    Ok(())
                }
                ManualTransition::Disabled => {
                    b.force_closed(now);
                    Ok(())
                }
                ManualTransition::Closed | ManualTransition::Reset => {
                    b.clear_forced(now);
                    Ok(())
                }
                _ => illegal(self),
            },
        }
    }

    pub fn next_wakeup(&self) -> Option<Tick> {
        match self {
            Breaker::Resilience4j(b) => b.next_wakeup(),
            Breaker::Polly(_) => None,
            Breaker::Hystrix(b) => b.next_wakeup(),
        }
    }

    pub fn on_tick(&mut self, now: Tick) {
        match self {
            Breaker::Resilience4j(b) => b.on_tick(now),
            Breaker::Polly(_) => {}
            Breaker::Hystrix(b) => b.on_tick(now),
        }
    }

    pub fn metrics(&self, now: Tick) -> CommonMetrics {
        match self {
            Breaker::Resilience4j(b) => {
                let m = b.metrics(now);
                CommonMetrics {
                    failure_rate: m.failure_rate as f64,
                    slow_call_rate: m.slow_call_rate as f64,
                    buffered: m.buffered_calls as u64,
                    failed: m.failed_calls as u64,
                    slow: m.slow_calls as u64,
                    not_permitted: m.not_permitted_calls,
                }
            }
            Breaker::Polly(b) => {
                let h = b.health(now);
                CommonMetrics {
                    failure_rate: h.failure_ratio * 100.0,
                    slow_call_rate: 0.0,
                    buffered: h.throughput as u64,
                    failed: h.failures as u64,
                    slow: 0,
                    not_permitted: b.not_permitted_calls(),
                }
            }
            Breaker::Hystrix(b) => {
                let h = b.health_counts();
                CommonMetrics {
                    failure_rate: h.error_percentage as f64,
                    slow_call_rate: 0.0,
                    buffered: h.total_requests,
                    failed: h.error_count,
                    slow: 0,
                    not_permitted: b.not_permitted_calls(),
                }
            }
        }
    }

    pub fn transitions(&self) -> &[Transition] {
        match self {
            Breaker::Resilience4j(b) => b.transitions(),
            Breaker::Polly(b) => b.transitions(),
            Breaker::Hystrix(b) => b.transitions(),
        }
    }

    pub fn drain_transitions(&mut self) -> Vec<Transition> {
        match self {
            Breaker::Resilience4j(b) => b.drain_transitions(),
            Breaker::Polly(b) => b.drain_transitions(),
            Breaker::Hystrix(b) => b.drain_transitions(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_tags_every_library_with_its_name() {
        for library in Library::ALL {
            let spec = BreakerSpec::for_library(library);
            assert_eq!(spec.library(), library);
            let json = serde_json::to_value(&spec).unwrap();
            assert_eq!(json["library"], library.name(), "{json}");
            assert_eq!(serde_json::from_value::<BreakerSpec>(json).unwrap(), spec);
        }
    }

    #[test]
    fn switching_library_gives_its_valid_defaults() {
        for library in Library::ALL {
            assert_eq!(library.name().parse::<Library>().unwrap(), library);
            let spec = BreakerSpec::for_library(library);
            spec.validate().unwrap();
            spec.build(0).unwrap();
        }
        assert_eq!(BreakerSpec::for_library(Library::Resilience4j), BreakerSpec::default());
        assert_eq!("Polly".parse::<Library>().unwrap(), Library::Polly);
        assert_eq!("sentinel".parse::<Library>().unwrap_err().field, "library");
    }
}
