//! Sagas: multi-service transactions undone by compensations, faithful to three references.
//!
//! * [`definition`]: a saga is data (steps with a forward action, an optional compensation, a
//!   kind — compensable, pivot, retryable — a condition, a timeout and Temporal's retry
//!   policy), with Richardson's Create Order, a trip booking and Temporal's money transfer.
//! * [`engine`]: Eventuate Tram, Temporal's `Saga` and Garcia-Molina & Salem, and exactly
//!   where their rules differ.
//! * [`sim`]: the orchestrator and the participant services as nodes on the simulated
//!   network, with per-step faults, duplicate delivery, idempotency and crash recovery from
//!   the saga log.
//! * [`invariants`]: the live invariants with a "why"; [`script`]: the scripted form.

pub mod definition;
pub mod engine;
pub mod history;
pub mod invariants;
pub mod lessons;
pub mod notes;
pub mod participant;
pub mod script;
pub mod sim;

pub use definition::{Definition, RetryPolicy, Step, StepKind};
pub use engine::{EngineKind, EngineSpec, Failure};
pub use history::{render, render_final, EntryResult, HistoryEntry};
pub use script::{parse_outcome, SagaScript, SagaScriptForm};
pub use sim::{FaultSpec, Outcome, SagaCommand, SagaEvent, SagaMsg, SagaParams, SagaSim, StepFault, StepState, ORCHESTRATOR};
