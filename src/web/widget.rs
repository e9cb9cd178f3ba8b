//! What a widget module provides to the shared frame, and the type-erased session the frame
//! drives. The frame is compiled once; only [`LiveWidget`]'s small generic impl exists per
//! widget.

use std::any::Any;

use crate::web::html::{Callback, Html};
use faultline_core::engine::{ticks_from_ms, Pattern, SeriesSpec, Tick, TraceEvent};
use faultline_core::json::Json;
use faultline_core::narrate::{describe, fault_lane, format_time, parse_time, parse_time_range, LaneSpan};
use faultline_core::player::Sample;
use faultline_core::scenario::codec::browser::params_from_json;
use faultline_core::scenario::{decode_permalink, scenario_from_json, scenario_to_json, ChallengeStatus, Question, Scenario};
use faultline_core::seed_search::SearchState;
use faultline_core::session::{Control, Edit, Polled, Recorded, Session};
use faultline_core::FieldError;

use super::mount::MountSpec;

/// The view of one pattern: implemented for the pattern type itself, in one module per widget.
/// Views read the session and send typed edits; every rule stays in the pattern.
pub trait WidgetView: Pattern {
    /// The main picture (SVG), drawn from the state at the cursor.
    fn visual(session: &Session<Self>, act: &Callback<Edit<Self>>) -> Html;

    /// What the picture shows in detail (tables, lists, fault buttons): right under the
    /// picture on a wide screen; in one column after the player and the notes, so that on a
    /// phone Play follows the picture instead of a screen of tables.
    fn details(_session: &Session<Self>, _act: &Callback<Edit<Self>>) -> Html {
        Html::default()
    }

    /// Whether a wide screen shows the details beside the picture, over the notes, instead of
    /// under the picture: for details the lesson's captions point at (the breaker's window),
    /// which the player would cover there.
    const DETAILS_BESIDE: bool = false;

    /// Parameter controls (native inputs with units), drawn from the live state.
    fn controls(session: &Session<Self>, act: &Callback<Edit<Self>>) -> Html;

    /// Extra panels (comparisons, tables) under the charts.
    fn extra(_session: &Session<Self>, _act: &Callback<Edit<Self>>) -> Html {
        Html::default()
    }
}

/// An edit whose pattern type the frame does not know.
pub type AnyEdit = Box<dyn Any>;

/// Everything the frame shows, with the widget's own types already turned into HTML and text.
pub struct FrameParts<'a> {
    pub title: &'static str,
    pub summary: &'static str,
    pub widget: &'static str,
    /// The scenario's own title (a lesson's name), empty for none.
    pub lesson: &'a str,
    /// Whether the run was changed away from that lesson (settings, additions or seed).
    pub lesson_changed: bool,
    /// Whether its settings differ from the lesson's.
    pub settings_changed: bool,
    /// How many faults and commands the learner added on top of the lesson.
    pub lesson_additions: usize,
    /// The lesson's own seed, when the run differs from the lesson by its seed alone.
    pub lesson_seed: Option<u64>,
    /// `(name, label)` of each preset lesson.
    pub presets: Vec<(&'static str, String)>,
    pub visual: Html,
    pub details: Html,
    pub details_beside: bool,
    pub controls: Html,
    pub extra: Html,
    pub notes: Vec<String>,
    pub series: &'static [SeriesSpec],
    pub samples: &'a [Sample],
    /// The series' values at the cursor itself (samples come at fixed steps), so a chart's
    /// line ends at the cursor and its "now" figure is the picture's.
    pub current: Vec<f64>,
    pub now: Tick,
    pub duration: Tick,
    pub seed: u64,
    /// Whether the run draws on the seed (else "New seed" would change nothing).
    pub uses_seed: bool,
    pub lane: Vec<LaneSpan>,
    /// The lesson's moments (time, caption), and the caption that applies at the cursor.
    pub moments: Vec<(Tick, String)>,
    pub moment: Option<String>,
    /// Whether that caption may no longer hold: the learner changed the run before the cursor.
    pub moment_outdated: bool,
    /// The question of the moment at the cursor, with that moment's index.
    pub question: Option<(usize, Question)>,
    /// The scenario's challenge judged at the cursor.
    pub challenge: Option<ChallengeStatus>,
    /// A seed search in progress or how the last one ended, and whether it wanted a pass.
    pub search: Option<(SearchState, bool)>,
    /// How much of the run 1× plays each second, in ms.
    pub ms_per_second: f64,
    /// (event number from 1, time, text, is a fault or a command), newest first.
    pub log: Vec<(u64, Tick, String, bool)>,
    pub total: u64,
}

/// A running widget as the frame sees it.
pub trait LiveWidget {
    fn control(&mut self, control: Control);
    /// Applies an edit; `Ok(Some(note))` when it also dropped something the user should hear of.
    fn edit(&mut self, edit: AnyEdit) -> Result<Option<String>, FieldError>;
    fn load_preset(&mut self, name: &str) -> Result<(), FieldError>;
    fn poll(&mut self, elapsed_ms: f64, budget: u64) -> Polled;
    fn busy(&self) -> bool;
    fn playing(&self) -> bool;
    fn speed(&self) -> usize;
    fn catching_up(&self) -> Option<(Tick, Tick)>;
    /// The scenario on screen as compact JSON, cursor included.
    fn scenario_json(&self) -> String;
    /// `page_settings`: the page set some parameters (an embed's `data-*`), so settings that
    /// differ from the lesson's are its author's, not the reader's change.
    fn parts(&self, act: &Callback<AnyEdit>, log_lines: usize, page_settings: bool) -> FrameParts<'_>;
    /// One sentence for the screen-reader status region (cheap: no view is built).
    fn status_line(&self) -> String;
    /// Whether a clicker press that way has no moment left in this lesson.
    fn walked_through(&self, forward: bool) -> bool;
    /// The names of the widget's charts.
    fn chart_names(&self) -> Vec<&'static str>;
    /// The names of the widget's lessons, for a playlist.
    fn lesson_names(&self) -> Vec<&'static str>;
    /// The scenario on screen as a readable file (cursor included).
    fn scenario_file(&self) -> String;
    fn seed(&self) -> u64;
    /// A finished recording (asked for with `Control::Record`), once.
    fn take_recorded(&mut self) -> Option<Recorded>;
    /// `(where, end)` of a recording in progress.
    fn recording_progress(&self) -> Option<(Tick, Tick)>;
    /// "Copy as test" for the run on screen, whose whole run hashes to `trace_hash`.
    fn test_source(&self, trace_hash: &str) -> String;
}

impl<P: WidgetView> LiveWidget for Session<P> {
    fn control(&mut self, control: Control) {
        Session::control(self, control);
    }

    fn edit(&mut self, edit: AnyEdit) -> Result<Option<String>, FieldError> {
        match edit.downcast::<Edit<P>>() {
            Ok(edit) => Session::edit(self, *edit).map(|()| self.take_notice()),
            Err(_) => Err(FieldError::new("edit", "an edit for another widget")),
        }
    }

    fn load_preset(&mut self, name: &str) -> Result<(), FieldError> {
        self.load(preset::<P>(name)?)
    }

    fn poll(&mut self, elapsed_ms: f64, budget: u64) -> Polled {
        Session::poll(self, elapsed_ms, budget)
    }

    fn busy(&self) -> bool {
        Session::busy(self)
    }

    fn playing(&self) -> bool {
        Session::playing(self)
    }

    fn speed(&self) -> usize {
        Session::speed(self)
    }

    fn catching_up(&self) -> Option<(Tick, Tick)> {
        Session::catching_up(self)
    }

    fn scenario_json(&self) -> String {
        scenario_to_json(&self.scenario(), false)
    }

    fn walked_through(&self, forward: bool) -> bool {
        Session::walked_through(self, forward)
    }

    fn chart_names(&self) -> Vec<&'static str> {
        P::SERIES.iter().map(|s| s.name).collect()
    }

    fn lesson_names(&self) -> Vec<&'static str> {
        P::presets().into_iter().map(|(name, _)| name).collect()
    }

    fn scenario_file(&self) -> String {
        scenario_to_json(&self.scenario(), true)
    }

    fn seed(&self) -> u64 {
        self.player().recorded().seed
    }

    fn take_recorded(&mut self) -> Option<Recorded> {
        Session::take_recorded(self)
    }

    fn recording_progress(&self) -> Option<(Tick, Tick)> {
        Session::recording_progress(self)
    }

    fn test_source(&self, trace_hash: &str) -> String {
        faultline_core::copy_as_test::test_source(self.player(), trace_hash)
    }

    fn status_line(&self) -> String {
        let player = self.player();
        let names = player.sim().ctx().node_names();
        let latest = player.sim().trace().recent().next_back().map(|e| describe(e, names)).unwrap_or_else(|| "nothing has happened yet".into());
        let note = player.model().notes(player.now()).into_iter().next().unwrap_or_default();
        format!("{} at {}. Latest: {latest}. {note}", P::TITLE, format_time(player.now()))
    }

    fn parts(&self, act: &Callback<AnyEdit>, log_lines: usize, page_settings: bool) -> FrameParts<'_> {
        let act: Callback<Edit<P>> = act.reform(|edit: Edit<P>| Box::new(edit) as AnyEdit);
        let player = self.player();
        let names = player.sim().ctx().node_names();
        let trace = player.sim().trace();
        let log = trace
            .recent()
            .rev()
            .take(log_lines)
            .map(|e| (e.seq + 1, e.at, describe(e, names), matches!(e.event, TraceEvent::Fault { .. } | TraceEvent::Command { .. })))
            .collect();
        let all = P::presets();
        let recorded = player.recorded();
        let same_lesson = faultline_core::scenario::additions::lesson_of(recorded, &all);
        let settings_changed = same_lesson.is_some_and(|s| s.params != recorded.params || s.network != recorded.network);
        // What the learner added on top of the lesson (faults, commands): its notes come first.
        let added = faultline_core::scenario::additions::added_to_lesson(recorded, same_lesson);
        let lesson_additions = if same_lesson.is_some() { added.len() } else { 0 };
        // The lesson's captions were written for its own run: once the reader's settings (not
        // the page's own) or a change of theirs already acting at the cursor make that another
        // run, they may be untrue.
        let moment_outdated =
            same_lesson.is_some() && ((settings_changed && !page_settings) || added.iter().any(|a| ticks_from_ms(a.at_ms()) <= player.now()));
        let lesson_changed = settings_changed || lesson_additions > 0 || same_lesson.is_some_and(|s| s.seed != recorded.seed);
        // Only the seed differs (a seed search's find, a typed seed): said as such.
        let lesson_seed = same_lesson.filter(|s| !settings_changed && lesson_additions == 0 && s.seed != recorded.seed).map(|s| s.seed);
        let added_notes = player.model().notes_on_additions(recorded, &added, player.now());
        let presets = all.into_iter().map(|(name, s)| (name, if s.title.is_empty() { name.to_string() } else { s.title })).collect();
        FrameParts {
            title: P::TITLE,
            summary: P::SUMMARY,
            widget: P::WIDGET,
            lesson: &recorded.title,
            lesson_changed,
            settings_changed,
            lesson_additions,
            lesson_seed,
            presets,
            visual: P::visual(self, &act),
            details: P::details(self, &act),
            details_beside: P::DETAILS_BESIDE,
            controls: P::controls(self, &act),
            extra: P::extra(self, &act),
            notes: exhausted_note(player.sim()).into_iter().chain(added_notes).chain(player.model().notes(player.now())).collect(),
            series: P::SERIES,
            samples: player.samples(),
            current: player.model().sample(player.now()),
            now: player.now(),
            duration: player.duration(),
            seed: player.recorded().seed,
            uses_seed: P::uses_seed(&player.recorded().params),
            lane: fault_lane(player.schedule(), player.duration(), names),
            moments: player.recorded().moments.iter().map(|m| (ticks_from_ms(m.at_ms), m.caption.clone())).collect(),
            moment: self.current_moment().map(|m| m.caption.clone()),
            moment_outdated,
            question: self.current_moment_index().and_then(|i| Some((i, self.current_moment()?.question.clone()?))),
            challenge: self.challenge_status(),
            search: self.search_status(),
            ms_per_second: P::MS_PER_SECOND,
            log,
            total: trace.count(),
        }
    }
}

fn preset<P: Pattern>(name: &str) -> Result<Scenario<P>, FieldError> {
    P::presets().into_iter().find(|(n, _)| *n == name).map(|(_, s)| s).ok_or_else(|| {
        let known: Vec<&str> = P::presets().iter().map(|(n, _)| *n).collect();
        FieldError::new("preset", format!("no lesson called \"{name}\"; this widget has: {}", known.join(", ")))
    })
}

/// The scenario the page asked for: a permalink, else a preset, else the default; then the
/// seed and parameter overrides from data attributes.
fn initial_scenario<P: Pattern>(spec: &MountSpec) -> Result<Scenario<P>, FieldError> {
    if let Some(payload) = &spec.scenario {
        return scenario_from_json::<P>(&decode_permalink(payload)?);
    }
    let mut scenario = match &spec.preset {
        Some(name) => preset::<P>(name)?,
        None => P::default_scenario(),
    };
    if let Some(seed) = spec.seed {
        scenario.seed = seed;
    }
    if !spec.params.is_empty() {
        // The parameters as a JSON object, with the page's values put over them by name.
        let mut params =
            faultline_core::json::parse(&faultline_core::json::to_string(&scenario.params)).map_err(|e| FieldError::new("params", e.to_string()))?;
        if let Json::Object(entries) = &mut params {
            for (key, value) in &spec.params {
                match entries.iter_mut().find(|(k, _)| k == key) {
                    Some(entry) => entry.1 = value.clone(),
                    None => entries.push((key.clone(), value.clone())),
                }
            }
        }
        scenario.params = params_from_json::<P>(params).map_err(|e| FieldError::new("data-*", format!("a parameter attribute is not valid: {e}")))?;
    }
    scenario.validate()?;
    Ok(scenario)
}

/// Applies the page's start cursor (unless a permalink carries its own) and loop range.
fn place<P: Pattern>(session: &mut Session<P>, spec: &MountSpec, has_cursor: bool) -> Result<(), FieldError> {
    if let (Some(start), false) = (&spec.start, has_cursor) {
        let at = parse_time("start", start)?;
        if at > session.player().duration() {
            return Err(FieldError::new("start", format!("{start} is after the run's end at {}", format_time(session.player().duration()))));
        }
        session.control(Control::Seek(at));
    }
    if let Some(range) = &spec.loop_range {
        session.set_loop(Some(parse_time_range("loop", range)?))?;
    }
    Ok(())
}

/// Starts the session `spec` asks for; what the registry hands the frame for each widget.
pub fn start<P: WidgetView>(spec: &MountSpec, reduced_motion: bool) -> Result<Box<dyn LiveWidget>, FieldError> {
    let scenario = initial_scenario::<P>(spec)?;
    let has_cursor = scenario.cursor_ms.is_some();
    let mut session = Session::<P>::new(scenario, reduced_motion)?;
    place(&mut session, spec, has_cursor)?;
    Ok(Box::new(session))
}

/// How the registry starts one widget: a plain function pointer, so frame props compare.
pub type Starter = fn(&MountSpec, bool) -> Result<Box<dyn LiveWidget>, FieldError>;

/// The engine's backstop, said on screen: validation should keep every run under the cap, so
/// reaching it is a bug in a pattern's work estimate, and the run shows nothing after it.
fn exhausted_note<P: Pattern>(sim: &faultline_core::engine::Simulation<P>) -> Option<String> {
    sim.exhausted().then(|| {
        format!(
            "This run stopped at {} after {} events, Faultline's limit: nothing happens after this point. Shorten the run or lower its load.",
            format_time(sim.now()),
            faultline_core::engine::MAX_RUN_EVENTS
        )
    })
}
