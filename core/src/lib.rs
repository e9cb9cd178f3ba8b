//! Faultline's simulation core.
//!
//! Pure Rust: no web crates, no wall clock, no `HashMap` iteration in results, no std float
//! transcendental functions (we use `libm`, which gives the same bits natively and in wasm).
//! The browser and the native tests drive exactly this code.

pub mod chart_scale;
pub mod copy_as_test;
pub mod engine;
pub mod error;
pub mod headless;
pub mod json;
pub mod label_layout;
pub mod limits;
pub mod moment_marks;
pub mod names;
pub mod narrate;
pub mod order;
pub mod patterns;
pub mod player;
pub mod playlist;
pub mod poster;
pub mod recording;
pub mod scenario;
pub mod seed_search;
pub mod session;
pub mod small_map;
pub mod widgets;

pub use error::FieldError;

// `derive(ToJson)` names `::faultline_core::json` wherever it is used, here too.
extern crate self as faultline_core;
