// A Merkle tree of your own (MerkleTree, nodeHash) checked against SHA-256 from node:crypto
// (RFC 9162's hashes), and the rest of the checkpoint and receipt API: Checkpoint.sign,
// Checkpoint.signatures / NoteSignature / keyId, and new ProofFile(checkpoint, entry, proof).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { BlsSigningKey, Checkpoint, EntryDraft, Chain, MerkleTree, ProofFile } = cc;
const enc = (s) => new TextEncoder().encode(s);
const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const leaf = (d) => sha256(Uint8Array.of(0), d);
const node = (l, r) => sha256(Uint8Array.of(1), l, r);

test('nodeHash and leafHash are RFC 9162 hashes', () => {
  const a = leaf(enc('a'));
  const b = leaf(enc('b'));
  assert.deepEqual(cc.leafHash(enc('a')), a);
  assert.deepEqual(cc.nodeHash(a, b), node(a, b));
  assert.notDeepEqual(cc.nodeHash(b, a), node(a, b));
  assert.throws(() => cc.nodeHash(a, b.slice(1)), cc.InvalidArgument);
});

test('MerkleTree: roots at every size against a direct computation; proofs verify', () => {
  const tree = new MerkleTree();
  assert.equal(tree.length, 0);
  assert.deepEqual(tree.root, sha256(new Uint8Array(0)), 'the empty root is SHA-256 of nothing');
  const leaves = ['a', 'b', 'c', 'd', 'e'].map((s) => leaf(enc(s)));
  leaves.forEach((h, i) => assert.equal(tree.push(h), i));
  assert.equal(tree.length, 5);
  // RFC 9162 §2.1.1: split at the largest power of two below n.
  const mth = (hs) => {
    if (hs.length === 1) return hs[0];
    let k = 1;
    while (k * 2 < hs.length) k *= 2;
    return node(mth(hs.slice(0, k)), mth(hs.slice(k)));
  };
  for (let n = 1; n <= 5; n += 1) assert.deepEqual(tree.rootAt(n), mth(leaves.slice(0, n)), `root at ${n}`);
  assert.deepEqual(tree.root, mth(leaves));
  assert.deepEqual(tree.leaf(3), leaves[3]);

  const p = tree.inclusionProof(2);
  assert.equal(p.size, 5);
  p.verify(leaves[2], tree.root);
  cc.verifyInclusion(leaves[2], 2, 5, p.path, tree.root);
  tree.inclusionProof(1, 3).verify(leaves[1], tree.rootAt(3));
  const c = tree.consistencyProof(3);
  c.verify(tree.rootAt(3), tree.root);
  tree.consistencyProof(2, 4).verify(tree.rootAt(2), tree.rootAt(4));
  assert.throws(() => c.verify(tree.rootAt(2), tree.root), cc.VerificationFailed);

  assert.throws(() => tree.push(new Uint8Array(31)), cc.InvalidArgument);
  assert.throws(() => tree.leaf(5), cc.InvalidArgument);
  assert.throws(() => tree.rootAt(6), cc.InvalidArgument);
  assert.throws(() => tree.inclusionProof(5), cc.InvalidArgument);
  assert.throws(() => tree.consistencyProof(0), cc.InvalidArgument);
  assert.throws(() => tree.consistencyProof(4, 3), cc.InvalidArgument);
  assert.equal(tree.length, 5);

  // A chain's tree is the tree of its entries' hashes.
  const chain = new Chain();
  const actor = BlsSigningKey.generate();
  const mine = new MerkleTree();
  for (let i = 0; i < 3; i += 1) {
    chain.signAndAppend(EntryDraft.forPayload(i, 'read', enc(`r${i}`), enc('x')), actor);
    mine.push(chain.entry(i).leafHash);
  }
  assert.deepEqual(mine.root, chain.root);
});

test('Checkpoint.sign, its signature lines and keyId', () => {
  const log = BlsSigningKey.generate();
  const chain = new Chain();
  const actor = BlsSigningKey.generate();
  chain.signAndAppend(EntryDraft.forPayload(1, 'create', enc('r'), enc('x')), actor);
  chain.signAndAppend(EntryDraft.forPayload(2, 'read', enc('r'), enc('x')), actor);
  // BLS signing is deterministic: signing the same (origin, size, root) gives the chain's own.
  const cp = Checkpoint.sign('example.org/log', chain.length, chain.root, log);
  assert.equal(cp.toNote(), chain.checkpoint(log, 'example.org/log').toNote());
  cp.verify(log.publicKey());
  assert.throws(() => cp.verify(actor.publicKey()), cc.VerificationFailed);

  const [line, ...rest] = cp.signatures;
  assert.equal(rest.length, 0);
  assert.ok(line instanceof cc.NoteSignature);
  assert.equal(line.keyName, 'example.org/log');
  assert.deepEqual(line.keyId, cc.keyId('example.org/log', log.publicKey()));
  assert.notDeepEqual(cc.keyId('other.org/log', log.publicKey()), line.keyId);
  assert.equal(line.keyId.length, 4);
  // The note's signature line is "— <name> base64(key id ‖ signature)".
  const last = cp.toNote().trimEnd().split('\n').pop();
  const raw = Buffer.from(last.split(' ')[2], 'base64');
  assert.deepEqual(new Uint8Array(raw.subarray(0, 4)), line.keyId);
  assert.deepEqual(new Uint8Array(raw.subarray(4)), line.signature);

  for (const origin of ['', 'has space', 'a+b', 'x'.repeat(256)]) {
    assert.throws(() => Checkpoint.sign(origin, 1, chain.root, log), cc.InvalidArgument, origin);
  }
  assert.throws(() => Checkpoint.sign('o', 1, chain.root.slice(1), log), cc.InvalidArgument);
  assert.throws(() => Checkpoint.sign('o', -1, chain.root, log), cc.InvalidArgument);
});

test('new ProofFile(checkpoint, entry, proof): the chain\'s own receipt, and parts that do not belong', () => {
  const log = BlsSigningKey.generate();
  const actor = BlsSigningKey.generate();
  const chain = new Chain();
  for (let i = 0; i < 4; i += 1) chain.signAndAppend(EntryDraft.forPayload(i, 'read', enc(`r${i}`), enc('x')), actor);
  const cp = chain.checkpoint(log, 'example.org/log');
  const receipt = new ProofFile(cp, chain.entry(2), chain.proveInclusion(2));
  assert.deepEqual(receipt.toBytes(), chain.proofFile(2, cp).toBytes());
  assert.equal(receipt.verify(log.publicKey()).sequence, 2);
  // A proof for another entry, or for another tree size: refused before any crypto.
  assert.throws(() => new ProofFile(cp, chain.entry(1), chain.proveInclusion(2)), cc.InvalidArgument);
  assert.throws(() => new ProofFile(cp, chain.entry(2), chain.proveInclusion(2, 3)), cc.InvalidArgument);
  // Parts that belong together but whose proof is wrong fail at verify.
  const wrong = new ProofFile(cp, chain.entry(2), new cc.InclusionProof(2, 4, chain.proveInclusion(1).path));
  assert.throws(() => wrong.verify(log.publicKey()), cc.VerificationFailed);
});
