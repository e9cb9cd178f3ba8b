//! An incremental PBS Monte Carlo run, so a browser can spread 10^6 trials over frames.
//!
//! Chunking never changes results: trials draw sequentially from one random stream kept in
//! the run, and all accumulators are counts, so `run_trials(10^6)` and a thousand
//! `run_trials(1000)` produce bit-identical reports.

use crate::engine::rng::SimRng;

use super::closed_form;
use super::config::PbsConfig;
use super::histogram::LogHistogram;
use super::report::{ClosedFormComparison, PbsReport, Percentiles, StalenessPoint};
use super::wars::WarsSampler;
use crate::error::FieldError;

/// Sub-stream of the seed used for PBS trials, so that the same seed in another pattern
/// does not produce correlated numbers.
const PBS_STREAM: u64 = 0x5042_5300; // "PBS\0"

#[derive(Clone, Debug)]
pub struct PbsRun {
    config: PbsConfig,
    sampler: WarsSampler,
    rng: SimRng,
    trials_run: u64,
    /// The requested `t` values, sorted and deduplicated.
    sorted_t_ms: Vec<f64>,
    /// For each requested `t` (config order), its index in `sorted_t_ms`.
    sorted_index_of_t: Vec<usize>,
    /// `first_consistent[k]`: trials consistent at `sorted_t_ms[k]` but not at any smaller
    /// requested `t`; the last slot counts trials stale at every requested `t`.
    first_consistent: Vec<u64>,
    read_latency: LogHistogram,
    write_latency: LogHistogram,
    t_visibility: LogHistogram,
    closed_form: ClosedFormComparison,
}

impl PbsRun {
    /// Validates `config` and prepares an empty run.
    pub fn new(config: PbsConfig) -> Result<Self, FieldError> {
        let sizes = config.validate()?;
        let mut sorted_t_ms = config.t_ms.clone();
        crate::order::sort_by(&mut sorted_t_ms, f64::total_cmp);
        sorted_t_ms.dedup();
        let sorted_index_of_t = config.t_ms.iter().map(|t| sorted_t_ms.partition_point(|s| s < t)).collect();
        let closed_form =
            ClosedFormComparison { p_stale_fixed_quorum: closed_form::p_stale(sizes.n, sizes.r, sizes.w)?, strict_quorum: sizes.is_strict() };
        Ok(Self {
            sampler: WarsSampler::new(sizes, config.latency.clone(), config.write_propagation),
            rng: SimRng::substream(config.seed, PBS_STREAM),
            trials_run: 0,
            first_consistent: vec![0; sorted_t_ms.len() + 1],
            sorted_t_ms,
            sorted_index_of_t,
            read_latency: LogHistogram::new(),
            write_latency: LogHistogram::new(),
            t_visibility: LogHistogram::new(),
            closed_form,
            config,
        })
    }

    pub fn config(&self) -> &PbsConfig {
        &self.config
    }

    pub fn trials_run(&self) -> u64 {
        self.trials_run
    }

    pub fn is_complete(&self) -> bool {
        self.trials_run >= self.config.trials
    }

    /// Runs up to `max_trials` more trials (never beyond `config.trials`); returns how many ran.
    pub fn run_trials(&mut self, max_trials: u64) -> u64 {
        let count = max_trials.min(self.config.trials - self.trials_run);
        for _ in 0..count {
            let outcome = self.sampler.sample(&mut self.rng);
            let window = outcome.staleness_window_ms;
            // Consistent at t exactly when t ≥ window: the first such requested t.
            self.first_consistent[self.sorted_t_ms.partition_point(|&t| t < window)] += 1;
            self.read_latency.record(outcome.read_latency_ms);
            self.write_latency.record(outcome.write_latency_ms);
            // The smallest t ≥ 0 with a consistent read: negative windows mean t = 0 works.
            self.t_visibility.record(window.max(0.0));
        }
        self.trials_run += count;
        count
    }

    /// The report for the trials run so far.
    pub fn report(&self) -> PbsReport {
        let mut consistent_at_sorted = Vec::with_capacity(self.sorted_t_ms.len());
        let mut cumulative = 0u64;
        for &count in &self.first_consistent[..self.sorted_t_ms.len()] {
            cumulative += count;
            consistent_at_sorted.push(cumulative);
        }
        let trials = self.trials_run;
        let staleness_curve = self
            .config
            .t_ms
            .iter()
            .zip(&self.sorted_index_of_t)
            .map(|(&t_ms, &k)| {
                let consistent = consistent_at_sorted[k];
                let (p, standard_error) = if trials == 0 {
                    (0.0, 0.0)
                } else {
                    let p = consistent as f64 / trials as f64;
                    (p, libm::sqrt(p * (1.0 - p) / trials as f64))
                };
                StalenessPoint { t_ms, consistent, p_consistent: p, standard_error }
            })
            .collect();
        PbsReport {
            n: self.config.n,
            r: self.config.r,
            w: self.config.w,
            seed: self.config.seed,
            trials_requested: self.config.trials,
            trials_run: trials,
            staleness_curve,
            t_visibility_ms: Percentiles::of(&self.t_visibility),
            read_latency_ms: Percentiles::of(&self.read_latency),
            write_latency_ms: Percentiles::of(&self.write_latency),
            closed_form: self.closed_form,
        }
    }
}

/// Validates `config`, runs all its trials and reports: what `faultline quorum pbs` calls.
pub fn pbs(config: PbsConfig) -> Result<PbsReport, FieldError> {
    let mut run = PbsRun::new(config)?;
    run.run_trials(u64::MAX);
    Ok(run.report())
}
