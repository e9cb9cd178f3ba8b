//! The circuit-breaker widget: the state machine, its sliding window, and a downstream you can
//! break. All rules live in `faultline_core::patterns::breaker`.

use crate::web::html::prelude::*;
use faultline_core::engine::{Fault, Latency};
use faultline_core::narrate::format_time;
use faultline_core::patterns::breaker::diagram::state_box;
use faultline_core::patterns::breaker::simulation::DOWNSTREAM;
use faultline_core::patterns::breaker::{
    Breaker, BreakerCommand, BreakerConfig, BreakerParams, BreakerSim, BreakerSpec, HystrixConfig, Library, Operation, Outcome, PollyConfig,
    SlidingWindow, SlidingWindowType, State,
};
use faultline_core::player::Player;

use super::controls::{button, checkbox, select, slider};
use crate::web::widget::WidgetView;
use faultline_core::session::{Edit, Session};

type Act = Callback<Edit<BreakerSim>>;

fn state_class(state: State) -> &'static str {
    match state {
        State::Closed => "fl-state-closed",
        State::Open | State::ForcedOpen => "fl-state-open",
        State::HalfOpen => "fl-state-half",
        _ => "fl-state-other",
    }
}

fn state_diagram(sim: &BreakerSim, now: u64) -> Html {
    let current = sim.breaker().state();
    let last = sim.recent_transitions().back().cloned();
    let recent = last.as_ref().filter(|t| now.saturating_sub(t.at) < 2_000_000);
    let arrows = [
        (State::Closed, State::Open, "M150,50 L330,50", 240.0, 28.0, "failure or slow rate\n≥ threshold"),
        (State::Open, State::HalfOpen, "M382,84 L304,124", 372.0, 124.0, "wait elapsed"),
        (State::HalfOpen, State::Closed, "M190,140 L100,82", 110.0, 120.0, "probes healthy"),
        (State::HalfOpen, State::Open, "M290,160 Q400,160 400,84", 390.0, 175.0, "probes fail"),
    ];
    html! {
        <svg class="fl-breaker-diagram" viewBox="0 0 480 270" role="img"
            aria-label={format!("Breaker state machine, current state {current}")}>
            <defs>
                <marker id="fl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="fl-arrowhead" />
                </marker>
            </defs>
            { for arrows.iter().map(|(from, to, d, lx, ly, label)| {
                let fired = recent.is_some_and(|t| t.from == *from && t.to == *to);
                html! {
                    <g class={classes!("fl-arrow", fired.then_some("fl-arrow-fired"))}>
                        <path d={*d} marker-end="url(#fl-arrow)" />
                        // Two short lines rather than one long one: the label stays between the
                        // boxes when a narrow widget draws it larger.
                        <text x={lx.to_string()} y={ly.to_string()} text-anchor="middle">
                            { for label.split('\n').enumerate().map(|(i, line)| html! {
                                <tspan x={lx.to_string()} dy={if i == 0 { "0" } else { "1.1em" }}>{ line }</tspan>
                            }) }
                        </text>
                    </g>
                }
            }) }
            <text x="240" y="196" text-anchor="middle" class="fl-diagram-caption">{"special states (set by an operator)"}</text>
            { for State::ALL.iter().map(|s| {
                let (x, y, glyph) = state_box(*s);
                let is_current = *s == current;
                html! {
                    <g class={classes!("fl-state", state_class(*s), is_current.then_some("fl-state-current"))}>
                        <rect x={(x - 62.0).to_string()} y={(y - 24.0).to_string()} width="124" height="48" rx="10" />
                        <text x={x.to_string()} y={(y - 4.0).to_string()} text-anchor="middle" class="fl-state-name">{ s.to_string() }</text>
                        <text x={x.to_string()} y={(y + 14.0).to_string()} text-anchor="middle" class="fl-state-glyph">
                            { if is_current { format!("{glyph}  ◀ now") } else { glyph.to_string() } }
                        </text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn outcome_cell(outcome: Option<Outcome>) -> (&'static str, &'static str, &'static str) {
    match outcome {
        None => ("fl-cell-empty", "·", "empty"),
        Some(Outcome::Success) => ("fl-cell-ok", "✓", "success"),
        Some(Outcome::Error) => ("fl-cell-err", "✗", "failure"),
        Some(Outcome::SlowSuccess) => ("fl-cell-slow", "◔", "slow success"),
        Some(Outcome::SlowError) => ("fl-cell-err", "⊗", "slow failure"),
    }
}

/// One bucket of a window as a bar: its height the calls (against the busiest bucket), the
/// failed part drawn over it in the failure colour, the count under it. The same picture for
/// resilience4j's seconds, Polly's health sub-windows and Hystrix's health buckets.
fn bucket_bar(calls: u64, failed: u64, max: u64, title: String, label: String) -> Html {
    let scale = |n: u64| 40.0 * n as f64 / max.max(1) as f64;
    let (h, hf) = (scale(calls), scale(failed.min(calls)));
    html! {
        <li class="fl-bucket" {title}>
            <svg viewBox="0 0 10 40" preserveAspectRatio="none" aria-hidden="true">
                <rect class="fl-bar-ok" x="0" y={(40.0 - h).to_string()} width="10" height={h.to_string()} />
                <rect class="fl-bar-err" x="0" y={(40.0 - hf).to_string()} width="10" height={hf.to_string()} />
            </svg>
            <span>{ label }</span>
        </li>
    }
}

fn window_view(sim: &BreakerSim, now: u64) -> Html {
    let m = sim.breaker().metrics(now);
    let header = html! {
        <p class="fl-window-figures">
            { format!("{} buffered · {} failed · {} slow · {} rejected · failure rate {}", m.buffered, m.failed, m.slow, m.not_permitted,
                if m.failure_rate < 0.0 { "not computed yet (below the minimum)".to_string() } else { format!("{:.0}%", m.failure_rate) }) }
        </p>
    };
    let body = match sim.breaker() {
        Breaker::Resilience4j(b) => match b.window() {
            SlidingWindow::CountBased(w) => {
                let head = w.head();
                html! {
                    <ol class="fl-cells" aria-label="COUNT_BASED window: the last calls, one cell each">
                        { for w.cells().iter().enumerate().map(|(i, c)| {
                            let (class, glyph, text) = outcome_cell(c.map(|c| c.outcome));
                            html! { <li class={classes!("fl-cell", class, (i == head).then_some("fl-cell-head"))} title={text}>{ glyph }</li> }
                        }) }
                    </ol>
                }
            }
            SlidingWindow::TimeBased(w) => {
                let buckets = w.buckets_at(now);
                let max = buckets.iter().map(|b| b.aggregation.calls).max().unwrap_or(0);
                html! {
                    <ol class="fl-buckets" aria-label="TIME_BASED window: one bucket per second">
                        { for buckets.iter().map(|b| {
                            let a = &b.aggregation;
                            let title = format!("second {}: {} calls, {} failed, {} slow", b.epoch_second, a.calls, a.failed_calls, a.slow_calls);
                            bucket_bar(a.calls.into(), a.failed_calls.into(), max.into(), title, a.calls.to_string())
                        }) }
                    </ol>
                }
            }
        },
        Breaker::Polly(p) => {
            let windows = p.health_windows(now);
            let max = windows.iter().map(|w| u64::from(w.successes) + u64::from(w.failures)).max().unwrap_or(0);
            html! {
                <ol class="fl-buckets" aria-label="Polly health sub-windows">
                    { for windows.iter().map(|w| {
                        let calls = u64::from(w.successes) + u64::from(w.failures);
                        let title = format!("from {}: {} ok, {} failed", format_time(w.started_at), w.successes, w.failures);
                        bucket_bar(calls, w.failures.into(), max, title, calls.to_string())
                    }) }
                </ol>
            }
        }
        Breaker::Hystrix(h) => {
            let (buckets, current) = h.health_buckets();
            let all: Vec<_> = buckets.iter().chain(std::iter::once(&current)).collect();
            let max = all.iter().map(|b| b.requests).max().unwrap_or(0);
            html! {
                <ol class="fl-buckets" aria-label="Hystrix health buckets (health_snapshot_interval_ms each)">
                    { for all.iter().map(|b| {
                        let title = format!("{} requests, {} errors", b.requests, b.errors);
                        bucket_bar(b.requests, b.errors, max, title, b.requests.to_string())
                    }) }
                </ol>
            }
        }
    };
    html! { <div class="fl-window"><h3>{ format!("Sliding window ({})", sim.params().breaker.library().title()) }</h3>{ header }{ body }</div> }
}

/// The client's offered load, and its retries when it has them (rejections count attempts).
fn client_load(sim: &BreakerSim) -> String {
    let retries = sim.params().retry.max_retries;
    if retries > 0 {
        format!("{:.0} calls/s + up to {retries} retries each", sim.load())
    } else {
        format!("{:.0} calls/s", sim.load())
    }
}

fn system_view(player: &Player<BreakerSim>, act: &Act) -> Html {
    let sim = player.model();
    let down = !player.sim().network().is_up(DOWNSTREAM);
    let p = sim.failure_probability();
    let health = if down { "DOWN (crashed)".to_string() } else { format!("fails {:.0}%", p * 100.0) };
    let crash = {
        let act = act.clone();
        let fault = if down { Fault::Restart { node: DOWNSTREAM } } else { Fault::Crash { node: DOWNSTREAM } };
        button(
            if down { "Restart downstream" } else { "Crash downstream" },
            "fl-fault-button",
            Callback::from(move |_| act.emit(Edit::Fault(fault.clone()))),
        )
    };
    let health_slider = {
        let act = act.clone();
        slider(
            "Downstream failure rate",
            "%",
            0.0,
            100.0,
            5.0,
            (p * 100.0).round(),
            Callback::from(move |v: f64| act.emit(Edit::Command(BreakerCommand::SetFailureProbability { probability: v / 100.0 }))),
        )
    };
    html! {
        <div class="fl-system">
            <div class="fl-system-row" aria-label="The system">
                <div class="fl-box">{"client"}<small>{ client_load(sim) }</small></div>
                <span class="fl-pipe">{"→"}</span>
                <div class={classes!("fl-box", "fl-box-breaker", state_class(sim.breaker().state()))}>{"breaker"}<small>{ sim.breaker().state().to_string() }</small></div>
                <span class="fl-pipe">{"→"}</span>
                <div class={classes!("fl-box", if down || p >= 0.5 { "fl-box-sick" } else { "fl-box-ok" })}>
                    {"downstream"}<small>{ format!("{health} · {} in flight", sim.downstream_in_flight()) }</small>
                </div>
            </div>
            <div class="fl-system-controls">
                // While the downstream is down the failure rate has nothing to act on: the slider is
                // disabled and says when it applies again.
                <fieldset class="fl-health" disabled={down}>
                    { health_slider }
                    if down { <small class="fl-disabled-why">{"The downstream is down: every call fails or times out. This rate applies once it restarts."}</small> }
                </fieldset>
                { crash }
            </div>
        </div>
    }
}

/// A callback that edits one field of a library's config and restarts the run with it.
fn config_setter<C: Clone + 'static, V: 'static>(
    config: &C,
    params: &BreakerParams,
    act: &Act,
    wrap: fn(C) -> BreakerSpec,
    apply: fn(&mut C, V),
) -> Callback<V> {
    let (config, params, act) = (config.clone(), params.clone(), act.clone());
    Callback::from(move |value: V| {
        let mut config = config.clone();
        apply(&mut config, value);
        act.emit(Edit::Params(BreakerParams { breaker: wrap(config), ..params.clone() }));
    })
}

fn r4j_controls(c: &BreakerConfig, params: &BreakerParams, act: &Act) -> Html {
    let set = |f: fn(&mut BreakerConfig, f64)| config_setter(c, params, act, BreakerSpec::Resilience4j, f);
    let window_type = config_setter(c, params, act, BreakerSpec::Resilience4j, |c, v: String| {
        if let Ok(window) = v.parse() {
            c.sliding_window_type = window;
        }
    });
    let automatic = config_setter(c, params, act, BreakerSpec::Resilience4j, |c, on: bool| {
        c.automatic_transition_from_open_to_half_open_enabled = on;
    });
    let backoff = config_setter(c, params, act, BreakerSpec::Resilience4j, |c, on: bool| *c = c.clone().with_exponential_backoff(on));
    let windows: Vec<(&str, &str)> = SlidingWindowType::ALL.iter().map(|w| (w.name(), w.name())).collect();
    // With an interval function the first wait lives in it (resilience4j refuses both).
    let wait_label =
        if c.wait_interval_function_in_open_state.is_some() { "waitIntervalFunctionInOpenState: first wait" } else { "waitDurationInOpenState" };
    html! {
        <>
            { slider("failureRateThreshold", "%", 1.0, 100.0, 1.0, c.failure_rate_threshold as f64, set(|c, v| c.failure_rate_threshold = v as f32)) }
            { select("slidingWindowType", &windows, c.sliding_window_type.name(), window_type) }
            { slider("slidingWindowSize", c.sliding_window_type.size_unit(), 1.0, 100.0, 1.0, c.sliding_window_size as f64, set(|c, v| c.sliding_window_size = v as u32)) }
            { slider("minimumNumberOfCalls", "calls", 1.0, 100.0, 1.0, c.minimum_number_of_calls as f64, set(|c, v| c.minimum_number_of_calls = v as u32)) }
            { slider(wait_label, "ms", 500.0, 30_000.0, 500.0, c.first_wait_ms() as f64, set(|c, v| *c = c.clone().with_first_wait_ms(v as u64))) }
            { slider("permittedNumberOfCallsInHalfOpenState", "calls", 1.0, 20.0, 1.0, c.permitted_number_of_calls_in_half_open_state as f64, set(|c, v| c.permitted_number_of_calls_in_half_open_state = v as u32)) }
            { slider("slowCallRateThreshold", "%", 1.0, 100.0, 1.0, c.slow_call_rate_threshold as f64, set(|c, v| c.slow_call_rate_threshold = v as f32)) }
            { slider("slowCallDurationThreshold", "ms", 50.0, 5_000.0, 50.0, c.slow_call_duration_threshold_ms as f64, set(|c, v| c.slow_call_duration_threshold_ms = v as u64)) }
            { slider("maxWaitDurationInHalfOpenState (0 = wait for the probes)", "ms", 0.0, 30_000.0, 500.0, c.max_wait_duration_in_half_open_state_ms as f64, set(|c, v| c.max_wait_duration_in_half_open_state_ms = v as u64)) }
            { checkbox("automaticTransitionFromOpenToHalfOpenEnabled", c.automatic_transition_from_open_to_half_open_enabled, automatic) }
            { checkbox("waitIntervalFunctionInOpenState: exponential backoff (×2 per re-open, from the wait above, capped at 60 s)", c.wait_interval_function_in_open_state.is_some(), backoff) }
        </>
    }
}

fn polly_controls(c: &PollyConfig, params: &BreakerParams, act: &Act) -> Html {
    let set = |f: fn(&mut PollyConfig, f64)| config_setter(c, params, act, BreakerSpec::Polly, f);
    html! {
        <>
            { slider("FailureRatio", "", 0.05, 1.0, 0.05, c.failure_ratio, set(|c, v| c.failure_ratio = v)) }
            { slider("MinimumThroughput", "calls", 2.0, 100.0, 1.0, c.minimum_throughput as f64, set(|c, v| c.minimum_throughput = v as u32)) }
            { slider("SamplingDuration", "ms", 500.0, 30_000.0, 500.0, c.sampling_duration_ms as f64, set(|c, v| c.sampling_duration_ms = v as u64)) }
            { slider("BreakDuration", "ms", 500.0, 30_000.0, 500.0, c.break_duration_ms as f64, set(|c, v| c.break_duration_ms = v as u64)) }
        </>
    }
}

fn hystrix_controls(c: &HystrixConfig, params: &BreakerParams, act: &Act) -> Html {
    let set = |f: fn(&mut HystrixConfig, f64)| config_setter(c, params, act, BreakerSpec::Hystrix, f);
    html! {
        <>
            { slider("errorThresholdPercentage", "%", 1.0, 100.0, 1.0, c.error_threshold_percentage as f64, set(|c, v| c.error_threshold_percentage = v as u32)) }
            { slider("requestVolumeThreshold", "calls", 1.0, 100.0, 1.0, c.request_volume_threshold as f64, set(|c, v| c.request_volume_threshold = v as u32)) }
            { slider("sleepWindowInMilliseconds", "ms", 500.0, 30_000.0, 500.0, c.sleep_window_ms as f64, set(|c, v| c.sleep_window_ms = v as u64)) }
        </>
    }
}

impl WidgetView for BreakerSim {
    fn visual(session: &Session<BreakerSim>, act: &Act) -> Html {
        let player = session.player();
        let sim = player.model();
        let now = player.now();
        let last = sim.last_transition();
        html! {
            <>
                { system_view(player, act) }
                { state_diagram(sim, now) }
                <p class="fl-last-rule" aria-live="off">{ last.map(|l| format!("Rule that fired last: {l}")).unwrap_or_else(|| "No transition yet.".into()) }</p>
            </>
        }
    }

    // The lessons' captions say "watch the window fill": beside the notes, it stays in view.
    const DETAILS_BESIDE: bool = true;

    fn details(session: &Session<BreakerSim>, _act: &Act) -> Html {
        let player = session.player();
        window_view(player.model(), player.now())
    }

    fn controls(session: &Session<BreakerSim>, act: &Act) -> Html {
        let params = session.params();
        let library = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: String| {
                if let Ok(library) = v.parse() {
                    act.emit(Edit::Params(BreakerParams { breaker: BreakerSpec::for_library(library), ..params.clone() }));
                }
            })
        };
        let libraries: Vec<(&str, &str)> = Library::ALL.iter().map(|l| (l.name(), l.title())).collect();
        let load = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: f64| act.emit(Edit::Params(BreakerParams { requests_per_second: v, ..params.clone() })))
        };
        let latency = {
            let act = act.clone();
            Callback::from(move |v: f64| act.emit(Edit::Command(BreakerCommand::SetLatency { latency: Latency::Exponential { mean_ms: v } })))
        };
        let retries = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: f64| {
                let mut p = params.clone();
                p.retry.max_retries = v as u32;
                act.emit(Edit::Params(p));
            })
        };
        let timeout = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: f64| act.emit(Edit::Params(BreakerParams { timeout_ms: v, ..params.clone() })))
        };
        let ignored = {
            let (params, act) = (params.clone(), act.clone());
            Callback::from(move |v: f64| {
                let mut p = params.clone();
                p.downstream.ignored_error_fraction = v / 100.0;
                act.emit(Edit::Params(p));
            })
        };
        // Only the operations the chosen library has; one it would refuse from the state now
        // is shown disabled with the library's reason.
        let (breaker, now) = (session.player().model().breaker(), session.player().now());
        let operator = |op: &Operation| {
            let (act, to) = (act.clone(), op.to);
            let refused = breaker.refuses(now, to);
            let title = match &refused {
                Some(why) => format!("{}: {why}", op.api),
                None => op.api.to_string(),
            };
            let onclick = Callback::from(move |_: MouseEvent| act.emit(Edit::Command(BreakerCommand::Transition { to })));
            html! { <button type="button" class="fl-op" {title} disabled={refused.is_some()} {onclick}>{ op.label }</button> }
        };
        html! {
            <div class="fl-control-groups">
                <fieldset>
                    <legend>{"Breaker"}</legend>
                    { select("Library", &libraries, params.breaker.library().name(), library) }
                    { match &params.breaker {
                        BreakerSpec::Resilience4j(c) => r4j_controls(c, params, act),
                        BreakerSpec::Polly(c) => polly_controls(c, params, act),
                        BreakerSpec::Hystrix(c) => hystrix_controls(c, params, act),
                    } }
                </fieldset>
                <fieldset>
                    <legend>{"Client and downstream"}</legend>
                    { slider("Load", "calls/s", 1.0, 200.0, 1.0, params.requests_per_second, load) }
                    { slider("Timeout", "ms", 100.0, 5_000.0, 100.0, params.timeout_ms, timeout) }
                    { slider("Retries (exp. backoff + jitter)", "", 0.0, 5.0, 1.0, params.retry.max_retries as f64, retries) }
                    { slider("Downstream mean service time (from now)", "ms", 5.0, 2_000.0, 5.0, session.player().model().latency().mean_ms(), latency) }
                    { slider("Failures that are ignored business errors", "%", 0.0, 100.0, 5.0, (params.downstream.ignored_error_fraction * 100.0).round(), ignored) }
                </fieldset>
                <fieldset>
                    <legend>{ format!("Operator ({})", params.breaker.library().title()) }</legend>
                    { for params.breaker.library().operations().iter().map(operator) }
                </fieldset>
            </div>
        }
    }
}
