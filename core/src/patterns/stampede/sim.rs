//! The stampede in a live system: Poisson clients → app servers → a cache → a database with a
//! finite pool and a FIFO queue, on the engine's network, with one protection per run.
//!
//! App servers talk to the database by messages (so a crashed database or app server loses
//! them, and the network's latency is part of δ); the cache is an in-process lookup whose
//! node can crash (it comes back cold). Hits are counted, not logged: the log shows what costs
//! the database something.

use crate::small_map::SmallMap;
use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::freshness::{xfetch_recompute, Entry, Freshness};
use super::lease::{LeaseGet, LeaseSet, Leases, Token};
use super::params::{LockScope, Popularity, Protection, StampedeParams};
use super::singleflight::{CallId, Group, Joined};
use super::theory;
use crate::engine::{ms_from_ticks, ticks_from_ms, Ctx, Fault, Latency, NetworkConfig, NodeId, Pattern, SeriesSpec, SimRng, Tick, TICKS_PER_SECOND};
use crate::error::FieldError;
use crate::scenario::Scenario;

pub const CLIENTS: NodeId = 0;

/// The app server `i` (from 0).
pub fn app_node(i: u32) -> NodeId {
    1 + i
}

pub fn cache_node(p: &StampedeParams) -> NodeId {
    1 + p.app_servers
}

pub fn db_node(p: &StampedeParams) -> NodeId {
    2 + p.app_servers
}

/// A cache lookup's round trip, added to every request's latency (the cache is not simulated
/// as messages: it would double the events without changing a lesson).
pub const CACHE_RTT: Tick = 1_000;
/// Rates and percentiles are measured over the last second.
const WINDOW: Tick = TICKS_PER_SECOND;
/// Histogram of client latencies: 4 buckets per octave from 0.25 ms.
const HISTOGRAM_BUCKETS: usize = 96;

/// What a user (or a scenario) can do while the run plays.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StampedeCommand {
    /// Empties the cache (every key cold at once).
    Flush,
    /// Deletes one key (an invalidation after a write): it voids an outstanding lease token.
    Delete { key: u32 },
    /// Changes the request rate from now on.
    SetLoad { requests_per_second: f64 },
    /// A traffic spike: this rate for this long, then back.
    Spike { requests_per_second: f64, duration_ms: f64 },
    /// singleflight's `Forget(key)` on every app server.
    Forget { key: u32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StampedeMsg {
    Query { fetch: u64, key: u32 },
    Reply { fetch: u64, key: u32, ok: bool },
}

#[derive(Clone, Debug)]
pub enum StampedeTimer {
    NextArrival,
    SpikeEnd {
        generation: u64,
    },
    Retry {
        request: u64,
    },
    DbTimeout {
        fetch: u64,
    },
    /// `arrived`: when the query reached the database (its latency includes the queue).
    DbDone {
        fetch: u64,
        key: u32,
        app: NodeId,
        arrived: Tick,
    },
}

/// How a client request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Hit,
    /// Waited for a recompute it started (or, after a wait, found the value).
    Miss,
    /// Served a value past its expiry (stale-while-revalidate, stale-if-error, a lease's or a
    /// lock's stale value).
    Stale,
    /// Got the result of another caller's singleflight execution.
    Shared,
    Error,
}

/// Why a recompute started.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    Miss,
    /// XFetch triggered this long before the expiry.
    Early {
        lead_ms: f64,
    },
    /// stale-while-revalidate's background fetch.
    Revalidate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum FetchError {
    Timeout,
    Overloaded,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StampedeEvent {
    /// A request that was not a plain hit ended.
    Request {
        request: u64,
        key: u32,
        app: u32,
        outcome: Outcome,
        latency_ms: f64,
    },
    Recompute {
        fetch: u64,
        key: u32,
        app: u32,
        why: Why,
    },
    Stored {
        fetch: u64,
        key: u32,
        took_ms: f64,
        ttl_ms: f64,
    },
    /// A recompute finished but its value was not written (a lease token voided or
    /// superseded, or the cache down).
    NotStored {
        fetch: u64,
        key: u32,
        reason: String,
    },
    Failed {
        fetch: u64,
        key: u32,
        error: FetchError,
    },
    /// A key's expiry cycle ended with its first fresh write: how many recomputes it cost.
    Herd {
        key: u32,
        recomputes: u32,
    },
    /// A waiting client gave up.
    GaveUp {
        request: u64,
        key: u32,
    },
    /// The cache was full: this key's value made room for another.
    Evicted {
        key: u32,
    },
}

#[derive(Clone, Copy, Debug)]
struct Request {
    key: u32,
    app: u32,
    started: Tick,
}

#[derive(Clone, Debug)]
struct Fetch {
    key: u32,
    app: u32,
    started: Tick,
    epoch: u64,
    /// Requests waiting for it (empty for a background revalidation; the singleflight group
    /// holds its waiters itself).
    waiters: Vec<u64>,
    call: Option<CallId>,
    token: Option<Token>,
    locked: bool,
    background: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct KeyState {
    epoch: u64,
    started_in_cycle: u32,
    /// Lead of the cycle's first recompute before the old value's expiry (0 if none).
    first_lead: Option<Tick>,
    last_herd: Option<u32>,
    revalidating: Option<u64>,
    /// Last time the cache served or stored it (for LRU eviction).
    last_used: Tick,
}

/// What a recompute is for and what it carries.
#[derive(Clone, Debug)]
struct Plan {
    why: Why,
    /// Requests to answer with its result.
    waiters: Vec<u64>,
    /// The singleflight call it executes, if any.
    call: Option<CallId>,
    /// The lease token to set its value with, if any.
    token: Option<Token>,
    /// Whether it holds the key's lock.
    locked: bool,
}

/// Who asks for which key's lock.
#[derive(Clone, Copy, Debug)]
struct LockRequest {
    scope: LockScope,
    lease: Tick,
    key: u32,
    app: u32,
    fetch: u64,
}

#[derive(Clone, Copy, Debug)]
struct Queued {
    fetch: u64,
    key: u32,
    app: NodeId,
    at: Tick,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, crate::json::ToJson)]
pub struct Counts {
    pub requests: u64,
    pub hits: u64,
    pub misses: u64,
    pub stale: u64,
    pub shared: u64,
    pub errors: u64,
    pub retries: u64,
    pub db_queries: u64,
    pub db_overloaded: u64,
    pub db_timeouts: u64,
    /// Queued queries the database skipped because their caller had given up.
    pub db_abandoned: u64,
    pub early_recomputes: u64,
    pub not_stored: u64,
}

/// The closed forms for the hottest key, beside what the run measured.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct Theory {
    /// Request rate on the hottest key (key 0).
    pub hot_key_rate: f64,
    /// δ as the theory uses it: mean recompute plus the network round trip, in ms.
    pub delta_ms: f64,
    /// Expected recomputes at one expiry of the hottest key with this protection, where a
    /// closed form exists.
    pub expected_recomputes: Option<f64>,
    /// The same without protection, 1 + λδ.
    pub unprotected_herd: f64,
    /// XFetch only: expected lead time (ms) of the first recompute before expiry.
    pub xfetch_expected_lead_ms: Option<f64>,
    /// Without a cache: expected database queries per second (all keys).
    pub expected_db_qps: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct StampedeMetrics {
    pub protection: String,
    pub counts: Counts,
    pub db_peak_concurrency: u32,
    pub db_peak_queue: u32,
    pub db_peak_qps: f64,
    /// Longest time a query spent in the database, queue included.
    pub db_latency_max_ms: f64,
    pub evictions: u64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    /// Expiry cycles closed (over all keys) and their recomputes.
    pub cycles: u64,
    pub recomputes_per_cycle: f64,
    pub largest_herd: u32,
    /// Hottest key: the last cycle's recomputes and the mean over its cycles.
    pub hot_key_last_herd: Option<u32>,
    pub hot_key_mean_recomputes: Option<f64>,
    pub hot_key_cycles: u64,
    /// Hottest key: mean lead of the first recompute before expiry (ms).
    pub hot_key_mean_lead_ms: Option<f64>,
    pub theory: Theory,
    /// The same traffic against a cache without protection (the ghost): its peak DB load.
    pub ghost_db_peak_concurrency: u32,
    pub ghost_db_peak_qps: f64,
    pub ghost_db_queries: u64,
}

/// The unprotected twin fed the same arrivals: a plain cache-aside with the same TTL and no
/// jitter, in front of an identical database (same pool, same queue, no faults), on timers
/// and its own random stream, so the charts can draw "without protection" dashed.
#[derive(Clone, Debug)]
struct Ghost {
    rng: SimRng,
    expires: Vec<Option<Tick>>,
    active: u32,
    queue: VecDeque<(u32, Tick)>,
    recent_queries: VecDeque<Tick>,
    queries: u64,
    peak: u32,
    peak_qps: f64,
}

#[derive(Clone, Debug)]
pub struct StampedeSim {
    params: StampedeParams,
    base_rate: f64,
    rate: f64,
    spike_generation: u64,
    cumulative: Vec<f64>,
    next_request: u64,
    next_fetch: u64,
    requests: BTreeMap<u64, Request>,
    cache: Vec<Option<Entry>>,
    leases: Leases<u32, Entry>,
    distributed_locks: SmallMap<u32, (u64, Tick)>,
    local_locks: Vec<SmallMap<u32, u64>>,
    groups: Vec<Group<u32, u64>>,
    fetches: BTreeMap<u64, Fetch>,
    keys: Vec<KeyState>,
    db_active: u32,
    db_queue: VecDeque<Queued>,
    counts: Counts,
    recent: VecDeque<(Tick, Outcome, Tick)>,
    recent_queries: VecDeque<Tick>,
    /// (completed at, time in the database incl. its queue) of recent queries.
    recent_db_latency: VecDeque<(Tick, Tick)>,
    db_latency_max: Tick,
    evictions: u64,
    histogram: Vec<u64>,
    db_peak_concurrency: u32,
    db_peak_queue: u32,
    db_peak_qps: f64,
    cycles: u64,
    cycle_recomputes: u64,
    largest_herd: u32,
    hot_cycles: u64,
    hot_recomputes: u64,
    hot_lead_total: Tick,
    theory: Theory,
    ghost: Ghost,
}

fn bucket_of(latency: Tick) -> usize {
    let ms = ms_from_ticks(latency).max(0.25);
    ((4.0 * libm::log2(ms / 0.25)) as usize).min(HISTOGRAM_BUCKETS - 1)
}

fn bucket_upper_ms(bucket: usize) -> f64 {
    0.25 * libm::exp2((bucket + 1) as f64 / 4.0)
}

fn percentile(sorted: &[Tick], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    ms_from_ticks(sorted[rank - 1])
}

impl StampedeSim {
    pub fn params(&self) -> &StampedeParams {
        &self.params
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn theory(&self) -> &Theory {
        &self.theory
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    pub fn entry(&self, key: u32) -> Option<&Entry> {
        self.cache.get(key as usize).and_then(Option::as_ref)
    }

    /// Recomputes in flight for `key` (the herd, while it lasts).
    pub fn recomputing(&self, key: u32) -> usize {
        self.fetches.values().filter(|f| f.key == key).count()
    }

    /// Recomputes in flight: (query, key, app server, background, started).
    pub fn in_flight(&self) -> Vec<(u64, u32, u32, bool, Tick)> {
        self.fetches.iter().map(|(&id, f)| (id, f.key, f.app, f.background, f.started)).collect()
    }

    pub fn recomputes_in_flight(&self) -> usize {
        self.fetches.len()
    }

    /// Client requests waiting (on a recompute, a lock, a lease, a singleflight call).
    pub fn waiting_requests(&self) -> usize {
        self.requests.len()
    }

    pub fn waiting_at(&self, app: u32) -> usize {
        self.requests.values().filter(|r| r.app == app).count()
    }

    pub fn db_active(&self) -> u32 {
        self.db_active
    }

    pub fn db_queue(&self) -> usize {
        self.db_queue.len()
    }

    pub fn ghost_db_active(&self) -> u32 {
        self.ghost.active
    }

    pub fn last_herd(&self, key: u32) -> Option<u32> {
        self.keys.get(key as usize).and_then(|k| k.last_herd)
    }

    /// Recomputes started in `key`'s current cycle.
    pub fn herd_so_far(&self, key: u32) -> u32 {
        self.keys.get(key as usize).map_or(0, |k| k.started_in_cycle)
    }

    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    pub fn largest_herd(&self) -> u32 {
        self.largest_herd
    }

    pub fn hot_key_mean_recomputes(&self) -> Option<f64> {
        (self.hot_cycles > 0).then(|| self.hot_recomputes as f64 / self.hot_cycles as f64)
    }

    pub fn hot_key_cycles(&self) -> u64 {
        self.hot_cycles
    }

    /// Probability that a request picks `key`.
    pub fn key_probability(&self, key: u32) -> f64 {
        let i = key as usize;
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let below = if i == 0 { 0.0 } else { self.cumulative.get(i - 1).copied().unwrap_or(total) };
        (self.cumulative.get(i).copied().unwrap_or(total) - below) / total
    }

    fn pick_key(&self, rng: &mut SimRng) -> u32 {
        match self.params.popularity {
            Popularity::Uniform => rng.below(self.params.keys as u64) as u32,
            Popularity::Zipf { .. } => {
                let total = self.cumulative.last().copied().unwrap_or(0.0);
                let target = rng.unit() * total;
                (self.cumulative.partition_point(|&c| c <= target) as u32).min(self.params.keys - 1)
            }
        }
    }

    fn ttl_draw(&self, rng: &mut SimRng) -> Tick {
        let ttl = self.params.ttl_ms * (1.0 - self.params.ttl_jitter * rng.unit());
        ticks_from_ms(ttl).max(1)
    }

    fn record(&mut self, now: Tick, outcome: Outcome, latency: Tick) {
        let latency = latency + CACHE_RTT;
        match outcome {
            Outcome::Hit => self.counts.hits += 1,
            Outcome::Miss => self.counts.misses += 1,
            Outcome::Stale => self.counts.stale += 1,
            Outcome::Shared => self.counts.shared += 1,
            Outcome::Error => self.counts.errors += 1,
        }
        self.histogram[bucket_of(latency)] += 1;
        self.recent.push_back((now, outcome, latency));
        while self.recent.front().is_some_and(|r| r.0 + WINDOW < now) {
            self.recent.pop_front();
        }
    }

    fn respond(&mut self, ctx: &mut Ctx<Self>, request: u64, outcome: Outcome) {
        let Some(r) = self.requests.remove(&request) else { return };
        let latency = ctx.now() - r.started;
        self.record(ctx.now(), outcome, latency);
        ctx.emit(StampedeEvent::Request { request, key: r.key, app: r.app, outcome, latency_ms: ms_from_ticks(latency + CACHE_RTT) });
    }

    fn wait_and_retry(&mut self, ctx: &mut Ctx<Self>, request: u64, retry_ms: f64) {
        let Some(r) = self.requests.get(&request).copied() else { return };
        let retry = ticks_from_ms(retry_ms).max(1);
        if ctx.now() + retry - r.started > ticks_from_ms(self.params.client_timeout_ms) {
            ctx.emit(StampedeEvent::GaveUp { request, key: r.key });
            self.respond(ctx, request, Outcome::Error);
            return;
        }
        self.counts.retries += 1;
        ctx.set_timer(app_node(r.app), retry, StampedeTimer::Retry { request });
    }

    fn new_fetch_id(&mut self) -> u64 {
        let id = self.next_fetch;
        self.next_fetch += 1;
        id
    }

    /// Starts a recompute: a query to the database, with a timeout.
    fn start_fetch(&mut self, ctx: &mut Ctx<Self>, id: u64, key: u32, app: u32, plan: Plan) {
        let Plan { why, waiters, call, token, locked } = plan;
        let now = ctx.now();
        let state = &mut self.keys[key as usize];
        if state.started_in_cycle == 0 {
            let lead = self.cache[key as usize].filter(|e| e.is_fresh(now)).map_or(0, |e| e.expires_at - now);
            state.first_lead = Some(lead);
        }
        state.started_in_cycle += 1;
        let epoch = state.epoch;
        let background = matches!(why, Why::Revalidate);
        if background {
            state.revalidating = Some(id);
        }
        if matches!(why, Why::Early { .. }) {
            self.counts.early_recomputes += 1;
        }
        self.fetches.insert(id, Fetch { key, app, started: now, epoch, waiters, call, token, locked, background });
        ctx.emit(StampedeEvent::Recompute { fetch: id, key, app, why });
        ctx.send(app_node(app), db_node(&self.params), StampedeMsg::Query { fetch: id, key });
        ctx.set_timer(app_node(app), ticks_from_ms(self.params.db.timeout_ms), StampedeTimer::DbTimeout { fetch: id });
    }

    fn singleflight(&mut self, ctx: &mut Ctx<Self>, request: u64, key: u32, app: u32, why: Why) {
        match self.groups[app as usize].call(key, request) {
            Joined::Started(call) => {
                let id = self.new_fetch_id();
                self.start_fetch(ctx, id, key, app, Plan { why, waiters: Vec::new(), call: Some(call), token: None, locked: false });
            }
            Joined::Waiting(_) => {}
        }
    }

    /// Takes `key`'s lock for recompute `fetch` at `app`, if it is free.
    fn try_lock(&mut self, now: Tick, lock: LockRequest, cache_up: bool) -> bool {
        let LockRequest { scope, lease, key, app, fetch } = lock;
        match scope {
            LockScope::Local => {
                let locks = &mut self.local_locks[app as usize];
                if locks.contains_key(&key) {
                    return false;
                }
                locks.insert(key, fetch);
                true
            }
            // A lock in a crashed cache cannot be taken: the app fails open and queries.
            LockScope::Distributed if !cache_up => true,
            LockScope::Distributed => {
                if self.distributed_locks.get(&key).is_some_and(|&(_, until)| now < until) {
                    return false;
                }
                self.distributed_locks.insert(key, (fetch, now + lease));
                true
            }
        }
    }

    fn release_lock(&mut self, fetch: u64, key: u32, app: u32) {
        if self.local_locks[app as usize].get(&key) == Some(&fetch) {
            self.local_locks[app as usize].remove(&key);
        }
        // Only the holder's own lock: one whose lease ran out may belong to someone else now.
        if self.distributed_locks.get(&key).is_some_and(|&(holder, _)| holder == fetch) {
            self.distributed_locks.remove(&key);
        }
    }

    /// Serves request `id` (a fresh arrival or a retry) by the run's protection.
    fn serve(&mut self, ctx: &mut Ctx<Self>, request: u64) {
        let Some(r) = self.requests.get(&request).copied() else { return };
        let (key, app, now) = (r.key, r.app, ctx.now());
        let cache_up = self.params.cache_enabled && ctx.network().is_up(cache_node(&self.params));
        let entry = if cache_up { self.cache[key as usize] } else { None };
        let fresh = entry.is_some_and(|e| e.is_fresh(now));
        let hit = |sim: &mut Self, ctx: &mut Ctx<Self>| {
            sim.keys[key as usize].last_used = ctx.now();
            let r = sim.requests.remove(&request);
            let waited = r.map_or(0, |r| ctx.now() - r.started);
            sim.record(ctx.now(), if waited > 0 { Outcome::Miss } else { Outcome::Hit }, waited);
            if waited > 0 {
                ctx.emit(StampedeEvent::Request { request, key, app, outcome: Outcome::Miss, latency_ms: ms_from_ticks(waited + CACHE_RTT) });
            }
        };
        match self.params.protection.clone() {
            Protection::None => {
                if fresh {
                    return hit(self, ctx);
                }
                let id = self.new_fetch_id();
                self.start_fetch(ctx, id, key, app, Plan { why: Why::Miss, waiters: vec![request], call: None, token: None, locked: false });
            }
            Protection::Singleflight => {
                if fresh {
                    return hit(self, ctx);
                }
                self.singleflight(ctx, request, key, app, Why::Miss);
            }
            Protection::Lock { scope, lease_ms, retry_ms, serve_stale } => {
                if fresh {
                    return hit(self, ctx);
                }
                let id = self.next_fetch;
                let lock = LockRequest { scope, lease: ticks_from_ms(lease_ms), key, app, fetch: id };
                if self.try_lock(now, lock, cache_up) {
                    self.next_fetch += 1;
                    self.start_fetch(ctx, id, key, app, Plan { why: Why::Miss, waiters: vec![request], call: None, token: None, locked: true });
                } else if serve_stale && entry.is_some() {
                    self.respond(ctx, request, Outcome::Stale);
                } else {
                    self.wait_and_retry(ctx, request, retry_ms);
                }
            }
            Protection::Lease { retry_ms, serve_stale, .. } => {
                if fresh {
                    return hit(self, ctx);
                }
                if !cache_up {
                    let id = self.new_fetch_id();
                    return self.start_fetch(
                        ctx,
                        id,
                        key,
                        app,
                        Plan { why: Why::Miss, waiters: vec![request], call: None, token: None, locked: false },
                    );
                }
                self.leases.expire(&key);
                match self.leases.get(&key, now) {
                    LeaseGet::Hit(_) => hit(self, ctx),
                    LeaseGet::Miss { token } => {
                        let id = self.new_fetch_id();
                        self.start_fetch(
                            ctx,
                            id,
                            key,
                            app,
                            Plan { why: Why::Miss, waiters: vec![request], call: None, token: Some(token), locked: false },
                        );
                    }
                    LeaseGet::HotMiss { stale } => {
                        if serve_stale && stale.is_some() {
                            self.respond(ctx, request, Outcome::Stale);
                        } else {
                            self.wait_and_retry(ctx, request, retry_ms);
                        }
                    }
                }
            }
            Protection::Xfetch { beta, singleflight } => {
                let why = match entry {
                    Some(e) if fresh => {
                        let u = ctx.rng().open_unit();
                        if !xfetch_recompute(now, e.delta, beta, e.expires_at, u) {
                            return hit(self, ctx);
                        }
                        Why::Early { lead_ms: ms_from_ticks(e.expires_at - now) }
                    }
                    _ => Why::Miss,
                };
                if singleflight {
                    self.singleflight(ctx, request, key, app, why);
                } else {
                    let id = self.new_fetch_id();
                    self.start_fetch(ctx, id, key, app, Plan { why, waiters: vec![request], call: None, token: None, locked: false });
                }
            }
            Protection::RefreshAhead { ahead_ms } => match entry {
                Some(e) if fresh => {
                    hit(self, ctx);
                    if e.expires_at - now <= ticks_from_ms(ahead_ms) && self.keys[key as usize].revalidating.is_none() {
                        let id = self.new_fetch_id();
                        let plan = Plan { why: Why::Revalidate, waiters: Vec::new(), call: None, token: None, locked: false };
                        self.start_fetch(ctx, id, key, app, plan);
                    }
                }
                _ => {
                    let id = self.new_fetch_id();
                    let plan = Plan { why: Why::Miss, waiters: vec![request], call: None, token: None, locked: false };
                    self.start_fetch(ctx, id, key, app, plan);
                }
            },
            Protection::Swr { swr_ms, .. } => match entry.map(|e| e.freshness(now, ticks_from_ms(swr_ms))) {
                Some(Freshness::Fresh) => hit(self, ctx),
                Some(Freshness::StaleWhileRevalidate) => {
                    self.respond(ctx, request, Outcome::Stale);
                    if self.keys[key as usize].revalidating.is_none() {
                        let id = self.new_fetch_id();
                        self.start_fetch(
                            ctx,
                            id,
                            key,
                            app,
                            Plan { why: Why::Revalidate, waiters: Vec::new(), call: None, token: None, locked: false },
                        );
                    }
                }
                _ => {
                    let id = self.new_fetch_id();
                    self.start_fetch(ctx, id, key, app, Plan { why: Why::Miss, waiters: vec![request], call: None, token: None, locked: false });
                }
            },
        }
    }

    fn finish_fetch(&mut self, ctx: &mut Ctx<Self>, id: u64, result: Result<(), FetchError>) {
        let Some(fetch) = self.fetches.remove(&id) else { return };
        let now = ctx.now();
        let key = fetch.key;
        if fetch.locked {
            self.release_lock(id, key, fetch.app);
        }
        if self.keys[key as usize].revalidating == Some(id) {
            self.keys[key as usize].revalidating = None;
        }
        let (waiters, shared) = match fetch.call {
            Some(call) => self.groups[fetch.app as usize].complete(call).map_or((Vec::new(), false), |c| (c.waiters, c.shared)),
            None => (fetch.waiters.clone(), false),
        };
        match result {
            Ok(()) => {
                let delta = now - fetch.started;
                let ttl = self.ttl_draw(ctx.rng());
                let entry = Entry { version: id, stored_at: now, expires_at: now + ttl, delta };
                let cache_up = self.params.cache_enabled && ctx.network().is_up(cache_node(&self.params));
                let stored = cache_up
                    && match fetch.token {
                        Some(token) => self.leases.set(&key, token, entry) == LeaseSet::Stored,
                        None => true,
                    };
                if stored {
                    self.store(ctx, key, entry);
                    ctx.emit(StampedeEvent::Stored { fetch: id, key, took_ms: ms_from_ticks(delta), ttl_ms: ms_from_ticks(ttl) });
                    self.close_cycle(ctx, key, fetch.epoch);
                } else {
                    self.counts.not_stored += 1;
                    let reason = if !self.params.cache_enabled {
                        "no cache"
                    } else if !cache_up {
                        "the cache is down"
                    } else {
                        "its lease token was voided or superseded"
                    };
                    ctx.emit(StampedeEvent::NotStored { fetch: id, key, reason: reason.into() });
                    if !self.params.cache_enabled {
                        self.close_cycle(ctx, key, fetch.epoch);
                    }
                }
                for (i, w) in waiters.into_iter().enumerate() {
                    let outcome = if shared && i > 0 { Outcome::Shared } else { Outcome::Miss };
                    self.respond(ctx, w, outcome);
                }
            }
            Err(error) => {
                match error {
                    FetchError::Timeout => self.counts.db_timeouts += 1,
                    FetchError::Overloaded => self.counts.db_overloaded += 1,
                }
                ctx.emit(StampedeEvent::Failed { fetch: id, key, error });
                // stale-if-error: a stale value no more than sie_ms past its expiry.
                let stale_ok = match &self.params.protection {
                    Protection::Swr { sie_ms, .. } => self.cache[key as usize].is_some_and(|e| e.usable_if_error(now, ticks_from_ms(*sie_ms))),
                    _ => false,
                };
                // singleflight hands the one error to every waiter.
                for w in waiters {
                    self.respond(ctx, w, if stale_ok { Outcome::Stale } else { Outcome::Error });
                }
            }
        }
    }

    /// Writes a value and, beyond the cache's capacity, evicts the least recently used other
    /// value (the lowest key among equals).
    fn store(&mut self, ctx: &mut Ctx<Self>, key: u32, entry: Entry) {
        let now = ctx.now();
        self.cache[key as usize] = Some(entry);
        self.keys[key as usize].last_used = now;
        let capacity = self.params.cache_capacity as usize;
        if capacity == 0 || self.cache.iter().filter(|e| e.is_some()).count() <= capacity {
            return;
        }
        let victim = (0..self.cache.len()).filter(|&k| k != key as usize && self.cache[k].is_some()).min_by_key(|&k| (self.keys[k].last_used, k));
        if let Some(victim) = victim {
            self.cache[victim] = None;
            self.evictions += 1;
            ctx.emit(StampedeEvent::Evicted { key: victim as u32 });
        }
    }

    fn close_cycle(&mut self, ctx: &mut Ctx<Self>, key: u32, epoch: u64) {
        let state = &mut self.keys[key as usize];
        if state.epoch != epoch {
            return; // a late duplicate of a cycle already closed
        }
        let herd = state.started_in_cycle;
        let lead = state.first_lead.unwrap_or(0);
        state.epoch += 1;
        state.started_in_cycle = 0;
        state.first_lead = None;
        state.last_herd = Some(herd);
        self.cycles += 1;
        self.cycle_recomputes += herd as u64;
        self.largest_herd = self.largest_herd.max(herd);
        if key == 0 {
            self.hot_cycles += 1;
            self.hot_recomputes += herd as u64;
            self.hot_lead_total += lead;
        }
        ctx.emit(StampedeEvent::Herd { key, recomputes: herd });
    }

    fn db_serve(&mut self, ctx: &mut Ctx<Self>, fetch: u64, key: u32, app: NodeId, arrived: Tick) {
        self.db_active += 1;
        self.db_peak_concurrency = self.db_peak_concurrency.max(self.db_active);
        let service = self.params.recompute.sample_ticks(ctx.rng());
        ctx.set_timer(db_node(&self.params), service, StampedeTimer::DbDone { fetch, key, app, arrived });
    }

    fn wipe_cache(&mut self) {
        self.cache.iter_mut().for_each(|e| *e = None);
        self.leases.clear();
        self.distributed_locks.clear();
        self.ghost.expires.iter_mut().for_each(|e| *e = None);
    }

    fn ghost_request(&mut self, now: Tick, key: u32) -> Option<Tick> {
        let g = &mut self.ghost;
        if g.expires[key as usize].is_some_and(|e| now < e) {
            return None;
        }
        g.queries += 1;
        g.recent_queries.push_back(now);
        while g.recent_queries.front().is_some_and(|&t| t + WINDOW < now) {
            g.recent_queries.pop_front();
        }
        g.peak_qps = g.peak_qps.max(g.recent_queries.len() as f64);
        if g.active < self.params.db.concurrency {
            g.active += 1;
            g.peak = g.peak.max(g.active);
            Some(self.params.recompute.sample_ticks(&mut g.rng))
        } else {
            if g.queue.len() < self.params.db.queue_limit as usize {
                g.queue.push_back((key, now));
            }
            None
        }
    }

    fn qps(recent: &VecDeque<Tick>, now: Tick) -> f64 {
        recent.iter().filter(|&&t| t + WINDOW >= now).count() as f64
    }

    fn rate_of(&self, now: Tick, outcome: Outcome) -> f64 {
        self.recent.iter().filter(|r| r.0 + WINDOW >= now && r.1 == outcome).count() as f64
    }

    fn recent_latencies(&self, now: Tick) -> Vec<Tick> {
        let mut v: Vec<Tick> = self.recent.iter().filter(|r| r.0 + WINDOW >= now).map(|r| r.2).collect();
        crate::order::sort(&mut v);
        v
    }

    fn mean_db_latency_ms(&self, now: Tick) -> f64 {
        let recent: Vec<Tick> = self.recent_db_latency.iter().filter(|&&(t, _)| t + WINDOW >= now).map(|&(_, l)| l).collect();
        if recent.is_empty() {
            return 0.0;
        }
        ms_from_ticks(recent.iter().sum::<Tick>()) / recent.len() as f64
    }

    fn histogram_percentile(&self, q: f64) -> f64 {
        let total: u64 = self.histogram.iter().sum();
        if total == 0 {
            return 0.0;
        }
        let want = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &c) in self.histogram.iter().enumerate() {
            seen += c;
            if seen >= want {
                return bucket_upper_ms(i);
            }
        }
        bucket_upper_ms(HISTOGRAM_BUCKETS - 1)
    }

    fn compute_theory(params: &StampedeParams, probability: impl Fn(u32) -> f64, rtt: Tick) -> Theory {
        let lambda = params.requests_per_second * probability(0);
        let delta = (params.recompute.mean_ms() + ms_from_ticks(rtt)) / 1_000.0;
        let ttl = params.ttl_ms / 1_000.0;
        let unprotected = theory::expected_herd(lambda, delta);
        let total = params.requests_per_second;
        let expected_db_qps = (!params.cache_enabled).then(|| match &params.protection {
            // Per key, each server's group coalesces its own requests for that key.
            Protection::Singleflight => {
                (0..params.keys).map(|k| theory::singleflight_without_cache_qps(total * probability(k), delta, params.app_servers)).sum()
            }
            _ => total,
        });
        let (expected, lead) = match &params.protection {
            _ if !params.cache_enabled => (None, None),
            Protection::None => (Some(unprotected), None),
            Protection::Singleflight | Protection::Lock { scope: LockScope::Local, .. } => {
                (Some(theory::expected_herd_per_server(lambda, delta, params.app_servers)), None)
            }
            Protection::Lock { scope: LockScope::Distributed, .. } | Protection::Lease { .. } | Protection::Swr { .. } => (Some(1.0), None),
            // One refresh per key at a time, started once a hit falls in the window: 1 if a
            // request arrives in it (probability 1 − e^(−λ·ahead)), else the herd at expiry
            // (for a window at least δ long, so the refresh lands before the expiry).
            Protection::RefreshAhead { ahead_ms } => {
                let p = 1.0 - libm::exp(-lambda * ahead_ms / 1_000.0);
                (Some(p + (1.0 - p) * unprotected), None)
            }
            Protection::Xfetch { beta, singleflight } => {
                let lead = theory::xfetch_expected_lead(lambda, delta, *beta, ttl) * 1_000.0;
                let expected = (!singleflight).then(|| theory::xfetch_expected_recomputes(lambda, delta, *beta, ttl));
                (expected, Some(lead))
            }
        };
        Theory {
            hot_key_rate: lambda,
            delta_ms: delta * 1_000.0,
            expected_recomputes: expected,
            unprotected_herd: unprotected,
            xfetch_expected_lead_ms: lead,
            expected_db_qps,
        }
    }
}

impl Pattern for StampedeSim {
    const WIDGET: &'static str = "stampede";
    const TITLE: &'static str = "Cache stampede";
    const PREVIEW_SVG: &'static str = r#"<svg viewBox="0 0 120 60" aria-hidden="true"><g fill="var(--panel)" stroke="currentColor" stroke-opacity=".5" stroke-width="1.5"><rect x="2" y="22" width="28" height="16" rx="3"/><rect x="46" y="22" width="24" height="16" rx="3" stroke="var(--oi-orange)" stroke-opacity="1" stroke-dasharray="3 2"/><rect x="92" y="14" width="24" height="32" rx="3"/></g><g font-size="6.5" text-anchor="middle" fill="currentColor"><text x="16" y="32">clients</text><text x="58" y="32">cache</text><text x="104" y="32">DB</text></g><g fill="var(--oi-vermillion)"><circle cx="76" cy="18" r="2"/><circle cx="81" cy="24" r="2"/><circle cx="77" cy="30" r="2"/><circle cx="83" cy="34" r="2"/><circle cx="78" cy="40" r="2"/><circle cx="84" cy="44" r="2"/></g><path d="M31 30H44" stroke="currentColor" stroke-opacity=".5" stroke-width="1.2"/></svg>"#;
    const SUMMARY: &'static str = "Clients read through app servers and a cache in front of a database. When a hot value expires, every request misses at once: watch the herd hit the database, and what locks, singleflight, leases, XFetch, stale-while-revalidate and jitter each do about it.";
    const MS_PER_SECOND: f64 = 1_000.0;
    type Params = StampedeParams;
    type Command = StampedeCommand;
    type Msg = StampedeMsg;
    type Timer = StampedeTimer;
    type Event = StampedeEvent;
    type Metrics = StampedeMetrics;
    type Derived = super::sweep::StampedeSweep;

    fn poster_picture(&self, now: Tick, network: &crate::engine::Network) -> Option<crate::poster::Picture> {
        Some(crate::poster::pictures::stampede::picture(self, now, network))
    }

    fn work_estimate(scenario: &crate::scenario::Scenario<Self>) -> f64 {
        let p = &scenario.params;
        // The busiest rate any command asks for, over the whole run.
        let rates = scenario.actions.iter().filter_map(|a| match a.command {
            StampedeCommand::SetLoad { requests_per_second } | StampedeCommand::Spike { requests_per_second, .. } => Some(requests_per_second),
            _ => None,
        });
        let rate = rates.fold(p.requests_per_second, f64::max);
        let requests = rate * scenario.duration_ms / 1_000.0;
        // A request that waits on a lock or a lease looks again every retry_ms until the value
        // is back or its client gives up. Only requests that arrive while a key is being
        // rebuilt wait: about δ / TTL of them (all of them, when δ is as long as the TTL), and
        // each command (a flush) can make every request wait once more.
        let polls = match &p.protection {
            Protection::Lock { retry_ms, .. } | Protection::Lease { retry_ms, .. } => (p.client_timeout_ms / retry_ms).min(1_000.0),
            _ => 0.0,
        };
        let delta_ms = p.recompute.mean_ms();
        let rebuilding = (delta_ms / p.ttl_ms.max(1.0)).clamp(0.0, 1.0);
        let waiting = if rebuilding.is_finite() { rebuilding } else { 1.0 };
        // Per request: its arrival, a query to the database and its reply (sent, delivered),
        // the service and timeout timers, the "no protection" twin's query; plus the polls.
        requests * (10.0 + waiting * polls) + scenario.actions.len() as f64 * (16.0 + polls * rate * delta_ms.min(60_000.0) / 1_000.0)
    }

    fn validate(p: &StampedeParams) -> Result<(), FieldError> {
        p.validate()
    }

    fn validate_command(p: &StampedeParams, command: &StampedeCommand) -> Result<(), FieldError> {
        let rate = |r: f64| {
            if r.is_finite() && r > 0.0 && r <= super::params::MAX_REQUESTS_PER_SECOND {
                Ok(())
            } else {
                Err(FieldError::new("requests_per_second", format!("must be in (0, {}], got {r}", super::params::MAX_REQUESTS_PER_SECOND)))
            }
        };
        match command {
            StampedeCommand::Flush => Ok(()),
            StampedeCommand::Delete { key } | StampedeCommand::Forget { key } if *key >= p.keys => {
                Err(FieldError::new("key", format!("must be < keys ({}), got {key}", p.keys)))
            }
            StampedeCommand::Delete { .. } | StampedeCommand::Forget { .. } => Ok(()),
            StampedeCommand::SetLoad { requests_per_second } => rate(*requests_per_second),
            StampedeCommand::Spike { requests_per_second, duration_ms } => {
                rate(*requests_per_second)?;
                if !(duration_ms.is_finite() && *duration_ms > 0.0 && *duration_ms <= 600_000.0) {
                    return Err(FieldError::new("duration_ms", format!("must be in (0, 600000], got {duration_ms}")));
                }
                Ok(())
            }
        }
    }

    fn supersedes(new: &StampedeCommand, old: &StampedeCommand) -> bool {
        matches!((new, old), (StampedeCommand::SetLoad { .. }, StampedeCommand::SetLoad { .. }))
    }

    fn node_names(p: &StampedeParams) -> Vec<String> {
        let mut names = vec!["clients".to_string()];
        names.extend((0..p.app_servers).map(|i| format!("app-{i}")));
        names.push("cache".into());
        names.push("db".into());
        names
    }

    fn network(_p: &StampedeParams) -> NetworkConfig {
        NetworkConfig { latency: Latency::Constant { ms: 0.5 }, drop_probability: 0.0 }
    }

    fn init(params: &StampedeParams, ctx: &mut Ctx<Self>) -> Self {
        let keys = params.keys.max(1) as usize;
        let exponent = match params.popularity {
            Popularity::Uniform => 0.0,
            Popularity::Zipf { exponent } => exponent,
        };
        // The ring's ZipfSampler draws from its own stream and lives behind the ring's feature;
        // this is the same inverse-CDF table, drawn from the pattern's stream.
        let mut total = 0.0;
        let cumulative: Vec<f64> = (0..keys)
            .map(|rank| {
                total += 1.0 / libm::pow((rank + 1) as f64, exponent);
                total
            })
            .collect();
        let apps = params.app_servers.max(1) as usize;
        let db = 2 + params.app_servers;
        let rtt = ctx.network().link_latency(1, db).mean_ms() + ctx.network().link_latency(db, 1).mean_ms();
        let rtt = ticks_from_ms(rtt);
        let ghost_seed = ctx.rng().next_u64();
        let mut sim = Self {
            params: params.clone(),
            base_rate: params.requests_per_second,
            rate: params.requests_per_second,
            spike_generation: 0,
            cumulative,
            next_request: 0,
            next_fetch: 1,
            requests: BTreeMap::new(),
            cache: vec![None; keys],
            leases: Leases::new(match params.protection {
                Protection::Lease { interval_ms, .. } => ticks_from_ms(interval_ms),
                _ => 0,
            }),
            distributed_locks: SmallMap::new(),
            local_locks: vec![SmallMap::new(); apps],
            groups: vec![Group::default(); apps],
            fetches: BTreeMap::new(),
            keys: vec![KeyState::default(); keys],
            db_active: 0,
            db_queue: VecDeque::new(),
            counts: Counts::default(),
            recent: VecDeque::new(),
            recent_queries: VecDeque::new(),
            recent_db_latency: VecDeque::new(),
            db_latency_max: 0,
            evictions: 0,
            histogram: vec![0; HISTOGRAM_BUCKETS],
            db_peak_concurrency: 0,
            db_peak_queue: 0,
            db_peak_qps: 0.0,
            cycles: 0,
            cycle_recomputes: 0,
            largest_herd: 0,
            hot_cycles: 0,
            hot_recomputes: 0,
            hot_lead_total: 0,
            theory: Theory {
                hot_key_rate: 0.0,
                delta_ms: 0.0,
                expected_recomputes: None,
                unprotected_herd: 0.0,
                xfetch_expected_lead_ms: None,
                expected_db_qps: None,
            },
            ghost: Ghost {
                rng: SimRng::from_seed(ghost_seed),
                expires: vec![None; keys],
                active: 0,
                queue: VecDeque::new(),
                recent_queries: VecDeque::new(),
                queries: 0,
                peak: 0,
                peak_qps: 0.0,
            },
        };
        sim.theory = Self::compute_theory(params, |k| sim.key_probability(k), rtt);
        if params.warm_start && params.cache_enabled {
            let delta = ticks_from_ms(params.recompute.mean_ms()) + rtt;
            // A bounded cache starts with the most popular keys.
            let warm = if params.cache_capacity == 0 { keys } else { keys.min(params.cache_capacity as usize) };
            for key in 0..warm {
                let ttl = sim.ttl_draw(ctx.rng());
                let entry = Entry { version: 0, stored_at: 0, expires_at: ttl, delta };
                sim.cache[key] = Some(entry);
                if matches!(params.protection, Protection::Lease { .. }) {
                    sim.leases.put(key as u32, entry);
                }
                sim.ghost.expires[key] = Some(ticks_from_ms(params.ttl_ms));
            }
        }
        let first = Latency::Exponential { mean_ms: 1_000.0 / sim.rate }.sample_ticks(ctx.rng());
        ctx.set_timer(CLIENTS, first.max(1), StampedeTimer::NextArrival);
        sim
    }

    fn on_message(&mut self, ctx: &mut Ctx<Self>, from: NodeId, to: NodeId, msg: StampedeMsg) {
        match msg {
            StampedeMsg::Query { fetch, key } if to == db_node(&self.params) => {
                self.counts.db_queries += 1;
                let now = ctx.now();
                self.recent_queries.push_back(now);
                while self.recent_queries.front().is_some_and(|&t| t + WINDOW < now) {
                    self.recent_queries.pop_front();
                }
                self.db_peak_qps = self.db_peak_qps.max(self.recent_queries.len() as f64);
                if self.db_active < self.params.db.concurrency {
                    self.db_serve(ctx, fetch, key, from, now);
                } else if self.db_queue.len() < self.params.db.queue_limit as usize {
                    self.db_queue.push_back(Queued { fetch, key, app: from, at: now });
                    self.db_peak_queue = self.db_peak_queue.max(self.db_queue.len() as u32);
                } else {
                    ctx.send(to, from, StampedeMsg::Reply { fetch, key, ok: false });
                }
            }
            StampedeMsg::Reply { fetch, ok, .. } => {
                self.finish_fetch(ctx, fetch, if ok { Ok(()) } else { Err(FetchError::Overloaded) });
            }
            StampedeMsg::Query { .. } => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<Self>, _node: NodeId, timer: StampedeTimer) {
        match timer {
            StampedeTimer::NextArrival => {
                let key = self.pick_key(ctx.rng());
                let now = ctx.now();
                let id = self.next_request;
                self.next_request += 1;
                self.counts.requests += 1;
                // A random app server (so each sees Poisson arrivals at λ/n), the next one up
                // if it is down.
                let n = self.params.app_servers;
                let first = ctx.rng().below(n as u64) as u32;
                let app = (0..n).map(|i| (first + i) % n).find(|&a| ctx.network().is_up(app_node(a)));
                match app {
                    Some(app) => {
                        self.requests.insert(id, Request { key, app, started: now });
                        self.serve(ctx, id);
                    }
                    None => self.record(now, Outcome::Error, 0),
                }
                if let Some(service) = self.ghost_request(now, key) {
                    ctx.set_timer(CLIENTS, service, StampedeTimer::DbDone { fetch: 0, key, app: CLIENTS, arrived: 0 });
                }
                let gap = Latency::Exponential { mean_ms: 1_000.0 / self.rate }.sample_ticks(ctx.rng());
                ctx.set_timer(CLIENTS, gap.max(1), StampedeTimer::NextArrival);
            }
            StampedeTimer::SpikeEnd { generation } => {
                if generation == self.spike_generation {
                    self.rate = self.base_rate;
                }
            }
            StampedeTimer::Retry { request } => self.serve(ctx, request),
            StampedeTimer::DbTimeout { fetch } => self.finish_fetch(ctx, fetch, Err(FetchError::Timeout)),
            // The ghost's database finished a query (its own timers, on the clients node).
            StampedeTimer::DbDone { key, app: CLIENTS, .. } => {
                let now = ctx.now();
                let g = &mut self.ghost;
                g.active = g.active.saturating_sub(1);
                if self.params.cache_enabled {
                    g.expires[key as usize] = Some(now + ticks_from_ms(self.params.ttl_ms));
                }
                if let Some((next, _)) = g.queue.pop_front() {
                    g.active += 1;
                    let service = self.params.recompute.sample_ticks(&mut g.rng);
                    ctx.set_timer(CLIENTS, service, StampedeTimer::DbDone { fetch: 0, key: next, app: CLIENTS, arrived: 0 });
                }
            }
            StampedeTimer::DbDone { fetch, key, app, arrived } => {
                self.db_active = self.db_active.saturating_sub(1);
                let now = ctx.now();
                self.recent_db_latency.push_back((now, now - arrived));
                while self.recent_db_latency.front().is_some_and(|&(t, _)| t + WINDOW < now) {
                    self.recent_db_latency.pop_front();
                }
                self.db_latency_max = self.db_latency_max.max(now - arrived);
                let db = db_node(&self.params);
                ctx.send(db, app, StampedeMsg::Reply { fetch, key, ok: true });
                let timeout = ticks_from_ms(self.params.db.timeout_ms);
                while let Some(q) = self.db_queue.pop_front() {
                    if ctx.now() - q.at > timeout {
                        self.counts.db_abandoned += 1;
                        continue;
                    }
                    self.db_serve(ctx, q.fetch, q.key, q.app, q.at);
                    break;
                }
            }
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &StampedeCommand) {
        match command {
            StampedeCommand::Flush => self.wipe_cache(),
            StampedeCommand::Delete { key } => {
                if let Some(e) = self.cache.get_mut(*key as usize) {
                    *e = None;
                }
                self.leases.delete(key);
                if let Some(e) = self.ghost.expires.get_mut(*key as usize) {
                    *e = None;
                }
            }
            StampedeCommand::SetLoad { requests_per_second } => {
                self.base_rate = *requests_per_second;
                self.rate = *requests_per_second;
                self.spike_generation += 1;
            }
            StampedeCommand::Spike { requests_per_second, duration_ms } => {
                self.spike_generation += 1;
                self.rate = *requests_per_second;
                ctx.set_timer(CLIENTS, ticks_from_ms(*duration_ms), StampedeTimer::SpikeEnd { generation: self.spike_generation });
            }
            StampedeCommand::Forget { key } => self.groups.iter_mut().for_each(|g| g.forget(key)),
        }
    }

    fn on_fault(&mut self, ctx: &mut Ctx<Self>, fault: &Fault) {
        let Fault::Crash { node } = fault else { return };
        let node = *node;
        if node == cache_node(&self.params) {
            // A cache node comes back cold; its locks and lease tokens die with it.
            self.wipe_cache();
        } else if node == db_node(&self.params) {
            self.db_active = 0;
            self.db_queue.clear();
        } else if (1..=self.params.app_servers).contains(&node) {
            // A crashed app server loses its waiting requests, its local locks and its
            // singleflight calls; a distributed lock it held stays until its lease runs out.
            let app = node - 1;
            self.local_locks[app as usize].clear();
            self.groups[app as usize].clear();
            let lost: Vec<u64> = self.fetches.iter().filter(|(_, f)| f.app == app).map(|(&id, _)| id).collect();
            for id in lost {
                if let Some(f) = self.fetches.remove(&id) {
                    if self.keys[f.key as usize].revalidating == Some(id) {
                        self.keys[f.key as usize].revalidating = None;
                    }
                }
            }
            let waiting: Vec<u64> = self.requests.iter().filter(|(_, r)| r.app == app).map(|(&id, _)| id).collect();
            for id in waiting {
                self.respond(ctx, id, Outcome::Error);
            }
        }
    }

    const SERIES: &'static [SeriesSpec] = &[
        SeriesSpec { name: "DB queries", unit: "/s", ghost: Some(9) },
        SeriesSpec { name: "concurrent DB queries", unit: "queries", ghost: Some(10) },
        SeriesSpec { name: "DB queue", unit: "queries", ghost: None },
        SeriesSpec { name: "client latency p50", unit: "ms", ghost: None },
        SeriesSpec { name: "client latency p99", unit: "ms", ghost: None },
        SeriesSpec { name: "hits", unit: "/s", ghost: None },
        SeriesSpec { name: "misses (waited for the DB)", unit: "/s", ghost: None },
        SeriesSpec { name: "stale served", unit: "/s", ghost: None },
        SeriesSpec { name: "errors", unit: "/s", ghost: None },
        SeriesSpec { name: "DB queries without protection", unit: "/s", ghost: None },
        SeriesSpec { name: "concurrent DB queries without protection", unit: "queries", ghost: None },
        SeriesSpec { name: "DB query latency (mean, incl. queue)", unit: "ms", ghost: None },
    ];

    fn sample(&self, now: Tick) -> Vec<f64> {
        let latencies = self.recent_latencies(now);
        vec![
            Self::qps(&self.recent_queries, now),
            self.db_active as f64,
            self.db_queue.len() as f64,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            self.rate_of(now, Outcome::Hit),
            self.rate_of(now, Outcome::Miss) + self.rate_of(now, Outcome::Shared),
            self.rate_of(now, Outcome::Stale),
            self.rate_of(now, Outcome::Error),
            Self::qps(&self.ghost.recent_queries, now),
            self.ghost.active as f64,
            self.mean_db_latency_ms(now),
        ]
    }

    fn metrics(&self, _now: Tick) -> StampedeMetrics {
        StampedeMetrics {
            protection: self.params.protection.describe(),
            counts: self.counts.clone(),
            db_peak_concurrency: self.db_peak_concurrency,
            db_peak_queue: self.db_peak_queue,
            db_peak_qps: self.db_peak_qps,
            db_latency_max_ms: ms_from_ticks(self.db_latency_max),
            evictions: self.evictions,
            latency_p50_ms: self.histogram_percentile(0.5),
            latency_p99_ms: self.histogram_percentile(0.99),
            cycles: self.cycles,
            recomputes_per_cycle: if self.cycles > 0 { self.cycle_recomputes as f64 / self.cycles as f64 } else { 0.0 },
            largest_herd: self.largest_herd,
            hot_key_last_herd: self.last_herd(0),
            hot_key_mean_recomputes: self.hot_key_mean_recomputes(),
            hot_key_cycles: self.hot_cycles,
            hot_key_mean_lead_ms: (self.hot_cycles > 0).then(|| ms_from_ticks(self.hot_lead_total) / self.hot_cycles as f64),
            theory: self.theory.clone(),
            ghost_db_peak_concurrency: self.ghost.peak,
            ghost_db_peak_qps: self.ghost.peak_qps,
            ghost_db_queries: self.ghost.queries,
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

    fn describe_event(event: &StampedeEvent) -> String {
        match event {
            StampedeEvent::Request { request, key, app, outcome, latency_ms } => {
                let what = match outcome {
                    Outcome::Hit => "hit",
                    Outcome::Miss => "missed and waited for the database",
                    Outcome::Stale => "was served a stale value",
                    Outcome::Shared => "got another caller's singleflight result",
                    Outcome::Error => "failed",
                };
                format!("request {request} for key {key} on app-{app} {what} ({latency_ms:.0} ms)")
            }
            StampedeEvent::Recompute { fetch, key, app, why } => match why {
                Why::Miss => format!("app-{app} recomputes key {key} (query {fetch})"),
                Why::Early { lead_ms } => format!("app-{app} recomputes key {key} early, {lead_ms:.0} ms before it expires (XFetch, query {fetch})"),
                Why::Revalidate => format!("app-{app} revalidates key {key} in the background (query {fetch})"),
            },
            StampedeEvent::Stored { fetch, key, took_ms, ttl_ms } => {
                format!("query {fetch} stored key {key} after {took_ms:.0} ms; it lives {:.2} s", ttl_ms / 1_000.0)
            }
            StampedeEvent::NotStored { fetch, key, reason } => format!("query {fetch} for key {key} finished but was not stored: {reason}"),
            StampedeEvent::Failed { fetch, key, error } => match error {
                FetchError::Timeout => format!("query {fetch} for key {key} timed out"),
                FetchError::Overloaded => format!("query {fetch} for key {key} refused: the database queue is full"),
            },
            StampedeEvent::Herd { key, recomputes } => format!("key {key}'s expiry cost {recomputes} recompute(s)"),
            StampedeEvent::GaveUp { request, key } => format!("request {request} for key {key} gave up waiting"),
            StampedeEvent::Evicted { key } => format!("key {key} evicted: the cache is full (least recently used goes)"),
        }
    }

    fn describe_msg(msg: &StampedeMsg) -> String {
        match msg {
            StampedeMsg::Query { fetch, key } => format!("query {fetch} (key {key})"),
            StampedeMsg::Reply { fetch, ok: true, .. } => format!("result of query {fetch}"),
            StampedeMsg::Reply { fetch, ok: false, .. } => format!("query {fetch} refused (overloaded)"),
        }
    }

    fn describe_command(command: &StampedeCommand) -> String {
        match command {
            StampedeCommand::Flush => "cache flushed: every key is cold".into(),
            StampedeCommand::Delete { key } => format!("key {key} deleted (invalidated)"),
            StampedeCommand::SetLoad { requests_per_second } => format!("load now {requests_per_second:.0} requests/s"),
            StampedeCommand::Spike { requests_per_second, duration_ms } => {
                format!("traffic spike: {requests_per_second:.0} requests/s for {:.1} s", duration_ms / 1_000.0)
            }
            StampedeCommand::Forget { key } => format!("singleflight Forget(key {key}) on every app server"),
        }
    }
}
