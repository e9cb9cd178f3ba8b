//! The iframe route, `embed.html#/quorum?preset=…&controls=all&seed=7&requests-per-second=30`,
//! for hosts that cannot run scripts: the widget and its choices (the same names as the
//! `data-*` attributes; `s` is a permalink payload) come from the fragment, and the page tells
//! its parent how tall it is whenever that changes, so the parent can size the iframe to it
//! and never show an inner scrollbar (`docs/embedding.md` has the parent's three lines).

use wasm_bindgen::prelude::*;

use super::dom;
use super::mount::MountSpec;

#[wasm_bindgen(inline_js = r#"
export function report_height_to_parent() {
    if (window.parent === window) return;
    let last = 0;
    const report = () => {
        const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
        if (height === last) return;
        last = height;
        window.parent.postMessage({ faultline: "height", height, href: location.href }, "*");
    };
    new ResizeObserver(report).observe(document.documentElement);
    report();
}
"#)]
extern "C" {
    /// Posts `{faultline: "height", height, href}` to the parent on every change of height.
    pub fn report_height_to_parent();
}

/// The widget and its choices from `#/WIDGET?NAME=VALUE&…`.
pub fn spec_from_route(hash: &str) -> MountSpec {
    let path = hash.trim_start_matches('#').trim_start_matches('/');
    let (widget, query) = path.split_once('?').unwrap_or((path, ""));
    let decode =
        |text: &str| js_sys::decode_uri_component(&text.replace('+', " ")).ok().and_then(|s| s.as_string()).unwrap_or_else(|| text.to_string());
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect();
    let mut spec = MountSpec::from_pairs(decode(widget), &pairs);
    // "Copy link" opens the widget's own page next to embed.html, not the iframe.
    if spec.link_base.is_none() {
        let page = dom::page_url();
        let dir = page.rsplit_once('/').map(|(dir, _)| dir).unwrap_or_default();
        spec.link_base = Some(format!("{dir}/{}/", spec.widget));
    }
    spec
}
