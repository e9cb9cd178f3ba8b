//! A widget's own page in the playground: the site header, a way back to the landing page
//! (static HTML, see `faultline site landing`) and the widget. Each widget page loads only its
//! widget's bundle; the route lives in the fragment: `#/breaker`, `#/breaker?s=<permalink>`,
//! `#/breaker?preset=NAME`. A fragment naming a widget this bundle lacks goes to that widget's
//! page.

use crate::web::html::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::dom;
use super::mount::{playlist_start, MountSpec};
use super::registry;

/// A parsed fragment route.
#[derive(Clone, Debug, PartialEq)]
struct Route {
    /// Empty for a page opened without a fragment.
    name: String,
    scenario: Option<String>,
    preset: Option<String>,
    presenter: bool,
    playlist: Option<String>,
}

fn parse_route(hash: &str) -> Route {
    let path = hash.trim_start_matches('#').trim_start_matches('/');
    let (name, query) = path.split_once('?').unwrap_or((path, ""));
    let param = |key: &str| query.split('&').find_map(|kv| kv.strip_prefix(key)).map(str::to_string);
    Route {
        name: name.to_string(),
        scenario: param("s="),
        preset: param("preset="),
        presenter: param("presenter=").is_some_and(|v| v != "0"),
        playlist: param("playlist="),
    }
}

/// The playground: the route in the fragment, followed as it changes.
pub struct Playground {
    route: Route,
    _hashchange: Option<HashChange>,
}

/// The page's `hashchange` listener, removed with the playground.
struct HashChange(Closure<dyn Fn()>);

impl Drop for HashChange {
    fn drop(&mut self) {
        if let Some(w) = dom::window() {
            let _ = w.remove_event_listener_with_callback("hashchange", self.0.as_ref().unchecked_ref());
        }
    }
}

/// The fragment changed.
pub struct RouteChanged;

impl Component for Playground {
    type Message = RouteChanged;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let listener = Closure::<dyn Fn()>::new(move || link.send_message(RouteChanged));
        let installed = dom::window().is_some_and(|w| w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref()).is_ok());
        Self { route: parse_route(&dom::location_hash()), _hashchange: installed.then_some(HashChange(listener)) }
    }

    fn update(&mut self, _ctx: &Context<Self>, _msg: RouteChanged) -> bool {
        let route = parse_route(&dom::location_hash());
        let changed = route != self.route;
        self.route = route;
        changed
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let route = &self.route;
        let names = registry::names();
        let name = if route.name.is_empty() { names.first().copied().unwrap_or_default().to_string() } else { route.name.clone() };
        let body = if names.contains(&name.as_str()) {
            let spec = MountSpec {
                widget: name.clone(),
                scenario: route.scenario.clone(),
                preset: route.preset.clone().or_else(|| route.playlist.as_deref().and_then(playlist_start)),
                presenter: route.presenter,
                playlist: route.playlist.clone(),
                standalone: true,
                ..Default::default()
            };
            // A new scenario or lesson is a new widget, not the old one with new properties.
            let key = format!("{name}/{}/{}", route.scenario.clone().unwrap_or_default(), route.preset.clone().unwrap_or_default());
            html! { <div>{ registry::render(&spec, Some(key)).unwrap_or_default() }</div> }
        } else {
            // Another widget's route: its own page has its bundle (the landing page says so when
            // no widget has that name).
            dom::go_to(&format!("../{}", dom::location_hash()));
            html! { <p>{ format!("Opening \u{201c}{name}\u{201d}…") }</p> }
        };
        html! {
            <div class="fl-playground">
                <header class="fl-site-head">
                    <a href="../" class="fl-logo">{"Faultline"}</a>
                    <span class="fl-tagline">{"play with distributed-systems patterns"}</span>
                    <a class="fl-back" href="../">{"← All widgets"}</a>
                </header>
                <main>{ body }</main>
                <footer class="fl-foot">
                    {"Deterministic: the same link gives the same run, in your browser and in "}<code>{"faultline run"}</code>{". "}
                    <a href="../demo.html">{"Embedding demo"}</a>
                </footer>
            </div>
        }
    }
}
