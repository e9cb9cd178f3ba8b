//! A run recorded for a golden trace file, in slices: what `faultline run --trace` writes and
//! what the widget's "Trace file" and "Copy as test" exports make, without holding a frame.
//!
//! The run is a fresh one from time 0 with every event serialised and hashed (the player on
//! screen keeps no lines and no hash; see `engine::trace`), so its hash is the scenario's
//! golden trace hash, whatever the player did to reach its cursor.

use crate::engine::{Pattern, Scheduled, Simulation, Tick, TraceMode};
use crate::scenario::Scenario;

pub struct Recording<P: Pattern> {
    sim: Simulation<P>,
    schedule: Vec<Scheduled<P>>,
    end: Tick,
    done: bool,
}

impl<P: Pattern> Recording<P> {
    /// A recording of `scenario` (validated) from its start; `keep_lines` collects every line
    /// for [`Recording::take_lines`], else only the hash is made.
    pub fn new(scenario: &Scenario<P>, keep_lines: bool) -> Self {
        let mode = if keep_lines { TraceMode::writing() } else { TraceMode::hashing(0) };
        let sim = Simulation::<P>::start_traced(&scenario.params, scenario.seed, scenario.network_config(), mode);
        Self { sim, schedule: scenario.schedule(), end: scenario.duration(), done: false }
    }

    /// Runs on for up to `budget` events; true once the run is at its end.
    pub fn advance(&mut self, budget: &mut u64) -> bool {
        if !self.done {
            self.done = self.sim.run_until_within(self.end, &self.schedule, budget);
        }
        self.done
    }

    /// Whether every line is kept (a trace file), not only the hash (a copied test).
    pub fn keeps_lines(&self) -> bool {
        self.sim.trace().mode() == TraceMode::writing()
    }

    /// The lines recorded since the last call, each followed by `\n`.
    pub fn take_lines(&mut self) -> Vec<u8> {
        self.sim.take_trace_lines()
    }

    /// The run so far (at its end once [`Recording::advance`] said so).
    pub fn sim(&self) -> &Simulation<P> {
        &self.sim
    }

    /// The trace hash, 16 hex digits: final once the run is done.
    pub fn hash_hex(&self) -> String {
        self.sim.trace().hash_hex().expect("a recording's trace is hashed")
    }

    /// Where the run is, and where it ends: progress for a status line.
    pub fn progress(&self) -> (Tick, Tick) {
        (self.sim.now(), self.end)
    }
}
