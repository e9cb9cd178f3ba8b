//! Golden traces for the resilience4j breaker. Many mirror a test of resilience4j's own
//! `CircuitBreakerStateMachineTest` (named in each comment); expected values are derived by
//! hand from resilience4j's semantics, not copied from this crate's output.

use faultline_core::engine::time::{Tick, TICKS_PER_MS, TICKS_PER_SECOND};
use faultline_core::patterns::breaker::{
    BreakerConfig, CallNotPermitted, CircuitBreaker, ErrorKind, IllegalStateTransition, SlidingWindowType, State, TransitionReason, WaitInterval,
};

/// 2019-01-01T12:00:00Z, resilience4j's MockClock start, on a whole second.
const T0: Tick = 1_546_344_000 * TICKS_PER_SECOND;
const S: Tick = TICKS_PER_SECOND;
const MS: Tick = TICKS_PER_MS;

/// resilience4j's test `setUp()` configuration.
fn their_setup() -> BreakerConfig {
    BreakerConfig {
        failure_rate_threshold: 50.0,
        permitted_number_of_calls_in_half_open_state: 4,
        slow_call_duration_threshold_ms: 4_000,
        slow_call_rate_threshold: 50.0,
        max_wait_duration_in_half_open_state_ms: 1_000,
        sliding_window_type: SlidingWindowType::TimeBased,
        sliding_window_size: 20,
        minimum_number_of_calls: 5,
        wait_duration_in_open_state_ms: 5_000,
        ..Default::default()
    }
}

fn count_based(size: u32, min: u32) -> BreakerConfig {
    BreakerConfig { sliding_window_size: size, minimum_number_of_calls: min, ..Default::default() }
}

fn breaker(config: BreakerConfig) -> CircuitBreaker {
    CircuitBreaker::new(config, T0).expect("valid config")
}

fn fail(b: &mut CircuitBreaker, now: Tick) {
    assert!(b.try_acquire_permission(now));
    b.on_error(now, 0, ErrorKind::Recorded);
}

fn succeed(b: &mut CircuitBreaker, now: Tick, duration: Tick) {
    assert!(b.try_acquire_permission(now));
    b.on_success(now, duration);
}

#[test]
fn defaults_are_resilience4j_defaults() {
    let c = BreakerConfig::default();
    assert_eq!(c.failure_rate_threshold, 50.0);
    assert_eq!(c.slow_call_rate_threshold, 100.0);
    assert_eq!(c.slow_call_duration_threshold_ms, 60_000);
    assert_eq!(c.permitted_number_of_calls_in_half_open_state, 10);
    assert_eq!(c.max_wait_duration_in_half_open_state_ms, 0);
    assert_eq!(c.sliding_window_type, SlidingWindowType::CountBased);
    assert_eq!(c.sliding_window_size, 100);
    assert_eq!(c.minimum_number_of_calls, 100);
    assert_eq!(c.wait_duration_in_open_state_ms, 60_000);
    assert!(!c.automatic_transition_from_open_to_half_open_enabled);
    assert_eq!(c.transition_to_state_after_wait_duration, State::Open);
    // And they deserialize from an empty object.
    let parsed: BreakerConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(parsed, c);
    assert!(serde_json::from_str::<BreakerConfig>(r#"{"failure_rate":1}"#).is_err());
}

// shouldOpenAfterFailureRateThresholdExceeded: 3 failures, 2 successes → 60 % ≥ 50 %.
#[test]
fn opens_at_sixty_percent_after_the_minimum_number_of_calls() {
    let mut b = breaker(their_setup());
    for i in 1..=3 {
        fail(&mut b, T0);
        let m = b.metrics(T0);
        assert_eq!((m.failure_rate, m.buffered_calls, m.failed_calls), (-1.0, i, i));
    }
    succeed(&mut b, T0, 0);
    assert_eq!(b.metrics(T0).failure_rate, -1.0);
    assert_eq!(b.state(), State::Closed);
    b.on_success(T0, 0);
    assert_eq!(b.state(), State::Open);
    let m = b.metrics(T0);
    assert_eq!((m.failure_rate, m.successful_calls, m.buffered_calls, m.failed_calls), (60.0, 2, 5, 3));
    assert_eq!(m.not_permitted_calls, 0);
    assert!(!b.try_acquire_permission(T0));
    assert_eq!(b.metrics(T0).not_permitted_calls, 1);
    assert_eq!(b.transitions().len(), 1);
    assert_eq!(b.transitions()[0].to_string(), "5 calls, 60% ≥ 50% → OPEN");
    assert_eq!(b.attempts(), 1);
}

// shouldOpenAfterFailureRateThresholdExceeded2: one call a second in a 20 s time window;
// the sixth call makes 3 of 6 = 50 %, and 50 ≥ 50 opens (the comparison is inclusive).
#[test]
fn threshold_is_inclusive_in_a_time_window() {
    let mut b = breaker(their_setup());
    b.on_success(T0, 0);
    b.on_success(T0 + S, 0);
    b.on_success(T0 + 2 * S, 0);
    b.on_error(T0 + 3 * S, 0, ErrorKind::Recorded);
    b.on_error(T0 + 4 * S, 0, ErrorKind::Recorded);
    assert_eq!(b.state(), State::Closed); // 2 of 5 = 40 %
    assert_eq!(b.metrics(T0 + 5 * S).failure_rate, 40.0);
    b.on_error(T0 + 5 * S, 0, ErrorKind::Recorded);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.transitions()[0].reason, TransitionReason::FailureRateExceeded { calls: 6, failure_rate: 50.0, threshold: 50.0 });
}

#[test]
fn count_window_boundary_fifty_percent_opens_but_a_hair_above_does_not() {
    let mut b = breaker(count_based(4, 4));
    for (i, failed) in [true, false, true, false].into_iter().enumerate() {
        assert_eq!(b.state(), State::Closed, "before call {i}");
        if failed {
            fail(&mut b, T0)
        } else {
            succeed(&mut b, T0, 0)
        }
    }
    assert_eq!(b.state(), State::Open);

    let mut b = breaker(BreakerConfig { failure_rate_threshold: 50.5, ..count_based(4, 4) });
    for failed in [true, false, true, false] {
        if failed {
            fail(&mut b, T0)
        } else {
            succeed(&mut b, T0, 0)
        }
    }
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics(T0).failure_rate, 50.0);
}

#[test]
fn minimum_number_of_calls_gates_the_rates_and_is_capped_by_a_count_window() {
    let mut b = breaker(count_based(10, 5));
    for _ in 0..4 {
        fail(&mut b, T0);
    }
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics(T0).failure_rate, -1.0);
    assert_eq!(b.metrics(T0).slow_call_rate, -1.0);
    fail(&mut b, T0);
    assert_eq!(b.state(), State::Open);

    // minimum 100 but a 3-call window: effective minimum is 3.
    let mut b = breaker(count_based(3, 100));
    assert_eq!(b.metrics(T0).minimum_number_of_calls, 3);
    fail(&mut b, T0);
    fail(&mut b, T0);
    assert_eq!(b.state(), State::Closed);
    fail(&mut b, T0);
    assert_eq!(b.state(), State::Open);

    // A time window does not cap it: 3 failures in a 3 s window with minimum 5 stay closed.
    let mut b = breaker(BreakerConfig { sliding_window_type: SlidingWindowType::TimeBased, ..count_based(3, 5) });
    for _ in 0..3 {
        fail(&mut b, T0);
    }
    assert_eq!(b.metrics(T0).minimum_number_of_calls, 5);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn count_window_forgets_the_oldest_outcome() {
    // Window of 4, minimum 4, threshold 50: F S S S → 25 %; S pushes the F out → 0 %.
    let mut b = breaker(count_based(4, 4));
    fail(&mut b, T0);
    for _ in 0..3 {
        succeed(&mut b, T0, 0);
    }
    assert_eq!(b.metrics(T0).failure_rate, 25.0);
    succeed(&mut b, T0, 0);
    let m = b.metrics(T0);
    assert_eq!((m.buffered_calls, m.failed_calls, m.failure_rate), (4, 0, 0.0));
    fail(&mut b, T0); // S S S F: 25 %
    assert_eq!(b.state(), State::Closed);
    fail(&mut b, T0); // S S F F: 50 % → OPEN
    assert_eq!(b.state(), State::Open);
}

fn time_window_2s_min_4() -> BreakerConfig {
    BreakerConfig { sliding_window_type: SlidingWindowType::TimeBased, sliding_window_size: 2, minimum_number_of_calls: 4, ..Default::default() }
}

#[test]
fn time_window_still_holds_the_previous_second() {
    let mut b = breaker(time_window_2s_min_4());
    for ms in [0, 100, 200] {
        b.on_error(T0 + ms * MS, 0, ErrorKind::Recorded);
    }
    assert_eq!(b.metrics(T0 + 200 * MS).failure_rate, -1.0);
    // At 1.5 s the window is seconds {0, 1}: 3 F + 1 S = 75 % → OPEN.
    b.on_success(T0 + 1_500 * MS, 0);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn time_window_evicts_the_bucket_of_an_older_second() {
    let mut b = breaker(time_window_2s_min_4());
    for ms in [0, 100, 200] {
        b.on_error(T0 + ms * MS, 0, ErrorKind::Recorded);
    }
    // Read at 1.999999 s the failures are still in; at 2.0 s the second-0 bucket is gone.
    assert_eq!(b.metrics(T0 + 2 * S - 1).buffered_calls, 3);
    assert_eq!(b.metrics(T0 + 2 * S).buffered_calls, 0);
    b.on_success(T0 + 2 * S, 0);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.metrics(T0 + 2 * S).buffered_calls, 1);
    b.on_success(T0 + 2_100 * MS, 0);
    b.on_success(T0 + 2_200 * MS, 0);
    b.on_error(T0 + 2_300 * MS, 0, ErrorKind::Recorded);
    let m = b.metrics(T0 + 2_300 * MS);
    assert_eq!((m.buffered_calls, m.failed_calls, m.failure_rate), (4, 1, 25.0));
    assert_eq!(b.state(), State::Closed);
}

// shouldOnlyPermitFourCallsInHalfOpenState
#[test]
fn half_open_permits_exactly_the_configured_calls() {
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    for _ in 0..4 {
        assert!(b.try_acquire_permission(T0));
    }
    assert!(!b.try_acquire_permission(T0));
    assert!(!b.try_acquire_permission(T0));
    assert_eq!(b.metrics(T0).not_permitted_calls, 2);
    assert_eq!(b.half_open_permits_left(), Some(0));
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    for _ in 0..4 {
        assert!(b.try_acquire_permission(T0));
    }
    assert!(!b.try_acquire_permission(T0));
    assert_eq!(b.acquire_permission(T0), Err(CallNotPermitted { state: State::HalfOpen }));
}

// shouldTransitionBackToOpenStateWhenFailureRateIsAboveThreshold: F F S F = 75 %.
#[test]
fn half_open_reopens_when_the_trial_calls_fail() {
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    fail(&mut b, T0);
    fail(&mut b, T0);
    succeed(&mut b, T0, 0);
    assert_eq!(b.state(), State::HalfOpen);
    fail(&mut b, T0);
    assert_eq!(b.state(), State::Open);
    let m = b.metrics(T0);
    assert_eq!((m.failure_rate, m.successful_calls, m.buffered_calls, m.failed_calls), (75.0, 1, 4, 3));
    // Second opening without a close: attempt 2.
    assert_eq!(b.attempts(), 2);
}

// shouldTransitionBackToOpenStateWhenSlowCallRateIsAboveThreshold: 3 slow of 4 = 75 %.
#[test]
fn half_open_reopens_on_slow_calls() {
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    for _ in 0..3 {
        succeed(&mut b, T0, 5 * S);
    }
    succeed(&mut b, T0, S);
    assert_eq!(b.state(), State::Open);
    let m = b.metrics(T0);
    assert_eq!((m.slow_calls, m.slow_call_rate, m.failure_rate), (3, 75.0, 0.0));
    assert_eq!(b.transitions().last().unwrap().to_string(), "4 calls, 75% slow ≥ 50% → OPEN");
}

// shouldTransitionBackToClosedStateWhenFailureIsBelowThreshold: F S S S = 25 %.
#[test]
fn half_open_closes_when_the_trial_calls_succeed_and_metrics_start_over() {
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    fail(&mut b, T0);
    succeed(&mut b, T0, 0);
    succeed(&mut b, T0, 0);
    succeed(&mut b, T0, 0);
    assert_eq!(b.state(), State::Closed);
    let m = b.metrics(T0);
    assert_eq!((m.failure_rate, m.buffered_calls, m.failed_calls), (-1.0, 0, 0));
    assert_eq!(b.attempts(), 0);
    assert_eq!(b.transitions().last().unwrap().to_string(), "4 calls, 25% < 50% and 0% slow < 50% → CLOSED");
    succeed(&mut b, T0, 0);
    assert_eq!(b.metrics(T0).buffered_calls, 1);
}

// The half-open window is count based with minimum = min(minimum_number_of_calls, permitted),
// so with 10 permits and a minimum of 2 the decision comes after 2 calls, not 10.
#[test]
fn half_open_decides_after_min_of_minimum_calls_and_permits() {
    let mut b = breaker(BreakerConfig { minimum_number_of_calls: 2, ..count_based(10, 2) });
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    succeed(&mut b, T0, 0);
    assert_eq!(b.state(), State::HalfOpen);
    succeed(&mut b, T0, 0);
    assert_eq!(b.state(), State::Closed);

    // With the defaults (minimum 100, 10 permits) it takes all 10.
    let mut b = breaker(BreakerConfig::default());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    for _ in 0..9 {
        succeed(&mut b, T0, 0);
    }
    assert_eq!(b.state(), State::HalfOpen);
    succeed(&mut b, T0, 0);
    assert_eq!(b.state(), State::Closed);
}

// shouldTransitionToHalfOpenAfterWaitDuration, plus the exact boundary: Java's
// `clock.instant().isAfter(retryAfter)` is strict.
#[test]
fn lazy_half_open_needs_a_call_strictly_after_the_wait() {
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    assert!(!b.try_acquire_permission(T0));
    assert!(!b.try_acquire_permission(T0 + 3 * S));
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.metrics(T0 + 3 * S).not_permitted_calls, 2);
    assert_eq!(b.next_wakeup(), None); // no timer in lazy mode
    assert!(!b.try_acquire_permission(T0 + 5 * S));
    assert_eq!(b.state(), State::Open);
    assert!(b.try_acquire_permission(T0 + 5 * S + 1));
    assert_eq!(b.state(), State::HalfOpen);
    let m = b.metrics(T0 + 5 * S + 1);
    assert_eq!((m.failure_rate, m.buffered_calls, m.not_permitted_calls), (-1.0, 0, 0));
    let t = b.transitions().last().unwrap();
    assert_eq!((t.at, t.from, t.to), (T0 + 5 * S + 1, State::Open, State::HalfOpen));
    assert_eq!(t.reason, TransitionReason::WaitElapsed { waited: 5 * S + 1, automatic: false });
}

#[test]
fn automatic_half_open_fires_at_the_wait_even_without_a_call() {
    let config =
        BreakerConfig { automatic_transition_from_open_to_half_open_enabled: true, max_wait_duration_in_half_open_state_ms: 0, ..their_setup() };
    let mut b = breaker(config.clone());
    b.transition_to_open(T0).unwrap();
    assert_eq!(b.next_wakeup(), Some(T0 + 5 * S));
    b.on_tick(T0 + 5 * S - 1);
    assert_eq!(b.state(), State::Open);
    b.on_tick(T0 + 7 * S);
    assert_eq!(b.state(), State::HalfOpen);
    let t = b.transitions().last().unwrap();
    // Logged at the timer's due time, not when we happened to tick.
    assert_eq!(t.at, T0 + 5 * S);
    assert_eq!(t.reason, TransitionReason::WaitElapsed { waited: 5 * S, automatic: true });

    // A call exactly at the wait is permitted (the timer fires first), unlike lazy mode.
    let mut b = breaker(config);
    b.transition_to_open(T0).unwrap();
    assert!(b.try_acquire_permission(T0 + 5 * S));
    assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn due_timers_chain_in_order_each_at_its_own_time() {
    // Automatic OPEN → HALF_OPEN at 5 s, then the 1 s HALF_OPEN limit re-opens at 6 s
    // (attempt 2), whose wait ends at 11 s: one tick at 7 s fires the first two only.
    let config = BreakerConfig { automatic_transition_from_open_to_half_open_enabled: true, ..their_setup() };
    let mut b = breaker(config);
    b.transition_to_open(T0).unwrap();
    b.on_tick(T0 + 7 * S);
    let log: Vec<(Tick, State, State)> = b.transitions().iter().map(|t| (t.at, t.from, t.to)).collect();
    assert_eq!(log, vec![(T0, State::Closed, State::Open), (T0 + 5 * S, State::Open, State::HalfOpen), (T0 + 6 * S, State::HalfOpen, State::Open),]);
    assert_eq!(b.attempts(), 2);
    assert_eq!(b.next_wakeup(), Some(T0 + 11 * S));
}

// shouldTransitionToHalfOpenAfterWaitInterval: ofExponentialBackoff(5000) (×1.5).
#[test]
fn exponential_backoff_grows_per_reopening_and_resets_on_close() {
    let config = BreakerConfig {
        wait_interval_function_in_open_state: Some(WaitInterval::ExponentialBackoff {
            initial_interval_ms: 5_000,
            multiplier: 1.5,
            max_interval_ms: None,
        }),
        wait_duration_in_open_state_ms: 60_000,
        ..their_setup()
    };
    let mut b = breaker(config);
    b.transition_to_open(T0).unwrap();
    assert_eq!(b.attempts(), 1);
    assert!(!b.try_acquire_permission(T0 + 3 * S));
    assert!(b.try_acquire_permission(T0 + 6 * S));
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.attempts(), 1);
    let t1 = T0 + 6 * S;
    b.transition_to_open(t1).unwrap();
    assert_eq!(b.attempts(), 2);
    assert_eq!(b.retry_after(), Some(t1 + 7_500 * MS));
    assert!(!b.try_acquire_permission(t1 + 6 * S));
    assert!(b.try_acquire_permission(t1 + 11 * S));
    // Third opening, from HALF_OPEN by 4 failed trial calls: 7 500 × 1.5 = 11 250 ms.
    let t2 = t1 + 11 * S;
    b.on_error(t2, 0, ErrorKind::Recorded);
    for _ in 0..3 {
        fail(&mut b, t2);
    }
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.attempts(), 3);
    assert_eq!(b.retry_after(), Some(t2 + 11_250 * MS));
    // Closing resets the attempt counter: the next opening waits 5 s again.
    b.transition_to_closed(t2).unwrap();
    assert_eq!(b.attempts(), 0);
    b.transition_to_open(t2).unwrap();
    assert_eq!(b.attempts(), 1);
    assert_eq!(b.retry_after(), Some(t2 + 5 * S));
}

#[test]
fn max_wait_in_half_open_goes_to_open_or_closed() {
    // circuitBreakerTransitionsToOpenAfterWaitDurationInHalfOpenState
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    assert_eq!(b.next_wakeup(), Some(T0 + S));
    succeed(&mut b, T0, 0); // 1 of 4 trial calls: no decision yet
    b.on_tick(T0 + S);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.attempts(), 2);
    let t = b.transitions().last().unwrap();
    assert_eq!((t.at, t.reason.clone()), (T0 + S, TransitionReason::HalfOpenWaitElapsed { waited: S }));

    // circuitBreakerTransitionsToClosedAfterWaitDurationInHalfOpenState
    let mut b = breaker(BreakerConfig { transition_to_state_after_wait_duration: State::Closed, ..their_setup() });
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    b.on_tick(T0 + S);
    assert_eq!(b.state(), State::Closed);

    // 0 = wait forever.
    let mut b = breaker(BreakerConfig { max_wait_duration_in_half_open_state_ms: 0, ..their_setup() });
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    assert_eq!(b.next_wakeup(), None);
    b.on_tick(T0 + 1_000 * S);
    assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn open_records_late_results_of_calls_let_in_before_it_opened() {
    let mut b = breaker(count_based(5, 5));
    for _ in 0..5 {
        fail(&mut b, T0);
    }
    assert_eq!(b.state(), State::Open);
    b.on_success(T0, 0); // pushes one failure out of the 5-call window
    let m = b.metrics(T0);
    assert_eq!((m.buffered_calls, m.failed_calls, m.failure_rate), (5, 4, 80.0));
    assert_eq!(b.state(), State::Open);
}

// shouldDisableCircuitBreaker / shouldForceOpenCircuitBreaker / shouldRecordMetricsInMetricsOnlyState
#[test]
fn special_states() {
    let mut b = breaker(count_based(5, 5));
    b.transition_to_disabled(T0).unwrap();
    for _ in 0..20 {
        fail(&mut b, T0);
    }
    assert_eq!(b.state(), State::Disabled);
    let m = b.metrics(T0);
    assert_eq!((m.buffered_calls, m.failure_rate, m.not_permitted_calls), (0, -1.0, 0));

    b.transition_to_forced_open(T0).unwrap();
    assert_eq!(b.attempts(), 1);
    assert!(!b.try_acquire_permission(T0));
    assert!(!b.try_acquire_permission(T0 + 1_000 * S));
    b.on_error(T0, 0, ErrorKind::Recorded);
    let m = b.metrics(T0);
    assert_eq!((m.buffered_calls, m.not_permitted_calls), (0, 2));
    assert_eq!(b.state(), State::ForcedOpen);

    b.transition_to_metrics_only(T0).unwrap();
    assert_eq!(b.attempts(), 0);
    for _ in 0..5 {
        fail(&mut b, T0);
    }
    assert_eq!(b.state(), State::MetricsOnly);
    let m = b.metrics(T0);
    assert_eq!((m.buffered_calls, m.failed_calls, m.failure_rate), (5, 5, 100.0));
    // shouldResetMetricsAfterMetricsOnlyStateTransition
    b.transition_to_closed(T0).unwrap();
    assert_eq!(b.metrics(T0).buffered_calls, 0);
    b.transition_to_metrics_only(T0).unwrap();
    assert_eq!(b.metrics(T0).buffered_calls, 0);
}

// shouldNotAllowTransitionFromClosedToHalfOpen and the METRICS_ONLY exits.
#[test]
fn illegal_transitions_are_refused_and_change_nothing() {
    let mut b = breaker(count_based(5, 5));
    assert_eq!(b.transition_to_half_open(T0), Err(IllegalStateTransition { from: State::Closed, to: State::HalfOpen }));
    assert_eq!(b.state(), State::Closed);
    b.transition_to_metrics_only(T0).unwrap();
    assert!(b.transition_to_open(T0).is_err());
    assert!(b.transition_to_half_open(T0).is_err());
    assert_eq!(b.state(), State::MetricsOnly);
    assert_eq!(b.transition_to_open(T0).unwrap_err().to_string(), "illegal state transition from METRICS_ONLY to OPEN");
    b.transition_to_forced_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    assert_eq!(b.state(), State::HalfOpen);
}

// allCircuitBreakerStatesAllowTransitionToItsOwnState /
// circuitBreakerDoesNotPublishStateTransitionEventsForInternalTransitions
#[test]
fn self_transitions_rebuild_the_state_without_logging() {
    let mut b = breaker(count_based(5, 5));
    fail(&mut b, T0);
    b.transition_to_closed(T0).unwrap();
    assert_eq!(b.metrics(T0).buffered_calls, 0);
    b.transition_to_open(T0).unwrap();
    b.transition_to_open(T0 + S).unwrap();
    assert_eq!(b.attempts(), 2);
    assert_eq!(b.transitions().len(), 1); // only CLOSED → OPEN
}

// shouldReleasePermissionWhenExceptionIgnored / shouldIgnoreExceptionsAndThenTransitionToClosed
#[test]
fn ignored_errors_give_back_the_half_open_permit_and_are_not_recorded() {
    let mut b = breaker(their_setup());
    b.transition_to_open(T0).unwrap();
    b.transition_to_half_open(T0).unwrap();
    for _ in 0..4 {
        assert!(b.try_acquire_permission(T0));
    }
    assert!(!b.try_acquire_permission(T0));
    b.on_error(T0, 0, ErrorKind::Ignored);
    assert_eq!(b.metrics(T0).buffered_calls, 0);
    assert!(b.try_acquire_permission(T0));
    for _ in 0..4 {
        b.on_success(T0, 0);
    }
    assert_eq!(b.state(), State::Closed);

    // An error that is neither recorded nor ignored counts as a success.
    let mut b = breaker(count_based(2, 2));
    b.on_error(T0, 0, ErrorKind::NotRecorded);
    b.on_error(T0, 0, ErrorKind::NotRecorded);
    let m = b.metrics(T0);
    assert_eq!((m.buffered_calls, m.successful_calls, m.failure_rate), (2, 2, 0.0));
}

#[test]
fn slow_calls_are_strictly_longer_than_the_threshold() {
    let config = BreakerConfig { slow_call_rate_threshold: 50.0, slow_call_duration_threshold_ms: 4_000, ..count_based(5, 5) };
    let mut b = breaker(config);
    for _ in 0..5 {
        succeed(&mut b, T0, 4 * S); // exactly the threshold: not slow
    }
    assert_eq!(b.metrics(T0).slow_calls, 0);
    succeed(&mut b, T0, 4 * S + 1);
    succeed(&mut b, T0, 5 * S);
    assert_eq!(b.state(), State::Closed); // 2 of 5 = 40 %
    b.on_error(T0, 5 * S, ErrorKind::Recorded);
    // window: 2 fast S, 2 slow S, 1 slow F → slow 60 %, failure 20 %
    assert_eq!(b.state(), State::Open);
    let m = b.metrics(T0);
    assert_eq!((m.slow_calls, m.slow_successful_calls, m.slow_failed_calls, m.slow_call_rate), (3, 2, 1, 60.0));
    assert_eq!(b.transitions()[0].to_string(), "5 calls, 60% slow ≥ 50% → OPEN");
}

#[test]
fn both_rates_exceeded_is_its_own_reason() {
    let config = BreakerConfig { slow_call_rate_threshold: 50.0, slow_call_duration_threshold_ms: 1_000, ..count_based(2, 2) };
    let mut b = breaker(config);
    b.on_error(T0, 2 * S, ErrorKind::Recorded);
    b.on_error(T0, 2 * S, ErrorKind::Recorded);
    assert_eq!(b.transitions()[0].to_string(), "2 calls, 100% ≥ 50% and 100% slow ≥ 50% → OPEN");
}

// shouldResetToClosedState / shouldResetClosedState
#[test]
fn reset_goes_to_a_fresh_closed_state_from_anywhere() {
    let mut b = breaker(count_based(5, 5));
    fail(&mut b, T0);
    b.reset(T0);
    assert_eq!(b.metrics(T0).buffered_calls, 0);
    assert!(b.transitions().is_empty()); // CLOSED → CLOSED is not logged
    b.transition_to_forced_open(T0).unwrap();
    b.reset(T0 + S);
    assert_eq!(b.state(), State::Closed);
    let t = b.transitions().last().unwrap();
    assert_eq!((t.from, t.to, t.reason.clone()), (State::ForcedOpen, State::Closed, TransitionReason::Reset));
    assert_eq!(b.attempts(), 0);
}

// circuitBreakerInitializeInOpenState
#[test]
fn a_breaker_can_start_open() {
    let mut b = breaker(BreakerConfig { initial_state: State::Open, ..their_setup() });
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.attempts(), 1);
    assert_eq!(b.retry_after(), Some(T0 + 5 * S));
    assert!(b.try_acquire_permission(T0 + 5 * S + 1));
}

#[test]
fn transition_to_open_for_keeps_the_attempt_count() {
    // shouldTransitionToHalfOpenAfterPassedWaitDuration: OPEN for 2 h.
    let mut b = breaker(their_setup());
    b.transition_to_open_for(T0, 7_200 * S).unwrap();
    assert_eq!(b.attempts(), 0);
    assert!(!b.try_acquire_permission(T0 + 3_600 * S));
    assert!(b.try_acquire_permission(T0 + 7_201 * S));
}

#[test]
fn invalid_configs_are_errors_not_panics() {
    let mut cases: Vec<(BreakerConfig, &str)> = vec![
        (BreakerConfig { failure_rate_threshold: 0.0, ..Default::default() }, "failure_rate_threshold"),
        (BreakerConfig { failure_rate_threshold: 100.5, ..Default::default() }, "failure_rate_threshold"),
        (BreakerConfig { failure_rate_threshold: f32::NAN, ..Default::default() }, "failure_rate_threshold"),
        (BreakerConfig { slow_call_rate_threshold: -1.0, ..Default::default() }, "slow_call_rate_threshold"),
        (BreakerConfig { slow_call_duration_threshold_ms: 0, ..Default::default() }, "slow_call_duration_threshold_ms"),
        (BreakerConfig { permitted_number_of_calls_in_half_open_state: 0, ..Default::default() }, "permitted_number_of_calls_in_half_open_state"),
        (BreakerConfig { transition_to_state_after_wait_duration: State::HalfOpen, ..Default::default() }, "transition_to_state_after_wait_duration"),
        (BreakerConfig { sliding_window_size: 0, ..Default::default() }, "sliding_window_size"),
        (BreakerConfig { sliding_window_size: u32::MAX, ..Default::default() }, "sliding_window_size"),
        (BreakerConfig { minimum_number_of_calls: 0, ..Default::default() }, "minimum_number_of_calls"),
        (BreakerConfig { wait_duration_in_open_state_ms: 0, ..Default::default() }, "wait_duration_in_open_state_ms"),
        (
            BreakerConfig {
                wait_interval_function_in_open_state: Some(WaitInterval::ExponentialBackoff {
                    initial_interval_ms: 1,
                    multiplier: f64::NAN,
                    max_interval_ms: None,
                }),
                ..Default::default()
            },
            "wait_interval_function_in_open_state.multiplier",
        ),
        (
            // IntervalFunction.checkMultiplier: a multiplier below 1 (a shrinking wait) throws.
            BreakerConfig {
                wait_interval_function_in_open_state: Some(WaitInterval::ExponentialBackoff {
                    initial_interval_ms: 1_000,
                    multiplier: 0.5,
                    max_interval_ms: None,
                }),
                ..Default::default()
            },
            "wait_interval_function_in_open_state.multiplier",
        ),
    ];
    // resilience4j: "waitIntervalFunctionInOpenState and waitDurationInOpenState are not used together".
    cases.push((
        BreakerConfig {
            wait_duration_in_open_state_ms: 5_000,
            wait_interval_function_in_open_state: Some(WaitInterval::Fixed { interval_ms: 1_000 }),
            ..Default::default()
        },
        "wait_interval_function_in_open_state",
    ));
    for (config, field) in cases {
        let err = CircuitBreaker::new(config, T0).unwrap_err();
        assert_eq!(err.field, field);
    }
}
