// Issue 23: no silent data loss at the JavaScript boundary. wasm-bindgen's glue used to convert
// any argument to what the Rust side declared: a string as that many zero bytes, an ArrayBuffer
// as no bytes, a Uint16Array cut to its low bytes, a bare string as a list of its characters,
// milliseconds as seconds. Every argument of every export is now checked (bindings/wasm/js/
// checks.js) and a wrong one throws InvalidArgument naming the function and the argument.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as v from 'cipherchart/verify';

const { Authority, Policy, seal, InvalidArgument } = cc;
const enc = (s) => new TextEncoder().encode(s);
const T = 1_767_225_600;

/** An InvalidArgument (from the build `lib`) whose message names `name`. */
const invalid = (name, lib = cc) => (e) => {
  assert.ok(e instanceof lib.InvalidArgument, `${name}: ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.code, 'invalid_argument');
  assert.match(e.message, new RegExp(`\\b${name}\\b`), e.message);
  return true;
};

const authority = Authority.setup();
const pk = authority.publicKey();
const policy = Policy.parse('patient:42 or role:physician');
const doctor = authority.issueKey(['role:physician']);

test('seal: a string, ArrayBuffer or Uint16Array where bytes are expected is refused', () => {
  // The issue's call: a string payload sealed as 12 zero bytes, the record id as zeros.
  assert.throws(() => seal(pk, policy, 'patient-42/ecg', new Uint8Array(), 'sinus rhythm'), invalid('recordId'));
  assert.throws(() => seal(pk, policy, enc('r'), new Uint8Array(), 'sinus rhythm'), invalid('payload'));
  assert.throws(() => seal(pk, policy, enc('r'), enc(''), new ArrayBuffer(8)), invalid('payload'));
  assert.throws(() => seal(pk, policy, enc('r'), enc(''), new Uint16Array([0x1234, 0x5678])), invalid('payload'));
  assert.throws(() => seal(pk, policy, enc('r'), enc(''), [1, 0x1234, -1]), invalid('payload'));
  assert.throws(() => seal(pk, policy, enc('r'), 'meta', enc('x')), invalid('metadata'));
  assert.throws(() => seal(pk, 'patient:42', enc('r'), enc(''), enc('x')), invalid('policy'));
  assert.throws(() => seal(pk, policy, enc('r'), enc('')), invalid('payload'));
  // The right types still work, Node's Buffer (a Uint8Array) included.
  const sealed = seal(pk, policy, Buffer.from('r'), enc(''), enc('sinus rhythm'));
  assert.deepEqual(doctor.open(pk, sealed), enc('sinus rhythm'));
  // Arrays of byte values (declared `Uint8Array | number[]`) convert exactly.
  assert.deepEqual(doctor.open(pk, seal(pk, policy, [114], [], [1, 2, 255])), new Uint8Array([1, 2, 255]));
});

test('issueKey: a bare string is not a list of attributes', () => {
  assert.throws(() => authority.issueKey('role:physician'), invalid('attributes'));
  assert.throws(() => authority.issueKey(['role:physician', 42]), invalid('attributes'));
  assert.throws(() => policy.isSatisfiedBy('role:physician'), invalid('attributes'));
  assert.deepEqual(authority.issueKey(['role:physician']).attributes, ['role:physician']);
});

test('times are seconds: milliseconds, negatives, fractions and non-numbers are refused', () => {
  const digest = new Uint8Array(32);
  for (const bad of [Date.now(), -1, 1.5, NaN, '1767225600', 2 ** 53]) {
    assert.throws(() => new cc.EntryDraft(bad, 'read', enc('x'), digest), invalid('time'), String(bad));
  }
  assert.equal(new cc.EntryDraft(T, 'read', enc('x'), digest).time, T);
  // The bound is the last second of year 9999, the first refused value one more.
  assert.equal(new cc.EntryDraft(253_402_300_799, 'read', enc('x'), digest).time, 253_402_300_799);
  assert.throws(() => new cc.EntryDraft(253_402_300_800, 'read', enc('x'), digest), /milliseconds/);
  const chain = new cc.Chain();
  assert.throws(() => chain.entry(-1), invalid('index'));
  assert.throws(() => chain.entry('0'), invalid('index'));
});

test('objects: wrong class, freed, consumed, or from the other build', () => {
  assert.throws(() => seal(policy, policy, enc('r'), enc(''), enc('x')), invalid('pk'));
  assert.throws(() => seal({}, policy, enc('r'), enc(''), enc('x')), invalid('pk'));
  const other = Authority.setup().publicKey();
  other.free();
  assert.throws(() => seal(other, policy, enc('r'), enc(''), enc('x')), invalid('pk'));
  assert.throws(() => other.toBytes(), invalid('this'));
  // The verify-only build's objects are not the full build's, and the reverse.
  const vPolicy = v.Policy.parse('patient:42');
  assert.throws(() => seal(pk, vPolicy, enc('r'), enc(''), enc('x')), (e) => invalid('policy')(e) && /another cipherchart build/.test(e.message));
  const signer = cc.BlsSigningKey.generate();
  const vKey = v.BlsPublicKey.fromBytes(signer.publicKey().toBytes());
  const sig = signer.sign(enc('m'));
  assert.throws(() => vKey.verify(enc('m'), sig), invalid('signature', v));
  vKey.verify(enc('m'), v.BlsSignature.fromBytes(sig.toBytes()));
});

test('Grant and Narrowing builders leave the original usable', () => {
  const patient = cc.BlsSigningKey.generate();
  const base = new cc.Grant('patient-42', policy, 1_000, 5_000);
  const forTreatment = base.purposes(['treatment']);
  const forResearch = base.purposes(['research']).categories(['lab']);
  // Reusing `base` used to throw "null pointer passed to rust": each call consumed it.
  const a = cc.ConsentToken.issueGrant(patient, forTreatment).verify(patient.publicKey(), 2_000);
  const b = cc.ConsentToken.issueGrant(patient, forResearch).verify(patient.publicKey(), 2_000);
  assert.deepEqual([a.purposes, b.purposes], [['treatment'], ['research']]);
  assert.throws(() => cc.ConsentToken.issueGrant(patient, base), cc.InvalidArgument); // no purposes yet
  const narrowing = new cc.Narrowing();
  narrowing.purposes(['treatment']);
  narrowing.records(['r1']);
  narrowing.window(1_000, 2_000);
  assert.ok(narrowing instanceof cc.Narrowing);
});

test('issueDelegationKey and DelegationKey.rekey: the delegator is a BlsPublicKey, the key is used once', () => {
  const consentKey = cc.BlsSigningKey.generate();
  // The signing key, the raw or object bytes of the public key, a bare string: refused.
  for (const bad of [consentKey, consentKey.publicKey().toBytes(), consentKey.publicKey().toObjectBytes(), 'patient:42']) {
    assert.throws(() => authority.issueDelegationKey(['patient:42'], bad), invalid('delegator'));
  }
  assert.throws(() => authority.issueDelegationKey('patient:42', consentKey.publicKey()), invalid('attributes'));
  const delegation = authority.issueDelegationKey(['patient:42'], consentKey.publicKey());
  assert.throws(() => delegation.rekey(pk, 'role:physician'), invalid('targetPolicy'));
  assert.throws(() => delegation.rekey(policy, policy), invalid('pk'));
  assert.equal(delegation.isConsumed, false, 'a refused call consumes nothing');
  const rekey = delegation.rekey(pk, Policy.parse('role:physician'));
  assert.ok(rekey instanceof cc.ReKey);
  // Consumed: InvalidArgument from the binding itself (the object is still allocated), not a
  // wasm-bindgen null-pointer error.
  assert.throws(() => delegation.rekey(pk, Policy.parse('role:physician')), invalid('DelegationKey'));
});
