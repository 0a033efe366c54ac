// cipherchart objects ↔ the ledger contracts' calldata and events (docs/ledger.md).
//
// Works with the objects of either npm build (`cipherchart` or `cipherchart/verify`) without
// importing either: it reads their public getters and `toBytes()`. Byte arguments may also
// be given as `Uint8Array` or `0x` hex. Out (to the contracts): hex strings and bigints, as
// ethers and viem take them. Back (from events and views): plain objects with `Uint8Array`
// bytes and `number` sizes and times, as the library takes them (e.g. `Checkpoint.fromNote`
// on `anchoredNote(...)`).
//
// The contracts take BLS points twice, compressed (what is hashed and stored) and
// uncompressed (what the EIP-2537 precompiles read); they check that both name one point.
// Decompression happens here (lib/bls.mjs, @noble/curves), never on chain.
import { g1Uncompress, g2Uncompress } from './bls.mjs';

/** `0x` hex of bytes. */
export function hex(b) {
  let s = '0x';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Bytes of a `0x` hex string, a Uint8Array, or an object with `toBytes()`. */
export function bytesOf(v) {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') {
    const s = v.replace(/^0x/, '');
    if (s.length % 2 || /[^0-9a-fA-F]/.test(s)) throw new TypeError(`not hex: ${v.slice(0, 20)}…`);
    return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
  }
  if (v && typeof v.toBytes === 'function') return v.toBytes();
  throw new TypeError(`expected bytes, hex or a cipherchart object, got ${typeof v}`);
}

const fixed = (v, n, what) => {
  const b = bytesOf(v);
  if (b.length !== n) throw new TypeError(`${what}: expected ${n} bytes, got ${b.length}`);
  return b;
};
const u64 = (v, what) => {
  const n = BigInt(v);
  if (n < 0n || n >= 1n << 64n) throw new RangeError(`${what} out of uint64 range`);
  return n;
};
const path = (p) => [...(p ?? [])].map((x) => hex(fixed(x, 32, 'proof hash')));
const num = (v) => {
  const n = BigInt(v);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
};

/**
 * [publicKey, publicKeyU, popU]: the arguments of `registerKey(...)` and the last three of
 * `registerLog(origin, ...)`. `publicKey` a BlsPublicKey (or its 48 bytes), `pop` its proof
 * of possession, a BlsSignature (or 96 bytes), e.g. `signingKey.provePossession()`.
 */
export function keyArgs(publicKey, pop) {
  const pk = fixed(publicKey, 48, 'public key');
  return [hex(pk), hex(g1Uncompress(pk)), hex(g2Uncompress(fixed(pop, 96, 'proof of possession')))];
}

/** The 96-byte signature of a Checkpoint's first signature line (or the one with `keyId`). */
export function checkpointSignature(checkpoint, keyId) {
  const sigs = checkpoint.signatures;
  const want = keyId === undefined ? null : hex(bytesOf(keyId));
  const s = sigs.find((x) => want === null || hex(x.keyId) === want);
  if (!s) throw new Error(want ? `no signature line with key id ${want}` : 'the checkpoint has no signature');
  return fixed(s.signature, 96, 'checkpoint signature');
}

/**
 * [size, root, signature, signatureU, consistency]: the arguments of `anchor(logId, ...)`.
 * `checkpoint` a Checkpoint (or anything with size, root, signatures); `consistency` the
 * ConsistencyProof from the last anchored size (a ConsistencyProof, or its path), omitted or
 * null for a log's first anchor. `keyId` picks a signature line (default: the first).
 */
export function anchorArgs(checkpoint, consistency = null, keyId = undefined) {
  if (consistency && consistency.newSize !== undefined && consistency.newSize !== checkpoint.size) {
    throw new RangeError(`consistency proof to size ${consistency.newSize}, checkpoint of size ${checkpoint.size}`);
  }
  const sig = checkpointSignature(checkpoint, keyId);
  const p = consistency ? (Array.isArray(consistency) ? consistency : consistency.path) : [];
  return [u64(checkpoint.size, 'size'), hex(fixed(checkpoint.root, 32, 'root')), hex(sig), hex(g2Uncompress(sig)), path(p)];
}

/**
 * [entryHash, index, proof]: the arguments of `verifyInclusion(logId, ...)` (against the last
 * anchored root). From a ProofFile (a receipt) alone, or from an Entry (or its 32-byte hash)
 * and an InclusionProof (or `{ index, path }`).
 */
export function inclusionArgs(entryOrReceipt, proof = undefined) {
  let entry = entryOrReceipt;
  if (proof === undefined) {
    if (!entryOrReceipt?.proof) throw new TypeError('inclusionArgs(receipt) needs a ProofFile, or (entry, proof)');
    entry = entryOrReceipt.entry;
    proof = entryOrReceipt.proof;
  }
  const h = entry?.hash !== undefined ? entry.hash : entry;
  return [hex(fixed(h, 32, 'entry hash')), u64(proof.index, 'index'), path(proof.path)];
}

/**
 * [size, leafHash, index, proof]: the arguments of `verifyInclusionAt(logId, ...)`, which
 * checks a receipt against the root anchored at its own size (the receipt's checkpoint).
 */
export function receiptAtArgs(receipt) {
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
  if (b.length < 4 + 96) throw new TypeError('not a cipherchart entry');
  return [hex(b), hex(g2Uncompress(b.subarray(b.length - 96)))];
}

/** The revocation ids (hex, one per block) of a ConsentToken: `isRevoked(id, key)` names them. */
export function revocationIds(token) {
  return token.revocationIds().map((id) => hex(fixed(id, 32, 'revocation id')));
}

/**
 * The proxy's consent gate, on chain: the first (revocation id, key) the registry marks
 * revoked, or null. Asks `registry.isRevoked(id, key)` for every block of `token` and every
 * key in `keys` (default: the token's issuer, the patient; for an attenuated token pass the
 * upstream holders too, as Rust's RevocationSet counts their revocations). `registry` is an
 * ethers/viem-style contract object with an async `isRevoked`.
 */
export async function revokedOnChain(registry, token, keys = undefined) {
  const ks = (keys ?? [token.issuer]).filter(Boolean).map((k) => hex(fixed(k, 48, 'public key')));
  if (ks.length === 0) throw new TypeError('no key to ask about (the token has no issuer)');
  for (const id of revocationIds(token)) {
    for (const key of ks) if (await registry.isRevoked(id, key)) return { revocationId: bytesOf(id), publicKey: bytesOf(key) };
  }
  return null;
}

const base64 = (b) => btoa(String.fromCharCode(...b));

const STATUS = ['none', 'granted', 'revoked'];

/** `ConsentRegistry.consentOf(id, key)` as a plain object. */
export function decodeConsent(c) {
  return {
    status: STATUS[Number(c.status ?? c[0])],
    grantTime: num(c.grantTime ?? c[1]),
    revokeTime: num(c.revokeTime ?? c[2]),
    tokenDigest: bytesOf(c.tokenDigest ?? c[3]),
  };
}

/** `CheckpointAnchor.latest(logId)` (or `logOf`) as `{ size, root }` (and `origin`). */
export function decodeLatest(r) {
  if (r.origin !== undefined || r.length === 4) {
    const [origin, keyHash, size, root] = r;
    return { origin, keyHash: bytesOf(keyHash), size: num(size), root: bytesOf(root) };
  }
  const [size, root] = r;
  return { size: num(size), root: bytesOf(root) };
}

/**
 * One event log as a plain object `{ event, ...fields }` (bytes as Uint8Array, sizes and
 * times as numbers), or null when `iface` (an ethers Interface, e.g. `contract.interface`)
 * does not know it. Events: LogRegistered, Anchored, KeyRegistered, Granted, Revoked.
 */
export function decodeEvent(iface, log) {
  let ev;
  try {
    ev = iface.parseLog(log);
  } catch {
    return null;
  }
  if (!ev) return null;
  const out = { event: ev.name };
  for (const [i, input] of ev.fragment.inputs.entries()) {
    const v = ev.args[i];
    out[input.name] = input.type.startsWith('uint') ? num(v) : input.type.startsWith('bytes') ? bytesOf(v) : v;
  }
  return out;
}

/** Every event of a transaction receipt that `iface` knows, decoded (see decodeEvent). */
export function decodeEvents(iface, receipt) {
  return receipt.logs.map((l) => decodeEvent(iface, l)).filter(Boolean);
}

/**
 * The signed note cipherchart wrote, rebuilt from an `Anchored` event and the log's origin
 * (from `LogRegistered` or `logOf`): `Checkpoint.fromNote(anchoredNote(origin, ev))` is the
 * anchored checkpoint, which `verify(logKey)` checks off chain. The key id is the first 4
 * bytes of the log id.
 */
export function anchoredNote(origin, anchored) {
  const root = base64(bytesOf(anchored.root));
  const blob = base64([...bytesOf(anchored.logId).subarray(0, 4), ...bytesOf(anchored.signature)]);
  return `${origin}\n${anchored.size}\n${root}\n\n\u2014 ${origin} ${blob}\n`;
}
