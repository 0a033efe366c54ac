//! Streams (STREAM over ChaCha20-Poly1305 behind one KEM header): round trips at the
//! chunk boundaries, and every way of cutting, reordering, substituting, re-flagging
//! or extending the chunks fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{self, Read, Write};
use std::ops::Range;
use std::sync::OnceLock;

use cipherchart::{
    limits::DEFAULT_CHUNK_SIZE, limits::MAX_CHUNK_SIZE, read_stream_info, seal_stream,
    seal_stream_with_chunk_size, StreamInfo,
};
use cipherchart::{Attribute, Authority, EncodingError, Error, Policy, UserKey};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

struct Fixture {
    authority: Authority,
    policy: Policy,
    key: UserKey,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(0x5743);
        let authority = Authority::setup(&mut rng);
        let key = authority
            .issue_key(&["role:radiologist", "dept:imaging"], &mut rng)
            .unwrap();
        Fixture {
            authority,
            policy: Policy::parse("role:radiologist and dept:imaging").unwrap(),
            key,
        }
    })
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

fn seal_with(id: &[u8], meta: &[u8], chunk: u32, data: &[u8], seed: u64) -> Vec<u8> {
    let f = fixture();
    let mut out = Vec::new();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let n = seal_stream_with_chunk_size(
        f.authority.public_key(),
        &f.policy,
        id,
        meta,
        chunk,
        data,
        &mut out,
        &mut rng,
    )
    .unwrap();
    assert_eq!(n, data.len() as u64);
    out
}

fn open(stream: &[u8]) -> Result<Vec<u8>, Error> {
    open_with(&fixture().key, stream)
}

fn open_with(key: &UserKey, stream: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    key.open_stream(fixture().authority.public_key(), stream, &mut out)?;
    Ok(out)
}

/// The header length and the byte ranges of the frames (flag, length, ciphertext).
fn frames(stream: &[u8]) -> (usize, Vec<Range<usize>>) {
    let header_len = 8 + u32::from_be_bytes(stream[4..8].try_into().unwrap()) as usize;
    let mut at = header_len;
    let mut frames = Vec::new();
    while at < stream.len() {
        let len = u32::from_be_bytes(stream[at + 1..at + 5].try_into().unwrap()) as usize;
        frames.push(at..at + 5 + len);
        at += 5 + len;
    }
    assert_eq!(at, stream.len());
    (header_len, frames)
}

/// Re-assembles a stream from its header and a list of frames.
fn rebuild(stream: &[u8], header_len: usize, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = stream[..header_len].to_vec();
    parts.iter().for_each(|p| out.extend_from_slice(p));
    out
}

#[test]
fn round_trips_at_chunk_boundaries() {
    let chunk = 16u32;
    let c = chunk as usize;
    for (len, expected_frames) in [
        (0, 1),
        (1, 1),
        (c - 1, 1),
        (c, 1),
        (c + 1, 2),
        (3 * c, 3),
        (3 * c + 5, 4),
    ] {
        let data = payload(len);
        let stream = seal_with(b"scan-1", b"mri", chunk, &data, len as u64);
        let (_, f) = frames(&stream);
        assert_eq!(f.len(), expected_frames, "{len}");
        // Every frame but the last is a full chunk and flagged "more"; the last is
        // flagged "last".
        for (i, r) in f.iter().enumerate() {
            let last = i + 1 == f.len();
            assert_eq!(stream[r.start], u8::from(last), "{len}");
            if !last {
                assert_eq!(r.len(), 5 + c + 16);
            }
        }
        assert_eq!(open(&stream).unwrap(), data, "{len}");
        let mut out = Vec::new();
        let info = fixture()
            .key
            .open_stream(fixture().authority.public_key(), &stream[..], &mut out)
            .unwrap();
        assert_eq!(info.stream_id, b"scan-1");
        assert_eq!(info.metadata, b"mri");
        assert_eq!(info.chunk_size, chunk);
        assert_eq!(info.policy, fixture().policy);
    }
}

#[test]
fn one_byte_chunks_default_chunks_and_one_byte_reads() {
    let data = payload(5);
    let stream = seal_with(b"s", b"", 1, &data, 1);
    assert_eq!(frames(&stream).1.len(), 5);
    assert_eq!(open(&stream).unwrap(), data);

    // The default chunk size, one byte more than a chunk.
    let f = fixture();
    let big = payload(DEFAULT_CHUNK_SIZE as usize + 1);
    let mut stream = Vec::new();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    seal_stream(
        f.authority.public_key(),
        &f.policy,
        b"big",
        b"",
        &big[..],
        &mut stream,
        &mut rng,
    )
    .unwrap();
    assert_eq!(frames(&stream).1.len(), 2);
    assert_eq!(open(&stream).unwrap(), big);

    /// A reader that hands out one byte per call (and sometimes is interrupted).
    struct Trickle<'a>(&'a [u8], bool);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.1 = !self.1;
            if self.1 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let data = payload(40);
    let stream = seal_with(b"s", b"", 16, &data, 3);
    let mut out = Vec::new();
    f.key
        .open_stream(f.authority.public_key(), Trickle(&stream, false), &mut out)
        .unwrap();
    assert_eq!(out, data);
    assert_eq!(
        read_stream_info(Trickle(&stream, false))
            .unwrap()
            .chunk_size,
        16
    );
    // Sealing from a trickling reader gives the same framing.
    let mut trickled = Vec::new();
    seal_stream_with_chunk_size(
        f.authority.public_key(),
        &f.policy,
        b"s",
        b"",
        16,
        Trickle(&data, false),
        &mut trickled,
        &mut ChaCha20Rng::seed_from_u64(3),
    )
    .unwrap();
    assert_eq!(trickled, stream);
}

#[test]
fn truncation_is_detected() {
    // Chunk 4, 9 bytes: frames of 4, 4 and 1 plaintext bytes.
    let data = payload(9);
    let stream = seal_with(b"s", b"", 4, &data, 4);
    let (header_len, f) = frames(&stream);
    assert_eq!(f.len(), 3);
    // Drop the last frame; drop the last two.
    assert_eq!(open(&stream[..f[2].start]), Err(Error::DecryptionFailed));
    assert_eq!(open(&stream[..f[1].start]), Err(Error::DecryptionFailed));
    assert_eq!(open(&stream[..header_len]), Err(Error::DecryptionFailed));
    // Cut anywhere inside the frames.
    for cut in header_len..stream.len() {
        assert_eq!(open(&stream[..cut]), Err(Error::DecryptionFailed), "{cut}");
    }
    // Cut anywhere inside the header.
    for cut in 0..header_len {
        assert_eq!(
            open(&stream[..cut]),
            Err(Error::InvalidEncoding(EncodingError::Truncated)),
            "{cut}"
        );
        assert_eq!(
            read_stream_info(&stream[..cut]),
            Err(Error::InvalidEncoding(EncodingError::Truncated)),
            "{cut}"
        );
    }
    // Drop the last frame and re-flag the one before as last: STREAM's nonce
    // separates "last" chunks, so this classic truncation fails too.
    let mut cut = stream[..f[2].start].to_vec();
    cut[f[1].start] = 1;
    assert_eq!(open(&cut), Err(Error::DecryptionFailed));
}

#[test]
fn reordered_substituted_and_reflagged_chunks_fail() {
    let data = payload(12);
    let stream = seal_with(b"s", b"m", 4, &data, 5);
    let (h, f) = frames(&stream);
    let frame = |i: usize| &stream[f[i].clone()];
    assert_eq!(f.len(), 3);
    assert_eq!(
        open(&rebuild(&stream, h, &[frame(1), frame(0), frame(2)])),
        Err(Error::DecryptionFailed)
    );
    // A duplicated chunk.
    assert_eq!(
        open(&rebuild(&stream, h, &[frame(0), frame(0), frame(2)])),
        Err(Error::DecryptionFailed)
    );
    // A chunk from another stream with the same key, policy, id and metadata.
    let other = seal_with(b"s", b"m", 4, &data, 6);
    let (_, g) = frames(&other);
    assert_eq!(g, f);
    for i in 0..3 {
        let mut mixed = stream.clone();
        mixed[f[i].clone()].copy_from_slice(&other[f[i].clone()]);
        assert_eq!(open(&mixed), Err(Error::DecryptionFailed), "frame {i}");
    }
    // The other stream's header with this stream's chunks.
    assert_eq!(
        open(&rebuild(&other, h, &[frame(0), frame(1), frame(2)])),
        Err(Error::DecryptionFailed)
    );
    // Flags: every frame with every other flag value.
    for i in 0..3 {
        for flag in [0u8, 1, 2, 0x80, 0xff] {
            if flag == stream[f[i].start] {
                continue;
            }
            let mut bad = stream.clone();
            bad[f[i].start] = flag;
            assert_eq!(
                open(&bad),
                Err(Error::DecryptionFailed),
                "frame {i} flag {flag}"
            );
        }
    }
    // Length fields: too long for a chunk (never allocated), or not a full chunk for a
    // "more" frame.
    for len in [u32::MAX, 4 + 16 + 1, 4 + 16 - 1, 15, 0] {
        let mut bad = stream.clone();
        bad[f[0].start + 1..f[0].start + 5].copy_from_slice(&len.to_be_bytes());
        assert_eq!(open(&bad), Err(Error::DecryptionFailed), "len {len}");
    }
    // The original still opens.
    assert_eq!(open(&stream).unwrap(), data);
}

#[test]
fn trailing_bytes_and_header_tampering_fail() {
    let data = payload(8);
    let stream = seal_with(b"stream-id", b"meta", 4, &data, 7);
    let (h, f) = frames(&stream);
    for extra in [&[0u8][..], &[1], &stream[f[0].clone()]] {
        let mut longer = stream.clone();
        longer.extend_from_slice(extra);
        assert_eq!(
            open(&longer),
            Err(Error::InvalidEncoding(EncodingError::TrailingBytes))
        );
    }
    // Header fields: chunk size, id and metadata bytes (same lengths).
    let body = 8;
    let mut bad = stream.clone();
    bad[body + 3] = 8; // chunk size 4 -> 8
    assert_eq!(open(&bad), Err(Error::DecryptionFailed));
    for at in [body + 8, body + 8 + 8 + 4 + 3] {
        // A byte of the stream id (binds the KEM context), then of the metadata.
        let mut bad = stream.clone();
        bad[at] ^= 1;
        assert_eq!(open(&bad), Err(Error::DecryptionFailed), "{at}");
    }
    // An invalid chunk size in the header is an encoding error.
    for size in [0u32, MAX_CHUNK_SIZE + 1] {
        let mut bad = stream.clone();
        bad[body..body + 4].copy_from_slice(&size.to_be_bytes());
        assert_eq!(
            open(&bad),
            Err(Error::InvalidEncoding(EncodingError::BadLength))
        );
    }
    // Wrong type tag and version.
    let mut bad = stream.clone();
    bad[2] = 0x04;
    assert_eq!(
        open(&bad),
        Err(Error::InvalidEncoding(EncodingError::WrongType))
    );
    // Format v2: version 1 is now the unknown one.
    let mut bad = stream.clone();
    bad[3] = 1;
    assert_eq!(
        open(&bad),
        Err(Error::InvalidEncoding(EncodingError::UnsupportedVersion))
    );
    // A header length beyond the bound is rejected before reading.
    let mut bad = stream[..h].to_vec();
    bad[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(
        read_stream_info(&bad[..]),
        Err(Error::InvalidEncoding(EncodingError::BadLength))
    );
    // The header-length field one too long swallows a byte of the first frame.
    let mut bad = stream.clone();
    let len = u32::from_be_bytes(bad[4..8].try_into().unwrap()) + 1;
    bad[4..8].copy_from_slice(&len.to_be_bytes());
    assert_eq!(
        read_stream_info(&bad[..]),
        Err(Error::InvalidEncoding(EncodingError::TrailingBytes))
    );
}

#[test]
fn read_stream_info_reads_only_the_public_header() {
    let data = payload(20);
    let stream = seal_with(b"mri-9", b"series 3", 8, &data, 8);
    let (h, _) = frames(&stream);
    // The header digest is the KEM header's: the same for the same stream, another for
    // another sealing of the same payload.
    let header_digest = read_stream_info(&stream[..]).unwrap().header_digest;
    let again = seal_with(b"mri-9", b"series 3", 8, &data, 9);
    assert_ne!(
        read_stream_info(&again[..]).unwrap().header_digest,
        header_digest
    );
    let expected = StreamInfo {
        stream_id: b"mri-9".to_vec(),
        metadata: b"series 3".to_vec(),
        policy: fixture().policy.clone(),
        chunk_size: 8,
        notice_serial: None,
        attribute_versions: vec![
            (Attribute::new("role:radiologist").unwrap(), 0),
            (Attribute::new("dept:imaging").unwrap(), 0),
        ],
        authority: fixture().authority.public_key().id(),
        header_digest,
        trailer: None,
    };
    assert_eq!(read_stream_info(&stream[..]).unwrap(), expected);
    // The header alone is enough; nothing after it is read or checked.
    assert_eq!(read_stream_info(&stream[..h]).unwrap(), expected);
    let mut junk = stream[..h].to_vec();
    junk.extend_from_slice(b"not a frame");
    assert_eq!(read_stream_info(&junk[..]).unwrap(), expected);
}

#[test]
fn wrong_keys_and_bad_arguments() {
    let f = fixture();
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let stream = seal_with(b"s", b"", 16, &payload(30), 10);
    let nurse = f
        .authority
        .issue_key(&["role:radiologist"], &mut rng)
        .unwrap();
    assert_eq!(open_with(&nurse, &stream), Err(Error::PolicyNotSatisfied));
    let other = Authority::setup(&mut rng);
    let foreign = other
        .issue_key(&["role:radiologist", "dept:imaging"], &mut rng)
        .unwrap();
    // v1: DecryptionFailed (the FO check); v2: WrongAuthority, before any pairing.
    assert_eq!(open_with(&foreign, &stream), Err(Error::WrongAuthority));
    for size in [0, MAX_CHUNK_SIZE + 1] {
        let r = seal_stream_with_chunk_size(
            f.authority.public_key(),
            &f.policy,
            b"s",
            b"",
            size,
            &b"x"[..],
            Vec::new(),
            &mut rng,
        );
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "{size}");
    }
    // I/O errors surface as `Error::Io` with their kind.
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::ErrorKind::ConnectionReset.into())
        }
    }
    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::StorageFull.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let r = seal_stream(
        f.authority.public_key(),
        &f.policy,
        b"s",
        b"",
        Failing,
        Vec::new(),
        &mut rng,
    );
    assert_eq!(r, Err(Error::Io(io::ErrorKind::ConnectionReset.into())));
    let r = seal_stream(
        f.authority.public_key(),
        &f.policy,
        b"s",
        b"",
        &b"x"[..],
        Failing,
        &mut rng,
    );
    assert_eq!(r, Err(Error::Io(io::ErrorKind::StorageFull.into())));
    assert_eq!(
        f.key
            .open_stream(f.authority.public_key(), &stream[..], Failing)
            .map(|_| ()),
        Err(Error::Io(io::ErrorKind::StorageFull.into()))
    );
}
