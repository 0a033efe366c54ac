//! The token: signed blocks, an optional holder proof, and their encodings.

use core::fmt;

use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

use super::block::{
    block_message, check_authority, check_narrowing, proof_message, Attenuation, Authority, Block,
    Effective,
};
use super::grant::{Grant, Narrowing};
use super::revocation::RevocationId;
use super::verify::VerifiedConsent;
use super::{RevocationSet, CONSENT_VERSION, MAX_BLOCKS, MAX_TOKEN_LEN, NONCE_LEN};
use crate::chain::{Action, EntryDraft};
use crate::encoding::base64::{self, Alphabet};
use crate::encoding::{ObjectType, Reader, Writer, G2_LEN};
use crate::error::{ConsentError, EncodingError, Error, Result};
use crate::sig::{BlsPublicKey, BlsSignature, BlsSigningKey};

/// One block as carried by a token: the payload bytes exactly as signed, their
/// decoding, and the signature.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SignedBlock {
    pub(crate) payload: Vec<u8>,
    pub(crate) block: Block,
    pub(crate) signature: BlsSignature,
}

/// A patient's consent token: an authority block signed by the patient, zero or more
/// attenuation blocks each signed by the holder the block before names, and, when the
/// last block names a holder, that holder's proof.
///
/// A token is public data (anyone may read it; only [`verify`](super::verify) makes
/// it mean anything). Its compact text form ([`to_text`](Self::to_text)) fits a QR
/// code. `docs/consent.md` explains the design, `docs/formats.md` the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentToken {
    pub(crate) blocks: Vec<SignedBlock>,
    pub(crate) proof: Option<BlsSignature>,
}

impl fmt::Debug for ConsentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ConsentToken");
        if let Some(a) = self.authority() {
            d.field("issuer", &a.issuer).field("subject", &a.subject);
        }
        d.field("blocks", &self.blocks.len())
            .field("revocation_ids", &self.revocation_ids())
            .field("proof", &self.proof.is_some())
            .finish_non_exhaustive()
    }
}

impl ConsentToken {
    /// The patient (`issuer`) signs a grant: the token's authority block, with a fresh
    /// 16-byte nonce so that two grants of the same content have distinct revocation
    /// ids.
    ///
    /// ```
    /// use cipherchart::{ConsentToken, Grant, Grantee, RevocationSet, Window};
    /// use cipherchart::{BlsSigningKey, Policy};
    /// let mut rng = rand_core::OsRng;
    /// let patient = BlsSigningKey::generate(&mut rng);
    /// let to = Grantee::Policy(Policy::parse("hospital:h2 and dept:cardiology")?);
    /// let grant = Grant::new("patient-42", to, Window::new(1_000, 2_000)?)
    ///     .categories(["cardiology"])
    ///     .purposes(["treatment"]);
    /// let token = ConsentToken::issue(&patient, &grant, &mut rng)?;
    /// let consent = token.verify(&patient.public_key(), 1_500, &RevocationSet::new())?;
    /// assert!(consent.permits(b"ecg-1", "cardiology", "treatment"));
    /// assert!(!consent.permits(b"ecg-1", "cardiology", "research"));
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an empty or too long subject, an empty or too
    /// large set, or an invalid value (see `docs/consent.md`, "Values").
    pub fn issue<R: RngCore + CryptoRng + ?Sized>(
        issuer: &BlsSigningKey,
        grant: &Grant,
        rng: &mut R,
    ) -> Result<Self> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let authority = Authority {
            issuer: issuer.public_key(),
            subject: grant.subject.clone(),
            grantee: grant.grantee.clone(),
            scope: grant.scope.clone(),
            purposes: grant.purposes.clone(),
            window: grant.window,
            rekey_digest: grant.rekey_digest,
            holder: grant.holder,
            nonce,
        };
        check_authority(&authority)?;
        let block = Block::Authority(authority);
        let payload = block.encode();
        check_len(payload.len())?;
        let signature = issuer.sign(&block_message(0, None, &payload));
        let token = Self {
            blocks: vec![SignedBlock {
                payload,
                block,
                signature,
            }],
            proof: None,
        };
        check_len(token.encoded_len() + PROOF_LEN)?;
        Ok(token)
    }

    /// Appends an attenuation block signed by `holder`, who must be the holder the last
    /// block names. The result carries no proof: its own holder (if it names one)
    /// [`present`](Self::present)s it.
    ///
    /// # Errors
    ///
    /// [`ConsentError::BadChain`] if `holder` is not the named holder (or the last
    /// block names none); [`ConsentError::Widened`] if the narrowing widens anything;
    /// [`ConsentError::Reordered`] for a token whose blocks are out of order;
    /// [`Error::InvalidArgument`] for invalid values or a token that already has
    /// [`MAX_BLOCKS`](super::MAX_BLOCKS) blocks.
    pub fn attenuate(&self, holder: &BlsSigningKey, narrowing: &Narrowing) -> Result<Self> {
        let (_, mut effective) = self.structure()?;
        let last = self.last_block()?;
        if last.block.holder() != Some(&holder.public_key()) {
            return Err(ConsentError::BadChain.into());
        }
        if self.blocks.len() >= MAX_BLOCKS {
            return Err(Error::InvalidArgument(
                "a consent token has at most 16 blocks",
            ));
        }
        check_narrowing(narrowing)?;
        effective.narrow(narrowing)?;
        let token = self.append_unchecked(holder, narrowing);
        // With the proof a holder may add later, the encoding must stay decodable.
        check_len(token.encoded_len() + PROOF_LEN)?;
        Ok(token)
    }

    /// Appends a block without checking the holder or the narrowing (for the tests that
    /// need a widening or foreign block to exist).
    pub(crate) fn append_unchecked(&self, signer: &BlsSigningKey, narrowing: &Narrowing) -> Self {
        let index = self.blocks.len() as u8;
        let block = Block::Attenuation(Attenuation {
            index,
            narrowing: narrowing.clone(),
        });
        let payload = block.encode();
        let prev = self.blocks.last().map(|b| &b.signature);
        let signature = signer.sign(&block_message(index, prev, &payload));
        let mut blocks = self.blocks.clone();
        blocks.push(SignedBlock {
            payload,
            block,
            signature,
        });
        Self {
            blocks,
            proof: None,
        }
    }

    /// Adds (or replaces) the holder's proof: `holder`, the holder the last block
    /// names, signs the last block's signature. A verifier requires this proof whenever
    /// the last block names a holder, so nobody can cut a token back to an earlier,
    /// wider block without that earlier holder's key, and a token bound to a holder is
    /// useless to whoever merely copies it before the holder presents it.
    ///
    /// # Errors
    ///
    /// [`ConsentError::BadChain`] if `holder` is not the holder the last block names.
    pub fn present(&self, holder: &BlsSigningKey) -> Result<Self> {
        let last = self.last_block()?;
        if last.block.holder() != Some(&holder.public_key()) {
            return Err(ConsentError::BadChain.into());
        }
        let count = self.blocks.len() as u8;
        Ok(Self {
            blocks: self.blocks.clone(),
            proof: Some(holder.sign(&proof_message(count, &last.signature))),
        })
    }

    /// Verifies the token; see [`verify`](super::verify).
    ///
    /// # Errors
    ///
    /// As [`verify`](super::verify).
    pub fn verify(
        &self,
        issuer: &BlsPublicKey,
        now: u64,
        revoked: &RevocationSet,
    ) -> Result<VerifiedConsent> {
        super::verify(self, issuer, now, revoked)
    }

    /// The key that signed the authority block (unverified until [`verify`](super::verify)).
    pub fn issuer(&self) -> Option<BlsPublicKey> {
        self.authority().map(|a| a.issuer)
    }

    /// The holder the last block names: who may attenuate or present the token next.
    pub fn holder(&self) -> Option<BlsPublicKey> {
        self.blocks.last().and_then(|b| b.block.holder().copied())
    }

    /// Whether the token carries a holder proof.
    pub fn is_presented(&self) -> bool {
        self.proof.is_some()
    }

    /// The number of blocks (1 + the number of attenuations).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// The key that signed each block, in block order, as the token names them (unverified
    /// until [`verify`](super::verify)): the issuer for block 0, then for each attenuation the
    /// holder the block before names. A logged revocation of block `i`'s id counts only if
    /// one of the signers of blocks `0..=i` signed it ([`RevocationSet`]), so these are the
    /// keys to ask a revocation registry about. `None` if a block that another follows names
    /// no holder (a token [`verify`](super::verify) refuses).
    ///
    /// ```
    /// # use cipherchart::{BlsSigningKey, ConsentToken, Grant, Grantee, Window, rand_core::OsRng};
    /// let patient = BlsSigningKey::generate(&mut OsRng);
    /// let grant = Grant::new("p42", Grantee::Key(patient.public_key()), Window::new(0, 10)?)
    ///     .purposes(["treatment"]);
    /// let token = ConsentToken::issue(&patient, &grant, &mut OsRng)?;
    /// assert_eq!(token.block_signers(), Some(vec![patient.public_key()]));
    /// # Ok::<(), cipherchart::Error>(())
    /// ```
    pub fn block_signers(&self) -> Option<Vec<BlsPublicKey>> {
        let mut signers = Vec::with_capacity(self.blocks.len());
        signers.push(self.issuer()?);
        for pair in self.blocks.windows(2) {
            signers.push(*pair[0].block.holder()?);
        }
        Some(signers)
    }

    /// The revocation id of every block, in block order: revoking the id of block `i`
    /// revokes this token and every token attenuated from its first `i + 1` blocks.
    pub fn revocation_ids(&self) -> Vec<RevocationId> {
        self.blocks
            .iter()
            .map(|b| RevocationId::of(&b.signature))
            .collect()
    }

    /// The proof-chain entry that logs this grant: action [`Action::Grant`], subject =
    /// the revocation id of the last block (the grant this token's last signer made),
    /// digest = SHA-256 of [`to_bytes`](Self::to_bytes). Sign it with the last block's
    /// signer and append it.
    pub fn grant_entry(&self, time: u64) -> EntryDraft {
        self.entry(Action::Grant, time)
    }

    /// The proof-chain entry that revokes the last block of this token (and so every
    /// token attenuated from it): action [`Action::Revoke`], subject = that block's
    /// revocation id, digest = SHA-256 of [`to_bytes`](Self::to_bytes). It counts only
    /// if signed by the issuer or a holder upstream of that block (see
    /// [`RevocationSet::from_chain`]).
    pub fn revoke_entry(&self, time: u64) -> EntryDraft {
        self.entry(Action::Revoke, time)
    }

    fn entry(&self, action: Action, time: u64) -> EntryDraft {
        let subject = self
            .blocks
            .last()
            .map(|b| RevocationId::of(&b.signature).to_bytes().to_vec())
            .unwrap_or_default();
        let digest: [u8; 32] = Sha256::digest(self.to_bytes()).into();
        EntryDraft::new(time, action, subject, digest)
    }

    /// The canonical encoding (tag `0x20`, `docs/formats.md`, "Consent token").
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::new(ObjectType::ConsentToken);
        w.u8(CONSENT_VERSION);
        w.u8(self.blocks.len() as u8);
        for b in &self.blocks {
            w.bytes(&b.payload);
            w.fixed(&b.signature.to_bytes());
        }
        match &self.proof {
            None => w.u8(0),
            Some(p) => {
                w.u8(1);
                w.fixed(&p.to_bytes());
            }
        }
        w.finish()
    }

    /// Decodes a token strictly. Nothing is verified here beyond the encoding (every
    /// key and signature is a valid point, every value valid and canonical).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`]: `Truncated`, `TrailingBytes`, `WrongType`,
    /// `UnsupportedVersion` (header or consent version), `BadLength` (no blocks, more
    /// than [`MAX_BLOCKS`](super::MAX_BLOCKS), a token over
    /// [`MAX_TOKEN_LEN`](super::MAX_TOKEN_LEN) bytes, a count or text over its bound),
    /// `NonCanonical`, `InvalidText`, and the point errors.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_TOKEN_LEN {
            return Err(EncodingError::BadLength.into());
        }
        let mut r = Reader::new(bytes, ObjectType::ConsentToken)?;
        if r.u8()? != CONSENT_VERSION {
            return Err(EncodingError::UnsupportedVersion.into());
        }
        let n = usize::from(r.u8()?);
        if n == 0 || n > MAX_BLOCKS {
            return Err(EncodingError::BadLength.into());
        }
        let mut blocks = Vec::with_capacity(n);
        for _ in 0..n {
            let payload = r.bytes(MAX_TOKEN_LEN)?;
            let block = Block::decode(payload)?;
            // Belt and braces: the decoder is strict, so this only fails if it missed a
            // non-canonical form; signatures must cover the one encoding of the values.
            if block.encode() != payload {
                return Err(EncodingError::NonCanonical.into());
            }
            let signature = BlsSignature::from_bytes(&r.fixed::<G2_LEN>()?)?;
            blocks.push(SignedBlock {
                payload: payload.to_vec(),
                block,
                signature,
            });
        }
        let proof = match r.bool()? {
            false => None,
            true => Some(BlsSignature::from_bytes(&r.fixed::<G2_LEN>()?)?),
        };
        r.finish()?;
        Ok(Self { blocks, proof })
    }

    /// The compact text form: base64url without padding (RFC 4648 §5) of
    /// [`to_bytes`](Self::to_bytes), for QR codes and URLs.
    pub fn to_text(&self) -> String {
        base64::encode(&self.to_bytes(), Alphabet::UrlNoPad)
    }

    /// Decodes the text form strictly (no padding, no whitespace, canonical last
    /// character).
    ///
    /// # Errors
    ///
    /// `InvalidEncoding(InvalidText)` for text that is not canonical base64url,
    /// `BadLength` for text longer than the largest token, then as
    /// [`from_bytes`](Self::from_bytes).
    pub fn from_text(text: &str) -> Result<Self> {
        if text.len() > MAX_TOKEN_LEN.div_ceil(3) * 4 {
            return Err(EncodingError::BadLength.into());
        }
        Self::from_bytes(&base64::decode(text, Alphabet::UrlNoPad)?)
    }

    /// The length of [`to_bytes`](Self::to_bytes) without building it.
    pub(crate) fn encoded_len(&self) -> usize {
        let blocks: usize = self
            .blocks
            .iter()
            .map(|b| 4 + b.payload.len() + G2_LEN)
            .sum();
        4 + 2 + blocks + 1 + self.proof.map_or(0, |_| G2_LEN)
    }

    /// The authority block, if the first block is one.
    pub(crate) fn authority(&self) -> Option<&Authority> {
        match self.blocks.first().map(|b| &b.block) {
            Some(Block::Authority(a)) => Some(a),
            _ => None,
        }
    }

    fn last_block(&self) -> Result<&SignedBlock> {
        self.blocks
            .last()
            .ok_or(Error::InvalidEncoding(EncodingError::BadLength))
    }

    /// The structural checks every use starts with: block `i` claims index `i` (so the
    /// first is the authority block), and each attenuation narrows. Returns the
    /// authority block and the rights in force after the last block.
    ///
    /// # Errors
    ///
    /// [`ConsentError::Reordered`], [`ConsentError::Widened`].
    pub(crate) fn structure(&self) -> Result<(&Authority, Effective)> {
        let in_order = self
            .blocks
            .iter()
            .enumerate()
            .all(|(i, b)| usize::from(b.block.index()) == i);
        let authority = self
            .authority()
            .filter(|_| in_order)
            .ok_or(Error::Consent(ConsentError::Reordered))?;
        let mut effective = Effective::of(authority);
        for b in &self.blocks[1..] {
            if let Block::Attenuation(a) = &b.block {
                effective.narrow(&a.narrowing)?;
            }
        }
        Ok((authority, effective))
    }
}

/// The bytes a holder proof adds to an encoding (the flag byte is always there).
const PROOF_LEN: usize = G2_LEN;

fn check_len(len: usize) -> Result<()> {
    if len > MAX_TOKEN_LEN {
        return Err(Error::InvalidArgument(
            "consent token longer than MAX_TOKEN_LEN",
        ));
    }
    Ok(())
}
