//! Preset scenarios for the quorum widget, named after Cassandra's consistency levels: the
//! classic lessons one click away.

use super::level::ConsistencyLevel::{self, All, Any, One, Quorum, Two};
use super::messages::QuorumCommand;
use super::params::{Coordinator, QuorumParams};
use super::placement::preference_lists;
use super::simulation::QuorumSim;
use super::version::Versioning;
use crate::engine::{Fault, Latency, NodeId};
use crate::scenario::{Answer, Challenge, Criterion, Question, Scenario, Statistic, TimedCommand, TimedFault};

fn at(ms: f64, fault: Fault) -> TimedFault {
    TimedFault { at_ms: ms, fault }
}

fn command(ms: f64, command: QuorumCommand) -> TimedCommand<QuorumSim> {
    TimedCommand { at_ms: ms, command }
}

fn write(ms: f64, value: u64, via: NodeId) -> TimedCommand<QuorumSim> {
    command(ms, QuorumCommand::Write { key: "k0".into(), value, via: Some(via) })
}

fn read(ms: f64, via: NodeId) -> TimedCommand<QuorumSim> {
    command(ms, QuorumCommand::Read { key: "k0".into(), via: Some(via) })
}

/// Parameters with `n` replicas per key and the given write and read levels.
fn levels(n: u32, write: ConsistencyLevel, read: ConsistencyLevel) -> QuorumParams {
    QuorumParams { n, w: write.size(n), r: read.size(n), sloppy_quorum: write == Any, ..QuorumParams::default() }
}

fn scenario(title: String, seed: u64, duration_ms: f64, params: QuorumParams) -> Scenario<QuorumSim> {
    let mut s = Scenario::new(seed, duration_ms, params);
    s.title = title;
    s
}

fn title(write: ConsistencyLevel, read: ConsistencyLevel, n: u32, lesson: &str) -> String {
    format!("{lesson} (writes {}, reads {}, N = {n})", write.name(), read.name())
}

/// When the first stop of a lesson comes: a tenth of a second in, two seconds after Play at 1×,
/// while the first operations are on the wire (every lesson's first fault comes later).
const TOUR_MS: f64 = 100.0;

/// The first stop's caption: how to read the messages in the picture, before any fault.
fn tour(write: ConsistencyLevel, read: ConsistencyLevel, n: u32) -> String {
    format!(
        "0.1 s: the first operations are on the wire. In the picture a filled square is a write, a hollow one its ack; a filled circle is a read, a hollow one its reply (legend below). A write is done after {} (W), a read after {} (R).",
        crate::narrate::count(write.size(n) as u64, "ack", "acks"),
        crate::narrate::count(read.size(n) as u64, "reply", "replies"),
    )
}

/// Key `k0`'s preference order under the default ring (5 nodes, 8 vnodes each).
pub fn k0_order(params: &QuorumParams) -> Vec<NodeId> {
    preference_lists(params.replicas, params.vnodes, &["k0".to_string()]).remove(0)
}

pub fn presets() -> Vec<(&'static str, Scenario<QuorumSim>)> {
    let base = QuorumParams::default();
    let order = k0_order(&base);
    let (a, b, c, d) = (order[0], order[1], order[2], order[3]);

    let mut strict = scenario(
        title(Quorum, Quorum, 3, "R + W > N never reads stale, through crashes, partitions and slow links"),
        1,
        3_000.0,
        levels(3, Quorum, Quorum),
    );
    strict = strict.with_moments(&[
        (0.0, "QUORUM writes and reads on N = 3: W = 2 and R = 2, so every read's replies overlap every committed write's acks. No read can be stale; watch the faults try."),
        (TOUR_MS, &tour(Quorum, Quorum, 3)),
        (500.0, "0.5 s: one of k0's replicas crashes. Two of three are still up, quorums of 2 still form, and every read stays fresh."),
        (1_500.0, "1.5 s: a partition cuts a replica off. Same story: any 2 of 3 overlap, so the read sees the latest committed write."),
        (2_200.0, "2.2 s: a slow link between two replicas. Latency goes up; staleness does not."),
    ]);
    strict.faults = vec![
        at(500.0, Fault::Crash { node: b }),
        at(1_200.0, Fault::Restart { node: b }),
        at(1_500.0, Fault::Partition { groups: vec![vec![c]] }),
        at(2_000.0, Fault::Heal),
        at(2_200.0, Fault::SlowLink { from: a, to: b, latency: Latency::Constant { ms: 60.0 }, both_ways: true }),
        at(2_800.0, Fault::RestoreLink { from: a, to: b, both_ways: true }),
    ];

    let mut slow = scenario(
        title(One, One, 3, "R = W = 1 reads stale when a link is slow"),
        2,
        3_000.0,
        QuorumParams { keys: 1, coordinator: Coordinator::RandomReachable, ..levels(3, One, One) },
    );
    slow = slow.with_moments(&[
        (0.0, "R = W = 1 on N = 3: a write returns after one ack, a read after one reply. Fast, as long as every replica hears about each write quickly."),
        (TOUR_MS, &tour(One, One, 3)),
        (500.0, "0.5 s: the links into one of k0's replicas turn slow (300 ms). Writes still commit after one ack, but that replica learns them late: a read it answers can be stale."),
        (786.0, "0.79 s: the first stale read. The slow replica answers with v31 while v38 is already committed, and one reply is all R = 1 waits for. The client names it under its circle; the reads table says which write the replica had missed."),
        (2_500.0, "2.5 s: the links recover and the lagging replica catches up. Each stale read in the reads table says which replica answered and which write it had missed."),
    ]);
    slow.faults = vec![
        at(500.0, Fault::SlowLink { from: a, to: c, latency: Latency::Constant { ms: 300.0 }, both_ways: false }),
        at(500.0, Fault::SlowLink { from: b, to: c, latency: Latency::Constant { ms: 300.0 }, both_ways: false }),
        at(2_500.0, Fault::RestoreLink { from: a, to: c, both_ways: false }),
        at(2_500.0, Fault::RestoreLink { from: b, to: c, both_ways: false }),
    ];

    let mut sloppy = scenario(
        "Sloppy quorum surprise: a partition and hinted handoff give a stale read even with R + W > N (QUORUM, N = 3, sloppy)".into(),
        3,
        2_000.0,
        QuorumParams {
            keys: 1,
            sloppy_quorum: true,
            hint_retry_ms: 500.0,
            writes_per_second: 0.0,
            reads_per_second: 20.0,
            ..levels(3, Quorum, Quorum)
        },
    );
    sloppy.faults = vec![
        at(100.0, Fault::Partition { groups: vec![vec![b, c]] }),
        at(400.0, Fault::Partition { groups: vec![vec![a]] }),
        at(1_500.0, Fault::Heal),
    ];
    sloppy.actions = vec![write(50.0, 1, a), write(200.0, 2, a), read(450.0, b)];
    // The times below are where this seed puts the events (pinned by the golden trace hash).
    let name = |n: NodeId| format!("node-{n}");
    sloppy = sloppy.with_moments(&[
        (0.0, &format!("QUORUM on N = 3 with sloppy quorum on: k0 lives on {}, {} and {}. When one of them is unreachable, a write may be acknowledged by a stand-in outside those three. Watch where v2 lands.", name(a), name(b), name(c))),
        (100.0, &format!("0.1 s: a partition cuts {} and {}, two of k0's three replicas, off from the rest.", name(b), name(c))),
        (214.0, &format!("0.21 s: v2 commits with W = 2, but its acks came from stand-ins holding hints for {} and {}: of k0's own replicas only {} has v2.", name(c), name(b), name(a))),
        (400.0, &format!("0.4 s: the partition moves: {} is cut off now, and {} and {} are reachable again, still holding v1.", name(a), name(b), name(c))),
        (457.0, &format!("0.46 s: a QUORUM read asks {} and {}: both answer v1. STALE, although R + W = 4 > N = 3: the overlap guarantee only counts k0's own replicas.", name(b), name(c))),
        (716.0, "0.72 s: hinted handoff: the stand-ins hand v2 to the replicas they stood in for, and from here every read is fresh again."),
    ]);
    sloppy = sloppy.with_question(
        400.0,
        Question {
            ask: format!("At 0.45 s the client reads k0 at QUORUM (R = 2) through {}. R + W = 4 > N = 3. Will that read return v2?", name(b)),
            answer: Answer::Choice {
                choices: vec![
                    "Yes: with R + W > N every read overlaps the latest write's acks".into(),
                    "No: it returns v1, a stale read".into(),
                    "It fails: not enough replicas answer".into(),
                ],
                correct: 1,
            },
            explanation: format!(
                "Stale. The overlap guarantee counts k0's own replicas, but v2's two acks came from stand-ins ({} and {} were cut off at 0.21 s). The read asks {} and {}, both still at v1: the reads table marks it STALE at 0.46 s and names the hinted stand-ins.",
                name(b),
                name(c),
                name(b),
                name(c)
            ),
        },
    );

    let mut repair = scenario(
        title(Quorum, Quorum, 3, "Read repair heals a replica that missed writes while it was down"),
        4,
        3_000.0,
        QuorumParams { keys: 1, ..levels(3, Quorum, Quorum) },
    );
    repair.faults = vec![at(200.0, Fault::Crash { node: c }), at(1_000.0, Fault::Restart { node: c })];
    repair.actions = vec![command(1_000.0, QuorumCommand::SetRates { writes_per_second: 0.0, reads_per_second: 20.0 })];

    let mut all =
        scenario(title(All, One, 3, "ALL writes fail while any replica is down"), 5, 2_500.0, QuorumParams { keys: 1, ..levels(3, All, One) });
    all.faults = vec![at(500.0, Fault::Crash { node: b }), at(1_500.0, Fault::Restart { node: b })];

    let mut any = scenario(
        title(Any, One, 3, "ANY accepts writes with every replica down; reads see them only after hinted handoff"),
        6,
        2_500.0,
        QuorumParams { keys: 1, hint_retry_ms: 100.0, ..levels(3, Any, One) },
    );
    any.faults = vec![
        at(500.0, Fault::Crash { node: a }),
        at(500.0, Fault::Crash { node: b }),
        at(500.0, Fault::Crash { node: c }),
        at(1_500.0, Fault::Restart { node: a }),
        at(1_500.0, Fault::Restart { node: b }),
        at(1_500.0, Fault::Restart { node: c }),
    ];

    let mut two = scenario(
        title(Two, Two, 5, "R + W = 4 ≤ N = 5: two slow replicas are enough to read stale"),
        7,
        3_000.0,
        QuorumParams { keys: 1, writes_per_second: 40.0, reads_per_second: 80.0, coordinator: Coordinator::RandomReachable, ..levels(5, Two, Two) },
    );

    // Writes coordinated by the first three replicas reach the last two 200 ms late.
    for &from in &order[..3] {
        for &to in &order[3..] {
            two.faults.push(at(300.0, Fault::SlowLink { from, to, latency: Latency::Constant { ms: 200.0 }, both_ways: false }));
        }
    }

    let mut clocks = scenario(
        "Vector clocks keep concurrent writes as siblings; a later write resolves them (QUORUM, N = 3)".into(),
        8,
        1_000.0,
        QuorumParams { keys: 1, versioning: Versioning::VectorClock, writes_per_second: 0.0, reads_per_second: 0.0, ..levels(3, Quorum, Quorum) },
    );
    clocks.actions = vec![write(100.0, 1, a), write(300.0, 2, a), write(300.0, 3, b), read(400.0, c), write(600.0, 4, c), read(700.0, d)];

    let repair = repair.with_moments(&[
        (0.0, "QUORUM reads and writes on N = 3, with read repair on. Watch the replica that goes down: it will miss writes."),
        (TOUR_MS, &tour(Quorum, Quorum, 3)),
        (200.0, "0.2 s: one of k0's replicas crashes. Writes still reach a quorum of 2; the crashed one misses them."),
        (1_000.0, "1.0 s: it restarts, behind, and the writes stop. When a read asks it and a fresher replica, the coordinator sends it the newer value: read repair. Watch its version catch up."),
    ]);
    let all = all.with_moments(&[
        (0.0, "Writes wait for all 3 replicas (ALL), reads for one (ONE)."),
        (TOUR_MS, &tour(All, One, 3)),
        (500.0, "0.5 s: one of k0's replicas crashes. No write can get 3 acks now: every write fails, although the two live replicas still store what it sent them. Reads keep working."),
        (1_500.0, "1.5 s: the replica is back and writes succeed again."),
    ]);
    let any = any.with_moments(&[
        (0.0, "W = ANY: a write succeeds once any node has taken it, even as a hint for an absent replica. Reads wait for ONE replica."),
        (TOUR_MS, &tour(Any, One, 3)),
        (500.0, "0.5 s: all three replicas of k0 crash. Writes are still accepted: other nodes keep hints for them."),
        (
            1_500.0,
            "1.5 s: the replicas restart, without the writes. Reads return old values until hinted handoff delivers them (retried every 100 ms).",
        ),
    ]);
    let two = two.with_moments(&[
        (0.0, "N = 5 with W = 2 and R = 2: R + W = 4 ≤ 5, so the 2 replicas a read asks need not include one of the 2 a write reached."),
        (TOUR_MS, &tour(Two, Two, 5)),
        (300.0, "0.3 s: links from three replicas to the other two turn slow (200 ms). Writes commit on the fast three; a read answered by the slow two is stale. Count them in the reads table."),
    ]);
    let clocks = clocks.with_moments(&[
        (100.0, "0.1 s: a first write."),
        (300.0, "0.3 s: two writes at the same instant through different coordinators. Neither has seen the other, so their vector clocks are concurrent."),
        (400.0, "0.4 s: the read returns both, as siblings, instead of silently keeping one as last-write-wins would."),
        (600.0, "0.6 s: a later write; its clock descends from both, so it resolves the siblings."),
        (700.0, "0.7 s: the next read sees a single value."),
    ]);
    // The slow-link lesson as a goal: fresh reads are easy with R = W = N; fresh and fast asks
    // which side of R + W > N to pay on.
    let mut fresh_fast = slow.clone();
    fresh_fast.title = "Challenge: every read fresh, and reads still fast".into();
    fresh_fast.moments.truncate(1);
    let fresh_fast = fresh_fast.with_challenge(Challenge {
        goal: "Change R and W so that no read is stale, with reads averaging 20 ms or less.".into(),
        hint: "R + W > N makes every read meet the latest write. Which of R or W pays for it decides who waits: reads wait for R replies, writes for W acks, and one link is slow.".into(),
        criteria: vec![
            Criterion::at_most("stale reads (last second)", Statistic::Max, 0.0),
            Criterion::at_most("read latency (mean, last second)", Statistic::Max, 20.0),
        ],
        claim: false,
    });
    // Claims to test with the seed search. A strict quorum with R + W > N keeps its promise
    // through these faults on every seed; a sloppy one breaks it on most seeds, but not on
    // this one (the random reads happen to miss the window where only the stand-ins have the
    // write).
    let no_stale = |goal: &str| Challenge {
        goal: goal.into(),
        hint: String::new(),
        criteria: vec![Criterion::at_most("stale reads (last second)", Statistic::Max, 0.0)],
        claim: true,
    };
    let mut strict_claim = strict.clone();
    strict_claim.title = "Claim: R + W > N never reads stale (search the seeds for a counterexample)".into();
    let strict_claim = strict_claim
        .with_moments(&[(0.0, "The strict-quorum run: a crash, a partition and a slow link. The claim below holds on the lesson's seed. Does it hold on every seed? Search the seeds for a counterexample.")])
        .with_challenge(no_stale("With R = W = 2 of N = 3, no read is ever stale, through a crash, a partition and a slow link."));
    let mut sloppy_claim = sloppy.clone();
    sloppy_claim.title = "Claim: a sloppy quorum with R + W > N never reads stale (search the seeds)".into();
    sloppy_claim.seed = 3;
    sloppy_claim.actions.retain(|a| matches!(a.command, QuorumCommand::Write { .. }));
    sloppy_claim.params.reads_per_second = 5.0;
    let sloppy_claim = sloppy_claim
        .with_moments(&[(0.0, "A sloppy quorum lets stand-in nodes take writes while k0's replicas are cut off. On the lesson's seed (3) no read happens to be stale. Search the seeds for a counterexample.")])
        .with_challenge(no_stale("With R = W = 2 of N = 3 and a sloppy quorum, no read is ever stale."));
    vec![
        ("quorum-strict", strict),
        ("quorum-one-slow-link", slow),
        ("quorum-sloppy-surprise", sloppy),
        ("quorum-read-repair", repair),
        ("quorum-all-writes", all),
        ("quorum-any", any),
        ("quorum-two-of-five", two),
        ("quorum-vector-clocks", clocks),
        ("quorum-challenge-fresh-fast", fresh_fast),
        ("quorum-claim-strict", strict_claim),
        ("quorum-claim-sloppy", sloppy_claim),
    ]
}
