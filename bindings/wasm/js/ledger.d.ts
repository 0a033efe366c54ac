// Types of `cipherchart/ledger` (bindings/wasm/js/ledger.js): cipherchart objects ↔ the ledger
// contracts' calldata and events. Structural: objects of `cipherchart` and `cipherchart/verify`
// both fit. Errors thrown are `cipherchart/verify`'s classes (`InvalidArgument`,
// `InvalidEncoding`, `VerificationFailed`), each with its stable `.code`.

/** Bytes as the library gives them, `0x` hex, or an object encoding itself with `toBytes()`. */
export type BytesLike = Uint8Array | string | { toBytes(): Uint8Array };
export type Hex = `0x${string}`;

/** One signature line of a checkpoint note (a `NoteSignature`). */
export interface NoteSignatureLike {
  readonly keyName: string;
  readonly keyId: Uint8Array;
  readonly signature: Uint8Array;
}
/** A `Checkpoint` of either build, or a plain object of that shape. */
export interface CheckpointLike {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
  readonly signatures: ReadonlyArray<NoteSignatureLike>;
}
export interface ConsistencyProofLike {
  readonly newSize?: number;
  readonly path: Uint8Array[];
}
export interface InclusionProofLike {
  readonly index: number;
  readonly size?: number;
  readonly path: Uint8Array[];
}
export interface EntryLike {
  readonly hash: Uint8Array;
  readonly leafHash: Uint8Array;
  toBytes(): Uint8Array;
}
export interface ProofFileLike {
  readonly entry: EntryLike;
  readonly proof: InclusionProofLike & { readonly size: number };
}
export interface ConsentTokenLike {
  revocationIds(): Uint8Array[];
  readonly issuer: BytesLike | undefined;
}
/** A token whose block signers are known (the package's `ConsentToken`). */
export interface SignedConsentTokenLike extends ConsentTokenLike {
  blockSigners(): ReadonlyArray<BytesLike>;
}
/**
 * Where anchorArgsAfter gets the consistency proof from the anchored size: a `Chain`
 * (`proveConsistency`), a `MerkleTree` (`consistencyProof`), or a function.
 */
export type ConsistencySource =
  | { proveConsistency(oldSize: number, newSize?: number): ConsistencyProofLike }
  | { consistencyProof(oldSize: number, newSize: number): ConsistencyProofLike }
  | ((oldSize: number, newSize: number) => ConsistencyProofLike | Uint8Array[]);
/** What `CheckpointAnchor.latest(logId)` returns (ethers `Result`), or decodeLatest's output. */
export type LatestLike = readonly [bigint | number, BytesLike] | { readonly size: bigint | number; readonly root: BytesLike };
/** An ethers v6 `Interface` (e.g. `contract.interface`), or anything with its `parseLog`. */
export interface EventParser {
  parseLog(log: unknown): {
    name: string;
    fragment: { inputs: ReadonlyArray<{ name: string; type: string }> };
    args: ArrayLike<unknown>;
  } | null;
}
/** The ConsentRegistry contract (ethers `Contract`, viem wrapper, …). */
export interface RevocationReader {
  isRevoked(revocationId: Hex, publicKey: Hex): Promise<boolean>;
}

export declare function hex(bytes: Uint8Array | ReadonlyArray<number>): Hex;
export declare function bytesOf(v: BytesLike): Uint8Array;

/** The 128-byte EIP-2537 form of a public key (`BlsPublicKey.toEip2537Bytes()`). */
export declare function publicKeyU(publicKey: BytesLike): Uint8Array;
/** The 256-byte EIP-2537 form of a signature or proof of possession (`BlsSignature.toEip2537Bytes()`). */
export declare function signatureU(signature: BytesLike): Uint8Array;
/** [publicKey, publicKeyU, popU] for `registerKey(...)` and `registerLog(origin, ...)`. */
export declare function keyArgs(publicKey: BytesLike, proofOfPossession: BytesLike): [Hex, Hex, Hex];
/**
 * The 96-byte signature of the log's line: the first named as the origin (and with `keyId`, 4
 * bytes, or the first 4 bytes of a 32-byte log id, when given).
 */
export declare function checkpointSignature(checkpoint: CheckpointLike, keyId?: BytesLike): Uint8Array;
/** [size, root, signature, signatureU, consistency] for `anchor(logId, ...)`. */
export declare function anchorArgs(
  checkpoint: CheckpointLike,
  consistency?: ConsistencyProofLike | Uint8Array[] | null,
  keyId?: BytesLike,
): [bigint, Hex, Hex, Hex, Hex[]];
/**
 * anchorArgs with the consistency proof from the size `latest()` reports now (checked locally),
 * or null when that anchored state already covers the checkpoint.
 */
export declare function anchorArgsAfter(
  latest: LatestLike,
  checkpoint: CheckpointLike,
  log: ConsistencySource,
  keyId?: BytesLike,
): [bigint, Hex, Hex, Hex, Hex[]] | null;
/** [entryHash, index, proof] for `verifyInclusion(logId, ...)`: from a ProofFile, or an entry and its proof. */
export declare function inclusionArgs(receipt: ProofFileLike): [Hex, bigint, Hex[]];
export declare function inclusionArgs(entry: EntryLike | BytesLike, proof: InclusionProofLike): [Hex, bigint, Hex[]];
/** [size, leafHash, index, proof] for `verifyInclusionAt(logId, ...)`. */
export declare function receiptAtArgs(receipt: ProofFileLike): [bigint, Hex, bigint, Hex[]];
/** [entry, signatureU] for `ConsentRegistry.grant(...)` / `revoke(...)`. */
export declare function entryArgs(entry: BytesLike): [Hex, Hex];
/** The token's revocation ids, one per block. */
export declare function revocationIds(token: ConsentTokenLike): Hex[];
/**
 * The first (revocation id, key) the registry marks revoked, or null. The signers are the token's
 * own (`token.blockSigners()`); block i is asked about `signers[0..=i]` only. `signers`, if given,
 * must equal them. `isRevoked` must answer a boolean (anything else throws InvalidArgument).
 */
export declare function revokedOnChain(
  registry: RevocationReader,
  token: SignedConsentTokenLike,
  signers?: ReadonlyArray<BytesLike>,
): Promise<{ revocationId: Uint8Array; publicKey: Uint8Array } | null>;

export interface Consent {
  status: 'none' | 'granted' | 'revoked';
  grantTime: number;
  revokeTime: number;
  tokenDigest: Uint8Array;
}
export declare function decodeConsent(result: unknown): Consent;
export declare function decodeLatest(result: unknown): { size: number; root: Uint8Array; origin?: string; keyHash?: Uint8Array };

/** `address`: the emitting contract, lower case. */
export type LedgerEvent = { address: string } & (
  | { event: 'LogRegistered'; logId: Uint8Array; keyId: Uint8Array; origin: string; publicKey: Uint8Array }
  | { event: 'Anchored'; logId: Uint8Array; size: number; root: Uint8Array; signature: Uint8Array }
  | { event: 'KeyRegistered'; keyHash: Uint8Array; publicKey: Uint8Array }
  | { event: 'Granted' | 'Revoked'; revocationId: Uint8Array; patientKey: Uint8Array; tokenDigest: Uint8Array; entryHash: Uint8Array; time: number });

/** A contract: its Interface and its address (ethers `target`, or `address`). */
export type EventContract = { interface: EventParser } & ({ target: unknown } | { address: string });
/**
 * One log as a plain object, or null if `source` did not emit it. Only the logs the contract
 * emitted are decoded; an event is what a contract said, chain state (`rootAt`, `isRevoked`) is
 * what to trust.
 */
export declare function decodeEvent(source: EventContract, log: unknown): LedgerEvent | null;
export declare function decodeEvents(source: EventContract, receipt: { logs: ReadonlyArray<unknown> }): LedgerEvent[];
/** The signed note of an `Anchored` event, for `Checkpoint.fromNote`. */
export declare function anchoredNote(
  origin: string,
  anchored: { logId: BytesLike; size: number | bigint; root: BytesLike; signature: BytesLike },
): string;
