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
