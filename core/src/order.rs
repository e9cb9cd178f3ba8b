//! Sorting without one copy of the sort algorithm per element type.
//!
//! `slice::sort*` is monomorphised for every element type and comparator, and each copy of
//! the standard library's driftsort or ipnsort is 3–10 KB of wasm: the quorum's bundle held
//! eleven of them (43 KB of its 826 KB). Every sort in Faultline goes through
//! [`stable_order`] instead, a bottom-up merge sort over indices compiled once; a call site
//! adds only its comparator and a swap loop. Merge sort is stable, so it gives exactly
//! `sort_by`'s order, and `sort_unstable`'s too wherever equal elements are indistinguishable
//! (every call site here sorts by a total order). O(n log n) time, O(n) extra indices; up to
//! 16 elements, insertion sort in place.

use std::cmp::Ordering;

/// Up to this many elements, [`sort_by`] sorts by insertion.
const SMALL: usize = 16;

/// Sorts `items` by `compare`, keeping the order of equal elements (as `slice::sort_by`).
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    // A handful of elements (a quorum's replies, a PBS trial's replicas, many times a
    // second): insertion sort in place, no allocation; it is a few dozen bytes per call site.
    if items.len() <= SMALL {
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && compare(&items[j], &items[j - 1]) == Ordering::Less {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let order = stable_order(items.len(), &mut |a, b| compare(&items[a], &items[b]) == Ordering::Less);
    permute(items, order);
}

/// Sorts `items` in ascending order (as `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` by `key`, keeping the order of equal keys (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by an `f64` key in `f64::total_cmp` order, keeping the order of equal keys.
pub fn sort_by_f64<T>(items: &mut [T], mut key: impl FnMut(&T) -> f64) {
    sort_by(items, |a, b| key(a).total_cmp(&key(b)));
}

/// A map built by inserting each pair in turn (the last of equal keys wins, as `collect`).
///
/// `collect()` into a `BTreeMap` sorts its input first, one more copy of the standard sort
/// per key and value type; inserting needs none. Also for `serde_json::Map`.
pub fn map_of<M: Extend<(K, V)> + Default, K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> M {
    // `BTreeMap`'s, `SmallMap`'s and `serde_json::Map`'s `extend` insert pair by pair.
    let mut map = M::default();
    map.extend(pairs);
    map
}

/// The indices `0..n` in stable ascending order of `less`: a bottom-up merge sort, not
/// generic, so the bundle holds one sort.
fn stable_order(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut into = vec![0; n];
    let mut width = 1;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let middle = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right) = (start, middle);
            for slot in &mut into[start..end] {
                // The left run wins ties: that is what keeps the sort stable.
                let take_left = right == end || (left < middle && !less(from[right], from[left]));
                if take_left {
                    *slot = from[left];
                    left += 1;
                } else {
                    *slot = from[right];
                    right += 1;
                }
            }
        }
        std::mem::swap(&mut from, &mut into);
        width *= 2;
    }
    from
}

/// Moves `items[order[k]]` to position `k`, by swaps.
fn permute<T>(items: &mut [T], order: Vec<usize>) {
    // Where each element goes; then send every element to its place, one cycle at a time.
    let mut destination = vec![0; order.len()];
    for (position, &source) in order.iter().enumerate() {
        destination[source] = position;
    }
    for i in 0..items.len() {
        while destination[i] != i {
            let d = destination[i];
            items.swap(i, d);
            destination.swap(i, d);
        }
    }
}

// The tests compare with the standard library's sorts.
#[cfg(test)]
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        let values = [3.0, -0.0, 0.0, f64::NAN, -1.5, 3.0, f64::INFINITY, -f64::INFINITY, 1e-300, -f64::NAN, 2.0, -1.5];
        let mut ours: Vec<(usize, f64)> = values.iter().copied().enumerate().collect();
        let mut std = ours.clone();
        sort_by_f64(&mut ours, |p| p.1);
        std.sort_by(|a, b| a.1.total_cmp(&b.1));
        assert_eq!(ours.iter().map(|p| p.0).collect::<Vec<_>>(), std.iter().map(|p| p.0).collect::<Vec<_>>());

        let mut ours: Vec<(u64, char)> = vec![(5, 'a'), (1, 'b'), (5, 'c'), (0, 'd'), (1, 'e'), (u64::MAX, 'f')];
        let mut std = ours.clone();
        sort_by_key(&mut ours, |p| p.0);
        std.sort_by_key(|p| p.0);
        assert_eq!(ours, std);
    }

    #[test]
    fn agrees_with_the_standard_sort_on_every_length_and_many_ties() {
        // Lengths around the merge widths, keys with many ties, stability checked through
        // the payload (the original position).
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in 0..200 {
            let mut ours: Vec<(u64, usize)> = (0..n)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % 7, i)
                })
                .collect();
            let mut std = ours.clone();
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "n = {n}");
            let mut plain: Vec<u64> = ours.iter().map(|p| p.0 * 1000 + (p.1 as u64 % 13)).collect();
            let mut expected = plain.clone();
            sort(&mut plain);
            expected.sort_unstable();
            assert_eq!(plain, expected, "n = {n}");
        }
    }
}
