//! The ring rules the widget's view asks the core about: which node may be removed, where a
//! key sits on the circle, and how the band is sampled. Each answer must agree with what the
//! placement actually does.

use faultline_core::engine::{TraceEvent, TICKS_PER_MS};
use faultline_core::patterns::ring::karger::KargerRing;
use faultline_core::patterns::ring::key::hash_fraction;
use faultline_core::patterns::ring::maglev::{check_table_size, Maglev, MAGLEV_TABLE_SIZES};
use faultline_core::patterns::ring::node::NodeId;
use faultline_core::patterns::ring::params::{Algorithm, RingParams};
use faultline_core::patterns::ring::sim::{LivePlacement, RingCommand, RingEvent, RingSim};
use faultline_core::patterns::ring::Placement;
use faultline_core::player::Player;
use faultline_core::scenario::Scenario;

fn player(algorithm: Algorithm, nodes: u32) -> Player<RingSim> {
    let params = RingParams { algorithm, nodes, vnodes: 20, keys: 2_000, ..RingParams::default() }.normalised();
    let mut player = Player::new(Scenario::new(1, 10_000.0, params), 1_000).unwrap();
    player.seek(1_000 * TICKS_PER_MS);
    player
}

fn last_event(player: &Player<RingSim>) -> Option<RingEvent> {
    player.sim().trace().recent().rev().find_map(|e| match &e.event {
        TraceEvent::Pattern(event) => Some(event.clone()),
        _ => None,
    })
}

#[test]
fn can_remove_predicts_whether_a_removal_is_refused() {
    for algorithm in Algorithm::ALL {
        for node in 0..5 {
            let mut player = player(algorithm, 5);
            let predicted = player.model().can_remove(NodeId(node));
            player.issue(RingCommand::RemoveNode { node }).unwrap();
            match (predicted, last_event(&player)) {
                (Ok(()), Some(RingEvent::KeysMoved { .. })) => {}
                (Err(e), Some(RingEvent::Refused { field, reason })) => assert_eq!((e.field, e.message), (field, reason)),
                (p, e) => panic!("{algorithm:?} node {node}: predicted {p:?}, got {e:?}"),
            }
        }
    }
}

#[test]
fn jump_hash_may_remove_only_its_last_bucket_and_nobody_the_last_node() {
    let jump = player(Algorithm::Jump, 4);
    let allowed: Vec<u32> = (0..4).filter(|&n| jump.model().can_remove(NodeId(n)).is_ok()).collect();
    assert_eq!(allowed, vec![3]);
    assert!(jump.model().can_remove(NodeId(1)).unwrap_err().message.contains("last bucket"));
    assert_eq!(Algorithm::Jump.removal_rule(), Some("Jump hash can only remove its last bucket."));
    for algorithm in Algorithm::ALL {
        let single = player(algorithm, 1);
        assert_eq!(single.model().can_remove(NodeId(0)).unwrap_err().field, "nodes", "{algorithm:?}");
        assert!(player(algorithm, 3).model().can_remove(NodeId(9)).is_err(), "{algorithm:?}: unknown node");
        assert_eq!(algorithm.removal_rule().is_some(), algorithm == Algorithm::Jump);
        assert_eq!(algorithm.weight_unit().is_none(), algorithm == Algorithm::Jump, "only jump hash has no weights");
    }
}

#[test]
fn a_maglev_key_sits_at_its_slot_and_that_slot_is_its_owner() {
    let player = player(Algorithm::Maglev, 5);
    let sim = player.model();
    let LivePlacement::Maglev(maglev) = sim.placement() else { panic!("a Maglev placement") };
    for (i, &hash) in sim.key_hashes().iter().enumerate().take(200) {
        let position = sim.placement().key_position(hash);
        let slot = maglev.slot(hash);
        assert_eq!(position, slot as f64 / maglev.table_size() as f64);
        assert_eq!(maglev.table()[slot], sim.owners()[i], "key {i}");
    }
    let ring = self::player(Algorithm::Ring, 5);
    let hash = ring.model().key_hashes()[0];
    assert_eq!(ring.model().placement().key_position(hash), hash_fraction(hash), "elsewhere a key sits at its hash");
}

#[test]
fn maglev_slices_sample_the_table_in_order() {
    let maglev = Maglev::new(5, 251).unwrap();
    assert_eq!(maglev.slice_owners(251), maglev.table(), "one slice per slot is the table");
    assert_eq!(maglev.slice_owners(10_000), maglev.table(), "never more slices than slots");
    let ten = maglev.slice_owners(10);
    assert_eq!(ten.len(), 10);
    for (s, owner) in ten.iter().enumerate() {
        assert_eq!(*owner, maglev.table()[s * 251 / 10]);
    }
    for size in MAGLEV_TABLE_SIZES {
        check_table_size(size).unwrap();
    }
}

#[test]
fn ring_arcs_and_bins_agree_with_the_owner_of_a_hash() {
    let ring = KargerRing::new(4, 8).unwrap();
    let arcs = ring.token_arcs();
    assert_eq!(arcs.len(), ring.tokens().len());
    for &(from, to, owner) in &arcs {
        assert_eq!(ring.owner(to), owner, "a token's own hash is in its arc");
        assert_eq!(ring.owner(from.wrapping_add(1)), owner, "so is the hash just after the previous token");
    }
    let bins = ring.bin_owners(16);
    assert_eq!(bins.len(), 16);
    for (b, owner) in bins.iter().enumerate() {
        let end = ((b as u128 + 1) * (1u128 << 64) / 16).min(u64::MAX as u128) as u64;
        assert_eq!(*owner, ring.owner(end));
    }
}
