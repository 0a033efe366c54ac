//! Verifying many signatures without randomness (verify-only builds for ledger runtimes, which
//! have no RNG for [`batch_verify`]'s weights): each triple on its own.

use super::{BlsPublicKey, BlsSignature};
use crate::error::{Error, Result};

/// [`batch_verify`](super::batch_verify) without randomness: each `(public key, message,
/// signature)` triple checked on its own. The same accept/reject as the batch, more pairings.
///
/// ```
/// use cipherchart::verify_each;
/// use cipherchart::BlsSigningKey;
/// let key = BlsSigningKey::generate(&mut rand_core::OsRng);
/// let signature = key.sign(b"entry 1");
/// assert!(verify_each(&[(key.public_key(), &b"entry 1"[..], signature)]).is_ok());
/// assert!(verify_each(&[(key.public_key(), &b"entry 2"[..], signature)]).is_err());
/// assert!(verify_each(&[]).is_err());
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] if `items` is empty (as the batch); [`Error::VerificationFailed`]
/// if any triple is not valid.
pub fn verify_each(items: &[(BlsPublicKey, &[u8], BlsSignature)]) -> Result<()> {
    if items.is_empty() {
        return Err(Error::InvalidArgument(
            "batch_verify needs at least one signature",
        ));
    }
    items.iter().try_for_each(|(pk, m, s)| pk.verify(m, s))
}

/// [`batch_find_invalid`](super::batch_find_invalid) without randomness: the indices
/// (ascending) of the triples that do not verify, each checked on its own; empty if every
/// triple verifies (and for an empty `items`).
///
/// ```
/// use cipherchart::find_invalid_each;
/// use cipherchart::BlsSigningKey;
/// let key = BlsSigningKey::generate(&mut rand_core::OsRng);
/// let (a, b) = (key.sign(b"a"), key.sign(b"b"));
/// let pk = key.public_key();
/// assert_eq!(find_invalid_each(&[(pk, &b"a"[..], a), (pk, &b"a"[..], b)]), vec![1]);
/// ```
pub fn find_invalid_each(items: &[(BlsPublicKey, &[u8], BlsSignature)]) -> Vec<usize> {
    items
        .iter()
        .enumerate()
        .filter(|(_, (pk, m, s))| pk.verify(m, s).is_err())
        .map(|(i, _)| i)
        .collect()
}
