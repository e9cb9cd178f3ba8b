//! Judging a read: fresh or stale against the writes committed before it started, and why.

use serde::Serialize;

use super::version::{labels, set_covers, set_covers_all, Version};
use crate::engine::{ms_from_ticks, NodeId, Tick};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fresh,
    Stale,
}

/// Why a stale read happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum StaleCause {
    /// `R + W ≤ N`: the read and write quorums need not overlap.
    PartialQuorum,
    /// `R + W > N`, but the write's quorum counted hinted stand-ins outside the read set.
    SloppyQuorum,
    /// Neither: should not happen (a bug in the simulation if it does).
    Unexplained,
}

/// A write the oracle saw commit (W acks reached its coordinator).
#[derive(Clone, Debug)]
pub struct CommittedWrite {
    pub version: Version,
    pub at: Tick,
    /// Nodes whose ack counted, in arrival order.
    pub acks: Vec<NodeId>,
    /// `(holder, owner)` for acks from hinted stand-ins.
    pub hinted: Vec<(NodeId, NodeId)>,
}

/// One replica's answer to a read.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct Replier {
    pub node: NodeId,
    /// Its answer covered every write committed before the read started.
    pub had_latest: bool,
    pub versions: String,
}

/// One finished read, for the table.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct ReadRecord {
    pub op: u64,
    pub key: String,
    pub started_at: Tick,
    pub answered_at: Tick,
    pub coordinator: NodeId,
    /// The first R repliers, in arrival order.
    pub repliers: Vec<Replier>,
    /// What the read returned (`v3`, or siblings `v3 | v4`).
    pub returned: String,
    /// The newest committed write(s) at the read's start (`—` if none).
    pub expected: String,
    pub verdict: Verdict,
    pub cause: Option<StaleCause>,
    /// Hinted stand-ins holding the missed write, outside the read set.
    pub hinted_outside: Vec<NodeId>,
    /// One plain-language sentence.
    pub why: String,
    /// Client-observed latency, once the client has the answer.
    pub latency_ms: Option<f64>,
}

/// What [`classify`] needs to know about the quorum.
pub struct ReadContext<'a> {
    pub n: u32,
    pub r: u32,
    pub w: u32,
    pub key: &'a str,
    pub names: &'a [String],
}

impl ReadContext<'_> {
    fn name(&self, node: NodeId) -> &str {
        self.names.get(node as usize).map_or("?", String::as_str)
    }

    fn list(&self, nodes: impl IntoIterator<Item = NodeId>) -> String {
        let names: Vec<&str> = nodes.into_iter().map(|n| self.name(n)).collect();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    }
}

/// The committed versions a read starting at `start` must see: those committed at or before
/// `start` that no other such version covers.
pub fn required(committed: &[CommittedWrite], start: Tick) -> Vec<&CommittedWrite> {
    let before: Vec<&CommittedWrite> = committed.iter().filter(|c| c.at <= start).collect();
    before.iter().copied().filter(|c| !before.iter().any(|o| o.version != c.version && o.version.covers(&c.version))).collect()
}

/// Classifies a read whose coordinator got `replies` (first R, in arrival order) and returns
/// `merged`.
pub fn classify(
    cx: &ReadContext<'_>,
    committed: &[CommittedWrite],
    start: Tick,
    replies: &[(NodeId, Vec<Version>)],
    merged: &[Version],
) -> (Verdict, Option<StaleCause>, Vec<Replier>, String, Vec<NodeId>, String) {
    let needed = required(committed, start);
    let expected = if needed.is_empty() { "—".to_string() } else { needed.iter().map(|c| c.version.label()).collect::<Vec<_>>().join(" | ") };
    let needed_versions: Vec<Version> = needed.iter().map(|c| c.version.clone()).collect();
    let repliers: Vec<Replier> = replies
        .iter()
        .map(|(node, versions)| Replier { node: *node, had_latest: set_covers_all(versions, &needed_versions), versions: labels(versions) })
        .collect();
    let replier_names = cx.list(replies.iter().map(|(n, _)| *n));
    let missing: Vec<&CommittedWrite> = needed.iter().copied().filter(|c| !set_covers(merged, &c.version)).collect();
    let Some(first) = missing.first() else {
        let returned = labels(merged);
        // A read can return a write that had not committed when it started: one still on its
        // way to W acks, or one that never got them (it failed, yet reached some replicas).
        // Fresh all the same (nothing committed is missing), but the table must say why it
        // shows another value than "latest committed".
        let uncommitted = "a write that had not committed when the read started (still on its way to W acks, or failed short of them) had reached";
        let why = if needed.is_empty() && merged.is_empty() {
            format!("fresh: no write to {} had committed when the read started", cx.key)
        } else if needed.is_empty() {
            let holders = cx.list(repliers.iter().filter(|r| r.versions != "—").map(|r| r.node));
            format!("fresh: no write to {} had committed when the read started; it returned {returned} because {uncommitted} {holders}", cx.key)
        } else if returned != expected {
            let holders = cx.list(repliers.iter().filter(|r| r.had_latest).map(|r| r.node));
            format!("fresh: it returned {returned}, newer than {expected}: {uncommitted} a replier; {holders} had {expected} or newer (replies from {replier_names})")
        } else {
            let holders = cx.list(repliers.iter().filter(|r| r.had_latest).map(|r| r.node));
            format!("fresh: {holders} had {expected} (replies from {replier_names})")
        };
        return (Verdict::Fresh, None, repliers, expected, Vec::new(), why);
    };
    let strict = cx.r + cx.w > cx.n;
    let hinted_outside: Vec<NodeId> = first.hinted.iter().map(|(holder, _)| *holder).filter(|h| !replies.iter().any(|(n, _)| n == h)).collect();
    let acked = cx.list(first.acks.iter().copied());
    let label = first.version.label();
    let committed_ms = ms_from_ticks(first.at);
    let (cause, why) = if !strict {
        (
            StaleCause::PartialQuorum,
            format!(
                "stale: {label} committed at {committed_ms:.1} ms with acks from {acked}, but R + W = {} ≤ N = {}: this read asked {replier_names}, none of which had it yet",
                cx.r + cx.w,
                cx.n
            ),
        )
    } else if !first.hinted.is_empty() {
        let standins: Vec<String> = first.hinted.iter().map(|(holder, owner)| format!("{} for {}", cx.name(*holder), cx.name(*owner))).collect();
        (
            StaleCause::SloppyQuorum,
            format!(
                "stale despite R + W = {} > N = {}: {label}'s write quorum counted hinted stand-ins ({}) that reads never ask; replies came from {replier_names}",
                cx.r + cx.w,
                cx.n,
                standins.join(", ")
            ),
        )
    } else {
        (StaleCause::Unexplained, format!("stale: {label} committed with acks from {acked}, yet replies from {replier_names} missed it"))
    };
    (Verdict::Stale, Some(cause), repliers, expected, hinted_outside, why)
}
