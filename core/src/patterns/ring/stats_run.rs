//! `faultline ring stats`: balance of a workload over the nodes, optionally across one
//! operation, computed in resumable steps so a browser can spread 10^6 keys over frames.

use serde::Serialize;

use super::assignment::KeyAssignment;
use super::error::FieldError;
use super::movement::{ideal_fraction, MovementReport, MovementTracker, RingOperation};
use super::node::NodeId;
use super::params::{Algorithm, RingParams};
use super::stats::{Balance, NodeLoad, StatsAccumulator};
use super::workload::{KeyStream, Workload, ZipfSampler};

/// The answer of [`stats`]. Loads describe the node set *after* the operation, if any.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct StatsReport {
    pub algorithm: Algorithm,
    pub nodes: usize,
    pub keys: u64,
    pub workload: Workload,
    pub per_node: Vec<NodeLoad>,
    pub key_balance: Balance,
    /// Request load per node (zipf workloads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_balance: Option<Balance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement: Option<MovementReport>,
}

/// How far a [`StatsRun`] has got, in work units (one key or one request each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// A stats computation that can be advanced a budget at a time.
pub struct StatsRun {
    params: RingParams,
    before: Option<KeyAssignment>,
    after: KeyAssignment,
    operation: Option<RingOperation>,
    stream: KeyStream,
    next_key: u64,
    accumulator: StatsAccumulator,
    tracker: MovementTracker,
    /// Final owner of each key, kept only when requests must be routed to keys.
    owners: Vec<NodeId>,
    zipf: Option<ZipfSampler>,
    requests_done: u64,
}

impl StatsRun {
    pub fn new(params: &RingParams, operation: Option<RingOperation>) -> Result<Self, FieldError> {
        params.validate()?;
        let after = KeyAssignment::new(params, operation.as_ref(), params.keys)?;
        let before = match operation {
            Some(_) => Some(KeyAssignment::new(params, None, params.keys)?),
            None => None,
        };
        let keep_owners = params.workload.requests().is_some();
        Ok(StatsRun {
            params: params.clone(),
            accumulator: StatsAccumulator::new(after.nodes().id_bound()),
            before,
            after,
            operation,
            stream: KeyStream::new(&params.workload, params.seed),
            next_key: 0,
            tracker: MovementTracker::default(),
            owners: if keep_owners { Vec::with_capacity(params.keys as usize) } else { Vec::new() },
            zipf: None,
            requests_done: 0,
        })
    }

    pub fn progress(&self) -> Progress {
        Progress { done: self.next_key + self.requests_done, total: self.params.keys + self.params.workload.requests().unwrap_or(0) }
    }

    pub fn is_finished(&self) -> bool {
        let p = self.progress();
        p.done >= p.total
    }

    /// Does up to `budget` units of work (keys first, then requests).
    pub fn step(&mut self, budget: u64) -> Progress {
        let mut left = budget;
        while left > 0 && self.next_key < self.params.keys {
            let index = self.next_key;
            let hash = self.stream.next_hash(index);
            let owner = self.after.assign(hash);
            self.accumulator.add_key(owner);
            if let Some(before) = self.before.as_mut() {
                let stream = &self.stream;
                self.tracker.record(before.assign(hash), owner, || stream.display(hash));
            }
            if self.params.workload.requests().is_some() {
                self.owners.push(owner);
            } else {
                self.accumulator.add_requests(owner, 1);
            }
            self.next_key += 1;
            left -= 1;
        }
        if let Workload::Zipf { exponent, requests } = self.params.workload {
            while left > 0 && self.next_key >= self.params.keys && self.requests_done < requests {
                let params = &self.params;
                let zipf = self.zipf.get_or_insert_with(|| ZipfSampler::new(params.keys, exponent, params.seed));
                let rank = zipf.sample();
                if let Some(&owner) = self.owners.get(rank) {
                    self.accumulator.add_requests(owner, 1);
                }
                self.requests_done += 1;
                left -= 1;
            }
        }
        self.progress()
    }

    /// Finishes any remaining work and builds the report.
    pub fn finish(mut self) -> StatsReport {
        while !self.is_finished() {
            self.step(u64::MAX);
        }
        let nodes = self.after.nodes();
        let with_requests = self.params.workload.requests().is_some();
        let mut per_node = self.accumulator.per_node(nodes, with_requests);
        for (load, (id, _)) in per_node.iter_mut().zip(nodes.iter()) {
            load.capacity = self.after.capacity(id);
        }
        let movement = match (&self.operation, &self.before) {
            (Some(op), Some(before)) => {
                let ideal = ideal_fraction(before.nodes(), op, self.params.default_weight());
                Some(self.tracker.report(op, ideal, before.nodes(), nodes))
            }
            _ => None,
        };
        StatsReport {
            algorithm: self.params.algorithm,
            nodes: nodes.len(),
            keys: self.params.keys,
            workload: self.params.workload.clone(),
            key_balance: self.accumulator.key_balance(nodes),
            request_balance: with_requests.then(|| self.accumulator.request_balance(nodes)),
            per_node,
            movement,
        }
    }
}

/// Balance of `params.workload` over the nodes, after `operation` if given, with the key
/// movement the operation caused.
pub fn stats(params: &RingParams, operation: Option<RingOperation>) -> Result<StatsReport, FieldError> {
    Ok(StatsRun::new(params, operation)?.finish())
}
