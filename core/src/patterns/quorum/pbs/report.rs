//! What a PBS run reports: the staleness curve, percentiles and the closed-form comparison.

use serde::{Deserialize, Serialize};

use super::histogram::LogHistogram;

/// The quantiles every distribution in the report is summarised by, in ms. `None` when no
/// trial has run yet, or (t-visibility only) when that probability is never reached because
/// writes do not propagate (`write_propagation: write_quorum_only`).
///
/// Accuracy: from a log-linear histogram, within 0.39 % relative of the nearest-rank sample
/// percentile (see `histogram.rs`); values under ~1 ns read as 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct Percentiles {
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub p99_9: Option<f64>,
}

impl Percentiles {
    pub(crate) fn of(histogram: &LogHistogram) -> Self {
        Self { p50: histogram.quantile(0.5), p90: histogram.quantile(0.9), p99: histogram.quantile(0.99), p99_9: histogram.quantile(0.999) }
    }
}

/// One point of the t-visibility curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct StalenessPoint {
    /// Delay between write commit and read start, ms.
    pub t_ms: f64,
    /// Trials whose read returned the committed write (or newer).
    pub consistent: u64,
    /// `consistent / trials_run` (0 before any trial ran).
    pub p_consistent: f64,
    /// Binomial standard error `sqrt(p (1 − p) / trials_run)` of `p_consistent`. It is 0 when
    /// every (or no) trial was consistent; that is not certainty: with `n` trials and no stale
    /// read, P(stale) < 3/n at 95 % confidence (the "rule of three").
    pub standard_error: f64,
}

/// The closed form for the same `N`, `R`, `W` (paper, Eq. 1), for comparison: the staleness a
/// non-expanding quorum would have at every `t`. The Monte Carlo curve starts at or above
/// `1 − p_stale_fixed_quorum` for IID delays and rises to 1 as `t` grows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct ClosedFormComparison {
    /// `C(N − W, R) / C(N, R)`.
    pub p_stale_fixed_quorum: f64,
    /// `R + W > N`: reads are never stale, at any `t`.
    pub strict_quorum: bool,
}

/// The result of a PBS run, complete or partial.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct PbsReport {
    pub n: u32,
    pub r: u32,
    pub w: u32,
    pub seed: u64,
    pub trials_requested: u64,
    pub trials_run: u64,
    /// P(consistent read) at each requested `t`, in the order given in the config.
    pub staleness_curve: Vec<StalenessPoint>,
    /// t-visibility: the smallest `t` (ms) at which P(consistent) reaches 50/90/99/99.9 %
    /// (the paper's headline metric is the 99.9 % one, Table 4).
    pub t_visibility_ms: Percentiles,
    /// Read operation latency at the coordinator (the paper's `L_r`).
    pub read_latency_ms: Percentiles,
    /// Write operation latency at the coordinator (the paper's `L_w`).
    pub write_latency_ms: Percentiles,
    pub closed_form: ClosedFormComparison,
}
