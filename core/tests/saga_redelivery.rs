//! Eventuate Tram's message broker delivers at least once: a message the network loses is
//! delivered again until its consumer takes it, so an Eventuate saga (which sets no timeouts)
//! proceeds where it would otherwise wait forever.

#![cfg(feature = "saga")]

use faultline_core::engine::{Fault, Latency, NetworkConfig, Pattern, Simulation};
use faultline_core::patterns::saga::definition::Definition;
use faultline_core::patterns::saga::engine::REDELIVERY_AFTER_MS;
use faultline_core::patterns::saga::{EngineKind, EngineSpec, SagaParams, SagaSim};
use faultline_core::scenario::{Scenario, TimedFault};
use proptest::prelude::*;

fn eventuate(redelivery: bool) -> EngineSpec {
    EngineSpec { kind: EngineKind::EventuateTram, broker_redelivery: redelivery, ..EngineSpec::default() }
}

fn run(s: &Scenario<SagaSim>) -> (faultline_core::patterns::saga::sim::SagaMetrics, Vec<String>) {
    let mut sim = Simulation::<SagaSim>::start(&s.params, s.seed, s.network_config(), 1_000);
    sim.run_until(s.duration(), &s.schedule());
    let log = sim.trace().recent().map(|e| format!("{:?}", e.event)).collect();
    (sim.metrics(), log)
}

/// Money transfer on 100 ms links, starting at 0; BankB is cut off from 0.15 s to 2.5 s, so
/// the deposit command, sent at 0.2 s once T1's reply is in, is lost.
fn partitioned(redelivery: bool) -> Scenario<SagaSim> {
    let params = SagaParams {
        definition: Definition::builtin("money_transfer").unwrap(),
        engine: eventuate(redelivery),
        start_ms: 0.0,
        ..SagaParams::default()
    };
    let mut s = Scenario::new(1, 30_000.0, params);
    s.network = Some(NetworkConfig { latency: Latency::Constant { ms: 100.0 }, drop_probability: 0.0 });
    // T1 is sent at 0 and answered at 200 ms; T2's command leaves at 200 ms into the partition.
    s.faults =
        vec![TimedFault { at_ms: 150.0, fault: Fault::Partition { groups: vec![vec![2]] } }, TimedFault { at_ms: 2_500.0, fault: Fault::Heal }];
    s
}

#[test]
fn without_the_broker_an_eventuate_saga_waits_forever_for_a_lost_command() {
    let (m, _) = run(&partitioned(false));
    assert_eq!(m.outcome, "running", "Eventuate sets no timeout: the lost T2 is never resent");
    assert_eq!(m.final_history, "T1");
}

#[test]
fn the_broker_redelivers_the_lost_command_once_the_partition_heals() {
    let (m, log) = run(&partitioned(true));
    assert_eq!(m.outcome, "completed");
    assert_eq!(m.final_history, "T1 T2");
    // Sent at 200 ms and lost; redelivered every REDELIVERY_AFTER_MS: at 1.2 s (still cut
    // off, lost again), at 2.2 s (lost again), at 3.2 s after the heal at 2.5 s: it arrives at
    // 3.3 s, the reply at 3.4 s.
    let redeliveries = log.iter().filter(|l| l.contains("Redelivered")).count();
    assert_eq!(redeliveries, 3, "{log:#?}");
    let ended = m.entries.last().unwrap().at_ms;
    assert_eq!(ended, 200.0 + 3.0 * REDELIVERY_AFTER_MS + 200.0);
    let bank_b = &m.participants[1];
    assert_eq!(bank_b.cells.get("bob").copied(), Some(50), "deposited once");
    assert!(m.violations.is_empty(), "{:?}", m.violations);
}

#[test]
fn redelivery_is_an_eventuate_option_and_says_so() {
    let p =
        SagaParams { engine: EngineSpec { kind: EngineKind::Temporal, broker_redelivery: true, ..EngineSpec::default() }, ..SagaParams::default() };
    assert_eq!(SagaSim::validate(&p).unwrap_err().field, "engine.broker_redelivery");
    assert_eq!(eventuate(true).describe(), "Eventuate Tram sagas (broker redelivery)");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// On a network that loses up to 30% of messages, with the broker redelivering (and the
    /// services deduplicating), every Eventuate saga ends (completed, or rolled back when the one car is taken) and its
    /// state is consistent. The
    /// chance that one message is lost on all 1 + MAX_REDELIVERIES (21) deliveries is 0.3^21.
    #[test]
    fn with_redelivery_every_saga_ends_consistently_on_a_lossy_network(
        def in 0usize..3, seed in 0u64..1_000, drop in prop::sample::select(vec![0.1, 0.2, 0.3]), sagas in 1u32..=3,
    ) {
        let definition = Definition::builtin(["create_order", "trip_booking", "money_transfer"][def]).unwrap();
        let params = SagaParams { definition, engine: eventuate(true), sagas, ..SagaParams::default() };
        let mut s = Scenario::new(seed, 600_000.0, params);
        s.network = Some(NetworkConfig { latency: Latency::Uniform { min_ms: 50.0, max_ms: 250.0 }, drop_probability: drop });
        let (m, _) = run(&s);
        // Completed, or (the second trip when there is one car) rolled back: never waiting.
        prop_assert!(m.outcome == "completed" || m.outcome == "rolled back", "{} {}", m.outcome, m.history);
        prop_assert!(m.counts.is_none_or(|c| c.running == 0 && c.failed == 0), "{:?}", m.sagas);
        prop_assert!(m.violations.is_empty(), "{:?}", m.violations);
    }
}
