//! The breaker's poster picture: the widget's state diagram (`src/web/widgets/breaker.rs`)
//! with the current state highlighted and the transition that just fired drawn bold, and the
//! sliding window's counts under it.

use crate::patterns::breaker::diagram::state_box;
use std::fmt::Write;

use crate::engine::{Network, Tick};
use crate::patterns::breaker::simulation::DOWNSTREAM;
use crate::patterns::breaker::{Breaker, BreakerSim, Outcome, SlidingWindow, State};
use crate::poster::svg::{num, text};
use crate::poster::Picture;

const WIDTH: f64 = 480.0;
/// How long a transition counts as "just fired" (bold), as in the widget: 2 s.
const RECENT: Tick = 2_000_000;

fn state_class(state: State) -> &'static str {
    match state {
        State::Closed => "flp-state-closed",
        State::Open | State::ForcedOpen => "flp-state-open",
        State::HalfOpen => "flp-state-half",
        _ => "flp-state-other",
    }
}

/// The window as (calls, failed) per bucket, or per cell for a count-based window.
enum Window {
    Cells(Vec<Option<Outcome>>),
    Buckets(Vec<(u64, u64)>),
}

fn window_of(sim: &BreakerSim, now: Tick) -> Window {
    match sim.breaker() {
        Breaker::Resilience4j(b) => match b.window() {
            SlidingWindow::CountBased(w) => Window::Cells(w.cells().iter().map(|c| c.map(|c| c.outcome)).collect()),
            SlidingWindow::TimeBased(w) => {
                Window::Buckets(w.buckets_at(now).iter().map(|b| (u64::from(b.aggregation.calls), u64::from(b.aggregation.failed_calls))).collect())
            }
        },
        Breaker::Polly(p) => {
            Window::Buckets(p.health_windows(now).iter().map(|w| (u64::from(w.successes) + u64::from(w.failures), u64::from(w.failures))).collect())
        }
        Breaker::Hystrix(h) => {
            let (buckets, current) = h.health_buckets();
            Window::Buckets(buckets.iter().chain(std::iter::once(&current)).map(|b| (b.requests, b.errors)).collect())
        }
    }
}

pub fn picture(sim: &BreakerSim, now: Tick, network: &Network) -> Picture {
    let mut out = String::new();
    let current = sim.breaker().state();
    let recent = sim.breaker().transitions().last().filter(|t| now.saturating_sub(t.at) < RECENT).cloned();
    // (from, to, path, the point before the tip, the tip, label x, label y, label)
    let arrows = [
        (State::Closed, State::Open, "M150,50 L330,50", (150.0, 50.0), (330.0, 50.0), 240.0, 38.0, "failure or slow rate ≥ threshold"),
        (State::Open, State::HalfOpen, "M382,84 L304,124", (382.0, 84.0), (304.0, 124.0), 372.0, 124.0, "wait elapsed"),
        (State::HalfOpen, State::Closed, "M190,140 L100,82", (190.0, 140.0), (100.0, 82.0), 110.0, 120.0, "probes healthy"),
        (State::HalfOpen, State::Open, "M290,160 Q400,160 400,84", (400.0, 160.0), (400.0, 84.0), 390.0, 175.0, "probes fail"),
    ];
    for (from, to, d, before, tip, lx, ly, label) in arrows {
        let fired = recent.as_ref().is_some_and(|t| t.from == from && t.to == to);
        let _ = write!(out, "<g class=\"flp-arrow{}\"><path d=\"{d}\"/>", if fired { " flp-arrow-fired" } else { "" });
        arrowhead(&mut out, before, tip);
        text(&mut out, lx, ly, "", " text-anchor=\"middle\"", label);
        out.push_str("</g>");
    }
    text(&mut out, 240.0, 196.0, "flp-small", " text-anchor=\"middle\"", "special states (set by an operator)");
    for s in State::ALL {
        let (x, y, glyph) = state_box(s);
        let is_current = s == current;
        let _ = write!(out, "<g class=\"flp-state {}{}\">", state_class(s), if is_current { " flp-state-current" } else { "" });
        let _ = write!(out, "<rect x=\"{}\" y=\"{}\" width=\"124\" height=\"48\" rx=\"10\"/>", num(x - 62.0), num(y - 24.0));
        text(&mut out, x, y - 4.0, "flp-state-name", " text-anchor=\"middle\"", &s.to_string());
        let glyph = if is_current { format!("{glyph}  ◀ now") } else { glyph.to_string() };
        text(&mut out, x, y + 14.0, "flp-state-glyph", " text-anchor=\"middle\"", &glyph);
        out.push_str("</g>");
    }

    // The window: its figures, then its cells or buckets.
    let m = sim.breaker().metrics(now);
    let rate = if m.failure_rate < 0.0 { "not computed yet".to_string() } else { format!("{:.0}%", m.failure_rate) };
    let library = sim.params().breaker.library().title();
    text(&mut out, 0.0, 288.0, "flp-state-name", "", &format!("Sliding window ({library})"));
    let downstream = if network.is_up(DOWNSTREAM) {
        format!("downstream fails {:.0}%", sim.failure_probability() * 100.0)
    } else {
        "downstream DOWN (crashed)".to_string()
    };
    text(&mut out, WIDTH, 288.0, "flp-state-name", " text-anchor=\"end\"", &downstream);
    let figures = format!("{} buffered · {} failed · {} slow · {} rejected · failure rate {rate}", m.buffered, m.failed, m.slow, m.not_permitted);
    text(&mut out, 0.0, 308.0, "flp-small", "", &figures);
    let top = 318.0;
    let height = match window_of(sim, now) {
        Window::Cells(cells) => {
            let per_row = 24usize;
            let size = WIDTH / per_row as f64;
            for (i, c) in cells.iter().enumerate() {
                let (class, glyph) = match c {
                    None => ("flp-cell-empty", ""),
                    Some(Outcome::Success) => ("flp-cell-ok", "✓"),
                    Some(Outcome::Error) => ("flp-cell-err", "✗"),
                    Some(Outcome::SlowSuccess) => ("flp-cell-slow", "◔"),
                    Some(Outcome::SlowError) => ("flp-cell-err", "⊗"),
                };
                let (cx, cy) = ((i % per_row) as f64 * size, top + (i / per_row) as f64 * size);
                let _ = write!(
                    out,
                    "<rect class=\"flp-cell {class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                    num(cx + 1.0),
                    num(cy + 1.0),
                    num(size - 2.0),
                    num(size - 2.0)
                );
                if !glyph.is_empty() {
                    text(&mut out, cx + size / 2.0, cy + size * 0.68, "flp-small", " text-anchor=\"middle\" style=\"fill:#fff\"", glyph);
                }
            }
            top + cells.len().div_ceil(per_row) as f64 * size
        }
        Window::Buckets(buckets) => {
            let max = buckets.iter().map(|b| b.0).max().unwrap_or(0).max(1);
            let n = buckets.len().max(1);
            let slot = WIDTH / n as f64;
            let bar_h = 48.0;
            for (i, (calls, failed)) in buckets.iter().enumerate() {
                let h = bar_h * *calls as f64 / max as f64;
                let hf = bar_h * (*failed).min(*calls) as f64 / max as f64;
                let x = i as f64 * slot + slot * 0.15;
                let w = slot * 0.7;
                let _ = write!(
                    out,
                    "<rect class=\"flp-cell flp-cell-empty\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{bar_h}\"/>",
                    num(x),
                    num(top),
                    num(w)
                );
                let _ = write!(
                    out,
                    "<rect class=\"flp-cell-ok\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(x),
                    num(top + bar_h - h),
                    num(w),
                    num(h)
                );
                let _ = write!(
                    out,
                    "<rect class=\"flp-cell-err\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    num(x),
                    num(top + bar_h - hf),
                    num(w),
                    num(hf)
                );
                if slot >= 16.0 {
                    text(&mut out, x + w / 2.0, top + bar_h + 14.0, "flp-tick", " text-anchor=\"middle\"", &calls.to_string());
                }
            }
            top + bar_h + 18.0
        }
    };
    Picture { width: WIDTH, height: height + 4.0, label: format!("Breaker state machine, current state {current}; {figures}"), body: out }
}

/// An arrowhead at `tip`, pointing away from `from` (no `<marker>`: it would need an `id`, and
/// two inlined posters would share it).
fn arrowhead(out: &mut String, from: (f64, f64), tip: (f64, f64)) {
    let (dx, dy) = (tip.0 - from.0, tip.1 - from.1);
    let len = libm::sqrt(dx * dx + dy * dy).max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (tip.0 - ux * 10.0, tip.1 - uy * 10.0);
    let (px, py) = (-uy * 5.0, ux * 5.0);
    let _ = write!(
        out,
        "<path class=\"flp-head\" d=\"M{},{} L{},{} L{},{} z\"/>",
        num(tip.0),
        num(tip.1),
        num(bx + px),
        num(by + py),
        num(bx - px),
        num(by - py)
    );
}
