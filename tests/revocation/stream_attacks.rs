//! Outside review of format v3 streams (`seal_stream_with_notice`, `UserKey::open_stream`,
//! `read_stream_info`), from `docs/formats.md` ("Stream", "Stream v3", "KEM header v3",
//! "Common rules", "Session header v3"), `docs/revocation.md` §0.1–0.2,
//! `docs/revocation-v3.md` §5.3 and §6.1 and the public API only. One test per attack; the
//! doc comment names the attack and the expected defence. Every refusal is asserted as the
//! exact typed error; a test whose attack succeeds is kept, marked `#[ignore = "FINDING …"]`.
//!
//! This file installs a global allocator for the `revocation` test binary that forwards to
//! `System` and, only on a thread that asks for it, records the largest single allocation
//! (used to check that hostile lengths never become allocations).

use std::io::{self, Read, Write};

use cipherchart::{
    read_stream_info, seal_stream_with_chunk_size, seal_stream_with_notice, seal_with_notice,
    start_session_with_notice, Authority, BlsSigningKey, DelegationKey, EncodingError, Error,
    Policy, PublicKey, SealedRecord, SessionHeader, StreamInfo, UserKey, VerifiedNotice,
};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};

use crate::common::{key, rng, NoticeService};

const GUARD: &str = "cipherchart:key-holder";
const MIB: usize = 1024 * 1024;

/// The largest single allocation made on the current thread while a closure runs (and,
/// for `stream_catch_up_attacks`, the peak of the bytes it held at once).
pub(crate) mod alloc_probe {
    #![allow(unsafe_code)]

    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    /// Forwards to `System`; records sizes on threads that turned recording on.
    pub struct Probe;

    thread_local! {
        static ON: Cell<bool> = const { Cell::new(false) };
        static LARGEST: Cell<usize> = const { Cell::new(0) };
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static PEAK: Cell<isize> = const { Cell::new(0) };
    }

    fn note(size: usize) {
        let _ = ON.try_with(|on| {
            if on.get() {
                let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
            }
        });
    }

    /// Bytes allocated (positive) or freed (negative) on a recording thread.
    fn live(delta: isize) {
        let _ = ON.try_with(|on| {
            if on.get() {
                let _ = LIVE.try_with(|l| {
                    let now = l.get() + delta;
                    l.set(now);
                    let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
                });
            }
        });
    }

    // SAFETY: every method forwards its arguments unchanged to `System`, which upholds
    // the `GlobalAlloc` contract; `note` only reads and writes two const-initialised
    // thread-local cells (no allocation, no re-entry).
    unsafe impl GlobalAlloc for Probe {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            note(layout.size());
            live(layout.size() as isize);
            // SAFETY: the caller's contract for `alloc` is passed on unchanged.
            unsafe { System.alloc(layout) }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            note(layout.size());
            live(layout.size() as isize);
            // SAFETY: as `alloc`.
            unsafe { System.alloc_zeroed(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            live(-(layout.size() as isize));
            // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation
            // goes through this forwarder).
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            note(new_size);
            live(new_size as isize - layout.size() as isize);
            // SAFETY: as `dealloc` for `ptr` and `layout`; `new_size` as the caller gave it.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static PROBE: Probe = Probe;

    /// Runs `f`; returns its result and the largest single allocation (or reallocation
    /// target) it made on this thread.
    pub fn largest<T>(f: impl FnOnce() -> T) -> (T, usize) {
        LARGEST.with(|m| m.set(0));
        ON.with(|o| o.set(true));
        let r = f();
        ON.with(|o| o.set(false));
        (r, LARGEST.with(|m| m.get()))
    }

    /// Runs `f`; returns its result, the largest single allocation, and the peak of the
    /// bytes it held at once on this thread (allocated minus freed since `f` began; memory
    /// freed that was allocated before only lowers the count).
    pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
        LARGEST.with(|m| m.set(0));
        LIVE.with(|l| l.set(0));
        PEAK.with(|p| p.set(0));
        ON.with(|o| o.set(true));
        let r = f();
        ON.with(|o| o.set(false));
        let peak = PEAK.with(|p| p.get()).max(0) as usize;
        (r, LARGEST.with(|m| m.get()), peak)
    }
}

// ----------------------------------------------------------------------------------------
// Helpers: the documented layout, rebuilding headers, readers and writers.

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_be_bytes());
}

fn enc(kind: EncodingError) -> Error {
    Error::InvalidEncoding(kind)
}

/// The error of a result whose success would be the attack's success.
fn err<T>(r: Result<T, Error>) -> Error {
    r.err()
        .expect("the attack succeeded: it opened / was accepted")
}

fn metadata_hash(meta: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"CIPHERCHART-V01-METADATA-HASH-with-SHA256");
    h.update(meta);
    h.finalize().into()
}

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

/// The header length of a stream (object header, u32 body length, the body).
fn header_len(s: &[u8]) -> usize {
    8 + be32(s, 4)
}

/// Length of a KEM header v3 with its envelope starting at `at` (formats.md "KEM header
/// v3": 369 + len(P) + 148·n, plus 80).
fn kem_len(b: &[u8], at: usize) -> usize {
    let plen = be32(b, at + 41);
    let n = be32(b, at + 45 + plen);
    369 + plen + 148 * n + 80
}

/// Offsets of a stream header v3's fields (formats.md "Stream v3", "KEM header v3").
#[derive(Debug, Clone, Copy)]
struct SLayout {
    chunk: usize,
    id: (usize, usize),
    meta: (usize, usize),
    metadata_hash: usize,
    trailer: usize,
    kem: usize,
    notice_serial: usize,
    flags: usize,
    policy_len: usize,
    policy: (usize, usize),
    versions_count: usize,
    versions: usize,
    rows: usize,
    c0: usize,
    c_rows: usize,
    c_prime: usize,
    key_commitment: usize,
    wrap: usize,
    end: usize,
}

fn layout(b: &[u8]) -> SLayout {
    assert_eq!(&b[..4], &[0x43, 0x43, 0x06, 0x03], "a stream header v3");
    let end = header_len(b);
    let chunk = 8;
    let id = (16, 16 + be32(b, 12));
    let meta = (id.1 + 4, id.1 + 4 + be32(b, id.1));
    let metadata_hash = meta.1;
    let trailer = metadata_hash + 32;
    let kem = trailer + 1;
    let notice_serial = kem + 32;
    let flags = notice_serial + 8;
    let policy_len = flags + 1;
    let policy = (policy_len + 4, policy_len + 4 + be32(b, policy_len));
    let versions_count = policy.1;
    let rows = be32(b, versions_count);
    let versions = versions_count + 4;
    let c0 = versions + 4 * rows;
    let c_rows = c0 + 3 * 96;
    let c_prime = c_rows + 3 * 48 * rows;
    let key_commitment = c_prime + 32;
    let wrap = key_commitment + 32;
    assert_eq!(wrap + 48, end, "the documented layout covers the header");
    assert_eq!(kem_len(b, kem), end - kem);
    SLayout {
        chunk,
        id,
        meta,
        metadata_hash,
        trailer,
        kem,
        notice_serial,
        flags,
        policy_len,
        policy,
        versions_count,
        versions,
        rows,
        c0,
        c_rows,
        c_prime,
        key_commitment,
        wrap,
        end,
    }
}

/// The frames after the header: (offset, flag, whole frame length 5 + len).
fn frames(s: &[u8]) -> Vec<(usize, u8, usize)> {
    let mut at = header_len(s);
    let mut out = Vec::new();
    while at < s.len() {
        let len = be32(s, at + 1);
        out.push((at, s[at], 5 + len));
        at += 5 + len;
    }
    assert_eq!(at, s.len());
    out
}

/// A stream header v3 from its parts, in the documented order, `body_len` computed.
fn build_header(
    chunk: u32,
    id: &[u8],
    meta: &[u8],
    hash: &[u8],
    trailer: &[u8],
    kem: &[u8],
) -> Vec<u8> {
    let mut body = chunk.to_be_bytes().to_vec();
    body.extend_from_slice(&(id.len() as u32).to_be_bytes());
    body.extend_from_slice(id);
    body.extend_from_slice(&(meta.len() as u32).to_be_bytes());
    body.extend_from_slice(meta);
    body.extend_from_slice(hash);
    body.extend_from_slice(trailer);
    body.extend_from_slice(kem);
    let mut out = vec![0x43, 0x43, 0x06, 0x03];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// `s` with its KEM header replaced by `kem` (body length fixed), frames unchanged.
fn with_kem(s: &[u8], kem: &[u8]) -> Vec<u8> {
    let l = layout(s);
    let mut out = build_header(
        be32(s, l.chunk) as u32,
        &s[l.id.0..l.id.1],
        &s[l.meta.0..l.meta.1],
        &s[l.metadata_hash..l.trailer],
        &s[l.trailer..l.kem],
        kem,
    );
    out.extend_from_slice(&s[l.end..]);
    out
}

/// `s` with the KEM header's policy text replaced (lengths fixed, rows unchanged).
fn with_policy_text(s: &[u8], text: &str) -> Vec<u8> {
    let l = layout(s);
    let mut kem = s[l.kem..l.policy_len].to_vec();
    kem.extend_from_slice(&(text.len() as u32).to_be_bytes());
    kem.extend_from_slice(text.as_bytes());
    kem.extend_from_slice(&s[l.policy.1..l.end]);
    with_kem(s, &kem)
}

fn policy_text(s: &[u8]) -> String {
    let l = layout(s);
    String::from_utf8(s[l.policy.0..l.policy.1].to_vec()).unwrap()
}

/// Index of the holder guard's row: the one row the decoder refuses at version 1
/// (formats.md "KEM header v3": the guard's entry must be 0).
fn guard_row(s: &[u8]) -> usize {
    let l = layout(s);
    let refused: Vec<usize> = (0..l.rows)
        .filter(|&i| {
            let mut m = s.to_vec();
            put32(&mut m, l.versions + 4 * i, 1);
            read_stream_info(&m[..]).is_err()
        })
        .collect();
    assert_eq!(refused.len(), 1, "exactly one guard row");
    refused[0]
}

/// A writer that records every call (writes and flushes) and every byte.
#[derive(Default, Debug)]
struct Tape {
    bytes: Vec<u8>,
    calls: usize,
}

impl Write for Tape {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        self.bytes.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.calls += 1;
        Ok(())
    }
}

/// Opens `s` with `key` into a tape: the result and everything the opener wrote.
fn open_tape(key: &UserKey, pk: &PublicKey, s: &[u8]) -> (Result<StreamInfo, Error>, Tape) {
    let mut tape = Tape::default();
    let r = key.open_stream(pk, s, &mut tape);
    (r, tape)
}

/// Opens `s`; the error, after checking that nothing at all reached the writer.
fn refused_silently(key: &UserKey, pk: &PublicKey, s: &[u8]) -> Error {
    let (r, tape) = open_tape(key, pk, s);
    let e = err(r);
    assert_eq!(tape.calls, 0, "{e:?}: the opener wrote before failing");
    e
}

/// Opens `s`; the payload, only if everything authenticated.
fn open(key: &UserKey, pk: &PublicKey, s: &[u8]) -> Result<Vec<u8>, Error> {
    let (r, tape) = open_tape(key, pk, s);
    r.map(|_| tape.bytes)
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

/// A reader that returns `Interrupted` before every successful read (std's convention:
/// retry).
struct Interrupting<'a> {
    data: &'a [u8],
    next_fails: bool,
}

impl Read for Interrupting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.next_fails = !self.next_fails;
        if !self.next_fails {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = 7.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// A reader that yields `data[..at]`, then fails with `kind` (and counts what it gave).
struct FailAt<'a> {
    data: &'a [u8],
    at: usize,
    given: usize,
    kind: io::ErrorKind,
}

impl Read for FailAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.given >= self.at {
            return Err(self.kind.into());
        }
        let n = buf
            .len()
            .min(self.at - self.given)
            .min(self.data.len() - self.given);
        buf[..n].copy_from_slice(&self.data[self.given..self.given + n]);
        self.given += n;
        Ok(n)
    }
}

/// A writer that takes at most `step` bytes per call (a short write), returning
/// `Interrupted` every other call.
struct Stingy {
    got: Vec<u8>,
    step: usize,
    calls: usize,
}

impl Write for Stingy {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(2) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = self.step.min(b.len());
        self.got.extend_from_slice(&b[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that accepts nothing (`Ok(0)` for every non-empty write).
struct Stuck;

impl Write for Stuck {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Ok(0)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A reader that gives `data`, then zeros without end (counting them), failing after
/// `limit` zeros so that a runaway opener ends the test instead of the machine.
struct Endless<'a> {
    data: &'a [u8],
    zeros: usize,
    limit: usize,
}

impl Read for Endless<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.data.is_empty() {
            let n = buf.len().min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            return Ok(n);
        }
        if self.zeros >= self.limit {
            return Err(io::Error::other("the opener kept reading past the stream"));
        }
        let n = buf.len().min(self.limit - self.zeros);
        buf[..n].fill(0);
        self.zeros += n;
        Ok(n)
    }
}

/// A writer that accepts `room` bytes, then fails.
struct FullDisk {
    room: usize,
    got: Vec<u8>,
}

impl Write for FullDisk {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if self.got.len() + b.len() > self.room {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
        }
        self.got.extend_from_slice(b);
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

    #[allow(clippy::too_many_arguments)]
    fn seal3(
        &mut self,
        n: &VerifiedNotice,
        policy: &str,
        id: &[u8],
        meta: &[u8],
        chunk: u32,
        data: &[u8],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let sealed = seal_stream_with_notice(
            self.authority.public_key(),
            n,
            &Policy::parse(policy).unwrap(),
            id,
            meta,
            chunk,
            data,
            &mut out,
            &mut self.rng,
        )
        .unwrap();
        assert_eq!(sealed, data.len() as u64);
        out
    }

    fn seal2(&mut self, policy: &str, id: &[u8], meta: &[u8], chunk: u32, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        seal_stream_with_chunk_size(
            self.authority.public_key(),
            &Policy::parse(policy).unwrap(),
            id,
            meta,
            chunk,
            data,
            &mut out,
            &mut self.rng,
        )
        .unwrap();
        out
    }
}

// ----------------------------------------------------------------------------------------
// R1: keys from before a bump.

/// Attack: open a stream sealed after a bump of only **one** of its policy's names
/// (`dept:mri`, not the role) with a key from before the bump, or with a key holding none
/// of the names. Defence: `policy_not_satisfied`, and **no call at all** reaches the writer
/// (no write, no flush, not even an empty one). A bump of a name outside the policy leaves
/// old keys working on new streams (R3).
#[test]
fn a_key_from_before_a_bump_of_any_policy_name_opens_nothing_and_writes_nothing() {
    let mut w = World::new(700);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:radiologist", "dept:mri"]);
    let stranger = w.key(&n0, &["role:clerk"]);
    let n1 = w.service.bump(&["dept:mri"]);
    let data = payload(5_000);
    let s = w.seal3(
        &n1,
        "role:radiologist and dept:mri",
        b"mri-1",
        b"s",
        512,
        &data,
    );
    for k in [&old, &stranger] {
        assert_eq!(refused_silently(k, w.pk(), &s), Error::PolicyNotSatisfied);
    }
    let new = w.key(&n1, &["role:radiologist", "dept:mri"]);
    assert_eq!(open(&new, w.pk(), &s).unwrap(), data);
    // An unrelated bump: the old key keeps opening new streams of this policy.
    let n2 = w.service.bump(&["ward:3"]);
    let s = w.seal3(&n2, "role:radiologist", b"mri-2", b"s", 512, &data);
    let old2 = w.key(&n0, &["role:radiologist"]);
    assert_eq!(open(&old2, w.pk(), &s).unwrap(), data);
}

/// Attack: relabel the stream header's version vector (down to the revoked key's
/// versions, up, mixed) so that a revoked or a newer key matches its rows. Defence: the
/// vector is in the FO coins, the wrap key and the digest: nothing opens; the revoked key,
/// now matching every row, gets `decryption_failed` from the header, before writing.
#[test]
fn relabelling_the_stream_version_vector_opens_for_nobody() {
    let mut w = World::new(701);
    let n0 = w.service.current();
    let alice = w.key(&n0, &["role:nurse", "dept:icu"]);
    let n1 = w.service.bump(&["role:nurse"]);
    let bob = w.key(&n1, &["role:nurse", "dept:icu"]);
    let n2 = w.service.bump(&["role:nurse", "dept:icu"]);
    let carol = w.key(&n2, &["role:nurse", "dept:icu"]);
    let data = payload(100);
    let s = w.seal3(&n1, "role:nurse and dept:icu", b"s", b"m", 32, &data);
    let l = layout(&s);
    let g = guard_row(&s);
    let rows: Vec<usize> = (0..l.rows).filter(|&i| i != g).collect();
    assert_eq!(rows.len(), 2);
    let info = read_stream_info(&s[..]).unwrap();
    let vs: Vec<u32> = info.attribute_versions.iter().map(|(_, v)| *v).collect();
    assert_eq!(vs, [1, 0]);
    for (a, b) in [(0u32, 0u32), (0, 1), (1, 1), (2, 1), (2, 0), (1, 2)] {
        let mut m = s.clone();
        put32(&mut m, l.versions + 4 * rows[0], a);
        put32(&mut m, l.versions + 4 * rows[1], b);
        // The public header reports what it carries; only opening authenticates it.
        let info = read_stream_info(&m[..]).unwrap();
        let vs: Vec<u32> = info.attribute_versions.iter().map(|(_, v)| *v).collect();
        assert_eq!(vs, [a, b]);
        for (k, matches) in [
            (&alice, (a, b) == (0, 0)),
            (&bob, (a, b) == (1, 0)),
            (&carol, (a, b) == (2, 1)),
        ] {
            let want = if matches {
                Error::DecryptionFailed
            } else {
                Error::PolicyNotSatisfied
            };
            assert_eq!(refused_silently(k, w.pk(), &m), want, "({a},{b})");
        }
    }
    assert_eq!(open(&bob, w.pk(), &s).unwrap(), data);
}

/// Attack: a threshold stream `2 of (x:a, x:b, x:c)` sealed after `x:a` and `x:b` were
/// bumped, opened by a key from before the bump holding all three names (only `x:c` is
/// current); then the bumped rows relabelled to version 0 so that the old key holds three
/// matching rows. Defence: `policy_not_satisfied`, then `decryption_failed` (the vector is
/// FO-bound); nothing written. A key current on two names opens.
#[test]
fn a_revoked_key_against_a_threshold_stream_even_relabelled() {
    let mut w = World::new(702);
    let n0 = w.service.current();
    let old = w.key(&n0, &["x:a", "x:b", "x:c"]);
    let n1 = w.service.bump(&["x:a", "x:b"]);
    let data = payload(300);
    let s = w.seal3(&n1, "2 of (x:a, x:b, x:c)", b"t", b"", 64, &data);
    assert_eq!(
        refused_silently(&old, w.pk(), &s),
        Error::PolicyNotSatisfied
    );
    let l = layout(&s);
    let info = read_stream_info(&s[..]).unwrap();
    let mut m = s.clone();
    let mut row = 0;
    for i in 0..l.rows {
        if i == guard_row(&s) {
            continue;
        }
        let (name, v) = &info.attribute_versions[row];
        row += 1;
        if *v == 1 {
            assert!(name.as_str() == "x:a" || name.as_str() == "x:b");
            put32(&mut m, l.versions + 4 * i, 0);
        }
    }
    let relabelled = read_stream_info(&m[..]).unwrap();
    assert!(relabelled.attribute_versions.iter().all(|(_, v)| *v == 0));
    assert_eq!(refused_silently(&old, w.pk(), &m), Error::DecryptionFailed);
    // Two current names suffice; the old key plus nothing does not.
    let partial = w.key(&n1, &["x:a", "x:c"]);
    assert_eq!(open(&partial, w.pk(), &s).unwrap(), data);
}

/// Attack: relabel the KEM header's notice serial (fresher, older, 1, u64::MAX) or its
/// `degraded` flag; set undefined flag bits or serial 0. Defence: serial and flags are in
/// the coins and the wrap key: `decryption_failed`, nothing written; serial 0 and other flag
/// bits are `NonCanonical` at decoding.
#[test]
fn relabelling_the_stream_notice_serial_or_flags_breaks_the_header() {
    let mut w = World::new(703);
    let n0 = w.service.current();
    let n1 = w.service.current();
    let k = w.key(&n1, &["role:nurse"]);
    let data = payload(50);
    let s = w.seal3(&n1, "role:nurse", b"s", b"m", 16, &data);
    let l = layout(&s);
    for serial in [n1.serial() + 1000, n0.serial(), 1, u64::MAX] {
        let mut m = s.clone();
        put64(&mut m, l.notice_serial, serial);
        assert_eq!(
            read_stream_info(&m[..]).unwrap().notice_serial,
            Some(serial)
        );
        assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
    }
    let mut degraded = s.clone();
    degraded[l.flags] = 1;
    assert_eq!(
        refused_silently(&k, w.pk(), &degraded),
        Error::DecryptionFailed
    );
    let mut zero = s.clone();
    put64(&mut zero, l.notice_serial, 0);
    assert_eq!(
        err(read_stream_info(&zero[..])),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(
        refused_silently(&k, w.pk(), &zero),
        enc(EncodingError::NonCanonical)
    );
    for bit in 1..8 {
        let mut m = s.clone();
        m[l.flags] = 1 << bit;
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            enc(EncodingError::NonCanonical),
            "flag bit {bit}"
        );
    }
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
}

/// Attack: relabel the stream's policy text inside the KEM header (the header's body
/// length fixed): weaker with the same rows (`and` → `or`), a name swapped for one the
/// attacker holds, the guard replaced, moved under an `or`, named twice, or dropped with
/// its row.
/// Defence: guard-free or guard-weakened shapes are `NonCanonical`; a weakened guarded
/// policy, or a swapped name, decodes but opens for nobody (`decryption_failed`).
#[test]
fn relabelling_the_stream_policy_never_weakens_it_nor_drops_the_guard() {
    let mut w = World::new(704);
    let n0 = w.service.current();
    let nurse = w.key(&n0, &["role:nurse"]);
    let mallory = w.key(&n0, &["role:nursf"]);
    let data = payload(40);
    let s = w.seal3(&n0, "role:nurse and dept:icu", b"s", b"m", 16, &data);
    let text = policy_text(&s);
    assert!(text.contains(GUARD), "{text}");
    assert!(text.contains("role:nurse and dept:icu"), "{text}");
    assert_eq!(text, format!("role:nurse and dept:icu and {GUARD}"));
    let weaker = format!("(role:nurse or dept:icu) and {GUARD}");
    let m = with_policy_text(&s, &weaker);
    assert_eq!(
        read_stream_info(&m[..]).unwrap().policy,
        Policy::parse("role:nurse or dept:icu").unwrap()
    );
    assert_eq!(
        refused_silently(&nurse, w.pk(), &m),
        Error::DecryptionFailed
    );
    for bad in [
        text.replace(GUARD, "role:clerk"),
        text.replace(&format!("and {GUARD}"), &format!("or {GUARD}")),
        format!("{GUARD} and (role:nurse or dept:icu)"),
    ] {
        let m = with_policy_text(&s, &bad);
        assert_eq!(
            err(read_stream_info(&m[..])),
            enc(EncodingError::NonCanonical),
            "{bad}"
        );
        assert_eq!(
            refused_silently(&nurse, w.pk(), &m),
            enc(EncodingError::NonCanonical),
            "{bad}"
        );
    }
    // The guard inside P as well (the guard twice, three rows).
    let twice = text.replace("dept:icu", GUARD);
    let m = with_policy_text(&s, &twice);
    assert_eq!(
        err(read_stream_info(&m[..])),
        enc(EncodingError::NonCanonical)
    );
    assert_eq!(
        refused_silently(&nurse, w.pk(), &m),
        enc(EncodingError::NonCanonical)
    );
    // The guard dropped with its row (two rows left).
    let l = layout(&s);
    let g = guard_row(&s);
    let p = "role:nurse and dept:icu";
    let mut kem = s[l.kem..l.policy_len].to_vec();
    kem.extend_from_slice(&(p.len() as u32).to_be_bytes());
    kem.extend_from_slice(p.as_bytes());
    kem.extend_from_slice(&2u32.to_be_bytes());
    for i in (0..l.rows).filter(|&i| i != g) {
        kem.extend_from_slice(&s[l.versions + 4 * i..l.versions + 4 * i + 4]);
    }
    kem.extend_from_slice(&s[l.c0..l.c_rows]);
    for i in (0..l.rows).filter(|&i| i != g) {
        kem.extend_from_slice(&s[l.c_rows + 144 * i..l.c_rows + 144 * (i + 1)]);
    }
    kem.extend_from_slice(&s[l.c_prime..l.end]);
    let m = with_kem(&s, &kem);
    assert_eq!(
        refused_silently(&nurse, w.pk(), &m),
        enc(EncodingError::NonCanonical)
    );
    // A name swapped for one Mallory holds.
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let swapped = policy_text(&s).replace("role:nurse", "role:nursf");
    let m = with_policy_text(&s, &swapped);
    assert_eq!(
        refused_silently(&mallory, w.pk(), &m),
        Error::DecryptionFailed
    );
    assert_eq!(open(&nurse, w.pk(), &s).unwrap(), data);
}

/// Attack: the holder guard's row at a nonzero version (1, 2, u32::MAX), and version counts
/// that differ from the rows, exceed 64, or are 2³² − 1 (allocation bomb). Defence:
/// `NonCanonical` for the guard, `BadLength` for the counts, through `open_stream` too.
#[test]
fn the_guard_row_at_a_nonzero_version_and_bad_vector_counts_are_refused() {
    let mut w = World::new(705);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse", "dept:icu"]);
    let s = w.seal3(&n0, "role:nurse and dept:icu", b"s", b"m", 16, b"x");
    let l = layout(&s);
    let g = guard_row(&s);
    for v in [1u32, 2, u32::MAX] {
        let mut m = s.clone();
        put32(&mut m, l.versions + 4 * g, v);
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            enc(EncodingError::NonCanonical),
            "guard at version {v}"
        );
    }
    for n in [l.rows as u32 - 1, l.rows as u32 + 1, 65, u32::MAX] {
        let mut m = s.clone();
        put32(&mut m, l.versions_count, n);
        let (r, largest) = alloc_probe::largest(|| read_stream_info(&m[..]));
        assert_eq!(err(r), enc(EncodingError::BadLength), "count {n}");
        assert!(largest < MIB, "count {n}: allocated {largest} bytes");
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            enc(EncodingError::BadLength)
        );
    }
}

/// Attack: a header with a trailer flag out of range: every flag value 2 … 255 (body
/// length unchanged), flag 1 with no trailer after it, and flag 1 followed by a 32-byte
/// "trailer digest" (body length fixed), read and opened. Defence: `NonCanonical` for the
/// flags; flag 1 must be followed by a whole stream trailer (`docs/formats.md`, updated
/// with the catch-up of streams), so the others are refused as malformed trailers.
#[test]
fn the_stream_trailer_flag_is_refused_in_every_form() {
    let mut w = World::new(706);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"data");
    let l = layout(&s);
    for v in 2..=255u8 {
        let mut m = s.clone();
        m[l.trailer] = v;
        assert_eq!(
            err(read_stream_info(&m[..])),
            enc(EncodingError::NonCanonical),
            "trailer {v}"
        );
    }
    let mut m = s.clone();
    m[l.trailer] = 1;
    assert!(matches!(
        refused_silently(&k, w.pk(), &m),
        Error::InvalidEncoding(_)
    ));
    for digest in [[0u8; 32], [0xab; 32]] {
        let mut trailer = vec![1u8];
        trailer.extend_from_slice(&digest);
        let mut m = build_header(
            16,
            b"s",
            b"m",
            &s[l.metadata_hash..l.trailer],
            &trailer,
            &s[l.kem..l.end],
        );
        m.extend_from_slice(&s[l.end..]);
        assert!(matches!(
            refused_silently(&k, w.pk(), &m),
            Error::InvalidEncoding(_)
        ));
    }
}

/// Attack: relabel the stream id or metadata to other values **and other lengths** (the
/// metadata hash recomputed by the attacker, the body length fixed), or leave the hash of
/// the old metadata. Defence: id and metadata hash are in the KEM context (FO check) and in
/// every chunk's AD: `decryption_failed` before any byte is written; a stale hash is
/// `NonCanonical`.
#[test]
fn relabelling_stream_id_or_metadata_with_a_recomputed_hash_opens_nothing() {
    let mut w = World::new(707);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(70);
    let s = w.seal3(&n0, "role:nurse", b"bed-7", b"vitals", 16, &data);
    let l = layout(&s);
    let kem = &s[l.kem..l.end];
    for (id, meta) in [
        (&b"bed-7"[..], &b"vitals-ext"[..]),
        (b"bed-7", b""),
        (b"bed-77", b"vitals"),
        (b"", b"vitals"),
        (b"bed-8", b"vitalz"),
    ] {
        let mut m = build_header(16, id, meta, &metadata_hash(meta), &[0], kem);
        m.extend_from_slice(&s[l.end..]);
        let info = read_stream_info(&m[..]).unwrap();
        assert_eq!((&info.stream_id[..], &info.metadata[..]), (id, meta));
        assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
    }
    let mut stale = build_header(
        16,
        b"bed-7",
        b"vitals-ext",
        &s[l.metadata_hash..l.trailer],
        &[0],
        kem,
    );
    stale.extend_from_slice(&s[l.end..]);
    assert_eq!(
        refused_silently(&k, w.pk(), &stale),
        enc(EncodingError::NonCanonical)
    );
    // The rebuild is faithful: the same parts give the sealed stream back.
    let mut same = build_header(
        16,
        b"bed-7",
        b"vitals",
        &metadata_hash(b"vitals"),
        &[0],
        kem,
    );
    same.extend_from_slice(&s[l.end..]);
    assert_eq!(same, s);
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
}

/// Attack: relabel the chunk size while the frames stay **consistent** with the new size: a
/// 20-byte stream sealed with chunk size 32 is one last frame of 36 bytes, which is a valid
/// last frame for any chunk size from 20 to 32. Defence: the chunk size is in the KEM
/// context and every chunk's AD: `decryption_failed`, nothing written.
#[test]
fn a_consistently_reframed_chunk_size_is_refused() {
    let mut w = World::new(708);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(20);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 32, &data);
    assert_eq!(frames(&s).len(), 1);
    for size in [20u32, 21, 31, 33, 1 << 20] {
        let mut m = s.clone();
        put32(&mut m, 8, size);
        assert_eq!(read_stream_info(&m[..]).unwrap().chunk_size, size);
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            Error::DecryptionFailed,
            "{size}"
        );
    }
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
    // The chunk buffer follows the FO check: a chunk size relabelled to the maximum costs
    // no 16 MiB allocation.
    let mut m = s.clone();
    put32(&mut m, 8, 16 * MIB as u32);
    let (r, largest) = alloc_probe::largest(|| open(&k, w.pk(), &m));
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(largest < 64 * 1024, "allocated {largest}");
}

// ----------------------------------------------------------------------------------------
// Moving headers and frames between objects.

/// Attack: move a v3 **session** header's KEM header (with its envelope) into a stream
/// header with the same id and metadata, and a stream's KEM header into a session header
/// v3. Both carry the guard, so both decode. Defence: the contexts differ (`stream` with
/// the chunk size vs `session`): `decryption_failed` both ways, nothing written.
#[test]
fn session_and_stream_kem_headers_do_not_swap() {
    let mut w = World::new(709);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let (h, mut sealer) = start_session_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse("role:nurse").unwrap(),
        b"s",
        b"m",
        &mut w.rng,
    )
    .unwrap();
    let r = sealer.seal(b"", b"rec").unwrap();
    let hb = h.to_bytes();
    // Session header v3: 4, id, metadata, hash 32, trailer 1, KEM.
    let session_kem_at = 8 + 1 + 4 + 1 + 32 + 1;
    assert_eq!(kem_len(&hb, session_kem_at), hb.len() - session_kem_at);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"stream");
    let l = layout(&s);
    let m = with_kem(&s, &hb[session_kem_at..]);
    assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
    let mut sh = hb[..session_kem_at].to_vec();
    sh.extend_from_slice(&s[l.kem..l.end]);
    let moved = SessionHeader::from_bytes(&sh).unwrap();
    assert_eq!(err(k.open_session(w.pk(), &moved)), Error::DecryptionFailed);
    assert_eq!(
        k.open_session(w.pk(), &h).unwrap().open(&r).unwrap(),
        b"rec"
    );
}

/// Attack: move a v3 **record**'s KEM header into a stream header (same id and metadata),
/// and a stream's KEM header into a sealed record v3; then hand that record to the
/// re-encryption proxy (`ReKey::reencrypt`) and to the authority's catch-up
/// (`Authority::rewrap`) to have a stream key re-wrapped for another audience or newer
/// versions. Defence: the record's header has no guard (`NonCanonical` as a stream); a
/// guarded header is `NonCanonical` in a record, so no `SealedRecord` (the only input of
/// the proxy and the catch-up) can carry a stream's header.
#[test]
fn record_and_stream_kem_headers_do_not_swap_nor_reach_the_proxy_or_the_rewrap() {
    let mut w = World::new(710);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let p = Policy::parse("role:nurse").unwrap();
    let rec = seal_with_notice(
        w.authority.public_key(),
        &n0,
        &p,
        b"s",
        b"m",
        b"body",
        &mut w.rng,
    )
    .unwrap();
    let rb = rec.to_bytes();
    // Record v3: 4, id, metadata, hash 32, body commitment 32, body_len u64, KEM, body, hops.
    let kem_at = 8 + 1 + 4 + 1 + 32 + 32 + 8;
    let kem_end = kem_at + kem_len(&rb, kem_at);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"stream");
    let l = layout(&s);
    let m = with_kem(&s, &rb[kem_at..kem_end]);
    assert_eq!(
        refused_silently(&k, w.pk(), &m),
        enc(EncodingError::NonCanonical)
    );
    // The stream's KEM in the record.
    let mut forged = rb[..kem_at].to_vec();
    forged.extend_from_slice(&s[l.kem..l.end]);
    forged.extend_from_slice(&rb[kem_end..]);
    assert_eq!(
        err(SealedRecord::from_bytes(&forged)),
        enc(EncodingError::NonCanonical)
    );
    // So neither the proxy (`ReKey::reencrypt`) nor the catch-up (`Authority::rewrap`),
    // which take a `SealedRecord`, can be handed a stream's header: no route re-wraps a
    // stream key. A genuine record still goes through both.
    let consent = BlsSigningKey::generate(&mut w.rng);
    let d = w
        .authority
        .issue_delegation_key_under(&n0, &["role:nurse"], &consent.public_key(), &mut w.rng)
        .unwrap();
    let rekey = d
        .rekey_under(
            w.authority.public_key(),
            &n0,
            &Policy::parse("role:gp").unwrap(),
            None,
            &mut w.rng,
        )
        .unwrap();
    assert!(rekey.can_reencrypt(&rec));
    assert_eq!(k.open(w.pk(), &rec).unwrap(), b"body");
}

/// Attack: two v3 streams with the same id, metadata and chunk size (different `K_b`):
/// A's header with B's envelope (key commitment and wrap), with only B's commitment, or with
/// B's whole KEM header over A's frames. Defence: the FO check, the unwrap and the key
/// commitment: `decryption_failed` from the header, nothing written (B's KEM over A's
/// frames decodes the header but every chunk fails).
#[test]
fn envelopes_and_kem_headers_of_a_twin_stream_are_refused() {
    let mut w = World::new(711);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(64);
    let a = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let b = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let l = layout(&a);
    assert_eq!(header_len(&a), header_len(&b));
    for (from, to) in [
        (l.key_commitment, l.end),
        (l.key_commitment, l.wrap),
        (l.wrap, l.end),
    ] {
        let mut m = a.clone();
        m[from..to].copy_from_slice(&b[from..to]);
        assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
    }
    // B's whole KEM over A's frames: the header is B's (valid), the chunks are A's.
    let m = with_kem(&a, &b[l.kem..l.end]);
    let (r, tape) = open_tape(&k, w.pk(), &m);
    assert_eq!(err(r), Error::DecryptionFailed);
    assert!(tape.bytes.is_empty());
    for at in [l.c_prime, l.key_commitment + 7, l.wrap + 47] {
        let mut m = a.clone();
        m[at] ^= 1;
        assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
    }
}

/// Attack: splice frames mid-stream: the first k frames of v3 stream A followed by the rest
/// of twin stream B (same id, metadata, chunk size, notice), or of a v2 stream with the same
/// id; and a frame of B inserted at its own index in A. Defence: each stream has its own
/// `K_b`: the first foreign frame fails (`decryption_failed`); exactly the k authentic
/// chunks were written before (documented: discard output on error).
#[test]
fn frames_spliced_mid_stream_from_a_twin_or_a_v2_stream_fail_at_the_splice() {
    let mut w = World::new(712);
    let n0 = w.service.current();
    let key_ = w.key(&n0, &["role:nurse"]);
    let data = payload(16 * 5 + 3);
    let a = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let b = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let v2 = w.seal2("role:nurse", b"s", b"m", 16, &data);
    let fa = frames(&a);
    for other in [&b, &v2] {
        let fo = frames(other);
        assert_eq!(fa.len(), fo.len());
        for k in 0..fa.len() {
            let mut m = a[..fa[k].0].to_vec();
            m.extend_from_slice(&other[fo[k].0..]);
            let (r, tape) = open_tape(&key_, w.pk(), &m);
            assert_eq!(err(r), Error::DecryptionFailed, "splice at {k}");
            assert_eq!(tape.bytes, data[..16 * k], "splice at {k}");
            // One foreign frame inserted in place, the rest A's.
            let mut m = a[..fa[k].0].to_vec();
            m.extend_from_slice(&other[fo[k].0..fo[k].0 + fo[k].2]);
            m.extend_from_slice(&a[fa[k].0 + fa[k].2..]);
            assert_eq!(err(open(&key_, w.pk(), &m)), Error::DecryptionFailed);
        }
    }
}

/// Attack: open a stream with a key of another authority (same names, its own notice) under
/// either public key, with the right key under the wrong public key, and with the header's
/// `authority` field relabelled to the other authority (so that its key passes the
/// authority check). Defence: `wrong_authority` before any pairing; the relabelled header
/// fails the FO check (`decryption_failed`); nothing written.
#[test]
fn a_key_of_another_authority_opens_no_stream_even_with_the_authority_relabelled() {
    let mut a = World::new(713);
    let mut b = World::new(714);
    let na = a.service.current();
    let nb = b.service.current();
    let ka = a.key(&na, &["role:nurse"]);
    let kb = b.key(&nb, &["role:nurse"]);
    let s = a.seal3(&na, "role:nurse", b"s", b"m", 16, b"secret");
    for (k, pk) in [(&kb, a.pk()), (&kb, b.pk()), (&ka, b.pk())] {
        assert_eq!(refused_silently(k, pk, &s), Error::WrongAuthority);
    }
    let l = layout(&s);
    let mut m = s.clone();
    m[l.kem..l.kem + 32].copy_from_slice(&b.pk().id());
    assert_eq!(refused_silently(&kb, b.pk(), &m), Error::DecryptionFailed);
    assert_eq!(refused_silently(&ka, a.pk(), &m), Error::WrongAuthority);
    assert_eq!(open(&ka, a.pk(), &s).unwrap(), b"secret");
}

/// Attack: a key that lacks the holder guard: a delegation key (which carries no guard,
/// formats.md "User key") re-encoded as a user key, its missing `K_guard` forged from one of
/// its own attribute components, opening a stream of its attribute. Defence: the key decodes
/// and satisfies `P and cipherchart:key-holder` on paper, but the guard row's component is
/// wrong: `decryption_failed` from the header, nothing written.
#[test]
fn a_delegation_key_dressed_as_a_user_key_opens_no_stream() {
    let mut w = World::new(715);
    let n0 = w.service.current();
    let consent = BlsSigningKey::generate(&mut w.rng);
    let d = w
        .authority
        .issue_delegation_key(&["role:nurse"], &consent.public_key(), &mut w.rng)
        .unwrap();
    let db = d.to_bytes();
    assert_eq!(&db[..4], &[0x43, 0x43, 0x09, 0x02]);
    // Key body: authority 32, list<text> (1 name), guard 0, K0 288, K' 144, K_y 144, then
    // the delegator 48.
    let guard_at = 4 + 32 + 4 + 4 + "role:nurse".len();
    assert_eq!(db[guard_at], 0);
    let ky = guard_at + 1 + 288 + 144;
    assert_eq!(ky + 144 + 48, db.len());
    let mut kb = vec![0x43, 0x43, 0x03, 0x02];
    kb.extend_from_slice(&db[4..guard_at]);
    kb.push(1);
    kb.extend_from_slice(&db[guard_at + 1..ky + 144]);
    kb.extend_from_slice(&db[ky..ky + 144]);
    let forged = UserKey::from_bytes(&kb).unwrap();
    assert!(forged.has_attribute("role:nurse"));
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"secret");
    assert_eq!(
        refused_silently(&forged, w.pk(), &s),
        Error::DecryptionFailed
    );
    // And the delegation key's bytes are no user key as they are.
    assert_eq!(err(UserKey::from_bytes(&db)), enc(EncodingError::WrongType));
    let _ = DelegationKey::from_bytes(&db).unwrap();
}

// ----------------------------------------------------------------------------------------
// Lengths, frames and memory.

/// Attack: a header whose `body_len` lies: one byte longer than the header (the first frame
/// byte read as header), 100 longer, one shorter, 0, 4 MiB + 1, 2³² − 1. Defence: the
/// header must end exactly at `body_len`: `TrailingBytes` when longer, `Truncated` when
/// shorter; above 4 MiB `BadLength` before reading or allocating the body; nothing written.
#[test]
fn a_lying_header_body_length_is_refused_before_anything_is_written() {
    let mut w = World::new(716);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &payload(100));
    let body = be32(&s, 4);
    for (len, want) in [
        (body + 1, EncodingError::TrailingBytes),
        (body + 100, EncodingError::TrailingBytes),
        (body - 1, EncodingError::Truncated),
        (0, EncodingError::Truncated),
        (4 * MIB + 1, EncodingError::BadLength),
        (u32::MAX as usize, EncodingError::BadLength),
    ] {
        let mut m = s.clone();
        put32(&mut m, 4, len as u32);
        let mut counted = FailAt {
            data: &m,
            at: usize::MAX,
            given: 0,
            kind: io::ErrorKind::Other,
        };
        let (r, largest) = alloc_probe::largest(|| read_stream_info(&mut counted));
        assert_eq!(err(r), enc(want), "body_len {len}");
        if want == EncodingError::BadLength {
            assert!(counted.given <= 12, "read {} bytes", counted.given);
            assert!(largest < 64 * 1024, "allocated {largest}");
        }
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            enc(want),
            "body_len {len}"
        );
    }
}

/// Attack: a header that declares the largest body (4 MiB) but whose input ends after a few
/// hundred bytes: does a tiny input buy a 4 MiB allocation? Defence (formats.md: limits
/// are checked before allocating): `Truncated`, and the header buffer grows with what
/// arrives (note 1 of this review, fixed): a few hundred bytes of input allocate kilobytes.
#[test]
fn a_header_declaring_four_mib_over_a_short_input() {
    let mut w = World::new(717);
    let n0 = w.service.current();
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"x");
    let mut m = s[..header_len(&s)].to_vec();
    put32(&mut m, 4, (4 * MIB) as u32);
    let (r, largest) = alloc_probe::largest(|| read_stream_info(&m[..]));
    assert_eq!(err(r), enc(EncodingError::Truncated));
    assert!(largest <= 64 * 1024, "allocated {largest}");
}

/// Attack: frames whose declared length is beyond `chunk_size + 16` (by one, 16 MiB + 16,
/// 2³² − 1), as a non-last and as the last frame, over a stream of chunk size 16.
/// Defence: refused from the length alone (`decryption_failed`: formats.md names no code
/// for frames; the opener's docs file frame damage under it), the opener never allocating
/// anything near the declared size (bound: chunk size + 16; we allow 64 KiB for the rest of
/// the open) and never writing a byte of that frame.
#[test]
fn huge_declared_frame_lengths_are_refused_without_allocating_them() {
    let mut w = World::new(718);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(40);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let f = frames(&s);
    assert_eq!(f.len(), 3);
    let pk = w.pk();
    let (_, baseline) = alloc_probe::largest(|| open(&k, pk, &s).unwrap());
    for which in [0usize, 2] {
        for len in [33u32, 16 * MIB as u32 + 16, u32::MAX] {
            let mut m = s.clone();
            put32(&mut m, f[which].0 + 1, len);
            let ((r, tape), largest) = alloc_probe::largest(|| open_tape(&k, pk, &m));
            assert_eq!(err(r), Error::DecryptionFailed, "frame {which} len {len}");
            assert_eq!(tape.bytes, data[..16 * which]);
            assert!(
                largest <= baseline.max(64 * 1024),
                "frame {which} len {len}: allocated {largest} (baseline {baseline})"
            );
        }
    }
}

/// Attack: frames that are too short: a last frame of 0 … 15 bytes (no room for a tag), a
/// non-last frame shorter or longer than exactly `chunk_size + 16` (a short chunk in the
/// middle, which would let a reader see a prefix of a chunk as complete). Defence: refused
/// (`decryption_failed`); the chunks before it written, nothing of it.
#[test]
fn frames_of_the_wrong_size_are_refused() {
    let mut w = World::new(719);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(40);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let f = frames(&s);
    // The last frame cut to 0 … 15 bytes of ciphertext (length fixed to match).
    for n in 0..16usize {
        let mut m = s[..f[2].0 + 5 + n].to_vec();
        put32(&mut m, f[2].0 + 1, n as u32);
        let (r, tape) = open_tape(&k, w.pk(), &m);
        assert_eq!(err(r), Error::DecryptionFailed, "last frame of {n}");
        assert_eq!(tape.bytes, data[..32]);
    }
    // The first (non-last) frame cut by one byte, or with one byte more.
    let mut m = s[..f[0].0 + f[0].2 - 1].to_vec();
    put32(&mut m, f[0].0 + 1, 31);
    m.extend_from_slice(&s[f[1].0..]);
    assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
    let mut m = s[..f[0].0 + f[0].2].to_vec();
    put32(&mut m, f[0].0 + 1, 33);
    m.push(0);
    m.extend_from_slice(&s[f[1].0..]);
    assert_eq!(refused_silently(&k, w.pk(), &m), Error::DecryptionFailed);
}

/// Attack: frame flags other than 0 and 1 (2, 0x80, 0xff) on a middle and on the last
/// frame; and a middle frame relabelled as last (flag 1) with the rest dropped (a
/// truncation made to look complete). Defence: a flag other than 0 or 1 is refused from the
/// prefix (`decryption_failed`; formats.md types it `u8`, not `bool`); the flag is in the
/// nonce, so the relabelled frame fails (`decryption_failed`); only the chunks before it
/// are written.
#[test]
fn frame_flags_other_than_zero_and_one_and_a_forged_last_flag() {
    let mut w = World::new(720);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(40);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let f = frames(&s);
    assert_eq!(
        f.iter().map(|x| x.1).collect::<Vec<_>>(),
        [0, 0, 1],
        "flags as documented"
    );
    for which in [1usize, 2] {
        for flag in [2u8, 0x80, 0xff] {
            let mut m = s.clone();
            m[f[which].0] = flag;
            let (r, tape) = open_tape(&k, w.pk(), &m);
            assert_eq!(err(r), Error::DecryptionFailed, "frame {which} flag {flag}");
            assert_eq!(tape.bytes, data[..16 * which]);
        }
    }
    for which in [0usize, 1] {
        let mut m = s[..f[which].0 + f[which].2].to_vec();
        m[f[which].0] = 1;
        let (r, tape) = open_tape(&k, w.pk(), &m);
        assert_eq!(err(r), Error::DecryptionFailed);
        assert_eq!(tape.bytes, data[..16 * which]);
    }
    // The last frame relabelled as "more follow", with nothing after it.
    let mut m = s.clone();
    m[f[2].0] = 0;
    assert_eq!(err(open(&k, w.pk(), &m)), Error::DecryptionFailed);
}

/// Attack: empty streams: the header alone (its one, empty, last frame dropped), the empty
/// last frame of a twin empty stream, the last frame flagged "more", and an empty
/// stream's header over a non-empty twin's frames. Defence: `decryption_failed` (no last
/// frame, or another `K_b`), nothing written; a genuine empty stream opens to nothing.
#[test]
fn empty_streams_cannot_be_forged_or_extended() {
    let mut w = World::new(721);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let a = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"");
    let b = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"");
    let full = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &payload(16));
    let h = header_len(&a);
    assert_eq!(frames(&a), [(h, 1, 5 + 16)]);
    assert_eq!(open(&k, w.pk(), &a).unwrap(), b"");
    let mut cases = vec![a[..h].to_vec()];
    let mut m = a[..h].to_vec();
    m.extend_from_slice(&b[h..]);
    cases.push(m);
    let mut m = a.clone();
    m[h] = 0;
    cases.push(m);
    let mut m = a[..h].to_vec();
    m.extend_from_slice(&full[header_len(&full)..]);
    cases.push(m);
    for (i, m) in cases.iter().enumerate() {
        assert_eq!(
            refused_silently(&k, w.pk(), m),
            Error::DecryptionFailed,
            "case {i}"
        );
    }
}

/// Attack: bytes after the last frame: one zero byte, a copy of the last frame, a whole
/// second stream. Defence: `TrailingBytes`. Documented (module docs: chunks are written as
/// they authenticate; discard output on error): the whole payload was written first. We
/// check that it is exactly the payload, nothing of the appended bytes.
#[test]
fn bytes_after_the_last_frame_are_trailing_bytes() {
    let mut w = World::new(722);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(40);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let f = frames(&s);
    let last = &s[f[2].0..];
    for extra in [vec![0u8], last.to_vec(), s.clone()] {
        let mut m = s.clone();
        m.extend_from_slice(&extra);
        let (r, tape) = open_tape(&k, w.pk(), &m);
        assert_eq!(err(r), enc(EncodingError::TrailingBytes));
        assert_eq!(tape.bytes, data);
    }
}

/// Attack: truncate a stream at every byte after its header. Defence: a stream without its
/// last frame is `decryption_failed`, at a frame boundary or inside a frame (its length
/// field or its ciphertext); what was written is always a prefix of the payload made of whole authentic
/// chunks (never a partial chunk, never a byte of the cut frame).
#[test]
fn truncation_at_every_byte_writes_only_whole_authentic_chunks() {
    let mut w = World::new(723);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    for len in [16 * 4 + 5, 16 * 4, 16, 0] {
        let data = payload(len);
        let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
        let f = frames(&s);
        assert_eq!(f.last().unwrap().1, 1, "the last frame says so");
        for cut in header_len(&s)..s.len() {
            let (r, tape) = open_tape(&k, w.pk(), &s[..cut]);
            let e = err(r);
            let whole = f.iter().filter(|x| x.0 + x.2 <= cut).count();
            assert_eq!(e, Error::DecryptionFailed, "cut at {cut}");
            assert_eq!(tape.bytes, data[..16 * whole], "cut {cut}");
        }
    }
}

/// Attack: flip one bit (0x80 and 0x01) of every header byte and open with the rightful
/// key. Defence: every change is refused, and **no** call reaches the writer (the header is
/// checked whole, FO check included, before the first chunk).
#[test]
fn no_header_tampering_ever_writes_a_byte() {
    let mut w = World::new(724);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse", "dept:icu"]);
    let data = payload(33);
    let s = w.seal3(&n0, "role:nurse or dept:icu", b"id", b"meta", 16, &data);
    for i in 0..header_len(&s) {
        for mask in [0x01u8, 0x80] {
            let mut m = s.clone();
            m[i] ^= mask;
            let (r, tape) = open_tape(&k, w.pk(), &m);
            assert!(r.is_err(), "byte {i} ^ {mask:#x} opened");
            assert_eq!(tape.calls, 0, "byte {i} ^ {mask:#x} wrote");
        }
    }
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
}

/// Attack: move a header between formats by its version byte (v3 → 2, v2 → 3), or give it
/// an unknown version or another tag. Defence: a v3 header read as v2 (or the reverse)
/// fails to decode or to open; versions other than 2 and 3 are `UnsupportedVersion`, other
/// tags `WrongType`; nothing written.
#[test]
fn a_stream_header_cannot_change_format_by_its_version_byte() {
    let mut w = World::new(725);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let v3 = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"data");
    let v2 = w.seal2("role:nurse", b"s", b"m", 16, b"data");
    let mut m = v3.clone();
    m[3] = 2;
    // Read as v2, the metadata hash's first bytes become the KEM's authority and what
    // follows a length far beyond the header.
    assert_eq!(
        refused_silently(&k, w.pk(), &m),
        enc(EncodingError::BadLength)
    );
    let mut m = v2.clone();
    m[3] = 3;
    assert_eq!(
        refused_silently(&k, w.pk(), &m),
        enc(EncodingError::NonCanonical)
    );
    let mut m = v3.clone();
    m[1] = b'D';
    assert_eq!(
        refused_silently(&k, w.pk(), &m),
        enc(EncodingError::WrongType)
    );
    for v in [0u8, 1, 4, 0xff] {
        let mut m = v3.clone();
        m[3] = v;
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            enc(EncodingError::UnsupportedVersion)
        );
    }
    for t in [0x04u8, 0x07, 0x08, 0x41] {
        let mut m = v3.clone();
        m[2] = t;
        assert_eq!(
            refused_silently(&k, w.pk(), &m),
            enc(EncodingError::WrongType)
        );
    }
}

// ----------------------------------------------------------------------------------------
// I/O.

/// Attack: hostile readers under the opener: one byte per read, `Interrupted` before every
/// read (std's convention is to retry), an error inside the header, an error inside the
/// third frame. Defence: short and interrupted reads open the stream whole; an error is
/// `Error::Io` of that kind, with nothing written for a header error and exactly the two
/// authentic chunks before it for a frame error.
#[test]
fn the_opener_under_short_interrupted_and_failing_reads() {
    let mut w = World::new(726);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(16 * 3 + 1);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let mut out = Vec::new();
    k.open_stream(w.pk(), Dribble { data: &s, step: 1 }, &mut out)
        .unwrap();
    assert_eq!(out, data);
    let mut out = Vec::new();
    k.open_stream(
        w.pk(),
        Interrupting {
            data: &s,
            next_fails: false,
        },
        &mut out,
    )
    .unwrap();
    assert_eq!(out, data);
    let f = frames(&s);
    for (at, written) in [(100, 0usize), (f[2].0 + 9, 32)] {
        let mut tape = Tape::default();
        let r = k.open_stream(
            w.pk(),
            FailAt {
                data: &s,
                at,
                given: 0,
                kind: io::ErrorKind::ConnectionReset,
            },
            &mut tape,
        );
        match err(r) {
            Error::Io(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset),
            other => panic!("at {at}: {other:?}"),
        }
        assert_eq!(tape.bytes, data[..written]);
    }
    // A writer that fails: `Error::Io` of its kind.
    let mut disk = FullDisk {
        room: 20,
        got: Vec::new(),
    };
    match err(k.open_stream(w.pk(), &s[..], &mut disk)) {
        Error::Io(e) => assert_eq!(e.kind(), io::ErrorKind::StorageFull),
        other => panic!("{other:?}"),
    }
}

/// Attack: hostile readers under the **sealer**: one byte per read (every chunk must still
/// be full, or the opener refuses a short middle frame), `Interrupted` reads, and an input
/// that fails mid-way. The last is the dangerous one: if the sealer closed the stream with a
/// last frame on error, a truncated payload would open as complete. Defence: short reads
/// give full frames; `Interrupted` is retried; an input error is `Error::Io` and leaves a
/// stream without a last frame, which no opener accepts (`decryption_failed`).
#[test]
fn the_sealer_under_short_interrupted_and_failing_reads() {
    let mut w = World::new(727);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(16 * 3 + 1);
    let p = Policy::parse("role:nurse").unwrap();
    let mut s = Vec::new();
    seal_stream_with_notice(
        w.authority.public_key(),
        &n0,
        &p,
        b"s",
        b"m",
        16,
        Dribble {
            data: &data,
            step: 1,
        },
        &mut s,
        &mut w.rng,
    )
    .unwrap();
    assert_eq!(
        frames(&s).iter().map(|x| x.2).collect::<Vec<_>>(),
        [37, 37, 37, 22]
    );
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
    let mut s = Vec::new();
    let n = seal_stream_with_notice(
        w.authority.public_key(),
        &n0,
        &p,
        b"s",
        b"m",
        16,
        Interrupting {
            data: &data,
            next_fails: false,
        },
        &mut s,
        &mut w.rng,
    )
    .unwrap();
    assert_eq!(n, data.len() as u64);
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
    for at in [0usize, 5, 16, 40] {
        let mut s = Vec::new();
        let r = seal_stream_with_notice(
            w.authority.public_key(),
            &n0,
            &p,
            b"s",
            b"m",
            16,
            FailAt {
                data: &data,
                at,
                given: 0,
                kind: io::ErrorKind::BrokenPipe,
            },
            &mut s,
            &mut w.rng,
        );
        match err(r) {
            Error::Io(e) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe),
            other => panic!("{other:?}"),
        }
        if !s.is_empty() {
            assert!(
                frames(&s).iter().all(|x| x.1 == 0),
                "input failed at {at}: the sealer wrote a last frame"
            );
            let (r, tape) = open_tape(&k, w.pk(), &s);
            assert_eq!(err(r), Error::DecryptionFailed, "input failed at {at}");
            assert_eq!(tape.bytes, data[..tape.bytes.len()]);
            assert!(tape.bytes.len() <= at);
        }
    }
}

/// Attack: chunk size 1 with many chunks (4,000): two adjacent frames swapped, one
/// duplicated, one dropped, far into the stream. Defence: the chunk counter is in the
/// nonce: `decryption_failed` at the first misplaced frame, exactly the chunks before it
/// written; the genuine stream opens.
#[test]
fn chunk_size_one_with_many_chunks() {
    let mut w = World::new(728);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(4_000);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 1, &data);
    let f = frames(&s);
    assert_eq!(f.len(), 4_000);
    assert!(f.iter().all(|x| x.2 == 5 + 17));
    assert_eq!(open(&k, w.pk(), &s).unwrap(), data);
    let at = 3_000;
    let fr = |i: usize| &s[f[i].0..f[i].0 + f[i].2];
    let mut swapped = s[..f[at].0].to_vec();
    swapped.extend_from_slice(fr(at + 1));
    swapped.extend_from_slice(fr(at));
    swapped.extend_from_slice(&s[f[at + 2].0..]);
    let mut duplicated = s[..f[at + 1].0].to_vec();
    duplicated.extend_from_slice(fr(at));
    duplicated.extend_from_slice(&s[f[at + 1].0..]);
    let mut dropped = s[..f[at].0].to_vec();
    dropped.extend_from_slice(&s[f[at + 1].0..]);
    for (m, good) in [(swapped, at), (duplicated, at + 1), (dropped, at)] {
        let (r, tape) = open_tape(&k, w.pk(), &m);
        assert_eq!(err(r), Error::DecryptionFailed);
        assert_eq!(tape.bytes, data[..good]);
    }
}

// ----------------------------------------------------------------------------------------
// What the header reports.

/// Attack (sealer's responsibility, revocation.md §0.3): a stream sealed under a notice
/// older than the current one. Documented: it opens for keys from before the bump.
/// Regression: it does, and both `read_stream_info` and the `StreamInfo` returned by
/// `open_stream` report the old notice's serial and versions (the reader can tell), equal
/// to each other; the holder guard is not listed.
#[test]
fn a_stream_under_an_old_notice_reports_the_old_serial() {
    let mut w = World::new(729);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse", "dept:icu"]);
    let n1 = w.service.bump(&["role:nurse"]);
    let data = payload(30);
    let s = w.seal3(
        &n0,
        "2 of (role:nurse, dept:icu, shift:night)",
        b"s",
        b"m",
        16,
        &data,
    );
    let info = read_stream_info(&s[..]).unwrap();
    assert_eq!(info.notice_serial, Some(n0.serial()));
    assert!(info.notice_serial < Some(n1.serial()));
    let names: Vec<(String, u32)> = info
        .attribute_versions
        .iter()
        .map(|(a, v)| (a.as_str().to_owned(), *v))
        .collect();
    assert_eq!(
        names,
        [
            ("role:nurse".to_owned(), 0),
            ("dept:icu".to_owned(), 0),
            ("shift:night".to_owned(), 0)
        ]
    );
    let (r, tape) = open_tape(&old, w.pk(), &s);
    let opened = r.unwrap();
    assert_eq!(tape.bytes, data);
    assert_eq!(opened, info);
    // Under the current notice the same policy reports the bump.
    let s = w.seal3(
        &n1,
        "2 of (role:nurse, dept:icu, shift:night)",
        b"s",
        b"m",
        16,
        &data,
    );
    let info = read_stream_info(&s[..]).unwrap();
    assert_eq!(info.notice_serial, Some(n1.serial()));
    assert_eq!(info.attribute_versions[0].1, 1);
    assert!(!info
        .attribute_versions
        .iter()
        .any(|(a, _)| a.as_str() == GUARD));
}

/// Attack: **downgrade** a v3 stream sealed after a bump to a v2 stream: rebuild a v2
/// header (`43 43 06 02`, no versions, serial, flags, hash, trailer or envelope) from the
/// v3 header's authority, policy, `C0`, rows and `c'`, over the same frames, and open it
/// with the revoked key from before the bump (which satisfies the policy syntactically at
/// version 0) and with a current key. Defence: the rows are at version 1 points and the
/// FO coins of v2 differ: nothing opens, nothing is written.
#[test]
fn a_v3_stream_downgraded_to_v2_opens_for_nobody() {
    let mut w = World::new(730);
    let n0 = w.service.current();
    let old = w.key(&n0, &["role:nurse"]);
    let n1 = w.service.bump(&["role:nurse"]);
    let new = w.key(&n1, &["role:nurse"]);
    let data = payload(40);
    let s = w.seal3(&n1, "role:nurse", b"s", b"m", 16, &data);
    let l = layout(&s);
    let mut body = s[8..l.metadata_hash].to_vec();
    body.extend_from_slice(&s[l.kem..l.kem + 32]);
    body.extend_from_slice(&s[l.policy_len..l.policy.1]);
    body.extend_from_slice(&s[l.c0..l.c_rows]);
    body.extend_from_slice(&(l.rows as u32).to_be_bytes());
    body.extend_from_slice(&s[l.c_rows..l.key_commitment]);
    let mut m = vec![0x43, 0x43, 0x06, 0x02];
    m.extend_from_slice(&(body.len() as u32).to_be_bytes());
    m.extend_from_slice(&body);
    m.extend_from_slice(&s[l.end..]);
    let info = read_stream_info(&m[..]).unwrap();
    assert_eq!(info.notice_serial, None);
    assert_eq!(info.policy, Policy::parse("role:nurse").unwrap());
    assert_eq!(refused_silently(&old, w.pk(), &m), Error::DecryptionFailed);
    assert_eq!(
        refused_silently(&new, w.pk(), &m),
        Error::PolicyNotSatisfied
    );
    assert_eq!(open(&new, w.pk(), &s).unwrap(), data);
}

/// Attack: make a sealer write a stream its own opener refuses: a policy at the leaf limit
/// (64 leaves: the holder guard makes 65 rows, above the 64 a version vector may hold).
/// Defence: sealing refuses before writing (`limit_exceeded`, kind `policy_leaves`); at 63
/// leaves (64 rows) the stream is written and opens.
#[test]
fn a_sealer_never_writes_a_stream_its_opener_refuses_at_the_row_limit() {
    let mut w = World::new(731);
    let n0 = w.service.current();
    let k = w.key(&n0, &["x:0"]);
    for n in [63usize, 64] {
        let p: Vec<String> = (0..n).map(|i| format!("x:{i}")).collect();
        let p = Policy::parse(&p.join(" or ")).unwrap();
        let mut out = Vec::new();
        let r = seal_stream_with_notice(
            w.authority.public_key(),
            &n0,
            &p,
            b"s",
            b"",
            16,
            &b"x"[..],
            &mut out,
            &mut w.rng,
        );
        if n == 64 {
            let e = err(r);
            assert_eq!(e.code(), "limit_exceeded");
            assert_eq!(e.kind().as_deref(), Some("policy_leaves"));
            assert!(out.is_empty());
        } else {
            assert_eq!(r.unwrap(), 1);
            assert_eq!(layout(&out).rows, 64);
            assert_eq!(read_stream_info(&out[..]).unwrap().policy, p);
            assert_eq!(open(&k, w.pk(), &out).unwrap(), b"x");
        }
    }
}

/// Attack: a caller reads the public header first, then hands the same reader to the
/// opener, or reads it through a reader with short and interrupted reads. Defence:
/// `read_stream_info` consumes exactly the header (the frames stay in the reader) and gives
/// the same answer through any reader.
#[test]
fn read_stream_info_consumes_exactly_the_header() {
    let mut w = World::new(732);
    let n0 = w.service.current();
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &payload(40));
    let mut r = &s[..];
    let info = read_stream_info(&mut r).unwrap();
    assert_eq!(r, &s[header_len(&s)..]);
    assert_eq!(
        read_stream_info(Dribble { data: &s, step: 1 }).unwrap(),
        info
    );
    assert_eq!(
        read_stream_info(Interrupting {
            data: &s,
            next_fails: false
        })
        .unwrap(),
        info
    );
}

/// Attack: lengths inside the header beyond their limits (stream id 1,025 and 2³² − 1,
/// metadata 65,537, policy text 65,537; the header's body length unchanged). Defence:
/// `BadLength`, before allocating anything of the declared size.
#[test]
fn lengths_inside_the_header_beyond_their_limits_are_bad_lengths() {
    let mut w = World::new(733);
    let n0 = w.service.current();
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, b"x");
    let l = layout(&s);
    for (at, len) in [
        (12, 1_025u32),
        (12, u32::MAX),
        (l.id.1, 65_537),
        (l.id.1, u32::MAX),
        (l.policy_len, 65_537),
        (l.policy_len, u32::MAX),
    ] {
        let mut m = s.clone();
        put32(&mut m, at, len);
        let (r, largest) = alloc_probe::largest(|| read_stream_info(&m[..]));
        assert_eq!(err(r), enc(EncodingError::BadLength), "{at}: {len}");
        assert!(largest < 64 * 1024, "{at}: {len}: allocated {largest}");
    }
}

/// Attack: writers that take less than they are given (short writes, `Interrupted`), or
/// nothing (`Ok(0)`), under the opener and under the sealer. An opener (or sealer) that
/// called `write` once per chunk and ignored the count would report success with part of
/// the payload (or of the stream) missing. Defence: every byte reaches the writer
/// (`write_all` semantics); a writer that accepts nothing is `Error::Io` (`WriteZero`).
#[test]
fn short_and_stuck_writers_never_lose_bytes_silently() {
    let mut w = World::new(734);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(16 * 3 + 5);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let mut out = Stingy {
        got: Vec::new(),
        step: 3,
        calls: 0,
    };
    k.open_stream(w.pk(), &s[..], &mut out).unwrap();
    assert_eq!(out.got, data);
    match err(k.open_stream(w.pk(), &s[..], Stuck)) {
        Error::Io(e) => assert_eq!(e.kind(), io::ErrorKind::WriteZero),
        other => panic!("{other:?}"),
    }
    let mut sealed = Stingy {
        got: Vec::new(),
        step: 5,
        calls: 0,
    };
    seal_stream_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse("role:nurse").unwrap(),
        b"s",
        b"m",
        16,
        &data[..],
        &mut sealed,
        &mut w.rng,
    )
    .unwrap();
    assert_eq!(open(&k, w.pk(), &sealed.got).unwrap(), data);
    let r = seal_stream_with_notice(
        w.authority.public_key(),
        &n0,
        &Policy::parse("role:nurse").unwrap(),
        b"s",
        b"m",
        16,
        &data[..],
        Stuck,
        &mut w.rng,
    );
    match err(r) {
        Error::Io(e) => assert_eq!(e.kind(), io::ErrorKind::WriteZero),
        other => panic!("{other:?}"),
    }
}

/// Attack: an endless input after a genuine stream (a socket that keeps sending zeros). An
/// opener that checked for trailing bytes with `read_to_end` would read and buffer without
/// bound. Defence: `TrailingBytes` after at most a small read past the last frame, with no
/// large allocation; the payload was written (documented).
#[test]
fn an_endless_input_after_the_last_frame_is_refused_promptly() {
    let mut w = World::new(735);
    let n0 = w.service.current();
    let k = w.key(&n0, &["role:nurse"]);
    let data = payload(40);
    let s = w.seal3(&n0, "role:nurse", b"s", b"m", 16, &data);
    let mut input = Endless {
        data: &s,
        zeros: 0,
        limit: 64 * MIB,
    };
    let mut tape = Tape::default();
    let (r, largest) = alloc_probe::largest(|| k.open_stream(w.pk(), &mut input, &mut tape));
    assert_eq!(err(r), enc(EncodingError::TrailingBytes));
    assert!(
        input.zeros <= 64 * 1024,
        "read {} bytes past the end",
        input.zeros
    );
    assert!(largest < MIB, "allocated {largest}");
    assert_eq!(tape.bytes, data);
}

/// Attack: dodge a bump by spelling: the notice bumps `dept:café` (NFC); the policy is
/// written in NFD (`cafe` + U+0301) and the revoked key was issued for the NFD spelling
/// before the bump. If names were compared unnormalised, the stream would be sealed at
/// version 0 for that name and the old key would open it. Defence: attributes are NFC
/// everywhere (`docs/policy.md`): the stream is at version 1, the old key gets
/// `policy_not_satisfied`, a key issued under the new notice (either spelling) opens.
#[test]
fn a_bumped_name_spelt_in_nfd_is_still_bumped() {
    let mut w = World::new(736);
    let nfc = "dept:caf\u{e9}";
    let nfd = "dept:cafe\u{301}";
    let n0 = w.service.current();
    let old = w.key(&n0, &[nfd]);
    let n1 = w.service.bump(&[nfc]);
    let data = payload(20);
    let s = w.seal3(&n1, &format!("\"{nfd}\""), b"s", b"m", 16, &data);
    let info = read_stream_info(&s[..]).unwrap();
    assert_eq!(info.attribute_versions.len(), 1);
    assert_eq!(info.attribute_versions[0].0.as_str(), nfc);
    assert_eq!(info.attribute_versions[0].1, 1);
    assert_eq!(
        refused_silently(&old, w.pk(), &s),
        Error::PolicyNotSatisfied
    );
    let new = w.key(&n1, &[nfd]);
    assert_eq!(open(&new, w.pk(), &s).unwrap(), data);
}
