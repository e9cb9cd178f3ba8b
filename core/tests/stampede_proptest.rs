//! Random stampede runs (any protection, faults and commands within the documented limits):
//! every run finishes, every request is accounted for exactly once, the database never exceeds
//! its pool or its queue, and a distributed lock never lets two recomputes of a key overlap.

use faultline_core::engine::{Fault, Latency, Simulation};
use faultline_core::patterns::stampede::sim::{app_node, cache_node, db_node};
use faultline_core::patterns::stampede::{DbParams, LockScope, Popularity, Protection, StampedeCommand, StampedeParams, StampedeSim};
use faultline_core::scenario::{Scenario, TimedCommand, TimedFault};
use proptest::prelude::*;

fn protection() -> impl Strategy<Value = Protection> {
    prop_oneof![
        Just(Protection::None),
        Just(Protection::Singleflight),
        (any::<bool>(), 50.0f64..3_000.0, 1.0f64..100.0, any::<bool>()).prop_map(|(local, lease_ms, retry_ms, serve_stale)| Protection::Lock {
            scope: if local { LockScope::Local } else { LockScope::Distributed },
            lease_ms,
            retry_ms,
            serve_stale
        }),
        (50.0f64..3_000.0, 1.0f64..100.0, any::<bool>()).prop_map(|(interval_ms, retry_ms, serve_stale)| Protection::Lease {
            interval_ms,
            retry_ms,
            serve_stale
        }),
        (0.1f64..5.0, any::<bool>()).prop_map(|(beta, singleflight)| Protection::Xfetch { beta, singleflight }),
        (0.0f64..2_000.0, 0.0f64..5_000.0).prop_map(|(swr_ms, sie_ms)| Protection::Swr { swr_ms, sie_ms }),
        (10.0f64..2_000.0).prop_map(|ahead_ms| Protection::RefreshAhead { ahead_ms }),
    ]
}

fn params() -> impl Strategy<Value = StampedeParams> {
    (
        (10.0f64..500.0, 1u32..30, any::<bool>(), 1u32..5),
        (50.0f64..3_000.0, 0.0f64..0.9, any::<bool>(), prop::bool::weighted(0.9)),
        (1.0f64..200.0, any::<bool>(), 1u32..32, 0u32..100, 20.0f64..2_000.0),
        (protection(), 0u32..12),
    )
        .prop_map(
            |((rate, keys, zipf, apps), (ttl, jitter, warm, cache), (delta, exponential, conc, queue, timeout), (protection, capacity))| {
                StampedeParams {
                    requests_per_second: rate,
                    keys,
                    popularity: if zipf { Popularity::Zipf { exponent: 1.0 } } else { Popularity::Uniform },
                    app_servers: apps,
                    ttl_ms: ttl,
                    ttl_jitter: jitter,
                    warm_start: warm,
                    cache_enabled: cache,
                    cache_capacity: capacity,
                    recompute: if exponential { Latency::Exponential { mean_ms: delta } } else { Latency::Constant { ms: delta } },
                    db: DbParams { concurrency: conc, queue_limit: queue, timeout_ms: timeout },
                    client_timeout_ms: 1_500.0,
                    protection,
                }
            },
        )
}

#[derive(Clone, Debug)]
enum Action {
    Crash(u8),
    Restart(u8),
    Flush,
    Delete(u32),
    Spike,
}

fn actions() -> impl Strategy<Value = Vec<(f64, Action)>> {
    prop::collection::vec(
        (
            0.0f64..4_000.0,
            prop_oneof![
                (0u8..3).prop_map(Action::Crash),
                (0u8..3).prop_map(Action::Restart),
                Just(Action::Flush),
                (0u32..30).prop_map(Action::Delete),
                Just(Action::Spike)
            ],
        ),
        0..6,
    )
}

fn scenario(p: StampedeParams, acts: Vec<(f64, Action)>, seed: u64) -> Scenario<StampedeSim> {
    let mut s = Scenario::<StampedeSim>::new(seed, 4_000.0, p.clone());
    let node = |which: u8| match which {
        0 => cache_node(&p),
        1 => db_node(&p),
        _ => app_node(0),
    };
    for (at_ms, a) in acts {
        match a {
            Action::Crash(w) => s.faults.push(TimedFault { at_ms, fault: Fault::Crash { node: node(w) } }),
            Action::Restart(w) => s.faults.push(TimedFault { at_ms, fault: Fault::Restart { node: node(w) } }),
            Action::Flush => s.actions.push(TimedCommand { at_ms, command: StampedeCommand::Flush }),
            Action::Delete(k) => s.actions.push(TimedCommand { at_ms, command: StampedeCommand::Delete { key: k % p.keys } }),
            Action::Spike => {
                s.actions.push(TimedCommand { at_ms, command: StampedeCommand::Spike { requests_per_second: 800.0, duration_ms: 500.0 } })
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_request_is_accounted_for_and_the_database_stays_within_its_limits(p in params(), acts in actions(), seed in 0u64..1_000) {
        let s = scenario(p.clone(), acts.clone(), seed);
        prop_assert!(s.validate().is_ok(), "{:?}", s.validate());
        // A crash of the cache or a flush drops its locks too (as FLUSHALL drops lock keys):
        // the one-holder rule is checked on runs without either.
        let no_faults = s.faults.is_empty() && !s.actions.iter().any(|a| a.command == StampedeCommand::Flush);
        let distributed = matches!(p.protection, Protection::Lock { scope: LockScope::Distributed, lease_ms, .. } if lease_ms > p.db.timeout_ms + 10.0);
        let mut sim = Simulation::<StampedeSim>::start(&s.params, s.seed, s.network_config(), 0);
        let schedule = s.schedule();
        for step in 1..=80u64 {
            sim.run_until(step * 50_000, &schedule);
            let model = sim.model();
            prop_assert!(model.db_active() <= p.db.concurrency);
            prop_assert!(model.db_queue() <= p.db.queue_limit as usize);
            if p.cache_capacity > 0 {
                prop_assert!((0..p.keys).filter(|&k| model.entry(k).is_some()).count() <= p.cache_capacity as usize);
            }
            if no_faults && distributed && p.cache_enabled {
                for k in 0..p.keys {
                    prop_assert!(model.recomputing(k) <= 1, "key {} has {} recomputes under a distributed lock", k, model.recomputing(k));
                }
            }
        }
        let m = sim.metrics();
        let c = &m.counts;
        let answered = c.hits + c.misses + c.stale + c.shared + c.errors;
        prop_assert_eq!(c.requests, answered + sim.model().waiting_requests() as u64, "{:?}", c);
        prop_assert!(m.db_peak_concurrency <= p.db.concurrency);
        // The same scenario replays to the same figures.
        let mut again = Simulation::<StampedeSim>::start(&s.params, s.seed, s.network_config(), 0);
        again.run_until(s.duration(), &schedule);
        prop_assert_eq!(serde_json::to_string(&again.metrics()).unwrap(), serde_json::to_string(&m).unwrap());
    }
}
