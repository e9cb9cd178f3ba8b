//! The shared player bar: play/pause, step, speed, a scrubbable timeline with its fault lane,
//! reset, seed and "copy link".

use crate::web::html::prelude::*;
use faultline_core::engine::Tick;
use faultline_core::narrate::{count, format_progress, format_time, moment_position, pace, LaneKind, LaneSpan};
use web_sys::HtmlInputElement;

use faultline_core::moment_marks::spread;
use faultline_core::session::SPEEDS;

/// A moment marker's width and spacing, and the tracks its two layouts are made for: the
/// narrowest phone's and the narrowest wide widget's (the stylesheet switches at 600 px).
const MARK_REM: f64 = 1.7;
const NARROW_TRACK_PX: f64 = 290.0;
const WIDE_TRACK_PX: f64 = 560.0;

#[derive(PartialEq, Clone)]
pub struct PlayerBarProps {
    pub now: Tick,
    pub duration: Tick,
    pub playing: bool,
    pub speed: usize,
    pub seed: u64,
    pub uses_seed: bool,
    pub lane: Vec<LaneSpan>,
    /// The lesson's moments: (time, caption).
    pub moments: Vec<(Tick, String)>,
    /// How much of the run 1× plays each second, in ms (the widget's own pace).
    pub ms_per_second: f64,
    pub link: Option<String>,
    /// What copying the link did, in words, shown next to it.
    pub link_note: Option<String>,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_step_back: Callback<()>,
    pub on_next_moment: Callback<()>,
    pub on_previous_moment: Callback<()>,
    pub on_seek: Callback<Tick>,
    /// A moment marker: pause there, so its caption stays true while it is read.
    pub on_moment: Callback<Tick>,
    pub on_reset: Callback<()>,
    pub on_speed: Callback<usize>,
    pub on_seed: Callback<u64>,
    pub on_new_seed: Callback<()>,
    pub on_copy_link: Callback<()>,
    /// Presenter mode (large type): on, and the toggle.
    pub presenter: bool,
    pub on_presenter: Callback<()>,
}

/// The legend's entry: a glyph and the kind's name, so a fault's kind never rests on its
/// colour alone.
fn lane_legend(kind: &LaneKind) -> String {
    let glyph = match kind {
        LaneKind::Crash => "█",
        LaneKind::Partition => "▨",
        LaneKind::SlowLink => "░",
        LaneKind::LossyLink | LaneKind::Lossy => "▒",
        LaneKind::Command => "▲",
    };
    format!("{glyph} {}", kind.legend())
}

fn lane_class(kind: &LaneKind) -> String {
    format!("fl-lane-{}", kind.class_stem())
}

#[function_component]
pub fn PlayerBar(props: &PlayerBarProps) -> Html {
    let duration = props.duration.max(1);
    let x = |t: Tick| (t as f64 / duration as f64) * 1000.0;
    let on_seek = props.on_seek.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        // The browser's own number parsing: Rust's `f64::from_str` and its tables cost the bundle 14 KB gzip.
        let v = input.value_as_number();
        if v.is_finite() {
            on_seek.emit(v.max(0.0) as Tick);
        }
    });
    let on_speed = props.on_speed.clone();
    let onspeed = Callback::from(move |e: Event| {
        let input: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Ok(i) = input.value().parse::<usize>() {
            on_speed.emit(i);
        }
    });
    let on_seed = props.on_seed.clone();
    let onseed = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(seed) = input.value().trim().parse::<u64>() {
            on_seed.emit(seed);
        }
    });
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    // Spans stack in rows so overlapping faults stay visible.
    let spans: Vec<&LaneSpan> = props.lane.iter().filter(|s| s.kind != LaneKind::Command).collect();
    let marks: Vec<&LaneSpan> = props.lane.iter().filter(|s| s.kind == LaneKind::Command).collect();
    let rows = spans.len().clamp(1, 4);
    let mut legend: Vec<(String, String)> = props.lane.iter().map(|s| (lane_legend(&s.kind), lane_class(&s.kind))).collect();
    faultline_core::order::sort(&mut legend);
    legend.dedup();
    let step = (duration / 1000).max(1);
    // Close markers sit side by side around their mean time, in one row
    // (`faultline_core::moment_marks`), laid out twice: for a track of a phone's width and for
    // a wide one; the stylesheet picks by the widget's width.
    let at: Vec<f64> = props.moments.iter().map(|(t, _)| x(*t) / 1000.0).collect();
    let narrow = spread(&at, MARK_REM * 16.0 / NARROW_TRACK_PX);
    let wide = spread(&at, MARK_REM * 16.0 / WIDE_TRACK_PX);
    let place = |(centre, offset): (f64, f64)| format!("calc({:.2}% + {offset:.1} * {MARK_REM}rem)", centre * 100.0);
    // Where the lesson stands: a stop at a moment says so on the Play button, so a player
    // that paused on its own never looks stuck.
    let moment_times: Vec<Tick> = props.moments.iter().map(|(t, _)| *t).collect();
    let (reached, at_moment) = moment_position(&moment_times, props.now);
    let stopped_at_moment = !props.playing && at_moment && props.now > 0 && props.now < props.duration;
    let play_text = match (props.playing, stopped_at_moment) {
        (true, _) => "‖ Pause",
        (false, true) => "▶ Continue",
        (false, false) => "▶ Play",
    };
    let pace_text = pace(props.ms_per_second * SPEEDS.get(props.speed).copied().unwrap_or(1.0));
    html! {
        <div class="fl-player" role="group" aria-label="Player">
            <div class="fl-player-buttons">
                // Play first: the one obvious action, and the first stop when tabbing in.
                <button type="button" class="fl-play" onclick={click(&props.on_toggle)} title="Play or pause (Space)" aria-pressed={props.playing.to_string()}>
                    { play_text }
                </button>
                <button type="button" onclick={click(&props.on_reset)} title="Reset to the start (Home)" aria-label="Reset to the start">{"↺"}</button>
                <button type="button" onclick={click(&props.on_step_back)} title="Step back (←)" aria-label="Step back">{"◀︎|"}</button>
                <button type="button" onclick={click(&props.on_step)} title="Step to the next event (→)" aria-label="Step forward">{"|▶︎"}</button>
                if !props.moments.is_empty() {
                    <span class="fl-moment-nav" role="group" aria-label="Lesson moments">
                        <button type="button" class="fl-moment-prev" onclick={click(&props.on_previous_moment)} disabled={!moment_times.iter().any(|&t| t < props.now)}
                            title="Previous moment (Page Up)" aria-label="Previous moment">{"◀"}</button>
                        <span class="fl-moment-count" aria-live="polite">
                            { if reached == 0 { count(moment_times.len() as u64, "moment", "moments") } else { format!("Moment {reached} of {}", moment_times.len()) } }
                        </span>
                        <button type="button" class="fl-moment-next" onclick={click(&props.on_next_moment)} disabled={!moment_times.iter().any(|&t| t > props.now)}
                            title="Next moment (Page Down)" aria-label="Next moment">{"▶"}</button>
                    </span>
                }
                <label class="fl-speed">{"Speed "}
                    <select onchange={onspeed} title={format!("Speed ([ slower, ] faster): {pace_text}")}>
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == props.speed}>{ format!("{s}×") }</option>
                        }) }
                    </select>
                </label>
                <span class="fl-pace">{ pace_text }</span>
                <span class="fl-time" aria-live="off">{ format_progress(props.now, props.duration) }</span>
                <span class="fl-player-meta">
                    if props.uses_seed {
                        <label>{"Seed "}<input type="number" class="fl-seed" min="0" value={props.seed.to_string()} onchange={onseed} aria-label="Seed" /></label>
                        <button type="button" class="fl-new-seed" onclick={click(&props.on_new_seed)}>{"New seed"}</button>
                    } else {
                        <span class="fl-seed-note" title="Keys are named key-0, key-1, … (or drawn from the workload's own seed in the settings), so this run draws no random numbers">{"Same run for every seed"}</span>
                    }
                    <button type="button" onclick={click(&props.on_copy_link)}>{"Copy link"}</button>
                    <button type="button" class="fl-presenter-toggle" aria-pressed={props.presenter.to_string()} onclick={click(&props.on_presenter)}
                        title="Large type and high contrast for a projector; Page Down / Page Up step through the lesson's moments">{"Presenter"}</button>
                    if let Some(link) = &props.link {
                        <input class="fl-link" readonly=true value={link.clone()} aria-label="Link to this exact run"
                            onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                    }
                    if let Some(note) = &props.link_note { <span class="fl-link-note">{ note.clone() }</span> }
                </span>
            </div>
            <div class="fl-timeline">
                if !props.moments.is_empty() {
                    <div class="fl-moments" role="list" aria-label="Lesson moments: the player stops at each">
                        { for props.moments.iter().enumerate().map(|(i, (at, caption))| {
                            let (on_moment, at) = (props.on_moment.clone(), *at);
                            let reached = at <= props.now;
                            html! {
                                <button type="button" role="listitem" class={classes!("fl-moment-mark", reached.then_some("fl-moment-reached"))}
                                    style={format!("--at-narrow: {}; --at-wide: {}", place(narrow[i]), place(wide[i]))} title={caption.clone()}
                                    aria-label={format!("Moment {} at {}: {caption}", i + 1, format_time(at))}
                                    onclick={Callback::from(move |_: MouseEvent| on_moment.emit(at))}>{ (i + 1).to_string() }</button>
                            }
                        }) }
                    </div>
                }
                <input type="range" class="fl-scrub" min="0" max={props.duration.to_string()} step={step.to_string()}
                    value={props.now.to_string()} oninput={oninput} aria-label="Timeline"
                    aria-valuetext={format_time(props.now)} />
                <svg class="fl-lane" viewBox={format!("0 0 1000 {}", rows * 8 + 8)} preserveAspectRatio="none" role="img"
                    aria-label={format!("Fault lane: {}", if props.lane.is_empty() { "no faults scheduled".to_string() } else { props.lane.iter().map(|s| format!("{} at {}", s.label, format_time(s.start))).collect::<Vec<_>>().join("; ") })}>
                    <defs>
                        <pattern id="fl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                            <rect width="6" height="6" class="fl-lane-partition" />
                            <line x1="0" y1="0" x2="0" y2="6" class="fl-hatch-line" />
                        </pattern>
                        <pattern id="fl-dots" width="5" height="5" patternUnits="userSpaceOnUse">
                            <rect width="5" height="5" class="fl-lane-slow" />
                            <circle cx="2.5" cy="2.5" r="1" class="fl-hatch-dot" />
                        </pattern>
                    </defs>
                    { for spans.iter().enumerate().map(|(i, s)| html! {
                        <rect class={lane_class(&s.kind)} x={format!("{:.1}", x(s.start))} y={((i % rows) * 8).to_string()}
                            width={format!("{:.1}", (x(s.end) - x(s.start)).max(3.0))} height="7">
                            <title>{ format!("{} ({} → {})", s.label, format_time(s.start), format_time(s.end)) }</title>
                        </rect>
                    }) }
                    { for marks.iter().map(|s| html! {
                        <path class="fl-lane-command" d={format!("M{:.1},{} l-4,7 h8 z", x(s.start), rows * 8)}>
                            <title>{ format!("{} at {}", s.label, format_time(s.start)) }</title>
                        </path>
                    }) }
                    <line class="fl-lane-cursor" x1={format!("{:.1}", x(props.now))} x2={format!("{:.1}", x(props.now))} y1="0" y2={(rows * 8 + 8).to_string()} />
                </svg>
                if !props.lane.is_empty() {
                    <div class="fl-lane-legend" aria-hidden="true">
                        { for legend.iter().map(|(text, class)| html! { <span class={format!("{class}-key")}>{ text.clone() }</span> }) }
                    </div>
                }
            </div>
        </div>
    }
}
