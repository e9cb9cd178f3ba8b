//! Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
//! Balancer", NSDI 2016, §3.4).
//!
//! Each node gets a permutation of the `M` table slots (`M` prime) from two hashes of its name:
//! `offset = XXH3-64(name) mod M` and `skip = XXH64(name, seed 0) mod (M − 1) + 1`; slot `j` of
//! its permutation is `(offset + j·skip) mod M`, a full permutation because `M` is prime. The
//! paper's populate loop (Pseudocode 1) lets nodes take turns claiming their next still-empty
//! preferred slot until the table is full; a key goes to `table[key_hash mod M]`.
//!
//! With equal weights every node ends with ⌊M/N⌋ or ⌈M/N⌉ slots. Weights are an extension
//! (the paper's loop is unweighted): a node of weight `w` takes `w` turns per round.

use xxhash_rust::xxh64::xxh64;

use super::error::FieldError;
use super::key::hash_text;
use super::node::{check_weight, NodeId, NodeSet};
use super::placement::Placement;

/// The paper's example table size, a prime.
pub const DEFAULT_MAGLEV_TABLE_SIZE: u64 = 65_537;

/// Keeps the table (4 bytes a slot) and its build time reasonable in a browser.
pub const MAX_MAGLEV_TABLE_SIZE: u64 = 10_000_019;

/// The table sizes the widget offers, smallest first (all prime).
pub const MAGLEV_TABLE_SIZES: [u64; 4] = [251, 1_021, 4_093, DEFAULT_MAGLEV_TABLE_SIZE];

/// Per-node turns per round are capped so a round stays short.
pub const MAX_MAGLEV_WEIGHT: u32 = 1_000;

/// Deterministic trial division: fast enough for `n` ≤ 10^7 (≤ 1 600 odd divisors).
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut d = 3u64;
    while d.saturating_mul(d) <= n {
        if n.is_multiple_of(d) {
            return false;
        }
        d += 2;
    }
    true
}

/// Rejects a table size that is not a prime in `3..=MAX_MAGLEV_TABLE_SIZE`.
pub fn check_table_size(table_size: u64) -> Result<(), FieldError> {
    if table_size > MAX_MAGLEV_TABLE_SIZE {
        return Err(FieldError::new("maglev_table_size", format!("must be ≤ {MAX_MAGLEV_TABLE_SIZE}")));
    }
    if table_size < 3 || !is_prime(table_size) {
        return Err(FieldError::new("maglev_table_size", format!("must be a prime ≥ 3, got {table_size}")));
    }
    Ok(())
}

/// `(offset, skip)` of a node's permutation in a table of size `table_size`.
pub fn maglev_permutation(node_name: &str, table_size: u64) -> (u64, u64) {
    let offset = hash_text(node_name) % table_size;
    let skip = xxh64(node_name.as_bytes(), 0) % (table_size - 1) + 1;
    (offset, skip)
}

/// A filled Maglev lookup table.
#[derive(Clone, Debug)]
pub struct Maglev {
    nodes: NodeSet,
    table_size: u64,
    table: Vec<NodeId>,
}

impl Maglev {
    /// `nodes` nodes in a table of `table_size` slots (a prime ≥ `nodes`).
    pub fn new(nodes: u32, table_size: u64) -> Result<Self, FieldError> {
        if nodes == 0 {
            return Err(FieldError::new("nodes", "must be ≥ 1"));
        }
        check_table_size(table_size)?;
        let mut maglev = Maglev { nodes: NodeSet::numbered(nodes, 1), table_size, table: Vec::new() };
        maglev.check_room(maglev.nodes.total_weight())?;
        maglev.populate();
        Ok(maglev)
    }

    pub fn table_size(&self) -> u64 {
        self.table_size
    }

    /// The lookup table: slot `i` belongs to `table()[i]`.
    pub fn table(&self) -> &[NodeId] {
        &self.table
    }

    /// The slot a key hash looks up: `key_hash mod M`.
    pub fn slot(&self, key_hash: u64) -> usize {
        (key_hash % self.table_size) as usize
    }

    /// Where `key_hash`'s slot starts, as a fraction of the table (the view lays the table
    /// around the circle, so a key is drawn at its slot, not at its hash).
    pub fn slot_fraction(&self, key_hash: u64) -> f64 {
        self.slot(key_hash) as f64 / self.table_size as f64
    }

    /// The table shown in `slices` equal slices (at most one per slot): the owner of each
    /// slice's first slot.
    pub fn slice_owners(&self, slices: usize) -> Vec<NodeId> {
        let size = self.table.len();
        let slices = slices.clamp(1, size.max(1));
        (0..slices).map(|s| self.table[s * size / slices]).collect()
    }

    /// Every node must be able to claim a slot, so total turns per round must fit the table.
    fn check_room(&self, total_weight: u64) -> Result<(), FieldError> {
        if total_weight > self.table_size {
            return Err(FieldError::new(
                "maglev_table_size",
                format!("must be ≥ the total node weight ({total_weight}); the paper advises M ≫ 100·N"),
            ));
        }
        Ok(())
    }

    /// The paper's Pseudocode 1, with `w` turns per round for weight `w`.
    fn populate(&mut self) {
        const EMPTY: u32 = u32::MAX;
        let m = self.table_size;
        let nodes: Vec<(NodeId, u64, u64, u32)> = self
            .nodes
            .iter()
            .map(|(id, info)| {
                let (offset, skip) = maglev_permutation(&info.name, m);
                (id, offset, skip, info.weight)
            })
            .collect();
        // `next[i]` of the paper, kept as the slot itself: slot += skip (mod M) each step.
        let mut next_slot: Vec<u64> = nodes.iter().map(|n| n.1).collect();
        let mut entry: Vec<u32> = vec![EMPTY; m as usize];
        let mut filled = 0u64;
        'fill: loop {
            for (i, &(id, _, skip, weight)) in nodes.iter().enumerate() {
                for _ in 0..weight {
                    let mut slot = next_slot[i];
                    while entry[slot as usize] != EMPTY {
                        slot = (slot + skip) % m;
                    }
                    entry[slot as usize] = id.0;
                    next_slot[i] = (slot + skip) % m;
                    filled += 1;
                    if filled == m {
                        break 'fill;
                    }
                }
            }
        }
        self.table = entry.into_iter().map(NodeId).collect();
    }
}

impl Placement for Maglev {
    fn nodes(&self) -> &NodeSet {
        &self.nodes
    }

    fn owner(&self, key_hash: u64) -> NodeId {
        self.table[self.slot(key_hash)]
    }

    /// The owner's slot, then following slots (wrapping) until enough distinct nodes are seen:
    /// the paper defines no replicas; this keeps them a pure function of the table.
    fn preference_list(&self, key_hash: u64, replicas: usize) -> Vec<NodeId> {
        let wanted = replicas.min(self.nodes.len());
        let start = self.slot(key_hash);
        let mut list = Vec::with_capacity(wanted);
        for step in 0..self.table.len() {
            if list.len() == wanted {
                break;
            }
            let node = self.table[(start + step) % self.table.len()];
            if !list.contains(&node) {
                list.push(node);
            }
        }
        list
    }

    fn add_node(&mut self, weight: u32) -> Result<NodeId, FieldError> {
        check_weight(weight, MAX_MAGLEV_WEIGHT)?;
        self.check_room(self.nodes.total_weight() + u64::from(weight))?;
        let id = self.nodes.insert_next(weight);
        self.populate();
        Ok(id)
    }

    fn remove_node(&mut self, node: NodeId) -> Result<(), FieldError> {
        self.nodes.remove(node)?;
        self.populate();
        Ok(())
    }

    fn set_weight(&mut self, node: NodeId, weight: u32) -> Result<(), FieldError> {
        check_weight(weight, MAX_MAGLEV_WEIGHT)?;
        let total = self.nodes.total_weight() - u64::from(self.nodes.weight(node)) + u64::from(weight);
        self.check_room(total)?;
        self.nodes.set_weight(node, weight)?;
        self.populate();
        Ok(())
    }
}
