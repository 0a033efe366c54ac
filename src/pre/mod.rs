//! Attribute-based proxy re-encryption (`docs/security.md` §3): a key holder delegates the
//! records its attributes `S' ⊆ S` can open to a new policy `P'`; a proxy transforms
//! them without learning anything; keys satisfying `P'` open the result.
//!
//! Construction (Green–Hohenberger–Waters-style blinding over FAME): the re-key is a
//! key for `S'` with **every** component raised to `1/z`, plus a grant capsule (an
//! FO-KEM header under `P'`) whose seed `w` gives `z = H_z(w)`. The proxy runs ordinary
//! FAME decryption with the blinded key and obtains `R = Z^{1/z}`, which is useless
//! without `z`; it masks `R` with the KEM value of a record capsule it makes for this
//! record only (`docs/security.md` §12.2). The delegatee opens both capsules, unmasks
//! `R`, computes `Z = R^z` and runs the original FO check.
//!
//! Every grant starts from a **delegation key** that the authority issues for that
//! grant alone, with fresh randomness, and that names the delegator's consent key
//! (BLS): grants made from one user key would share its randomness and combine
//! (§12.5), and a consent must come from the delegator the re-key names (§12.3). Read
//! `docs/security.md` for the trust model: a proxy colluding with a delegatee recovers
//! the delegation key, i.e. the attributes `S'` of that one grant.
//!
//! ```
//! use cipherchart::{seal, Authority, BlsSigningKey, Policy};
//! let mut rng = rand_core::OsRng;
//! let hospital = Authority::setup(&mut rng);
//! let pk = hospital.public_key();
//! let record = seal(pk, &Policy::parse("patient:42")?, b"ecg-1", b"", b"ECG data", &mut rng)?;
//!
//! // The patient's consent key signs consent tokens; the authority issues a one-grant
//! // delegation key that names it.
//! let patient_consent = BlsSigningKey::generate(&mut rng);
//! let delegation = hospital.issue_delegation_key(&["patient:42"], &patient_consent.public_key(), &mut rng)?;
//! let to = Policy::parse("hospital:h2 and role:physician")?;
//! let rekey = delegation.rekey(pk, &to, &mut rng)?;
//! let shared = rekey.reencrypt(&record)?; // done by the proxy
//!
//! let doctor = hospital.issue_key(&["hospital:h2", "role:physician"], &mut rng)?;
//! assert_eq!(doctor.open(pk, &shared)?, b"ECG data");
//! # Ok::<(), cipherchart::Error>(())
//! ```
//!
//! The module owns re-encryption end to end, one file per job: `delegation.rs` (the
//! one-grant key the authority issues, and `rekey`), `rekey.rs` (the re-key and its
//! encoding), `reencrypt.rs` (the proxy's transform of one record), `batch.rs` (many
//! records), `layers.rs` (the contexts, bindings and blinding that tie a hop to its
//! record and grant) and `open.rs` (`UserKey::open`: opening over every layer). A sealed
//! record only stores its hops (`record/hop.rs`).

mod batch;
mod delegation;
mod layers;
mod open;
mod reencrypt;
mod rekey;

pub use delegation::DelegationKey;
pub use rekey::ReKey;

#[cfg(test)]
mod tests;

mod align;
pub use align::align_batch;
