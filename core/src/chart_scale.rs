//! The scale maths of the small-multiple charts, shared by the widget's SVG charts
//! (`src/web/chart.rs`) and the core's posters, so a poster's axes are the widget's.

/// The chart's own coordinate box. Small, so the 11-unit tick text stays legible when the chart
/// is drawn small: about 9 px at the narrowest column, 14 px on a phone's single column.
pub const W: f64 = 240.0;
pub const H: f64 = 120.0;
/// Margins inside the box: the y tick labels on the left, the time ticks at the bottom.
pub const LEFT: f64 = 34.0;
pub const BOTTOM: f64 = 18.0;
pub const TOP: f64 = 8.0;
pub const RIGHT: f64 = 6.0;

/// The box of a chart shown alone (an embed that asked for one chart): as tall, twice as wide,
/// so it fills a column without its tick text growing twice as large.
pub const W_WIDE: f64 = 2.0 * W;

/// The x position of time `x` on an axis that ends at `x_max` (clamped to the plot).
pub fn x_of(x: f64, x_max: f64) -> f64 {
    x_in(x, x_max, W)
}

/// [`x_of`] in a box `width` wide.
pub fn x_in(x: f64, x_max: f64, width: f64) -> f64 {
    LEFT + (x / x_max).clamp(0.0, 1.0) * (width - LEFT - RIGHT)
}

/// The y position of value `y` on an axis that ends at `y_max`.
pub fn y_of(y: f64, y_max: f64) -> f64 {
    TOP + (1.0 - y / y_max) * (H - TOP - BOTTOM)
}

/// The top of a y axis: the smallest of 1, 2, 2.5, 5 or 10 × a power of ten that holds `v`
/// (1 for nothing to show), so the three ticks (0, half, top) are round numbers.
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let magnitude = libm::pow(10.0, libm::floor(libm::log10(v)));
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= step * magnitude {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// A y tick or a current value: `12k`, `250`, `2.5`.
pub fn format_axis(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A chart's current value (its "now" figure, its legend): whole numbers as they are, others
/// to three significant figures, so the figure beside a chart is the notes' (1.18×, not 1.2×).
pub fn format_value(v: f64) -> String {
    if v.abs() >= 1000.0 {
        let k = v / 1000.0;
        match k.abs() {
            a if a >= 100.0 => format!("{k:.0}k"),
            a if a >= 10.0 => format!("{k:.1}k"),
            _ => format!("{k:.2}k"),
        }
    } else if v.fract() == 0.0 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// A time tick on an axis that ends at `x_max` ms: seconds from 2 s on, else milliseconds.
pub fn format_time_axis(ms: f64, x_max: f64) -> String {
    if x_max >= 2_000.0 {
        let s = ms / 1000.0;
        if s.fract().abs() < 1e-9 {
            format!("{s:.0} s")
        } else {
            format!("{s:.1} s")
        }
    } else {
        format!("{ms:.0} ms")
    }
}

/// The three ticks of an axis that ends at `max`: 0, half, all.
pub fn ticks(max: f64) -> [f64; 3] {
    [0.0, max / 2.0, max]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_of_an_axis_is_the_next_round_number() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(f64::NAN), 1.0);
        assert_eq!(nice_max(1.0), 1.0);
        assert_eq!(nice_max(1.2), 2.0);
        assert_eq!(nice_max(2.2), 2.5);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(100.0), 100.0);
        assert_eq!(nice_max(101.0), 200.0);
        assert_eq!(nice_max(0.03), 0.05);
    }

    #[test]
    fn a_current_value_keeps_three_significant_figures() {
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(11.0), "11");
        assert_eq!(format_value(1.18), "1.18");
        assert_eq!(format_value(0.118), "0.118");
        assert_eq!(format_value(42.25), "42.2");
        assert_eq!(format_value(168.4), "168");
        assert_eq!(format_value(12_400.0), "12.4k");
        assert_eq!(format_value(1_180.0), "1.18k");
    }

    #[test]
    fn values_and_times_are_written_short() {
        assert_eq!(format_axis(0.0), "0");
        assert_eq!(format_axis(2.5), "2.5");
        assert_eq!(format_axis(250.0), "250");
        assert_eq!(format_axis(12_400.0), "12k");
        assert_eq!(format_time_axis(0.0, 30_000.0), "0 s");
        assert_eq!(format_time_axis(15_000.0, 30_000.0), "15 s");
        assert_eq!(format_time_axis(2_500.0, 5_000.0), "2.5 s");
        assert_eq!(format_time_axis(500.0, 1_000.0), "500 ms");
    }

    #[test]
    fn the_plot_spans_the_box_inside_its_margins() {
        assert_eq!(x_of(0.0, 10.0), LEFT);
        assert_eq!(x_of(10.0, 10.0), W - RIGHT);
        assert_eq!(x_of(20.0, 10.0), W - RIGHT);
        assert_eq!(y_of(0.0, 5.0), H - BOTTOM);
        assert_eq!(y_of(5.0, 5.0), TOP);
    }
}
