//! Known answers: zkcrypto/bls12_381's Zcash-format vectors, line i = [i]G for
//! i = 0..999 (see `tests/vectors/zkcrypto-bls12_381-serialization/README.txt`).

use ark_bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};

use super::{array, kind, unhex, TestResult};
use crate::encoding::{
    encode_g1, encode_g2, g1_from_compressed, g1_from_compressed_nonidentity, g2_from_compressed,
    g2_from_compressed_nonidentity, Reader, G1_LEN, G2_LEN,
};
use crate::error::EncodingError;

const DIR: &str = "../../../tests/vectors/zkcrypto-bls12_381-serialization/";
const G1_COMPRESSED: &str = include_str!(
    "../../../tests/vectors/zkcrypto-bls12_381-serialization/g1_compressed_valid_test_vectors.txt"
);
const G1_UNCOMPRESSED: &str = include_str!(
    "../../../tests/vectors/zkcrypto-bls12_381-serialization/g1_uncompressed_valid_test_vectors.txt"
);
const G2_COMPRESSED: &str = include_str!(
    "../../../tests/vectors/zkcrypto-bls12_381-serialization/g2_compressed_valid_test_vectors.txt"
);
const G2_UNCOMPRESSED: &str = include_str!(
    "../../../tests/vectors/zkcrypto-bls12_381-serialization/g2_uncompressed_valid_test_vectors.txt"
);

/// The vector lines as bytes.
fn lines(text: &str) -> Vec<Vec<u8>> {
    text.lines().map(unhex).collect()
}

#[test]
fn vector_files_are_complete() {
    for (name, text, len) in [
        ("g1 compressed", G1_COMPRESSED, 48),
        ("g1 uncompressed", G1_UNCOMPRESSED, 96),
        ("g2 compressed", G2_COMPRESSED, 96),
        ("g2 uncompressed", G2_UNCOMPRESSED, 192),
    ] {
        let l = lines(text);
        assert_eq!(l.len(), 1000, "{DIR}{name}");
        assert!(
            l.iter().all(|b| b.len() == len),
            "{DIR}{name}: every line is {len} bytes"
        );
    }
}

/// Every G1 line decodes to [i]G, re-encodes byte for byte, and arkworks agrees.
#[test]
fn g1_compressed_vectors_round_trip() -> TestResult {
    let compressed = lines(G1_COMPRESSED);
    let uncompressed = lines(G1_UNCOMPRESSED);
    let mut acc = G1Projective::default(); // [0]G
    for (i, (c, u)) in compressed.iter().zip(&uncompressed).enumerate() {
        let want = acc.into_affine();
        let bytes: [u8; G1_LEN] = array(c);
        assert_eq!(encode_g1(&want), bytes, "encode [{i}]G");
        // arkworks writes the same bytes, and reads the uncompressed line as the same point.
        let mut ark = Vec::new();
        want.serialize_compressed(&mut ark)
            .map_err(|_| EncodingError::InvalidPoint)?;
        assert_eq!(ark, *c, "arkworks encode [{i}]G");
        let from_uncompressed =
            G1Affine::deserialize_uncompressed(&u[..]).map_err(|_| EncodingError::InvalidPoint)?;
        assert_eq!(from_uncompressed, want, "uncompressed [{i}]G");

        assert_eq!(g1_from_compressed(&bytes)?, want, "decode [{i}]G");
        assert_eq!(Reader::raw(c).g1_allow_identity()?, want);
        if i == 0 {
            assert!(want.is_zero());
            assert_eq!(
                g1_from_compressed_nonidentity(&bytes),
                Err(EncodingError::IdentityPoint)
            );
            assert_eq!(
                kind(Reader::raw(c).g1()),
                Some(EncodingError::IdentityPoint)
            );
        } else {
            assert_eq!(g1_from_compressed_nonidentity(&bytes)?, want);
            let mut r = Reader::raw(c);
            assert_eq!(r.g1()?, want);
            r.finish()?;
        }
        acc += G1Projective::generator();
    }
    Ok(())
}

/// Every G2 line decodes to [i]H, re-encodes byte for byte, and arkworks agrees.
#[test]
fn g2_compressed_vectors_round_trip() -> TestResult {
    let compressed = lines(G2_COMPRESSED);
    let uncompressed = lines(G2_UNCOMPRESSED);
    let mut acc = G2Projective::default();
    for (i, (c, u)) in compressed.iter().zip(&uncompressed).enumerate() {
        let want = acc.into_affine();
        let bytes: [u8; G2_LEN] = array(c);
        assert_eq!(encode_g2(&want), bytes, "encode [{i}]H");
        let mut ark = Vec::new();
        want.serialize_compressed(&mut ark)
            .map_err(|_| EncodingError::InvalidPoint)?;
        assert_eq!(ark, *c, "arkworks encode [{i}]H");
        let from_uncompressed =
            G2Affine::deserialize_uncompressed(&u[..]).map_err(|_| EncodingError::InvalidPoint)?;
        assert_eq!(from_uncompressed, want, "uncompressed [{i}]H");

        assert_eq!(g2_from_compressed(&bytes)?, want, "decode [{i}]H");
        assert_eq!(Reader::raw(c).g2_allow_identity()?, want);
        if i == 0 {
            assert!(want.is_zero());
            assert_eq!(
                g2_from_compressed_nonidentity(&bytes),
                Err(EncodingError::IdentityPoint)
            );
            assert_eq!(
                kind(Reader::raw(c).g2()),
                Some(EncodingError::IdentityPoint)
            );
        } else {
            assert_eq!(g2_from_compressed_nonidentity(&bytes)?, want);
            let mut r = Reader::raw(c);
            assert_eq!(r.g2()?, want);
            r.finish()?;
        }
        acc += G2Projective::generator();
    }
    Ok(())
}

/// The identity lines are exactly `0xc0 00…00`, the only identity encoding accepted.
#[test]
fn identity_lines_are_the_documented_bytes() {
    let g1 = lines(G1_COMPRESSED);
    let g2 = lines(G2_COMPRESSED);
    let mut want1 = [0u8; G1_LEN];
    want1[0] = 0xc0;
    let mut want2 = [0u8; G2_LEN];
    want2[0] = 0xc0;
    assert_eq!(g1.first().map(Vec::as_slice), Some(&want1[..]));
    assert_eq!(g2.first().map(Vec::as_slice), Some(&want2[..]));
}
