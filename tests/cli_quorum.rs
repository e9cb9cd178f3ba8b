//! `faultline quorum pbs` and quorum scenarios through `faultline run`, via the built binary.

use std::io::Write;
use std::process::{Command, Stdio};

fn faultline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_faultline")).args(args).output().expect("the faultline binary runs")
}

#[test]
fn pbs_prints_a_report_and_strict_quorums_are_always_consistent() {
    let out = faultline(&[
        "quorum",
        "pbs",
        "--n",
        "3",
        "--r",
        "2",
        "--w",
        "2",
        "--latency",
        "lnkd-ssd",
        "--t-ms",
        "0,10",
        "--trials",
        "2000",
        "--seed",
        "7",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["n"], 3);
    assert_eq!(report["trials_run"], 2000);
    assert_eq!(report["closed_form"]["strict_quorum"], true);
    let curve = report["staleness_curve"].as_array().unwrap();
    assert_eq!(curve.len(), 2);
    // R + W > N: every trial is consistent at every t.
    assert!(curve.iter().all(|p| p["p_consistent"] == 1.0));

    // R = W = 1 is not: at t = 0 some reads miss the write (LNKD-SSD: about 97 % consistent).
    let out =
        faultline(&["quorum", "pbs", "--n", "3", "--r", "1", "--w", "1", "--latency", "lnkd-ssd", "--t-ms", "0", "--trials", "20000", "--seed", "7"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = report["staleness_curve"][0]["p_consistent"].as_f64().unwrap();
    assert!(p < 1.0 && p > 0.8, "{p}");
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    for (args, field) in [
        (vec!["--n", "3", "--r", "4", "--w", "1"], "r:"),
        (vec!["--n", "3", "--r", "1", "--w", "1", "--latency", "gaussian"], "latency:"),
        (vec!["--n", "3", "--r", "1", "--w", "1", "--trials", "0"], "trials:"),
    ] {
        let mut all = vec!["quorum", "pbs"];
        all.extend(args);
        let out = faultline(&all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(field), "{stderr} should name {field}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn quorum_presets_run_headless() {
    let preset = faultline(&["preset", "quorum-sloppy-surprise"]);
    assert!(preset.status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline")).args(["run", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&preset.stdout).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["widget"], "quorum");
    assert!(report["metrics"]["ops"]["reads_stale"].as_u64().unwrap() > 0);
}
