//! Where a timeline draws a lesson's moment markers: each at its time, except that markers too
//! close to tell apart (or to tap) sit side by side around their mean, all in one row. A row
//! per collision made the player taller with every close pair, and a phone's sticky player
//! had to hold them all.

/// For markers at `positions` (fractions of the track, in time order), where each is drawn:
/// `(centre, offset)`, the centre as a fraction of the track and the offset in marker widths
/// from it (0 for a marker alone). `width` is a marker's width as a fraction of the track.
///
/// Close markers form a group centred on their mean time, one width apart; a group that then
/// reaches its neighbour joins it, so no two markers overlap, and none leaves the track.
pub fn spread(positions: &[f64], width: f64) -> Vec<(f64, f64)> {
    // (first marker, markers, sum of their positions)
    let mut groups: Vec<(usize, usize, f64)> = Vec::new();
    let half_extent = |len: usize| (len as f64 - 1.0) / 2.0 * width + width / 2.0;
    // A group's centre: its mean time, moved in so that the group stays on the track.
    let centre = |len: usize, sum: f64| {
        let half = half_extent(len).min(0.5);
        (sum / len as f64).clamp(half, 1.0 - half)
    };
    for (i, &at) in positions.iter().enumerate() {
        let mut group = (i, 1, at);
        while let Some(&(first, len, sum)) = groups.last() {
            let (left_centre, right_centre) = (centre(len, sum), centre(group.1, group.2));
            if right_centre - half_extent(group.1) >= left_centre + half_extent(len) {
                break;
            }
            groups.pop();
            group = (first, len + group.1, sum + group.2);
        }
        groups.push(group);
    }
    let mut out = Vec::with_capacity(positions.len());
    for (_, len, sum) in groups {
        let at = centre(len, sum);
        out.extend((0..len).map(|j| (at, j as f64 - (len as f64 - 1.0) / 2.0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::spread;

    /// Each marker's drawn position, in track fractions.
    fn drawn(positions: &[f64], width: f64) -> Vec<f64> {
        spread(positions, width).iter().map(|(c, o)| c + o * width).collect()
    }

    #[test]
    fn markers_far_apart_stay_at_their_times() {
        assert_eq!(spread(&[0.1, 0.5, 0.9], 0.05), vec![(0.1, 0.0), (0.5, 0.0), (0.9, 0.0)]);
    }

    #[test]
    fn close_markers_sit_side_by_side_around_their_mean() {
        let out = spread(&[0.1, 0.5, 0.51, 0.52, 0.9], 0.05);
        assert_eq!(out[0], (0.1, 0.0));
        assert!(out[1..4].iter().all(|&(c, _)| (c - 0.51).abs() < 1e-12), "{out:?}");
        assert_eq!(out[1..4].iter().map(|&(_, o)| o).collect::<Vec<_>>(), vec![-1.0, 0.0, 1.0]);
        assert_eq!(out[4], (0.9, 0.0));
    }

    #[test]
    fn markers_at_the_ends_stay_on_the_track() {
        let at = drawn(&[0.0, 0.01, 0.99, 1.0], 0.05);
        assert!((at[0] - 0.025).abs() < 1e-12 && (at[1] - 0.075).abs() < 1e-12, "{at:?}");
        assert!((at[3] - 0.975).abs() < 1e-12 && (at[2] - 0.925).abs() < 1e-12, "{at:?}");
    }

    #[test]
    fn no_two_markers_overlap_and_their_order_is_kept() {
        // A chain of groups that each reach the next once spread: they merge into one.
        let positions: Vec<f64> = (0..40).map(|i| (i as f64 * 0.37).fract() * 0.3 + (i / 10) as f64 * 0.2).collect();
        let mut sorted = positions;
        crate::order::sort_by_f64(&mut sorted, |p| *p);
        for width in [0.02, 0.05, 0.09] {
            // As many as fit side by side.
            let fit = ((1.0 / width) as usize).min(sorted.len());
            let at = drawn(&sorted[..fit], width);
            assert!(at.iter().all(|&a| a >= width / 2.0 - 1e-9 && a <= 1.0 - width / 2.0 + 1e-9), "width {width}: {at:?}");
            for pair in at.windows(2) {
                assert!(pair[1] - pair[0] >= width - 1e-9, "width {width}: {pair:?}");
            }
        }
    }
}
