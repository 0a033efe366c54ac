//! The secret half: `KeyGen`, `SkToPk`, `Sign` and `PopProve`.

use core::fmt;

use hkdf::HkdfExtract;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{
    hash_point, mul_secret_g1, mul_secret_g2, BlsPublicKey, BlsSignature, POP_DST, SECRET_KEY_LEN,
    SIG_DST,
};
use crate::ct::{after_wiping_stack, declassify_choice, SecretScalar};
use crate::error::{EncodingError, Error, Result};
use crate::secret::random_seed;

/// The initial `KeyGen` salt before hashing: draft-05 §2.3 with
/// `salt = H("BLS-SIG-KEYGEN-SALT-")` is draft-04's KeyGen and EIP-2333's `HKDF_mod_r`.
const KEYGEN_SALT: &[u8] = b"BLS-SIG-KEYGEN-SALT-";

/// `L = ceil(3 · ceil(log2 r) / 16) = 48`: the HKDF output length, 128 bits more than r so
/// the reduction mod r is statistically uniform.
const KEYGEN_L: usize = 48;

/// The smallest `IKM` `KeyGen` accepts (draft-05 §2.3: "IKM MUST be at least 32 bytes").
pub const MIN_IKM_LEN: usize = 32;

/// A BLS secret key: a non-zero scalar `sk`, with its public key `sk · g1` cached.
///
/// The scalar is a [`SecretScalar`]: every operation on it (decoding, export, `sk · g1`,
/// signing) runs in constant time, and only the validity of an imported key and the
/// public key and signatures are ever made public. It is wiped on drop; `Debug` shows only the public key; equality is
/// constant-time ([`ConstantTimeEq`]) and there is deliberately no `PartialEq` or `Clone`.
///
/// ```
/// use cipherchart::BlsSigningKey;
/// let ikm = [7u8; 32]; // use 32 secret random bytes in practice
/// let sk = BlsSigningKey::from_ikm(&ikm, b"")?;
/// let sig = sk.sign(b"hello");
/// sk.public_key().verify(b"hello", &sig)?;
/// # Ok::<(), cipherchart::Error>(())
/// ```
pub struct BlsSigningKey {
    sk: SecretScalar,
    pk: BlsPublicKey,
}

impl BlsSigningKey {
    /// A fresh key: `KeyGen` on 32 bytes from `rng`.
    pub fn generate<R: RngCore + CryptoRng + ?Sized>(rng: &mut R) -> Self {
        after_wiping_stack(|| {
            let ikm = random_seed(rng);
            let sk = key_gen(ikm.as_ref(), b"");
            Self::from_scalar(sk)
        })
    }

    /// The draft's `KeyGen(IKM)` with the optional `key_info` (empty by default): a
    /// deterministic key from at least 32 bytes of secret input keying material.
    ///
    /// Equal to EIP-2333's `HKDF_mod_r(IKM, key_info)`, so `from_ikm(seed, b"")` is an
    /// Ethereum wallet's master key for that seed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] if `ikm` is shorter than [`MIN_IKM_LEN`] bytes.
    pub fn from_ikm(ikm: &[u8], key_info: &[u8]) -> Result<Self> {
        if ikm.len() < MIN_IKM_LEN {
            return Err(Error::InvalidArgument(
                "BLS KeyGen needs at least 32 bytes of input keying material",
            ));
        }
        Ok(after_wiping_stack(|| {
            Self::from_scalar(key_gen(ikm, key_info))
        }))
    }

    /// Decodes a raw 32-byte big-endian secret key (`docs/formats.md`, "BlsSecretKey").
    /// Public only as [`hazmat::SecretKeyBytes`](crate::hazmat::SecretKeyBytes).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEncoding`]: `Truncated` / `TrailingBytes` for a length other than 32,
    /// `InvalidScalar` for a value ≥ r or equal to 0.
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let raw: &[u8; SECRET_KEY_LEN] = match bytes.len() {
            n if n < SECRET_KEY_LEN => return Err(EncodingError::Truncated.into()),
            n if n > SECRET_KEY_LEN => return Err(EncodingError::TrailingBytes.into()),
            _ => bytes
                .try_into()
                .map_err(|_| Error::from(EncodingError::Truncated))?,
        };
        // Range check (a borrow chain) and zero test on the secret value, combined into
        // one bit; only that bit (accept/reject) is published.
        after_wiping_stack(|| {
            let (sk, in_range) = SecretScalar::from_be_bytes_ct(raw);
            let valid = in_range & !sk.is_zero();
            if !declassify_choice(valid) {
                return Err(EncodingError::InvalidScalar.into());
            }
            Ok(Self::from_scalar(sk))
        })
    }

    /// The raw 32-byte big-endian secret scalar, in a buffer wiped on drop. Public only as
    /// [`hazmat::SecretKeyBytes`](crate::hazmat::SecretKeyBytes).
    #[cfg_attr(not(feature = "hazmat"), allow(dead_code))] // Reached only through `hazmat`.
    pub(crate) fn to_bytes(&self) -> Zeroizing<[u8; SECRET_KEY_LEN]> {
        // Out of Montgomery form: the canonical limbs pass through the stack.
        after_wiping_stack(|| self.sk.to_be_bytes())
    }

    /// The public key `sk · g1` (`SkToPk`).
    pub fn public_key(&self) -> BlsPublicKey {
        self.pk
    }

    /// Signs `msg`: `sk · H(msg)` with `H` = hash to G2 under
    /// [`SIG_DST`](super::SIG_DST). Deterministic.
    pub fn sign(&self, msg: &[u8]) -> BlsSignature {
        self.sign_with(SIG_DST, msg)
    }

    /// The proof of possession of this key (`PopProve`): `sk · H_pop(pk)`, the public
    /// key's 48 raw bytes hashed to G2 under [`POP_DST`](super::POP_DST).
    pub fn prove_possession(&self) -> BlsSignature {
        self.sign_with(POP_DST, &self.pk.to_bytes())
    }

    fn sign_with(&self, dst: &[u8], msg: &[u8]) -> BlsSignature {
        // The hash never fails for our fixed, non-empty tags; if arkworks ever reported an
        // error the identity "signature" below is rejected by every verifier (fail closed).
        let h = hash_point(dst, msg).unwrap_or_default();
        after_wiping_stack(|| BlsSignature::from_point_unchecked(mul_secret_g2(&h, &self.sk)))
    }

    /// Wraps a non-zero scalar.
    fn from_scalar(sk: SecretScalar) -> Self {
        let pk = BlsPublicKey::from_point_unchecked(mul_secret_g1(&sk));
        Self { sk, pk }
    }
}

/// `KeyGen(IKM, key_info)` of draft-05 §2.3 with `salt = H("BLS-SIG-KEYGEN-SALT-")`:
///
/// ```text
/// salt = "BLS-SIG-KEYGEN-SALT-"
/// loop: salt = SHA-256(salt)
///       PRK = HKDF-Extract(salt, IKM ‖ 0x00)
///       OKM = HKDF-Expand(PRK, key_info ‖ I2OSP(48, 2), 48)
///       SK = OS2IP(OKM) mod r;  return SK if SK ≠ 0
/// ```
fn key_gen(ikm: &[u8], key_info: &[u8]) -> SecretScalar {
    let mut salt: [u8; 32] = Sha256::digest(KEYGEN_SALT).into();
    loop {
        let mut extract = HkdfExtract::<Sha256>::new(Some(&salt));
        // IKM ‖ I2OSP(0, 1), fed in two parts so the secret is never copied.
        extract.input_ikm(ikm);
        extract.input_ikm(&[0]);
        let (mut prk, hkdf) = extract.finalize();
        prk.as_mut_slice().zeroize();
        let mut okm = Zeroizing::new([0u8; KEYGEN_L]);
        let len = (KEYGEN_L as u16).to_be_bytes();
        // 48 bytes is far below HKDF-SHA256's 255 · 32 limit, so expansion cannot fail; the
        // all-zero fallback would just give SK = 0 and another round.
        if hkdf
            .expand_multi_info(&[key_info, &len], okm.as_mut())
            .is_err()
        {
            okm.zeroize();
        }
        // OS2IP(OKM) mod r in constant time; only "is zero" (probability 2^-255) is public.
        let sk = SecretScalar::from_hash_bytes(&okm);
        if !declassify_choice(sk.is_zero()) {
            return sk;
        }
        salt = Sha256::digest(salt).into();
    }
}

// The scalar wipes itself on drop (`SecretScalar`); the public key is public.
impl ZeroizeOnDrop for BlsSigningKey {}

impl ConstantTimeEq for BlsSigningKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.sk.ct_eq(&other.sk)
    }
}

impl fmt::Debug for BlsSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlsSigningKey")
            .field("public_key", &self.pk)
            .finish_non_exhaustive()
    }
}
