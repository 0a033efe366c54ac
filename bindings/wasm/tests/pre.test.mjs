// Proxy re-encryption: UserKey.rekey → ReKey.reencrypt / reencryptBatch.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, Policy, ReKey, SealedRecord, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

const hospital = Authority.setup();
const pk = hospital.publicKey();
const patient = hospital.issueKey(['patient:42']);
const target = Policy.parse('hospital:h2 and role:physician');
const doctor = hospital.issueKey(['hospital:h2', 'role:physician']);

test('rekey, reencrypt, open by the delegatee; getters', () => {
  const record = seal(pk, Policy.parse('patient:42'), enc('ecg-1'), enc(''), enc('ECG data'));
  const rekey = patient.rekey(pk, ['patient:42'], target);
  assert.ok(rekey instanceof ReKey);
  assert.equal(rekey.grantId.length, 16);
  assert.deepEqual(rekey.attributes, ['patient:42']);
  assert.ok(rekey.targetPolicy.equals(target));
  assert.equal(rekey.canReencrypt(record), true);
  const shared = rekey.reencrypt(record);
  assert.equal(shared.hopCount, 1);
  assert.ok(shared.currentPolicy.equals(target));
  assert.ok(shared.policy.equals(Policy.parse('patient:42')));
  assert.equal(dec(doctor.open(pk, shared)), 'ECG data');
  assert.equal(dec(patient.open(pk, record)), 'ECG data');
  // Not twice under the same grant.
  assert.equal(rekey.canReencrypt(shared), false);
  assert.throws(() => rekey.reencrypt(shared), cc.InvalidArgument);
});

test('rekey errors: NotASubset, InvalidArgument; reencrypt of an unsatisfied record', () => {
  assert.throws(() => patient.rekey(pk, ['patient:43'], target), (e) => e instanceof cc.NotASubset && e.code === 'not_a_subset');
  assert.throws(() => patient.rekey(pk, [], target), cc.InvalidArgument);
  const rekey = patient.rekey(pk, ['patient:42'], target);
  const other = seal(pk, Policy.parse('patient:7'), enc('r'), enc(''), enc('x'));
  assert.equal(rekey.canReencrypt(other), false);
  assert.throws(() => rekey.reencrypt(other), cc.PolicyNotSatisfied);
});

test('reencryptBatch: one result per input, errors in place', () => {
  const rekey = patient.rekey(pk, ['patient:42'], target);
  const ok = seal(pk, Policy.parse('patient:42'), enc('a'), enc(''), enc('A'));
  const no = seal(pk, Policy.parse('patient:7'), enc('b'), enc(''), enc('B'));
  const out = rekey.reencryptBatch([ok.toBytes(), no.toBytes(), new Uint8Array([9, 9])]);
  assert.equal(out.length, 3);
  assert.ok(out[0] instanceof SealedRecord);
  assert.equal(dec(doctor.open(pk, out[0])), 'A');
  assert.ok(out[1] instanceof cc.PolicyNotSatisfied);
  assert.ok(out[2] instanceof cc.InvalidEncoding);
  assert.deepEqual(rekey.reencryptBatch([]), []);
});

test('ReKey: toBytesDangerous/fromBytes, free/dispose', () => {
  const rekey = patient.rekey(pk, ['patient:42'], target);
  assert.equal(rekey.toBytes, undefined);
  const back = ReKey.fromBytes(rekey.toBytesDangerous());
  assert.deepEqual(back.grantId, rekey.grantId);
  const record = seal(pk, Policy.parse('patient:42'), enc('z'), enc(''), enc('Z'));
  assert.equal(dec(doctor.open(pk, back.reencrypt(record))), 'Z');
  assert.throws(() => ReKey.fromBytes(new Uint8Array(3)), cc.InvalidEncoding);
  rekey[Symbol.dispose]();
  assert.throws(() => rekey.grantId);
  back.free();
});
