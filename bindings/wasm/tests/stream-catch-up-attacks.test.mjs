// Outside review of the catch-up of stored streams through the JavaScript (WASM) binding
// (attacks). Each test is one attack, written from the docs and the typings only
// (docs/formats.md "Stream v3", "A re-wrapped header", "Trailer"; docs/revocation.md §0.1 step 4,
// §0.6; pkg/web/cipherchart.d.ts; bindings/wasm/README.md): the attack and the safe behaviour it
// asserts. An attack that succeeds is a finding: its test keeps asserting the safe behaviour and
// is skipped with the finding's id.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

import { NoticeService, T0 } from './notice-service.mjs';

const {
  Authority, Entry, Policy, StreamInfo, Trailer, VersionNotice, sealStream, sealStreamWithNotice,
  streamTrailer,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const ATTRS = ['role:nurse', 'dept:icu'];
const POLICY = 'role:nurse and dept:icu';
const is = (cls, kind) => (e) => e instanceof cls && e.code === cls.code && (kind === undefined || e.kind === kind);
const invalid = (f, msg) => assert.throws(f, is(cc.InvalidArgument), msg);
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b) => Buffer.from(b).toString('hex');

/** An authority, a v3 stream closed under n0 and its trailer, the bump n1 (role:nurse). */
function world(size = 5000, chunk = 1024) {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const oldKey = authority.issueKeyUnder(n0, ATTRS);
  const data = Uint8Array.from({ length: size }, (_, i) => ((i * 31) % 251) ^ 7);
  const seal3 = () => sealStreamWithNotice(authority.publicKey(), n0, Policy.parse(POLICY), enc('ecg'), enc('ward 3'), data, chunk);
  const stream = seal3();
  const trailer = streamTrailer(stream);
  const n1 = service.bump('role:nurse');
  const newKey = authority.issueKeyUnder(n1, ATTRS);
  const caughtUp = (s) => {
    assert.ok(same(newKey.openStream(authority.publicKey(), s), data));
    assert.throws(() => oldKey.openStream(authority.publicKey(), s), is(cc.PolicyNotSatisfied));
  };
  const v2 = () => sealStream(authority.publicKey(), Policy.parse(POLICY), enc('ecg'), enc('ward 3'), data, chunk);
  return { authority, service, n0, n1, oldKey, newKey, data, seal3, stream, trailer, caughtUp, v2 };
}

const withCount = (trailer, count) => {
  const b = trailer.toBytes();
  new DataView(b.buffer, b.byteOffset).setBigUint64(4 + 1 + 4 + trailer.id.length + 64, count);
  return Trailer.fromBytes(b);
};
const asSession = (trailer) => {
  const b = trailer.toBytes();
  b[4] = 1;
  return Trailer.fromBytes(b);
};

test('CB-15: null/undefined where a trailer is required, a trailer where none is', () => {
  // Safe: InvalidArgument; a v2 stream with null (or undefined, the optional) is re-encrypted
  // and the revoked key opens nothing.
  const w = world();
  const rewrapped = w.authority.rewrapStream(w.stream, w.trailer, w.n1);
  const v2 = w.v2();
  for (const t of [null, undefined]) {
    invalid(() => w.authority.rewrapStream(w.stream, t, w.n1), `rewrap ${t}`);
    invalid(() => w.authority.reencryptStream(w.stream, t, w.n1), `reencrypt v3 ${t}`);
    invalid(() => w.authority.reencryptStream(rewrapped, t, w.n1), `reencrypt re-wrapped ${t}`);
    w.caughtUp(w.authority.reencryptStream(v2, t, w.n1));
  }
  invalid(() => w.authority.reencryptStream(v2, w.trailer, w.n1), 'v2 with a trailer');
  invalid(() => w.authority.rewrapStream(v2, w.trailer, w.n1), 'rewrap v2');
  invalid(() => w.authority.reencryptStream(w.stream), 'missing arguments');
  w.caughtUp(rewrapped);
});

test('CB-16: objects that are not a live Trailer of this build', () => {
  // Attack: bytes, a StreamInfo, {}, an object from Trailer.prototype, a Proxy of a Trailer, a
  // forged object holding a live Trailer's pointer, a freed Trailer, a Trailer with an own
  // property added. Safe: InvalidArgument, before anything runs; the real trailer still works.
  const w = world();
  const forged = Object.create(Trailer.prototype);
  forged.__wbg_ptr = w.trailer.__wbg_ptr;
  const freed = Trailer.fromBytes(w.trailer.toBytes());
  freed.free();
  const altered = Trailer.fromBytes(w.trailer.toBytes());
  Object.defineProperty(altered, 'kind', { value: 'stream' });
  const wrong = [w.trailer.toBytes(), [...w.trailer.toBytes()], StreamInfo.read(w.stream), {}, 0, false, 'stream',
    Object.create(Trailer.prototype), new Proxy(w.trailer, {}), forged, freed, altered];
  for (const t of wrong) {
    invalid(() => w.authority.rewrapStream(w.stream, t, w.n1), 'rewrap');
    invalid(() => w.authority.reencryptStream(w.stream, t, w.n1), 'reencrypt');
    invalid(() => Entry.forStreamClose(t, T0), 'forStreamClose');
    invalid(() => w.trailer.equals(t), 'equals');
  }
  invalid(() => freed.free(), 'free twice');
  invalid(() => freed.toBytes(), 'freed toBytes');
  w.caughtUp(w.authority.rewrapStream(w.stream, w.trailer, w.n1));
});

test('CB-17: a number[] stream whose element getter frees the trailer, the notice or the authority', () => {
  // Attack: the stream as an array whose element 0 is a getter that frees an argument or the
  // receiver while the arguments are copied. Safe: InvalidArgument (the freed object is caught
  // by the checks after the copy) or a whole caught-up stream, never a read of freed memory;
  // the module works afterwards.
  for (const victim of ['trailer', 'notice', 'authority']) {
    const w = world();
    const t = Trailer.fromBytes(w.trailer.toBytes());
    const n = w.service.current();
    const a = Authority.fromSecretBytes(w.authority.toSecretBytes());
    const arr = [...w.stream];
    let reads = 0;
    Object.defineProperty(arr, 0, { enumerable: true, get() {
      reads += 1;
      ({ trailer: t, notice: n, authority: a })[victim].free();
      return w.stream[0];
    } });
    for (const call of [() => a.rewrapStream(arr, t, n), () => a.reencryptStream(arr, t, n)]) {
      try {
        w.caughtUp(call());
      } catch (e) {
        assert.ok(is(cc.InvalidArgument)(e), `${victim}: ${e}`);
      }
    }
    assert.ok(reads >= 1);
    w.caughtUp(w.authority.rewrapStream(w.stream, w.trailer, w.n1));
  }
});

test('CB-18: a Trailer with a count above 2^53', () => {
  // Attack: trailers of this stream with counts 2^53 and 2^53 + 1 (the same JavaScript number),
  // and 2^64 - 1. Safe (README: values above 2^53 in decoded data read back rounded; compare
  // through the library): equals tells them apart, their bytes and digests differ, both catch-ups
  // refuse them (DecryptionFailed) and the close entry logs the exact bytes.
  const w = world();
  const a = withCount(w.trailer, 2n ** 53n);
  const b = withCount(w.trailer, 2n ** 53n + 1n);
  assert.equal(a.count, b.count);
  assert.ok(!a.equals(b) && !same(a.digest, b.digest) && !same(a.toBytes(), b.toBytes()));
  for (const t of [a, b, withCount(w.trailer, 2n ** 64n - 1n)]) {
    assert.ok(Number.isFinite(t.count) && t.count >= 2 ** 53);
    assert.throws(() => w.authority.rewrapStream(w.stream, t, w.n1), is(cc.DecryptionFailed));
    assert.throws(() => w.authority.reencryptStream(w.stream, t, w.n1), is(cc.DecryptionFailed));
    const draft = Entry.forStreamClose(t, T0);
    assert.ok(same(draft.metadata, t.toBytes()) && same(draft.digest, t.digest));
  }
});

test('CB-19: times out of range for the chain entries', () => {
  // Safe: InvalidArgument for anything but a non-negative safe integer of seconds up to
  // 9999-12-31 (a Date.now() in milliseconds included).
  const w = world();
  const old = StreamInfo.read(w.stream);
  const caught = StreamInfo.read(w.authority.rewrapStream(w.stream, w.trailer, w.n1));
  for (const t of [-1, -0.5, 1.5, NaN, Infinity, 2 ** 53, 253_402_300_800, Date.now(), 10n, '1', null, undefined, true, {}]) {
    invalid(() => Entry.forStreamClose(w.trailer, t), `close ${String(t)}`);
    invalid(() => Entry.forStreamCatchUp(old, caught, t), `catch-up ${String(t)}`);
  }
  assert.equal(Entry.forStreamClose(w.trailer, 253_402_300_799).time, 253_402_300_799);
  assert.equal(Entry.forStreamCatchUp(old, caught, 0).time, 0);
});

test('CB-20: StreamInfo.trailer and the byte getters are copies', () => {
  // Attack: free or alter the Trailer a StreamInfo returns, mutate the byte arrays the getters
  // return, then read again and re-wrap. Safe: each read is a fresh equal object; nothing the
  // caller does to a returned value changes the StreamInfo, the Trailer or the next call.
  const w = world();
  const rewrapped = w.authority.rewrapStream(w.stream, w.trailer, w.n1);
  const info = StreamInfo.read(rewrapped);
  const first = info.trailer;
  assert.notEqual(first, info.trailer);
  first.free();
  const second = info.trailer;
  Object.defineProperty(second, 'count', { value: 1 });
  invalid(() => Entry.forStreamClose(second, T0), 'altered');
  assert.ok(info.trailer.equals(w.trailer));
  for (const get of [(t) => t.id, (t) => t.root, (t) => t.digest, (t) => t.headerDigest, (t) => t.keyCommitment, (t) => t.toBytes()]) {
    const before = hex(get(w.trailer));
    get(w.trailer).fill(0);
    assert.equal(hex(get(w.trailer)), before);
  }
  info.headerDigest.fill(0);
  assert.ok(!info.headerDigest.every((x) => x === 0));
  assert.equal(StreamInfo.read(w.stream).trailer, undefined);
  assert.equal(StreamInfo.read(w.v2()).trailer, undefined);
  const n2 = w.service.bump('dept:icu');
  const again = w.authority.rewrapStream(rewrapped, info.trailer, n2);
  assert.ok(StreamInfo.read(again).trailer.equals(w.trailer));
});

test('CB-21: detached, shared, lying and other byte arguments', () => {
  // Attack: a detached buffer, a Proxy, a DataView, a Uint16Array, an ArrayBuffer, a string as
  // the stream or Trailer.fromBytes's bytes; a Uint8Array subclass whose length lies; a view
  // into a SharedArrayBuffer. Safe: InvalidArgument for the wrong kinds; the subclass and the
  // shared view read as their real bytes.
  const w = world();
  const detached = (bytes) => {
    const c = Uint8Array.from(bytes);
    structuredClone(c.buffer, { transfer: [c.buffer] });
    return c;
  };
  let reads = 0;
  const proxy = new Proxy(w.stream, { get(target, k) {
    if (k === 'length' || k === 'byteLength') return (reads += 1) === 1 ? 4 : 4096;
    const value = Reflect.get(target, k, target);
    return typeof value === 'function' ? value.bind(target) : value;
  } });
  for (const bad of [detached(w.stream), proxy, new DataView(w.stream.buffer), new Uint16Array(8), w.stream.buffer, 'x']) {
    invalid(() => streamTrailer(bad), 'streamTrailer');
    invalid(() => w.authority.rewrapStream(bad, w.trailer, w.n1), 'rewrap');
    invalid(() => w.authority.reencryptStream(bad, w.trailer, w.n1), 'reencrypt');
    invalid(() => StreamInfo.read(bad), 'read');
  }
  invalid(() => Trailer.fromBytes(detached(w.trailer.toBytes())), 'fromBytes detached');
  class Liar extends Uint8Array {
    get length() { return 5; }
    get byteLength() { return 5; }
  }
  const liar = new Liar(w.stream.length);
  liar.set(w.stream);
  assert.ok(streamTrailer(liar).equals(w.trailer));
  w.caughtUp(w.authority.rewrapStream(liar, w.trailer, w.n1));
  const shared = new Uint8Array(new SharedArrayBuffer(w.stream.length + 8), 8, w.stream.length);
  shared.set(w.stream);
  w.caughtUp(w.authority.reencryptStream(shared, w.trailer, w.n1));
});

test('CB-22: a trailer that is not the stream\'s', () => {
  // Attack: re-encrypt with another stream's trailer (same id, metadata, chunk size); re-wrap a
  // re-wrapped stream with a trailer other than the one it carries; re-wrap a re-encrypted
  // stream with the trailer of the stream it came from; session trailers. Safe: refused
  // (InvalidArgument or DecryptionFailed).
  const w = world();
  const other = streamTrailer(w.seal3());
  const refused = (e) => is(cc.InvalidArgument)(e) || is(cc.DecryptionFailed)(e);
  assert.throws(() => w.authority.reencryptStream(w.stream, other, w.n1), is(cc.InvalidArgument));
  assert.throws(() => w.authority.rewrapStream(w.stream, other, w.n1), is(cc.InvalidArgument));
  const rewrapped = w.authority.rewrapStream(w.stream, w.trailer, w.n1);
  const n2 = w.service.bump('dept:icu');
  for (const t of [withCount(w.trailer, BigInt(w.trailer.count + 1)), other]) {
    assert.throws(() => w.authority.rewrapStream(rewrapped, t, n2), refused);
    assert.throws(() => w.authority.reencryptStream(rewrapped, t, n2), refused);
  }
  const reencrypted = w.authority.reencryptStream(w.stream, w.trailer, w.n1);
  assert.throws(() => w.authority.rewrapStream(reencrypted, w.trailer, n2), is(cc.InvalidArgument));
  const session = asSession(w.trailer);
  assert.equal(session.kind, 'session');
  assert.equal(w.trailer.kind, 'stream');
  invalid(() => w.authority.rewrapStream(w.stream, session, w.n1), 'session rewrap');
  invalid(() => w.authority.reencryptStream(w.stream, session, w.n1), 'session reencrypt');
  invalid(() => Entry.forStreamClose(session, T0), 'session close');
});

test('CB-23: chain entries of another stream\'s catch-up', () => {
  // Attack: Entry.forStreamCatchUp naming as this stream's catch-up the re-wrap of another
  // stream with the same id and fields, or the catch-up the other way round. Safe:
  // InvalidArgument; the real one names the carried trailer's digest.
  const w = world();
  const other = w.seal3();
  const otherRewrapped = StreamInfo.read(w.authority.rewrapStream(other, streamTrailer(other), w.n1));
  const old = StreamInfo.read(w.stream);
  invalid(() => Entry.forStreamCatchUp(old, otherRewrapped, T0));
  const caught = StreamInfo.read(w.authority.rewrapStream(w.stream, w.trailer, w.n1));
  invalid(() => Entry.forStreamCatchUp(caught, old, T0));
  const entry = Entry.forStreamCatchUp(old, caught, T0);
  assert.ok(same(entry.metadata, [...old.headerDigest, ...caught.headerDigest, ...w.trailer.digest]));
});

test('CB-24: errors name no secret', () => {
  // Attack: provoke every refusal of the catch-up and search the errors for secrets. Safe:
  // library errors (with a code) whose message, kind and own properties hold no hex of the
  // master key or of a user key and no payload.
  const w = world();
  const secrets = [hex(w.authority.toSecretBytes()), hex(w.oldKey.toBytes()), hex(w.newKey.toBytes()), hex(w.data.subarray(0, 32))];
  const rewrapped = w.authority.rewrapStream(w.stream, w.trailer, w.n1);
  const calls = [
    () => w.authority.rewrapStream(w.stream, streamTrailer(w.seal3()), w.n1),
    () => w.authority.rewrapStream(w.stream.subarray(0, w.stream.length - 1), w.trailer, w.n1),
    () => w.authority.reencryptStream(w.v2(), w.trailer, w.n1),
    () => w.authority.rewrapStream(w.stream, asSession(w.trailer), w.n1),
    () => w.oldKey.openStream(w.authority.publicKey(), rewrapped),
    () => w.authority.rewrapStream(w.stream, withCount(w.trailer, 9n), w.n1),
    () => w.authority.reencryptStream(w.stream, null, w.n1),
  ];
  for (const call of calls) {
    let error;
    try {
      call();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof Error && typeof error.code === 'string', String(error));
    const text = `${error.message} ${error.stack} ${JSON.stringify(Object.entries(error))}`.toLowerCase();
    for (const s of secrets) assert.ok(!text.includes(s.slice(0, 32)), error.message);
  }
});

test('CB-25: needsCatchUp and the catch-ups with wrong notices', () => {
  // Attack: an unverified VersionNotice, another authority's verified notice, a freed notice,
  // null. Safe: InvalidArgument / WrongAuthority; needsCatchUp false for another authority.
  const w = world();
  const elsewhere = Authority.setup();
  const theirs = new NoticeService(elsewhere).bump('role:nurse');
  assert.throws(() => w.authority.rewrapStream(w.stream, w.trailer, theirs), is(cc.WrongAuthority));
  assert.throws(() => w.authority.reencryptStream(w.stream, w.trailer, theirs), is(cc.WrongAuthority));
  assert.equal(StreamInfo.read(w.stream).needsCatchUp(theirs), false);
  assert.equal(StreamInfo.read(w.stream).needsCatchUp(w.n1), true);
  const freed = w.service.current();
  freed.free();
  for (const bad of [w.n1.notice, null, undefined, freed, w.trailer]) {
    invalid(() => w.authority.rewrapStream(w.stream, w.trailer, bad));
    invalid(() => w.authority.reencryptStream(w.stream, w.trailer, bad));
    invalid(() => StreamInfo.read(w.stream).needsCatchUp(bad));
  }
});
