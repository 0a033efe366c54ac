//! Scalars: big-endian, canonical (< r), zero only where allowed.

use ark_bls12_381::Fr;
use ark_ff::{BigInteger, PrimeField, Zero};
use proptest::prelude::*;

use super::{array, kind, TestResult};
use crate::encoding::{decode_scalar, encode_scalar, Reader, Writer, SCALAR_LEN};
use crate::error::EncodingError;

/// r as 32 big-endian bytes.
fn r_bytes() -> [u8; SCALAR_LEN] {
    array(&Fr::MODULUS.to_bytes_be())
}

/// `b + k` for a small k, big-endian (no overflow in the values used here).
fn plus(mut b: [u8; SCALAR_LEN], k: u8) -> [u8; SCALAR_LEN] {
    let mut carry = u16::from(k);
    for byte in b.iter_mut().rev() {
        let s = u16::from(*byte) + carry;
        *byte = (s & 0xff) as u8;
        carry = s >> 8;
    }
    b
}

#[test]
fn known_encodings() -> TestResult {
    let mut one = [0u8; SCALAR_LEN];
    one[31] = 1;
    assert_eq!(encode_scalar(&Fr::from(1u64)), one);
    assert_eq!(decode_scalar(&one)?, Fr::from(1u64));
    let mut x = [0u8; SCALAR_LEN];
    x[24..].copy_from_slice(&0x0102_0304_0506_0708u64.to_be_bytes());
    assert_eq!(decode_scalar(&x)?, Fr::from(0x0102_0304_0506_0708u64));
    // r - 1 = -1 is the largest canonical scalar.
    let r_minus_1 = encode_scalar(&-Fr::from(1u64));
    assert_eq!(plus(r_minus_1, 1), r_bytes());
    assert_eq!(decode_scalar(&r_minus_1)?, -Fr::from(1u64));
    Ok(())
}

#[test]
fn non_canonical_scalars_are_rejected() {
    let r = r_bytes();
    let mut two_255_minus_1 = [0xffu8; SCALAR_LEN];
    two_255_minus_1[0] = 0x7f;
    for bad in [
        r,
        plus(r, 1),
        plus(r, 200),
        two_255_minus_1,
        [0xff; SCALAR_LEN],
    ] {
        assert_eq!(decode_scalar(&bad), Err(EncodingError::InvalidScalar));
        assert_eq!(
            kind(Reader::raw(&bad).scalar()),
            Some(EncodingError::InvalidScalar)
        );
        assert_eq!(
            kind(Reader::raw(&bad).nonzero_scalar()),
            Some(EncodingError::InvalidScalar)
        );
    }
    // Each limb at r's value with the ones below pushed over: still ≥ r.
    for limb in 0..4 {
        let mut b = r;
        for byte in b.iter_mut().skip(8 * limb + 8) {
            *byte = 0xff;
        }
        assert_eq!(
            decode_scalar(&b),
            Err(EncodingError::InvalidScalar),
            "limb {limb}"
        );
    }
}

#[test]
fn zero_only_where_allowed() -> TestResult {
    let zero = [0u8; SCALAR_LEN];
    assert!(Reader::raw(&zero).scalar()?.is_zero());
    assert_eq!(
        kind(Reader::raw(&zero).nonzero_scalar()),
        Some(EncodingError::InvalidScalar)
    );
    assert_eq!(encode_scalar(&Fr::zero()), zero);
    Ok(())
}

#[test]
fn truncated_scalar() {
    assert_eq!(
        kind(Reader::raw(&[0u8; 31]).scalar()),
        Some(EncodingError::Truncated)
    );
}

proptest! {
    #[test]
    fn scalar_round_trip(bytes in any::<[u8; 64]>()) {
        let s = Fr::from_le_bytes_mod_order(&bytes);
        let mut w = Writer::raw();
        w.scalar(&s);
        let enc = w.finish();
        prop_assert_eq!(enc.len(), SCALAR_LEN);
        prop_assert_eq!(&enc[..], &s.into_bigint().to_bytes_be()[..]);
        let mut r = Reader::raw(&enc);
        prop_assert_eq!(r.scalar().ok(), Some(s));
        prop_assert!(r.finish().is_ok());
    }

    /// Any 32 bytes decode iff their big-endian value is < r, to that value.
    #[test]
    fn scalar_decode_is_exact(bytes in any::<[u8; 32]>()) {
        let value = num_value(&bytes);
        match decode_scalar(&bytes) {
            Ok(s) => {
                prop_assert!(value < Fr::MODULUS);
                prop_assert_eq!(s.into_bigint(), value);
            }
            Err(e) => {
                prop_assert_eq!(e, EncodingError::InvalidScalar);
                prop_assert!(value >= Fr::MODULUS);
            }
        }
    }
}

/// The big-endian bytes as a big integer, by arkworks (independent of our limb code).
fn num_value(bytes: &[u8; 32]) -> <Fr as PrimeField>::BigInt {
    let mut le = *bytes;
    le.reverse();
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(le.chunks_exact(8)) {
        *limb = u64::from_le_bytes(array(chunk));
    }
    ark_ff::BigInt::new(limbs)
}
