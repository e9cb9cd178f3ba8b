//! The simulation engine: virtual time, a seeded PRNG, latency distributions, the network
//! model with faults, the event queue, the trace, and the loop that runs a [`Pattern`].

pub mod fault;
pub mod latency;
pub mod network;
pub mod pattern;
pub mod queue;
pub mod rng;
pub mod simulation;
pub mod time;
pub mod trace;

pub use fault::Fault;
pub use latency::{Latency, MixtureComponent};
pub use network::{DropReason, Network, NetworkConfig, NodeId};
pub use pattern::{Ctx, DerivedWork, NoDerivedWork, Pattern, SeriesSpec};
pub use rng::SimRng;
pub use simulation::{Scheduled, ScheduledItem, Simulation, MAX_RUN_EVENTS};
pub use time::{ms_from_ticks, ticks_from_ms, Tick, TICKS_PER_MS, TICKS_PER_SECOND};
pub use trace::{Lines, Trace, TraceEntry, TraceEntryRef, TraceEvent, TraceEventRef, TraceMode};
