//! A small gossip protocol used as a test fixture for the engine: every node that hears a
//! rumour forwards it to `fanout` random peers, once. It exercises messages, timers, commands,
//! faults and the pattern's random stream.

#![allow(dead_code)]

use faultline_core::engine::{Ctx, Fault, NodeId, Pattern, SeriesSpec, Tick, TICKS_PER_MS};
use faultline_core::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Serialize, faultline_core::json::ToJson, Deserialize, faultline_core::json::FromJson)]
#[serde(default, deny_unknown_fields)]
pub struct GossipParams {
    pub nodes: u32,
    pub fanout: u32,
    /// Each node re-announces what it knows to one random peer at this period (0 = never).
    pub heartbeat_ms: u64,
}

impl Default for GossipParams {
    fn default() -> Self {
        Self { nodes: 8, fanout: 2, heartbeat_ms: 50 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, faultline_core::json::ToJson, Deserialize, faultline_core::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GossipCommand {
    Start { node: NodeId, rumour: u32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, faultline_core::json::ToJson)]
pub struct Rumour(pub u32);

#[derive(Clone, Debug, PartialEq, Serialize, faultline_core::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum GossipEvent {
    Learned { node: NodeId, rumour: u32 },
    Forgot { node: NodeId },
}

#[derive(Clone, Debug)]
pub struct Gossip {
    fanout: u32,
    heartbeat: Tick,
    known: Vec<BTreeSet<u32>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, faultline_core::json::ToJson)]
pub struct GossipMetrics {
    pub knowers: Vec<usize>,
}

impl Gossip {
    fn learn(&mut self, ctx: &mut Ctx<Self>, node: NodeId, rumour: u32) {
        if !self.known[node as usize].insert(rumour) {
            return;
        }
        ctx.emit(GossipEvent::Learned { node, rumour });
        let n = self.known.len() as u64;
        for _ in 0..self.fanout {
            let peer = ctx.rng().below(n) as NodeId;
            if peer != node {
                ctx.send(node, peer, Rumour(rumour));
            }
        }
    }
}

impl Pattern for Gossip {
    const WIDGET: &'static str = "gossip";
    const TITLE: &'static str = "Gossip";
    const SUMMARY: &'static str = "A rumour spreads by random pushes (a test pattern).";
    type Params = GossipParams;
    type Command = GossipCommand;
    type Msg = Rumour;
    type Timer = ();
    type Event = GossipEvent;
    type Metrics = GossipMetrics;
    type Derived = faultline_core::engine::NoDerivedWork<GossipParams>;

    fn validate(params: &GossipParams) -> Result<(), FieldError> {
        if params.nodes < 2 || params.nodes > 64 {
            return Err(FieldError::new("nodes", format!("must be between 2 and 64, got {}", params.nodes)));
        }
        Ok(())
    }

    fn validate_command(params: &GossipParams, command: &GossipCommand) -> Result<(), FieldError> {
        let GossipCommand::Start { node, .. } = command;
        if *node >= params.nodes {
            return Err(FieldError::new("node", format!("no node {node}")));
        }
        Ok(())
    }

    fn node_names(params: &GossipParams) -> Vec<String> {
        (0..params.nodes).map(|i| format!("n{i}")).collect()
    }

    fn init(params: &GossipParams, ctx: &mut Ctx<Self>) -> Self {
        let heartbeat = params.heartbeat_ms * TICKS_PER_MS;
        if heartbeat > 0 {
            for node in 0..params.nodes {
                ctx.set_timer(node, heartbeat, ());
            }
        }
        Self { fanout: params.fanout, heartbeat, known: vec![BTreeSet::new(); params.nodes as usize] }
    }

    fn on_message(&mut self, ctx: &mut Ctx<Self>, _from: NodeId, to: NodeId, msg: Rumour) {
        self.learn(ctx, to, msg.0);
    }

    fn on_timer(&mut self, ctx: &mut Ctx<Self>, node: NodeId, _timer: ()) {
        let peer = ctx.rng().below(self.known.len() as u64) as NodeId;
        if let Some(&rumour) = self.known[node as usize].iter().next_back() {
            if peer != node {
                ctx.send(node, peer, Rumour(rumour));
            }
        }
        ctx.set_timer(node, self.heartbeat, ());
    }

    fn on_command(&mut self, ctx: &mut Ctx<Self>, command: &GossipCommand) {
        let GossipCommand::Start { node, rumour } = command;
        self.learn(ctx, *node, *rumour);
    }

    fn on_fault(&mut self, ctx: &mut Ctx<Self>, fault: &Fault) {
        match fault {
            Fault::Crash { node } => {
                // A crash loses memory.
                self.known[*node as usize].clear();
                ctx.emit(GossipEvent::Forgot { node: *node });
            }
            Fault::Restart { node } if self.heartbeat > 0 => ctx.set_timer(*node, self.heartbeat, ()),
            _ => {}
        }
    }

    const SERIES: &'static [SeriesSpec] = &[SeriesSpec { name: "knowers of rumour 1", unit: "nodes", ghost: None }];

    fn sample(&self, _now: Tick) -> Vec<f64> {
        vec![self.known.iter().filter(|k| k.contains(&1)).count() as f64]
    }

    fn metrics(&self, _now: Tick) -> GossipMetrics {
        let mut knowers = vec![0; 4];
        for set in &self.known {
            for r in set {
                if let Some(k) = knowers.get_mut(*r as usize) {
                    *k += 1;
                }
            }
        }
        GossipMetrics { knowers }
    }

    fn describe_event(event: &GossipEvent) -> String {
        format!("{event:?}")
    }
    fn describe_msg(msg: &Rumour) -> String {
        format!("rumour {}", msg.0)
    }
    fn describe_command(command: &GossipCommand) -> String {
        format!("{command:?}")
    }
}
