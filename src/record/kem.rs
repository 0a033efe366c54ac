//! The Fujisaki–Okamoto KEM over FAME (`docs/security.md` §2 and §5): IND-CCA in the random-oracle model.
//!
//! Encaps draws a 256-bit seed μ, derives the FAME coins from μ, the policy and a
//! context, and masks μ with `F(Z)`. Decaps recovers μ and checks the header against
//! the coins μ gives (`C0` recomputed exactly, the rows by a random linear combination
//! with weights hashed from the header, `docs/security.md` §2.1), rejecting any header
//! that is not the one μ produces: a mauled or re-randomised header never yields a key.

use core::fmt;

use ark_bls12_381::G1Affine;
use ark_ec::short_weierstrass::Affine;
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::abe::core::{
    dec_core, enc_c0_secret, enc_header, kem_value, weighted_bases_vartime, DecryptionKey,
    HeaderCore,
};
use crate::abe::key_material::HOLDER_GUARD;
use crate::abe::msm::{msm_split_weights, SplitWeight};
use crate::abe::PublicKey;
use crate::ct::curve::CtCurve;
use crate::ct::declassify::Declassify;
use crate::ct::{declassify_choice, SecretG1, SecretGt, SecretPoint, SecretScalar};
use crate::encoding::{Reader, Writer, G1_LEN, G2_LEN, GT_LEN};
use crate::error::{EncodingError, Error, LimitKind, Result};
use crate::hash::{dst, expand_message_xmd};
use crate::policy::{Policy, VersionedPolicy, MAX_POLICY_LEAVES, MAX_POLICY_TEXT_LEN};
use crate::secret::random_seed;

/// A KEM seed μ (secret).
pub(crate) type Seed = Zeroizing<[u8; 32]>;

/// A KEM header `(authority, ⟨P⟩, C0, C, c')`, with its canonical bytes kept for the FO
/// check and the digest.
///
/// Its policy is versioned (`docs/revocation-v3.md` §3.2): DecCore, the row selection
/// and the FO recomputation run at the header's versions. The v2 encoding, digest and
/// coins carry no versions, so every header read or sealed through them is at version 0
/// ([`VersionedPolicy::unversioned`]); headers at other versions exist only in tests
/// until the v3 header (§11.4), which binds the vector into the digest and the coins
/// (§3.3, §5.3).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct KemHeader {
    /// The key id of the authority whose public key made the header.
    pub(crate) authority: [u8; 32],
    pub(crate) policy: VersionedPolicy,
    pub(crate) core: HeaderCore,
    pub(crate) masked_seed: [u8; 32],
    /// v2, or v3 with the notice serial and flags (`docs/revocation-v3.md` §11.4).
    pub(crate) format: HeaderFormat,
    /// The v3 envelope (records only): the key commitment and the wrap of `K_b`.
    pub(crate) envelope: Option<Envelope>,
    /// The canonical encoding of the whole header, kept for the encoding and the
    /// digest.
    encoding: Vec<u8>,
    /// Domain-separated SHA-256 of the whole header encoding (v3: and the context).
    pub(crate) digest: [u8; 32],
}

/// Which encoding, coins and digest a KEM header uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderFormat {
    /// Format v2: every row at version 0, no serial, no envelope.
    V2,
    /// Format v3 (`docs/revocation-v3.md` §5.3, §11.4): sealed under the version notice
    /// of `notice_serial` (≥ 1); `flags` bit 0 is `degraded` (§4.4), the others 0.
    V3 {
        /// The serial of the notice the header was sealed under.
        notice_serial: u64,
        /// Bit 0: degraded sealing; no other bit is defined.
        flags: u8,
    },
}

/// The v3 envelope of a record header (§5.1, §11.4): `key_commitment =
/// SHA-256(KEY-COMMITMENT ‖ K_b)` and the 48-byte wrap of the body key `K_b` under the
/// header's wrap key `K_w`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Envelope {
    pub(crate) key_commitment: [u8; 32],
    pub(crate) wrap: [u8; WRAP_LEN],
}

/// The wrap of `K_b`: 32 bytes of ciphertext and the 16-byte Poly1305 tag.
pub(crate) const WRAP_LEN: usize = 48;

impl fmt::Debug for KemHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KemHeader")
            .field("policy", &self.policy.policy().as_str())
            .field("rows", &self.core.rows.len())
            .finish_non_exhaustive()
    }
}

fn encode_core(core: &HeaderCore) -> Vec<u8> {
    let mut w = Writer::raw();
    core.c0.iter().for_each(|p| w.g2(p));
    // Row count is bounded by MAX_POLICY_LEAVES.
    w.u32(core.rows.len() as u32);
    core.rows.iter().flatten().for_each(|p| w.g1(p));
    w.finish()
}

impl KemHeader {
    /// A v2 header. Its encoding is `authority ‖ len32 ‖ ⟨P⟩ ‖ C0 ‖ u32 rows ‖ rows ‖
    /// c'` and its digest `SHA-256(HEADER_DIGEST ‖ encoding)`.
    fn new(
        authority: [u8; 32],
        policy: VersionedPolicy,
        core: HeaderCore,
        masked_seed: [u8; 32],
    ) -> Self {
        let mut w = Writer::raw();
        w.fixed(&authority);
        w.bytes(policy_bytes(&policy));
        w.fixed(&encode_core(&core));
        w.fixed(&masked_seed);
        let encoding = w.finish();
        let digest = Sha256::new()
            .chain_update(dst::HEADER_DIGEST)
            .chain_update(&encoding)
            .finalize()
            .into();
        Self {
            authority,
            policy,
            core,
            masked_seed,
            format: HeaderFormat::V2,
            envelope: None,
            encoding,
            digest,
        }
    }

    /// A v3 header (`docs/revocation-v3.md` §11.4) for the context `ctx`, which its
    /// digest covers (§5.3).
    pub(crate) fn new_v3(
        authority: [u8; 32],
        policy: VersionedPolicy,
        core: HeaderCore,
        masked_seed: [u8; 32],
        (notice_serial, flags): (u64, u8),
        envelope: Option<Envelope>,
        ctx: &[u8],
    ) -> Self {
        let mut w = Writer::raw();
        w.fixed(&authority);
        w.u64(notice_serial);
        w.u8(flags);
        w.bytes(policy_bytes(&policy));
        // At most MAX_POLICY_LEAVES entries.
        w.u32(policy.versions().len() as u32);
        policy.versions().iter().for_each(|&v| w.u32(v));
        core.c0.iter().for_each(|p| w.g2(p));
        core.rows.iter().flatten().for_each(|p| w.g1(p));
        w.fixed(&masked_seed);
        if let Some(e) = &envelope {
            w.fixed(&e.key_commitment);
            w.fixed(&e.wrap);
        }
        let encoding = w.finish();
        let digest = Sha256::new()
            .chain_update(dst::HEADER_DIGEST_V3)
            .chain_update((encoding.len() as u32).to_be_bytes())
            .chain_update(&encoding)
            .chain_update((ctx.len() as u32).to_be_bytes())
            .chain_update(ctx)
            .finalize()
            .into();
        Self {
            authority,
            policy,
            core,
            masked_seed,
            format: HeaderFormat::V3 {
                notice_serial,
                flags,
            },
            envelope,
            encoding,
            digest,
        }
    }

    /// The length of [`write`](Self::write)'s output.
    pub(crate) fn encoded_len(&self) -> usize {
        self.encoding.len()
    }

    /// Appends the header encoding (`docs/formats.md`, "KEM header"; v3: "KEM header
    /// v3").
    pub(crate) fn write(&self, w: &mut Writer) {
        w.fixed(&self.encoding);
    }

    /// The notice serial of a v3 header; `None` for v2.
    pub(crate) fn notice_serial(&self) -> Option<u64> {
        match self.format {
            HeaderFormat::V3 { notice_serial, .. } => Some(notice_serial),
            HeaderFormat::V2 => None,
        }
    }

    /// The policy's attributes with their versions, in LSSS row order, without the holder
    /// guard (a session's or stream's header is sealed under it; it is always version 0).
    pub(crate) fn attribute_versions(&self) -> Vec<(crate::policy::Attribute, u32)> {
        self.policy
            .policy()
            .attributes()
            .iter()
            .cloned()
            .zip(self.policy.versions().iter().copied())
            .filter(|(a, _)| a.as_str() != crate::policy::HOLDER_GUARD)
            .collect()
    }

    /// Whether the header is a v3 header.
    pub(crate) fn is_v3(&self) -> bool {
        matches!(self.format, HeaderFormat::V3 { .. })
    }

    /// Reads and validates a header: canonical policy, points in the subgroup and not
    /// the identity, one row per LSSS row.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let authority = r.fixed::<32>()?;
        let policy = read_policy(r)?;
        let c0 = [r.g2()?, r.g2()?, r.g2()?];
        let n = read_row_count(r, &policy)?;
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            rows.push([r.g1()?, r.g1()?, r.g1()?]);
        }
        let masked_seed = r.fixed::<32>()?;
        Ok(Self::new(
            authority,
            VersionedPolicy::unversioned(policy),
            HeaderCore { c0, rows },
            masked_seed,
        ))
    }

    /// Reads a header's structure without decoding any group element: the same checks
    /// as [`read`](Self::read) on everything but the points (authority, canonical
    /// policy within the limits and the open-cost bound, row count), which are skipped
    /// by their fixed lengths. Returns the authority and the policy.
    pub(crate) fn skim(r: &mut Reader<'_>) -> Result<([u8; 32], Policy)> {
        let authority = r.fixed::<32>()?;
        let policy = read_policy(r)?;
        r.skip(3 * G2_LEN)?;
        let n = read_row_count(r, &policy)?;
        r.skip(n * 3 * G1_LEN)?;
        r.skip(32)?;
        Ok((authority, policy))
    }
}

/// ⟨P⟩ of a header's policy (`Policy::to_bytes`, without the copy).
pub(crate) fn policy_bytes(policy: &VersionedPolicy) -> &[u8] {
    policy.policy().as_str().as_bytes()
}

/// Reads a header's policy. `from_bytes` already reports InvalidText (not UTF-8) and
/// NonCanonical (parses, but not the canonical text); keep those kinds. Text that does
/// not parse at all is not the canonical text of any policy: NonCanonical too. A policy
/// over the open-cost bound keeps its LimitExceeded(PolicyCost): it may be well formed,
/// only too costly to open (issue 16, finding 1).
pub(crate) fn read_policy(r: &mut Reader<'_>) -> Result<Policy> {
    let policy_bytes = r.bytes(MAX_POLICY_TEXT_LEN)?;
    Policy::from_bytes(policy_bytes).map_err(|e| match e {
        Error::InvalidEncoding(_) | Error::LimitExceeded(LimitKind::PolicyCost) => e,
        Error::LimitExceeded(_) => Error::InvalidEncoding(EncodingError::BadLength),
        _ => Error::InvalidEncoding(EncodingError::NonCanonical),
    })
}

/// Reads a header's row count: one row per LSSS row of its policy.
fn read_row_count(r: &mut Reader<'_>, policy: &Policy) -> Result<usize> {
    let n = r.count(MAX_POLICY_LEAVES)?;
    if n != policy.lsss().rows() {
        return Err(EncodingError::BadLength.into());
    }
    Ok(n)
}

/// The FAME coins. v2: `(s1, s2) = G(pk id, μ, ⟨P⟩, ctx)`; v3 (`docs/revocation-v3.md`
/// §5.3): `G_V3(pk id, μ, u64 notice serial, u8 flags, VP, ctx)`, where `VP` is the
/// versioned policy's canonical bytes, so the version vector is bound into the coins.
/// Every variable-length input is length-prefixed (`ctx`, last, is self-delimiting), so
/// the encoding is injective.
/// This is RFC 9380 `hash_to_field` into Z_r (48 bytes per scalar), reduced in constant
/// time because μ is secret.
pub(super) fn coins(
    pk: &PublicKey,
    seed: &[u8; 32],
    policy: &VersionedPolicy,
    format: HeaderFormat,
    ctx: &[u8],
) -> Result<[SecretScalar; 2]> {
    let uniform = Zeroizing::new(match format {
        HeaderFormat::V2 => {
            let policy_bytes = policy_bytes(policy);
            let policy_len = (policy_bytes.len() as u32).to_be_bytes();
            expand_message_xmd(
                &[&pk.id, seed, &policy_len, policy_bytes, ctx],
                dst::FO_COINS,
                96,
            )?
        }
        HeaderFormat::V3 {
            notice_serial,
            flags,
        } => expand_message_xmd(
            &[
                &pk.id,
                seed,
                &notice_serial.to_be_bytes(),
                &[flags],
                policy.canonical_bytes(),
                ctx,
            ],
            dst::FO_COINS_V3,
            96,
        )?,
    });
    let mut chunk = Zeroizing::new([0u8; 48]);
    let mut out = [SecretScalar::zero(), SecretScalar::zero()];
    for (s, bytes) in out.iter_mut().zip(uniform.chunks_exact(48)) {
        chunk.copy_from_slice(bytes);
        *s = SecretScalar::from_hash_bytes(&chunk);
    }
    Ok(out)
}

/// The mask `F(Z)`: 32 bytes from the canonical 576-byte encoding of `Z`.
pub(super) fn mask(z_bytes: &[u8; GT_LEN]) -> Result<Zeroizing<[u8; 32]>> {
    let out = Zeroizing::new(expand_message_xmd(&[z_bytes], dst::FO_MASK, 32)?);
    let mut m = Zeroizing::new([0u8; 32]);
    m.copy_from_slice(&out);
    Ok(m)
}

pub(super) fn xor32(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// Builds the KEM context `label ‖ len32(part) ‖ part ‖ …`.
pub(crate) fn context(label: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut ctx =
        Vec::with_capacity(label.len() + parts.iter().map(|p| p.len() + 4).sum::<usize>() + 4);
    ctx.extend_from_slice(&(label.len() as u32).to_be_bytes());
    ctx.extend_from_slice(label);
    for p in parts {
        ctx.extend_from_slice(&(p.len() as u32).to_be_bytes());
        ctx.extend_from_slice(p);
    }
    ctx
}

/// Encaps: a fresh header under `policy` (every attribute at version 0, a v2 header)
/// and its seed μ.
pub(crate) fn encaps<R: RngCore + CryptoRng + ?Sized>(
    pk: &PublicKey,
    policy: &Policy,
    ctx: &[u8],
    rng: &mut R,
) -> Result<(KemHeader, Seed)> {
    let seed = random_seed(rng);
    let policy = VersionedPolicy::unversioned(policy.clone());
    let (header, _) = encaps_owned(pk, policy, ctx, &seed)?;
    Ok((header, seed))
}

/// The deterministic part of Encaps: the header that μ produces under `policy` at its
/// versions, and its KEM value `Z` (secret).
pub(crate) fn encaps_with_seed(
    pk: &PublicKey,
    policy: &VersionedPolicy,
    ctx: &[u8],
    seed: &[u8; 32],
) -> Result<(KemHeader, SecretGt)> {
    encaps_owned(pk, policy.clone(), ctx, seed)
}

/// [`encaps_with_seed`] taking the policy by value (the header keeps it).
fn encaps_owned(
    pk: &PublicKey,
    policy: VersionedPolicy,
    ctx: &[u8],
    seed: &[u8; 32],
) -> Result<(KemHeader, SecretGt)> {
    let s = coins(pk, seed, &policy, HeaderFormat::V2, ctx)?;
    let core = enc_header(pk, &policy, &s)?;
    let z = kem_value(pk, &s);
    let masked_seed = published(xor32(seed, &*mask(&z.to_bytes())?));
    Ok((KemHeader::new(pk.id, policy, core, masked_seed), z))
}

/// The header's `c' = μ ⊕ F(Z)`, declared public: it is published in the header like
/// `C0` and the rows (`SecretG1::batch_publish`). Declared for the constant-time
/// check, whose harness makes headers from secret seeds (a re-key's grant capsule, a
/// proxy's record capsule): the FO check hashes the header, `c'` included, into the
/// weights of its public MSMs (`docs/security.md` §2.1), which must not be secret.
pub(super) fn published(mut masked_seed: [u8; 32]) -> [u8; 32] {
    Declassify::declassify(&mut masked_seed);
    masked_seed
}

/// The rows a key uses for `policy` and their coefficients
/// ([`VersionedPolicy::reconstruct`] over the (name, version) pairs the key holds, the
/// [`HOLDER_GUARD`] at version 0 for a user key), or `None` if the key does not satisfy
/// it. A row is held only by its name at its version (`docs/revocation-v3.md` §3.4).
pub(crate) fn key_gamma<K: DecryptionKey + ?Sized>(
    key: &K,
    policy: &VersionedPolicy,
) -> Option<Vec<(usize, ark_bls12_381::Fr)>> {
    policy.reconstruct(|a, v| key.holds(a, v))
}

/// Whether a key satisfies `policy`, names and versions (with the guard for user keys);
/// no group work.
pub(crate) fn key_satisfies<K: DecryptionKey + ?Sized>(key: &K, policy: &VersionedPolicy) -> bool {
    policy.is_satisfied_by(|a, v| key.holds(a, v))
}

/// `(P) and cipherchart:key-holder`: the policy a stream or session header is sealed
/// under, so that only user keys (which hold the guard) and never a re-key (which never
/// does) can run DecCore on it (`docs/security.md` §12.4).
///
/// # Errors
/// [`Error::PolicyInvalid`] if `policy` already names the guard,
/// [`Error::LimitExceeded`] if it has the most leaves a policy may have.
pub(crate) fn guarded(policy: &Policy) -> Result<Policy> {
    Policy::parse(&format!("({}) and {HOLDER_GUARD}", policy.as_str()))
}

/// Refuses a caller's policy that names the holder guard: only [`guarded`] may. A record
/// or target policy naming it would be opened by every user key (every key holds the
/// guard) while `is_satisfied_by` over a key's listed attributes says otherwise.
///
/// # Errors
/// [`Error::InvalidAttribute`].
pub(crate) fn refuse_guard(policy: &Policy) -> Result<()> {
    if names_guard(policy) {
        return Err(Error::InvalidAttribute);
    }
    Ok(())
}

/// Whether `policy` names the holder guard.
pub(crate) fn names_guard(policy: &Policy) -> bool {
    policy
        .attributes()
        .iter()
        .any(|a| a.as_str() == HOLDER_GUARD)
}

/// The policy a guarded header was sealed for, or `NonCanonical` if `policy` is not
/// exactly [`guarded`] of a policy.
pub(crate) fn unguarded(policy: &Policy) -> Result<Policy> {
    let suffix = format!(" and {HOLDER_GUARD}");
    let inner = policy
        .as_str()
        .strip_suffix(&suffix)
        .and_then(|t| Policy::parse(t).ok())
        .ok_or(EncodingError::NonCanonical)?;
    if guarded(&inner).ok().as_ref() != Some(policy) {
        return Err(EncodingError::NonCanonical.into());
    }
    Ok(inner)
}

/// Refuses, before any pairing, a header or key of another authority than `pk`'s.
pub(crate) fn check_authority<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    header: &KemHeader,
) -> Result<()> {
    if header.authority != pk.id || *key.authority() != pk.id {
        return Err(Error::WrongAuthority);
    }
    Ok(())
}

/// Decaps with a key: checks the authority and the policy (before any pairing), runs
/// DecCore and the FO check.
pub(crate) fn decaps<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    header: &KemHeader,
    ctx: &[u8],
) -> Result<Seed> {
    Ok(decaps_value(key, pk, header, ctx)?.0)
}

/// [`decaps`] that also returns the KEM value `Z` (secret), for a re-encryption hop's
/// record capsule, whose `Z` unmasks the hop's transformed value.
pub(crate) fn decaps_value<K: DecryptionKey + ?Sized>(
    key: &K,
    pk: &PublicKey,
    header: &KemHeader,
    ctx: &[u8],
) -> Result<(Seed, SecretGt)> {
    check_authority(key, pk, header)?;
    let gamma = key_gamma(key, &header.policy).ok_or(Error::PolicyNotSatisfied)?;
    let z = dec_core(key, &header.policy, &header.core, &gamma)?;
    let seed = recover_seed(pk, header, &z.to_bytes(), ctx)?;
    Ok((seed, z))
}

/// The FO check given the KEM value `Z`: unmask μ, re-derive the coins, and accept only
/// if the received header is the one μ produces.
///
/// The cheap part first: `C0` (three G2 products) is recomputed and compared before any
/// row, so a forged header costs DecCore plus `C0`, never the rows (issue 16, finding
/// 1). From [`FO_BATCH_MIN_ROWS`] rows on, the rows are then checked all at once by a
/// random linear combination ([`rows_match_batched`], `docs/security.md` §2.1: public
/// MSMs and one constant-time `(s1, s2)` product instead of three per row; issue 19);
/// below it, row by row ([`rows_match_per_row`]). Everything that depends on
/// the secret-derived seed stays in the constant-time layer and is compared there, and
/// only the accept or reject bit is declassified: first `C0`'s, then the rows' (issue
/// 17, defect 2).
pub(crate) fn recover_seed(
    pk: &PublicKey,
    header: &KemHeader,
    z: &[u8; GT_LEN],
    ctx: &[u8],
) -> Result<Seed> {
    let seed = Zeroizing::new(xor32(&header.masked_seed, &*mask(z)?));
    let s = coins(pk, &seed, &header.policy, header.format, ctx)?;
    let c0 = enc_c0_secret(pk, &s);
    if !declassify_choice(points_match(&c0, &header.core.c0)) {
        return Err(Error::DecryptionFailed);
    }
    if header.core.rows.len() != header.policy.lsss().rows() {
        return Err(Error::DecryptionFailed);
    }
    let rows_ok = if header.core.rows.len() < FO_BATCH_MIN_ROWS {
        rows_match_per_row(header, &s)?
    } else {
        rows_match_batched(header, &s)?
    };
    if !declassify_choice(rows_ok) {
        return Err(Error::DecryptionFailed);
    }
    Ok(seed)
}

/// The weights `w_{i,l}` of the batched row check: `3·rows` weights `a + b·λ`
/// ([`SplitWeight`]), `a` and `b` read big-endian from the two halves of 16-byte chunks
/// of `expand_message_xmd(digest, FO_CHECK_WEIGHTS)`, row-major (`w_{i,1}, w_{i,2},
/// w_{i,3}` for row `i`). The input is the header digest, a hash of the whole received
/// header (authority, policy, `C0`, rows, `c'`): public, and independent of any secret.
/// The 2^128 pairs `(a, b)` give 2^128 distinct weights (`docs/security.md` §2.1).
///
/// One expansion gives at most 8160 bytes (RFC 9380: 255 SHA-256 blocks), 170 rows'
/// weights; the assertion below keeps the policy limit under that, so that raising
/// [`MAX_POLICY_LEAVES`] past it fails to compile instead of failing every open.
fn fo_weights(header: &KemHeader) -> Result<Vec<SplitWeight>> {
    const _: () = assert!(16 * 3 * MAX_POLICY_LEAVES <= 255 * 32);
    let uniform = expand_message_xmd(
        &[&header.digest],
        dst::FO_CHECK_WEIGHTS,
        16 * 3 * header.core.rows.len(),
    )?;
    Ok(uniform
        .chunks_exact(16)
        .map(|chunk| {
            let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
            a.copy_from_slice(&chunk[..8]);
            b.copy_from_slice(&chunk[8..]);
            SplitWeight {
                a: u64::from_be_bytes(a),
                b: u64::from_be_bytes(b),
            }
        })
        .collect())
}

/// 1 iff the received rows pass the batched FO check for coins `s`:
/// `Σ w_{i,l}·C(i,l) = s1·A + s2·B` with the weights of [`fo_weights`] and `(A, B)` of
/// [`weighted_bases_vartime`] (`docs/security.md` §2.1). The left side is a public MSM
/// over the received (decoded, subgroup-checked) points, `A` and `B` public MSMs over
/// the policy's row bases or hash points; only `s1·A + s2·B` involves the secret coins, one
/// constant-time product, compared with the left side in constant time
/// (`SecretPoint::ct_eq`). Nothing secret-derived is returned but the bit.
pub(super) fn rows_match_batched(header: &KemHeader, s: &[SecretScalar; 2]) -> Result<Choice> {
    let weights = fo_weights(header)?;
    let received: Vec<G1Affine> = header.core.rows.iter().flatten().copied().collect();
    let lhs = msm_split_weights(&received, &weights)?;
    let [a, b] = weighted_bases_vartime(&header.policy, &weights)?;
    let rhs = SecretG1::multi_mul(&[a, b], &[&s[0], &s[1]]);
    Ok(rhs.ct_eq(&SecretG1::from_projective(&lhs)))
}

/// Below this many rows the FO check recomputes the rows one by one
/// ([`rows_match_per_row`]); from it on, it checks them by one random linear combination
/// ([`rows_match_batched`]). The batched check has a fixed cost (a constant-time
/// two-term product, the weights, three MSMs' set-up) that a few rows' comb products do
/// not reach. Measured on this machine (`docs/performance.md`, "Batched FO check",
/// paired ratios to the pairing floor), batched against per row: 1 row 1.15–1.48× against
/// 0.98×, 5 rows 1.45–1.48× against 1.42×, 10 rows 1.67–1.77× against 1.99–2.00×. Both
/// checks accept exactly the same headers (`record::tests`), so the switch is a matter
/// of speed only; the row count is public.
pub(crate) const FO_BATCH_MIN_ROWS: usize = 8;

/// The per-row FO check, used below [`FO_BATCH_MIN_ROWS`] rows (and the reference of
/// the test that the batched check accepts exactly the same headers): every row
/// recomputed with the coins (three constant-time G1 products per row, by the hot rows'
/// combs once a row is used often) and compared point by point in constant time.
pub(super) fn rows_match_per_row(header: &KemHeader, s: &[SecretScalar; 2]) -> Result<Choice> {
    let rows = crate::abe::core::enc_rows_secret(&header.policy, s)?;
    let same_count = Choice::from(u8::from(rows.len() == 3 * header.core.rows.len()));
    Ok(same_count & points_match(&rows, header.core.rows.iter().flatten()))
}

/// 1 iff every secret point equals the received point beside it, in constant time
/// (projective cross-multiplication, `SecretPoint::ct_eq`; no early exit, no
/// normalisation, nothing published). Received header points were decoded strictly
/// (canonical compressed encodings, in the subgroup, not the identity), and the
/// compressed encoding is a bijection on points, so equal points is exactly the
/// design's "equal byte for byte" (`encode_core` of the recomputation against the
/// received bytes), without encoding secret points. Used for `C0`, and for the rows
/// below [`FO_BATCH_MIN_ROWS`].
fn points_match<'a, C, I>(computed: &[SecretPoint<C>], received: I) -> Choice
where
    C: CtCurve,
    C::Ark: 'a,
    I: IntoIterator<Item = &'a Affine<C::Ark>>,
{
    computed
        .iter()
        .zip(received)
        .fold(Choice::from(1), |acc, (c, r)| {
            acc & c.ct_eq(&SecretPoint::from_affine(r))
        })
}

/// `KDF(μ ‖ SHA-256(Hdr) ‖ ctx)` for one purpose: HKDF-SHA256 with the KDF tag as salt.
pub(crate) fn derive_key(
    seed: &[u8; 32],
    header: &KemHeader,
    ctx: &[u8],
    purpose: &[u8],
) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(dst::KDF), seed);
    let mut key = Zeroizing::new([0u8; 32]);
    let purpose_len = (purpose.len() as u32).to_be_bytes();
    // 32 bytes is far below HKDF's 255·32 limit, so expand cannot fail.
    let _ = hk.expand_multi_info(&[&header.digest, &purpose_len, purpose, ctx], key.as_mut());
    key
}
