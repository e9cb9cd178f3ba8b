//! Name tables: every enum that users name (in scenarios, on the CLI, in a select) lists its
//! variants once, and reading a name works the same everywhere: any case, `-` or `_`, other
//! spellings where a table has them, and an error that names the field and lists the names.

use crate::error::FieldError;

/// An enum read by name.
pub trait NameTable: Copy + 'static {
    /// Every variant, in the order a select lists them.
    const VARIANTS: &'static [Self];
    /// The field a bad name is reported against, and what the names are names of.
    const FIELD: &'static str;
    const WHAT: &'static str;
    /// The name scenarios spell it with (serde's).
    fn spelled(self) -> &'static str;
    /// Other names accepted on input.
    fn other_spellings(self) -> &'static [&'static str] {
        &[]
    }
}

fn fold(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('-', "_")
}

/// The variant `value` names.
pub fn parse_name<T: NameTable>(value: &str) -> Result<T, FieldError> {
    let wanted = fold(value);
    T::VARIANTS.iter().copied().find(|t| fold(t.spelled()) == wanted || t.other_spellings().iter().any(|s| fold(s) == wanted)).ok_or_else(|| {
        let known: Vec<&str> = T::VARIANTS.iter().map(|t| t.spelled()).collect();
        FieldError::new(T::FIELD, format!("unknown {} {value:?}; known: {}", T::WHAT, known.join(", ")))
    })
}

/// Implements [`NameTable`], `Display` (the name) and `FromStr` ([`parse_name`]) for an enum
/// with an inherent `ALL` and `name()`: `name_table!(Algorithm, "algorithm", "algorithm")`,
/// optionally `, other_spellings: |a| …`.
macro_rules! name_table {
    ($ty:ty, $field:literal, $what:literal $(, other_spellings: $other:expr)?) => {
        impl $crate::names::NameTable for $ty {
            const VARIANTS: &'static [Self] = &<$ty>::ALL;
            const FIELD: &'static str = $field;
            const WHAT: &'static str = $what;

            fn spelled(self) -> &'static str {
                <$ty>::name(self)
            }
            $(
                fn other_spellings(self) -> &'static [&'static str] {
                    ($other)(self)
                }
            )?
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(<$ty>::name(*self))
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::error::FieldError;

            /// A name (or another spelling), any case, `-` or `_`.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $crate::names::parse_name(value)
            }
        }
    };
}
pub(crate) use name_table;
