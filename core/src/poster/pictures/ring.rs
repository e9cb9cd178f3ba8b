//! The ring's poster picture: the hash circle with each arc coloured by the node that owns it
//! (vnode ring, Maglev's table), the nodes' tokens on it, the keys as dots at their position,
//! shaped and coloured by owner (moved keys ringed), and a legend of nodes with their key counts.

use std::f64::consts::PI;
use std::fmt::Write;

use crate::engine::{Network, Tick};
use crate::patterns::ring::key::hash_fraction;
use crate::patterns::ring::node::NodeId;
use crate::patterns::ring::sim::{LivePlacement, RingSim, DRAWN_KEYS};
use crate::poster::svg::{num, text};
use crate::poster::Picture;

const CX: f64 = 200.0;
const CY: f64 = 200.0;
const R: f64 = 160.0;
/// The band is drawn in this many arcs (one degree each) whatever the token count.
const BINS: usize = 360;
/// Tokens are marked on the circle up to this many.
const MARKED_TOKENS: usize = 64;
/// Nodes the legend lists by name; the rest are summed up in one line.
const LEGEND_ROWS: usize = 14;

fn colour(id: NodeId) -> String {
    format!("flp-c{}", id.0 % 8)
}

/// Position on the circle of a fraction of the hash space (0 at the top, clockwise).
fn point(fraction: f64, radius: f64) -> (f64, f64) {
    let angle = fraction * 2.0 * PI - PI / 2.0;
    (CX + radius * libm::cos(angle), CY + radius * libm::sin(angle))
}

/// A node's mark: circle, square, triangle or diamond (so owners differ by shape too); the
/// shape turns one step every 8 nodes, so 8 colours × 4 shapes mark 32 nodes apart.
fn mark(out: &mut String, id: NodeId, x: f64, y: f64, s: f64, class: &str) {
    let d = match (id.0 + id.0 / 8) % 4 {
        0 => format!("M{},{} a{s},{s} 0 1,0 {},0 a{s},{s} 0 1,0 {},0 z", num(x - s), num(y), num(2.0 * s), num(-2.0 * s)),
        1 => format!("M{},{} h{} v{} h{} z", num(x - s), num(y - s), num(2.0 * s), num(2.0 * s), num(-2.0 * s)),
        2 => format!("M{},{} L{},{} L{},{} z", num(x), num(y - s * 1.2), num(x + s * 1.1), num(y + s * 0.9), num(x - s * 1.1), num(y + s * 0.9)),
        _ => format!(
            "M{},{} L{},{} L{},{} L{},{} z",
            num(x),
            num(y - s * 1.3),
            num(x + s * 1.3),
            num(y),
            num(x),
            num(y + s * 1.3),
            num(x - s * 1.3),
            num(y)
        ),
    };
    let _ = write!(out, "<path class=\"{} {class}\" d=\"{d}\"/>", colour(id));
}

fn arc(out: &mut String, a: f64, b: f64, id: NodeId) {
    let (x1, y1) = point(a, R);
    let (x2, y2) = point(b, R);
    let large = if b - a > 0.5 { 1 } else { 0 };
    let _ = write!(out, "<path class=\"flp-ring-arc {}\" d=\"M{},{} A{R},{R} 0 {large},1 {},{}\"/>", colour(id), num(x1), num(y1), num(x2), num(y2));
}

pub fn picture(sim: &RingSim, _now: Tick, _network: &Network) -> Picture {
    let mut out = String::new();
    let nodes = sim.nodes();
    // The band: who owns each stretch of the circle.
    let owners: Option<Vec<NodeId>> = match sim.placement() {
        LivePlacement::Ring(ring) => Some(ring.bin_owners(BINS)),
        LivePlacement::Maglev(m) => Some(m.slice_owners(BINS)),
        LivePlacement::Jump(_) | LivePlacement::Rendezvous(_) => None,
    };
    match &owners {
        Some(owners) if !owners.is_empty() => {
            // Runs of one owner as one arc each, so the markup stays small.
            let n = owners.len();
            let mut start = 0;
            for i in 1..=n {
                if i == n || owners[i] != owners[start] {
                    arc(&mut out, start as f64 / n as f64, i as f64 / n as f64, owners[start]);
                    start = i;
                }
            }
        }
        _ => {
            let _ = write!(out, "<circle class=\"flp-ring-plain\" cx=\"{CX}\" cy=\"{CY}\" r=\"{R}\"/>");
        }
    }
    if let LivePlacement::Ring(ring) = sim.placement() {
        if ring.tokens().len() <= MARKED_TOKENS {
            for (&t, &id) in ring.tokens().iter().zip(ring.token_owners()) {
                let (x, y) = point(hash_fraction(t), R + 16.0);
                mark(&mut out, id, x, y, 5.0, "");
            }
        }
    }
    // The keys, in five rings inside the band (as the widget draws them).
    let drawn = sim.key_hashes().len().min(DRAWN_KEYS);
    let mut moved = 0;
    for i in 0..drawn {
        let owner = sim.owners()[i];
        let radius = R - 18.0 - (i % 5) as f64 * 7.0;
        let (x, y) = point(sim.placement().key_position(sim.key_hashes()[i]), radius);
        if sim.moved(i) {
            moved += 1;
            let _ = write!(out, "<circle class=\"flp-ring-halo\" cx=\"{}\" cy=\"{}\" r=\"6\"/>", num(x), num(y));
        }
        mark(&mut out, owner, x, y, if sim.moved(i) { 3.4 } else { 2.6 }, "flp-key");
    }
    // In the middle: what the dots are.
    text(&mut out, CX, CY - 6.0, "flp-state-name", " text-anchor=\"middle\"", &format!("{} keys", sim.key_hashes().len()));
    let middle = if moved > 0 { format!("{moved} of {drawn} drawn moved") } else { format!("{drawn} drawn") };
    text(&mut out, CX, CY + 14.0, "flp-small", " text-anchor=\"middle\"", &middle);
    // The legend: each node's mark, name and key count.
    let lx = 420.0;
    let mut ly = 40.0;
    text(&mut out, lx, ly, "flp-state-name", "", "node · keys");
    let all: Vec<(NodeId, String)> = nodes.iter().map(|(id, info)| (id, info.name.clone())).collect();
    for (id, name) in all.iter().take(LEGEND_ROWS) {
        ly += 24.0;
        mark(&mut out, *id, lx + 7.0, ly - 5.0, 6.0, "");
        text(&mut out, lx + 22.0, ly, "flp-note", "", &format!("{name} · {}", sim.keys_on(*id)));
    }
    if all.len() > LEGEND_ROWS {
        ly += 24.0;
        let rest: u64 = all.iter().skip(LEGEND_ROWS).map(|(id, _)| sim.keys_on(*id)).sum();
        text(&mut out, lx, ly, "flp-small", "", &format!("+ {} more nodes · {rest} keys", all.len() - LEGEND_ROWS));
    }
    if moved > 0 {
        ly += 30.0;
        let _ = write!(out, "<circle class=\"flp-ring-halo\" cx=\"{}\" cy=\"{}\" r=\"6\"/>", num(lx + 7.0), num(ly - 5.0));
        text(&mut out, lx + 22.0, ly, "flp-small", "", "moved by the last change");
    }
    let algorithm = format!("{:?}", sim.params().algorithm);
    Picture {
        width: 600.0,
        height: 400.0,
        label: format!("Hash ring ({algorithm}) with {} nodes; keys coloured and shaped by owner, {moved} drawn keys moved", nodes.len()),
        body: out,
    }
}
