//! The commands, messages, timers and events of the quorum simulation.

use serde::Serialize;

use super::read::Verdict;
use super::version::Version;
use crate::engine::NodeId;

/// Key index into the key space (`k0`, `k1`, ...).
pub type KeyId = u32;

/// What a script or the user can do while the run plays.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum QuorumCommand {
    /// The client writes `value` to `key` (e.g. `"k0"`), through storage node `via` if given
    /// (as a client connected to that node would), else the configured coordinator.
    Write {
        key: String,
        value: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<NodeId>,
    },
    /// The client reads `key`, through `via` if given.
    Read {
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<NodeId>,
    },
    /// Changes the Poisson workload (0 stops that kind of operation).
    SetRates { writes_per_second: f64, reads_per_second: f64 },
    /// One concrete sample of the PBS question: write `key`, then read it `t_ms` after that
    /// write commits. The staleness chart issues this when you click a point.
    Probe { key: String, value: u64, t_ms: f64 },
}

/// Messages between the client and the storage nodes.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuorumMsg {
    /// Client → coordinator: write.
    Put { op: u64, key: KeyId, value: u64 },
    /// Client → coordinator: read.
    Get { op: u64, key: KeyId },
    /// Coordinator → replica: store this version (for `hint_for` if it stands in for a node).
    Replicate {
        op: u64,
        key: KeyId,
        version: Version,
        #[serde(skip_serializing_if = "Option::is_none")]
        hint_for: Option<NodeId>,
    },
    /// Replica → coordinator: stored.
    Ack { op: u64 },
    /// Coordinator → replica: what do you have?
    ReadRequest { op: u64, key: KeyId },
    /// Replica → coordinator: this.
    ReadReply { op: u64, key: KeyId, versions: Vec<Version> },
    /// Coordinator → client.
    PutDone { op: u64, ok: bool },
    /// Coordinator → client.
    GetDone { op: u64, ok: bool, versions: Vec<Version> },
    /// Coordinator → stale replica after a read.
    Repair { key: KeyId, versions: Vec<Version> },
    /// Hint holder → the node the hint is for.
    Handoff { key: KeyId, version: Version },
    /// Owner → hint holder: got it, drop the hint.
    HandoffAck { key: KeyId, op: u64 },
}

/// What a message is for, as the pictures tell them apart (by shape and colour, and in words
/// in the legend): the write path, the read path, their answers, and the background repairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgFamily {
    Write,
    WriteAck,
    Read,
    ReadReply,
    Repair,
}

impl MsgFamily {
    pub const ALL: [MsgFamily; 5] = [MsgFamily::Write, MsgFamily::WriteAck, MsgFamily::Read, MsgFamily::ReadReply, MsgFamily::Repair];

    pub fn name(self) -> &'static str {
        match self {
            MsgFamily::Write => "write",
            MsgFamily::WriteAck => "ack",
            MsgFamily::Read => "read",
            MsgFamily::ReadReply => "reply",
            MsgFamily::Repair => "repair / handoff",
        }
    }
}

impl QuorumMsg {
    pub fn family(&self) -> MsgFamily {
        match self {
            QuorumMsg::Put { .. } | QuorumMsg::Replicate { .. } => MsgFamily::Write,
            QuorumMsg::Ack { .. } | QuorumMsg::PutDone { .. } => MsgFamily::WriteAck,
            QuorumMsg::Get { .. } | QuorumMsg::ReadRequest { .. } => MsgFamily::Read,
            QuorumMsg::ReadReply { .. } | QuorumMsg::GetDone { .. } => MsgFamily::ReadReply,
            QuorumMsg::Repair { .. } | QuorumMsg::Handoff { .. } | QuorumMsg::HandoffAck { .. } => MsgFamily::Repair,
        }
    }
}

#[derive(Clone, Debug)]
pub enum QuorumTimer {
    /// Workload arrivals; a stale generation is ignored (rates changed since).
    NextWrite {
        generation: u64,
    },
    NextRead {
        generation: u64,
    },
    /// At the coordinator.
    OpTimeout {
        op: u64,
    },
    /// At the client.
    ClientTimeout {
        op: u64,
    },
    /// At a node holding hints.
    HintRetry,
    /// At the client: the read half of a [`QuorumCommand::Probe`].
    ProbeRead {
        key: KeyId,
    },
}

/// What the pattern reports in the trace and event log.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuorumEvent {
    WriteCommitted { op: u64, key: String, value: u64, coordinator: NodeId, acks: Vec<NodeId>, hinted: Vec<NodeId> },
    WriteFailed { op: u64, key: String, reason: String },
    ReadDone { op: u64, key: String, verdict: Verdict, returned: String, why: String },
    ReadFailed { op: u64, key: String, reason: String },
    ReadRepaired { key: String, node: NodeId, to: String },
    HintStored { key: String, owner: NodeId, holder: NodeId },
    HintDelivered { key: String, owner: NodeId, holder: NodeId },
}
