#![doc = include_str!("../README.md")]
//!
//! # Architecture
//!
//! One concept, one module. Every module is private: the public items are re-exported at
//! the crate root by one `pub use` list (one path and one name each), the bounds are in
//! [`limits`], and raw secret-key bytes, hash-to-curve under a caller's tag and (for the
//! harness) the constant-time layer are in `hazmat`, behind the `hazmat` feature. Each
//! module, with what it owns:
//!
//! - `error`: every error the crate returns ([`Error`] and its reason enums) and their
//!   stable codes, the same in Rust, Python and JavaScript.
//! - `encoding` (internal): the canonical wire format (`docs/formats.md`): object headers,
//!   the `Reader`/`Writer`, the codecs of public points and GT elements, base64 and the
//!   hex of `Debug` output.
//! - `ct` (internal; `hazmat::ct` under the internal `ctcheck` feature): constant-time
//!   arithmetic on secrets (fields, curves, pairing, GT, the decoders of secret points,
//!   the secret newtypes) and the named points where a secret becomes public.
//! - `cache` (internal): the bounded least-recently-used map behind the process-wide
//!   caches.
//! - `policy`: the policy language: attributes, parsing, canonical text, the LSSS
//!   matrix and the open-cost model.
//! - `hash` (internal): domain-separated hashing: `expand_message_xmd`, hashing to
//!   scalars and to G1/G2, the FAME attribute and column points, every DST.
//! - `secret` (internal): random seeds in zeroizing buffers.
//! - `sig`: BLS signatures (minimal public keys, proof of possession).
//! - `abe`: FAME CP-ABE: the authority, public and user keys, the key material, the
//!   EncCore/DecCore algebra and its fixed-base tables and caches.
//! - `chain`: the proof chain: signed entries, the hash chain and Merkle tree,
//!   checkpoints, proof files and stores; a log of any subject.
//! - `record`: sealed records (the FO-KEM over FAME plus an AEAD body), the
//!   re-encryption hops a record carries as data, streams, sessions, and the chain entries
//!   that log a record (`Entry::for_seal`, `Entry::for_reencrypt`).
//! - `pre`: proxy re-encryption end to end: delegation keys, re-keys, re-encrypting one
//!   record or a batch, the cryptography of a hop, and opening a record over every layer
//!   (`UserKey::open`).
//! - `keyfile`: passphrase-protected key files (age with a scrypt recipient) for every
//!   secret key type: the [`KeyFile`] trait, its options, the crash-safe write.
//! - `consent`: consent tokens (issue, attenuate, present, verify, revoke) and the proxy
//!   helpers that re-encrypt only under a verified consent.
//! - `hazmat` (feature `hazmat`) and `serde_impls` (feature `serde`):
//!   faces over the rest, which never import them.
//!
//! Layers, lowest first; a module imports only from layers below it (or its own):
//!
//! 1. `error`.
//! 2. The ground: `encoding`, `ct`, `cache`, `secret`, `policy`, `hash`. They import only
//!    `error`, apart from shared bounds and a cache: `hash` uses `cache` and the policy
//!    leaf bound, `policy` derives `MAX_POLICY_COST` from the record budget
//!    (`record::MAX_RECORD_OPEN_COST`), constants only.
//! 3. `sig` and `abe`, side by side (neither imports the other).
//! 4. `chain`, on `sig`: it logs subjects by id and digest and knows nothing of records.
//! 5. `record`, on `abe` and `chain`: a record makes its own chain entries.
//! 6. `pre`, on `record`, `abe` and `sig`: re-encryption adds hops to records (through
//!    `SealedRecord`'s crate-internal `with_hop`, never its fields) and opens through them.
//! 7. `consent`, on `pre`, `record`, `chain` and `sig`: it sits above both the proof chain
//!    and re-encryption, because a consent names a re-key, gates the proxy's
//!    re-encryption and is revoked through the chain. Neither `pre` nor `chain` imports
//!    `consent`.
//! 8. `keyfile`, on `abe`, `pre` and `sig`: it encodes their secret keys, which never
//!    import it.
//! 9. `hazmat` and `serde_impls`.
//!
//! All operations on secret values are meant to be constant time; `docs/constant-time.md`
//! lists what already is and what is not yet. Anything variable time is named `*_vartime`
//! or works only on public data.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Every module is private: the public surface is the one `pub use` list below (one path
// and one name per item, as in rust-umbral's `lib.rs`), the bounds in `limits` and, behind
// the `hazmat` feature, the hazardous materials. `tests/surface.rs` checks the list against
// `bindings/surface.txt`, the same surface in Python and JavaScript.
mod abe;
mod cache;
mod chain;
mod consent;
mod ct;
mod encoding;
mod error;
mod hash;
#[cfg(feature = "hazmat")]
#[cfg_attr(docsrs, doc(cfg(feature = "hazmat")))]
pub mod hazmat;
mod keyfile;
pub mod limits;
mod policy;
mod pre;
mod record;
mod revocation;
mod secret;
#[cfg(feature = "serde")]
mod serde_impls;
mod sig;

// Errors.
pub use error::{
    ChainError, ChainErrorKind, ConsentError, EncodingError, Error, IoError, KeyFileError,
    LimitKind, PolicySyntaxError, Result,
};

// Policies.
pub use policy::{Attribute, Lsss, Policy, PolicyNode};

// FAME keys: the authority, its public key, users' keys.
pub use abe::{Authority, PublicKey, UserKey};

// Revocation (format v3): version notices and what verifying one gives.
pub use revocation::{
    seal_stream_with_notice, seal_with_notice, start_session_with_notice, NoticeFields,
    VerifiedNotice, VersionNotice,
};

// Sealed records, sessions and streams.
pub use record::session::{
    start_session, SessionHeader, SessionOpener, SessionRecord, SessionSealer,
};
pub use record::session_catch_up::{prove_session_record, prove_session_records, session_trailer};
pub use record::session_resealer::SplitSession;
pub use record::stream::{read_stream_info, seal_stream, seal_stream_with_chunk_size, StreamInfo};
pub use record::stream_catch_up::stream_trailer;
pub use record::trailer::{Trailer, TrailerKind};
pub use record::{seal, GrantRef, SealedRecord};

// Passphrase-protected key files (age, scrypt).
#[cfg(feature = "keyfile")]
pub use keyfile::{KeyFile, KeyFileOptions};

// Proxy re-encryption.
pub use pre::{align_batch, DelegationKey, ReKey};

// BLS signatures.
pub use sig::{
    aggregate_verify, batch_find_invalid, batch_verify, fast_aggregate_verify, find_invalid_each,
    verify_each, BlsPublicKey, BlsSignature, BlsSigningKey, UnvalidatedPublicKey,
    UnvalidatedSignature, CIPHERSUITE, POP_DST, SIG_DST,
};

// The proof chain: entries, the log, its Merkle tree, checkpoints and stores.
pub use chain::{
    key_id, leaf_hash, node_hash, verify_consistency, verify_inclusion, Action, Chain, Checkpoint,
    ConsistencyProof, Entry, EntryDraft, ExtensionCode, FileStore, InclusionProof, MemoryStore,
    MerkleTree, NoteSignature, ProofFile, Recovery, Store, EMPTY_ROOT, GENESIS,
};

// Consent tokens.
pub use consent::{
    check_rekey, reencrypt_batch_with_consent, reencrypt_batch_with_consent_under,
    reencrypt_with_consent, reencrypt_with_consent_under, rekey_digest, ConsentToken, Grant,
    Grantee, Narrowing, RevocationId, RevocationSet, Scope, Selection, VerifiedConsent, Window,
};

/// The `rand_core` (0.6) whose `RngCore + CryptoRng` every randomized function takes, so that
/// callers need not depend on the same version themselves: `cipherchart::rand_core::OsRng`
/// (with the default `getrandom` feature), or any generator of the `rand` 0.8 family
/// (`rand::rngs::OsRng`, `rand_chacha::ChaCha20Rng`). Generators of `rand` 0.9 and later
/// implement a newer, incompatible `rand_core`: use this `OsRng` instead.
pub use rand_core;
