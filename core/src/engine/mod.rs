//! The simulation engine: virtual time, a seeded PRNG, latency distributions, the network
//! model, the event queue and the trace. Patterns are written against this module only.

pub mod latency;
pub mod rng;
pub mod time;

pub use latency::Latency;
pub use rng::SimRng;
pub use time::{Tick, TICKS_PER_MS};
