//! The saga widget: the orchestrator and its services as lanes with messages in flight, the
//! step list (click a step to make it fail), each service's local state, and the invariants.
//! All rules live in `faultline_core::patterns::saga`.

use crate::web::html::prelude::*;
use faultline_core::engine::{Fault, NodeId, Pattern, TraceEvent};
use faultline_core::patterns::saga::definition::Definition;
use faultline_core::patterns::saga::invariants::{check, conserved_sums};
use faultline_core::patterns::saga::participant::ReplyResult;
use faultline_core::patterns::saga::sim::{cancellable_row, Coordination, Countermeasure, MAX_SAGAS, MAX_SPACING_MS};
use faultline_core::patterns::saga::{
    render, render_final, EngineKind, EngineSpec, FaultSpec, SagaCommand, SagaMsg, SagaParams, SagaSim, StepKind, StepState, ORCHESTRATOR,
};
use faultline_core::player::Player;

use super::controls::{button, checkbox, param_edit, select, slider};
use crate::web::sequence;
use crate::web::widget::WidgetView;
use faultline_core::session::{Edit, Session};

type Act = Callback<Edit<SagaSim>>;

const WIDTH: f64 = 420.0;
const LANE: f64 = 46.0;
const ORCH_X: f64 = 62.0;
const SERVICE_X: f64 = 345.0;

fn lane_y(service: usize) -> f64 {
    30.0 + LANE * service as f64
}

fn node_y(node: NodeId, services: usize) -> f64 {
    if node == ORCHESTRATOR {
        lane_y(0) + LANE * (services.saturating_sub(1)) as f64 / 2.0
    } else {
        lane_y(node as usize - 1)
    }
}

fn node_x(node: NodeId) -> f64 {
    if node == ORCHESTRATOR {
        ORCH_X
    } else {
        SERVICE_X
    }
}

/// The next fault a click on a step's action sets.
fn next_forward_fault(current: Option<FaultSpec>) -> Option<FaultSpec> {
    match current {
        None => Some(FaultSpec::Business),
        Some(FaultSpec::Business) => Some(FaultSpec::Transient { times: 2 }),
        Some(FaultSpec::Transient { .. }) => Some(FaultSpec::Timeout { times: 1 }),
        Some(FaultSpec::Timeout { .. }) => None,
    }
}

fn next_compensation_fault(current: Option<FaultSpec>) -> Option<FaultSpec> {
    match current {
        None => Some(FaultSpec::Transient { times: 1 }),
        Some(FaultSpec::Transient { times: 1 }) => Some(FaultSpec::Transient { times: 3 }),
        Some(FaultSpec::Transient { .. }) => Some(FaultSpec::Business),
        _ => None,
    }
}

/// A glyph for each step state, so that no state is told by colour alone.
fn state_glyph(state: StepState) -> (&'static str, &'static str) {
    match state {
        StepState::Pending => ("○", "fl-st-pending"),
        StepState::Running { .. } => ("▶", "fl-st-running"),
        StepState::Retrying { .. } => ("↻", "fl-st-retrying"),
        StepState::Done => ("✓", "fl-st-done"),
        StepState::Failed { .. } => ("✗", "fl-st-failed"),
        StepState::Skipped => ("⊘", "fl-st-skipped"),
        StepState::Compensating { .. } | StepState::CompensationRetrying { .. } => ("↶", "fl-st-compensating"),
        StepState::Compensated => ("⟲", "fl-st-compensated"),
        StepState::CompensationFailed { .. } => ("⚠", "fl-st-comp-failed"),
    }
}

fn lanes(player: &Player<SagaSim>, act: &Act) -> Html {
    let sim = player.model();
    let network = player.sim().network();
    let now = player.now();
    let services = sim.definition().services.len();
    let height = lane_y(services) - 6.0;
    let in_flight: Vec<Html> = player
        .sim()
        .trace()
        .recent()
        .filter_map(|e| match &e.event {
            TraceEvent::Sent { from, to, arrives_at, msg } if *arrives_at > now && e.at <= now && from != to => {
                let (x1, y1, x2, y2) = (node_x(*from), node_y(*from, services), node_x(*to), node_y(*to, services));
                let f = (now - e.at) as f64 / (*arrives_at - e.at).max(1) as f64;
                let (x, y) = (x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
                let (shape, class, text) = match msg {
                    SagaMsg::Read { step, compensation, saga, .. } => {
                        ("square", "fl-msg-read", format!("{}read {}", saga_prefix(*saga), op_label(*step, *compensation)))
                    }
                    SagaMsg::ReadReply { values, locked_by: None, saga, .. } => {
                        let shown: Vec<String> = values.values().map(|(v, _)| v.to_string()).collect();
                        ("circle", "fl-msg-ok", format!("{}={}", saga_prefix(*saga), shown.join(",")))
                    }
                    SagaMsg::ReadReply { locked_by: Some(_), saga, .. } => ("circle", "fl-msg-err", format!("{}PENDING", saga_prefix(*saga))),
                    SagaMsg::Write { values, saga, .. } => {
                        let shown: Vec<String> = values.values().map(|v| v.to_string()).collect();
                        ("square", "fl-msg-cmd", format!("{}write {}", saga_prefix(*saga), shown.join(",")))
                    }
                    SagaMsg::Unlock { saga } => ("diamond", "fl-msg-cancel", format!("{}unlock", saga_prefix(*saga))),
                    SagaMsg::Command { step, compensation, saga: Some(n), .. } => {
                        let label = format!("{n}:{}", op_label(*step, *compensation));
                        (if *compensation { "diamond" } else { "square" }, if *compensation { "fl-msg-comp" } else { "fl-msg-cmd" }, label)
                    }
                    SagaMsg::Reply { step, compensation, result, saga: Some(n), .. } => {
                        let ok = *result == ReplyResult::Success;
                        (
                            "circle",
                            if ok { "fl-msg-ok" } else { "fl-msg-err" },
                            format!("{n}:{}{}", op_label(*step, *compensation), if ok { "✓" } else { "✗" }),
                        )
                    }
                    SagaMsg::Command { step, compensation, .. } => {
                        let label = format!("{}{}", if *compensation { 'C' } else { 'T' }, step + 1);
                        (if *compensation { "diamond" } else { "square" }, if *compensation { "fl-msg-comp" } else { "fl-msg-cmd" }, label)
                    }
                    SagaMsg::Reply { step, compensation, result, .. } => {
                        let label = format!("{}{}", if *compensation { 'C' } else { 'T' }, step + 1);
                        let ok = *result == ReplyResult::Success;
                        ("circle", if ok { "fl-msg-ok" } else { "fl-msg-err" }, format!("{label}{}", if ok { "✓" } else { "✗" }))
                    }
                    SagaMsg::Deliver { step, compensation, .. } => {
                        let label = format!("{}{}", if *compensation { 'C' } else { 'T' }, step + 1);
                        ("diamond", if *compensation { "fl-msg-comp" } else { "fl-msg-cmd" }, format!("→{label}"))
                    }
                    SagaMsg::Event { step, compensation, result, .. } => {
                        let label = format!("{}{}", if *compensation { 'C' } else { 'T' }, step + 1);
                        let ok = *result == ReplyResult::Success;
                        ("circle", if ok { "fl-msg-ok" } else { "fl-msg-err" }, format!("{label}{}", if ok { " done" } else { " failed" }))
                    }
                    SagaMsg::Cancel { .. } => ("diamond", "fl-msg-cancel", "cancel".to_string()),
                    SagaMsg::CancelReply { accepted, .. } => (
                        "circle",
                        if *accepted { "fl-msg-cancel" } else { "fl-msg-err" },
                        if *accepted { "cancelled" } else { "refused" }.to_string(),
                    ),
                };
                let glyph = match shape {
                    "square" => html! { <rect x={format!("{:.1}", x - 5.0)} y={format!("{:.1}", y - 5.0)} width="10" height="10" /> },
                    "diamond" => html! { <path d={format!("M{x:.1},{:.1} l6,6 l-6,6 l-6,-6 z", y - 6.0)} /> },
                    _ => html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="5" /> },
                };
                Some(html! {
                    <g class={classes!("fl-msg", class)}>
                        <line class="fl-msg-path" x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                        { glyph }
                        <text class="fl-msg-label" x={format!("{x:.1}")} y={format!("{:.1}", y - 8.0)} text-anchor="middle">{ text.clone() }</text>
                        <title>{ SagaSim::describe_msg(msg) }</title>
                    </g>
                })
            }
            _ => None,
        })
        .collect();
    let node = |n: NodeId, name: String, detail: String| {
        let up = network.is_up(n);
        let onclick = {
            let act = act.clone();
            let fault = if up { Fault::Crash { node: n } } else { Fault::Restart { node: n } };
            Callback::from(move |_: MouseEvent| act.emit(Edit::Fault(fault.clone())))
        };
        let (x, y) = (node_x(n), node_y(n, services));
        let w = if n == ORCHESTRATOR { 112.0 } else { 140.0 };
        let survives = match (n == ORCHESTRATOR, sim.choreography()) {
            (true, false) => "its saga log survives",
            (true, true) => "it keeps no saga state",
            _ => "its database survives",
        };
        html! {
            <g class={classes!("fl-saga-node", if up { "fl-node-up" } else { "fl-node-down" })} role="button" tabindex="0" {onclick}
                aria-label={format!("{name}, {}; click to {} ({survives})", if up { "up" } else { "crashed" }, if up { "crash it" } else { "restart it" })}>
                <rect x={format!("{:.1}", x - w / 2.0)} y={format!("{:.1}", y - 17.0)} width={w.to_string()} height="34" rx="6" />
                <text x={format!("{x:.1}")} y={format!("{:.1}", y - 2.0)} text-anchor="middle">{ if up { name.clone() } else { format!("✗ {name} (crashed)") } }</text>
                <text class="fl-node-detail" x={format!("{x:.1}")} y={format!("{:.1}", y + 11.0)} text-anchor="middle">{ detail }</text>
            </g>
        }
    };
    let orchestrator_detail = match (sim.outcome(), sim.compensating(), sim.started()) {
        (Some(o), _, _) => o.name().to_string(),
        (None, true, _) => "compensating".into(),
        (None, false, true) => "forward".into(),
        (None, false, false) => "waiting to start".into(),
    };
    html! {
        <svg class="fl-saga-lanes" viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img"
            aria-label={format!("The orchestrator and {services} services; {} messages in flight. Click a node to crash or restart it.", in_flight.len())}>
            { for (0..services).map(|i| html! {
                <line class="fl-saga-link" x1={format!("{:.1}", ORCH_X + 56.0)} y1={format!("{:.1}", node_y(0, services))} x2={format!("{:.1}", SERVICE_X - 70.0)} y2={format!("{:.1}", lane_y(i))} />
            }) }
            { for in_flight }
            { node(ORCHESTRATOR, sim.params().coordination.hub().into(), orchestrator_detail) }
            { for sim.participants().iter().enumerate().map(|(i, p)| {
                let steps: Vec<String> = sim.definition().steps.iter().enumerate().filter(|(_, s)| s.service == p.name).map(|(j, _)| format!("T{}", j + 1)).collect();
                let detail = if p.deduplicated > 0 { format!("{} · {} deduplicated", steps.join(" "), p.deduplicated) } else { steps.join(" ") };
                node(i as NodeId + 1, p.name.clone(), detail)
            }) }
        </svg>
    }
}

fn op_label(step: usize, compensation: bool) -> String {
    format!("{}{}", if compensation { 'C' } else { 'T' }, step + 1)
}

/// `2:` for saga 2 when several sagas are in flight, nothing for a single saga.
fn saga_prefix(saga: Option<u32>) -> String {
    saga.map(|n| format!("{n}:")).unwrap_or_default()
}

/// A short name for a message on the sequence diagram.
fn msg_label(msg: &SagaMsg) -> (String, &'static str) {
    let op = op_label;
    match msg {
        SagaMsg::Read { step, compensation, saga, .. } => (format!("{}read {}", saga_prefix(*saga), op(*step, *compensation)), "fl-seq-read"),
        SagaMsg::ReadReply { values, locked_by: None, saga, .. } => {
            let shown: Vec<String> = values.values().map(|(v, version)| format!("{v} v{version}")).collect();
            (format!("{}{}", saga_prefix(*saga), shown.join(",")), "fl-seq-ok")
        }
        SagaMsg::ReadReply { locked_by: Some(h), saga, .. } => (format!("{}PENDING ({h})", saga_prefix(*saga)), "fl-seq-err"),
        SagaMsg::Write { values, saga, .. } => {
            let shown: Vec<String> = values.values().map(|v| v.to_string()).collect();
            (format!("{}write {}", saga_prefix(*saga), shown.join(",")), "fl-seq-cmd")
        }
        SagaMsg::Unlock { saga } => (format!("{}unlock", saga_prefix(*saga)), "fl-seq-cancel"),
        SagaMsg::Command { step, compensation, saga: Some(n), .. } => {
            (format!("{n}:{}", op(*step, *compensation)), if *compensation { "fl-seq-comp" } else { "fl-seq-cmd" })
        }
        SagaMsg::Reply { step, compensation, result, saga: Some(n), .. } => {
            let ok = *result == ReplyResult::Success;
            (format!("{n}:{}{}", op(*step, *compensation), if ok { "✓" } else { "✗" }), if ok { "fl-seq-ok" } else { "fl-seq-err" })
        }
        SagaMsg::Command { step, compensation, .. } => (op(*step, *compensation), if *compensation { "fl-seq-comp" } else { "fl-seq-cmd" }),
        SagaMsg::Reply { step, compensation, result, .. } => {
            let ok = *result == ReplyResult::Success;
            (format!("{}{}", op(*step, *compensation), if ok { "✓" } else { "✗" }), if ok { "fl-seq-ok" } else { "fl-seq-err" })
        }
        SagaMsg::Deliver { step, compensation, .. } => {
            (format!("→{}", op(*step, *compensation)), if *compensation { "fl-seq-comp" } else { "fl-seq-cmd" })
        }
        SagaMsg::Event { step, compensation, result, .. } => {
            let ok = *result == ReplyResult::Success;
            (format!("{}{}", op(*step, *compensation), if ok { " done" } else { " failed" }), if ok { "fl-seq-ok" } else { "fl-seq-err" })
        }
        SagaMsg::Cancel { .. } => ("cancel".into(), "fl-seq-cancel"),
        SagaMsg::CancelReply { accepted, .. } => ((if *accepted { "cancelled" } else { "refused" }).into(), "fl-seq-cancel"),
    }
}

/// A Lamport-style diagram of the last seconds: one column per node, time downward, ending at
/// the cursor; lost messages end in ✗.
fn sequence_view(player: &Player<SagaSim>) -> Html {
    let sim = player.model();
    let lanes: Vec<String> =
        std::iter::once(sim.params().coordination.hub().to_string()).chain(sim.participants().iter().map(|p| p.name.clone())).collect();
    let layout = sequence::Layout { width: 330.0, height: 200.0, top: 22.0, left: 34.0, label_size: 9.6 };
    let style: sequence::MsgStyle<SagaSim> = |msg| {
        let (text, class) = msg_label(msg);
        (class, Some(text))
    };
    let drawn = sequence::sequence_svg(player, &lanes, 2_500_000, &layout, usize::MAX, style, "Sequence diagram of the saga's recent messages");
    html! {
        <figure class="fl-saga-sequence">
            <figcaption>{"Messages of the last 2.5 s (time runs downward; dashed: still in flight; ✗: lost)"}</figcaption>
            { drawn.svg }
        </figure>
    }
}

fn step_list(player: &Player<SagaSim>, act: &Act) -> Html {
    let sim = player.model();
    let def = sim.definition();
    html! {
        <ol class="fl-saga-steps" aria-label="The saga's steps; click a step to choose its fault">
            { for def.steps.iter().enumerate().map(|(i, step)| {
                let state = sim.step_state(i);
                let (glyph, class) = state_glyph(state);
                let pivot = step.kind == StepKind::Pivot;
                let forward_fault = sim.fault((i, false));
                let comp_fault = sim.fault((i, true));
                let cycle_forward = {
                    let act = act.clone();
                    let next = next_forward_fault(forward_fault);
                    Callback::from(move |_: MouseEvent| act.emit(Edit::Command(SagaCommand::SetFault { step: i + 1, compensation: false, fault: next })))
                };
                let cycle_comp = {
                    let act = act.clone();
                    let next = next_compensation_fault(comp_fault);
                    Callback::from(move |_: MouseEvent| act.emit(Edit::Command(SagaCommand::SetFault { step: i + 1, compensation: true, fault: next })))
                };
                // A compensable step without a compensation only read: it has nothing to undo
                // (not "compensable · no compensation", which reads as a contradiction).
                let read_only = step.compensation.is_none() && step.kind == StepKind::Compensable && !pivot;
                let kind = if pivot { "◆ pivot".to_string() } else if read_only { "nothing to undo".to_string() } else { step.kind.name().to_string() };
                let condition = step.condition.as_ref().map(|c| format!(" · only if {c}")).unwrap_or_default();
                let condition = if step.compensation.is_none() && !read_only { format!("{condition} · no compensation") } else { condition };
                html! {
                    <li class={classes!("fl-saga-step", class, pivot.then_some("fl-saga-pivot"))} data-step={(i + 1).to_string()} data-state={state.name()}>
                        <button type="button" class="fl-saga-step-main" onclick={cycle_forward}
                            title="Click to cycle this step's fault: none → business → transient ×2 → timeout ×1">
                            <span class="fl-saga-glyph" aria-hidden="true">{ glyph }</span>
                            <span class="fl-saga-label">{ format!("T{}", i + 1) }</span>
                            <span class="fl-saga-action">{ format!("{} @ {}", step.action.name, step.service) }</span>
                            <span class="fl-saga-kind">{ format!("{kind}{condition}") }</span>
                            <span class="fl-saga-state">{ state.name() }</span>
                            <span class="fl-saga-fault">{ forward_fault.map(|f| format!("⚡ {}", f.describe())).unwrap_or_default() }</span>
                        </button>
                        { match &step.compensation {
                            Some(c) => html! {
                                <button type="button" class="fl-saga-comp" onclick={cycle_comp}
                                    title="Click to cycle the compensation's fault: none → fails once → fails 3 times → business">
                                    { format!("C{} {}", i + 1, c.name) }
                                    { comp_fault.map(|f| format!(" ⚡ {}", f.describe())).unwrap_or_default() }
                                </button>
                            },
                            None => Html::default(),
                        } }
                    </li>
                }
            }) }
        </ol>
    }
}

/// With several sagas in flight: one row per saga, so the sagas can be told apart in the
/// picture and the sequence diagram (their messages are labelled `2:T1`).
fn saga_runs(sim: &SagaSim) -> Html {
    if sim.runs().len() < 2 {
        return Html::default();
    }
    html! {
        <table class="fl-saga-runs" aria-label="The sagas in flight">
            <caption>{ format!("{} sagas in flight · {}", sim.runs().len(), sim.params().countermeasure.title()) }</caption>
            <thead><tr><th scope="col">{"saga"}</th><th scope="col">{"starts"}</th><th scope="col">{"state"}</th><th scope="col">{"history"}</th></tr></thead>
            <tbody>
                { for sim.runs().iter().enumerate().map(|(k, run)| {
                    let status = run.status();
                    let glyph = match status {
                        "completed" => "✓",
                        "rolled back" => "⟲",
                        "failed" => "⚠",
                        "running" => "▶",
                        _ => "○",
                    };
                    html! {
                        <tr data-saga={(k + 1).to_string()} data-outcome={status}>
                            <th scope="row">{ format!("saga {}", k + 1) }</th>
                            <td class="fl-num">{ format!("{:.1} s", run.start_ms / 1000.0) }</td>
                            <td class="fl-saga-run-state"><span aria-hidden="true">{ format!("{glyph} ") }</span>{ status }</td>
                            <td><code>{ if run.history().is_empty() { "—".to_string() } else { render(run.history()) } }</code></td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

fn participant_tables(sim: &SagaSim) -> Html {
    let def = sim.definition();
    html! {
        <div class="fl-saga-state-tables">
            { for sim.participants().iter().enumerate().map(|(i, p)| {
                let start = &def.services[i];
                html! {
                    <table class="fl-saga-table" data-service={p.name.clone()}>
                        <caption>{ p.name.clone() }</caption>
                        <tbody>
                            { for p.cells.iter().map(|(cell, value)| {
                                let delta = value - start.cells.get(cell).copied().unwrap_or(0);
                                let lock = p.locks.get(cell).map(|s| format!(" PENDING (saga {})", s + 1)).unwrap_or_default();
                                html! {
                                    <tr data-cell={cell.clone()} data-locked={(!lock.is_empty()).to_string()}>
                                        <th scope="row">{ cell.clone() }<span class="fl-saga-lock">{ lock }</span></th>
                                        <td class="fl-num">{ value.to_string() }</td>
                                        <td class={classes!("fl-num", "fl-delta", (delta != 0).then_some("fl-delta-moved"))}>{ if delta == 0 { String::new() } else { format!("{delta:+}") } }</td>
                                    </tr>
                                }
                            }) }
                            { for p.rows.iter().map(|(key, status)| html! {
                                <tr><th scope="row">{ key.clone() }</th><td colspan="2" class="fl-status">{ status.clone() }</td></tr>
                            }) }
                            { if p.cells.is_empty() && p.rows.is_empty() { html! { <tr><td colspan="3" class="fl-empty">{"(nothing yet)"}</td></tr> } } else { Html::default() } }
                        </tbody>
                    </table>
                }
            }) }
        </div>
    }
}

fn invariants_panel(sim: &SagaSim) -> Html {
    let violations = check(sim);
    let rules = [
        ("history", "History is T1..Tn or T1..Tj Cj..C1"),
        ("exactly_once", "Every action took effect as often as the history says"),
        ("conservation", "Money and stock are conserved at rest"),
        ("left_in_effect", "Nothing moved is left in effect after a rollback"),
        ("isolation", "No accepted cancel is overwritten (isolation)"),
        ("lost_update", "No saga's write erases another's it never read (lost update)"),
        ("dirty_read", "No saga acts on a value another saga later undid (dirty read)"),
    ];
    let sums = conserved_sums(sim);
    html! {
        <section class="fl-saga-invariants" aria-label="Invariants">
            <p class="fl-saga-history">
                <strong>{"History: "}</strong>
                <code data-history={render_final(sim.history())}>{ if sim.history().is_empty() { "—".to_string() } else { render(sim.history()) } }</code>
                <span class="fl-saga-outcome">{ format!(" · {}", sim.outcome().map_or(if sim.started() { "running" } else { "not started" }, |o| o.name())) }</span>
            </p>
            <ul>
                { for rules.iter().map(|(rule, text)| {
                    let broken: Vec<&str> = violations.iter().filter(|v| v.rule == *rule).map(|v| v.why.as_str()).collect();
                    let ok = broken.is_empty();
                    html! {
                        <li class={classes!("fl-inv", if ok { "fl-inv-ok" } else { "fl-inv-broken" })} data-rule={rule.to_string()}>
                            <span aria-hidden="true">{ if ok { "✓ " } else { "✗ " } }</span>
                            { *text }
                            { if ok { html! { <span class="fl-sr">{" (holds)"}</span> } } else { html! { <ul class="fl-why">{ for broken.iter().map(|w| html! { <li>{ w.to_string() }</li> }) }</ul> } } }
                        </li>
                    }
                }) }
            </ul>
            { if sums.is_empty() { Html::default() } else { html! {
                <p class="fl-saga-sums">{ for sums.iter().map(|(g, (start, now))| html! { <span>{ format!("{g}: {now} (start {start}) ") }</span> }) }</p>
            } } }
        </section>
    }
}

/// New parameters with a built-in definition; step faults refer to steps, so they go.
fn with_definition(params: &SagaParams, name: &str) -> Option<SagaParams> {
    Definition::builtin(name).map(|definition| SagaParams { definition, faults: Vec::new(), ..params.clone() })
}

impl WidgetView for SagaSim {
    fn visual(session: &Session<SagaSim>, act: &Act) -> Html {
        let player = session.player();
        let sim = player.model();
        html! {
            <div class="fl-saga">
                <p class="fl-saga-legend">{ format!("{} · {} · {} · {} · click a step to make it fail, a node to crash it",
                    sim.definition().title, sim.params().engine.describe(), sim.params().coordination.name(),
                    if sim.choreography() { "◆ event delivered  ● event published" } else { "■ command  ◆ compensation  ● reply" }) }</p>
                <div class="fl-saga-top">
                    <div class="fl-saga-left">{ lanes(player, act) }</div>
                    <div class="fl-saga-right">
                        { if sim.runs().len() > 1 { html! { <p class="fl-saga-steps-of">{"Steps of saga 1 (the others in the table below)"}</p> } } else { Html::default() } }
                        { step_list(player, act) }
                    </div>
                </div>
            </div>
        }
    }

    fn details(session: &Session<SagaSim>, _act: &Act) -> Html {
        let player = session.player();
        let sim = player.model();
        html! {
            <div class="fl-saga-details">
                { participant_tables(sim) }
                { sequence_view(player) }
                { saga_runs(sim) }
                { invariants_panel(sim) }
            </div>
        }
    }

    fn controls(session: &Session<SagaSim>, act: &Act) -> Html {
        let params = session.params();
        let edit = |f: fn(&mut SagaParams, f64)| param_edit(params, act, f);
        let toggle = |f: fn(&mut SagaParams, bool)| param_edit(params, act, f);
        let definition = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |name: String| {
                if let Some(p) = with_definition(&params, &name) {
                    act.emit(Edit::Params(p));
                }
            })
        };
        let engine = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |name: String| {
                if let Ok(kind) = name.parse::<EngineKind>() {
                    // Redelivery is Eventuate's broker: another engine starts without it.
                    let broker_redelivery = params.engine.broker_redelivery && kind == EngineKind::EventuateTram;
                    act.emit(Edit::Params(SagaParams { engine: EngineSpec { kind, broker_redelivery, ..params.engine }, ..params.clone() }));
                }
            })
        };
        let engines: Vec<(&str, &str)> = EngineKind::ALL.iter().map(|k| (k.name(), k.title())).collect();
        let coordinations: Vec<(&str, &str)> = Coordination::ALL.iter().map(|c| (c.name(), c.name())).collect();
        let coordination = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |name: String| {
                if let Ok(coordination) = name.parse::<Coordination>() {
                    act.emit(Edit::Params(SagaParams { coordination, ..params.clone() }));
                }
            })
        };
        let definitions: Vec<(&str, &str)> = Definition::BUILTIN.to_vec();
        let countermeasures: Vec<(&str, &str)> = Countermeasure::ALL.iter().map(|c| (c.name(), c.title())).collect();
        let countermeasure = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |name: String| {
                if let Ok(countermeasure) = name.parse::<Countermeasure>() {
                    act.emit(Edit::Params(SagaParams { countermeasure, ..params.clone() }));
                }
            })
        };
        let lossy = {
            let act = act.clone();
            button(
                "Lose 30% of messages (from now)",
                "fl-fault-button",
                Callback::from(move |_| act.emit(Edit::Fault(Fault::DropRate { probability: 0.3 }))),
            )
        };
        let lossless = {
            let act = act.clone();
            button("Stop losing messages", "fl-fault-button", Callback::from(move |_| act.emit(Edit::Fault(Fault::DropRate { probability: 0.0 }))))
        };
        let network = session.player().sim().network();
        let groups = network.partition_groups();
        let partitions: Vec<Html> = params
            .definition
            .services
            .iter()
            .enumerate()
            .map(|(i, svc)| {
                let node = i as NodeId + 1;
                let act = act.clone();
                let fault = Fault::isolate(node, &groups);
                button(&format!("Partition {} away", svc.name), "fl-fault-button", Callback::from(move |_| act.emit(Edit::Fault(fault.clone()))))
            })
            .collect();
        let heal = if groups.is_empty() {
            Html::default()
        } else {
            let act = act.clone();
            button("Heal the partition", "fl-fault-button", Callback::from(move |_| act.emit(Edit::Fault(Fault::Heal))))
        };
        let inputs: Vec<Html> = params
            .definition
            .inputs
            .keys()
            .map(|flag| {
                let (params, act, flag) = (params.clone(), act.clone(), flag.clone());
                let on = params.definition.inputs.get(&flag).copied().unwrap_or(false);
                checkbox(
                    &format!("Saga input {flag} (a conditional step runs only if on)"),
                    on,
                    Callback::from(move |v: bool| {
                        let mut p = params.clone();
                        p.definition.inputs.insert(flag.clone(), v);
                        act.emit(Edit::Params(p));
                    }),
                )
            })
            .collect();
        let temporal = params.engine.kind == EngineKind::Temporal;
        let cancel = if cancellable_row(&params.definition).is_some() {
            let act = act.clone();
            html! {
                <fieldset>
                    <legend>{"Isolation"}</legend>
                    { checkbox("Semantic lock: a …_PENDING order refuses changes (Richardson's countermeasure)", params.semantic_lock, toggle(|p, v| p.semantic_lock = v)) }
                    { button("Customer cancels the order (now)", "fl-op fl-saga-cancel", Callback::from(move |_| act.emit(Edit::Command(SagaCommand::CancelOrder)))) }
                </fieldset>
            }
        } else {
            Html::default()
        };
        html! {
            <div class="fl-control-groups">
                <fieldset>
                    <legend>{"Saga"}</legend>
                    { select("Definition", &definitions, &params.definition.name, definition) }
                    { select("Engine semantics", &engines, params.engine.kind.name(), engine) }
                    { select("Coordination", &coordinations, params.coordination.name(), coordination) }
                    { if params.engine.kind == EngineKind::EventuateTram { html! {
                        { checkbox("Broker redelivery: a lost message is delivered again (at-least-once)", params.engine.broker_redelivery, toggle(|p, v| p.engine.broker_redelivery = v)) }
                    } } else { Html::default() } }
                    { if temporal { html! { <>
                        { checkbox("parallelCompensation", params.engine.parallel_compensation, toggle(|p, v| p.engine.parallel_compensation = v)) }
                        { checkbox("continueWithError (sequential only)", params.engine.continue_with_error, toggle(|p, v| p.engine.continue_with_error = v)) }
                    </> } } else { Html::default() } }
                    { for inputs }
                </fieldset>
                <fieldset>
                    <legend>{"Retry policy (Temporal RetryOptions)"}</legend>
                    { slider("Initial interval", "ms", 100.0, 5_000.0, 100.0, params.retry.initial_interval_ms, edit(|p, v| p.retry.initial_interval_ms = v)) }
                    { slider("Backoff coefficient", "×", 1.0, 4.0, 0.5, params.retry.backoff_coefficient, edit(|p, v| p.retry.backoff_coefficient = v)) }
                    { slider("Maximum attempts (0 = unlimited)", "", 0.0, 10.0, 1.0, params.retry.maximum_attempts as f64, edit(|p, v| p.retry.maximum_attempts = v as u32)) }
                </fieldset>
                <fieldset>
                    <legend>{"Delivery"}</legend>
                    { checkbox("Idempotency: services deduplicate by key", params.idempotency, toggle(|p, v| p.idempotency = v)) }
                    { checkbox("Duplicate delivery: every command arrives twice", params.duplicate_delivery, toggle(|p, v| p.duplicate_delivery = v)) }
                    { lossy }{ lossless }
                </fieldset>
                <fieldset>
                    <legend>{"Network (from the cursor on)"}</legend>
                    <p class="fl-saga-hint">{"Click a node in the picture to crash or restart it."}</p>
                    { for partitions }{ heal }
                </fieldset>
                <fieldset class="fl-saga-concurrency">
                    <legend>{"Concurrent sagas on shared data"}</legend>
                    { slider("Sagas in flight", "", 1.0, f64::from(MAX_SAGAS), 1.0, f64::from(params.sagas), edit(|p, v| p.sagas = v as u32)) }
                    { slider("Start spacing", "ms", 0.0, MAX_SPACING_MS.min(2_000.0), 50.0, params.spacing_ms, edit(|p, v| p.spacing_ms = v)) }
                    { select("Countermeasure", &countermeasures, params.countermeasure.name(), countermeasure) }
                </fieldset>
                { cancel }
            </div>
        }
    }
}
