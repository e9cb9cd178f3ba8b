//! The executed history of a saga: every attempt's outcome, and the compact form
//! `T1 T2 T3✗ C2 C1` that the invariant reads.

use serde::Serialize;

use super::engine::Failure;

/// A forward step or a compensation: `(step index, is compensation)`.
pub type Op = (usize, bool);

/// The name of an op in histories: `T3` or `C2` (steps count from 1).
pub fn label((step, compensation): Op) -> String {
    format!("{}{}", if compensation { 'C' } else { 'T' }, step + 1)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(tag = "result", content = "failure", rename_all = "snake_case")]
pub enum EntryResult {
    Done,
    /// Failed for good.
    Failed(Failure),
    /// Failed, and will be retried.
    Retrying(Failure),
    /// Its condition was false.
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct HistoryEntry {
    pub at_ms: f64,
    pub label: String,
    pub step: usize,
    pub compensation: bool,
    pub attempt: u32,
    #[serde(flatten)]
    pub result: EntryResult,
}

impl HistoryEntry {
    pub fn op(&self) -> Op {
        (self.step, self.compensation)
    }

    /// `T3`, `T3✗`, `T3↻` (failed, retried), `T2⊘` (skipped).
    pub fn token(&self) -> String {
        let mark = match self.result {
            EntryResult::Done => "",
            EntryResult::Failed(_) => "✗",
            EntryResult::Retrying(_) => "↻",
            EntryResult::Skipped => "⊘",
        };
        format!("{}{mark}", self.label)
    }
}

/// Every attempt, in order: `T1 T2↻ T2 T3✗ C2 C1`.
pub fn render(history: &[HistoryEntry]) -> String {
    history.iter().map(HistoryEntry::token).collect::<Vec<_>>().join(" ")
}

/// Final outcomes only (no retried attempts, no skipped steps): `T1 T2 T3✗ C2 C1`.
pub fn render_final(history: &[HistoryEntry]) -> String {
    history.iter().filter(|e| matches!(e.result, EntryResult::Done | EntryResult::Failed(_))).map(HistoryEntry::token).collect::<Vec<_>>().join(" ")
}

/// Checks the saga history invariant: the final outcomes read `T1..Tn` or
/// `T1..Tj [Tj+1✗] Cj..C1` — forward steps in order, no forward step once compensation began,
/// no compensation of a step that never completed (nor of the failed one), each compensation
/// at most once, in reverse order (unless compensations ran in parallel). Returns the first
/// breach in words.
pub fn check_shape(history: &[HistoryEntry], parallel: bool) -> Result<(), String> {
    let mut done_forward: Vec<usize> = Vec::new();
    let mut compensated: Vec<usize> = Vec::new();
    let mut compensating = false;
    let mut last_forward: Option<usize> = None;
    for e in history.iter().filter(|e| matches!(e.result, EntryResult::Done | EntryResult::Failed(_))) {
        if e.compensation {
            compensating = true;
            if !done_forward.contains(&e.step) {
                return Err(format!("{} compensates step {} which never completed", e.label, e.step + 1));
            }
            if compensated.contains(&e.step) {
                return Err(format!("{} ran twice", e.label));
            }
            if !parallel {
                if let Some(&previous) = compensated.last() {
                    if e.step > previous {
                        return Err(format!("{} after C{}: compensations must run in reverse order", e.label, previous + 1));
                    }
                }
            }
            compensated.push(e.step);
        } else {
            if compensating {
                return Err(format!("{} ran after compensation began", e.label));
            }
            if last_forward.is_some_and(|l| e.step <= l) {
                return Err(format!("{} is out of order", e.label));
            }
            last_forward = Some(e.step);
            if e.result == EntryResult::Done {
                done_forward.push(e.step);
            }
        }
    }
    Ok(())
}
