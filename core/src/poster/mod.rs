//! Posters: one frame of a scenario as a standalone SVG, rendered natively by the core.
//!
//! A poster plays the scenario to a cursor with the same [`Player`] the widget uses, then draws
//! what the widget shows there: the widget's title and the lesson's, the moment's caption and the
//! "what to notice" notes at the cursor, a picture of the pattern's state
//! ([`crate::engine::Pattern::poster_picture`], else its card's [`Pattern::PREVIEW_SVG`]), the
//! timeline with its fault lane, moments and cursor, and every chart of the pattern's
//! [`Pattern::SERIES`] with the widget's own scale ([`crate::chart_scale`]). Same input, same
//! bytes: no clock, no randomness beyond the scenario's seed, no map iteration.
//!
//! It is what no-JS pages, print and README images show, and what an embed shows until its
//! widget has loaded (`scripts/build.sh` renders one per lesson, `mdbook-faultline` inlines one
//! per block). Every style rule is scoped under the root's `flp` class and the markup has no
//! `id`, so several posters can be inlined in one page.

mod chart;
pub mod pictures;
mod style;
pub mod svg;
mod timeline;

use std::fmt::Write;

pub use style::{dark_rule_under, Theme, ROOT};

use crate::engine::{ms_from_ticks, ticks_from_ms, Pattern, Tick};
use crate::error::FieldError;
use crate::narrate::{fault_lane, format_progress, format_time};
use crate::player::Player;
use crate::scenario::{parse_json, scenario_from_value, Scenario};
use crate::widgets::{self, WidgetFn};
use svg::{escape, num, paragraph, text, Font};

const SUMMARY: Font = Font { size: 15.0, leading: 21.0, class: "flp-summary", bold: false };
const LESSON: Font = Font { size: 17.0, leading: 23.0, class: "flp-lesson", bold: true };
const CAPTION: Font = Font { size: 15.0, leading: 21.0, class: "flp-caption flp-moment", bold: true };
const NOTE: Font = Font { size: 14.5, leading: 20.0, class: "flp-note", bold: false };

/// A pattern's picture of its state at one instant: SVG content in its own `0 0 width height`
/// coordinates, styled with the poster's classes (see `style.rs`: `flp-state`, `flp-c0`…).
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub width: f64,
    pub height: f64,
    /// One sentence for screen readers: what the picture shows.
    pub label: String,
    pub body: String,
}

/// A poster's width; its height follows from its content.
pub const WIDTH: f64 = 960.0;
const MARGIN: f64 = 28.0;
const GAP: f64 = 24.0;
/// The picture's column; the notes take the rest.
const PICTURE_W: f64 = 500.0;
const PICTURE_MAX_H: f64 = 440.0;
const CHART_COLUMNS: usize = 3;

/// Reads a cursor time: `12s`, `1.5s`, `1500ms` or `250us` (`µs`), as embeds read `start`.
pub fn parse_at(text: &str) -> Result<Tick, FieldError> {
    let at = crate::narrate::parse_time("at", text)?;
    if at > ticks_from_ms(crate::scenario::MAX_DURATION_MS) {
        return Err(FieldError::new("at", format!("at most a day (the longest run), got \"{text}\"")));
    }
    Ok(at)
}

/// Where a poster's cursor stands when none is asked for: the scenario's own cursor (a copied
/// link's), else its last lesson moment (the frame the lesson builds up to), else its end.
pub fn default_cursor<P: Pattern>(scenario: &Scenario<P>) -> Tick {
    scenario
        .cursor_ms
        .or_else(|| scenario.moments.iter().map(|m| m.at_ms).reduce(f64::max))
        .map_or(scenario.duration(), ticks_from_ms)
        .min(scenario.duration())
}

/// Renders `scenario` at `at` (its [`default_cursor`] when `None`) in `theme`.
pub fn render<P: Pattern>(mut scenario: Scenario<P>, at: Option<Tick>, theme: Theme) -> Result<String, FieldError> {
    scenario.validate()?;
    let target = at.unwrap_or_else(|| default_cursor(&scenario));
    if target > scenario.duration() {
        return Err(FieldError::new("at", format!("{} is past the end of the run ({})", format_time(target), format_time(scenario.duration()))));
    }
    scenario.cursor_ms = None;
    let mut player = Player::new(scenario, 0)?;
    player.seek(target);
    Ok(draw(&player, theme))
}

fn draw<P: Pattern>(player: &Player<P>, theme: Theme) -> String {
    let scenario = player.recorded();
    let now = player.now();
    let duration = player.duration();
    let model = player.model();
    let inner = WIDTH - 2.0 * MARGIN;
    let mut body = String::new();

    // The head: what it is, and which lesson.
    let mut y = MARGIN;
    text(&mut body, MARGIN, y + 12.0, "flp-kicker", "", "FAULTLINE");
    text(
        &mut body,
        WIDTH - MARGIN,
        y + 12.0,
        "flp-kicker",
        " text-anchor=\"end\"",
        &format!("FRAME AT {}", format_progress(now, duration).to_uppercase()),
    );
    y += 44.0;
    text(&mut body, MARGIN, y, "flp-title", "", P::TITLE);
    y = paragraph(&mut body, MARGIN, y + 26.0, inner, SUMMARY, P::SUMMARY);
    if !scenario.title.is_empty() {
        y = paragraph(&mut body, MARGIN, y + 8.0, inner, LESSON, &format!("Lesson: {}", scenario.title));
    }
    y += 6.0;

    // The picture (left) and what to notice (right).
    let top = y;
    let (picture_h, picture) = picture_of(model, now, player.sim().network(), MARGIN, top, PICTURE_W);
    let notes_x = MARGIN + PICTURE_W + GAP;
    let notes_w = WIDTH - MARGIN - notes_x;
    let mut notes = String::new();
    let notes_h = notes_panel::<P>(&mut notes, player, notes_x, top, notes_w);
    let row_h = picture_h.max(notes_h);
    let _ = write!(
        body,
        "<rect class=\"flp-panel\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\"/>",
        num(MARGIN),
        num(top),
        num(PICTURE_W),
        num(row_h)
    );
    let _ = write!(
        body,
        "<rect class=\"flp-panel\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\"/>",
        num(notes_x),
        num(top),
        num(notes_w),
        num(row_h)
    );
    // The picture is centred in its panel when the notes make the row taller.
    let _ = write!(body, "<g transform=\"translate(0 {})\">{picture}</g>", num((row_h - picture_h) / 2.0));
    body.push_str(&notes);
    y = top + row_h + GAP;

    // The timeline.
    text(&mut body, MARGIN, y + 14.0, "flp-h", "", "Timeline");
    let lane = fault_lane(player.schedule(), duration, &P::node_names(&scenario.params));
    let moments: Vec<(Tick, String)> = scenario.moments.iter().map(|m| (ticks_from_ms(m.at_ms), m.caption.clone())).collect();
    timeline::draw(&mut body, MARGIN, y + 22.0, inner, &timeline::Timeline { lane: &lane, moments: &moments, now, duration });
    y += 22.0 + timeline::HEIGHT + GAP;

    // The charts, as the widget lays them out: a series used as a ghost has none of its own.
    let series = P::SERIES;
    let charts: Vec<chart::ChartData> = series
        .iter()
        .enumerate()
        .filter(|(i, _)| !series.iter().any(|s| s.ghost == Some(*i)))
        .map(|(i, spec)| {
            let points_of = |i: usize| -> Vec<(f64, f64)> {
                player.samples().iter().map(|s| (ms_from_ticks(s.at), s.values.get(i).copied().unwrap_or(0.0))).collect()
            };
            chart::ChartData {
                name: spec.name,
                unit: spec.unit,
                points: points_of(i),
                ghost: spec.ghost.map(|g| (series.get(g).map_or("", |s| s.name), points_of(g))),
                x_max_ms: ms_from_ticks(duration),
                now_ms: ms_from_ticks(now),
            }
        })
        .collect();
    if !charts.is_empty() {
        text(&mut body, MARGIN, y + 14.0, "flp-h", "", "Over time");
        y += 28.0;
        let chart_w = (inner - GAP * (CHART_COLUMNS as f64 - 1.0)) / CHART_COLUMNS as f64;
        for row in charts.chunks(CHART_COLUMNS) {
            let row_h = row.iter().map(|c| chart::height(c, chart_w)).fold(0.0, f64::max);
            for (i, c) in row.iter().enumerate() {
                chart::draw(&mut body, MARGIN + i as f64 * (chart_w + GAP), y, chart_w, c);
            }
            y += row_h + GAP;
        }
    }

    // The foot: how to get this run back.
    let foot = format!("{} · seed {} · a still frame of a deterministic run: the live widget plays, steps and rewinds it", P::WIDGET, scenario.seed);
    text(&mut body, MARGIN, y + 6.0, "flp-small", "", &foot);
    let height = (y + 6.0 + MARGIN).ceil();

    let label = format!(
        "{}{} at {}",
        P::TITLE,
        if scenario.title.is_empty() { String::new() } else { format!(", lesson “{}”,", scenario.title) },
        format_progress(now, duration)
    );
    let mut out = String::with_capacity(body.len() + 8_000);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{ROOT} {}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" data-widget=\"{}\" data-at-ms=\"{}\">",
        theme.class(),
        escape(&label),
        P::WIDGET,
        ms_from_ticks(now),
        w = num(WIDTH),
        h = num(height),
    );
    let _ = write!(out, "<title>{}</title><style>{}</style>", escape(&label), style::stylesheet());
    let _ = write!(out, "<rect class=\"flp-bg\" width=\"{w}\" height=\"{h}\" rx=\"14\"/><rect class=\"flp-frame\" x=\".5\" y=\".5\" width=\"{}\" height=\"{}\" rx=\"14\"/>", num(WIDTH - 1.0), num(height - 1.0), w = num(WIDTH), h = num(height));
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// The pattern's picture (or its card's preview) fitted into the picture column at (x, y);
/// returns its height (with padding) and its markup.
fn picture_of<P: Pattern>(model: &P, now: Tick, network: &crate::engine::Network, x: f64, y: f64, width: f64) -> (f64, String) {
    const PAD: f64 = 16.0;
    let mut out = String::new();
    let (w, h, label, inner, max_w) = match model.poster_picture(now, network) {
        Some(p) => (p.width, p.height, p.label, p.body, width - 2.0 * PAD),
        None if !P::PREVIEW_SVG.is_empty() => {
            // The card's schematic (viewBox 120 × 60), no larger than a sketch should be.
            (120.0, 60.0, format!("{}: schematic", P::TITLE), P::PREVIEW_SVG.to_string(), 320.0)
        }
        None => return (0.0, out),
    };
    let scale = (max_w / w).min(PICTURE_MAX_H / h);
    let (dw, dh) = (w * scale, h * scale);
    let px = x + (width - dw) / 2.0;
    let _ = write!(
        out,
        "<svg class=\"flp-picture\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">{inner}</svg>",
        num(px),
        num(y + PAD),
        num(dw),
        num(dh),
        num(w),
        num(h),
        escape(&label)
    );
    (dh + 2.0 * PAD, out)
}

/// "What to notice": the moment's caption at the cursor, then the notes; returns its height.
fn notes_panel<P: Pattern>(out: &mut String, player: &Player<P>, x: f64, y: f64, width: f64) -> f64 {
    const PAD: f64 = 18.0;
    let now = player.now();
    let scenario = player.recorded();
    let (tx, tw) = (x + PAD, width - 2.0 * PAD);
    let mut cy = y + PAD + 14.0;
    text(out, tx, cy, "flp-h", "", "What to notice");
    cy += 16.0;
    let moment = scenario.moments.iter().enumerate().rev().find(|(_, m)| ticks_from_ms(m.at_ms) <= now);
    if let Some((i, m)) = moment {
        let mut caption = String::new();
        let kicker_y = cy + 22.0;
        text(
            &mut caption,
            tx + 12.0,
            kicker_y,
            "flp-small",
            "",
            &format!("Moment {} of {} · {}", i + 1, scenario.moments.len(), format_time(ticks_from_ms(m.at_ms))),
        );
        let end = paragraph(&mut caption, tx + 12.0, kicker_y + 21.0, tw - 24.0, CAPTION, &m.caption);
        let box_h = end - 21.0 + 12.0 - (cy + 4.0);
        let _ = write!(
            out,
            "<rect class=\"flp-moment-box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/>",
            num(tx),
            num(cy + 4.0),
            num(tw),
            num(box_h)
        );
        out.push_str(&caption);
        cy += 4.0 + box_h + 8.0;
    }
    let notes = player.model().notes(now);
    for note in &notes {
        cy += 20.0;
        let _ = write!(out, "<circle class=\"flp-bullet\" cx=\"{}\" cy=\"{}\" r=\"3\"/>", num(tx + 4.0), num(cy - 5.0));
        let end = paragraph(out, tx + 16.0, cy, tw - 16.0, NOTE, note);
        cy = end - 20.0 + 4.0;
    }
    if notes.is_empty() && moment.is_none() {
        cy += 20.0;
        text(out, tx, cy, "flp-small", "", "Nothing to notice yet at this instant.");
    }
    cy + PAD - y
}

/// The scenario a page shows for a lesson name (any widget's).
struct PresetPoster<'a> {
    name: &'a str,
    at: Option<Tick>,
    theme: Theme,
}
impl WidgetFn for PresetPoster<'_> {
    type Output = Option<Result<String, FieldError>>;
    fn call<P: Pattern>(self) -> Self::Output {
        let scenario = P::presets().into_iter().find(|(n, _)| *n == self.name)?.1;
        Some(render(scenario, self.at, self.theme))
    }
}

/// The poster of the lesson called `name`, of whichever widget has it.
pub fn render_preset(name: &str, at: Option<Tick>, theme: Theme) -> Result<String, FieldError> {
    widgets::WIDGETS
        .iter()
        .find_map(|w| widgets::dispatch(w.name, PresetPoster { name, at, theme }).ok().flatten())
        .unwrap_or_else(|| Err(FieldError::new("preset", format!("no preset called \"{name}\"; `faultline presets` lists them"))))
}

struct DefaultPoster {
    at: Option<Tick>,
    theme: Theme,
}
impl WidgetFn for DefaultPoster {
    type Output = Result<String, FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        render(P::default_scenario(), self.at, self.theme)
    }
}

/// The poster of what `widget` opens with when a page names no lesson.
pub fn render_default(widget: &str, at: Option<Tick>, theme: Theme) -> Result<String, FieldError> {
    widgets::dispatch(widget, DefaultPoster { at, theme })?
}

struct JsonPoster {
    value: serde_json::Value,
    at: Option<Tick>,
    theme: Theme,
}
impl WidgetFn for JsonPoster {
    type Output = Result<String, FieldError>;
    fn call<P: Pattern>(self) -> Self::Output {
        render(scenario_from_value::<P>(self.value)?, self.at, self.theme)
    }
}

/// The poster of scenario JSON, of whichever widget it names.
pub fn render_json(text: &str, at: Option<Tick>, theme: Theme) -> Result<String, FieldError> {
    let (widget, value) = parse_json(text)?;
    widgets::dispatch(&widget, JsonPoster { value, at, theme })?
}
