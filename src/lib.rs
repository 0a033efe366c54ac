#![doc = include_str!("../README.md")]
//!
//! All operations on secret values are meant to be constant time; `docs/constant-time.md`
//! lists what already is and what is not yet. Anything variable time is named `*_vartime`
//! or works only on public data.

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
#[cfg(feature = "hazmat")]
#[cfg_attr(docsrs, doc(cfg(feature = "hazmat")))]
pub mod hazmat;
pub mod limits;
pub mod policy;
pub mod pre;
pub mod record;
pub(crate) mod secret;
#[cfg(feature = "serde")]
mod serde_impls;
pub mod sig;

pub use abe::{Authority, PublicKey, UserKey};
pub use chain::{Action, Chain, Checkpoint, Entry, EntryDraft, FileStore, MemoryStore, ProofFile};
pub use consent::{ConsentToken, Grant, Grantee, Narrowing, RevocationSet, VerifiedConsent};
pub use error::{
    ChainError, ChainErrorKind, ConsentError, EncodingError, Error, IoError, LimitKind,
    PolicySyntaxError, Result,
};
pub use policy::{Attribute, Lsss, Policy};
pub use pre::{DelegationKey, ReKey};
/// The `rand_core` (0.6) whose `RngCore + CryptoRng` every randomized function takes, so that
/// callers need not depend on the same version themselves: `cipherchart::rand_core::OsRng`
/// (with the default `getrandom` feature), or any generator of the `rand` 0.8 family
/// (`rand::rngs::OsRng`, `rand_chacha::ChaCha20Rng`). Generators of `rand` 0.9 and later
/// implement a newer, incompatible `rand_core`: use this `OsRng` instead.
pub use rand_core;
pub use record::{seal, session, stream, SealedRecord};
pub use sig::{PublicKey as BlsPublicKey, Signature as BlsSignature, SigningKey as BlsSigningKey};
