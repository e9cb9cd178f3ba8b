//! `faultline site landing|page WIDGET`: the site's pages, made from the registry at build
//! time. The landing page is static HTML and needs no WebAssembly at all: each card links to
//! its widget's own page, which loads only that widget's bundle (`scripts/build.sh` hands each
//! widget page to Trunk).

use faultline_core::headless::presets;
use faultline_core::widgets::WIDGETS;

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The `<head>` lines every Faultline page shares (charset, viewport, colour schemes, icon).
const HEAD: &str = r#"    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 16 16%22%3E%3Cpath d=%22M1 9h4l2-6 2 10 2-4h4%22 fill=%22none%22 stroke=%22%230072B2%22 stroke-width=%222%22/%3E%3C/svg%3E" />"#;

/// A widget's page for Trunk (`widget` = a registry name, or `all` for every widget): the
/// shell's stylesheet and the widget's own (`static/css/faultline-NAME.css`), the binary with that widget's feature only, and the playground mount.
/// Paths are relative to `target/bundles/`, where `scripts/build.sh` writes it.
pub fn widget_page(widget: &str) -> Result<String, String> {
    let (title, features, sheets) = match WIDGETS.iter().find(|w| w.name == widget) {
        Some(w) => (w.title, format!("data-cargo-no-default-features data-cargo-features=\"{}\"", w.name), vec![w.name]),
        None if widget == "all" => ("All widgets", "data-cargo-all-features".to_string(), WIDGETS.iter().map(|w| w.name).collect()),
        None => {
            let known: Vec<&str> = WIDGETS.iter().map(|w| w.name).collect();
            return Err(format!("widget: no widget called \"{widget}\"; known: {}, all", known.join(", ")));
        }
    };
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
{HEAD}
    <title>{title} — Faultline</title>
    <link data-trunk rel="css" href="../../static/css/faultline-shell.css" />
{sheets}
    <link data-trunk rel="rust" href="../../Cargo.toml" data-bin="faultline" data-wasm-opt="z" data-type="main" data-integrity="none" {features} />
</head>
<body class="fl-page">
    <div data-faultline="playground">
        <noscript>Faultline needs JavaScript and WebAssembly to run its simulations.</noscript>
    </div>
</body>
</html>"#,
        title = escape(title),
        // The shell's stylesheet and each widget's own: a page downloads only its widgets' rules.
        sheets = sheets
            .iter()
            .map(|name| format!("    <link data-trunk rel=\"css\" href=\"../../static/css/faultline-{name}.css\" />"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// The landing page. Old links of the form `index.html#/WIDGET?…` (from before each widget had
/// its own page) are forwarded to `WIDGET/#/WIDGET?…`, so every permalink ever shared still
/// replays.
pub fn landing() -> String {
    let presets = presets();
    let mut cards = String::new();
    for w in WIDGETS {
        let lessons: Vec<_> = presets.iter().filter(|p| p.widget == w.name).collect();
        let items: String =
            lessons.iter().map(|p| format!("<li><a href=\"{0}/#/{0}?preset={1}\">{2}</a></li>", w.name, escape(&p.name), escape(&p.title))).collect();
        cards.push_str(&format!(
            "<li class=\"fl-card\"><a class=\"fl-card-main\" href=\"{name}/#/{name}\">{preview}<h2>{title}</h2><p>{summary}</p>\
             <span class=\"fl-card-go\" aria-hidden=\"true\">Open →</span></a>\
             <details class=\"fl-card-lessons\"><summary>{count} lessons</summary><ul>{items}</ul></details></li>\n",
            name = w.name,
            title = escape(w.title),
            summary = escape(w.summary),
            preview = if w.preview_svg.is_empty() { String::new() } else { format!("<span class=\"fl-card-preview\">{}</span>", w.preview_svg) },
            count = lessons.len(),
        ));
    }
    let names = WIDGETS.iter().map(|w| format!("\"{}\"", w.name)).collect::<Vec<_>>().join(", ");
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
{HEAD}
    <title>Faultline — play with distributed-systems patterns</title>
    <link rel="stylesheet" href="faultline-shell.css" />
    <script>
        // Links from before each widget had its own page: index.html#/WIDGET?… → WIDGET/#/WIDGET?…
        (function () {{
            var m = /^#\/([a-z_]+)/.exec(location.hash);
            if (!m) return;
            if ([{names}].indexOf(m[1]) >= 0) {{ location.replace(m[1] + "/" + location.hash); return; }}
            document.addEventListener("DOMContentLoaded", function () {{
                var p = document.getElementById("fl-route-error");
                p.textContent = "There is no widget called \"" + m[1] + "\". The widgets are listed below.";
                p.hidden = false;
            }});
        }})();
    </script>
</head>
<body class="fl-page">
<div class="fl-playground">
    <header class="fl-site-head">
        <a href="./" class="fl-logo">Faultline</a>
        <span class="fl-tagline">play with distributed-systems patterns</span>
    </header>
    <main>
        <p class="fl-error" role="alert" id="fl-route-error" hidden></p>
        <p class="fl-lede">Distributed-systems patterns you can play with. Every widget runs a real Rust implementation in a deterministic simulation: pause it, step it, rewind it, break things on purpose, and share a link that replays exactly what you saw.</p>
        <ul class="fl-cards">
{cards}        </ul>
    </main>
    <footer class="fl-foot">
        Deterministic: the same link gives the same run, in your browser and in <code>faultline run</code>. <a href="demo.html">Embedding demo</a>
    </footer>
</div>
</body>
</html>
"##
    )
}
