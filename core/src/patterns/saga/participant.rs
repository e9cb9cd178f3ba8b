//! A participant service: its local state (numeric cells and status rows, which survive a
//! crash: they are its database), its idempotency table, and — for concurrent sagas — each
//! cell's version, its semantic locks and a log of reads and writes that the isolation
//! invariants read.

use crate::small_map::SmallMap;

use serde::Serialize;

use super::definition::{Effect, ServiceSpec};
use super::history::Op;

/// An op of one saga: `(saga index from 0, op)`. Idempotency keys and effects are per saga.
pub type SagaOp = (usize, Op);

/// What a participant answered to a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(rename_all = "snake_case")]
pub enum ReplyResult {
    Success,
    BusinessFailure,
    TransientFailure,
}

/// One time an action took effect here, and which delivery caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Application {
    pub attempt: u32,
    /// The second delivery of the same attempt (at-least-once redelivery).
    pub duplicate: bool,
}

/// A cell's committed value as a version: how many writes it has seen and whose was last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Version {
    pub number: u32,
    /// The op whose write made this version (`None`: the initial value).
    pub writer: Option<SagaOp>,
}

/// A read of a cell by a read-then-write step.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct ReadRecord {
    pub at_ms: f64,
    pub reader: SagaOp,
    pub cell: String,
    pub value: i64,
    pub version: Version,
}

/// An absolute write of a cell by a read-then-write step, with what it overwrote.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct WriteRecord {
    pub at_ms: f64,
    pub writer: SagaOp,
    pub cell: String,
    /// The value and version the writer had read.
    pub read_value: i64,
    pub read_version: u32,
    /// The value and version it replaced.
    pub overwritten_value: i64,
    pub overwritten: Version,
    pub written: i64,
}

impl WriteRecord {
    /// Another write landed between this op's read and its write, and this one erased it.
    pub fn lost_update(&self) -> bool {
        self.overwritten.number != self.read_version
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct Participant {
    pub name: String,
    pub cells: SmallMap<String, i64>,
    pub rows: SmallMap<String, String>,
    /// Idempotency table: op → the reply it got (only results worth replaying are kept).
    #[serde(skip)]
    pub processed: SmallMap<SagaOp, ReplyResult>,
    /// Every time each op took effect here.
    #[serde(skip)]
    pub applied: SmallMap<SagaOp, Vec<Application>>,
    /// Deliveries per (op, attempt), to tell a redelivery from a retry.
    #[serde(skip)]
    pub deliveries: SmallMap<(SagaOp, u32), u32>,
    /// Deliveries the idempotency table absorbed.
    pub deduplicated: u32,
    /// Each cell's version (cells never written are at version 0).
    #[serde(skip)]
    pub versions: SmallMap<String, Version>,
    /// Semantic locks: cell → the saga holding it (its value is PENDING until that saga ends).
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub locks: SmallMap<String, usize>,
    #[serde(skip)]
    pub reads: Vec<ReadRecord>,
    #[serde(skip)]
    pub writes: Vec<WriteRecord>,
}

/// Row keys are per saga: the n-th saga's order is `order-n` where the definition says `order-1`.
pub fn row_key(saga: usize, key: &str) -> String {
    match key.strip_suffix("-1") {
        Some(stem) if saga > 0 => format!("{stem}-{}", saga + 1),
        _ => key.to_string(),
    }
}

impl Participant {
    pub fn new(spec: &ServiceSpec) -> Self {
        Self {
            name: spec.name.clone(),
            cells: spec.cells.clone(),
            rows: spec.rows.clone(),
            processed: SmallMap::new(),
            applied: SmallMap::new(),
            deliveries: SmallMap::new(),
            deduplicated: 0,
            versions: SmallMap::new(),
            locks: SmallMap::new(),
            reads: Vec::new(),
            writes: Vec::new(),
        }
    }

    /// Applies an effect: numeric cells by their deltas (commutative increments), or set to
    /// `written` values (a read-then-write step's absolute write); rows are set.
    pub fn apply(&mut self, key: SagaOp, attempt: u32, duplicate: bool, effect: &Effect, written: Option<&SmallMap<String, i64>>) {
        match written {
            None => {
                for (cell, delta) in &effect.adjust {
                    *self.cells.entry(cell.clone()).or_insert(0) += delta;
                }
            }
            Some(values) => {
                for (cell, value) in values {
                    self.cells.insert(cell.clone(), *value);
                }
            }
        }
        for cell in effect.adjust.keys() {
            let v = self.versions.entry(cell.clone()).or_default();
            v.number += 1;
            v.writer = Some(key);
        }
        for (row, value) in &effect.set {
            self.rows.insert(row_key(key.0, row), value.clone());
        }
        self.applied.entry(key).or_default().push(Application { attempt, duplicate });
    }

    pub fn version(&self, cell: &str) -> Version {
        self.versions.get(cell).copied().unwrap_or_default()
    }

    pub fn times_applied(&self, key: SagaOp) -> usize {
        self.applied.get(&key).map_or(0, Vec::len)
    }
}
