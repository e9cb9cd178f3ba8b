//! "What to notice" for the stampede widget: plain sentences about the state on screen now,
//! including the formula panel's line (theory beside the run).

use super::params::Protection;
use super::sim::StampedeSim;
use crate::engine::Tick;

/// The formula panel's line: what the closed form expects at an expiry of the hottest key,
/// and what this run measured.
pub fn formula_line(sim: &StampedeSim, now: Tick) -> String {
    let t = sim.theory();
    if let Some(qps) = t.expected_db_qps {
        let seconds = crate::engine::ms_from_ticks(now) / 1_000.0;
        let measured = if seconds > 0.0 { format!("{:.1}", sim.counts().db_queries as f64 / seconds) } else { "nothing yet".into() };
        return format!("Expected DB queries/s without a cache: {qps:.1}, this run: {measured}.");
    }
    let so_far = sim.herd_so_far(0);
    let measured = match (sim.last_herd(0), sim.hot_key_mean_recomputes()) {
        _ if so_far > 0 => format!("this run: {so_far} so far"),
        (Some(last), Some(mean)) if sim.hot_key_cycles() > 1 => format!("this run: {last} (mean {mean:.1} over {} expiries)", sim.hot_key_cycles()),
        (Some(last), _) => format!("this run: {last}"),
        _ => "this run: no expiry of it yet".to_string(),
    };
    match t.expected_recomputes {
        Some(expected) if expected < 10.0 && expected.fract() != 0.0 => format!("Expected recomputes at this expiry: {expected:.1}, {measured}."),
        Some(expected) => format!("Expected recomputes at this expiry: {expected:.0}, {measured}."),
        None => format!("No closed form for this combination; {measured}. Without protection: {:.0}.", t.unprotected_herd),
    }
}

pub fn notes(sim: &StampedeSim, now: Tick) -> Vec<String> {
    let mut notes = Vec::new();
    let p = sim.params();
    let t = sim.theory();
    notes.push(formula_line(sim, now));
    let herd_now = sim.recomputing(0);
    if herd_now > 1 {
        notes.push(format!(
            "A herd is on the database now: {herd_now} recomputes of the hottest key at once, each doing the same work. The theory: 1 + λδ = 1 + {:.0}/s × {:.0} ms ≈ {:.0}.",
            t.hot_key_rate, t.delta_ms, t.unprotected_herd
        ));
    }
    if sim.db_queue() > 0 {
        notes.push(format!(
            "The database serves {} queries at once and {} wait in its queue: every query now waits longer, so the miss window (δ) stretches and even more requests miss.",
            sim.db_active(),
            sim.db_queue()
        ));
    }
    match &p.protection {
        Protection::None => notes.push("No protection: every request that finds the key expired queries the database itself.".into()),
        Protection::Lock { scope, serve_stale, .. } => notes.push(match (scope, serve_stale) {
            (super::params::LockScope::Local, _) => format!(
                "A local lock serialises rebuilds inside each app server only: up to {} rebuilds per expiry, one per server.",
                p.app_servers
            ),
            (_, false) => "One lock per key in the cache: one request rebuilds, the others poll until the value is back. If the holder dies, the key stays locked until the lease runs out.".into(),
            (_, true) => "Lock + stale value: one request rebuilds; the others answer at once with the expired value instead of waiting.".into(),
        }),
        Protection::Singleflight => notes.push(
            "singleflight joins requests that arrive while an execution is in flight; once it returns, nothing is kept: the next request executes again. Each app server has its own group.".into(),
        ),
        Protection::Lease { .. } => notes.push(
            "Leases: the first miss gets a token and recomputes; the others get a hot miss and retry a moment later. A set whose token a delete voided is rejected.".into(),
        ),
        Protection::Xfetch { beta, singleflight } => {
            if let Some(lead) = t.xfetch_expected_lead_ms {
                notes.push(format!(
                    "XFetch (β = {beta}): each hit recomputes early with probability exp(−T/(δβ)) at time T before expiry; expected lead {lead:.0} ms before expiry.{}",
                    if *singleflight {
                        " singleflight merges the early recomputes within a server.".to_string()
                    } else {
                        format!(
                            " Without coordination several requests trigger in the same window: under heavy load about e^(1/β) = {:.2} per expiry.",
                            super::theory::xfetch_recomputes_limit(*beta)
                        )
                    }
                ));
            }
            notes.push(format!("Early recomputes so far: {}.", sim.counts().early_recomputes));
        }
        Protection::RefreshAhead { ahead_ms } => notes.push(format!(
            "Refresh-ahead: the first hit less than {ahead_ms:.0} ms before expiry starts one background refresh; the value is renewed before anyone misses."
        )),
        Protection::Swr { swr_ms, sie_ms } => notes.push(format!(
            "For {:.1} s after expiry a request gets the stale value at once and one background fetch revalidates; if a fetch fails, values up to {:.1} s past expiry are served instead of an error.",
            swr_ms / 1_000.0,
            sie_ms / 1_000.0
        )),
    }
    if p.ttl_jitter > 0.0 {
        notes.push(format!(
            "TTL jitter {:.0}%: each write lives between {:.1} s and {:.1} s, so keys written together expire apart.",
            p.ttl_jitter * 100.0,
            p.ttl_ms * (1.0 - p.ttl_jitter) / 1_000.0,
            p.ttl_ms / 1_000.0
        ));
    }
    if p.cache_capacity > 0 && p.cache_capacity < p.keys {
        notes.push(format!(
            "The cache holds {} of {} keys: each write beyond that evicts the least recently used value ({} evictions so far), and an evicted key misses like an expired one.",
            p.cache_capacity,
            p.keys,
            sim.evictions()
        ));
    }
    if !p.cache_enabled {
        notes.push("There is no cache: singleflight alone still sends the database one query per in-flight window, forever.".into());
    }
    let c = sim.counts();
    if c.errors > 0 {
        notes.push(format!("{} requests failed so far ({} DB timeouts, {} refused by a full queue).", c.errors, c.db_timeouts, c.db_overloaded));
    }
    let (real, ghost) = (sim.db_active(), sim.ghost_db_active());
    if ghost > real + 2 && !matches!(p.protection, Protection::None) {
        notes.push(format!("Without protection the database would be serving {ghost} queries right now instead of {real} (the dashed line)."));
    }
    notes
}
