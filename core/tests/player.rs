//! The player: rewinding gives the state the run had, forks are reproducible from the scenario.

mod support;

use faultline_core::engine::{Fault, Latency, NetworkConfig, TICKS_PER_MS};
use faultline_core::player::Player;
use faultline_core::scenario::{scenario_from_json, scenario_to_json, Scenario, TimedCommand};
use proptest::prelude::*;
use support::{Gossip, GossipCommand, GossipParams};

fn scenario(seed: u64) -> Scenario<Gossip> {
    let mut s = Scenario::new(seed, 1_000.0, GossipParams::default());
    s.network = Some(NetworkConfig { latency: Latency::Uniform { min_ms: 1.0, max_ms: 9.0 }, drop_probability: 0.05 });
    s.actions.push(TimedCommand { at_ms: 5.0, command: GossipCommand::Start { node: 0, rumour: 1 } });
    s
}

/// Players that keep every typed entry, so a fingerprint covers the whole run.
const ALL: usize = usize::MAX;

/// The cursor, XXH3-64 of the JSON lines of every event so far (the trace hash a headless run
/// would report), and the event count. A player makes no hash itself, so it must keep all.
fn fingerprint(p: &Player<Gossip>) -> (u64, String, u64) {
    let trace = p.sim().trace();
    assert_eq!(trace.recent().len() as u64, trace.count(), "the fingerprint needs a player that keeps every entry");
    let lines: String = trace.recent().map(|e| e.json_line() + "\n").collect();
    (p.now(), format!("{:016x}", xxhash_rust::xxh3::xxh3_64(lines.as_bytes())), trace.count())
}

#[test]
fn seeking_back_reproduces_the_state_of_the_first_pass() {
    let mut p = Player::new(scenario(3), ALL).unwrap();
    p.seek(300 * TICKS_PER_MS);
    let at_300 = fingerprint(&p);
    p.seek(900 * TICKS_PER_MS);
    p.seek(300 * TICKS_PER_MS);
    assert_eq!(fingerprint(&p), at_300);
    p.seek(0);
    assert_eq!(p.sim().trace().count(), 0);
}

#[test]
fn an_action_at_time_zero_is_in_force_when_the_link_is_opened() {
    let mut p = Player::new(scenario(3), ALL).unwrap();
    p.issue(GossipCommand::Start { node: 6, rumour: 3 }).unwrap();
    let live = fingerprint(&p);
    assert_eq!(live.0, 0);
    assert!(live.2 > 0, "the command was applied at once");
    let json = scenario_to_json(&p.scenario(), false);
    let replayed = Player::new(scenario_from_json::<Gossip>(&json).unwrap(), ALL).unwrap();
    assert_eq!(fingerprint(&replayed), live);
}

#[test]
fn a_player_makes_no_trace_hash_and_keeps_only_its_recent_entries() {
    let mut p = Player::new(scenario(3), 64).unwrap();
    p.seek(600 * TICKS_PER_MS);
    let trace = p.sim().trace();
    assert_eq!(trace.hash_hex(), None, "the browser never hashes");
    assert!(trace.count() > 64);
    assert_eq!(trace.recent().len(), 64);
    let mut all = Player::new(scenario(3), ALL).unwrap();
    all.seek(600 * TICKS_PER_MS);
    assert_eq!(all.sim().trace().count(), trace.count());
    let last = |p: &Player<Gossip>| p.sim().trace().recent().rev().take(64).map(|e| e.json_line()).collect::<Vec<_>>();
    assert_eq!(last(&p), last(&all));
    assert_eq!(p.sim().metrics(), all.sim().metrics());
    assert_eq!(p.step_back_target(), all.step_back_target());
}

#[test]
fn seek_clamps_to_the_timeline() {
    let mut p = Player::new(scenario(3), ALL).unwrap();
    p.seek(u64::MAX);
    assert_eq!(p.now(), p.duration());
    assert!(p.at_end());
}

#[test]
fn step_moves_to_the_next_event_and_back() {
    let mut p = Player::new(scenario(3), ALL).unwrap();
    p.step();
    assert_eq!(p.now(), 5 * TICKS_PER_MS, "the first thing that happens is the scripted start");
    let first = fingerprint(&p);
    p.step();
    assert!(p.now() > 5 * TICKS_PER_MS);
    p.step_back();
    assert_eq!(fingerprint(&p), first);
}

#[test]
fn a_fork_is_reproduced_by_its_permalink_scenario() {
    let mut p = Player::new(scenario(11), ALL).unwrap();
    p.seek(200 * TICKS_PER_MS);
    p.inject(Fault::Crash { node: 2 }).unwrap();
    p.seek(350 * TICKS_PER_MS);
    p.issue(GossipCommand::Start { node: 4, rumour: 2 }).unwrap();
    p.seek(700 * TICKS_PER_MS);
    let live = fingerprint(&p);

    // What a copied link carries: the scenario with both user actions and the cursor.
    let json = scenario_to_json(&p.scenario(), false);
    let replayed = Player::new(scenario_from_json::<Gossip>(&json).unwrap(), ALL).unwrap();
    assert_eq!(fingerprint(&replayed), live);

    // And rewinding across the fork replays the fork too.
    p.seek(100 * TICKS_PER_MS);
    p.seek(700 * TICKS_PER_MS);
    assert_eq!(fingerprint(&p), live);
}

#[test]
fn a_command_then_a_fault_at_the_same_instant_replay_in_the_links_order() {
    let mut p = Player::new(scenario(12), ALL).unwrap();
    p.seek(200 * TICKS_PER_MS);
    p.issue(GossipCommand::Start { node: 3, rumour: 2 }).unwrap();
    // Same instant: the crash wipes node 3's memory. The scenario lists faults before
    // commands at one time, so the live run must too.
    p.inject(Fault::Crash { node: 3 }).unwrap();
    p.seek(600 * TICKS_PER_MS);
    let live = fingerprint(&p);
    let json = scenario_to_json(&p.scenario(), false);
    let replayed = Player::new(scenario_from_json::<Gossip>(&json).unwrap(), ALL).unwrap();
    assert_eq!(fingerprint(&replayed), live);
    p.seek(0);
    p.seek(600 * TICKS_PER_MS);
    assert_eq!(fingerprint(&p), live);
}

#[test]
fn invalid_user_input_is_refused_with_the_field() {
    let mut p = Player::new(scenario(1), ALL).unwrap();
    let e = p.issue(GossipCommand::Start { node: 99, rumour: 1 }).unwrap_err();
    assert_eq!(e.field, "node");
    let e = p.inject(Fault::Crash { node: 99 }).unwrap_err();
    assert_eq!(e.field, "node");
    assert!(p.scenario().actions.len() == 1 && p.scenario().faults.is_empty(), "nothing was recorded");
}

#[test]
fn chart_samples_cover_the_run_and_survive_rewinds() {
    let mut p = Player::new(scenario(4), ALL).unwrap();
    p.seek(800 * TICKS_PER_MS);
    let straight = p.samples().to_vec();
    assert_eq!(straight.len(), 321, "one sample every 2.5 ms from 0 to 800 ms");
    assert_eq!(straight[0].values, vec![0.0]);
    assert_eq!(straight.last().unwrap().values, vec![8.0], "everyone knows by 800 ms");
    assert!(straight.windows(2).all(|w| w[0].values[0] <= w[1].values[0]), "knowledge only grows without crashes");
    p.seek(100 * TICKS_PER_MS);
    assert!(p.samples().iter().all(|s| s.at <= 100 * TICKS_PER_MS));
    p.seek(800 * TICKS_PER_MS);
    assert_eq!(p.samples(), &straight[..]);
}

#[test]
fn a_seek_spread_over_small_budgets_passes_through_real_states_and_ends_where_a_straight_seek_does() {
    let target = 900 * TICKS_PER_MS;
    let mut straight = Player::new(scenario(8), ALL).unwrap();
    straight.seek(target);
    let mut sliced = Player::new(scenario(8), ALL).unwrap();
    let mut slices = 0;
    while !sliced.seek_within(target, 25) {
        slices += 1;
        // Every partial stop is the state a straight run has at that time.
        let mut check = Player::new(scenario(8), ALL).unwrap();
        check.seek(sliced.now());
        assert_eq!(fingerprint(&check), fingerprint(&sliced));
        assert!(sliced.now() < target);
    }
    assert!(slices > 3, "the budget really split the work ({slices} slices)");
    assert_eq!(fingerprint(&sliced), fingerprint(&straight));
    assert_eq!(sliced.samples(), straight.samples());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any order of seeks lands on the same state as a straight run to the last target.
    #[test]
    fn any_seek_sequence_matches_a_straight_run(seed in 0u64..1000, targets in proptest::collection::vec(0u64..1_000, 1..8)) {
        let mut wandering = Player::new(scenario(seed), ALL).unwrap();
        // And one with a short memory, like the page's: the same count and the same tail.
        let mut forgetful = Player::new(scenario(seed), 8).unwrap();
        for ms in &targets {
            wandering.seek(ms * TICKS_PER_MS);
            forgetful.seek(ms * TICKS_PER_MS);
        }
        let mut straight = Player::new(scenario(seed), ALL).unwrap();
        straight.seek(targets.last().unwrap() * TICKS_PER_MS);
        prop_assert_eq!(fingerprint(&wandering), fingerprint(&straight));
        prop_assert_eq!(forgetful.sim().trace().count(), straight.sim().trace().count());
        let tail = |p: &Player<Gossip>| p.sim().trace().recent().rev().take(8).map(|e| e.json_line()).collect::<Vec<_>>();
        prop_assert_eq!(tail(&forgetful), tail(&straight));
    }
}
