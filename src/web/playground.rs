//! The full playground page: a landing page with one card per widget, and a page per widget.
//! Routes live in the fragment: `#/` (landing), `#/breaker`, `#/breaker?s=<permalink>`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::dom;
use super::mount::MountSpec;
use super::registry;

/// A parsed fragment route.
#[derive(Clone, Debug, PartialEq)]
enum Route {
    Landing,
    Widget { name: String, scenario: Option<String>, preset: Option<String> },
}

fn parse_route(hash: &str) -> Route {
    let path = hash.trim_start_matches('#').trim_start_matches('/');
    let (name, query) = path.split_once('?').unwrap_or((path, ""));
    if name.is_empty() {
        return Route::Landing;
    }
    let param = |key: &str| query.split('&').find_map(|kv| kv.strip_prefix(key)).map(str::to_string);
    Route::Widget { name: name.to_string(), scenario: param("s="), preset: param("preset=") }
}

/// A landing-page card, from the registry: the widget and its lessons.
struct Card {
    name: &'static str,
    title: &'static str,
    summary: &'static str,
    /// (preset name, title) of the widget's lessons.
    lessons: Vec<(String, String)>,
}

fn cards() -> Vec<Card> {
    let presets = faultline_core::headless::presets();
    faultline_core::widgets::WIDGETS
        .iter()
        .map(|w| Card {
            name: w.name,
            title: w.title,
            summary: w.summary,
            lessons: presets.iter().filter(|p| p.widget == w.name).map(|p| (p.name.clone(), p.title.clone())).collect(),
        })
        .collect()
}

#[function_component]
pub fn Playground() -> Html {
    let route = use_state(|| parse_route(&dom::location_hash()));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || route.set(parse_route(&dom::location_hash())));
            let window = dom::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    let body = match &*route {
        Route::Landing => html! {
            <>
                <p class="fl-lede">
                    {"Distributed-systems patterns you can play with. Every widget runs a real Rust implementation in a deterministic simulation: \
                      pause it, step it, rewind it, break things on purpose, and share a link that replays exactly what you saw."}
                </p>
                <ul class="fl-cards">
                    { for cards().into_iter().map(|c| html! {
                        <li class="fl-card">
                            <a class="fl-card-main" href={format!("#/{}", c.name)}>
                                <h2>{ c.title }</h2>
                                <p>{ c.summary }</p>
                                <span class="fl-card-go" aria-hidden="true">{"Open →"}</span>
                            </a>
                            <details class="fl-card-lessons">
                                <summary>{ format!("{} lessons", c.lessons.len()) }</summary>
                                <ul>
                                    { for c.lessons.iter().map(|(preset, title)| html! {
                                        <li><a href={format!("#/{}?preset={preset}", c.name)}>{ title.clone() }</a></li>
                                    }) }
                                </ul>
                            </details>
                        </li>
                    }) }
                </ul>
            </>
        },
        Route::Widget { name, scenario, preset } => {
            let spec = MountSpec { widget: name.clone(), scenario: scenario.clone(), preset: preset.clone(), standalone: true, ..Default::default() };
            let key = format!("{name}/{}/{}", scenario.clone().unwrap_or_default(), preset.clone().unwrap_or_default());
            html! {
                <div key={key}>
                    <p><a href="#/">{"← All widgets"}</a></p>
                    { registry::render(&spec).unwrap_or_else(|| html! {
                        <p class="fl-error" role="alert">{ format!("There is no widget called \"{name}\".") }</p>
                    }) }
                </div>
            }
        }
    };
    html! {
        <div class="fl-playground">
            <header class="fl-site-head">
                <a href="#/" class="fl-logo">{"Faultline"}</a>
                <span class="fl-tagline">{"play with distributed-systems patterns"}</span>
            </header>
            <main>{ body }</main>
            <footer class="fl-foot">
                {"Deterministic: the same link gives the same run, in your browser and in "}<code>{"faultline run"}</code>{". "}
                <a href="demo.html">{"Embedding demo"}</a>
            </footer>
        </div>
    }
}
