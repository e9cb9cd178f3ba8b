//! Reading and writing scenarios: JSON files and compact permalink fragments.
//!
//! Permalink encoding: compact JSON → raw DEFLATE (level 9) → base64url without padding.
//! Decoding caps the inflated size so a hostile link cannot exhaust memory.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use super::format::{Scenario, SCENARIO_VERSION};
use crate::engine::Pattern;
use crate::error::FieldError;

/// Largest scenario a permalink may inflate to.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Parses JSON text into a value and reads its `widget` name. Text longer than
/// [`MAX_SCENARIO_BYTES`] is refused before parsing, and an object that names a key twice is
/// refused (plain serde_json would silently keep the last).
pub fn parse_json(text: &str) -> Result<(String, Value), FieldError> {
    check_size(text)?;
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(UniqueKeys, &mut reader)
        .and_then(|v| reader.end().map(|()| v))
        .map_err(|e| FieldError::new("", format!("not valid JSON: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(FieldError::new("", "a scenario must be a JSON object"));
    };
    let widget = widget_named(map.get("widget").map(Value::as_str))?;
    Ok((widget, value))
}

/// Refuses text longer than [`MAX_SCENARIO_BYTES`] before it is parsed.
fn check_size(text: &str) -> Result<(), FieldError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(FieldError::new("", format!("a scenario may be at most {MAX_SCENARIO_BYTES} bytes, this one is {}", text.len())));
    }
    Ok(())
}

/// The `widget` field: absent (`None`), not a string (`Some(None)`), or its name.
fn widget_named(field: Option<Option<&str>>) -> Result<String, FieldError> {
    match field {
        Some(Some(w)) => Ok(w.to_string()),
        Some(None) => Err(FieldError::new("widget", "must be a string")),
        None => Err(FieldError::new("widget", "missing: say which widget this scenario is for")),
    }
}

/// Removes a file's `widget` field and checks its `version` first, so a newer file says so
/// instead of listing unknown fields. Every file format, scenarios and scripted forms, is read
/// through this.
pub fn take_header(value: &mut Value, what: &str, newest: u64) -> Result<(), FieldError> {
    let Value::Object(map) = value else { return Ok(()) };
    map.remove("widget");
    check_version(map.get("version").map(|v| (v.as_u64(), v as &dyn std::fmt::Display)), what, newest)
}

/// The `version` field, as (its value if a whole number, the field as written): one this
/// Faultline reads, or the error that says which it reads.
fn check_version(found: Option<(Option<u64>, &dyn std::fmt::Display)>, what: &str, newest: u64) -> Result<(), FieldError> {
    match found {
        Some((Some(v), _)) if (1..=newest).contains(&v) => Ok(()),
        Some((_, written)) => Err(FieldError::new("version", format!("this Faultline reads {what} versions 1..={newest}, got {written}"))),
        None => Err(FieldError::new("version", "missing")),
    }
}

/// The file's `widget` must be `P`'s.
fn check_widget<P: Pattern>(widget: &str) -> Result<(), FieldError> {
    if widget != P::WIDGET {
        return Err(FieldError::new("widget", format!("expected \"{}\", got \"{widget}\"", P::WIDGET)));
    }
    Ok(())
}

/// Reads a value into `T`, naming the field on error, through `serde_path_to_error`, which
/// names the exact path of a bad field (`params.breaker.failure_rate_threshold`). Native only
/// (the CLI, the tests): the browser reads through [`browser`], which names paths itself.
#[cfg(not(target_arch = "wasm32"))]
pub fn from_value_naming_field<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        FieldError::new(field, e.into_inner().to_string())
    })
}

/// In the browser, serde never reads (`browser` does); this keeps the native-only callers
/// compiling for wasm32, where nothing reaches them.
#[cfg(target_arch = "wasm32")]
pub fn from_value_naming_field<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_json::from_value(value).map_err(|e| FieldError::new("", e.to_string()))
}

/// Turns a parsed value into a validated scenario for `P`.
pub fn scenario_from_value<P: Pattern>(mut value: Value) -> Result<Scenario<P>, FieldError> {
    take_header(&mut value, "scenario", SCENARIO_VERSION as u64)?;
    let scenario: Scenario<P> = from_value_naming_field(value)?;
    scenario.validate()?;
    Ok(scenario)
}

/// Reads `P`'s parameters from a JSON value (no validation).
pub fn params_from_value<P: Pattern>(value: Value) -> Result<P::Params, FieldError> {
    from_value_naming_field(value)
}

/// Parses and validates JSON text as a scenario for `P`: in the browser through
/// [`browser::scenario_from_json`], natively through serde (for its exact error paths).
pub fn scenario_from_json<P: Pattern>(text: &str) -> Result<Scenario<P>, FieldError> {
    if cfg!(target_arch = "wasm32") {
        return browser::scenario_from_json(text);
    }
    let (widget, value) = parse_json(text)?;
    check_widget::<P>(&widget)?;
    scenario_from_value(value)
}

/// The scenario as JSON with its `widget` tag first, written as serde_json writes it (through
/// [`crate::json`], natively too: the twin test and the golden exports check the bytes).
pub fn scenario_to_json<P: Pattern>(scenario: &Scenario<P>, pretty: bool) -> String {
    let mut compact = String::new();
    let mut object = crate::json::ObjectWriter::new(&mut compact);
    object.field("widget", P::WIDGET);
    crate::json::ToJson::write_fields(scenario, &mut object);
    object.end();
    if pretty {
        indent(&compact)
    } else {
        compact
    }
}

/// Compact JSON laid out as `serde_json::to_string_pretty` lays it out (two spaces, `": "`,
/// `[]` and `{}` when empty). Hand-written so that each serialised type is compiled into the
/// wasm once, for the compact writer, and not once more for the pretty one (10 KB of the ring's
/// wasm); `core/tests/scenario_format.rs` checks it against serde_json's output.
pub fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        (0..depth).for_each(|_| out.push_str("  "));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
            continue;
        }
        match c {
            '{' | '[' => {
                out.push(c);
                match chars.next_if(|&next| next == '}' || next == ']') {
                    Some(close) => out.push(close),
                    None => {
                        depth += 1;
                        newline(&mut out, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => {
                out.push(c);
                in_string = c == '"';
            }
        }
    }
    out
}

/// The browser's reading of scenarios, through [`crate::json`] instead of serde: the same
/// checks in the same order, so the same files are refused (`core/tests/json_twin.rs`); the
/// messages name the field path as the native ones do, in the reader's own words.
pub mod browser {
    use super::{check_size, FieldError, Pattern, Scenario, SCENARIO_VERSION};
    use crate::json::{FromJson, Json, JsonError};

    fn field_error(e: JsonError) -> FieldError {
        FieldError::new(e.path(), e.message())
    }

    /// JSON text as a value, and the `widget` it names.
    pub fn parse_json(text: &str) -> Result<(String, Json), FieldError> {
        check_size(text)?;
        let value = crate::json::parse(text).map_err(|e| FieldError::new("", format!("not valid JSON: {e}")))?;
        if !matches!(value, Json::Object(_)) {
            return Err(FieldError::new("", "a scenario must be a JSON object"));
        }
        let widget = super::widget_named(value.get("widget").map(|w| match w {
            Json::String(w) => Some(w.as_str()),
            _ => None,
        }))?;
        Ok((widget, value))
    }

    /// As [`super::take_header`].
    pub fn take_header(value: &mut Json, what: &str, newest: u64) -> Result<(), FieldError> {
        let Json::Object(entries) = value else { return Ok(()) };
        entries.retain(|(k, _)| k != "widget");
        let version = value.get("version").map(|v| {
            let whole = match v {
                Json::Number(n) => n.as_u64(),
                _ => None,
            };
            (whole, v as &dyn std::fmt::Display)
        });
        super::check_version(version, what, newest)
    }

    pub fn scenario_from_json<P: Pattern>(text: &str) -> Result<Scenario<P>, FieldError> {
        let (widget, mut value) = parse_json(text)?;
        super::check_widget::<P>(&widget)?;
        take_header(&mut value, "scenario", SCENARIO_VERSION as u64)?;
        let scenario = Scenario::<P>::from_json(value).map_err(field_error)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads `P`'s parameters from a value (no validation).
    pub fn params_from_json<P: Pattern>(value: Json) -> Result<P::Params, FieldError> {
        P::Params::from_json(value).map_err(field_error)
    }
}

/// Compresses scenario JSON into a URL-safe fragment payload.
pub fn encode_permalink(json: &str) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    URL_SAFE_NO_PAD.encode(compressed)
}

/// Reverses [`encode_permalink`]. Refuses a link that inflates past [`MAX_SCENARIO_BYTES`]
/// and one with bytes after its compressed stream (a link cut and pasted together).
pub fn decode_permalink(payload: &str) -> Result<String, FieldError> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let bad = |why: String| FieldError::new("link", why);
    let compressed = URL_SAFE_NO_PAD.decode(payload.trim()).map_err(|e| bad(format!("not base64url: {e}")))?;
    // Hand-written rather than `decompress_to_vec_with_limit`, which does not say whether
    // the whole input was used.
    let mut out = vec![0; compressed.len().saturating_mul(4).clamp(1, MAX_SCENARIO_BYTES)];
    let mut inflater = Box::<DecompressorOxide>::default();
    let (mut input, mut written) = (&compressed[..], 0);
    loop {
        let (status, read, wrote) = decompress(&mut inflater, input, &mut out, written, inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF);
        written += wrote;
        input = input.get(read..).unwrap_or_default();
        match status {
            TINFLStatus::Done if input.is_empty() => break,
            TINFLStatus::Done => return Err(bad(format!("{} stray bytes after the scenario: the link is damaged", input.len()))),
            TINFLStatus::HasMoreOutput if out.len() < MAX_SCENARIO_BYTES => out.resize(out.len().saturating_mul(2).min(MAX_SCENARIO_BYTES), 0),
            TINFLStatus::HasMoreOutput => return Err(bad(format!("the scenario in this link is larger than {MAX_SCENARIO_BYTES} bytes"))),
            _ => return Err(bad("not a Faultline scenario: the link is damaged or cut short".into())),
        }
    }
    out.truncate(written);
    String::from_utf8(out).map_err(|_| bad("not UTF-8 text".into()))
}

/// Deserialises any JSON into a [`Value`] like `Value`'s own impl, but fails on an object
/// that repeats a key.
struct UniqueKeys;

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(UniqueKeys)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!("the key \"{key}\" appears twice in one object")));
            }
            let value = map.next_value_seed(UniqueKeys)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}
