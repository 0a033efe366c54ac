// A clinic on a ledger (docs/ledger.md): its audit log anchored on chain every N entries, a
// patient's receipt verified on chain, and a consent granted, then revoked on chain, then
// refused by the re-encryption proxy.
//
//   npm ci --prefix ledger --ignore-scripts && scripts/build-wasm   # once, from the repository root
//   node examples/ledger/run.mjs [N]                                # N = entries per anchor (default 4)
//
// The chain is an in-process EVM (Prague, EIP-2537) from ledger/lib/evm.mjs; against a real
// network, replace `InProcessChain` by an ethers provider and wallet: the calls are the same.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InProcessChain } from '../../ledger/lib/evm.mjs';
import { deploy, revertName } from '../../ledger/lib/contracts.mjs';

// The npm package as built in the repository: an application would write
//   import * as cc from 'cipherchart';  import * as C from 'cipherchart/ledger';
const PKG = new URL('../../bindings/wasm/pkg/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('ledger/index.js', PKG)))) {
  console.error('the cipherchart npm package is not built: run scripts/build-wasm first');
  process.exit(2);
}
const cc = await import(new URL('node/index.mjs', PKG));
const C = await import(new URL('ledger/index.js', PKG)); // cipherchart/ledger

const N = Number(process.argv[2] ?? 4);
const ORIGIN = 'clinic.example/audit';
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);
const short = (b) => C.hex(b).slice(0, 14) + '…';
const say = (s) => console.log(s);
let gasTotal = 0n;
const mined = async (txPromise, what) => {
  const r = await (await txPromise).wait();
  gasTotal += r.gasUsed;
  say(`  tx ${what}: ${r.gasUsed} gas`);
  return r;
};

// ---- the parties (fixed seeds so the output is reproducible; use generate() in real life)
const seed = (b) => new Uint8Array(32).fill(b);
const logKey = cc.BlsSigningKey.fromIkm(seed(1)); // the clinic's audit-log key
const clinician = cc.BlsSigningKey.fromIkm(seed(2)); // signs the entries of her actions
const patient = cc.BlsSigningKey.fromIkm(seed(3)); // the patient's consent key
const hospital = cc.Authority.setup(); // the clinic's ABE authority
const pk = hospital.publicKey();

// ---- the chain: deploy the contracts, register the log key and the patient's key
const chain = await InProcessChain.create(2);
const [clinicWallet, patientWallet] = chain.accounts;
const anchor = await deploy(clinicWallet, 'CheckpointAnchor');
const registry = await deploy(clinicWallet, 'ConsentRegistry');
say(`contracts: CheckpointAnchor ${await anchor.getAddress()}, ConsentRegistry ${await registry.getAddress()}`);
const reg = await mined(anchor.registerLog(ORIGIN, ...C.keyArgs(logKey.publicKey(), logKey.provePossession())), 'registerLog');
const logId = C.decodeEvents(anchor, reg).find((e) => e.event === 'LogRegistered').logId;
say(`log ${ORIGIN} registered, log id ${short(logId)} (its note key id ${C.hex(cc.keyId(ORIGIN, logKey.publicKey()))})`);
await mined(registry.connect(patientWallet).registerKey(...C.keyArgs(patient.publicKey(), patient.provePossession())), 'registerKey (patient)');

// ---- the audit log, anchored every N entries
const log = new cc.Chain();
let anchoredSize = 0;
let checkpoint = null;
let time = 1_700_000_000;
async function logged(index) {
  if (log.length - anchoredSize < N) return index;
  const cp = log.checkpoint(logKey, ORIGIN);
  // the consistency proof from what is anchored now (anyone may anchor a genuine checkpoint),
  // checked locally against the anchored root before sending
  const args = C.anchorArgsAfter(await anchor.latest(logId), cp, log, logId);
  const r = await mined(anchor.anchor(logId, ...args), `anchor ${anchoredSize} -> ${cp.size}`);
  const ev = C.decodeEvents(anchor, r)[0];
  // what the chain now holds is the very checkpoint cipherchart signed
  if (cc.Checkpoint.fromNote(C.anchoredNote(ORIGIN, ev)).toNote() !== cp.toNote()) throw new Error('anchored note differs');
  say(`anchored checkpoint: size ${ev.size}, root ${short(ev.root)}`);
  anchoredSize = cp.size;
  checkpoint = cp;
  return index;
}
const records = [];
for (const [id, category, text] of [
  ['ecg-1', 'cardiology', 'sinus rhythm, 72 bpm'],
  ['lab-1', 'lab', 'HbA1c 5.4%'],
  ['ecg-2', 'cardiology', 'atrial fibrillation'],
]) {
  const rec = cc.seal(pk, cc.Policy.parse('patient:42 or role:physician'), enc(id), enc(category), enc(text));
  records.push({ id, category, rec });
  await logged(log.appendSeal(rec, time++, clinician));
}
for (let i = 0; i < 2 * N; i++) {
  const id = records[i % records.length].id;
  await logged(log.signAndAppend(cc.EntryDraft.forPayload(time++, 'read', enc(id), enc(`read ${id} by clinician`)), clinician));
}
say(`audit log: ${log.length} entries, ${anchoredSize} anchored`);

// ---- a receipt: the patient gets entry 0 (the sealing of ecg-1) as a tlog-proof text and
// checks it offline with the log key, then on chain against the anchored root
const receiptText = log.proofFile(0, checkpoint).toTlogProof();
const receipt = cc.ProofFile.fromTlogProof(receiptText);
receipt.verify(logKey.publicKey());
say(`receipt for entry 0 (${receipt.entry.action} ${dec(receipt.entry.subject).slice(0, 20)}): verified offline`);
const onChain = await anchor.verifyInclusionAt(logId, ...C.receiptAtArgs(receipt));
say(`receipt verified on chain (verifyInclusionAt, size ${receipt.proof.size}): ${onChain}`);
const forged = await anchor.verifyInclusionAt(logId, receipt.proof.size, C.hex(new Uint8Array(32).fill(7)), 0, C.inclusionArgs(receipt)[2]);
say(`a forged receipt (another leaf, same path) on chain: ${forged}`);

// ---- consent: the patient lets hospital H2's cardiologists have her cardiology records, for
// treatment, through one re-key; the grant is logged and recorded on chain
const h2 = cc.Policy.parse('hospital:h2 and dept:cardiology');
const rekey = hospital.issueDelegationKey(['patient:42'], patient.publicKey()).rekey(pk, h2);
const token = cc.ConsentToken.issueGrant(patient, new cc.Grant('patient-42', h2, time, time + 86_400 * 365)
  .purposes(['treatment']).categories(['cardiology']).rekey(rekey));
const gi = await logged(log.appendGrant(token, time++, patient));
await mined(registry.connect(patientWallet).grant(...C.entryArgs(log.entry(gi))), 'grant');
const [revocationId] = C.revocationIds(token);
say(`consent granted: revocation id ${revocationId.slice(0, 14)}…, on chain: ${C.decodeConsent(await registry.consentOf(revocationId, patient.publicKey().toBytes())).status}`);

// ---- the proxy's consent gate: the chain first (any clinic's revocation is visible there),
// then cipherchart's own check against this clinic's log, then the re-encryption
let lastShared = null;
async function proxyShare({ id, category, rec }) {
  const hit = await C.revokedOnChain(registry, token);
  if (hit) return `refused by the chain: block ${short(hit.revocationId)} revoked by key ${short(hit.publicKey)}`;
  try {
    const consent = log.verifyConsent(token, patient.publicKey(), time); // the log's revocations count
    const shared = cc.reencryptWithConsent(consent, rekey, rec, category, 'treatment');
    await logged(log.appendReencrypt(shared, rekey, time++, clinician));
    lastShared = shared;
    return `shared ${id} (hop ${shared.hopCount})`;
  } catch (e) {
    return `refused by cipherchart: ${e.constructor.name} ${e.kind ?? e.code}`;
  }
}
const cardio = records.find((r) => r.id === 'ecg-1');
say(`proxy, before revocation: ${await proxyShare(cardio)}`);
const doctor = hospital.issueKey(['hospital:h2', 'dept:cardiology']);
say(`H2 cardiologist opens it: "${dec(doctor.open(pk, lastShared))}"`);
say(`proxy, lab record (not covered): ${await proxyShare(records.find((r) => r.id === 'lab-1'))}`);

// ---- the patient revokes from her own device: she signs a revoke entry that extends the
// clinic's log (a copy of it) and records it on chain herself
const copy = cc.Chain.fromRecords(log.records());
const revokeEntry = copy.entry(copy.signAndAppend(token.revokeEntry(time++), patient));
const rr = await mined(registry.connect(patientWallet).revoke(...C.entryArgs(revokeEntry)), 'revoke');
const revoked = C.decodeEvents(registry, rr)[0];
say(`consent revoked on chain: event ${revoked.event}, entry hash ${short(revoked.entryHash)} at time ${revoked.time}`);
try {
  await registry.connect(patientWallet).revoke.estimateGas(...C.entryArgs(revokeEntry));
} catch (e) {
  say(`revoking twice: refused (${revertName(e)})`);
}
say(`cipherchart on the clinic log alone, not yet told: ${log.verifyConsent(token, patient.publicKey(), time) ? 'still valid' : '?'}`);
say(`proxy, after the on-chain revocation: ${await proxyShare(cardio)}`);

// ---- the clinic logs the same signed entry; from then on cipherchart's own gate refuses too
log.append(revokeEntry);
say(`revocation logged in the clinic's log (entry ${log.length - 1}, same hash: ${C.hex(log.entry(log.length - 1).hash) === C.hex(revoked.entryHash)})`);
try {
  const stale = log.verifyConsent(token, patient.publicKey(), time);
  cc.reencryptWithConsent(stale, rekey, cardio.rec, 'cardiology', 'treatment');
  say('cipherchart re-encrypted after the revocation: BUG');
} catch (e) {
  say(`cipherchart's gate (verifyConsent, then reencryptWithConsent) refuses: ${e.constructor.name} ${e.kind}`);
}
await logged(log.length - 1);
say(`done: ${log.length} entries, ${anchoredSize} anchored, ${gasTotal} gas in all`);
