//! The book's copy of faultline.css, fitted to mdBook's page.
//!
//! mdBook sets the root font size to 62.5 % (1rem = 10px, so its own rules can say 1.6rem for
//! 16px), and faultline.css sizes widgets in rem: copied as is, every widget would shrink to
//! five eighths. So each `Nrem` length becomes `calc(N * var(--faultline-rem, 1.6rem))`, which
//! is the size a browser's default root gives (and follows the reader's font-size setting,
//! which scales mdBook's root too). Media query conditions are left alone: there rem is always
//! the browser's initial size, whatever the page sets.
//!
//! mdBook's reader picks a theme (light, rust, coal, navy, ayu) that need not match the
//! system's, and faultline.css follows `prefers-color-scheme`: the book's copy also gets the
//! stylesheet's own dark and light palettes under mdBook's theme classes on `<html>`.

/// What one rem of faultline.css is in the book.
const REM: &str = "var(--faultline-rem, 1.6rem)";

/// mdBook's dark and light themes (the class it puts on `<html>`).
const DARK_THEMES: &str = "html:is(.coal, .navy, .ayu)";
const LIGHT_THEMES: &str = "html:is(.light, .rust)";

/// The stylesheet for a book.
pub fn for_mdbook(css: &str) -> String {
    let mut out = rescale_rem(css);
    if let Some(themes) = theme_rules(css) {
        out.push_str(&themes);
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Every `Nrem` outside comments, strings and at-rule conditions, in terms of [`REM`].
fn rescale_rem(css: &str) -> String {
    let chars: Vec<char> = css.chars().collect();
    let mut out = String::with_capacity(css.len() + css.len() / 4);
    let mut i = 0;
    let mut in_at_prelude = false;
    while i < chars.len() {
        let c = chars[i];
        // Comments and strings are copied as they are.
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let end = (i + 2..chars.len().saturating_sub(1)).find(|&j| chars[j] == '*' && chars[j + 1] == '/').map_or(chars.len(), |j| j + 2);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(chars.len());
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        match c {
            '@' => in_at_prelude = true,
            '{' | ';' => in_at_prelude = false,
            _ => {}
        }
        let starts_number = (c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            && !i.checked_sub(1).is_some_and(|p| is_ident(chars[p]) || chars[p] == '.' || chars[p] == '#');
        if starts_number && !in_at_prelude {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let unit_end = j + 3;
            let is_rem =
                chars.get(j..unit_end).is_some_and(|u| u.iter().collect::<String>() == "rem") && !chars.get(unit_end).is_some_and(|&n| is_ident(n));
            let number: String = chars[i..j].iter().collect();
            if is_rem {
                out.push_str(&format!("calc({number} * {REM})"));
                i = unit_end;
            } else {
                out.push_str(&number);
                i = j;
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The declarations inside the first `{ … }` after `from` (one level of nesting allowed).
fn block_after<'a>(css: &'a str, from: &str) -> Option<&'a str> {
    let start = css.find(from)? + from.len();
    let rest = &css[start..];
    let open = rest.find('{')?;
    let inner = &rest[open + 1..];
    let inner_open = inner.find('{');
    let close = inner.find('}')?;
    // `@media … { selector { declarations } }`: the declarations are one level further in.
    match inner_open {
        Some(o) if o < close => {
            let decls = &inner[o + 1..];
            Some(&decls[..decls.find('}')?])
        }
        _ => Some(&inner[..close]),
    }
}

/// `--name: value` pairs of a declaration block.
fn custom_properties(block: &str) -> Vec<(String, String)> {
    block
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| k.starts_with("--"))
        .collect()
}

/// The palettes under mdBook's theme classes: the dark one as faultline.css writes it for
/// `prefers-color-scheme: dark`, the light one as its first rule writes the same variables.
fn theme_rules(css: &str) -> Option<String> {
    let dark = custom_properties(block_after(css, "@media (prefers-color-scheme: dark)")?);
    let base = custom_properties(block_after(css, "")?);
    let light: Vec<(String, String)> = dark.iter().filter_map(|(k, _)| base.iter().find(|(b, _)| b == k).cloned()).collect();
    if dark.is_empty() || light.len() != dark.len() {
        return None;
    }
    let decls = |vars: &[(String, String)]| vars.iter().map(|(k, v)| format!("{k}: {v};")).collect::<Vec<_>>().join(" ");
    Some(format!(
        "\n/* mdbook-faultline: widgets follow the theme the reader picks in mdBook. */\n\
         {DARK_THEMES} .fl-widget {{ {} color-scheme: dark; }}\n\
         {LIGHT_THEMES} .fl-widget {{ {} color-scheme: light; }}\n",
        decls(&dark),
        decls(&light)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rem_lengths_are_rescaled_and_nothing_else_is() {
        let css = ".a { margin: 0 .4rem 1rem; width: calc(100% - 2.5rem); border: 1px solid #1rem0a; }";
        assert_eq!(
            rescale_rem(css),
            ".a { margin: 0 calc(.4 * var(--faultline-rem, 1.6rem)) calc(1 * var(--faultline-rem, 1.6rem)); \
             width: calc(100% - calc(2.5 * var(--faultline-rem, 1.6rem))); border: 1px solid #1rem0a; }"
        );
    }

    #[test]
    fn media_conditions_comments_strings_and_names_are_kept() {
        let css = "@media (max-width: 40rem) { .b { gap: .5rem; } }\n/* 3rem */ .c::after { content: \"2rem\"; } .x2rem { top: 1remx; }";
        assert_eq!(
            rescale_rem(css),
            "@media (max-width: 40rem) { .b { gap: calc(.5 * var(--faultline-rem, 1.6rem)); } }\n/* 3rem */ .c::after { content: \"2rem\"; } .x2rem { top: 1remx; }"
        );
    }

    #[test]
    fn the_themes_take_the_stylesheets_own_palettes() {
        let css = ".fl-widget { --bg: #fff; --fg: #111; --radius: 10px; font-family: x; }\n\
                   @media (prefers-color-scheme: dark) { .fl-widget { --bg: #000; --fg: #eee; } }";
        let rules = theme_rules(css).unwrap();
        assert!(rules.contains("html:is(.coal, .navy, .ayu) .fl-widget { --bg: #000; --fg: #eee; color-scheme: dark; }"), "{rules}");
        assert!(rules.contains("html:is(.light, .rust) .fl-widget { --bg: #fff; --fg: #111; color-scheme: light; }"), "{rules}");
        assert!(!rules.contains("--radius"));
    }

    #[test]
    fn a_stylesheet_without_a_dark_palette_gets_no_theme_rules() {
        assert_eq!(theme_rules(".fl-widget { --bg: #fff; }"), None);
        assert_eq!(for_mdbook(".a { b: 1rem }"), ".a { b: calc(1 * var(--faultline-rem, 1.6rem)) }");
    }

    /// The real stylesheet: no rem length is left outside media conditions, and its palettes
    /// come through.
    #[test]
    fn the_real_stylesheet_is_fitted() {
        // What scripts/build.sh concatenates into dist/faultline.css.
        let css = [
            include_str!("../../static/css/faultline-shell.css"),
            include_str!("../../static/css/faultline-ring.css"),
            include_str!("../../static/css/faultline-quorum.css"),
            include_str!("../../static/css/faultline-saga.css"),
            include_str!("../../static/css/faultline-stampede.css"),
            include_str!("../../static/css/faultline-breaker.css"),
        ]
        .concat();
        let fitted = for_mdbook(&css);
        assert!(fitted.matches(REM).count() > 50);
        let unscaled = |line: &str| {
            let line = line.replace(REM, "");
            line.match_indices("rem").any(|(i, _)| line[..i].ends_with(|c: char| c.is_ascii_digit()))
        };
        let left: Vec<&str> = fitted.lines().filter(|l| !l.trim_start().starts_with("@media") && unscaled(l)).collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(fitted.contains("html:is(.coal, .navy, .ayu) .fl-widget { --bg:"));
    }
}
