//! Small-multiple line charts in SVG: axis labels, units, a cursor, no library.

use crate::web::html::prelude::*;

#[derive(PartialEq, Clone, Default)]
pub struct LineChartProps {
    pub title: AttrValue,
    pub unit: AttrValue,
    /// (time in ms, value) points.
    pub points: Vec<(f64, f64)>,
    /// An optional second series drawn dashed (e.g. "without the breaker").
    pub ghost: Option<Vec<(f64, f64)>>,
    pub ghost_label: AttrValue,
    pub x_max_ms: f64,
    /// The player's cursor: a vertical line marks it, and the value there is printed.
    pub now_ms: f64,
    /// Drawn alone (an embed's one chart): a box twice as wide, to fill its row.
    pub wide: bool,
}

// The box, margins and scale maths are the core's (`faultline_core::chart_scale`), shared with
// the posters, so a poster's axes are the widget's.
use faultline_core::chart_scale::{format_axis, format_time_axis, format_value, nice_max, ticks, x_in, y_of, BOTTOM, H, LEFT, RIGHT, TOP, W, W_WIDE};

fn path(points: &[(f64, f64)], x_max: f64, y_max: f64, width: f64) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let (px, py) = (x_in(*x, x_max, width), y_of(*y, y_max));
        d.push_str(&format!("{}{px:.1},{py:.1}", if i == 0 { "M" } else { " L" }));
    }
    d
}

#[function_component]
pub fn LineChart(props: &LineChartProps) -> Html {
    let ghost_max = props.ghost.as_ref().map_or(0.0, |g| g.iter().map(|p| p.1).fold(0.0, f64::max));
    let y_max = nice_max(props.points.iter().map(|p| p.1).fold(ghost_max, f64::max));
    let x_max = props.x_max_ms.max(1e-9);
    let last = props.points.last().map(|p| p.1);
    let ghost_last = props.ghost.as_ref().and_then(|g| g.last().map(|p| p.1));
    // Three ticks on each axis (0, half, all), with faint grid lines at the y ticks. A series
    // that has been 0 all along has no scale to show: its 0 alone, and "nothing yet" in the plot
    // (a 0 / 0.5 / 1.0 scale read as if it meant something).
    let nothing_yet = props.points.iter().chain(props.ghost.iter().flatten()).all(|p| p.1 == 0.0);
    let y_ticks = if nothing_yet { vec![0.0] } else { ticks(y_max).to_vec() };
    let x_ticks = ticks(x_max);
    let width = if props.wide { W_WIDE } else { W };
    let x_of = |x: f64| x_in(x, x_max, width);
    let cursor = x_of(props.now_ms);
    html! {
        <figure class="fl-chart">
            <figcaption>
                { if props.unit.is_empty() { props.title.to_string() } else { format!("{} ({})", props.title, props.unit) } }
                if let Some(v) = last { <span class="fl-chart-now">{ format!(" now {} {}", format_value(v), props.unit) }</span> }
            </figcaption>
            <svg viewBox={format!("0 0 {width} {H}")} role="img"
                aria-label={format!("{} over time, now {} {}", props.title, last.map(format_value).unwrap_or_default(), props.unit)}>
                { for y_ticks.iter().map(|&v| {
                    let y = format!("{:.1}", y_of(v, y_max));
                    html! { <>
                        <line class="fl-grid" x1={LEFT.to_string()} y1={y.clone()} x2={(width - RIGHT).to_string()} y2={y.clone()} />
                        <text class="fl-tick" x={(LEFT - 3.0).to_string()} y={y} dy="0.35em" text-anchor="end">{ format_axis(v) }</text>
                    </> }
                }) }
                { for x_ticks.iter().enumerate().map(|(i, &v)| {
                    let anchor = ["start", "middle", "end"][i];
                    html! { <text class="fl-tick" x={format!("{:.1}", x_of(v))} y={(H - 4.0).to_string()} text-anchor={anchor}>{ format_time_axis(v, x_max) }</text> }
                }) }
                <line class="fl-axis" x1={LEFT.to_string()} y1={TOP.to_string()} x2={LEFT.to_string()} y2={(H - BOTTOM).to_string()} />
                <line class="fl-axis" x1={LEFT.to_string()} y1={(H - BOTTOM).to_string()} x2={(width - RIGHT).to_string()} y2={(H - BOTTOM).to_string()} />
                if let Some(ghost) = &props.ghost {
                    <path class="fl-line fl-ghost" d={path(ghost, x_max, y_max, width)} />
                }
                <path class="fl-line" d={path(&props.points, x_max, y_max, width)} />
                if nothing_yet {
                    <text class="fl-chart-empty" x={format!("{:.1}", (LEFT + width - RIGHT) / 2.0)} y={format!("{:.1}", (TOP + H - BOTTOM) / 2.0)} text-anchor="middle">{"nothing yet"}</text>
                }
                <line class="fl-chart-cursor" x1={format!("{cursor:.1}")} y1={TOP.to_string()} x2={format!("{cursor:.1}")} y2={(H - BOTTOM).to_string()} />
                if let Some(v) = last { <circle class="fl-chart-dot" cx={format!("{cursor:.1}")} cy={format!("{:.1}", y_of(v, y_max))} r="2.5" /> }
            </svg>
            if props.ghost.is_some() {
                <div class="fl-legend">
                    <span class="fl-key-solid">{ format!("━ {}{}", props.title, last.map(|v| format!(": {}", format_value(v))).unwrap_or_default()) }</span>{" "}
                    <span class="fl-key-dashed">{ format!("┅ {}{}", props.ghost_label, ghost_last.map(|v| format!(": {}", format_value(v))).unwrap_or_default()) }</span>
                </div>
            }
        </figure>
    }
}
