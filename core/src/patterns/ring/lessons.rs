//! Preset scenarios for the ring widget: the classic consistent-hashing lessons.

use super::params::{Algorithm, RingParams};
use super::sim::{RingCommand, RingSim};
use super::workload::Workload;
use crate::scenario::{Scenario, TimedCommand};

fn scenario(title: &str, params: RingParams, actions: Vec<(f64, RingCommand)>) -> Scenario<RingSim> {
    let mut s = Scenario::new(1, 10_000.0, params);
    s.title = title.to_string();
    s.actions = actions.into_iter().map(|(at_ms, command)| TimedCommand { at_ms, command }).collect();
    s
}

fn params(algorithm: Algorithm, nodes: u32, vnodes: u32, keys: u64) -> RingParams {
    RingParams { algorithm, nodes, vnodes, keys, replication_factor: 3.min(nodes), ..RingParams::default() }
}

const ADD: RingCommand = RingCommand::AddNode { weight: None };

pub fn presets() -> Vec<(&'static str, Scenario<RingSim>)> {
    let lumpy =
        scenario("1 vnode per node is lumpy: one token each gives very unequal arcs", params(Algorithm::Ring, 8, 1, 2_000), vec![(4_000.0, ADD)]);
    let smooth = scenario(
        "vnodes smooth it out: 200 tokens per node, then node-0 doubles its weight",
        params(Algorithm::Ring, 8, 200, 2_000),
        vec![(3_000.0, ADD), (6_000.0, RingCommand::SetWeight { node: 0, weight: 400 })],
    );
    let add = scenario(
        "Adding a node moves about 1/(N+1) of the keys, all to the new node",
        params(Algorithm::Ring, 10, 100, 10_000),
        vec![(3_000.0, ADD), (6_000.0, RingCommand::RemoveNode { node: 3 })],
    )
    .with_moments(&[
        (0.0, "10 nodes with 100 virtual nodes each hold 10 000 keys. Each dot is a key at its hash, in the colour and shape of the node that owns it."),
        (3_000.0, "3 s: a node joins. Only the keys it takes over move, about 1/(N+1) = 9.1 % of them, and every one moves to the new node. The ringed dots moved."),
        (6_000.0, "6 s: node-3 leaves. Only its own keys move, spread over the other nodes: close to the ideal again, and no other key is disturbed."),
    ]);
    let modulo = scenario(
        "hash mod N would move almost everything: compare with the ring's 1/(N+1)",
        params(Algorithm::Ring, 10, 100, 10_000),
        vec![(2_000.0, ADD), (5_000.0, ADD), (8_000.0, RingCommand::RemoveNode { node: 10 })],
    );
    let zipf = Workload::zipf_default();
    let hot = scenario(
        "Hot keys (Zipf 1.1) overload the node that holds key-0",
        RingParams { workload: zipf.clone(), ..params(Algorithm::Ring, 10, 100, 5_000) },
        vec![(5_000.0, ADD)],
    );
    let bounded = scenario(
        "Bounded loads (c = 1.25) cap every node's requests at c × the mean",
        RingParams { workload: zipf, load_factor_c: 1.25, ..params(Algorithm::BoundedLoad, 10, 100, 5_000) },
        vec![(5_000.0, ADD)],
    );
    let maglev = scenario(
        "Maglev vs ring: a near-perfect split, a little extra movement",
        params(Algorithm::Maglev, 10, 100, 10_000),
        vec![(3_000.0, ADD), (6_000.0, RingCommand::RemoveNode { node: 3 })],
    );
    let jump = scenario(
        "Jump hash: perfect movement on add, but only the last bucket can go",
        params(Algorithm::Jump, 10, 1, 10_000),
        vec![(3_000.0, ADD), (5_000.0, RingCommand::RemoveNode { node: 3 }), (7_000.0, RingCommand::RemoveNode { node: 10 })],
    );
    vec![
        ("ring-one-vnode", lumpy),
        ("ring-vnodes", smooth),
        ("ring-add-node", add),
        ("ring-modulo", modulo),
        ("ring-hot-keys", hot),
        ("ring-bounded-loads", bounded),
        ("ring-maglev", maglev),
        ("ring-jump", jump),
    ]
}
