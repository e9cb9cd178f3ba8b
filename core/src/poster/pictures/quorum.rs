//! The quorum's poster picture, as the widget draws its ring (`src/web/widgets/quorum.rs`): the
//! storage nodes on a circle and the client in the middle; each node up or crashed (dashed,
//! "✗ crashed"), key k0's replicas ringed bold, a partition's sides filled apart, slowed or lossy
//! links drawn dashed, and under each node the versions of k0 it holds and its hints.

use std::f64::consts::PI;
use std::fmt::Write;

use crate::engine::{Network, NodeId, Tick};
use crate::narrate::count;
use crate::patterns::quorum::sim::simulation::QuorumSim;
use crate::patterns::quorum::sim::version::labels;
use crate::poster::svg::{num, text};
use crate::poster::Picture;

const SIZE: f64 = 420.0;
const CENTER: f64 = 210.0;
const RADIUS: f64 = 150.0;

fn position(node: NodeId, replicas: u32) -> (f64, f64) {
    if node >= replicas {
        return (CENTER, CENTER);
    }
    let angle = -PI / 2.0 + 2.0 * PI * f64::from(node) / f64::from(replicas);
    (CENTER + RADIUS * libm::cos(angle), CENTER + RADIUS * libm::sin(angle))
}

pub fn picture(sim: &QuorumSim, _now: Tick, network: &Network) -> Picture {
    let mut out = String::new();
    let p = sim.params();
    let replicas = p.replicas;
    let client = QuorumSim::client_node(p);
    let groups = network.partition_groups();
    let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n)).filter(|_| groups.len() > 1);
    let k0: Vec<NodeId> = sim.replicas_of(0).to_vec();
    let _ = write!(out, "<circle cx=\"{CENTER}\" cy=\"{CENTER}\" r=\"{RADIUS}\" style=\"fill:none;stroke:var(--line);stroke-width:2\"/>");
    // Links a fault slowed or made lossy, once per pair.
    let mut slowed: Vec<(NodeId, NodeId)> = network.overridden_links().into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect();
    crate::order::sort(&mut slowed);
    slowed.dedup();
    for (a, b) in slowed {
        let ((x1, y1), (x2, y2)) = (position(a, replicas), position(b, replicas));
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" style=\"stroke:var(--warn);stroke-width:3;stroke-dasharray:6 4\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }
    let fills = ["var(--panel)", "rgba(86,180,233,.28)", "rgba(204,121,167,.3)", "rgba(230,159,0,.3)"];
    let mut down = 0;
    for n in 0..=replicas {
        let (x, y) = position(n, replicas);
        let up = network.is_up(n);
        let name = if n == client { "client".to_string() } else { format!("node-{n}") };
        let fill = group_of(n).map_or(fills[0], |g| fills[1 + g % 3]);
        let (stroke, dash) = if up { ("var(--ok)", "") } else { ("var(--bad)", "stroke-dasharray:5 4;") };
        let width = if k0.contains(&n) { 6 } else { 3 };
        let _ =
            write!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"28\" style=\"fill:{fill};stroke:{stroke};stroke-width:{width};{dash}\"/>", num(x), num(y));
        text(&mut out, x, y + 4.5, "flp-state-name", " text-anchor=\"middle\" style=\"font-size:12px\"", &name);
        if !up {
            down += 1;
            text(&mut out, x, y - 34.0, "flp-small", " text-anchor=\"middle\" style=\"fill:var(--bad);font-weight:700\"", "✗ crashed");
        }
        if n != client {
            let hints = sim.hints(n).len();
            let detail = format!(
                "k0 {}{}",
                labels(sim.versions(n, 0)),
                if hints > 0 { format!(" · {}", count(hints as u64, "hint", "hints")) } else { String::new() }
            );
            text(&mut out, x, y + 44.0, "flp-small", " text-anchor=\"middle\"", &detail);
        }
    }
    let sides = if groups.len() > 1 { format!(", partitioned into {} sides", groups.len()) } else { String::new() };
    let k0_names: Vec<String> = k0.iter().map(|n| format!("node-{n}")).collect();
    text(&mut out, 8.0, SIZE + 4.0, "flp-small", "", &format!("Bold rings: k0's replicas ({}).", k0_names.join(", ")));
    let fill_note = if groups.len() > 1 { " · fill colour = partition side" } else { "" };
    text(&mut out, 8.0, SIZE + 22.0, "flp-small", "", &format!("N = {}, W = {}, R = {}{fill_note}", p.n, p.w, p.r));
    Picture {
        width: SIZE,
        height: SIZE + 30.0,
        label: format!("{replicas} storage nodes on a ring and the client in the middle; {down} crashed{sides}"),
        body: out,
    }
}
