//! Where a diagram draws its short labels so that none prints over another: two sagas sending
//! the same command at nearly the same instant drew "1:read T1" on "2:read T1". Each label
//! keeps its wanted place when it is free; otherwise it moves, a line at a time, down and up
//! alternately, to the nearest place that is free, within `max_steps` lines.

/// A label's box in diagram units: its centre `x`, baseline `y` and width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

/// The `y` each label is drawn at, in order: earlier labels are placed first and keep their
/// place. `line` is a label's height (also the step it moves by).
pub fn place(labels: &[Label], line: f64, max_steps: usize) -> Vec<f64> {
    let mut placed: Vec<Label> = Vec::with_capacity(labels.len());
    for label in labels {
        let clear = |y: f64| placed.iter().all(|p| (p.x - label.x).abs() * 2.0 >= p.width + label.width || (p.y - y).abs() >= line);
        let y = (0..=max_steps).flat_map(|k| [k as f64, -(k as f64)]).map(|k| label.y + k * line).find(|&y| clear(y)).unwrap_or(label.y);
        placed.push(Label { y, ..*label });
    }
    placed.into_iter().map(|l| l.y).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64) -> Label {
        Label { x, y, width: 40.0 }
    }

    #[test]
    fn a_label_alone_keeps_its_place() {
        assert_eq!(place(&[at(10.0, 50.0), at(100.0, 50.0)], 10.0, 3), vec![50.0, 50.0]);
    }

    #[test]
    fn labels_on_one_spot_stack_a_line_apart_nearest_first() {
        let ys = place(&[at(50.0, 50.0), at(52.0, 51.0), at(48.0, 50.0)], 10.0, 3);
        assert_eq!(ys, vec![50.0, 61.0, 40.0]);
        for (i, a) in ys.iter().enumerate() {
            for b in &ys[i + 1..] {
                assert!((a - b).abs() >= 10.0, "{ys:?}");
            }
        }
    }

    #[test]
    fn with_no_free_line_nearby_a_label_stays_where_it_was_wanted() {
        let crowd: Vec<Label> = (0..6).map(|_| at(0.0, 0.0)).collect();
        let ys = place(&crowd, 10.0, 1);
        assert_eq!(ys, vec![0.0, 10.0, -10.0, 0.0, 0.0, 0.0]);
    }
}
