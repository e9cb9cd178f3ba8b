//! "What to notice" for the quorum widget: plain sentences about the state on screen now.

use super::messages::KeyId;
use super::read::{StaleCause, Verdict};
use super::simulation::QuorumSim;
use crate::engine::{ms_from_ticks, ticks_from_ms, Fault, NodeId, Pattern, Tick};
use crate::narrate::format_time;
use crate::scenario::additions::{down_at, latest_happened, upcoming_note, Added};
use crate::scenario::Scenario;

pub fn notes(sim: &QuorumSim, _now: Tick) -> Vec<String> {
    let p = sim.params();
    let mut notes = Vec::new();
    if p.strict() {
        let mut text = format!(
            "N = {}, W = {}, R = {}: R + W = {} > N, so every read asks at least one replica that acknowledged the latest committed write.",
            p.n,
            p.w,
            p.r,
            p.r + p.w
        );
        if p.sloppy_quorum {
            text.push_str(" But sloppy quorum is on: while a replica is unreachable, writes can be acknowledged by stand-ins that reads never ask.");
        } else {
            text.push_str(" Reads here cannot be stale; failures can only make operations fail.");
        }
        notes.push(text);
    } else {
        notes.push(format!(
            "N = {}, W = {}, R = {}: R + W = {} ≤ N, so a read may ask only replicas the latest write has not reached yet. Staleness is a matter of timing: see the chart of P(consistent) against the time since the write.",
            p.n,
            p.w,
            p.r,
            p.r + p.w
        ));
    }
    let c = sim.counts();
    let judged = c.reads_fresh + c.reads_stale;
    if judged > 0 {
        notes.push(format!(
            "{} of {} so far {} stale ({:.1}%); {} and {} failed.",
            c.reads_stale,
            crate::narrate::count(judged, "read", "reads"),
            if c.reads_stale == 1 { "was" } else { "were" },
            100.0 * c.reads_stale as f64 / judged as f64,
            crate::narrate::count(c.reads_failed, "read", "reads"),
            crate::narrate::count(c.writes_failed, "write", "writes")
        ));
    }
    if let Some(last) = sim.recent_reads().rev().find(|r| r.verdict == Verdict::Stale) {
        let lesson = match last.cause {
            Some(StaleCause::SloppyQuorum) => " This is the sloppy-quorum surprise: availability bought with consistency.",
            Some(StaleCause::PartialQuorum) => " Raise R or W until R + W > N to rule this out.",
            _ => "",
        };
        notes.push(format!("Last stale read, #{} at {:.1} ms: {}.{lesson}", last.op, ms_from_ticks(last.answered_at), last.why));
    }
    let holders: Vec<String> = (0..p.replicas)
        .filter_map(|n| {
            let hints = sim.hints(n);
            let first = hints.first()?;
            Some(format!(
                "{} holds {}, e.g. {} for node-{}",
                sim.node_name(n),
                crate::narrate::count(hints.len() as u64, "hint", "hints"),
                sim.key_names()[first.key as usize],
                first.owner
            ))
        })
        .collect();
    if !holders.is_empty() {
        notes.push(format!(
            "Hinted handoff pending: {}. A hint is handed to its owner once the owner is reachable again (checked every {} ms).",
            holders.join("; "),
            p.hint_retry_ms
        ));
    }
    let divergent: Vec<&str> =
        (0..sim.key_names().len() as u32).filter(|&k| !sim.converged(k)).map(|k| sim.key_names()[k as usize].as_str()).collect();
    if !divergent.is_empty() {
        let fix = if p.read_repair {
            "read repair fixes a key's replicas the next time the key is read"
        } else {
            "read repair is off: only later writes or hinted handoff bring them together"
        };
        notes.push(format!("Replicas disagree on {}: {fix}.", divergent.join(", ")));
    }
    notes
}

/// Keys a note on a crashed replica names one by one.
const KEYS_NAMED: usize = 3;

/// "What to notice" about the faults and commands the learner added on top of the lesson: a
/// crashed replica is named with the keys it holds and whether their quorums still hold.
pub fn additions(sim: &QuorumSim, scenario: &Scenario<QuorumSim>, added: &[Added<'_, QuorumSim>], now: Tick) -> Vec<String> {
    let p = sim.params();
    let name = |n: NodeId| sim.node_name(n).to_string();
    let mut notes: Vec<String> = latest_happened(added, now)
        .into_iter()
        .map(|a| {
            let when = format_time(ticks_from_ms(a.at_ms()));
            match a {
                Added::Fault(f) => match f.fault {
                    Fault::Crash { node } if down_at(scenario, node, now) => {
                        let held: Vec<KeyId> = (0..sim.key_names().len() as KeyId).filter(|&k| sim.replicas_of(k).contains(&node)).collect();
                        if held.is_empty() {
                            return format!(
                                "You crashed {} at {when}, and it is still down; it holds no replica of these keys, so no quorum needs it.",
                                name(node)
                            );
                        }
                        let per_key: Vec<String> = held
                            .iter()
                            .take(KEYS_NAMED)
                            .map(|&k| {
                                let up = sim.replicas_of(k).iter().filter(|&&r| !down_at(scenario, r, now)).count() as u32;
                                let writes = if up >= p.w {
                                    "writes still get their W acks".to_string()
                                } else if p.sloppy_quorum {
                                    "writes get their W acks only from stand-ins, which keep hints for the replicas that are down".to_string()
                                } else {
                                    format!("writes fail (W = {})", p.w)
                                };
                                let reads =
                                    if up >= p.r { "reads still get their R replies".to_string() } else { format!("reads fail (R = {})", p.r) };
                                format!("{}: {up} of {} replicas up, so {writes} and {reads}", sim.key_names()[k as usize], p.n)
                            })
                            .collect();
                        let more = held.len().saturating_sub(KEYS_NAMED);
                        format!(
                            "You crashed {} at {when}, and it is still down. {}{}.",
                            name(node),
                            per_key.join("; "),
                            if more > 0 { format!("; and {more} more keys") } else { String::new() }
                        )
                    }
                    ref other => format!("You added a fault at {when}: {}.", other.describe(&name)),
                },
                Added::Command(c) => format!("At {when}, added by you: {}.", QuorumSim::describe_command(&c.command)),
            }
        })
        .collect();
    notes.extend(upcoming_note(added, now, &name));
    notes
}
