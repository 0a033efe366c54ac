//! hash_to_scalars against an independent computation, and against arkworks'
//! non-conformant `DefaultFieldHasher` for Fr (arkworks-rs/algebra#849).

use ark_bls12_381::Fr;
use ark_ff::field_hashers::{DefaultFieldHasher, HashToField};
use ark_ff::{BigInteger, PrimeField};
use proptest::prelude::*;
use sha2::Sha256;

use crate::hash::{dst, expand_message_xmd, hash_to_scalar, hash_to_scalars, scalar};

/// RFC 9380 §5.2 hash_to_field for Fr written out: expand to 48·N bytes with
/// expand_message_xmd, then OS2IP each 48-byte chunk mod r with arkworks' general
/// byte-string reduction (a different code path from the module's limb arithmetic).
fn reference<const N: usize>(dst: &[u8], msg: &[u8]) -> Vec<Fr> {
    let bytes = expand_message_xmd(&[msg], dst, 48 * N).unwrap();
    bytes
        .chunks_exact(48)
        .map(Fr::from_be_bytes_mod_order)
        .collect()
}

#[test]
fn matches_the_reference_computation() {
    for msg in [&b""[..], b"abc", &[0xffu8; 200]] {
        assert_eq!(
            hash_to_scalars::<1>(dst::FO_COINS, &[msg]).to_vec(),
            reference::<1>(dst::FO_COINS, msg)
        );
        assert_eq!(
            hash_to_scalars::<2>(dst::FO_COINS, &[msg]).to_vec(),
            reference::<2>(dst::FO_COINS, msg)
        );
        assert_eq!(
            hash_to_scalars::<5>(dst::REKEY_BLIND, &[msg]).to_vec(),
            reference::<5>(dst::REKEY_BLIND, msg)
        );
        assert_eq!(
            hash_to_scalar(dst::REKEY_BLIND, &[msg]),
            reference::<1>(dst::REKEY_BLIND, msg)[0]
        );
    }
}

#[test]
fn largest_batch_compiles_and_matches() {
    // N = 170 is the most one expand_message_xmd call can give (ell = 255).
    let many = hash_to_scalars::<170>(dst::FO_COINS, &[b"many"]);
    assert_eq!(many.to_vec(), reference::<170>(dst::FO_COINS, b"many"));
}

#[test]
fn parts_are_concatenated() {
    let whole = hash_to_scalars::<2>(dst::FO_COINS, &[b"mu-policy-ctx"]);
    let parts = hash_to_scalars::<2>(dst::FO_COINS, &[b"mu-", b"policy", b"-ctx"]);
    assert_eq!(whole, parts);
}

#[test]
fn separated_by_dst_and_count() {
    let coins = hash_to_scalars::<2>(dst::FO_COINS, &[b"seed"]);
    let blind = hash_to_scalars::<2>(dst::REKEY_BLIND, &[b"seed"]);
    assert_ne!(coins, blind);
    assert_ne!(coins[0], coins[1]);
    // len_in_bytes is hashed, so the first scalar of a 1-batch differs from that of a 2-batch.
    assert_ne!(hash_to_scalar(dst::FO_COINS, &[b"seed"]), coins[0]);
}

/// arkworks-rs/algebra#849: `DefaultFieldHasher` pads with L = 48 zero bytes (the Fr element
/// length, from SEC_PARAM = 128) instead of SHA-256's 64-byte block, so for Fr its output is
/// not RFC 9380's. If this assertion ever fails, arkworks has been fixed: the module could
/// then use it, but the output must not change (it would break every stored record).
#[test]
fn arkworks_default_field_hasher_differs_for_fr() {
    for msg in [&b""[..], b"abc"] {
        let ours = hash_to_scalars::<2>(dst::FO_COINS, &[msg]);
        let hasher = <DefaultFieldHasher<Sha256, 128> as HashToField<Fr>>::new(dst::FO_COINS);
        let theirs: [Fr; 2] = hasher.hash_to_field(msg);
        assert_ne!(ours, theirs, "arkworks #849 would be fixed");
    }
}

#[test]
fn reduction_edge_cases() {
    let r_be = Fr::MODULUS.to_bytes_be();
    assert_eq!(r_be.len(), 32);
    let mut r48 = vec![0u8; 16];
    r48.extend_from_slice(&r_be);
    assert_eq!(scalar::reduce_48(&r48), Fr::from(0u64));
    for chunk in [vec![0u8; 48], vec![0xff; 48], r48.clone(), {
        let mut v = vec![0u8; 48];
        v[47] = 1;
        v
    }] {
        assert_eq!(
            scalar::reduce_48(&chunk),
            Fr::from_be_bytes_mod_order(&chunk)
        );
    }
}

proptest! {
    #[test]
    fn reduction_matches_arkworks(bytes in proptest::collection::vec(any::<u8>(), 48)) {
        prop_assert_eq!(scalar::reduce_48(&bytes), Fr::from_be_bytes_mod_order(&bytes));
    }
}
