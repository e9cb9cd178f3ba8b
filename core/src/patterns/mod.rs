//! One module per distributed-systems pattern, each behind the cargo feature of its name.

#[cfg(feature = "breaker")]
pub mod breaker;
#[cfg(feature = "quorum")]
pub mod quorum;
#[cfg(feature = "ring")]
pub mod ring;
#[cfg(feature = "saga")]
pub mod saga;
#[cfg(feature = "stampede")]
pub mod stampede;
