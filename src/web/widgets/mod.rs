//! One module per widget view.

pub mod breaker;
pub mod controls;
pub mod quorum;
pub mod ring;
