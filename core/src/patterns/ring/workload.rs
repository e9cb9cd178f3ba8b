//! Workloads: which keys exist and how often each is requested.
//!
//! * `uniform_names`: keys `key-0 .. key-{m-1}`, hashed with XXH3-64; one request each.
//! * `uniform_random`: `m` random 64-bit raw keys from `SimRng::substream(seed, 1)`, used as
//!   their own hashes; one request each.
//! * `zipf`: keys `key-0 ..` as above, plus `requests` requests drawn from a Zipf law over
//!   rank: key `key-i` is requested with probability ∝ 1/(i+1)^s (`key-0` is the hottest).
//!   Sampling is by inversion of the exact cumulative table (built with `libm::pow`) with
//!   uniforms from `SimRng::substream(seed, 2)`: identical on every platform.

use std::fmt::Write;

use crate::engine::SimRng;

use super::error::FieldError;
use super::key::hash_text;

/// The sub-stream of the seed that draws raw keys.
pub const RANDOM_KEYS_STREAM: u64 = 1;
/// The sub-stream of the seed that draws Zipf requests.
pub const ZIPF_REQUESTS_STREAM: u64 = 2;

/// Largest Zipf exponent accepted (beyond it almost every request hits `key-0`).
pub const MAX_ZIPF_EXPONENT: f64 = 10.0;
/// Largest request count accepted.
pub const MAX_REQUESTS: u64 = 100_000_000;

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Workload {
    /// `key-{i}`, one request each.
    #[default]
    UniformNames,
    /// Random raw 64-bit keys, one request each.
    UniformRandom,
    /// `key-{i}` requested `requests` times in total, Zipf-distributed with `exponent` s.
    Zipf { exponent: f64, requests: u64 },
}

/// The Zipf workload's default exponent s: the hot-keys lesson's 1.1 (a little more skewed
/// than the classic s = 1).
pub const ZIPF_DEFAULT_EXPONENT: f64 = 1.1;
/// The Zipf workload's default request count: enough to show a hot key, cheap in a browser.
pub const ZIPF_DEFAULT_REQUESTS: u64 = 100_000;

/// A workload without its numbers: what a selector or a `--workload` flag picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    UniformNames,
    UniformRandom,
    Zipf,
}

/// The one name table of [`WorkloadKind`]: `(kind, name, title, other spellings)`. `name` is
/// serde's `kind` tag (a test holds them equal); the other spellings are the CLI's.
static WORKLOAD_NAMES: [(WorkloadKind, &str, &str, &[&str]); 3] = [
    (WorkloadKind::UniformNames, "uniform_names", "uniform (key-0, key-1, …)", &["uniform"]),
    (WorkloadKind::UniformRandom, "uniform_random", "uniform random 64-bit keys", &["random"]),
    (WorkloadKind::Zipf, "zipf", "hot keys (Zipf requests)", &[]),
];

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 3] = [WorkloadKind::UniformNames, WorkloadKind::UniformRandom, WorkloadKind::Zipf];

    fn entry(self) -> &'static (WorkloadKind, &'static str, &'static str, &'static [&'static str]) {
        WORKLOAD_NAMES.iter().find(|e| e.0 == self).expect("every workload kind is in the name table")
    }

    /// serde's `kind` tag.
    pub fn name(self) -> &'static str {
        self.entry().1
    }

    /// What the widget's selector shows.
    pub fn title(self) -> &'static str {
        self.entry().2
    }

    /// The workload of this kind with its default numbers ([`Workload::zipf_default`]).
    pub fn default_workload(self) -> Workload {
        match self {
            WorkloadKind::UniformNames => Workload::UniformNames,
            WorkloadKind::UniformRandom => Workload::UniformRandom,
            WorkloadKind::Zipf => Workload::zipf_default(),
        }
    }
}

crate::names::name_table!(WorkloadKind, "workload", "workload", other_spellings: |k: WorkloadKind| WORKLOAD_NAMES.iter().find(|e| e.0 == k).map_or(&[][..], |e| e.3));

impl Workload {
    /// Zipf requests with the defaults ([`ZIPF_DEFAULT_EXPONENT`], [`ZIPF_DEFAULT_REQUESTS`]),
    /// for the widget, the lessons and `faultline ring stats` alike.
    pub fn zipf_default() -> Workload {
        Workload::Zipf { exponent: ZIPF_DEFAULT_EXPONENT, requests: ZIPF_DEFAULT_REQUESTS }
    }

    pub fn kind(&self) -> WorkloadKind {
        match self {
            Workload::UniformNames => WorkloadKind::UniformNames,
            Workload::UniformRandom => WorkloadKind::UniformRandom,
            Workload::Zipf { .. } => WorkloadKind::Zipf,
        }
    }

    pub fn validate(&self) -> Result<(), FieldError> {
        if let Workload::Zipf { exponent, requests } = self {
            if !exponent.is_finite() || *exponent < 0.0 || *exponent > MAX_ZIPF_EXPONENT {
                return Err(FieldError::new("workload.exponent", format!("must be a number in [0, {MAX_ZIPF_EXPONENT}], got {exponent}")));
            }
            if *requests > MAX_REQUESTS {
                return Err(FieldError::new("workload.requests", format!("must be ≤ {MAX_REQUESTS}")));
            }
        }
        Ok(())
    }

    /// Requests beyond one per key, if the workload has a request stream.
    pub fn requests(&self) -> Option<u64> {
        match self {
            Workload::Zipf { requests, .. } => Some(*requests),
            _ => None,
        }
    }
}

/// Generates the keys of a workload in order, without allocating per key.
#[derive(Clone, Debug)]
pub struct KeyStream {
    named: bool,
    rng: SimRng,
    label: String,
}

impl KeyStream {
    pub fn new(workload: &Workload, seed: u64) -> Self {
        KeyStream { named: !matches!(workload, Workload::UniformRandom), rng: SimRng::substream(seed, RANDOM_KEYS_STREAM), label: String::new() }
    }

    /// The hash of key `index`. Must be called with consecutive indices from 0 (random keys
    /// are a stream). The key's display form is then in [`Self::label`] for named keys.
    pub fn next_hash(&mut self, index: u64) -> u64 {
        if self.named {
            self.label.clear();
            let _ = write!(self.label, "key-{index}");
            hash_text(&self.label)
        } else {
            self.rng.next_u64()
        }
    }

    /// The display form of the key last returned by [`Self::next_hash`].
    pub fn display(&self, hash: u64) -> String {
        if self.named {
            self.label.clone()
        } else {
            hash.to_string()
        }
    }
}

/// Zipf sampler over ranks `0..n` with exponent `s`, by inverse-CDF binary search.
#[derive(Clone, Debug)]
pub struct ZipfSampler {
    cumulative: Vec<f64>,
    rng: SimRng,
}

impl ZipfSampler {
    pub fn new(keys: u64, exponent: f64, seed: u64) -> Self {
        let mut cumulative = Vec::with_capacity(keys as usize);
        let mut total = 0.0;
        for rank in 0..keys {
            total += 1.0 / libm::pow((rank + 1) as f64, exponent);
            cumulative.push(total);
        }
        ZipfSampler { cumulative, rng: SimRng::substream(seed, ZIPF_REQUESTS_STREAM) }
    }

    /// The probability of rank `rank` (for tests and display).
    pub fn probability(&self, rank: usize) -> f64 {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let below = if rank == 0 { 0.0 } else { self.cumulative.get(rank - 1).copied().unwrap_or(total) };
        (self.cumulative.get(rank).copied().unwrap_or(total) - below) / total
    }

    /// Draws one rank.
    pub fn sample(&mut self) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = self.rng.unit() * total;
        let rank = self.cumulative.partition_point(|&c| c <= target);
        rank.min(self.cumulative.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_tags_every_workload_with_its_kind_name() {
        for kind in WorkloadKind::ALL {
            let workload = kind.default_workload();
            assert_eq!(workload.kind(), kind);
            let json = serde_json::to_value(&workload).unwrap();
            assert_eq!(json["kind"], kind.name(), "{json}");
            let back: Workload = serde_json::from_value(json).unwrap();
            assert_eq!(back, workload);
        }
    }

    #[test]
    fn kind_names_and_the_cli_spellings_parse() {
        for kind in WorkloadKind::ALL {
            assert_eq!(kind.name().parse::<WorkloadKind>().unwrap(), kind);
            assert_eq!(kind.name().replace('_', "-").parse::<WorkloadKind>().unwrap(), kind);
        }
        assert_eq!("uniform".parse::<WorkloadKind>().unwrap(), WorkloadKind::UniformNames);
        assert_eq!("Random".parse::<WorkloadKind>().unwrap(), WorkloadKind::UniformRandom);
        assert_eq!("pareto".parse::<WorkloadKind>().unwrap_err().field, "workload");
    }

    #[test]
    fn the_zipf_default_is_the_lessons_and_valid() {
        assert_eq!(Workload::zipf_default(), Workload::Zipf { exponent: 1.1, requests: 100_000 });
        assert_eq!(WorkloadKind::Zipf.default_workload(), Workload::zipf_default());
        assert!(Workload::zipf_default().validate().is_ok());
    }
}
