//! Random call sequences: only legal transitions, a consistent log, consistent window counts.

use faultline_core::engine::time::{Tick, TICKS_PER_MS};
use faultline_core::patterns::breaker::{
    Breaker, BreakerConfig, BreakerSpec, CircuitBreaker, ErrorKind, HystrixConfig, ManualTransition, PollyConfig, SlidingWindow, SlidingWindowType,
    State, TransitionReason, WaitInterval,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Wait(Tick),
    Call { failed: bool, ignored: bool, duration: Tick },
    Transition(State),
    Reset,
    Tick,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u64..3_000).prop_map(|ms| Op::Wait(ms * TICKS_PER_MS)),
        8 => (any::<bool>(), prop::bool::weighted(0.1), 0u64..3_000)
            .prop_map(|(failed, ignored, ms)| Op::Call { failed, ignored, duration: ms * TICKS_PER_MS }),
        1 => prop::sample::select(State::ALL.to_vec()).prop_map(Op::Transition),
        1 => Just(Op::Reset),
        1 => Just(Op::Tick),
    ]
}

fn r4j_config() -> impl Strategy<Value = BreakerConfig> {
    (
        (any::<bool>(), 1u32..8, 1u32..10, 1u32..5),
        (prop::sample::select(vec![25.0f32, 50.0, 100.0]), prop::sample::select(vec![50.0f32, 100.0])),
        (any::<bool>(), prop::sample::select(vec![0u64, 700]), any::<bool>(), any::<bool>()),
    )
        .prop_map(|((time_based, size, min, permits), (fail_t, slow_t), (auto, max_wait, backoff, to_closed))| BreakerConfig {
            sliding_window_type: if time_based { SlidingWindowType::TimeBased } else { SlidingWindowType::CountBased },
            sliding_window_size: size,
            minimum_number_of_calls: min,
            permitted_number_of_calls_in_half_open_state: permits,
            failure_rate_threshold: fail_t,
            slow_call_rate_threshold: slow_t,
            slow_call_duration_threshold_ms: 1_000,
            wait_duration_in_open_state_ms: if backoff { 60_000 } else { 1_500 },
            wait_interval_function_in_open_state: backoff.then_some(WaitInterval::ExponentialBackoff {
                initial_interval_ms: 500,
                multiplier: 2.0,
                max_interval_ms: Some(4_000),
            }),
            automatic_transition_from_open_to_half_open_enabled: auto,
            max_wait_duration_in_half_open_state_ms: max_wait,
            transition_to_state_after_wait_duration: if to_closed { State::Closed } else { State::Open },
            ..Default::default()
        })
}

fn check_metrics(b: &CircuitBreaker, now: Tick) {
    let m = b.metrics(now);
    assert_eq!(m.buffered_calls, m.successful_calls + m.failed_calls);
    assert_eq!(m.slow_calls, m.slow_successful_calls + m.slow_failed_calls);
    assert!(m.slow_failed_calls <= m.failed_calls);
    let below_minimum = m.buffered_calls == 0 || m.buffered_calls < m.minimum_number_of_calls;
    assert_eq!(m.failure_rate == -1.0, below_minimum);
    assert_eq!(m.slow_call_rate == -1.0, below_minimum);
    if !below_minimum {
        assert!((0.0..=100.0).contains(&m.failure_rate));
        assert!((0.0..=100.0).contains(&m.slow_call_rate));
    }
    match b.window() {
        SlidingWindow::CountBased(w) => {
            assert!(m.buffered_calls as usize <= w.size());
            let filled = w.cells().iter().flatten().count() as u32;
            assert_eq!(filled, m.buffered_calls);
            let failed = w.cells().iter().flatten().filter(|c| c.outcome.is_failure()).count() as u32;
            assert_eq!(failed, m.failed_calls);
        }
        SlidingWindow::TimeBased(w) => {
            let buckets = w.buckets_at(now);
            assert_eq!(buckets.len(), w.size());
            let sum: u32 = buckets.iter().map(|b| b.aggregation.calls).sum();
            assert_eq!(sum, m.buffered_calls);
            // Consecutive seconds ending at the current one once the window has moved.
            for pair in buckets.windows(2) {
                assert!(pair[0].epoch_second < pair[1].epoch_second);
            }
        }
    }
    if b.state() == State::HalfOpen {
        assert!(m.buffered_calls <= b.config().permitted_number_of_calls_in_half_open_state);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn resilience4j_only_makes_legal_transitions(config in r4j_config(), ops in prop::collection::vec(op(), 1..120)) {
        let mut now: Tick = 1_000_000_000;
        let mut b = CircuitBreaker::new(config, now).unwrap();
        for op in ops {
            match op.clone() {
                Op::Wait(d) => now += d,
                Op::Call { failed, ignored, duration } => {
                    if b.try_acquire_permission(now) {
                        if ignored {
                            b.on_error(now, duration, ErrorKind::Ignored);
                        } else if failed {
                            b.on_error(now, duration, ErrorKind::Recorded);
                        } else {
                            b.on_success(now, duration);
                        }
                    }
                }
                Op::Transition(to) => {
                    b.on_tick(now); // timers due by now fire before the manual transition
                    let from = b.state();
                    let result = b.transition_to(now, to);
                    prop_assert_eq!(result.is_ok(), from.can_transition_to(to));
                    if result.is_err() {
                        prop_assert_eq!(b.state(), from);
                    } else {
                        prop_assert_eq!(b.state(), to);
                    }
                }
                Op::Reset => b.reset(now),
                Op::Tick => b.on_tick(now),
            }
            check_metrics(&b, now);
            if !matches!(op, Op::Wait(_)) {
                if let Some(due) = b.next_wakeup() {
                    // A timer is never left overdue after an input at `now`.
                    prop_assert!(due > now);
                }
            }
            match b.state() {
                State::Closed | State::Disabled | State::MetricsOnly => prop_assert_eq!(b.attempts(), 0),
                State::Open | State::ForcedOpen => prop_assert!(b.attempts() >= 1),
                State::HalfOpen => {}
            }
        }
        let log = b.transitions();
        for t in log {
            prop_assert!(t.from != t.to);
            if t.reason != TransitionReason::Reset {
                prop_assert!(t.from.can_transition_to(t.to), "illegal {} → {}", t.from, t.to);
            }
        }
        for pair in log.windows(2) {
            prop_assert_eq!(pair[0].to, pair[1].from);
            prop_assert!(pair[0].at <= pair[1].at);
        }
        if let Some(last) = log.last() {
            prop_assert_eq!(last.to, b.state());
        }
    }

    #[test]
    fn every_library_keeps_a_consistent_log(
        which in 0usize..3,
        ops in prop::collection::vec(op(), 1..150),
    ) {
        let spec = match which {
            0 => BreakerSpec::Resilience4j(BreakerConfig { sliding_window_size: 4, minimum_number_of_calls: 2, wait_duration_in_open_state_ms: 1_000, ..Default::default() }),
            1 => BreakerSpec::Polly(PollyConfig { failure_ratio: 0.5, minimum_throughput: 2, sampling_duration_ms: 2_000, break_duration_ms: 1_000 }),
            _ => BreakerSpec::Hystrix(HystrixConfig { request_volume_threshold: 3, sleep_window_ms: 1_000, rolling_window_ms: 2_000, ..Default::default() }),
        };
        let mut now: Tick = 0;
        let mut b: Breaker = spec.build(now).unwrap();
        for op in ops {
            match op {
                Op::Wait(d) => now += d,
                Op::Call { failed, ignored, duration } => {
                    if b.try_acquire_permission(now) {
                        let kind = if ignored { ErrorKind::Ignored } else { ErrorKind::Recorded };
                        if failed || ignored { b.on_error(now, duration, kind) } else { b.on_success(now, duration) }
                    }
                }
                Op::Transition(to) => {
                    let manual = match to {
                        State::Closed => ManualTransition::Closed,
                        State::Open => ManualTransition::Open,
                        State::HalfOpen => ManualTransition::HalfOpen,
                        State::Disabled => ManualTransition::Disabled,
                        State::ForcedOpen => ManualTransition::ForcedOpen,
                        State::MetricsOnly => ManualTransition::MetricsOnly,
                    };
                    let _ = b.transition(now, manual);
                }
                Op::Reset => { let _ = b.transition(now, ManualTransition::Reset); }
                Op::Tick => b.on_tick(now),
            }
            let m = b.metrics(now);
            prop_assert!(m.failed <= m.buffered);
            prop_assert!(m.failure_rate == -1.0 || (0.0..=100.0).contains(&m.failure_rate));
        }
        let log = b.transitions();
        for pair in log.windows(2) {
            prop_assert_eq!(pair[0].to, pair[1].from);
            prop_assert!(pair[0].at <= pair[1].at);
        }
        if let Some(last) = log.last() {
            prop_assert_eq!(last.to, b.state());
        }
    }
}
