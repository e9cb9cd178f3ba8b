//! Rendezvous, or highest-random-weight, hashing (Thaler & Ravishankar 1998).
//!
//! Every node scores every key; the highest score owns it, the next highest are the replicas.
//! The per-pair hash is `h = XXH3-64(key_hash as 8 little-endian bytes, seed = node_seed)`,
//! where `node_seed = XXH3-64(node name)`.
//!
//! Weighted nodes use the logarithmic method (Schindelhauer & Schomaker, "Weighted Distributed
//! Hash Tables", SPAA 2005): with `u = (top 53 bits of h + ½) / 2^53` in (0, 1),
//! the score is `-w / ln(u)`, which gives node `i` a share `w_i / Σw` of the keys. `ln` is
//! `libm::log`, so the result is bit-identical on every platform. When all weights are equal the
//! score is a monotone function of `h`, so the plain comparison of `h` is used (same answer,
//! no logarithm).

use super::error::FieldError;
use super::key::hash_text;
use super::node::{check_weight, NodeId, NodeSet};
use super::placement::Placement;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The largest weight accepted (the ratio of shares is what matters, not the scale).
pub const MAX_RENDEZVOUS_WEIGHT: u32 = 1_000_000;

#[derive(Clone, Debug)]
struct Contender {
    id: NodeId,
    seed: u64,
    weight: f64,
}

/// Highest-random-weight placement.
#[derive(Clone, Debug)]
pub struct Rendezvous {
    nodes: NodeSet,
    contenders: Vec<Contender>,
    uniform_weights: bool,
}

/// The pair hash of `key_hash` for the node whose name hashes to `node_seed`.
pub fn rendezvous_hash(key_hash: u64, node_seed: u64) -> u64 {
    xxh3_64_with_seed(&key_hash.to_le_bytes(), node_seed)
}

/// `-weight / ln(u)` with `u` in (0, 1) taken from the top 53 bits of `pair_hash`.
pub fn weighted_score(pair_hash: u64, weight: f64) -> f64 {
    let unit = ((pair_hash >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
    -weight / libm::log(unit)
}

impl Rendezvous {
    pub fn new(nodes: u32) -> Result<Self, FieldError> {
        if nodes == 0 {
            return Err(FieldError::new("nodes", "must be ≥ 1"));
        }
        let mut placement = Rendezvous { nodes: NodeSet::numbered(nodes, 1), contenders: Vec::new(), uniform_weights: true };
        placement.rebuild();
        Ok(placement)
    }

    fn rebuild(&mut self) {
        self.contenders = self.nodes.iter().map(|(id, info)| Contender { id, seed: hash_text(&info.name), weight: f64::from(info.weight) }).collect();
        let first = self.contenders.first().map_or(1.0, |c| c.weight);
        self.uniform_weights = self.contenders.iter().all(|c| c.weight == first);
    }

    /// Weighted scores, best first; ties on score go to the lower id.
    fn ranked_by_weighted_score(&self, key_hash: u64) -> Vec<(f64, NodeId)> {
        let mut scored: Vec<(f64, NodeId)> =
            self.contenders.iter().map(|c| (weighted_score(rendezvous_hash(key_hash, c.seed), c.weight), c.id)).collect();
        crate::order::sort_by(&mut scored, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
    }
}

impl Placement for Rendezvous {
    fn nodes(&self) -> &NodeSet {
        &self.nodes
    }

    fn owner(&self, key_hash: u64) -> NodeId {
        // Strict `>` over contenders in id order: ties go to the lower id, as in the list.
        let mut best = NodeId(0);
        if self.uniform_weights {
            let mut best_pair = None;
            for c in &self.contenders {
                let pair = rendezvous_hash(key_hash, c.seed);
                if best_pair.is_none_or(|b| pair > b) {
                    best_pair = Some(pair);
                    best = c.id;
                }
            }
        } else {
            let mut best_score = f64::NEG_INFINITY;
            for c in &self.contenders {
                let score = weighted_score(rendezvous_hash(key_hash, c.seed), c.weight);
                if score > best_score {
                    best_score = score;
                    best = c.id;
                }
            }
        }
        best
    }

    fn preference_list(&self, key_hash: u64, replicas: usize) -> Vec<NodeId> {
        if self.uniform_weights {
            let mut scored: Vec<(u64, NodeId)> = self.contenders.iter().map(|c| (rendezvous_hash(key_hash, c.seed), c.id)).collect();
            crate::order::sort_by(&mut scored, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            return scored.into_iter().take(replicas).map(|s| s.1).collect();
        }
        self.ranked_by_weighted_score(key_hash).into_iter().take(replicas).map(|s| s.1).collect()
    }

    fn add_node(&mut self, weight: u32) -> Result<NodeId, FieldError> {
        check_weight(weight, MAX_RENDEZVOUS_WEIGHT)?;
        let id = self.nodes.insert_next(weight);
        self.rebuild();
        Ok(id)
    }

    fn remove_node(&mut self, node: NodeId) -> Result<(), FieldError> {
        self.nodes.remove(node)?;
        self.rebuild();
        Ok(())
    }

    fn set_weight(&mut self, node: NodeId, weight: u32) -> Result<(), FieldError> {
        check_weight(weight, MAX_RENDEZVOUS_WEIGHT)?;
        self.nodes.set_weight(node, weight)?;
        self.rebuild();
        Ok(())
    }
}
