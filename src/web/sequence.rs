//! A Lamport-style sequence diagram of the recent messages, for every widget whose nodes talk
//! over the simulated network: one lane per node, time running downward to the cursor, an
//! arrow per message (dashed while in flight), ✗ where one was dropped.

use crate::web::html::prelude::*;
use faultline_core::engine::{NodeId, Pattern, Tick, TraceEntry, TraceEvent};
use faultline_core::label_layout::{self, Label};
use faultline_core::player::Player;

/// The diagram's size in SVG units, and the margins above and beside the lanes.
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub top: f64,
    pub left: f64,
    /// The labels' largest font size, in diagram units (a phone's, which is the larger), so
    /// that labels can be kept apart (`faultline_core::label_layout`).
    pub label_size: f64,
}

/// One sent message's arrow as drawn: its ends `(x1, y1, x2, y2)`, its class, its label and
/// whether it belongs to the focused operation.
struct Arrow {
    ends: (f64, f64, f64, f64),
    class: &'static str,
    text: Option<String>,
    is_focused: bool,
}

/// How a widget draws its messages: a class for the arrow (its colour) and, optionally, a
/// short label at its middle.
pub type MsgStyle<P> = fn(&<P as Pattern>::Msg) -> (&'static str, Option<String>);

/// The drawn diagram, and how many of the window's messages it shows (the latest `most`).
// The saga draws every message, so its bundle alone reads neither count.
#[allow(dead_code)]
pub struct Drawn {
    pub svg: Html,
    pub shown: usize,
    pub total: usize,
}

/// One operation drawn in full with its messages, the others faded: `group` says which
/// operation a message belongs to, `id` is the one to highlight, and `marker` draws a message's
/// typed shape (the same shapes as the widget's picture) at its head.
pub struct Focus<P: Pattern> {
    pub group: fn(&P::Msg) -> Option<u64>,
    pub id: u64,
    pub marker: fn(&P::Msg, f64, f64) -> Html,
    pub label: fn(&P::Msg) -> Option<String>,
}

/// The messages sent or dropped in the last `span` before the cursor, on `lanes` (indexed by
/// node id), at most the latest `most` of them.
// A bundle of one widget may not use every helper here (the quorum always focuses).
#[allow(dead_code)]
pub fn sequence_svg<P: Pattern>(
    player: &Player<P>,
    lanes: &[String],
    span: Tick,
    layout: &Layout,
    most: usize,
    style: MsgStyle<P>,
    label: &str,
) -> Drawn {
    sequence_svg_focused(player, lanes, span, layout, most, style, label, None)
}

/// [`sequence_svg`] with one operation highlighted (its messages always drawn, labelled and
/// shaped; the rest faded).
#[allow(clippy::too_many_arguments)]
pub fn sequence_svg_focused<P: Pattern>(
    player: &Player<P>,
    lanes: &[String],
    span: Tick,
    layout: &Layout,
    most: usize,
    style: MsgStyle<P>,
    label: &str,
    focus: Option<&Focus<P>>,
) -> Drawn {
    let now = player.now();
    let from_t = now.saturating_sub(span);
    let Layout { width, height, top, left, label_size } = *layout;
    let col_x = |n: NodeId| left + (width - 2.0 * left) * n as f64 / (lanes.len().saturating_sub(1)).max(1) as f64;
    let y_of = |t: Tick| top + (height - top - 6.0) * (t.saturating_sub(from_t)) as f64 / span.max(1) as f64;
    let messages: Vec<_> = player
        .sim()
        .trace()
        .recent()
        .filter(|e| e.at >= from_t && e.at <= now && matches!(e.event, TraceEvent::Sent { .. } | TraceEvent::Dropped { .. }))
        .collect();
    let total = messages.len();
    let focused = |e: &&TraceEntry<P>| focus.is_some_and(|f| msg_of(e).and_then(|m| (f.group)(m)) == Some(f.id));
    // The latest `most`, and every message of the focused operation however many there are.
    let first_kept = total.saturating_sub(most);
    let shown: Vec<&TraceEntry<P>> = messages.iter().enumerate().filter(|&(i, e)| i >= first_kept || focused(e)).map(|(_, e)| *e).collect();
    // Faded ones first, so the focused operation is drawn on top.
    let mut shown = shown;
    faultline_core::order::sort_by_key(&mut shown, |e| focused(e));
    let shown_count = shown.len();
    let f = |v: f64| format!("{v:.1}");
    // Each sent message's arrow (its ends, class, label and whether it is focused), once; then
    // where each label is drawn: at its arrow's middle unless another label is there already
    // (concurrent sagas send the same command at nearly the same instant).
    let arrows_of: Vec<Option<Arrow>> = shown
        .iter()
        .map(|e| match &e.event {
            TraceEvent::Sent { from, to, arrives_at, msg } => {
                let (class, text) = style(msg);
                let is_focused = focused(e);
                let text = if is_focused { focus.and_then(|fc| (fc.label)(msg)).or(text) } else { text.filter(|_| focus.is_none()) };
                let ends = (col_x(*from), y_of(e.at), col_x(*to), y_of((*arrives_at).min(now)));
                Some(Arrow { ends, class, text, is_focused })
            }
            _ => None,
        })
        .collect();
    let wanted: Vec<(usize, Label)> = arrows_of
        .iter()
        .enumerate()
        .filter_map(|(i, arrow)| {
            let Arrow { ends: (x1, y1, x2, y2), text: Some(text), .. } = arrow.as_ref()? else { return None };
            Some((i, Label { x: (x1 + x2) / 2.0, y: (y1 + y2) / 2.0 - 3.0, width: text.chars().count() as f64 * label_size * 0.6 }))
        })
        .collect();
    let placed_y = label_layout::place(&wanted.iter().map(|(_, l)| *l).collect::<Vec<_>>(), label_size + 1.0, 8);
    let mut label_y: Vec<f64> = vec![0.0; shown.len()];
    for ((i, _), y) in wanted.iter().zip(placed_y) {
        label_y[*i] = y;
    }
    let arrows = shown.iter().zip(arrows_of).zip(label_y).filter_map(|((e, arrow), text_y)| match (&e.event, arrow) {
        (TraceEvent::Sent { arrives_at, msg, .. }, Some(Arrow { ends: (x1, y1, x2, y2), class, text, is_focused })) => {
            let focus_class = focus.map(|_| if is_focused { "fl-seq-focus" } else { "fl-seq-faded" });
            Some(html! {
                <g class={classes!("fl-seq-msg", class, focus_class, (*arrives_at > now).then_some("fl-seq-in-flight"))}>
                    <line x1={f(x1)} y1={f(y1)} x2={f(x2)} y2={f(y2)} marker-end="url(#fl-seq-arrow)" />
                    if let Some(text) = text {
                        <text x={f((x1 + x2) / 2.0)} y={f(text_y)} text-anchor="middle">{ text }</text>
                    }
                    if let Some(fc) = focus.filter(|_| is_focused) { { (fc.marker)(msg, x2, y2) } }
                    <title>{ P::describe_msg(msg) }</title>
                </g>
            })
        }
        (TraceEvent::Dropped { from, to, msg, reason }, _) => {
            let (x, y) = (col_x(*from), y_of(e.at));
            let dx = (col_x(*to) - x).signum() * 10.0;
            Some(html! {
                <text class="fl-seq-drop" x={f(x + dx)} y={f(y)}>
                    {"✗"}<title>{ format!("{} dropped ({reason:?})", P::describe_msg(msg)) }</title>
                </text>
            })
        }
        _ => None,
    });
    let svg = html! {
        <svg viewBox={format!("0 0 {width} {height}")} role="img" aria-label={label.to_string()}>
            <defs>
                <marker id="fl-seq-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="fl-arrowhead" />
                </marker>
            </defs>
            { for lanes.iter().enumerate().map(|(n, name)| {
                let x = col_x(n as NodeId);
                html! {
                    <g class="fl-seq-lane">
                        <text x={f(x)} y="12" text-anchor="middle">{ name.clone() }</text>
                        <line x1={f(x)} y1={top.to_string()} x2={f(x)} y2={height.to_string()} />
                    </g>
                }
            }) }
            { for arrows }
        </svg>
    };
    Drawn { svg, shown: shown_count, total }
}

/// The message a sent or dropped entry carries.
fn msg_of<P: Pattern>(e: &TraceEntry<P>) -> Option<&P::Msg> {
    match &e.event {
        TraceEvent::Sent { msg, .. } | TraceEvent::Dropped { msg, .. } => Some(msg),
        _ => None,
    }
}
