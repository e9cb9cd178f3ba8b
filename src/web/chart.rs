//! Small-multiple line charts in SVG: axis labels, units, a cursor, no library.

use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct LineChartProps {
    pub title: AttrValue,
    pub unit: AttrValue,
    /// (time in ms, value) points.
    pub points: Vec<(f64, f64)>,
    /// An optional second series drawn dashed (e.g. "without the breaker").
    #[prop_or_default]
    pub ghost: Option<Vec<(f64, f64)>>,
    #[prop_or_default]
    pub ghost_label: AttrValue,
    pub x_max_ms: f64,
}

const W: f64 = 280.0;
const H: f64 = 110.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 8.0;

fn path(points: &[(f64, f64)], x_max: f64, y_max: f64) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        let px = LEFT + (x / x_max) * (W - LEFT - 4.0);
        let py = TOP + (1.0 - y / y_max) * (H - TOP - BOTTOM);
        d.push_str(&format!("{}{px:.1},{py:.1}", if i == 0 { "M" } else { " L" }));
    }
    d
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powi(v.log10().floor() as i32);
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if v <= step * magnitude {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn format_axis(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[function_component]
pub fn LineChart(props: &LineChartProps) -> Html {
    let ghost_max = props.ghost.as_ref().map_or(0.0, |g| g.iter().map(|p| p.1).fold(0.0, f64::max));
    let y_max = nice_max(props.points.iter().map(|p| p.1).fold(ghost_max, f64::max));
    let x_max = props.x_max_ms.max(1e-9);
    let last = props.points.last().map(|p| p.1);
    let x_label = if x_max >= 2_000.0 { format!("{:.0} s", x_max / 1000.0) } else { format!("{x_max:.0} ms") };
    html! {
        <figure class="fl-chart">
            <figcaption>
                { &props.title }
                if let Some(v) = last { <span class="fl-chart-now">{ format!(" {} {}", format_axis(v), props.unit) }</span> }
            </figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={format!("{} over time, now {}", props.title, last.map(format_axis).unwrap_or_default())}>
                <line class="fl-axis" x1={LEFT.to_string()} y1={TOP.to_string()} x2={LEFT.to_string()} y2={(H - BOTTOM).to_string()} />
                <line class="fl-axis" x1={LEFT.to_string()} y1={(H - BOTTOM).to_string()} x2={(W - 4.0).to_string()} y2={(H - BOTTOM).to_string()} />
                <text class="fl-tick" x={(LEFT - 4.0).to_string()} y={(TOP + 8.0).to_string()} text-anchor="end">{ format_axis(y_max) }</text>
                <text class="fl-tick" x={(LEFT - 4.0).to_string()} y={(H - BOTTOM).to_string()} text-anchor="end">{ "0" }</text>
                <text class="fl-tick" x={(LEFT - 4.0).to_string()} y={(H / 2.0).to_string()} text-anchor="end">{ props.unit.to_string() }</text>
                <text class="fl-tick" x={LEFT.to_string()} y={(H - 4.0).to_string()}>{ "0" }</text>
                <text class="fl-tick" x={(W - 4.0).to_string()} y={(H - 4.0).to_string()} text-anchor="end">{ x_label }</text>
                if let Some(ghost) = &props.ghost {
                    <path class="fl-line fl-ghost" d={path(ghost, x_max, y_max)} />
                }
                <path class="fl-line" d={path(&props.points, x_max, y_max)} />
            </svg>
            if props.ghost.is_some() {
                <div class="fl-legend"><span class="fl-key-solid">{"━ this run"}</span>{" "}<span class="fl-key-dashed">{ format!("┅ {}", props.ghost_label) }</span></div>
            }
        </figure>
    }
}
