//! The JSON value the browser reads into, and the error that names where reading failed.

use std::fmt;

use super::FromJson;

/// A number as serde_json keeps it: an integer literal stays exact (a `u64` seed beyond 2^53).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::PosInt(n) => n as f64,
            Number::NegInt(n) => n as f64,
            Number::Float(f) => f,
        }
    }

    pub fn as_u64(self) -> Option<u64> {
        match self {
            Number::PosInt(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        super::ToJson::write_json(self, &mut text);
        f.write_str(&text)
    }
}

impl super::ToJson for Number {
    fn write_json(&self, out: &mut String) {
        match *self {
            Number::PosInt(n) => n.write_json(out),
            Number::NegInt(n) => n.write_json(out),
            Number::Float(x) => x.write_json(out),
        }
    }
}

/// A parsed JSON value. Objects keep their entries in document order (keys are unique: the
/// reader refuses a repeated key).
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// serde's words for what a value is, in "invalid type" errors.
    fn describe(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => format!("boolean `{b}`"),
            Json::Number(Number::Float(x)) => format!("floating point `{}`", Number::Float(*x)),
            Json::Number(n) => format!("integer `{n}`"),
            Json::String(s) => format!("string {s:?}"),
            Json::Array(_) => "sequence".into(),
            Json::Object(_) => "map".into(),
        }
    }

    pub fn invalid_type(&self, expected: &str) -> JsonError {
        JsonError::new(format!("invalid type: {}, expected {expected}", self.describe()))
    }

    /// An integer literal, for the integer types.
    pub(super) fn integer(&self, expected: &str) -> Result<i128, JsonError> {
        match self {
            Json::Number(Number::PosInt(n)) => Ok(*n as i128),
            Json::Number(Number::NegInt(n)) => Ok(*n as i128),
            other => Err(other.invalid_type(expected)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Compact JSON text, as serde_json's `Value` displays.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::to_string(self))
    }
}

/// What went wrong reading a value, and where: `params.nodes[2].weight`. Boxed, so that every
/// `Result` a reader returns is a word plus its value: smaller code at each `?`.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonError(Box<ErrorAt>);

#[derive(Clone, Debug, PartialEq)]
struct ErrorAt {
    /// Innermost first, as the error travels out.
    path: Vec<Segment>,
    message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Field(String),
    Index(usize),
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> JsonError {
        JsonError(Box::new(ErrorAt { path: Vec::new(), message: message.into() }))
    }

    pub fn unknown_variant(name: &str, known: &[&str]) -> JsonError {
        let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        JsonError::new(format!("unknown variant `{name}`, expected one of {}", known.join(", ")))
    }

    /// The error, inside field `name` of the value around it.
    pub fn in_field(mut self, name: &str) -> JsonError {
        self.0.path.push(Segment::Field(name.to_string()));
        self
    }

    pub fn in_index(mut self, index: usize) -> JsonError {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// `params.nodes[2].weight`, or empty for the whole value.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Field(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            path if path.is_empty() => f.write_str(self.message()),
            path => write!(f, "{path}: {}", self.message()),
        }
    }
}

/// An object being read field by field; what is left at the end is unknown.
pub struct Object {
    entries: Vec<(String, Json)>,
}

impl Object {
    pub fn expect(value: Json, what: &str) -> Result<Object, JsonError> {
        match value {
            Json::Object(entries) => Ok(Object { entries }),
            other => Err(other.invalid_type(&format!("struct {what}"))),
        }
    }

    pub fn take(&mut self, key: &str) -> Option<Json> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(at).1)
    }

    /// Field `key` read as `T`, if present.
    pub fn field<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, JsonError> {
        match self.take(key) {
            Some(value) => T::from_json(value).map(Some).map_err(|e| e.in_field(key)),
            None => Ok(None),
        }
    }

    /// An internally tagged enum's variant name.
    pub fn tag(&mut self, tag: &'static str) -> Result<String, JsonError> {
        match self.take(tag) {
            Some(Json::String(name)) => Ok(name),
            Some(other) => Err(other.invalid_type("a variant name").in_field(tag)),
            None => Err(JsonError::new(format!("missing field `{tag}`"))),
        }
    }

    /// Refuses what is left, if the type denies unknown fields.
    pub fn finish(self, deny_unknown: bool) -> Result<(), JsonError> {
        match self.entries.first() {
            Some((key, _)) if deny_unknown => Err(JsonError::new(format!("unknown field `{key}`"))),
            _ => Ok(()),
        }
    }

    /// What is left, as an object (an internally tagged newtype variant's content).
    pub fn into_value(self) -> Json {
        Json::Object(self.entries)
    }
}

/// A fixed-length array being read item by item (tuples).
pub struct Items {
    items: std::vec::IntoIter<Json>,
    index: usize,
}

impl Items {
    pub fn expect(value: Json, len: usize, what: &str) -> Result<Items, JsonError> {
        match value {
            Json::Array(items) if items.len() == len => Ok(Items { items: items.into_iter(), index: 0 }),
            Json::Array(items) => Err(JsonError::new(format!("invalid length {}, expected {what} of {len}", items.len()))),
            other => Err(other.invalid_type(what)),
        }
    }

    // Not `Iterator`: each item may be a different type.
    #[allow(clippy::should_implement_trait)]
    pub fn next<T: FromJson>(&mut self) -> Result<T, JsonError> {
        let index = self.index;
        self.index += 1;
        let value = self.items.next().unwrap_or(Json::Null);
        T::from_json(value).map_err(|e| e.in_index(index))
    }
}

pub fn expect_null(value: Json, what: &str) -> Result<(), JsonError> {
    match value {
        Json::Null => Ok(()),
        other => Err(other.invalid_type(what)),
    }
}

/// An externally tagged enum: `"name"` (a unit variant) or `{"name": content}`.
pub fn external_variant(value: Json, what: &str) -> Result<(String, Option<Json>), JsonError> {
    match value {
        Json::String(name) => Ok((name, None)),
        Json::Object(mut entries) if entries.len() == 1 => {
            let (name, content) = entries.pop().unwrap_or((String::new(), Json::Null));
            Ok((name, Some(content)))
        }
        Json::Object(_) => Err(JsonError::new(format!("invalid value: map, expected map with a single key (enum {what})"))),
        other => Err(other.invalid_type(&format!("enum {what}"))),
    }
}

pub fn expect_unit_content(content: Option<Json>, what: &str) -> Result<(), JsonError> {
    match content {
        None | Some(Json::Null) => Ok(()),
        Some(other) => Err(other.invalid_type(&format!("unit variant {what}"))),
    }
}

pub fn expect_content(content: Option<Json>, what: &str) -> Result<Json, JsonError> {
    content.ok_or_else(|| JsonError::new(format!("invalid type: unit variant, expected variant {what} with content")))
}
