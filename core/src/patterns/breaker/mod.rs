//! Circuit breakers, faithful to three libraries.
//!
//! * [`CircuitBreaker`] follows **resilience4j** (`CircuitBreakerStateMachine`): CLOSED, OPEN,
//!   HALF_OPEN, DISABLED, FORCED_OPEN, METRICS_ONLY; count- or time-based sliding windows;
//!   failure-rate and slow-call-rate thresholds; backoff of the OPEN wait.
//! * [`PollyBreaker`] follows **Polly v8**'s advanced circuit breaker.
//! * [`HystrixBreaker`] follows **Netflix Hystrix** 1.5's `HystrixCircuitBreakerImpl`.
//!
//! [`Breaker`] puts them behind one interface, and [`run_script`] drives any of them through a
//! list of timed steps for headless use. All of it is sans-IO: time is an argument, never read.

pub mod config;
pub mod diagram;
pub mod hystrix;
pub mod lessons;
pub mod machine;
pub mod metrics;
pub mod notes;
pub mod polly;
pub mod presets;
pub mod script;
pub mod simulation;
pub mod state;
pub mod window;

pub use config::{BreakerConfig, ConfigError, SlidingWindowType, WaitInterval};
pub use hystrix::{HystrixBreaker, HystrixConfig};
pub use machine::{CallResult, CircuitBreaker, ErrorKind};
pub use metrics::{BreakerMetrics, MetricsSnapshot, ThresholdCheck};
pub use polly::{PollyBreaker, PollyConfig};
pub use presets::{Breaker, BreakerSpec, CommonMetrics, Library, ManualTransition, Operation};
pub use script::{run_script, BreakerScript, BreakerScriptForm, ScriptError, ScriptReport, ScriptStep, StepOutcome, StepReport};
pub use simulation::{BreakerCommand, BreakerParams, BreakerSim};
pub use state::{CallNotPermitted, IllegalStateTransition, State, Transition, TransitionReason};
pub use window::{Aggregation, CountCell, CountWindow, Outcome, SlidingWindow, TimeBucket, TimeWindow};
