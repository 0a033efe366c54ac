//! `expand_message_xmd` with SHA-256 (RFC 9380 §5.3.1), written here rather than taken from
//! arkworks: arkworks pads with as many zero bytes as the *field element* length instead of
//! SHA-256's 64-byte block, which is wrong for the 255-bit scalar field
//! (arkworks-rs/algebra#849).

use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::error::{Error, Result};

/// SHA-256 output length (`b_in_bytes`).
const B_IN_BYTES: usize = 32;
/// SHA-256 input block length (`s_in_bytes`): the length of `Z_pad`.
const S_IN_BYTES: usize = 64;
/// Longest DST used as is; longer ones are hashed first (RFC 9380 §5.3.3).
const MAX_DST_LEN: usize = 255;
/// Prefix of the oversize-DST hash (RFC 9380 §5.3.3).
const OVERSIZE_DST_PREFIX: &[u8] = b"H2C-OVERSIZE-DST-";

/// RFC 9380 §5.3.1 `expand_message_xmd` with SHA-256.
///
/// `msg` is given in parts that are hashed as if concatenated, so callers can pass
/// framed fields without copying them into one buffer. A DST longer than 255 bytes is
/// first replaced by `SHA-256("H2C-OVERSIZE-DST-" || DST)` (§5.3.3).
///
/// # Errors
///
/// [`Error::InvalidArgument`] if the DST is empty (§3.1: tags must be non-empty), if
/// `len_in_bytes` is 0 (never meaningful, and a zero-length "hash" hides bugs), above
/// 65535, or needs more than 255 SHA-256 blocks (`ell > 255`, i.e. above 8160 bytes).
pub(crate) fn expand_message_xmd(
    msg: &[&[u8]],
    dst: &[u8],
    len_in_bytes: usize,
) -> Result<Vec<u8>> {
    if dst.is_empty() {
        return Err(Error::InvalidArgument(
            "hash domain separation tag is empty",
        ));
    }
    check_len(len_in_bytes)?;
    let mut out = vec![0u8; len_in_bytes];
    expand_into(msg, dst, &mut out);
    Ok(out)
}

/// Checks the output length rules of §5.3.1 step 2 (and rejects 0).
pub(super) fn check_len(len_in_bytes: usize) -> Result<()> {
    if len_in_bytes == 0 {
        return Err(Error::InvalidArgument(
            "expand_message_xmd output length is zero",
        ));
    }
    // ell > 255 is the binding bound (255 * 32 = 8160 < 65535), but check both as the
    // RFC states them.
    if len_in_bytes > usize::from(u16::MAX) || len_in_bytes.div_ceil(B_IN_BYTES) > 255 {
        return Err(Error::InvalidArgument(
            "expand_message_xmd output length too large",
        ));
    }
    Ok(())
}

/// The algorithm proper, filling `out` (its length is `len_in_bytes`).
///
/// The caller has checked `out.len()` with [`check_len`]; lengths outside that range
/// would be truncated in the `I2OSP` encodings below, so they are never passed (the
/// casts saturate rather than panic, and the crate-internal callers use fixed lengths).
pub(super) fn expand_into(msg: &[&[u8]], dst: &[u8], out: &mut [u8]) {
    // DST_prime = DST || I2OSP(len(DST), 1), hashing an oversize DST first (§5.3.3).
    let oversize;
    let dst: &[u8] = if dst.len() > MAX_DST_LEN {
        oversize = Sha256::new()
            .chain_update(OVERSIZE_DST_PREFIX)
            .chain_update(dst)
            .finalize();
        &oversize
    } else {
        dst
    };
    let dst_len = [u8::try_from(dst.len()).unwrap_or(u8::MAX)];
    let len_in_bytes = u16::try_from(out.len()).unwrap_or(u16::MAX).to_be_bytes();

    // b_0 = H(Z_pad || msg || I2OSP(len_in_bytes, 2) || I2OSP(0, 1) || DST_prime)
    let mut h = Sha256::new();
    h.update([0u8; S_IN_BYTES]);
    for part in msg {
        h.update(part);
    }
    h.update(len_in_bytes);
    h.update([0u8]);
    h.update(dst);
    h.update(dst_len);
    let mut b0: [u8; B_IN_BYTES] = h.finalize().into();

    // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime);
    // b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime).
    let mut chain = b0;
    for (i, chunk) in out.chunks_mut(B_IN_BYTES).enumerate() {
        let counter = u8::try_from(i + 1).unwrap_or(u8::MAX);
        let mut input = [0u8; B_IN_BYTES];
        if i == 0 {
            input = b0;
        } else {
            for ((x, a), b) in input.iter_mut().zip(&b0).zip(&chain) {
                *x = a ^ b;
            }
        }
        let mut bi: [u8; B_IN_BYTES] = Sha256::new()
            .chain_update(input)
            .chain_update([counter])
            .chain_update(dst)
            .chain_update(dst_len)
            .finalize()
            .into();
        chunk.copy_from_slice(&bi[..chunk.len()]);
        chain = bi;
        input.zeroize();
        bi.zeroize();
    }
    // The blocks may derive from secrets (FO coins, blinding factors).
    b0.zeroize();
    chain.zeroize();
}
