//! The saga on the simulated network: an orchestrator (node 0) sends each step's command to
//! its service (nodes 1..) and waits for the reply, keeping a saga log that survives its
//! crashes; the services keep local state and an idempotency table.

use crate::small_map::SmallMap;
use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::definition::{Action, Definition, RetryPolicy, ATTEMPT_CAP};
use super::engine::{AfterCompensationFailure, EngineKind, EngineSpec, Failure, MAX_REDELIVERIES, REDELIVERY_AFTER_MS};
use super::history::{label, render, render_final, EntryResult, HistoryEntry, Op};
use super::participant::{Participant, ReadRecord, ReplyResult, SagaOp, WriteRecord};
use crate::engine::{ms_from_ticks, ticks_from_ms, Ctx, Fault, Latency, NetworkConfig, NodeId, Pattern, Tick};
use crate::error::FieldError;
use crate::scenario::Scenario;

pub const ORCHESTRATOR: NodeId = 0;

/// How long after its timeout a "timeout" fault's late reply is sent.
pub const LATE_REPLY_AFTER_TIMEOUT_MS: f64 = 500.0;

/// Most faults a scenario may schedule on steps, and most failures one fault may cause.
pub const MAX_STEP_FAULTS: usize = 24;
pub const MAX_FAULT_TIMES: u32 = 20;

/// Most sagas in flight at once, and the widest spacing between their starts.
pub const MAX_SAGAS: u32 = 8;
pub const MAX_SPACING_MS: f64 = 60_000.0;

/// How concurrent sagas change shared numeric cells (balances, stock), and which of
/// Richardson's countermeasures (*Microservices Patterns* §4.3) protects them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum Countermeasure {
    /// Read-then-write with nothing in the way: the orchestrator reads the value, computes the
    /// new one and writes it back. Another saga's write between the read and the write is lost
    /// (a lost update), and a value another saga wrote and later compensated can be read (a
    /// dirty read).
    None,
    /// Read-then-write, but a read locks the cells (their value is PENDING) until the saga
    /// ends; another saga's read is refused, a passing error its retry policy may outlast.
    /// It also refuses a cancel of a `…_PENDING` order.
    SemanticLock,
    /// Debits and credits are increments the service applies itself: nothing is read, so
    /// nothing can be overwritten. The model every saga used before sagas ran concurrently.
    #[default]
    CommutativeUpdates,
    /// Read-then-write with a version check (compare-and-set): a write whose cell changed
    /// since it was read is refused as a passing error, and the step retries from the read or
    /// fails and the saga compensates. Dirty reads stay possible.
    VersionCheck,
}

impl Countermeasure {
    pub const ALL: [Countermeasure; 4] =
        [Countermeasure::None, Countermeasure::SemanticLock, Countermeasure::CommutativeUpdates, Countermeasure::VersionCheck];

    pub fn name(self) -> &'static str {
        match self {
            Countermeasure::None => "none",
            Countermeasure::SemanticLock => "semantic_lock",
            Countermeasure::CommutativeUpdates => "commutative_updates",
            Countermeasure::VersionCheck => "version_check",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Countermeasure::None => "none (read, then write)",
            Countermeasure::SemanticLock => "semantic lock (PENDING)",
            Countermeasure::CommutativeUpdates => "commutative updates (increments)",
            Countermeasure::VersionCheck => "reread value / version check",
        }
    }

    /// Whether numeric effects are a read, then an absolute write.
    pub fn reads_then_writes(self) -> bool {
        self != Countermeasure::CommutativeUpdates
    }
}

crate::names::name_table!(Countermeasure, "countermeasure", "countermeasure");

/// A saga's number as messages and events carry it: `None` when only one saga runs (so a
/// single saga's trace is what it always was), otherwise its number from 1.
pub type SagaTag = Option<u32>;

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// A scripted fault on one step's action or compensation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultSpec {
    /// The service refuses, every time (a business error: never retried by Temporal).
    Business,
    /// The first `times` attempts fail with a passing error, then it works.
    Transient { times: u32 },
    /// The first `times` attempts take effect but reply too late (after the step's timeout).
    Timeout { times: u32 },
}

impl FaultSpec {
    pub fn describe(&self) -> String {
        match self {
            FaultSpec::Business => "fails (business)".into(),
            FaultSpec::Transient { times: 1 } => "fails once (transient)".into(),
            FaultSpec::Transient { times } => format!("fails {times} times (transient)"),
            FaultSpec::Timeout { times: 1 } => "times out once".into(),
            FaultSpec::Timeout { times } => format!("times out {times} times"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct StepFault {
    /// The step, counted from 1 as in `T3` / `C3`.
    pub step: usize,
    #[serde(default)]
    pub compensation: bool,
    pub fault: FaultSpec,
    /// Only this saga (counted from 1) has the fault; `None`: every saga in flight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saga: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct SagaParams {
    pub definition: Definition,
    pub engine: EngineSpec,
    /// The retry policy of every step without its own (Temporal's defaults).
    pub retry: RetryPolicy,
    /// Services deduplicate commands by idempotency key (saga, step, action or compensation).
    pub idempotency: bool,
    /// At-least-once delivery: every command arrives twice.
    pub duplicate_delivery: bool,
    /// Richardson's semantic lock countermeasure: while the saga runs, its first step's row is
    /// in a `…_PENDING` state, and a request that would change it (a cancel) is refused.
    pub semantic_lock: bool,
    /// Orchestration (a coordinator with a saga log) or choreography (services react to
    /// each other's events through a bus that keeps no saga state).
    pub coordination: Coordination,
    pub faults: Vec<StepFault>,
    /// When the (first) saga starts.
    pub start_ms: f64,
    /// Sagas in flight: this many run the definition at once over the same services' state
    /// (1 to [`MAX_SAGAS`]).
    #[serde(skip_serializing_if = "is_one")]
    pub sagas: u32,
    /// Saga n starts `(n - 1) × spacing_ms` after the first (0 to [`MAX_SPACING_MS`]).
    #[serde(skip_serializing_if = "is_default_spacing")]
    pub spacing_ms: f64,
    /// How shared numeric cells are updated, and the isolation countermeasure.
    #[serde(skip_serializing_if = "is_default")]
    pub countermeasure: Countermeasure,
}

/// The spacing of sagas' starts unless a scenario says otherwise.
pub const DEFAULT_SPACING_MS: f64 = 100.0;

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn is_default_spacing(ms: &f64) -> bool {
    *ms == DEFAULT_SPACING_MS
}

impl Default for SagaParams {
    fn default() -> Self {
        Self {
            definition: Definition::default(),
            engine: EngineSpec::default(),
            retry: RetryPolicy::default(),
            idempotency: true,
            duplicate_delivery: false,
            semantic_lock: false,
            coordination: Coordination::Orchestration,
            faults: Vec::new(),
            start_ms: 500.0,
            sagas: 1,
            spacing_ms: DEFAULT_SPACING_MS,
            countermeasure: Countermeasure::default(),
        }
    }
}

/// Who drives the saga.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum Coordination {
    /// An orchestrator sends commands, awaits replies (with timeouts), retries, and keeps a
    /// saga log it recovers from.
    #[default]
    Orchestration,
    /// Each service publishes an event when its step is done or failed; the bus delivers it
    /// to the service that subscribes to it (the next step, or the previous compensation).
    /// Nobody watches the whole saga: no timeouts, retries are each service's own, and a bus
    /// restart resends nothing.
    Choreography,
}

impl Coordination {
    pub const ALL: [Coordination; 2] = [Coordination::Orchestration, Coordination::Choreography];

    pub fn name(self) -> &'static str {
        match self {
            Coordination::Orchestration => "orchestration",
            Coordination::Choreography => "choreography",
        }
    }

    /// The name of node 0.
    pub fn hub(self) -> &'static str {
        match self {
            Coordination::Orchestration => "orchestrator",
            Coordination::Choreography => "event bus",
        }
    }
}

crate::names::name_table!(Coordination, "coordination", "coordination");

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SagaCommand {
    /// The customer cancels the saga's order (the row its first step created) directly at that
    /// service, racing the saga: the isolation anomaly sagas allow.
    CancelOrder,
    /// Sets (or with `fault: null` clears) the fault of one step's action or compensation
    /// from now on.
    SetFault {
        step: usize,
        #[serde(default)]
        compensation: bool,
        fault: Option<FaultSpec>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SagaMsg {
    Command {
        step: usize,
        compensation: bool,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Reply {
        step: usize,
        compensation: bool,
        attempt: u32,
        result: ReplyResult,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Cancel {
        row: String,
    },
    /// Choreography: a service publishes the outcome of its step to the bus.
    Event {
        step: usize,
        compensation: bool,
        attempt: u32,
        result: ReplyResult,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    /// Choreography: the bus delivers an event to the service that reacts to it by running `step`.
    Deliver {
        step: usize,
        compensation: bool,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    CancelReply {
        row: String,
        accepted: bool,
    },
    /// Read-then-write: the orchestrator asks for the cells a step changes.
    Read {
        step: usize,
        compensation: bool,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    /// The cells' values and versions, or the saga (from 1) whose semantic lock refused the read.
    ReadReply {
        step: usize,
        compensation: bool,
        attempt: u32,
        values: SmallMap<String, (i64, u32)>,
        #[serde(skip_serializing_if = "Option::is_none")]
        locked_by: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    /// Read-then-write: the new absolute values, with the versions they were computed from.
    Write {
        step: usize,
        compensation: bool,
        attempt: u32,
        values: SmallMap<String, i64>,
        read_versions: SmallMap<String, u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    /// The saga has ended: the service releases its semantic locks.
    Unlock {
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
}

/// Timers carry the saga (index from 0) they belong to.
#[derive(Clone, Debug)]
pub enum SagaTimer {
    Start {
        saga: usize,
    },
    Timeout {
        key: SagaOp,
        attempt: u32,
    },
    Retry {
        key: SagaOp,
        attempt: u32,
    },
    LateReply {
        key: SagaOp,
        attempt: u32,
    },
    /// Choreography: a service retries its own local transaction.
    LocalRetry {
        key: SagaOp,
        attempt: u32,
    },
    /// Eventuate's broker: deliver this message again unless its consumer has taken it.
    Redeliver {
        key: DeliveryKey,
    },
}

/// Which message a broker delivery is: its kind, saga, step, compensation and attempt (a
/// redelivery and a duplicate of it are the same message).
pub type DeliveryKey = (u8, usize, usize, bool, u32);

/// A message the broker holds until its consumer takes it.
#[derive(Clone, Debug)]
struct OutboxEntry {
    from: NodeId,
    to: NodeId,
    msg: SagaMsg,
    redeliveries: u32,
}

fn delivery_key(msg: &SagaMsg) -> Option<DeliveryKey> {
    let (kind, saga, step, compensation, attempt) = match msg {
        SagaMsg::Command { step, compensation, attempt, saga } => (0, saga, step, compensation, attempt),
        SagaMsg::Reply { step, compensation, attempt, saga, .. } => (1, saga, step, compensation, attempt),
        SagaMsg::Event { step, compensation, attempt, saga, .. } => (2, saga, step, compensation, attempt),
        SagaMsg::Deliver { step, compensation, attempt, saga } => (3, saga, step, compensation, attempt),
        SagaMsg::Read { step, compensation, attempt, saga } => (4, saga, step, compensation, attempt),
        SagaMsg::ReadReply { step, compensation, attempt, saga, .. } => (5, saga, step, compensation, attempt),
        SagaMsg::Write { step, compensation, attempt, saga, .. } => (6, saga, step, compensation, attempt),
        SagaMsg::Unlock { saga } => (7, saga, &0, &false, &0),
        SagaMsg::Cancel { .. } | SagaMsg::CancelReply { .. } => return None,
    };
    Some((kind, index_of(*saga), *step, *compensation, *attempt))
}

/// How a saga ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    RolledBack,
    Failed,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::RolledBack => "rolled back",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SagaEvent {
    Started {
        definition: String,
        engine: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Skipped {
        label: String,
        action: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Attempt {
        by: String,
        label: String,
        action: String,
        attempt: u32,
        resent: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Applied {
        service: String,
        label: String,
        action: String,
        attempt: u32,
        times: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Deduplicated {
        service: String,
        label: String,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Refused {
        service: String,
        label: String,
        attempt: u32,
        business: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Succeeded {
        label: String,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Failed {
        label: String,
        attempt: u32,
        failure: Failure,
        retry_in_ms: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    IgnoredReply {
        label: String,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Recovered {
        pending: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    Ended {
        outcome: Outcome,
        history: String,
        errors: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    LocalRetry {
        service: String,
        label: String,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        saga: SagaTag,
    },
    BusRestarted,
    CancelRequested {
        service: String,
        row: String,
    },
    CancelAccepted {
        service: String,
        row: String,
        was: String,
    },
    CancelRefused {
        service: String,
        row: String,
        status: String,
    },
    CancelAnswered {
        row: String,
        accepted: bool,
    },
    /// A read-then-write step read its cells.
    ReadValues {
        service: String,
        label: String,
        values: SmallMap<String, i64>,
        saga: SagaTag,
    },
    /// A read refused: the cell is PENDING under another saga's semantic lock.
    LockRefused {
        service: String,
        label: String,
        cell: String,
        holder: u32,
        saga: SagaTag,
    },
    /// A version check refused a write: the cell changed since the step read it.
    Conflict {
        service: String,
        label: String,
        cell: String,
        read_version: u32,
        version: u32,
        saga: SagaTag,
    },
    /// A write erased another saga's update it never saw.
    LostUpdate {
        service: String,
        label: String,
        cell: String,
        written: i64,
        over: i64,
        over_saga: u32,
        saga: SagaTag,
    },
    Unlocked {
        service: String,
        cells: Vec<String>,
        saga: SagaTag,
    },
    /// A debit refused: it would leave the cell below zero.
    OutOfStock {
        service: String,
        label: String,
        cell: String,
        value: i64,
        saga: SagaTag,
    },
    /// Eventuate's broker delivers a message again: the network lost it.
    Redelivered {
        what: String,
        to: String,
        redelivery: u32,
    },
}

/// Where an op stands at the orchestrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    Reply,
    Retry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct OpState {
    pub attempt: u32,
    pub waiting: Waiting,
}

/// A step as the step list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepState {
    Pending,
    Running { attempt: u32 },
    Retrying { attempt: u32, max: u32 },
    Done,
    Failed { failure: Failure },
    Skipped,
    Compensating { attempt: u32 },
    CompensationRetrying { attempt: u32, max: u32 },
    Compensated,
    CompensationFailed { failure: Failure },
}

impl StepState {
    pub fn name(self) -> String {
        let max = |m: u32| if m == 0 { "∞".to_string() } else { m.to_string() };
        match self {
            StepState::Pending => "pending".into(),
            StepState::Running { attempt: 1 } => "running".into(),
            StepState::Running { attempt } => format!("running (attempt {attempt})"),
            StepState::Retrying { attempt, max: m } => format!("retrying {attempt}/{}", max(m)),
            StepState::Done => "done".into(),
            StepState::Failed { failure } => format!("failed ({})", failure.name()),
            StepState::Skipped => "skipped".into(),
            StepState::Compensating { attempt: 1 } => "compensating".into(),
            StepState::Compensating { attempt } => format!("compensating (attempt {attempt})"),
            StepState::CompensationRetrying { attempt, max: m } => format!("compensation retrying {attempt}/{}", max(m)),
            StepState::Compensated => "compensated".into(),
            StepState::CompensationFailed { failure } => format!("compensation failed ({})", failure.name()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct SagaMetrics {
    pub definition: String,
    pub engine: String,
    /// `completed`, `rolled back`, `failed`, or `running` (stuck, if the run is over); with
    /// several sagas in flight, the first saga's (see `sagas`).
    pub outcome: String,
    /// Every attempt: `T1 T2↻ T2 T3✗ C2 C1`.
    pub history: String,
    /// Final outcomes only: `T1 T2 T3✗ C2 C1`.
    pub final_history: String,
    pub entries: Vec<HistoryEntry>,
    pub errors: Vec<String>,
    pub participants: Vec<Participant>,
    pub commands_sent: u64,
    pub deduplicated: u32,
    pub violations: Vec<super::invariants::Violation>,
    /// With several sagas in flight: each saga's start, outcome and history.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sagas: Vec<SagaSummary>,
    /// With several sagas in flight: how many ended which way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<OutcomeCounts>,
}

/// One saga of several, as the per-saga table shows it.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct SagaSummary {
    /// From 1.
    pub saga: u32,
    pub start_ms: f64,
    /// `waiting` (not started), `running`, or the outcome's name.
    pub outcome: String,
    pub final_history: String,
    pub ended_at_ms: Option<f64>,
}

/// Sagas by where they stand: the outcome chart's four series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct OutcomeCounts {
    pub completed: u32,
    pub rolled_back: u32,
    pub failed: u32,
    /// Started and not ended: in flight, or stuck when the run is over.
    pub running: u32,
}

/// One saga's state at the orchestrator; everything here is its saga log and survives an
/// orchestrator crash.
#[derive(Clone, Debug)]
pub struct SagaRun {
    /// When it is due to start.
    pub start_ms: f64,
    started: bool,
    completed: Vec<bool>,
    compensated: Vec<bool>,
    ops: SmallMap<Op, OpState>,
    queue: VecDeque<usize>,
    compensating: bool,
    outcome: Option<Outcome>,
    ended_at_ms: Option<f64>,
    errors: Vec<String>,
    history: Vec<HistoryEntry>,
    /// Read-then-write attempts whose read was answered and whose write is out (a duplicated
    /// read reply must not write twice).
    writing: BTreeSet<(Op, u32)>,
    /// Services this saga sent a read to: it may hold semantic locks there.
    read_at: BTreeSet<usize>,
}

impl SagaRun {
    fn new(steps: usize, start_ms: f64) -> Self {
        Self {
            start_ms,
            started: false,
            completed: vec![false; steps],
            compensated: vec![false; steps],
            ops: SmallMap::new(),
            queue: VecDeque::new(),
            compensating: false,
            outcome: None,
            ended_at_ms: None,
            errors: Vec::new(),
            history: Vec::new(),
            writing: BTreeSet::new(),
            read_at: BTreeSet::new(),
        }
    }

    pub fn started(&self) -> bool {
        self.started
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    pub fn ended_at_ms(&self) -> Option<f64> {
        self.ended_at_ms
    }

    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    pub fn compensating(&self) -> bool {
        self.compensating
    }

    pub fn ops(&self) -> &SmallMap<Op, OpState> {
        &self.ops
    }

    pub fn is_completed(&self, step: usize) -> bool {
        self.completed.get(step).copied().unwrap_or(false)
    }

    pub fn is_compensated(&self, step: usize) -> bool {
        self.compensated.get(step).copied().unwrap_or(false)
    }

    /// Final history entry of `op`, if it has one.
    pub fn final_result(&self, op: Op) -> Option<EntryResult> {
        self.history.iter().rev().find(|e| e.op() == op && !matches!(e.result, EntryResult::Retrying(_))).map(|e| e.result)
    }

    /// `waiting`, `running` or the outcome's name.
    pub fn status(&self) -> &'static str {
        match (self.started, self.outcome) {
            (_, Some(o)) => o.name(),
            (true, None) => "running",
            (false, None) => "waiting",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SagaSim {
    params: SagaParams,
    /// Faults of every saga, and of one saga only (the latter win).
    faults: SmallMap<Op, FaultSpec>,
    saga_faults: SmallMap<SagaOp, FaultSpec>,
    participants: Vec<Participant>,
    runs: Vec<SagaRun>,
    commands_sent: u64,
    last_event: Option<String>,
    cancels: Vec<CancelRecord>,
    /// Eventuate's broker: messages sent and not yet taken by their consumer.
    outbox: SmallMap<DeliveryKey, OutboxEntry>,
}

/// A customer's cancel request and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct CancelRecord {
    pub at_ms: f64,
    pub row: String,
    /// What the service did: `Some(true)` cancelled, `Some(false)` refused (semantic lock).
    pub decided: Option<bool>,
    pub decided_at_ms: Option<f64>,
    /// The answer the customer got.
    pub answered: Option<bool>,
}

/// The row a cancel targets and the service that holds it: the first step's `…_PENDING` row
/// (the first saga's, when several run).
pub fn cancellable_row(definition: &Definition) -> Option<(usize, String)> {
    let first = definition.steps.first()?;
    let (row, _) = first.action.effect.set.iter().find(|(_, v)| v.ends_with("_PENDING"))?;
    Some((definition.service_index(&first.service)?, row.clone()))
}

/// A message's or event's saga tag as a saga index.
fn index_of(tag: SagaTag) -> usize {
    tag.map_or(0, |n| n.saturating_sub(1) as usize)
}

impl SagaSim {
    pub fn params(&self) -> &SagaParams {
        &self.params
    }

    pub fn definition(&self) -> &Definition {
        &self.params.definition
    }

    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    /// Every saga in flight, the first first.
    pub fn runs(&self) -> &[SagaRun] {
        &self.runs
    }

    pub fn run(&self, saga: usize) -> &SagaRun {
        &self.runs[saga.min(self.runs.len() - 1)]
    }

    /// The first saga's history (the only one unless several sagas are in flight).
    pub fn history(&self) -> &[HistoryEntry] {
        &self.runs[0].history
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.runs[0].outcome
    }

    /// Whether every saga has ended.
    pub fn all_ended(&self) -> bool {
        self.runs.iter().all(|r| r.outcome.is_some())
    }

    pub fn errors(&self) -> &[String] {
        &self.runs[0].errors
    }

    pub fn started(&self) -> bool {
        self.runs[0].started
    }

    pub fn compensating(&self) -> bool {
        self.runs[0].compensating
    }

    pub fn ops(&self) -> &SmallMap<Op, OpState> {
        &self.runs[0].ops
    }

    /// The fault on an op of every saga (what the step list shows and edits).
    pub fn fault(&self, op: Op) -> Option<FaultSpec> {
        self.faults.get(&op).copied()
    }

    /// The fault saga `saga` meets at `op`.
    pub fn fault_of(&self, saga: usize, op: Op) -> Option<FaultSpec> {
        self.saga_faults.get(&(saga, op)).or_else(|| self.faults.get(&op)).copied()
    }

    pub fn cancels(&self) -> &[CancelRecord] {
        &self.cancels
    }

    /// Sagas by where they stand now.
    pub fn counts(&self) -> OutcomeCounts {
        let mut c = OutcomeCounts::default();
        for r in &self.runs {
            match (r.started, r.outcome) {
                (_, Some(Outcome::Completed)) => c.completed += 1,
                (_, Some(Outcome::RolledBack)) => c.rolled_back += 1,
                (_, Some(Outcome::Failed)) => c.failed += 1,
                (true, None) => c.running += 1,
                (false, None) => {}
            }
        }
        c
    }

    /// Sagas by where they stood at `at_ms` (for the outcome chart).
    pub fn counts_at(&self, at_ms: f64) -> OutcomeCounts {
        let mut c = OutcomeCounts::default();
        for r in self.runs.iter().filter(|r| r.started && r.start_ms <= at_ms) {
            match r.outcome.filter(|_| r.ended_at_ms.is_some_and(|e| e <= at_ms)) {
                Some(Outcome::Completed) => c.completed += 1,
                Some(Outcome::RolledBack) => c.rolled_back += 1,
                Some(Outcome::Failed) => c.failed += 1,
                None => c.running += 1,
            }
        }
        c
    }

    /// The tag messages and events of saga `saga` carry.
    fn tag(&self, saga: usize) -> SagaTag {
        (self.runs.len() > 1).then_some(saga as u32 + 1)
    }

    /// Sends a saga message; under Eventuate's broker redelivery the broker also keeps it until
    /// its consumer takes it, and delivers it again if the network lost it.
    fn post(&mut self, ctx: &mut Ctx<Self>, from: NodeId, to: NodeId, msg: SagaMsg) {
        if self.params.engine.redelivers() {
            if let Some(key) = delivery_key(&msg) {
                if let litemap::Entry::Vacant(slot) = self.outbox.entry(key) {
                    slot.insert(OutboxEntry { from, to, msg: msg.clone(), redeliveries: 0 });
                    ctx.set_timer(from, ticks_from_ms(REDELIVERY_AFTER_MS), SagaTimer::Redeliver { key });
                }
            }
        }
        ctx.send(from, to, msg);
    }

    fn redeliver(&mut self, ctx: &mut Ctx<Self>, key: DeliveryKey) {
        let Some(entry) = self.outbox.get_mut(&key) else { return };
        if entry.redeliveries >= MAX_REDELIVERIES {
            self.outbox.remove(&key);
            return;
        }
        entry.redeliveries += 1;
        let (from, to, msg, n) = (entry.from, entry.to, entry.msg.clone(), entry.redeliveries);
        let what = Self::describe_msg(&msg);
        let to_name = ctx.node_name(to).to_string();
        self.note(ctx, SagaEvent::Redelivered { what, to: to_name, redelivery: n });
        ctx.set_timer(from, ticks_from_ms(REDELIVERY_AFTER_MS), SagaTimer::Redeliver { key });
        ctx.send(from, to, msg);
    }

    fn semantic_lock(&self) -> bool {
        self.params.semantic_lock || self.params.countermeasure == Countermeasure::SemanticLock
    }

    /// A cancel request at the service holding the row: refused while the semantic lock holds
    /// (the row is `…_PENDING`), applied otherwise, whatever the saga is doing.
    fn on_cancel(&mut self, ctx: &mut Ctx<Self>, node: NodeId, row: String) {
        let Some(index) = (node as usize).checked_sub(1).filter(|&i| i < self.participants.len()) else { return };
        let status = self.participants[index].rows.get(&row).cloned().unwrap_or_else(|| "not created yet".into());
        let service = self.participants[index].name.clone();
        let exists = self.participants[index].rows.contains_key(&row);
        let locked = self.semantic_lock() && status.ends_with("_PENDING");
        // No service cancels an order it has not created.
        let accepted = exists && !locked;
        if accepted {
            self.participants[index].rows.insert(row.clone(), "CANCELLED".into());
            self.note(ctx, SagaEvent::CancelAccepted { service, row: row.clone(), was: status });
        } else {
            self.note(ctx, SagaEvent::CancelRefused { service, row: row.clone(), status });
        }
        let now = ms_from_ticks(ctx.now());
        if let Some(c) = self.cancels.iter_mut().find(|c| c.row == row && c.decided.is_none()) {
            c.decided = Some(accepted);
            c.decided_at_ms = Some(now);
        }
        ctx.send(node, ORCHESTRATOR, SagaMsg::CancelReply { row, accepted });
    }

    pub fn last_event(&self) -> Option<&str> {
        self.last_event.as_deref()
    }

    pub fn is_completed(&self, step: usize) -> bool {
        self.runs[0].is_completed(step)
    }

    pub fn is_compensated(&self, step: usize) -> bool {
        self.runs[0].is_compensated(step)
    }

    /// The service node of step `i`.
    pub fn node_of(&self, step: usize) -> NodeId {
        let def = &self.params.definition;
        def.steps.get(step).and_then(|s| def.service_index(&s.service)).map_or(1, |i| i as NodeId + 1)
    }

    pub fn action(&self, (step, compensation): Op) -> Option<&Action> {
        let s = self.params.definition.steps.get(step)?;
        if compensation {
            s.compensation.as_ref()
        } else {
            Some(&s.action)
        }
    }

    pub fn policy(&self, step: usize) -> &RetryPolicy {
        self.params.definition.steps.get(step).and_then(|s| s.retry.as_ref()).unwrap_or(&self.params.retry)
    }

    pub fn choreography(&self) -> bool {
        self.params.coordination == Coordination::Choreography
    }

    /// Whether this op reads its cells and then writes absolute values.
    fn reads_then_writes(&self, op: Op) -> bool {
        self.params.countermeasure.reads_then_writes() && self.action(op).is_some_and(|a| !a.effect.adjust.is_empty())
    }

    /// Whether the engine's rules retry this failed attempt.
    fn retries(&self, (s, op): SagaOp, attempt: u32, failure: Failure) -> bool {
        let engine = self.params.engine;
        let policy = self.policy(op.0);
        let policy_allows = if engine.retries_until_success() { attempt < ATTEMPT_CAP } else { policy.allows_another(attempt) };
        if op.1 {
            engine.retries_compensation(failure, policy_allows)
        } else {
            engine.retries_forward(failure, self.pivot_done(s), policy_allows)
        }
    }

    /// A service answers: a reply to the orchestrator, or an event published to the bus.
    fn answer(&mut self, ctx: &mut Ctx<Self>, node: NodeId, (s, op): SagaOp, attempt: u32, result: ReplyResult) {
        let saga = self.tag(s);
        let msg = if self.choreography() {
            SagaMsg::Event { step: op.0, compensation: op.1, attempt, result, saga }
        } else {
            SagaMsg::Reply { step: op.0, compensation: op.1, attempt, result, saga }
        };
        self.post(ctx, node, ORCHESTRATOR, msg);
    }

    fn pivot_done(&self, s: usize) -> bool {
        self.params.definition.pivot().is_some_and(|p| self.runs[s].is_completed(p))
    }

    /// Final history entry of the first saga's `op`, if it has one.
    pub fn final_result(&self, op: Op) -> Option<EntryResult> {
        self.runs[0].final_result(op)
    }

    /// The first saga's step `step` as the step list shows it.
    pub fn step_state(&self, step: usize) -> StepState {
        self.step_state_of(0, step)
    }

    pub fn step_state_of(&self, s: usize, step: usize) -> StepState {
        let run = self.run(s);
        let max = |sim: &Self| if sim.params.engine.retries_until_success() { 0 } else { sim.policy(step).maximum_attempts };
        if let Some(op) = run.ops.get(&(step, true)) {
            return match op.waiting {
                Waiting::Reply => StepState::Compensating { attempt: op.attempt },
                Waiting::Retry => StepState::CompensationRetrying { attempt: op.attempt, max: max(self) },
            };
        }
        if run.is_compensated(step) {
            return StepState::Compensated;
        }
        if let Some(EntryResult::Failed(failure)) = run.final_result((step, true)) {
            return StepState::CompensationFailed { failure };
        }
        if let Some(op) = run.ops.get(&(step, false)) {
            return match op.waiting {
                Waiting::Reply => StepState::Running { attempt: op.attempt },
                Waiting::Retry => StepState::Retrying { attempt: op.attempt, max: max(self) },
            };
        }
        if run.is_completed(step) {
            return StepState::Done;
        }
        match run.final_result((step, false)) {
            Some(EntryResult::Failed(failure)) => StepState::Failed { failure },
            Some(EntryResult::Skipped) => StepState::Skipped,
            _ => StepState::Pending,
        }
    }

    fn note(&mut self, ctx: &mut Ctx<Self>, event: SagaEvent) {
        self.last_event = Some(Self::describe_event(&event));
        ctx.emit(event);
    }

    fn record(&mut self, ctx: &Ctx<Self>, (s, op): SagaOp, attempt: u32, result: EntryResult) {
        self.runs[s].history.push(HistoryEntry {
            at_ms: ms_from_ticks(ctx.now()),
            label: label(op),
            step: op.0,
            compensation: op.1,
            attempt,
            result,
        });
    }

    fn send_command(&mut self, ctx: &mut Ctx<Self>, (s, op): SagaOp, attempt: u32, resent: bool) {
        let action = self.action(op).map(|a| a.name.clone()).unwrap_or_default();
        let by = self.params.coordination.hub().to_string();
        let saga = self.tag(s);
        self.note(ctx, SagaEvent::Attempt { by, label: label(op), action, attempt, resent, saga });
        let node = self.node_of(op.0);
        let (step, compensation) = op;
        let msg = if self.reads_then_writes(op) {
            // Read first; the write follows the read reply.
            self.runs[s].writing.remove(&(op, attempt));
            self.runs[s].read_at.insert(node as usize - 1);
            SagaMsg::Read { step, compensation, attempt, saga }
        } else if self.choreography() {
            SagaMsg::Deliver { step, compensation, attempt, saga }
        } else {
            SagaMsg::Command { step, compensation, attempt, saga }
        };
        self.post(ctx, ORCHESTRATOR, node, msg.clone());
        self.commands_sent += 1;
        if self.params.duplicate_delivery {
            self.post(ctx, ORCHESTRATOR, node, msg);
            self.commands_sent += 1;
        }
        self.runs[s].ops.insert(op, OpState { attempt, waiting: Waiting::Reply });
        if self.params.engine.times_out() && !self.choreography() {
            let timeout = self.params.definition.steps.get(op.0).map_or(2_000.0, |s| s.timeout_ms);
            ctx.set_timer(ORCHESTRATOR, ticks_from_ms(timeout), SagaTimer::Timeout { key: (s, op), attempt });
        }
    }

    fn run_forward(&mut self, ctx: &mut Ctx<Self>, s: usize, from: usize) {
        for i in from..self.params.definition.steps.len() {
            if self.params.definition.runs(i) {
                self.send_command(ctx, (s, (i, false)), 1, false);
                return;
            }
            self.record(ctx, (s, (i, false)), 1, EntryResult::Skipped);
            let action = self.params.definition.steps[i].action.name.clone();
            let saga = self.tag(s);
            self.note(ctx, SagaEvent::Skipped { label: label((i, false)), action, saga });
        }
        self.end(ctx, s, Outcome::Completed);
    }

    fn end(&mut self, ctx: &mut Ctx<Self>, s: usize, outcome: Outcome) {
        let run = &mut self.runs[s];
        run.outcome = Some(outcome);
        run.ended_at_ms = Some(ms_from_ticks(ctx.now()));
        run.queue.clear();
        let history = render_final(&run.history);
        let errors = run.errors.clone();
        let saga = self.tag(s);
        self.note(ctx, SagaEvent::Ended { outcome, history, errors, saga });
        if self.params.countermeasure == Countermeasure::SemanticLock {
            // The saga is over: its PENDING values become plain values again.
            let services: Vec<usize> = self.runs[s].read_at.iter().copied().collect();
            for service in services {
                self.post(ctx, ORCHESTRATOR, service as NodeId + 1, SagaMsg::Unlock { saga });
            }
        }
    }

    fn succeed(&mut self, ctx: &mut Ctx<Self>, (s, op): SagaOp, attempt: u32) {
        self.runs[s].ops.remove(&op);
        self.record(ctx, (s, op), attempt, EntryResult::Done);
        let saga = self.tag(s);
        self.note(ctx, SagaEvent::Succeeded { label: label(op), attempt, saga });
        if op.1 {
            self.runs[s].compensated[op.0] = true;
            self.continue_compensation(ctx, s);
        } else {
            self.runs[s].completed[op.0] = true;
            self.run_forward(ctx, s, op.0 + 1);
        }
    }

    fn fail(&mut self, ctx: &mut Ctx<Self>, (s, op): SagaOp, attempt: u32, failure: Failure) {
        let engine = self.params.engine;
        let policy = self.policy(op.0).clone();
        let retry = self.retries((s, op), attempt, failure);
        let saga = self.tag(s);
        if retry && !self.choreography() {
            let delay = policy.delay_ms(attempt);
            self.record(ctx, (s, op), attempt, EntryResult::Retrying(failure));
            self.runs[s].ops.insert(op, OpState { attempt: attempt + 1, waiting: Waiting::Retry });
            ctx.set_timer(ORCHESTRATOR, ticks_from_ms(delay), SagaTimer::Retry { key: (s, op), attempt: attempt + 1 });
            self.note(ctx, SagaEvent::Failed { label: label(op), attempt, failure, retry_in_ms: Some(delay), saga });
            return;
        }
        self.runs[s].ops.remove(&op);
        self.record(ctx, (s, op), attempt, EntryResult::Failed(failure));
        self.note(ctx, SagaEvent::Failed { label: label(op), attempt, failure, retry_in_ms: None, saga });
        let action = self.action(op).map(|a| a.name.clone()).unwrap_or_default();
        if !op.1 {
            if self.pivot_done(s) && !engine.compensates_after_pivot() {
                self.runs[s].errors.push(format!(
                    "{} {action} failed ({}) after the pivot: only forward recovery is left",
                    label(op),
                    failure.name()
                ));
                self.end(ctx, s, Outcome::Failed);
            } else {
                self.begin_compensation(ctx, s, op.0);
            }
            return;
        }
        let node = self.node_of(op.0);
        let service = ctx.node_name(node).to_string();
        let why = if failure != Failure::Timeout {
            String::new()
        } else if ctx.network().partitioned(ORCHESTRATOR, node) {
            format!(": the partition between the orchestrator and {service} outlasted its retries")
        } else if !ctx.network().is_up(node) {
            format!(": {service} was down")
        } else {
            String::new()
        };
        self.runs[s].errors.push(format!(
            "{} {action} failed ({}) after {attempt} attempt{}{why}",
            label(op),
            failure.name(),
            if attempt == 1 { "" } else { "s" }
        ));
        match engine.after_compensation_failure() {
            AfterCompensationFailure::Stop => self.end(ctx, s, Outcome::Failed),
            AfterCompensationFailure::Continue => self.continue_compensation(ctx, s),
        }
    }

    fn begin_compensation(&mut self, ctx: &mut Ctx<Self>, s: usize, failed: usize) {
        let steps = &self.params.definition.steps;
        let run = &mut self.runs[s];
        run.compensating = true;
        run.queue = (0..failed).rev().filter(|&j| run.completed[j] && steps[j].compensation.is_some()).collect();
        if self.params.engine.parallel() {
            while let Some(j) = self.runs[s].queue.pop_front() {
                self.send_command(ctx, (s, (j, true)), 1, false);
            }
        }
        self.continue_compensation(ctx, s);
    }

    fn continue_compensation(&mut self, ctx: &mut Ctx<Self>, s: usize) {
        if !self.runs[s].ops.is_empty() {
            return;
        }
        if let Some(j) = self.runs[s].queue.pop_front() {
            self.send_command(ctx, (s, (j, true)), 1, false);
            return;
        }
        let outcome = if self.runs[s].errors.is_empty() { Outcome::RolledBack } else { Outcome::Failed };
        self.end(ctx, s, outcome);
    }

    /// The orchestrator restarted: it reads its saga log and resends what was in flight.
    fn recover(&mut self, ctx: &mut Ctx<Self>) {
        for s in 0..self.runs.len() {
            self.recover_saga(ctx, s);
        }
    }

    fn recover_saga(&mut self, ctx: &mut Ctx<Self>, s: usize) {
        let run = &self.runs[s];
        if run.outcome.is_some() {
            return;
        }
        if self.choreography() && run.started {
            // A bus keeps no saga state: what it lost stays lost.
            self.note(ctx, SagaEvent::BusRestarted);
            return;
        }
        if !run.started {
            if ctx.now() >= ticks_from_ms(run.start_ms) {
                self.start(ctx, s);
            }
            return;
        }
        let pending: Vec<(Op, OpState)> = run.ops.iter().map(|(o, st)| (*o, *st)).collect();
        let saga = self.tag(s);
        self.note(
            ctx,
            SagaEvent::Recovered { pending: pending.iter().map(|(o, st)| format!("{} attempt {}", label(*o), st.attempt)).collect(), saga },
        );
        for (op, state) in pending {
            self.send_command(ctx, (s, op), state.attempt, state.waiting == Waiting::Reply);
        }
    }

    fn start(&mut self, ctx: &mut Ctx<Self>, s: usize) {
        self.runs[s].started = true;
        let definition = self.params.definition.title.clone();
        let engine = format!("{}, {}", self.params.engine.describe(), self.params.coordination.name());
        let saga = self.tag(s);
        self.note(ctx, SagaEvent::Started { definition, engine, saga });
        self.run_forward(ctx, s, 0);
    }

    /// Whether `attempt` of `op` is what saga `s` is waiting for a reply to.
    fn awaits(&self, s: usize, op: Op, attempt: u32) -> bool {
        let run = &self.runs[s];
        run.outcome.is_none() && run.ops.get(&op).is_some_and(|st| st.attempt == attempt && st.waiting == Waiting::Reply)
    }

    fn waits_to_retry(&self, s: usize, op: Op, attempt: u32) -> bool {
        let run = &self.runs[s];
        run.outcome.is_none() && run.ops.get(&op).is_some_and(|st| st.attempt == attempt && st.waiting == Waiting::Retry)
    }

    fn on_reply(&mut self, ctx: &mut Ctx<Self>, (s, op): SagaOp, attempt: u32, result: ReplyResult) {
        if !self.awaits(s, op, attempt) {
            let saga = self.tag(s);
            self.note(ctx, SagaEvent::IgnoredReply { label: label(op), attempt, saga });
            return;
        }
        match result {
            ReplyResult::Success => self.succeed(ctx, (s, op), attempt),
            ReplyResult::BusinessFailure => self.fail(ctx, (s, op), attempt, Failure::Business),
            ReplyResult::TransientFailure => self.fail(ctx, (s, op), attempt, Failure::Transient),
        }
    }

    /// A service reads the cells a read-then-write step changes, unless another saga's
    /// semantic lock holds one of them.
    fn on_read(&mut self, ctx: &mut Ctx<Self>, node: NodeId, (s, op): SagaOp, attempt: u32) {
        let Some(index) = (node as usize).checked_sub(1).filter(|&i| i < self.participants.len()) else { return };
        let Some(action) = self.action(op).cloned() else { return };
        let lock = self.params.countermeasure == Countermeasure::SemanticLock;
        let saga = self.tag(s);
        let now = ms_from_ticks(ctx.now());
        let p = &mut self.participants[index];
        let service = p.name.clone();
        let (step, compensation) = op;
        if lock {
            if let Some((cell, &holder)) = action.effect.adjust.keys().find_map(|c| p.locks.get(c).filter(|&&h| h != s).map(|h| (c, h))) {
                let (cell, holder) = (cell.clone(), holder as u32 + 1);
                self.note(ctx, SagaEvent::LockRefused { service, label: label(op), cell, holder, saga });
                let msg = SagaMsg::ReadReply { step, compensation, attempt, values: SmallMap::new(), locked_by: Some(holder), saga };
                self.post(ctx, node, ORCHESTRATOR, msg);
                return;
            }
        }
        let mut values = SmallMap::new();
        for cell in action.effect.adjust.keys() {
            let value = p.cells.get(cell).copied().unwrap_or(0);
            let version = p.version(cell);
            p.reads.push(ReadRecord { at_ms: now, reader: (s, op), cell: cell.clone(), value, version });
            if lock {
                p.locks.insert(cell.clone(), s);
            }
            values.insert(cell.clone(), (value, version.number));
        }
        let shown = crate::order::map_of(values.iter().map(|(c, (v, _))| (c.clone(), *v)));
        self.note(ctx, SagaEvent::ReadValues { service, label: label(op), values: shown, saga });
        self.post(ctx, node, ORCHESTRATOR, SagaMsg::ReadReply { step, compensation, attempt, values, locked_by: None, saga });
    }

    /// The orchestrator has the values: it computes the new ones and writes them back.
    fn on_read_reply(&mut self, ctx: &mut Ctx<Self>, (s, op): SagaOp, attempt: u32, values: SmallMap<String, (i64, u32)>, locked_by: Option<u32>) {
        if !self.awaits(s, op, attempt) || self.runs[s].writing.contains(&(op, attempt)) {
            let saga = self.tag(s);
            self.note(ctx, SagaEvent::IgnoredReply { label: label(op), attempt, saga });
            return;
        }
        if locked_by.is_some() {
            self.fail(ctx, (s, op), attempt, Failure::Transient);
            return;
        }
        let Some(action) = self.action(op) else { return };
        let written: SmallMap<String, i64> = crate::order::map_of(
            values.iter().map(|(cell, (value, _))| (cell.clone(), value + action.effect.adjust.get(cell).copied().unwrap_or(0))),
        );
        let read_versions: SmallMap<String, u32> = crate::order::map_of(values.iter().map(|(cell, (_, version))| (cell.clone(), *version)));
        self.runs[s].writing.insert((op, attempt));
        let msg = SagaMsg::Write { step: op.0, compensation: op.1, attempt, values: written, read_versions, saga: self.tag(s) };
        let node = self.node_of(op.0);
        self.post(ctx, ORCHESTRATOR, node, msg.clone());
        self.commands_sent += 1;
        if self.params.duplicate_delivery {
            self.post(ctx, ORCHESTRATOR, node, msg);
            self.commands_sent += 1;
        }
    }

    fn on_unlock(&mut self, ctx: &mut Ctx<Self>, node: NodeId, s: usize) {
        let Some(index) = (node as usize).checked_sub(1).filter(|&i| i < self.participants.len()) else { return };
        let p = &mut self.participants[index];
        let cells: Vec<String> = p.locks.iter().filter(|(_, &h)| h == s).map(|(c, _)| c.clone()).collect();
        p.locks.retain(|_, h| *h != s);
        let service = p.name.clone();
        let saga = self.tag(s);
        self.note(ctx, SagaEvent::Unlocked { service, cells, saga });
    }

    /// A service runs a command (or, read-then-write, a write with the values to store).
    fn on_command(
        &mut self,
        ctx: &mut Ctx<Self>,
        node: NodeId,
        key: SagaOp,
        attempt: u32,
        write: Option<(SmallMap<String, i64>, SmallMap<String, u32>)>,
    ) {
        let (s, op) = key;
        let Some(index) = (node as usize).checked_sub(1).filter(|&i| i < self.participants.len()) else { return };
        let Some(action) = self.action(op).cloned() else { return };
        let idempotency = self.params.idempotency;
        let fault = self.fault_of(s, op);
        let timeout = self.params.definition.steps.get(op.0).map_or(2_000.0, |s| s.timeout_ms);
        let version_check = self.params.countermeasure == Countermeasure::VersionCheck;
        let saga = self.tag(s);
        let now = ms_from_ticks(ctx.now());
        let p = &mut self.participants[index];
        let deliveries = p.deliveries.entry((key, attempt)).or_insert(0);
        *deliveries += 1;
        let duplicate = *deliveries > 1;
        let service = p.name.clone();
        if idempotency {
            if let Some(&result) = p.processed.get(&key) {
                p.deduplicated += 1;
                self.note(ctx, SagaEvent::Deduplicated { service, label: label(op), attempt, saga });
                self.answer(ctx, node, key, attempt, result);
                return;
            }
        }
        let (mut result, mut late) = match fault {
            Some(FaultSpec::Business) => (ReplyResult::BusinessFailure, false),
            Some(FaultSpec::Transient { times }) if attempt <= times => (ReplyResult::TransientFailure, false),
            Some(FaultSpec::Timeout { times }) if attempt <= times => (ReplyResult::Success, true),
            _ => (ReplyResult::Success, false),
        };
        let p = &mut self.participants[index];
        if let (Some((_, read_versions)), true, ReplyResult::Success) = (&write, version_check, result) {
            // Compare-and-set: the write stands only if nothing changed since the read.
            if let Some((cell, &read_version)) = read_versions.iter().find(|(cell, &v)| p.version(cell).number != v) {
                let version = p.version(cell).number;
                let cell = cell.clone();
                self.note(ctx, SagaEvent::Conflict { service, label: label(op), cell, read_version, version, saga });
                self.answer(ctx, node, key, attempt, ReplyResult::TransientFailure);
                return;
            }
        }
        // Nothing is taken that is not there: a debit that would leave a cell below zero is
        // refused (out of stock, insufficient funds), a business error.
        let mut short = None;
        if result == ReplyResult::Success {
            for (cell, &delta) in action.effect.adjust.iter().filter(|(_, &d)| d < 0) {
                let now = p.cells.get(cell).copied().unwrap_or(0);
                let after = write.as_ref().map_or(now + delta, |(values, _)| values.get(cell).copied().unwrap_or(now + delta));
                if after < 0 {
                    short = Some((cell.clone(), now));
                    (result, late) = (ReplyResult::BusinessFailure, false);
                    break;
                }
            }
        }
        if result == ReplyResult::Success {
            let mut lost = Vec::new();
            if let Some((values, read_versions)) = &write {
                let read_of = |cell: &str| p.reads.iter().rev().find(|r| r.reader == key && r.cell == cell).map(|r| r.value);
                let records: Vec<WriteRecord> = values
                    .iter()
                    .map(|(cell, &written)| WriteRecord {
                        at_ms: now,
                        writer: key,
                        cell: cell.clone(),
                        read_value: read_of(cell).unwrap_or(written),
                        read_version: read_versions.get(cell).copied().unwrap_or(0),
                        overwritten_value: p.cells.get(cell).copied().unwrap_or(0),
                        overwritten: p.version(cell),
                        written,
                    })
                    .collect();
                for r in records {
                    if r.lost_update() {
                        lost.push(r.clone());
                    }
                    p.writes.push(r);
                }
            }
            p.apply(key, attempt, duplicate, &action.effect, write.as_ref().map(|(values, _)| values));
            let times = p.times_applied(key) as u32;
            if idempotency {
                p.processed.insert(key, result);
            }
            self.note(ctx, SagaEvent::Applied { service: service.clone(), label: label(op), action: action.name, attempt, times, saga });
            for r in lost {
                let over_saga = r.overwritten.writer.map_or(0, |(w, _)| w as u32 + 1);
                let event = SagaEvent::LostUpdate {
                    service: service.clone(),
                    label: label(op),
                    cell: r.cell,
                    written: r.written,
                    over: r.overwritten_value,
                    over_saga,
                    saga,
                };
                self.note(ctx, event);
            }
        } else {
            if idempotency && result == ReplyResult::BusinessFailure {
                p.processed.insert(key, result);
            }
            match short {
                Some((cell, value)) => self.note(ctx, SagaEvent::OutOfStock { service, label: label(op), cell, value, saga }),
                None => {
                    self.note(ctx, SagaEvent::Refused { service, label: label(op), attempt, business: result == ReplyResult::BusinessFailure, saga })
                }
            }
        }
        if late {
            ctx.set_timer(node, ticks_from_ms(timeout + LATE_REPLY_AFTER_TIMEOUT_MS), SagaTimer::LateReply { key, attempt });
            return;
        }
        // Choreography: the service itself retries by the engine's rules before it publishes a failure.
        let failure = if result == ReplyResult::BusinessFailure { Failure::Business } else { Failure::Transient };
        if self.choreography() && result != ReplyResult::Success && self.retries(key, attempt, failure) {
            let delay = self.policy(op.0).delay_ms(attempt);
            self.record(ctx, key, attempt, EntryResult::Retrying(failure));
            self.runs[s].ops.insert(op, OpState { attempt: attempt + 1, waiting: Waiting::Retry });
            ctx.set_timer(node, ticks_from_ms(delay), SagaTimer::LocalRetry { key, attempt: attempt + 1 });
            self.note(ctx, SagaEvent::Failed { label: label(op), attempt, failure, retry_in_ms: Some(delay), saga });
            return;
        }
        self.answer(ctx, node, key, attempt, result);
    }
}

fn validate_fault(f: &StepFault, steps: usize, def: &Definition) -> Result<(), FieldError> {
    if f.step == 0 || f.step > steps {
        return Err(FieldError::new("step", format!("steps count from 1 to {steps}, got {}", f.step)));
    }
    if f.compensation && def.steps[f.step - 1].compensation.is_none() {
        return Err(FieldError::new("compensation", format!("step {} has no compensation", f.step)));
    }
    match f.fault {
        FaultSpec::Transient { times } | FaultSpec::Timeout { times } if times == 0 || times > MAX_FAULT_TIMES => {
            Err(FieldError::new("fault.times", format!("must be 1 to {MAX_FAULT_TIMES}, got {times}")))
        }
        _ => Ok(()),
    }
}

impl Pattern for SagaSim {
    const WIDGET: &'static str = "saga";
    const TITLE: &'static str = "Saga compensation";
    const SUMMARY: &'static str = "A multi-service transaction runs step by step over the network, driven by an orchestrator or by events; when a step fails, compensations undo the completed ones, in reverse, by the exact rules of Eventuate Tram, Temporal or Garcia-Molina & Salem.";
    const MS_PER_SECOND: f64 = 1_000.0;
    const PREVIEW_SVG: &'static str = r#"<svg viewBox="0 0 120 60" aria-hidden="true"><g fill="var(--panel)" stroke-width="1.8"><rect x="4" y="10" width="22" height="14" rx="3" stroke="var(--ok)"/><rect x="34" y="10" width="22" height="14" rx="3" stroke="var(--ok)"/><rect x="64" y="10" width="22" height="14" rx="3" stroke="var(--bad)"/><rect x="94" y="10" width="22" height="14" rx="3" stroke="currentColor" stroke-opacity=".35" stroke-dasharray="2 2"/></g><g font-size="7" text-anchor="middle" fill="currentColor"><text x="15" y="20">T1</text><text x="45" y="20">T2</text><text x="75" y="20">T3✗</text><text x="105" y="20">T4</text><text x="45" y="50">C2</text><text x="15" y="50">C1</text></g><path d="M72 28 C70 42 56 44 50 44 M38 44 H22" fill="none" stroke="var(--oi-purple)" stroke-width="1.5" stroke-dasharray="3 2"/><path d="M22 41 l-4 3 l4 3" fill="none" stroke="var(--oi-purple)" stroke-width="1.5"/></svg>"#;
    type Params = SagaParams;
    type Command = SagaCommand;
    type Msg = SagaMsg;
    type Timer = SagaTimer;
    type Event = SagaEvent;
    type Metrics = SagaMetrics;
    type Derived = crate::engine::NoDerivedWork<SagaParams>;

    fn work_estimate(scenario: &crate::scenario::Scenario<Self>) -> f64 {
        // One saga: every step forward and back, each attempt (at most ATTEMPT_CAP) a command
        // and its reply, sent and delivered, twice under duplicate delivery, with its timeout,
        // retry and late-reply timers. A command (a restart, a cancel) can re-drive them all.
        let steps = scenario.params.definition.steps.len() as f64;
        let per_attempt = if scenario.params.duplicate_delivery { 16.0 } else { 8.0 };
        // Read-then-write doubles the round trips (a read, then a write) and adds the unlocks.
        let read_write = if scenario.params.countermeasure.reads_then_writes() { 2.5 } else { 1.0 };
        // Eventuate never retries, but its broker delivers each message up to 1 + MAX_REDELIVERIES times.
        let attempts = if scenario.params.engine.redelivers() { 1 + MAX_REDELIVERIES } else { super::definition::ATTEMPT_CAP };
        let one_pass = steps * 2.0 * f64::from(attempts) * per_attempt * read_write;
        let sagas = f64::from(scenario.params.sagas.clamp(1, MAX_SAGAS));
        sagas * one_pass * (1.0 + (scenario.actions.len() + scenario.faults.len()) as f64) + 64.0
    }

    fn validate(p: &SagaParams) -> Result<(), FieldError> {
        p.definition.validate().map_err(|e| e.within("definition"))?;
        p.retry.validate().map_err(|e| e.within("retry"))?;
        if p.faults.len() > MAX_STEP_FAULTS {
            return Err(FieldError::new("faults", format!("at most {MAX_STEP_FAULTS} step faults, got {}", p.faults.len())));
        }
        for (i, f) in p.faults.iter().enumerate() {
            validate_fault(f, p.definition.steps.len(), &p.definition).map_err(|e| e.within(&format!("faults[{i}]")))?;
            if let Some(n) = f.saga.filter(|&n| n == 0 || n > p.sagas) {
                return Err(FieldError::new(format!("faults[{i}].saga"), format!("sagas count from 1 to {} (sagas), got {n}", p.sagas)));
            }
        }
        if !(p.start_ms.is_finite() && (0.0..=3_600_000.0).contains(&p.start_ms)) {
            return Err(FieldError::new("start_ms", format!("must be in [0, 3600000], got {}", p.start_ms)));
        }
        if p.engine.broker_redelivery && p.engine.kind != EngineKind::EventuateTram {
            return Err(FieldError::new("engine.broker_redelivery", "only Eventuate Tram's message broker redelivers; choose eventuate_tram"));
        }
        if !(1..=MAX_SAGAS).contains(&p.sagas) {
            return Err(FieldError::new("sagas", format!("sagas in flight must be 1 to {MAX_SAGAS}, got {}", p.sagas)));
        }
        if !(p.spacing_ms.is_finite() && (0.0..=MAX_SPACING_MS).contains(&p.spacing_ms)) {
            return Err(FieldError::new("spacing_ms", format!("must be in [0, {MAX_SPACING_MS}], got {}", p.spacing_ms)));
        }
        if p.countermeasure.reads_then_writes() && p.coordination == Coordination::Choreography {
            return Err(FieldError::new(
                "countermeasure",
                format!(
                    "{} reads, then writes through the orchestrator: it needs orchestration (choreography uses commutative_updates)",
                    p.countermeasure
                ),
            ));
        }
        Ok(())
    }

    fn validate_command(p: &SagaParams, command: &SagaCommand) -> Result<(), FieldError> {
        match command {
            SagaCommand::CancelOrder if cancellable_row(&p.definition).is_none() => {
                Err(FieldError::new("kind", "this saga's first step creates no …_PENDING row to cancel"))
            }
            SagaCommand::CancelOrder => Ok(()),
            SagaCommand::SetFault { step, compensation, fault: Some(fault) } => validate_fault(
                &StepFault { step: *step, compensation: *compensation, fault: *fault, saga: None },
                p.definition.steps.len(),
                &p.definition,
            ),
            SagaCommand::SetFault { step, .. } if *step == 0 || *step > p.definition.steps.len() => {
                Err(FieldError::new("step", format!("steps count from 1 to {}, got {step}", p.definition.steps.len())))
            }
            SagaCommand::SetFault { .. } => Ok(()),
        }
    }

    fn supersedes(new: &SagaCommand, old: &SagaCommand) -> bool {
        match (new, old) {
            (SagaCommand::SetFault { step: a, compensation: ca, .. }, SagaCommand::SetFault { step: b, compensation: cb, .. }) => a == b && ca == cb,
            _ => false,
        }
    }

    fn node_names(p: &SagaParams) -> Vec<String> {
        std::iter::once(p.coordination.hub().to_string()).chain(p.definition.services.iter().map(|s| s.name.clone())).collect()
    }

    fn network(_p: &SagaParams) -> NetworkConfig {
        // Slow enough to watch the messages travel.
        NetworkConfig { latency: Latency::Uniform { min_ms: 150.0, max_ms: 250.0 }, drop_probability: 0.0 }
    }

    fn init(params: &SagaParams, ctx: &mut Ctx<Self>) -> Self {
        let n = params.definition.steps.len();
        let faults = crate::order::map_of(params.faults.iter().filter(|f| f.saga.is_none()).map(|f| ((f.step - 1, f.compensation), f.fault)));
        let saga_faults =
            crate::order::map_of(params.faults.iter().filter_map(|f| f.saga.map(|k| ((k as usize - 1, (f.step - 1, f.compensation)), f.fault))));
        let sagas = params.sagas.clamp(1, MAX_SAGAS) as usize;
        let runs: Vec<SagaRun> = (0..sagas).map(|k| SagaRun::new(n, params.start_ms + k as f64 * params.spacing_ms)).collect();
        // A saga due at 0 starts inside init: a timer fires at least one tick after it is set.
        for (k, run) in runs.iter().enumerate() {
            if ticks_from_ms(run.start_ms) != 0 {
                ctx.set_timer(ORCHESTRATOR, ticks_from_ms(run.start_ms), SagaTimer::Start { saga: k });
            }
        }
        let mut sim = Self {
            params: params.clone(),
            faults,
            saga_faults,
            participants: params.definition.services.iter().map(Participant::new).collect(),
            runs,
            commands_sent: 0,
            last_event: None,
            cancels: Vec::new(),
            outbox: SmallMap::new(),
        };
        for k in 0..sagas {
            if ticks_from_ms(sim.runs[k].start_ms) == 0 {
                sim.start(ctx, k);
            }
        }
        sim
    }

    fn on_message(&mut self, ctx: &mut Ctx<Self>, _from: NodeId, to: NodeId, msg: SagaMsg) {
        // The consumer has the message: the broker stops redelivering it.
        if let Some(key) = delivery_key(&msg).filter(|k| self.outbox.get(k).is_some_and(|e| e.to == to)) {
            self.outbox.remove(&key);
        }
        let known = |tag: SagaTag| Some(index_of(tag)).filter(|&s| s < self.runs.len());
        match msg {
            SagaMsg::Command { step, compensation, attempt, saga } | SagaMsg::Deliver { step, compensation, attempt, saga } if to != ORCHESTRATOR => {
                if let Some(s) = known(saga) {
                    self.on_command(ctx, to, (s, (step, compensation)), attempt, None);
                }
            }
            SagaMsg::Reply { step, compensation, attempt, result, saga } | SagaMsg::Event { step, compensation, attempt, result, saga }
                if to == ORCHESTRATOR =>
            {
                if let Some(s) = known(saga) {
                    self.on_reply(ctx, (s, (step, compensation)), attempt, result);
                }
            }
            SagaMsg::Read { step, compensation, attempt, saga } if to != ORCHESTRATOR => {
                if let Some(s) = known(saga) {
                    self.on_read(ctx, to, (s, (step, compensation)), attempt);
                }
            }
            SagaMsg::ReadReply { step, compensation, attempt, values, locked_by, saga } if to == ORCHESTRATOR => {
                if let Some(s) = known(saga) {
                    self.on_read_reply(ctx, (s, (step, compensation)), attempt, values, locked_by);
                }
            }
            SagaMsg::Write { step, compensation, attempt, values, read_versions, saga } if to != ORCHESTRATOR => {
                if let Some(s) = known(saga) {
                    self.on_command(ctx, to, (s, (step, compensation)), attempt, Some((values, read_versions)));
                }
            }
            SagaMsg::Unlock { saga } if to != ORCHESTRATOR => {
                if let Some(s) = known(saga) {
                    self.on_unlock(ctx, to, s);
                }
            }
            SagaMsg::Cancel { row } if to != ORCHESTRATOR => self.on_cancel(ctx, to, row),
            SagaMsg::CancelReply { row, accepted } if to == ORCHESTRATOR => {
                if let Some(c) = self.cancels.iter_mut().find(|c| c.row == row && c.answered.is_none()) {
                    c.answered = Some(accepted);
                }
                self.note(ctx, SagaEvent::CancelAnswered { row, accepted });
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<Self>, node: NodeId, timer: SagaTimer) {
        match timer {
            SagaTimer::Redeliver { key } => self.redeliver(ctx, key),
            SagaTimer::Start { saga } => {
                if saga < self.runs.len() && !self.runs[saga].started {
                    self.start(ctx, saga);
                }
            }
            SagaTimer::Timeout { key: (s, op), attempt } => {
                if self.awaits(s, op, attempt) {
                    self.fail(ctx, (s, op), attempt, Failure::Timeout);
                }
            }
            SagaTimer::Retry { key: (s, op), attempt } => {
                if self.waits_to_retry(s, op, attempt) {
                    self.send_command(ctx, (s, op), attempt, false);
                }
            }
            SagaTimer::LateReply { key, attempt } => self.answer(ctx, node, key, attempt, ReplyResult::Success),
            SagaTimer::LocalRetry { key: (s, op), attempt } => {
                if self.waits_to_retry(s, op, attempt) {
                    self.runs[s].ops.insert(op, OpState { attempt, waiting: Waiting::Reply });
                    let service = ctx.node_name(node).to_string();
                    let saga = self.tag(s);
                    self.note(ctx, SagaEvent::LocalRetry { service, label: label(op), attempt, saga });
                    self.on_command(ctx, node, (s, op), attempt, None);
                }
            }
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &SagaCommand) {
        match command {
            SagaCommand::SetFault { step, compensation, fault } => {
                let op = (step - 1, *compensation);
                match fault {
                    Some(f) => self.faults.insert(op, *f),
                    None => self.faults.remove(&op),
                };
            }
            SagaCommand::CancelOrder => {
                let Some((service, row)) = cancellable_row(&self.params.definition) else { return };
                self.cancels.push(CancelRecord {
                    at_ms: ms_from_ticks(ctx.now()),
                    row: row.clone(),
                    decided: None,
                    decided_at_ms: None,
                    answered: None,
                });
                let name = self.params.definition.services[service].name.clone();
                self.note(ctx, SagaEvent::CancelRequested { service: name, row: row.clone() });
                // The customer's request enters through the same gateway node as the saga.
                ctx.send(ORCHESTRATOR, service as NodeId + 1, SagaMsg::Cancel { row });
            }
        }
    }

    fn on_fault(&mut self, ctx: &mut Ctx<Self>, fault: &Fault) {
        if matches!(fault, Fault::Restart { node: ORCHESTRATOR }) {
            self.recover(ctx);
        }
    }

    fn metrics(&self, _now: Tick) -> SagaMetrics {
        let first = &self.runs[0];
        let several = self.runs.len() > 1;
        let sagas = if several {
            self.runs
                .iter()
                .enumerate()
                .map(|(k, r)| SagaSummary {
                    saga: k as u32 + 1,
                    start_ms: r.start_ms,
                    outcome: r.status().to_string(),
                    final_history: render_final(&r.history),
                    ended_at_ms: r.ended_at_ms,
                })
                .collect()
        } else {
            Vec::new()
        };
        SagaMetrics {
            definition: self.params.definition.name.clone(),
            engine: self.params.engine.describe(),
            outcome: first.outcome.map_or("running", Outcome::name).to_string(),
            history: render(&first.history),
            final_history: render_final(&first.history),
            entries: first.history.clone(),
            errors: first.errors.clone(),
            participants: self.participants.clone(),
            commands_sent: self.commands_sent,
            deduplicated: self.participants.iter().map(|p| p.deduplicated).sum(),
            violations: super::invariants::check(self),
            sagas,
            counts: several.then(|| self.counts()),
        }
    }

    // Outcome counts over the sagas in flight; each chart pairs two of them.
    const SERIES: &'static [crate::engine::SeriesSpec] = &[
        crate::engine::SeriesSpec { name: "Sagas completed", unit: "sagas", ghost: Some(1) },
        crate::engine::SeriesSpec { name: "rolled back", unit: "sagas", ghost: None },
        crate::engine::SeriesSpec { name: "Sagas failed", unit: "sagas", ghost: Some(3) },
        crate::engine::SeriesSpec { name: "running (stuck, if still there at the end)", unit: "sagas", ghost: None },
        // What a claim about isolation is judged on (the seed search looks for a run above 0).
        crate::engine::SeriesSpec { name: "invariant violations (lost updates, dirty reads, ledger)", unit: "", ghost: None },
    ];

    fn sample(&self, _now: Tick) -> Vec<f64> {
        let c = self.counts();
        let violations = super::invariants::check(self).len() as f64;
        [c.completed, c.rolled_back, c.failed, c.running].map(f64::from).into_iter().chain([violations]).collect()
    }

    fn notes(&self, now: Tick) -> Vec<String> {
        super::notes::notes(self, now)
    }

    fn notes_on_additions(&self, scenario: &Scenario<Self>, added: &[crate::scenario::additions::Added<'_, Self>], now: Tick) -> Vec<String> {
        super::notes::additions(self, scenario, added, now)
    }

    fn presets() -> Vec<(&'static str, Scenario<Self>)> {
        super::lessons::presets()
    }

    fn describe_event(event: &SagaEvent) -> String {
        let (text, saga) = describe_event_untagged(event);
        match saga {
            Some(n) => format!("saga {n}: {text}"),
            None => text,
        }
    }

    fn describe_msg(msg: &SagaMsg) -> String {
        let (text, saga) = match msg {
            SagaMsg::Command { step, compensation, attempt, saga } => {
                (format!("command {} (attempt {attempt})", label((*step, *compensation))), *saga)
            }
            SagaMsg::Reply { step, compensation, result, saga, .. } => (format!("reply {} ({result:?})", label((*step, *compensation))), *saga),
            SagaMsg::Cancel { row } => (format!("cancel {row}"), None),
            SagaMsg::Event { step, compensation, result, saga, .. } => {
                let what = match result {
                    ReplyResult::Success => "done",
                    _ => "failed",
                };
                (format!("event {} {what}", label((*step, *compensation))), *saga)
            }
            SagaMsg::Deliver { step, compensation, saga, .. } => (format!("event delivered: run {}", label((*step, *compensation))), *saga),
            SagaMsg::CancelReply { row, accepted } => (format!("cancel {row}: {}", if *accepted { "done" } else { "refused" }), None),
            SagaMsg::Read { step, compensation, attempt, saga } => (format!("read for {} (attempt {attempt})", label((*step, *compensation))), *saga),
            SagaMsg::ReadReply { step, compensation, values, locked_by: None, saga, .. } => {
                let shown: Vec<String> = values.iter().map(|(c, (v, version))| format!("{c} = {v} (v{version})")).collect();
                (format!("read {}: {}", label((*step, *compensation)), shown.join(", ")), *saga)
            }
            SagaMsg::ReadReply { step, compensation, locked_by: Some(h), saga, .. } => {
                (format!("read {} refused: PENDING under saga {h}'s lock", label((*step, *compensation))), *saga)
            }
            SagaMsg::Write { step, compensation, values, read_versions, saga, .. } => {
                let shown: Vec<String> =
                    values.iter().map(|(c, v)| format!("{c} := {v} (read at v{})", read_versions.get(c).copied().unwrap_or(0))).collect();
                (format!("write {}: {}", label((*step, *compensation)), shown.join(", ")), *saga)
            }
            SagaMsg::Unlock { saga } => ("release the semantic locks".to_string(), *saga),
        };
        match saga {
            Some(n) => format!("saga {n}: {text}"),
            None => text,
        }
    }

    fn describe_command(command: &SagaCommand) -> String {
        match command {
            SagaCommand::SetFault { step, compensation, fault: Some(f) } => {
                format!("from now on {} {}", label((step - 1, *compensation)), f.describe())
            }
            SagaCommand::SetFault { step, compensation, fault: None } => format!("from now on {} works", label((step - 1, *compensation))),
            SagaCommand::CancelOrder => "the customer cancels the order".into(),
        }
    }
}

/// An event in words, and the saga it belongs to (when several run).
fn describe_event_untagged(event: &SagaEvent) -> (String, SagaTag) {
    match event {
        SagaEvent::Started { definition, engine, saga } => (format!("saga starts: {definition}, by the rules of {engine}"), *saga),
        SagaEvent::Skipped { label, action, saga } => (format!("{label} {action} skipped: its condition is false"), *saga),
        SagaEvent::Attempt { by, label, action, attempt, resent, saga } => {
            let again = if *resent { ", resent from the saga log" } else { "" };
            let sends = if by == "event bus" { "event bus delivers the event for" } else { "orchestrator sends" };
            let text = if *attempt == 1 {
                format!("{sends} {label} {action}{again}")
            } else {
                format!("{sends} {label} {action}, attempt {attempt}{again}")
            };
            (text, *saga)
        }
        SagaEvent::Applied { service, label, action, attempt, times, saga } => {
            let text = if *times > 1 {
                format!("{service} runs {label} {action} again (attempt {attempt}): {times} times in all")
            } else {
                format!("{service} runs {label} {action}")
            };
            (text, *saga)
        }
        SagaEvent::Deduplicated { service, label, attempt, saga } => {
            (format!("{service} has seen {label} already (attempt {attempt}): replies from its idempotency table, changes nothing"), *saga)
        }
        SagaEvent::Refused { service, label, business: true, saga, .. } => (format!("{service} refuses {label}: a business error"), *saga),
        SagaEvent::Refused { service, label, attempt, saga, .. } => (format!("{service} fails {label} attempt {attempt}: a transient error"), *saga),
        SagaEvent::Succeeded { label, saga, .. } => (format!("{label} done"), *saga),
        SagaEvent::Failed { label, attempt, failure, retry_in_ms: Some(ms), saga } => {
            (format!("{label} attempt {attempt} failed ({}); retry in {}", failure.name(), crate::narrate::format_time(ticks_from_ms(*ms))), *saga)
        }
        SagaEvent::Failed { label, attempt, failure, retry_in_ms: None, saga } => {
            (format!("{label} failed for good ({}, attempt {attempt})", failure.name()), *saga)
        }
        SagaEvent::IgnoredReply { label, attempt, saga } => {
            (format!("orchestrator ignores a reply to {label} attempt {attempt}: it no longer waits for it"), *saga)
        }
        SagaEvent::Recovered { pending, saga } if pending.is_empty() => {
            ("orchestrator restarts and reads its saga log: nothing in flight".into(), *saga)
        }
        SagaEvent::Recovered { pending, saga } => (format!("orchestrator restarts, reads its saga log and resends {}", pending.join(", ")), *saga),
        SagaEvent::LocalRetry { service, label, attempt, saga } => (format!("{service} retries {label} itself (attempt {attempt})"), *saga),
        SagaEvent::BusRestarted => ("the event bus restarts; it keeps no saga state, so nothing lost is resent".into(), None),
        SagaEvent::CancelRequested { service, row } => (format!("the customer asks {service} to cancel {row}"), None),
        SagaEvent::CancelAccepted { service, row, was } => (format!("{service} cancels {row} (it was {was})"), None),
        SagaEvent::CancelRefused { service, row, status } if status.ends_with("_PENDING") => {
            (format!("{service} refuses to cancel {row}: it is {status}, locked by the running saga"), None)
        }
        SagaEvent::CancelRefused { service, row, status } => (format!("{service} refuses to cancel {row}: {status}"), None),
        SagaEvent::CancelAnswered { row, accepted: true } => (format!("the customer is told {row} is cancelled"), None),
        SagaEvent::CancelAnswered { row, accepted: false } => (format!("the customer is told {row} cannot be cancelled yet"), None),
        SagaEvent::Ended { outcome, history, errors, saga } if errors.is_empty() => (format!("saga {}: {history}", outcome.name()), *saga),
        SagaEvent::Ended { outcome, history, errors, saga } => (format!("saga {}: {history} ({})", outcome.name(), errors.join("; ")), *saga),
        SagaEvent::ReadValues { service, label, values, saga } => {
            let shown: Vec<String> = values.iter().map(|(c, v)| format!("{c} = {v}")).collect();
            (format!("{service} reads {} for {label}", shown.join(", ")), *saga)
        }
        SagaEvent::LockRefused { service, label, cell, holder, saga } => {
            (format!("{service} refuses to read {cell} for {label}: it is PENDING, locked by saga {holder}"), *saga)
        }
        SagaEvent::Conflict { service, label, cell, read_version, version, saga } => (
            format!("{service} refuses the write of {label}: {cell} was read at version {read_version} and is now at {version} (version check)"),
            *saga,
        ),
        SagaEvent::LostUpdate { service, label, cell, written, over, over_saga, saga } => {
            (format!("{service}: {label} writes {cell} = {written} over saga {over_saga}'s {over}, which it never read: a lost update"), *saga)
        }
        SagaEvent::Unlocked { service, cells, saga } if cells.is_empty() => (format!("{service} holds no lock of this saga"), *saga),
        SagaEvent::Unlocked { service, cells, saga } => (format!("{service} releases the semantic lock on {}", cells.join(", ")), *saga),
        SagaEvent::OutOfStock { service, label, cell, value, saga } => {
            (format!("{service} refuses {label}: {cell} is {value}, and it cannot go below 0 (a business error)"), *saga)
        }
        SagaEvent::Redelivered { what, to, redelivery } => {
            (format!("the broker redelivers \"{what}\" to {to} (redelivery {redelivery}): it was not taken within {REDELIVERY_AFTER_MS} ms"), None)
        }
    }
}
