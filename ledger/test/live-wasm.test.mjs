// Live objects: a clinic's audit log built on the spot with cipherchart's WASM package
// (bindings/wasm/pkg, built by scripts/build-wasm), anchored every 4 entries, its receipts
// checked on chain, a rewritten history refused, and a consent granted and revoked on chain
// with the entries the library writes. Skipped (with the reason) when the package is not built.
import { test, before, after } from 'node:test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newChain, deploy, send, reverts, recordGas, printGas, B, assert } from './helpers.mjs';
import * as C from '../lib/calldata.mjs';

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
const keyArgsOf = (sk) => C.keyArgs(sk.publicKey(), sk.provePossession());

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
  const r = await send(anchor.registerLog(ORIGIN, ...args));
  const evs = C.decodeEvents(anchor.interface, r);
  assert.deepEqual(evs.map((e) => e.event), ['KeyRegistered', 'LogRegistered']);
  assert.equal(C.hex(evs[1].logId), logId);
  assert.equal(evs[1].origin, ORIGIN);
  assert.deepEqual(evs[1].keyId, cc.keyId(ORIGIN, logKey.publicKey()), "the C2SP key id of the log's notes");
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
    const proof = anchored ? log.proveConsistency(anchored) : null;
    const r = await send(anchor.anchor(logId, ...C.anchorArgs(cp, proof)));
    recordGas(`anchor ${anchored} -> ${log.length} (live)`, r);
    // the event gives back the checkpoint cipherchart signed, byte for byte
    const [ev] = C.decodeEvents(anchor.interface, r);
    assert.equal(ev.event, 'Anchored');
    assert.equal(ev.size, log.length);
    const back = cc.Checkpoint.fromNote(C.anchoredNote(ORIGIN, ev));
    assert.equal(back.toNote(), cp.toNote());
    back.verify(logKey.publicKey());
    anchored = log.length;
  }
  assert.deepEqual(C.decodeLatest(await anchor.latest(logId)), { size: 12, root: log.root });
  for (const i of [0, 5, 11]) {
    const pf = log.proofFile(i, cp);
    pf.verify(logKey.publicKey()); // the receipt verifies offline in Rust...
    const again = cc.ProofFile.fromText(pf.toText()); // a receipt as the patient would hand it over
    assert.equal(await anchor.verifyInclusion(logId, ...C.inclusionArgs(again)), true, `...and on chain: entry ${i}`);
    assert.equal(await anchor.verifyInclusionAt(logId, ...C.receiptAtArgs(again)), true, `at its own size: entry ${i}`);
  }
  const pf = log.proofFile(3, cp);
  const [eh, , p] = C.inclusionArgs(pf);
  assert.equal(await anchor.verifyInclusion(logId, eh, 4, p), false);
});

test('live: a history rewritten by the log key itself cannot be anchored', { skip }, async () => {
  // the same 12 entries but entry 6, re-signed from there on, then 4 more; the log key signs it
  const fork = clinicLog(16, 6);
  const cp = fork.checkpoint(logKey, ORIGIN);
  cp.verify(logKey.publicKey()); // a valid checkpoint on its own
  const [, anchoredRoot] = await anchor.latest(logId);
  assert.throws(() => cc.verifyConsistency(12, 16, B.bytes(anchoredRoot), fork.root, fork.proveConsistency(12).path),
    cc.VerificationFailed); // Rust refuses it against the anchored root...
  await reverts(anchor.anchor(logId, ...C.anchorArgs(cp, fork.proveConsistency(12))), 'InconsistentRoot'); // ...and so does the chain
  // the honest log grows on
  const honest = clinicLog(16);
  const ok = honest.checkpoint(logKey, ORIGIN);
  await send(anchor.anchor(logId, ...C.anchorArgs(ok, honest.proveConsistency(12))));
});

test('live: consent granted and revoked on chain with the entries cipherchart writes', { skip }, async () => {
  const patient = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(3));
  const token = cc.ConsentToken.issue(patient, 'patient-42', cc.Policy.parse('role:physician'), 1000, 2000, ['treatment']);
  const [pk, ...rest] = keyArgsOf(patient);
  await send(registry.registerKey(pk, ...rest));
  const log = new cc.Chain();
  const gi = log.appendGrant(token, 1100, patient);
  const rg = await send(registry.grant(...C.entryArgs(log.entry(gi))));
  recordGas('grant (live entry)', rg);
  const [granted] = C.decodeEvents(registry.interface, rg);
  assert.equal(granted.event, 'Granted');
  assert.deepEqual(granted.entryHash, log.entry(gi).hash);
  assert.equal(granted.time, 1100);
  const [id] = C.revocationIds(token);
  assert.equal(await registry.isRevoked(id, pk), false);
  assert.equal(await C.revokedOnChain(registry, token), null);
  assert.equal(C.decodeConsent(await registry.consentOf(id, pk)).status, 'granted');
  token.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)); // Rust: valid
  const ri = log.appendRevoke(token, 1200, patient);
  const rr = await send(registry.revoke(...C.entryArgs(log.entry(ri))));
  recordGas('revoke (live entry)', rr);
  assert.equal(await registry.isRevoked(id, pk), true);
  const hit = await C.revokedOnChain(registry, token);
  assert.equal(C.hex(hit.revocationId), id);
  assert.equal(C.hex(hit.publicKey), pk);
  assert.deepEqual(C.decodeConsent(await registry.consentOf(id, pk)), {
    status: 'revoked', grantTime: 1100, revokeTime: 1200, tokenDigest: C.decodeEvents(registry.interface, rr)[0].tokenDigest,
  });
  assert.throws(() => token.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)), cc.ConsentError); // Rust: revoked
});
