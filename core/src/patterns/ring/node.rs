//! Node identities: stable numeric ids with human names (`node-0`, `node-1`, ...) and a weight.
//!
//! Ids are never reused: an added node gets one more than the largest id ever handed out in
//! this set, so `node-7` means the same machine before and after a removal.

use crate::small_map::SmallMap;

use serde::Serialize;

use super::error::FieldError;

/// A physical node's stable id. Its name is `node-{id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, crate::json::ToJson)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The id as an index into dense per-node arrays (sized by [`NodeSet::id_bound`]).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What the set knows about one node. `weight` means vnodes on the ring, a score multiplier for
/// rendezvous, turns per round for Maglev; jump hash only allows 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct NodeInfo {
    pub name: String,
    pub weight: u32,
}

/// The physical nodes, ordered by id (a `SmallMap`, so iteration order is part of the output).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    nodes: SmallMap<NodeId, NodeInfo>,
    next_id: u32,
}

/// The name of node `id`.
pub fn node_name(id: NodeId) -> String {
    format!("node-{}", id.0)
}

impl NodeSet {
    /// `count` nodes `node-0 .. node-{count-1}`, all with `weight`.
    pub fn numbered(count: u32, weight: u32) -> Self {
        let mut set = NodeSet::default();
        for _ in 0..count {
            set.insert_next(weight);
        }
        set
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Nodes in id order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &NodeInfo)> + '_ {
        self.nodes.iter().map(|(id, info)| (*id, info))
    }

    pub fn ids(&self) -> Vec<NodeId> {
        self.nodes.keys().copied().collect()
    }

    pub fn get(&self, id: NodeId) -> Option<&NodeInfo> {
        self.nodes.get(&id)
    }

    pub fn contains(&self, id: NodeId) -> bool {
        self.nodes.contains_key(&id)
    }

    /// The node's name, or `node-{id}` for an id this set does not hold.
    pub fn name(&self, id: NodeId) -> String {
        self.nodes.get(&id).map(|n| n.name.clone()).unwrap_or_else(|| node_name(id))
    }

    /// The node's weight, 0 if absent.
    pub fn weight(&self, id: NodeId) -> u32 {
        self.nodes.get(&id).map_or(0, |n| n.weight)
    }

    pub fn total_weight(&self) -> u64 {
        self.nodes.values().map(|n| u64::from(n.weight)).sum()
    }

    /// The id called `name`, if any.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.nodes.iter().find(|(_, info)| info.name == name).map(|(id, _)| *id)
    }

    /// One more than the largest id ever issued: the length of a dense per-node array.
    pub fn id_bound(&self) -> usize {
        self.next_id as usize
    }

    /// Adds `node-{next id}` with `weight` (the caller validates the weight).
    pub(crate) fn insert_next(&mut self, weight: u32) -> NodeId {
        let id = NodeId(self.next_id);
        self.next_id += 1;
        self.nodes.insert(id, NodeInfo { name: node_name(id), weight });
        id
    }

    /// Why `id` cannot be removed (an unknown node, or the last one), if it cannot.
    pub fn check_remove(&self, id: NodeId) -> Result<(), FieldError> {
        if !self.contains(id) {
            return Err(unknown_node(id));
        }
        if self.nodes.len() == 1 {
            return Err(FieldError::new("nodes", "must be ≥ 1: cannot remove the last node"));
        }
        Ok(())
    }

    /// Removes `id`; refuses to remove an unknown node or the last one.
    pub(crate) fn remove(&mut self, id: NodeId) -> Result<NodeInfo, FieldError> {
        self.check_remove(id)?;
        self.nodes.remove(&id).ok_or_else(|| unknown_node(id))
    }

    pub(crate) fn set_weight(&mut self, id: NodeId, weight: u32) -> Result<(), FieldError> {
        let info = self.nodes.get_mut(&id).ok_or_else(|| unknown_node(id))?;
        info.weight = weight;
        Ok(())
    }
}

fn unknown_node(id: NodeId) -> FieldError {
    FieldError::new("node", format!("no node {} in the set", node_name(id)))
}

/// Rejects weight 0 (remove the node instead) and weights above `max`.
pub(crate) fn check_weight(weight: u32, max: u32) -> Result<(), FieldError> {
    if weight == 0 {
        return Err(FieldError::new("weight", "must be ≥ 1 (remove the node instead)"));
    }
    if weight > max {
        return Err(FieldError::new("weight", format!("must be ≤ {max}")));
    }
    Ok(())
}
