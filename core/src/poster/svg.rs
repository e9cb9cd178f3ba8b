//! The few SVG-writing helpers a poster needs: escaping, numbers, text lines and wrapping.

use std::fmt::Write;

/// Escapes text for XML element content and attribute values (in double quotes). Control
/// characters XML 1.0 cannot carry at all are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, so the text is short and byte-stable.
pub fn num(v: f64) -> String {
    let v = if v.is_finite() { (v * 10.0).round() / 10.0 } else { 0.0 };
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// About how wide a line of `chars` characters of the system sans-serif is at `size` px: a
/// little wider than the average glyph, so wrapped text never runs out of its column.
pub fn text_width(chars: usize, size: f64) -> f64 {
    chars as f64 * size * 0.54
}

/// The most characters a line `width` px wide holds at `size` px.
pub fn chars_in(width: f64, size: f64) -> usize {
    ((width / (size * 0.54)).floor() as usize).max(8)
}

/// Greedy word wrap to lines of at most `max` characters (a longer word is cut).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word[..max].iter().collect());
            word.drain(..max);
        }
        let word: String = word.into_iter().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One `<text>` element: escaped content at (x, y) with a class and optional extra attributes.
pub fn text(out: &mut String, x: f64, y: f64, class: &str, extra: &str, content: &str) {
    let _ = write!(out, "<text x=\"{}\" y=\"{}\" class=\"{class}\"{extra}>{}</text>", num(x), num(y), escape(content));
}

/// A kind of running text: its size and line spacing in px, and its class.
#[derive(Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub leading: f64,
    pub class: &'static str,
    /// Bold glyphs run wider: wrapped to fewer characters a line.
    pub bold: bool,
}

/// Wrapped text `width` px wide as one `<text>` per line from baseline `y`, each a `leading`
/// below the last; returns the baseline after the last line.
pub fn paragraph(out: &mut String, x: f64, y: f64, width: f64, font: Font, content: &str) -> f64 {
    let mut y = y;
    let size = if font.bold { font.size * 1.12 } else { font.size };
    for line in wrap(content, chars_in(width, size)) {
        text(out, x, y, font.class, "", &line);
        y += font.leading;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape("a < b && \"c\" > 'd'"), "a &lt; b &amp;&amp; &quot;c&quot; &gt; &#39;d&#39;");
        assert_eq!(escape("bell\u{7}\ttab"), "bell tab");
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let text = "the breaker opens when the failure rate reaches the threshold over a full window";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert!(wrap("   ", 10).is_empty());
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(f64::NAN), "0");
    }
}
