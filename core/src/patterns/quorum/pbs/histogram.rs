//! A fixed-size log-linear histogram for latency and visibility percentiles.
//!
//! Why not keep every sample and sort: a browser run of 10^7 trials would hold three 80 MB
//! vectors. This histogram takes 3 × 8,962 counters (≈ 215 KB in all) whatever the trial
//! count, merging chunks is just adding counts (so chunked runs give identical percentiles),
//! and bucketing reads the float's bits: no transcendental function, same bits on wasm.
//!
//! Layout (the HDR-histogram idea): each power of two `[2^e, 2^(e+1))` ms, for
//! `e = MIN_EXPONENT..=MAX_EXPONENT`, is cut into `2^SUB_BUCKET_BITS = 128` equal buckets,
//! taken from the top 7 bits of the mantissa. A percentile is reported as its bucket's
//! midpoint, so the **relative error is at most 1/256 ≈ 0.39 %** for values in
//! `[2^-20 ms ≈ 0.95 ns, 2^50 ms ≈ 35,700 years)`. Values below 2^-20 ms (including exact
//! zeros and negatives) land in a zero bucket reported as `0.0`; values at or above 2^50 ms
//! (only infinity, since WARS caps delays at `MAX_DELAY_MS`) land in an overflow bucket
//! whose percentile is reported as `None` ("never").

const SUB_BUCKET_BITS: u32 = 7;
const SUB_BUCKETS: usize = 1 << SUB_BUCKET_BITS;
const MIN_EXPONENT: i32 = -20;
const MAX_EXPONENT: i32 = 49;
const OCTAVES: usize = (MAX_EXPONENT - MIN_EXPONENT + 1) as usize;
/// Zero bucket, the log-linear buckets, overflow bucket.
const BUCKETS: usize = 1 + OCTAVES * SUB_BUCKETS + 1;
const ZERO_BUCKET: usize = 0;
const OVERFLOW_BUCKET: usize = BUCKETS - 1;

/// Largest finite value the histogram resolves; callers cap samples below it.
pub const HISTOGRAM_MAX_MS: f64 = 1_125_899_906_842_624.0; // 2^50

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogHistogram {
    counts: Vec<u64>,
    total: u64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LogHistogram {
    pub fn new() -> Self {
        Self { counts: vec![0; BUCKETS], total: 0 }
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn record(&mut self, value_ms: f64) {
        self.counts[bucket_of(value_ms)] += 1;
        self.total += 1;
    }

    /// Nearest-rank percentile (`quantile` in `[0, 1]`): the smallest recorded value `v` such
    /// that at least `ceil(quantile · total)` samples are `≤ v`, up to bucket resolution.
    /// `None` if nothing was recorded or the rank falls in the overflow bucket.
    pub fn quantile(&self, quantile: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = (libm::ceil(quantile.clamp(0.0, 1.0) * self.total as f64) as u64).clamp(1, self.total);
        let mut seen = 0u64;
        for (bucket, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return representative(bucket);
            }
        }
        None
    }
}

fn bucket_of(value_ms: f64) -> usize {
    // NaN is not expected (callers validate and cap); treat it as "never" rather than panic.
    if value_ms.is_nan() || value_ms >= HISTOGRAM_MAX_MS {
        return OVERFLOW_BUCKET;
    }
    if value_ms < lower_bound_of_octave(MIN_EXPONENT) {
        return ZERO_BUCKET;
    }
    let bits = value_ms.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let sub_bucket = ((bits >> (52 - SUB_BUCKET_BITS)) as usize) & (SUB_BUCKETS - 1);
    1 + (exponent - MIN_EXPONENT) as usize * SUB_BUCKETS + sub_bucket
}

/// `2^exponent`, built from its bits (exact, no `pow`).
fn lower_bound_of_octave(exponent: i32) -> f64 {
    f64::from_bits(((exponent + 1023) as u64) << 52)
}

fn representative(bucket: usize) -> Option<f64> {
    match bucket {
        ZERO_BUCKET => Some(0.0),
        OVERFLOW_BUCKET => None,
        _ => {
            let index = bucket - 1;
            let octave = lower_bound_of_octave(MIN_EXPONENT + (index / SUB_BUCKETS) as i32);
            let width = octave / SUB_BUCKETS as f64;
            Some(octave + width * ((index % SUB_BUCKETS) as f64 + 0.5))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_the_documented_relative_error() {
        let mut histogram = LogHistogram::new();
        let values: Vec<f64> = (1..=10_000).map(|i| i as f64 * 0.013).collect();
        for &v in &values {
            histogram.record(v);
        }
        for q in [0.5, 0.9, 0.99, 0.999] {
            let exact = values[(libm::ceil(q * values.len() as f64) as usize) - 1];
            let got = histogram.quantile(q).unwrap();
            assert!((got - exact).abs() / exact <= 1.0 / 256.0 + 1e-12, "q={q}: {got} vs {exact}");
        }
    }

    #[test]
    fn zeros_negatives_and_infinity_have_their_own_buckets() {
        let mut histogram = LogHistogram::new();
        histogram.record(-3.0);
        histogram.record(0.0);
        histogram.record(f64::INFINITY);
        assert_eq!(histogram.quantile(0.5), Some(0.0));
        assert_eq!(histogram.quantile(1.0), None);
        assert_eq!(LogHistogram::new().quantile(0.5), None);
    }

    #[test]
    fn powers_of_two_fall_at_the_start_of_their_octave() {
        for e in [MIN_EXPONENT, -3, 0, 7, MAX_EXPONENT] {
            let v = lower_bound_of_octave(e);
            let b = bucket_of(v);
            assert_eq!((b - 1) % SUB_BUCKETS, 0);
            assert!((representative(b).unwrap() - v) / v <= 1.0 / 256.0);
        }
    }
}
