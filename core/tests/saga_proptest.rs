//! Property tests over random fault schedules: the saga history invariant always holds; when
//! compensations eventually succeed every saga ends completed or rolled back with consistent
//! participant state; and with idempotency on, duplicated delivery never changes the end state.

#![cfg(feature = "saga")]

use faultline_core::engine::{Fault, Latency, NetworkConfig, Simulation};
use faultline_core::patterns::saga::definition::Definition;
use faultline_core::patterns::saga::sim::Coordination;
use faultline_core::patterns::saga::{EngineKind, EngineSpec, FaultSpec, SagaParams, SagaSim, StepFault, ORCHESTRATOR};
use faultline_core::scenario::{Scenario, TimedFault};
use proptest::prelude::*;

const DEFINITIONS: [&str; 3] = ["create_order", "trip_booking", "money_transfer"];

fn run(scenario: &Scenario<SagaSim>) -> faultline_core::patterns::saga::sim::SagaMetrics {
    let mut sim = Simulation::<SagaSim>::start(&scenario.params, scenario.seed, scenario.network_config(), 0);
    sim.run_until(scenario.duration(), &scenario.schedule());
    sim.metrics()
}

fn scenario(params: SagaParams, seed: u64, drop: f64) -> Scenario<SagaSim> {
    let mut s = Scenario::new(seed, 3_600_000.0, params);
    s.network = Some(NetworkConfig { latency: Latency::Uniform { min_ms: 50.0, max_ms: 250.0 }, drop_probability: drop });
    s
}

fn fault_kind(code: u8, times: u32) -> Option<FaultSpec> {
    match code {
        0 => Some(FaultSpec::Business),
        1 => Some(FaultSpec::Transient { times }),
        2 => Some(FaultSpec::Timeout { times }),
        _ => None,
    }
}

/// Turns raw draws into valid step faults for `definition` (compensation faults only where
/// the step has a compensation).
fn faults(definition: &Definition, draws: &[(u8, u32, u8, u32)], allow: impl Fn(usize, bool, FaultSpec) -> bool) -> Vec<StepFault> {
    let mut out = Vec::new();
    for (i, &(fwd, fwd_times, comp, comp_times)) in draws.iter().enumerate().take(definition.steps.len()) {
        if let Some(f) = fault_kind(fwd, fwd_times) {
            if allow(i, false, f) {
                out.push(StepFault { step: i + 1, compensation: false, fault: f, saga: None });
            }
        }
        if definition.steps[i].compensation.is_some() {
            if let Some(f) = fault_kind(comp, comp_times) {
                if allow(i, true, f) {
                    out.push(StepFault { step: i + 1, compensation: true, fault: f, saga: None });
                }
            }
        }
    }
    out
}

fn draws() -> impl Strategy<Value = Vec<(u8, u32, u8, u32)>> {
    prop::collection::vec((0u8..6, 1u32..5, 0u8..6, 1u32..5), 6)
}

fn engine(kind: u8, parallel: bool, continue_with_error: bool) -> EngineSpec {
    let kind = EngineKind::ALL[kind as usize % 3];
    EngineSpec { kind, parallel_compensation: parallel, continue_with_error, ..EngineSpec::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_history_has_the_saga_shape(
        def in 0usize..3, kind in 0u8..3, parallel: bool, cwe: bool, idempotency: bool, duplicate: bool,
        raw in draws(), seed in 0u64..1_000, drop in prop::sample::select(vec![0.0, 0.1, 0.3]),
        crash_at in prop::option::of(0.0f64..3_000.0), down_for in 100.0f64..4_000.0, choreography: bool,
    ) {
        let definition = Definition::builtin(DEFINITIONS[def]).unwrap();
        let faults = faults(&definition, &raw, |_, _, _| true);
        let coordination = if choreography { Coordination::Choreography } else { Coordination::Orchestration };
        let params = SagaParams { definition, engine: engine(kind, parallel, cwe), idempotency, duplicate_delivery: duplicate, faults, coordination, ..SagaParams::default() };
        let mut s = scenario(params, seed, drop);
        if let Some(at) = crash_at {
            s.faults = vec![
                TimedFault { at_ms: at, fault: Fault::Crash { node: ORCHESTRATOR } },
                TimedFault { at_ms: at + down_for, fault: Fault::Restart { node: ORCHESTRATOR } },
            ];
        }
        let m = run(&s);
        let shape: Vec<_> = m.violations.iter().filter(|v| v.rule == "history").collect();
        prop_assert!(shape.is_empty(), "{} under {}: {:?}", m.history, m.engine, shape);
    }

    #[test]
    fn when_compensations_eventually_succeed_every_saga_completes_or_rolls_back_consistently(
        def in 0usize..3, temporal: bool, parallel: bool, cwe: bool, duplicate: bool,
        raw in draws(), seed in 0u64..1_000, drop in prop::sample::select(vec![0.0, 0.1, 0.2]),
    ) {
        let definition = Definition::builtin(DEFINITIONS[def]).unwrap();
        let pivot = definition.pivot().unwrap_or(usize::MAX);
        let kind = if temporal { EngineKind::Temporal } else { EngineKind::GarciaMolinaSalem };
        // Compensations fail only passingly; business errors only up to the pivot (after it a
        // step is retryable by definition). A timeout or a lost message is a failure GMS does
        // not retry before the pivot although it may have taken effect, so those only with
        // Temporal, which retries them and lets the idempotency table absorb the repeat.
        let faults = faults(&definition, &raw, |step, compensation, f| match f {
            FaultSpec::Business => !compensation && step <= pivot,
            FaultSpec::Transient { .. } => true,
            FaultSpec::Timeout { .. } => temporal,
        });
        let params = SagaParams {
            definition,
            engine: EngineSpec { kind, parallel_compensation: parallel, continue_with_error: cwe, ..EngineSpec::default() },
            idempotency: true,
            duplicate_delivery: duplicate,
            faults,
            ..SagaParams::default()
        };
        let m = run(&scenario(params, seed, if temporal { drop } else { 0.0 }));
        prop_assert!(m.outcome == "completed" || m.outcome == "rolled back", "{} {} under {}", m.outcome, m.history, m.engine);
        prop_assert!(m.violations.is_empty(), "{} under {}: {:?}", m.history, m.engine, m.violations);
    }

    #[test]
    fn with_idempotency_on_duplicated_delivery_never_changes_the_end_state(
        def in 0usize..3, kind in 0u8..3, parallel: bool, cwe: bool, raw in draws(), seed in 0u64..1_000, choreography: bool,
    ) {
        let definition = Definition::builtin(DEFINITIONS[def]).unwrap();
        let coordination = if choreography { Coordination::Choreography } else { Coordination::Orchestration };
        // Without timeouts: a "timeout" fault is a slow reply, and a duplicate answered from
        // the idempotency table can beat it, which changes what the orchestrator sees.
        let faults = faults(&definition, &raw, |_, _, f| !matches!(f, FaultSpec::Timeout { .. }));
        let params = SagaParams { definition, engine: engine(kind, parallel, cwe), idempotency: true, faults, coordination, ..SagaParams::default() };
        let once = run(&scenario(params.clone(), seed, 0.0));
        let twice = run(&scenario(SagaParams { duplicate_delivery: true, ..params }, seed, 0.0));
        let state = |m: &faultline_core::patterns::saga::sim::SagaMetrics| m.participants.iter().map(|p| (p.cells.clone(), p.rows.clone())).collect::<Vec<_>>();
        prop_assert_eq!(state(&once), state(&twice), "{} vs {}", once.history, twice.history);
        prop_assert_eq!(&once.outcome, &twice.outcome);
        // Parallel compensations finish in whatever order the network gives them.
        let tokens = |h: &str| { let mut t: Vec<String> = h.split(' ').map(str::to_string).collect(); if parallel { faultline_core::order::sort(&mut t); } t };
        prop_assert_eq!(tokens(&once.final_history), tokens(&twice.final_history));
    }
}

#[test]
fn without_idempotency_duplicated_delivery_does_change_the_end_state() {
    // The property above is not vacuous: the same duplicate delivery, dedup off, withdraws twice.
    let params = SagaParams {
        definition: Definition::builtin("money_transfer").unwrap(),
        duplicate_delivery: true,
        idempotency: false,
        ..SagaParams::default()
    };
    let m = run(&scenario(params, 1, 0.0));
    assert_eq!(m.participants[0].cells.get("alice").copied(), Some(40));
    assert!(m.violations.iter().any(|v| v.rule == "exactly_once"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn with_the_semantic_lock_cancelled_but_approved_is_unreachable(
        kind in 0u8..3, raw in draws(), seed in 0u64..1_000, cancel_at in 0.0f64..4_000.0, duplicate: bool,
    ) {
        let definition = Definition::builtin("create_order").unwrap();
        let faults = faults(&definition, &raw, |_, _, _| true);
        let params = SagaParams { definition, engine: engine(kind, false, false), semantic_lock: true, duplicate_delivery: duplicate, faults, ..SagaParams::default() };
        let mut s = scenario(params, seed, 0.0);
        s.actions = vec![faultline_core::scenario::TimedCommand { at_ms: cancel_at, command: faultline_core::patterns::saga::SagaCommand::CancelOrder }];
        let m = run(&s);
        prop_assert!(m.violations.iter().all(|v| v.rule != "isolation"), "{:?}", m.violations);
    }
}

#[test]
fn without_the_semantic_lock_cancelled_but_approved_is_reachable() {
    let params = SagaParams { definition: Definition::builtin("create_order").unwrap(), ..SagaParams::default() };
    let hits = (0..40)
        .filter(|i| {
            let mut s = scenario(params.clone(), 1, 0.0);
            s.actions = vec![faultline_core::scenario::TimedCommand {
                at_ms: 100.0 * *i as f64,
                command: faultline_core::patterns::saga::SagaCommand::CancelOrder,
            }];
            run(&s).violations.iter().any(|v| v.rule == "isolation")
        })
        .count();
    assert!(hits > 5, "a cancel while the saga runs is overwritten: {hits} of 40 cancel times");
}
