//! The simulated network: who can reach whom, how long it takes, and what gets lost.

use crate::small_map::SmallMap;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::fault::Fault;
use super::latency::Latency;
use super::rng::SimRng;
use super::time::Tick;
use crate::error::FieldError;

/// Index of a node in the simulated network (`0..node_count`).
pub type NodeId = u32;

/// Network defaults a scenario can set; faults change them over time.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// One-way latency of every link without an override.
    pub latency: Latency,
    /// Probability that a message on a link without an override is lost.
    pub drop_probability: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self { latency: Latency::Constant { ms: 1.0 }, drop_probability: 0.0 }
    }
}

impl NetworkConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        self.latency.validate().map_err(|e| FieldError::from(e).within("latency"))?;
        if !(0.0..=1.0).contains(&self.drop_probability) {
            return Err(FieldError::new("drop_probability", format!("must be a probability in [0, 1], got {}", self.drop_probability)));
        }
        Ok(())
    }
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    SenderDown,
    ReceiverDown,
    Partitioned,
    Lost,
}

/// The outcome of handing a message to the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    ArrivesAt(Tick),
    Dropped(DropReason),
}

/// Per-link overrides, keyed by (from, to).
type LinkTable = SmallMap<(NodeId, NodeId), LinkOverride>;

#[derive(Clone, Debug, Default, PartialEq)]
struct LinkOverride {
    latency: Option<Latency>,
    drop_probability: Option<f64>,
}

/// Live network state: defaults, per-link overrides, crashed nodes, partition.
#[derive(Clone, Debug)]
pub struct Network {
    node_count: usize,
    config: NetworkConfig,
    links: LinkTable,
    down: BTreeSet<NodeId>,
    /// Crashes per node so far: timers set before a crash must not fire after a restart.
    incarnation: Vec<u32>,
    /// Partition group of each node, when partitioned.
    group_of: Option<Vec<u32>>,
    rng: SimRng,
}

impl Network {
    /// A network of `node_count` nodes drawing its randomness from its own stream, so a
    /// pattern's own random choices never shift message latencies (and vice versa).
    pub fn new(node_count: usize, config: NetworkConfig, rng: SimRng) -> Self {
        Self { node_count, config, links: SmallMap::new(), down: BTreeSet::new(), incarnation: vec![0; node_count], group_of: None, rng }
    }

    pub fn node_count(&self) -> usize {
        self.node_count
    }

    pub fn is_up(&self, node: NodeId) -> bool {
        !self.down.contains(&node)
    }

    /// How many times `node` has crashed: a restarted node is a new incarnation.
    pub fn incarnation(&self, node: NodeId) -> u32 {
        self.incarnation.get(node as usize).copied().unwrap_or(0)
    }

    pub fn down_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.down.iter().copied()
    }

    /// True when a partition separates `a` from `b`.
    pub fn partitioned(&self, a: NodeId, b: NodeId) -> bool {
        match &self.group_of {
            Some(groups) => groups.get(a as usize) != groups.get(b as usize),
            None => false,
        }
    }

    /// Partition groups for display (each sorted); empty when the network is whole.
    pub fn partition_groups(&self) -> Vec<Vec<NodeId>> {
        let Some(groups) = &self.group_of else { return Vec::new() };
        let mut by_group: SmallMap<u32, Vec<NodeId>> = SmallMap::new();
        for (node, g) in groups.iter().enumerate() {
            by_group.entry(*g).or_default().push(node as NodeId);
        }
        by_group.into_values().collect()
    }

    /// The links `(from, to)` whose latency or loss a fault has overridden, in order.
    pub fn overridden_links(&self) -> Vec<(NodeId, NodeId)> {
        self.links.keys().copied().collect()
    }

    /// Latency distribution currently in force on the link `from → to`.
    pub fn link_latency(&self, from: NodeId, to: NodeId) -> &Latency {
        self.links.get(&(from, to)).and_then(|l| l.latency.as_ref()).unwrap_or(&self.config.latency)
    }

    /// Decides the fate of a message sent now: dropped, or the time it arrives.
    /// The receiver is checked again on arrival (it may crash in flight).
    pub fn route(&mut self, now: Tick, from: NodeId, to: NodeId) -> Route {
        if !self.is_up(from) {
            return Route::Dropped(DropReason::SenderDown);
        }
        if self.partitioned(from, to) {
            return Route::Dropped(DropReason::Partitioned);
        }
        let link = self.links.get(&(from, to));
        let drop_probability = link.and_then(|l| l.drop_probability).unwrap_or(self.config.drop_probability);
        // Draw in a fixed order (loss, then latency) so the stream stays aligned across runs.
        let lost = self.rng.chance(drop_probability);
        let latency = link.and_then(|l| l.latency.as_ref()).unwrap_or(&self.config.latency).sample_ticks(&mut self.rng);
        if lost {
            return Route::Dropped(DropReason::Lost);
        }
        Route::ArrivesAt(now.saturating_add(latency))
    }

    /// Whether a message in flight from `from` may be delivered to `to` now.
    pub fn deliverable(&self, from: NodeId, to: NodeId) -> Result<(), DropReason> {
        if !self.is_up(to) {
            Err(DropReason::ReceiverDown)
        } else if self.partitioned(from, to) {
            Err(DropReason::Partitioned)
        } else {
            Ok(())
        }
    }

    /// Applies a (validated) fault.
    pub fn apply(&mut self, fault: &Fault) {
        let mut each_way = |from: NodeId, to: NodeId, both: bool, f: &mut dyn FnMut(&mut LinkTable, (NodeId, NodeId))| {
            f(&mut self.links, (from, to));
            if both {
                f(&mut self.links, (to, from));
            }
        };
        match fault {
            Fault::Crash { node } => {
                if self.down.insert(*node) {
                    if let Some(n) = self.incarnation.get_mut(*node as usize) {
                        *n += 1;
                    }
                }
            }
            Fault::Restart { node } => {
                self.down.remove(node);
            }
            Fault::Partition { groups } => {
                // Unlisted nodes share one extra group.
                let rest = groups.len() as u32;
                let mut group_of = vec![rest; self.node_count];
                for (g, members) in groups.iter().enumerate() {
                    for node in members {
                        if let Some(slot) = group_of.get_mut(*node as usize) {
                            *slot = g as u32;
                        }
                    }
                }
                self.group_of = Some(group_of);
            }
            Fault::Heal => self.group_of = None,
            Fault::SlowLink { from, to, latency, both_ways } => each_way(*from, *to, *both_ways, &mut |links, key| {
                links.entry(key).or_default().latency = Some(latency.clone());
            }),
            Fault::LossyLink { from, to, drop_probability, both_ways } => each_way(*from, *to, *both_ways, &mut |links, key| {
                links.entry(key).or_default().drop_probability = Some(*drop_probability);
            }),
            Fault::RestoreLink { from, to, both_ways } => each_way(*from, *to, *both_ways, &mut |links, key| {
                links.remove(&key);
            }),
            Fault::DropRate { probability } => self.config.drop_probability = *probability,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(n: usize) -> Network {
        Network::new(n, NetworkConfig { latency: Latency::Constant { ms: 2.0 }, drop_probability: 0.0 }, SimRng::from_seed(1))
    }

    #[test]
    fn constant_latency_arrives_on_time() {
        let mut n = net(2);
        assert_eq!(n.route(100, 0, 1), Route::ArrivesAt(2_100));
    }

    #[test]
    fn crashed_nodes_neither_send_nor_receive() {
        let mut n = net(3);
        n.apply(&Fault::Crash { node: 1 });
        assert_eq!(n.route(0, 1, 0), Route::Dropped(DropReason::SenderDown));
        assert_eq!(n.deliverable(0, 1), Err(DropReason::ReceiverDown));
        n.apply(&Fault::Restart { node: 1 });
        assert_eq!(n.deliverable(0, 1), Ok(()));
    }

    #[test]
    fn partition_separates_groups_and_unlisted_nodes_form_their_own() {
        let mut n = net(4);
        n.apply(&Fault::Partition { groups: vec![vec![0, 1]] });
        assert!(!n.partitioned(0, 1));
        assert!(n.partitioned(0, 2));
        assert!(!n.partitioned(2, 3), "unlisted nodes stay together");
        assert_eq!(n.route(0, 1, 2), Route::Dropped(DropReason::Partitioned));
        assert_eq!(n.partition_groups(), vec![vec![0, 1], vec![2, 3]]);
        n.apply(&Fault::Heal);
        assert!(!n.partitioned(0, 2));
    }

    #[test]
    fn link_overrides_apply_per_direction_and_restore() {
        let mut n = net(2);
        n.apply(&Fault::SlowLink { from: 0, to: 1, latency: Latency::Constant { ms: 50.0 }, both_ways: false });
        assert_eq!(n.route(0, 0, 1), Route::ArrivesAt(50_000));
        assert_eq!(n.route(0, 1, 0), Route::ArrivesAt(2_000));
        n.apply(&Fault::LossyLink { from: 1, to: 0, drop_probability: 1.0, both_ways: true });
        assert_eq!(n.route(0, 1, 0), Route::Dropped(DropReason::Lost));
        assert_eq!(n.route(0, 0, 1), Route::Dropped(DropReason::Lost));
        n.apply(&Fault::RestoreLink { from: 0, to: 1, both_ways: true });
        assert_eq!(n.route(0, 0, 1), Route::ArrivesAt(2_000));
    }

    #[test]
    fn drop_rate_loses_about_that_fraction() {
        let mut n = net(2);
        n.apply(&Fault::DropRate { probability: 0.25 });
        let lost = (0..20_000).filter(|_| n.route(0, 0, 1) == Route::Dropped(DropReason::Lost)).count();
        assert!((4_500..5_500).contains(&lost), "{lost}");
    }

    #[test]
    fn fault_validation_names_the_field() {
        let e = Fault::Partition { groups: vec![vec![0], vec![0]] }.validate(3).unwrap_err();
        assert_eq!(e.field, "groups[1][0]");
        let e = Fault::Crash { node: 7 }.validate(3).unwrap_err();
        assert_eq!(e.field, "node");
    }
}
