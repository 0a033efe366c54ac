// Proxy re-encryption (format v2): Authority.issueDelegationKey → DelegationKey.rekey (consumes
// it) → ReKey.reencrypt / reencryptBatch; the authority and delegator each object names.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, BlsSigningKey, DelegationKey, Policy, ReKey, SealedRecord, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const hex = (b) => Buffer.from(b).toString('hex');

const hospital = Authority.setup();
const pk = hospital.publicKey();
const patient = hospital.issueKey(['patient:42']);
const consentKey = BlsSigningKey.generate(); // the patient's consent key (BLS)
const target = Policy.parse('hospital:h2 and role:physician');
const doctor = hospital.issueKey(['hospital:h2', 'role:physician']);
/** A fresh delegation key of `patient:42` made into a re-key to `target` (one per grant). */
const grant = (attrs = ['patient:42'], to = target) => hospital.issueDelegationKey(attrs, consentKey.publicKey()).rekey(pk, to);

test('issueDelegationKey → rekey, reencrypt, open by the delegatee; getters', () => {
  const record = seal(pk, Policy.parse('patient:42'), enc('ecg-1'), enc(''), enc('ECG data'));
  const delegation = hospital.issueDelegationKey(['patient:42', 'patient:42'], consentKey.publicKey());
  assert.ok(delegation instanceof DelegationKey);
  assert.deepEqual(delegation.attributes, ['patient:42']);
  assert.ok(delegation.delegator.equals(consentKey.publicKey()));
  assert.deepEqual(delegation.authority, pk.id);
  assert.equal(delegation.isConsumed, false);
  const rekey = delegation.rekey(pk, target);
  assert.ok(rekey instanceof ReKey);
  assert.equal(rekey.grantId.length, 16);
  assert.deepEqual(rekey.attributes, ['patient:42']);
  assert.ok(rekey.targetPolicy.equals(target));
  assert.ok(rekey.delegator.equals(consentKey.publicKey()));
  assert.deepEqual(rekey.authority, pk.id);
  assert.equal(rekey.canReencrypt(record), true);
  const shared = rekey.reencrypt(record);
  assert.equal(shared.hopCount, 1);
  assert.deepEqual(shared.authority, pk.id);
  assert.ok(shared.currentPolicy.equals(target));
  assert.ok(shared.policy.equals(Policy.parse('patient:42')));
  assert.equal(dec(doctor.open(pk, shared)), 'ECG data');
  assert.equal(dec(patient.open(pk, record)), 'ECG data');
  // Deterministic: the same record and re-key give the same bytes.
  assert.deepEqual(rekey.reencrypt(record).toBytes(), shared.toBytes());
  // Not twice under the same grant.
  assert.equal(rekey.canReencrypt(shared), false);
  assert.throws(() => rekey.reencrypt(shared), cc.InvalidArgument);
});

test('UserKey.rekey is gone: a grant starts from a delegation key', () => {
  assert.equal(patient.rekey, undefined);
  assert.equal(cc.UserKey.prototype.rekey, undefined);
});

test('rekey consumes the delegation key: every later use throws a typed error', () => {
  const delegation = hospital.issueDelegationKey(['patient:42'], consentKey.publicKey());
  delegation.rekey(pk, target);
  assert.equal(delegation.isConsumed, true);
  const consumed = (e) => {
    assert.ok(e instanceof cc.InvalidArgument, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, 'invalid_argument');
    assert.match(e.message, /consumed/);
    assert.doesNotMatch(e.message, /null pointer/);
    return true;
  };
  assert.throws(() => delegation.rekey(pk, target), consumed);
  assert.throws(() => delegation.toBytes(), consumed);
  assert.throws(() => delegation.attributes, consumed);
  assert.throws(() => delegation.delegator, consumed);
  assert.throws(() => delegation.authority, consumed);
  delegation.free();
  // A freed one too (the argument checks): InvalidArgument, not a wasm-bindgen error.
  assert.throws(() => delegation.rekey(pk, target), cc.InvalidArgument);
});

test('delegation key errors: InvalidAttribute, InvalidArgument, WrongAuthority (not consumed)', () => {
  const bls = consentKey.publicKey();
  assert.throws(() => hospital.issueDelegationKey([], bls), cc.InvalidArgument);
  assert.throws(() => hospital.issueDelegationKey(['patient:42', ''], bls), cc.InvalidAttribute);
  // The holder guard is the authority's to add, never a caller's.
  assert.throws(() => hospital.issueDelegationKey(['cipherchart:key-holder'], bls), cc.InvalidAttribute);
  assert.throws(() => hospital.issueKey(['patient:42', 'cipherchart:key-holder']), cc.InvalidAttribute);
  // Under another authority's public key: refused, and the key stays usable.
  const delegation = hospital.issueDelegationKey(['patient:42'], bls);
  const otherPk = Authority.setup().publicKey();
  assert.throws(() => delegation.rekey(otherPk, target), (e) => e instanceof cc.WrongAuthority
    && e.code === 'wrong_authority');
  assert.equal(delegation.isConsumed, false);
  const rekey = delegation.rekey(pk, target);
  const other = seal(pk, Policy.parse('patient:7'), enc('r'), enc(''), enc('x'));
  assert.equal(rekey.canReencrypt(other), false);
  assert.throws(() => rekey.reencrypt(other), cc.PolicyNotSatisfied);
});

test('reencryptBatch: one result per input, errors in place', () => {
  const rekey = grant();
  const ok = seal(pk, Policy.parse('patient:42'), enc('a'), enc(''), enc('A'));
  const no = seal(pk, Policy.parse('patient:7'), enc('b'), enc(''), enc('B'));
  const foreign = seal(Authority.setup().publicKey(), Policy.parse('patient:42'), enc('c'), enc(''), enc('C'));
  const out = rekey.reencryptBatch([ok.toBytes(), no.toBytes(), new Uint8Array([9, 9]), foreign.toBytes()]);
  assert.equal(out.length, 4);
  assert.ok(out[0] instanceof SealedRecord);
  assert.equal(dec(doctor.open(pk, out[0])), 'A');
  assert.ok(out[1] instanceof cc.PolicyNotSatisfied);
  assert.ok(out[2] instanceof cc.InvalidEncoding);
  assert.ok(out[3] instanceof cc.WrongAuthority);
  assert.deepEqual(rekey.reencryptBatch([]), []);
});

test('reencryptBatch takes record objects as they are, mixed with bytes, and leaves them usable', () => {
  const rekey = grant();
  const ok = seal(pk, Policy.parse('patient:42'), enc('a'), enc(''), enc('A'));
  const no = seal(pk, Policy.parse('patient:7'), enc('b'), enc(''), enc('B'));
  const other = seal(pk, Policy.parse('patient:42'), enc('c'), enc(''), enc('C'));
  const out = rekey.reencryptBatch([ok, no, other.toBytes(), ok]);
  assert.equal(out.length, 4);
  assert.ok(out[0] instanceof SealedRecord && out[3] instanceof SealedRecord);
  assert.equal(dec(doctor.open(pk, out[0])), 'A');
  assert.ok(out[1] instanceof cc.PolicyNotSatisfied); // not a decoding error
  assert.equal(dec(doctor.open(pk, out[2])), 'C');
  // Deterministic: the object and its bytes give the same record.
  assert.deepEqual(out[0].toBytes(), rekey.reencrypt(ok).toBytes());
  assert.deepEqual(out[3].toBytes(), out[0].toBytes());
  // The caller's objects are not consumed.
  assert.equal(dec(patient.open(pk, ok)), 'A');
  assert.equal(ok.hopCount, 0);
  // A freed record, or one of the verify-only build, is refused by name before anything runs.
  const freed = seal(pk, Policy.parse('patient:42'), enc('d'), enc(''), enc('D'));
  freed.free();
  assert.throws(() => rekey.reencryptBatch([ok, freed]),
    (e) => e instanceof cc.InvalidArgument && /records \[1\].*freed/.test(e.message));
  assert.throws(() => rekey.reencryptBatch([ok, 'x']),
    (e) => e instanceof cc.InvalidArgument && /must be a SealedRecord or a Uint8Array, got a string/.test(e.message));
});

test('multi-hop: a re-key of the first audience re-encrypts again', () => {
  const record = seal(pk, Policy.parse('patient:42'), enc('ecg-2'), enc(''), enc('two hops'));
  const hop1 = grant().reencrypt(record);
  const h2 = BlsSigningKey.generate();
  const rk2 = hospital.issueDelegationKey(['hospital:h2', 'role:physician'], h2.publicKey())
    .rekey(pk, Policy.parse('role:auditor'));
  const hop2 = rk2.reencrypt(hop1);
  assert.equal(hop2.hopCount, 2);
  assert.equal(dec(hospital.issueKey(['role:auditor']).open(pk, hop2)), 'two hops');
  assert.equal(dec(doctor.open(pk, hop2)), 'two hops');
  assert.equal(dec(patient.open(pk, hop2)), 'two hops');
});

test('DelegationKey and ReKey: toBytes/fromBytes (tags 0x09 and 0x05, version 2), free/dispose', () => {
  const delegation = hospital.issueDelegationKey(['patient:42'], consentKey.publicKey());
  const dBytes = delegation.toBytes();
  assert.equal(hex(dBytes.slice(0, 4)), '43430902');
  // Header ‖ authority (32) ‖ attribute list ‖ guard flag 0 ‖ K0 (3·96) ‖ K' (3·48) ‖ K_y (3·48) ‖ delegator (48).
  assert.equal(dBytes.length, 4 + 32 + 4 + (4 + 'patient:42'.length) + 1 + 288 + 144 + 144 + 48);
  assert.deepEqual(dBytes.slice(4, 36), pk.id);
  assert.equal(dBytes[4 + 32 + 4 + 4 + 10], 0, 'no holder guard in a delegation key');
  assert.deepEqual(dBytes.slice(-48), consentKey.publicKey().toBytes());
  const dBack = DelegationKey.fromBytes(dBytes);
  assert.deepEqual(dBack.toBytes(), dBytes);
  assert.throws(() => DelegationKey.fromBytes(patient.toBytes()), (e) => e instanceof cc.InvalidEncoding
    && e.kind === 'wrong_type');
  // Version 1 is no longer read.
  assert.throws(() => DelegationKey.fromBytes(Uint8Array.of(0x43, 0x43, 0x09, 0x01, ...dBytes.slice(4))),
    (e) => e instanceof cc.InvalidEncoding && e.kind === 'unsupported_version');
  dBack.free();

  const rekey = delegation.rekey(pk, target);
  const bytes = rekey.toBytes();
  assert.equal(hex(bytes.slice(0, 4)), '43430502');
  // … ‖ public key (u32 length ‖ bytes) ‖ hop key (32) ‖ delegator (48).
  assert.deepEqual(bytes.slice(-48), consentKey.publicKey().toBytes());
  const pkBytes = pk.toBytes();
  assert.deepEqual(bytes.slice(-48 - 32 - pkBytes.length, -48 - 32), pkBytes);
  const back = ReKey.fromBytes(bytes);
  assert.deepEqual(back.grantId, rekey.grantId);
  assert.ok(back.delegator.equals(consentKey.publicKey()));
  assert.deepEqual(back.authority, pk.id);
  const record = seal(pk, Policy.parse('patient:42'), enc('z'), enc(''), enc('Z'));
  assert.deepEqual(back.reencrypt(record).toBytes(), rekey.reencrypt(record).toBytes());
  assert.equal(dec(doctor.open(pk, back.reencrypt(record))), 'Z');
  assert.throws(() => ReKey.fromBytes(new Uint8Array(3)), cc.InvalidEncoding);
  rekey[Symbol.dispose]();
  assert.throws(() => rekey.grantId);
  back.free();
  const disposed = hospital.issueDelegationKey(['patient:42'], consentKey.publicKey());
  disposed[Symbol.dispose]();
  assert.throws(() => disposed.rekey(pk, target), cc.InvalidArgument);
});
