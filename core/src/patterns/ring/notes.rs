//! "What to notice" for the ring widget: plain sentences about the placement on screen now.

use super::movement::RingOperation;
use super::params::Algorithm;
use super::sim::{RingSim, SIM_KEY_CAP, SIM_REQUEST_CAP};
use super::workload::Workload;
use crate::engine::Tick;

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

pub fn notes(sim: &RingSim, _now: Tick) -> Vec<String> {
    let mut notes = Vec::new();
    let p = sim.params();
    let keys = sim.key_balance();
    let n = sim.nodes().len();
    let weights_equal = {
        let mut w = sim.nodes().iter().map(|(_, info)| info.weight);
        let first = w.next();
        w.all(|x| Some(x) == first)
    };

    if let Some(m) = sim.last_movement() {
        let what = match &m.operation {
            RingOperation::AddNode { .. } => "Adding a node",
            RingOperation::RemoveNode { .. } => "Removing a node",
            RingOperation::SetWeight { .. } => "Changing a weight",
        };
        // The ideal is the changed node's share of the weight: what a perfectly even placement
        // would move. An uneven one can move less (the node held less than its share) or more.
        let mut s = format!(
            "{what} moved {} of the keys ({} of {}); a perfectly even placement would move {}, the changed node's share of the weight.",
            pct(m.fraction_moved),
            m.moved,
            m.keys,
            pct(m.ideal_fraction)
        );
        let gap = m.fraction_moved - m.ideal_fraction;
        if m.only_changed_node && gap < -0.005 {
            s.push_str(" Less: the changed node's keys were fewer than its share.");
        } else if m.only_changed_node && gap > 0.005 {
            s.push_str(" More: the changed node's keys were more than its share.");
        }
        if m.only_changed_node && m.moved > 0 {
            s.push_str(" Every moved key went to or came from the changed node: the others kept theirs.");
        } else if m.moved > 0 {
            s.push_str(" Some keys moved between nodes that did not change.");
        }
        notes.push(s);
        if let Some(modulo) = m.modulo_fraction {
            notes.push(format!("With plain hash mod N the same change would move {} of these keys: nearly all of them.", pct(modulo)));
        }
    }

    match p.algorithm {
        Algorithm::Ring => {
            let vnodes = sim.nodes().iter().map(|(_, i)| i.weight).min().unwrap_or(0);
            if vnodes <= 4 && weights_equal {
                notes.push(format!(
                    "With {} per node the arcs are very unequal: the busiest node holds {:.2}× the mean number of keys. More vnodes per node smooth this out.",
                    crate::narrate::count(u64::from(vnodes), "token", "tokens"),
                    keys.peak_to_mean
                ));
            } else {
                notes.push(format!(
                    "The busiest node holds {:.2}× the mean number of keys (spread CV {:.3}). The spread shrinks roughly like 1/√vnodes.",
                    keys.peak_to_mean, keys.cv
                ));
            }
        }
        Algorithm::BoundedLoad => notes.push(format!(
            "Bounded loads caps every node at ⌈c·m/n⌉ keys (c = {}): the busiest node holds {:.2}× the mean (c plus rounding at most). Keys that find their node full walk on clockwise.",
            p.load_factor_c, keys.peak_to_mean
        )),
        Algorithm::Jump => {
            notes.push(format!(
                "Jump hash: the busiest bucket holds {:.2}× the mean, with no tokens and no memory. It can only grow or shrink at the end: only {} can be removed.",
                keys.peak_to_mean,
                sim.nodes().ids().last().map(|id| sim.nodes().name(*id)).unwrap_or_default()
            ));
        }
        Algorithm::Rendezvous => notes.push(format!(
            "Rendezvous: every key scores every node and the highest score wins. The busiest node holds {:.2}× the mean; a lookup costs one hash per node.",
            keys.peak_to_mean
        )),
        Algorithm::Maglev => notes.push(format!(
            "Maglev: nodes take turns filling a table of {} slots, so each gets ⌊M/N⌋ or ⌈M/N⌉ of them: the busiest holds {:.2}× the mean. A change rebuilds the table, so a few keys move between unchanged nodes.",
            p.maglev_table_size, keys.peak_to_mean
        )),
    }

    if let Workload::Zipf { exponent, requests } = p.workload {
        let total: u64 = sim.key_requests().iter().sum();
        let hottest = sim.key_requests().first().copied().unwrap_or(0);
        let req = sim.request_balance();
        if total > 0 {
            let mut s = format!(
                "Hot keys (Zipf s = {exponent}): key-0 alone gets {} of the requests. The busiest node serves {:.2}× the mean request load.",
                pct(hottest as f64 / total as f64),
                req.peak_to_mean
            );
            if p.algorithm == Algorithm::BoundedLoad {
                s.push_str(&format!(
                    " Here requests are placed as balls: a hot key's excess spills to the next nodes clockwise, so no node serves more than c = {} × the mean; the price is that key-0 is served by more than one node.",
                    p.load_factor_c
                ));
            } else {
                s.push_str(" Balancing keys does not balance requests: switch to bounded loads to cap it.");
            }
            notes.push(s);
        }
        if requests > SIM_REQUEST_CAP {
            notes.push(format!("The widget draws the first {SIM_REQUEST_CAP} of the {requests} requests."));
        }
    }

    if let Some(reason) = sim.last_refusal() {
        notes.push(format!("Refused: {reason}."));
    }
    if sim.keys_capped() {
        notes.push(format!("The widget places the first {SIM_KEY_CAP} of the {} keys; `faultline ring stats` computes them all.", p.keys));
    }
    if n == 1 {
        notes.push("One node holds everything; add a node to see what moves.".into());
    }
    notes
}
