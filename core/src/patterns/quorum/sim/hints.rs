//! The hints one node holds for others, indexed so that storing, acknowledging and retrying
//! them does not walk every pending hint.
//!
//! Semantics are those of a plain list in arrival order: a hint is not stored twice for the
//! same owner, key and (identical) version; an acknowledgement for `(owner, key, op)` drops
//! every hint of that write; iteration is in arrival order.

use crate::small_map::SmallMap;
use std::ops::Index;

use super::messages::KeyId;
use super::version::Version;
use crate::engine::NodeId;

/// A version a node keeps for another node that was unreachable when it was written.
#[derive(Clone, Debug, PartialEq, serde::Serialize, crate::json::ToJson)]
pub struct Hint {
    pub owner: NodeId,
    pub key: KeyId,
    pub version: Version,
}

/// The hints held by one node, in arrival order.
#[derive(Clone, Debug, Default)]
pub struct HintQueue {
    /// owner → arrival number → hint, so a retry skips unreachable owners entirely.
    by_owner: SmallMap<NodeId, SmallMap<u64, Hint>>,
    /// `(owner, key, write op)` → arrival numbers of the hints for that write (normally one).
    by_write: SmallMap<(NodeId, KeyId, u64), Vec<u64>>,
    next_seq: u64,
    len: usize,
}

static EMPTY: HintQueue = HintQueue { by_owner: SmallMap::new(), by_write: SmallMap::new(), next_seq: 0, len: 0 };

impl HintQueue {
    /// An empty queue that lives forever (for nodes that hold no hints, like the client).
    pub fn empty() -> &'static HintQueue {
        &EMPTY
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The oldest hint.
    pub fn first(&self) -> Option<&Hint> {
        self.by_owner.values().filter_map(|m| m.first()).min_by_key(|(seq, _)| **seq).map(|(_, h)| h)
    }

    /// Every hint, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Hint> {
        self.in_order(|_| true).into_iter()
    }

    /// Hints whose owner passes `keep`, oldest first. Visits only those owners' hints.
    pub fn in_order(&self, mut keep: impl FnMut(NodeId) -> bool) -> Vec<&Hint> {
        let mut picked: Vec<(u64, &Hint)> =
            self.by_owner.iter().filter(|(owner, _)| keep(**owner)).flat_map(|(_, m)| m.iter().map(|(s, h)| (*s, h))).collect();
        crate::order::sort_by_key(&mut picked, |(seq, _)| *seq);
        picked.into_iter().map(|(_, h)| h).collect()
    }

    /// Stores a hint unless one for the same owner, key and version is already held.
    /// Returns whether it was stored. `compared` counts the held hints looked at.
    pub fn insert(&mut self, owner: NodeId, key: KeyId, version: Version, compared: &mut u64) -> bool {
        let seqs = self.by_write.entry((owner, key, version.op)).or_default();
        let held = self.by_owner.entry(owner).or_default();
        for seq in seqs.iter() {
            *compared += 1;
            if held.get(seq).is_some_and(|h| h.version == version) {
                return false;
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        seqs.push(seq);
        held.insert(seq, Hint { owner, key, version });
        self.len += 1;
        true
    }

    /// Drops every hint of write `op` of `key` for `owner`; returns how many were dropped.
    pub fn remove_write(&mut self, owner: NodeId, key: KeyId, op: u64) -> usize {
        let Some(seqs) = self.by_write.remove(&(owner, key, op)) else { return 0 };
        let Some(held) = self.by_owner.get_mut(&owner) else { return 0 };
        let removed = seqs.iter().filter(|seq| held.remove(seq).is_some()).count();
        if held.is_empty() {
            self.by_owner.remove(&owner);
        }
        self.len -= removed;
        removed
    }
}

impl Index<usize> for HintQueue {
    type Output = Hint;

    /// The `i`-th oldest hint (walks the queue: for tests and tables, not hot paths).
    fn index(&self, i: usize) -> &Hint {
        let all = self.in_order(|_| true);
        let len = all.len();
        all.get(i).copied().unwrap_or_else(|| panic!("hint index {i} out of range for {len} hints"))
    }
}
