//! The two ways a run is traced, on every preset of every widget: a headless run serialises
//! and hashes every event; the browser's player only counts them and keeps the latest typed
//! entries. They must be the same run: the same events, the same final state, and typed
//! entries whose JSON lines hash to the headless trace hash.

use faultline_core::engine::Pattern;
use faultline_core::headless;
use faultline_core::patterns::breaker::BreakerSim;
use faultline_core::patterns::quorum::sim::QuorumSim;
use faultline_core::patterns::ring::sim::RingSim;
use faultline_core::player::Player;

/// The page's `TRACE_RETAIN`.
const BROWSER_RETAIN: usize = 400;

fn check_presets<P: Pattern>() {
    let presets = P::presets();
    assert!(!presets.is_empty(), "{} has presets", P::WIDGET);
    for (name, scenario) in presets {
        let report = headless::run(&scenario, None).unwrap();
        let mut file = Vec::new();
        let written = headless::run(&scenario, Some(&mut file)).unwrap();
        assert_eq!(written.trace_hash, report.trace_hash, "{name}: writing a file does not change the hash");
        assert_eq!(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&file)), report.trace_hash, "{name}: the hash is xxh3 of the file");
        assert_eq!(file.iter().filter(|&&b| b == b'\n').count() as u64, report.events, "{name}: one line per event");

        let mut browser = Player::new(scenario.clone(), BROWSER_RETAIN).unwrap();
        browser.seek(u64::MAX);
        let trace = browser.sim().trace();
        assert_eq!(trace.hash_hex(), None, "{name}: the player makes no hash");
        assert_eq!(trace.count(), report.events, "{name}: the same events");
        assert_eq!(trace.recent().len() as u64, report.events.min(BROWSER_RETAIN as u64), "{name}");
        assert_eq!(serde_json::to_value(browser.sim().metrics()).unwrap(), report.metrics, "{name}: the same final metrics");
        assert_eq!(browser.model().notes(browser.now()), report.notes, "{name}: the same notes");

        // The retained tail is the tail of the file, line for line.
        let text = String::from_utf8(file).unwrap();
        let file_tail: Vec<&str> = text.lines().rev().take(BROWSER_RETAIN).collect();
        let kept: Vec<String> = trace.recent().rev().map(|e| e.json_line()).collect();
        assert_eq!(kept, file_tail, "{name}: the kept entries are the last lines of the trace file");
    }
}

#[test]
fn breaker_presets_run_alike_on_both_paths() {
    check_presets::<BreakerSim>();
}

#[test]
fn quorum_presets_run_alike_on_both_paths() {
    check_presets::<QuorumSim>();
}

#[test]
fn ring_presets_run_alike_on_both_paths() {
    check_presets::<RingSim>();
}

#[test]
fn a_player_that_keeps_everything_holds_exactly_the_hashed_lines() {
    let (name, scenario) = BreakerSim::presets().into_iter().next().unwrap();
    let report = headless::run(&scenario, None).unwrap();
    let mut player = Player::new(scenario, usize::MAX).unwrap();
    player.seek(u64::MAX);
    let lines: String = player.sim().trace().recent().map(|e| e.json_line() + "\n").collect();
    assert_eq!(player.sim().trace().recent().len() as u64, report.events, "{name}");
    assert_eq!(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(lines.as_bytes())), report.trace_hash, "{name}");
}
