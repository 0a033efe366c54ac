//! Unit tests of the BLS signature module's internals; the known-answer and property tests
//! of the public API are in `tests/signatures/bls.rs`.

use ark_bls12_381::{Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::UniformRand;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x5167)
}

#[test]
fn tags_follow_the_ciphersuite_format() {
    // "BLS_SIG_" || H2C_SUITE_ID || "POP" || "_" and "BLS_POP_" || … (draft-05 §4.1).
    assert_eq!(SIG_DST, CIPHERSUITE.as_bytes());
    assert_eq!(
        SIG_DST.strip_prefix(b"BLS_SIG_"),
        POP_DST.strip_prefix(b"BLS_POP_")
    );
    assert!(SIG_DST.ends_with(b"BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"));
    assert_ne!(SIG_DST, POP_DST);
}

#[test]
fn secret_multiplications_match_arkworks() {
    let mut r = rng();
    let sk = Fr::rand(&mut r);
    let p = (G2Affine::generator() * Fr::rand(&mut r)).into();
    let secret = SecretScalar::from_fr(&sk);
    assert_eq!(mul_secret_g2(&p, &secret), G2Affine::from(p * sk));
    assert_eq!(
        mul_secret_g1(&secret),
        G1Affine::from(G1Affine::generator() * sk)
    );
}

#[test]
fn the_identity_signature_never_verifies() {
    // What `sign` would output if hashing ever failed: rejected before any pairing, even
    // against a hash point that is the identity too.
    let identity = BlsSignature::from_point_unchecked(G2Affine::identity());
    let pk = BlsPublicKey::from_point_unchecked(G1Affine::generator());
    assert_eq!(pk.verify(b"m", &identity), Err(Error::VerificationFailed));
    assert_eq!(
        pairing_check(
            [G1Affine::generator()],
            [G2Affine::identity()],
            identity.point()
        ),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn pairing_check_balances_exactly() {
    let mut r = rng();
    let (a, b) = (Fr::rand(&mut r), Fr::rand(&mut r));
    let h: G2Affine = (G2Affine::generator() * b).into();
    let pk: G1Affine = (G1Affine::generator() * a).into();
    let sig: G2Affine = (h * a).into();
    assert_eq!(pairing_check([pk], [h], &sig), Ok(()));
    let wrong: G2Affine = (h * b).into();
    assert_eq!(
        pairing_check([pk], [h], &wrong),
        Err(Error::VerificationFailed)
    );
    // Two pairs: e(pk, h) · e(pk, h) = e(−g1, 2·sig).
    let double: G2Affine = (sig + sig).into();
    assert_eq!(pairing_check([pk, pk], [h, h], &double), Ok(()));
    // Mismatched lengths never pass.
    assert_eq!(
        pairing_check([pk, pk], [h], &sig),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn sums() {
    let g = G1Affine::generator();
    let h = G2Affine::generator();
    assert_eq!(sum_g1([g, g].iter()), G1Affine::from(g * Fr::from(2u8)));
    assert_eq!(sum_g2([h, h, h].iter()), G2Affine::from(h * Fr::from(3u8)));
    assert!(sum_g1([].iter()).is_zero());
}

#[test]
fn hex_is_lower_case() {
    assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
}
