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
        (0.0, "10 nodes with 100 virtual nodes each hold 10 000 keys. The dots are the first 400 of them, each at its hash, in the colour and shape of the node that owns it."),
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
    let lumpy = lumpy.with_moments(&[
        (
            0.0,
            "One token per node: each node owns the arc up to its token, and the arcs are very unequal. Look at the busiest node against the mean.",
        ),
        (4_000.0, "4 s: a node joins and takes over part of one arc only: its single neighbour gives up keys, nobody else does."),
    ]);
    let smooth = smooth.with_moments(&[
        (0.0, "200 tokens per node: the arcs are small and many, so every node's share is close to the mean."),
        (3_000.0, "3 s: a node joins and takes a little from every node, not a lot from one."),
        (6_000.0, "6 s: node-0's weight doubles (twice the tokens): it takes keys from all the others, about twice its old share."),
    ]);
    let modulo = modulo.with_moments(&[
        (0.0, "The ring and, for comparison, hash mod N: the figure shows what each would move at every change."),
        (
            2_000.0,
            "2 s: one node more. The ring moves about 1/(N+1); hash mod N moves almost every key, because nearly every key's remainder changes.",
        ),
        (5_000.0, "5 s: another node, the same story."),
        (8_000.0, "8 s: node-10 leaves. Only its keys move on the ring; hash mod N reshuffles nearly everything again."),
    ]);
    let hot = hot.with_moments(&[
        (0.0, "Requests follow Zipf: a few keys get most of them. Balanced keys do not mean balanced requests: compare the two busiest-node charts."),
        (5_000.0, "5 s: a node joins. Keys move close to the ideal, yet requests stay uneven: a hot key still sits on a single node."),
    ]);
    let bounded = bounded.with_moments(&[
        (0.0, "Bounded loads: no node takes more than c = 1.25 × the mean. A key whose node is full goes on to the next one on the ring."),
        (5_000.0, "5 s: a node joins. The cap holds, at the price of moving a few more keys than the plain ring."),
    ]);
    let maglev = maglev.with_moments(&[
        (0.0, "Maglev fills a lookup table so that every node gets an almost equal share of its slots."),
        (3_000.0, "3 s: a node joins. The split stays near perfect; a few more keys move than the ideal 1/(N+1)."),
        (6_000.0, "6 s: node-3 leaves: again near-even, with a little extra movement."),
    ]);
    let jump = jump.with_moments(&[
        (0.0, "Jump hash needs no tokens and no table: a key's bucket comes from a few arithmetic steps, with perfect balance."),
        (3_000.0, "3 s: a bucket is added: exactly the ideal share of keys moves, all to the new bucket."),
        (5_000.0, "5 s: removing node-3 is refused: jump hash can only remove the last bucket."),
        (7_000.0, "7 s: removing the last bucket, node-10, works and moves only its keys."),
    ]);
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
