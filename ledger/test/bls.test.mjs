// BLS on chain: hash to G2 (RFC 9380 over the SHA-256, MODEXP, MAP_FP2_TO_G2 and G2ADD
// precompiles) equals cipherchart's, every signature vector verifies exactly when Rust
// accepts it, every proof of possession registers, and identity, non-subgroup, mismatched or
// malformed points are refused.
import { test, before, after } from 'node:test';
import { vectors, blsKeys, keyArgs, newChain, deploy, send, reverts, recordGas, printGas, h, utf8, B, assert } from './helpers.mjs';

let chain, verifier, registry;

before(async () => {
  chain = await newChain();
  verifier = await deploy(chain, 'LedgerVerifier');
  registry = await deploy(chain, 'ConsentRegistry');
});
after(() => printGas('BLS views, execution only'));

test('hash to G2 equals RFC 9380 hash_to_curve (as cipherchart signs)', async () => {
  const cases = [
    ['', B.SIG_DST],
    ['abc', B.SIG_DST],
    ['a'.repeat(300), B.SIG_DST],
    ['q128_' + 'q'.repeat(128), 'QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_'],
    ['key bytes', B.POP_DST],
  ];
  for (const [msg, dst] of cases) {
    const got = await verifier.hashToG2(B.hex(utf8(msg)), B.hex(utf8(dst)));
    assert.equal(got, B.hex(B.hashToG2Padded(utf8(msg), dst)), `${msg.slice(0, 10)} / ${dst}`);
  }
});

test('hash to G2: DST lengths as RFC 9380 and noble (empty refused, 1-255 bytes as is, longer hashed) (review L7)', async () => {
  const msg = B.hex(utf8('abc'));
  // §3.1: a DST MUST have nonzero length; noble refuses it too
  assert.throws(() => B.hashToG2Padded(utf8('abc'), new Uint8Array()), /DST/);
  await reverts(verifier.hashToG2(msg, '0x'), 'InvalidDst');
  // 1 and 255 bytes: used as they are; 256 and 300: §5.3.3's DST = H("H2C-OVERSIZE-DST-" ‖ DST)
  for (const n of [1, 255, 256, 300]) {
    const dst = new Uint8Array(n).fill(0x41 + (n % 7));
    assert.equal(await verifier.hashToG2(msg, B.hex(dst)), B.hex(B.hashToG2Padded(utf8('abc'), dst)), `DST of ${n} bytes`);
  }
});

test('hash to G2: RFC 9380 appendix J.10.1 vector (msg "abc")', async () => {
  // BLS12381G2_XMD:SHA-256_SSWU_RO_, DST QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_
  const got = await verifier.hashToG2(B.hex(utf8('abc')), B.hex(utf8('QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_')));
  const fe = (i) => got.slice(2 + 128 * i + 32, 2 + 128 * (i + 1));
  assert.equal(fe(0), '02c2d18e033b960562aae3cab37a27ce00d80ccd5ba4b7fe0e7a210245129dbec7780ccc7954725f4168aff2787776e6');
  assert.equal(fe(1), '139cddbccdc5e91b9623efd38c49f81a6f83f175e80b06fc374de9eb4b41dfe4ca3a230ed250fbe3a2acf73a41177fd8');
  assert.equal(fe(2), '1787327b68159716a37440985269cf584bcb1e621d3a7202be6ea05c4cfe244aeb197642555a0645fb87bf7466b2ba48');
  assert.equal(fe(3), '00aa65dae3c8d732d10ecd2c50f8a1baf3001578f71c694e03866e9f3d49ac1e1ce70dd94a733534f106d4cec0eddd16');
});

test('signature vectors: the contract agrees with Rust on every case', async () => {
  assert.ok(vectors.bls.signatures.length >= 5);
  for (const v of vectors.bls.signatures) {
    const [pk, pkU] = keyArgs(v.public_key);
    const ok = await verifier.verifySignature(pk, pkU, h(v.message), h(v.signature), B.hex(B.g2Uncompress(v.signature)));
    assert.equal(ok, v.error === null, `${v.name} (Rust: ${v.error ?? 'ok'})`);
  }
});

test('every vector key registers with its proof of possession; a wrong PoP is refused', async () => {
  for (const name of Object.keys(blsKeys)) {
    const r = await send(registry.registerKey(...keyArgs(name)));
    assert.equal(r.logs.length, 1, name);
  }
  // idempotent
  const again = await send(registry.registerKey(...keyArgs('patient')));
  assert.equal(again.logs.length, 0);
  // another key's PoP, and the key's signature under SIG_DST over its own bytes (not a PoP)
  const fresh = await deploy(chain, 'ConsentRegistry');
  const [pk, pkU] = keyArgs('patient');
  const [, , otherPop] = keyArgs('mallory');
  await reverts(fresh.registerKey(pk, pkU, otherPop), 'InvalidProofOfPossession');
  const sigDstPop = B.sign(blsKeys.patient.secret_key, B.bytes(blsKeys.patient.public_key), B.SIG_DST);
  await reverts(fresh.registerKey(pk, pkU, B.hex(B.g2Uncompress(sigDstPop))), 'InvalidProofOfPossession');
  // the uncompressed form of another key
  await reverts(fresh.registerKey(pk, keyArgs('mallory')[1], keyArgs('patient')[2]), 'InvalidPublicKey');
});

test('an invalid proof of possession costs bounded gas: non-subgroup, sent with 5M gas, uses < 300k (review L11)', async () => {
  const fresh = await deploy(chain, 'ConsentRegistry');
  const [pk, pkU] = keyArgs('patient');
  const badPop = B.hex(B.g2Padded(B.g2OutsideSubgroup()));
  await reverts(fresh.registerKey(pk, pkU, badPop), 'InvalidProofOfPossession');
  const tx = await fresh.registerKey(pk, pkU, badPop, { gasLimit: 5_000_000 });
  let gasUsed;
  await assert.rejects(tx.wait(), (e) => ((gasUsed = e.receipt?.gasUsed), e.receipt?.status === 0));
  recordGas('registerKey with a non-subgroup PoP (reverts), 5M gas limit', gasUsed);
  assert.ok(gasUsed < 300_000n, `gas used ${gasUsed}`);
  // and the stateless view answers false within bounded gas too
  const v = vectors.bls.signatures.find((s) => s.name === 'valid');
  const out = B.g2OutsideSubgroup();
  const data = verifier.interface.encodeFunctionData('verifySignature', [pk, pkU, h(v.message), B.hex(B.g2Compress(out)), B.hex(B.g2Padded(out))]);
  const r = await chain.call({ to: await verifier.getAddress(), data, gas: 5_000_000 });
  assert.ok(r.ok);
  assert.ok(r.gasUsed < 300_000n, `view gas ${r.gasUsed}`);
  await send(fresh.registerKey(...keyArgs('patient')));
});

test('identity, non-subgroup and mismatched public keys are refused', async () => {
  const fresh = await deploy(chain, 'ConsentRegistry');
  const [, , pop] = keyArgs('patient');
  const decode = Object.fromEntries(vectors.bls.decode.map((d) => [d.name, d]));
  // the compressed identity (Rust: identity_point), with the all-zero uncompressed identity
  await reverts(fresh.registerKey(h(decode.pk_identity.bytes), B.hex(new Uint8Array(128)), pop), 'InvalidPublicKey');
  // compression flag cleared (Rust: invalid_point)
  const [, pkU] = keyArgs('patient');
  await reverts(fresh.registerKey(h(decode.pk_uncompressed_flag.bytes), pkU, pop), 'InvalidPublicKey');
  // x = 0 with flags "compressed, sign 0" and the all-zero (identity) uncompressed form
  const zeroX = new Uint8Array(48);
  zeroX[0] = 0x80;
  await reverts(fresh.registerKey(B.hex(zeroX), B.hex(new Uint8Array(128)), pop), 'InvalidPublicKey');
  // a point on the curve outside G1: consistent encodings, refused by the pairing precompile
  const out = B.g1OutsideSubgroup();
  await reverts(fresh.registerKey(B.hex(B.g1Compress(out)), B.hex(B.g1Padded(out)), pop), 'InvalidProofOfPossession');
  // the right point with its sign bit flipped
  const flipped = B.bytes(blsKeys.patient.public_key);
  flipped[0] ^= 0x20;
  await reverts(fresh.registerKey(B.hex(flipped), pkU, pop), 'InvalidPublicKey');
  // wrong lengths
  await reverts(fresh.registerKey(h(decode.pk_truncated.bytes), pkU, pop), 'InvalidPublicKey');
});

test('identity, non-subgroup and mismatched signatures are refused', async () => {
  const v = vectors.bls.signatures.find((s) => s.name === 'valid');
  const [pk, pkU] = keyArgs('patient');
  const sigU = B.g2Uncompress(v.signature);
  const check = (sig, sigU2) => verifier.verifySignature(pk, pkU, h(v.message), B.hex(sig), B.hex(sigU2));
  assert.equal(await check(B.bytes(v.signature), sigU), true);
  const decode = Object.fromEntries(vectors.bls.decode.map((d) => [d.name, d]));
  // the identity signature (Rust: identity_point), both encodings
  assert.equal(await check(B.bytes(decode.sig_identity.bytes), new Uint8Array(256)), false);
  const zeroX = new Uint8Array(96);
  zeroX[0] = 0x80;
  assert.equal(await check(zeroX, new Uint8Array(256)), false);
  // not on the curve (Rust: invalid_point) with the valid uncompressed point
  assert.equal(await check(B.bytes(decode.sig_not_on_curve.bytes), sigU), false);
  // trailing byte (Rust: trailing_bytes)
  assert.equal(await check(B.bytes(decode.sig_trailing.bytes), sigU), false);
  // a point of the twist outside G2: consistent encodings, refused by the pairing precompile
  const out = B.g2OutsideSubgroup();
  assert.equal(await check(B.g2Compress(out), B.g2Padded(out)), false);
  // sign bit flipped: the compressed form names -sig
  const flipped = B.bytes(v.signature);
  flipped[0] ^= 0x20;
  assert.equal(await check(flipped, sigU), false);
  // the negated signature given consistently: a different point, fails the pairing
  const neg = B.g2Uncompress(B.hex(flipped));
  assert.equal(await check(flipped, neg), false);
  // uncompressed with a non-zero padding byte
  const padded = sigU.slice();
  padded[0] = 1;
  assert.equal(await check(B.bytes(v.signature), padded), false);
  // the uncompressed point of another signature
  const other = vectors.bls.signatures.find((s) => s.name === 'valid_empty_message');
  assert.equal(await check(B.bytes(v.signature), B.g2Uncompress(other.signature)), false);
});

test('gas: one BLS verification (hash to G2 + pairing check), execution only', async () => {
  const v = vectors.bls.signatures.find((s) => s.name === 'valid');
  const [pk, pkU] = keyArgs('patient');
  const addr = await verifier.getAddress();
  const data = verifier.interface.encodeFunctionData('verifySignature', [pk, pkU, h(v.message), h(v.signature), B.hex(B.g2Uncompress(v.signature))]);
  const r = await chain.call({ to: addr, data });
  assert.ok(r.ok);
  recordGas('verifySignature (22-byte message)', r.gasUsed);
  const hd = verifier.interface.encodeFunctionData('hashToG2', [h(v.message), B.hex(utf8(B.SIG_DST))]);
  const r2 = await chain.call({ to: addr, data: hd });
  recordGas('hashToG2 alone (22-byte message)', r2.gasUsed);
});
