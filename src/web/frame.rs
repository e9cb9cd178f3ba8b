//! The frame every widget lives in: it owns the [`Player`], turns user input into player calls
//! and lays out title, visual, notes, charts, controls, player bar, event log and status.
//!
//! `update` is the reducer; the interval timer and the clipboard are the only effects.

use std::marker::PhantomData;

use faultline_core::engine::{ms_from_ticks, ticks_from_ms, Pattern, SeriesSpec, Tick};
use faultline_core::narrate::{describe, fault_lane, format_time};
use faultline_core::player::{Player, Sample};
use faultline_core::scenario::{decode_permalink, encode_permalink, params_from_value, scenario_from_json, scenario_to_json, Scenario};
use faultline_core::FieldError;
use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::chart::LineChart;
use super::dom;
use super::event_log::EventLog;
use super::mount::MountSpec;
use super::player_bar::{PlayerBar, PlayerBarProps, DEFAULT_SPEED, SPEEDS};
use super::widget::{Action, WidgetUi};

/// Events kept in memory for the log and for stepping back.
const TRACE_RETAIN: usize = 400;
/// Lines shown in the event log.
const LOG_LINES: usize = 40;
/// The screen-reader summary changes at most this often while playing.
const ANNOUNCE_EVERY_MS: f64 = 3_000.0;
/// Events simulated per frame at most, so a long jump never freezes the page.
const SEEK_BUDGET: u64 = 200_000;
/// With reduced motion, playing jumps from event to event at this pace.
const REDUCED_MOTION_STEP_MS: f64 = 600.0;

pub enum Msg<P: Pattern> {
    Frame,
    TogglePlay,
    Step,
    StepBack,
    Seek(Tick),
    Reset,
    End,
    Speed(usize),
    Faster,
    Slower,
    Seed(u64),
    NewSeed,
    CopyLink,
    Preset(String),
    Act(Action<P>),
    Key(KeyboardEvent),
}

#[derive(Properties, PartialEq, Clone)]
pub struct FrameProps {
    pub spec: MountSpec,
}

pub struct WidgetFrame<W: WidgetUi> {
    player: Result<Player<W::P>, FieldError>,
    playing: bool,
    speed: usize,
    reduced_motion: bool,
    timer: Option<Interval>,
    /// A seek too long for one frame, continued on the next ones.
    pending_seek: Option<Tick>,
    last_frame_ms: f64,
    status: String,
    last_announce_ms: f64,
    link: Option<String>,
    /// A refused action's message, shown next to the controls.
    notice: Option<String>,
    _widget: PhantomData<W>,
}

/// The scenario the page asked for: a permalink, else a preset, else the default; then the
/// seed and parameter overrides from data attributes.
fn initial_scenario<W: WidgetUi>(spec: &MountSpec) -> Result<Scenario<W::P>, FieldError> {
    if let Some(payload) = &spec.scenario {
        return scenario_from_json::<W::P>(&decode_permalink(payload)?);
    }
    let mut scenario = match &spec.preset {
        Some(name) => <W::P as Pattern>::presets()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
            .ok_or_else(|| FieldError::new("preset", format!("no preset called \"{name}\"")))?,
        None => W::default_scenario(),
    };
    if let Some(seed) = spec.seed {
        scenario.seed = seed;
    }
    if !spec.params.is_empty() {
        // Through JSON text rather than `to_value`: the bundle already has the text serializer
        // (permalinks) and parser (links, attributes), and floats round-trip exactly.
        let text = serde_json::to_string(&scenario.params).map_err(|e| FieldError::new("params", e.to_string()))?;
        let mut params: serde_json::Value = serde_json::from_str(&text).map_err(|e| FieldError::new("params", e.to_string()))?;
        if let serde_json::Value::Object(map) = &mut params {
            for (key, value) in &spec.params {
                map.insert(key.clone(), value.clone());
            }
        }
        scenario.params =
            params_from_value::<W::P>(params).map_err(|e| FieldError::new("data-*", format!("a parameter attribute is not valid: {e}")))?;
    }
    scenario.validate()?;
    Ok(scenario)
}

impl<W: WidgetUi> WidgetFrame<W> {
    /// Seeks towards `t`, spreading the work over frames when it is long.
    fn seek_to(&mut self, ctx: &Context<Self>, t: Tick) {
        let Ok(p) = &mut self.player else { return };
        if p.seek_within(t, SEEK_BUDGET) {
            if self.pending_seek.take().is_some() {
                self.notice = None;
                if !self.playing {
                    self.timer = None;
                }
            }
        } else {
            self.notice = Some(format!("Simulating up to {}… now at {}", format_time(t.min(p.duration())), format_time(p.now())));
            let was_pending = self.pending_seek.replace(t).is_some();
            if !was_pending {
                self.start_timer(ctx);
            }
        }
    }

    fn start_timer(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        // Reduced motion paces playing, never a long seek.
        let period = if self.reduced_motion && self.pending_seek.is_none() { REDUCED_MOTION_STEP_MS as u32 } else { 33 };
        self.timer = Some(Interval::new(period, move || link.send_message(Msg::Frame)));
        self.last_frame_ms = dom::wall_ms();
    }

    fn set_playing(&mut self, ctx: &Context<Self>, playing: bool) {
        self.playing = playing;
        if playing {
            if let Ok(p) = &mut self.player {
                if p.at_end() {
                    p.seek(0);
                }
            }
            self.start_timer(ctx);
        } else {
            if self.pending_seek.is_none() {
                self.timer = None;
            }
            self.announce(true);
        }
    }

    /// Updates the status region: immediately when asked, else at most every few seconds.
    fn announce(&mut self, now: bool) {
        let wall = dom::wall_ms();
        if !now && wall - self.last_announce_ms < ANNOUNCE_EVERY_MS {
            return;
        }
        let Ok(p) = &self.player else { return };
        self.last_announce_ms = wall;
        let names = p.sim().ctx().node_names();
        let latest = p.sim().trace().recent().next_back().map(|e| describe(e, names)).unwrap_or_else(|| "nothing has happened yet".into());
        let note = p.model().notes(p.now()).into_iter().next().unwrap_or_default();
        self.status = format!("{} at {}. Latest: {latest}. {note}", W::TITLE, format_time(p.now()));
    }

    fn rebuild(&mut self, scenario: Scenario<W::P>) {
        let cursor = self.player.as_ref().map(|p| p.now()).unwrap_or(0);
        match Player::new(scenario, TRACE_RETAIN) {
            Ok(mut p) => {
                p.seek(cursor);
                self.player = Ok(p);
                self.notice = None;
            }
            Err(e) => self.notice = Some(e.to_string()),
        }
    }

    fn permalink(&self, ctx: &Context<Self>) -> Option<String> {
        let p = self.player.as_ref().ok()?;
        let payload = encode_permalink(&scenario_to_json(&p.scenario(), false));
        let widget = <W::P as Pattern>::WIDGET;
        let spec = &ctx.props().spec;
        let base = spec.link_base.clone().unwrap_or_else(|| if spec.standalone { dom::page_url() } else { "./".into() });
        Some(format!("{base}#/{widget}?s={payload}"))
    }
}

impl<W: WidgetUi> Component for WidgetFrame<W> {
    type Message = Msg<W::P>;
    type Properties = FrameProps;

    fn create(ctx: &Context<Self>) -> Self {
        let spec = &ctx.props().spec;
        // A link's cursor is reached like any other seek: over several frames if it is far.
        let mut cursor = None;
        let player = initial_scenario::<W>(spec).and_then(|mut s| {
            cursor = s.cursor_ms.take().map(ticks_from_ms);
            Player::new(s, TRACE_RETAIN)
        });
        let reduced_motion = dom::prefers_reduced_motion();
        let mut frame = Self {
            player,
            playing: false,
            speed: DEFAULT_SPEED,
            reduced_motion,
            timer: None,
            pending_seek: None,
            last_frame_ms: 0.0,
            status: String::new(),
            last_announce_ms: 0.0,
            link: None,
            notice: None,
            _widget: PhantomData,
        };
        if let Some(t) = cursor {
            frame.seek_to(ctx, t);
        }
        // Reduced motion always starts paused; otherwise only when the page asks to autoplay.
        if spec.autoplay && !reduced_motion {
            frame.set_playing(ctx, true);
        }
        frame
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        let standalone = ctx.props().spec.standalone;
        match msg {
            Msg::Frame if self.pending_seek.is_some() => {
                let target = self.pending_seek.unwrap_or_default();
                self.seek_to(ctx, target);
                if self.pending_seek.is_none() && self.playing {
                    self.start_timer(ctx);
                }
            }
            Msg::Frame => {
                let wall = dom::wall_ms();
                let elapsed = (wall - self.last_frame_ms).clamp(0.0, 250.0);
                self.last_frame_ms = wall;
                let reduced = self.reduced_motion;
                let advance = ticks_from_ms(W::MS_PER_SECOND * SPEEDS[self.speed] * elapsed / 1000.0);
                let Ok(p) = &self.player else { return false };
                let target = if reduced { p.step_target() } else { p.now() + advance.max(1) };
                self.seek_to(ctx, target);
                if self.player.as_ref().is_ok_and(|p| p.at_end()) {
                    self.set_playing(ctx, false);
                }
                self.announce(false);
            }
            Msg::TogglePlay => self.set_playing(ctx, !self.playing),
            Msg::Step | Msg::StepBack | Msg::Seek(_) | Msg::Reset | Msg::End => {
                if let Ok(p) = &self.player {
                    let target = match msg {
                        Msg::Step => p.step_target(),
                        Msg::StepBack => p.step_back_target(),
                        Msg::Seek(t) => t,
                        Msg::Reset => 0,
                        _ => Tick::MAX,
                    };
                    self.seek_to(ctx, target);
                }
                self.announce(true);
            }
            Msg::Speed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Msg::Faster => self.speed = (self.speed + 1).min(SPEEDS.len() - 1),
            Msg::Slower => self.speed = self.speed.saturating_sub(1),
            Msg::Seed(seed) => {
                if let Ok(p) = &mut self.player {
                    p.reseed(seed);
                }
            }
            Msg::NewSeed => {
                if let Ok(p) = &mut self.player {
                    p.reseed(dom::random_seed());
                }
            }
            Msg::CopyLink => {
                if let Some(link) = self.permalink(ctx) {
                    dom::copy_to_clipboard(&link);
                    if standalone {
                        if let Some(hash) = link.split_once('#').map(|(_, h)| format!("#{h}")) {
                            dom::replace_hash(&hash);
                        }
                    }
                    self.status = "Link copied: it reproduces this exact run, at this moment.".into();
                    self.link = Some(link);
                }
            }
            Msg::Preset(name) => {
                if let Some((_, scenario)) = <W::P as Pattern>::presets().into_iter().find(|(n, _)| *n == name) {
                    match Player::new(scenario, TRACE_RETAIN) {
                        Ok(p) => self.player = Ok(p),
                        Err(e) => self.notice = Some(e.to_string()),
                    }
                    self.set_playing(ctx, false);
                }
            }
            Msg::Act(action) => {
                let Ok(p) = &mut self.player else { return false };
                let result = match action {
                    Action::Command(c) => p.issue(c),
                    Action::Fault(f) => p.inject(f),
                    Action::SetParams(params) => {
                        let mut scenario = p.scenario();
                        scenario.params = params;
                        scenario.cursor_ms = None;
                        // Recorded actions that no longer fit the new parameters are dropped.
                        let params = scenario.params.clone();
                        scenario.actions.retain(|a| <W::P as Pattern>::validate_command(&params, &a.command).is_ok());
                        let nodes = <W::P as Pattern>::node_names(&params).len();
                        scenario.faults.retain(|f| f.fault.validate(nodes).is_ok());
                        self.rebuild(scenario);
                        Ok(())
                    }
                };
                self.notice = result.err().map(|e| e.to_string());
                self.announce(true);
            }
            Msg::Key(e) => {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || dom::key_belongs_to_control(&e) {
                    return false;
                }
                let msg = match e.key().as_str() {
                    " " => Msg::TogglePlay,
                    "ArrowRight" => Msg::Step,
                    "ArrowLeft" => Msg::StepBack,
                    "Home" => Msg::Reset,
                    "End" => Msg::End,
                    "]" => Msg::Faster,
                    "[" => Msg::Slower,
                    _ => return false,
                };
                // The page must not also scroll or switch chapters on a key the widget used.
                e.prevent_default();
                return Component::update(self, ctx, msg);
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let player = match &self.player {
            Ok(p) => p,
            Err(e) => return error_view(W::TITLE, e),
        };
        let act = link.callback(Msg::Act);
        // Borrowed: this runs on every frame while playing.
        let scenario = player.recorded();
        let names = player.sim().ctx().node_names();
        let log = player
            .sim()
            .trace()
            .recent()
            .rev()
            .take(LOG_LINES)
            .map(|e| {
                let marked = matches!(e.event, faultline_core::engine::TraceEvent::Fault { .. } | faultline_core::engine::TraceEvent::Command { .. });
                (format_time(e.at), describe(e, names), marked)
            })
            .collect();
        let presets =
            <W::P as Pattern>::presets().into_iter().map(|(name, s)| (name, if s.title.is_empty() { name.to_string() } else { s.title })).collect();
        let bar = PlayerBarProps {
            now: player.now(),
            duration: player.duration(),
            playing: self.playing,
            speed: self.speed,
            seed: scenario.seed,
            lane: fault_lane(player.schedule(), player.duration(), names),
            link: self.link.clone(),
            on_toggle: link.callback(|_| Msg::TogglePlay),
            on_step: link.callback(|_| Msg::Step),
            on_step_back: link.callback(|_| Msg::StepBack),
            on_seek: link.callback(Msg::Seek),
            on_reset: link.callback(|_| Msg::Reset),
            on_speed: link.callback(Msg::Speed),
            on_seed: link.callback(Msg::Seed),
            on_new_seed: link.callback(|_| Msg::NewSeed),
            on_copy_link: link.callback(|_| Msg::CopyLink),
        };
        layout(Layout {
            title: W::TITLE,
            lesson: &scenario.title,
            summary: W::SUMMARY,
            widget: <W::P as Pattern>::WIDGET,
            presets,
            visual: W::visual(player, &act),
            notes: player.model().notes(player.now()),
            series: <W::P as Pattern>::SERIES,
            samples: player.samples(),
            duration_ms: ms_from_ticks(player.duration()),
            controls: W::controls(&scenario.params, &act),
            notice: self.notice.as_deref(),
            bar,
            extra: W::extra(player, &act),
            log,
            total: player.sim().trace().count(),
            status: &self.status,
            onkeydown: link.callback(Msg::Key),
            onpreset: link.callback(|e: Event| {
                let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                Msg::Preset(select.value())
            }),
        })
    }
}

fn error_view(title: &'static str, e: &FieldError) -> Html {
    html! {
        <section class="fl-widget fl-widget-error">
            <h2>{ title }</h2>
            <p class="fl-error" role="alert">{ format!("This widget could not start: {e}") }</p>
        </section>
    }
}

/// What the frame shows, with the widget's own types already turned into HTML and text.
/// Laying it out does not depend on the widget, so [`layout`] exists once in the bundle
/// instead of once per widget type.
struct Layout<'a> {
    title: &'static str,
    /// The scenario's own title (a lesson's name), empty for none.
    lesson: &'a str,
    summary: &'static str,
    widget: &'static str,
    /// `(name, label)` of each preset lesson.
    presets: Vec<(&'static str, String)>,
    visual: Html,
    notes: Vec<String>,
    series: &'static [SeriesSpec],
    samples: &'a [Sample],
    duration_ms: f64,
    controls: Html,
    notice: Option<&'a str>,
    bar: PlayerBarProps,
    extra: Html,
    log: Vec<(String, String, bool)>,
    total: u64,
    status: &'a str,
    onkeydown: Callback<KeyboardEvent>,
    onpreset: Callback<Event>,
}

fn layout(l: Layout<'_>) -> Html {
    let Layout {
        title,
        lesson,
        summary,
        widget,
        presets,
        visual,
        notes,
        series,
        samples,
        duration_ms,
        controls,
        notice,
        bar,
        extra,
        log,
        total,
        status,
        onkeydown,
        onpreset,
    } = l;
    html! {
        <section class="fl-widget" tabindex="0" aria-label={format!("{title} widget. Space plays or pauses, arrows step.")}
            {onkeydown} data-widget={widget}>
            <header class="fl-head">
                <h2>{ title }</h2>
                <p class="fl-summary">{ summary }</p>
                if !lesson.is_empty() { <p class="fl-scenario-title">{ format!("Lesson: {lesson}") }</p> }
                if !presets.is_empty() {
                    <label class="fl-presets">{"Lesson "}
                        <select onchange={onpreset} aria-label="Load a preset lesson">
                            <option value="" selected=true disabled=true>{"choose a preset…"}</option>
                            { for presets.into_iter().map(|(name, label)| html! { <option value={name}>{ label }</option> }) }
                        </select>
                    </label>
                }
            </header>
            <div class="fl-body">
                <div class="fl-visual">{ visual }</div>
                <aside class="fl-side">
                    <section class="fl-notes" aria-label="What to notice">
                        <h3>{"What to notice"}</h3>
                        <ul>{ for notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                    </section>
                    <div class="fl-charts">
                        { for series.iter().enumerate().filter(|(i, _)| !series.iter().any(|s| s.ghost == Some(*i))).map(|(i, spec)| {
                            let points_of = |i: usize| -> Vec<(f64, f64)> {
                                samples.iter().map(|s| (ms_from_ticks(s.at), s.values.get(i).copied().unwrap_or(0.0))).collect()
                            };
                            let ghost = spec.ghost.map(points_of);
                            let ghost_label = spec.ghost.and_then(|g| series.get(g)).map(|g| g.name).unwrap_or_default();
                            html! { <LineChart title={spec.name} unit={spec.unit} points={points_of(i)} {ghost} {ghost_label} x_max_ms={duration_ms} /> }
                        }) }
                    </div>
                </aside>
            </div>
            <div class="fl-controls">{ controls }</div>
            if let Some(notice) = notice { <p class="fl-notice" role="alert">{ notice }</p> }
            <PlayerBar ..bar />
            { extra }
            <EventLog lines={log} {total} />
            <div class="fl-sr-only" role="status" aria-live="polite">{ status }</div>
        </section>
    }
}
