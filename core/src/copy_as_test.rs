//! "Copy as test": the run on screen as a ready `#[test]` for a test author, which replays the
//! scenario with the core headless and asserts its golden trace hash and the figures the
//! widget's charts print at the cursor. The browser and the native tests make it with the same
//! function, so the text a user copies is the text `core/tests/copied_test.rs` compiles.

use crate::engine::Pattern;
use crate::narrate::format_time;
use crate::player::Player;
use crate::scenario::scenario_to_json;

/// The test for the run `player` shows, whose full run has the trace hash `trace_hash`.
pub fn test_source<P: Pattern>(player: &Player<P>, trace_hash: &str) -> String {
    let scenario = player.scenario();
    let json = scenario_to_json(&scenario, true);
    let name = test_name(P::WIDGET, &scenario.title, scenario.seed, player.now());
    let lesson = if scenario.title.is_empty() { String::new() } else { format!(" \"{}\",", scenario.title) };
    // A raw string needs more `#`s than any `"#…` run in the JSON.
    let hashes = "#".repeat((1..).find(|&n| !json.contains(&format!("\"{}", "#".repeat(n)))).unwrap_or(1));
    let figures: String =
        player.figures().into_iter().filter(|(_, v)| v.is_finite()).map(|(name, v)| format!("            ({name:?}, {v:?}),\n")).collect();
    format!(
        r##"/// Copied from Faultline's "Copy as test": {widget},{lesson} seed {seed}, at {at}.
#[test]
fn {name}() {{
    const SCENARIO: &str = r{hashes}"{json}"{hashes};
    let report = faultline_core::headless::run_json(SCENARIO, None).expect("the scenario runs");
    assert_eq!(report.trace_hash, "{trace_hash}", "the run is no longer the one copied");
    // What the widget's charts printed at the cursor.
    let figures = faultline_core::headless::figures_json(SCENARIO).expect("the scenario plays");
    assert_eq!(
        figures,
        [
{figures}        ]
    );
}}
"##,
        widget = P::WIDGET,
        seed = scenario.seed,
        at = format_time(player.now()),
    )
}

/// `quorum_read_repair_seed4_at_2000ms` from the widget, the lesson's title, the seed and the
/// cursor: two copies of one lesson get two names.
fn test_name(widget: &str, title: &str, seed: u64, at: crate::engine::Tick) -> String {
    let mut name = format!("{widget}_");
    // The title's first words: enough to tell lessons apart, short enough to read.
    for word in title.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).take(5) {
        name.push_str(&word.to_ascii_lowercase());
        name.push('_');
    }
    let ms = at / crate::engine::TICKS_PER_MS;
    let micros = at % crate::engine::TICKS_PER_MS;
    name.push_str(&format!("seed{seed}_at_{ms}ms"));
    if micros > 0 {
        name.push_str(&format!("_{micros}us"));
    }
    name
}

#[cfg(test)]
mod tests {
    #[test]
    fn test_names_are_rust_identifiers_from_the_title() {
        assert_eq!(super::test_name("quorum", "Read repair: R = 1 (fast, stale)", 4, 2_000_000), "quorum_read_repair_r_1_fast_seed4_at_2000ms");
        assert_eq!(super::test_name("ring", "", 0, 0), "ring_seed0_at_0ms");
        assert_eq!(super::test_name("saga", "Überweisung", 7, 1_500), "saga_berweisung_seed7_at_1ms_500us");
    }
}
