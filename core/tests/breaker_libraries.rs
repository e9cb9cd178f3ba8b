//! Polly v8 and Hystrix golden traces, and the places where they disagree with resilience4j.
//! Expected values are derived by hand from each library's source semantics.

use faultline_core::engine::time::{Tick, TICKS_PER_MS};
use faultline_core::patterns::breaker::hystrix::HealthCounts;
use faultline_core::patterns::breaker::{
    Breaker, BreakerConfig, BreakerSpec, CircuitBreaker, ErrorKind, HystrixBreaker, HystrixConfig, ManualTransition, PollyBreaker, PollyConfig,
    State, TransitionReason,
};

const MS: Tick = TICKS_PER_MS;

fn polly(failure_ratio: f64, minimum_throughput: u32) -> PollyBreaker {
    PollyBreaker::new(PollyConfig { failure_ratio, minimum_throughput, ..Default::default() }).unwrap()
}

fn polly_call(b: &mut PollyBreaker, now: Tick, failed: bool) {
    assert!(b.try_acquire_permission(now));
    if failed {
        b.on_failure(now);
    } else {
        b.on_success(now);
    }
}

#[test]
fn polly_defaults_and_validation() {
    let c = PollyConfig::default();
    assert_eq!((c.failure_ratio, c.minimum_throughput, c.sampling_duration_ms, c.break_duration_ms), (0.1, 100, 30_000, 5_000));
    let bad = |c: PollyConfig| PollyBreaker::new(c).unwrap_err().field;
    assert_eq!(bad(PollyConfig { failure_ratio: 1.5, ..c.clone() }), "failure_ratio");
    assert_eq!(bad(PollyConfig { failure_ratio: f64::NAN, ..c.clone() }), "failure_ratio");
    assert_eq!(bad(PollyConfig { minimum_throughput: 1, ..c.clone() }), "minimum_throughput");
    assert_eq!(bad(PollyConfig { sampling_duration_ms: 499, ..c.clone() }), "sampling_duration_ms");
    assert_eq!(bad(PollyConfig { break_duration_ms: 86_400_001, ..c }), "break_duration_ms");
}

#[test]
fn polly_breaks_on_a_failure_at_an_inclusive_ratio_once_throughput_is_reached() {
    let mut b = polly(0.5, 4);
    polly_call(&mut b, 0, false);
    polly_call(&mut b, 0, false);
    polly_call(&mut b, 0, true); // throughput 3 < 4
    assert_eq!(b.state(), State::Closed);
    polly_call(&mut b, 0, true); // 2 / 4 = 0.5 ≥ 0.5
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.transitions()[0].to_string(), "4 calls, failure ratio 0.5 ≥ 0.5 → OPEN");
}

#[test]
fn polly_successes_never_break_the_circuit() {
    let mut b = polly(0.5, 4);
    for _ in 0..3 {
        polly_call(&mut b, 0, true);
    }
    polly_call(&mut b, 0, false); // 3 / 4 = 0.75 but a success does not check
    assert_eq!(b.state(), State::Closed);
    polly_call(&mut b, 0, true); // 4 / 5 = 0.8
    assert_eq!(b.state(), State::Open);
    // resilience4j with the same numbers opens on the 4th call, a success.
    let mut r = CircuitBreaker::new(BreakerConfig { sliding_window_size: 4, minimum_number_of_calls: 4, ..Default::default() }, 0).unwrap();
    for _ in 0..3 {
        r.on_error(0, 0, ErrorKind::Recorded);
    }
    r.on_success(0, 0);
    assert_eq!(r.state(), State::Open);
}

#[test]
fn polly_half_open_is_a_single_probe_from_the_exact_break_end() {
    let mut b = polly(0.5, 2);
    polly_call(&mut b, 0, true);
    polly_call(&mut b, 0, true);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.blocked_until(), Some(5_000 * MS));
    assert!(!b.try_acquire_permission(4_999 * MS));
    // Polly: `now >= blockedUntil` (resilience4j needs strictly after).
    assert!(b.try_acquire_permission(5_000 * MS));
    assert_eq!(b.state(), State::HalfOpen);
    assert!(!b.try_acquire_permission(5_000 * MS));
    assert!(!b.try_acquire_permission(20_000 * MS)); // still waiting for the probe
    assert_eq!(b.not_permitted_calls(), 3);
    // Metrics were not reset by opening: both failures are still there.
    assert_eq!(b.health(5_000 * MS).throughput, 2);
    b.on_success(20_000 * MS);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.health(20_000 * MS).throughput, 0);
    assert_eq!(b.transitions().last().unwrap().reason, TransitionReason::ProbeSucceeded);
}

#[test]
fn polly_failed_probe_reopens_for_a_new_break_and_is_not_counted() {
    let mut b = polly(0.5, 2);
    polly_call(&mut b, 0, true);
    polly_call(&mut b, 0, true);
    assert!(b.try_acquire_permission(5_000 * MS));
    b.on_failure(5_000 * MS);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.blocked_until(), Some(10_000 * MS));
    assert_eq!(b.health(5_000 * MS).failures, 2);
    assert_eq!(b.half_open_attempts(), 1);
}

#[test]
fn polly_rolling_sub_windows_start_at_calls_and_expire_after_the_sampling_duration() {
    // Sampling 1 s → sub-windows of 100 ms; throughput 100 keeps the circuit closed.
    let mut b = PollyBreaker::new(PollyConfig { sampling_duration_ms: 1_000, ..Default::default() }).unwrap();
    polly_call(&mut b, 0, true);
    polly_call(&mut b, 50 * MS, true);
    polly_call(&mut b, 150 * MS, false); // opens a sub-window at 150 ms, not at 100 ms
    let starts: Vec<Tick> = b.health_windows(150 * MS).iter().map(|w| w.started_at).collect();
    assert_eq!(starts, vec![0, 150 * MS]);
    assert_eq!(b.health(999 * MS).throughput, 3);
    assert_eq!(b.health(1_000 * MS).throughput, 1);
    assert_eq!(b.health(1_000 * MS).failures, 0);
    assert_eq!(b.health(1_149 * MS).throughput, 1);
    assert_eq!(b.health(1_150 * MS).throughput, 0);
}

#[test]
fn polly_ignored_errors_are_successes_and_close_a_half_open_circuit() {
    let mut b = BreakerSpec::Polly(PollyConfig { failure_ratio: 0.5, minimum_throughput: 2, ..Default::default() }).build(0).unwrap();
    for _ in 0..2 {
        assert!(b.try_acquire_permission(0));
        b.on_error(0, 0, ErrorKind::Recorded);
    }
    assert!(b.try_acquire_permission(5_000 * MS));
    b.on_error(5_000 * MS, 0, ErrorKind::Ignored);
    assert_eq!(b.state(), State::Closed);
    // Manual control: Isolate shows as FORCED_OPEN; there is no HALF_OPEN by hand.
    b.transition(6_000 * MS, ManualTransition::ForcedOpen).unwrap();
    assert_eq!(b.state(), State::ForcedOpen);
    assert!(!b.try_acquire_permission(u64::MAX / 2));
    assert!(b.transition(6_000 * MS, ManualTransition::HalfOpen).is_err());
    b.transition(7_000 * MS, ManualTransition::Closed).unwrap();
    assert_eq!(b.state(), State::Closed);
}

fn hystrix(config: HystrixConfig) -> HystrixBreaker {
    HystrixBreaker::new(config, 0).unwrap()
}

fn hystrix_call(b: &mut HystrixBreaker, now: Tick, failed: bool) {
    assert!(b.try_acquire_permission(now));
    if failed {
        b.on_failure(now);
    } else {
        b.on_success(now);
    }
}

#[test]
fn hystrix_error_percentage_is_a_truncated_integer() {
    assert_eq!(HealthCounts::new(21, 10).error_percentage, 47);
    // 29 / 50 * 100 = 57.99999999999999 in double precision → 57.
    assert_eq!(HealthCounts::new(50, 29).error_percentage, 57);
    let config = HystrixConfig { error_threshold_percentage: 58, request_volume_threshold: 50, ..Default::default() };
    let mut b = hystrix(config);
    for i in 0..50 {
        hystrix_call(&mut b, 100 * MS, i < 29);
    }
    b.on_tick(500 * MS);
    assert_eq!(b.health_counts().error_percentage, 57);
    assert_eq!(b.state(), State::Closed);
    // resilience4j: 29 * 100f / 50f = 58.0 exactly, ≥ 58 → OPEN.
    let mut r = CircuitBreaker::new(
        BreakerConfig { failure_rate_threshold: 58.0, sliding_window_size: 50, minimum_number_of_calls: 50, ..Default::default() },
        0,
    )
    .unwrap();
    for i in 0..50 {
        r.on_result(
            0,
            0,
            if i < 29 { faultline_core::patterns::breaker::CallResult::Failure } else { faultline_core::patterns::breaker::CallResult::Success },
        );
    }
    assert_eq!(r.state(), State::Open);
}

#[test]
fn hystrix_trips_only_when_a_health_bucket_completes() {
    let mut b = hystrix(HystrixConfig::default());
    for _ in 0..20 {
        hystrix_call(&mut b, 100 * MS, true);
    }
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.next_wakeup(), Some(500 * MS));
    assert!(b.try_acquire_permission(499 * MS));
    assert!(!b.try_acquire_permission(500 * MS));
    assert_eq!(b.state(), State::Open);
    let t = &b.transitions()[0];
    assert_eq!(t.at, 500 * MS);
    assert_eq!(t.to_string(), "20 requests, 100% errors ≥ 50% → OPEN");
    assert_eq!(b.not_permitted_calls(), 1);
}

#[test]
fn hystrix_needs_the_request_volume() {
    let mut b = hystrix(HystrixConfig::default());
    for _ in 0..19 {
        hystrix_call(&mut b, 100 * MS, true);
    }
    b.on_tick(10_000 * MS);
    assert_eq!(b.state(), State::Closed);
}

#[test]
fn hystrix_sleep_window_is_strict_and_half_open_is_one_probe() {
    let mut b = hystrix(HystrixConfig::default());
    for _ in 0..20 {
        hystrix_call(&mut b, 100 * MS, true);
    }
    b.on_tick(500 * MS); // OPEN at 500 ms
    assert!(!b.try_acquire_permission(5_500 * MS));
    assert!(b.try_acquire_permission(5_500 * MS + 1));
    assert_eq!(b.state(), State::HalfOpen);
    assert!(!b.try_acquire_permission(5_500 * MS + 1));
    b.on_success(5_600 * MS);
    assert_eq!(b.state(), State::Closed);
    // The health stream restarted empty, with its buckets counted from the close.
    assert_eq!(b.health_counts().total_requests, 0);
    assert_eq!(b.next_wakeup(), None);
    hystrix_call(&mut b, 5_700 * MS, true);
    assert_eq!(b.next_wakeup(), Some(6_100 * MS));
}

#[test]
fn hystrix_probe_failures_and_ignored_errors_reopen() {
    let mut b = hystrix(HystrixConfig::default());
    for _ in 0..20 {
        hystrix_call(&mut b, 100 * MS, true);
    }
    b.on_tick(500 * MS);
    assert!(b.try_acquire_permission(6_000 * MS));
    b.on_failure(6_000 * MS);
    assert_eq!(b.state(), State::Open);
    // The sleep window restarts from the failed probe.
    assert!(!b.try_acquire_permission(11_000 * MS));
    assert!(b.try_acquire_permission(11_000 * MS + 1));
    let (_, current_before) = b.health_buckets();
    b.on_ignored_error(11_000 * MS + 1);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.transitions().last().unwrap().reason, TransitionReason::ProbeIgnoredError);
    let (_, current_after) = b.health_buckets();
    assert_eq!(current_before.requests, current_after.requests); // not counted
}

#[test]
fn hystrix_rolling_window_drops_the_oldest_bucket() {
    let config = HystrixConfig { request_volume_threshold: 21, ..Default::default() };
    // 20 failures in bucket 0 and one in bucket 19 (9.9 s): all 20 buckets → 21 requests.
    let mut b = hystrix(config.clone());
    for _ in 0..20 {
        hystrix_call(&mut b, 100 * MS, true);
    }
    hystrix_call(&mut b, 9_900 * MS, true);
    b.on_tick(10_000 * MS);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.transitions()[0].at, 10_000 * MS);

    // The same failure at 10.2 s lands in bucket 20; by the time it completes, bucket 0 is out.
    let mut b = hystrix(config);
    for _ in 0..20 {
        hystrix_call(&mut b, 100 * MS, true);
    }
    hystrix_call(&mut b, 10_200 * MS, true);
    b.on_tick(11_000 * MS);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.health_counts().total_requests, 1);
}

#[test]
fn hystrix_force_flags_sit_over_the_real_status() {
    let mut b = BreakerSpec::Hystrix(HystrixConfig::default()).build(0).unwrap();
    b.transition(0, ManualTransition::ForcedOpen).unwrap();
    assert_eq!(b.state(), State::ForcedOpen);
    assert!(!b.try_acquire_permission(MS));
    assert_eq!(b.metrics(MS).not_permitted, 1);
    assert!(b.transition(MS, ManualTransition::HalfOpen).is_err());
    b.transition(2 * MS, ManualTransition::Closed).unwrap();
    assert_eq!(b.state(), State::Closed);
    b.transition(2 * MS, ManualTransition::Disabled).unwrap();
    for _ in 0..40 {
        assert!(b.try_acquire_permission(3 * MS));
        b.on_error(3 * MS, 0, ErrorKind::Recorded);
    }
    b.on_tick(500 * MS);
    // forceClosed lets everything through, but the real status tripped underneath.
    assert_eq!(b.state(), State::Disabled);
    b.transition(600 * MS, ManualTransition::Closed).unwrap();
    assert_eq!(b.state(), State::Open);
    if let Breaker::Hystrix(h) = &b {
        assert_eq!(h.health_counts().total_requests, 40);
    } else {
        unreachable!();
    }
}

#[test]
fn hystrix_validation() {
    let bad = |c: HystrixConfig| HystrixBreaker::new(c, 0).unwrap_err().field;
    assert_eq!(bad(HystrixConfig { health_snapshot_interval_ms: 0, ..Default::default() }), "health_snapshot_interval_ms");
    assert_eq!(bad(HystrixConfig { rolling_window_ms: 100, ..Default::default() }), "rolling_window_ms");
    assert_eq!(bad(HystrixConfig { error_threshold_percentage: 101, ..Default::default() }), "error_threshold_percentage");
}

#[test]
fn hystrix_long_idle_gaps_are_cheap_and_exact() {
    let mut b = hystrix(HystrixConfig::default());
    hystrix_call(&mut b, 100 * MS, true);
    // A year later: the idle boundaries are skipped, and the bucket grid is still aligned.
    let year: Tick = 365 * 24 * 3_600 * 1_000 * MS;
    for _ in 0..20 {
        hystrix_call(&mut b, year + 100 * MS, true);
    }
    assert_eq!(b.next_wakeup(), Some(year + 500 * MS));
    b.on_tick(year + 500 * MS);
    assert_eq!(b.state(), State::Open);
}

/// Issue 9, defect 15: the operator panel offers each library's own operations, and every one
/// of them is something that library does from a fresh CLOSED breaker, except the transitions
/// resilience4j itself refuses from CLOSED (which the panel shows disabled with its reason).
#[test]
fn each_library_offers_only_operations_it_performs() {
    use faultline_core::patterns::breaker::{BreakerSpec, Library, ManualTransition};
    for library in Library::ALL {
        let breaker = BreakerSpec::for_library(library).build(0).unwrap();
        for op in library.operations() {
            let refused = breaker.refuses(0, op.to);
            let r4j_refuses_from_closed = library == Library::Resilience4j && op.to == ManualTransition::HalfOpen;
            assert_eq!(refused.is_some(), r4j_refuses_from_closed, "{library:?} {}: {refused:?}", op.api);
        }
    }
    // What the panel used to offer every library: Polly has no Disable and Hystrix no
    // half-open, and both refuse them.
    let polly = BreakerSpec::for_library(Library::Polly).build(0).unwrap();
    assert!(polly.refuses(0, ManualTransition::Disabled).is_some());
    assert!(!Library::Polly.operations().iter().any(|op| op.to == ManualTransition::Disabled));
    let hystrix = BreakerSpec::for_library(Library::Hystrix).build(0).unwrap();
    assert!(hystrix.refuses(0, ManualTransition::HalfOpen).is_some());
}
