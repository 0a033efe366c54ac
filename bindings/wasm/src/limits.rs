//! The core's input bounds and fixed hashes as read-only static properties: `Limits.MAX_HOPS`,
//! `MerkleTree.EMPTY_ROOT`, `ChainEntry.GENESIS` (Python has them as module constants with the
//! same names). Read from the core, so they cannot drift. In both builds.

use wasm_bindgen::prelude::*;

use crate::chain::ChainEntry;
use crate::tree::MerkleTree;
use cipherchart::{abe, chain, policy, record};

/// The core's input bounds, as static read-only properties (`Limits.MAX_POLICY_LEAVES`, …):
/// policies, keys, records, streams, consent tokens, chain entries, checkpoint notes, proofs
/// and BLS key material. Inputs past a bound fail with `LimitExceeded`, `InvalidArgument` or
/// (when decoding) `InvalidEncoding`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Limits;

fn n(x: usize) -> f64 {
    x as f64
}

#[wasm_bindgen]
impl Limits {
    /// Attributes (leaves) in one policy.
    #[wasm_bindgen(getter = MAX_POLICY_LEAVES)]
    pub fn max_policy_leaves() -> f64 {
        n(policy::MAX_POLICY_LEAVES)
    }

    /// Nesting depth of gates in one policy.
    #[wasm_bindgen(getter = MAX_POLICY_DEPTH)]
    pub fn max_policy_depth() -> f64 {
        n(policy::MAX_POLICY_DEPTH)
    }

    /// Bytes of policy text.
    #[wasm_bindgen(getter = MAX_POLICY_TEXT_LEN)]
    pub fn max_policy_text_len() -> f64 {
        n(policy::MAX_POLICY_TEXT_LEN)
    }

    /// Bytes of one attribute.
    #[wasm_bindgen(getter = MAX_ATTRIBUTE_LEN)]
    pub fn max_attribute_len() -> f64 {
        n(policy::MAX_ATTRIBUTE_LEN)
    }

    /// Children of one gate.
    #[wasm_bindgen(getter = MAX_GATE_CHILDREN)]
    pub fn max_gate_children() -> f64 {
        n(policy::MAX_GATE_CHILDREN)
    }

    /// Attributes in one user key.
    #[wasm_bindgen(getter = MAX_KEY_ATTRIBUTES)]
    pub fn max_key_attributes() -> f64 {
        n(abe::MAX_KEY_ATTRIBUTES)
    }

    /// Bytes of a record id.
    #[wasm_bindgen(getter = MAX_RECORD_ID_LEN)]
    pub fn max_record_id_len() -> f64 {
        n(record::MAX_RECORD_ID_LEN)
    }

    /// Bytes of a record's public metadata.
    #[wasm_bindgen(getter = MAX_METADATA_LEN)]
    pub fn max_metadata_len() -> f64 {
        n(record::MAX_METADATA_LEN)
    }

    /// Bytes of one record's payload.
    #[wasm_bindgen(getter = MAX_PAYLOAD_LEN)]
    pub fn max_payload_len() -> f64 {
        n(record::MAX_PAYLOAD_LEN)
    }

    /// Re-encryption hops of one record.
    #[wasm_bindgen(getter = MAX_HOPS)]
    pub fn max_hops() -> f64 {
        n(record::MAX_HOPS)
    }

    /// A stream's chunk size when none is given.
    #[wasm_bindgen(getter = DEFAULT_CHUNK_SIZE)]
    pub fn default_chunk_size() -> f64 {
        f64::from(record::stream::DEFAULT_CHUNK_SIZE)
    }

    /// The largest stream chunk size.
    #[wasm_bindgen(getter = MAX_CHUNK_SIZE)]
    pub fn max_chunk_size() -> f64 {
        f64::from(record::stream::MAX_CHUNK_SIZE)
    }

    /// A consent token's encoding, in bytes.
    #[wasm_bindgen(getter = MAX_TOKEN_LEN)]
    pub fn max_token_len() -> f64 {
        n(cipherchart::consent::MAX_TOKEN_LEN)
    }

    /// Blocks in one consent token (the authority block and its attenuations).
    #[wasm_bindgen(getter = MAX_BLOCKS)]
    pub fn max_blocks() -> f64 {
        n(cipherchart::consent::MAX_BLOCKS)
    }

    /// Values in one list of a consent (record ids, categories or purposes).
    #[wasm_bindgen(getter = MAX_LIST_LEN)]
    pub fn max_list_len() -> f64 {
        n(cipherchart::consent::MAX_LIST_LEN)
    }

    /// Bytes of a consent category or purpose label.
    #[wasm_bindgen(getter = MAX_LABEL_LEN)]
    pub fn max_label_len() -> f64 {
        n(cipherchart::consent::MAX_LABEL_LEN)
    }

    /// Bytes of a consent's subject (the patient id).
    #[wasm_bindgen(getter = MAX_CONSENT_SUBJECT_LEN)]
    pub fn max_consent_subject_len() -> f64 {
        n(cipherchart::consent::MAX_SUBJECT_LEN)
    }

    /// Bytes of a chain entry's subject.
    #[wasm_bindgen(getter = MAX_ENTRY_SUBJECT_LEN)]
    pub fn max_entry_subject_len() -> f64 {
        n(cipherchart::chain::MAX_SUBJECT_LEN)
    }

    /// Bytes of a chain entry's metadata.
    #[wasm_bindgen(getter = MAX_ENTRY_METADATA_LEN)]
    pub fn max_entry_metadata_len() -> f64 {
        n(cipherchart::chain::MAX_ENTRY_METADATA_LEN)
    }

    /// Bytes of a checkpoint note.
    #[wasm_bindgen(getter = MAX_NOTE_LEN)]
    pub fn max_note_len() -> f64 {
        n(cipherchart::chain::MAX_NOTE_LEN)
    }

    /// Signature lines in one checkpoint note.
    #[wasm_bindgen(getter = MAX_NOTE_SIGNATURES)]
    pub fn max_note_signatures() -> f64 {
        n(cipherchart::chain::MAX_NOTE_SIGNATURES)
    }

    /// Hashes in one inclusion or consistency proof.
    #[wasm_bindgen(getter = MAX_PROOF_HASHES)]
    pub fn max_proof_hashes() -> f64 {
        n(cipherchart::chain::merkle::MAX_PROOF_HASHES)
    }

    /// Bytes of input keying material `BlsSigningKey.fromIkm` needs at least.
    #[wasm_bindgen(getter = MIN_IKM_LEN)]
    pub fn min_ikm_len() -> f64 {
        n(cipherchart::sig::MIN_IKM_LEN)
    }
}

#[wasm_bindgen]
impl MerkleTree {
    /// The root of the empty tree, SHA-256 of the empty string.
    #[wasm_bindgen(getter = EMPTY_ROOT)]
    pub fn empty_root() -> Vec<u8> {
        chain::merkle::EMPTY_ROOT.to_vec()
    }
}

#[wasm_bindgen]
impl ChainEntry {
    /// The `prev` hash of a chain's first entry (32 zero bytes).
    #[wasm_bindgen(getter = GENESIS)]
    pub fn genesis() -> Vec<u8> {
        chain::GENESIS.to_vec()
    }
}
