//! The few browser facts the widgets need, each behind a function that cannot panic.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// A few lines of JS rather than web-sys's IntersectionObserver bindings: the entries are only
// asked one boolean each.
#[wasm_bindgen(inline_js = r#"
export function watch_visibility(el, onChange) {
    if (typeof IntersectionObserver === "undefined") { onChange(true); return null; }
    const observer = new IntersectionObserver((entries) => {
        for (const entry of entries) onChange(entry.isIntersecting);
    });
    observer.observe(el);
    return observer;
}
export function stop_watching(observer) { if (observer) observer.disconnect(); }
"#)]
extern "C" {
    fn watch_visibility(el: &web_sys::Element, on_change: &js_sys::Function) -> JsValue;
    fn stop_watching(observer: &JsValue);
}

/// Tells whether an element is on screen, each time that changes, for as long as it lives.
pub struct VisibilityWatch {
    observer: JsValue,
    _on_change: Closure<dyn FnMut(bool)>,
}

impl VisibilityWatch {
    pub fn new(el: &web_sys::Element, on_change: impl FnMut(bool) + 'static) -> Self {
        let on_change = Closure::<dyn FnMut(bool)>::new(on_change);
        let observer = watch_visibility(el, on_change.as_ref().unchecked_ref());
        Self { observer, _on_change: on_change }
    }
}

impl Drop for VisibilityWatch {
    fn drop(&mut self) {
        stop_watching(&self.observer);
    }
}

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// True when the user asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten()).is_some_and(|m| m.matches())
}

/// Wall-clock milliseconds, used only to pace animation (never inside a simulation).
pub fn wall_ms() -> f64 {
    js_sys::Date::now()
}

/// A fresh seed for "new seed": the only non-deterministic number in the product, and it is
/// shown and put in the link, so the run it starts is still reproducible.
pub fn random_seed() -> u64 {
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (hi << 32 | lo) % 1_000_000_000
}

pub fn location_hash() -> String {
    window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page URL without its fragment.
pub fn page_url() -> String {
    window().and_then(|w| w.location().href().ok()).map(|href| href.split('#').next().unwrap_or_default().to_string()).unwrap_or_default()
}

/// Replaces the page with `url` (relative to this page), leaving no history entry behind.
pub fn go_to(url: &str) {
    if let Some(w) = window() {
        let _ = w.location().replace(url);
    }
}

/// Replaces the fragment without adding a history entry or scrolling.
pub fn replace_hash(hash: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}

/// Copies text to the clipboard and says, through `done`, whether the browser allowed it (a
/// page without clipboard access, or a refused permission, reports `false`).
pub fn copy_to_clipboard(text: &str, done: impl FnOnce(bool) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    let Some(navigator) = window().map(|w| w.navigator()) else { return done(false) };
    // Insecure pages have no `navigator.clipboard`: calling into it would throw.
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        return done(false);
    }
    let done = Rc::new(RefCell::new(Some(done)));
    let settle = |ok: bool| {
        let done = done.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            if let Some(f) = done.borrow_mut().take() {
                f(ok);
            }
        })
    };
    let (on_ok, on_err) = (settle(true), settle(false));
    let _ = navigator.clipboard().write_text(text).then2(&on_ok, &on_err);
    // The promise calls one of them later: they must outlive this call (two small closures per
    // click on "Copy link").
    on_ok.forget();
    on_err.forget();
}

/// Whether the focused control handles this key itself: every form field owns its keys
/// (arrows move a slider, Space ticks a checkbox), and buttons and other activatable
/// elements own Space and Enter. The widget's shortcuts only get what is left.
pub fn key_belongs_to_control(event: &web_sys::KeyboardEvent) -> bool {
    let key = event.key();
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            let activatable = tag == "button" || tag == "a" || tag == "summary" || el.get_attribute("role").as_deref() == Some("button");
            matches!(tag.as_str(), "input" | "select" | "textarea") || (activatable && (key == " " || key == "Enter"))
        })
        .unwrap_or(false)
}
