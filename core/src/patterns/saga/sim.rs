//! The saga on the simulated network: an orchestrator (node 0) sends each step's command to
//! its service (nodes 1..) and waits for the reply, keeping a saga log that survives its
//! crashes; the services keep local state and an idempotency table.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::definition::{Action, Definition, RetryPolicy, ATTEMPT_CAP};
use super::engine::{AfterCompensationFailure, EngineSpec, Failure};
use super::history::{label, render, render_final, EntryResult, HistoryEntry, Op};
use super::participant::{Participant, ReplyResult};
use crate::engine::{ms_from_ticks, ticks_from_ms, Ctx, Fault, Latency, NetworkConfig, NodeId, Pattern, Tick};
use crate::error::FieldError;
use crate::scenario::Scenario;

pub const ORCHESTRATOR: NodeId = 0;

/// How long after its timeout a "timeout" fault's late reply is sent.
pub const LATE_REPLY_AFTER_TIMEOUT_MS: f64 = 500.0;

/// Most faults a scenario may schedule on steps, and most failures one fault may cause.
pub const MAX_STEP_FAULTS: usize = 24;
pub const MAX_FAULT_TIMES: u32 = 20;

/// A scripted fault on one step's action or compensation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepFault {
    /// The step, counted from 1 as in `T3` / `C3`.
    pub step: usize,
    #[serde(default)]
    pub compensation: bool,
    pub fault: FaultSpec,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// When the saga starts.
    pub start_ms: f64,
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
        }
    }
}

/// Who drives the saga.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SagaMsg {
    Command {
        step: usize,
        compensation: bool,
        attempt: u32,
    },
    Reply {
        step: usize,
        compensation: bool,
        attempt: u32,
        result: ReplyResult,
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
    },
    /// Choreography: the bus delivers an event to the service that reacts to it by running `step`.
    Deliver {
        step: usize,
        compensation: bool,
        attempt: u32,
    },
    CancelReply {
        row: String,
        accepted: bool,
    },
}

#[derive(Clone, Debug)]
pub enum SagaTimer {
    Start,
    Timeout {
        op: Op,
        attempt: u32,
    },
    Retry {
        op: Op,
        attempt: u32,
    },
    LateReply {
        op: Op,
        attempt: u32,
    },
    /// Choreography: a service retries its own local transaction.
    LocalRetry {
        op: Op,
        attempt: u32,
    },
}

/// How a saga ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SagaEvent {
    Started { definition: String, engine: String },
    Skipped { label: String, action: String },
    Attempt { by: String, label: String, action: String, attempt: u32, resent: bool },
    Applied { service: String, label: String, action: String, attempt: u32, times: u32 },
    Deduplicated { service: String, label: String, attempt: u32 },
    Refused { service: String, label: String, attempt: u32, business: bool },
    Succeeded { label: String, attempt: u32 },
    Failed { label: String, attempt: u32, failure: Failure, retry_in_ms: Option<f64> },
    IgnoredReply { label: String, attempt: u32 },
    Recovered { pending: Vec<String> },
    Ended { outcome: Outcome, history: String, errors: Vec<String> },
    LocalRetry { service: String, label: String, attempt: u32 },
    BusRestarted,
    CancelRequested { service: String, row: String },
    CancelAccepted { service: String, row: String, was: String },
    CancelRefused { service: String, row: String, status: String },
    CancelAnswered { row: String, accepted: bool },
}

/// Where an op stands at the orchestrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    Reply,
    Retry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OpState {
    pub attempt: u32,
    pub waiting: Waiting,
}

/// A step as the step list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SagaMetrics {
    pub definition: String,
    pub engine: String,
    /// `completed`, `rolled back`, `failed`, or `running` (stuck, if the run is over).
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
}

#[derive(Clone, Debug)]
pub struct SagaSim {
    params: SagaParams,
    faults: BTreeMap<Op, FaultSpec>,
    participants: Vec<Participant>,
    // The saga log: everything below survives an orchestrator crash.
    started: bool,
    completed: Vec<bool>,
    compensated: Vec<bool>,
    ops: BTreeMap<Op, OpState>,
    queue: VecDeque<usize>,
    compensating: bool,
    outcome: Option<Outcome>,
    errors: Vec<String>,
    history: Vec<HistoryEntry>,
    commands_sent: u64,
    last_event: Option<String>,
    cancels: Vec<CancelRecord>,
}

/// A customer's cancel request and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CancelRecord {
    pub at_ms: f64,
    pub row: String,
    /// What the service did: `Some(true)` cancelled, `Some(false)` refused (semantic lock).
    pub decided: Option<bool>,
    pub decided_at_ms: Option<f64>,
    /// The answer the customer got.
    pub answered: Option<bool>,
}

/// The row a cancel targets and the service that holds it: the first step's `…_PENDING` row.
pub fn cancellable_row(definition: &Definition) -> Option<(usize, String)> {
    let first = definition.steps.first()?;
    let (row, _) = first.action.effect.set.iter().find(|(_, v)| v.ends_with("_PENDING"))?;
    Some((definition.service_index(&first.service)?, row.clone()))
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

    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    pub fn started(&self) -> bool {
        self.started
    }

    pub fn compensating(&self) -> bool {
        self.compensating
    }

    pub fn ops(&self) -> &BTreeMap<Op, OpState> {
        &self.ops
    }

    pub fn fault(&self, op: Op) -> Option<FaultSpec> {
        self.faults.get(&op).copied()
    }

    pub fn cancels(&self) -> &[CancelRecord] {
        &self.cancels
    }

    /// A cancel request at the service holding the row: refused while the semantic lock holds
    /// (the row is `…_PENDING`), applied otherwise, whatever the saga is doing.
    fn on_cancel(&mut self, ctx: &mut Ctx<Self>, node: NodeId, row: String) {
        let Some(index) = (node as usize).checked_sub(1).filter(|&i| i < self.participants.len()) else { return };
        let status = self.participants[index].rows.get(&row).cloned().unwrap_or_else(|| "not created yet".into());
        let service = self.participants[index].name.clone();
        let exists = self.participants[index].rows.contains_key(&row);
        let locked = self.params.semantic_lock && status.ends_with("_PENDING");
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
        self.completed.get(step).copied().unwrap_or(false)
    }

    pub fn is_compensated(&self, step: usize) -> bool {
        self.compensated.get(step).copied().unwrap_or(false)
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

    /// Whether the engine's rules retry this failed attempt.
    fn retries(&self, op: Op, attempt: u32, failure: Failure) -> bool {
        let engine = self.params.engine;
        let policy = self.policy(op.0);
        let policy_allows = if engine.retries_until_success() { attempt < ATTEMPT_CAP } else { policy.allows_another(attempt) };
        if op.1 {
            engine.retries_compensation(failure, policy_allows)
        } else {
            engine.retries_forward(failure, self.pivot_done(), policy_allows)
        }
    }

    /// A service answers: a reply to the orchestrator, or an event published to the bus.
    fn answer(&mut self, ctx: &mut Ctx<Self>, node: NodeId, op: Op, attempt: u32, result: ReplyResult) {
        let msg = if self.choreography() {
            SagaMsg::Event { step: op.0, compensation: op.1, attempt, result }
        } else {
            SagaMsg::Reply { step: op.0, compensation: op.1, attempt, result }
        };
        ctx.send(node, ORCHESTRATOR, msg);
    }

    fn pivot_done(&self) -> bool {
        self.params.definition.pivot().is_some_and(|p| self.is_completed(p))
    }

    /// Final history entry of `op`, if it has one.
    pub fn final_result(&self, op: Op) -> Option<EntryResult> {
        self.history.iter().rev().find(|e| e.op() == op && !matches!(e.result, EntryResult::Retrying(_))).map(|e| e.result)
    }

    pub fn step_state(&self, step: usize) -> StepState {
        let max = |s: &Self| if s.params.engine.retries_until_success() { 0 } else { s.policy(step).maximum_attempts };
        if let Some(op) = self.ops.get(&(step, true)) {
            return match op.waiting {
                Waiting::Reply => StepState::Compensating { attempt: op.attempt },
                Waiting::Retry => StepState::CompensationRetrying { attempt: op.attempt, max: max(self) },
            };
        }
        if self.is_compensated(step) {
            return StepState::Compensated;
        }
        if let Some(EntryResult::Failed(failure)) = self.final_result((step, true)) {
            return StepState::CompensationFailed { failure };
        }
        if let Some(op) = self.ops.get(&(step, false)) {
            return match op.waiting {
                Waiting::Reply => StepState::Running { attempt: op.attempt },
                Waiting::Retry => StepState::Retrying { attempt: op.attempt, max: max(self) },
            };
        }
        if self.is_completed(step) {
            return StepState::Done;
        }
        match self.final_result((step, false)) {
            Some(EntryResult::Failed(failure)) => StepState::Failed { failure },
            Some(EntryResult::Skipped) => StepState::Skipped,
            _ => StepState::Pending,
        }
    }

    fn note(&mut self, ctx: &mut Ctx<Self>, event: SagaEvent) {
        self.last_event = Some(Self::describe_event(&event));
        ctx.emit(event);
    }

    fn record(&mut self, ctx: &Ctx<Self>, op: Op, attempt: u32, result: EntryResult) {
        self.history.push(HistoryEntry { at_ms: ms_from_ticks(ctx.now()), label: label(op), step: op.0, compensation: op.1, attempt, result });
    }

    fn send_command(&mut self, ctx: &mut Ctx<Self>, op: Op, attempt: u32, resent: bool) {
        let action = self.action(op).map(|a| a.name.clone()).unwrap_or_default();
        let by = self.params.coordination.hub().to_string();
        self.note(ctx, SagaEvent::Attempt { by, label: label(op), action, attempt, resent });
        let node = self.node_of(op.0);
        let msg = if self.choreography() {
            SagaMsg::Deliver { step: op.0, compensation: op.1, attempt }
        } else {
            SagaMsg::Command { step: op.0, compensation: op.1, attempt }
        };
        ctx.send(ORCHESTRATOR, node, msg.clone());
        self.commands_sent += 1;
        if self.params.duplicate_delivery {
            ctx.send(ORCHESTRATOR, node, msg);
            self.commands_sent += 1;
        }
        self.ops.insert(op, OpState { attempt, waiting: Waiting::Reply });
        if self.params.engine.times_out() && !self.choreography() {
            let timeout = self.params.definition.steps.get(op.0).map_or(2_000.0, |s| s.timeout_ms);
            ctx.set_timer(ORCHESTRATOR, ticks_from_ms(timeout), SagaTimer::Timeout { op, attempt });
        }
    }

    fn run_forward(&mut self, ctx: &mut Ctx<Self>, from: usize) {
        for i in from..self.params.definition.steps.len() {
            if self.params.definition.runs(i) {
                self.send_command(ctx, (i, false), 1, false);
                return;
            }
            self.record(ctx, (i, false), 1, EntryResult::Skipped);
            let action = self.params.definition.steps[i].action.name.clone();
            self.note(ctx, SagaEvent::Skipped { label: label((i, false)), action });
        }
        self.end(ctx, Outcome::Completed);
    }

    fn end(&mut self, ctx: &mut Ctx<Self>, outcome: Outcome) {
        self.outcome = Some(outcome);
        self.queue.clear();
        let history = render_final(&self.history);
        self.note(ctx, SagaEvent::Ended { outcome, history, errors: self.errors.clone() });
    }

    fn succeed(&mut self, ctx: &mut Ctx<Self>, op: Op, attempt: u32) {
        self.ops.remove(&op);
        self.record(ctx, op, attempt, EntryResult::Done);
        self.note(ctx, SagaEvent::Succeeded { label: label(op), attempt });
        if op.1 {
            self.compensated[op.0] = true;
            self.continue_compensation(ctx);
        } else {
            self.completed[op.0] = true;
            self.run_forward(ctx, op.0 + 1);
        }
    }

    fn fail(&mut self, ctx: &mut Ctx<Self>, op: Op, attempt: u32, failure: Failure) {
        let engine = self.params.engine;
        let policy = self.policy(op.0).clone();
        let retry = self.retries(op, attempt, failure);
        if retry && !self.choreography() {
            let delay = policy.delay_ms(attempt);
            self.record(ctx, op, attempt, EntryResult::Retrying(failure));
            self.ops.insert(op, OpState { attempt: attempt + 1, waiting: Waiting::Retry });
            ctx.set_timer(ORCHESTRATOR, ticks_from_ms(delay), SagaTimer::Retry { op, attempt: attempt + 1 });
            self.note(ctx, SagaEvent::Failed { label: label(op), attempt, failure, retry_in_ms: Some(delay) });
            return;
        }
        self.ops.remove(&op);
        self.record(ctx, op, attempt, EntryResult::Failed(failure));
        self.note(ctx, SagaEvent::Failed { label: label(op), attempt, failure, retry_in_ms: None });
        let action = self.action(op).map(|a| a.name.clone()).unwrap_or_default();
        if !op.1 {
            if self.pivot_done() && !engine.compensates_after_pivot() {
                self.errors.push(format!("{} {action} failed ({}) after the pivot: only forward recovery is left", label(op), failure.name()));
                self.end(ctx, Outcome::Failed);
            } else {
                self.begin_compensation(ctx, op.0);
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
        self.errors.push(format!(
            "{} {action} failed ({}) after {attempt} attempt{}{why}",
            label(op),
            failure.name(),
            if attempt == 1 { "" } else { "s" }
        ));
        match engine.after_compensation_failure() {
            AfterCompensationFailure::Stop => self.end(ctx, Outcome::Failed),
            AfterCompensationFailure::Continue => self.continue_compensation(ctx),
        }
    }

    fn begin_compensation(&mut self, ctx: &mut Ctx<Self>, failed: usize) {
        self.compensating = true;
        let steps = &self.params.definition.steps;
        self.queue = (0..failed).rev().filter(|&j| self.completed[j] && steps[j].compensation.is_some()).collect();
        if self.params.engine.parallel() {
            while let Some(j) = self.queue.pop_front() {
                self.send_command(ctx, (j, true), 1, false);
            }
        }
        self.continue_compensation(ctx);
    }

    fn continue_compensation(&mut self, ctx: &mut Ctx<Self>) {
        if !self.ops.is_empty() {
            return;
        }
        if let Some(j) = self.queue.pop_front() {
            self.send_command(ctx, (j, true), 1, false);
            return;
        }
        let outcome = if self.errors.is_empty() { Outcome::RolledBack } else { Outcome::Failed };
        self.end(ctx, outcome);
    }

    /// The orchestrator restarted: it reads its saga log and resends what was in flight.
    fn recover(&mut self, ctx: &mut Ctx<Self>) {
        if self.outcome.is_some() {
            return;
        }
        if self.choreography() && self.started {
            // A bus keeps no saga state: what it lost stays lost.
            self.note(ctx, SagaEvent::BusRestarted);
            return;
        }
        if !self.started {
            if ctx.now() >= ticks_from_ms(self.params.start_ms) {
                self.start(ctx);
            }
            return;
        }
        let pending: Vec<(Op, OpState)> = self.ops.iter().map(|(o, s)| (*o, *s)).collect();
        self.note(ctx, SagaEvent::Recovered { pending: pending.iter().map(|(o, s)| format!("{} attempt {}", label(*o), s.attempt)).collect() });
        for (op, state) in pending {
            self.send_command(ctx, op, state.attempt, state.waiting == Waiting::Reply);
        }
    }

    fn start(&mut self, ctx: &mut Ctx<Self>) {
        self.started = true;
        let definition = self.params.definition.title.clone();
        let engine = format!("{}, {}", self.params.engine.describe(), self.params.coordination.name());
        self.note(ctx, SagaEvent::Started { definition, engine });
        self.run_forward(ctx, 0);
    }

    fn on_reply(&mut self, ctx: &mut Ctx<Self>, op: Op, attempt: u32, result: ReplyResult) {
        let current = self.ops.get(&op).is_some_and(|s| s.attempt == attempt && s.waiting == Waiting::Reply);
        if !current || self.outcome.is_some() {
            self.note(ctx, SagaEvent::IgnoredReply { label: label(op), attempt });
            return;
        }
        match result {
            ReplyResult::Success => self.succeed(ctx, op, attempt),
            ReplyResult::BusinessFailure => self.fail(ctx, op, attempt, Failure::Business),
            ReplyResult::TransientFailure => self.fail(ctx, op, attempt, Failure::Transient),
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<Self>, node: NodeId, op: Op, attempt: u32) {
        let Some(index) = (node as usize).checked_sub(1).filter(|&i| i < self.participants.len()) else { return };
        let Some(action) = self.action(op).cloned() else { return };
        let idempotency = self.params.idempotency;
        let fault = self.faults.get(&op).copied();
        let timeout = self.params.definition.steps.get(op.0).map_or(2_000.0, |s| s.timeout_ms);
        let p = &mut self.participants[index];
        let deliveries = p.deliveries.entry((op, attempt)).or_insert(0);
        *deliveries += 1;
        let duplicate = *deliveries > 1;
        let service = p.name.clone();
        if idempotency {
            if let Some(&result) = p.processed.get(&op) {
                p.deduplicated += 1;
                self.note(ctx, SagaEvent::Deduplicated { service, label: label(op), attempt });
                self.answer(ctx, node, op, attempt, result);
                return;
            }
        }
        let (result, late) = match fault {
            Some(FaultSpec::Business) => (ReplyResult::BusinessFailure, false),
            Some(FaultSpec::Transient { times }) if attempt <= times => (ReplyResult::TransientFailure, false),
            Some(FaultSpec::Timeout { times }) if attempt <= times => (ReplyResult::Success, true),
            _ => (ReplyResult::Success, false),
        };
        let p = &mut self.participants[index];
        if result == ReplyResult::Success {
            p.apply(op, attempt, duplicate, &action.effect);
            let times = p.times_applied(op) as u32;
            if idempotency {
                p.processed.insert(op, result);
            }
            self.note(ctx, SagaEvent::Applied { service, label: label(op), action: action.name, attempt, times });
        } else {
            if idempotency && result == ReplyResult::BusinessFailure {
                p.processed.insert(op, result);
            }
            self.note(ctx, SagaEvent::Refused { service, label: label(op), attempt, business: result == ReplyResult::BusinessFailure });
        }
        if late {
            ctx.set_timer(node, ticks_from_ms(timeout + LATE_REPLY_AFTER_TIMEOUT_MS), SagaTimer::LateReply { op, attempt });
            return;
        }
        // Choreography: the service itself retries by the engine's rules before it publishes a failure.
        let failure = if result == ReplyResult::BusinessFailure { Failure::Business } else { Failure::Transient };
        if self.choreography() && result != ReplyResult::Success && self.retries(op, attempt, failure) {
            let delay = self.policy(op.0).delay_ms(attempt);
            self.record(ctx, op, attempt, EntryResult::Retrying(failure));
            self.ops.insert(op, OpState { attempt: attempt + 1, waiting: Waiting::Retry });
            ctx.set_timer(node, ticks_from_ms(delay), SagaTimer::LocalRetry { op, attempt: attempt + 1 });
            self.note(ctx, SagaEvent::Failed { label: label(op), attempt, failure, retry_in_ms: Some(delay) });
            return;
        }
        self.answer(ctx, node, op, attempt, result);
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
        let one_pass = steps * 2.0 * f64::from(super::definition::ATTEMPT_CAP) * per_attempt;
        one_pass * (1.0 + (scenario.actions.len() + scenario.faults.len()) as f64) + 64.0
    }

    fn validate(p: &SagaParams) -> Result<(), FieldError> {
        p.definition.validate().map_err(|e| e.within("definition"))?;
        p.retry.validate().map_err(|e| e.within("retry"))?;
        if p.faults.len() > MAX_STEP_FAULTS {
            return Err(FieldError::new("faults", format!("at most {MAX_STEP_FAULTS} step faults, got {}", p.faults.len())));
        }
        for (i, f) in p.faults.iter().enumerate() {
            validate_fault(f, p.definition.steps.len(), &p.definition).map_err(|e| e.within(&format!("faults[{i}]")))?;
        }
        if !(p.start_ms.is_finite() && (0.0..=3_600_000.0).contains(&p.start_ms)) {
            return Err(FieldError::new("start_ms", format!("must be in [0, 3600000], got {}", p.start_ms)));
        }
        Ok(())
    }

    fn validate_command(p: &SagaParams, command: &SagaCommand) -> Result<(), FieldError> {
        match command {
            SagaCommand::CancelOrder if cancellable_row(&p.definition).is_none() => {
                Err(FieldError::new("kind", "this saga's first step creates no …_PENDING row to cancel"))
            }
            SagaCommand::CancelOrder => Ok(()),
            SagaCommand::SetFault { step, compensation, fault: Some(fault) } => {
                validate_fault(&StepFault { step: *step, compensation: *compensation, fault: *fault }, p.definition.steps.len(), &p.definition)
            }
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
        let faults = params.faults.iter().map(|f| ((f.step - 1, f.compensation), f.fault)).collect();
        // A saga due at 0 starts inside init: a timer fires at least one tick after it is set.
        let start_now = ticks_from_ms(params.start_ms) == 0;
        if !start_now {
            ctx.set_timer(ORCHESTRATOR, ticks_from_ms(params.start_ms), SagaTimer::Start);
        }
        let mut sim = Self {
            params: params.clone(),
            faults,
            participants: params.definition.services.iter().map(Participant::new).collect(),
            started: false,
            completed: vec![false; n],
            compensated: vec![false; n],
            ops: BTreeMap::new(),
            queue: VecDeque::new(),
            compensating: false,
            outcome: None,
            errors: Vec::new(),
            history: Vec::new(),
            commands_sent: 0,
            last_event: None,
            cancels: Vec::new(),
        };
        if start_now {
            sim.start(ctx);
        }
        sim
    }

    fn on_message(&mut self, ctx: &mut Ctx<Self>, _from: NodeId, to: NodeId, msg: SagaMsg) {
        match msg {
            SagaMsg::Command { step, compensation, attempt } if to != ORCHESTRATOR => self.on_command(ctx, to, (step, compensation), attempt),
            SagaMsg::Reply { step, compensation, attempt, result } if to == ORCHESTRATOR => self.on_reply(ctx, (step, compensation), attempt, result),
            SagaMsg::Deliver { step, compensation, attempt } if to != ORCHESTRATOR => self.on_command(ctx, to, (step, compensation), attempt),
            SagaMsg::Event { step, compensation, attempt, result } if to == ORCHESTRATOR => self.on_reply(ctx, (step, compensation), attempt, result),
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
            SagaTimer::Start => self.start(ctx),
            SagaTimer::Timeout { op, attempt } => {
                if self.outcome.is_none() && self.ops.get(&op).is_some_and(|s| s.attempt == attempt && s.waiting == Waiting::Reply) {
                    self.fail(ctx, op, attempt, Failure::Timeout);
                }
            }
            SagaTimer::Retry { op, attempt } => {
                if self.outcome.is_none() && self.ops.get(&op).is_some_and(|s| s.attempt == attempt && s.waiting == Waiting::Retry) {
                    self.send_command(ctx, op, attempt, false);
                }
            }
            SagaTimer::LateReply { op, attempt } => self.answer(ctx, node, op, attempt, ReplyResult::Success),
            SagaTimer::LocalRetry { op, attempt } => {
                if self.outcome.is_none() && self.ops.get(&op).is_some_and(|s| s.attempt == attempt && s.waiting == Waiting::Retry) {
                    self.ops.insert(op, OpState { attempt, waiting: Waiting::Reply });
                    let service = ctx.node_name(node).to_string();
                    self.note(ctx, SagaEvent::LocalRetry { service, label: label(op), attempt });
                    self.on_command(ctx, node, op, attempt);
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
        SagaMetrics {
            definition: self.params.definition.name.clone(),
            engine: self.params.engine.describe(),
            outcome: self.outcome.map_or("running", Outcome::name).to_string(),
            history: render(&self.history),
            final_history: render_final(&self.history),
            entries: self.history.clone(),
            errors: self.errors.clone(),
            participants: self.participants.clone(),
            commands_sent: self.commands_sent,
            deduplicated: self.participants.iter().map(|p| p.deduplicated).sum(),
            violations: super::invariants::check(self),
        }
    }

    fn notes(&self, now: Tick) -> Vec<String> {
        super::notes::notes(self, now)
    }

    fn presets() -> Vec<(&'static str, Scenario<Self>)> {
        super::lessons::presets()
    }

    fn describe_event(event: &SagaEvent) -> String {
        match event {
            SagaEvent::Started { definition, engine } => format!("saga starts: {definition}, by the rules of {engine}"),
            SagaEvent::Skipped { label, action } => format!("{label} {action} skipped: its condition is false"),
            SagaEvent::Attempt { by, label, action, attempt, resent } => {
                let again = if *resent { ", resent from the saga log" } else { "" };
                let sends = if by == "event bus" { "event bus delivers the event for" } else { "orchestrator sends" };
                if *attempt == 1 {
                    format!("{sends} {label} {action}{again}")
                } else {
                    format!("{sends} {label} {action}, attempt {attempt}{again}")
                }
            }
            SagaEvent::Applied { service, label, action, attempt, times } => {
                if *times > 1 {
                    format!("{service} runs {label} {action} again (attempt {attempt}): {times} times in all")
                } else {
                    format!("{service} runs {label} {action}")
                }
            }
            SagaEvent::Deduplicated { service, label, attempt } => {
                format!("{service} has seen {label} already (attempt {attempt}): replies from its idempotency table, changes nothing")
            }
            SagaEvent::Refused { service, label, business: true, .. } => format!("{service} refuses {label}: a business error"),
            SagaEvent::Refused { service, label, attempt, .. } => format!("{service} fails {label} attempt {attempt}: a transient error"),
            SagaEvent::Succeeded { label, .. } => format!("{label} done"),
            SagaEvent::Failed { label, attempt, failure, retry_in_ms: Some(ms) } => {
                format!("{label} attempt {attempt} failed ({}); retry in {}", failure.name(), crate::narrate::format_time(ticks_from_ms(*ms)))
            }
            SagaEvent::Failed { label, attempt, failure, retry_in_ms: None } => {
                format!("{label} failed for good ({}, attempt {attempt})", failure.name())
            }
            SagaEvent::IgnoredReply { label, attempt } => {
                format!("orchestrator ignores a reply to {label} attempt {attempt}: it no longer waits for it")
            }
            SagaEvent::Recovered { pending } if pending.is_empty() => "orchestrator restarts and reads its saga log: nothing in flight".into(),
            SagaEvent::Recovered { pending } => format!("orchestrator restarts, reads its saga log and resends {}", pending.join(", ")),
            SagaEvent::LocalRetry { service, label, attempt } => format!("{service} retries {label} itself (attempt {attempt})"),
            SagaEvent::BusRestarted => "the event bus restarts; it keeps no saga state, so nothing lost is resent".into(),
            SagaEvent::CancelRequested { service, row } => format!("the customer asks {service} to cancel {row}"),
            SagaEvent::CancelAccepted { service, row, was } => format!("{service} cancels {row} (it was {was})"),
            SagaEvent::CancelRefused { service, row, status } if status.ends_with("_PENDING") => {
                format!("{service} refuses to cancel {row}: it is {status}, locked by the running saga")
            }
            SagaEvent::CancelRefused { service, row, status } => format!("{service} refuses to cancel {row}: {status}"),
            SagaEvent::CancelAnswered { row, accepted: true } => format!("the customer is told {row} is cancelled"),
            SagaEvent::CancelAnswered { row, accepted: false } => format!("the customer is told {row} cannot be cancelled yet"),
            SagaEvent::Ended { outcome, history, errors } if errors.is_empty() => format!("saga {}: {history}", outcome.name()),
            SagaEvent::Ended { outcome, history, errors } => format!("saga {}: {history} ({})", outcome.name(), errors.join("; ")),
        }
    }

    fn describe_msg(msg: &SagaMsg) -> String {
        match msg {
            SagaMsg::Command { step, compensation, attempt } => format!("command {} (attempt {attempt})", label((*step, *compensation))),
            SagaMsg::Reply { step, compensation, result, .. } => format!("reply {} ({result:?})", label((*step, *compensation))),
            SagaMsg::Cancel { row } => format!("cancel {row}"),
            SagaMsg::Event { step, compensation, result, .. } => {
                let what = match result {
                    ReplyResult::Success => "done",
                    _ => "failed",
                };
                format!("event {} {what}", label((*step, *compensation)))
            }
            SagaMsg::Deliver { step, compensation, .. } => format!("event delivered: run {}", label((*step, *compensation))),
            SagaMsg::CancelReply { row, accepted } => format!("cancel {row}: {}", if *accepted { "done" } else { "refused" }),
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
