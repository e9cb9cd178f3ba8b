//! Where a key's replicas live: the preference list on the Karger vnode ring.

use crate::engine::NodeId;
use crate::patterns::ring::karger::KargerRing;
use crate::patterns::ring::key::hash_text;
use crate::patterns::ring::Placement;

/// The key names `k0 .. k{keys-1}`.
pub fn key_names(keys: u32) -> Vec<String> {
    (0..keys).map(|k| format!("k{k}")).collect()
}

/// For each key, every storage node in clockwise preference order: the first `n` are the
/// key's replicas, the rest are the stand-ins a sloppy quorum falls back to, in order.
/// Node `i` of the ring (`node-i`) is simulation node `i`.
pub fn preference_lists(replicas: u32, vnodes: u32, keys: &[String]) -> Vec<Vec<NodeId>> {
    let Ok(ring) = KargerRing::new(replicas.max(1), vnodes.max(1)) else {
        // Parameters are validated first; fall back to plain id order rather than panic.
        return keys.iter().map(|_| (0..replicas).collect()).collect();
    };
    keys.iter().map(|k| ring.preference_list(hash_text(k), replicas as usize).into_iter().map(|id| id.0).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_a_permutation_of_the_nodes() {
        let keys = key_names(8);
        for list in preference_lists(5, 8, &keys) {
            let mut sorted = list.clone();
            crate::order::sort(&mut sorted);
            assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
        }
    }
}
