//! Framing: the header, integers, length prefixes, counts, text, booleans, trailing bytes.

use super::{kind, TestResult};
use crate::encoding::{peek_type, ObjectType, Reader, Writer, FORMAT_VERSION};
use crate::error::EncodingError;

#[test]
fn header_is_magic_tag_version() {
    for t in ObjectType::ALL {
        let bytes = Writer::new(t).finish();
        assert_eq!(bytes, [b'C', b'C', t.tag(), FORMAT_VERSION]);
        assert_eq!(ObjectType::from_tag(t.tag()), Some(t));
        assert_eq!(peek_type(&bytes), Ok(t));
        assert!(Reader::new(&bytes, t).and_then(Reader::finish).is_ok());
    }
}

#[test]
fn tags_are_unique_and_stable() {
    let tags: Vec<u8> = ObjectType::ALL.iter().map(|t| t.tag()).collect();
    assert_eq!(
        tags,
        [
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x10, 0x11, 0x20, 0x30, 0x31,
            0x32, 0x33, 0x41, 0x43
        ]
    );
    let assigned = (0..=u8::MAX)
        .filter(|t| ObjectType::from_tag(*t).is_some())
        .count();
    assert_eq!(assigned, ObjectType::ALL.len());
}

/// A reader of several format versions accepts exactly those it lists and says which
/// it found; a writer at a version writes that byte.
#[test]
fn versioned_headers_accept_only_listed_versions() {
    use crate::encoding::FORMAT_VERSION_V3;
    let kind_ = ObjectType::SealedRecord;
    for v in 0..=u8::MAX {
        let bytes = Writer::at_version(kind_, v).finish();
        assert_eq!(bytes, [b'C', b'C', kind_.tag(), v]);
        let got = Reader::new_at(&bytes, kind_, &[FORMAT_VERSION, FORMAT_VERSION_V3]);
        if v == 2 || v == 3 {
            assert_eq!(got.map(|(_, found)| found).ok(), Some(v));
        } else {
            assert_eq!(
                got.err(),
                Some(crate::error::Error::InvalidEncoding(
                    EncodingError::UnsupportedVersion
                ))
            );
        }
    }
    // The tag and magic checks come first, as in `Reader::new`.
    let other = Writer::at_version(ObjectType::UserKey, FORMAT_VERSION_V3).finish();
    assert_eq!(
        Reader::new_at(&other, kind_, &[FORMAT_VERSION_V3]).err(),
        Some(crate::error::Error::InvalidEncoding(
            EncodingError::WrongType
        ))
    );
}

#[test]
fn truncated_header() {
    let full = ObjectType::UserKey.header();
    for n in 0..full.len() {
        let short = full.get(..n).unwrap_or_default();
        assert_eq!(
            kind(Reader::new(short, ObjectType::UserKey)),
            Some(EncodingError::Truncated)
        );
        assert_eq!(kind(peek_type(short)), Some(EncodingError::Truncated));
    }
}

#[test]
fn wrong_magic() {
    for bad in [*b"CD\x03\x01", *b"cc\x03\x01", *b"\0C\x03\x01", [0xff; 4]] {
        assert_eq!(
            kind(Reader::new(&bad, ObjectType::UserKey)),
            Some(EncodingError::WrongType)
        );
        assert_eq!(kind(peek_type(&bad)), Some(EncodingError::WrongType));
    }
}

#[test]
fn wrong_tag() {
    for t in ObjectType::ALL {
        let bytes = t.header();
        for other in ObjectType::ALL.into_iter().filter(|o| *o != t) {
            assert_eq!(
                kind(Reader::new(&bytes, other)),
                Some(EncodingError::WrongType)
            );
        }
    }
    // An unassigned tag is no type at all.
    for tag in [0x00, 0x0a, 0x0f, 0x12, 0x21, 0x34, 0xff] {
        let bytes = [b'C', b'C', tag, FORMAT_VERSION];
        assert_eq!(kind(peek_type(&bytes)), Some(EncodingError::WrongType));
    }
}

#[test]
fn unknown_version() {
    for v in [0u8, 1, 3, 0x80, 0xff] {
        let bytes = [b'C', b'C', ObjectType::PublicKey.tag(), v];
        assert_eq!(
            kind(Reader::new(&bytes, ObjectType::PublicKey)),
            Some(EncodingError::UnsupportedVersion)
        );
        assert_eq!(
            kind(peek_type(&bytes)),
            Some(EncodingError::UnsupportedVersion)
        );
    }
}

#[test]
fn integers_are_big_endian() -> TestResult {
    let mut w = Writer::raw();
    w.u8(0xab);
    w.u16(0x0102);
    w.u32(0x0304_0506);
    w.u64(0x0708_090a_0b0c_0d0e);
    w.bool(true);
    w.bool(false);
    let bytes = w.finish();
    assert_eq!(
        bytes,
        [0xab, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 1, 0]
    );
    let mut r = Reader::raw(&bytes);
    assert_eq!(r.u8()?, 0xab);
    assert_eq!(r.u16()?, 0x0102);
    assert_eq!(r.u32()?, 0x0304_0506);
    assert_eq!(r.u64()?, 0x0708_090a_0b0c_0d0e);
    assert!(r.bool()?);
    assert!(!r.bool()?);
    assert_eq!(r.remaining(), 0);
    r.finish()
}

#[test]
fn truncated_integers() {
    let b = [0u8; 7];
    assert_eq!(
        kind(Reader::raw(&b[..0]).u8()),
        Some(EncodingError::Truncated)
    );
    assert_eq!(
        kind(Reader::raw(&b[..1]).u16()),
        Some(EncodingError::Truncated)
    );
    assert_eq!(
        kind(Reader::raw(&b[..3]).u32()),
        Some(EncodingError::Truncated)
    );
    assert_eq!(
        kind(Reader::raw(&b[..7]).u64()),
        Some(EncodingError::Truncated)
    );
    assert_eq!(
        kind(Reader::raw(&b[..3]).fixed::<4>()),
        Some(EncodingError::Truncated)
    );
    assert_eq!(
        kind(Reader::raw(&b[..0]).bool()),
        Some(EncodingError::Truncated)
    );
}

#[test]
fn bool_is_zero_or_one() {
    for b in 2..=u8::MAX {
        assert_eq!(
            kind(Reader::raw(&[b]).bool()),
            Some(EncodingError::NonCanonical)
        );
    }
}

#[test]
fn length_prefixed_bytes() -> TestResult {
    let mut w = Writer::new(ObjectType::SealedRecord);
    w.bytes(b"hello");
    w.bytes(b"");
    w.text("h\u{e9}");
    w.fixed(&[9, 9]);
    let bytes = w.finish();
    assert_eq!(
        bytes.get(4..).unwrap_or_default(),
        [
            0, 0, 0, 5, b'h', b'e', b'l', b'l', b'o', 0, 0, 0, 0, 0, 0, 0, 3, b'h', 0xc3, 0xa9, 9,
            9
        ]
    );
    let mut r = Reader::new(&bytes, ObjectType::SealedRecord)?;
    assert_eq!(r.bytes(5)?, b"hello");
    assert_eq!(r.bytes(0)?, b"");
    assert_eq!(r.text(3)?, "h\u{e9}");
    assert_eq!(r.fixed::<2>()?, [9, 9]);
    r.finish()
}

#[test]
fn bad_length_is_checked_before_truncation() {
    // Claims 5 bytes, has 5: a limit of 4 rejects it as BadLength.
    let b = [0, 0, 0, 5, 1, 2, 3, 4, 5];
    assert_eq!(
        kind(Reader::raw(&b).bytes(4)),
        Some(EncodingError::BadLength)
    );
    // Claims 2^32 - 1 bytes: BadLength under any realistic limit, before looking for them.
    let huge = [0xff, 0xff, 0xff, 0xff, 1];
    assert_eq!(
        kind(Reader::raw(&huge).bytes(1 << 20)),
        Some(EncodingError::BadLength)
    );
    // Within the limit but missing bytes: Truncated.
    assert_eq!(
        kind(Reader::raw(&b[..8]).bytes(5)),
        Some(EncodingError::Truncated)
    );
    assert_eq!(
        kind(Reader::raw(&b[..3]).bytes(5)),
        Some(EncodingError::Truncated)
    );
}

#[test]
fn counts_are_bounded() -> TestResult {
    let mut w = Writer::raw();
    w.count(3);
    w.count(4);
    let b = w.finish();
    let mut r = Reader::raw(&b);
    assert_eq!(r.count(3)?, 3);
    assert_eq!(kind(r.count(3)), Some(EncodingError::BadLength));
    // The full u32 range is readable when the caller allows it.
    let max = usize::try_from(u32::MAX).unwrap_or(usize::MAX);
    assert_eq!(Reader::raw(&[0xff; 4]).count(max)?, max);
    Ok(())
}

#[test]
fn oversized_lengths_are_written_as_u32_max() {
    let mut w = Writer::raw();
    w.count(usize::MAX);
    assert_eq!(w.finish(), [0xff; 4]);
}

#[test]
fn text_must_be_utf8() {
    let b = [0, 0, 0, 2, 0xc3, 0x28];
    assert_eq!(
        kind(Reader::raw(&b).text(10)),
        Some(EncodingError::InvalidText)
    );
}

#[test]
fn trailing_bytes() -> TestResult {
    let mut bytes = Writer::new(ObjectType::ReKey).finish();
    bytes.push(0);
    let r = Reader::new(&bytes, ObjectType::ReKey)?;
    assert_eq!(r.remaining(), 1);
    assert_eq!(kind(r.finish()), Some(EncodingError::TrailingBytes));
    let mut r = Reader::raw(&[1, 2, 3]);
    r.u16()?;
    assert_eq!(kind(r.finish()), Some(EncodingError::TrailingBytes));
    Ok(())
}

#[test]
fn debug_output_hides_contents() {
    let mut w = Writer::raw();
    w.fixed(&[0x5e, 0xc2, 0xe7]);
    assert_eq!(format!("{w:?}"), "Writer { len: 3, .. }");
    let r = Reader::raw(&[0x5e, 0xc2, 0xe7]);
    assert_eq!(format!("{r:?}"), "Reader { remaining: 3, .. }");
}
