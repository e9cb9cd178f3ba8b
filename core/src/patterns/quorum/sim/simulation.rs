//! The quorum store on the engine: a client, coordinators and replicas exchanging messages.
//!
//! Every message goes through the engine's network, so latency, loss, partitions and crashes
//! apply to each one. Storage is durable (a crash loses in-flight operations and timers, not
//! data). The simulation also keeps an *oracle*: the writes that committed and when, against
//! which every read is judged fresh or stale.

use crate::small_map::SmallMap;
use std::collections::VecDeque;

use serde::Serialize;

use super::hints::HintQueue;
use super::messages::{KeyId, QuorumCommand, QuorumEvent, QuorumMsg, QuorumTimer};
use super::params::{check_rate, check_retained_writes, Coordinator, QuorumParams};
use super::placement::{key_names, preference_lists};
use super::read::{classify, CommittedWrite, ReadContext, ReadRecord, Verdict};
use super::version::{labels, merge_into, set_covers_all, Stamp, Version, Versioning};
use crate::engine::{ms_from_ticks, ticks_from_ms, Ctx, Fault, Latency, NetworkConfig, NodeId, Pattern, SeriesSpec, Tick, TICKS_PER_SECOND};
use crate::error::FieldError;
use crate::scenario::Scenario;

/// Reads kept for the table.
pub const RECENT_READS: usize = 12;

/// Window of the rates and means in [`QuorumSim::SERIES`].
const SERIES_WINDOW: Tick = TICKS_PER_SECOND;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OpKind {
    Write,
    Read,
}

#[derive(Clone, Debug)]
struct ClientOp {
    kind: OpKind,
    key: KeyId,
    started: Tick,
}

#[derive(Clone, Debug)]
struct PendingWrite {
    coordinator: NodeId,
    key: KeyId,
    version: Version,
    acks: Vec<NodeId>,
    /// holder → owner, for targets that stand in for an unreachable owner.
    standins: SmallMap<NodeId, NodeId>,
}

#[derive(Clone, Debug)]
struct PendingRead {
    coordinator: NodeId,
    key: KeyId,
    started: Tick,
    /// Every reply so far, in arrival order.
    replies: Vec<(NodeId, Vec<Version>)>,
    /// Once R replies arrived: the newest versions seen (the answer, then merged with late
    /// replies, which only trigger read repair).
    best: Option<Vec<Version>>,
}

/// Operation counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, crate::json::ToJson)]
pub struct OpCounts {
    pub writes_issued: u64,
    /// Writes that reached W acks (the oracle's commit).
    pub writes_committed: u64,
    /// Writes the client saw fail (too few acks in time, no coordinator, or no answer).
    pub writes_failed: u64,
    pub reads_issued: u64,
    pub reads_fresh: u64,
    pub reads_stale: u64,
    /// Reads the client saw fail (too few replies in time, no coordinator, or no answer).
    pub reads_failed: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct QuorumMetrics {
    pub n: u32,
    pub r: u32,
    pub w: u32,
    /// `R + W > N`.
    pub strict_quorum: bool,
    pub sloppy_quorum: bool,
    pub versioning: Versioning,
    pub ops: OpCounts,
    /// Stale reads / judged reads (0 when none).
    pub stale_fraction: f64,
    pub read_repairs: u64,
    pub hints_stored: u64,
    pub hints_delivered: u64,
    pub hints_pending: u64,
    /// Keys whose replicas do not all hold the same versions right now.
    pub divergent_keys: u32,
    pub mean_read_latency_ms: f64,
    pub mean_write_latency_ms: f64,
}

#[derive(Clone, Debug)]
pub struct QuorumSim {
    params: QuorumParams,
    names: Vec<String>,
    keys: Vec<String>,
    /// Per key: every storage node in preference order (the first N are its replicas).
    prefs: Vec<Vec<NodeId>>,
    /// Per storage node: key → sibling set. Durable across crashes.
    store: Vec<SmallMap<KeyId, Vec<Version>>>,
    hints: Vec<HintQueue>,
    hint_timer_armed: Vec<bool>,
    /// Per coordinator: its vector-clock counter.
    clock_counter: Vec<u64>,
    writes_per_second: f64,
    reads_per_second: f64,
    generation: u64,
    next_op: u64,
    client_ops: SmallMap<u64, ClientOp>,
    /// When each read was issued, until its coordinator takes it (kept apart from
    /// `client_ops` so a client crash cannot make the oracle judge a read by a later start).
    read_started: SmallMap<u64, Tick>,
    pending_writes: SmallMap<u64, PendingWrite>,
    pending_reads: SmallMap<u64, PendingRead>,
    /// The oracle: per key, committed writes in commit order.
    committed: Vec<Vec<CommittedWrite>>,
    /// Probe writes in flight: op → how long after its commit to read.
    probe_reads: SmallMap<u64, Tick>,
    recent_reads: VecDeque<ReadRecord>,
    counts: OpCounts,
    read_repairs: u64,
    hints_stored: u64,
    hints_delivered: u64,
    /// Held hints looked at while storing, handing off and dropping hints.
    hints_examined: u64,
    /// (finished at, latency) of client-completed operations, for the series.
    read_latencies: VecDeque<(Tick, Tick)>,
    write_latencies: VecDeque<(Tick, Tick)>,
    /// (judged at, stale) of reads, for the series.
    verdicts: VecDeque<(Tick, bool)>,
    read_latency_total: (u64, u64),
    write_latency_total: (u64, u64),
}

impl QuorumSim {
    pub fn client_node(params: &QuorumParams) -> NodeId {
        params.replicas
    }

    fn client(&self) -> NodeId {
        self.params.replicas
    }

    pub fn params(&self) -> &QuorumParams {
        &self.params
    }

    pub fn key_names(&self) -> &[String] {
        &self.keys
    }

    /// The key's N replicas, owner first.
    pub fn replicas_of(&self, key: KeyId) -> &[NodeId] {
        let list = &self.prefs[key as usize];
        &list[..(self.params.n as usize).min(list.len())]
    }

    /// Every storage node in the key's preference order.
    pub fn preference_order(&self, key: KeyId) -> &[NodeId] {
        &self.prefs[key as usize]
    }

    pub fn key_id(&self, name: &str) -> Option<KeyId> {
        self.keys.iter().position(|k| k == name).map(|i| i as KeyId)
    }

    /// What `node` stores for `key` (not counting hints it holds for others).
    pub fn versions(&self, node: NodeId, key: KeyId) -> &[Version] {
        self.store.get(node as usize).and_then(|s| s.get(&key)).map_or(&[], Vec::as_slice)
    }

    /// Hints `node` holds for other nodes (oldest first when iterated).
    pub fn hints(&self, node: NodeId) -> &HintQueue {
        self.hints.get(node as usize).unwrap_or(HintQueue::empty())
    }

    /// Held hints looked at so far while storing, handing off and dropping hints. It grows with
    /// the hint traffic, not with the number of hints pending (each store compares only hints
    /// of the same write; a retry visits only hints for reachable owners).
    pub fn hints_examined(&self) -> u64 {
        self.hints_examined
    }

    /// The most recent judged reads, oldest first.
    pub fn recent_reads(&self) -> impl DoubleEndedIterator<Item = &ReadRecord> + ExactSizeIterator {
        self.recent_reads.iter()
    }

    pub fn counts(&self) -> &OpCounts {
        &self.counts
    }

    /// The newest committed version(s) of `key` so far (labels), `—` if none.
    pub fn latest_committed(&self, key: KeyId) -> String {
        let needed = super::read::required(&self.committed[key as usize], Tick::MAX);
        let versions: Vec<Version> = needed.into_iter().map(|c| c.version.clone()).collect();
        labels(&versions)
    }

    /// True when all N replicas of `key` hold exactly the same versions.
    pub fn converged(&self, key: KeyId) -> bool {
        let replicas = self.replicas_of(key);
        let first = self.versions(replicas[0], key);
        replicas.iter().all(|&r| {
            let v = self.versions(r, key);
            set_covers_all(v, first) && set_covers_all(first, v)
        })
    }

    fn divergent_keys(&self) -> u32 {
        (0..self.keys.len() as KeyId).filter(|&k| !self.converged(k)).count() as u32
    }

    fn name(&self, node: NodeId) -> &str {
        self.names.get(node as usize).map_or("?", String::as_str)
    }

    fn reachable(ctx: &Ctx<Self>, from: NodeId, to: NodeId) -> bool {
        ctx.network().is_up(to) && !ctx.network().partitioned(from, to)
    }

    fn pick_coordinator(&self, ctx: &mut Ctx<Self>, key: KeyId) -> Option<NodeId> {
        let client = self.client();
        match self.params.coordinator {
            Coordinator::Fixed { node } => Some(node),
            Coordinator::FirstReachable | Coordinator::RandomReachable => {
                let reachable: Vec<NodeId> = self.replicas_of(key).iter().copied().filter(|&n| Self::reachable(ctx, client, n)).collect();
                if reachable.is_empty() {
                    // Any node can coordinate: fall back to the first reachable stand-in.
                    return self.preference_order(key).iter().copied().find(|&n| Self::reachable(ctx, client, n));
                }
                if self.params.coordinator == Coordinator::RandomReachable {
                    let i = ((ctx.rng().unit() * reachable.len() as f64) as usize).min(reachable.len() - 1);
                    Some(reachable[i])
                } else {
                    Some(reachable[0])
                }
            }
        }
    }

    fn schedule_arrival(&self, ctx: &mut Ctx<Self>, write: bool) {
        let rate = if write { self.writes_per_second } else { self.reads_per_second };
        if rate <= 0.0 {
            return;
        }
        let gap = Latency::Exponential { mean_ms: 1_000.0 / rate }.sample_ticks(ctx.rng()).max(1);
        let generation = self.generation;
        let timer = if write { QuorumTimer::NextWrite { generation } } else { QuorumTimer::NextRead { generation } };
        ctx.set_timer(self.client(), gap, timer);
    }

    fn restart_workload(&mut self, ctx: &mut Ctx<Self>) {
        self.generation += 1;
        self.schedule_arrival(ctx, true);
        self.schedule_arrival(ctx, false);
    }

    /// The client starts an operation.
    fn issue(&mut self, ctx: &mut Ctx<Self>, kind: OpKind, key: KeyId, value: Option<u64>, via: Option<NodeId>) {
        let op = self.next_op;
        self.next_op += 1;
        let client = self.client();
        match kind {
            OpKind::Write => self.counts.writes_issued += 1,
            OpKind::Read => self.counts.reads_issued += 1,
        }
        let key_name = self.keys[key as usize].clone();
        if !ctx.network().is_up(client) {
            return;
        }
        let Some(coordinator) = via.or_else(|| self.pick_coordinator(ctx, key)) else {
            let reason = "no storage node is reachable from the client".to_string();
            match kind {
                OpKind::Write => {
                    self.counts.writes_failed += 1;
                    ctx.emit(QuorumEvent::WriteFailed { op, key: key_name, reason });
                }
                OpKind::Read => {
                    self.counts.reads_failed += 1;
                    ctx.emit(QuorumEvent::ReadFailed { op, key: key_name, reason });
                }
            }
            return;
        };
        self.client_ops.insert(op, ClientOp { kind, key, started: ctx.now() });
        if kind == OpKind::Read {
            self.read_started.insert(op, ctx.now());
        }
        let msg = match kind {
            OpKind::Write => QuorumMsg::Put { op, key, value: value.unwrap_or(op) },
            OpKind::Read => QuorumMsg::Get { op, key },
        };
        ctx.send(client, coordinator, msg);
        ctx.set_timer(client, ticks_from_ms(2.0 * self.params.timeout_ms), QuorumTimer::ClientTimeout { op });
    }

    fn new_version(&mut self, ctx: &Ctx<Self>, coordinator: NodeId, key: KeyId, op: u64, value: u64) -> Version {
        let stamp = match self.params.versioning {
            Versioning::LastWriteWins => Stamp::Lww { ts: ctx.now(), node: coordinator, op },
            Versioning::VectorClock => {
                // The new clock descends from everything the coordinator has stored for the key.
                let mut clock = SmallMap::new();
                for v in self.versions(coordinator, key) {
                    if let Stamp::Clock { clock: c } = &v.stamp {
                        for (node, count) in c {
                            let e = clock.entry(*node).or_insert(0);
                            *e = (*e).max(*count);
                        }
                    }
                }
                let counter = &mut self.clock_counter[coordinator as usize];
                *counter += 1;
                clock.insert(coordinator, *counter);
                Stamp::Clock { clock }
            }
        };
        Version { value, op, stamp }
    }

    /// Coordinator: a client write arrived.
    fn coordinate_write(&mut self, ctx: &mut Ctx<Self>, coordinator: NodeId, op: u64, key: KeyId, value: u64) {
        let version = self.new_version(ctx, coordinator, key, op, value);
        let owners: Vec<NodeId> = self.replicas_of(key).to_vec();
        let mut targets: Vec<(NodeId, Option<NodeId>)> = Vec::new();
        if self.params.sloppy_quorum {
            let spares: Vec<NodeId> = self.preference_order(key)[owners.len()..].to_vec();
            let mut spare = spares.into_iter();
            for &owner in &owners {
                if Self::reachable(ctx, coordinator, owner) {
                    targets.push((owner, None));
                } else if let Some(standin) = spare.by_ref().find(|&s| Self::reachable(ctx, coordinator, s)) {
                    targets.push((standin, Some(owner)));
                } else {
                    targets.push((owner, None));
                }
            }
        } else {
            targets = owners.iter().map(|&o| (o, None)).collect();
        }
        let standins = crate::order::map_of(targets.iter().filter_map(|(t, h)| h.map(|owner| (*t, owner))));
        self.pending_writes.insert(op, PendingWrite { coordinator, key, version: version.clone(), acks: Vec::new(), standins });
        for (target, hint_for) in targets {
            ctx.send(coordinator, target, QuorumMsg::Replicate { op, key, version: version.clone(), hint_for });
        }
        ctx.set_timer(coordinator, ticks_from_ms(self.params.timeout_ms), QuorumTimer::OpTimeout { op });
    }

    /// Coordinator: a client read arrived.
    fn coordinate_read(&mut self, ctx: &mut Ctx<Self>, coordinator: NodeId, op: u64, key: KeyId) {
        let started = self.read_started.remove(&op).unwrap_or(ctx.now());
        self.pending_reads.insert(op, PendingRead { coordinator, key, started, replies: Vec::new(), best: None });
        for &replica in &self.replicas_of(key).to_vec() {
            ctx.send(coordinator, replica, QuorumMsg::ReadRequest { op, key });
        }
        ctx.set_timer(coordinator, ticks_from_ms(self.params.timeout_ms), QuorumTimer::OpTimeout { op });
    }

    fn on_ack(&mut self, ctx: &mut Ctx<Self>, from: NodeId, op: u64) {
        let Some(pending) = self.pending_writes.get_mut(&op) else { return };
        if pending.acks.contains(&from) {
            return;
        }
        pending.acks.push(from);
        if pending.acks.len() < self.params.w as usize {
            return;
        }
        let Some(pending) = self.pending_writes.remove(&op) else { return };
        let hinted: Vec<(NodeId, NodeId)> = pending.acks.iter().filter_map(|a| pending.standins.get(a).map(|owner| (*a, *owner))).collect();
        self.counts.writes_committed += 1;
        ctx.emit(QuorumEvent::WriteCommitted {
            op,
            key: self.keys[pending.key as usize].clone(),
            value: pending.version.value,
            coordinator: pending.coordinator,
            acks: pending.acks.clone(),
            hinted: hinted.iter().map(|h| h.0).collect(),
        });
        let key = pending.key as usize;
        self.committed[key].push(CommittedWrite { version: pending.version, at: ctx.now(), acks: pending.acks, hinted });
        self.prune_committed(key, ctx.now());
        if let Some(delay) = self.probe_reads.remove(&op) {
            ctx.set_timer(self.client(), delay, QuorumTimer::ProbeRead { key: pending.key });
        }
        ctx.send(pending.coordinator, self.client(), QuorumMsg::PutDone { op, ok: true });
    }

    /// Drops committed writes that a write committed long enough ago covers: no read still
    /// running can have started before that one.
    fn prune_committed(&mut self, key: usize, now: Tick) {
        let horizon = now.saturating_sub(ticks_from_ms(3.0 * self.params.timeout_ms));
        let list = &self.committed[key];
        if list.len() < 8 {
            return;
        }
        let old: Vec<Version> = list.iter().filter(|c| c.at < horizon).map(|c| c.version.clone()).collect();
        self.committed[key].retain(|c| c.at >= horizon || !old.iter().any(|o| *o != c.version && o.covers(&c.version)));
    }

    fn on_read_reply(&mut self, ctx: &mut Ctx<Self>, from: NodeId, op: u64, versions: Vec<Version>) {
        let Some(pending) = self.pending_reads.get_mut(&op) else { return };
        if pending.replies.iter().any(|(n, _)| *n == from) {
            return;
        }
        pending.replies.push((from, versions.clone()));
        if let Some(best) = pending.best.as_mut() {
            // A late reply: it may bring something newer (then every earlier replier is
            // behind), or be behind itself.
            let mut newer = false;
            for v in &versions {
                newer |= merge_into(best, v);
            }
            let (coordinator, key, best) = (pending.coordinator, pending.key, best.clone());
            let behind: Vec<NodeId> = if newer {
                pending.replies.iter().filter(|(_, vs)| !set_covers_all(vs, &best)).map(|(n, _)| *n).collect()
            } else if !set_covers_all(&versions, &best) {
                vec![from]
            } else {
                Vec::new()
            };
            if self.params.read_repair {
                for node in behind {
                    self.repair(ctx, coordinator, node, key, best.clone());
                }
            }
            return;
        }
        if pending.replies.len() < self.params.r as usize {
            return;
        }
        let mut merged: Vec<Version> = Vec::new();
        for (_, vs) in &pending.replies {
            for v in vs {
                merge_into(&mut merged, v);
            }
        }
        pending.best = Some(merged.clone());
        let (coordinator, key, started, replies) = (pending.coordinator, pending.key, pending.started, pending.replies.clone());
        let key_name = self.keys[key as usize].clone();
        let cx = ReadContext { n: self.params.n, r: self.params.r, w: self.params.w, key: &key_name, names: &self.names };
        let (verdict, cause, repliers, expected, hinted_outside, why) = classify(&cx, &self.committed[key as usize], started, &replies, &merged);
        match verdict {
            Verdict::Fresh => self.counts.reads_fresh += 1,
            Verdict::Stale => self.counts.reads_stale += 1,
        }
        self.verdicts.push_back((ctx.now(), verdict == Verdict::Stale));
        let now = ctx.now();
        while self.verdicts.front().is_some_and(|(at, _)| at + SERIES_WINDOW < now) {
            self.verdicts.pop_front();
        }
        let returned = labels(&merged);
        ctx.emit(QuorumEvent::ReadDone { op, key: key_name.clone(), verdict, returned: returned.clone(), why: why.clone() });
        if self.recent_reads.len() == RECENT_READS {
            self.recent_reads.pop_front();
        }
        self.recent_reads.push_back(ReadRecord {
            op,
            key: key_name,
            started_at: started,
            answered_at: ctx.now(),
            coordinator,
            repliers,
            returned,
            expected,
            verdict,
            cause,
            hinted_outside,
            why,
            latency_ms: None,
        });
        ctx.send(coordinator, self.client(), QuorumMsg::GetDone { op, ok: true, versions: merged.clone() });
        if self.params.read_repair {
            for (node, versions) in replies {
                if !set_covers_all(&versions, &merged) {
                    self.repair(ctx, coordinator, node, key, merged.clone());
                }
            }
        }
    }

    fn repair(&mut self, ctx: &mut Ctx<Self>, coordinator: NodeId, node: NodeId, key: KeyId, versions: Vec<Version>) {
        self.read_repairs += 1;
        ctx.emit(QuorumEvent::ReadRepaired { key: self.keys[key as usize].clone(), node, to: labels(&versions) });
        ctx.send(coordinator, node, QuorumMsg::Repair { key, versions });
    }

    fn store_version(&mut self, node: NodeId, key: KeyId, version: &Version) {
        if let Some(store) = self.store.get_mut(node as usize) {
            merge_into(store.entry(key).or_default(), version);
        }
    }

    fn arm_hint_timer(&mut self, ctx: &mut Ctx<Self>, node: NodeId) {
        let i = node as usize;
        if !self.hint_timer_armed[i] && !self.hints[i].is_empty() {
            self.hint_timer_armed[i] = true;
            ctx.set_timer(node, ticks_from_ms(self.params.hint_retry_ms), QuorumTimer::HintRetry);
        }
    }

    fn client_done(&mut self, ctx: &mut Ctx<Self>, op: u64, ok: bool) {
        let Some(client_op) = self.client_ops.remove(&op) else { return };
        let latency = ctx.now() - client_op.started;
        let key = self.keys[client_op.key as usize].clone();
        match (client_op.kind, ok) {
            (OpKind::Write, true) => {
                self.write_latencies.push_back((ctx.now(), latency));
                self.write_latency_total.0 += latency;
                self.write_latency_total.1 += 1;
            }
            (OpKind::Read, true) => {
                self.read_latencies.push_back((ctx.now(), latency));
                self.read_latency_total.0 += latency;
                self.read_latency_total.1 += 1;
                if let Some(record) = self.recent_reads.iter_mut().rev().find(|r| r.op == op) {
                    record.latency_ms = Some(ms_from_ticks(latency));
                }
            }
            (OpKind::Write, false) => {
                self.counts.writes_failed += 1;
                let reason = format!("fewer than W = {} acks within {} ms", self.params.w, self.params.timeout_ms);
                ctx.emit(QuorumEvent::WriteFailed { op, key, reason });
            }
            (OpKind::Read, false) => {
                self.counts.reads_failed += 1;
                let reason = format!("fewer than R = {} replies within {} ms", self.params.r, self.params.timeout_ms);
                ctx.emit(QuorumEvent::ReadFailed { op, key, reason });
            }
        }
        let now = ctx.now();
        for series in [&mut self.read_latencies, &mut self.write_latencies] {
            while series.front().is_some_and(|(at, _)| at + SERIES_WINDOW < now) {
                series.pop_front();
            }
        }
    }

    fn mean_ms(series: &VecDeque<(Tick, Tick)>, now: Tick) -> f64 {
        let recent: Vec<Tick> = series.iter().filter(|(at, _)| at + SERIES_WINDOW >= now).map(|(_, l)| *l).collect();
        if recent.is_empty() {
            0.0
        } else {
            ms_from_ticks(recent.iter().sum::<Tick>()) / recent.len() as f64
        }
    }

    fn total_mean_ms(total: (u64, u64)) -> f64 {
        if total.1 == 0 {
            0.0
        } else {
            ms_from_ticks(total.0) / total.1 as f64
        }
    }
}

impl Pattern for QuorumSim {
    const WIDGET: &'static str = "quorum";
    const TITLE: &'static str = "Quorum reads and writes";
    const SUMMARY: &'static str = "A Dynamo-style store: each key on N replicas, writes wait for W acks, reads for R replies. Crash, partition and slow the nodes, and see which reads come back stale, and why.";
    // 50 ms of the run per second: a 5 ms message crosses the picture in a tenth of a second, and
    // a lesson's faults (at 0.3–0.5 s) come 6–10 s after Play.
    const MS_PER_SECOND: f64 = 50.0;
    const PREVIEW_SVG: &'static str = r#"<svg viewBox="0 0 120 60" aria-hidden="true"><g stroke="currentColor" stroke-opacity=".4" stroke-width="1.2"><path d="M60 30L60 9M60 30L80 23M60 30L73 47"/></g><g fill="var(--panel)" stroke="var(--ok)" stroke-width="2"><circle cx="60" cy="9" r="6"/><circle cx="80" cy="23" r="6"/><circle cx="73" cy="47" r="6"/></g><g fill="var(--panel)" stroke="var(--bad)" stroke-width="2" stroke-dasharray="2 2"><circle cx="47" cy="47" r="6"/></g><circle cx="40" cy="23" r="6" fill="var(--panel)" stroke="var(--ok)" stroke-width="2"/><circle cx="60" cy="30" r="4" fill="var(--info)"/><rect x="66" y="13" width="5" height="5" fill="var(--oi-vermillion)"/><circle cx="67" cy="40" r="2.5" fill="var(--info)"/></svg>"#;
    type Params = QuorumParams;
    type Command = QuorumCommand;
    type Msg = QuorumMsg;
    type Timer = QuorumTimer;
    type Event = QuorumEvent;
    type Metrics = QuorumMetrics;
    type Derived = super::staleness_curve::StalenessCurve;

    fn poster_picture(&self, now: Tick, network: &crate::engine::Network) -> Option<crate::poster::Picture> {
        Some(crate::poster::pictures::quorum::picture(self, now, network))
    }

    fn normalise(params: QuorumParams) -> QuorumParams {
        params.normalised()
    }

    fn validate(params: &QuorumParams) -> Result<(), FieldError> {
        params.validate()
    }

    fn work_estimate(scenario: &Scenario<Self>) -> f64 {
        let p = &scenario.params;
        // The busiest workload any SetRates asks for, over the whole run (an upper estimate).
        let rates = scenario.actions.iter().filter_map(|a| match a.command {
            QuorumCommand::SetRates { writes_per_second, reads_per_second } => Some(writes_per_second + reads_per_second),
            _ => None,
        });
        let ops_per_second = rates.fold(p.writes_per_second + p.reads_per_second, f64::max);
        let seconds = scenario.duration_ms / 1_000.0;
        let ops = ops_per_second * seconds + scenario.actions.len() as f64;
        // Per operation: the client's request and reply, a fan-out to every replica with its
        // reply (sent and delivered), the timeouts, a read repair; a hint-retry round per
        // storage node every `hint_retry_ms` while hints wait (assumed always, to be safe).
        let replicas = f64::from(p.replicas);
        let per_op = 8.0 + 4.0 * replicas;
        let hint_rounds = replicas * scenario.duration_ms / p.hint_retry_ms;
        ops * per_op + hint_rounds * (1.0 + replicas)
    }

    fn validate_command(params: &QuorumParams, command: &QuorumCommand) -> Result<(), FieldError> {
        let known = |key: &str| {
            if key_names(params.keys).iter().any(|k| k == key) {
                Ok(())
            } else {
                Err(FieldError::new("key", format!("no key \"{key}\": keys are k0..k{}", params.keys.saturating_sub(1))))
            }
        };
        match command {
            QuorumCommand::Write { key, via, .. } | QuorumCommand::Read { key, via } => {
                known(key)?;
                match via {
                    Some(node) if *node >= params.replicas => {
                        Err(FieldError::new("via", format!("must be a storage node 0..{}, got {node}", params.replicas - 1)))
                    }
                    _ => Ok(()),
                }
            }
            QuorumCommand::Probe { key, t_ms, .. } => {
                known(key)?;
                if !(t_ms.is_finite() && *t_ms >= 0.0 && *t_ms <= 60_000.0) {
                    return Err(FieldError::new("t_ms", format!("must be between 0 and 60000 ms, got {t_ms}")));
                }
                Ok(())
            }
            QuorumCommand::SetRates { writes_per_second, reads_per_second } => {
                check_rate("writes_per_second", *writes_per_second)?;
                check_rate("reads_per_second", *reads_per_second)?;
                check_retained_writes(*writes_per_second, params.timeout_ms)
            }
        }
    }

    fn node_names(params: &QuorumParams) -> Vec<String> {
        (0..params.replicas).map(|i| format!("node-{i}")).chain(std::iter::once("client".to_string())).collect()
    }

    fn network(params: &QuorumParams) -> NetworkConfig {
        NetworkConfig { latency: params.wars().read, drop_probability: 0.0 }
    }

    fn init(params: &QuorumParams, ctx: &mut Ctx<Self>) -> Self {
        let keys = key_names(params.keys);
        let replicas = params.replicas as usize;
        let mut sim = Self {
            params: params.clone(),
            names: Self::node_names(params),
            prefs: preference_lists(params.replicas, params.vnodes, &keys),
            committed: vec![Vec::new(); keys.len()],
            probe_reads: SmallMap::new(),
            keys,
            store: vec![SmallMap::new(); replicas],
            hints: vec![HintQueue::default(); replicas],
            hint_timer_armed: vec![false; replicas],
            clock_counter: vec![0; replicas],
            writes_per_second: params.writes_per_second,
            reads_per_second: params.reads_per_second,
            generation: 0,
            next_op: 0,
            client_ops: SmallMap::new(),
            read_started: SmallMap::new(),
            pending_writes: SmallMap::new(),
            pending_reads: SmallMap::new(),
            recent_reads: VecDeque::new(),
            counts: OpCounts::default(),
            read_repairs: 0,
            hints_stored: 0,
            hints_delivered: 0,
            hints_examined: 0,
            read_latencies: VecDeque::new(),
            write_latencies: VecDeque::new(),
            verdicts: VecDeque::new(),
            read_latency_total: (0, 0),
            write_latency_total: (0, 0),
        };
        sim.restart_workload(ctx);
        sim
    }

    fn on_message(&mut self, ctx: &mut Ctx<Self>, from: NodeId, to: NodeId, msg: QuorumMsg) {
        match msg {
            QuorumMsg::Put { op, key, value } => self.coordinate_write(ctx, to, op, key, value),
            QuorumMsg::Get { op, key } => self.coordinate_read(ctx, to, op, key),
            QuorumMsg::Replicate { op, key, version, hint_for } => {
                match hint_for {
                    Some(owner) if owner != to => {
                        if self.hints[to as usize].insert(owner, key, version, &mut self.hints_examined) {
                            self.hints_stored += 1;
                            ctx.emit(QuorumEvent::HintStored { key: self.keys[key as usize].clone(), owner, holder: to });
                        }
                        self.arm_hint_timer(ctx, to);
                    }
                    _ => self.store_version(to, key, &version),
                }
                ctx.send(to, from, QuorumMsg::Ack { op });
            }
            QuorumMsg::Ack { op } => self.on_ack(ctx, from, op),
            QuorumMsg::ReadRequest { op, key } => {
                let versions = self.versions(to, key).to_vec();
                ctx.send(to, from, QuorumMsg::ReadReply { op, key, versions });
            }
            QuorumMsg::ReadReply { op, versions, .. } => self.on_read_reply(ctx, from, op, versions),
            QuorumMsg::PutDone { op, ok } | QuorumMsg::GetDone { op, ok, .. } => self.client_done(ctx, op, ok),
            QuorumMsg::Repair { key, versions } => {
                for v in &versions {
                    self.store_version(to, key, v);
                }
            }
            QuorumMsg::Handoff { key, version } => {
                self.store_version(to, key, &version);
                ctx.send(to, from, QuorumMsg::HandoffAck { key, op: version.op });
            }
            QuorumMsg::HandoffAck { key, op } => {
                let removed = self.hints[to as usize].remove_write(from, key, op);
                self.hints_examined += removed as u64;
                if removed > 0 {
                    self.hints_delivered += 1;
                    ctx.emit(QuorumEvent::HintDelivered { key: self.keys[key as usize].clone(), owner: from, holder: to });
                }
            }
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<Self>, node: NodeId, timer: QuorumTimer) {
        match timer {
            QuorumTimer::NextWrite { generation } | QuorumTimer::NextRead { generation } if generation != self.generation => {}
            QuorumTimer::NextWrite { .. } => {
                let key = ((ctx.rng().unit() * self.keys.len() as f64) as usize).min(self.keys.len() - 1) as KeyId;
                self.issue(ctx, OpKind::Write, key, None, None);
                self.schedule_arrival(ctx, true);
            }
            QuorumTimer::NextRead { .. } => {
                let key = ((ctx.rng().unit() * self.keys.len() as f64) as usize).min(self.keys.len() - 1) as KeyId;
                self.issue(ctx, OpKind::Read, key, None, None);
                self.schedule_arrival(ctx, false);
            }
            QuorumTimer::OpTimeout { op } => {
                if let Some(pending) = self.pending_writes.remove(&op) {
                    ctx.send(pending.coordinator, self.client(), QuorumMsg::PutDone { op, ok: false });
                }
                if let Some(pending) = self.pending_reads.remove(&op) {
                    if pending.best.is_none() {
                        ctx.send(pending.coordinator, self.client(), QuorumMsg::GetDone { op, ok: false, versions: Vec::new() });
                    }
                }
            }
            QuorumTimer::ClientTimeout { op } => {
                // A Get lost on the way: its coordinator will never need the start time.
                if !self.pending_reads.contains_key(&op) {
                    self.read_started.remove(&op);
                }
                self.client_done(ctx, op, false);
            }
            QuorumTimer::ProbeRead { key } => self.issue(ctx, OpKind::Read, key, None, None),
            QuorumTimer::HintRetry => {
                let i = node as usize;
                self.hint_timer_armed[i] = false;
                // Only hints for reachable owners, still in arrival order.
                for hint in self.hints[i].in_order(|owner| Self::reachable(ctx, node, owner)) {
                    self.hints_examined += 1;
                    ctx.send(node, hint.owner, QuorumMsg::Handoff { key: hint.key, version: hint.version.clone() });
                }
                self.arm_hint_timer(ctx, node);
            }
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &QuorumCommand) {
        match command {
            QuorumCommand::Write { key, value, via } => {
                if let Some(k) = self.key_id(key) {
                    self.issue(ctx, OpKind::Write, k, Some(*value), *via);
                }
            }
            QuorumCommand::Read { key, via } => {
                if let Some(k) = self.key_id(key) {
                    self.issue(ctx, OpKind::Read, k, None, *via);
                }
            }
            QuorumCommand::Probe { key, value, t_ms } => {
                if let Some(k) = self.key_id(key) {
                    self.probe_reads.insert(self.next_op, ticks_from_ms(*t_ms));
                    self.issue(ctx, OpKind::Write, k, Some(*value), None);
                }
            }
            QuorumCommand::SetRates { writes_per_second, reads_per_second } => {
                self.writes_per_second = *writes_per_second;
                self.reads_per_second = *reads_per_second;
                self.restart_workload(ctx);
            }
        }
    }

    fn on_fault(&mut self, ctx: &mut Ctx<Self>, fault: &Fault) {
        match fault {
            Fault::Crash { node } => {
                // In-flight coordination dies with the node (its timers are not delivered);
                // stored data and hints survive.
                self.pending_writes.retain(|_, p| p.coordinator != *node);
                self.pending_reads.retain(|_, p| p.coordinator != *node);
                if let Some(armed) = self.hint_timer_armed.get_mut(*node as usize) {
                    *armed = false;
                }
                if *node == self.client() {
                    self.client_ops.clear();
                }
            }
            Fault::Restart { node } => {
                if *node == self.client() {
                    self.restart_workload(ctx);
                } else if (*node as usize) < self.hints.len() {
                    self.arm_hint_timer(ctx, *node);
                }
            }
            _ => {}
        }
    }

    fn metrics(&self, _now: Tick) -> QuorumMetrics {
        let judged = self.counts.reads_fresh + self.counts.reads_stale;
        QuorumMetrics {
            n: self.params.n,
            r: self.params.r,
            w: self.params.w,
            strict_quorum: self.params.strict(),
            sloppy_quorum: self.params.sloppy_quorum,
            versioning: self.params.versioning,
            ops: self.counts.clone(),
            stale_fraction: if judged == 0 { 0.0 } else { self.counts.reads_stale as f64 / judged as f64 },
            read_repairs: self.read_repairs,
            hints_stored: self.hints_stored,
            hints_delivered: self.hints_delivered,
            hints_pending: self.hints.iter().map(|h| h.len() as u64).sum(),
            divergent_keys: self.divergent_keys(),
            mean_read_latency_ms: Self::total_mean_ms(self.read_latency_total),
            mean_write_latency_ms: Self::total_mean_ms(self.write_latency_total),
        }
    }

    const SERIES: &'static [SeriesSpec] = &[
        SeriesSpec { name: "stale reads (last second)", unit: "%", ghost: None },
        SeriesSpec { name: "read latency (mean, last second)", unit: "ms", ghost: None },
        SeriesSpec { name: "write latency (mean, last second)", unit: "ms", ghost: None },
        SeriesSpec { name: "hints waiting for handoff", unit: "hints", ghost: None },
        SeriesSpec { name: "keys with diverging replicas", unit: "keys", ghost: None },
    ];

    fn sample(&self, now: Tick) -> Vec<f64> {
        let recent: Vec<bool> = self.verdicts.iter().filter(|(at, _)| at + SERIES_WINDOW >= now).map(|(_, s)| *s).collect();
        let stale_pct = if recent.is_empty() { 0.0 } else { 100.0 * recent.iter().filter(|s| **s).count() as f64 / recent.len() as f64 };
        vec![
            stale_pct,
            Self::mean_ms(&self.read_latencies, now),
            Self::mean_ms(&self.write_latencies, now),
            self.hints.iter().map(|h| h.len() as f64).sum(),
            self.divergent_keys() as f64,
        ]
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

    fn describe_event(event: &QuorumEvent) -> String {
        match event {
            QuorumEvent::WriteCommitted { op, key, value, acks, hinted, .. } => {
                let hinted = if hinted.is_empty() { String::new() } else { format!(" ({} of them hinted stand-ins)", hinted.len()) };
                format!("write #{op} {key} = v{value} committed with {} acks{hinted}", acks.len())
            }
            QuorumEvent::WriteFailed { op, key, reason } => format!("write #{op} to {key} failed: {reason}"),
            QuorumEvent::ReadDone { op, key, verdict: Verdict::Fresh, returned, .. } => format!("read #{op} of {key} returned {returned}: fresh"),
            QuorumEvent::ReadDone { op, key, verdict: Verdict::Stale, returned, why } => {
                format!("read #{op} of {key} returned {returned}: STALE ({why})")
            }
            QuorumEvent::ReadFailed { op, key, reason } => format!("read #{op} of {key} failed: {reason}"),
            QuorumEvent::ReadRepaired { key, node, to } => format!("read repair: node-{node} gets {key} = {to}"),
            QuorumEvent::HintStored { key, owner, holder } => format!("node-{holder} keeps a hint of {key} for node-{owner}"),
            QuorumEvent::HintDelivered { key, owner, holder } => format!("node-{holder} handed {key} off to node-{owner}"),
        }
    }

    fn describe_msg(msg: &QuorumMsg) -> String {
        match msg {
            QuorumMsg::Put { op, key, value } => format!("put #{op} k{key} = v{value}"),
            QuorumMsg::Get { op, key } => format!("get #{op} k{key}"),
            QuorumMsg::Replicate { op, key, version, hint_for: None } => format!("replicate #{op} k{key} {}", version.label()),
            QuorumMsg::Replicate { op, key, version, hint_for: Some(owner) } => {
                format!("replicate #{op} k{key} {} (hint for node-{owner})", version.label())
            }
            QuorumMsg::Ack { op } => format!("ack #{op}"),
            QuorumMsg::ReadRequest { op, key } => format!("read #{op} k{key}"),
            QuorumMsg::ReadReply { op, versions, .. } => format!("reply #{op}: {}", labels(versions)),
            QuorumMsg::PutDone { op, ok } => format!("put #{op} {}", if *ok { "ok" } else { "failed" }),
            QuorumMsg::GetDone { op, ok: true, versions } => format!("get #{op} → {}", labels(versions)),
            QuorumMsg::GetDone { op, ok: false, .. } => format!("get #{op} failed"),
            QuorumMsg::Repair { key, versions } => format!("repair k{key} → {}", labels(versions)),
            QuorumMsg::Handoff { key, version } => format!("hinted handoff k{key} {}", version.label()),
            QuorumMsg::HandoffAck { key, .. } => format!("handoff ack k{key}"),
        }
    }

    fn describe_command(command: &QuorumCommand) -> String {
        match command {
            QuorumCommand::Write { key, value, via } => format!("client writes {key} = v{value}{}", via_text(*via)),
            QuorumCommand::Read { key, via } => format!("client reads {key}{}", via_text(*via)),
            QuorumCommand::Probe { key, value, t_ms } => {
                format!("probe: client writes {key} = v{value}, then reads it {t_ms} ms after the write commits")
            }
            QuorumCommand::SetRates { writes_per_second, reads_per_second } => {
                format!("workload now {writes_per_second:.0} writes/s and {reads_per_second:.0} reads/s")
            }
        }
    }
}

fn via_text(via: Option<NodeId>) -> String {
    via.map(|n| format!(" via node-{n}")).unwrap_or_default()
}

impl QuorumSim {
    /// The name of `node` as the event log shows it.
    pub fn node_name(&self, node: NodeId) -> &str {
        self.name(node)
    }
}
