//! The sweep panel's figure: the database's peak load at a shared expiry for every protection
//! × request rate, with the rest of the current settings. Each cell is a real run (the one a
//! click opens), advanced a slice at a time by the session so no frame waits.

use crate::engine::{ticks_from_ms, DerivedWork, NetworkConfig, Pattern, Simulation, Tick};

use super::params::{ProtectionKind, StampedeParams};
use super::sim::StampedeSim;

/// The request rates of the sweep's columns.
pub const SWEEP_RATES: &[f64] = &[50.0, 100.0, 200.0, 400.0, 800.0];
/// The protections of its rows.
pub const SWEEP_PROTECTIONS: &[ProtectionKind] = &ProtectionKind::ALL;
/// A cell's TTL is the current one capped here, so every cell reaches its expiry quickly.
pub const SWEEP_MAX_TTL_MS: f64 = 5_000.0;
/// A cell runs until this long after the shared expiry.
const AFTER_EXPIRY_MS: f64 = 1_500.0;

/// One finished cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepCell {
    pub protection: ProtectionKind,
    pub requests_per_second: f64,
    pub db_peak_concurrency: u32,
    pub db_peak_qps: f64,
    pub largest_herd: u32,
}

/// The run a cell shows: the current settings with this protection (its own parameters if it
/// is the current kind, else that kind's defaults) and rate, warm, with the TTL capped.
pub fn cell_params(base: &StampedeParams, protection: ProtectionKind, requests_per_second: f64) -> StampedeParams {
    StampedeParams {
        requests_per_second,
        ttl_ms: base.ttl_ms.min(SWEEP_MAX_TTL_MS),
        warm_start: true,
        cache_enabled: true,
        protection: if base.protection.kind() == protection { base.protection.clone() } else { protection.default_protection() },
        ..base.clone()
    }
}

/// How long a cell runs.
pub fn cell_duration(params: &StampedeParams) -> Tick {
    ticks_from_ms(params.ttl_ms + AFTER_EXPIRY_MS)
}

pub struct StampedeSweep {
    base: StampedeParams,
    cells: Vec<SweepCell>,
    running: Option<Box<Simulation<StampedeSim>>>,
}

impl StampedeSweep {
    pub fn cells(&self) -> &[SweepCell] {
        &self.cells
    }

    pub fn total(&self) -> usize {
        SWEEP_RATES.len() * SWEEP_PROTECTIONS.len()
    }

    pub fn cell(&self, protection: ProtectionKind, rate: f64) -> Option<&SweepCell> {
        self.cells.iter().find(|c| c.protection == protection && c.requests_per_second == rate)
    }

    fn next(&self) -> Option<(ProtectionKind, f64)> {
        let i = self.cells.len();
        (i < self.total()).then(|| (SWEEP_PROTECTIONS[i / SWEEP_RATES.len()], SWEEP_RATES[i % SWEEP_RATES.len()]))
    }
}

impl DerivedWork for StampedeSweep {
    type Params = StampedeParams;

    fn start(params: &StampedeParams) -> Self {
        Self { base: params.clone(), cells: Vec::new(), running: None }
    }

    fn advance(&mut self, budget: &mut u64) -> bool {
        while let Some((protection, rate)) = self.next() {
            let params = cell_params(&self.base, protection, rate);
            let end = cell_duration(&params);
            let sim = self.running.get_or_insert_with(|| {
                let network: NetworkConfig = StampedeSim::network(&params);
                Box::new(Simulation::start(&params, 1, network, 0))
            });
            if !sim.run_until_within(end, &[], budget) {
                return false;
            }
            let m = sim.metrics();
            self.cells.push(SweepCell {
                protection,
                requests_per_second: rate,
                db_peak_concurrency: m.db_peak_concurrency,
                db_peak_qps: m.db_peak_qps,
                largest_herd: m.largest_herd,
            });
            self.running = None;
            if *budget == 0 {
                return self.next().is_none();
            }
        }
        true
    }
}
