//! Balance statistics over a key set: keys (and requests) per node and how even they are.

use serde::Serialize;

use super::node::{NodeId, NodeSet};
use super::placement::Placement;

/// How evenly a quantity is spread over nodes. `cv` is the population standard deviation over
/// the mean; the ratios are max/mean and min/mean (1, 0, 1, 1 for a perfect split).
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct Balance {
    pub total: u64,
    pub mean: f64,
    pub min: u64,
    pub max: u64,
    pub cv: f64,
    pub peak_to_mean: f64,
    pub min_to_mean: f64,
}

/// The balance of per-node `values` (all zeros or empty give a mean of 0 and ratios of 0).
pub fn balance(values: &[u64]) -> Balance {
    let count = values.len().max(1) as f64;
    let total: u64 = values.iter().sum();
    let mean = total as f64 / count;
    let variance = values.iter().map(|&v| (v as f64 - mean) * (v as f64 - mean)).sum::<f64>() / count;
    let min = values.iter().copied().min().unwrap_or(0);
    let max = values.iter().copied().max().unwrap_or(0);
    let ratio = |x: f64| if mean > 0.0 { x / mean } else { 0.0 };
    Balance { total, mean, min, max, cv: ratio(libm::sqrt(variance)), peak_to_mean: ratio(max as f64), min_to_mean: ratio(min as f64) }
}

/// One node's share.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct NodeLoad {
    pub node: String,
    pub weight: u32,
    pub keys: u64,
    /// Requests that hit this node's keys (request workloads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<u64>,
    /// Bounded-load capacity (bounded_load only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
}

/// Counts keys and request weight per node, fed in batches so a browser can spread the work
/// over frames. Dense arrays indexed by node id: no per-key allocation, no hashing.
#[derive(Clone, Debug, Default)]
pub struct StatsAccumulator {
    keys: Vec<u64>,
    requests: Vec<u64>,
}

impl StatsAccumulator {
    /// An accumulator for nodes with ids below `id_bound` (see [`NodeSet::id_bound`]).
    pub fn new(id_bound: usize) -> Self {
        StatsAccumulator { keys: vec![0; id_bound], requests: vec![0; id_bound] }
    }

    /// Counts one key on `node`.
    pub fn add_key(&mut self, node: NodeId) {
        if let Some(count) = self.keys.get_mut(node.index()) {
            *count += 1;
        }
    }

    /// Adds `requests` request weight to `node`.
    pub fn add_requests(&mut self, node: NodeId, requests: u64) {
        if let Some(count) = self.requests.get_mut(node.index()) {
            *count += requests;
        }
    }

    /// Places and counts a batch of key hashes.
    pub fn add_key_hashes(&mut self, placement: &dyn Placement, key_hashes: &[u64]) {
        for &hash in key_hashes {
            self.add_key(placement.owner(hash));
        }
    }

    /// Keys counted on `node`.
    pub fn keys_on(&self, node: NodeId) -> u64 {
        self.keys.get(node.index()).copied().unwrap_or(0)
    }

    /// Requests counted on `node`.
    pub fn requests_on(&self, node: NodeId) -> u64 {
        self.requests.get(node.index()).copied().unwrap_or(0)
    }

    /// Per-node loads for the nodes of `nodes`, in id order.
    pub fn per_node(&self, nodes: &NodeSet, with_requests: bool) -> Vec<NodeLoad> {
        nodes
            .iter()
            .map(|(id, info)| NodeLoad {
                node: info.name.clone(),
                weight: info.weight,
                keys: self.keys_on(id),
                requests: with_requests.then(|| self.requests_on(id)),
                capacity: None,
            })
            .collect()
    }

    /// Balance of key counts over the nodes of `nodes`.
    pub fn key_balance(&self, nodes: &NodeSet) -> Balance {
        balance(&nodes.iter().map(|(id, _)| self.keys_on(id)).collect::<Vec<_>>())
    }

    /// Balance of request weight over the nodes of `nodes`.
    pub fn request_balance(&self, nodes: &NodeSet) -> Balance {
        balance(&nodes.iter().map(|(id, _)| self.requests_on(id)).collect::<Vec<_>>())
    }
}
