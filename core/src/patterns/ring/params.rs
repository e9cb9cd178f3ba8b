//! The user-facing parameters of a ring experiment, validated field by field.

use serde::{Deserialize, Serialize};

use super::bounded_load::check_load_factor;
use super::error::FieldError;
use super::jump::JumpHash;
use super::karger::{KargerRing, MAX_TOKENS, MAX_VNODES};
use super::maglev::{check_table_size, Maglev, DEFAULT_MAGLEV_TABLE_SIZE};
use super::placement::Placement;
use super::rendezvous::Rendezvous;
use super::workload::Workload;

/// Largest node count accepted.
pub const MAX_NODES: u32 = 100_000;
/// Largest key set accepted (per-key owner arrays stay ≤ 40 MB).
pub const MAX_KEYS: u64 = 10_000_000;

/// The placement algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Karger ring with virtual nodes.
    #[default]
    Ring,
    /// Jump consistent hash (Lamping & Veach).
    Jump,
    /// Rendezvous / highest random weight.
    Rendezvous,
    /// Maglev lookup table.
    Maglev,
    /// Consistent hashing with bounded loads on a vnode ring.
    BoundedLoad,
}

/// Everything `faultline ring locate|stats` needs. Missing fields take the defaults below.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RingParams {
    pub algorithm: Algorithm,
    /// Physical nodes `node-0 .. node-{nodes-1}`.
    pub nodes: u32,
    /// Virtual nodes per physical node (ring and bounded_load).
    pub vnodes: u32,
    /// Distinct nodes in a preference list.
    pub replication_factor: u32,
    /// Size of the workload's key set.
    pub keys: u64,
    pub workload: Workload,
    /// c = 1 + ε of bounded loads.
    pub load_factor_c: f64,
    /// Maglev's prime table size M.
    pub maglev_table_size: u64,
    pub seed: u64,
}

impl Default for RingParams {
    fn default() -> Self {
        RingParams {
            algorithm: Algorithm::Ring,
            nodes: 10,
            vnodes: 100,
            replication_factor: 3,
            keys: 10_000,
            workload: Workload::UniformNames,
            load_factor_c: 1.25,
            maglev_table_size: DEFAULT_MAGLEV_TABLE_SIZE,
            seed: 0,
        }
    }
}

impl RingParams {
    /// Checks every field the chosen algorithm uses; the error names the field.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.nodes == 0 {
            return Err(FieldError::new("nodes", "must be ≥ 1"));
        }
        if self.nodes > MAX_NODES {
            return Err(FieldError::new("nodes", format!("must be ≤ {MAX_NODES}")));
        }
        if self.replication_factor == 0 {
            return Err(FieldError::new("replication_factor", "must be ≥ 1"));
        }
        if self.replication_factor > self.nodes {
            return Err(FieldError::new("replication_factor", format!("must be ≤ nodes ({})", self.nodes)));
        }
        if self.keys > MAX_KEYS {
            return Err(FieldError::new("keys", format!("must be ≤ {MAX_KEYS}")));
        }
        if let Workload::Zipf { .. } = self.workload {
            if self.keys == 0 {
                return Err(FieldError::new("keys", "must be ≥ 1 for a zipf workload"));
            }
        }
        self.workload.validate()?;
        if matches!(self.algorithm, Algorithm::Ring | Algorithm::BoundedLoad) {
            if self.vnodes == 0 {
                return Err(FieldError::new("vnodes", "must be ≥ 1"));
            }
            if self.vnodes > MAX_VNODES {
                return Err(FieldError::new("vnodes", format!("must be ≤ {MAX_VNODES}")));
            }
            if u64::from(self.nodes) * u64::from(self.vnodes) > MAX_TOKENS {
                return Err(FieldError::new("vnodes", format!("nodes × vnodes must be ≤ {MAX_TOKENS}")));
            }
        }
        if self.algorithm == Algorithm::BoundedLoad {
            check_load_factor(self.load_factor_c)?;
        }
        if self.algorithm == Algorithm::Maglev {
            check_table_size(self.maglev_table_size)?;
            if u64::from(self.nodes) > self.maglev_table_size {
                return Err(FieldError::new("maglev_table_size", format!("must be ≥ nodes ({})", self.nodes)));
            }
        }
        Ok(())
    }

    /// The weight a node gets when none is given: its vnode count on a ring, 1 elsewhere.
    pub fn default_weight(&self) -> u32 {
        match self.algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => self.vnodes,
            _ => 1,
        }
    }

    /// The single-key placement for these parameters. For `bounded_load` this is its vnode
    /// ring (the placement of a key on an empty system); loads need a key set, see
    /// [`super::bounded_load`].
    pub fn build_placement(&self) -> Result<Box<dyn Placement>, FieldError> {
        self.validate()?;
        Ok(match self.algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => Box::new(self.build_ring()?),
            Algorithm::Jump => Box::new(JumpHash::new(self.nodes)?),
            Algorithm::Rendezvous => Box::new(Rendezvous::new(self.nodes)?),
            Algorithm::Maglev => Box::new(Maglev::new(self.nodes, self.maglev_table_size)?),
        })
    }

    /// The vnode ring of these parameters (any algorithm's `nodes` and `vnodes`).
    pub fn build_ring(&self) -> Result<KargerRing, FieldError> {
        KargerRing::new(self.nodes, self.vnodes)
    }
}
