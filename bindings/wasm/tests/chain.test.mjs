// Proof chain: RFC 9162 proofs against the transparency-dev probes, and receipts (proof files)
// and checkpoints made by an in-memory chain, verified offline with the log's public key.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';

import * as cc from 'cipherchart';

const { Authority, BlsSigningKey, Entry, Checkpoint, Chain, Policy, ProofFile, seal } = cc;
const enc = (s) => new TextEncoder().encode(s);
const b64 = (s) => (s == null ? new Uint8Array(0) : new Uint8Array(Buffer.from(s, 'base64')));
const hex = (b) => Buffer.from(b).toString('hex');

const VECTORS = new URL('../../../tests/vectors/transparency-dev-merkle/testdata/', import.meta.url);
// The one probe that only means something with 32-byte roots (see tests/chain/merkle_vectors.rs).
const EXPRESSIBLE_ONLY_AS_32_BYTES = 'consistency/additional/sizes-are-equal-one-and-proof-is-empty.json';

function* probes(kind) {
  const walk = function* (url, rel) {
    for (const name of readdirSync(url).sort()) {
      const child = new URL(name, url);
      if (statSync(child).isDirectory()) yield* walk(new URL(`${name}/`, url), `${rel}${name}/`);
      else if (name.endsWith('.json')) yield [`${rel}${name}`, JSON.parse(readFileSync(child, 'utf8'))];
    }
  };
  yield* walk(new URL(`${kind}/`, VECTORS), `${kind}/`);
}

const outcome = (run) => {
  try {
    run();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof cc.CipherchartError, `${e}`);
    assert.ok(['verification_failed', 'invalid_argument'].includes(e.code), e.code);
    return 'err';
  }
};

test('verifyInclusion agrees with every transparency-dev inclusion probe (6 pass, 92 fail)', () => {
  const tally = { ok: 0, err: 0 };
  for (const [name, v] of probes('inclusion')) {
    const got = outcome(() => cc.verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root)));
    assert.equal(got, v.wantErr ? 'err' : 'ok', name);
    tally[got] += 1;
  }
  assert.deepEqual(tally, { ok: 6, err: 92 });
});

test('verifyConsistency agrees with every transparency-dev consistency probe (6 pass, 92 fail)', () => {
  const tally = { ok: 0, err: 0 };
  for (const [name, v] of probes('consistency')) {
    if (name === EXPRESSIBLE_ONLY_AS_32_BYTES) {
      const r = cc.leafHash(enc('x'));
      cc.verifyConsistency(1, 1, r, r, []);
      tally.ok += 1;
      continue;
    }
    const got = outcome(() => cc.verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64)));
    assert.equal(got, v.wantErr ? 'err' : 'ok', name);
    tally[got] += 1;
  }
  assert.deepEqual(tally, { ok: 6, err: 92 });
});

test('leafHash is SHA-256(0x00 || data)', async () => {
  const { createHash } = await import('node:crypto');
  const want = createHash('sha256').update(Buffer.from([0, 1, 2, 3])).digest('hex');
  assert.equal(hex(cc.leafHash(new Uint8Array([1, 2, 3]))), want);
});

// A small log: three sealed records, a checkpoint, a receipt per entry.
const hospital = Authority.setup();
const pk = hospital.publicKey();
const nurse = BlsSigningKey.generate();
const logKey = BlsSigningKey.generate();
const chain = new Chain();
const records = ['a', 'b', 'c'].map((id) => seal(pk, Policy.parse('patient:42'), enc(id), enc(''), enc(`payload ${id}`)));
records.forEach((r, i) => assert.equal(chain.appendSeal(r, 1_700_000_000 + i, nurse), i));

test('Chain: entries, roots, checkpoint', async () => {
  const { createHash } = await import('node:crypto');
  assert.equal(chain.length, 3);
  const e = chain.entry(1);
  assert.ok(e instanceof Entry);
  assert.equal(e.sequence, 1);
  assert.equal(e.time, 1_700_000_001);
  assert.equal(e.action, 'create');
  assert.equal(new TextDecoder().decode(e.subject), 'b');
  assert.equal(hex(e.digest), createHash('sha256').update(records[1].toBytes()).digest('hex'));
  assert.equal(hex(e.actor.toBytes()), hex(nurse.publicKey().toBytes()));
  assert.equal(hex(e.prev), hex(chain.entry(0).hash));
  e.verifySignature();
  assert.deepEqual(Entry.fromBytes(e.toBytes()).toBytes(), e.toBytes());
  assert.throws(() => chain.entry(3), cc.CipherchartError);

  const cp = chain.checkpoint(logKey, 'example.org/log');
  assert.equal(cp.origin, 'example.org/log');
  assert.equal(cp.size, 3);
  assert.deepEqual(cp.root, chain.root);
  cp.verify(logKey.publicKey());
  assert.throws(() => cp.verify(nurse.publicKey()), cc.VerificationFailed);
  assert.equal(Checkpoint.fromNote(cp.toNote()).toNote(), cp.toNote());
  assert.deepEqual(Checkpoint.fromBytes(cp.toBytes()).root, cp.root);
  assert.throws(() => Checkpoint.fromNote('not a note'), cc.InvalidEncoding);
});

test('receipts: proof files verify offline in every form; tampering fails', () => {
  const cp = chain.checkpoint(logKey, 'example.org/log');
  for (let i = 0; i < 3; i += 1) {
    const receipt = chain.proofFile(i, cp);
    for (const form of [
      receipt,
      ProofFile.fromText(receipt.toText()),
      ProofFile.fromBytes(receipt.toBytes()),
      ProofFile.fromTlogProof(receipt.toTlogProof()),
    ]) {
      const entry = form.verify(logKey.publicKey());
      assert.equal(entry.sequence, i);
      assert.deepEqual(entry.leafHash, chain.entry(i).leafHash);
      assert.equal(form.checkpoint.size, 3);
      assert.equal(form.entry.sequence, i);
    }
    assert.throws(() => receipt.verify(nurse.publicKey()), cc.VerificationFailed);
  }
  assert.throws(() => ProofFile.fromText('!!'), cc.InvalidEncoding);
  assert.throws(() => ProofFile.fromBytes(new Uint8Array(4)), cc.InvalidEncoding);
  const text = chain.proofFile(0, cp).toTlogProof();
  assert.throws(() => ProofFile.fromTlogProof(text.replace('index 0', 'index 1')).verify(logKey.publicKey()), cc.CipherchartError);
});

test('consistency proofs from the chain verify; wrong roots fail', () => {
  for (let old = 1; old <= 3; old += 1) {
    const path = chain.proveConsistency(old).path;
    cc.verifyConsistency(old, 3, chain.rootAt(old), chain.root, path);
  }
  const path = chain.proveConsistency(1).path;
  assert.throws(() => cc.verifyConsistency(1, 3, chain.rootAt(2), chain.root, path), cc.VerificationFailed);
  assert.throws(() => cc.verifyConsistency(0, 3, chain.rootAt(1), chain.root, path), cc.InvalidArgument);
  assert.throws(() => cc.verifyConsistency(1, 3, new Uint8Array(31), chain.root, path), cc.InvalidArgument);
  assert.throws(() => cc.verifyInclusion(new Uint8Array(32), 1.5, 3, [], chain.root), cc.InvalidArgument);
});
