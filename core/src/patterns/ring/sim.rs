//! The consistent-hash ring as a playground widget: a key set placed on a node set that you
//! change while the run plays (add a node, remove one, change a weight). Every change is a
//! recorded command, emits the keys it moved (with the ideal fraction next to it) and updates
//! the balance charts.
//!
//! This pattern is network-free: nothing travels, the engine's clock only orders the changes.
//! Faults in a ring scenario are accepted (the engine validates them against the initial
//! nodes) but change nothing: the node set changes only through commands.
//!
//! Sizes: the widget places at most [`SIM_KEY_CAP`] keys (the first ones of the workload) and
//! draws [`DRAWN_KEYS`] of them; Zipf request streams are cut at [`SIM_REQUEST_CAP`]. The
//! notes say so when a cap applies; `faultline ring stats` computes any size.

use std::rc::Rc;

use serde::Serialize;

use super::bounded_load::{bounded_capacity, BoundedLoadAssigner};
use super::comparison::modulo_fraction;
use super::jump::JumpHash;
use super::karger::KargerRing;
use super::key::hash_fraction;
use super::maglev::{Maglev, MAX_MAGLEV_WEIGHT};
use super::movement::{apply_operation, ideal_fraction, MovementReport, MovementTracker, RingOperation};
use super::node::{node_name, NodeId, NodeSet};
use super::params::{Algorithm, RingParams};
use super::placement::Placement;
use super::rendezvous::Rendezvous;
use super::stats::{balance, Balance};
use super::workload::{KeyStream, Workload, ZipfSampler};
use crate::engine::{Ctx, NodeId as NetNode, Pattern, SeriesSpec, Tick};
use crate::error::FieldError;

/// Keys the widget places and tracks (the first ones of the workload).
pub const SIM_KEY_CAP: u64 = 20_000;
/// Zipf requests the widget draws.
pub const SIM_REQUEST_CAP: u64 = 200_000;
/// Keys the view draws as dots.
pub const DRAWN_KEYS: usize = 400;
/// Largest node set the widget accepts (initial nodes plus added ones).
pub const MAX_SIM_NODES: u32 = 256;
/// Largest token count (nodes × vnodes) the widget accepts on a ring.
pub const MAX_SIM_TOKENS: u64 = 200_000;
/// Largest per-node weight a command may set on a ring (vnodes).
pub const MAX_SIM_WEIGHT: u32 = 2_000;

/// The single-key placement the widget keeps (bounded loads keep their vnode ring).
#[derive(Clone, Debug)]
pub enum LivePlacement {
    Ring(KargerRing),
    Jump(JumpHash),
    Rendezvous(Rendezvous),
    Maglev(Maglev),
}

impl LivePlacement {
    pub fn build(params: &RingParams) -> Result<Self, FieldError> {
        Ok(match params.algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => LivePlacement::Ring(params.build_ring()?),
            Algorithm::Jump => LivePlacement::Jump(JumpHash::new(params.nodes)?),
            Algorithm::Rendezvous => LivePlacement::Rendezvous(Rendezvous::new(params.nodes)?),
            Algorithm::Maglev => LivePlacement::Maglev(Maglev::new(params.nodes, params.maglev_table_size)?),
        })
    }

    pub fn as_dyn(&self) -> &dyn Placement {
        match self {
            LivePlacement::Ring(p) => p,
            LivePlacement::Jump(p) => p,
            LivePlacement::Rendezvous(p) => p,
            LivePlacement::Maglev(p) => p,
        }
    }

    /// Where a key with `key_hash` sits on the circle, as a fraction: at its hash, except for
    /// Maglev, whose table is laid around the circle, so a key sits at its slot.
    pub fn key_position(&self, key_hash: u64) -> f64 {
        match self {
            LivePlacement::Maglev(m) => m.slot_fraction(key_hash),
            _ => hash_fraction(key_hash),
        }
    }

    fn as_dyn_mut(&mut self) -> &mut dyn Placement {
        match self {
            LivePlacement::Ring(p) => p,
            LivePlacement::Jump(p) => p,
            LivePlacement::Rendezvous(p) => p,
            LivePlacement::Maglev(p) => p,
        }
    }
}

/// What a user (or a script) does to the node set at the cursor. Nodes are named by id:
/// `3` is `node-3`. Ids are never reused, so an added node gets the next unused id.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RingCommand {
    /// Adds a node; `weight` (vnodes on a ring) defaults to the initial nodes' weight.
    AddNode {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<u32>,
    },
    /// Removes `node-{node}`. Jump hash can only remove its last bucket.
    RemoveNode { node: u32 },
    /// Sets `node-{node}`'s weight (vnodes on a ring, turns for Maglev, score weight for
    /// rendezvous; jump hash has none).
    SetWeight { node: u32, weight: u32 },
}

impl RingCommand {
    /// The same change in the words of [`RingOperation`] (what `faultline ring stats` takes).
    pub fn operation(&self) -> RingOperation {
        match self {
            RingCommand::AddNode { weight } => RingOperation::AddNode { weight: *weight },
            RingCommand::RemoveNode { node } => RingOperation::RemoveNode { node: node_name(NodeId(*node)) },
            RingCommand::SetWeight { node, weight } => RingOperation::SetWeight { node: node_name(NodeId(*node)), weight: *weight },
        }
    }
}

/// What the ring reports in the trace.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RingEvent {
    /// A change took effect; `movement` counts every placed key.
    KeysMoved {
        movement: MovementReport,
        /// What `hash mod N` would have moved for the same change of node count (add/remove).
        #[serde(skip_serializing_if = "Option::is_none")]
        modulo_fraction: Option<f64>,
        nodes: usize,
        /// Keys on the busiest node over the mean, after the change.
        peak_to_mean: f64,
    },
    /// The change was refused (unknown node, last node, jump's non-last bucket, a limit).
    Refused { field: String, reason: String },
}

/// A compact movement summary for metrics and notes.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct MovementSummary {
    pub operation: RingOperation,
    pub moved: u64,
    pub keys: u64,
    pub fraction_moved: f64,
    pub ideal_fraction: f64,
    pub modulo_fraction: Option<f64>,
    /// True when every moved key went to (add) or came from (remove) the changed node.
    pub only_changed_node: bool,
}

/// One node's share on screen.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct NodeShare {
    pub id: u32,
    pub name: String,
    pub weight: u32,
    pub keys: u64,
    pub requests: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct RingMetrics {
    pub algorithm: Algorithm,
    pub nodes: Vec<NodeShare>,
    /// Keys placed by the widget (≤ [`SIM_KEY_CAP`]) and the workload's full size.
    pub keys_placed: u64,
    pub keys_total: u64,
    pub key_balance: Balance,
    /// Request load per node (zipf workloads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_balance: Option<Balance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_movement: Option<MovementSummary>,
    pub cumulative_moved: u64,
    pub operations: u64,
}

/// The hashes of the first `min(keys, SIM_KEY_CAP)` workload keys, in key order.
pub(super) fn key_hashes(params: &RingParams) -> Vec<u64> {
    let count = params.keys.min(SIM_KEY_CAP);
    let mut stream = KeyStream::new(&params.workload, params.seed);
    (0..count).map(|i| stream.next_hash(i)).collect()
}

/// The ring widget's state.
#[derive(Clone, Debug)]
pub struct RingSim {
    params: RingParams,
    placement: Rc<LivePlacement>,
    key_hashes: Rc<Vec<u64>>,
    /// Requests per key (zipf only; empty otherwise).
    key_requests: Rc<Vec<u64>>,
    owners: Rc<Vec<NodeId>>,
    /// Owners before the last change, for highlighting moved keys.
    previous_owners: Option<Rc<Vec<NodeId>>>,
    /// Per node id: keys, requests, bounded-load capacity (0 when not bounded).
    key_load: Rc<Vec<u64>>,
    request_load: Rc<Vec<u64>>,
    capacity: Rc<Vec<u64>>,
    last_movement: Option<Rc<MovementSummary>>,
    last_change_at: Option<Tick>,
    last_refusal: Option<String>,
    cumulative_moved: u64,
    operations: u64,
}

impl RingSim {
    /// Builds the state for `params` (validated by the caller); fails if a placement refuses.
    pub fn new(params: &RingParams) -> Result<Self, FieldError> {
        let placement = LivePlacement::build(params)?;
        let hashes = key_hashes(params);
        let key_requests = match params.workload {
            Workload::Zipf { exponent, requests } => {
                let mut counts = vec![0u64; hashes.len()];
                if !hashes.is_empty() {
                    let mut zipf = ZipfSampler::new(hashes.len() as u64, exponent, params.seed);
                    for _ in 0..requests.min(SIM_REQUEST_CAP) {
                        counts[zipf.sample()] += 1;
                    }
                }
                counts
            }
            _ => Vec::new(),
        };
        let mut sim = RingSim {
            params: params.clone(),
            placement: Rc::new(placement),
            key_hashes: Rc::new(hashes),
            key_requests: Rc::new(key_requests),
            owners: Rc::new(Vec::new()),
            previous_owners: None,
            key_load: Rc::new(Vec::new()),
            request_load: Rc::new(Vec::new()),
            capacity: Rc::new(Vec::new()),
            last_movement: None,
            last_change_at: None,
            last_refusal: None,
            cumulative_moved: 0,
            operations: 0,
        };
        sim.assign();
        Ok(sim)
    }

    /// Places every key (and, for zipf, every request) on the current node set.
    fn assign(&mut self) {
        let placement = self.placement.as_dyn();
        let bound = placement.nodes().id_bound();
        let hashes = &self.key_hashes;
        let mut key_load = vec![0u64; bound];
        let mut capacity = vec![0u64; bound];
        let owners: Vec<NodeId> = match (self.params.algorithm, self.placement.as_ref()) {
            (Algorithm::BoundedLoad, LivePlacement::Ring(ring)) => {
                // Same assigner, same order, same capacities as `faultline ring stats`.
                match BoundedLoadAssigner::new(ring, self.params.load_factor_c, hashes.len() as u64) {
                    Ok(mut assigner) => {
                        for (id, _) in ring.nodes().iter() {
                            capacity[id.index()] = assigner.capacity(id);
                        }
                        hashes.iter().map(|&h| assigner.assign(ring, h)).collect()
                    }
                    Err(_) => hashes.iter().map(|&h| ring.owner(h)).collect(),
                }
            }
            _ => hashes.iter().map(|&h| placement.owner(h)).collect(),
        };
        for owner in &owners {
            key_load[owner.index()] += 1;
        }
        let request_load = if self.key_requests.is_empty() {
            key_load.clone()
        } else if let (Algorithm::BoundedLoad, LivePlacement::Ring(ring)) = (self.params.algorithm, self.placement.as_ref()) {
            bounded_requests(ring, self.params.load_factor_c, hashes, &self.key_requests)
        } else {
            let mut load = vec![0u64; bound];
            for (owner, &r) in owners.iter().zip(self.key_requests.iter()) {
                load[owner.index()] += r;
            }
            load
        };
        self.owners = Rc::new(owners);
        self.key_load = Rc::new(key_load);
        self.request_load = Rc::new(request_load);
        self.capacity = Rc::new(capacity);
    }

    fn apply(&mut self, ctx: &mut Ctx<Self>, command: &RingCommand) -> Result<(), FieldError> {
        let nodes_now = self.nodes().len() as u32;
        let default_weight = self.params.default_weight();
        match command {
            RingCommand::AddNode { weight } => {
                if nodes_now >= MAX_SIM_NODES {
                    return Err(FieldError::new("nodes", format!("the widget holds at most {MAX_SIM_NODES} nodes")));
                }
                let w = u64::from(weight.unwrap_or(default_weight));
                if matches!(self.placement.as_ref(), LivePlacement::Ring(_)) && self.nodes().total_weight() + w > MAX_SIM_TOKENS {
                    return Err(FieldError::new("weight", format!("the widget's ring holds at most {MAX_SIM_TOKENS} tokens")));
                }
            }
            RingCommand::SetWeight { node, weight } => {
                let old = u64::from(self.nodes().weight(NodeId(*node)));
                if matches!(self.placement.as_ref(), LivePlacement::Ring(_))
                    && self.nodes().total_weight() - old + u64::from(*weight) > MAX_SIM_TOKENS
                {
                    return Err(FieldError::new("weight", format!("the widget's ring holds at most {MAX_SIM_TOKENS} tokens")));
                }
            }
            RingCommand::RemoveNode { .. } => {}
        }
        let operation = command.operation();
        let before_nodes = self.nodes().clone();
        let ideal = ideal_fraction(&before_nodes, &operation, default_weight);
        apply_operation(Rc::make_mut(&mut self.placement).as_dyn_mut(), &operation, default_weight)?;
        let previous = Rc::clone(&self.owners);
        self.assign();
        let after_nodes = self.nodes().clone();
        let mut tracker = MovementTracker::default();
        for (i, (&b, &a)) in previous.iter().zip(self.owners.iter()).enumerate() {
            tracker.record(b, a, || self.key_label(i));
        }
        let movement = tracker.report(&operation, ideal, &before_nodes, &after_nodes);
        let n_before = before_nodes.len() as u64;
        let n_after = after_nodes.len() as u64;
        let modulo = (n_before != n_after).then(|| modulo_fraction(&self.key_hashes, n_before, n_after));
        let changed = match command {
            RingCommand::AddNode { .. } => after_nodes.ids().into_iter().find(|id| !before_nodes.contains(*id)),
            RingCommand::RemoveNode { node } | RingCommand::SetWeight { node, .. } => Some(NodeId(*node)),
        };
        let only_changed_node = tracker.flows().keys().all(|&(from, to)| Some(from) == changed || Some(to) == changed);
        let peak_to_mean = self.key_balance().peak_to_mean;
        self.cumulative_moved += movement.moved;
        self.operations += 1;
        self.last_movement = Some(Rc::new(MovementSummary {
            operation: operation.clone(),
            moved: movement.moved,
            keys: movement.keys,
            fraction_moved: movement.fraction_moved,
            ideal_fraction: movement.ideal_fraction,
            modulo_fraction: modulo,
            only_changed_node,
        }));
        self.previous_owners = Some(previous);
        self.last_change_at = Some(ctx.now());
        self.last_refusal = None;
        ctx.emit(RingEvent::KeysMoved { movement, modulo_fraction: modulo, nodes: after_nodes.len(), peak_to_mean });
        Ok(())
    }

    pub fn params(&self) -> &RingParams {
        &self.params
    }

    pub fn placement(&self) -> &LivePlacement {
        &self.placement
    }

    pub fn nodes(&self) -> &NodeSet {
        self.placement.as_dyn().nodes()
    }

    /// Why a `RemoveNode` of `node` would be refused now, if it would (the last node; for
    /// jump hash, any bucket but the last): the view disables the button and says why.
    pub fn can_remove(&self, node: NodeId) -> Result<(), FieldError> {
        self.placement.as_dyn().check_remove(node)
    }

    /// Hashes of the placed keys, in key order.
    pub fn key_hashes(&self) -> &[u64] {
        &self.key_hashes
    }

    /// Owner of each placed key.
    pub fn owners(&self) -> &[NodeId] {
        &self.owners
    }

    /// Requests per key (empty unless the workload is zipf).
    pub fn key_requests(&self) -> &[u64] {
        &self.key_requests
    }

    /// Did key `index` change owner in the last change?
    pub fn moved(&self, index: usize) -> bool {
        self.previous_owners.as_ref().is_some_and(|p| p.get(index) != self.owners.get(index))
    }

    /// The owner of key `index` before the last change.
    pub fn previous_owner(&self, index: usize) -> Option<NodeId> {
        self.previous_owners.as_ref().and_then(|p| p.get(index).copied())
    }

    /// The display form of key `index`: `key-{i}`, or the raw key for `uniform_random`.
    pub fn key_label(&self, index: usize) -> String {
        match self.params.workload {
            Workload::UniformRandom => self.key_hashes.get(index).map_or_else(String::new, u64::to_string),
            _ => format!("key-{index}"),
        }
    }

    /// Replicas of key `index`: its owner first, then the placement's preference list.
    pub fn replicas(&self, index: usize) -> Vec<NodeId> {
        let Some(&hash) = self.key_hashes.get(index) else { return Vec::new() };
        let rf = self.params.replication_factor as usize;
        let mut list = vec![self.owners[index]];
        for id in self.placement.as_dyn().preference_list(hash, rf) {
            if list.len() < rf.min(self.nodes().len()) && !list.contains(&id) {
                list.push(id);
            }
        }
        list
    }

    pub fn keys_on(&self, node: NodeId) -> u64 {
        self.key_load.get(node.index()).copied().unwrap_or(0)
    }

    pub fn requests_on(&self, node: NodeId) -> u64 {
        self.request_load.get(node.index()).copied().unwrap_or(0)
    }

    /// Bounded-load capacity of a node (bounded_load only).
    pub fn capacity(&self, node: NodeId) -> Option<u64> {
        (self.params.algorithm == Algorithm::BoundedLoad).then(|| self.capacity.get(node.index()).copied().unwrap_or(0))
    }

    pub fn key_balance(&self) -> Balance {
        balance(&self.nodes().ids().into_iter().map(|id| self.keys_on(id)).collect::<Vec<_>>())
    }

    pub fn request_balance(&self) -> Balance {
        balance(&self.nodes().ids().into_iter().map(|id| self.requests_on(id)).collect::<Vec<_>>())
    }

    pub fn last_movement(&self) -> Option<&MovementSummary> {
        self.last_movement.as_deref()
    }

    /// When the last change took effect.
    pub fn last_change_at(&self) -> Option<Tick> {
        self.last_change_at
    }

    /// Why the last refused command was refused (cleared by the next accepted one).
    pub fn last_refusal(&self) -> Option<&str> {
        self.last_refusal.as_deref()
    }

    pub fn cumulative_moved(&self) -> u64 {
        self.cumulative_moved
    }

    /// True when the widget placed fewer keys than the workload has.
    pub fn keys_capped(&self) -> bool {
        self.params.keys > SIM_KEY_CAP
    }
}

/// Bounded loads with *requests* as the balls (as in the paper's dynamic setting and Vimeo's
/// load balancer): each request of a key goes to the first node clockwise from the key's hash
/// whose request count is below `⌈c·R·w/W⌉`. A hot key's excess spills to the next nodes.
pub fn bounded_requests(ring: &KargerRing, c: f64, key_hashes: &[u64], requests: &[u64]) -> Vec<u64> {
    let nodes = ring.nodes();
    let total: u64 = requests.iter().sum();
    let total_weight = nodes.total_weight();
    let mut cap = vec![0u64; nodes.id_bound()];
    for (id, info) in nodes.iter() {
        cap[id.index()] = bounded_capacity(c, total, u64::from(info.weight), total_weight);
    }
    let mut load = vec![0u64; nodes.id_bound()];
    let owners = ring.token_owners();
    for (&hash, &count) in key_hashes.iter().zip(requests) {
        let mut left = count;
        let start = ring.successor_index(hash);
        for step in 0..owners.len() {
            if left == 0 {
                break;
            }
            let i = owners[(start + step) % owners.len()].index();
            let room = cap[i].saturating_sub(load[i]);
            let take = room.min(left);
            load[i] += take;
            left -= take;
        }
        // Σ capacities ≥ c·R ≥ R, so nothing is left; if it were, it stays with the owner.
        if left > 0 {
            load[ring.owner(hash).index()] += left;
        }
    }
    load
}

/// Widget-specific limits on top of [`RingParams::validate`].
fn validate_widget(p: &RingParams) -> Result<(), FieldError> {
    p.validate()?;
    if p.nodes > MAX_SIM_NODES {
        return Err(FieldError::new("nodes", format!("the widget holds at most {MAX_SIM_NODES} nodes (the CLI takes more)")));
    }
    if p.algorithm.uses_vnodes() && u64::from(p.nodes) * u64::from(p.vnodes) > MAX_SIM_TOKENS {
        return Err(FieldError::new("vnodes", format!("nodes × vnodes must be ≤ {MAX_SIM_TOKENS} in the widget (the CLI takes more)")));
    }
    // Whichever algorithm is chosen: the comparison builds a Maglev table of this size too.
    if p.maglev_table_size > 1_000_003 {
        return Err(FieldError::new("maglev_table_size", "must be ≤ 1000003 in the widget (the CLI takes more)"));
    }
    Ok(())
}

impl Pattern for RingSim {
    const WIDGET: &'static str = "ring";
    const TITLE: &'static str = "Consistent hash ring";
    const SUMMARY: &'static str = "Keys spread over nodes by consistent hashing. Add or remove a node and see which keys move (and how many, against the ideal), with vnodes, jump hash, rendezvous, Maglev and bounded loads.";
    const MS_PER_SECOND: f64 = 2_000.0;
    const PREVIEW_SVG: &'static str = r#"<svg viewBox="0 0 120 60" aria-hidden="true"><circle cx="60" cy="30" r="22" fill="none" stroke="currentColor" stroke-opacity=".35" stroke-width="2"/><circle cx="60" cy="8" r="4" fill="var(--oi-blue)"/><circle cx="82" cy="30" r="4" fill="var(--oi-orange)"/><circle cx="60" cy="52" r="4" fill="var(--oi-green)"/><circle cx="38" cy="30" r="4" fill="var(--oi-purple)"/><circle cx="75.6" cy="14.4" r="2" fill="var(--oi-orange)"/><circle cx="77" cy="44" r="2" fill="var(--oi-green)"/><circle cx="44" cy="45" r="2" fill="var(--oi-purple)"/><circle cx="43" cy="15" r="2" fill="var(--oi-blue)"/><circle cx="97" cy="30" r="4" fill="none" stroke="var(--oi-vermillion)" stroke-width="2" stroke-dasharray="2 2"/><path d="M86 30h7" stroke="var(--oi-vermillion)" stroke-width="1.5"/></svg>"#;
    const DEFAULT_PRESET: &'static str = "ring-add-node";
    type Params = RingParams;
    type Command = RingCommand;
    type Msg = ();
    type Timer = ();
    type Event = RingEvent;
    type Metrics = RingMetrics;
    type Derived = super::comparison::RingDerived;

    fn poster_picture(&self, now: Tick, network: &crate::engine::Network) -> Option<crate::poster::Picture> {
        Some(crate::poster::pictures::ring::picture(self, now, network))
    }

    fn normalise(params: RingParams) -> RingParams {
        params.normalised()
    }

    fn validate(params: &RingParams) -> Result<(), FieldError> {
        validate_widget(params)
    }

    /// Keys are named (`key-0 ..`) or drawn from the workload's own `params.seed`, so the
    /// run's seed changes nothing.
    fn uses_seed(_params: &RingParams) -> bool {
        false
    }

    fn work_estimate(scenario: &crate::scenario::Scenario<Self>) -> f64 {
        let p = &scenario.params;
        let commands = scenario.actions.len() as f64;
        // Nodes added by commands join the structure every later command rebuilds.
        let nodes = f64::from(p.nodes) + scenario.actions.iter().filter(|a| matches!(a.command, RingCommand::AddNode { .. })).count() as f64;
        let keys = p.keys.min(SIM_KEY_CAP) as f64;
        // The heaviest node any command asks for, as if every node were that heavy.
        let weight = scenario
            .actions
            .iter()
            .filter_map(|a| match a.command {
                RingCommand::SetWeight { weight, .. } | RingCommand::AddNode { weight: Some(weight) } => Some(weight),
                _ => None,
            })
            .fold(p.vnodes, u32::max);
        let structure = match p.algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => nodes * f64::from(weight),
            Algorithm::Maglev => p.maglev_table_size as f64,
            Algorithm::Rendezvous => keys * nodes,
            Algorithm::Jump => keys,
        };
        let requests = if matches!(p.workload, super::workload::Workload::Zipf { .. }) { SIM_REQUEST_CAP as f64 } else { 0.0 };
        // Each command re-places every key (and request) on a rebuilt structure: measured at
        // about 20 such steps per simulated event's worth of time in a browser.
        (1.0 + commands) * (structure + keys + requests) / 20.0
    }

    fn validate_command(params: &RingParams, command: &RingCommand) -> Result<(), FieldError> {
        let weight = match command {
            RingCommand::AddNode { weight: Some(w) } | RingCommand::SetWeight { weight: w, .. } => *w,
            _ => return Ok(()),
        };
        let max = match params.algorithm {
            Algorithm::Jump => 1,
            Algorithm::Maglev => MAX_MAGLEV_WEIGHT,
            _ => MAX_SIM_WEIGHT,
        };
        if weight == 0 {
            return Err(FieldError::new("weight", "must be ≥ 1 (remove the node instead)"));
        }
        if weight > max {
            let why =
                if params.algorithm == Algorithm::Jump { "jump hash has no weights: must be 1".to_string() } else { format!("must be ≤ {max}") };
            return Err(FieldError::new("weight", why));
        }
        Ok(())
    }

    fn node_names(params: &RingParams) -> Vec<String> {
        (0..params.nodes).map(|i| node_name(NodeId(i))).collect()
    }

    fn init(params: &RingParams, _ctx: &mut Ctx<Self>) -> Self {
        // Validation ran before init; should a placement still refuse, fall back to defaults.
        RingSim::new(params).or_else(|_| RingSim::new(&RingParams::default())).expect("default ring params are valid")
    }

    fn on_message(&mut self, _ctx: &mut Ctx<Self>, _from: NetNode, _to: NetNode, _msg: ()) {}

    fn on_timer(&mut self, _ctx: &mut Ctx<Self>, _node: NetNode, _timer: ()) {}

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &RingCommand) {
        if let Err(e) = self.apply(ctx, command) {
            self.last_refusal = Some(e.message.clone());
            ctx.emit(RingEvent::Refused { field: e.field, reason: e.message });
        }
    }

    fn metrics(&self, _now: Tick) -> RingMetrics {
        let zipf = !self.key_requests.is_empty();
        RingMetrics {
            algorithm: self.params.algorithm,
            nodes: self
                .nodes()
                .iter()
                .map(|(id, info)| NodeShare {
                    id: id.0,
                    name: info.name.clone(),
                    weight: info.weight,
                    keys: self.keys_on(id),
                    requests: self.requests_on(id),
                    capacity: self.capacity(id),
                })
                .collect(),
            keys_placed: self.key_hashes.len() as u64,
            keys_total: self.params.keys,
            key_balance: self.key_balance(),
            request_balance: zipf.then(|| self.request_balance()),
            last_movement: self.last_movement().cloned(),
            cumulative_moved: self.cumulative_moved,
            operations: self.operations,
        }
    }

    const SERIES: &'static [SeriesSpec] = &[
        SeriesSpec { name: "keys on the busiest node ÷ mean", unit: "×", ghost: None },
        SeriesSpec { name: "spread of keys per node (CV)", unit: "", ghost: None },
        SeriesSpec { name: "requests on the busiest node ÷ mean", unit: "×", ghost: None },
        SeriesSpec { name: "keys moved so far", unit: "keys", ghost: None },
    ];

    fn sample(&self, _now: Tick) -> Vec<f64> {
        let keys = self.key_balance();
        vec![keys.peak_to_mean, keys.cv, self.request_balance().peak_to_mean, self.cumulative_moved as f64]
    }

    fn notes(&self, now: Tick) -> Vec<String> {
        super::notes::notes(self, now)
    }

    fn presets() -> Vec<(&'static str, crate::scenario::Scenario<Self>)> {
        super::lessons::presets()
    }

    fn describe_event(event: &RingEvent) -> String {
        match event {
            RingEvent::KeysMoved { movement, modulo_fraction, nodes, peak_to_mean } => {
                let modulo = modulo_fraction.map(|m| format!("; hash mod N would move {:.1}%", m * 100.0)).unwrap_or_default();
                format!(
                    "{} keys of {} moved ({:.1}%, ideal {:.1}%){modulo}; {nodes} nodes, busiest {:.2}× the mean",
                    movement.moved,
                    movement.keys,
                    movement.fraction_moved * 100.0,
                    movement.ideal_fraction * 100.0,
                    peak_to_mean
                )
            }
            RingEvent::Refused { field, reason } => format!("refused ({field}): {reason}"),
        }
    }

    fn describe_msg(_msg: &()) -> String {
        String::new()
    }

    fn describe_command(command: &RingCommand) -> String {
        match command {
            RingCommand::AddNode { weight: Some(w) } => format!("add a node with weight {w}"),
            RingCommand::AddNode { weight: None } => "add a node".into(),
            RingCommand::RemoveNode { node } => format!("remove {}", node_name(NodeId(*node))),
            RingCommand::SetWeight { node, weight } => format!("set {}'s weight to {weight}", node_name(NodeId(*node))),
        }
    }
}
