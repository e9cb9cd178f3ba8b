//! Request coalescing with Go's `golang.org/x/sync/singleflight` semantics, sans-IO.
//!
//! `Group.Do(key, fn)`: if a call for `key` is in flight, the caller waits for it and gets its
//! value *and its error* (`shared = true`); otherwise the caller starts the call. When the call
//! returns, the key is removed from the group (only if the group still maps it to this call:
//! `Forget` may have replaced it) — so a `Do` after completion executes again: singleflight
//! caches nothing. Every caller of a call gets `shared = dups > 0`, the first one included.
//! `Forget(key)` makes the next `Do` start a new execution while the old one's waiters still
//! get the old result.

use crate::small_map::SmallMap;

/// Identifies one execution of the function.
pub type CallId = u64;

/// What `Do` did for a caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joined {
    /// No call was in flight: this caller's `Do` executes the function.
    Started(CallId),
    /// A call was in flight: this caller waits for it (a duplicate).
    Waiting(CallId),
}

impl Joined {
    pub fn call(self) -> CallId {
        match self {
            Joined::Started(c) | Joined::Waiting(c) => c,
        }
    }
}

#[derive(Clone, Debug)]
struct Call<K, W> {
    key: K,
    dups: u32,
    /// Every caller, the one that started it first.
    waiters: Vec<W>,
}

/// A finished call: who waited and whether the result was shared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completed<K, W> {
    pub key: K,
    pub waiters: Vec<W>,
    /// Go's third return value, the same for every caller: `dups > 0`.
    pub shared: bool,
}

/// A singleflight group whose callers are identified by `W`.
#[derive(Clone, Debug)]
pub struct Group<K: Ord + Clone, W> {
    in_flight: SmallMap<K, CallId>,
    calls: SmallMap<CallId, Call<K, W>>,
    next: CallId,
}

impl<K: Ord + Clone, W> Default for Group<K, W> {
    fn default() -> Self {
        Self { in_flight: SmallMap::new(), calls: SmallMap::new(), next: 0 }
    }
}

impl<K: Ord + Clone, W> Group<K, W> {
    /// `Do(key, …)` for caller `waiter`.
    pub fn call(&mut self, key: K, waiter: W) -> Joined {
        if let Some(&id) = self.in_flight.get(&key) {
            if let Some(call) = self.calls.get_mut(&id) {
                call.dups += 1;
                call.waiters.push(waiter);
                return Joined::Waiting(id);
            }
        }
        let id = self.next;
        self.next += 1;
        self.in_flight.insert(key.clone(), id);
        self.calls.insert(id, Call { key, dups: 0, waiters: vec![waiter] });
        Joined::Started(id)
    }

    /// The function of call `id` returned: every waiter gets the same result. `None` for an
    /// unknown (already completed) call.
    pub fn complete(&mut self, id: CallId) -> Option<Completed<K, W>> {
        let call = self.calls.remove(&id)?;
        if self.in_flight.get(&call.key) == Some(&id) {
            self.in_flight.remove(&call.key);
        }
        Some(Completed { key: call.key, waiters: call.waiters, shared: call.dups > 0 })
    }

    /// `Forget(key)`: the next `Do` for `key` executes anew; current waiters are unaffected.
    pub fn forget(&mut self, key: &K) {
        self.in_flight.remove(key);
    }

    /// The call in flight for `key`, if `Do` would join one.
    pub fn in_flight(&self, key: &K) -> Option<CallId> {
        self.in_flight.get(key).copied()
    }

    /// Callers waiting on call `id` (the starter included).
    pub fn waiters(&self, id: CallId) -> usize {
        self.calls.get(&id).map_or(0, |c| c.waiters.len())
    }

    /// Executions not yet completed (including forgotten ones).
    pub fn executing(&self) -> usize {
        self.calls.len()
    }

    /// Drops every call (the app server holding the group crashed).
    pub fn clear(&mut self) {
        self.in_flight.clear();
        self.calls.clear();
    }
}
