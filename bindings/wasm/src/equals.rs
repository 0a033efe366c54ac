//! `equals(other)` on the public-value classes, as the core's `==` (JavaScript's `===` compares
//! object identity, and these wrap values). Secret-holding classes have none.

use wasm_bindgen::prelude::*;

use crate::chain::{ChainEntry, Checkpoint};
use crate::consent::ConsentToken;
use crate::draft::EntryDraft;
use crate::note::NoteSignature;
use crate::proofs::{ConsistencyProof, InclusionProof};
use crate::scope::{Scope, Selection, Window};
use crate::sig::{BlsPublicKey, UnvalidatedPublicKey, UnvalidatedSignature};
#[cfg(feature = "full")]
use crate::{
    abe::PublicKey,
    record::{SealedRecord, SessionHeader, SessionRecord, StreamInfo},
};

macro_rules! equals {
    ($($class:ident),* $(,)?) => {$(
        #[wasm_bindgen]
        impl $class {
            /// Whether `other` is the same value (public data).
            pub fn equals(&self, other: &$class) -> bool {
                self.0 == other.0
            }
        }
    )*};
}

equals!(
    BlsPublicKey,
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
);

#[cfg(feature = "full")]
equals!(
    PublicKey,
    SealedRecord,
    SessionHeader,
    SessionRecord,
    StreamInfo,
);

#[wasm_bindgen]
impl ChainEntry {
    /// Whether `other` is the same entry (same encoding, signature included).
    pub fn equals(&self, other: &ChainEntry) -> bool {
        self.0.to_bytes() == other.0.to_bytes()
    }
}
