//! A widget's live session: the player, play and speed, seeks and rebuilds spread over frames,
//! and the pattern's derived work, behind one input / poll interface.
//!
//! Sans-IO in the manner of quinn-proto and str0m: the caller feeds inputs ([`Session::control`],
//! [`Session::edit`]) and then calls [`Session::poll`] once per frame with the wall time that
//! passed and a work budget; the session never reads a clock and never does more work in one
//! poll than the budget allows. Everything a browser frame shows is here, so the native tests
//! drive exactly what the page does.

use crate::engine::{ticks_from_ms, DerivedWork, Fault, NodeId, Pattern, Tick};
use crate::error::FieldError;
use crate::narrate::format_time;
use crate::player::Player;
use crate::recording::Recording;
use crate::scenario::{Moment, Scenario, TimedFault, MAX_DURATION_MS};
use crate::seed_search::{SearchState, SeedSearch};

/// Events the trace keeps in memory for the event log and for stepping back.
pub const TRACE_RETAIN: usize = 400;

/// Playback speeds, slowest first.
pub const SPEEDS: &[f64] = &[0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0];
/// Index of 1× in [`SPEEDS`].
pub const DEFAULT_SPEED: usize = 3;

/// With reduced motion, playing jumps this often (wall time), each jump as long as the smooth
/// playing it replaces.
pub const REDUCED_MOTION_STEP_MS: f64 = 600.0;

/// Player controls: the same for every widget.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    TogglePlay,
    Pause,
    Step,
    StepBack,
    Seek(Tick),
    Reset,
    End,
    Speed(usize),
    Faster,
    Slower,
    /// The same scenario with another seed, at the same cursor.
    Reseed(u64),
    /// Pause and go to the lesson's next (or previous) moment: what a presenter's clicker
    /// sends (PageDown / PageUp). Past the last moment, the end; before the first, the start.
    NextMoment,
    PreviousMoment,
    /// Run the next `seeds` seeds of this scenario (the latest edit's), each to its end,
    /// until one's challenge verdict is `want_pass`; that run then opens at its end.
    SearchSeeds {
        want_pass: bool,
        seeds: u64,
    },
    CancelSearch,
    /// Record the run on screen afresh, all of it, with its golden trace hash (and every trace
    /// line when `lines`): for a trace file or a copied test. Polls do it within their budget;
    /// [`Session::take_recorded`] hands it over.
    Record {
        lines: bool,
    },
}

/// Trace lines a browser export keeps at most: a longer run is exported as its scenario, for
/// `faultline run --trace` (hundreds of megabytes of text do not belong in a tab).
pub const MAX_EXPORTED_LINES: u64 = 250_000;

/// A finished recording of the run on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// Every trace line, each followed by `\n` (empty when only the hash was asked for).
    pub lines: Vec<u8>,
    pub trace_hash: String,
    pub events: u64,
    /// Why there is no result (the run was too long to keep its lines), in one line.
    pub refused: Option<String>,
}

/// A change to what is simulated, recorded in the scenario (and so in a permalink).
#[derive(Clone, Debug, PartialEq)]
pub enum Edit<P: Pattern> {
    /// A pattern command at the cursor.
    Command(P::Command),
    /// A fault at the cursor.
    Fault(Fault),
    /// New parameters: the run is rebuilt and brought back to the cursor over frames.
    Params(P::Params),
}

/// What a poll did, for the caller's frame loop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Polled {
    /// Whether anything on screen may have changed.
    pub changed: bool,
    /// Whether the session wants another poll soon (playing, or work left).
    pub busy: bool,
}

/// A rebuild in progress: the scenario waits for the next poll (so the input events of one drag
/// between two frames build one run, not one each), then its run catches up with the cursor.
enum Rebuild<P: Pattern> {
    Waiting(Box<Scenario<P>>),
    Running(Box<Player<P>>),
}

impl<P: Pattern> Rebuild<P> {
    fn scenario(&self) -> &Scenario<P> {
        match self {
            Rebuild::Waiting(scenario) => scenario,
            Rebuild::Running(player) => player.recorded(),
        }
    }
}

pub struct Session<P: Pattern> {
    player: Player<P>,
    /// A run rebuilt after a parameter change, catching up with the cursor; it replaces
    /// `player` once there, so the screen never jumps back to 0 and forwards again.
    rebuild: Option<Rebuild<P>>,
    /// Where a seek that did not fit in one poll is heading.
    target: Option<Tick>,
    playing: bool,
    speed: usize,
    reduced_motion: bool,
    /// Wall time played since the last reduced-motion step.
    reduced_motion_wait_ms: f64,
    /// A lesson moment that playing is heading for: reaching it pauses the player there.
    stop_at: Option<Tick>,
    derived: P::Derived,
    /// The parameters `derived` was started for.
    derived_for: P::Params,
    derived_done: bool,
    /// Something the last edit did that the user did not ask for, to say once.
    notice: Option<String>,
    /// A seed search in progress, and how the last one ended (with whether it wanted a pass).
    search: Option<SeedSearch<P>>,
    search_ended: Option<(SearchState, bool)>,
    /// A range playing repeats (an embed's `loop`): at its end, playing jumps back to its start.
    loop_range: Option<(Tick, Tick)>,
    /// A recording in progress (with the lines so far), and the last one finished.
    recording: Option<(Recording<P>, Vec<u8>)>,
    recorded: Option<Recorded>,
}

impl<P: Pattern> Session<P> {
    /// A session at time 0; a scenario's `cursor_ms` is reached by the following polls.
    pub fn new(mut scenario: Scenario<P>, reduced_motion: bool) -> Result<Self, FieldError> {
        let target = scenario.cursor_ms.take().map(ticks_from_ms);
        let derived = P::Derived::start(&scenario.params);
        let derived_for = scenario.params.clone();
        let player = Player::new(scenario, TRACE_RETAIN)?;
        Ok(Self {
            player,
            rebuild: None,
            target,
            playing: false,
            speed: DEFAULT_SPEED,
            reduced_motion,
            reduced_motion_wait_ms: 0.0,
            stop_at: None,
            derived,
            derived_for,
            derived_done: false,
            notice: None,
            search: None,
            search_ended: None,
            loop_range: None,
            recording: None,
            recorded: None,
        })
    }

    /// Makes playing repeat `from..to` (or stops repeating). Lesson moments do not stop a
    /// looping run: a loop is an ambient picture, not a walk-through.
    pub fn set_loop(&mut self, range: Option<(Tick, Tick)>) -> Result<(), FieldError> {
        if let Some((from, to)) = range {
            let duration = self.player.duration();
            if from >= to {
                return Err(FieldError::new(
                    "loop",
                    format!("the loop must end after it starts ({} is not before {})", format_time(from), format_time(to)),
                ));
            }
            if to > duration {
                return Err(FieldError::new(
                    "loop",
                    format!("the loop ends at {}, after the run's end at {}", format_time(to), format_time(duration)),
                ));
            }
        }
        self.loop_range = range;
        Ok(())
    }

    /// The range playing repeats, if any.
    pub fn loop_range(&self) -> Option<(Tick, Tick)> {
        self.loop_range
    }

    /// What the last edit did besides what was asked (recorded faults or commands it had to
    /// drop), once.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    /// The run on screen.
    pub fn player(&self) -> &Player<P> {
        &self.player
    }

    /// The parameters as last edited (a rebuild may still be catching up with them): what
    /// controls show, so a dragged slider never snaps back.
    pub fn params(&self) -> &P::Params {
        &self.latest_scenario().params
    }

    /// The scenario as last edited, without the cursor.
    fn latest_scenario(&self) -> &Scenario<P> {
        self.rebuild.as_ref().map_or(self.player.recorded(), Rebuild::scenario)
    }

    /// The pattern's derived figures for [`Session::params`], complete or in progress.
    pub fn derived(&self) -> &P::Derived {
        &self.derived
    }

    pub fn playing(&self) -> bool {
        self.playing
    }

    pub fn speed(&self) -> usize {
        self.speed
    }

    /// `(where to, where now)` while a seek or a rebuild is spread over frames.
    pub fn catching_up(&self) -> Option<(Tick, Tick)> {
        match (&self.rebuild, self.target) {
            (Some(Rebuild::Running(rebuild)), _) => Some((self.player.now(), rebuild.now())),
            // Not yet started: the next poll starts it, usually to the end.
            (Some(Rebuild::Waiting(_)), _) => None,
            (None, Some(t)) if !self.playing => Some((t, self.player.now())),
            _ => None,
        }
    }

    /// Whether the session wants polls: playing, or work left to do.
    pub fn busy(&self) -> bool {
        self.playing || self.target.is_some() || self.rebuild.is_some() || !self.derived_done || self.search.is_some() || self.recording.is_some()
    }

    /// The scenario on screen, cursor included: what a permalink encodes.
    pub fn scenario(&self) -> Scenario<P> {
        self.player.scenario()
    }

    /// Applies a player control. Long seeks only set a target; polls get there.
    pub fn control(&mut self, control: Control) {
        let now = self.player.now();
        let target = match control {
            Control::TogglePlay => {
                self.set_playing(!self.playing);
                return;
            }
            Control::Pause => {
                self.set_playing(false);
                return;
            }
            Control::Speed(i) => {
                self.speed = i.min(SPEEDS.len() - 1);
                return;
            }
            Control::Faster => {
                self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
                return;
            }
            Control::Slower => {
                self.speed = self.speed.saturating_sub(1);
                return;
            }
            Control::Reseed(seed) => {
                // From the latest edit (a waiting rebuild's included) and without the cursor,
                // which the rebuild reaches over polls.
                let mut scenario = self.latest_scenario().clone();
                scenario.seed = seed;
                self.restart(scenario, now);
                return;
            }
            Control::Step => {
                self.settle();
                self.target = None;
                self.player.step_to_next_event();
                return;
            }
            Control::StepBack => self.player.step_back_target(),
            Control::SearchSeeds { want_pass, seeds } => {
                self.set_playing(false);
                let base = self.latest_scenario().clone();
                let first = base.seed.wrapping_add(1);
                match SeedSearch::new(base, want_pass, first, seeds) {
                    Ok(search) => {
                        self.search_ended = None;
                        self.search = Some(search);
                    }
                    Err(e) => self.notice = Some(format!("Cannot search seeds: {e}")),
                }
                return;
            }
            Control::CancelSearch => {
                self.search = None;
                self.search_ended = None;
                return;
            }
            Control::Record { lines } => {
                // What is on screen, with any rebuild landed first.
                let recording = Recording::new(self.settle().recorded(), lines);
                self.recording = Some((recording, Vec::new()));
                self.recorded = None;
                return;
            }
            Control::NextMoment | Control::PreviousMoment => {
                self.set_playing(false);
                // From where a seek in progress is heading, so repeated presses walk on.
                let from = self.target.unwrap_or(now);
                let mut moments = self.player.recorded().moments.iter().map(|m| ticks_from_ms(m.at_ms));
                if control == Control::NextMoment {
                    moments.find(|&t| t > from).unwrap_or(self.player.duration())
                } else {
                    moments.rev().find(|&t| t < from).unwrap_or(0)
                }
            }
            Control::Seek(t) => t,
            Control::Reset => 0,
            Control::End => self.player.duration(),
        };
        self.target = Some(target.min(self.player.duration()));
    }

    /// Applies an edit at the cursor. Commands and faults take effect at once (they touch one
    /// instant); new parameters start a rebuild that polls bring back to the cursor. Edits
    /// that arrive while a rebuild is running replace it: only the last one is simulated.
    pub fn edit(&mut self, edit: Edit<P>) -> Result<(), FieldError> {
        match edit {
            Edit::Command(command) => self.at_cursor(|player| player.issue(command)),
            Edit::Fault(fault) => self.at_cursor(|player| player.inject(fault)),
            Edit::Params(params) => {
                let params = P::normalise(params);
                P::validate(&params)?;
                let mut scenario = self.latest_scenario().clone();
                let old_names = P::node_names(&scenario.params);
                scenario.params = params;
                scenario.cursor_ms = None;
                // Recorded actions that no longer fit the new parameters are dropped; faults stay
                // on the nodes they name (ids shift when the node set changes), and a fault whose
                // node is gone is dropped. Either is said once, in `take_notice`.
                let params = &scenario.params;
                let actions_before = scenario.actions.len();
                scenario.actions.retain(|a| P::validate_command(params, &a.command).is_ok());
                let new_names = P::node_names(params);
                let new_id = |old: NodeId| {
                    let name = old_names.get(old as usize)?;
                    new_names.iter().position(|n| n == name).map(|i| i as NodeId)
                };
                let faults_before = scenario.faults.len();
                scenario.faults = std::mem::take(&mut scenario.faults)
                    .into_iter()
                    .filter_map(|f| Some(TimedFault { at_ms: f.at_ms, fault: f.fault.renumbered(new_id)? }))
                    .filter(|f| f.fault.validate(new_names.len()).is_ok())
                    .collect();
                self.notice = dropped_note(faults_before - scenario.faults.len(), actions_before - scenario.actions.len());
                // The whole scenario too: new rates can push the run past its work limit.
                scenario.validate()?;
                let cursor = self.player.now();
                self.restart(scenario, cursor);
                Ok(())
            }
        }
    }

    /// Adds a fault or a command at the cursor, on the run it will be part of. One added at
    /// the very end would have nothing after it to show: the run goes on for half as long again
    /// (at least a second, within [`MAX_DURATION_MS`]), recorded in the scenario so a link
    /// replays it, and the notice says so. Without room to go on, the notice says that instead
    /// of staying silent.
    fn at_cursor(&mut self, add: impl FnOnce(&mut Player<P>) -> Result<(), FieldError>) -> Result<(), FieldError> {
        let at_end = self.settle().at_end();
        add(&mut self.player)?;
        if !at_end {
            return Ok(());
        }
        let mut scenario = self.player.recorded().clone();
        let before = scenario.duration_ms;
        scenario.duration_ms = (before + (before / 2.0).max(1_000.0)).min(MAX_DURATION_MS);
        let longer = scenario.duration_ms - before;
        if longer <= 0.0 || scenario.validate().is_err() {
            self.notice = Some("Added at the very end of the run, with no room to run on: rewind and add it earlier to see what it does.".into());
            return Ok(());
        }
        self.notice = Some(format!(
            "Added at the end of the run, so the run goes on {} longer (to {}): press Play to see what it does.",
            format_time(ticks_from_ms(longer)),
            format_time(scenario.duration())
        ));
        let cursor = self.player.now();
        scenario.cursor_ms = None;
        self.restart(scenario, cursor);
        Ok(())
    }

    /// Loads another scenario (a lesson), paused at its start or its cursor.
    pub fn load(&mut self, scenario: Scenario<P>) -> Result<(), FieldError> {
        *self = Self::new(scenario, self.reduced_motion)?;
        Ok(())
    }

    /// Advances by `elapsed_ms` of wall time while playing, then does up to `budget` units of
    /// pending work: the seek first (it is what the user looks at), then a rebuild, then the
    /// derived figures.
    pub fn poll(&mut self, elapsed_ms: f64, budget: u64) -> Polled {
        let mut budget = budget.max(1);
        let mut changed = false;
        if self.playing && self.target.is_none() && self.rebuild.is_none() {
            match self.loop_range {
                Some((from, to)) if self.player.now() >= to => self.target = Some(from),
                _ => self.target = self.play_target(elapsed_ms),
            }
        }
        if let Some(t) = self.target {
            changed = true;
            if self.player.seek_spending(t, &mut budget) {
                self.target = None;
                if self.playing && self.player.at_end() && self.loop_range.is_none() {
                    self.playing = false;
                }
                if self.playing && self.stop_at == Some(self.player.now()) {
                    // A lesson moment: stop so its caption can be read.
                    self.playing = false;
                }
            }
        }
        if let Some(rebuild) = self.rebuild.take() {
            let cursor = self.player.now();
            let mut rebuild = match rebuild {
                Rebuild::Running(player) => Some(*player),
                Rebuild::Waiting(scenario) => self.start_rebuild(*scenario, &mut budget),
            };
            match rebuild.as_mut().map(|player| player.seek_spending(cursor, &mut budget)) {
                Some(true) => {
                    self.player = rebuild.take().expect("just matched");
                    changed = true;
                }
                Some(false) => self.rebuild = rebuild.map(|player| Rebuild::Running(Box::new(player))),
                None => {}
            }
        }
        if !self.derived_done && budget > 0 {
            self.derived_done = self.derived.advance(&mut budget);
            changed |= self.derived_done;
        }
        if let Some(search) = self.search.as_mut().filter(|_| budget > 0) {
            changed = true;
            let state = search.advance(&mut budget);
            if !matches!(state, SearchState::Running { .. }) {
                let ended = Some((state, search.wants_pass()));
                self.search = None;
                if let SearchState::Found { seed, .. } = state {
                    // Open the run found where its challenge is first lost (a counterexample's
                    // stale read, say), else at its end, where the verdict shows. The run is
                    // played through once to find that moment: one more run of the many the
                    // search just did.
                    let scenario = Scenario { seed, cursor_ms: None, ..self.latest_scenario().clone() };
                    if self.load(scenario).is_ok() {
                        let end = self.player.duration();
                        self.player.seek(end);
                        let challenge = self.player.recorded().challenge.as_ref();
                        let broken = challenge.and_then(|c| c.first_broken::<P>(self.player.samples(), end));
                        self.target = Some(broken.unwrap_or(end));
                    }
                }
                self.search_ended = ended;
            }
        }
        if let Some((recording, lines)) = self.recording.as_mut().filter(|_| budget > 0) {
            changed = true;
            let done = recording.advance(&mut budget);
            lines.extend(recording.take_lines());
            let events = recording.sim().trace().count();
            let too_long = recording.keeps_lines() && events > MAX_EXPORTED_LINES;
            if done || too_long {
                let (recording, lines) = self.recording.take().expect("just matched");
                self.recorded = Some(Recorded {
                    lines: if too_long { Vec::new() } else { lines },
                    trace_hash: recording.hash_hex(),
                    events,
                    refused: too_long.then(|| {
                        format!(
                            "This run has more than {MAX_EXPORTED_LINES} events, too many for a file made in the browser: save its scenario and run `faultline run SCENARIO --trace FILE`."
                        )
                    }),
                });
            }
        }
        Polled { changed, busy: self.busy() }
    }

    /// A finished recording, once.
    pub fn take_recorded(&mut self) -> Option<Recorded> {
        self.recorded.take()
    }

    /// `(where the recording is, where it ends)` while one is in progress.
    pub fn recording_progress(&self) -> Option<(Tick, Tick)> {
        self.recording.as_ref().map(|(r, _)| r.progress())
    }

    /// Finishes any rebuild now, so an edit at the cursor lands on the run it will be part of.
    fn settle(&mut self) -> &mut Player<P> {
        let rebuild = match self.rebuild.take() {
            Some(Rebuild::Running(player)) => Some(*player),
            Some(Rebuild::Waiting(scenario)) => {
                let mut unlimited = u64::MAX;
                self.start_rebuild(*scenario, &mut unlimited)
            }
            None => None,
        };
        if let Some(mut rebuild) = rebuild {
            rebuild.seek(self.player.now());
            self.player = rebuild;
        }
        &mut self.player
    }

    /// Starts the run a waiting rebuild asked for (its start, the pattern's `init`, costs about
    /// a slice), and the derived work if the parameters changed.
    fn start_rebuild(&mut self, scenario: Scenario<P>, budget: &mut u64) -> Option<Player<P>> {
        *budget /= 2;
        let params = scenario.params.clone();
        // Validation ran when the edit came in; should a scenario still be refused, the run
        // stays as it was.
        let player = Player::new(scenario, TRACE_RETAIN).ok()?;
        self.restart_derived(&params);
        Some(player)
    }

    fn restart_derived(&mut self, params: &P::Params) {
        if *params != self.derived_for {
            self.derived = P::Derived::start(params);
            self.derived_for = params.clone();
            self.derived_done = false;
        }
    }

    fn restart(&mut self, scenario: Scenario<P>, cursor: Tick) {
        if cursor > 0 {
            self.rebuild = Some(Rebuild::Waiting(Box::new(scenario)));
            return;
        }
        let params = scenario.params.clone();
        if let Ok(player) = Player::new(scenario, TRACE_RETAIN) {
            self.player = player;
            self.rebuild = None;
            self.restart_derived(&params);
        }
    }

    fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
        if playing && self.player.at_end() {
            self.target = Some(self.loop_range.map_or(0, |(from, _)| from));
        }
        self.reduced_motion_wait_ms = 0.0;
    }

    /// Whether a clicker press that way has nothing left to walk in this lesson: going
    /// forward at the end, or back at the start (and no seek on its way elsewhere).
    pub fn walked_through(&self, forward: bool) -> bool {
        let at = self.target.unwrap_or(self.player.now());
        if forward {
            at >= self.player.duration()
        } else {
            at == 0
        }
    }

    /// The seed search in progress or how the last one ended, with whether it wanted a
    /// passing seed (else a counterexample).
    pub fn search_status(&self) -> Option<(SearchState, bool)> {
        self.search.as_ref().map(|search| (search.state(), search.wants_pass())).or(self.search_ended)
    }

    /// The scenario's challenge judged at the cursor, if it has one.
    pub fn challenge_status(&self) -> Option<crate::scenario::ChallengeStatus> {
        self.player.challenge_status()
    }

    /// The index of [`Session::current_moment`] among the lesson's moments.
    pub fn current_moment_index(&self) -> Option<usize> {
        let now = self.player.now();
        self.player.recorded().moments.iter().rposition(|m| ticks_from_ms(m.at_ms) <= now)
    }

    /// The lesson moment at or before the cursor: the one whose caption applies now.
    pub fn current_moment(&self) -> Option<&Moment> {
        let now = self.player.now();
        self.player.recorded().moments.iter().rev().find(|m| ticks_from_ms(m.at_ms) <= now)
    }

    /// Where playing for `elapsed_ms` of wall time takes the cursor (never past the next lesson
    /// moment, where it stops), if anywhere yet.
    fn play_target(&mut self, elapsed_ms: f64) -> Option<Tick> {
        let target = self.unclamped_play_target(elapsed_ms)?;
        let now = self.player.now();
        if let Some((_, to)) = self.loop_range.filter(|&(_, to)| now < to) {
            self.stop_at = None;
            return Some(target.min(to));
        }
        let next_moment = self.player.recorded().moments.iter().map(|m| ticks_from_ms(m.at_ms)).find(|&at| at > now);
        self.stop_at = next_moment.filter(|&at| at <= target);
        Some(self.stop_at.unwrap_or(target))
    }

    fn unclamped_play_target(&mut self, elapsed_ms: f64) -> Option<Tick> {
        let elapsed_ms = elapsed_ms.clamp(0.0, 250.0);
        let speed = SPEEDS[self.speed];
        if self.reduced_motion {
            // Discrete jumps, no tweening: the screen changes once per REDUCED_MOTION_STEP_MS,
            // by as much simulated time as smooth playing would have covered, so the speed and
            // the pace are the same with or without motion.
            self.reduced_motion_wait_ms += elapsed_ms;
            if self.reduced_motion_wait_ms < REDUCED_MOTION_STEP_MS {
                return None;
            }
            let waited = std::mem::take(&mut self.reduced_motion_wait_ms);
            return Some(self.player.now() + ticks_from_ms(P::MS_PER_SECOND * speed * waited / 1000.0).max(1));
        }
        let advance = ticks_from_ms(P::MS_PER_SECOND * speed * elapsed_ms / 1000.0);
        Some(self.player.now() + advance.max(1))
    }
}

/// Plain-language progress of a long seek or rebuild, for a status line.
/// Says which recorded faults and commands a parameter change dropped, if any.
fn dropped_note(faults: usize, commands: usize) -> Option<String> {
    use crate::narrate::count;
    let (faults, commands) = (faults as u64, commands as u64);
    let were = |n: u64| if n == 1 { "was" } else { "were" };
    match (faults, commands) {
        (0, 0) => None,
        (f, 0) => Some(format!("{} on a node that no longer exists {} dropped.", count(f, "recorded fault", "recorded faults"), were(f))),
        (0, c) => Some(format!("{} that no longer fit these settings {} dropped.", count(c, "recorded command", "recorded commands"), were(c))),
        (f, c) => Some(format!(
            "{} and {} that no longer fit these settings were dropped.",
            count(f, "recorded fault", "recorded faults"),
            count(c, "command", "commands")
        )),
    }
}

pub fn catching_up_note((target, now): (Tick, Tick)) -> String {
    format!("Simulating up to {}… now at {}", crate::narrate::format_time(target), crate::narrate::format_time(now))
}
