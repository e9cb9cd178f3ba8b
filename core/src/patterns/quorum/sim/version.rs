//! Versions of a value: last-write-wins timestamps or vector clocks, and sibling sets.
//!
//! Every rule about "newer" lives in [`Version::covers`]: a replica keeps the versions that no
//! other version it holds covers (one under last-write-wins, possibly several concurrent
//! *siblings* under vector clocks), and a read is fresh when what it returns covers every
//! committed write.

use crate::small_map::SmallMap;

use serde::{Deserialize, Serialize};

use crate::engine::{NodeId, Tick};

/// How versions are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, crate::json::ToJson, Deserialize, crate::json::FromJson)]
#[serde(rename_all = "snake_case")]
pub enum Versioning {
    /// Cassandra-style: the coordinator's clock at the write, ties broken by coordinator id
    /// (then by operation id). Totally ordered: a later stamp silently wins.
    #[default]
    LastWriteWins,
    /// Dynamo/Riak-style: one counter per coordinator; writes that do not know about each other
    /// are concurrent and both are kept as siblings.
    VectorClock,
}

impl Versioning {
    pub const ALL: [Versioning; 2] = [Versioning::LastWriteWins, Versioning::VectorClock];

    /// serde's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Versioning::LastWriteWins => "last_write_wins",
            Versioning::VectorClock => "vector_clock",
        }
    }

    /// What the widget's selector shows.
    pub fn title(self) -> &'static str {
        match self {
            Versioning::LastWriteWins => "last write wins",
            Versioning::VectorClock => "vector clocks (siblings)",
        }
    }
}

crate::names::name_table!(Versioning, "versioning", "versioning");

/// The order information of one version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stamp {
    /// `(ts, node, op)`, compared lexicographically.
    Lww { ts: Tick, node: NodeId, op: u64 },
    /// Coordinator id → counter.
    Clock { clock: SmallMap<NodeId, u64> },
}

/// One written value with its stamp. `op` is the write operation that created it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, crate::json::ToJson)]
pub struct Version {
    pub value: u64,
    pub op: u64,
    pub stamp: Stamp,
}

impl Version {
    /// True when `self` is `other` or newer (LWW: stamp ≥; vector clocks: dominates or equals).
    /// Stamps of different kinds never cover each other (a run uses one kind).
    pub fn covers(&self, other: &Version) -> bool {
        match (&self.stamp, &other.stamp) {
            (Stamp::Lww { ts: a, node: an, op: ao }, Stamp::Lww { ts: b, node: bn, op: bo }) => (a, an, ao) >= (b, bn, bo),
            (Stamp::Clock { clock: a }, Stamp::Clock { clock: b }) => b.iter().all(|(node, count)| a.get(node).is_some_and(|c| c >= count)),
            _ => false,
        }
    }

    /// Short label for tables: `v12`.
    pub fn label(&self) -> String {
        format!("v{}", self.value)
    }
}

/// Adds `version` to a sibling set: nothing happens if something there covers it; otherwise
/// it replaces every version it covers. Returns whether the set changed.
pub fn merge_into(set: &mut Vec<Version>, version: &Version) -> bool {
    if set.iter().any(|s| s.covers(version)) {
        return false;
    }
    set.retain(|s| !version.covers(s));
    set.push(version.clone());
    true
}

/// True when some version in `set` covers `version`.
pub fn set_covers(set: &[Version], version: &Version) -> bool {
    set.iter().any(|s| s.covers(version))
}

/// True when `a` covers every version of `b`.
pub fn set_covers_all(a: &[Version], b: &[Version]) -> bool {
    b.iter().all(|v| set_covers(a, v))
}

/// Labels of a sibling set, `"—"` when empty.
pub fn labels(set: &[Version]) -> String {
    if set.is_empty() {
        "—".to_string()
    } else {
        set.iter().map(Version::label).collect::<Vec<_>>().join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_spells_every_versioning_as_its_name() {
        for versioning in Versioning::ALL {
            assert_eq!(serde_json::to_value(versioning).unwrap(), serde_json::Value::from(versioning.name()));
            assert_eq!(versioning.name().parse::<Versioning>().unwrap(), versioning);
        }
        assert_eq!("lamport".parse::<Versioning>().unwrap_err().field, "versioning");
    }

    fn lww(ts: Tick, node: NodeId, op: u64) -> Version {
        Version { value: op, op, stamp: Stamp::Lww { ts, node, op } }
    }

    fn vc(op: u64, entries: &[(NodeId, u64)]) -> Version {
        Version { value: op, op, stamp: Stamp::Clock { clock: crate::order::map_of(entries.iter().copied()) } }
    }

    #[test]
    fn lww_is_a_total_order_with_node_tiebreak() {
        assert!(lww(10, 0, 1).covers(&lww(9, 4, 2)));
        assert!(lww(10, 2, 1).covers(&lww(10, 1, 2)));
        assert!(!lww(10, 1, 2).covers(&lww(10, 2, 1)));
        let mut set = vec![lww(5, 0, 1)];
        assert!(merge_into(&mut set, &lww(6, 0, 2)));
        assert!(!merge_into(&mut set, &lww(4, 3, 3)));
        assert_eq!(set, vec![lww(6, 0, 2)]);
    }

    #[test]
    fn vector_clocks_keep_concurrent_siblings() {
        let a = vc(1, &[(0, 1)]);
        let b = vc(2, &[(1, 1)]);
        let both = vc(3, &[(0, 1), (1, 1), (2, 1)]);
        let mut set = Vec::new();
        merge_into(&mut set, &a);
        merge_into(&mut set, &b);
        assert_eq!(set.len(), 2, "neither dominates: siblings");
        merge_into(&mut set, &both);
        assert_eq!(set, vec![both.clone()]);
        assert!(set_covers(&set, &a) && set_covers(&set, &b));
    }
}
