//! The versioned attribute `vattr` of format v3 (`docs/revocation-v3.md` §11): an
//! attribute name (`text(≤ 255)`) followed by its version (`u32`), in lists sorted by the
//! name's bytes with unique names. Shared by the v3 key body (here, in `abe`) and the
//! version notice (`revocation`, which sits above `abe`), so that both refuse exactly the
//! same names.

use crate::encoding::{Reader, Writer};
use crate::error::{EncodingError, Result};
use crate::policy::{Attribute, MAX_ATTRIBUTE_LEN};

/// The namespace the library reserves for itself (`docs/policy.md`): the holder guard
/// `cipherchart:key-holder` lives there. No v3 list of versioned attributes names it:
/// the guard is always at version 0 and never listed, and no caller's attribute may be
/// versioned into the reserved space.
pub(crate) const RESERVED_NAMESPACE: &str = "cipherchart:";

/// Whether `attribute` is in the reserved `cipherchart:` namespace.
pub(crate) fn is_reserved(attribute: &Attribute) -> bool {
    attribute.as_str().starts_with(RESERVED_NAMESPACE)
}

/// The smallest encoding of one `vattr`: a 4-byte length, a 1-byte name, a 4-byte
/// version. A count of entries above `remaining / MIN_VATTR_LEN` cannot be satisfied by
/// the input, so decoders never reserve more than that.
pub(crate) const MIN_VATTR_LEN: usize = 9;

/// Writes `list<vattr>`: the count, then each name and version. `attributes` and
/// `versions` are parallel, already sorted, unique and bounded by the caller (a count
/// above `u32::MAX` is written as `u32::MAX`, which every reader refuses).
pub(crate) fn write_list(w: &mut Writer, attributes: &[Attribute], versions: &[u32]) {
    w.count(attributes.len());
    for (a, v) in attributes.iter().zip(versions) {
        w.text(a.as_str());
        w.u32(*v);
    }
}

/// Reads `list<vattr>(min … max)`: the count is checked against `max` (`BadLength`,
/// before anything is allocated) and `min` (`BadLength`); `reserve` bounds the capacity
/// reserved up front (callers pass what the remaining input can hold at most). Each name
/// must be UTF-8 (`InvalidText`), a valid attribute (`InvalidText`, as in the v2 key
/// body), already canonical (`NonCanonical`), outside the `cipherchart:` namespace
/// (`NonCanonical`) and strictly above the previous name in byte order (`NonCanonical`:
/// sorted, unique). The versions are returned as read; their range is the caller's rule.
///
/// # Errors
/// [`EncodingError`] kinds as above, and `Truncated`.
pub(crate) fn read_list(
    r: &mut Reader<'_>,
    min: usize,
    max: usize,
    reserve: usize,
) -> Result<(Vec<Attribute>, Vec<u32>)> {
    let n = r.count(max)?;
    if n < min {
        return Err(EncodingError::BadLength.into());
    }
    let cap = n.min(reserve);
    let mut attributes: Vec<Attribute> = Vec::with_capacity(cap);
    let mut versions = Vec::with_capacity(cap);
    for _ in 0..n {
        let text = r.text(MAX_ATTRIBUTE_LEN)?;
        let attribute = Attribute::new(text).map_err(|_| EncodingError::InvalidText)?;
        if attribute.as_str() != text
            || is_reserved(&attribute)
            || attributes.last().is_some_and(|prev| prev >= &attribute)
        {
            return Err(EncodingError::NonCanonical.into());
        }
        attributes.push(attribute);
        versions.push(r.u32()?);
    }
    Ok((attributes, versions))
}
