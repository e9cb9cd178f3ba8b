//! Reading and writing scenarios: JSON files and compact permalink fragments.
//!
//! Permalink encoding: compact JSON → raw DEFLATE (level 9) → base64url without padding.
//! Decoding caps the inflated size so a hostile link cannot exhaust memory.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use super::format::{Scenario, SCENARIO_VERSION};
use crate::engine::Pattern;
use crate::error::FieldError;

/// Largest scenario a permalink may inflate to.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Parses JSON text into a value and reads its `widget` name.
pub fn parse_json(text: &str) -> Result<(String, Value), FieldError> {
    let value: Value = serde_json::from_str(text).map_err(|e| FieldError::new("", format!("not valid JSON: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(FieldError::new("", "a scenario must be a JSON object"));
    };
    let widget = match map.get("widget") {
        Some(Value::String(w)) => w.clone(),
        Some(_) => return Err(FieldError::new("widget", "must be a string")),
        None => return Err(FieldError::new("widget", "missing: say which widget this scenario is for")),
    };
    Ok((widget, value))
}

/// Removes a file's `widget` field and checks its `version` first, so a newer file says so
/// instead of listing unknown fields. Every file format, scenarios and scripted forms, is read
/// through this.
pub fn take_header(value: &mut Value, what: &str, newest: u64) -> Result<(), FieldError> {
    let Value::Object(map) = value else { return Ok(()) };
    map.remove("widget");
    match map.get("version") {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|v| (1..=newest).contains(&v)) => Ok(()),
        Some(other) => Err(FieldError::new("version", format!("this Faultline reads {what} versions 1..={newest}, got {other}"))),
        None => Err(FieldError::new("version", "missing")),
    }
}

/// Reads a value into `T`, naming the field on error.
///
/// Natively (the CLI, the tests) through `serde_path_to_error`, which names the exact path of
/// a bad field (`params.breaker.failure_rate_threshold`). The browser bundle leaves it out: it
/// is about a tenth of the wasm, and a browser's bad link then names the field serde reports
/// (e.g. "unknown field `x`") without the path. Scenario validation, which names its fields
/// itself, runs in both.
#[cfg(not(target_arch = "wasm32"))]
pub fn from_value_naming_field<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        FieldError::new(field, e.into_inner().to_string())
    })
}

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

/// Parses and validates JSON text as a scenario for `P`.
pub fn scenario_from_json<P: Pattern>(text: &str) -> Result<Scenario<P>, FieldError> {
    let (widget, value) = parse_json(text)?;
    if widget != P::WIDGET {
        return Err(FieldError::new("widget", format!("expected \"{}\", got \"{widget}\"", P::WIDGET)));
    }
    scenario_from_value(value)
}

#[derive(Serialize)]
#[serde(bound = "")]
struct Tagged<'a, P: Pattern> {
    widget: &'static str,
    #[serde(flatten)]
    scenario: &'a Scenario<P>,
}

/// The scenario as JSON with its `widget` tag first.
pub fn scenario_to_json<P: Pattern>(scenario: &Scenario<P>, pretty: bool) -> String {
    let tagged = Tagged { widget: P::WIDGET, scenario };
    let result = if pretty { serde_json::to_string_pretty(&tagged) } else { serde_json::to_string(&tagged) };
    // Plain derived data always serialises; an error here would be a bug in a params type.
    result.unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// Compresses scenario JSON into a URL-safe fragment payload.
pub fn encode_permalink(json: &str) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    URL_SAFE_NO_PAD.encode(compressed)
}

/// Reverses [`encode_permalink`].
pub fn decode_permalink(payload: &str) -> Result<String, FieldError> {
    let bad = |why: String| FieldError::new("link", why);
    let compressed = URL_SAFE_NO_PAD.decode(payload.trim()).map_err(|e| bad(format!("not base64url: {e}")))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_SCENARIO_BYTES)
        .map_err(|e| bad(format!("not a Faultline scenario (inflate failed: {:?})", e.status)))?;
    String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))
}
