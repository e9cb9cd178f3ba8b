//! What to simulate: quorum sizes, latency model, read delays `t`, trial count, seed.

use serde::{Deserialize, Serialize};

use super::presets::WarsLatencies;
use super::quorum_sizes::QuorumSizes;
use super::wars::WritePropagation;
use crate::error::FieldError;

/// Most trials one run may request (a 10^9-trial run is minutes natively; beyond that the
/// standard error, ≤ 1.6·10^-5, stops being the limiting factor anyway).
pub const MAX_TRIALS: u64 = 1_000_000_000;

/// Most read delays `t` per run: a curve, not a table.
pub const MAX_T_VALUES: usize = 10_000;

/// A PBS t-visibility experiment (JSON field names as below, snake_case).
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct PbsConfig {
    /// Replication factor `N`.
    pub n: u32,
    /// Read quorum size `R`: responses the read coordinator waits for.
    pub r: u32,
    /// Write quorum size `W`: acks the write coordinator waits for.
    pub w: u32,
    /// The W, A, R, S delay distributions (see `presets.rs` for the paper's fits).
    pub latency: WarsLatencies,
    /// Delays between write commit and read start at which to report P(consistent), in ms.
    pub t_ms: Vec<f64>,
    /// Monte Carlo trials (one write and one read each).
    pub trials: u64,
    pub seed: u64,
    /// Expanding (Dynamo, the default) or fixed write quorums.
    #[serde(default)]
    pub write_propagation: WritePropagation,
}

impl PbsConfig {
    /// Checks every field; the error names the first bad one (`r`, `latency.write.alpha`,
    /// `t_ms[2]`, ...).
    pub fn validate(&self) -> Result<QuorumSizes, FieldError> {
        let sizes = QuorumSizes::new(self.n, self.r, self.w)?;
        self.latency.validate().map_err(|e| e.within("latency"))?;
        if self.t_ms.len() > MAX_T_VALUES {
            return Err(FieldError::new("t_ms", format!("must have at most {MAX_T_VALUES} values, got {}", self.t_ms.len())));
        }
        for (i, &t) in self.t_ms.iter().enumerate() {
            if !(t.is_finite() && t >= 0.0) {
                return Err(FieldError::new(format!("t_ms[{i}]"), format!("must be a finite number ≥ 0, got {t}")));
            }
        }
        if !(1..=MAX_TRIALS).contains(&self.trials) {
            return Err(FieldError::new("trials", format!("must be between 1 and {MAX_TRIALS}, got {}", self.trials)));
        }
        Ok(sizes)
    }
}
