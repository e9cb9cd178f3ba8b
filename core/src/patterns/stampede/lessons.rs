//! Preset scenarios for the stampede widget: the classic lessons, one click away. Each names
//! the reference whose rules it follows.

use super::params::{DbParams, LockScope, Popularity, Protection, StampedeParams};
use super::sim::{StampedeCommand, StampedeSim};
use crate::engine::{Fault, Latency};
use crate::scenario::{Scenario, TimedCommand, TimedFault};

/// One hot key at 300 requests/s, δ = 100 ms, a 5 s TTL, a database that can run the whole
/// herd at once: the textbook case, where 1 + λδ ≈ 31.
fn hot_key(protection: Protection) -> StampedeParams {
    StampedeParams {
        requests_per_second: 300.0,
        keys: 1,
        popularity: Popularity::Uniform,
        app_servers: 4,
        ttl_ms: 5_000.0,
        recompute: Latency::Constant { ms: 100.0 },
        db: DbParams { concurrency: 64, queue_limit: 500, timeout_ms: 1_000.0 },
        protection,
        ..StampedeParams::default()
    }
}

fn scenario(title: &str, seed: u64, duration_ms: f64, params: StampedeParams) -> Scenario<StampedeSim> {
    let mut s = Scenario::new(seed, duration_ms, params);
    s.title = title.to_string();
    s
}

fn fault(at_ms: f64, fault: Fault) -> TimedFault {
    TimedFault { at_ms, fault }
}

fn command(at_ms: f64, command: StampedeCommand) -> TimedCommand<StampedeSim> {
    TimedCommand { at_ms, command }
}

pub fn presets() -> Vec<(&'static str, Scenario<StampedeSim>)> {
    let wave = scenario("One shared expiry makes a miss wave (cache-aside, no protection)", 1, 16_000.0, hot_key(Protection::None));

    let lock = scenario(
        "A lock lets one rebuild (distributed lock, SET NX with a lease)",
        2,
        16_000.0,
        hot_key(Protection::Lock { scope: LockScope::Distributed, lease_ms: 2_000.0, retry_ms: 20.0, serve_stale: false }),
    );

    let mut not_a_cache = scenario(
        "singleflight is not a cache (Go golang.org/x/sync/singleflight, no cache behind it)",
        3,
        10_000.0,
        StampedeParams { cache_enabled: false, ..hot_key(Protection::Singleflight) },
    );
    not_a_cache.params.requests_per_second = 200.0;

    let mut holder = scenario(
        "The lock holder crashes (distributed lock with a 3 s lease)",
        4,
        16_000.0,
        StampedeParams {
            app_servers: 2,
            client_timeout_ms: 1_000.0,
            ..hot_key(Protection::Lock { scope: LockScope::Distributed, lease_ms: 3_000.0, retry_ms: 50.0, serve_stale: false })
        },
    );
    holder.faults = vec![fault(5_050.0, Fault::Crash { node: HOLDER }), fault(12_000.0, Fault::Restart { node: HOLDER })];

    let xfetch = scenario(
        "XFetch refreshes before expiry (Vattani et al., VLDB 2015, β = 1)",
        5,
        16_000.0,
        hot_key(Protection::Xfetch { beta: 1.0, singleflight: false }),
    );

    let swr = scenario(
        "stale-while-revalidate hides the refresh (RFC 5861, stale-while-revalidate=2)",
        6,
        16_000.0,
        hot_key(Protection::Swr { swr_ms: 2_000.0, sie_ms: 0.0 }),
    );

    let mut sie = scenario(
        "stale-if-error rides out a DB outage (RFC 5861, stale-if-error=30)",
        7,
        20_000.0,
        StampedeParams {
            requests_per_second: 100.0,
            ttl_ms: 3_000.0,
            db: DbParams { concurrency: 64, queue_limit: 500, timeout_ms: 300.0 },
            ..hot_key(Protection::Swr { swr_ms: 500.0, sie_ms: 30_000.0 })
        },
    );
    sie.faults = vec![fault(4_000.0, Fault::Crash { node: DB_NODE }), fault(14_000.0, Fault::Restart { node: DB_NODE })];

    let mut jitter = scenario(
        "Jitter spreads a mass expiry (200 keys written together, TTL jitter 40 %)",
        8,
        16_000.0,
        StampedeParams {
            requests_per_second: 400.0,
            keys: 200,
            popularity: Popularity::Zipf { exponent: 0.8 },
            ttl_ms: 5_000.0,
            ttl_jitter: 0.4,
            recompute: Latency::Exponential { mean_ms: 80.0 },
            db: DbParams { concurrency: 16, queue_limit: 500, timeout_ms: 1_000.0 },
            ..hot_key(Protection::None)
        },
    );
    jitter.actions = vec![command(9_000.0, StampedeCommand::Flush)];

    vec![
        ("stampede-miss-wave", wave),
        ("stampede-lock", lock),
        ("stampede-singleflight-not-a-cache", not_a_cache),
        ("stampede-lock-holder-crash", holder),
        ("stampede-xfetch", xfetch),
        ("stampede-swr", swr),
        ("stampede-stale-if-error", sie),
        ("stampede-jitter", jitter),
    ]
}

/// app-0 in the two-server lesson (the seed makes it the holder at the first expiry).
const HOLDER: u32 = 1;
/// The database in the one-key lessons with four app servers: clients, app-0..3, cache, db.
const DB_NODE: u32 = 6;
