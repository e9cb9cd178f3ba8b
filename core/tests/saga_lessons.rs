//! Each saga lesson shows what its title promises: the history, the outcome and the invariant
//! that breaks (or holds) at the end of its run.

#![cfg(feature = "saga")]

use faultline_core::headless::{preset_json, run_json};
use serde_json::Value;

fn metrics(preset: &str) -> Value {
    run_json(&preset_json(preset).unwrap(), None).unwrap().metrics
}

fn rules(m: &Value) -> Vec<&str> {
    m["violations"].as_array().unwrap().iter().map(|v| v["rule"].as_str().unwrap()).collect()
}

#[test]
fn every_lesson_ends_as_its_title_says() {
    let expect: &[(&str, &str, Option<&str>, &[&str])] = &[
        ("saga-failed-step", "rolled back", Some("T1 T2 T3✗ C1"), &[]),
        ("saga-reverse-order", "rolled back", Some("T1 T2 T3✗ C2 C1"), &[]),
        ("saga-parallel-compensation", "rolled back", None, &[]),
        ("saga-after-pivot", "completed", Some("T1 T2 T3 T4 T5 T6"), &[]),
        ("saga-no-pivot-rule", "rolled back", Some("T1 T2 T3 T4 T5✗ C3 C1"), &["left_in_effect"]),
        ("saga-compensation-fails", "failed", Some("T1 T2✗ C1✗"), &["left_in_effect", "conservation"]),
        ("saga-choreography", "rolled back", Some("T1 T2 T3✗ C2 C1"), &[]),
        ("saga-partition", "failed", Some("T1 T2✗ C1✗"), &["left_in_effect", "conservation"]),
        ("saga-double-charge", "completed", Some("T1 T2 T3 T4 T5 T6"), &["exactly_once"]),
        ("saga-orchestrator-crash", "completed", Some("T1 T2 T3 T4 T5 T6"), &[]),
        ("saga-cancel-race", "completed", Some("T1 T2 T3 T4 T5 T6"), &["isolation"]),
        ("saga-semantic-lock", "completed", Some("T1 T2 T3 T4 T5 T6"), &[]),
        // Two transfers race: each balance loses one of its two updates (both legs), and the
        // ledger of what the sagas did disagrees with both cells.
        ("saga-lost-update", "completed", Some("T1 T2"), &["lost_update", "lost_update", "conservation", "conservation"]),
        ("saga-version-check", "completed", Some("T1 T2"), &[]),
        ("saga-semantic-lock-race", "completed", Some("T1 T2"), &[]),
        ("saga-dirty-read", "rolled back", Some("T1 T2✗ C1"), &["dirty_read"]),
        ("saga-broker-redelivery", "completed", Some("T1 T2"), &[]),
        (
            "saga-last-car",
            "completed",
            Some("T1 T2 T3 T4"),
            &[
                // seats, rooms, the car, the merchant and the traveller each lose one update, and
                // each disagrees with the ledger.
                "lost_update",
                "lost_update",
                "lost_update",
                "lost_update",
                "lost_update",
                "conservation",
                "conservation",
                "conservation",
                "conservation",
                "conservation",
            ],
        ),
    ];
    for (preset, outcome, history, broken) in expect {
        let m = metrics(preset);
        assert_eq!(m["outcome"], *outcome, "{preset}");
        if let Some(h) = history {
            assert_eq!(m["final_history"], *h, "{preset}");
        }
        assert_eq!(rules(&m), *broken, "{preset}: {:?}", m["violations"]);
    }
    let m = metrics("saga-after-pivot");
    assert_eq!(m["history"].as_str().unwrap().matches("T5↻").count(), 3, "forward recovery retried T5 three times");
    let m = metrics("saga-parallel-compensation");
    let mut comps: Vec<&str> = m["final_history"].as_str().unwrap().split(' ').filter(|t| t.starts_with('C')).collect();
    faultline_core::order::sort(&mut comps);
    assert_eq!(comps, vec!["C1", "C2"]);
    let m = metrics("saga-partition");
    assert!(m["violations"][0]["why"].as_str().unwrap().contains("partition between the orchestrator and BankA outlasted its retries"));
    let m = metrics("saga-orchestrator-crash");
    assert_eq!(m["deduplicated"], 1, "the resend after recovery was answered from the idempotency table");

    for preset in ["saga-lost-update", "saga-version-check", "saga-semantic-lock-race", "saga-dirty-read"] {
        let m = metrics(preset);
        let second = &m["sagas"][1];
        assert_eq!(second["saga"], 2, "{preset}: two sagas in flight");
        let cells: Vec<i64> = m["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["cells"].as_object().unwrap().values().next().unwrap().as_i64().unwrap())
            .collect();
        // Alice 100, Bob 20, transfers of 30: both count (40, 80); one lost (70, 50); one rolled back (70, 50).
        let expect = match preset {
            "saga-lost-update" | "saga-dirty-read" => [70, 50],
            _ => [40, 80],
        };
        assert_eq!(cells, expect, "{preset}");
    }
}
