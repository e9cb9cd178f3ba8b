//! The breaker inside a live system: what the widget shows must follow from the rules.

use faultline_core::engine::{Pattern, TraceEvent};
use faultline_core::patterns::breaker::simulation::{BreakerEvent, CallOutcome};
use faultline_core::patterns::breaker::{BreakerCommand, BreakerSim, State};
use faultline_core::player::Player;
use faultline_core::scenario::{Scenario, TimedCommand};

fn preset(name: &str) -> Scenario<BreakerSim> {
    BreakerSim::presets().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).unwrap()
}

fn states_seen(scenario: Scenario<BreakerSim>) -> (Vec<State>, Player<BreakerSim>) {
    let mut player = Player::new(scenario, usize::MAX).unwrap();
    player.seek(u64::MAX);
    let states = player
        .sim()
        .trace()
        .recent()
        .filter_map(|e| match &e.event {
            TraceEvent::Pattern(BreakerEvent::Transition { to, .. }) => Some(*to),
            _ => None,
        })
        .collect();
    (states, player)
}

#[test]
fn an_outage_opens_the_breaker_spares_the_downstream_and_recovery_closes_it() {
    let (states, player) = states_seen(preset("breaker-outage"));
    assert_eq!(states.first(), Some(&State::Open), "the first transition is the trip: {states:?}");
    assert!(states.contains(&State::HalfOpen));
    assert_eq!(states.last(), Some(&State::Closed), "after the restart at 30 s it closes again: {states:?}");
    let m = player.sim().metrics();
    assert!(m.calls.rejected > 0);
    assert!(
        m.downstream_requests + m.calls.rejected <= m.ghost_downstream_requests + 5,
        "every rejected call is one the downstream did not get: {m:?}"
    );
    assert!(m.downstream_requests < m.ghost_downstream_requests);
}

#[test]
fn ignored_errors_never_trip_it_while_the_same_errors_recorded_do() {
    let mut recorded = preset("breaker-outage");
    recorded.faults.clear();
    recorded.actions = vec![TimedCommand { at_ms: 1_000.0, command: BreakerCommand::SetFailureProbability { probability: 1.0 } }];
    let mut ignored = recorded.clone();
    ignored.params.downstream.ignored_error_fraction = 1.0;

    let (states, _) = states_seen(recorded);
    assert!(states.contains(&State::Open), "{states:?}");
    let (states, player) = states_seen(ignored);
    assert!(states.is_empty(), "ignored errors are not failures: {states:?}");
    let m = player.sim().metrics();
    assert!(m.calls.ignored > 100, "{m:?}");
    assert_eq!(m.calls.failed, 0);
    assert_eq!(m.window.failed, 0);
}

#[test]
fn slow_successes_trip_the_slow_call_rule_without_a_single_failure() {
    let (states, player) = states_seen(preset("breaker-slow-success"));
    assert!(states.contains(&State::Open), "{states:?}");
    let m = player.sim().metrics();
    assert_eq!(m.calls.failed + m.calls.timed_out, 0, "no call failed: {m:?}");
    let reasons: Vec<String> = player
        .sim()
        .trace()
        .recent()
        .filter_map(|e| match &e.event {
            TraceEvent::Pattern(BreakerEvent::Transition { to: State::Open, reason, .. }) => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(reasons[0].contains("slow"), "the rule that fired names slow calls: {}", reasons[0]);
}

#[test]
fn the_ghost_client_without_a_breaker_sees_every_failure_of_the_outage() {
    let (_, player) = states_seen(preset("breaker-outage"));
    let m = player.sim().metrics();
    // 20 s of outage at ~20 calls/s: the ghost times out on about 400 calls; the breaker's
    // client only on the few it let through before and between trips.
    assert!(m.ghost_failed > 300, "{m:?}");
    assert!(m.calls.timed_out < m.ghost_failed / 4, "{m:?}");
    let outcomes: usize = player
        .sim()
        .trace()
        .recent()
        .filter(|e| matches!(e.event, TraceEvent::Pattern(BreakerEvent::CallEnded { outcome: CallOutcome::Rejected, .. })))
        .count();
    assert_eq!(outcomes as u64, m.calls.rejected);
}
