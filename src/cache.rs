//! A small bounded least-recently-used map for the process-wide caches: the hash points
//! (`hash`) and the fixed-base row combs (`abe`). Ground layer: it imports nothing from the
//! crate, so both can use it.
//!
//! Eviction scans all entries for the oldest stamp: O(n) with n ≤ 4096 costs a few
//! microseconds, against about 1.5 ms to recompute one entry (six hashes to G1), and it
//! keeps the structure to one `BTreeMap` (a `const` constructor, so the cache can be a
//! plain `static`, and no hash-flooding concerns with attacker-chosen attribute names).

use std::collections::BTreeMap;

/// A map of at most `capacity` entries that evicts the least recently used one.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    map: BTreeMap<K, (V, u64)>,
    capacity: usize,
    /// Monotonic use counter; a u64 never wraps in practice.
    clock: u64,
}

impl<K: Ord + Clone, V: Clone> Lru<K, V> {
    /// An empty cache holding at most `capacity` entries (0 disables caching).
    pub(crate) const fn new(capacity: usize) -> Self {
        Self {
            map: BTreeMap::new(),
            capacity,
            clock: 0,
        }
    }

    /// The cached value for `key`, marking it as recently used.
    pub(crate) fn get<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: core::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.clock = self.clock.wrapping_add(1);
        let clock = self.clock;
        self.map.get_mut(key).map(|(v, stamp)| {
            *stamp = clock;
            v.clone()
        })
    }

    /// Inserts `value` unless `key` is present (then the cached value wins, so every
    /// caller sees the same one), evicting the least recently used entry when full.
    /// Returns the value now cached for `key`.
    pub(crate) fn insert(&mut self, key: K, value: V) -> V {
        self.clock = self.clock.wrapping_add(1);
        if let Some((v, stamp)) = self.map.get_mut(&key) {
            *stamp = self.clock;
            return v.clone();
        }
        if self.capacity == 0 {
            return value;
        }
        if self.map.len() >= self.capacity {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, (_, stamp))| *stamp)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.map.remove(&oldest);
            }
        }
        self.map.insert(key, (value.clone(), self.clock));
        value
    }

    /// Sets `key` to `value` (replacing any cached value), evicting the least recently
    /// used entry when full.
    pub(crate) fn insert_or_replace(&mut self, key: K, value: V) {
        self.clock = self.clock.wrapping_add(1);
        if let Some(slot) = self.map.get_mut(&key) {
            *slot = (value, self.clock);
            return;
        }
        self.insert(key, value);
    }

    /// Number of cached entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests;
