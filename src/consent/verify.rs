//! Verification: from a token to a [`VerifiedConsent`], and what a verified consent
//! permits.

use core::fmt;
use std::collections::BTreeSet;

use super::block::{block_message, proof_message};
use super::grant::{Grantee, Scope, Window};
use super::revocation::{RevocationId, RevocationSet};
use super::token::ConsentToken;
use crate::error::{ConsentError, Error, Result};
use crate::sig::{BlsPublicKey, BlsSignature};

/// A consent that [`verify`] accepted: the only way to obtain one. Entry points that
/// act on consent (the proxy helpers) take `&VerifiedConsent`, never a flag.
///
/// It holds the effective (narrowest) rights of the token: the last scope, purposes
/// and window in force after every attenuation. It is a snapshot at the time given to
/// [`verify`] ([`verified_at`](Self::verified_at)): verify again rather than keep it
/// (the window and the revocation set move on). Not `Clone`, for the same reason.
pub struct VerifiedConsent {
    issuer: BlsPublicKey,
    subject: String,
    grantee: Grantee,
    scope: Scope,
    purposes: BTreeSet<String>,
    window: Window,
    rekey_digest: Option<[u8; 32]>,
    holder: Option<BlsPublicKey>,
    revocation_ids: Vec<RevocationId>,
    verified_at: u64,
}

impl fmt::Debug for VerifiedConsent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedConsent")
            .field("issuer", &self.issuer)
            .field("subject", &self.subject)
            .field("grantee", &self.grantee)
            .field("scope", &self.scope)
            .field("purposes", &self.purposes)
            .field("window", &self.window)
            .field("verified_at", &self.verified_at)
            .finish_non_exhaustive()
    }
}

/// Verifies a consent token at time `now` (seconds since the Unix epoch) for a
/// verifier that expects it from `issuer` and knows the revocations in `revoked`.
///
/// Checks, cheapest first: the blocks are in order (block `i` claims index `i`); the
/// authority block is `issuer`'s; each block after the first follows a block that
/// names a holder; the token carries a holder proof iff its last block names a holder;
/// every attenuation narrows (scope, purposes and window within the block before);
/// then every signature — the authority block by `issuer`, block `i` by the holder
/// block `i − 1` names over the signature of block `i − 1`, the proof by the last
/// holder — in one randomised batch (one multi-pairing, 128-bit weights from the OS);
/// then no block is revoked; then `now` lies in the effective window.
///
/// # Errors
///
/// [`Error::Consent`] with [`ConsentError::Reordered`], `WrongIssuer`, `BadChain`,
/// `MissingProof`, `Widened`, `Revoked`, `NotYetValid` or `Expired`;
/// [`Error::VerificationFailed`] if any signature does not verify.
pub(crate) fn verify(
    token: &ConsentToken,
    issuer: &BlsPublicKey,
    now: u64,
    revoked: &RevocationSet,
) -> Result<VerifiedConsent> {
    // Positions first, so that a reordered token is reported as such even when the
    // misplaced blocks would also fail the narrowing rule.
    let reordered = token
        .blocks
        .iter()
        .enumerate()
        .any(|(i, b)| usize::from(b.block.index()) != i);
    if reordered {
        return Err(ConsentError::Reordered.into());
    }
    let (authority, effective) = {
        let authority = token.authority().ok_or(ConsentError::Reordered)?;
        if authority.issuer != *issuer {
            return Err(ConsentError::WrongIssuer.into());
        }
        // The signer of block i: the issuer for block 0, then the holder block i − 1 names.
        let mut signers = vec![*issuer];
        let (_, before_last) = token.blocks.split_last().ok_or(ConsentError::Reordered)?;
        for b in before_last {
            signers.push(*b.block.holder().ok_or(ConsentError::BadChain)?);
        }
        let last_holder = token.holder();
        match (&last_holder, &token.proof) {
            (Some(_), None) => return Err(ConsentError::MissingProof.into()),
            (None, Some(_)) => return Err(ConsentError::BadChain.into()),
            _ => {}
        }
        let (authority, effective) = token.structure()?;
        check_signatures(token, &signers, last_holder.as_ref())?;
        let ids = token.revocation_ids();
        for (i, id) in ids.iter().enumerate() {
            if revoked.revokes(id, &signers[..=i]) {
                return Err(ConsentError::Revoked.into());
            }
        }
        (authority, effective)
    };
    if now < effective.window.not_before() {
        return Err(ConsentError::NotYetValid.into());
    }
    if now >= effective.window.expiry() {
        return Err(ConsentError::Expired.into());
    }
    Ok(VerifiedConsent {
        issuer: authority.issuer,
        subject: authority.subject.clone(),
        grantee: authority.grantee.clone(),
        scope: effective.scope,
        purposes: effective.purposes,
        window: effective.window,
        rekey_digest: authority.rekey_digest,
        holder: token.holder(),
        revocation_ids: token.revocation_ids(),
        verified_at: now,
    })
}

/// Every block signature and the proof, batch-verified with random weights. A plain
/// aggregate check (one sum of signatures) would not do: it would accept blocks whose
/// signatures were shifted by opposite amounts, i.e. blocks whose revocation ids
/// (hashes of their signatures) were changed to dodge a revocation.
fn check_signatures(
    token: &ConsentToken,
    signers: &[BlsPublicKey],
    last_holder: Option<&BlsPublicKey>,
) -> Result<()> {
    let mut messages: Vec<Vec<u8>> = Vec::with_capacity(token.blocks.len() + 1);
    let mut prev: Option<&BlsSignature> = None;
    for (i, b) in token.blocks.iter().enumerate() {
        messages.push(block_message(i as u8, prev, &b.payload));
        prev = Some(&b.signature);
    }
    let mut items: Vec<(BlsPublicKey, &[u8], BlsSignature)> = signers
        .iter()
        .zip(&token.blocks)
        .zip(&messages)
        .map(|((k, b), m)| (*k, m.as_slice(), b.signature))
        .collect();
    let proof_msg;
    if let (Some(holder), Some(proof), Some(last)) = (last_holder, &token.proof, prev) {
        proof_msg = proof_message(token.blocks.len() as u8, last);
        items.push((*holder, proof_msg.as_slice(), *proof));
    }
    if items.len() != token.blocks.len() + usize::from(token.proof.is_some()) {
        return Err(Error::VerificationFailed);
    }
    check_items(&items)
}

/// With platform randomness: one batch check with random weights.
#[cfg(feature = "getrandom")]
fn check_items(items: &[(BlsPublicKey, &[u8], BlsSignature)]) -> Result<()> {
    crate::sig::batch_verify(items, &mut rand_core::OsRng)
}

/// Without randomness (the `getrandom` feature off, e.g. a verify-only WASM build): each
/// signature on its own, which rejects exactly what the batch check rejects (and more
/// surely: no 2^-127 slack), at about twice the pairings.
#[cfg(not(feature = "getrandom"))]
fn check_items(items: &[(BlsPublicKey, &[u8], BlsSignature)]) -> Result<()> {
    items
        .iter()
        .try_for_each(|(pk, msg, sig)| pk.verify(msg, sig))
}

impl VerifiedConsent {
    /// Whether the consent covers reading the record `record_id` of category
    /// `category` for `purpose`: the id and the category are in the effective scope
    /// and the purpose among the effective purposes. Texts compare byte for byte.
    pub fn permits(&self, record_id: &[u8], category: &str, purpose: &str) -> bool {
        self.scope.contains(record_id, category) && self.purposes.contains(purpose)
    }

    /// [`permits`](Self::permits) as a `Result`, for `?`.
    ///
    /// # Errors
    ///
    /// [`ConsentError::NotPermitted`] if the consent does not cover it.
    pub fn check_permits(&self, record_id: &[u8], category: &str, purpose: &str) -> Result<()> {
        if self.permits(record_id, category, purpose) {
            Ok(())
        } else {
            Err(ConsentError::NotPermitted.into())
        }
    }

    /// The patient's key that issued the token.
    pub fn issuer(&self) -> &BlsPublicKey {
        &self.issuer
    }

    /// The subject (patient id).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Who the consent is for.
    pub fn grantee(&self) -> &Grantee {
        &self.grantee
    }

    /// The effective scope (the last one in force).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The effective purposes.
    pub fn purposes(&self) -> &BTreeSet<String> {
        &self.purposes
    }

    /// The effective time window.
    pub fn window(&self) -> Window {
        self.window
    }

    /// The digest of the only re-key the consent authorises, if it names one.
    pub fn rekey_digest(&self) -> Option<&[u8; 32]> {
        self.rekey_digest.as_ref()
    }

    /// The holder the last block names (who presented the token), if any.
    pub fn holder(&self) -> Option<&BlsPublicKey> {
        self.holder.as_ref()
    }

    /// The revocation ids of the token's blocks, in block order.
    pub fn revocation_ids(&self) -> &[RevocationId] {
        &self.revocation_ids
    }

    /// The time the consent was verified at.
    pub fn verified_at(&self) -> u64 {
        self.verified_at
    }
}
