//! The browser's JSON: a small value type, a reader and a writer, and the [`ToJson`] /
//! [`FromJson`] traits that `faultline-json-derive` implements from each type's `#[serde]`
//! attributes.
//!
//! Hand-written rather than serde in the wasm: serde's visitors, monomorphised per type, were
//! about a sixth of each widget's bundle; these impls go through one value type and a few
//! generic helpers. The JSON is serde_json's, byte for byte (the same float digits through
//! `zmij`, the same escapes, the same field order), so a permalink or a trace hash made in the
//! browser matches the native one: `core/tests/json_twin.rs` checks every preset both ways.
//! Natively, serde still reads files, for its exact error paths.

mod float;
mod read;
mod value;
mod write;

pub use float::parse_f64;
pub use read::parse;
pub use value::{expect_content, expect_null, expect_unit_content, external_variant, Items, Json, JsonError, Number, Object};
pub use write::{write_str, ArrayWriter, ObjectWriter};

pub use faultline_json_derive::{FromJson, ToJson};

/// A value that writes itself as serde_json would.
pub trait ToJson {
    fn write_json(&self, out: &mut String);

    /// Writes a struct's fields (or a tagged variant's entries) into an object already open:
    /// serde's `flatten`, and an internally tagged newtype variant.
    fn write_fields(&self, _object: &mut ObjectWriter) {}
}

/// A value that reads itself from [`Json`] as serde's derive would.
pub trait FromJson: Sized {
    fn from_json(value: Json) -> Result<Self, JsonError>;

    /// What a missing field becomes: an error, or `None` for an `Option` (as serde does).
    fn missing(field: &'static str) -> Result<Self, JsonError> {
        Err(JsonError::new(format!("missing field `{field}`")))
    }
}

/// A map key: JSON keys are strings, and serde writes integer keys as their digits.
pub trait JsonKey: Sized {
    fn to_key(&self) -> String;
    fn from_key(key: String) -> Result<Self, JsonError>;
}

/// `value` as compact JSON text.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// JSON text read into `T`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, JsonError> {
    T::from_json(parse(text)?)
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
    fn write_fields(&self, object: &mut ObjectWriter) {
        (**self).write_fields(object)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
    fn write_fields(&self, object: &mut ObjectWriter) {
        (**self).write_fields(object)
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        T::from_json(value).map(Box::new)
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        write_str(out, self)
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(out, self)
    }
}

impl FromJson for String {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::String(s) => Ok(s),
            other => Err(other.invalid_type("a string")),
        }
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" })
    }
}

impl FromJson for bool {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::Bool(b) => Ok(b),
            other => Err(other.invalid_type("a boolean")),
        }
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                write::write_display(out, self)
            }
        }

        impl FromJson for $t {
            fn from_json(value: Json) -> Result<Self, JsonError> {
                let n = value.integer(stringify!($t))?;
                <$t>::try_from(n).map_err(|_| JsonError::new(format!("invalid value: integer `{n}`, expected {}", stringify!($t))))
            }
        }

        impl JsonKey for $t {
            fn to_key(&self) -> String {
                self.to_string()
            }
            fn from_key(key: String) -> Result<Self, JsonError> {
                key.parse().map_err(|_| JsonError::new(format!("invalid value: string {key:?}, expected {} as a key", stringify!($t))))
            }
        }
    )*};
}
integers!(u8, u16, u32, u64, u128, usize, i32, i64);

impl ToJson for f64 {
    fn write_json(&self, out: &mut String) {
        write::write_f64(out, *self)
    }
}

impl FromJson for f64 {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::Number(n) => Ok(n.as_f64()),
            other => Err(other.invalid_type("f64")),
        }
    }
}

impl ToJson for f32 {
    fn write_json(&self, out: &mut String) {
        write::write_f32(out, *self)
    }
}

impl FromJson for f32 {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        f64::from_json(value).map(|x| x as f32)
    }
}

impl JsonKey for String {
    fn to_key(&self) -> String {
        self.clone()
    }
    fn from_key(key: String) -> Result<Self, JsonError> {
        Ok(key)
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            Json::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
    fn missing(_field: &'static str) -> Result<Self, JsonError> {
        Ok(None)
    }
}

/// A sequence as a JSON array: slices, `Vec`, `VecDeque`.
pub fn write_items<'a, T: ToJson + 'a>(out: &mut String, items: impl IntoIterator<Item = &'a T>) {
    let mut array = ArrayWriter::new(out);
    for item in items {
        array.item(item);
    }
    array.end();
}

/// A map as a JSON object, as serde writes a map: `BTreeMap`, `SmallMap`.
pub fn write_map<'a, K: JsonKey + 'a, V: ToJson + 'a>(out: &mut String, entries: impl IntoIterator<Item = (&'a K, &'a V)>) {
    let mut object = ObjectWriter::new(out);
    for (key, value) in entries {
        object.field(&key.to_key(), value);
    }
    object.end();
}

/// A JSON object read entry by entry into a map, each entry handed to `insert` in document
/// order (a later repeat of a key would replace, as serde's maps do; the reader refuses one).
pub fn read_map<K: JsonKey, V: FromJson>(value: Json, mut insert: impl FnMut(K, V)) -> Result<(), JsonError> {
    let Json::Object(entries) = value else {
        return Err(value.invalid_type("a map"));
    };
    for (key, value) in entries {
        let value = V::from_json(value).map_err(|e| e.in_field(&key))?;
        insert(K::from_key(key)?, value);
    }
    Ok(())
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        write_items(out, self)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        match value {
            // A loop, not `collect::<Result<_, _>>()`: that adapter is several KB of wasm per type.
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(T::from_json(item).map_err(|e| e.in_index(i))?);
                }
                Ok(out)
            }
            other => Err(other.invalid_type("a sequence")),
        }
    }
}

impl<T: ToJson> ToJson for std::collections::VecDeque<T> {
    fn write_json(&self, out: &mut String) {
        write_items(out, self)
    }
}

impl<T: FromJson> FromJson for std::collections::VecDeque<T> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        Vec::from_json(value).map(Self::from)
    }
}

impl<K: JsonKey, V: ToJson> ToJson for std::collections::BTreeMap<K, V> {
    fn write_json(&self, out: &mut String) {
        write_map(out, self)
    }
}

impl<K: Ord + JsonKey, V: FromJson> FromJson for std::collections::BTreeMap<K, V> {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        let mut map = Self::new();
        read_map(value, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out)
    }
}

macro_rules! tuples {
    ($(($($t:ident $i:tt),+) $n:literal),*) => {$(
        impl<$($t: ToJson),+> ToJson for ($($t,)+) {
            fn write_json(&self, out: &mut String) {
                let mut array = ArrayWriter::new(out);
                $(array.item(&self.$i);)+
                array.end();
            }
        }

        impl<$($t: FromJson),+> FromJson for ($($t,)+) {
            fn from_json(value: Json) -> Result<Self, JsonError> {
                let mut items = Items::expect(value, $n, "a tuple")?;
                Ok(($(items.next::<$t>()?,)+))
            }
        }
    )*};
}
tuples!((A 0, B 1) 2, (A 0, B 1, C 2) 3);

/// serde writes `()` as `null`.
impl ToJson for () {
    fn write_json(&self, out: &mut String) {
        out.push_str("null")
    }
}

impl ToJson for Json {
    fn write_json(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => b.write_json(out),
            Json::Number(n) => n.write_json(out),
            Json::String(s) => write_str(out, s),
            Json::Array(items) => items.write_json(out),
            Json::Object(entries) => {
                let mut object = ObjectWriter::new(out);
                for (k, v) in entries {
                    object.field(k, v);
                }
                object.end();
            }
        }
    }
}

impl FromJson for Json {
    fn from_json(value: Json) -> Result<Self, JsonError> {
        Ok(value)
    }
}
