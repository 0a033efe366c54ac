//! Misuse resistance of the proof chain (issue 10, `docs/security.md` §11 "Misuse
//! resistance review"): each test takes one way a hurried user or an attacker might skip a
//! check through the public API, and shows that the library refuses it with a typed error
//! (or that the unsafe thing cannot be written at all). The shared world (an authority, a
//! stranger authority, a patient's and a doctor's key, one record) is `common::misuse`.

#![allow(clippy::unwrap_used)]

use crate::common::{rng, T0};
use cipherchart::BlsSigningKey;
use cipherchart::Error;
use cipherchart::{Action, Chain, Checkpoint, EntryDraft, MemoryStore};

#[test]
fn the_chain_refuses_forged_relinked_and_replayed_entries() {
    let mut rng = rng(11);
    let nurse = BlsSigningKey::generate(&mut rng);
    let log_key = BlsSigningKey::generate(&mut rng);
    let mut chain = Chain::open(MemoryStore::new()).unwrap();
    let draft = EntryDraft::for_payload(T0, Action::Read, "rec-1", b"chart");
    let first = draft.clone().sign(0, chain.last_hash(), &nurse).unwrap();
    chain.append(first.clone()).unwrap();
    // Replayed: the same entry again is not at the next position.
    assert_eq!(
        chain.append(first.clone()).err().map(|e| e.code()),
        Some("invalid_argument")
    );
    // Signed for the right position but linked to another predecessor.
    let relinked = draft.clone().sign(1, [7; 32], &nurse).unwrap();
    assert_eq!(
        chain.append(relinked).err().map(|e| e.code()),
        Some("invalid_argument")
    );
    // Forged: a valid entry's subject changed after signing.
    let good = draft.sign(1, chain.last_hash(), &nurse).unwrap();
    let bytes = good.to_bytes();
    let at = bytes.windows(5).position(|w| w == b"rec-1").unwrap();
    let mut forged = bytes.clone();
    forged[at + 4] = b'2';
    let forged = cipherchart::Entry::from_bytes(&forged).unwrap();
    assert_eq!(chain.append(forged), Err(Error::VerificationFailed));
    assert_eq!(chain.len(), 1);
    chain.append(good).unwrap();

    // Checkpoints and receipts verify only under the log's key.
    let cp = chain.checkpoint(&log_key, "clinic.example/log").unwrap();
    assert!(cp.verify(&log_key.public_key()).is_ok());
    assert_eq!(
        cp.verify(&nurse.public_key()),
        Err(Error::VerificationFailed)
    );
    let parsed = Checkpoint::from_note(&cp.to_note()).unwrap();
    assert_eq!(
        parsed.verify(&nurse.public_key()),
        Err(Error::VerificationFailed)
    );
    let receipt = chain.proof_file(1, &cp).unwrap();
    assert_eq!(
        receipt.verify(&nurse.public_key()).err(),
        Some(Error::VerificationFailed)
    );
    // A checkpoint re-signed by another key under the same origin is refused too.
    let rogue = Checkpoint::sign("clinic.example/log", cp.size(), *cp.root(), &nurse).unwrap();
    assert_eq!(
        rogue.verify(&log_key.public_key()),
        Err(Error::VerificationFailed)
    );
}
