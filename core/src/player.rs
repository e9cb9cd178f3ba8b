//! The player: a cursor over a deterministic run that can go forwards, backwards and fork.
//!
//! Going back restores the latest checkpoint at or before the target and replays from there;
//! because runs are deterministic, the result is the same state the run had the first time.
//! A user command or fault is inserted into the scenario at the cursor, so the scenario
//! (and therefore a permalink) always describes exactly what the user is looking at.

use crate::engine::{ms_from_ticks, Fault, Pattern, Scheduled, ScheduledItem, Simulation, Tick};
use crate::error::FieldError;
use crate::scenario::{Scenario, TimedCommand, TimedFault};

/// Checkpoints kept per timeline; the spacing grows with the scenario's duration.
const CHECKPOINTS_PER_TIMELINE: u64 = 64;

/// Chart samples per timeline.
const SAMPLES_PER_TIMELINE: u64 = 400;

/// The pattern's [`Pattern::SERIES`] values at one time.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub at: Tick,
    pub values: Vec<f64>,
}

pub struct Player<P: Pattern> {
    scenario: Scenario<P>,
    schedule: Vec<Scheduled<P>>,
    sim: Simulation<P>,
    /// Sorted by time; the first is always the state at time 0.
    checkpoints: Vec<Simulation<P>>,
    checkpoint_every: Tick,
    /// Samples at multiples of `sample_every` up to the cursor.
    samples: Vec<Sample>,
    sample_every: Tick,
}

impl<P: Pattern> Player<P> {
    /// Validates the scenario and positions the player at time 0 (or at its `cursor_ms`).
    pub fn new(scenario: Scenario<P>, trace_retain: usize) -> Result<Self, FieldError> {
        scenario.validate()?;
        let schedule = scenario.schedule();
        let sim = Simulation::<P>::start(&scenario.params, scenario.seed, scenario.network_config(), trace_retain);
        let checkpoint_every = (scenario.duration() / CHECKPOINTS_PER_TIMELINE).max(1);
        let sample_every = (scenario.duration() / SAMPLES_PER_TIMELINE).max(1);
        let cursor = scenario.cursor_ms;
        let samples = vec![Sample { at: 0, values: sim.model().sample(0) }];
        let mut player = Self { checkpoints: vec![sim.clone()], sim, scenario, schedule, checkpoint_every, samples, sample_every };
        // Even at 0: what is scheduled at time 0 has happened when the user first sees it.
        player.seek(cursor.map_or(0, crate::engine::ticks_from_ms));
        Ok(player)
    }

    pub fn now(&self) -> Tick {
        self.sim.now()
    }

    pub fn duration(&self) -> Tick {
        self.scenario.duration()
    }

    pub fn at_end(&self) -> bool {
        self.now() >= self.duration()
    }

    pub fn sim(&self) -> &Simulation<P> {
        &self.sim
    }

    pub fn model(&self) -> &P {
        self.sim.model()
    }

    /// The scenario as it stands (with the user's commands), without the cursor: a borrow,
    /// for views that only read it.
    pub fn recorded(&self) -> &Scenario<P> {
        &self.scenario
    }

    /// The scenario's challenge judged on this run's chart samples up to the cursor: what the
    /// widget, `faultline check` and the seed search all go by.
    pub fn challenge_status(&self) -> Option<crate::scenario::ChallengeStatus> {
        let challenge = self.scenario.challenge.as_ref()?;
        Some(challenge.status::<P>(&self.samples, self.now(), self.duration()))
    }

    /// The scenario as it stands (with the user's commands), cursor included.
    pub fn scenario(&self) -> Scenario<P> {
        let mut scenario = self.scenario.clone();
        scenario.cursor_ms = (self.now() > 0).then(|| ms_from_ticks(self.now()));
        scenario
    }

    /// Chart samples from time 0 up to the cursor.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Each chart series' name and the value its chart prints now (its latest sample).
    pub fn figures(&self) -> Vec<(&'static str, f64)> {
        let latest = self.samples.last().map(|s| s.values.as_slice()).unwrap_or_default();
        P::SERIES.iter().zip(latest).map(|(spec, &v)| (spec.name, v)).collect()
    }

    /// Moves the cursor to `t` (clamped to the timeline), forwards or backwards.
    pub fn seek(&mut self, t: Tick) {
        self.seek_within(t, u64::MAX);
    }

    /// Seeks towards `t` processing at most about `budget` events; returns whether it got
    /// there. Call again with the same target to go on: a page stays responsive however long
    /// the run, and partial progress is a real, consistent state of the run.
    pub fn seek_within(&mut self, t: Tick, mut budget: u64) -> bool {
        self.seek_spending(t, &mut budget)
    }

    /// Like [`Player::seek_within`], taking the events it processed from `budget`.
    pub fn seek_spending(&mut self, t: Tick, budget: &mut u64) -> bool {
        let t = t.min(self.duration());
        if t < self.sim.now() {
            let index = self.checkpoints.partition_point(|c| c.now() <= t).saturating_sub(1);
            self.sim = self.checkpoints[index].clone();
            self.samples.retain(|s| s.at <= t);
        }
        self.run_forward_within(t, budget)
    }

    /// The next moment something happens (all events at that time), or the end.
    pub fn step_target(&self) -> Tick {
        let next = self.sim.next_event_time(&self.schedule).unwrap_or(Tick::MAX);
        next.max(self.now()).min(self.duration())
    }

    /// The previous moment something happened, as far as the retained trace remembers; when
    /// everything it holds happened at `now`, the instant just before `now`.
    pub fn step_back_target(&self) -> Tick {
        let now = self.now();
        let trace = self.sim.trace();
        let earlier = trace.recent().rev().map(|e| e.at).find(|&at| at < now);
        // With every event of the run still in memory, nothing earlier means the start.
        let remembers_all = trace.recent().len() as u64 == trace.count();
        earlier.unwrap_or(if remembers_all { 0 } else { now.saturating_sub(1) })
    }

    /// Advances to the next moment something visible happens: instants where nothing is
    /// recorded (a crashed node's timer that no longer fires) are passed over.
    pub fn step_to_next_event(&mut self) {
        let count = self.sim.trace().count();
        // Bounded: a run whose remaining instants all record nothing ends at the last of them.
        for _ in 0..10_000 {
            self.step();
            if self.sim.trace().count() > count || self.at_end() {
                return;
            }
        }
    }

    /// Advances to the next moment something happens.
    pub fn step(&mut self) {
        self.seek(self.step_target());
    }

    /// Goes back to the previous moment something happened.
    pub fn step_back(&mut self) {
        self.seek(self.step_back_target());
    }

    /// Adds a command at the cursor and applies it now. A command that supersedes one already
    /// issued at this instant ([`Pattern::supersedes`]) replaces it, so dragging a slider
    /// leaves one command, not one per step.
    pub fn issue(&mut self, command: P::Command) -> Result<(), FieldError> {
        P::validate_command(&self.scenario.params, &command)?;
        let now = self.now();
        let at_ms = ms_from_ticks(now);
        let replaced = self.scenario.actions.iter().rposition(|a| a.at_ms == at_ms && P::supersedes(&command, &a.command));
        if let Some(index) = replaced {
            self.scenario.actions.remove(index);
            let scheduled =
                self.schedule.iter().rposition(|s| s.at == now && matches!(&s.item, ScheduledItem::Command(c) if P::supersedes(&command, c)));
            if let Some(index) = scheduled {
                self.schedule.remove(index);
            }
            // The replaced command has run: this instant is replayed without it.
            self.rewind_before(now);
        }
        self.scenario.actions.push(TimedCommand { at_ms, command: command.clone() });
        self.insert_at(now, ScheduledItem::Command(command));
        Ok(())
    }

    /// Restores the last checkpoint before `t` (the untouched start at worst) and forgets the
    /// checkpoints and samples from `t` on: they saw a schedule that has changed.
    fn rewind_before(&mut self, t: Tick) {
        let mut index = 0;
        self.checkpoints.retain(|c| {
            index += 1;
            index == 1 || c.now() < t
        });
        self.samples.retain(|s| s.at < t);
        self.sim = self.checkpoints.last().expect("the start is always kept").clone();
    }

    /// Adds a fault at the cursor and applies it now.
    pub fn inject(&mut self, fault: Fault) -> Result<(), FieldError> {
        fault.validate(P::node_names(&self.scenario.params).len())?;
        let now = self.now();
        self.scenario.faults.push(TimedFault { at_ms: ms_from_ticks(now), fault: fault.clone() });
        self.insert_at(now, ScheduledItem::Fault(fault));
        Ok(())
    }

    /// The scheduled faults and commands (for the timeline's fault lane).
    pub fn schedule(&self) -> &[Scheduled<P>] {
        &self.schedule
    }

    /// Inserts `item` at `now`, the cursor (the run may have been rewound before it), and runs
    /// the simulation to `now` with it.
    fn insert_at(&mut self, now: Tick, item: ScheduledItem<P>) {
        // Where `Scenario::schedule` will put it when a link is replayed: after everything
        // earlier, and at `now` faults before commands, each kind in the order it was added.
        let after_all_at_now = self.schedule.partition_point(|s| s.at <= now);
        let position = match item {
            ScheduledItem::Fault(_) => self.schedule[..after_all_at_now]
                .iter()
                .position(|s| s.at == now && matches!(s.item, ScheduledItem::Command(_)))
                .unwrap_or(after_all_at_now),
            ScheduledItem::Command(_) => after_all_at_now,
        };
        let already_applied = self.sim.next_scheduled();
        self.schedule.insert(position, Scheduled { at: now, item });
        // Keep the scenario's lists in the same order as the schedule (time, then insertion).
        crate::order::sort_by_f64(&mut self.scenario.faults, |f| f.at_ms);
        crate::order::sort_by_f64(&mut self.scenario.actions, |a| a.at_ms);
        if position < already_applied || self.sim.now() < now {
            // A fault slots in before commands already applied at `now` (or the caller rewound
            // to drop one): replay this instant from the last checkpoint before it, so the
            // screen shows what the link will.
            self.rewind_before(now);
            self.seek(now);
            return;
        }
        // Checkpoints and samples after now saw a different future.
        self.checkpoints.retain(|c| c.now() <= now);
        self.samples.retain(|s| s.at <= now);
        self.sim.run_until(now, &self.schedule);
        // A sample taken at `now` predates the new item.
        if let Some(last) = self.samples.last_mut().filter(|s| s.at == now) {
            last.values = self.sim.model().sample(now);
        }
    }

    /// Runs to `t` (within `budget` events), stopping at every sample and checkpoint boundary
    /// on the way.
    fn run_forward_within(&mut self, t: Tick, budget: &mut u64) -> bool {
        loop {
            let now = self.sim.now();
            let next_sample = (now / self.sample_every + 1) * self.sample_every;
            let next_checkpoint = (now / self.checkpoint_every + 1) * self.checkpoint_every;
            let stop = next_sample.min(next_checkpoint);
            if stop > t {
                break;
            }
            if !self.sim.run_until_within(stop, &self.schedule, budget) {
                return false;
            }
            if stop.is_multiple_of(self.sample_every) && self.samples.last().is_none_or(|s| s.at < stop) {
                self.samples.push(Sample { at: stop, values: self.sim.model().sample(stop) });
            }
            if stop.is_multiple_of(self.checkpoint_every) && self.checkpoints.last().is_none_or(|c| c.now() < stop) {
                self.checkpoints.push(self.sim.clone());
            }
        }
        self.sim.run_until_within(t, &self.schedule, budget)
    }
}
