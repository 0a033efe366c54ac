// Live objects: a clinic's audit log built on the spot with cipherchart's WASM package
// (bindings/wasm/pkg, built by scripts/build-wasm), anchored every 4 entries, its receipts
// checked on chain, a rewritten history refused, and a consent granted and revoked on chain
// with the entries the library writes. Skipped (with the reason) when the package is not built.
import { test, before, after } from 'node:test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseNote, newChain, deploy, send, reverts, recordGas, printGas, B, assert } from './helpers.mjs';

const PKG = new URL('../../bindings/wasm/pkg/node/index.mjs', import.meta.url);
let cc = null;
let skip = false;
if (!existsSync(fileURLToPath(PKG))) {
  skip = 'the WASM package is not built (scripts/build-wasm); the vector tests cover the formats';
} else {
  try {
    cc = await import(PKG);
  } catch (e) {
    skip = `the WASM package does not load: ${e.message}`;
  }
}

const enc = (s) => new TextEncoder().encode(s);
const ORIGIN = 'clinic.example/audit';
const entryHash = (bytes) =>
  B.hex(createHash('sha256').update('CIPHERCHART-V01-CHAIN-ENTRY-HASH-with-SHA256').update(bytes).digest());
const keyArgsOf = (sk) => {
  const pk = sk.publicKey().toBytes();
  return [B.hex(pk), B.hex(B.g1Uncompress(pk)), B.hex(B.g2Uncompress(sk.provePossession().toBytes()))];
};
const anchorArgs = (cp, proof) => {
  const p = parseNote(cp.toNote());
  const sig = p.sigs[0].signature;
  return [p.size, p.root, sig, B.hex(B.g2Uncompress(sig)), proof.map((x) => B.hex(x))];
};

let chain, anchor, registry, logKey, clinician, logId;

before(async () => {
  if (skip) return;
  chain = await newChain();
  anchor = await deploy(chain, 'CheckpointAnchor');
  registry = await deploy(chain, 'ConsentRegistry');
  logKey = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(1));
  clinician = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(2));
  const args = keyArgsOf(logKey);
  logId = await anchor.logIdOf(ORIGIN, args[0]);
  await send(anchor.registerLog(ORIGIN, ...args));
});
after(() => {
  if (!skip) printGas('live objects');
});

/** The clinic's log: `n` read entries; entry `forged` (if given) says something else. */
function clinicLog(n, forged = -1) {
  const log = new cc.Chain();
  for (let i = 0; i < n; i++) {
    const what = i === forged ? `rec-${i} (rewritten)` : `rec-${i}`;
    log.signAndAppend(cc.EntryDraft.forPayload(1000 + i, 'read', enc(`rec-${i}`), enc(what)), clinician);
  }
  return log;
}

test('live: a clinic log anchored every 4 entries, receipts verified on chain', { skip }, async () => {
  const log = clinicLog(0);
  let anchored = 0;
  let cp;
  for (let batch = 0; batch < 3; batch++) {
    for (let i = 0; i < 4; i++) {
      const n = log.length;
      log.signAndAppend(cc.EntryDraft.forPayload(1000 + n, 'read', enc(`rec-${n}`), enc(`rec-${n}`)), clinician);
    }
    cp = log.checkpoint(logKey, ORIGIN);
    cp.verify(logKey.publicKey()); // Rust accepts it
    const proof = anchored ? log.proveConsistency(anchored).path : [];
    const r = await send(anchor.anchor(logId, ...anchorArgs(cp, proof)));
    recordGas(`anchor ${anchored} -> ${log.length} (live)`, r);
    anchored = log.length;
  }
  assert.deepEqual([...(await anchor.latest(logId))], [12n, B.hex(log.root)]);
  for (const i of [0, 5, 11]) {
    const pf = log.proofFile(i, cp);
    pf.verify(logKey.publicKey()); // the receipt verifies offline in Rust...
    const ok = await anchor.verifyInclusion(logId, entryHash(pf.entry.toBytes()), i, pf.proof.path.map((x) => B.hex(x)));
    assert.equal(ok, true, `...and on chain: entry ${i}`);
  }
  const pf = log.proofFile(3, cp);
  assert.equal(await anchor.verifyInclusion(logId, entryHash(pf.entry.toBytes()), 4, pf.proof.path.map((x) => B.hex(x))), false);
});

test('live: a history rewritten by the log key itself cannot be anchored', { skip }, async () => {
  // the same 12 entries but entry 6, re-signed from there on, then 4 more; the log key signs it
  const fork = clinicLog(16, 6);
  const cp = fork.checkpoint(logKey, ORIGIN);
  cp.verify(logKey.publicKey()); // a valid checkpoint on its own
  const [, anchoredRoot] = await anchor.latest(logId);
  assert.throws(() => cc.verifyConsistency(12, 16, B.bytes(anchoredRoot), fork.root, fork.proveConsistency(12).path),
    cc.VerificationFailed); // Rust refuses it against the anchored root...
  await reverts(anchor.anchor(logId, ...anchorArgs(cp, fork.proveConsistency(12).path)), 'InconsistentRoot'); // ...and so does the chain
  // the honest log grows on
  const honest = clinicLog(16);
  const ok = honest.checkpoint(logKey, ORIGIN);
  await send(anchor.anchor(logId, ...anchorArgs(ok, honest.proveConsistency(12).path)));
});

test('live: consent granted and revoked on chain with the entries cipherchart writes', { skip }, async () => {
  const patient = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(3));
  const token = cc.ConsentToken.issue(patient, 'patient-42', cc.Policy.parse('role:physician'), 1000, 2000, ['treatment']);
  const [pk, ...rest] = keyArgsOf(patient);
  await send(registry.registerKey(pk, ...rest));
  const log = new cc.Chain();
  const gi = log.appendGrant(token, 1100, patient);
  const grant = log.entry(gi).toBytes();
  const sigU = (bytes) => B.hex(B.g2Uncompress(bytes.slice(-96)));
  const rg = await send(registry.grant(B.hex(grant), sigU(grant)));
  recordGas('grant (live entry)', rg);
  const id = B.hex(token.revocationIds()[0]);
  assert.equal(await registry.isRevoked(id, pk), false);
  token.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)); // Rust: valid
  const ri = log.appendRevoke(token, 1200, patient);
  const revoke = log.entry(ri).toBytes();
  const rr = await send(registry.revoke(B.hex(revoke), sigU(revoke)));
  recordGas('revoke (live entry)', rr);
  assert.equal(await registry.isRevoked(id, pk), true);
  assert.throws(() => token.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)), cc.ConsentError); // Rust: revoked
});
