//! The shape every pattern has, and the context the engine hands it.
//!
//! A pattern is a sans-IO state machine: it never reads a clock or a random source of its own.
//! The engine calls it with messages, timers, commands and faults; the pattern answers through
//! [`Ctx`] (send, set a timer, record an event). That makes every run replayable.

use std::fmt::Debug;

use crate::json::{FromJson, ToJson};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::fault::Fault;
use super::network::{Network, NetworkConfig, NodeId, Route};
use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::Tick;
use super::trace::{Trace, TraceEvent, TraceEventRef};
use crate::error::FieldError;

/// One chartable quantity of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesSpec {
    pub name: &'static str,
    pub unit: &'static str,
    /// Index of a series drawn dashed in the same chart for comparison (e.g. "without the
    /// breaker"); a series used as a ghost gets no chart of its own.
    pub ghost: Option<usize>,
}

/// A distributed-systems pattern that the engine can run.
pub trait Pattern: Clone + Debug + Sized + 'static {
    /// The widget name used in scenarios, URLs and `data-faultline` attributes.
    const WIDGET: &'static str;
    /// The widget's title, as the landing page, the CLI and the frame show it.
    const TITLE: &'static str;
    /// One sentence: what you are looking at.
    const SUMMARY: &'static str;
    /// A small schematic SVG of the widget (viewBox 0 0 120 60) for the landing page's card;
    /// empty for none. Drawn with `currentColor` and the page's CSS variables.
    const PREVIEW_SVG: &'static str = "";
    /// Simulated milliseconds per real second when playing at 1× speed.
    const MS_PER_SECOND: f64 = 1_000.0;
    /// Preset that opens when a page names none (the first preset if this names no preset).
    const DEFAULT_PRESET: &'static str = "";

    type Params: Clone + Debug + PartialEq + Default + Serialize + DeserializeOwned + ToJson + FromJson;
    type Command: Clone + Debug + PartialEq + Serialize + DeserializeOwned + ToJson + FromJson;
    type Msg: Clone + Debug + Serialize + ToJson;
    type Timer: Clone + Debug;
    type Event: Clone + Debug + Serialize + ToJson;
    type Metrics: Clone + Debug + Serialize;
    /// Expensive figures that depend on the parameters alone (a comparison of algorithms, a
    /// Monte Carlo curve), computed in slices by the [`crate::session::Session`] so no frame
    /// waits for them; `()` for none.
    type Derived: DerivedWork<Params = Self::Params>;

    /// Brings edited parameters back into their mutual bounds (e.g. a quorum no larger than
    /// its replica count) before they are validated: the session applies it to every edit, so
    /// no view has to remember the rule.
    fn normalise(params: Self::Params) -> Self::Params {
        params
    }

    /// Rejects bad parameters, naming the field.
    fn validate(params: &Self::Params) -> Result<(), FieldError>;

    /// About how many events (see [`super::simulation::MAX_RUN_EVENTS`]) a run of this
    /// scenario processes: what validation compares with the cap, so a link cannot ask for hours of
    /// work. An upper estimate (the tests check it against real runs of every preset).
    fn work_estimate(_scenario: &crate::scenario::Scenario<Self>) -> f64 {
        0.0
    }

    /// Rejects a command that these parameters cannot accept (e.g. an unknown node).
    fn validate_command(_params: &Self::Params, _command: &Self::Command) -> Result<(), FieldError> {
        Ok(())
    }

    /// Whether `new`, issued at the same instant as `old`, replaces it instead of joining it
    /// (a slider dragged at a paused cursor sends one command per step: only the last counts).
    fn supersedes(_new: &Self::Command, _old: &Self::Command) -> bool {
        false
    }

    /// Whether a run with these parameters draws on the scenario's seed at all: when it does
    /// not, the player says so instead of offering a "New seed" that changes nothing.
    fn uses_seed(_params: &Self::Params) -> bool {
        true
    }

    /// Names of the simulated network's nodes; their index is their [`NodeId`].
    fn node_names(params: &Self::Params) -> Vec<String>;

    /// The network defaults this pattern runs on.
    fn network(_params: &Self::Params) -> NetworkConfig {
        NetworkConfig::default()
    }

    /// Builds the initial state at time 0; may send messages and set timers.
    fn init(params: &Self::Params, ctx: &mut Ctx<Self>) -> Self;

    fn on_message(&mut self, ctx: &mut Ctx<Self>, from: NodeId, to: NodeId, msg: Self::Msg);

    fn on_timer(&mut self, ctx: &mut Ctx<Self>, node: NodeId, timer: Self::Timer);

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &Self::Command);

    /// Called after the network applied a fault (e.g. to wipe a crashed node's memory).
    fn on_fault(&mut self, _ctx: &mut Ctx<Self>, _fault: &Fault) {}

    /// Current figures for charts and reports.
    fn metrics(&self, now: Tick) -> Self::Metrics;

    /// Named scenarios that make the classic lessons one click away: `(name, scenario)`.
    fn presets() -> Vec<(&'static str, crate::scenario::Scenario<Self>)> {
        Vec::new()
    }

    /// The scenario a widget starts with when the page names none.
    fn default_scenario() -> crate::scenario::Scenario<Self> {
        let presets = Self::presets();
        let chosen = presets.iter().position(|(name, _)| *name == Self::DEFAULT_PRESET).unwrap_or(0);
        presets.into_iter().nth(chosen).map_or_else(|| crate::scenario::Scenario::new(1, 60_000.0, Self::Params::default()), |(_, s)| s)
    }

    /// Names and units of the numbers [`Pattern::sample`] returns, for charts over time.
    const SERIES: &'static [SeriesSpec] = &[];

    /// The current value of each of [`Pattern::SERIES`], in order.
    fn sample(&self, _now: Tick) -> Vec<f64> {
        Vec::new()
    }

    /// "What to notice": short plain-language notes about the state on screen now.
    fn notes(&self, _now: Tick) -> Vec<String> {
        Vec::new()
    }

    /// "What to notice" about what the learner added on top of the lesson (`added`: faults and
    /// commands `scenario` has and the lesson does not), as they act at `now`; shown before
    /// [`Pattern::notes`]. None by default.
    fn notes_on_additions(
        &self,
        _scenario: &crate::scenario::Scenario<Self>,
        _added: &[crate::scenario::additions::Added<'_, Self>],
        _now: Tick,
    ) -> Vec<String> {
        Vec::new()
    }

    /// A picture of the state at `now` for a poster ([`crate::poster`]), with the simulated
    /// network as it stands (which nodes are up, the partition): a breaker's state diagram, a
    /// ring's nodes and keys. `None` (the default): the poster shows [`Pattern::PREVIEW_SVG`].
    fn poster_picture(&self, _now: Tick, _network: &Network) -> Option<crate::poster::Picture> {
        None
    }

    /// One line of plain language for the event log.
    fn describe_event(event: &Self::Event) -> String;
    fn describe_msg(msg: &Self::Msg) -> String;
    fn describe_command(command: &Self::Command) -> String;
}

/// Work derived from parameters that the session advances a slice at a time.
pub trait DerivedWork: Sized {
    type Params;
    /// Starts the work for `params` (cheap: the cost goes into [`DerivedWork::advance`]).
    fn start(params: &Self::Params) -> Self;
    /// Works for about `budget` units (a unit costs about as much as one simulated event) and
    /// takes what it used from `budget`; returns whether the work is complete.
    fn advance(&mut self, budget: &mut u64) -> bool;
}

/// No derived work, for patterns that need none.
pub struct NoDerivedWork<Params>(std::marker::PhantomData<fn(&Params)>);

impl<Params> DerivedWork for NoDerivedWork<Params> {
    type Params = Params;
    fn start(_params: &Params) -> Self {
        Self(std::marker::PhantomData)
    }
    fn advance(&mut self, _budget: &mut u64) -> bool {
        true
    }
}

/// Something waiting in the queue.
#[derive(Clone, Debug)]
pub(crate) enum Pending<P: Pattern> {
    Deliver { from: NodeId, to: NodeId, sent_at: Tick, msg: P::Msg },
    Timer { node: NodeId, incarnation: u32, timer: P::Timer },
}

/// The engine as a pattern sees it: the clock, randomness, the network and the trace.
#[derive(Clone)]
pub struct Ctx<P: Pattern> {
    pub(crate) now: Tick,
    pub(crate) rng: SimRng,
    pub(crate) network: Network,
    pub(crate) queue: EventQueue<Pending<P>>,
    pub(crate) trace: Trace<P>,
    pub(crate) node_names: Vec<String>,
}

impl<P: Pattern> Ctx<P> {
    pub fn now(&self) -> Tick {
        self.now
    }

    /// The pattern's random stream (the network has its own).
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The network's node names, indexed by [`NodeId`].
    pub fn node_names(&self) -> &[String] {
        &self.node_names
    }

    pub fn node_name(&self, node: NodeId) -> &str {
        self.node_names.get(node as usize).map_or("?", String::as_str)
    }

    /// Hands `msg` to the network; it is traced as sent or dropped (cloned for the trace only
    /// if the trace keeps typed entries).
    pub fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        match self.network.route(self.now, from, to) {
            Route::ArrivesAt(arrives_at) => {
                self.trace.record_ref(self.now, TraceEventRef::Sent { from, to, arrives_at, msg: &msg });
                self.queue.push(arrives_at, Pending::Deliver { from, to, sent_at: self.now, msg });
            }
            Route::Dropped(reason) => self.trace.record(self.now, TraceEvent::Dropped { from, to, reason, msg }),
        }
    }

    /// Calls `on_timer(node, timer)` after `delay`, unless the node crashed in between (even
    /// if it has restarted since: a restarted node remembers no timers).
    ///
    /// A timer fires at least one tick later: a timer that re-armed itself at the instant it
    /// fired would stop virtual time (a retry interval that rounds to 0 ticks did).
    pub fn set_timer(&mut self, node: NodeId, delay: Tick, timer: P::Timer) {
        let incarnation = self.network.incarnation(node);
        self.queue.push(self.now.saturating_add(delay.max(1)), Pending::Timer { node, incarnation, timer });
    }

    /// Records a pattern event in the trace.
    pub fn emit(&mut self, event: P::Event) {
        self.trace.record(self.now, TraceEvent::Pattern(event));
    }
}
