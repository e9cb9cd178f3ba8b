//! Every algorithm side by side on the same nodes and keys, and the balance of the whole key
//! set: the ring widget's derived figures. Both are computed in resumable slices
//! ([`RingDerived`]) so a browser frame never waits for them; [`compare`] runs the same slices
//! to the end for tests and tools.

use serde::Serialize;

use super::movement::RingOperation;
use super::node::{node_name, NodeId};
use super::params::{Algorithm, RingParams};
use super::sim::{key_hashes, SIM_KEY_CAP};
use super::stats::balance;
use super::stats_run::{Progress, StatsReport, StatsRun};
use super::workload::Workload;
use crate::engine::DerivedWork;
use crate::error::FieldError;

/// One algorithm (or the modulo baseline) in the comparison.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct CompareRow {
    /// `ring`, `jump`, ... or `modulo` for the `hash mod N` baseline.
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<Algorithm>,
    pub cv: f64,
    pub peak_to_mean: f64,
    /// Fraction of keys moved by adding one node of the default weight.
    pub add_fraction: f64,
    /// Fraction moved by removing the last node (the only removal jump hash allows).
    pub remove_fraction: f64,
}

/// All algorithms on the same nodes and keys: balance, and movement on one add and one remove.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson)]
pub struct Comparison {
    pub nodes: u32,
    pub keys: u64,
    pub ideal_add: f64,
    pub ideal_remove: f64,
    pub rows: Vec<CompareRow>,
}

/// Fraction of `hashes` whose `hash mod before` differs from `hash mod after`.
pub fn modulo_fraction(hashes: &[u64], before: u64, after: u64) -> f64 {
    if hashes.is_empty() || before == 0 || after == 0 {
        return 0.0;
    }
    let moved = hashes.iter().filter(|&&h| h % before != h % after).count();
    moved as f64 / hashes.len() as f64
}

/// The three measurements of one algorithm: as placed, after one add, after one remove.
const MEASUREMENTS: usize = 3;

/// [`Comparison`] built a slice at a time: one [`StatsRun`] per algorithm and measurement.
pub struct ComparisonRun {
    params: RingParams,
    /// The capped, name-keyed copy of `params` every algorithm is measured on.
    base: RingParams,
    /// Index into `Algorithm::ALL × MEASUREMENTS` of the run in progress.
    next: usize,
    current: Option<StatsRun>,
    /// Finished measurements of the algorithm in progress, in measurement order.
    measured: Vec<Option<StatsReport>>,
    rows: Vec<CompareRow>,
    ideal_add: f64,
    ideal_remove: f64,
    done: Option<Comparison>,
}

impl ComparisonRun {
    pub fn new(params: &RingParams) -> Result<Self, FieldError> {
        params.validate()?;
        let mut base = params.clone();
        base.keys = params.keys.min(SIM_KEY_CAP);
        if matches!(base.workload, Workload::Zipf { .. }) {
            base.workload = Workload::UniformNames;
        }
        Ok(Self {
            params: params.clone(),
            base,
            next: 0,
            current: None,
            measured: Vec::new(),
            rows: Vec::new(),
            ideal_add: 1.0 / f64::from(params.nodes + 1),
            ideal_remove: 1.0 / f64::from(params.nodes),
            done: None,
        })
    }

    /// The finished comparison, once [`ComparisonRun::advance`] returned true.
    pub fn result(&self) -> Option<&Comparison> {
        self.done.as_ref()
    }

    /// The measurement `index` stands for, or `None` when the algorithm does not apply.
    fn operation(&self, index: usize) -> Option<Option<RingOperation>> {
        match index % MEASUREMENTS {
            0 => Some(None),
            1 => Some(Some(RingOperation::AddNode { weight: None })),
            _ if self.params.nodes > 1 => Some(Some(RingOperation::RemoveNode { node: node_name(NodeId(self.params.nodes.saturating_sub(1))) })),
            _ => None,
        }
    }

    /// Works for about `budget` keys; returns whether the comparison is complete.
    pub fn advance(&mut self, budget: &mut u64) -> bool {
        while self.done.is_none() {
            if self.next == Algorithm::ALL.len() * MEASUREMENTS {
                self.finish();
                break;
            }
            if *budget == 0 {
                return false;
            }
            let algorithm = Algorithm::ALL[self.next / MEASUREMENTS];
            let p = RingParams { algorithm, ..self.base.clone() };
            if self.next.is_multiple_of(MEASUREMENTS) && p.validate().is_err() {
                // This algorithm's own parameters do not fit: it is left out.
                self.next += MEASUREMENTS;
                continue;
            }
            let run = match self.current.take() {
                Some(run) => run,
                None => match self.operation(self.next) {
                    Some(operation) => match StatsRun::new(&p, operation) {
                        Ok(run) => {
                            // Building the placement is work too: charge it, so one slice does
                            // not build several of them.
                            *budget = budget.saturating_sub(setup_cost(&p));
                            run
                        }
                        Err(_) => {
                            self.skip_algorithm();
                            continue;
                        }
                    },
                    None => {
                        self.measured.push(None);
                        self.complete_measurement(algorithm);
                        continue;
                    }
                },
            };
            let mut run = run;
            let before = run.progress().done;
            run.step(*budget);
            *budget = budget.saturating_sub((run.progress().done - before).max(1));
            if run.is_finished() {
                self.measured.push(Some(run.finish()));
                self.complete_measurement(algorithm);
            } else {
                self.current = Some(run);
            }
        }
        true
    }

    fn skip_algorithm(&mut self) {
        self.next = (self.next / MEASUREMENTS + 1) * MEASUREMENTS;
        self.measured.clear();
    }

    fn complete_measurement(&mut self, algorithm: Algorithm) {
        self.next += 1;
        if !self.next.is_multiple_of(MEASUREMENTS) {
            return;
        }
        let mut measured = std::mem::take(&mut self.measured).into_iter();
        let (Some(Some(now)), added, removed) = (measured.next(), measured.next().flatten(), measured.next().flatten()) else { return };
        let added = added.and_then(|r| r.movement);
        let removed = removed.and_then(|r| r.movement);
        if let Some(m) = &added {
            self.ideal_add = m.ideal_fraction;
        }
        if let Some(m) = &removed {
            self.ideal_remove = m.ideal_fraction;
        }
        self.rows.push(CompareRow {
            label: algorithm.name().to_string(),
            algorithm: Some(algorithm),
            cv: now.key_balance.cv,
            peak_to_mean: now.key_balance.peak_to_mean,
            add_fraction: added.map_or(0.0, |m| m.fraction_moved),
            remove_fraction: removed.map_or(0.0, |m| m.fraction_moved),
        });
    }

    fn finish(&mut self) {
        let hashes = key_hashes(&self.base);
        let n = u64::from(self.params.nodes);
        let mut counts = vec![0u64; n as usize];
        for &h in &hashes {
            counts[(h % n) as usize] += 1;
        }
        let b = balance(&counts);
        let mut rows = std::mem::take(&mut self.rows);
        rows.push(CompareRow {
            label: "modulo".into(),
            algorithm: None,
            cv: b.cv,
            peak_to_mean: b.peak_to_mean,
            add_fraction: modulo_fraction(&hashes, n, n + 1),
            remove_fraction: if n > 1 { modulo_fraction(&hashes, n, n - 1) } else { 0.0 },
        });
        self.done =
            Some(Comparison { nodes: self.params.nodes, keys: self.base.keys, ideal_add: self.ideal_add, ideal_remove: self.ideal_remove, rows });
    }
}

/// About how many work units building `p`'s placement costs (tokens to sort, or a Maglev
/// table to fill), so a slice that builds one has that much less left for keys.
fn setup_cost(p: &RingParams) -> u64 {
    let nodes = u64::from(p.nodes);
    match p.algorithm {
        Algorithm::Ring | Algorithm::BoundedLoad => nodes * u64::from(p.vnodes),
        Algorithm::Maglev => p.maglev_table_size,
        Algorithm::Jump | Algorithm::Rendezvous => nodes,
    }
}

/// Compares every algorithm on `params`' nodes and first `min(keys, SIM_KEY_CAP)` keys
/// (`key-0 ..`, or random raw keys for `uniform_random`; a Zipf workload compares its keys).
/// Every figure comes from [`super::stats()`], so `faultline ring stats` prints the same numbers.
/// Algorithms whose own parameters do not fit (e.g. too many tokens) are left out.
pub fn compare(params: &RingParams) -> Result<Comparison, FieldError> {
    let mut run = ComparisonRun::new(params)?;
    let mut unlimited = u64::MAX;
    run.advance(&mut unlimited);
    run.done.ok_or_else(|| FieldError::new("params", "the comparison did not finish"))
}

/// The balance of the whole key set on the initial nodes, computed in slices.
pub enum FullBalance {
    Running(Box<StatsRun>),
    Done(Box<StatsReport>),
    Failed(String),
}

/// The ring widget's derived figures.
pub struct RingDerived {
    comparison: Result<ComparisonRun, FieldError>,
    full: FullBalance,
    keys: u64,
}

impl RingDerived {
    /// The comparison of all algorithms, once complete.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref().ok().and_then(ComparisonRun::result)
    }

    pub fn full_balance(&self) -> &FullBalance {
        &self.full
    }

    /// How far the whole-key-set balance has got.
    pub fn full_progress(&self) -> Progress {
        match &self.full {
            FullBalance::Running(run) => run.progress(),
            _ => Progress { done: self.keys, total: self.keys },
        }
    }
}

impl DerivedWork for RingDerived {
    type Params = RingParams;

    fn start(params: &RingParams) -> Self {
        let full = match StatsRun::new(params, None) {
            Ok(run) => FullBalance::Running(Box::new(run)),
            Err(e) => FullBalance::Failed(e.to_string()),
        };
        Self { comparison: ComparisonRun::new(params), full, keys: params.keys }
    }

    fn advance(&mut self, budget: &mut u64) -> bool {
        // The comparison first: it is on the first screen, the full balance below it.
        let compared = self.comparison.as_mut().map_or(true, |run| run.advance(budget));
        if !compared {
            return false;
        }
        if let FullBalance::Running(run) = &mut self.full {
            let before = run.progress().done;
            run.step(*budget);
            *budget = budget.saturating_sub((run.progress().done - before).max(1));
        }
        if matches!(&self.full, FullBalance::Running(run) if run.is_finished()) {
            if let FullBalance::Running(run) = std::mem::replace(&mut self.full, FullBalance::Failed(String::new())) {
                self.full = FullBalance::Done(Box::new(run.finish()));
            }
        }
        !matches!(self.full, FullBalance::Running(_))
    }
}
