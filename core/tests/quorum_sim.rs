//! The message-level quorum store: hand-traced scripts with constant latencies, so every
//! expectation below can be checked with a pencil (the derivations are in the comments).

use faultline_core::engine::{ticks_from_ms, Fault, Latency, NetworkConfig, NodeId, Pattern, Simulation};
use faultline_core::headless;
use faultline_core::patterns::quorum::sim::lessons::k0_order;
use faultline_core::patterns::quorum::sim::{QuorumCommand, QuorumParams, QuorumSim, StaleCause, Verdict, Version};
use faultline_core::scenario::{scenario_from_json, Scenario, TimedCommand, TimedFault};

/// Scripted operations only, on a network where every hop takes exactly 1 ms.
fn scripted(params: QuorumParams) -> Scenario<QuorumSim> {
    let params = QuorumParams { writes_per_second: 0.0, reads_per_second: 0.0, keys: 1, ..params };
    let mut s = Scenario::new(1, 2_000.0, params);
    s.network = Some(NetworkConfig { latency: Latency::Constant { ms: 1.0 }, drop_probability: 0.0 });
    s
}

fn fault(ms: f64, fault: Fault) -> TimedFault {
    TimedFault { at_ms: ms, fault }
}

fn write(ms: f64, value: u64, via: NodeId) -> TimedCommand<QuorumSim> {
    TimedCommand { at_ms: ms, command: QuorumCommand::Write { key: "k0".into(), value, via: Some(via) } }
}

fn read(ms: f64, via: NodeId) -> TimedCommand<QuorumSim> {
    TimedCommand { at_ms: ms, command: QuorumCommand::Read { key: "k0".into(), via: Some(via) } }
}

fn start(s: &Scenario<QuorumSim>) -> Simulation<QuorumSim> {
    Simulation::start(&s.params, s.seed, s.network_config(), 64)
}

fn at(sim: &mut Simulation<QuorumSim>, s: &Scenario<QuorumSim>, ms: f64) {
    sim.run_until(ticks_from_ms(ms), &s.schedule());
}

fn labels(versions: &[Version]) -> Vec<String> {
    versions.iter().map(Version::label).collect()
}

fn one_one() -> QuorumParams {
    QuorumParams { n: 3, r: 1, w: 1, ..QuorumParams::default() }
}

/// The slow-link script. `a`, `b`, `c` are k0's replicas. Links: a→c 100 ms, c→a and c→b 5 ms,
/// all else 1 ms.
///
/// - write v7 via a at 0: Put reaches a at 1; replicate reaches a and b at 2, c at 101; a's ack
///   is back at 3: committed at 3 ms (W = 1).
/// - read via c at 10: Get reaches c at 11; c asks itself (arrives 12) and a, b (arrive 16).
///   c answers itself at 13 with nothing: with R = 1 that is the answer. Stale.
/// - b's late reply (sent 16, over b→c, 1 ms) reaches c at 17 with v7: read repair sends v7 to
///   c (c→c, 1 ms), stored at 18. a's reply crawls over a→c until 116.
fn slow_link_script(params: QuorumParams) -> Scenario<QuorumSim> {
    let mut s = scripted(params);
    let order = k0_order(&s.params);
    let (a, b, c) = (order[0], order[1], order[2]);
    let slow = |from, to, ms| fault(0.0, Fault::SlowLink { from, to, latency: Latency::Constant { ms }, both_ways: false });
    s.faults = vec![slow(a, c, 100.0), slow(c, a, 5.0), slow(c, b, 5.0)];
    s.actions = vec![write(0.0, 7, a), read(10.0, c), read(150.0, c)];
    s
}

#[test]
fn r_equals_w_equals_one_reads_stale_behind_a_slow_link() {
    let s = slow_link_script(one_one());
    let c = k0_order(&s.params)[2];
    let mut sim = start(&s);
    at(&mut sim, &s, 14.0);
    let first = sim.model().recent_reads().next().expect("the read at 10 ms was answered at 13 ms").clone();
    assert_eq!(first.verdict, Verdict::Stale);
    assert_eq!(first.cause, Some(StaleCause::PartialQuorum));
    assert_eq!(first.answered_at, ticks_from_ms(13.0));
    assert_eq!(first.returned, "—");
    assert_eq!(first.expected, "v7");
    assert_eq!(first.repliers.len(), 1);
    assert_eq!(first.repliers[0].node, c);
    assert!(!first.repliers[0].had_latest);
    assert!(first.why.contains("R + W = 2 ≤ N = 3"), "{}", first.why);
    // By 150 ms the replicate (101) and the repair (18) have both reached c.
    at(&mut sim, &s, 200.0);
    let second = sim.model().recent_reads().nth(1).expect("second read").clone();
    assert_eq!(second.verdict, Verdict::Fresh);
    assert_eq!(second.returned, "v7");
    assert_eq!(sim.model().counts().reads_stale, 1);
    assert_eq!(sim.model().counts().reads_fresh, 1);
}

#[test]
fn waiting_for_a_second_reply_makes_the_same_read_fresh() {
    // R = 2: c's empty answer (13) and b's v7 (17) merge to v7. R + W = 3 = N is still partial,
    // but this read happened to overlap the write.
    let s = slow_link_script(QuorumParams { r: 2, ..one_one() });
    let mut sim = start(&s);
    at(&mut sim, &s, 20.0);
    let first = sim.model().recent_reads().next().expect("answered at 17 ms");
    assert_eq!(first.answered_at, ticks_from_ms(17.0));
    assert_eq!(first.verdict, Verdict::Fresh);
    assert_eq!(first.returned, "v7");
}

#[test]
fn read_repair_heals_the_stale_replica_long_before_the_slow_write_arrives() {
    let c = k0_order(&one_one())[2];
    let with = slow_link_script(one_one());
    let mut sim = start(&with);
    at(&mut sim, &with, 17.5);
    assert!(sim.model().versions(c, 0).is_empty(), "the repair is sent at 17 and lands at 18");
    at(&mut sim, &with, 20.0);
    assert_eq!(labels(sim.model().versions(c, 0)), vec!["v7"]);
    assert_eq!(sim.model().metrics(sim.now()).read_repairs, 1);

    let without = slow_link_script(QuorumParams { read_repair: false, ..one_one() });
    let mut sim = start(&without);
    at(&mut sim, &without, 100.0);
    assert!(sim.model().versions(c, 0).is_empty(), "without repair c waits for the slow replicate");
    at(&mut sim, &without, 102.0);
    assert_eq!(labels(sim.model().versions(c, 0)), vec!["v7"]);
    assert_eq!(sim.model().metrics(sim.now()).read_repairs, 0);
}

#[test]
fn read_repair_converges_replicas_after_a_crash() {
    // c is down from 100 to 1000 ms while writes commit on a and b (W = 2); then writes stop and
    // only reads run. Without read repair nothing ever brings c up to date.
    let build = |read_repair: bool| {
        let mut s = Scenario::new(9, 3_000.0, QuorumParams { keys: 1, read_repair, ..QuorumParams::default() });
        let c = k0_order(&s.params)[2];
        s.faults = vec![fault(100.0, Fault::Crash { node: c }), fault(1_000.0, Fault::Restart { node: c })];
        s.actions = vec![TimedCommand { at_ms: 1_000.0, command: QuorumCommand::SetRates { writes_per_second: 0.0, reads_per_second: 20.0 } }];
        s
    };
    for (read_repair, converged_at_end) in [(true, true), (false, false)] {
        let s = build(read_repair);
        let mut sim = start(&s);
        at(&mut sim, &s, 999.0);
        assert!(sim.model().counts().writes_committed > 5);
        assert!(!sim.model().converged(0), "c missed the writes of 100..1000 ms");
        at(&mut sim, &s, 3_000.0);
        assert_eq!(sim.model().converged(0), converged_at_end, "read_repair = {read_repair}");
        assert_eq!(sim.model().counts().reads_stale, 0, "R + W > N");
    }
}

#[test]
fn hinted_handoff_delivers_after_the_owner_recovers() {
    // b (k0's second replica) is down from 0 to 300 ms. Write v9 via a at 10: Put at 11, a sends
    // to a, to d (standing in for b, with a hint) and to c; all store at 12, acks at 13.
    // d's hint timer: 12 + 200 = 212 (b down, retry) → 412: handoff reaches b at 413.
    let mut s = scripted(QuorumParams { sloppy_quorum: true, hint_retry_ms: 200.0, ..QuorumParams::default() });
    let order = k0_order(&s.params);
    let (a, b, d) = (order[0], order[1], order[3]);
    s.faults = vec![fault(0.0, Fault::Crash { node: b }), fault(300.0, Fault::Restart { node: b })];
    s.actions = vec![write(10.0, 9, a)];
    let mut sim = start(&s);
    at(&mut sim, &s, 100.0);
    let hints = sim.model().hints(d);
    assert_eq!(hints.len(), 1);
    assert_eq!(hints[0].owner, b);
    assert!(sim.model().versions(d, 0).is_empty(), "a hint is not served to reads");
    assert_eq!(sim.model().counts().writes_committed, 1);
    at(&mut sim, &s, 412.5);
    assert!(sim.model().versions(b, 0).is_empty(), "the 212 ms attempt found b down; the next is at 412");
    at(&mut sim, &s, 415.0);
    assert_eq!(labels(sim.model().versions(b, 0)), vec!["v9"]);
    assert!(sim.model().hints(d).is_empty(), "the hint is dropped once acknowledged (414 ms)");
    let m = sim.model().metrics(sim.now());
    assert_eq!((m.hints_stored, m.hints_delivered, m.hints_pending), (1, 1, 0));
}

/// Partition {b, c} away at 0; v5 via a at 10 is acked by a and by stand-ins d, e; at 20 the
/// partition moves to isolate a; a read via b at 30 asks a (unreachable), b, c: both answer
/// with nothing. Hints are handed off at 212 ms, so a read at 400 sees v5.
fn sloppy_script(sloppy_quorum: bool) -> Scenario<QuorumSim> {
    let mut s = scripted(QuorumParams { sloppy_quorum, hint_retry_ms: 200.0, ..QuorumParams::default() });
    let order = k0_order(&s.params);
    let (a, b, c) = (order[0], order[1], order[2]);
    s.faults = vec![fault(0.0, Fault::Partition { groups: vec![vec![b, c]] }), fault(20.0, Fault::Partition { groups: vec![vec![a]] })];
    s.actions = vec![write(10.0, 5, a), read(30.0, b), read(400.0, b)];
    s
}

#[test]
fn sloppy_quorum_reads_stale_even_with_r_plus_w_greater_than_n() {
    let s = sloppy_script(true);
    let order = k0_order(&s.params);
    let mut sim = start(&s);
    at(&mut sim, &s, 500.0);
    let reads: Vec<_> = sim.model().recent_reads().cloned().collect();
    assert_eq!(reads.len(), 2);
    assert_eq!(reads[0].verdict, Verdict::Stale);
    assert_eq!(reads[0].cause, Some(StaleCause::SloppyQuorum));
    assert_eq!(reads[0].expected, "v5");
    assert!(!reads[0].hinted_outside.is_empty());
    assert!(reads[0].hinted_outside.iter().all(|h| order[3..].contains(h)), "stand-ins are d and e");
    assert_eq!(reads[1].verdict, Verdict::Fresh);
    assert_eq!(reads[1].returned, "v5");
    assert_eq!(sim.model().metrics(sim.now()).hints_delivered, 2);
}

#[test]
fn without_sloppy_quorum_the_same_write_fails_instead() {
    // Only a is reachable from a at 10 ms: 1 ack < W = 2, so the write fails and nothing is
    // committed; the read at 30 is (vacuously) fresh.
    let s = sloppy_script(false);
    let mut sim = start(&s);
    at(&mut sim, &s, 500.0);
    let c = sim.model().counts();
    assert_eq!((c.writes_committed, c.writes_failed), (0, 1));
    assert_eq!((c.reads_stale, c.reads_fresh), (0, 2));
}

#[test]
fn vector_clocks_keep_concurrent_writes_and_last_write_wins_drops_one() {
    use faultline_core::patterns::quorum::sim::Versioning;
    let build = |versioning| {
        let mut s = scripted(QuorumParams { versioning, ..QuorumParams::default() });
        let order = k0_order(&s.params);
        // Two writes at the same instant through different coordinators know nothing of
        // each other; then a read, then a write through a node that has seen both.
        s.actions = vec![write(10.0, 1, order[0]), write(10.0, 2, order[1]), read(50.0, order[2]), write(100.0, 3, order[2]), read(150.0, order[0])];
        s
    };
    let s = build(Versioning::VectorClock);
    let mut sim = start(&s);
    at(&mut sim, &s, 200.0);
    let reads: Vec<_> = sim.model().recent_reads().cloned().collect();
    assert_eq!(reads[0].returned, "v1 | v2");
    assert_eq!(reads[1].returned, "v3");
    assert!(reads.iter().all(|r| r.verdict == Verdict::Fresh));

    let s = build(Versioning::LastWriteWins);
    let mut sim = start(&s);
    at(&mut sim, &s, 200.0);
    let first = sim.model().recent_reads().next().unwrap().returned.clone();
    // Same timestamp (11 ms): the higher coordinator id wins the tie.
    let order = k0_order(&s.params);
    let winner = if order[0] > order[1] { "v1" } else { "v2" };
    assert_eq!(first, winner);
}

#[test]
fn same_scenario_same_trace_hash() {
    for (name, scenario) in QuorumSim::presets() {
        let a = headless::run(&scenario, None).unwrap();
        let b = headless::run(&scenario, None).unwrap();
        assert_eq!(a.trace_hash, b.trace_hash, "{name}");
        assert_eq!(a.events, b.events, "{name}");
        assert!(a.events > 50, "{name} should generate traffic");
        let mut other = scenario.clone();
        other.seed += 1000;
        if scenario.params.writes_per_second > 0.0 {
            assert_ne!(headless::run(&other, None).unwrap().trace_hash, a.trace_hash, "{name}");
        }
    }
}

#[test]
fn presets_teach_what_their_titles_say() {
    let metrics = |name: &str| {
        let (_, s) = QuorumSim::presets().into_iter().find(|(n, _)| *n == name).unwrap();
        let report = headless::run(&s, None).unwrap();
        report.metrics
    };
    let stale = |m: &serde_json::Value| m["ops"]["reads_stale"].as_u64().unwrap();
    assert_eq!(stale(&metrics("quorum-strict")), 0);
    assert!(stale(&metrics("quorum-one-slow-link")) > 0);
    assert!(stale(&metrics("quorum-sloppy-surprise")) > 0);
    assert!(stale(&metrics("quorum-two-of-five")) > 0);
    let repair = metrics("quorum-read-repair");
    assert_eq!(repair["divergent_keys"], 0);
    assert!(repair["read_repairs"].as_u64().unwrap() > 0);
    assert!(metrics("quorum-all-writes")["ops"]["writes_failed"].as_u64().unwrap() > 0);
    let any = metrics("quorum-any");
    assert!(any["hints_delivered"].as_u64().unwrap() > 0);
    assert_eq!(any["ops"]["writes_failed"], 0);
}

#[test]
fn validation_names_the_field() {
    let bad = |params: &str, actions: &str| {
        let text = format!(r#"{{"widget":"quorum","version":1,"seed":1,"duration_ms":1000,"params":{params},"actions":{actions}}}"#);
        scenario_from_json::<QuorumSim>(&text).unwrap_err().field
    };
    assert_eq!(bad(r#"{"replicas":2}"#, "[]"), "params.replicas");
    assert_eq!(bad(r#"{"n":3,"r":4}"#, "[]"), "params.r");
    assert_eq!(bad(r#"{"n":3,"w":0}"#, "[]"), "params.w");
    assert_eq!(bad(r#"{"replicas":4,"n":5}"#, "[]"), "params.n");
    assert_eq!(bad(r#"{"latency_model":"gaussian"}"#, "[]"), "params.latency_model");
    assert_eq!(bad(r#"{"coordinator":{"kind":"fixed","node":7}}"#, "[]"), "params.coordinator.node");
    assert_eq!(bad(r#"{"timeout_ms":-1}"#, "[]"), "params.timeout_ms");
    assert_eq!(bad(r#"{"quorum":2}"#, "[]"), "params.quorum");
    assert_eq!(bad("{}", r#"[{"at_ms":1,"command":{"kind":"read","key":"k9"}}]"#), "actions[0].command.key");
    assert_eq!(bad("{}", r#"[{"at_ms":1,"command":{"kind":"write","key":"k0","value":1,"via":5}}]"#), "actions[0].command.via");
    assert_eq!(
        bad("{}", r#"[{"at_ms":1,"command":{"kind":"set_rates","writes_per_second":-1,"reads_per_second":1}}]"#),
        "actions[0].command.writes_per_second"
    );
}

#[test]
fn a_probe_reads_exactly_t_ms_after_its_write_commits() {
    use faultline_core::engine::TraceEvent;
    use faultline_core::patterns::quorum::sim::QuorumEvent;
    let mut s = scripted(QuorumParams { n: 3, r: 2, w: 2, ..QuorumParams::default() });
    s.actions = vec![TimedCommand { at_ms: 5.0, command: QuorumCommand::Probe { key: "k0".into(), value: 9, t_ms: 20.0 } }];
    let mut sim = start(&s);
    at(&mut sim, &s, 200.0);
    let committed_at = sim
        .trace()
        .recent()
        .find_map(|e| matches!(&e.event, TraceEvent::Pattern(QuorumEvent::WriteCommitted { value: 9, .. })).then_some(e.at))
        .expect("the probe's write committed");
    let read = sim.model().recent_reads().next().expect("the probe's read was answered");
    assert_eq!(read.started_at, committed_at + ticks_from_ms(20.0));
    assert_eq!(read.verdict, Verdict::Fresh, "R + W > N");
    assert_eq!(read.returned, "v9");

    let bad = QuorumSim::validate_command(&s.params, &QuorumCommand::Probe { key: "k0".into(), value: 1, t_ms: -1.0 }).unwrap_err();
    assert_eq!(bad.field, "t_ms");
}

#[test]
fn hint_bookkeeping_grows_with_the_hint_traffic_not_with_the_pending_hints() {
    // Node 0 is down for 60 s under 1000 writes/s with sloppy quorum: every write whose
    // replicas include node 0 leaves a hint for it, ~45k in all. Every write is a distinct
    // version, so the hints themselves are not bounded by owners × keys (a hint is dropped only
    // as a duplicate of the *same* version). What must not grow with them is the work per
    // hint: storing one compares only hints of the same write, and a retry visits only hints
    // for reachable owners (rescanning the whole list on both made the run quadratic). Node 0
    // then restarts and everything is handed off, each hint visited a bounded number of times.
    let params = QuorumParams { sloppy_quorum: true, writes_per_second: 1000.0, ..QuorumParams::default() };
    let replicas = params.replicas;
    let mut s = Scenario::new(1, 66_000.0, params);
    s.faults = vec![fault(0.0, Fault::Crash { node: 0 }), fault(60_001.0, Fault::Restart { node: 0 })];
    let mut sim = start(&s);
    at(&mut sim, &s, 60_000.0);
    let m = sim.model().metrics(sim.now());
    assert!(m.hints_pending > 10_000, "one hint per write for node 0: {}", m.hints_pending);
    assert_eq!((m.hints_stored, m.hints_delivered), (m.hints_pending, 0));
    let held: usize = (0..replicas).map(|n| sim.model().hints(n).len()).sum();
    assert_eq!(held as u64, m.hints_pending);
    assert!((0..replicas).all(|n| sim.model().hints(n).iter().all(|h| h.owner == 0)), "only node 0 was ever unreachable");
    assert_eq!(sim.model().hints_examined(), 0, "no duplicate candidates, and retries skip the unreachable owner");

    at(&mut sim, &s, 66_000.0);
    let m = sim.model().metrics(sim.now());
    assert_eq!(m.hints_pending, 0, "all handed off after the restart");
    assert_eq!(m.hints_delivered, m.hints_stored);
    assert!((0..replicas).all(|n| sim.model().hints(n).is_empty()));
    let examined = sim.model().hints_examined();
    assert!(
        examined <= 3 * m.hints_stored,
        "each hint is visited by a few handoff attempts and its ack, not once per pending hint: {examined} for {} hints",
        m.hints_stored
    );
}

/// Issue 9, defect 12: a fresh read that returned another value than "latest committed" (a
/// write still on its way, or one that failed at W = ALL yet reached replicas) says so, in
/// every preset and in a busy run where such reads must occur.
#[test]
fn a_fresh_read_of_an_uncommitted_write_says_why_it_shows_another_value() {
    let mut scenarios: Vec<Scenario<QuorumSim>> = QuorumSim::presets().into_iter().map(|(_, s)| s).collect();
    // Writes and reads of one key at a high rate: reads overlap writes in flight.
    let busy = QuorumParams { keys: 1, writes_per_second: 200.0, reads_per_second: 200.0, ..QuorumParams::default() };
    scenarios.push(Scenario::new(5, 3_000.0, busy));
    let mut newer = 0;
    for s in &scenarios {
        let mut sim = start(s);
        let schedule = s.schedule();
        // Read the table as the page does: at many cursors, so each read is seen while recent.
        for step in 1..=60 {
            sim.run_until(s.duration() * step / 60, &schedule);
            for r in sim.model().recent_reads().filter(|r| r.verdict == Verdict::Fresh && r.returned != r.expected) {
                newer += 1;
                assert!(
                    r.why.contains("had not committed when the read started"),
                    "read {} returned {} vs {}: {}",
                    r.op,
                    r.returned,
                    r.expected,
                    r.why
                );
            }
        }
    }
    assert!(newer > 0, "the busy run reads writes before they commit");
}

/// The slow-link lesson stops at its first stale read, and the caption quotes it: the read that
/// answered just before that moment returned v31 while v38 was committed, and none before it
/// was stale.
#[test]
fn the_slow_link_lesson_stops_at_its_first_stale_read_and_quotes_it() {
    use faultline_core::player::Player;
    let (_, lesson) = QuorumSim::presets().into_iter().find(|(name, _)| *name == "quorum-one-slow-link").expect("the lesson");
    let moment = lesson.moments.iter().find(|m| m.caption.contains("first stale read")).expect("a moment at the first stale read").clone();
    let mut player = Player::new(lesson, 0).unwrap();
    player.seek(ticks_from_ms(moment.at_ms));
    let reads: Vec<_> = player.model().recent_reads().collect();
    let stale: Vec<_> = reads.iter().filter(|r| r.verdict == Verdict::Stale).collect();
    assert_eq!(stale.len(), 1, "the moment is the first stale read");
    let first = stale[0];
    assert!(ticks_from_ms(moment.at_ms) - first.answered_at < ticks_from_ms(1.0), "and within a millisecond of it");
    assert!(moment.caption.contains(&format!("answers with {} while {} is already committed", first.returned, first.expected)), "{}", moment.caption);
}
