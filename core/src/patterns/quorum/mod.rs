//! quorum pattern (work in progress).
