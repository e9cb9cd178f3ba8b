//! The `faultline` crate: the native CLI and the browser playground, both thin layers over
//! `faultline-core`. Web code only exists on wasm32 and the CLI only natively, so neither can
//! leak into the other (or into the core).

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod web;

// `html!` names its builder `::faultline::web::html`, in this crate as in its tests.
#[cfg(target_arch = "wasm32")]
extern crate self as faultline;
