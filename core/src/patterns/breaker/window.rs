//! Sliding windows of call outcomes, as resilience4j keeps them
//! (`resilience4j-core/.../metrics/FixedSizeSlidingWindowMetrics` and `SlidingTimeWindowMetrics`).
//!
//! Both windows keep a running total next to their cells, so a snapshot is O(1); the cells
//! are exposed so the UI can draw them.

use serde::{Deserialize, Serialize};

use crate::engine::time::{Tick, TICKS_PER_SECOND};

/// How one finished call is classified (resilience4j `Metrics.Outcome`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Error,
    SlowSuccess,
    SlowError,
}

impl Outcome {
    /// Classifies a call; `slow` is decided by the caller (resilience4j: duration > threshold).
    pub fn classify(failed: bool, slow: bool) -> Outcome {
        match (failed, slow) {
            (false, false) => Outcome::Success,
            (true, false) => Outcome::Error,
            (false, true) => Outcome::SlowSuccess,
            (true, true) => Outcome::SlowError,
        }
    }

    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Error | Outcome::SlowError)
    }

    pub fn is_slow(self) -> bool {
        matches!(self, Outcome::SlowSuccess | Outcome::SlowError)
    }
}

/// Counters over some set of calls (resilience4j `AbstractAggregation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct Aggregation {
    pub calls: u32,
    pub failed_calls: u32,
    pub slow_calls: u32,
    pub slow_failed_calls: u32,
    pub total_duration: Tick,
}

impl Aggregation {
    fn record(&mut self, outcome: Outcome, duration: Tick) {
        self.calls += 1;
        self.total_duration = self.total_duration.saturating_add(duration);
        if outcome.is_failure() {
            self.failed_calls += 1;
        }
        if outcome.is_slow() {
            self.slow_calls += 1;
        }
        if outcome == Outcome::SlowError {
            self.slow_failed_calls += 1;
        }
    }

    fn remove(&mut self, other: &Aggregation) {
        self.calls -= other.calls;
        self.failed_calls -= other.failed_calls;
        self.slow_calls -= other.slow_calls;
        self.slow_failed_calls -= other.slow_failed_calls;
        self.total_duration -= other.total_duration;
    }

    /// Failure rate in percent as resilience4j computes it (`float`, 0 when empty).
    pub fn failure_rate(&self) -> f32 {
        rate(self.failed_calls, self.calls)
    }

    /// Slow-call rate in percent as resilience4j computes it (`float`, 0 when empty).
    pub fn slow_call_rate(&self) -> f32 {
        rate(self.slow_calls, self.calls)
    }
}

// Java: `count * 100.0f / total`, all in single precision; we keep f32 so boundaries match.
fn rate(count: u32, total: u32) -> f32 {
    if total == 0 {
        0.0
    } else {
        count as f32 * 100.0f32 / total as f32
    }
}

/// One cell of a count-based window: the outcome of one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct CountCell {
    pub outcome: Outcome,
    pub duration: Tick,
}

/// COUNT_BASED window: a circular buffer of the last `size` outcomes.
///
/// Like resilience4j, the head moves *before* writing, so the first call lands in cell 1
/// (cell 0 when `size == 1`); the oldest outcome is the one overwritten.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct CountWindow {
    cells: Vec<Option<CountCell>>,
    head: usize,
    total: Aggregation,
}

impl CountWindow {
    /// A window of `size` cells. Size 0 (used by DISABLED and FORCED_OPEN) ignores records.
    pub fn new(size: usize) -> Self {
        CountWindow { cells: vec![None; size], head: 0, total: Aggregation::default() }
    }

    pub fn record(&mut self, outcome: Outcome, duration: Tick) -> Aggregation {
        if self.cells.is_empty() {
            return self.total;
        }
        self.head = (self.head + 1) % self.cells.len();
        if let Some(old) = self.cells[self.head].take() {
            let mut evicted = Aggregation::default();
            evicted.record(old.outcome, old.duration);
            self.total.remove(&evicted);
        }
        self.cells[self.head] = Some(CountCell { outcome, duration });
        self.total.record(outcome, duration);
        self.total
    }

    pub fn total(&self) -> Aggregation {
        self.total
    }

    /// The cells in storage order; `head()` is the most recent one.
    pub fn cells(&self) -> &[Option<CountCell>] {
        &self.cells
    }

    pub fn head(&self) -> usize {
        self.head
    }

    pub fn size(&self) -> usize {
        self.cells.len()
    }
}

/// One bucket of a time-based window: the calls recorded during one epoch second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct TimeBucket {
    pub epoch_second: u64,
    pub aggregation: Aggregation,
}

/// TIME_BASED window: `size` one-second partial aggregations in a ring.
///
/// Bucket placement is relative to the head, not `epoch_second % size`: at creation the head
/// is bucket 0, stamped with the current second. When a call arrives `d` seconds after the
/// head's second, the head steps `min(d, size)` times, clearing each bucket it lands on and
/// stamping it with the consecutive seconds ending at the current one. Seconds are
/// `now / TICKS_PER_SECOND` (Java `Instant.getEpochSecond`, i.e. floor). If `now` is earlier
/// than the head's second (time never runs backwards in the simulation) we record into the head.
#[derive(Clone, Debug, PartialEq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
pub struct TimeWindow {
    buckets: Vec<TimeBucket>,
    head: usize,
    total: Aggregation,
}

fn epoch_second(now: Tick) -> u64 {
    now / TICKS_PER_SECOND
}

impl TimeWindow {
    pub fn new(size_seconds: usize, now: Tick) -> Self {
        let start = epoch_second(now);
        // resilience4j stamps bucket i with `start + i`; those stamps are never read (a bucket
        // is restamped when the head reaches it), so we stamp the empty buckets behind the
        // head with the seconds before `start` instead, which draws as a time line.
        let n = size_seconds as u64;
        let buckets = (0..n)
            .map(|i| {
                let epoch_second = if i == 0 { start } else { start.saturating_sub(n - i) };
                TimeBucket { epoch_second, aggregation: Aggregation::default() }
            })
            .collect();
        TimeWindow { buckets, head: 0, total: Aggregation::default() }
    }

    /// How many head steps a move to `now` makes.
    fn steps_to(&self, now: Tick) -> usize {
        let head_second = self.buckets[self.head].epoch_second;
        let current = epoch_second(now);
        if current <= head_second {
            0
        } else {
            (current - head_second).min(self.buckets.len() as u64) as usize
        }
    }

    fn advance(&mut self, now: Tick) {
        if self.buckets.is_empty() {
            return;
        }
        let steps = self.steps_to(now);
        let current = epoch_second(now);
        for remaining in (0..steps).rev() {
            self.head = (self.head + 1) % self.buckets.len();
            let bucket = &mut self.buckets[self.head];
            self.total.remove(&bucket.aggregation);
            *bucket = TimeBucket { epoch_second: current - remaining as u64, aggregation: Aggregation::default() };
        }
    }

    pub fn record(&mut self, now: Tick, outcome: Outcome, duration: Tick) -> Aggregation {
        if self.buckets.is_empty() {
            return self.total;
        }
        self.advance(now);
        self.buckets[self.head].aggregation.record(outcome, duration);
        self.total.record(outcome, duration);
        self.total
    }

    /// The running total as of the last record (no eviction since).
    pub fn total(&self) -> Aggregation {
        self.total
    }

    /// The total as resilience4j's `getSnapshot()` would see it at `now` (it evicts first);
    /// computed without mutating: the buckets the head would step onto are left out.
    pub fn total_at(&self, now: Tick) -> Aggregation {
        if self.buckets.is_empty() {
            return self.total;
        }
        let mut total = self.total;
        for step in 1..=self.steps_to(now) {
            let index = (self.head + step) % self.buckets.len();
            total.remove(&self.buckets[index].aggregation);
        }
        total
    }

    /// The buckets as they are at `now`, oldest first, newest (the current second) last.
    pub fn buckets_at(&self, now: Tick) -> Vec<TimeBucket> {
        let mut moved = self.clone();
        moved.advance(now);
        let n = moved.buckets.len();
        (1..=n).map(|i| moved.buckets[(moved.head + i) % n]).collect()
    }

    /// The raw ring in storage order, with `head()` the most recent bucket.
    pub fn raw_buckets(&self) -> &[TimeBucket] {
        &self.buckets
    }

    pub fn head(&self) -> usize {
        self.head
    }

    pub fn size(&self) -> usize {
        self.buckets.len()
    }
}

/// Either kind of resilience4j window.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, crate::json::ToJson, crate::json::FromJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlidingWindow {
    CountBased(CountWindow),
    TimeBased(TimeWindow),
}

impl SlidingWindow {
    pub fn record(&mut self, now: Tick, outcome: Outcome, duration: Tick) -> Aggregation {
        match self {
            SlidingWindow::CountBased(w) => w.record(outcome, duration),
            SlidingWindow::TimeBased(w) => w.record(now, outcome, duration),
        }
    }

    pub fn total_at(&self, now: Tick) -> Aggregation {
        match self {
            SlidingWindow::CountBased(w) => w.total(),
            SlidingWindow::TimeBased(w) => w.total_at(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_window_writes_after_moving_the_head_and_evicts_the_oldest() {
        let mut w = CountWindow::new(3);
        w.record(Outcome::Error, 0);
        assert_eq!(w.head(), 1);
        assert!(w.cells()[0].is_none());
        w.record(Outcome::Success, 0);
        w.record(Outcome::SlowError, 0);
        assert_eq!(w.total().calls, 3);
        assert_eq!(w.total().failed_calls, 2);
        // The fourth call overwrites the first (the Error in cell 1).
        let t = w.record(Outcome::Success, 0);
        assert_eq!((t.calls, t.failed_calls, t.slow_calls, t.slow_failed_calls), (3, 1, 1, 1));
    }

    #[test]
    fn time_window_evicts_buckets_older_than_the_window() {
        let s = TICKS_PER_SECOND;
        let mut w = TimeWindow::new(3, 0);
        w.record(0, Outcome::Error, 0); // second 0
        w.record(s + 10, Outcome::Error, 0); // second 1
        w.record(2 * s + 999_999, Outcome::Success, 0); // second 2
        assert_eq!(w.total().calls, 3);
        // At second 3 the second-0 bucket is gone.
        assert_eq!(w.total_at(3 * s).calls, 2);
        assert_eq!(w.total_at(3 * s).failed_calls, 1);
        // At second 5 only second 3..=5 count: nothing.
        assert_eq!(w.total_at(5 * s).calls, 0);
        let buckets = w.buckets_at(3 * s);
        assert_eq!(buckets.iter().map(|b| b.epoch_second).collect::<Vec<_>>(), vec![1, 2, 3]);
        w.record(3 * s, Outcome::Success, 0);
        assert_eq!(w.total().calls, 3);
        assert_eq!(w.total().failed_calls, 1);
    }

    #[test]
    fn rates_are_single_precision_like_java() {
        let a = Aggregation { calls: 3, failed_calls: 2, ..Default::default() };
        assert_eq!(a.failure_rate(), 200.0f32 / 3.0f32);
        assert_eq!(Aggregation::default().failure_rate(), 0.0);
    }
}
