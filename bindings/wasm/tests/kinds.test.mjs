// `.kind`: the reason a consent, chain, encoding or limit error carries in Rust (`Error::kind()`,
// the snake_case name of its variant), the same cases as the Python suite (test_error_kinds.py);
// `.index` on ChainError.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as cc from 'cipherchart';

/** A `RevocationSet` of ids revoked outright (what `ConsentToken.verify` takes). */
const revokedSet = (ids) => {
  const set = new cc.RevocationSet();
  for (const id of ids) set.insert(id);
  return set;
};

const { BlsSigningKey, Entry, Checkpoint, ConsentToken, EntryDraft, Grant, Chain, Policy } = cc;
const enc = (s) => new TextEncoder().encode(s);
const NOW = 1_767_225_600;
const PATIENT = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x6b));
const token = () => ConsentToken.issueGrant(PATIENT, new Grant('patient-1', Policy.parse('team:t1'), NOW, NOW + 100)
  .purposes(['research']));
const kindOf = (fn, cls) => {
  let kind;
  assert.throws(fn, (e) => {
    assert.ok(e instanceof cls, `${e.name}: ${e.message}`);
    kind = e.kind;
    return true;
  });
  return kind;
};

test('consent kinds: expired, not_yet_valid, revoked, wrong_issuer', () => {
  const t = token();
  assert.equal(kindOf(() => t.verify(PATIENT.publicKey(), NOW + 100), cc.ConsentError), 'expired');
  assert.equal(kindOf(() => t.verify(PATIENT.publicKey(), NOW - 1), cc.ConsentError), 'not_yet_valid');
  assert.equal(kindOf(() => t.verify(PATIENT.publicKey(), NOW, revokedSet(t.revocationIds())), cc.ConsentError), 'revoked');
  const other = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x6f));
  assert.equal(kindOf(() => t.verify(other.publicKey(), NOW), cc.ConsentError), 'wrong_issuer');
  const consent = t.verify(PATIENT.publicKey(), NOW);
  assert.equal(kindOf(() => consent.checkPermits(enc('r'), 'any', 'treatment'), cc.ConsentError), 'not_permitted');
});

test('chain kind and index: a checkpoint over another root fails at the tree size', () => {
  const chain = new Chain();
  for (let i = 0; i < 3; i += 1) chain.signAndAppend(EntryDraft.forPayload(NOW, 'read', enc('r'), enc(`${i}`)), PATIENT);
  const log = BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x6c));
  const forged = Checkpoint.sign('log.example', 3, chain.rootAt(2), log);
  assert.throws(() => chain.verifyAllAgainst(forged, log.publicKey()), (e) => {
    assert.ok(e instanceof cc.ChainError);
    assert.deepEqual([e.kind, e.index], ['root', 3]);
    return true;
  });
  // A damaged stored record is named by its index.
  const records = chain.records();
  records[1] = records[1].slice(0, -1);
  assert.throws(() => Chain.fromRecords(records), (e) => e instanceof cc.ChainError && e.index === 1
    && typeof e.kind === 'string');
});

test('encoding and limit kinds', () => {
  const chain = new Chain();
  chain.signAndAppend(EntryDraft.forPayload(NOW, 'read', enc('r'), enc('x')), PATIENT);
  const entry = chain.entry(0).toBytes();
  for (const [data, kind] of [[entry.slice(0, -1), 'truncated'], [Uint8Array.of(...entry, 0x78), 'trailing_bytes'],
    [PATIENT.publicKey().toObjectBytes(), 'wrong_type']]) {
    assert.equal(kindOf(() => Entry.fromBytes(data), cc.InvalidEncoding), kind);
  }
  const leaves = Array.from({ length: 300 }, (_, i) => `a:${i}`).join(' or ');
  assert.equal(kindOf(() => Policy.parse(leaves), cc.LimitExceeded), 'policy_leaves');
});

test('no kind elsewhere; an index only on chain errors', () => {
  const err = (() => {
    try {
      PATIENT.publicKey().verify(enc('m'), PATIENT.sign(enc('n')));
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof cc.VerificationFailed);
  assert.equal(err.kind, undefined);
  assert.equal('index' in err, false);
  assert.equal(new cc.CipherchartError('x').kind, undefined);
  assert.equal(new cc.ChainError('x', 4).index, 4);
});
