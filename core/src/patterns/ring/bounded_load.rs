//! Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam, SODA 2018,
//! arXiv:1608.01350).
//!
//! Placement of a *key set*, not of a single key: with `m` keys, `n` nodes and load factor
//! `c = 1 + ε`, every node accepts at most `⌈c·m/n⌉` keys. Keys are assigned in order; each goes
//! to the first node clockwise from its hash (on a [`KargerRing`]) that is not yet full. With
//! unequal vnode counts the capacity generalises to `⌈c·m·w/W⌉` (weight `w` of total `W`), which
//! is the paper's bound when all weights are equal.
//!
//! Because Σ capacities ≥ c·m ≥ m, a free node always exists for the `m` announced keys; if a
//! caller assigns more than `m`, extra keys fall back to the plain ring owner (over capacity)
//! rather than panicking.

use super::error::FieldError;
use super::karger::KargerRing;
use super::node::NodeId;
use super::placement::Placement;

/// `⌈c·m·w/W⌉`: how many of `keys` keys a node of weight `weight` (of `total_weight`) may hold.
pub fn bounded_capacity(load_factor_c: f64, keys: u64, weight: u64, total_weight: u64) -> u64 {
    if total_weight == 0 {
        return keys;
    }
    let exact = load_factor_c * keys as f64 * weight as f64 / total_weight as f64;
    libm::ceil(exact) as u64
}

/// Rejects a load factor that is not a finite number ≥ 1.
pub fn check_load_factor(load_factor_c: f64) -> Result<(), FieldError> {
    if !load_factor_c.is_finite() || load_factor_c < 1.0 {
        return Err(FieldError::new("load_factor_c", format!("must be a finite number ≥ 1 (c = 1 + ε), got {load_factor_c}")));
    }
    Ok(())
}

/// The running state of an in-order assignment: per-node capacity and load, indexed by id.
#[derive(Clone, Debug)]
pub struct BoundedLoadAssigner {
    capacity: Vec<u64>,
    load: Vec<u64>,
}

impl BoundedLoadAssigner {
    /// Capacities for assigning `keys` keys on `ring` with load factor `c`.
    pub fn new(ring: &KargerRing, load_factor_c: f64, keys: u64) -> Result<Self, FieldError> {
        check_load_factor(load_factor_c)?;
        let nodes = ring.nodes();
        let total_weight = nodes.total_weight();
        let mut capacity = vec![0; nodes.id_bound()];
        for (id, info) in nodes.iter() {
            capacity[id.index()] = bounded_capacity(load_factor_c, keys, u64::from(info.weight), total_weight);
        }
        let load = vec![0; capacity.len()];
        Ok(BoundedLoadAssigner { capacity, load })
    }

    /// The node's capacity (0 for ids not in the ring).
    pub fn capacity(&self, node: NodeId) -> u64 {
        self.capacity.get(node.index()).copied().unwrap_or(0)
    }

    /// Keys assigned to the node so far.
    pub fn load(&self, node: NodeId) -> u64 {
        self.load.get(node.index()).copied().unwrap_or(0)
    }

    /// Assigns the next key: the first non-full node clockwise from `key_hash`.
    pub fn assign(&mut self, ring: &KargerRing, key_hash: u64) -> NodeId {
        let owners = ring.token_owners();
        let start = ring.successor_index(key_hash);
        for step in 0..owners.len() {
            let node = owners[(start + step) % owners.len()];
            let i = node.index();
            if i < self.load.len() && self.load[i] < self.capacity[i] {
                self.load[i] += 1;
                return node;
            }
        }
        // Only reachable when more keys are assigned than announced.
        let node = ring.owner(key_hash);
        if let Some(load) = self.load.get_mut(node.index()) {
            *load += 1;
        }
        node
    }
}

/// Assigns `key_hashes` in order with capacities computed for exactly that many keys.
pub fn assign_bounded(ring: &KargerRing, load_factor_c: f64, key_hashes: &[u64]) -> Result<Vec<NodeId>, FieldError> {
    let mut assigner = BoundedLoadAssigner::new(ring, load_factor_c, key_hashes.len() as u64)?;
    Ok(key_hashes.iter().map(|&h| assigner.assign(ring, h)).collect())
}
