//! One module per distributed-systems pattern.

pub mod breaker;
pub mod quorum;
pub mod ring;
