//! The rules that decide what a cached value is good for at a given time: RFC 5861's
//! stale-while-revalidate and stale-if-error windows, and XFetch's early-recompute rule.

use crate::engine::Tick;

/// A value in the cache, with what XFetch stores beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Which recomputation produced it (for the view and the tests).
    pub version: u64,
    pub stored_at: Tick,
    /// Fresh strictly before this instant (RFC 9111 §4.2: fresh while lifetime > age).
    pub expires_at: Tick,
    /// XFetch's δ: how long the recomputation that produced it took.
    pub delta: Tick,
}

/// What an entry is at `now` under RFC 5861 windows (`swr`, `sie` after expiry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    /// Stale, but inside stale-while-revalidate: serve it and revalidate in the background.
    StaleWhileRevalidate,
    /// Stale beyond stale-while-revalidate: the request must wait for a fetch (and may fall
    /// back on stale-if-error if that fetch fails).
    Stale,
}

impl Entry {
    pub fn is_fresh(&self, now: Tick) -> bool {
        now < self.expires_at
    }

    /// How long past its expiry the entry is (0 while fresh).
    pub fn staleness(&self, now: Tick) -> Tick {
        now.saturating_sub(self.expires_at)
    }

    /// RFC 5861 §3: "may continue to be served stale for *up to* an additional N seconds":
    /// staleness ≤ N counts as inside the window (inclusive at its end).
    pub fn freshness(&self, now: Tick, swr: Tick) -> Freshness {
        if self.is_fresh(now) {
            Freshness::Fresh
        } else if self.staleness(now) <= swr {
            Freshness::StaleWhileRevalidate
        } else {
            Freshness::Stale
        }
    }

    /// RFC 5861 §4: after an error, a stale response may be used if it is no more than
    /// `sie` stale (inclusive, as above).
    pub fn usable_if_error(&self, now: Tick, sie: Tick) -> bool {
        self.staleness(now) <= sie
    }
}

/// XFetch (Vattani, Chierichetti, Lowenstein, VLDB 2015, Algorithm 1): recompute early iff
/// `now − δ·β·ln(u) ≥ expiry`, with `u` uniform in (0, 1]. Since −ln u ~ Exp(1), at remaining
/// time T = expiry − now the probability is P = exp(−T/(δβ)) (1 once expired).
pub fn xfetch_recompute(now: Tick, delta: Tick, beta: f64, expiry: Tick, u: f64) -> bool {
    now as f64 - delta as f64 * beta * libm::log(u) >= expiry as f64
}
