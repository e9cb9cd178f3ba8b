//! The one error type user input can produce: it always names the field at fault.

use std::fmt;

/// Invalid input, located by a dotted path such as `params.failure_rate_threshold` or
/// `faults[2].at_ms`. Displayed as `field: message` on one line, ready for a CLI or a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// The same error seen from one level up: `inner` becomes `outer.inner`.
    pub fn within(self, outer: &str) -> Self {
        let field = if self.field.is_empty() {
            outer.to_string()
        } else if self.field.starts_with('[') {
            format!("{outer}{}", self.field)
        } else {
            format!("{outer}.{}", self.field)
        };
        Self { field, message: self.message }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for FieldError {}

impl From<(String, String)> for FieldError {
    fn from((field, message): (String, String)) -> Self {
        Self { field, message }
    }
}

/// A number as an error message shows it: as written when it is short, else in scientific
/// notation (`1e308`, not three hundred digits).
pub fn short_number(v: f64) -> String {
    let plain = v.to_string();
    if plain.len() <= 16 {
        plain
    } else {
        format!("{v:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_builds_a_dotted_path() {
        let e = FieldError::new("max_ms", "too small").within("latency").within("faults[2]");
        assert_eq!(e.to_string(), "faults[2].latency.max_ms: too small");
        let e = FieldError::new("[3]", "bad").within("actions");
        assert_eq!(e.field, "actions[3]");
    }
}
