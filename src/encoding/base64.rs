//! Strict RFC 4648 base64: the standard alphabet with padding (C2SP signed notes) and
//! the URL-safe alphabet without padding (compact text forms for QR codes).
//!
//! Decoding is canonical: characters outside the alphabet (whitespace included),
//! misplaced or missing padding, and non-zero unused bits in the last character are
//! all rejected, so every byte string has exactly one accepted text.

use crate::error::{EncodingError, Result};

/// Which RFC 4648 variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// §4: `+` `/` and `=` padding.
    Standard,
    /// §5: `-` `_`, no padding.
    UrlNoPad,
}

impl Alphabet {
    fn symbols(self) -> &'static [u8; 64] {
        match self {
            Self::Standard => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            Self::UrlNoPad => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        }
    }

    fn value(self, c: u8) -> Option<u32> {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' if self == Self::Standard => 62,
            b'/' if self == Self::Standard => 63,
            b'-' if self == Self::UrlNoPad => 62,
            b'_' if self == Self::UrlNoPad => 63,
            _ => return None,
        };
        Some(u32::from(v))
    }
}

/// Encodes `bytes`.
pub(crate) fn encode(bytes: &[u8], alphabet: Alphabet) -> String {
    let sym = alphabet.symbols();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(char::from(sym[((n >> (18 - 6 * i)) & 63) as usize]));
            } else if alphabet == Alphabet::Standard {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes `text`, rejecting anything but the one canonical encoding.
///
/// # Errors
///
/// `InvalidText` for a character outside the alphabet, bad padding or a non-zero
/// unused bit.
pub(crate) fn decode(text: &str, alphabet: Alphabet) -> Result<Vec<u8>> {
    let bad = || EncodingError::InvalidText.into();
    let mut t = text.as_bytes();
    if alphabet == Alphabet::Standard {
        if !t.len().is_multiple_of(4) {
            return Err(bad());
        }
        // Strip at most two `=`; any other `=` then fails as outside the alphabet.
        for _ in 0..2 {
            if let Some(rest) = t.strip_suffix(b"=") {
                t = rest;
            }
        }
    }
    if t.len() % 4 == 1 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(t.len() / 4 * 3 + 2);
    for chunk in t.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= alphabet.value(c).ok_or_else(bad)? << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = chunk.len() - 1;
        // Bits of the last character that no output byte uses must be zero.
        if bytes[keep..].iter().any(|&b| b != 0) {
            return Err(bad());
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in cases {
            assert_eq!(encode(plain.as_bytes(), Alphabet::Standard), b64);
            assert_eq!(decode(b64, Alphabet::Standard).unwrap(), plain.as_bytes());
            let url = b64.trim_end_matches('=');
            assert_eq!(encode(plain.as_bytes(), Alphabet::UrlNoPad), url);
            assert_eq!(decode(url, Alphabet::UrlNoPad).unwrap(), plain.as_bytes());
        }
        assert_eq!(encode(&[0xfb, 0xff], Alphabet::Standard), "+/8=");
        assert_eq!(encode(&[0xfb, 0xff], Alphabet::UrlNoPad), "-_8");
    }

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for n in 0..data.len() {
            for a in [Alphabet::Standard, Alphabet::UrlNoPad] {
                assert_eq!(decode(&encode(&data[..n], a), a).unwrap(), &data[..n]);
            }
        }
    }

    #[test]
    fn rejects_non_canonical_text() {
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "Zm9v\n", " Zm9v", "Zm-v", "====", "Zg==Zg==",
        ] {
            assert!(decode(bad, Alphabet::Standard).is_err(), "{bad:?}");
        }
        for bad in ["Zg==", "Zh", "Zm9", "Z", "Zm+v", "Zm/v", "Zm9v="] {
            assert!(decode(bad, Alphabet::UrlNoPad).is_err(), "{bad:?}");
        }
    }
}
