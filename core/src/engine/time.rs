//! Virtual time.
//!
//! One tick is one **microsecond** of simulated time. Integer ticks keep every run exact and
//! platform independent; microseconds are fine enough for sub-millisecond datacentre latencies
//! (the PBS fits) and a `u64` still spans 584 000 years.

/// A point in, or a span of, virtual time, in microseconds.
pub type Tick = u64;

/// Ticks in one simulated millisecond.
pub const TICKS_PER_MS: Tick = 1_000;

/// Ticks in one simulated second.
pub const TICKS_PER_SECOND: Tick = 1_000_000;

/// Converts milliseconds (possibly fractional) to ticks, rounding to the nearest tick.
/// Negative and NaN inputs become 0; this is the one place floats become time.
pub fn ticks_from_ms(ms: f64) -> Tick {
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    let ticks = libm::round(ms * TICKS_PER_MS as f64);
    if ticks >= u64::MAX as f64 {
        u64::MAX
    } else {
        ticks as Tick
    }
}

/// Converts ticks to (fractional) milliseconds, for display and reports.
pub fn ms_from_ticks(ticks: Tick) -> f64 {
    ticks as f64 / TICKS_PER_MS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_round_trip_to_the_microsecond() {
        assert_eq!(ticks_from_ms(1.0), 1_000);
        assert_eq!(ticks_from_ms(0.2354), 235);
        assert_eq!(ticks_from_ms(0.2356), 236);
        assert_eq!(ticks_from_ms(-3.0), 0);
        assert_eq!(ticks_from_ms(f64::NAN), 0);
        assert_eq!(ms_from_ticks(2_500), 2.5);
    }
}
