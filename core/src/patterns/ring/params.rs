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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
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

/// The one name table of [`Algorithm`]: `(variant, name, title, other spellings)`. `name` is
/// serde's spelling (a test holds them equal); `title` is what the widget shows.
static ALGORITHM_NAMES: [(Algorithm, &str, &str, &[&str]); 5] = [
    (Algorithm::Ring, "ring", "Ring with vnodes (Karger)", &["karger"]),
    (Algorithm::BoundedLoad, "bounded_load", "Bounded loads (Mirrokni et al.)", &["bounded"]),
    (Algorithm::Jump, "jump", "Jump hash (Lamping & Veach)", &[]),
    (Algorithm::Rendezvous, "rendezvous", "Rendezvous / HRW", &["hrw"]),
    (Algorithm::Maglev, "maglev", "Maglev table", &[]),
];

impl Algorithm {
    /// Every algorithm, in the order the widget and the comparison list them.
    pub const ALL: [Algorithm; 5] = [Algorithm::Ring, Algorithm::BoundedLoad, Algorithm::Jump, Algorithm::Rendezvous, Algorithm::Maglev];

    fn entry(self) -> &'static (Algorithm, &'static str, &'static str, &'static [&'static str]) {
        ALGORITHM_NAMES.iter().find(|e| e.0 == self).expect("every algorithm is in the name table")
    }

    /// The short name scenarios, URLs and the CLI use (serde's spelling).
    pub fn name(self) -> &'static str {
        self.entry().1
    }

    /// The long label, with the paper it follows.
    pub fn title(self) -> &'static str {
        self.entry().2
    }

    /// Ring and bounded loads place vnodes on a ring; the others have no vnodes.
    pub fn uses_vnodes(self) -> bool {
        matches!(self, Algorithm::Ring | Algorithm::BoundedLoad)
    }

    /// What a node's weight means here; `None` for jump hash, which has no weights.
    pub fn weight_unit(self) -> Option<&'static str> {
        match self {
            Algorithm::Ring | Algorithm::BoundedLoad => Some("vnodes"),
            Algorithm::Maglev => Some("turns"),
            Algorithm::Rendezvous => Some("weight"),
            Algorithm::Jump => None,
        }
    }

    /// A rule on removing nodes beyond "not the last one", if the algorithm has one.
    pub fn removal_rule(self) -> Option<&'static str> {
        (self == Algorithm::Jump).then_some("Jump hash can only remove its last bucket.")
    }
}

crate::names::name_table!(Algorithm, "algorithm", "algorithm", other_spellings: |a: Algorithm| ALGORITHM_NAMES.iter().find(|e| e.0 == a).map_or(&[][..], |e| e.3));

/// Everything `faultline ring locate|stats` needs. Missing fields take the defaults below.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
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
        if self.algorithm.uses_vnodes() {
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
        // Checked whichever algorithm is chosen: the comparison of every algorithm uses them.
        check_load_factor(self.load_factor_c)?;
        check_table_size(self.maglev_table_size)?;
        if self.algorithm == Algorithm::Maglev && u64::from(self.nodes) > self.maglev_table_size {
            return Err(FieldError::new("maglev_table_size", format!("must be ≥ nodes ({})", self.nodes)));
        }
        Ok(())
    }

    /// The weight a node gets when none is given: its vnode count on a ring, 1 elsewhere.
    pub fn default_weight(&self) -> u32 {
        if self.algorithm.uses_vnodes() {
            self.vnodes
        } else {
            1
        }
    }

    /// The same parameters with the replication factor brought into `1..=nodes`, so changing
    /// the node count never leaves an invalid factor behind.
    pub fn normalised(mut self) -> Self {
        self.replication_factor = self.replication_factor.min(self.nodes).max(1);
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_spells_every_algorithm_as_its_name() {
        for algorithm in Algorithm::ALL {
            assert_eq!(serde_json::to_value(algorithm).unwrap(), serde_json::Value::from(algorithm.name()));
            let back: Algorithm = serde_json::from_value(serde_json::Value::from(algorithm.name())).unwrap();
            assert_eq!(back, algorithm);
        }
    }

    #[test]
    fn the_name_table_lists_each_algorithm_once() {
        assert_eq!(ALGORITHM_NAMES.len(), Algorithm::ALL.len());
        for algorithm in Algorithm::ALL {
            assert_eq!(ALGORITHM_NAMES.iter().filter(|e| e.0 == algorithm).count(), 1, "{algorithm:?}");
        }
    }

    #[test]
    fn names_and_other_spellings_parse() {
        for algorithm in Algorithm::ALL {
            assert_eq!(algorithm.name().parse::<Algorithm>().unwrap(), algorithm);
            assert_eq!(algorithm.name().to_ascii_uppercase().replace('_', "-").parse::<Algorithm>().unwrap(), algorithm);
        }
        assert_eq!("karger".parse::<Algorithm>().unwrap(), Algorithm::Ring);
        assert_eq!(" HRW ".parse::<Algorithm>().unwrap(), Algorithm::Rendezvous);
        assert_eq!("bounded".parse::<Algorithm>().unwrap(), Algorithm::BoundedLoad);
        let e = "chord".parse::<Algorithm>().unwrap_err();
        assert_eq!(e.field, "algorithm");
        assert!(e.message.contains("ring, bounded_load, jump, rendezvous, maglev"), "{e}");
    }

    #[test]
    fn normalising_brings_the_replication_factor_into_range() {
        let p = RingParams { nodes: 2, replication_factor: 3, ..RingParams::default() }.normalised();
        assert_eq!(p.replication_factor, 2);
        assert!(p.validate().is_ok());
        let p = RingParams { replication_factor: 0, ..RingParams::default() }.normalised();
        assert_eq!(p.replication_factor, 1);
        let untouched = RingParams::default();
        assert_eq!(untouched.clone().normalised(), untouched);
    }
}
