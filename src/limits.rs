//! Every public bound of the library, in one table.
//!
//! The constants live in the module that enforces them (`policy`, `record`, `consent`,
//! `chain`, `sig`, …); this module re-exports each under the one name all three languages
//! use (`MAX_HOPS` in Rust, `cipherchart.MAX_HOPS` in Python, `MAX_HOPS` exported by the npm
//! package) and lists them in [`ALL`], the table the Python and WebAssembly bindings loop
//! over to export them. Two bounds share a Rust name in different modules (a consent's and a
//! chain entry's subject): the table names them apart (`MAX_CONSENT_SUBJECT_LEN`,
//! `MAX_ENTRY_SUBJECT_LEN`).
//!
//! ```
//! use cipherchart::limits::{self, MAX_HOPS};
//! let hops = limits::ALL.iter().find(|l| l.name == "MAX_HOPS").map(|l| l.value);
//! assert_eq!(hops, Some(MAX_HOPS as u64));
//! ```

pub use crate::abe::MAX_KEY_ATTRIBUTES;
pub use crate::chain::merkle::MAX_PROOF_HASHES;
pub use crate::chain::{
    MAX_ENTRY_METADATA_LEN, MAX_NOTE_LEN, MAX_NOTE_SIGNATURES, MAX_RECORD_LEN,
    MAX_SUBJECT_LEN as MAX_ENTRY_SUBJECT_LEN,
};
pub use crate::consent::{
    MAX_BLOCKS, MAX_LABEL_LEN, MAX_LIST_LEN, MAX_SUBJECT_LEN as MAX_CONSENT_SUBJECT_LEN,
    MAX_TOKEN_LEN,
};
pub use crate::keyfile::{
    KEY_FILE_WORK_FACTOR, MAX_KEY_FILE_LEN, MAX_KEY_FILE_WORK_FACTOR, MIN_KEY_FILE_WORK_FACTOR,
};
pub use crate::policy::{
    MAX_ATTRIBUTE_LEN, MAX_GATE_CHILDREN, MAX_POLICY_COST, MAX_POLICY_DEPTH, MAX_POLICY_LEAVES,
    MAX_POLICY_TEXT_LEN,
};
pub use crate::record::stream::{DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE};
pub use crate::record::{
    MAX_HOPS, MAX_METADATA_LEN, MAX_PAYLOAD_LEN, MAX_RECORD_ID_LEN, MAX_RECORD_OPEN_COST,
};
pub use crate::sig::MIN_IKM_LEN;

/// One public bound: its name in every language, its value and what it bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// The name, the same in Rust (this module), Python and JavaScript.
    pub name: &'static str,
    /// The value (every bound fits a JavaScript number exactly: at most 2^53).
    pub value: u64,
    /// What it bounds, in one line.
    pub doc: &'static str,
}

// `usize` is at most 64 bits on every target Rust supports, so `as u64` is exact.
macro_rules! limits {
    ($($name:ident: $doc:literal,)+) => {
        /// Every public bound, in a fixed order (by module: policy, keys, records, streams,
        /// consent, chain, proofs, signatures, key files).
        pub const ALL: &[Limit] = &[$(Limit { name: stringify!($name), value: $name as u64, doc: $doc }),+];
    };
}

limits! {
    MAX_POLICY_LEAVES: "Attributes (leaves) in one policy.",
    MAX_POLICY_DEPTH: "Nesting depth of gates in one policy.",
    MAX_POLICY_TEXT_LEN: "Bytes of policy text.",
    MAX_ATTRIBUTE_LEN: "Bytes of one attribute.",
    MAX_GATE_CHILDREN: "Children of one gate.",
    MAX_POLICY_COST: "Open-cost steps one policy may take (docs/policy.md §4.1).",
    MAX_KEY_ATTRIBUTES: "Attributes in one user key.",
    MAX_RECORD_ID_LEN: "Bytes of a record id.",
    MAX_METADATA_LEN: "Bytes of a record's public metadata.",
    MAX_PAYLOAD_LEN: "Bytes of one record's payload.",
    MAX_HOPS: "Re-encryption hops of one record.",
    MAX_RECORD_OPEN_COST: "Open-cost steps opening one record may take, over all its layers.",
    DEFAULT_CHUNK_SIZE: "A stream's chunk size when none is given.",
    MAX_CHUNK_SIZE: "The largest stream chunk size.",
    MAX_TOKEN_LEN: "Bytes of a consent token's encoding.",
    MAX_BLOCKS: "Blocks in one consent token (the authority block and its attenuations).",
    MAX_LIST_LEN: "Values in one list of a consent (record ids, categories or purposes).",
    MAX_LABEL_LEN: "Bytes of a consent category or purpose label.",
    MAX_CONSENT_SUBJECT_LEN: "Bytes of a consent's subject (the patient id).",
    MAX_ENTRY_SUBJECT_LEN: "Bytes of a chain entry's subject.",
    MAX_ENTRY_METADATA_LEN: "Bytes of a chain entry's metadata.",
    MAX_RECORD_LEN: "Bytes of one record of a chain store.",
    MAX_NOTE_LEN: "Bytes of a checkpoint note.",
    MAX_NOTE_SIGNATURES: "Signature lines in one checkpoint note.",
    MAX_PROOF_HASHES: "Hashes in one inclusion or consistency proof.",
    MIN_IKM_LEN: "Bytes of input keying material BLS key generation needs at least.",
    KEY_FILE_WORK_FACTOR: "The scrypt work factor (log2 N) key files are written with by default.",
    MIN_KEY_FILE_WORK_FACTOR: "The lowest scrypt work factor a key file is written or read with.",
    MAX_KEY_FILE_WORK_FACTOR: "The highest scrypt work factor a key file may be written or read with.",
    MAX_KEY_FILE_LEN: "Bytes of one key file.",
}

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn names_are_unique_and_values_fit_a_javascript_number() {
        for (i, l) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|m| m.name != l.name), "{}", l.name);
            assert!(l.value <= 1 << 53, "{}", l.name);
            assert!(!l.doc.is_empty(), "{}", l.name);
        }
    }
}
