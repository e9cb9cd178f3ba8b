//! The stampede's poster picture, after the widget's system view: the app servers (up or
//! crashed, with their waiting requests), the cache (up or down, key 0 fresh, expired or cold),
//! the database's connection slots (busy ones filled, its queue) and the recomputations in
//! flight (the herd) as dots between them.

use std::fmt::Write;

use crate::engine::{Network, Tick};
use crate::narrate::{count, format_time};
use crate::patterns::stampede::sim::{app_node, cache_node, db_node, StampedeSim};
use crate::poster::svg::{num, text};
use crate::poster::Picture;

const W: f64 = 560.0;
const H: f64 = 300.0;
/// Slots drawn one by one up to this many (else a bar).
const MAX_SLOTS: u32 = 64;

fn down_style(up: bool) -> &'static str {
    if up {
        "fill:var(--panel);stroke:var(--ok);stroke-width:2.5"
    } else {
        "fill:var(--panel);stroke:var(--bad);stroke-width:2.5;stroke-dasharray:6 4"
    }
}

pub fn picture(sim: &StampedeSim, now: Tick, network: &Network) -> Picture {
    let mut out = String::new();
    let p = sim.params();
    let n = p.app_servers.max(1);
    let mid = H / 2.0;
    let app_h = ((H - 40.0) / f64::from(n)).min(52.0);
    let app_y = |i: u32| 20.0 + (H - 40.0 - app_h * f64::from(n)) / 2.0 + f64::from(i) * app_h;
    let line = "stroke:var(--line);stroke-width:1.5";
    // The app servers.
    for i in 0..n {
        let y = app_y(i);
        let up = network.is_up(app_node(i));
        let _ = write!(out, "<line x1=\"130\" y1=\"{}\" x2=\"230\" y2=\"{}\" style=\"{line}\"/>", num(y + app_h / 2.0 - 3.0), num(mid - 40.0));
        let _ = write!(out, "<rect x=\"10\" y=\"{}\" width=\"120\" height=\"{}\" rx=\"6\" style=\"{}\"/>", num(y), num(app_h - 6.0), down_style(up));
        text(&mut out, 18.0, y + 15.0, "flp-state-name", " style=\"font-size:12px\"", &format!("app-{i}"));
        if app_h >= 34.0 {
            let label = if up { format!("{} waiting", sim.waiting_at(i)) } else { "✗ CRASHED".to_string() };
            text(&mut out, 18.0, y + 30.0, "flp-small", "", &label);
        }
    }
    // The cache, and key 0 in it.
    let cache_up = network.is_up(cache_node(p));
    let (state, when) = if !p.cache_enabled {
        ("no cache".to_string(), String::new())
    } else if !cache_up {
        ("✗ DOWN".to_string(), "cold when it restarts".to_string())
    } else {
        match sim.entry(0) {
            None => ("key 0: cold".to_string(), String::new()),
            Some(e) if e.is_fresh(now) => ("key 0: fresh".to_string(), format!("{} left", format_time(e.expires_at - now))),
            Some(e) => ("key 0: EXPIRED".to_string(), format!("{} ago", format_time(now - e.expires_at))),
        }
    };
    let _ = write!(
        out,
        "<rect x=\"230\" y=\"{}\" width=\"130\" height=\"70\" rx=\"8\" style=\"{}\"/>",
        num(mid - 75.0),
        down_style(cache_up || !p.cache_enabled)
    );
    text(&mut out, 240.0, mid - 55.0, "flp-state-name", "", "cache");
    text(&mut out, 240.0, mid - 36.0, "flp-small", " style=\"fill:var(--fg);font-weight:700\"", &state);
    text(&mut out, 240.0, mid - 20.0, "flp-small", "", &when);
    // The database: its slots and queue.
    let db_up = network.is_up(db_node(p));
    let (x0, y0) = (400.0, 40.0);
    let _ = write!(out, "<rect x=\"{x0}\" y=\"{y0}\" width=\"156\" height=\"{}\" rx=\"8\" style=\"{}\"/>", num(H - 80.0), down_style(db_up));
    text(&mut out, x0 + 10.0, y0 + 20.0, "flp-state-name", "", if db_up { "database" } else { "database ✗ DOWN" });
    let (slots, active) = (p.db.concurrency, sim.db_active());
    if slots <= MAX_SLOTS {
        for s in 0..slots {
            let (sx, sy) = (x0 + 10.0 + f64::from(s % 8) * 16.0, y0 + 34.0 + f64::from(s / 8) * 16.0);
            let fill = if s < active { "var(--bad)" } else { "var(--panel)" };
            let _ = write!(out, "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" style=\"fill:{fill};stroke:var(--muted)\"/>", num(sx), num(sy));
        }
    } else {
        let w = 128.0 * f64::from(active) / f64::from(slots.max(1));
        let _ = write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"128\" height=\"12\" style=\"fill:var(--panel);stroke:var(--muted)\"/>",
            num(x0 + 10.0),
            num(y0 + 34.0)
        );
        let _ = write!(out, "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" style=\"fill:var(--bad)\"/>", num(x0 + 10.0), num(y0 + 34.0), num(w));
    }
    let rows = f64::from(slots.min(MAX_SLOTS).div_ceil(8).max(1));
    let fy = y0 + 34.0 + rows * 16.0 + 16.0;
    text(&mut out, x0 + 10.0, fy, "flp-small", "", &format!("{active} / {slots} connections busy"));
    text(&mut out, x0 + 10.0, fy + 16.0, "flp-small", "", &format!("{} queued", sim.db_queue()));
    // The herd: recomputations in flight, one dot each (key 0 in the bad colour), under the cache.
    let herd = sim.in_flight();
    for (i, &(_, key, _, background, _)) in herd.iter().enumerate().take(60) {
        let (x, y) = (238.0 + (i % 12) as f64 * 10.0, mid + 30.0 + (i / 12) as f64 * 10.0);
        let colour = if background {
            "var(--info)"
        } else if key == 0 {
            "var(--bad)"
        } else {
            "var(--warn)"
        };
        let _ = write!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" style=\"fill:{colour}\"/>", num(x), num(y));
    }
    text(&mut out, 230.0, mid + 20.0, "flp-small", "", &format!("{} in flight", count(herd.len() as u64, "recompute", "recomputes")));
    Picture {
        width: W,
        height: H,
        label: format!(
            "{n} app servers, a cache ({state}) and a database with {active} of {slots} connections busy; {} recomputations in flight",
            herd.len()
        ),
        body: out,
    }
}
