//! The one error type of the library, with stable codes.
//!
//! Every fallible operation returns [`Error`]. Each variant has a stable string
//! [`code`](Error::code) that the Python and JavaScript bindings project onto
//! exception classes (`cipherchart.InvalidEncoding`, …) and `Error` subclasses with a
//! `.code` property. Codes never change once published; new variants may be added
//! (the enum is `#[non_exhaustive]`).
//!
//! Verification and decryption failures are deliberately opaque: they carry no detail
//! that would help an attacker tell one failed check from another.
//!
//! The codes are written out, never derived from variant names: [`Error::code`] and
//! [`Error::CODES`] for the error, and the `code()` / `ALL` table of each reason enum
//! ([`EncodingError`], [`LimitKind`], [`ChainErrorKind`], [`ConsentError`]) for
//! [`Error::kind`]. The unit tests pin every one of them.
//!
//! Why no private detailed error behind the public one (ed25519-dalek's split, where
//! `SignatureError` wraps a private `InternalError`): here the detail *is* the public API.
//! The reasons are public data (encodings, policies, logs, tokens) that callers and
//! conformance vectors match on, and the opaque failures already carry nothing; a private
//! layer would only add a second table to keep in step. It is worth revisiting if a
//! variant ever needs detail that must not be promised stable.

use core::fmt;
use std::sync::Arc;

/// The explicit code table of a fieldless reason enum: `ALL` (every variant, in declaration
/// order) and `code()` (its stable snake_case code), from one list. The `match` in `code()` is
/// exhaustive, so a variant missing from the list does not compile, and `ALL` is built from the
/// same list, so it cannot miss one either.
macro_rules! code_table {
    ($ty:ident { $($variant:ident => $code:literal,)+ }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable snake_case code of this reason: what [`Error::kind`] returns for it
            /// and what the Python and JavaScript errors carry as `.kind`. Written out, never
            /// derived from the variant's name: renaming a variant does not change its code.
            pub const fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }
        }
    };
}

/// What was wrong with bytes handed to a decoder.
///
/// The detail helps a developer find a bug in a producer; it never depends on secret
/// data (decoders only see public encodings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodingError {
    /// The input ended before the object was complete.
    Truncated,
    /// Bytes were left after a complete object.
    TrailingBytes,
    /// The magic bytes or type tag name another kind of object.
    WrongType,
    /// The format version is not one this library reads.
    UnsupportedVersion,
    /// A length field is out of range or inconsistent.
    BadLength,
    /// A group element is not a canonical encoding of a point on the curve.
    InvalidPoint,
    /// A group element is not in the prime-order subgroup.
    NotInSubgroup,
    /// A group element is the identity where the identity is never valid.
    IdentityPoint,
    /// A scalar is not canonical (not reduced modulo the group order) or is zero where
    /// zero is not allowed.
    InvalidScalar,
    /// A text field is not valid UTF-8 or not in canonical form.
    InvalidText,
    /// A value is syntactically well formed but not canonical (for example an unsorted
    /// set or a redundant encoding).
    NonCanonical,
}

impl EncodingError {
    /// A short, stable description.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Truncated => "input is truncated",
            Self::TrailingBytes => "trailing bytes after the object",
            Self::WrongType => "wrong object type",
            Self::UnsupportedVersion => "unsupported format version",
            Self::BadLength => "length out of range",
            Self::InvalidPoint => "invalid curve point encoding",
            Self::NotInSubgroup => "point is not in the prime-order subgroup",
            Self::IdentityPoint => "identity point is not allowed here",
            Self::InvalidScalar => "invalid scalar encoding",
            Self::InvalidText => "invalid or non-canonical text",
            Self::NonCanonical => "non-canonical encoding",
        }
    }
}

code_table!(EncodingError {
    Truncated => "truncated",
    TrailingBytes => "trailing_bytes",
    WrongType => "wrong_type",
    UnsupportedVersion => "unsupported_version",
    BadLength => "bad_length",
    InvalidPoint => "invalid_point",
    NotInSubgroup => "not_in_subgroup",
    IdentityPoint => "identity_point",
    InvalidScalar => "invalid_scalar",
    InvalidText => "invalid_text",
    NonCanonical => "non_canonical",
});

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a policy text was rejected by the parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySyntaxError {
    /// Byte offset into the (NFC-normalised) policy text where the problem was found.
    pub position: usize,
    /// What the parser expected or found, for humans (e.g. `expected ')'`).
    pub message: String,
}

impl fmt::Display for PolicySyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.position, self.message)
    }
}

/// Which resource bound a policy or attribute set exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitKind {
    /// Too many leaves (attributes) in one policy.
    PolicyLeaves,
    /// Gates nested too deeply.
    PolicyDepth,
    /// Policy text or encoding too long.
    PolicyLength,
    /// An attribute name too long.
    AttributeLength,
    /// Too many attributes in one key.
    KeyAttributes,
    /// A threshold gate with too many children.
    GateWidth,
    /// Opening a record under the policy (or under all the layers of a re-encrypted
    /// record) would take more work than the cost model allows (`MAX_POLICY_COST`).
    PolicyCost,
}

code_table!(LimitKind {
    PolicyLeaves => "policy_leaves",
    PolicyDepth => "policy_depth",
    PolicyLength => "policy_length",
    AttributeLength => "attribute_length",
    KeyAttributes => "key_attributes",
    GateWidth => "gate_width",
    PolicyCost => "policy_cost",
});

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PolicyLeaves => "too many attributes in the policy",
            Self::PolicyDepth => "policy nested too deeply",
            Self::PolicyLength => "policy too long",
            Self::AttributeLength => "attribute name too long",
            Self::KeyAttributes => "too many attributes in the key",
            Self::GateWidth => "threshold gate has too many children",
            Self::PolicyCost => "policy too costly to open",
        })
    }
}

/// What is wrong with a proof chain or its store, found by
/// [`Chain::open`](crate::chain::Chain::open) or
/// [`Chain::verify_all`](crate::chain::Chain::verify_all).
///
/// The log is public data, so the kind and the position are reported in full: an
/// auditor needs to know which entry to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChainErrorKind {
    /// The stored bytes are not a valid entry encoding.
    Encoding,
    /// The entry's sequence number is not its position in the chain.
    Sequence,
    /// The entry's previous-entry hash is not the hash of the entry before it.
    Link,
    /// The actor's signature on the entry does not verify.
    Signature,
    /// The entry differs from the one this chain loaded or appended (the store was
    /// changed underneath it).
    Modified,
    /// The store holds fewer entries than the chain or the checkpoint needs.
    Missing,
    /// The tree's root at the checkpoint's size is not the checkpoint's root.
    Root,
    /// The store cannot be trusted: a record failed its checksum, or a write failed and
    /// the store refuses further appends until it is reopened (which recovers it).
    Store,
    /// Another writer holds the store (a second
    /// [`FileStore::open`](crate::chain::FileStore::open) of a file that a writer, in this
    /// process or another, still has open). Nothing was read or changed; `index` is 0.
    Locked,
    /// The store file is not the length this writer last wrote: something else wrote to or
    /// truncated it (a writer that ignores the lock). Nothing was written; reopen the store
    /// to recover it. `index` is the entry that was being appended.
    FileChanged,
}

code_table!(ChainErrorKind {
    Encoding => "encoding",
    Sequence => "sequence",
    Link => "link",
    Signature => "signature",
    Modified => "modified",
    Missing => "missing",
    Root => "root",
    Store => "store",
    Locked => "locked",
    FileChanged => "file_changed",
});

impl fmt::Display for ChainErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Encoding => "entry is not a valid encoding",
            Self::Sequence => "entry sequence number is not its position",
            Self::Link => "entry does not link to the previous entry",
            Self::Signature => "entry signature does not verify",
            Self::Modified => "entry was modified in the store",
            Self::Missing => "entry is missing from the store",
            Self::Root => "tree root does not match the checkpoint",
            Self::Store => "store record is damaged or the store failed",
            Self::Locked => "another writer holds the store",
            Self::FileChanged => "the store file was changed by another writer",
        })
    }
}

/// A broken proof chain: which entry, and what is wrong with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChainError {
    /// The index of the first entry found at fault (for [`ChainErrorKind::Root`] and
    /// [`ChainErrorKind::Missing`], the tree size that could not be matched or reached).
    pub index: u64,
    /// What is wrong.
    pub kind: ChainErrorKind,
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at entry {}: {}", self.index, self.kind)
    }
}

/// Why a consent token was refused or a consented operation was not allowed
/// ([`consent`](crate::consent)).
///
/// Each reason is distinct so that a proxy can log and a patient app can explain it;
/// tokens are public data, so the reason leaks nothing. A bad *signature* is not here:
/// it stays the opaque [`Error::VerificationFailed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConsentError {
    /// The time of verification is at or after the effective expiry.
    Expired,
    /// The time of verification is before the effective not-before time.
    NotYetValid,
    /// A revocation id of one of the token's blocks is in the revocation set.
    Revoked,
    /// The token was issued by another key than the one the verifier expects.
    WrongIssuer,
    /// An attenuation block widens the scope, the purposes or the time window.
    Widened,
    /// A block's index is not its position in the token (blocks were reordered,
    /// dropped from the middle or duplicated).
    Reordered,
    /// The holder chain is broken: a block follows a block that names no next holder,
    /// or the key attenuating or presenting the token is not the named holder.
    BadChain,
    /// The last block names a holder but the token carries no proof by that holder
    /// (for example a token cut back to an earlier holder's block).
    MissingProof,
    /// The consent does not cover this record, category or purpose.
    NotPermitted,
    /// The re-encryption key is not the one the consent authorises (digest or target
    /// policy differs, or the consent names no re-key at all).
    RekeyMismatch,
}

code_table!(ConsentError {
    Expired => "expired",
    NotYetValid => "not_yet_valid",
    Revoked => "revoked",
    WrongIssuer => "wrong_issuer",
    Widened => "widened",
    Reordered => "reordered",
    BadChain => "bad_chain",
    MissingProof => "missing_proof",
    NotPermitted => "not_permitted",
    RekeyMismatch => "rekey_mismatch",
});

impl fmt::Display for ConsentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Expired => "the consent has expired",
            Self::NotYetValid => "the consent is not yet valid",
            Self::Revoked => "the consent was revoked",
            Self::WrongIssuer => "the consent was issued by another key",
            Self::Widened => "an attenuation block widens the consent",
            Self::Reordered => "the consent's blocks are out of order",
            Self::BadChain => "the consent's holder chain is broken",
            Self::MissingProof => "the consent lacks its holder's proof",
            Self::NotPermitted => "the consent does not permit this",
            Self::RekeyMismatch => "the re-encryption key is not the one the consent names",
        })
    }
}

/// Why a passphrase-protected key file (`docs/keyfiles.md`) could not be written or read.
///
/// Key files are [age](https://age-encryption.org/v1) files with a passphrase (scrypt)
/// recipient; each reason below is one row of the error map in `docs/keyfiles.md`. No
/// reason, message or field ever contains the passphrase or key bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The passphrase is wrong, or the file's passphrase stanza was altered: age cannot
    /// tell these apart (its scrypt stanza is an AEAD under the passphrase-derived key).
    WrongPassphraseOrDamaged,
    /// Not a cipherchart key file: not an age file, an age file for other recipients than
    /// a passphrase, a header that does not parse, a file over 1 MiB, or a cipherchart
    /// label that does not parse or disagrees with the key inside.
    Malformed,
    /// The age header's MAC does not verify: the header was altered after the passphrase
    /// stanza (which did decrypt).
    HeaderMac,
    /// The encrypted payload is damaged or truncated (age's STREAM tags do not verify).
    Damaged,
    /// The file asks for more scrypt work than the reader allows (`log2 N` above the
    /// reader's maximum, 18 unless raised): a defence against files that cost gigabytes
    /// of memory to open.
    WorkFactorTooHigh,
    /// The file's scrypt work factor is below 15 (written by a tool with weak settings).
    WorkFactorTooLow,
    /// The file holds another kind of key than the one asked for (a re-key read as a
    /// user key, say).
    WrongKeyType,
    /// The passphrase cannot be used: empty when writing, or (Python, JavaScript) a string
    /// with a lone surrogate, which has no UTF-8 form.
    InvalidPassphrase,
}

code_table!(KeyFileError {
    WrongPassphraseOrDamaged => "wrong_passphrase_or_damaged",
    Malformed => "malformed",
    HeaderMac => "header_mac",
    Damaged => "damaged",
    WorkFactorTooHigh => "work_factor_too_high",
    WorkFactorTooLow => "work_factor_too_low",
    WrongKeyType => "wrong_key_type",
    InvalidPassphrase => "invalid_passphrase",
});

impl fmt::Display for KeyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WrongPassphraseOrDamaged => "wrong passphrase, or the file is damaged",
            Self::Malformed => "not a cipherchart key file",
            Self::HeaderMac => "the key file's header is damaged",
            Self::Damaged => "the key file is damaged or truncated",
            Self::WorkFactorTooHigh => "the key file's scrypt work factor is above the limit",
            Self::WorkFactorTooLow => "the key file's scrypt work factor is too low",
            Self::WrongKeyType => "the key file holds another kind of key",
            Self::InvalidPassphrase => "the passphrase cannot be used",
        })
    }
}

/// The error type of every fallible cipherchart operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Bytes handed to a decoder are malformed (code `invalid_encoding`).
    InvalidEncoding(EncodingError),
    /// A policy text does not follow the grammar (code `policy_syntax`).
    PolicySyntax(PolicySyntaxError),
    /// A policy is well formed but not acceptable: it repeats an attribute (code
    /// `policy_invalid`). A threshold `k of (…)` with `k` out of range is a
    /// [`PolicySyntax`](Self::PolicySyntax) error at `k`.
    PolicyInvalid(&'static str),
    /// A policy or attribute set exceeds a resource bound (code `limit_exceeded`).
    LimitExceeded(LimitKind),
    /// An attribute name is not of the form `namespace:value` or is not canonical
    /// (code `invalid_attribute`).
    InvalidAttribute,
    /// The key's attributes do not satisfy the record's policy (code
    /// `policy_not_satisfied`). Checked before any pairing.
    PolicyNotSatisfied,
    /// Decryption failed: a tampered or mismatched record, header or key. Deliberately
    /// opaque (code `decryption_failed`).
    DecryptionFailed,
    /// A signature, proof or checkpoint did not verify. Deliberately opaque (code
    /// `verification_failed`).
    VerificationFailed,
    /// A key, re-key or record was issued by another authority than the one named
    /// (code `wrong_authority`). Checked before any pairing.
    WrongAuthority,
    /// An argument is out of its documented range (code `invalid_argument`).
    InvalidArgument(&'static str),
    /// An I/O operation failed (code `io`). The [`IoError`] keeps the `std::io::Error`
    /// (its message, and it is this error's [`source`](std::error::Error::source)).
    Io(IoError),
    /// A proof chain or its store is broken at a given entry (code `chain_error`).
    Chain(ChainError),
    /// A consent token was refused, or it does not permit the operation (code
    /// `consent_error`).
    Consent(ConsentError),
    /// A passphrase-protected key file could not be written or read (code
    /// `key_file_error`); the [`KeyFileError`] says why.
    KeyFile(KeyFileError),
    /// A version notice is not current (code `stale_notice`,
    /// `docs/revocation-v3.md` §4.3): expired (`now ≥ not_after`), issued more than five
    /// minutes in the verifier's future, older (a lower serial) than the notice the
    /// verifier has accepted, or another notice under the same serial.
    StaleNotice,
    /// A version notice would move a verifier's versions backwards (code
    /// `notice_rollback`, `docs/revocation-v3.md` §4.3): a name of the accepted notice is
    /// missing or at a lower version, the bump count went down, or a name rose by more
    /// than the bump count did (each bump raises a name by at most one). Worth an alarm.
    NoticeRollback,
    /// An object carries an attribute version above every notice the verifier can check
    /// (code `future_version`, `docs/revocation-v3.md` §3.3, §4.5).
    FutureVersion,
    /// A re-key is at older attribute versions than the current notice of its source or
    /// its target authority (code `stale_rekey`, `docs/revocation-v3.md` §7.5): a name it
    /// delegates, or a name of its target policy, was bumped since it was made, so
    /// applying it could deliver a record to an audience a revocation shut out. Make a new
    /// re-key under the current notices.
    StaleReKey,
}

impl Error {
    /// Every code [`code`](Self::code) returns, one per variant, in declaration order: the
    /// table the Python and JavaScript bindings define their error classes after (their tests
    /// check that each of these codes has its own class).
    pub const CODES: &'static [&'static str] = &[
        "invalid_encoding",
        "policy_syntax",
        "policy_invalid",
        "limit_exceeded",
        "invalid_attribute",
        "policy_not_satisfied",
        "decryption_failed",
        "verification_failed",
        "wrong_authority",
        "invalid_argument",
        "io",
        "chain_error",
        "consent_error",
        "key_file_error",
        "stale_notice",
        "notice_rollback",
        "future_version",
        "stale_rekey",
    ];

    /// The stable machine-readable code of this error, shared by the Rust, Python and
    /// JavaScript APIs.
    ///
    /// ```
    /// use cipherchart::Error;
    /// assert_eq!(Error::DecryptionFailed.code(), "decryption_failed");
    /// ```
    pub const fn code(&self) -> &'static str {
        match self {
            Self::InvalidEncoding(_) => "invalid_encoding",
            Self::PolicySyntax(_) => "policy_syntax",
            Self::PolicyInvalid(_) => "policy_invalid",
            Self::LimitExceeded(_) => "limit_exceeded",
            Self::InvalidAttribute => "invalid_attribute",
            Self::PolicyNotSatisfied => "policy_not_satisfied",
            Self::DecryptionFailed => "decryption_failed",
            Self::VerificationFailed => "verification_failed",
            Self::WrongAuthority => "wrong_authority",
            Self::InvalidArgument(_) => "invalid_argument",
            Self::Io(_) => "io",
            Self::Chain(_) => "chain_error",
            Self::Consent(_) => "consent_error",
            Self::KeyFile(_) => "key_file_error",
            Self::StaleNotice => "stale_notice",
            Self::NoticeRollback => "notice_rollback",
            Self::FutureVersion => "future_version",
            Self::StaleReKey => "stale_rekey",
        }
    }

    /// The reason, for the errors that carry one: the code of the [`ConsentError`]
    /// (`expired`, `revoked`, …, [`ConsentError::code`]), [`KeyFileError`], [`ChainErrorKind`],
    /// [`EncodingError`] (`not_in_subgroup`, …) or [`LimitKind`]; `None` for the other errors.
    /// Stable like [`code`](Self::code) (each enum's `ALL` lists its variants), and what the
    /// Python and JavaScript errors carry as `.kind`.
    ///
    /// ```
    /// use cipherchart::{ConsentError, Error};
    /// assert_eq!(Error::Consent(ConsentError::NotYetValid).kind().as_deref(), Some("not_yet_valid"));
    /// assert_eq!(Error::DecryptionFailed.kind(), None);
    /// ```
    pub fn kind(&self) -> Option<String> {
        let code = match self {
            Self::Consent(c) => c.code(),
            Self::KeyFile(k) => k.code(),
            Self::Chain(c) => c.kind.code(),
            Self::InvalidEncoding(k) => k.code(),
            Self::LimitExceeded(k) => k.code(),
            _ => return None,
        };
        Some(code.to_owned())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidEncoding(e) => write!(f, "invalid encoding: {e}"),
            Self::PolicySyntax(e) => write!(f, "policy syntax error {e}"),
            Self::PolicyInvalid(why) => write!(f, "invalid policy: {why}"),
            Self::LimitExceeded(k) => write!(f, "limit exceeded: {k}"),
            Self::InvalidAttribute => f.write_str("invalid attribute name"),
            Self::PolicyNotSatisfied => {
                f.write_str("the key's attributes do not satisfy the policy")
            }
            Self::DecryptionFailed => f.write_str("decryption failed"),
            Self::VerificationFailed => f.write_str("verification failed"),
            Self::WrongAuthority => f.write_str("the key or record belongs to another authority"),
            Self::InvalidArgument(why) => write!(f, "invalid argument: {why}"),
            Self::Io(e) => write!(f, "i/o error: {e}"),
            Self::Chain(e) => write!(f, "proof chain broken {e}"),
            Self::Consent(e) => write!(f, "consent refused: {e}"),
            Self::KeyFile(e) => write!(f, "key file: {e}"),
            Self::StaleNotice => f.write_str("the version notice is not current"),
            Self::NoticeRollback => {
                f.write_str("the version notice would roll attribute versions back")
            }
            Self::FutureVersion => {
                f.write_str("an attribute version is above every known version notice")
            }
            Self::StaleReKey => {
                f.write_str("the re-key is at attribute versions a newer notice superseded")
            }
        }
    }
}

/// The underlying error of the variants that carry one: the [`EncodingError`],
/// [`PolicySyntaxError`], [`ChainError`], [`ConsentError`] or the `std::io::Error` of an
/// [`IoError`] (whose own `source` may go further).
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidEncoding(e) => Some(e),
            Self::PolicySyntax(e) => Some(e),
            Self::Chain(e) => Some(e),
            Self::Consent(e) => Some(e),
            Self::KeyFile(e) => Some(e),
            Self::Io(e) => Some(e.get_ref()),
            _ => None,
        }
    }
}

impl std::error::Error for EncodingError {}
impl std::error::Error for PolicySyntaxError {}
impl std::error::Error for ChainError {}
impl std::error::Error for ConsentError {}
impl std::error::Error for KeyFileError {}

/// The `std::io::Error` behind an [`Error::Io`], shared so that [`Error`] stays `Clone`.
///
/// Its `Display` is the `std::io::Error`'s message; [`get_ref`](Self::get_ref) gives the
/// error itself (for `raw_os_error`, `get_ref`, downcasting). Two `IoError`s are equal when
/// their [`kind`](Self::kind)s are: messages come from the OS and vary between platforms,
/// and `Error: PartialEq` is there for `assert_eq!(result, Err(…))` in tests and matches.
/// `IoError::from(ErrorKind::NotFound)` builds one from a kind alone, and an `IoError`
/// compares equal to its kind.
#[derive(Clone, Debug)]
pub struct IoError(Arc<std::io::Error>);

impl IoError {
    /// The kind of the I/O error.
    pub fn kind(&self) -> std::io::ErrorKind {
        self.0.kind()
    }

    /// The `std::io::Error` itself.
    pub fn get_ref(&self) -> &std::io::Error {
        &self.0
    }
}

impl PartialEq for IoError {
    fn eq(&self, other: &Self) -> bool {
        self.kind() == other.kind()
    }
}

impl Eq for IoError {}

impl PartialEq<std::io::ErrorKind> for IoError {
    fn eq(&self, other: &std::io::ErrorKind) -> bool {
        self.kind() == *other
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Transparent: the `source` of the `std::io::Error` it holds.
impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<std::io::Error> for IoError {
    fn from(e: std::io::Error) -> Self {
        Self(Arc::new(e))
    }
}

impl From<std::io::ErrorKind> for IoError {
    fn from(kind: std::io::ErrorKind) -> Self {
        Self(Arc::new(kind.into()))
    }
}

impl From<EncodingError> for Error {
    fn from(e: EncodingError) -> Self {
        Self::InvalidEncoding(e)
    }
}

impl From<PolicySyntaxError> for Error {
    fn from(e: PolicySyntaxError) -> Self {
        Self::PolicySyntax(e)
    }
}

impl From<ChainError> for Error {
    fn from(e: ChainError) -> Self {
        Self::Chain(e)
    }
}

impl From<ConsentError> for Error {
    fn from(e: ConsentError) -> Self {
        Self::Consent(e)
    }
}

impl From<KeyFileError> for Error {
    fn from(e: KeyFileError) -> Self {
        Self::KeyFile(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.into())
    }
}

/// `Result` with the library's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every published code, pinned: the conformance vectors and the Python and JavaScript
    /// errors carry these strings, so a change here is a breaking change of three APIs.
    const ENCODING: &[(EncodingError, &str)] = &[
        (EncodingError::Truncated, "truncated"),
        (EncodingError::TrailingBytes, "trailing_bytes"),
        (EncodingError::WrongType, "wrong_type"),
        (EncodingError::UnsupportedVersion, "unsupported_version"),
        (EncodingError::BadLength, "bad_length"),
        (EncodingError::InvalidPoint, "invalid_point"),
        (EncodingError::NotInSubgroup, "not_in_subgroup"),
        (EncodingError::IdentityPoint, "identity_point"),
        (EncodingError::InvalidScalar, "invalid_scalar"),
        (EncodingError::InvalidText, "invalid_text"),
        (EncodingError::NonCanonical, "non_canonical"),
    ];
    const LIMIT: &[(LimitKind, &str)] = &[
        (LimitKind::PolicyLeaves, "policy_leaves"),
        (LimitKind::PolicyDepth, "policy_depth"),
        (LimitKind::PolicyLength, "policy_length"),
        (LimitKind::AttributeLength, "attribute_length"),
        (LimitKind::KeyAttributes, "key_attributes"),
        (LimitKind::GateWidth, "gate_width"),
        (LimitKind::PolicyCost, "policy_cost"),
    ];
    const CHAIN: &[(ChainErrorKind, &str)] = &[
        (ChainErrorKind::Encoding, "encoding"),
        (ChainErrorKind::Sequence, "sequence"),
        (ChainErrorKind::Link, "link"),
        (ChainErrorKind::Signature, "signature"),
        (ChainErrorKind::Modified, "modified"),
        (ChainErrorKind::Missing, "missing"),
        (ChainErrorKind::Root, "root"),
        (ChainErrorKind::Store, "store"),
        (ChainErrorKind::Locked, "locked"),
        (ChainErrorKind::FileChanged, "file_changed"),
    ];
    const CONSENT: &[(ConsentError, &str)] = &[
        (ConsentError::Expired, "expired"),
        (ConsentError::NotYetValid, "not_yet_valid"),
        (ConsentError::Revoked, "revoked"),
        (ConsentError::WrongIssuer, "wrong_issuer"),
        (ConsentError::Widened, "widened"),
        (ConsentError::Reordered, "reordered"),
        (ConsentError::BadChain, "bad_chain"),
        (ConsentError::MissingProof, "missing_proof"),
        (ConsentError::NotPermitted, "not_permitted"),
        (ConsentError::RekeyMismatch, "rekey_mismatch"),
    ];
    const KEY_FILE: &[(KeyFileError, &str)] = &[
        (
            KeyFileError::WrongPassphraseOrDamaged,
            "wrong_passphrase_or_damaged",
        ),
        (KeyFileError::Malformed, "malformed"),
        (KeyFileError::HeaderMac, "header_mac"),
        (KeyFileError::Damaged, "damaged"),
        (KeyFileError::WorkFactorTooHigh, "work_factor_too_high"),
        (KeyFileError::WorkFactorTooLow, "work_factor_too_low"),
        (KeyFileError::WrongKeyType, "wrong_key_type"),
        (KeyFileError::InvalidPassphrase, "invalid_passphrase"),
    ];

    /// One error of each variant, with its pinned code and (for the variants without a
    /// reason) `kind()`. The `match` in [`pinned`] is exhaustive: a new variant does not
    /// compile until it is pinned here.
    fn samples() -> Vec<Error> {
        vec![
            Error::InvalidEncoding(EncodingError::Truncated),
            Error::PolicySyntax(PolicySyntaxError {
                position: 3,
                message: "x".into(),
            }),
            Error::PolicyInvalid("x"),
            Error::LimitExceeded(LimitKind::PolicyLeaves),
            Error::InvalidAttribute,
            Error::PolicyNotSatisfied,
            Error::DecryptionFailed,
            Error::VerificationFailed,
            Error::WrongAuthority,
            Error::InvalidArgument("x"),
            Error::Io(std::io::ErrorKind::NotFound.into()),
            Error::Chain(ChainError {
                index: 7,
                kind: ChainErrorKind::Link,
            }),
            Error::Consent(ConsentError::Expired),
            Error::KeyFile(KeyFileError::Malformed),
            Error::StaleNotice,
            Error::NoticeRollback,
            Error::FutureVersion,
            Error::StaleReKey,
        ]
    }

    fn pinned(e: &Error) -> &'static str {
        match e {
            Error::InvalidEncoding(_) => "invalid_encoding",
            Error::PolicySyntax(_) => "policy_syntax",
            Error::PolicyInvalid(_) => "policy_invalid",
            Error::LimitExceeded(_) => "limit_exceeded",
            Error::InvalidAttribute => "invalid_attribute",
            Error::PolicyNotSatisfied => "policy_not_satisfied",
            Error::DecryptionFailed => "decryption_failed",
            Error::VerificationFailed => "verification_failed",
            Error::WrongAuthority => "wrong_authority",
            Error::InvalidArgument(_) => "invalid_argument",
            Error::Io(_) => "io",
            Error::Chain(_) => "chain_error",
            Error::Consent(_) => "consent_error",
            Error::KeyFile(_) => "key_file_error",
            Error::StaleNotice => "stale_notice",
            Error::NoticeRollback => "notice_rollback",
            Error::FutureVersion => "future_version",
            Error::StaleReKey => "stale_rekey",
        }
    }

    #[test]
    fn every_error_code_is_pinned() {
        let samples = samples();
        for e in &samples {
            assert_eq!(e.code(), pinned(e), "{e:?}");
        }
        let codes: Vec<_> = samples.iter().map(Error::code).collect();
        assert_eq!(codes, Error::CODES);
    }

    #[test]
    fn every_reason_table_is_complete() {
        fn check<T: Copy + PartialEq + fmt::Debug>(all: &[T], pinned: &[(T, &str)]) {
            let variants: Vec<T> = pinned.iter().map(|&(v, _)| v).collect();
            assert_eq!(all, variants);
        }
        check(EncodingError::ALL, ENCODING);
        check(LimitKind::ALL, LIMIT);
        check(ChainErrorKind::ALL, CHAIN);
        check(ConsentError::ALL, CONSENT);
        check(KeyFileError::ALL, KEY_FILE);
        for &(v, code) in KEY_FILE {
            assert_eq!(v.code(), code);
        }
        for &(v, code) in ENCODING {
            assert_eq!(v.code(), code);
        }
        for &(v, code) in LIMIT {
            assert_eq!(v.code(), code);
        }
        for &(v, code) in CHAIN {
            assert_eq!(v.code(), code);
        }
        for &(v, code) in CONSENT {
            assert_eq!(v.code(), code);
        }
    }

    #[test]
    fn every_kind_is_pinned() {
        for &(v, code) in ENCODING {
            assert_eq!(Error::InvalidEncoding(v).kind().as_deref(), Some(code));
        }
        for &(v, code) in LIMIT {
            assert_eq!(Error::LimitExceeded(v).kind().as_deref(), Some(code));
        }
        for &(kind, code) in CHAIN {
            let e = Error::Chain(ChainError { index: 0, kind });
            assert_eq!(e.kind().as_deref(), Some(code));
        }
        for &(v, code) in CONSENT {
            assert_eq!(Error::Consent(v).kind().as_deref(), Some(code));
        }
        for &(v, code) in KEY_FILE {
            assert_eq!(Error::KeyFile(v).kind().as_deref(), Some(code));
        }
        for e in samples() {
            let has_kind = matches!(
                e,
                Error::InvalidEncoding(_)
                    | Error::LimitExceeded(_)
                    | Error::Chain(_)
                    | Error::Consent(_)
                    | Error::KeyFile(_)
            );
            assert_eq!(e.kind().is_some(), has_kind, "{e:?}");
        }
    }
}
