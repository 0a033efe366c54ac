//! # cipherchart
//!
//! Attribute-based encryption of health records, attribute-based proxy re-encryption,
//! patient consent tokens and a tamper-evident proof chain, on BLS12-381.
//!
//! The design, the constructions and the wire-format rules are in the repository's
//! `docs/` folder; start with `docs/security.md` before relying on this crate.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod abe;
pub mod chain;
pub mod consent;
#[cfg(not(feature = "ctcheck"))]
pub(crate) mod ct;
#[cfg(feature = "ctcheck")]
#[doc(hidden)]
pub mod ct;
pub(crate) mod encoding;
pub mod error;
pub(crate) mod hash;
pub mod policy;
pub mod pre;
pub mod record;
pub(crate) mod secret;
pub mod sig;

pub use abe::{Authority, PublicKey, UserKey};
pub use chain::{Action, Chain, Checkpoint, Entry, EntryDraft, FileStore, MemoryStore, ProofFile};
pub use consent::{ConsentToken, Grant, Grantee, Narrowing, RevocationSet, VerifiedConsent};
pub use error::{
    ChainError, ChainErrorKind, ConsentError, EncodingError, Error, LimitKind, PolicySyntaxError,
    Result,
};
pub use policy::{Attribute, Lsss, Policy};
pub use pre::ReKey;
pub use record::{seal, session, stream, SealedRecord};
pub use sig::{PublicKey as BlsPublicKey, Signature as BlsSignature, SigningKey as BlsSigningKey};
