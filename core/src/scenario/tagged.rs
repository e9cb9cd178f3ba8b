//! Internally tagged enums (`{"kind": "crash", "node": 1}`) that the browser reads without
//! serde's buffering.
//!
//! serde derives an internally tagged enum's `Deserialize` by first buffering the whole value
//! (`Content`) and then deserialising the variant from that buffer, so every type inside such an
//! enum is compiled twice more into the wasm: once for `serde_json::Value`, once for the buffer,
//! and once more per level of nesting. Measured on the breaker's bundle (`docs/architecture.md`, "Bundle size"): 22 KB of its 291 KB gzip.
//!
//! [`tagged_enum!`] declares such an enum once. It derives `Serialize` and, natively, serde's own
//! `Deserialize` (whose errors carry the field path the CLI reports). In the wasm, `Deserialize`
//! instead moves the tag outside (`{"crash": {"node": 1}}`) and reads an externally tagged twin
//! of the enum from that `Value`, which needs no buffer. The twin is compiled everywhere, so the
//! native tests check that both read every value, and refuse every bad one, alike
//! (`core/tests/tagged_enums.rs`).

use serde::de::Error as _;
use serde_json::Value;

/// What [`tagged_enum!`] gives an enum: reading it the way the browser does.
pub trait TaggedEnum: Sized {
    /// The field that names the variant (`"kind"`, `"library"`, ...).
    const TAG: &'static str;

    /// Reads `value` through the externally tagged twin: the wasm's `Deserialize`.
    fn from_tagged_value(value: Value) -> Result<Self, serde_json::Error>;
}

/// `{"<tag>": "crash", "node": 1}` → `{"crash": {"node": 1}}`, the externally tagged form.
pub fn move_tag_outside(value: Value, tag: &'static str, what: &'static str) -> Result<Value, serde_json::Error> {
    let Value::Object(mut fields) = value else {
        return Err(serde_json::Error::custom(format!("invalid type: {}, expected internally tagged enum {what}", kind_of(&value))));
    };
    match fields.remove(tag) {
        // `map_of`, not `Map::from_iter`, which sorts: one more copy of the sort in the bundle.
        Some(Value::String(variant)) => Ok(Value::Object(crate::order::map_of([(variant, Value::Object(fields))]))),
        Some(other) => Err(serde_json::Error::custom(format!("invalid type: {}, expected a variant name in `{tag}`", kind_of(&other)))),
        None => Err(serde_json::Error::missing_field(tag)),
    }
}

/// What a unit variant's twin holds: whatever came beside the tag, ignored. Derives every trait
/// an enum here may derive, since the twin repeats the enum's derives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyFields;

impl<'de> serde::Deserialize<'de> for AnyFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| AnyFields)
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

/// Declares an internally tagged enum whose wasm `Deserialize` needs no buffer (see the module
/// docs): `tag = "kind";`, then the enum as usual, without `Serialize` / `Deserialize` in its
/// derives and without `tag` in its `#[serde(...)]`. Variants are struct, unit or newtype
/// (`Polly(PollyConfig)`) variants. The twin repeats the enum's attributes (derives included),
/// so no `#[default]` variant (the twin cannot have one): implement `Default` by hand.
#[macro_export]
macro_rules! tagged_enum {
    // The twin, built one variant at a time: its variants, and the arms that turn it into the enum.
    (@twin $name:ident $tag:literal [$($attrs:tt)*] [$($variants:tt)*] [$($arms:tt)*]) => {
        const _: () = {
            #[derive(serde::Deserialize)]
            $($attrs)*
            enum Twin {
                $($variants)*
            }

            impl $crate::scenario::tagged::TaggedEnum for $name {
                const TAG: &'static str = $tag;

                fn from_tagged_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                    let outside = $crate::scenario::tagged::move_tag_outside(value, $tag, stringify!($name))?;
                    Ok(match <Twin as serde::Deserialize>::deserialize(outside)? {
                        $($arms)*
                    })
                }
            }

            #[cfg(target_arch = "wasm32")]
            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    <Self as $crate::scenario::tagged::TaggedEnum>::from_tagged_value(value).map_err(serde::de::Error::custom)
                }
            }
        };
    };
    (@twin $name:ident $tag:literal $attrs:tt [$($variants:tt)*] [$($arms:tt)*]
        $(#[$vattr:meta])* $variant:ident { $( $(#[$fattr:meta])* $field:ident : $fty:ty ),* $(,)? }, $($rest:tt)*
    ) => {
        $crate::tagged_enum!(@twin $name $tag $attrs
            [$($variants)* $(#[$vattr])* $variant { $( $(#[$fattr])* $field : $fty ),* },]
            [$($arms)* Twin::$variant { $($field),* } => $name::$variant { $($field),* },]
            $($rest)*);
    };
    (@twin $name:ident $tag:literal $attrs:tt [$($variants:tt)*] [$($arms:tt)*]
        $(#[$vattr:meta])* $variant:ident($inner:ty), $($rest:tt)*
    ) => {
        $crate::tagged_enum!(@twin $name $tag $attrs
            [$($variants)* $(#[$vattr])* $variant($inner),]
            [$($arms)* Twin::$variant(inner) => $name::$variant(inner),]
            $($rest)*);
    };
    // serde's internally tagged derive ignores any other field beside a unit variant's tag, even
    // under `deny_unknown_fields`: so does the twin.
    (@twin $name:ident $tag:literal $attrs:tt [$($variants:tt)*] [$($arms:tt)*]
        $(#[$vattr:meta])* $variant:ident, $($rest:tt)*
    ) => {
        $crate::tagged_enum!(@twin $name $tag $attrs
            [$($variants)* $(#[$vattr])* $variant($crate::scenario::tagged::AnyFields),]
            [$($arms)* Twin::$variant(_) => $name::$variant,]
            $($rest)*);
    };
    (
        tag = $tag:literal;
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vattr:meta])*
                $variant:ident $({ $( $(#[$fattr:meta])* $field:ident : $fty:ty ),* $(,)? })? $(($inner:ty))?
            ),* $(,)?
        }
    ) => {
        #[derive(serde::Serialize)]
        #[cfg_attr(not(target_arch = "wasm32"), derive(serde::Deserialize))]
        $(#[$attr])*
        #[serde(tag = $tag)]
        $vis enum $name {
            $( $(#[$vattr])* $variant $({ $( $(#[$fattr])* $field : $fty ),* })? $(($inner))? ),*
        }

        $crate::tagged_enum!(@twin $name $tag [$(#[$attr])*] [] []
            $( $(#[$vattr])* $variant $({ $( $(#[$fattr])* $field : $fty ),* })? $(($inner))?, )*);
    };
}
