// `cipherchart/ledger` as a user gets it: through the exports map, ESM (and require(esm)), over
// the verify-only build, with the EIP-2537 forms computed by the library (`toEip2537Bytes()` in
// both builds). The calldata itself is tested against the contracts in ledger/test/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import * as cc from 'cipherchart';
import * as L from 'cipherchart/ledger';
import * as v from 'cipherchart/verify';

const require = createRequire(import.meta.url);
const pkgDir = new URL('../pkg/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', pkgDir), 'utf8'));
const hex = (b) => Buffer.from(b).toString('hex');

// The G1 generator as EIP-2537 writes it (secret key 1).
const G1 = '00'.repeat(16) + '17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb'
  + '00'.repeat(16) + '08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1';

test('cipherchart/ledger exports the calldata API, in ESM and through require(esm)', () => {
  const names = ['anchorArgs', 'anchorArgsAfter', 'anchoredNote', 'bytesOf', 'checkpointSignature', 'decodeConsent',
    'decodeEvent', 'decodeEvents', 'decodeLatest', 'entryArgs', 'hex', 'inclusionArgs', 'keyArgs', 'publicKeyU',
    'receiptAtArgs', 'revocationIds', 'revokedOnChain', 'signatureU'];
  assert.deepEqual(Object.keys(L).sort(), names);
  const viaRequire = require('cipherchart/ledger');
  assert.equal(viaRequire.keyArgs, L.keyArgs, 'one module instance');
  assert.deepEqual(Object.keys(manifest.exports['./ledger']), ['types', 'default']);
});

test('the module reaches the verify build only, through #cipherchart-verify, in Node and elsewhere', async () => {
  const src = readFileSync(new URL('ledger/index.js', pkgDir), 'utf8');
  const specifiers = [...src.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  assert.deepEqual(specifiers, ['#cipherchart-verify'], 'no other import, no dependency');
  const imported = src.match(/import \{([^}]+)\} from '#cipherchart-verify'/)[1].split(',').map((s) => s.trim()).filter(Boolean);
  const targets = manifest.imports['#cipherchart-verify'];
  assert.deepEqual(targets, { node: './verify/node/index.mjs', default: './verify/web/index.js' });
  for (const t of Object.values(targets)) {
    const mod = await import(new URL(t, pkgDir));
    for (const name of imported) assert.equal(typeof mod[name], 'function', `${t} exports ${name}`);
  }
  // Under Node, the classes it throws are cipherchart/verify's
  assert.throws(() => L.keyArgs('0x00', '0x00'), (e) => e instanceof v.InvalidArgument && e.code === 'invalid_argument');
});

test('toEip2537Bytes in both builds: the generator, and x as the compressed form gives it', () => {
  const sk = cc.BlsSigningKey.fromSecretBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0)));
  const pk = sk.publicKey();
  assert.equal(hex(pk.toEip2537Bytes()), G1);
  assert.equal(hex(v.BlsPublicKey.fromBytes(pk.toBytes()).toEip2537Bytes()), G1);
  const sig = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(7)).sign(new TextEncoder().encode('m'));
  const u = sig.toEip2537Bytes();
  const x = sig.toBytes();
  x[0] &= 0x1f;
  assert.equal(u.length, 256);
  assert.deepEqual(u.subarray(16, 64), x.subarray(48), 'x.c0');
  assert.deepEqual(u.subarray(80, 128), x.subarray(0, 48), 'x.c1');
  for (let i = 0; i < 256; i += 64) assert.deepEqual(u.subarray(i, i + 16), new Uint8Array(16), `padding at ${i}`);
  assert.deepEqual(v.BlsSignature.fromBytes(sig.toBytes()).toEip2537Bytes(), u);
  assert.deepEqual(L.signatureU(sig), u);
  assert.deepEqual(L.publicKeyU(pk), pk.toEip2537Bytes());
});

test('objects of the full build fit: keyArgs and anchorArgs from live objects', () => {
  const logKey = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(1));
  const [pk, pkU, popU] = L.keyArgs(logKey.publicKey(), logKey.provePossession());
  assert.equal(pk, `0x${hex(logKey.publicKey().toBytes())}`);
  assert.equal(pkU, `0x${hex(logKey.publicKey().toEip2537Bytes())}`);
  assert.equal(popU, `0x${hex(logKey.provePossession().toEip2537Bytes())}`);
  const chain = new cc.Chain();
  const author = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(2));
  for (let i = 0; i < 3; i++) {
    chain.signAndAppend(cc.EntryDraft.forPayload(1000 + i, 'read', new Uint8Array([i]), new Uint8Array([i])), author);
  }
  const cp = chain.checkpoint(logKey, 'clinic.example/audit');
  const [size, root, sig, sigU, proof] = L.anchorArgs(cp);
  assert.equal(size, 3n);
  assert.equal(root, `0x${hex(chain.root)}`);
  assert.equal(sig, `0x${hex(cp.signatures[0].signature)}`);
  assert.equal(sigU, `0x${hex(cc.BlsSignature.fromBytes(cp.signatures[0].signature).toEip2537Bytes())}`);
  assert.deepEqual(proof, []);
});
