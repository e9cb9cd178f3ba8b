//! What a learner added on top of a lesson: the faults and commands a recorded scenario has
//! that the lesson it was loaded from does not schedule. The "what to notice" notes name them
//! and say what they do at the cursor, instead of keeping the lesson's generic text.

use super::format::{Scenario, TimedCommand, TimedFault};
use crate::engine::{ticks_from_ms, Fault, NodeId, Pattern, Tick};

/// One fault or command the learner added.
#[derive(Debug)]
pub enum Added<'a, P: Pattern> {
    Fault(&'a TimedFault),
    Command(&'a TimedCommand<P>),
}

impl<P: Pattern> Added<'_, P> {
    pub fn at_ms(&self) -> f64 {
        match self {
            Added::Fault(f) => f.at_ms,
            Added::Command(c) => c.at_ms,
        }
    }
}

/// The preset `scenario` was loaded from: the one with its title (none for an untitled run).
pub fn lesson_of<'p, P: Pattern>(scenario: &Scenario<P>, presets: &'p [(&'static str, Scenario<P>)]) -> Option<&'p Scenario<P>> {
    presets.iter().find(|(_, s)| !s.title.is_empty() && s.title == scenario.title).map(|(_, s)| s)
}

/// The faults and commands of `scenario` that `lesson` does not have (each of the lesson's
/// entries cancels one equal entry), in time order; everything when there is no lesson.
pub fn added_to_lesson<'a, P: Pattern>(scenario: &'a Scenario<P>, lesson: Option<&Scenario<P>>) -> Vec<Added<'a, P>> {
    let mut lesson_faults: Vec<&TimedFault> = lesson.map(|l| l.faults.iter().collect()).unwrap_or_default();
    let mut lesson_actions: Vec<&TimedCommand<P>> = lesson.map(|l| l.actions.iter().collect()).unwrap_or_default();
    let mut added: Vec<Added<'a, P>> = Vec::new();
    for f in &scenario.faults {
        match lesson_faults.iter().position(|l| *l == f) {
            Some(i) => drop(lesson_faults.remove(i)),
            None => added.push(Added::Fault(f)),
        }
    }
    for c in &scenario.actions {
        match lesson_actions.iter().position(|l| l.at_ms == c.at_ms && l.command == c.command) {
            Some(i) => drop(lesson_actions.remove(i)),
            None => added.push(Added::Command(c)),
        }
    }
    // A stable sort: at one instant faults stay before commands, as the schedule runs them.
    crate::order::sort_by_f64(&mut added, |a| a.at_ms());
    added
}

/// Whether `node` is down at `now` under the scenario's whole fault schedule (its last crash
/// or restart at or before `now` decides).
pub fn down_at<P: Pattern>(scenario: &Scenario<P>, node: NodeId, now: Tick) -> bool {
    let mut down = false;
    for f in scenario.faults.iter().filter(|f| ticks_from_ms(f.at_ms) <= now) {
        match f.fault {
            Fault::Crash { node: n } if n == node => down = true,
            Fault::Restart { node: n } if n == node => down = false,
            _ => {}
        }
    }
    down
}

/// Whether a partition made at or before `now` is still in force (no heal or new partition
/// after it), and the last one's groups.
pub fn partition_at<P: Pattern>(scenario: &Scenario<P>, now: Tick) -> Option<&Vec<Vec<NodeId>>> {
    let mut groups = None;
    for f in scenario.faults.iter().filter(|f| ticks_from_ms(f.at_ms) <= now) {
        match &f.fault {
            Fault::Partition { groups: g } => groups = Some(g),
            Fault::Heal => groups = None,
            _ => {}
        }
    }
    groups
}

/// "Coming at 3.00 s, added by you: …": the learner's next addition after `now`, if any, so a
/// fault they scheduled ahead is announced before it strikes.
pub fn upcoming_note<P: Pattern>(added: &[Added<'_, P>], now: Tick, name: &dyn Fn(NodeId) -> String) -> Option<String> {
    let next = added.iter().find(|a| ticks_from_ms(a.at_ms()) > now)?;
    let what = match next {
        Added::Fault(f) => f.fault.describe(name),
        Added::Command(c) => P::describe_command(&c.command),
    };
    Some(format!("Coming at {}, added by you: {what}.", crate::narrate::format_time(ticks_from_ms(next.at_ms()))))
}

/// How many of the learner's additions the notes describe at once: the latest ones.
pub const MAX_ADDITION_NOTES: usize = 3;

/// The additions that have happened by `now`, the latest [`MAX_ADDITION_NOTES`] of them, oldest
/// first.
pub fn latest_happened<'s, 'a, P: Pattern>(added: &'s [Added<'a, P>], now: Tick) -> Vec<&'s Added<'a, P>> {
    let happened: Vec<&Added<'a, P>> = added.iter().filter(|a| ticks_from_ms(a.at_ms()) <= now).collect();
    let skip = happened.len().saturating_sub(MAX_ADDITION_NOTES);
    happened.into_iter().skip(skip).collect()
}
