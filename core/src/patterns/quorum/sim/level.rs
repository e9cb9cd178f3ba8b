//! Cassandra's consistency levels, as quorum sizes for a replication factor `N`.

use serde::{Deserialize, Serialize};

/// A named quorum size. `Any` is for writes only: any node may take the write, even as a
/// hint for a replica that is down (Cassandra's `ANY`); here it means W = 1 with sloppy quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum ConsistencyLevel {
    Any,
    One,
    Two,
    Three,
    Quorum,
    All,
}

impl ConsistencyLevel {
    pub const ALL: [ConsistencyLevel; 6] = [Self::Any, Self::One, Self::Two, Self::Three, Self::Quorum, Self::All];

    /// Replies needed out of `n` (capped at `n`): QUORUM is `n / 2 + 1`.
    pub fn size(self, n: u32) -> u32 {
        let size = match self {
            Self::Any | Self::One => 1,
            Self::Two => 2,
            Self::Three => 3,
            Self::Quorum => n / 2 + 1,
            Self::All => n,
        };
        size.min(n).max(1)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "ANY",
            Self::One => "ONE",
            Self::Two => "TWO",
            Self::Three => "THREE",
            Self::Quorum => "QUORUM",
            Self::All => "ALL",
        }
    }

    /// The level whose size for `n` is `size`, preferring QUORUM and ALL over the numbers.
    pub fn named(size: u32, n: u32) -> Option<ConsistencyLevel> {
        [Self::Quorum, Self::All, Self::One, Self::Two, Self::Three].into_iter().find(|l| l.size(n) == size && (l.size(n) <= n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_cassandra() {
        assert_eq!(ConsistencyLevel::Quorum.size(3), 2);
        assert_eq!(ConsistencyLevel::Quorum.size(5), 3);
        assert_eq!(ConsistencyLevel::All.size(5), 5);
        assert_eq!(ConsistencyLevel::Three.size(2), 2);
        assert_eq!(ConsistencyLevel::named(2, 3), Some(ConsistencyLevel::Quorum));
    }
}
