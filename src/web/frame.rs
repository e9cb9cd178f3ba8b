//! The frame every widget lives in, compiled once for all widgets: it drives a
//! [`LiveWidget`] (the core `Session` behind a trait object) and lays out title, visual,
//! notes, charts, controls, player bar, event log and status.
//!
//! `update` is the reducer; the interval timer, the clipboard and the URL are the only effects.
//! Work happens in `Session::poll` under a per-frame budget that adapts to how long the last
//! poll took, so no input holds a frame for long.

use crate::web::html::prelude::*;
use faultline_core::engine::{ms_from_ticks, SeriesSpec};
use faultline_core::narrate::{count, format_time};
use faultline_core::playlist::{Playlist, Turn};
use faultline_core::scenario::challenge::figure_text;
use faultline_core::scenario::{encode_permalink, Answer, ChallengeStatus, Given, Question, Standing};
use faultline_core::seed_search::SearchState;
use faultline_core::session::{catching_up_note, Control, Recorded};
use faultline_core::FieldError;
use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;

use super::chart::{LineChart, LineChartProps};
use super::dom;
use super::event_log::{EventLog, EventLogProps};
use super::export;
use super::mount::{Autoplay, Controls, MountSpec};
use super::player_bar::{PlayerBar, PlayerBarProps};
use super::widget::{AnyEdit, FrameParts, LiveWidget, Starter};

/// Lines shown in the event log.
const LOG_LINES: usize = 40;
/// The screen-reader summary changes at most this often while playing.
const ANNOUNCE_EVERY_MS: f64 = 3_000.0;
/// Wall time one frame's poll aims to take, and the frame period.
const WORK_PER_FRAME_MS: f64 = 8.0;
const FRAME_MS: u32 = 33;
/// The first frame's budget in work units (about one simulated event each); it then adapts.
const FIRST_BUDGET: u64 = 20_000;
const BUDGET_RANGE: (u64, u64) = (500, 2_000_000);

pub enum Msg {
    Frame,
    Control(Control),
    NewSeed,
    CopyLink,
    Copied(bool),
    Preset(String),
    Edit(AnyEdit),
    Key(KeyboardEvent),
    TogglePresenter,
    /// An answer to the question of the moment with this index.
    Answer(usize, Given),
    /// The widget came on screen (true) or left it.
    OnScreen(bool),
    /// Open the playlist's next (true) or previous lesson.
    TurnLesson(bool),
    /// The export menu opened: list what it can save now.
    ExportMenu,
    ExportFigure(usize),
    ExportScenario,
    /// Record the run for a trace file or a copied test.
    Record(Export),
    TestCopied(bool),
}

/// What a recording of the run is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    TraceFile,
    Test,
}

#[derive(Clone)]
pub struct FrameProps {
    pub spec: MountSpec,
    pub title: &'static str,
    pub start: Starter,
}

impl PartialEq for FrameProps {
    fn eq(&self, other: &Self) -> bool {
        // Starters are plain functions: the same widget has the same one.
        self.spec == other.spec && self.title == other.title && std::ptr::fn_addr_eq(self.start, other.start)
    }
}

pub struct WidgetFrame {
    widget: Result<Box<dyn LiveWidget>, FieldError>,
    timer: Option<Interval>,
    last_frame_ms: f64,
    budget: u64,
    /// The longest poll so far, in ms (read by the page benchmark from `data-longest-poll-ms`).
    longest_poll_ms: f64,
    status: String,
    last_announce_ms: f64,
    link: Option<String>,
    /// What the last "Copy link" did, shown next to the link.
    link_note: Option<String>,
    /// A refused action's message, shown next to the controls.
    notice: Option<String>,
    /// Why the page's link or attributes were not used, shown until the page reloads.
    startup_error: Option<String>,
    /// Large type and high contrast for a projector.
    presenter: bool,
    /// Answers given to the lesson's questions, by moment index (cleared with a new lesson).
    answers: std::collections::BTreeMap<usize, Given>,
    /// The lessons a presenter walks in turn, if the page gave some.
    playlist: Option<Playlist>,
    /// Whether the widget is on screen: off it, no frame is drawn and playing waits (the
    /// session keeps its exact state and goes on from there).
    on_screen: bool,
    /// `autoplay="visible"` that has not played yet.
    autoplay_waiting: bool,
    root: NodeRef,
    _visibility: Option<dom::VisibilityWatch>,
    /// The export menu's figures (read from the page when it opens), the recording it waits
    /// for, what the last export did, and the last copied test (shown to select by hand).
    widget_name: String,
    figure_labels: Vec<String>,
    exporting: Option<Export>,
    export_note: Option<String>,
    copied_test: Option<String>,
}

impl WidgetFrame {
    /// Starts or stops the frame timer to match whether the session has work.
    fn sync_timer(&mut self, ctx: &Context<Self>) {
        let busy = self.on_screen && self.widget.as_ref().is_ok_and(|w| w.busy());
        if busy && self.timer.is_none() {
            let link = ctx.link().clone();
            self.timer = Some(Interval::new(FRAME_MS, move || link.send_message(Msg::Frame)));
            self.last_frame_ms = dom::wall_ms();
        } else if !busy {
            self.timer = None;
        }
    }

    /// One frame: play and work within the budget, then adapt the budget to the time it took.
    fn frame(&mut self, link: &crate::web::html::Scope<Self>) {
        let Ok(w) = &mut self.widget else { return };
        let start = dom::wall_ms();
        let elapsed = start - self.last_frame_ms;
        self.last_frame_ms = start;
        let was_playing = w.playing();
        w.poll(elapsed, self.budget);
        let took = dom::wall_ms() - start;
        self.longest_poll_ms = self.longest_poll_ms.max(took);
        let scaled = if took > WORK_PER_FRAME_MS {
            self.budget as f64 * 0.6
        } else if took < WORK_PER_FRAME_MS / 2.0 {
            self.budget as f64 * 1.25
        } else {
            self.budget as f64
        };
        self.budget = (scaled as u64).clamp(BUDGET_RANGE.0, BUDGET_RANGE.1);
        // What an edit said (a run gone on, faults dropped) outlasts the catching up it
        // started; the progress line shows only when there is nothing else to say.
        let said = self.notice.take().filter(|n| !n.starts_with("Simulating"));
        self.notice = said.or_else(|| w.catching_up().map(catching_up_note));
        let stopped = was_playing && !w.playing();
        if let Some((at, end)) = w.recording_progress() {
            self.export_note = Some(format!("Recording the run from its start… {}", faultline_core::narrate::format_progress(at, end)));
        }
        let recorded = w.take_recorded();
        self.announce(stopped);
        if let Some(recorded) = recorded {
            self.finish_export(recorded, link);
        }
    }

    /// Saves or copies a finished recording, as the export that asked for it wants.
    fn finish_export(&mut self, recorded: Recorded, link: &crate::web::html::Scope<Self>) {
        let (Some(kind), Ok(w)) = (self.exporting.take(), &self.widget) else { return };
        if let Some(why) = recorded.refused {
            self.export_note = Some(why);
            return;
        }
        match kind {
            Export::TraceFile => {
                let name = format!("faultline-{}-seed{}.trace.jsonl", self.widget_name, w.seed());
                export::download(&name, "application/x-ndjson", &String::from_utf8_lossy(&recorded.lines));
                self.export_note = Some(format!(
                    "Saved {name}: {}, trace hash {} (XXH3-64 of the file, as `faultline run --trace` gives it).",
                    count(recorded.events, "event", "events"),
                    recorded.trace_hash
                ));
            }
            Export::Test => {
                let source = w.test_source(&recorded.trace_hash);
                let done = link.callback(Msg::TestCopied);
                dom::copy_to_clipboard(&source, move |ok| done.emit(ok));
                self.export_note = Some("Copying the test…".into());
                self.copied_test = Some(source);
            }
        }
    }

    /// Updates the status region: immediately when asked, else at most every few seconds.
    fn announce(&mut self, now: bool) {
        let wall = dom::wall_ms();
        if !now && wall - self.last_announce_ms < ANNOUNCE_EVERY_MS {
            return;
        }
        let Ok(w) = &self.widget else { return };
        self.last_announce_ms = wall;
        self.status = w.status_line();
    }

    fn permalink(&self, ctx: &Context<Self>) -> Option<String> {
        let w = self.widget.as_ref().ok()?;
        let payload = encode_permalink(&w.scenario_json());
        let spec = &ctx.props().spec;
        let base = spec.link_base.clone().unwrap_or_else(|| if spec.standalone { dom::page_url() } else { "./".into() });
        Some(format!("{base}#/{}?s={payload}", spec.widget))
    }
}

impl WidgetFrame {
    /// Export: each figure on screen as SVG, the scenario, a trace file, and a copied test.
    fn export_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let busy = self.exporting.is_some();
        let record = |kind: Export| link.callback(move |_: MouseEvent| Msg::Record(kind));
        html! {
            <details class="fl-export" ontoggle={link.callback(|_: Event| Msg::ExportMenu)}>
                <summary>{"Export"}</summary>
                <p class="fl-export-help">{"Save what is on screen: a picture, a diagram or a chart as SVG; the run as a scenario or a golden trace file; or a ready Rust test that replays it."}</p>
                <div class="fl-export-figures" role="group" aria-label="Save as SVG">
                    <span class="fl-export-label">{"As SVG:"}</span>
                    { for self.figure_labels.iter().enumerate().map(|(i, label)| {
                        html! { <button type="button" onclick={link.callback(move |_: MouseEvent| Msg::ExportFigure(i))}>{ label }</button> }
                    }) }
                </div>
                <div class="fl-export-run" role="group" aria-label="Save the run">
                    <span class="fl-export-label">{"The run:"}</span>
                    <button type="button" onclick={link.callback(|_: MouseEvent| Msg::ExportScenario)}>{"Scenario (JSON)"}</button>
                    <button type="button" disabled={busy} onclick={record(Export::TraceFile)}>{"Trace file (JSON lines)"}</button>
                    <button type="button" disabled={busy} onclick={record(Export::Test)}>{"Copy as test"}</button>
                </div>
                if let Some(note) = &self.export_note { <p class="fl-export-note" role="status">{ note }</p> }
                if let Some(source) = &self.copied_test {
                    <textarea class="fl-export-test" readonly=true rows="12" aria-label="The copied test" value={source.clone()} />
                }
            </details>
        }
    }
}

impl Component for WidgetFrame {
    type Message = Msg;
    type Properties = FrameProps;

    fn create(ctx: &Context<Self>) -> Self {
        let spec = &ctx.props().spec;
        let reduced_motion = dom::prefers_reduced_motion();
        // A link or attribute that cannot be used is said in one line above a widget that runs
        // with its defaults; only a widget that cannot start at all shows the error alone.
        let (mut widget, mut startup_error) = match (ctx.props().start)(spec, reduced_motion) {
            Ok(w) => (Ok(w), None),
            // First without the page's extras (a start, a loop, parameters), so that one bad
            // value does not cost the reader the lesson; then with nothing of the page's.
            Err(e) => match (ctx.props().start)(&spec.lesson_only(), reduced_motion) {
                Ok(w) if spec.lesson_only() != *spec => (Ok(w), Some(format!("{e} — ignored; the lesson runs without it."))),
                _ => match (ctx.props().start)(&spec.defaults(), reduced_motion) {
                    Ok(w) => (Ok(w), Some(format!("{e} — showing the default lesson instead."))),
                    Err(_) => (Err(e), None),
                },
            },
        };
        if let Ok(w) = &mut widget {
            // A link's cursor is reached like any seek: at once when it is near, else over frames.
            w.poll(0.0, FIRST_BUDGET);
            // Reduced motion always starts paused; otherwise only when the page asks to autoplay.
            if spec.autoplay == Autoplay::Now && !reduced_motion {
                w.control(Control::TogglePlay);
            }
        }
        if let (Ok(w), None) = (&widget, &startup_error) {
            if let Some(unknown) = spec.unknown_chart(&w.chart_names()) {
                startup_error =
                    Some(format!("charts: no chart is called \u{201c}{unknown}\u{201d}; this widget has: {}", w.chart_names().join(", ")));
            }
        }
        let playlist = match (&widget, &spec.playlist) {
            (Ok(w), Some(text)) => Playlist::parse(text, &w.lesson_names()).map_err(|e| startup_error.get_or_insert(e.to_string()).clone()).ok(),
            _ => None,
        };
        let mut frame = Self {
            widget,
            timer: None,
            last_frame_ms: dom::wall_ms(),
            budget: FIRST_BUDGET,
            longest_poll_ms: 0.0,
            status: String::new(),
            last_announce_ms: 0.0,
            link: None,
            link_note: None,
            notice: None,
            startup_error,
            presenter: spec.presenter,
            answers: Default::default(),
            playlist,
            on_screen: true,
            autoplay_waiting: spec.autoplay == Autoplay::WhenVisible && !reduced_motion,
            root: NodeRef::default(),
            _visibility: None,
            widget_name: spec.widget.clone(),
            figure_labels: Vec::new(),
            exporting: None,
            export_note: None,
            copied_test: None,
        };
        frame.sync_timer(ctx);
        frame
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        let standalone = ctx.props().spec.standalone;
        match msg {
            Msg::Frame => self.frame(ctx.link()),
            Msg::ExportMenu => {
                self.figure_labels = self.root.cast::<web_sys::Element>().map(|root| export::figures(&root)).unwrap_or_default();
            }
            Msg::ExportFigure(index) => {
                let label = self.figure_labels.get(index).cloned().unwrap_or_default();
                let saved = self.root.cast::<web_sys::Element>().is_some_and(|root| export::save_figure(&root, index, &self.widget_name, &label));
                self.export_note =
                    Some(if saved { format!("Saved \u{201c}{label}\u{201d} as SVG.") } else { "That figure is no longer on screen.".into() });
            }
            Msg::ExportScenario => {
                let Ok(w) = &self.widget else { return false };
                let name = format!("faultline-{}-seed{}.json", self.widget_name, w.seed());
                export::download(&name, "application/json", &w.scenario_file());
                self.export_note = Some(format!("Saved {name}: run it with `faultline run {name}`."));
            }
            Msg::Record(kind) => {
                let Ok(w) = &mut self.widget else { return false };
                self.exporting = Some(kind);
                self.copied_test = None;
                w.control(Control::Record { lines: kind == Export::TraceFile });
            }
            Msg::TestCopied(ok) => {
                self.export_note = Some(if ok {
                    "✓ Copied a #[test] that replays this run and checks its trace hash and the figures on screen.".into()
                } else {
                    "Could not copy (the browser refused): select the test below and copy it.".into()
                });
            }
            Msg::Control(control) => {
                let Ok(w) = &mut self.widget else { return false };
                let toggles = matches!(control, Control::TogglePlay);
                w.control(control);
                // Controls land at once when they are cheap: a step or a short seek shows on
                // this frame, a long one continues over the next ones.
                self.last_frame_ms = dom::wall_ms();
                if !toggles {
                    w.poll(0.0, self.budget);
                }
                self.announce(true);
            }
            Msg::NewSeed => return Component::update(self, ctx, Msg::Control(Control::Reseed(dom::random_seed()))),
            Msg::TogglePresenter => self.presenter = !self.presenter,
            Msg::Answer(moment, given) => {
                self.answers.insert(moment, given);
            }
            Msg::OnScreen(on_screen) => {
                self.on_screen = on_screen;
                // The frame after a pause off screen must not count the time away as played.
                self.last_frame_ms = dom::wall_ms();
                if on_screen && std::mem::take(&mut self.autoplay_waiting) {
                    if let Ok(w) = &mut self.widget {
                        if !w.playing() {
                            w.control(Control::TogglePlay);
                        }
                    }
                }
            }
            Msg::TurnLesson(forward) => {
                let Some(playlist) = &mut self.playlist else { return false };
                let (name, at_end) = match playlist.turn(forward) {
                    Turn::Next(name) => (name.to_string(), false),
                    Turn::Previous(name) => (name.to_string(), true),
                    Turn::Edge => return false,
                };
                Component::update(self, ctx, Msg::Preset(name));
                if at_end {
                    // Back to where the presenter left the previous lesson: its end.
                    return Component::update(self, ctx, Msg::Control(Control::End));
                }
            }
            Msg::CopyLink => {
                if let Some(link) = self.permalink(ctx) {
                    if standalone {
                        if let Some(hash) = link.split_once('#').map(|(_, h)| format!("#{h}")) {
                            dom::replace_hash(&hash);
                        }
                    }
                    let done = ctx.link().callback(Msg::Copied);
                    dom::copy_to_clipboard(&link, move |ok| done.emit(ok));
                    self.status = "Copying the link…".into();
                    self.link_note = None;
                    self.link = Some(link);
                }
            }
            Msg::Copied(ok) => {
                self.status = if ok {
                    "Link copied: it reproduces this exact run, at this moment.".into()
                } else {
                    "Could not copy (the browser refused): select the link and copy it.".into()
                };
                self.link_note = Some(if ok { "✓ Copied".into() } else { "Could not copy: select the link and copy it yourself".into() });
            }
            Msg::Preset(name) => {
                let Ok(w) = &mut self.widget else { return false };
                self.notice = w.load_preset(&name).err().map(|e| e.to_string());
                self.answers.clear();
                if let Some(playlist) = &mut self.playlist {
                    playlist.follow(&name);
                }
                if standalone && self.notice.is_none() {
                    // The link keeps the playlist and presenter mode, so a reload stays in the talk.
                    let spec = &ctx.props().spec;
                    let playlist = spec.playlist.as_ref().map(|p| format!("&playlist={p}")).unwrap_or_default();
                    let presenter = if self.presenter { "&presenter=1" } else { "" };
                    dom::replace_hash(&format!("#/{}?preset={name}{playlist}{presenter}", spec.widget));
                }
            }
            Msg::Edit(edit) => {
                let Ok(w) = &mut self.widget else { return false };
                // No poll here: a parameter edit is simulated on the next frame, so the input
                // events of one drag between two frames cost one rebuild, not one each.
                self.notice = w.edit(edit).unwrap_or_else(|e| Some(e.to_string()));
                self.announce(true);
            }
            Msg::Key(e) => {
                if e.ctrl_key() || e.meta_key() || e.alt_key() || dom::key_belongs_to_control(&e) {
                    return false;
                }
                let control = match e.key().as_str() {
                    " " => Control::TogglePlay,
                    "ArrowRight" => Control::Step,
                    "ArrowLeft" => Control::StepBack,
                    "Home" => Control::Reset,
                    "End" => Control::End,
                    "]" => Control::Faster,
                    "[" => Control::Slower,
                    // What presenter remotes send: next / previous slide, and "." (blank).
                    "PageDown" => Control::NextMoment,
                    "PageUp" => Control::PreviousMoment,
                    "." => Control::TogglePlay,
                    _ => return false,
                };
                // The page must not also scroll or switch chapters on a key the widget used
                // (mdBook's ←/→ handler ignores `defaultPrevented`: stop it reaching it too).
                e.prevent_default();
                e.stop_propagation();
                // A walked-through lesson hands the clicker to the playlist.
                let forward = control == Control::NextMoment;
                let walks = matches!(control, Control::NextMoment | Control::PreviousMoment);
                if walks && self.playlist.is_some() && self.widget.as_ref().is_ok_and(|w| w.walked_through(forward)) {
                    return Component::update(self, ctx, Msg::TurnLesson(forward));
                }
                return Component::update(self, ctx, Msg::Control(control));
            }
        }
        self.sync_timer(ctx);
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            // A presenter's page (reloaded mid-talk, say) gives the clicker's keys to the widget.
            if self.presenter && ctx.props().spec.standalone {
                if let Some(el) = self.root.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
            if let Some(el) = self.root.cast::<web_sys::Element>() {
                let link = ctx.link().clone();
                self._visibility = Some(dom::VisibilityWatch::new(&el, move |on| link.send_message(Msg::OnScreen(on))));
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let w = match &self.widget {
            Ok(w) => w,
            Err(e) => return error_view(ctx.props().title, e),
        };
        let act = link.callback(Msg::Edit);
        let parts = w.parts(&act, LOG_LINES, !ctx.props().spec.params.is_empty());
        let control = |c: Control| link.callback(move |_| Msg::Control(c.clone()));
        let bar = PlayerBarProps {
            now: parts.now,
            duration: parts.duration,
            playing: w.playing(),
            speed: w.speed(),
            seed: parts.seed,
            uses_seed: parts.uses_seed,
            lane: parts.lane.clone(),
            moments: parts.moments.clone(),
            ms_per_second: parts.ms_per_second,
            link: self.link.clone(),
            link_note: self.link_note.clone(),
            on_toggle: control(Control::TogglePlay),
            on_step: control(Control::Step),
            on_step_back: control(Control::StepBack),
            on_next_moment: control(Control::NextMoment),
            on_previous_moment: control(Control::PreviousMoment),
            on_seek: link.callback(|t| Msg::Control(Control::Seek(t))),
            on_moment: link.batch_callback(|t| vec![Msg::Control(Control::Pause), Msg::Control(Control::Seek(t))]),
            on_reset: control(Control::Reset),
            on_speed: link.callback(|i| Msg::Control(Control::Speed(i))),
            on_seed: link.callback(|s| Msg::Control(Control::Reseed(s))),
            on_new_seed: link.callback(|_| Msg::NewSeed),
            on_copy_link: link.callback(|_| Msg::CopyLink),
            presenter: self.presenter,
            on_presenter: link.callback(|_| Msg::TogglePresenter),
        };
        layout(Layout {
            parts,
            notice: self.notice.as_deref(),
            startup_error: self.startup_error.as_deref(),
            presenter: self.presenter,
            controls: ctx.props().spec.controls,
            charts: ctx.props().spec.shows_charts(),
            spec: &ctx.props().spec,
            show_log: ctx.props().spec.shows_log(),
            answers: &self.answers,
            on_answer: link.callback(|(i, g)| Msg::Answer(i, g)),
            root: self.root.clone(),
            on_screen: self.on_screen,
            export: self.export_view(ctx),
            playlist: self.playlist.as_ref().map(Playlist::position),
            on_turn: link.callback(Msg::TurnLesson),
            bar,
            status: &self.status,
            longest_poll_ms: self.longest_poll_ms,
            onkeydown: link.callback(Msg::Key),
            on_control: link.callback(Msg::Control),
            onpreset: link.callback(|e: Event| {
                let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                Msg::Preset(select.value())
            }),
            on_restart: link.callback(Msg::Preset),
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

/// What the frame lays out: the widget's parts plus the frame's own state.
struct Layout<'a> {
    parts: FrameParts<'a>,
    notice: Option<&'a str>,
    startup_error: Option<&'a str>,
    presenter: bool,
    controls: Controls,
    charts: bool,
    spec: &'a MountSpec,
    show_log: bool,
    answers: &'a std::collections::BTreeMap<usize, Given>,
    on_answer: Callback<(usize, Given)>,
    root: NodeRef,
    on_screen: bool,
    /// The playlist's (position from 1, length).
    playlist: Option<(usize, usize)>,
    on_turn: Callback<bool>,
    /// The export menu (shown with all controls).
    export: Html,
    bar: PlayerBarProps,
    status: &'a str,
    longest_poll_ms: f64,
    onkeydown: Callback<KeyboardEvent>,
    onpreset: Callback<Event>,
    /// Loads a lesson by name again (the "Restart lesson" of a changed one).
    on_restart: Callback<String>,
    on_control: Callback<Control>,
}

fn layout(l: Layout<'_>) -> Html {
    let Layout {
        parts,
        notice,
        startup_error,
        presenter,
        controls,
        charts,
        spec,
        show_log,
        answers,
        on_answer,
        root,
        on_screen,
        playlist,
        on_turn,
        export,
        bar,
        status,
        longest_poll_ms,
        onkeydown,
        onpreset,
        on_restart,
        on_control,
    } = l;
    let FrameParts {
        title,
        summary,
        widget,
        lesson,
        lesson_changed,
        settings_changed,
        lesson_additions,
        lesson_seed,
        seed,
        presets,
        visual,
        details,
        details_beside,
        controls: settings,
        extra,
        notes,
        series,
        samples,
        current,
        now,
        duration,
        log,
        total,
        moment,
        moment_outdated,
        question,
        challenge,
        search,
        uses_seed,
        ..
    } = parts;
    let controls_shown = controls == Controls::All;
    let duration_ms = ms_from_ticks(duration);
    let now_ms = ms_from_ticks(now);
    let (details_under, details_side) = if details_beside { (None, Some(details)) } else { (Some(details), None) };
    // The charts on screen: a series drawn as another's ghost is not a chart of its own, and an
    // embed's `charts` list may name a few. One alone is drawn wide, to fill its row.
    let shown_charts: Vec<(usize, &SeriesSpec)> =
        series.iter().enumerate().filter(|(i, s)| !series.iter().any(|s| s.ghost == Some(*i)) && spec.shows_chart(s.name)).collect();
    let log: Vec<(u64, String, String, bool)> = log.into_iter().map(|(n, at, text, marked)| (n, format_time(at), text, marked)).collect();
    // The picker's name for the loaded lesson, if it lists it: shown selected, and what
    // "Restart lesson" loads.
    let lesson_preset: Option<String> = presets.iter().find(|(_, label)| label == lesson).map(|(name, _)| name.to_string());
    let lesson_listed = lesson_preset.is_some();
    // How this run differs from the lesson it was loaded from, in a few words (None: it is
    // the lesson as written). The page author's settings are the page's, not the reader's.
    let page_note = settings_changed && !spec.params.is_empty() && lesson_seed.is_none();
    let lesson_note: Option<String> = if let Some(theirs) = lesson_seed {
        Some(format!("on seed {seed}, not the lesson's {theirs}"))
    } else if page_note {
        Some(format!(
            "with this page's {}",
            spec.params.iter().map(|(name, v)| format!("{} = {v}", name.replace('_', " "))).collect::<Vec<_>>().join(", ")
        ))
    } else if settings_changed {
        Some("your settings differ from the lesson's".into())
    } else if lesson_additions > 0 {
        Some(format!("{} of yours on top", count(lesson_additions as u64, "change", "changes")))
    } else {
        None
    };
    let notes_list = html! { <ul>{ for notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul> };
    html! {
        <section class={classes!("fl-widget", presenter.then_some("fl-presenter"), (controls != Controls::All).then_some("fl-compact"))} tabindex="0"
            aria-label={format!("{title} widget. Space plays or pauses, arrows step, Page Down and Page Up go to the lesson's next and previous moment.")}
            {onkeydown} data-widget={widget} data-longest-poll-ms={format!("{longest_poll_ms:.1}")}
            data-on-screen={on_screen.to_string()} ref={root}>
            <header class="fl-head">
                <h2>{ title }</h2>
                <p class="fl-summary">{ summary }</p>
                if let Some(error) = startup_error { <p class="fl-error" role="alert">{ error }</p> }
                // A lesson the picker does not list (a link's own scenario) is named on a line.
                if !lesson.is_empty() && !lesson_listed {
                    <p class="fl-scenario-title">{ format!("Lesson: {lesson}") }</p>
                }
                if !presets.is_empty() {
                    <div class="fl-lesson-row">
                        <label class="fl-presets">{"Lesson "}
                            <select onchange={onpreset} aria-label="Load a preset lesson">
                                <option value="" selected={!lesson_listed} disabled=true>{"choose a lesson…"}</option>
                                { for presets.iter().map(|(name, label)| {
                                    let selected = label == lesson;
                                    html! { <option value={name.to_string()} {selected}>{ label.clone() }</option> }
                                }) }
                            </select>
                        </label>
                        // What the picker cannot say, beside it so that nothing moves when the
                        // learner's first change lands: how this run differs from the lesson,
                        // and the way back to it (a select cannot choose its own option again).
                        if let (Some(note), Some(name)) = (lesson_note, lesson_preset) {
                            <span class={classes!("fl-lesson-chip", lesson_changed.then_some("fl-lesson-changed"), page_note.then_some("fl-lesson-page-note"))}
                                title="This run is no longer the lesson as written: its captions tell the lesson, and may not hold now">
                                <span class="fl-lesson-note">{ note }</span>
                                <button type="button" class="fl-lesson-restart" title="Load the lesson again, as written"
                                    onclick={on_restart.reform(move |_: MouseEvent| name.clone())}>{"↺ Restart lesson"}</button>
                            </span>
                        }
                    </div>
                }
                if let Some((position, length)) = playlist { { playlist_view(position, length, &on_turn) } }
            </header>
            // In the page's order the player comes first, so Play is the first stop after the
            // lesson picker when tabbing in; it is drawn right under the picture (CSS order)
            // and sticks to the bottom of the screen while the rest scrolls by.
            if controls != Controls::None { <PlayerBar ..bar /> }
            <div class="fl-body">
                <div class="fl-visual">
                    <div class="fl-picture">{ visual }</div>
                    if let Some(details) = details_under { <div class="fl-details">{ details }</div> }
                </div>
                <aside class="fl-side">
                    if let Some(status) = challenge { { challenge_view(&status, search, uses_seed, &on_control) } }
                    if let Some(details) = details_side { <div class="fl-details">{ details }</div> }
                    <section class="fl-notes" aria-label="What to notice">
                        <h3>{"What to notice"}</h3>
                        if let Some(caption) = moment {
                            if moment_outdated {
                                <p class="fl-moment fl-moment-outdated" aria-live="polite">
                                    <span class="fl-moment-as-written">{"The lesson as written, before your change (it may not hold now): "}</span>{ caption }
                                </p>
                            } else {
                                <p class="fl-moment" aria-live="polite">{ caption }</p>
                            }
                        }
                        if let Some((index, q)) = &question { { question_view(*index, q, answers.get(index).copied(), &on_answer) } }
                        // A question still open: the notes, which read the run, would give its
                        // answer away, so they wait folded until it is answered.
                        if question.as_ref().is_some_and(|(index, _)| !answers.contains_key(index)) {
                            <details class="fl-notes-held">
                                <summary>{"The notes on this moment (they give the answer away: predict first)"}</summary>
                                { notes_list }
                            </details>
                        } else {
                            { notes_list }
                        }
                    </section>
                    if charts {
                    <div class={classes!("fl-charts", (shown_charts.len() == 1).then_some("fl-charts-one"))}>
                        { for shown_charts.iter().map(|&(i, spec)| {
                            let points_of = |i: usize| -> Vec<(f64, f64)> {
                                let mut points: Vec<(f64, f64)> = samples.iter().map(|s| (ms_from_ticks(s.at), s.values.get(i).copied().unwrap_or(0.0))).collect();
                                if let Some(&v) = current.get(i).filter(|_| points.last().is_none_or(|p| p.0 < now_ms)) {
                                    points.push((now_ms, v));
                                }
                                points
                            };
                            let ghost = spec.ghost.map(points_of);
                            let ghost_label = spec.ghost.and_then(|g| series.get(g)).map(|g| g.name).unwrap_or_default();
                            html! { <LineChart title={spec.name} unit={spec.unit} points={points_of(i)} {ghost} {ghost_label} x_max_ms={duration_ms} now_ms={now_ms} wide={shown_charts.len() == 1} /> }
                        }) }
                    </div>
                    }
                </aside>
            </div>
            if let Some(notice) = notice { <p class="fl-notice" role="alert">{ notice }</p> }
            if controls_shown {
                <details class="fl-controls" open=true>
                    <summary>{"Settings"}</summary>
                    { settings }
                </details>
                { extra }
                { export }
            }
            if show_log { <EventLog lines={log} {total} /> }
            <div class="fl-sr-only" role="status" aria-live="polite">{ status }</div>
        </section>
    }
}

/// Where the presenter is in the playlist, and buttons for the lessons either side (Page Down
/// past a lesson's last moment does the same).
fn playlist_view(position: usize, length: usize, on_turn: &Callback<bool>) -> Html {
    let turn = |forward: bool| on_turn.reform(move |_: MouseEvent| forward);
    html! {
        <nav class="fl-playlist" aria-label="Playlist">
            <button type="button" disabled={position == 1} onclick={turn(false)}>{"◀ Previous lesson"}</button>
            <span class="fl-playlist-position">{ format!("Lesson {position} of {length}") }</span>
            <button type="button" disabled={position == length} onclick={turn(true)}>{"Next lesson ▶"}</button>
        </nav>
    }
}

/// Which seeds a search ran before it found `seed`, the last of them.
fn tried_seeds(seed: u64, tried: u64) -> String {
    match tried {
        1 => "the first seed tried".into(),
        n => format!("seeds {} to {seed} tried", seed + 1 - n),
    }
}

/// Seeds one press of "Search" tries.
const SEARCH_SEEDS: u64 = 200;

/// A lesson's challenge (or claim): its goal, each criterion with where it stands, the verdict
/// (with the hint when a goal failed), and the seed search. The core judges; this only draws.
fn challenge_view(status: &ChallengeStatus, search: Option<(SearchState, bool)>, uses_seed: bool, on_control: &Callback<Control>) -> Html {
    let verdict = status.verdict();
    let (class, headline) = match (verdict, status.claim) {
        (Some(true), false) => ("fl-challenge-passed", "Challenge passed ✓"),
        (Some(false), false) => ("fl-challenge-failed", "Challenge: not yet ✗"),
        (None, false) => ("fl-challenge-open", "Challenge: play the run through to be judged"),
        (Some(true), true) => ("fl-challenge-passed", "The claim held in this run ✓"),
        (Some(false), true) => ("fl-challenge-failed", "Counterexample: the claim failed in this run ✗"),
        (None, true) => ("fl-challenge-open", "Claim: play the run through to test it"),
    };
    // What a search would look for: a counterexample to a claim, or a seed that meets a goal
    // this seed misses. Only where the seed changes the run.
    let want_pass = !status.claim;
    let searchable = uses_seed && (status.claim || verdict == Some(false));
    let search_line = search.map(|(state, wanted_pass)| match state {
        SearchState::Running { tried, total } => format!("Searching: {tried} of {total} seeds run…"),
        SearchState::Found { seed, tried } if wanted_pass => {
            format!("Seed {seed} passes ({}): this is its run, at its end.", tried_seeds(seed, tried))
        }
        SearchState::Found { seed, tried } => {
            format!("Counterexample: seed {seed} ({}). This is its run, where the claim first fails.", tried_seeds(seed, tried))
        }
        SearchState::NotFound { tried } if wanted_pass => format!("None of {tried} seeds passes."),
        SearchState::NotFound { tried } => format!("No counterexample in {tried} seeds: the claim held in every run."),
    });
    let running = matches!(search, Some((SearchState::Running { .. }, _)));
    let search_button = if running {
        let on = on_control.reform(|_: MouseEvent| Control::CancelSearch);
        html! { <button type="button" class="fl-search" onclick={on}>{"Stop searching"}</button> }
    } else if searchable {
        let on = on_control.reform(move |_: MouseEvent| Control::SearchSeeds { want_pass, seeds: SEARCH_SEEDS });
        let label = if status.claim {
            format!("Search {SEARCH_SEEDS} seeds for a counterexample")
        } else {
            format!("Search {SEARCH_SEEDS} seeds for one that passes")
        };
        html! { <button type="button" class="fl-search" onclick={on}>{ label }</button> }
    } else {
        html! {}
    };
    html! {
        <section class={classes!("fl-challenge", class)} aria-label={if status.claim { "Claim" } else { "Challenge" }}>
            <h3 aria-live="polite">{ headline }</h3>
            <p class="fl-challenge-goal">{ &status.goal }</p>
            <ul>
                { for status.criteria.iter().map(|c| {
                    let (mark, state) = match c.standing {
                        Standing::Waiting { until } => ("…", format!("judged at {}", format_time(until))),
                        Standing::Passed { figure } => ("✓", format!("measured {}", figure_text(figure, c.unit))),
                        Standing::Failed { figure } => ("✗", format!("measured {}", figure_text(figure, c.unit))),
                    };
                    html! { <li><span class="fl-challenge-mark" aria-hidden="true">{ mark }</span>{ format!(" {} — {state}", c.text) }</li> }
                }) }
            </ul>
            if verdict == Some(false) && !status.hint.is_empty() { <p class="fl-challenge-hint">{ format!("Hint: {}", status.hint) }</p> }
            <div class="fl-search-row">
                { search_button }
                if let Some(line) = search_line { <span class="fl-search-state" role="status">{ line }</span> }
            </div>
        </section>
    }
}

/// Predict, then reveal: the question of the moment at the cursor, its choices (or a number
/// field), and once answered whether it was right and the explanation. The grading is the
/// core's (`Question::is_right`).
fn question_view(index: usize, q: &Question, given: Option<Given>, on_answer: &Callback<(usize, Given)>) -> Html {
    let verdict = given.map(|g| q.is_right(g));
    let input = match &q.answer {
        Answer::Choice { choices, correct } => html! {
            <div class="fl-question-choices">
                { for choices.iter().enumerate().map(|(i, c)| {
                    let chosen = given == Some(Given::Choice(i));
                    let class = classes!("fl-choice", chosen.then_some("fl-choice-chosen"), (given.is_some() && i == *correct).then_some("fl-choice-correct"));
                    let on_answer = on_answer.clone();
                    let onclick = Callback::from(move |e: MouseEvent| {
                        lift_question(&e);
                        on_answer.emit((index, Given::Choice(i)));
                    });
                    html! { <button type="button" {class} disabled={given.is_some()} {onclick}>{ c }</button> }
                }) }
            </div>
        },
        Answer::Number { .. } => {
            let on_answer = on_answer.clone();
            let onchange = Callback::from(move |e: Event| {
                lift_question(&e);
                let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value_as_number();
                on_answer.emit((index, Given::Number(v)));
            });
            html! { <label class="fl-question-number">{"Your answer "}<input type="number" disabled={given.is_some()} {onchange} /></label> }
        }
    };
    html! {
        <div class="fl-question" role="group" aria-label="Predict what happens next">
            <p class="fl-question-ask"><strong>{"Predict: "}</strong>{ &q.ask }</p>
            { input }
            if let Some(right) = verdict {
                <p class={classes!("fl-question-reveal", if right { "fl-right" } else { "fl-wrong" })} aria-live="polite">
                    <strong>{ if right { "✓ Right. " } else { "✗ Not quite. " } }</strong>{ &q.explanation }
                </p>
            } else {
                <p class="fl-question-hint">{"Answer, then press Play to see it happen."}</p>
            }
        </div>
    }
}

/// Scrolls the question that `e` happened in to the top of the screen, so its answer, drawn
/// below it, is not hidden under the sticky player.
fn lift_question(e: &Event) {
    let Some(target) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    if let Ok(Some(question)) = target.closest(".fl-question") {
        question.scroll_into_view_with_bool(true);
    }
}
