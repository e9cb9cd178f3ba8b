//! What a quorum scenario can set, and its validation (errors name the field).

use serde::{Deserialize, Serialize};

use super::version::Versioning;
use crate::engine::{Latency, NodeId};
use crate::error::FieldError;
use crate::patterns::quorum::pbs::{parse_latency_model, WarsLatencies};

/// Storage nodes a scenario may have.
pub const MIN_REPLICAS: u32 = 3;
pub const MAX_REPLICAS: u32 = 9;
/// Keys in the workload's key space.
pub const MAX_KEYS: u32 = 16;

/// Which storage node coordinates a client's operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Coordinator {
    /// The first node of the key's preference list the client can reach.
    #[default]
    FirstReachable,
    /// A uniformly random reachable node of the key's preference list (a load balancer).
    RandomReachable,
    /// Always this node, reachable or not (it need not be a replica of the key).
    Fixed { node: NodeId },
}

impl Coordinator {
    /// The choices that need no node, as `(name, title)`: what the widget's selector offers.
    pub const CHOICES: [(&'static str, &'static str); 2] =
        [("first_reachable", "first reachable replica"), ("random_reachable", "random reachable replica")];

    /// serde's `kind` tag.
    pub fn name(&self) -> &'static str {
        match self {
            Coordinator::FirstReachable => "first_reachable",
            Coordinator::RandomReachable => "random_reachable",
            Coordinator::Fixed { .. } => "fixed",
        }
    }

    /// The coordinator called `name`, for the choices that need no node ([`Self::CHOICES`]).
    pub fn from_name(name: &str) -> Option<Coordinator> {
        [Coordinator::FirstReachable, Coordinator::RandomReachable].into_iter().find(|c| c.name() == name)
    }
}

/// Latency models the widget offers, as `(PBS model name, label)`: two exponentials, a heavy
/// tail, and the PBS paper's single-site production fits (a test parses every one).
pub const LATENCY_MODELS: [(&str, &str); 6] = [
    ("exponential:5", "Exponential, mean 5 ms"),
    ("exponential:20", "Exponential, mean 20 ms"),
    ("pareto:2:1.5", "Pareto, 2 ms floor, heavy tail (α 1.5)"),
    ("lnkd-ssd", "LinkedIn SSD (PBS paper)"),
    ("lnkd-disk", "LinkedIn disk (PBS paper)"),
    ("ymmr", "Yammer Riak (PBS paper)"),
];

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct QuorumParams {
    /// Storage nodes `node-0 .. node-{replicas-1}` (the client is the next id).
    pub replicas: u32,
    /// Replication factor: each key lives on `n` nodes, its preference list on the ring.
    pub n: u32,
    /// Read quorum: replies the coordinator waits for.
    pub r: u32,
    /// Write quorum: acks the coordinator waits for.
    pub w: u32,
    /// Virtual nodes per storage node on the consistent-hashing ring.
    pub vnodes: u32,
    /// Keys `k0 .. k{keys-1}`.
    pub keys: u32,
    pub coordinator: Coordinator,
    pub versioning: Versioning,
    /// After a read, push the newest version to the repliers that answered with less.
    pub read_repair: bool,
    /// If a preference-list node is unreachable, write to the next healthy node with a hint.
    pub sloppy_quorum: bool,
    /// How often a node holding hints tries to hand them off.
    pub hint_retry_ms: f64,
    /// The coordinator gives up on an operation after this long (the client after twice that).
    pub timeout_ms: f64,
    /// Poisson write arrivals (0 = scripted writes only).
    pub writes_per_second: f64,
    /// Poisson read arrivals (0 = scripted reads only).
    pub reads_per_second: f64,
    /// A PBS latency model name (`lnkd-ssd`, `exponential:5`, ...; see `faultline quorum pbs`).
    /// Links draw from its read-request distribution R (the same as A and S in every preset);
    /// the staleness chart uses all four.
    pub latency_model: String,
}

impl Default for QuorumParams {
    fn default() -> Self {
        Self {
            replicas: 5,
            n: 3,
            r: 2,
            w: 2,
            vnodes: 8,
            keys: 4,
            coordinator: Coordinator::FirstReachable,
            versioning: Versioning::LastWriteWins,
            read_repair: true,
            sloppy_quorum: false,
            hint_retry_ms: 200.0,
            timeout_ms: 100.0,
            writes_per_second: 20.0,
            reads_per_second: 40.0,
            latency_model: "exponential:5".to_string(),
        }
    }
}

impl QuorumParams {
    /// `R + W > N`: every read quorum overlaps every write quorum.
    pub fn strict(&self) -> bool {
        self.r + self.w > self.n
    }

    /// The same parameters with `n` in `1..=replicas` and `r`, `w` in `1..=n`: a smaller
    /// `n` or fewer storage nodes pull the quorums down with them.
    pub fn normalised(mut self) -> Self {
        self.n = self.n.min(self.replicas).max(1);
        self.r = self.r.min(self.n).max(1);
        self.w = self.w.min(self.n).max(1);
        self
    }

    /// These parameters with replication factor `n`, quorums clamped to it ([`Self::normalised`]).
    pub fn with_n(self, n: u32) -> Self {
        QuorumParams { n, ..self }.normalised()
    }

    /// The parsed latency model (the default's when the name is invalid; validation rejects it).
    pub fn wars(&self) -> WarsLatencies {
        parse_latency_model(&self.latency_model)
            .or_else(|_| parse_latency_model("exponential:5"))
            .unwrap_or_else(|_| WarsLatencies::symmetric(Latency::Exponential { mean_ms: 5.0 }))
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        if !(MIN_REPLICAS..=MAX_REPLICAS).contains(&self.replicas) {
            return Err(FieldError::new("replicas", format!("must be between {MIN_REPLICAS} and {MAX_REPLICAS}, got {}", self.replicas)));
        }
        if !(1..=self.replicas).contains(&self.n) {
            return Err(FieldError::new("n", format!("must be between 1 and replicas ({}), got {}", self.replicas, self.n)));
        }
        if !(1..=self.n).contains(&self.r) {
            return Err(FieldError::new("r", format!("must be between 1 and n ({}), got {}", self.n, self.r)));
        }
        if !(1..=self.n).contains(&self.w) {
            return Err(FieldError::new("w", format!("must be between 1 and n ({}), got {}", self.n, self.w)));
        }
        if !(1..=256).contains(&self.vnodes) {
            return Err(FieldError::new("vnodes", format!("must be between 1 and 256, got {}", self.vnodes)));
        }
        if !(1..=MAX_KEYS).contains(&self.keys) {
            return Err(FieldError::new("keys", format!("must be between 1 and {MAX_KEYS}, got {}", self.keys)));
        }
        if let Coordinator::Fixed { node } = self.coordinator {
            if node >= self.replicas {
                return Err(FieldError::new("coordinator.node", format!("must be a storage node 0..{}, got {node}", self.replicas - 1)));
            }
        }
        for (field, v) in [("hint_retry_ms", self.hint_retry_ms), ("timeout_ms", self.timeout_ms)] {
            if !(v.is_finite() && (MIN_TIMER_MS..=MAX_TIMER_MS).contains(&v)) {
                return Err(FieldError::new(field, format!("must be in [{MIN_TIMER_MS}, {MAX_TIMER_MS}] ms, got {v}")));
            }
        }
        check_rate("writes_per_second", self.writes_per_second)?;
        check_rate("reads_per_second", self.reads_per_second)?;
        check_retained_writes(self.writes_per_second, self.timeout_ms)?;
        parse_latency_model(&self.latency_model).map_err(|e| FieldError::new("latency_model", e.message))?;
        Ok(())
    }
}

/// Shortest and longest timeout or hint-retry interval: a timer shorter than a millisecond
/// re-arms so often that a run does nothing else.
pub const MIN_TIMER_MS: f64 = 1.0;
pub const MAX_TIMER_MS: f64 = 60_000.0;

/// Busiest workload of each kind, operations per second.
pub const MAX_RATE: f64 = 1_000.0;

/// Most committed writes a key may have to remember at once for the staleness verdict (each
/// read compares them pairwise, so more makes every read slower).
pub const MAX_RETAINED_WRITES: f64 = 5_000.0;

pub(crate) fn check_rate(field: &str, rate: f64) -> Result<(), FieldError> {
    if rate.is_finite() && (0.0..=MAX_RATE).contains(&rate) {
        Ok(())
    } else {
        Err(FieldError::new(field, format!("must be in [0, {MAX_RATE}] per second, got {rate}")))
    }
}

/// Committed writes are kept for three timeouts (a read still running may have started before
/// them): writes/s × 3 × timeout is how many one key may hold.
pub(crate) fn check_retained_writes(writes_per_second: f64, timeout_ms: f64) -> Result<(), FieldError> {
    let retained = writes_per_second * 3.0 * timeout_ms / 1_000.0;
    if retained > MAX_RETAINED_WRITES {
        return Err(FieldError::new(
            "writes_per_second",
            format!("× 3 × timeout_ms keeps {retained:.0} writes for the staleness check, at most {MAX_RETAINED_WRITES}: lower the write rate or the timeout"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smaller_n_pulls_the_quorums_down() {
        let p = QuorumParams { n: 5, r: 4, w: 5, ..QuorumParams::default() }.with_n(2);
        assert_eq!((p.n, p.r, p.w), (2, 2, 2));
        assert!(p.validate().is_ok());
        let p = QuorumParams { n: 0, r: 0, w: 0, ..QuorumParams::default() }.normalised();
        assert_eq!((p.n, p.r, p.w), (1, 1, 1));
        let p = QuorumParams { replicas: 3, n: 5, ..QuorumParams::default() }.normalised();
        assert_eq!(p.n, 3);
        assert!(p.validate().is_ok());
        assert_eq!(QuorumParams::default().normalised(), QuorumParams::default());
    }

    #[test]
    fn every_offered_latency_model_is_valid() {
        for (name, _) in LATENCY_MODELS {
            let p = QuorumParams { latency_model: name.to_string(), ..QuorumParams::default() };
            assert!(p.validate().is_ok(), "{name}");
        }
        assert!(LATENCY_MODELS.iter().any(|(name, _)| *name == QuorumParams::default().latency_model));
    }

    #[test]
    fn coordinator_names_are_serdes_tags() {
        for coordinator in [Coordinator::FirstReachable, Coordinator::RandomReachable, Coordinator::Fixed { node: 1 }] {
            assert_eq!(serde_json::to_value(&coordinator).unwrap()["kind"], coordinator.name());
        }
        for (name, _) in Coordinator::CHOICES {
            assert_eq!(Coordinator::from_name(name).unwrap().name(), name);
        }
        assert_eq!(Coordinator::from_name("fixed"), None, "a fixed coordinator needs a node");
    }
}
