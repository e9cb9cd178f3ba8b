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
// A figure's name: its caption's title, else its label up to the first comma (the rest says
// the state of the moment, which belongs in the file, not in its name).
function labelOf(svg) {
    const caption = svg.closest("figure")?.querySelector("figcaption");
    const text = (caption?.firstChild?.textContent || (svg.getAttribute("aria-label") || "Picture").split(",")[0]).trim();
    return text.length > 60 ? text.slice(0, 57) + "…" : text;
}
export function figure_labels(root) {
    return figures(root).map(labelOf);
}
// The properties a picture's look depends on. Inherited ones are written only where they
// differ from the parent's, so the file stays small.
const INHERITED = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "stroke-linecap",
    "font-size", "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline", "visibility"];
const OWN = { opacity: "1", display: "inline" };
const SVG_NS = "http://www.w3.org/2000/svg";
function svgText(x, y, text, size, weight, color) {
    const t = document.createElementNS(SVG_NS, "text");
    for (const [k, v] of [["x", x], ["y", y], ["font-size", size], ["font-weight", weight], ["fill", color], ["font-family", "system-ui, sans-serif"]]) t.setAttribute(k, v);
    t.textContent = text;
    return t;
}
export function figure_svg(root, index) {
    const svg = figures(root)[index];
    if (!svg) return "";
    const copy = svg.cloneNode(true);
    const from = [svg, ...svg.querySelectorAll("*")], to = [copy, ...copy.querySelectorAll("*")];
    from.forEach((el, i) => {
        const style = getComputedStyle(el);
        const parent = i === 0 ? null : getComputedStyle(el.parentElement);
        const own = Object.entries(OWN).filter(([p, normal]) => style.getPropertyValue(p) !== normal).map(([p]) => p);
        const differ = INHERITED.filter((p) => !parent || style.getPropertyValue(p) !== parent.getPropertyValue(p));
        const text = [...differ, ...own].map((p) => `${p}:${style.getPropertyValue(p)}`).join(";");
        if (text) to[i].setAttribute("style", text); else to[i].removeAttribute("style");
        to[i].removeAttribute("class");
    });
    const box = svg.getBoundingClientRect();
    const figure = svg.closest("figure");
    const caption = figure?.querySelector("figcaption")?.textContent.trim() || svg.getAttribute("aria-label") || "";
    const legend = figure?.querySelector(".fl-legend")?.textContent.trim() || "";
    const fg = getComputedStyle(svg).color;
    copy.setAttribute("width", Math.round(box.width));
    copy.setAttribute("height", Math.round(box.height));
    // The picture inside a page of its own: a title (the chart's caption with its value now, or
    // the picture's label), the picture, and the chart's legend under it.
    const top = caption ? 28 : 0, bottom = legend ? 22 : 0, pad = 8;
    const page = document.createElementNS(SVG_NS, "svg");
    page.setAttribute("xmlns", SVG_NS);
    page.setAttribute("width", Math.round(box.width) + 2 * pad);
    page.setAttribute("height", Math.round(box.height) + top + bottom + 2 * pad);
    const title = document.createElementNS(SVG_NS, "title");
    title.textContent = caption || "Faultline figure";
    page.append(title);
    // The page's background behind it, so the file reads the same on its own.
    let bg = "transparent";
    for (let el = svg; el && el.nodeType === 1; el = el.parentElement || el.getRootNode().host) {
        const c = getComputedStyle(el).backgroundColor;
        if (c && c !== "transparent" && !c.startsWith("rgba(0, 0, 0, 0")) { bg = c; break; }
    }
    const back = document.createElementNS(SVG_NS, "rect");
    for (const [k, v] of [["width", "100%"], ["height", "100%"], ["fill", bg]]) back.setAttribute(k, v);
    page.append(back);
    if (caption) page.append(svgText(pad, pad + 16, caption, 14, 600, fg));
    copy.setAttribute("x", pad);
    copy.setAttribute("y", pad + top);
    page.append(copy);
    if (legend) page.append(svgText(pad, pad + top + Math.round(box.height) + 16, legend, 12, 400, fg));
    return new XMLSerializer().serializeToString(page);
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
