//! The version notice object (`docs/revocation-v3.md` §4.2, §11.2): fields, canonical
//! encoding, strict decoding, signing.

use core::fmt;

use sha2::{Digest, Sha256};

use crate::abe::vattr::{self, MIN_VATTR_LEN};
use crate::encoding::{
    hex_prefix, ObjectType, Reader, Writer, FORMAT_VERSION_V3, G2_LEN, HEADER_LEN,
};
use crate::error::{EncodingError, Error, Result};
use crate::hash::dst;
use crate::policy::Attribute;
use crate::sig::{BlsPublicKey, BlsSignature, BlsSigningKey};

/// The largest encoded notice (§4.2, §11.2): 4 MiB, checked on the input length before
/// anything else is read.
pub(crate) const MAX_NOTICE_LEN: usize = 4 * 1024 * 1024;

/// The most entries of a notice's `versions` (§4.2).
pub(crate) const MAX_NOTICE_ENTRIES: usize = 65_536;

/// The longest validity of a notice: `not_after − issued_at ≤ 24 hours` (§4.2).
pub(crate) const MAX_NOTICE_VALIDITY: u64 = 86_400;

/// The encoded length up to `versions` (header, authority, five `u64`, bump head), and
/// the signature after it.
const FIXED_PREFIX_LEN: usize = 4 + 32 + 5 * 8 + 32;

/// What the notice service states in a notice (`docs/revocation-v3.md` §11.2), before it
/// is signed by [`VersionNotice::sign`].
///
/// `versions` lists every bumped name (an [`Attribute`], outside the reserved
/// `cipherchart:` namespace) with its current version (≥ 1 and ≤ `bump_count`), in any
/// order; signing sorts it. `bump_head` is the entry hash of the `bump_count`-th bump
/// entry of the authority (all zero iff `bump_count` is 0): the bump chain entries are not
/// built yet, so it is whatever 32-byte hash the service's bump log gives, and verifiers
/// cannot check it against a fold yet (§4.3 step 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeFields {
    /// The authority id ([`PublicKey::id`](crate::PublicKey::id)).
    pub authority: [u8; 32],
    /// The serial of the authority identity statement whose notice key signs.
    pub statement_serial: u64,
    /// ≥ 1, strictly increasing from notice to notice, and ≤ `issued_at` (the service
    /// issues at most one notice per second with `serial = issued_at`).
    pub serial: u64,
    /// Issue time, seconds since the Unix epoch.
    pub issued_at: u64,
    /// End of validity, seconds: `issued_at < not_after ≤ issued_at + 86400`.
    pub not_after: u64,
    /// How many of the authority's bump entries this notice reflects.
    pub bump_count: u64,
    /// The entry hash of the `bump_count`-th bump entry; all zero iff `bump_count` is 0.
    pub bump_head: [u8; 32],
    /// Every bumped name with its version.
    pub versions: Vec<(Attribute, u32)>,
}

/// A signed version notice (`docs/revocation-v3.md` §4.2, §11.2; object tag `0x41`,
/// format version 3): the full map of an authority's bumped attribute names to their
/// versions, with serial, validity and the bump head it reflects, signed by the authority's
/// notice key.
///
/// A `VersionNotice` value always satisfies every decoding rule of §11.2; its signature is
/// checked only by [`verify`](Self::verify), which gives the
/// [`VerifiedNotice`](crate::VerifiedNotice) that everything else takes. Public data:
/// notices may travel over any channel.
///
/// ```
/// use cipherchart::{Attribute, BlsSigningKey, NoticeFields, VersionNotice};
///
/// let notice_key = BlsSigningKey::generate(&mut rand_core::OsRng);
/// let fields = NoticeFields {
///     authority: [7; 32],
///     statement_serial: 0,
///     serial: 1_800_000_000,
///     issued_at: 1_800_000_000,
///     not_after: 1_800_003_600,
///     bump_count: 1,
///     bump_head: [1; 32],
///     versions: vec![(Attribute::new("patient:42")?, 1)],
/// };
/// let notice = VersionNotice::sign(&notice_key, &fields)?;
/// let bytes = notice.to_bytes();
/// let back = VersionNotice::from_bytes(&bytes)?;
/// assert_eq!(back, notice);
/// let verified = back.verify(&notice_key.public_key(), 1_800_000_100, None)?;
/// assert_eq!(verified.version_of("patient:42"), 1);
/// assert_eq!(verified.version_of("patient:43"), 0);
/// # Ok::<(), cipherchart::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct VersionNotice {
    fields: NoticeFields,
    signature: BlsSignature,
    /// The canonical encoding (equality, the digest and re-encoding use it).
    bytes: Vec<u8>,
}

impl fmt::Debug for VersionNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = &self.fields;
        f.debug_struct("VersionNotice")
            .field("authority", &hex_prefix(&n.authority))
            .field("statement_serial", &n.statement_serial)
            .field("serial", &n.serial)
            .field("issued_at", &n.issued_at)
            .field("not_after", &n.not_after)
            .field("bump_count", &n.bump_count)
            .field("entries", &n.versions.len())
            .finish_non_exhaustive()
    }
}

impl VersionNotice {
    /// Signs a notice with the notice key: sorts `fields.versions` by name and checks every
    /// rule a decoder checks (§11.2), so a signed notice always decodes back.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for fields that break a §11.2 rule: `serial` 0 or above
    /// `issued_at`, a validity that is empty or longer than 24 hours, a `bump_head` that is
    /// zero with bumps or non-zero without, a name given twice, a version 0 or above
    /// `bump_count`, more than 65,536 entries or an encoding above 4 MiB;
    /// [`Error::InvalidAttribute`] for a name in the reserved `cipherchart:` namespace.
    pub fn sign(key: &BlsSigningKey, fields: &NoticeFields) -> Result<Self> {
        let mut fields = fields.clone();
        fields.versions.sort_by(|a, b| a.0.cmp(&b.0));
        if fields.versions.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(Error::InvalidArgument("a notice names an attribute twice"));
        }
        if fields.versions.iter().any(|(a, _)| vattr::is_reserved(a)) {
            return Err(Error::InvalidAttribute);
        }
        if fields.versions.len() > MAX_NOTICE_ENTRIES {
            return Err(Error::InvalidArgument("more than 65,536 notice entries"));
        }
        check_fields(&fields).map_err(|why| Error::InvalidArgument(why.message()))?;
        let mut body = Writer::raw();
        write_signed_fields(&mut body, &fields);
        let body = body.finish();
        if HEADER_LEN + body.len() + G2_LEN > MAX_NOTICE_LEN {
            return Err(Error::InvalidArgument("a notice above 4 MiB"));
        }
        let signature = key.sign(&signed_message(&body));
        let mut w = Writer::at_version(ObjectType::VersionNotice, FORMAT_VERSION_V3);
        w.fixed(&body);
        w.fixed(&signature.to_bytes());
        let bytes = w.finish();
        Ok(Self {
            fields,
            signature,
            bytes,
        })
    }

    /// The canonical encoding (`docs/formats.md`, "Version notice (v3)").
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Decodes a notice under every rule of `docs/revocation-v3.md` §11.2. The signature
    /// is decoded (a valid G2 point, not the identity) but not verified: that is
    /// [`verify`](Self::verify).
    ///
    /// # Errors
    /// [`Error::InvalidEncoding`]: `BadLength` for input above 4 MiB (checked first) or
    /// more than 65,536 entries; `WrongType`, `UnsupportedVersion` (only version 3 exists);
    /// `NonCanonical` for `serial` 0 or above `issued_at`, `not_after` not in
    /// `(issued_at, issued_at + 86400]`, a bump head that is zero with bumps or non-zero
    /// without, a name not in canonical form, in the `cipherchart:` namespace, out of
    /// order or repeated, a version 0 or above `bump_count`; `InvalidText` for a name that
    /// is not an attribute; the point errors of a signature; `Truncated`, `TrailingBytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_NOTICE_LEN {
            return Err(EncodingError::BadLength.into());
        }
        let (mut r, _) = Reader::new_at(bytes, ObjectType::VersionNotice, &[FORMAT_VERSION_V3])?;
        let authority = r.fixed::<32>()?;
        let statement_serial = r.u64()?;
        let serial = r.u64()?;
        let issued_at = r.u64()?;
        let not_after = r.u64()?;
        let bump_count = r.u64()?;
        let bump_head = r.fixed::<32>()?;
        // Reserve no more entries than the input can hold (each is at least 9 bytes).
        let reserve = bytes.len().saturating_sub(FIXED_PREFIX_LEN) / MIN_VATTR_LEN;
        let (names, versions) = vattr::read_list(&mut r, 0, MAX_NOTICE_ENTRIES, reserve)?;
        let signature = BlsSignature::from_bytes(&r.fixed::<G2_LEN>()?)?;
        r.finish()?;
        let fields = NoticeFields {
            authority,
            statement_serial,
            serial,
            issued_at,
            not_after,
            bump_count,
            bump_head,
            versions: names.into_iter().zip(versions).collect(),
        };
        check_fields(&fields).map_err(|_| EncodingError::NonCanonical)?;
        Ok(Self {
            fields,
            signature,
            bytes: bytes.to_vec(),
        })
    }

    /// The notice digest (§11.2): plain SHA-256 of the encoding. What `notice` chain
    /// entries and a statement's `notice_floor` name, and how two notices with the same
    /// serial are told apart.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(&self.bytes).into()
    }

    /// The authority id.
    pub fn authority(&self) -> [u8; 32] {
        self.fields.authority
    }

    /// The serial of the authority statement whose notice key signs.
    pub fn statement_serial(&self) -> u64 {
        self.fields.statement_serial
    }

    /// The notice's serial (≥ 1, ≤ [`issued_at`](Self::issued_at)).
    pub fn serial(&self) -> u64 {
        self.fields.serial
    }

    /// Issue time, seconds since the Unix epoch.
    pub fn issued_at(&self) -> u64 {
        self.fields.issued_at
    }

    /// End of validity, seconds since the Unix epoch (the notice is current while
    /// `now < not_after`).
    pub fn not_after(&self) -> u64 {
        self.fields.not_after
    }

    /// How many of the authority's bump entries the notice reflects.
    pub fn bump_count(&self) -> u64 {
        self.fields.bump_count
    }

    /// The entry hash of the `bump_count`-th bump entry (all zero when `bump_count` is 0).
    pub fn bump_head(&self) -> [u8; 32] {
        self.fields.bump_head
    }

    /// Every bumped name with its version (≥ 1), sorted by name. A name not listed is at
    /// version 0.
    pub fn versions(&self) -> &[(Attribute, u32)] {
        &self.fields.versions
    }

    /// The signature by the notice key.
    pub fn signature(&self) -> &BlsSignature {
        &self.signature
    }

    /// The version of `name` (after canonicalisation): the listed one, 0 if the name is
    /// not listed or is not an attribute.
    pub(crate) fn version_of(&self, name: &Attribute) -> u32 {
        self.fields
            .versions
            .binary_search_by(|(a, _)| a.cmp(name))
            .ok()
            .and_then(|i| self.fields.versions.get(i))
            .map_or(0, |(_, v)| *v)
    }

    /// Checks the signature under `notice_key` over `bytes(NOTICE_SIG) ‖ authority …
    /// versions`.
    ///
    /// # Errors
    /// [`Error::VerificationFailed`].
    pub(crate) fn check_signature(&self, notice_key: &BlsPublicKey) -> Result<()> {
        // The signed fields are the encoding between the header and the signature: the
        // bytes as received (a decoded notice is canonical, so they are also the bytes
        // its fields re-encode to).
        let body = self
            .bytes
            .len()
            .checked_sub(G2_LEN)
            .and_then(|end| self.bytes.get(HEADER_LEN..end))
            .ok_or(Error::VerificationFailed)?;
        notice_key.verify(&signed_message(body), &self.signature)
    }
}

/// The signed message (§11.2): `bytes("CIPHERCHART-V01-NOTICE-SIG")` ‖ every field from
/// `authority` to `versions` as encoded (`body`).
fn signed_message(body: &[u8]) -> Vec<u8> {
    let mut w = Writer::raw();
    w.bytes(dst::NOTICE_SIG);
    w.fixed(body);
    w.finish()
}

/// Writes `authority` … `versions` (the signed fields, in encoding order).
fn write_signed_fields(w: &mut Writer, f: &NoticeFields) {
    w.fixed(&f.authority);
    w.u64(f.statement_serial);
    w.u64(f.serial);
    w.u64(f.issued_at);
    w.u64(f.not_after);
    w.u64(f.bump_count);
    w.fixed(&f.bump_head);
    w.count(f.versions.len());
    for (a, v) in &f.versions {
        w.text(a.as_str());
        w.u32(*v);
    }
}

/// Which §11.2 rule a set of fields breaks (beyond the names' own rules, which the
/// `vattr` codec and `sign` check).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldRule {
    Serial,
    Validity,
    BumpHead,
    Version,
}

impl FieldRule {
    fn message(self) -> &'static str {
        match self {
            Self::Serial => "a notice serial must be at least 1 and at most issued_at",
            Self::Validity => "a notice must expire after issued_at and within 24 hours",
            Self::BumpHead => "a notice's bump head must be zero exactly when bump_count is 0",
            Self::Version => "a notice version must be at least 1 and at most bump_count",
        }
    }
}

/// The value rules of §11.2 on the fields (decoding: `NonCanonical`; signing:
/// `InvalidArgument`).
fn check_fields(f: &NoticeFields) -> core::result::Result<(), FieldRule> {
    if f.serial == 0 || f.serial > f.issued_at {
        return Err(FieldRule::Serial);
    }
    if f.not_after <= f.issued_at || f.not_after - f.issued_at > MAX_NOTICE_VALIDITY {
        return Err(FieldRule::Validity);
    }
    if (f.bump_count == 0) != (f.bump_head == [0; 32]) {
        return Err(FieldRule::BumpHead);
    }
    if f.versions
        .iter()
        .any(|&(_, v)| v == 0 || u64::from(v) > f.bump_count)
    {
        return Err(FieldRule::Version);
    }
    Ok(())
}
