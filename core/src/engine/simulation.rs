//! One run of a pattern: the engine loop that interleaves queued events with the schedule.

use serde::{Deserialize, Serialize};

use super::fault::Fault;
use super::network::Network;
use super::pattern::{Ctx, Pattern, Pending};
use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::Tick;
use super::trace::{Trace, TraceEvent, TraceEventRef, TraceMode};

/// Something the scenario (or the user) makes happen at a given time.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case", bound = "")]
pub enum ScheduledItem<P: Pattern> {
    Fault(Fault),
    Command(P::Command),
}

/// A scheduled item with its time. Schedules are sorted by time; equal times keep their order.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled<P: Pattern> {
    pub at: Tick,
    pub item: ScheduledItem<P>,
}

/// Stream ids for [`SimRng::substream`]: the pattern and the network never share numbers.
const PATTERN_STREAM: u64 = 1;
const NETWORK_STREAM: u64 = 2;

/// Most events (deliveries, timers, faults, commands) one run may process. Validation keeps
/// every accepted scenario's estimate ([`Pattern::work_estimate`]) under it; this cap is the
/// backstop that makes "every accepted scenario ends" true even where an estimate is wrong:
/// a run that reaches it stops there, and says so ([`Simulation::exhausted`]).
pub const MAX_RUN_EVENTS: u64 = 2_000_000;

/// The state of a run at `now()`. Cloning it is a checkpoint.
#[derive(Clone)]
pub struct Simulation<P: Pattern> {
    ctx: Ctx<P>,
    model: P,
    /// Index of the next schedule item to apply.
    next_scheduled: usize,
    /// Events processed so far, against [`MAX_RUN_EVENTS`].
    processed: u64,
}

impl<P: Pattern> Simulation<P> {
    /// Starts a run at time 0 whose trace counts events and keeps the last `trace_retain`
    /// typed entries, but makes no JSON lines and no hash (the browser's player). Parameters
    /// must already be validated.
    pub fn start(params: &P::Params, seed: u64, network: super::network::NetworkConfig, trace_retain: usize) -> Self {
        Self::start_with_trace(params, seed, network, Trace::new(trace_retain))
    }

    /// Starts a run at time 0 whose trace records as `mode` says, from the very first event of
    /// `init`: e.g. [`TraceMode::hashing`] for a trace hash, [`TraceMode::writing`] to also
    /// collect every line with [`Simulation::take_trace_lines`] (for trace files).
    pub fn start_traced(params: &P::Params, seed: u64, network: super::network::NetworkConfig, mode: TraceMode) -> Self {
        Self::start_with_trace(params, seed, network, Trace::with_mode(mode))
    }

    fn start_with_trace(params: &P::Params, seed: u64, network: super::network::NetworkConfig, trace: Trace<P>) -> Self {
        let node_names = P::node_names(params);
        let mut ctx = Ctx {
            now: 0,
            rng: SimRng::substream(seed, PATTERN_STREAM),
            network: Network::new(node_names.len(), network, SimRng::substream(seed, NETWORK_STREAM)),
            queue: EventQueue::new(),
            trace,
            node_names,
        };
        let model = P::init(params, &mut ctx);
        Self { ctx, model, next_scheduled: 0, processed: 0 }
    }

    pub fn now(&self) -> Tick {
        self.ctx.now
    }

    pub fn model(&self) -> &P {
        &self.model
    }

    pub fn ctx(&self) -> &Ctx<P> {
        &self.ctx
    }

    pub fn trace(&self) -> &Trace<P> {
        &self.ctx.trace
    }

    /// Trace lines recorded since the last call, each followed by `\n`, for runs started with
    /// [`TraceMode::writing`] (empty otherwise).
    pub fn take_trace_lines(&mut self) -> Vec<u8> {
        self.ctx.trace.take_unwritten()
    }

    pub fn network(&self) -> &Network {
        &self.ctx.network
    }

    /// How many schedule items this run has applied.
    pub(crate) fn next_scheduled(&self) -> usize {
        self.next_scheduled
    }

    pub fn metrics(&self) -> P::Metrics {
        self.model.metrics(self.ctx.now)
    }

    /// Events processed so far (what [`MAX_RUN_EVENTS`] counts).
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Whether this run stopped at [`MAX_RUN_EVENTS`] before its end: nothing happens after.
    pub fn exhausted(&self) -> bool {
        self.processed >= MAX_RUN_EVENTS
    }

    /// Time of the next thing that will happen, if anything will.
    pub fn next_event_time(&self, schedule: &[Scheduled<P>]) -> Option<Tick> {
        if self.exhausted() {
            return None;
        }
        let scheduled = schedule.get(self.next_scheduled).map(|s| s.at);
        match (scheduled, self.ctx.queue.peek_time()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Processes everything that happens at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Tick, schedule: &[Scheduled<P>]) {
        let mut unlimited = u64::MAX;
        self.run_until_within(t, schedule, &mut unlimited);
    }

    /// Like [`Simulation::run_until`], but gives up once `budget` events have been processed,
    /// so a browser can spread a long run over several frames. It only stops between ticks:
    /// the state is then exactly the state at `now()`. Returns whether it reached `t`.
    pub fn run_until_within(&mut self, t: Tick, schedule: &[Scheduled<P>], budget: &mut u64) -> bool {
        while let Some(at) = self.next_event_time(schedule) {
            if at > t {
                break;
            }
            if *budget == 0 && at > self.ctx.now {
                return false;
            }
            self.process_next(schedule);
            *budget = budget.saturating_sub(1);
        }
        self.ctx.now = self.ctx.now.max(t);
        true
    }

    /// Processes one item. At equal times queued events go first and the schedule after them:
    /// that is what a user sees when they act at the cursor (everything at `t` has already
    /// happened), so a replayed permalink makes the same choice.
    fn process_next(&mut self, schedule: &[Scheduled<P>]) {
        self.processed += 1;
        let scheduled_at = schedule.get(self.next_scheduled).map(|s| s.at);
        let queued_at = self.ctx.queue.peek_time();
        let take_scheduled = match (scheduled_at, queued_at) {
            (Some(s), Some(q)) => s < q,
            (Some(_), None) => true,
            _ => false,
        };
        if take_scheduled {
            let Scheduled { at, item } = &schedule[self.next_scheduled];
            self.next_scheduled += 1;
            self.ctx.now = self.ctx.now.max(*at);
            match item {
                ScheduledItem::Fault(fault) => {
                    self.ctx.network.apply(fault);
                    self.ctx.trace.record_ref(self.ctx.now, TraceEventRef::Fault { fault });
                    self.model.on_fault(&mut self.ctx, fault);
                }
                ScheduledItem::Command(command) => {
                    self.ctx.trace.record_ref(self.ctx.now, TraceEventRef::Command { command });
                    self.model.on_command(&mut self.ctx, command);
                }
            }
            return;
        }
        let Some((at, pending)) = self.ctx.queue.pop() else { return };
        self.ctx.now = at;
        match pending {
            Pending::Deliver { from, to, sent_at, msg } => match self.ctx.network.deliverable(from, to) {
                Ok(()) => {
                    self.ctx.trace.record_ref(at, TraceEventRef::Delivered { from, to, sent_at, msg: &msg });
                    self.model.on_message(&mut self.ctx, from, to, msg);
                }
                Err(reason) => self.ctx.trace.record(at, TraceEvent::Dropped { from, to, reason, msg }),
            },
            Pending::Timer { node, incarnation, timer } => {
                // A crashed node's timers die with it, also when it is back up by now; the
                // pattern re-arms what it needs on restart.
                if self.ctx.network.is_up(node) && self.ctx.network.incarnation(node) == incarnation {
                    self.model.on_timer(&mut self.ctx, node, timer);
                }
            }
        }
    }
}
