// The catch-up of stored streams through the JavaScript binding (mirrors
// tests/revocation/stream_catch_up.rs): after it, a key from before a bump opens no stored stream;
// a closed stream's header is re-wrapped with its trailer (frames byte for byte, checked against
// the trailer by every opener), a stream still open at the revocation and a v2 stream are
// re-encrypted whole; the re-wrap refuses a trailer that is not the stream's; both log as chain
// entries. Streams are whole byte arrays here, as `sealStreamWithNotice` and `openStream` take
// and return them: `rewrapStream` and `reencryptStream` return the caught-up stream's bytes, and
// its header is `StreamInfo.read` of them. Also `Trailer` as a value class and the byte
// arguments' copies (HB-2, HB-3).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import * as cc from 'cipherchart';

import { NoticeService, T0 } from './notice-service.mjs';

const {
  Authority, BlsSigningKey, Chain, Entry, Policy, StreamInfo, Trailer, sealStream,
  sealStreamWithNotice, streamTrailer,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Uint8Array.from(p));
  return new Uint8Array(h.digest());
};
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const ATTRS = ['role:nurse', 'dept:icu'];
const POLICY = 'role:nurse and dept:icu';

const payload = (n, salt) => Uint8Array.from({ length: n }, (_, i) => ((i * 31) % 251) ^ salt);
const seal3 = (authority, notice, id, chunk, data) =>
  sealStreamWithNotice(authority.publicKey(), notice, Policy.parse(POLICY), enc(id), enc('ward 3'), data, chunk);
const seal2 = (authority, id, chunk, data, policy = POLICY) =>
  sealStream(authority.publicKey(), Policy.parse(policy), enc(id), enc('ward 3'), data, chunk);
const open = (key, authority, stream) => key.openStream(authority.publicKey(), stream);
const headerLen = (s) => 8 + new DataView(s.buffer, s.byteOffset).getUint32(4);
// The trailer a stream is re-encrypted against: the one its header carries (re-wrapped), else the
// one its bytes give (the tests' stand-in for its sealer's close entry), else null (format v2, or
// bytes that do not read).
const trailerFor = (s) => {
  try {
    const info = StreamInfo.read(s);
    if (info.trailer) return info.trailer;
    return info.noticeSerial == null ? null : streamTrailer(s);
  } catch {
    return null;
  }
};
const body = (s) => s.subarray(headerLen(s));
const frames = (s) => {
  const out = [];
  for (let at = headerLen(s); at < s.length;) {
    const n = new DataView(s.buffer, s.byteOffset).getUint32(at + 1);
    out.push(s.subarray(at, at + 5 + n));
    at += 5 + n;
  }
  return out;
};
const rfc6962Root = (leaves) => {
  if (leaves.length === 1) return sha256([0], leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256([1], rfc6962Root(leaves.slice(0, k)), rfc6962Root(leaves.slice(k)));
};
const itemDigest = (i, frame) => {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setBigUint64(0, BigInt(i));
  new DataView(n.buffer).setUint32(8, frame.length);
  return sha256(enc('CIPHERCHART-V01-TRAILER-ITEM-with-SHA256'), n, frame);
};
const is = (cls, kind) => (e) => e instanceof cls && e.code === cls.code && (kind === undefined || e.kind === kind);

test('after the catch-up the revoked key opens no stored stream; the catch-ups are chain entries', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const carla = authority.issueKeyUnder(n0, ATTRS);
  const dora = authority.issueKeyUnder(n0, ATTRS);
  const data = payload(5000, 0);
  // Closed before the revocation: re-wrapped.
  const closed = seal3(authority, n0, 'ecg-1', 1024, data);
  const trailer = streamTrailer(closed);
  const oldInfo = StreamInfo.read(closed);
  assert.equal(trailer.kind, 'stream');
  assert.deepEqual(trailer.id, enc('ecg-1'));
  assert.equal(trailer.count, 5);
  assert.deepEqual(trailer.headerDigest, oldInfo.headerDigest);
  assert.equal(trailer.keyCommitment.length, 32);
  // The root and digest as docs/formats.md "Trailer" computes them.
  assert.deepEqual(trailer.root, rfc6962Root(frames(closed).map((f, i) => itemDigest(i, f))));
  assert.deepEqual(trailer.digest, sha256(enc('CIPHERCHART-V01-TRAILER-DIGEST-with-SHA256'), trailer.toBytes()));
  assert.deepEqual(oldInfo.authority, authority.publicKey().id);
  assert.equal(oldInfo.trailer, undefined);
  // Still being written at the revocation: re-encrypted whole.
  const openAtBump = seal3(authority, n0, 'ecg-2', 1024, data);
  // Format v2: re-encrypted whole.
  const v2 = seal2(authority, 'ecg-3', 1024, data);
  for (const s of [closed, openAtBump, v2]) assert.deepEqual(open(carla, authority, s), data);

  // Carla leaves: role:nurse is bumped.
  const n1 = service.bump('role:nurse');
  for (const s of [closed, openAtBump, v2]) {
    assert.ok(StreamInfo.read(s).needsCatchUp(n1));
    assert.ok(!StreamInfo.read(s).needsCatchUp(n0));
  }
  const rewrapped = authority.rewrapStream(closed, trailer, n1);
  const re1 = authority.reencryptStream(openAtBump, trailerFor(openAtBump), n1);
  const re2 = authority.reencryptStream(v2, trailerFor(v2), n1);
  assert.ok(rewrapped instanceof Uint8Array && re1 instanceof Uint8Array);
  const dora1 = authority.issueKeyUnder(n1, ATTRS);
  for (const s of [rewrapped, re1, re2]) {
    const info = StreamInfo.read(s);
    assert.ok(!info.needsCatchUp(n1));
    assert.equal(info.noticeSerial, n1.serial);
    assert.deepEqual(info.attributeVersions(), [['role:nurse', 1], ['dept:icu', 0]]);
    assert.throws(() => open(carla, authority, s), is(cc.PolicyNotSatisfied));
    assert.throws(() => open(dora, authority, s), is(cc.PolicyNotSatisfied));
    assert.deepEqual(open(dora1, authority, s), data);
  }
  // The re-wrap kept every frame byte for byte and carries the trailer.
  assert.deepEqual(body(rewrapped), body(closed));
  const newInfo = StreamInfo.read(rewrapped);
  assert.ok(newInfo.trailer.equals(trailer));
  assert.ok(streamTrailer(rewrapped).equals(trailer));
  assert.notDeepEqual(newInfo.headerDigest, oldInfo.headerDigest);
  assert.deepEqual([newInfo.streamId, newInfo.metadata, newInfo.chunkSize], [enc('ecg-1'), enc('ward 3'), 1024]);
  // A re-encryption has a fresh stream key: no frame is the old one's.
  assert.notDeepEqual(body(re1).subarray(0, 100), body(openAtBump).subarray(0, 100));
  assert.equal(StreamInfo.read(re1).trailer, undefined);
  assert.equal(StreamInfo.read(re2).trailer, undefined);

  // The catch-ups are chain entries; the closes anchor them.
  const signer = BlsSigningKey.generate();
  const chain = new Chain();
  const close = Entry.forStreamClose(trailer, service.now);
  const update = Entry.forStreamCatchUp(oldInfo, newInfo, service.now);
  assert.deepEqual([close.action, close.subject, close.time], ['create', enc('ecg-1'), service.now]);
  assert.deepEqual(close.digest, trailer.digest);
  assert.deepEqual(close.metadata, trailer.toBytes());
  assert.deepEqual([update.action, update.subject], ['update', enc('ecg-1')]);
  assert.deepEqual(update.digest, newInfo.headerDigest);
  assert.deepEqual(update.metadata, concat(oldInfo.headerDigest, newInfo.headerDigest, trailer.digest));
  chain.signAndAppend(close, signer);
  chain.signAndAppend(update, signer);
  chain.verifyAll();
  assert.ok(Trailer.fromBytes(chain.entry(0).metadata).equals(trailer));
  const re2Info = StreamInfo.read(re2);
  const v2Info = StreamInfo.read(v2);
  assert.deepEqual(Entry.forStreamCatchUp(v2Info, re2Info, 0).subject, enc('ecg-3'));
  // Not a catch-up: the same header, the other way round, another stream.
  for (const [old, caughtUp] of [[newInfo, newInfo], [newInfo, oldInfo], [oldInfo, re2Info]]) {
    assert.throws(() => Entry.forStreamCatchUp(old, caughtUp, 0), is(cc.InvalidArgument));
  }
});

test('altered frames and relabelled carried trailers open nothing', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const data = payload(3000, 1);
  const stream = seal3(authority, n0, 'abc', 1000, data);
  // Another sealing of the same id and payload: its frames are under another stream key.
  const other = seal3(authority, n0, 'abc', 1000, data);
  const trailer = streamTrailer(stream);
  const n1 = service.bump('role:nurse');
  const rewrapped = authority.rewrapStream(stream, trailer, n1);
  const reader = authority.issueKeyUnder(n1, ATTRS);
  const h = headerLen(rewrapped);
  const ho = headerLen(other);
  const frame = 5 + 1000 + 16;

  // Frames altered, dropped, repeated, of the other stream, truncated or followed by more.
  const flipped = rewrapped.slice();
  flipped[h + frame + 40] ^= 1;
  const cases = [
    ['flipped', flipped, cc.DecryptionFailed],
    ['dropped', concat(rewrapped.subarray(0, h + frame), rewrapped.subarray(h + 2 * frame)), cc.DecryptionFailed],
    ['repeated', concat(rewrapped.subarray(0, h + frame), rewrapped.subarray(h)), cc.DecryptionFailed],
    ['spliced', concat(rewrapped.subarray(0, h), other.subarray(ho)), cc.DecryptionFailed],
    ['mixed', concat(rewrapped.subarray(0, h + frame), other.subarray(ho + frame, ho + 2 * frame),
      rewrapped.subarray(h + 2 * frame)), cc.DecryptionFailed],
    ['truncated', rewrapped.subarray(0, rewrapped.length - 1), cc.DecryptionFailed],
    ['extra', concat(rewrapped, [0]), cc.InvalidEncoding],
  ];
  for (const [what, altered, cls] of cases) {
    assert.throws(() => open(reader, authority, altered), is(cls), what);
    assert.throws(() => streamTrailer(altered), is(cls), what);
    assert.throws(() => authority.reencryptStream(altered, trailerFor(altered), n1), is(cls), what);
  }
  // The authority refuses to re-wrap another stream's frames under this header and trailer.
  const n2 = service.bump('dept:icu');
  assert.throws(() => authority.rewrapStream(cases[3][1], trailer, n2), is(cc.DecryptionFailed));
  assert.throws(() => authority.rewrapStream(concat(stream.subarray(0, headerLen(stream)), other.subarray(ho)),
    trailer, n1), is(cc.DecryptionFailed));

  // The carried trailer: kind, id or key commitment other than the header's is refused by the
  // decoder; a relabelled header digest, count or root makes the stream open for nobody.
  const t = trailer.toBytes();
  const at = Buffer.from(rewrapped).indexOf(Buffer.from(t));
  assert.ok(at > 0);
  assert.equal(rewrapped[at - 5], 1, 'the trailer flag');
  const flip = (offset) => {
    const b = rewrapped.slice();
    b[offset] ^= 1;
    return b;
  };
  for (const offset of [at + 4, at + 9, at + 44]) {
    assert.throws(() => StreamInfo.read(flip(offset)), is(cc.InvalidEncoding));
  }
  for (const offset of [at + 12, at + 83, at + 90]) {
    const b = flip(offset);
    assert.ok(!StreamInfo.read(b).trailer.equals(trailer));
    assert.throws(() => open(reader, authority, b), is(cc.DecryptionFailed));
  }
  assert.deepEqual(open(reader, authority, rewrapped), data);
});

test('the re-wrap refuses a trailer that is not the stream\'s', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const data = payload(2500, 0);
  const stream = seal3(authority, n0, 's-1', 1000, data);
  const other = seal3(authority, n0, 's-1', 1000, data);
  const trailer = streamTrailer(stream);
  const n1 = service.bump('role:nurse');
  const edited = (offset, value) => {
    const b = trailer.toBytes();
    b[offset] = value ?? b[offset] ^ 1;
    return Trailer.fromBytes(b);
  };
  // Field offsets: 4 header, 1 kind, 4 + 3 id, then the digest, commitment, count, root.
  const session = edited(4, 1);
  assert.equal(session.kind, 'session');
  for (const t of [streamTrailer(other), edited(9), edited(12), edited(44), session]) {
    assert.throws(() => authority.rewrapStream(stream, t, n1), is(cc.InvalidArgument));
  }
  // Another count or root: the frames are not the trailer's.
  const count = edited(83, trailer.toBytes()[83] + 1);
  assert.equal(count.count, trailer.count + 1);
  for (const t of [count, edited(90)]) {
    assert.throws(() => authority.rewrapStream(stream, t, n1), is(cc.DecryptionFailed));
  }
  // Damaged frames after the trailer was taken.
  const damaged = stream.slice();
  damaged[damaged.length - 1] ^= 1;
  assert.throws(() => authority.rewrapStream(damaged, trailer, n1), is(cc.DecryptionFailed));
  // A format v2 stream has no trailer to re-wrap with.
  const v2 = seal2(authority, 's-1', 1000, data, 'role:nurse');
  assert.throws(() => authority.rewrapStream(v2, trailer, n1), is(cc.InvalidArgument));
  assert.throws(() => streamTrailer(v2), is(cc.InvalidArgument));
  // A v3 stream is re-encrypted against its trailer; a v2 stream has none.
  assert.throws(() => authority.reencryptStream(stream, null, n1), is(cc.InvalidArgument));
  assert.throws(() => authority.reencryptStream(v2, trailer, n1), is(cc.InvalidArgument));
  assert.ok(authority.reencryptStream(v2, undefined, n1) instanceof Uint8Array);
  // Another authority, an older notice, a version that would go down.
  const elsewhere = Authority.setup();
  const theirs = new NoticeService(elsewhere).current();
  assert.throws(() => elsewhere.rewrapStream(stream, trailer, theirs), is(cc.WrongAuthority));
  assert.throws(() => authority.rewrapStream(stream, trailer, theirs), is(cc.WrongAuthority));
  assert.throws(() => elsewhere.reencryptStream(stream, trailerFor(stream), theirs), is(cc.WrongAuthority));
  const caughtUp = authority.rewrapStream(stream, trailer, n1);
  assert.throws(() => authority.rewrapStream(caughtUp, trailer, n0), is(cc.FutureVersion));
  const n2 = service.current();
  const atN2 = authority.rewrapStream(caughtUp, trailer, n2);
  assert.throws(() => authority.rewrapStream(atN2, trailer, n1), is(cc.StaleNotice));
  assert.throws(() => authority.reencryptStream(atN2, trailerFor(atN2), n1), is(cc.StaleNotice));
  // Entry.forStreamClose logs streams only.
  assert.throws(() => Entry.forStreamClose(session, T0), is(cc.InvalidArgument));
});

test('a re-wrapped stream is caught up again at the next bump', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const data = payload(4100, 3);
  const stream = seal3(authority, n0, 'ecg-4', 1024, data);
  const trailer = streamTrailer(stream);
  const n1 = service.bump('role:nurse');
  const once = authority.rewrapStream(stream, trailer, n1);
  const k1 = authority.issueKeyUnder(n1, ATTRS);
  const n2 = service.bump('dept:icu');
  const carried = StreamInfo.read(once).trailer;
  assert.ok(carried.equals(trailer));
  const twice = authority.rewrapStream(once, carried, n2);
  const k2 = authority.issueKeyUnder(n2, ATTRS);
  assert.throws(() => open(k1, authority, twice), is(cc.PolicyNotSatisfied));
  assert.deepEqual(open(k2, authority, twice), data);
  assert.deepEqual(body(twice), body(stream));
  // A re-wrapped stream is re-encrypted too (checked against its trailer), into a stream with a
  // trailer of its own.
  const n3 = service.bump('role:nurse');
  const fresh = authority.reencryptStream(twice, trailerFor(twice), n3);
  const k3 = authority.issueKeyUnder(n3, ATTRS);
  assert.deepEqual(open(k3, authority, fresh), data);
  const freshTrailer = streamTrailer(fresh);
  assert.equal(freshTrailer.count, 5);
  assert.notDeepEqual(freshTrailer.keyCommitment, trailer.keyCommitment);
});

test('both catch-ups keep every payload and chunk shape', () => {
  for (const [length, chunk] of [[0, 7], [1, 1], [999, 1000], [1000, 1000], [2999, 64]]) {
    const authority = Authority.setup();
    const service = new NoticeService(authority);
    const n0 = service.current();
    const old = authority.issueKeyUnder(n0, ATTRS);
    const data = payload(length, length & 0xff);
    const stream = seal3(authority, n0, 'p', chunk, data);
    const trailer = streamTrailer(stream);
    assert.equal(trailer.count, Math.max(1, Math.ceil(length / chunk)));
    const n1 = service.bump('dept:icu');
    const current = authority.issueKeyUnder(n1, ATTRS);
    const rewrapped = authority.rewrapStream(stream, trailer, n1);
    const reencrypted = authority.reencryptStream(stream, trailerFor(stream), n1);
    assert.deepEqual(body(rewrapped), body(stream));
    for (const s of [rewrapped, reencrypted]) {
      assert.deepEqual(open(current, authority, s), data);
      assert.throws(() => open(old, authority, s), is(cc.PolicyNotSatisfied));
    }
  }
});

test('Trailer is a value class: fromBytes/toBytes, equals, the decoder\'s refusals', () => {
  const authority = Authority.setup();
  const n0 = new NoticeService(authority).current();
  const stream = seal3(authority, n0, 'mri-9', 1024, payload(3000, 0));
  const trailer = streamTrailer(stream);
  const b = trailer.toBytes();
  assert.deepEqual([...b.subarray(0, 4)], [0x43, 0x43, 0x43, 0x03]);
  assert.ok(Trailer.fromBytes(b).equals(trailer));
  assert.ok(Trailer.fromBytes([...b]).equals(trailer));
  assert.ok(!streamTrailer(seal3(authority, n0, 'mri-9', 1024, payload(3000, 0))).equals(trailer));
  for (const [bytes, kind] of [
    [concat(b.subarray(0, 3), [2], b.subarray(4)), 'unsupported_version'],
    [concat([0x43, 0x43, 0x06], b.subarray(3)), 'wrong_type'],
    [concat(b.subarray(0, 4), [3], b.subarray(5)), 'non_canonical'],
    [b.subarray(0, b.length - 1), 'truncated'],
    [concat(b, [0]), 'trailing_bytes'],
  ]) {
    assert.throws(() => Trailer.fromBytes(bytes), is(cc.InvalidEncoding, kind), kind);
  }
  const freed = Trailer.fromBytes(b);
  freed.free();
  assert.throws(() => freed.count, is(cc.InvalidArgument));
  assert.throws(() => Entry.forStreamClose(freed, T0), is(cc.InvalidArgument));
});

test('byte arguments are copied before the checks (HB-2, HB-3); wrong arguments are InvalidArgument', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const data = payload(2000, 5);
  const stream = seal3(authority, n0, 'f', 512, data);
  const n1 = service.bump('role:nurse');
  const key = authority.issueKeyUnder(n1, ATTRS);
  // A view into a larger buffer, a Buffer, a plain array: exactly their bytes.
  const padded = new Uint8Array(stream.length + 16);
  padded.set(stream, 8);
  const view = padded.subarray(8, 8 + stream.length);
  const trailer = streamTrailer(view);
  assert.ok(trailer.equals(streamTrailer(Buffer.from(stream))));
  assert.deepEqual(open(key, authority, authority.rewrapStream(view, trailer, n1)), data);
  assert.deepEqual(open(key, authority, authority.reencryptStream([...stream], trailerFor([...stream]), n1)), data);
  // A subclass whose length lies: the copy reads the real bytes, the whole stream.
  class Lying extends Uint8Array {
    get length() { return 3; }
  }
  const lying = new Lying(stream);
  assert.ok(streamTrailer(lying).equals(trailer));
  assert.deepEqual(open(key, authority, authority.rewrapStream(lying, trailer, n1)), data);
  // Wrong types: refused before anything runs.
  const info = StreamInfo.read(stream);
  for (const call of [
    () => streamTrailer(new ArrayBuffer(8)),
    () => streamTrailer('43434306'),
    () => authority.rewrapStream(stream, trailer.toBytes(), n1),
    () => authority.rewrapStream(stream, trailer, n1.notice),
    () => authority.reencryptStream(new Uint16Array(stream), trailer, n1),
    () => authority.reencryptStream(stream, trailer.toBytes(), n1),
    () => Entry.forStreamClose(info, T0),
    () => Entry.forStreamClose(trailer, Date.now()),
    () => Entry.forStreamCatchUp(trailer, info, T0),
    () => info.needsCatchUp(n1.notice),
  ]) {
    assert.throws(call, is(cc.InvalidArgument));
  }
});
