// lib/calldata.mjs on the conformance vectors, without the chain: the arguments it builds are
// the ones the contract tests pass by hand, and what it decodes rebuilds cipherchart's objects.
import { test } from 'node:test';
import { Interface } from 'ethers';
import * as C from '../lib/calldata.mjs';
import { compile } from '../lib/compile.mjs';
import { vectors, blsKeys, parseNote, h, B, assert } from './helpers.mjs';

const cv = vectors.chain;
const cp7 = cv.checkpoints.find((c) => c.name === 'size_7');
const cons37 = cv.consistency_proofs.find((c) => c.name === 'size_3_to_7');
/** A Checkpoint-shaped object from a vector note (what the library's getters return). */
const checkpointOf = (note) => {
  const p = parseNote(note);
  return { size: Number(p.size), root: B.bytes(p.root), signatures: p.sigs.map((s) => ({ keyId: B.bytes(s.keyId), signature: B.bytes(s.signature) })) };
};

test('keyArgs: compressed key, uncompressed key and PoP (from objects, bytes or hex)', () => {
  const k = blsKeys.patient;
  const want = [h(k.public_key), B.hex(B.g1Uncompress(k.public_key)), B.hex(B.g2Uncompress(k.proof_of_possession))];
  assert.deepEqual(C.keyArgs(h(k.public_key), h(k.proof_of_possession)), want);
  const obj = (x) => ({ toBytes: () => B.bytes(x) });
  assert.deepEqual(C.keyArgs(obj(k.public_key), B.bytes(k.proof_of_possession)), want);
  assert.throws(() => C.keyArgs(h(k.proof_of_possession), h(k.proof_of_possession)), /48 bytes/);
});

test('anchorArgs: size, root, both signature forms and the consistency path', () => {
  const cp = checkpointOf(cp7.note);
  const p = parseNote(cp7.note);
  const proof = { newSize: 7, path: cons37.path.map(B.bytes) };
  assert.deepEqual(C.anchorArgs(cp, proof), [7n, p.root, p.sigs[0].signature, B.hex(B.g2Uncompress(p.sigs[0].signature)), cons37.path.map(h)]);
  assert.deepEqual(C.anchorArgs(cp)[4], []);
  assert.deepEqual(C.anchorArgs(cp, proof.path), C.anchorArgs(cp, proof));
  assert.throws(() => C.anchorArgs(cp, { newSize: 8, path: [] }), /size 8/);
  assert.throws(() => C.anchorArgs(cp, null, new Uint8Array(4)), /no signature line/);
  assert.equal(C.anchorArgs(cp, null, p.sigs[0].keyId)[2], p.sigs[0].signature);
});

test('inclusionArgs / receiptAtArgs: entry hash or leaf hash, index, path', () => {
  const c = cv.inclusion_proofs.find((x) => x.error === null);
  const e = cv.entries[c.index];
  const entry = { hash: B.bytes(e.hash), leafHash: B.bytes(e.leaf_hash), toBytes: () => B.bytes(e.bytes) };
  const proof = { index: c.index, size: c.size, path: c.path.map(B.bytes) };
  assert.deepEqual(C.inclusionArgs(entry, proof), [h(e.hash), BigInt(c.index), c.path.map(h)]);
  assert.deepEqual(C.inclusionArgs({ entry, proof }), C.inclusionArgs(h(e.hash), proof));
  assert.deepEqual(C.receiptAtArgs({ entry, proof }), [BigInt(c.size), h(e.leaf_hash), BigInt(c.index), c.path.map(h)]);
  assert.throws(() => C.inclusionArgs(entry), /ProofFile/);
});

test('entryArgs: the entry and its signature uncompressed', () => {
  const g = vectors.chain.stores.find((s) => s.name === 'intact').entries[3];
  assert.deepEqual(C.entryArgs(g), ['0x' + g, B.hex(B.g2Uncompress(g.slice(-192)))]);
  assert.deepEqual(C.entryArgs(B.bytes(g)), C.entryArgs('0x' + g));
  assert.throws(() => C.entryArgs('0x00'), /not a cipherchart entry/);
  assert.throws(() => C.entryArgs('0xzz'), /not hex/);
});

test('events back: Anchored decodes to plain values and rebuilds the exact note', () => {
  const iface = new Interface(compile().CheckpointAnchor.abi);
  const p = parseNote(cp7.note);
  const logId = '0x' + p.sigs[0].keyId.slice(2) + '00'.repeat(28);
  const log = iface.encodeEventLog('Anchored', [logId, 7, p.root, p.sigs[0].signature]);
  const ev = C.decodeEvent(iface, log);
  assert.deepEqual(ev, { event: 'Anchored', logId: B.bytes(logId), size: 7, root: B.bytes(p.root), signature: B.bytes(p.sigs[0].signature) });
  assert.equal(C.anchoredNote(cv.origin, ev), cp7.note, 'origin + event = the note cipherchart signed');
  assert.deepEqual(C.decodeEvents(iface, { logs: [log, { topics: ['0x' + '11'.repeat(32)], data: '0x' }] }).length, 1);
  assert.deepEqual(C.decodeLatest([7n, p.root]), { size: 7, root: B.bytes(p.root) });
  assert.deepEqual(C.decodeConsent([2n, 1003n, 1005n, '0x' + '22'.repeat(32)]), {
    status: 'revoked', grantTime: 1003, revokeTime: 1005, tokenDigest: new Uint8Array(32).fill(0x22),
  });
});

test('revokedOnChain asks every (block, key) pair and reports the first revoked', async () => {
  const ids = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
  const issuer = B.bytes(blsKeys.patient.public_key);
  const holder = B.bytes(blsKeys.hospital_h2.public_key);
  const asked = [];
  const registry = { isRevoked: async (id, key) => (asked.push([id, key]), id === C.hex(ids[1]) && key === C.hex(holder)) };
  const token = { revocationIds: () => ids, issuer: { toBytes: () => issuer } };
  assert.equal(await C.revokedOnChain(registry, token), null);
  assert.equal(asked.length, 2);
  const hit = await C.revokedOnChain(registry, token, [token.issuer, holder]);
  assert.deepEqual(hit, { revocationId: ids[1], publicKey: holder });
  await assert.rejects(C.revokedOnChain(registry, { revocationIds: () => ids, issuer: undefined }), /no key/);
});
