//! The poster's timeline: the lesson's moments as numbered marks, the fault lane (crashes,
//! partitions, slow and lossy links as spans, commands as ticks) and the cursor, as the
//! widget's player bar draws them.

use std::fmt::Write;

use super::svg::{num, text, text_width};
use crate::chart_scale::{format_time_axis, ticks};
use crate::engine::{ms_from_ticks, Tick};
use crate::narrate::{LaneKind, LaneSpan};

fn lane_class(kind: &LaneKind) -> String {
    format!("flp-lane-{}", kind.class_stem())
}

/// The moments row, the lane, the time axis and the legend.
pub const HEIGHT: f64 = 104.0;

/// What the timeline shows.
pub struct Timeline<'a> {
    pub lane: &'a [LaneSpan],
    pub moments: &'a [(Tick, String)],
    pub now: Tick,
    pub duration: Tick,
}

/// Draws the timeline with its top-left corner at (x, y), `width` px wide.
pub fn draw(out: &mut String, x: f64, y: f64, width: f64, timeline: &Timeline) {
    let Timeline { lane, moments, now, .. } = *timeline;
    let duration = timeline.duration.max(1);
    let at = |t: Tick| x + width * (t.min(duration) as f64 / duration as f64);
    let lane_y = y + 36.0;
    let lane_h = 20.0;
    out.push_str("<g class=\"flp-timeline\">");
    let _ = write!(out, "<rect class=\"flp-lane\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{lane_h}\" rx=\"4\"/>", num(x), num(lane_y), num(width));
    for span in lane.iter().filter(|s| s.kind != LaneKind::Command) {
        let (x1, x2) = (at(span.start), at(span.end));
        let w = (x2 - x1).max(3.0);
        let _ = write!(
            out,
            "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{lane_h}\" rx=\"3\"><title>{}</title></rect>",
            lane_class(&span.kind),
            num(x1),
            num(lane_y),
            num(w),
            super::svg::escape(&span.label)
        );
        if text_width(span.label.chars().count(), 11.0) + 8.0 < w {
            text(out, x1 + 4.0, lane_y + 14.0, "flp-lane-label", "", &span.label);
        }
    }
    for mark in lane.iter().filter(|s| s.kind == LaneKind::Command) {
        let cx = at(mark.start);
        let _ = write!(
            out,
            "<line class=\"flp-lane-command\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
            num(cx),
            num(lane_y - 3.0),
            num(lane_y + lane_h + 3.0)
        );
    }
    // Moments: numbered marks above the lane at their time; one too close to the last mark of
    // the lower row goes up a row, and when both rows are taken it is nudged right of the lower
    // row's last mark (the cursor and the lane keep the exact times).
    let mut last = [f64::NEG_INFINITY; 2];
    for (i, (t, _)) in moments.iter().enumerate() {
        let mut cx = at(*t);
        let row = if cx - last[0] >= 22.0 {
            0
        } else if cx - last[1] >= 22.0 {
            1
        } else {
            cx = last[0] + 22.0;
            0
        };
        last[row] = cx;
        let cy = if row == 1 { y + 8.0 } else { y + 24.0 };
        let reached = *t <= now;
        let _ = write!(
            out,
            "<circle class=\"flp-moment-mark{}\" cx=\"{}\" cy=\"{}\" r=\"9\"/>",
            if reached { " flp-moment-reached" } else { "" },
            num(cx),
            num(cy)
        );
        text(out, cx, cy + 4.0, "flp-moment-num", " text-anchor=\"middle\"", &(i + 1).to_string());
    }
    // The time axis under the lane.
    let x_max = ms_from_ticks(duration);
    for (i, v) in ticks(x_max).into_iter().enumerate() {
        let anchor = ["start", "middle", "end"][i];
        text(out, x + width * v / x_max, lane_y + lane_h + 16.0, "flp-tick", &format!(" text-anchor=\"{anchor}\""), &format_time_axis(v, x_max));
    }
    // The cursor, over everything.
    let cx = at(now);
    let _ = write!(
        out,
        "<line class=\"flp-cursor\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke-width=\"2.5\"/><path class=\"flp-dot\" d=\"M{3},{4} l6,-8 h-12 z\"/>",
        num(cx),
        num(lane_y - 6.0),
        num(lane_y + lane_h + 4.0),
        num(cx),
        num(lane_y - 2.0)
    );
    // A legend of the kinds the lane shows.
    let mut kinds: Vec<&LaneKind> = Vec::new();
    for s in lane {
        if !kinds.iter().any(|k| k.legend() == s.kind.legend()) {
            kinds.push(&s.kind);
        }
    }
    let mut lx = x;
    let ly = y + HEIGHT - 8.0;
    if !moments.is_empty() {
        let _ = write!(out, "<circle class=\"flp-moment-mark\" cx=\"{}\" cy=\"{}\" r=\"5\"/>", num(lx + 5.0), num(ly - 4.0));
        text(out, lx + 14.0, ly, "flp-small", "", "lesson moment");
        lx += 14.0 + text_width(13, 12.0 * 1.15) + 16.0;
    }
    for kind in kinds {
        if *kind == LaneKind::Command {
            let _ = write!(
                out,
                "<line class=\"flp-lane-command\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
                num(lx + 4.0),
                num(ly - 11.0),
                num(ly + 2.0)
            );
        } else {
            let _ =
                write!(out, "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" rx=\"2\"/>", lane_class(kind), num(lx), num(ly - 10.0));
        }
        let label = kind.legend();
        text(out, lx + 16.0, ly, "flp-small", "", label);
        lx += 16.0 + text_width(label.chars().count(), 12.0 * 1.15) + 16.0;
    }
    out.push_str("</g>");
}
