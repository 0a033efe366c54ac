//! What a patient grants ([`Grant`]) and how a holder narrows it ([`Narrowing`]).

use std::collections::BTreeSet;

use super::select::Selection;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::pre::ReKey;
use crate::sig::BlsPublicKey;

/// Who the consent is for: the audience a re-encryption may target.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Grantee {
    /// Everyone whose attributes satisfy this policy (a re-key's target policy `P'`);
    /// the proxy helper refuses a re-key whose target policy is any other.
    Policy(Policy),
    /// The holder of this BLS key (an application identifies the party; the proxy
    /// helper then relies on the re-key digest named in the token).
    Key(BlsPublicKey),
}

/// Which records a consent covers: a record is in scope iff its id is selected by
/// `records` **and** its category by `categories`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Record ids (compared byte for byte with `SealedRecord::record_id`).
    pub records: Selection,
    /// Categories (public labels such as `cardiology`, from the record's metadata).
    pub categories: Selection,
}

impl Scope {
    /// Every record of the subject (`Any`, `Any`).
    pub const fn all() -> Self {
        Self {
            records: Selection::Any,
            categories: Selection::Any,
        }
    }

    /// Whether a record with this id and category is in scope.
    pub fn contains(&self, record_id: &[u8], category: &str) -> bool {
        self.records.contains_bytes(record_id) && self.categories.contains(category)
    }

    /// Whether every record `self` covers is covered by `wider` (dimension by
    /// dimension).
    pub fn is_within(&self, wider: &Self) -> bool {
        self.records.is_within(&wider.records) && self.categories.is_within(&wider.categories)
    }
}

/// The time window of a consent, in seconds since the Unix epoch (UTC): valid at time
/// `t` iff `not_before ≤ t < expiry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    not_before: u64,
    expiry: u64,
}

impl Window {
    /// A window `[not_before, expiry)`.
    ///
    /// ```
    /// use cipherchart::Window;
    /// let day = 86_400;
    /// let w = Window::new(1_767_225_600, 1_767_225_600 + 90 * day)?;
    /// assert!(w.contains(1_767_225_600) && !w.contains(1_767_225_600 + 90 * day));
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless `not_before < expiry`.
    pub fn new(not_before: u64, expiry: u64) -> Result<Self> {
        if not_before >= expiry {
            return Err(Error::InvalidArgument(
                "a consent window needs not_before < expiry",
            ));
        }
        Ok(Self { not_before, expiry })
    }

    /// The first second of validity.
    pub fn not_before(&self) -> u64 {
        self.not_before
    }

    /// The first second after validity.
    pub fn expiry(&self) -> u64 {
        self.expiry
    }

    /// Whether the window contains time `t`.
    pub fn contains(&self, t: u64) -> bool {
        self.not_before <= t && t < self.expiry
    }

    /// Whether `self` lies inside `wider`.
    pub fn is_within(&self, wider: &Self) -> bool {
        wider.not_before <= self.not_before && self.expiry <= wider.expiry
    }
}

/// Everything a patient's authority block says, before it is signed by
/// [`ConsentToken::issue`](super::ConsentToken::issue).
///
/// Built with [`Grant::new`] and the setters; the scope starts as
/// [`Scope::all`], the purposes empty (at least one is required), no re-key and no
/// holder (a bearer token: see [`Grant::holder`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub(crate) subject: String,
    pub(crate) grantee: Grantee,
    pub(crate) scope: Scope,
    pub(crate) purposes: BTreeSet<String>,
    pub(crate) window: Window,
    pub(crate) rekey_digest: Option<[u8; 32]>,
    pub(crate) holder: Option<BlsPublicKey>,
}

impl Grant {
    /// A grant about `subject` (the patient's id, as text) for `grantee` during
    /// `window`.
    pub fn new(subject: impl Into<String>, grantee: Grantee, window: Window) -> Self {
        Self {
            subject: subject.into(),
            grantee,
            scope: Scope::all(),
            purposes: BTreeSet::new(),
            window,
            rekey_digest: None,
            holder: None,
        }
    }

    /// Restricts the scope to these record ids.
    #[must_use]
    pub fn records<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.scope.records = Selection::only(ids);
        self
    }

    /// Restricts the scope to these categories.
    #[must_use]
    pub fn categories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, categories: I) -> Self {
        self.scope.categories = Selection::only(categories);
        self
    }

    /// Sets the whole scope.
    #[must_use]
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// The purposes of use (e.g. `treatment`, `research`; at least one).
    #[must_use]
    pub fn purposes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, purposes: I) -> Self {
        self.purposes = purposes.into_iter().map(Into::into).collect();
        self
    }

    /// Authorises only this re-key: the token names its
    /// [`rekey_digest`](super::rekey_digest), and the proxy helper refuses any other.
    #[must_use]
    pub fn rekey(mut self, rekey: &ReKey) -> Self {
        self.rekey_digest = Some(super::rekey_digest(rekey));
        self
    }

    /// Authorises only the re-key with this digest (see [`Grant::rekey`]).
    #[must_use]
    pub fn rekey_digest(mut self, digest: [u8; 32]) -> Self {
        self.rekey_digest = Some(digest);
        self
    }

    /// Names the holder: the only key that may append an attenuation block, and whose
    /// proof ([`ConsentToken::present`](super::ConsentToken::present)) the token then
    /// needs to verify. Without a holder the token is a closed bearer token: anyone
    /// who has its bytes can use it, nobody can attenuate it.
    #[must_use]
    pub fn holder(mut self, holder: BlsPublicKey) -> Self {
        self.holder = Some(holder);
        self
    }
}

/// What an attenuation block changes: each field `None` keeps the value of the block
/// before; a given value must lie within it
/// ([`ConsentToken::attenuate`](super::ConsentToken::attenuate) and
/// [`verify`](super::verify) refuse a widening with
/// [`ConsentError::Widened`](crate::error::ConsentError::Widened)).
///
/// The next holder is never inherited: a block that names none closes the token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub(crate) records: Option<Selection>,
    pub(crate) categories: Option<Selection>,
    pub(crate) purposes: Option<BTreeSet<String>>,
    pub(crate) window: Option<Window>,
    pub(crate) holder: Option<BlsPublicKey>,
}

impl Narrowing {
    /// Changes nothing and names no next holder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Narrows the record ids to these.
    #[must_use]
    pub fn records<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.records = Some(Selection::only(ids));
        self
    }

    /// Narrows the categories to these.
    #[must_use]
    pub fn categories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, categories: I) -> Self {
        self.categories = Some(Selection::only(categories));
        self
    }

    /// Sets the record-id selection (`Selection::Any` only keeps an `Any`).
    #[must_use]
    pub fn record_selection(mut self, s: Selection) -> Self {
        self.records = Some(s);
        self
    }

    /// Sets the category selection (`Selection::Any` only keeps an `Any`).
    #[must_use]
    pub fn category_selection(mut self, s: Selection) -> Self {
        self.categories = Some(s);
        self
    }

    /// Narrows the purposes to these.
    #[must_use]
    pub fn purposes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, purposes: I) -> Self {
        self.purposes = Some(purposes.into_iter().map(Into::into).collect());
        self
    }

    /// Narrows the time window.
    #[must_use]
    pub fn window(mut self, window: Window) -> Self {
        self.window = Some(window);
        self
    }

    /// Names the next holder (who may attenuate further and must present the token).
    #[must_use]
    pub fn holder(mut self, holder: BlsPublicKey) -> Self {
        self.holder = Some(holder);
        self
    }
}
