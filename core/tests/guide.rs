//! The guided experience, natively: how soon a lesson's first stop comes after Play, and the
//! "what to notice" notes reacting to what a learner adds on top of a lesson.

use faultline_core::engine::{ticks_from_ms, Pattern};
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::session::{Control, Session};

/// The longest a newcomer should wait, at 1×, between pressing Play and the first stop.
const FIRST_STOP_WITHIN_S: f64 = 4.0;

#[test]
fn every_quorum_lesson_stops_for_the_first_time_within_a_few_seconds_of_play() {
    for (name, scenario) in QuorumSim::presets() {
        // A moment at 0 shows before Play; the first stop is the first moment after it.
        let Some(first) = scenario.moments.iter().find(|m| m.at_ms > 0.0) else {
            assert!(!scenario.moments.is_empty(), "{name}: a lesson says what to watch");
            continue;
        };
        let wait_s = first.at_ms / QuorumSim::MS_PER_SECOND;
        assert!(wait_s <= FIRST_STOP_WITHIN_S, "{name}: the first stop comes {wait_s:.1} s after Play at 1×");

        // The same, measured the way the page plays: Play, then frames of 100 ms wall time at 1×.
        let mut session = Session::new(scenario.clone(), false).unwrap();
        while session.busy() {
            session.poll(0.0, u64::MAX);
        }
        session.control(Control::TogglePlay);
        let mut wall_ms = 0.0;
        while session.playing() {
            session.poll(100.0, u64::MAX);
            wall_ms += 100.0;
            assert!(wall_ms <= 60_000.0, "{name}: still playing after a minute");
        }
        assert_eq!(session.player().now(), ticks_from_ms(first.at_ms), "{name}: Play stops at the first moment");
        assert!(wall_ms / 1_000.0 <= FIRST_STOP_WITHIN_S + 0.1, "{name}: the first stop took {:.1} s of wall time", wall_ms / 1_000.0);
    }
}

use faultline_core::engine::{Fault, Tick, TICKS_PER_MS, TICKS_PER_SECOND};
use faultline_core::narrate::format_time;
use faultline_core::patterns::saga::SagaSim;
use faultline_core::patterns::stampede::{StampedeCommand, StampedeSim};
use faultline_core::scenario::additions::{added_to_lesson, lesson_of};
use faultline_core::session::Edit;

fn preset<P: Pattern>(name: &str) -> faultline_core::scenario::Scenario<P> {
    P::presets().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).expect("preset exists")
}

fn settle<P: Pattern>(session: &mut Session<P>) {
    while session.busy() && !session.playing() {
        session.poll(0.0, u64::MAX);
    }
}

fn seek<P: Pattern>(session: &mut Session<P>, at: Tick) {
    session.control(Control::Seek(at));
    settle(session);
}

/// The notes about what the learner added, at the session's cursor, as the page shows them.
fn addition_notes<P: Pattern>(session: &Session<P>) -> Vec<String> {
    let player = session.player();
    let presets = P::presets();
    let lesson = lesson_of(player.recorded(), &presets);
    let added = added_to_lesson(player.recorded(), lesson);
    player.model().notes_on_additions(player.recorded(), &added, player.now())
}

#[test]
fn a_lesson_as_it_comes_has_no_additions_even_with_its_own_faults() {
    fn check<P: Pattern>() {
        for (name, scenario) in P::presets() {
            let presets = P::presets();
            let lesson = lesson_of(&scenario, &presets).unwrap_or_else(|| panic!("{name}: found by its title"));
            assert!(added_to_lesson(&scenario, Some(lesson)).is_empty(), "{name}: nothing added");
            let mut session = Session::new(scenario, false).unwrap();
            settle(&mut session);
            let end = session.player().duration();
            seek(&mut session, end);
            assert!(addition_notes(&session).is_empty(), "{name}: no notes on additions: {:?}", addition_notes(&session));
        }
    }
    check::<SagaSim>();
    check::<StampedeSim>();
    check::<BreakerSim>();
    check::<QuorumSim>();
}

#[test]
fn quorum_notes_name_a_crashed_replica_with_the_keys_it_holds_and_whether_their_quorums_hold() {
    use faultline_core::patterns::quorum::sim::QuorumParams;
    let params = QuorumParams::default();
    let (n, w, r) = (params.n, params.w, params.r);
    assert!(!params.sloppy_quorum && w == 2 && r == 2 && n == 3, "the test's arithmetic assumes N = 3, W = R = 2, strict");
    let mut session = Session::new(faultline_core::scenario::Scenario::<QuorumSim>::new(1, 3_000.0, params), false).unwrap();
    settle(&mut session);
    let model = session.player().model();
    let replicas = model.replicas_of(0).to_vec();
    let (first, second) = (replicas[0], replicas[1]);
    let (first_name, second_name) = (model.node_name(first).to_string(), model.node_name(second).to_string());
    let key = model.key_names()[0].clone();
    seek(&mut session, 500 * TICKS_PER_MS);
    session.edit(Edit::Fault(Fault::Crash { node: first })).unwrap();
    settle(&mut session);
    seek(&mut session, 1_000 * TICKS_PER_MS);
    let notes = addition_notes(&session);
    assert!(
        notes[0].starts_with(&format!("You crashed {first_name} at {}, and it is still down. ", format_time(500 * TICKS_PER_MS))),
        "{}",
        notes[0]
    );
    assert!(
        notes[0].contains(&format!("{key}: 2 of 3 replicas up, so writes still get their W acks and reads still get their R replies")),
        "{}",
        notes[0]
    );
    // A second replica of the same key down: neither quorum can be met.
    session.edit(Edit::Fault(Fault::Crash { node: second })).unwrap();
    settle(&mut session);
    seek(&mut session, 1_200 * TICKS_PER_MS);
    let notes = addition_notes(&session);
    let last = notes.iter().find(|n| n.starts_with(&format!("You crashed {second_name}"))).expect("the second crash is named");
    assert!(last.contains(&format!("{key}: 1 of 3 replicas up, so writes fail (W = 2) and reads fail (R = 2)")), "{last}");
}

#[test]
fn breaker_notes_name_a_crash_the_learner_added_and_how_the_breaker_answered() {
    use faultline_core::patterns::breaker::simulation::DOWNSTREAM;
    let mut session = Session::new(preset::<BreakerSim>("breaker-outage"), false).unwrap();
    settle(&mut session);
    seek(&mut session, 2 * TICKS_PER_SECOND);
    assert!(session.player().sim().network().is_up(DOWNSTREAM), "the lesson's own crash comes later");
    session.edit(Edit::Fault(Fault::Crash { node: DOWNSTREAM })).unwrap();
    settle(&mut session);
    // Just after: the breaker has not moved yet, and the note says so.
    seek(&mut session, 2 * TICKS_PER_SECOND + 10 * TICKS_PER_MS);
    let notes = addition_notes(&session);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("You crashed the downstream at 2.00 s, and it is still down"), "{}", notes[0]);
    assert!(notes[0].ends_with("The breaker has stayed CLOSED since."), "{}", notes[0]);
    // Seconds later it has tripped: the note names the transition the breaker itself records.
    seek(&mut session, 8 * TICKS_PER_SECOND);
    let opened = session.player().model().recent_transitions().iter().find(|t| t.at >= 2 * TICKS_PER_SECOND).cloned().expect("the breaker opened");
    let notes = addition_notes(&session);
    assert!(notes[0].contains(&format!("Since then the breaker went CLOSED → OPEN at {}", format_time(opened.at))), "{}", notes[0]);
    // Before the crash, it is announced as coming.
    seek(&mut session, TICKS_PER_SECOND);
    assert_eq!(addition_notes(&session), vec![format!("Coming at {}, added by you: downstream crashes.", format_time(2 * TICKS_PER_SECOND))]);
}

#[test]
fn saga_notes_name_a_crash_the_learner_added_and_say_what_it_does_now() {
    let scenario = preset::<SagaSim>("saga-failed-step");
    assert!(!scenario.faults.iter().any(|f| matches!(f.fault, Fault::Crash { .. })), "the lesson crashes nothing itself");
    let names = SagaSim::node_names(&scenario.params);
    let service = 2; // the second participant
    let mut session = Session::new(scenario, false).unwrap();
    settle(&mut session);
    assert!(addition_notes(&session).is_empty());
    seek(&mut session, 100 * TICKS_PER_MS);
    session.edit(Edit::Fault(Fault::Crash { node: service })).unwrap();
    settle(&mut session);
    seek(&mut session, 1_500 * TICKS_PER_MS);
    let notes = addition_notes(&session);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(&format!("You crashed {} at {}, and it is still down", names[service as usize], format_time(100 * TICKS_PER_MS))),
        "{}",
        notes[0]
    );
    // It names the steps that service runs, with their state at the cursor.
    let model = session.player().model();
    let on_it: Vec<usize> = (0..model.definition().steps.len()).filter(|&i| model.node_of(i) == service).collect();
    assert!(!on_it.is_empty());
    for i in on_it {
        assert!(
            notes[0].contains(&format!("T{} {}: {}", i + 1, model.definition().steps[i].action.name, model.step_state(i).name())),
            "{}",
            notes[0]
        );
    }
    // The page shows them first, before the lesson's generic notes.
    let all: Vec<String> = notes.iter().cloned().chain(session.player().model().notes(session.player().now())).collect();
    assert!(all[0].starts_with("You crashed"));

    // Restarted: the same crash is told as over, and the restart named.
    session.edit(Edit::Fault(Fault::Restart { node: service })).unwrap();
    settle(&mut session);
    seek(&mut session, 2_000 * TICKS_PER_MS);
    let notes = addition_notes(&session);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("it is up again now"), "{}", notes[0]);
    assert!(notes[1].starts_with(&format!("You restarted {} at {}", names[service as usize], format_time(1_500 * TICKS_PER_MS))), "{}", notes[1]);
    // Before the crash, it is announced as coming.
    seek(&mut session, 50 * TICKS_PER_MS);
    let notes = addition_notes(&session);
    assert_eq!(notes, vec![format!("Coming at {}, added by you: {} crashes.", format_time(100 * TICKS_PER_MS), names[service as usize])]);
}

#[test]
fn stampede_notes_name_a_flush_the_learner_added_with_the_herd_it_sets_off() {
    let mut session = Session::new(preset::<StampedeSim>("stampede-miss-wave"), false).unwrap();
    settle(&mut session);
    seek(&mut session, 2_000 * 1_000);
    assert!(addition_notes(&session).is_empty(), "the lesson's own schedule is not the learner's");
    session.edit(Edit::Command(StampedeCommand::Flush)).unwrap();
    settle(&mut session);
    seek(&mut session, 2_020 * 1_000);
    let notes = addition_notes(&session);
    assert_eq!(notes.len(), 1, "{notes:?}");
    let model = session.player().model();
    assert!(notes[0].starts_with(&format!("You flushed the cache at {}", format_time(2_000 * TICKS_PER_MS))), "{}", notes[0]);
    assert!(model.recomputes_in_flight() > 1, "a flush without protection sets off a herd");
    // The counts it quotes are the ones the picture shows at the cursor, by the same names.
    assert!(
        notes[0].ends_with(&format!(
            "Now: {} recomputes in flight, {} concurrent DB queries, {} queued.",
            model.recomputes_in_flight(),
            model.db_active(),
            model.db_queue()
        )),
        "{}",
        notes[0]
    );
}

use faultline_core::patterns::breaker::BreakerSim;

#[test]
fn breaker_notes_explain_why_rejections_can_outnumber_the_offered_calls() {
    let series = BreakerSim::SERIES.iter().position(|s| s.name == "calls rejected").unwrap();
    for (name, retried) in [("breaker-retries", true), ("breaker-outage", false)] {
        let scenario = preset::<BreakerSim>(name);
        assert_eq!(scenario.params.retry.max_retries > 0, retried, "{name}");
        let mut player = faultline_core::player::Player::new(scenario, 400).unwrap();
        let (mut over, mut explained) = (0, 0);
        let mut t = 0;
        while t < player.duration() {
            t += 100 * TICKS_PER_MS;
            player.seek(t.min(player.duration()));
            let model = player.model();
            let rejected = model.sample(player.now())[series];
            let notes = model.notes(player.now());
            let note = notes.iter().find(|n| n.contains("rejections in the last second"));
            if rejected > model.load() {
                over += 1;
                let note = note.unwrap_or_else(|| panic!("{name} at {t}: {rejected}/s rejected > {} calls/s, unexplained: {notes:?}", model.load()));
                let why = if retried { "counts attempts" } else { "Poisson" };
                if note.contains(why) {
                    explained += 1;
                }
            }
            if rejected == 0.0 {
                assert!(note.is_none(), "{name} at {t}: no rejection, no note");
            }
        }
        assert!(over > 0, "{name}: the readout does exceed the offered rate somewhere (the reviewer's 26/s > 20 calls/s)");
        assert_eq!(explained, over, "{name}: each such instant says why");
    }
}
