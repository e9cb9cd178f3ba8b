//! Each pattern's state picture for a poster ([`crate::engine::Pattern::poster_picture`]):
//! drawn from the pattern's own state with the poster's classes, so the picture follows the
//! poster's theme. A pattern without one gets its card's schematic.

#[cfg(feature = "breaker")]
pub mod breaker;
#[cfg(feature = "quorum")]
pub mod quorum;
#[cfg(feature = "ring")]
pub mod ring;
#[cfg(feature = "stampede")]
pub mod stampede;
