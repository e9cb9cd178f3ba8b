//! Compact JSON text, as `serde_json::to_string` writes it.

use std::fmt::Write as _;

use super::ToJson;

/// A string literal with serde_json's escapes: `"` and `\`, the short forms of the usual
/// control characters, `\u00XX` (lower-case hex) for the others; nothing else is escaped.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

pub(super) fn write_display(out: &mut String, value: &impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

/// serde_json's float: the shortest digits that read back the same (`zmij`, as serde_json), `null` when the
/// value is not finite.
pub(super) fn write_f64(out: &mut String, value: f64) {
    if value.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(value));
    } else {
        out.push_str("null");
    }
}

pub(super) fn write_f32(out: &mut String, value: f32) {
    if value.is_finite() {
        out.push_str(zmij::Buffer::new().format_finite(value));
    } else {
        out.push_str("null");
    }
}

/// The comma before every entry or item but the first.
fn separate(out: &mut String, first: &mut bool) {
    if !*first {
        out.push(',');
    }
    *first = false;
}

/// An object being written: `{`, then entries with their commas, then `}`.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut String) -> ObjectWriter<'a> {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Starts the entry `key` and returns where its value goes.
    pub fn key(&mut self, key: &str) -> &mut String {
        separate(self.out, &mut self.first);
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) {
        value.write_json(self.key(key));
    }

    pub fn end(&mut self) {
        self.out.push('}');
    }
}

/// An array being written.
pub struct ArrayWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ArrayWriter<'a> {
    pub fn new(out: &'a mut String) -> ArrayWriter<'a> {
        out.push('[');
        ArrayWriter { out, first: true }
    }

    pub fn item<T: ToJson + ?Sized>(&mut self, value: &T) {
        separate(self.out, &mut self.first);
        value.write_json(self.out);
    }

    pub fn end(&mut self) {
        self.out.push(']');
    }
}
