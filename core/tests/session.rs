//! The session: what the browser's frame drives, tested natively. Seeks and rebuilds are
//! spread over polls within a budget and land exactly where a fresh run would; slider drags
//! leave one command; derived work in slices equals the work done in one go.

use faultline_core::engine::{DerivedWork, Latency, Pattern, TICKS_PER_SECOND};
use faultline_core::patterns::breaker::{BreakerCommand, BreakerSim};
use faultline_core::patterns::ring::{compare, RingDerived, RingParams, RingSim};
use faultline_core::player::Player;
use faultline_core::scenario::Scenario;
use faultline_core::session::{Control, Edit, Session, REDUCED_MOTION_STEP_MS, SPEEDS, TRACE_RETAIN};

fn preset<P: Pattern>(name: &str) -> Scenario<P> {
    P::presets().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).expect("preset exists")
}

/// Polls until the session is idle (or only playing); returns how many polls it took.
fn settle<P: Pattern>(session: &mut Session<P>, budget: u64) -> usize {
    let mut polls = 0;
    while session.catching_up().is_some() || session.busy() && !session.playing() {
        session.poll(0.0, budget);
        polls += 1;
        assert!(polls < 1_000_000, "the session never settled");
    }
    polls
}

#[test]
fn a_long_seek_is_spread_over_polls_and_each_poll_keeps_to_its_budget() {
    let mut session = Session::new(preset::<BreakerSim>("breaker-outage"), false).unwrap();
    settle(&mut session, u64::MAX);
    let budget = 2_000;
    session.control(Control::Seek(40 * TICKS_PER_SECOND));
    let mut polls = 0;
    while session.catching_up().is_some() {
        let before = session.player().sim().trace().count();
        session.poll(0.0, budget);
        let done = session.player().sim().trace().count() - before;
        // A poll stops between instants, so it may finish the instant it is in.
        assert!(done <= budget + 200, "one poll processed {done} events on a budget of {budget}");
        polls += 1;
    }
    assert!(polls > 1, "a 40 s seek fits in one poll of {budget} events?");
    let mut fresh = Player::new(preset::<BreakerSim>("breaker-outage"), TRACE_RETAIN).unwrap();
    fresh.seek(40 * TICKS_PER_SECOND);
    assert_eq!(session.player().now(), fresh.now());
    assert_eq!(session.player().sim().trace().count(), fresh.sim().trace().count());
}

#[test]
fn a_parameter_change_rebuilds_over_polls_showing_the_old_run_until_the_new_one_is_there() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let mut session = Session::new(scenario.clone(), false).unwrap();
    session.control(Control::Seek(30 * TICKS_PER_SECOND));
    settle(&mut session, u64::MAX);
    let old_events = session.player().sim().trace().count();
    let mut params = scenario.params.clone();
    params.requests_per_second = 35.0;
    session.edit(Edit::Params(params.clone())).unwrap();
    // Controls read the new parameters at once; the screen keeps the old run meanwhile.
    assert_eq!(session.params(), &params);
    assert_eq!(session.player().recorded().params, scenario.params);
    assert_eq!(session.player().sim().trace().count(), old_events);
    let polls = settle(&mut session, 1_000);
    assert!(polls > 1, "the rebuild should take several polls of 1 000 events");
    assert_eq!(session.player().recorded().params, params);
    let mut fresh = Player::new(Scenario { params, ..scenario }, TRACE_RETAIN).unwrap();
    fresh.seek(30 * TICKS_PER_SECOND);
    assert_eq!(session.player().now(), fresh.now());
    assert_eq!(session.player().sim().trace().count(), fresh.sim().trace().count());
    assert_eq!(session.scenario(), fresh.scenario());
}

#[test]
fn edits_during_a_rebuild_coalesce_into_the_last_one() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let mut session = Session::new(scenario.clone(), false).unwrap();
    session.control(Control::Seek(20 * TICKS_PER_SECOND));
    settle(&mut session, u64::MAX);
    for rps in [20.0, 30.0, 40.0, 50.0] {
        let mut params = scenario.params.clone();
        params.requests_per_second = rps;
        session.edit(Edit::Params(params)).unwrap();
        session.poll(0.0, 100);
    }
    settle(&mut session, 5_000);
    assert_eq!(session.player().recorded().params.requests_per_second, 50.0);
    assert_eq!(session.player().now(), 20 * TICKS_PER_SECOND);
}

#[test]
fn dragging_a_command_slider_at_one_instant_leaves_one_command_and_keeps_its_value() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let mut session = Session::new(scenario.clone(), false).unwrap();
    session.control(Control::Seek(10 * TICKS_PER_SECOND));
    settle(&mut session, u64::MAX);
    let actions_before = session.scenario().actions.len();
    for mean_ms in [100.0, 250.0, 400.0, 725.0] {
        session.edit(Edit::Command(BreakerCommand::SetLatency { latency: Latency::Exponential { mean_ms } })).unwrap();
    }
    let recorded = session.scenario();
    assert_eq!(recorded.actions.len(), actions_before + 1, "one command per drag, not one per step");
    assert_eq!(session.player().model().latency().mean_ms(), 725.0, "the slider reads back the last value");
    // The link replays what the screen shows.
    let mut replay = Player::new(Scenario { cursor_ms: None, ..recorded }, TRACE_RETAIN).unwrap();
    replay.seek(10 * TICKS_PER_SECOND);
    assert_eq!(replay.sim().trace().count(), session.player().sim().trace().count());
    assert_eq!(replay.model().latency().mean_ms(), 725.0);
    // Operator transitions are distinct acts: each one counts.
    let to = faultline_core::patterns::breaker::ManualTransition::ForcedOpen;
    session.edit(Edit::Command(BreakerCommand::Transition { to })).unwrap();
    session.edit(Edit::Command(BreakerCommand::Transition { to })).unwrap();
    assert_eq!(session.scenario().actions.len(), actions_before + 3);
}

#[test]
fn the_ring_comparison_in_slices_equals_the_comparison_in_one_go() {
    let params = RingParams { nodes: 6, keys: 3_000, ..RingParams::default() };
    let mut derived = RingDerived::start(&params);
    let mut slices = 0;
    loop {
        let mut budget = 500;
        let done = derived.advance(&mut budget);
        slices += 1;
        if done {
            break;
        }
        assert!(slices < 10_000);
    }
    assert!(slices > 10, "3 000 keys × 15 measurements in slices of 500: {slices} slices");
    assert_eq!(derived.comparison(), Some(&compare(&params).unwrap()));
}

#[test]
fn the_session_computes_derived_work_and_starts_again_when_parameters_change() {
    let mut session = Session::new(preset::<RingSim>("ring-add-node"), false).unwrap();
    assert!(session.derived().comparison().is_none(), "nothing is computed before a poll");
    settle(&mut session, 50_000);
    let first = session.derived().comparison().cloned().expect("computed");
    let mut params = session.params().clone();
    params.nodes += 2;
    session.edit(Edit::Params(params.clone())).unwrap();
    // The rebuild starts on the next poll (a drag's input events between two frames build one
    // run); from then on the old comparison is gone.
    session.poll(0.0, 1_000);
    assert!(session.derived().comparison().is_none(), "the old comparison is not shown for new parameters");
    settle(&mut session, 50_000);
    let second = session.derived().comparison().cloned().expect("computed again");
    assert_ne!(first, second);
    assert_eq!(second, compare(&params).unwrap());
}

#[test]
fn reduced_motion_jumps_in_discrete_steps_at_the_pace_smooth_playing_has() {
    let scenario = Scenario { moments: Vec::new(), ..preset::<BreakerSim>("breaker-outage") };
    let mut session = Session::new(scenario, true).unwrap();
    settle(&mut session, u64::MAX);
    let fastest = SPEEDS.len() - 1;
    session.control(Control::Speed(fastest));
    session.control(Control::TogglePlay);
    let start = session.player().now();
    let frame_ms = REDUCED_MOTION_STEP_MS / 6.0;
    for _ in 0..5 {
        session.poll(frame_ms, u64::MAX);
        assert_eq!(session.player().now(), start, "no motion between jumps");
    }
    session.poll(frame_ms, u64::MAX);
    // One jump, as long as REDUCED_MOTION_STEP_MS of smooth playing at that speed.
    let jump = faultline_core::engine::ticks_from_ms(BreakerSim::MS_PER_SECOND * SPEEDS[fastest] * REDUCED_MOTION_STEP_MS / 1000.0);
    assert_eq!(session.player().now(), start + jump);
}

#[test]
fn edited_parameters_are_normalised_by_the_pattern_before_they_are_validated() {
    use faultline_core::patterns::quorum::sim::QuorumSim;
    let mut session = Session::new(QuorumSim::default_scenario(), false).unwrap();
    let mut params = session.params().clone();
    params.replicas = 3;
    params.n = 5;
    params.r = 4;
    params.w = 5;
    // Fewer storage nodes pull N, R and W down with them instead of refusing the edit.
    session.edit(Edit::Params(params)).unwrap();
    let edited = session.params();
    assert_eq!((edited.replicas, edited.n, edited.r, edited.w), (3, 3, 3, 3));
}

#[test]
fn playing_stops_at_each_lesson_moment_and_its_caption_applies_from_there() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let moments: Vec<u64> = scenario.moments.iter().map(|m| faultline_core::engine::ticks_from_ms(m.at_ms)).collect();
    assert!(moments.len() >= 3, "the outage lesson has moments");
    let mut session = Session::new(scenario.clone(), false).unwrap();
    settle(&mut session, u64::MAX);
    assert_eq!(session.current_moment().map(|m| m.caption.as_str()), Some(scenario.moments[0].caption.as_str()));
    for (i, &at) in moments.iter().enumerate().skip(1) {
        session.control(Control::TogglePlay);
        let mut polls = 0;
        while session.playing() {
            session.poll(250.0, u64::MAX);
            polls += 1;
            assert!(polls < 10_000);
        }
        assert_eq!(session.player().now(), at, "playing stops exactly at moment {i}");
        assert_eq!(session.current_moment(), Some(&scenario.moments[i]));
    }
    // Past the last moment, playing runs to the end.
    session.control(Control::TogglePlay);
    while session.playing() {
        session.poll(250.0, u64::MAX);
    }
    assert!(session.player().at_end());
    // Moments are teaching text: they change nothing in the run.
    let bare = Scenario { moments: Vec::new(), ..scenario };
    let mut fresh = Player::new(bare, TRACE_RETAIN).unwrap();
    fresh.seek(fresh.duration());
    assert_eq!(fresh.sim().trace().count(), session.player().sim().trace().count());
}

#[test]
fn step_always_lands_on_something_recorded_and_step_back_reaches_the_start() {
    let mut session = Session::new(preset::<RingSim>("ring-add-node"), false).unwrap();
    settle(&mut session, u64::MAX);
    let start = session.player().now();
    let count = session.player().sim().trace().count();
    session.control(Control::Step);
    assert!(session.player().now() > start);
    assert!(session.player().sim().trace().count() > count, "a step shows a new event");
    // Back from the first action: to the start, not to an instant just before it, forever.
    for _ in 0..3 {
        session.control(Control::StepBack);
        settle(&mut session, u64::MAX);
    }
    assert_eq!(session.player().now(), 0);

    let mut breaker = Session::new(preset::<BreakerSim>("breaker-outage"), false).unwrap();
    settle(&mut breaker, u64::MAX);
    for _ in 0..200 {
        let before = breaker.player().sim().trace().count();
        breaker.control(Control::Step);
        assert!(breaker.player().sim().trace().count() > before || breaker.player().at_end());
    }
}

#[test]
fn every_lesson_moment_that_names_its_time_is_at_that_time() {
    use faultline_core::headless;
    let mut checked = 0;
    for info in headless::presets() {
        let json = headless::preset_json(&info.name).unwrap();
        let scenario: serde_json::Value = serde_json::from_str(&json).unwrap();
        for moment in scenario["moments"].as_array().into_iter().flatten() {
            let at_s = moment["at_ms"].as_f64().unwrap() / 1000.0;
            let caption = moment["caption"].as_str().unwrap();
            // "10.7 s: …" must be within 0.1 s of where the moment is.
            if let Some((time, _)) = caption.split_once(" s:") {
                let said: f64 = time.parse().unwrap_or_else(|_| panic!("{}: caption time {time:?}", info.name));
                assert!((said - at_s).abs() <= 0.1, "{}: caption says {said} s, moment at {at_s} s", info.name);
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} timed captions");
}

#[test]
fn reseeding_keeps_the_cursor_and_changes_the_run_over_polls() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let mut session = Session::new(scenario.clone(), false).unwrap();
    session.control(Control::Seek(20 * TICKS_PER_SECOND));
    settle(&mut session, u64::MAX);
    let before = session.player().sim().trace().count();
    session.control(Control::Reseed(99));
    assert_eq!(session.player().recorded().seed, scenario.seed, "the old run stays on screen until the new one is there");
    let polls = settle(&mut session, 1_000);
    assert!(polls > 1, "the reseeded run catches up over polls");
    assert_eq!(session.player().now(), 20 * TICKS_PER_SECOND);
    assert_eq!(session.player().recorded().seed, 99);
    let mut fresh = Player::new(Scenario { seed: 99, ..scenario }, TRACE_RETAIN).unwrap();
    fresh.seek(20 * TICKS_PER_SECOND);
    assert_eq!(session.player().sim().trace().count(), fresh.sim().trace().count());
    assert_ne!(session.player().sim().trace().count(), before, "another seed, another run");
}

/// Issue 9, defect 3: faults belong to named nodes. The quorum's client is the last node, so
/// adding a storage node moves its id; its crash must stay the client's, and a fault on a
/// storage node that is removed is dropped, with a note saying so.
#[test]
fn changing_the_node_set_keeps_faults_on_their_named_nodes_and_says_what_it_dropped() {
    use faultline_core::engine::Fault;
    use faultline_core::patterns::quorum::sim::QuorumSim;
    use faultline_core::scenario::TimedFault;
    let mut scenario = preset::<QuorumSim>("quorum-strict");
    let replicas = scenario.params.replicas;
    let client = replicas; // the client comes after the storage nodes
    scenario.faults = vec![
        TimedFault { at_ms: 100.0, fault: Fault::Crash { node: client } },
        TimedFault { at_ms: 200.0, fault: Fault::Crash { node: replicas - 1 } },
    ];
    let mut session = Session::new(scenario, false).unwrap();
    settle(&mut session, u64::MAX);

    let more = faultline_core::patterns::quorum::sim::QuorumParams { replicas: replicas + 1, ..session.params().clone() };
    session.edit(Edit::Params(more)).unwrap();
    settle(&mut session, u64::MAX);
    assert_eq!(session.take_notice(), None, "nothing was dropped");
    let faults = session.scenario().faults;
    assert_eq!(faults[0].fault, Fault::Crash { node: replicas + 1 }, "the client's crash follows the client");
    assert_eq!(faults[1].fault, Fault::Crash { node: replicas - 1 });

    let fewer = faultline_core::patterns::quorum::sim::QuorumParams { replicas: replicas - 1, n: 3, r: 2, w: 2, ..session.params().clone() };
    session.edit(Edit::Params(fewer)).unwrap();
    settle(&mut session, u64::MAX);
    let faults = session.scenario().faults;
    assert_eq!(faults.len(), 1, "the removed node's crash is gone: {faults:?}");
    assert_eq!(faults[0].fault, Fault::Crash { node: replicas - 1 }, "the client is now id replicas - 1");
    assert_eq!(session.take_notice().as_deref(), Some("1 recorded fault on a node that no longer exists was dropped."));
    assert_eq!(session.take_notice(), None, "said once");
}

/// Issue 12, presenter keys: PageDown walks through a lesson's moments in order (pausing), then
/// to the end; PageUp walks back to the start. Repeated presses before a seek lands walk on.
#[test]
fn next_and_previous_moment_walk_the_lesson_and_pause() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let moments: Vec<u64> = scenario.moments.iter().map(|m| faultline_core::engine::ticks_from_ms(m.at_ms)).collect();
    assert!(moments.len() >= 3);
    let mut session = Session::new(scenario, false).unwrap();
    settle(&mut session, u64::MAX);
    session.control(Control::TogglePlay);
    let mut visited = Vec::new();
    for _ in 0..moments.len() + 1 {
        session.control(Control::NextMoment);
        assert!(!session.playing(), "a moment key pauses");
        settle(&mut session, 5_000);
        visited.push(session.player().now());
    }
    let mut expected: Vec<u64> = moments.iter().copied().filter(|&t| t > 0).collect();
    expected.push(session.player().duration());
    assert_eq!(&visited[..expected.len()], &expected[..], "each moment after the start, then the end");
    // Back: two presses at once (the second before the first seek lands) skip two moments.
    session.control(Control::PreviousMoment);
    session.control(Control::PreviousMoment);
    settle(&mut session, 5_000);
    assert_eq!(session.player().now(), expected[expected.len() - 3]);
    for _ in 0..moments.len() + 1 {
        session.control(Control::PreviousMoment);
    }
    settle(&mut session, u64::MAX);
    assert_eq!(session.player().now(), 0);
}

#[test]
fn a_loop_range_repeats_without_stopping_at_moments_and_bad_ranges_are_refused() {
    let scenario = preset::<BreakerSim>("breaker-outage");
    let duration = faultline_core::engine::ticks_from_ms(scenario.duration_ms);
    let (from, to) = (5 * TICKS_PER_SECOND, 20 * TICKS_PER_SECOND);
    assert!(
        scenario.moments.iter().any(|m| (5_000.0..20_000.0).contains(&m.at_ms)),
        "the range holds a lesson moment, which a loop must not stop at"
    );
    let mut session = Session::new(scenario, false).unwrap();
    assert_eq!(session.set_loop(Some((to, from))).unwrap_err().field, "loop");
    assert_eq!(session.set_loop(Some((from, duration + 1))).unwrap_err().field, "loop");
    session.set_loop(Some((from, to))).unwrap();
    session.control(Control::TogglePlay);
    // Play for long enough to go round several times, watching every position it shows.
    let (mut wraps, mut last, mut furthest) = (0, 0, 0);
    for _ in 0..2_000 {
        session.poll(100.0, u64::MAX);
        let now = session.player().now();
        assert!(session.playing(), "a looping run keeps playing (stopped at {now})");
        if now < last {
            wraps += 1;
            assert_eq!(now, from, "each wrap lands on the loop's start");
        }
        furthest = furthest.max(now);
        last = now;
    }
    assert!(wraps >= 3, "only {wraps} wraps");
    assert_eq!(furthest, to, "playing reaches the loop's end exactly and never passes it");
    // Without the loop, playing runs on (stopping at the lesson's moments) to the end.
    session.set_loop(None).unwrap();
    for _ in 0..20 {
        while session.playing() {
            session.poll(250.0, u64::MAX);
        }
        if session.player().at_end() {
            break;
        }
        session.control(Control::TogglePlay);
    }
    assert!(session.walked_through(true) && !session.walked_through(false));
}

#[test]
fn a_fault_added_at_the_end_of_the_run_makes_the_run_go_on_so_it_can_be_seen_and_a_link_replays_it() {
    use faultline_core::engine::Fault;
    use faultline_core::patterns::breaker::simulation::DOWNSTREAM;
    let scenario = preset::<BreakerSim>("breaker-outage");
    let before = scenario.duration();
    let mut session = Session::new(scenario, false).unwrap();
    session.control(Control::End);
    settle(&mut session, u64::MAX);
    assert_eq!(session.player().now(), before);
    session.edit(Edit::Fault(Fault::Crash { node: DOWNSTREAM })).unwrap();
    let notice = session.take_notice().expect("the edit says what it did");
    assert!(notice.starts_with("Added at the end of the run, so the run goes on"), "{notice}");
    settle(&mut session, u64::MAX);
    // Half as long again, the cursor where the fault is, and the fault in the scenario.
    assert_eq!(session.player().duration(), before + before / 2);
    assert_eq!(session.player().now(), before);
    let recorded = session.player().recorded().clone();
    assert!(recorded.faults.iter().any(|f| matches!(f.fault, Fault::Crash { .. }) && f.at_ms == recorded.duration_ms / 1.5));
    // Playing on shows the crash, as a fresh run of that scenario does.
    session.control(Control::Seek(session.player().duration()));
    settle(&mut session, u64::MAX);
    let mut fresh = Player::new(recorded, TRACE_RETAIN).unwrap();
    fresh.seek(fresh.duration());
    assert_eq!(session.player().sim().trace().count(), fresh.sim().trace().count());
    assert!(!session.player().sim().network().is_up(DOWNSTREAM));

    // Mid-run, an edit leaves the run as long as it was, and says nothing.
    let mut session = Session::new(preset::<BreakerSim>("breaker-outage"), false).unwrap();
    session.control(Control::Seek(before / 2));
    settle(&mut session, u64::MAX);
    session.edit(Edit::Fault(Fault::Restart { node: DOWNSTREAM })).unwrap();
    assert_eq!(session.take_notice(), None);
    assert_eq!(session.player().duration(), before);
}
