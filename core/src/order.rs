//! Stable sorting by a time key without one copy of the sort algorithm per element type.
//!
//! `slice::sort_by_key` is monomorphised for every element type and closure: schedules,
//! faults and commands of three patterns gave the browser bundle nine copies of the stable
//! sort. Here the only sort is over `(key, index)` pairs, which are all distinct, so an
//! unstable sort of them yields exactly the stable order; the elements are then moved into
//! place. The result is the same as `sort_by_key`'s (stable sorts agree on every input).

/// Sorts `items` by `key`, keeping the order of equal keys.
pub(crate) fn stable_sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let order = sorted_order(items.iter().map(key).collect());
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `items` by an `f64` key in `f64::total_cmp` order, keeping the order of equal keys.
pub(crate) fn stable_sort_by_f64<T>(items: &mut Vec<T>, key: impl Fn(&T) -> f64) {
    stable_sort_by_key(items, |item| total_order_key(key(item)));
}

/// Maps `x` to a `u64` whose integer order is `f64::total_cmp`'s order.
fn total_order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    // Negative numbers: flip all bits (larger magnitude sorts first); positive: flip the sign.
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The indices of `keys` in stable ascending order of their key.
fn sorted_order(keys: Vec<u64>) -> Vec<usize> {
    let mut pairs: Vec<(u64, usize)> = keys.into_iter().zip(0..).collect();
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        let values = [3.0, -0.0, 0.0, f64::NAN, -1.5, 3.0, f64::INFINITY, -f64::INFINITY, 1e-300, -f64::NAN, 2.0, -1.5];
        let mut ours: Vec<(usize, f64)> = values.iter().copied().enumerate().collect();
        let mut std = ours.clone();
        stable_sort_by_f64(&mut ours, |p| p.1);
        std.sort_by(|a, b| a.1.total_cmp(&b.1));
        assert_eq!(ours.iter().map(|p| p.0).collect::<Vec<_>>(), std.iter().map(|p| p.0).collect::<Vec<_>>());

        let mut ours: Vec<(u64, char)> = vec![(5, 'a'), (1, 'b'), (5, 'c'), (0, 'd'), (1, 'e'), (u64::MAX, 'f')];
        let mut std = ours.clone();
        stable_sort_by_key(&mut ours, |p| p.0);
        std.sort_by_key(|p| p.0);
        assert_eq!(ours, std);
    }
}
