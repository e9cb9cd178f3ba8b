//! Preset scenarios for the breaker widget: the classic lessons, one click away. Each says
//! which library's rules it follows.

use super::config::BreakerConfig;
use super::hystrix::HystrixConfig;
use super::polly::PollyConfig;
use super::presets::BreakerSpec;
use super::simulation::{at, command, BreakerCommand, BreakerParams, BreakerSim, DownstreamParams, DOWNSTREAM};
use crate::engine::{Fault, Latency};
use crate::scenario::{Answer, Challenge, Criterion, Question, Scenario, Statistic};

/// resilience4j with a window small enough to watch (its defaults need 100 calls).
fn small_r4j() -> BreakerConfig {
    BreakerConfig {
        sliding_window_size: 10,
        minimum_number_of_calls: 10,
        wait_duration_in_open_state_ms: 5_000,
        permitted_number_of_calls_in_half_open_state: 3,
        ..BreakerConfig::default()
    }
}

fn scenario(title: &str, seed: u64, breaker: BreakerSpec) -> Scenario<BreakerSim> {
    let mut s = Scenario::new(seed, 60_000.0, BreakerParams { breaker, ..BreakerParams::default() });
    s.title = title.to_string();
    s
}

/// The downstream goes down from 10 s to 30 s.
fn with_outage(mut s: Scenario<BreakerSim>) -> Scenario<BreakerSim> {
    s.faults = vec![at(10_000.0, Fault::Crash { node: DOWNSTREAM }), at(30_000.0, Fault::Restart { node: DOWNSTREAM })];
    s
}

pub fn presets() -> Vec<(&'static str, Scenario<BreakerSim>)> {
    let outage = with_outage(scenario("An outage trips the breaker (resilience4j, COUNT_BASED 10)", 7, BreakerSpec::Resilience4j(small_r4j())))
        .with_moments(&[
            (0.0, "The downstream is healthy: calls go through, the breaker is CLOSED, and its window of the last 10 calls fills with ✓."),
            (10_000.0, "10 s: the downstream crashes. Watch the window fill with ✗: the breaker only counts so far, every call still waits for its timeout."),
            (11_400.0, "11.4 s: 5 of the last 10 calls failed, 50 % reaches failureRateThreshold, and the breaker OPENS: calls are now rejected at once instead of waiting on a dead service."),
            (16_410.0, "16.4 s: the 5 s wait is over. HALF_OPEN lets 3 probe calls through. The downstream is still down: they will fail, and the breaker opens again for another 5 s."),
            (30_000.0, "30 s: the downstream restarts. The breaker cannot see that: only HALF_OPEN's probe calls can tell it the downstream is back."),
            (35_330.0, "35.3 s: HALF_OPEN again, the 3 probes succeed, and the breaker CLOSES. The outage cost 25 s of fast rejections instead of 25 s of timeouts."),
        ])
        .with_question(
            10_000.0,
            Question {
                ask: "The downstream just crashed. What does the breaker do in the next second?".into(),
                answer: Answer::Choice {
                    choices: vec![
                        "It opens at once: the next call is rejected".into(),
                        "It keeps letting calls through until enough of its last 10 have failed, then opens".into(),
                        "It goes HALF_OPEN and sends probe calls".into(),
                    ],
                    correct: 1,
                },
                explanation: "A breaker knows nothing of the crash: it only counts outcomes. Each call still waits for its 1 s timeout and lands in the window as a failure; at 11.4 s 5 of the last 10 have failed (50 % ≥ failureRateThreshold) and only then does it OPEN. The event log shows the timeouts before the transition.".into(),
            },
        );

    let mut slow = scenario(
        "A success can trip it: slow calls (resilience4j slow-call rate)",
        11,
        BreakerSpec::Resilience4j(BreakerConfig { slow_call_rate_threshold: 50.0, slow_call_duration_threshold_ms: 300, ..small_r4j() }),
    );
    slow.params.downstream = DownstreamParams { failure_probability: 0.0, ..DownstreamParams::default() };
    slow.actions = vec![
        command(10_000.0, BreakerCommand::SetLatency { latency: Latency::Uniform { min_ms: 350.0, max_ms: 450.0 } }),
        command(35_000.0, BreakerCommand::SetLatency { latency: Latency::Exponential { mean_ms: 40.0 } }),
    ];

    let mut probes = scenario(
        "Half-open admits exactly N probes (resilience4j, 3 permitted calls)",
        5,
        BreakerSpec::Resilience4j(BreakerConfig { automatic_transition_from_open_to_half_open_enabled: true, ..small_r4j() }),
    );
    probes.actions = vec![
        command(5_000.0, BreakerCommand::SetFailureProbability { probability: 1.0 }),
        command(24_000.0, BreakerCommand::SetFailureProbability { probability: 0.02 }),
    ];

    let mut backoff = with_outage(scenario(
        "Exponential backoff of the OPEN wait (resilience4j interval function)",
        3,
        BreakerSpec::Resilience4j(BreakerConfig {
            wait_interval_function_in_open_state: Some(super::config::WaitInterval::ExponentialBackoff {
                initial_interval_ms: 1_000,
                multiplier: 2.0,
                max_interval_ms: Some(16_000),
            }),
            automatic_transition_from_open_to_half_open_enabled: true,
            // resilience4j refuses a fixed wait next to an interval function.
            wait_duration_in_open_state_ms: BreakerConfig::default().wait_duration_in_open_state_ms,
            ..small_r4j()
        }),
    ));
    backoff.faults[1].at_ms = 40_000.0;

    let polly = with_outage(scenario(
        "The same outage under Polly v8 (failure ratio 0.5, 10 calls, 10 s sampling, 5 s break)",
        7,
        BreakerSpec::Polly(PollyConfig { failure_ratio: 0.5, minimum_throughput: 10, sampling_duration_ms: 10_000, break_duration_ms: 5_000 }),
    ));

    let hystrix = with_outage(scenario(
        "The same outage under Hystrix (50%, 20 requests, 5 s sleep window)",
        7,
        BreakerSpec::Hystrix(HystrixConfig::default()),
    ));

    let mut retries = with_outage(scenario("Retries without a breaker's help multiply the load", 13, BreakerSpec::Resilience4j(small_r4j())));
    retries.params.retry.max_retries = 3;

    let slow = slow.with_moments(&[
        (0.0, "The downstream answers every call, fast. The breaker counts slow calls too: over 300 ms is slow, and 50 % slow trips it like failures would."),
        (10_000.0, "10 s: the downstream slows to 350–450 ms. Every call still succeeds, so no failure is counted: watch the slow calls (◔) fill the window instead."),
        (10_710.0, "10.7 s: half the last 10 calls were slow, slowCallRateThreshold is reached and the breaker OPENS, although not one call failed."),
        (35_000.0, "35 s: the downstream is fast again. The breaker learns it only from its next probes."),
        (38_230.0, "38.2 s: 3 fast probes, 0 % slow: the breaker CLOSES."),
    ]);

    let probes = probes.with_moments(&[
        (0.0, "automaticTransitionFromOpenToHalfOpenEnabled is on: a timer, not the next call, moves OPEN to HALF_OPEN. Watch how many calls get through in HALF_OPEN."),
        (5_000.0, "5 s: every call starts failing."),
        (5_340.0, "5.3 s: 50 % of the last 10 failed: OPEN."),
        (10_340.0, "10.3 s: the 5 s timer fires: HALF_OPEN admits exactly 3 probe calls (permittedNumberOfCallsInHalfOpenState) and rejects the rest. They fail: OPEN again."),
        (24_000.0, "24 s: the downstream recovers."),
        (25_820.0, "25.8 s: the next 3 probes succeed and the breaker CLOSES."),
    ]);

    let backoff = backoff.with_moments(&[
        (0.0, "With an exponential interval function, each re-open waits twice as long as the last: 1 s, 2 s, 4 s, 8 s, capped at 16 s."),
        (10_000.0, "10 s: the downstream crashes."),
        (11_210.0, "11.2 s: OPEN. The first wait is 1 s."),
        (13_560.0, "13.6 s: the probes failed: OPEN again, now for 2 s. Watch the gaps between the HALF_OPEN attempts grow."),
        (21_950.0, "21.9 s: third re-open: 8 s this time. A long outage costs fewer and fewer probes."),
        (40_000.0, "40 s: the downstream restarts; the breaker finds out at its next probe."),
        (47_150.0, "47.1 s: probes succeed and the breaker CLOSES."),
    ]);

    let polly = polly.with_moments(&[
        (0.0, "Polly v8 decides on a failure ratio over a 10 s sampling window, and only after at least 10 calls in it (MinimumThroughput)."),
        (10_000.0, "10 s: the downstream crashes."),
        (15_330.0, "15.3 s: 55 % of the 150 calls in the window failed (≥ 0.5): the circuit OPENS, later than resilience4j's count window would, because the window holds older successes."),
        (20_430.0, "20.4 s: after the 5 s break one probe goes through (Polly admits one call in HALF_OPEN). It fails: OPEN again."),
        (32_610.0, "32.6 s: the downstream is back, the probe succeeds, and the circuit CLOSES."),
    ]);

    let hystrix = hystrix.with_moments(&[
        (0.0, "Hystrix looks at the error percentage of a rolling window, once at least 20 requests are in it, with a 5 s sleep window."),
        (10_000.0, "10 s: the downstream crashes."),
        (15_500.0, "15.5 s: 52 % of 166 requests failed (≥ 50 %): OPEN."),
        (20_550.0, "20.5 s: after the sleep window a single request is let through. It fails: OPEN again."),
        (32_610.0, "32.6 s: the single probe succeeds and the circuit CLOSES."),
    ]);

    let retries = retries.with_moments(&[
        (0.0, "Each failed call is retried up to 3 times, with exponential backoff and jitter. Watch the downstream's load against the calls the client wants to make."),
        (10_000.0, "10 s: the downstream crashes. Every call now becomes up to 4 attempts: retries multiply the load on a service that is already down."),
        (11_020.0, "11 s: the breaker OPENS: calls are rejected at once instead of reaching the downstream, and its load falls."),
        (30_000.0, "30 s: the downstream restarts; the breaker still waits for its next probe."),
        (34_230.0, "34.2 s: the probes succeed and the breaker CLOSES."),
    ]);

    // A breaker on a small window judges noise: at 1 failure in 5, whether 5 of some 10 calls
    // in a row fail is luck. The learner hunts for a seed where it never happens.
    let mut luck = scenario("Challenge: find a seed where the breaker never opens", 2, BreakerSpec::Resilience4j(small_r4j()));
    luck.duration_ms = 20_000.0;
    luck.params.requests_per_second = 5.0;
    luck.params.downstream.failure_probability = 0.2;
    let luck = luck
        .with_moments(&[(
            0.0,
            "The downstream fails 1 call in 5, well under the 50 % threshold, yet 5 failures among 10 calls in a row happen by chance. Play it through: does this seed open the breaker? Then press New seed and try again.",
        )])
        .with_challenge(Challenge {
            goal: "Find a seed where the breaker stays CLOSED for all 20 s (no call is ever rejected).".into(),
            hint: "Only the seed changes the run here: try New seed until no call is rejected. About half the seeds pass; a 10-call window is a noisy judge.".into(),
            criteria: vec![Criterion::at_most("calls rejected", Statistic::Max, 0.0)],
            claim: false,
        });

    vec![
        ("breaker-outage", outage),
        ("breaker-slow-success", slow),
        ("breaker-half-open-probes", probes),
        ("breaker-backoff", backoff),
        ("breaker-polly", polly),
        ("breaker-hystrix", hystrix),
        ("breaker-retries", retries),
        ("breaker-challenge-luck", luck),
    ]
}
