//! The ring pattern's errors are the crate-wide [`crate::error::FieldError`]: a rejected input,
//! named by the field a user would fix (`nodes: must be ≥ 1`).

pub use crate::error::FieldError;
