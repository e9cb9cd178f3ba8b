//! Latency distributions for links, services and the PBS model.
//!
//! Every sample is drawn from [`SimRng`] and transformed with `libm` only, so a seed gives the
//! same latencies bit for bit natively and in wasm.

use serde::{Deserialize, Serialize};

use super::rng::SimRng;
use super::time::{ticks_from_ms, Tick};

/// A one-way latency distribution, in milliseconds.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Latency {
    /// Always `ms`.
    Constant { ms: f64 },
    /// Uniform in `[min_ms, max_ms]`.
    Uniform { min_ms: f64, max_ms: f64 },
    /// Exponential with the given mean (rate λ = 1 / mean_ms).
    Exponential { mean_ms: f64 },
    /// Pareto (type I) with scale `xm_ms` (the minimum) and shape `alpha`.
    Pareto { xm_ms: f64, alpha: f64 },
    /// `offset_ms` plus a sample of `inner`: a fixed floor under a random tail.
    Shifted { offset_ms: f64, inner: Box<Latency> },
    /// Picks one component with probability proportional to its weight.
    Mixture { components: Vec<MixtureComponent> },
}

/// One weighted component of a [`Latency::Mixture`].
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(deny_unknown_fields)]
pub struct MixtureComponent {
    pub weight: f64,
    pub latency: Latency,
}

/// Largest latency parameter (one hour): beyond it a run shows nothing but waiting, and sums
/// and means of such values stop being finite.
pub const MAX_LATENCY_MS: f64 = 3_600_000.0;

/// Most components of a mixture, and the largest weight of one.
pub const MAX_MIXTURE_COMPONENTS: usize = 16;
pub const MAX_MIXTURE_WEIGHT: f64 = 1e6;

impl Default for Latency {
    fn default() -> Self {
        Latency::Constant { ms: 1.0 }
    }
}

impl Latency {
    /// Draws one latency in milliseconds.
    pub fn sample_ms(&self, rng: &mut SimRng) -> f64 {
        match self {
            Latency::Constant { ms } => *ms,
            Latency::Uniform { min_ms, max_ms } => min_ms + (max_ms - min_ms) * rng.unit(),
            Latency::Exponential { mean_ms } => -mean_ms * libm::log(rng.open_unit()),
            // u^(1/α) as exp(ln(u)/α): two cheap libm calls instead of one general pow.
            Latency::Pareto { xm_ms, alpha } => xm_ms * libm::exp(-libm::log(rng.open_unit()) / alpha),
            Latency::Shifted { offset_ms, inner } => offset_ms + inner.sample_ms(rng),
            Latency::Mixture { components } => {
                let total: f64 = components.iter().map(|c| c.weight).sum();
                let mut pick = rng.unit() * total;
                for component in components {
                    if pick < component.weight {
                        return component.latency.sample_ms(rng);
                    }
                    pick -= component.weight;
                }
                // Rounding left `pick` a hair above the last weight: use the last component.
                components.last().map_or(0.0, |c| c.latency.sample_ms(rng))
            }
        }
    }

    /// Draws one latency in ticks.
    pub fn sample_ticks(&self, rng: &mut SimRng) -> Tick {
        ticks_from_ms(self.sample_ms(rng))
    }

    /// The distribution's mean in milliseconds (infinite for Pareto with alpha ≤ 1).
    pub fn mean_ms(&self) -> f64 {
        match self {
            Latency::Constant { ms } => *ms,
            Latency::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Latency::Exponential { mean_ms } => *mean_ms,
            Latency::Pareto { xm_ms, alpha } => {
                if *alpha <= 1.0 {
                    f64::INFINITY
                } else {
                    alpha * xm_ms / (alpha - 1.0)
                }
            }
            Latency::Shifted { offset_ms, inner } => offset_ms + inner.mean_ms(),
            Latency::Mixture { components } => {
                let total: f64 = components.iter().map(|c| c.weight).sum();
                components.iter().map(|c| c.weight / total * c.latency.mean_ms()).sum()
            }
        }
    }

    /// Checks the parameters; the error names the offending field relative to this value
    /// (the caller prefixes its own path, e.g. `network.default_latency.`).
    pub fn validate(&self) -> Result<(), (String, String)> {
        fn finite_non_negative(field: &str, v: f64) -> Result<(), (String, String)> {
            if v.is_finite() && (0.0..=MAX_LATENCY_MS).contains(&v) {
                Ok(())
            } else {
                Err((field.to_string(), format!("must be a number in [0, {MAX_LATENCY_MS}] ms, got {}", crate::error::short_number(v))))
            }
        }
        match self {
            Latency::Constant { ms } => finite_non_negative("ms", *ms),
            Latency::Uniform { min_ms, max_ms } => {
                finite_non_negative("min_ms", *min_ms)?;
                finite_non_negative("max_ms", *max_ms)?;
                if max_ms < min_ms {
                    return Err(("max_ms".into(), format!("must be ≥ min_ms ({min_ms}), got {max_ms}")));
                }
                Ok(())
            }
            Latency::Exponential { mean_ms } => finite_non_negative("mean_ms", *mean_ms),
            Latency::Pareto { xm_ms, alpha } => {
                finite_non_negative("xm_ms", *xm_ms)?;
                if !(alpha.is_finite() && *alpha > 0.0 && *alpha <= 100.0) {
                    return Err(("alpha".into(), format!("must be a number in (0, 100], got {alpha}")));
                }
                Ok(())
            }
            Latency::Shifted { offset_ms, inner } => {
                finite_non_negative("offset_ms", *offset_ms)?;
                inner.validate().map_err(|(f, m)| (format!("inner.{f}"), m))
            }
            Latency::Mixture { components } => {
                if components.is_empty() || components.len() > MAX_MIXTURE_COMPONENTS {
                    return Err(("components".into(), format!("must have 1 to {MAX_MIXTURE_COMPONENTS} components, got {}", components.len())));
                }
                for (i, c) in components.iter().enumerate() {
                    if !(c.weight.is_finite() && c.weight > 0.0 && c.weight <= MAX_MIXTURE_WEIGHT) {
                        return Err((format!("components[{i}].weight"), format!("must be a number in (0, {MAX_MIXTURE_WEIGHT}], got {}", c.weight)));
                    }
                    c.latency.validate().map_err(|(f, m)| (format!("components[{i}].latency.{f}"), m))?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean(latency: &Latency, n: usize) -> f64 {
        let mut rng = SimRng::from_seed(11);
        (0..n).map(|_| latency.sample_ms(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_the_closed_form_means() {
        let cases = [
            Latency::Constant { ms: 3.0 },
            Latency::Uniform { min_ms: 1.0, max_ms: 5.0 },
            Latency::Exponential { mean_ms: 2.0 },
            Latency::Pareto { xm_ms: 1.0, alpha: 3.0 },
            Latency::Shifted { offset_ms: 10.0, inner: Box::new(Latency::Exponential { mean_ms: 1.0 }) },
            Latency::Mixture {
                components: vec![
                    MixtureComponent { weight: 0.9, latency: Latency::Constant { ms: 1.0 } },
                    MixtureComponent { weight: 0.1, latency: Latency::Constant { ms: 11.0 } },
                ],
            },
        ];
        for latency in cases {
            let expected = latency.mean_ms();
            let got = sample_mean(&latency, 200_000);
            assert!((got - expected).abs() / expected < 0.02, "{latency:?}: {got} vs {expected}");
        }
    }

    #[test]
    fn pareto_never_goes_below_its_scale() {
        let latency = Latency::Pareto { xm_ms: 0.5, alpha: 1.2 };
        let mut rng = SimRng::from_seed(5);
        assert!((0..10_000).all(|_| latency.sample_ms(&mut rng) >= 0.5));
        assert!((latency.mean_ms() - 3.0).abs() < 1e-9);
    }

    #[test]
    fn validation_names_the_nested_field() {
        let bad = Latency::Mixture { components: vec![MixtureComponent { weight: 1.0, latency: Latency::Uniform { min_ms: 5.0, max_ms: 1.0 } }] };
        let (field, _) = bad.validate().unwrap_err();
        assert_eq!(field, "components[0].latency.max_ms");
    }
}
