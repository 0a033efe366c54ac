// Federation (docs/federation.md): a referral from hospital A to hospital B by a cross-authority
// re-key (DelegationKey.rekeyTo), opened with B's key and the trusted public keys
// (UserKey.openFederated); chains of referrals, consent and audit across the two, refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, BlsSigningKey, Chain, ConsentToken, Entry, EntryDraft, Grant, Policy, ReKey, SealedRecord, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

const NOW = 1_800_000_000;
const [a, b, c] = [Authority.setup(), Authority.setup(), Authority.setup()];
const [pkA, pkB, pkC] = [a.publicKey(), b.publicKey(), c.publicKey()];
const patient = BlsSigningKey.generate();
const cardiology = Policy.parse('role:physician and dept:cardiology');
const chart = (id = 'r1') =>
  seal(pkA, Policy.parse('patient:42 or (role:physician and dept:oncology)'), enc(id), enc('category=cardiology'), enc(`notes ${id}`));
const referral = (to = pkB, policy = cardiology) =>
  a.issueDelegationKey(['patient:42'], patient.publicKey()).rekeyTo(to, policy);
const doctorB = b.issueKey(['role:physician', 'dept:cardiology']);

test('rekeyTo → reencrypt → openFederated with both public keys; getters and round trips', () => {
  const rekey = referral();
  assert.ok(rekey instanceof ReKey);
  assert.deepEqual(rekey.authority, pkA.id);
  assert.deepEqual(rekey.targetAuthority, pkB.id);
  const record = chart();
  const referred = rekey.reencrypt(record);
  assert.deepEqual(referred.authority, pkA.id);
  assert.deepEqual(referred.currentAuthority, pkB.id);
  assert.deepEqual(record.currentAuthority, pkA.id);
  assert.equal(dec(doctorB.openFederated([pkA, pkB], referred)), 'notes r1');
  // Public keys may also be given as their encodings, in any order.
  assert.equal(dec(doctorB.openFederated([pkB.toBytes(), pkA], referred)), 'notes r1');
  const again = ReKey.fromBytes(rekey.toBytes());
  assert.deepEqual(again.targetAuthority, pkB.id);
  assert.deepEqual(again.reencrypt(record).toBytes(), referred.toBytes());
  assert.deepEqual(SealedRecord.fromBytes(referred.toBytes()).toBytes(), referred.toBytes());
  // A's audience keeps its layer; the caller's key objects stay usable.
  assert.equal(dec(a.issueKey(['patient:42']).open(pkA, referred)), 'notes r1');
  assert.deepEqual(pkA.id.length, 32);
});

test('missing or foreign public keys are WrongAuthority; names of B never open A\'s layer', () => {
  const referred = referral().reencrypt(chart());
  for (const trusted of [[pkB], [pkA], []]) {
    assert.throws(() => doctorB.openFederated(trusted, referred), cc.WrongAuthority);
  }
  assert.throws(() => doctorB.open(pkB, referred), cc.WrongAuthority);
  const stranger = c.issueKey(['role:physician', 'dept:cardiology']);
  assert.throws(() => stranger.openFederated([pkA, pkB, pkC], referred), cc.WrongAuthority);
  const fake = b.issueKey(['patient:42']);
  assert.throws(() => fake.openFederated([pkA, pkB], referred), cc.PolicyNotSatisfied);
});

test('referrals chain across authorities: A → B → C', () => {
  const atB = referral().reencrypt(chart('r2'));
  const lead = BlsSigningKey.generate();
  const bToC = b.issueDelegationKey(['role:physician', 'dept:cardiology'], lead.publicKey()).rekeyTo(pkC, Policy.parse('role:surgeon'));
  assert.equal(bToC.canReencrypt(chart()), false);
  assert.throws(() => bToC.reencrypt(chart()), cc.WrongAuthority);
  assert.throws(() => referral(pkC).reencrypt(atB), cc.WrongAuthority);
  const atC = bToC.reencrypt(atB);
  const surgeon = c.issueKey(['role:surgeon']);
  assert.equal(dec(surgeon.openFederated([pkA, pkB, pkC], atC)), 'notes r2');
  assert.throws(() => surgeon.openFederated([pkA, pkC], atC), cc.WrongAuthority);
});

test('consent gates the referral; both chains log it', () => {
  const rekey = referral();
  const token = ConsentToken.issueGrant(patient, new Grant('patient-42', cardiology, NOW, NOW + 86_400)
    .purposes(['treatment']).categories(['cardiology']).rekey(rekey));
  const chainA = new Chain();
  const chainB = new Chain();
  chainA.signAndAppend(token.grantEntry(NOW), patient);
  const consent = chainA.verifyConsent(token, patient.publicKey(), NOW + 60);
  const referred = cc.reencryptWithConsent(consent, rekey, chart('r3'), 'cardiology', 'treatment');
  assert.throws(() => cc.reencryptWithConsent(consent, rekey, chart(), 'cardiology', 'research'), cc.ConsentError);
  const [proxy, receiver] = [BlsSigningKey.generate(), BlsSigningKey.generate()];
  chainA.signAndAppend(Entry.forReencrypt(referred, rekey.grantId, NOW + 60), proxy);
  chainB.signAndAppend(EntryDraft.forPayload(NOW + 61, 'share', referred.recordId, referred.toBytes())
    .withMetadata(rekey.grantId), receiver);
  chainA.verifyAll();
  chainB.verifyAll();
  assert.deepEqual(chainA.entry(1).digest, chainB.entry(0).digest);
  assert.equal(dec(doctorB.openFederated([pkA, pkB], referred)), 'notes r3');
  chainA.signAndAppend(token.revokeEntry(NOW + 120), patient);
  assert.throws(() => chainA.verifyConsent(token, patient.publicKey(), NOW + 180), cc.ConsentError);
});

test('rekeyTo consumes the key; bad arguments are InvalidArgument before any work', () => {
  const delegation = a.issueDelegationKey(['patient:42'], patient.publicKey());
  assert.throws(() => delegation.rekey(pkB, cardiology), cc.WrongAuthority);
  assert.equal(delegation.isConsumed, false);
  delegation.rekeyTo(pkB, cardiology);
  assert.equal(delegation.isConsumed, true);
  assert.throws(() => delegation.rekeyTo(pkB, cardiology), cc.InvalidArgument);
  const fresh = a.issueDelegationKey(['patient:42'], patient.publicKey());
  assert.throws(() => fresh.rekeyTo(pkB.toBytes(), cardiology), cc.InvalidArgument);
  assert.throws(() => fresh.rekeyTo(pkB, Policy.parse('cipherchart:key-holder')), cc.InvalidAttribute);
  const referred = referral().reencrypt(chart());
  assert.throws(() => doctorB.openFederated(pkA, referred), cc.InvalidArgument);
  assert.throws(() => doctorB.openFederated([pkA, 'x'], referred), cc.InvalidArgument);
  assert.throws(() => doctorB.openFederated([pkA, new Uint8Array(3)], referred), cc.InvalidEncoding);
});
