//! Preset scenarios for the stampede widget: the classic lessons, one click away.

use super::params::{Protection, StampedeParams};
use super::sim::StampedeSim;
use crate::scenario::Scenario;

fn scenario(title: &str, seed: u64, duration_ms: f64, params: StampedeParams) -> Scenario<StampedeSim> {
    let mut s = Scenario::new(seed, duration_ms, params);
    s.title = title.to_string();
    s
}

pub fn presets() -> Vec<(&'static str, Scenario<StampedeSim>)> {
    let wave = scenario("One shared expiry makes a miss wave", 1, 20_000.0, StampedeParams { protection: Protection::None, ..StampedeParams::default() });
    vec![("stampede-miss-wave", wave)]
}
