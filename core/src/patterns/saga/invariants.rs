//! The live invariants, each with a "why" that names the events behind a breach:
//! the history's shape, every action taking effect exactly as often as the history says,
//! conservation of money and stock at rest, and nothing left in effect after a rollback.

use std::collections::BTreeMap;

use serde::Serialize;

use super::history::{check_shape, label, EntryResult, Op};
use super::sim::{FaultSpec, Outcome, SagaSim};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// `history`, `exactly_once`, `conservation`, `left_in_effect` or `isolation`.
    pub rule: &'static str,
    pub why: String,
}

/// Why an op took effect more than once, from its applications.
fn repeat_cause(sim: &SagaSim, op: Op) -> String {
    let applications: Vec<String> = sim
        .participants()
        .iter()
        .flat_map(|p| p.applied.get(&op).into_iter().flatten())
        .enumerate()
        .map(|(i, a)| match (i, a.duplicate) {
            (0, _) => format!("attempt {}", a.attempt),
            (_, true) => format!("attempt {} again, a duplicate delivery", a.attempt),
            (_, false) => format!("attempt {}, a retry after no reply came in time", a.attempt),
        })
        .collect();
    applications.join("; ")
}

/// Which cells an op's effect touches, as `service.cell`.
fn touched(sim: &SagaSim, op: Op) -> Vec<String> {
    let service = sim.definition().steps.get(op.0).map(|s| s.service.clone()).unwrap_or_default();
    sim.action(op).map(|a| a.effect.adjust.keys().map(|c| format!("{service}.{c}")).collect()).unwrap_or_default()
}

/// What the repeats did to the cells an op touches: `consumer is 30, the history accounts for 65`.
fn damage(sim: &SagaSim, op: Op) -> String {
    let def = sim.definition();
    let Some(service) = def.steps.get(op.0).and_then(|s| def.service_index(&s.service)) else { return String::new() };
    let expected = |cell: &str| -> i64 {
        let start = def.services[service].cells.get(cell).copied().unwrap_or(0);
        let done: i64 = sim
            .history()
            .iter()
            .filter(|e| e.result == EntryResult::Done && def.steps[e.step].service == def.services[service].name)
            .filter_map(|e| sim.action(e.op()).and_then(|a| a.effect.adjust.get(cell)))
            .sum();
        start + done
    };
    let parts: Vec<String> = touched(sim, op)
        .iter()
        .filter_map(|c| c.split_once('.').map(|(_, cell)| cell.to_string()))
        .filter_map(|cell| {
            let now = sim.participants()[service].cells.get(&cell).copied().unwrap_or(0);
            let want = expected(&cell);
            (now != want).then(|| format!("{cell} is {now} where the history accounts for {want}"))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join(", "))
    }
}

/// Every breach now, each once.
pub fn check(sim: &SagaSim) -> Vec<Violation> {
    let mut out = Vec::new();
    let def = sim.definition();
    if let Err(why) = check_shape(sim.history(), sim.params().engine.parallel()) {
        out.push(Violation { rule: "history", why });
    }
    let done = |op: Op| sim.final_result(op) == Some(EntryResult::Done);
    let at_rest = sim.outcome().is_some();
    for p in sim.participants() {
        for (&op, applications) in &p.applied {
            let action = sim.action(op).map(|a| a.name.clone()).unwrap_or_default();
            let n = applications.len();
            let in_flight = sim.ops().contains_key(&op);
            if n > 1 {
                let damage = damage(sim, op);
                let dedup = if sim.params().idempotency { "" } else { ", and idempotency is off" };
                out.push(Violation {
                    rule: "exactly_once",
                    why: format!("{} ran {} {action} {n} times ({}){dedup}{damage}", p.name, label(op), repeat_cause(sim, op)),
                });
            } else if n == 1 && !done(op) && !in_flight && (at_rest || sim.final_result(op).is_some()) {
                let late = matches!(sim.fault(op), Some(FaultSpec::Timeout { .. }));
                let cause = if late { "its reply came after the step's timeout" } else { "its reply never arrived" };
                out.push(Violation {
                    rule: "exactly_once",
                    why: format!(
                        "{} ran {} {action}, but the orchestrator counted it failed ({cause}), so nothing will ever undo it",
                        p.name,
                        label(op)
                    ),
                });
            }
        }
    }
    // Isolation: a cancel the service accepted must not be overwritten by the saga.
    if let Some((service, row)) = super::sim::cancellable_row(def) {
        let now = sim.participants()[service].rows.get(&row).cloned().unwrap_or_default();
        for c in sim.cancels().iter().filter(|c| c.decided == Some(true)) {
            if now != "CANCELLED" {
                let overwrote = sim
                    .history()
                    .iter()
                    .rev()
                    .filter(|e| e.result == EntryResult::Done && Some(e.at_ms) >= c.decided_at_ms)
                    .find(|e| sim.action(e.op()).is_some_and(|a| a.effect.set.contains_key(&row)))
                    .map(|e| format!("{} {} (done at {:.2} s)", e.label, sim.action(e.op()).map_or("", |a| a.name.as_str()), e.at_ms / 1000.0))
                    .unwrap_or_else(|| "a later step".into());
                out.push(Violation {
                    rule: "isolation",
                    why: format!(
                        "cancelled but {now}: {} cancelled {row} at {:.2} s while the saga was running, then {overwrote} overwrote it — a lost update; the semantic lock would have refused the cancel",
                        def.services[service].name,
                        c.decided_at_ms.unwrap_or(0.0) / 1000.0
                    ),
                });
            }
        }
    }
    if matches!(sim.outcome(), Some(Outcome::RolledBack | Outcome::Failed)) && sim.compensating() {
        for (i, step) in def.steps.iter().enumerate() {
            // Status rows (VERIFIED, PENDING) are bookkeeping; money and stock are what must not stay moved.
            if !sim.is_completed(i) || sim.is_compensated(i) || step.action.effect.adjust.is_empty() {
                continue;
            }
            let what = format!("T{} {} at {}", i + 1, step.action.name, step.service);
            let why = match (&step.compensation, sim.final_result((i, true))) {
                (None, _) => format!(
                    "{what} is still in effect after the saga {}: it is the {} and has no compensation ({} compensates backwards past it)",
                    sim.outcome().map_or("", Outcome::name),
                    step.kind.name(),
                    sim.params().engine.describe()
                ),
                (Some(c), Some(EntryResult::Failed(f))) => {
                    let detail = sim.errors().iter().find(|e| e.starts_with(&format!("C{} ", i + 1))).cloned();
                    match detail {
                        Some(d) => format!("{what} is still in effect: {d}"),
                        None => format!("{what} is still in effect: C{} {} failed ({})", i + 1, c.name, f.name()),
                    }
                }
                (Some(c), _) => {
                    format!("{what} is still in effect: C{} {} never ran (the engine stopped at the first failed compensation)", i + 1, c.name)
                }
            };
            out.push(Violation { rule: "left_in_effect", why });
        }
    }
    if at_rest {
        for (group, cells) in &def.conserved {
            let value = |initial: bool| -> i64 {
                cells
                    .iter()
                    .filter_map(|c| c.split_once('.'))
                    .filter_map(|(svc, cell)| {
                        let i = def.service_index(svc)?;
                        if initial {
                            def.services[i].cells.get(cell).copied()
                        } else {
                            sim.participants()[i].cells.get(cell).copied()
                        }
                    })
                    .sum()
            };
            let (start, now) = (value(true), value(false));
            if start != now {
                let causes: Vec<String> =
                    out.iter().filter(|v| v.rule == "exactly_once" || v.rule == "left_in_effect").map(|v| v.why.clone()).collect();
                let because = if causes.is_empty() { String::new() } else { format!(" because {}", causes.join("; ")) };
                out.push(Violation {
                    rule: "conservation",
                    why: format!("{group}: {} = {now} at rest, {start} at the start{because}", cells.join(" + ")),
                });
            }
        }
    }
    out
}

/// Each conserved group's sum at the start and now, for the invariants panel.
pub fn conserved_sums(sim: &SagaSim) -> BTreeMap<String, (i64, i64)> {
    let def = sim.definition();
    def.conserved
        .iter()
        .map(|(group, cells)| {
            let mut start = 0;
            let mut now = 0;
            for (svc, cell) in cells.iter().filter_map(|c| c.split_once('.')) {
                if let Some(i) = def.service_index(svc) {
                    start += def.services[i].cells.get(cell).copied().unwrap_or(0);
                    now += sim.participants()[i].cells.get(cell).copied().unwrap_or(0);
                }
            }
            (group.clone(), (start, now))
        })
        .collect()
}
