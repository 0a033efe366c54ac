//! Sets of text values a consent covers (record ids, categories, purposes), their
//! validation, and their canonical encoding.

use std::collections::BTreeSet;

use unicode_normalization::is_nfc;

use super::{MAX_LABEL_LEN, MAX_LIST_LEN};
use crate::encoding::{Reader, Writer};
use crate::error::{EncodingError, Error, Result};
use crate::record::MAX_RECORD_ID_LEN;

/// Which values of one dimension of a scope (record ids, or categories) a consent
/// covers.
///
/// `Only` holds a sorted set of distinct values (a `BTreeSet` sorts `String`s by their
/// UTF-8 bytes, the order of the wire format). An empty `Only` is refused when a token
/// is made: it would permit nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    /// Every value: the dimension does not restrict.
    Any,
    /// Exactly these values.
    Only(BTreeSet<String>),
}

impl Selection {
    /// `Only` the given values (duplicates merged).
    ///
    /// ```
    /// use cipherchart::Selection;
    /// let s = Selection::only(["radiology", "cardiology", "cardiology"]);
    /// assert!(s.contains("cardiology") && !s.contains("laboratory"));
    /// ```
    pub fn only<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::Only(values.into_iter().map(Into::into).collect())
    }

    /// Whether `value` is selected.
    pub fn contains(&self, value: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Only(set) => set.contains(value),
        }
    }

    /// Whether the byte string `value` is selected: a value that is not UTF-8 is only
    /// selected by `Any` (record ids are bytes; the values of a consent are text).
    pub fn contains_bytes(&self, value: &[u8]) -> bool {
        match self {
            Self::Any => true,
            Self::Only(set) => core::str::from_utf8(value).is_ok_and(|v| set.contains(v)),
        }
    }

    /// Whether every value `self` selects is selected by `wider` (`Any` is only inside
    /// `Any`).
    pub fn is_within(&self, wider: &Self) -> bool {
        match (self, wider) {
            (_, Self::Any) => true,
            (Self::Any, Self::Only(_)) => false,
            (Self::Only(a), Self::Only(b)) => a.is_subset(b),
        }
    }
}

/// What a value of a list is, which fixes its validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A record id: any non-empty UTF-8 text of at most `MAX_RECORD_ID_LEN` bytes,
    /// compared byte for byte with `SealedRecord::record_id`.
    RecordId,
    /// A category or a purpose: a label.
    Label,
}

impl Kind {
    fn max_len(self) -> usize {
        match self {
            Self::RecordId => MAX_RECORD_ID_LEN,
            Self::Label => MAX_LABEL_LEN,
        }
    }
}

/// Whether `v` is an acceptable value: non-empty, not too long, and for labels in NFC
/// without control characters (two spellings of one word must not be two labels).
pub(crate) fn valid_value(v: &str, kind: Kind) -> bool {
    !v.is_empty()
        && v.len() <= kind.max_len()
        && (kind == Kind::RecordId || (is_nfc(v) && !v.chars().any(char::is_control)))
}

/// Checks a set before it is signed.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for an empty or too large set or an invalid value.
pub(crate) fn check_set(set: &BTreeSet<String>, kind: Kind, what: &'static str) -> Result<()> {
    if set.is_empty() || set.len() > MAX_LIST_LEN || !set.iter().all(|v| valid_value(v, kind)) {
        return Err(Error::InvalidArgument(what));
    }
    Ok(())
}

/// Checks a selection before it is signed (see [`check_set`]).
///
/// # Errors
///
/// As [`check_set`].
pub(crate) fn check_selection(s: &Selection, kind: Kind, what: &'static str) -> Result<()> {
    match s {
        Selection::Any => Ok(()),
        Selection::Only(set) => check_set(set, kind, what),
    }
}

/// Selection codes on the wire; `0` means "unchanged" in an attenuation block.
pub(crate) const SEL_UNCHANGED: u8 = 0;
pub(crate) const SEL_ANY: u8 = 1;
pub(crate) const SEL_ONLY: u8 = 2;

/// `list<text>`: a count (1 ..= `MAX_LIST_LEN`) then the values, strictly increasing.
pub(crate) fn write_set(w: &mut Writer, set: &BTreeSet<String>) {
    w.count(set.len());
    set.iter().for_each(|v| w.text(v));
}

/// Reads [`write_set`]'s encoding, strictly.
///
/// # Errors
///
/// `BadLength` for a count of 0 or above the limit, `InvalidText` for an invalid value,
/// `NonCanonical` for values out of order or repeated, `Truncated`.
pub(crate) fn read_set(r: &mut Reader<'_>, kind: Kind) -> Result<BTreeSet<String>> {
    let n = r.count(MAX_LIST_LEN)?;
    if n == 0 {
        return Err(EncodingError::BadLength.into());
    }
    let mut set = BTreeSet::new();
    let mut last: Option<&str> = None;
    for _ in 0..n {
        let v = r.text(kind.max_len())?;
        if !valid_value(v, kind) {
            return Err(EncodingError::InvalidText.into());
        }
        if last.is_some_and(|l| l.as_bytes() >= v.as_bytes()) {
            return Err(EncodingError::NonCanonical.into());
        }
        last = Some(v);
        set.insert(v.to_owned());
    }
    Ok(set)
}

/// A selection: `01` (any) or `02` then a set.
pub(crate) fn write_selection(w: &mut Writer, s: &Selection) {
    match s {
        Selection::Any => w.u8(SEL_ANY),
        Selection::Only(set) => {
            w.u8(SEL_ONLY);
            write_set(w, set);
        }
    }
}

/// An optional selection (attenuation): `00` (unchanged) or a selection.
pub(crate) fn write_opt_selection(w: &mut Writer, s: Option<&Selection>) {
    match s {
        None => w.u8(SEL_UNCHANGED),
        Some(s) => write_selection(w, s),
    }
}

/// Reads an optional selection; `allow_unchanged` is false in the authority block.
///
/// # Errors
///
/// `NonCanonical` for an unknown code (or `00` where not allowed), and the errors of
/// [`read_set`].
pub(crate) fn read_selection(
    r: &mut Reader<'_>,
    kind: Kind,
    allow_unchanged: bool,
) -> Result<Option<Selection>> {
    match r.u8()? {
        SEL_UNCHANGED if allow_unchanged => Ok(None),
        SEL_ANY => Ok(Some(Selection::Any)),
        SEL_ONLY => Ok(Some(Selection::Only(read_set(r, kind)?))),
        _ => Err(EncodingError::NonCanonical.into()),
    }
}
