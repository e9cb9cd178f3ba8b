//! Consistent hashing: where does a key live, how even is the load, and what moves when the
//! node set changes.
//!
//! * [`key`]: the key hash (XXH3-64, seed 0; integers are their own hash).
//! * [`placement::Placement`], implemented by [`karger::KargerRing`] (vnode ring),
//!   [`jump::JumpHash`], [`rendezvous::Rendezvous`] and [`maglev::Maglev`];
//!   [`bounded_load`] assigns whole key sets with a per-node capacity.
//! * [`movement`]: node operations and the keys they move; [`stats`]: balance figures;
//!   [`workload`]: uniform and Zipf key sets.
//! * [`sim::RingSim`]: the playground widget (a [`crate::engine::Pattern`]) with its
//!   [`lessons`] and [`notes`]; [`comparison`] sets all algorithms side by side.
//! * [`locate()`] and [`stats()`] are the entry points of `faultline ring locate|stats`;
//!   [`stats_run::StatsRun`] is the same computation in resumable steps.
//!
//! Deterministic: no wall clock, no `HashMap` order, `libm` for every logarithm and power.

pub mod assignment;
pub mod bounded_load;
pub mod comparison;
pub mod error;
pub mod jump;
pub mod karger;
pub mod key;
pub mod lessons;
pub mod locate;
pub mod maglev;
pub mod movement;
pub mod node;
pub mod notes;
pub mod params;
pub mod placement;
pub mod rendezvous;
pub mod sim;
pub mod stats;
pub mod stats_run;
pub mod workload;

pub use comparison::{compare, Comparison, RingDerived};
pub use error::FieldError;
pub use key::Key;
pub use locate::{locate, LocateReport};
pub use movement::{MovementReport, RingOperation};
pub use node::{NodeId, NodeSet};
pub use params::{Algorithm, RingParams};
pub use placement::Placement;
pub use sim::{RingCommand, RingEvent, RingSim};
pub use stats_run::{stats, StatsReport, StatsRun};
pub use workload::Workload;
