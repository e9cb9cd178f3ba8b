//! The map for small collections: a sorted `Vec` (ICU4X's `litemap`).
//!
//! A `BTreeMap` brings its node balancing, search and removal code into the wasm once per key
//! and value type, 2–4 KB each; the saga alone declares a dozen map types. A sorted vector
//! needs a binary search and a `Vec` insert or remove, and iterates in the same key order, so
//! runs are the same. Insertion and removal move the tail (O(n)): use it where a map holds
//! tens or hundreds of entries (a saga's cells, steps and deliveries), not for large ones.
//!
//! A newtype rather than an alias: `LiteMap` writes an empty map as `[]`, and a scenario file
//! or a trace must keep the `{}` a `BTreeMap` writes.

use std::ops::{Deref, DerefMut};

use litemap::LiteMap;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;

/// A map sorted by key, as small in code as in memory; derefs to [`LiteMap`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SmallMap<K, V>(LiteMap<K, V>);

impl<K, V> SmallMap<K, V> {
    pub const fn new() -> Self {
        SmallMap(LiteMap::new())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values in key order.
    pub fn into_values(self) -> impl Iterator<Item = V> {
        self.0.into_tuple_vec().into_iter().map(|(_, value)| value)
    }
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> Deref for SmallMap<K, V> {
    type Target = LiteMap<K, V>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<K, V> DerefMut for SmallMap<K, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K: Ord, V> Extend<(K, V)> for SmallMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        for (key, value) in pairs {
            self.0.insert(key, value);
        }
    }
}

impl<'a, K, V> IntoIterator for &'a SmallMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = <&'a LiteMap<K, V> as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (&self.0).into_iter()
    }
}

/// Always a JSON object, as a `BTreeMap` is written, empty or not.
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SmallMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A JSON object only, each entry inserted (the last of a repeated key kept), as a
/// `BTreeMap` reads it; `LiteMap`'s own reader would also take an array of pairs.
impl<'de, K: Ord + serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::Deserialize<'de> for SmallMap<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Ord + serde::Deserialize<'de>, V: serde::Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = SmallMap<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut access: M) -> Result<Self::Value, M::Error> {
                let mut map = SmallMap::new();
                while let Some((key, value)) = access.next_entry()? {
                    map.0.insert(key, value);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}

/// The browser's writer and reader (`crate::json`): the same object as serde's.
impl<K: crate::json::JsonKey, V: crate::json::ToJson> crate::json::ToJson for SmallMap<K, V> {
    fn write_json(&self, out: &mut String) {
        crate::json::write_map(out, self.0.iter())
    }
}

impl<K: Ord + crate::json::JsonKey, V: crate::json::FromJson> crate::json::FromJson for SmallMap<K, V> {
    fn from_json(value: crate::json::Json) -> Result<Self, crate::json::JsonError> {
        let mut map = SmallMap::new();
        crate::json::read_map(value, |k, v| {
            map.0.insert(k, v);
        })?;
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reads_and_writes_json_as_a_btree_map_does() {
        for text in ["{}", r#"{"a":1,"b":-2}"#] {
            let ours: SmallMap<String, i64> = serde_json::from_str(text).unwrap();
            let theirs: BTreeMap<String, i64> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&theirs).unwrap());
        }
        // Out of order in, sorted out, the last of a repeated key kept (as `insert`).
        assert!(serde_json::from_str::<SmallMap<String, i64>>("[]").is_err());
        let mut map = SmallMap::new();
        map.extend([(3, "c"), (1, "a"), (2, "b"), (1, "z")]);
        assert_eq!(map.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(1, "z"), (2, "b"), (3, "c")]);
    }
}
