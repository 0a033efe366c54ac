// The consent and re-encryption findings of the v2 review (docs/security.md §12), replayed
// through the public JavaScript API and the wire formats of docs/formats.md, as
// tests/reencryption/findings.rs replays them in Rust: findings 2 (a hop copied onto another record),
// 3 (one patient's consent gating another patient's re-key), 6 (a forged hop locking the
// audience out) and 8 (keys, re-keys and records that do not name their authority). Every
// attack here succeeded against format v1; each test asserts it fails now, with a control
// showing the same steps succeed for the legitimate party.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, BlsSigningKey, ConsentToken, Grant, Policy, SealedRecord, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const T0 = 1_767_225_600;
const DAY = 86_400;

const policy = (text) => Policy.parse(text);
const record = (authority, text, id, payload) => seal(authority.publicKey(), policy(text), enc(id), enc(''), enc(payload));
/** A delegation key for `attributes`, issued for `delegator`, made into a re-key to `to`. */
const grant = (authority, attributes, delegator, to) => authority
  .issueDelegationKey(attributes, delegator.publicKey()).rekey(authority.publicKey(), policy(to));
const failsWith = (cls) => (e) => {
  assert.ok(e instanceof cls, `expected ${cls.name}, got ${e?.name}: ${e?.message}`);
  return true;
};

// --- wire-format helpers (docs/formats.md) ------------------------------------------------

const u32 = (b, at) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
/** u32 big-endian length ‖ bytes. */
const lp = (bytes) => {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
};
/** The end of the length-prefixed byte string at `at`. */
const skipLp = (b, at) => at + 4 + u32(b, at);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A SealedRecord encoding (v2) from its parts: header, id, metadata, KEM header, body, hop count, hops. */
const recordBytes = ({ id, metadata, kem, body, count, hops }) => concat(Uint8Array.of(0x43, 0x43, 0x04, 0x02),
  lp(id), lp(metadata), kem, lp(body), Uint8Array.of(count), hops);

/** The parts of a SealedRecord encoding: { id, metadata, kem, body, count, hops }. */
function recordParts(b) {
  assert.deepEqual([...b.slice(0, 4)], [0x43, 0x43, 0x04, 0x02], 'a sealed record of format v2');
  const idEnd = skipLp(b, 4);
  const metaEnd = skipLp(b, idEnd);
  // KEM header: authority (32) ‖ lp(policy) ‖ C0 (3·96) ‖ u32 rows ‖ rows·3·48 ‖ c' (32).
  const rowsAt = skipLp(b, metaEnd + 32) + 3 * 96;
  const kemEnd = rowsAt + 4 + u32(b, rowsAt) * 3 * 48 + 32;
  const bodyEnd = skipLp(b, kemEnd);
  return {
    id: b.slice(8, idEnd),
    metadata: b.slice(idEnd + 4, metaEnd),
    kem: b.slice(metaEnd, kemEnd),
    body: b.slice(kemEnd + 4, bodyEnd),
    count: b[bodyEnd],
    hops: b.slice(bodyEnd + 1),
  };
}

test('wire helpers: a record taken apart and put back together is the same bytes', () => {
  const hospital = Authority.setup();
  const r = seal(hospital.publicKey(), policy('patient:42 or role:x'), enc('p42/ecg'), enc('meta'), enc('ecg'));
  const parts = recordParts(r.toBytes());
  assert.deepEqual(parts.id, enc('p42/ecg'));
  assert.deepEqual(parts.metadata, enc('meta'));
  assert.deepEqual(parts.kem.slice(0, 32), hospital.publicKey().id, 'the KEM header names its authority');
  assert.equal(parts.count, 0);
  assert.deepEqual(recordBytes(parts), r.toBytes());
});

// --- finding 2: the second hop is record-independent --------------------------------------

test('finding 2: a second hop copied onto another record of the grant opens nothing', () => {
  const hospital = Authority.setup();
  const pk = hospital.publicKey();
  const patient = BlsSigningKey.generate();
  const cardiologist = BlsSigningKey.generate();
  const r1 = record(hospital, 'patient:42', 'p42/ecg', 'ecg');
  const r2 = record(hospital, 'patient:42', 'p42/psych', 'psychiatry notes');
  const rk1 = grant(hospital, ['patient:42'], patient, 'hospital:h2 and role:physician');
  const s1 = rk1.reencrypt(r1);
  const s2 = rk1.reencrypt(r2);
  const rk2 = grant(hospital, ['hospital:h2', 'role:physician'], cardiologist, 'hospital:h3 and role:auditor');
  const t1 = rk2.reencrypt(s1);
  const auditor = hospital.issueKey(['hospital:h3', 'role:auditor']);
  // Control: the hop proxy 2 made opens its own record.
  assert.equal(dec(auditor.open(pk, t1)), 'ecg');

  // The attack: s2 ‖ (t1's second hop), bypassing proxy 2's consent check and audit entry.
  const [s1b, s2b, t1b] = [s1.toBytes(), s2.toBytes(), t1.toBytes()];
  const hop2 = t1b.slice(s1b.length);
  const parts = recordParts(s2b);
  assert.equal(parts.count, 1);
  const forged = SealedRecord.fromBytes(recordBytes({ ...parts, count: 2, hops: concat(parts.hops, hop2) }));
  assert.equal(forged.hopCount, 2);
  assert.ok(forged.currentPolicy.equals(policy('hospital:h3 and role:auditor')));
  assert.throws(() => auditor.open(pk, forged), failsWith(cc.DecryptionFailed));
  // r2's own audience (a physician of h2) is unaffected.
  const physician = hospital.issueKey(['hospital:h2', 'role:physician']);
  assert.equal(dec(physician.open(pk, s2)), 'psychiatry notes');
});

test('finding 2: a first hop copied from one record of the grant onto another opens nothing', () => {
  const hospital = Authority.setup();
  const pk = hospital.publicKey();
  const patient = BlsSigningKey.generate();
  const r1 = record(hospital, 'patient:42', 'p42/ecg', 'ecg');
  const r2 = record(hospital, 'patient:42', 'p42/psych', 'psych');
  const rk = grant(hospital, ['patient:42'], patient, 'role:physician');
  const { hops } = recordParts(rk.reencrypt(r1).toBytes());
  const forged = SealedRecord.fromBytes(recordBytes({ ...recordParts(r2.toBytes()), count: 1, hops }));
  const physician = hospital.issueKey(['role:physician']);
  assert.throws(() => physician.open(pk, forged), failsWith(cc.DecryptionFailed));
  // Control: the genuine re-encryption of r2 opens.
  assert.equal(dec(physician.open(pk, rk.reencrypt(r2))), 'psych');
});

// --- finding 3: a consent does not bind its issuer to the re-key ---------------------------

test('finding 3: one patient\'s consent never gates another patient\'s re-key', () => {
  const hospital = Authority.setup();
  const pk = hospital.publicKey();
  const [alice, bob] = [BlsSigningKey.generate(), BlsSigningKey.generate()];
  const to = 'hospital:h2 and role:physician';
  const bobRecord = record(hospital, 'patient:7', 'p7/psych', 'bob');
  const bobRekey = grant(hospital, ['patient:7'], bob, to);
  const consent = (issuer, g) => ConsentToken.issueGrant(issuer, g).verify(issuer.publicKey(), T0 + DAY);
  const base = () => new Grant('p', policy(to), T0, T0 + 30 * DAY).purposes(['treatment']);
  const gate = (c) => cc.reencryptWithConsent(c, bobRekey, bobRecord, 'psychiatry', 'treatment');
  const mismatch = (e) => {
    assert.ok(e instanceof cc.ConsentError, `${e?.name}: ${e?.message}`);
    assert.equal(e.kind, 'rekey_mismatch');
    return true;
  };
  // The consent travels as bytes (it is public): decode it, verify it, gate with it.
  const fromWire = (issuer, g) => ConsentToken.fromBytes(ConsentToken.issueGrant(issuer, g).toBytes())
    .verify(issuer.publicKey(), T0 + DAY);

  // Alice's consent with the default scope and no re-key digest.
  assert.throws(() => gate(consent(alice, base())), mismatch);
  // Alice's consent naming Bob's re-key digest (public: it is in Bob's consent tokens).
  assert.throws(() => gate(fromWire(alice, base().rekeyDigest(cc.rekeyDigest(bobRekey)))), mismatch);
  assert.throws(() => gate(consent(alice, base().rekey(bobRekey))), mismatch);
  assert.throws(() => cc.checkRekey(consent(alice, base().rekey(bobRekey)), bobRekey), mismatch);
  // Bob's own consent without a digest authorises nothing either.
  assert.throws(() => gate(consent(bob, base())), mismatch);
  // The batch path refuses the whole batch the same way.
  assert.throws(() => cc.reencryptBatchWithConsent(consent(alice, base().rekey(bobRekey)), bobRekey, [bobRecord.toBytes()],
    ['psychiatry'], 'treatment'), mismatch);
  // Control: Bob's consent naming his re-key gates it, also after a trip through bytes.
  assert.ok(bobRekey.delegator.equals(bob.publicKey()));
  const shared = gate(fromWire(bob, base().rekey(bobRekey)));
  const doctor = hospital.issueKey(['hospital:h2', 'role:physician']);
  assert.equal(dec(doctor.open(pk, shared)), 'bob');
  const [out] = cc.reencryptBatchWithConsent(consent(bob, base().rekey(bobRekey)), bobRekey, [bobRecord.toBytes()],
    ['psychiatry'], 'treatment');
  assert.equal(dec(doctor.open(pk, out)), 'bob');
});

test('finding 3: the delegator survives the re-key\'s bytes; a re-key of another delegator is refused', () => {
  const hospital = Authority.setup();
  const [alice, bob] = [BlsSigningKey.generate(), BlsSigningKey.generate()];
  const to = 'role:physician';
  const rekey = grant(hospital, ['patient:7'], bob, to);
  const back = cc.ReKey.fromBytes(rekey.toBytes());
  assert.ok(back.delegator.equals(bob.publicKey()));
  assert.deepEqual(cc.rekeyDigest(back), cc.rekeyDigest(rekey));
  // The delegator is part of the re-key's encoding: writing Alice's key over Bob's changes the
  // digest, so Bob's consent no longer names it, and Alice's names another re-key.
  const bytes = rekey.toBytes();
  bytes.set(alice.publicKey().toBytes(), bytes.length - 48);
  const swapped = cc.ReKey.fromBytes(bytes);
  assert.ok(swapped.delegator.equals(alice.publicKey()));
  assert.notDeepEqual(cc.rekeyDigest(swapped), cc.rekeyDigest(rekey));
  const bobs = ConsentToken.issueGrant(bob, new Grant('p', policy(to), T0, T0 + DAY).purposes(['t']).rekey(rekey))
    .verify(bob.publicKey(), T0);
  cc.checkRekey(bobs, rekey);
  assert.throws(() => cc.checkRekey(bobs, swapped), (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch');
});

// --- finding 6: a forged hop locks the audience out ----------------------------------------

test('finding 6: a forged hop does not lock the audience out', () => {
  const hospital = Authority.setup();
  const pk = hospital.publicKey();
  const patient = BlsSigningKey.generate();
  const mine = record(hospital, 'patient:42', 'p42/ecg', 'mine');
  const other = record(hospital, 'patient:42', 'p42/lab', 'other');
  // A genuine hop, to a policy the patient satisfies, made for another record.
  const rk = grant(hospital, ['patient:42'], patient, 'patient:42 or role:clerk');
  const { hops } = recordParts(rk.reencrypt(other).toBytes());
  const forged = SealedRecord.fromBytes(recordBytes({ ...recordParts(mine.toBytes()), count: 1, hops }));
  assert.equal(forged.hopCount, 1);
  const key = hospital.issueKey(['patient:42']);
  // The key satisfies the forged hop and the record's own layer: it opens from the oldest.
  assert.equal(dec(key.open(pk, forged)), 'mine');
  // A clerk, who satisfies only the forged hop, gets nothing.
  const clerk = hospital.issueKey(['role:clerk']);
  assert.throws(() => clerk.open(pk, forged), failsWith(cc.DecryptionFailed));
});

// --- finding 8: keys do not record their authority -----------------------------------------

test('finding 8: keys, re-keys and records name their authority', () => {
  const [a, b] = [Authority.setup(), Authority.setup()];
  const patient = BlsSigningKey.generate();
  const rec = record(a, 'patient:42', 'r', 'x');
  assert.deepEqual(rec.authority, a.publicKey().id);
  assert.deepEqual(recordParts(rec.toBytes()).kem.slice(0, 32), a.publicKey().id);
  const keyB = b.issueKey(['patient:42']);
  assert.deepEqual(keyB.authority, b.publicKey().id);
  const wrong = failsWith(cc.WrongAuthority);
  // B's key, even with A's public key named, is refused before any pairing.
  assert.throws(() => keyB.open(a.publicKey(), rec), wrong);
  assert.throws(() => keyB.open(b.publicKey(), rec), wrong);
  // A re-key of B does not touch A's records; a delegation key of B makes no re-key under A's
  // public key.
  const rkB = grant(b, ['patient:42'], patient, 'role:physician');
  assert.deepEqual(rkB.authority, b.publicKey().id);
  assert.throws(() => rkB.reencrypt(rec), wrong);
  assert.equal(rkB.canReencrypt(rec), false);
  const [slot] = rkB.reencryptBatch([rec.toBytes()]);
  assert.ok(slot instanceof cc.WrongAuthority);
  const d = b.issueDelegationKey(['patient:42'], patient.publicKey());
  assert.deepEqual(d.authority, b.publicKey().id);
  assert.throws(() => d.rekey(a.publicKey(), policy('role:physician')), wrong);
  // The ids survive the encodings (user key and delegation key: right after the 4-byte header).
  const keyBytes = keyB.toBytes();
  assert.deepEqual(keyBytes.slice(4, 36), b.publicKey().id);
  assert.deepEqual(cc.UserKey.fromBytes(keyBytes).authority, b.publicKey().id);
  assert.deepEqual(cc.DelegationKey.fromBytes(d.toBytes()).authority, b.publicKey().id);
  assert.deepEqual(cc.ReKey.fromBytes(rkB.toBytes()).authority, b.publicKey().id);
  assert.deepEqual(SealedRecord.fromBytes(rec.toBytes()).authority, a.publicKey().id);
  // Control: A's key opens.
  assert.equal(dec(a.issueKey(['patient:42']).open(a.publicKey(), rec)), 'x');
});
