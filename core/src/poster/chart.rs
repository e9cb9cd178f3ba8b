//! One chart of a pattern's [`crate::engine::SeriesSpec`] on a poster: the widget's chart
//! (`src/web/chart.rs`) drawn with the same box and scale maths ([`crate::chart_scale`]).

use std::fmt::Write;

use super::svg::{escape, num, text};
use crate::chart_scale::{format_axis, format_time_axis, nice_max, ticks, x_of, y_of, BOTTOM, H, LEFT, RIGHT, TOP, W};

/// What one chart shows.
pub struct ChartData<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    /// (time in ms, value) up to the cursor.
    pub points: Vec<(f64, f64)>,
    /// A series drawn dashed for comparison, and its name.
    pub ghost: Option<(&'a str, Vec<(f64, f64)>)>,
    pub x_max_ms: f64,
    pub now_ms: f64,
}

/// The heading line above the plot.
const HEAD: f64 = 38.0;
/// The legend line under a plot with a ghost.
const LEGEND: f64 = 18.0;

/// A chart's height when drawn `width` px wide.
pub fn height(data: &ChartData, width: f64) -> f64 {
    HEAD + width * H / W + if data.ghost.is_some() { LEGEND } else { 0.0 }
}

/// The line through `points`, leaving out each point between two at its height (a flat run is
/// one segment), so a poster stays small without changing the picture.
fn path(points: &[(f64, f64)], x_max: f64, y_max: f64) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let flat = i > 0 && i + 1 < points.len() && points[i - 1].1 == *y && points[i + 1].1 == *y;
        if !flat {
            let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, x_of(*x, x_max), y_of(*y, y_max));
        }
    }
    d
}

/// Draws the chart with its top-left corner at (x, y), `width` px wide.
pub fn draw(out: &mut String, x: f64, y: f64, width: f64, data: &ChartData) {
    let ghost_max = data.ghost.as_ref().map_or(0.0, |(_, g)| g.iter().map(|p| p.1).fold(0.0, f64::max));
    let y_max = nice_max(data.points.iter().map(|p| p.1).fold(ghost_max, f64::max));
    let x_max = data.x_max_ms.max(1e-9);
    let last = data.points.last().map(|p| p.1);
    let title = if data.unit.is_empty() { data.name.to_string() } else { format!("{} ({})", data.name, data.unit) };
    let now = last.map(|v| format!("now {} {}", format_axis(v), data.unit).trim_end().to_string());
    let _ = write!(
        out,
        "<g class=\"flp-chart\" data-series=\"{}\"{}>",
        escape(data.name),
        last.map(|v| format!(" data-now=\"{v}\"")).unwrap_or_default()
    );
    // The title on its line (cut short if it would not fit), the current value under it.
    let room = ((width / (13.0 * 0.6)).floor() as usize).max(4);
    let shown: String = if title.chars().count() > room { title.chars().take(room - 1).chain(['…']).collect() } else { title.clone() };
    text(out, x, y + 14.0, "flp-chart-title", "", &shown);
    if let Some(now) = &now {
        text(out, x, y + 31.0, "flp-chart-now", "", now);
    }
    let plot_h = width * H / W;
    let _ = write!(
        out,
        "<svg x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{} over time{}\">",
        num(x),
        num(y + HEAD),
        num(width),
        num(plot_h),
        escape(data.name),
        escape(&now.clone().map(|n| format!(", {n}")).unwrap_or_default())
    );
    for v in ticks(y_max) {
        let ty = y_of(v, y_max);
        let _ = write!(out, "<line class=\"flp-grid\" x1=\"{LEFT}\" y1=\"{ty:.1}\" x2=\"{}\" y2=\"{ty:.1}\"/>", W - RIGHT);
        text(out, LEFT - 3.0, ty, "flp-tick", " dy=\"0.35em\" text-anchor=\"end\"", &format_axis(v));
    }
    for (i, v) in ticks(x_max).into_iter().enumerate() {
        let anchor = ["start", "middle", "end"][i];
        text(out, x_of(v, x_max), H - 4.0, "flp-tick", &format!(" text-anchor=\"{anchor}\""), &format_time_axis(v, x_max));
    }
    let _ = write!(
        out,
        "<line class=\"flp-axis\" x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\"/><line class=\"flp-axis\" x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/>",
        b = H - BOTTOM,
        r = W - RIGHT
    );
    if let Some((_, ghost)) = &data.ghost {
        let _ = write!(out, "<path class=\"flp-line flp-ghost\" d=\"{}\"/>", path(ghost, x_max, y_max));
    }
    let _ = write!(out, "<path class=\"flp-line\" d=\"{}\"/>", path(&data.points, x_max, y_max));
    let cursor = x_of(data.now_ms, x_max);
    let _ = write!(out, "<line class=\"flp-cursor\" x1=\"{cursor:.1}\" y1=\"{TOP}\" x2=\"{cursor:.1}\" y2=\"{}\"/>", H - BOTTOM);
    if let Some(v) = last {
        let _ = write!(out, "<circle class=\"flp-dot\" cx=\"{cursor:.1}\" cy=\"{:.1}\" r=\"2.5\"/>", y_of(v, y_max));
    }
    out.push_str("</svg>");
    if let Some((label, ghost)) = &data.ghost {
        let ly = y + HEAD + plot_h + 14.0;
        // Each line by its own name: a second line may be this run's too (a saga's running
        // beside its failed), not only a run without the pattern.
        let this = format!("━ {}{}", data.name, last.map(|v| format!(": {}", format_axis(v))).unwrap_or_default());
        let other = format!("┅ {label}{}", ghost.last().map(|p| format!(": {}", format_axis(p.1))).unwrap_or_default());
        text(out, x, ly, "flp-small", "", &format!("{this}   {other}"));
    }
    out.push_str("</g>");
}
