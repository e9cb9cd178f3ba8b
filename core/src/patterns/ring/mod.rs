//! ring pattern (work in progress).
