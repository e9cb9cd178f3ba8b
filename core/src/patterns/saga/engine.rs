//! The saga engines, each by its reference's rules. Where they differ is exactly what the
//! orchestrator asks here: may this failed attempt be retried, and what happens after a step
//! or a compensation fails for good.
//!
//! * **Eventuate Tram** (`AbstractSimpleSagaDefinition`, `SagaExecutionState`): no retries and
//!   no step timeouts at the saga level; a failure reply at step i starts compensating from
//!   i-1 backwards over the steps that have a compensation (the failed step is not
//!   compensated); a failed compensation ends the saga at once as failed
//!   (`handleFailedCompensatingTransaction`). It knows no pivot: it compensates backwards
//!   from any step.
//! * **Temporal** (`io.temporal.workflow.Saga`): every step and compensation is an activity,
//!   retried by its `RetryOptions` (a business failure is a non-retryable
//!   `ApplicationFailure`); a compensation is added after its step returns; `compensate()`
//!   runs them last-added first, and without `continueWithError` the first one that fails
//!   stops it; with `parallelCompensation` all start at once and their errors are aggregated
//!   into one `CompensationException` (the first the cause, the rest suppressed).
//!   `continueWithError` only matters for sequential compensation.
//! * **Garcia-Molina & Salem** (SIGMOD 1987) with the Azure/Richardson pivot: a failure
//!   before the pivot aborts into backward recovery; compensations are retried until they
//!   succeed; once the pivot has succeeded only forward recovery remains, and the steps after
//!   it are retried until they succeed.

use serde::{Deserialize, Serialize};

/// Which engine's rules the orchestrator follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    EventuateTram,
    Temporal,
    GarciaMolinaSalem,
}

impl EngineKind {
    pub const ALL: [EngineKind; 3] = [EngineKind::EventuateTram, EngineKind::Temporal, EngineKind::GarciaMolinaSalem];

    pub fn name(self) -> &'static str {
        match self {
            EngineKind::EventuateTram => "eventuate_tram",
            EngineKind::Temporal => "temporal",
            EngineKind::GarciaMolinaSalem => "garcia_molina_salem",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            EngineKind::EventuateTram => "Eventuate Tram sagas",
            EngineKind::Temporal => "Temporal Saga",
            EngineKind::GarciaMolinaSalem => "Garcia-Molina & Salem 1987",
        }
    }
}

crate::names::name_table!(EngineKind, "engine.kind", "engine", other_spellings: |k: EngineKind| match k {
    EngineKind::EventuateTram => &["eventuate"][..],
    EngineKind::Temporal => &[][..],
    EngineKind::GarciaMolinaSalem => &["gms", "garcia_molina"][..],
});

/// The engine and its options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct EngineSpec {
    pub kind: EngineKind,
    /// Temporal `Saga.Options.parallelCompensation` (default false).
    pub parallel_compensation: bool,
    /// Temporal `Saga.Options.continueWithError` (default false; sequential only).
    pub continue_with_error: bool,
    /// Eventuate Tram only: the message broker delivers at least once. A message the network
    /// loses is redelivered (after [`REDELIVERY_AFTER_MS`], at most [`MAX_REDELIVERIES`]
    /// times) until its consumer has taken it, so a saga proceeds where it would wait forever.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub broker_redelivery: bool,
}

/// How long the broker waits for a consumer to take a message before it delivers it again.
pub const REDELIVERY_AFTER_MS: f64 = 1_000.0;
/// Most redeliveries of one message, so that every run ends.
pub const MAX_REDELIVERIES: u32 = 20;

impl Default for EngineSpec {
    fn default() -> Self {
        Self { kind: EngineKind::Temporal, parallel_compensation: false, continue_with_error: false, broker_redelivery: false }
    }
}

/// How a failed attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// The service refused (never retried by Temporal: a non-retryable error).
    Business,
    /// A passing error: retrying may succeed.
    Transient,
    /// No reply within the step's timeout (the action may still have happened).
    Timeout,
}

impl Failure {
    pub fn name(self) -> &'static str {
        match self {
            Failure::Business => "business",
            Failure::Transient => "transient",
            Failure::Timeout => "timeout",
        }
    }
}

/// What the orchestrator does after a compensation failed for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterCompensationFailure {
    /// End the saga as failed; later compensations never run.
    Stop,
    /// Go on with the next compensation; the saga ends failed.
    Continue,
}

impl EngineSpec {
    /// Whether the engine sets a timeout on a step's reply (Eventuate Tram waits forever).
    pub fn times_out(&self) -> bool {
        self.kind != EngineKind::EventuateTram
    }

    /// Whether compensations start all at once.
    pub fn parallel(&self) -> bool {
        self.kind == EngineKind::Temporal && self.parallel_compensation
    }

    /// Whether a forward attempt that failed this way may be retried; `after_pivot` says the
    /// pivot has succeeded. `policy_allows` is the retry policy's say on the attempt count.
    pub fn retries_forward(&self, failure: Failure, after_pivot: bool, policy_allows: bool) -> bool {
        match self.kind {
            EngineKind::EventuateTram => false,
            EngineKind::Temporal => failure != Failure::Business && policy_allows,
            // Forward recovery only: past the pivot retry until it works (up to the cap).
            EngineKind::GarciaMolinaSalem => after_pivot && failure != Failure::Business && policy_allows,
        }
    }

    /// Whether a compensation attempt that failed this way may be retried.
    pub fn retries_compensation(&self, failure: Failure, policy_allows: bool) -> bool {
        match self.kind {
            EngineKind::EventuateTram => false,
            EngineKind::Temporal => failure != Failure::Business && policy_allows,
            // Compensations must eventually commit: retried whatever the error, up to the cap.
            EngineKind::GarciaMolinaSalem => policy_allows,
        }
    }

    /// Whether this engine ignores the retry policy's attempt limit (retry until success).
    pub fn retries_until_success(&self) -> bool {
        self.kind == EngineKind::GarciaMolinaSalem
    }

    /// Whether a forward step that failed for good after the pivot is compensated backwards
    /// (the engine knows no pivot) rather than leaving the saga failed forward.
    pub fn compensates_after_pivot(&self) -> bool {
        self.kind != EngineKind::GarciaMolinaSalem
    }

    pub fn after_compensation_failure(&self) -> AfterCompensationFailure {
        match self.kind {
            EngineKind::Temporal if self.continue_with_error || self.parallel_compensation => AfterCompensationFailure::Continue,
            _ => AfterCompensationFailure::Stop,
        }
    }

    pub fn describe(&self) -> String {
        match self.kind {
            EngineKind::Temporal => {
                let mut options = Vec::new();
                if self.parallel_compensation {
                    options.push("parallelCompensation");
                }
                if self.continue_with_error {
                    options.push("continueWithError");
                }
                if options.is_empty() {
                    "Temporal Saga (sequential)".into()
                } else {
                    format!("Temporal Saga ({})", options.join(", "))
                }
            }
            EngineKind::EventuateTram if self.broker_redelivery => format!("{} (broker redelivery)", EngineKind::EventuateTram.title()),
            k => k.title().into(),
        }
    }

    /// Whether lost messages are redelivered (Eventuate Tram's at-least-once broker).
    pub fn redelivers(&self) -> bool {
        self.kind == EngineKind::EventuateTram && self.broker_redelivery
    }
}
