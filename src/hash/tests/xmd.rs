//! expand_message_xmd: argument checks and the DST rules beyond the RFC vectors.

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::hash::expand_message_xmd;

#[test]
fn rejects_an_empty_dst() {
    let err = expand_message_xmd(&[b"msg"], b"", 32).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    assert_eq!(err.code(), "invalid_argument");
}

#[test]
fn output_length_bounds() {
    let dst = b"CIPHERCHART-V01-TEST";
    for bad in [0, 8161, 65535, 65536, usize::MAX] {
        assert!(
            matches!(
                expand_message_xmd(&[b"m"], dst, bad),
                Err(Error::InvalidArgument(_))
            ),
            "length {bad} must be rejected"
        );
    }
    for good in [1, 31, 32, 33, 48, 96, 8159, 8160] {
        let out = expand_message_xmd(&[b"m"], dst, good).unwrap();
        assert_eq!(out.len(), good);
    }
}

#[test]
fn shorter_outputs_are_not_prefixes_of_longer_ones() {
    // len_in_bytes is hashed into b_0, so asking for more bytes changes every byte.
    let dst = b"CIPHERCHART-V01-TEST";
    let short = expand_message_xmd(&[b"m"], dst, 32).unwrap();
    let long = expand_message_xmd(&[b"m"], dst, 64).unwrap();
    assert_ne!(short[..], long[..32]);
}

#[test]
fn dst_of_255_bytes_is_used_as_is_and_256_is_hashed() {
    let prehash = |dst: &[u8]| -> Vec<u8> {
        Sha256::new()
            .chain_update(b"H2C-OVERSIZE-DST-")
            .chain_update(dst)
            .finalize()
            .to_vec()
    };
    let d255 = [b'x'; 255];
    let d256 = [b'x'; 256];
    let out = |dst: &[u8]| expand_message_xmd(&[b"abc"], dst, 48).unwrap();
    // §5.3.3: an oversize DST behaves exactly like its hash ...
    assert_eq!(out(&d256), out(&prehash(&d256)));
    // ... and a 255-byte one does not get hashed.
    assert_ne!(out(&d255), out(&prehash(&d255)));
    assert_ne!(out(&d255), out(&d256));
}

#[test]
fn dst_is_length_suffixed_so_moving_bytes_between_msg_and_dst_changes_output() {
    let a = expand_message_xmd(&[b"ab"], b"CIPHERCHART-V01-X", 32).unwrap();
    let b = expand_message_xmd(&[b"a"], b"bCIPHERCHART-V01-X", 32).unwrap();
    assert_ne!(a, b);
}
