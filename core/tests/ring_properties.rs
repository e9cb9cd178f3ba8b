//! Properties over random inputs: bounded-load capacities and preference lists.

use faultline_core::patterns::ring::bounded_load::{assign_bounded, bounded_capacity};
use faultline_core::patterns::ring::jump::JumpHash;
use faultline_core::patterns::ring::karger::KargerRing;
use faultline_core::patterns::ring::maglev::Maglev;
use faultline_core::patterns::ring::rendezvous::Rendezvous;
use faultline_core::patterns::ring::Placement;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// No node ever holds more than ⌈c·m/n⌉ keys, and every key lands on a live node.
    #[test]
    fn bounded_load_never_exceeds_capacity(
        nodes in 1u32..20,
        vnodes in 1u32..40,
        epsilon in 0.0f64..2.0,
        keys in prop::collection::vec(any::<u64>(), 0..600),
    ) {
        let ring = KargerRing::new(nodes, vnodes).unwrap();
        let c = 1.0 + epsilon;
        let owners = assign_bounded(&ring, c, &keys).unwrap();
        prop_assert_eq!(owners.len(), keys.len());
        let cap = bounded_capacity(c, keys.len() as u64, 1, u64::from(nodes));
        let mut load = vec![0u64; ring.nodes().id_bound()];
        for owner in &owners {
            prop_assert!(ring.nodes().contains(*owner));
            load[owner.index()] += 1;
        }
        prop_assert!(load.iter().all(|&l| l <= cap), "cap {} loads {:?}", cap, load);
    }

    /// With unequal vnode counts each node stays within its own weighted capacity.
    #[test]
    fn weighted_bounded_load_respects_each_capacity(
        weights in prop::collection::vec(1u32..30, 1..8),
        keys in prop::collection::vec(any::<u64>(), 0..400),
    ) {
        let mut ring = KargerRing::new(weights.len() as u32, 1).unwrap();
        for (i, &w) in weights.iter().enumerate() {
            let id = ring.nodes().find(&format!("node-{i}")).unwrap();
            ring.set_weight(id, w).unwrap();
        }
        let owners = assign_bounded(&ring, 1.0, &keys).unwrap();
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        for (i, &w) in weights.iter().enumerate() {
            let id = ring.nodes().find(&format!("node-{i}")).unwrap();
            let held = owners.iter().filter(|&&o| o == id).count() as u64;
            prop_assert!(held <= bounded_capacity(1.0, keys.len() as u64, u64::from(w), total));
        }
    }

    /// The prefix index is only a shortcut: it must agree with a plain binary search.
    #[test]
    fn ring_lookup_matches_plain_binary_search(
        nodes in 1u32..50,
        vnodes in 1u32..50,
        remove in any::<bool>(),
        keys in prop::collection::vec(any::<u64>(), 1..200),
    ) {
        let mut ring = KargerRing::new(nodes, vnodes).unwrap();
        if remove && nodes > 1 {
            ring.remove_node(ring.nodes().ids()[0]).unwrap();
        }
        let tokens = ring.tokens().to_vec();
        let edges = [0, 1, u64::MAX, tokens[0], tokens[tokens.len() - 1], tokens[0].wrapping_add(1)];
        for &key in keys.iter().chain(edges.iter()) {
            let plain = tokens.partition_point(|&t| t < key);
            let expected = if plain == tokens.len() { 0 } else { plain };
            prop_assert_eq!(ring.successor_index(key), expected);
        }
    }

    /// Every algorithm's preference list has min(RF, N) distinct nodes, owner first.
    #[test]
    fn preference_lists_hold_distinct_nodes(nodes in 1u32..12, rf in 1usize..15, key in any::<u64>()) {
        let placements: Vec<Box<dyn Placement>> = vec![
            Box::new(KargerRing::new(nodes, 8).unwrap()),
            Box::new(JumpHash::new(nodes).unwrap()),
            Box::new(Rendezvous::new(nodes).unwrap()),
            Box::new(Maglev::new(nodes, 251).unwrap()),
        ];
        for placement in placements {
            let list = placement.preference_list(key, rf);
            prop_assert_eq!(list.len(), rf.min(nodes as usize));
            prop_assert_eq!(list[0], placement.owner(key));
            let mut sorted = list.clone();
            faultline_core::order::sort(&mut sorted);
            sorted.dedup();
            prop_assert_eq!(sorted.len(), list.len());
        }
    }
}

#[test]
fn bounded_load_at_c_equal_one_fills_every_node_exactly() {
    // m = 40 keys, n = 8 nodes, c = 1: capacity 5 and all 40 slots are used.
    let ring = KargerRing::new(8, 16).unwrap();
    let keys: Vec<u64> = (0..40u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
    let owners = assign_bounded(&ring, 1.0, &keys).unwrap();
    for (id, _) in ring.nodes().iter() {
        assert_eq!(owners.iter().filter(|&&o| o == id).count(), 5);
    }
    assert_eq!(assign_bounded(&ring, 0.5, &keys).unwrap_err().field, "load_factor_c");
    assert_eq!(assign_bounded(&ring, f64::NAN, &keys).unwrap_err().field, "load_factor_c");
}
