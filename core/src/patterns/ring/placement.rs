//! The one interface every single-key placement algorithm implements.

use super::error::FieldError;
use super::node::{NodeId, NodeSet};

/// Maps a 64-bit key hash to nodes. Every implementation keeps at least one node, so `owner`
/// always has an answer; mutations return a [`FieldError`] instead of panicking.
pub trait Placement {
    /// The physical nodes, in id order.
    fn nodes(&self) -> &NodeSet;

    /// The node that owns `key_hash`.
    fn owner(&self, key_hash: u64) -> NodeId;

    /// The first `replicas` *distinct physical* nodes for `key_hash`, owner first. Returns
    /// fewer only when the set has fewer nodes.
    fn preference_list(&self, key_hash: u64, replicas: usize) -> Vec<NodeId>;

    /// Adds `node-{next id}` with `weight` and returns its id.
    fn add_node(&mut self, weight: u32) -> Result<NodeId, FieldError>;

    /// Why [`Placement::remove_node`] would refuse `node`, if it would: an unknown node, the
    /// last one, or one the algorithm cannot remove. Views ask before offering a removal.
    fn check_remove(&self, node: NodeId) -> Result<(), FieldError> {
        self.nodes().check_remove(node)
    }

    /// Removes a node. Fails for the last node, and for algorithms that cannot remove it.
    fn remove_node(&mut self, node: NodeId) -> Result<(), FieldError>;

    /// Changes a node's weight (vnodes, score weight, turns; see [`super::node::NodeInfo`]).
    fn set_weight(&mut self, node: NodeId, weight: u32) -> Result<(), FieldError>;
}
