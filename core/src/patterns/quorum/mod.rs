//! Quorum replication.
//!
//! Dynamo-style stores (Dynamo, Cassandra, Riak, Voldemort) send every read and write to all
//! `N` replicas of a key and return after the first `R` (reads) or `W` (writes) answers. With
//! `R + W > N` every read quorum overlaps every write quorum; with smaller ("partial") quorums
//! a read can miss the latest write. This module studies that trade-off:
//!
//! - [`pbs`]: Probabilistically Bounded Staleness (Bailis et al., VLDB 2012): the closed forms
//!   for version staleness and the WARS Monte Carlo model for staleness in time.
//!
//! - [`sim`]: the message-level quorum store (client, coordinators, replicas) on the event
//!   engine, with read repair, sloppy quorum and hinted handoff; widget `quorum`.

pub mod pbs;
pub mod sim;
