//! `faultline ring locate`: where one key lives, with enough detail to check it by hand.

use serde::Serialize;

use super::assignment::KeyAssignment;
use super::error::FieldError;
use super::jump::jump_consistent_hash;
use super::karger::vnode_token;
use super::key::{hex64, Key};
use super::params::{Algorithm, RingParams};
use super::placement::Placement;
use super::workload::KeyStream;

/// The answer of [`locate`].
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct LocateReport {
    pub algorithm: Algorithm,
    pub key: String,
    /// `"text"` (hashed) or `"raw"` (a 64-bit integer used as its own hash).
    pub key_kind: String,
    /// How `key_hash` was computed, in words.
    pub hash_function: String,
    pub key_hash_hex: String,
    /// Decimal, as a string: JSON numbers lose precision above 2^53 in JavaScript.
    pub key_hash_decimal: String,
    pub owner: String,
    /// `replication_factor` distinct nodes, owner first.
    pub replicas: Vec<String>,
    /// Ring: the owning token (first token ≥ key_hash, wrapping) and its label `node#vnode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_label: Option<String>,
    /// Jump: the bucket index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jump_bucket: Option<u32>,
    /// Maglev: `key_hash mod M`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maglev_slot: Option<u64>,
    /// Bounded loads: the owner's capacity ⌈c·m/n⌉ for the workload's keys plus this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
}

/// Locates `key` under `params`.
///
/// For `bounded_load` the owner depends on the key set: the key set is the workload's keys in
/// order, with `key` appended if its hash is not among them, and the reported owner is `key`'s
/// assignment in that set. Replicas are then the owner followed by the ring's preference list.
pub fn locate(params: &RingParams, key: &Key) -> Result<LocateReport, FieldError> {
    params.validate()?;
    let key_hash = key.hash();
    let rf = params.replication_factor as usize;
    let mut report = LocateReport {
        algorithm: params.algorithm,
        key: key.to_string(),
        key_kind: match key {
            Key::Raw(_) => "raw".into(),
            Key::Text(_) => "text".into(),
        },
        hash_function: match key {
            Key::Raw(_) => "none: a 64-bit integer key is its own hash".into(),
            Key::Text(_) => "XXH3-64, seed 0, of the key's UTF-8 bytes".into(),
        },
        key_hash_hex: hex64(key_hash),
        key_hash_decimal: key_hash.to_string(),
        owner: String::new(),
        replicas: Vec::new(),
        token_hex: None,
        token_label: None,
        jump_bucket: None,
        maglev_slot: None,
        capacity: None,
    };

    if params.algorithm == Algorithm::BoundedLoad {
        return locate_bounded(params, key_hash, report);
    }
    if params.algorithm == Algorithm::Ring {
        let ring = params.build_ring()?;
        fill_owner(&mut report, &ring, key_hash, rf);
        let owner = ring.owner(key_hash);
        let token = ring.tokens()[ring.successor_index(key_hash)];
        report.token_hex = Some(hex64(token));
        report.token_label = token_label(&ring.nodes().name(owner), ring.nodes().weight(owner), token);
        return Ok(report);
    }
    let placement = params.build_placement()?;
    fill_owner(&mut report, placement.as_ref(), key_hash, rf);
    match params.algorithm {
        Algorithm::Jump => report.jump_bucket = Some(jump_consistent_hash(key_hash, params.nodes)),
        Algorithm::Maglev => report.maglev_slot = Some(key_hash % params.maglev_table_size),
        _ => {}
    }
    Ok(report)
}

fn fill_owner(report: &mut LocateReport, placement: &dyn Placement, key_hash: u64, rf: usize) {
    let nodes = placement.nodes();
    report.owner = nodes.name(placement.owner(key_hash));
    report.replicas = placement.preference_list(key_hash, rf).into_iter().map(|id| nodes.name(id)).collect();
}

/// `"{name}#{vnode}"` of the vnode of `name` whose token is `token`.
fn token_label(name: &str, vnodes: u32, token: u64) -> Option<String> {
    (0..vnodes).find(|&v| vnode_token(name, v) == token).map(|v| format!("{name}#{v}"))
}

fn locate_bounded(params: &RingParams, key_hash: u64, mut report: LocateReport) -> Result<LocateReport, FieldError> {
    // First pass: is the key already in the workload's key set?
    let mut stream = KeyStream::new(&params.workload, params.seed);
    let position = (0..params.keys).find(|&i| stream.next_hash(i) == key_hash);
    let total = if position.is_some() { params.keys } else { params.keys + 1 };
    let mut assignment = KeyAssignment::new(params, None, total)?;
    let mut stream = KeyStream::new(&params.workload, params.seed);
    let mut owner = None;
    for i in 0..params.keys {
        let node = assignment.assign(stream.next_hash(i));
        if Some(i) == position {
            owner = Some(node);
            break;
        }
    }
    let owner = match owner {
        Some(node) => node,
        None => assignment.assign(key_hash),
    };
    let placement = assignment.placement();
    let nodes = placement.nodes();
    report.owner = nodes.name(owner);
    let mut replicas = vec![owner];
    for id in placement.preference_list(key_hash, params.replication_factor as usize) {
        if !replicas.contains(&id) && replicas.len() < params.replication_factor as usize {
            replicas.push(id);
        }
    }
    report.replicas = replicas.into_iter().map(|id| nodes.name(id)).collect();
    report.capacity = assignment.capacity(owner);
    Ok(report)
}
