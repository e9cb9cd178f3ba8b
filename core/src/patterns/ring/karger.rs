//! The consistent-hashing ring of Karger et al. (STOC 1997) with virtual nodes.
//!
//! Every node with weight `w` owns `w` points ("tokens") on the 64-bit circle; token `v` of a
//! node named `name` is [`vnode_token`]`(name, v)` = XXH3-64 of the string `"{name}#{v}"`, e.g.
//! `"node-3#17"`. A key belongs to the first token clockwise at or after its hash
//! (`token ≥ key_hash`), wrapping past `u64::MAX` to the smallest token. Tokens are sorted
//! once; a lookup is one binary search.

use std::fmt::Write;

use super::error::FieldError;
use super::key::hash_text;
use super::node::{check_weight, NodeId, NodeSet};
use super::placement::Placement;

/// Keeps the sorted token arrays within what a browser tab can hold (80 MB of tokens).
pub const MAX_TOKENS: u64 = 10_000_000;

/// The largest vnode count a single node may have.
pub const MAX_VNODES: u32 = 1_000_000;

/// The position of vnode `vnode` of node `node_name`: XXH3-64 (seed 0) of `"{node_name}#{vnode}"`.
pub fn vnode_token(node_name: &str, vnode: u32) -> u64 {
    hash_text(&format!("{node_name}#{vnode}"))
}

/// A ring with `weight` vnodes per node.
#[derive(Clone, Debug)]
pub struct KargerRing {
    nodes: NodeSet,
    /// Sorted token positions; `owners[i]` owns `tokens[i]`. Two arrays keep the binary
    /// search inside a dense `u64` slice.
    tokens: Vec<u64>,
    owners: Vec<NodeId>,
    /// `prefix_start[p]` = first token index whose top `prefix_bits` bits are ≥ `p`, so a
    /// lookup binary-searches only the few tokens sharing the key's prefix (one or two cache
    /// misses instead of ~20 for 10^6 tokens).
    prefix_start: Vec<u32>,
    prefix_bits: u32,
}

impl KargerRing {
    /// `nodes` nodes with `vnodes` tokens each.
    pub fn new(nodes: u32, vnodes: u32) -> Result<Self, FieldError> {
        if nodes == 0 {
            return Err(FieldError::new("nodes", "must be ≥ 1"));
        }
        if vnodes == 0 {
            return Err(FieldError::new("vnodes", "must be ≥ 1"));
        }
        if vnodes > MAX_VNODES {
            return Err(FieldError::new("vnodes", format!("must be ≤ {MAX_VNODES}")));
        }
        check_token_budget(u64::from(nodes) * u64::from(vnodes))?;
        let mut ring =
            KargerRing { nodes: NodeSet::numbered(nodes, vnodes), tokens: Vec::new(), owners: Vec::new(), prefix_start: Vec::new(), prefix_bits: 0 };
        ring.rebuild();
        Ok(ring)
    }

    /// The sorted token positions (for inspection and the benchmark's baseline).
    pub fn tokens(&self) -> &[u64] {
        &self.tokens
    }

    /// The owner of each token, parallel to [`Self::tokens`].
    pub fn token_owners(&self) -> &[NodeId] {
        &self.owners
    }

    /// Each token's arc `(previous token, token, owner)`: the hashes in `(previous, token]`
    /// go to the token's owner, since a key goes to the first token clockwise. The first
    /// arc wraps (its `previous` is the last token).
    pub fn token_arcs(&self) -> Vec<(u64, u64, NodeId)> {
        let n = self.tokens.len();
        (0..n).map(|i| (self.tokens[(i + n - 1) % n], self.tokens[i], self.owners[i])).collect()
    }

    /// The ring cut into `bins` equal arcs: the owner of each arc's clockwise end (a picture
    /// of a ring with too many tokens to draw one arc each).
    pub fn bin_owners(&self, bins: usize) -> Vec<NodeId> {
        let bins = bins.max(1) as u128;
        (0..bins).map(|b| self.owner(((b + 1) * (1u128 << 64) / bins).min(u64::MAX as u128) as u64)).collect()
    }

    /// Index of the first token ≥ `key_hash`, wrapping to 0.
    pub fn successor_index(&self, key_hash: u64) -> usize {
        let prefix = self.prefix_of(key_hash);
        let low = self.prefix_start[prefix] as usize;
        let high = self.prefix_start[prefix + 1] as usize;
        // Tokens below `low` have a smaller prefix (< key_hash); from `high` on, a larger one.
        let index = low + self.tokens[low..high].partition_point(|&token| token < key_hash);
        if index == self.tokens.len() {
            0
        } else {
            index
        }
    }

    fn prefix_of(&self, value: u64) -> usize {
        if self.prefix_bits == 0 {
            0
        } else {
            (value >> (64 - self.prefix_bits)) as usize
        }
    }

    /// About one token per prefix, at most 2^16 prefixes (256 KB).
    fn rebuild_prefix_index(&mut self) {
        self.prefix_bits = (usize::BITS - 1 - self.tokens.len().max(1).leading_zeros()).min(16);
        let buckets = 1usize << self.prefix_bits;
        let mut starts = Vec::with_capacity(buckets + 1);
        let mut index = 0usize;
        for prefix in 0..buckets {
            while index < self.tokens.len() && self.prefix_of(self.tokens[index]) < prefix {
                index += 1;
            }
            starts.push(index as u32);
        }
        starts.push(self.tokens.len() as u32);
        self.prefix_start = starts;
    }

    fn rebuild(&mut self) {
        let mut pairs: Vec<(u64, NodeId)> = Vec::with_capacity(self.nodes.total_weight() as usize);
        let mut label = String::new();
        for (id, info) in self.nodes.iter() {
            for vnode in 0..info.weight {
                // One reused buffer: building 10^6 tokens must not allocate 10^6 strings.
                label.clear();
                let _ = write!(label, "{}#{}", info.name, vnode);
                pairs.push((hash_text(&label), id));
            }
        }
        // Ties (astronomically rare) go to the lower id, deterministically.
        crate::order::sort(&mut pairs);
        self.tokens = pairs.iter().map(|p| p.0).collect();
        self.owners = pairs.iter().map(|p| p.1).collect();
        self.rebuild_prefix_index();
    }
}

fn check_token_budget(tokens: u64) -> Result<(), FieldError> {
    if tokens > MAX_TOKENS {
        return Err(FieldError::new("vnodes", format!("nodes × vnodes must be ≤ {MAX_TOKENS}")));
    }
    Ok(())
}

impl Placement for KargerRing {
    fn nodes(&self) -> &NodeSet {
        &self.nodes
    }

    fn owner(&self, key_hash: u64) -> NodeId {
        self.owners[self.successor_index(key_hash)]
    }

    fn preference_list(&self, key_hash: u64, replicas: usize) -> Vec<NodeId> {
        let wanted = replicas.min(self.nodes.len());
        let mut list = Vec::with_capacity(wanted);
        let start = self.successor_index(key_hash);
        // Walk clockwise, skipping further vnodes of nodes already chosen.
        for step in 0..self.tokens.len() {
            if list.len() == wanted {
                break;
            }
            let node = self.owners[(start + step) % self.tokens.len()];
            if !list.contains(&node) {
                list.push(node);
            }
        }
        list
    }

    fn add_node(&mut self, weight: u32) -> Result<NodeId, FieldError> {
        check_weight(weight, MAX_VNODES)?;
        check_token_budget(self.nodes.total_weight() + u64::from(weight))?;
        let id = self.nodes.insert_next(weight);
        self.rebuild();
        Ok(id)
    }

    fn remove_node(&mut self, node: NodeId) -> Result<(), FieldError> {
        self.nodes.remove(node)?;
        // Removing tokens keeps the rest sorted: no re-sort needed.
        let mut kept = 0;
        for i in 0..self.tokens.len() {
            if self.owners[i] != node {
                self.tokens[kept] = self.tokens[i];
                self.owners[kept] = self.owners[i];
                kept += 1;
            }
        }
        self.tokens.truncate(kept);
        self.owners.truncate(kept);
        self.rebuild_prefix_index();
        Ok(())
    }

    fn set_weight(&mut self, node: NodeId, weight: u32) -> Result<(), FieldError> {
        check_weight(weight, MAX_VNODES)?;
        let total = self.nodes.total_weight() - u64::from(self.nodes.weight(node)) + u64::from(weight);
        check_token_budget(total)?;
        // Vnodes 0..w are a prefix of 0..w', so a weight change only adds or drops this node's
        // own tokens: keys move only to or from this node.
        self.nodes.set_weight(node, weight)?;
        self.rebuild();
        Ok(())
    }
}
