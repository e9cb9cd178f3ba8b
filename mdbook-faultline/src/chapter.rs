//! Finding ```` ```faultline ```` blocks in a chapter's Markdown and putting widgets in their
//! place. Fences follow CommonMark: three or more backticks or tildes, indented at most three
//! spaces, closed by a fence of the same character at least as long; a `faultline` block
//! shown inside a longer fence (as docs do) is text and stays.

use crate::block::{self, BlockError};

/// Where a page's widgets find the bundle, relative to the book's root.
pub const ASSET_DIR: &str = "faultline";

/// A fence's opening: its character, its length and its info string.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(c).len();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    // A backtick fence's info string may not contain a backtick (it would be inline code).
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, len, info))
}

fn closes(line: &str, c: char, len: usize) -> bool {
    fence(line).is_some_and(|(d, l, info)| d == c && l >= len && info.is_empty())
}

/// The chapter with every faultline block replaced by its widget, and how many there were.
/// The first error names the line in the chapter (1-based).
pub fn expand(markdown: &str) -> Result<(String, usize), BlockError> {
    let lines: Vec<&str> = markdown.split_inclusive('\n').collect();
    let mut out = String::with_capacity(markdown.len());
    let mut count = 0;
    let mut i = 0;
    while i < lines.len() {
        let Some((c, len, info)) = fence(lines[i].trim_end_matches(['\n', '\r'])) else {
            out.push_str(lines[i]);
            i += 1;
            continue;
        };
        let end = (i + 1..lines.len()).find(|&j| closes(lines[j].trim_end_matches(['\n', '\r']), c, len)).unwrap_or(lines.len());
        if info.split_whitespace().next() == Some("faultline") {
            let body: String = lines[i + 1..end].concat();
            let embed = block::parse(&body).map_err(|e| BlockError { line: e.line + i + 1, ..e })?;
            // A blank line before and after keeps it an HTML block of its own in Markdown, and
            // the wrapper is where the loader keeps the widget's keys from the book (assets.rs).
            // Inside the element, the block's poster: what readers without JavaScript and print see.
            let poster = crate::poster::render(&embed).map_err(|e| BlockError { line: i + 1, field: "poster".into(), message: e.to_string() })?;
            out.push_str(&format!("\n<div class=\"faultline-embed\">{}</div>\n\n", embed.to_html_around(&poster)));
            count += 1;
        } else {
            out.push_str(&lines[i..(end + 1).min(lines.len())].concat());
        }
        i = end + 1;
    }
    if count > 0 {
        // The style on its own line: a line that opens a <style> block ends that HTML block.
        out.push_str(&format!("\n{}\n{}\n", crate::poster::theme_style(), loader()));
    }
    Ok((out, count))
}

/// The module script that mounts the page's widgets: `init()` from the bundle, once per page
/// (print.html joins every chapter, so the guard), found through mdBook's `path_to_root`. It
/// links the widgets' stylesheet unless book.toml's `additional-css` already does (mdBook
/// reads `additional-css` from the book's root, not from `src/`, so linking it here spares the
/// author a second copy). Keys a widget used (it marks them `defaultPrevented`) stop at its
/// wrapper, so ←/→ inside a focused widget step it instead of also turning mdBook's page;
/// everywhere else they reach mdBook.
pub fn loader() -> String {
    format!(
        "<script type=\"module\">\n\
         if (!window.faultlineLoading) {{\n\
         \x20   // A URL, not a bare path: `import(\"faultline/…\")` would be a package name.\n\
         \x20   const asset = (file) => new URL((typeof path_to_root === \"string\" ? path_to_root : \"\") + \"{ASSET_DIR}/\" + file, document.baseURI).href;\n\
         \x20   if (!document.querySelector('link[rel=\"stylesheet\"][href*=\"faultline\"]')) {{\n\
         \x20       const link = Object.assign(document.createElement(\"link\"), {{ rel: \"stylesheet\", href: asset(\"faultline.css\") }});\n\
         \x20       document.head.append(link);\n\
         \x20   }}\n\
         \x20   window.faultlineLoading = import(asset(\"faultline.js\")).then((bundle) => bundle.default());\n\
         }}\n\
         for (const wrapper of document.querySelectorAll(\".faultline-embed:not([data-keys-kept])\")) {{\n\
         \x20   wrapper.dataset.keysKept = \"\";\n\
         \x20   wrapper.addEventListener(\"keydown\", (e) => {{ if (e.defaultPrevented) e.stopPropagation(); }});\n\
         }}\n\
         </script>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a_lesson() -> String {
        faultline_core::headless::presets().into_iter().next().expect("a lesson").name
    }

    #[test]
    fn a_block_becomes_a_widget_and_the_rest_is_kept() {
        let lesson = a_lesson();
        let md = format!("# Title\n\nSome prose.\n\n```faultline\npreset = \"{lesson}\"\n```\n\nMore prose.\n");
        let (out, count) = expand(&md).unwrap();
        assert_eq!(count, 1);
        assert!(out.starts_with("# Title\n\nSome prose.\n\n"));
        assert!(out.contains("<div class=\"faultline-embed\"><div data-faultline=\""));
        assert!(out.contains(&format!("data-preset=\"{lesson}\"")));
        assert!(out.contains("\nMore prose.\n"));
        assert!(!out.contains("```"));
        assert_eq!(out.matches("<script type=\"module\">").count(), 1);
        // The lesson's poster inside the element, as its fallback content.
        let poster = faultline_core::poster::render_preset(&lesson, None, faultline_core::poster::Theme::Light).unwrap();
        assert!(out.contains(&format!("\">{}</div></div>", poster.trim_end())));
        // The posters' dark-theme style on its own line: on the loader's line it would end the
        // HTML block there and leave the script as Markdown text.
        assert!(out.contains("</style>\n<script type=\"module\">"), "{out}");
    }

    #[test]
    fn two_blocks_make_two_widgets_and_one_loader() {
        let md = "```faultline\nwidget = \"ring\"\n```\ntext\n~~~~ faultline extra words\nwidget = \"breaker\"\n~~~~\n";
        let (out, count) = expand(md).unwrap();
        assert_eq!(count, 2);
        assert_eq!(out.matches("data-faultline=").count(), 2);
        assert_eq!(out.matches("<script type=\"module\">").count(), 1);
    }

    #[test]
    fn a_chapter_without_blocks_is_unchanged() {
        let md = "# T\n\n```rust\nfn main() {}\n```\n\n    ```faultline\n    indented four: code, not a fence\n";
        assert_eq!(expand(md).unwrap(), (md.to_string(), 0));
    }

    #[test]
    fn a_faultline_block_inside_a_longer_fence_is_text() {
        let md = "````markdown\n```faultline\nwidget = \"nope\"\n```\n````\n";
        assert_eq!(expand(md).unwrap(), (md.to_string(), 0));
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end_like_commonmark() {
        let (out, count) = expand("text\n```faultline\nwidget = \"ring\"\n").unwrap();
        assert_eq!(count, 1);
        assert!(out.contains("data-faultline=\"ring\""));
    }

    #[test]
    fn an_error_names_the_line_in_the_chapter() {
        let md = "# T\n\ntext\n\n```faultline\nwidget = \"ring\"\nseed = many\n```\n";
        let err = expand(md).unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (7, "seed"));
    }

    #[test]
    fn fences_follow_commonmark() {
        assert_eq!(fence("```faultline"), Some(('`', 3, "faultline")));
        assert_eq!(fence("   ~~~~  faultline "), Some(('~', 4, "faultline")));
        assert_eq!(fence("    ```faultline"), None, "four spaces is indented code");
        assert_eq!(fence("``faultline"), None);
        assert_eq!(fence("```a`b"), None);
        assert!(closes("````", '`', 3));
        assert!(!closes("``", '`', 3));
        assert!(!closes("~~~", '`', 3));
        assert!(!closes("``` x", '`', 3));
    }
}
