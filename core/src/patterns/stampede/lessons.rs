//! Preset scenarios for the stampede widget: the classic lessons, one click away. Each names
//! the reference whose rules it follows.

use super::params::{DbParams, LockScope, Popularity, Protection, StampedeParams};
use super::sim::{StampedeCommand, StampedeSim};
use crate::engine::{Fault, Latency};
use crate::scenario::{Challenge, Criterion, Scenario, Statistic, TimedCommand, TimedFault};

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
    let wave = scenario("One shared expiry makes a miss wave (cache-aside, no protection)", 4, 16_000.0, hot_key(Protection::None));

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

    let xfetch_sf = scenario(
        "XFetch + singleflight: early, and once per server (VLDB 2015 + Go singleflight)",
        9,
        16_000.0,
        StampedeParams { requests_per_second: 1_000.0, ..hot_key(Protection::Xfetch { beta: 2.0, singleflight: true }) },
    );
    let lock_stale = scenario(
        "Lock + stale value: one rebuild, nobody waits (distributed lock, waiters get the expired value)",
        10,
        16_000.0,
        hot_key(Protection::Lock { scope: LockScope::Distributed, lease_ms: 2_000.0, retry_ms: 20.0, serve_stale: true }),
    );

    let wave = wave.with_moments(&[
        (0.0, "One hot key at 300 requests/s, a 5 s TTL, a recompute (δ) of 100 ms. The cache is warm: every request is a hit and the database is idle."),
        (5_000.0, "5 s: the value expires. Every request that arrives before the new value is written misses and queries the database itself."),
        (5_060.0, "Watch the database: the concurrent-queries chart climbs as the herd builds, every query recomputing the same value."),
        (5_104.0, "5.1 s: the first recompute lands. This expiry cost 31 recomputes; the closed form 1 + λδ = 1 + 300/s × 101 ms ≈ 31 predicted it (formula panel)."),
        (10_308.0, "10.3 s: the next expiry costs 28. Poisson arrivals make each herd a little different; their mean is 1 + λδ."),
    ]);
    let lock = lock.with_moments(&[
        (0.0, "The same hot key, now behind a distributed lock: SET key NX with a 2 s lease, in the cache."),
        (5_000.0, "5 s: expiry. The first request to miss takes the lock and recomputes; every other request finds it taken and polls the cache every 20 ms."),
        (5_102.0, "5.1 s: one recompute, one query. The dashed line (no protection, same traffic) shows the herd of about 40 it spared the database. The price: waiters wait up to δ plus a poll."),
        (10_204.0, "10.2 s: again exactly one rebuild per expiry."),
    ]);
    let not_a_cache = not_a_cache.with_moments(&[
        (0.0, "No cache at all: only Go's singleflight in each of 4 app servers, at 200 requests/s. It merges the requests that arrive while an execution runs, and nothing else."),
        (101.0, "0.1 s: the first executions return. singleflight keeps nothing: the next request on each server executes again."),
        (2_000.0, "The database gets n/(δ + n/λ) = 4/(101 ms + 20 ms) ≈ 33 queries/s, for ever; without singleflight all 200 (dashed). Coalescing caps the load; only a cache removes it."),
    ]);
    let holder = holder.with_moments(&[
        (0.0, "Two app servers share a distributed lock with a 3 s lease. A client gives up after waiting 1 s."),
        (5_003.0, "5 s: the value expires; app-0 takes the lock and starts the recompute."),
        (5_050.0, "5.05 s: app-0 crashes mid-recompute. Its lock stays in the cache: nobody can tell a dead holder from a slow one, so app-1's requests keep polling."),
        (6_003.0, "6 s: the first waiters give up after 1 s. Errors pile up while the database sits idle."),
        (8_003.0, "8 s: the lease runs out; the next request takes the lock and the value is back at 8.1 s. The lease is the outage a dead holder causes; a shorter one lets a slow holder lose its lock."),
        (12_000.0, "12 s: app-0 restarts and takes its share of the traffic again."),
    ]);
    let xfetch = xfetch.with_moments(&[
        (0.0, "XFetch, β = 1: each hit draws U and recomputes early iff now − δβ·ln U ≥ expiry, so with probability exp(−T/(δβ)) when T is left. Far from expiry that is almost never."),
        (4_488.0, "4.49 s, 511 ms before expiry: one request triggers and recomputes while every other request still gets a hit. Expected lead: about 400 ms."),
        (4_562.0, "4.56 s: a second request triggers during the first's recompute. XFetch alone does not coordinate: 2.7 recomputes per expiry expected; this run 2."),
        (4_590.0, "4.59 s: the new value lands before the old one expired. No client waited on a miss; the database saw 2 queries instead of a herd of about 31 (dashed)."),
        (9_245.0, "9.2 s: the next cycle triggers 419 ms early, with a single recompute."),
    ]);
    let swr = swr.with_moments(&[
        (0.0, "RFC 5861: max-age 5 s, stale-while-revalidate 2 s."),
        (5_001.0, "5 s: the value is stale. Requests inside the 2 s window get it at once, and one background fetch revalidates it."),
        (5_102.0, "5.1 s: the revalidation lands. No client waited (latency stays at the cache's 1 ms) and the database saw one query, where the dashed line shows a herd."),
        (10_203.0, "10.2 s: one background fetch again. A request more than 2 s past expiry would fetch and wait like a plain miss."),
    ]);
    let sie = sie.with_moments(&[
        (0.0, "RFC 5861: max-age 3 s, stale-while-revalidate 0.5 s, stale-if-error 30 s. Database queries time out after 300 ms."),
        (4_000.0, "4 s: the database crashes. Nothing shows yet: the value is fresh until 6.1 s."),
        (6_125.0, "6.1 s: the value goes stale. For 0.5 s requests get it at once while a background revalidation tries the dead database."),
        (6_625.0, "6.6 s: past the window each request fetches, waits 300 ms for the timeout, and stale-if-error answers with the stale value. No errors, but every client waits out the timeout."),
        (14_000.0, "14 s: the database is back; a fresh value is stored at 14.1 s. stale-if-error hid 10 s of errors, not the load: about 740 requests each tried the database."),
    ]);
    let jitter = jitter.with_moments(&[
        (0.0, "200 keys written together at 0 s, each living a TTL drawn from [3 s, 5 s] (40 % jitter). The dashed line: the same traffic without jitter."),
        (3_000.0, "3 s on: keys expire one by one, and the database sees a steady stream of single recomputes instead of a wall."),
        (6_000.0, "6 s: without jitter every key expired at 5 s at once, and the dashed line, which counts each last second's queries, peaks at 168 queries/s. The jittered run stays under 95 queries/s."),
        (9_000.0, "9 s: a flush empties the cache. Every key is cold at once and jitter cannot help: it spreads expiries, not a cold start."),
    ]);
    let xfetch_sf = xfetch_sf.with_moments(&[
        (0.0, "1000 requests/s on one key; XFetch with β = 2, its early recomputes going through each server's singleflight. The larger β, the earlier the refresh."),
        (3_780.0, "3.78 s, 1.22 s before expiry: one request triggers. Other requests of its server that trigger meanwhile join its execution; nobody waits on a miss."),
        (7_817.0, "7.8 s: two servers trigger 4 ms apart. singleflight merges within a server, not across: at most one recompute per server, 2 here, against a herd of about 100 without protection."),
    ]);
    let lock_stale = lock_stale.with_moments(&[
        (0.0, "The lock lesson again, but a waiter takes the expired value instead of polling: lock + stale."),
        (5_003.0, "5 s: expiry. One request takes the lock and rebuilds; every other request gets the stale value at once. Nobody waits: the latency chart stays flat."),
        (5_104.0, "5.1 s: the new value lands. One query per expiry, and about 30 requests answered with a value 0.1 s stale instead of waiting for it."),
    ]);

    // The miss wave again, now as a goal: unprotected, 26 queries hit the database at once at
    // each expiry; one recompute per key and app server (4) is what protection can achieve.
    let calm = scenario("Challenge: keep the database calm through the expiries", 4, 16_000.0, hot_key(Protection::None))
        .with_moments(&[(
            0.0,
            "Same hot key, same 5 s TTL, no protection: at each expiry every request that misses queries the database. Choose a protection in the settings, then play it through.",
        )])
        .with_challenge(Challenge {
            goal: "Keep concurrent database queries at 4 or fewer, through every expiry, without errors.".into(),
            hint: "Without protection each expiry sends about 1 + λδ ≈ 31 recomputes. A lock, singleflight, a lease or early recompute (XFetch) lets one request per key, or per app server, recompute.".into(),
            criteria: vec![
                Criterion::at_most("concurrent DB queries", Statistic::Max, 4.0),
                Criterion::at_most("errors", Statistic::Max, 0.0),
            ],
            claim: false,
        });

    vec![
        ("stampede-miss-wave", wave),
        ("stampede-lock", lock),
        ("stampede-singleflight-not-a-cache", not_a_cache),
        ("stampede-lock-holder-crash", holder),
        ("stampede-xfetch", xfetch),
        ("stampede-swr", swr),
        ("stampede-stale-if-error", sie),
        ("stampede-jitter", jitter),
        ("stampede-xfetch-singleflight", xfetch_sf),
        ("stampede-lock-stale", lock_stale),
        ("stampede-challenge-calm", calm),
    ]
}

/// app-0 in the two-server lesson (the seed makes it the holder at the first expiry).
const HOLDER: u32 = 1;
/// The database in the one-key lessons with four app servers: clients, app-0..3, cache, db.
const DB_NODE: u32 = 6;
