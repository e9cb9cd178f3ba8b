//! The widget's exports, made by the session as the page makes them: a trace file equals what
//! `faultline run --trace` writes, and "Copy as test" gives a test whose hash and figures are
//! the run's. Two copied tests are checked in (`copied_test.rs`): they compile and pass, and
//! they are exactly what the generator gives today.

use faultline_core::copy_as_test::test_source;
use faultline_core::engine::{ticks_from_ms, Fault, Pattern};
use faultline_core::headless::{figures_json, run, run_json};
use faultline_core::patterns::breaker::BreakerSim;
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::scenario::{scenario_to_json, Scenario};
use faultline_core::session::{Control, Edit, Recorded, Session};
use faultline_core::widgets::{dispatch, WidgetFn, WIDGETS};

/// Plays like the page does (polls of wall time) until the player stops at the lesson's first
/// stop after its start.
fn play_to_first_stop<P: Pattern>(session: &mut Session<P>) {
    session.control(Control::TogglePlay);
    let mut polls = 0;
    while session.playing() {
        session.poll(100.0, 5_000);
        polls += 1;
        assert!(polls < 100_000, "playing never stopped");
    }
}

fn record<P: Pattern>(session: &mut Session<P>, lines: bool) -> Recorded {
    session.control(Control::Record { lines });
    let mut polls = 0;
    loop {
        // A small budget, as a busy frame has: the recording spans many polls.
        session.poll(0.0, 700);
        if let Some(done) = session.take_recorded() {
            assert!(polls > 0 || done.events < 700, "a recording of {} events fitted in one small poll", done.events);
            return done;
        }
        polls += 1;
        assert!(polls < 1_000_000);
    }
}

#[test]
fn a_trace_file_from_the_session_is_the_headless_trace_file_with_the_user_edits() {
    let (_, scenario) = BreakerSim::presets().into_iter().find(|(n, _)| *n == "breaker-outage").unwrap();
    let mut session = Session::new(scenario, false).unwrap();
    play_to_first_stop(&mut session);
    // An edit of the user's on top of the lesson is part of the run that is exported.
    session.edit(Edit::Fault(Fault::Crash { node: 1 })).unwrap();
    let recorded = record(&mut session, true);
    assert!(recorded.refused.is_none());
    let on_screen = session.player().scenario();
    let mut file = Vec::new();
    let report = run(&on_screen, Some(&mut file)).unwrap();
    assert_eq!(recorded.lines, file, "the exported lines are `faultline run --trace`'s");
    assert_eq!(recorded.trace_hash, report.trace_hash);
    assert_eq!(recorded.events, report.events);
    assert_eq!(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&file)), report.trace_hash, "the file hashes to the golden hash");
    let untouched = session.player().recorded().faults.len();
    assert!(untouched >= 1, "the crash was recorded in the scenario");
}

struct CopiedTestAgrees;
impl WidgetFn for CopiedTestAgrees {
    type Output = ();
    fn call<P: Pattern>(self) {
        for (name, scenario) in P::presets().into_iter().take(3) {
            let mut session = Session::new(scenario, false).unwrap();
            play_to_first_stop(&mut session);
            let recorded = record(&mut session, false);
            assert!(recorded.lines.is_empty(), "a test needs no lines");
            let source = test_source(session.player(), &recorded.trace_hash);
            let json = scenario_to_json(&session.player().scenario(), true);
            assert!(source.contains(&json), "{name}: the test carries the scenario on screen");
            // What the copied test asserts holds for the scenario it carries.
            let report = run_json(&json, None).unwrap();
            assert!(source.contains(&format!("\"{}\"", report.trace_hash)), "{name}: the test asserts the run's hash");
            let figures = figures_json(&json).unwrap();
            assert_eq!(figures, session.player().figures(), "{name}: a fresh seek shows the figures playing showed");
            for (series, value) in figures.iter().filter(|(_, v)| v.is_finite()) {
                assert!(source.contains(&format!("({series:?}, {value:?})")), "{name}: {series} is asserted");
            }
        }
    }
}

#[test]
fn a_copied_test_asserts_the_hash_and_the_figures_of_the_run_on_screen_for_every_widget() {
    for widget in WIDGETS {
        dispatch(widget.name, CopiedTestAgrees).unwrap();
    }
}

/// The checked-in copies: (file, widget preset, cursor in ms).
const COPIED: &[(&str, &str, f64)] =
    &[("copied/breaker_outage.rs.txt", "breaker-outage", 12_000.0), ("copied/quorum_read_repair.rs.txt", "quorum-read-repair", 2_000.0)];

fn copy_of<P: Pattern>(preset: &str, at_ms: f64) -> String {
    let (_, scenario) = P::presets().into_iter().find(|(n, _)| *n == preset).expect("preset exists");
    let mut session = Session::new(Scenario { cursor_ms: Some(at_ms), ..scenario }, false).unwrap();
    for _ in 0..1_000 {
        if session.catching_up().is_none() {
            break;
        }
        session.poll(0.0, u64::MAX);
    }
    assert_eq!(session.player().now(), ticks_from_ms(at_ms));
    let recorded = record(&mut session, false);
    test_source(session.player(), &recorded.trace_hash)
}

#[test]
fn the_checked_in_copied_tests_are_what_copy_as_test_gives() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for &(file, preset, at_ms) in COPIED {
        let made = if preset.starts_with("breaker") { copy_of::<BreakerSim>(preset, at_ms) } else { copy_of::<QuorumSim>(preset, at_ms) };
        let path = dir.join(file);
        if std::env::var_os("UPDATE_COPIED").is_some() {
            std::fs::write(&path, &made).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(checked_in, made, "{file} is not what Copy as test gives now (UPDATE_COPIED=1 rewrites it, then review the diff)");
    }
}
