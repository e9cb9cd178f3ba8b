//! Plain-language text for trace entries and the timeline's fault lane, shared by the event
//! log, the screen-reader status region and the CLI.

use crate::engine::{ms_from_ticks, Fault, NodeId, Pattern, Scheduled, ScheduledItem, Tick, TraceEntry, TraceEvent};

/// Why the network dropped a message, in words.
fn drop_reason(reason: crate::engine::DropReason) -> &'static str {
    use crate::engine::DropReason;
    match reason {
        DropReason::SenderDown => "the sender is down",
        DropReason::ReceiverDown => "the receiver is down",
        DropReason::Partitioned => "a partition is between them",
        DropReason::Lost => "lost in transit",
    }
}

/// Formats a time for people: "850 µs", "12.5 ms", "3.20 s".
pub fn format_time(t: Tick) -> String {
    let ms = ms_from_ticks(t);
    if t == 0 {
        // The start of a run, said as a reader says it (not "0 µs").
        "0 s".into()
    } else if t < 1_000 {
        format!("{t} µs")
    } else if ms < 1_000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1_000.0)
    }
}

/// Reads a time written for people, as embeds and the CLI take it: a number with a unit, `µs`
/// (or `us`), `ms`, `s` or `min`, e.g. "12s", "1.5 s", "850ms". `field` names the input in the
/// error. Digits are read as integers (no float parsing: the wasm bundle stays without it), and
/// precision finer than a tick (1 µs) is refused rather than rounded.
pub fn parse_time(field: &str, text: &str) -> Result<Tick, crate::FieldError> {
    let refuse = |why: &str| crate::FieldError::new(field, format!("\"{text}\" is not a time: {why} (write e.g. 12s, 1.5s or 850ms)"));
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
    let (number, unit) = (&trimmed[..split], trimmed[split..].trim());
    let ticks_per_unit: u64 = match unit {
        "µs" | "us" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "min" => 60_000_000,
        "" => return Err(refuse("it needs a unit")),
        _ => return Err(refuse(&format!("\"{unit}\" is not a unit"))),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(refuse("it needs a number"));
    }
    let digits = |s: &str| if s.is_empty() { Some(0) } else { s.parse::<u64>().ok() };
    let (Some(whole), Some(fraction_value)) = (digits(whole), digits(fraction)) else { return Err(refuse("the number is not plain digits")) };
    // fraction_value / 10^len units, in ticks: exact only if 10^len divides ticks_per_unit.
    let scale =
        10u64.checked_pow(fraction.len() as u32).filter(|&s| ticks_per_unit.is_multiple_of(s)).ok_or_else(|| refuse("it is finer than 1 µs"))?;
    whole.checked_mul(ticks_per_unit).and_then(|t| t.checked_add(fraction_value * (ticks_per_unit / scale))).ok_or_else(|| refuse("it is too large"))
}

/// Reads a range of times, `10s-20s` (or `10s..20s`), for an embed's loop.
pub fn parse_time_range(field: &str, text: &str) -> Result<(Tick, Tick), crate::FieldError> {
    let (from, to) = text
        .split_once("..")
        .or_else(|| text.split_once('-'))
        .ok_or_else(|| crate::FieldError::new(field, format!("\"{text}\" is not a range: write its start and end, e.g. 10s-20s")))?;
    Ok((parse_time(field, from)?, parse_time(field, to)?))
}

/// The player's readout, `now / duration`, both in the unit that suits the duration, so the
/// readout never mixes "0 µs / 16.00 s".
pub fn format_progress(now: Tick, duration: Tick) -> String {
    let (now_ms, total_ms) = (ms_from_ticks(now), ms_from_ticks(duration));
    if duration < 1_000 {
        format!("{now} µs / {duration} µs")
    } else if total_ms < 1_000.0 {
        format!("{now_ms:.1} ms / {total_ms:.1} ms")
    } else {
        format!("{:.2} s / {:.2} s", now_ms / 1_000.0, total_ms / 1_000.0)
    }
}

/// What a second of watching shows at the chosen speed, in words a newcomer reads at once:
/// `run_ms_per_second` is the pattern's 1× pace times the speed.
pub fn pace(run_ms_per_second: f64) -> String {
    let how = if run_ms_per_second < 1_000.0 {
        "slow motion"
    } else if run_ms_per_second > 1_000.0 {
        "fast-forward"
    } else {
        "real time"
    };
    format!("{} of the run per second ({how})", format_time(crate::engine::time::ticks_from_ms(run_ms_per_second)))
}

/// Which lesson moment the cursor is at, for the player's "Moment 2 of 5": the number of
/// moments reached (at or before `now`), and whether `now` is exactly one of them (where
/// the player stops on its own).
pub fn moment_position(moments: &[Tick], now: Tick) -> (usize, bool) {
    (moments.iter().filter(|&&t| t <= now).count(), moments.contains(&now))
}

/// Node `n`'s name from a pattern's `node_names`, or "node N" for an id past them.
pub fn node_name(names: &[String], n: NodeId) -> String {
    names.get(n as usize).cloned().unwrap_or_else(|| format!("node {n}"))
}

/// One line describing `entry`, using `names` for nodes.
pub fn describe<P: Pattern>(entry: &TraceEntry<P>, names: &[String]) -> String {
    let name = |n: NodeId| node_name(names, n);
    match &entry.event {
        TraceEvent::Sent { from, to, msg, .. } => format!("{} → {}: {}", name(*from), name(*to), P::describe_msg(msg)),
        TraceEvent::Delivered { from, to, msg, .. } => {
            format!("{} ← {}: {} arrives", name(*to), name(*from), P::describe_msg(msg))
        }
        TraceEvent::Dropped { from, to, reason, msg } => {
            format!("{} → {}: {} lost ({})", name(*from), name(*to), P::describe_msg(msg), drop_reason(*reason))
        }
        TraceEvent::Fault { fault } => format!("fault: {}", fault.describe(&name)),
        TraceEvent::Command { command } => format!("you: {}", P::describe_command(command)),
        TraceEvent::Pattern(event) => P::describe_event(event),
    }
}

/// What a stretch of the fault lane shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneKind {
    Crash,
    Partition,
    SlowLink,
    LossyLink,
    Lossy,
    /// A user or scripted command: a mark, not a span.
    Command,
}

impl LaneKind {
    /// Its name in a legend: the same words on the widget's lane and on a poster's.
    pub fn legend(&self) -> &'static str {
        match self {
            LaneKind::Crash => "crash",
            LaneKind::Partition => "partition",
            LaneKind::SlowLink => "slow link",
            LaneKind::LossyLink | LaneKind::Lossy => "lossy link",
            LaneKind::Command => "action",
        }
    }

    /// The last word of its CSS class (`fl-lane-…` on the widget, `flp-lane-…` on a poster).
    pub fn class_stem(&self) -> &'static str {
        match self {
            LaneKind::Crash => "crash",
            LaneKind::Partition => "partition",
            LaneKind::SlowLink => "slow",
            LaneKind::LossyLink | LaneKind::Lossy => "lossy",
            LaneKind::Command => "command",
        }
    }
}

/// A span (or a mark, when `start == end`) on the timeline's fault lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneSpan {
    pub start: Tick,
    pub end: Tick,
    pub kind: LaneKind,
    pub label: String,
}

/// Turns a schedule into spans: a crash lasts until its restart (or the end), a partition
/// until the heal, a link fault until the link is restored.
pub fn fault_lane<P: Pattern>(schedule: &[Scheduled<P>], end: Tick, names: &[String]) -> Vec<LaneSpan> {
    let name = |n: NodeId| node_name(names, n);
    let mut spans: Vec<LaneSpan> = Vec::new();
    let mut open: Vec<(usize, Fault)> = Vec::new();
    let close = |spans: &mut Vec<LaneSpan>, open: &mut Vec<(usize, Fault)>, at: Tick, matches: &dyn Fn(&Fault) -> bool| {
        open.retain(|(i, f)| {
            if matches(f) {
                spans[*i].end = at;
                false
            } else {
                true
            }
        });
    };
    for s in schedule {
        match &s.item {
            ScheduledItem::Command(c) => spans.push(LaneSpan { start: s.at, end: s.at, kind: LaneKind::Command, label: P::describe_command(c) }),
            ScheduledItem::Fault(fault) => {
                let label = fault.describe(&name);
                let kind = match fault {
                    Fault::Crash { node } => {
                        let node = *node;
                        close(&mut spans, &mut open, s.at, &|f| matches!(f, Fault::Crash { node: n } if *n == node));
                        Some(LaneKind::Crash)
                    }
                    Fault::Restart { node } => {
                        let node = *node;
                        close(&mut spans, &mut open, s.at, &|f| matches!(f, Fault::Crash { node: n } if *n == node));
                        None
                    }
                    Fault::Partition { .. } => {
                        close(&mut spans, &mut open, s.at, &|f| matches!(f, Fault::Partition { .. }));
                        Some(LaneKind::Partition)
                    }
                    Fault::Heal => {
                        close(&mut spans, &mut open, s.at, &|f| matches!(f, Fault::Partition { .. }));
                        None
                    }
                    Fault::SlowLink { from, to, .. } | Fault::LossyLink { from, to, .. } | Fault::RestoreLink { from, to, .. } => {
                        let (a, b) = (*from, *to);
                        let is_restore = matches!(fault, Fault::RestoreLink { .. });
                        let same_kind = |f: &Fault| match (f, fault) {
                            (Fault::SlowLink { from, to, .. }, Fault::SlowLink { .. })
                            | (Fault::LossyLink { from, to, .. }, Fault::LossyLink { .. }) => *from == a && *to == b,
                            (Fault::SlowLink { from, to, .. } | Fault::LossyLink { from, to, .. }, Fault::RestoreLink { .. }) => {
                                *from == a && *to == b
                            }
                            _ => false,
                        };
                        close(&mut spans, &mut open, s.at, &same_kind);
                        match (is_restore, fault) {
                            (true, _) => None,
                            (false, Fault::SlowLink { .. }) => Some(LaneKind::SlowLink),
                            _ => Some(LaneKind::LossyLink),
                        }
                    }
                    Fault::DropRate { probability } => {
                        close(&mut spans, &mut open, s.at, &|f| matches!(f, Fault::DropRate { .. }));
                        (*probability > 0.0).then_some(LaneKind::Lossy)
                    }
                };
                if let Some(kind) = kind {
                    open.push((spans.len(), fault.clone()));
                    spans.push(LaneSpan { start: s.at, end: end.max(s.at), kind, label });
                }
            }
        }
    }
    spans
}

/// `1 read`, `2 reads`: a count with its noun, pluralised, for notes and captions.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::ticks_from_ms;

    #[test]
    fn the_readout_uses_the_unit_of_the_duration() {
        assert_eq!(format_progress(0, ticks_from_ms(16_000.0)), "0.00 s / 16.00 s");
        assert_eq!(format_progress(ticks_from_ms(40.5), ticks_from_ms(2_000.0)), "0.04 s / 2.00 s");
        assert_eq!(format_progress(ticks_from_ms(12.25), ticks_from_ms(500.0)), "12.2 ms / 500.0 ms");
        assert_eq!(format_progress(7, 900), "7 µs / 900 µs");
    }

    #[test]
    fn the_pace_says_how_much_of_the_run_a_second_shows() {
        assert_eq!(pace(50.0), "50.0 ms of the run per second (slow motion)");
        assert_eq!(pace(500.0), "500.0 ms of the run per second (slow motion)");
        assert_eq!(pace(1_000.0), "1.00 s of the run per second (real time)");
        assert_eq!(pace(20_000.0), "20.00 s of the run per second (fast-forward)");
        assert_eq!(format_time(0), "0 s");
    }

    #[test]
    fn the_moment_position_counts_the_moments_reached() {
        let moments = [0, 100, 250];
        assert_eq!(moment_position(&moments, 0), (1, true));
        assert_eq!(moment_position(&moments, 99), (1, false));
        assert_eq!(moment_position(&moments, 100), (2, true));
        assert_eq!(moment_position(&moments, 900), (3, false));
        assert_eq!(moment_position(&[50], 10), (0, false));
    }

    #[test]
    fn times_are_read_with_their_unit_and_exactly() {
        assert_eq!(parse_time("start", "12s").unwrap(), 12_000_000);
        assert_eq!(parse_time("start", " 1.5 s ").unwrap(), 1_500_000);
        assert_eq!(parse_time("start", "850ms").unwrap(), 850_000);
        assert_eq!(parse_time("start", "0.25ms").unwrap(), 250);
        assert_eq!(parse_time("start", "40us").unwrap(), 40);
        assert_eq!(parse_time("start", "2min").unwrap(), 120_000_000);
        assert_eq!(parse_time("start", ".5s").unwrap(), 500_000);
        assert_eq!(parse_time("start", "0s").unwrap(), 0);
        assert_eq!(parse_time_range("loop", "10s-20.5s").unwrap(), (10_000_000, 20_500_000));
        assert_eq!(parse_time_range("loop", "500ms..2s").unwrap(), (500_000, 2_000_000));
        assert_eq!(parse_time_range("loop", "10s").unwrap_err().field, "loop");
    }

    #[test]
    fn a_time_that_cannot_be_read_is_refused_naming_the_field() {
        for bad in ["12", "s", "", "1.2.3s", "-4s", "12 hours", "0.5µs", "99999999999999999999s"] {
            let e = parse_time("loop", bad).unwrap_err();
            assert_eq!(e.field, "loop", "{bad}");
            assert!(e.to_string().contains("is not a time"), "{bad}: {e}");
        }
    }
}
