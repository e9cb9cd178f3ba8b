//! Faults a scenario can schedule: crashes, partitions, slow or lossy links.

use super::latency::Latency;
use super::network::NodeId;
use crate::error::FieldError;

/// One fault (or the end of one), applied to the network at a virtual time.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
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
    /// A partition that cuts `node` off alone and keeps the nodes cut off earlier cut off:
    /// `current` (the network's groups now, empty when whole) without `node`, plus `[node]`.
    pub fn isolate(node: NodeId, current: &[Vec<NodeId>]) -> Fault {
        let mut groups: Vec<Vec<NodeId>> =
            current.iter().map(|g| g.iter().copied().filter(|&m| m != node).collect::<Vec<_>>()).filter(|g| !g.is_empty()).collect();
        groups.push(vec![node]);
        Fault::Partition { groups }
    }

    /// Slows every link from `senders` into `node` (one way; `node` itself is skipped).
    pub fn slow_links_into(node: NodeId, senders: impl IntoIterator<Item = NodeId>, latency: &Latency) -> Vec<Fault> {
        senders
            .into_iter()
            .filter(|&from| from != node)
            .map(|from| Fault::SlowLink { from, to: node, latency: latency.clone(), both_ways: false })
            .collect()
    }

    /// Puts `links` back to the defaults, both ways, one fault per pair of nodes (so
    /// `(0, 1)` and `(1, 0)` give one `RestoreLink`), in pair order.
    pub fn restore_links(links: &[(NodeId, NodeId)]) -> Vec<Fault> {
        let mut pairs: Vec<(NodeId, NodeId)> = links.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
        crate::order::sort(&mut pairs);
        pairs.dedup();
        pairs.into_iter().map(|(from, to)| Fault::RestoreLink { from, to, both_ways: true }).collect()
    }

    /// The same fault with every node id passed through `map`, or `None` when a node it names
    /// has no new id (a partition just loses that member). What keeps a fault on its named
    /// node when the node set changes under it (a client that becomes the last id).
    pub fn renumbered(&self, map: impl Fn(NodeId) -> Option<NodeId>) -> Option<Fault> {
        Some(match self {
            Fault::Crash { node } => Fault::Crash { node: map(*node)? },
            Fault::Restart { node } => Fault::Restart { node: map(*node)? },
            Fault::Partition { groups } => Fault::Partition {
                groups: groups.iter().map(|g| g.iter().filter_map(|&n| map(n)).collect::<Vec<_>>()).filter(|g| !g.is_empty()).collect(),
            },
            Fault::SlowLink { from, to, latency, both_ways } => {
                Fault::SlowLink { from: map(*from)?, to: map(*to)?, latency: latency.clone(), both_ways: *both_ways }
            }
            Fault::LossyLink { from, to, drop_probability, both_ways } => {
                Fault::LossyLink { from: map(*from)?, to: map(*to)?, drop_probability: *drop_probability, both_ways: *both_ways }
            }
            Fault::RestoreLink { from, to, both_ways } => Fault::RestoreLink { from: map(*from)?, to: map(*to)?, both_ways: *both_ways },
            Fault::Heal | Fault::DropRate { .. } => self.clone(),
        })
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::network::{Network, NetworkConfig};
    use crate::engine::rng::SimRng;

    #[test]
    fn isolating_keeps_the_nodes_isolated_before() {
        assert_eq!(Fault::isolate(2, &[]), Fault::Partition { groups: vec![vec![2]] });
        let mut network = Network::new(5, NetworkConfig::default(), SimRng::from_seed(1));
        network.apply(&Fault::isolate(1, &network.partition_groups()));
        network.apply(&Fault::isolate(3, &network.partition_groups()));
        assert!(network.partitioned(1, 0) && network.partitioned(3, 0) && network.partitioned(1, 3));
        assert!(!network.partitioned(0, 4));
        let again = Fault::isolate(3, &network.partition_groups());
        again.validate(5).unwrap();
        network.apply(&again);
        assert!(network.partitioned(1, 3), "isolating a node twice keeps the others apart");
    }

    #[test]
    fn slowing_links_into_a_node_skips_the_node_itself() {
        let latency = Latency::Constant { ms: 200.0 };
        let faults = Fault::slow_links_into(1, 0..3, &latency);
        assert_eq!(
            faults,
            vec![
                Fault::SlowLink { from: 0, to: 1, latency: latency.clone(), both_ways: false },
                Fault::SlowLink { from: 2, to: 1, latency: latency.clone(), both_ways: false },
            ]
        );
        assert!(faults.iter().all(|f| f.validate(3).is_ok()));
    }

    #[test]
    fn restoring_links_gives_one_fault_per_pair_and_clears_the_overrides() {
        let mut network = Network::new(3, NetworkConfig::default(), SimRng::from_seed(1));
        for fault in Fault::slow_links_into(2, 0..3, &Latency::Constant { ms: 50.0 }) {
            network.apply(&fault);
        }
        network.apply(&Fault::LossyLink { from: 2, to: 0, drop_probability: 0.5, both_ways: false });
        assert_eq!(network.overridden_links(), vec![(0, 2), (1, 2), (2, 0)]);
        let restore = Fault::restore_links(&network.overridden_links());
        assert_eq!(restore, vec![Fault::RestoreLink { from: 0, to: 2, both_ways: true }, Fault::RestoreLink { from: 1, to: 2, both_ways: true }]);
        for fault in &restore {
            network.apply(fault);
        }
        assert!(network.overridden_links().is_empty());
        assert!(Fault::restore_links(&[]).is_empty());
    }
}
