//! Assigning a key set in order: per-key placements answer each key alone, bounded loads
//! depend on the keys before it. One type so reports treat all algorithms alike.

use super::bounded_load::BoundedLoadAssigner;
use super::error::FieldError;
use super::karger::KargerRing;
use super::movement::{apply_operation, RingOperation};
use super::node::{NodeId, NodeSet};
use super::params::{Algorithm, RingParams};
use super::placement::Placement;

/// The owner of each key of a key set, assigned in key order.
pub enum KeyAssignment {
    PerKey(Box<dyn Placement>),
    Bounded { ring: KargerRing, assigner: BoundedLoadAssigner },
}

impl KeyAssignment {
    /// The assignment for `params` after `operation` (if any), for a set of `keys` keys.
    pub fn new(params: &RingParams, operation: Option<&RingOperation>, keys: u64) -> Result<Self, FieldError> {
        params.validate()?;
        if params.algorithm == Algorithm::BoundedLoad {
            let mut ring = params.build_ring()?;
            if let Some(op) = operation {
                apply_operation(&mut ring, op, params.default_weight())?;
            }
            let assigner = BoundedLoadAssigner::new(&ring, params.load_factor_c, keys)?;
            return Ok(KeyAssignment::Bounded { ring, assigner });
        }
        let mut placement = params.build_placement()?;
        if let Some(op) = operation {
            apply_operation(placement.as_mut(), op, params.default_weight())?;
        }
        Ok(KeyAssignment::PerKey(placement))
    }

    /// The next key's owner.
    pub fn assign(&mut self, key_hash: u64) -> NodeId {
        match self {
            KeyAssignment::PerKey(placement) => placement.owner(key_hash),
            KeyAssignment::Bounded { ring, assigner } => assigner.assign(ring, key_hash),
        }
    }

    /// The single-key placement underneath (the ring, for bounded loads).
    pub fn placement(&self) -> &dyn Placement {
        match self {
            KeyAssignment::PerKey(placement) => placement.as_ref(),
            KeyAssignment::Bounded { ring, .. } => ring,
        }
    }

    pub fn nodes(&self) -> &NodeSet {
        self.placement().nodes()
    }

    /// The node's bounded-load capacity, if this is a bounded-load assignment.
    pub fn capacity(&self, node: NodeId) -> Option<u64> {
        match self {
            KeyAssignment::PerKey(_) => None,
            KeyAssignment::Bounded { assigner, .. } => Some(assigner.capacity(node)),
        }
    }
}
