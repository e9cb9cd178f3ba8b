//! "What to notice" for the saga widget: plain sentences about the state on screen now.

use super::engine::EngineKind;
use super::history::{render_final, EntryResult};
use super::sim::{Countermeasure, Outcome, SagaSim, StepState};
use super::sim::{SagaCommand, ORCHESTRATOR};
use crate::engine::{ticks_from_ms, Fault, NodeId, Pattern, Tick};
use crate::narrate::{format_time, node_name};
use crate::scenario::additions::{down_at, partition_at, Added};
use crate::scenario::Scenario;

pub fn notes(sim: &SagaSim, _now: Tick) -> Vec<String> {
    let mut notes = Vec::new();
    let def = sim.definition();
    let engine = sim.params().engine;
    if !sim.started() {
        notes.push(format!(
            "{} steps under {}. Click a step to make it fail, then press play.{}",
            def.steps.len(),
            engine.describe(),
            def.pivot()
                .map(|p| format!(" T{} {} is the pivot (◆): once it succeeds the saga can only go forward.", p + 1, def.steps[p].action.name))
                .unwrap_or_default()
        ));
    }
    let failed = sim.history().iter().find(|e| !e.compensation && matches!(e.result, EntryResult::Failed(_)));
    if let Some(f) = failed {
        if sim.compensating() {
            let undone: Vec<String> =
                (0..f.step).rev().filter(|&j| sim.is_completed(j) && def.steps[j].compensation.is_some()).map(|j| format!("C{}", j + 1)).collect();
            let not_undoable: Vec<String> =
                (0..f.step).filter(|&j| sim.is_completed(j) && def.steps[j].compensation.is_none()).map(|j| format!("T{}", j + 1)).collect();
            let order = if undone.is_empty() { "nothing to undo".to_string() } else { undone.join(" then ") };
            if f.result == EntryResult::Failed(super::engine::Failure::Timeout) {
                notes.push(format!(
                    "{} timed out: it may well have taken effect (only its reply is missing), yet the saga counts it failed and never compensates it. It undoes what completed before it, newest first ({order}).",
                    f.label
                ));
            } else {
                notes.push(format!(
                    "{} failed, so it took no effect and is not compensated: the saga undoes only what completed before it, newest first ({order}).",
                    f.label
                ));
            }
            if !not_undoable.is_empty() {
                let (verb, what) = if not_undoable.len() == 1 { ("has", "stays as it is") } else { ("have", "stay as they are") };
                notes.push(format!("{} {verb} no compensation and {what} (a read, or the pivot).", not_undoable.join(", ")));
            }
            if engine.parallel() {
                notes.push(
                    "parallelCompensation: Temporal starts every compensation at once, so their order is whatever the network makes it.".into(),
                );
            }
        }
    }
    for (i, _) in def.steps.iter().enumerate() {
        match sim.step_state(i) {
            StepState::Retrying { attempt, .. } | StepState::CompensationRetrying { attempt, .. } => {
                let op = if matches!(sim.step_state(i), StepState::Retrying { .. }) { (i, false) } else { (i, true) };
                let wait = sim.policy(i).delay_ms(attempt - 1);
                notes.push(format!(
                    "{} waits {} before attempt {attempt}: the retry policy's interval grows by {}× each time.",
                    super::history::label(op),
                    crate::narrate::format_time(crate::engine::ticks_from_ms(wait)),
                    sim.policy(i).backoff_coefficient
                ));
            }
            StepState::Failed { .. } if def.pivot().is_some_and(|p| p < i) && engine.kind == EngineKind::GarciaMolinaSalem => {
                notes.push(format!(
                    "T{} failed after the pivot: there is no going back, so the saga is failed and needs an operator, not a rollback.",
                    i + 1
                ));
            }
            _ => {}
        }
    }
    for c in sim.cancels() {
        match (c.decided, sim.outcome()) {
            (Some(true), None) => notes.push(format!(
                "The customer's cancel of {} went through while the saga still runs, and nothing tells the saga: its next step on that order will overwrite it.",
                c.row
            )),
            (Some(false), _) if sim.params().semantic_lock => notes.push(format!(
                "Semantic lock: {} was …_PENDING, so the cancel was refused instead of racing the saga. The customer retries once the saga has settled.",
                c.row
            )),
            _ => {}
        }
    }
    if sim.params().duplicate_delivery {
        notes.push(if sim.params().idempotency {
            "Every command arrives twice; each service remembers the idempotency keys it has served and answers the copy from that table.".into()
        } else {
            "Every command arrives twice and idempotency is off: each copy runs again. Watch the participants' tables.".into()
        });
    }
    if sim.runs().len() > 1 {
        concurrency_notes(sim, &mut notes);
    }
    match sim.outcome() {
        Some(Outcome::Completed) => notes.push(format!("Completed: {}.", render_final(sim.history()))),
        Some(Outcome::RolledBack) => notes.push(format!(
            "Rolled back: {}. Semantic undo, not a database rollback: the rows say REJECTED or CANCELLED, they are not gone.",
            render_final(sim.history())
        )),
        Some(Outcome::Failed) => notes.push(format!("Failed: {}. {}", render_final(sim.history()), sim.errors().join("; "))),
        None => {}
    }
    let violations = super::invariants::check(sim);
    if violations.is_empty() {
        if sim.started() {
            notes.push("Invariants hold: the history has the saga shape and every service's state matches it.".into());
        }
    } else {
        for v in violations.iter().take(3) {
            notes.push(format!("Invariant broken: {}.", v.why));
        }
    }
    if let Some(last) = sim.last_event() {
        notes.push(format!("Last: {last}."));
    }
    notes
}

/// Several sagas on the same state: what the countermeasure does, and where the sagas stand.
fn concurrency_notes(sim: &SagaSim, notes: &mut Vec<String>) {
    let n = sim.runs().len();
    let spacing = sim.params().spacing_ms;
    notes.push(match sim.params().countermeasure {
        Countermeasure::None => format!(
            "{n} sagas, {spacing} ms apart, read a balance, compute and write it back with nothing in between: a saga that reads before another's write lands will overwrite it (a lost update)."
        ),
        Countermeasure::CommutativeUpdates => {
            // An increment of this definition, as an example (`alice −30`).
            let example = sim
                .definition()
                .steps
                .iter()
                .find_map(|s| s.action.effect.adjust.iter().next().map(|(cell, d)| format!(" ({cell} {d:+})")))
                .unwrap_or_default();
            format!(
                "{n} sagas, {spacing} ms apart, send increments{example} that the service applies itself: nothing is read, so in any order the result is the same."
            )
        }
        Countermeasure::VersionCheck => format!(
            "{n} sagas, {spacing} ms apart; each write names the version it was computed from, and a stale one is refused: the step rereads and retries, or fails and its saga compensates."
        ),
        Countermeasure::SemanticLock => format!(
            "{n} sagas, {spacing} ms apart; a saga's read marks what it read PENDING until it ends, and another saga's read of it is refused until then."
        ),
    });
    let c = sim.counts();
    let waiting = n as u32 - c.completed - c.rolled_back - c.failed - c.running;
    notes.push(format!(
        "Sagas: {} completed, {} rolled back, {} failed, {} running{}.",
        c.completed,
        c.rolled_back,
        c.failed,
        c.running,
        if waiting > 0 { format!(", {waiting} not started yet") } else { String::new() }
    ));
    let locks: Vec<String> =
        sim.participants().iter().flat_map(|p| p.locks.iter().map(move |(cell, s)| format!("{}.{cell} by saga {}", p.name, s + 1))).collect();
    if !locks.is_empty() {
        notes.push(format!("PENDING now: {}.", locks.join(", ")));
    }
}

/// "What to notice" about the faults and commands the learner added on top of the lesson:
/// each one named, with what it does at the cursor (the latest few that have happened, and
/// the next one still to come).
pub fn additions(sim: &SagaSim, scenario: &Scenario<SagaSim>, added: &[Added<'_, SagaSim>], now: Tick) -> Vec<String> {
    let names = <SagaSim as crate::engine::Pattern>::node_names(sim.params());
    let name = |n: NodeId| node_name(&names, n);
    let def = sim.definition();
    // The steps a service runs, with where each stands now ("T2 reserve: retrying 2/3").
    let steps_on = |node: NodeId| -> String {
        let steps: Vec<String> = (0..def.steps.len())
            .filter(|&i| sim.node_of(i) == node)
            .map(|i| format!("T{} {}: {}", i + 1, def.steps[i].action.name, sim.step_state(i).name()))
            .collect();
        if steps.is_empty() {
            String::new()
        } else {
            format!(" Its steps now: {}.", steps.join(", "))
        }
    };
    let mut notes: Vec<String> = crate::scenario::additions::latest_happened(added, now)
        .into_iter()
        .map(|a| {
            let when = format_time(ticks_from_ms(a.at_ms()));
            match a {
                Added::Fault(f) => match &f.fault {
                    Fault::Crash { node } if *node == ORCHESTRATOR && down_at(scenario, *node, now) => format!(
                        "You crashed {} at {when}, and it is still down: no step is sent, retried or compensated until it restarts, when it recovers the saga from its log.",
                        name(*node)
                    ),
                    Fault::Crash { node } if down_at(scenario, *node, now) => format!(
                        "You crashed {} at {when}, and it is still down: commands sent to it are lost, so a step there waits out its timeout and is retried while its retry policy allows; when the retries run out the step fails and the saga compensates what completed before it.{}",
                        name(*node),
                        steps_on(*node)
                    ),
                    Fault::Crash { node } => format!("You crashed {} at {when}; it is up again now.{}", name(*node), steps_on(*node)),
                    Fault::Restart { node } => {
                        format!("You restarted {} at {when}: it answers again, so the next attempt that reaches it can succeed.{}", name(*node), steps_on(*node))
                    }
                    Fault::Partition { groups } if partition_at(scenario, now) == Some(groups) => format!(
                        "You partitioned the network at {when} ({}): messages between the sides are lost, which to the orchestrator looks just like a crash: timeouts, retries, then compensation.",
                        f.fault.describe(&name)
                    ),
                    Fault::DropRate { probability } if *probability > 0.0 => format!(
                        "You made the network lose {:.0}% of messages at {when}: a lost command or reply is a timeout to the orchestrator, which retries, so a service may get a command it already carried out{}.",
                        probability * 100.0,
                        if sim.params().idempotency { " (its idempotency table answers the copy)" } else { ", and with idempotency off it runs again" }
                    ),
                    other => format!("You added a fault at {when}: {}.", other.describe(&name)),
                },
                Added::Command(c) => match &c.command {
                    SagaCommand::SetFault { step, .. } => format!(
                        "You changed a step at {when}: {}. T{step} is {} now.",
                        SagaSim::describe_command(&c.command),
                        sim.step_state(step.saturating_sub(1)).name()
                    ),
                    SagaCommand::CancelOrder => format!(
                        "You had the customer cancel the order at {when}, directly at the order service, racing the saga{}.",
                        if sim.params().semantic_lock { " (a semantic lock refuses it while the saga's row is …_PENDING)" } else { "" }
                    ),
                },
            }
        })
        .collect();
    notes.extend(crate::scenario::additions::upcoming_note(added, now, &name));
    notes
}
