//! `faultline ring locate|stats`: published jump-hash outputs through the CLI, movement on an
//! added node, and bad input (exit 2, one line naming the field).

#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn faultline(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = faultline(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

/// dgryski/go-jump's vectors (from the reference C++ of Lamping & Veach) and Guava's golden
/// values, as integer keys (decimal and 0x-hex are taken as their own hash).
#[test]
fn locate_gives_the_published_jump_hash_buckets() {
    let cases = [
        ("0xdeadbeef", "11", 5),
        ("0xdeadbeef", "17", 16),
        ("0x0ddc0ffeebadf00d", "16", 15),
        ("1", "7", 6),
        ("10863919174838991", "11", 6),
        ("2016238256797177309", "11", 3),
        ("1673758223894951030", "11", 5),
        ("1", "100", 55),
        ("3", "100", 8),
    ];
    for (key, nodes, bucket) in cases {
        let report = json(&["ring", "locate", "--algorithm", "jump", "--nodes", nodes, "--key", key]);
        assert_eq!(report["jump_bucket"], bucket, "jump({key}, {nodes})");
        assert_eq!(report["owner"], format!("node-{bucket}"));
        assert_eq!(report["key_kind"], "raw");
    }
    // Replicas: the next buckets, distinct, owner first.
    let report = json(&["ring", "locate", "--algorithm", "jump", "--nodes", "11", "--rf", "3", "--key", "3735928559"]);
    assert_eq!(report["replicas"], serde_json::json!(["node-5", "node-6", "node-7"]));
}

#[test]
fn locate_on_a_ring_shows_the_hash_and_owning_token() {
    let report = json(&["ring", "locate", "--algorithm", "ring", "--nodes", "5", "--vnodes", "10", "--key", "user:42"]);
    assert_eq!(report["key_kind"], "text");
    // XXH3-64 (seed 0) of "user:42".
    let hash = xxhash_rust::xxh3::xxh3_64(b"user:42");
    assert_eq!(report["key_hash_hex"], format!("0x{hash:016x}"));
    let label = report["token_label"].as_str().unwrap();
    assert!(label.starts_with(report["owner"].as_str().unwrap()), "{label}");
    assert_eq!(report["replicas"].as_array().unwrap().len(), 3);
}

#[test]
fn stats_reports_balance_and_the_movement_of_an_add() {
    let report = json(&["ring", "stats", "--algorithm", "jump", "--nodes", "10", "--keys", "20000", "--add-node"]);
    let m = &report["movement"];
    let moved = m["fraction_moved"].as_f64().unwrap();
    assert!((moved - 1.0 / 11.0).abs() < 0.01, "{moved}");
    for flow in m["flows"].as_array().unwrap() {
        assert_eq!(flow["to"], "node-10");
    }
    assert_eq!(report["per_node"].as_array().unwrap().len(), 11);
    let zipf = json(&["ring", "stats", "--algorithm", "ring", "--nodes", "8", "--keys", "1000", "--workload", "zipf", "--remove-node", "node-3"]);
    assert!(zipf["request_balance"]["peak_to_mean"].as_f64().unwrap() > 1.0);
    assert_eq!(zipf["nodes"], 7);
}

#[test]
fn zipf_defaults_and_names_are_the_widgets() {
    let report = json(&["ring", "stats", "--nodes", "4", "--keys", "500", "--workload", "zipf"]);
    assert_eq!(report["workload"], serde_json::json!({"kind": "zipf", "exponent": 1.1, "requests": 100_000}));
    // The serde names and the CLI's other spellings both parse.
    for (algorithm, name) in [("HRW", "rendezvous"), ("bounded-load", "bounded_load"), ("karger", "ring")] {
        let report = json(&["ring", "stats", "--algorithm", algorithm, "--nodes", "4", "--keys", "100", "--workload", "uniform_random"]);
        assert_eq!(report["algorithm"], name);
        assert_eq!(report["workload"]["kind"], "uniform_random");
    }
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field() {
    let cases: [(&[&str], &str); 8] = [
        (&["ring", "locate", "--algorithm", "chord", "--nodes", "3", "--key", "a"], "algorithm"),
        (&["ring", "locate", "--algorithm", "jump", "--nodes", "0", "--key", "a"], "nodes"),
        (&["ring", "locate", "--algorithm", "ring", "--nodes", "three", "--key", "a"], "nodes"),
        (&["ring", "locate", "--algorithm", "ring", "--nodes", "3", "--rf", "5", "--key", "a"], "rf"),
        (&["ring", "stats", "--algorithm", "jump", "--nodes", "5", "--remove-node", "node-2"], "node"),
        (&["ring", "stats", "--nodes", "5", "--remove-node", "node-9"], "remove_node"),
        (&["ring", "stats", "--nodes", "5", "--workload", "pareto"], "workload"),
        (&["ring", "stats", "--nodes", "5", "--keys", "-4"], "keys"),
    ];
    for (args, field) in cases {
        let (code, out, err) = faultline(args);
        assert_eq!(code, 2, "{args:?} → {err}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(&format!("{field}:")), "{err} should name {field}");
    }
}

#[test]
fn ring_scenarios_run_through_faultline_run() {
    let (code, scenario, _) = faultline(&["preset", "ring-add-node"]);
    assert_eq!(code, 0);
    let path = std::env::temp_dir().join(format!("faultline-ring-{}.json", std::process::id()));
    std::fs::write(&path, &scenario).unwrap();
    let report = json(&["run", path.to_str().unwrap()]);
    assert_eq!(report["widget"], "ring");
    assert_eq!(report["metrics"]["operations"], 2);
    assert!(report["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("moved")));
}
