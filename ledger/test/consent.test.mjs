// The consent registry against cipherchart's own grant and revoke entries (the "intact" store
// of the conformance vectors: entry 3 grants and entry 5 revokes the block of the token
// basic_valid, both signed by the patient). A revocation counts only with the patient's BLS
// signature over it, per (revocation id, key) as Rust's RevocationSet.
import { test, before, after } from 'node:test';
import { createHash } from 'node:crypto';
import { keccak256 } from 'ethers';
import { entryArgs } from '../lib/calldata.mjs';
import {
  vectors, blsKeys, keyArgs, newChain, deploy, send, reverts, recordGas, printGas, h, utf8, B, assert,
} from './helpers.mjs';

const store = vectors.chain.stores.find((s) => s.name === 'intact').entries;
const byteFlipped = vectors.chain.stores.find((s) => s.name === 'entry_5_byte_flipped').entries[5];
const token = vectors.consent.tokens.find((t) => t.name === 'basic_valid');
const GRANT = store[3];
const REVOKE = store[5];
const ID = h(token.revocation_ids[0]);
const sigU = (entryHex) => entryArgs(entryHex)[1];

/** A cipherchart entry (tag 0x30) signed by `signer` (docs/formats.md, "Proof-chain entry"). */
function makeEntry({ sequence = 0n, prev = new Uint8Array(32), time, actor, action, subject, digest, metadata = new Uint8Array() }, signer) {
  const be = (n, v) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(v)); return b.subarray(8 - n); };
  const body = Buffer.concat([
    Buffer.from([1]), be(8, sequence), Buffer.from(prev), be(8, time), Buffer.from(B.bytes(actor)),
    be(2, action), be(4, subject.length), Buffer.from(subject), Buffer.from(digest), be(4, metadata.length), Buffer.from(metadata),
  ]);
  const tag = utf8('CIPHERCHART-V01-CHAIN-ENTRY-SIG');
  const sig = B.sign(blsKeys[signer].secret_key, Buffer.concat([be(4, tag.length), Buffer.from(tag), body]));
  return B.hex(Buffer.concat([Buffer.from('43433002', 'hex'), body, Buffer.from(sig)]));
}

let chain, reg;

before(async () => {
  chain = await newChain();
  reg = await deploy(chain, 'ConsentRegistry');
});
after(() => printGas('ConsentRegistry'));

test('the vector entries are what the registry expects (grant/revoke of the token block, by the patient)', () => {
  const g = Buffer.from(GRANT, 'hex');
  const r = Buffer.from(REVOKE, 'hex');
  assert.equal(g.readUInt16BE(101), 6);
  assert.equal(r.readUInt16BE(101), 7);
  assert.equal(B.hex(g.subarray(107, 139)), ID, 'subject = the token block revocation id');
  assert.equal(B.hex(r.subarray(107, 139)), ID);
  assert.equal(g.subarray(53, 101).toString('hex'), blsKeys.patient.public_key);
  assert.equal(B.hex(g.subarray(139, 171)), '0x' + createHash('sha256').update(Buffer.from(token.bytes, 'hex')).digest('hex'),
    'grant digest = SHA-256 of the token');
  // JS builds and signs entries byte for byte as cipherchart
  const again = makeEntry({
    sequence: 3n, prev: g.subarray(13, 45), time: g.readBigUInt64BE(45), actor: blsKeys.patient.public_key, action: 6,
    subject: g.subarray(107, 139), digest: g.subarray(139, 171),
  }, 'patient');
  assert.equal(again, '0x' + GRANT);
});

test('an entry by an unregistered key is refused', async () => {
  await reverts(reg.grant('0x' + GRANT, sigU(GRANT)), 'UnknownKey');
});

test('grant: a patient-signed grant entry is recorded once, with its event', async () => {
  const r0 = await send(reg.registerKey(...keyArgs('patient')));
  recordGas('registerKey (48-byte key + PoP check)', r0);
  await send(reg.registerKey(...keyArgs('mallory')));
  await send(reg.registerKey(...keyArgs('hospital_h2')));
  await reverts(reg.grant('0x' + REVOKE, sigU(REVOKE)), 'WrongAction');
  await reverts(reg.grant('0x' + store[0], sigU(store[0])), 'MalformedEntry'); // a create entry, 5-byte subject
  const r = await send(reg.grant('0x' + GRANT, sigU(GRANT)));
  recordGas('grant (271-byte entry, BLS signature checked)', r);
  const ev = reg.interface.parseLog(r.logs[0]);
  assert.equal(ev.name, 'Granted');
  assert.equal(ev.args.revocationId, ID);
  assert.equal(ev.args.entryHash, h(vectors.chain.entries[3].hash), 'the entry hash of the log');
  assert.equal(ev.args.time, 1003n);
  await reverts(reg.grant('0x' + GRANT, sigU(GRANT)), 'AlreadyGranted');
  const [pk] = keyArgs('patient');
  const c = await reg.consentOf(ID, pk);
  assert.equal(c.status, 1n);
  assert.equal(await reg.isRevoked(ID, pk), false);
});

test('revoke: refused without the patient signature over exactly that entry', async () => {
  const [pk] = keyArgs('patient');
  await reverts(reg.revoke('0x' + GRANT, sigU(GRANT)), 'WrongAction');
  // Rust: entry_5_byte_flipped (a signed field changed) fails verification
  await reverts(reg.revoke('0x' + byteFlipped, sigU(byteFlipped)), 'BadEntrySignature');
  // the uncompressed form of another signature; a compressed form that does not match
  await reverts(reg.revoke('0x' + REVOKE, sigU(GRANT)), 'BadEntrySignature');
  const flipped = Buffer.from(REVOKE, 'hex');
  flipped[flipped.length - 96] ^= 0x20;
  await reverts(reg.revoke(B.hex(flipped), sigU(REVOKE)), 'BadEntrySignature');
  // the patient's actor field with mallory's signature
  const g = Buffer.from(REVOKE, 'hex');
  const fields = {
    sequence: 5n, prev: g.subarray(13, 45), time: g.readBigUInt64BE(45), actor: blsKeys.patient.public_key, action: 7,
    subject: g.subarray(107, 139), digest: g.subarray(139, 171),
  };
  const forged = makeEntry(fields, 'mallory');
  await reverts(reg.revoke(forged, sigU(forged.slice(2))), 'BadEntrySignature');
  // truncated, trailing byte
  await reverts(reg.revoke('0x' + REVOKE.slice(0, -2), sigU(REVOKE)), 'MalformedEntry');
  assert.equal(await reg.isRevoked(ID, pk), false);
});

test('an entry with more metadata than Rust reads (65,537 bytes) is malformed (review L1)', async () => {
  const g = Buffer.from(REVOKE, 'hex');
  const big = makeEntry({
    sequence: 9n, time: 1700n, actor: blsKeys.patient.public_key, action: 7,
    subject: g.subarray(107, 139), digest: g.subarray(139, 171), metadata: new Uint8Array(65537),
  }, 'patient');
  await reverts(reg.revoke(big, sigU(big.slice(2))), 'MalformedEntry');
});

test("a stranger's revocation changes nothing for the patient's consent", async () => {
  const g = Buffer.from(REVOKE, 'hex');
  const byMallory = makeEntry({
    sequence: 9n, time: 1600n, actor: blsKeys.mallory.public_key, action: 7, subject: g.subarray(107, 139), digest: g.subarray(139, 171),
  }, 'mallory');
  await send(reg.revoke(byMallory, sigU(byMallory.slice(2))));
  assert.equal(await reg.isRevoked(ID, keyArgs('mallory')[0]), true);
  assert.equal(await reg.isRevoked(ID, keyArgs('patient')[0]), false);
});

test("revoke: the patient's revoke entry revokes, once (Rust: revocation_from_chain = revoked)", async () => {
  const [pk] = keyArgs('patient');
  const r = await send(reg.revoke('0x' + REVOKE, sigU(REVOKE)));
  recordGas('revoke (271-byte entry, BLS signature checked)', r);
  const ev = reg.interface.parseLog(r.logs[0]);
  assert.equal(ev.name, 'Revoked');
  assert.equal(ev.args.revocationId, ID);
  assert.equal(ev.args.patientKey, keccak256(pk), 'keys are named by keccak256 of the 48 bytes');
  assert.equal(ev.args.entryHash, h(vectors.chain.entries[5].hash));
  assert.equal(await reg.isRevoked(ID, pk), true);
  assert.equal(vectors.chain.revocation_from_chain.detail, 'revoked');
  await reverts(reg.revoke('0x' + REVOKE, sigU(REVOKE)), 'AlreadyRevoked');
  await reverts(reg.grant('0x' + GRANT, sigU(GRANT)), 'AlreadyRevoked');
  const c = await reg.consentOf(ID, pk);
  assert.equal(c.status, 2n);
  assert.equal(c.revokeTime, 1005n);
});

test('a revocation without a recorded grant is accepted (the token was never on chain)', async () => {
  const fresh = await deploy(chain, 'ConsentRegistry');
  await send(fresh.registerKey(...keyArgs('patient')));
  const r = await send(fresh.revoke('0x' + REVOKE, sigU(REVOKE)));
  recordGas('revoke without a prior grant (first write of the slot)', r);
  assert.equal(await fresh.isRevoked(ID, keyArgs('patient')[0]), true);
  // review L10: the stored digest is the grant entry's; with no grant recorded it stays zero
  const c = await fresh.consentOf(ID, keyArgs('patient')[0]);
  assert.deepEqual([c.status, c.grantTime, c.revokeTime, c.tokenDigest], [2n, 0n, 1005n, '0x' + '00'.repeat(32)]);
});

test("events name the entry's actor and digest field, whatever they are (review L10)", async () => {
  // A revoke entry made from the id alone (Rust RevocationId::revoke_entry): its digest is
  // SHA-256 of the id, not of a token; the event's `tokenDigest` is that field as is. Its
  // actor here is a holder (hospital_h2), not the patient: `patientKey` is the actor's key.
  const fresh = await deploy(chain, 'ConsentRegistry');
  await send(fresh.registerKey(...keyArgs('hospital_h2')));
  const id = Buffer.from(token.revocation_ids[0], 'hex');
  const idDigest = createHash('sha256').update(id).digest();
  const e = makeEntry({ time: 1700n, actor: blsKeys.hospital_h2.public_key, action: 7, subject: id, digest: idDigest }, 'hospital_h2');
  const r = await send(fresh.revoke(e, sigU(e.slice(2))));
  const ev = fresh.interface.parseLog(r.logs[0]);
  assert.equal(ev.args.patientKey, keccak256(keyArgs('hospital_h2')[0]), 'the actor, a holder');
  assert.equal(ev.args.tokenDigest, B.hex(idDigest), "the entry's digest: SHA-256 of the id");
  assert.equal(ev.args.entryHash, '0x' + createHash('sha256').update(Buffer.concat([utf8('CIPHERCHART-V01-CHAIN-ENTRY-HASH-with-SHA256'), B.bytes(e)])).digest('hex'));
  const c = await fresh.consentOf(ID, keyArgs('hospital_h2')[0]);
  assert.deepEqual([c.status, c.grantTime, c.revokeTime, c.tokenDigest], [2n, 0n, 1700n, '0x' + '00'.repeat(32)]);
  assert.equal(await fresh.isRevoked(ID, keyArgs('patient')[0]), false);
});
