// Chain entries of every action from JavaScript: EntryDraft (by action name, for a payload,
// with metadata), the library's own drafts (Entry.forSeal / forReencrypt,
// ConsentToken.grantEntry / revokeEntry), Chain.signAndAppend, and an actor signing on
// another machine (EntryDraft.sign) whose entry the log checks on Chain.append.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { BlsSigningKey, Entry, ConsentToken, EntryDraft, Chain, Policy } = cc;
const enc = (s) => new TextEncoder().encode(s);
const sha256 = (b) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b) => Buffer.from(b).toString('hex');
const T = 1_767_225_600;
const NAMES = ['create', 'update', 'read', 'share', 're-encrypt', 'grant', 'revoke', 'custody'];

const clinic = BlsSigningKey.generate();
const courier = BlsSigningKey.generate();

test('EntryDraft: by name, its fields, forPayload, withMetadata', () => {
  const digest = sha256(enc('payload'));
  const d = new EntryDraft(T, 'share', enc('rec-1'), digest);
  assert.deepEqual([d.time, d.action, d.actionCode, hex(d.subject), hex(d.digest), d.metadata.length],
    [T, 'share', 4, hex(enc('rec-1')), hex(digest), 0]);
  assert.ok(d.equals(EntryDraft.forPayload(T, 'share', enc('rec-1'), enc('payload'))));
  assert.ok(!d.equals(new EntryDraft(T, 'read', enc('rec-1'), digest)));
  const m = d.withMetadata(enc('m'));
  assert.deepEqual(m.metadata, enc('m'));
  assert.equal(d.metadata.length, 0, 'withMetadata returns a copy');

  assert.deepEqual(NAMES.map((n) => new EntryDraft(T, n, enc(''), digest).actionCode), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(NAMES.map((n) => new EntryDraft(T, n, enc(''), digest).action), NAMES);
  // Application-defined actions by name: `extension-0x` and four lowercase hex digits.
  const ext = new EntryDraft(T, 'extension-0x0100', enc('x'), digest);
  assert.equal(ext.action, 'extension-0x0100');
  assert.equal(ext.actionCode, 0x0100);
  assert.equal(new EntryDraft(T, 'extension-0xffff', enc('x'), digest).actionCode, 0xffff);
});

test('EntryDraft: bad actions, times and digests throw typed errors', () => {
  const digest = sha256(enc(''));
  // Unknown names, other spellings, and extension names below 0x0100 or not as `action` writes them.
  for (const action of ['delete', 'Create', '', 're_encrypt', 'create ', 'extension-0x00ff', 'extension-0x100',
    'extension-0x0A00', 'extension-0x+100', 'extension-0x01000', 'extension-256']) {
    assert.throws(() => new EntryDraft(T, action, enc('x'), digest), cc.InvalidArgument, action);
  }
  assert.throws(() => new EntryDraft(T, 'read', enc('x'), digest.slice(0, 31)), cc.InvalidArgument);
  assert.throws(() => new EntryDraft(-1, 'read', enc('x'), digest), cc.InvalidArgument);
  assert.throws(() => new EntryDraft(2 ** 53, 'read', enc('x'), digest), cc.InvalidArgument);
  assert.throws(() => EntryDraft.forPayload(T, 'nope', enc('x'), enc('p')), cc.InvalidArgument);
  // Bounds are checked when signing: 1024-byte subjects and 64 KiB of metadata, no more.
  const chain = new Chain();
  chain.signAndAppend(new EntryDraft(T, 'read', new Uint8Array(1024), digest)
    .withMetadata(new Uint8Array(65_536)), clinic);
  assert.equal(chain.length, 1);
  assert.throws(() => chain.signAndAppend(new EntryDraft(T, 'read', new Uint8Array(1025), digest), clinic),
    cc.InvalidArgument);
  assert.throws(() => chain.signAndAppend(new EntryDraft(T, 'read', enc('x'), digest)
    .withMetadata(new Uint8Array(65_537)), clinic), cc.InvalidArgument);
  assert.equal(chain.length, 1);
});

test('Chain.signAndAppend: create, update, share and custom entries, all verified', () => {
  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  const record = cc.seal(pk, Policy.parse('role:physician'), enc('ecg-1'), enc('category=cardiology'), enc('v1'));
  const chain = new Chain();

  const created = Entry.forSeal(record, T);
  assert.equal(created.action, 'create');
  assert.deepEqual(created.subject, enc('ecg-1'));
  assert.deepEqual(created.digest, sha256(record.toBytes()));
  assert.equal(chain.signAndAppend(created, clinic), 0);

  const v2 = cc.seal(pk, Policy.parse('role:physician'), enc('ecg-1'), enc('category=cardiology'), enc('v2'));
  assert.equal(chain.signAndAppend(new EntryDraft(T + 1, 'update', enc('ecg-1'), sha256(v2.toBytes()))
    .withMetadata(enc('replaces v1')), clinic), 1);
  assert.equal(chain.signAndAppend(EntryDraft.forPayload(T + 2, 'share', enc('ecg-1'), v2.toBytes()), clinic), 2);
  assert.equal(chain.signAndAppend(EntryDraft.forPayload(T + 3, 'extension-0x0101', enc('lot-7'), enc('temp=4C')), courier), 3);

  chain.verifyAll();
  assert.deepEqual([0, 1, 2, 3].map((i) => chain.entry(i).action), ['create', 'update', 'share', 'extension-0x0101']);
  assert.deepEqual([0, 1, 2, 3].map((i) => chain.entry(i).actionCode), [1, 2, 4, 0x0101]);
  assert.deepEqual(chain.entry(1).metadata, enc('replaces v1'));
  assert.deepEqual(chain.entry(2).digest, chain.entry(1).digest, 'share and update name the same bytes');
  assert.equal(hex(chain.entry(3).actor.toBytes()), hex(courier.publicKey().toBytes()));
  // The chain reloads from its records with the same entries.
  const reloaded = Chain.fromRecords(chain.records());
  reloaded.verifyAll();
  assert.deepEqual(reloaded.root, chain.root);
});

test('Entry.forReencrypt: the re-encrypted record and the grant id', () => {
  const authority = cc.Authority.setup();
  const pk = authority.publicKey();
  const record = cc.seal(pk, Policy.parse('patient:42'), enc('ecg-1'), enc(''), enc('ecg'));
  const rekey = authority.issueDelegationKey(['patient:42'], courier.publicKey()).rekey(pk, Policy.parse('hospital:h2'));
  const shared = rekey.reencrypt(record);
  const d = Entry.forReencrypt(shared, rekey.grantId, T);
  assert.equal(d.action, 're-encrypt');
  assert.deepEqual(d.subject, enc('ecg-1'));
  assert.deepEqual(d.digest, sha256(shared.toBytes()));
  assert.deepEqual(d.metadata, rekey.grantId);
  // The same entry as the shortcut appendReencrypt writes.
  const a = new Chain();
  const b = new Chain();
  a.signAndAppend(d, clinic);
  b.appendReencrypt(shared, rekey, T, clinic);
  assert.deepEqual(a.root, b.root);
  assert.throws(() => Entry.forReencrypt(shared, rekey.grantId.slice(1), T), cc.InvalidArgument);
  assert.throws(() => Entry.forSeal(shared, -5), cc.InvalidArgument);
});

test('ConsentToken.grantEntry / revokeEntry through signAndAppend; verifyConsent sees the revocation', () => {
  const patient = BlsSigningKey.generate();
  const token = ConsentToken.issue(patient, 'patient-42', Policy.parse('hospital:h2'), 0, 100, ['treatment']);
  const chain = new Chain();
  const g = token.grantEntry(10);
  assert.equal(g.action, 'grant');
  assert.deepEqual(g.subject, token.revocationIds()[0]);
  assert.deepEqual(g.digest, sha256(token.toBytes()));
  chain.signAndAppend(g, patient);
  chain.verifyConsent(token, patient.publicKey(), 50);
  const r = token.revokeEntry(20);
  assert.equal(r.action, 'revoke');
  chain.signAndAppend(r, patient);
  assert.throws(() => chain.verifyConsent(token, patient.publicKey(), 50), cc.ConsentError);
  assert.throws(() => token.grantEntry(-1), cc.InvalidArgument);
});

test('an actor signs offline (EntryDraft.sign); Chain.append checks position, link and signature', () => {
  const chain = new Chain();
  chain.signAndAppend(EntryDraft.forPayload(T, 'create', enc('r0'), enc('0')), clinic);
  const draft = EntryDraft.forPayload(T + 1, 'custody', enc('lot-7'), enc('handed over at dock 3'));

  // The courier's device signs at the position the log announced.
  const entry = draft.sign(chain.length, chain.lastHash, courier);
  assert.equal(entry.sequence, 1);
  assert.deepEqual(entry.prev, chain.lastHash);
  entry.verifySignature();
  assert.equal(chain.append(Entry.fromBytes(entry.toBytes())), 1);
  assert.deepEqual(chain.lastHash, entry.hash);
  chain.verifyAll();

  // Replayed, at a stale position, or linked to another entry: refused, chain unchanged.
  const root = chain.root;
  assert.throws(() => chain.append(entry), cc.InvalidArgument);
  assert.throws(() => chain.append(draft.sign(1, chain.entry(0).hash, courier)), cc.InvalidArgument);
  assert.throws(() => chain.append(draft.sign(2, new Uint8Array(32), courier)), cc.InvalidArgument);
  // A signature spliced from another entry signed at the same place: the actor's signature fails.
  const honest = draft.sign(2, chain.lastHash, courier).toBytes();
  const other = EntryDraft.forPayload(T + 1, 'custody', enc('lot-8'), enc('x')).sign(2, chain.lastHash, courier)
    .toBytes();
  const forged = honest.slice();
  forged.set(other.slice(other.length - 96), forged.length - 96);
  assert.throws(() => chain.append(Entry.fromBytes(forged)), cc.VerificationFailed);
  assert.equal(chain.length, 2);
  assert.deepEqual(chain.root, root);
  assert.throws(() => draft.sign(2, new Uint8Array(31), courier), cc.InvalidArgument);
  assert.throws(() => draft.sign(-1, chain.lastHash, courier), cc.InvalidArgument);
});
