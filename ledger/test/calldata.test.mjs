// lib/calldata.mjs (`cipherchart/ledger` of the built npm package) on the conformance vectors,
// without the chain: the arguments it builds are the ones the contract tests pass by hand, what
// it decodes rebuilds cipherchart's objects, bad input throws the library's typed errors; and
// the client side of review findings L5 (anchorArgsAfter), L8 (the log's signature line) and L9
// (RevocationSet's per-block signer rule).
import { test } from 'node:test';
import { Interface } from 'ethers';
import * as C from '../lib/calldata.mjs';
import * as cc from '../../bindings/wasm/pkg/verify/node/index.mjs';
import { compile } from '../lib/compile.mjs';
import { vectors, blsKeys, parseNote, h, B, assert } from './helpers.mjs';

const cv = vectors.chain;
const cp7 = cv.checkpoints.find((c) => c.name === 'size_7');
const cons37 = cv.consistency_proofs.find((c) => c.name === 'size_3_to_7');
/** A Checkpoint-shaped object from a vector note (what the library's getters return). */
const checkpointOf = (note) => {
  const p = parseNote(note);
  return {
    origin: p.origin, size: Number(p.size), root: B.bytes(p.root),
    signatures: p.sigs.map((s) => ({ keyName: s.name, keyId: B.bytes(s.keyId), signature: B.bytes(s.signature) })),
  };
};
/** The library's error of this code (`InvalidArgument` …), for assert.throws. */
const code = (c, re = /./) => (e) => e instanceof cc.CipherchartError && e.code === c && re.test(e.message);

test('keyArgs: compressed key, uncompressed key and PoP (from objects, bytes or hex)', () => {
  const k = blsKeys.patient;
  const want = [h(k.public_key), B.hex(B.g1Uncompress(k.public_key)), B.hex(B.g2Uncompress(k.proof_of_possession))];
  assert.deepEqual(C.keyArgs(h(k.public_key), h(k.proof_of_possession)), want);
  const obj = (x) => ({ toBytes: () => B.bytes(x) });
  assert.deepEqual(C.keyArgs(obj(k.public_key), B.bytes(k.proof_of_possession)), want);
  assert.throws(() => C.keyArgs(h(k.proof_of_possession), h(k.proof_of_possession)), code('invalid_argument', /48 bytes/));
  assert.throws(() => C.keyArgs(42, h(k.proof_of_possession)), code('invalid_argument', /expected bytes/));
});

test('anchorArgs: size, root, both signature forms and the consistency path', () => {
  const cp = checkpointOf(cp7.note);
  const p = parseNote(cp7.note);
  const proof = { newSize: 7, path: cons37.path.map(B.bytes) };
  assert.deepEqual(C.anchorArgs(cp, proof), [7n, p.root, p.sigs[0].signature, B.hex(B.g2Uncompress(p.sigs[0].signature)), cons37.path.map(h)]);
  assert.deepEqual(C.anchorArgs(cp)[4], []);
  assert.deepEqual(C.anchorArgs(cp, proof.path), C.anchorArgs(cp, proof));
  assert.throws(() => C.anchorArgs(cp, { newSize: 8, path: [] }), code('invalid_argument', /size 8/));
  assert.throws(() => C.anchorArgs(cp, null, new Uint8Array(4)), code('invalid_argument', /no signature line/));
  assert.throws(() => C.anchorArgs(cp, 'not a proof'), code('invalid_argument', /array/));
  assert.throws(() => C.anchorArgs({ ...cp, size: -1 }), code('invalid_argument', /uint64/));
  assert.throws(() => C.anchorArgs({ ...cp, size: 'seven' }), code('invalid_argument', /integer/));
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
  assert.throws(() => C.inclusionArgs(entry), code('invalid_argument', /ProofFile/));
  assert.throws(() => C.receiptAtArgs(entry), code('invalid_argument', /ProofFile/));
});

test('entryArgs: the entry and its signature uncompressed', () => {
  const g = vectors.chain.stores.find((s) => s.name === 'intact').entries[3];
  assert.deepEqual(C.entryArgs(g), ['0x' + g, B.hex(B.g2Uncompress(g.slice(-192)))]);
  assert.deepEqual(C.entryArgs(B.bytes(g)), C.entryArgs('0x' + g));
  assert.throws(() => C.entryArgs('0x00'), code('invalid_argument', /not a cipherchart entry/));
  assert.throws(() => C.entryArgs('0xzz'), code('invalid_argument', /not hex/));
});

test('events back: Anchored decodes to plain values and rebuilds the exact note', () => {
  const iface = new Interface(compile().CheckpointAnchor.abi);
  const p = parseNote(cp7.note);
  const logId = '0x' + p.sigs[0].keyId.slice(2) + '00'.repeat(28);
  const address = '0x' + 'Ab'.repeat(20);
  const contract = { interface: iface, target: address };
  const log = { ...iface.encodeEventLog('Anchored', [logId, 7, p.root, p.sigs[0].signature]), address };
  const ev = C.decodeEvent(contract, log);
  assert.deepEqual(ev, { event: 'Anchored', address: address.toLowerCase(), logId: B.bytes(logId), size: 7, root: B.bytes(p.root), signature: B.bytes(p.sigs[0].signature) });
  assert.equal(C.anchoredNote(cv.origin, ev), cp7.note, 'origin + event = the note cipherchart signed');
  assert.deepEqual(C.decodeEvents(contract, { logs: [log, { topics: ['0x' + '11'.repeat(32)], data: '0x', address }] }).length, 1);
  // bound to the emitter (review LA-2): another contract's identical log decodes to nothing
  assert.equal(C.decodeEvent(contract, { ...log, address: '0x' + '11'.repeat(20) }), null);
  assert.equal(C.decodeEvent({ interface: iface, address }, log).address, address.toLowerCase());
  assert.throws(() => C.decodeEvents(iface, { logs: [log] }), code('invalid_argument', /bare Interface/));
  assert.throws(() => C.decodeEvents({ interface: iface }, { logs: [log] }), code('invalid_argument', /address/));
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
  // the token's own block signers: the issuer, then the holder block 0 names
  const token = { revocationIds: () => ids, issuer: { toBytes: () => issuer }, blockSigners: () => [issuer, holder] };
  const hit = await C.revokedOnChain(registry, token);
  assert.deepEqual(hit, { revocationId: ids[1], publicKey: holder });
  assert.equal(asked.length, 3);
  assert.deepEqual(await C.revokedOnChain(registry, token, [token.issuer, holder]), hit);
  // without its block signers, or with fewer than its blocks, the gate cannot answer (LA-1)
  await assert.rejects(C.revokedOnChain(registry, { revocationIds: () => ids, issuer }), code('invalid_argument', /blockSigners/));
  await assert.rejects(C.revokedOnChain(registry, { ...token, blockSigners: () => [issuer] }), code('invalid_argument', /1 signers for 2 blocks/));
});

// L8: Rust's Checkpoint::verify uses only the lines named as the origin with the log's key id;
// a note whose first line is another signer's (a witness cosignature, another key) must not
// make anchorArgs pass that line's signature (the contract would revert BadCheckpointSignature).
test('L8: the signature line is the first named as the origin, with the log id\'s key id when given', () => {
  const p = parseNote(cp7.note);
  const log = p.sigs[0];
  const foreign = B.hex(B.sign('11'.repeat(32), new TextEncoder().encode('something else')));
  const line = (name, keyId, sig) => `\u2014 ${name} ${Buffer.concat([B.bytes(keyId), B.bytes(sig)]).toString('base64')}\n`;
  const [text, lines] = [cp7.note.slice(0, cp7.note.lastIndexOf('\n\n') + 2), cp7.note.slice(cp7.note.lastIndexOf('\n\n') + 2)];
  // a witness's line first
  const cosigned = checkpointOf(text + line('witness.example/w1', '0xdeadbeef', foreign) + lines);
  assert.equal(cosigned.signatures[0].keyName, 'witness.example/w1');
  assert.equal(C.anchorArgs(cosigned)[2], log.signature);
  assert.equal(C.anchorArgs(cosigned)[3], B.hex(B.g2Uncompress(log.signature)));
  // another key under the origin's name first: the log id (or its key id) picks the log's line
  const twoKeys = checkpointOf(text + line(p.origin, '0x01020304', foreign) + lines);
  assert.equal(C.anchorArgs(twoKeys)[2], foreign, 'without a key id: the first line named as the origin');
  const logId = log.keyId + '00'.repeat(28);
  assert.equal(C.anchorArgs(twoKeys, null, logId)[2], log.signature);
  assert.equal(C.anchorArgs(twoKeys, null, log.keyId)[2], log.signature);
  assert.throws(() => C.anchorArgs(twoKeys, null, '0x0102'), code('invalid_argument', /4 bytes/));
  // no line of the origin at all
  const none = checkpointOf(text + line('witness.example/w1', log.keyId, log.signature));
  assert.throws(() => C.anchorArgs(none), code('invalid_argument', /no signature line named/));
  // the real Checkpoint of the package: the same choice
  const real = cc.Checkpoint.fromNote(text + line('witness.example/w1', '0xdeadbeef', foreign) + lines);
  assert.equal(C.anchorArgs(real)[2], log.signature);
});

// L9: Rust's RevocationSet::revokes counts a revocation of block i only by a signer of blocks
// 0..=i; a key that signed only a later block revoking an upstream block changes nothing.
test('L9: revokedOnChain asks block i only about the signers of blocks 0..=i', async () => {
  const ids = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
  const issuer = B.bytes(blsKeys.patient.public_key);
  const holder = B.bytes(blsKeys.hospital_h2.public_key); // signed block 1 only
  const token = { revocationIds: () => ids, issuer, blockSigners: () => [issuer, holder] };
  const asked = [];
  // the block-1 signer revoked block 0 (upstream of it)
  const upstream = { isRevoked: async (id, key) => (asked.push([id, key]), id === C.hex(ids[0]) && key === C.hex(holder)) };
  assert.equal(await C.revokedOnChain(upstream, token, [issuer, holder]), null, 'Rust accepts this token');
  assert.deepEqual(asked, [[C.hex(ids[0]), C.hex(issuer)], [C.hex(ids[1]), C.hex(issuer)], [C.hex(ids[1]), C.hex(holder)]]);
  // the same signer revoking its own block counts; the issuer revoking any block counts
  const own = { isRevoked: async (id, key) => id === C.hex(ids[1]) && key === C.hex(holder) };
  assert.deepEqual(await C.revokedOnChain(own, token, [issuer, holder]), { revocationId: ids[1], publicKey: holder });
  const byIssuer = { isRevoked: async (id, key) => id === C.hex(ids[1]) && key === C.hex(issuer) };
  assert.deepEqual(await C.revokedOnChain(byIssuer, token), { revocationId: ids[1], publicKey: issuer });
  // a list other than the token's block signers is refused (the final holder signs no block)
  const last = B.bytes(blsKeys.mallory.public_key);
  await assert.rejects(C.revokedOnChain(own, token, [issuer, holder, last]), code('invalid_argument', /block signers/));
  await assert.rejects(C.revokedOnChain(own, token, [holder]), code('invalid_argument', /block signers/));
  await assert.rejects(C.revokedOnChain(own, token, [issuer]), code('invalid_argument', /block signers/));
  await assert.rejects(C.revokedOnChain({}, token), code('invalid_argument', /isRevoked/));
});

// L5: another party may anchor a genuine checkpoint before the clinic's transaction; the
// clinic's arguments must start from the size latest() reports, checked locally first.
test('L5: anchorArgsAfter builds the proof from the anchored latest(), checked against its root', () => {
  const leaves = cv.entries.map((e) => B.bytes(e.leaf_hash));
  const tree = new cc.MerkleTree();
  for (const l of leaves) tree.push(l);
  const cp = checkpointOf(cp7.note);
  assert.deepEqual(cp.root, tree.root);
  const cp3 = checkpointOf(cv.checkpoints.find((c) => c.name === 'size_3').note);
  // nothing anchored yet: the first anchor, no proof
  assert.deepEqual(C.anchorArgsAfter([0n, '0x' + '00'.repeat(32)], cp, tree), C.anchorArgs(cp));
  // someone anchored size 3 first: the proof goes from 3, as the vector's
  assert.deepEqual(C.anchorArgsAfter([3n, cp3.root], cp, tree), C.anchorArgs(cp, cons37.path.map(B.bytes)));
  assert.deepEqual(C.anchorArgsAfter({ size: 3, root: cp3.root }, cp, (o, n) => tree.consistencyProof(o, n)),
    C.anchorArgsAfter([3n, cp3.root], cp, tree));
  for (const at of [1, 2, 4, 5, 6]) {
    const args = C.anchorArgsAfter([BigInt(at), tree.rootAt(at)], cp, tree);
    assert.deepEqual(args[4], tree.consistencyProof(at, 7).path.map(C.hex), `from ${at}`);
  }
  // already anchored (this checkpoint, or a later one of the same history): nothing to send
  assert.equal(C.anchorArgsAfter([7n, cp.root], cp, tree), null);
  assert.equal(C.anchorArgsAfter([7n, cp.root], cp3, tree), null);
  // a size-0 checkpoint (the empty log, review L4): sent only while nothing is anchored
  const empty = { ...cp, size: 0, root: B.bytes('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855') };
  assert.deepEqual(C.anchorArgsAfter([0n, '0x' + '00'.repeat(32)], empty, tree), C.anchorArgs(empty));
  assert.equal(C.anchorArgsAfter([0n, empty.root], empty, tree), null);
  assert.equal(C.anchorArgsAfter([3n, cp3.root], empty, tree), null);
  // another history is anchored: refused locally, before any gas is spent
  assert.throws(() => C.anchorArgsAfter([3n, new Uint8Array(32).fill(9)], cp, tree), code('verification_failed', /not one history/));
  assert.throws(() => C.anchorArgsAfter([7n, new Uint8Array(32).fill(9)], cp, tree), code('verification_failed', /another root/));
  assert.throws(() => C.anchorArgsAfter([7n, new Uint8Array(32).fill(9)], cp3, tree), code('verification_failed'));
  assert.throws(() => C.anchorArgsAfter([3n, cp3.root], cp, {}), code('invalid_argument', /MerkleTree/));
  assert.throws(() => C.anchorArgsAfter([3n], cp, tree), code('invalid_argument'));
});

test('decoders refuse what is not a contract result, with InvalidArgument', () => {
  assert.throws(() => C.decodeLatest(null), code('invalid_argument'));
  assert.throws(() => C.decodeLatest([7n, '0x00']), code('invalid_argument', /32 bytes/));
  assert.throws(() => C.decodeConsent([9n, 0n, 0n, '0x' + '00'.repeat(32)]), code('invalid_argument', /status/));
  assert.throws(() => C.decodeEvent({}, {}), code('invalid_argument', /Interface/));
  assert.throws(() => C.anchoredNote(cv.origin, { logId: '0x00', size: 1, root: '0x', signature: '0x' }), code('invalid_argument'));
  assert.throws(() => C.hex('0x00'), code('invalid_argument'));
  assert.throws(() => C.bytesOf({ toBytes: () => 'nope' }), code('invalid_argument'));
});
