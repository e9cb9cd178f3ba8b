//! The circuit breaker in a live system: a client sends calls through a breaker to a
//! downstream service whose health you can break, with retries, timeouts and a "ghost" client
//! without a breaker facing the same downstream, so the breaker's effect is visible.

use crate::small_map::SmallMap;
use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::machine::ErrorKind;
use super::presets::{Breaker, BreakerSpec, CommonMetrics, ManualTransition};
use super::state::{State, Transition};
use crate::engine::{ms_from_ticks, ticks_from_ms, Ctx, Fault, Latency, NetworkConfig, NodeId, Pattern, SeriesSpec, Tick, TICKS_PER_SECOND};
use crate::error::FieldError;
use crate::scenario::{Scenario, TimedCommand, TimedFault};

pub const CLIENT: NodeId = 0;
pub const DOWNSTREAM: NodeId = 1;

/// Retries with exponential backoff (and optional full jitter) after a failed or timed-out call.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Extra attempts after the first (0 = no retries).
    pub max_retries: u32,
    pub initial_backoff_ms: f64,
    pub multiplier: f64,
    /// "Full jitter": wait a uniform random time in [0, backoff] instead of exactly backoff.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 0, initial_backoff_ms: 100.0, multiplier: 2.0, jitter: true }
    }
}

/// How the downstream behaves when healthy; commands and faults change it over time.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct DownstreamParams {
    /// Probability that a call fails (returns an error).
    pub failure_probability: f64,
    /// Service time of one call.
    pub latency: Latency,
    /// Calls it serves in parallel before queueing makes every call slower.
    pub capacity: u32,
    /// Share of its failures that are business errors (a 404, a validation error) which the
    /// breaker is configured to ignore: they neither count as failures nor as successes.
    pub ignored_error_fraction: f64,
}

impl Default for DownstreamParams {
    fn default() -> Self {
        Self { failure_probability: 0.02, latency: Latency::Exponential { mean_ms: 40.0 }, capacity: 16, ignored_error_fraction: 0.0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerParams {
    /// The breaker and the library whose rules it follows.
    pub breaker: BreakerSpec,
    /// Mean arrival rate of client calls (Poisson arrivals).
    pub requests_per_second: f64,
    /// The client gives up on a call after this long (the call then counts as a failure).
    pub timeout_ms: f64,
    pub retry: RetryPolicy,
    pub downstream: DownstreamParams,
}

impl Default for BreakerParams {
    fn default() -> Self {
        Self {
            breaker: BreakerSpec::default(),
            requests_per_second: 20.0,
            timeout_ms: 1_000.0,
            retry: RetryPolicy::default(),
            downstream: DownstreamParams::default(),
        }
    }
}

/// What a user (or a script) can do while the run plays.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BreakerCommand {
    /// Drag the downstream's health: 0 = healthy, 1 = every call fails.
    SetFailureProbability { probability: f64 },
    /// Change the downstream's service time (e.g. make it slow without failing).
    SetLatency { latency: Latency },
    /// Change the client's request rate.
    SetLoad { requests_per_second: f64 },
    /// Ask the breaker for a state transition, as an operator would.
    Transition { to: ManualTransition },
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BreakerMsg {
    Request {
        call: u64,
    },
    Response {
        call: u64,
        ok: bool,
        /// A failure of a kind the breaker ignores.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        ignored: bool,
    },
}

#[derive(Clone, Debug)]
pub enum BreakerTimer {
    NextArrival,
    Retry { call: u64, attempt: u32 },
    Timeout { call: u64 },
    Serve { call: u64, ok: bool, ignored: bool },
    BreakerWakeup,
    GhostDone { ok: bool },
}

/// How a call that went through the breaker ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Success,
    Failure,
    Timeout,
    /// Failed with an error the breaker ignores (not recorded either way).
    IgnoredError,
    /// The breaker refused it: the downstream never saw it.
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BreakerEvent {
    CallEnded { call: u64, attempt: u32, outcome: CallOutcome, duration_ms: f64, state: State },
    Transition { from: State, to: State, reason: String },
    TransitionRefused { to: ManualTransition, state: State },
}

/// A finished call, for per-second rates.
#[derive(Clone, Copy, Debug)]
struct Finished {
    at: Tick,
    outcome: CallOutcome,
    duration: Tick,
    slow: bool,
}

#[derive(Clone, Copy, Debug)]
struct InFlight {
    attempt: u32,
    started: Tick,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, crate::json::ToJson)]
pub struct CallCounts {
    pub started: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub timed_out: u64,
    /// Failures the breaker ignores (business errors).
    pub ignored: u64,
    pub rejected: u64,
    pub retries: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct BreakerSimMetrics {
    pub library: String,
    pub state: State,
    pub window: CommonMetrics,
    pub calls: CallCounts,
    pub transitions: u64,
    /// Requests the downstream received (with the breaker).
    pub downstream_requests: u64,
    /// Requests the downstream would have received without a breaker.
    pub ghost_downstream_requests: u64,
    pub ghost_failed: u64,
}

#[derive(Clone, Debug)]
pub struct BreakerSim {
    params: BreakerParams,
    breaker: Breaker,
    failure_probability: f64,
    latency: Latency,
    requests_per_second: f64,
    next_call: u64,
    in_flight: SmallMap<u64, InFlight>,
    /// Calls being served by the downstream right now.
    serving: u32,
    wakeup_scheduled: Option<Tick>,
    recent: VecDeque<Finished>,
    counts: CallCounts,
    transitions: u64,
    /// The latest transitions (at most [`RECENT_TRANSITIONS`]), for the rule that fired last,
    /// the picture's fired arrow and the notes on what the learner added; the breaker itself
    /// hands each over once.
    recent_transitions: VecDeque<Transition>,
    downstream_requests: u64,
    ghost_serving: u32,
    ghost_requests: u64,
    ghost_failed: u64,
    ghost_recent: VecDeque<(Tick, bool)>,
}

/// Transitions [`BreakerSim::recent_transitions`] keeps.
const RECENT_TRANSITIONS: usize = 8;

/// Rates are measured over the last second.
const RATE_WINDOW: Tick = TICKS_PER_SECOND;

impl BreakerSim {
    fn breaker_state(&self) -> State {
        self.breaker.state()
    }

    /// Reports the breaker's transitions and makes sure its timer (automatic OPEN→HALF_OPEN,
    /// half-open max wait, Hystrix snapshots) will fire.
    fn after_breaker(&mut self, ctx: &mut Ctx<Self>) {
        for t in self.breaker.drain_transitions() {
            self.transitions += 1;
            let reason = t.to_string();
            if self.recent_transitions.len() == RECENT_TRANSITIONS {
                self.recent_transitions.pop_front();
            }
            self.recent_transitions.push_back(t.clone());
            ctx.emit(BreakerEvent::Transition { from: t.from, to: t.to, reason });
        }
        if let Some(at) = self.breaker.next_wakeup() {
            if self.wakeup_scheduled.is_none_or(|s| s > at || s < ctx.now()) && at >= ctx.now() {
                self.wakeup_scheduled = Some(at);
                ctx.set_timer(CLIENT, at - ctx.now(), BreakerTimer::BreakerWakeup);
            }
        }
    }

    fn finish(&mut self, ctx: &mut Ctx<Self>, call: u64, attempt: u32, outcome: CallOutcome, duration: Tick) {
        let slow_threshold = match &self.params.breaker {
            BreakerSpec::Resilience4j(c) => Some(ticks_from_ms(c.slow_call_duration_threshold_ms as f64)),
            _ => None,
        };
        let slow = slow_threshold.is_some_and(|s| duration > s) && outcome != CallOutcome::Rejected;
        self.recent.push_back(Finished { at: ctx.now(), outcome, duration, slow });
        while self.recent.front().is_some_and(|f| f.at + RATE_WINDOW < ctx.now()) {
            self.recent.pop_front();
        }
        match outcome {
            CallOutcome::Success => self.counts.succeeded += 1,
            CallOutcome::Failure => self.counts.failed += 1,
            CallOutcome::Timeout => self.counts.timed_out += 1,
            CallOutcome::IgnoredError => self.counts.ignored += 1,
            CallOutcome::Rejected => self.counts.rejected += 1,
        }
        let state = self.breaker_state();
        ctx.emit(BreakerEvent::CallEnded { call, attempt, outcome, duration_ms: ms_from_ticks(duration), state });
        if matches!(outcome, CallOutcome::Failure | CallOutcome::Timeout | CallOutcome::Rejected) && attempt < self.params.retry.max_retries {
            let r = &self.params.retry;
            let backoff = r.initial_backoff_ms * libm::pow(r.multiplier, attempt as f64);
            let wait = if r.jitter { backoff * ctx.rng().unit() } else { backoff };
            self.counts.retries += 1;
            ctx.set_timer(CLIENT, ticks_from_ms(wait), BreakerTimer::Retry { call, attempt: attempt + 1 });
        }
    }

    fn attempt(&mut self, ctx: &mut Ctx<Self>, call: u64, attempt: u32) {
        self.counts.started += 1;
        let permitted = self.breaker.try_acquire_permission(ctx.now());
        self.after_breaker(ctx);
        if !permitted {
            self.finish(ctx, call, attempt, CallOutcome::Rejected, 0);
            return;
        }
        self.in_flight.insert(call, InFlight { attempt, started: ctx.now() });
        ctx.send(CLIENT, DOWNSTREAM, BreakerMsg::Request { call });
        ctx.set_timer(CLIENT, ticks_from_ms(self.params.timeout_ms), BreakerTimer::Timeout { call });
    }

    /// Service time under load: queueing stretches it once more calls arrive than it can
    /// serve in parallel.
    fn service_time(&self, ctx: &mut Ctx<Self>, serving: u32) -> Tick {
        let base = self.latency.sample_ms(ctx.rng());
        let capacity = self.params.downstream.capacity.max(1) as f64;
        let stretch = (serving as f64 / capacity).max(1.0);
        ticks_from_ms(base * stretch)
    }

    /// The ghost: the same call without a breaker, against an identical downstream.
    fn ghost_call(&mut self, ctx: &mut Ctx<Self>) {
        self.ghost_requests += 1;
        let down = !ctx.network().is_up(DOWNSTREAM);
        let ok = !down && !ctx.rng().chance(self.failure_probability);
        self.ghost_serving += 1;
        let service = if down { ticks_from_ms(self.params.timeout_ms) } else { self.service_time(ctx, self.ghost_serving) };
        let done = service.min(ticks_from_ms(self.params.timeout_ms));
        ctx.set_timer(CLIENT, done, BreakerTimer::GhostDone { ok: ok && service <= done });
    }

    fn rate(&self, now: Tick, pick: impl Fn(&Finished) -> bool) -> f64 {
        self.recent.iter().filter(|f| f.at + RATE_WINDOW >= now && pick(f)).count() as f64 * (TICKS_PER_SECOND as f64 / RATE_WINDOW as f64)
    }

    /// Mean latency the client saw over the last second (rejections count as instant).
    fn mean_latency_ms(&self, now: Tick) -> f64 {
        let recent: Vec<&Finished> = self.recent.iter().filter(|f| f.at + RATE_WINDOW >= now).collect();
        if recent.is_empty() {
            return 0.0;
        }
        recent.iter().map(|f| ms_from_ticks(f.duration)).sum::<f64>() / recent.len() as f64
    }

    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }

    pub fn params(&self) -> &BreakerParams {
        &self.params
    }

    /// The downstream's service time now (a command may have changed it since the start).
    pub fn latency(&self) -> &Latency {
        &self.latency
    }

    /// The client's mean call rate now, calls/s (a command may have changed it since the start).
    pub fn load(&self) -> f64 {
        self.requests_per_second
    }

    pub fn failure_probability(&self) -> f64 {
        self.failure_probability
    }

    /// The latest transitions, oldest first.
    pub fn recent_transitions(&self) -> &VecDeque<Transition> {
        &self.recent_transitions
    }

    /// The rule that fired last, in words.
    pub fn last_transition(&self) -> Option<String> {
        self.recent_transitions.back().map(ToString::to_string)
    }

    pub fn downstream_in_flight(&self) -> u32 {
        self.serving
    }

    pub fn ghost_in_flight(&self) -> u32 {
        self.ghost_serving
    }
}

impl Pattern for BreakerSim {
    const WIDGET: &'static str = "breaker";
    const TITLE: &'static str = "Circuit breaker";
    const SUMMARY: &'static str = "A client calls a downstream service through a circuit breaker. Break the downstream and watch the breaker trip, probe and recover, by the exact rules of resilience4j, Polly or Hystrix.";
    const MS_PER_SECOND: f64 = 2_000.0;
    const PREVIEW_SVG: &'static str = r#"<svg viewBox="0 0 120 60" aria-hidden="true"><g fill="var(--panel)" stroke="currentColor" stroke-opacity=".5" stroke-width="1.5"><rect x="4" y="8" width="32" height="16" rx="4" stroke="var(--ok)" stroke-opacity="1" stroke-width="2.5"/><rect x="84" y="8" width="32" height="16" rx="4"/><rect x="44" y="38" width="32" height="16" rx="4"/></g><g font-size="7" text-anchor="middle" fill="currentColor"><text x="20" y="19">CLOSED</text><text x="100" y="19">OPEN</text><text x="60" y="49">HALF</text></g><g stroke="currentColor" stroke-opacity=".6" stroke-width="1.2" fill="none"><path d="M37 16H82"/><path d="M92 25L74 38"/><path d="M46 38L28 25"/></g></svg>"#;
    type Params = BreakerParams;
    type Command = BreakerCommand;
    type Msg = BreakerMsg;
    type Timer = BreakerTimer;
    type Event = BreakerEvent;
    type Metrics = BreakerSimMetrics;
    type Derived = crate::engine::NoDerivedWork<BreakerParams>;

    fn poster_picture(&self, now: Tick, network: &crate::engine::Network) -> Option<crate::poster::Picture> {
        Some(crate::poster::pictures::breaker::picture(self, now, network))
    }

    fn supersedes(new: &BreakerCommand, old: &BreakerCommand) -> bool {
        // The settings a slider drags; operator transitions and load steps each count.
        matches!(
            (new, old),
            (BreakerCommand::SetFailureProbability { .. }, BreakerCommand::SetFailureProbability { .. })
                | (BreakerCommand::SetLatency { .. }, BreakerCommand::SetLatency { .. })
        )
    }

    fn work_estimate(scenario: &crate::scenario::Scenario<Self>) -> f64 {
        let p = &scenario.params;
        let loads = scenario.actions.iter().filter_map(|a| match a.command {
            BreakerCommand::SetLoad { requests_per_second } => Some(requests_per_second),
            _ => None,
        });
        let rate = loads.fold(p.requests_per_second, f64::max);
        let calls = rate * scenario.duration_ms / 1_000.0 * f64::from(1 + p.retry.max_retries) + scenario.actions.len() as f64;
        // Per call: its arrival, the request and reply (sent, delivered), the service, the
        // timeout, a ghost run, a retry timer, and a breaker wake-up; Hystrix also wakes at every
        // health snapshot.
        let snapshots = match &p.breaker {
            crate::patterns::breaker::BreakerSpec::Hystrix(h) => scenario.duration_ms / h.health_snapshot_interval_ms.max(1) as f64,
            _ => 0.0,
        };
        calls * 12.0 + snapshots
    }

    fn validate(p: &BreakerParams) -> Result<(), FieldError> {
        p.breaker.validate().map_err(|e| e.within("breaker"))?;
        if !(p.requests_per_second.is_finite() && p.requests_per_second > 0.0 && p.requests_per_second <= 1_000.0) {
            return Err(FieldError::new("requests_per_second", format!("must be in (0, 1000], got {}", p.requests_per_second)));
        }
        if !(p.timeout_ms.is_finite() && p.timeout_ms > 0.0 && p.timeout_ms <= 600_000.0) {
            return Err(FieldError::new("timeout_ms", format!("must be in (0, 600000], got {}", p.timeout_ms)));
        }
        if p.retry.max_retries > 10 {
            return Err(FieldError::new("retry.max_retries", format!("must be ≤ 10, got {}", p.retry.max_retries)));
        }
        if !(p.retry.initial_backoff_ms.is_finite() && p.retry.initial_backoff_ms >= 0.0) {
            return Err(FieldError::new("retry.initial_backoff_ms", "must be a finite number ≥ 0"));
        }
        if !(p.retry.multiplier.is_finite() && (1.0..=10.0).contains(&p.retry.multiplier)) {
            return Err(FieldError::new("retry.multiplier", format!("must be in [1, 10], got {}", p.retry.multiplier)));
        }
        if !(0.0..=1.0).contains(&p.downstream.failure_probability) {
            return Err(FieldError::new(
                "downstream.failure_probability",
                format!("must be a probability in [0, 1], got {}", p.downstream.failure_probability),
            ));
        }
        p.downstream.latency.validate().map_err(|e| FieldError::from(e).within("downstream.latency"))?;
        if !(0.0..=1.0).contains(&p.downstream.ignored_error_fraction) {
            return Err(FieldError::new(
                "downstream.ignored_error_fraction",
                format!("must be a fraction in [0, 1], got {}", p.downstream.ignored_error_fraction),
            ));
        }
        if p.downstream.capacity == 0 {
            return Err(FieldError::new("downstream.capacity", "must be ≥ 1"));
        }
        Ok(())
    }

    fn validate_command(_p: &BreakerParams, command: &BreakerCommand) -> Result<(), FieldError> {
        match command {
            BreakerCommand::SetFailureProbability { probability } if !(0.0..=1.0).contains(probability) => {
                Err(FieldError::new("probability", format!("must be a probability in [0, 1], got {probability}")))
            }
            BreakerCommand::SetLatency { latency } => latency.validate().map_err(|e| FieldError::from(e).within("latency")),
            BreakerCommand::SetLoad { requests_per_second: r } if !(r.is_finite() && *r > 0.0 && *r <= 1_000.0) => {
                Err(FieldError::new("requests_per_second", format!("must be in (0, 1000], got {r}")))
            }
            _ => Ok(()),
        }
    }

    fn node_names(_p: &BreakerParams) -> Vec<String> {
        vec!["client".into(), "downstream".into()]
    }

    fn network(_p: &BreakerParams) -> NetworkConfig {
        NetworkConfig { latency: Latency::Constant { ms: 1.0 }, drop_probability: 0.0 }
    }

    fn init(params: &BreakerParams, ctx: &mut Ctx<Self>) -> Self {
        // Validation ran before init; a config the breaker still refuses falls back to defaults
        // rather than panicking.
        let breaker = params.breaker.build(0).or_else(|_| BreakerSpec::default().build(0)).expect("default breaker config is valid");
        let mut sim = Self {
            params: params.clone(),
            breaker,
            failure_probability: params.downstream.failure_probability,
            latency: params.downstream.latency.clone(),
            requests_per_second: params.requests_per_second,
            next_call: 0,
            in_flight: SmallMap::new(),
            serving: 0,
            wakeup_scheduled: None,
            recent: VecDeque::new(),
            counts: CallCounts::default(),
            transitions: 0,
            recent_transitions: VecDeque::new(),
            downstream_requests: 0,
            ghost_serving: 0,
            ghost_requests: 0,
            ghost_failed: 0,
            ghost_recent: VecDeque::new(),
        };
        let first = Latency::Exponential { mean_ms: 1_000.0 / sim.requests_per_second }.sample_ticks(ctx.rng());
        ctx.set_timer(CLIENT, first, BreakerTimer::NextArrival);
        sim.after_breaker(ctx);
        sim
    }

    fn on_message(&mut self, ctx: &mut Ctx<Self>, _from: NodeId, to: NodeId, msg: BreakerMsg) {
        match (to, msg) {
            (DOWNSTREAM, BreakerMsg::Request { call }) => {
                self.downstream_requests += 1;
                self.serving += 1;
                let ok = !ctx.rng().chance(self.failure_probability);
                let ignored = !ok && ctx.rng().chance(self.params.downstream.ignored_error_fraction);
                let service = self.service_time(ctx, self.serving);
                ctx.set_timer(DOWNSTREAM, service, BreakerTimer::Serve { call, ok, ignored });
            }
            (CLIENT, BreakerMsg::Response { call, ok, ignored }) => {
                // A response after the timeout finds nobody waiting.
                let Some(flight) = self.in_flight.remove(&call) else { return };
                let duration = ctx.now() - flight.started;
                let outcome = match (ok, ignored) {
                    (true, _) => {
                        self.breaker.on_success(ctx.now(), duration);
                        CallOutcome::Success
                    }
                    (false, true) => {
                        self.breaker.on_error(ctx.now(), duration, ErrorKind::Ignored);
                        CallOutcome::IgnoredError
                    }
                    (false, false) => {
                        self.breaker.on_error(ctx.now(), duration, ErrorKind::Recorded);
                        CallOutcome::Failure
                    }
                };
                self.after_breaker(ctx);
                self.finish(ctx, call, flight.attempt, outcome, duration);
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<Self>, _node: NodeId, timer: BreakerTimer) {
        match timer {
            BreakerTimer::NextArrival => {
                let call = self.next_call;
                self.next_call += 1;
                self.attempt(ctx, call, 0);
                self.ghost_call(ctx);
                let gap = Latency::Exponential { mean_ms: 1_000.0 / self.requests_per_second }.sample_ticks(ctx.rng());
                ctx.set_timer(CLIENT, gap.max(1), BreakerTimer::NextArrival);
            }
            BreakerTimer::Retry { call, attempt } => self.attempt(ctx, call, attempt),
            BreakerTimer::Timeout { call } => {
                let Some(flight) = self.in_flight.remove(&call) else { return };
                let duration = ctx.now() - flight.started;
                self.breaker.on_error(ctx.now(), duration, ErrorKind::Recorded);
                self.after_breaker(ctx);
                self.finish(ctx, call, flight.attempt, CallOutcome::Timeout, duration);
            }
            BreakerTimer::Serve { call, ok, ignored } => {
                self.serving = self.serving.saturating_sub(1);
                ctx.send(DOWNSTREAM, CLIENT, BreakerMsg::Response { call, ok, ignored });
            }
            BreakerTimer::BreakerWakeup => {
                self.wakeup_scheduled = None;
                self.breaker.on_tick(ctx.now());
                self.after_breaker(ctx);
            }
            BreakerTimer::GhostDone { ok } => {
                self.ghost_serving = self.ghost_serving.saturating_sub(1);
                if !ok {
                    self.ghost_failed += 1;
                }
                self.ghost_recent.push_back((ctx.now(), ok));
                while self.ghost_recent.front().is_some_and(|g| g.0 + RATE_WINDOW < ctx.now()) {
                    self.ghost_recent.pop_front();
                }
            }
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &BreakerCommand) {
        match command {
            BreakerCommand::SetFailureProbability { probability } => self.failure_probability = *probability,
            BreakerCommand::SetLatency { latency } => self.latency = latency.clone(),
            BreakerCommand::SetLoad { requests_per_second } => self.requests_per_second = *requests_per_second,
            BreakerCommand::Transition { to } => {
                if self.breaker.transition(ctx.now(), *to).is_err() {
                    ctx.emit(BreakerEvent::TransitionRefused { to: *to, state: self.breaker_state() });
                }
                self.after_breaker(ctx);
            }
        }
    }

    fn on_fault(&mut self, _ctx: &mut Ctx<Self>, fault: &Fault) {
        // A crashed downstream loses the calls it was serving (their timers die with it).
        if matches!(fault, Fault::Crash { node: DOWNSTREAM }) {
            self.serving = 0;
        }
    }

    const SERIES: &'static [SeriesSpec] = &[
        SeriesSpec { name: "calls allowed", unit: "/s", ghost: None },
        SeriesSpec { name: "calls rejected", unit: "/s", ghost: None },
        SeriesSpec { name: "calls failed (incl. timeouts)", unit: "/s", ghost: Some(7) },
        SeriesSpec { name: "slow calls", unit: "/s", ghost: None },
        SeriesSpec { name: "downstream load (in flight)", unit: "calls", ghost: Some(6) },
        SeriesSpec { name: "client latency (mean)", unit: "ms", ghost: None },
        SeriesSpec { name: "downstream load without breaker", unit: "calls", ghost: None },
        SeriesSpec { name: "failures without breaker", unit: "/s", ghost: None },
    ];

    fn sample(&self, now: Tick) -> Vec<f64> {
        let ghost_failed = self.ghost_recent.iter().filter(|g| g.0 + RATE_WINDOW >= now && !g.1).count() as f64;
        vec![
            self.rate(now, |f| f.outcome != CallOutcome::Rejected),
            self.rate(now, |f| f.outcome == CallOutcome::Rejected),
            self.rate(now, |f| matches!(f.outcome, CallOutcome::Failure | CallOutcome::Timeout)),
            self.rate(now, |f| f.slow),
            self.serving as f64,
            self.mean_latency_ms(now),
            self.ghost_serving as f64,
            ghost_failed,
        ]
    }

    fn metrics(&self, now: Tick) -> BreakerSimMetrics {
        BreakerSimMetrics {
            library: self.params.breaker.library().title().into(),
            state: self.breaker_state(),
            window: self.breaker.metrics(now),
            calls: self.counts.clone(),
            transitions: self.transitions,
            downstream_requests: self.downstream_requests,
            ghost_downstream_requests: self.ghost_requests,
            ghost_failed: self.ghost_failed,
        }
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

    fn describe_event(event: &BreakerEvent) -> String {
        match event {
            BreakerEvent::CallEnded { call, attempt, outcome, duration_ms, state } => {
                let retry = if *attempt > 0 { format!(" (retry {attempt})") } else { String::new() };
                match outcome {
                    CallOutcome::Rejected => format!("call {call}{retry} rejected by the {state} breaker"),
                    CallOutcome::Timeout => format!("call {call}{retry} timed out after {duration_ms:.0} ms"),
                    CallOutcome::Failure => format!("call {call}{retry} failed after {duration_ms:.0} ms"),
                    CallOutcome::IgnoredError => {
                        format!("call {call}{retry} failed with an ignored (business) error after {duration_ms:.0} ms: not recorded")
                    }
                    CallOutcome::Success => format!("call {call}{retry} succeeded in {duration_ms:.0} ms"),
                }
            }
            BreakerEvent::Transition { reason, .. } => format!("breaker: {reason}"),
            BreakerEvent::TransitionRefused { to, state } => format!("breaker refused {to:?} from {state}: illegal transition"),
        }
    }

    fn describe_msg(msg: &BreakerMsg) -> String {
        match msg {
            BreakerMsg::Request { call } => format!("request {call}"),
            BreakerMsg::Response { call, ok: true, .. } => format!("response {call} (ok)"),
            BreakerMsg::Response { call, ok: false, ignored: true } => format!("response {call} (ignored error)"),
            BreakerMsg::Response { call, ok: false, ignored: false } => format!("response {call} (error)"),
        }
    }

    fn describe_command(command: &BreakerCommand) -> String {
        match command {
            BreakerCommand::SetFailureProbability { probability } => format!("downstream now fails {:.0}% of calls", probability * 100.0),
            BreakerCommand::SetLatency { latency } => format!("downstream service time now averages {:.0} ms", latency.mean_ms()),
            BreakerCommand::SetLoad { requests_per_second } => format!("client load now {requests_per_second:.0} calls/s"),
            BreakerCommand::Transition { to } => format!("operator asks for {to:?}"),
        }
    }
}

/// Helpers for presets.
pub(super) fn at(ms: f64, fault: Fault) -> TimedFault {
    TimedFault { at_ms: ms, fault }
}

pub(super) fn command(ms: f64, command: BreakerCommand) -> TimedCommand<BreakerSim> {
    TimedCommand { at_ms: ms, command }
}
