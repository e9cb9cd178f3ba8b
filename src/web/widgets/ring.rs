//! The consistent-hash ring widget: nodes' tokens on the hash circle, keys as dots at their hash,
//! what moves when you add or remove a node, and every algorithm side by side. All placement
//! logic lives in `faultline_core::patterns::ring`.

use std::f64::consts::PI;

use crate::web::html::prelude::*;
use faultline_core::patterns::ring::comparison::{CompareRow, FullBalance, RingDerived};
use faultline_core::patterns::ring::key::{hash_fraction, hex64};
use faultline_core::patterns::ring::maglev::MAGLEV_TABLE_SIZES;
use faultline_core::patterns::ring::node::NodeId;
use faultline_core::patterns::ring::params::{Algorithm, RingParams};
use faultline_core::patterns::ring::sim::{LivePlacement, RingCommand, RingSim, DRAWN_KEYS, SIM_KEY_CAP};
use faultline_core::patterns::ring::workload::{Workload, WorkloadKind};
use faultline_core::patterns::ring::Placement;

use super::controls::{button, param_edit, select, slider};
use crate::web::widget::WidgetView;
use faultline_core::session::{Edit, Session};

type Act = Callback<Edit<RingSim>>;

const CX: f64 = 200.0;
const CY: f64 = 200.0;
/// Radius of the token band.
const R: f64 = 160.0;
/// Arcs drawn exactly up to this many tokens; beyond, the band is drawn in [`BINS`] steps.
const EXACT_ARCS: usize = 1_440;
const BINS: usize = 720;
/// Token markers are drawn up to this many tokens.
const MARKED_TOKENS: usize = 400;

const SHAPES: [&str; 6] = ["circle", "square", "triangle", "diamond", "down-triangle", "plus"];

/// Okabe–Ito colour index and shape index of a node: 8 colours × 6 shapes = 24 distinct marks.
fn colour_class(id: NodeId) -> String {
    format!("fl-ring-c{}", id.0 % 8)
}

fn shape_name(id: NodeId) -> &'static str {
    SHAPES[id.0 as usize % SHAPES.len()]
}

/// An SVG path for node `id`'s shape centred at (x, y) with half-size `s`.
fn shape_path(id: NodeId, x: f64, y: f64, s: f64) -> String {
    match id.0 as usize % SHAPES.len() {
        0 => format!("M{:.1},{:.1} a{s:.1},{s:.1} 0 1,0 {:.1},0 a{s:.1},{s:.1} 0 1,0 {:.1},0 z", x - s, y, 2.0 * s, -2.0 * s),
        1 => format!("M{:.1},{:.1} h{:.1} v{:.1} h{:.1} z", x - s, y - s, 2.0 * s, 2.0 * s, -2.0 * s),
        2 => format!("M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} z", y - s * 1.15, x + s * 1.1, y + s * 0.85, x - s * 1.1, y + s * 0.85),
        3 => format!("M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} z", y - s * 1.25, x + s * 1.25, y + s * 1.25, x - s * 1.25),
        4 => format!("M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} z", y + s * 1.15, x + s * 1.1, y - s * 0.85, x - s * 1.1, y - s * 0.85),
        _ => {
            let t = s * 0.4;
            format!(
                "M{:.1},{:.1} h{:.1} v{:.1} h{:.1} v{:.1} h{:.1} v{:.1} h{:.1} v{:.1} h{:.1} v{:.1} h{:.1} z",
                x - t,
                y - s,
                2.0 * t,
                s - t,
                s - t,
                2.0 * t,
                -(s - t),
                s - t,
                -2.0 * t,
                -(s - t),
                -(s - t),
                -2.0 * t,
                s - t
            )
        }
    }
}

/// A node's mark as a small standalone SVG (legend and table).
fn node_mark(id: NodeId) -> Html {
    html! {
        <svg class="fl-ring-swatch" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path class={classes!("fl-ring-mark", colour_class(id))} d={shape_path(id, 8.0, 8.0, 5.5)} />
        </svg>
    }
}

/// Position on the circle of a fraction of the hash space (0 at the top, clockwise).
fn point(fraction: f64, radius: f64) -> (f64, f64) {
    let angle = fraction * 2.0 * PI - PI / 2.0;
    (CX + radius * angle.cos(), CY + radius * angle.sin())
}

/// An arc of the band from fraction `a` to `b` clockwise (b may wrap below a).
fn arc_path(a: f64, b: f64) -> String {
    let mut span = b - a;
    if span <= 0.0 {
        span += 1.0;
    }
    let (x1, y1) = point(a, R);
    let (x2, y2) = point(a + span, R);
    let large = if span > 0.5 { 1 } else { 0 };
    format!("M{x1:.2},{y1:.2} A{R},{R} 0 {large},1 {x2:.2},{y2:.2}")
}

/// The coloured band: exact arcs for a vnode ring, slices for Maglev, nothing for the others.
fn band(sim: &RingSim) -> (Html, String) {
    match sim.placement() {
        LivePlacement::Ring(ring) => {
            let tokens = ring.tokens();
            let owners = ring.token_owners();
            let n = tokens.len();
            if n == 1 {
                let id = owners[0];
                return (
                    html! { <circle class={classes!("fl-ring-arc", colour_class(id))} cx={CX.to_string()} cy={CY.to_string()} r={R.to_string()} /> },
                    "One token: its node owns the whole circle.".into(),
                );
            }
            let arcs: Vec<(f64, f64, NodeId)> = if n <= EXACT_ARCS {
                ring.token_arcs().into_iter().map(|(from, to, id)| (hash_fraction(from), hash_fraction(to), id)).collect()
            } else {
                let bins = ring.bin_owners(BINS);
                bins.into_iter().enumerate().map(|(b, id)| (b as f64 / BINS as f64, (b + 1) as f64 / BINS as f64, id)).collect()
            };
            let marks = if n <= MARKED_TOKENS {
                let small = n > 120;
                html! {
                    <g class="fl-ring-tokens">
                        { for tokens.iter().zip(owners).map(|(&t, &id)| {
                            let (x, y) = point(hash_fraction(t), R);
                            let label = ring.nodes().name(id);
                            html! {
                                <path class={classes!("fl-ring-mark", "fl-ring-token", colour_class(id))} d={shape_path(id, x, y, if small { 3.0 } else { 4.5 })}>
                                    <title>{ format!("token of {label} at {}", hex64(t)) }</title>
                                </path>
                            }
                        }) }
                    </g>
                }
            } else {
                Html::default()
            };
            let caption = if n <= EXACT_ARCS {
                format!("{n} tokens; each arc belongs to the token at its clockwise end.")
            } else {
                format!("{n} tokens: the band is drawn in {BINS} steps of {:.2}°, tokens not marked.", 360.0 / BINS as f64)
            };
            (
                html! {
                    <>
                        <g class="fl-ring-band">
                            { for arcs.iter().map(|(a, b, id)| html! { <path class={classes!("fl-ring-arc", colour_class(*id))} d={arc_path(*a, *b)} /> }) }
                        </g>
                        { marks }
                    </>
                },
                caption,
            )
        }
        LivePlacement::Maglev(m) => {
            let size = m.table().len();
            let owners = m.slice_owners(BINS);
            let slices = owners.len();
            html_band_slices(
                owners.into_iter().enumerate().map(|(s, id)| (s as f64 / slices as f64, (s + 1) as f64 / slices as f64, id)).collect(),
                format!(
                    "Maglev lookup table of {size} slots around the circle (slot = key hash mod {size}); one slice in {} shown. Keys sit at their slot.",
                    size.div_ceil(slices)
                ),
            )
        }
        LivePlacement::Jump(_) => (
            html! { <circle class="fl-ring-plain" cx={CX.to_string()} cy={CY.to_string()} r={R.to_string()} /> },
            "Jump hash has no positions on the circle: a key's bucket comes from a pseudo-random jump sequence seeded by its hash. Dots sit at their hash, shaped and coloured by bucket.".into(),
        ),
        LivePlacement::Rendezvous(_) => (
            html! { <circle class="fl-ring-plain" cx={CX.to_string()} cy={CY.to_string()} r={R.to_string()} /> },
            "Rendezvous has no positions on the circle: each key scores every node and the highest wins. Dots sit at their hash, shaped and coloured by owner.".into(),
        ),
    }
}

fn html_band_slices(slices: Vec<(f64, f64, NodeId)>, caption: String) -> (Html, String) {
    (
        html! {
            <g class="fl-ring-band">
                { for slices.iter().map(|(a, b, id)| html! { <path class={classes!("fl-ring-arc", colour_class(*id))} d={arc_path(*a, *b)} /> }) }
            </g>
        },
        caption,
    )
}

/// `65537` as `65 537`, as the other counts are written.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Moves focus between key dots, keeping one of them the group's single tab stop (a roving
/// tab index), so 400 keys are one Tab, not 400.
fn rove_keys(e: KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Some(key) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Some(group) = key.parent_element() else { return };
    let next = match e.key().as_str() {
        "ArrowRight" | "ArrowDown" => key.next_element_sibling(),
        "ArrowLeft" | "ArrowUp" => key.previous_element_sibling(),
        "Home" => group.first_element_child(),
        "End" => group.last_element_child(),
        _ => return,
    };
    // The widget's own arrow keys (step) must not also act while a key dot has focus.
    e.prevent_default();
    e.stop_propagation();
    if let Some(next) = next.and_then(|n| n.dyn_into::<web_sys::SvgElement>().ok()) {
        let _ = key.set_attribute("tabindex", "-1");
        let _ = next.set_attribute("tabindex", "0");
        let _ = next.focus();
    }
}

/// Where a moved key comes from: on a vnode ring, its old owner's token that served it (the
/// first of that node's tokens clockwise from the key, when the node is still there); else
/// the band at the key's own angle. The key travels from there to its place in its new
/// owner's colour; the trail stays, so reduced motion shows the same move as a discrete step.
fn travel_start(sim: &RingSim, hash: u64, key_fraction: f64, previous: NodeId) -> (f64, f64) {
    if let LivePlacement::Ring(ring) = sim.placement() {
        let (tokens, owners) = (ring.tokens(), ring.token_owners());
        let from = tokens.partition_point(|&t| t < hash);
        let n = tokens.len();
        if let Some(i) = (0..n).map(|k| (from + k) % n).find(|&i| owners[i] == previous) {
            return point(hash_fraction(tokens[i]), R);
        }
    }
    point(key_fraction, R)
}

fn key_dots(sim: &RingSim) -> Html {
    let nodes = sim.nodes();
    let drawn = sim.key_hashes().len().min(DRAWN_KEYS);
    html! {
        // One tab stop for all the keys; arrow keys (and Home / End) move between them.
        <g class="fl-ring-keys" role="group" aria-label="Keys: arrow keys move from one to the next" onkeydown={Callback::from(rove_keys)}>
            { for (0..drawn).map(|i| {
                let hash = sim.key_hashes()[i];
                let owner = sim.owners()[i];
                let moved = sim.moved(i);
                let radius = R - 16.0 - (i % 5) as f64 * 6.0;
                let fraction = sim.placement().key_position(hash);
                let (x, y) = point(fraction, radius);
                let start = moved.then(|| sim.previous_owner(i)).flatten().map(|p| travel_start(sim, hash, fraction, p));
                let replicas: Vec<String> = sim.replicas(i).into_iter().map(|id| nodes.name(id)).collect();
                let from = if moved { sim.previous_owner(i).map(|p| format!(" · moved from {}", nodes.name(p))).unwrap_or_default() } else { String::new() };
                let label = format!(
                    "{} · hash {} · owner {} · replicas {}{from}",
                    sim.key_label(i), hex64(hash), nodes.name(owner), replicas.join(", ")
                );
                html! {
                    <g class={classes!("fl-ring-key", moved.then_some("fl-ring-moved"))} tabindex={if i == 0 { "0" } else { "-1" }} role="img" aria-label={label.clone()}>
                        <title>{ label }</title>
                        if let Some((sx, sy)) = start {
                            <line class="fl-ring-trail" x1={format!("{sx:.1}")} y1={format!("{sy:.1}")} x2={format!("{x:.1}")} y2={format!("{y:.1}")} />
                        }
                        if moved { <circle class="fl-ring-halo" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="6" /> }
                        if let Some((sx, sy)) = start {
                            <g class="fl-ring-travel" style={format!("--dx: {:.1}px; --dy: {:.1}px", sx - x, sy - y)}>
                                <path class={classes!("fl-ring-mark", colour_class(owner))} d={shape_path(owner, x, y, 3.4)} />
                            </g>
                        } else {
                            <path class={classes!("fl-ring-mark", colour_class(owner))} d={shape_path(owner, x, y, if moved { 3.4 } else { 2.6 })} />
                        }
                    </g>
                }
            }) }
        </g>
    }
}

fn moved_figure(sim: &RingSim) -> Html {
    match sim.last_movement() {
        Some(m) => html! {
            <p class="fl-moved" aria-live="polite" data-moved={m.fraction_moved.to_string()} data-ideal={m.ideal_fraction.to_string()}>
                <strong>{ format!("moved {} ({} ideal)", pct(m.fraction_moved), pct(m.ideal_fraction)) }</strong>
                { format!(" · {} of {} keys", m.moved, m.keys) }
                { m.modulo_fraction.map(|f| html! { <span class="fl-ring-modulo">{ format!(" · hash mod N would move {}", pct(f)) }</span> }).unwrap_or_default() }
            </p>
        },
        None => html! { <p class="fl-moved fl-moved-none">{ "No change yet: add or remove a node to see which keys move." }</p> },
    }
}

/// "Add node" (and the algorithm's rule for removing one), over the ring: the first thing a
/// lesson asks for sits on the first screen, not under the player with the node table.
fn node_actions(sim: &RingSim, act: &Act) -> Html {
    let add = {
        let act = act.clone();
        button("Add node", "fl-ring-add", Callback::from(move |_| act.emit(Edit::Command(RingCommand::AddNode { weight: None }))))
    };
    html! {
        <div class="fl-ring-node-actions">{ add }
            if let Some(rule) = sim.params().algorithm.removal_rule() { <span class="fl-ring-hint">{ rule }</span> }
        </div>
    }
}

fn node_table(sim: &RingSim, act: &Act) -> Html {
    let nodes = sim.nodes();
    let algorithm = sim.params().algorithm;
    let weight_unit = algorithm.weight_unit();
    let weighted = weight_unit.is_some();
    let zipf = !sim.key_requests().is_empty();
    let bounded = algorithm == Algorithm::BoundedLoad;
    let mean = sim.key_balance().mean;
    html! {
        <div class="fl-ring-nodes">
            <table class="fl-ring-table">
                <caption class="fl-sr-only">{ "Nodes: mark, keys, weight and actions" }</caption>
                <thead><tr>
                    <th scope="col">{ "node" }</th>
                    <th scope="col">{ "keys" }</th>
                    <th scope="col">{ "÷ mean" }</th>
                    if zipf { <th scope="col">{ "requests" }</th> }
                    if bounded { <th scope="col">{ "capacity" }</th> }
                    if let Some(unit) = weight_unit { <th scope="col">{ unit }</th> }
                    <th scope="col"><span class="fl-sr-only">{ "actions" }</span></th>
                </tr></thead>
                <tbody>
                    { for nodes.iter().map(|(id, info)| {
                        let keys = sim.keys_on(id);
                        let ratio = if mean > 0.0 { keys as f64 / mean } else { 0.0 };
                        // The core says why a removal would be refused; the disabled button shows it.
                        let refusal = sim.can_remove(id).err().map(|e| e.message);
                        let remove = {
                            let act = act.clone();
                            let onclick = Callback::from(move |_: MouseEvent| act.emit(Edit::Command(RingCommand::RemoveNode { node: id.0 })));
                            html! { <button type="button" class="fl-ring-remove" disabled={refusal.is_some()} title={refusal.clone()} {onclick}
                                aria-label={format!("Remove {}", info.name)}>{ "Remove" }</button> }
                        };
                        let weight_buttons = if weighted {
                            let w = info.weight;
                            let half = (w / 2).max(1);
                            let double = w.saturating_mul(2);
                            let set = |to: u32, text: &'static str, label: String| {
                                let act = act.clone();
                                let onclick = Callback::from(move |_: MouseEvent| act.emit(Edit::Command(RingCommand::SetWeight { node: id.0, weight: to })));
                                html! { <button type="button" class="fl-ring-weight" disabled={to == w} aria-label={label} {onclick}>{ text }</button> }
                            };
                            html! { <>{ set(half, "½", format!("Halve {}'s weight", info.name)) }{ set(double, "2×", format!("Double {}'s weight", info.name)) }</> }
                        } else {
                            Html::default()
                        };
                        html! {
                            <tr class={classes!((ratio > 1.25).then_some("fl-ring-hot"))}>
                                <th scope="row">{ node_mark(id) }{ format!(" {} ", info.name) }<small class="fl-ring-shape">{ format!("({})", shape_name(id)) }</small></th>
                                <td>{ keys }</td>
                                <td>{ format!("{ratio:.2}×") }</td>
                                if zipf { <td>{ sim.requests_on(id) }</td> }
                                if bounded { <td>{ sim.capacity(id).unwrap_or(0) }</td> }
                                if weighted { <td>{ info.weight }</td> }
                                <td class="fl-ring-row-actions">{ weight_buttons }{ remove }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// Key counts offered; above [`SIM_KEY_CAP`] the widget places the first keys and the full
/// set's balance is computed in steps ([`FullStats`]).
const KEY_COUNTS: [(&str, &str); 9] = [
    ("200", "200"),
    ("1000", "1 000"),
    ("2000", "2 000"),
    ("5000", "5 000"),
    ("10000", "10 000"),
    ("20000", "20 000"),
    ("100000", "100 000 (first 20 000 placed)"),
    ("1000000", "1 000 000 (first 20 000 placed)"),
    ("10000000", "10 000 000 (first 20 000 placed)"),
];

/// The balance of the whole key set on the initial nodes, as the session's derived work
/// computes it a slice per frame.
fn full_balance(derived: &RingDerived, params: &RingParams) -> Html {
    let body = match derived.full_balance() {
        FullBalance::Running(_) => {
            let p = derived.full_progress();
            html! {
                <>
                    <progress max={p.total.max(1).to_string()} value={p.done.to_string()} />
                    { format!(" {} of {} done…", p.done, p.total) }
                </>
            }
        }
        FullBalance::Done(r) => {
            let requests = r.request_balance.as_ref().map(|b| format!("; requests: busiest {:.2}× the mean", b.peak_to_mean)).unwrap_or_default();
            html! { { format!("busiest node {:.2}× the mean, CV {:.3} (min {}, max {} keys){requests}.", r.key_balance.peak_to_mean, r.key_balance.cv, r.key_balance.min, r.key_balance.max) } }
        }
        FullBalance::Failed(e) => html! { { e.clone() } },
    };
    html! {
        <p class="fl-ring-full" aria-live="polite">
            <strong>{ format!("All {} keys on the initial {} nodes: ", params.keys, params.nodes) }</strong>{ body }
        </p>
    }
}

/// One panel of the comparison: a bar per algorithm with its value, a line at the ideal.
fn bar_panel(
    title: &str,
    rows: &[CompareRow],
    current: Option<Algorithm>,
    ideal: f64,
    max: f64,
    value: fn(&CompareRow) -> f64,
    label: fn(f64) -> String,
) -> Html {
    let (row_h, left, width) = (24.0, 92.0, 160.0);
    let height = 30.0 + row_h * rows.len() as f64;
    let x = |v: f64| left + (v / max).clamp(0.0, 1.0) * width;
    html! {
        <svg viewBox={format!("0 0 {} {height}", left + width + 56.0)} role="img" aria-label={title.to_string()}>
            <text class="fl-ring-axis-title" x="4" y="13">{ title.to_string() }</text>
            <line class="fl-ring-ideal" x1={x(ideal).to_string()} x2={x(ideal).to_string()} y1="18" y2={(height - 4.0).to_string()} />
            { for rows.iter().enumerate().map(|(i, r)| {
                let y = 22.0 + i as f64 * row_h;
                let is_current = r.algorithm.is_some() && r.algorithm == current;
                let v = value(r);
                html! {
                    <g class={classes!("fl-ring-compare-row", is_current.then_some("fl-ring-current"), r.algorithm.is_none().then_some("fl-ring-baseline"))}>
                        <text class="fl-ring-row-label" x={(left - 6.0).to_string()} y={(y + 13.0).to_string()} text-anchor="end">
                            { if is_current { format!("▶ {}", r.label) } else { r.label.clone() } }
                        </text>
                        <rect class="fl-ring-bar-peak" x={left.to_string()} y={y.to_string()} height="17" width={format!("{:.1}", x(v) - left)} />
                        <text class="fl-ring-bar-value" x={format!("{:.1}", x(v) + 3.0)} y={(y + 13.0).to_string()}>{ label(v) }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

/// The comparison as a small bar chart: balance (busiest ÷ mean) and keys moved by one add.
fn compare_view(derived: &RingDerived, params: &RingParams) -> Html {
    let Some(c) = derived.comparison() else {
        return html! { <p class="fl-ring-compare-wait">{ "Comparing every algorithm on these keys…" }</p> };
    };
    let rows = &c.rows;
    let peak_max = rows.iter().map(|r| r.peak_to_mean).fold(1.0, f64::max).max(1.5);
    let current = Some(params.algorithm);
    html! {
        <section class="fl-ring-compare" aria-label="All algorithms on the same nodes and keys">
            <h3>{ format!("All algorithms on these {} nodes and {} keys", c.nodes, c.keys) }</h3>
            // Two panels side by side that wrap under each other on a phone, so their text
            // stays legible instead of shrinking with one wide chart.
            <div class="fl-ring-compare-panels">
                { bar_panel("busiest node ÷ mean (1 = perfect)", rows, current, 1.0, peak_max, |r| r.peak_to_mean, |v| format!("{v:.2}×")) }
                { bar_panel(&format!("keys moved adding a node (ideal {})", pct(c.ideal_add)), rows, current, c.ideal_add, 1.0, |r| r.add_fraction, pct) }
            </div>
            <table class="fl-ring-compare-table">
                <caption>{ "The same figures as a table (remove = the last node, the only one jump hash can remove)" }</caption>
                <thead><tr><th scope="col">{ "algorithm" }</th><th scope="col">{ "busiest ÷ mean" }</th><th scope="col">{ "CV" }</th>
                    <th scope="col">{ format!("moved on add (ideal {})", pct(c.ideal_add)) }</th><th scope="col">{ format!("moved on remove (ideal {})", pct(c.ideal_remove)) }</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr><th scope="row">{ r.label.clone() }</th><td>{ format!("{:.2}×", r.peak_to_mean) }</td><td>{ format!("{:.3}", r.cv) }</td>
                            <td>{ pct(r.add_fraction) }</td><td>{ pct(r.remove_fraction) }</td></tr>
                    }) }
                </tbody>
            </table>
            if c.keys < params.keys {
                <p class="fl-ring-hint">{ format!("Computed on the first {} keys; `faultline ring stats` takes any size.", c.keys) }</p>
            }
        </section>
    }
}

impl WidgetView for RingSim {
    fn visual(session: &Session<RingSim>, act: &Act) -> Html {
        let player = session.player();
        let sim = player.model();
        let (band, caption) = band(sim);
        let keys = sim.key_balance();
        let drawn = sim.key_hashes().len().min(DRAWN_KEYS);
        html! {
            <div class="fl-ring">
                <div class="fl-ring-top">
                    { node_actions(sim, act) }
                    { moved_figure(sim) }
                </div>
                <svg class="fl-ring-svg" viewBox="0 0 400 400" role="group"
                    aria-label={format!("{} with {} nodes; {} of {} keys drawn as dots. Tab to a dot for its hash, owner and replicas.",
                        sim.params().algorithm.title(), sim.nodes().len(), drawn, sim.key_hashes().len())}>
                    { band }
                    { key_dots(sim) }
                    <text class="fl-ring-centre" x={CX.to_string()} y={(CY - 8.0).to_string()} text-anchor="middle">
                        { format!("{} nodes · {} keys", sim.nodes().len(), sim.key_hashes().len()) }
                    </text>
                    <text class="fl-ring-centre-small" x={CX.to_string()} y={(CY + 12.0).to_string()} text-anchor="middle">
                        { format!("busiest node {:.2}× the mean", keys.peak_to_mean) }
                    </text>
                    <text class="fl-ring-centre-small" x={CX.to_string()} y={(CY + 28.0).to_string()} text-anchor="middle">{ "0 at the top, clockwise" }</text>
                </svg>
                <p class="fl-ring-caption">{ caption }{ " Moved keys are ringed." }</p>
            </div>
        }
    }

    fn details(session: &Session<RingSim>, act: &Act) -> Html {
        node_table(session.player().model(), act)
    }

    fn controls(session: &Session<RingSim>, act: &Act) -> Html {
        let params = session.params();
        // Every edit goes through the core's normaliser, so the replication factor follows the node count.
        let edit = |f: fn(&mut RingParams, f64)| param_edit(params, act, f);
        let choose = |f: fn(&mut RingParams, &str) -> bool| {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: String| {
                let mut p = params.clone();
                if f(&mut p, &v) {
                    act.emit(Edit::Params(p));
                }
            })
        };
        let on_algorithm = choose(|p, v| v.parse().map(|a| p.algorithm = a).is_ok());
        let on_workload = choose(|p, v| v.parse().map(|k: WorkloadKind| p.workload = k.default_workload()).is_ok());
        let on_table = choose(|p, v| v.parse().map(|size| p.maglev_table_size = size).is_ok());
        let on_keys = choose(|p, v| v.parse().map(|keys| p.keys = keys).is_ok());
        let algorithms: Vec<(&str, &str)> = Algorithm::ALL.iter().map(|a| (a.name(), a.title())).collect();
        let workloads: Vec<(&str, &str)> = WorkloadKind::ALL.iter().map(|k| (k.name(), k.title())).collect();
        let table_sizes: Vec<(String, String)> = MAGLEV_TABLE_SIZES.iter().map(|m| (m.to_string(), grouped(*m))).collect();
        let table_sizes: Vec<(&str, &str)> = table_sizes.iter().map(|(v, l)| (v.as_str(), l.as_str())).collect();
        let table = params.maglev_table_size.to_string();
        html! {
            <div class="fl-control-groups">
                <fieldset>
                    <legend>{ "Placement" }</legend>
                    { select("Algorithm", &algorithms, params.algorithm.name(), on_algorithm) }
                    { slider("Nodes at the start (add and remove below)", "nodes", 1.0, 64.0, 1.0, f64::from(params.nodes), edit(|p, v| p.nodes = v as u32)) }
                    if params.algorithm.uses_vnodes() { { slider("Virtual nodes per node", "vnodes", 1.0, 500.0, 1.0, f64::from(params.vnodes), edit(|p, v| p.vnodes = v as u32)) } }
                    { slider("Replication factor", "replicas", 1.0, f64::from(params.nodes.clamp(1, 7)), 1.0, f64::from(params.replication_factor), edit(|p, v| p.replication_factor = v as u32)) }
                    if params.algorithm == Algorithm::BoundedLoad {
                        { slider("Load factor c (capacity = ⌈c × mean⌉)", "×", 1.0, 3.0, 0.05, params.load_factor_c, edit(|p, v| p.load_factor_c = (v * 100.0).round() / 100.0)) }
                    }
                    if params.algorithm == Algorithm::Maglev {
                        { select("Maglev table size M (prime)", &table_sizes, &table, on_table) }
                    }
                </fieldset>
                <fieldset>
                    <legend>{ "Keys" }</legend>
                    { select("Keys", &KEY_COUNTS, &params.keys.to_string(), on_keys) }
                    { select("Workload", &workloads, params.workload.kind().name(), on_workload) }
                    if let Workload::Zipf { exponent, .. } = params.workload {
                        { slider("Zipf exponent s", "", 0.0, 2.0, 0.1, exponent, edit(|p, v| if let Workload::Zipf { exponent, .. } = &mut p.workload {
                            *exponent = (v * 10.0).round() / 10.0;
                        })) }
                    }
                    if params.workload.kind() != WorkloadKind::UniformNames {
                        { slider("Key seed", "", 0.0, 99.0, 1.0, params.seed.min(99) as f64, edit(|p, v| p.seed = v as u64)) }
                    }
                </fieldset>
            </div>
        }
    }

    fn extra(session: &Session<RingSim>, _act: &Act) -> Html {
        let player = session.player();
        let params = player.model().params();
        html! {
            <>
                if params.keys > SIM_KEY_CAP { { full_balance(session.derived(), params) } }
                { compare_view(session.derived(), params) }
            </>
        }
    }
}
