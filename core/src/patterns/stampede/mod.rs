//! The cache stampede: a hot value expires and every request recomputes it at once.
//!
//! * [`StampedeSim`]: the live system (clients, app servers, a cache, a database with a pool
//!   and a queue) with one protection per run: none, a per-key lock (local or distributed
//!   with a lease), Go `singleflight`, memcache leases (NSDI 2013), XFetch (VLDB 2015),
//!   RFC 5861 stale-while-revalidate / stale-if-error, and TTL jitter.
//! * [`theory`]: the closed forms shown beside the run.
//! * [`script`]: exact semantics for calls at exact times (`stampede_script`).
//! * [`sweep`]: the DB peak at a shared expiry over protection × request rate.
//!
//! The rules ([`singleflight`], [`lease`], [`freshness`]) are sans-IO and shared by the live
//! run and the scripted form.

pub mod freshness;
pub mod lease;
pub mod lessons;
pub mod notes;
pub mod params;
pub mod script;
pub mod sim;
pub mod singleflight;
pub mod sweep;
pub mod theory;

pub use params::{DbParams, LockScope, Popularity, Protection, ProtectionKind, StampedeParams};
pub use script::{StampedeScript, StampedeScriptForm};
pub use sim::{Outcome, StampedeCommand, StampedeEvent, StampedeMetrics, StampedeSim};
