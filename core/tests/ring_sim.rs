//! The ring widget on the engine: scripted changes move the expected keys, runs reproduce from
//! their scenario, bad input names its field, and the comparison agrees with `stats`.

use faultline_core::engine::{TraceEvent, TICKS_PER_MS};
use faultline_core::headless;
use faultline_core::patterns::ring::compare;
use faultline_core::patterns::ring::movement::RingOperation;
use faultline_core::patterns::ring::node::NodeId;
use faultline_core::patterns::ring::params::{Algorithm, RingParams};
use faultline_core::patterns::ring::sim::{RingCommand, RingEvent, RingSim};
use faultline_core::patterns::ring::stats_run::stats;
use faultline_core::patterns::ring::workload::Workload;
use faultline_core::player::Player;
use faultline_core::scenario::{decode_permalink, encode_permalink, scenario_from_json, scenario_to_json, Scenario, TimedCommand};

fn params(algorithm: Algorithm, nodes: u32, vnodes: u32, keys: u64) -> RingParams {
    RingParams { algorithm, nodes, vnodes, keys, ..RingParams::default() }
}

fn scenario(p: RingParams, actions: Vec<(f64, RingCommand)>) -> Scenario<RingSim> {
    let mut s = Scenario::new(1, 10_000.0, p);
    s.actions = actions.into_iter().map(|(at_ms, command)| TimedCommand { at_ms, command }).collect();
    s
}

fn ring_events(p: &Player<RingSim>) -> Vec<RingEvent> {
    p.sim()
        .trace()
        .recent()
        .filter_map(|e| match &e.event {
            TraceEvent::Pattern(ev) => Some(ev.clone()),
            _ => None,
        })
        .collect()
}

/// XXH3-64 of the JSON lines of a player that kept every entry: the run's trace hash.
fn retained_hash(p: &Player<RingSim>) -> String {
    let trace = p.sim().trace();
    assert_eq!(trace.recent().len() as u64, trace.count(), "the player kept every entry");
    assert_eq!(trace.hash_hex(), None, "a player never hashes");
    let lines: String = trace.recent().map(|e| e.json_line() + "\n").collect();
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(lines.as_bytes()))
}

#[test]
fn adding_a_node_moves_keys_only_to_it_about_one_in_n_plus_one() {
    let mut player = Player::new(scenario(params(Algorithm::Ring, 10, 100, 10_000), vec![]), 1_000).unwrap();
    player.seek(1_000 * TICKS_PER_MS);
    let before: Vec<NodeId> = player.model().owners().to_vec();
    player.issue(RingCommand::AddNode { weight: None }).unwrap();
    let sim = player.model();
    let new = NodeId(10);
    assert!(sim.nodes().contains(new));
    let mut moved = 0;
    for (i, (&b, &a)) in before.iter().zip(sim.owners()).enumerate() {
        if a != b {
            moved += 1;
            assert_eq!(a, new, "key {i} moved from {b:?} to {a:?}, not to the new node");
            assert!(sim.moved(i));
        }
    }
    let m = sim.last_movement().unwrap();
    assert_eq!(m.moved, moved);
    assert!(m.only_changed_node);
    assert!((m.ideal_fraction - 1.0 / 11.0).abs() < 1e-12);
    // 100 vnodes: the new node's share has a relative spread of about 1/√100 = 10%;
    // 35% is more than three of those.
    assert!((m.fraction_moved - m.ideal_fraction).abs() < 0.35 * m.ideal_fraction, "moved {} vs ideal {}", m.fraction_moved, m.ideal_fraction);
    // hash mod N would move about N/(N+1) of the keys.
    assert!(m.modulo_fraction.unwrap() > 0.85);
    match ring_events(&player).last().unwrap() {
        RingEvent::KeysMoved { movement, .. } => assert_eq!(movement.moved, moved),
        other => panic!("expected KeysMoved, got {other:?}"),
    }
}

#[test]
fn removing_a_node_moves_exactly_its_keys() {
    let s = scenario(params(Algorithm::Ring, 10, 100, 10_000), vec![(2_000.0, RingCommand::RemoveNode { node: 3 })]);
    let mut player = Player::new(s, 1_000).unwrap();
    player.seek(1_000 * TICKS_PER_MS);
    let held = player.model().keys_on(NodeId(3));
    player.seek(3_000 * TICKS_PER_MS);
    let sim = player.model();
    assert!(!sim.nodes().contains(NodeId(3)));
    let m = sim.last_movement().unwrap();
    assert_eq!(m.moved, held);
    assert!(m.only_changed_node);
    // Seeking back before the removal restores the node.
    player.seek(1_000 * TICKS_PER_MS);
    assert!(player.model().nodes().contains(NodeId(3)));
    assert!(player.model().last_movement().is_none());
}

#[test]
fn jump_moves_the_ideal_fraction_and_refuses_to_remove_a_middle_bucket() {
    let s = scenario(
        params(Algorithm::Jump, 10, 1, 20_000),
        vec![(1_000.0, RingCommand::AddNode { weight: None }), (2_000.0, RingCommand::RemoveNode { node: 3 })],
    );
    let mut player = Player::new(s, 1_000).unwrap();
    player.seek(1_500 * TICKS_PER_MS);
    let m = player.model().last_movement().unwrap().clone();
    // Binomial spread sqrt(p(1-p)/n) ≈ 0.002 for 20 000 keys: 0.01 is five of them.
    assert!((m.fraction_moved - 1.0 / 11.0).abs() < 0.01, "{}", m.fraction_moved);
    assert!(m.only_changed_node);
    player.seek(2_500 * TICKS_PER_MS);
    assert!(player.model().nodes().contains(NodeId(3)));
    match ring_events(&player).last().unwrap() {
        RingEvent::Refused { field, reason } => {
            assert_eq!(field, "node");
            assert!(reason.contains("last bucket"), "{reason}");
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    assert!(player.model().last_refusal().is_some());
}

#[test]
fn a_forked_run_reproduces_from_its_scenario_json() {
    let mut player = Player::new(scenario(params(Algorithm::Maglev, 6, 1, 3_000), vec![]), usize::MAX).unwrap();
    player.seek(1_000 * TICKS_PER_MS);
    player.issue(RingCommand::AddNode { weight: None }).unwrap();
    player.seek(4_000 * TICKS_PER_MS);
    player.issue(RingCommand::RemoveNode { node: 2 }).unwrap();
    player.seek(u64::MAX);
    // The player makes no hash; it kept every typed entry, whose lines hash like a headless run.
    let hash = retained_hash(&player);
    let json = scenario_to_json(&player.scenario(), false);
    let back: Scenario<RingSim> = scenario_from_json(&json).unwrap();
    assert_eq!(back.actions.len(), 2);
    let mut plain = back.clone();
    plain.cursor_ms = None;
    let report = headless::run(&plain, None).unwrap();
    assert_eq!(report.trace_hash, hash);
    // And through the registry, as `faultline run` does.
    let report = headless::run_json(&scenario_to_json(&plain, true), None).unwrap();
    assert_eq!(report.trace_hash, hash);
    assert_eq!(report.widget, "ring");
    // A permalink (with the cursor) puts a new player at the same moment of the same run.
    let link = encode_permalink(&json);
    let shared: Scenario<RingSim> = scenario_from_json(&decode_permalink(&link).unwrap()).unwrap();
    let mut again = Player::new(shared, usize::MAX).unwrap();
    assert_eq!(again.now(), player.now());
    assert_eq!(again.model().owners(), player.model().owners());
    again.seek(u64::MAX);
    assert_eq!(retained_hash(&again), hash);
}

#[test]
fn validation_errors_name_the_field() {
    let bad = |json: &str| scenario_from_json::<RingSim>(json).unwrap_err().field;
    let head = r#""widget":"ring","version":1,"seed":1,"duration_ms":1000"#;
    assert_eq!(bad(&format!(r#"{{{head},"params":{{"nodes":0}}}}"#)), "params.nodes");
    assert_eq!(bad(&format!(r#"{{{head},"params":{{"nodes":4,"replication_factor":9}}}}"#)), "params.replication_factor");
    assert_eq!(bad(&format!(r#"{{{head},"params":{{"algorithm":"chord"}}}}"#)), "params.algorithm");
    assert_eq!(bad(&format!(r#"{{{head},"params":{{"nodes":1000}}}}"#)), "params.nodes");
    assert_eq!(bad(&format!(r#"{{{head},"params":{{"colour":1}}}}"#)), "params.colour");
    assert_eq!(
        bad(&format!(r#"{{{head},"actions":[{{"at_ms":5,"command":{{"kind":"set_weight","node":1,"weight":0}}}}]}}"#)),
        "actions[0].command.weight"
    );
    assert_eq!(
        bad(&format!(r#"{{{head},"params":{{"algorithm":"jump"}},"actions":[{{"at_ms":5,"command":{{"kind":"add_node","weight":3}}}}]}}"#)),
        "actions[0].command.weight"
    );
}

#[test]
fn the_comparison_agrees_with_stats_and_with_the_widget() {
    let p = params(Algorithm::Ring, 8, 50, 5_000);
    let c = compare(&p).unwrap();
    assert_eq!(c.rows.len(), 6);
    for row in &c.rows {
        let Some(algorithm) = row.algorithm else {
            assert_eq!(row.label, "modulo");
            assert!(row.add_fraction > 0.8, "modulo moves most keys: {}", row.add_fraction);
            continue;
        };
        let q = RingParams { algorithm, ..p.clone() };
        let now = stats(&q, None).unwrap();
        assert_eq!(row.peak_to_mean, now.key_balance.peak_to_mean, "{}", row.label);
        assert_eq!(row.cv, now.key_balance.cv);
        let add = stats(&q, Some(RingOperation::AddNode { weight: None })).unwrap();
        assert_eq!(row.add_fraction, add.movement.as_ref().unwrap().fraction_moved);
        let remove = stats(&q, Some(RingOperation::RemoveNode { node: "node-7".into() })).unwrap();
        assert_eq!(row.remove_fraction, remove.movement.unwrap().fraction_moved);
        // The widget, driven through the engine, moves the same keys as `stats`.
        let mut player = Player::new(scenario(q.clone(), vec![(1.0, RingCommand::AddNode { weight: None })]), 100).unwrap();
        player.seek(u64::MAX);
        let m = player.model().last_movement().unwrap();
        assert_eq!(m.moved, add.movement.unwrap().moved, "{}", row.label);
        assert_eq!(player.model().key_balance(), add.key_balance, "{}", row.label);
    }
    assert!((c.ideal_add - 1.0 / 9.0).abs() < 1e-12);
}

#[test]
fn bounded_loads_cap_hot_key_requests() {
    let zipf = Workload::Zipf { exponent: 1.1, requests: 100_000 };
    let ring = RingParams { workload: zipf.clone(), ..params(Algorithm::Ring, 10, 100, 5_000) };
    let bounded = RingParams { workload: zipf, algorithm: Algorithm::BoundedLoad, load_factor_c: 1.25, ..ring.clone() };
    let peak = |p: RingParams| {
        let player = Player::new(scenario(p, vec![]), 10).unwrap();
        (player.model().request_balance(), player.model().key_balance())
    };
    let (ring_requests, _) = peak(ring);
    let (bounded_requests, bounded_keys) = peak(bounded);
    assert!(ring_requests.peak_to_mean > 1.4, "hot keys overload a plain ring: {}", ring_requests.peak_to_mean);
    assert!(bounded_requests.peak_to_mean <= 1.25 + 1e-3, "{}", bounded_requests.peak_to_mean);
    assert!(bounded_keys.peak_to_mean <= 1.25 + 1e-2, "{}", bounded_keys.peak_to_mean);
}

#[test]
fn every_preset_runs_and_says_something() {
    for (name, s) in <RingSim as faultline_core::engine::Pattern>::presets() {
        assert!(!s.title.is_empty(), "{name}");
        s.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = headless::run(&s, None).unwrap();
        assert!(report.events > 0, "{name}");
        assert!(!report.notes.is_empty(), "{name}");
    }
}
