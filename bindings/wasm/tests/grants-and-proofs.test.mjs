// The rest of the Rust API in JavaScript: consent grants to keys and holders, attenuation and
// presentation, VerifiedConsent accessors, proofs as values (InclusionProof, ConsistencyProof),
// and a Chain persisted as bytes (JS has no FileStore), with logged grants/revocations.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { BlsSigningKey, ConsentToken, ConsistencyProof, Grant, InclusionProof, Chain, Narrowing, Policy } = cc;
const enc = (s) => new TextEncoder().encode(s);
const hex = (b) => Buffer.from(b).toString('hex');
const same = (a, b) => assert.equal(hex(a.toBytes()), hex(b.toBytes()));

const patient = BlsSigningKey.generate();
const clinic = BlsSigningKey.generate();
const doctor = BlsSigningKey.generate();
const grantee = Policy.parse('hospital:h2');

test('Grant: to a policy with a holder → attenuate → present → narrower rights', () => {
  const grant = new Grant('patient-42', grantee, 1_000, 5_000).purposes(['treatment', 'research'])
    .categories(['cardiology', 'oncology']).holder(clinic.publicKey());
  const token = ConsentToken.issueGrant(patient, grant);
  same(token.holder, clinic.publicKey());
  assert.equal(token.isPresented, false);
  // A token naming a holder is useless until that holder presents it.
  assert.throws(() => token.verify(patient.publicKey(), 2_000), cc.ConsentError);
  assert.throws(() => token.present(doctor), (e) => e instanceof cc.ConsentError && e.code === 'consent_error');
  const presented = token.present(clinic);
  assert.equal(presented.isPresented, true);
  const wide = presented.verify(patient.publicKey(), 2_000);
  same(wide.holder, clinic.publicKey());
  assert.deepEqual(wide.purposes, ['research', 'treatment']);

  // The clinic narrows to one purpose, one category and a shorter window, for the doctor.
  const narrowing = new Narrowing().purposes(['treatment']).categories(['cardiology']).window(1_500, 3_000)
    .holder(doctor.publicKey());
  const narrowed = token.attenuate(clinic, narrowing);
  assert.equal(narrowed.blockCount, 2);
  assert.throws(() => token.attenuate(doctor, new Narrowing()), cc.ConsentError);
  const consent = ConsentToken.fromText(narrowed.present(doctor).toText()).verify(patient.publicKey(), 2_000);
  same(consent.holder, doctor.publicKey());
  assert.deepEqual(consent.purposes, ['treatment']);
  assert.equal(consent.notBefore, 1_500);
  assert.equal(consent.expiry, 3_000);
  assert.equal(consent.verifiedAt, 2_000);
  assert.equal(consent.permits(enc('r'), 'cardiology', 'treatment'), true);
  assert.equal(consent.permits(enc('r'), 'oncology', 'treatment'), false);
  assert.equal(consent.granteeKey, undefined);
  assert.equal(consent.rekeyDigest, undefined);
  assert.equal(consent.revocationIds().length, 2);
  // Outside the narrowed window (still inside the original one): rejected.
  assert.throws(() => narrowed.present(doctor).verify(patient.publicKey(), 4_000), cc.ConsentError);

  // Widening is refused when attenuating.
  assert.throws(() => token.attenuate(clinic, new Narrowing().purposes(['marketing'])), cc.ConsentError);
  assert.throws(() => new Narrowing().window(10, 5), cc.InvalidArgument);
});

test('Grant.forKey: the grantee is a key', () => {
  const token = ConsentToken.issueGrant(patient, Grant.forKey('patient-42', doctor.publicKey(), 0, 10)
    .purposes(['treatment']).records(['ecg-1']));
  const consent = token.verify(patient.publicKey(), 5);
  same(consent.granteeKey, doctor.publicKey());
  assert.equal(consent.granteePolicy, undefined);
  assert.equal(consent.holder, undefined);
  assert.equal(consent.permits(enc('ecg-1'), 'any', 'treatment'), true);
  assert.equal(consent.permits(enc('ecg-2'), 'any', 'treatment'), false);
  assert.throws(() => ConsentToken.issueGrant(patient, new Grant('p', grantee, 0, 10)), cc.InvalidArgument);
  assert.throws(() => new Grant('p', grantee, 10, 5), cc.InvalidArgument);
  assert.throws(() => new Grant('p', grantee, -1, 5), cc.InvalidArgument);
});

test('Grant.rekey binds the consent to one re-key: reencryptWithConsent takes only that one', () => {
  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  // One delegation key per grant, each naming the delegator's (here the patient's) consent key.
  const rekey = authority.issueDelegationKey(['role:physician'], patient.publicKey()).rekey(pk, grantee);
  const other = authority.issueDelegationKey(['role:physician'], patient.publicKey()).rekey(pk, grantee);
  const token = ConsentToken.issueGrant(patient, new Grant('patient-42', grantee, 0, 100).purposes(['treatment'])
    .rekey(rekey));
  const consent = token.verify(patient.publicKey(), 50);
  assert.equal(consent.rekeyDigest.length, 32);
  const record = cc.seal(pk, Policy.parse('role:physician'), enc('rec-1'), enc(''), enc('ecg'));
  assert.equal(cc.reencryptWithConsent(consent, rekey, record, 'cardiology', 'treatment').hopCount, 1);
  assert.throws(() => cc.reencryptWithConsent(consent, other, record, 'cardiology', 'treatment'), cc.ConsentError);
  assert.throws(() => cc.reencryptWithConsent(consent, rekey, record, 'cardiology', 'research'), cc.ConsentError);

  // The re-encryption logged in a chain: action re-encrypt, subject the record id.
  const chain = new Chain();
  const shared = rekey.reencrypt(record);
  assert.equal(chain.appendReencrypt(shared, rekey, 77, patient), 0);
  const entry = chain.entry(0);
  assert.equal(entry.action, 're-encrypt');
  assert.deepEqual(entry.subject, enc('rec-1'));
  assert.equal(entry.time, 77);
  assert.deepEqual(entry.metadata, rekey.grantId);
  patient.publicKey().verify(entry.signedMessage(), entry.signature);
  assert.throws(() => doctor.publicKey().verify(entry.signedMessage(), entry.signature), cc.VerificationFailed);
});

test('batchFindInvalid names the bad triples', () => {
  const keys = [patient, clinic, doctor];
  const msgs = [enc('a'), enc('b'), enc('c')];
  const pks = keys.map((k) => k.publicKey().toBytes());
  const sigs = keys.map((k, i) => k.sign(msgs[i]).toBytes());
  assert.ok(cc.batchFindInvalid(pks, msgs, sigs) instanceof Uint32Array);
  assert.deepEqual([...cc.batchFindInvalid(pks, msgs, sigs)], []);
  assert.deepEqual([...cc.batchFindInvalid(pks, msgs, [sigs[0], sigs[2], sigs[1]])], [1, 2]);
  assert.throws(() => cc.batchFindInvalid(pks, msgs, [sigs[0]]), cc.InvalidArgument);
  assert.throws(() => cc.batchFindInvalid([new Uint8Array(48)], [msgs[0]], [sigs[0]]), cc.InvalidEncoding);
});

// A chain of 5 sealed-record-free entries: consent grants by the patient.
function chainOf(n) {
  const chain = new Chain();
  assert.equal(chain.isEmpty, true);
  for (let i = 0; i < n; i += 1) {
    const t = ConsentToken.issue(patient, `p${i}`, grantee, 0, 100, ['treatment']);
    assert.equal(chain.appendGrant(t, 1_000 + i, patient), i);
  }
  return chain;
}

test('InclusionProof and ConsistencyProof as values', () => {
  const chain = chainOf(5);
  const log = BlsSigningKey.generate();
  const receipt = chain.proofFile(3, chain.checkpoint(log, 'example.org/log'));
  const proof = receipt.proof;
  assert.ok(proof instanceof InclusionProof);
  assert.equal(proof.index, 3);
  assert.equal(proof.size, 5);
  const leaf = chain.entry(3).leafHash;
  proof.verify(leaf, chain.root);
  assert.throws(() => proof.verify(chain.entry(2).leafHash, chain.root), cc.VerificationFailed);
  const again = new InclusionProof(proof.index, proof.size, proof.path);
  again.verify(leaf, chain.root);
  const older = chain.proveInclusion(1, 3);
  older.verify(chain.entry(1).leafHash, chain.rootAt(3));
  cc.verifyInclusion(chain.entry(1).leafHash, 1, 3, older.path, chain.rootAt(3));
  assert.throws(() => chain.proveInclusion(5), cc.InvalidArgument);
  assert.throws(() => new InclusionProof(0, 1, [new Uint8Array(31)]), cc.InvalidArgument);

  const cons = chain.proveConsistency(2);
  assert.equal(cons.oldSize, 2);
  assert.equal(cons.newSize, 5);
  cons.verify(chain.rootAt(2), chain.root);
  assert.ok(cons.equals(chain.proveConsistency(2, 5)));
  const decoded = ConsistencyProof.fromBytes(cons.toBytes());
  decoded.verify(chain.rootAt(2), chain.root);
  assert.throws(() => decoded.verify(chain.root, chain.rootAt(2)), cc.VerificationFailed);
  chain.proveConsistency(2, 4).verify(chain.rootAt(2), chain.rootAt(4));
  new ConsistencyProof(2, 4, chain.proveConsistency(2, 4).path).verify(chain.rootAt(2), chain.rootAt(4));
  assert.throws(() => chain.proveConsistency(0), cc.InvalidArgument);
  assert.throws(() => chain.proveConsistency(4, 3), cc.InvalidArgument);
  assert.throws(() => ConsistencyProof.fromBytes(new Uint8Array([1, 2, 3])), cc.InvalidEncoding);
});

test('Chain persists as records and reloads; verifyAll; a damaged record is named', () => {
  const chain = chainOf(3);
  const log = BlsSigningKey.generate();
  const checkpoint = chain.checkpoint(log, 'example.org/log');
  const records = chain.records();
  assert.equal(records.length, 3);
  assert.ok(records.every((r) => r instanceof Uint8Array));
  const loaded = Chain.fromRecords(records);
  assert.equal(loaded.length, 3);
  assert.deepEqual(loaded.root, chain.root);
  assert.deepEqual(loaded.lastHash, chain.entry(2).hash);
  assert.equal(loaded.isEmpty, false);
  loaded.verifyAll();
  loaded.verifyAllAgainst(checkpoint, log.publicKey());
  assert.throws(() => loaded.verifyAllAgainst(checkpoint, patient.publicKey()), cc.VerificationFailed);
  assert.deepEqual(checkpoint.extensions, []);
  assert.ok(checkpoint.toNote().startsWith(checkpoint.noteText()));

  const damaged = records.map((r) => r.slice());
  damaged[1][damaged[1].length - 1] ^= 1;
  assert.throws(() => Chain.fromRecords(damaged).verifyAll(), cc.ChainError);
  assert.throws(() => Chain.fromRecords([records[1]]), (e) => e instanceof cc.ChainError && e.code === 'chain_error');
  assert.equal(Chain.fromRecords([]).length, 0);
});

test('grant and revoke entries: Chain.verifyConsent honours logged revocations', () => {
  const chain = new Chain();
  const token = ConsentToken.issue(patient, 'patient-42', grantee, 0, 100, ['treatment']);
  chain.appendGrant(token, 10, patient);
  assert.equal(chain.entry(0).action, 'grant');
  chain.verifyConsent(token, patient.publicKey(), 50);
  // A revocation signed by a stranger does not count; the patient's does.
  chain.appendRevoke(token, 20, doctor);
  chain.verifyConsent(token, patient.publicKey(), 50);
  chain.appendRevoke(token, 30, patient);
  assert.equal(chain.entry(2).action, 'revoke');
  assert.throws(() => chain.verifyConsent(token, patient.publicKey(), 50), cc.ConsentError);
  // Stand-alone verification knows nothing of the chain.
  token.verify(patient.publicKey(), 50);
});
