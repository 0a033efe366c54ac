// Every inclusion and consistency proof of the conformance vectors ("chain" group), checked
// by the contracts' RFC 6962 code on the EVM: each verifies exactly when Rust's verifier
// (tests/conformance) accepts it.
import { test, before, after } from 'node:test';
import { createHash } from 'node:crypto';
import { vectors, newChain, deploy, h, assert, recordGas, printGas, B } from './helpers.mjs';

const chainV = vectors.chain;
let chain, verifier;

before(async () => {
  chain = await newChain();
  verifier = await deploy(chain, 'LedgerVerifier');
});
after(() => printGas('RFC 6962 views, execution only'));

test('leaf hash = SHA-256(0x00 ‖ entry hash) for every vector entry', async () => {
  for (const e of chainV.entries) {
    assert.equal(await verifier.leafHash(h(e.hash)), h(e.leaf_hash), `entry ${e.sequence}`);
  }
});

test('inclusion proofs: the contract agrees with Rust on every case', async () => {
  assert.ok(chainV.inclusion_proofs.length >= 15);
  for (const v of chainV.inclusion_proofs) {
    const ok = await verifier.verifyInclusion(h(v.leaf_hash), v.index, v.size, v.path.map(h), h(v.root));
    assert.equal(ok, v.error === null, `${v.name} (Rust: ${v.error ?? 'ok'})`);
  }
});

test('consistency proofs: the contract agrees with Rust on every case', async () => {
  assert.ok(chainV.consistency_proofs.length >= 9);
  for (const v of chainV.consistency_proofs) {
    const ok = await verifier.verifyConsistency(v.old_size, v.new_size, h(v.old_root), h(v.new_root), v.path.map(h));
    assert.equal(ok, v.error === null, `${v.name} (Rust: ${v.error ?? 'ok'})`);
  }
});

test('inclusion: every single-bit change of a valid proof is refused', async () => {
  const v = chainV.inclusion_proofs.find((x) => x.name === 'entry_2_size_7');
  for (let i = 0; i < v.path.length; i++) {
    const path = v.path.map(h);
    path[i] = '0x' + (BigInt(path[i]) ^ 1n).toString(16).padStart(64, '0');
    assert.equal(await verifier.verifyInclusion(h(v.leaf_hash), v.index, v.size, path, h(v.root)), false);
  }
  // Sizes 5, 6 and 8 give this path the same shape (a proof binds a root to a size only
  // through the signed checkpoint, docs/chain.md); 4 and 9 do not.
  for (const size of [4, 9]) {
    assert.equal(await verifier.verifyInclusion(h(v.leaf_hash), v.index, size, v.path.map(h), h(v.root)), false, `size ${size}`);
  }
});

test('gas: inclusion at 10^3 and 10^6 entries (a real tree of equal leaves, paths of 10 and 20)', async () => {
  const sha = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const leaf = sha(Buffer.from([0]), Buffer.alloc(32, 7));
  for (const levels of [10, 20]) {
    // the perfect tree of 2^levels equal leaves: the audit path of leaf 0 is the subtree roots
    const path = [];
    let node = leaf;
    for (let i = 0; i < levels; i++) {
      path.push(B.hex(node));
      node = sha(Buffer.from([1]), node, node);
    }
    const args = [B.hex(leaf), 0, 2 ** levels, path, B.hex(node)];
    assert.equal(await verifier.verifyInclusion(...args), true);
    const data = verifier.interface.encodeFunctionData('verifyInclusion', args);
    const r = await chain.call({ to: await verifier.getAddress(), data });
    assert.ok(r.ok);
    recordGas(`verifyInclusion, ${levels}-hash path (size 2^${levels})`, r.gasUsed);
  }
});
