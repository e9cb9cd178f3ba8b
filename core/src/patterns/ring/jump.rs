//! Jump consistent hash (Lamping & Veach 2014, arXiv:1406.2294).
//!
//! [`jump_consistent_hash`] is the paper's Figure 1 transcribed exactly, including the
//! floating-point step (IEEE-754 `f64` division and multiplication, identical on every
//! platform and in wasm). Buckets `0..n` are the nodes in id order.
//!
//! Jump hash has no node identities: it can only grow or shrink at the *end*. Removing any
//! node but the last-numbered one would renumber buckets and move keys between surviving nodes,
//! so [`JumpHash::remove_node`] refuses it with an error instead of pretending. Weights are
//! not part of the algorithm; only weight 1 is accepted.

use super::error::FieldError;
use super::node::{node_name, NodeId, NodeSet};
use super::placement::Placement;

/// The paper's bucket for `key` among `num_buckets`. With 0 buckets the C++ code returns -1;
/// this returns 0 (every caller here has at least one bucket).
pub fn jump_consistent_hash(mut key: u64, num_buckets: u32) -> u32 {
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < i64::from(num_buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1i64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b.max(0) as u32
}

/// Jump hash over a set of nodes; bucket `i` is the `i`-th node in id order.
#[derive(Clone, Debug)]
pub struct JumpHash {
    nodes: NodeSet,
    buckets: Vec<NodeId>,
}

impl JumpHash {
    pub fn new(nodes: u32) -> Result<Self, FieldError> {
        if nodes == 0 {
            return Err(FieldError::new("nodes", "must be ≥ 1"));
        }
        let nodes = NodeSet::numbered(nodes, 1);
        let buckets = nodes.ids();
        Ok(JumpHash { nodes, buckets })
    }

    /// The bucket index of `key_hash`.
    pub fn bucket(&self, key_hash: u64) -> usize {
        jump_consistent_hash(key_hash, self.buckets.len() as u32) as usize
    }
}

impl Placement for JumpHash {
    fn nodes(&self) -> &NodeSet {
        &self.nodes
    }

    fn owner(&self, key_hash: u64) -> NodeId {
        self.buckets[self.bucket(key_hash)]
    }

    /// Owner bucket `b`, then `b+1, b+2, ...` (mod n): the paper defines no replicas, and the
    /// next buckets are distinct by construction.
    fn preference_list(&self, key_hash: u64, replicas: usize) -> Vec<NodeId> {
        let n = self.buckets.len();
        let first = self.bucket(key_hash);
        (0..replicas.min(n)).map(|step| self.buckets[(first + step) % n]).collect()
    }

    fn add_node(&mut self, weight: u32) -> Result<NodeId, FieldError> {
        if weight != 1 {
            return Err(FieldError::new("weight", "jump hash has no weights: must be 1"));
        }
        if self.buckets.len() >= u32::MAX as usize / 2 {
            return Err(FieldError::new("nodes", "too many buckets"));
        }
        let id = self.nodes.insert_next(1);
        self.buckets.push(id);
        Ok(id)
    }

    /// Only the last bucket: removing another would renumber the buckets after it.
    fn check_remove(&self, node: NodeId) -> Result<(), FieldError> {
        let last = *self.buckets.last().ok_or_else(|| FieldError::new("nodes", "must be ≥ 1"))?;
        if node != last && self.nodes.contains(node) {
            return Err(FieldError::new(
                "node",
                format!(
                    "jump hash can only remove the last bucket ({}); removing {} would renumber \
                     the buckets after it and move keys between surviving nodes",
                    node_name(last),
                    node_name(node)
                ),
            ));
        }
        self.nodes.check_remove(node)
    }

    fn remove_node(&mut self, node: NodeId) -> Result<(), FieldError> {
        self.check_remove(node)?;
        self.nodes.remove(node)?;
        self.buckets.pop();
        Ok(())
    }

    fn set_weight(&mut self, node: NodeId, weight: u32) -> Result<(), FieldError> {
        if !self.nodes.contains(node) {
            return Err(FieldError::new("node", format!("no node {} in the set", node_name(node))));
        }
        if weight != 1 {
            return Err(FieldError::new("weight", "jump hash has no weights: must be 1"));
        }
        Ok(())
    }
}
