//! The quorum widget's derived figure: the PBS staleness curve for the current N, R, W and
//! latency model (Bailis et al.), a Monte Carlo run advanced in slices so no frame waits.

use crate::engine::DerivedWork;
use crate::patterns::quorum::pbs::{PbsConfig, PbsReport, PbsRun, WritePropagation};

use super::params::QuorumParams;

/// Trials behind the curve: enough for about ±0.7 percentage points at p = 0.5.
pub const CURVE_TRIALS: u64 = 20_000;

/// The times after a write's commit at which the curve is evaluated, in ms.
pub const CURVE_T_MS: &[f64] = &[0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 50.0, 75.0, 100.0];

/// A trial costs about as much as a few simulated events.
const UNITS_PER_TRIAL: u64 = 4;

/// The curve in progress; `None` when these parameters have no PBS model.
pub struct StalenessCurve {
    run: Option<PbsRun>,
}

impl StalenessCurve {
    /// The curve, once every trial has run.
    pub fn report(&self) -> Option<PbsReport> {
        self.run.as_ref().filter(|run| run.is_complete()).map(PbsRun::report)
    }

    /// Trials run so far, out of [`CURVE_TRIALS`].
    pub fn trials_run(&self) -> u64 {
        self.run.as_ref().map_or(0, PbsRun::trials_run)
    }
}

impl DerivedWork for StalenessCurve {
    type Params = QuorumParams;

    fn start(params: &QuorumParams) -> Self {
        let config = PbsConfig {
            n: params.n,
            r: params.r,
            w: params.w,
            latency: params.wars(),
            t_ms: CURVE_T_MS.to_vec(),
            trials: CURVE_TRIALS,
            seed: 1,
            write_propagation: WritePropagation::AllReplicas,
        };
        Self { run: PbsRun::new(config).ok() }
    }

    fn advance(&mut self, budget: &mut u64) -> bool {
        let Some(run) = &mut self.run else { return true };
        let ran = run.run_trials((*budget / UNITS_PER_TRIAL).max(1));
        *budget = budget.saturating_sub(ran * UNITS_PER_TRIAL);
        run.is_complete()
    }
}
