//! Faults a scenario can schedule: crashes, partitions, slow or lossy links.

use serde::{Deserialize, Serialize};

use super::latency::Latency;
use super::network::NodeId;
use crate::error::FieldError;

/// One fault (or the end of one), applied to the network at a virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// The node stops: it sends nothing, and messages to it are lost.
    Crash { node: NodeId },
    /// A crashed node comes back.
    Restart { node: NodeId },
    /// Only nodes in the same group can talk; nodes in no group form one more group together.
    Partition { groups: Vec<Vec<NodeId>> },
    /// Removes any partition.
    Heal,
    /// Overrides one link's latency (and, with `both_ways`, the reverse link's).
    SlowLink {
        from: NodeId,
        to: NodeId,
        latency: Latency,
        #[serde(default)]
        both_ways: bool,
    },
    /// Overrides one link's drop probability.
    LossyLink {
        from: NodeId,
        to: NodeId,
        drop_probability: f64,
        #[serde(default)]
        both_ways: bool,
    },
    /// Puts a link back to the network defaults.
    RestoreLink {
        from: NodeId,
        to: NodeId,
        #[serde(default)]
        both_ways: bool,
    },
    /// Sets the drop probability of every link without an override.
    DropRate { probability: f64 },
}

impl Fault {
    /// Checks node ids against the network size and numbers against their ranges.
    pub fn validate(&self, node_count: usize) -> Result<(), FieldError> {
        let node = |field: &str, id: NodeId| {
            if (id as usize) < node_count {
                Ok(())
            } else {
                Err(FieldError::new(field, format!("no node {id}: the network has nodes 0..{}", node_count.saturating_sub(1))))
            }
        };
        let probability = |field: &str, p: f64| {
            if (0.0..=1.0).contains(&p) {
                Ok(())
            } else {
                Err(FieldError::new(field, format!("must be a probability in [0, 1], got {p}")))
            }
        };
        match self {
            Fault::Crash { node: id } | Fault::Restart { node: id } => node("node", *id),
            Fault::Partition { groups } => {
                let mut seen = std::collections::BTreeSet::new();
                for (g, group) in groups.iter().enumerate() {
                    for (i, id) in group.iter().enumerate() {
                        node(&format!("groups[{g}][{i}]"), *id)?;
                        if !seen.insert(*id) {
                            return Err(FieldError::new(format!("groups[{g}][{i}]"), format!("node {id} is in two groups")));
                        }
                    }
                }
                Ok(())
            }
            Fault::Heal => Ok(()),
            Fault::SlowLink { from, to, latency, .. } => {
                node("from", *from)?;
                node("to", *to)?;
                latency.validate().map_err(|e| FieldError::from(e).within("latency"))
            }
            Fault::LossyLink { from, to, drop_probability, .. } => {
                node("from", *from)?;
                node("to", *to)?;
                probability("drop_probability", *drop_probability)
            }
            Fault::RestoreLink { from, to, .. } => {
                node("from", *from)?;
                node("to", *to)
            }
            Fault::DropRate { probability: p } => probability("probability", *p),
        }
    }

    /// A short human sentence for event logs and the fault lane.
    pub fn describe(&self, name: &dyn Fn(NodeId) -> String) -> String {
        let arrow = |both: bool| if both { "↔" } else { "→" };
        match self {
            Fault::Crash { node } => format!("{} crashes", name(*node)),
            Fault::Restart { node } => format!("{} restarts", name(*node)),
            Fault::Partition { groups } => {
                let parts: Vec<String> =
                    groups.iter().map(|g| format!("{{{}}}", g.iter().map(|n| name(*n)).collect::<Vec<_>>().join(", "))).collect();
                format!("partition {}", parts.join(" | "))
            }
            Fault::Heal => "partition heals".to_string(),
            Fault::SlowLink { from, to, latency, both_ways } => {
                format!("link {}{}{} slows to mean {:.1} ms", name(*from), arrow(*both_ways), name(*to), latency.mean_ms())
            }
            Fault::LossyLink { from, to, drop_probability, both_ways } => {
                format!("link {}{}{} drops {:.0}%", name(*from), arrow(*both_ways), name(*to), drop_probability * 100.0)
            }
            Fault::RestoreLink { from, to, both_ways } => {
                format!("link {}{}{} restored", name(*from), arrow(*both_ways), name(*to))
            }
            Fault::DropRate { probability } => format!("network drops {:.0}% of messages", probability * 100.0),
        }
    }
}
