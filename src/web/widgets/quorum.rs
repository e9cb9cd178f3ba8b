//! The quorum widget: replicas on a ring, messages in flight, a sequence diagram, the recent
//! reads judged fresh or stale, and the PBS staleness curve. All rules live in
//! `faultline_core::patterns::quorum`.

use crate::web::html::prelude::*;
use faultline_core::engine::{ms_from_ticks, ticks_from_ms, Fault, NodeId, Pattern, Tick, TraceEvent};
use faultline_core::patterns::quorum::sim::faults;
use faultline_core::patterns::quorum::sim::params::LATENCY_MODELS;
use faultline_core::patterns::quorum::sim::staleness_curve::{StalenessCurve, CURVE_TRIALS, CURVE_T_MS};
use faultline_core::patterns::quorum::sim::{
    ConsistencyLevel, Coordinator, MsgFamily, QuorumCommand, QuorumMsg, QuorumParams, QuorumSim, Verdict, Versioning,
};
use faultline_core::player::Player;

use super::controls::{button, checkbox, param_edit, select, slider};
use crate::web::sequence;
use crate::web::widget::WidgetView;
use faultline_core::session::{Edit, Session};

type Act = Callback<Edit<QuorumSim>>;

const VIEW: f64 = 400.0;
/// Most messages the sequence diagram draws (the latest ones).
const SEQUENCE_MESSAGES: usize = 30;
const CENTER: f64 = 200.0;
/// How long after a read answers the client names its verdict (of the run: 5 s at 1×).
const READ_SHOWN_MS: f64 = 250.0;
const RADIUS: f64 = 140.0;

/// Position of node `i` of `count` storage nodes on the ring; the client sits in the middle.
fn position(node: NodeId, replicas: u32) -> (f64, f64) {
    if node >= replicas {
        return (CENTER, CENTER);
    }
    let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * node as f64 / replicas as f64;
    (CENTER + RADIUS * angle.cos(), CENTER + RADIUS * angle.sin())
}

fn node_name(node: NodeId, replicas: u32) -> String {
    if node >= replicas {
        "client".into()
    } else {
        format!("node-{node}")
    }
}

fn family_class(family: MsgFamily) -> &'static str {
    match family {
        MsgFamily::Write => "fl-fam-write",
        MsgFamily::WriteAck => "fl-fam-ack",
        MsgFamily::Read => "fl-fam-read",
        MsgFamily::ReadReply => "fl-fam-reply",
        MsgFamily::Repair => "fl-fam-repair",
    }
}

/// A message in flight, typed by shape as well as colour: requests are filled (write a
/// square, read a circle), answers hollow, repairs a diamond.
fn msg_marker(msg: &QuorumMsg, x: f64, y: f64) -> Html {
    let family = msg.family();
    let class = classes!("fl-msg-dot", family_class(family));
    let title = html! { <title>{ QuorumSim::describe_msg(msg) }</title> };
    let f = |v: f64| format!("{v:.1}");
    match family {
        MsgFamily::Write | MsgFamily::WriteAck => html! { <rect {class} x={f(x - 5.0)} y={f(y - 5.0)} width="10" height="10">{ title }</rect> },
        MsgFamily::Read | MsgFamily::ReadReply => html! { <circle {class} cx={f(x)} cy={f(y)} r="5.5">{ title }</circle> },
        MsgFamily::Repair => html! { <path {class} d={format!("M{},{} l6,6 l-6,6 l-6,-6 z", f(x), f(y - 6.0))}>{ title }</path> },
    }
}

fn msg_legend() -> Html {
    html! {
        <p class="fl-msg-legend" aria-label="Message kinds">
            { for MsgFamily::ALL.iter().map(|&f| html! {
                <span class={classes!("fl-msg-key", family_class(f))}>
                    { match f { MsgFamily::Write => "■", MsgFamily::WriteAck => "□", MsgFamily::Read => "●", MsgFamily::ReadReply => "○", MsgFamily::Repair => "◆" } }
                    { format!(" {}", f.name()) }
                </span>
            }) }
            <span class="fl-msg-key fl-link-slow">{"┅ slowed link"}</span>
        </p>
    }
}

fn ring_view(player: &Player<QuorumSim>, act: &Act) -> Html {
    let sim = player.model();
    let network = player.sim().network();
    let now = player.now();
    let p = sim.params();
    let replicas = p.replicas;
    let client = QuorumSim::client_node(p);
    let groups = network.partition_groups();
    let group_of = |n: NodeId| groups.iter().position(|g| g.contains(&n));
    let k0_replicas: Vec<NodeId> = sim.replicas_of(0).to_vec();
    // The read the client got back last, for a while after: a stale one is what the lessons
    // are about, so the picture says it where it happens, not only the notes and the table.
    let last_read = sim.recent_reads().rev().find(|r| r.answered_at <= now).filter(|r| now - r.answered_at <= ticks_from_ms(READ_SHOWN_MS));
    let in_flight: Vec<Html> = player
        .sim()
        .trace()
        .recent()
        .filter_map(|e| match &e.event {
            TraceEvent::Sent { from, to, arrives_at, msg } if *arrives_at > now && e.at <= now && from != to => {
                let (x1, y1) = position(*from, replicas);
                let (x2, y2) = position(*to, replicas);
                let f = (now - e.at) as f64 / (*arrives_at - e.at).max(1) as f64;
                let (x, y) = (x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
                Some(html! {
                    <g class="fl-msg">
                        <line class="fl-msg-path" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                        { msg_marker(msg, x, y) }
                    </g>
                })
            }
            _ => None,
        })
        .collect();
    let nodes: Vec<Html> = (0..=replicas)
        .map(|n| {
            let (x, y) = position(n, replicas);
            let up = network.is_up(n);
            let name = node_name(n, replicas);
            let onclick = {
                let act = act.clone();
                let fault = if up { Fault::Crash { node: n } } else { Fault::Restart { node: n } };
                Callback::from(move |_: MouseEvent| act.emit(Edit::Fault(fault.clone())))
            };
            let detail = if n == client {
                match last_read {
                    Some(r) if r.verdict == Verdict::Stale => format!("⚠ stale read: got {}, latest {}", r.returned, r.expected),
                    Some(r) => format!("✓ read {}", r.returned),
                    None => String::new(),
                }
            } else {
                let hints = sim.hints(n).len();
                let versions = faultline_core::patterns::quorum::sim::version::labels(sim.versions(n, 0));
                format!("k0 {versions}{}", if hints > 0 { format!(" · {}", faultline_core::narrate::count(hints as u64, "hint", "hints")) } else { String::new() })
            };
            let group_class = group_of(n).map(|g| format!("fl-group-{}", g % 4));
            html! {
                <g class={classes!("fl-node", if up { "fl-node-up" } else { "fl-node-down" }, k0_replicas.contains(&n).then_some("fl-node-k0"), group_class)}
                    role="button" tabindex="0" {onclick}
                    aria-label={format!("{name}, {}; click to {}", if up { "up" } else { "crashed" }, if up { "crash it" } else { "restart it" })}>
                    // Wide enough that "node-4" stays inside a replica's bold ring.
                    <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="29" />
                    <text x={format!("{x:.1}")} y={format!("{:.1}", y + 4.0)} text-anchor="middle">{ name.clone() }</text>
                    if !up { <text class="fl-node-crashed" x={format!("{x:.1}")} y={format!("{:.1}", y - 33.0)} text-anchor="middle">{"✗ crashed"}</text> }
                    <text class={classes!("fl-node-detail", (n == client && last_read.is_some_and(|r| r.verdict == Verdict::Stale)).then_some("fl-node-stale"))}
                        x={format!("{x:.1}")} y={format!("{:.1}", y + 44.0)} text-anchor="middle">{ detail }</text>
                </g>
            }
        })
        .collect();
    // Links a fault slowed or made lossy, drawn between their nodes (once per pair).
    let mut slowed: Vec<(NodeId, NodeId)> = network.overridden_links().into_iter().map(|(a, b)| (a.min(b), a.max(b))).collect();
    slowed.dedup();
    let slow_links: Vec<Html> = slowed
        .iter()
        .map(|&(a, b)| {
            let ((x1, y1), (x2, y2)) = (position(a, replicas), position(b, replicas));
            let what = format!("the link {} ↔ {} is slowed or lossy", node_name(a, replicas), node_name(b, replicas));
            html! { <line class="fl-link-slow" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")}><title>{ what }</title></line> }
        })
        .collect();
    let partition_note = (groups.len() > 1).then(|| {
        let sides: Vec<String> = groups.iter().map(|g| g.iter().map(|&n| node_name(n, replicas)).collect::<Vec<_>>().join(" + ")).collect();
        format!("Partitioned (fill colour = side): {}.", sides.join(" | "))
    });
    html! {
        <figure class="fl-quorum-ring-figure">
            <svg class="fl-quorum-ring" viewBox={format!("0 0 {VIEW} {VIEW}")} role="img"
                aria-label={format!("{replicas} storage nodes on a ring and the client in the middle; {} messages in flight", in_flight.len())}>
                <circle class="fl-quorum-circle" cx={CENTER.to_string()} cy={CENTER.to_string()} r={RADIUS.to_string()} />
                { for slow_links }
                { for in_flight }
                { for nodes }
            </svg>
            <figcaption class="fl-quorum-caption">
                { format!("Bold rings: k0's replicas ({}). Click a node to crash or restart it.", k0_replicas.iter().map(|n| format!("node-{n}")).collect::<Vec<_>>().join(", ")) }
                if let Some(note) = partition_note { <br />{ note } }
            </figcaption>
            { msg_legend() }
        </figure>
    }
}

/// The client operation a message belongs to (the reads table's `#op`); none for repairs
/// and hinted handoffs, which belong to no one operation.
fn op_of(msg: &QuorumMsg) -> Option<u64> {
    match msg {
        QuorumMsg::Put { op, .. }
        | QuorumMsg::Get { op, .. }
        | QuorumMsg::Replicate { op, .. }
        | QuorumMsg::Ack { op }
        | QuorumMsg::ReadRequest { op, .. }
        | QuorumMsg::ReadReply { op, .. }
        | QuorumMsg::PutDone { op, .. }
        | QuorumMsg::GetDone { op, .. } => Some(*op),
        QuorumMsg::Repair { .. } | QuorumMsg::Handoff { .. } | QuorumMsg::HandoffAck { .. } => None,
    }
}

/// A short name for a highlighted operation's arrow.
fn seq_label(msg: &QuorumMsg) -> Option<String> {
    Some(match msg {
        QuorumMsg::Put { value, .. } => format!("write v{value}"),
        QuorumMsg::Replicate { hint_for: Some(_), .. } => "write (hint)".into(),
        QuorumMsg::Replicate { .. } => "write".into(),
        QuorumMsg::Ack { .. } => "ack".into(),
        QuorumMsg::Get { .. } | QuorumMsg::ReadRequest { .. } => "read".into(),
        QuorumMsg::ReadReply { .. } => "reply".into(),
        QuorumMsg::PutDone { ok, .. } => if *ok { "done ✓" } else { "failed ✗" }.into(),
        QuorumMsg::GetDone { ok, .. } => if *ok { "result" } else { "failed ✗" }.into(),
        _ => return None,
    })
}

/// The picture's shapes, smaller, at the head of a highlighted arrow.
fn seq_marker(msg: &QuorumMsg, x: f64, y: f64) -> Html {
    let family = msg.family();
    let class = classes!("fl-seq-shape", family_class(family));
    let f = |v: f64| format!("{v:.1}");
    match family {
        MsgFamily::Write | MsgFamily::WriteAck => html! { <rect {class} x={f(x - 3.5)} y={f(y - 3.5)} width="7" height="7" /> },
        MsgFamily::Read | MsgFamily::ReadReply => html! { <circle {class} cx={f(x)} cy={f(y)} r="3.8" /> },
        MsgFamily::Repair => html! { <path {class} d={format!("M{},{} l4,4 l-4,4 l-4,-4 z", f(x), f(y - 4.0))} /> },
    }
}

/// The operation the diagram highlights: the one with the most messages in the window (the
/// fullest round trip to follow), the latest of those on a tie; with whether it is a write.
fn focused_op(player: &Player<QuorumSim>, from: Tick) -> Option<(u64, bool)> {
    let now = player.now();
    // op → (messages in the window, a write?, order of its latest message)
    let mut ops: std::collections::BTreeMap<u64, (usize, bool, usize)> = std::collections::BTreeMap::new();
    let sent = player.sim().trace().recent().filter(|e| e.at >= from && e.at <= now).filter_map(|e| match &e.event {
        TraceEvent::Sent { msg, .. } | TraceEvent::Dropped { msg, .. } => Some(msg),
        _ => None,
    });
    for (order, msg) in sent.enumerate() {
        if let Some(op) = op_of(msg) {
            let write = matches!(msg.family(), MsgFamily::Write | MsgFamily::WriteAck);
            let entry = ops.entry(op).or_insert((0, write, order));
            entry.0 += 1;
            entry.2 = order;
        }
    }
    ops.into_iter().max_by_key(|&(_, (count, _, latest))| (count, latest)).map(|(op, (_, write, _))| (op, write))
}

/// A Lamport-style diagram of the recent messages: one column per node, time downward,
/// ending at the cursor.
fn sequence_view(player: &Player<QuorumSim>) -> Html {
    let p = player.model().params();
    let mean = p.wars().read.mean_ms();
    let span_ms = (8.0 * if mean.is_finite() { mean } else { 5.0 }).clamp(10.0, 400.0);
    let lanes: Vec<String> = (0..=p.replicas).map(|n| node_name(n, p.replicas)).collect();
    let layout = sequence::Layout { width: 420.0, height: 260.0, top: 20.0, left: 20.0, label_size: 12.5 };
    // At lesson rates the window holds dozens of crossing arrows: the latest 30 are drawn, the
    // caption says how many the window held.
    let style: sequence::MsgStyle<QuorumSim> = |msg| (family_class(msg.family()), None);
    let span = (span_ms * 1_000.0) as Tick;
    let focus_op = focused_op(player, player.now().saturating_sub(span));
    let focus = focus_op.map(|(id, _)| sequence::Focus::<QuorumSim> { group: op_of, id, marker: seq_marker, label: seq_label });
    let drawn = sequence::sequence_svg_focused(
        player,
        &lanes,
        span,
        &layout,
        SEQUENCE_MESSAGES,
        style,
        "Sequence diagram of recent messages",
        focus.as_ref(),
    );
    let window = if drawn.total > drawn.shown {
        format!("The latest {} of {} messages of the last {span_ms:.0} ms", drawn.shown, drawn.total)
    } else {
        format!("Messages of the last {span_ms:.0} ms")
    };
    html! {
        <figure class="fl-sequence">
            <figcaption>
                { format!("{window} (time runs downward; dashed: still in flight).") }
                if let Some((op, write)) = focus_op {
                    <br /><span class="fl-seq-focus-note">{ format!("In bold: operation #{op}, a {}, with its messages; the others are faded.", if write { "write" } else { "read" }) }</span>
                }
            </figcaption>
            { drawn.svg }
        </figure>
    }
}

fn reads_table(player: &Player<QuorumSim>) -> Html {
    let sim = player.model();
    let rows: Vec<Html> = sim
        .recent_reads()
        .rev()
        .map(|r| {
            let stale = r.verdict == Verdict::Stale;
            let repliers =
                r.repliers.iter().map(|x| format!("node-{} {}", x.node, if x.had_latest { "✓" } else { "✗" })).collect::<Vec<_>>().join(", ");
            html! {
                <tr class={classes!(if stale { "fl-row-stale" } else { "fl-row-fresh" })}>
                    <td>{ format!("#{}", r.op) }</td>
                    <td>{ format!("{:.1}", ms_from_ticks(r.answered_at)) }</td>
                    <td>{ &r.key }</td>
                    <td>{ format!("node-{}", r.coordinator) }</td>
                    <td>{ repliers }</td>
                    <td>{ &r.returned }</td>
                    <td>{ &r.expected }</td>
                    <td>{ if stale { "STALE" } else { "fresh" } }</td>
                    <td class="fl-why">{ &r.why }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <div class="fl-reads">
            <h3>{"Recent reads"}</h3>
            <table>
                <thead><tr>
                    <th>{"read"}</th><th>{"answered (ms)"}</th><th>{"key"}</th><th>{"coordinator"}</th>
                    <th>{"repliers (✓ had the latest write)"}</th><th>{"returned"}</th><th>{"latest committed"}</th><th>{"verdict"}</th><th>{"why"}</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if sim.recent_reads().len() == 0 { <p>{"No read has been answered yet."}</p> }
        </div>
    }
}

fn staleness_chart(curve: &StalenessCurve, params: &QuorumParams, next_value: u64, act: &Act) -> Html {
    let Some(report) = curve.report() else {
        return html! {
            <p class="fl-pbs-wait">
                <progress max={CURVE_TRIALS.to_string()} value={curve.trials_run().to_string()} />
                { format!(" PBS staleness curve: {} of {CURVE_TRIALS} trials…", curve.trials_run()) }
            </p>
        };
    };
    let (w, h, left, bottom, top) = (320.0, 150.0, 44.0, 22.0, 8.0);
    let t_max = CURVE_T_MS.last().copied().unwrap_or(100.0);
    // The y axis starts at the tenth below the lowest point (at most 0.9): the interesting part.
    let y_min = report.staleness_curve.iter().map(|p| p.p_consistent).fold(1.0, f64::min).clamp(0.0, 0.9);
    let y_min = (y_min * 10.0).floor() / 10.0;
    let px = |t: f64| left + (w - left - 6.0) * (t / t_max).sqrt();
    let py = |p: f64| top + (h - top - bottom) * (1.0 - (p - y_min) / (1.0 - y_min).max(1e-9));
    let path: String = report
        .staleness_curve
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, px(p.t_ms), py(p.p_consistent)))
        .collect();
    let strict = report.closed_form.strict_quorum;
    let floor = 1.0 - report.closed_form.p_stale_fixed_quorum;
    let at0 = report.staleness_curve.first().map_or(0.0, |p| p.p_consistent);
    let t999 = report.t_visibility_ms.p99_9.map_or("never within the model".to_string(), |t| format!("{t:.1} ms"));
    html! {
        <figure class="fl-chart fl-pbs">
            <figcaption>{ format!("P(consistent read) t ms after a commit, N = {}, R = {}, W = {}, {} ({} trials, PBS/WARS)", params.n, params.r, params.w, params.latency_model, report.trials_run) }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img"
                aria-label={format!("P(consistent) rises from {:.3} at t = 0; 99.9% at {t999}", at0)}>
                <line class="fl-axis" x1={left.to_string()} y1={top.to_string()} x2={left.to_string()} y2={(h - bottom).to_string()} />
                <line class="fl-axis" x1={left.to_string()} y1={(h - bottom).to_string()} x2={(w - 4.0).to_string()} y2={(h - bottom).to_string()} />
                <text class="fl-tick" x={(left - 4.0).to_string()} y={(top + 8.0).to_string()} text-anchor="end">{"1"}</text>
                <text class="fl-tick" x={(left - 4.0).to_string()} y={(h - bottom).to_string()} text-anchor="end">{ format!("{y_min:.1}") }</text>
                <text class="fl-tick" x={left.to_string()} y={(h - 6.0).to_string()}>{"0"}</text>
                <text class="fl-tick" x={px(10.0).to_string()} y={(h - 6.0).to_string()} text-anchor="middle">{"10"}</text>
                <text class="fl-tick" x={(w - 6.0).to_string()} y={(h - 6.0).to_string()} text-anchor="end">{ format!("{t_max:.0} ms") }</text>
                <line class="fl-line fl-ghost" x1={left.to_string()} y1={format!("{:.1}", py(1.0))} x2={(w - 6.0).to_string()} y2={format!("{:.1}", py(1.0))}>
                    <title>{"strict quorum (R + W > N): always 1"}</title>
                </line>
                if !strict && floor >= y_min {
                    <line class="fl-line fl-floor" x1={left.to_string()} y1={format!("{:.1}", py(floor))} x2={(w - 6.0).to_string()} y2={format!("{:.1}", py(floor))}>
                        <title>{ format!("non-expanding quorum (closed form): {floor:.3}") }</title>
                    </line>
                }
                <path class="fl-line" d={path} />
                // Each point opens a concrete run from the cursor: the workload pauses there (a
                // command at the cursor, so the run before it is kept) and one write is read
                // exactly t ms after it commits, so the sequence diagram and the reads table
                // show such a read.
                { for report.staleness_curve.iter().map(|p| {
                    let (t_ms, act) = (p.t_ms, act.clone());
                    let probe = Callback::from(move |()| {
                        act.emit(Edit::Command(QuorumCommand::SetRates { writes_per_second: 0.0, reads_per_second: 0.0 }));
                        act.emit(Edit::Command(QuorumCommand::Probe { key: "k0".into(), value: next_value, t_ms }));
                    });
                    let onclick = probe.reform(|_: MouseEvent| ());
                    let probe = probe.clone();
                    let onkeydown = Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" {
                            e.stop_propagation();
                            probe.emit(());
                        }
                    });
                    html! {
                        <circle class="fl-pbs-point" cx={format!("{:.1}", px(p.t_ms))} cy={format!("{:.1}", py(p.p_consistent))} r="4"
                            role="button" tabindex="0" {onclick} {onkeydown}>
                            <title>{ format!("t = {} ms: P(consistent) = {:.3}. Click to pause the workload here and run one write read {} ms after it commits.", p.t_ms, p.p_consistent, p.t_ms) }</title>
                        </circle>
                    }
                }) }
            </svg>
            <p class="fl-pbs-summary">{
                if strict {
                    "R + W > N: the curve is the dashed strict-quorum line at 1 for every t.".to_string()
                } else {
                    format!("At t = 0, {:.1}% of reads are consistent; 99.9% are by t = {t999}. The dashed line at 1 is what R + W > N guarantees; the dotted one is a quorum that never expands ({:.3}).", at0 * 100.0, floor)
                }
            }</p>
        </figure>
    }
}

fn fault_controls(player: &Player<QuorumSim>, act: &Act) -> Html {
    let params = player.model().params();
    let replicas = params.replicas;
    let network = player.sim().network();
    let partitioned = !network.partition_groups().is_empty();
    let emit_all = |list: Vec<Fault>| {
        let act = act.clone();
        Callback::from(move |_| list.iter().for_each(|f| act.emit(Edit::Fault(f.clone()))))
    };
    let isolate = |n: NodeId| button(&format!("Isolate node-{n}"), "fl-fault-button", emit_all(vec![faults::isolate(n, network)]));
    let slow = |n: NodeId| button(&format!("Slow links into node-{n}"), "fl-fault-button", emit_all(faults::slow_links_into(n, params)));
    let restore_faults = faults::restore_links(network);
    let restore =
        if restore_faults.is_empty() { Html::default() } else { button("Restore slowed links", "fl-fault-button", emit_all(restore_faults)) };
    let heal = {
        let act = act.clone();
        button("Heal partition", "fl-fault-button", Callback::from(move |_| act.emit(Edit::Fault(Fault::Heal))))
    };
    let read = |key: &str| {
        let (act, key) = (act.clone(), key.to_string());
        button(
            &format!("Read {key}"),
            "fl-op",
            Callback::from(move |_| {
                act.emit(Edit::Command(faultline_core::patterns::quorum::sim::QuorumCommand::Read { key: key.clone(), via: None }))
            }),
        )
    };
    html! {
        <div class="fl-system-controls">
            <div>{ for (0..replicas).map(isolate) }{ if partitioned { heal } else { Html::default() } }</div>
            <div>{ for (0..replicas).map(slow) }{ restore }</div>
            <div>{ read("k0") }</div>
        </div>
    }
}

impl WidgetView for QuorumSim {
    fn visual(session: &Session<QuorumSim>, act: &Act) -> Html {
        let player = session.player();
        html! {
            <div class="fl-quorum-pictures">
                { ring_view(player, act) }
                { sequence_view(player) }
            </div>
        }
    }

    fn details(session: &Session<QuorumSim>, act: &Act) -> Html {
        fault_controls(session.player(), act)
    }

    fn controls(session: &Session<QuorumSim>, act: &Act) -> Html {
        let params = session.params();
        let set = |f: fn(&mut QuorumParams, f64)| param_edit(params, act, f);
        // `f` says whether the value was one it knows; an unknown one changes nothing.
        let choose = |f: fn(&mut QuorumParams, String) -> bool| {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: String| {
                let mut p = params.clone();
                if f(&mut p, v) {
                    act.emit(Edit::Params(p));
                }
            })
        };
        let toggle = |f: fn(&mut QuorumParams, bool)| param_edit(params, act, f);
        let level = |size: u32| ConsistencyLevel::named(size, params.n).map_or(String::new(), |l| format!(" ({})", l.name()));
        let versionings: Vec<(&str, &str)> = Versioning::ALL.iter().map(|v| (v.name(), v.title())).collect();
        let mut coordinators: Vec<(&str, &str)> = Coordinator::CHOICES.to_vec();
        // A scenario's fixed coordinator is shown as it is, not as the first choice.
        let fixed = match params.coordinator {
            Coordinator::Fixed { node } => Some(format!("always node-{node}")),
            _ => None,
        };
        if let Some(label) = &fixed {
            coordinators.push((params.coordinator.name(), label.as_str()));
        }
        let mut models: Vec<(&str, &str)> = LATENCY_MODELS.to_vec();
        if !models.iter().any(|(m, _)| *m == params.latency_model) {
            models.push((params.latency_model.as_str(), params.latency_model.as_str()));
        }
        html! {
            <div class="fl-control-groups">
                <fieldset>
                    <legend>{ format!("Quorums: R + W = {} {} N = {}", params.r + params.w, if params.strict() { ">" } else { "≤" }, params.n) }</legend>
                    { slider("Replicas per key (N)", "", 1.0, params.replicas as f64, 1.0, params.n as f64, set(|p, v| p.n = v as u32)) }
                    { slider(&format!("Write quorum (W){}", level(params.w)), "acks", 1.0, params.n as f64, 1.0, params.w as f64, set(|p, v| p.w = v as u32)) }
                    { slider(&format!("Read quorum (R){}", level(params.r)), "replies", 1.0, params.n as f64, 1.0, params.r as f64, set(|p, v| p.r = v as u32)) }
                    { slider("Storage nodes", "", 3.0, 9.0, 1.0, params.replicas as f64, set(|p, v| p.replicas = v as u32)) }
                </fieldset>
                <fieldset>
                    <legend>{"Replication"}</legend>
                    { select("Versions", &versionings, params.versioning.name(), choose(|p, v| v.parse().map(|v| p.versioning = v).is_ok())) }
                    { select("Coordinator", &coordinators, params.coordinator.name(),
                        choose(|p, v| Coordinator::from_name(&v).map(|c| p.coordinator = c).is_some())) }
                    { checkbox("Read repair", params.read_repair, toggle(|p, v| p.read_repair = v)) }
                    { checkbox("Sloppy quorum with hinted handoff", params.sloppy_quorum, toggle(|p, v| p.sloppy_quorum = v)) }
                </fieldset>
                <fieldset>
                    <legend>{"Network and workload"}</legend>
                    { select("Latency model", &models, &params.latency_model, choose(|p, v| {
                        p.latency_model = v;
                        true
                    })) }
                    { slider("Writes", "/s", 0.0, 100.0, 1.0, params.writes_per_second, set(|p, v| p.writes_per_second = v)) }
                    { slider("Reads", "/s", 0.0, 200.0, 1.0, params.reads_per_second, set(|p, v| p.reads_per_second = v)) }
                    { slider("Timeout", "ms", 10.0, 1_000.0, 10.0, params.timeout_ms, set(|p, v| p.timeout_ms = v)) }
                </fieldset>
            </div>
        }
    }

    fn extra(session: &Session<QuorumSim>, act: &Act) -> Html {
        let player = session.player();
        html! {
            <>
                { reads_table(player) }
                { staleness_chart(session.derived(), player.model().params(), player.model().counts().writes_issued + 1_000, act) }
            </>
        }
    }
}
