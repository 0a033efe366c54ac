//! The methods every value class shares, generated in one place: `fromBytes` / `toBytes` (the
//! core's canonical encoding, every check), `fromObjectBytes` / `toObjectBytes` (the framed
//! encoding of the BLS types) and `equals(other)` (the core's `==`: JavaScript's `===` compares
//! object identity, and these wrap values). Secret-holding classes have none of them (their
//! export is `toSecretBytes` (Authority, BlsSigningKey) or `toBytes` (the key-delivery encodings of UserKey, DelegationKey, ReKey), by hand). Each macro emits its own `#[wasm_bindgen] impl`.

use wasm_bindgen::prelude::*;

use crate::chain::{Checkpoint, Entry, ProofFile};
use crate::consent::ConsentToken;
use crate::draft::EntryDraft;
use crate::errors::to_js_err;
use crate::note::NoteSignature;
use crate::policy::Policy;
use crate::proofs::{ConsistencyProof, InclusionProof};
use crate::scope::{Scope, Selection, Window};
use crate::sig::{BlsPublicKey, BlsSignature, UnvalidatedPublicKey, UnvalidatedSignature};
use crate::version_notice::{VerifiedNotice, VersionNotice};
#[cfg(feature = "full")]
use crate::{
    abe::PublicKey,
    record::{SealedRecord, SessionHeader, SessionRecord, StreamInfo, Trailer},
};

/// `fromBytes` and `toBytes` for each `Class: CoreType` (a newtype over the core type, whose
/// `from_bytes(&[u8]) -> Result<Self>` and `to_bytes()` are the canonical encoding).
macro_rules! encoded {
    ($($class:ident: $core:ty),* $(,)?) => {$(
        #[wasm_bindgen]
        impl $class {
            /// Decodes `toBytes()` output, with every check of the core's decoder.
            ///
            /// # Errors
            /// Throws `InvalidEncoding`.
            #[wasm_bindgen(js_name = fromBytes)]
            pub fn from_bytes(bytes: &[u8]) -> Result<$class, JsValue> {
                <$core>::from_bytes(bytes).map(Self).map_err(to_js_err)
            }

            /// The canonical encoding.
            #[wasm_bindgen(js_name = toBytes)]
            pub fn to_bytes(&self) -> Vec<u8> {
                self.0.to_bytes().into()
            }
        }
    )*};
}

/// `fromObjectBytes` and `toObjectBytes` (the framed object encoding, `docs/formats.md`: a
/// 4-byte type and version header, then the raw encoding; `toBytes()` is the interoperable
/// form) for each `Class: CoreType`.
macro_rules! object_encoded {
    ($($class:ident: $core:ty),* $(,)?) => {$(
        #[wasm_bindgen]
        impl $class {
            /// The cipherchart object: a 4-byte type and version header, then `toBytes()` (for
            /// storage beside other cipherchart objects; `toBytes()` is the interoperable form).
            #[wasm_bindgen(js_name = toObjectBytes)]
            pub fn to_object_bytes(&self) -> Vec<u8> {
                self.0.to_object_bytes()
            }

            /// Decodes `toObjectBytes()` output (header checked, then as `fromBytes`).
            ///
            /// # Errors
            /// Throws `InvalidEncoding`.
            #[wasm_bindgen(js_name = fromObjectBytes)]
            pub fn from_object_bytes(bytes: &[u8]) -> Result<$class, JsValue> {
                <$core>::from_object_bytes(bytes).map(Self).map_err(to_js_err)
            }
        }
    )*};
}

/// `equals(other)` for each class, as the core's `==`.
macro_rules! equals {
    ($($class:ident),* $(,)?) => {$(
        #[wasm_bindgen]
        impl $class {
            /// Whether `other` is the same value (public data; constant time where the core's
            /// `==` is).
            pub fn equals(&self, other: &$class) -> bool {
                self.0 == other.0
            }
        }
    )*};
}

encoded!(
    Policy: cipherchart::Policy,
    Entry: cipherchart::Entry,
    Checkpoint: cipherchart::Checkpoint,
    ProofFile: cipherchart::ProofFile,
    ConsentToken: cipherchart::ConsentToken,
    ConsistencyProof: cipherchart::ConsistencyProof,
    BlsPublicKey: cipherchart::BlsPublicKey,
    BlsSignature: cipherchart::BlsSignature,
    UnvalidatedPublicKey: cipherchart::UnvalidatedPublicKey,
    UnvalidatedSignature: cipherchart::UnvalidatedSignature,
    VersionNotice: cipherchart::VersionNotice,
);

#[cfg(feature = "full")]
encoded!(
    PublicKey: cipherchart::PublicKey,
    SealedRecord: cipherchart::SealedRecord,
    SessionHeader: cipherchart::SessionHeader,
    SessionRecord: cipherchart::SessionRecord,
    Trailer: cipherchart::Trailer,
);

object_encoded!(
    BlsPublicKey: cipherchart::BlsPublicKey,
    BlsSignature: cipherchart::BlsSignature,
);

equals!(
    BlsPublicKey,
    BlsSignature,
    UnvalidatedPublicKey,
    UnvalidatedSignature,
    Checkpoint,
    ConsentToken,
    InclusionProof,
    ConsistencyProof,
    NoteSignature,
    Selection,
    Scope,
    Window,
    EntryDraft,
    VersionNotice,
    VerifiedNotice,
);

#[cfg(feature = "full")]
equals!(
    PublicKey,
    SealedRecord,
    SessionHeader,
    SessionRecord,
    StreamInfo,
    Trailer,
);

#[wasm_bindgen]
impl Entry {
    /// Whether `other` is the same entry (same encoding, signature included).
    pub fn equals(&self, other: &Entry) -> bool {
        self.0.to_bytes() == other.0.to_bytes()
    }
}
