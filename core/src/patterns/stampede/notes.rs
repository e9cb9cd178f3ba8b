//! "What to notice" for the stampede widget: plain sentences about the state on screen now,
//! including the formula panel's line (theory beside the run).

use super::params::Protection;
use super::sim::StampedeSim;
use super::sim::{cache_node, db_node, StampedeCommand};
use crate::engine::{ticks_from_ms, Fault, NodeId, Pattern, Tick};
use crate::narrate::{format_time, node_name};
use crate::scenario::additions::{down_at, Added};
use crate::scenario::Scenario;

/// The herd counted three ways, each with its one-line definition, as the picture's legend,
/// the charts and these notes name them.
pub const RECOMPUTES_IN_FLIGHT: (&str, &str) =
    ("recomputes in flight", "misses fetching their key from the database now, any key: travelling, queued or executing");
pub const CONCURRENT_DB_QUERIES: (&str, &str) =
    ("concurrent DB queries", "queries the database executes at this instant, one per busy connection; the rest wait in its queue");
pub const HERD: (&str, &str) = ("herd", "the recomputes one expiry of one key sets off (key 0's are the red-orange dots)");

/// The three terms, in the order the picture's legend lists them.
pub fn herd_terms() -> [(&'static str, &'static str); 3] {
    [HERD, RECOMPUTES_IN_FLIGHT, CONCURRENT_DB_QUERIES]
}

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
            "A herd is on its way to the database: {herd_now} of the recomputes in flight are for the hottest key (key 0), each doing the same work. The theory: 1 + λδ = 1 + {:.0}/s × {:.0} ms ≈ {:.0}.",
            t.hot_key_rate, t.delta_ms, t.unprotected_herd
        ));
    }
    if sim.db_queue() > 0 {
        notes.push(format!(
            "The database runs {} concurrent DB queries (one per busy connection) and {} more wait in its queue: every query now waits longer, so the miss window (δ) stretches and even more requests miss.",
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
        notes.push(format!("Without protection there would be {ghost} concurrent DB queries right now instead of {real} (the dashed line)."));
    }
    notes
}

/// "What to notice" about the faults and commands the learner added on top of the lesson:
/// each one named, with what it does at the cursor (the latest few that have happened, and
/// the next one still to come).
pub fn additions(sim: &StampedeSim, scenario: &Scenario<StampedeSim>, added: &[Added<'_, StampedeSim>], now: Tick) -> Vec<String> {
    let p = sim.params();
    let names = <StampedeSim as Pattern>::node_names(p);
    let name = |n: NodeId| node_name(&names, n);
    // The herd's three counts at the cursor, in the picture's words.
    let herd_now = format!(
        "Now: {} {}, {} {}, {} queued.",
        sim.recomputes_in_flight(),
        RECOMPUTES_IN_FLIGHT.0,
        sim.db_active(),
        CONCURRENT_DB_QUERIES.0,
        sim.db_queue()
    );
    let protection = match &p.protection {
        Protection::None => "With no protection every request that misses queries the database itself: a herd per key.",
        Protection::Lock { .. } => "The lock lets one request per key rebuild; the others wait (or get the stale value).",
        Protection::Singleflight => "singleflight joins the misses inside each app server: one query per key per server.",
        Protection::Lease { .. } => "Leases give the first miss a token; the others get a hot miss and retry shortly.",
        Protection::Xfetch { .. } => {
            "XFetch only acts before an expiry: a flushed key has no value left to refresh early, so its misses all go to the database."
        }
        Protection::RefreshAhead { .. } => "Refresh-ahead only renews values that are still there: a flushed key misses like a cold one.",
        Protection::Swr { .. } => "Stale-while-revalidate needs a stale value: a flushed key has none, so its misses wait for the database.",
    };
    let mut notes: Vec<String> = crate::scenario::additions::latest_happened(added, now)
        .into_iter()
        .map(|a| {
            let at = ticks_from_ms(a.at_ms());
            let when = format_time(at);
            match a {
                Added::Command(c) => match &c.command {
                    StampedeCommand::Flush => format!("You flushed the cache at {when}: every key went cold at once, so the next request for each one misses. {protection} {herd_now}"),
                    StampedeCommand::Delete { key } => format!(
                        "You deleted key {key} at {when}: its next request misses and recomputes{}. {herd_now}",
                        if matches!(p.protection, Protection::Lease { .. }) { "; a lease token handed out before the delete is void, so that set is rejected" } else { "" }
                    ),
                    StampedeCommand::SetLoad { requests_per_second } => format!(
                        "You set the load to {requests_per_second:.0} requests/s at {when}: a herd grows with the rate (1 + λδ for the hottest key ≈ {:.0} at this rate).",
                        hot_key_herd_at(sim, *requests_per_second)
                    ),
                    StampedeCommand::Spike { requests_per_second, duration_ms } => {
                        let end = at + ticks_from_ms(*duration_ms);
                        if now < end {
                            format!(
                                "Your traffic spike since {when}: {requests_per_second:.0} requests/s until {}. A key that expires now meets a herd of about {:.0} (1 + λδ). {herd_now}",
                                format_time(end),
                                hot_key_herd_at(sim, *requests_per_second)
                            )
                        } else {
                            format!("Your traffic spike ({requests_per_second:.0} requests/s from {when}) ended at {}.", format_time(end))
                        }
                    }
                    StampedeCommand::Forget { key } => format!(
                        "You called singleflight's Forget(key {key}) at {when}: a request for it from then on starts a new execution even while one is in flight."
                    ),
                },
                Added::Fault(f) => match &f.fault {
                    Fault::Crash { node } if down_at(scenario, *node, now) && *node == cache_node(p) => format!(
                        "You crashed the cache at {when}, and it is still down: every request goes to the database. When it restarts it is empty, a flush of every key at once. {herd_now}"
                    ),
                    Fault::Crash { node } if down_at(scenario, *node, now) && *node == db_node(p) => format!(
                        "You crashed the database at {when}, and it is still down: every recompute times out, so requests that miss get errors{}. {herd_now}",
                        if matches!(p.protection, Protection::Swr { .. }) { " unless stale-if-error still covers their key" } else { "" }
                    ),
                    Fault::Crash { node } if down_at(scenario, *node, now) => {
                        format!("You crashed {} at {when}, and it is still down: the requests it held are lost, and its share of the recomputes with them.", name(*node))
                    }
                    Fault::Restart { node } if *node == cache_node(p) => {
                        format!("You restarted the cache at {when}: it came back empty, so every key missed at once. {protection} {herd_now}")
                    }
                    other => format!("You added a fault at {when}: {}.", other.describe(&name)),
                },
            }
        })
        .collect();
    notes.extend(crate::scenario::additions::upcoming_note(added, now, &name));
    notes
}

/// 1 + λδ for the hottest key at a total rate of `requests_per_second` (its share of the
/// traffic as the theory has it at the configured rate).
fn hot_key_herd_at(sim: &StampedeSim, requests_per_second: f64) -> f64 {
    let t = sim.theory();
    let share = if sim.params().requests_per_second > 0.0 { t.hot_key_rate / sim.params().requests_per_second } else { 0.0 };
    1.0 + requests_per_second * share * t.delta_ms / 1_000.0
}
