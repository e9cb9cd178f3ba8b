//! Posters (`faultline_core::poster`): well-formed standalone SVG for every lesson of every
//! widget, the same bytes for the same input, and the frame's figures those of the player the
//! widget uses at that cursor (notes, moment caption, chart values, the state picture).

use faultline_core::chart_scale::format_axis;
use faultline_core::engine::{ms_from_ticks, ticks_from_ms, Pattern, Tick};
use faultline_core::player::Player;
use faultline_core::poster::{self, parse_at, Theme};
use faultline_core::scenario::Scenario;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The text of every `<text>` element, in document order.
fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants().filter(|n| n.has_tag_name((SVG_NS, "text"))).map(|n| n.text().unwrap_or_default().to_string()).collect()
}

/// Text without whitespace, so a sentence wrapped over several `<text>` lines still matches.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn has_class(node: &roxmltree::Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split_whitespace().any(|k| k == class))
}

/// The player at the poster's cursor: what the widget shows there.
fn player_at<P: Pattern>(scenario: &Scenario<P>, at: Tick) -> Player<P> {
    let mut s = scenario.clone();
    s.cursor_ms = None;
    let mut player = Player::new(s, 0).unwrap();
    player.seek(at);
    player
}

/// Renders `scenario` at `at` and checks the poster against the player there: well-formed,
/// standalone, the caption of the moment at the cursor, every note, and every chart's value.
fn check_poster<P: Pattern>(name: &str, scenario: &Scenario<P>, at: Tick, theme: Theme) -> String {
    let svg = poster::render(scenario.clone(), Some(at), theme).unwrap_or_else(|e| panic!("{name}: {e}"));
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: not well-formed XML: {e}"));
    let root = doc.root_element();
    assert!(root.has_tag_name((SVG_NS, "svg")), "{name}: the root is an <svg> in the SVG namespace");
    assert_eq!(root.attribute("width"), Some("960"), "{name}");
    let height: f64 = root.attribute("height").unwrap().parse().unwrap();
    assert_eq!(root.attribute("viewBox"), Some(format!("0 0 960 {}", root.attribute("height").unwrap()).as_str()), "{name}");
    assert!(height > 300.0, "{name}: height {height}");
    assert!(doc.descendants().any(|n| n.has_tag_name((SVG_NS, "style"))), "{name}: styles are embedded");
    assert!(!svg.contains(" id=\""), "{name}: no ids, so several posters can share a page");
    assert!(!svg.contains("href"), "{name}: nothing outside the file is referenced");

    let player = player_at(scenario, at);
    let now = player.now();
    let all = squeezed(&texts(&doc).join(" "));
    assert!(all.contains(&squeezed(P::TITLE)), "{name}: the widget's title");
    if !scenario.title.is_empty() {
        assert!(all.contains(&squeezed(&scenario.title)), "{name}: the lesson's title");
    }
    // The caption of the last moment at or before the cursor, found here from the scenario.
    let moment = scenario.moments.iter().rfind(|m| ticks_from_ms(m.at_ms) <= now);
    let moment_text: String =
        doc.descendants().filter(|n| has_class(n, "flp-moment")).map(|n| n.text().unwrap_or_default()).collect::<Vec<_>>().join(" ");
    match moment {
        Some(m) => assert_eq!(squeezed(&moment_text), squeezed(&m.caption), "{name}: the moment's caption at {now}"),
        None => assert!(moment_text.is_empty(), "{name}: no moment reached yet, no caption"),
    }
    for note in player.model().notes(now) {
        assert!(all.contains(&squeezed(&note)), "{name}: the note \"{note}\" at {now}");
    }
    // Each chart: its series in the widget's order, its printed value the player's last sample.
    let charted: Vec<(usize, &str, &str)> =
        P::SERIES.iter().enumerate().filter(|(i, _)| !P::SERIES.iter().any(|s| s.ghost == Some(*i))).map(|(i, s)| (i, s.name, s.unit)).collect();
    let charts: Vec<roxmltree::Node> = doc.descendants().filter(|n| has_class(n, "flp-chart")).collect();
    assert_eq!(charts.len(), charted.len(), "{name}: one chart per series that is not a ghost");
    let last = player.samples().last().expect("the player samples time 0");
    for (chart, (i, series, unit)) in charts.iter().zip(&charted) {
        assert_eq!(chart.attribute("data-series"), Some(*series), "{name}");
        let value = last.values[*i];
        assert_eq!(chart.attribute("data-now").map(|v| v.parse::<f64>().unwrap()), Some(value), "{name}: {series}");
        let printed = format!("now {} {unit}", format_axis(value));
        let chart_texts: Vec<String> = chart.descendants().filter_map(|n| n.text()).map(str::to_string).collect();
        assert!(chart_texts.iter().any(|t| t.trim() == printed.trim()), "{name}: {series} prints \"{printed}\" in {chart_texts:?}");
    }
    assert_eq!(root.attribute("data-at-ms").map(|v| v.parse::<f64>().unwrap()), Some(ms_from_ticks(now)), "{name}");
    svg
}

/// Every preset of every widget in the registry, plus each widget's default scenario.
macro_rules! every_widget {
    (widgets: [$($feature:literal => $pattern:ty),* $(,)?], scripts: [$($rest:tt)*] $(,)?) => {
        fn for_every_lesson(check: &mut dyn FnMut(&str, &dyn Fn(Option<Tick>, Theme) -> String)) {
            $(
                {
                    let mut lessons: Vec<(String, Scenario<$pattern>)> =
                        <$pattern as Pattern>::presets().into_iter().map(|(n, s)| (n.to_string(), s)).collect();
                    lessons.push((format!("{} default", <$pattern as Pattern>::WIDGET), <$pattern as Pattern>::default_scenario()));
                    for (name, scenario) in lessons {
                        check(&name, &|at, theme| {
                            let at = at.unwrap_or_else(|| poster::default_cursor(&scenario));
                            check_poster(&name, &scenario, at, theme)
                        });
                    }
                }
            )*
        }
    };
}
faultline_core::for_each_widget!(every_widget);

#[test]
fn every_lesson_of_every_widget_renders_a_poster_that_matches_its_player() {
    let mut count = 0;
    let mut widgets = std::collections::BTreeSet::new();
    for_every_lesson(&mut |name, render| {
        let light = render(None, Theme::Light);
        assert!(light.contains("class=\"flp flp-light\""), "{name}");
        widgets.insert(light.split("data-widget=\"").nth(1).unwrap().split('"').next().unwrap().to_string());
        count += 1;
    });
    assert_eq!(widgets.len(), faultline_core::widgets::WIDGETS.len(), "every widget has posters");
    assert!(count > faultline_core::widgets::WIDGETS.len(), "lessons beyond the defaults");
}

#[test]
fn every_lesson_renders_at_its_start_too_and_in_the_dark() {
    for_every_lesson(&mut |name, render| {
        let start = render(Some(0), Theme::Dark);
        assert!(start.contains("class=\"flp flp-dark\""), "{name}");
    });
}

#[test]
fn the_same_input_gives_the_same_bytes_and_two_cursors_two_posters() {
    let a = poster::render_preset("breaker-outage", Some(ticks_from_ms(12_000.0)), Theme::Light).unwrap();
    let b = poster::render_preset("breaker-outage", Some(ticks_from_ms(12_000.0)), Theme::Light).unwrap();
    assert_eq!(a, b);
    let c = poster::render_preset("breaker-outage", Some(ticks_from_ms(30_000.0)), Theme::Light).unwrap();
    assert_ne!(a, c);
    assert!(a.contains("data-at-ms=\"12000\"") && c.contains("data-at-ms=\"30000\""));
    let dark = poster::render_preset("breaker-outage", Some(ticks_from_ms(12_000.0)), Theme::Dark).unwrap();
    assert_ne!(a, dark);
}

#[test]
fn the_breaker_picture_highlights_the_state_the_breaker_is_in() {
    use faultline_core::patterns::breaker::BreakerSim;
    let scenario = BreakerSim::presets().into_iter().find(|(n, _)| *n == "breaker-outage").unwrap().1;
    let mut states = std::collections::BTreeSet::new();
    // Every second of the run: the highlighted box names the player's state, and only one is.
    for second in 0..=(scenario.duration_ms / 1000.0) as u64 {
        let at = ticks_from_ms(second as f64 * 1000.0);
        let svg = poster::render(scenario.clone(), Some(at), Theme::Light).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let current: Vec<_> = doc.descendants().filter(|n| has_class(n, "flp-state-current")).collect();
        assert_eq!(current.len(), 1, "one current state at {second} s");
        let shown = current[0].descendants().find(|n| has_class(n, "flp-state-name")).and_then(|n| n.text()).unwrap().to_string();
        let state = player_at(&scenario, at).model().breaker().state().to_string();
        assert_eq!(shown, state, "at {second} s");
        states.insert(state);
    }
    assert!(states.len() >= 3, "the outage lesson goes through closed, open and half-open: {states:?}");
}

#[test]
fn the_ring_picture_colours_each_key_by_its_owner() {
    use faultline_core::patterns::ring::sim::{RingSim, DRAWN_KEYS};
    let scenario = RingSim::default_scenario();
    let at = poster::default_cursor(&scenario);
    let svg = poster::render(scenario.clone(), Some(at), Theme::Light).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let player = player_at(&scenario, at);
    let sim = player.model();
    let picture = doc.descendants().find(|n| has_class(n, "flp-picture")).expect("the ring has a picture");
    // One mark per drawn key, in key order, coloured by the key's owner in the player.
    let drawn = sim.key_hashes().len().min(DRAWN_KEYS);
    let keys: Vec<String> = picture.children().filter(|n| has_class(n, "flp-key")).map(|n| n.attribute("class").unwrap().to_string()).collect();
    assert_eq!(keys.len(), drawn);
    for (i, class) in keys.iter().enumerate() {
        assert_eq!(class.split_whitespace().next(), Some(format!("flp-c{}", sim.owners()[i].0 % 8).as_str()), "key {i}");
    }
    // The legend's counts are the nodes' key counts.
    let all = texts(&doc).join("\n");
    for (id, info) in sim.nodes().iter() {
        assert!(all.contains(&format!("{} · {}", info.name, sim.keys_on(id))), "{}", info.name);
    }
}

#[test]
fn text_from_the_scenario_is_escaped() {
    use faultline_core::patterns::breaker::BreakerSim;
    let mut scenario = BreakerSim::default_scenario();
    scenario.title = "<script>alert(\"&\")</script> ]]> 'quoted'".into();
    scenario.moments[0].caption = "a < b & c > d".into();
    let at = ticks_from_ms(scenario.moments[0].at_ms);
    let svg = check_poster("escaped", &scenario, at, Theme::Light);
    assert!(!svg.contains("<script"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(texts(&doc).iter().any(|t| t.contains("<script>alert(\"&\")")));
}

#[test]
fn a_bad_cursor_or_theme_is_refused_naming_the_field() {
    for bad in ["12", "12x", "-1s", "+2s", "s", "ms", "", "NaNs", "infs", "1e400s", "2 days"] {
        let e = parse_at(bad).unwrap_err();
        assert_eq!(e.field, "at", "{bad:?}");
    }
    assert_eq!(parse_at("12s").unwrap(), ticks_from_ms(12_000.0));
    assert_eq!(parse_at("1.5s").unwrap(), ticks_from_ms(1_500.0));
    assert_eq!(parse_at("1500ms").unwrap(), ticks_from_ms(1_500.0));
    assert_eq!(parse_at("250us").unwrap(), 250);
    assert_eq!(parse_at("250µs").unwrap(), 250);
    let e = poster::render_preset("breaker-outage", Some(parse_at("1000s").unwrap()), Theme::Light).unwrap_err();
    assert_eq!(e.field, "at");
    assert!(e.message.contains("past the end"), "{e}");
    assert_eq!(Theme::parse("sepia").unwrap_err().field, "theme");
    assert_eq!(poster::render_preset("no-such-lesson", None, Theme::Light).unwrap_err().field, "preset");
    assert_eq!(poster::render_default("no-such-widget", None, Theme::Light).unwrap_err().field, "widget");
    let e = poster::render_json("{\"widget\": \"breaker\", \"version\": 1, \"seed\": \"x\"}", None, Theme::Light).unwrap_err();
    assert!(!e.field.is_empty(), "{e}");
}

#[test]
fn with_no_cursor_a_poster_shows_the_lessons_last_moment() {
    use faultline_core::patterns::breaker::BreakerSim;
    let (_, scenario) = BreakerSim::presets().into_iter().find(|(_, s)| s.moments.len() > 1).unwrap();
    let last = scenario.moments.iter().map(|m| m.at_ms).fold(0.0, f64::max);
    assert_eq!(poster::default_cursor(&scenario), ticks_from_ms(last));
    let mut linked = scenario.clone();
    linked.cursor_ms = Some(1_000.0);
    assert_eq!(poster::default_cursor(&linked), ticks_from_ms(1_000.0), "a link's cursor wins");
    let mut plain = scenario;
    plain.moments.clear();
    assert_eq!(poster::default_cursor(&plain), plain.duration(), "no moments: the end");
}

#[test]
fn the_quorum_picture_marks_the_nodes_the_network_has_down() {
    use faultline_core::patterns::quorum::sim::simulation::QuorumSim;
    let mut crashed_somewhere = false;
    for (name, scenario) in QuorumSim::presets() {
        // Every half-second of each lesson: the crashed marks are the network's down nodes.
        let steps = (scenario.duration_ms / 500.0) as u64;
        for step in 0..=steps {
            let at = ticks_from_ms(step as f64 * 500.0).min(scenario.duration());
            let svg = poster::render(scenario.clone(), Some(at), Theme::Light).unwrap();
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let marks = texts(&doc).iter().filter(|t| t.as_str() == "✗ crashed").count();
            let player = player_at(&scenario, at);
            let nodes = QuorumSim::node_names(&scenario.params).len() as u32;
            let down = (0..nodes).filter(|&n| !player.sim().network().is_up(n)).count();
            assert_eq!(marks, down, "{name} at {} ms", ms_from_ticks(at));
            crashed_somewhere |= down > 0;
        }
    }
    assert!(crashed_somewhere, "some quorum lesson crashes a node");
}

#[test]
fn the_stampede_picture_counts_the_herd_the_player_has_in_flight() {
    use faultline_core::narrate::count;
    use faultline_core::patterns::stampede::sim::StampedeSim;
    let (name, scenario) = StampedeSim::presets().into_iter().find(|(n, _)| *n == "stampede-miss-wave").unwrap();
    let mut herds = 0;
    for step in 0..=(scenario.duration_ms / 250.0) as u64 {
        let at = ticks_from_ms(step as f64 * 250.0).min(scenario.duration());
        let svg = poster::render(scenario.clone(), Some(at), Theme::Light).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let herd = player_at(&scenario, at).model().in_flight().len();
        let expected = format!("{} in flight", count(herd as u64, "recompute", "recomputes"));
        assert!(texts(&doc).contains(&expected), "{name} at {} ms: {expected}", ms_from_ticks(at));
        herds += usize::from(herd > 1);
    }
    assert!(herds > 0, "the miss wave shows a herd at some instant");
}
