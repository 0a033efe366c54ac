// Sessions (one KEM header, many records) and whole-buffer streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, Policy, SessionHeader, SessionRecord, SessionSealer, SessionOpener, StreamInfo, startSession, sealStream } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

const authority = Authority.setup();
const pk = authority.publicKey();
const policy = Policy.parse('role:physician and dept:cardiology');
const doctor = authority.issueKey(['role:physician', 'dept:cardiology']);

test('startSession → { header, sealer }; openSession → opener.open', () => {
  const { header, sealer } = startSession(pk, policy, enc('sess-1'), enc('ward 3'));
  assert.ok(header instanceof SessionHeader && sealer instanceof SessionSealer);
  assert.equal(dec(header.sessionId), 'sess-1');
  assert.equal(dec(header.metadata), 'ward 3');
  assert.ok(header.policy.equals(policy));
  assert.equal(header.digest.length, 32);
  assert.equal(sealer.nextSequence, 0);
  const r0 = sealer.seal(enc('m0'), enc('first'));
  const r1 = sealer.seal(enc('m1'), enc('second'));
  assert.ok(r0 instanceof SessionRecord);
  assert.equal(sealer.nextSequence, 2);
  assert.deepEqual([r0.sequence, r1.sequence], [0, 1]);
  assert.equal(dec(r1.metadata), 'm1');

  const h = SessionHeader.fromBytes(header.toBytes());
  const opener = doctor.openSession(pk, h);
  assert.ok(opener instanceof SessionOpener);
  assert.equal(dec(opener.open(SessionRecord.fromBytes(r0.toBytes()))), 'first');
  assert.equal(dec(opener.open(r1)), 'second');

  // A record from another session does not open.
  const other = startSession(pk, policy, enc('sess-2'), enc(''));
  assert.throws(() => opener.open(other.sealer.seal(enc(''), enc('x'))), cc.DecryptionFailed);
  // A key that does not satisfy the policy cannot open the session.
  assert.throws(() => authority.issueKey(['role:physician']).openSession(pk, header), cc.PolicyNotSatisfied);
  sealer[Symbol.dispose]();
  opener.free();
  assert.throws(() => sealer.seal(enc(''), enc('')));
});

test('session bad input', () => {
  assert.throws(() => startSession(pk, policy, new Uint8Array(1025), enc('')), cc.InvalidArgument);
  assert.throws(() => SessionHeader.fromBytes(enc('nope')), cc.InvalidEncoding);
  assert.throws(() => SessionRecord.fromBytes(new Uint8Array(0)), cc.InvalidEncoding);
});

test('sealStream / openStream over whole buffers, default and small chunk sizes', () => {
  const payload = new Uint8Array(10_000).map((_, i) => i % 251);
  for (const chunk of [undefined, 1000, 3333]) {
    const stream = sealStream(pk, policy, enc('s-1'), enc('scan'), payload, chunk);
    assert.ok(stream instanceof Uint8Array);
    const info = StreamInfo.read(stream);
    assert.equal(dec(info.streamId), 's-1');
    assert.equal(dec(info.metadata), 'scan');
    assert.ok(info.policy.equals(policy));
    assert.equal(info.chunkSize, chunk ?? 65536);
    assert.deepEqual(doctor.openStream(pk, stream), payload);
  }
  assert.equal(doctor.openStream(pk, sealStream(pk, policy, enc(''), enc(''), new Uint8Array(0))).length, 0);
});

test('stream errors: truncation, tampering, chunk size, policy', () => {
  const stream = sealStream(pk, policy, enc('s'), enc(''), new Uint8Array(5000), 1000);
  assert.throws(() => doctor.openStream(pk, stream.subarray(0, stream.length - 100)), cc.CipherchartError);
  const t = stream.slice();
  t[t.length - 1] ^= 1;
  assert.throws(() => doctor.openStream(pk, t), cc.DecryptionFailed);
  assert.throws(() => sealStream(pk, policy, enc(''), enc(''), new Uint8Array(1), 0), cc.InvalidArgument);
  assert.throws(() => authority.issueKey(['dept:cardiology']).openStream(pk, stream), cc.PolicyNotSatisfied);
  assert.throws(() => StreamInfo.read(enc('junk')), cc.InvalidEncoding);
});
