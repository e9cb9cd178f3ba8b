//! A participant service: its local state (numeric cells and status rows, which survive a
//! crash: they are its database), and its idempotency table.

use std::collections::BTreeMap;

use serde::Serialize;

use super::definition::{Effect, ServiceSpec};
use super::history::Op;

/// What a participant answered to a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyResult {
    Success,
    BusinessFailure,
    TransientFailure,
}

/// One time an action took effect here, and which delivery caused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Application {
    pub attempt: u32,
    /// The second delivery of the same attempt (at-least-once redelivery).
    pub duplicate: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Participant {
    pub name: String,
    pub cells: BTreeMap<String, i64>,
    pub rows: BTreeMap<String, String>,
    /// Idempotency table: op → the reply it got (only results worth replaying are kept).
    #[serde(skip)]
    pub processed: BTreeMap<Op, ReplyResult>,
    /// Every time each op took effect here.
    #[serde(skip)]
    pub applied: BTreeMap<Op, Vec<Application>>,
    /// Deliveries per (op, attempt), to tell a redelivery from a retry.
    #[serde(skip)]
    pub deliveries: BTreeMap<(Op, u32), u32>,
    /// Deliveries the idempotency table absorbed.
    pub deduplicated: u32,
}

impl Participant {
    pub fn new(spec: &ServiceSpec) -> Self {
        Self {
            name: spec.name.clone(),
            cells: spec.cells.clone(),
            rows: spec.rows.clone(),
            processed: BTreeMap::new(),
            applied: BTreeMap::new(),
            deliveries: BTreeMap::new(),
            deduplicated: 0,
        }
    }

    pub fn apply(&mut self, op: Op, attempt: u32, duplicate: bool, effect: &Effect) {
        for (cell, delta) in &effect.adjust {
            *self.cells.entry(cell.clone()).or_insert(0) += delta;
        }
        for (key, value) in &effect.set {
            self.rows.insert(key.clone(), value.clone());
        }
        self.applied.entry(op).or_default().push(Application { attempt, duplicate });
    }

    pub fn times_applied(&self, op: Op) -> usize {
        self.applied.get(&op).map_or(0, Vec::len)
    }
}
