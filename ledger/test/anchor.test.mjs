// The anchor contract against cipherchart's checkpoints ("chain" group of the conformance
// vectors): a log registered once with its proof of possession; checkpoints verified with the
// EIP-2537 precompiles; only growing sizes whose root extends the last anchored one (RFC 9162
// consistency); receipts (inclusion proofs) verified against anchored roots.
import { test, before, after } from 'node:test';
import { createHash } from 'node:crypto';
import {
  vectors, blsKeys, keyArgs, parseNote, signCheckpoint, newChain, deploy, send, reverts, revertName,
  recordGas, printGas, h, B, assert,
} from './helpers.mjs';

const cv = vectors.chain;
const ORIGIN = cv.origin;
const cps = Object.fromEntries(cv.checkpoints.map((c) => [c.name, c]));
const cons = Object.fromEntries(cv.consistency_proofs.map((c) => [c.name, c]));
const incl = Object.fromEntries(cv.inclusion_proofs.map((c) => [c.name, c]));
const logSk = blsKeys.log.secret_key;
const EMPTY_ROOT = '0x' + createHash('sha256').update('').digest('hex');
const ZERO = '0x' + '00'.repeat(32);

let chain, anchor, logId;

/** anchor() arguments from a vector note (its first signature line). */
function args(note, proof = []) {
  const p = parseNote(note);
  const sig = p.sigs[0].signature;
  return [p.size, p.root, sig, B.hex(B.g2Uncompress(sig)), proof];
}
/** anchor() arguments for a checkpoint the log key signs here (deterministic, as Rust would). */
function signed(size, root, proof = [], sk = logSk) {
  const sig = signCheckpoint(ORIGIN, size, root, sk);
  return [BigInt(size), h(root), sig, B.hex(B.g2Uncompress(sig)), proof];
}
const rootOf = (size) => {
  const c = Object.values(cons).find((x) => x.error === null && x.old_size === size);
  if (c) return h(c.old_root);
  if (size === 7) return h(cv.root);
  throw new Error(`no root for size ${size}`);
};

before(async () => {
  chain = await newChain();
  anchor = await deploy(chain, 'CheckpointAnchor');
});
after(() => printGas('CheckpointAnchor'));

test('JS signs checkpoints exactly as cipherchart (BLS is deterministic)', () => {
  for (const name of ['size_3', 'size_7']) {
    const p = parseNote(cps[name].note);
    assert.equal(signCheckpoint(ORIGIN, p.size, p.root, logSk), p.sigs[0].signature, name);
  }
});

test('register the log once: log id = C2SP key id, PoP checked on chain', async () => {
  const [pk, pkU, pop] = keyArgs('log');
  logId = await anchor.logIdOf(ORIGIN, pk);
  const p = parseNote(cps.size_7.note);
  assert.equal(logId.slice(0, 10), p.sigs[0].keyId, 'first 4 bytes of the log id = the note key id');
  const r = await send(anchor.registerLog(ORIGIN, pk, pkU, pop));
  recordGas('registerLog (key + PoP, first time)', r);
  // the same origin under another key is another log: nobody can squat a name
  const [mpk, mpkU, mpop] = keyArgs('mallory');
  await send(anchor.registerLog(ORIGIN, mpk, mpkU, mpop));
  // a wrong PoP, and invalid origins
  const fresh = await deploy(chain, 'CheckpointAnchor');
  await reverts(fresh.registerLog(ORIGIN, pk, pkU, mpop), 'InvalidProofOfPossession');
  for (const o of ['', 'has space', 'a+b', 'tab\there', 'x'.repeat(256)]) {
    await reverts(fresh.registerLog(o, pk, pkU, pop), 'InvalidOrigin');
  }
});

test('the contract rebuilds the exact note text cipherchart signs', async () => {
  for (const name of ['size_3', 'size_7']) {
    const p = parseNote(cps[name].note);
    const text = await anchor.noteText(ORIGIN, p.size, p.root);
    assert.equal(Buffer.from(text.slice(2), 'hex').toString('utf8'), p.text, name);
  }
});

test('first anchor: invalid checkpoints revert and change nothing', async () => {
  const p3 = args(cps.size_3.note);
  // tampered root (the size-7 root under the size-3 signature)
  await reverts(anchor.anchor(logId, p3[0], h(cv.root), p3[2], p3[3], []), 'BadCheckpointSignature');
  // Rust: wrong_key (the log's note checked against mallory's key) is below; forged_size
  // (size 6 under the size-7 signature); and a checkpoint mallory signs, on the log's key
  await reverts(anchor.anchor(logId, ...args(cps.forged_size.note)), 'BadCheckpointSignature');
  await reverts(anchor.anchor(logId, ...signed(3, cps.size_3.root, [], blsKeys.mallory.secret_key)), 'BadCheckpointSignature');
  // a signature of another message: the size-7 signature on the size-3 checkpoint
  const p7 = args(cps.size_7.note);
  await reverts(anchor.anchor(logId, p3[0], p3[1], p7[2], p7[3], []), 'BadCheckpointSignature');
  // the identity signature, a non-subgroup point, mismatched compressed/uncompressed forms
  const zeroX = new Uint8Array(96);
  zeroX[0] = 0x80;
  await reverts(anchor.anchor(logId, p3[0], p3[1], B.hex(zeroX), B.hex(new Uint8Array(256)), []), 'BadCheckpointSignature');
  const out = B.g2OutsideSubgroup();
  await reverts(anchor.anchor(logId, p3[0], p3[1], B.hex(B.g2Compress(out)), B.hex(B.g2Padded(out)), []), 'BadCheckpointSignature');
  await reverts(anchor.anchor(logId, p3[0], p3[1], p7[2], p3[3], []), 'BadCheckpointSignature');
  // size 0 with another root than the empty tree's, a consistency proof where there is
  // nothing to extend, an unknown log
  await reverts(anchor.anchor(logId, 0, p3[1], p3[2], p3[3], []), 'InconsistentRoot');
  await reverts(anchor.anchor(logId, ...args(cps.size_3.note, cons.size_3_to_7.path.map(h))), 'UnexpectedConsistencyProof');
  await reverts(anchor.anchor('0x' + '11'.repeat(32), ...args(cps.size_3.note)), 'UnknownLog');
  const [size, root] = await anchor.latest(logId);
  assert.equal(size, 0n);
  assert.equal(root, '0x' + '00'.repeat(32));
  // Rust wrong_key: the log's note on the log registered (same origin) with mallory's key;
  // that log accepts what mallory signs, and only that
  const mlog = await anchor.logIdOf(ORIGIN, keyArgs('mallory')[0]);
  await reverts(anchor.anchor(mlog, ...args(cps.wrong_key.note)), 'BadCheckpointSignature');
  await send(anchor.anchor(mlog, ...signed(7, cv.root, [], blsKeys.mallory.secret_key)));
});

test('fault: a reverted anchor transaction leaves the log unchanged; the retry anchors once', async () => {
  const a = args(cps.size_3.note);
  // mined but out of gas: status 0
  const tx = await anchor.anchor(logId, ...a, { gasLimit: 120_000 });
  await assert.rejects(tx.wait(), (e) => e.receipt?.status === 0);
  assert.deepEqual([...await anchor.latest(logId)], [0n, '0x' + '00'.repeat(32)]);
  const r = await send(anchor.anchor(logId, ...a));
  recordGas('anchor, first checkpoint (size 3, no proof)', r);
  assert.deepEqual([...await anchor.latest(logId)], [3n, h(cps.size_3.root)]);
  const ev = anchor.interface.parseLog(r.logs[0]);
  assert.equal(ev.name, 'Anchored');
  assert.equal(ev.args.signature, a[2], 'the event carries the compressed signature of the note');
  // the same checkpoint again (a retry after all): succeeds without a second event (review L5)
  const again = await send(anchor.anchor(logId, ...a));
  assert.equal(again.logs.length, 0, 'no second Anchored event');
  recordGas('anchor, a checkpoint already anchored (idempotent retry)', again);
  assert.deepEqual([...await anchor.latest(logId)], [3n, h(cps.size_3.root)]);
  const logs = await chain.provider.getLogs({ address: await anchor.getAddress(), topics: [anchor.interface.getEvent('Anchored').topicHash, logId] });
  assert.equal(logs.length, 1);
});

test('growth: only a larger size whose root extends the anchored one (consistency on chain)', async () => {
  // Rust path_flipped (3 -> 7) refused
  await reverts(anchor.anchor(logId, ...args(cps.size_7.note, cons.path_flipped.path.map(h))), 'InconsistentRoot');
  // Rust wrong_new_size: a log-signed checkpoint at 6 with the 3 -> 7 proof
  await reverts(anchor.anchor(logId, ...signed(6, cons.wrong_new_size.new_root, cons.wrong_new_size.path.map(h))), 'InconsistentRoot');
  // no proof, or a 1 -> 7 proof
  await reverts(anchor.anchor(logId, ...args(cps.size_7.note)), 'InconsistentRoot');
  await reverts(anchor.anchor(logId, ...args(cps.size_7.note, cons.size_1_to_7.path.map(h))), 'InconsistentRoot');
  // a correct proof with a checkpoint signed by another key
  await reverts(anchor.anchor(logId, ...signed(7, cv.root, cons.size_3_to_7.path.map(h), blsKeys.mallory.secret_key)), 'BadCheckpointSignature');
  assert.deepEqual([...await anchor.latest(logId)], [3n, h(cps.size_3.root)]);
  // Rust size_3_to_7 accepted
  const r = await send(anchor.anchor(logId, ...args(cps.size_7.note, cons.size_3_to_7.path.map(h))));
  recordGas('anchor, 3 -> 7 with a 4-hash consistency proof', r);
  assert.deepEqual([...await anchor.latest(logId)], [7n, h(cv.root)]);
  assert.equal(await anchor.rootAt(logId, 3), h(cps.size_3.root));
  // an anchored checkpoint again: nothing to do, no event (review L5)
  for (const name of ['size_3', 'size_7']) assert.equal((await send(anchor.anchor(logId, ...args(cps[name].note)))).logs.length, 0, name);
  // shrinking, or another root at an anchored size (the log key signing a fork)
  await reverts(anchor.anchor(logId, ...signed(5, cv.root)), 'NotGrowing');
  await reverts(anchor.anchor(logId, ...signed(3, cv.root)), 'NotGrowing');
  await reverts(anchor.anchor(logId, ...signed(7, cps.size_3.root, cons.size_3_to_7.path.map(h))), 'NotGrowing');
  assert.deepEqual([...await anchor.latest(logId)], [7n, h(cv.root)]);
});

test('growth from sizes 1 and 4 (powers of two) with the vector proofs', async () => {
  for (const [from, name] of [[1, 'size_1_to_7'], [4, 'size_4_to_7']]) {
    const a = await deploy(chain, 'CheckpointAnchor');
    const [pk, pkU, pop] = keyArgs('log');
    await send(a.registerLog(ORIGIN, pk, pkU, pop));
    await send(a.anchor(logId, ...signed(from, rootOf(from))));
    const r = await send(a.anchor(logId, ...args(cps.size_7.note, cons[name].path.map(h))));
    recordGas(`anchor, ${from} -> 7 with a ${cons[name].path.length}-hash consistency proof`, r);
    assert.deepEqual([...await a.latest(logId)], [7n, h(cv.root)]);
  }
});

test('receipts: inclusion against the anchored roots agrees with Rust', async () => {
  // every entry of the vector log, by entry hash, against the latest anchored root (size 7)
  for (const e of cv.entries) {
    const v = incl[`entry_${e.sequence}_size_7`];
    assert.equal(await anchor.verifyInclusion(logId, h(e.hash), e.sequence, v.path.map(h)), true, `entry ${e.sequence}`);
  }
  const e2 = cv.entries[2];
  const r = await send(anchor.verifyInclusion.send(logId, h(e2.hash), 2, incl.entry_2_size_7.path.map(h)));
  recordGas('verifyInclusion (size 7, 3-hash path) as a transaction', r);
  // the vector cases whose root is the anchored root at their size: agree with Rust
  let n = 0;
  for (const v of cv.inclusion_proofs) {
    const anchored = await anchor.rootAt(logId, v.size);
    if (anchored !== h(v.root)) continue; // Rust's wrong_root: the contract takes no root
    const ok = await anchor.verifyInclusionAt(logId, v.size, h(v.leaf_hash), v.index, v.path.map(h));
    assert.equal(ok, v.error === null, `${v.name} (Rust: ${v.error ?? 'ok'})`);
    n++;
  }
  assert.ok(n >= 14, `${n} cases`);
  // wrong entry hash, wrong index, a size never anchored, an unknown log
  const p = incl.entry_2_size_7.path.map(h);
  assert.equal(await anchor.verifyInclusion(logId, h(cv.entries[3].hash), 2, p), false);
  assert.equal(await anchor.verifyInclusion(logId, h(e2.hash), 3, p), false);
  assert.equal(await anchor.verifyInclusion(logId, h(e2.leaf_hash), 2, p), false, 'a leaf hash is not an entry hash');
  assert.equal(await anchor.verifyInclusionAt(logId, 5, h(e2.leaf_hash), 2, p), false);
  assert.equal(await anchor.verifyInclusion('0x' + '22'.repeat(32), h(e2.hash), 2, p), false);
});

test('proof files (receipts) of the vectors: checkpoint + entry + path, checked on chain', async () => {
  // A ProofFile is binary (tag 0x32): u32 len ‖ entry ‖ u64 index ‖ u64 size ‖ u32 n ‖ path ‖
  // u32 len ‖ note; here its parts are read and the receipt is checked against the anchor.
  for (const pf of cv.proof_files.filter((x) => x.error === null)) {
    const b = Buffer.from(pf.bytes, 'hex');
    let o = 4;
    const entryLen = b.readUInt32BE(o); o += 4;
    const entry = b.subarray(o, o + entryLen); o += entryLen;
    const index = b.readBigUInt64BE(o); o += 8;
    const size = b.readBigUInt64BE(o); o += 8;
    const n = b.readUInt32BE(o); o += 4;
    const path = [];
    for (let i = 0; i < n; i++, o += 32) path.push(B.hex(b.subarray(o, o + 32)));
    const e = cv.entries.find((x) => x.bytes === entry.toString('hex'));
    assert.ok(e, pf.name);
    assert.equal(size, 7n);
    assert.equal(await anchor.verifyInclusion(logId, h(e.hash), index, path), true, pf.name);
  }
});

test('errors decode from a mined revert too', async () => {
  const tx = await anchor.anchor(logId, ...signed(3, cv.root), { gasLimit: 3_000_000 });
  await assert.rejects(tx.wait(), (e) => e.receipt?.status === 0);
  const rec = chain.receipts.get(tx.hash);
  assert.equal(revertName({ data: rec.revertData }), 'NotGrowing');
});

// ---------------------------------------------------------------- review fixes (docs/ledger-review.md)

/** RFC 6962 Merkle tree hash and RFC 9162 consistency proof over leaf hashes (Buffers). */
const sha = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const split = (n) => 2 ** Math.floor(Math.log2(n - 1)); // the largest power of two below n
function mth(leaves) {
  if (leaves.length === 0) return sha(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function subproof(m, leaves, complete) {
  if (m === leaves.length) return complete ? [] : [mth(leaves)];
  const k = split(leaves.length);
  if (m <= k) return [...subproof(m, leaves.slice(0, k), complete), mth(leaves.slice(k))];
  return [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}
const consistency = (m, leaves) => subproof(m, leaves, true).map(B.hex);
const vectorLeaves = cv.entries.map((e) => Buffer.from(e.leaf_hash, 'hex'));

/** A fresh anchor with the vector log registered. */
async function freshLog() {
  const a = await deploy(chain, 'CheckpointAnchor');
  await send(a.registerLog(ORIGIN, ...keyArgs('log')));
  return a;
}
const anchoredEvents = async (a) =>
  chain.provider.getLogs({ address: await a.getAddress(), topics: [a.interface.getEvent('Anchored').topicHash, logId] });

test('registerLog again with the same arguments returns the same log, without a second event (review L6)', async () => {
  const a = await deploy(chain, 'CheckpointAnchor');
  const [pk, pkU, pop] = keyArgs('log');
  const r1 = await send(a.registerLog(ORIGIN, pk, pkU, pop));
  assert.equal(r1.logs.filter((l) => a.interface.parseLog(l)?.name === 'LogRegistered').length, 1);
  // a copy of the clinic's transaction (front-run from the mempool) mined first: the clinic's
  // own succeeds, returns the same id and changes nothing
  const other = a.connect(chain.accounts[1]);
  assert.equal(await other.registerLog.staticCall(ORIGIN, pk, pkU, pop), logId);
  const r2 = await send(other.registerLog(ORIGIN, pk, pkU, pop));
  assert.equal(r2.logs.length, 0, 'no second LogRegistered (nor KeyRegistered)');
  recordGas('registerLog, the same log again (idempotent)', r2);
  const [origin, keyHash, size] = await a.logOf(logId);
  assert.deepEqual([origin, size], [ORIGIN, 0n]);
  assert.notEqual(keyHash, ZERO);
  // the log id binds origin and key: the existing log is exactly the one asked for, so even a
  // wrong proof of possession changes nothing (it is not checked again, as registerKey)
  assert.equal((await send(a.registerLog(ORIGIN, pk, pkU, keyArgs('mallory')[2]))).logs.length, 0);
});

test('size 0: only the empty tree root, anchored once, and growth is unchanged (review L4)', async () => {
  const a = await freshLog();
  // Rust signs (origin, 0, EMPTY_ROOT) for an empty log (Checkpoint::sign's doc example)
  await reverts(a.anchor(logId, ...signed(0, cps.size_3.root)), 'InconsistentRoot');
  await reverts(a.anchor(logId, ...signed(0, EMPTY_ROOT, [], blsKeys.mallory.secret_key)), 'BadCheckpointSignature');
  await reverts(a.anchor(logId, ...signed(0, EMPTY_ROOT, [h(cps.size_3.root)])), 'UnexpectedConsistencyProof');
  const r = await send(a.anchor(logId, ...signed(0, EMPTY_ROOT)));
  recordGas('anchor, size 0 (the empty log)', r);
  const ev = a.interface.parseLog(r.logs[0]);
  assert.deepEqual([ev.name, ev.args.size, ev.args.root], ['Anchored', 0n, EMPTY_ROOT]);
  assert.equal(await a.rootAt(logId, 0), EMPTY_ROOT);
  assert.deepEqual([...await a.latest(logId)], [0n, EMPTY_ROOT]);
  assert.equal(await a.verifyInclusion(logId, h(cv.entries[0].hash), 0, []), false);
  // again: nothing to do, no event
  assert.equal((await send(a.anchor(logId, ...signed(0, EMPTY_ROOT)))).logs.length, 0);
  // the first non-empty checkpoint needs no proof (any tree extends the empty one), then growth
  await send(a.anchor(logId, ...args(cps.size_3.note)));
  await reverts(a.anchor(logId, ...args(cps.size_7.note)), 'InconsistentRoot');
  await send(a.anchor(logId, ...args(cps.size_7.note, cons.size_3_to_7.path.map(h))));
  assert.deepEqual([...await a.latest(logId)], [7n, h(cv.root)]);
  assert.equal((await send(a.anchor(logId, ...signed(0, EMPTY_ROOT)))).logs.length, 0, 'still anchored at 0');
  assert.deepEqual((await anchoredEvents(a)).map((l) => a.interface.parseLog(l).args.size), [0n, 3n, 7n]);
  // a log anchored at 3 first: the empty checkpoint no longer grows it (event sizes only increase)
  const b = await freshLog();
  await send(b.anchor(logId, ...args(cps.size_3.note)));
  await reverts(b.anchor(logId, ...signed(0, EMPTY_ROOT)), 'NotGrowing');
});

test("anchor races: a copy or a smaller genuine checkpoint mined first does not fail the clinic's schedule (review L5)", async () => {
  const clinic = await freshLog();
  const other = clinic.connect(chain.accounts[1]);
  // a receipt holder anchors the genuine size-3 checkpoint before the clinic's first anchor
  await send(other.anchor(logId, ...args(cps.size_3.note)));
  // the clinic's pending first anchor (size 7, no proof) now reverts, changing nothing...
  await reverts(clinic.anchor(logId, ...args(cps.size_7.note)), 'InconsistentRoot');
  // ...and its tooling retries its schedule: size 3 (already anchored: succeeds, no event)
  assert.equal((await send(clinic.anchor(logId, ...args(cps.size_3.note)))).logs.length, 0);
  // then size 7, with the consistency proof from latest() read just before sending
  const [from] = await clinic.latest(logId);
  assert.equal(from, 3n);
  const seven = args(cps.size_7.note, consistency(Number(from), vectorLeaves));
  assert.deepEqual(seven[4], cons.size_3_to_7.path.map(h), 'the JS proof is the vector proof');
  // a mempool copy of that transaction mined first: the clinic's own succeeds, no second event
  await send(other.anchor(logId, ...seven));
  assert.equal((await send(clinic.anchor(logId, ...seven))).logs.length, 0);
  assert.deepEqual((await anchoredEvents(clinic)).map((l) => clinic.interface.parseLog(l).args.size), [3n, 7n]);
});

test('a proof from an older anchored size is not enough: the new tree must extend the latest (review L5)', async () => {
  // Why `anchor` takes the proof from the latest anchored size only: a tree that extends an
  // older anchored tree (3) need not extend a later one (7). Here the log key signs a fork
  // that keeps entries 0-2 and rewrites 3-6; with a proof from 3 it would replace anchored
  // entries, which the anchor exists to prevent.
  const a = await freshLog();
  await send(a.anchor(logId, ...args(cps.size_3.note)));
  await send(a.anchor(logId, ...args(cps.size_7.note, cons.size_3_to_7.path.map(h))));
  assert.equal(B.hex(mth(vectorLeaves.slice(0, 3))), h(cps.size_3.root));
  assert.equal(B.hex(mth(vectorLeaves)), h(cv.root));
  const fork = [...vectorLeaves.slice(0, 3), ...[3, 4, 5, 6, 7].map((i) => sha(Buffer.from([0]), Buffer.from(`forged ${i}`)))];
  const forkRoot = B.hex(mth(fork));
  const verifier = await deploy(chain, 'LedgerVerifier');
  assert.equal(await verifier.verifyConsistency(3, 8, h(cps.size_3.root), forkRoot, consistency(3, fork)), true, 'the fork extends 3');
  await reverts(a.anchor(logId, ...signed(8, forkRoot, consistency(3, fork))), 'InconsistentRoot');
  await reverts(a.anchor(logId, ...signed(8, forkRoot, consistency(7, fork))), 'InconsistentRoot');
  // the honest size 8 (one more entry) with its proof from 7
  const honest = [...vectorLeaves, sha(Buffer.from([0]), Buffer.from('entry 7'))];
  await send(a.anchor(logId, ...signed(8, B.hex(mth(honest)), consistency(7, honest))));
  assert.deepEqual([...await a.latest(logId)], [8n, B.hex(mth(honest))]);
});

test('an invalid point costs bounded gas: a non-subgroup signature sent with 5M gas uses < 300k (review L11)', async () => {
  const a = await freshLog();
  const p3 = args(cps.size_3.note);
  const out = B.g2OutsideSubgroup();
  const bad = [p3[0], p3[1], B.hex(B.g2Compress(out)), B.hex(B.g2Padded(out)), []];
  await reverts(a.anchor(logId, ...bad), 'BadCheckpointSignature');
  const tx = await a.anchor(logId, ...bad, { gasLimit: 5_000_000 });
  let gasUsed;
  await assert.rejects(tx.wait(), (e) => ((gasUsed = e.receipt?.gasUsed), e.receipt?.status === 0));
  recordGas('anchor with a non-subgroup signature (reverts), 5M gas limit', gasUsed);
  assert.ok(gasUsed < 300_000n, `gas used ${gasUsed}`);
  // a valid checkpoint still anchors, with no more gas than it needs
  await send(a.anchor(logId, ...p3));
  assert.deepEqual([...await a.latest(logId)], [3n, h(cps.size_3.root)]);
});

test('both inclusion views take the same Entry.hash (review L12)', async () => {
  // the main log: 3 and 7 anchored
  assert.equal(await anchor.rootAt(logId, 3), h(cps.size_3.root));
  const v3 = incl.entry_1_size_3;
  const e1 = cv.entries[1];
  assert.equal(h(v3.leaf_hash), h(e1.leaf_hash));
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 3, h(e1.hash), 1, v3.path.map(h)), true, 'entry hash at 3');
  assert.equal(await anchor.verifyInclusionAt(logId, 3, h(e1.leaf_hash), 1, v3.path.map(h)), true, 'leaf hash at 3');
  for (const e of cv.entries) {
    const path = incl[`entry_${e.sequence}_size_7`].path.map(h);
    assert.equal(await anchor.verifyInclusion(logId, h(e.hash), e.sequence, path), true);
    assert.equal(await anchor.verifyEntryInclusionAt(logId, 7, h(e.hash), e.sequence, path), true, `entry ${e.sequence} at 7`);
  }
  // a leaf hash is not an entry hash; a size never anchored; an unknown log; the wrong index
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 3, h(e1.leaf_hash), 1, v3.path.map(h)), false);
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 5, h(e1.hash), 1, incl.entry_1_size_7.path.map(h)), false);
  assert.equal(await anchor.verifyEntryInclusionAt('0x' + '22'.repeat(32), 3, h(e1.hash), 1, v3.path.map(h)), false);
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 3, h(e1.hash), 2, v3.path.map(h)), false);
});
