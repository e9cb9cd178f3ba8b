//! A Lamport-style sequence diagram of the recent messages, for every widget whose nodes talk
//! over the simulated network: one lane per node, time running downward to the cursor, an
//! arrow per message (dashed while in flight), ✗ where one was dropped.

use faultline_core::engine::{NodeId, Pattern, Tick, TraceEvent};
use faultline_core::player::Player;
use yew::prelude::*;

/// The diagram's size in SVG units, and the margins above and beside the lanes.
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub top: f64,
    pub left: f64,
}

/// How a widget draws its messages: a class for the arrow (its colour) and, optionally, a
/// short label at its middle.
pub type MsgStyle<P> = fn(&<P as Pattern>::Msg) -> (&'static str, Option<String>);

/// The drawn diagram, and how many of the window's messages it shows (the latest `most`).
pub struct Drawn {
    pub svg: Html,
    pub shown: usize,
    pub total: usize,
}

/// The messages sent or dropped in the last `span` before the cursor, on `lanes` (indexed by
/// node id), at most the latest `most` of them.
pub fn sequence_svg<P: Pattern>(
    player: &Player<P>,
    lanes: &[String],
    span: Tick,
    layout: &Layout,
    most: usize,
    style: MsgStyle<P>,
    label: &str,
) -> Drawn {
    let now = player.now();
    let from_t = now.saturating_sub(span);
    let Layout { width, height, top, left } = *layout;
    let col_x = |n: NodeId| left + (width - 2.0 * left) * n as f64 / (lanes.len().saturating_sub(1)).max(1) as f64;
    let y_of = |t: Tick| top + (height - top - 6.0) * (t.saturating_sub(from_t)) as f64 / span.max(1) as f64;
    let messages: Vec<_> = player
        .sim()
        .trace()
        .recent()
        .filter(|e| e.at >= from_t && e.at <= now && matches!(e.event, TraceEvent::Sent { .. } | TraceEvent::Dropped { .. }))
        .collect();
    let total = messages.len();
    let shown = &messages[total.saturating_sub(most)..];
    let f = |v: f64| format!("{v:.1}");
    let arrows = shown.iter().filter_map(|e| match &e.event {
        TraceEvent::Sent { from, to, arrives_at, msg } => {
            let (x1, y1, x2, y2) = (col_x(*from), y_of(e.at), col_x(*to), y_of((*arrives_at).min(now)));
            let (class, text) = style(msg);
            Some(html! {
                <g class={classes!("fl-seq-msg", class, (*arrives_at > now).then_some("fl-seq-in-flight"))}>
                    <line x1={f(x1)} y1={f(y1)} x2={f(x2)} y2={f(y2)} marker-end="url(#fl-seq-arrow)" />
                    if let Some(text) = text {
                        <text x={f((x1 + x2) / 2.0)} y={f((y1 + y2) / 2.0 - 2.0)} text-anchor="middle">{ text }</text>
                    }
                    <title>{ P::describe_msg(msg) }</title>
                </g>
            })
        }
        TraceEvent::Dropped { from, to, msg, reason } => {
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
    Drawn { svg, shown: shown.len(), total }
}
