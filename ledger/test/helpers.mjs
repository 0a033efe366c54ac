// Shared by the ledger tests: the conformance vectors, a fresh in-process chain, deployment,
// revert checks and the gas table.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { deploy as deployContract, revertName } from '../lib/contracts.mjs';
import { InProcessChain } from '../lib/evm.mjs';
import * as B from '../lib/bls.mjs';
import { keyArgs as keyArgsOf } from '../lib/calldata.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const VECTORS_PATH = join(here, '..', '..', 'tests', 'vectors', 'cipherchart-v2.json');
export const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
export const blsKeys = Object.fromEntries(vectors.bls.keys.map((k) => [k.name, k]));
export const h = (s) => '0x' + s.replace(/^0x/, '');
export const utf8 = (s) => new TextEncoder().encode(s);

/** The public key of a vector key: compressed hex, uncompressed hex, PoP uncompressed hex. */
export function keyArgs(name) {
  const k = blsKeys[name];
  return keyArgsOf(h(k.public_key), h(k.proof_of_possession));
}

/** A checkpoint note parsed: origin, size, root (hex), and its signature lines. */
export function parseNote(note) {
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const [origin, size, rootB64] = text.split('\n');
  const sigs = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, name, b64] = line.match(/^\u2014 (\S+) (\S+)$/);
      const blob = Buffer.from(b64, 'base64');
      return { name, keyId: B.hex(blob.subarray(0, 4)), signature: B.hex(blob.subarray(4)) };
    });
  return { text, origin, size: BigInt(size), root: B.hex(Buffer.from(rootB64, 'base64')), sigs };
}

/** The note text cipherchart signs for (origin, size, root), and the log's signature over it. */
export function signCheckpoint(origin, size, rootHex, secretKey) {
  const root = Buffer.from(rootHex.replace(/^0x/, ''), 'hex').toString('base64');
  const text = `${origin}\n${size}\n${root}\n`;
  const tag = utf8('CIPHERCHART-V01-CHECKPOINT-SIG');
  const msg = new Uint8Array([0, 0, 0, tag.length, ...tag, ...utf8(text)]);
  return B.hex(B.sign(secretKey, msg));
}

export async function newChain() {
  return InProcessChain.create(3);
}

export async function deploy(chain, name, signer = chain.accounts[0]) {
  return deployContract(signer, name);
}

/** Sends a transaction and returns its mined receipt (throws if it reverted). */
export async function send(promise) {
  const tx = await promise;
  const r = await tx.wait();
  assert.equal(r.status, 1);
  return r;
}

/** The call reverts with the custom error `name` (checked at estimation, as a wallet would). */
export async function reverts(promise, name) {
  await assert.rejects(promise, (e) => {
    const got = revertName(e);
    assert.equal(got, name, `expected revert ${name}, got ${got}`);
    return true;
  });
}

/** Gas per operation, printed at the end of each file that records some. */
export const gas = new Map();
export function recordGas(op, receipt) {
  gas.set(op, receipt.gasUsed ?? receipt);
}
export function printGas(title) {
  const rows = [...gas.entries()].map(([op, g]) => `  ${op.padEnd(58)} ${String(g).padStart(9)}`);
  console.log(`gas (${title}):\n${rows.join('\n')}`);
}

export { B, assert, revertName };
