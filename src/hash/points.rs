//! The FAME hash points: six attribute points W(y,l,t) (at version 0) or W(y,v,l,t) (at
//! a version `v ≥ 1`, `docs/revocation-v3.md` §3.1) and six column points U(j,l,t), with
//! injective, tagged inputs, cached process-wide.

use core::borrow::Borrow;
use core::cmp::Ordering;
use core::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use ark_bls12_381::G1Affine;
use ark_ec::AffineRepr;
use ark_serialize::CanonicalDeserialize;

use super::{curve::hash_to_g1, dst::FAME_G1};
use crate::cache::Lru;

/// Type tag of attribute-point inputs.
const TAG_ATTRIBUTE: u8 = 0x01;
/// Type tag of column-point inputs.
const TAG_COLUMN: u8 = 0x02;
/// Type tag of versioned attribute-point inputs (versions `v ≥ 1` only).
const TAG_VERSIONED_ATTRIBUTE: u8 = 0x03;

/// Most attributes kept in the attribute cache.
const ATTRIBUTE_CACHE_ENTRIES: usize = 4096;
/// Longer attribute names are hashed every time rather than cached, so the cache's
/// memory stays bounded (about 4096 · (1 KiB + 0.6 KiB) at most).
const MAX_CACHED_ATTRIBUTE_LEN: usize = 1024;
/// Columns 1..=4096 are cached; larger indices are hashed every time.
const MAX_CACHED_COLUMN: u32 = 4096;
/// Columns whose points are compiled in ([`COLUMN_TABLE_BYTES`]): every column an
/// admitted policy can have (columns ≤ rows ≤ `MAX_POLICY_LEAVES`), so no open ever
/// hashes a column point, in a fresh process or not (`docs/policy.md` §4.1).
pub(crate) const TABLE_COLUMNS: u32 = 64;
const _: () = assert!(TABLE_COLUMNS as usize >= crate::policy::MAX_POLICY_LEAVES);
/// Bytes of one uncompressed G1 point in the table (x ‖ y, arkworks' layout).
const TABLE_POINT_LEN: usize = 96;
/// `U(j,l,t)` for j = 1..=[`TABLE_COLUMNS`], l = 1..=3, t = 1..=2 in that order, each
/// uncompressed: public constants (hashes of the column indices), checked against the
/// hash by the test `column_table_is_the_hash` (which regenerates the file under
/// `CIPHERCHART_REGENERATE_COLUMNS=1`).
static COLUMN_TABLE_BYTES: &[u8] = include_bytes!("columns.bin");

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

/// The hash input of W(y,v,l,t) for a version `v ≥ 1`:
/// `0x03 ‖ l ‖ t ‖ u32 v ‖ len32(y) ‖ y` (`docs/revocation-v3.md` §3.1).
///
/// Takes a [`NonZeroU32`]: version 0 is never hashed in this domain, it is the v2 input
/// [`attribute_input`] (so every v2 key and header keeps its points). `len32` saturates
/// as in [`attribute_input`].
pub(crate) fn versioned_attribute_input(
    attribute: &str,
    version: NonZeroU32,
    l: u8,
    t: u8,
) -> Vec<u8> {
    let y = attribute.as_bytes();
    let len32 = u32::try_from(y.len()).unwrap_or(u32::MAX).to_be_bytes();
    let mut input = Vec::with_capacity(11 + y.len());
    input.extend_from_slice(&[TAG_VERSIONED_ATTRIBUTE, l, t]);
    input.extend_from_slice(&version.get().to_be_bytes());
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
pub(super) fn compute<I: AsRef<[u8]>>(input: impl Fn(u8, u8) -> I) -> AttributePoints {
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

/// The compiled-in column points, decoded once per process (about 400 field-element
/// conversions, no hashing and no subgroup check: the bytes are the crate's own,
/// checked by test against the hash).
static COLUMN_TABLE: OnceLock<Vec<Arc<AttributePoints>>> = OnceLock::new();

/// The table entry of column `j` (1-based), if `j ≤ TABLE_COLUMNS`.
fn table_column(j: u32) -> Option<Arc<AttributePoints>> {
    let table = COLUMN_TABLE.get_or_init(|| {
        COLUMN_TABLE_BYTES
            .chunks_exact(6 * TABLE_POINT_LEN)
            .map_while(|column| {
                let mut points = column.chunks_exact(TABLE_POINT_LEN).map(|p| {
                    G1Affine::deserialize_uncompressed_unchecked(p)
                        .ok()
                        .filter(|q| q.is_on_curve() && !q.is_zero())
                });
                let mut next = || points.next().flatten();
                Some(Arc::new(AttributePoints {
                    points: [[next()?, next()?], [next()?, next()?], [next()?, next()?]],
                }))
            })
            .collect()
    });
    let i = usize::try_from(j).ok()?.checked_sub(1)?;
    table.get(i).map(Arc::clone)
}

/// The attribute cache's key: an attribute name at a version. Ordered by name, then
/// version, like its borrowed form `(&str, u32)` ([`PointKeyRef`]), so a look-up needs no
/// allocation.
#[derive(Clone, Debug)]
struct PointKey {
    name: String,
    version: u32,
}

/// A (name, version) pair, owned ([`PointKey`]) or borrowed (`(&str, u32)`), ordered by
/// name then version.
trait PointKeyRef {
    fn parts(&self) -> (&str, u32);
}

impl PointKeyRef for PointKey {
    fn parts(&self) -> (&str, u32) {
        (&self.name, self.version)
    }
}

impl PointKeyRef for (&str, u32) {
    fn parts(&self) -> (&str, u32) {
        *self
    }
}

impl<'a> Borrow<dyn PointKeyRef + 'a> for PointKey {
    fn borrow(&self) -> &(dyn PointKeyRef + 'a) {
        self
    }
}

impl PartialEq for dyn PointKeyRef + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}
impl Eq for dyn PointKeyRef + '_ {}
impl PartialOrd for dyn PointKeyRef + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for dyn PointKeyRef + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}
impl PartialEq for PointKey {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}
impl Eq for PointKey {}
impl PartialOrd for PointKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for PointKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// Attribute points by (name, version), least recently used evicted beyond 4096 entries.
static ATTRIBUTE_CACHE: Mutex<Lru<PointKey, Arc<AttributePoints>>> =
    Mutex::new(Lru::new(ATTRIBUTE_CACHE_ENTRIES));

/// Column points for j = 1..=4096 (`COLUMN_CACHE[j-1]`), grown on demand.
static COLUMN_CACHE: Mutex<Vec<Option<Arc<AttributePoints>>>> = Mutex::new(Vec::new());

/// The six attribute points of `attribute` (its UTF-8 bytes, already canonical: the
/// policy layer normalises names) at `version`, cached by (name, version):
///
/// - version 0: W(y,l,t) = H1(0x01 ‖ l ‖ t ‖ len32(y) ‖ y), v2's points;
/// - version v ≥ 1: W(y,v,l,t) = H1(0x03 ‖ l ‖ t ‖ u32 v ‖ len32(y) ‖ y)
///   ([`versioned_attribute_input`], reached only through `NonZeroU32`).
///
/// About 1.5 ms on a cache miss (six hashes to G1), a map lookup on a hit. The lock is
/// not held while hashing, so concurrent misses on the same name may both compute; the
/// first result inserted is the one every caller gets.
pub(crate) fn attribute_points(attribute: &str, version: u32) -> Arc<AttributePoints> {
    let cacheable = attribute.len() <= MAX_CACHED_ATTRIBUTE_LEN;
    if cacheable {
        let key: &dyn PointKeyRef = &(attribute, version);
        if let Some(hit) = lock(&ATTRIBUTE_CACHE).get(key) {
            return hit;
        }
    }
    let fresh = Arc::new(match NonZeroU32::new(version) {
        None => compute(|l, t| attribute_input(attribute, l, t)),
        Some(v) => compute(|l, t| versioned_attribute_input(attribute, v, l, t)),
    });
    if cacheable {
        let key = PointKey {
            name: attribute.to_owned(),
            version,
        };
        lock(&ATTRIBUTE_CACHE).insert(key, fresh)
    } else {
        fresh
    }
}

/// The six column points U(j,l,t) = H1(0x02 ‖ l ‖ t ‖ j32) of the 1-based LSSS column
/// `j`: compiled in for j ≤ [`TABLE_COLUMNS`], cached for j ≤ 4096. (j = 0 is not a column; it still gets a well-defined,
/// distinct set of points, uncached.)
pub(crate) fn column_points(j: u32) -> Arc<AttributePoints> {
    if let Some(points) = table_column(j) {
        return points;
    }
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

#[cfg(test)]
mod column_table_tests {
    use ark_serialize::CanonicalSerialize;

    use super::*;

    /// The compiled-in column points are the hash of the column indices, every one
    /// (regenerate with `CIPHERCHART_REGENERATE_COLUMNS=1 cargo test --lib
    /// column_table_is_the_hash`).
    #[test]
    fn column_table_is_the_hash() {
        let mut expected = Vec::new();
        for j in 1..=TABLE_COLUMNS {
            let points = compute(|l, t| column_input(j, l, t));
            for p in points.points.iter().flatten() {
                p.serialize_uncompressed(&mut expected)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        if std::env::var_os("CIPHERCHART_REGENERATE_COLUMNS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/hash/columns.bin");
            std::fs::write(path, &expected).unwrap_or_else(|e| panic!("{e}"));
            return;
        }
        assert_eq!(expected.len(), TABLE_COLUMNS as usize * 6 * TABLE_POINT_LEN);
        assert!(
            COLUMN_TABLE_BYTES == expected.as_slice(),
            "stale columns.bin"
        );
        for j in 1..=TABLE_COLUMNS {
            let fresh = compute(|l, t| column_input(j, l, t));
            assert_eq!(table_column(j).as_deref(), Some(&fresh));
        }
        assert!(table_column(0).is_none());
        assert!(table_column(TABLE_COLUMNS + 1).is_none());
    }
}
