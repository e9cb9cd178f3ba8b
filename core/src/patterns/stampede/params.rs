//! What a stampede run is made of: the load, the keys, the cache, the database and the
//! protection, with their documented limits (every accepted input finishes quickly).

use serde::{Deserialize, Serialize};

use crate::engine::Latency;
use crate::error::FieldError;

pub const MAX_REQUESTS_PER_SECOND: f64 = 2_000.0;
pub const MAX_KEYS: u32 = 1_000;
pub const MAX_APP_SERVERS: u32 = 8;
pub const MAX_TTL_MS: f64 = 600_000.0;
pub const MAX_DB_CONCURRENCY: u32 = 512;
pub const MAX_DB_QUEUE: u32 = 10_000;
pub const MAX_ZIPF_EXPONENT: f64 = 3.0;
/// Shortest wait between retries of a waiting client, so a retry loop cannot spin.
pub const MIN_RETRY_MS: f64 = 1.0;
/// Longest recompute a run may draw (mean of δ).
pub const MAX_RECOMPUTE_MS: f64 = 60_000.0;

/// How requests pick their key.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Popularity {
    /// Every key equally likely.
    Uniform,
    /// Key of rank r (from 0) with probability ∝ 1/(r+1)^exponent: key 0 is the hot key.
    Zipf { exponent: f64 },
}

/// Whose lock a per-key lock is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum LockScope {
    /// A mutex in each app server: one rebuild per key *per server*.
    Local,
    /// One lock per key in the cache (`SET key NX PX lease`): one rebuild per key, and a
    /// crashed holder blocks the key until its lease runs out.
    Distributed,
}

impl LockScope {
    pub const ALL: [LockScope; 2] = [LockScope::Local, LockScope::Distributed];
    pub fn name(self) -> &'static str {
        match self {
            LockScope::Local => "local",
            LockScope::Distributed => "distributed",
        }
    }
}

crate::names::name_table!(LockScope, "protection.scope", "lock scope");

/// The protection against stampedes, one per run.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Protection {
    /// Plain cache-aside with a TTL: every miss queries the database.
    None,
    /// A per-key lock: the holder rebuilds, the others wait `retry_ms` and look again (or,
    /// with `serve_stale`, answer with the expired value at once).
    Lock {
        scope: LockScope,
        /// A distributed lock expires by itself after this long (a local one dies with its
        /// server).
        lease_ms: f64,
        retry_ms: f64,
        #[serde(default)]
        serve_stale: bool,
    },
    /// Go `singleflight` in each app server, in front of the database.
    Singleflight,
    /// memcache leases (NSDI 2013): one token per key per `interval_ms`, hot misses wait
    /// `retry_ms` and retry (or take the stale value with `serve_stale`).
    Lease {
        interval_ms: f64,
        retry_ms: f64,
        #[serde(default)]
        serve_stale: bool,
    },
    /// XFetch probabilistic early recomputation (VLDB 2015), optionally through singleflight.
    Xfetch {
        beta: f64,
        #[serde(default)]
        singleflight: bool,
    },
    /// RFC 5861: serve stale for `swr_ms` after expiry while one background fetch
    /// revalidates; after a failed fetch serve stale up to `sie_ms` after expiry.
    Swr { swr_ms: f64, sie_ms: f64 },
    /// Refresh-ahead: a hit less than `ahead_ms` before expiry starts one background refresh
    /// (one per key at a time) and is answered from the cache; an expired value is a miss.
    RefreshAhead { ahead_ms: f64 },
}

/// The kinds of [`Protection`], for a select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtectionKind {
    None,
    Lock,
    Singleflight,
    Lease,
    Xfetch,
    Swr,
    RefreshAhead,
}

impl ProtectionKind {
    pub const ALL: [ProtectionKind; 6] = [
        ProtectionKind::None,
        ProtectionKind::Lock,
        ProtectionKind::Singleflight,
        ProtectionKind::Lease,
        ProtectionKind::Xfetch,
        ProtectionKind::Swr,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ProtectionKind::None => "none",
            ProtectionKind::Lock => "lock",
            ProtectionKind::Singleflight => "singleflight",
            ProtectionKind::Lease => "lease",
            ProtectionKind::Xfetch => "xfetch",
            ProtectionKind::Swr => "swr",
            ProtectionKind::RefreshAhead => "refresh_ahead",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ProtectionKind::None => "none (cache-aside)",
            ProtectionKind::Lock => "per-key lock",
            ProtectionKind::Singleflight => "singleflight (Go)",
            ProtectionKind::Lease => "memcache leases",
            ProtectionKind::Xfetch => "XFetch (early recompute)",
            ProtectionKind::Swr => "stale-while-revalidate / stale-if-error",
            ProtectionKind::RefreshAhead => "refresh-ahead (background)",
        }
    }

    /// This protection with the defaults the widget starts from.
    pub fn default_protection(self) -> Protection {
        match self {
            ProtectionKind::None => Protection::None,
            ProtectionKind::Lock => Protection::Lock { scope: LockScope::Distributed, lease_ms: 2_000.0, retry_ms: 20.0, serve_stale: false },
            ProtectionKind::Singleflight => Protection::Singleflight,
            ProtectionKind::Lease => Protection::Lease { interval_ms: 2_000.0, retry_ms: 20.0, serve_stale: false },
            ProtectionKind::Xfetch => Protection::Xfetch { beta: 1.0, singleflight: false },
            ProtectionKind::Swr => Protection::Swr { swr_ms: 2_000.0, sie_ms: 30_000.0 },
            ProtectionKind::RefreshAhead => Protection::RefreshAhead { ahead_ms: 500.0 },
        }
    }
}

crate::names::name_table!(ProtectionKind, "protection.kind", "protection");

impl Protection {
    pub fn kind(&self) -> ProtectionKind {
        match self {
            Protection::None => ProtectionKind::None,
            Protection::Lock { .. } => ProtectionKind::Lock,
            Protection::Singleflight => ProtectionKind::Singleflight,
            Protection::Lease { .. } => ProtectionKind::Lease,
            Protection::Xfetch { .. } => ProtectionKind::Xfetch,
            Protection::Swr { .. } => ProtectionKind::Swr,
            Protection::RefreshAhead { .. } => ProtectionKind::RefreshAhead,
        }
    }

    /// One line for the screen: the protection and its parameters.
    pub fn describe(&self) -> String {
        match self {
            Protection::None => "no protection".into(),
            Protection::Lock { scope, lease_ms, retry_ms, serve_stale } => format!(
                "{} lock (lease {lease_ms:.0} ms, retry every {retry_ms:.0} ms{})",
                scope.name(),
                if *serve_stale { ", waiters get the stale value" } else { "" }
            ),
            Protection::Singleflight => "singleflight in each app server".into(),
            Protection::Lease { interval_ms, retry_ms, serve_stale } => format!(
                "memcache leases (a token per key per {interval_ms:.0} ms, hot misses retry every {retry_ms:.0} ms{})",
                if *serve_stale { ", or take the stale value" } else { "" }
            ),
            Protection::Xfetch { beta, singleflight } => format!("XFetch β = {beta}{}", if *singleflight { " + singleflight" } else { "" }),
            Protection::Swr { swr_ms, sie_ms } => {
                format!("stale-while-revalidate={:.1} s, stale-if-error={:.1} s", swr_ms / 1_000.0, sie_ms / 1_000.0)
            }
            Protection::RefreshAhead { ahead_ms } => format!("refresh-ahead {ahead_ms:.0} ms before expiry"),
        }
    }
}

/// The database: a pool of `concurrency` connections in front of a FIFO queue.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct DbParams {
    /// Queries served at once; the rest wait in the queue.
    pub concurrency: u32,
    /// Queries that may wait; one more is refused at once (an overload error).
    pub queue_limit: u32,
    /// An app server gives up on a query after this long (a timeout error); the database
    /// skips a queued query whose caller gave up.
    pub timeout_ms: f64,
}

impl Default for DbParams {
    fn default() -> Self {
        Self { concurrency: 8, queue_limit: 500, timeout_ms: 1_000.0 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct StampedeParams {
    /// Mean client request rate (Poisson arrivals), over all keys.
    pub requests_per_second: f64,
    pub keys: u32,
    pub popularity: Popularity,
    /// App servers, each with its own lock table or singleflight group; each request goes to
    /// one at random.
    pub app_servers: u32,
    /// Time to live of a cached value.
    pub ttl_ms: f64,
    /// TTL jitter: each write lives a uniform time in [ttl·(1 − jitter), ttl].
    pub ttl_jitter: f64,
    /// The cache starts with every key written at time 0 (so, without jitter, every key
    /// expires at the same instant).
    pub warm_start: bool,
    /// Without a cache every request goes to the database (through the protection).
    pub cache_enabled: bool,
    /// Most values the cache holds (0 = as many as there are keys); a write beyond it evicts
    /// the least recently used value.
    pub cache_capacity: u32,
    /// δ: how long the database takes to recompute one value (one of the engine's latency
    /// distributions).
    pub recompute: Latency,
    pub db: DbParams,
    /// A client that waits (for a lock, a lease) gives up after this long.
    pub client_timeout_ms: f64,
    pub protection: Protection,
}

impl Default for StampedeParams {
    fn default() -> Self {
        Self {
            requests_per_second: 200.0,
            keys: 1,
            popularity: Popularity::Uniform,
            app_servers: 4,
            ttl_ms: 5_000.0,
            ttl_jitter: 0.0,
            warm_start: true,
            cache_enabled: true,
            cache_capacity: 0,
            recompute: Latency::Constant { ms: 100.0 },
            db: DbParams::default(),
            client_timeout_ms: 2_000.0,
            protection: Protection::None,
        }
    }
}

fn in_range(field: &str, v: f64, low_exclusive: f64, high: f64) -> Result<(), FieldError> {
    if v.is_finite() && v > low_exclusive && v <= high {
        Ok(())
    } else {
        Err(FieldError::new(field, format!("must be in ({low_exclusive}, {high}], got {v}")))
    }
}

fn retry(field: &str, v: f64) -> Result<(), FieldError> {
    if v.is_finite() && (MIN_RETRY_MS..=60_000.0).contains(&v) {
        Ok(())
    } else {
        Err(FieldError::new(field, format!("must be in [{MIN_RETRY_MS}, 60000] ms, got {v}")))
    }
}

impl StampedeParams {
    pub fn validate(&self) -> Result<(), FieldError> {
        in_range("requests_per_second", self.requests_per_second, 0.0, MAX_REQUESTS_PER_SECOND)?;
        if !(1..=MAX_KEYS).contains(&self.keys) {
            return Err(FieldError::new("keys", format!("must be in [1, {MAX_KEYS}], got {}", self.keys)));
        }
        if let Popularity::Zipf { exponent } = self.popularity {
            if !(exponent.is_finite() && (0.0..=MAX_ZIPF_EXPONENT).contains(&exponent)) {
                return Err(FieldError::new("popularity.exponent", format!("must be in [0, {MAX_ZIPF_EXPONENT}], got {exponent}")));
            }
        }
        if !(1..=MAX_APP_SERVERS).contains(&self.app_servers) {
            return Err(FieldError::new("app_servers", format!("must be in [1, {MAX_APP_SERVERS}], got {}", self.app_servers)));
        }
        // A TTL under a millisecond would make every request a miss by construction.
        if !(self.ttl_ms.is_finite() && (1.0..=MAX_TTL_MS).contains(&self.ttl_ms)) {
            return Err(FieldError::new("ttl_ms", format!("must be in [1, {MAX_TTL_MS}] ms, got {}", self.ttl_ms)));
        }
        if self.cache_capacity > MAX_KEYS {
            return Err(FieldError::new("cache_capacity", format!("must be ≤ {MAX_KEYS} (0 = unbounded), got {}", self.cache_capacity)));
        }
        if !(self.ttl_jitter.is_finite() && (0.0..=0.9).contains(&self.ttl_jitter)) {
            return Err(FieldError::new("ttl_jitter", format!("must be a fraction in [0, 0.9], got {}", self.ttl_jitter)));
        }
        self.recompute.validate().map_err(|e| FieldError::from(e).within("recompute"))?;
        let mean = self.recompute.mean_ms();
        if !(mean.is_finite() && mean <= MAX_RECOMPUTE_MS) {
            return Err(FieldError::new("recompute", format!("mean must be finite and ≤ {MAX_RECOMPUTE_MS} ms, got {mean}")));
        }
        if !(1..=MAX_DB_CONCURRENCY).contains(&self.db.concurrency) {
            return Err(FieldError::new("db.concurrency", format!("must be in [1, {MAX_DB_CONCURRENCY}], got {}", self.db.concurrency)));
        }
        if self.db.queue_limit > MAX_DB_QUEUE {
            return Err(FieldError::new("db.queue_limit", format!("must be ≤ {MAX_DB_QUEUE}, got {}", self.db.queue_limit)));
        }
        in_range("db.timeout_ms", self.db.timeout_ms, 0.0, 600_000.0)?;
        in_range("client_timeout_ms", self.client_timeout_ms, 0.0, 600_000.0)?;
        match &self.protection {
            Protection::None | Protection::Singleflight => {}
            Protection::Lock { lease_ms, retry_ms, .. } => {
                in_range("protection.lease_ms", *lease_ms, 0.0, 600_000.0)?;
                retry("protection.retry_ms", *retry_ms)?;
            }
            Protection::Lease { interval_ms, retry_ms, .. } => {
                in_range("protection.interval_ms", *interval_ms, 0.0, 600_000.0)?;
                retry("protection.retry_ms", *retry_ms)?;
            }
            Protection::Xfetch { beta, .. } => in_range("protection.beta", *beta, 0.0, 100.0)?,
            Protection::RefreshAhead { ahead_ms } => in_range("protection.ahead_ms", *ahead_ms, 0.0, MAX_TTL_MS)?,
            Protection::Swr { swr_ms, sie_ms } => {
                for (field, v) in [("protection.swr_ms", swr_ms), ("protection.sie_ms", sie_ms)] {
                    if !(v.is_finite() && (0.0..=MAX_TTL_MS).contains(v)) {
                        return Err(FieldError::new(field, format!("must be in [0, {MAX_TTL_MS}] ms, got {v}")));
                    }
                }
            }
        }
        Ok(())
    }
}
