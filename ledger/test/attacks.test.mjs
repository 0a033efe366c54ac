// Outside review LA (session after the L1-L12 fixes): attacks on the ledger integration from
// its public surface — docs/ledger.md, ledger/README.md, docs/formats.md, the typings
// (bindings/wasm/js/ledger.d.ts) and the contracts' public code — against `cipherchart/ledger`
// (through lib/calldata.mjs) and the contract changes of the session (idempotent anchor and
// registerLog, size-0 anchors, hashToG2's DST rules, the 150,000-gas pairing cap,
// verifyEntryInclusionAt). The JS source was read only to confirm LA-1, LA-2 and LA-4.
// Each defeated attack below is a passing test; each finding is written as the correct
// behaviour and skipped with its id, so the suite stays green.
//
// Status (lead, same session): LA-1..LA-5 fixed, their tests run (no skips):
//   LA-1: the token's own block signers (Rust `ConsentToken::block_signers`, JS `blockSigners()`,
//         Python `block_signers()`) are what revokedOnChain asks about; a caller's list must equal them.
//   LA-2: decodeEvent(s) take the contract (or { interface, address }) and decode only its logs,
//         each with `address`; a bare Interface is refused. (The LA-2 tests were adapted to that API.)
//   LA-3: BLS12381.pairingCheck reverts InsufficientGas when less than the pairing's full budget is
//         left, so a short gas limit is an error, never "invalid signature".
//   LA-4: an isRevoked answer that is not a boolean is InvalidArgument.
//   LA-5: one integer reader (bigint, safe integer, decimal/hex string; never a boolean), holes in
//         lists refused, decoders refuse values above 2^53 with a typed error.
//
// Severity: high = a wrong accept/refuse compared with Rust in the dangerous direction,
// medium = a gap that misleads a documented use, low = the rest.
//
// FINDINGS
//
// LA-1 (high by the rubric; impact medium) — revokedOnChain fails open for attenuated tokens
//   unless the caller supplies every block signer, and it cannot check them.
//   `revokedOnChain(registry, token)` with the default signers (`[token.issuer]`), or any
//   list shorter than `token.blockCount`, or a wrong key in place of a holder, never asks
//   (id_i, signer of block i) for i >= 1, so it returns null ("not revoked") for a token
//   Rust's RevocationSet says is revoked: a holder (the hospital, signer of block 1)
//   revoking the delegation it made. The package exposes only the issuer and the final
//   holder, so a proxy cannot even build the list for a token of 3+ blocks; the default
//   is what proxies will call, and the docs promise "every proxy reading the chain sees
//   [a revocation] at once, before the clinic's log does".
//   Reproduce: test 'LA-1' (patient issues t0 with holder hospital, hospital attenuates to
//   t1, hospital's revoke entry of block 1 recorded on chain; Rust `t1.verify(…,
//   RevocationSet.fromChain(log))` throws ConsentError; `revokedOnChain(registry, t1)` and
//   `revokedOnChain(registry, t1, [patient, doctor])` return null).
//   Fix: refuse (InvalidArgument) a signer list whose length is not `token.blockCount`
//   (default included, for blockCount > 1); better, expose the block signers from Rust
//   (`ConsentToken.blockSigners()`: the issuer, then the holder each block names) and use
//   them by default, refusing a caller's list that differs.
//
// LA-2 (medium) — decodeEvent/decodeEvents attribute any contract's log to the ledger.
//   They parse every log with `iface.parseLog`, which ignores the emitting address, and the
//   decoded objects carry no address, so a caller cannot filter afterwards. A contract of
//   the log key holder (the clinic, the party the anchoring is meant to bind) emits
//   `Anchored(logId, 12, root, signature)` with a genuine log signature over a checkpoint
//   that was never anchored; `decodeEvents(anchor.interface, receipt)` returns it,
//   `Checkpoint.fromNote(anchoredNote(origin, ev)).verify(logKey)` passes in Rust, while
//   `rootAt(logId, 12)` is zero. A patient shown that transaction as "proof of anchoring"
//   (the flow docs/ledger.md shows under "back: events as plain objects") is fooled; the
//   clinic can still rewrite that history later.
//   Reproduce: test 'LA-2' (inline `Forger` contract).
//   Fix: `decodeEvent(iface, log, address)` / `decodeEvents(iface, receipt, address)` (or
//   take the ethers Contract and use `.target`) dropping logs of other addresses, and an
//   `address` field in every decoded event; docs: trust state (`rootAt`, `latest`,
//   `isRevoked`), or events only from the contract's address.
//
// LA-3 (medium for LedgerVerifier's composable view; low for anchor/grant/revoke) — a
//   caller's gas limit turns a VALID signature into "invalid". The pairing staticcall gets
//   min(150,000, 63/64 of the gas left); with less than ~104,500 left at that point the
//   precompile fails and `pairingCheck` returns false. Measured on the in-process EVM
//   (eth_call execution gas): `LedgerVerifier.verifySignature` of a valid signature returns
//   **false** for every gas limit from ~102,000 to ~188,000 (true from ~190,000); `anchor`
//   of a valid checkpoint reverts **BadCheckpointSignature** from ~150,000 to ~226,000 gas
//   (then an out-of-gas revert, ok from ~292,000). Nothing invalid is ever accepted (fail
//   closed), but an integrating contract that acts on `false` (a fraud or slashing rule,
//   "unsigned checkpoint" claims) can be driven by whoever picks the gas, and a watcher
//   reading reverts sees a forgery alarm on a genuine checkpoint.
//   Reproduce: test 'LA-3' (staticCall with { gasLimit: 150_000 } / 200_000).
//   Fix: in `BLS12381.pairingCheck`, before the staticcall,
//   `if (gasleft() < PAIRING_GAS + PAIRING_GAS / 63 + 1_000) revert InsufficientGas();` (a
//   new error), so a short budget reverts instead of returning false; test the two gas
//   limits above revert InsufficientGas and a 5M limit still bounds an invalid point.
//
// LA-4 (low) — revokedOnChain treats any falsy non-boolean answer as "not revoked".
//   `if (await registry.isRevoked(id, key))`: a mis-wired reader (a wrapper that forgets
//   `return`, a viem `read` result left in an object, `0n`) makes the gate return null for
//   every token. Reproduce: test 'LA-4'. Fix: require `typeof answer === 'boolean'`
//   (InvalidArgument otherwise) — fail closed on anything else.
//
// LA-5 (low) — type confusion and an untyped exception in the module.
//   (a) `anchorArgs({ …cp, signatures: [ , line] })` (an array with a hole) throws a bare
//   TypeError ("Cannot read properties of undefined (reading 'keyName')"), not
//   InvalidArgument. (b) booleans pass as integers: `anchorArgs({ …cp, size: true })` gives
//   size 1n, `anchorArgsAfter([true, root], …)` proves from size 1, `decodeConsent([true,
//   …])` says 'granted'. (c) `decodeLatest` / `decodeConsent` return a bigint above 2^53
//   where the typings say `number`, while `anchorArgsAfter` refuses the same size
//   ("anchored size above 2^53 - 1"). Reproduce: test 'LA-5'. Fix: one integer reader that
//   accepts number (safe integer) / bigint / decimal string only, and a typed error for a
//   non-object signature line; decoders either refuse above 2^53 - 1 or type `bigint`.
//
// Informational (not a bug, worth a sentence in docs/ledger.md): the no-op path of `anchor`
//   (`roots[logId][size] == root`) succeeds without looking at the signature arguments, so a
//   successful `anchor` transaction says nothing about its calldata's signature: indexers
//   must read `Anchored` events of the contract's address (LA-2), not decoded calldata.
//
// DEFEATED (passing tests below)
//   D1  anchorArgsAfter against a fork anchored by the log key: an honest smaller checkpoint
//       is not "covered" (VerificationFailed, not null), nor the same size, nor a larger one;
//       a lying proof source, or a checkpoint from another history than the source, refused.
//   D2  numbers/BigInt/hex confusion: negative, fractional, NaN, ±Infinity, >= 2^64 sizes and
//       indexes, 31-byte hashes, holes in proof paths, freed objects, identity points: all
//       typed errors (InvalidArgument / InvalidEncoding) — except LA-5.
//   D3  a note with a bogus line under the log's own name and key id first: Rust refuses it,
//       JS passes that line, the contract reverts — no accept/refuse divergence.
//   D4  the idempotent anchor: no-op only for the exact (size, root) anchored; a zero root is
//       never a no-op; another root at an anchored size, size 0 after an anchor, a stale
//       size all revert; the no-op changes nothing and emits nothing.
//   D5  size 0 with live objects: Rust's empty-log checkpoint anchors once; inclusion views
//       at size 0 are false; then the first non-empty checkpoint needs no proof.
//   D6  the idempotent registerLog: garbage pkU/PoP for a registered log is a no-op that
//       keeps the stored key; another key under the origin is another log id.
//   D7  the 150,000 cap never lets an invalid signature pass, at any gas limit tried (150k,
//       250k, 1M); a proof of possession (POP_DST) over the key bytes is not a SIG_DST
//       signature; an oversize DST reduces exactly as RFC 9380 §5.3.3 (no collision with
//       the contracts' fixed 43-byte DSTs).
//   D8  verifyEntryInclusionAt / verifyInclusionAt: a leaf hash as entry hash, an inner node
//       as a leaf with a shortened path, a wrong size, an unanchored size — all false.
//   D9  with the full signer list the gate agrees with Rust on a holder's revocation of its
//       own block; decodeConsent reads viem-shaped results (number status, struct object).
import { test, before } from 'node:test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ContractFactory } from 'ethers';
import { newChain, deploy, send, reverts, revertName, B, assert } from './helpers.mjs';
import * as C from '../lib/calldata.mjs';

const PKG = new URL('../../bindings/wasm/pkg/node/index.mjs', import.meta.url);
let cc = null;
let skip = false;
if (!existsSync(fileURLToPath(PKG))) {
  skip = 'the WASM package is not built (scripts/build-wasm)';
} else {
  try {
    cc = await import(PKG);
  } catch (e) {
    skip = `the WASM package does not load: ${e.message}`;
  }
}

const enc = (s) => new TextEncoder().encode(s);
const ZERO = '0x' + '00'.repeat(32);
const EMPTY_ROOT = '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The library's typed error of this code. */
const code = (c) => (e) => e?.code === c && !(e instanceof TypeError) && !(e instanceof RangeError);

let chain, anchor, registry, verifier, logKey, clinician, keyArgsLog;

/** A clinic log of `n` entries; entry `forged` (if given) says something else. */
function clinicLog(n, forged = -1) {
  const log = new cc.Chain();
  for (let i = 0; i < n; i++) {
    log.signAndAppend(cc.EntryDraft.forPayload(1000 + i, 'read', enc(`rec-${i}`), enc(i === forged ? 'rewritten' : `rec-${i}`)), clinician);
  }
  return log;
}
/** Registers `origin` under the log key on `anchor`; returns the log id. */
async function registerLog(origin) {
  await send(anchor.registerLog(origin, ...keyArgsLog));
  return anchor.logIdOf(origin, keyArgsLog[0]);
}

before(async () => {
  if (skip) return;
  chain = await newChain();
  anchor = await deploy(chain, 'CheckpointAnchor');
  registry = await deploy(chain, 'ConsentRegistry');
  verifier = await deploy(chain, 'LedgerVerifier');
  logKey = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x31));
  clinician = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x32));
  keyArgsLog = C.keyArgs(logKey.publicKey(), logKey.provePossession());
});

// ------------------------------------------------------------------------------ findings

/** The attenuated token of LA-1 / D9, with the hospital's revocation of block 1 on chain. */
let tokenCase;
async function attenuatedCase() {
  if (tokenCase) return tokenCase;
  const patient = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x41));
  const hospital = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x42));
  const doctor = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x43));
  const grant = new cc.Grant('patient-77', cc.Policy.parse('role:physician'), 1000, 2000).purposes(['treatment'])
    .holder(hospital.publicKey());
  const t0 = cc.ConsentToken.issueGrant(patient, grant); // block 0: the patient
  const t1 = t0.attenuate(hospital, new cc.Narrowing()); // block 1: the hospital
  await send(registry.registerKey(...C.keyArgs(hospital.publicKey(), hospital.provePossession())));
  const log = new cc.Chain();
  const ri = log.appendRevoke(t1, 1100, hospital); // the hospital revokes the delegation it made
  await send(registry.revoke(...C.entryArgs(log.entry(ri))));
  const ids = C.revocationIds(t1);
  assert.equal(await registry.isRevoked(ids[1], C.hex(hospital.publicKey().toBytes())), true, 'recorded on chain');
  assert.throws(() => t1.verify(patient.publicKey(), 1500, cc.RevocationSet.fromChain(log)), cc.ConsentError, 'Rust: revoked');
  tokenCase = { patient, hospital, doctor, t1, ids };
  return tokenCase;
}

test('LA-1: revokedOnChain must not say "not revoked" for a token Rust says is revoked (attenuated token)',
  { skip }, async () => {
    const { patient, doctor, t1 } = await attenuatedCase();
    for (const signers of [undefined, [patient.publicKey()], [patient.publicKey(), doctor.publicKey()]]) {
      let got;
      try {
        got = await C.revokedOnChain(registry, t1, signers);
      } catch (e) {
        assert.equal(e.code, 'invalid_argument'); // refusing an incomplete/wrong list is acceptable
        continue;
      }
      assert.notEqual(got, null, `signers ${signers ? signers.length : 'default'}: Rust says revoked`);
    }
  });

test('LA-2: decoded events are bound to the contract that emitted them',
  { skip }, async () => {
    const { forger, receipt, logId, size, root } = await forgedAnchored();
    // correct behaviour (as fixed): decoding as the anchor's events yields nothing from the forger,
    // a bare Interface (no emitter to bind) is refused, and the forger's events name the forger
    assert.deepEqual(C.decodeEvents(anchor, receipt), []);
    assert.throws(() => C.decodeEvents(anchor.interface, receipt), code('invalid_argument'));
    const evs = C.decodeEvents({ interface: anchor.interface, address: await forger.getAddress() }, receipt);
    assert.equal(evs.length, 1);
    for (const ev of evs) assert.equal(String(ev.address).toLowerCase(), (await forger.getAddress()).toLowerCase());
    assert.equal(C.decodeEvents(anchor, receipt).length, 0);
    assert.equal(await anchor.rootAt(logId, size), ZERO);
    void root;
  });

test('LA-3: a short gas budget never turns a valid signature into "invalid"',
  { skip }, async () => {
    const msg = enc('a valid message');
    const sig = logKey.sign(msg);
    const args = [keyArgsLog[0], keyArgsLog[1], C.hex(msg), C.hex(sig.toBytes()), C.hex(C.signatureU(sig))];
    assert.equal(await verifier.verifySignature(...args), true);
    let r;
    try {
      r = await verifier.verifySignature.staticCall(...args, { gasLimit: 150_000 });
    } catch {
      r = 'reverted'; // acceptable: not enough gas is an error, not a verdict
    }
    assert.notEqual(r, false);
    const logId = await registerLog('la3.example/log');
    const log = clinicLog(4);
    const cargs = C.anchorArgs(log.checkpoint(logKey, 'la3.example/log'));
    await assert.rejects(anchor.anchor.staticCall(logId, ...cargs, { gasLimit: 200_000 }),
      (e) => revertName(e) !== 'BadCheckpointSignature');
  });

test('LA-4: a reader answering something other than a boolean is refused, not read as "not revoked"',
  { skip }, async () => {
    const t = cc.ConsentToken.issue(logKey, 'p', cc.Policy.parse('role:physician'), 1, 2, ['treatment']);
    for (const answer of [undefined, 0n, '', null]) {
      await assert.rejects(C.revokedOnChain({ isRevoked: async () => answer }, t), code('invalid_argument'));
    }
  });

test('LA-5: typed errors and integer types throughout',
  { skip }, () => {
    const cp = clinicLog(3).checkpoint(logKey, 'la5.example/log');
    const plain = { origin: cp.origin, size: cp.size, root: cp.root, signatures: cp.signatures };
    assert.throws(() => C.anchorArgs({ ...plain, signatures: [, cp.signatures[0]] }), code('invalid_argument')); // eslint-disable-line no-sparse-arrays
    assert.throws(() => C.anchorArgs({ ...plain, size: true }), code('invalid_argument'));
    assert.throws(() => C.anchorArgsAfter([true, cp.root], cp, clinicLog(3)), code('invalid_argument'));
    assert.throws(() => C.decodeConsent([true, 0n, 0n, ZERO]), code('invalid_argument'));
    // above 2^53: a typed error rather than a bigint where the types say number
    assert.throws(() => C.decodeLatest([2n ** 60n, ZERO]), code('invalid_argument', /2\^53/));
  });

/** A look-alike contract of the log key holder emits Anchored for a checkpoint never anchored. */
let forgedCase;
async function forgedAnchored() {
  if (forgedCase) return forgedCase;
  const require = createRequire(import.meta.url);
  const solc = require('solc');
  const src = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
contract Forger {
  event Anchored(bytes32 indexed logId, uint64 size, bytes32 root, bytes signature);
  function emitAnchored(bytes32 logId, uint64 size, bytes32 root, bytes calldata signature) external {
    emit Anchored(logId, size, root, signature);
  }
}`;
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity', sources: { 'Forger.sol': { content: src } },
    settings: { evmVersion: 'prague', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  })));
  const art = out.contracts['Forger.sol'].Forger;
  const forger = await new ContractFactory(art.abi, '0x' + art.evm.bytecode.object, chain.accounts[2]).deploy();
  await forger.waitForDeployment();
  const origin = 'la2.example/log';
  const logId = await registerLog(origin);
  const log = clinicLog(12, 5); // whatever the clinic likes; never anchored
  const cp = log.checkpoint(logKey, origin);
  const sig = C.checkpointSignature(cp, logId);
  const receipt = await send(forger.emitAnchored(logId, 12, C.hex(cp.root), C.hex(sig)));
  forgedCase = { forger, receipt, logId, size: 12, root: C.hex(cp.root), origin, cp };
  return forgedCase;
}

test('LA-2 (defended part): chain state is not fooled by a look-alike Anchored event', { skip }, async () => {
  const { receipt, logId, root, origin } = await forgedAnchored();
  const [ev] = C.decodeEvents({ interface: anchor.interface, address: await forgedCase.forger.getAddress() }, receipt);
  // (the forged event decodes as the forger's — LA-2 — and its note even verifies in Rust) ...
  if (ev) cc.Checkpoint.fromNote(C.anchoredNote(origin, ev)).verify(logKey.publicKey());
  // ... but nothing reading state is fooled
  assert.equal(await anchor.rootAt(logId, 12), ZERO);
  assert.deepEqual(C.decodeLatest(await anchor.latest(logId)), { size: 0, root: B.bytes(ZERO) });
  assert.equal(await anchor.verifyInclusionAt(logId, 12, root, 0, []), false);
});

// ------------------------------------------------------------------------------ defeated

test('D1: anchorArgsAfter never calls a forked anchored history "covered", nor builds a proof to it', { skip }, async () => {
  const origin = 'la-d1.example/log';
  const logId = await registerLog(origin);
  // the log key anchors a fork at 12 first (entry 5 rewritten), no proof needed
  const fork = clinicLog(12, 5);
  await send(anchor.anchor(logId, ...C.anchorArgs(fork.checkpoint(logKey, origin))));
  const latest = await anchor.latest(logId);
  const honest = clinicLog(16);
  const at = (n) => { const l = clinicLog(n); return [l, l.checkpoint(logKey, origin)]; };
  for (const n of [8, 12, 16]) {
    const [, cp] = at(n);
    assert.throws(() => C.anchorArgsAfter(latest, cp, honest, logId), code('verification_failed'), `honest ${n} vs anchored fork 12`);
  }
  // a source that lies (the fork's proof for an honest checkpoint), or a checkpoint of another history
  const [, cp16] = at(16);
  const fork16 = clinicLog(16, 5);
  assert.throws(() => C.anchorArgsAfter(latest, cp16, (o, n) => fork16.proveConsistency(o, n)), code('verification_failed'));
  assert.throws(() => C.anchorArgsAfter(latest, fork16.checkpoint(logKey, origin), honest), code('verification_failed'));
  // the fork's own continuation is fine, and covered once anchored
  const args = C.anchorArgsAfter(latest, fork16.checkpoint(logKey, origin), fork16, logId);
  await send(anchor.anchor(logId, ...args));
  assert.equal(C.anchorArgsAfter(await anchor.latest(logId), fork.checkpoint(logKey, origin), fork16, logId), null);
  // a MerkleTree-like source too short to reach the anchored size: an error, not null
  const now = await anchor.latest(logId);
  assert.throws(() => C.anchorArgsAfter(now, at(8)[1], at(8)[0], logId), (e) => typeof e.code === 'string');
});

test('D2: numbers, BigInt, hex and holes are refused with the library\'s typed errors', { skip }, () => {
  const log = clinicLog(5);
  const cp = log.checkpoint(logKey, 'la-d2.example/log');
  const plain = { origin: cp.origin, size: cp.size, root: cp.root, signatures: cp.signatures };
  for (const s of [-1, 5.5, NaN, Infinity, -Infinity, 2 ** 64, 2n ** 64n, -1n, null, undefined]) {
    assert.throws(() => C.anchorArgs({ ...plain, size: s }), code('invalid_argument'), `size ${String(s)}`);
  }
  for (const r of [new Uint8Array(31), new Uint8Array(33), 'zz', undefined, new ArrayBuffer(32), new Array(32).fill(0)]) {
    assert.throws(() => C.anchorArgs({ ...plain, root: r }), code('invalid_argument'));
  }
  const path = log.proveConsistency(3).path;
  const sparse = [];
  sparse.length = 2;
  for (const p of [[, ...path], sparse, [new Uint8Array(31)], [5], { path: [, path[0]] }, {}, 'x']) { // eslint-disable-line no-sparse-arrays
    assert.throws(() => C.anchorArgs(plain, p), code('invalid_argument'));
  }
  assert.throws(() => C.anchorArgs(plain, { newSize: 6, path }), code('invalid_argument'));
  const pf = log.proofFile(2, cp);
  for (const i of [-1, 2.5, NaN, 2 ** 64, null]) {
    assert.throws(() => C.inclusionArgs(pf.entry, { index: i, path: pf.proof.path }), code('invalid_argument'), `index ${i}`);
  }
  for (const s of [-1, 2.5, NaN, 2 ** 64, undefined]) {
    assert.throws(() => C.receiptAtArgs({ entry: pf.entry, proof: { index: 2, size: s, path: pf.proof.path } }), code('invalid_argument'));
  }
  assert.throws(() => C.inclusionArgs(pf.entry.toBytes(), pf.proof), code('invalid_argument'), 'entry bytes are not an entry hash');
  for (const latest of [[-1n, cp.root], [2n ** 64n, cp.root], [2n ** 63n, cp.root], [3.5, cp.root], [3n]]) {
    assert.throws(() => C.anchorArgsAfter(latest, cp, log), code('invalid_argument'));
  }
  assert.throws(() => C.hex([256]), code('invalid_argument'));
  assert.throws(() => C.bytesOf('0xabc'), code('invalid_argument'));
  const freed = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x51)).publicKey();
  freed.free();
  assert.throws(() => C.keyArgs(freed, logKey.provePossession()), code('invalid_argument'));
  assert.throws(() => C.keyArgs('0xc0' + '00'.repeat(47), logKey.provePossession()), code('invalid_encoding'));
  assert.throws(() => C.signatureU('0xc0' + '00'.repeat(95)), code('invalid_encoding'));
  assert.throws(() => C.entryArgs({ toBytes: () => new Uint8Array(300) }), (e) => typeof e.code === 'string');
  assert.throws(() => C.anchorArgs(plain, null, new Uint8Array(5)), code('invalid_argument'));
  // a lying source of the consistency proof
  assert.throws(() => C.anchorArgsAfter([3n, log.rootAt(3)], cp, () => undefined), code('invalid_argument'));
  assert.throws(() => C.anchorArgsAfter([3n, log.rootAt(3)], cp, () => log.proveConsistency(3, 4)), code('verification_failed'));
});

test('D3: a bogus line under the log\'s own name and key id: Rust refuses, the contract reverts', { skip }, async () => {
  const origin = 'la-d3.example/log';
  const logId = await registerLog(origin);
  const log = clinicLog(6);
  const note = log.checkpoint(logKey, origin).toNote();
  const kid = cc.keyId(origin, logKey.publicKey());
  const bogus = clinician.sign(enc('not the note')).toBytes();
  const line = `\u2014 ${origin} ${Buffer.concat([Buffer.from(kid), Buffer.from(bogus)]).toString('base64')}\n`;
  const split = note.lastIndexOf('\n\n') + 2;
  for (const n of [note.slice(0, split) + line + note.slice(split), note + line]) {
    const cp = cc.Checkpoint.fromNote(n);
    assert.throws(() => cp.verify(logKey.publicKey()), cc.VerificationFailed, 'Rust refuses a note with a bad line of its key');
  }
  const first = cc.Checkpoint.fromNote(note.slice(0, split) + line + note.slice(split));
  const args = C.anchorArgsAfter(await anchor.latest(logId), first, log, logId);
  assert.equal(args[2], C.hex(bogus));
  await reverts(anchor.anchor.staticCall(logId, ...args), 'BadCheckpointSignature');
});

test('D4: the idempotent anchor is a no-op only for the exact anchored (size, root)', { skip }, async () => {
  const origin = 'la-d4.example/log';
  const logId = await registerLog(origin);
  const log = clinicLog(7);
  const cp = log.checkpoint(logKey, origin);
  const args = C.anchorArgs(cp);
  await send(anchor.anchor(logId, ...args));
  // the no-op with garbage signature bytes: succeeds, no event, nothing changes (informational)
  const pop = logKey.provePossession();
  const r = await send(anchor.anchor(logId, args[0], args[1], C.hex(pop.toBytes()), '0x', ['0x' + '11'.repeat(32)]));
  assert.equal(r.logs.length, 0);
  assert.deepEqual(C.decodeLatest(await anchor.latest(logId)), { size: 7, root: log.root });
  // never a no-op: a zero root at an unanchored size, another root at the anchored size,
  // size 0 after an anchor (empty root or not), a smaller unanchored size
  await reverts(anchor.anchor.staticCall(logId, 99n, ZERO, args[2], args[3], []), 'InconsistentRoot');
  await reverts(anchor.anchor.staticCall(logId, 7n, '0x' + '22'.repeat(32), args[2], args[3], []), 'NotGrowing');
  await reverts(anchor.anchor.staticCall(logId, 0n, EMPTY_ROOT, args[2], args[3], []), 'NotGrowing');
  await reverts(anchor.anchor.staticCall(logId, 0n, ZERO, args[2], args[3], []), 'NotGrowing');
  await reverts(anchor.anchor.staticCall(logId, 3n, C.hex(log.rootAt(3)), args[2], args[3], []), 'NotGrowing');
  // an unknown log id is never a no-op either
  await reverts(anchor.anchor.staticCall('0x' + '33'.repeat(32), ...args), 'UnknownLog');
});

test('D5: size 0 with live objects: Rust\'s empty checkpoint anchors once, proves nothing, needs no successor proof', { skip }, async () => {
  const origin = 'la-d5.example/log';
  const logId = await registerLog(origin);
  const empty = new cc.Chain();
  const cp0 = empty.checkpoint(logKey, origin);
  assert.equal(C.hex(cp0.root), EMPTY_ROOT);
  const a0 = C.anchorArgsAfter(await anchor.latest(logId), cp0, empty, logId);
  const r0 = await send(anchor.anchor(logId, ...a0));
  assert.equal(r0.logs.length, 1);
  assert.equal(C.anchorArgsAfter(await anchor.latest(logId), cp0, empty, logId), null);
  assert.equal((await send(anchor.anchor(logId, ...a0))).logs.length, 0, 'again: no-op');
  assert.equal(await anchor.rootAt(logId, 0), EMPTY_ROOT);
  assert.equal(await anchor.verifyInclusion(logId, EMPTY_ROOT, 0, []), false);
  assert.equal(await anchor.verifyInclusionAt(logId, 0, EMPTY_ROOT, 0, []), false);
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 0, EMPTY_ROOT, 0, []), false);
  // a size-0 checkpoint Rust signs with another root is refused
  const other = cc.Checkpoint.sign(origin, 0, new Uint8Array(32).fill(7), logKey);
  await reverts(anchor.anchor.staticCall(logId, ...C.anchorArgs(other)), 'InconsistentRoot');
  const log = clinicLog(3);
  const a3 = C.anchorArgsAfter(await anchor.latest(logId), log.checkpoint(logKey, origin), log, logId);
  assert.deepEqual(a3[4], []);
  await send(anchor.anchor(logId, ...a3));
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 3, ...C.inclusionArgs(log.proofFile(1, log.checkpoint(logKey, origin)))), true);
});

test('D6: the idempotent registerLog keeps the registered key whatever else is sent', { skip }, async () => {
  const origin = 'la-d6.example/log';
  const logId = await registerLog(origin);
  const keyHash = (await anchor.logOf(logId))[1];
  const before = await anchor.keyOf(keyHash);
  const r = await send(anchor.registerLog(origin, keyArgsLog[0], '0x' + '00'.repeat(128), '0x'));
  assert.equal(r.logs.length, 0);
  assert.equal(await anchor.keyOf(keyHash), before);
  // the same origin under another key is another log, unaffected by ours
  const other = cc.BlsSigningKey.fromIkm(new Uint8Array(32).fill(0x61));
  const ka = C.keyArgs(other.publicKey(), other.provePossession());
  assert.notEqual(await anchor.logIdOf(origin, ka[0]), logId);
  await reverts(anchor.registerLog.staticCall(origin, ka[0], ka[1], keyArgsLog[2]), 'InvalidProofOfPossession');
  await reverts(anchor.registerLog.staticCall(origin + '\n', ...keyArgsLog), 'InvalidOrigin');
});

test('D7: the gas cap and the DST rules never let an invalid signature pass', { skip }, async () => {
  const msg = enc('the message');
  const wrong = logKey.sign(enc('another message'));
  const args = [keyArgsLog[0], keyArgsLog[1], C.hex(msg), C.hex(wrong.toBytes()), C.hex(C.signatureU(wrong))];
  for (const gasLimit of [150_000, 250_000, 1_000_000]) {
    let got;
    try {
      got = await verifier.verifySignature.staticCall(...args, { gasLimit });
    } catch {
      got = 'reverted';
    }
    assert.notEqual(got, true, `gas ${gasLimit}`);
  }
  // a proof of possession (POP_DST, over the key bytes) is not a SIG_DST signature of them
  const pop = logKey.provePossession();
  assert.equal(await verifier.verifySignature(keyArgsLog[0], keyArgsLog[1], keyArgsLog[0], C.hex(pop.toBytes()), C.hex(C.signatureU(pop))), false);
  // §5.3.3: a DST over 255 bytes is its 32-byte reduction, never one of the 43-byte DSTs
  const long = new Uint8Array(256).fill(0x42);
  const reduced = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...enc('H2C-OVERSIZE-DST-'), ...long])));
  const m = C.hex(enc('abc'));
  assert.equal(await verifier.hashToG2(m, C.hex(long)), await verifier.hashToG2(m, C.hex(reduced)));
  assert.notEqual(await verifier.hashToG2(m, C.hex(long)), await verifier.hashToG2(m, C.hex(enc('BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'))));
});

test('D8: the inclusion views refuse a leaf hash as entry hash, an inner node as a leaf, wrong sizes', { skip }, async () => {
  const origin = 'la-d8.example/log';
  const logId = await registerLog(origin);
  const log = clinicLog(6);
  const cp = log.checkpoint(logKey, origin);
  await send(anchor.anchor(logId, ...C.anchorArgs(cp)));
  const pf = log.proofFile(0, cp);
  const [eh, idx, path] = C.inclusionArgs(pf);
  const [, leaf] = C.receiptAtArgs(pf);
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 6, eh, idx, path), true);
  assert.equal(await anchor.verifyInclusionAt(logId, 6, leaf, idx, path), true);
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 6, leaf, idx, path), false, 'leaf hash as entry hash');
  assert.equal(await anchor.verifyInclusionAt(logId, 6, eh, idx, path), false, 'entry hash as leaf hash');
  // the node over leaves 0 and 1, claimed as a leaf with the rest of the path
  const node = C.hex(cc.nodeHash(log.entry(0).leafHash, log.entry(1).leafHash));
  assert.equal(path[0], C.hex(log.entry(1).leafHash));
  for (const i of [0, 1]) assert.equal(await anchor.verifyInclusionAt(logId, 6, node, i, path.slice(1)), false, `inner node at ${i}`);
  assert.equal(await anchor.verifyInclusionAt(logId, 5, leaf, idx, path), false, 'unanchored size');
  assert.equal(await anchor.verifyInclusionAt(logId, 7, leaf, idx, path), false, 'unanchored larger size');
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 6, eh, 6, path), false, 'index = size');
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 6, eh, 2n ** 64n - 1n, path), false, 'huge index');
  assert.equal(await anchor.verifyEntryInclusionAt(logId, 6, eh, idx, [...path, ZERO]), false, 'extra hash');
});

test('D9: with the full signer list the gate agrees with Rust; viem-shaped results decode', { skip }, async () => {
  const { patient, hospital, t1, ids } = await attenuatedCase();
  const hit = await C.revokedOnChain(registry, t1, [patient.publicKey(), hospital.publicKey()]);
  assert.deepEqual([C.hex(hit.revocationId), C.hex(hit.publicKey)], [ids[1], C.hex(hospital.publicKey().toBytes())]);
  // a longer list (the final holder) and a list not starting with the issuer are refused
  await assert.rejects(C.revokedOnChain(registry, t1, [patient.publicKey(), hospital.publicKey(), patient.publicKey()]), code('invalid_argument'));
  await assert.rejects(C.revokedOnChain(registry, t1, [hospital.publicKey()]), code('invalid_argument'));
  // viem returns uint8 as number and a struct as an object: still 'revoked', never 'none'
  const D = '0x' + '22'.repeat(32);
  assert.equal(C.decodeConsent({ status: 2, grantTime: 1n, revokeTime: 2n, tokenDigest: D }).status, 'revoked');
  assert.equal(C.decodeConsent([2, 1, 2, D]).status, 'revoked');
  assert.throws(() => C.decodeConsent([2.5, 0, 0, D]), code('invalid_argument'));
  const onChain = C.decodeConsent(await registry.consentOf(ids[1], C.hex(hospital.publicKey().toBytes())));
  assert.equal(onChain.status, 'revoked');
});
