//! Operations on the node set and the key movement they cause.

use crate::small_map::SmallMap;

use serde::Serialize;

use super::error::FieldError;
use super::node::{NodeId, NodeSet};
use super::placement::Placement;

/// How many individual movements a report lists (the counts always cover every key).
pub const MOVEMENTS_LISTED: usize = 100;

/// A change to the node set.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum RingOperation {
    /// Adds `node-{next id}`; `weight` defaults to the weight of the initial nodes.
    AddNode {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<u32>,
    },
    /// Removes the named node (`"node-3"`).
    RemoveNode { node: String },
    /// Changes the named node's weight (its vnode count on the ring).
    SetWeight { node: String, weight: u32 },
}

fn resolve(nodes: &NodeSet, name: &str) -> Result<NodeId, FieldError> {
    nodes.find(name).ok_or_else(|| FieldError::new("operation.node", format!("no node named {name:?}")))
}

/// Applies `operation`; `default_weight` is used by `add_node` without a weight.
pub fn apply_operation(placement: &mut dyn Placement, operation: &RingOperation, default_weight: u32) -> Result<(), FieldError> {
    match operation {
        RingOperation::AddNode { weight } => placement.add_node(weight.unwrap_or(default_weight)).map(|_| ()),
        RingOperation::RemoveNode { node } => {
            let id = resolve(placement.nodes(), node)?;
            placement.remove_node(id)
        }
        RingOperation::SetWeight { node, weight } => {
            let id = resolve(placement.nodes(), node)?;
            placement.set_weight(id, *weight)
        }
    }
}

/// The smallest fraction of keys any scheme must move for `operation` on `nodes` if load is to
/// stay proportional to weight: the total variation distance between the shares before and
/// after, ½ Σ |after_i − before_i|. Unweighted, that is 1/(N+1) for an add and 1/N for a
/// remove; for a weight change of one node it is the change of that node's own share (every
/// other node's share moves the other way by the same total), not the weight that changed
/// hands over a total.
pub fn ideal_fraction(nodes: &NodeSet, operation: &RingOperation, default_weight: u32) -> f64 {
    let total = nodes.total_weight() as f64;
    let share = |w: f64, total: f64| if total > 0.0 { w / total } else { 0.0 };
    match operation {
        RingOperation::AddNode { weight } => {
            let w = f64::from(weight.unwrap_or(default_weight));
            share(w, total + w)
        }
        RingOperation::RemoveNode { node } => share(nodes.find(node).map_or(0.0, |id| f64::from(nodes.weight(id))), total),
        RingOperation::SetWeight { node, weight } => {
            let old = nodes.find(node).map_or(0.0, |id| f64::from(nodes.weight(id)));
            let new = f64::from(*weight);
            (share(new, total - old + new) - share(old, total)).abs()
        }
    }
}

/// One key that changed owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Movement {
    pub key: String,
    pub from: String,
    pub to: String,
}

/// How many keys went from one node to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub keys: u64,
}

/// What an operation did to a key set.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct MovementReport {
    pub operation: RingOperation,
    pub keys: u64,
    pub moved: u64,
    pub fraction_moved: f64,
    pub ideal_fraction: f64,
    /// Every (from, to) pair with its key count, ordered by node ids.
    pub flows: Vec<Flow>,
    /// The first [`MOVEMENTS_LISTED`] moved keys in key order.
    pub movements: Vec<Movement>,
    pub movements_truncated: bool,
}

/// Collects moves key by key (in batches, like [`super::stats::StatsAccumulator`]).
#[derive(Clone, Debug, Default)]
pub struct MovementTracker {
    keys: u64,
    moved: u64,
    flows: SmallMap<(NodeId, NodeId), u64>,
    listed: Vec<(String, NodeId, NodeId)>,
}

impl MovementTracker {
    /// Records a key's owner before and after; `key` is only called (to build the key's
    /// display string) for the few moves that are listed.
    pub fn record(&mut self, before: NodeId, after: NodeId, key: impl FnOnce() -> String) {
        self.keys += 1;
        if before == after {
            return;
        }
        self.moved += 1;
        *self.flows.entry((before, after)).or_insert(0) += 1;
        if self.listed.len() < MOVEMENTS_LISTED {
            self.listed.push((key(), before, after));
        }
    }

    pub fn moved(&self) -> u64 {
        self.moved
    }

    /// Every (from, to) pair counted so far.
    pub fn flows(&self) -> &SmallMap<(NodeId, NodeId), u64> {
        &self.flows
    }

    /// The report; names come from `before` (for removed nodes) and `after` (for added ones).
    pub fn report(&self, operation: &RingOperation, ideal_fraction: f64, before: &NodeSet, after: &NodeSet) -> MovementReport {
        let name = |id: NodeId| if before.contains(id) { before.name(id) } else { after.name(id) };
        MovementReport {
            operation: operation.clone(),
            keys: self.keys,
            moved: self.moved,
            fraction_moved: if self.keys > 0 { self.moved as f64 / self.keys as f64 } else { 0.0 },
            ideal_fraction,
            flows: self.flows.iter().map(|(&(from, to), &keys)| Flow { from: name(from), to: name(to), keys }).collect(),
            movements: self.listed.iter().map(|(key, from, to)| Movement { key: key.clone(), from: name(*from), to: name(*to) }).collect(),
            movements_truncated: self.moved as usize > self.listed.len(),
        }
    }
}

/// Movement of `key_hashes` (displayed as their hex hash) between two placements: the simple,
/// all-at-once form for tests and small sets.
pub fn diff_placements(
    operation: &RingOperation,
    default_weight: u32,
    before: &dyn Placement,
    after: &dyn Placement,
    key_hashes: &[u64],
) -> MovementReport {
    let mut tracker = MovementTracker::default();
    for &hash in key_hashes {
        tracker.record(before.owner(hash), after.owner(hash), || super::key::hex64(hash));
    }
    let ideal = ideal_fraction(before.nodes(), operation, default_weight);
    tracker.report(operation, ideal, before.nodes(), after.nodes())
}
