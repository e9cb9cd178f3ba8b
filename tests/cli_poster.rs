//! `faultline poster`: an SVG on stdout or in a file, and one plain line naming the field
//! (exit 2) for bad input.

#![cfg(not(target_arch = "wasm32"))]

mod support;
use support::faultline;

#[test]
fn a_preset_a_file_and_a_widget_each_give_the_core_s_poster() {
    let (code, svg, err) = faultline(&["poster", "--preset", "breaker-outage", "--at", "12s", "--theme", "dark"], None);
    assert_eq!(code, 0, "{err}");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("flp-dark") && svg.contains("data-at-ms=\"12000\""));
    let at = faultline_core::poster::parse_at("12s").unwrap();
    let theme = faultline_core::poster::Theme::Dark;
    assert_eq!(svg, faultline_core::poster::render_preset("breaker-outage", Some(at), theme).unwrap(), "the core's bytes");

    // The same scenario from stdin, and into a file.
    let (_, scenario, _) = faultline(&["preset", "breaker-outage"], None);
    let (code, from_file, err) = faultline(&["poster", "-", "--at", "12000ms", "--theme", "dark"], Some(&scenario));
    assert_eq!(code, 0, "{err}");
    assert_eq!(from_file, svg);
    let path = std::env::temp_dir().join(format!("faultline-poster-{}.svg", std::process::id()));
    let (code, out, err) = faultline(&["poster", "--widget", "ring", "--out", path.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(written.contains("data-widget=\"ring\"") && written.contains("flp-light"));
}

#[test]
fn bad_input_is_one_line_naming_the_field_and_exit_2() {
    for (args, field) in [
        (vec!["poster", "--preset", "breaker-outage", "--at", "12"], "at"),
        (vec!["poster", "--preset", "breaker-outage", "--at", "-3s"], "at"),
        (vec!["poster", "--preset", "breaker-outage", "--at", "3600s"], "at"),
        (vec!["poster", "--preset", "breaker-outage", "--theme", "sepia"], "theme"),
        (vec!["poster", "--preset", "no-such-lesson"], "preset"),
        (vec!["poster", "--widget", "no-such-widget"], "widget"),
    ] {
        let (code, out, err) = faultline(&args, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with(&format!("faultline: {field}: ")), "{args:?}: {err}");
    }
    let (code, _, err) = faultline(&["poster", "-"], Some("{\"widget\": \"breaker\", \"version\": 1, \"seed\": -1}"));
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("seed"), "{err}");
}
