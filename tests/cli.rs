//! The `faultline` binary: presets, run, trace files, and bad input.

#![cfg(not(target_arch = "wasm32"))]

mod support;
use support::faultline;

#[test]
fn presets_lists_every_widget_and_preset_prints_a_runnable_scenario() {
    let (code, out, _) = faultline(&["presets"], None);
    assert_eq!(code, 0);
    let list: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(list.iter().any(|p| p["widget"] == "breaker"));
    let name = list[0]["name"].as_str().unwrap();
    let (code, scenario, _) = faultline(&["preset", name], None);
    assert_eq!(code, 0);
    let (code, report, err) = faultline(&["run", "-"], Some(&scenario));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    for key in ["seed", "events", "trace_hash", "metrics"] {
        assert!(report.get(key).is_some(), "report has {key}");
    }
    assert!(report["events"].as_u64().unwrap() > 0);
}

#[test]
fn trace_file_hashes_to_the_reported_trace_hash() {
    let (_, scenario, _) = faultline(&["preset", "breaker-outage"], None);
    let dir = std::env::temp_dir().join(format!("faultline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario_path = dir.join("s.json");
    let trace_path = dir.join("trace.jsonl");
    std::fs::write(&scenario_path, &scenario).unwrap();
    let (code, report, err) = faultline(&["run", scenario_path.to_str().unwrap(), "--trace", trace_path.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let trace = std::fs::read(&trace_path).unwrap();
    let lines = trace.iter().filter(|b| **b == b'\n').count() as u64;
    assert_eq!(lines, report["events"].as_u64().unwrap());
    assert_eq!(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&trace)), report["trace_hash"].as_str().unwrap());
    let first: serde_json::Value = serde_json::from_str(std::str::from_utf8(&trace).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["seq"], 0);
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    let cases = [
        (r#"{"widget":"breaker","version":1,"seed":1,"duration_ms":1000,"params":{"requests_per_second":-5}}"#, "params.requests_per_second"),
        (
            r#"{"widget":"breaker","version":1,"seed":1,"duration_ms":1000,"params":{"breaker":{"library":"resilience4j","failure_rate_threshold":0}}}"#,
            "params.breaker.failure_rate_threshold",
        ),
        (r#"{"widget":"teapot","version":1}"#, "widget"),
        (
            r#"{"widget":"breaker","version":1,"seed":1,"duration_ms":1000,"faults":[{"at_ms":5,"fault":{"kind":"crash","node":9}}]}"#,
            "faults[0].fault.node",
        ),
        ("{", ""),
    ];
    for (input, field) in cases {
        let (code, out, err) = faultline(&["run", "-"], Some(input));
        assert_eq!(code, 2, "{input} → {err}");
        assert!(out.is_empty());
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(field), "{err} should name {field}");
    }
    let (code, _, err) = faultline(&["preset", "no-such-preset"], None);
    assert_eq!(code, 2);
    assert!(err.contains("name"));
}

#[test]
fn a_breaker_script_reports_each_calls_permission_state_and_rule() {
    let script = r#"{"widget":"breaker_script","version":1,
        "breaker":{"library":"resilience4j","sliding_window_size":4,"minimum_number_of_calls":4,"failure_rate_threshold":50,"wait_duration_in_open_state_ms":1000},
        "steps":[{"at_ms":0,"outcome":"success"},{"at_ms":10,"outcome":"failure"},{"at_ms":20,"outcome":"success"},
                 {"at_ms":30,"outcome":"failure"},{"at_ms":40,"outcome":"success"},{"at_ms":1040,"outcome":"success"}]}"#;
    let (code, out, err) = faultline(&["run", "-"], Some(script));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = report["steps"].as_array().unwrap();
    let states: Vec<&str> = steps.iter().map(|s| s["state"].as_str().unwrap()).collect();
    // 2 failures of 4 = 50% and resilience4j trips on ≥; the next call is rejected; the first
    // call strictly after the 1000 ms wait moves it to HALF_OPEN.
    assert_eq!(states, ["CLOSED", "CLOSED", "CLOSED", "OPEN", "OPEN", "HALF_OPEN"]);
    assert_eq!(steps[4]["permitted"], false);
    assert_eq!(steps[2]["metrics"]["failure_rate"], -1.0, "below the minimum the rate is -1");
    assert_eq!(steps[3]["transition_lines"][0], "4 calls, 50% ≥ 50% → OPEN");
    assert_eq!(report["events"], 6);

    let (code, _, err) =
        faultline(&["run", "-"], Some(r#"{"widget":"breaker_script","version":1,"breaker":{"library":"resilience4j","sliding_window_size":0}}"#));
    assert_eq!(code, 2);
    assert!(err.contains("sliding_window_size"), "{err}");
}

#[test]
fn a_trace_file_has_every_line_even_when_thousands_happen_at_one_instant() {
    // As many commands at t = 0 as a scenario may have: more than any in-memory window a
    // writer could lag behind.
    let actions: Vec<String> = (0..faultline_core::scenario::MAX_ACTIONS)
        .map(|_| r#"{"at_ms":0,"command":{"kind":"set_failure_probability","probability":0.5}}"#.to_string())
        .collect();
    let scenario = format!(r#"{{"widget":"breaker","version":1,"seed":1,"duration_ms":100,"actions":[{}]}}"#, actions.join(","));
    let dir = std::env::temp_dir().join(format!("faultline-cli-burst-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let trace_path = dir.join("trace.jsonl");
    let (code, report, err) = faultline(&["run", "-", "--trace", trace_path.to_str().unwrap()], Some(&scenario));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let trace = std::fs::read(&trace_path).unwrap();
    assert!(report["events"].as_u64().unwrap() > faultline_core::scenario::MAX_ACTIONS as u64);
    assert_eq!(trace.iter().filter(|b| **b == b'\n').count() as u64, report["events"].as_u64().unwrap());
    assert_eq!(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&trace)), report["trace_hash"].as_str().unwrap());
}

#[test]
fn the_site_pages_come_from_the_registry() {
    let (code, widgets, _) = faultline(&["widgets"], None);
    assert_eq!(code, 0);
    let names: Vec<&str> = widgets.lines().collect();
    assert_eq!(names, faultline_core::widgets::WIDGETS.iter().map(|w| w.name).collect::<Vec<_>>());
    let (code, landing, _) = faultline(&["site", "landing"], None);
    assert_eq!(code, 0);
    for preset in faultline_core::headless::presets() {
        assert!(landing.contains(&format!("href=\"{0}/#/{0}?preset={1}\"", preset.widget, preset.name)), "a card links to {}", preset.name);
    }
    for name in &names {
        let (code, page, _) = faultline(&["site", "page", name], None);
        assert_eq!(code, 0);
        assert!(page.contains(&format!("data-cargo-no-default-features data-cargo-features=\"{name}\"")), "{name}'s page builds it alone");
    }
    let (code, _, err) = faultline(&["site", "page", "nope"], None);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Every bad input is exit 2 and one line naming the option or what is wrong with the file.
#[test]
fn bad_options_and_files_are_exit_2_with_one_line_naming_them() {
    let pbs = ["quorum", "pbs", "--n", "3", "--r", "1", "--w", "1"];
    for (extra, names) in [
        (&["--trials", "-1"][..], "--trials"),
        (&["--seed", "-1"], "--seed"),
        (&["--t-ms", ""], "--t-ms"),
        (&["--latency", "exponential:1e308", "--trials", "10"], "mean_ms"),
    ] {
        let args: Vec<&str> = pbs.iter().chain(extra).copied().collect();
        let (code, _, err) = faultline(&args, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(names), "{args:?} names {names}: {err}");
    }
    let (code, _, err) = faultline(&["quorum", "pbs", "--n", "4294967296", "--r", "1", "--w", "1"], None);
    assert!(code == 2 && err.contains("--n") && err.trim_end().lines().count() == 1, "{err}");
    let (code, _, err) = faultline(&["ring", "locate"], None);
    assert!(code == 2 && err.contains("--key") && err.trim_end().lines().count() == 1, "{err}");

    // Invalid UTF-8, and a file larger than a scenario may be.
    let dir = std::env::temp_dir().join(format!("faultline-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, b'{']).unwrap();
    let (code, _, err) = faultline(&["run", binary.to_str().unwrap()], None);
    assert!(code == 2 && err.contains("UTF-8") && err.trim_end().lines().count() == 1, "{err}");
    let huge = dir.join("huge.json");
    std::fs::write(&huge, " ".repeat(faultline_core::scenario::MAX_SCENARIO_BYTES + 1)).unwrap();
    let (code, _, err) = faultline(&["run", huge.to_str().unwrap()], None);
    assert!(code == 2 && err.contains("at most") && err.trim_end().lines().count() == 1, "{err}");
}

/// docs/workshops.md's example lesson is valid as written, and its number question's answer is
/// what the run does (the breaker opens within a second of 4 s after the crash).
#[test]
fn the_workshop_example_in_the_docs_runs_and_its_answer_is_true() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/workshops.md")).unwrap();
    let start = docs.find("```json\n").expect("a json example") + "```json\n".len();
    let json = &docs[start..start + docs[start..].find("```").unwrap()];
    let dir = std::env::temp_dir().join(format!("faultline-cli-workshop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let trace = dir.join("trace.jsonl");
    let (code, _, err) = faultline(&["run", "-", "--trace", trace.to_str().unwrap()], Some(json));
    assert_eq!(code, 0, "{err}");
    let opened_at_s = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["event"]["pattern"]["kind"] == "transition" && e["event"]["pattern"]["to"] == "OPEN")
        .map(|e| e["at"].as_f64().unwrap() / 1e6)
        .expect("the breaker opens");
    let after_crash = opened_at_s - 10.0;
    assert!((after_crash - 4.0).abs() <= 1.0, "opens {after_crash} s after the crash");
}

#[test]
fn check_gives_the_challenge_verdict_with_its_exit_code() {
    let (_, scenario, _) = faultline(&["preset", "stampede-challenge-calm"], None);
    let (code, out, err) = faultline(&["check", "-"], Some(&scenario));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("concurrent DB queries, peak over the whole run: at most 4 queries: failed, measured"), "{out}");
    assert!(out.ends_with("verdict: failed\n"), "{out}");
    let mut fixed: serde_json::Value = serde_json::from_str(&scenario).unwrap();
    fixed["params"]["protection"] = serde_json::json!({"kind": "singleflight"});
    let (code, out, err) = faultline(&["check", "-"], Some(&fixed.to_string()));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("verdict: passed\n"), "{out}");
    // A scenario without a challenge, and a bad one, are input errors: one line, exit 2.
    let (_, plain, _) = faultline(&["preset", "stampede-miss-wave"], None);
    let (code, _, err) = faultline(&["check", "-"], Some(&plain));
    assert_eq!((code, err.lines().count()), (2, 1), "{err}");
    assert!(err.contains("challenge: this scenario has no challenge"), "{err}");
}

/// docs/workshops.md shows `faultline check` on the shipped stampede challenge: its output is
/// what the command prints today.
#[test]
fn the_workshops_check_example_is_the_real_output() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/workshops.md")).unwrap();
    let shown = docs.split("$ faultline check calm.json\n").nth(1).and_then(|rest| rest.split("```").next()).expect("the example is in the docs");
    let (_, scenario, _) = faultline(&["preset", "stampede-challenge-calm"], None);
    let (code, out, _) = faultline(&["check", "-"], Some(&scenario));
    assert_eq!(code, 1);
    assert_eq!(out, shown);
}

/// Each widget brings its own stylesheet (`static/css/faultline-NAME.css`, which its page and
/// bundle load beside the shell's), and every rule in it is scoped to that widget, so no widget
/// can style another or the host page.
#[test]
fn every_widget_has_its_own_scoped_stylesheet() {
    let (_, names, _) = faultline(&["widgets"], None);
    for name in names.lines() {
        let path = format!("{}/static/css/faultline-{name}.css", env!("CARGO_MANIFEST_DIR"));
        let css = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let scope = format!(".fl-widget[data-widget={name}]");
        let mut rules = 0;
        for line in css.lines().map(str::trim) {
            let Some((selectors, _)) = line.split_once('{') else { continue };
            if selectors.starts_with('@') || selectors.starts_with("/*") {
                continue;
            }
            for selector in selectors.split(',').map(str::trim) {
                assert!(selector.starts_with(&scope), "{path}: `{selector}` is not scoped to {scope}");
                rules += 1;
            }
        }
        assert!(rules > 0, "{path} has no rules");
        // The page of that widget links it.
        let (_, page, _) = faultline(&["site", "page", name], None);
        assert!(page.contains(&format!("static/css/faultline-{name}.css")), "{name}'s page does not load its stylesheet");
    }
}
