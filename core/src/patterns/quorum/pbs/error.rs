//! The one error type of the PBS module: a user-supplied value was out of range.

use serde::{Deserialize, Serialize};

/// A rejected input, naming the field (dotted path, e.g. `latency.write.mean_ms`) so a form
/// or a CLI flag can be highlighted, and saying what was expected and what was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// The same error seen from one level up: `mean_ms` becomes `latency.write.mean_ms`.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = if self.field.is_empty() { parent.to_string() } else { format!("{parent}.{}", self.field) };
        self
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}
