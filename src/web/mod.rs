//! The browser playground: a thin layer over `faultline-core`.
//!
//! Every element with a `data-faultline` attribute, and every `<faultline-widget>`, gets a
//! widget (or, with the value `playground`, the whole playground; with `embed`, the iframe
//! route's widget). Nothing else on the page is touched.

mod chart;
mod custom_element;
mod dom;
mod embed;
mod event_log;
mod export;
mod frame;
pub mod html;
mod mount;
mod player_bar;
mod playground;
mod registry;
#[cfg(any(feature = "quorum", feature = "saga"))]
mod sequence;
mod widget;
mod widgets;

pub use mount::{mount_all, MountSpec};

/// Entry point of the wasm bundle.
pub fn start() {
    custom_element::define();
    mount_all();
}
