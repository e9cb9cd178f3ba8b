//! Exports from the page: a picture, diagram or chart as a standalone SVG file, and text files
//! (a trace, a scenario) as downloads.
//!
//! Hand-written JS rather than web-sys bindings: copying computed styles onto an SVG's clone is
//! a dozen lines here and many bindings' worth of features there.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(inline_js = r#"
// The figures of a widget worth exporting: SVG pictures with a name, not icons or swatches.
function figures(root) {
    return [...root.querySelectorAll("svg[role=img], svg[role=group]")].filter((svg) => {
        const box = svg.getBoundingClientRect();
        return box.width >= 80 && !svg.parentElement.closest("svg");
    });
}
function labelOf(svg) {
    const caption = svg.closest("figure")?.querySelector("figcaption");
    const text = (caption?.firstChild?.textContent || svg.getAttribute("aria-label") || "Picture").trim();
    return text.length > 60 ? text.slice(0, 57) + "…" : text;
}
export function figure_labels(root) {
    return figures(root).map(labelOf);
}
const STYLED = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap",
    "opacity", "font-size", "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline", "visibility", "display"];
export function figure_svg(root, index) {
    const svg = figures(root)[index];
    if (!svg) return "";
    const copy = svg.cloneNode(true);
    const from = [svg, ...svg.querySelectorAll("*")], to = [copy, ...copy.querySelectorAll("*")];
    from.forEach((el, i) => {
        const style = getComputedStyle(el);
        to[i].setAttribute("style", STYLED.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";"));
        to[i].removeAttribute("class");
    });
    const box = svg.getBoundingClientRect();
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("width", Math.round(box.width));
    copy.setAttribute("height", Math.round(box.height));
    // The page's background behind it, so the file reads the same on its own.
    let bg = "transparent";
    for (let el = svg; el && el.nodeType === 1; el = el.parentElement || el.getRootNode().host) {
        const c = getComputedStyle(el).backgroundColor;
        if (c && c !== "transparent" && !c.startsWith("rgba(0, 0, 0, 0")) { bg = c; break; }
    }
    const back = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    for (const [k, v] of [["x", "-50%"], ["y", "-50%"], ["width", "200%"], ["height", "200%"], ["fill", bg]]) back.setAttribute(k, v);
    copy.insertBefore(back, copy.firstChild);
    return new XMLSerializer().serializeToString(copy);
}
export function download(name, type, text) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}
"#)]
extern "C" {
    /// The names of the widget's exportable figures, in page order.
    fn figure_labels(root: &web_sys::Element) -> Vec<String>;
    fn figure_svg(root: &web_sys::Element, index: usize) -> String;
    /// Saves `text` as a file called `name`.
    pub fn download(name: &str, mime: &str, text: &str);
}

/// What can be exported as SVG in `root` now, by name.
pub fn figures(root: &web_sys::Element) -> Vec<String> {
    figure_labels(root)
}

/// Saves figure `index` of `root` as `faultline-WIDGET-NAME.svg`; false if it is gone.
pub fn save_figure(root: &web_sys::Element, index: usize, widget: &str, label: &str) -> bool {
    let svg = figure_svg(root, index);
    if svg.is_empty() {
        return false;
    }
    download(&format!("faultline-{widget}-{}.svg", slug(label)), "image/svg+xml", &svg);
    true
}

/// A file-name-safe form of a label: "Stale reads (last second)" → "stale-reads-last-second".
pub fn slug(label: &str) -> String {
    label.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase).collect::<Vec<_>>().join("-")
}
