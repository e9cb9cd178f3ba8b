//! The pending-event queue: earliest time first, and among equal times, first scheduled first.
//!
//! The sequence number makes the order total, so two runs never disagree about which of two
//! simultaneous events happens first (a `BinaryHeap` on time alone would not promise that).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::time::Tick;

#[derive(Clone, Debug)]
struct Entry<T> {
    at: Tick,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// A min-queue of items keyed by virtual time with FIFO tie-breaking.
#[derive(Clone, Debug)]
pub struct EventQueue<T> {
    heap: BinaryHeap<Reverse<Entry<T>>>,
    next_seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self { heap: BinaryHeap::new(), next_seq: 0 }
    }
}

impl<T> EventQueue<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `item` at `at`; returns its sequence number (its place among equal times).
    pub fn push(&mut self, at: Tick, item: T) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { at, seq, item }));
        seq
    }

    /// Time of the earliest pending item.
    pub fn peek_time(&self) -> Option<Tick> {
        self.heap.peek().map(|Reverse(e)| e.at)
    }

    /// Removes and returns the earliest item.
    pub fn pop(&mut self) -> Option<(Tick, T)> {
        self.heap.pop().map(|Reverse(e)| (e.at, e.item))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_times_pop_in_insertion_order() {
        let mut q = EventQueue::new();
        q.push(5, "b1");
        q.push(1, "a");
        q.push(5, "b2");
        q.push(5, "b3");
        q.push(3, "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(1, "a"), (3, "c"), (5, "b1"), (5, "b2"), (5, "b3")]);
    }

    proptest! {
        #[test]
        fn pops_are_sorted_by_time_then_insertion(times in proptest::collection::vec(0u64..20, 0..200)) {
            let mut q = EventQueue::new();
            for (i, t) in times.iter().enumerate() {
                q.push(*t, i);
            }
            let popped: Vec<(u64, usize)> = std::iter::from_fn(|| q.pop()).collect();
            let mut expected: Vec<(u64, usize)> = times.iter().copied().zip(0..).collect();
            crate::order::sort(&mut expected); // by time, then by insertion index
            prop_assert_eq!(popped, expected);
        }
    }
}
