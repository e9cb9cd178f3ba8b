//! Preset scenarios for the saga widget: the classic lessons, one click away. Each says which
//! engine's rules it follows.

use super::definition::{self, Definition, RetryPolicy};
use super::engine::{EngineKind, EngineSpec};
use super::sim::{Countermeasure, FaultSpec, SagaParams, SagaSim, StepFault, ORCHESTRATOR};
use crate::engine::Fault;
use crate::scenario::{Scenario, TimedFault};

fn scenario(title: &str, definition: Definition, kind: EngineKind, faults: &[(usize, bool, FaultSpec)]) -> Scenario<SagaSim> {
    let params = SagaParams {
        definition,
        engine: EngineSpec { kind, ..EngineSpec::default() },
        faults: faults.iter().map(|&(step, compensation, fault)| StepFault { step, compensation, fault, saga: None }).collect(),
        ..SagaParams::default()
    };
    let mut s = Scenario::new(1, 7_000.0, params);
    s.title = title.to_string();
    s
}

pub fn presets() -> Vec<(&'static str, Scenario<SagaSim>)> {
    let failed_step = scenario(
        "The failed step is not compensated (Temporal, Create Order, T3 fails)",
        definition::create_order(),
        EngineKind::Temporal,
        &[(3, false, FaultSpec::Business)],
    )
    .with_moments(&[
        (
            0.0,
            "Richardson's Create Order: six steps, one service each. T3 create ticket will refuse (a business error, which Temporal never retries).",
        ),
        (1_300.0, "1.3 s: T1 created the order (APPROVAL_PENDING) and T2 verified the consumer. Now T3 goes to the Kitchen."),
        (1_750.0, "1.8 s: T3 failed. It changed nothing, so there is nothing of it to undo: the saga compensates only the steps that completed."),
        (
            2_300.0,
            "2.3 s: C1 rejects the order. T2 verify consumer has no compensation (it only read), so C2 never exists: the history is T1 T2 T3✗ C1.",
        ),
    ]);

    let reverse = scenario(
        "Compensations run in reverse (Temporal, trip booking, T3 fails)",
        definition::trip_booking(),
        EngineKind::Temporal,
        &[(3, false, FaultSpec::Business)],
    )
    .with_moments(&[
        (0.0, "Book a flight, a hotel and a car, then charge the card. The car rental will refuse."),
        (1_750.0, "1.8 s: T3 reserve car failed. The flight and the hotel are booked: both must be undone."),
        (2_000.0, "2.0 s: C2 cancels the hotel first, the last thing done is the first undone…"),
        (2_600.0, "2.6 s: …then C1 cancels the flight. History T1 T2 T3✗ C2 C1; seats and rooms are back where they started."),
    ]);

    let mut parallel = scenario(
        "parallelCompensation: all at once (Temporal, trip booking, T3 fails)",
        definition::trip_booking(),
        EngineKind::Temporal,
        &[(3, false, FaultSpec::Business)],
    );
    parallel.params.engine.parallel_compensation = true;
    let parallel = parallel.with_moments(&[
        (0.0, "Same trip, same failure, but Temporal's Saga with parallelCompensation: true."),
        (1_750.0, "1.8 s: T3 failed: C2 and C1 leave together. Which one lands first is up to the network, not to the saga."),
        (2_300.0, "2.3 s: Both compensations done. Faster, but only right if the compensations do not depend on each other."),
    ]);

    let after_pivot = scenario(
        "After the pivot only forward (Garcia-Molina & Salem, T5 fails 3 times)",
        definition::create_order(),
        EngineKind::GarciaMolinaSalem,
        &[(5, false, FaultSpec::Transient { times: 3 })],
    )
    .with_duration(12_000.0)
    .with_moments(&[
        (0.0, "T4 authorize card is the pivot (◆). Once it succeeds, the saga cannot go back: T5 and T6 are retryable and must be retried until they succeed."),
        (2_200.0, "2.2 s: The card is authorized: past the point of no return."),
        (2_600.0, "2.6 s: T5 approve ticket fails. No compensation starts: the engine waits 1 s and retries (forward recovery)."),
        (11_150.0, "11.2 s: After three failures (waits of 1 s, 2 s, 4 s) T5 succeeds, then T6: completed, the customer's money and the order agree."),
    ]);

    let no_pivot = scenario(
        "An engine that knows no pivot (Eventuate Tram, T5 fails)",
        definition::create_order(),
        EngineKind::EventuateTram,
        &[(5, false, FaultSpec::Business)],
    )
    .with_moments(&[
        (0.0, "The same saga under Eventuate Tram, which has no notion of a pivot: a failure anywhere compensates backwards."),
        (2_600.0, "2.6 s: T5 approve ticket failed. Eventuate walks back from T4 over every step that has a compensation."),
        (3_000.0, "3.0 s: T4 authorize card has none, so it is skipped: C3 has rejected the ticket, C1 rejects the order next."),
        (
            3_450.0,
            "Rolled back, yet the consumer is still charged 35: the invariants panel says why. That is why steps after the pivot must be retryable.",
        ),
    ]);

    let mut comp_fails = scenario(
        "A compensation that fails (Temporal, 3 attempts, money transfer)",
        definition::money_transfer(),
        EngineKind::Temporal,
        &[(2, false, FaultSpec::Business), (1, true, FaultSpec::Transient { times: 5 })],
    );
    comp_fails.params.retry = RetryPolicy { maximum_attempts: 3, ..RetryPolicy::default() };
    let comp_fails = comp_fails.with_moments(&[
        (0.0, "Temporal's money transfer: withdraw 30 from Alice at BankA, deposit at BankB. The deposit will be refused, and the refund will fail 5 times."),
        (900.0, "0.9 s: 30 withdrawn from Alice: money is in flight, the sum is 90 until the saga ends."),
        (1_300.0, "1.3 s: The deposit is refused: C1 refund starts."),
        (1_700.0, "1.7 s: The refund fails; the activity's retry policy (maximumAttempts 3) waits 1 s, then 2 s."),
        (5_600.0, "5.6 s: Third failure: no attempts left. compensate() throws, the saga is failed, and Alice is 30 short for good."),
    ]);

    let mut double_charge = scenario(
        "Lost reply + retry without idempotency = double charge (Temporal)",
        definition::create_order(),
        EngineKind::Temporal,
        &[(4, false, FaultSpec::Timeout { times: 1 })],
    );
    double_charge.params.idempotency = false;
    let double_charge = double_charge.with_moments(&[
        (0.0, "Idempotency is off. T4 authorize card will take effect but reply too late, as when a reply is lost."),
        (1_950.0, "1.9 s: Accounting authorizes 35 and holds its reply."),
        (3_700.0, "3.7 s: No reply after 2 s, so the orchestrator counts attempt 1 as failed and will retry in 1 s. It cannot know that the charge happened."),
        (5_150.0, "5.2 s: The retry charges again: 70 authorized for one order. Switch idempotency on and replay: the retry is answered from the idempotency table."),
    ]);

    let mut crash =
        scenario("The orchestrator crashes and recovers from its saga log (Temporal)", definition::create_order(), EngineKind::Temporal, &[]);
    crash.faults = vec![
        TimedFault { at_ms: 1_450.0, fault: Fault::Crash { node: ORCHESTRATOR } },
        TimedFault { at_ms: 4_000.0, fault: Fault::Restart { node: ORCHESTRATOR } },
    ];
    let crash = crash.with_moments(&[
        (0.0, "The orchestrator writes each step to its saga log before it sends it. It will crash while T3 is in flight."),
        (1_450.0, "1.4 s: Crash. The Kitchen creates the ticket anyway, but its reply finds nobody listening."),
        (4_000.0, "4.0 s: Restart: the orchestrator reads its log, sees T3 unanswered and sends it again with the same idempotency key."),
        (4_470.0, "4.5 s: The Kitchen has seen that key: it replies from its table without creating a second ticket, and the saga goes on."),
    ]);

    let mut partition = scenario(
        "A partition outlasts the compensation's retries (Temporal, 3 attempts, money transfer)",
        definition::money_transfer(),
        EngineKind::Temporal,
        &[(2, false, FaultSpec::Business)],
    );
    partition.params.retry = RetryPolicy { maximum_attempts: 3, ..RetryPolicy::default() };
    partition.faults =
        vec![TimedFault { at_ms: 1_000.0, fault: Fault::Partition { groups: vec![vec![1]] } }, TimedFault { at_ms: 11_000.0, fault: Fault::Heal }];
    let partition = partition.with_duration(12_000.0).with_moments(&[
        (0.0, "Withdraw 30 from Alice, deposit at BankB (which will refuse). BankA will be cut off from the orchestrator just before the refund."),
        (1_000.0, "1.0 s: BankA is partitioned away. The withdrawal already happened."),
        (3_300.0, "3.3 s: C1 refund got no reply within 2 s: Temporal retries it after 1 s…"),
        (10_300.0, "10.3 s: the third attempt times out too. maximumAttempts is 3: the saga fails, and the invariants say why Alice is 30 short."),
        (
            11_000.0,
            "11.0 s: the partition heals, too late: nobody retries any more. Unlimited attempts (Temporal's default) would have waited it out.",
        ),
    ]);

    let mut choreography = scenario(
        "Choreography: the same rollback as events, no coordinator (Temporal rules, trip booking, T3 fails)",
        definition::trip_booking(),
        EngineKind::Temporal,
        &[(3, false, FaultSpec::Business), (2, true, FaultSpec::Transient { times: 1 })],
    );
    choreography.params.coordination = super::sim::Coordination::Choreography;
    let choreography = choreography.with_moments(&[
        (0.0, "No orchestrator: each service publishes an event when its step is done, and the bus hands it to the service that reacts to it. The car rental will refuse, and the hotel's cancel will fail once."),
        (1_700.0, "1.7 s: the bus has the Car service's \"T3 failed\" event and hands it to the Hotel, which subscribes to it and compensates: compensation travels as events, in the same reverse order."),
        (1_950.0, "1.9 s: C2 failed once. Nobody is watching the saga, so the Hotel retries it itself after 1 s, without a round trip."),
        (3_600.0, "3.6 s: T1 T2 T3✗ C2 C1, the same history as under an orchestrator, with no saga log: crash the bus mid-saga and nothing will resend what it lost."),
    ]);

    let mut race =
        scenario("A cancel races the saga: cancelled but approved (no semantic lock)", definition::create_order(), EngineKind::Temporal, &[]);
    race.actions = vec![crate::scenario::TimedCommand { at_ms: 1_000.0, command: super::sim::SagaCommand::CancelOrder }];
    let mut locked = race.clone();
    locked.title = "The semantic lock refuses the racing cancel (Richardson's countermeasure)".into();
    locked.params.semantic_lock = true;
    let race = race.with_moments(&[
        (0.0, "Sagas are not isolated: other requests see and change their intermediate state. The customer will cancel the order while the saga is still running."),
        (1_000.0, "1.0 s: the customer cancels. The order is APPROVAL_PENDING, but without a semantic lock the Order service simply cancels it."),
        (1_400.0, "1.4 s: the customer has been told: cancelled. The saga knows nothing of it and carries on."),
        (3_100.0, "3.1 s: T6 approve order overwrites CANCELLED with APPROVED: a lost update, and the card is charged. Switch on the semantic lock and replay."),
    ]);
    let locked = locked.with_moments(&[
        (0.0, "The same race with Richardson's semantic lock: APPROVAL_PENDING is a lock that says the order is in a saga's hands."),
        (
            1_200.0,
            "1.2 s: the Order service refuses the cancel: the order is APPROVAL_PENDING. The customer is told to try again once it is settled.",
        ),
        (3_100.0, "3.1 s: the saga completes; the order is APPROVED and no one was told otherwise. \"Cancelled but approved\" cannot happen."),
    ]);

    let (lost_update, version_check, semantic_lock_race, dirty_read) = concurrent_lessons();

    let mut last_car =
        scenario("The last car, reserved twice (no countermeasure, trip booking ×2)", definition::trip_booking(), EngineKind::Temporal, &[]);
    last_car.params.sagas = 2;
    last_car.params.spacing_ms = 100.0;
    last_car.params.countermeasure = Countermeasure::None;
    let last_car = last_car.with_moments(&[
        (0.0, "Two trips, 0.1 s apart, and the car rental has one car left. Every booking reads the count, subtracts one and writes it back."),
        (2_770.0, "2.77 s: both trips read cars = 1; saga 1 wrote 0, and now saga 2 writes its own 0 over it. Each trip holds the last car."),
        (3_750.0, "Both trips completed: one car, two reservations, and seats, rooms and the merchant's money each lost an update too. Pick commutative updates (or a version check, or the lock) and replay: the second trip finds no car left and rolls back."),
    ]);

    let mut redelivery = scenario(
        "The broker redelivers a lost command (Eventuate Tram, money transfer, BankB cut off)",
        definition::money_transfer(),
        EngineKind::EventuateTram,
        &[],
    );
    redelivery.params.engine.broker_redelivery = true;
    redelivery.faults =
        vec![TimedFault { at_ms: 800.0, fault: Fault::Partition { groups: vec![vec![2]] } }, TimedFault { at_ms: 3_000.0, fault: Fault::Heal }];
    let redelivery = redelivery.with_moments(&[
        (0.0, "Eventuate Tram sets no timeouts: a saga waits for every reply. Its commands go through a message broker that delivers at least once. BankB will be cut off just before the deposit."),
        (900.0, "0.9 s: the deposit command is lost in the partition. Without the broker the saga would wait here forever (untick broker redelivery and replay)."),
        (1_900.0, "1.9 s: BankB has not taken the command within 1 s: the broker delivers it again. Lost again; and again at 2.9 s."),
        (3_900.0, "3.9 s: the partition healed at 3 s; the third redelivery gets through and BankB deposits, once."),
        (4_280.0, "Completed, T1 T2: at-least-once delivery turned a lost message into a late one. The price is duplicates, which BankB's idempotency table absorbs."),
    ]);

    vec![
        ("saga-failed-step", failed_step),
        ("saga-reverse-order", reverse),
        ("saga-parallel-compensation", parallel),
        ("saga-after-pivot", after_pivot),
        ("saga-no-pivot-rule", no_pivot),
        ("saga-compensation-fails", comp_fails),
        ("saga-double-charge", double_charge),
        ("saga-orchestrator-crash", crash),
        ("saga-choreography", choreography),
        ("saga-partition", partition),
        ("saga-cancel-race", race),
        ("saga-semantic-lock", locked),
        ("saga-lost-update", lost_update),
        ("saga-version-check", version_check),
        ("saga-semantic-lock-race", semantic_lock_race),
        ("saga-dirty-read", dirty_read),
        ("saga-last-car", last_car),
        ("saga-broker-redelivery", redelivery),
        ("saga-claim-spaced-apart", spaced_claim(Countermeasure::None)),
        ("saga-claim-version-check", spaced_claim(Countermeasure::VersionCheck)),
    ]
}

/// Claims for the seed search: two transfers 0.4 s apart. Without a countermeasure, whether
/// their reads and writes interleave depends on the network's latencies, so on the shipped seed
/// they do not (the claim holds) and on most others they do; with a version check no seed can
/// break the balances.
fn spaced_claim(countermeasure: Countermeasure) -> Scenario<SagaSim> {
    let (title, goal, caption) = match countermeasure {
        Countermeasure::None => (
            "Claim: sagas 0.4 s apart never interfere (search the seeds for a counterexample)",
            "Two transfers 0.4 s apart, with no countermeasure, never break an invariant.",
            "Two transfers 0.4 s apart: on the lesson's seed (3) the first finishes its read-modify-write before the second reads, so nothing goes wrong. Is 0.4 s always enough? Search the seeds for a counterexample.",
        ),
        _ => (
            "Claim: with a version check, no seed breaks the balances (search the seeds)",
            "Two transfers 0.4 s apart, with a version check on every write, never break an invariant.",
            "The same two transfers, every write compared-and-set against the version it was computed from. Search the seeds: a conflict fails the step instead of losing an update.",
        ),
    };
    let mut s = two_transfers(title, countermeasure);
    s.params.spacing_ms = 400.0;
    s.seed = 3;
    s.with_moments(&[(0.0, caption)]).with_challenge(crate::scenario::Challenge {
        goal: goal.into(),
        hint: String::new(),
        criteria: vec![crate::scenario::Criterion::at_most(
            "invariant violations (lost updates, dirty reads, ledger)",
            crate::scenario::Statistic::Max,
            0.0,
        )],
        claim: true,
    })
}

/// Two money transfers of 30 from Alice's 100, 100 ms apart, over the same accounts.
fn two_transfers(title: &str, countermeasure: Countermeasure) -> Scenario<SagaSim> {
    let mut s = scenario(title, definition::money_transfer(), EngineKind::Temporal, &[]);
    s.params.sagas = 2;
    s.params.spacing_ms = 100.0;
    s.params.countermeasure = countermeasure;
    s
}

/// The isolation lessons: several sagas on shared data, the anomalies and the countermeasures.
fn concurrent_lessons() -> (Scenario<SagaSim>, Scenario<SagaSim>, Scenario<SagaSim>, Scenario<SagaSim>) {
    let lost = two_transfers("Two sagas race: a lost update (no countermeasure, money transfer ×2)", Countermeasure::None).with_moments(&[
        (0.0, "Two transfers of 30 from Alice (100) to Bob (20), 0.1 s apart. Each step reads the balance, the orchestrator computes the new one and writes it back: nothing isolates the two sagas."),
        (760.0, "0.76 s: BankA has answered both reads with alice = 100: saga 2 read before saga 1 wrote."),
        (1_170.0, "1.17 s: saga 1 wrote 100 − 30 = 70; now saga 2 writes its own 100 − 30 = 70 over it. A lost update: 30 taken twice is counted once."),
        (2_010.0, "2.01 s: the same happens to Bob's balance at BankB, the other way round."),
        (2_220.0, "Both sagas completed and neither noticed: Alice paid 30 once for two transfers, Bob got 30 once. The invariants name the lost updates; pick a countermeasure and replay."),
    ]);
    let version = two_transfers("The version check refuses the stale write (reread value, money transfer ×2)", Countermeasure::VersionCheck)
        .with_moments(&[
        (0.0, "The same race, but every write says which version of the balance it was computed from (compare-and-set)."),
        (1_170.0, "1.17 s: saga 1 made alice version 1 (70). Saga 2's write was computed from version 0: BankA refuses it, a passing error."),
        (1_400.0, "1.4 s: Temporal's retry policy will try T1 again in 1 s, from the read."),
        (3_000.0, "3.0 s: saga 2 rereads alice = 70 and writes 40."),
        (
            3_930.0,
            "Both transfers counted: Alice 40, Bob 80, no violation. The price is a retry; dirty reads stay possible (see the dirty-read lesson).",
        ),
    ]);
    let lock =
        two_transfers("The semantic lock makes the second saga wait (PENDING, money transfer ×2)", Countermeasure::SemanticLock).with_moments(&[
            (0.0, "The same race under Richardson's semantic lock: a saga's read marks the balance PENDING until that saga ends."),
            (760.0, "0.76 s: BankA refuses saga 2's read: alice is PENDING, locked by saga 1. Saga 2 will retry in 1 s."),
            (2_480.0, "2.48 s: saga 1 completed and released its locks (saga 2's second try, at 2.16 s, was refused too)."),
            (4_890.0, "4.89 s: saga 2's third try reads alice = 70 and writes 40."),
            (5_790.0, "Both transfers counted, no violation, and no saga ever saw the other's unfinished work. The price: saga 2 waited 5 s."),
        ]);
    let mut dirty =
        scenario("A dirty read: saga 2 reads what saga 1 later undoes (no countermeasure)", definition::money_transfer(), EngineKind::Temporal, &[]);
    dirty.params.sagas = 2;
    dirty.params.spacing_ms = 500.0;
    dirty.params.countermeasure = Countermeasure::None;
    dirty.params.faults = vec![StepFault { step: 2, compensation: false, fault: FaultSpec::Business, saga: Some(1) }];
    let dirty = dirty.with_moments(&[
        (0.0, "Saga 1's deposit will be refused, so it will refund Alice. Saga 2 starts 0.5 s later, while saga 1's withdrawal is not settled."),
        (1_170.0, "1.17 s: saga 2 reads alice = 70, a value saga 1 wrote and may still undo."),
        (2_210.0, "2.21 s: saga 1's deposit is refused: it compensates, C1 refund."),
        (2_950.0, "Saga 1 rolled back, so the 70 saga 2 read never committed: a dirty read, flagged with the events that made it. Here the sums still work out; with a credit limit they would not. The version check does not prevent this; the semantic lock and increments do."),
    ]);
    (lost, version, lock, dirty)
}

trait WithDuration {
    fn with_duration(self, ms: f64) -> Self;
}

impl WithDuration for Scenario<SagaSim> {
    fn with_duration(mut self, ms: f64) -> Self {
        self.duration_ms = ms;
        self
    }
}
