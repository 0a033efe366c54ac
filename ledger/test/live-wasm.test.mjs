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
  const evs = C.decodeEvents(anchor, r);
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
    const [ev] = C.decodeEvents(anchor, r);
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
  const [granted] = C.decodeEvents(registry, rg);
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
    status: 'revoked', grantTime: 1100, revokeTime: 1200, tokenDigest: C.decodeEvents(registry, rr)[0].tokenDigest,
  });
  assert.throws(() => token.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)), cc.ConsentError); // Rust: revoked
});

// Review L8: a checkpoint whose first signature line is not the log's (a witness's cosignature)
// verifies in Rust, and anchorArgs passes the log's line, so it anchors.
test('live: L8 a cosigned checkpoint (a witness line first) anchors with the log\'s line', { skip }, async () => {
  const log = clinicLog(20);
  const note = log.checkpoint(logKey, ORIGIN).toNote();
  const witness = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(9));
  const wsig = witness.sign(enc('a cosignature')).toBytes();
  const line = `\u2014 witness.example/w1 ${Buffer.concat([Buffer.from([1, 2, 3, 4]), wsig]).toString('base64')}\n`;
  const split = note.lastIndexOf('\n\n') + 2;
  const cp = cc.Checkpoint.fromNote(note.slice(0, split) + line + note.slice(split));
  assert.equal(cp.signatures[0].keyName, 'witness.example/w1');
  cp.verify(logKey.publicKey()); // Rust ignores the witness's line
  const args = C.anchorArgsAfter(await anchor.latest(logId), cp, log, logId);
  assert.equal(args[2], C.hex(cp.signatures[1].signature));
  // the witness's line (what the first line gave before the fix) is refused on chain...
  await reverts(anchor.anchor.staticCall(logId, args[0], args[1], C.hex(wsig), C.hex(C.signatureU(wsig)), args[4]),
    'BadCheckpointSignature');
  // ...the log's line anchors
  await send(anchor.anchor(logId, ...args));
  assert.deepEqual(C.decodeLatest(await anchor.latest(logId)), { size: 20, root: log.root });
});

// Review L5: a third party anchors a genuine checkpoint of the log first; the clinic's
// transaction built on its own stale bookkeeping fails, anchorArgsAfter on a fresh latest()
// succeeds, and then reports nothing left to send.
test('live: L5 after a third party anchored first, anchorArgsAfter(latest()) anchors', { skip }, async () => {
  const log = clinicLog(28);
  const cp = log.checkpoint(logKey, ORIGIN);
  const stale = C.anchorArgs(cp, log.proveConsistency(20)); // the clinic's last own anchor: 20
  // a patient holding a receipt at 24 anchors that checkpoint first (from her own account)
  const receiptLog = clinicLog(24);
  const theirs = receiptLog.checkpoint(logKey, ORIGIN);
  const other = anchor.connect(chain.accounts[1]);
  await send(other.anchor(logId, ...C.anchorArgsAfter(await anchor.latest(logId), theirs, receiptLog, logId)));
  assert.equal(C.decodeLatest(await anchor.latest(logId)).size, 24);
  await assert.rejects(anchor.anchor.staticCall(logId, ...stale)); // a proof from 20 no longer fits
  const args = C.anchorArgsAfter(await anchor.latest(logId), cp, log, logId);
  assert.deepEqual(args[4], log.proveConsistency(24, 28).path.map(C.hex));
  await send(anchor.anchor(logId, ...args));
  assert.deepEqual(C.decodeLatest(await anchor.latest(logId)), { size: 28, root: log.root });
  assert.equal(C.anchorArgsAfter(await anchor.latest(logId), cp, log, logId), null, 'nothing left to send');
  assert.equal(C.anchorArgsAfter(await anchor.latest(logId), theirs, log, logId), null, 'an older checkpoint is covered');
  // a rewritten history is refused before sending anything
  const fork = clinicLog(32, 26);
  const now = await anchor.latest(logId);
  // (cipherchart/ledger throws cipherchart/verify's classes; `cc` is the full build: the code is shared)
  assert.throws(() => C.anchorArgsAfter(now, fork.checkpoint(logKey, ORIGIN), fork, logId), (e) => e.code === 'verification_failed');
});

// Review L9: a holder downstream of a block revoking that block changes nothing, in Rust
// (RevocationSet::revokes) and in revokedOnChain; the issuer's revocation counts in both.
test('live: L9 the per-block signer rule agrees with Rust', { skip }, async () => {
  const patient = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(4));
  const hospital = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(5));
  const grant = new cc.Grant('patient-43', cc.Policy.parse('role:physician'), 1000, 2000).purposes(['treatment'])
    .holder(hospital.publicKey());
  const t0 = cc.ConsentToken.issueGrant(patient, grant); // block 0, signed by the patient
  const t1 = t0.attenuate(hospital, new cc.Narrowing()); // block 1, signed by the hospital
  assert.equal(t1.blockCount, 2);
  const signers = [patient.publicKey(), hospital.publicKey()];
  assert.deepEqual(t1.blockSigners().map((k) => C.hex(k.toBytes())), signers.map((k) => C.hex(k.toBytes())));
  for (const k of [hospital, patient]) {
    const [pk, ...rest] = keyArgsOf(k);
    await send(registry.registerKey(pk, ...rest));
  }
  const log = new cc.Chain();
  // the hospital (signer of block 1 only) revokes block 0
  const ri = log.appendRevoke(t0, 1100, hospital);
  await send(registry.revoke(...C.entryArgs(log.entry(ri))));
  const [id0] = C.revocationIds(t1);
  assert.equal(await registry.isRevoked(id0, C.hex(hospital.publicKey().toBytes())), true); // recorded on chain
  t1.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)); // Rust: not revoked
  assert.equal(await C.revokedOnChain(registry, t1, signers), null); // the gate agrees
  // the patient revokes block 0: both refuse
  const pi = log.appendRevoke(t0, 1200, patient);
  await send(registry.revoke(...C.entryArgs(log.entry(pi))));
  assert.throws(() => t1.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)), cc.ConsentError);
  const hit = await C.revokedOnChain(registry, t1, signers);
  assert.deepEqual([C.hex(hit.revocationId), C.hex(hit.publicKey)], [id0, C.hex(patient.publicKey().toBytes())]);
});
