// The uncompressed EIP-2537 points the library computes (Rust, arkworks: `toEip2537Bytes()`,
// through `cipherchart/ledger`'s publicKeyU / signatureU / keyArgs / anchorArgs / entryArgs)
// against the independent @noble/curves decompression of lib/bls.mjs (what calldata.mjs used
// before the library had it), on every BLS point of the conformance vectors and on points with
// both signs of y; bad points are refused with the library's InvalidEncoding.
import { test } from 'node:test';
import * as C from '../lib/calldata.mjs';
import * as cc from '../../bindings/wasm/pkg/verify/node/index.mjs';
import { vectors, blsKeys, parseNote, B, assert } from './helpers.mjs';

const bls = vectors.bls;
const cv = vectors.chain;

/** Every compressed G1 (48-byte) and G2 (96-byte) point of the vectors, hex, deduplicated. */
function vectorPoints() {
  const g1 = new Set();
  const g2 = new Set();
  for (const k of bls.keys) {
    g1.add(k.public_key);
    g2.add(k.proof_of_possession);
  }
  // signature vectors name their keys (the keys are above)
  for (const s of bls.signatures) g2.add(s.signature);
  for (const a of bls.fast_aggregate) g2.add(a.signature);
  for (const c of cv.checkpoints) parseNote(c.note).sigs.forEach((s) => g2.add(s.signature.slice(2)));
  for (const s of cv.stores) s.entries.forEach((e) => g2.add(e.slice(-192)));
  return { g1: [...g1], g2: [...g2] };
}

/** noble's answer, or null where it refuses the point. */
const noble = (f, x) => {
  try {
    return f(x);
  } catch {
    return null;
  }
};

test('every vector point: the library and @noble/curves give the same EIP-2537 bytes', () => {
  const { g1, g2 } = vectorPoints();
  assert.ok(g1.length >= 6 && g2.length >= 15 && [...g1, ...g2].every((p) => /^[0-9a-f]+$/.test(p)), `${g1.length} G1 and ${g2.length} G2 points`);
  let refused = 0;
  for (const [points, ours, theirs, Class, n] of [
    [g1, C.publicKeyU, B.g1Uncompress, cc.BlsPublicKey, 128],
    [g2, C.signatureU, B.g2Uncompress, cc.BlsSignature, 256],
  ]) {
    for (const p of points) {
      const want = noble(theirs, p);
      if (want === null) {
        // A point noble refuses (a flipped signature off the curve): the library refuses it too.
        assert.throws(() => ours(p), cc.InvalidEncoding, p);
        refused++;
        continue;
      }
      const got = ours(p);
      assert.equal(got.length, n);
      assert.deepEqual(got, want, p);
      // the method itself, on an object of the verify build
      assert.deepEqual(Class.fromBytes(B.bytes(p)).toEip2537Bytes(), want);
    }
  }
  assert.ok(refused <= 2, `${refused} refused`);
});

test('keyArgs, anchorArgs and entryArgs carry the same uncompressed points as noble', () => {
  const k = blsKeys.patient;
  const [, pkU, popU] = C.keyArgs('0x' + k.public_key, '0x' + k.proof_of_possession);
  assert.equal(pkU, B.hex(B.g1Uncompress(k.public_key)));
  assert.equal(popU, B.hex(B.g2Uncompress(k.proof_of_possession)));
  const entry = cv.stores.find((s) => s.name === 'intact').entries[3];
  assert.equal(C.entryArgs('0x' + entry)[1], B.hex(B.g2Uncompress(entry.slice(-192))));
});

test('generated points, both signs of y: the library agrees with noble', () => {
  let larger = 0;
  for (let i = 1; i <= 24; i++) {
    // (the verify build signs nothing: noble signs)
    const secret = (0x1234567n * BigInt(i) + 0xabcdefn).toString(16).padStart(64, '0');
    const sig = B.sign(secret, new TextEncoder().encode(`message ${i}`));
    assert.deepEqual(C.signatureU(sig), B.g2Uncompress(sig), `signature ${i}`);
    if (sig[0] & 0x20) larger++;
  }
  for (const k of bls.keys) {
    // -pk: the same x, the other sign
    const neg = B.bytes(k.public_key);
    neg[0] ^= 0x20;
    assert.deepEqual(C.publicKeyU(neg), B.g1Uncompress(neg));
  }
  assert.ok(larger > 0 && larger < 24, 'both signs of y among the signatures');
});

test('bad points are refused with InvalidEncoding, wrong lengths with InvalidArgument', () => {
  for (const d of bls.decode) {
    const f = d.kind === 'public_key' ? C.publicKeyU : C.signatureU;
    const len = d.kind === 'public_key' ? 48 : 96;
    const code = d.bytes.length / 2 === len ? 'invalid_encoding' : 'invalid_argument';
    assert.throws(() => f('0x' + d.bytes), (e) => e instanceof cc.CipherchartError && e.code === code, d.name);
  }
  // on the curve, outside the prime-order subgroup
  const g1 = B.g1Compress(B.g1OutsideSubgroup());
  const g2 = B.g2Compress(B.g2OutsideSubgroup());
  assert.throws(() => C.publicKeyU(g1), (e) => e instanceof cc.InvalidEncoding && e.kind === 'not_in_subgroup');
  assert.throws(() => C.signatureU(g2), (e) => e instanceof cc.InvalidEncoding && e.kind === 'not_in_subgroup');
  assert.throws(() => C.keyArgs(g1, '0x' + blsKeys.patient.proof_of_possession), cc.InvalidEncoding);
  assert.throws(() => C.entryArgs(new Uint8Array(200)), cc.InvalidEncoding);
});
