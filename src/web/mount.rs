//! Mounting: every `data-faultline` element on the page becomes a widget.
//!
//! `<div data-faultline="breaker" data-preset="…" data-seed="7" data-failure-rate-threshold="60">`:
//! reserved attributes are `data-faultline` (the widget, or `playground`), `data-preset`,
//! `data-seed`, `data-scenario` (a permalink payload), `data-autoplay`, `data-link-base` (where
//! "copy link" points), `data-presenter`, `data-playlist` (lessons walked in turn),
//! `data-start` (a time such as `12s`), `data-loop` (`10s-20s`), `data-autoplay="visible"`, and
//! what an embed shows: `data-controls` (`none`,
//! `player`, the default for an embed, or `all`), `data-charts` and `data-log` (`on`/`off`, or for
//! charts a comma-separated list of chart names,
//! default on only with `all`); every other `data-*` attribute sets the parameter of the same
//! name (kebab-case becomes snake_case; values are read as JSON, else as text).

use crate::web::html::prelude::*;
use faultline_core::json::Json;
use wasm_bindgen::JsCast;

use super::playground::Playground;
use super::registry;
use super::{custom_element, dom, embed};

/// How much of the control room an embed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Controls {
    /// The picture and its notes only (the run plays by itself when asked to autoplay).
    None,
    /// The picture, the notes and a one-line player: what an embed in prose shows by default.
    Player,
    /// Everything: settings, extra panels, charts and the event log (the playground page).
    #[default]
    All,
}

/// Whether the run plays by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Autoplay {
    #[default]
    Off,
    /// As soon as it loads (`autoplay`).
    Now,
    /// The first time it scrolls into view (`autoplay="visible"`), so a reader further down a
    /// page does not arrive at a run that is already over.
    WhenVisible,
}

/// What the page asked for, read from one element's attributes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MountSpec {
    pub widget: String,
    pub preset: Option<String>,
    pub seed: Option<u64>,
    /// A permalink payload (`encode_permalink` output).
    pub scenario: Option<String>,
    /// Parameter overrides: (snake_case name, JSON value).
    pub params: Vec<(String, Json)>,
    pub autoplay: Autoplay,
    /// Where the run opens (`start="12s"`), unless a permalink says.
    pub start: Option<String>,
    /// A range playing repeats (`loop="10s-20s"`).
    pub loop_range: Option<String>,
    /// Lessons a presenter walks one after another (`playlist="a,b,c"`); the first opens.
    pub playlist: Option<String>,
    /// Presenter mode: large type and high contrast for a projector (`data-presenter`, or
    /// `presenter=1` in a playground link); the widget's "Presenter" button toggles it.
    pub presenter: bool,
    pub controls: Controls,
    /// Whether the charts over time and the event log show (`None`: as `controls` implies).
    pub charts: Option<bool>,
    /// Which charts (`data-charts="stale reads, read latency"`): each shown chart's name starts
    /// with one of these, ignoring case; empty for all of them.
    pub chart_names: Vec<String>,
    pub log: Option<bool>,
    /// Base URL for "copy link"; the widget's own page when it is the playground.
    pub link_base: Option<String>,
    /// True when the playground page hosts it (so the URL fragment is its permalink).
    pub standalone: bool,
}

const RESERVED: &[&str] = &[
    "faultline",
    "widget",
    "faultline-mounted",
    "preset",
    "seed",
    "scenario",
    "s",
    "autoplay",
    "link-base",
    "presenter",
    "controls",
    "charts",
    "log",
    "stylesheet",
    "start",
    "loop",
    "playlist",
];

/// HTML's own attributes on a `<faultline-widget>`: never a parameter.
const GLOBAL_ATTRIBUTES: &[&str] = &["id", "class", "style", "slot", "title", "hidden", "lang", "dir", "tabindex", "role", "part", "is"];

/// The lesson a playlist opens on: its first.
pub fn playlist_start(playlist: &str) -> Option<String> {
    playlist.split(',').map(str::trim).find(|l| !l.is_empty()).map(String::from)
}

/// `"stale reads, Read latency"` → `["stale reads", "read latency"]`. ASCII case only: chart
/// names are ASCII, and Unicode's case tables would add 8 KB (gzip) to every bundle.
fn chart_list(value: &str) -> Vec<String> {
    value.split(',').map(|name| name.trim().to_ascii_lowercase()).filter(|name| !name.is_empty()).collect()
}

/// Whether an attribute value means "off".
fn is_off(value: &str) -> bool {
    matches!(value.trim(), "off" | "false" | "0")
}

impl MountSpec {
    /// Whether the charts over time show.
    pub fn shows_charts(&self) -> bool {
        self.charts.unwrap_or(self.controls == Controls::All)
    }

    /// Whether the chart called `name` shows, by `data-charts`' list.
    pub fn shows_chart(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.chart_names.is_empty() || self.chart_names.iter().any(|wanted| name.starts_with(wanted.as_str()))
    }

    /// The first chart name in `data-charts` that matches none of `names`, if any.
    pub fn unknown_chart<'a>(&'a self, names: &[&str]) -> Option<&'a str> {
        self.chart_names.iter().find(|wanted| !names.iter().any(|n| n.to_ascii_lowercase().starts_with(wanted.as_str()))).map(String::as_str)
    }

    /// Whether the event log shows.
    pub fn shows_log(&self) -> bool {
        self.log.unwrap_or(self.controls == Controls::All)
    }

    /// The page's lesson, link and seed without its extras (start, loop, parameters): what runs
    /// when one of those cannot be used.
    pub fn lesson_only(&self) -> Self {
        Self { params: Vec::new(), start: None, loop_range: None, ..self.clone() }
    }

    /// The same widget with none of the page's choices (link, lesson, seed, parameters): what
    /// starts when those choices cannot be used, so the reader still gets a working widget.
    pub fn defaults(&self) -> Self {
        Self { preset: None, seed: None, scenario: None, params: Vec::new(), start: None, loop_range: None, playlist: None, ..self.clone() }
    }

    /// The one reading of a widget's choices, whichever form carried them: `data-NAME`
    /// attributes, a `<faultline-widget NAME=…>` element, or an iframe route's `?NAME=…` query
    /// (`pairs` are (NAME, value), prefixes already taken off).
    pub fn from_pairs(widget: String, pairs: &[(String, String)]) -> Self {
        let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut params: Vec<(String, Json)> = pairs
            .iter()
            .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
            .map(|(k, raw)| (k.replace('-', "_"), faultline_core::json::parse(raw).unwrap_or_else(|_| Json::String(raw.clone()))))
            .collect();
        faultline_core::order::sort_by(&mut params, |a, b| a.0.cmp(&b.0));
        Self {
            widget,
            seed: get("seed").and_then(|s| s.trim().parse().ok()),
            scenario: get("scenario").or_else(|| get("s")),
            params,
            autoplay: match get("autoplay") {
                Some(v) if v.trim() == "visible" => Autoplay::WhenVisible,
                Some(v) if !is_off(&v) => Autoplay::Now,
                _ => Autoplay::Off,
            },
            start: get("start"),
            loop_range: get("loop"),
            // A playlist opens on its first lesson unless the page names another.
            preset: get("preset").or_else(|| playlist_start(&get("playlist")?)),
            playlist: get("playlist"),
            presenter: get("presenter").is_some_and(|v| !is_off(&v)),
            controls: match get("controls").as_deref().map(str::trim) {
                Some("none") => Controls::None,
                Some("all") => Controls::All,
                _ => Controls::Player,
            },
            charts: get("charts").map(|v| !is_off(&v)),
            chart_names: get("charts")
                .filter(|v| !is_off(v) && !matches!(v.trim(), "on" | "true" | "1" | ""))
                .map(|v| chart_list(&v))
                .unwrap_or_default(),
            log: get("log").map(|v| !is_off(&v)),
            link_base: get("link-base"),
            standalone: false,
        }
    }

    /// Reads `<div data-faultline="quorum" data-seed="7">` or
    /// `<faultline-widget widget="quorum" seed="7">`.
    pub fn from_element(el: &web_sys::Element) -> Self {
        let custom = is_custom_element(el);
        let names = el.get_attribute_names();
        let mut pairs = Vec::new();
        for i in 0..names.length() {
            let Some(name) = names.get(i).as_string() else { continue };
            let key = match name.strip_prefix("data-") {
                Some(key) => key,
                None if custom && !GLOBAL_ATTRIBUTES.contains(&name.as_str()) && !name.starts_with("aria-") => name.as_str(),
                None => continue,
            };
            pairs.push((key.to_string(), el.get_attribute(&name).unwrap_or_default()));
        }
        let widget = el.get_attribute(if custom { "widget" } else { "data-faultline" }).unwrap_or_default();
        Self::from_pairs(widget, &pairs)
    }
}

const CUSTOM_ELEMENT: &str = "faultline-widget";

fn is_custom_element(el: &web_sys::Element) -> bool {
    el.tag_name().eq_ignore_ascii_case(CUSTOM_ELEMENT)
}

#[derive(PartialEq, Clone)]
struct HostProps {
    spec: MountSpec,
}

#[function_component]
fn Host(props: &HostProps) -> Html {
    registry::render(&props.spec, None).unwrap_or_else(|| {
        html! {
            <div class="fl-error" role="alert">
                { format!("Faultline: unknown widget \"{}\". Known widgets: {}.", props.spec.widget, registry::names().join(", ")) }
            </div>
        }
    })
}

/// `data-faultline="embed"`: the iframe page (`embed.html#/quorum?preset=…`), whose widget and
/// choices are in its URL fragment.
const EMBED_ROUTE: &str = "embed";

/// Whether this bundle carries every widget; only then is a name it lacks an error (else the
/// element is left for another widget's bundle on the same page).
const HAS_EVERY_WIDGET: bool = cfg!(feature = "default");

/// Mounts every `[data-faultline]` element that is not already mounted and that this bundle
/// has the widget for.
pub fn mount_all() {
    let Some(document) = dom::window().and_then(|w| w.document()) else { return };
    let Ok(nodes) = document.query_selector_all("[data-faultline]:not([data-faultline-mounted]), faultline-widget:not([data-faultline-mounted])")
    else {
        return;
    };
    let known = registry::names();
    for i in 0..nodes.length() {
        let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let spec = MountSpec::from_element(&el);
        let playground = spec.widget == "playground";
        if !playground && spec.widget != EMBED_ROUTE && !HAS_EVERY_WIDGET && !known.contains(&spec.widget.as_str()) {
            continue;
        }
        let _ = el.set_attribute("data-faultline-mounted", "");
        if playground {
            crate::web::html::mount::<Playground>(&el, ());
        } else if spec.widget == EMBED_ROUTE {
            let spec = embed::spec_from_route(&dom::location_hash());
            embed::report_height_to_parent();
            crate::web::html::mount_html(&el, Host(&HostProps { spec }));
        } else if is_custom_element(&el) {
            // Its own shadow root: the host page's CSS cannot reach in, ours cannot leak out.
            let root = custom_element::shadow_mount_point(&el);
            crate::web::html::mount_html(&root, Host(&HostProps { spec }));
        } else {
            crate::web::html::mount_html(&el, Host(&HostProps { spec }));
        }
    }
}
