//! R2 for streams (`docs/revocation-v3.md` §6.3): after the catch-up, a key from before a
//! bump opens no stored stream; a closed stream's header is re-wrapped with its trailer
//! (frames byte for byte, checked against the trailer by every opener), a stream still
//! open at the revocation and a v2 stream are re-encrypted whole; the catch-up refuses a
//! trailer that is not the stream's, and logs as chain entries.

use cipherchart::{
    read_stream_info, seal_stream_with_chunk_size, seal_stream_with_notice, stream_trailer,
    Authority, BlsSigningKey, Entry, Error, Policy, Trailer, TrailerKind, UserKey, VerifiedNotice,
};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;

use crate::common::{key, rng, NoticeService};

fn code<T: core::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    r.unwrap_err().code()
}

fn payload(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8 ^ salt).collect()
}

fn seal3(
    authority: &Authority,
    notice: &VerifiedNotice,
    id: &[u8],
    chunk: u32,
    data: &[u8],
    rng: &mut ChaCha20Rng,
) -> Vec<u8> {
    let mut out = Vec::new();
    let policy = Policy::parse("role:nurse and dept:icu").unwrap();
    seal_stream_with_notice(
        authority.public_key(),
        notice,
        &policy,
        id,
        b"ward 3",
        chunk,
        data,
        &mut out,
        rng,
    )
    .unwrap();
    out
}

fn open(key: &UserKey, authority: &Authority, stream: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    key.open_stream(authority.public_key(), stream, &mut out)
        .map(|_| out)
}

fn rewrap(
    authority: &Authority,
    stream: &[u8],
    trailer: &Trailer,
    notice: &VerifiedNotice,
    rng: &mut ChaCha20Rng,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let info = authority.rewrap_stream(stream, trailer, notice, &mut out, rng)?;
    // The info returned is the new header's, as any reader decodes it.
    assert_eq!(info, read_stream_info(&out[..]).unwrap());
    Ok(out)
}

/// Re-encrypts `stream` against its own trailer (computed here: the tests' stand-in for
/// the close entry its sealer logged), or none for a v2 stream.
fn reencrypt(
    authority: &Authority,
    stream: &[u8],
    notice: &VerifiedNotice,
    rng: &mut ChaCha20Rng,
) -> Result<Vec<u8>, Error> {
    let trailer = stream_trailer(stream).ok();
    reencrypt_with(authority, stream, trailer.as_ref(), notice, rng)
}

fn reencrypt_with(
    authority: &Authority,
    stream: &[u8],
    trailer: Option<&Trailer>,
    notice: &VerifiedNotice,
    rng: &mut ChaCha20Rng,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let info = authority.reencrypt_stream(stream, trailer, notice, &mut out, rng)?;
    assert_eq!(info, read_stream_info(&out[..]).unwrap());
    Ok(out)
}

fn header_len(stream: &[u8]) -> usize {
    8 + u32::from_be_bytes(stream[4..8].try_into().unwrap()) as usize
}

#[test]
fn after_catch_up_the_revoked_key_opens_no_stored_stream() {
    let mut rng = rng(81);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let attrs = ["role:nurse", "dept:icu"];
    let carla = key(&authority, &n0, &attrs, &mut rng);
    let dora = key(&authority, &n0, &attrs, &mut rng);
    let data = payload(5_000, 0);
    // Closed before the revocation: re-wrapped.
    let closed = seal3(&authority, &n0, b"ecg-1", 1024, &data, &mut rng);
    let trailer = stream_trailer(&closed[..]).unwrap();
    assert_eq!(trailer.count(), 5);
    assert_eq!(trailer.kind(), TrailerKind::Stream);
    // Still being written at the revocation: re-encrypted whole.
    let open_at_bump = seal3(&authority, &n0, b"ecg-2", 1024, &data, &mut rng);
    // Format v2: re-encrypted whole.
    let mut v2 = Vec::new();
    let policy = Policy::parse("role:nurse and dept:icu").unwrap();
    seal_stream_with_chunk_size(
        authority.public_key(),
        &policy,
        b"ecg-3",
        b"ward 3",
        1024,
        &data[..],
        &mut v2,
        &mut rng,
    )
    .unwrap();
    for s in [&closed, &open_at_bump, &v2] {
        assert_eq!(open(&carla, &authority, s).unwrap(), data);
    }

    // Carla leaves: role:nurse is bumped.
    let n1 = service.bump(&["role:nurse"]);
    for s in [&closed, &open_at_bump, &v2] {
        assert!(read_stream_info(&s[..]).unwrap().needs_catch_up(&n1));
        assert!(!read_stream_info(&s[..]).unwrap().needs_catch_up(&n0));
    }
    let old_info = read_stream_info(&closed[..]).unwrap();
    let rewrapped = rewrap(&authority, &closed, &trailer, &n1, &mut rng).unwrap();
    let re1 = reencrypt(&authority, &open_at_bump, &n1, &mut rng).unwrap();
    let re2 = reencrypt(&authority, &v2, &n1, &mut rng).unwrap();
    let dora1 = key(&authority, &n1, &attrs, &mut rng);
    for s in [&rewrapped, &re1, &re2] {
        let info = read_stream_info(&s[..]).unwrap();
        assert!(!info.needs_catch_up(&n1));
        assert_eq!(info.notice_serial, Some(n1.serial()));
        assert_eq!(code(open(&carla, &authority, s)), "policy_not_satisfied");
        assert_eq!(code(open(&dora, &authority, s)), "policy_not_satisfied");
        assert_eq!(open(&dora1, &authority, s).unwrap(), data);
    }
    // The re-wrap kept every frame byte for byte and carries the trailer.
    assert_eq!(
        rewrapped[header_len(&rewrapped)..],
        closed[header_len(&closed)..]
    );
    let new_info = read_stream_info(&rewrapped[..]).unwrap();
    assert_eq!(new_info.trailer.as_ref(), Some(&trailer));
    assert_eq!(stream_trailer(&rewrapped[..]).unwrap(), trailer);
    // A re-encryption has a fresh stream key: no frame is the old one's.
    assert_ne!(
        re1[header_len(&re1)..header_len(&re1) + 100],
        open_at_bump[header_len(&open_at_bump)..header_len(&open_at_bump) + 100]
    );
    assert_eq!(read_stream_info(&re2[..]).unwrap().trailer, None);

    // The catch-ups are chain entries; the closes anchor them.
    let signer = BlsSigningKey::generate(&mut rng);
    let close = Entry::for_stream_close(&trailer, service.now()).unwrap();
    let update = Entry::for_stream_catch_up(&old_info, &new_info, service.now()).unwrap();
    let close = close.sign(0, [0; 32], &signer).unwrap();
    let update = update.sign(1, close.hash(), &signer).unwrap();
    assert_eq!(*close.digest(), trailer.digest());
    assert_eq!(close.metadata(), &trailer.to_bytes()[..]);
    assert_eq!(update.subject(), b"ecg-1");
    assert_eq!(*update.digest(), new_info.header_digest);
    assert_eq!(
        update.metadata(),
        [
            old_info.header_digest,
            new_info.header_digest,
            trailer.digest()
        ]
        .concat()
    );
    let re2_info = read_stream_info(&re2[..]).unwrap();
    let v2_info = read_stream_info(&v2[..]).unwrap();
    assert!(Entry::for_stream_catch_up(&v2_info, &re2_info, 0).is_ok());
    // Not a catch-up: the same header, the other way round, another stream.
    assert_eq!(
        code(Entry::for_stream_catch_up(&new_info, &new_info, 0)),
        "invalid_argument"
    );
    assert_eq!(
        code(Entry::for_stream_catch_up(&new_info, &old_info, 0)),
        "invalid_argument"
    );
    assert_eq!(
        code(Entry::for_stream_catch_up(&old_info, &re2_info, 0)),
        "invalid_argument"
    );
}

#[test]
fn a_rewrapped_header_refuses_frames_forged_with_the_old_stream_key() {
    let mut rng = rng(82);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let genuine = payload(3_000, 0);
    let forged = payload(3_000, 0x5a);
    // Two streams from one RNG state share the stream key and header: what someone who
    // kept the stream key can forge (frames that pass the AEAD under the header).
    let seed_rng = rng.clone();
    let real = seal3(&authority, &n0, b"ecg-9", 1000, &genuine, &mut rng);
    let fake = seal3(
        &authority,
        &n0,
        b"ecg-9",
        1000,
        &forged,
        &mut seed_rng.clone(),
    );
    let h = header_len(&real);
    assert_eq!(real[..h], fake[..h]);
    let reader = key(&authority, &n0, &["role:nurse", "dept:icu"], &mut rng);
    let spliced = [&real[..h], &fake[h..]].concat();
    assert_eq!(open(&reader, &authority, &spliced).unwrap(), forged);

    let trailer = stream_trailer(&real[..]).unwrap();
    let n1 = service.bump(&["dept:icu"]);
    let rewrapped = rewrap(&authority, &real, &trailer, &n1, &mut rng).unwrap();
    let reader1 = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    assert_eq!(open(&reader1, &authority, &rewrapped).unwrap(), genuine);
    let h1 = header_len(&rewrapped);
    // The forged frames under the re-wrapped header: the AEAD accepts them, the trailer
    // does not, and the last chunk is never written.
    let forged_under_new = [&rewrapped[..h1], &fake[h..]].concat();
    let mut out = Vec::new();
    let r = reader1.open_stream(authority.public_key(), &forged_under_new[..], &mut out);
    assert_eq!(code(r), "decryption_failed");
    assert!(out.len() < forged.len());
    // One forged frame among genuine ones, too.
    let frame = 5 + 1000 + 16;
    let mixed = [
        &rewrapped[..h1 + frame],
        &fake[h + frame..h + 2 * frame],
        &rewrapped[h1 + 2 * frame..],
    ]
    .concat();
    assert_eq!(
        code(open(&reader1, &authority, &mixed)),
        "decryption_failed"
    );
    // The authority refuses to re-wrap forged frames with the genuine trailer, or to
    // re-encrypt them under a re-wrapped header.
    assert_eq!(
        code(rewrap(&authority, &spliced, &trailer, &n1, &mut rng)),
        "decryption_failed"
    );
    assert_eq!(
        code(reencrypt_with(
            &authority,
            &forged_under_new,
            Some(&trailer),
            &n1,
            &mut rng
        )),
        "decryption_failed"
    );
    // Nor re-encrypt the forged frames under the original header with the logged trailer
    // (outside review SC-37), nor without a trailer.
    assert_eq!(
        code(reencrypt_with(
            &authority,
            &spliced,
            Some(&trailer),
            &n1,
            &mut rng
        )),
        "decryption_failed"
    );
    assert_eq!(
        code(reencrypt_with(&authority, &spliced, None, &n1, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(
        code(stream_trailer(&forged_under_new[..])),
        "decryption_failed"
    );
}

#[test]
fn the_rewrap_refuses_a_trailer_that_is_not_the_streams() {
    let mut rng = rng(83);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let data = payload(2_500, 0);
    let stream = seal3(&authority, &n0, b"s-1", 1000, &data, &mut rng);
    let other = seal3(&authority, &n0, b"s-1", 1000, &data, &mut rng);
    let trailer = stream_trailer(&stream[..]).unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let edited = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut b = trailer.to_bytes();
        edit(&mut b);
        Trailer::from_bytes(&b).unwrap()
    };
    // Field offsets: 4 header, 1 kind, 4 + 3 id, then the digest, commitment, count, root.
    let wrong = [
        stream_trailer(&other[..]).unwrap(),
        edited(&|b| b[9] ^= 1),  // id
        edited(&|b| b[12] ^= 1), // header digest
        edited(&|b| b[44] ^= 1), // key commitment
        edited(&|b| b[4] = 1),   // a session trailer
    ];
    for t in &wrong {
        assert_eq!(
            code(rewrap(&authority, &stream, t, &n1, &mut rng)),
            "invalid_argument"
        );
        assert_eq!(
            code(reencrypt_with(&authority, &stream, Some(t), &n1, &mut rng)),
            "invalid_argument"
        );
    }
    // Another count or root: the frames are not the trailer's.
    for t in [edited(&|b| b[83] += 1), edited(&|b| b[90] ^= 1)] {
        assert_eq!(
            code(rewrap(&authority, &stream, &t, &n1, &mut rng)),
            "decryption_failed"
        );
    }
    // Damaged frames after the trailer was taken.
    let mut damaged = stream.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert_eq!(
        code(rewrap(&authority, &damaged, &trailer, &n1, &mut rng)),
        "decryption_failed"
    );
    // A format v2 stream has no trailer to re-wrap with.
    let mut v2 = Vec::new();
    seal_stream_with_chunk_size(
        authority.public_key(),
        &Policy::parse("role:nurse").unwrap(),
        b"s-1",
        b"",
        1000,
        &data[..],
        &mut v2,
        &mut rng,
    )
    .unwrap();
    assert_eq!(
        code(rewrap(&authority, &v2, &trailer, &n1, &mut rng)),
        "invalid_argument"
    );
    assert_eq!(code(stream_trailer(&v2[..])), "invalid_argument");
    assert_eq!(
        code(reencrypt_with(
            &authority,
            &v2,
            Some(&trailer),
            &n1,
            &mut rng
        )),
        "invalid_argument"
    );
    assert!(reencrypt_with(&authority, &v2, None, &n1, &mut rng).is_ok());
    // Another authority, an older notice, a version that would go down.
    let elsewhere = Authority::setup(&mut rng);
    let mut other_service = NoticeService::new(&elsewhere, &mut rng);
    let theirs = other_service.current();
    assert_eq!(
        code(rewrap(&elsewhere, &stream, &trailer, &theirs, &mut rng)),
        "wrong_authority"
    );
    assert_eq!(
        code(rewrap(&authority, &stream, &trailer, &theirs, &mut rng)),
        "wrong_authority"
    );
    assert_eq!(
        code(reencrypt(&elsewhere, &stream, &theirs, &mut rng)),
        "wrong_authority"
    );
    let caught_up = rewrap(&authority, &stream, &trailer, &n1, &mut rng).unwrap();
    assert_eq!(
        code(rewrap(&authority, &caught_up, &trailer, &n0, &mut rng)),
        "future_version"
    );
    let n2 = service.current();
    let at_n2 = rewrap(&authority, &caught_up, &trailer, &n2, &mut rng).unwrap();
    assert_eq!(
        code(rewrap(&authority, &at_n2, &trailer, &n1, &mut rng)),
        "stale_notice"
    );
    assert_eq!(
        code(reencrypt(&authority, &at_n2, &n1, &mut rng)),
        "stale_notice"
    );
}

#[test]
fn a_rewrapped_stream_is_caught_up_again_at_the_next_bump() {
    let mut rng = rng(84);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let attrs = ["role:nurse", "dept:icu"];
    let data = payload(4_100, 3);
    let stream = seal3(&authority, &n0, b"ecg-4", 1024, &data, &mut rng);
    let trailer = stream_trailer(&stream[..]).unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let once = rewrap(&authority, &stream, &trailer, &n1, &mut rng).unwrap();
    let k1 = key(&authority, &n1, &attrs, &mut rng);
    let n2 = service.bump(&["dept:icu"]);
    let carried = read_stream_info(&once[..]).unwrap().trailer.unwrap();
    assert_eq!(carried, trailer);
    let twice = rewrap(&authority, &once, &carried, &n2, &mut rng).unwrap();
    let k2 = key(&authority, &n2, &attrs, &mut rng);
    assert_eq!(code(open(&k1, &authority, &twice)), "policy_not_satisfied");
    assert_eq!(open(&k2, &authority, &twice).unwrap(), data);
    assert_eq!(twice[header_len(&twice)..], stream[header_len(&stream)..]);
    // A re-wrapped stream is re-encrypted too (checked against its trailer), into a
    // stream with a trailer of its own.
    let n3 = service.bump(&["role:nurse"]);
    let fresh = reencrypt(&authority, &twice, &n3, &mut rng).unwrap();
    let k3 = key(&authority, &n3, &attrs, &mut rng);
    assert_eq!(open(&k3, &authority, &fresh).unwrap(), data);
    let fresh_trailer = stream_trailer(&fresh[..]).unwrap();
    assert_eq!(fresh_trailer.count(), 5);
    assert_ne!(fresh_trailer.key_commitment(), trailer.key_commitment());
}

#[test]
fn the_decoder_checks_a_carried_trailer_and_openers_its_frames() {
    let mut rng = rng(85);
    let authority = Authority::setup(&mut rng);
    let mut service = NoticeService::new(&authority, &mut rng);
    let n0 = service.current();
    let data = payload(3_000, 1);
    let stream = seal3(&authority, &n0, b"abc", 1000, &data, &mut rng);
    let trailer = stream_trailer(&stream[..]).unwrap();
    let n1 = service.bump(&["role:nurse"]);
    let rewrapped = rewrap(&authority, &stream, &trailer, &n1, &mut rng).unwrap();
    let reader = key(&authority, &n1, &["role:nurse", "dept:icu"], &mut rng);
    let h = header_len(&rewrapped);
    // The trailer sits after chunk size, id, metadata, hash and the flag.
    let t_bytes = trailer.to_bytes();
    let at = rewrapped
        .windows(t_bytes.len())
        .position(|w| w == t_bytes)
        .unwrap();
    assert_eq!(rewrapped[at - 5], 1, "the trailer flag");
    let flip = |offset: usize| {
        let mut b = rewrapped.clone();
        b[offset] ^= 1;
        b
    };
    // Kind, id or key commitment other than the header's: the decoder refuses.
    for offset in [at + 4, at + 9, at + 44] {
        assert_eq!(
            code(read_stream_info(&flip(offset)[..])),
            "invalid_encoding"
        );
    }
    // Header digest, count or root relabelled: the KEM context binds the trailer's digest,
    // so the stream opens for nobody.
    for offset in [at + 12, at + 83, at + 90] {
        let b = flip(offset);
        assert!(read_stream_info(&b[..]).is_ok());
        assert_eq!(code(open(&reader, &authority, &b)), "decryption_failed");
    }
    // A flag other than 0 or 1.
    let mut flag2 = rewrapped.clone();
    flag2[at - 5] = 2;
    assert_eq!(code(read_stream_info(&flag2[..])), "invalid_encoding");
    // Frames dropped, repeated, truncated or followed by more.
    let frame = 5 + 1000 + 16;
    let dropped = [&rewrapped[..h + frame], &rewrapped[h + 2 * frame..]].concat();
    let repeated = [&rewrapped[..h + frame], &rewrapped[h..]].concat();
    let truncated = &rewrapped[..rewrapped.len() - 1];
    let extra = [&rewrapped[..], &[0u8][..]].concat();
    for (b, want) in [
        (&dropped[..], "decryption_failed"),
        (&repeated[..], "decryption_failed"),
        (truncated, "decryption_failed"),
        (&extra[..], "invalid_encoding"),
    ] {
        assert_eq!(code(open(&reader, &authority, b)), want);
        assert_eq!(code(stream_trailer(b)), want);
    }
    assert_eq!(open(&reader, &authority, &rewrapped).unwrap(), data);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    /// Every payload and chunk shape: the trailer counts the frames, a re-wrap keeps them
    /// byte for byte, and both catch-ups give the payload back to a current key only.
    #[test]
    fn both_catch_ups_keep_every_payload(len in 0usize..3000, chunk in 1u32..1200, seed in any::<u64>()) {
        let mut rng = rng(seed);
        let authority = Authority::setup(&mut rng);
        let mut service = NoticeService::new(&authority, &mut rng);
        let n0 = service.current();
        let attrs = ["role:nurse", "dept:icu"];
        let old = key(&authority, &n0, &attrs, &mut rng);
        let data = payload(len, seed as u8);
        let stream = seal3(&authority, &n0, b"p", chunk, &data, &mut rng);
        let trailer = stream_trailer(&stream[..]).unwrap();
        let frames = (len as u64).div_ceil(u64::from(chunk)).max(1);
        prop_assert_eq!(trailer.count(), frames);
        let n1 = service.bump(&["dept:icu"]);
        let current = key(&authority, &n1, &attrs, &mut rng);
        let rewrapped = rewrap(&authority, &stream, &trailer, &n1, &mut rng).unwrap();
        let reencrypted = reencrypt(&authority, &stream, &n1, &mut rng).unwrap();
        prop_assert_eq!(&rewrapped[header_len(&rewrapped)..], &stream[header_len(&stream)..]);
        for s in [&rewrapped, &reencrypted] {
            prop_assert_eq!(open(&current, &authority, s).unwrap(), data.clone());
            prop_assert!(open(&old, &authority, s).is_err());
        }
    }
}
