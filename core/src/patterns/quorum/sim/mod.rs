//! A message-level, Dynamo-style quorum store on the event engine.
//!
//! A client sends reads and writes to a coordinator, which forwards them to a key's `N`
//! replicas (the key's preference list on the consistent-hashing ring) and answers after `W`
//! acks or `R` replies. Every message crosses the simulated network, so latency, loss,
//! partitions and crashes apply. Versions are last-write-wins stamps or vector clocks with
//! siblings; read repair, sloppy quorum and hinted handoff can be switched on. An oracle judges
//! every read fresh or stale against the writes committed before it started, and says why.
//!
//! One concept per file: [`params`], [`level`] (Cassandra consistency levels), [`version`],
//! [`placement`], [`messages`], [`read`] (the verdict), [`hints`], [`simulation`], [`faults`] (the widget's fault buttons),
//! [`staleness_curve`], [`lessons`], [`notes`].

pub mod faults;
pub mod hints;
pub mod lessons;
pub mod level;
pub mod messages;
pub mod notes;
pub mod params;
pub mod placement;
pub mod read;
pub mod simulation;
pub mod staleness_curve;
pub mod version;

pub use hints::{Hint, HintQueue};
pub use level::ConsistencyLevel;
pub use messages::{KeyId, MsgFamily, QuorumCommand, QuorumEvent, QuorumMsg, QuorumTimer};
pub use params::{Coordinator, QuorumParams};
pub use read::{ReadRecord, Replier, StaleCause, Verdict};
pub use simulation::{OpCounts, QuorumMetrics, QuorumSim};
pub use version::{Stamp, Version, Versioning};
