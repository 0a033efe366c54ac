// What a verified consent covers, as values (Selection, Scope, Window; VerifiedConsent.scope and
// .window; Grant.scope; Narrowing.recordSelection / categorySelection), the consent-checked
// batch re-encryption, rekeyDigest / checkRekey, and the tagged object bytes of BLS keys and
// signatures.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { BlsPublicKey, BlsSignature, BlsSigningKey, ConsentToken, Grant, Narrowing, Policy, Scope, Selection,
  Window } = cc;
const enc = (s) => new TextEncoder().encode(s);
const hex = (b) => Buffer.from(b).toString('hex');

const patient = BlsSigningKey.generate();
const clinic = BlsSigningKey.generate();
const grantee = Policy.parse('hospital:h2');
/** A re-key of `patient:42` to `to`, from a delegation key naming `delegator` (the patient's). */
const grantOf = (authority, to = grantee, delegator = patient) => authority
  .issueDelegationKey(['patient:42'], delegator.publicKey()).rekey(authority.publicKey(), to);

test('Selection: any / only, values sorted and merged, bytes, inclusion', () => {
  const any = Selection.any();
  const only = Selection.only(['radiology', 'cardiology', 'cardiology']);
  assert.equal(any.isAny, true);
  assert.equal(any.values, undefined);
  assert.equal(only.isAny, false);
  assert.deepEqual(only.values, ['cardiology', 'radiology']);
  assert.equal(only.contains('cardiology'), true);
  assert.equal(only.contains('oncology'), false);
  assert.equal(any.contains('anything'), true);
  assert.equal(only.containsBytes(enc('radiology')), true);
  // A record id that is not UTF-8 is only selected by `any`.
  assert.equal(only.containsBytes(new Uint8Array([0xff, 0xfe])), false);
  assert.equal(any.containsBytes(new Uint8Array([0xff, 0xfe])), true);
  assert.equal(Selection.only(['cardiology']).isWithin(only), true);
  assert.equal(only.isWithin(Selection.only(['cardiology'])), false);
  assert.equal(only.isWithin(any), true);
  assert.equal(any.isWithin(only), false);
  assert.equal(only.equals(Selection.only(['cardiology', 'radiology'])), true);
  assert.equal(only.equals(any), false);
});

test('Scope and Window: contains, isWithin, equals, bad windows', () => {
  const scope = new Scope(Selection.only(['ecg-1']), Selection.only(['cardiology']));
  assert.equal(scope.contains(enc('ecg-1'), 'cardiology'), true);
  assert.equal(scope.contains(enc('ecg-1'), 'oncology'), false);
  assert.equal(scope.contains(enc('ecg-2'), 'cardiology'), false);
  assert.equal(scope.isWithin(Scope.all()), true);
  assert.equal(Scope.all().isWithin(scope), false);
  assert.equal(Scope.all().records.isAny && Scope.all().categories.isAny, true);
  assert.deepEqual(scope.records.values, ['ecg-1']);
  assert.equal(scope.equals(new Scope(Selection.only(['ecg-1']), Selection.only(['cardiology']))), true);

  const w = new Window(100, 200);
  assert.deepEqual([w.notBefore, w.expiry], [100, 200]);
  assert.deepEqual([99, 100, 199, 200].map((t) => w.contains(t)), [false, true, true, false]);
  assert.equal(new Window(120, 150).isWithin(w), true);
  assert.equal(new Window(50, 150).isWithin(w), false);
  assert.equal(w.equals(new Window(100, 200)), true);
  assert.throws(() => new Window(5, 5), cc.InvalidArgument);
  assert.throws(() => new Window(-1, 5), cc.InvalidArgument);
  assert.throws(() => w.contains(1.5), cc.InvalidArgument);
});

test('VerifiedConsent.scope and .window; Grant.scope; narrowing by Selection', () => {
  const grant = new Grant('patient-42', grantee, 1_000, 5_000).purposes(['treatment'])
    .scope(new Scope(Selection.only(['ecg-1', 'ecg-2']), Selection.any())).holder(clinic.publicKey());
  const token = ConsentToken.issueGrant(patient, grant);
  const wide = token.present(clinic).verify(patient.publicKey(), 2_000);
  assert.deepEqual(wide.scope.records.values, ['ecg-1', 'ecg-2']);
  assert.equal(wide.scope.categories.isAny, true);
  assert.deepEqual([wide.window.notBefore, wide.window.expiry], [1_000, 5_000]);
  assert.equal(wide.window.notBefore, wide.notBefore);

  const narrowed = token.attenuate(clinic, new Narrowing().recordSelection(Selection.only(['ecg-1']))
    .categorySelection(Selection.only(['cardiology'])).window(1_500, 3_000));
  const consent = narrowed.verify(patient.publicKey(), 2_000);
  assert.deepEqual(consent.scope.records.values, ['ecg-1']);
  assert.deepEqual(consent.scope.categories.values, ['cardiology']);
  assert.equal(consent.scope.isWithin(wide.scope), true);
  assert.equal(consent.window.isWithin(wide.window), true);
  assert.deepEqual([consent.window.notBefore, consent.window.expiry], [1_500, 3_000]);
  // Selection.any() where the records were limited would widen them: refused.
  assert.throws(() => token.attenuate(clinic, new Narrowing().recordSelection(Selection.any())), cc.ConsentError);
  assert.throws(() => token.attenuate(clinic, new Narrowing().recordSelection(Selection.only(['ecg-3']))),
    cc.ConsentError);
});

test('reencryptBatchWithConsent: one result per record, refusals in their slots', () => {
  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  const rekey = grantOf(authority);
  const reader = authority.issueKey(['hospital:h2']);
  const token = ConsentToken.issueGrant(patient, new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .categories(['cardiology']).rekey(rekey));
  const consent = token.verify(patient.publicKey(), 50);
  const record = (id) => cc.seal(pk, Policy.parse('patient:42'), enc(id), enc(''), enc(`body of ${id}`)).toBytes();
  const records = [record('r1'), record('r2'), new Uint8Array([1, 2, 3]), record('r4')];
  const out = cc.reencryptBatchWithConsent(consent, rekey, records, ['cardiology', 'oncology', 'cardiology',
    'cardiology'], 'treatment');
  assert.equal(out.length, 4);
  assert.ok(out[0] instanceof cc.SealedRecord);
  assert.equal(out[0].hopCount, 1);
  assert.deepEqual(reader.open(pk, out[0]), enc('body of r1'));
  assert.ok(out[1] instanceof cc.ConsentError, 'oncology is not covered');
  assert.ok(out[2] instanceof cc.InvalidEncoding, 'garbage does not decode');
  assert.deepEqual(reader.open(pk, out[3]), enc('body of r4'));

  // The purpose is checked for every record; the lists must line up.
  const research = cc.reencryptBatchWithConsent(consent, rekey, [records[0]], ['cardiology'], 'research');
  assert.ok(research[0] instanceof cc.ConsentError);
  assert.throws(() => cc.reencryptBatchWithConsent(consent, rekey, records, ['cardiology'], 'treatment'),
    cc.InvalidArgument);
  assert.deepEqual(cc.reencryptBatchWithConsent(consent, rekey, [], [], 'treatment'), []);
  // Record objects work as well as bytes, and stay usable.
  const objects = [cc.SealedRecord.fromBytes(records[0]), cc.SealedRecord.fromBytes(records[1])];
  const fromObjects = cc.reencryptBatchWithConsent(consent, rekey, objects, ['cardiology', 'oncology'], 'treatment');
  assert.deepEqual(fromObjects[0].toBytes(), out[0].toBytes());
  assert.ok(fromObjects[1] instanceof cc.ConsentError);
  assert.equal(objects[0].hopCount, 0);
  // A re-key to another audience is refused for the whole batch.
  const mismatch = (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch';
  const elsewhere = grantOf(authority, Policy.parse('hospital:h3'));
  assert.throws(() => cc.reencryptBatchWithConsent(consent, elsewhere, records, ['cardiology', 'oncology',
    'cardiology', 'cardiology'], 'treatment'), mismatch);
  cc.checkRekey(consent, rekey);
  assert.throws(() => cc.checkRekey(consent, elsewhere), mismatch);
  // The same consent terms without the re-key digest authorise no re-encryption (format v2).
  const unbound = ConsentToken.issue(patient, 'patient-42', grantee, 0, 100, ['treatment'], ['cardiology'])
    .verify(patient.publicKey(), 50);
  assert.throws(() => cc.reencryptBatchWithConsent(unbound, rekey, records, ['cardiology', 'oncology', 'cardiology',
    'cardiology'], 'treatment'), mismatch);
  assert.throws(() => cc.checkRekey(unbound, rekey), mismatch);
});

test('rekeyDigest is what Grant.rekey binds; checkRekey accepts only that re-key, from its delegator', () => {
  const authority = cc.Authority.setup();
  const rekey = grantOf(authority);
  const twin = grantOf(authority); // same audience, another grant
  const digest = cc.rekeyDigest(rekey);
  assert.equal(digest.length, 32);
  assert.deepEqual(cc.rekeyDigest(cc.ReKey.fromBytes(rekey.toBytes())), digest);
  assert.notDeepEqual(cc.rekeyDigest(twin), digest);
  const consent = ConsentToken.issueGrant(patient, new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .rekey(rekey)).verify(patient.publicKey(), 50);
  assert.deepEqual(consent.rekeyDigest, digest);
  cc.checkRekey(consent, rekey);
  assert.throws(() => cc.checkRekey(consent, twin), (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch');
  // The clinic's consent naming the patient's re-key (its digest is public): not the delegator's.
  const copied = ConsentToken.issueGrant(clinic, new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .rekeyDigest(digest)).verify(clinic.publicKey(), 50);
  assert.deepEqual(copied.rekeyDigest, digest);
  assert.throws(() => cc.checkRekey(copied, rekey), (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch');
});

test('BLS object bytes: the 4-byte header of docs/formats.md, then the raw form', () => {
  const key = BlsSigningKey.generate();
  const pk = key.publicKey();
  const sig = key.sign(enc('m'));
  const pkObj = pk.toObjectBytes();
  const sigObj = sig.toObjectBytes();
  assert.equal(pkObj.length, 52);
  assert.equal(sigObj.length, 100);
  assert.equal(hex(pkObj.slice(0, 4)), '43431002');
  assert.equal(hex(sigObj.slice(0, 4)), '43431102');
  assert.deepEqual(pkObj.slice(4), pk.toBytes());
  assert.deepEqual(sigObj.slice(4), sig.toBytes());
  BlsPublicKey.fromObjectBytes(pkObj).verify(enc('m'), BlsSignature.fromObjectBytes(sigObj));
  // The raw form, the other type's header, a wrong version (1: the format before v2, and 3),
  // truncation, extension: refused.
  for (const bad of [pk.toBytes(), Uint8Array.of(0x43, 0x43, 0x11, 0x02, ...pk.toBytes()),
    Uint8Array.of(0x43, 0x43, 0x10, 0x01, ...pk.toBytes()), Uint8Array.of(0x43, 0x43, 0x10, 0x03, ...pk.toBytes()),
    pkObj.slice(0, 51), Uint8Array.of(...pkObj, 0)]) {
    assert.throws(() => BlsPublicKey.fromObjectBytes(bad), cc.InvalidEncoding);
  }
  for (const bad of [sig.toBytes(), Uint8Array.of(0x43, 0x43, 0x10, 0x02, ...sig.toBytes()),
    Uint8Array.of(0x43, 0x43, 0x11, 0x01, ...sig.toBytes()), sigObj.slice(0, 99)]) {
    assert.throws(() => BlsSignature.fromObjectBytes(bad), cc.InvalidEncoding);
  }
});

test('reencryptBatchWithConsent: a re-encryption failure stays in its slot; id scopes; key grantees', () => {
  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  const rekey = grantOf(authority);
  const reader = authority.issueKey(['hospital:h2']);
  const seal = (id, policy) => cc.seal(pk, Policy.parse(policy), enc(id), enc(''), enc(`body of ${id}`)).toBytes();
  const consent = ConsentToken.issueGrant(patient, new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .records(['r1', 'r2', 'r3']).rekey(rekey)).verify(patient.publicKey(), 50);
  // r2 is permitted but sealed under a policy the re-key cannot satisfy; r9 is out of scope.
  const out = cc.reencryptBatchWithConsent(consent, rekey, [seal('r1', 'patient:42'), seal('r2', 'role:nurse'),
    seal('r9', 'patient:42'), seal('r3', 'patient:42')], ['c', 'c', 'c', 'c'], 'treatment');
  assert.deepEqual(reader.open(pk, out[0]), enc('body of r1'));
  assert.ok(out[1] instanceof cc.PolicyNotSatisfied, out[1]?.name);
  assert.ok(out[2] instanceof cc.ConsentError, out[2]?.name);
  assert.deepEqual(reader.open(pk, out[3]), enc('body of r3'), 'the results after a failure stay aligned');

  // A consent to a key that names no re-key digest authorises no re-key: the whole batch throws.
  const toKey = ConsentToken.issueGrant(patient, Grant.forKey('patient-42', clinic.publicKey(), 0, 100)
    .purposes(['treatment'])).verify(patient.publicKey(), 50);
  assert.throws(() => cc.reencryptBatchWithConsent(toKey, rekey, [seal('r1', 'patient:42')], ['c'], 'treatment'),
    (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch');
  // Naming the digest (what a patient does who holds only the digest a proxy sent) authorises it.
  const bound = ConsentToken.issueGrant(patient, Grant.forKey('patient-42', clinic.publicKey(), 0, 100)
    .purposes(['treatment']).rekeyDigest(cc.rekeyDigest(rekey))).verify(patient.publicKey(), 50);
  assert.equal(cc.reencryptBatchWithConsent(bound, rekey, [seal('r1', 'patient:42')], ['c'], 'treatment')[0].hopCount, 1);
  // The same grant issued by the clinic (not the re-key's delegator): refused.
  const byClinic = ConsentToken.issueGrant(clinic, Grant.forKey('patient-42', clinic.publicKey(), 0, 100)
    .purposes(['treatment']).rekeyDigest(cc.rekeyDigest(rekey))).verify(clinic.publicKey(), 50);
  assert.throws(() => cc.reencryptBatchWithConsent(byClinic, rekey, [seal('r1', 'patient:42')], ['c'], 'treatment'),
    (e) => e instanceof cc.ConsentError && e.kind === 'rekey_mismatch');
  assert.throws(() => Grant.forKey('p', clinic.publicKey(), 0, 1).rekeyDigest(new Uint8Array(31)), cc.InvalidArgument);
});

test('scopes that permit nothing or widen are refused', () => {
  const empty = new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .scope(new Scope(Selection.only([]), Selection.any()));
  assert.throws(() => ConsentToken.issueGrant(patient, empty), cc.InvalidArgument);
  const token = ConsentToken.issue(patient, 'patient-42', grantee, 0, 100, ['treatment'], ['cardiology']);
  // The holder of a bearer token cannot attenuate (no holder named), so name one first.
  const held = ConsentToken.issueGrant(patient, new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .categories(['cardiology']).holder(clinic.publicKey()));
  assert.throws(() => held.attenuate(clinic, new Narrowing().categorySelection(Selection.any())), cc.ConsentError);
  held.attenuate(clinic, new Narrowing().categorySelection(Selection.only(['cardiology'])));
  assert.deepEqual(token.verify(patient.publicKey(), 1).scope.categories.values, ['cardiology']);
});

