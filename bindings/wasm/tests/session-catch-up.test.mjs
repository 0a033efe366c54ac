// The catch-up of stored sessions through the JavaScript binding (mirrors
// tests/revocation/session_catch_up.rs): after it, a key from before a bump opens no stored
// session; a closed session's header is re-wrapped with its trailer (records byte for byte, each
// checked against the trailer by every opener), a session still being sealed at the revocation
// and a v2 session are re-encrypted whole; the catch-ups refuse a trailer that is not the
// session's; both log as chain entries. Also the arrays of records the calls take (objects or
// their bytes; the caller keeps its objects).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

import { NoticeService } from './notice-service.mjs';

const {
  Authority, BlsSigningKey, Entry, InclusionProof, Policy, SessionHeader, Trailer,
  proveSessionRecord, proveSessionRecords, sessionTrailer, startSession, startSessionWithNotice,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const hex = (b) => Buffer.from(b).toString('hex');
const ATTRS = ['role:nurse', 'dept:icu'];
const POLICY = 'role:nurse and dept:icu';

const payload = (i) => enc(`${60 + i} bpm`);
const payloads = (n) => Array.from({ length: n }, (_, i) => `${60 + i} bpm`);
const session3 = (authority, notice, id, n) => {
  const { header, sealer } = startSessionWithNotice(authority.publicKey(), notice, Policy.parse(POLICY), enc(id), enc('bed 4'));
  const records = Array.from({ length: n }, (_, i) => sealer.seal(enc('hr'), payload(i)));
  return { header, sealer, records };
};
const code = (fn) => {
  try {
    fn();
  } catch (e) {
    return e.code;
  }
  return 'no error';
};
const openProven = (key, authority, header, records) => {
  const opener = key.openSession(authority.publicKey(), header);
  const all = opener.openAll(records).map(dec);
  records.forEach((r, i) => assert.equal(dec(opener.openIncluded(r, proveSessionRecord(records, i))), all[i]));
  return all;
};

test('after the catch-up the revoked key opens no stored session; the entries', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const carla = authority.issueKeyUnder(n0, ATTRS);
  const closed = session3(authority, n0, 'bed-4/mon', 5);
  const trailer = closed.sealer.trailer();
  assert.deepEqual([trailer.kind, trailer.count, hex(trailer.headerDigest)], ['session', 5, hex(closed.header.digest)]);
  assert.ok(sessionTrailer(closed.header, closed.records).equals(trailer));
  const openAtBump = session3(authority, n0, 'bed-4/tue', 3);
  const v2 = startSession(authority.publicKey(), Policy.parse(POLICY), enc('bed-4/wed'), enc(''));
  const v2Records = [0, 1, 2].map((i) => v2.sealer.seal(enc('hr'), payload(i)));
  assert.equal(code(() => v2.sealer.trailer()), 'invalid_argument');
  assert.equal(code(() => sessionTrailer(v2.header, v2Records)), 'invalid_argument');

  const n1 = service.bump('role:nurse');
  for (const h of [closed.header, openAtBump.header, v2.header]) {
    assert.ok(h.needsCatchUp(n1) && !h.needsCatchUp(n0));
    assert.equal(hex(h.authority), hex(authority.publicKey().id));
  }
  const rewrapped = authority.rewrapSession(closed.header, trailer, n1);
  const re1 = authority.reencryptSession(openAtBump.header, openAtBump.records, openAtBump.sealer.trailer(), n1);
  // Records may also be given as their bytes.
  const re2 = authority.reencryptSession(v2.header, v2Records.map((r) => r.toBytes()), null, n1);
  const current = authority.issueKeyUnder(n1, ATTRS);
  assert.ok(rewrapped.trailer.equals(trailer));
  assert.equal(re1.header.trailer, undefined);
  assert.deepEqual(openProven(current, authority, rewrapped, closed.records), payloads(5));
  for (const { header, records } of [re1, re2]) {
    const opener = current.openSession(authority.publicKey(), header);
    assert.deepEqual(records.map((r) => dec(opener.open(r))), payloads(3));
  }
  for (const h of [rewrapped, re1.header, re2.header]) {
    assert.ok(!h.needsCatchUp(n1));
    assert.equal(h.noticeSerial, n1.serial);
    assert.equal(code(() => carla.openSession(authority.publicKey(), h)), 'policy_not_satisfied');
    assert.equal(hex(SessionHeader.fromBytes(h.toBytes()).toBytes()), hex(h.toBytes()));
  }
  const opener = current.openSession(authority.publicKey(), rewrapped);
  assert.equal(code(() => opener.open(closed.records[0])), 'invalid_argument');
  // The caller's records are still usable after the calls that took the arrays.
  assert.equal(closed.records[0].sequence, 0);
  assert.deepEqual(re1.records.map((r) => r.sequence), [0, 1, 2]);
  assert.ok(sessionTrailer(re1.header, re1.records).equals(re1.trailer));

  const signer = BlsSigningKey.generate();
  const close = Entry.forSessionClose(trailer, service.now).sign(0, new Uint8Array(32), signer);
  const update = Entry.forSessionCatchUp(closed.header, rewrapped, service.now).sign(1, close.hash, signer);
  assert.equal(hex(close.digest), hex(trailer.digest));
  assert.equal(hex(close.metadata), hex(trailer.toBytes()));
  assert.equal(dec(update.subject), 'bed-4/mon');
  assert.equal(hex(update.metadata), hex(closed.header.digest) + hex(rewrapped.digest) + hex(trailer.digest));
  assert.equal(Entry.forSessionCatchUp(openAtBump.header, re1.header, 0).sign(2, update.hash, signer).metadata.length, 64);
  assert.equal(code(() => Entry.forStreamClose(trailer, 0)), 'invalid_argument');
  for (const [a, b] of [[rewrapped, rewrapped], [rewrapped, closed.header], [closed.header, re2.header]]) {
    assert.equal(code(() => Entry.forSessionCatchUp(a, b, 0)), 'invalid_argument');
  }
});

test('a re-wrapped header refuses records the trailer does not hold', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const { header, sealer, records } = session3(authority, n0, 's', 4);
  const trailer = sealer.trailer();
  const extra = sealer.seal(enc('hr'), enc('forged'));
  const n1 = service.bump('dept:icu');
  const current = authority.issueKeyUnder(n1, ATTRS);
  const rewrapped = authority.rewrapSession(header, trailer, n1);
  const opener = current.openSession(authority.publicKey(), rewrapped);
  const longer = [...records, extra];
  for (const proof of [proveSessionRecord(longer, 4), ...[0, 1, 2, 3].map((i) => proveSessionRecord(records, i))]) {
    assert.equal(code(() => opener.openIncluded(extra, proof)), 'decryption_failed');
  }
  assert.equal(code(() => opener.openIncluded(records[0], proveSessionRecord(records, 1))), 'decryption_failed');
  const real = proveSessionRecord(records, 2);
  assert.equal(code(() => opener.openIncluded(records[2], new InclusionProof(real.index, real.size + 1, real.path))), 'decryption_failed');
  assert.equal(dec(opener.openIncluded(records[2], new InclusionProof(real.index, real.size, real.path))), '62 bpm');
  for (const bad of [longer, records.slice(0, 3), [records[1], records[0], records[2], records[3]], []]) {
    assert.equal(code(() => opener.openAll(bad)), 'decryption_failed');
    assert.equal(code(() => authority.reencryptSession(rewrapped, bad, trailer, n1)), 'decryption_failed');
  }
  assert.deepEqual(opener.openAll(records).map(dec), payloads(4));
  assert.equal(code(() => proveSessionRecord(records, 4)), 'invalid_argument');
  assert.equal(code(() => proveSessionRecord(records, -1)), 'invalid_argument');
  assert.equal(code(() => proveSessionRecord(records, 1.5)), 'invalid_argument');
});

test('close seals nothing more; the batch proofs are the single ones', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const { header, sealer, records } = session3(authority, n0, 'c', 5);
  const trailer = sealer.close();
  assert.ok(trailer.equals(sessionTrailer(header, records)) && sealer.close().equals(trailer));
  assert.equal(code(() => sealer.seal(enc('hr'), enc('late'))), 'invalid_argument');
  const v2 = startSession(authority.publicKey(), Policy.parse(POLICY), enc('d'), enc(''));
  assert.equal(code(() => v2.sealer.close()), 'invalid_argument');
  v2.sealer.seal(enc(''), enc('still open'));
  const proofs = proveSessionRecords(records);
  proofs.forEach((p, i) => {
    const single = proveSessionRecord(records, i);
    assert.deepEqual([p.index, p.size, p.path.map(hex)], [single.index, single.size, single.path.map(hex)]);
  });
  assert.deepEqual(proveSessionRecords([]), []);
  const n1 = service.bump('role:nurse');
  const opener = authority.issueKeyUnder(n1, ATTRS).openSession(authority.publicKey(), authority.rewrapSession(header, trailer, n1));
  assert.deepEqual(records.map((r, i) => dec(opener.openIncluded(r, proofs[i]))), payloads(5));
});

test('a session open at the revocation is split at its last progress anchor', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const carla = authority.issueKeyUnder(n0, ATTRS);
  const s = session3(authority, n0, 'bed-9', 4);
  const progress = s.sealer.trailer();
  const entry = Entry.forSessionProgress(progress, service.now).sign(0, new Uint8Array(32), BlsSigningKey.generate());
  assert.equal(hex(entry.digest), hex(progress.digest));
  const n1 = service.bump('role:nurse');
  const records = [...s.records, ...[4, 5, 6].map((i) => s.sealer.seal(enc('hr'), payload(i)))];
  const close = s.sealer.close();
  const split = authority.splitSession(s.header, records, progress, close, n1);
  assert.ok(split.prefix.trailer.equals(progress));
  assert.equal(split.tail.trailer, undefined);
  assert.deepEqual(split.tailRecords.map((r) => r.sequence), [4, 5, 6]);
  assert.ok(sessionTrailer(split.tail, split.tailRecords).equals(split.tailTrailer));
  const current = authority.issueKeyUnder(n1, ATTRS);
  assert.deepEqual(openProven(current, authority, split.prefix, records.slice(0, 4)), payloads(4));
  const after = current.openSession(authority.publicKey(), split.tail);
  assert.deepEqual(split.tailRecords.map((r) => dec(after.open(r))), ['64 bpm', '65 bpm', '66 bpm']);
  for (const h of [split.prefix, split.tail]) {
    assert.equal(code(() => carla.openSession(authority.publicKey(), h)), 'policy_not_satisfied');
  }
  assert.equal(code(() => authority.splitSession(s.header, records, sessionTrailer(s.header, records.slice(1, 5)), close, n1)), 'decryption_failed');
  assert.equal(code(() => authority.splitSession(s.header, records, close, close, n1)), 'invalid_argument');
});

test('the catch-ups refuse a trailer that is not the session\'s, and wrong arguments', () => {
  const authority = Authority.setup();
  const service = new NoticeService(authority);
  const n0 = service.current();
  const a = session3(authority, n0, 'a', 3);
  const other = session3(authority, n0, 'a', 3);
  const trailer = a.sealer.trailer();
  const n1 = service.bump('role:nurse');
  assert.equal(code(() => authority.rewrapSession(a.header, other.sealer.trailer(), n1)), 'invalid_argument');
  assert.equal(code(() => authority.rewrapSession(other.header, trailer, n1)), 'invalid_argument');
  assert.equal(code(() => authority.reencryptSession(a.header, a.records, null, n1)), 'invalid_argument');
  const v2 = startSession(authority.publicKey(), Policy.parse(POLICY), enc('c'), enc(''));
  const v2Records = [0, 1].map((i) => v2.sealer.seal(enc(''), payload(i)));
  assert.equal(code(() => authority.rewrapSession(v2.header, trailer, n1)), 'invalid_argument');
  assert.equal(code(() => authority.reencryptSession(v2.header, v2Records, trailer, n1)), 'invalid_argument');
  assert.equal(code(() => authority.reencryptSession(v2.header, [v2Records[1], v2Records[0]], null, n1)), 'invalid_argument');
  const foreign = new NoticeService(Authority.setup()).current();
  assert.equal(code(() => authority.rewrapSession(a.header, trailer, foreign)), 'wrong_authority');
  const n2 = service.bump('dept:icu');
  const newer = authority.rewrapSession(a.header, trailer, n2);
  assert.equal(code(() => authority.rewrapSession(newer, trailer, n1)), 'future_version');
  // Arrays of other things, a freed record, a trailer that is not one.
  for (const bad of [[1], [{}], [trailer], [null]]) {
    assert.equal(code(() => sessionTrailer(a.header, bad)), 'invalid_argument');
    assert.equal(code(() => authority.reencryptSession(a.header, bad, trailer, n1)), 'invalid_argument');
  }
  assert.equal(code(() => authority.reencryptSession(a.header, a.records, a.header, n1)), 'invalid_argument');
  const freed = a.sealer.seal(enc(''), enc('x'));
  freed.free();
  assert.equal(code(() => proveSessionRecord([freed], 0)), 'invalid_argument');
  assert.ok(Trailer.fromBytes(trailer.toBytes()).equals(trailer));
});
