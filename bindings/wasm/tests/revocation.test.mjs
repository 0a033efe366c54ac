// Revocation in format v3: version notices, keys and records at versions, catch-up of stored
// records (v3 and v2), notice verification refusals, round trips, the chain entries, and the
// verify-only build reading and verifying notices made by the full build.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const {
  Authority, BlsSigningKey, Chain, Entry, Policy, SealedRecord, UserKey, VersionNotice,
  seal, sealWithNotice,
} = cc;
const enc = (s) => new TextEncoder().encode(s);
const sha256 = (b) => new Uint8Array(createHash('sha256').update(b).digest());
const be64 = (...xs) => {
  const out = new Uint8Array(8 * xs.length);
  xs.forEach((x, i) => new DataView(out.buffer).setBigUint64(8 * i, BigInt(x)));
  return out;
};

const NOTICE_KEY = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x6e));
const T0 = 1_800_000_000;

const authority = Authority.setup();
const pk = authority.publicKey();

/** The NoticeFields of a notice issued at `serial` (valid an hour) reflecting `bumpCount` bumps. */
const fields = (auth, serial, bumpCount, versions) => ({
  authority: auth.publicKey().id,
  statementSerial: 0,
  serial,
  issuedAt: serial,
  notAfter: serial + 3600,
  bumpCount,
  bumpHead: new Uint8Array(32).fill(bumpCount),
  versions,
});
const sign = (auth, serial, bumpCount, versions, key = NOTICE_KEY) =>
  VersionNotice.sign(key, fields(auth, serial, bumpCount, versions));
const verified = (notice, previous) => notice.verify(NOTICE_KEY.publicKey(), notice.issuedAt, previous);

const n0 = verified(sign(authority, T0, 0, []));
// A nurse left: role:nurse is bumped once.
const n1 = verified(sign(authority, T0 + 60, 1, [['role:nurse', 1]]), n0);

test('end to end: seal under n0, bump to n1, the old key refused, catch-up, the new key opens', () => {
  const policy = Policy.parse('role:nurse and dept:icu');
  const alice = authority.issueKeyUnder(n0, ['role:nurse', 'dept:icu']);
  const stored = sealWithNotice(pk, n0, policy, enc('rec-1'), enc('meta'), enc('bp 120/80'));
  assert.deepEqual(alice.open(pk, stored), enc('bp 120/80'));
  assert.equal(stored.noticeSerial, T0);
  assert.deepEqual(stored.attributeVersions(), [['role:nurse', 0], ['dept:icu', 0]]);
  const commitment = stored.bodyCommitment;
  assert.ok(commitment instanceof Uint8Array && commitment.length === 32);

  assert.equal(n1.versionOf('role:nurse'), 1);
  assert.equal(n1.versionOf('dept:icu'), 0);
  assert.ok(stored.needsCatchUp(n1));
  assert.ok(!stored.needsCatchUp(n0));
  const caughtUp = authority.rewrap(stored, n1);
  assert.ok(!caughtUp.equals(stored));
  assert.equal(caughtUp.noticeSerial, T0 + 60);
  assert.deepEqual(caughtUp.attributeVersions(), [['role:nurse', 1], ['dept:icu', 0]]);
  assert.ok(!caughtUp.needsCatchUp(n1));
  assert.throws(() => alice.open(pk, caughtUp), cc.PolicyNotSatisfied);
  const bob = authority.issueKeyUnder(n1, ['role:nurse', 'dept:icu']);
  assert.deepEqual(bob.versionedAttributes(), [['dept:icu', 0], ['role:nurse', 1]]);
  assert.deepEqual(bob.open(pk, caughtUp), enc('bp 120/80'));
  // Only the header changed.
  assert.deepEqual(caughtUp.bodyCommitment, commitment);
  assert.deepEqual(caughtUp.recordId, enc('rec-1'));
  assert.deepEqual(caughtUp.metadata, enc('meta'));
  assert.notDeepEqual(caughtUp.headerDigest, stored.headerDigest);

  // Sealed after the bump: at the new versions, the old key is refused.
  const fresh = sealWithNotice(pk, n1, policy, enc('rec-2'), enc(''), enc('later'));
  assert.throws(() => alice.open(pk, fresh), cc.PolicyNotSatisfied);
  assert.deepEqual(bob.open(pk, fresh), enc('later'));
  // Never rolled back to an older notice; never caught up by another authority.
  assert.throws(() => authority.rewrap(fresh, n0), cc.FutureVersion);
  assert.throws(() => Authority.setup().rewrap(fresh, n1), cc.WrongAuthority);
});

test('a v2 record is caught up into v3', () => {
  const v2Key = authority.issueKey(['role:nurse']);
  assert.deepEqual(v2Key.versionedAttributes(), [['role:nurse', 0]]);
  const v2 = seal(pk, Policy.parse('role:nurse'), enc('old'), enc('m'), enc('from v2'));
  assert.equal(v2.noticeSerial, undefined);
  assert.equal(v2.bodyCommitment, undefined);
  assert.deepEqual(v2.attributeVersions(), [['role:nurse', 0]]);
  assert.ok(v2.needsCatchUp(n1));
  const v3 = authority.rewrap(v2, n1);
  assert.equal(v3.noticeSerial, n1.serial);
  assert.equal(v3.bodyCommitment.length, 32);
  assert.deepEqual(v3.recordId, enc('old'));
  assert.throws(() => v2Key.open(pk, v3), cc.PolicyNotSatisfied);
  assert.deepEqual(authority.issueKeyUnder(n1, ['role:nurse']).open(pk, v3), enc('from v2'));
});

test("another authority's notice is refused", () => {
  const other = Authority.setup();
  assert.throws(() => other.issueKeyUnder(n1, ['role:nurse']), cc.WrongAuthority);
  assert.throws(() => sealWithNotice(other.publicKey(), n1, Policy.parse('role:nurse'), enc('r'), enc(''), enc('x')),
    cc.WrongAuthority);
  assert.ok(!seal(other.publicKey(), Policy.parse('role:nurse'), enc('r'), enc(''), enc('x')).needsCatchUp(n1));
});

test('notice verification: stale, rollback, forged, wrong authority', () => {
  const notice = n1.notice;
  const key = NOTICE_KEY.publicKey();
  assert.equal(notice.verify(key, T0 + 60 + 3599).serial, T0 + 60);
  assert.ok(notice.verify(key, T0 + 60, n1).equals(n1)); // the same notice again
  assert.ok(notice.verify(key, T0 + 60, null).equals(n1));
  // Stale: expired, issued more than 5 minutes ahead, a serial below the previous one's, a
  // conflicting notice under the same serial.
  assert.throws(() => notice.verify(key, T0 + 60 + 3600), cc.StaleNotice);
  assert.throws(() => notice.verify(key, T0 + 60 - 301), cc.StaleNotice);
  assert.equal(notice.verify(key, T0 + 60 - 300).serial, notice.serial);
  assert.throws(() => n0.notice.verify(key, T0 + 70, n1), cc.StaleNotice);
  assert.throws(() => sign(authority, T0 + 60, 2, [['role:nurse', 1]]).verify(key, T0 + 60, n1), cc.StaleNotice);
  // Rollback: a bumped name dropped, a lower bump count, a jump above the bumps in between.
  assert.throws(() => sign(authority, T0 + 120, 1, []).verify(key, T0 + 120, n1), cc.NoticeRollback);
  assert.throws(() => sign(authority, T0 + 120, 0, []).verify(key, T0 + 120, n1), cc.NoticeRollback);
  assert.throws(() => sign(authority, T0 + 120, 2, [['role:nurse', 1], ['ward:3', 2]]).verify(key, T0 + 120, n1),
    cc.NoticeRollback);
  assert.equal(sign(authority, T0 + 120, 2, [['role:nurse', 2]]).verify(key, T0 + 120, n1).versionOf('role:nurse'), 2);
  // Another signer: the opaque failure. Another authority's previous notice.
  const forged = sign(authority, T0 + 120, 1, [['role:nurse', 1]], BlsSigningKey.fromIkm(new Uint8Array(32).fill(1)));
  assert.throws(() => forged.verify(key, T0 + 120, n1), cc.VerificationFailed);
  const other = verified(sign(Authority.setup(), T0 + 120, 0, []));
  assert.throws(() => sign(authority, T0 + 180, 1, [['role:nurse', 1]]).verify(key, T0 + 180, other), cc.WrongAuthority);
  // `previous` must be a VerifiedNotice of this build, and stays usable after the call.
  assert.throws(() => notice.verify(key, T0 + 60, notice), cc.InvalidArgument);
  assert.equal(n1.serial, T0 + 60);
});

test('VersionNotice.sign: fields checked by name, notice rules enforced', () => {
  const good = fields(authority, T0, 1, [['role:nurse', 1]]);
  const invalid = (field) => (e) => {
    assert.ok(e instanceof cc.InvalidArgument, `${field}: ${e?.constructor?.name}: ${e?.message}`);
    assert.match(e.message, new RegExp(field));
    return true;
  };
  for (const [name, value] of [
    ['authority', new Uint8Array(31)], ['authority', 'abc'], ['bumpHead', undefined], ['serial', -1],
    ['serial', 1.5], ['issuedAt', 2 ** 53], ['notAfter', '1800003600'], ['statementSerial', undefined],
    ['bumpCount', null], ['versions', 'role:nurse'], ['versions', [['role:nurse']]], ['versions', [['role:nurse', -1]]],
    ['versions', [[1, 1]]],
  ]) {
    assert.throws(() => VersionNotice.sign(NOTICE_KEY, { ...good, [name]: value }), invalid(`fields.${name}`), name);
  }
  assert.throws(() => VersionNotice.sign(NOTICE_KEY, null), invalid('fields'));
  assert.throws(() => VersionNotice.sign(NOTICE_KEY, 42), invalid('fields'));
  // The core's rules.
  assert.throws(() => sign(authority, T0, 1, [['role:nurse', 2]]), cc.InvalidArgument);
  assert.throws(() => sign(authority, T0, 1, [['role:nurse', 1], ['role:nurse', 1]]), cc.InvalidArgument);
  assert.throws(() => VersionNotice.sign(NOTICE_KEY, { ...good, notAfter: T0 + 86_401 }), cc.InvalidArgument);
  assert.throws(() => VersionNotice.sign(NOTICE_KEY, { ...good, bumpHead: new Uint8Array(32) }), cc.InvalidArgument);
  assert.throws(() => sign(authority, T0, 1, [['cipherchart:key-holder', 1]]), cc.InvalidAttribute);
  assert.throws(() => sign(authority, T0, 1, [['', 1]]), cc.InvalidAttribute);
});

test('VersionNotice and VerifiedNotice: fields, bytes round trip, digest', () => {
  const notice = sign(authority, T0 + 60, 3, [['ward:3', 2], ['role:nurse', 1]]);
  assert.deepEqual(notice.authority, pk.id);
  assert.equal(notice.statementSerial, 0);
  assert.equal(notice.serial, T0 + 60);
  assert.equal(notice.issuedAt, T0 + 60);
  assert.equal(notice.notAfter, T0 + 3660);
  assert.equal(notice.bumpCount, 3);
  assert.deepEqual(notice.bumpHead, new Uint8Array(32).fill(3));
  assert.deepEqual(notice.versions, [['role:nurse', 1], ['ward:3', 2]]); // sorted by name
  const bytes = notice.toBytes();
  assert.deepEqual(bytes.slice(0, 4), new Uint8Array([0x43, 0x43, 0x41, 0x03]));
  assert.deepEqual(notice.signature.toBytes(), bytes.slice(-96));
  assert.deepEqual(notice.digest, sha256(bytes));
  const back = VersionNotice.fromBytes(bytes);
  assert.ok(back.equals(notice));
  assert.deepEqual(back.toBytes(), bytes);
  assert.ok(!back.equals(n1.notice));
  assert.throws(() => VersionNotice.fromBytes(bytes.slice(0, -1)), cc.InvalidEncoding);
  assert.throws(() => VersionNotice.fromBytes(new Uint8Array([...bytes, 0])), cc.InvalidEncoding);
  const checked = verified(notice);
  assert.ok(checked.notice.equals(notice));
  assert.deepEqual([checked.authority, checked.serial, checked.issuedAt, checked.notAfter],
    [notice.authority, notice.serial, notice.issuedAt, notice.notAfter]);
  assert.equal(checked.versionOf('ward:3'), 2);
  assert.equal(checked.versionOf('ward:4'), 0);
  assert.equal(checked.versionOf(''), 0);
});

test('a v3 user key and a v3 record round-trip through bytes', () => {
  const key = authority.issueKeyUnder(n1, ['role:nurse', 'dept:icu']);
  const bytes = key.toBytes();
  assert.deepEqual(bytes.slice(0, 4), new Uint8Array([0x43, 0x43, 0x03, 0x03]));
  const back = UserKey.fromBytes(bytes);
  assert.deepEqual(back.toBytes(), bytes);
  assert.deepEqual(back.versionedAttributes(), [['dept:icu', 0], ['role:nurse', 1]]);
  const record = sealWithNotice(pk, n1, Policy.parse('role:nurse'), enc('r'), enc(''), enc('ok'));
  assert.deepEqual(back.open(pk, record), enc('ok'));
  const again = SealedRecord.fromBytes(record.toBytes());
  assert.ok(again.equals(record));
  assert.deepEqual(again.attributeVersions(), [['role:nurse', 1]]);
  assert.deepEqual(again.bodyCommitment, record.bodyCommitment);
  assert.equal(again.noticeSerial, n1.serial);
  // A key from issueKey (every version 0) stays in format v2.
  assert.deepEqual(authority.issueKey(['role:nurse']).toBytes().slice(0, 4), new Uint8Array([0x43, 0x43, 0x03, 0x02]));
});

test('chain entries: the notice, the key updates, each catch-up', () => {
  const operator = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x6f));
  const chain = new Chain();
  const policy = Policy.parse('role:nurse and dept:icu');
  const stored = [0, 1].map((i) => sealWithNotice(pk, n0, policy, enc(`r${i}`), enc(''), enc('p')));
  const t = T0 + 60;
  const noticeDraft = Entry.forNotice(n1.notice, t);
  assert.equal(noticeDraft.action, 'revoke');
  assert.equal(noticeDraft.time, t);
  assert.deepEqual(noticeDraft.subject, pk.id);
  assert.deepEqual(noticeDraft.digest, n1.notice.digest);
  assert.deepEqual(noticeDraft.metadata, be64(n1.serial, 1));
  chain.signAndAppend(noticeDraft, operator);
  const update = Entry.forKeyUpdate(n1.notice, 7, t);
  assert.equal(update.action, 'grant');
  assert.deepEqual(update.subject, pk.id);
  assert.deepEqual(update.digest, n1.notice.digest);
  assert.deepEqual(update.metadata, be64(7));
  chain.signAndAppend(update, operator);
  for (const old of stored) {
    const caughtUp = authority.rewrap(old, n1);
    const draft = Entry.forCatchUp(old, caughtUp, t);
    assert.equal(draft.action, 'update');
    assert.deepEqual(draft.subject, old.recordId);
    assert.deepEqual(draft.digest, sha256(caughtUp.toBytes()));
    assert.deepEqual(draft.metadata, new Uint8Array([...old.headerDigest, ...caughtUp.headerDigest]));
    chain.signAndAppend(draft, operator);
  }
  chain.verifyAll();
  assert.equal(chain.length, 4);
  assert.equal(chain.entry(0).action, 'revoke');
  assert.deepEqual(chain.entry(0).digest, n1.notice.digest);
});

test('the verify-only build decodes and verifies notices, and drafts their entries', () => {
  assert.equal(v.VersionNotice.sign, undefined);
  assert.equal(v.sealWithNotice, undefined);
  const notice = v.VersionNotice.fromBytes(n1.notice.toBytes());
  const key = v.BlsPublicKey.fromBytes(NOTICE_KEY.publicKey().toBytes());
  const first = v.VersionNotice.fromBytes(n0.notice.toBytes()).verify(key, T0);
  const checked = notice.verify(key, T0 + 60, first);
  assert.ok(checked instanceof v.VerifiedNotice);
  assert.equal(checked.versionOf('role:nurse'), 1);
  assert.deepEqual(checked.notice.versions, [['role:nurse', 1]]);
  assert.throws(() => first.notice.verify(key, T0 + 60, checked), v.StaleNotice);
  assert.throws(() => notice.verify(key, T0 + 60 + 3600, first), v.StaleNotice);
  // A full build's VerifiedNotice is not one of this build's.
  assert.throws(() => notice.verify(key, T0 + 60, n0), v.InvalidArgument);
  // The drafts match the full build's.
  assert.deepEqual(v.Entry.forNotice(notice, T0 + 60).digest, Entry.forNotice(n1.notice, T0 + 60).digest);
  assert.deepEqual(v.Entry.forNotice(notice, T0 + 60).metadata, Entry.forNotice(n1.notice, T0 + 60).metadata);
  assert.deepEqual(v.Entry.forKeyUpdate(notice, 3, T0).metadata, be64(3));
  assert.equal(v.Entry.forCatchUp, undefined);
});

test('a verified notice names its key; a catch-up entry refuses unrelated records', () => {
  assert.ok(n1.noticeKey.equals(NOTICE_KEY.publicKey()));
  const policy = Policy.parse('role:nurse');
  const a = sealWithNotice(pk, n0, policy, enc('a'), enc(''), enc('p'));
  const b = sealWithNotice(pk, n0, policy, enc('b'), enc(''), enc('p'));
  const a1 = authority.rewrap(a, n1);
  Entry.forCatchUp(a, a1, T0);
  for (const [older, newer] of [[b, a1], [a1, a]]) {
    assert.throws(() => Entry.forCatchUp(older, newer, T0), cc.InvalidArgument);
  }
});

test('a session started under a notice shuts out keys from before the bump', () => {
  const policy = Policy.parse('role:nurse and dept:icu');
  const carla = authority.issueKeyUnder(n0, ['role:nurse', 'dept:icu']);
  const { header, sealer } = cc.startSessionWithNotice(pk, n1, policy, enc('bed-7'), enc('vitals'));
  const record = sealer.seal(enc('hr'), enc('72 bpm'));
  assert.equal(header.noticeSerial, n1.serial);
  assert.deepEqual(header.attributeVersions(), [['role:nurse', 1], ['dept:icu', 0]]);
  assert.throws(() => carla.openSession(pk, header), cc.PolicyNotSatisfied);
  const ana = authority.issueKeyUnder(n1, ['role:nurse', 'dept:icu']);
  const opener = ana.openSession(pk, cc.SessionHeader.fromBytes(header.toBytes()));
  assert.equal(new TextDecoder().decode(opener.open(cc.SessionRecord.fromBytes(record.toBytes()))), '72 bpm');
  assert.equal(header.toBytes()[3], 3);
  assert.equal(record.toBytes()[3], 3);
  const v2 = cc.startSession(pk, policy, enc('bed-7'), enc('vitals'));
  assert.throws(() => opener.open(v2.sealer.seal(enc('hr'), enc('72 bpm'))), cc.DecryptionFailed);
  assert.equal(v2.header.noticeSerial, undefined);
  assert.throws(() => cc.startSessionWithNotice(Authority.setup().publicKey(), n1, policy, enc('s'), enc('')), cc.WrongAuthority);
});

test('a stream sealed under a notice shuts out keys from before the bump', () => {
  const policy = Policy.parse('role:nurse and dept:icu');
  const carla = authority.issueKeyUnder(n0, ['role:nurse', 'dept:icu']);
  const scan = new Uint8Array(5000).map((_, i) => (i * 31) % 251);
  const stream = cc.sealStreamWithNotice(pk, n1, policy, enc('ecg-7'), enc('lead II'), scan, 1000);
  assert.deepEqual([...stream.subarray(0, 4)], [0x43, 0x43, 0x06, 0x03]);
  const info = cc.StreamInfo.read(stream);
  assert.equal(info.noticeSerial, n1.serial);
  assert.equal(info.chunkSize, 1000);
  assert.deepEqual(info.attributeVersions(), [['role:nurse', 1], ['dept:icu', 0]]);
  assert.throws(() => carla.openStream(pk, stream), cc.PolicyNotSatisfied);
  const ana = authority.issueKeyUnder(n1, ['role:nurse', 'dept:icu']);
  assert.deepEqual(ana.openStream(pk, stream), scan);
  // A v2 stream reports no notice; its chunks never open under the v3 header.
  const v2 = cc.sealStream(pk, policy, enc('ecg-7'), enc('lead II'), scan, 1000);
  assert.equal(cc.StreamInfo.read(v2).noticeSerial, undefined);
  const head = (s) => 8 + new DataView(s.buffer, s.byteOffset).getUint32(4);
  const spliced = new Uint8Array([...stream.subarray(0, head(stream)), ...v2.subarray(head(v2))]);
  assert.throws(() => ana.openStream(pk, spliced), cc.DecryptionFailed);
  // The trailer flag: 0 for a stream as sealed; 1 announces the trailer of a re-wrapped header
  // (stream-catch-up.test.mjs), and the KEM header's bytes are not one; any other value is
  // refused by the decoder.
  const trailerAt = 8 + 4 + 4 + 5 + 4 + 7 + 32;
  assert.equal(stream[trailerAt], 0);
  for (const [flag, kind] of [[1, 'bad_length'], [2, 'non_canonical'], [0xff, 'non_canonical']]) {
    const bad = stream.slice();
    bad[trailerAt] = flag;
    assert.throws(() => cc.StreamInfo.read(bad), (e) => e instanceof cc.InvalidEncoding && e.kind === kind);
  }
  assert.throws(() => cc.sealStreamWithNotice(Authority.setup().publicKey(), n1, policy, enc('s'), enc(''), scan), cc.WrongAuthority);
  assert.throws(() => cc.sealStreamWithNotice(pk, n1, policy, enc('s'), enc(''), scan, 0), cc.InvalidArgument);
});
