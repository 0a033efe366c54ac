// Outside review of format v3 streams and the consent helpers with notices, through the JavaScript
// (WASM) binding (attacks). Each test is one attack, written from the docs only (docs/formats.md
// "Stream (tag 0x06)", "Stream v3"; docs/revocation.md §0.1, §0.5; docs/consent.md "The proxy
// helper"), the typings (pkg/web/cipherchart.d.ts) and the header of js/checks.js: the attack, the
// safe behaviour expected, and the doc relied on. An attack that succeeds is a finding: its test
// asserts the safe behaviour and is marked `todo: 'FINDING SB-n: ...'` until fixed; the others stay
// as regression tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const {
  Authority, BlsSigningKey, ConsentToken, Grant, Policy, StreamInfo, VersionNotice,
  sealStream, sealStreamWithNotice, sealWithNotice, seal,
  reencryptWithConsent, reencryptBatchWithConsent, reencryptWithConsentUnder, reencryptBatchWithConsentUnder,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const T0 = 1_800_000_000;
const PAYLOAD = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);

/** An authority's notice service: its notice key, the bumped names, each notice verified
 * against the one before (as tests/revocation/common.rs). */
class NoticeService {
  constructor(authority, key = BlsSigningKey.generate()) {
    this.key = key;
    this.authority = authority.publicKey().id;
    this.now = T0;
    this.bumpCount = 0;
    this.versions = new Map();
    this.last = null;
  }

  sign({ serial, versions } = {}) {
    this.now += 1;
    const count = this.bumpCount;
    const head = new Uint8Array(32);
    if (count) {
      head.fill(0xbb, 0, 24);
      new DataView(head.buffer).setBigUint64(24, BigInt(count));
    }
    const at = serial ?? this.now;
    return VersionNotice.sign(this.key, {
      authority: this.authority, statementSerial: 0, serial: at, issuedAt: at, notAfter: at + 3600,
      bumpCount: count, bumpHead: head, versions: [...(versions ?? this.versions)],
    });
  }

  current() {
    const notice = this.sign();
    this.last = notice.verify(this.key.publicKey(), this.now, this.last);
    return this.last;
  }

  bump(names) {
    this.bumpCount += 1;
    for (const n of names) this.versions.set(n, (this.versions.get(n) ?? 0) + 1);
    return this.current();
  }

  /** A notice at the current versions, verified on its own (free it at will). */
  loose() {
    return this.sign().verify(this.key.publicKey(), this.now);
  }
}

/** `call` must throw exactly `cls` (a CipherchartError with its code, and `kind` if given). */
const throwsExactly = (call, cls, kind, what = '') => assert.throws(call, (e) => {
  assert.equal(e?.constructor, cls, `${what}: ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, cls.code, what);
  assert.ok(e instanceof cc.CipherchartError, what);
  if (kind !== undefined) assert.equal(e.kind, kind, what);
  return true;
});
const invalid = (call, what) => throwsExactly(call, cc.InvalidArgument, undefined, what);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const u32 = (bytes, at) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
const headerLen = (stream) => 8 + u32(stream, 4);

/** One authority; `old` issued before `role:gp` was bumped, `fresh` after. */
function world() {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const old = authority.issueKeyUnder(n0, ['role:gp', 'dept:icu']);
  const n1 = service.bump(['role:gp']);
  const fresh = authority.issueKeyUnder(n1, ['role:gp', 'dept:icu']);
  const policy = Policy.parse('role:gp and dept:icu');
  const seal3 = (payload = PAYLOAD, { id = enc('ecg-7'), meta = enc('lead II'), chunk = 100, notice = n1 } = {}) =>
    sealStreamWithNotice(pk, notice, policy, id, meta, payload, chunk);
  const seal2 = (payload = PAYLOAD, chunk = 100) => sealStream(pk, policy, enc('ecg-7'), enc('lead II'), payload, chunk);
  return { authority, pk, service, n0, n1, old, fresh, policy, seal3, seal2 };
}

// ---------------------------------------------------------------------------------------------
// sealStreamWithNotice arguments.

test('a chunkSize above 2^32 is refused, not taken modulo 2^32 (SB-1, fixed)', () => {
  // Attack: chunkSize = 2^32 + 1000 (a safe integer, so the number check passes), 2^33 + 64,
  // 2^32 + 2^24.
  // Safe: InvalidArgument (out of range), as for 2^24 + 1; never a stream with another chunk size.
  // Doc: d.ts sealStreamWithNotice "a chunk size out of range" (at most 16 MiB); checks.js
  // `number`: "a non-negative safe integer".
  const w = world();
  for (const size of [2 ** 32 + 1000, 2 ** 33 + 64, 2 ** 32 + 2 ** 24]) {
    for (const call of [() => w.seal3(PAYLOAD, { chunk: size }), () => sealStream(w.pk, w.policy, enc('s'), enc(''), PAYLOAD, size)]) {
      let got;
      try {
        got = StreamInfo.read(call()).chunkSize;
      } catch (e) {
        got = e;
      }
      assert.ok(got instanceof cc.InvalidArgument, `chunkSize ${size}: sealed with chunk size ${got}`);
    }
  }
});

test('every other bad chunkSize, notice, policy or key is refused with its class before sealing', () => {
  // Attack: chunkSize true, -1, 1.5, NaN, Infinity, '1000', 1000n, 0, 2^24 + 1, 2^32, 2^53; the
  // unverified VersionNotice, a freed VerifiedNotice, a VerifiedNotice and a Policy of the
  // verify-only build, another authority's notice, another authority's key for this notice, the
  // holder guard in the policy, an oversized id or metadata.
  // Safe: InvalidArgument, WrongAuthority or InvalidAttribute as documented; a 16 MiB chunk
  // size and `undefined`/`null` (the default) are accepted.
  // Doc: d.ts sealStreamWithNotice "# Errors"; checks.js (classes of this build, not freed).
  const w = world();
  for (const size of [true, -1, 1.5, NaN, Infinity, '1000', 1000n, 0, 2 ** 24 + 1, 2 ** 32, 2 ** 53]) {
    invalid(() => w.seal3(PAYLOAD, { chunk: size }), `chunkSize ${String(size)}`);
  }
  assert.equal(StreamInfo.read(w.seal3(PAYLOAD, { chunk: 2 ** 24 })).chunkSize, 2 ** 24);
  for (const chunk of [undefined, null]) {
    assert.equal(StreamInfo.read(sealStreamWithNotice(w.pk, w.n1, w.policy, enc('s'), enc(''), PAYLOAD, chunk)).chunkSize,
      cc.DEFAULT_CHUNK_SIZE);
  }
  const freed = w.service.loose();
  freed.free();
  const vNotice = v.VersionNotice.fromBytes(w.n1.notice.toBytes()).verify(v.BlsPublicKey.fromBytes(w.service.key.publicKey().toBytes()), w.service.now);
  for (const notice of [w.n1.notice, freed, vNotice, w.n1.notice.toBytes(), null, {}]) {
    invalid(() => sealStreamWithNotice(w.pk, notice, w.policy, enc('s'), enc(''), PAYLOAD), `notice ${notice?.constructor?.name}`);
  }
  invalid(() => sealStreamWithNotice(w.pk, w.n1, v.Policy.parse('role:gp'), enc('s'), enc(''), PAYLOAD), 'verify-only policy');
  const foreign = new NoticeService(Authority.setup()).current();
  throwsExactly(() => sealStreamWithNotice(w.pk, foreign, w.policy, enc('s'), enc(''), PAYLOAD), cc.WrongAuthority);
  throwsExactly(() => sealStreamWithNotice(Authority.setup().publicKey(), w.n1, w.policy, enc('s'), enc(''), PAYLOAD), cc.WrongAuthority);
  for (const text of ['cipherchart:key-holder', 'role:gp or cipherchart:key-holder']) {
    throwsExactly(() => sealStreamWithNotice(w.pk, w.n1, Policy.parse(text), enc('s'), enc(''), PAYLOAD), cc.InvalidAttribute);
  }
  invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, new Uint8Array(1025), enc(''), PAYLOAD), 'id');
  invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, enc('s'), new Uint8Array(65537), PAYLOAD), 'metadata');
});

test('byte arguments with lying lengths are read as the bytes they hold; Proxies and other views are refused', () => {
  // Attack: payload, stream id and metadata as a Uint8Array subclass whose length, byteLength,
  // subarray and iterator lie; as a Proxy of a Uint8Array (its length reads 4, then 4096); as
  // a DataView, a Uint16Array, an ArrayBuffer, a string; the same for openStream's stream and
  // StreamInfo.read.
  // Safe: a subclass is copied through the intrinsic accessors (the stream holds and opens to
  // its real 40 bytes, its id is its real bytes); everything else is InvalidArgument; the module
  // works afterwards.
  // Doc: checks.js header ("copied before the checks ... a lying `length` or a getter cannot
  // change what the call reads"; "a Proxy is not a Uint8Array").
  const w = world();
  class Liar extends Uint8Array {
    get length() { return 4; }
    get byteLength() { return 4; }
    subarray() { return new Uint8Array(4); }
    *[Symbol.iterator]() { yield 1; }
  }
  const payload = new Liar(40).fill(3);
  const id = new Liar(8).fill(0x41);
  const stream = sealStreamWithNotice(w.pk, w.n1, w.policy, id, new Liar(2).fill(0x42), payload, 16);
  assert.ok(same(w.fresh.openStream(w.pk, stream), new Uint8Array(40).fill(3)));
  const info = StreamInfo.read(stream);
  assert.ok(same(info.streamId, new Uint8Array(8).fill(0x41)) && same(info.metadata, new Uint8Array(2).fill(0x42)));
  const liarStream = new Liar(stream.length);
  liarStream.set(stream);
  assert.ok(same(w.fresh.openStream(w.pk, liarStream), new Uint8Array(40).fill(3)));
  assert.ok(StreamInfo.read(liarStream).equals(info));
  let reads = 0;
  const proxy = (t) => new Proxy(t, { get(target, k) {
    if (k === 'length' || k === 'byteLength') return (reads += 1) === 1 ? 4 : 4096;
    const value = Reflect.get(target, k, target);
    return typeof value === 'function' ? value.bind(target) : value;
  } });
  const others = [proxy(new Uint8Array(8)), new DataView(new ArrayBuffer(8)), new Uint16Array(4), new ArrayBuffer(8), 'bytes'];
  for (const bad of others) {
    invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, bad, enc(''), PAYLOAD), `id ${bad.constructor.name}`);
    invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, enc('s'), bad, PAYLOAD), `metadata ${bad.constructor.name}`);
    invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, enc('s'), enc(''), bad), `payload ${bad.constructor.name}`);
  }
  invalid(() => w.fresh.openStream(w.pk, proxy(stream)), 'openStream proxy');
  invalid(() => StreamInfo.read(proxy(stream)), 'StreamInfo.read proxy');
  invalid(() => w.fresh.openStream(w.pk, stream.buffer), 'openStream ArrayBuffer');
  assert.ok(same(w.fresh.openStream(w.pk, w.seal3()), PAYLOAD));
});

test('a number[] payload whose element getter changes its value is read once', () => {
  // Attack: the payload is an array of numbers whose element 0 is a getter: 7 on the first
  // read, 300 (or a string) on later reads; it also frees the notice on its second read.
  // Safe: the getter runs once (the checks' copy is what is sealed): the stream opens to 7, ...
  // Doc: checks.js "an array copied once by index (so a getter in it cannot change a byte after
  // the check)".
  const w = world();
  const notice = w.service.loose();
  const arr = [0, 1, 2, 3];
  let reads = 0;
  Object.defineProperty(arr, 0, { enumerable: true, get() {
    reads += 1;
    if (reads === 2) notice.free();
    return reads === 1 ? 7 : 300;
  } });
  const stream = sealStreamWithNotice(w.pk, notice, w.policy, enc('s'), enc(''), arr, 2);
  assert.equal(reads, 1);
  assert.deepEqual([...w.fresh.openStream(w.pk, stream)], [7, 1, 2, 3]);
});

test('SharedArrayBuffer views are read exactly, even while another thread writes them', async () => {
  // Attack: payload and stream as views into a SharedArrayBuffer at an offset; then a worker
  // thread flips the payload's bytes between 5 and 6 while the main thread seals it 30 times.
  // Safe: the views' exact bytes; under the race, every stream opens (never DecryptionFailed,
  // never a crash) to 40 bytes each 5 or 6: what was copied is what was sealed.
  // Doc: checks.js "a view of a buffer the caller changes later, cannot make the glue copy more
  // or other bytes than were checked".
  const w = world();
  const sab = new SharedArrayBuffer(64);
  const view = new Uint8Array(sab, 8, 40);
  view.fill(5);
  const stream = w.seal3(view, { chunk: 16 });
  assert.ok(same(w.fresh.openStream(w.pk, stream), new Uint8Array(40).fill(5)));
  const shared = new Uint8Array(new SharedArrayBuffer(stream.length + 16), 16, stream.length);
  shared.set(stream);
  assert.ok(same(w.fresh.openStream(w.pk, shared), new Uint8Array(40).fill(5)));
  assert.ok(StreamInfo.read(shared).equals(StreamInfo.read(stream)));
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const { workerData } = require('node:worker_threads');
    const bytes = new Uint8Array(workerData.sab, 8, 40);
    const flag = new Int32Array(workerData.flag);
    Atomics.store(flag, 0, 1);
    while (Atomics.load(flag, 0) === 1) for (let i = 0; i < 40; i++) bytes[i] = bytes[i] === 5 ? 6 : 5;
  `, { eval: true, workerData: { sab, flag: flag.buffer } });
  try {
    const started = Date.now();
    while (Atomics.load(flag, 0) !== 1) {
      assert.ok(Date.now() - started < 30_000, 'the worker never started');
      await new Promise((r) => setTimeout(r, 5));
    }
    for (let i = 0; i < 30; i++) {
      const out = w.fresh.openStream(w.pk, w.seal3(view, { chunk: 16 }));
      assert.equal(out.length, 40);
      assert.ok(out.every((b) => b === 5 || b === 6));
    }
  } finally {
    Atomics.store(flag, 0, 2);
    await worker.terminate();
  }
});

test('a detached buffer is refused with InvalidArgument (SB-4, fixed)', () => {
  // Attack: payload, stream id, metadata, openStream's stream and StreamInfo.read's bytes as a
  // Uint8Array whose buffer was transferred (structuredClone with transfer, or postMessage).
  // Safe: InvalidArgument (code invalid_argument), as for any byte argument that is not bytes;
  // never a stream sealed over an empty payload, never an error outside CipherchartError.
  // Doc: checks.js header (a wrong argument throws InvalidArgument ... nothing is called).
  const w = world();
  const detached = (bytes) => {
    const copy = Uint8Array.from(bytes);
    structuredClone(copy.buffer, { transfer: [copy.buffer] });
    assert.equal(copy.length, 0);
    return copy;
  };
  const stream = w.seal3();
  invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, enc('s'), enc(''), detached(PAYLOAD)), 'payload');
  invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, detached(enc('ecg')), enc(''), PAYLOAD), 'id');
  invalid(() => sealStreamWithNotice(w.pk, w.n1, w.policy, enc('s'), detached(enc('m')), PAYLOAD), 'metadata');
  invalid(() => w.fresh.openStream(w.pk, detached(stream)), 'openStream');
  invalid(() => StreamInfo.read(detached(stream)), 'StreamInfo.read');
});

// ---------------------------------------------------------------------------------------------
// Opening and StreamInfo.

test('a key that may not open a v3 stream gets nothing, whatever the header is relabelled to', () => {
  // Attack: open with (1) the key issued before the bump, (2) the right key and another
  // authority's public key, (3) a key of another authority, (4) the old key on a header whose
  // version vector was relabelled to 0, (5) the fresh key on a header whose notice serial was
  // relabelled, (6) the degraded flag set.
  // Safe: PolicyNotSatisfied, WrongAuthority, WrongAuthority, DecryptionFailed,
  // DecryptionFailed, InvalidEncoding or DecryptionFailed; nothing is returned. StreamInfo.read
  // reports the relabelled fields (unauthenticated) but the open refuses them.
  // Doc: revocation.md §0.2 "R1 for streams"; formats.md "KEM header v3" (vector and serial in
  // the FO coins); d.ts openStream "Nothing partial is returned".
  const w = world();
  const stream = w.seal3();
  throwsExactly(() => w.old.openStream(w.pk, stream), cc.PolicyNotSatisfied);
  throwsExactly(() => w.fresh.openStream(Authority.setup().publicKey(), stream), cc.WrongAuthority);
  throwsExactly(() => Authority.setup().issueKey(['role:gp', 'dept:icu']).openStream(w.pk, stream), cc.WrongAuthority);
  // The KEM header: authority (32), notice serial (u64), flags (u8), policy (u32 len, bytes),
  // then the version vector (u32 n, n × u32).
  const id = w.pk.id;
  const at = stream.findIndex((_, i) => id.every((b, j) => stream[i + j] === b));
  const dv = new DataView(stream.buffer, stream.byteOffset);
  assert.equal(dv.getBigUint64(at + 32), BigInt(w.n1.serial));
  const vector = at + 45 + dv.getUint32(at + 41);
  assert.deepEqual([0, 1, 2, 3].map((i) => dv.getUint32(vector + 4 * i)), [3, 1, 0, 0]);
  const relabelled = stream.slice();
  new DataView(relabelled.buffer).setUint32(vector + 4, 0);
  assert.deepEqual(StreamInfo.read(relabelled).attributeVersions(), [['role:gp', 0], ['dept:icu', 0]]);
  throwsExactly(() => w.old.openStream(w.pk, relabelled), cc.DecryptionFailed);
  const reserial = stream.slice();
  new DataView(reserial.buffer).setBigUint64(at + 32, BigInt(w.n0.serial));
  assert.equal(StreamInfo.read(reserial).noticeSerial, w.n0.serial);
  throwsExactly(() => w.fresh.openStream(w.pk, reserial), cc.DecryptionFailed);
  const degraded = stream.slice();
  degraded[at + 40] = 1;
  assert.throws(() => w.fresh.openStream(w.pk, degraded), (e) => e instanceof cc.InvalidEncoding || e instanceof cc.DecryptionFailed);
});

test('frames of v2 and of other v3 streams never open under a v3 header', () => {
  // Attack: splice the frames of another v3 stream (same id, metadata, chunk size), of a v2
  // stream under the v3 header, v3 frames under the v2 header (opened by a key at version 0);
  // swap two frames; add a byte after the last frame; drop the last frame; flip a bit in frame 3.
  // Safe: DecryptionFailed, except the trailing byte: InvalidEncoding kind trailing_bytes;
  // nothing partial returned.
  // Doc: formats.md "Stream v3" ("chunks of another stream (v2 or v3, same id and metadata) fail
  // with DecryptionFailed") and "Stream (tag 0x06)" (end rules).
  const w = world();
  const a = w.seal3();
  const b = w.seal3(PAYLOAD.slice().reverse());
  const v2 = w.seal2();
  const [ha, hb, h2] = [headerLen(a), headerLen(b), headerLen(v2)];
  const cat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const frame = 5 + 100 + 16;
  throwsExactly(() => w.fresh.openStream(w.pk, cat(a.subarray(0, ha), b.subarray(hb))), cc.DecryptionFailed);
  throwsExactly(() => w.fresh.openStream(w.pk, cat(a.subarray(0, ha), v2.subarray(h2))), cc.DecryptionFailed);
  const v0 = w.authority.issueKey(['role:gp', 'dept:icu']);
  assert.ok(same(v0.openStream(w.pk, v2), PAYLOAD));
  throwsExactly(() => v0.openStream(w.pk, cat(v2.subarray(0, h2), a.subarray(ha))), cc.DecryptionFailed);
  const swapped = cat(a.subarray(0, ha), a.subarray(ha + frame, ha + 2 * frame), a.subarray(ha, ha + frame), a.subarray(ha + 2 * frame));
  throwsExactly(() => w.fresh.openStream(w.pk, swapped), cc.DecryptionFailed);
  throwsExactly(() => w.fresh.openStream(w.pk, cat(a, [0])), cc.InvalidEncoding, 'trailing_bytes');
  throwsExactly(() => w.fresh.openStream(w.pk, a.subarray(0, ha + Math.floor(PAYLOAD.length / 100) * frame)), cc.DecryptionFailed);
  const damaged = a.slice();
  damaged[ha + 3 * frame + 20] ^= 1;
  throwsExactly(() => w.fresh.openStream(w.pk, damaged), cc.DecryptionFailed);
});

test('StreamInfo tells v2 from v3, and refuses relabelled version bytes', () => {
  // Attack: compare the StreamInfo of a v2 and a v3 stream with the same id, metadata, policy and
  // chunk size, and of v3 streams under two notices; relabel a v3 header's version byte to 2 and
  // a v2 header's to 3; mutate the arrays the getters return.
  // Safe: v2 and v3 differ (noticeSerial undefined vs the serial, versions 0 vs the notice's),
  // two notices differ, equal streams are equal; relabelled headers are InvalidEncoding; the
  // getters hand out copies.
  // Doc: d.ts StreamInfo (noticeSerial "`undefined` for a format v2 stream"); formats.md "Stream v3".
  const w = world();
  const i3 = StreamInfo.read(w.seal3());
  const i2 = StreamInfo.read(w.seal2());
  const i0 = StreamInfo.read(w.seal3(PAYLOAD, { notice: w.n0 }));
  assert.ok(same(i3.streamId, i2.streamId) && same(i3.metadata, i2.metadata) && i3.policy.equals(i2.policy));
  assert.equal(i3.chunkSize, i2.chunkSize);
  assert.equal(i3.equals(i2), false);
  assert.equal(i3.equals(i0), false);
  // Equal streams are equal; since StreamInfo names the KEM header's digest (1243710), another
  // sealing with the same id, metadata, policy and chunk size is another header.
  const s3 = w.seal3(enc('other payload'));
  assert.equal(StreamInfo.read(s3).equals(StreamInfo.read(s3)), true);
  assert.equal(i3.equals(StreamInfo.read(s3)), false);
  assert.equal(same(i3.headerDigest, StreamInfo.read(s3).headerDigest), false);
  assert.deepEqual([i3.noticeSerial, i2.noticeSerial, i0.noticeSerial], [w.n1.serial, undefined, w.n0.serial]);
  assert.deepEqual(i3.attributeVersions(), [['role:gp', 1], ['dept:icu', 0]]);
  assert.deepEqual(i2.attributeVersions(), [['role:gp', 0], ['dept:icu', 0]]);
  i3.attributeVersions()[0][1] = 0;
  i3.streamId.fill(0);
  assert.deepEqual(i3.attributeVersions(), [['role:gp', 1], ['dept:icu', 0]]);
  assert.ok(same(i3.streamId, enc('ecg-7')));
  for (const [stream, version] of [[w.seal3(), 2], [w.seal2(), 3]]) {
    const bad = stream.slice();
    bad[3] = version;
    throwsExactly(() => StreamInfo.read(bad), cc.InvalidEncoding);
    throwsExactly(() => w.fresh.openStream(w.pk, bad), cc.InvalidEncoding);
  }
});

test('a freed StreamInfo refuses every getter, method and free; forged receivers too', () => {
  // Attack: free a StreamInfo, then read noticeSerial, chunkSize, streamId, metadata, policy,
  // call attributeVersions(), equals(), free() again, and pass it to equals of a live one; call
  // the getters and methods on Object.create(StreamInfo.prototype) and on a plain object.
  // Safe: InvalidArgument every time, never a value read from freed memory or a plain Error.
  // Doc: revocation.md §0.2 (RB-4: "a freed object's getters and free() are InvalidArgument");
  // checks.js ("The object a method, a getter or free() is called on must pass the same class check").
  const w = world();
  const stream = w.seal3();
  const info = StreamInfo.read(stream);
  info.free();
  for (const g of ['noticeSerial', 'chunkSize', 'streamId', 'metadata', 'policy']) invalid(() => info[g], g);
  invalid(() => info.attributeVersions(), 'attributeVersions');
  invalid(() => info.free(), 'free');
  invalid(() => StreamInfo.read(stream).equals(info), 'equals(freed)');
  invalid(() => info.equals(StreamInfo.read(stream)), 'freed.equals');
  for (const self of [Object.create(StreamInfo.prototype), {}]) {
    for (const g of ['noticeSerial', 'chunkSize', 'streamId', 'metadata', 'policy']) {
      invalid(() => Object.getOwnPropertyDescriptor(StreamInfo.prototype, g).get.call(self), `forged ${g}`);
    }
    invalid(() => StreamInfo.prototype.attributeVersions.call(self), 'forged attributeVersions');
  }
  assert.equal(StreamInfo.read(stream).noticeSerial, w.n1.serial);
});

// ---------------------------------------------------------------------------------------------
// Consent helpers with notices.

/** A patient's v3 grant: record, re-key, consent (category x), notices. */
function grants() {
  const authority = Authority.setup();
  const pk = authority.publicKey();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const patient = BlsSigningKey.generate();
  const letter = sealWithNotice(pk, n0, Policy.parse('patient:42'), enc('letter-1'), enc(''), enc('letter'));
  const rk = authority.issueDelegationKeyUnder(n0, ['patient:42'], patient.publicKey()).rekeyUnder(pk, n0, Policy.parse('role:gp'));
  const consentFor = (key) => ConsentToken.issueGrant(patient, new Grant('42', Policy.parse('role:gp'), T0, T0 + 86_400)
    .purposes(['treatment']).categories(['x']).rekey(key)).verify(patient.publicKey(), T0 + 10);
  const consent = consentFor(rk);
  return { authority, pk, service, n0, patient, letter, rk, consent, consentFor };
}

test('the notices array takes only live verified notices of this build, and only arrays', () => {
  // Attack: notices = [VersionNotice], [bytes], [a freed VerifiedNotice], [a verify-only-build
  // VerifiedNotice], [null], [[n0]], a Set, a generator, an array-like, a string, a sparse array
  // of length 2^32 - 1; the consent as a verify-only-build VerifiedConsent; [] and
  // foreign-only notices; 10 000 copies of one notice.
  // Safe: InvalidArgument for each bad one (single and batch helper), before any record; [] and
  // foreign-only are WrongAuthority; the huge array works and is answered promptly.
  // Doc: d.ts reencryptWithConsentUnder (`notices: Array<VerifiedNotice>`); checks.js header.
  const g = grants();
  const freed = g.service.loose();
  freed.free();
  const vKey = v.BlsPublicKey.fromBytes(g.service.key.publicKey().toBytes());
  const vNotice = v.VersionNotice.fromBytes(g.n0.notice.toBytes()).verify(vKey, g.service.now);
  const sparse = [];
  sparse.length = 2 ** 32 - 1;
  function* gen() { yield g.n0; }
  const bads = [[g.n0.notice], [g.n0.notice.toBytes()], [freed], [vNotice], [null], [[g.n0]], new Set([g.n0]), gen(),
    { length: 1, 0: g.n0 }, 'n0', sparse, [g.n0, undefined]];
  for (const notices of bads) {
    invalid(() => reencryptWithConsentUnder(g.consent, g.rk, notices, g.letter, 'x', 'treatment'), `single ${notices?.constructor?.name}`);
    invalid(() => reencryptBatchWithConsentUnder(g.consent, g.rk, notices, [g.letter], ['x'], 'treatment'), `batch ${notices?.constructor?.name}`);
  }
  const vConsent = v.ConsentToken.fromBytes(ConsentToken.issueGrant(g.patient, new Grant('42', Policy.parse('role:gp'), T0, T0 + 86_400)
    .purposes(['treatment']).rekey(g.rk)).toBytes()).verify(v.BlsPublicKey.fromBytes(g.patient.publicKey().toBytes()), T0 + 10);
  invalid(() => reencryptWithConsentUnder(vConsent, g.rk, [g.n0], g.letter, 'x', 'treatment'), 'verify-only consent');
  throwsExactly(() => reencryptWithConsentUnder(g.consent, g.rk, [], g.letter, 'x', 'treatment'), cc.WrongAuthority);
  throwsExactly(() => reencryptWithConsentUnder(g.consent, g.rk, [new NoticeService(Authority.setup()).current()], g.letter, 'x',
    'treatment'), cc.WrongAuthority);
  const reference = reencryptWithConsentUnder(g.consent, g.rk, [g.n0], g.letter, 'x', 'treatment');
  const started = Date.now();
  assert.ok(reencryptWithConsentUnder(g.consent, g.rk, new Array(10_000).fill(g.n0), g.letter, 'x', 'treatment').equals(reference));
  assert.ok(Date.now() - started < 10_000);
});

test('a getter in the notices or records array that frees another argument is caught before any call', () => {
  // Attack: element 0 of notices is a getter that frees the consent, the re-key, the record or
  // another notice of the array; element 0 of the batch's records frees the notice given.
  // Safe: the arrays are read once, before the checks, so the freed object is seen: InvalidArgument,
  // the getter runs once; never a call on freed memory.
  // Doc: checks.js snapshot ("a getter in an array cannot ... free the receiver after it was checked").
  const results = [];
  for (const victim of ['consent', 'rekey', 'record', 'other-notice', 'batch-notice']) {
    const g = grants();
    const objects = { consent: g.consent, rekey: g.rk, record: g.letter };
    const extra = g.service.loose();
    let reads = 0;
    const notices = [];
    const records = [];
    const getter = (value) => ({ enumerable: true, get() {
      reads += 1;
      if (victim === 'other-notice' || victim === 'batch-notice') extra.free();
      else objects[victim].free();
      return value;
    } });
    if (victim === 'batch-notice') {
      notices.push(extra);
      Object.defineProperty(records, 0, getter(g.letter));
    } else {
      Object.defineProperty(notices, 0, getter(g.n0));
      notices.push(extra);
      records.push(g.letter);
    }
    const call = victim === 'batch-notice'
      ? () => reencryptBatchWithConsentUnder(g.consent, g.rk, notices, records, ['x'], 'treatment')
      : () => reencryptWithConsentUnder(g.consent, g.rk, notices, g.letter, 'x', 'treatment');
    let outcome;
    try {
      call();
      outcome = 'accepted';
    } catch (e) {
      outcome = e instanceof cc.InvalidArgument ? 'refused' : `${e.constructor.name}: ${e.message}`;
    }
    results.push([victim, outcome, reads]);
  }
  assert.deepEqual(results.map(([victim]) => [victim, 'refused', 1]), results);
});

test('the checks run in the documented order, before any record', () => {
  // Attack: combine failures so that a later check could mask an earlier one: another patient's
  // consent naming this re-key's digest, with stale notices; the right consent with stale
  // notices and an out-of-scope category or purpose; an older notice than the re-key; notices
  // of one authority under two notice keys, and two different notices with one serial, each
  // with an out-of-scope record.
  // Safe: ConsentError rekey_mismatch first, then StaleReKey / FutureVersion /
  // InvalidArgument, then ConsentError not_permitted.
  // Doc: d.ts reencryptWithConsentUnder "# Errors" order; revocation.md §0.5 last bullet.
  const g = grants();
  const n1 = g.service.bump(['role:gp']);
  const other = BlsSigningKey.generate();
  const theirs = ConsentToken.issueGrant(other, new Grant('43', Policy.parse('role:gp'), T0, T0 + 86_400)
    .purposes(['treatment']).rekeyDigest(cc.rekeyDigest(g.rk))).verify(other.publicKey(), T0 + 10);
  for (const notices of [[n1], [g.n0]]) {
    throwsExactly(() => reencryptWithConsentUnder(theirs, g.rk, notices, g.letter, 'x', 'treatment'), cc.ConsentError, 'rekey_mismatch');
  }
  throwsExactly(() => reencryptWithConsentUnder(g.consent, g.rk, [n1], g.letter, 'y', 'treatment'), cc.StaleReKey);
  throwsExactly(() => reencryptWithConsentUnder(g.consent, g.rk, [g.n0, n1], g.letter, 'x', 'marketing'), cc.StaleReKey);
  throwsExactly(() => reencryptWithConsentUnder(g.consent, g.rk, [g.n0], g.letter, 'y', 'treatment'), cc.ConsentError, 'not_permitted');
  const fresh = g.authority.issueDelegationKeyUnder(n1, ['patient:42'], g.patient.publicKey()).rekeyUnder(g.pk, n1, Policy.parse('role:gp'));
  const freshConsent = g.consentFor(fresh);
  throwsExactly(() => reencryptWithConsentUnder(freshConsent, fresh, [g.n0], g.letter, 'x', 'treatment'), cc.FutureVersion);
  const rogue = new NoticeService(g.authority).current();
  const equivocal = g.service.sign({ serial: n1.serial, versions: new Map([['role:gp', 1], ['role:x', 1]]) })
    .verify(g.service.key.publicKey(), n1.serial + 5);
  assert.equal(equivocal.serial, n1.serial);
  for (const notices of [[n1, rogue], [rogue, n1], [n1, equivocal], [equivocal, n1]]) {
    throwsExactly(() => reencryptWithConsentUnder(freshConsent, fresh, notices, g.letter, 'y', 'treatment'), cc.InvalidArgument);
    throwsExactly(() => reencryptBatchWithConsentUnder(freshConsent, fresh, notices, [g.letter], ['y'], 'treatment'), cc.InvalidArgument);
  }
});

test('a stale re-key fails the whole batch; a current one answers slot by slot; categories must match', () => {
  // Attack: a stale re-key with an empty batch, a batch of junk bytes and one of 50 records;
  // categories shorter and longer than records (current and stale); a category with a lone
  // surrogate; then a current re-key on a batch mixing a v3 record, a v2 record, junk bytes,
  // the v3 record again (as an object and as bytes), an out-of-scope category and another
  // patient's record.
  // Safe: StaleReKey for the whole stale batch whatever its records; InvalidArgument for the
  // length mismatch and the surrogate; per slot: a hop, InvalidArgument, InvalidEncoding, the
  // same hop twice, ConsentError not_permitted, PolicyNotSatisfied.
  // Doc: d.ts reencryptBatchWithConsentUnder ("Throws for the whole batch as
  // reencryptWithConsentUnder does for the re-key, and InvalidArgument if categories is not as
  // long as records"); reencryptBatchWithConsent ("a record the consent does not cover gets a
  // ConsentError in its slot").
  const g = grants();
  const n1 = g.service.bump(['role:gp']);
  for (const [records, cats] of [[[], []], [[enc('junk')], ['x']], [new Array(50).fill(g.letter), new Array(50).fill('x')]]) {
    throwsExactly(() => reencryptBatchWithConsentUnder(g.consent, g.rk, [n1], records, cats, 'treatment'), cc.StaleReKey);
  }
  for (const notices of [[g.n0], [n1]]) {
    for (const cats of [[], ['x'], ['x', 'x', 'x']]) {
      invalid(() => reencryptBatchWithConsentUnder(g.consent, g.rk, notices, [g.letter, g.letter], cats, 'treatment'), `${cats.length} categories`);
    }
  }
  invalid(() => reencryptBatchWithConsentUnder(g.consent, g.rk, [g.n0], [g.letter], ['x\ud800'], 'treatment'), 'surrogate');
  const v2 = seal(g.pk, Policy.parse('patient:42'), enc('v2'), enc(''), enc('old'));
  const stranger = sealWithNotice(g.pk, g.n0, Policy.parse('patient:43'), enc('r43'), enc(''), enc('not yours'));
  const out = reencryptBatchWithConsentUnder(g.consent, g.rk, [g.n0],
    [g.letter, v2, enc('junk'), g.letter, g.letter.toBytes(), g.letter, stranger], ['x', 'x', 'x', 'x', 'x', 'y', 'x'], 'treatment');
  assert.equal(out.length, 7);
  for (const i of [0, 3, 4]) assert.ok(out[i] instanceof cc.SealedRecord, `slot ${i}: ${out[i]}`);
  assert.ok(out[0].equals(out[3]) && out[0].equals(out[4]));
  assert.equal(new TextDecoder().decode(g.authority.issueKeyUnder(g.n0, ['role:gp']).open(g.pk, out[0])), 'letter');
  const expected = [[1, cc.InvalidArgument], [2, cc.InvalidEncoding], [5, cc.ConsentError, 'not_permitted'], [6, cc.PolicyNotSatisfied]];
  for (const [i, cls, kind] of expected) {
    assert.equal(out[i]?.constructor, cls, `slot ${i}: ${out[i]}`);
    assert.equal(out[i].code, cls.code);
    if (kind) assert.equal(out[i].kind, kind);
  }
});

test('the helpers without notices refuse v3 re-keys; v2 re-keys are checked under notices', () => {
  // Attack: a v3 re-key through reencryptWithConsent and reencryptBatchWithConsent, also with
  // an empty batch; a v2 re-key through the Under helpers after a notice bumped its target
  // name, then its delegated name; a v2 re-key on a v3 record.
  // Safe: InvalidArgument for v3 through the old helpers (even empty); StaleReKey for the bumped
  // v2 re-key (single and batch); InvalidArgument for the v2 re-key on a v3 record.
  // Doc: d.ts reencryptWithConsent ("A format v3 re-key is refused (InvalidArgument)");
  // reencryptWithConsentUnder ("Takes format v2 and v3 re-keys").
  const g = grants();
  throwsExactly(() => reencryptWithConsent(g.consent, g.rk, g.letter, 'x', 'treatment'), cc.InvalidArgument);
  throwsExactly(() => reencryptBatchWithConsent(g.consent, g.rk, [g.letter], ['x'], 'treatment'), cc.InvalidArgument);
  throwsExactly(() => reencryptBatchWithConsent(g.consent, g.rk, [], [], 'treatment'), cc.InvalidArgument);
  const v2Record = seal(g.pk, Policy.parse('patient:42'), enc('old-letter'), enc(''), enc('v2 letter'));
  const v2 = g.authority.issueDelegationKey(['patient:42'], g.patient.publicKey()).rekey(g.pk, Policy.parse('role:gp'));
  const consent = g.consentFor(v2);
  assert.equal(reencryptWithConsentUnder(consent, v2, [g.n0], v2Record, 'x', 'treatment').hopCount, 1);
  throwsExactly(() => reencryptWithConsentUnder(consent, v2, [g.n0], g.letter, 'x', 'treatment'), cc.InvalidArgument);
  for (const names of [['role:gp'], ['patient:42']]) {
    const notice = g.service.bump(names);
    throwsExactly(() => reencryptWithConsentUnder(consent, v2, [notice], v2Record, 'x', 'treatment'), cc.StaleReKey);
    throwsExactly(() => reencryptBatchWithConsentUnder(consent, v2, [notice], [v2Record], ['x'], 'treatment'), cc.StaleReKey);
  }
});

test('a referral is checked under both authorities\' notices', () => {
  // Attack: a re-key from authority A to B's audience, used with A's notice only, B's only,
  // both, B's after a bump of the target name, and A's after a bump of the same name at A.
  // Safe: WrongAuthority, WrongAuthority, a hop B's gp opens, StaleReKey, a hop.
  // Doc: d.ts reencryptWithConsentUnder ("the current version notices of its source and target
  // authorities"); revocation.md §0.1 step 5.
  const [a, b] = [Authority.setup(), Authority.setup()];
  const [sa, sb] = [new NoticeService(a), new NoticeService(b)];
  const [na, nb] = [sa.current(), sb.current()];
  const patient = BlsSigningKey.generate();
  const record = sealWithNotice(a.publicKey(), na, Policy.parse('patient:42'), enc('referral'), enc(''), enc('cardiology letter'));
  const rk = a.issueDelegationKeyUnder(na, ['patient:42'], patient.publicKey()).rekeyUnder(b.publicKey(), nb, Policy.parse('role:gp'));
  const consent = ConsentToken.issueGrant(patient, new Grant('42', Policy.parse('role:gp'), T0, T0 + 86_400)
    .purposes(['treatment']).rekey(rk)).verify(patient.publicKey(), T0 + 10);
  const under = (notices) => reencryptWithConsentUnder(consent, rk, notices, record, 'x', 'treatment');
  throwsExactly(() => under([na]), cc.WrongAuthority);
  throwsExactly(() => under([nb]), cc.WrongAuthority);
  const shared = under([nb, na]);
  assert.equal(new TextDecoder().decode(b.issueKeyUnder(nb, ['role:gp']).openFederated([a.publicKey(), b.publicKey()], shared)),
    'cardiology letter');
  const nb1 = sb.bump(['role:gp']);
  throwsExactly(() => under([na, nb, nb1]), cc.StaleReKey);
  assert.equal(under([sa.bump(['role:gp']), nb]).hopCount, 1);
});
