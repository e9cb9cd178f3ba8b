//! The faults the quorum widget offers, composed from the engine's [`Fault`] helpers so the
//! buttons, scenarios and tests mean the same thing.

use super::params::QuorumParams;
use crate::engine::{Fault, Latency, Network, NodeId};

/// The latency of a slowed link: far above every offered model's mean, so a slowed replica
/// is the last to answer.
pub const SLOW_LINK_MS: f64 = 200.0;

/// Cuts storage node `node` off from everyone, keeping the nodes isolated before cut off.
pub fn isolate(node: NodeId, network: &Network) -> Fault {
    Fault::isolate(node, &network.partition_groups())
}

/// Slows every link from the other storage nodes into `node` (the client's link stays fast,
/// so `node` still hears from the client but lags behind its peers).
pub fn slow_links_into(node: NodeId, params: &QuorumParams) -> Vec<Fault> {
    Fault::slow_links_into(node, 0..params.replicas, &Latency::Constant { ms: SLOW_LINK_MS })
}

/// Restores exactly the links a fault has slowed or made lossy so far; empty when none is.
pub fn restore_links(network: &Network) -> Vec<Fault> {
    Fault::restore_links(&network.overridden_links())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{NetworkConfig, SimRng};

    fn network(params: &QuorumParams) -> Network {
        Network::new(params.replicas as usize + 1, NetworkConfig::default(), SimRng::from_seed(1))
    }

    #[test]
    fn slowing_then_restoring_leaves_the_network_as_it_was() {
        let params = QuorumParams::default();
        let mut network = network(&params);
        assert!(restore_links(&network).is_empty());
        let slow = slow_links_into(2, &params);
        assert_eq!(slow.len(), params.replicas as usize - 1, "every other storage node, not the client");
        for fault in &slow {
            fault.validate(params.replicas as usize + 1).unwrap();
            network.apply(fault);
        }
        assert_eq!(network.link_latency(0, 2), &Latency::Constant { ms: SLOW_LINK_MS });
        assert_eq!(network.link_latency(2, 0), &NetworkConfig::default().latency, "one way only");
        for fault in restore_links(&network) {
            network.apply(&fault);
        }
        assert!(network.overridden_links().is_empty());
        assert!(restore_links(&network).is_empty(), "nothing left to restore");
    }

    #[test]
    fn isolating_two_nodes_keeps_both_apart_from_the_rest() {
        let params = QuorumParams::default();
        let mut network = network(&params);
        network.apply(&isolate(0, &network));
        network.apply(&isolate(4, &network));
        let client = params.replicas;
        assert!(network.partitioned(0, client) && network.partitioned(4, client) && network.partitioned(0, 4));
        assert!(!network.partitioned(1, client));
    }
}
