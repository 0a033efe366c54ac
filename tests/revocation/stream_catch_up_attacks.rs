//! Outside review of the catch-up of stored streams (`stream_trailer`, `Trailer`,
//! `Authority::rewrap_stream`, `Authority::reencrypt_stream`, `StreamInfo::needs_catch_up`,
//! `Entry::for_stream_close`, `Entry::for_stream_catch_up`), written from
//! `docs/formats.md` ("Stream v3" with "A re-wrapped header", "Trailer"),
//! `docs/revocation.md` §0.1, `docs/revocation-v3.md` §6 and §11.7–11.8 and the rustdoc of
//! the public API only. One test per attack (ids SC-1 …); each comment names the attack and
//! the defence it expects, and the test asserts that defence, so it fails if the attack
//! succeeds. An attack that succeeded is kept, marked `#[ignore = "SC-n: finding …"]`.
//!
//! A forger who kept the old stream key `K_b` is modelled as in
//! `stream_catch_up.rs`: two streams sealed from one RNG state share `K_b` and the header,
//! so the second one's frames are frames that person could have made. Memory is measured
//! with the allocation probe of `stream_attacks.rs` (the largest single allocation and the
//! peak of the bytes held at once on the calling thread).

use std::io::{self, Read};

use cipherchart::{
    read_stream_info, seal_stream_with_chunk_size, seal_stream_with_notice, seal_with_notice,
    start_session_with_notice, stream_trailer, Authority, BlsSigningKey, EncodingError, Entry,
    Error, Policy, PublicKey, SessionHeader, StreamInfo, Trailer, TrailerKind, UserKey,
    VerifiedNotice,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use crate::common::{key, rng, NoticeService};
use crate::stream_attacks::alloc_probe::measure;

const POLICY: &str = "role:nurse and dept:icu";
const ATTRS: [&str; 2] = ["role:nurse", "dept:icu"];
const META: &[u8] = b"ward 3";
const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;

// ----------------------------------------------------------------------------------------
// Helpers: the documented layouts, the spec's trailer, readers.

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn enc(kind: EncodingError) -> Error {
    Error::InvalidEncoding(kind)
}

/// The error of a result whose success would be the attack's success.
fn err<T>(r: Result<T, Error>) -> Error {
    r.err()
        .expect("the attack succeeded: it was accepted or opened")
}

fn is_invalid_argument(e: &Error) -> bool {
    matches!(e, Error::InvalidArgument(_))
}

fn sha(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn metadata_hash(meta: &[u8]) -> [u8; 32] {
    sha(&[b"CIPHERCHART-V01-METADATA-HASH-with-SHA256", meta])
}

fn payload(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8 ^ salt).collect()
}

fn header_len(s: &[u8]) -> usize {
    8 + be32(s, 4)
}

/// Length of a KEM header v3 with its envelope (formats.md "KEM header v3": authority 32,
/// serial 8, flags 1, policy, versions, 369 + len(P) + 148·n, plus 80).
fn kem_len(kem: &[u8]) -> usize {
    let plen = be32(kem, 41);
    let n = be32(kem, 45 + plen);
    369 + plen + 148 * n + 80
}

/// A stream v3 split along formats.md "Stream v3".
#[derive(Clone, Debug)]
struct Parts {
    chunk: u32,
    id: Vec<u8>,
    meta: Vec<u8>,
    mh: Vec<u8>,
    flag: u8,
    /// The carried trailer's encoding (flag 1), empty otherwise.
    trailer: Vec<u8>,
    kem: Vec<u8>,
    frames: Vec<Vec<u8>>,
}

impl Parts {
    fn parse(s: &[u8]) -> Self {
        assert_eq!(&s[..4], &[0x43, 0x43, 0x06, 0x03], "a stream v3");
        let end = header_len(s);
        let chunk = be32(s, 8) as u32;
        let mut at = 12;
        let idl = be32(s, at);
        let id = s[at + 4..at + 4 + idl].to_vec();
        at += 4 + idl;
        let ml = be32(s, at);
        let meta = s[at + 4..at + 4 + ml].to_vec();
        at += 4 + ml;
        let mh = s[at..at + 32].to_vec();
        at += 32;
        let flag = s[at];
        at += 1;
        let trailer = if flag == 1 {
            let tl = be32(s, at);
            let t = s[at + 4..at + 4 + tl].to_vec();
            at += 4 + tl;
            t
        } else {
            Vec::new()
        };
        let kem = s[at..end].to_vec();
        assert_eq!(
            kem_len(&kem),
            kem.len(),
            "the documented layout covers the header"
        );
        let mut frames = Vec::new();
        let mut at = end;
        while at < s.len() {
            let l = be32(s, at + 1);
            frames.push(s[at..at + 5 + l].to_vec());
            at += 5 + l;
        }
        assert_eq!(at, s.len());
        Self {
            chunk,
            id,
            meta,
            mh,
            flag,
            trailer,
            kem,
            frames,
        }
    }

    /// Offset of the trailer flag in the stream.
    fn flag_at(&self) -> usize {
        8 + 4 + 4 + self.id.len() + 4 + self.meta.len() + 32
    }

    fn header(&self) -> Vec<u8> {
        let mut body = self.chunk.to_be_bytes().to_vec();
        body.extend_from_slice(&(self.id.len() as u32).to_be_bytes());
        body.extend_from_slice(&self.id);
        body.extend_from_slice(&(self.meta.len() as u32).to_be_bytes());
        body.extend_from_slice(&self.meta);
        body.extend_from_slice(&self.mh);
        body.push(self.flag);
        if self.flag == 1 {
            body.extend_from_slice(&(self.trailer.len() as u32).to_be_bytes());
            body.extend_from_slice(&self.trailer);
        }
        body.extend_from_slice(&self.kem);
        let mut out = vec![0x43, 0x43, 0x06, 0x03];
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
        out
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = self.header();
        for f in &self.frames {
            out.extend_from_slice(f);
        }
        out
    }

    /// The envelope's key commitment (the KEM header's last 80 bytes: commitment, wrap).
    fn kc(&self) -> [u8; 32] {
        let l = self.kem.len();
        self.kem[l - 80..l - 48].try_into().unwrap()
    }

    fn with_frames(&self, frames: &[Vec<u8>]) -> Self {
        let mut p = self.clone();
        p.frames = frames.to_vec();
        p
    }
}

/// formats.md "Trailer": the item digest of frame `i`.
fn item_digest(i: u64, frame: &[u8]) -> [u8; 32] {
    sha(&[
        b"CIPHERCHART-V01-TRAILER-ITEM-with-SHA256",
        &i.to_be_bytes(),
        &(frame.len() as u32).to_be_bytes(),
        frame,
    ])
}

/// RFC 6962 Merkle tree hash.
fn mth(d: &[[u8; 32]]) -> [u8; 32] {
    match d.len() {
        0 => sha(&[]),
        1 => sha(&[&[0], &d[0]]),
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            sha(&[&[1], &mth(&d[..k]), &mth(&d[k..])])
        }
    }
}

fn root_of(frames: &[Vec<u8>]) -> [u8; 32] {
    let d: Vec<[u8; 32]> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| item_digest(i as u64, f))
        .collect();
    mth(&d)
}

/// formats.md "Trailer": the encoding, field by field.
fn trailer_bytes(
    kind: u8,
    id: &[u8],
    hd: &[u8; 32],
    kc: &[u8; 32],
    count: u64,
    root: &[u8; 32],
) -> Vec<u8> {
    let mut b = vec![0x43, 0x43, 0x43, 0x03, kind];
    b.extend_from_slice(&(id.len() as u32).to_be_bytes());
    b.extend_from_slice(id);
    b.extend_from_slice(hd);
    b.extend_from_slice(kc);
    b.extend_from_slice(&count.to_be_bytes());
    b.extend_from_slice(root);
    b
}

fn trailer_digest(encoding: &[u8]) -> [u8; 32] {
    sha(&[b"CIPHERCHART-V01-TRAILER-DIGEST-with-SHA256", encoding])
}

fn tr(b: &[u8]) -> Trailer {
    Trailer::from_bytes(b).unwrap()
}

/// A trailer with every field given (decoded through the public decoder).
fn trailer_with(t: &Trailer, hd: [u8; 32], count: u64, root: [u8; 32]) -> Trailer {
    tr(&trailer_bytes(
        2,
        t.id(),
        &hd,
        &t.key_commitment(),
        count,
        &root,
    ))
}

/// Opens `s` into a buffer: the result and everything written.
fn open_tape(k: &UserKey, pk: &PublicKey, s: &[u8]) -> (Result<StreamInfo, Error>, Vec<u8>) {
    let mut out = Vec::new();
    let r = k.open_stream(pk, s, &mut out);
    (r, out)
}

fn open(k: &UserKey, pk: &PublicKey, s: &[u8]) -> Result<Vec<u8>, Error> {
    let (r, out) = open_tape(k, pk, s);
    r.map(|_| out)
}

/// The opener's error, after checking that nothing at all was written.
fn refused_silently(k: &UserKey, pk: &PublicKey, s: &[u8]) -> Error {
    let (r, out) = open_tape(k, pk, s);
    let e = err(r);
    assert!(out.is_empty(), "{e:?}: {} bytes written", out.len());
    e
}

/// A reader that counts what it gave.
struct Counting<'a> {
    data: &'a [u8],
    given: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.data.len() - self.given);
        buf[..n].copy_from_slice(&self.data[self.given..self.given + n]);
        self.given += n;
        Ok(n)
    }
}

/// A reader that yields `prefix`, then `frame` `times` times, then `tail`, without holding
/// the whole; it fails once it has given `limit` bytes (a runaway reader ends the test).
struct Synth<'a> {
    prefix: &'a [u8],
    frame: &'a [u8],
    times: u64,
    tail: &'a [u8],
    stage: u8,
    off: usize,
    done: u64,
    given: u64,
    limit: u64,
}

impl<'a> Synth<'a> {
    fn new(prefix: &'a [u8], frame: &'a [u8], times: u64, tail: &'a [u8], limit: u64) -> Self {
        assert!(!frame.is_empty());
        Self {
            prefix,
            frame,
            times,
            tail,
            stage: 0,
            off: 0,
            done: 0,
            given: 0,
            limit,
        }
    }
}

impl Read for Synth<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            if self.given >= self.limit {
                if n > 0 {
                    break;
                }
                return Err(io::Error::other("the reader was read past its limit"));
            }
            let part: &[u8] = match self.stage {
                0 => self.prefix,
                1 if self.done < self.times => self.frame,
                1 => {
                    self.stage = 2;
                    self.off = 0;
                    continue;
                }
                2 => self.tail,
                _ => break,
            };
            if self.off >= part.len() {
                match self.stage {
                    0 => self.stage = 1,
                    1 => self.done += 1,
                    _ => self.stage = 3,
                }
                self.off = 0;
                continue;
            }
            let room = (buf.len() - n).min((self.limit - self.given) as usize);
            let k = room.min(part.len() - self.off);
            buf[n..n + k].copy_from_slice(&part[self.off..self.off + k]);
            self.off += k;
            n += k;
            self.given += k as u64;
        }
        Ok(n)
    }
}

/// A reader that yields at most `step` bytes per call.
struct Dribble<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A writer that keeps only a count and a hash of what it was given.
#[derive(Default)]
struct Digesting {
    len: u64,
    hash: Sha256,
}

impl io::Write for Digesting {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.len += b.len() as u64;
        self.hash.update(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct World {
    rng: ChaCha20Rng,
    authority: Authority,
    service: NoticeService,
}

#[allow(clippy::too_many_arguments)]
fn seal_raw(
    pk: &PublicKey,
    n: &VerifiedNotice,
    policy: &str,
    id: &[u8],
    meta: &[u8],
    chunk: u32,
    data: &[u8],
    rng: &mut ChaCha20Rng,
) -> Vec<u8> {
    let mut out = Vec::new();
    seal_stream_with_notice(
        pk,
        n,
        &Policy::parse(policy).unwrap(),
        id,
        meta,
        chunk,
        data,
        &mut out,
        rng,
    )
    .unwrap();
    out
}

impl World {
    fn new(seed: u64) -> Self {
        let mut rng = rng(seed);
        let authority = Authority::setup(&mut rng);
        let service = NoticeService::new(&authority, &mut rng);
        Self {
            rng,
            authority,
            service,
        }
    }

    fn pk(&self) -> &PublicKey {
        self.authority.public_key()
    }

    fn key(&mut self, n: &VerifiedNotice, attrs: &[&str]) -> UserKey {
        key(&self.authority, n, attrs, &mut self.rng)
    }

    fn seal(&mut self, n: &VerifiedNotice, id: &[u8], chunk: u32, data: &[u8]) -> Vec<u8> {
        seal_raw(
            self.authority.public_key(),
            n,
            POLICY,
            id,
            META,
            chunk,
            data,
            &mut self.rng,
        )
    }

    fn seal_policy(&mut self, n: &VerifiedNotice, policy: &str, id: &[u8], data: &[u8]) -> Vec<u8> {
        seal_raw(
            self.authority.public_key(),
            n,
            policy,
            id,
            META,
            1000,
            data,
            &mut self.rng,
        )
    }

    fn seal2(&mut self, id: &[u8], chunk: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        seal_stream_with_chunk_size(
            self.authority.public_key(),
            &Policy::parse(POLICY).unwrap(),
            id,
            META,
            chunk,
            data,
            &mut out,
            &mut self.rng,
        )
        .unwrap();
        out
    }

    /// A stream and its twin: sealed from one RNG state, so one header and one stream
    /// key; the twin's frames are what someone who kept that key can make.
    fn twins(
        &mut self,
        n: &VerifiedNotice,
        id: &[u8],
        chunk: u32,
        genuine: &[u8],
        forged: &[u8],
    ) -> (Vec<u8>, Vec<u8>) {
        let mut fork = self.rng.clone();
        let real = self.seal(n, id, chunk, genuine);
        let fake = seal_raw(
            self.authority.public_key(),
            n,
            POLICY,
            id,
            META,
            chunk,
            forged,
            &mut fork,
        );
        let h = header_len(&real);
        assert_eq!(real[..h], fake[..h], "twins share the header");
        (real, fake)
    }

    fn rewrap(&mut self, s: &[u8], t: &Trailer, n: &VerifiedNotice) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.authority
            .rewrap_stream(s, t, n, &mut out, &mut self.rng)
            .map(|_| out)
    }

    /// Re-encrypts `s` against the trailer its header carries (a re-wrapped stream), else
    /// the one its bytes give (the stand-in for its sealer's close entry), else none (v2).
    fn reencrypt(&mut self, s: &[u8], n: &VerifiedNotice) -> Result<Vec<u8>, Error> {
        let trailer = read_stream_info(s)
            .ok()
            .and_then(|i| i.trailer)
            .or_else(|| stream_trailer(s).ok());
        let mut out = Vec::new();
        self.authority
            .reencrypt_stream(s, trailer.as_ref(), n, &mut out, &mut self.rng)
            .map(|_| out)
    }
}

fn info(s: &[u8]) -> StreamInfo {
    read_stream_info(s).unwrap()
}

// ----------------------------------------------------------------------------------------
// Claim 1: after a bump and the catch-up, keys from before the bump open nothing.

/// SC-1. Attack: a threshold stream, `2 of (role:nurse, dept:icu, shift:night)`, caught up
/// after a bump of `role:nurse` (re-wrap and re-encryption); a key from before the bump
/// holding `role:nurse` and `dept:icu` tries to reach the threshold with its stale
/// `role:nurse`. Defence: the stale name no longer counts, so it holds one of three:
/// `policy_not_satisfied`, nothing written. A pre-bump key with two names that were not
/// bumped still opens (R3), and a key issued under the new notice opens.
#[test]
fn sc01_a_stale_name_does_not_count_towards_a_threshold_after_catch_up() {
    let mut w = World::new(9001);
    let n0 = w.service.current();
    let policy = "2 of (role:nurse, dept:icu, shift:night)";
    let data = payload(2_500, 1);
    let s = w.seal_policy(&n0, policy, b"thr", &data);
    let old_nurse = w.key(&n0, &["role:nurse", "dept:icu"]);
    let old_other = w.key(&n0, &["dept:icu", "shift:night"]);
    assert_eq!(open(&old_nurse, w.pk(), &s).unwrap(), data);
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let new_nurse = w.key(&n1, &["role:nurse", "dept:icu"]);
    let rewrapped = w.rewrap(&s, &t, &n1).unwrap();
    let reencrypted = w.reencrypt(&s, &n1).unwrap();
    for c in [&rewrapped, &reencrypted] {
        assert_eq!(
            refused_silently(&old_nurse, w.pk(), c),
            Error::PolicyNotSatisfied
        );
        assert_eq!(open(&old_other, w.pk(), c).unwrap(), data);
        assert_eq!(open(&new_nurse, w.pk(), c).unwrap(), data);
    }
}

/// SC-2. Attack: the catch-up skips a notice: bumps of `role:nurse` (n1) then `dept:icu`
/// (n2), and the stored stream, sealed at n0, is caught up straight to n2. A key issued at
/// n0 and one issued at n1 (current for `role:nurse`, stale for `dept:icu`) try to open.
/// Defence: both refused (`policy_not_satisfied`, nothing written); a key issued under n2
/// opens. The same after a re-wrap at n1 followed by one at n2.
#[test]
fn sc02_a_catch_up_that_skips_a_notice_shuts_out_keys_of_both_bumps() {
    let mut w = World::new(9002);
    let n0 = w.service.current();
    let data = payload(3_100, 2);
    let s = w.seal(&n0, b"skip", 1000, &data);
    let t = stream_trailer(&s[..]).unwrap();
    let k0 = w.key(&n0, &ATTRS);
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let n2 = w.service.bump(&["dept:icu"]);
    let k2 = w.key(&n2, &ATTRS);
    let at_n1 = w.rewrap(&s, &t, &n1).unwrap();
    assert_eq!(open(&k1, w.pk(), &at_n1).unwrap(), data);
    let caught = [
        w.rewrap(&s, &t, &n2).unwrap(),
        w.reencrypt(&s, &n2).unwrap(),
        w.rewrap(&at_n1, &t, &n2).unwrap(),
        w.reencrypt(&at_n1, &n2).unwrap(),
    ];
    for c in &caught {
        assert_eq!(info(c).notice_serial, Some(n2.serial()));
        for old in [&k0, &k1] {
            assert_eq!(refused_silently(old, w.pk(), c), Error::PolicyNotSatisfied);
        }
        assert_eq!(open(&k2, w.pk(), c).unwrap(), data);
    }
}

/// SC-3. Attack: have a stream skipped by the selection (`needs_catch_up`) or selected by
/// a notice that should not touch it: a bump of a name outside its policy, an older notice,
/// another authority's notice that bumps the very same names (five times), a re-wrapped
/// stream against its own notice. Defence: selected exactly when a name of its policy is
/// at a lower version than the notice's, under the notice's authority; v2 streams count as
/// version 0.
#[test]
fn sc03_needs_catch_up_selects_exactly_the_streams_a_notice_concerns() {
    let mut w = World::new(9003);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"sel", 100, b"x");
    let v2 = w.seal2(b"sel", 100, b"x");
    let t = stream_trailer(&s[..]).unwrap();
    let elsewhere = Authority::setup(&mut w.rng);
    let mut theirs = NoticeService::new(&elsewhere, &mut w.rng);
    let mut their_notice = theirs.current();
    for _ in 0..5 {
        their_notice = theirs.bump(&["role:nurse", "dept:icu"]);
    }
    let n1 = w.service.bump(&["shift:night"]);
    let n2 = w.service.bump(&["role:nurse"]);
    let r = w.rewrap(&s, &t, &n2).unwrap();
    let n3 = w.service.bump(&["dept:icu"]);
    let n4 = w.service.bump(&["shift:day"]);
    let (si, vi, ri) = (info(&s), info(&v2), info(&r));
    for (what, got, want) in [
        ("sealed, n0", si.needs_catch_up(&n0), false),
        ("sealed, outside name", si.needs_catch_up(&n1), false),
        ("sealed, nurse bumped", si.needs_catch_up(&n2), true),
        (
            "sealed, other authority",
            si.needs_catch_up(&their_notice),
            false,
        ),
        ("v2, outside name", vi.needs_catch_up(&n1), false),
        ("v2, nurse bumped", vi.needs_catch_up(&n2), true),
        (
            "v2, other authority",
            vi.needs_catch_up(&their_notice),
            false,
        ),
        ("re-wrapped, its notice", ri.needs_catch_up(&n2), false),
        ("re-wrapped, older notice", ri.needs_catch_up(&n0), false),
        ("re-wrapped, icu bumped", ri.needs_catch_up(&n3), true),
        (
            "re-wrapped, other authority",
            ri.needs_catch_up(&their_notice),
            false,
        ),
    ] {
        assert_eq!(got, want, "{what}");
    }
    // Caught up at n3, a bump of an outside name (n4) selects nothing.
    let r3 = w.rewrap(&r, &t, &n3).unwrap();
    assert!(!info(&r3).needs_catch_up(&n4));
}

// ----------------------------------------------------------------------------------------
// Claim 2: a re-wrapped header vouches only for the sealer's frames.

/// SC-4. Attack (forger holding `K_b`): under the re-wrapped header of a 3-frame stream,
/// present forged frames whose frame at index `count − 1` is flagged **not last**, then
/// either one more (last) frame or nothing. Every frame passes the AEAD. The aim: have the
/// opener write every chunk position of the genuine stream (its full length) with forged
/// content before the error. Defence expected: the trailer fixes the count, so a non-last
/// frame at index `count − 1` already announces a frame beyond the count and is refused
/// when it arrives (formats.md: "a frame beyond the trailer's count is refused when it
/// arrives"; "the last frame's chunk is written only if the frames' count and root are
/// the trailer's"): `decryption_failed`, at most `count − 1` chunks written.
#[test]
// SC-4 was a finding (a forged non-last frame at index count - 1 is written): fixed.
fn sc04_a_forged_non_last_frame_at_the_last_index_is_not_written() {
    let mut w = World::new(9004);
    let n0 = w.service.current();
    let genuine = payload(3_000, 0);
    let forged = payload(4_000, 0x5a);
    let (real, fake) = w.twins(&n0, b"ecg-4", 1000, &genuine, &forged);
    let t = stream_trailer(&real[..]).unwrap();
    assert_eq!(t.count(), 3);
    let n1 = w.service.bump(&["dept:icu"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = Parts::parse(&w.rewrap(&real, &t, &n1).unwrap());
    let f = Parts::parse(&fake).frames;
    assert_eq!(f.len(), 4);
    for frames in [&f[..], &f[..3]] {
        let m = r.with_frames(frames).bytes();
        let (res, out) = open_tape(&k1, w.pk(), &m);
        assert_eq!(err(res), Error::DecryptionFailed);
        assert!(
            out.len() <= 2 * 1000,
            "{} bytes of forged chunks written, the genuine stream's whole length",
            out.len()
        );
    }
}

/// SC-5. Attack (forger holding `K_b`): the re-wrapped header of a 3-frame stream followed
/// by 2,000 forged frames that all pass the AEAD. The aim: make the opener, the authority's
/// re-encryption and `stream_trailer` read (and, for the opener, write) far past the
/// trailer's count before failing at the end. Defence: the frame at index `count` is
/// refused when it arrives (`decryption_failed`), so what is consumed stays within a few
/// frames plus one read buffer, and at most `count` chunks are written.
#[test]
fn sc05_frames_beyond_the_trailers_count_are_refused_when_they_arrive() {
    let mut w = World::new(9005);
    let n0 = w.service.current();
    let genuine = payload(48, 0);
    let forged = payload(32_000, 0x33);
    let (real, fake) = w.twins(&n0, b"ecg-5", 16, &genuine, &forged);
    let t = stream_trailer(&real[..]).unwrap();
    assert_eq!(t.count(), 3);
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = Parts::parse(&w.rewrap(&real, &t, &n1).unwrap());
    let m = r.with_frames(&Parts::parse(&fake).frames).bytes();
    let h = header_len(&m);
    let bound = h + 4 * (5 + 16 + 16) + 64 * KIB;
    assert!(
        m.len() > bound + 8 * KIB,
        "the forged tail is long enough to tell"
    );

    let mut input = Counting { data: &m, given: 0 };
    let mut out = Vec::new();
    let e = err(k1.open_stream(w.pk(), &mut input, &mut out));
    assert_eq!(e, Error::DecryptionFailed);
    assert!(out.len() <= 48, "{} bytes written", out.len());
    assert!(
        input.given <= bound,
        "the opener read {} of {}",
        input.given,
        m.len()
    );

    let mut input = Counting { data: &m, given: 0 };
    let r = w
        .authority
        .reencrypt_stream(&mut input, Some(&t), &n1, io::sink(), &mut w.rng);
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(
        input.given <= bound,
        "the re-encryption read {} of {}",
        input.given,
        m.len()
    );

    let mut input = Counting { data: &m, given: 0 };
    assert_eq!(err(stream_trailer(&mut input)), Error::DecryptionFailed);
    assert!(
        input.given <= bound,
        "stream_trailer read {} of {}",
        input.given,
        m.len()
    );
}

/// SC-6. Attack (forger holding `K_b`): drop a middle chunk (the forger re-seals the
/// payload without chunk 1: frame 0 comes out identical, the rest at shifted indices, the
/// new last frame early), or replay a chunk (chunk 1's payload again in position 2). Every
/// frame passes the AEAD. Defence: the root (and count) are the trailer's only for the
/// sealer's frames: `decryption_failed`, and the forged last chunk is never written.
#[test]
fn sc06_dropped_or_replayed_chunks_made_with_the_old_key_are_refused() {
    let mut w = World::new(9006);
    let n0 = w.service.current();
    let chunks: Vec<Vec<u8>> = (0..4).map(|i| vec![0x10 + i as u8; 100]).collect();
    let genuine = chunks.concat();
    let dropped = [&chunks[0][..], &chunks[2], &chunks[3]].concat();
    let replayed = [&chunks[0][..], &chunks[1], &chunks[1], &chunks[3]].concat();
    let (real, fake_drop) = w.twins(&n0, b"ecg-6", 100, &genuine, &dropped);
    let (real2, fake_replay) = w.twins(&n0, b"ecg-6b", 100, &genuine, &replayed);
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    for (real, fake, forged) in [
        (&real, &fake_drop, &dropped),
        (&real2, &fake_replay, &replayed),
    ] {
        let t = stream_trailer(&real[..]).unwrap();
        let r = Parts::parse(&w.rewrap(real, &t, &n1).unwrap());
        let ff = Parts::parse(fake).frames;
        let m = r.with_frames(&ff).bytes();
        let (res, out) = open_tape(&k1, w.pk(), &m);
        assert_eq!(err(res), Error::DecryptionFailed);
        assert!(
            out.len() < forged.len(),
            "the forged stream was written whole"
        );
        assert_eq!(out, forged[..out.len()]);
        assert_eq!(err(stream_trailer(&m[..])), Error::DecryptionFailed);
        assert_eq!(err(w.reencrypt(&m, &n1)), Error::DecryptionFailed);
        assert_eq!(err(w.rewrap(&m, &t, &n1)), Error::DecryptionFailed);
        // The genuine stream still opens.
        assert_eq!(open(&k1, w.pk(), &r.bytes()).unwrap(), genuine);
    }
}

/// SC-7. Attack (forger holding `K_b`): keep every genuine frame but the last, replaced
/// by a forged last frame of the same length (one byte of the last chunk changed). Defence:
/// `decryption_failed`, the genuine chunks before it written, the forged last chunk not.
#[test]
fn sc07_a_forged_last_chunk_of_the_same_length_is_never_written() {
    let mut w = World::new(9007);
    let n0 = w.service.current();
    let genuine = payload(2_600, 0);
    let mut forged = genuine.clone();
    forged[2_599] ^= 0xff;
    let (real, fake) = w.twins(&n0, b"ecg-7", 1000, &genuine, &forged);
    let t = stream_trailer(&real[..]).unwrap();
    let n1 = w.service.bump(&["dept:icu"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = Parts::parse(&w.rewrap(&real, &t, &n1).unwrap());
    let ff = Parts::parse(&fake).frames;
    assert_eq!(r.frames[..2], ff[..2], "same key, same chunks: same frames");
    let m = r.with_frames(&ff).bytes();
    let (res, out) = open_tape(&k1, w.pk(), &m);
    assert_eq!(err(res), Error::DecryptionFailed);
    assert_eq!(out, genuine[..2000]);
    assert_eq!(err(w.rewrap(&m, &t, &n1)), Error::DecryptionFailed);
}

/// SC-8. Attack (forger holding `K_b`): replace the trailer carried by the re-wrapped
/// header with the trailer of the forged frames (same kind, id, header digest and key
/// commitment, so the decoder's consistency checks pass), and present the forged frames.
/// Defence: the KEM context binds the carried trailer's digest, so the header fails the FO
/// check: `decryption_failed` before anything is written, and the authority refuses to
/// re-wrap or re-encrypt it. (`stream_trailer` needs no key, so it reports the forged
/// trailer: documented.)
#[test]
fn sc08_the_forgers_trailer_spliced_into_the_rewrapped_header_opens_nothing() {
    let mut w = World::new(9008);
    let n0 = w.service.current();
    let (real, fake) = w.twins(&n0, b"ecg-8", 500, &payload(1_800, 0), &payload(1_800, 9));
    let t = stream_trailer(&real[..]).unwrap();
    let t_fake = stream_trailer(&fake[..]).unwrap();
    assert_ne!(t, t_fake);
    assert_eq!(t.header_digest(), t_fake.header_digest());
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let mut p = Parts::parse(&w.rewrap(&real, &t, &n1).unwrap());
    p.trailer = t_fake.to_bytes();
    p.frames = Parts::parse(&fake).frames;
    let m = p.bytes();
    assert_eq!(info(&m).trailer, Some(t_fake.clone()));
    assert_eq!(stream_trailer(&m[..]).unwrap(), t_fake);
    assert_eq!(refused_silently(&k1, w.pk(), &m), Error::DecryptionFailed);
    assert_eq!(err(w.rewrap(&m, &t_fake, &n1)), Error::DecryptionFailed);
    assert_eq!(err(w.reencrypt(&m, &n1)), Error::DecryptionFailed);
    let n2 = w.service.bump(&["dept:icu"]);
    assert_eq!(err(w.rewrap(&m, &t_fake, &n2)), Error::DecryptionFailed);
}

/// SC-9. Attack: strip the trailer from a re-wrapped header (flag 0, KEM kept), so that
/// openers stop checking frames against it and forged frames go through; and the reverse,
/// graft the trailer onto the original (as-sealed) header. Defence: the KEM context names
/// the trailer digest (or the empty one), so both headers fail the FO check for every key:
/// `decryption_failed`, nothing written; the authority refuses both.
#[test]
fn sc09_stripping_or_grafting_the_trailer_breaks_the_header() {
    let mut w = World::new(9009);
    let n0 = w.service.current();
    let (real, fake) = w.twins(&n0, b"ecg-9", 700, &payload(2_000, 0), &payload(2_000, 7));
    let t = stream_trailer(&real[..]).unwrap();
    let k0 = w.key(&n0, &ATTRS);
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = Parts::parse(&w.rewrap(&real, &t, &n1).unwrap());
    let mut stripped = r.clone();
    stripped.flag = 0;
    stripped.trailer.clear();
    let mut grafted = Parts::parse(&real);
    grafted.flag = 1;
    grafted.trailer = t.to_bytes();
    let forged_frames = Parts::parse(&fake).frames;
    for (p, k) in [(&stripped, &k1), (&grafted, &k0)] {
        for frames in [&p.frames, &forged_frames] {
            let m = p.with_frames(frames).bytes();
            assert!(read_stream_info(&m[..]).is_ok());
            assert_eq!(refused_silently(k, w.pk(), &m), Error::DecryptionFailed);
            assert_eq!(err(w.reencrypt(&m, &n1)), Error::DecryptionFailed);
            let n = stream_trailer(&m[..]);
            if let Ok(tm) = n {
                assert_eq!(err(w.rewrap(&m, &tm, &n1)), Error::DecryptionFailed);
            }
        }
    }
}

/// SC-10. Attack: hand the authority's re-wrap a genuine header and its genuine trailer
/// (count 3) followed by an endless supply of well-formed non-last frames (the re-wrap
/// never decrypts, so any bytes of the right length pass as frames), and its re-encryption
/// a re-wrapped header followed by endless AEAD-valid forged frames. The aim: keep the
/// authority reading and writing without end. Defence: the trailer's count bounds the
/// frames: `decryption_failed` within a few frames (plus one read buffer) of the count.
#[test]
fn sc10_the_authority_stops_at_the_trailers_count_on_an_endless_stream() {
    let mut w = World::new(9010);
    let n0 = w.service.current();
    let (real, fake) = w.twins(
        &n0,
        b"ecg-10",
        1000,
        &payload(3_000, 0),
        &payload(200_000, 1),
    );
    let t = stream_trailer(&real[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let h = header_len(&real);
    let mut frame = vec![0u8; 5 + 1016];
    frame[1..5].copy_from_slice(&1016u32.to_be_bytes());
    let limit = 64 * MIB as u64;
    let bound = (h + 5 * frame.len() + 64 * KIB) as u64;

    let mut endless = Synth::new(&real[..h], &frame, u64::MAX, &[], limit);
    let r = w
        .authority
        .rewrap_stream(&mut endless, &t, &n1, io::sink(), &mut w.rng);
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(
        endless.given <= bound,
        "the re-wrap read {} bytes",
        endless.given
    );

    let rewrapped = w.rewrap(&real, &t, &n1).unwrap();
    let forged = Parts::parse(&rewrapped)
        .with_frames(&Parts::parse(&fake).frames)
        .bytes();
    let mut input = Counting {
        data: &forged,
        given: 0,
    };
    let r = w
        .authority
        .reencrypt_stream(&mut input, Some(&t), &n1, io::sink(), &mut w.rng);
    assert_eq!(err(r), Error::DecryptionFailed);
    let bound = header_len(&rewrapped) + 5 * frame.len() + 64 * KIB;
    assert!(
        input.given <= bound,
        "the re-encryption read {} bytes",
        input.given
    );
    let n2 = w.service.bump(&["dept:icu"]);
    let mut input = Counting {
        data: &forged,
        given: 0,
    };
    let r = w
        .authority
        .rewrap_stream(&mut input, &t, &n2, io::sink(), &mut w.rng);
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(
        input.given <= bound,
        "the second re-wrap read {} bytes",
        input.given
    );
}

/// SC-11. Attack: `stream_trailer` (no key) on a re-wrapped header followed by an endless
/// supply of well-formed non-last frames. Defence: it checks frames against the carried
/// trailer, whose count bounds them: `decryption_failed` near the count, not a read
/// without end. (On an as-sealed header it reads every frame, in constant memory: SC-32.)
#[test]
fn sc11_stream_trailer_stops_at_the_carried_count() {
    let mut w = World::new(9011);
    let n0 = w.service.current();
    let real = w.seal(&n0, b"ecg-11", 64, &payload(200, 0));
    let t = stream_trailer(&real[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let r = w.rewrap(&real, &t, &n1).unwrap();
    let h = header_len(&r);
    let mut frame = vec![0u8; 5 + 80];
    frame[1..5].copy_from_slice(&80u32.to_be_bytes());
    let mut endless = Synth::new(&r[..h], &frame, u64::MAX, &[], 64 * MIB as u64);
    assert_eq!(err(stream_trailer(&mut endless)), Error::DecryptionFailed);
    let bound = (h + 6 * frame.len() + 64 * KIB) as u64;
    assert!(
        endless.given <= bound,
        "stream_trailer read {} bytes",
        endless.given
    );
}

/// SC-12. Attack (forger holding `K_b`, with write access to storage before the catch-up):
/// replace the stored stream's frames with forged ones and hand the authority the trailer
/// of the forged frames. Documented: `rewrap_stream` checks that a trailer is the stream's
/// (id, header digest, key commitment, frames), **not that it was anchored**; the caller
/// must compare it with the sealer's close entry. Checked here: that comparison is what
/// tells them apart (the forged trailer has another digest, so no close entry of the
/// genuine stream names it), the re-wrapped header carries the forged trailer for anyone
/// to see, and the catch-up entry (which names only header digests) does not.
#[test]
fn sc12_the_forgers_own_trailer_is_told_apart_only_by_the_anchor() {
    let mut w = World::new(9012);
    let n0 = w.service.current();
    let (real, fake) = w.twins(&n0, b"ecg-12", 256, &payload(1_000, 0), &payload(1_000, 3));
    let anchored = stream_trailer(&real[..]).unwrap();
    let signer = BlsSigningKey::generate(&mut w.rng);
    let close = Entry::for_stream_close(&anchored, 1)
        .unwrap()
        .sign(0, [0; 32], &signer)
        .unwrap();
    let t_fake = stream_trailer(&fake[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let forged = w.rewrap(&fake, &t_fake, &n1).unwrap();
    let fi = info(&forged);
    assert_ne!(*close.digest(), t_fake.digest());
    assert_eq!(*close.digest(), anchored.digest());
    assert_ne!(
        fi.trailer.as_ref().map(Trailer::digest),
        Some(*close.digest())
    );
    // The catch-up entry cannot tell (the twins share the header, so the check of the
    // carried trailer's header digest passes), but it names the trailer the new header
    // carries (since SC-29), so an auditor matches it against the close entry and finds
    // the forger's.
    let signer2 = BlsSigningKey::generate(&mut w.rng);
    let entry = Entry::for_stream_catch_up(&info(&real), &fi, 2)
        .unwrap()
        .sign(1, close.hash(), &signer2)
        .unwrap();
    let forgers = fi.trailer.as_ref().unwrap().digest();
    assert_eq!(
        entry.metadata(),
        [info(&real).header_digest, fi.header_digest, forgers].concat()
    );
    assert_ne!(entry.metadata()[64..], close.digest()[..]);
}

// ----------------------------------------------------------------------------------------
// Claim 3: the re-wrap refuses a trailer that is not the stream's; the trailer is bound;
// the decoders are strict.

/// SC-13. Attack: re-wrap an already re-wrapped stream with a trailer that names **its**
/// (re-wrapped) header digest instead of the original's, every other field (id, key
/// commitment, count, root) right, so the frames match. The aim: a header whose carried
/// trailer no close entry names. Defence (rustdoc): for a stream re-wrapped before, only
/// the trailer it carries is accepted: `invalid_argument`.
#[test]
fn sc13_a_trailer_naming_the_rewrapped_header_is_refused() {
    let mut w = World::new(9013);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-13", 400, &payload(1_000, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let r = w.rewrap(&s, &t, &n1).unwrap();
    let n2 = w.service.bump(&["dept:icu"]);
    let relabelled = trailer_with(&t, info(&r).header_digest, t.count(), t.root());
    assert!(is_invalid_argument(&err(w.rewrap(&r, &relabelled, &n2))));
    // On the as-sealed stream, the re-wrapped header's digest is not its header either.
    assert!(is_invalid_argument(&err(w.rewrap(&s, &relabelled, &n2))));
    assert!(w.rewrap(&r, &t, &n2).is_ok());
}

/// SC-14. Attack: re-wrap a stream with a trailer that is right in id, header digest and
/// key commitment but not in its frames: the twin's trailer (same header, other frames),
/// a prefix trailer (count 2, the root of the first two frames, as a progress anchor would
/// name), and the full count with the prefix's root. Defence: the frames are checked as
/// they are copied: `decryption_failed`.
#[test]
fn sc14_a_trailer_right_in_every_name_but_not_in_its_frames_is_refused() {
    let mut w = World::new(9014);
    let n0 = w.service.current();
    let (real, fake) = w.twins(&n0, b"ecg-14", 300, &payload(1_200, 0), &payload(1_500, 4));
    let t = stream_trailer(&real[..]).unwrap();
    let t_twin = stream_trailer(&fake[..]).unwrap();
    let p = Parts::parse(&real);
    assert_eq!(p.frames.len(), 4);
    let prefix_root = root_of(&p.frames[..2]);
    let n1 = w.service.bump(&["role:nurse"]);
    for bad in [
        t_twin,
        trailer_with(&t, t.header_digest(), 2, prefix_root),
        trailer_with(&t, t.header_digest(), 4, prefix_root),
        trailer_with(&t, t.header_digest(), 5, t.root()),
        trailer_with(&t, t.header_digest(), 3, t.root()),
    ] {
        assert_eq!(err(w.rewrap(&real, &bad, &n1)), Error::DecryptionFailed);
    }
    assert!(w.rewrap(&real, &t, &n1).is_ok());
}

/// SC-15. Attack: malformed trailers through `Trailer::from_bytes`, every rule of
/// formats.md "Trailer", plus every truncation and 20,000 random mutations. Defence: the
/// exact typed errors (lengths before bytes), never a panic, and a decoded trailer always
/// re-encodes to its input.
#[test]
fn sc15_the_trailer_decoder_is_strict_and_never_panics() {
    let mut w = World::new(9015);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-15", 400, &payload(1_000, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let good = t.to_bytes();
    assert_eq!(good.len(), 113 + 6);
    assert_eq!(tr(&good), t);
    let edit = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = good.clone();
        f(&mut b);
        Trailer::from_bytes(&b)
    };
    let empty_root = sha(&[]);
    assert_eq!(err(edit(&|b| b[0] = 0x44)), enc(EncodingError::WrongType));
    assert_eq!(err(edit(&|b| b[2] = 0x41)), enc(EncodingError::WrongType));
    assert_eq!(err(edit(&|b| b[2] = 0x06)), enc(EncodingError::WrongType));
    for v in [0u8, 1, 2, 4, 0xff] {
        assert_eq!(
            err(edit(&|b| b[3] = v)),
            enc(EncodingError::UnsupportedVersion),
            "version {v}"
        );
    }
    for k in [0u8, 3, 0x80, 0xff] {
        assert_eq!(
            err(edit(&|b| b[4] = k)),
            enc(EncodingError::NonCanonical),
            "kind {k}"
        );
    }
    // An id above 1,024 bytes: refused on its length, before the bytes are looked for.
    for len in [1025u32, 0x0010_0000, u32::MAX] {
        assert_eq!(
            err(edit(&|b| b[5..9].copy_from_slice(&len.to_be_bytes()))),
            enc(EncodingError::BadLength),
            "id length {len}"
        );
        let mut short = good[..9].to_vec();
        short[5..9].copy_from_slice(&len.to_be_bytes());
        let (r, largest, _) = measure(|| Trailer::from_bytes(&short));
        assert_eq!(err(r), enc(EncodingError::BadLength));
        assert!(
            largest < 4 * KIB,
            "allocated {largest} bytes for a declared id"
        );
    }
    // A stream trailer with no frame, even with the empty tree's root.
    for root in [empty_root, t.root()] {
        let b = trailer_bytes(2, t.id(), &t.header_digest(), &t.key_commitment(), 0, &root);
        assert_eq!(
            err(Trailer::from_bytes(&b)),
            enc(EncodingError::NonCanonical)
        );
    }
    // A session trailer of count 0: only with the empty tree's root.
    let b = trailer_bytes(
        1,
        t.id(),
        &t.header_digest(),
        &t.key_commitment(),
        0,
        &empty_root,
    );
    let sess = tr(&b);
    assert_eq!((sess.kind(), sess.count()), (TrailerKind::Session, 0));
    let b = trailer_bytes(
        1,
        t.id(),
        &t.header_digest(),
        &t.key_commitment(),
        0,
        &t.root(),
    );
    assert_eq!(
        err(Trailer::from_bytes(&b)),
        enc(EncodingError::NonCanonical)
    );
    // The largest id, and a count of u64::MAX, decode.
    let big = trailer_bytes(2, &[7; 1024], &[1; 32], &[2; 32], u64::MAX, &[3; 32]);
    assert_eq!(big.len(), 1137);
    assert_eq!(tr(&big).to_bytes(), big);
    // Every truncation, a trailing byte.
    for cut in 0..good.len() {
        assert_eq!(
            err(Trailer::from_bytes(&good[..cut])),
            enc(EncodingError::Truncated),
            "cut at {cut}"
        );
    }
    let mut long = good.clone();
    long.push(0);
    assert_eq!(
        err(Trailer::from_bytes(&long)),
        enc(EncodingError::TrailingBytes)
    );
    // Random mutations: a typed result, never a panic; what decodes re-encodes exactly.
    let mut r = ChaCha20Rng::seed_from_u64(15);
    for _ in 0..20_000 {
        let mut b = good.clone();
        for _ in 0..r.gen_range(1..4) {
            let i = r.gen_range(0..b.len());
            b[i] = r.gen();
        }
        if r.gen_bool(0.1) {
            let cut = r.gen_range(0..b.len());
            b.truncate(cut);
        }
        match Trailer::from_bytes(&b) {
            Ok(d) => assert_eq!(d.to_bytes(), b),
            Err(e) => assert!(matches!(e, Error::InvalidEncoding(_)), "{e:?}"),
        }
    }
}

/// SC-16. Attack: malformed trailer fields inside a re-wrapped stream header: the trailer
/// flag at every other value, the flag 0 with the trailer left in, the flag 1 with the
/// trailer removed, trailer lengths above 1,137 (up to `u32::MAX`), one too short or too
/// long, 0; then every truncation of the header. Defence: typed `invalid_encoding` errors
/// from `read_stream_info`, the opener and `stream_trailer` (`NonCanonical` for the flag,
/// `BadLength` for a length above the maximum), nothing written, no panic.
#[test]
fn sc16_the_stream_header_decoder_refuses_malformed_trailer_fields() {
    let mut w = World::new(9016);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-16", 400, &payload(900, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = w.rewrap(&s, &t, &n1).unwrap();
    let p = Parts::parse(&r);
    let fa = p.flag_at();
    let check = |m: &[u8], want: Option<EncodingError>| {
        let e = err(read_stream_info(m));
        match want {
            Some(kind) => assert_eq!(e, enc(kind)),
            None => assert!(matches!(e, Error::InvalidEncoding(_)), "{e:?}"),
        }
        assert_eq!(refused_silently(&k1, w.authority.public_key(), m), e);
        assert_eq!(err(stream_trailer(m)), e);
    };
    for flag in 2..=255u8 {
        let mut m = r.clone();
        m[fa] = flag;
        check(&m, Some(EncodingError::NonCanonical));
    }
    // Flag 0, the trailer left in; flag 1 with no trailer.
    let mut zero = r.clone();
    zero[fa] = 0;
    check(&zero, None);
    let mut no_trailer = p.clone();
    no_trailer.flag = 0;
    no_trailer.trailer.clear();
    let mut m = no_trailer.bytes();
    m[fa] = 1;
    check(&m, None);
    // Lengths of the trailer field.
    for len in [1138u32, 4 * MIB as u32, u32::MAX] {
        let mut m = r.clone();
        m[fa + 1..fa + 5].copy_from_slice(&len.to_be_bytes());
        check(&m, Some(EncodingError::BadLength));
    }
    let tl = p.trailer.len() as u32;
    for len in [0, 1, tl - 1, tl + 1, tl + 80] {
        let mut m = r.clone();
        m[fa + 1..fa + 5].copy_from_slice(&len.to_be_bytes());
        check(&m, None);
    }
    // Every truncation of the header (and of the first frame).
    for cut in 0..header_len(&r) {
        let e = err(read_stream_info(&r[..cut]));
        assert!(matches!(e, Error::InvalidEncoding(_)), "{cut}: {e:?}");
    }
    for cut in (0..r.len()).step_by(37) {
        let e = err(stream_trailer(&r[..cut]));
        assert!(
            matches!(e, Error::InvalidEncoding(_) | Error::DecryptionFailed),
            "{cut}: {e:?}"
        );
    }
}

/// SC-17. Attack: mix sessions and streams through trailers: a stream's trailer (and a raw
/// trailer digest, as the design's §11.7 layout has it) in a v3 **session** header with
/// its flag set; a **session**-kind trailer with every other field of the stream's,
/// handed to the re-wrap, logged as a stream close, or carried in a re-wrapped stream
/// header. Defence: the session header refuses a stream trailer (`NonCanonical`) and a
/// bare digest (an encoding error); the re-wrap and
/// the close entry refuse a session trailer (`invalid_argument`); the stream header
/// decoder refuses it (`NonCanonical`).
#[test]
fn sc17_session_and_stream_trailers_do_not_mix() {
    let mut w = World::new(9017);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-17", 400, &payload(900, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let (h, _sealer) = start_session_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse(POLICY).unwrap(),
        b"ecg-17",
        META,
        &mut w.rng,
    )
    .unwrap();
    let hb = h.to_bytes();
    let flag_at = 4 + 4 + 6 + 4 + META.len() + 32;
    assert_eq!(hb[flag_at], 0);
    let tb = t.to_bytes();
    let mut with_len = hb[..flag_at].to_vec();
    with_len.push(1);
    with_len.extend_from_slice(&(tb.len() as u32).to_be_bytes());
    with_len.extend_from_slice(&tb);
    with_len.extend_from_slice(&hb[flag_at + 1..]);
    let mut with_digest = hb[..flag_at].to_vec();
    with_digest.push(1);
    with_digest.extend_from_slice(&t.digest());
    with_digest.extend_from_slice(&hb[flag_at + 1..]);
    // A stream's trailer is not a session's (`NonCanonical`); a bare digest is no
    // trailer at all.
    assert_eq!(
        err(SessionHeader::from_bytes(&with_len)),
        enc(EncodingError::NonCanonical)
    );
    let e = err(SessionHeader::from_bytes(&with_digest));
    assert!(matches!(e, Error::InvalidEncoding(_)), "{e:?}");
    let sess = tr(&trailer_bytes(
        1,
        t.id(),
        &t.header_digest(),
        &t.key_commitment(),
        t.count(),
        &t.root(),
    ));
    assert_eq!(sess.kind(), TrailerKind::Session);
    let n1 = w.service.bump(&["role:nurse"]);
    assert!(is_invalid_argument(&err(w.rewrap(&s, &sess, &n1))));
    assert!(is_invalid_argument(&err(Entry::for_stream_close(&sess, 1))));
    let mut p = Parts::parse(&w.rewrap(&s, &t, &n1).unwrap());
    p.trailer = sess.to_bytes();
    assert_eq!(
        err(read_stream_info(&p.bytes()[..])),
        enc(EncodingError::NonCanonical)
    );
}

/// SC-18. Attack: relabel a re-wrapped stream consistently, as far as public data allows:
/// the stream id in the header **and** in the carried trailer; the metadata with its hash
/// recomputed; the chunk size. Each decodes. Defence: the KEM context binds the id,
/// metadata hash, chunk size and trailer digest: `decryption_failed` for the current key,
/// nothing written; the authority refuses both catch-ups.
#[test]
fn sc18_consistent_relabelling_of_a_rewrapped_stream_opens_for_nobody() {
    let mut w = World::new(9018);
    let n0 = w.service.current();
    let data = payload(2_000, 0);
    let s = w.seal(&n0, b"ecg-18", 1000, &data);
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["dept:icu"]);
    let k1 = w.key(&n1, &ATTRS);
    let p = Parts::parse(&w.rewrap(&s, &t, &n1).unwrap());
    let mut id = p.clone();
    id.id = b"ecg-19".to_vec();
    id.trailer = trailer_bytes(
        2,
        b"ecg-19",
        &t.header_digest(),
        &t.key_commitment(),
        t.count(),
        &t.root(),
    );
    let mut meta = p.clone();
    meta.meta = b"ward 4".to_vec();
    meta.mh = metadata_hash(b"ward 4").to_vec();
    let mut chunk = p.clone();
    chunk.chunk = 999;
    // Control: the layout helper rebuilds the genuine stream unchanged.
    let control = p.clone();
    let n2 = w.service.bump(&["role:nurse"]);
    for m in [id, meta, chunk] {
        let b = m.bytes();
        let i = read_stream_info(&b[..]).unwrap();
        assert_eq!(refused_silently(&k1, w.pk(), &b), Error::DecryptionFailed);
        assert_eq!(err(w.reencrypt(&b, &n2)), Error::DecryptionFailed);
        let carried = i.trailer.unwrap();
        let e = err(w.rewrap(&b, &carried, &n2));
        assert!(e == Error::DecryptionFailed, "{e:?}");
    }
    assert_eq!(open(&k1, w.pk(), &control.bytes()).unwrap(), data);
}

/// SC-19. Attack: flip one bit in every byte of the trailer flag, the trailer's length and
/// the carried trailer of a re-wrapped stream. Defence: no flip opens or writes a byte for
/// a current key (typed `invalid_encoding` or `decryption_failed`), no flip panics, and
/// the authority refuses to catch any of them up with the genuine trailer.
#[test]
fn sc19_no_bit_flip_in_the_carried_trailer_opens() {
    let mut w = World::new(9019);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-20", 400, &payload(1_000, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = w.rewrap(&s, &t, &n1).unwrap();
    let p = Parts::parse(&r);
    let fa = p.flag_at();
    let n2 = w.service.bump(&["dept:icu"]);
    for at in fa..fa + 5 + p.trailer.len() {
        let mut m = r.clone();
        m[at] ^= if at == fa { 0x01 } else { 0x20 };
        let e = refused_silently(&k1, w.pk(), &m);
        assert!(
            matches!(e, Error::InvalidEncoding(_) | Error::DecryptionFailed),
            "{at}: {e:?}"
        );
        let e = err(w.rewrap(&m, &t, &n2));
        assert!(
            matches!(
                e,
                Error::InvalidEncoding(_) | Error::DecryptionFailed | Error::InvalidArgument(_)
            ),
            "{at}: {e:?}"
        );
    }
}

/// SC-20. Attack (an auditor's): recompute trailers from formats.md alone (item digests
/// over `flag ‖ len ‖ ciphertext` with the u64 index, the RFC 6962 root, the encoding and
/// the digest; the header digest from `StreamInfo`, the key commitment from the KEM
/// header's envelope) for 1 … 9, 16, 17 and 33 frames, and compare with `stream_trailer`
/// and the close entry. Defence: byte for byte the same (an auditor who recomputes a
/// sealer's anchor gets the library's answer).
#[test]
fn sc20_trailers_match_the_spec_byte_for_byte() {
    let mut w = World::new(9020);
    let n0 = w.service.current();
    let signer = BlsSigningKey::generate(&mut w.rng);
    for frames in [1usize, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 33] {
        let data = payload(16 * frames - 3, frames as u8);
        let s = w.seal(&n0, b"spec", 16, &data);
        let p = Parts::parse(&s);
        assert_eq!(p.frames.len(), frames);
        let hd = info(&s).header_digest;
        let want = trailer_bytes(2, b"spec", &hd, &p.kc(), frames as u64, &root_of(&p.frames));
        let t = stream_trailer(&s[..]).unwrap();
        assert_eq!(t.to_bytes(), want, "{frames} frames");
        assert_eq!(t.digest(), trailer_digest(&want));
        let close = Entry::for_stream_close(&t, 5)
            .unwrap()
            .sign(0, [0; 32], &signer)
            .unwrap();
        assert_eq!(*close.digest(), trailer_digest(&want));
        assert_eq!(close.metadata(), &want[..]);
        assert_eq!(close.subject(), b"spec");
    }
}

/// SC-21. Attack: the sizes at the edges: a stream id of 1,024 bytes (so the carried
/// trailer is exactly the 1,137-byte maximum) with 64 KiB of metadata, an empty id, and an
/// empty payload (one 16-byte frame). Defence: both catch-ups work at the limits and
/// every caught-up stream opens for a current key only (a limit off by one would refuse a
/// legitimate stream, or let a larger field through).
#[test]
fn sc21_catch_up_at_the_size_limits() {
    let mut w = World::new(9021);
    let n0 = w.service.current();
    let k0 = w.key(&n0, &ATTRS);
    let long_id = vec![b'i'; 1024];
    let meta = vec![b'm'; 65_536];
    let cases: [(&[u8], &[u8], Vec<u8>); 3] = [
        (&long_id, &meta, payload(100, 0)),
        (b"", META, payload(1, 0)),
        (b"empty", META, Vec::new()),
    ];
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let n2 = w.service.bump(&["dept:icu"]);
    let k2 = w.key(&n2, &ATTRS);
    for (id, meta, data) in cases {
        let s = seal_raw(
            w.authority.public_key(),
            &n0,
            POLICY,
            id,
            meta,
            64,
            &data,
            &mut w.rng,
        );
        let t = stream_trailer(&s[..]).unwrap();
        assert_eq!(t.count(), (data.len() as u64).div_ceil(64).max(1));
        let r = w.rewrap(&s, &t, &n1).unwrap();
        if id.len() == 1024 {
            assert_eq!(Parts::parse(&r).trailer.len(), 1137);
        }
        assert_eq!(open(&k1, w.pk(), &r).unwrap(), data);
        assert_eq!(refused_silently(&k0, w.pk(), &r), Error::PolicyNotSatisfied);
        let rr = w.rewrap(&r, &t, &n2).unwrap();
        let re = w.reencrypt(&r, &n2).unwrap();
        for c in [&rr, &re] {
            assert_eq!(open(&k2, w.pk(), c).unwrap(), data);
            assert_eq!(refused_silently(&k1, w.pk(), c), Error::PolicyNotSatisfied);
        }
    }
}

// ----------------------------------------------------------------------------------------
// Claim 4: nothing goes back; authorities, formats and object kinds do not mix.

/// SC-22. Attack: walk versions or the serial back through a catch-up: (a) a notice with a
/// **higher** serial that lists `role:nurse` lower (a second notice key for the same
/// authority, which the caller trusts: the library cannot tell); (b) an older notice at
/// the same versions for a stream sealed (not re-wrapped) at a newer one. Defence:
/// `future_version` for (a), whatever the serial; `stale_notice` for (b); for both
/// catch-ups.
#[test]
fn sc22_versions_and_serials_never_go_back_through_a_catch_up() {
    let mut w = World::new(9022);
    let n0 = w.service.current();
    let n1 = w.service.bump(&["role:nurse"]);
    let mut other_key = NoticeService::new(&w.authority, &mut w.rng);
    let mut low = other_key.current();
    while low.serial() <= n1.serial() {
        low = other_key.current();
    }
    assert_eq!(low.version_of("role:nurse"), 0);
    let s = w.seal(&n1, b"ecg-22", 500, &payload(1_200, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let r = w.rewrap(&s, &t, &n1).unwrap();
    for c in [&s, &r] {
        assert_eq!(err(w.rewrap(c, &t, &low)), Error::FutureVersion);
        assert_eq!(err(w.reencrypt(c, &low)), Error::FutureVersion);
    }
    let n2 = w.service.current();
    let s2 = w.seal(&n2, b"ecg-22b", 500, &payload(1_200, 1));
    let t2 = stream_trailer(&s2[..]).unwrap();
    assert_eq!(err(w.rewrap(&s2, &t2, &n1)), Error::StaleNotice);
    assert_eq!(err(w.reencrypt(&s2, &n1)), Error::StaleNotice);
    let e = err(w.reencrypt(&s2, &n0));
    assert!(
        matches!(e, Error::StaleNotice | Error::FutureVersion),
        "{e:?}"
    );
    // And a v2 stream (version 0 everywhere) is caught up at any notice of its authority.
    let v2 = w.seal2(b"v2", 500, b"x");
    assert!(w.reencrypt(&v2, &n0).is_ok());
}

/// SC-23. Attack: cross authorities at every entry point: another authority re-wraps or
/// re-encrypts our stream under **our** notice; we re-wrap or re-encrypt another
/// authority's v3 or v2 stream under our notice; a stream of theirs with our stream's id,
/// metadata and policy lends its trailer. Defence: `wrong_authority` (the trailer of
/// another authority's stream: `invalid_argument` or `wrong_authority`).
#[test]
fn sc23_another_authoritys_stream_notice_or_trailer_is_refused() {
    let mut w = World::new(9023);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-23", 500, &payload(1_200, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let elsewhere = Authority::setup(&mut w.rng);
    let mut their_service = NoticeService::new(&elsewhere, &mut w.rng);
    let e0 = their_service.current();
    let theirs = seal_raw(
        elsewhere.public_key(),
        &e0,
        POLICY,
        b"ecg-23",
        META,
        500,
        &payload(1_200, 0),
        &mut w.rng,
    );
    let t_theirs = stream_trailer(&theirs[..]).unwrap();
    let mut theirs_v2 = Vec::new();
    seal_stream_with_chunk_size(
        elsewhere.public_key(),
        &Policy::parse(POLICY).unwrap(),
        b"ecg-23",
        META,
        500,
        &payload(1_200, 0)[..],
        &mut theirs_v2,
        &mut w.rng,
    )
    .unwrap();
    let mut out = Vec::new();
    assert_eq!(
        err(elsewhere.rewrap_stream(&s[..], &t, &n1, &mut out, &mut w.rng)),
        Error::WrongAuthority
    );
    assert_eq!(
        err(elsewhere.reencrypt_stream(&s[..], Some(&t), &n1, &mut out, &mut w.rng)),
        Error::WrongAuthority
    );
    assert_eq!(
        err(w.rewrap(&theirs, &t_theirs, &n1)),
        Error::WrongAuthority
    );
    assert_eq!(err(w.reencrypt(&theirs, &n1)), Error::WrongAuthority);
    assert_eq!(err(w.reencrypt(&theirs_v2, &n1)), Error::WrongAuthority);
    let e = err(w.rewrap(&s, &t_theirs, &n1));
    assert!(
        is_invalid_argument(&e) || e == Error::WrongAuthority,
        "{e:?}"
    );
}

/// SC-24. Attack: use a trailer across a re-encryption: the trailer of the re-encrypted
/// stream (same id, metadata and chunk size, a fresh key) on the original, and the
/// original's on the re-encrypted one; and a trailer of another stream with the same id
/// sealed at the same notice. Defence: another header digest or key commitment:
/// `invalid_argument`.
#[test]
fn sc24_trailers_do_not_cross_a_reencryption_or_another_stream() {
    let mut w = World::new(9024);
    let n0 = w.service.current();
    let data = payload(1_500, 0);
    let s = w.seal(&n0, b"ecg-24", 500, &data);
    let same_id = w.seal(&n0, b"ecg-24", 500, &data);
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let re = w.reencrypt(&s, &n1).unwrap();
    let t_re = stream_trailer(&re[..]).unwrap();
    assert_eq!((t_re.id(), t_re.count()), (t.id(), t.count()));
    let n2 = w.service.bump(&["dept:icu"]);
    for (stream, trailer) in [
        (&s, &t_re),
        (&re, &t),
        (&s, &stream_trailer(&same_id[..]).unwrap()),
    ] {
        assert!(is_invalid_argument(&err(w.rewrap(stream, trailer, &n2))));
    }
    let r = w.rewrap(&s, &t, &n1).unwrap();
    assert!(is_invalid_argument(&err(w.rewrap(&r, &t_re, &n2))));
    assert!(w.rewrap(&re, &t_re, &n2).is_ok());
}

/// SC-25. Attack: move a v3 **session** header's KEM (same id, metadata and guarded
/// policy, context `session` with the empty trailer digest) into a stream header over
/// the stream's frames, with the flag 0 and with flag 1 and a trailer made to match it,
/// and ask the authority to catch it up (so a session key would be re-wrapped as a
/// stream's). Defence: the FO check under the stream context fails:
/// `decryption_failed` for the opener (nothing written), the re-wrap and the re-encryption.
#[test]
fn sc25_a_session_kem_header_in_a_stream_header_is_not_caught_up() {
    let mut w = World::new(9025);
    let n0 = w.service.current();
    let k0 = w.key(&n0, &ATTRS);
    let s = w.seal(&n0, b"ecg-25", 500, &payload(1_200, 0));
    let (h, _sealer) = start_session_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse(POLICY).unwrap(),
        b"ecg-25",
        META,
        &mut w.rng,
    )
    .unwrap();
    let hb = h.to_bytes();
    let kem_at = 4 + 4 + 6 + 4 + META.len() + 32 + 1;
    let mut p = Parts::parse(&s);
    p.kem = hb[kem_at..].to_vec();
    assert_eq!(kem_len(&p.kem), p.kem.len());
    let flat = p.bytes();
    let t_flat = stream_trailer(&flat[..]).unwrap();
    let mut carried = p.clone();
    carried.flag = 1;
    carried.trailer = t_flat.to_bytes();
    let carried = carried.bytes();
    let n1 = w.service.bump(&["role:nurse"]);
    for m in [&flat, &carried] {
        assert!(read_stream_info(&m[..]).is_ok());
        assert_eq!(refused_silently(&k0, w.pk(), m), Error::DecryptionFailed);
        assert_eq!(err(w.rewrap(m, &t_flat, &n1)), Error::DecryptionFailed);
        assert_eq!(err(w.reencrypt(m, &n1)), Error::DecryptionFailed);
    }
}

/// SC-26. Attack: move a **re-wrapped** stream's KEM header (context with the trailer
/// digest) into a v3 session header with the same id and metadata, to open it as a
/// session at the new versions. Defence: the session context differs:
/// `decryption_failed`.
#[test]
fn sc26_a_rewrapped_stream_kem_header_in_a_session_header_opens_nothing() {
    let mut w = World::new(9026);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-26", 500, &payload(1_200, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let (h, _sealer) = start_session_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse(POLICY).unwrap(),
        b"ecg-26",
        META,
        &mut w.rng,
    )
    .unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let p = Parts::parse(&w.rewrap(&s, &t, &n1).unwrap());
    let hb = h.to_bytes();
    let kem_at = 4 + 4 + 6 + 4 + META.len() + 32 + 1;
    let mut moved = hb[..kem_at].to_vec();
    moved.extend_from_slice(&p.kem);
    let moved = SessionHeader::from_bytes(&moved).unwrap();
    assert_eq!(
        err(k1.open_session(w.pk(), &moved)),
        Error::DecryptionFailed
    );
}

/// SC-27. Attack: mix formats v2 and v3 around a re-wrapped header: its version byte set
/// to 2; a v2 stream's header set to 3; a v2 stream's frames (same id, metadata, chunk
/// size) under a re-wrapped header; a re-wrapped stream's frames under the v2 header.
/// Defence: typed decoding errors or `decryption_failed` (the key commitment and the v2
/// header's AD differ), nothing written, no catch-up of any of them.
#[test]
fn sc27_v2_and_v3_do_not_mix_around_a_rewrapped_header() {
    let mut w = World::new(9027);
    let n0 = w.service.current();
    let data = payload(1_200, 0);
    let s = w.seal(&n0, b"ecg-27", 500, &data);
    let v2 = w.seal2(b"ecg-27", 500, &data);
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let k0 = w.key(&n0, &ATTRS);
    let r = w.rewrap(&s, &t, &n1).unwrap();
    let mut as_v2 = r.clone();
    as_v2[3] = 2;
    let mut as_v3 = v2.clone();
    as_v3[3] = 3;
    for m in [&as_v2, &as_v3] {
        assert!(matches!(
            err(read_stream_info(&m[..])),
            Error::InvalidEncoding(_)
        ));
        let e = err(stream_trailer(&m[..]));
        assert!(
            matches!(e, Error::InvalidEncoding(_)) || is_invalid_argument(&e),
            "{e:?}"
        );
        assert!(matches!(
            refused_silently(&k1, w.pk(), m),
            Error::InvalidEncoding(_)
        ));
    }
    let hv2 = header_len(&v2);
    let hr = header_len(&r);
    let v2_frames_under_r = [&r[..hr], &v2[hv2..]].concat();
    let r_frames_under_v2 = [&v2[..hv2], &r[hr..]].concat();
    assert_eq!(
        refused_silently(&k1, w.pk(), &v2_frames_under_r),
        Error::DecryptionFailed
    );
    assert_eq!(
        refused_silently(&k0, w.pk(), &r_frames_under_v2),
        Error::DecryptionFailed
    );
    assert_eq!(
        err(stream_trailer(&v2_frames_under_r[..])),
        Error::DecryptionFailed
    );
    assert_eq!(
        err(w.reencrypt(&v2_frames_under_r, &n1)),
        Error::DecryptionFailed
    );
    assert_eq!(
        err(w.reencrypt(&r_frames_under_v2, &n1)),
        Error::DecryptionFailed
    );
    assert_eq!(
        err(w.rewrap(&v2_frames_under_r, &t, &n1)),
        Error::DecryptionFailed
    );
}

/// SC-28. Attack: move a v3 **record**'s KEM header (same id and metadata) into a
/// re-wrapped stream header, the carried trailer's key commitment set to the record's so
/// that the trailer consistency check passes. Defence: the record's policy has no holder
/// guard: `NonCanonical` from every stream entry point (info, trailer, opener, both
/// catch-ups).
#[test]
fn sc28_a_record_kem_header_in_a_rewrapped_stream_header_is_refused() {
    let mut w = World::new(9028);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-28", 500, &payload(1_200, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let rec = seal_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse(POLICY).unwrap(),
        b"ecg-28",
        META,
        b"body",
        &mut w.rng,
    )
    .unwrap();
    let rb = rec.to_bytes();
    let kem_at = 4 + 4 + 6 + 4 + META.len() + 32 + 32 + 8;
    let rkem = rb[kem_at..kem_at + kem_len(&rb[kem_at..])].to_vec();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let mut p = Parts::parse(&w.rewrap(&s, &t, &n1).unwrap());
    p.kem = rkem;
    let kc = p.kc();
    let forged_t = trailer_bytes(2, t.id(), &t.header_digest(), &kc, t.count(), &t.root());
    p.trailer = forged_t.clone();
    let m = p.bytes();
    let nc = enc(EncodingError::NonCanonical);
    assert_eq!(err(read_stream_info(&m[..])), nc);
    assert_eq!(err(stream_trailer(&m[..])), nc);
    assert_eq!(refused_silently(&k1, w.pk(), &m), nc);
    assert_eq!(err(w.reencrypt(&m, &n1)), nc);
    assert_eq!(err(w.rewrap(&m, &tr(&forged_t), &n1)), nc);
}

// ----------------------------------------------------------------------------------------
// Claim 5: chain entries for a close and a catch-up cannot log unrelated streams as one.

/// SC-29. Attack: log the catch-up of stream A as the re-wrap of **another** stream B
/// with the same authority, id, metadata, policy and chunk size (two streams of one
/// device under one id, sealed at the same notice): `for_stream_catch_up(info(A),
/// info(rewrap(B)))`. The new header's carried trailer names B's header digest, which is
/// public and differs from A's. Defence expected ("a draft must not log unrelated records
/// as one", as for records): `invalid_argument`. The same for a v2 stream of that id
/// (a v2 stream has no stream key: its catch-up is never a re-wrap).
#[test]
// SC-29 was a finding (a catch-up entry links a stream to another stream's re-wrap): fixed.
fn sc29_a_catch_up_entry_does_not_link_a_stream_to_anothers_rewrap() {
    let mut w = World::new(9029);
    let n0 = w.service.current();
    let data = payload(1_000, 0);
    let a = w.seal(&n0, b"ecg-29", 500, &data);
    let b = w.seal(&n0, b"ecg-29", 500, &data);
    let v2 = w.seal2(b"ecg-29", 500, &data);
    let tb = stream_trailer(&b[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let rb = w.rewrap(&b, &tb, &n1).unwrap();
    let (ai, rbi) = (info(&a), info(&rb));
    assert_ne!(
        rbi.trailer.as_ref().unwrap().header_digest(),
        ai.header_digest
    );
    assert!(Entry::for_stream_catch_up(&info(&b), &rbi, 3).is_ok());
    for old in [ai, info(&v2)] {
        assert!(is_invalid_argument(&err(Entry::for_stream_catch_up(
            &old, &rbi, 3
        ))));
    }
}

/// SC-30. Attack: the same one step later: A and B both re-wrapped at n1, then B
/// re-wrapped again at n2; log it as A's catch-up from n1 to n2. The two headers carry
/// different trailers (public). Defence expected: `invalid_argument`. Also checked: the
/// `StreamInfo` that `rewrap_stream` returns is the output's (`read_stream_info`), so an
/// entry built from either names the same digests.
#[test]
// SC-30 was a finding (a catch-up entry links two re-wrapped streams): fixed.
fn sc30_a_catch_up_entry_does_not_link_two_rewrapped_streams() {
    let mut w = World::new(9030);
    let n0 = w.service.current();
    let data = payload(1_000, 0);
    let a = w.seal(&n0, b"ecg-30", 500, &data);
    let b = w.seal(&n0, b"ecg-30", 500, &data);
    let (ta, tb) = (
        stream_trailer(&a[..]).unwrap(),
        stream_trailer(&b[..]).unwrap(),
    );
    let n1 = w.service.bump(&["role:nurse"]);
    let ra = w.rewrap(&a, &ta, &n1).unwrap();
    let rb = w.rewrap(&b, &tb, &n1).unwrap();
    let n2 = w.service.bump(&["dept:icu"]);
    let mut rrb = Vec::new();
    let returned = w
        .authority
        .rewrap_stream(&rb[..], &tb, &n2, &mut rrb, &mut w.rng)
        .unwrap();
    assert_eq!(returned, info(&rrb));
    assert!(Entry::for_stream_catch_up(&info(&rb), &returned, 4).is_ok());
    assert!(is_invalid_argument(&err(Entry::for_stream_catch_up(
        &info(&ra),
        &returned,
        4
    ))));
}

/// SC-31. Attack: log a catch-up between real streams that differ in one public field
/// each (chunk size, metadata, policy), into a v2 stream, backwards in serial, or onto the
/// same header. Defence (rustdoc): `invalid_argument` for each; the genuine pairs
/// (re-wrap, re-wrap of a re-wrap, re-encryption) are accepted and name the old and new
/// header digests.
#[test]
fn sc31_catch_up_entries_refuse_every_documented_mismatch() {
    let mut w = World::new(9031);
    let n0 = w.service.current();
    let data = payload(1_000, 0);
    let a = w.seal(&n0, b"ecg-31", 500, &data);
    let ta = stream_trailer(&a[..]).unwrap();
    let other_chunk = w.seal(&n0, b"ecg-31", 400, &data);
    let other_meta = seal_raw(
        w.authority.public_key(),
        &n0,
        POLICY,
        b"ecg-31",
        b"ward 4",
        500,
        &data,
        &mut w.rng,
    );
    let other_policy = seal_raw(
        w.authority.public_key(),
        &n0,
        "role:nurse or dept:icu",
        b"ecg-31",
        META,
        500,
        &data,
        &mut w.rng,
    );
    let v2 = w.seal2(b"ecg-31", 500, &data);
    let n1 = w.service.bump(&["role:nurse"]);
    let mut caught = Vec::new();
    for s in [&other_chunk, &other_meta, &other_policy] {
        let t = stream_trailer(&s[..]).unwrap();
        caught.push(w.rewrap(s, &t, &n1).unwrap());
    }
    let ra = w.rewrap(&a, &ta, &n1).unwrap();
    let ai = info(&a);
    for c in &caught {
        assert!(is_invalid_argument(&err(Entry::for_stream_catch_up(
            &ai,
            &info(c),
            1
        ))));
    }
    for (old, new) in [(&ra, &a), (&a, &v2), (&a, &a), (&ra, &ra)] {
        assert!(is_invalid_argument(&err(Entry::for_stream_catch_up(
            &info(old),
            &info(new),
            1
        ))));
    }
    let n2 = w.service.bump(&["dept:icu"]);
    let rra = w.rewrap(&ra, &ta, &n2).unwrap();
    let rea = w.reencrypt(&a, &n2).unwrap();
    let signer = BlsSigningKey::generate(&mut w.rng);
    for (old, new) in [(&a, &ra), (&ra, &rra), (&a, &rea), (&ra, &rea)] {
        let (oi, ni) = (info(old), info(new));
        let e = Entry::for_stream_catch_up(&oi, &ni, 1)
            .unwrap()
            .sign(0, [0; 32], &signer)
            .unwrap();
        assert_eq!(e.subject(), b"ecg-31");
        assert_eq!(*e.digest(), ni.header_digest);
        let carried = ni.trailer.as_ref().map(|t| t.digest().to_vec());
        assert_eq!(
            e.metadata(),
            [
                &oi.header_digest[..],
                &ni.header_digest[..],
                &carried.unwrap_or_default()
            ]
            .concat()
        );
    }
}

// ----------------------------------------------------------------------------------------
// Claim 6: memory and time do not grow with the stream.

/// A real header with chunk size 1 and a synthetic body of `frames − 1` non-last frames
/// of 17 bytes and one last frame: no AEAD would pass, but nothing here decrypts.
fn synthetic_frames() -> (Vec<u8>, Vec<u8>) {
    let mut mid = vec![0u8; 5 + 17];
    mid[1..5].copy_from_slice(&17u32.to_be_bytes());
    mid[5..].fill(0xab);
    let mut last = vec![1u8; 5 + 17];
    last[1..5].copy_from_slice(&17u32.to_be_bytes());
    (mid, last)
}

/// SC-32. Attack: `stream_trailer` over a stream of 1,000,000 one-byte frames (22 MB,
/// produced on the fly) and over 10,000. Defence: memory logarithmic in the count: the
/// peak held is small (< 256 KiB) and does not grow with the count (a list of item
/// digests would hold 32 MB).
#[test]
fn sc32_stream_trailer_of_a_million_tiny_frames_holds_no_list() {
    let mut w = World::new(9032);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"tiny", 1, b"x");
    let h = &s[..header_len(&s)];
    let (mid, last) = synthetic_frames();
    // The probe sees what it should: a list of a million digests would be caught.
    let (_, largest, peak) = measure(|| vec![[0u8; 32]; 1_000_000].len());
    assert!(largest >= 32_000_000 && peak >= 32_000_000);
    let mut peaks = Vec::new();
    for frames in [10_000u64, 1_000_000] {
        let mut input = Synth::new(h, &mid, frames - 1, &last, u64::MAX);
        let (t, largest, peak) = measure(|| stream_trailer(&mut input));
        let t = t.unwrap();
        assert_eq!(t.count(), frames);
        assert!(largest < 64 * KIB, "largest allocation {largest}");
        assert!(peak < 256 * KIB, "peak {peak} bytes for {frames} frames");
        peaks.push(peak);
    }
    assert!(
        peaks[1] < peaks[0] + 16 * KIB,
        "memory grew with the count: {peaks:?}"
    );
}

/// SC-33. Attack: the authority's re-wrap of the 1,000,000-frame stream (checked against
/// its trailer as copied) and of a 10,000-frame one; then a trailer whose count is
/// `u64::MAX` (right in id, header digest and key commitment). Defence: constant memory
/// (no list of digests, no buffer of the frames), and the huge count is refused at the
/// real last frame (`decryption_failed`) without reserving anything for it.
#[test]
fn sc33_the_rewrap_of_a_million_tiny_frames_holds_no_list() {
    let mut w = World::new(9033);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"tiny", 1, b"x");
    let h = s[..header_len(&s)].to_vec();
    let (mid, last) = synthetic_frames();
    let n1 = w.service.bump(&["role:nurse"]);
    let mut peaks = Vec::new();
    for frames in [10_000u64, 1_000_000] {
        let t = stream_trailer(Synth::new(&h, &mid, frames - 1, &last, u64::MAX)).unwrap();
        let mut input = Synth::new(&h, &mid, frames - 1, &last, u64::MAX);
        let mut out = Digesting::default();
        let authority = &w.authority;
        let rng = &mut w.rng;
        let (r, largest, peak) =
            measure(|| authority.rewrap_stream(&mut input, &t, &n1, &mut out, rng));
        let r = r.unwrap();
        assert_eq!(r.trailer.as_ref().map(Trailer::count), Some(frames));
        assert!(largest < 256 * KIB, "largest allocation {largest}");
        assert!(peak < 2 * MIB, "peak {peak} bytes for {frames} frames");
        assert!(out.len > frames * 22);
        peaks.push(peak);
    }
    assert!(
        peaks[1] < peaks[0] + 64 * KIB,
        "memory grew with the count: {peaks:?}"
    );
    let t = stream_trailer(&s[..]).unwrap();
    let huge = trailer_with(&t, t.header_digest(), u64::MAX, t.root());
    let authority = &w.authority;
    let rng = &mut w.rng;
    let (r, largest, _) = measure(|| authority.rewrap_stream(&s[..], &huge, &n1, io::sink(), rng));
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(largest < 256 * KIB, "largest allocation {largest}");
}

/// SC-34. Attack: a re-wrapped stream of 100,000 real one-byte chunks (and one of 10,000):
/// open it, and have the authority re-encrypt it (both check every frame against the
/// trailer). Defence: the payload comes back, and the peak held does not grow with the
/// number of frames.
#[test]
fn sc34_opening_and_reencrypting_many_tiny_frames_hold_no_list() {
    let mut w = World::new(9034);
    let n0 = w.service.current();
    let mut streams = Vec::new();
    for len in [10_000usize, 100_000] {
        let data = payload(len, 5);
        let s = w.seal(&n0, b"tiny", 1, &data);
        streams.push((s, data));
    }
    let n1 = w.service.bump(&["dept:icu"]);
    let n2 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let mut open_peaks = Vec::new();
    let mut re_peaks = Vec::new();
    // Each measured three times, the least kept: the process-wide caches (hash points,
    // row combs) are shared by the tests running beside this one, and an entry another
    // test evicted is computed again on this thread, which counts as held memory (a
    // comb is about 800 KB; CI saw it once). Per-frame memory would show in every run.
    for (s, data) in &streams {
        let t = stream_trailer(&s[..]).unwrap();
        let r = w.rewrap(s, &t, &n1).unwrap();
        let mut least = usize::MAX;
        for _ in 0..3 {
            let mut out = Digesting::default();
            let (res, _, peak) =
                measure(|| k1.open_stream(w.authority.public_key(), &r[..], &mut out));
            res.unwrap();
            assert_eq!(out.len, data.len() as u64);
            assert_eq!(<[u8; 32]>::from(out.hash.finalize()), sha(&[data]));
            least = least.min(peak);
        }
        open_peaks.push(least);
        let mut least = usize::MAX;
        for _ in 0..3 {
            let authority = &w.authority;
            let rng = &mut w.rng;
            let mut sink = Digesting::default();
            let (res, _, peak) = measure(|| {
                let t = stream_trailer(&r[..]).ok();
                authority.reencrypt_stream(&r[..], t.as_ref(), &n2, &mut sink, rng)
            });
            res.unwrap();
            least = least.min(peak);
        }
        re_peaks.push(least);
    }
    assert!(
        open_peaks[1] < open_peaks[0] + 64 * KIB,
        "opener: {open_peaks:?}"
    );
    assert!(
        re_peaks[1] < re_peaks[0] + 64 * KIB,
        "re-encryption: {re_peaks:?}"
    );
    assert!(open_peaks[1] < 4 * MIB && re_peaks[1] < 4 * MIB);
}

/// SC-35. Attack: a re-wrapped header relabelled to carry a trailer of count `u64::MAX`
/// (and 2⁴⁰), over the stream's 3 real frames: read it, open it, compute its trailer,
/// catch it up. Defence: the count is only a number: the header fails the FO check for
/// openers and the authority (`decryption_failed`, nothing written), `stream_trailer`
/// finds the frames are not the carried trailer's (`decryption_failed`); nothing reserves
/// memory for the count.
#[test]
fn sc35_a_huge_carried_count_reserves_nothing() {
    let mut w = World::new(9035);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-35", 100, &payload(250, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let p = Parts::parse(&w.rewrap(&s, &t, &n1).unwrap());
    for count in [u64::MAX, 1 << 40] {
        let huge = trailer_with(&t, t.header_digest(), count, t.root());
        let mut q = p.clone();
        q.trailer = huge.to_bytes();
        let m = q.bytes();
        let (i, largest, _) = measure(|| read_stream_info(&m[..]));
        assert_eq!(i.unwrap().trailer.map(|t| t.count()), Some(count));
        assert!(largest < 256 * KIB);
        let (r, largest, _) = measure(|| open_tape(&k1, w.authority.public_key(), &m));
        assert_eq!(err(r.0), Error::DecryptionFailed);
        assert!(r.1.is_empty());
        assert!(largest < 256 * KIB, "largest allocation {largest}");
        let (r, largest, _) = measure(|| stream_trailer(&m[..]));
        assert_eq!(err(r), Error::DecryptionFailed);
        assert!(largest < 256 * KIB, "largest allocation {largest}");
        let n2 = w.service.bump(&["dept:icu"]);
        assert_eq!(err(w.rewrap(&m, &huge, &n2)), Error::DecryptionFailed);
        assert_eq!(err(w.reencrypt(&m, &n2)), Error::DecryptionFailed);
    }
}

/// SC-36. Attack: a re-wrapped header whose `body_len` claims the 4 MiB maximum (and one
/// byte more) over the real, much shorter input, fed whole and a few bytes per read, to
/// every entry point: `read_stream_info`, the opener, `stream_trailer`, both catch-ups.
/// Defence: `Truncated` (`BadLength` above the maximum), and no entry point holds memory
/// in proportion to the declared length before the bytes arrive (peak < 1 MiB).
#[test]
fn sc36_a_declared_header_length_buys_no_buffer_at_any_entry_point() {
    let mut w = World::new(9036);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"ecg-36", 100, &payload(250, 0));
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = w.rewrap(&s, &t, &n1).unwrap();
    let n2 = w.service.bump(&["dept:icu"]);
    for (declared, want) in [
        (4 * MIB as u32, EncodingError::Truncated),
        (4 * MIB as u32 + 1, EncodingError::BadLength),
    ] {
        let mut m = r.clone();
        m[4..8].copy_from_slice(&declared.to_be_bytes());
        for step in [usize::MAX, 7] {
            let rd = || Dribble { data: &m, step };
            let authority = &w.authority;
            let mut rng = w.rng.clone();
            let results: Vec<(Error, usize)> = vec![
                {
                    let (e, _, p) = measure(|| read_stream_info(rd()).map(|_| ()));
                    (err(e), p)
                },
                {
                    let (e, _, p) = measure(|| {
                        k1.open_stream(authority.public_key(), rd(), io::sink())
                            .map(|_| ())
                    });
                    (err(e), p)
                },
                {
                    let (e, _, p) = measure(|| stream_trailer(rd()).map(|_| ()));
                    (err(e), p)
                },
                {
                    let (e, _, p) = measure(|| {
                        authority
                            .rewrap_stream(rd(), &t, &n2, io::sink(), &mut rng)
                            .map(|_| ())
                    });
                    (err(e), p)
                },
                {
                    let (e, _, p) = measure(|| {
                        authority
                            .reencrypt_stream(rd(), Some(&t), &n2, io::sink(), &mut rng)
                            .map(|_| ())
                    });
                    (err(e), p)
                },
            ];
            for (i, (e, peak)) in results.into_iter().enumerate() {
                assert_eq!(e, enc(want), "entry point {i}, step {step}");
                assert!(peak < MIB, "entry point {i}, step {step}: peak {peak}");
            }
        }
    }
}

/// SC-37. Attack (forger holding `K_b` of a stream still being written at the revocation,
/// or of any closed stream the caller routes to re-encryption): replace the stored frames
/// with forged ones and let the authority re-encrypt the stream whole. The sealer's close
/// entry names the genuine trailer. Defence expected (`docs/revocation-v3.md` §6.3: "is
/// re-encrypted whole (fresh `K_b`), after checking every chunk against the close
/// anchor's root"): the authority refuses frames that are not the anchored trailer's, so
/// no current key opens the forged payload. Found: `reencrypt_stream` took no trailer for
/// a stream as sealed, so it could not check; fixed: it takes the logged trailer of a v3
/// stream and reads the frames against it.
#[test]
// SC-37 was a finding (the re-encryption launders forged frames: no anchor check): fixed.
fn sc37_the_reencryption_does_not_launder_forged_frames_of_an_anchored_stream() {
    let mut w = World::new(9037);
    let n0 = w.service.current();
    let genuine = payload(3_000, 0);
    let forged = payload(3_000, 0x66);
    let (real, fake) = w.twins(&n0, b"ecg-37", 1000, &genuine, &forged);
    let n1 = w.service.bump(&["role:nurse"]);
    // The sealer closes after the bump and logs the genuine trailer.
    let anchored = stream_trailer(&real[..]).unwrap();
    let signer = BlsSigningKey::generate(&mut w.rng);
    let close = Entry::for_stream_close(&anchored, n1.serial() + 1)
        .unwrap()
        .sign(0, [0; 32], &signer)
        .unwrap();
    assert_eq!(*close.digest(), anchored.digest());
    assert_ne!(stream_trailer(&fake[..]).unwrap().digest(), *close.digest());
    let k1 = w.key(&n1, &ATTRS);
    let logged = Trailer::from_bytes(close.metadata()).unwrap();
    let mut out = Vec::new();
    let r = w
        .authority
        .reencrypt_stream(&fake[..], Some(&logged), &n1, &mut out, &mut w.rng)
        .map(|_| out);
    match r {
        Err(e) => assert_eq!(e, Error::DecryptionFailed),
        Ok(out) => {
            let opened = open(&k1, w.pk(), &out);
            assert!(
                opened.as_deref() != Ok(&forged[..]),
                "the forged payload opens for a current key after the authority's re-encryption"
            );
        }
    }
}

/// SC-38. Attack (no key needed): relabel a stream header's chunk size to the 16 MiB
/// maximum (a 1.5 KB input with one 26-byte frame), or follow it with a frame that
/// declares 16 MiB + 16 bytes and brings 100; hand it to `stream_trailer`, the keyless
/// function anyone (a storage service checking uploads against close entries) runs on
/// bytes it was given. The aim: 16 MiB held per call before any frame byte arrives, an
/// amplification of about 10,000. Defence expected (the decoders "do not allocate in
/// proportion to declared lengths before bytes arrive"): peak < 1 MiB. The authority's
/// catch-ups check the header (FO) before reading a frame, so the relabelled header costs
/// them nothing (checked too).
#[test]
// SC-38 was a finding (stream_trailer reserves the header's chunk size before any frame): fixed.
fn sc38_a_declared_chunk_size_buys_no_buffer_before_the_bytes() {
    let mut w = World::new(9038);
    let n0 = w.service.current();
    let s = w.seal(&n0, b"big", 1000, b"ten bytes!");
    let t = stream_trailer(&s[..]).unwrap();
    let mut p = Parts::parse(&s);
    p.chunk = 16 * MIB as u32;
    let relabelled = p.bytes();
    let mut declared = p.header();
    declared.push(0);
    declared.extend_from_slice(&(16 * MIB as u32 + 16).to_be_bytes());
    declared.extend_from_slice(&[0x5a; 100]);
    let n1 = w.service.bump(&["role:nurse"]);
    let t_rel = trailer_with(&t, info(&relabelled).header_digest, 1, t.root());
    let authority = &w.authority;
    let mut rng = w.rng.clone();
    let (r, _, p_rewrap) = measure(|| {
        authority
            .rewrap_stream(&relabelled[..], &t_rel, &n1, io::sink(), &mut rng)
            .map(|_| ())
    });
    assert_eq!(err(r), Error::DecryptionFailed);
    let (r, _, p_re) = measure(|| {
        authority
            .reencrypt_stream(&relabelled[..], Some(&t_rel), &n1, io::sink(), &mut rng)
            .map(|_| ())
    });
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(p_rewrap < MIB && p_re < MIB, "{p_rewrap} {p_re}");
    let (r, _, p_declared) = measure(|| stream_trailer(&declared[..]).map(|_| ()));
    assert_eq!(err(r), Error::DecryptionFailed);
    // Keyless: it reports a trailer for a header no key opens (documented); the point
    // here is only what it holds meanwhile.
    let (_, _, p_relabelled) = measure(|| stream_trailer(&relabelled[..]).map(|_| ()));
    assert!(
        p_relabelled < MIB && p_declared < MIB,
        "stream_trailer held {p_relabelled} and {p_declared} bytes for {} and {} bytes of input",
        relabelled.len(),
        declared.len()
    );
}

/// A reader that returns `Interrupted` before every read, then at most 3 bytes.
struct Interrupting<'a> {
    data: &'a [u8],
    next_fails: bool,
}

impl Read for Interrupting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.next_fails = !self.next_fails;
        if self.next_fails {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = 3.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A writer that takes at most 5 bytes per call, returning `Interrupted` every other call.
#[derive(Default)]
struct Stingy {
    got: Vec<u8>,
    calls: usize,
}

impl io::Write for Stingy {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(2) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = 5.min(b.len());
        self.got.extend_from_slice(&b[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// SC-39. Attack: hostile but legal I/O around the catch-up: readers that give one byte
/// at a time or fail with `Interrupted` before every read, writers that take five bytes
/// at a time and fail with `Interrupted` every other call. The aim: a re-wrap that drops,
/// repeats or reorders bytes of the frames it copies, or a trailer computed over other
/// bytes. Defence: the same trailer, frames copied byte for byte, caught-up streams that
/// open to the payload.
#[test]
fn sc39_catch_up_under_short_and_interrupted_io() {
    let mut w = World::new(9039);
    let n0 = w.service.current();
    let data = payload(5_000, 9);
    let s = w.seal(&n0, b"ecg-39", 700, &data);
    let t = stream_trailer(&s[..]).unwrap();
    assert_eq!(stream_trailer(Dribble { data: &s, step: 1 }).unwrap(), t);
    assert_eq!(
        stream_trailer(Interrupting {
            data: &s,
            next_fails: false
        })
        .unwrap(),
        t
    );
    let n1 = w.service.bump(&["dept:icu"]);
    let k1 = w.key(&n1, &ATTRS);
    let mut out = Stingy::default();
    w.authority
        .rewrap_stream(Dribble { data: &s, step: 1 }, &t, &n1, &mut out, &mut w.rng)
        .unwrap();
    let r = out.got;
    assert_eq!(r[header_len(&r)..], s[header_len(&s)..]);
    assert_eq!(open(&k1, w.pk(), &r).unwrap(), data);
    let mut out = Stingy::default();
    w.authority
        .reencrypt_stream(
            Interrupting {
                data: &r,
                next_fails: false,
            },
            Some(&t),
            &n1,
            &mut out,
            &mut w.rng,
        )
        .unwrap();
    assert_eq!(open(&k1, w.pk(), &out.got).unwrap(), data);
    let mut got = Stingy::default();
    k1.open_stream(
        w.authority.public_key(),
        Dribble { data: &r, step: 2 },
        &mut got,
    )
    .unwrap();
    assert_eq!(got.got, data);
}

/// SC-40. Attack: streams without a last frame: a header alone (as sealed and
/// re-wrapped), and every frame but the last (so the count of frames read is one short
/// of the trailer's, all of them non-last). The aim: a trailer of zero or `count − 1`
/// frames, or a catch-up of a cut stream. Defence: `decryption_failed` from
/// `stream_trailer`, both catch-ups and the opener (which writes only whole authentic
/// chunks before the cut).
#[test]
fn sc40_streams_without_a_last_frame_are_not_caught_up() {
    let mut w = World::new(9040);
    let n0 = w.service.current();
    let data = payload(2_500, 4);
    let s = w.seal(&n0, b"ecg-40", 1000, &data);
    let t = stream_trailer(&s[..]).unwrap();
    let n1 = w.service.bump(&["role:nurse"]);
    let k1 = w.key(&n1, &ATTRS);
    let r = w.rewrap(&s, &t, &n1).unwrap();
    let n2 = w.service.bump(&["dept:icu"]);
    for full in [&s, &r] {
        let p = Parts::parse(full);
        for cut in [0, p.frames.len() - 1] {
            let m = p.with_frames(&p.frames[..cut]).bytes();
            assert_eq!(err(stream_trailer(&m[..])), Error::DecryptionFailed);
            assert_eq!(err(w.rewrap(&m, &t, &n2)), Error::DecryptionFailed);
            // Against the logged trailer (a cut stream has none of its own).
            let mut out = Vec::new();
            let re = w
                .authority
                .reencrypt_stream(&m[..], Some(&t), &n2, &mut out, &mut w.rng);
            assert_eq!(err(re), Error::DecryptionFailed);
            if p.flag == 1 {
                let (res, out) = open_tape(&k1, w.pk(), &m);
                assert_eq!(err(res), Error::DecryptionFailed);
                assert!(out.len() <= cut * 1000);
                assert_eq!(out, data[..out.len()]);
            }
        }
    }
}
