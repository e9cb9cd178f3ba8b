//! The replication factor `N` and the read and write quorum sizes `R` and `W`.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Largest replication factor accepted. Real deployments use 1 to 5 replicas (paper,
/// Section 2.3); the cap only keeps a typo from making every trial sort a million replicas.
pub const MAX_REPLICAS: u32 = 1_000;

/// Validated `N`, `R`, `W` with `1 ≤ R, W ≤ N ≤ MAX_REPLICAS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct QuorumSizes {
    pub n: u32,
    pub r: u32,
    pub w: u32,
}

impl QuorumSizes {
    pub fn new(n: u32, r: u32, w: u32) -> Result<Self, FieldError> {
        if !(1..=MAX_REPLICAS).contains(&n) {
            return Err(FieldError::new("n", format!("must be between 1 and {MAX_REPLICAS}, got {n}")));
        }
        if !(1..=n).contains(&r) {
            return Err(FieldError::new("r", format!("must be between 1 and n ({n}), got {r}")));
        }
        if !(1..=n).contains(&w) {
            return Err(FieldError::new("w", format!("must be between 1 and n ({n}), got {w}")));
        }
        Ok(Self { n, r, w })
    }

    /// `R + W > N`: every read quorum intersects every write quorum, so reads are never stale.
    pub fn is_strict(&self) -> bool {
        self.r + self.w > self.n
    }
}
