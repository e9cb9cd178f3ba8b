//! breaker pattern (work in progress).
