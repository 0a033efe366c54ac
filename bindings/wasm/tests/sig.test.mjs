// BLS signatures: keys, sign/verify, proofs of possession, aggregation and batch verification.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { BlsSigningKey, BlsPublicKey, BlsSignature, fastAggregateVerify, aggregateVerify, batchVerify } = cc;
const enc = (s) => new TextEncoder().encode(s);
const hex = (b) => Buffer.from(b).toString('hex');

test('sign / verify; a wrong message or key is VerificationFailed', () => {
  const sk = BlsSigningKey.generate();
  const pk = sk.publicKey();
  const sig = sk.sign(enc('hello'));
  assert.equal(pk.toBytes().length, 48);
  assert.equal(sig.toBytes().length, 96);
  pk.verify(enc('hello'), sig);
  assert.throws(() => pk.verify(enc('hellO'), sig), (e) => e instanceof cc.VerificationFailed && e.code === 'verification_failed');
  assert.throws(() => BlsSigningKey.generate().publicKey().verify(enc('hello'), sig), cc.VerificationFailed);
  pk.verifyPossession(sk.provePossession());
  assert.throws(() => pk.verifyPossession(sig), cc.VerificationFailed);
});

test('encodings round trip; bad bytes are InvalidEncoding', () => {
  const sk = BlsSigningKey.generate();
  const back = BlsSigningKey.fromSecretBytes(sk.toSecretBytes());
  assert.equal(sk.toBytes, undefined);
  assert.equal(hex(back.publicKey().toBytes()), hex(sk.publicKey().toBytes()));
  const sig = BlsSignature.fromBytes(sk.sign(enc('m')).toBytes());
  assert.ok(sig.equals(sk.sign(enc('m'))));
  assert.equal(sig.equals(sk.sign(enc('n'))), false);
  BlsPublicKey.fromBytes(sk.publicKey().toBytes()).verify(enc('m'), sig);
  assert.throws(() => BlsPublicKey.fromBytes(new Uint8Array(48)), cc.InvalidEncoding);
  assert.throws(() => BlsSignature.fromBytes(new Uint8Array(95)), cc.InvalidEncoding);
  assert.throws(() => BlsSigningKey.fromSecretBytes(new Uint8Array(32)), cc.InvalidEncoding);
});

// Known answer (EIP-2333 test case 0, master key): pins fromIkm to the standard.
test('fromIkm: deterministic, standard (EIP-2333 case 0), rejects short ikm', () => {
  const seed = Buffer.from('c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04', 'hex');
  const sk = BlsSigningKey.fromIkm(seed);
  assert.equal(BigInt(`0x${hex(sk.toSecretBytes())}`), 6083874454709270928345386274498605044986640685124978867557563392430687146096n);
  assert.equal(hex(BlsSigningKey.fromIkm(seed, new Uint8Array(0)).toSecretBytes()), hex(sk.toSecretBytes()));
  assert.throws(() => BlsSigningKey.fromIkm(new Uint8Array(31)), cc.InvalidArgument);
});

test('aggregation: fastAggregateVerify, aggregateVerify, BlsPublicKey/BlsSignature.aggregate', () => {
  const sks = [0, 1, 2].map(() => BlsSigningKey.generate());
  const pks = sks.map((k) => k.publicKey().toBytes());
  const msg = enc('checkpoint');
  const agg = BlsSignature.aggregate(sks.map((k) => k.sign(msg).toBytes()));
  fastAggregateVerify(pks, msg, agg);
  BlsPublicKey.aggregate(pks).verify(msg, agg);
  assert.throws(() => fastAggregateVerify(pks.slice(1), msg, agg), cc.VerificationFailed);
  assert.throws(() => fastAggregateVerify([], msg, agg), cc.InvalidArgument);

  const msgs = ['a', 'b', 'c'].map(enc);
  const agg2 = BlsSignature.aggregate(sks.map((k, i) => k.sign(msgs[i]).toBytes()));
  aggregateVerify(pks, msgs, agg2);
  assert.throws(() => aggregateVerify(pks, [msgs[1], msgs[0], msgs[2]], agg2), cc.VerificationFailed);
  assert.throws(() => aggregateVerify(pks, msgs.slice(1), agg2), cc.InvalidArgument);
  assert.throws(() => BlsSignature.aggregate([]), cc.InvalidArgument);
  assert.throws(() => BlsPublicKey.aggregate([new Uint8Array(3)]), cc.InvalidEncoding);
});

test('batchVerify: all valid passes; one bad triple fails', () => {
  const sks = [0, 1, 2, 3].map(() => BlsSigningKey.generate());
  const pks = sks.map((k) => k.publicKey().toBytes());
  const msgs = sks.map((_, i) => enc(`entry ${i}`));
  const sigs = sks.map((k, i) => k.sign(msgs[i]).toBytes());
  batchVerify(pks, msgs, sigs);
  const bad = [...sigs];
  bad[2] = sks[2].sign(enc('forged')).toBytes();
  assert.throws(() => batchVerify(pks, msgs, bad), cc.VerificationFailed);
  assert.throws(() => batchVerify([], [], []), cc.InvalidArgument);
  assert.throws(() => batchVerify(pks, msgs, sigs.slice(1)), cc.InvalidArgument);
});

test('BlsSigningKey supports free and Symbol.dispose', () => {
  const sk = BlsSigningKey.generate();
  sk[Symbol.dispose]();
  assert.throws(() => sk.publicKey());
});

// The IETF / Ethereum deserialize-then-validate split (issue 17): UnvalidatedPublicKey and
// UnvalidatedSignature decode the identity; only validate() gives a usable key or signature.
const PK_INFINITY = Uint8Array.from([0xc0, ...new Uint8Array(47)]);
const SIG_INFINITY = Uint8Array.from([0xc0, ...new Uint8Array(95)]);
const identityKind = (e) => e instanceof cc.InvalidEncoding && e.code === 'invalid_encoding' && e.kind === 'identity_point';

test('UnvalidatedPublicKey: the identity decodes, validate() and BlsPublicKey.fromBytes refuse it', () => {
  const { UnvalidatedPublicKey } = cc;
  const key = UnvalidatedPublicKey.fromBytes(PK_INFINITY);
  assert.equal(key.isIdentity, true);
  assert.equal(hex(key.toBytes()), hex(PK_INFINITY));
  assert.throws(() => key.validate(), identityKind);
  assert.throws(() => BlsPublicKey.fromBytes(PK_INFINITY), identityKind);
  // Every other check still applies.
  assert.throws(() => UnvalidatedPublicKey.fromBytes(Uint8Array.from([...PK_INFINITY, 0])), cc.InvalidEncoding);
  assert.throws(() => UnvalidatedPublicKey.fromBytes(new Uint8Array(48)), cc.InvalidEncoding);

  const pk = BlsSigningKey.fromIkm(new Uint8Array(32).fill(1)).publicKey();
  const decoded = UnvalidatedPublicKey.fromBytes(pk.toBytes());
  assert.equal(decoded.isIdentity, false);
  assert.equal(hex(decoded.toBytes()), hex(pk.toBytes()));
  const strict = decoded.validate();
  assert.ok(strict instanceof BlsPublicKey && strict.equals(pk));
  assert.ok(UnvalidatedPublicKey.fromPublicKey(pk).equals(decoded));
  assert.equal(decoded.equals(key), false);
});

test('UnvalidatedSignature: identity, validate(), Ethereum Aggregate', () => {
  const { UnvalidatedSignature } = cc;
  const infinity = UnvalidatedSignature.fromBytes(SIG_INFINITY);
  assert.equal(infinity.isIdentity, true);
  assert.equal(hex(infinity.toBytes()), hex(SIG_INFINITY));
  assert.throws(() => infinity.validate(), identityKind);
  assert.throws(() => BlsSignature.fromBytes(SIG_INFINITY), identityKind);
  // aggregate([infinity]) = infinity; aggregate([sig, infinity]) = sig.
  const sum = UnvalidatedSignature.aggregate([SIG_INFINITY]);
  assert.equal(sum.isIdentity, true);
  assert.equal(hex(sum.toBytes()), hex(SIG_INFINITY));
  const sk = BlsSigningKey.fromIkm(new Uint8Array(32).fill(2));
  const sig = sk.sign(enc('m'));
  const withIdentity = UnvalidatedSignature.aggregate([sig.toBytes(), SIG_INFINITY]);
  assert.equal(withIdentity.isIdentity, false);
  assert.ok(withIdentity.validate().equals(sig));
  sk.publicKey().verify(enc('m'), withIdentity.validate());
  assert.ok(UnvalidatedSignature.fromSignature(sig).equals(UnvalidatedSignature.fromBytes(sig.toBytes())));
  assert.equal(UnvalidatedSignature.fromSignature(sig).equals(infinity), false);
  assert.throws(() => UnvalidatedSignature.aggregate([]), cc.InvalidArgument);
  assert.throws(() => UnvalidatedSignature.aggregate([new Uint8Array(96)]), cc.InvalidEncoding);
});

test('Unvalidated*: wrong argument types are InvalidArgument', () => {
  const { UnvalidatedPublicKey, UnvalidatedSignature } = cc;
  const sk = BlsSigningKey.fromIkm(new Uint8Array(32).fill(3));
  const sig = sk.sign(enc('m'));
  const bad = (fn, name) => assert.throws(fn, (e) => e instanceof cc.InvalidArgument && e.code === 'invalid_argument'
    && e.message.includes(` ${name} `));
  bad(() => UnvalidatedPublicKey.fromBytes('c0'), 'bytes');
  bad(() => UnvalidatedSignature.fromBytes(new ArrayBuffer(96)), 'bytes');
  bad(() => UnvalidatedPublicKey.fromPublicKey(sig), 'key');
  bad(() => UnvalidatedPublicKey.fromPublicKey(sk.publicKey().toBytes()), 'key');
  bad(() => UnvalidatedSignature.fromSignature(sk.publicKey()), 'signature');
  // Encodings, as BlsSignature.aggregate: not objects, not a bare Uint8Array.
  bad(() => UnvalidatedSignature.aggregate([UnvalidatedSignature.fromSignature(sig)]), 'signatures');
  bad(() => UnvalidatedSignature.aggregate(SIG_INFINITY), 'signatures');
  bad(() => UnvalidatedPublicKey.fromBytes(PK_INFINITY).equals(UnvalidatedSignature.fromBytes(SIG_INFINITY)), 'other');
});
