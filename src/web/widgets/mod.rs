//! One module per widget view, each behind its widget's feature (see `core/src/widgets.rs`).

#[cfg(feature = "breaker")]
pub mod breaker;
pub mod controls;
#[cfg(feature = "quorum")]
pub mod quorum;
#[cfg(feature = "ring")]
pub mod ring;
#[cfg(feature = "saga")]
pub mod saga;
#[cfg(feature = "stampede")]
pub mod stampede;
