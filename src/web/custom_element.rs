//! `<faultline-widget widget="quorum" preset="…" seed="7">`: the custom element, beside
//! `data-faultline` mounting, with the same attributes (without `data-`).
//!
//! Each element renders into its own shadow root, which holds the page's Faultline stylesheet:
//! the host page's CSS cannot reach in and ours cannot leak out. Several bundles can be on one
//! page (one per widget kind): the element is defined once, and connecting one asks every
//! bundle to mount what it has the widget for.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function define_faultline_element(mount) {
    (globalThis.__faultlineMounts ??= []).push(mount);
    if (!customElements.get("faultline-widget")) {
        customElements.define("faultline-widget", class extends HTMLElement {
            connectedCallback() { for (const m of globalThis.__faultlineMounts) m(); }
        });
    }
}

// Faultline's stylesheets: the element's `stylesheet` attribute, else every stylesheet the
// page links whose file name starts with "faultline".
export function shadow_mount_point(host) {
    const root = host.shadowRoot ?? host.attachShadow({ mode: "open" });
    const own = host.getAttribute("stylesheet");
    const hrefs = own ? [own] : [...document.querySelectorAll('link[rel~="stylesheet"]')]
        .map((link) => link.href)
        .filter((href) => /\/faultline[^/]*\.css(\?|#|$)/.test(href));
    for (const href of hrefs) {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = href;
        root.append(link);
    }
    const style = document.createElement("style");
    // Nothing inherits in from the host page; the widget brings its own colours and type.
    style.textContent = ":host { all: initial; display: block; } .fl-widget { color: var(--fg); background: var(--bg); }";
    root.append(style);
    const point = document.createElement("div");
    root.append(point);
    return point;
}
"#)]
extern "C" {
    fn define_faultline_element(mount: &js_sys::Function);
    /// Attaches `host`'s shadow root with the stylesheets and returns the element to render in.
    pub fn shadow_mount_point(host: &web_sys::Element) -> web_sys::Element;
}

/// Defines `<faultline-widget>` (once per page) and has this bundle mount new ones.
pub fn define() {
    let mount = Closure::<dyn Fn()>::new(super::mount::mount_all);
    define_faultline_element(mount.as_ref().unchecked_ref());
    // The page keeps the element defined for as long as it lives.
    mount.forget();
}
