//! A poster's look: the site's palettes (static/css/faultline-shell.css, Okabe–Ito) as one
//! embedded stylesheet, every rule under the poster's own class, so a poster inlined in a page
//! neither takes the page's styles nor gives the page its own.

use crate::error::FieldError;

/// Which palette a poster is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
    /// Light, or dark where the reader's system prefers it (`prefers-color-scheme`): for
    /// posters shown on pages, where the reader's choice is not known in advance.
    Auto,
}

impl Theme {
    pub const NAMES: &'static [&'static str] = &["light", "dark", "auto"];

    pub fn parse(name: &str) -> Result<Self, FieldError> {
        match name.trim() {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            "auto" => Ok(Theme::Auto),
            other => Err(FieldError::new("theme", format!("one of {}, got \"{other}\"", Theme::NAMES.join(", ")))),
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Theme::Light => "flp-light",
            Theme::Dark => "flp-dark",
            Theme::Auto => "flp-auto",
        }
    }
}

/// The class every poster's root `<svg>` has; every rule is scoped under it.
pub const ROOT: &str = "flp";

const LIGHT: &str = "--bg:#fdfdfc;--fg:#1d1d1f;--muted:#5f6368;--panel:#f3f4f6;--line:#c9cdd3;--ok:#009E73;--bad:#D55E00;\
--warn:#E69F00;--info:#0072B2;--accent:#0072B2;--moment:#fff4d6;--c0:#1d1d1f;";
const DARK: &str = "--bg:#15171a;--fg:#e8eaed;--muted:#a0a6ad;--panel:#1f2226;--line:#3a3f45;--ok:#009E73;--bad:#E8743B;\
--warn:#E69F00;--info:#56B4E9;--accent:#56B4E9;--moment:#3a3216;--c0:#e8eaed;";

/// The palette of a dark theme as declarations, for a host that switches themes with a class
/// of its own (mdBook's `.coal`, `.navy`, `.ayu`): `SELECTOR .flp { … }`.
pub fn dark_rule_under(selector: &str) -> String {
    format!("{selector} .{ROOT}{{{DARK}}}")
}

/// The stylesheet of a poster: the palettes, then the rules that use them.
pub fn stylesheet() -> String {
    let mut css = format!(
        ".{ROOT}{{{LIGHT}--oi-orange:#E69F00;--oi-sky:#56B4E9;--oi-green:#009E73;--oi-yellow:#F0E442;--oi-blue:#0072B2;\
         --oi-vermillion:#D55E00;--oi-purple:#CC79A7;color:var(--fg);max-width:100%;height:auto;\
         font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}}\
         .{ROOT}.flp-dark{{{DARK}}}@media (prefers-color-scheme:dark){{.{ROOT}.flp-auto{{{DARK}}}}}"
    );
    for rule in RULES {
        css.push('.');
        css.push_str(ROOT);
        css.push(' ');
        css.push_str(rule);
    }
    css
}

/// Rules without their scope (added by [`stylesheet`]).
const RULES: &[&str] = &[
    "text{fill:var(--fg)}",
    ".flp-bg{fill:var(--bg)}",
    ".flp-frame{fill:none;stroke:var(--line)}",
    ".flp-panel{fill:var(--panel);stroke:var(--line)}",
    ".flp-moment-box{fill:var(--moment);stroke:var(--warn)}",
    ".flp-kicker{font-size:13px;font-weight:600;fill:var(--muted);letter-spacing:.08em}",
    ".flp-title{font-size:28px;font-weight:700}",
    ".flp-summary{font-size:15px;fill:var(--muted)}",
    ".flp-lesson{font-size:17px;font-weight:600}",
    ".flp-h{font-size:16px;font-weight:700}",
    ".flp-caption{font-size:15px;font-weight:600}",
    ".flp-note{font-size:14.5px}",
    ".flp-bullet{fill:var(--accent)}",
    ".flp-small{font-size:12px;fill:var(--muted)}",
    ".flp-tick{font-size:11px;fill:var(--muted)}",
    ".flp-grid{stroke:var(--line);stroke-dasharray:2 3}",
    ".flp-axis{stroke:var(--muted)}",
    ".flp-line{fill:none;stroke:var(--info);stroke-width:1.8;stroke-linejoin:round}",
    ".flp-ghost{stroke:var(--muted);stroke-dasharray:4 3}",
    ".flp-cursor{stroke:var(--bad);stroke-width:1.5}",
    ".flp-dot{fill:var(--bad)}",
    ".flp-chart-title{font-size:13px;font-weight:600}",
    ".flp-chart-now{font-size:13px;font-weight:700;fill:var(--bad)}",
    ".flp-lane{fill:var(--panel);stroke:var(--line)}",
    ".flp-lane-crash{fill:var(--bad);fill-opacity:.8}",
    ".flp-lane-partition{fill:var(--oi-purple);fill-opacity:.8}",
    ".flp-lane-slow{fill:var(--warn);fill-opacity:.8}",
    ".flp-lane-lossy{fill:var(--oi-sky);fill-opacity:.8}",
    ".flp-lane-command{stroke:var(--fg);stroke-width:2}",
    ".flp-lane-label{font-size:11px;fill:#fff;font-weight:600}",
    ".flp-moment-mark{fill:var(--bg);stroke:var(--warn);stroke-width:2}",
    ".flp-moment-reached{fill:var(--warn)}",
    ".flp-moment-num{font-size:11px;font-weight:700}",
    ".flp-legend-swatch{stroke:none}",
    // The state pictures.
    ".flp-state rect{fill:var(--panel);stroke:var(--line);stroke-width:2}",
    ".flp-state-current rect{stroke-width:5}",
    ".flp-state-current.flp-state-closed rect{stroke:var(--ok)}",
    ".flp-state-current.flp-state-open rect{stroke:var(--bad);stroke-dasharray:8 3}",
    ".flp-state-current.flp-state-half rect{stroke:var(--warn);stroke-dasharray:3 3}",
    ".flp-state-current.flp-state-other rect{stroke:var(--oi-purple)}",
    ".flp-state-name{font-size:14px;font-weight:700}",
    ".flp-state-glyph{font-size:13px;fill:var(--muted)}",
    ".flp-state-current .flp-state-glyph{fill:var(--fg);font-weight:700}",
    ".flp-arrow path{fill:none;stroke:var(--muted);stroke-width:2}",
    ".flp-arrow .flp-head{fill:var(--muted);stroke:none}",
    ".flp-arrow text{font-size:12px;fill:var(--muted)}",
    ".flp-arrow-fired path{stroke:var(--fg);stroke-width:3.5}",
    ".flp-arrow-fired .flp-head{fill:var(--fg)}",
    ".flp-arrow-fired text{fill:var(--fg);font-weight:700}",
    ".flp-cell{stroke:var(--line)}",
    ".flp-cell-ok{fill:var(--ok)}",
    ".flp-cell-err{fill:var(--bad)}",
    ".flp-cell-slow{fill:var(--warn)}",
    ".flp-cell-empty{fill:var(--panel)}",
    ".flp-ring-plain{fill:none;stroke:var(--line);stroke-width:10}",
    ".flp-ring-halo{fill:none;stroke:var(--bad);stroke-width:1.5}",
    ".flp-c0{fill:var(--c0);stroke:var(--c0)}",
    ".flp-c1{fill:var(--oi-orange);stroke:var(--oi-orange)}",
    ".flp-c2{fill:var(--oi-sky);stroke:var(--oi-sky)}",
    ".flp-c3{fill:var(--oi-green);stroke:var(--oi-green)}",
    ".flp-c4{fill:var(--oi-yellow);stroke:var(--oi-yellow)}",
    ".flp-c5{fill:var(--oi-blue);stroke:var(--oi-blue)}",
    ".flp-c6{fill:var(--oi-vermillion);stroke:var(--oi-vermillion)}",
    ".flp-c7{fill:var(--oi-purple);stroke:var(--oi-purple)}",
    // After the colours: an arc takes a colour's stroke, never its fill (same specificity).
    ".flp-ring-arc{fill:none;stroke-width:10}",
];
