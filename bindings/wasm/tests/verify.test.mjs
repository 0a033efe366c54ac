// The verify-only build (`cipherchart/verify`): it verifies what the full build made (BLS
// signatures, consent tokens, checkpoints, receipts, inclusion and consistency proofs), rejects
// what was tampered with, and holds no sealing, key or randomness code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as full from 'cipherchart';
import * as v from 'cipherchart/verify';

import { jsNames, verifyNames } from './surface.mjs';

/** A `RevocationSet` of ids revoked outright (what `ConsentToken.verify` takes). */
const revokedSet = (ids) => {
  const set = new v.RevocationSet();
  for (const id of ids) set.insert(id);
  return set;
};

const require = createRequire(import.meta.url);
const pkgDir = new URL('../pkg/', import.meta.url);
const enc = (s) => new TextEncoder().encode(s);

// What each build exports is pinned by bindings/surface.txt (its `verify` column).
// Everything that seals, opens, holds or makes a secret key, or needs randomness.
const FULL_ONLY = jsNames().filter((name) => !verifyNames().includes(name));

// Objects made by the full build: a log with three sealed records, a checkpoint at 2 and at 3
// entries, a consent token, and BLS signatures.
const log = full.BlsSigningKey.generate();
const patient = full.BlsSigningKey.generate();
const signers = [full.BlsSigningKey.generate(), full.BlsSigningKey.generate()];
const msg = enc('discharge summary');
const authority = full.Authority.setup();
const chain = new full.Chain();
for (const id of ['r1', 'r2', 'r3']) {
  const record = full.seal(authority.publicKey(), full.Policy.parse('role:physician'), enc(id), enc(''), enc(id));
  chain.appendSeal(record, 1_700_000_000, signers[0]);
}
const oldRoot = chain.rootAt(2);
const checkpoint = chain.checkpoint(log, 'example.org/log');
const receipt = chain.proofFile(1, checkpoint);
const token = full.ConsentToken.issue(patient, 'patient-42', full.Policy.parse('hospital:h2'), 1_000, 2_000,
  ['treatment'], ['cardiology']);
const logKey = v.BlsPublicKey.fromBytes(log.publicKey().toBytes());

test('the verify build exports only verification (no sealing, keys or randomness)', () => {
  assert.deepEqual(Object.keys(v).sort(), verifyNames().sort());
  assert.ok(FULL_ONLY.includes('Authority') && FULL_ONLY.includes('seal'));
  for (const name of FULL_ONLY) {
    assert.equal(name in v, false, name);
    assert.equal(typeof full[name], 'function', `${name} is in the full build`);
  }
  for (const m of ['issue', 'issueGrant', 'attenuate', 'present']) {
    assert.equal(typeof v.ConsentToken[m], 'undefined', `ConsentToken.${m}`);
    assert.equal(typeof v.ConsentToken.prototype[m], 'undefined', `ConsentToken#${m}`);
  }
  assert.equal(typeof full.ConsentToken.issue, 'function');
  // require() gives the same classes as import.
  assert.equal(require('cipherchart/verify').ConsentToken, v.ConsentToken);
});

test('no randomness: the verify glue never asks the platform for random bytes', () => {
  for (const build of ['verify/web']) {
    const glue = readFileSync(new URL(`${build}/cipherchart.js`, pkgDir), 'utf8');
    assert.doesNotMatch(glue, /getRandomValues|randomFillSync/, build);
    const wasm = new WebAssembly.Module(readFileSync(new URL(`${build}/cipherchart_bg.wasm`, pkgDir)));
    const imports = WebAssembly.Module.imports(wasm).map((i) => i.name).join(' ');
    assert.doesNotMatch(imports, /random|crypto/i, build);
  }
  // The control: the full build does import it (so the check above can fail).
  assert.match(readFileSync(new URL('web/cipherchart.js', pkgDir), 'utf8'), /getRandomValues|randomFillSync/);
});

test('the verify build is smaller than the full build', () => {
  for (const t of ['web']) {
    const size = (p) => readFileSync(new URL(p, pkgDir)).length;
    assert.ok(size(`verify/${t}/cipherchart_bg.wasm`) < size(`${t}/cipherchart_bg.wasm`), t);
  }
});

test('BLS: single, aggregate and batch signatures from the full build verify', () => {
  const pks = signers.map((s) => s.publicKey().toBytes());
  const sig = signers[0].sign(msg);
  v.BlsPublicKey.fromBytes(pks[0]).verify(msg, v.BlsSignature.fromBytes(sig.toBytes()));
  v.BlsPublicKey.fromBytes(pks[0]).verifyPossession(v.BlsSignature.fromBytes(signers[0].provePossession().toBytes()));
  assert.throws(() => v.BlsPublicKey.fromBytes(pks[1]).verify(msg, v.BlsSignature.fromBytes(sig.toBytes())),
    v.VerificationFailed);

  const same = full.BlsSignature.aggregate(signers.map((s) => s.sign(msg).toBytes()));
  v.fastAggregateVerify(pks, msg, v.BlsSignature.fromBytes(same.toBytes()));
  const msgs = [enc('a'), enc('b')];
  const distinct = full.BlsSignature.aggregate(signers.map((s, i) => s.sign(msgs[i]).toBytes()));
  v.aggregateVerify(pks, msgs, v.BlsSignature.fromBytes(distinct.toBytes()));
  assert.throws(() => v.aggregateVerify(pks, [msgs[1], msgs[0]], v.BlsSignature.fromBytes(distinct.toBytes())),
    v.VerificationFailed);

  const sigs = signers.map((s, i) => s.sign(msgs[i]).toBytes());
  v.batchVerify(pks, msgs, sigs);
  // One bad triple fails the batch (checked one by one here: no random weights).
  assert.throws(() => v.batchVerify(pks, msgs, [sigs[1], sigs[0]]), v.VerificationFailed);
  assert.throws(() => v.batchVerify([], [], []), (e) => e instanceof v.InvalidArgument && e.code === 'invalid_argument');
  assert.throws(() => v.batchVerify(pks, msgs, [sigs[0]]), v.InvalidArgument);
  assert.deepEqual([...v.batchFindInvalid(pks, msgs, sigs)], []);
  assert.deepEqual([...v.batchFindInvalid(pks, msgs, [sigs[0], sigs[0]])], [1]);
});

test('consent: a token issued by the full build verifies, with the same rights', () => {
  const patientKey = v.BlsPublicKey.fromBytes(patient.publicKey().toBytes());
  const consent = v.ConsentToken.fromText(token.toText()).verify(patientKey, 1_500);
  const reference = token.verify(patient.publicKey(), 1_500);
  assert.equal(consent.subject, reference.subject);
  assert.deepEqual(consent.purposes, reference.purposes);
  assert.equal(consent.granteePolicy.toString(), 'hospital:h2');
  assert.equal(consent.permits(enc('ecg-1'), 'cardiology', 'treatment'), true);
  assert.equal(consent.permits(enc('ecg-1'), 'oncology', 'treatment'), false);
  assert.deepEqual(consent.revocationIds(), reference.revocationIds());
  const bytes = v.ConsentToken.fromBytes(token.toBytes());

  assert.throws(() => bytes.verify(patientKey, 2_001), (e) => e instanceof v.ConsentError && e.code === 'consent_error');
  assert.throws(() => bytes.verify(patientKey, 1_500, revokedSet(token.revocationIds())), v.ConsentError);
  const stranger = v.BlsPublicKey.fromBytes(log.publicKey().toBytes());
  assert.throws(() => bytes.verify(stranger, 1_500), v.CipherchartError);
  // A flipped bit in the signature: rejected (a decoding or a verification error, never a pass).
  const tampered = token.toBytes();
  tampered[tampered.length - 1] ^= 1;
  assert.throws(() => v.ConsentToken.fromBytes(tampered).verify(patientKey, 1_500), v.CipherchartError);
});

test('chain: the checkpoint, the receipt and the proofs from the full build verify', () => {
  const cp = v.Checkpoint.fromNote(checkpoint.toNote());
  cp.verify(logKey);
  assert.equal(cp.size, 3);
  assert.deepEqual(cp.root, chain.root);
  assert.throws(() => cp.verify(v.BlsPublicKey.fromBytes(patient.publicKey().toBytes())), v.VerificationFailed);

  const entry = v.ProofFile.fromText(receipt.toText()).verify(logKey);
  assert.equal(entry.sequence, 1);
  assert.deepEqual(entry.hash, chain.entry(1).hash);
  entry.verifySignature();
  assert.deepEqual(v.ProofFile.fromTlogProof(receipt.toTlogProof()).verify(logKey).hash, entry.hash);
  assert.deepEqual(v.Entry.fromBytes(chain.entry(2).toBytes()).leafHash, v.leafHash(chain.entry(2).hash));

  const path = chain.proveConsistency(2).path;
  v.verifyConsistency(2, 3, oldRoot, chain.root, path);
  assert.throws(() => v.verifyConsistency(2, 3, chain.root, oldRoot, path), v.VerificationFailed);
  assert.equal(receipt.verify(log.publicKey()).sequence, entry.sequence);

  // Proofs as values: the receipt's audit path, and an encoded consistency proof.
  const inclusion = v.ProofFile.fromText(receipt.toText()).proof;
  inclusion.verify(entry.leafHash, cp.root);
  v.verifyInclusion(entry.leafHash, inclusion.index, inclusion.size, inclusion.path, cp.root);
  assert.throws(() => v.verifyInclusion(entry.leafHash, 0, 3, inclusion.path, cp.root), v.VerificationFailed);
  const cons = v.ConsistencyProof.fromBytes(chain.proveConsistency(2).toBytes());
  cons.verify(oldRoot, cp.root);
  assert.throws(() => cons.verify(cp.root, oldRoot), v.VerificationFailed);
});

test('ledger helpers: scope and window, object bytes, signature lines, receipts from parts, own trees', () => {
  // Signing, and drafting from sealed records, stay in the full build.
  assert.equal(typeof v.Checkpoint.sign, 'undefined');
  assert.equal(typeof v.Entry.forSeal, 'undefined');
  assert.equal(typeof v.EntryDraft.prototype.sign, 'undefined');
  assert.equal(typeof v.RevocationSet.fromChain, 'undefined');

  const consent = v.ConsentToken.fromText(token.toText())
    .verify(v.BlsPublicKey.fromBytes(patient.publicKey().toBytes()), 1_500);
  assert.deepEqual(consent.scope.categories.values, ['cardiology']);
  assert.equal(consent.scope.records.isAny, true);
  assert.equal(consent.scope.contains(enc('ecg-1'), 'cardiology'), true);
  assert.deepEqual([consent.window.notBefore, consent.window.expiry], [1_000, 2_000]);
  assert.equal(consent.scope.isWithin(v.Scope.all()), true);
  // Revocations a ledger read from the chain, checked against the verify build's token.
  const revocations = new v.RevocationSet();
  const revoke = new full.Chain();
  revoke.appendRevoke(token, 1_200, patient);
  assert.equal(revocations.insertEntry(v.Entry.fromBytes(revoke.entry(0).toBytes())), true);
  assert.throws(() => v.ConsentToken.fromText(token.toText())
    .verify(v.BlsPublicKey.fromBytes(patient.publicKey().toBytes()), 1_500, revocations), v.ConsentError);
  assert.equal(v.MAX_HOPS, full.MAX_HOPS);
  // A ledger recomputes the entry that should log this token's grant and compares it with the
  // logged one (drafts are pure hashing: in the verify build).
  const logged = v.Entry.fromBytes(revoke.entry(0).toBytes());
  const expected = v.ConsentToken.fromText(token.toText()).revokeEntry(1_200);
  assert.deepEqual([logged.action, logged.subject, logged.digest, logged.time],
    [expected.action, expected.subject, expected.digest, expected.time]);
  assert.equal(v.ConsentToken.fromText(token.toText()).grantEntry(1_200).action, 'grant');
  assert.ok(v.EntryDraft.forPayload(1, 'custody', enc('lot-7'), enc('x'))
    .equals(new v.EntryDraft(1, 'custody', enc('lot-7'), full.EntryDraft.forPayload(1, 'custody', enc('lot-7'),
      enc('x')).digest)));

  const pk = v.BlsPublicKey.fromObjectBytes(patient.publicKey().toObjectBytes());
  assert.deepEqual(pk.toBytes(), patient.publicKey().toBytes());
  const sig = v.BlsSignature.fromObjectBytes(patient.sign(msg).toObjectBytes());
  pk.verify(msg, sig);

  const cp = v.Checkpoint.fromNote(checkpoint.toNote());
  assert.deepEqual(cp.signatures.map((s) => s.keyName), ['example.org/log']);
  assert.deepEqual(cp.signatures[0].keyId, v.keyId('example.org/log', logKey));
  const entry = v.Entry.fromBytes(chain.entry(1).toBytes());
  const again = new v.ProofFile(cp, entry, v.ProofFile.fromText(receipt.toText()).proof);
  assert.equal(again.verify(logKey).sequence, 1);

  const tree = new v.MerkleTree();
  for (let i = 0; i < chain.length; i += 1) tree.push(chain.entry(i).leafHash);
  assert.deepEqual(tree.root, cp.root);
  assert.deepEqual(tree.rootAt(2), oldRoot);
});

test('the verify web build works after initSync', async () => {
  const web = await import(new URL('verify/web/index.js', pkgDir));
  web.initSync({ module: readFileSync(new URL('verify/web/cipherchart_bg.wasm', pkgDir)) });
  const sig = log.sign(msg);
  web.BlsPublicKey.fromBytes(log.publicKey().toBytes()).verify(msg, web.BlsSignature.fromBytes(sig.toBytes()));
  assert.equal('BlsSigningKey' in web, false);
  assert.throws(() => web.BlsSignature.fromBytes(new Uint8Array(3)), web.InvalidEncoding);
});

test('the verify build decodes the identity as Unvalidated* and validates like the full build', () => {
  const pkInfinity = Uint8Array.from([0xc0, ...new Uint8Array(47)]);
  const sigInfinity = Uint8Array.from([0xc0, ...new Uint8Array(95)]);
  assert.equal(v.UnvalidatedPublicKey.fromBytes(pkInfinity).isIdentity, true);
  assert.throws(() => v.UnvalidatedPublicKey.fromBytes(pkInfinity).validate(),
    (e) => e instanceof v.InvalidEncoding && e.kind === 'identity_point');
  const key = v.UnvalidatedPublicKey.fromBytes(log.publicKey().toBytes()).validate();
  assert.ok(key instanceof v.BlsPublicKey && key.equals(logKey));
  const sig = signers[0].sign(msg).toBytes();
  const sum = v.UnvalidatedSignature.aggregate([sig, sigInfinity]);
  v.BlsPublicKey.fromBytes(signers[0].publicKey().toBytes()).verify(msg, sum.validate());
  assert.equal(v.UnvalidatedSignature.aggregate([sigInfinity]).isIdentity, true);
});
