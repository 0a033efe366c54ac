//! The FAME hash points: six attribute points W(y,l,t) and six column points U(j,l,t),
//! with injective, tagged inputs, cached process-wide.

use std::sync::{Arc, Mutex, PoisonError};

use ark_bls12_381::G1Affine;
use ark_ec::AffineRepr;

use super::{cache::Lru, curve::hash_to_g1, dst::FAME_G1};

/// Type tag of attribute-point inputs.
const TAG_ATTRIBUTE: u8 = 0x01;
/// Type tag of column-point inputs.
const TAG_COLUMN: u8 = 0x02;

/// Most attributes kept in the attribute cache.
const ATTRIBUTE_CACHE_ENTRIES: usize = 4096;
/// Longer attribute names are hashed every time rather than cached, so the cache's
/// memory stays bounded (about 4096 · (1 KiB + 0.6 KiB) at most).
const MAX_CACHED_ATTRIBUTE_LEN: usize = 1024;
/// Columns 1..=4096 are cached; larger indices are hashed every time.
const MAX_CACHED_COLUMN: u32 = 4096;

/// The six FAME hash points of one attribute or one column: `points[l-1][t-1]` is the
/// point for l ∈ {1,2,3}, t ∈ {1,2}. Public values (hashes of public names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AttributePoints {
    /// `points[l-1][t-1]` = W(y,l,t) or U(j,l,t).
    pub(crate) points: [[G1Affine; 2]; 3],
}

/// The hash input of W(y,l,t): `0x01 ‖ l ‖ t ‖ len32(y) ‖ y`.
///
/// `len32` saturates for names of 4 GiB or more (rejected long before by the policy
/// limits); the encoding stays injective regardless, because `y` is the whole rest of
/// the input.
pub(crate) fn attribute_input(attribute: &str, l: u8, t: u8) -> Vec<u8> {
    let y = attribute.as_bytes();
    let len32 = u32::try_from(y.len()).unwrap_or(u32::MAX).to_be_bytes();
    let mut input = Vec::with_capacity(7 + y.len());
    input.extend_from_slice(&[TAG_ATTRIBUTE, l, t]);
    input.extend_from_slice(&len32);
    input.extend_from_slice(y);
    input
}

/// The hash input of U(j,l,t): `0x02 ‖ l ‖ t ‖ j32`.
pub(crate) fn column_input(j: u32, l: u8, t: u8) -> [u8; 7] {
    let [j0, j1, j2, j3] = j.to_be_bytes();
    [TAG_COLUMN, l, t, j0, j1, j2, j3]
}

/// Hashes the six inputs `input(l, t)` to G1 under [`FAME_G1`].
fn compute<I: AsRef<[u8]>>(input: impl Fn(u8, u8) -> I) -> AttributePoints {
    let point = |l: u8, t: u8| {
        // Cannot fail: the DST is a non-empty constant, and in arkworks 0.6 neither
        // `MapToCurveBasedHasher::new` (outside its own tests) nor `WBMap::map_to_curve`
        // ever returns an error. The identity fallback keeps this path panic-free; the
        // tests check that no point is the identity and that the RFC vectors pass.
        hash_to_g1(FAME_G1, input(l, t).as_ref()).unwrap_or_else(|_| G1Affine::zero())
    };
    AttributePoints {
        points: [
            [point(1, 1), point(1, 2)],
            [point(2, 1), point(2, 2)],
            [point(3, 1), point(3, 2)],
        ],
    }
}

/// Attribute points, least recently used evicted beyond 4096 entries.
static ATTRIBUTE_CACHE: Mutex<Lru<String, Arc<AttributePoints>>> =
    Mutex::new(Lru::new(ATTRIBUTE_CACHE_ENTRIES));

/// Column points for j = 1..=4096 (`COLUMN_CACHE[j-1]`), grown on demand.
static COLUMN_CACHE: Mutex<Vec<Option<Arc<AttributePoints>>>> = Mutex::new(Vec::new());

/// The six attribute points W(y,l,t) = H1(0x01 ‖ l ‖ t ‖ len32(y) ‖ y) of `attribute`
/// (its UTF-8 bytes, already canonical: the policy layer normalises names), cached.
///
/// About 1.5 ms on a cache miss (six hashes to G1), a map lookup on a hit. The lock is
/// not held while hashing, so concurrent misses on the same name may both compute; the
/// first result inserted is the one every caller gets.
pub(crate) fn attribute_points(attribute: &str) -> Arc<AttributePoints> {
    let cacheable = attribute.len() <= MAX_CACHED_ATTRIBUTE_LEN;
    if cacheable {
        if let Some(hit) = lock(&ATTRIBUTE_CACHE).get(attribute) {
            return hit;
        }
    }
    let fresh = Arc::new(compute(|l, t| attribute_input(attribute, l, t)));
    if cacheable {
        lock(&ATTRIBUTE_CACHE).insert(attribute.to_owned(), fresh)
    } else {
        fresh
    }
}

/// The six column points U(j,l,t) = H1(0x02 ‖ l ‖ t ‖ j32) of the 1-based LSSS column
/// `j`, cached for j ≤ 4096. (j = 0 is not a column; it still gets a well-defined,
/// distinct set of points, uncached.)
pub(crate) fn column_points(j: u32) -> Arc<AttributePoints> {
    let slot = usize::try_from(j).ok().and_then(|j| j.checked_sub(1));
    let slot = slot.filter(|_| j <= MAX_CACHED_COLUMN);
    if let Some(i) = slot {
        if let Some(Some(hit)) = lock(&COLUMN_CACHE).get(i) {
            return Arc::clone(hit);
        }
    }
    let fresh = Arc::new(compute(|l, t| column_input(j, l, t)));
    let Some(i) = slot else { return fresh };
    let mut cache = lock(&COLUMN_CACHE);
    if cache.len() <= i {
        cache.resize(i + 1, None);
    }
    match cache.get_mut(i) {
        Some(Some(existing)) => Arc::clone(existing),
        Some(empty) => {
            *empty = Some(Arc::clone(&fresh));
            fresh
        }
        None => fresh,
    }
}

/// Locks a cache. A poisoned lock is taken over: no code panics while holding these
/// locks, and every state of the maps is consistent (entries are whole `Arc`s).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Number of cached attributes (for tests).
#[cfg(test)]
pub(super) fn attribute_cache_len() -> usize {
    lock(&ATTRIBUTE_CACHE).len()
}
