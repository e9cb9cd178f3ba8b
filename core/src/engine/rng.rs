//! The one source of randomness in a simulation.
//!
//! Algorithm: **xoshiro256++** (Blackman & Vigna 2019), seeded from a `u64` through SplitMix64,
//! exactly as the authors' reference code and the `rand_xoshiro` crate do. Unlike `StdRng` or
//! `SmallRng`, whose algorithm may change between `rand` releases, this stream is fixed forever:
//! a seed in a permalink replays the same run next year. A test pins it against the reference.

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Seeded, cloneable (so checkpoints capture it) pseudo-random number generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    inner: Xoshiro256PlusPlus,
}

impl SimRng {
    /// The generator for `seed`.
    pub fn from_seed(seed: u64) -> Self {
        Self { inner: Xoshiro256PlusPlus::seed_from_u64(seed) }
    }

    /// An independent generator for a named sub-stream (a link, a client, a trial batch), so
    /// that adding randomness in one place does not shift the numbers drawn in another.
    pub fn substream(seed: u64, stream: u64) -> Self {
        // SplitMix64's finaliser decorrelates (seed, stream) pairs before seeding.
        Self::from_seed(splitmix64(seed ^ splitmix64(stream.wrapping_add(0x9E37_79B9_7F4A_7C15))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `(0, 1]`: safe to take the logarithm of.
    pub fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in `[0, n)` without modulo bias (Lemire's method). `n == 0` gives 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let product = (self.next_u64() as u128) * (n as u128);
            if (product as u64) >= threshold {
                return (product >> 64) as u64;
            }
        }
    }

    /// Uniform in `[low, high]` (inclusive). Swaps the bounds if given backwards.
    pub fn range_inclusive(&mut self, low: u64, high: u64) -> u64 {
        let (low, high) = if low <= high { (low, high) } else { (high, low) };
        match (high - low).checked_add(1) {
            Some(span) => low + self.below(span),
            None => self.next_u64(),
        }
    }

    /// True with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 || p.is_nan() {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        self.unit() < p
    }
}

/// SplitMix64's output function (Steele, Lea & Flood 2014).
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published reference algorithms, written out independently of the crate: if a crate
    /// upgrade ever changed the stream, this test fails and permalinks would be protected.
    fn reference_stream(seed: u64, n: usize) -> Vec<u64> {
        let mut sm = seed;
        let mut next_sm = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut s = [next_sm(), next_sm(), next_sm(), next_sm()];
        (0..n)
            .map(|_| {
                let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
                let t = s[1] << 17;
                s[2] ^= s[0];
                s[3] ^= s[1];
                s[1] ^= s[2];
                s[0] ^= s[3];
                s[2] ^= t;
                s[3] = s[3].rotate_left(45);
                result
            })
            .collect()
    }

    #[test]
    fn stream_matches_the_xoshiro256plusplus_reference() {
        for seed in [0u64, 1, 42, u64::MAX] {
            let mut rng = SimRng::from_seed(seed);
            let ours: Vec<u64> = (0..64).map(|_| rng.next_u64()).collect();
            assert_eq!(ours, reference_stream(seed, 64), "seed {seed}");
        }
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = SimRng::from_seed(7);
        let mut seen = [0u32; 6];
        for _ in 0..6_000 {
            seen[rng.below(6) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800 && c < 1_200), "{seen:?}");
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn unit_intervals_respect_their_bounds() {
        let mut rng = SimRng::from_seed(3);
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            let v = rng.open_unit();
            assert!(v > 0.0 && v <= 1.0);
        }
    }

    #[test]
    fn substreams_differ_from_each_other_and_are_stable() {
        let a: Vec<u64> = {
            let mut r = SimRng::substream(9, 1);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SimRng::substream(9, 2);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let a2: Vec<u64> = {
            let mut r = SimRng::substream(9, 1);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_ne!(a, b);
        assert_eq!(a, a2);
    }
}
