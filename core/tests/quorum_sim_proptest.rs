//! The quorum guarantee under arbitrary faults: with R + W > N and no sloppy quorum, no read
//! ever returns less than the newest committed write, whatever crashes, partitions, slow or
//! lossy links happen, in either versioning mode, with or without read repair.

use faultline_core::engine::{ticks_from_ms, Fault, Latency, NetworkConfig, Simulation};
use faultline_core::patterns::quorum::sim::{QuorumParams, QuorumSim, Versioning};
use faultline_core::scenario::{Scenario, TimedFault};
use proptest::prelude::*;

const REPLICAS: u32 = 5;
/// Storage nodes plus the client (the last id).
const NODES: u32 = REPLICAS + 1;

fn arb_fault() -> impl Strategy<Value = Fault> {
    // Any node may crash, the client included.
    let node = 0..NODES;
    let any_node = 0..NODES;
    prop_oneof![
        node.clone().prop_map(|node| Fault::Crash { node }),
        node.clone().prop_map(|node| Fault::Restart { node }),
        // A random subset of nodes split off (the client may be on either side).
        proptest::collection::btree_set(any_node.clone(), 1..4).prop_map(|g| Fault::Partition { groups: vec![g.into_iter().collect()] }),
        Just(Fault::Heal),
        (any_node.clone(), any_node.clone(), 1.0..300.0f64, any::<bool>()).prop_map(|(from, to, ms, both_ways)| Fault::SlowLink {
            from,
            to,
            latency: Latency::Constant { ms },
            both_ways
        }),
        (any_node.clone(), any_node.clone(), 0.0..1.0f64, any::<bool>()).prop_map(|(from, to, drop_probability, both_ways)| Fault::LossyLink {
            from,
            to,
            drop_probability,
            both_ways
        }),
        (any_node.clone(), any_node).prop_map(|(from, to)| Fault::RestoreLink { from, to, both_ways: true }),
    ]
}

/// (n, w, r) with r + w > n.
fn arb_strict_quorum() -> impl Strategy<Value = (u32, u32, u32)> {
    (1..=REPLICAS).prop_flat_map(|n| (Just(n), 1..=n)).prop_flat_map(|(n, w)| (Just(n), Just(w), (n - w + 1)..=n))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn strict_quorums_never_read_stale(
        (n, w, r) in arb_strict_quorum(),
        vector_clocks in any::<bool>(),
        read_repair in any::<bool>(),
        seed in any::<u64>(),
        faults in proptest::collection::vec((0.0..1_000.0f64, arb_fault()), 0..10),
    ) {
        let params = QuorumParams {
            replicas: REPLICAS,
            n,
            w,
            r,
            keys: 2,
            read_repair,
            sloppy_quorum: false,
            versioning: if vector_clocks { Versioning::VectorClock } else { Versioning::LastWriteWins },
            writes_per_second: 60.0,
            reads_per_second: 90.0,
            ..QuorumParams::default()
        };
        let mut scenario = Scenario::<QuorumSim>::new(seed, 1_200.0, params);
        scenario.network = Some(NetworkConfig { latency: Latency::Exponential { mean_ms: 3.0 }, drop_probability: 0.01 });
        let mut faults: Vec<TimedFault> = faults.into_iter().map(|(at_ms, fault)| TimedFault { at_ms, fault }).collect();
        faultline_core::order::sort_by_f64(&mut faults, |f| f.at_ms);
        scenario.faults = faults;
        prop_assert!(scenario.validate().is_ok());
        let mut sim = Simulation::<QuorumSim>::start(&scenario.params, scenario.seed, scenario.network_config(), 0);
        sim.run_until(ticks_from_ms(scenario.duration_ms), &scenario.schedule());
        let counts = sim.model().counts();
        prop_assert_eq!(counts.reads_stale, 0, "stale read: {:?}", sim.model().recent_reads().find(|r| r.cause.is_some()));
        // Not vacuous: reads happened, unless the client crashed before its first one.
        let client_down_at_start = scenario.faults.iter().any(|f| f.at_ms < 100.0 && f.fault == Fault::Crash { node: REPLICAS });
        prop_assert!(counts.reads_issued > 0 || client_down_at_start);
    }
}

/// The same generator does find stale reads once R + W ≤ N, so the property above is not
/// vacuous: the oracle can see staleness when it exists.
#[test]
fn the_oracle_sees_staleness_with_partial_quorums() {
    let params = QuorumParams { n: 3, w: 1, r: 1, keys: 1, writes_per_second: 60.0, reads_per_second: 90.0, ..QuorumParams::default() };
    let mut scenario = Scenario::<QuorumSim>::new(3, 2_000.0, params);
    scenario.network = Some(NetworkConfig { latency: Latency::Exponential { mean_ms: 3.0 }, drop_probability: 0.0 });
    scenario.params.coordinator = faultline_core::patterns::quorum::sim::Coordinator::RandomReachable;
    let order = faultline_core::patterns::quorum::sim::lessons::k0_order(&scenario.params);
    scenario.faults = vec![TimedFault {
        at_ms: 0.0,
        fault: Fault::SlowLink { from: order[0], to: order[2], latency: Latency::Constant { ms: 200.0 }, both_ways: false },
    }];
    let mut sim = Simulation::<QuorumSim>::start(&scenario.params, scenario.seed, scenario.network_config(), 0);
    sim.run_until(ticks_from_ms(2_000.0), &scenario.schedule());
    assert!(sim.model().counts().reads_stale > 0);
}
