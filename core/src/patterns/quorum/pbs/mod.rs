//! Probabilistically Bounded Staleness (PBS) for partial quorums.
//!
//! After Bailis, Venkataraman, Franklin, Hellerstein and Stoica, "Probabilistically Bounded
//! Staleness for Practical Partial Quorums", PVLDB 5(8), 2012. Two halves:
//!
//! - [`closed_form`]: how many *versions* stale a read can be when quorums do not grow
//!   (Eq. 1–5): `p_s = C(N−W, R)/C(N, R)`, `p_s^k`, monotonic reads.
//! - The WARS Monte Carlo ([`wars`], driven by [`PbsRun`]): how long after a commit a
//!   Dynamo-style read is likely to see it (t-visibility), from per-message latency
//!   distributions ([`presets`] has the paper's production fits), plus the read and write
//!   latencies the same quorum sizes cost.
//!
//! Quotes of the paper cite equations by number and sections by title; the text used is the
//! authors' own source (`writeup/ernst.tex` in `pbailis/pbs-vldb-historical-paper-material`),
//! whose section numbers may differ by one from the published PDF.
//!
//! ```
//! use faultline_core::patterns::quorum::pbs::{parse_latency_model, pbs, PbsConfig, WritePropagation};
//! let report = pbs(PbsConfig {
//!     n: 3, r: 1, w: 1,
//!     latency: parse_latency_model("lnkd-disk").unwrap(),
//!     t_ms: vec![0.0, 10.0, 100.0],
//!     trials: 10_000,
//!     seed: 1,
//!     write_propagation: WritePropagation::AllReplicas,
//! }).unwrap();
//! assert!(report.staleness_curve[0].p_consistent < report.staleness_curve[2].p_consistent);
//! ```

pub mod closed_form;
pub mod config;
pub mod histogram;
pub mod presets;
pub mod quorum_sizes;
pub mod report;
pub mod run;
pub mod wars;

pub use crate::error::FieldError;
pub use closed_form::{p_stale, p_stale_exact, p_stale_given_propagation, p_stale_k_versions, p_stale_monotonic_reads, Fraction};
pub use config::{PbsConfig, MAX_TRIALS, MAX_T_VALUES};
pub use presets::{parse_latency_model, LatencyPreset, WanTopology, WarsLatencies};
pub use quorum_sizes::{QuorumSizes, MAX_REPLICAS};
pub use report::{ClosedFormComparison, PbsReport, Percentiles, StalenessPoint};
pub use run::{pbs, PbsRun};
pub use wars::{TrialOutcome, WarsSampler, WritePropagation, MAX_DELAY_MS};
