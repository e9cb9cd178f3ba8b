//! The trace: every event of a run, typed, with a stable hash when one is asked for.
//!
//! Each entry can be serialised as one JSON line; the trace hash is **XXH3-64 (seed 0)** over
//! those lines, each followed by `\n`. So the hash of a run equals `xxh3` of the file that
//! `faultline run --trace` writes, and anyone can check it.
//!
//! Lines and the hash cost most of a run's time, so they are made only where they are used,
//! as chosen by the [`TraceMode`] a run starts with:
//!
//! - [`Lines::None`] (what [`Trace::new`] and `Simulation::start` give, the browser's player):
//!   no JSON is made and nothing is hashed; the trace counts events and keeps the last `retain`
//!   typed entries (for the event log and stepping back). [`Trace::hash_hex`] is `None`.
//! - [`Lines::Hash`] (headless runs, `faultline run`, the golden determinism tests): every event
//!   is serialised and hashed as it is recorded.
//! - [`Lines::HashAndWrite`] (`faultline run --trace`): the same, and the lines are kept until
//!   [`Trace::take_unwritten`] hands them to the trace file.
//!
//! Lines are serialised from a borrow of the event ([`TraceEntryRef`]), byte for byte what the
//! owned [`TraceEntry`] serialises to; a message is cloned into the trace only when a typed
//! entry is retained. Only the last `retain` entries stay in memory: long runs keep a running
//! hash and a count, not the whole history.

use std::collections::VecDeque;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use super::fault::Fault;
use super::network::{DropReason, NodeId};
use super::pattern::Pattern;
use super::time::Tick;

/// What happened.
#[derive(Clone, Debug, Serialize, crate::json::ToJson)]
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

/// A [`TraceEvent`] that borrows its payload: what the engine records, so that nothing is
/// cloned unless a typed entry is kept. It serialises to exactly the same JSON (same names,
/// same field order).
#[derive(Debug, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case", bound = "")]
pub enum TraceEventRef<'a, P: Pattern> {
    Sent { from: NodeId, to: NodeId, arrives_at: Tick, msg: &'a P::Msg },
    Delivered { from: NodeId, to: NodeId, sent_at: Tick, msg: &'a P::Msg },
    Dropped { from: NodeId, to: NodeId, reason: DropReason, msg: &'a P::Msg },
    Fault { fault: &'a Fault },
    Command { command: &'a P::Command },
    Pattern(&'a P::Event),
}

impl<P: Pattern> Clone for TraceEventRef<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: Pattern> Copy for TraceEventRef<'_, P> {}

impl<P: Pattern> TraceEventRef<'_, P> {
    /// The owned event (clones the payload).
    pub fn to_owned_event(self) -> TraceEvent<P> {
        match self {
            TraceEventRef::Sent { from, to, arrives_at, msg } => TraceEvent::Sent { from, to, arrives_at, msg: msg.clone() },
            TraceEventRef::Delivered { from, to, sent_at, msg } => TraceEvent::Delivered { from, to, sent_at, msg: msg.clone() },
            TraceEventRef::Dropped { from, to, reason, msg } => TraceEvent::Dropped { from, to, reason, msg: msg.clone() },
            TraceEventRef::Fault { fault } => TraceEvent::Fault { fault: fault.clone() },
            TraceEventRef::Command { command } => TraceEvent::Command { command: command.clone() },
            TraceEventRef::Pattern(event) => TraceEvent::Pattern(event.clone()),
        }
    }
}

impl<P: Pattern> TraceEvent<P> {
    /// The borrowed twin of this event.
    pub fn as_ref(&self) -> TraceEventRef<'_, P> {
        match self {
            TraceEvent::Sent { from, to, arrives_at, msg } => TraceEventRef::Sent { from: *from, to: *to, arrives_at: *arrives_at, msg },
            TraceEvent::Delivered { from, to, sent_at, msg } => TraceEventRef::Delivered { from: *from, to: *to, sent_at: *sent_at, msg },
            TraceEvent::Dropped { from, to, reason, msg } => TraceEventRef::Dropped { from: *from, to: *to, reason: *reason, msg },
            TraceEvent::Fault { fault } => TraceEventRef::Fault { fault },
            TraceEvent::Command { command } => TraceEventRef::Command { command },
            TraceEvent::Pattern(event) => TraceEventRef::Pattern(event),
        }
    }
}

/// One trace line: the event, when it happened, and its place in the run.
#[derive(Clone, Debug, Serialize, crate::json::ToJson)]
#[serde(bound = "")]
pub struct TraceEntry<P: Pattern> {
    pub seq: u64,
    pub at: Tick,
    pub event: TraceEvent<P>,
}

/// A [`TraceEntry`] that borrows its event; serialises to the same JSON line.
#[derive(Debug, Serialize, crate::json::ToJson)]
#[serde(bound = "")]
pub struct TraceEntryRef<'a, P: Pattern> {
    pub seq: u64,
    pub at: Tick,
    pub event: TraceEventRef<'a, P>,
}

impl<P: Pattern> TraceEntry<P> {
    /// The exact bytes that are hashed and written to trace files (without the newline).
    pub fn json_line(&self) -> String {
        // serde_json's bytes, written by `crate::json` (no serde in the browser's bundle): the
        // golden trace hashes pin them.
        crate::json::to_string(self)
    }

    /// The borrowed twin of this entry.
    pub fn as_ref(&self) -> TraceEntryRef<'_, P> {
        TraceEntryRef { seq: self.seq, at: self.at, event: self.event.as_ref() }
    }
}

/// Appends the JSON line of `entry` (no newline) to `out`: the bytes of
/// [`TraceEntry::json_line`], serialised from a borrow.
fn write_json_line<P: Pattern>(out: &mut String, entry: &TraceEntryRef<'_, P>) {
    crate::json::ToJson::write_json(entry, out);
}

/// What a trace makes of each event besides counting it (and keeping it typed, if retained).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// No JSON, no hash: the browser's player.
    None,
    /// Serialise each event and hash the line; the line itself is dropped.
    Hash,
    /// Serialise and hash, and keep each line until [`Trace::take_unwritten`] collects it, so a
    /// trace file gets all of them however many happen at once.
    HashAndWrite,
}

/// How a trace records, fixed when the run starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceMode {
    /// How many of the latest typed entries stay in memory (0: none, `usize::MAX`: all).
    pub retain: usize,
    pub lines: Lines,
}

impl TraceMode {
    /// Typed entries only, no JSON and no hash (what the browser's player uses).
    pub const fn recent(retain: usize) -> Self {
        Self { retain, lines: Lines::None }
    }

    /// Every event hashed, and the last `retain` typed entries kept.
    pub const fn hashing(retain: usize) -> Self {
        Self { retain, lines: Lines::Hash }
    }

    /// Every event hashed and its line kept for a trace file; no typed entries.
    pub const fn writing() -> Self {
        Self { retain: 0, lines: Lines::HashAndWrite }
    }
}

/// The running hash and the line buffer of a trace that makes lines.
#[derive(Clone)]
struct LineSink {
    hasher: Xxh3,
    /// With [`Lines::Hash`], the line being hashed; with [`Lines::HashAndWrite`], every
    /// complete line (each ending in `\n`) not yet taken.
    buf: String,
    keep: bool,
}

impl LineSink {
    fn push<P: Pattern>(&mut self, write: WriteLine<P>, entry: &TraceEntryRef<'_, P>) {
        if !self.keep {
            self.buf.clear();
        }
        let start = self.buf.len();
        write(&mut self.buf, entry);
        self.buf.push('\n');
        self.hasher.update(&self.buf.as_bytes()[start..]);
    }
}

/// The recorded events of a run.
#[derive(Clone)]
pub struct Trace<P: Pattern> {
    recent: VecDeque<TraceEntry<P>>,
    retain: usize,
    count: u64,
    /// Present exactly when the mode makes lines, with the function that writes one. It is a
    /// pointer set only by [`Trace::with_mode`], so a program that never asks for lines (the
    /// browser) carries no JSON serialiser of its events at all.
    lines: Option<(LineSink, WriteLine<P>)>,
}

/// Appends one entry's JSON line (without the newline) to a buffer.
type WriteLine<P> = for<'a> fn(&mut String, &TraceEntryRef<'a, P>);

impl<P: Pattern> Trace<P> {
    /// A trace that keeps the last `retain` entries in memory (all of them with `usize::MAX`)
    /// and makes no lines: it has no hash. See [`Trace::with_mode`] for one that does.
    pub fn new(retain: usize) -> Self {
        // Not through `with_mode`: that would link the line writer into every program.
        Self { recent: VecDeque::new(), retain, count: 0, lines: None }
    }

    pub fn with_mode(mode: TraceMode) -> Self {
        let lines = match mode.lines {
            Lines::None => None,
            Lines::Hash | Lines::HashAndWrite => Some((
                LineSink { hasher: Xxh3::new(), buf: String::new(), keep: mode.lines == Lines::HashAndWrite },
                write_json_line::<P> as WriteLine<P>,
            )),
        };
        Self { recent: VecDeque::new(), retain: mode.retain, count: 0, lines }
    }

    /// The mode this trace was made with.
    pub fn mode(&self) -> TraceMode {
        let lines = match &self.lines {
            None => Lines::None,
            Some((sink, _)) if sink.keep => Lines::HashAndWrite,
            Some(_) => Lines::Hash,
        };
        TraceMode { retain: self.retain, lines }
    }

    /// Records an owned event: it is serialised from a borrow if lines are made, and moved
    /// into the retained entries if any are kept.
    pub fn record(&mut self, at: Tick, event: TraceEvent<P>) {
        self.line(at, event.as_ref());
        if self.retain > 0 {
            self.keep(at, event);
        }
        self.count += 1;
    }

    /// Records a borrowed event: its payload is cloned only if typed entries are kept.
    pub fn record_ref(&mut self, at: Tick, event: TraceEventRef<'_, P>) {
        self.line(at, event);
        if self.retain > 0 {
            self.keep(at, event.to_owned_event());
        }
        self.count += 1;
    }

    fn line(&mut self, at: Tick, event: TraceEventRef<'_, P>) {
        if let Some((sink, write)) = &mut self.lines {
            sink.push(*write, &TraceEntryRef { seq: self.count, at, event });
        }
    }

    fn keep(&mut self, at: Tick, event: TraceEvent<P>) {
        if self.recent.len() == self.retain {
            self.recent.pop_front();
        }
        self.recent.push_back(TraceEntry { seq: self.count, at, event });
    }

    /// The lines recorded since the last call, each followed by `\n`: the next bytes of the
    /// trace file. Empty unless the mode is [`Lines::HashAndWrite`].
    pub fn take_unwritten(&mut self) -> Vec<u8> {
        match &mut self.lines {
            Some((sink, _)) if sink.keep => std::mem::take(&mut sink.buf).into_bytes(),
            _ => Vec::new(),
        }
    }

    /// Number of events recorded since the start of the run.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The XXH3-64 of every line so far, if this trace makes lines (`None` for a trace made
    /// with [`Lines::None`], which never computes one).
    pub fn hash(&self) -> Option<u64> {
        self.lines.as_ref().map(|(sink, _)| sink.hasher.digest())
    }

    /// [`Trace::hash`] as 16 lowercase hex digits.
    pub fn hash_hex(&self) -> Option<String> {
        self.hash().map(|h| format!("{h:016x}"))
    }

    /// The retained entries, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &TraceEntry<P>> + ExactSizeIterator {
        self.recent.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Fault;
    use crate::patterns::breaker::BreakerSim;

    type P = BreakerSim;

    fn fault(node: NodeId) -> Fault {
        Fault::Crash { node }
    }

    #[test]
    fn a_trace_without_lines_counts_and_keeps_recent_entries_but_has_no_hash() {
        let mut trace = Trace::<P>::new(2);
        for node in 0..5 {
            trace.record_ref(node as Tick * 10, TraceEventRef::Fault { fault: &fault(node) });
        }
        assert_eq!(trace.count(), 5);
        assert_eq!(trace.hash(), None);
        assert_eq!(trace.hash_hex(), None);
        assert_eq!(trace.mode(), TraceMode::recent(2));
        let kept: Vec<_> = trace.recent().map(|e| (e.seq, e.at)).collect();
        assert_eq!(kept, vec![(3, 30), (4, 40)]);
        assert!(trace.take_unwritten().is_empty());
    }

    #[test]
    fn a_trace_that_keeps_nothing_still_counts() {
        let mut trace = Trace::<P>::new(0);
        trace.record(0, TraceEvent::Fault { fault: fault(1) });
        trace.record_ref(1, TraceEventRef::Fault { fault: &fault(1) });
        assert_eq!(trace.count(), 2);
        assert_eq!(trace.recent().len(), 0);
        assert_eq!(trace.hash(), None);
    }

    #[test]
    fn borrowed_and_owned_entries_make_the_same_line_and_the_hash_is_xxh3_of_the_lines() {
        let mut hashing = Trace::<P>::with_mode(TraceMode::hashing(usize::MAX));
        let mut writing = Trace::<P>::with_mode(TraceMode::writing());
        let mut file = Vec::new();
        for node in 0..4 {
            let f = fault(node);
            hashing.record_ref(node as Tick, TraceEventRef::Fault { fault: &f });
            writing.record(node as Tick, TraceEvent::Fault { fault: f });
            if node % 2 == 1 {
                file.extend(writing.take_unwritten());
            }
        }
        let expected: String = hashing.recent().map(|e| e.json_line() + "\n").collect();
        assert!(expected.starts_with(r#"{"seq":0,"at":0,"event":{"fault":{"fault":"#), "{expected}");
        for e in hashing.recent() {
            let mut borrowed = String::new();
            write_json_line(&mut borrowed, &e.as_ref());
            assert_eq!(borrowed, e.json_line(), "owned and borrowed serialise alike");
        }
        assert_eq!(String::from_utf8(file.clone()).unwrap(), expected);
        let xxh3 = xxhash_rust::xxh3::xxh3_64(&file);
        assert_eq!(hashing.hash(), Some(xxh3));
        assert_eq!(writing.hash(), Some(xxh3));
        assert_eq!(writing.hash_hex(), Some(format!("{xxh3:016x}")));
        assert_eq!(writing.recent().len(), 0);
        assert!(writing.take_unwritten().is_empty(), "everything was taken");
        assert!(hashing.take_unwritten().is_empty(), "a hashing trace keeps no lines");
    }
}
