//! "What to notice" for the breaker widget: plain sentences about the state on screen now.

use super::presets::{Breaker, BreakerSpec};
use super::simulation::{BreakerCommand, BreakerSim, DOWNSTREAM};
use super::state::State;
use crate::engine::{ticks_from_ms, Fault, NodeId, Pattern, Tick};
use crate::narrate::{format_time, node_name};
use crate::scenario::additions::{down_at, latest_happened, upcoming_note, Added};
use crate::scenario::Scenario;

pub fn notes(sim: &BreakerSim, now: Tick) -> Vec<String> {
    let mut notes = Vec::new();
    let m = sim.breaker().metrics(now);
    let state = sim.breaker().state();
    match (state, sim.breaker(), &sim.params().breaker) {
        (State::Closed, Breaker::Resilience4j(b), BreakerSpec::Resilience4j(c)) => {
            let snapshot = b.metrics(now);
            if snapshot.failure_rate < 0.0 {
                notes.push(format!(
                    "CLOSED, and blind for now: it has recorded {} of the {} calls it needs before it computes a failure rate. Until then nothing can trip it.",
                    snapshot.buffered_calls, snapshot.minimum_number_of_calls
                ));
            } else {
                notes.push(format!(
                    "CLOSED: failure rate {:.0}% of the last {} calls; it opens when the rate is ≥ {:.0}% (resilience4j compares with ≥, so exactly {:.0}% trips).",
                    snapshot.failure_rate, snapshot.buffered_calls, c.failure_rate_threshold, c.failure_rate_threshold
                ));
                if c.slow_call_rate_threshold < 100.0 || snapshot.slow_call_rate > 0.0 {
                    notes.push(format!(
                        "Slow calls (over {} ms) count even when they succeed: slow-call rate {:.0}% vs threshold {:.0}%.",
                        c.slow_call_duration_threshold_ms, snapshot.slow_call_rate, c.slow_call_rate_threshold
                    ));
                }
            }
        }
        (State::Closed, _, _) => notes.push(format!(
            "CLOSED: {:.0}% of {} recent calls failed. Each library decides differently when that is enough; see the presets.",
            m.failure_rate, m.buffered
        )),
        (State::Open, b, _) => {
            let wait = match b {
                Breaker::Resilience4j(r) => r.retry_after().map(|t| format!(" for another {}", format_time(t.saturating_sub(now)))),
                _ => None,
            };
            notes.push(format!(
                "OPEN{}: calls are rejected at once without touching the downstream. In the \"downstream load\" chart the solid line falls towards zero while the dashed one, the same calls without a breaker, stays up: that gap is the load the breaker takes off a struggling service.",
                wait.unwrap_or_default()
            ));
        }
        (State::HalfOpen, Breaker::Resilience4j(r), _) => notes.push(format!(
            "HALF_OPEN: a few probe calls test the downstream ({} permits left); if their failure rate reaches the threshold it opens again, otherwise it closes.",
            r.half_open_permits_left().unwrap_or(0)
        )),
        (State::HalfOpen, _, _) => notes.push("HALF_OPEN: a single probe call decides: success closes the circuit, failure re-opens it.".into()),
        (State::ForcedOpen, _, _) => notes.push("FORCED_OPEN: an operator isolated the downstream; only another manual transition ends it.".into()),
        (State::Disabled, _, _) => notes.push("DISABLED: every call passes and nothing is recorded.".into()),
        (State::MetricsOnly, _, _) => notes.push("METRICS_ONLY: calls pass, rates are recorded, but the breaker never opens.".into()),
    }
    let ignored = sim.params().downstream.ignored_error_fraction;
    if ignored > 0.0 {
        notes.push(format!(
            "{:.0}% of the downstream's failures are business errors the breaker is told to ignore: they count neither as failures nor as successes, so they cannot trip it.",
            ignored * 100.0
        ));
    }
    notes.extend(rejection_note(sim, now));
    let (real, ghost) = (sim.downstream_in_flight(), sim.ghost_in_flight());
    if ghost > real + 2 {
        notes.push(format!(
            "Without the breaker the downstream would be juggling {ghost} calls right now instead of {real}: load it is spared while it tries to recover."
        ));
    }
    if let Some(last) = sim.last_transition() {
        notes.push(format!("Last transition: {last}."));
    }
    notes
}

/// Why "calls rejected" can read more than the client's calls/s: it counts attempts, and a
/// rejected call may be retried (and rejected again); and calls arrive at random around the mean.
pub fn rejection_note(sim: &BreakerSim, now: Tick) -> Option<String> {
    use crate::engine::Pattern;
    let series = BreakerSim::SERIES.iter().position(|s| s.name == "calls rejected")?;
    let rejected = sim.sample(now).get(series).copied().unwrap_or(0.0);
    let load = sim.load();
    let retry = &sim.params().retry;
    if rejected <= 0.0 {
        return None;
    }
    let over = if rejected > load {
        format!("{rejected:.0} rejections in the last second, more than the client's {load:.0} calls/s: ")
    } else {
        format!("{rejected:.0} rejections in the last second: ")
    };
    if retry.max_retries > 0 {
        Some(format!(
            "{over}\"calls rejected\" counts attempts, and every rejected call is retried up to {} more times (backoff from {:.0} ms, ×{}), so one call can be rejected several times. Retries add load exactly when the downstream needs less.",
            retry.max_retries, retry.initial_backoff_ms, retry.multiplier
        ))
    } else if rejected > load {
        Some(format!(
            "{over}{load:.0} calls/s is the mean; calls arrive at random (Poisson), so one second can bring more, and while the breaker is open it rejects every one of them."
        ))
    } else {
        None
    }
}

/// "What to notice" about the faults and commands the learner added on top of the lesson:
/// what each one did to the downstream, and how the breaker has answered since.
pub fn additions(sim: &BreakerSim, scenario: &Scenario<BreakerSim>, added: &[Added<'_, BreakerSim>], now: Tick) -> Vec<String> {
    let names = <BreakerSim as Pattern>::node_names(sim.params());
    let name = |n: NodeId| node_name(&names, n);
    let mut notes: Vec<String> = latest_happened(added, now)
        .into_iter()
        .map(|a| {
            let at = ticks_from_ms(a.at_ms());
            let when = format_time(at);
            let since = answered_since(sim, at, now);
            match a {
                Added::Fault(f) => match f.fault {
                    Fault::Crash { node: DOWNSTREAM } if down_at(scenario, DOWNSTREAM, now) => {
                        format!("You crashed the downstream at {when}, and it is still down: every call that reaches it fails. {since}")
                    }
                    Fault::Restart { node: DOWNSTREAM } => format!(
                        "You restarted the downstream at {when}: calls that reach it succeed again, but an open breaker lets none through until its wait is over and its probes succeed. {since}"
                    ),
                    ref other => format!("You added a fault at {when}: {}. {since}", other.describe(&name)),
                },
                Added::Command(c) => match &c.command {
                    BreakerCommand::SetLatency { .. } => format!(
                        "At {when} you made the {}. Slowness alone trips only a breaker that counts it: resilience4j's slow-call rate, or timeouts counted as failures. {since}",
                        BreakerSim::describe_command(&c.command)
                    ),
                    BreakerCommand::SetLoad { .. } => format!(
                        "At {when} you set the {}. More calls fill the window sooner, so the breaker decides sooner; fewer may leave it under its minimum number of calls, where nothing can trip it. {since}",
                        BreakerSim::describe_command(&c.command)
                    ),
                    command => format!("At {when}: {}. {since}", BreakerSim::describe_command(command)),
                },
            }
        })
        .collect();
    notes.extend(upcoming_note(added, now, &name));
    notes
}

/// The breaker's transitions from `at` to `now`, or that it has not moved.
fn answered_since(sim: &BreakerSim, at: Tick, now: Tick) -> String {
    const SHOWN: usize = 3;
    let moves: Vec<_> = sim.recent_transitions().iter().filter(|t| t.at >= at && t.at <= now).collect();
    if moves.is_empty() {
        return format!("The breaker has stayed {} since.", sim.breaker().state());
    }
    let listed: Vec<String> = moves.iter().take(SHOWN).map(|t| format!("{} → {} at {}", t.from, t.to, format_time(t.at))).collect();
    let more = moves.len().saturating_sub(SHOWN);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("Since then the breaker went {}{tail}; it is {} now.", listed.join(", "), sim.breaker().state())
}
