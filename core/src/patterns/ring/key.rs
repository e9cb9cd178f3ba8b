//! Keys and the key hash.
//!
//! **The key hash is XXH3-64 with seed 0** (the `xxh3_64` function of the `xxhash-rust` crate,
//! identical to `XXH3_64bits` of the reference C library) over the key's UTF-8 bytes. A key
//! that parses as a 64-bit integer — decimal (`12345`) or `0x` hexadecimal (`0xdeadbeef`) — is
//! taken as already hashed: its value *is* the key hash. To check a placement by hand:
//!
//! ```text
//! $ python3 -c 'import xxhash; print(hex(xxhash.xxh3_64_intdigest(b"user:42")))'
//! ```
//!
//! then find the first node token ≥ that value (see [`super::karger::vnode_token`]).

use std::fmt;

use xxhash_rust::xxh3::xxh3_64;

/// Where `hash` sits on the hash circle, as a fraction of the 64-bit space (0 to 1).
pub fn hash_fraction(hash: u64) -> f64 {
    hash as f64 / 18_446_744_073_709_551_616.0
}

/// A key as a user typed it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// A 64-bit integer used as its own hash (so published jump-hash vectors can be checked).
    Raw(u64),
    /// Any other string, hashed with XXH3-64 (seed 0).
    Text(String),
}

impl Key {
    /// Decimal digits or `0x` + 1..=16 hex digits give [`Key::Raw`]; anything else, including
    /// numbers too large for 64 bits, is [`Key::Text`]. Never fails.
    pub fn parse(input: &str) -> Key {
        if let Some(hex) = input.strip_prefix("0x").or_else(|| input.strip_prefix("0X")) {
            if !hex.is_empty() && hex.len() <= 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                if let Ok(value) = u64::from_str_radix(hex, 16) {
                    return Key::Raw(value);
                }
            }
        } else if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(value) = input.parse::<u64>() {
                return Key::Raw(value);
            }
        }
        Key::Text(input.to_owned())
    }

    /// The 64-bit position of the key on the hash space.
    pub fn hash(&self) -> u64 {
        match self {
            Key::Raw(value) => *value,
            Key::Text(text) => hash_text(text),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Raw(value) => write!(f, "{value}"),
            Key::Text(text) => f.write_str(text),
        }
    }
}

/// XXH3-64, seed 0, of the UTF-8 bytes: the hash of every string key and node token.
pub fn hash_text(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

/// `0x` + 16 lower-case hex digits, the way reports print hashes and tokens.
pub fn hex64(value: u64) -> String {
    format!("0x{value:016x}")
}
