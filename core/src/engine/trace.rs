//! The trace: every event of a run, typed, with a stable hash.
//!
//! Each entry is serialised as one JSON line; the trace hash is **XXH3-64 (seed 0)** over those
//! lines, each followed by `\n`. So the hash of a run equals `xxh3` of the file that
//! `faultline run --trace` writes, and anyone can check it. Only the last `retain` entries stay
//! in memory: long runs keep a running hash and a count, not the whole history.

use std::collections::VecDeque;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use super::fault::Fault;
use super::network::{DropReason, NodeId};
use super::pattern::Pattern;
use super::time::Tick;

/// What happened.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case", bound = "")]
pub enum TraceEvent<P: Pattern> {
    /// A message left `from`; it will arrive at `arrives_at` unless something intervenes.
    Sent { from: NodeId, to: NodeId, arrives_at: Tick, msg: P::Msg },
    /// A message reached `to`.
    Delivered { from: NodeId, to: NodeId, sent_at: Tick, msg: P::Msg },
    /// A message was lost.
    Dropped { from: NodeId, to: NodeId, reason: DropReason, msg: P::Msg },
    /// A scheduled fault took effect.
    Fault { fault: Fault },
    /// A scripted or user command took effect.
    Command { command: P::Command },
    /// Something the pattern itself reports (a state change, a decision, a result).
    Pattern(P::Event),
}

/// One trace line: the event, when it happened, and its place in the run.
#[derive(Clone, Debug, Serialize)]
#[serde(bound = "")]
pub struct TraceEntry<P: Pattern> {
    pub seq: u64,
    pub at: Tick,
    pub event: TraceEvent<P>,
}

impl<P: Pattern> TraceEntry<P> {
    /// The exact bytes that are hashed and written to trace files (without the newline).
    pub fn json_line(&self) -> String {
        // Serialising plain data with derived impls cannot fail; a failure would be a bug in a
        // pattern's types, which we surface loudly in the line instead of panicking.
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"unserialisable\":\"{e}\"}}"))
    }
}

/// The recorded events of a run.
#[derive(Clone)]
pub struct Trace<P: Pattern> {
    recent: VecDeque<TraceEntry<P>>,
    retain: usize,
    count: u64,
    hasher: Xxh3,
    /// Lines not yet handed to a trace file, when one is being written.
    unwritten: Option<Vec<String>>,
}

impl<P: Pattern> Trace<P> {
    /// A trace that keeps the last `retain` entries in memory (all of them with `usize::MAX`).
    pub fn new(retain: usize) -> Self {
        Self { recent: VecDeque::new(), retain, count: 0, hasher: Xxh3::new(), unwritten: None }
    }

    pub fn record(&mut self, at: Tick, event: TraceEvent<P>) {
        let entry = TraceEntry { seq: self.count, at, event };
        let line = entry.json_line();
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
        if let Some(unwritten) = &mut self.unwritten {
            unwritten.push(line);
        }
        self.count += 1;
        if self.retain == 0 {
            return;
        }
        if self.recent.len() == self.retain {
            self.recent.pop_front();
        }
        self.recent.push_back(entry);
    }

    /// From now on, keep every line until [`Trace::take_unwritten`] collects it, so a trace
    /// file gets all of them however many happen at once.
    pub fn keep_unwritten(&mut self) {
        self.unwritten.get_or_insert_with(Vec::new);
    }

    /// The lines recorded since the last call (empty unless [`Trace::keep_unwritten`]).
    pub fn take_unwritten(&mut self) -> Vec<String> {
        self.unwritten.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Number of events recorded since the start of the run.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The hash of every line so far, as 16 lowercase hex digits.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hasher.digest())
    }

    /// The retained entries, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &TraceEntry<P>> + ExactSizeIterator {
        self.recent.iter()
    }
}
