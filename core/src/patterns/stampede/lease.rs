//! memcache leases (Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013, §3.2.1).
//!
//! On a miss the cache hands the client a 64-bit *lease token* bound to the key; the client
//! recomputes and sets the value *with the token*. The cache regulates the rate of tokens:
//! a token per key at most once per `interval` ("once every 10 seconds per key" by default);
//! a miss while a token is out gets a *hot miss*, a notice to wait a little and retry,
//! optionally with the stale value. A delete invalidates the outstanding token, so a set that
//! raced with a delete is rejected instead of writing back a value the delete meant to remove.
//!
//! Where the paper is silent we choose, and say so: a token stays out until its set, a
//! delete, or `interval` has passed since it was issued; the next miss after that gets a new
//! token, which supersedes the old one (the old holder's set is then rejected: one token per
//! key, as the paper's "bound to the specific key" reads).

use crate::small_map::SmallMap;

use crate::engine::Tick;

/// A lease token (64-bit, as in the paper).
pub type Token = u64;

/// What a lease-get returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaseGet<V> {
    Hit(V),
    /// A miss with a token: this client should recompute and set.
    Miss {
        token: Token,
    },
    /// Another client holds the token: wait and retry; `stale` is the value a delete or expiry
    /// left behind, if any.
    HotMiss {
        stale: Option<V>,
    },
}

/// How a set with a token ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseSet {
    Stored,
    /// The token was invalidated by a delete, superseded, or never issued.
    Rejected,
}

#[derive(Clone, Debug)]
struct Slot<V> {
    value: Option<V>,
    /// What a delete or expiry left behind, served as stale.
    stale: Option<V>,
    /// The token out now and when it was issued.
    outstanding: Option<(Token, Tick)>,
}

/// The lease table of one memcached server.
#[derive(Clone, Debug)]
pub struct Leases<K: Ord + Clone, V: Clone> {
    slots: SmallMap<K, Slot<V>>,
    interval: Tick,
    next_token: Token,
}

impl<K: Ord + Clone, V: Clone> Leases<K, V> {
    pub fn new(interval: Tick) -> Self {
        Self { slots: SmallMap::new(), interval, next_token: 1 }
    }

    /// A lease-get at `now`.
    pub fn get(&mut self, key: &K, now: Tick) -> LeaseGet<V> {
        let interval = self.interval;
        let slot = self.slots.entry(key.clone()).or_insert(Slot { value: None, stale: None, outstanding: None });
        if let Some(v) = &slot.value {
            return LeaseGet::Hit(v.clone());
        }
        match slot.outstanding {
            Some((_, issued)) if now < issued.saturating_add(interval) => LeaseGet::HotMiss { stale: slot.stale.clone() },
            _ => {
                let token = self.next_token;
                self.next_token += 1;
                slot.outstanding = Some((token, now));
                LeaseGet::Miss { token }
            }
        }
    }

    /// A set with `token`: stored only if the token is the one outstanding for `key`.
    pub fn set(&mut self, key: &K, token: Token, value: V) -> LeaseSet {
        match self.slots.get_mut(key) {
            Some(slot) if slot.outstanding.is_some_and(|(t, _)| t == token) => {
                slot.outstanding = None;
                slot.value = Some(value);
                slot.stale = None;
                LeaseSet::Stored
            }
            _ => LeaseSet::Rejected,
        }
    }

    /// A plain set without a lease (how a cache is filled before any miss).
    pub fn put(&mut self, key: K, value: V) {
        self.slots.insert(key, Slot { value: Some(value), stale: None, outstanding: None });
    }

    /// A delete (or an expiry): the value becomes stale and the outstanding token is void.
    pub fn delete(&mut self, key: &K) {
        if let Some(slot) = self.slots.get_mut(key) {
            if let Some(v) = slot.value.take() {
                slot.stale = Some(v);
            }
            slot.outstanding = None;
        }
    }

    /// Expiry is a delete that keeps the token: the value ages out, nothing raced with it.
    pub fn expire(&mut self, key: &K) {
        if let Some(slot) = self.slots.get_mut(key) {
            if let Some(v) = slot.value.take() {
                slot.stale = Some(v);
            }
        }
    }

    /// Whether a token for `key` is out at `now`.
    pub fn token_out(&self, key: &K, now: Tick) -> bool {
        self.slots.get(key).and_then(|s| s.outstanding).is_some_and(|(_, issued)| now < issued.saturating_add(self.interval))
    }

    /// A cold restart: everything is gone.
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}
