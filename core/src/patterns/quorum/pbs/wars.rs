//! One WARS trial: a write, then a read `t` ms after the write commits.
//!
//! The model is the paper's "Inconsistency in Dynamo: WARS Model" and its Monte Carlo recipe
//! ("Monte Carlo Simulator"): for each of the `N` replicas draw one delay from
//! each of W, A, R, S; the write commits at `w_t`, the `W`-th smallest `W[i] + A[i]`; the read
//! returns the `R` replicas with the smallest `R[i] + S[i]`; it is consistent if at least one
//! of them had the write when the read request arrived, `W[i] ≤ w_t + t + R[i]`. (The paper's
//! text prints the staleness side of that inequality; the authors' simulator,
//! `StaleCalc.calc_stale`, tests `w_t + R[i] + t >= W[i]` for "current", which we follow:
//! a write and a read arriving at the same instant count as consistent.)
//!
//! Instead of re-running the trial for every `t`, we solve the inequality for `t`: the read is
//! consistent exactly when `t ≥ τ`, with the trial's *staleness window*
//! `τ = min over the R read replicas of (W[i] − w_t − R[i])`. One trial then answers every
//! `t` at once. That is common random numbers across `t`: each point of the curve is still an
//! unbiased estimate, and the curve is non-decreasing in `t` for any seed, by construction.
//!
//! Latency reported per trial (the paper's `L_r`, `L_w`): the write latency is `w_t`; the
//! read latency is the `R`-th smallest `R[i] + S[i]`. Both are measured at the coordinator,
//! excluding client round trips, as in the paper.

use serde::{Deserialize, Serialize};

use crate::engine::rng::SimRng;

use super::presets::WarsLatencies;
use super::quorum_sizes::QuorumSizes;

/// Every sampled one-way delay is capped here (≈ 31,700 years), so that a Pareto with a tiny
/// `alpha` producing `inf` cannot turn `w_t − W[i]` into `inf − inf = NaN`.
pub const MAX_DELAY_MS: f64 = 1e15;

/// Whether a write keeps spreading after it commits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum WritePropagation {
    /// Dynamo-style expanding quorums: the write was sent to all `N` replicas and each
    /// applies it when its W message arrives (the WARS model).
    #[default]
    AllReplicas,
    /// Non-expanding quorums, the assumption of the closed forms (paper, Section 3.1): only
    /// the `W` replicas whose acks committed the write ever hold it. With IID delays the
    /// staleness is then exactly Eq. 1 at every `t`; useful to see what expansion buys.
    WriteQuorumOnly,
}

/// What one trial measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrialOutcome {
    /// `w_t`: time from the coordinator sending the write to the `W`-th ack.
    pub write_latency_ms: f64,
    /// Time from the coordinator sending the read to the `R`-th response.
    pub read_latency_ms: f64,
    /// `τ`: the read is consistent for every `t ≥ τ` and stale for every `t < τ`. Negative
    /// when even a read issued before commit would be consistent; `+∞` when no read replica
    /// ever gets the write (only with [`WritePropagation::WriteQuorumOnly`]).
    pub staleness_window_ms: f64,
}

/// The four delays one replica sees in one trial.
#[derive(Clone, Copy, Debug, Default)]
struct ReplicaDelays {
    write: f64,
    ack: f64,
    read: f64,
    response: f64,
}

/// Draws WARS trials. Holds scratch buffers so the hot loop does not allocate.
#[derive(Clone, Debug)]
pub struct WarsSampler {
    sizes: QuorumSizes,
    latencies: WarsLatencies,
    propagation: WritePropagation,
    replicas: Vec<ReplicaDelays>,
    /// `(arrival time, replica index)`; the index breaks ties so the order is total and the
    /// selected quorum does not depend on the selection algorithm.
    arrivals: Vec<(f64, u32)>,
    in_write_quorum: Vec<bool>,
}

impl WarsSampler {
    /// `latencies` must already be validated (see `PbsConfig::validate`).
    pub fn new(sizes: QuorumSizes, latencies: WarsLatencies, propagation: WritePropagation) -> Self {
        let n = sizes.n as usize;
        Self {
            sizes,
            latencies,
            propagation,
            replicas: vec![ReplicaDelays::default(); n],
            arrivals: Vec::with_capacity(n),
            in_write_quorum: vec![false; n],
        }
    }

    /// Runs one trial. Consumes, in this order: for `WAN`, the write's then the read's local
    /// replica; then for each replica in index order its W, A, R, S delays. The draws do not
    /// depend on `R` or `W`, so runs that differ only in quorum sizes see the same network
    /// (common random numbers across configurations too).
    pub fn sample(&mut self, rng: &mut SimRng) -> TrialOutcome {
        let n = self.sizes.n as usize;
        let (write_local, read_local, remote_delay) = match &self.latencies.wan {
            Some(wan) => (rng.below(n as u64) as usize, rng.below(n as u64) as usize, wan.remote_delay_ms),
            None => (0, 0, 0.0),
        };
        for (i, replica) in self.replicas.iter_mut().enumerate() {
            let draw = |latency: &crate::engine::latency::Latency, rng: &mut SimRng| latency.sample_ms(rng).min(MAX_DELAY_MS);
            let write_extra = if i == write_local { 0.0 } else { remote_delay };
            let read_extra = if i == read_local { 0.0 } else { remote_delay };
            replica.write = draw(&self.latencies.write, rng) + write_extra;
            replica.ack = draw(&self.latencies.ack, rng) + write_extra;
            replica.read = draw(&self.latencies.read, rng) + read_extra;
            replica.response = draw(&self.latencies.response, rng) + read_extra;
        }

        // Commit: the W-th fastest acknowledgement.
        let w = self.sizes.w as usize;
        self.arrivals.clear();
        self.arrivals.extend(self.replicas.iter().enumerate().map(|(i, d)| (d.write + d.ack, i as u32)));
        // A full sort (N is a handful) rather than `select_nth_unstable_by`: the bundle's one sort.
        crate::order::sort_by(&mut self.arrivals, by_time_then_index);
        let commit = self.arrivals[w - 1].0;
        if self.propagation == WritePropagation::WriteQuorumOnly {
            self.in_write_quorum.fill(false);
            for &(_, i) in &self.arrivals[..w] {
                self.in_write_quorum[i as usize] = true;
            }
        }

        // Read: the R fastest responses; after sorting, `arrivals[..r]` is that set.
        let r = self.sizes.r as usize;
        self.arrivals.clear();
        self.arrivals.extend(self.replicas.iter().enumerate().map(|(i, d)| (d.read + d.response, i as u32)));
        crate::order::sort_by(&mut self.arrivals, by_time_then_index);
        let read_latency = self.arrivals[r - 1].0;
        let mut window = f64::INFINITY;
        for &(_, i) in &self.arrivals[..r] {
            let i = i as usize;
            let holds_write_eventually = self.propagation == WritePropagation::AllReplicas || self.in_write_quorum[i];
            if holds_write_eventually {
                let replica = &self.replicas[i];
                window = window.min(replica.write - commit - replica.read);
            }
        }
        TrialOutcome { write_latency_ms: commit, read_latency_ms: read_latency, staleness_window_ms: window }
    }
}

fn by_time_then_index(a: &(f64, u32), b: &(f64, u32)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}
