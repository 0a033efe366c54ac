// Authority, PublicKey, UserKey, seal and SealedRecord through the package's node entry.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, PublicKey, UserKey, Policy, SealedRecord, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const code = (c) => (e) => e instanceof cc.CipherchartError && e instanceof Error && e.code === c;

const authority = Authority.setup();
const pk = authority.publicKey();
const POLICY = 'patient:42 or (role:physician and dept:cardiology)';

test('seal and open: a satisfying key gets the payload, an unsatisfying one PolicyNotSatisfied', () => {
  const policy = Policy.parse(POLICY);
  const sealed = seal(pk, policy, enc('rec-1'), enc('ecg'), enc('sinus rhythm'));
  assert.ok(sealed instanceof SealedRecord);
  const doctor = authority.issueKey(['role:physician', 'dept:cardiology']);
  const opened = doctor.open(pk, sealed);
  assert.ok(opened instanceof Uint8Array);
  assert.equal(dec(opened), 'sinus rhythm');
  const nurse = authority.issueKey(['role:nurse', 'dept:cardiology']);
  assert.throws(() => nurse.open(pk, sealed), (e) => e instanceof cc.PolicyNotSatisfied && code('policy_not_satisfied')(e));
  // A key from another authority with the right attributes cannot open it either.
  const other = Authority.setup().issueKey(['patient:42']);
  assert.throws(() => other.open(pk, sealed), (e) => e instanceof cc.WrongAuthority && code('wrong_authority')(e));
});

test('v2 user keys: the authority id, the hidden holder guard, the byte layout of docs/formats.md', () => {
  const key = authority.issueKey(['role:physician', 'dept:cardiology']);
  assert.deepEqual(key.authority, pk.id);
  assert.deepEqual(key.attributes, ['dept:cardiology', 'role:physician'], 'the guard is not listed');
  assert.equal(key.hasAttribute('cipherchart:key-holder'), false);
  const bytes = key.toBytes();
  const hex = Buffer.from(bytes.slice(0, 4)).toString('hex');
  assert.equal(hex, '43430302');
  assert.deepEqual(bytes.slice(4, 36), pk.id);
  // header ‖ authority ‖ u32 count ‖ (u32 len ‖ name)* ‖ guard flag 1 ‖ K0 ‖ K' ‖ K_y per attribute ‖ K_guard
  const names = 4 + 'dept:cardiology'.length + 4 + 'role:physician'.length;
  assert.equal(bytes[4 + 32 + 4 + names], 1, 'a user key carries the holder guard');
  assert.equal(bytes.length, 4 + 32 + 4 + names + 1 + 288 + 144 + 144 * (2 + 1));
  // Streams and sessions are sealed under (P) and the guard internally; their accessors read P.
  const policy = Policy.parse('role:physician');
  const stream = cc.sealStream(pk, policy, enc('scan'), enc(''), enc('pixels'));
  assert.ok(cc.StreamInfo.read(stream).policy.equals(policy));
  assert.ok(new TextDecoder().decode(stream).includes('(role:physician) and cipherchart:key-holder')
    || new TextDecoder().decode(stream).includes('role:physician and cipherchart:key-holder'));
  assert.equal(dec(key.openStream(pk, stream)), 'pixels');
  const { header } = cc.startSession(pk, policy, enc('s'), enc(''));
  assert.ok(header.policy.equals(policy));
  assert.ok(new TextDecoder().decode(header.toBytes()).includes('cipherchart:key-holder'));
});

test('SealedRecord getters and toBytes/fromBytes round trip', () => {
  const policy = Policy.parse(POLICY);
  const sealed = seal(pk, policy, enc('rec-2'), enc('meta'), new Uint8Array(0));
  assert.ok(sealed.policy.equals(policy));
  assert.ok(sealed.currentPolicy.equals(policy));
  assert.equal(dec(sealed.recordId), 'rec-2');
  assert.equal(dec(sealed.metadata), 'meta');
  assert.equal(sealed.hopCount, 0);
  assert.ok(sealed.headerDigest instanceof Uint8Array && sealed.headerDigest.length === 32);
  const bytes = sealed.toBytes();
  const back = SealedRecord.fromBytes(bytes);
  assert.deepEqual(back.toBytes(), bytes);
  assert.deepEqual(back.headerDigest, sealed.headerDigest);
  assert.equal(authority.issueKey(['patient:42']).open(pk, back).length, 0);
});

test('tampered bytes: InvalidEncoding or DecryptionFailed, never a panic', () => {
  const sealed = seal(pk, Policy.parse('patient:42'), enc('r'), enc(''), enc('secret'));
  const key = authority.issueKey(['patient:42']);
  const bytes = sealed.toBytes();
  const flipped = bytes.slice();
  flipped[flipped.length - 10] ^= 1; // inside the AEAD ciphertext (the last bytes frame the hops)
  assert.throws(() => key.open(pk, SealedRecord.fromBytes(flipped)), code('decryption_failed'));
  assert.throws(() => SealedRecord.fromBytes(bytes.subarray(0, bytes.length - 1)), cc.InvalidEncoding);
  assert.throws(() => SealedRecord.fromBytes(new Uint8Array(0)), cc.InvalidEncoding);
});

test('seal rejects an oversized record id with InvalidArgument', () => {
  assert.throws(() => seal(pk, Policy.parse('a:b'), new Uint8Array(1025), enc(''), enc('x')), code('invalid_argument'));
});

test('issueKey: attributes are canonical; bad ones are InvalidAttribute / InvalidArgument', () => {
  const key = authority.issueKey(['role:physician', 'dept:cardiology', 'role:physician']);
  assert.deepEqual([...key.attributes].sort(), ['dept:cardiology', 'role:physician']);
  assert.equal(key.hasAttribute('role:physician'), true);
  assert.equal(key.hasAttribute('role:nurse'), false);
  assert.throws(() => authority.issueKey(['']), (e) => e instanceof cc.InvalidAttribute);
  assert.throws(() => authority.issueKey([]), (e) => e instanceof cc.InvalidArgument);
});

test('PublicKey: id, toBytes/fromBytes, bad bytes', () => {
  assert.ok(pk.id instanceof Uint8Array && pk.id.length === 32);
  const back = PublicKey.fromBytes(pk.toBytes());
  assert.deepEqual(back.id, pk.id);
  assert.notDeepEqual(Authority.setup().publicKey().id, pk.id);
  assert.throws(() => PublicKey.fromBytes(new Uint8Array(10)), cc.InvalidEncoding);
  const bad = pk.toBytes();
  bad[bad.length - 5] ^= 0xff;
  assert.throws(() => PublicKey.fromBytes(bad), cc.InvalidEncoding);
});

test('UserKey: toBytes/fromBytes round trip (the key-delivery encoding)', () => {
  const key = authority.issueKey(['patient:42']);
  const back = UserKey.fromBytes(key.toBytes());
  const sealed = seal(pk, Policy.parse('patient:42'), enc('r'), enc(''), enc('hi'));
  assert.equal(dec(back.open(pk, sealed)), 'hi');
  assert.throws(() => UserKey.fromBytes(new Uint8Array([1, 2, 3])), cc.InvalidEncoding);
});

test('Authority: master key export/import keeps the public key and can issue working keys', () => {
  const a = Authority.setup();
  assert.equal(a.toBytes, undefined);
  const restored = Authority.fromSecretBytes(a.toSecretBytes());
  assert.deepEqual(restored.publicKey().id, a.publicKey().id);
  const sealed = seal(a.publicKey(), Policy.parse('x:y'), enc('r'), enc(''), enc('ok'));
  assert.equal(dec(restored.issueKey(['x:y']).open(a.publicKey(), sealed)), 'ok');
  assert.throws(() => Authority.fromSecretBytes(new Uint8Array(7)), cc.InvalidEncoding);
});

test('secret holders support free() and Symbol.dispose', () => {
  const a = Authority.setup();
  const k = a.issueKey(['a:b']);
  assert.equal(typeof k[Symbol.dispose], 'function');
  k[Symbol.dispose]();
  assert.throws(() => k.attributes);
  a.free();
  assert.throws(() => a.publicKey());
});
