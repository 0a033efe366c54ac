// `cipherchart/ledger`: cipherchart objects ↔ the calldata and events of the ledger contracts
// (ledger/contracts/, docs/ledger.md). Copied by scripts/wasm-package.mjs to ledger/index.js in
// the npm package; this file is its only source (the repository's ledger/lib/calldata.mjs
// re-exports the built copy).
//
// Built on the verify-only build: `#cipherchart-verify` is the package's own `imports` entry,
// `./verify/node/index.mjs` under Node (initialised at load) and `./verify/web/index.js`
// elsewhere (call `init()` of `cipherchart/verify` once before use, as for that entry).
//
// Works with the objects of either build (`cipherchart` or `cipherchart/verify`) through their
// public getters and `toBytes()`; byte arguments may also be given as `Uint8Array` or `0x` hex.
// Out (to the contracts): hex strings and bigints, as ethers and viem take them. Back (from
// events and views): plain objects with `Uint8Array` bytes and `number` sizes and times, as the
// library takes them (e.g. `Checkpoint.fromNote(anchoredNote(...))`).
//
// The contracts take BLS points twice, compressed (what is hashed and stored) and uncompressed
// (what the EIP-2537 precompiles read) and check that both name one point. The uncompressed
// form comes from the library (Rust: `BlsPublicKey::to_eip2537_bytes`,
// `BlsSignature::to_eip2537_bytes`, arkworks), after the full decoding checks of
// `fromBytes` (on the curve, in the subgroup, not the identity): never computed here or on chain.
//
// Errors: bad arguments throw the library's `InvalidArgument` (`.code` `invalid_argument`),
// bad points its `InvalidEncoding` (`invalid_encoding`), a local consistency check that fails
// `VerificationFailed`; the classes are those of `cipherchart/verify`.
import {
  BlsPublicKey,
  BlsSignature,
  InvalidArgument,
  VerificationFailed,
  verifyConsistency,
} from '#cipherchart-verify';

/** `0x` hex of bytes. */
export function hex(b) {
  if (!(b instanceof Uint8Array) && !Array.isArray(b)) throw new InvalidArgument(`hex: expected bytes, got ${kind(b)}`);
  let s = '0x';
  for (const x of b) {
    if (!Number.isInteger(x) || x < 0 || x > 255) throw new InvalidArgument('hex: not a byte array');
    s += x.toString(16).padStart(2, '0');
  }
  return s;
}

const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** Bytes of a `0x` hex string, a Uint8Array, or an object with `toBytes()`. */
export function bytesOf(v) {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') {
    const s = v.replace(/^0x/, '');
    if (s.length % 2 || /[^0-9a-fA-F]/.test(s)) throw new InvalidArgument(`not hex: ${v.slice(0, 20)}…`);
    return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
  }
  if (v && typeof v.toBytes === 'function') {
    const b = v.toBytes();
    if (b instanceof Uint8Array) return b;
  }
  throw new InvalidArgument(`expected bytes, hex or a cipherchart object, got ${kind(v)}`);
}

const fixed = (v, n, what) => {
  const b = bytesOf(v);
  if (b.length !== n) throw new InvalidArgument(`${what}: expected ${n} bytes, got ${b.length}`);
  return b;
};
// One integer reader for every size, index and time (review LA-5): a bigint, a safe integer
// number or a decimal (or 0x-hex) string; never a boolean, a fraction or an object.
const u64 = (v, what) => {
  let n;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) n = BigInt(v);
  else throw new InvalidArgument(`${what}: not an integer`);
  if (n < 0n || n >= 1n << 64n) throw new InvalidArgument(`${what} out of uint64 range`);
  return n;
};
const safe = (v, what) => {
  const n = u64(v, what);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidArgument(`${what} above 2^53 - 1`);
  return Number(n);
};
const list = (v, what) => {
  if (v === null || v === undefined || typeof v === 'string' || typeof v[Symbol.iterator] !== 'function') {
    throw new InvalidArgument(`${what}: expected an array, got ${kind(v)}`);
  }
  const out = [...v];
  const hole = out.findIndex((x) => x === undefined || x === null);
  if (hole >= 0) throw new InvalidArgument(`${what}: nothing at position ${hole}`);
  return out;
};
const path = (p) => list(p, 'proof').map((x) => hex(fixed(x, 32, 'proof hash')));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Decodes with `Class.fromBytes` (every check), then returns `toEip2537Bytes()`. */
function uncompressed(Class, bytes) {
  const point = Class.fromBytes(bytes);
  try {
    return point.toEip2537Bytes();
  } finally {
    point.free();
  }
}

/**
 * The 128-byte uncompressed EIP-2537 form of a public key (a BlsPublicKey or its 48 bytes), as
 * `BlsPublicKey.toEip2537Bytes()` gives it; throws `InvalidEncoding` for a bad key.
 */
export function publicKeyU(publicKey) {
  return uncompressed(BlsPublicKey, fixed(publicKey, 48, 'public key'));
}

/**
 * The 256-byte uncompressed EIP-2537 form of a signature or proof of possession (a
 * BlsSignature or its 96 bytes); throws `InvalidEncoding` for a bad signature.
 */
export function signatureU(signature) {
  return uncompressed(BlsSignature, fixed(signature, 96, 'signature'));
}

/**
 * [publicKey, publicKeyU, popU]: the arguments of `registerKey(...)` and the last three of
 * `registerLog(origin, ...)`. `publicKey` a BlsPublicKey (or its 48 bytes), `pop` its proof
 * of possession, a BlsSignature (or 96 bytes), e.g. `signingKey.provePossession()`.
 */
export function keyArgs(publicKey, pop) {
  const pk = fixed(publicKey, 48, 'public key');
  return [hex(pk), hex(publicKeyU(pk)), hex(signatureU(fixed(pop, 96, 'proof of possession')))];
}

/**
 * The 96-byte signature of the log's line of a Checkpoint: the first line whose key name is
 * the checkpoint's origin (the lines Rust's `Checkpoint::verify` considers; cosignatures and
 * other names are skipped) and, when `keyId` is given, whose key id is `keyId` (4 bytes) or
 * the first 4 bytes of `keyId` given as a 32-byte log id (the contract's key id).
 */
export function checkpointSignature(checkpoint, keyId = undefined) {
  if (!checkpoint || typeof checkpoint.origin !== 'string') {
    throw new InvalidArgument('checkpoint: expected a Checkpoint (with its origin and signature lines)');
  }
  let want = null;
  if (keyId !== undefined && keyId !== null) {
    const k = bytesOf(keyId);
    if (k.length !== 4 && k.length !== 32) throw new InvalidArgument(`key id: expected 4 bytes (or a 32-byte log id), got ${k.length}`);
    want = k.subarray(0, 4);
  }
  const line = list(checkpoint.signatures, 'checkpoint signatures')
    .find((s) => s.keyName === checkpoint.origin && (want === null || equal(bytesOf(s.keyId), want)));
  if (!line) {
    throw new InvalidArgument(`no signature line named ${JSON.stringify(checkpoint.origin)}${want ? ` with key id ${hex(want)}` : ''}`);
  }
  return fixed(line.signature, 96, 'checkpoint signature');
}

/**
 * [size, root, signature, signatureU, consistency]: the arguments of `anchor(logId, ...)`.
 * `checkpoint` a Checkpoint (or anything with origin, size, root, signatures); `consistency`
 * the ConsistencyProof from the last anchored size (a ConsistencyProof, or its path), omitted
 * or null for a log's first anchor. `keyId` picks the log's line (see checkpointSignature):
 * pass the log id when it is known. To build the proof from what is anchored now, see
 * anchorArgsAfter.
 */
export function anchorArgs(checkpoint, consistency = null, keyId = undefined) {
  const sig = checkpointSignature(checkpoint, keyId);
  const size = u64(checkpoint.size, 'size');
  if (consistency && typeof consistency === 'object' && !Array.isArray(consistency) && consistency.newSize !== undefined
    && u64(consistency.newSize, 'consistency proof size') !== size) {
    throw new InvalidArgument(`consistency proof to size ${consistency.newSize}, checkpoint of size ${size}`);
  }
  const p = consistency === null || consistency === undefined ? [] : Array.isArray(consistency) ? consistency : consistency.path;
  return [size, hex(fixed(checkpoint.root, 32, 'root')), hex(sig), hex(signatureU(sig)), path(p)];
}

/** The consistency proof from `oldSize` to `newSize` out of a Chain, a MerkleTree or a function. */
function proveConsistency(log, oldSize, newSize) {
  if (typeof log === 'function') return log(oldSize, newSize);
  if (log && typeof log.proveConsistency === 'function') return log.proveConsistency(oldSize, newSize);
  if (log && typeof log.consistencyProof === 'function') return log.consistencyProof(oldSize, newSize);
  throw new InvalidArgument('log: expected a Chain, a MerkleTree or a function (oldSize, newSize) => proof');
}
const pathOf = (p) => (Array.isArray(p) ? p : p?.path);

/**
 * anchorArgs for `checkpoint` against what the contract holds now: `latest` is
 * `CheckpointAnchor.latest(logId)` (raw or decodeLatest'd) read just before sending, `log` the
 * clinic's log (a Chain, a MerkleTree, or a function `(oldSize, newSize) => ConsistencyProof`)
 * that gives the consistency proof from the anchored size. Another party may have anchored a
 * genuine checkpoint of the log since the last anchor this caller sent (review L5): the proof
 * starts from that size, not from the caller's own bookkeeping, and is checked locally against
 * the anchored root before anything is sent, so a stale or forked state costs no gas.
 *
 * Returns the five arguments; or null when there is nothing to send: `latest` is already at
 * this checkpoint (same root) or past it (and the log proves that the anchored root extends
 * it). Throws `VerificationFailed` when the anchored root is not a prefix of this log's history
 * (or, at the same size, another root).
 */
export function anchorArgsAfter(latest, checkpoint, log, keyId = undefined) {
  const { size: anchored, root: anchoredRoot } = decodeLatest(latest);
  const at = BigInt(anchored);
  const size = u64(checkpoint.size, 'size');
  const root = fixed(checkpoint.root, 32, 'root');
  const aRoot = fixed(anchoredRoot, 32, 'anchored root');
  const sizeN = safe(size, 'size');
  // Size 0: the contract takes only the empty tree, and only before any other anchor
  // (review L4); once anything is anchored there is nothing to send.
  if (size === 0n) return at === 0n && aRoot.every((b) => b === 0) ? anchorArgs(checkpoint, null, keyId) : null;
  if (at === 0n) return anchorArgs(checkpoint, null, keyId);
  const atN = safe(at, 'anchored size');
  // The consistency proof between two trees of the log, checked against their roots here.
  const check = (oldSize, newSize, oldRoot, newRoot) => {
    const hashes = list(pathOf(proveConsistency(log, oldSize, newSize)), 'consistency proof')
      .map((x) => fixed(x, 32, 'proof hash'));
    try {
      verifyConsistency(oldSize, newSize, oldRoot, newRoot, hashes);
    } catch (e) {
      if (e?.code !== 'verification_failed') throw e;
      throw new VerificationFailed(`the root anchored at size ${atN} and this checkpoint are not one history`);
    }
    return hashes;
  };
  if (at === size) {
    if (!equal(aRoot, root)) throw new VerificationFailed(`another root is anchored at size ${size}`);
    return null;
  }
  if (at > size) {
    check(sizeN, atN, root, aRoot);
    return null;
  }
  const hashes = check(atN, sizeN, aRoot, root);
  return anchorArgs(checkpoint, hashes, keyId);
}

/**
 * [entryHash, index, proof]: the arguments of `verifyInclusion(logId, ...)` (against the last
 * anchored root). From a ProofFile (a receipt) alone, or from an Entry (or its 32-byte hash)
 * and an InclusionProof (or `{ index, path }`).
 */
export function inclusionArgs(entryOrReceipt, proof = undefined) {
  let entry = entryOrReceipt;
  if (proof === undefined) {
    if (!entryOrReceipt?.proof) throw new InvalidArgument('inclusionArgs(receipt) needs a ProofFile, or (entry, proof)');
    entry = entryOrReceipt.entry;
    proof = entryOrReceipt.proof;
  }
  if (!proof) throw new InvalidArgument('inclusionArgs: no proof');
  const h = entry?.hash !== undefined ? entry.hash : entry;
  return [hex(fixed(h, 32, 'entry hash')), u64(proof.index, 'index'), path(proof.path)];
}

/**
 * [size, leafHash, index, proof]: the arguments of `verifyInclusionAt(logId, ...)`, which
 * checks a receipt against the root anchored at its own size (the receipt's checkpoint).
 */
export function receiptAtArgs(receipt) {
  if (!receipt?.entry || !receipt?.proof) throw new InvalidArgument('receiptAtArgs needs a ProofFile');
  const { entry, proof } = receipt;
  return [u64(proof.size, 'size'), hex(fixed(entry.leafHash, 32, 'leaf hash')), u64(proof.index, 'index'), path(proof.path)];
}

/**
 * [entry, signatureU]: the arguments of `ConsentRegistry.grant(...)` / `revoke(...)`. `entry`
 * an Entry (e.g. `chain.entry(chain.appendGrant(token, time, patient))`) or its bytes; its
 * signature (the last 96 bytes) is passed again uncompressed.
 */
export function entryArgs(entry) {
  const b = bytesOf(entry);
  if (b.length < 4 + 96) throw new InvalidArgument('not a cipherchart entry');
  return [hex(b), hex(signatureU(b.subarray(b.length - 96)))];
}

/** The revocation ids (hex, one per block) of a ConsentToken: `isRevoked(id, key)` names them. */
export function revocationIds(token) {
  if (!token || typeof token.revocationIds !== 'function') throw new InvalidArgument('expected a ConsentToken');
  return list(token.revocationIds(), 'revocation ids').map((id) => hex(fixed(id, 32, 'revocation id')));
}

/**
 * The proxy's consent gate, on chain: the first (revocation id, key) the registry marks
 * revoked, or null. As Rust's `RevocationSet` (review L9), a revocation of block i counts only
 * if its signer signed one of blocks 0..=i; the signers are the token's own
 * (`token.blockSigners()`: the issuer, then the holder each block names), so for block i the
 * registry is asked `isRevoked(id_i, k)` for k in `signers[0..=i]` (review LA-1: no shorter or
 * other list, which would skip a holder's revocation). `signers`, if given, must be exactly
 * those. `registry` is an ethers/viem-style contract object whose async `isRevoked` answers a
 * boolean; any other answer is an error, never "not revoked" (review LA-4).
 */
export async function revokedOnChain(registry, token, signers = undefined) {
  if (!registry || typeof registry.isRevoked !== 'function') throw new InvalidArgument('registry: expected an object with isRevoked(id, key)');
  const ids = revocationIds(token);
  if (typeof token.blockSigners !== 'function') throw new InvalidArgument('expected a ConsentToken (blockSigners)');
  const ks = list(token.blockSigners(), 'block signers').map((k) => hex(fixed(k, 48, 'public key')));
  if (ks.length !== ids.length) throw new InvalidArgument(`${ks.length} signers for ${ids.length} blocks`);
  if (signers !== undefined && signers !== null) {
    const given = list(signers, 'signers').map((k) => hex(fixed(k, 48, 'public key')));
    if (given.length !== ks.length || given.some((k, i) => k !== ks[i])) {
      throw new InvalidArgument("signers: not the token's block signers (the issuer, then the holder each block names)");
    }
  }
  for (const [i, id] of ids.entries()) {
    for (const key of ks.slice(0, i + 1)) {
      const answer = await registry.isRevoked(id, key);
      if (typeof answer !== 'boolean') throw new InvalidArgument(`isRevoked answered ${kind(answer)}, not true or false`);
      if (answer) return { revocationId: bytesOf(id), publicKey: bytesOf(key) };
    }
  }
  return null;
}

const base64 = (b) => btoa(String.fromCharCode(...b));

const STATUS = ['none', 'granted', 'revoked'];

/** `ConsentRegistry.consentOf(id, key)` as a plain object. */
export function decodeConsent(c) {
  if (!c || typeof c !== 'object') throw new InvalidArgument('decodeConsent: expected the result of consentOf');
  const status = STATUS[safe(c.status ?? c[0], 'status')];
  if (status === undefined) throw new InvalidArgument('decodeConsent: unknown status');
  return {
    status,
    grantTime: safe(c.grantTime ?? c[1], 'grant time'),
    revokeTime: safe(c.revokeTime ?? c[2], 'revoke time'),
    tokenDigest: fixed(c.tokenDigest ?? c[3], 32, 'token digest'),
  };
}

/** `CheckpointAnchor.latest(logId)` (or `logOf`) as `{ size, root }` (and `origin`, `keyHash`). */
export function decodeLatest(r) {
  if (!r || typeof r !== 'object') throw new InvalidArgument('decodeLatest: expected the result of latest() or logOf()');
  if (!Array.isArray(r) && r.size !== undefined && r.origin === undefined) {
    return { size: safe(r.size, 'size'), root: fixed(r.root, 32, 'root') };
  }
  if (r.origin !== undefined || r.length === 4) {
    const [origin, keyHash, size, root] = r.origin !== undefined ? [r.origin, r.keyHash, r.size, r.root] : r;
    return { origin, keyHash: fixed(keyHash, 32, 'key hash'), size: safe(size, 'size'), root: fixed(root, 32, 'root') };
  }
  const [size, root] = r;
  return { size: safe(size, 'size'), root: fixed(root, 32, 'root') };
}

/**
 * The contract's Interface and address (ethers `.target`, or `.address`): an event is decoded
 * only from the contract it names, so a look-alike event of another contract is never taken
 * for the anchor's (review LA-2). A bare Interface is refused: it binds no emitter.
 */
function eventSource(source) {
  if (source && typeof source.parseLog === 'function') {
    throw new InvalidArgument('pass the contract (its address binds the events), or { interface, address }: a bare Interface decodes any emitter');
  }
  const iface = source?.interface;
  if (!iface || typeof iface.parseLog !== 'function') {
    throw new InvalidArgument('source: expected a contract object with an ethers Interface (interface.parseLog) and its address');
  }
  const at = source.target ?? source.address;
  if (typeof at !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(at)) {
    throw new InvalidArgument('source: the contract\'s address (target or address) is missing or not an address');
  }
  return { iface, address: at.toLowerCase() };
}

/**
 * One event log as a plain object `{ event, address, ...fields }` (bytes as Uint8Array,
 * sizes and times as numbers), or null when the log was not emitted by `source` or is not
 * one of its events. `source` is the contract object (ethers `Contract`) or `{ interface,
 * address }` (review LA-2). An event is what a contract said, not chain state: trust
 * `rootAt`, `latest`, `isRevoked` for decisions.
 * Events: LogRegistered, Anchored, KeyRegistered, Granted, Revoked.
 */
export function decodeEvent(source, log) {
  const { iface, address } = eventSource(source);
  const emitter = typeof log?.address === 'string' ? log.address.toLowerCase() : null;
  if (emitter !== address) return null;
  let ev;
  try {
    ev = iface.parseLog(log);
  } catch {
    return null;
  }
  if (!ev) return null;
  const out = { event: ev.name, address: emitter };
  for (const [i, input] of ev.fragment.inputs.entries()) {
    const v = ev.args[i];
    out[input.name] = input.type.startsWith('uint') ? safe(v, input.name) : input.type.startsWith('bytes') ? bytesOf(v) : v;
  }
  return out;
}

/** Every event of a transaction receipt that `source` knows, in order (see decodeEvent). */
export function decodeEvents(source, receipt) {
  eventSource(source);
  return list(receipt?.logs, 'receipt logs').map((l) => decodeEvent(source, l)).filter(Boolean);
}

/**
 * The signed note cipherchart wrote, rebuilt from an `Anchored` event and the log's origin
 * (from `LogRegistered` or `logOf`): `Checkpoint.fromNote(anchoredNote(origin, ev))` is the
 * anchored checkpoint, which `verify(logKey)` checks off chain. The key id is the first 4
 * bytes of the log id.
 */
export function anchoredNote(origin, anchored) {
  if (typeof origin !== 'string' || !anchored) throw new InvalidArgument('anchoredNote(origin, anchoredEvent)');
  const root = base64(fixed(anchored.root, 32, 'root'));
  const blob = base64([...fixed(anchored.logId, 32, 'log id').subarray(0, 4), ...fixed(anchored.signature, 96, 'signature')]);
  return `${origin}\n${u64(anchored.size, 'size')}\n${root}\n\n\u2014 ${origin} ${blob}\n`;
}
