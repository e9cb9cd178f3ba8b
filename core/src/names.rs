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
