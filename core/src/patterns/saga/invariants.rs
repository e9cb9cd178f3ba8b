//! The live invariants, each with a "why" that names the events behind a breach:
//! the history's shape, every action taking effect exactly as often as the history says,
//! conservation of money and stock at rest, and nothing left in effect after a rollback.

use crate::small_map::SmallMap;

use serde::Serialize;

use super::history::{check_shape, label, EntryResult, Op};
use super::participant::SagaOp;
use super::sim::{FaultSpec, Outcome, SagaRun, SagaSim};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Violation {
    /// `history`, `exactly_once`, `conservation`, `left_in_effect`, `isolation` (a cancel
    /// overwritten), `lost_update` or `dirty_read`.
    pub rule: &'static str,
    pub why: String,
}

/// Why an op took effect more than once, from its applications.
fn repeat_cause(sim: &SagaSim, op: SagaOp) -> String {
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
fn damage(sim: &SagaSim, (_, op): SagaOp) -> String {
    let def = sim.definition();
    let Some(service) = def.steps.get(op.0).and_then(|s| def.service_index(&s.service)) else { return String::new() };
    let expected = |cell: &str| -> i64 {
        let start = def.services[service].cells.get(cell).copied().unwrap_or(0);
        let done: i64 = sim
            .runs()
            .iter()
            .flat_map(|r| r.history())
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

/// Every breach now, each once. With several sagas in flight each saga's own rules are
/// checked on its own (its breaches say which saga), then the isolation rules between them,
/// then conservation over all of them once every saga is at rest.
pub fn check(sim: &SagaSim) -> Vec<Violation> {
    let mut out = Vec::new();
    let def = sim.definition();
    let several = sim.runs().len() > 1;
    let who = |s: usize| if several { format!("saga {}: ", s + 1) } else { String::new() };
    for (s, run) in sim.runs().iter().enumerate() {
        if let Err(why) = check_shape(run.history(), sim.params().engine.parallel()) {
            out.push(Violation { rule: "history", why: format!("{}{why}", who(s)) });
        }
    }
    for p in sim.participants() {
        for (&key, applications) in &p.applied {
            let (s, op) = key;
            let run = sim.run(s);
            let done = run.final_result(op) == Some(EntryResult::Done);
            let at_rest = run.outcome().is_some();
            let action = sim.action(op).map(|a| a.name.clone()).unwrap_or_default();
            let n = applications.len();
            let in_flight = run.ops().contains_key(&op);
            if n > 1 {
                let damage = damage(sim, key);
                let dedup = if sim.params().idempotency { "" } else { ", and idempotency is off" };
                out.push(Violation {
                    rule: "exactly_once",
                    why: format!("{}{} ran {} {action} {n} times ({}){dedup}{damage}", who(s), p.name, label(op), repeat_cause(sim, key)),
                });
            } else if n == 1 && !done && !in_flight && (at_rest || run.final_result(op).is_some()) {
                let late = matches!(sim.fault_of(s, op), Some(FaultSpec::Timeout { .. }));
                let cause = if late { "its reply came after the step's timeout" } else { "its reply never arrived" };
                out.push(Violation {
                    rule: "exactly_once",
                    why: format!(
                        "{}{} ran {} {action}, but the orchestrator counted it failed ({cause}), so nothing will ever undo it",
                        who(s),
                        p.name,
                        label(op)
                    ),
                });
            }
        }
    }
    // Isolation: a cancel the service accepted must not be overwritten by the (first) saga.
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
    for (s, run) in sim.runs().iter().enumerate() {
        left_in_effect(sim, run, &who(s), &mut out);
    }
    lost_updates(sim, &mut out);
    dirty_reads(sim, &mut out);
    if sim.all_ended() {
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
                    out.iter().filter(|v| matches!(v.rule, "exactly_once" | "left_in_effect" | "lost_update")).map(|v| v.why.clone()).collect();
                let because = if causes.is_empty() { String::new() } else { format!(" because {}", causes.join("; ")) };
                out.push(Violation {
                    rule: "conservation",
                    why: format!("{group}: {} = {now} at rest, {start} at the start{because}", cells.join(" + ")),
                });
            }
        }
    }
    if several && sim.all_ended() {
        ledger(sim, &mut out);
    }
    out
}

/// With several sagas: every shared numeric cell must equal its start plus the effects of
/// every step and compensation the sagas' histories count as done. A lost update (or a
/// repeated effect) makes a cell disagree with the ledger even where a group's sum holds.
fn ledger(sim: &SagaSim, out: &mut Vec<Violation>) {
    let def = sim.definition();
    for (i, service) in def.services.iter().enumerate() {
        for (cell, &start) in &service.cells {
            let mut expected = start;
            let mut counted: SmallMap<String, (u32, i64)> = SmallMap::new();
            for e in sim.runs().iter().flat_map(|r| r.history()).filter(|e| e.result == EntryResult::Done) {
                if def.steps[e.step].service != service.name {
                    continue;
                }
                if let Some((name, &delta)) = sim.action(e.op()).and_then(|a| a.effect.adjust.get(cell).map(|d| (a.name.clone(), d))) {
                    expected += delta;
                    let c = counted.entry(format!("{} {name}", e.label)).or_insert((0, delta));
                    c.0 += 1;
                }
            }
            let now = sim.participants()[i].cells.get(cell).copied().unwrap_or(0);
            if now == expected {
                continue;
            }
            let parts: Vec<String> = counted.iter().map(|(what, (n, d))| format!("{n} × {what} {d:+}")).collect();
            // Name the overwrites behind the gap (the lost-update rule says them in full).
            let causes: Vec<String> = sim.participants()[i]
                .writes
                .iter()
                .filter(|w| w.cell == *cell && w.lost_update())
                .filter_map(|w| {
                    w.overwritten.writer.filter(|o| o.0 != w.writer.0).map(|o| format!("{} overwrote {}", op_words(sim, w.writer), op_words(sim, o)))
                })
                .collect();
            let because = if causes.is_empty() { String::new() } else { format!(" because {}", causes.join("; ")) };
            out.push(Violation {
                rule: "conservation",
                why: format!(
                    "{}.{cell} is {now} at rest, but the sagas' histories account for {expected} (start {start}{}){because}",
                    service.name,
                    parts.iter().map(|p| format!(", {p}")).collect::<String>()
                ),
            });
        }
    }
}

/// After a rollback (or a failed one), money and stock a completed step moved must be back.
fn left_in_effect(sim: &SagaSim, run: &SagaRun, who: &str, out: &mut Vec<Violation>) {
    let def = sim.definition();
    if !(matches!(run.outcome(), Some(Outcome::RolledBack | Outcome::Failed)) && run.compensating()) {
        return;
    }
    for (i, step) in def.steps.iter().enumerate() {
        // Status rows (VERIFIED, PENDING) are bookkeeping; money and stock are what must not stay moved.
        if !run.is_completed(i) || run.is_compensated(i) || step.action.effect.adjust.is_empty() {
            continue;
        }
        let what = format!("{who}T{} {} at {}", i + 1, step.action.name, step.service);
        let why = match (&step.compensation, run.final_result((i, true))) {
            (None, _) => format!(
                "{what} is still in effect after the saga {}: it is the {} and has no compensation ({} compensates backwards past it)",
                run.outcome().map_or("", Outcome::name),
                step.kind.name(),
                sim.params().engine.describe()
            ),
            (Some(c), Some(EntryResult::Failed(f))) => {
                let detail = run.errors().iter().find(|e| e.starts_with(&format!("C{} ", i + 1))).cloned();
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

/// An op as a saga's step in words: `saga 1's T1 withdraw`.
fn op_words(sim: &SagaSim, (s, op): SagaOp) -> String {
    format!("saga {}'s {} {}", s + 1, label(op), sim.action(op).map_or("", |a| a.name.as_str()))
}

/// Lost update: a read-then-write erased another saga's write that landed between its read
/// and its write (what a version check refuses and a semantic lock prevents).
fn lost_updates(sim: &SagaSim, out: &mut Vec<Violation>) {
    for p in sim.participants() {
        for w in p.writes.iter().filter(|w| w.lost_update()) {
            let Some(over) = w.overwritten.writer.filter(|o| o.0 != w.writer.0) else { continue };
            let (b, a) = (w.writer.0 + 1, over.0 + 1);
            let change = w.overwritten_value - w.read_value;
            let twice = sim.action(over.1).and_then(|x| x.effect.adjust.get(&w.cell)).copied() == Some(change)
                && sim.action(w.writer.1).and_then(|x| x.effect.adjust.get(&w.cell)).copied() == Some(change);
            let lost = if twice {
                let verb = if change < 0 { "taken" } else { "added" };
                format!("{} {verb} twice is now counted once", change.abs())
            } else {
                format!("the change of {change:+} made since that read is no longer counted")
            };
            out.push(Violation {
                rule: "lost_update",
                why: format!(
                    "Lost update: saga {b} wrote {}.{} {} over saga {a}'s {} ({}); {} had read {} before that write, so {lost}",
                    p.name,
                    w.cell,
                    w.written,
                    w.overwritten_value,
                    op_words(sim, over),
                    op_words(sim, w.writer),
                    w.read_value
                ),
            });
        }
    }
}

/// Dirty read: a saga read a value another saga wrote and later compensated, so it acted on a
/// value that never committed.
fn dirty_reads(sim: &SagaSim, out: &mut Vec<Violation>) {
    let mut seen: Vec<(SagaOp, String)> = Vec::new();
    for p in sim.participants() {
        for r in &p.reads {
            let Some(writer) = r.version.writer.filter(|w| w.0 != r.reader.0 && !w.1 .1) else { continue };
            let undo = (writer.1 .0, true);
            if !sim.run(writer.0).is_compensated(writer.1 .0) || seen.contains(&(r.reader, r.cell.clone())) {
                continue;
            }
            seen.push((r.reader, r.cell.clone()));
            out.push(Violation {
                rule: "dirty_read",
                why: format!(
                    "Dirty read: {} read {}.{} = {}, written by {}, which saga {} later undid ({} {}): it acted on a value that never committed",
                    op_words(sim, r.reader),
                    p.name,
                    r.cell,
                    r.value,
                    op_words(sim, writer),
                    writer.0 + 1,
                    label(undo),
                    sim.action(undo).map_or("", |a| a.name.as_str())
                ),
            });
        }
    }
}

/// Each conserved group's sum at the start and now, for the invariants panel.
pub fn conserved_sums(sim: &SagaSim) -> SmallMap<String, (i64, i64)> {
    let def = sim.definition();
    crate::order::map_of(def.conserved.iter().map(|(group, cells)| {
        let mut start = 0;
        let mut now = 0;
        for (svc, cell) in cells.iter().filter_map(|c| c.split_once('.')) {
            if let Some(i) = def.service_index(svc) {
                start += def.services[i].cells.get(cell).copied().unwrap_or(0);
                now += sim.participants()[i].cells.get(cell).copied().unwrap_or(0);
            }
        }
        (group.clone(), (start, now))
    }))
}
