// Consent tokens: issue, text/bytes round trips, verify (window, issuer, revocation), permits.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

/** A `RevocationSet` of ids revoked outright (what `ConsentToken.verify` takes). */
const revokedSet = (ids) => {
  const set = new cc.RevocationSet();
  for (const id of ids) set.insert(id);
  return set;
};

const { BlsSigningKey, ConsentToken, Policy, VerifiedConsent } = cc;
const enc = (s) => new TextEncoder().encode(s);
const hex = (b) => Buffer.from(b).toString('hex');

const patient = BlsSigningKey.generate();
const grantee = Policy.parse('hospital:h2 and dept:cardiology');
const issue = (categories, records) =>
  ConsentToken.issue(patient, 'patient-42', grantee, 1_000, 2_000, ['treatment'], categories, records);

test('issue → toText/fromText → verify → permits', () => {
  const token = issue(['cardiology']);
  assert.equal(token.blockCount, 1);
  assert.equal(token.isPresented, false);
  assert.equal(token.holder, undefined);
  assert.equal(hex(token.issuer.toBytes()), hex(patient.publicKey().toBytes()));
  const text = token.toText();
  assert.equal(typeof text, 'string');
  const back = ConsentToken.fromText(text);
  assert.equal(back.toText(), text);
  assert.deepEqual(ConsentToken.fromBytes(token.toBytes()).toBytes(), token.toBytes());

  const consent = back.verify(patient.publicKey(), 1_500);
  assert.ok(consent instanceof VerifiedConsent);
  assert.equal(consent.subject, 'patient-42');
  assert.deepEqual(consent.purposes, ['treatment']);
  assert.ok(consent.granteePolicy.equals(grantee));
  assert.equal(consent.notBefore, 1_000);
  assert.equal(consent.expiry, 2_000);
  assert.equal(hex(consent.issuer.toBytes()), hex(patient.publicKey().toBytes()));
  assert.equal(consent.permits(enc('ecg-1'), 'cardiology', 'treatment'), true);
  assert.equal(consent.permits(enc('ecg-1'), 'cardiology', 'research'), false);
  assert.equal(consent.permits(enc('ecg-1'), 'oncology', 'treatment'), false);
  consent.checkPermits(enc('ecg-1'), 'cardiology', 'treatment');
  assert.throws(() => consent.checkPermits(enc('ecg-1'), 'oncology', 'treatment'),
    (e) => e instanceof cc.ConsentError && e.code === 'consent_error');
});

test('records scope', () => {
  const consent = issue(null, ['ecg-1']).verify(patient.publicKey(), 1_000);
  assert.equal(consent.permits(enc('ecg-1'), 'anything', 'treatment'), true);
  assert.equal(consent.permits(enc('ecg-2'), 'anything', 'treatment'), false);
});

test('verify refuses: expired, not yet valid, wrong issuer, revoked — ConsentError', () => {
  const token = issue(['cardiology']);
  for (const [what, run] of [
    ['expired', () => token.verify(patient.publicKey(), 2_001)],
    ['not yet valid', () => token.verify(patient.publicKey(), 999)],
    ['wrong issuer', () => token.verify(BlsSigningKey.generate().publicKey(), 1_500)],
    ['revoked', () => token.verify(patient.publicKey(), 1_500, revokedSet(token.revocationIds()))],
  ]) assert.throws(run, (e) => e instanceof cc.ConsentError && e.code === 'consent_error', what);
  const ids = token.revocationIds();
  assert.equal(ids.length, 1);
  assert.equal(ids[0].length, 32);
  // Another token's id does not revoke this one; a malformed id is InvalidEncoding.
  token.verify(patient.publicKey(), 1_500, revokedSet(issue(['cardiology']).revocationIds()));
  assert.throws(() => revokedSet([new Uint8Array(5)]), cc.InvalidEncoding);
});

test('bad input: times, text, bytes, empty purposes', () => {
  const token = issue(['cardiology']);
  for (const t of [-1, 1.5, Number.NaN, 2 ** 60]) {
    assert.throws(() => token.verify(patient.publicKey(), t), cc.InvalidArgument, String(t));
  }
  assert.throws(() => ConsentToken.issue(patient, 'p', grantee, 2_000, 1_000, ['treatment']), cc.InvalidArgument);
  assert.throws(() => ConsentToken.issue(patient, 'p', grantee, 1_000, 2_000, []), cc.InvalidArgument);
  assert.throws(() => ConsentToken.issue(patient, '', grantee, 1_000, 2_000, ['treatment']), cc.InvalidArgument);
  assert.throws(() => ConsentToken.fromText('not a token'), cc.InvalidEncoding);
  assert.throws(() => ConsentToken.fromBytes(new Uint8Array([1, 2, 3])), cc.InvalidEncoding);
  // A tampered signature does not verify.
  const bytes = token.toBytes();
  bytes[bytes.length - 3] ^= 1;
  let tampered;
  try { tampered = ConsentToken.fromBytes(bytes); } catch (e) { assert.ok(e instanceof cc.InvalidEncoding); return; }
  assert.throws(() => tampered.verify(patient.publicKey(), 1_500), cc.CipherchartError);
});

test('ReKey.reencryptWithConsent: only within the consent, naming the re-key, from its delegator', () => {
  const { Authority, Grant, seal } = cc;
  const hospital = Authority.setup();
  const pk = hospital.publicKey();
  const record = seal(pk, Policy.parse('patient:42'), enc('ecg-1'), enc(''), enc('ECG'));
  // The delegation key names the patient's consent key; the consent names the re-key's digest.
  const rekey = hospital.issueDelegationKey(['patient:42'], patient.publicKey()).rekey(pk, grantee);
  const consent = ConsentToken.issueGrant(patient, new Grant('patient-42', grantee, 1_000, 2_000)
    .purposes(['treatment']).categories(['cardiology']).rekey(rekey)).verify(patient.publicKey(), 1_500);
  const shared = cc.reencryptWithConsent(consent, rekey, record, 'cardiology', 'treatment');
  const doctor = hospital.issueKey(['hospital:h2', 'dept:cardiology']);
  assert.equal(new TextDecoder().decode(doctor.open(pk, shared)), 'ECG');
  const notPermitted = (e) => e instanceof cc.ConsentError && e.kind === 'not_permitted';
  assert.throws(() => cc.reencryptWithConsent(consent, rekey, record, 'cardiology', 'research'), notPermitted);
  assert.throws(() => cc.reencryptWithConsent(consent, rekey, record, 'oncology', 'treatment'), notPermitted);
  const mismatch = (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch' && /re-encryption key/.test(e.message);
  // Another re-key of the same delegator: not the one the consent names.
  const other = hospital.issueDelegationKey(['patient:42'], patient.publicKey()).rekey(pk, Policy.parse('hospital:h3'));
  assert.throws(() => cc.reencryptWithConsent(consent, other, record, 'cardiology', 'treatment'), mismatch);
  // A consent that names no re-key digest (what issue() makes) authorises no re-encryption.
  const unbound = issue(['cardiology']).verify(patient.publicKey(), 1_500);
  assert.throws(() => cc.reencryptWithConsent(unbound, rekey, record, 'cardiology', 'treatment'), mismatch);
});
